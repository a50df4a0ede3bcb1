//! Bounded fan-out: run many commands through any [`Runner`] with at most
//! `parallelism` in flight; results come back in input order.

use super::{Cmd, Output, Runner, Target};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::Duration;

/// Run each `(target, cmd)` job, at most `parallelism` at a time, each bounded
/// by `timeout`.  Results are in the order of `jobs`.
pub fn run_each(
    runner: &dyn Runner,
    jobs: &[(Target, Cmd)],
    parallelism: usize,
    timeout: Duration,
) -> Vec<Output> {
    let workers = parallelism.max(1).min(jobs.len());
    if workers <= 1 {
        return jobs
            .iter()
            .map(|(t, c)| runner.run(t, c, timeout))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Output>>> = Mutex::new(vec![None; jobs.len()]);
    thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some((t, c)) = jobs.get(i) else { break };
                let out = runner.run(t, c, timeout);
                if let Ok(mut r) = results.lock() {
                    r[i] = Some(out);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|o| o.unwrap_or_else(|| Output::not_run("not run")))
        .collect()
}

/// Run the same `cmd` on every target (bounded fan-out); results in target order.
pub fn run_many(
    runner: &dyn Runner,
    targets: &[Target],
    cmd: &Cmd,
    parallelism: usize,
    timeout: Duration,
) -> Vec<(Target, Output)> {
    let jobs: Vec<(Target, Cmd)> = targets.iter().map(|t| (t.clone(), cmd.clone())).collect();
    let outs = run_each(runner, &jobs, parallelism, timeout);
    targets.iter().cloned().zip(outs).collect()
}
