//! One heartbeat: a TLS connection to another member's xcatd with this daemon's server
//! certificate (`xcat-net`), the request `hastatus --heartbeat <our status lines>`, and
//! its `data` lines (the other member's status) back — all within one deadline.

use crate::state::Report;
use crate::status;
use std::time::Duration;
use xcat_net::{ConnectOptions, Connection, Credentials};
use xcat_proto::tree::MapExt;
use xcat_proto::{Request, Response};

/// The first argument of a heartbeat request.
pub const HEARTBEAT_ARG: &str = "--heartbeat";

/// Whether `req` is a heartbeat: the daemon keeps these (several a second) out of the
/// audit log, syslog and the command log; transitions are logged by the agent.
pub fn is_heartbeat(req: &Request) -> bool {
    req.command() == "hastatus" && req.args().first() == Some(&HEARTBEAT_ARG)
}

/// The request that carries our status lines.
pub fn request(our_lines: &[String]) -> Request {
    let mut req = Request::new("hastatus");
    let mut args = vec![HEARTBEAT_ARG.to_string()];
    args.extend(our_lines.iter().cloned());
    req.set_args(&args);
    req
}

fn data_lines(resp: &Response, out: &mut Vec<String>) -> Result<(), String> {
    if let Some(e) = resp.map.texts("error").first() {
        return Err(e.to_string());
    }
    out.extend(resp.map.texts("data").into_iter().map(str::to_string));
    Ok(())
}

/// A client for one member, with its own small runtime (one per poller thread).
pub struct Heartbeat {
    runtime: tokio::runtime::Runtime,
    creds: Option<Credentials>,
    deadline: Duration,
}

impl Heartbeat {
    pub fn new(creds: Option<Credentials>, deadline: Duration) -> std::io::Result<Heartbeat> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        Ok(Heartbeat {
            runtime,
            creds,
            deadline,
        })
    }

    /// One exchange with `addr`: its name and report.
    pub fn exchange(&self, addr: &str, our_lines: &[String]) -> Result<(String, Report), String> {
        let lines = self.ask(addr, our_lines)?;
        status::parse(&lines)
    }

    fn ask(&self, addr: &str, our_lines: &[String]) -> Result<Vec<String>, String> {
        let req = request(our_lines);
        let opts = ConnectOptions {
            timeout: self.deadline,
            ..ConnectOptions::default()
        };
        let creds = self.creds.as_ref();
        let work = async {
            let mut conn = Connection::connect(addr, creds, &opts)
                .await
                .map_err(|e| e.to_string())?;
            let mut lines = Vec::new();
            let mut failed = None;
            let outcome = conn
                .request(&req, &mut |r: Response| match data_lines(&r, &mut lines) {
                    Ok(()) => true,
                    Err(e) => {
                        failed = Some(e);
                        false
                    }
                })
                .await
                .map_err(|e| e.to_string())?;
            conn.close().await;
            if let Some(e) = failed {
                return Err(e);
            }
            if let xcat_net::SubmitOutcome::Done(last) = outcome {
                data_lines(&last, &mut lines)?;
            }
            Ok(lines)
        };
        self.runtime
            .block_on(async { tokio::time::timeout(self.deadline, work).await })
            .map_err(|_| format!("no answer within {:.1} s", self.deadline.as_secs_f64()))?
    }
}
