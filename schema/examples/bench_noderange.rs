//! Benchmark of noderange parsing on hostile and large inputs (no database:
//! in-memory tables with 10 nodes; syntactic expansion where names must not
//! exist).  Prints the time of each case; every case is linear in the size of
//! its input.
//!
//! Run: `cargo run --release -p xcat-schema --example bench_noderange`

use std::time::Instant;
use xcat_schema::inherit::MemTables;
use xcat_schema::noderange::{expand_in, ExpandOpts};

/// A nodelist of `node1..node10` in group `all`.
fn ten_nodes() -> MemTables {
    let mut m = MemTables::new();
    for i in 1..=10 {
        m.add(
            "nodelist",
            &[("node", &format!("node{i}")), ("groups", "all")],
        );
    }
    m
}

fn case(label: &str, range: &str, verify: bool) {
    let opts = ExpandOpts {
        verify,
        ..Default::default()
    };
    let t = Instant::now();
    let r = expand_in(&mut ten_nodes(), range, &opts);
    let outcome = match r {
        Ok(e) => format!("{} nodes, {} misses", e.nodes.len(), e.missing.len()),
        Err(e) => format!("error: {e}"),
    };
    println!(
        "{label:<40} {:>9} bytes {:>10.1} ms  {outcome}",
        range.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
}

fn main() {
    const N: usize = 100_000;
    let names: Vec<String> = (0..=N).map(|i| format!("host{i}")).collect();
    case("100,001 names (no verify)", &names.join(","), false);
    case("100,001 names (verify)", &names.join(","), true);
    case(
        "20,000 x (a,b),n[3-4]",
        &"(node1,node2),node[3-4],".repeat(20_000),
        true,
    );
    case(
        "100,000 nested ( )",
        &format!("{}node1{}", "(".repeat(N), ")".repeat(N)),
        true,
    );
    case(
        "100,000 nested [ ]",
        &format!("a{}1{}", "[".repeat(N), "]".repeat(N)),
        false,
    );
    case("100,000 chained a[1-2]", &"a[1-2]".repeat(N), false);
    case(
        "100,000 nested x@( )",
        &format!("{}node1{}", "node1@(".repeat(N), ")".repeat(N)),
        true,
    );
    case(
        "100,000 nested all,-( )",
        &format!("{}node1{}", "all,-(".repeat(N), ")".repeat(N)),
        true,
    );
    case("100,000 unclosed [", &format!("a{}", "[".repeat(N)), true);
    case(
        "100,000 unclosed (",
        &format!("{}node1", "(".repeat(N)),
        true,
    );
    let mut commas = "[".repeat(N);
    commas.push_str(&",(".repeat(N));
    case("100,000 [ then 100,000 ,(", &commas, true);
}
