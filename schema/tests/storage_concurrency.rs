//! 50 concurrent writers of one site key end with exactly one row and no errors; 80 attached
//! table files work on SQLite (the raised attach limit really took effect).

mod storage_support;
use diesel::connection::SimpleConnection;
use diesel::{Connection, SqliteConnection};
use std::sync::Arc;
use storage_support::{backends, s};
use xcat_schema::db::{Db, DbError, DbLocation};

#[test]
fn fifty_concurrent_set_attribs_of_one_site_key() {
    for t in backends() {
        let db = Arc::new(t.open());
        let threads: Vec<_> = (0..50)
            .map(|i| {
                let db = db.clone();
                std::thread::spawn(move || {
                    let v = format!("v{i}");
                    db.write(|c| c.set_attribs("site", &[("key", "conc")], &[("value", Some(&v))]))
                })
            })
            .collect();
        for th in threads {
            th.join()
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        }
        let rows = db
            .read(|c| c.select("site", &["key"], &[("key", "conc")], false))
            .unwrap();
        assert_eq!(rows, vec![vec![s("conc")]], "{}", t.label);
    }
}

#[test]
fn fifty_concurrent_list_additions_keep_all() {
    // read-modify-write inside one write transaction (what nodech groups,= does)
    for t in backends() {
        let db = Arc::new(t.open());
        db.write(|c| c.set_attribs("nodelist", &[("node", "n1")], &[("groups", Some("all"))]))
            .unwrap();
        let threads: Vec<_> = (1..=50)
            .map(|i| {
                let db = db.clone();
                std::thread::spawn(move || {
                    db.write(|c| {
                        let cur = c.select("nodelist", &["groups"], &[("node", "n1")], false)?;
                        let mut g = cur[0][0].clone().unwrap_or_default();
                        g.push_str(&format!(",g{i}"));
                        c.set_attribs("nodelist", &[("node", "n1")], &[("groups", Some(&g))])
                    })
                })
            })
            .collect();
        for th in threads {
            th.join()
                .unwrap()
                .unwrap_or_else(|e| panic!("{}: {e}", t.label));
        }
        let g = db
            .read(|c| c.select("nodelist", &["groups"], &[("node", "n1")], false))
            .unwrap();
        let groups = g[0][0].clone().unwrap();
        assert_eq!(groups.split(',').count(), 51, "{}: {groups}", t.label);
    }
}

#[test]
fn eighty_attached_table_files() {
    let t = storage_support::sqlite();
    let dir = t.sqlite_dir().unwrap().to_path_buf();
    // 7 user tables + 73 schema tables = 80 files on every pooled connection
    for i in 0..7 {
        let name = format!("x_user{i}");
        let mut c =
            SqliteConnection::establish(dir.join(format!("{name}.sqlite")).to_str().unwrap())
                .unwrap();
        c.batch_execute(&format!("CREATE TABLE {name} (a TEXT, b TEXT)"))
            .unwrap();
    }
    let db = Db::open(&DbLocation::SqliteDir(dir.clone())).unwrap();
    let tables = db.read(|c| c.tables()).unwrap();
    assert_eq!(tables.len(), 80);
    db.write(|c| {
        for name in &tables {
            if name.starts_with("x_") {
                c.insert(name, &["a", "b"], &[Some("1"), Some("2")])?;
            }
        }
        c.set_attribs("zvm", &[("node", "n")], &[("userid", Some("u"))])
    })
    .unwrap();
    for name in tables.iter().filter(|n| n.starts_with("x_")) {
        assert_eq!(
            db.read(|c| c.all_rows(name, false)).unwrap(),
            vec![vec![s("1"), s("2")]]
        );
    }
    // a user table created after the pool was built is attached on the next checkout
    let mut c = SqliteConnection::establish(dir.join("x_late.sqlite").to_str().unwrap()).unwrap();
    c.batch_execute("CREATE TABLE x_late (a TEXT)").unwrap();
    assert_eq!(db.read(|c| c.tables()).unwrap().len(), 81);
    // and the limit itself: 100 attached databases on a plain connection
    let mut raw = SqliteConnection::establish(":memory:").unwrap();
    for i in 0..100 {
        raw.batch_execute(&format!("ATTACH DATABASE ':memory:' AS a{i}"))
            .unwrap();
    }
}

#[test]
fn write_error_type_passes_through() {
    #[derive(Debug)]
    enum MyErr {
        #[allow(dead_code)]
        Db(DbError),
        Mine,
    }
    impl From<DbError> for MyErr {
        fn from(e: DbError) -> Self {
            MyErr::Db(e)
        }
    }
    let t = storage_support::sqlite();
    let db = t.open();
    let r: Result<(), MyErr> = db.write(|c| {
        c.set_attribs("site", &[("key", "a")], &[("value", Some("1"))])?;
        Err(MyErr::Mine)
    });
    assert!(matches!(r, Err(MyErr::Mine)));
    assert!(db.read(|c| c.all_rows("site", false)).unwrap().is_empty());
    let _ = MyErr::Db(DbError::ReadOnly);
}
