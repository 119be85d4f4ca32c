//! Regression tests for the engine bugs the deterministic simulation harness found
//! (`kafka-sim fuzz`, issue 8). Each shrunk scenario in `fuzz_findings/` failed an invariant
//! before its fix; each test runs it under the invariant checker and asserts the behaviour
//! that was wrong, and, where it is cheap, the same behaviour on a small hand-built cluster.
#![allow(clippy::unwrap_used)]

use kafka_sim::fuzz::{run_scenario, Options, SeedReport};
use kafka_sim::invariants;
use kafka_sim::record::Record;
use kafka_sim::scenario::{Scenario, Session};
use kafka_sim::types::Tp;
use kafka_sim::{Cluster, ClusterSpec};
use std::collections::BTreeMap;

fn finding(name: &str) -> Scenario {
    let path = format!("{}/tests/fuzz_findings/{name}", env!("CARGO_MANIFEST_DIR"));
    Scenario::parse(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn replay(name: &str) -> SeedReport {
    run_scenario(&finding(name), &Options::default())
}

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn assert_holds(r: &SeedReport, invariant: &str) {
    assert!(
        !r.counts.contains_key(invariant),
        "{invariant} failed: {:?}",
        r.violations
    );
    assert!(r.error.is_none(), "run error: {:?}", r.error);
}

/// Seed 104: a rebalance revoked the processor's partition while records it had polled were
/// waiting for the transactional producer; they stayed in the hand-off buffer, the partition
/// came back from the committed offset and the same inputs were polled again, so one
/// transaction wrote 80 inputs twice.
#[test]
fn revoked_partition_drops_records_not_yet_processed() {
    let r = replay("seed-104-exactly_once_pipeline.json");
    assert_holds(&r, invariants::EXACTLY_ONCE);

    let mut s = Session::new(finding("seed-104-exactly_once_pipeline.json"), None).unwrap();
    s.advance_to(33_000);
    let check = s.cluster.pipeline_check("proc").unwrap();
    assert_eq!(check.duplicates, 0, "{check:?}");
    assert!(check.inputs > 0, "the pipeline made progress: {check:?}");
}

/// The mechanism of seed 104 on its own: a consumer that hands records to a stream processor
/// forgets the handed records of partitions it no longer owns.
#[test]
fn set_assignment_forgets_handed_records_of_revoked_partitions() {
    let mut c = Cluster::new(&ClusterSpec::default()).unwrap();
    c.create_topic("in", 2, 3, &cfg(&[]), None).unwrap();
    let topics = vec!["in".to_string()];
    let idx = c
        .add_consumer_with("k", Some("g"), &topics, &cfg(&[]), 0, Some("manual"))
        .unwrap();
    let topic = c.topic_id("in").unwrap();
    let tp0 = Tp::new(topic, 0);
    let tp1 = Tp::new(topic, 1);
    let Some(kafka_sim::cluster::Client::Consumer(k)) = c.clients.get_mut(idx as usize) else {
        panic!("not a consumer");
    };
    let rec = |offset: i64| Record {
        offset,
        timestamp: 0,
        key: None,
        value: None,
        headers: Vec::new(),
        id: offset as u64 + 1,
    };
    k.handoff = true;
    k.set_assignment([tp0, tp1].into_iter().collect());
    k.handed = vec![(tp0, rec(0)), (tp1, rec(1)), (tp0, rec(2))];
    k.set_assignment(kafka_sim::vecmap::VecSet::from([tp1]));
    assert_eq!(k.handed, vec![(tp1, rec(1))]);
    k.set_assignment(kafka_sim::vecmap::VecSet::new());
    assert!(k.handed.is_empty());
}

/// Seed 43: the group coordinator moved to another broker while a transaction held offsets
/// for the group; loading `__consumer_offsets` took the transactional offset commit as
/// committed, so after the old instance's transaction was aborted the group had committed
/// past inputs whose output was aborted (lost). The file runs to 24 s: its restarted broker
/// now waits for its old session to expire, and the new coordinator keeps the processor's old
/// member until that member's own 10 s session expires.
#[test]
fn coordinator_failover_keeps_offsets_of_open_transactions_pending() {
    let r = replay("seed-43-exactly_once_pipeline.json");
    assert_holds(&r, invariants::EXACTLY_ONCE);
    assert!(r.live_at.is_some(), "liveness never held");

    let sc = finding("seed-43-exactly_once_pipeline.json");
    let end = sc.default_end();
    let mut s = Session::new(sc, None).unwrap();
    s.advance_to(end);
    let check = s.cluster.pipeline_check("proc").unwrap();
    assert_eq!(check.lost, 0, "{check:?}");
    assert_eq!(check.duplicates, 0, "{check:?}");
}

/// Seed 110: an abortTransaction dropped batches that were already numbered (sent once,
/// retrying after NOT_LEADER_OR_FOLLOWER), leaving a hole in the partition's sequence
/// numbers; every later transaction failed with OUT_OF_ORDER_SEQUENCE_NUMBER and was aborted
/// again, at the same epoch, forever. Kafka keeps numbered batches until they resolve and
/// bumps the epoch after a numbered batch fails (KIP-360).
#[test]
fn aborted_transaction_keeps_sequence_numbers_contiguous() {
    let r = replay("seed-110-liveness_pipelines_drained.json");
    assert_holds(&r, invariants::LIVE_PIPELINES);
    assert_holds(&r, invariants::EXACTLY_ONCE);
    assert!(r.live_at.is_some(), "the pipeline never drained");
}

/// Seed 109: an at_least_once processor's offset commit failed with NOT_COORDINATOR and the
/// processor waited for it forever; commitSync retries retriable errors.
#[test]
fn at_least_once_processor_retries_a_failed_commit() {
    let r = replay("seed-109-liveness_pipelines_drained.json");
    assert_holds(&r, invariants::LIVE_PIPELINES);
    assert_holds(&r, invariants::AT_LEAST_ONCE);
    assert!(r.live_at.is_some(), "the pipeline never drained");
}

/// Seed 39: a record sent while the transaction was committing was appended after the COMMIT
/// marker, in a transaction nobody would ever end: the partition's LSO stayed below it.
/// `send()` is only allowed in IN_TRANSACTION (TransactionManager.maybeAddPartition).
#[test]
fn send_is_refused_while_a_transaction_completes() {
    let r = replay("seed-39-liveness_acked_records_visible.json");
    assert_holds(&r, invariants::LIVE_VISIBLE);
    assert!(r.live_at.is_some(), "a partition never settled");

    let mut c = Cluster::new(&ClusterSpec::default()).unwrap();
    c.create_topic("tx", 1, 3, &cfg(&[]), None).unwrap();
    c.add_producer("txp", &cfg(&[("transactional.id", "t1")]))
        .unwrap();
    c.advance(1_000);
    c.begin_txn("txp").unwrap();
    c.produce("txp", "tx", Some("k"), Some("v"), None, &[], 1)
        .unwrap();
    c.commit_txn("txp").unwrap();
    let refused = c.produce("txp", "tx", Some("k"), Some("late"), None, &[], 1);
    assert!(refused.is_err(), "send() while committing was accepted");
    c.advance(5_000);
    let tp = Tp::new(c.topic_id("tx").unwrap(), 0);
    let view = c.partition_view(tp);
    assert_eq!(
        view.last_stable_offset, view.high_watermark,
        "the transaction settled"
    );
}

/// Seeds 103 and 123: after an OUT_OF_ORDER_SEQUENCE_NUMBER on one partition the idempotent
/// producer bumped its epoch and renumbered the retrying batches of every partition; a batch
/// that another partition's leader had already written was appended a second time.
#[test]
fn epoch_bump_renumbers_only_the_partition_with_the_gap() {
    let sc = finding("seed-123-idempotence_no_duplicates.json");
    let end = sc.default_end();
    let mut s = Session::new(sc, None).unwrap();
    s.advance_to(end);
    let mut checker = invariants::Checker::new();
    checker.after_event(&s.cluster);
    let audit = checker.check_promises(&s.cluster);
    // No partition of this run had an unclean election except events-1; the duplicate the
    // harness found was on events-0, which a clean election led.
    let dups: Vec<_> = audit
        .duplicates
        .iter()
        .filter(|d| d.idempotent && !(d.topic == "events" && d.partition == 1))
        .collect();
    assert!(dups.is_empty(), "{dups:?}");
}

/// Seed 73 (CI sample): the abort marker reached the group's `__consumer_offsets` partition
/// while the aborted transaction's TxnOffsetCommit records still waited for a follower; the
/// offsets only became pending after the marker had been processed and stayed pending
/// forever, so every read_committed OffsetFetch answered UNSTABLE_OFFSET_COMMIT and the
/// restarted processor never started. Offsets are pending from the moment the coordinator
/// accepts the TxnOffsetCommit (GroupMetadata.prepareTxnOffsetCommit).
#[test]
fn abort_marker_before_txn_offset_commit_completes_unblocks_the_group() {
    let r = replay("seed-73-liveness_pipelines_drained.json");
    assert_holds(&r, invariants::LIVE_PIPELINES);
    assert!(r.live_at.is_some(), "the pipeline never drained");

    let sc = finding("seed-73-liveness_pipelines_drained.json");
    let mut s = Session::new(sc, None).unwrap();
    s.advance_to(40_000);
    let g = s.cluster.group_view("proc-group").unwrap();
    assert!(
        g.committed
            .iter()
            .any(|c| &*c.topic == "in" && c.offset > 0),
        "the restarted processor committed progress: {:?}",
        g.committed
    );
}

/// Seeds 10067 and 15446: the transaction coordinator wrote COMMIT markers for a
/// PrepareCommit that had not reached the ISR (a follower of its `__transaction_state`
/// partition had stopped fetching). `end_txn` switched the in-memory state to PrepareCommit
/// before the append was replicated, and the coordinator's periodic tick, seeing PrepareCommit
/// with markers outstanding, sent them. The group's partition applied the offsets; the output
/// partition's marker stayed above its high watermark. Then the coordinator and the output
/// leader died, the new leaders (clean elections) had neither the PrepareCommit nor the
/// output's marker, the restarted instance's InitProducerId found the transaction Ongoing and
/// aborted it: output aborted, input offsets committed. Kafka changes the state only once the
/// record is replicated (`TransactionStateManager.appendTransactionToLog` →
/// `completeTransitionTo`) and sends the markers from that callback
/// (`TransactionCoordinator.endTransaction`'s `sendTxnMarkersCallback`).
#[test]
fn markers_wait_for_the_prepare_commit_record_to_replicate() {
    for name in [
        "seed-10067-exactly_once_pipeline.json",
        "seed-15446-exactly_once_pipeline.json",
    ] {
        let r = replay(name);
        assert_holds(&r, invariants::EXACTLY_ONCE);
        assert!(r.live_at.is_some(), "{name}: liveness never held");

        let sc = finding(name);
        let end = sc.default_end();
        let mut s = Session::new(sc, None).unwrap();
        s.advance_to(end);
        let check = s.cluster.pipeline_check("proc").unwrap();
        assert_eq!(check.lost, 0, "{name}: {check:?}");
        assert_eq!(check.duplicates, 0, "{name}: {check:?}");
        assert!(check.inputs > 0, "{name}: the pipeline made progress");
    }
}

/// The mechanism of seeds 10067 and 15446 on a small cluster: while a follower of the
/// coordinator's `__transaction_state` partition does not fetch, commitTransaction waits
/// (its PrepareCommit is not durable) and no marker reaches the data partition; once the
/// follower catches up the commit completes.
#[test]
fn commit_markers_are_sent_only_after_prepare_commit_is_durable() {
    use kafka_sim::transaction_manager::TxnPhase;
    let mut c = Cluster::new(&ClusterSpec {
        config: cfg(&[("transaction.state.log.num.partitions", "1")]),
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("tx", 1, 3, &cfg(&[]), None).unwrap();
    c.add_producer("txp", &cfg(&[("transactional.id", "t1")]))
        .unwrap();
    c.advance(2_000);
    c.begin_txn("txp").unwrap();
    c.produce("txp", "tx", Some("k"), Some("v"), None, &[], 1)
        .unwrap();
    c.advance(500);
    let state_tp = c.tp(kafka_sim::txn::TXN_TOPIC, 0).unwrap();
    let coordinator = c.leader_of(state_tp).unwrap();
    let follower = (1..=3).find(|b| *b != coordinator).unwrap();
    c.set_fetchers_paused(follower, true).unwrap();
    c.commit_txn("txp").unwrap();
    // Three coordinator ticks (1 s each), within the 5 s the append may wait for the ISR.
    c.advance(3_000);
    let markers = |c: &Cluster| {
        c.records("tx", 0, None, 0, usize::MAX)
            .iter()
            .filter(|r| r.control.is_some())
            .count()
    };
    assert_eq!(
        markers(&c),
        0,
        "a marker was written before PrepareCommit replicated"
    );
    assert!(
        c.brokers[&coordinator].txns.transitions.contains_key("t1"),
        "PrepareCommit is still pending"
    );
    let phase = |c: &Cluster| c.producer("txp").unwrap().txn.as_ref().unwrap().phase;
    assert_ne!(
        phase(&c),
        TxnPhase::Ready,
        "commitTransaction returned early"
    );

    c.set_fetchers_paused(follower, false).unwrap();
    c.advance(2_000);
    assert_eq!(markers(&c), 1, "the COMMIT marker");
    assert_eq!(phase(&c), TxnPhase::Ready, "the commit completed");
    assert!(c.brokers[&coordinator].txns.transitions.is_empty());
}

/// Found with seed 104: a restarted client received the responses to its crashed
/// predecessor's requests (the new consumer adopted the old member id from a JoinGroup
/// response). A restarted process has new connections: those responses are dropped.
#[test]
fn restarted_client_never_sees_its_predecessors_responses() {
    let mut c = Cluster::new(&ClusterSpec {
        latency_ms: 20,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("t", 1, 3, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[("linger.ms", "0")])).unwrap();
    c.produce("p", "t", Some("k"), Some("first"), None, &[], 1)
        .unwrap();
    c.advance(1_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 1);
    let before = c.trace.len();
    c.produce("p", "t", Some("k"), Some("v"), None, &[], 1)
        .unwrap();
    // The Produce is on its way (20 ms each way): crash and restart the producer before
    // the response comes back.
    c.advance(25);
    c.crash_client("p").unwrap();
    c.add_producer("p", &cfg(&[("linger.ms", "0")])).unwrap();
    c.advance(150);
    let dropped = c.trace.since(before).any(|e| {
        matches!(&e.kind, kafka_sim::trace::TraceKind::Drop { name, reason, .. }
            if name == "ProduceResponse" && reason.contains("restarted"))
    });
    assert!(dropped, "the old ProduceResponse was not dropped");
    assert_eq!(
        c.producer("p").unwrap().stats.acked,
        0,
        "the new producer counted an acknowledgement for a record it never sent"
    );
}

/// Seed 4032: the restarted idempotent producer's first batch (sequence 0) was refused with
/// NOT_ENOUGH_REPLICAS while sequences 1 and 3 were written; resent, sequence 0 got
/// OUT_OF_ORDER_SEQUENCE_NUMBER. Kafka's client (`TransactionManager.canRetry`) then bumps the
/// epoch and *retries* that batch renumbered from 0; the simulator used to fail it, telling
/// the application its records were lost. (The duplicates of sequences 1 and 3 that the
/// renumbering writes are Kafka's own window, KAFKA-14034: see docs/simulation-testing.md.)
#[test]
fn out_of_order_sequence_bumps_the_epoch_and_retries_the_batch() {
    use kafka_sim::error::ErrorCode;
    use kafka_sim::ledger::Outcome;
    let sc = finding("seed-4032-idempotence_no_duplicates.json");
    let end = sc.default_end();
    let mut s = Session::new(sc, None).unwrap();
    s.advance_to(end);
    let p = s
        .cluster
        .view()
        .producers
        .into_iter()
        .find(|p| p.id == "p0")
        .unwrap();
    assert!(
        p.errors.contains_key("OUT_OF_ORDER_SEQUENCE_NUMBER"),
        "the scenario still provokes the gap: {:?}",
        p.errors
    );
    assert!(p.producer_epoch >= 1, "the epoch was bumped");
    let failed_out_of_order: Vec<u64> = s
        .cluster
        .ledger
        .entries()
        .filter(|e| {
            matches!(
                e.outcome,
                Outcome::Failed {
                    error: ErrorCode::OutOfOrderSequenceNumber,
                    ..
                }
            )
        })
        .map(|e| e.id)
        .collect();
    assert!(
        failed_out_of_order.is_empty(),
        "records failed with OUT_OF_ORDER_SEQUENCE_NUMBER instead of being retried: {failed_out_of_order:?}"
    );
}

/// Seed 4032, the duplicates themselves: the epoch bump renumbered batches `broker-3` had
/// already written under epoch 0 (their responses timed out), and their retries under epoch 1
/// were appended as new data. That is Kafka's window (KAFKA-14034), so the checker excuses
/// exactly those copies: records the producer renumbered after sending them, one copy per
/// producer epoch. A second copy under the *same* epoch is still a violation.
#[test]
fn kip360_renumbering_duplicates_are_excused_only_across_epochs() {
    let sc = finding("seed-4032-idempotence_no_duplicates.json");
    let end = sc.default_end();
    let mut s = Session::new(sc, None).unwrap();
    s.advance_to(end);
    let mut checker = invariants::Checker::new();
    checker.after_event(&s.cluster);
    let audit = checker.check_promises(&s.cluster);
    let dups: Vec<_> = audit.duplicates.iter().filter(|d| d.idempotent).collect();
    assert!(
        !dups.is_empty(),
        "the scenario no longer writes the renumbered batches twice"
    );
    let d = dups[0].clone();
    let tp = Tp::new(s.cluster.topic_id(&d.topic).unwrap(), d.partition);
    let leader = s.cluster.leader_of(tp).unwrap();
    let epochs = |c: &Cluster| -> Vec<i16> {
        let log = &c.brokers[&leader].partitions[&tp].log;
        d.offsets
            .iter()
            .map(|o| log.entry_at(*o).unwrap().0.producer_epoch)
            .collect()
    };
    let first_epochs = epochs(&s.cluster);
    assert_eq!(first_epochs.len(), 2, "{d:?}");
    assert!(
        first_epochs[0] < first_epochs[1],
        "the copies are under the old and the bumped epoch: {first_epochs:?}"
    );
    assert!(s.cluster.ledger.get(d.id).unwrap().renumbered, "{d:?}");
    assert!(d.renumbered, "{d:?}");
    assert!(
        !checker
            .violations()
            .iter()
            .any(|v| v.invariant == invariants::IDEMPOTENT),
        "{:?}",
        checker.violations()
    );
    assert_holds(
        &replay("seed-4032-idempotence_no_duplicates.json"),
        invariants::IDEMPOTENT,
    );

    // Write the newest copy's batch once more under the same epoch (as a broker that lost its
    // producer state might): now two copies share an epoch and the checker must object.
    let last = *d.offsets.last().unwrap();
    let log = &mut s
        .cluster
        .brokers
        .get_mut(&leader)
        .unwrap()
        .partitions
        .get_mut(&tp)
        .unwrap()
        .log;
    let (header, _) = log.entry_at(last).unwrap();
    let chunk = log
        .chunks()
        .find(|c| {
            c.batches()
                .iter()
                .any(|b| b.base_offset == header.base_offset)
        })
        .unwrap()
        .clone();
    let mut again = kafka_sim::record::Records::new();
    again.append_batch_from(&chunk, &header, |_| true);
    let at = log.log_end_offset();
    again.assign_offsets(at, header.partition_leader_epoch, None);
    log.append_as_follower(&again, end as i64).unwrap();
    let offset = at + (last - header.base_offset);
    s.cluster.ledger.on_append(
        d.id,
        kafka_sim::ledger::Append {
            broker: leader,
            offset,
            leader_epoch: header.partition_leader_epoch,
            at: end,
        },
    );
    assert_eq!(
        epochs(&s.cluster).len(),
        2,
        "offsets of the audit before the extra copy"
    );
    let mut checker = invariants::Checker::new();
    checker.after_event(&s.cluster);
    let audit = checker.check_promises(&s.cluster);
    let again = audit.duplicates.iter().find(|x| x.id == d.id).unwrap();
    assert_eq!(again.offsets.len(), 3, "{again:?}");
    assert!(!again.renumbered, "{again:?}");
    assert!(
        checker
            .violations()
            .iter()
            .any(|v| v.invariant == invariants::IDEMPOTENT && v.detail.contains(&d.id.to_string())),
        "a same-epoch copy was excused: {:?}",
        checker.violations()
    );
}

/// The COMMIT/ABORT markers on every replica of `topic`: (broker, partition, offset, type).
fn markers(c: &Cluster, topic: &str) -> Vec<(i32, i32, i64, kafka_sim::record::ControlType)> {
    let id = c.topic_id(topic).unwrap();
    let mut out = Vec::new();
    for (b, broker) in &c.brokers {
        for (tp, p) in broker.partitions.iter().filter(|(tp, _)| tp.topic == id) {
            for chunk in p.log.chunks() {
                for batch in chunk.batches() {
                    if let Some(ctl) = batch.control {
                        out.push((*b, tp.partition, batch.base_offset, ctl));
                    }
                }
            }
        }
    }
    out
}

/// Seed 21739: the transaction coordinator (broker-3) appended PrepareCommit for `tx-app`,
/// which could not replicate (its follower's fetch responses took 576 ms, then broker-3
/// stopped). The coordinator's periodic tick saw the in-memory state PrepareCommit with
/// markers pending and sent COMMIT markers anyway, so `tx-1` and `tx-2` committed and the
/// read_committed consumer read both records. broker-1, elected coordinator, loaded the
/// transaction as Ongoing (the PrepareCommit record was truncated) and aborted it when the
/// producer asked: ABORT markers after COMMIT markers, and the producer told the records were
/// aborted. Kafka changes a transaction's state only once its record is durable
/// (`TransactionStateManager.appendTransactionToLog` → `completeTransitionTo`, the pending
/// transition blocks everything else) and sends markers from that callback
/// (`TransactionCoordinator.endTransaction` → `sendTxnMarkersCallback`); a failed write
/// leaves the transaction Ongoing. (Same engine bug as seeds 10067 and 15446.)
#[test]
fn markers_wait_until_prepare_commit_is_durable() {
    use kafka_sim::record::ControlType;
    let name = "seed-21739-read_committed_no_aborted_reads.json";
    let r = replay(name);
    assert_holds(&r, invariants::READ_COMMITTED);

    let sc = finding(name);
    let end = sc.default_end();
    let mut s = Session::new(sc, None).unwrap();
    // PrepareCommit went into broker-3's log at 4904 ms; the old tick sent the markers at
    // 5000 ms. broker-3 stops at 5489 ms.
    s.advance_to(5_450);
    assert_eq!(
        markers(&s.cluster, "tx"),
        vec![],
        "markers written before PrepareCommit was durable"
    );
    s.advance_to(end);
    let m = markers(&s.cluster, "tx");
    assert!(!m.is_empty(), "the transaction was never completed");
    // The script's abortTransaction() at 5040 ms comes while commitTransaction() is still
    // completing, and is refused (COMMITTING_TRANSACTION → ABORTING_TRANSACTION is not a valid
    // transition): the producer retries EndTxn(commit) at the new coordinator, which commits.
    // One decision, on every partition and replica.
    assert!(
        m.iter().all(|x| x.3 == ControlType::Commit),
        "the committed transaction has ABORT markers: {m:?}"
    );
    assert_eq!(s.cluster.aborted_reads("rc"), 0);
}

/// Seed 24923 (profile unclean, but `tx` elects cleanly): the same premature markers. The
/// coordinator broker-2 appended PrepareCommit (5741 ms) while both followers' fetchers were
/// paused; its tick sent COMMIT markers at 6000 ms; `tx-0` committed and the read_committed
/// consumer read its 4 records. The COMMIT marker on `tx-1` never replicated and was
/// truncated; broker-1, the next coordinator, had the transaction Ongoing and aborted it.
/// Kafka has no such window: the markers follow the durable PrepareCommit, so an unclean
/// election of a data partition plays no part here.
#[test]
fn markers_wait_until_prepare_commit_is_durable_seed_24923() {
    use kafka_sim::record::ControlType;
    let name = "seed-24923-read_committed_no_aborted_reads.json";
    let r = replay(name);
    assert_holds(&r, invariants::READ_COMMITTED);

    let sc = finding(name);
    let end = sc.default_end();
    let mut s = Session::new(sc, None).unwrap();
    s.advance_to(7_000);
    // (The ABORT marker at `tx-0` offset 0 ends the producer's earlier transaction.)
    let m = markers(&s.cluster, "tx");
    assert!(
        !m.iter().any(|x| x.3 == ControlType::Commit),
        "COMMIT markers written before PrepareCommit was durable: {m:?}"
    );
    s.advance_to(end);
    // The abortTransaction() at 7417 ms comes while the commit is still completing and is
    // refused, so the transaction commits: after the earlier transaction's ABORT at `tx-0`
    // offset 0, every marker is COMMIT, and every replica has the same markers.
    let m = markers(&s.cluster, "tx");
    let later: Vec<_> = m.iter().filter(|x| (x.1, x.2) != (0, 0)).collect();
    assert!(
        !later.is_empty(),
        "the transaction was never completed: {m:?}"
    );
    assert!(
        later.iter().all(|x| x.3 == ControlType::Commit),
        "the committed transaction has ABORT markers: {m:?}"
    );
    let on = |b: i32| {
        m.iter()
            .filter(|x| x.0 == b)
            .map(|x| (x.1, x.2, x.3))
            .collect::<Vec<_>>()
    };
    assert!(on(1) == on(2) && on(2) == on(3), "replicas disagree: {m:?}");
    assert_eq!(s.cluster.aborted_reads("rc"), 0);
}

/// Seed 12067: a long poll of `in-0` from offset 58 was in flight when a rebalance gave the
/// partition back to the processor's consumer at the committed offset 14. The old response
/// arrived, was buffered, and moved the position to 59: inputs 14–57 were never processed
/// though their offsets were committed by later transactions. Kafka's `FetchCollector`
/// discards a response whose fetch offset is not the current position.
#[test]
fn stale_fetch_response_after_a_rebalance_is_discarded() {
    let r = replay("seed-12067-exactly_once_pipeline.json");
    assert_holds(&r, invariants::EXACTLY_ONCE);
    assert!(
        discarded_stale_fetches("seed-12067-exactly_once_pipeline.json") > 0,
        "the scenario no longer exercises a stale fetch response"
    );
}

/// Seed 49039 (at_least_once profile): the same stale response, seen by an at-least-once
/// processor. The group committed past 7 inputs whose outputs were never written.
#[test]
fn stale_fetch_response_does_not_skip_inputs_of_an_at_least_once_processor() {
    let r = replay("seed-49039-at_least_once_no_loss.json");
    assert_holds(&r, invariants::AT_LEAST_ONCE);
    assert!(
        discarded_stale_fetches("seed-49039-at_least_once_no_loss.json") > 0,
        "the scenario no longer exercises a stale fetch response"
    );
}

/// How many fetch responses consumers discarded as stale while the finding ran.
fn discarded_stale_fetches(name: &str) -> usize {
    let mut s = Session::new(finding(name), None).unwrap();
    s.advance_to(40_000);
    s.cluster
        .trace
        .since(0)
        .filter(|e| {
            matches!(&e.kind, kafka_sim::trace::TraceKind::Note { text }
                if text.contains("ignoring fetched data"))
        })
        .count()
}

/// The mechanism of seed 12067 on a hand-built cluster: a long-poll fetch at offset 10 is in
/// flight when the application seeks back to 3. The response (records 10–14) must not move
/// the position past 3..9: the consumer fetches again from 3 and delivers 3..14 in order.
#[test]
fn fetch_response_for_an_old_position_does_not_move_the_position() {
    let mut c = Cluster::new(&ClusterSpec {
        latency_ms: 5,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("t", 1, 1, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[("linger.ms", "0")])).unwrap();
    for i in 0..10 {
        c.produce("p", "t", None, Some(&format!("v{i}")), Some(0), &[], 1)
            .unwrap();
    }
    c.add_consumer(
        "c",
        None,
        &["t".to_string()],
        &cfg(&[
            ("fetch.max.wait.ms", "5000"),
            ("auto.offset.reset", "earliest"),
        ]),
        0,
    )
    .unwrap();
    c.advance(2_000);
    let tp = Tp {
        topic: 0,
        partition: 0,
    };
    assert_eq!(c.consumer("c").unwrap().position(tp), Some(10));
    // A long poll at offset 10 now waits at the broker for data.
    c.advance(100);
    c.seek("c", "t", 0, kafka_sim::consumer::SeekTo::Offset(3))
        .unwrap();
    // New records complete the long poll that asked for offset 10.
    for i in 10..15 {
        c.produce("p", "t", None, Some(&format!("v{i}")), Some(0), &[], 1)
            .unwrap();
    }
    c.advance(2_000);
    let consumer = c.consumer("c").unwrap();
    assert_eq!(consumer.position(tp), Some(15));
    let offsets: Vec<i64> = consumer.delivered.iter().map(|d| d.offset).collect();
    let expected: Vec<i64> = (0..10).chain(3..15).collect();
    assert_eq!(
        offsets, expected,
        "after the seek the consumer delivers 3..14 in order, with nothing skipped"
    );
}

/// Seed 98794 (campaign of stop 13): the input producer's KIP-360 epoch bump wrote two input
/// records twice (Kafka's own window, see seed 4032), at `in-1` offsets 0–1 and 4–5. The
/// exactly-once processor processed each of the four offsets once, but the check counted
/// outputs per source record id and reported two duplicates. Each committed input copy is an
/// input of its own: the check now allows one output per copy.
#[test]
fn duplicate_input_copies_each_get_their_own_exactly_once_output() {
    let name = "seed-98794-exactly_once_pipeline.json";
    let r = replay(name);
    assert_holds(&r, invariants::EXACTLY_ONCE);
    let mut s = Session::new(finding(name), None).unwrap();
    s.advance_to(31_400);
    let c = &s.cluster;
    // The input really holds a record twice, and the output holds two copies of its output.
    let mut ids = BTreeMap::new();
    for part in 0..3 {
        for rec in c.records("in", part, None, 0, usize::MAX) {
            if rec.control.is_none() {
                *ids.entry(rec.id).or_insert(0u32) += 1;
            }
        }
    }
    assert!(
        ids.values().any(|n| *n > 1),
        "the scenario no longer writes an input record twice"
    );
    let check = c.pipeline_check("proc").unwrap();
    assert_eq!(check.duplicates, 0, "{check:?}");
    assert_eq!(check.lost, 0, "{check:?}");
    assert_eq!(check.inputs, check.outputs, "{check:?}");
}

/// Seed 94053 (campaign of stop 13, unclean profile): a KIP-848 member's first heartbeat
/// created the group on broker 1, whose follower broker 2 had paused fetchers but was still in
/// the ISR, so the group's records were not committed. The member's retried epoch-0
/// heartbeat wrote nothing and was answered at once with epoch 1 and an assignment. Broker 1
/// stopped, broker 2 was elected cleanly without the records, and answered the member's
/// epoch-1 heartbeat with GROUP_ID_NOT_FOUND, which the client treats as fatal. A heartbeat
/// that writes nothing now waits, as Kafka's coordinator runtime does, until the
/// coordinator's earlier writes are committed.
#[test]
fn a_heartbeat_is_not_answered_from_uncommitted_group_records() {
    let name = "seed-94053-liveness_every_group_stable.json";
    let r = replay(name);
    assert_holds(&r, invariants::LIVE_GROUPS);
    let mut s = Session::new(finding(name), None).unwrap();
    s.advance_to(60_000);
    let c = &s.cluster;
    let g = c.group_view("g0").unwrap();
    assert_eq!(g.state, "Stable");
    assert_eq!(g.members.len(), 1);
    let membership = c.consumer("c00").unwrap().consumer_membership.as_ref();
    assert_eq!(
        Some(membership.unwrap().member_epoch),
        g.members[0].member_epoch,
        "the member is in the group the coordinator knows"
    );
    assert!(
        !c.trace
            .events()
            .any(|e| format!("{:?}", e.kind).contains("GROUP_ID_NOT_FOUND")),
        "no coordinator answered GROUP_ID_NOT_FOUND"
    );
}

/// The rule on its own: while every follower of the group's `__consumer_offsets` partition
/// has paused fetchers but is still in the ISR (for `replica.lag.time.max.ms`), the group's
/// records are not committed and the joining member gets no epoch and no partitions; once the
/// ISR shrinks to the leader they commit and the member is answered.
#[test]
fn a_consumer_group_member_learns_its_epoch_only_from_committed_records() {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 7,
        config: cfg(&[("replica.lag.time.max.ms", "10000")]),
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("t", 2, 1, &cfg(&[]), None).unwrap();
    for b in 1..=3 {
        c.set_fetchers_paused(b, true).unwrap();
    }
    let conf = cfg(&[
        ("group.protocol", "consumer"),
        ("auto.offset.reset", "earliest"),
    ]);
    c.add_consumer("c", Some("g"), &["t".into()], &conf, 0)
        .unwrap();
    c.advance(8_000);
    let epoch = |c: &Cluster| {
        c.consumer("c")
            .unwrap()
            .consumer_membership
            .as_ref()
            .unwrap()
            .member_epoch
    };
    // The coordinator has created the group in memory, but its records wait for the paused
    // followers: the member is still joining.
    let view = c.group_view("g").unwrap();
    assert_eq!(view.members.len(), 1, "the coordinator knows the member");
    assert_eq!(epoch(&c), 0, "no epoch learnt from uncommitted records");
    assert!(c.consumer("c").unwrap().assignment.is_empty());
    // The ISR shrinks after replica.lag.time.max.ms; the records commit; the member joins.
    c.advance(20_000);
    assert!(
        epoch(&c) > 0,
        "the member joined once the records committed"
    );
    assert_eq!(c.consumer("c").unwrap().assignment.len(), 2);
}

/// Seed 3741 (CI campaign of stop 31): group g0's coordinator failed over while its only
/// member had crashed. The new coordinator loaded the member with default timeouts (45 s
/// session, 300 s rebalance) instead of its own, and minted for the next joiner the same
/// deterministic id the old coordinator had given the crashed member; that joiner closed
/// before using it, and a MEMBER_ID_REQUIRED id never expired, so the next rebalance waited
/// for it forever. Kafka stores each member's timeouts in the group record, uses random
/// member ids, and expires pending members after their session timeout.
#[test]
fn a_failed_over_group_expires_loaded_and_pending_members() {
    let name = "seed-3741-liveness_every_group_stable.json";
    let r = replay(name);
    assert_holds(&r, invariants::LIVE_GROUPS);
    assert!(r.live_at.is_some(), "the group never settled");

    let mut s = Session::new(finding(name), None).unwrap();
    // The crashed member's session is 1477 ms: the loaded copy expires within seconds of the
    // failover, and the member that joins at 9.79 s gets every partition.
    s.advance_to(20_000);
    let g = s.cluster.group_view("g0").unwrap();
    assert_eq!(g.state, "Stable", "{g:?}");
    assert_eq!(g.members.len(), 1, "{g:?}");
    assert_eq!(g.members[0].assignment.len(), 3, "{g:?}");
}

/// Seed 552158: the group coordinator (broker 1) was cut off while generation 3's sync waited
/// for its group record to replicate. Broker 2 took over and loaded generation 2; its own
/// generation 3 gave every partition to c01, while c02, which had joined broker 1's
/// generation 3 and kept its partitions during that cooperative rebalance, still owned them
/// until it reached the new coordinator. That is Kafka's zombie member (the consumer keeps
/// what it owns until a coordinator tells it otherwise, and generation numbers are handed
/// out again after such a failover); its commits are fenced. The checker compared the
/// generation numbers alone. It now compares members the coordinator knows.
///
/// c02 reached the new coordinator late because its FindCoordinator went to the cut-off
/// broker and waited out request.timeout.ms. Since a consumer's timed-out fetch closes the
/// connection and puts the broker in reconnect backoff (stop 33), c02 asks another broker and
/// stays a member, so the fixture no longer makes a zombie; the zombie is built by hand below.
#[test]
fn a_member_unknown_to_a_new_coordinator_is_a_zombie_not_a_second_owner() {
    use kafka_sim::cluster::Client;
    let r = replay("seed-552158-one_owner_per_partition.json");
    assert_holds(&r, invariants::ONE_OWNER);

    // Two members of one generation own one partition.
    let mut c = Cluster::new(&ClusterSpec::default()).unwrap();
    c.create_topic("t", 2, 1, &cfg(&[]), None).unwrap();
    for name in ["a", "b"] {
        c.add_consumer(name, Some("g"), &["t".into()], &cfg(&[]), 0)
            .unwrap();
    }
    c.advance(10_000);
    let mut checker = kafka_sim::invariants::Checker::new();
    checker.after_event(&c);
    assert!(checker.is_clean(), "{:?}", checker.violations());
    let a_owns = c.consumer("a").unwrap().assignment.clone();
    assert_eq!(a_owns.len(), 1);
    let give_b_a_partition = |c: &mut Cluster, member_id: Option<&str>| {
        for client in &mut c.clients {
            if let Client::Consumer(k) = client {
                if k.name == "b" {
                    for tp in a_owns.iter() {
                        k.assignment.insert(*tp);
                    }
                    if let (Some(id), Some(m)) = (member_id, k.membership.as_mut()) {
                        m.member_id = id.to_string();
                    }
                }
            }
        }
    };
    // b as a zombie: a member id the coordinator does not know (it expired, or a failed-over
    // coordinator never loaded it). Its commits are fenced; it is not a second owner.
    let mut zombie = c.clone();
    give_b_a_partition(&mut zombie, Some("b-unknown-to-the-coordinator"));
    let mut zombie_checker = kafka_sim::invariants::Checker::new();
    zombie_checker.after_event(&zombie);
    assert!(
        zombie_checker.is_clean(),
        "{:?}",
        zombie_checker.violations()
    );
    // b as a member the coordinator knows: two owners, reported.
    give_b_a_partition(&mut c, None);
    checker.after_event(&c);
    assert!(
        checker
            .violations()
            .iter()
            .any(|v| v.invariant == invariants::ONE_OWNER),
        "{:?}",
        checker.violations()
    );
}

/// Seed 552197: a processor's JoinGroup was parked at its coordinator, broker 1, waiting for
/// a crashed member. Broker 1 was cut off and lost the leadership of `__consumer_offsets-0`;
/// when it learned so it dropped the group without answering, and the consumer waited out the
/// JoinGroup's timeout (max.poll.interval.ms + 5 s, 305 s) before looking for the new
/// coordinator. Kafka's `GroupMetadataManager.onUnloaded` answers every parked JoinGroup and
/// SyncGroup with NOT_COORDINATOR, so the member moves at once.
#[test]
fn an_unloaded_group_answers_its_parked_join_with_not_coordinator() {
    let name = "seed-552197-liveness_every_group_stable.json";
    let r = replay(name);
    assert_holds(&r, invariants::LIVE_GROUPS);
    assert!(
        r.live_at.is_some_and(|t| t < 20_000),
        "settled at {:?}",
        r.live_at
    );

    let mut s = Session::new(finding(name), None).unwrap();
    s.advance_to(15_000);
    let g = s.cluster.group_view("proc-group").unwrap();
    assert_eq!(g.state, "Stable", "{g:?}");
    let told = s.cluster.trace.notable_newest_first().any(|e| {
        matches!(&e.kind, kafka_sim::trace::TraceKind::Group { event, .. }
            if event.contains("proc-consumer") && event.contains("NOT_COORDINATOR"))
    });
    assert!(told, "the parked JoinGroup was answered NOT_COORDINATOR");
}

/// Seed 601211 (30,000 events): a lost record's explanation reads what a past leader's log
/// holds at the lost offset ("its offset 441 held another record … which took this one's
/// place"). That broker, now a follower, compacted the offset away; the incremental summary
/// watched only the current leaders' logs, so it kept the old explanation while a full scan
/// dropped the clause. It now also watches every other replica's log start, compaction holes
/// and log end.
#[test]
fn the_durability_summary_sees_a_past_leaders_log_compacted() {
    summary_matches_full_scan(
        "seed-601211-ledger_summary_matches_full_scan.json",
        22_400,
        22_401..=22_600,
    );
}

/// Replay finding `name` to `from` ms (asking for the summary there), then compare the
/// incremental durability summary with a full scan at each of `times`.
fn summary_matches_full_scan(name: &str, from: u64, times: impl IntoIterator<Item = u64>) {
    let mut s = Session::new(finding(name), None).unwrap();
    s.advance_to(from);
    let _ = s.cluster.durability();
    for t in times {
        s.advance_to(t);
        assert_eq!(
            s.cluster.durability(),
            s.cluster.durability_full(),
            "{name} at {t} ms"
        );
    }
}

/// Seed 681419 (the power_loss profile, stop 36): a loss's explanation reads what the leader
/// elected after the record was written holds at the lost offset. That broker lost power
/// (its log truncated to 0; a history event, so the summary started over) and then fetched
/// its log back past the offset. The summary admitted the regrown log as "only grew" and kept
/// the explanation it had made while the log was short; a full scan found the record at the
/// offset again. A replica's log growing across the offset of a listed loss now starts the
/// summary over.
#[test]
fn the_durability_summary_sees_a_log_regrow_past_a_lost_offset() {
    summary_matches_full_scan(
        "seed-681419-ledger_summary_matches_full_scan.json",
        9_700,
        (9_710..=11_000).step_by(10),
    );
}

/// Seed 690287 (the power_loss profile at 30,000 events, stop 36): the durability summary
/// counted a record as expired (compacted) while a full scan found it lost. A power loss had
/// truncated a compacted log below its cleaner checkpoint (`first_dirty_offset`), so an offset
/// past the new log end read as "cleaned away"; once the log grew back past it the record
/// was lost, and the summary, which admits a growing log, kept the old count. Kafka moves the
/// checkpoint back to the active segment's base offset on truncation
/// (`LogManager.truncateTo` → `maybeTruncateCleanerCheckpointToActiveSegmentBaseOffset`), and
/// so does the engine now.
#[test]
fn a_truncated_compacted_log_moves_its_cleaner_checkpoint_back() {
    let r = replay("seed-690287-ledger_summary_matches_full_scan.json");
    assert_holds(&r, invariants::LEDGER_SUMMARY);
}
