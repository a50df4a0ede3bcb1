//! Calling a handler safely: a panic becomes one error document (the
//! daemon keeps serving), a handler error becomes the stock `error` +
//! `errorcode 1` document; only the client going away stops the request.

use std::panic::{catch_unwind, AssertUnwindSafe};
use xcat_handlers::api::Aborted;
use xcat_handlers::{Ctx, Handler, HandlerError, Part, Responder};
use xcat_proto::{Request, Response};

/// Run `f`, turning a panic into an error naming `cmd`.
pub fn guarded<T>(
    cmd: &str,
    f: impl FnOnce() -> Result<T, HandlerError>,
) -> Result<T, HandlerError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        tracing::error!("handler for {cmd} panicked");
        Err(HandlerError::Message(format!(
            "{cmd}: internal error in xcatd-rs (see the daemon log)"
        )))
    })
}

/// Send a handler error to the client; `Err` only when the client is gone.
pub fn report(err: HandlerError, out: &mut dyn Responder) -> Result<(), Aborted> {
    match err {
        HandlerError::Aborted(a) => Err(a),
        HandlerError::Message(m) => out.send(Response::new().error(m)),
        HandlerError::Db(e) => out.send(Response::new().error(format!("database error: {e}"))),
    }
}

/// `Handler::preprocess`, guarded; `None` when it failed (already reported).
pub fn preprocess(
    handler: &dyn Handler,
    ctx: &Ctx,
    req: &Request,
    out: &mut dyn Responder,
) -> Result<Option<Vec<Part>>, Aborted> {
    match guarded(req.command(), || handler.preprocess(ctx, req.clone())) {
        Ok(parts) => Ok(Some(parts)),
        Err(e) => report(e, out).map(|()| None),
    }
}

/// `Handler::process` of one local part, guarded and reported.
pub fn process(
    handler: &dyn Handler,
    ctx: &Ctx,
    req: &Request,
    out: &mut dyn Responder,
) -> Result<(), Aborted> {
    match guarded(req.command(), || handler.process(ctx, req, out)) {
        Ok(()) => Ok(()),
        Err(e) => report(e, out),
    }
}
