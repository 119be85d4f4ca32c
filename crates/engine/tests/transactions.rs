//! Exactly-once building blocks (semantics digest §4 and §5): idempotent retries,
//! transactions with markers, the LSO and read_committed, zombie fencing, timeouts, and
//! offsets sent to a transaction.
#![allow(clippy::unwrap_used)]

use kafka_sim::{Cluster, ClusterSpec};
use std::collections::BTreeMap;

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn cluster() -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 3,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_topic("in", 1, 3, &cfg(&[]), None).unwrap();
    c.create_topic("out", 2, 3, &cfg(&[]), None).unwrap();
    c
}

fn duplicates_with_lost_responses(idempotence: bool) -> u64 {
    let mut c = cluster();
    let conf = if idempotence {
        vec![("enable.idempotence", "true")]
    } else {
        vec![("enable.idempotence", "false")]
    };
    c.add_producer("p", &cfg(&conf)).unwrap();
    c.advance(200);
    c.lose_produce_responses("p", 2).unwrap();
    c.produce("p", "out", Some("k"), Some("v"), None, &[], 5)
        .unwrap();
    c.advance(120_000);
    let d = c.durability();
    assert_eq!(d.acked, 5, "every record is eventually acknowledged: {d:?}");
    assert!(c.producer("p").unwrap().stats.retries >= 2);
    d.duplicates
}

#[test]
fn retries_duplicate_without_idempotence_and_not_with_it() {
    assert!(
        duplicates_with_lost_responses(false) >= 1,
        "the broker appended, the producer retried: a duplicate"
    );
    assert_eq!(
        duplicates_with_lost_responses(true),
        0,
        "the broker recognised the retried batch by its sequence number"
    );
}

fn tx_producer(c: &mut Cluster, name: &str) {
    c.add_producer(name, &cfg(&[("transactional.id", "tx-1")]))
        .unwrap();
}

fn reader(c: &mut Cluster, name: &str, level: &str) {
    c.add_consumer(
        name,
        None,
        &["out".into()],
        &cfg(&[
            ("auto.offset.reset", "earliest"),
            ("isolation.level", level),
        ]),
        0,
    )
    .unwrap();
}

#[test]
fn a_committed_transaction_becomes_visible_to_read_committed_atomically() {
    let mut c = cluster();
    tx_producer(&mut c, "p");
    reader(&mut c, "rc", "read_committed");
    reader(&mut c, "ru", "read_uncommitted");
    c.advance(3_000);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("a"), Some("1"), Some(0), &[], 2)
        .unwrap();
    c.produce("p", "out", Some("b"), Some("2"), Some(1), &[], 2)
        .unwrap();
    c.advance(2_000);
    assert_eq!(
        c.consumer("ru").unwrap().delivered_total,
        4,
        "read_uncommitted sees records of an open transaction"
    );
    assert_eq!(
        c.consumer("rc").unwrap().delivered_total,
        0,
        "read_committed stops at the LSO"
    );
    let tp = c.tp("out", 0).unwrap();
    let p = c.partition_view(tp);
    assert_eq!(
        p.last_stable_offset, 0,
        "the open transaction pins the LSO at its first offset"
    );
    assert_eq!(p.high_watermark, 2);
    c.commit_txn("p").unwrap();
    c.advance(2_000);
    assert_eq!(c.consumer("rc").unwrap().delivered_total, 4);
    let p = c.partition_view(tp);
    assert_eq!(p.log_end_offset, 3, "a COMMIT marker occupies one offset");
    assert_eq!(p.last_stable_offset, 3);
    let recs = c.records("out", 0, None, 0, 10);
    assert_eq!(recs[2].control.as_deref(), Some("COMMIT"));
    assert_eq!(c.producer("p").unwrap().txn.as_ref().unwrap().committed, 1);
}

#[test]
fn an_aborted_transaction_is_invisible_to_read_committed_and_visible_to_read_uncommitted() {
    let mut c = cluster();
    tx_producer(&mut c, "p");
    reader(&mut c, "rc", "read_committed");
    reader(&mut c, "ru", "read_uncommitted");
    c.advance(3_000);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("a"), Some("x"), Some(0), &[], 3)
        .unwrap();
    c.advance(1_000);
    c.abort_txn("p").unwrap();
    c.advance(1_000);
    // Then a committed one after it.
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("a"), Some("y"), Some(0), &[], 2)
        .unwrap();
    c.advance(500);
    c.commit_txn("p").unwrap();
    c.advance(2_000);
    assert_eq!(c.consumer("ru").unwrap().delivered_total, 5);
    assert_eq!(
        c.consumer("rc").unwrap().delivered_total,
        2,
        "the aborted records are skipped"
    );
    assert_eq!(c.aborted_reads("ru"), 3);
    assert_eq!(c.aborted_reads("rc"), 0);
    let tp = c.tp("out", 0).unwrap();
    assert_eq!(
        c.consumer("rc").unwrap().position(tp),
        Some(7),
        "the position moves past markers and aborted records"
    );
}

#[test]
fn a_new_instance_fences_the_zombie() {
    let mut c = cluster();
    tx_producer(&mut c, "old");
    c.advance(3_000);
    c.begin_txn("old").unwrap();
    c.produce("old", "out", Some("a"), Some("zombie"), Some(0), &[], 1)
        .unwrap();
    c.advance(500);
    // A new instance with the same transactional.id: initTransactions aborts the open
    // transaction and bumps the epoch.
    c.add_producer("new", &cfg(&[("transactional.id", "tx-1")]))
        .unwrap();
    c.advance(3_000);
    let new_epoch = c.producer("new").unwrap().producer_epoch;
    assert!(new_epoch > c.producer("old").unwrap().producer_epoch);
    c.commit_txn("old").unwrap();
    c.advance(2_000);
    let old = c.producer("old").unwrap();
    assert!(
        old.stats.errors.contains_key("PRODUCER_FENCED"),
        "{:?}",
        old.stats.errors
    );
    assert!(old.txn.as_ref().unwrap().phase.name().starts_with("fenced"));
    // The zombie's record is aborted: read_committed never sees it.
    reader(&mut c, "rc", "read_committed");
    c.advance(2_000);
    assert_eq!(c.consumer("rc").unwrap().delivered_total, 0);
}

#[test]
fn a_stalled_transaction_is_aborted_after_its_timeout() {
    let mut c = cluster();
    c.add_producer(
        "p",
        &cfg(&[
            ("transactional.id", "slow"),
            ("transaction.timeout.ms", "10000"),
        ]),
    )
    .unwrap();
    reader(&mut c, "rc", "read_committed");
    c.advance(3_000);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("a"), Some("v"), Some(0), &[], 2)
        .unwrap();
    c.advance(30_000);
    let tp = c.tp("out", 0).unwrap();
    let p = c.partition_view(tp);
    assert_eq!(p.log_end_offset, 3, "the coordinator wrote an ABORT marker");
    assert_eq!(
        p.last_stable_offset, 3,
        "the LSO moves past the aborted transaction"
    );
    assert_eq!(
        c.records("out", 0, None, 2, 1)[0].control.as_deref(),
        Some("ABORT")
    );
    // The producer is fenced by the epoch bump.
    c.commit_txn("p").unwrap();
    c.advance(2_000);
    assert!(c
        .producer("p")
        .unwrap()
        .stats
        .errors
        .contains_key("PRODUCER_FENCED"));
}

#[test]
fn offsets_sent_to_a_transaction_commit_with_it() {
    let mut c = cluster();
    c.add_producer("src", &cfg(&[])).unwrap();
    c.produce("src", "in", Some("k"), Some("v"), None, &[], 4)
        .unwrap();
    c.add_consumer(
        "app",
        Some("g"),
        &["in".into()],
        &cfg(&[
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ]),
        0,
    )
    .unwrap();
    tx_producer(&mut c, "p");
    c.advance(10_000);
    assert_eq!(c.consumer("app").unwrap().delivered_total, 4);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("k"), Some("V"), Some(0), &[], 4)
        .unwrap();
    c.send_offsets("p", "app").unwrap();
    c.advance(2_000);
    let committed = |c: &Cluster| {
        c.group_view("g")
            .and_then(|g| g.committed.first().map(|x| x.offset))
    };
    assert_eq!(
        committed(&c),
        None,
        "offsets sent to a transaction are pending until it commits"
    );
    c.commit_txn("p").unwrap();
    c.advance(2_000);
    assert_eq!(
        committed(&c),
        Some(4),
        "committed atomically with the output records"
    );
}

#[test]
fn aborted_offsets_are_dropped() {
    let mut c = cluster();
    c.add_producer("src", &cfg(&[])).unwrap();
    c.produce("src", "in", Some("k"), Some("v"), None, &[], 4)
        .unwrap();
    c.add_consumer(
        "app",
        Some("g"),
        &["in".into()],
        &cfg(&[
            ("auto.offset.reset", "earliest"),
            ("enable.auto.commit", "false"),
        ]),
        0,
    )
    .unwrap();
    tx_producer(&mut c, "p");
    c.advance(10_000);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("k"), Some("V"), Some(0), &[], 1)
        .unwrap();
    c.send_offsets("p", "app").unwrap();
    c.advance(2_000);
    c.abort_txn("p").unwrap();
    c.advance(2_000);
    assert!(c.group_view("g").unwrap().committed.is_empty());
}

#[test]
fn transactional_misuse_is_an_error_not_a_panic() {
    let mut c = cluster();
    tx_producer(&mut c, "p");
    let e = c.begin_txn("p").unwrap_err();
    assert!(e.to_string().contains("initTransactions"), "{e}");
    c.advance(3_000);
    let e = c
        .produce("p", "out", None, Some("v"), None, &[], 1)
        .unwrap_err();
    assert!(e.to_string().contains("beginTransaction"), "{e}");
    let e = c.commit_txn("p").unwrap_err();
    assert!(e.to_string().contains("no transaction"), "{e}");
    c.add_producer("plain", &cfg(&[])).unwrap();
    assert!(c.begin_txn("plain").is_err());
    let e = c
        .add_producer(
            "bad",
            &cfg(&[("transactional.id", "t"), ("enable.idempotence", "false")]),
        )
        .unwrap_err();
    assert!(e.to_string().contains("transactional.id"), "{e}");
}

/// `abortTransaction()` while `commitTransaction()` has not completed: Kafka's
/// `TransactionManager.beginAbort` refuses the transition COMMITTING_TRANSACTION →
/// ABORTING_TRANSACTION, and the commit goes on.
#[test]
fn abort_is_refused_while_a_commit_is_completing_and_the_commit_goes_on() {
    let mut c = cluster();
    tx_producer(&mut c, "p");
    reader(&mut c, "rc", "read_committed");
    c.advance(3_000);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("a"), Some("1"), Some(0), &[], 3)
        .unwrap();
    c.commit_txn("p").unwrap();
    let err = c.abort_txn("p").unwrap_err().to_string();
    assert!(
        err.contains("COMMITTING_TRANSACTION to state ABORTING_TRANSACTION"),
        "{err}"
    );
    c.advance(2_000);
    let txn = c.producer("p").unwrap().txn.as_ref().unwrap();
    assert_eq!((txn.committed, txn.aborted), (1, 0), "the commit completed");
    assert_eq!(c.consumer("rc").unwrap().delivered_total, 3);
    let recs = c.records("out", 0, None, 0, 10);
    assert_eq!(recs[3].control.as_deref(), Some("COMMIT"));
}

/// `commitTransaction()` sends what is still lingering at once: Kafka's
/// `RecordAccumulator.batchReady` counts a batch as sendable while the transaction is
/// completing (`TransactionManager.isCompleting`), whatever `linger.ms` says.
#[test]
fn a_commit_does_not_wait_out_linger_ms() {
    let mut c = cluster();
    c.add_producer(
        "p",
        &cfg(&[("transactional.id", "tx-1"), ("linger.ms", "20000")]),
    )
    .unwrap();
    reader(&mut c, "rc", "read_committed");
    c.advance(3_000);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("a"), Some("1"), Some(0), &[], 3)
        .unwrap();
    c.advance(500);
    assert_eq!(
        c.partition_view(c.tp("out", 0).unwrap()).log_end_offset,
        0,
        "before the commit the batch lingers"
    );
    c.commit_txn("p").unwrap();
    c.advance(1_000);
    assert_eq!(
        c.producer("p").unwrap().txn.as_ref().unwrap().committed,
        1,
        "the commit completed within a second, not after linger.ms (20 s)"
    );
    assert_eq!(c.consumer("rc").unwrap().delivered_total, 3);
}

/// A read_committed consumer reads past the COMMIT marker that ends what it fetched: Kafka's
/// `CompletedFetch.fetchRecords` goes on through the trailing control batch while the poll
/// has room (`nextFetchOffset`), so the position, and the offset a commit after processing
/// takes from it, is after the marker and the group's lag is 0, not 1.
#[test]
fn a_consumer_reads_past_the_marker_after_the_last_record_of_a_transaction() {
    let mut c = cluster();
    tx_producer(&mut c, "p");
    c.add_consumer_with(
        "rc",
        Some("g"),
        &["out".into()],
        &cfg(&[
            ("auto.offset.reset", "earliest"),
            ("isolation.level", "read_committed"),
            ("enable.auto.commit", "false"),
        ]),
        0,
        Some("after_processing"),
    )
    .unwrap();
    c.advance(5_000);
    c.begin_txn("p").unwrap();
    c.produce("p", "out", Some("a"), Some("1"), Some(0), &[], 10)
        .unwrap();
    c.advance(500);
    c.commit_txn("p").unwrap();
    c.advance(5_000);
    let tp = c.tp("out", 0).unwrap();
    assert_eq!(
        c.partition_view(tp).log_end_offset,
        11,
        "10 records and a marker"
    );
    assert_eq!(c.consumer("rc").unwrap().delivered_total, 10);
    assert_eq!(c.consumer("rc").unwrap().position(tp), Some(11));
    let committed = c.group_view("g").and_then(|g| {
        g.committed
            .iter()
            .find(|x| x.partition == 0)
            .map(|x| x.offset)
    });
    assert_eq!(
        committed,
        Some(11),
        "the commit after processing is past the marker"
    );
}

/// `KafkaProducer.doSend`: a send() that fails with BufferExhaustedException makes the
/// transaction abortable (`maybeTransitionToErrorState`), so commitTransaction() is refused
/// and the records sent before it cannot be committed without it.
#[test]
fn a_send_that_exhausts_the_buffer_makes_the_transaction_abortable() {
    let mut c = cluster();
    c.add_producer(
        "p",
        &cfg(&[
            ("transactional.id", "tx-1"),
            ("batch.size", "16384"),
            ("buffer.memory", "32768"),
            ("max.block.ms", "2000"),
        ]),
    )
    .unwrap();
    c.advance(3_000);
    c.begin_txn("p").unwrap();
    // The followers of out-0 stop fetching: acks=all batches hold the memory.
    let tp = c.tp("out", 0).unwrap();
    let leader = c.leader_of(tp).unwrap();
    for b in [1, 2, 3] {
        if b != leader {
            c.set_fetchers_paused(b, true).unwrap();
        }
    }
    let big = "x".repeat(10_000);
    c.produce("p", "out", Some("k"), Some(&big), Some(0), &[], 3)
        .unwrap();
    c.advance(2_500);
    let p = c.producer("p").unwrap();
    assert_eq!(
        p.stats.errors.get("BUFFER_EXHAUSTED_EXCEPTION").copied(),
        Some(1)
    );
    assert_abortable(&mut c);
}

/// `KafkaProducer.waitOnMetadata`: a send() to a topic whose metadata does not come within
/// max.block.ms (here the producer is cut off from the brokers) throws TimeoutException. It
/// is an `ApiException`, so the producer counts the error and the transaction becomes
/// abortable, as for any exception send() throws.
#[test]
fn a_send_that_times_out_waiting_for_metadata_makes_the_transaction_abortable() {
    let mut c = cluster();
    c.add_producer(
        "p",
        &cfg(&[("transactional.id", "tx-1"), ("max.block.ms", "1000")]),
    )
    .unwrap();
    c.advance(3_000);
    c.begin_txn("p").unwrap();
    let idx = c.producer("p").unwrap().idx;
    c.isolate(kafka_sim::types::NodeId::Client(idx));
    c.produce("p", "in", Some("k"), Some("v"), None, &[], 1)
        .unwrap();
    c.advance(1_500);
    let p = c.producer("p").unwrap();
    assert_eq!(p.stats.failed, 1);
    assert_eq!(p.stats.errors.get("TIMEOUT_EXCEPTION").copied(), Some(1));
    assert_abortable(&mut c);
}

/// Producer `p`'s transaction is abortable, and commitTransaction() is refused.
fn assert_abortable(c: &mut Cluster) {
    let phase = c.producer("p").unwrap().txn.as_ref().unwrap().phase;
    assert!(
        matches!(
            phase,
            kafka_sim::transaction_manager::TxnPhase::Abortable(_)
        ),
        "{phase:?}"
    );
    assert!(c.commit_txn("p").is_err(), "commit is refused");
}
