//! The traditional queue beside the log: acknowledged messages are deleted, unacknowledged
//! ones come back after the visibility timeout, consumers compete. The contrast with Kafka
//! (records retained, replayable by any new group) is the point.
#![allow(clippy::unwrap_used)]

use kafka_sim::action::Action;
use kafka_sim::{Cluster, ClusterSpec};
use std::collections::BTreeMap;

fn cluster() -> Cluster {
    let mut c = Cluster::new(&ClusterSpec {
        seed: 5,
        ..ClusterSpec::default()
    })
    .unwrap();
    c.create_queue("jobs", 5_000).unwrap();
    c
}

#[test]
fn an_acknowledged_message_is_gone() {
    let mut c = cluster();
    c.queue_send("jobs", None, "job {i}", 4).unwrap();
    c.add_queue_consumer("w1", "jobs", 100, true).unwrap();
    c.advance(2_000);
    let q = &c.view().queues[0];
    assert_eq!(q.sent, 4);
    assert_eq!(q.deleted, 4);
    assert_eq!(
        q.count, 0,
        "every acknowledged message was deleted: nothing to replay"
    );
    assert!(q.messages.is_empty());
    assert_eq!(c.queue_consumer_processed()["w1"], 4);
    // A consumer added later finds nothing.
    c.add_queue_consumer("late", "jobs", 100, true).unwrap();
    c.advance(2_000);
    assert_eq!(c.queue_consumer_processed()["late"], 0);
}

#[test]
fn competing_consumers_each_get_different_messages() {
    let mut c = cluster();
    c.add_queue_consumer("w1", "jobs", 200, true).unwrap();
    c.add_queue_consumer("w2", "jobs", 200, true).unwrap();
    c.add_queue_consumer("w3", "jobs", 200, true).unwrap();
    c.queue_send("jobs", None, "job {i}", 9).unwrap();
    let mut seen: BTreeMap<u64, String> = BTreeMap::new();
    for _ in 0..200 {
        c.advance(10);
        let q = &c.view().queues[0];
        let mut holders = BTreeMap::new();
        for m in q.messages.iter().filter(|m| m.holder.is_some()) {
            let h = m.holder.clone().unwrap();
            assert!(
                holders.insert(h.clone(), m.id).is_none(),
                "{h} holds one message at a time"
            );
            let prev = seen.entry(m.id).or_insert_with(|| h.clone());
            assert_eq!(*prev, h, "message {} went to one consumer only", m.id);
        }
    }
    let p = c.queue_consumer_processed();
    assert_eq!(p.values().sum::<u64>(), 9);
    assert!(p.values().all(|n| *n == 3), "the work was shared: {p:?}");
    assert_eq!(c.view().queues[0].redelivered, 0);
}

#[test]
fn an_unacknowledged_message_comes_back_after_the_visibility_timeout() {
    let mut c = cluster();
    c.queue_send("jobs", None, "charge card", 1).unwrap();
    c.add_queue_consumer("w1", "jobs", 100, false).unwrap(); // manual ack
    c.advance(500);
    let m = c.view().queues[0].messages[0].clone();
    assert_eq!(m.holder.as_deref(), Some("w1"));
    let until = m.invisible_until.unwrap();
    c.apply(&Action::CrashQueueConsumer {
        consumer: "w1".into(),
    })
    .unwrap();
    c.add_queue_consumer("w2", "jobs", 100, true).unwrap();
    c.advance(until - c.now() - 1);
    assert_eq!(
        c.queue_consumer_processed()["w2"],
        0,
        "still invisible until the timeout"
    );
    c.advance(1_000);
    let q = &c.view().queues[0];
    assert_eq!(c.queue_consumer_processed()["w2"], 1, "redelivered to w2");
    assert_eq!(q.redelivered, 1);
    assert_eq!(q.count, 0);
}

#[test]
fn acknowledging_deletes_and_a_stale_ack_is_refused() {
    let mut c = cluster();
    c.queue_send("jobs", Some("order-{i}"), "ship {i}", 2)
        .unwrap();
    c.add_queue_consumer("w1", "jobs", 50, false).unwrap();
    c.advance(200);
    assert!(c
        .apply(&Action::AckQueue {
            consumer: "w1".into()
        })
        .is_ok());
    assert_eq!(c.view().queues[0].deleted, 1);
    c.advance(200);
    // w1 now holds the second message; let its visibility timeout lapse, then try to ack.
    assert_eq!(c.view().queues[0].consumers[0].holding, Some(2));
    c.advance(5_000);
    let q = &c.view().queues[0];
    assert_eq!(q.count, 1);
    assert!(
        q.messages[0].receive_count >= 2,
        "it became visible again and was received again"
    );
    c.advance(10);
    assert!(c
        .apply(&Action::AckQueue {
            consumer: "nobody".into()
        })
        .is_err());
    assert!(c
        .apply(&Action::QueueSend {
            queue: "nope".into(),
            key: None,
            value: "x".into(),
            count: None
        })
        .is_err());
    assert!(
        c.create_queue("jobs", 1_000).is_err(),
        "duplicate queue names are refused"
    );
}

/// Events the cluster processes from now until `until`.
fn events_until(c: &mut Cluster, until: u64) -> usize {
    let mut n = 0;
    while c.next_event_at().is_some_and(|t| t <= until) {
        c.step();
        n += 1;
    }
    n
}

#[test]
fn a_drained_queue_schedules_nothing() {
    let mut with_queue = cluster();
    with_queue
        .add_queue_consumer("w1", "jobs", 10, true)
        .unwrap();
    with_queue.queue_send("jobs", None, "x", 1).unwrap();
    with_queue.advance(1_000);
    let mut without = Cluster::new(&ClusterSpec {
        seed: 5,
        ..ClusterSpec::default()
    })
    .unwrap();
    without.advance(1_000);
    assert_eq!(
        events_until(&mut with_queue, 60_000),
        events_until(&mut without, 60_000),
        "once drained, the queue adds no events: an idle minute (or a fast-forwarded week) costs the same"
    );
}
