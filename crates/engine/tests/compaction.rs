//! Log compaction and retention (semantics digest §7), on the log and through a cluster.
#![allow(clippy::unwrap_used)]

use kafka_sim::log::Log;
use kafka_sim::record::{NewRecord, ProducerStamp, Records};
use kafka_sim::{Cluster, ClusterSpec};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn rec(i: u64, key: &str, value: Option<&str>, ts: i64) -> NewRecord {
    NewRecord {
        id: i,
        timestamp: ts,
        key: Some(key.as_bytes().to_vec()),
        value: value.map(|v| v.as_bytes().to_vec()),
        headers: vec![],
    }
}

/// Read a log from the start and fold it into key → value (a tombstone deletes the key).
fn fold(log: &Log) -> BTreeMap<String, String> {
    let mut m = BTreeMap::new();
    for chunk in log.chunks() {
        for (b, e) in chunk.iter() {
            if b.control.is_some() {
                continue;
            }
            let k = String::from_utf8_lossy(chunk.key(e).unwrap()).into_owned();
            match chunk.value(e) {
                Some(v) => {
                    m.insert(k, String::from_utf8_lossy(v).into_owned());
                }
                None => {
                    m.remove(&k);
                }
            }
        }
    }
    m
}

fn offsets(log: &Log) -> Vec<i64> {
    log.chunks()
        .flat_map(|c| c.entries().map(|e| e.offset).collect::<Vec<_>>())
        .collect()
}

fn build(ops: &[(u8, Option<u8>)]) -> Log {
    let mut log = Log::new(200, i64::MAX, 0);
    for (i, (k, v)) in ops.iter().enumerate() {
        let key = format!("k{k}");
        let value = v.map(|v| format!("v{v}"));
        let b = Records::single_batch(
            &[rec(i as u64 + 1, &key, value.as_deref(), i as i64)],
            ProducerStamp::NONE,
        );
        log.append_as_leader(b, 0, i as i64, false).unwrap();
    }
    log.update_high_watermark(log.log_end_offset());
    log
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// The compacted log, read from the start, yields the same final key → value map.
    #[test]
    fn compaction_preserves_the_latest_value_of_every_key(ops in prop::collection::vec((0u8..6, prop::option::weighted(0.8, 0u8..50)), 1..120)) {
        let mut log = build(&ops);
        let before = fold(&log);
        let leo = log.log_end_offset();
        let active_before: Vec<i64> = {
            let base = log.segments().last().unwrap().base_offset;
            offsets(&log).into_iter().filter(|o| *o >= base).collect()
        };
        let uncleanable = log.first_uncleanable_offset(1_000, 0);
        log.clean(1_000, 86_400_000, uncleanable);
        prop_assert_eq!(fold(&log), before);
        prop_assert_eq!(log.log_end_offset(), leo, "offsets keep their numbers: the end does not move");
        let after = offsets(&log);
        prop_assert!(after.windows(2).all(|w| w[0] < w[1]), "strictly increasing (with gaps)");
        let base = log.segments().last().unwrap().base_offset;
        let active_after: Vec<i64> = after.iter().copied().filter(|o| *o >= base).collect();
        prop_assert_eq!(active_after, active_before, "the active segment is never compacted");
        // Below the active segment, at most one record per key remains.
        let mut seen = std::collections::BTreeSet::new();
        for chunk in log.chunks() {
            for e in chunk.entries().filter(|e| e.offset < base) {
                prop_assert!(seen.insert(chunk.key(e).unwrap().to_vec()), "one record per key in the cleaned part");
            }
        }
    }
}

#[test]
fn tombstones_survive_delete_retention_then_go() {
    // k0=a, k1=b, k0=tombstone, then filler so the tombstone's segment closes.
    let mut ops: Vec<(u8, Option<u8>)> = vec![(0, Some(1)), (1, Some(2)), (0, None)];
    for i in 0..12 {
        ops.push((2 + (i % 3) as u8, Some(i as u8)));
    }
    let mut log = build(&ops);
    let u = log.first_uncleanable_offset(1_000, 0);
    log.clean(1_000, 10_000, u);
    let has_tombstone = |log: &Log| log.chunks().any(|c| c.entries().any(|e| e.is_tombstone()));
    assert!(
        has_tombstone(&log),
        "the first cleaning keeps the tombstone and stamps its delete horizon"
    );
    assert!(!fold(&log).contains_key("k0"));
    log.clean(5_000, 10_000, u);
    assert!(
        has_tombstone(&log),
        "before delete.retention.ms the tombstone stays"
    );
    log.clean(11_001, 10_000, u);
    assert!(
        !has_tombstone(&log),
        "after delete.retention.ms the tombstone is removed"
    );
    assert!(!fold(&log).contains_key("k0"));
}

#[test]
fn a_compacted_topic_in_a_cluster_keeps_the_latest_value_per_key() {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 2,
        ..ClusterSpec::default()
    })
    .unwrap();
    let cfg: BTreeMap<String, String> = [
        ("cleanup.policy", "compact"),
        ("segment.bytes", "300"),
        ("min.cleanable.dirty.ratio", "0.1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    c.create_topic("balances", 1, 3, &cfg, None).unwrap();
    c.add_producer("p", &BTreeMap::new()).unwrap();
    for round in 0..10 {
        for acct in ["alice", "bob", "carol"] {
            c.produce(
                "p",
                "balances",
                Some(acct),
                Some(&format!("{acct}={round}")),
                None,
                &[],
                1,
            )
            .unwrap();
            c.advance(50);
        }
    }
    c.advance(40_000); // cleaner backoff 15 s
    let tp = c.tp("balances", 0).unwrap();
    for b in c.brokers.values() {
        let log = &b.partitions[&tp].log;
        let m = fold(log);
        assert_eq!(
            m.get("alice").map(String::as_str),
            Some("alice=9"),
            "broker {}",
            b.id
        );
        assert!(
            log.record_count() < 30,
            "broker {}: compaction removed superseded records ({})",
            b.id,
            log.record_count()
        );
    }
    let d = c.durability();
    assert_eq!(
        d.lost_acked,
        0,
        "superseded records are not losses: {:?}",
        d.lost.first()
    );
    assert!(
        d.expired > 0,
        "the ledger counts them as removed by compaction"
    );
    // Keyless records are refused on a compacted topic.
    c.produce("p", "balances", None, Some("no key"), None, &[], 1)
        .unwrap();
    c.advance(2_000);
    assert!(c
        .producer("p")
        .unwrap()
        .stats
        .errors
        .contains_key("INVALID_RECORD"));
    // A new consumer reads the compacted log from the start: each key's latest value is there.
    c.add_consumer(
        "replay",
        None,
        &["balances".into()],
        &[("auto.offset.reset".to_string(), "earliest".to_string())]
            .into_iter()
            .collect(),
        0,
    )
    .unwrap();
    c.advance(2_000);
    let k = c.consumer("replay").unwrap();
    assert!(
        k.delivered_total >= 3 && k.delivered_total < 30,
        "{}",
        k.delivered_total
    );
}

#[test]
fn retention_moves_the_log_start_and_resets_a_consumer_that_fell_behind() {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 2,
        ..ClusterSpec::default()
    })
    .unwrap();
    let cfg: BTreeMap<String, String> = [("retention.ms", "60000"), ("segment.bytes", "300")]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    c.create_topic("logs", 1, 3, &cfg, None).unwrap();
    c.add_producer("p", &BTreeMap::new()).unwrap();
    c.produce("p", "logs", Some("k"), Some("old"), None, &[], 20)
        .unwrap();
    c.advance(1_000);
    c.add_consumer(
        "late",
        Some("g"),
        &["logs".into()],
        &[
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect(),
        0,
    )
    .unwrap();
    c.apply(&kafka_sim::action::Action::CrashConsumer {
        consumer: "late".into(),
    })
    .unwrap();
    c.advance(11 * 60_000); // retention checks every 5 minutes
    c.produce("p", "logs", Some("k"), Some("new"), None, &[], 5)
        .unwrap();
    c.advance(10 * 60_000);
    let tp = c.tp("logs", 0).unwrap();
    let view = c.partition_view(tp);
    assert!(
        view.log_start_offset > 0,
        "whole closed segments older than retention.ms were deleted"
    );
    assert!(view.log_start_offset <= view.high_watermark);
    // A consumer positioned below the log start gets OFFSET_OUT_OF_RANGE and resets.
    c.add_consumer(
        "reader",
        None,
        &["logs".into()],
        &[("auto.offset.reset".to_string(), "earliest".to_string())]
            .into_iter()
            .collect(),
        0,
    )
    .unwrap();
    c.advance(1_000);
    c.seek("reader", "logs", 0, kafka_sim::cluster::SeekTo::Offset(0))
        .unwrap();
    c.advance(2_000);
    let k = c.consumer("reader").unwrap();
    assert!(
        k.position(tp).unwrap() >= view.log_start_offset,
        "reset to the log start"
    );
}
