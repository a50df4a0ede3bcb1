//! The daemon's allocator and keeping its resident memory bounded.
//!
//! By default (cargo feature `mimalloc`) the daemon allocates with mimalloc,
//! built without transparent huge pages: a 10,000-node answer is tens of
//! thousands of small tree nodes built and freed on a handler thread and
//! glibc's malloc/free were a third of the CPU time of such commands
//! (README, "Figures").  Built without the feature, glibc malloc is used and
//! tuned instead: every command runs on a blocking thread, glibc gives busy
//! threads their own arenas and keeps freed memory in them, so after a few
//! large commands on different threads the resident size would be the sum of
//! their peaks; we cap the arenas and hand freed memory back after large
//! commands.

#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::{Duration, Instant};

/// A command that ran at least this long is "large": trim afterwards.  Short
/// requests (thousands per second) never pay for a trim.
const TRIM_AFTER: Duration = Duration::from_millis(20);

/// Call once at start-up, before threads exist.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
    // SAFETY: mallopt only changes allocator tuning; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(feature = "mimalloc")]
extern "C" {
    /// mimalloc's own entry point (part of the library the `mimalloc` crate
    /// links): free what the calling thread's heap no longer uses and return
    /// it to the system when `force` is set.
    fn mi_collect(force: bool);
}

/// Run `f` (one command); if it was large, return the memory it freed to
/// the system (glibc: `malloc_trim`; mimalloc: `mi_collect` on the handler
/// thread, which also takes back the documents other threads freed), so the
/// next large command's peak does not stack on this one's leftovers.
pub fn run_command<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    if start.elapsed() >= TRIM_AFTER {
        release_free_memory();
    }
    out
}

fn release_free_memory() {
    #[cfg(feature = "mimalloc")]
    // SAFETY: mi_collect takes no pointers; it only walks the calling
    // thread's heap and releases pages with no live allocations.
    unsafe {
        mi_collect(true);
    }
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
    // SAFETY: malloc_trim only releases free heap pages back to the kernel.
    unsafe {
        libc::malloc_trim(0);
    }
}
