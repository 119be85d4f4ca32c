#![allow(clippy::unwrap_used)]
use kafka_sim::{Cluster, ClusterSpec};
use std::collections::BTreeMap;

fn cfg(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn produce_and_replicate() {
    let mut c = Cluster::new(&ClusterSpec::default()).unwrap();
    c.create_topic("orders", 4, 3, &cfg(&[]), None).unwrap();
    c.add_producer("p1", &cfg(&[])).unwrap();
    c.add_consumer(
        "c1",
        None,
        &["orders".into()],
        &cfg(&[("auto.offset.reset", "earliest")]),
        0,
    )
    .unwrap();
    c.produce("p1", "orders", Some("user-7"), Some("v"), None, &[], 10)
        .unwrap();
    c.advance(2000);
    let tp = c
        .tp(
            "orders",
            kafka_sim::partitioner::partition_for_key(b"user-7", 4).unwrap(),
        )
        .unwrap();
    let leader = c.leader_of(tp).unwrap();
    let p = &c.brokers[&leader].partitions[&tp];
    assert_eq!(p.log.log_end_offset(), 10);
    assert_eq!(p.log.high_watermark(), 10);
    for b in c.brokers.values() {
        assert_eq!(
            b.partitions[&tp].log.log_end_offset(),
            10,
            "broker {}",
            b.id
        );
    }
    let cons = c.consumer("c1").unwrap();
    assert_eq!(cons.position(tp), Some(10));
    assert_eq!(c.producer("p1").unwrap().stats.acked, 10);
    for e in c.trace.events().take(40) {
        println!("{:?}", e);
    }
}

/// A cluster with `seed`, topic `t` of 4 partitions (RF 1) and producer `p` with `config`.
fn four_partitions_and_a_producer(seed: u64, config: &[(&str, &str)]) -> Cluster {
    let spec = ClusterSpec {
        seed,
        ..ClusterSpec::default()
    };
    let mut c = Cluster::new(&spec).unwrap();
    c.create_topic("t", 4, 1, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(config)).unwrap();
    c
}

/// Kafka's `RecordAccumulator.append` updates the built-in (sticky) partitioner only for a
/// record it placed itself (`partition == UNKNOWN_PARTITION`: no key, or
/// `partitioner.ignore.keys`); a keyed record counts toward its batch, not toward the sticky
/// partition's bytes. So a burst of keyed records into the sticky partition does not move
/// the keyless records that follow. (Over several seeds: a partitioner that did switch would
/// draw the same partition again now and then.)
#[test]
fn keyed_records_do_not_move_the_sticky_partition() {
    for seed in 1..=8 {
        // A sticky partition switches after batch.size bytes with a full batch, or twice that.
        let mut c = four_partitions_and_a_producer(seed, &[("batch.size", "1000")]);
        let value = "v".repeat(100);
        let ends = |c: &Cluster| -> Vec<i64> {
            (0..4)
                .map(|p| {
                    let tp = c.tp("t", p).unwrap();
                    let leader = c.leader_of(tp).unwrap();
                    c.brokers[&leader].partitions[&tp].log.log_end_offset()
                })
                .collect()
        };
        c.advance(1000);
        c.produce("p", "t", None, Some(&value), None, &[], 1)
            .unwrap();
        c.advance(1000);
        let after_first = ends(&c);
        assert_eq!(after_first.iter().sum::<i64>(), 1);
        let sticky = after_first.iter().position(|&n| n == 1).unwrap() as i32;
        // 30 keyed records (about 3.5 KB, well over twice batch.size) into that partition.
        let key = (0..)
            .map(|i| format!("k{i}"))
            .find(|k| kafka_sim::partitioner::partition_for_key(k.as_bytes(), 4) == Some(sticky))
            .unwrap();
        c.produce("p", "t", Some(&key), Some(&value), None, &[], 30)
            .unwrap();
        c.advance(1000);
        // Four more keyless records, each sent on its own (about 440 bytes in all).
        for _ in 0..4 {
            c.produce("p", "t", None, Some(&value), None, &[], 1)
                .unwrap();
            c.advance(100);
        }
        c.advance(1000);
        let mut expected = vec![0; 4];
        expected[sticky as usize] = 35;
        assert_eq!(ends(&c), expected, "seed {seed}, sticky partition {sticky}");
    }
}

/// KIP-794's adaptive partitioning (`partitioner.adaptive.partitioning.enable`, on by
/// default): when the built-in partitioner switches, it weights each partition by how much
/// shorter its queue of batches is than the longest (`BuiltInPartitioner.nextPartition`).
/// With the link to one leader slow, its partition's batches queue up and keyless records
/// go elsewhere; with it off, a third of them still join that queue.
#[test]
fn adaptive_partitioning_steers_keyless_records_away_from_a_slow_leader() {
    let run = |adaptive: &str| {
        let mut c = Cluster::new(&ClusterSpec {
            seed: 7,
            ..ClusterSpec::default()
        })
        .unwrap();
        c.create_topic("t", 3, 1, &cfg(&[]), Some(vec![vec![1], vec![2], vec![3]]))
            .unwrap();
        c.add_producer(
            "p",
            &cfg(&[
                ("acks", "1"),
                ("partitioner.adaptive.partitioning.enable", adaptive),
            ]),
        )
        .unwrap();
        c.advance(100);
        c.apply(&kafka_sim::action::Action::SetLatency {
            from: "p".into(),
            to: "broker-1".into(),
            latency_ms: 200,
        })
        .unwrap();
        let value = "x".repeat(1000);
        for _ in 0..1000 {
            c.produce("p", "t", None, Some(&value), None, &[], 20)
                .unwrap();
            c.advance(10);
        }
        let slow = c.tp("t", 0).unwrap();
        let entries: Vec<_> = c.ledger.entries().collect();
        let to_slow = entries.iter().filter(|e| e.tp == slow).count() as f64;
        let acked = c.producer("p").unwrap().stats.acked as f64;
        (to_slow / entries.len() as f64, acked / entries.len() as f64)
    };
    let (on_share, on_acked) = run("true");
    let (off_share, off_acked) = run("false");
    assert!(
        (0.28..0.39).contains(&off_share),
        "uniform: about a third to the slow partition, {off_share:.3}"
    );
    assert!(
        on_share < 0.15,
        "adaptive: {on_share:.3} to the slow partition"
    );
    assert!(
        on_acked > 0.95 && off_acked < 0.8,
        "acknowledged within the run: adaptive {on_acked:.3}, uniform {off_acked:.3}"
    );
}

/// A parked fetch completes once `fetch.min.bytes` of records are readable (Kafka's
/// `DelayedFetch.tryComplete` sums each partition's readable bytes, capped by its fetch
/// size), not only at `fetch.max.wait.ms`.
#[test]
fn a_parked_fetch_completes_once_fetch_min_bytes_have_arrived() {
    let mut c = Cluster::new(&ClusterSpec::default()).unwrap();
    c.create_topic("t", 1, 1, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[("linger.ms", "0")])).unwrap();
    c.add_consumer(
        "c1",
        None,
        &["t".into()],
        &cfg(&[
            ("auto.offset.reset", "earliest"),
            ("fetch.min.bytes", "1024"),
            ("fetch.max.wait.ms", "5000"),
        ]),
        0,
    )
    .unwrap();
    // The consumer catches up with the empty log and parks a fetch for up to 5 s.
    c.advance(3000);
    let tp = c.tp("t", 0).unwrap();
    let value = "v".repeat(200);
    // Ten records of about 200 bytes, one every 20 ms: 1024 bytes after the fifth or so.
    for _ in 0..10 {
        c.produce("p", "t", None, Some(&value), None, &[], 1)
            .unwrap();
        c.advance(20);
    }
    c.advance(100);
    let position = c.consumer("c1").unwrap().position(tp).unwrap_or(0);
    assert!(
        (4..10).contains(&position),
        "the parked fetch should have returned once about 1 KB had arrived, well before \
         fetch.max.wait.ms (5 s), and before all ten records: position {position}"
    );
}

/// `seekToBeginning` asks for the earliest offset whatever `auto.offset.reset` says (Kafka's
/// `SubscriptionState.requestOffsetReset` with an explicit strategy), so it works with
/// `auto.offset.reset=none` too, which only decides what happens without a position.
#[test]
fn seek_to_beginning_works_with_auto_offset_reset_none() {
    let mut c = Cluster::new(&ClusterSpec::default()).unwrap();
    c.create_topic("t", 1, 1, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[])).unwrap();
    c.produce("p", "t", Some("k"), Some("v"), None, &[], 5)
        .unwrap();
    c.add_consumer(
        "c1",
        Some("g"),
        &["t".into()],
        &cfg(&[("auto.offset.reset", "none")]),
        0,
    )
    .unwrap();
    c.advance(6000);
    let tp = c.tp("t", 0).unwrap();
    assert_eq!(
        c.consumer("c1").unwrap().position(tp),
        None,
        "no committed offset and auto.offset.reset=none: no position"
    );
    c.seek("c1", "t", 0, kafka_sim::consumer::SeekTo::Beginning)
        .unwrap();
    c.advance(2000);
    assert_eq!(c.consumer("c1").unwrap().position(tp), Some(5));
    assert_eq!(c.consumer("c1").unwrap().delivered_total, 5);
}

/// Kafka's `RecordAccumulator.partitionChanged`: before a keyless append, if the sticky
/// partition's queue has no open batch (every batch full, or all sent), the partitioner may
/// switch at `batch.size` bytes. With `linger.ms=0` each record's batch is sent before the
/// next record, so the switch comes after batch.size bytes, not after twice that (the limit
/// that applies while a batch is still open).
#[test]
fn with_linger_zero_the_sticky_partition_switches_after_batch_size_bytes() {
    let mut switched_at_ten = 0;
    for seed in 1..=4 {
        let mut c =
            four_partitions_and_a_producer(seed, &[("batch.size", "1000"), ("linger.ms", "0")]);
        c.advance(1000);
        let value = "v".repeat(100);
        let mut partitions = Vec::new();
        for _ in 0..25 {
            let ids = c
                .produce("p", "t", None, Some(&value), None, &[], 1)
                .unwrap();
            c.advance(50);
            for id in ids {
                partitions.push(c.ledger.get(id).unwrap().tp.partition);
            }
        }
        // 108 bytes a record: a switch is due once 10 records (1,080 bytes) are in, so the
        // partition may change only before the 11th and the 21st record (a new draw may
        // pick the same partition again).
        for (i, w) in partitions.windows(2).enumerate() {
            let at = i + 1;
            assert!(
                w[0] == w[1] || at == 10 || at == 20,
                "seed {seed}: the partition changed at index {at}: {partitions:?}"
            );
        }
        switched_at_ten += usize::from(partitions[9] != partitions[10]);
    }
    assert!(
        switched_at_ten > 0,
        "some seed moved to another partition after 10 records"
    );
}

/// A consumer's fetch asks for up to `max.partition.fetch.bytes` from each partition and
/// `fetch.max.bytes` in all (Kafka's `AbstractFetch` and `ReplicaManager.readFromLog`): a
/// consumer catching up on three partitions of one leader gets about 1 MiB of each per
/// fetch, not 1 MiB of the first and a batch of each of the others.
#[test]
fn a_fetch_reads_up_to_max_partition_fetch_bytes_from_every_partition() {
    let spec = ClusterSpec {
        brokers: 1,
        ..ClusterSpec::default()
    };
    let mut c = Cluster::new(&spec).unwrap();
    c.create_topic("t", 3, 1, &cfg(&[]), None).unwrap();
    c.add_producer("p", &cfg(&[])).unwrap();
    let value = "v".repeat(1000);
    for p in 0..3 {
        c.produce("p", "t", None, Some(&value), Some(p), &[], 2500)
            .unwrap();
    }
    c.advance(10_000);
    assert_eq!(c.producer("p").unwrap().stats.acked, 7500);
    c.add_consumer(
        "c1",
        None,
        &["t".into()],
        &cfg(&[
            ("auto.offset.reset", "earliest"),
            ("max.poll.records", "100000"),
        ]),
        0,
    )
    .unwrap();
    let mut waited = 0;
    while c.consumer("c1").unwrap().delivered_total == 0 && waited < 10_000 {
        c.advance(5);
        waited += 5;
    }
    let positions: Vec<i64> = (0..3)
        .map(|p| {
            let tp = c.tp("t", p).unwrap();
            c.consumer("c1").unwrap().position(tp).unwrap_or(0)
        })
        .collect();
    // About 1 MiB of 1-KB records from each partition (whole batches, so a little less).
    for (p, &n) in positions.iter().enumerate() {
        assert!(
            (900..=1100).contains(&n),
            "partition {p} after the first fetch: {positions:?}"
        );
    }
}
