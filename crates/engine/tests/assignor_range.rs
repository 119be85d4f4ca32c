#![allow(clippy::disallowed_methods)] // std's sort is fine in native tests
#![allow(clippy::type_complexity)]
//! Kafka's `RangeAssignorTest` (clients) and the `MemberInfo` ordering tests of
//! `AbstractPartitionAssignorTest`, transcribed. Parameterized Kafka tests loop over the rack
//! configurations (`RackConfig`) with `preferRackAwareLogic = true`, as `initializeRacks` does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod assignor_support;

use kafka_sim::vecmap::VecMap;

use assignor_support::*;
use kafka_sim::assignor::{assign, AssignorName, Subscription, TopicPartition};

const RANGE: AssignorName = AssignorName::Range;

fn setup(config: RackConfig, list: &[(&str, i32)]) -> (Racks, VecMap<String, i32>) {
    let mut racks = Racks::new(config, 3);
    for (t, n) in list {
        racks.add_topic(t, *n as usize);
    }
    (racks, topics(list))
}

#[test]
fn test_one_consumer_no_topic() {
    for config in [
        RackConfig::BrokerAndConsumerRack,
        RackConfig::NoConsumerRack,
    ] {
        let (racks, partitions) = setup(config, &[]);
        let members = [racks.subscription("consumer1", &[], 0)];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(out, VecMap::from([("consumer1".to_string(), vec![])]));
    }
}

#[test]
fn test_one_consumer_nonexistent_topic() {
    for config in [
        RackConfig::BrokerAndConsumerRack,
        RackConfig::NoConsumerRack,
    ] {
        let (racks, partitions) = setup(config, &[]);
        let members = [racks.subscription("consumer1", &["topic1"], 0)];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(out, VecMap::from([("consumer1".to_string(), vec![])]));
    }
}

#[test]
fn test_one_consumer_one_topic() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 3)]);
        let members = [racks.subscription("consumer1", &["topic1"], 0)];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(
            out["consumer1"],
            parts(&[("topic1", 0), ("topic1", 1), ("topic1", 2)])
        );
    }
}

#[test]
fn test_only_assigns_partitions_from_subscribed_topics() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 3), ("other", 3)]);
        let members = [racks.subscription("consumer1", &["topic1"], 0)];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(out.len(), 1);
        assert_eq!(
            out["consumer1"],
            parts(&[("topic1", 0), ("topic1", 1), ("topic1", 2)])
        );
    }
}

#[test]
fn test_one_consumer_multiple_topics() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 1), ("topic2", 2)]);
        let members = [racks.subscription("consumer1", &["topic1", "topic2"], 0)];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(
            out["consumer1"],
            parts(&[("topic1", 0), ("topic2", 0), ("topic2", 1)])
        );
    }
}

#[test]
fn test_two_consumers_one_topic_one_partition() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 1)]);
        let members = [
            racks.subscription("consumer1", &["topic1"], 0),
            racks.subscription("consumer2", &["topic1"], 1),
        ];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(out["consumer1"], parts(&[("topic1", 0)]));
        assert_eq!(out["consumer2"], parts(&[]));
    }
}

#[test]
fn test_two_consumers_one_topic_two_partitions() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 2)]);
        let members = [
            racks.subscription("consumer1", &["topic1"], 0),
            racks.subscription("consumer2", &["topic1"], 1),
        ];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(out["consumer1"], parts(&[("topic1", 0)]));
        assert_eq!(out["consumer2"], parts(&[("topic1", 1)]));
    }
}

#[test]
fn test_multiple_consumers_mixed_topics() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 3), ("topic2", 2)]);
        let members = [
            racks.subscription("consumer1", &["topic1"], 0),
            racks.subscription("consumer2", &["topic1", "topic2"], 1),
            racks.subscription("consumer3", &["topic1"], 2),
        ];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(out["consumer1"], parts(&[("topic1", 0)]));
        assert_eq!(
            out["consumer2"],
            parts(&[("topic1", 1), ("topic2", 0), ("topic2", 1)])
        );
        assert_eq!(out["consumer3"], parts(&[("topic1", 2)]));
    }
}

#[test]
fn test_two_consumers_two_topics_six_partitions() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 3), ("topic2", 3)]);
        let members = [
            racks.subscription("consumer1", &["topic1", "topic2"], 0),
            racks.subscription("consumer2", &["topic1", "topic2"], 1),
        ];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(
            out["consumer1"],
            parts(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
        );
        assert_eq!(out["consumer2"], parts(&[("topic1", 2), ("topic2", 2)]));
    }
}

#[test]
fn test_two_static_consumers_two_topics_six_partitions() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 3), ("topic2", 3)]);
        // consumer-b sorts after consumer-a by member id, but instance ids decide.
        let members = [
            racks
                .subscription("consumer-b", &["topic1", "topic2"], 0)
                .with_instance_id("instance1"),
            racks
                .subscription("consumer-a", &["topic1", "topic2"], 1)
                .with_instance_id("instance2"),
        ];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(
            out["consumer-b"],
            parts(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
        );
        assert_eq!(out["consumer-a"], parts(&[("topic1", 2), ("topic2", 2)]));
    }
}

#[test]
fn test_one_static_consumer_and_one_dynamic_consumer_two_topics_six_partitions() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 3), ("topic2", 3)]);
        let members = [
            racks
                .subscription("consumer-b", &["topic1", "topic2"], 0)
                .with_instance_id("instance1"),
            racks.subscription("consumer-a", &["topic1", "topic2"], 1),
        ];
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        assert_eq!(
            out["consumer-b"],
            parts(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)])
        );
        assert_eq!(out["consumer-a"], parts(&[("topic1", 2), ("topic2", 2)]));
    }
}

fn static_members(racks: &Racks, ids: &[(&str, &str)]) -> Vec<Subscription> {
    ids.iter()
        .enumerate()
        .map(|(i, (member, instance))| {
            racks
                .subscription(member, &["topic1", "topic2"], i)
                .with_instance_id(*instance)
        })
        .collect()
}

fn by_instance(
    members: &[Subscription],
    out: &VecMap<String, Vec<TopicPartition>>,
) -> VecMap<String, Vec<TopicPartition>> {
    members
        .iter()
        .filter_map(|m| Some((m.group_instance_id.clone()?, out[&m.member_id].clone())))
        .collect()
}

#[test]
fn test_static_member_range_assignment_persistent() {
    for config in RACK_CONFIGS {
        let mut racks = Racks::new(config, 5);
        racks.add_topic("topic1", 5);
        racks.add_topic("topic2", 4);
        let partitions = topics(&[("topic1", 5), ("topic2", 4)]);
        let mut members = static_members(
            &racks,
            &[
                ("consumer1", "instance1"),
                ("consumer2", "instance2"),
                ("consumer3", "instance3"),
            ],
        );
        members.push(racks.subscription("consumer4", &["topic1", "topic2"], 3));
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        let mut expected = VecMap::from([
            (
                "consumer1".to_string(),
                parts(&[("topic1", 0), ("topic1", 1), ("topic2", 0)]),
            ),
            (
                "consumer2".to_string(),
                parts(&[("topic1", 2), ("topic2", 1)]),
            ),
            (
                "consumer3".to_string(),
                parts(&[("topic1", 3), ("topic2", 2)]),
            ),
            (
                "consumer4".to_string(),
                parts(&[("topic1", 4), ("topic2", 3)]),
            ),
        ]);
        assert_eq!(out, expected);

        // Replace dynamic member 4 with a new dynamic member 5.
        members.pop();
        members.push(racks.subscription("consumer5", &["topic1", "topic2"], 4));
        expected.remove("consumer4");
        expected.insert(
            "consumer5".to_string(),
            parts(&[("topic1", 4), ("topic2", 3)]),
        );
        assert_eq!(
            run(RANGE, &partitions, &members, &racks.context).assignment,
            expected
        );
    }
}

#[test]
fn test_static_member_range_assignment_persistent_after_member_id_changes() {
    for config in RACK_CONFIGS {
        let (racks, partitions) = setup(config, &[("topic1", 5), ("topic2", 5)]);
        let members = static_members(
            &racks,
            &[
                ("consumer1", "instance1"),
                ("consumer2", "instance2"),
                ("consumer3", "instance3"),
            ],
        );
        let out = run(RANGE, &partitions, &members, &racks.context).assignment;
        let expected = VecMap::from([
            (
                "instance1".to_string(),
                parts(&[("topic1", 0), ("topic1", 1), ("topic2", 0), ("topic2", 1)]),
            ),
            (
                "instance2".to_string(),
                parts(&[("topic1", 2), ("topic1", 3), ("topic2", 2), ("topic2", 3)]),
            ),
            (
                "instance3".to_string(),
                parts(&[("topic1", 4), ("topic2", 4)]),
            ),
        ]);
        assert_eq!(by_instance(&members, &out), expected);

        // Switch the member ids: the assignment per instance stays the same.
        let mut renamed = members.clone();
        renamed[2].member_id = "consumer4".into();
        renamed[1].member_id = "consumer5".into();
        let out = run(RANGE, &partitions, &renamed, &racks.context).assignment;
        assert_eq!(by_instance(&renamed, &out), expected);
    }
}

#[test]
fn test_rack_aware_static_member_range_assignment_persistent_after_member_id_changes() {
    let mut racks = Racks::new(RackConfig::BrokerAndConsumerRack, 3);
    for t in ["topic1", "topic2"] {
        racks
            .context
            .partition_racks
            .insert(t.to_string(), partition_racks_n(5, 2, 3, 0));
    }
    let partitions = topics(&[("topic1", 5), ("topic2", 5)]);
    let members = static_members(
        &racks,
        &[
            ("consumer1", "instance1"),
            ("consumer2", "instance2"),
            ("consumer3", "instance3"),
        ],
    );
    let expected = VecMap::from([
        (
            "instance1".to_string(),
            parts(&[("topic1", 0), ("topic1", 2), ("topic2", 0), ("topic2", 2)]),
        ),
        (
            "instance2".to_string(),
            parts(&[("topic1", 1), ("topic1", 3), ("topic2", 1), ("topic2", 3)]),
        ),
        (
            "instance3".to_string(),
            parts(&[("topic1", 4), ("topic2", 4)]),
        ),
    ]);
    let out = run(RANGE, &partitions, &members, &racks.context).assignment;
    assert_eq!(by_instance(&members, &out), expected);
    let mut renamed = members.clone();
    renamed[2].member_id = "consumer4".into();
    renamed[1].member_id = "consumer5".into();
    let out = run(RANGE, &partitions, &renamed, &racks.context).assignment;
    assert_eq!(by_instance(&renamed, &out), expected);
}

#[allow(clippy::too_many_arguments)]
fn verify(
    prefer: bool,
    topics: &[(&str, i32)],
    rf: usize,
    brokers: &[Option<&str>],
    consumers: &[Option<&str>],
    consumer_topics: &[Vec<&str>],
    expected: &[&str],
    mismatches: i32,
) {
    verify_rack_assignment(
        RANGE,
        prefer,
        topics,
        rf,
        brokers,
        consumers,
        consumer_topics,
        None,
        expected,
        mismatches,
    );
}

/// `verifyNonRackAwareAssignment`.
fn verify_non_rack_aware(topics: &[(&str, i32)], consumer_topics: &[Vec<&str>], expected: &[&str]) {
    verify(
        false,
        topics,
        3,
        &null_racks(3),
        &racks(3),
        consumer_topics,
        expected,
        -1,
    );
    verify(
        false,
        topics,
        3,
        &racks(3),
        &null_racks(3),
        consumer_topics,
        expected,
        -1,
    );
    verify(
        false,
        topics,
        3,
        &racks(3),
        &racks(3),
        consumer_topics,
        expected,
        0,
    );
    verify(
        false,
        topics,
        4,
        &racks(4),
        &racks(3),
        consumer_topics,
        expected,
        0,
    );
    verify(
        false,
        topics,
        3,
        &racks(3),
        &[Some("d"), Some("e"), Some("f")],
        consumer_topics,
        expected,
        -1,
    );
    verify(
        false,
        topics,
        3,
        &racks(3),
        &[None, Some("e"), Some("f")],
        consumer_topics,
        expected,
        -1,
    );
    verify(
        true,
        topics,
        3,
        &racks(3),
        &racks(3),
        consumer_topics,
        expected,
        0,
    );
}

#[test]
fn test_rack_aware_assignment_with_uniform_subscription() {
    let t = [("t1", 6), ("t2", 7), ("t3", 2)];
    let all = vec!["t1", "t2", "t3"];
    let ct = vec![all.clone(), all.clone(), all];
    verify_non_rack_aware(
        &t,
        &ct,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
            "t1-2, t1-3, t2-3, t2-4, t3-1",
            "t1-4, t1-5, t2-5, t2-6",
        ],
    );
    verify(
        false,
        &t,
        1,
        &racks(3),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-3, t2-0, t2-3, t2-6",
            "t1-1, t1-4, t2-1, t2-4, t3-0",
            "t1-2, t1-5, t2-2, t2-5, t3-1",
        ],
        0,
    );
    verify(
        false,
        &t,
        2,
        &racks(3),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-2, t2-0, t2-2, t2-3, t3-1",
            "t1-1, t1-3, t2-1, t2-4, t3-0",
            "t1-4, t1-5, t2-5, t2-6",
        ],
        1,
    );
    verify(
        false,
        &t,
        3,
        &racks(2),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0",
            "t1-2, t1-3, t2-3, t2-4, t3-1",
            "t1-4, t1-5, t2-5, t2-6",
        ],
        4,
    );
}

#[test]
fn test_rack_aware_assignment_with_non_equal_subscription() {
    let t = [("t1", 6), ("t2", 7), ("t3", 2)];
    let all = vec!["t1", "t2", "t3"];
    let ct = vec![all.clone(), all, vec!["t1", "t3"]];
    verify_non_rack_aware(
        &t,
        &ct,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
            "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
            "t1-4, t1-5",
        ],
    );
    verify(
        false,
        &t,
        1,
        &racks(3),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-3, t2-0, t2-2, t2-3, t2-6",
            "t1-1, t1-4, t2-1, t2-4, t2-5, t3-0",
            "t1-2, t1-5, t3-1",
        ],
        2,
    );
    verify(
        false,
        &t,
        2,
        &racks(3),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-2, t2-0, t2-2, t2-3, t2-5, t3-1",
            "t1-1, t1-3, t2-1, t2-4, t2-6, t3-0",
            "t1-4, t1-5",
        ],
        0,
    );
    verify(
        false,
        &t,
        3,
        &racks(2),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t2-3, t3-0",
            "t1-2, t1-3, t2-4, t2-5, t2-6, t3-1",
            "t1-4, t1-5",
        ],
        2,
    );
}

#[test]
fn test_rack_aware_assignment_with_uniform_partitions() {
    let t = [("t1", 5), ("t2", 5), ("t3", 5)];
    let all = vec!["t1", "t2", "t3"];
    let ct = vec![all.clone(), all.clone(), all];
    let non_rack_aware = [
        "t1-0, t1-1, t2-0, t2-1, t3-0, t3-1",
        "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
        "t1-4, t2-4, t3-4",
    ];
    verify_non_rack_aware(&t, &ct, &non_rack_aware);
    // Co-partitioning is prioritized over rack alignment.
    verify(false, &t, 1, &racks(3), &racks(3), &ct, &non_rack_aware, 10);
    verify(false, &t, 2, &racks(3), &racks(3), &ct, &non_rack_aware, 5);
    verify(false, &t, 3, &racks(2), &racks(3), &ct, &non_rack_aware, 3);
}

#[test]
fn test_rack_aware_assignment_with_uniform_partitions_non_equal_subscription() {
    let t = [("t1", 5), ("t2", 5), ("t3", 5)];
    let all = vec!["t1", "t2", "t3"];
    let ct = vec![all.clone(), all, vec!["t1", "t3"]];
    verify_non_rack_aware(
        &t,
        &ct,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
            "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
            "t1-4, t3-4",
        ],
    );
    verify(
        false,
        &t,
        1,
        &racks(3),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-4, t3-0, t3-1",
            "t1-2, t1-3, t2-2, t2-3, t3-2, t3-3",
            "t1-4, t3-4",
        ],
        9,
    );
    verify(
        false,
        &t,
        2,
        &racks(3),
        &racks(3),
        &ct,
        &[
            "t1-2, t2-0, t2-1, t2-3, t3-2",
            "t1-0, t1-3, t2-2, t2-4, t3-0, t3-3",
            "t1-1, t1-4, t3-1, t3-4",
        ],
        0,
    );
    verify(
        false,
        &t,
        3,
        &racks(2),
        &racks(3),
        &ct,
        &[
            "t1-0, t1-1, t2-0, t2-1, t2-2, t3-0, t3-1",
            "t1-2, t1-3, t2-3, t2-4, t3-2, t3-3",
            "t1-4, t3-4",
        ],
        2,
    );
}

#[test]
fn test_rack_aware_assignment_with_co_partitioning() {
    let t = [("t1", 6), ("t2", 6), ("t3", 2), ("t4", 2)];
    let ct = vec![
        vec!["t1", "t2"],
        vec!["t1", "t2"],
        vec!["t3", "t4"],
        vec!["t3", "t4"],
    ];
    let cr = [Some("a"), Some("b"), Some("b"), Some("a")];
    let non_rack_aware = [
        "t1-0, t1-1, t1-2, t2-0, t2-1, t2-2",
        "t1-3, t1-4, t1-5, t2-3, t2-4, t2-5",
        "t3-0, t4-0",
        "t3-1, t4-1",
    ];
    verify(false, &t, 3, &racks(2), &cr, &ct, &non_rack_aware, -1);
    verify(false, &t, 2, &racks(2), &cr, &ct, &non_rack_aware, 0);
    verify(
        false,
        &t,
        1,
        &racks(2),
        &cr,
        &ct,
        &[
            "t1-0, t1-2, t1-4, t2-0, t2-2, t2-4",
            "t1-1, t1-3, t1-5, t2-1, t2-3, t2-5",
            "t3-1, t4-1",
            "t3-0, t4-0",
        ],
        0,
    );

    let all = vec!["t1", "t2", "t3", "t4"];
    let ct = vec![all.clone(), all.clone(), all.clone(), all];
    let non_rack_aware = [
        "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0",
        "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1",
        "t1-4, t2-4",
        "t1-5, t2-5",
    ];
    verify(false, &t, 3, &racks(2), &cr, &ct, &non_rack_aware, -1);
    verify(false, &t, 2, &racks(2), &cr, &ct, &non_rack_aware, 0);
    verify(
        false,
        &t,
        1,
        &racks(2),
        &cr,
        &ct,
        &[
            "t1-0, t1-2, t2-0, t2-2, t3-0, t4-0",
            "t1-1, t1-3, t2-1, t2-3, t3-1, t4-1",
            "t1-5, t2-5",
            "t1-4, t2-4",
        ],
        0,
    );
    verify(
        false,
        &t,
        1,
        &racks(3),
        &cr,
        &ct,
        &[
            "t1-0, t1-3, t2-0, t2-3, t3-0, t4-0",
            "t1-1, t1-4, t2-1, t2-4, t3-1, t4-1",
            "t1-2, t2-2",
            "t1-5, t2-5",
        ],
        6,
    );
}

#[test]
fn test_co_partitioned_assignment_with_same_subscription() {
    let t = [
        ("t1", 6),
        ("t2", 6),
        ("t3", 2),
        ("t4", 2),
        ("t5", 4),
        ("t6", 4),
    ];
    let list = vec!["t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9"];
    let ct = vec![list.clone(), list.clone(), list];
    let cr = [Some("a"), Some("b"), Some("c")];
    let non_rack_aware = [
        "t1-0, t1-1, t2-0, t2-1, t3-0, t4-0, t5-0, t5-1, t6-0, t6-1",
        "t1-2, t1-3, t2-2, t2-3, t3-1, t4-1, t5-2, t6-2",
        "t1-4, t1-5, t2-4, t2-5, t5-3, t6-3",
    ];
    verify(false, &t, 3, &null_racks(3), &cr, &ct, &non_rack_aware, -1);
    verify(true, &t, 3, &racks(3), &cr, &ct, &non_rack_aware, 0);
    verify(
        true,
        &t,
        2,
        &racks(3),
        &cr,
        &ct,
        &[
            "t1-0, t1-2, t2-0, t2-2, t3-0, t4-0, t5-1, t6-1",
            "t1-1, t1-3, t2-1, t2-3, t3-1, t4-1, t5-2, t6-2",
            "t1-4, t1-5, t2-4, t2-5, t5-0, t5-3, t6-0, t6-3",
        ],
        0,
    );
}

/// AbstractPartitionAssignorTest: `testMemberInfoSortingWithoutGroupInstanceId`,
/// `testMemberInfoSortingWithAllGroupInstanceId`, `testMemberInfoSortingSomeGroupInstanceId`,
/// observed through range's ordering (one partition per member, in member order).
#[test]
fn test_member_info_sorting() {
    let partitions = topics(&[("t", 3)]);
    let order = |members: &[Subscription]| -> Vec<String> {
        let out = assign(RANGE, &partitions, members).unwrap();
        let mut by_partition: Vec<(i32, String)> = out
            .iter()
            .map(|(m, p)| (p[0].partition, m.clone()))
            .collect();
        by_partition.sort();
        by_partition.into_iter().map(|(_, m)| m).collect()
    };
    let m = |id: &str, inst: Option<&str>| {
        let s = Subscription::new(id, ["t"]);
        match inst {
            Some(i) => s.with_instance_id(i),
            None => s,
        }
    };
    assert_eq!(
        order(&[m("c", None), m("a", None), m("b", None)]),
        ["a", "b", "c"]
    );
    assert_eq!(
        order(&[m("a", Some("y")), m("b", Some("z")), m("c", Some("x"))]),
        ["c", "a", "b"]
    );
    assert_eq!(
        order(&[m("a", None), m("b", Some("y")), m("c", Some("x"))]),
        ["c", "b", "a"]
    );
}

/// `testMergeSortManyMemberInfo` with a fixed instead of a random choice of static members.
#[test]
fn test_merge_sort_many_member_info() {
    let partitions = topics(&[("t", 100)]);
    let members: Vec<Subscription> = (0..100)
        .rev()
        .map(|i| {
            let id = (i + 100).to_string();
            let s = Subscription::new(id.clone(), ["t"]);
            if i % 3 == 0 {
                s.with_instance_id(id)
            } else {
                s
            }
        })
        .collect();
    let out = assign(RANGE, &partitions, &members).unwrap();
    let mut order: Vec<(i32, String)> = out
        .iter()
        .map(|(m, p)| (p[0].partition, m.clone()))
        .collect();
    order.sort();
    let got: Vec<String> = order.into_iter().map(|(_, m)| m).collect();
    let mut expected: Vec<String> = (0..100)
        .filter(|i| i % 3 == 0)
        .map(|i| (i + 100).to_string())
        .collect();
    expected.extend(
        (0..100)
            .filter(|i| i % 3 != 0)
            .map(|i| (i + 100).to_string()),
    );
    assert_eq!(got, expected);
}

/// The digest's example: with 8 members and 4 partitions, c1..c4 get one partition each.
#[test]
fn more_members_than_partitions() {
    let partitions = topics(&[("t", 4)]);
    let members: Vec<Subscription> = (1..=8)
        .map(|i| Subscription::new(format!("c{i}"), ["t"]))
        .collect();
    for name in AssignorName::ALL {
        let out = assign(name, &partitions, &members).unwrap();
        for i in 1..=8 {
            let expected = if i <= 4 {
                parts(&[("t", i - 1)])
            } else {
                vec![]
            };
            assert_eq!(out[&format!("c{i}")], expected, "{name} c{i}");
        }
    }
}
