//! set_attribs / reads semantics of stock on every backend.

mod storage_support;
use storage_support::{backends, s};
use xcat_schema::db::{Db, DbError};

fn rows(db: &Db, table: &str, cols: &[&str]) -> Vec<Vec<Option<String>>> {
    let mut r = db.read(|c| c.select(table, cols, &[], false)).unwrap();
    r.sort();
    r
}

#[test]
fn set_attribs_insert_update_and_defaults() {
    for t in backends() {
        let db = t.open();
        db.write(|c| {
            c.set_attribs("site", &[("key", "master")], &[("value", Some("10.0.0.1"))])?;
            c.set_attribs("site", &[("key", "master")], &[("value", Some("10.0.0.2"))])?;
            // insert defaults the other key columns of a composite key to ''
            c.set_attribs("prodkey", &[("node", "n1")], &[("key", Some("abc"))])?;
            // all-empty insert is skipped
            c.set_attribs("site", &[("key", "blank")], &[("value", Some(""))])?;
            c.set_attribs("site", &[("key", "blank2")], &[("value", None)])?;
            // "NULL" is literal on insert ...
            c.set_attribs("site", &[("key", "n")], &[("value", Some("NULL"))])?;
            Ok::<_, DbError>(())
        })
        .unwrap();
        assert_eq!(
            rows(&db, "site", &["key", "value"]),
            vec![vec![s("master"), s("10.0.0.2")], vec![s("n"), s("NULL")]],
            "{}",
            t.label
        );
        assert_eq!(
            rows(&db, "prodkey", &["node", "product", "key"]),
            vec![vec![s("n1"), s(""), s("abc")]],
            "{}",
            t.label
        );
        // ... and SQL NULL on update
        db.write(|c| c.set_attribs("site", &[("key", "n")], &[("value", Some("NULL"))]))
            .unwrap();
        assert_eq!(
            rows(&db, "site", &["key", "value"])[1],
            vec![s("n"), None],
            "{}",
            t.label
        );
        // update hits every row matching a partial key
        db.write(|c| {
            c.set_attribs(
                "prodkey",
                &[("node", "n2"), ("product", "a")],
                &[("key", Some("1"))],
            )?;
            c.set_attribs(
                "prodkey",
                &[("node", "n2"), ("product", "b")],
                &[("key", Some("2"))],
            )?;
            c.set_attribs("prodkey", &[("node", "n2")], &[("key", Some("9"))])
        })
        .unwrap();
        let keys: Vec<_> = rows(&db, "prodkey", &["node", "product", "key"]);
        assert_eq!(
            keys,
            vec![
                vec![s("n1"), s(""), s("abc")],
                vec![s("n2"), s("a"), s("9")],
                vec![s("n2"), s("b"), s("9")]
            ],
            "{}",
            t.label
        );
        // eventlog: no key defaulting, recid assigned and read as text
        db.write(|c| c.set_attribs("eventlog", &[], &[("message", Some("hello"))]))
            .unwrap();
        let ev = rows(&db, "eventlog", &["recid", "message"]);
        assert_eq!(ev, vec![vec![s("1"), s("hello")]], "{}", t.label);
        db.write(|c| c.set_attribs("eventlog", &[("recid", "1")], &[("message", Some("bye"))]))
            .unwrap();
        assert_eq!(
            rows(&db, "eventlog", &["message"]),
            vec![vec![s("bye")]],
            "{}",
            t.label
        );
        // unknown table / column
        let e = db
            .read(|c| c.select("nosuch", &["a"], &[], false))
            .unwrap_err();
        assert!(matches!(e, DbError::NoTable(_)), "{}", t.label);
        let e = db
            .read(|c| c.select("site", &["nosuch"], &[], false))
            .unwrap_err();
        assert!(matches!(e, DbError::NoColumn { .. }), "{}", t.label);
        // writes refused inside read
        let e = db
            .read(|c| c.set_attribs("site", &[("key", "x")], &[("value", Some("1"))]))
            .unwrap_err();
        assert!(matches!(e, DbError::ReadOnly), "{}", t.label);
    }
}

#[test]
fn disable_rule_and_active_reads() {
    for t in backends() {
        let db = t.open();
        let cases = [
            ("a", None),
            ("b", Some("0")),
            ("c", Some("no")),
            ("d", Some("NO")),
            ("e", Some("No")),
            ("f", Some("nO")),
            ("g", Some("1")),
            ("h", Some("yes")),
            ("i", Some("")),
            ("j", Some("x")),
        ];
        db.write(|c| {
            for (k, d) in cases {
                c.insert(
                    "site",
                    &["key", "value", "disable"],
                    &[Some(k), Some("v"), d],
                )?;
            }
            Ok::<_, DbError>(())
        })
        .unwrap();
        let active: Vec<String> = db
            .read(|c| c.all_rows("site", true))
            .unwrap()
            .into_iter()
            .map(|r| r[0].clone().unwrap())
            .collect();
        assert_eq!(active, ["a", "b", "c", "d", "e", "f"], "{}", t.label);
        let all = db.read(|c| c.all_rows("site", false)).unwrap();
        assert_eq!(all.len(), 10, "{}", t.label);
        assert_eq!(all[0], vec![s("a"), s("v"), None, None], "{}", t.label);
        let sel = db
            .read(|c| c.select("site", &["value"], &[("key", "h")], true))
            .unwrap();
        assert!(sel.is_empty(), "{}", t.label);
        // set_attribs' existence check sees disabled rows: the row is updated, stays disabled
        db.write(|c| c.set_attribs("site", &[("key", "h")], &[("value", Some("w"))]))
            .unwrap();
        let sel = db
            .read(|c| c.select("site", &["value", "disable"], &[("key", "h")], false))
            .unwrap();
        assert_eq!(sel, vec![vec![s("w"), s("yes")]], "{}", t.label);
        assert_eq!(
            db.write(|c| c.delete_where("site", &[("key", "h")]))
                .unwrap(),
            1
        );
        assert_eq!(db.read(|c| c.all_rows("site", false)).unwrap().len(), 9);
    }
}

#[test]
fn multi_table_write_rolls_back_on_error() {
    for t in backends() {
        let db = t.open();
        let r: Result<(), DbError> = db.write(|c| {
            c.set_attribs("nodelist", &[("node", "n1")], &[("groups", Some("all"))])?;
            c.set_attribs("nodehm", &[("node", "n1")], &[("mgt", Some("ipmi"))])?;
            c.set_attribs("site", &[("key", "k")], &[("value", Some("v"))])?;
            c.set_attribs(
                "nodelist",
                &[("node", "n1")],
                &[("nosuchcolumn", Some("x"))],
            )?;
            Ok(())
        });
        assert!(r.is_err(), "{}", t.label);
        for table in ["nodelist", "nodehm", "site"] {
            assert!(
                db.read(|c| c.all_rows(table, false)).unwrap().is_empty(),
                "{} {table}",
                t.label
            );
        }
        // a DB-level failure midway (primary key violation) also rolls back everything
        let r: Result<(), DbError> = db.write(|c| {
            c.set_attribs("nodelist", &[("node", "n1")], &[("groups", Some("all"))])?;
            c.insert("nodehm", &["node"], &[Some("n1")])?;
            c.insert("nodehm", &["node"], &[Some("n1")])?;
            Ok(())
        });
        assert!(matches!(r, Err(DbError::Sql(_))), "{}: {r:?}", t.label);
        for table in ["nodelist", "nodehm"] {
            assert!(
                db.read(|c| c.all_rows(table, false)).unwrap().is_empty(),
                "{} {table}",
                t.label
            );
        }
        // and a successful one commits both
        db.write(|c| {
            c.set_attribs("nodelist", &[("node", "n1")], &[("groups", Some("all"))])?;
            c.set_attribs("nodehm", &[("node", "n1")], &[("mgt", Some("ipmi"))])
        })
        .unwrap();
        assert_eq!(db.read(|c| c.all_rows("nodehm", false)).unwrap().len(), 1);
    }
}
