//! `checkNIMnetworks` (xCAT-server/lib/xcat/plugins/aixinstall.pm:12773-13014): every network the nodes are on must be a NIM
//! network on the target server; a missing one is defined and joined to the
//! master with the shared rule of [`super::nimnet`] (the same one xcat2nim
//! uses), in its service-node form (`nim -Fo …`, `ent` or `hfi`).
//! Any failure: [E] "Could not run '<cmd>' on <target>." and `false`.

use super::nimnet::{self, Flavor, NetFailure, NetSpec};
use crate::api::Aborted;
use crate::nim::cmd::Nim;
use crate::nim::model::{NodeNet, Reply};

/// Makes sure NIM on `nim`'s host knows every network of `nets` (one entry
/// per node, repeats allowed); `target` is that host's name in messages.
/// `Ok(false)` after the first failure (reported); a network row with a bad
/// value is refused by name before any command runs for it.
pub fn check_nim_networks(
    nim: &Nim,
    reply: &mut Reply,
    nets: &[NodeNet],
    target: &str,
) -> Result<bool, Aborted> {
    let mut known = match nimnet::nim_networks(nim) {
        Ok(k) => k,
        Err(f) => return report(reply, f, target),
    };
    for n in nets {
        let spec = match NetSpec::check(&n.netname, &n.net, &n.mask, &n.gateway, &n.mgtifname) {
            Ok(spec) => spec,
            Err(e) => {
                reply.error(format!("{e}\n"))?;
                return Ok(false);
            }
        };
        if nimnet::matching(&known, &spec).is_some() {
            continue;
        }
        if let Err(f) = nimnet::define(nim, &spec, Flavor::ServiceNode, &mut known) {
            return report(reply, f, target);
        }
    }
    Ok(true)
}

/// Stock's texts for each failure; always `false`.
fn report(reply: &mut Reply, failure: NetFailure, target: &str) -> Result<bool, Aborted> {
    let text = match failure {
        NetFailure::List(ran) => {
            format!("Could not run lsnim command: '{}' on {target}.\n", ran.line)
        }
        NetFailure::IfIndex(ran) | NetFailure::Command(ran) => {
            format!("Could not run '{}' on {target}.\n", ran.line)
        }
        NetFailure::Invalid(e) => format!("{e}\n"),
    };
    reply.error(text)?;
    Ok(false)
}
