//! Consumer groups over the simulated network: coordinator discovery, the classic
//! join/sync protocol with Kafka's assignors, rebalances on join, leave and crash, committed
//! offsets, delivery semantics, seeks and offset resets (semantics digest §2 and §6).
#![allow(clippy::unwrap_used)]

use kafka_sim::action::Action;
use kafka_sim::cluster::{ResetTo, SeekTo};
use kafka_sim::consumer_coordinator::MemberState;
use kafka_sim::view::GroupView;
use kafka_sim::{Cluster, ClusterSpec, ErrorCode};
use std::collections::BTreeMap;

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn cluster(partitions: i32) -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 1,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("t", partitions, 3, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[])).unwrap();
    c
}

const EARLIEST: &[(&str, &str)] = &[
    ("auto.offset.reset", "earliest"),
    ("session.timeout.ms", "10000"),
    ("heartbeat.interval.ms", "1000"),
];

fn join(c: &mut Cluster, name: &str, group: &str, extra: &[(&str, &str)]) {
    let mut conf = cfg(EARLIEST);
    conf.extend(cfg(extra));
    c.add_consumer(name, Some(group), &["t".into()], &conf, 0)
        .unwrap();
}

fn assignment(c: &Cluster, consumer: &str) -> Vec<i32> {
    c.consumer(consumer)
        .unwrap()
        .assignment
        .iter()
        .map(|tp| tp.partition)
        .collect()
}

fn group(c: &Cluster, g: &str) -> GroupView {
    c.group_view(g).unwrap()
}

#[test]
fn a_group_of_two_splits_four_partitions_with_range() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(10_000);
    // Range: member ids sort c1-… before c2-…, so c1 gets the first range.
    assert_eq!(assignment(&c, "c1"), vec![0, 1]);
    assert_eq!(assignment(&c, "c2"), vec![2, 3]);
    let g = group(&c, "g");
    assert_eq!(g.state, "Stable");
    assert_eq!(g.generation, 1);
    assert_eq!(g.assignor.as_deref(), Some("range"));
    assert_eq!(g.members.len(), 2);
}

/// The seed's table: 4 partitions and 2, 4 or 8 consumers.
#[test]
fn partitions_are_the_unit_of_parallelism() {
    for (n, active, each) in [(2usize, 2usize, 2usize), (4, 4, 1), (8, 4, 1)] {
        let mut c = cluster(4);
        for i in 0..n {
            join(&mut c, &format!("c{i}"), "g", &[]);
        }
        c.advance(15_000);
        let sizes: Vec<usize> = (0..n)
            .map(|i| assignment(&c, &format!("c{i}")).len())
            .collect();
        assert_eq!(
            sizes.iter().filter(|s| **s > 0).count(),
            active,
            "{n} consumers: {sizes:?}"
        );
        assert!(
            sizes.iter().all(|s| *s == 0 || *s == each),
            "{n} consumers: {sizes:?}"
        );
        assert_eq!(sizes.iter().sum::<usize>(), 4);
    }
}

#[test]
fn a_crashed_member_is_removed_after_the_session_timeout() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(10_000);
    assert_eq!(group(&c, "g").generation, 1);
    c.apply(&Action::CrashClient {
        client: "c2".into(),
    })
    .unwrap();
    c.advance(5_000);
    assert_eq!(
        assignment(&c, "c1"),
        vec![0, 1],
        "within session.timeout.ms nothing moves"
    );
    c.advance(10_000);
    assert_eq!(
        assignment(&c, "c1"),
        vec![0, 1, 2, 3],
        "after the session timeout c1 takes over"
    );
    assert_eq!(group(&c, "g").generation, 2);
    assert_eq!(group(&c, "g").members.len(), 1);
}

#[test]
fn a_graceful_leave_rebalances_at_once() {
    let mut c = cluster(4);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(10_000);
    c.apply(&Action::RemoveConsumer {
        consumer: "c2".into(),
    })
    .unwrap();
    c.advance(1_000);
    assert_eq!(assignment(&c, "c1"), vec![0, 1, 2, 3]);
    assert_eq!(group(&c, "g").generation, 2);
}

#[test]
fn committed_offsets_let_a_new_member_resume() {
    let mut c = cluster(1);
    join(&mut c, "c1", "g", &[]);
    c.produce("p", "t", None, Some("v"), None, &[], 10).unwrap();
    c.advance(10_000);
    assert_eq!(c.consumer("c1").unwrap().delivered_total, 10);
    c.apply(&Action::RemoveConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    c.advance(1_000);
    let g = group(&c, "g");
    assert_eq!(g.state, "Empty");
    assert_eq!(
        g.committed[0].offset, 10,
        "close() auto-commits: the committed offset is the next to read"
    );
    c.produce("p", "t", None, Some("w"), None, &[], 5).unwrap();
    join(&mut c, "c2", "g", &[]);
    c.advance(10_000);
    let k = c.consumer("c2").unwrap();
    assert_eq!(
        k.delivered_total, 5,
        "c2 resumed at the committed offset, not at earliest"
    );
    assert_eq!(k.delivered.front().unwrap().offset, 10);
}

#[test]
fn auto_commit_redelivers_after_a_crash_at_least_once() {
    let mut c = cluster(1);
    // Auto-commit every 5 s; 100 ms per record: a crash mid-batch leaves processed records
    // beyond the last commit.
    let mut conf = cfg(EARLIEST);
    conf.insert("max.poll.records".into(), "10".into());
    c.add_consumer("c1", Some("g"), &["t".into()], &conf, 100)
        .unwrap();
    c.produce("p", "t", None, Some("v"), None, &[], 40).unwrap();
    c.advance(6_500);
    c.apply(&Action::CrashClient {
        client: "c1".into(),
    })
    .unwrap();
    c.add_consumer("c2", Some("g"), &["t".into()], &conf, 100)
        .unwrap();
    c.advance(40_000);
    let g = group(&c, "g");
    assert_eq!(g.skipped, 0, "auto-commit never skips");
    assert!(
        g.duplicates > 0,
        "records processed before the crash but after the last commit are processed again: {g:?}"
    );
    assert_eq!(g.processed, 40);
}

#[test]
fn committing_before_processing_loses_records_on_a_crash_at_most_once() {
    let mut c = cluster(1);
    let mut conf = cfg(EARLIEST);
    conf.insert("max.poll.records".into(), "10".into());
    conf.insert("enable.auto.commit".into(), "false".into());
    c.add_consumer_with(
        "c1",
        Some("g"),
        &["t".into()],
        &conf,
        100,
        Some("before_processing"),
    )
    .unwrap();
    c.produce("p", "t", None, Some("v"), None, &[], 40).unwrap();
    c.advance(4_550);
    c.apply(&Action::CrashClient {
        client: "c1".into(),
    })
    .unwrap();
    c.add_consumer_with(
        "c2",
        Some("g"),
        &["t".into()],
        &conf,
        100,
        Some("before_processing"),
    )
    .unwrap();
    c.advance(40_000);
    let g = group(&c, "g");
    assert_eq!(g.duplicates, 0, "{g:?}");
    assert!(
        g.skipped > 0,
        "records committed but never processed are skipped: {g:?}"
    );
}

#[test]
fn committing_after_processing_never_skips() {
    let mut c = cluster(1);
    let mut conf = cfg(EARLIEST);
    conf.insert("max.poll.records".into(), "10".into());
    conf.insert("enable.auto.commit".into(), "false".into());
    c.add_consumer_with(
        "c1",
        Some("g"),
        &["t".into()],
        &conf,
        100,
        Some("after_processing"),
    )
    .unwrap();
    c.produce("p", "t", None, Some("v"), None, &[], 40).unwrap();
    c.advance(4_550);
    c.apply(&Action::CrashClient {
        client: "c1".into(),
    })
    .unwrap();
    c.add_consumer_with(
        "c2",
        Some("g"),
        &["t".into()],
        &conf,
        100,
        Some("after_processing"),
    )
    .unwrap();
    c.advance(40_000);
    let g = group(&c, "g");
    assert_eq!(g.skipped, 0, "{g:?}");
    assert_eq!(g.processed, 40);
}

#[test]
fn seek_to_a_timestamp_lands_on_the_first_record_at_or_after_it() {
    let mut c = cluster(1);
    c.produce("p", "t", None, Some("a"), None, &[], 3).unwrap(); // t=0
    c.advance(1_000);
    c.produce("p", "t", None, Some("b"), None, &[], 3).unwrap(); // t=1000, offsets 3..5
    c.advance(1_000);
    c.add_consumer(
        "r",
        None,
        &["t".into()],
        &cfg(&[("auto.offset.reset", "latest")]),
        0,
    )
    .unwrap();
    c.advance(1_000);
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(c.consumer("r").unwrap().position(tp), Some(6));
    c.seek("r", "t", 0, SeekTo::Timestamp(500)).unwrap();
    c.advance(1);
    c.advance(1_000);
    let k = c.consumer("r").unwrap();
    assert_eq!(
        k.delivered.front().map(|d| d.offset),
        Some(3),
        "the first offset with timestamp ≥ 500 ms"
    );
    assert_eq!(k.delivered_total, 3);
    // A timestamp after every record: the end.
    c.seek("r", "t", 0, SeekTo::Timestamp(99_999)).unwrap();
    c.advance(1_000);
    assert_eq!(c.consumer("r").unwrap().position(tp), Some(6));
    c.seek("r", "t", 0, SeekTo::Beginning).unwrap();
    c.advance(1_000);
    assert_eq!(
        c.consumer("r").unwrap().delivered_total,
        9,
        "replayed all six from offset 0"
    );
}

#[test]
fn offsets_can_only_be_reset_while_the_group_is_inactive() {
    let mut c = cluster(2);
    join(&mut c, "c1", "g", &[]);
    c.produce("p", "t", Some("k"), Some("v"), None, &[], 6)
        .unwrap();
    c.advance(10_000);
    let err = c.reset_offsets("g", "t", ResetTo::Earliest).unwrap_err();
    assert_eq!(err.code(), Some(ErrorCode::NonEmptyGroup));
    assert!(
        err.to_string()
            .contains("inactive, but the current state is Stable"),
        "{err}"
    );
    c.apply(&Action::RemoveConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    c.advance(1_000);
    let set = c.reset_offsets("g", "t", ResetTo::Earliest).unwrap();
    assert!(set.iter().all(|(_, o)| *o == 0));
    c.advance(1_000);
    assert!(group(&c, "g").committed.iter().all(|x| x.offset == 0));
    let shifted = c.reset_offsets("g", "t", ResetTo::ShiftBy(2)).unwrap();
    c.advance(1_000);
    assert!(shifted.iter().all(|(_, o)| *o <= 6));
    // A new member replays from the reset offsets.
    join(&mut c, "c2", "g", &[]);
    c.advance(10_000);
    let total: i64 = shifted
        .iter()
        .map(|(p, o)| {
            let tp = c.tp("t", *p).unwrap();
            c.partition_view(tp).high_watermark - o
        })
        .sum();
    assert_eq!(c.consumer("c2").unwrap().delivered_total as i64, total);
}

#[test]
fn cooperative_sticky_moves_only_what_it_must_in_two_rounds() {
    let mut c = cluster(6);
    let coop = [("partition.assignment.strategy", "cooperative-sticky")];
    join(&mut c, "c1", "g", &coop);
    join(&mut c, "c2", "g", &coop);
    c.advance(10_000);
    let before1 = assignment(&c, "c1");
    assert_eq!(before1.len(), 3);
    let gen_before = group(&c, "g").generation;
    join(&mut c, "c3", "g", &coop);
    // Through the whole rebalance c1 keeps at least two of its partitions: nothing stops
    // that does not move.
    for _ in 0..100 {
        c.advance(100);
        let now1 = assignment(&c, "c1");
        assert!(
            now1.iter().filter(|p| before1.contains(p)).count() >= 2,
            "{now1:?}"
        );
    }
    let sizes: Vec<usize> = ["c1", "c2", "c3"]
        .iter()
        .map(|n| assignment(&c, n).len())
        .collect();
    assert_eq!(sizes, vec![2, 2, 2]);
    assert_eq!(
        group(&c, "g").generation,
        gen_before + 2,
        "cooperative: a second round hands over the revoked partitions"
    );
}

#[test]
fn eager_range_revokes_everything_during_a_rebalance() {
    let mut c = cluster(6);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    c.advance(10_000);
    join(&mut c, "c3", "g", &[]);
    let mut saw_empty = false;
    for _ in 0..100 {
        c.advance(50);
        if assignment(&c, "c1").is_empty() && assignment(&c, "c2").is_empty() {
            saw_empty = true;
        }
    }
    assert!(
        saw_empty,
        "eager members hold nothing while the group rebalances"
    );
    assert_eq!(group(&c, "g").generation, 2, "one round");
}

#[test]
fn the_coordinator_moves_when_its_broker_dies_and_offsets_survive() {
    let mut c = cluster(1);
    join(&mut c, "c1", "g", &[]);
    c.produce("p", "t", None, Some("v"), None, &[], 5).unwrap();
    c.advance(10_000);
    let g = group(&c, "g");
    assert_eq!(g.committed.first().map(|x| x.offset), Some(5));
    c.stop_broker(g.coordinator).unwrap();
    c.advance(30_000);
    let g2 = group(&c, "g");
    assert_ne!(g2.coordinator, g.coordinator);
    assert_eq!(
        g2.committed.first().map(|x| x.offset),
        Some(5),
        "loaded from __consumer_offsets"
    );
    assert_eq!(g2.state, "Stable");
    c.produce("p", "t", None, Some("w"), None, &[], 2).unwrap();
    c.advance(10_000);
    assert_eq!(c.consumer("c1").unwrap().delivered_total, 7);
}

#[test]
fn independent_groups_keep_independent_offsets() {
    let mut c = cluster(2);
    join(&mut c, "a1", "billing", &[]);
    c.produce("p", "t", Some("k"), Some("v"), None, &[], 4)
        .unwrap();
    c.advance(10_000);
    join(&mut c, "b1", "analytics", &[]);
    c.advance(10_000);
    assert_eq!(c.consumer("a1").unwrap().delivered_total, 4);
    assert_eq!(
        c.consumer("b1").unwrap().delivered_total,
        4,
        "a new group replays the retained log"
    );
    assert_eq!(c.view().groups.len(), 2);
}

/// Records below the committed offset that the group never processed, by reading the whole
/// leader log (what the view's incremental count must always equal).
fn skipped_by_full_scan(c: &Cluster, g: &str) -> u64 {
    let processed = c.ledger.processed.get(g);
    group(c, g)
        .committed
        .iter()
        .map(|cv| {
            let Some(leader) = c
                .tp(&cv.topic, cv.partition)
                .ok()
                .and_then(|tp| c.leader_of(tp))
            else {
                return 0;
            };
            c.records(&cv.topic, cv.partition, Some(leader), 0, usize::MAX)
                .iter()
                .filter(|r| {
                    r.offset < cv.offset
                        && r.control.is_none()
                        && r.id != 0
                        && processed.is_none_or(|m| !m.contains(r.id))
                })
                .count() as u64
        })
        .sum()
}

/// The view counts skipped records incrementally (a page builds it every frame). Through
/// crashes of an at-most-once group, offset resets forwards and back, and a leader change, the
/// count stays equal to a scan of the whole log.
#[test]
fn the_skipped_count_always_equals_a_scan_of_the_whole_log() {
    let mut c = cluster(2);
    let mut conf = cfg(EARLIEST);
    conf.insert("max.poll.records".into(), "10".into());
    conf.insert("enable.auto.commit".into(), "false".into());
    let start = |c: &mut Cluster, name: &str| {
        c.add_consumer_with(
            name,
            Some("g"),
            &["t".into()],
            &conf,
            100,
            Some("before_processing"),
        )
        .unwrap();
    };
    let mut max_skipped = 0;
    let mut check = |c: &mut Cluster, steps: u32| {
        for _ in 0..steps {
            c.advance(250);
            let g = group(c, "g");
            assert_eq!(
                g.skipped,
                skipped_by_full_scan(c, "g"),
                "at {} ms: {g:?}",
                c.now()
            );
            max_skipped = max_skipped.max(g.skipped);
        }
    };
    start(&mut c, "c1");
    c.produce("p", "t", None, Some("v"), None, &[], 40).unwrap();
    check(&mut c, 18);
    c.crash_client("c1").unwrap();
    start(&mut c, "c2");
    c.produce("p", "t", None, Some("v"), None, &[], 40).unwrap();
    check(&mut c, 40);
    // A leader change: the scan starts over on the new leader's log.
    let leader = c.leader_of(c.tp("t", 0).unwrap()).unwrap();
    c.apply(&Action::StopBroker {
        broker: Some(leader),
        leader_of: None,
    })
    .unwrap();
    c.produce("p", "t", None, Some("v"), None, &[], 40).unwrap();
    check(&mut c, 20);
    // Reset the inactive group to the end (everything unprocessed is skipped), then back to
    // the beginning (the committed offset goes back: nothing below it).
    c.crash_client("c2").unwrap();
    check(&mut c, 48);
    c.reset_offsets("g", "t", ResetTo::Latest).unwrap();
    check(&mut c, 2);
    c.reset_offsets("g", "t", ResetTo::Earliest).unwrap();
    check(&mut c, 2);
    assert!(max_skipped > 0, "the run never skipped a record");
}

#[test]
fn an_idle_application_polls_again_at_once_what_max_poll_records_left() {
    // KafkaConsumer.poll() returns at most max.poll.records of what it fetched; an application
    // that is not busy calls poll() again straight away, so the rest of a fetch is handed over
    // within the same millisecond, not at the next heartbeat or fetch response.
    let mut c = cluster(1);
    c.produce("p", "t", None, Some("v"), None, &[], 1000)
        .unwrap();
    c.advance(1_000);
    join(&mut c, "c1", "g", &[("max.poll.records", "10")]);
    let mut first = None;
    for _ in 0..1_000 {
        c.advance(10);
        if c.consumer("c1").unwrap().delivered_total > 0 {
            first = Some(c.now());
            break;
        }
    }
    let first = first.expect("the member joined and polled within 10 s");
    c.advance(100);
    let k = c.consumer("c1").unwrap();
    assert_eq!(
        k.delivered_total,
        1000,
        "all 1000 records polled within 100 ms of the first poll at {first} ms (heartbeats every 1000 ms)"
    );
    assert_eq!(k.stats.polled, 1000);
}

#[test]
fn answered_requests_and_completed_delayed_operations_leave_no_timers_behind() {
    // Every request sets a 30 s request.timeout.ms and every acks=all produce or parked fetch
    // a purgatory expiry; the response or completion cancels it. Without that, a minute of
    // traffic would leave thousands of dead timers queued.
    let mut c = cluster(3);
    join(&mut c, "c1", "g", &[]);
    join(&mut c, "c2", "g", &[]);
    let mut sent = 0;
    for i in 0..600 {
        c.produce("p", "t", Some(&format!("k{i}")), Some("v"), None, &[], 5)
            .unwrap();
        sent += 5;
        c.advance(100);
    }
    c.advance(1_000);
    assert_eq!(
        c.consumer("c1").unwrap().delivered_total + c.consumer("c2").unwrap().delivered_total,
        sent
    );
    let pending = c.pending_events();
    assert!(
        pending < 150,
        "3 brokers and 3 clients have {pending} events queued after 61 s of traffic"
    );
}

#[test]
fn lag_in_time_is_the_age_of_the_oldest_record_not_committed_past() {
    let mut c = cluster(1);
    join(&mut c, "c1", "g", &[]);
    c.produce("p", "t", None, Some("v"), None, &[], 5).unwrap();
    c.advance(10_000);
    c.apply(&Action::RemoveConsumer {
        consumer: "c1".into(),
    })
    .unwrap();
    c.advance(1_000);
    let g = group(&c, "g");
    assert_eq!((g.lag, g.lag_ms), (0, 0), "caught up: {g:?}");
    // One record written now, never read; then an hour passes on the wall clock.
    let written = c.wall_clock();
    c.produce("p", "t", None, Some("late"), None, &[], 1)
        .unwrap();
    c.advance(1_000);
    c.advance_time(3_600_000).unwrap();
    let g = group(&c, "g");
    assert_eq!(g.lag, 1);
    let age = c.wall_clock() - written;
    assert!(
        g.lag_ms <= age && g.lag_ms + 100 >= age,
        "the unread record was written at {written} ms (wall clock {}): lag {} ms",
        c.wall_clock(),
        g.lag_ms
    );
    assert_eq!(g.committed[0].lag_ms, g.lag_ms);
}

/// What a rebalance did to c1 (fast), in a group with c2 (5 s per poll's batch) on six
/// partitions under a steady workload, with `strategy` and `commit` mode, when c3 joins.
struct Rebalance {
    /// Records c1's application was handed while c1 itself was rebalancing (JoinGroup or
    /// SyncGroup in flight).
    handed: u64,
    /// How long c1 was rebalancing.
    rebalancing_ms: u64,
    /// Commits c1 had refused while it was rebalancing.
    refused_commits: u64,
    /// Records the group processed more than once.
    duplicates: u64,
}

fn rebalance_while_c2_is_busy(strategy: &str, commit: &str) -> Rebalance {
    let mut c = cluster(6);
    let mut conf = cfg(EARLIEST);
    conf.extend(cfg(&[
        ("partition.assignment.strategy", strategy),
        ("max.poll.records", "100"),
        ("auto.commit.interval.ms", "100"),
    ]));
    if commit != "auto" {
        conf.insert("enable.auto.commit".into(), "false".into());
    }
    for (name, processing_ms) in [("c1", 1), ("c2", 50)] {
        c.add_consumer_with(
            name,
            Some("g"),
            &["t".into()],
            &conf,
            processing_ms,
            Some(commit),
        )
        .unwrap();
    }
    c.apply(&Action::StartWorkload {
        producer: "p".into(),
        topic: "t".into(),
        rate_per_sec: 500.0,
        keys: Some(100),
        key_prefix: None,
        value_bytes: None,
        duration_ms: None,
    })
    .unwrap();
    c.advance(10_000);
    c.add_consumer_with("c3", Some("g"), &["t".into()], &conf, 1, Some(commit))
        .unwrap();
    let rebalancing = |c: &Cluster| {
        let k = c.consumer("c1").unwrap();
        let state = k.membership.as_ref().unwrap().state;
        (
            matches!(state, MemberState::Joining | MemberState::Syncing),
            k.delivered_total,
        )
    };
    let (mut handed, mut rebalancing_ms) = (0, 0);
    for _ in 0..1_000 {
        let (was, before) = rebalancing(&c);
        c.advance(10);
        let (is, after) = rebalancing(&c);
        // Steps that begin and end inside the rebalance.
        if was && is {
            handed += after - before;
            rebalancing_ms += 10;
        }
    }
    let refused_commits = c
        .consumer("c1")
        .unwrap()
        .stats
        .errors
        .get(&"REBALANCE_IN_PROGRESS".to_string())
        .copied()
        .unwrap_or(0);
    Rebalance {
        handed,
        rebalancing_ms,
        refused_commits,
        duplicates: group(&c, "g").duplicates,
    }
}

/// Kafka's classic consumer rejoins from `poll()`, so a rebalance waits for the member that
/// is still processing its last batch (c2 here, up to 5 s). Eager members hold nothing in
/// the meantime; cooperative members go on consuming the partitions they own
/// (`ClassicKafkaConsumer.poll` fetches whatever `updateAssignmentMetadataIfNeeded` left).
#[test]
fn a_cooperative_member_keeps_consuming_while_a_slow_member_holds_up_the_rebalance() {
    let eager = rebalance_while_c2_is_busy("range", "auto");
    let coop = rebalance_while_c2_is_busy("cooperative-sticky", "auto");
    assert!(
        eager.rebalancing_ms >= 500 && coop.rebalancing_ms >= 500,
        "the rebalance waits for the busy member: eager {} ms, cooperative {} ms",
        eager.rebalancing_ms,
        coop.rebalancing_ms
    );
    assert_eq!(
        eager.handed, 0,
        "an eager member owns nothing while it rebalances"
    );
    assert!(
        coop.handed > 100,
        "a cooperative member keeps consuming what it owns: {} records in {} ms",
        coop.handed,
        coop.rebalancing_ms
    );
}

/// The classic consumer commits only with a stable generation (`generationIfStable`): a
/// commitSync while it rebalances fails with RebalanceInProgressException. And unlike the
/// KIP-848 consumer it does not auto-commit what a cooperative rebalance revokes, so what a
/// member read from those partitions during the rebalance is read again by their new owner.
#[test]
fn a_classic_cooperative_member_cannot_commit_while_rebalancing_so_revoked_reads_repeat() {
    let after = rebalance_while_c2_is_busy("cooperative-sticky", "after_processing");
    assert!(
        after.refused_commits > 0,
        "commits after processing fail with REBALANCE_IN_PROGRESS while c1 rebalances"
    );
    let eager = rebalance_while_c2_is_busy("range", "auto");
    let coop = rebalance_while_c2_is_busy("cooperative-sticky", "auto");
    assert_eq!(
        eager.refused_commits, 0,
        "auto-commit waits for a stable generation"
    );
    assert_eq!(
        eager.duplicates, 0,
        "eager: committed before revoking, read nothing after"
    );
    assert!(
        coop.duplicates > 0,
        "records c1 read from a revoked partition during the rebalance are processed again"
    );
}

/// `ConsumerCoordinator.onJoinComplete` reschedules the auto-commit "starting from now":
/// after every rebalance, the next auto-commit is auto.commit.interval.ms after the
/// assignment, not on the schedule of the first join.
#[test]
fn every_assignment_restarts_the_auto_commit_interval() {
    use kafka_sim::trace::TraceKind;
    let mut c = cluster(2);
    join(&mut c, "c1", "g", &[("auto.commit.interval.ms", "5000")]);
    c.apply(&Action::StartWorkload {
        producer: "p".into(),
        topic: "t".into(),
        rate_per_sec: 20.0,
        keys: Some(10),
        key_prefix: None,
        value_bytes: None,
        duration_ms: None,
    })
    .unwrap();
    c.advance(7_300);
    join(&mut c, "c2", "g", &[("auto.commit.interval.ms", "5000")]);
    c.advance(15_000);
    let events: Vec<(u64, String)> = c
        .trace
        .notable_newest_first()
        .filter_map(|e| match &e.kind {
            TraceKind::Group { event, .. } if event.starts_with("c1: ") => {
                Some((e.t, event.clone()))
            }
            _ => None,
        })
        .collect();
    let assigned = events
        .iter()
        .filter(|(_, ev)| ev.contains("generation 2: assigned"))
        .map(|(t, _)| *t)
        .min()
        .expect("c1 got generation 2's assignment");
    let next_auto = events
        .iter()
        .filter(|(t, ev)| *t > assigned && ev.ends_with("(auto-commit)"))
        .map(|(t, _)| *t)
        .min()
        .expect("c1 auto-committed after the rebalance");
    assert!(
        next_auto >= assigned + 5_000,
        "assigned at {assigned} ms, next auto-commit at {next_auto} ms"
    );
}
