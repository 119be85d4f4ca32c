//! Trace hash of every preset scenario and of the standard workload, one `name=hash` line
//! each: run it before and after an engine change to show the change kept behaviour.
//!
//! `cargo bench -p kafka-sim-bench --bench hashes [-- DIR]` (default `static/scenarios`).

fn main() {
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/scenarios").into());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    for f in files {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let hash = kafka_sim::scenario::Scenario::parse(&text)
            .and_then(|sc| kafka_sim::scenario::run(&sc, None, None))
            .map_or_else(|e| format!("error: {e}"), |r| r.trace_hash);
        println!("{name}={hash}");
    }
    let w = kafka_sim_bench::probe_window();
    println!(
        "standard-workload={:016x} records={}",
        w.trace_hash, w.records
    );
}
