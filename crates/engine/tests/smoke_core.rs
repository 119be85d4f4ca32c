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
