//! `xcatclient`: the stock xCAT command-line client.  Run it through a
//! symlink named after the command (`nodels`, `lsdef`, `tabdump`, `chtab`,
//! `dumpxCATdb`, ...) or as `xcatclient <command> [args...]`.

use xcat_client::cli::{run, CliContext, StdSink};
use xcat_client::request::RealStdin;

fn main() {
    let mut argv = std::env::args_os().map(|a| a.to_string_lossy().into_owned());
    let argv0 = argv.next().unwrap_or_else(|| "xcatclient".into());
    let args: Vec<String> = argv.collect();
    let runtime = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("xcatclient: cannot start the I/O runtime: {e}");
            std::process::exit(255);
        }
    };
    let ctx = CliContext::from_process();
    let code = runtime.block_on(run(&argv0, args, &ctx, &mut RealStdin, &mut StdSink));
    std::process::exit(code & 0xff);
}
