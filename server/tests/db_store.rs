//! The daemon's reads and writes on a real (SQLite) xCAT database: site and
//! policy rows (disabled rows skipped), noderange expansion, passwd and token
//! rows.

use xcat_schema::db::{Db, DbLocation};
use xcatd::db_store::DbStore;
use xcatd::store::{Store, TokenRow};

#[test]
fn site_policy_nodes_passwd_tokens() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&DbLocation::SqliteDir(dir.path().to_path_buf())).unwrap();
    db.write(|c| {
        c.insert(
            "site",
            &["key", "value"],
            &[Some("master"), Some("10.0.0.1")],
        )?;
        c.insert("site", &["key", "value"], &[Some("domain"), Some("")])?;
        c.insert(
            "policy",
            &["priority", "name", "rule"],
            &[Some("1"), Some("root"), Some("allow")],
        )?;
        c.insert(
            "policy",
            &["priority", "name", "rule", "disable"],
            &[Some("2"), Some("bob"), Some("allow"), Some("1")],
        )?;
        c.insert(
            "nodelist",
            &["node", "groups"],
            &[Some("n1"), Some("compute,all")],
        )?;
        c.insert(
            "nodelist",
            &["node", "groups"],
            &[Some("n2"), Some("compute")],
        )?;
        c.insert(
            "passwd",
            &["key", "username", "password"],
            &[Some("xcat"), Some("alice"), Some("pw")],
        )?;
        Ok::<(), xcat_schema::db::DbError>(())
    })
    .unwrap();
    let s = DbStore::new(db);
    let site = s.site().unwrap();
    assert_eq!(site.get("master").map(String::as_str), Some("10.0.0.1"));
    assert!(!site.contains_key("domain"), "empty values read as unset");
    let policy = s.policy().unwrap();
    assert_eq!(policy.len(), 1, "disabled rows are skipped");
    assert_eq!(policy[0].name.as_deref(), Some("root"));
    let e = s.expand("compute,nosuch", None, false).unwrap();
    assert_eq!(e.nodes, vec!["n1", "n2"]);
    assert_eq!(e.missing, vec!["nosuch"]);
    assert_eq!(s.groups_of(&["n2".to_string()]).unwrap(), vec!["compute"]);
    assert_eq!(s.xcat_password("alice").unwrap().as_deref(), Some("pw"));
    assert_eq!(s.xcat_password("bob").unwrap(), None);
    let row = TokenRow {
        tokenid: "t1".into(),
        username: "alice".into(),
        expire: "never".into(),
        created: Some("2026-1-1 1:2:3".into()),
        access: None,
    };
    s.put_token(&row).unwrap();
    let touched = TokenRow {
        access: Some("2026-1-2 1:2:3".into()),
        created: None,
        ..row
    };
    s.put_token(&touched).unwrap();
    let found = s.tokens_by_selector("t1").unwrap();
    assert_eq!(
        found
            .iter()
            .map(|c| (c.tokenid.as_str(), c.username.as_str(), c.expire.as_str()))
            .collect::<Vec<_>>(),
        [("t1", "alice", "never")]
    );
    assert!(s.tokens_by_selector("t2").unwrap().is_empty());
    // The selector is a prefix: `t` finds t1.
    assert_eq!(s.tokens_by_selector("t").unwrap().len(), 1);
}
