//! Running the client library in-process against a server, as the stock
//! command would run in a shell with stdin from /dev/null (or a pipe).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use xcat_client::cli::{run, CliContext};
use xcat_client::conn::{ConnectOptions, Connection, SubmitOutcome};
use xcat_client::request::FakeStdin;
use xcat_client::{render, Credentials, Printed};

/// A home directory whose `.xcat/` holds (or lacks) client credentials.
#[derive(Debug, Clone)]
pub struct ClientHome(pub PathBuf);

/// Run `argv` (argv[0] = command or link name) against `addr` with the
/// credentials under `home`, cwd `/tmp`, `TERM` set, stdin /dev/null unless
/// `stdin` is given (then a pipe).
pub async fn run_client(addr: &str, home: &Path, argv: &[&str], stdin: Option<&str>) -> Printed {
    run_client_env(addr, home, argv, stdin, &[]).await
}

/// [`run_client`] with extra environment variables.
pub async fn run_client_env(
    addr: &str,
    home: &Path,
    argv: &[&str],
    stdin: Option<&str>,
    env: &[(&str, &str)],
) -> Printed {
    let mut vars: BTreeMap<String, String> = [
        ("XCATHOST", addr),
        ("TERM", "xterm"),
        ("USER", "root"),
        ("PATH", "/usr/bin:/bin"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (k, v) in env {
        vars.insert(k.to_string(), v.to_string());
    }
    let ctx = CliContext {
        env: vars,
        cwd: PathBuf::from("/tmp"),
        home: Some(home.to_path_buf()),
        handle_signals: false,
    };
    let mut input = match stdin {
        Some(s) => FakeStdin::pipe(s.as_bytes().to_vec()),
        None => FakeStdin::dev_null(),
    };
    let mut out = Printed::new();
    let argv0 = argv.first().copied().unwrap_or("xcatclient");
    let args = argv.iter().skip(1).map(|s| s.to_string()).collect();
    out.exit_code = run(argv0, args, &ctx, &mut input, &mut out).await;
    out
}

/// Send request bytes verbatim (e.g. a fixture's stock request) with the
/// credentials under `home`, and print the answer as the stock client would.
pub async fn send_raw(addr: &str, home: &Path, request: &[u8]) -> Printed {
    let creds = Credentials::for_user_home(home).ok();
    let mut out = Printed::new();
    let mut conn = match Connection::connect(addr, creds.as_ref(), &ConnectOptions::default()).await
    {
        Ok(c) => c,
        Err(e) => {
            out.stderr = format!("Connection failure: {e}\n");
            out.exit_code = 255;
            return out;
        }
    };
    let mut docs = Vec::new();
    let outcome = conn
        .request_raw(request, &mut |r| {
            docs.push(r);
            true
        })
        .await;
    for d in &docs {
        render(d, false, &mut out);
    }
    match outcome {
        Ok(SubmitOutcome::Done(last)) => render(&last, false, &mut out),
        Ok(SubmitOutcome::Stopped) => {}
        Ok(SubmitOutcome::Premature) => {
            out.stderr.push_str(xcat_client::cli::PREMATURE_END);
            out.exit_code = 1;
        }
        Err(e) => {
            out.stderr.push_str(&format!("{e}\n"));
            out.exit_code = 255;
        }
    }
    conn.close().await;
    out
}
