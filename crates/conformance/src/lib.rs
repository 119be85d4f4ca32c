//! Engine conformance tests that run natively and as wasm32 under Node: every preset
//! scenario's expectations, and determinism of the trace across targets (presets and seeds of
//! the simulation harness).

include!(concat!(env!("OUT_DIR"), "/presets.rs"));

/// Run one preset; `(expectation failures, trace hash)`.
pub fn run_preset(json: &str) -> Result<(Vec<String>, String), String> {
    let sc = kafka_sim::scenario::Scenario::parse(json).map_err(|e| e.to_string())?;
    let report = kafka_sim::scenario::run(&sc, None, None).map_err(|e| e.to_string())?;
    let failures = report
        .expectations
        .iter()
        .filter(|e| !e.passed)
        .map(|e| format!("expect[{}] at {} ms: {}", e.index, e.at_ms, e.detail))
        .collect();
    Ok((failures, report.trace_hash))
}

/// Seeds of the simulation harness (`kafka-sim fuzz`) whose trace hashes are compared across
/// targets: with `--config all` they cover the safe profile and weak ones.
pub const FUZZ_SEEDS: std::ops::Range<u64> = 0..6;

/// Run one harness seed (a short chaos phase, then the heal and liveness phase) and return
/// `(seed-N=trace hash, whether every invariant held)`.
pub fn run_fuzz_seed(seed: u64) -> (String, bool) {
    let opts = kafka_sim::fuzz::Options {
        events: 1_500,
        ..kafka_sim::fuzz::Options::default()
    };
    let r = kafka_sim::fuzz::check_seed(seed, kafka_sim::fuzz::ConfigSet::All, &opts);
    (format!("seed-{seed}={}", r.trace_hash), r.passed())
}
