#![allow(clippy::disallowed_methods)] // std's sort is fine in native tests
#![allow(clippy::type_complexity)]
//! Helpers shared by the assignor tests (ports of the helpers in Kafka's
//! `AbstractPartitionAssignorTest` and `AbstractStickyAssignorTest`). Included with `mod` by the
//! other `assignor_*` test files; compiled on its own it holds no tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use kafka_sim::vecmap::{VecMap, VecSet};

use kafka_sim::assignor::{
    assign_with_context, AssignContext, AssignmentOutcome, AssignorName, Subscription,
    TopicPartition,
};

pub const ALL_RACKS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

pub fn tp(topic: &str, partition: i32) -> TopicPartition {
    TopicPartition::new(topic, partition)
}

/// A sorted list of partitions (our assignor output is sorted).
pub fn parts(list: &[(&str, i32)]) -> Vec<TopicPartition> {
    let mut v: Vec<TopicPartition> = list.iter().map(|(t, p)| tp(t, *p)).collect();
    v.sort();
    v
}

pub fn topics(list: &[(&str, i32)]) -> VecMap<String, i32> {
    list.iter().map(|(t, n)| (t.to_string(), *n)).collect()
}

pub fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // Kafka's RackConfig names, kept for the transcribed tests.
pub enum RackConfig {
    NoBrokerRack,
    NoConsumerRack,
    BrokerAndConsumerRack,
}

pub const RACK_CONFIGS: [RackConfig; 3] = [
    RackConfig::NoBrokerRack,
    RackConfig::NoConsumerRack,
    RackConfig::BrokerAndConsumerRack,
];

/// `AbstractPartitionAssignorTest.partitionInfos(topic, n, replicationFactor, brokerRacks, next)`:
/// the racks of each partition's replicas.
pub fn partition_racks(
    num_partitions: usize,
    replication_factor: usize,
    broker_racks: &[Option<&str>],
    next_node_index: usize,
) -> Vec<VecSet<String>> {
    (0..num_partitions)
        .map(|i| {
            (0..replication_factor)
                .filter_map(|j| broker_racks[(i + j + next_node_index) % broker_racks.len()])
                .map(String::from)
                .collect()
        })
        .collect()
}

/// The overload taking a number of broker racks (0 = brokers without racks).
pub fn partition_racks_n(
    num_partitions: usize,
    replication_factor: usize,
    num_broker_racks: usize,
    next_node_index: usize,
) -> Vec<VecSet<String>> {
    let num_brokers = if num_broker_racks == 0 {
        replication_factor
    } else {
        num_broker_racks * replication_factor
    };
    let racks: Vec<Option<&str>> = (0..num_brokers)
        .map(|i| {
            if num_broker_racks == 0 {
                None
            } else {
                Some(ALL_RACKS[i % num_broker_racks])
            }
        })
        .collect();
    partition_racks(num_partitions, replication_factor, &racks, next_node_index)
}

pub fn racks(n: usize) -> Vec<Option<&'static str>> {
    (0..n)
        .map(|i| Some(ALL_RACKS[i % ALL_RACKS.len()]))
        .collect()
}

pub fn null_racks(n: usize) -> Vec<Option<&'static str>> {
    vec![None; n]
}

/// The rack set-up of Kafka's parameterized tests (`initializeRacks`).
#[derive(Clone, Debug)]
pub struct Racks {
    pub replication_factor: usize,
    pub num_broker_racks: usize,
    pub has_consumer_rack: bool,
    /// AbstractStickyAssignorTest gives each `partitionInfos` call the next node index.
    pub next_partition_index: usize,
    pub context: AssignContext,
}

impl Racks {
    pub fn new(config: RackConfig, max_consumers: usize) -> Racks {
        Racks {
            replication_factor: max_consumers,
            num_broker_racks: if config != RackConfig::NoBrokerRack {
                max_consumers
            } else {
                0
            },
            has_consumer_rack: config != RackConfig::NoConsumerRack,
            next_partition_index: 0,
            context: AssignContext {
                partition_racks: VecMap::new(),
                prefer_rack_aware_logic: true,
            },
        }
    }

    pub fn consumer_rack(&self, consumer_index: usize) -> Option<String> {
        let num_racks = if self.num_broker_racks > 0 {
            self.num_broker_racks
        } else {
            ALL_RACKS.len()
        };
        self.has_consumer_rack
            .then(|| ALL_RACKS[consumer_index % num_racks].to_string())
    }

    /// RangeAssignorTest: every topic starts at node 0.
    pub fn add_topic(&mut self, topic: &str, n: usize) {
        let r = partition_racks_n(n, self.replication_factor, self.num_broker_racks, 0);
        self.context.partition_racks.insert(topic.to_string(), r);
    }

    /// AbstractStickyAssignorTest: each call starts one node further.
    pub fn add_topic_sticky(&mut self, topic: &str, n: usize) {
        let next = self.next_partition_index;
        self.next_partition_index += 1;
        let r = partition_racks_n(n, self.replication_factor, self.num_broker_racks, next);
        self.context.partition_racks.insert(topic.to_string(), r);
    }

    /// `subscription(topics, consumerIndex)`.
    pub fn subscription(
        &self,
        member: &str,
        topics: &[&str],
        consumer_index: usize,
    ) -> Subscription {
        let mut s = Subscription::new(member, topics.iter().copied());
        s.rack = self.consumer_rack(consumer_index);
        s
    }
}

pub fn run(
    name: AssignorName,
    partitions: &VecMap<String, i32>,
    members: &[Subscription],
    context: &AssignContext,
) -> AssignmentOutcome {
    assign_with_context(name, partitions, members, context).unwrap()
}

/// `isFullyBalanced`.
pub fn is_fully_balanced(assignment: &VecMap<String, Vec<TopicPartition>>) -> bool {
    let sizes: Vec<usize> = assignment.values().map(Vec::len).collect();
    match (sizes.iter().min(), sizes.iter().max()) {
        (Some(min), Some(max)) => max - min <= 1,
        _ => true,
    }
}

/// `AbstractStickyAssignorTest.verifyValidityAndBalance`: members only get subscribed topics, no
/// partition goes to two members, and whenever two members differ by 2+ partitions they share no
/// topic (otherwise a partition could have moved).
pub fn verify_validity_and_balance(
    members: &[Subscription],
    assignment: &VecMap<String, Vec<TopicPartition>>,
) {
    assert_eq!(members.len(), assignment.len());
    let subs: VecMap<&str, &Subscription> =
        members.iter().map(|m| (m.member_id.as_str(), m)).collect();
    let consumers: Vec<&String> = assignment.keys().collect();
    for (i, c) in consumers.iter().enumerate() {
        let mine = &assignment[*c];
        for p in mine {
            assert!(
                subs[c.as_str()].topics.contains(&p.topic),
                "{p} is assigned to {c}, which does not subscribe to it: {assignment:?}"
            );
        }
        for other in consumers.iter().skip(i + 1) {
            let theirs = &assignment[*other];
            let a: VecSet<&TopicPartition> = mine.iter().collect();
            let b: VecSet<&TopicPartition> = theirs.iter().collect();
            assert!(
                a.is_disjoint(&b),
                "{c} and {other} share partitions: {assignment:?}"
            );
            if mine.len().abs_diff(theirs.len()) <= 1 {
                continue;
            }
            let ta: VecSet<&str> = mine.iter().map(|p| p.topic.as_str()).collect();
            let tb: VecSet<&str> = theirs.iter().map(|p| p.topic.as_str()).collect();
            assert!(
                ta.is_disjoint(&tb),
                "some partitions can move between {c} and {other} for a better balance: {assignment:?}"
            );
        }
    }
}

/// Partition list written as Kafka's `toSortedString` (string order of `topic-partition`).
pub fn sorted_string(partitions: &[TopicPartition]) -> String {
    let mut v: Vec<String> = partitions.iter().map(ToString::to_string).collect();
    v.sort();
    v.join(", ")
}

fn parse_partitions(s: &str) -> Vec<TopicPartition> {
    s.split(", ")
        .filter(|x| !x.is_empty())
        .map(|x| {
            let (t, p) = x.rsplit_once('-').unwrap();
            tp(t, p.parse().unwrap())
        })
        .collect()
}

/// `AbstractPartitionAssignorTest.verifyRackAssignment`. Members are `consumer0..n` (inserted in
/// that order), generation DEFAULT; topics in the given order get consecutive node indices.
#[allow(clippy::too_many_arguments)]
pub fn verify_rack_assignment(
    name: AssignorName,
    prefer_rack_aware_logic: bool,
    num_partitions_per_topic: &[(&str, i32)],
    replication_factor: usize,
    broker_racks: &[Option<&str>],
    consumer_racks: &[Option<&str>],
    consumer_topics: &[Vec<&str>],
    owned: Option<&[&str]>,
    expected: &[&str],
    num_partitions_with_rack_mismatch: i32,
) -> VecMap<String, Vec<TopicPartition>> {
    let mut context = AssignContext {
        partition_racks: VecMap::new(),
        prefer_rack_aware_logic,
    };
    let mut next = 0;
    for (topic, n) in num_partitions_per_topic {
        let r = partition_racks(*n as usize, replication_factor, broker_racks, next);
        context.partition_racks.insert(topic.to_string(), r);
        next += *n as usize;
    }
    let members: Vec<Subscription> = (0..consumer_racks.len())
        .map(|i| {
            let mut s =
                Subscription::new(format!("consumer{i}"), consumer_topics[i].iter().copied());
            s.rack = consumer_racks[i].map(String::from);
            if let Some(owned) = owned {
                if let Some(list) = owned.get(i) {
                    s.owned_partitions = parse_partitions(list);
                }
            }
            s
        })
        .collect();
    let partitions = topics(num_partitions_per_topic);
    let assignment = run(name, &partitions, &members, &context).assignment;
    for (i, exp) in expected.iter().enumerate() {
        assert_eq!(
            sorted_string(&assignment[&format!("consumer{i}")]),
            *exp,
            "consumer{i} (rf {replication_factor}, brokers {broker_racks:?}, consumers {consumer_racks:?})"
        );
    }
    if num_partitions_with_rack_mismatch >= 0 {
        let mut mismatched = 0;
        for (i, rack) in consumer_racks.iter().enumerate() {
            let Some(rack) = rack else { continue };
            for p in &assignment[&format!("consumer{i}")] {
                let racks = &context.partition_racks[&p.topic][p.partition as usize];
                if !racks.contains(*rack) {
                    mismatched += 1;
                }
            }
        }
        assert_eq!(
            mismatched, num_partitions_with_rack_mismatch,
            "partitions with rack mismatch"
        );
    }
    assignment
}
