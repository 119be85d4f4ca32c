//! Every preset scenario parses, builds, and its expectations hold — natively and in wasm.
//! Determinism: the same scenario, or the same seed of the simulation harness, gives the same
//! trace hash on every run, and the wasm hash equals the native one (`cargo xtask test` passes the native hashes to the wasm run in
//! `KAFKA_SIM_NATIVE_HASHES`, as `name=hash` lines).

use kafka_sim_conformance::{run_preset, PRESETS};

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn every_preset_passes_its_expectations() {
    assert!(PRESETS.len() >= 2, "presets are embedded");
    let mut bad = Vec::new();
    for (name, json) in PRESETS {
        match run_preset(json) {
            Ok((failures, _)) => bad.extend(failures.into_iter().map(|f| format!("{name}: {f}"))),
            Err(e) => bad.push(format!("{name}: {e}")),
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn traces_are_deterministic_and_match_across_targets() {
    let mut lines = Vec::new();
    for (name, json) in PRESETS {
        let (_, a) = run_preset(json).unwrap_or_default();
        let (_, b) = run_preset(json).unwrap_or_default();
        assert_eq!(a, b, "{name}: two runs of the same scenario differ");
        lines.push(format!("{name}={a}"));
    }
    // Seeds of the simulation harness (generated cluster, workload and faults) as well.
    for seed in kafka_sim_conformance::FUZZ_SEEDS {
        let (line, passed) = kafka_sim_conformance::run_fuzz_seed(seed);
        assert!(
            passed,
            "harness seed {seed} failed an invariant on this target"
        );
        lines.push(line);
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        // Hand the native hashes to the wasm run (see crates/xtask).
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../target/conformance-native-hashes.txt");
        let _ = std::fs::write(path, lines.join("\n"));
    }
    if let Some(native) = option_env!("KAFKA_SIM_NATIVE_HASHES") {
        for line in native.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                lines.iter().any(|l| l == line.trim()),
                "native {line} differs from this target's {lines:?}"
            );
        }
    }
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test::wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn murmur2_matches_kafka_on_this_target() {
    // Kafka's UtilsTest#testMurmur2 vectors.
    use kafka_sim::partitioner::murmur2;
    assert_eq!(murmur2(b"21"), -973932308);
    assert_eq!(murmur2(b"foobar"), -790332482);
    assert_eq!(murmur2(b"a-little-bit-long-string"), -985981536);
    assert_eq!(murmur2(b"abc"), 479470107);
}
