//! Memory per stored record: produce N records (default 10 million) into a one-partition topic
//! on one broker (RF=1, so the log holds each record once), then count the bytes the engine
//! holds with a counting global allocator, minus the records' key and value bytes.
//!
//! `cargo bench -p kafka-sim-bench --bench memory -- [--records N]` prints one JSON object; `cargo xtask bench` runs it and writes the result to BENCHMARKS.md.

#![allow(unsafe_code)]

use kafka_sim::scenario::{Scenario, Session};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

/// Live heap bytes (requested sizes; the allocator's own per-block overhead is not counted).
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

// SAFETY: every method forwards to `System` with the caller's arguments unchanged and only
// adds bookkeeping on a global atomic counter.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        }
        p
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(
                new_size as isize - layout.size() as isize,
                Ordering::Relaxed,
            );
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn live() -> i64 {
    LIVE.load(Ordering::Relaxed) as i64
}

fn scenario(records: u64) -> String {
    // 1,000,000 records/s simulated: one second per million records.
    let secs = records.div_ceil(1_000_000).max(1);
    format!(
        r#"{{
  "version": 1,
  "name": "memory per stored record",
  "seed": 42,
  "cluster": {{ "brokers": 1 }},
  "topics": [ {{ "name": "log", "partitions": 1, "replication_factor": 1 }} ],
  "producers": [ {{ "id": "p1", "config": {{ "acks": "1", "linger.ms": 5, "batch.size": 524288 }} }} ],
  "script": [ {{ "at_ms": 0, "do": "start_workload", "producer": "p1", "topic": "log",
                 "rate_per_sec": 1000000, "keys": 10000, "value_bytes": 100,
                 "duration_ms": {} }} ],
  "duration_ms": {}
}}"#,
        secs * 1000,
        secs * 1000 + 1000
    )
}

fn main() {
    let mut records: u64 = 10_000_000;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--records" => {
                records = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .unwrap_or_else(|| panic!("--records needs a number"))
            }
            // `cargo bench` passes `--bench` to every bench binary.
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let sc = Scenario::parse(&scenario(records)).unwrap_or_else(|e| panic!("{e}"));
    let end = sc.default_end();
    let before = live();
    let mut s = Session::new(sc, None).unwrap_or_else(|e| panic!("{e}"));
    let built = live();
    let started = std::time::Instant::now();
    s.advance_to(end);
    let elapsed = started.elapsed();
    let after = live();

    // What the log holds: records and their key + value bytes (leader = the only replica).
    let (mut stored, mut kv, mut chunk_heap) = (0u64, 0u64, 0u64);
    for b in s.cluster.brokers.values() {
        for p in b.partitions.values() {
            for chunk in p.log.chunks() {
                chunk_heap += chunk.heap_bytes() as u64;
                for e in chunk.entries() {
                    stored += 1;
                    kv += chunk.key(e).map_or(0, |k| k.len() as u64);
                    kv += chunk.value(e).map_or(0, |v| v.len() as u64);
                }
            }
        }
    }
    // The durability ledger's share: drop it and see what goes.
    let ledger = std::mem::take(&mut s.cluster.ledger);
    let with_ledger = live();
    drop(ledger);
    let ledger_bytes = with_ledger - live();

    let grown = after - built;
    let overhead = grown - kv as i64;
    let per = |b: i64| b as f64 / stored.max(1) as f64;
    println!(
        "{{\"records\": {stored}, \"key_value_bytes\": {kv}, \"engine_bytes\": {grown}, \
         \"cluster_at_start_bytes\": {}, \"ledger_bytes\": {ledger_bytes}, \
         \"overhead_per_record\": {:.1}, \"ledger_per_record\": {:.1}, \
         \"log_and_rest_overhead_per_record\": {:.1}, \"log_chunks_overhead_per_record\": {:.1}, \
         \"simulate_secs\": {:.2}}}",
        built - before,
        per(overhead),
        per(ledger_bytes),
        per(overhead - ledger_bytes),
        per(chunk_heap as i64 - kv as i64),
        elapsed.as_secs_f64()
    );
}
