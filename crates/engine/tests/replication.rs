//! Replication semantics from the semantics digest §3: acks, min ISR, HW, truncation,
//! clean and unclean election. Each test drives a real cluster through the public API.
#![allow(clippy::unwrap_used)]

use kafka_sim::action::Action;
use kafka_sim::{Cluster, ClusterSpec, ErrorCode};
use proptest::prelude::*;
use std::collections::BTreeMap;

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// `brokers` brokers, seed 7, nothing else.
fn seeded(brokers: usize) -> Cluster {
    Cluster::new(&ClusterSpec {
        seed: 7,
        brokers,
        ..ClusterSpec::default()
    })
    .unwrap()
}

/// Crash broker 1 and start it again 500 ms later, within its session; returns the trace
/// position just before the start.
fn crash_and_restart_broker_1(c: &mut Cluster) -> u64 {
    c.apply(&Action::StopBroker {
        broker: Some(1),
        leader_of: None,
    })
    .unwrap();
    c.advance(500);
    let before = c.trace.len();
    c.apply(&Action::StartBroker {
        broker: Some(1),
        leader_of: None,
    })
    .unwrap();
    before
}

/// 3 brokers, topic `t` with one partition on brokers [1, 2, 3] (broker 1 leads).
fn cluster(topic_cfg: &[(&str, &str)], producer_cfg: &[(&str, &str)]) -> Cluster {
    let mut c = seeded(3);
    c.create_topic("t", 1, 3, &cfg(topic_cfg), Some(vec![vec![1, 2, 3]]))
        .unwrap();
    c.add_producer("p", &cfg(producer_cfg)).unwrap();
    c.advance(100);
    c
}

fn leo(c: &Cluster, broker: i32) -> i64 {
    let tp = c.tp("t", 0).unwrap();
    c.brokers[&broker].partitions[&tp].log.log_end_offset()
}

fn errors(c: &Cluster, name: &str) -> BTreeMap<String, u64> {
    c.producer(name)
        .unwrap()
        .stats
        .errors
        .clone()
        .into_iter()
        .collect()
}

#[test]
fn acks_1_record_is_lost_when_the_leader_dies_before_replication() {
    let mut c = cluster(&[], &[("acks", "1")]);
    c.produce("p", "t", None, Some("safe"), None, &[], 3)
        .unwrap();
    c.advance(1000);
    assert_eq!(leo(&c, 2), 3);
    // Followers fall behind (still in the ISR: replica.lag.time.max.ms has not passed).
    c.set_fetchers_paused(2, true).unwrap();
    c.set_fetchers_paused(3, true).unwrap();
    c.advance(1000); // fetches already parked at the leader return empty; no new ones are sent
    c.produce("p", "t", None, Some("doomed"), None, &[], 5)
        .unwrap();
    c.advance(200);
    assert_eq!(
        c.producer("p").unwrap().stats.acked,
        8,
        "acks=1: the leader alone acknowledged all 8"
    );
    assert_eq!(leo(&c, 1), 8);
    assert_eq!(leo(&c, 2), 3);
    c.stop_broker(1).unwrap();
    c.set_fetchers_paused(2, false).unwrap();
    c.set_fetchers_paused(3, false).unwrap();
    c.advance(12_000); // broker.session.timeout.ms = 9000 → fenced, broker 2 elected (clean: it is in the ISR)
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(c.leader_of(tp), Some(2));
    let d = c.durability();
    assert_eq!(d.lost_acked, 5, "{d:?}");
    // The old leader comes back and truncates to the new leader's epoch boundary.
    c.start_broker(1).unwrap();
    c.advance(5_000);
    assert_eq!(leo(&c, 1), 3, "broker 1 truncated offsets 3..7 away");
    let d = c.durability();
    assert_eq!(d.lost_acked, 5);
    assert_eq!(d.visible, 3);
    let why = &d.lost[0].explanation;
    assert!(why.contains("acks=1"), "{why}");
    assert!(why.contains("broker-1 stopped"), "{why}");
    assert!(why.contains("broker-2 became leader"), "{why}");
    assert!(
        why.contains("broker-1 truncated its log to offset 3"),
        "{why}"
    );
}

#[test]
fn acks_all_with_min_isr_2_survives_one_broker_and_refuses_with_two_down() {
    let mut c = cluster(&[("min.insync.replicas", "2")], &[("acks", "all")]);
    c.stop_broker(3).unwrap();
    c.produce("p", "t", None, Some("a"), None, &[], 4).unwrap();
    c.advance(15_000);
    let p = c.producer("p").unwrap();
    assert_eq!(
        p.stats.acked, 4,
        "one broker down: ISR {{1,2}} still meets min ISR"
    );
    assert_eq!(c.durability().lost_acked, 0);
    // A second broker down: the ISR shrinks to {1} once broker 2 is fenced.
    c.stop_broker(2).unwrap();
    c.advance(12_000);
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(c.controller.image.partition(tp).unwrap().isr, vec![1]);
    let before = leo(&c, 1);
    c.produce("p", "t", None, Some("b"), None, &[], 1).unwrap();
    c.advance(500);
    assert!(
        errors(&c, "p").contains_key("NOT_ENOUGH_REPLICAS"),
        "{:?}",
        errors(&c, "p")
    );
    assert_eq!(
        leo(&c, 1),
        before,
        "NOT_ENOUGH_REPLICAS is raised before anything is appended"
    );
    assert_eq!(c.producer("p").unwrap().stats.acked, 4);
}

#[test]
fn acks_all_waits_for_the_isr_and_hw_gates_visibility() {
    let mut c = cluster(&[], &[("acks", "all")]);
    c.add_consumer(
        "reader",
        None,
        &["t".into()],
        &cfg(&[("auto.offset.reset", "earliest")]),
        0,
    )
    .unwrap();
    c.advance(100);
    c.set_fetchers_paused(3, true).unwrap();
    c.advance(1_000);
    c.produce("p", "t", None, Some("x"), None, &[], 2).unwrap();
    c.advance(2_000);
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(leo(&c, 1), 2);
    assert_eq!(
        c.brokers[&1].partitions[&tp].log.high_watermark(),
        0,
        "broker 3 is in the ISR and has not fetched"
    );
    assert_eq!(
        c.producer("p").unwrap().stats.acked,
        0,
        "acks=all waits for every ISR member"
    );
    assert_eq!(
        c.consumer("reader").unwrap().delivered_total,
        0,
        "consumers read only below the HW"
    );
    // After replica.lag.time.max.ms (checked every 15 s) the slow follower leaves the ISR;
    // the HW moves.
    c.advance(28_000);
    assert_eq!(
        c.controller.image.partition(tp).unwrap().isr,
        vec![1, 2, 3],
        "not yet: the lag is under 30 s"
    );
    c.advance(20_000);
    assert_eq!(c.controller.image.partition(tp).unwrap().isr, vec![1, 2]);
    assert_eq!(c.brokers[&1].partitions[&tp].log.high_watermark(), 2);
    assert_eq!(c.producer("p").unwrap().stats.acked, 2);
    assert_eq!(c.consumer("reader").unwrap().delivered_total, 2);
    // It catches up and rejoins.
    c.set_fetchers_paused(3, false).unwrap();
    c.advance(2_000);
    assert_eq!(c.controller.image.partition(tp).unwrap().isr, vec![1, 2, 3]);
}

fn lose_isr_then_leader(unclean: bool) -> Cluster {
    let topic_cfg: &[(&str, &str)] = if unclean {
        &[("unclean.leader.election.enable", "true")]
    } else {
        &[]
    };
    let mut c = cluster(topic_cfg, &[("acks", "all")]);
    c.produce("p", "t", None, Some("early"), None, &[], 2)
        .unwrap();
    c.advance(1_000);
    c.stop_broker(2).unwrap();
    c.stop_broker(3).unwrap();
    c.advance(12_000); // ISR shrinks to {1}; min ISR is 1, so acks=all means "the leader has it"
    c.produce("p", "t", None, Some("late"), None, &[], 3)
        .unwrap();
    c.advance(1_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 5);
    c.stop_broker(1).unwrap();
    c.start_broker(2).unwrap();
    c.advance(15_000);
    c
}

#[test]
fn clean_election_keeps_the_partition_offline() {
    let c = lose_isr_then_leader(false);
    let tp = c.tp("t", 0).unwrap();
    let reg = c.controller.image.partition(tp).unwrap();
    assert_eq!(
        reg.leader, -1,
        "no ISR member is alive and unclean election is off"
    );
    assert_eq!(reg.isr, vec![1], "the last ISR member stays in the ISR");
    let d = c.durability();
    assert_eq!(d.lost_acked, 0);
    assert_eq!(d.unavailable, 5);
    assert_eq!(c.metrics().offline_partitions_count, 1);
}

/// Turning `unclean.leader.election.enable` on for a partition that is already offline
/// brings it back: the controller looks for leaderless partitions every
/// `unclean.leader.election.interval.ms` (Kafka's `maybeElectUncleanLeaders`, scheduled
/// while some partition has no leader), not only when a broker comes or goes.
#[test]
fn enabling_unclean_election_later_recovers_an_offline_partition_within_the_interval() {
    let mut c = lose_isr_then_leader(false);
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(c.controller.image.partition(tp).unwrap().leader, -1);
    let on: BTreeMap<String, String> = [(
        "unclean.leader.election.enable".to_string(),
        "true".to_string(),
    )]
    .into();
    c.set_topic_config("t", &on).unwrap();
    c.advance(5_000);
    assert_eq!(
        c.controller.image.partition(tp).unwrap().leader,
        -1,
        "not at once: the next look is up to an interval (5 min) away"
    );
    c.advance(300_000);
    let reg = c.controller.image.partition(tp).unwrap();
    assert_eq!(reg.leader, 2, "the live, out-of-sync replica was elected");
    assert_eq!(reg.isr, vec![2]);
    assert_eq!(c.durability().lost_acked, 3);
}

#[test]
fn unclean_election_loses_acknowledged_acks_all_records() {
    let mut c = lose_isr_then_leader(true);
    let tp = c.tp("t", 0).unwrap();
    let reg = c.controller.image.partition(tp).unwrap().clone();
    assert_eq!(reg.leader, 2, "an out-of-sync replica was elected");
    assert_eq!(reg.isr, vec![2]);
    let d = c.durability();
    assert_eq!(d.lost_acked, 3, "{d:?}");
    assert!(
        d.lost[0].explanation.contains("unclean election"),
        "{}",
        d.lost[0].explanation
    );
    // The old leader returns and truncates.
    c.start_broker(1).unwrap();
    c.advance(5_000);
    assert_eq!(leo(&c, 1), 2);
}

#[test]
fn metadata_refresh_after_leader_change_lets_the_producer_continue() {
    let mut c = cluster(&[], &[("acks", "all")]);
    c.produce("p", "t", None, Some("a"), None, &[], 1).unwrap();
    c.advance(500);
    c.stop_broker(1).unwrap();
    c.produce("p", "t", None, Some("b"), None, &[], 1).unwrap();
    c.advance(20_000);
    let p = c.producer("p").unwrap();
    assert_eq!(
        p.stats.acked, 2,
        "retried against the new leader: {:?}",
        p.stats.errors
    );
    assert!(p.stats.retries >= 1);
    assert_eq!(c.durability().lost_acked, 0);
}

#[test]
fn faults_resolve_leader_of_and_report_errors() {
    let mut c = cluster(&[], &[]);
    c.apply(&Action::StopBroker {
        broker: None,
        leader_of: Some("t-0".into()),
    })
    .unwrap();
    assert!(!c.brokers[&1].alive);
    let err = c
        .apply(&Action::StopBroker {
            broker: Some(9),
            leader_of: None,
        })
        .unwrap_err();
    assert!(err.to_string().contains("no broker 9"), "{err}");
    let err = c
        .apply(&Action::StopBroker {
            broker: None,
            leader_of: Some("nope-0".into()),
        })
        .unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::UnknownTopicOrPartition));
    let err = c.create_topic("big", 1, 4, &cfg(&[]), None).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::InvalidReplicationFactor));
}

#[derive(Debug, Clone)]
enum Op {
    Produce(u8),
    Stop(u8),
    Start,
    Pause(u8),
    Resume,
    Wait(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1u8..20).prop_map(Op::Produce),
        1 => (1u8..=3).prop_map(Op::Stop),
        1 => Just(Op::Start),
        1 => (1u8..=3).prop_map(Op::Pause),
        1 => Just(Op::Resume),
        3 => (1u16..15_000).prop_map(Op::Wait),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// acks=all, min ISR 2, RF 3, clean election, at most one broker down at a time ⇒ no
    /// acknowledged record is ever lost.
    #[test]
    fn acks_all_min_isr_2_never_loses_acknowledged_records(ops in prop::collection::vec(op(), 1..40), seed in 0u64..1000) {
        let mut c = Cluster::new(&ClusterSpec { seed, ..ClusterSpec::default() }).unwrap();
        c.create_topic("t", 2, 3, &cfg(&[("min.insync.replicas", "2")]), None).unwrap();
        c.add_producer("p", &cfg(&[("acks", "all")])).unwrap();
        let mut down: Option<i32> = None;
        let mut paused: Option<i32> = None;
        for o in ops {
            match o {
                Op::Produce(n) => { c.produce("p", "t", None, Some("v"), None, &[], n as u32).unwrap(); }
                Op::Stop(b) => if down.is_none() { c.stop_broker(b as i32).unwrap(); down = Some(b as i32); },
                Op::Start => if let Some(b) = down.take() { c.start_broker(b).unwrap(); },
                Op::Pause(b) => if paused.is_none() { c.set_fetchers_paused(b as i32, true).unwrap(); paused = Some(b as i32); },
                Op::Resume => if let Some(b) = paused.take() { c.set_fetchers_paused(b, false).unwrap(); },
                Op::Wait(ms) => c.advance(ms as u64),
            }
            let d = c.durability();
            prop_assert_eq!(d.lost_acked, 0, "{:?}", d.lost);
        }
        if let Some(b) = down { c.start_broker(b).unwrap(); }
        if let Some(b) = paused { c.set_fetchers_paused(b, false).unwrap(); }
        c.advance(60_000);
        let d = c.durability();
        prop_assert_eq!(d.lost_acked, 0, "{:?}", d.lost);
        prop_assert_eq!(d.unavailable, 0);
        prop_assert_eq!(d.pending, 0, "every acknowledged record is visible once faults heal");
    }
}

#[test]
fn a_session_replays_to_the_identical_trace() {
    use kafka_sim::scenario::{Scenario, Session};
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../static/scenarios/acks-1-loss.json"
    ))
    .unwrap();
    let sc = Scenario::parse(&text).unwrap();
    let mut live = Session::new(sc.clone(), None).unwrap();
    live.advance(700);
    live.apply(Action::Produce {
        producer: "p1".into(),
        topic: "payments".into(),
        key: Some("k".into()),
        value: Some("v".into()),
        partition: None,
        count: Some(3),
        headers: BTreeMap::new(),
    })
    .unwrap();
    for _ in 0..50 {
        live.advance(333);
    }
    let replayed = Session::replay(sc, None, &live.user_steps, live.now()).unwrap();
    assert_eq!(replayed.cluster.trace_hash(), live.cluster.trace_hash());
    assert_eq!(replayed.cluster.durability(), live.cluster.durability());
}

/// A restarted broker catches up on the metadata log in one batch and applies it as one delta
/// (Kafka's metadata publisher): it goes straight to each partition's latest registration,
/// and never acts on, or records in the ledger's history, leaderships that ended while it was
/// down. Before, it replayed every old registration, so loss explanations listed elections
/// with epochs going backwards.
#[test]
fn a_restarted_broker_does_not_replay_old_leaderships() {
    let mut c = cluster(&[], &[("acks", "all")]);
    c.produce("p", "t", None, Some("v"), None, &[], 1).unwrap();
    c.advance(1000);
    // Broker 3 is away while the leadership moves 1 → 2 → 1 (epochs 1 and 2).
    c.stop_broker(3).unwrap();
    c.advance(15_000);
    c.stop_broker(1).unwrap();
    c.advance(15_000);
    c.start_broker(1).unwrap();
    c.advance(15_000);
    c.stop_broker(2).unwrap();
    c.advance(15_000);
    c.start_broker(2).unwrap();
    c.start_broker(3).unwrap();
    c.advance(15_000);
    let tp = c.tp("t", 0).unwrap();
    let became: Vec<(i32, i32)> = c
        .ledger
        .history
        .get(&tp)
        .into_iter()
        .flatten()
        .filter_map(|e| match e {
            kafka_sim::ledger::HistoryEvent::BecameLeader { broker, epoch, .. } => {
                Some((*broker, *epoch))
            }
            _ => None,
        })
        .collect();
    assert!(
        became.len() >= 3,
        "the leadership moved at least twice: {became:?}"
    );
    // Leader epochs only grow; broker 3 never led.
    assert!(
        became.windows(2).all(|w| w[0].1 < w[1].1),
        "epochs in the history go backwards: {became:?}"
    );
    assert!(became.iter().all(|(b, _)| *b != 3), "{became:?}");
    // And broker 3 is a follower of the current leader, caught up.
    let leader = c.brokers[&1].partitions[&tp].leader;
    assert_ne!(leader, 3);
    assert_eq!(leo(&c, 3), leo(&c, leader));
}

/// An unclean election can lose a record even when the new leader's log is longer: broker 1
/// wrote Q at offset 2 (acks=1) and stopped; broker 2, elected cleanly, wrote R at offset 2;
/// then broker 1, back alone, was elected uncleanly with Q still at offset 2. R is lost, and
/// the explanation must name that election (its log end offset, 3, is above R's offset).
#[test]
fn unclean_election_of_a_diverged_replica_explains_the_loss() {
    let mut c = cluster(
        &[("unclean.leader.election.enable", "true")],
        &[("acks", "1")],
    );
    c.produce("p", "t", None, Some("early"), None, &[], 2)
        .unwrap();
    c.advance(1_000);
    assert_eq!((leo(&c, 1), leo(&c, 2), leo(&c, 3)), (2, 2, 2));
    c.set_fetchers_paused(2, true).unwrap();
    c.set_fetchers_paused(3, true).unwrap();
    // Fetches already waiting at the leader (replica.fetch.wait.max.ms) finish first.
    c.advance(1_000);
    c.produce("p", "t", None, Some("q"), None, &[], 1).unwrap();
    c.advance(300);
    assert_eq!(leo(&c, 1), 3, "only the leader has Q");
    assert_eq!(c.producer("p").unwrap().stats.acked, 3, "Q is acknowledged");
    c.stop_broker(1).unwrap();
    c.advance(12_000);
    let tp = c.tp("t", 0).unwrap();
    let reg = c.controller.image.partition(tp).unwrap().clone();
    assert!(
        reg.leader == 2 || reg.leader == 3,
        "a clean election: {reg:?}"
    );
    let new_leader = reg.leader;
    let r_ids = c.produce("p", "t", None, Some("r"), None, &[], 1).unwrap();
    c.advance(2_000);
    assert_eq!(leo(&c, new_leader), 3, "the new leader wrote R at offset 2");
    c.stop_broker(2).unwrap();
    c.stop_broker(3).unwrap();
    c.advance(12_000);
    c.start_broker(1).unwrap();
    c.advance(15_000);
    let reg = c.controller.image.partition(tp).unwrap().clone();
    assert_eq!(reg.leader, 1, "broker 1 was elected uncleanly: {reg:?}");
    let d = c.durability();
    let lost = d
        .lost
        .iter()
        .find(|l| l.id == r_ids[0])
        .unwrap_or_else(|| panic!("R was not lost: {d:?}"));
    assert_eq!(lost.offset, 2);
    assert!(
        lost.explanation.contains("broker-1 became leader")
            && lost.explanation.contains("unclean election"),
        "{}",
        lost.explanation
    );
    assert!(
        lost.explanation.contains("held another record"),
        "{}",
        lost.explanation
    );
}

/// The ledger follows every record by its id, whatever order records get their partition in
/// (a record waiting for its topic's metadata is placed after records sent later). In each
/// preset, the ledger's acknowledged and failed counts are the producers' own.
#[test]
fn the_ledger_counts_what_every_preset_producer_was_told() {
    use kafka_sim::cluster::Client;
    use kafka_sim::scenario::{Scenario, Session};
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../static/scenarios");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !name.ends_with(".json") || name.contains("scale") {
            continue;
        }
        let sc = Scenario::parse(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let mut s = Session::new(sc, None).unwrap();
        s.advance_to(20_000);
        if !s.cluster.processors.is_empty() {
            // A crashed processor's producer restarts with fresh counts.
            continue;
        }
        let (mut acked, mut failed) = (0, 0);
        for c in &s.cluster.clients {
            if let Client::Producer(p) = c {
                acked += p.stats.acked;
                failed += p.stats.failed;
            }
        }
        let d = s.cluster.durability();
        assert_eq!((d.acked, d.failed), (acked, failed), "{name}: {d:?}");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} presets");
}

/// Six partitions with replicas [1,2,3], [2,3,1], [3,1,2], … so each broker is the preferred
/// leader (first replica) of two; `broker_cfg` is the brokers' configuration.
fn six_preferred(broker_cfg: &[(&str, &str)]) -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 7,
        config: cfg(broker_cfg),
        ..ClusterSpec::default()
    })
    .unwrap();
    let rotations = vec![
        vec![1, 2, 3],
        vec![2, 3, 1],
        vec![3, 1, 2],
        vec![1, 3, 2],
        vec![2, 1, 3],
        vec![3, 2, 1],
    ];
    c.create_topic("t", 6, 3, &cfg(&[]), Some(rotations))
        .unwrap();
    c.advance(100);
    c
}

/// Partitions led by their preferred replica (the first in their replica list).
fn preferred_leaders(c: &Cluster) -> usize {
    (0..6)
        .filter(|&p| {
            let tp = c.tp("t", p).unwrap();
            let v = c.partition_view(tp);
            v.leader.is_some() && v.leader == v.replicas.first().map(|r| r.broker)
        })
        .count()
}

/// Broker 1 dies and comes back: it rejoins every ISR but leads nothing. KRaft's controller
/// moves leadership back to preferred replicas `leader.imbalance.check.interval.seconds`
/// after the metadata write that unbalanced them (`QuorumControllerTest`'s
/// `testBalancePartitionLeaders`), unless `auto.leader.rebalance.enable` is off.
#[test]
fn auto_leader_rebalance_hands_leadership_back_to_the_preferred_replica() {
    for (enabled, interval_s) in [(true, 300), (true, 60), (false, 300)] {
        let mut c = six_preferred(&[
            (
                "auto.leader.rebalance.enable",
                if enabled { "true" } else { "false" },
            ),
            (
                "leader.imbalance.check.interval.seconds",
                &interval_s.to_string(),
            ),
        ]);
        assert_eq!(preferred_leaders(&c), 6);
        c.apply(&Action::StopBroker {
            broker: Some(1),
            leader_of: None,
        })
        .unwrap();
        c.advance(15_000);
        assert_eq!(preferred_leaders(&c), 4, "broker 1's two partitions moved");
        let moved_at = c.now();
        c.apply(&Action::StartBroker {
            broker: Some(1),
            leader_of: None,
        })
        .unwrap();
        c.advance(10_000);
        let tp = c.tp("t", 0).unwrap();
        assert!(
            c.partition_view(tp).isr.contains(&1),
            "broker 1 is back in the ISR"
        );
        assert_eq!(
            preferred_leaders(&c),
            4,
            "a returning broker leads nothing at first"
        );
        // The balance is due an interval after the write that moved the leaders (at most
        // the session timeout after the crash).
        let interval_ms = interval_s * 1000;
        c.advance(moved_at + interval_ms - 10_000 - c.now());
        assert_eq!(preferred_leaders(&c), 4, "not before the interval");
        c.advance(20_000);
        let want = if enabled { 6 } else { 4 };
        assert_eq!(
            preferred_leaders(&c),
            want,
            "enabled={enabled} interval={interval_s}s"
        );
    }
}

/// KRaft's controller refuses the registration of a new process under a broker id while the
/// previous process's session is valid (`ClusterControlManager.registerBroker`,
/// DUPLICATE_BROKER_REGISTRATION). A broker restarted within broker.session.timeout.ms keeps
/// its leaderships, offline, until the controller fences the old session; then it registers.
#[test]
fn a_broker_restarted_within_its_session_waits_for_the_session_to_expire() {
    let mut c = cluster(&[], &[]);
    let tp = c.tp("t", 0).unwrap();
    c.advance(5_000);
    assert_eq!(c.leader_of(tp), Some(1));
    let crashed_at = c.now();
    let before = crash_and_restart_broker_1(&mut c);
    c.advance(3_000);
    assert!(!c.brokers[&1].registered, "the controller refused it");
    assert_eq!(
        c.leader_of(tp),
        Some(1),
        "the old session is valid: the partition stays with broker 1"
    );
    let refused = c.trace.since(before).any(|e| {
        matches!(&e.kind, kafka_sim::trace::TraceKind::Note { text }
            if text.contains("DUPLICATE_BROKER_REGISTRATION"))
    });
    assert!(refused, "the refusal is in the trace");
    // broker.session.timeout.ms (9 s) after the last heartbeat, at the controller's next
    // tick, the old session is fenced and the leadership moves; the new process registers.
    c.advance(crashed_at + 9_000 + 1_000 - c.now());
    assert_ne!(c.leader_of(tp), Some(1), "fenced: the leadership moved");
    c.advance(10_000);
    assert!(c.brokers[&1].registered);
    assert!(
        c.partition_view(tp).isr.contains(&1),
        "the restarted broker caught up and rejoined the ISR"
    );
}

/// delivery.timeout.ms is "an upper bound on the time to report success or failure after a
/// call to send() returns" (`ProducerConfig`). A batch whose retry is still in flight at that
/// moment fails then (`Sender.getExpiredInflightBatches`), not when the request times out.
/// The idempotent producer cannot know whether the broker wrote it: the partition's
/// sequences are unresolved until every earlier batch is answered, and then it goes on.
#[test]
fn delivery_timeout_fails_a_batch_even_while_its_retry_is_in_flight() {
    use kafka_sim::ledger::Outcome;
    let mut c = cluster(
        &[],
        &[
            ("delivery.timeout.ms", "6000"),
            ("request.timeout.ms", "5000"),
            ("linger.ms", "0"),
        ],
    );
    // Followers stop fetching but stay in the ISR (replica.lag.time.max.ms is 30 s), so an
    // acks=all write waits in purgatory until the request times out, and so does its retry.
    c.set_fetchers_paused(2, true).unwrap();
    c.set_fetchers_paused(3, true).unwrap();
    c.advance(600);
    c.produce("p", "t", None, Some("stuck"), None, &[], 1)
        .unwrap();
    c.advance(20_000);
    let e = c.ledger.entries().last().unwrap();
    let Outcome::Failed { error, at } = e.outcome else {
        panic!("{:?}", e.outcome);
    };
    assert_eq!(error, ErrorCode::TimeoutException);
    assert!(
        at <= e.created_at + 6_000 + 5,
        "reported {} ms after send(), past delivery.timeout.ms",
        at - e.created_at
    );
    assert!(
        errors(&c, "p").contains_key("REQUEST_TIMED_OUT"),
        "the first attempt timed out"
    );
    // Replication resumes: the producer resolves the partition's sequences and carries on.
    c.set_fetchers_paused(2, false).unwrap();
    c.set_fetchers_paused(3, false).unwrap();
    c.advance(2_000);
    c.produce("p", "t", None, Some("after"), None, &[], 1)
        .unwrap();
    c.advance(5_000);
    let last = c.ledger.entries().last().unwrap();
    assert!(
        matches!(last.outcome, Outcome::Acked { .. }),
        "{:?}",
        last.outcome
    );
    assert_eq!(c.durability().duplicates, 0);
    assert_eq!(
        c.producer("p").unwrap().producer_epoch,
        1,
        "sequence 0 was never acknowledged: a gap, so the epoch was bumped"
    );
}

/// An unclean election truncates what a consumer has already read, and the new leader then
/// writes other records at those offsets. KIP-320: the consumer's fetch carries the epoch of
/// what it last read, the leader answers where that epoch ends in its log, and the consumer
/// moves back there (`maybeCompleteValidation`: "Truncation detected … resetting offset to
/// the first offset known to diverge") instead of reading on from its position and silently
/// skipping the new leader's records; with auto.offset.reset=none it raises
/// LogTruncationException instead.
#[test]
fn a_consumer_detects_truncation_after_an_unclean_election() {
    for reset in ["earliest", "none"] {
        let mut c = cluster(
            &[("unclean.leader.election.enable", "true")],
            &[("acks", "all")],
        );
        c.add_consumer(
            "k",
            None,
            &["t".into()],
            &cfg(&[("auto.offset.reset", reset)]),
            0,
        )
        .unwrap();
        c.advance(200); // the consumer learns its partitions from metadata
        c.seek("k", "t", 0, kafka_sim::cluster::SeekTo::Beginning)
            .unwrap();
        c.produce("p", "t", None, Some("early"), None, &[], 2)
            .unwrap();
        c.advance(1_000);
        // The followers stop fetching; three records reach only the leader, and after
        // replica.lag.time.max.ms the ISR is {1}, so the high watermark covers them.
        c.set_fetchers_paused(2, true).unwrap();
        c.set_fetchers_paused(3, true).unwrap();
        c.advance(1_000); // fetches already parked at the leader return empty
        c.add_producer(
            "p2",
            &cfg(&[("enable.idempotence", "false"), ("acks", "1")]),
        )
        .unwrap();
        c.produce("p2", "t", None, Some("late"), None, &[], 3)
            .unwrap();
        c.advance(50_000);
        assert_eq!(
            c.consumer("k").unwrap().delivered_total,
            5,
            "read up to offset 5"
        );
        c.stop_broker(1).unwrap();
        c.set_fetchers_paused(2, false).unwrap();
        c.set_fetchers_paused(3, false).unwrap();
        c.advance(15_000);
        let tp = c.tp("t", 0).unwrap();
        let leader = c.leader_of(tp);
        assert!(
            matches!(leader, Some(2 | 3)),
            "unclean election: {leader:?}"
        );
        // Six new records on the new leader: offsets 2..8 in its new epoch.
        c.produce("p2", "t", None, Some("new"), None, &[], 6)
            .unwrap();
        c.advance(5_000);
        assert_eq!(c.partition_view(tp).log_end_offset, 8);
        let k = c.consumer("k").unwrap();
        if reset == "earliest" {
            let offsets: Vec<i64> = k.delivered.iter().map(|d| d.offset).collect();
            assert_eq!(
                offsets,
                vec![0, 1, 2, 3, 4, 2, 3, 4, 5, 6, 7],
                "back to offset 2, where the logs diverge: every new record is read"
            );
        } else {
            assert_eq!(k.delivered_total, 5, "nothing more is read");
            assert_eq!(
                k.last_error.as_ref().map(|e| e.error),
                Some(ErrorCode::LogTruncation)
            );
        }
    }
}

/// 4 brokers, topic `t` on replicas [1, 3, 2, 4] with two records. Broker 3 has them but
/// missed the leader's HW; broker 2 learned it (2). Broker 4 stops fetching and broker 1
/// stops: broker 3 leads with HW 0, below its epoch's start offset (2), and cannot move it
/// while broker 4, still in the ISR, has not fetched from it.
fn new_leader_with_a_lagging_hw() -> (Cluster, kafka_sim::types::Tp) {
    let mut c = seeded(4);
    // Broker 3 is second in the replica list: the clean election after broker 1 prefers it.
    c.create_topic("t", 1, 4, &cfg(&[]), Some(vec![vec![1, 3, 2, 4]]))
        .unwrap();
    c.add_producer("p", &cfg(&[("acks", "all")])).unwrap();
    c.advance(100);
    let tp = c.tp("t", 0).unwrap();
    let hw = |c: &Cluster, b: i32| c.brokers[&b].partitions[&tp].log.high_watermark();
    c.produce("p", "t", None, Some("x"), None, &[], 2).unwrap();
    // The leader's HW reaches 2 once every follower has fetched past the records; the
    // followers learn it only from their next fetch responses.
    let mut waited = 0;
    while hw(&c, 1) < 2 {
        c.advance(1);
        waited += 1;
        assert!(waited < 5_000, "the leader's HW never reached 2");
    }
    assert_eq!(
        hw(&c, 3),
        0,
        "broker 3 has the records but not yet the new HW"
    );
    // Broker 3 misses the response that would tell it; broker 2 gets its own.
    c.isolate(kafka_sim::types::NodeId::Broker(3));
    c.advance(1_000);
    assert_eq!((leo(&c, 3), hw(&c, 3)), (2, 0));
    assert_eq!(hw(&c, 2), 2, "broker 2 learned the leader's HW");
    c.heal();
    // Broker 4 stays in the ISR (its lag is far under replica.lag.time.max.ms) but stops
    // fetching, so the next leader cannot move its HW.
    c.set_fetchers_paused(4, true).unwrap();
    c.stop_broker(1).unwrap();
    c.advance(15_000);
    assert_eq!(c.leader_of(tp), Some(3));
    assert_eq!(
        c.controller.image.partition(tp).unwrap().isr,
        vec![3, 2, 4],
        "broker 4 is still in the ISR"
    );
    assert_eq!(hw(&c, 3), 0, "the new leader waits for broker 4");
    (c, tp)
}

/// `UnifiedLog.maybeUpdateHighWatermark`: a follower takes the leader's high watermark as it
/// comes, clamped to its own log, even when it is lower than the one it had
/// (ReplicaFetcherThread, `processPartitionData`). A new leader starts from the HW it had as a
/// follower and cannot move it while an ISR member has not fetched from it
/// (`Partition.maybeIncrementLeaderHW`), so a follower that had learned the old leader's HW
/// goes back to the new leader's.
#[test]
fn a_follower_takes_a_new_leaders_lower_high_watermark() {
    let (mut c, tp) = new_leader_with_a_lagging_hw();
    let hw = |c: &Cluster, b: i32| c.brokers[&b].partitions[&tp].log.high_watermark();
    assert_eq!(leo(&c, 2), 2);
    assert_eq!(hw(&c, 2), 0, "broker 2 took the new leader's lower HW");
    c.set_fetchers_paused(4, false).unwrap();
    c.advance(2_000);
    assert_eq!(
        (hw(&c, 3), hw(&c, 2)),
        (2, 2),
        "both move on once broker 4 fetched"
    );
}

/// KIP-207 (`Partition.fetchOffsetForTimestamp`): while a new leader's HW lags the start of
/// its epoch, ListOffsets for the end of the log answers OFFSET_NOT_AVAILABLE, and the
/// consumer retries after retry.backoff.ms, instead of taking the lagging HW as the end and
/// reading records from before the reset.
#[test]
fn latest_is_not_available_while_a_new_leaders_hw_lags_its_epoch_start() {
    let (mut c, tp) = new_leader_with_a_lagging_hw();
    c.add_consumer(
        "k",
        None,
        &["t".into()],
        &cfg(&[("auto.offset.reset", "latest")]),
        0,
    )
    .unwrap();
    c.advance(2_000);
    let k = c.consumer("k").unwrap();
    assert_eq!(k.position(tp), None, "no position while the end is unknown");
    let refusals = k
        .stats
        .errors
        .get("OFFSET_NOT_AVAILABLE")
        .copied()
        .unwrap_or(0);
    assert!(
        (2..=40).contains(&refusals),
        "retried every retry.backoff.ms (100 ms): {refusals} answers in 2 s"
    );
    c.set_fetchers_paused(4, false).unwrap();
    c.advance(2_000);
    assert_eq!(
        c.consumer("k").unwrap().position(tp),
        Some(2),
        "the end, once known"
    );
    c.produce("p", "t", None, Some("y"), None, &[], 3).unwrap();
    c.advance(3_000);
    assert_eq!(
        c.consumer("k").unwrap().delivered_total,
        3,
        "only the records written after the reset"
    );
}

/// A restarted broker opens its listeners only once it is registered and has replayed the
/// metadata (`BrokerServer.startup` waits for the initial catch-up before
/// `enableRequestProcessing`). Before that, clients that still send to it (its old session
/// keeps it the leader in their metadata) are refused a connection and back off; it never
/// answers with an empty metadata image, so nobody is told the topic does not exist.
#[test]
fn a_restarting_broker_refuses_connections_until_it_has_the_metadata() {
    use kafka_sim::trace::TraceKind;
    let mut c = seeded(3);
    c.create_topic("t", 3, 3, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[("acks", "all")])).unwrap();
    c.add_consumer(
        "k",
        Some("g"),
        &["t".into()],
        &cfg(&[("auto.offset.reset", "earliest")]),
        0,
    )
    .unwrap();
    c.advance(5_000);
    let before = crash_and_restart_broker_1(&mut c);
    for i in 0..60 {
        c.produce("p", "t", Some(&format!("k{i}")), Some("x"), None, &[], 1)
            .unwrap();
        c.advance(200);
    }
    c.advance(10_000);
    assert!(
        c.brokers[&1].registered,
        "it registered after the old session"
    );
    let mut refused_fetches = 0;
    for e in c.trace.since(before) {
        match &e.kind {
            TraceKind::ClientError { error, .. } => assert_ne!(
                &**error, "UNKNOWN_TOPIC_OR_PARTITION",
                "at {} ms a client was told the topic does not exist",
                e.t
            ),
            TraceKind::Drop {
                to, name, reason, ..
            } if *to == kafka_sim::types::NodeId::Broker(1) && reason.contains("is starting") => {
                refused_fetches += usize::from(&**name == "Fetch");
            }
            _ => {}
        }
    }
    assert!(refused_fetches > 0, "the consumer's fetches were refused");
    // Refused, the consumer backs off (retry.backoff.ms) before fetching from it again
    // rather than once per round trip: the refusal window is about 9 s.
    assert!(
        refused_fetches < 100,
        "{refused_fetches} refused fetches: no reconnect backoff"
    );
    assert_eq!(c.consumer("k").unwrap().delivered_total, 60);
    assert_eq!(c.producer("p").unwrap().stats.acked, 60);
}

/// `NetworkClient.handleTimedOutRequests`: when a request times out, the client closes the
/// connection, and every other request in flight on it is answered as timed out at the same
/// moment (`cancelInFlightRequests`), not each at its own request.timeout.ms.
#[test]
fn a_request_timeout_closes_the_connection_and_fails_its_other_requests() {
    let mut c = cluster(
        &[],
        &[
            ("acks", "1"),
            ("enable.idempotence", "false"),
            ("retries", "0"),
            ("request.timeout.ms", "5000"),
            ("delivery.timeout.ms", "120000"),
        ],
    );
    // One record first, so the producer has the topic's metadata.
    c.produce("p", "t", None, Some("first"), None, &[], 1)
        .unwrap();
    c.advance(1_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 1);
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(c.leader_of(tp), Some(1));
    // The leader's answers stop arriving; three requests go out a second apart.
    c.isolate(kafka_sim::types::NodeId::Broker(1));
    let start = c.now();
    for i in 0..3 {
        c.produce("p", "t", None, Some(&format!("v{i}")), None, &[], 1)
            .unwrap();
        c.advance(1_000);
    }
    // The first request times out 5 s after it was sent; the other two go with it.
    c.advance(start + 5_000 + 50 - c.now());
    let p = c.producer("p").unwrap();
    assert_eq!(
        p.stats.failed, 3,
        "every request on the connection failed when the first timed out"
    );
    assert_eq!(
        p.stats.errors.get("REQUEST_TIMED_OUT").copied(),
        Some(3),
        "as timed out"
    );
}

/// `metadata.recovery.strategy=rebootstrap` (the default since Kafka 4.0, KIP-899/KIP-1102):
/// a client whose known brokers all refuse connections goes back to `bootstrap.servers`.
/// Here the producer learned the cluster while broker 3 was down, so it knows brokers 1
/// and 2; broker 3 comes back and takes over when 1 and 2 stop. Without rebootstrapping the
/// producer would ask only the two dead brokers, forever.
#[test]
fn a_client_that_knows_only_dead_brokers_rebootstraps() {
    let mut c = seeded(3);
    c.create_topic("t", 1, 3, &cfg(&[]), Some(vec![vec![1, 2, 3]]))
        .unwrap();
    c.stop_broker(3).unwrap();
    c.advance(15_000);
    c.add_producer("p", &cfg(&[("acks", "all")])).unwrap();
    c.produce("p", "t", None, Some("a"), None, &[], 1).unwrap();
    c.advance(1_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 1);
    assert_eq!(
        c.producer("p").unwrap().metadata.brokers,
        vec![1, 2],
        "it learned the live brokers"
    );
    c.start_broker(3).unwrap();
    c.advance(20_000);
    let tp = c.tp("t", 0).unwrap();
    assert!(c.partition_view(tp).isr.contains(&3), "broker 3 caught up");
    c.stop_broker(1).unwrap();
    c.stop_broker(2).unwrap();
    c.advance(15_000);
    assert_eq!(c.leader_of(tp), Some(3));
    c.produce("p", "t", None, Some("b"), None, &[], 1).unwrap();
    c.advance(20_000);
    let p = c.producer("p").unwrap();
    assert_eq!(p.stats.acked, 2, "the record reached broker 3");
    assert!(p.metadata.brokers.contains(&3), "{:?}", p.metadata.brokers);
}

/// `NetworkClient.handleTimedOutRequests`, for a consumer: a fetch that times out closes the
/// connection and asks for new metadata (`DefaultMetadataUpdater.handleServerDisconnect`), so
/// a consumer whose leader went silent finds the new leader after request.timeout.ms, not
/// after metadata.max.age.ms; until its reconnect backoff passes it does not fetch from the
/// silent broker again.
#[test]
fn a_consumer_fetch_timeout_closes_the_connection_and_refreshes_metadata() {
    let mut c = cluster(&[], &[("acks", "1"), ("request.timeout.ms", "5000")]);
    c.add_consumer(
        "k",
        None,
        &["t".into()],
        &cfg(&[
            ("auto.offset.reset", "earliest"),
            ("request.timeout.ms", "10000"),
        ]),
        0,
    )
    .unwrap();
    c.produce("p", "t", None, Some("before"), None, &[], 1)
        .unwrap();
    c.advance(2_000);
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(c.consumer("k").unwrap().position(tp), Some(1));
    // The leader goes silent; the controller fences it and broker 2 or 3 leads.
    c.isolate(kafka_sim::types::NodeId::Broker(1));
    let start = c.now();
    c.advance(15_000);
    let leader = c.leader_of(tp).unwrap();
    assert_ne!(leader, 1, "a new leader was elected");
    c.produce("p", "t", None, Some("after"), None, &[], 1)
        .unwrap();
    // The fetch parked at broker 1 when it went silent timed out at start + 10 s; the
    // consumer asked for metadata then and fetches from the new leader.
    c.advance(start + 25_000 - c.now());
    let k = c.consumer("k").unwrap();
    assert_eq!(
        k.position(tp),
        Some(2),
        "the consumer read the record from the new leader, broker {leader}"
    );
    assert!(
        k.metadata.unavailable_until(1, c.now()).is_none(),
        "the backoff after the timeout has passed"
    );
}

/// `BufferPool.allocate` (Kafka's `BufferPoolTest` and `KafkaProducer.doSend`): a new batch
/// takes batch.size of buffer.memory until it completes. With the memory held by batches
/// the brokers have not acknowledged, send() blocks, and the sends after it wait behind it;
/// after max.block.ms the blocked one fails with BufferExhaustedException and the next one
/// starts waiting; when batches complete, the rest go on.
#[test]
fn a_full_buffer_blocks_send_until_batches_complete_or_max_block_ms_passes() {
    let mut c = cluster(
        &[],
        &[
            ("acks", "all"),
            ("batch.size", "16384"),
            // Room for three batches.
            ("buffer.memory", "49152"),
            ("max.block.ms", "5000"),
        ],
    );
    // One record a batch: two of these do not fit in 16384 bytes.
    let big = "x".repeat(10_000);
    c.produce("p", "t", None, Some("warm-up"), None, &[], 1)
        .unwrap();
    c.advance(1_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 1);
    // The followers stop fetching: acks=all requests wait, their batches hold the memory.
    c.set_fetchers_paused(2, true).unwrap();
    c.set_fetchers_paused(3, true).unwrap();
    c.produce("p", "t", None, Some(&big), None, &[], 5).unwrap();
    c.advance(100);
    let p = c.producer("p").unwrap();
    assert_eq!(
        p.blocked_sends(),
        2,
        "the fourth send() blocks, the fifth waits behind it"
    );
    assert_eq!(p.buffer_in_use(), 3 * 16_384);
    assert_eq!(p.stats.failed, 0);
    // The fourth times out 5 s after it blocked; the fifth's wait starts then.
    c.advance(5_000);
    let p = c.producer("p").unwrap();
    assert_eq!(p.stats.failed, 1);
    assert_eq!(
        p.stats.errors.get("BUFFER_EXHAUSTED_EXCEPTION").copied(),
        Some(1)
    );
    assert_eq!(p.blocked_sends(), 1, "the fifth send() is still waiting");
    // The followers fetch again: the three batches complete, and the fifth record goes on.
    c.set_fetchers_paused(2, false).unwrap();
    c.set_fetchers_paused(3, false).unwrap();
    c.advance(2_000);
    let p = c.producer("p").unwrap();
    assert_eq!(p.blocked_sends(), 0);
    assert_eq!(p.stats.acked, 1 + 3 + 1);
    assert_eq!(p.stats.failed, 1);
    assert_eq!(p.buffer_in_use(), 0);
    assert_eq!(leo(&c, 1), 5, "warm-up, three, and the fifth");
}

/// An application blocked in send() makes no records: a workload stops while its
/// producer's buffer is full, and goes on when it empties.
#[test]
fn a_workload_pauses_while_its_producer_is_blocked() {
    let mut c = cluster(
        &[],
        &[
            ("acks", "all"),
            ("batch.size", "16384"),
            ("buffer.memory", "65536"),
            ("linger.ms", "5"),
        ],
    );
    c.start_workload(
        "p",
        kafka_sim::workload::Workload::new("t", 2_000.0, Some(10), "", 200, None),
    )
    .unwrap();
    c.advance(1_000);
    assert!(c.producer("p").unwrap().stats.acked > 1_000);
    c.set_fetchers_paused(2, true).unwrap();
    c.set_fetchers_paused(3, true).unwrap();
    c.advance(2_000);
    let p = c.producer("p").unwrap();
    // The tick's send() calls after the blocked one wait behind it.
    let blocked = p.blocked_sends();
    assert!(blocked >= 1);
    let sent = p.stats.sent;
    c.advance(2_000);
    let p = c.producer("p").unwrap();
    assert_eq!(
        (p.stats.sent, p.blocked_sends()),
        (sent, blocked),
        "the application made no records while blocked"
    );
    c.set_fetchers_paused(2, false).unwrap();
    c.set_fetchers_paused(3, false).unwrap();
    c.advance(2_000);
    let p = c.producer("p").unwrap();
    assert_eq!(p.blocked_sends(), 0);
    assert!(p.stats.sent > sent + 1_000, "the workload went on");
}

/// `UnifiedLog.analyzeAndValidateRecords`: the leader refuses a batch larger than the topic's
/// max.message.bytes with MESSAGE_TOO_LARGE. A batch of one record cannot be split, so the
/// record fails at once (RecordTooLargeException is not retriable); the producer goes on.
#[test]
fn a_record_larger_than_max_message_bytes_fails_with_message_too_large() {
    let mut c = cluster(&[("max.message.bytes", "1000")], &[("acks", "all")]);
    let big = "x".repeat(2_000);
    c.produce("p", "t", None, Some(&big), None, &[], 1).unwrap();
    c.advance(1_000);
    let p = c.producer("p").unwrap();
    assert_eq!((p.stats.acked, p.stats.failed, p.stats.retries), (0, 1, 0));
    assert_eq!(
        errors(&c, "p"),
        BTreeMap::from([("MESSAGE_TOO_LARGE".to_string(), 1)])
    );
    assert_eq!(leo(&c, 1), 0, "nothing was appended");
    c.produce("p", "t", None, Some("small"), None, &[], 2)
        .unwrap();
    c.advance(1_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 2);
    assert_eq!(leo(&c, 1), 2);
}

/// A record refused between written ones leaves a gap in the idempotent producer's sequence
/// numbers. The producer bumps its epoch and sends the next record as sequence 0 of the new
/// epoch (`TransactionManager.handleFailedBatch` → `requestEpochBumpForPartition`), so the
/// broker takes it: no OUT_OF_ORDER_SEQUENCE_NUMBER, and nothing waits for delivery.timeout.ms.
#[test]
fn a_failed_record_between_written_ones_bumps_the_epoch_instead_of_leaving_a_gap() {
    let mut c = cluster(&[("max.message.bytes", "1000")], &[("acks", "all")]);
    c.produce("p", "t", None, Some("first"), None, &[], 2)
        .unwrap();
    c.advance(1_000);
    let big = "x".repeat(2_000);
    c.produce("p", "t", None, Some(&big), None, &[], 1).unwrap();
    c.advance(1_000);
    c.produce("p", "t", None, Some("after"), None, &[], 3)
        .unwrap();
    c.advance(1_000);
    let p = c.producer("p").unwrap();
    assert_eq!((p.stats.acked, p.stats.failed), (5, 1));
    assert_eq!(p.producer_epoch, 1);
    assert_eq!(
        errors(&c, "p"),
        BTreeMap::from([("MESSAGE_TOO_LARGE".to_string(), 1)])
    );
    assert_eq!(leo(&c, 1), 5);
}

/// Without compression a batch outgrows max.message.bytes only when batch.size is larger
/// than it, and `ProducerBatch.split` splits by batch.size: every part is the batch again.
/// The producer splits and resends until delivery.timeout.ms fails the records. With
/// batch.size below max.message.bytes the same records are written.
#[test]
fn a_batch_size_above_max_message_bytes_splits_until_the_delivery_timeout() {
    let producer = |batch_size: &'static str| {
        vec![
            ("acks", "all"),
            ("linger.ms", "100"),
            ("batch.size", batch_size),
            ("request.timeout.ms", "1000"),
            ("delivery.timeout.ms", "3000"),
        ]
    };
    let value = "v".repeat(200);
    let mut c = cluster(&[("max.message.bytes", "3000")], &producer("16384"));
    c.produce("p", "t", None, Some(&value), None, &[], 30)
        .unwrap();
    c.advance(5_000);
    let p = c.producer("p").unwrap();
    assert_eq!((p.stats.acked, p.stats.failed), (0, 30));
    let errs = errors(&c, "p");
    assert_eq!(errs.get("TIMEOUT_EXCEPTION"), Some(&30));
    assert!(
        errs.get("MESSAGE_TOO_LARGE").is_some_and(|n| *n > 1),
        "split and sent again, more than once: {errs:?}"
    );
    assert_eq!(leo(&c, 1), 0);

    let mut c = cluster(&[("max.message.bytes", "3000")], &producer("2000"));
    c.produce("p", "t", None, Some(&value), None, &[], 30)
        .unwrap();
    c.advance(5_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 30);
    assert!(errors(&c, "p").is_empty());
    assert_eq!(leo(&c, 1), 30);
}

/// `KafkaProducer.ensureValidRecordSize`: a record larger than max.request.size, or than all
/// of buffer.memory, fails in send() at once with RecordTooLargeException; it neither blocks
/// for max.block.ms nor reaches a broker.
#[test]
fn a_record_larger_than_max_request_size_or_buffer_memory_fails_in_send() {
    for (limit, value) in [("max.request.size", 1_000), ("buffer.memory", 20_000)] {
        let mut c = cluster(&[], &[("acks", "all"), (limit, &value.to_string())]);
        let big = "x".repeat(value + 1);
        c.produce("p", "t", None, Some(&big), None, &[], 1).unwrap();
        // Long enough for the topic's metadata, far shorter than max.block.ms.
        c.advance(200);
        let p = c.producer("p").unwrap();
        assert_eq!((p.stats.failed, p.blocked_sends()), (1, 0), "{limit}");
        assert_eq!(
            p.last_error.as_ref().map(|e| e.error.name()),
            Some("MESSAGE_TOO_LARGE")
        );
        assert!(
            p.last_error
                .as_ref()
                .is_some_and(|e| e.detail.contains(limit)),
            "{limit}: {:?}",
            p.last_error
        );
        assert_eq!(p.stats.requests, 0, "{limit}: no request carried it");
        c.advance(1_000);
        assert_eq!(leo(&c, 1), 0);
    }
}

/// `RecordAccumulator.drainBatchesForOneNode`: one produce request carries batches up to
/// max.request.size (the first whatever its size); the other ready batches go in the next.
#[test]
fn a_produce_request_carries_batches_up_to_max_request_size() {
    let requests = |max_request_size: &str| {
        let mut c = seeded(1);
        c.create_topic("four", 4, 1, &cfg(&[]), None).unwrap();
        c.add_producer(
            "p",
            &cfg(&[
                ("acks", "1"),
                ("linger.ms", "50"),
                ("max.request.size", max_request_size),
            ]),
        )
        .unwrap();
        c.advance(100);
        let value = "v".repeat(600);
        for partition in 0..4 {
            c.produce("p", "four", None, Some(&value), Some(partition), &[], 1)
                .unwrap();
        }
        c.advance(1_000);
        let p = c.producer("p").unwrap();
        assert_eq!(p.stats.acked, 4);
        p.stats.requests
    };
    // Four batches of about 670 bytes: all in one request, or two to a request of 1500.
    assert_eq!(requests("1048576"), 1);
    assert_eq!(requests("1500"), 2);
}

/// Every replica loses power at once (semantics digest §3, "when acknowledged data is lost",
/// acks=all case (c)). Kafka does not fsync each write (`flush.messages` and `flush.ms` default
/// to Long.MAX), so each broker's log keeps what the OS had written back: here the records
/// older than the kernel's 30 s dirty-page expiry. The records acknowledged after that are gone
/// from every replica, although acks=all and min.insync.replicas=2 held. With
/// `flush.messages=1` every append is flushed and nothing is lost; a power loss of one
/// replica loses nothing either, because the others have the records.
#[test]
fn a_power_loss_on_every_replica_loses_acked_records_not_yet_on_disk() {
    let run = |topic: &[(&str, &str)], brokers: &[i32]| {
        let mut t = vec![("min.insync.replicas", "2")];
        t.extend_from_slice(topic);
        let mut c = cluster(&t, &[("acks", "all")]);
        c.produce("p", "t", None, Some("old"), None, &[], 5)
            .unwrap();
        c.advance(40_000);
        c.produce("p", "t", None, Some("new"), None, &[], 5)
            .unwrap();
        c.advance(1_000);
        assert_eq!(c.producer("p").unwrap().stats.acked, 10);
        for b in brokers {
            c.power_loss(*b).unwrap();
        }
        for b in brokers {
            c.start_broker(*b).unwrap();
        }
        c.advance(20_000);
        c
    };
    let c = run(&[], &[1, 2, 3]);
    let d = c.durability();
    assert_eq!(d.lost_acked, 5, "the five records of the last 30 s");
    assert_eq!((leo(&c, 1), leo(&c, 2), leo(&c, 3)), (5, 5, 5));
    assert!(
        d.lost.iter().all(|l| l.explanation.contains("lost power")),
        "{:?}",
        d.lost
    );

    let c = run(&[("flush.messages", "1")], &[1, 2, 3]);
    assert_eq!(c.durability().lost_acked, 0);
    assert_eq!((leo(&c, 1), leo(&c, 2), leo(&c, 3)), (10, 10, 10));

    let c = run(&[], &[1]);
    assert_eq!(c.durability().lost_acked, 0, "the other replicas had them");
    assert_eq!(leo(&c, 1), 10, "broker 1 fetched its lost tail again");

    // Until the controller fences the leader that lost power and elects another, its records
    // are unavailable, not lost: the followers still have them.
    let mut c = cluster(&[("min.insync.replicas", "2")], &[("acks", "all")]);
    c.produce("p", "t", None, Some("v"), None, &[], 5).unwrap();
    c.advance(1_000);
    c.power_loss(1).unwrap();
    assert_eq!(leo(&c, 1), 0);
    let d = c.durability();
    assert_eq!((d.lost_acked, d.unavailable), (0, 5));
    c.advance(20_000);
    let d = c.durability();
    assert_eq!((d.lost_acked, d.visible), (0, 5), "a follower leads now");

    // A stopped broker's page cache is lost too: the OS had not written it back yet.
    let mut c = cluster(&[], &[("acks", "all")]);
    c.produce("p", "t", None, Some("v"), None, &[], 5).unwrap();
    c.advance(1_000);
    c.stop_broker(3).unwrap();
    assert_eq!(leo(&c, 3), 5, "a crash keeps the page cache");
    c.power_loss(3).unwrap();
    assert_eq!(leo(&c, 3), 0);
    assert!(c.power_loss(9).is_err(), "no broker 9");
}

/// `flush.ms` is applied by the broker's log flusher only (`LogManager.flushDirtyLogs`), which
/// runs every `log.flush.scheduler.interval.ms` (by default never), first 30 s after start.
#[test]
fn flush_ms_bounds_a_power_loss_only_when_the_log_flusher_runs() {
    // One record every 100 ms for 2 s from `from_ms`; then every broker loses power, and
    // starts again. Returns the acknowledged records lost and broker 1's log end.
    let run = |from_ms: u64, broker_cfg: &[(&str, &str)], topic_cfg: &[(&str, &str)]| {
        let mut c = Cluster::new(&ClusterSpec {
            seed: 7,
            config: cfg(broker_cfg),
            ..ClusterSpec::default()
        })
        .unwrap();
        c.create_topic("t", 1, 3, &cfg(topic_cfg), Some(vec![vec![1, 2, 3]]))
            .unwrap();
        c.add_producer("p", &cfg(&[("acks", "all")])).unwrap();
        c.advance(from_ms);
        for _ in 0..20 {
            c.produce("p", "t", None, Some("v"), None, &[], 1).unwrap();
            c.advance(100);
        }
        assert_eq!(c.producer("p").unwrap().stats.acked, 20);
        for b in 1..=3 {
            c.power_loss(b).unwrap();
        }
        for b in 1..=3 {
            c.start_broker(b).unwrap();
        }
        c.advance(20_000);
        (c.durability().lost_acked, leo(&c, 1))
    };
    // From 3 s to 5 s: the OS writes none of them back before 35 s, and the flusher's first
    // run is at 30 s: before it, flush.ms does nothing.
    let flusher = [("log.flush.scheduler.interval.ms", "1000")];
    assert_eq!(run(3_000, &flusher, &[("flush.ms", "1000")]), (20, 0));
    assert_eq!(
        run(3_000, &[], &[("flush.ms", "0")]),
        (20, 0),
        "no flusher, no flush"
    );

    // With the flusher running, a log is flushed at each run once its last flush is flush.ms
    // old: records from 40.5 s to 42.4 s and the power gone at 42.5 s lose only those after
    // the 42 s run.
    let early = [
        ("log.flush.scheduler.interval.ms", "1000"),
        ("log.flush.interval.ms", "0"),
    ];
    let run_late = |broker_cfg: &[(&str, &str)], topic_cfg: &[(&str, &str)]| {
        run(40_500, broker_cfg, topic_cfg)
    };
    assert_eq!(run_late(&[], &[]), (20, 0), "the defaults: nothing on disk");
    let (lost, kept) = run_late(&early, &[]);
    assert_eq!(lost + kept as u64, 20);
    assert!(
        (4..=6).contains(&lost),
        "the 42 s run flushed the 15 records before it, not the 5 after: lost {lost}, kept {kept}"
    );
    // The topic's flush.ms overrides the cluster default: the log was created at 0 s and
    // never flushed, and 60 s are not up at 42.5 s.
    assert_eq!(run_late(&early, &[("flush.ms", "60000")]), (20, 0));
}
