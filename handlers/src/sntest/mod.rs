//! `xcatdrs_snsplit`: a test-only command that splits its nodes per
//! service node both stock ways ([`crate::hierarchy`]), so forwarding can
//! be tested end to end before the NIM handlers exist.  Compiled only in
//! debug builds or with the `test-handlers` feature, and registered only
//! when `XCATD_TEST_HANDLERS=1` (see `crate::registry`).
//!
//! `xcatdrs_snsplit <noderange> [-a] [-b primary|backup|all] [-n LINES]`:
//! `-a` one anycast part per `servicenode` value; `-b` one part per single
//! service node; neither: both (`-a -b all`).  Each part answers one line
//! `<style> on <host>: <nodes>`, then `LINES` numbered lines (benchmarks).

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

fn parse(req: &Request) -> Result<Args, HandlerError> {
    let words: Vec<String> = req.args().iter().map(|a| a.to_string()).collect();
    let mut args = Args {
        anycast: false,
        per_sn: None,
        lines: 0,
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
            "-n" => {
                args.lines = value(&mut it, "-n")?
                    .parse()
                    .map_err(|_| HandlerError::Message(format!("{COMMAND}: -n takes a number")))?
            }
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

fn tagged(parts: Vec<Part>, style: &str, lines: u64) -> Vec<Part> {
    parts
        .into_iter()
        .map(|mut p| {
            let n = lines.to_string();
            p.request.set_args(&["--part", style, "-n", n.as_str()]);
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
            parts.extend(tagged(split, "anycast", args.lines));
        }
        if let Some(ty) = args.per_sn {
            let split = hierarchy::split(ctx, &request, Style::PerServiceNode(ty))?;
            let name = match ty {
                SnType::Primary => "primary",
                SnType::Backup => "backup",
                SnType::All => "all",
            };
            parts.extend(tagged(split, name, args.lines));
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
