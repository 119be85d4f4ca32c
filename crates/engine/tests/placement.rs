//! Tests of `kafka_sim::placement`.
//!
//! - `StripedReplicaPlacerTest` (apache/kafka `metadata/src/test/java/org/apache/kafka/metadata/
//!   placement/StripedReplicaPlacerTest.java`): every case, with Kafka's `MockRandom`.
//! - The placement and manual-assignment cases of `ReplicationControlManagerTest`.
//! - Differential vectors: placements recorded by running Kafka's own `StripedReplicaPlacer` on
//!   JDK 17 with `MockRandom` or `java.util.Random`, over clusters with colliding rack hashes
//!   ("Aa" and "BB" share a hash), racks outside the BMP, brokers without racks and fenced
//!   brokers, and with enough partitions to go through the placer's reshuffles.
//! - `java.util.Random` and `Collections.shuffle` vectors recorded on JDK 17.
//! - Property tests of the placer's guarantees.
#![allow(clippy::unwrap_used)]

use kafka_sim::error::{ErrorCode, SimError};
use kafka_sim::placement::*;
use proptest::prelude::*;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::{BTreeMap, BTreeSet};

/// Kafka's test `MockRandom` (`server-common/src/test/java/org/apache/kafka/server/util/
/// MockRandom.java`): a `java.util.Random` whose `next(bits)` is a 64-bit LCG.
struct MockRandom {
    state: i64,
}

impl MockRandom {
    fn new() -> Self {
        Self::with_state(17)
    }

    fn with_state(state: i64) -> Self {
        MockRandom { state }
    }

    fn next_bits(&mut self, bits: u32) -> i32 {
        self.state = self
            .state
            .wrapping_mul(2_862_933_555_777_941_757)
            .wrapping_add(3_037_000_493);
        ((self.state as u64) >> (64 - bits)) as i32
    }
}

impl PlacementRandom for MockRandom {
    fn next_int(&mut self, bound: i32) -> i32 {
        java_next_int(bound, |bits| self.next_bits(bits))
    }
}

fn ub(id: i32, rack: Option<&str>, fenced: bool) -> UsableBroker {
    UsableBroker::new(id, rack, fenced)
}

fn rf_error(message: &str) -> PlacementError {
    PlacementError::InvalidReplicationFactor(message.to_string())
}

fn assignment_error(message: &str) -> PlacementError {
    PlacementError::InvalidReplicaAssignment(message.to_string())
}

fn place_with<R: PlacementRandom>(
    placer: &mut StripedReplicaPlacer<R>,
    start_partition: i32,
    num_partitions: i32,
    replication_factor: i16,
    brokers: &[UsableBroker],
) -> Result<Vec<Vec<i32>>, PlacementError> {
    placer.place(
        &PlacementSpec::new(start_partition, num_partitions, replication_factor),
        brokers,
    )
}

// =============================================================================================
// StripedReplicaPlacerTest
// =============================================================================================

#[test]
fn test_broker_list() {
    let mut empty = BrokerList::new();
    assert_eq!(0, empty.size());
    assert_eq!(None, empty.next(1));
    let mut brokers = BrokerList::new()
        .with_broker(0)
        .with_broker(1)
        .with_broker(2)
        .with_broker(3);
    assert_eq!(4, brokers.size());
    assert_eq!(Some(0), brokers.next(0));
    assert_eq!(Some(1), brokers.next(0));
    assert_eq!(Some(2), brokers.next(0));
    assert_eq!(Some(3), brokers.next(0));
    assert_eq!(None, brokers.next(0));
    assert_eq!(None, brokers.next(0));
    assert_eq!(Some(1), brokers.next(1));
    assert_eq!(Some(2), brokers.next(1));
    assert_eq!(Some(3), brokers.next(1));
    assert_eq!(Some(0), brokers.next(1));
    assert_eq!(None, brokers.next(1));
}

#[test]
fn test_avoid_fenced_replica_if_possible_on_single_rack() {
    let brokers = [
        ub(3, None, false),
        ub(1, None, true),
        ub(0, None, false),
        ub(4, None, false),
        ub(2, None, false),
    ];
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(5, rack_list.num_total_brokers());
    assert_eq!(4, rack_list.num_unfenced_brokers());
    assert_eq!(vec![None], rack_list.rack_names());
    assert!(matches!(
        rack_list.place(0),
        Err(PlacementError::InvalidReplicationFactor(_))
    ));
    assert!(matches!(
        rack_list.place(-1),
        Err(PlacementError::InvalidReplicationFactor(_))
    ));
    assert_eq!(vec![3, 4, 0, 2], rack_list.place(4).unwrap());
    assert_eq!(vec![4, 0, 2, 3], rack_list.place(4).unwrap());
    assert_eq!(vec![0, 2, 3, 4], rack_list.place(4).unwrap());
    assert_eq!(vec![2, 3, 4, 0], rack_list.place(4).unwrap());
    assert_eq!(vec![0, 4, 3, 2], rack_list.place(4).unwrap());
}

#[test]
fn test_multi_partition_topic_placement_on_single_unfenced_broker() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    assert_eq!(
        vec![vec![0], vec![0], vec![0]],
        place_with(
            &mut placer,
            0,
            3,
            1,
            &[ub(0, None, false), ub(1, None, true)]
        )
        .unwrap()
    );
}

#[test]
fn test_placement_on_fenced_replica_on_single_rack() {
    let brokers = [ub(3, None, false), ub(1, None, true), ub(2, None, false)];
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(3, rack_list.num_total_brokers());
    assert_eq!(2, rack_list.num_unfenced_brokers());
    assert_eq!(vec![None], rack_list.rack_names());
    assert_eq!(vec![3, 2, 1], rack_list.place(3).unwrap());
    assert_eq!(vec![2, 3, 1], rack_list.place(3).unwrap());
    assert_eq!(vec![3, 2, 1], rack_list.place(3).unwrap());
    assert_eq!(vec![2, 3, 1], rack_list.place(3).unwrap());
}

#[test]
fn test_rack_list_with_multiple_racks() {
    let brokers = [
        ub(11, Some("1"), false),
        ub(10, Some("1"), false),
        ub(30, Some("3"), false),
        ub(31, Some("3"), false),
        ub(21, Some("2"), false),
        ub(20, Some("2"), true),
    ];
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(6, rack_list.num_total_brokers());
    assert_eq!(5, rack_list.num_unfenced_brokers());
    assert_eq!(
        vec![Some("1"), Some("2"), Some("3")],
        rack_list.rack_names()
    );
    assert_eq!(vec![11, 21, 31, 10], rack_list.place(4).unwrap());
    assert_eq!(vec![21, 30, 10, 20], rack_list.place(4).unwrap());
    assert_eq!(vec![31, 11, 21, 30], rack_list.place(4).unwrap());
}

#[test]
fn test_rack_list_with_invalid_racks() {
    let brokers = [
        ub(11, Some("1"), false),
        ub(10, Some("1"), false),
        ub(30, Some("3"), true),
        ub(31, Some("3"), true),
        ub(20, Some("2"), true),
        ub(21, Some("2"), true),
        ub(41, Some("4"), false),
        ub(40, Some("4"), true),
    ];
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(8, rack_list.num_total_brokers());
    assert_eq!(3, rack_list.num_unfenced_brokers());
    assert_eq!(
        vec![Some("1"), Some("2"), Some("3"), Some("4")],
        rack_list.rack_names()
    );
    assert_eq!(vec![41, 11, 21, 30], rack_list.place(4).unwrap());
    assert_eq!(vec![10, 20, 31, 41], rack_list.place(4).unwrap());
    assert_eq!(vec![41, 21, 30, 11], rack_list.place(4).unwrap());
}

#[test]
fn test_all_brokers_fenced() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let err = place_with(
        &mut placer,
        0,
        1,
        1,
        &[ub(11, Some("1"), true), ub(10, Some("1"), true)],
    )
    .unwrap_err();
    assert_eq!(rf_error("All brokers are currently fenced."), err);
}

#[test]
fn test_not_enough_brokers() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let err = place_with(
        &mut placer,
        0,
        1,
        3,
        &[ub(11, Some("1"), false), ub(10, Some("1"), false)],
    )
    .unwrap_err();
    assert_eq!(
        rf_error(
            "The target replication factor of 3 cannot be reached because only 2 broker(s) \
             are registered."
        ),
        err
    );
}

#[test]
fn test_non_positive_replication_factor() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let err = place_with(
        &mut placer,
        0,
        1,
        0,
        &[ub(11, Some("1"), false), ub(10, Some("1"), false)],
    )
    .unwrap_err();
    assert_eq!(
        rf_error("Invalid replication factor 0: the replication factor must be positive."),
        err
    );
}

#[test]
fn test_successful_placement() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    assert_eq!(
        vec![
            vec![2, 3, 0],
            vec![3, 0, 1],
            vec![0, 1, 2],
            vec![1, 2, 3],
            vec![1, 0, 2],
        ],
        place_with(
            &mut placer,
            0,
            5,
            3,
            &[
                ub(0, None, false),
                ub(3, None, false),
                ub(2, None, false),
                ub(1, None, false),
            ]
        )
        .unwrap()
    );
}

#[test]
fn test_even_distribution() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let placements = place_with(
        &mut placer,
        0,
        200,
        2,
        &[
            ub(0, None, false),
            ub(1, None, false),
            ub(2, None, false),
            ub(3, None, false),
        ],
    )
    .unwrap();
    let mut counts: BTreeMap<Vec<i32>, i32> = BTreeMap::new();
    for replicas in placements {
        *counts.entry(replicas).or_default() += 1;
    }
    let expected: BTreeMap<Vec<i32>, i32> = [
        (vec![0, 1], 14),
        (vec![0, 2], 22),
        (vec![0, 3], 14),
        (vec![1, 0], 17),
        (vec![1, 2], 17),
        (vec![1, 3], 16),
        (vec![2, 0], 13),
        (vec![2, 1], 17),
        (vec![2, 3], 20),
        (vec![3, 0], 20),
        (vec![3, 1], 19),
        (vec![3, 2], 11),
    ]
    .into_iter()
    .collect();
    assert_eq!(expected, counts);
}

#[test]
fn test_rack_list_all_brokers_fenced() {
    // We can place N replicas on a rack when the rack has fewer than N brokers... unless every
    // broker is fenced.
    let brokers = [ub(0, None, true), ub(1, None, true), ub(2, None, true)];
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(3, rack_list.num_total_brokers());
    assert_eq!(0, rack_list.num_unfenced_brokers());
    assert_eq!(vec![None], rack_list.rack_names());
    assert_eq!(
        rf_error("All brokers are currently fenced."),
        rack_list.place(3).unwrap_err()
    );
}

#[test]
fn test_rack_list_not_enough_brokers() {
    let brokers = [ub(11, Some("1"), false), ub(10, Some("1"), false)];
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(
        rf_error(
            "The target replication factor of 3 cannot be reached because only 2 broker(s) \
             are registered."
        ),
        rack_list.place(3).unwrap_err()
    );
}

#[test]
fn test_rack_list_non_positive_replication_factor() {
    let brokers = [ub(11, Some("1"), false), ub(10, Some("1"), false)];
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(
        rf_error("Invalid replication factor -1: the replication factor must be positive."),
        rack_list.place(-1).unwrap_err()
    );
}

/// The two entry points check in different orders: the placer reports fenced brokers before
/// too few brokers, a `RackList` the other way round (as in Kafka).
#[test]
fn placer_and_rack_list_check_in_kafka_order() {
    let brokers = [ub(1, None, true), ub(2, None, true)];
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    assert_eq!(
        rf_error("All brokers are currently fenced."),
        place_with(&mut placer, 0, 1, 3, &brokers).unwrap_err()
    );
    let mut rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(
        rf_error(
            "The target replication factor of 3 cannot be reached because only 2 broker(s) \
             are registered."
        ),
        rack_list.place(3).unwrap_err()
    );
    // No brokers at all: "fenced" (ReplicationControlManagerTest.testCreateTopics).
    assert_eq!(
        rf_error("All brokers are currently fenced."),
        place_with(&mut placer, 0, 1, 3, &[]).unwrap_err()
    );
}

// =============================================================================================
// ReplicationControlManagerTest: manual assignments and topic / partition creation
// =============================================================================================

/// `ReplicationControlTestContext` defaults: `defaultReplicationFactor` 3, `defaultNumPartitions`
/// 1, and a `StripedReplicaPlacer(new MockRandom())`.
const TEST_DEFAULTS: TopicDefaults = TopicDefaults {
    num_partitions: 1,
    replication_factor: 3,
};

fn default_topic() -> CreateTopicSpec {
    CreateTopicSpec {
        num_partitions: -1,
        replication_factor: -1,
        assignments: Vec::new(),
    }
}

fn manual_topic(replicas: &[&[i32]]) -> CreateTopicSpec {
    CreateTopicSpec {
        num_partitions: -1,
        replication_factor: -1,
        assignments: replicas
            .iter()
            .enumerate()
            .map(|(i, r)| (i as i32, r.to_vec()))
            .collect(),
    }
}

fn registered(ids: &[i32]) -> Vec<RegisteredBroker> {
    ids.iter()
        .map(|&id| RegisteredBroker::new(id).fenced(true))
        .collect()
}

fn new_partition(replicas: &[i32], isr: &[i32], leader: i32) -> NewPartition {
    NewPartition {
        replicas: replicas.to_vec(),
        isr: isr.to_vec(),
        leader,
    }
}

#[test]
fn test_validate_good_manual_partition_assignments() {
    let cluster = ClusterDescription::new(registered(&[1, 2, 3]));
    validate_manual_partition_assignment(&[1], Some(1), &cluster).unwrap();
    validate_manual_partition_assignment(&[1], None, &cluster).unwrap();
    validate_manual_partition_assignment(&[1, 2, 3], Some(3), &cluster).unwrap();
    validate_manual_partition_assignment(&[1, 2, 3], None, &cluster).unwrap();
}

#[test]
fn test_validate_bad_manual_partition_assignments() {
    let cluster = ClusterDescription::new(registered(&[1, 2]));
    assert_eq!(
        assignment_error("The manual partition assignment includes an empty replica list."),
        validate_manual_partition_assignment(&[], None, &cluster).unwrap_err()
    );
    assert_eq!(
        assignment_error(
            "The manual partition assignment includes broker 3, but no such broker is \
             registered."
        ),
        validate_manual_partition_assignment(&[1, 2, 3], None, &cluster).unwrap_err()
    );
    assert_eq!(
        assignment_error("The manual partition assignment includes the broker 2 more than once."),
        validate_manual_partition_assignment(&[1, 2, 2], None, &cluster).unwrap_err()
    );
    assert_eq!(
        assignment_error(
            "The manual partition assignment includes a partition with 2 replica(s), but this \
             is not consistent with previous partitions, which have 3 replica(s)."
        ),
        validate_manual_partition_assignment(&[1, 2], Some(3), &cluster).unwrap_err()
    );
}

/// testCancelReassignPartitions validates reassignment targets the same way.
#[test]
fn reassignment_targets_are_validated_like_manual_assignments() {
    let cluster = ClusterDescription::new(registered(&[0, 1, 2, 3, 4]));
    assert_eq!(
        assignment_error(
            "The manual partition assignment includes broker 5, but no such broker is \
             registered."
        ),
        validate_manual_partition_assignment(&[1, 2, 5], None, &cluster).unwrap_err()
    );
    assert_eq!(
        assignment_error("The manual partition assignment includes an empty replica list."),
        validate_manual_partition_assignment(&[], None, &cluster).unwrap_err()
    );
}

#[test]
fn manual_assignment_checks_brokers_in_ascending_order() {
    let cluster = ClusterDescription::new(registered(&[1, 2]));
    // Sorted: 1, 1, 2, 9: the repeated 1 comes before the unknown 9.
    assert_eq!(
        assignment_error("The manual partition assignment includes the broker 1 more than once."),
        validate_manual_partition_assignment(&[9, 2, 1, 1], None, &cluster).unwrap_err()
    );
    // An unknown broker named twice is reported as unknown.
    assert_eq!(
        assignment_error(
            "The manual partition assignment includes broker 7, but no such broker is \
             registered."
        ),
        validate_manual_partition_assignment(&[7, 7], None, &cluster).unwrap_err()
    );
}

#[test]
fn test_create_topics() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let request = default_topic();

    // No broker at all.
    let cluster = ClusterDescription::new(Vec::new());
    assert_eq!(
        rf_error("Unable to replicate the partition 3 time(s): All brokers are currently fenced."),
        place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap_err()
    );

    // Brokers 0, 1, 2 registered; 0 unfenced, then in controlled shutdown through its
    // registration only: the heartbeat manager still offers it to the placer, but it cannot
    // join the ISR.
    let brokers = vec![
        RegisteredBroker::new(0).in_controlled_shutdown(true),
        RegisteredBroker::new(1).fenced(true),
        RegisteredBroker::new(2).fenced(true),
    ];
    let usable = vec![ub(0, None, false), ub(1, None, true), ub(2, None, true)];
    let cluster = ClusterDescription::with_usable(brokers, usable);
    let err = place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap_err();
    assert_eq!(
        rf_error(
            "Unable to replicate the partition 3 time(s): All brokers are currently fenced or \
             in controlled shutdown."
        ),
        err
    );
    assert_eq!(ErrorCode::InvalidReplicationFactor, err.error_code());

    // Re-registered and unfenced.
    let cluster = ClusterDescription::new((0..3).map(RegisteredBroker::new));
    assert_eq!(
        vec![new_partition(&[1, 2, 0], &[1, 2, 0], 1)],
        place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap()
    );
}

#[test]
fn test_create_topics_isr_invariants() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::with_usable(
        vec![
            RegisteredBroker::new(0),
            RegisteredBroker::new(1).in_controlled_shutdown(true),
            RegisteredBroker::new(2).fenced(true),
        ],
        vec![ub(0, None, false), ub(1, None, false), ub(2, None, true)],
    );
    // Broker 2 cannot be in the ISR because it is fenced and broker 1 because it is in
    // controlled shutdown.
    assert_eq!(
        vec![new_partition(&[1, 0, 2], &[0], 0)],
        place_new_topic(&default_topic(), TEST_DEFAULTS, &cluster, &mut placer).unwrap()
    );
}

#[test]
fn test_create_partitions_isr_invariants() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::with_usable(
        vec![
            RegisteredBroker::new(0),
            RegisteredBroker::new(1).in_controlled_shutdown(true),
            RegisteredBroker::new(2).fenced(true),
        ],
        vec![ub(0, None, false), ub(1, None, false), ub(2, None, true)],
    );
    let created = place_new_topic(
        &CreateTopicSpec {
            num_partitions: 1,
            replication_factor: 3,
            assignments: Vec::new(),
        },
        TEST_DEFAULTS,
        &cluster,
        &mut placer,
    )
    .unwrap();
    assert_eq!(1, created.len());
    let added = place_new_partitions(
        &CreatePartitionsSpec {
            topic_name: "foo".to_string(),
            current_partitions: 1,
            replication_factor: 3,
            count: 2,
            assignments: None,
        },
        &cluster,
        &mut placer,
    )
    .unwrap();
    assert_eq!(vec![new_partition(&[0, 1, 2], &[0], 0)], added);
}

#[test]
fn test_create_partitions_fails_when_all_brokers_are_fenced_or_in_controlled_shutdown() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new((0..2).map(RegisteredBroker::new));
    let foo = CreateTopicSpec {
        num_partitions: 1,
        replication_factor: 2,
        assignments: Vec::new(),
    };
    place_new_topic(&foo, TEST_DEFAULTS, &cluster, &mut placer).unwrap();

    let cluster = ClusterDescription::with_usable(
        vec![
            RegisteredBroker::new(0).in_controlled_shutdown(true),
            RegisteredBroker::new(1).fenced(true),
        ],
        vec![ub(0, None, false), ub(1, None, true)],
    );
    let err = place_new_partitions(
        &CreatePartitionsSpec {
            topic_name: "foo".to_string(),
            current_partitions: 1,
            replication_factor: 2,
            count: 2,
            assignments: None,
        },
        &cluster,
        &mut placer,
    )
    .unwrap_err();
    assert_eq!(
        rf_error(
            "Unable to replicate the partition 2 time(s): All brokers are currently fenced or \
             in controlled shutdown."
        ),
        err
    );
}

#[test]
fn test_invalid_create_topics_with_validate_only_flag() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new((0..3).map(RegisteredBroker::new));
    let request = CreateTopicSpec {
        num_partitions: 1,
        replication_factor: 4,
        assignments: Vec::new(),
    };
    assert_eq!(
        rf_error(
            "Unable to replicate the partition 4 time(s): The target replication factor of 4 \
             cannot be reached because only 3 broker(s) are registered."
        ),
        place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap_err()
    );
}

/// testCreateTopicsWithConfigs: a replication factor of -2 is refused.
#[test]
fn test_create_topics_with_invalid_replication_factor() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new((0..3).map(RegisteredBroker::new));
    let request = CreateTopicSpec {
        num_partitions: -1,
        replication_factor: -2,
        assignments: Vec::new(),
    };
    let err = place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap_err();
    assert_eq!(ErrorCode::InvalidReplicationFactor, err.error_code());
    assert_eq!(
        "Replication factor must be larger than 0, or -1 to use the default value.",
        err.to_string()
    );
}

#[test]
fn test_manual_partition_assignment_on_all_fenced_brokers() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new(registered(&[0, 1, 2, 3]));
    let err = place_new_topic(
        &manual_topic(&[&[0, 1, 2]]),
        TEST_DEFAULTS,
        &cluster,
        &mut placer,
    )
    .unwrap_err();
    assert_eq!(ErrorCode::InvalidReplicaAssignment, err.error_code());
    assert_eq!(
        "All brokers specified in the manual partition assignment for partition 0 are fenced \
         or in controlled shutdown.",
        err.message()
    );
}

#[test]
fn test_create_partitions_fails_with_manual_assignment_with_all_fenced() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster =
        ClusterDescription::new((0..6).map(|id| RegisteredBroker::new(id).fenced(id >= 3)));
    let foo = place_new_topic(
        &manual_topic(&[&[0, 1, 2]]),
        TEST_DEFAULTS,
        &cluster,
        &mut placer,
    )
    .unwrap();
    assert_eq!(vec![new_partition(&[0, 1, 2], &[0, 1, 2], 0)], foo);
    let add = |replicas: &[i32]| CreatePartitionsSpec {
        topic_name: "foo".to_string(),
        current_partitions: 1,
        replication_factor: 3,
        count: 2,
        assignments: Some(vec![replicas.to_vec()]),
    };
    assert_eq!(
        assignment_error(
            "All brokers specified in the manual partition assignment for partition 1 are \
             fenced or in controlled shutdown."
        ),
        place_new_partitions(&add(&[3, 4, 5]), &cluster, &mut placer).unwrap_err()
    );
    assert_eq!(
        vec![new_partition(&[2, 4, 5], &[2], 2)],
        place_new_partitions(&add(&[2, 4, 5]), &cluster, &mut placer).unwrap()
    );
}

#[test]
fn test_create_partitions() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new([0, 1, 3].map(RegisteredBroker::new));
    let topic = |partitions: i32| CreateTopicSpec {
        num_partitions: partitions,
        replication_factor: 2,
        assignments: Vec::new(),
    };
    for (name, partitions) in [("foo", 3), ("bar", 4), ("quux", 2), ("foo2", 2)] {
        let created = place_new_topic(&topic(partitions), TEST_DEFAULTS, &cluster, &mut placer)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(partitions as usize, created.len());
    }
    let grow = |name: &str, current: i32, count: i32, assignments: Option<Vec<Vec<i32>>>| {
        CreatePartitionsSpec {
            topic_name: name.to_string(),
            current_partitions: current,
            replication_factor: 2,
            count,
            assignments,
        }
    };
    assert_eq!(
        2,
        place_new_partitions(&grow("foo", 3, 5, None), &cluster, &mut placer)
            .unwrap()
            .len()
    );
    let err = place_new_partitions(&grow("bar", 4, 3, None), &cluster, &mut placer).unwrap_err();
    assert_eq!(ErrorCode::InvalidPartitions, err.error_code());
    assert_eq!(
        "The topic bar currently has 4 partition(s); 3 would not be an increase.",
        err.message()
    );
    let err = place_new_partitions(&grow("quux", 2, 2, None), &cluster, &mut placer).unwrap_err();
    assert_eq!(
        PlacementError::InvalidPartitions("Topic already has 2 partition(s).".to_string()),
        err
    );

    assert_eq!(
        vec![new_partition(&[1, 3], &[1, 3], 1)],
        place_new_partitions(
            &grow("foo", 5, 6, Some(vec![vec![1, 3]])),
            &cluster,
            &mut placer
        )
        .unwrap()
    );
    assert_eq!(
        assignment_error(
            "The manual partition assignment includes a partition with 1 replica(s), but this \
             is not consistent with previous partitions, which have 2 replica(s)."
        ),
        place_new_partitions(
            &grow("bar", 4, 5, Some(vec![vec![1]])),
            &cluster,
            &mut placer
        )
        .unwrap_err()
    );
    assert_eq!(
        assignment_error(
            "Attempted to add 2 additional partition(s), but only 1 assignment(s) were \
             specified."
        ),
        place_new_partitions(
            &grow("quux", 2, 4, Some(vec![vec![1, 0]])),
            &cluster,
            &mut placer
        )
        .unwrap_err()
    );
    assert_eq!(
        assignment_error(
            "The manual partition assignment includes broker 2, but no such broker is \
             registered."
        ),
        place_new_partitions(
            &grow("foo2", 2, 3, Some(vec![vec![2, 0]])),
            &cluster,
            &mut placer
        )
        .unwrap_err()
    );
}

// ---------------------------------------------------------------------------------------------
// createTopic's other manual-assignment rules (ReplicationControlManager.createTopic)
// ---------------------------------------------------------------------------------------------

#[test]
fn manual_assignment_requires_default_replication_factor_and_partitions() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new((0..3).map(RegisteredBroker::new));
    let mut request = manual_topic(&[&[0, 1]]);
    request.replication_factor = 2;
    let err = place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap_err();
    assert_eq!(ErrorCode::InvalidRequest, err.error_code());
    assert_eq!(
        "A manual partition assignment was specified, but replication factor was not set to -1.",
        err.message()
    );
    let mut request = manual_topic(&[&[0, 1]]);
    request.num_partitions = 1;
    let err = place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap_err();
    assert_eq!(ErrorCode::InvalidRequest, err.error_code());
    assert_eq!(
        "A manual partition assignment was specified, but numPartitions was not set to -1.",
        err.message()
    );
}

#[test]
fn manual_assignment_partition_indexes() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new((0..3).map(RegisteredBroker::new));
    let spec = |assignments: Vec<(i32, Vec<i32>)>| CreateTopicSpec {
        num_partitions: -1,
        replication_factor: -1,
        assignments,
    };
    assert_eq!(
        assignment_error("Found multiple manual partition assignments for partition 0"),
        place_new_topic(
            &spec(vec![(0, vec![0, 1]), (0, vec![1, 2])]),
            TEST_DEFAULTS,
            &cluster,
            &mut placer
        )
        .unwrap_err()
    );
    for assignments in [
        vec![(1, vec![0, 1])],
        vec![(0, vec![0, 1]), (2, vec![1, 2])],
        vec![(-1, vec![0, 1])],
    ] {
        assert_eq!(
            assignment_error("partitions should be a consecutive 0-based integer sequence"),
            place_new_topic(&spec(assignments), TEST_DEFAULTS, &cluster, &mut placer).unwrap_err()
        );
    }
    // Any order is fine; the result is indexed by partition.
    assert_eq!(
        vec![
            new_partition(&[2, 0], &[2, 0], 2),
            new_partition(&[0, 1], &[0, 1], 0)
        ],
        place_new_topic(
            &spec(vec![(1, vec![0, 1]), (0, vec![2, 0])]),
            TEST_DEFAULTS,
            &cluster,
            &mut placer
        )
        .unwrap()
    );
}

#[test]
fn manual_assignment_replica_counts_must_match() {
    let cluster = ClusterDescription::new((0..3).map(RegisteredBroker::new));
    assert_eq!(
        assignment_error(
            "The manual partition assignment includes a partition with 3 replica(s), but this \
             is not consistent with previous partitions, which have 2 replica(s)."
        ),
        validate_manual_assignment(&[vec![0, 1], vec![0, 1, 2]], &cluster).unwrap_err()
    );
}

#[test]
fn manual_assignment_allows_fenced_and_shutting_down_replicas() {
    let cluster = ClusterDescription::new([
        RegisteredBroker::new(0).fenced(true),
        RegisteredBroker::new(1).in_controlled_shutdown(true),
        RegisteredBroker::new(2),
    ]);
    assert_eq!(
        vec![
            new_partition(&[0, 1, 2], &[2], 2),
            new_partition(&[2, 0, 1], &[2], 2)
        ],
        validate_manual_assignment(&[vec![0, 1, 2], vec![2, 0, 1]], &cluster).unwrap()
    );
    // Only replicas that cannot lead.
    assert_eq!(
        assignment_error(
            "All brokers specified in the manual partition assignment for partition 1 are \
             fenced or in controlled shutdown."
        ),
        validate_manual_assignment(&[vec![2, 0], vec![0, 1]], &cluster).unwrap_err()
    );
}

#[test]
fn invalid_partition_counts() {
    let mut placer = StripedReplicaPlacer::new(MockRandom::new());
    let cluster = ClusterDescription::new((0..3).map(RegisteredBroker::new));
    for num_partitions in [0, -2] {
        let request = CreateTopicSpec {
            num_partitions,
            replication_factor: 1,
            assignments: Vec::new(),
        };
        assert_eq!(
            PlacementError::InvalidPartitions(
                "Number of partitions was set to an invalid non-positive value.".to_string()
            ),
            place_new_topic(&request, TEST_DEFAULTS, &cluster, &mut placer).unwrap_err()
        );
    }
}

#[test]
fn placement_errors_convert_to_sim_errors() {
    let err = assignment_error("x");
    assert_eq!(
        SimError::kafka(ErrorCode::InvalidReplicaAssignment, "x"),
        SimError::from(err)
    );
}

#[test]
fn usable_brokers_exclude_brokers_in_controlled_shutdown() {
    let cluster = ClusterDescription::new([
        RegisteredBroker::new(3).with_rack("b"),
        RegisteredBroker::new(1).fenced(true),
        RegisteredBroker::new(2).in_controlled_shutdown(true),
        RegisteredBroker::new(0),
    ]);
    // Java `HashMap<Integer, _>` order: small ids iterate in ascending order.
    assert_eq!(
        &[
            ub(0, None, false),
            ub(1, None, true),
            ub(3, Some("b"), false)
        ],
        cluster.usable_brokers()
    );
    assert!(cluster.is_registered(2));
    assert!(!cluster.is_active(2));
    assert!(!cluster.is_active(1));
    assert!(cluster.is_active(3));
    assert!(!cluster.is_registered(4));
}

// =============================================================================================
// Differential vectors recorded from Kafka's StripedReplicaPlacer (JDK 17)
// =============================================================================================

enum Seed {
    /// `new MockRandom(seed)`.
    Mock(i64),
    /// `new java.util.Random(seed)`.
    Java(i64),
}

enum AnyRandom {
    Mock(MockRandom),
    Java(JavaRandom),
}

impl PlacementRandom for AnyRandom {
    fn next_int(&mut self, bound: i32) -> i32 {
        match self {
            AnyRandom::Mock(r) => r.next_int(bound),
            AnyRandom::Java(r) => r.next_int(bound),
        }
    }
}

type Call = (i32, i16, Result<&'static [&'static [i32]], &'static str>);

struct VectorCase {
    random: Seed,
    /// (id, rack, fenced), in `usableBrokers()` order.
    brokers: &'static [(i32, Option<&'static str>, bool)],
    /// Consecutive `place` calls on one placer: (partitions, replication factor, result).
    calls: &'static [Call],
}

const VECTORS: &[VectorCase] = &[
    VectorCase {
        random: Seed::Mock(640),
        brokers: &[
            (6, None, false),
            (30, None, true),
            (38, Some("BB"), true),
            (39, Some("e"), false),
            (0, Some("Aa"), false),
            (28, Some("e"), false),
            (35, None, false),
            (4, None, false),
            (12, Some("BB"), false),
            (5, Some("Aa"), false),
        ],
        calls: &[
            (2, 3, Ok(&[&[12, 28, 6], &[39, 35, 5]])),
            (2, 1, Ok(&[&[12], &[39]])),
            (
                5,
                5,
                Ok(&[
                    &[12, 28, 35, 5, 38],
                    &[39, 4, 0, 12, 28],
                    &[6, 5, 12, 28, 35],
                    &[0, 12, 39, 35, 5],
                    &[12, 28, 4, 5, 38],
                ]),
            ),
        ],
    },
    VectorCase {
        random: Seed::Mock(376),
        brokers: &[
            (21, Some("y"), false),
            (6, None, false),
            (3, Some("y"), false),
            (35, None, false),
            (28, None, true),
            (7, Some("\u{1f600}"), true),
            (12, None, false),
            (8, Some("\u{fffd}"), false),
            (29, Some("y"), false),
            (10, Some("\u{fffd}"), true),
            (36, None, true),
            (15, Some("\u{1f600}"), true),
        ],
        calls: &[
            (
                4,
                5,
                Ok(&[
                    &[8, 7, 35, 3, 15],
                    &[8, 6, 21, 15, 10],
                    &[12, 29, 7, 8, 35],
                    &[3, 15, 8, 35, 21],
                ]),
            ),
            (
                6,
                5,
                Ok(&[
                    &[12, 21, 15, 8, 35],
                    &[29, 7, 8, 35, 3],
                    &[8, 15, 6, 3, 7],
                    &[8, 12, 21, 7, 10],
                    &[35, 29, 15, 8, 6],
                    &[3, 7, 8, 6, 21],
                ]),
            ),
        ],
    },
    VectorCase {
        random: Seed::Mock(23),
        brokers: &[
            (33, Some("AaBB"), false),
            (23, Some("BB"), false),
            (20, Some("AaBB"), false),
            (32, Some("BB"), false),
            (35, Some("z"), true),
            (31, Some("BB"), true),
            (24, Some("z"), true),
            (16, Some("z"), false),
            (1, Some("AaBB"), true),
            (4, Some("Aa"), false),
        ],
        calls: &[(
            6,
            4,
            Ok(&[
                &[33, 23, 16, 4],
                &[32, 16, 4, 20],
                &[16, 4, 33, 23],
                &[4, 20, 32, 16],
                &[33, 23, 16, 4],
                &[32, 16, 4, 20],
            ]),
        )],
    },
    VectorCase {
        random: Seed::Java(813),
        brokers: &[
            (9, Some("\u{1f600}"), true),
            (7, Some("\u{fffd}"), false),
            (4, Some("\u{fffd}"), false),
        ],
        calls: &[
            (2, 3, Ok(&[&[7, 9, 4], &[4, 9, 7]])),
            (
                9,
                2,
                Ok(&[
                    &[4, 9],
                    &[7, 9],
                    &[7, 9],
                    &[4, 9],
                    &[4, 9],
                    &[7, 9],
                    &[7, 9],
                    &[4, 9],
                    &[4, 9],
                ]),
            ),
        ],
    },
    VectorCase {
        random: Seed::Java(420),
        brokers: &[
            (31, Some("Aa"), true),
            (24, Some("\u{fffd}"), true),
            (23, Some("rack-2"), false),
            (38, Some("rack-2"), false),
            (34, Some("rack-2"), false),
            (7, Some("Aa"), false),
            (13, Some("\u{1f600}"), true),
            (14, Some("Aa"), false),
            (2, Some("BB"), true),
            (17, Some("rack-2"), true),
        ],
        calls: &[
            (2, 3, Ok(&[&[23, 13, 24], &[14, 13, 24]])),
            (2, 1, Ok(&[&[7], &[38]])),
        ],
    },
    VectorCase {
        random: Seed::Java(773),
        brokers: &[
            (26, None, true),
            (11, Some("a"), true),
            (23, Some("BBBB"), false),
            (18, None, true),
            (3, None, true),
            (33, Some("BBBB"), true),
            (19, Some("a"), false),
            (20, Some("BBBB"), true),
        ],
        calls: &[
            (
                5,
                6,
                Ok(&[
                    &[23, 26, 19, 3, 33, 11],
                    &[23, 19, 3, 20, 11, 18],
                    &[19, 3, 23, 11, 26, 33],
                    &[23, 26, 19, 18, 20, 11],
                    &[19, 26, 23, 18, 11, 20],
                ]),
            ),
            (
                4,
                6,
                Ok(&[
                    &[23, 18, 19, 26, 20, 11],
                    &[23, 19, 26, 33, 11, 3],
                    &[19, 3, 23, 18, 11, 33],
                    &[19, 23, 18, 11, 20, 26],
                ]),
            ),
        ],
    },
    VectorCase {
        random: Seed::Mock(387),
        brokers: &[
            (39, Some("Aa"), false),
            (0, Some("BB"), false),
            (8, Some("BB"), true),
            (25, Some("BB"), false),
            (31, Some("Aa"), false),
            (2, Some("BB"), true),
        ],
        calls: &[
            (
                6,
                4,
                Ok(&[
                    &[25, 31, 0, 39],
                    &[39, 0, 31, 25],
                    &[25, 31, 0, 39],
                    &[39, 0, 31, 25],
                    &[0, 31, 25, 39],
                    &[39, 25, 31, 0],
                ]),
            ),
            (1, 4, Ok(&[&[31, 0, 39, 25]])),
            (5, 1, Ok(&[&[39], &[25], &[31], &[0], &[31]])),
        ],
    },
    VectorCase {
        random: Seed::Java(466),
        brokers: &[
            (2, Some("Aa"), true),
            (33, Some("Aa"), true),
            (26, Some("rack-1"), true),
            (35, Some("AaBB"), true),
            (39, Some("rack-1"), false),
            (9, Some("rack-1"), true),
            (7, Some("rack-1"), true),
            (25, Some("rack-1"), false),
            (4, Some("x"), true),
            (15, Some("x"), false),
            (14, Some("Aa"), false),
        ],
        calls: &[
            (1, 3, Ok(&[&[15, 14, 35]])),
            (1, 3, Ok(&[&[15, 14, 35]])),
            (
                6,
                3,
                Ok(&[
                    &[15, 14, 35],
                    &[14, 35, 39],
                    &[25, 35, 15],
                    &[39, 15, 14],
                    &[14, 35, 25],
                    &[14, 39, 15],
                ]),
            ),
        ],
    },
    VectorCase {
        random: Seed::Mock(-96),
        brokers: &[
            (22, Some("BBAa"), false),
            (32, None, false),
            (16, None, false),
            (0, Some("Aa"), false),
            (36, None, false),
            (17, None, false),
            (12, Some("BBAa"), false),
            (14, Some("BB"), false),
            (27, Some("a"), false),
        ],
        calls: &[(
            5,
            3,
            Ok(&[
                &[0, 14, 22],
                &[14, 12, 27],
                &[22, 27, 17],
                &[27, 32, 0],
                &[36, 0, 14],
            ]),
        )],
    },
    VectorCase {
        random: Seed::Java(143),
        brokers: &[
            (36, Some("BB"), false),
            (18, Some("Aa"), false),
            (16, Some("Aa"), true),
            (6, None, false),
            (28, Some("Aa"), false),
        ],
        calls: &[(
            9,
            3,
            Ok(&[
                &[18, 36, 6],
                &[36, 6, 28],
                &[6, 18, 36],
                &[28, 36, 6],
                &[36, 18, 6],
                &[28, 6, 36],
                &[6, 36, 18],
                &[36, 28, 6],
                &[36, 18, 6],
            ]),
        )],
    },
    VectorCase {
        random: Seed::Java(659),
        brokers: &[
            (29, None, false),
            (1, None, false),
            (28, None, false),
            (8, None, false),
            (6, None, false),
            (26, None, false),
            (16, None, false),
            (32, None, false),
            (25, None, false),
            (35, None, false),
        ],
        calls: &[(7, 1, Ok(&[&[28], &[29], &[32], &[35], &[1], &[6], &[8]]))],
    },
];

#[test]
fn kafka_recorded_placements() {
    for (i, case) in VECTORS.iter().enumerate() {
        let random = match case.random {
            Seed::Mock(seed) => AnyRandom::Mock(MockRandom::with_state(seed)),
            Seed::Java(seed) => AnyRandom::Java(JavaRandom::new(seed)),
        };
        let brokers: Vec<UsableBroker> = case
            .brokers
            .iter()
            .map(|&(id, rack, fenced)| ub(id, rack, fenced))
            .collect();
        let mut placer = StripedReplicaPlacer::new(random);
        for (j, &(partitions, rf, expected)) in case.calls.iter().enumerate() {
            let got = place_with(&mut placer, 0, partitions, rf, &brokers);
            match expected {
                Ok(expected) => {
                    let expected: Vec<Vec<i32>> = expected.iter().map(|p| p.to_vec()).collect();
                    assert_eq!(Ok(expected), got, "vector {i}, call {j}");
                }
                Err(message) => assert_eq!(Err(rf_error(message)), got, "vector {i}, call {j}"),
            }
        }
    }
}

/// Racks sort in `String.compareTo` (UTF-16) order: U+1F600 (surrogates D83D DE00) sorts before
/// U+FFFD, unlike Rust's `str` order; no rack sorts first.
#[test]
fn rack_names_sort_like_java() {
    let brokers = [
        ub(1, Some("\u{fffd}"), false),
        ub(2, Some("\u{1f600}"), false),
        ub(3, None, false),
        ub(4, Some("b"), false),
        ub(5, Some("B"), false),
    ];
    let rack_list = RackList::new(MockRandom::new(), &brokers);
    assert_eq!(
        vec![
            None,
            Some("B"),
            Some("b"),
            Some("\u{1f600}"),
            Some("\u{fffd}")
        ],
        rack_list.rack_names()
    );
}

// =============================================================================================
// java.util.Random and Collections.shuffle (values printed by OpenJDK 17)
// =============================================================================================

#[test]
fn java_random_matches_the_jdk() {
    let bounds = [10, 16, 1, 7, 1_000_000_007, 3, 1 << 30, 5, i32::MAX, 100];
    let cases: [(i64, [i32; 10], i32, [usize; 10]); 4] = [
        (
            0,
            [0, 13, 0, 2, 368843508, 2, 591027245, 1, 1283218719, 54],
            1431162155,
            [1, 3, 5, 0, 6, 8, 9, 4, 2, 7],
        ),
        (
            42,
            [0, 0, 0, 3, 662969970, 1, 297510752, 3, 1429255519, 93],
            -415012931,
            [0, 5, 4, 7, 8, 9, 1, 3, 6, 2],
        ),
        (
            -1,
            [3, 7, 0, 6, 421815597, 0, 447147238, 3, 1774177765, 31],
            -833063680,
            [5, 9, 1, 3, 4, 7, 8, 0, 6, 2],
        ),
        (
            123456789012345,
            [4, 8, 0, 1, 893134278, 1, 92932130, 4, 1748432479, 84],
            -617587649,
            [6, 5, 4, 7, 8, 3, 9, 0, 2, 1],
        ),
    ];
    for (seed, ints, next_int, shuffled) in cases {
        let mut random = JavaRandom::new(seed);
        let got: Vec<i32> = bounds.iter().map(|&b| random.next_int(b)).collect();
        assert_eq!(ints.to_vec(), got, "seed {seed}");
        assert_eq!(next_int, random.next_i32(), "seed {seed}");
        let mut list: Vec<usize> = (0..10).collect();
        java_shuffle(&mut list, &mut random);
        assert_eq!(shuffled.to_vec(), list, "seed {seed}");
    }
}

#[test]
fn non_positive_bounds_yield_zero() {
    assert_eq!(0, JavaRandom::new(1).next_int(0));
    assert_eq!(0, MockRandom::new().next_int(-5));
    assert_eq!(
        0,
        RngPlacementRandom(ChaCha8Rng::seed_from_u64(1)).next_int(0)
    );
}

#[test]
fn rng_adapter_stays_in_bounds_and_is_deterministic() {
    let mut a = RngPlacementRandom(ChaCha8Rng::seed_from_u64(7));
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut b = RngPlacementRandom(&mut rng);
    for bound in (1..200).chain([1 << 20, 1_000_000_007, i32::MAX]) {
        let x = a.next_int(bound);
        assert!((0..bound).contains(&x));
        assert_eq!(x, b.next_int(bound));
    }
}

// =============================================================================================
// Properties
// =============================================================================================

/// A cluster of 1..=12 brokers with distinct ids, racks from a small set (or none), at least one
/// unfenced broker.
fn cluster(racks: bool) -> impl Strategy<Value = Vec<UsableBroker>> {
    let rack_names = ["a", "b", "c", "d"];
    proptest::collection::btree_map(0i32..100, (0usize..4, any::<bool>()), 1..=12)
        .prop_flat_map(move |by_id| {
            let brokers: Vec<(i32, usize, bool)> =
                by_id.into_iter().map(|(id, (r, f))| (id, r, f)).collect();
            let n = brokers.len();
            (Just(brokers), 0..n, Just(racks))
        })
        .prop_map(move |(brokers, unfenced, racks)| {
            brokers
                .into_iter()
                .enumerate()
                .map(|(i, (id, r, fenced))| UsableBroker {
                    id,
                    rack: racks.then(|| rack_names[r].to_string()),
                    fenced: fenced && i != unfenced,
                })
                .collect()
        })
        .prop_shuffle()
}

fn placement_case(racks: bool) -> impl Strategy<Value = (Vec<UsableBroker>, i16, i32, u64)> {
    cluster(racks).prop_flat_map(|brokers| {
        let n = brokers.len() as i16;
        (Just(brokers), 1..=n, 1i32..60, any::<u64>())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn placements_are_valid_and_rack_aware(
        (brokers, rf, partitions, seed) in prop_oneof![placement_case(true), placement_case(false)]
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let placements = place(&brokers, 0, partitions, rf, &mut RngPlacementRandom(&mut rng)).unwrap();
        prop_assert_eq!(placements.len(), partitions as usize);
        let by_id: BTreeMap<i32, &UsableBroker> = brokers.iter().map(|b| (b.id, b)).collect();
        let num_racks = brokers.iter().map(|b| &b.rack).collect::<BTreeSet<_>>().len();
        for replicas in &placements {
            prop_assert_eq!(replicas.len(), rf as usize);
            let distinct: BTreeSet<i32> = replicas.iter().copied().collect();
            prop_assert_eq!(distinct.len(), replicas.len(), "repeated broker in {:?}", replicas);
            for id in replicas {
                prop_assert!(by_id.contains_key(id), "unknown broker {}", id);
            }
            prop_assert!(!by_id[&replicas[0]].fenced, "fenced leader in {:?}", replicas);
            let racks: BTreeSet<&Option<String>> = replicas.iter().map(|id| &by_id[id].rack).collect();
            prop_assert_eq!(racks.len(), (rf as usize).min(num_racks), "racks of {:?}", replicas);
        }
        // Same seed, same placement.
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let again = place(&brokers, 0, partitions, rf, &mut RngPlacementRandom(&mut rng)).unwrap();
        prop_assert_eq!(placements, again);
    }

    #[test]
    fn leaders_are_spread_evenly_without_racks(
        (brokers, rf, rounds, seed) in placement_case(false)
            .prop_map(|(b, rf, partitions, seed)| (b, rf, 1 + partitions % 8, seed))
    ) {
        let unfenced: Vec<i32> = brokers.iter().filter(|b| !b.fenced).map(|b| b.id).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut placer = StripedReplicaPlacer::new(RngPlacementRandom(&mut rng));
        // Any number of partitions: leader counts differ by at most one.
        let partitions = rounds * unfenced.len() as i32 + rounds % 3;
        let placements = place_with(&mut placer, 0, partitions, rf, &brokers).unwrap();
        let mut leaders: BTreeMap<i32, i32> = unfenced.iter().map(|&id| (id, 0)).collect();
        for replicas in &placements {
            *leaders.get_mut(&replicas[0]).unwrap() += 1;
        }
        let max = *leaders.values().max().unwrap();
        let min = *leaders.values().min().unwrap();
        prop_assert!(max - min <= 1, "leader counts {:?}", leaders);
        // A multiple of the number of unfenced brokers: exactly equal.
        let partitions = rounds * unfenced.len() as i32;
        let placements = place_with(&mut placer, 0, partitions, rf, &brokers).unwrap();
        let mut leaders: BTreeMap<i32, i32> = unfenced.iter().map(|&id| (id, 0)).collect();
        for replicas in &placements {
            *leaders.get_mut(&replicas[0]).unwrap() += 1;
        }
        prop_assert!(leaders.values().all(|&c| c == rounds), "leader counts {:?}", leaders);
    }

    #[test]
    fn too_many_replicas_or_all_fenced_are_refused(
        brokers in cluster(true),
        extra in 1i16..4,
        seed in any::<u64>(),
    ) {
        let n = brokers.len();
        let mut rng = RngPlacementRandom(ChaCha8Rng::seed_from_u64(seed));
        let rf = n as i16 + extra;
        prop_assert_eq!(
            place(&brokers, 0, 1, rf, &mut rng),
            Err(rf_error(&format!(
                "The target replication factor of {rf} cannot be reached because only {n} \
                 broker(s) are registered."
            )))
        );
        let fenced: Vec<UsableBroker> = brokers
            .iter()
            .map(|b| UsableBroker { fenced: true, ..b.clone() })
            .collect();
        prop_assert_eq!(
            place(&fenced, 0, 1, 1, &mut rng),
            Err(rf_error("All brokers are currently fenced."))
        );
    }

    #[test]
    fn manual_assignments_of_distinct_registered_brokers_are_accepted(
        ids in proptest::collection::btree_set(0i32..50, 1..8),
        seed in any::<u64>(),
    ) {
        let cluster = ClusterDescription::new(ids.iter().map(|&id| RegisteredBroker::new(id)));
        let mut replicas: Vec<i32> = ids.iter().copied().collect();
        let mut rng = RngPlacementRandom(ChaCha8Rng::seed_from_u64(seed));
        java_shuffle(&mut replicas, &mut rng);
        prop_assert!(validate_manual_partition_assignment(&replicas, Some(replicas.len()), &cluster).is_ok());
        let partitions = validate_manual_assignment(&[replicas.clone(), replicas.clone()], &cluster).unwrap();
        prop_assert_eq!(partitions[0].leader, replicas[0]);
        prop_assert_eq!(&partitions[0].isr, &replicas);
        // Repeat one broker: refused.
        let mut repeated = replicas.clone();
        repeated.push(replicas[0]);
        prop_assert_eq!(
            validate_manual_partition_assignment(&repeated, None, &cluster),
            Err(assignment_error(&format!(
                "The manual partition assignment includes the broker {} more than once.",
                replicas[0]
            )))
        );
    }
}
