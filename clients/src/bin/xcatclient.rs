//! `xcatclient`: the stock xCAT command-line client.  Run it through a
//! symlink named after the command (`nodels`, `lsdef`, `tabdump`, `chtab`,
//! `dumpxCATdb`, ...) or as `xcatclient <command> [args...]`.
//! `xcatclient --install-links DIR` creates those symlinks in DIR.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use xcat_client::cli::{run, CliContext, StdSink};
use xcat_client::request::RealStdin;

fn main() {
    let mut argv = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let argv0 = argv.next().unwrap_or_else(|| "xcatclient".into());
    let args: Vec<String> = argv.collect();
    if args.first().map(String::as_str) == Some("--install-links") {
        std::process::exit(install_links(args.get(1).map(String::as_str)));
    }
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xcatclient: cannot start the I/O runtime: {e}");
            std::process::exit(255);
        }
    };
    let ctx = CliContext::from_process();
    let code = runtime.block_on(run(&argv0, args, &ctx, &mut RealStdin, &mut StdSink::new()));
    std::process::exit(code & 0xff);
}

/// Symlink every known command name in `dir` to this executable (existing
/// files are left alone).
fn install_links(dir: Option<&str>) -> i32 {
    let Some(dir) = dir else {
        eprintln!("Usage: xcatclient --install-links DIR");
        return 1;
    };
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("xcatclient: cannot find this executable: {e}");
            return 1;
        }
    };
    let dir = std::path::Path::new(dir);
    let mut made = 0;
    for name in xcat_client::styles::all_commands() {
        let link = dir.join(name);
        if link.symlink_metadata().is_ok() {
            continue;
        }
        match std::os::unix::fs::symlink(&exe, &link) {
            Ok(()) => made += 1,
            Err(e) => {
                eprintln!("xcatclient: {}: {e}", link.display());
                return 1;
            }
        }
    }
    println!("{made} links created in {}", dir.display());
    0
}
