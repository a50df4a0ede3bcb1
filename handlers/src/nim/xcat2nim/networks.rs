//! xcat2nim's NIM networks (stock `mkNIMnetwork` / `listNIMnetwork`,
//! xCAT-server/lib/xcat/plugins/xcat2nim.pm:1452-1799) on the shared network rule
//! ([`crate::nim::resources::nimnet`], also used by mkdsklsnode's
//! `checkNIMnetworks`): a missing network is defined and joined to the
//! master; `-l` lists the matching NIM networks.  Messages are xcat2nim's
//! (`"<server>:  Could not run '<cmd>'."`).
//!
//! Deliberate fix: every network is matched on its own (stock's match flag
//! was never reset, so after one match no later network was defined).

use super::defs::NetDef;
use super::run::Run;
use crate::api::Aborted;
use crate::nim::resources::nimnet::{self, Flavor, NetFailure, NetSpec, NimNet};
use std::net::Ipv4Addr;

fn check(n: &NetDef) -> Result<NetSpec, crate::nim::validate::Invalid> {
    NetSpec::check(&n.name, &n.net, &n.mask, &n.gateway, "")
}

/// This server's address in `net/mask` (stock `my_ip_in_subnet`).
pub fn my_ip_in(run: &Run, net: &str, mask: &str) -> Option<Ipv4Addr> {
    let (net, mask) = (net.parse().ok()?, mask.parse().ok()?);
    let addrs = run.nim.inet_addrs().ok()?;
    addrs
        .into_iter()
        .map(|(ip, _)| ip)
        .find(|ip| nimnet::in_subnet(*ip, net, mask))
}

/// Reports a failure in xcat2nim's words; always `false`.
fn report(run: &mut Run, failure: NetFailure) -> Result<bool, Aborted> {
    match failure {
        NetFailure::List(ran) => {
            let text = format!("Could not run lsnim command: '{}'.\n", ran.line);
            run.fail(&text, None)?;
        }
        // Stock's text for this one has no server prefix.
        NetFailure::IfIndex(ran) => run.error(&[format!("Could not run '{}'.\n", ran.line)])?,
        NetFailure::Command(ran) => run.fail(&format!("Could not run '{}'.\n", ran.line), None)?,
        NetFailure::Invalid(e) => run.invalid(&e)?,
    }
    Ok(false)
}

/// The NIM networks; `None` when listing failed (reported).
fn known(run: &mut Run) -> Result<Option<Vec<NimNet>>, Aborted> {
    match nimnet::nim_networks(&run.nim) {
        Ok(k) => Ok(Some(k)),
        Err(f) => report(run, f).map(|_| None),
    }
}

/// Define the NIM networks of `nets`; `false` when something failed.
pub fn define_all(run: &mut Run, nets: &[NetDef]) -> Result<bool, Aborted> {
    let Some(mut known) = known(run)? else {
        return Ok(false);
    };
    let mut ok = true;
    for n in nets {
        let spec = match check(n) {
            Ok(spec) => spec,
            Err(e) => {
                run.invalid(&e)?;
                ok = false;
                continue;
            }
        };
        if nimnet::matching(&known, &spec).is_some() {
            continue;
        }
        if let Err(f) = nimnet::define(&run.nim, &spec, Flavor::Xcat2nim, &mut known) {
            return report(run, f);
        }
    }
    Ok(ok)
}

/// `-l`: the NIM networks matching each xCAT network.
pub fn list_all(run: &mut Run, nets: &[NetDef]) -> Result<bool, Aborted> {
    let Some(known) = known(run)? else {
        return Ok(false);
    };
    for n in nets {
        let spec = match check(n) {
            Ok(spec) => spec,
            Err(e) => {
                run.invalid(&e)?;
                continue;
            }
        };
        for nimnet in known
            .iter()
            .filter(|k| k.net == spec.net && k.mask == spec.mask)
        {
            if let Ok(text) = run.nim.long_listing(&nimnet.name) {
                run.info(&[
                    format!(
                        "Note: The following is a match for \nxCAT network named '{}'\n",
                        spec.name
                    ),
                    format!("{text}\n"),
                ])?;
            }
        }
    }
    Ok(true)
}
