//! The in-flight request memory budget: what a connection holds for the
//! request it is reading and then running.  A request is charged four
//! times its buffer's allocation (measured with heaptrack on a 50 MB
//! argument, `scripts/bench-bigreq`: the bytes until parsed, the tree, and
//! the handler's working copies), at most the whole budget, from its first
//! byte until its command ends.
//!
//! Charges grow as the buffer doubles.  Growth beyond [`Budget::large`]
//! goes through a lane of one: a connection waiting for the lane first
//! gives back what it holds (its buffer is small), so large requests run
//! one at a time and can never wait on each other's partial charges (six
//! concurrent 50 MB requests would otherwise each hold a part of the
//! budget and wait for the rest, until their deadlines).

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Bytes per permit of the budget.
pub const BUDGET_UNIT: usize = 4096;

/// The daemon's budget: the permits and the large-request lane.
#[derive(Debug)]
pub struct Budget {
    pub permits: Arc<Semaphore>,
    lane: Arc<Semaphore>,
    total: usize,
}

impl Budget {
    /// A budget of `bytes` (at least one permit).
    pub fn new(bytes: usize) -> Budget {
        let total = (bytes / BUDGET_UNIT).max(1);
        Budget {
            permits: Arc::new(Semaphore::new(total)),
            lane: Arc::new(Semaphore::new(1)),
            total,
        }
    }

    /// Permits in the whole budget.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Charges above this many permits need the large-request lane.
    pub fn large(&self) -> usize {
        self.total / 16
    }

    /// Permits for a request buffer of `capacity` bytes.
    pub fn units(&self, capacity: usize) -> usize {
        (4 * (capacity / BUDGET_UNIT + 1)).min(self.total)
    }
}

/// What one connection holds: budget permits, and the lane while its
/// request is large.
#[derive(Debug, Default)]
pub struct Charge {
    permits: Option<OwnedSemaphorePermit>,
    lane: Option<OwnedSemaphorePermit>,
}

impl Charge {
    pub fn units(&self) -> usize {
        self.permits.as_ref().map_or(0, |p| p.num_permits())
    }

    /// Hold at least `want` permits (waiting for them).
    pub async fn grow(&mut self, budget: &Budget, want: usize) -> std::io::Result<()> {
        if want <= self.units() {
            return Ok(());
        }
        if want > budget.large() && self.lane.is_none() {
            // Wait for the lane holding nothing, so the lane's holder can
            // always get the rest of the budget.
            self.permits = None;
            let lane = budget.lane.clone().acquire_owned().await;
            self.lane = Some(lane.map_err(|_| std::io::Error::other("budget closed"))?);
        }
        let extra = u32::try_from(want - self.units()).unwrap_or(u32::MAX);
        let permit = budget
            .permits
            .clone()
            .acquire_many_owned(extra)
            .await
            .map_err(|_| std::io::Error::other("budget closed"))?;
        match self.permits.as_mut() {
            Some(p) => p.merge(permit),
            None => self.permits = Some(permit),
        }
        Ok(())
    }

    /// The charge of one complete request of `units` permits, split off
    /// (the lane goes with it); the rest stays for bytes buffered after it.
    pub fn split(&mut self, units: usize) -> Charge {
        let permits = match self.permits.as_mut() {
            Some(p) if p.num_permits() > units => p.split(units),
            _ => self.permits.take(),
        };
        Charge {
            permits,
            lane: self.lane.take(),
        }
    }
}
