//! Share groups (KIP-932, "queues for Kafka", Kafka 4.0+) over the simulated network: records
//! of one partition handed out one by one to several consumers, acquisition locks and
//! redelivery, acknowledgement types, the delivery count limit, the share-partition start
//! offset, and determinism.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kafka_sim::action::Action;
use kafka_sim::scenario::{Scenario, Step};
use kafka_sim::share_partition::RecordState;
use kafka_sim::types::Tp;
use kafka_sim::{Cluster, ClusterSpec};
use std::collections::{BTreeMap, BTreeSet};

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn cluster_with(partitions: i32, broker_config: &[(&str, &str)]) -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 7,
        config: cfg(broker_config),
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("t", partitions, 3, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[])).unwrap();
    c
}

fn join(c: &mut Cluster, name: &str, processing_ms: u64, config: &[(&str, &str)]) {
    c.add_share_consumer(name, "sg", &["t".into()], &cfg(config), processing_ms)
        .unwrap();
}

fn produce(c: &mut Cluster, n: u32) {
    c.produce("p", "t", None, Some("v{i}"), Some(0), &[], n)
        .unwrap();
}

/// Advance until every consumer is a member with an assignment.
fn until_joined(c: &mut Cluster, names: &[&str]) {
    for _ in 0..200 {
        if names.iter().all(|n| {
            let s = c.share_consumer(n).unwrap();
            s.member_epoch > 0 && !s.assignment.is_empty()
        }) {
            return;
        }
        c.advance(10);
    }
    panic!("share consumers never joined");
}

/// The state of `offset` in the share-partition at the leader.
fn state(c: &Cluster, offset: i64) -> Option<(RecordState, u16, Option<String>)> {
    c.share_partition("sg", "t", 0)
        .and_then(|sp| sp.record_state(offset))
        .map(|s| (s.state, s.delivery_count, s.member_id.clone()))
}

fn member_id(c: &Cluster, name: &str) -> String {
    c.share_consumer(name).unwrap().member_id.clone()
}

/// Offsets of `t-0` the consumer's application got, with their delivery counts, oldest first.
fn deliveries(c: &Cluster, name: &str) -> Vec<(i64, u16)> {
    c.share_consumer(name)
        .unwrap()
        .delivered
        .iter()
        .map(|r| (r.offset, r.delivery_count))
        .collect()
}

/// Run until `cond` holds (checked after every event), at most `limit_ms` more.
fn run_until(c: &mut Cluster, limit_ms: u64, mut cond: impl FnMut(&Cluster) -> bool) {
    let end = c.now() + limit_ms;
    while !cond(c) {
        match c.next_event_at() {
            Some(t) if t <= end => {
                c.step();
            }
            _ => panic!("condition not reached by t={end}"),
        }
    }
}

/// Every record a live share consumer holds is held by no other consumer, and the
/// partition's leader has it acquired by that consumer's member.
fn assert_exclusive_holders(c: &Cluster, names: &[&str]) {
    let mut holder: BTreeMap<(Tp, i64), &str> = BTreeMap::new();
    for name in names {
        let s = c.share_consumer(name).unwrap();
        if !s.alive {
            continue;
        }
        for (tp, offset) in s.held() {
            if let Some(other) = holder.insert((tp, offset), name) {
                panic!(
                    "t={}: offset {offset} is held by both {other} and {name}",
                    c.now()
                );
            }
            let (st, _, m) = state(c, offset).unwrap_or_else(|| {
                panic!(
                    "t={}: {name} holds {offset}, unknown at the leader",
                    c.now()
                )
            });
            assert_eq!(
                (st, m.as_deref()),
                (RecordState::Acquired, Some(s.member_id.as_str())),
                "t={}: {name} holds offset {offset}",
                c.now()
            );
        }
    }
}

#[test]
fn three_consumers_share_one_partition_and_each_record_has_one_holder() {
    let mut c = cluster_with(1, &[]);
    let names = ["s1", "s2", "s3"];
    for n in names {
        join(&mut c, n, 50, &[("max.poll.records", "2")]);
    }
    until_joined(&mut c, &names);
    let total = 60u32;
    produce(&mut c, total);
    let mut all_busy_at = None;
    let end = c.now() + 20_000;
    while c.next_event_at().is_some_and(|t| t <= end) {
        c.step();
        assert_exclusive_holders(&c, &names);
        // Nothing is acquired beyond the high watermark.
        if let Some(sp) = c.share_partition("sg", "t", 0) {
            let hw = c.partition_view(c.tp("t", 0).unwrap()).high_watermark;
            assert!(
                sp.end_offset <= hw,
                "t={}: SPEO {} > HW {hw}",
                c.now(),
                sp.end_offset
            );
        }
        let busy = names.iter().all(|n| {
            c.share_consumer(n)
                .unwrap()
                .batch
                .iter()
                .any(|r| !r.processed)
        });
        if busy && all_busy_at.is_none() {
            all_busy_at = Some(c.now());
        }
    }
    assert!(
        all_busy_at.is_some(),
        "the three consumers never processed records at the same time"
    );
    // Every record processed exactly once, spread over the three consumers.
    let g = c.share_group_view("sg");
    assert_eq!(g.processed, u64::from(total));
    assert_eq!(g.duplicates, 0);
    let mut offsets = BTreeSet::new();
    for n in names {
        let d = deliveries(&c, n);
        assert!(!d.is_empty(), "{n} got nothing");
        for (o, count) in d {
            assert_eq!(count, 1, "{n} got offset {o} a second time");
            assert!(offsets.insert(o), "offset {o} delivered twice");
        }
    }
    assert_eq!(offsets, (0..i64::from(total)).collect::<BTreeSet<_>>());
    // Everything acknowledged: the SPSO is at the end of the log.
    let sp = c.share_partition("sg", "t", 0).unwrap();
    assert_eq!(sp.start_offset, i64::from(total));
    assert!(sp.in_flight.is_empty());
    // All three are members, each assigned the one partition.
    assert_eq!(g.members.len(), 3);
    for m in &g.members {
        assert_eq!(m.assignment, vec![("t".to_string(), 0)], "{}", m.client);
    }
}

#[test]
fn a_crashed_consumers_records_come_back_after_the_lock_duration() {
    let mut c = cluster_with(1, &[]);
    // s1 alone gets the records first and is slow.
    join(&mut c, "s1", 10_000, &[("max.poll.records", "3")]);
    until_joined(&mut c, &["s1"]);
    produce(&mut c, 3);
    run_until(&mut c, 5_000, |c| {
        c.share_consumer("s1").unwrap().batch.len() == 3
    });
    let s1 = member_id(&c, "s1");
    let held: Vec<i64> = (0..3).collect();
    for o in &held {
        assert_eq!(
            state(&c, *o),
            Some((RecordState::Acquired, 1, Some(s1.clone())))
        );
    }
    let deadline = c
        .share_partition("sg", "t", 0)
        .unwrap()
        .state(0)
        .unwrap()
        .lock_deadline
        .unwrap();
    // The lock runs group.share.record.lock.duration.ms (30000) from the acquisition, which
    // happened since the records were produced.
    assert!(deadline > c.now() && deadline <= c.now() + 30_000);
    c.apply(&Action::CrashConsumer {
        consumer: "s1".into(),
    })
    .unwrap();
    join(&mut c, "s2", 10, &[]);
    until_joined(&mut c, &["s2"]);
    // Until the lock expires the records stay acquired by the dead member: s2 gets nothing.
    c.run_until(deadline - 1);
    for o in &held {
        assert_eq!(
            state(&c, *o),
            Some((RecordState::Acquired, 1, Some(s1.clone())))
        );
    }
    assert!(deliveries(&c, "s2").is_empty());
    // Then they are released and s2 gets them, delivered for the second time.
    run_until(&mut c, 5_000, |c| deliveries(c, "s2").len() == 3);
    assert_eq!(deliveries(&c, "s2"), vec![(0, 2), (1, 2), (2, 2)]);
    c.advance(1_000);
    for o in &held {
        assert_eq!(state(&c, *o), Some((RecordState::Acknowledged, 2, None)));
    }
    assert_eq!(c.share_partition("sg", "t", 0).unwrap().start_offset, 3);
    // The crashed member leaves the group when its session times out.
    c.advance(45_000);
    let g = c.share_group_view("sg");
    let clients: Vec<&str> = g.members.iter().map(|m| m.client.as_str()).collect();
    assert_eq!(clients, vec!["s2"]);
}

#[test]
fn release_redelivers_and_reject_archives() {
    let mut c = cluster_with(1, &[]);
    join(
        &mut c,
        "s1",
        10,
        &[("share.acknowledgement.mode", "explicit")],
    );
    until_joined(&mut c, &["s1"]);
    produce(&mut c, 3);
    run_until(&mut c, 5_000, |c| {
        c.share_consumer("s1").unwrap().batch.len() == 3
    });
    let ack = |c: &mut Cluster, offset: i64, t: &str| {
        c.apply(&Action::ShareAck {
            consumer: "s1".into(),
            topic: "t".into(),
            partition: 0,
            offset,
            ack_type: t.into(),
        })
        .unwrap()
    };
    ack(&mut c, 0, "release");
    ack(&mut c, 1, "reject");
    // The batch is not done until every record is acknowledged: nothing is sent yet.
    c.advance(1_000);
    assert_eq!(state(&c, 0).map(|s| s.0), Some(RecordState::Acquired));
    ack(&mut c, 2, "accept");
    // Acknowledged in one go; offset 0 comes back with delivery count 2; 1 never does.
    run_until(&mut c, 5_000, |c| deliveries(c, "s1").len() == 4);
    assert_eq!(deliveries(&c, "s1").last(), Some(&(0, 2)));
    assert_eq!(state(&c, 1).map(|s| s.0), Some(RecordState::Archived));
    assert_eq!(state(&c, 2).map(|s| s.0), Some(RecordState::Acknowledged));
    // Accept the redelivered record: the partition is done, and nothing else comes.
    ack(&mut c, 0, "accept");
    c.advance(3_000);
    assert_eq!(deliveries(&c, "s1").len(), 4);
    assert_eq!(state(&c, 0), Some((RecordState::Acknowledged, 2, None)));
    let sp = c.share_partition("sg", "t", 0).unwrap();
    assert_eq!(sp.start_offset, 3);
    assert_eq!(sp.stats.rejected, 1);
    assert_eq!(sp.stats.released, 1);
    // Acknowledging a record one does not hold is refused.
    let err = c
        .apply(&Action::ShareAck {
            consumer: "s1".into(),
            topic: "t".into(),
            partition: 0,
            offset: 1,
            ack_type: "accept".into(),
        })
        .unwrap_err();
    assert!(err.to_string().contains("has not been given"), "{err}");
}

#[test]
fn the_delivery_count_limit_archives_a_record_that_keeps_being_released() {
    let mut c = cluster_with(1, &[("group.share.delivery.count.limit", "3")]);
    join(
        &mut c,
        "s1",
        10,
        &[("share.acknowledgement.mode", "explicit")],
    );
    until_joined(&mut c, &["s1"]);
    produce(&mut c, 1);
    for delivery in 1..=3u16 {
        run_until(&mut c, 5_000, |c| {
            c.share_consumer("s1")
                .unwrap()
                .batch
                .iter()
                .any(|r| r.offset == 0 && r.acknowledgement.is_none())
        });
        assert_eq!(state(&c, 0).map(|s| s.1), Some(delivery));
        c.apply(&Action::ShareAck {
            consumer: "s1".into(),
            topic: "t".into(),
            partition: 0,
            offset: 0,
            ack_type: "release".into(),
        })
        .unwrap();
    }
    c.advance(5_000);
    // Released at the limit: archived, never delivered a fourth time.
    assert_eq!(deliveries(&c, "s1"), vec![(0, 1), (0, 2), (0, 3)]);
    assert_eq!(state(&c, 0), Some((RecordState::Archived, 3, None)));
    let sp = c.share_partition("sg", "t", 0).unwrap();
    assert_eq!(sp.start_offset, 1);
    assert_eq!(sp.stats.delivery_limit_archived, 1);
}

#[test]
fn the_start_offset_moves_only_over_a_contiguous_done_prefix() {
    let mut c = cluster_with(1, &[]);
    // s1 takes offset 0 and works on it for 20 s.
    join(&mut c, "s1", 20_000, &[("max.poll.records", "1")]);
    until_joined(&mut c, &["s1"]);
    produce(&mut c, 1);
    run_until(&mut c, 5_000, |c| {
        !c.share_consumer("s1").unwrap().batch.is_empty()
    });
    // s2 joins and processes the next five quickly.
    join(&mut c, "s2", 10, &[]);
    until_joined(&mut c, &["s2"]);
    produce(&mut c, 5);
    run_until(&mut c, 5_000, |c| {
        (1..=5).all(|o| state(c, o).is_some_and(|s| s.0 == RecordState::Acknowledged))
    });
    let sp = c.share_partition("sg", "t", 0).unwrap();
    assert_eq!(sp.start_offset, 0, "offset 0 is still being processed");
    assert_eq!(state(&c, 0).map(|s| s.0), Some(RecordState::Acquired));
    // s1 finishes: its acknowledgement completes the prefix and the SPSO jumps to the end.
    run_until(&mut c, 25_000, |c| {
        c.share_partition("sg", "t", 0).unwrap().start_offset == 6
    });
    assert_eq!(state(&c, 0).map(|s| s.0), Some(RecordState::Acknowledged));
}

#[test]
fn more_consumers_than_partitions_all_get_work() {
    let mut c = cluster_with(2, &[]);
    let names = ["s1", "s2", "s3", "s4"];
    for n in names {
        join(&mut c, n, 100, &[("max.poll.records", "1")]);
    }
    until_joined(&mut c, &names);
    // Every member is assigned at least one of the two partitions, so each is shared.
    let g = c.share_group_view("sg");
    assert_eq!(g.members.len(), 4);
    let mut covered = BTreeSet::new();
    for m in &g.members {
        assert!(!m.assignment.is_empty(), "{} has no partition", m.client);
        covered.extend(m.assignment.iter().cloned());
    }
    assert_eq!(covered.len(), 2);
    for p in 0..2 {
        c.produce("p", "t", None, Some("v{i}"), Some(p), &[], 20)
            .unwrap();
    }
    c.advance(15_000);
    for n in names {
        assert!(
            c.share_consumer(n).unwrap().stats.processed > 0,
            "{n} processed nothing"
        );
    }
    assert_eq!(c.share_group_view("sg").processed, 40);
}

#[test]
fn closing_releases_at_once_and_the_group_moves_on() {
    let mut c = cluster_with(1, &[]);
    join(&mut c, "s1", 10_000, &[("max.poll.records", "2")]);
    until_joined(&mut c, &["s1"]);
    produce(&mut c, 2);
    run_until(&mut c, 5_000, |c| {
        c.share_consumer("s1").unwrap().batch.len() == 2
    });
    join(&mut c, "s2", 10, &[]);
    until_joined(&mut c, &["s2"]);
    let closed_at = c.now();
    c.apply(&Action::RemoveConsumer {
        consumer: "s1".into(),
    })
    .unwrap();
    // Unprocessed records are released when s1 closes its share session, long before the
    // lock would expire.
    run_until(&mut c, 2_000, |c| deliveries(c, "s2").len() == 2);
    assert!(c.now() < closed_at + 2_000);
    assert_eq!(deliveries(&c, "s2"), vec![(0, 2), (1, 2)]);
    c.advance(6_000);
    let g = c.share_group_view("sg");
    let clients: Vec<&str> = g.members.iter().map(|m| m.client.as_str()).collect();
    assert_eq!(clients, vec!["s2"]);
}

#[test]
fn share_auto_offset_reset_earliest_reads_records_produced_before() {
    let mut c = cluster_with(1, &[]);
    produce(&mut c, 4);
    c.advance(1_000);
    // Latest (the default): a share group starts at the high watermark.
    c.add_share_consumer("late", "g-latest", &["t".into()], &cfg(&[]), 0)
        .unwrap();
    c.apply(&Action::SetGroupConfig {
        group: "g-early".into(),
        config: [(
            "share.auto.offset.reset".to_string(),
            serde_json::Value::from("earliest"),
        )]
        .into_iter()
        .collect(),
    })
    .unwrap();
    c.add_share_consumer("early", "g-early", &["t".into()], &cfg(&[]), 0)
        .unwrap();
    c.advance(5_000);
    assert_eq!(c.share_consumer("late").unwrap().stats.delivered, 0);
    assert_eq!(c.share_consumer("early").unwrap().stats.delivered, 4);
    assert_eq!(
        c.share_partition("g-latest", "t", 0).unwrap().start_offset,
        4
    );
    // A consumer config that share consumers do not take is refused with a reason.
    let err = c
        .add_share_consumer(
            "bad",
            "sg",
            &["t".into()],
            &cfg(&[("auto.offset.reset", "earliest")]),
            0,
        )
        .unwrap_err();
    assert!(err.to_string().contains("share.auto.offset.reset"), "{err}");
}

fn scenario() -> Scenario {
    Scenario::parse(
        r#"{
          "name": "share determinism",
          "topics": [ { "name": "t", "partitions": 2, "replication_factor": 3 } ],
          "producers": [ { "id": "p" } ],
          "script": [
            { "at_ms": 0, "do": "add_share_consumer", "id": "s1", "group": "sg", "topics": ["t"], "processing_ms": 30, "config": { "max.poll.records": 2 } },
            { "at_ms": 0, "do": "add_share_consumer", "id": "s2", "group": "sg", "topics": ["t"], "processing_ms": 30 },
            { "at_ms": 0, "do": "add_share_consumer", "id": "s3", "group": "sg", "topics": ["t"], "processing_ms": 30 },
            { "at_ms": 500, "do": "start_workload", "producer": "p", "topic": "t", "rate_per_sec": 50, "duration_ms": 4000 },
            { "at_ms": 2000, "do": "crash_consumer", "consumer": "s2" }
          ],
          "expect": [
            { "at_ms": 40000, "check": "share_processed", "group": "sg", "at_least": 150 }
          ],
          "duration_ms": 40000
        }"#,
    )
    .unwrap()
}

#[test]
fn same_seed_same_trace() {
    let sc = scenario();
    let a = kafka_sim::scenario::run(&sc, None, None).unwrap();
    let b = kafka_sim::scenario::run(&sc, None, None).unwrap();
    assert!(a.passed(), "{:?}", a.expectations);
    assert_eq!(a.trace_hash, b.trace_hash);
    assert_eq!(a.view, b.view);
    // A replayed session gets there too.
    let steps: Vec<Step> = Vec::new();
    let s = kafka_sim::scenario::Session::replay(sc.clone(), None, &steps, 40_000).unwrap();
    assert_eq!(format!("{:016x}", s.cluster.trace_hash()), a.trace_hash);
    // The share view is in the cluster view.
    assert_eq!(a.view.share_groups.len(), 1);
    assert_eq!(a.view.share_consumers.len(), 3);
}

#[test]
fn leader_and_coordinator_failover_are_survived() {
    let mut c = cluster_with(1, &[]);
    let names = ["s1", "s2"];
    for n in names {
        join(&mut c, n, 20, &[]);
    }
    until_joined(&mut c, &names);
    produce(&mut c, 10);
    c.advance(3_000);
    assert_eq!(c.share_group_view("sg").processed, 10);
    // The partition's leader stops: the new leader starts the share-partition afresh (the
    // simulator keeps share state in the leader's memory) at the high watermark.
    let old_leader = c.leader_of(c.tp("t", 0).unwrap()).unwrap();
    c.stop_broker(old_leader).unwrap();
    c.advance(15_000);
    let new_leader = c.leader_of(c.tp("t", 0).unwrap()).unwrap();
    assert_ne!(new_leader, old_leader);
    produce(&mut c, 10);
    c.advance(10_000);
    assert_eq!(c.share_group_view("sg").processed, 20);
    let sp = c.share_partition("sg", "t", 0).unwrap();
    assert_eq!(sp.start_offset, 20);
    // The coordinator stops: the members find the new one, which does not know them
    // (UNKNOWN_MEMBER_ID), and rejoin with epoch 0.
    let (coordinator, _) = c.share_group_coordinator("sg").unwrap();
    if coordinator != new_leader {
        c.stop_broker(coordinator).unwrap();
    } else {
        c.start_broker(old_leader).unwrap();
        c.advance(5_000);
        c.stop_broker(coordinator).unwrap();
    }
    c.advance(30_000);
    let (now_coordinator, g) = c.share_group_coordinator("sg").unwrap();
    assert_ne!(now_coordinator, coordinator);
    assert_eq!(g.members.len(), 2);
    produce(&mut c, 10);
    c.advance(10_000);
    assert_eq!(c.share_group_view("sg").processed, 30);
    assert_eq!(c.share_group_view("sg").duplicates, 0);
}

#[test]
fn the_in_flight_limit_stops_new_acquisitions() {
    let mut c = cluster_with(1, &[("group.share.partition.max.record.locks", "10")]);
    // s1 takes ten records and never acknowledges them (explicit mode, no share_ack).
    join(
        &mut c,
        "s1",
        10,
        &[
            ("share.acknowledgement.mode", "explicit"),
            ("max.poll.records", "10"),
        ],
    );
    until_joined(&mut c, &["s1"]);
    produce(&mut c, 10);
    run_until(&mut c, 5_000, |c| {
        c.share_consumer("s1").unwrap().batch.len() == 10
    });
    join(&mut c, "s2", 10, &[]);
    until_joined(&mut c, &["s2"]);
    produce(&mut c, 20);
    // The window holds group.share.partition.max.record.locks records: s2 gets nothing new.
    let end = c.now() + 20_000;
    while c.next_event_at().is_some_and(|t| t <= end) {
        c.step();
        let sp = c.share_partition("sg", "t", 0).unwrap();
        assert!(
            sp.in_flight_count() <= 10,
            "t={}: {} in flight",
            c.now(),
            sp.in_flight_count()
        );
    }
    assert!(deliveries(&c, "s2").is_empty());
    // When s1's locks expire, s2 gets the ten again and then the rest.
    c.advance(20_000);
    let d = deliveries(&c, "s2");
    assert_eq!(d.len(), 30);
    assert!(d.iter().take(10).all(|(o, n)| *o < 10 && *n == 2), "{d:?}");
    assert_eq!(c.share_group_view("sg").processed, 30);
}

/// `NetworkClient.handleTimedOutRequests`, for a share consumer: when the partition's
/// leader goes silent, the ShareFetch parked there times out after request.timeout.ms and
/// closes the connection. The broker is then in reconnect backoff (retry.backoff.ms), and
/// the consumer asks for new metadata and goes on reading from the new leader.
#[test]
fn a_share_fetch_timeout_closes_the_connection() {
    let mut c = cluster_with(1, &[]);
    join(&mut c, "s1", 20, &[("request.timeout.ms", "5000")]);
    until_joined(&mut c, &["s1"]);
    produce(&mut c, 5);
    c.advance(2_000);
    assert_eq!(c.share_group_view("sg").processed, 5);
    let tp = c.tp("t", 0).unwrap();
    let leader = c.leader_of(tp).unwrap();
    c.isolate(kafka_sim::types::NodeId::Broker(leader));
    let start = c.now();
    let in_backoff = |c: &Cluster| {
        c.share_consumer("s1")
            .unwrap()
            .metadata
            .unavailable_until(leader, c.now())
            .is_some()
    };
    run_until(&mut c, 6_000, in_backoff);
    assert!(
        in_backoff(&c),
        "broker {leader} is in reconnect backoff after the timeout"
    );
    let at = c.now() - start;
    assert!(
        (4_500..=5_600).contains(&at),
        "the fetch parked at broker {leader} timed out after request.timeout.ms: {at} ms"
    );
    c.advance(20_000);
    let new_leader = c.leader_of(tp).unwrap();
    assert_ne!(new_leader, leader);
    // (The producer's request to the silent broker times out after its own 30 s first.)
    produce(&mut c, 5);
    c.advance(45_000);
    assert_eq!(
        c.share_group_view("sg").processed,
        10,
        "read from broker {new_leader}"
    );
}
