//! Seeding the database like `xcatconfig -d -m`: the site defaults, the
//! Linux MN policy rows and the postscripts defaults are written when their
//! table is empty (stock: when its file does not exist yet) or with
//! `--force` (stock `-f`/`-d`: every default key is set again, other rows are
//! kept).  The MN's `nodelist` row (group `__mgmtnode`) and the
//! `servicenode` row of `__mgmtnode` are added when missing, as `-m` does.

use super::defaults::{policy_rows, postscripts_rows, site_rows, MGMT_GROUP};
use super::host::HostFacts;
use xcat_schema::db::{Conn, Db, DbError};

/// What seeding did, one line per table, for the `init` summary.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SeedReport {
    pub lines: Vec<String>,
}

/// One `set_attribs_many` item: key columns, value columns.
type AttrItem = (Vec<(String, String)>, Vec<(String, Option<String>)>);

pub struct SeedInput<'a> {
    pub facts: &'a HostFacts,
    pub confdir: &'a str,
    pub mn_cert_cn: Option<&'a str>,
    pub force: bool,
}

fn is_empty(conn: &mut Conn, table: &str) -> Result<bool, DbError> {
    Ok(conn.all_rows(table, false)?.is_empty())
}

pub fn seed(db: &Db, input: &SeedInput<'_>) -> Result<SeedReport, DbError> {
    db.write(|conn| {
        let mut report = SeedReport::default();
        seed_site(conn, input, &mut report)?;
        seed_policy(conn, input, &mut report)?;
        seed_postscripts(conn, input, &mut report)?;
        seed_mgmt_node(conn, input, &mut report)?;
        Ok(report)
    })
}

fn seed_site(
    conn: &mut Conn,
    input: &SeedInput<'_>,
    report: &mut SeedReport,
) -> Result<(), DbError> {
    if !input.force && !is_empty(conn, "site")? {
        report
            .lines
            .push("site: table already has data, kept (use --force to reset the defaults)".into());
        return Ok(());
    }
    let rows = site_rows(input.facts, input.confdir);
    let items: Vec<AttrItem> = rows
        .iter()
        .map(|(k, v)| {
            (
                vec![("key".to_string(), k.to_string())],
                vec![("value".to_string(), Some(v.clone()))],
            )
        })
        .collect();
    conn.set_attribs_many("site", &items)?;
    report
        .lines
        .push(format!("site: {} default settings written", rows.len()));
    Ok(())
}

fn seed_policy(
    conn: &mut Conn,
    input: &SeedInput<'_>,
    report: &mut SeedReport,
) -> Result<(), DbError> {
    if !input.force && !is_empty(conn, "policy")? {
        report.lines.push(
            "policy: table already has data, kept (use --force to reset the defaults)".into(),
        );
        return Ok(());
    }
    let rows = policy_rows(input.mn_cert_cn);
    for r in &rows {
        // Like stock's chtab: only the columns a default names are written.
        let mut values: Vec<(&str, Option<&str>)> = Vec::new();
        if let Some(n) = r.name.as_deref() {
            values.push(("name", Some(n)));
        }
        if let Some(c) = r.commands {
            values.push(("commands", Some(c)));
        }
        values.push(("rule", Some(r.rule)));
        conn.set_attribs("policy", &[("priority", r.priority)], &values)?;
    }
    let trusted = input
        .mn_cert_cn
        .map(|cn| format!(" ({cn} trusted)"))
        .unwrap_or_default();
    report.lines.push(format!(
        "policy: {} default rules written{trusted}",
        rows.len()
    ));
    Ok(())
}

fn seed_postscripts(
    conn: &mut Conn,
    input: &SeedInput<'_>,
    report: &mut SeedReport,
) -> Result<(), DbError> {
    if !input.force && !is_empty(conn, "postscripts")? {
        report.lines.push(
            "postscripts: table already has data, kept (use --force to reset the defaults)".into(),
        );
        return Ok(());
    }
    for (node, scripts, boot) in postscripts_rows() {
        let mut values: Vec<(&str, Option<&str>)> = Vec::new();
        if let Some(b) = boot {
            values.push(("postbootscripts", Some(b)));
        }
        values.push(("postscripts", Some(scripts)));
        conn.set_attribs("postscripts", &[("node", node)], &values)?;
    }
    report
        .lines
        .push("postscripts: xcatdefaults and service rows written".into());
    Ok(())
}

fn seed_mgmt_node(
    conn: &mut Conn,
    input: &SeedInput<'_>,
    report: &mut SeedReport,
) -> Result<(), DbError> {
    let mn = input.facts.short_name.as_str();
    let rows = conn.select("nodelist", &["groups"], &[("node", mn)], false)?;
    match rows.first() {
        None => {
            conn.set_attribs("nodelist", &[("node", mn)], &[("groups", Some(MGMT_GROUP))])?;
            report.lines.push(format!(
                "nodelist: management node {mn} added to group {MGMT_GROUP}"
            ));
        }
        Some(row) => {
            let groups = row.first().cloned().flatten().unwrap_or_default();
            if groups.split(',').any(|g| g == MGMT_GROUP) {
                report.lines.push(format!(
                    "nodelist: management node {mn} already defined, kept"
                ));
            } else {
                // Stock would replace the groups; we only add the MN group.
                let new = if groups.is_empty() {
                    MGMT_GROUP.to_string()
                } else {
                    format!("{groups},{MGMT_GROUP}")
                };
                conn.set_attribs("nodelist", &[("node", mn)], &[("groups", Some(&new))])?;
                report
                    .lines
                    .push(format!("nodelist: group {MGMT_GROUP} added to node {mn}"));
            }
        }
    }
    let sn = conn.select("servicenode", &["node"], &[("node", MGMT_GROUP)], false)?;
    if sn.is_empty() {
        conn.set_attribs(
            "servicenode",
            &[("node", MGMT_GROUP)],
            &[("tftpserver", Some("yes"))],
        )?;
        report.lines.push(format!(
            "servicenode: {MGMT_GROUP} row added (tftpserver=yes)"
        ));
    }
    Ok(())
}
