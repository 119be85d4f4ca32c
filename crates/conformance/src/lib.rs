//! Engine conformance tests that run natively and as wasm32 under Node: every preset
//! scenario's expectations, and determinism of the trace across targets.

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
