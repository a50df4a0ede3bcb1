//! What happens after the database move (xCAT-server/lib/xcat/plugins/snmove.pm:842-1601), in stock order:
//! makeconservercf, (the sns steps of `sns`), niminit, nodeset, /etc/xcatinfo, default routes,
//! bootlist, postscripts.  xCAT commands are internal requests through the
//! runner; node commands go over ssh with a per-host timeout and bounded
//! fan-out.  A failure never undoes the move: it is reported per action with
//! the nodes it failed for, and the command exits 1.

use super::messages as msg;
use super::model::{NodeMove, World};
use super::options::Options;
use super::subnet::network_of;
use crate::api::{HandlerError, Responder};
use crate::runner::quote::validate_host;
use crate::runner::{run_each, Cmd, Output, Runner, Target};
use std::collections::BTreeMap;
use std::net::IpAddr;
use std::time::Duration;
use xcat_proto::tree::{MapExt, Value};
use xcat_proto::{Request, Response};

/// Per-host timeout of a command on a node.
pub const NODE_TIMEOUT: Duration = Duration::from_secs(120);
/// Timeout of makeconservercf and nodeset.
pub const XCAT_TIMEOUT: Duration = Duration::from_secs(900);
/// Timeout of one updatenode run.
pub const UPDATENODE_TIMEOUT: Duration = Duration::from_secs(3600);
/// At most this many nodes are worked on at once.
pub const FANOUT: usize = 64;

/// Failed actions: (action, nodes), in the order they ran.
pub type Failures = Vec<(String, Vec<String>)>;

/// The lines of internal-command responses (like stock runxcmd) and whether
/// the command failed.  Beyond stock (whose runxcmd looks only at error
/// codes): any `error` text counts too, so an internal command this daemon
/// cannot run ("Unsupported request", which carries no error code) is reported
/// as a failed action instead of passing silently.
pub fn flatten(responses: &[Response]) -> (Vec<String>, bool) {
    let mut lines = Vec::new();
    let mut failed = false;
    for r in responses {
        failed |= r.error_code() != 0 || !r.map.texts("error").is_empty();
        for key in ["info", "sinfo", "data", "error", "warning"] {
            lines.extend(r.map.texts(key).into_iter().map(str::to_string));
        }
        for n in r
            .map
            .get("node")
            .into_iter()
            .flatten()
            .filter_map(Value::as_map)
        {
            let name = n.first_text("name").unwrap_or("");
            for key in ["data", "error"] {
                for v in n.get(key).into_iter().flatten() {
                    let text = match v {
                        Value::Text(t) => t.clone(),
                        Value::Map(m) => m.first_text("contents").unwrap_or("").to_string(),
                        Value::Empty => String::new(),
                    };
                    lines.push(format!("{name}: {text}"));
                }
            }
        }
    }
    (lines, failed)
}

struct Act<'a> {
    runner: &'a dyn Runner,
    out: &'a mut dyn Responder,
    verbose: bool,
    failures: Failures,
}

impl Act<'_> {
    fn fail(&mut self, action: &str, nodes: Vec<String>) {
        if !nodes.is_empty() {
            self.failures.push((action.to_string(), nodes));
        }
    }

    /// Internal request; its output is relayed as `info` (or `data`).
    fn xcat(
        &mut self,
        command: &str,
        nodes: &[String],
        args: &[String],
        timeout: Duration,
        as_data: bool,
    ) -> Result<bool, HandlerError> {
        let mut req = Request::new(command);
        req.set_nodes(nodes);
        if !args.is_empty() {
            req.set_args(args);
        }
        if self.verbose {
            let line = format!("{command} {} {}", nodes.join(","), args.join(" "));
            self.out
                .send(Response::new().info(msg::running_internal(line.trim_end())))?;
        }
        let (lines, failed) = flatten(&self.runner.xcat(req, timeout));
        if !lines.is_empty() {
            let mut r = Response::new();
            for l in lines {
                r = if as_data { r.data(l) } else { r.info(l) };
            }
            self.out.send(r)?;
        }
        Ok(!failed)
    }

    /// Node commands over ssh (bounded fan-out); outputs in job order.
    fn on_nodes(&mut self, jobs: Vec<(Target, Cmd)>) -> Result<Vec<Output>, HandlerError> {
        if self.verbose {
            for (t, c) in &jobs {
                self.out.send(
                    Response::new().info(msg::running_on(&t.to_string(), &c.to_shell_line())),
                )?;
            }
        }
        Ok(run_each(self.runner, &jobs, FANOUT, NODE_TIMEOUT))
    }
}

fn host(node: &str) -> Result<Target, String> {
    validate_host(node).map(|h| Target::Host(h.to_string()))
}

/// The actions that run right after makeconservercf (AIX `sharedinstall=sns`:
/// the `.client_data` restore and the dump re-target, snmove.pm:864-1013);
/// they report their own messages and return their failures.
pub type AfterConserver<'a> =
    &'a mut dyn FnMut(&mut dyn Responder) -> Result<Failures, HandlerError>;

/// Run every post-move action; returns the failures (already reported per node).
pub fn run(
    world: &World,
    moves: &[NodeMove],
    opts: &Options,
    runner: &dyn Runner,
    out: &mut dyn Responder,
    after_conserver: AfterConserver,
) -> Result<Failures, HandlerError> {
    let mut a = Act {
        runner,
        out,
        verbose: opts.verbose,
        failures: Vec::new(),
    };
    let aix = world.nodes.first().is_some_and(|n| n.is_aix());
    let touch = !opts.ignore_nodes;

    makeconservercf(&mut a, moves)?;
    let more = after_conserver(a.out)?;
    a.failures.extend(more);
    if aix && touch {
        niminit(&mut a, world, moves)?;
    }
    if !aix {
        nodeset(&mut a, world)?;
    }
    if aix && touch {
        xcatinfo(&mut a, world, moves)?;
    }
    if touch {
        routes(&mut a, world, moves, aix)?;
    }
    if aix && touch {
        bootlist(&mut a, world, moves)?;
    }
    if touch {
        postscripts(&mut a, world, opts, aix)?;
    }
    Ok(a.failures)
}

fn makeconservercf(a: &mut Act, moves: &[NodeMove]) -> Result<(), HandlerError> {
    let nodes: Vec<String> = moves
        .iter()
        .filter(|m| m.conserver_changed())
        .map(|m| m.node.clone())
        .collect();
    if nodes.is_empty() {
        return Ok(());
    }
    a.out
        .send(Response::new().data(msg::running_makeconservercf(&nodes)))?;
    if !a.xcat("makeconservercf", &nodes, &[], XCAT_TIMEOUT, true)? {
        a.fail("makeconservercf", nodes);
    }
    Ok(())
}

fn niminit(a: &mut Act, world: &World, moves: &[NodeMove]) -> Result<(), HandlerError> {
    let mut jobs = Vec::new();
    let mut names = Vec::new();
    let mut failed = Vec::new();
    for m in moves
        .iter()
        .filter(|m| world.nimtype.get(&m.node).map(String::as_str) == Some("standalone"))
    {
        if a.verbose {
            a.out
                .send(Response::new().info(msg::niminit_running(&m.node)))?;
        }
        match (host(&m.node), validate_host(&m.new_sn)) {
            (Ok(t), Ok(sn)) => {
                let name = format!("name={}", m.node);
                let master = format!("master={sn}");
                jobs.push((
                    t,
                    Cmd::new(
                        "/usr/sbin/niminit",
                        ["-a", name.as_str(), "-a", master.as_str()],
                    ),
                ));
                names.push(m.node.clone());
            }
            _ => {
                a.out
                    .send(Response::new().error(msg::niminit_failed(&m.node)))?;
                failed.push(m.node.clone());
            }
        }
    }
    for (n, o) in names.iter().zip(a.on_nodes(jobs)?) {
        if !o.ok() {
            a.out.send(Response::new().error(msg::niminit_failed(n)))?;
            failed.push(n.clone());
        }
    }
    a.fail("niminit", failed);
    Ok(())
}

fn nodeset(a: &mut Act, world: &World) -> Result<(), HandlerError> {
    let mut groups: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for n in &world.nodes {
        if let Some(p) = n.provmethod.as_deref() {
            groups.entry(p).or_default().push(n.name.clone());
        }
    }
    for (pm, nodes) in groups {
        let plain = matches!(pm, "netboot" | "install" | "statelite");
        let arg = if plain {
            pm.to_string()
        } else {
            format!("osimage={pm}")
        };
        if !a.xcat(
            "nodeset",
            &nodes,
            std::slice::from_ref(&arg),
            XCAT_TIMEOUT,
            false,
        )? {
            if !plain {
                a.out.send(Response::new().error(msg::NODESET_FAILED))?;
            }
            a.fail(&format!("nodeset {arg}"), nodes);
        }
    }
    Ok(())
}

fn xcatinfo(a: &mut Act, world: &World, moves: &[NodeMove]) -> Result<(), HandlerError> {
    if a.verbose {
        a.out.send(Response::new().info(msg::XCATINFO))?;
    }
    let mut jobs = Vec::new();
    let mut names = Vec::new();
    let mut failed = Vec::new();
    for m in moves {
        match (host(&m.node), world.names.resolve(&m.new_master)) {
            (Ok(t), Some(ip)) => {
                let script = "echo \"XCATSERVER=$1\" > /etc/xcatinfo";
                jobs.push((
                    t,
                    Cmd::new(
                        "sh",
                        [
                            "-c".to_string(),
                            script.to_string(),
                            "sh".to_string(),
                            ip.to_string(),
                        ],
                    ),
                ));
                names.push(m.node.clone());
            }
            _ => failed.push(m.node.clone()),
        }
    }
    for (n, o) in names.iter().zip(a.on_nodes(jobs)?) {
        if !o.ok() {
            failed.push(n.clone());
        }
    }
    if !failed.is_empty() {
        a.out.send(Response::new().error(format!(
            "Could not update /etc/xcatinfo on: {}.",
            failed.join(",")
        )))?;
    }
    a.fail("/etc/xcatinfo", failed);
    Ok(())
}

/// Nodes in a network whose gateway is `<xcatmaster>`, with their new gateway.
fn gateway_nodes(world: &World, moves: &[NodeMove]) -> Vec<(String, IpAddr, Option<IpAddr>)> {
    let mut out = Vec::new();
    for m in moves {
        let Some(ip) = world.names.resolve(&m.node) else {
            continue;
        };
        let in_gw_net = world.networks.iter().any(|n| {
            n.gateway.as_deref() == Some("<xcatmaster>")
                && xcat_schema::subnet::in_subnet(ip, &n.net, &n.mask)
        });
        if !in_gw_net {
            continue;
        }
        if let Some(gw) = world.names.resolve(&m.new_master) {
            let old = m.old_master.as_deref().and_then(|o| world.names.resolve(o));
            out.push((m.node.clone(), gw, old));
        }
    }
    out
}

fn routes(a: &mut Act, world: &World, moves: &[NodeMove], aix: bool) -> Result<(), HandlerError> {
    let targets = gateway_nodes(world, moves);
    if targets.is_empty() {
        return Ok(());
    }
    a.out.send(Response::new().info(msg::ROUTES))?;
    let mut failed = Vec::new();
    let mut jobs = Vec::new();
    let mut names = Vec::new();
    if aix {
        // Change the default route only where the old master is the default
        // gateway and the new one is not yet.
        let mut probe = Vec::new();
        let mut probed = Vec::new();
        for (n, gw, old) in &targets {
            match host(n) {
                Ok(t) => {
                    probe.push((t, Cmd::new("netstat", ["-rn"])));
                    probed.push((n, gw, old));
                }
                Err(_) => failed.push(n.clone()),
            }
        }
        for ((n, gw, old), o) in probed.into_iter().zip(a.on_nodes(probe)?) {
            let (mut found_old, mut found_new) = (false, false);
            for line in o.stdout.lines() {
                let mut w = line.split_whitespace();
                if w.next() != Some("default") {
                    continue;
                }
                let via = w.next().unwrap_or("");
                found_old |= old.is_some_and(|o| o.to_string() == via);
                found_new |= gw.to_string() == via;
            }
            if found_old && !found_new {
                let g = gw.to_string();
                jobs.push((
                    Target::Host(n.clone()),
                    Cmd::new("route", ["change", "default", g.as_str()]),
                ));
                names.push(n.clone());
            }
        }
    } else {
        // One command per node (stock ran the group's command once per node).
        for (n, gw, _) in &targets {
            match host(n) {
                Ok(t) => {
                    let g = gw.to_string();
                    jobs.push((t, Cmd::new("route", ["add", "default", "gw", g.as_str()])));
                    names.push(n.clone());
                }
                Err(_) => failed.push(n.clone()),
            }
        }
    }
    for (n, o) in names.iter().zip(a.on_nodes(jobs)?) {
        let text = format!("{}{}", o.stdout, o.stderr);
        if !o.ok() && !text.contains(" File exists") {
            a.out.send(
                Response::new()
                    .error(format!("{n}: {}", text.trim_end()))
                    .error_text(msg::ROUTE_FAILED),
            )?;
            failed.push(n.clone());
        }
    }
    a.fail("default route", failed);
    Ok(())
}

/// AIX adapter name for a `netstat -in` interface (`en0` → `ent0`, …).
pub fn boot_device(ifname: &str) -> String {
    if ifname.contains("hf") {
        ifname.replace("hf", "hfi")
    } else if ifname.contains("en") {
        ifname.replace("en", "ent")
    } else if ifname.contains("et") {
        ifname.replace("et", "ent")
    } else {
        ifname.to_string()
    }
}

fn bootlist(a: &mut Act, world: &World, moves: &[NodeMove]) -> Result<(), HandlerError> {
    a.out.send(Response::new().info(msg::BOOTLIST))?;
    let mut failed = Vec::new();
    let mut probe = Vec::new();
    let mut probed = Vec::new();
    for m in moves {
        match (host(&m.node), world.names.resolve(&m.node)) {
            (Ok(t), Some(ip)) => {
                probe.push((t, Cmd::new("netstat", ["-in"])));
                probed.push((m, ip));
            }
            _ => failed.push(m.node.clone()),
        }
    }
    let mut jobs = Vec::new();
    let mut names = Vec::new();
    for ((m, ip), o) in probed.into_iter().zip(a.on_nodes(probe)?) {
        let ifname = o.stdout.lines().find_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            (w.get(3) == Some(&ip.to_string().as_str())).then(|| w[0].to_string())
        });
        let bserver = world.names.resolve(&m.new_master);
        let gateway = network_of(&ip, &world.networks)
            .and_then(|n| n.gateway.clone())
            .map(|g| {
                if g == "<xcatmaster>" {
                    bserver.map(|b| b.to_string()).unwrap_or_default()
                } else {
                    g
                }
            });
        let (Some(ifname), Some(bserver)) = (ifname, bserver) else {
            a.out
                .send(Response::new().error(msg::could_not_run("/usr/bin/bootlist", &m.node)))?;
            failed.push(m.node.clone());
            continue;
        };
        let args = vec![
            "-m".to_string(),
            "normal".to_string(),
            boot_device(&ifname),
            format!("gateway={}", gateway.unwrap_or_default()),
            format!("bserver={bserver}"),
            format!("client={ip}"),
        ];
        jobs.push((
            Target::Host(m.node.clone()),
            Cmd::new("/usr/bin/bootlist", args),
        ));
        names.push(m.node.clone());
    }
    let cmds: Vec<String> = jobs.iter().map(|(_, c)| c.to_shell_line()).collect();
    for ((n, c), o) in names.iter().zip(cmds).zip(a.on_nodes(jobs)?) {
        if !o.ok() {
            a.out
                .send(Response::new().error(msg::could_not_run(&c, n)))?;
            failed.push(n.clone());
        }
    }
    a.fail("bootlist", failed);
    Ok(())
}

/// The postscripts to run for one node.
pub fn scripts_for(
    defaults: &(Option<String>, Option<String>),
    own: &(Option<String>, Option<String>),
    extra: Option<&str>,
    aix_sns: bool,
) -> String {
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let combined = [s(&defaults.0), s(&own.0), s(&defaults.1), s(&own.1)].join(",");
    if extra == Some("all") {
        return combined;
    }
    let present: Vec<&str> = combined.split(',').map(str::trim).collect();
    let candidates: &[&str] = if aix_sns {
        &["syslog", "setupntp"]
    } else {
        &["syslog", "setupntp", "mkresolvconf"]
    };
    let mut chosen: Vec<&str> = candidates
        .iter()
        .copied()
        .filter(|c| present.contains(c))
        .collect();
    if let Some(e) = extra.filter(|e| !e.is_empty()) {
        chosen.push(e);
    }
    chosen.join(",")
}

fn postscripts(a: &mut Act, world: &World, opts: &Options, aix: bool) -> Result<(), HandlerError> {
    let ps = &world.postscripts;
    let none = (None, None);
    let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for n in &world.nodes {
        let own = ps.by_node.get(&n.name).unwrap_or(&none);
        let scripts = scripts_for(
            &ps.defaults,
            own,
            opts.postscripts.as_deref(),
            aix && world.site.sharedinstall == "sns",
        );
        if !scripts.is_empty() {
            groups.entry(scripts).or_default().push(n.name.clone());
        }
    }
    a.out.send(Response::new().info(msg::POSTSCRIPTS))?;
    for (scripts, nodes) in groups {
        let s_ok = a.xcat(
            "updatenode",
            &nodes,
            &["-s".to_string()],
            UPDATENODE_TIMEOUT,
            false,
        )?;
        if !s_ok {
            a.fail("updatenode -s", nodes.clone());
        }
        let p_ok = a.xcat(
            "updatenode",
            &nodes,
            &["-P".to_string(), scripts.clone()],
            UPDATENODE_TIMEOUT,
            false,
        )?;
        if !p_ok {
            a.fail(&format!("updatenode -P {scripts}"), nodes);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postscript_selection() {
        let d = (
            Some("syslog,remoteshell".to_string()),
            Some("otherpkgs".to_string()),
        );
        let own = (Some("setupntp,mine".to_string()), None);
        assert_eq!(scripts_for(&d, &own, None, false), "syslog,setupntp");
        assert_eq!(
            scripts_for(&d, &own, Some("x,y"), false),
            "syslog,setupntp,x,y"
        );
        assert_eq!(
            scripts_for(&d, &own, Some("all"), false),
            "syslog,remoteshell,setupntp,mine,otherpkgs,"
        );
        assert_eq!(scripts_for(&(None, None), &(None, None), None, false), "");
    }

    #[test]
    fn devices() {
        assert_eq!(boot_device("en0"), "ent0");
        assert_eq!(boot_device("hf0"), "hfi0");
        assert_eq!(boot_device("et1"), "ent1");
    }
}
