//! Keeping the daemon's resident memory bounded.  Every command runs on a
//! blocking thread; glibc gives busy threads their own malloc arenas and keeps
//! freed memory in them, so after a few large commands (10,000-node lsdef,
//! mkdef, nodels) on different threads the resident size is the sum of their
//! peaks.  We cap the arenas and hand freed memory back after large commands.

use std::time::{Duration, Instant};

/// A command that ran at least this long is "large": trim afterwards.  Short
/// requests (thousands per second) never pay for a trim.
const TRIM_AFTER: Duration = Duration::from_millis(20);

/// Call once at start-up, before threads exist.
pub fn limit_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes allocator tuning; called before other threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Run `f` (one command); return freed memory to the system if it was large.
pub fn run_command<T>(f: impl FnOnce() -> T) -> T {
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
