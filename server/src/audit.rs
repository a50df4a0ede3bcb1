//! The audit trail: after the policy decision, one `auditlog` row per
//! request (time, user, client host and type, command, noderange, redacted
//! arguments, Allowed / Denied) and a syslog line, as stock does
//! (`xCAT-server/lib/perl/xCAT/xcatd.pm:200-362`, the row written by
//! `perl-xCAT/xCAT/MsgUtils.pm:494-530`, on the management node only).
//!
//! `site.auditskipcmds` (`ALL`, or a comma list of commands and
//! `clienttype:X`) turns the row into a plain syslog line,
//! `site.auditnosyslog=1` drops the syslog line, `site.skipvalidatelog`
//! drops the line of `getpostscript` / `getcredentials`.  Arguments are
//! redacted with the command log's redaction.
//!
//! Rows are written by one background thread fed through a bounded channel,
//! each in its own short transaction: the request never waits for the
//! audit, and a failure to audit is logged and never fails the command.

use crate::cmdlog::{local_stamp, redact};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::time::SystemTime;
use xcat_proto::Request;
use xcat_schema::db::Db;

/// Commands stock never audits (far too many of them).
const NOT_AUDITED: &[&str] = &[
    "getdestiny",
    "getbladecons",
    "getipmicons",
    "getopenbmccons",
    "getcons",
];

/// Rows waiting for the writer; more are dropped with a log line.
const QUEUE: usize = 4096;

/// One `auditlog` row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub audittime: String,
    pub userid: Option<String>,
    pub clientname: Option<String>,
    pub clienttype: String,
    pub command: String,
    pub noderange: Option<String>,
    pub args: Option<String>,
    pub status: &'static str,
}

/// What the audit of one request produces.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Audit {
    /// The syslog line (`xCAT: Allowing lsdef ... for root from host`).
    pub syslog: Option<String>,
    pub row: Option<AuditRow>,
}

/// Who asked, as the policy decided it.
pub struct Caller<'a> {
    /// The authenticated name (peername).
    pub peername: Option<&'a str>,
    /// The user the request runs as (`username[0]` after policy).
    pub userid: Option<&'a str>,
    pub peerhost: Option<&'a str>,
    pub allowed: bool,
}

/// Site settings of the audit (`None` = unset).
pub struct Settings<'a> {
    pub auditskipcmds: Option<&'a str>,
    pub auditnosyslog: Option<&'a str>,
    pub skipvalidatelog: Option<&'a str>,
}

/// Perl numeric truth of a site value (`1` yes; `0`, empty, words no).
fn numeric_true(v: Option<&str>) -> bool {
    v.and_then(|s| s.trim().parse::<f64>().ok())
        .is_some_and(|n| n != 0.0)
}

/// Whether `site.auditskipcmds` skips this request's row.  Stock matches
/// the command as a regex anywhere in the whole value (so `lsdef` also
/// skips `def`); xcatd-rs compares comma items exactly.
fn skipped(skipcmds: Option<&str>, command: &str, clienttype: Option<&str>) -> bool {
    let Some(list) = skipcmds.filter(|s| !s.is_empty()) else {
        return false;
    };
    let client = clienttype.map(|c| format!("clienttype:{c}"));
    list.split(',').map(str::trim).any(|item| {
        item.eq_ignore_ascii_case("all") || item == command || Some(item) == client.as_deref()
    })
}

/// The redacted argument text: each argument after one space.
fn redacted_args(req: &Request) -> Option<String> {
    let args = req.args();
    if args.is_empty() {
        return None;
    }
    // Capped as in the command log: a huge argument is not copied whole.
    let args = crate::cmdlog::capped_list(args.into_iter());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (redacted, _) = redact::redact_args(req.command(), &args);
    let line: String = redacted.iter().map(|a| format!(" {a}")).collect();
    Some(redact::redact_request_line(req.command(), &line))
}

/// The audit of one request after its policy decision.
pub fn audit(req: &Request, who: &Caller, site: &Settings, now: SystemTime) -> Audit {
    let command = req.command();
    if NOT_AUDITED.contains(&command) || haagent::heartbeat::is_heartbeat(req) {
        return Audit::default();
    }
    let args = redacted_args(req);
    let verb = if who.allowed { "Allowing" } else { "Denying" };
    let mut line = format!("xCAT: {verb} {command}");
    if let Some(nr) = req.noderange().filter(|n| !n.is_empty()) {
        line.push_str(&format!(" to {nr}"));
    } else if !req.nodes().is_empty() {
        line.push_str(&format!(" to {}", req.nodes().join(",")));
    }
    line.push_str(args.as_deref().unwrap_or(""));
    if who.peername.is_some() {
        line.push_str(&format!(" for {}", who.userid.unwrap_or("")));
    }
    if let Some(h) = who.peerhost {
        line.push_str(&format!(" from {h}"));
    }
    let no_syslog = numeric_true(site.auditnosyslog);
    let clienttype = req.get("clienttype");
    let validate = command == "getpostscript" || command == "getcredentials";
    if validate || skipped(site.auditskipcmds, command, clienttype) {
        let quiet = if validate {
            site.skipvalidatelog
                .is_some_and(|v| !v.is_empty() && v != "0")
        } else {
            no_syslog
        };
        return Audit {
            syslog: (!quiet).then_some(line),
            row: None,
        };
    }
    let clienttype = match clienttype {
        Some(c) => c.to_string(),
        None if req.get("becomeuser").is_some() => "webui".into(),
        None => "other".into(),
    };
    Audit {
        syslog: (!no_syslog).then_some(line),
        row: Some(AuditRow {
            audittime: local_stamp(now),
            userid: who.peername.and(who.userid).map(str::to_string),
            clientname: who.peerhost.map(str::to_string),
            clienttype,
            command: command.to_string(),
            noderange: req.noderange().map(str::to_string),
            args,
            status: if who.allowed { "Allowed" } else { "Denied" },
        }),
    }
}

/// The hook of the dispatcher: audit `req` with the user stock records (a
/// trusted peer's `username`, else the authenticated name).
pub fn after_policy(
    shared: &crate::state::Shared,
    req: &Request,
    name: Option<&str>,
    peer: &crate::peer::PeerInfo,
    decision: &crate::policy::Decision,
) {
    let forwarded = req.username().filter(|_| decision.trusted);
    let who = Caller {
        peername: name,
        userid: forwarded.or(name),
        peerhost: peer.host.as_deref(),
        allowed: decision.allowed(),
    };
    record(shared, req, &who);
}

/// Audit one request after its policy decision: the syslog line now, the
/// row through the background writer (management node only, as stock).
pub fn record(shared: &crate::state::Shared, req: &Request, who: &Caller) {
    let site = shared.store.site().ok();
    let get = |k: &str| site.as_ref().and_then(|s| s.get(k)).map(String::as_str);
    let settings = Settings {
        auditskipcmds: get("auditskipcmds"),
        auditnosyslog: get("auditnosyslog"),
        skipvalidatelog: get("skipvalidatelog"),
    };
    let a = audit(req, who, &settings, SystemTime::now());
    if let Some(line) = a.syslog {
        tracing::info!(target: "xcat::audit", "{line}");
    }
    let Some(row) = a.row else { return };
    let writer = shared.audit.get_or_init(|| {
        if shared.cfg.sn_marker.exists() {
            return None;
        }
        let db = shared.store.inner().db()?;
        AuditLog::start(db)
            .map_err(|e| tracing::error!("Unable to start the auditlog writer: {e}"))
            .ok()
    });
    if let Some(w) = writer {
        w.submit(row);
    }
}

/// Handle on the audit writer thread (cheap to clone).
#[derive(Clone)]
pub struct AuditLog {
    tx: SyncSender<AuditRow>,
}

impl AuditLog {
    /// Start the writer thread on `db` (call after the daemon forked).
    pub fn start(db: Db) -> std::io::Result<AuditLog> {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        std::thread::Builder::new()
            .name("xcatd-audit".into())
            .spawn(move || writer(rx, db))?;
        Ok(AuditLog { tx })
    }

    /// Queue a row; never blocks (a full queue drops the row with a log line).
    pub fn submit(&self, row: AuditRow) {
        match self.tx.try_send(row) {
            Ok(()) => {}
            Err(TrySendError::Full(r)) => {
                tracing::warn!(
                    "Unable to write to auditlog: writer is behind ({})",
                    r.command
                )
            }
            Err(TrySendError::Disconnected(_)) => {
                tracing::warn!("Unable to write to auditlog: writer stopped")
            }
        }
    }
}

const COLUMNS: [&str; 8] = [
    "audittime",
    "userid",
    "clientname",
    "clienttype",
    "command",
    "noderange",
    "args",
    "status",
];

fn writer(rx: Receiver<AuditRow>, db: Db) {
    while let Ok(row) = rx.recv() {
        let values = [
            Some(row.audittime.as_str()),
            row.userid.as_deref(),
            row.clientname.as_deref(),
            Some(row.clienttype.as_str()),
            Some(row.command.as_str()),
            row.noderange.as_deref(),
            row.args.as_deref(),
            Some(row.status),
        ];
        if let Err(e) = db.write(|conn| conn.insert("auditlog", &COLUMNS, &values)) {
            tracing::error!("Unable to write to auditlog: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(xml_args: &[&str], noderange: Option<&str>) -> Request {
        let mut r = Request::new("chdef");
        r.set_args(xml_args);
        if let Some(nr) = noderange {
            r.set("noderange", nr);
        }
        r.set("clienttype", "cli");
        r
    }

    fn root(allowed: bool) -> Caller<'static> {
        Caller {
            peername: Some("root"),
            userid: Some("root"),
            peerhost: Some("mn1"),
            allowed,
        }
    }

    const AUDIT_ALL: Settings = Settings {
        auditskipcmds: None,
        auditnosyslog: None,
        skipvalidatelog: None,
    };

    #[test]
    fn allowed_request_gives_a_row_and_a_line_with_the_password_redacted() {
        let r = req(&["-t", "node", "-o", "n1", "bmcpassword=secret"], None);
        let a = audit(&r, &root(true), &AUDIT_ALL, SystemTime::now());
        let line = a.syslog.unwrap_or_default();
        assert!(!line.contains("secret"), "{line}");
        assert!(line.starts_with("xCAT: Allowing chdef -t node -o n1 bmcpassword="));
        assert!(line.ends_with(" for root from mn1"), "{line}");
        let row = a.row.expect("row");
        assert_eq!(row.status, "Allowed");
        assert_eq!(row.clienttype, "cli");
        assert_eq!(row.userid.as_deref(), Some("root"));
        assert!(row
            .args
            .is_some_and(|a| a.starts_with(" -t node") && !a.contains("secret")));
    }

    #[test]
    fn auditskipcmds_all_keeps_only_the_syslog_line_and_auditnosyslog_drops_it() {
        let r = req(&["n1"], Some("n1"));
        let all = Settings {
            auditskipcmds: Some("ALL"),
            ..AUDIT_ALL
        };
        let a = audit(&r, &root(false), &all, SystemTime::now());
        assert_eq!(a.row, None);
        assert_eq!(
            a.syslog.as_deref(),
            Some("xCAT: Denying chdef to n1 n1 for root from mn1")
        );
        let quiet = Settings {
            auditskipcmds: Some("lsdef,chdef"),
            auditnosyslog: Some("1"),
            skipvalidatelog: None,
        };
        assert_eq!(
            audit(&r, &root(true), &quiet, SystemTime::now()),
            Audit::default()
        );
        let other = Settings {
            auditskipcmds: Some("lsdef,clienttype:webui"),
            ..AUDIT_ALL
        };
        assert!(audit(&r, &root(true), &other, SystemTime::now())
            .row
            .is_some());
    }
}
