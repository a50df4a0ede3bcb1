//! Issue 3 concurrency: 50 concurrent `nodech n1 groups,=gN` keep all 50
//! groups (the list edit reads and writes inside one write transaction);
//! 50 concurrent `tabch key=x site.value=N` end with one row and no errors.
//! Both backends.

mod tables_support;

use std::sync::Arc;
use tables_support::*;

#[test]
fn concurrent_list_additions_keep_every_group() {
    for env in backends() {
        seed(&env, "nodelist", &["node", "groups"], &[&["n1", "all"]]);
        let env = Arc::new(env);
        let threads: Vec<_> = (1..=50)
            .map(|i| {
                let env = env.clone();
                std::thread::spawn(move || {
                    let arg = format!("groups,=g{i}");
                    let out = run(&env, "nodech", Some(&["n1"]), &[&arg]);
                    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", env.label);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let groups = env
            .ctx
            .db
            .read(|c| c.select("nodelist", &["groups"], &[("node", "n1")], false))
            .unwrap();
        assert_eq!(groups.len(), 1);
        let list: Vec<String> = groups[0][0]
            .clone()
            .unwrap()
            .split(',')
            .map(str::to_string)
            .collect();
        assert_eq!(list.len(), 51, "{}: {list:?}", env.label);
        for i in 1..=50 {
            assert!(list.contains(&format!("g{i}")), "{} lost g{i}", env.label);
        }
        assert!(list.contains(&"all".to_string()));
    }
}

#[test]
fn concurrent_tabch_of_one_key_gives_one_row() {
    for env in backends() {
        let env = Arc::new(env);
        let threads: Vec<_> = (1..=50)
            .map(|i| {
                let env = env.clone();
                std::thread::spawn(move || {
                    let arg = format!("site.value={i}");
                    let out = run(&env, "tabch", None, &["key=x", &arg]);
                    assert_eq!((out.stderr.as_str(), out.exit), ("", 0), "{}", env.label);
                })
            })
            .collect();
        for t in threads {
            t.join().unwrap();
        }
        let rows = env
            .ctx
            .db
            .read(|c| c.select("site", &["value"], &[("key", "x")], false))
            .unwrap();
        assert_eq!(rows.len(), 1, "{}", env.label);
    }
}
