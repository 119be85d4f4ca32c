//! Retention by time and size, and fast-forwarding the clock (semantics digest §7): Kafka
//! keeps records until retention deletes whole closed segments, whether or not anyone read
//! them, and never deletes above the high watermark.
#![allow(clippy::unwrap_used)]

use kafka_sim::{Cluster, ClusterSpec};
use std::collections::BTreeMap;

const HOUR: u64 = 3_600_000;
const DAY: u64 = 24 * HOUR;

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Produce `n` records one request at a time, so they land in separate batches (a batch
/// never spans segments).
fn produce_each(c: &mut Cluster, prefix: &str, n: u32) {
    for i in 0..n {
        c.produce(
            "p",
            "events",
            Some("k"),
            Some(&format!("{prefix}-{i}")),
            None,
            &[],
            1,
        )
        .unwrap();
        c.advance(30);
    }
    c.advance(2_000);
}

fn cluster(topic_cfg: &[(&str, &str)]) -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 11,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("events", 1, 3, &cfg(topic_cfg), None)
        .unwrap();
    c.add_producer("p", &cfg(&[("acks", "all")])).unwrap();
    c.advance(500);
    c
}

#[test]
fn records_stay_for_retention_ms_whether_or_not_anyone_read_them() {
    // Kafka's default retention.ms is 7 days.
    let mut c = cluster(&[("segment.bytes", "400")]);
    produce_each(&mut c, "v", 30);
    let tp = c.tp("events", 0).unwrap();
    let before = c.partition_view(tp);
    assert_eq!(before.high_watermark, 30);
    assert!(
        before.segments.len() > 2,
        "segment.bytes=400 rolled several segments: {:?}",
        before.segments
    );

    c.advance_time(6 * DAY).unwrap();
    c.advance(1_000);
    assert_eq!(
        c.partition_view(tp).log_start_offset,
        0,
        "six days in, nothing is older than retention.ms"
    );

    c.advance_time(2 * DAY).unwrap();
    c.advance(1_000);
    let after = c.partition_view(tp);
    assert_eq!(
        after.log_start_offset, 30,
        "eight days in, every segment expired; the active one was rolled first"
    );
    assert_eq!(after.log_end_offset, 30, "offsets are never reused");
    assert_eq!(after.segments.len(), 1);
    assert!(after.segments[0].active && after.segments[0].records == 0);
    for b in c.brokers.values() {
        assert_eq!(
            b.partitions[&tp].log.log_start_offset(),
            30,
            "broker {}: every replica applies retention itself",
            b.id
        );
    }
}

#[test]
fn retention_deletes_whole_closed_segments_only() {
    let mut c = cluster(&[("segment.bytes", "400"), ("retention.ms", "3600000")]);
    produce_each(&mut c, "old", 20);
    c.advance_time(30 * 60_000).unwrap();
    produce_each(&mut c, "new", 20);
    let tp = c.tp("events", 0).unwrap();
    let segs = c.partition_view(tp).segments;
    // The segment holding both the last old records and the first new ones straddles.
    let straddling = segs
        .iter()
        .find(|s| s.base_offset < 20 && s.next_offset > 20)
        .cloned();

    c.advance_time(45 * 60_000).unwrap(); // old records are 75 min old, new ones 45 min
    c.advance(1_000);
    let v = c.partition_view(tp);
    assert!(v.log_start_offset > 0, "old segments were deleted");
    assert!(v.log_start_offset <= 20, "no new record was deleted");
    if let Some(s) = straddling {
        assert!(
            v.log_start_offset <= s.base_offset,
            "a segment with a record younger than retention.ms stays whole"
        );
    }
    assert!(
        segs.iter().any(|s| s.base_offset == v.log_start_offset),
        "the log start is a segment boundary: whole segments go ({} not in {:?})",
        v.log_start_offset,
        segs.iter().map(|s| s.base_offset).collect::<Vec<_>>()
    );
}

#[test]
fn retention_bytes_keeps_the_log_under_its_size_by_dropping_the_oldest_segments() {
    let mut c = cluster(&[("segment.bytes", "400"), ("retention.bytes", "1000")]);
    produce_each(&mut c, "v", 60);
    c.advance_time(10 * 60_000).unwrap(); // past a retention check
    c.advance(1_000);
    let tp = c.tp("events", 0).unwrap();
    let v = c.partition_view(tp);
    let total: usize = v.segments.iter().map(|s| s.bytes).sum();
    assert!(v.log_start_offset > 0);
    assert!(
        total <= 1000 + 400,
        "at most retention.bytes plus the active segment remain: {total}"
    );
    let oldest_remaining = v.segments.first().unwrap();
    assert_eq!(oldest_remaining.base_offset, v.log_start_offset);
}

#[test]
fn retention_never_deletes_above_the_high_watermark() {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 11,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic(
        "events",
        1,
        3,
        &cfg(&[("segment.bytes", "400"), ("retention.ms", "60000")]),
        None,
    )
    .unwrap();
    c.add_producer("p", &cfg(&[("acks", "1")])).unwrap();
    c.advance(500);
    let tp = c.tp("events", 0).unwrap();
    let leader = c.leader_of(tp).unwrap();
    // The followers stop fetching: the leader's records stay above the HW.
    for b in 1..=3 {
        if b != leader {
            c.set_fetchers_paused(b, true).unwrap();
        }
    }
    produce_each(&mut c, "v", 30);
    let v = c.partition_view(tp);
    assert_eq!(v.log_end_offset, 30);
    assert_eq!(
        v.high_watermark, 0,
        "acks=1 acknowledged, nothing replicated"
    );
    c.advance_time(DAY).unwrap();
    c.advance(1_000);
    let v = c.partition_view(tp);
    assert_eq!(
        v.log_start_offset, 0,
        "records above the HW are never deleted, however old"
    );
    assert_eq!(v.log_end_offset, 30);
    for b in 1..=3 {
        if b != leader {
            c.set_fetchers_paused(b, false).unwrap();
        }
    }
    c.advance(5_000);
    c.advance_time(10 * 60_000).unwrap();
    c.advance(1_000);
    let v = c.partition_view(tp);
    assert_eq!(v.high_watermark, 30);
    assert_eq!(
        v.log_start_offset, 30,
        "once replicated (HW 30) they are old enough to go"
    );
}

#[test]
fn a_fast_forward_keeps_groups_alive_and_costs_almost_nothing() {
    let mut c = cluster(&[]);
    let conf = cfg(&[("auto.offset.reset", "earliest")]);
    c.add_consumer("c1", Some("g"), &["events".into()], &conf, 10)
        .unwrap();
    c.produce("p", "events", Some("k"), Some("v{i}"), None, &[], 5)
        .unwrap();
    c.advance(8_000);
    let g = c
        .view()
        .groups
        .into_iter()
        .find(|g| g.group == "g")
        .unwrap();
    assert_eq!(g.state, "Stable");
    let events_before = c.trace.len();
    let now_before = c.now();
    c.advance_time(30 * DAY).unwrap();
    c.advance(2_000);
    assert!(
        c.trace.len() - events_before < 500,
        "30 days skipped without simulating them: {} events",
        c.trace.len() - events_before
    );
    assert_eq!(
        c.now(),
        now_before + 2_000,
        "simulated time moved only by the advance"
    );
    assert_eq!(c.wall_clock(), now_before + 2_000 + 30 * DAY);
    let g2 = c
        .view()
        .groups
        .into_iter()
        .find(|g| g.group == "g")
        .unwrap();
    assert_eq!(
        (g2.state.as_str(), g2.generation),
        ("Stable", g.generation),
        "no session expired: no rebalance"
    );
    // A record produced after the fast-forward carries the wall clock.
    c.produce("p", "events", Some("k"), Some("late"), None, &[], 1)
        .unwrap();
    c.advance(1_000);
    let tp = c.tp("events", 0).unwrap();
    let leader = c.leader_of(tp).unwrap();
    let log = &c.brokers[&leader].partitions[&tp].log;
    let last_ts = log.segments().last().unwrap().max_timestamp;
    assert!(last_ts >= (30 * DAY) as i64, "timestamp {last_ts}");
}

#[test]
fn a_transaction_left_open_across_a_fast_forward_is_aborted() {
    let mut c = cluster(&[]);
    c.add_producer("tx", &cfg(&[("transactional.id", "t-1")]))
        .unwrap();
    c.advance(3_000);
    c.begin_txn("tx").unwrap();
    c.produce("tx", "events", Some("k"), Some("pending"), Some(0), &[], 2)
        .unwrap();
    c.advance(2_000);
    let tp = c.tp("events", 0).unwrap();
    assert_eq!(
        c.partition_view(tp).last_stable_offset,
        0,
        "the open transaction holds the LSO"
    );
    c.advance_time(HOUR).unwrap();
    c.advance(2_000);
    let v = c.partition_view(tp);
    assert_eq!(v.log_end_offset, 3, "the coordinator wrote an ABORT marker");
    assert_eq!(
        v.last_stable_offset, 3,
        "transaction.timeout.ms (60 s) passed during the fast-forward"
    );
}

#[test]
fn fast_forward_refuses_nonsense() {
    let mut c = cluster(&[]);
    assert!(c.advance_time(0).is_err());
    assert!(c.advance_time(u64::MAX / 2).is_err());
    assert_eq!(c.wall_clock(), c.now());
}
