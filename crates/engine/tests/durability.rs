//! `Cluster::durability` (the incremental summary the page shows on every frame) against
//! `Cluster::durability_full` (a scan of the whole ledger), called often, through the presets
//! (unclean elections, acks=1 losses, retention, compaction, transactions, retries) and
//! through generated fault schedules.
#![allow(clippy::unwrap_used)]

use kafka_sim::fuzz::{check_seed, ConfigSet, Options};
use kafka_sim::invariants::LEDGER_SUMMARY;
use kafka_sim::scenario::{Scenario, Session};

fn preset(name: &str) -> Scenario {
    let path = format!(
        "{}/../../static/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Run `name` for its whole length, comparing the two every `every_ms`; returns the final
/// summary.
fn compare_through(name: &str, every_ms: u64) -> kafka_sim::view::Durability {
    let sc = preset(name);
    let end = sc.default_end();
    let mut s = Session::new(sc, None).unwrap();
    let mut t = 0;
    while t < end {
        s.advance(every_ms);
        t += every_ms;
        let (summary, full) = (s.cluster.durability(), s.cluster.durability_full());
        assert_eq!(summary, full, "{name} at {} ms", s.cluster.now());
    }
    s.cluster.durability()
}

#[test]
fn the_summary_equals_a_full_scan_through_an_unclean_election() {
    let d = compare_through("unclean-election", 7);
    assert!(
        d.lost_acked > 0,
        "the preset loses acknowledged records: {d:?}"
    );
    assert!(!d.lost[0].explanation.is_empty());
}

#[test]
fn the_summary_equals_a_full_scan_through_acks_1_losses() {
    let d = compare_through("acks-1-loss", 5);
    assert!(d.lost_acked > 0, "{d:?}");
}

/// Power losses: records unavailable while a leader that lost power leads, then lost.
#[test]
fn the_summary_equals_a_full_scan_through_power_losses() {
    let d = compare_through("power-loss", 3);
    assert!(d.lost_acked > 0, "{d:?}");
    assert!(d.lost[0].explanation.contains("lost power"), "{d:?}");
}

#[test]
fn the_summary_equals_a_full_scan_through_retention() {
    let d = compare_through("retention", 11);
    assert!(
        d.expired > 0,
        "retention deletes acknowledged records: {d:?}"
    );
}

#[test]
fn the_summary_equals_a_full_scan_through_retries_and_transactions() {
    let d = compare_through("delivery-semantics", 5);
    assert!(d.acked > 0, "{d:?}");
    for name in [
        "transactions",
        "idempotence",
        "min-isr-refusal",
        "time-travel",
    ] {
        compare_through(name, 9);
    }
}

/// The fuzz checker compares the two at every audit; here every 20 events, on generated
/// clusters with broker crashes, network partitions, unclean elections, compaction and
/// weak configurations.
#[test]
fn the_summary_equals_a_full_scan_under_generated_faults() {
    let opts = Options {
        events: 2_500,
        audit_every: 20,
        ..Options::default()
    };
    let mut compared = 0;
    for seed in 0..12 {
        let r = check_seed(seed, ConfigSet::All, &opts);
        assert!(
            !r.counts.contains_key(LEDGER_SUMMARY),
            "seed {seed}: {:?}",
            r.violations
        );
        compared += r.evaluations.get(LEDGER_SUMMARY).copied().unwrap_or(0);
    }
    assert!(compared > 500, "{compared} comparisons");
}

/// acks=0: the producer counts a record acknowledged when it sends it, before any broker
/// appends it; the summary must not settle it as lost in between.
#[test]
fn the_summary_equals_a_full_scan_with_acks_0_records_in_flight() {
    let d = compare_through("acks-table", 1);
    assert!(d.visible > 0, "{d:?}");
}

/// A compacted topic whose cleaner removes superseded records, then tombstones once
/// `delete.retention.ms` has passed (a second pass over the cleaned part).
#[test]
fn the_summary_equals_a_full_scan_through_compaction_and_tombstone_removal() {
    use kafka_sim::{Cluster, ClusterSpec};
    use std::collections::BTreeMap;
    let mut c = Cluster::new(&ClusterSpec {
        seed: 3,
        ..ClusterSpec::default()
    })
    .unwrap();
    let cfg: BTreeMap<String, String> = [
        ("cleanup.policy", "compact"),
        ("segment.bytes", "300"),
        ("min.cleanable.dirty.ratio", "0.01"),
        ("delete.retention.ms", "20000"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    c.create_topic("balances", 1, 3, &cfg, None).unwrap();
    c.add_producer("p", &BTreeMap::new()).unwrap();
    let compare = |c: &mut Cluster, ms: u64| {
        for _ in 0..ms / 50 {
            c.advance(50);
            assert_eq!(c.durability(), c.durability_full(), "at {} ms", c.now());
        }
    };
    for round in 0..10 {
        for acct in ["alice", "bob", "carol", "dave"] {
            let value = format!("{acct}={round}");
            let deleted = round == 9 && acct != "alice";
            let value = (!deleted).then_some(value.as_str());
            c.produce("p", "balances", Some(acct), value, None, &[], 1)
                .unwrap();
            compare(&mut c, 50);
        }
    }
    compare(&mut c, 120_000);
    let d = c.durability();
    assert!(
        d.expired > 30,
        "compaction removed superseded records and tombstones: {d:?}"
    );
    assert_eq!(d.lost_acked, 0, "{d:?}");
}
