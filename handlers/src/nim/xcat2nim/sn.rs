//! A service node's xcat2nim work in stock order (X2N:765-862): machines
//! (define, or `-l` / `-r`), then networks (with `<xcatmaster>` gateways
//! made this server's address), then groups; errors counted as stock does.

use super::defs::{self, Defs};
use super::run::Run;
use super::{groups, machines, networks};
use crate::api::HandlerError;

/// Machines, then networks, then groups (stock order); the error count.
pub fn work(run: &mut Run, nodes: &[defs::NodeDef], defs: &Defs) -> Result<usize, HandlerError> {
    let listing = run.opts.list || run.opts.remove;
    let mut errors = 0;
    if listing {
        for n in nodes {
            errors += usize::from(!machines::list_or_remove(run, n)?);
        }
    } else {
        errors += machines::define_all(run, nodes)?;
    }
    let nets = networks_with_gateways(run, &defs.networks)?;
    if !nets.is_empty() {
        let ok = if run.opts.list {
            networks::list_all(run, &nets)?
        } else if run.opts.remove {
            let text = format!(
                "{} The remove option is not supported for NIM network definitions.\n",
                run.msgstr
            );
            run.error(&[text])?;
            false
        } else {
            networks::define_all(run, &nets)?
        };
        errors += usize::from(!ok);
    }
    for g in &defs.groups {
        let ok = if listing {
            groups::list_or_remove(run, g)?
        } else {
            groups::define(run, g)?
        };
        errors += usize::from(!ok);
    }
    Ok(errors)
}

/// Networks whose gateway `<xcatmaster>` becomes this server's address in
/// them; one without such an address is skipped with stock's message.
fn networks_with_gateways(
    run: &mut Run,
    nets: &[defs::NetDef],
) -> Result<Vec<defs::NetDef>, HandlerError> {
    let mut out = Vec::new();
    for n in nets {
        let mut n = n.clone();
        if n.gateway == "<xcatmaster>" {
            match networks::my_ip_in(run, &n.net, &n.mask) {
                Some(ip) => n.gateway = ip.to_string(),
                None => {
                    let text = format!(
                        "Could not get gateway for network {}, ...skipping\n",
                        n.name
                    );
                    run.error(&[text])?;
                    continue;
                }
            }
        }
        out.push(n);
    }
    Ok(out)
}
