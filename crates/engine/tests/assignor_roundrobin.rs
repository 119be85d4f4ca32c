#![allow(clippy::type_complexity)]
//! Kafka's `RoundRobinAssignorTest`, transcribed (all 13 tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assignor_support;

use kafka_sim::vecmap::VecMap;

use assignor_support::*;
use kafka_sim::assignor::{assign, AssignorName, Subscription, TopicPartition};

type Assignment = VecMap<String, Vec<TopicPartition>>;

fn rr(partitions: &[(&str, i32)], members: &[Subscription]) -> Assignment {
    assign(AssignorName::RoundRobin, &topics(partitions), members).unwrap()
}

fn sub(id: &str, t: &[&str]) -> Subscription {
    Subscription::new(id, t.iter().copied())
}

#[test]
fn test_one_consumer_no_topic() {
    let out = rr(&[], &[sub("consumer", &[])]);
    assert_eq!(out, VecMap::from([("consumer".to_string(), vec![])]));
}

#[test]
fn test_one_consumer_nonexistent_topic() {
    let out = rr(&[], &[sub("consumer", &["topic"])]);
    assert_eq!(out, VecMap::from([("consumer".to_string(), vec![])]));
}

#[test]
fn test_one_consumer_one_topic() {
    let out = rr(&[("topic", 3)], &[sub("consumer", &["topic"])]);
    assert_eq!(
        out["consumer"],
        parts(&[("topic", 0), ("topic", 1), ("topic", 2)])
    );
}

#[test]
fn test_only_assigns_partitions_from_subscribed_topics() {
    let out = rr(
        &[("topic", 3), ("other", 3)],
        &[sub("consumer", &["topic"])],
    );
    assert_eq!(
        out["consumer"],
        parts(&[("topic", 0), ("topic", 1), ("topic", 2)])
    );
}

#[test]
fn test_one_consumer_multiple_topics() {
    let out = rr(
        &[("topic1", 1), ("topic2", 2)],
        &[sub("consumer", &["topic1", "topic2"])],
    );
    assert_eq!(
        out["consumer"],
        parts(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
    );
}

#[test]
fn test_two_consumers_one_topic_one_partition() {
    let out = rr(
        &[("topic", 1)],
        &[sub("consumer1", &["topic"]), sub("consumer2", &["topic"])],
    );
    assert_eq!(out["consumer1"], parts(&[("topic", 0)]));
    assert_eq!(out["consumer2"], parts(&[]));
}

#[test]
fn test_two_consumers_one_topic_two_partitions() {
    let out = rr(
        &[("topic", 2)],
        &[sub("consumer1", &["topic"]), sub("consumer2", &["topic"])],
    );
    assert_eq!(out["consumer1"], parts(&[("topic", 0)]));
    assert_eq!(out["consumer2"], parts(&[("topic", 1)]));
}

#[test]
fn test_multiple_consumers_mixed_topics() {
    let out = rr(
        &[("topic1", 3), ("topic2", 2)],
        &[
            sub("consumer1", &["topic1"]),
            sub("consumer2", &["topic1", "topic2"]),
            sub("consumer3", &["topic1"]),
        ],
    );
    assert_eq!(out["consumer1"], parts(&[("topic1", 0)]));
    assert_eq!(
        out["consumer2"],
        parts(&[("topic1", 1), ("topic2", 0), ("topic2", 1)])
    );
    assert_eq!(out["consumer3"], parts(&[("topic1", 2)]));
}

#[test]
fn test_two_dynamic_consumers_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let out = rr(
        &[("topic1", 3), ("topic2", 3)],
        &[sub("consumer1", &both), sub("consumer2", &both)],
    );
    assert_eq!(
        out["consumer1"],
        parts(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        out["consumer2"],
        parts(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
}

#[test]
fn test_two_static_consumers_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let out = rr(
        &[("topic1", 3), ("topic2", 3)],
        &[
            sub("consumer-b", &both).with_instance_id("instance1"),
            sub("consumer-a", &both).with_instance_id("instance2"),
        ],
    );
    assert_eq!(
        out["consumer-b"],
        parts(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        out["consumer-a"],
        parts(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
}

#[test]
fn test_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
    let both = ["topic1", "topic2"];
    let out = rr(
        &[("topic1", 3), ("topic2", 3)],
        &[
            sub("consumer-b", &both).with_instance_id("instance1"),
            sub("consumer-a", &both),
        ],
    );
    assert_eq!(
        out["consumer-b"],
        parts(&[("topic1", 0), ("topic1", 2), ("topic2", 1)])
    );
    assert_eq!(
        out["consumer-a"],
        parts(&[("topic1", 1), ("topic2", 0), ("topic2", 2)])
    );
}

#[test]
fn test_static_member_round_robin_assignment_persistent() {
    let both = ["topic1", "topic2"];
    let mut members = vec![
        sub("consumer1", &both).with_instance_id("instance1"),
        sub("consumer2", &both).with_instance_id("instance2"),
        sub("consumer3", &both).with_instance_id("instance3"),
        sub("consumer4", &both),
    ];
    let p = [("topic1", 3), ("topic2", 3)];
    let mut expected = VecMap::from([
        (
            "consumer1".to_string(),
            parts(&[("topic1", 0), ("topic2", 1)]),
        ),
        (
            "consumer2".to_string(),
            parts(&[("topic1", 1), ("topic2", 2)]),
        ),
        ("consumer3".to_string(), parts(&[("topic1", 2)])),
        ("consumer4".to_string(), parts(&[("topic2", 0)])),
    ]);
    assert_eq!(rr(&p, &members), expected);
    members.pop();
    members.push(sub("consumer5", &both));
    expected.remove("consumer4");
    expected.insert("consumer5".to_string(), parts(&[("topic2", 0)]));
    assert_eq!(rr(&p, &members), expected);
}

#[test]
fn test_static_member_round_robin_assignment_persistent_after_member_id_changes() {
    let both = ["topic1", "topic2"];
    let p = [("topic1", 5), ("topic2", 5)];
    let members = vec![
        sub("consumer1", &both).with_instance_id("instance1"),
        sub("consumer2", &both).with_instance_id("instance2"),
        sub("consumer3", &both).with_instance_id("instance3"),
    ];
    let by_instance = |members: &[Subscription]| -> Assignment {
        let out = rr(&p, members);
        members
            .iter()
            .map(|m| {
                (
                    m.group_instance_id.clone().unwrap(),
                    out[&m.member_id].clone(),
                )
            })
            .collect()
    };
    let expected = VecMap::from([
        (
            "instance1".to_string(),
            parts(&[("topic1", 0), ("topic1", 3), ("topic2", 1), ("topic2", 4)]),
        ),
        (
            "instance2".to_string(),
            parts(&[("topic1", 1), ("topic1", 4), ("topic2", 2)]),
        ),
        (
            "instance3".to_string(),
            parts(&[("topic1", 2), ("topic2", 0), ("topic2", 3)]),
        ),
    ]);
    assert_eq!(by_instance(&members), expected);
    let mut renamed = members.clone();
    renamed[2].member_id = "consumer4".into();
    renamed[1].member_id = "consumer5".into();
    assert_eq!(by_instance(&renamed), expected);
}
