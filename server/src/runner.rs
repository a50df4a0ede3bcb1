//! The daemon's [`Runner`] is the shared [`SystemRunner`] (programs without a
//! shell, ssh with quoted words, process-group timeouts); this file only
//! wires its internal xCAT requests to this daemon's dispatcher, bypassing
//! policy as stock's internal requests do, bounded by the call's timeout.

use crate::state::Shared;
use std::sync::{Arc, Weak};
use std::time::Duration;
use xcat_handlers::runner::SystemRunner;
use xcat_proto::{Request, Response};

fn shutting_down() -> Vec<Response> {
    vec![Response::new().error("xcatd is shutting down")]
}

/// A runner whose internal requests go through `shared`'s dispatcher.  It
/// holds a weak reference: the runner lives inside `Shared` itself.
pub fn for_daemon(shared: &Arc<Shared>) -> SystemRunner {
    let weak: Weak<Shared> = Arc::downgrade(shared);
    SystemRunner::new(Box::new(
        move |request: Request, timeout: Duration| match weak.upgrade() {
            Some(shared) => crate::internal::run(&shared, request, timeout),
            None => shutting_down(),
        },
    ))
}

/// A runner that can run programs but no internal requests.
pub fn detached() -> SystemRunner {
    SystemRunner::new(Box::new(|_, _| shutting_down()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xcat_handlers::runner::{shell_quote, validate_host, Cmd, Target};
    use xcat_handlers::Runner;

    #[test]
    fn quoting_and_hosts() {
        assert_eq!(shell_quote("a'b c"), r"'a'\''b c'");
        assert!(validate_host("sn1.cluster").is_ok());
        assert!(validate_host("-oProxyCommand=x").is_err());
        assert!(validate_host("a b").is_err());
    }

    #[test]
    fn local_run_with_timeout() {
        let r = detached();
        let cmd = Cmd {
            program: "sh".into(),
            args: vec!["-c".into(), "echo hi".into()],
        };
        let o = r.run(&Target::Local, &cmd, Duration::from_secs(5));
        assert!(o.ok());
        assert_eq!(o.stdout, "hi\n");
        let cmd = Cmd {
            program: "sleep".into(),
            args: vec!["5".into()],
        };
        let o = r.run(&Target::Local, &cmd, Duration::from_millis(100));
        assert_eq!(o.status, None);
    }

    #[test]
    fn detached_refuses_internal_requests() {
        let r = detached();
        let out = r.xcat(Request::new("lsxcatd"), Duration::from_secs(1));
        assert_eq!(out.len(), 1);
    }
}
