//! `xcatdrs_snsplit`: a test-only command that splits its nodes per
//! service node both stock ways ([`crate::hierarchy`]), so forwarding can
//! be tested end to end before the NIM handlers exist.  Compiled only in
//! debug builds or with the `test-handlers` feature, and registered only
//! when `XCATD_TEST_HANDLERS=1` (see `crate::registry`).
//!
//! `xcatdrs_snsplit <noderange> [-a] [-b primary|backup|all] [-n LINES] [-w MILLIS]`:
//! `-a` one anycast part per `servicenode` value; `-b` one part per single
//! service node; neither: both (`-a -b all`).  Each part first sleeps
//! `MILLIS` (an SN waiting on NIM or disk, for benchmarks), then answers one
//! line `<style> on <host>: <nodes>`, then `LINES` numbered lines.

use crate::api::{Ctx, Handler, HandlerError, Part, Responder};
use crate::hierarchy::{self, SnType, Style};
use xcat_proto::{Request, Response};

pub const COMMAND: &str = "xcatdrs_snsplit";

pub struct SnSplit;

pub fn handlers() -> Vec<std::sync::Arc<dyn Handler>> {
    vec![std::sync::Arc::new(SnSplit)]
}

struct Args {
    anycast: bool,
    per_sn: Option<SnType>,
    lines: u64,
    /// How long each part waits before answering.
    wait_ms: u64,
    /// Set on a part: which style made it.
    part: Option<String>,
}

fn sn_type(s: &str) -> Result<SnType, HandlerError> {
    match s {
        "primary" => Ok(SnType::Primary),
        "backup" => Ok(SnType::Backup),
        "all" => Ok(SnType::All),
        _ => Err(HandlerError::Message(format!(
            "{COMMAND}: -b primary|backup|all, not '{s}'"
        ))),
    }
}

fn number(s: &str, opt: &str) -> Result<u64, HandlerError> {
    s.parse()
        .map_err(|_| HandlerError::Message(format!("{COMMAND}: {opt} takes a number")))
}

fn parse(req: &Request) -> Result<Args, HandlerError> {
    let words: Vec<String> = req.args().iter().map(|a| a.to_string()).collect();
    let mut args = Args {
        anycast: false,
        per_sn: None,
        lines: 0,
        wait_ms: 0,
        part: None,
    };
    let mut it = words.iter();
    let value = |it: &mut std::slice::Iter<String>, opt: &str| {
        it.next()
            .cloned()
            .ok_or_else(|| HandlerError::Message(format!("{COMMAND}: {opt} needs a value")))
    };
    while let Some(w) = it.next() {
        match w.as_str() {
            "-a" => args.anycast = true,
            "-b" => args.per_sn = Some(sn_type(&value(&mut it, "-b")?)?),
            "-n" => args.lines = number(&value(&mut it, "-n")?, "-n")?,
            "-w" => args.wait_ms = number(&value(&mut it, "-w")?, "-w")?,
            "--part" => args.part = Some(value(&mut it, "--part")?),
            other => {
                return Err(HandlerError::Message(format!(
                    "{COMMAND}: unknown option {other}"
                )))
            }
        }
    }
    if !args.anycast && args.per_sn.is_none() {
        args.anycast = true;
        args.per_sn = Some(SnType::All);
    }
    Ok(args)
}

/// The arguments a part carries to its service node.
fn part_args(style: &str, args: &Args) -> Vec<String> {
    let (n, w) = (args.lines.to_string(), args.wait_ms.to_string());
    ["--part", style, "-n", &n, "-w", &w]
        .iter()
        .map(|s| s.to_string())
        .collect()
}

fn tagged(parts: Vec<Part>, style: &str, args: &Args) -> Vec<Part> {
    parts
        .into_iter()
        .map(|mut p| {
            p.request.set_args(&part_args(style, args));
            p
        })
        .collect()
}

impl Handler for SnSplit {
    fn commands(&self) -> &'static [&'static str] {
        &[COMMAND]
    }

    fn preprocess(&self, ctx: &Ctx, request: Request) -> Result<Vec<Part>, HandlerError> {
        let args = parse(&request)?;
        let mut parts = Vec::new();
        if args.anycast {
            let split = hierarchy::split(ctx, &request, Style::Anycast)?;
            parts.extend(tagged(split, "anycast", &args));
        }
        if let Some(ty) = args.per_sn {
            let split = hierarchy::split(ctx, &request, Style::PerServiceNode(ty))?;
            let name = match ty {
                SnType::Primary => "primary",
                SnType::Backup => "backup",
                SnType::All => "all",
            };
            parts.extend(tagged(split, name, &args));
        }
        Ok(parts)
    }

    fn process(
        &self,
        ctx: &Ctx,
        request: &Request,
        out: &mut dyn Responder,
    ) -> Result<(), HandlerError> {
        let args = parse(request)?;
        let style = args.part.as_deref().unwrap_or("local");
        // A blocking thread of its own (the daemon runs `process` off the
        // async workers), so sleeping here holds up only this part.
        std::thread::sleep(std::time::Duration::from_millis(args.wait_ms));
        out.send(Response::new().data(format!(
            "{style} on {}: {}",
            ctx.server.short_host,
            request.nodes().join(",")
        )))?;
        for i in 1..=args.lines {
            out.send(Response::new().data(format!("{style} line {i}")))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(args: &[&str]) -> Request {
        let mut r = Request::new(COMMAND);
        r.set_args(args);
        r
    }

    #[test]
    fn wait_and_lines_travel_with_each_part() {
        let args = parse(&request(&["-b", "all", "-n", "5", "-w", "1000"])).unwrap();
        assert_eq!(args.wait_ms, 1000);
        assert_eq!(
            part_args("all", &args),
            ["--part", "all", "-n", "5", "-w", "1000"]
        );
        let part = parse(&request(&["--part", "all", "-n", "5", "-w", "1000"])).unwrap();
        assert_eq!((part.lines, part.wait_ms), (5, 1000));
        assert_eq!(part.part.as_deref(), Some("all"));
    }

    #[test]
    fn no_wait_by_default_and_bad_waits_are_refused() {
        assert_eq!(parse(&request(&[])).unwrap().wait_ms, 0);
        for bad in [&["-w"][..], &["-w", "soon"][..], &["-w", "-1"][..]] {
            match parse(&request(bad)) {
                Err(HandlerError::Message(m)) => assert!(m.starts_with(COMMAND), "{m}"),
                other => panic!("{bad:?}: {:?}", other.is_ok()),
            }
        }
    }
}
