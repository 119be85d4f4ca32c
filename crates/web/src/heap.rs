//! How much memory the page holds, and the most it lets the simulation take.
//!
//! A wasm32 page has at most 4 GiB of linear memory, and a failed allocation aborts the whole
//! app (`unreachable`): the page freezes, and a saved workspace that replays past that point
//! freezes every reload. A workload of a million 100-byte records a second fills 4 GiB in about
//! 25 simulated seconds. So the allocator counts live bytes, and the page pauses the simulation
//! at [`limit`] (see `AppState::guard_memory`), stops replays there, and says what to do.
//!
//! The count is exact (every allocation and free goes through [`Counting`]) and costs an add
//! per allocation; the wasm memory's own size only grows, so it cannot say when a rewind or
//! retention has freed memory again.
//!
//! In wasm the allocator underneath is `talc` rather than Rust's default (`dlmalloc`): the
//! engine allocates a few times per simulated record, and `talc` runs the standard workload
//! about 7 % faster in wasm and is 2 KiB smaller (BENCHMARKS.md, stop 28). In front of it,
//! freed blocks of up to 512 bytes are kept in lists by size and handed out again, and under
//! it the wasm memory grows by an eighth at a time rather than a page at a time
//! (`kafka-playground-heap`, BENCHMARKS.md, stop 40). Natively (the crate's native tests) it
//! is the system allocator.
#![allow(unsafe_code)]

#[cfg(not(target_arch = "wasm32"))]
use std::alloc::System;
use std::alloc::{GlobalAlloc, Layout};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The limit unless a test sets another: 2 GiB live, half of what wasm32 can address, which
/// leaves room for a rewind's rebuild (the old session is freed only after it) and a frame's
/// views. A log of 10 million 100-byte records needs about 1.7 GB.
pub const DEFAULT_LIMIT: usize = 2 << 30;

/// How far past [`limit`] a rewind's rebuild may go: the session it replaces, counted in
/// [`live`] until then, is freed right after.
pub const REBUILD_ALLOWANCE: usize = 1 << 30;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(DEFAULT_LIMIT);

/// The allocator underneath, counting live bytes.
pub struct Counting;

#[cfg(target_arch = "wasm32")]
static INNER: kafka_playground_heap::grow::PageHeap = kafka_playground_heap::grow::new_page_heap();
#[cfg(not(target_arch = "wasm32"))]
static INNER: System = System;

#[global_allocator]
static GLOBAL: Counting = Counting;

// SAFETY: every call is forwarded to `INNER` with the same arguments; only the counter is
// added, and it is updated only when `INNER` succeeded.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { INNER.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { INNER.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { INNER.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { INNER.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

/// Bytes allocated and not yet freed.
pub fn live() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// The most the simulation may hold before the page pauses it.
pub fn limit() -> usize {
    LIMIT.load(Ordering::Relaxed)
}

/// What a rebuild that replaces the current session (a rewind, a link opened over it) may
/// reach: [`limit`] plus [`REBUILD_ALLOWANCE`], since the session it replaces is freed after.
pub fn rebuild_ceiling() -> usize {
    limit().saturating_add(REBUILD_ALLOWANCE)
}

/// The least [`limit_for_device`] gives, on a device that reports very little memory.
pub const MIN_LIMIT: usize = 256 << 20;

/// The limit on a device with `gib` GiB of memory (`navigator.deviceMemory`: Chromium reports
/// it rounded to a power of two, at most 8; other browsers do not): a quarter of it, between
/// [`MIN_LIMIT`] and [`DEFAULT_LIMIT`]. A phone with 4 GB kills a tab long before the tab
/// holds 2 GiB; one quarter is what it can usually keep. Unknown: [`DEFAULT_LIMIT`].
pub fn limit_for_device(gib: Option<f64>) -> usize {
    match gib {
        Some(g) if g.is_finite() && g > 0.0 => {
            ((g * f64::from(1u32 << 30) / 4.0) as usize).clamp(MIN_LIMIT, DEFAULT_LIMIT)
        }
        _ => DEFAULT_LIMIT,
    }
}

/// Set [`limit`] from this browser's `navigator.deviceMemory` ([`limit_for_device`]). The app
/// calls it once at start (tests mount the app without it, at [`DEFAULT_LIMIT`]).
pub fn set_limit_for_this_device() {
    let gib = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &"deviceMemory".into()).ok())
        .and_then(|v| v.as_f64());
    set_limit(limit_for_device(gib));
}

/// Whether the page holds [`limit`] or more.
pub fn over() -> bool {
    live() >= limit()
}

/// Tests: a limit they can reach in a second.
pub fn set_limit(bytes: usize) {
    LIMIT.store(bytes, Ordering::Relaxed);
}

/// `bytes` for a person: "1.9 GB", "640 MB".
pub fn human(bytes: usize) -> String {
    let b = bytes as f64;
    if b >= 1e9 {
        format!("{:.1} GB", b / 1e9)
    } else {
        format!("{:.0} MB", (b / 1e6).max(1.0))
    }
}

/// What the page says when it stops the simulation at the limit.
pub fn full_message() -> String {
    format!(
        "Paused: the simulation holds {} of memory, the most this page lets it take (a browser gives a page at most 4 GB, and running out would freeze it). Rewind to an earlier moment, or restart; a lower rate or smaller values fill it more slowly.",
        human(live())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_allocation_is_counted_until_it_is_freed() {
        let before = live();
        // Large (and never touched, so it costs no real memory) next to what other tests,
        // running at the same time, allocate and free.
        let v: Vec<u8> = Vec::with_capacity(256 << 20);
        assert!(live() >= before + (200 << 20), "{} -> {}", before, live());
        drop(v);
        assert!(live() < before + (56 << 20), "{} -> {}", before, live());
    }

    #[test]
    fn a_device_with_less_memory_gets_a_lower_limit() {
        const GIB: usize = 1 << 30;
        assert_eq!(limit_for_device(Some(8.0)), 2 * GIB);
        assert_eq!(limit_for_device(Some(16.0)), 2 * GIB);
        assert_eq!(limit_for_device(Some(4.0)), GIB);
        assert_eq!(limit_for_device(Some(2.0)), GIB / 2);
        assert_eq!(limit_for_device(Some(0.25)), MIN_LIMIT);
        for unknown in [
            None,
            Some(0.0),
            Some(-1.0),
            Some(f64::NAN),
            Some(f64::INFINITY),
        ] {
            assert_eq!(limit_for_device(unknown), DEFAULT_LIMIT, "{unknown:?}");
        }
    }

    #[test]
    fn sizes_read_as_a_person_writes_them() {
        assert_eq!(human(2_147_483_648), "2.1 GB");
        assert_eq!(human(640_000_000), "640 MB");
        assert_eq!(human(10), "1 MB");
    }
}
