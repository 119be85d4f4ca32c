//! The scenario format: parsing, validation messages that point at the failing field, and
//! the committed JSON Schema.
#![allow(clippy::unwrap_used)]

use kafka_sim::scenario::{run, Scenario};
use kafka_sim::SimError;

fn parse_err(text: &str) -> String {
    match Scenario::parse(text) {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn the_committed_json_schema_is_current() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../docs/scenario.schema.json"
    );
    let committed = std::fs::read_to_string(path).unwrap();
    assert_eq!(
        committed.trim(),
        kafka_sim::scenario::json_schema().trim(),
        "docs/scenario.schema.json is stale: run `cargo run -p kafka-sim-cli -- schema > docs/scenario.schema.json`"
    );
}

#[test]
fn errors_name_the_failing_field() {
    let e = parse_err(
        r#"{"name": "x", "script": [{"at_ms": 1, "do": "produce", "producer": "p", "topc": "t"}]}"#,
    );
    assert!(e.contains("script[0]") && e.contains("topc"), "{e}");
    let e = parse_err(r#"{"name": "x", "script": [{"do": "explode"}]}"#);
    assert!(e.contains("script[0]") && e.contains("explode"), "{e}");
    let e = parse_err(r#"{"name": "x", "cluster": {"brokers": "three"}}"#);
    assert!(e.contains("cluster.brokers"), "{e}");
    let e =
        parse_err(r#"{"name": "x", "topics": [{"name": "t", "partitions": 2, "colour": "red"}]}"#);
    assert!(e.contains("topics[0]") && e.contains("colour"), "{e}");
    let e = parse_err(r#"{"name": "x", "expect": [{"check": "acked"}]}"#);
    assert!(e.contains("expect[0]") && e.contains("equals"), "{e}");
    let e = parse_err("not json");
    assert!(e.contains("line 1"), "{e}");
    let e = parse_err(r#"{"name": "x", "version": 9}"#);
    assert!(e.contains("version"), "{e}");
}

#[test]
fn build_errors_name_the_entity_and_the_config_key() {
    let sc =
        Scenario::parse(r#"{"name": "x", "producers": [{"id": "p", "config": {"ack": "1"}}]}"#)
            .unwrap();
    let e = sc.build(None).unwrap_err();
    match &e {
        SimError::Scenario { path, message } => {
            assert_eq!(path, "producers[0].config.ack");
            assert!(message.contains("did you mean `acks`"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let sc =
        Scenario::parse(r#"{"name": "x", "topics": [{"name": "t", "replication_factor": 5}]}"#)
            .unwrap();
    let e = sc.build(None).unwrap_err().to_string();
    assert!(
        e.contains("topics[0]") && e.contains("INVALID_REPLICATION_FACTOR"),
        "{e}"
    );
    let sc = Scenario::parse(r#"{"name": "x", "cluster": {"brokers": 13}}"#).unwrap();
    assert!(sc
        .build(None)
        .unwrap_err()
        .to_string()
        .contains("1 to 12 brokers"));
    let sc = Scenario::parse(r#"{"name": "x", "topics": [{"name": "bad name!"}]}"#).unwrap();
    assert!(sc
        .build(None)
        .unwrap_err()
        .to_string()
        .contains("INVALID_TOPIC_EXCEPTION"));
}

/// A workload is limited to 1 GB of values per simulated second (past it one frame of the page
/// could exhaust its memory): beyond is refused with the rate asked for, up to it runs.
#[test]
fn a_workload_beyond_one_gigabyte_a_second_is_refused_and_one_up_to_it_runs() {
    let scenario = |rate: u64, value_bytes: u64| {
        format!(
            r#"{{"name": "x", "topics": [{{"name": "t"}}], "producers": [{{"id": "p"}}],
                "script": [{{"at_ms": 5, "do": "start_workload", "producer": "p", "topic": "t",
                             "rate_per_sec": {rate}, "value_bytes": {value_bytes}, "duration_ms": 3}}],
                "duration_ms": 50}}"#
        )
    };
    let refused = Scenario::parse(&scenario(10_000_000, 1_000)).unwrap();
    let e = run(&refused, None, None).unwrap_err().to_string();
    assert!(
        e.contains("script[0]")
            && e.contains("10000000 records/s of 1000-byte values")
            && e.contains("10.0 GB")
            && e.contains("at most 1 GB/s"),
        "{e}"
    );
    // Exactly 1 GB/s: accepted, and it produces.
    let ok = Scenario::parse(&scenario(1_000_000, 1_000)).unwrap();
    let r = run(&ok, None, None).unwrap();
    assert!(
        r.durability.acked > 0 && r.durability.failed == 0,
        "{:?}",
        r.durability
    );
}

#[test]
fn a_failing_script_step_is_reported_with_its_index() {
    let sc = Scenario::parse(
        r#"{"name": "x", "topics": [{"name": "t"}], "producers": [{"id": "p"}],
            "script": [{"at_ms": 5, "do": "produce", "producer": "nobody", "topic": "t"}]}"#,
    )
    .unwrap();
    let e = run(&sc, None, None).unwrap_err().to_string();
    assert!(e.contains("script[0]") && e.contains("nobody"), "{e}");
}

#[test]
fn expectations_pass_and_fail_as_the_cluster_says() {
    let sc = Scenario::parse(
        r#"{"name": "x", "topics": [{"name": "t", "partitions": 4, "replication_factor": 3}],
            "producers": [{"id": "p"}],
            "script": [{"at_ms": 0, "do": "produce", "producer": "p", "topic": "t", "key": "foobar", "count": 3}],
            "expect": [
              {"at_ms": 1000, "check": "acked", "equals": 3},
              {"at_ms": 1000, "check": "record_count", "topic": "t", "equals": 3},
              {"at_ms": 1000, "check": "acked", "equals": 4}
            ]}"#,
    )
    .unwrap();
    let r = run(&sc, None, None).unwrap();
    assert!(r.expectations[0].passed, "{:?}", r.expectations[0]);
    assert!(r.expectations[1].passed, "{:?}", r.expectations[1]);
    assert!(!r.expectations[2].passed);
    assert!(
        r.expectations[2].detail.contains("expected 4, got 3"),
        "{}",
        r.expectations[2].detail
    );
    assert!(!r.passed());
}

#[test]
fn keyed_records_follow_kafkas_partitioner() {
    // Kafka's UtilsTest vector for "foobar": murmur2 = -790332482; toPositive(h) % 4.
    let expected = (-790_332_482i32 & 0x7fff_ffff) % 4;
    let text = format!(
        r#"{{"name": "x", "topics": [{{"name": "t", "partitions": 4}}], "producers": [{{"id": "p"}}],
            "script": [{{"at_ms": 0, "do": "produce", "producer": "p", "topic": "t", "key": "foobar", "count": 5}}],
            "expect": [{{"at_ms": 1000, "check": "key_partition", "topic": "t", "key": "foobar", "equals": {expected}}}]}}"#
    );
    let r = run(&Scenario::parse(&text).unwrap(), None, None).unwrap();
    assert!(r.passed(), "{:?}", r.expectations);
}

/// Byte-level fuzzing (`kafka-sim fuzz --target json`, stop 14) found scenarios that changed
/// when written with `to_json` and read back: a config value written as an integer too large
/// for 64 bits is parsed as a float, and serde_json's default float parser is not correctly
/// rounded, so reading the shortest form of that float gave a neighbouring one. The workspace
/// now enables serde_json's `float_roundtrip`.
#[test]
fn scenarios_with_huge_or_long_numbers_round_trip_through_to_json() {
    for value in [
        "209223372036854775807",
        "1144518446744073709551615",
        "0.30000000000000004",
        "1.7976931348623157e308",
        "123456789012345678901234567890.123456789",
    ] {
        let text = format!(
            r#"{{"version": 1, "name": "n", "cluster": {{"brokers": 1, "config": {{"group.min.session.timeout.ms": {value}}}}}}}"#
        );
        let sc = Scenario::parse(&text).unwrap();
        let again = Scenario::parse(&sc.to_json()).unwrap();
        assert_eq!(again, sc, "{value}");
    }
}
