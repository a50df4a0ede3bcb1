//! Bounded concurrency with ordered output: a service node's per-node NIM
//! work runs on a few threads (NIM serialises on its database, so more buys
//! nothing), and each node's result is handed back on the caller's thread
//! in node order as soon as it and every node before it are done.  A hung
//! command is bounded by the NIM command timeout of its own worker; the
//! other workers go on meanwhile.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

/// How many nodes of one service node run NIM operations at once.
pub const DEFAULT_WIDTH: usize = 4;

/// Run `work` on every item with at most `width` threads; `emit(item,
/// result)` runs on this thread in item order.  When `emit` fails the
/// workers take no new items and its error is returned.
pub fn ordered<T, R, E>(
    items: &[T],
    width: usize,
    work: impl Fn(&T) -> R + Sync,
    mut emit: impl FnMut(&T, R) -> Result<(), E>,
) -> Result<(), E>
where
    T: Sync,
    R: Send,
{
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, R)>();
    let mut result = Ok(());
    std::thread::scope(|scope| {
        for _ in 0..width.clamp(1, items.len().max(1)) {
            let tx = tx.clone();
            let (next, stop, work) = (&next, &stop, &work);
            scope.spawn(move || loop {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(item) = items.get(i) else { break };
                if tx.send((i, work(item))).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        let mut done: BTreeMap<usize, R> = BTreeMap::new();
        let mut want = 0;
        for (i, r) in rx {
            done.insert(i, r);
            while let Some(r) = done.remove(&want) {
                if result.is_ok() {
                    result = emit(&items[want], r);
                    if result.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                }
                want += 1;
            }
        }
    });
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn results_in_item_order_with_bounded_threads() {
        let running = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<u64> = (0..12).collect();
        let mut seen = Vec::new();
        ordered(
            &items,
            4,
            |n| {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(((12 - n) % 5) * 5));
                running.fetch_sub(1, Ordering::SeqCst);
                n * 10
            },
            |n, r| {
                seen.push((*n, r));
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(seen, items.iter().map(|n| (*n, n * 10)).collect::<Vec<_>>());
        assert!(peak.load(Ordering::SeqCst) <= 4);
    }

    #[test]
    fn a_failed_emit_stops_new_work() {
        let started = AtomicUsize::new(0);
        let items: Vec<u32> = (0..50).collect();
        let r = ordered(
            &items,
            2,
            |_| {
                started.fetch_add(1, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(2));
            },
            |n, ()| if *n == 1 { Err("gone") } else { Ok(()) },
        );
        assert_eq!(r, Err("gone"));
        assert!(started.load(Ordering::SeqCst) < 50);
    }
}
