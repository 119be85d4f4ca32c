//! Native engine throughput on the standard workload, and the memory-bandwidth baseline, with
//! criterion. `cargo xtask bench` runs this and reads `target/criterion/**/new/estimates.json`
//! plus `target/bench/native-window.json` (records per iteration, trace hash).
//!
//! `cargo bench -p kafka-sim-bench --bench engine` runs it by hand.

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kafka_sim_bench::{copy_baseline, probe_window, run_window, standard_session};
use std::hint::black_box;
use std::time::Duration;

fn write_window_file(w: &kafka_sim_bench::Window) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let json = format!(
        "{{\"records\": {}, \"polled\": {}, \"payload_bytes\": {}, \"trace_hash\": \"{:016x}\", \
         \"window_ms\": {}, \"warmup_ms\": {}}}\n",
        w.records,
        w.polled,
        w.payload_bytes,
        w.trace_hash,
        kafka_sim_bench::WINDOW_MS,
        kafka_sim_bench::WARMUP_MS
    );
    let _ = std::fs::write(dir.join("native-window.json"), json);
}

fn engine(c: &mut Criterion) {
    let window = probe_window();
    write_window_file(&window);
    let warm = standard_session();

    let mut g = c.benchmark_group("engine");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Elements(window.records));
    g.bench_function("standard_workload", |b| {
        b.iter_batched(
            || warm.clone(),
            |mut s| {
                run_window(&mut s);
                s
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    let bytes = window.payload_bytes as usize;
    let src: Vec<u8> = (0..bytes).map(|i| i as u8).collect();
    let mut dst = vec![0u8; bytes];
    let mut g = c.benchmark_group("baseline");
    g.sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .throughput(Throughput::Elements(window.records));
    g.bench_function("memcpy_window_payload", |b| {
        b.iter(|| {
            copy_baseline(black_box(&src), &mut dst);
            black_box(&mut dst);
        })
    });
    g.finish();
}

criterion_group!(benches, engine);
criterion_main!(benches);
