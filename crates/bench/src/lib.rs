//! The engine benchmarks' workloads, shared by the native criterion bench (`benches/engine.rs`),
//! the wasm32 build run under Node (`node/run.cjs`, driven by `cargo xtask bench`) and the
//! memory measurement (`src/bin/memory.rs`).
//!
//! **The standard workload** (`standard.json`): 3 brokers, RF=3, `acks=all`, 12 partitions,
//! keyed records of 100-byte values from 10,000 keys at 100,000 records/s simulated, and two
//! consumer groups reading everything. One benchmark iteration is [`WINDOW_MS`] of simulated
//! time after a [`WARMUP_MS`] warm-up (groups joined and caught up): the same seed gives
//! the same records every time, so records per iteration is a constant ([`Window`]).

use kafka_sim::cluster::Client;
use kafka_sim::scenario::{Scenario, Session};

/// The standard workload as a scenario.
pub const STANDARD: &str = include_str!("standard.json");
/// Simulated time before a measured window: the groups have joined (the coordinator waits
/// `group.initial.rebalance.delay.ms`, 3 s, for a new group's members) and the consumers
/// have caught up, so a window produces, replicates and consumes at the steady rate.
/// (Until 2026-11-29 this was 2 s: the window ended before either group had joined, and
/// measured producing and replicating only.)
pub const WARMUP_MS: u64 = 6_000;
/// Simulated time of one measured window (100,000 records at the standard rate).
pub const WINDOW_MS: u64 = 1_000;

/// The standard workload's session, built and warmed up to [`WARMUP_MS`].
pub fn standard_session() -> Session {
    let sc = match Scenario::parse(STANDARD) {
        Ok(sc) => sc,
        Err(e) => panic!("standard.json: {e}"),
    };
    let mut s = match Session::new(sc, None) {
        Ok(s) => s,
        Err(e) => panic!("standard.json: {e}"),
    };
    s.advance_to(WARMUP_MS);
    s
}

/// Records producers sent so far (`send()` calls).
pub fn records_sent(s: &Session) -> u64 {
    s.cluster
        .clients
        .iter()
        .map(|c| match c {
            Client::Producer(p) => p.stats.sent,
            _ => 0,
        })
        .sum()
}

/// Records consumers handed to their applications so far.
pub fn records_polled(s: &Session) -> u64 {
    s.cluster
        .clients
        .iter()
        .map(|c| match c {
            Client::Consumer(c) => c.stats.polled,
            _ => 0,
        })
        .sum()
}

/// What one measured window does (a constant for a given seed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Records produced in the window.
    pub records: u64,
    /// Records the two groups' consumers received in the window.
    pub polled: u64,
    /// Key + value bytes of the produced records.
    pub payload_bytes: u64,
    /// The trace hash at the window's end (native and wasm must agree).
    pub trace_hash: u64,
}

/// Run one window on a warmed-up session.
#[inline(never)]
pub fn run_window(s: &mut Session) {
    s.advance(WINDOW_MS);
}

/// Build, warm up and run one window, counting what it did.
pub fn probe_window() -> Window {
    let mut s = standard_session();
    let (sent, polled) = (records_sent(&s), records_polled(&s));
    run_window(&mut s);
    let records = records_sent(&s) - sent;
    Window {
        records,
        polled: records_polled(&s) - polled,
        payload_bytes: records * payload_bytes_per_record(),
        trace_hash: s.cluster.trace_hash(),
    }
}

/// Key and value bytes of one standard record: keys `"0".."9999"` (the scenario sets no key
/// prefix; 3.89 bytes on average, rounded up to 4) and 100-byte values.
pub fn payload_bytes_per_record() -> u64 {
    104
}

/// The memory-bandwidth baseline: copy `src` into `dst` (a plain `memcpy` of the bytes the
/// engine moves per window, once).
pub fn copy_baseline(src: &[u8], dst: &mut [u8]) {
    dst.copy_from_slice(src);
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use wasm_bindgen::prelude::*;

    /// The page's allocator (`crates/web/src/heap.rs` wraps the same one in a byte count), so
    /// that the `release` row measures the engine as the page runs it.
    #[global_allocator]
    static HEAP: kafka_playground_heap::grow::PageHeap =
        kafka_playground_heap::grow::new_page_heap();

    /// A warmed-up standard workload for the Node harness (`node/run.cjs`), which times
    /// [`WasmBench::run_window`] with `performance.now()`.
    #[wasm_bindgen]
    pub struct WasmBench {
        session: kafka_sim::scenario::Session,
    }

    #[wasm_bindgen]
    impl WasmBench {
        /// Build and warm up (not timed).
        #[wasm_bindgen(constructor)]
        pub fn new() -> WasmBench {
            WasmBench {
                session: crate::standard_session(),
            }
        }
        /// One measured window; returns the records produced in it.
        pub fn run_window(&mut self) -> f64 {
            let before = crate::records_sent(&self.session);
            crate::run_window(&mut self.session);
            (crate::records_sent(&self.session) - before) as f64
        }
        /// The trace hash, as 16 hex digits (compared with the native run's).
        pub fn trace_hash(&self) -> String {
            format!("{:016x}", self.session.cluster.trace_hash())
        }
    }

    impl Default for WasmBench {
        fn default() -> Self {
            Self::new()
        }
    }

    /// The memory-bandwidth baseline in wasm: a buffer of `bytes` copied by [`CopyBench::run`].
    #[wasm_bindgen]
    pub struct CopyBench {
        src: Vec<u8>,
        dst: Vec<u8>,
    }

    #[wasm_bindgen]
    impl CopyBench {
        #[wasm_bindgen(constructor)]
        pub fn new(bytes: usize) -> CopyBench {
            CopyBench {
                src: (0..bytes).map(|i| i as u8).collect(),
                dst: vec![0u8; bytes],
            }
        }
        /// Copy the buffer `iters` times.
        pub fn run(&mut self, iters: u32) -> u32 {
            for _ in 0..iters {
                crate::copy_baseline(std::hint::black_box(&self.src), &mut self.dst);
                std::hint::black_box(&mut self.dst);
            }
            u32::from(self.dst.last().copied().unwrap_or(0))
        }
    }
}
