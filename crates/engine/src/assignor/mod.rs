//! Consumer group partition assignors, reproduced from Apache Kafka.
//!
//! Client-side (classic protocol) assignors, run by the group leader:
//! [`AssignorName::Range`], [`AssignorName::RoundRobin`], [`AssignorName::Sticky`] and
//! [`AssignorName::CooperativeSticky`]; see [`assign`] and [`assign_with_context`].
//! [`cooperative_rounds`] plays the follow-up rebalances of the cooperative protocol, and
//! [`select_protocol`] / [`rebalance_protocol`] reproduce how the protocol is chosen.
//! The KIP-848 server-side assignors (`uniform`, `range`) live in [`server`].
//!
//! The results match Kafka's (`clients/.../consumer/*Assignor.java`, trunk of October 2024)
//! including the places where Kafka depends on `java.util.HashMap` iteration order: `members`
//! is taken as the order in which the leader inserted the members into its `HashMap` (the order
//! in which they joined), and that order is then scrambled exactly as Java would (see
//! [`crate::java`]).
//!
//! Input is normalised the way `AbstractPartitionAssignor.assign(Cluster, GroupSubscription)`
//! does it before any assignor runs: only topics that some member subscribes to and that exist
//! with at least one partition are kept. In addition this module drops repeated topics inside one
//! subscription and repeated or out-of-range owned partitions (Kafka never produces those).

mod input;
mod protocol;
mod range;
mod roundrobin;
pub mod server;
mod sticky;

use crate::vecmap::{VecMap, VecSet};
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::java::{string_hash_code, JavaHashKey};
use crate::sort::SortShared;

pub use protocol::{rebalance_protocol, select_protocol, supported_protocols};

/// A topic partition. Ordered by topic, then partition; serialized as a `["topic", 0]` pair.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TopicPartition {
    pub topic: String,
    pub partition: i32,
}

impl TopicPartition {
    pub fn new(topic: impl Into<String>, partition: i32) -> Self {
        TopicPartition {
            topic: topic.into(),
            partition,
        }
    }
}

impl fmt::Display for TopicPartition {
    /// Kafka's `TopicPartition.toString()`: `topic-partition`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.topic, self.partition)
    }
}

/// `org.apache.kafka.common.TopicPartition`: `hashCode` is `31 * (31 + partition) +
/// topic.hashCode()`, and the class is not `Comparable`.
impl JavaHashKey for TopicPartition {
    fn java_hash_code(&self) -> i32 {
        topic_partition_hash(string_hash_code(&self.topic), self.partition)
    }
    fn java_compare(&self, _other: &Self) -> Option<std::cmp::Ordering> {
        None
    }
}

pub(crate) fn topic_partition_hash(topic_hash: i32, partition: i32) -> i32 {
    31i32
        .wrapping_mul(31i32.wrapping_add(partition))
        .wrapping_add(topic_hash)
}

impl Serialize for TopicPartition {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        (&self.topic, self.partition).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for TopicPartition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let (topic, partition) = <(String, i32)>::deserialize(deserializer)?;
        Ok(TopicPartition { topic, partition })
    }
}

/// What a member sends when it joins: `ConsumerPartitionAssignor.Subscription` plus its member id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subscription {
    pub member_id: String,
    /// `group.instance.id` of a static member.
    #[serde(default)]
    pub group_instance_id: Option<String>,
    pub topics: Vec<String>,
    /// Partitions the member owned before this rebalance (`ownedPartitions`; the eager
    /// `StickyAssignor` carries the same information in its user data).
    #[serde(default)]
    pub owned_partitions: Vec<TopicPartition>,
    /// Generation of `owned_partitions`. `None` (or a negative value) means "unknown", which Kafka
    /// treats as `DEFAULT_GENERATION` (-1).
    #[serde(default)]
    pub generation: Option<i32>,
    /// `client.rack`. An empty string counts as no rack.
    #[serde(default)]
    pub rack: Option<String>,
}

impl Subscription {
    /// A member with no owned partitions, no generation, no instance id and no rack.
    pub fn new<S: Into<String>>(
        member_id: impl Into<String>,
        topics: impl IntoIterator<Item = S>,
    ) -> Self {
        Subscription {
            member_id: member_id.into(),
            topics: topics.into_iter().map(Into::into).collect(),
            ..Subscription::default()
        }
    }

    pub fn with_owned(mut self, owned: impl IntoIterator<Item = TopicPartition>) -> Self {
        self.owned_partitions = owned.into_iter().collect();
        self
    }

    pub fn with_generation(mut self, generation: i32) -> Self {
        self.generation = Some(generation);
        self
    }

    pub fn with_instance_id(mut self, instance_id: impl Into<String>) -> Self {
        self.group_instance_id = Some(instance_id.into());
        self
    }

    pub fn with_rack(mut self, rack: impl Into<String>) -> Self {
        self.rack = Some(rack.into());
        self
    }
}

/// A client-side assignor (`partition.assignment.strategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AssignorName {
    #[serde(rename = "range")]
    Range,
    #[serde(rename = "roundrobin")]
    RoundRobin,
    #[serde(rename = "sticky")]
    Sticky,
    #[serde(rename = "cooperative-sticky")]
    CooperativeSticky,
}

impl AssignorName {
    pub const ALL: [AssignorName; 4] = [
        AssignorName::Range,
        AssignorName::RoundRobin,
        AssignorName::Sticky,
        AssignorName::CooperativeSticky,
    ];

    /// The protocol name the assignor registers with (`ConsumerPartitionAssignor.name()`).
    pub fn name(self) -> &'static str {
        match self {
            AssignorName::Range => "range",
            AssignorName::RoundRobin => "roundrobin",
            AssignorName::Sticky => "sticky",
            AssignorName::CooperativeSticky => "cooperative-sticky",
        }
    }

    /// The class name used in `partition.assignment.strategy`.
    pub fn class_name(self) -> &'static str {
        match self {
            AssignorName::Range => "org.apache.kafka.clients.consumer.RangeAssignor",
            AssignorName::RoundRobin => "org.apache.kafka.clients.consumer.RoundRobinAssignor",
            AssignorName::Sticky => "org.apache.kafka.clients.consumer.StickyAssignor",
            AssignorName::CooperativeSticky => {
                "org.apache.kafka.clients.consumer.CooperativeStickyAssignor"
            }
        }
    }
}

impl fmt::Display for AssignorName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for AssignorName {
    type Err = AssignorError;

    /// Accepts the protocol names (`range`, `roundrobin`, `sticky`, `cooperative-sticky`), the
    /// fully qualified class names, and the simple class names (`RangeAssignor`, …).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let trimmed = s.trim();
        AssignorName::ALL
            .into_iter()
            .find(|a| {
                trimmed == a.name()
                    || trimmed == a.class_name()
                    || a.class_name().rsplit('.').next() == Some(trimmed)
            })
            .ok_or_else(|| AssignorError::UnknownAssignor(s.to_string()))
    }
}

/// `ConsumerPartitionAssignor.RebalanceProtocol`. Ordered as in Kafka (EAGER < COOPERATIVE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RebalanceProtocol {
    Eager,
    Cooperative,
}

/// Invalid input, or a situation in which Kafka's own code would throw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AssignorError {
    NegativePartitionCount {
        topic: String,
        count: i32,
    },
    DuplicateMemberId(String),
    EmptyMemberId,
    DuplicateTopic(String),
    /// Rack metadata for a topic lists a different number of partitions than its partition count.
    RackMetadataMismatch {
        topic: String,
        partitions: i32,
        racks: usize,
    },
    UnknownAssignor(String),
    /// Server-side: a member subscribes to a topic id missing from the topic metadata
    /// (Kafka throws `PartitionAssignorException`).
    UnknownTopic(String),
    /// Server-side: a current assignment names a partition that does not exist.
    InvalidPartition {
        member_id: String,
        topic: String,
        partition: i32,
    },
    /// Server-side: a partition appears in the current assignment of two members.
    PartitionOwnedTwice {
        topic: String,
        partition: i32,
    },
    InvalidTopicId(String),
    /// Kafka's algorithm itself fails on this input (it would throw the named exception).
    KafkaWouldThrow {
        exception: &'static str,
        detail: String,
    },
}

impl fmt::Display for AssignorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AssignorError::NegativePartitionCount { topic, count } => {
                write!(f, "topic {topic:?} has a negative partition count ({count})")
            }
            AssignorError::DuplicateMemberId(id) => write!(f, "member id {id:?} appears twice"),
            AssignorError::EmptyMemberId => write!(f, "a member id is empty"),
            AssignorError::DuplicateTopic(t) => write!(f, "topic {t:?} appears twice"),
            AssignorError::RackMetadataMismatch {
                topic,
                partitions,
                racks,
            } => write!(
                f,
                "rack metadata for topic {topic:?} lists {racks} partitions but the topic has {partitions}"
            ),
            AssignorError::UnknownAssignor(name) => write!(
                f,
                "unknown assignor {name:?} (expected range, roundrobin, sticky or cooperative-sticky)"
            ),
            AssignorError::UnknownTopic(t) => write!(
                f,
                "members are subscribed to topic {t} which doesn't exist in the topic metadata"
            ),
            AssignorError::InvalidPartition {
                member_id,
                topic,
                partition,
            } => write!(
                f,
                "member {member_id:?} is assigned partition {partition} of topic {topic}, which does not exist"
            ),
            AssignorError::PartitionOwnedTwice { topic, partition } => write!(
                f,
                "partition {partition} of topic {topic} is in the current assignment of two members"
            ),
            AssignorError::InvalidTopicId(s) => write!(f, "invalid topic id {s:?}"),
            AssignorError::KafkaWouldThrow { exception, detail } => {
                write!(f, "Kafka's assignor would throw {exception}: {detail}")
            }
        }
    }
}

impl std::error::Error for AssignorError {}

/// Inputs beyond partition counts that only some assignors use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignContext {
    /// For each topic, the racks of each partition's replicas (index = partition number, the
    /// vector's length must equal the partition count). Topics not listed have no rack
    /// information. Only `range`, `sticky` and `cooperative-sticky` use racks, and only when
    /// members set `rack` (KIP-881).
    pub partition_racks: VecMap<String, Vec<VecSet<String>>>,
    /// Kafka's test-only `AbstractPartitionAssignor.preferRackAwareLogic`: use the rack-aware
    /// algorithm even when every partition has replicas on every rack.
    pub prefer_rack_aware_logic: bool,
}

/// Which of `AbstractStickyAssignor`'s two algorithms ran.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StickyBuilder {
    /// All members have the same subscription (`ConstrainedAssignmentBuilder`).
    Constrained,
    /// Subscriptions differ (`GeneralAssignmentBuilder`).
    General,
}

/// Everything one run of a client-side assignor produces.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignmentOutcome {
    /// Every member's partitions, sorted.
    pub assignment: VecMap<String, Vec<TopicPartition>>,
    /// Sticky assignors: Kafka's `partitionsTransferringOwnership` field after the run
    /// (partition → new owner). `Some` when the constrained builder ran; `None` when the general
    /// builder ran (Kafka sets the field to null) and for range / roundrobin.
    pub partitions_transferring_ownership: Option<VecMap<TopicPartition, String>>,
    /// `cooperative-sticky` only: partitions left out of this round because another member still
    /// owns them (partition → the member that receives it in the follow-up rebalance). The
    /// previous owners revoke these partitions and rejoin.
    pub withheld: VecMap<TopicPartition, String>,
    /// Sticky assignors: which builder ran.
    pub builder: Option<StickyBuilder>,
    /// General builder only: `AbstractStickyAssignor.isSticky()` (no partition of a topic moved
    /// both ways between two members).
    pub is_sticky: Option<bool>,
}

/// Runs a client-side assignor.
///
/// `partitions_per_topic` is the cluster's topic metadata; topics no member subscribes to, and
/// topics with no partitions, are ignored. `members` must be in the order in which the members
/// joined (this matters wherever Kafka depends on `HashMap` order). Every member appears in the
/// result, possibly with an empty list, and every list is sorted.
pub fn assign(
    name: AssignorName,
    partitions_per_topic: &VecMap<String, i32>,
    members: &[Subscription],
) -> Result<VecMap<String, Vec<TopicPartition>>, AssignorError> {
    assign_with_context(
        name,
        partitions_per_topic,
        members,
        &AssignContext::default(),
    )
    .map(|outcome| outcome.assignment)
}

/// [`assign`] with rack information, returning the assignor's diagnostics as well.
pub fn assign_with_context(
    name: AssignorName,
    partitions_per_topic: &VecMap<String, i32>,
    members: &[Subscription],
    context: &AssignContext,
) -> Result<AssignmentOutcome, AssignorError> {
    let prepared = input::Prepared::new(partitions_per_topic, members, context)?;
    if prepared.members.is_empty() {
        return Ok(AssignmentOutcome::default());
    }
    let mut outcome = AssignmentOutcome::default();
    let lists = match name {
        AssignorName::Range => range::assign(&prepared, context.prefer_rack_aware_logic),
        AssignorName::RoundRobin => roundrobin::assign(&prepared),
        AssignorName::Sticky | AssignorName::CooperativeSticky => {
            let result = sticky::assign(&prepared, context.prefer_rack_aware_logic)?;
            outcome.builder = Some(result.builder);
            outcome.is_sticky = result.is_sticky;
            outcome.partitions_transferring_ownership = result.transferring.as_ref().map(|t| {
                t.iter()
                    .map(|(&gp, &m)| (prepared.topic_partition(gp), prepared.member_id(m)))
                    .collect()
            });
            let mut lists = result.assignment;
            if name == AssignorName::CooperativeSticky {
                let withheld = sticky::adjust_for_cooperative(
                    &prepared,
                    &mut lists,
                    result.transferring.as_ref(),
                );
                outcome.withheld = withheld
                    .iter()
                    .map(|(&gp, &m)| (prepared.topic_partition(gp), prepared.member_id(m)))
                    .collect();
            }
            lists
        }
    };
    outcome.assignment = prepared.to_output(&lists);
    Ok(outcome)
}

/// One rebalance of a cooperative group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CooperativeRound {
    /// What each member owns after this rebalance (sorted).
    pub assignment: VecMap<String, Vec<TopicPartition>>,
    /// Partitions each member gives up in this rebalance (owned before, not assigned now).
    pub revoked: VecMap<String, Vec<TopicPartition>>,
    /// Partitions held back because they change owner (partition → future owner). Empty in the
    /// final, stable round.
    pub withheld: VecMap<TopicPartition, String>,
    /// Generation the members report in the following rebalance.
    pub generation: i32,
}

/// Upper bound on the rebalances [`cooperative_rounds`] plays.
pub const MAX_COOPERATIVE_ROUNDS: usize = 10;

/// Plays `cooperative-sticky` rebalances until no partition is withheld: after each round every
/// member owns exactly what it was assigned (previous owners have dropped revoked partitions)
/// and reports the next generation. Returns every round, the last one stable; if the group has
/// not settled after [`MAX_COOPERATIVE_ROUNDS`] rounds the last round still withholds partitions.
pub fn cooperative_rounds(
    partitions_per_topic: &VecMap<String, i32>,
    members: &[Subscription],
    context: &AssignContext,
) -> Result<Vec<CooperativeRound>, AssignorError> {
    let mut rounds = Vec::new();
    let mut current: Vec<Subscription> = members.to_vec();
    let mut generation = members
        .iter()
        .filter_map(|m| m.generation)
        .filter(|g| *g >= 0)
        .max()
        .unwrap_or(0);
    for _ in 0..MAX_COOPERATIVE_ROUNDS {
        let outcome = assign_with_context(
            AssignorName::CooperativeSticky,
            partitions_per_topic,
            &current,
            context,
        )?;
        generation = generation.saturating_add(1);
        let revoked = current
            .iter()
            .map(|m| {
                let assigned: VecSet<&TopicPartition> = outcome
                    .assignment
                    .get(&m.member_id)
                    .map(|v| v.iter().collect())
                    .unwrap_or_default();
                let mut gone: Vec<TopicPartition> = m
                    .owned_partitions
                    .iter()
                    .filter(|tp| !assigned.contains(tp))
                    .cloned()
                    .collect();
                gone.sort_shared();
                gone.dedup();
                (m.member_id.clone(), gone)
            })
            .collect();
        let stable = outcome.withheld.is_empty();
        for member in &mut current {
            member.owned_partitions = outcome
                .assignment
                .get(&member.member_id)
                .cloned()
                .unwrap_or_default();
            member.generation = Some(generation);
        }
        rounds.push(CooperativeRound {
            assignment: outcome.assignment,
            revoked,
            withheld: outcome.withheld,
            generation,
        });
        if stable {
            break;
        }
    }
    Ok(rounds)
}
