//! CPU time per thread, from the scheduler's own accounting (`/proc/.../schedstat`, first
//! field: nanoseconds on CPU).

use std::collections::HashMap;

/// The calling thread's id.
pub fn current_tid() -> u32 {
    // `/proc/thread-self` links to `<pid>/task/<tid>`.
    std::fs::read_link("/proc/thread-self")
        .ok()
        .and_then(|p| p.file_name()?.to_str()?.parse().ok())
        .expect("a Linux /proc")
}

fn read_ns(path: &str) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// CPU time of every thread of this process now alive, in ns, by thread id.
pub fn all_threads() -> HashMap<u32, u64> {
    let mut out = HashMap::new();
    if let Ok(dir) = std::fs::read_dir("/proc/self/task") {
        for entry in dir.flatten() {
            let Some(tid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
                continue;
            };
            if let Some(ns) = read_ns(&format!("/proc/self/task/{tid}/schedstat")) {
                out.insert(tid, ns);
            }
        }
    }
    out
}

/// CPU used between two [`all_threads`] snapshots: (the client's main thread, the server
/// thread, every other thread).
pub fn split(
    before: &HashMap<u32, u64>,
    after: &HashMap<u32, u64>,
    main: u32,
    server: u32,
) -> (u64, u64, u64) {
    let delta = |tid: &u32| after[tid].saturating_sub(*before.get(tid).unwrap_or(&0));
    let mut other = 0;
    for tid in after.keys() {
        if *tid != main && *tid != server {
            other += delta(tid);
        }
    }
    (delta(&main), delta(&server), other)
}
