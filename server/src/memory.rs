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

#[cfg(not(feature = "mimalloc"))]
use std::time::{Duration, Instant};

/// A command that ran at least this long is "large": trim afterwards.  Short
/// requests (thousands per second) never pay for a trim.
#[cfg(not(feature = "mimalloc"))]
const TRIM_AFTER: Duration = Duration::from_millis(20);

/// Call once at start-up, before threads exist.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu", not(feature = "mimalloc")))]
    // SAFETY: mallopt only changes allocator tuning; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Run `f` (one command); with glibc, return freed memory to the system if
/// it was large (mimalloc returns freed pages by itself).
pub fn run_command<T>(f: impl FnOnce() -> T) -> T {
    #[cfg(not(feature = "mimalloc"))]
    {
        let start = Instant::now();
        let out = f();
        if start.elapsed() >= TRIM_AFTER {
            #[cfg(all(target_os = "linux", target_env = "gnu"))]
            // SAFETY: malloc_trim only releases free heap pages back to the kernel.
            unsafe {
                libc::malloc_trim(0);
            }
        }
        out
    }
    #[cfg(feature = "mimalloc")]
    f()
}
