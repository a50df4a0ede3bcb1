//! Internal requests: what a handler asks this daemon through
//! `Runner::xcat` (stock `runxcmd`).  No policy, all responses collected,
//! bounded by the call's timeout.

use crate::dispatch::dispatch;
use crate::output::AbortFlag;
use crate::reply::Caller;
use crate::state::Shared;
use std::time::{Duration, Instant};
use xcat_handlers::api::Aborted;
use xcat_handlers::Responder;
use xcat_proto::{Request, Response};

/// Collects an internal request's responses.  Once the deadline has passed
/// every send fails (and the caller's abort flag is raised), so a handler
/// still answering or relaying stops there: the timeout of `Runner::xcat`.
struct Bounded {
    out: Vec<Response>,
    deadline: Option<Instant>,
    abort: AbortFlag,
    expired: bool,
}

impl Responder for Bounded {
    fn send(&mut self, response: Response) -> Result<(), Aborted> {
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.expired = true;
            self.abort.raise();
            return Err(Aborted);
        }
        self.out.push(response);
        Ok(())
    }
}

/// Run `req` as an internal request: the final document is included when
/// it has content.  Output arriving after `timeout` is dropped and replaced
/// by one error.
pub fn run(shared: &Shared, mut req: Request, timeout: Duration) -> Vec<Response> {
    let caller = Caller {
        auth_name: req.username().map(str::to_string),
        peer_host: None,
        privileged: true,
        abort: AbortFlag::new(),
    };
    let mut out = Bounded {
        out: Vec::new(),
        deadline: Instant::now().checked_add(timeout),
        abort: caller.abort.clone(),
        expired: false,
    };
    let result = dispatch(shared, &mut req, &caller, &mut out);
    let mut responses = out.out;
    if let Ok(tail) = result {
        if !tail.doc.is_empty() {
            responses.push(tail.doc);
        }
    }
    if out.expired {
        responses.push(Response::new().error(format!(
            "{}: internal request timed out after {} s",
            req.command(),
            timeout.as_secs_f64()
        )));
    }
    responses
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_output_stops_at_the_deadline() {
        let abort = AbortFlag::new();
        let mut out = Bounded {
            out: Vec::new(),
            deadline: Instant::now().checked_add(Duration::from_millis(50)),
            abort: abort.clone(),
            expired: false,
        };
        assert!(out.send(Response::new().info("early")).is_ok());
        std::thread::sleep(Duration::from_millis(60));
        assert!(out.send(Response::new().info("late")).is_err());
        assert!(out.expired && abort.is_raised());
        assert_eq!(out.out.len(), 1);
    }
}
