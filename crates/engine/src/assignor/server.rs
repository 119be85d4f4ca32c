//! KIP-848 server-side assignors (`group.protocol=consumer`), reproduced from Kafka's
//! group-coordinator: `UniformAssignor` ("uniform", with its homogeneous and heterogeneous
//! builders) and `RangeAssignor` ("range").
//!
//! The low-level API ([`GroupSpec`], [`assign`]) mirrors Kafka's `GroupSpec` and works on topic
//! ids. Iteration orders that Kafka takes from Java collections are taken from the input:
//! `GroupSpec::members` is `groupSpec.memberIds()` order, each member's `assignment` lists topics
//! in its map's iteration order and partitions in its set's iteration order. Kafka's tests use
//! `TreeMap`s and small `HashSet<Integer>`s (ascending), which is what a caller gets by passing
//! sorted data; the broker's own `HashMap`s are reproduced by [`assign_by_name`]. The
//! `HashSet<Uuid>` that the homogeneous uniform builder creates internally is always modelled
//! with Java's hashing.

use crate::vecmap::{VecMap, VecSet};
use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::{AssignorError, TopicPartition};
use crate::java::{compare_strings, JavaHashKey, JavaHashSet};
use crate::sort::SortShared;

/// `org.apache.kafka.common.Uuid`: 128 bits, written as 22 characters of URL-safe base64.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Uuid {
    pub most_significant_bits: i64,
    pub least_significant_bits: i64,
}

const BASE64_URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl Uuid {
    pub const fn new(most_significant_bits: i64, least_significant_bits: i64) -> Uuid {
        Uuid {
            most_significant_bits,
            least_significant_bits,
        }
    }

    /// A deterministic stand-in for a topic id, derived from the topic name (Kafka draws topic
    /// ids at random; a simulator needs reproducible ones).
    pub fn from_name(name: &str) -> Uuid {
        let mut state: u64 = 0x6b61_666b_612d_7369;
        let mut next = |byte: u64| {
            state = state.wrapping_add(byte).wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        };
        let mut hi = 0u64;
        let mut lo = 0u64;
        for byte in name.bytes() {
            hi = next(u64::from(byte)) ^ hi.rotate_left(7);
            lo = next(hi) ^ lo.rotate_left(11);
        }
        hi = next(hi);
        lo = next(lo);
        Uuid::new(hi as i64, lo as i64)
    }

    fn to_bytes(self) -> [u8; 16] {
        let mut bytes = [0u8; 16];
        bytes[..8].copy_from_slice(&self.most_significant_bits.to_be_bytes());
        bytes[8..].copy_from_slice(&self.least_significant_bits.to_be_bytes());
        bytes
    }
}

impl fmt::Display for Uuid {
    /// `Uuid.toString()`: URL-safe base64 without padding.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let bytes = self.to_bytes();
        let mut out = String::with_capacity(22);
        for chunk in bytes.chunks(3) {
            let b = [
                chunk.first().copied().unwrap_or(0),
                chunk.get(1).copied().unwrap_or(0),
                chunk.get(2).copied().unwrap_or(0),
            ];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            let chars = chunk.len() + 1;
            for i in 0..chars {
                let index = ((n >> (18 - 6 * i)) & 63) as usize;
                out.push(char::from(BASE64_URL.get(index).copied().unwrap_or(b'A')));
            }
        }
        f.write_str(&out)
    }
}

impl FromStr for Uuid {
    type Err = AssignorError;

    /// `Uuid.fromString`: 22 characters of URL-safe base64 (`=` padding allowed; the unused low
    /// bits of the last character are ignored, as Java's decoder does).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let invalid = || AssignorError::InvalidTopicId(s.to_string());
        let trimmed = s.trim_end_matches('=');
        if trimmed.len() != 22 {
            return Err(invalid());
        }
        let mut bits: u128 = 0;
        let mut last = 0u128;
        for (i, c) in trimmed.bytes().enumerate() {
            let value = BASE64_URL
                .iter()
                .position(|&x| x == c)
                .ok_or_else(invalid)? as u128;
            if i < 21 {
                bits = (bits << 6) | value;
            } else {
                last = value;
            }
        }
        // 22 characters carry 132 bits: 21 full characters (126 bits), then 2 bits of the last
        // character; like Java's decoder, ignore its 4 low (padding) bits.
        bits = (bits << 2) | (last >> 4);
        Ok(Uuid::new((bits >> 64) as u64 as i64, bits as u64 as i64))
    }
}

impl Ord for Uuid {
    /// `Uuid.compareTo`: signed most significant bits, then signed least significant bits.
    fn cmp(&self, other: &Self) -> Ordering {
        self.most_significant_bits
            .cmp(&other.most_significant_bits)
            .then(
                self.least_significant_bits
                    .cmp(&other.least_significant_bits),
            )
    }
}

impl PartialOrd for Uuid {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl JavaHashKey for Uuid {
    fn java_hash_code(&self) -> i32 {
        let x = self.most_significant_bits ^ self.least_significant_bits;
        ((x >> 32) as i32) ^ (x as i32)
    }
    fn java_compare(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Uuid {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Uuid {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `SubscriptionType`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SubscriptionType {
    /// Every member subscribes to the same topics.
    Homogeneous,
    Heterogeneous,
}

/// A server-side assignor (`group.consumer.assignors`, `group.remote.assignor`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServerAssignorName {
    /// The default (first entry of `group.consumer.assignors`).
    #[serde(rename = "uniform")]
    Uniform,
    #[serde(rename = "range")]
    Range,
}

impl ServerAssignorName {
    pub fn name(self) -> &'static str {
        match self {
            ServerAssignorName::Uniform => "uniform",
            ServerAssignorName::Range => "range",
        }
    }
}

impl FromStr for ServerAssignorName {
    type Err = AssignorError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim() {
            "uniform" | "org.apache.kafka.coordinator.group.assignor.UniformAssignor" => {
                Ok(ServerAssignorName::Uniform)
            }
            "range" | "org.apache.kafka.coordinator.group.assignor.RangeAssignor" => {
                Ok(ServerAssignorName::Range)
            }
            other => Err(AssignorError::UnknownAssignor(other.to_string())),
        }
    }
}

/// `TopicMetadata` as the `SubscribedTopicDescriber` sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicMetadata {
    pub id: Uuid,
    pub name: String,
    pub num_partitions: i32,
}

/// `MemberSubscriptionAndAssignmentImpl`, keyed by member id.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberSpec {
    pub member_id: String,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub rack_id: Option<String>,
    /// Subscribed topic ids, in the iteration order of the member's set.
    pub subscribed_topic_ids: Vec<Uuid>,
    /// Current target assignment: topic id → partitions, in iteration order.
    #[serde(default)]
    pub assignment: Vec<(Uuid, Vec<i32>)>,
}

/// `GroupSpec`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupSpec {
    /// Members in `memberIds()` iteration order.
    pub members: Vec<MemberSpec>,
    pub subscription_type: SubscriptionType,
}

impl GroupSpec {
    /// A spec whose subscription type is computed from the members' subscriptions.
    pub fn new(members: Vec<MemberSpec>) -> GroupSpec {
        let subscription_type = subscription_type(&members);
        GroupSpec {
            members,
            subscription_type,
        }
    }
}

/// Homogeneous when every member subscribes to the same set of topics.
pub fn subscription_type(members: &[MemberSpec]) -> SubscriptionType {
    let mut sets = members.iter().map(|m| {
        m.subscribed_topic_ids
            .iter()
            .copied()
            .collect::<VecSet<_>>()
    });
    match sets.next() {
        None => SubscriptionType::Homogeneous,
        Some(first) => {
            if sets.all(|s| s == first) {
                SubscriptionType::Homogeneous
            } else {
                SubscriptionType::Heterogeneous
            }
        }
    }
}

/// `GroupAssignment.members()`: member id → topic id → partitions. Like Kafka, a member can be
/// missing (the homogeneous uniform builder returns an empty map when nobody subscribes to
/// anything); a missing member has an empty target assignment.
pub type GroupAssignment = VecMap<String, VecMap<Uuid, VecSet<i32>>>;

/// Runs a server-side assignor on a Kafka-shaped group spec.
pub fn assign(
    name: ServerAssignorName,
    spec: &GroupSpec,
    topics: &[TopicMetadata],
) -> Result<GroupAssignment, AssignorError> {
    let describer = Describer::new(spec, topics)?;
    match name {
        ServerAssignorName::Uniform => uniform(spec, &describer),
        ServerAssignorName::Range => range(spec, &describer),
    }
}

struct Describer {
    partitions: VecMap<Uuid, usize>,
    /// `invertedMemberAssignment`: (topic, partition) is currently assigned.
    assigned: VecSet<(Uuid, i32)>,
}

impl Describer {
    fn new(spec: &GroupSpec, topics: &[TopicMetadata]) -> Result<Describer, AssignorError> {
        let mut partitions = VecMap::new();
        let mut names = VecMap::new();
        for topic in topics {
            if topic.num_partitions < 0 {
                return Err(AssignorError::NegativePartitionCount {
                    topic: topic.name.clone(),
                    count: topic.num_partitions,
                });
            }
            if partitions
                .insert(topic.id, topic.num_partitions as usize)
                .is_some()
            {
                return Err(AssignorError::DuplicateTopic(topic.id.to_string()));
            }
            names.insert(topic.id, topic.name.clone());
        }
        let mut seen = VecSet::new();
        let mut assigned = VecSet::new();
        for member in &spec.members {
            if !seen.insert(member.member_id.as_str()) {
                return Err(AssignorError::DuplicateMemberId(member.member_id.clone()));
            }
            for (topic, list) in &member.assignment {
                for &p in list {
                    if let Some(&count) = partitions.get(topic) {
                        if p < 0 || p as usize >= count {
                            return Err(AssignorError::InvalidPartition {
                                member_id: member.member_id.clone(),
                                topic: names.get(topic).cloned().unwrap_or_default(),
                                partition: p,
                            });
                        }
                    }
                    if !assigned.insert((*topic, p)) {
                        return Err(AssignorError::PartitionOwnedTwice {
                            topic: topic.to_string(),
                            partition: p,
                        });
                    }
                }
            }
        }
        Ok(Describer {
            partitions,
            assigned,
        })
    }

    fn num_partitions(&self, topic: &Uuid) -> Option<usize> {
        self.partitions.get(topic).copied()
    }

    fn require(&self, topic: &Uuid) -> Result<usize, AssignorError> {
        self.num_partitions(topic)
            .ok_or_else(|| AssignorError::UnknownTopic(topic.to_string()))
    }
}

/// `UniformAssignor`.
fn uniform(spec: &GroupSpec, describer: &Describer) -> Result<GroupAssignment, AssignorError> {
    if spec.members.is_empty() {
        return Ok(GroupAssignment::new());
    }
    match spec.subscription_type {
        SubscriptionType::Homogeneous => uniform_homogeneous(spec, describer),
        SubscriptionType::Heterogeneous => uniform_heterogeneous(spec, describer),
    }
}

/// `UniformHomogeneousAssignmentBuilder`.
fn uniform_homogeneous(
    spec: &GroupSpec,
    describer: &Describer,
) -> Result<GroupAssignment, AssignorError> {
    let Some(first) = spec.members.first() else {
        return Ok(GroupAssignment::new());
    };
    let subscribed = JavaHashSet::copy_of(first.subscribed_topic_ids.iter().copied());
    if subscribed.is_empty() {
        return Ok(GroupAssignment::new());
    }
    let mut unassigned: Vec<(Uuid, i32)> = Vec::new();
    let mut total = 0usize;
    for topic in subscribed.iter() {
        let count = describer.require(topic)?;
        for p in 0..count as i32 {
            if !describer.assigned.contains(&(*topic, p)) {
                unassigned.push((*topic, p));
            }
        }
        total += count;
    }
    let n = spec.members.len();
    let min_quota = total / n;
    let mut remaining_extra = total % n;

    // maybeRevokePartitions
    let mut target: Vec<VecMap<Uuid, VecSet<i32>>> = Vec::with_capacity(n);
    let mut unfilled: Vec<(usize, usize)> = Vec::new();
    for (index, member) in spec.members.iter().enumerate() {
        let mut quota = min_quota;
        if remaining_extra > 0 {
            quota += 1;
            remaining_extra -= 1;
        }
        let mut kept: VecMap<Uuid, VecSet<i32>> = VecMap::new();
        for (topic, partitions) in &member.assignment {
            if !subscribed.contains(topic) {
                continue;
            }
            if partitions.len() <= quota {
                quota -= partitions.len();
                if !partitions.is_empty() {
                    kept.entry(*topic)
                        .or_default()
                        .extend(partitions.iter().copied());
                }
            } else {
                for &p in partitions {
                    if quota > 0 {
                        quota -= 1;
                        kept.entry(*topic).or_default().insert(p);
                    } else {
                        unassigned.push((*topic, p));
                    }
                }
            }
        }
        if quota > 0 {
            unfilled.push((index, quota));
        }
        target.push(kept);
    }

    // assignRemainingPartitions
    let mut next = 0usize;
    for (index, quota) in unfilled {
        let Some(assignment) = target.get_mut(index) else {
            continue;
        };
        for _ in 0..quota {
            let Some(&(topic, p)) = unassigned.get(next) else {
                break;
            };
            next += 1;
            assignment.entry(topic).or_default().insert(p);
        }
    }
    if next < unassigned.len() {
        return Err(AssignorError::KafkaWouldThrow {
            exception: "PartitionAssignorException",
            detail: "Partitions were left unassigned".to_string(),
        });
    }
    Ok(spec
        .members
        .iter()
        .zip(target)
        .map(|(m, a)| (m.member_id.clone(), a))
        .collect())
}

/// `UniformHeterogeneousAssignmentBuilder`.
fn uniform_heterogeneous(
    spec: &GroupSpec,
    describer: &Describer,
) -> Result<GroupAssignment, AssignorError> {
    let n = spec.members.len();
    let mut topic_subscribers: VecMap<Uuid, Vec<usize>> = VecMap::new();
    for (index, member) in spec.members.iter().enumerate() {
        for topic in &member.subscribed_topic_ids {
            describer.require(topic)?;
            let list = topic_subscribers.entry(*topic).or_default();
            if list.last() != Some(&index) {
                list.push(index);
            }
        }
    }
    if topic_subscribers.is_empty() {
        return Ok(GroupAssignment::new());
    }
    let mut builder = Heterogeneous {
        describer,
        topic_subscribers,
        sizes: vec![0; n],
        owners: VecMap::new(),
        target: Vec::with_capacity(n),
    };
    for topic in builder.topic_subscribers.keys() {
        let count = describer.num_partitions(topic).unwrap_or(0);
        builder.owners.insert(*topic, vec![None; count]);
    }

    // maybeRevokePartitions
    for (index, member) in spec.members.iter().enumerate() {
        let subscribed: VecSet<Uuid> = member.subscribed_topic_ids.iter().copied().collect();
        let mut kept = VecMap::new();
        for (topic, partitions) in &member.assignment {
            if !subscribed.contains(topic) {
                continue;
            }
            if let Some(size) = builder.sizes.get_mut(index) {
                *size += partitions.len();
            }
            let owners = builder.owners.get_mut(topic);
            if let Some(owners) = owners {
                for &p in partitions {
                    if let Some(slot) = owners.get_mut(p as usize) {
                        *slot = Some(index);
                    }
                }
            }
            if !partitions.is_empty() {
                kept.insert(*topic, partitions.iter().copied().collect());
            }
        }
        builder.target.push(kept);
    }

    // computeUnassignedPartitions + assignRemainingPartitions
    let unassigned: VecMap<Uuid, Vec<usize>> = builder
        .owners
        .iter()
        .map(|(t, owners)| {
            let free: Vec<usize> = owners
                .iter()
                .enumerate()
                .filter(|(_, o)| o.is_none())
                .map(|(p, _)| p)
                .collect();
            (*t, free)
        })
        .filter(|(_, free)| !free.is_empty())
        .collect();
    let topics: Vec<Uuid> = builder.sort_topics(unassigned.keys().copied().collect());
    let mut balancer = Balancer::default();
    for topic in topics {
        let subscribers = builder
            .topic_subscribers
            .get(&topic)
            .cloned()
            .unwrap_or_default();
        balancer.initialize(&subscribers, &builder.sizes);
        for &p in unassigned.get(&topic).map(Vec::as_slice).unwrap_or(&[]) {
            let member = balancer.next_least_loaded(&builder.sizes);
            builder.assign_partition(topic, p, member);
        }
    }

    // balance
    let movable: Vec<Uuid> = builder
        .topic_subscribers
        .iter()
        .filter(|(_, s)| s.len() >= 2)
        .map(|(t, _)| *t)
        .collect();
    if !movable.is_empty() {
        builder.balance_topics(movable);
    }

    Ok(spec
        .members
        .iter()
        .zip(builder.target)
        .map(|(m, a)| (m.member_id.clone(), a))
        .collect())
}

struct Heterogeneous<'a> {
    describer: &'a Describer,
    topic_subscribers: VecMap<Uuid, Vec<usize>>,
    sizes: Vec<usize>,
    owners: VecMap<Uuid, Vec<Option<usize>>>,
    target: Vec<VecMap<Uuid, VecSet<i32>>>,
}

const MAX_ITERATION_COUNT: usize = 16;

impl Heterogeneous<'_> {
    /// Partitions per subscriber descending, then subscriber count ascending, then topic id.
    fn sort_topics(&self, mut topics: Vec<Uuid>) -> Vec<Uuid> {
        let stats = |t: &Uuid| {
            let partitions = self.describer.num_partitions(t).unwrap_or(0) as f64;
            let subscribers = self.topic_subscribers.get(t).map_or(0, Vec::len);
            (partitions / subscribers.max(1) as f64, subscribers)
        };
        topics.sort_by_shared(|a, b| {
            let (ra, sa) = stats(a);
            let (rb, sb) = stats(b);
            rb.total_cmp(&ra).then(sa.cmp(&sb)).then(a.cmp(b))
        });
        topics
    }

    fn assign_partition(&mut self, topic: Uuid, partition: usize, member: usize) {
        let old = self
            .owners
            .get(&topic)
            .and_then(|o| o.get(partition))
            .copied()
            .flatten();
        if let Some(old) = old {
            if let Some(set) = self.target.get_mut(old).and_then(|a| a.get_mut(&topic)) {
                set.remove(&(partition as i32));
            }
            if let Some(a) = self.target.get_mut(old) {
                if a.get(&topic).is_some_and(VecSet::is_empty) {
                    a.remove(&topic);
                }
            }
            if let Some(size) = self.sizes.get_mut(old) {
                *size = size.saturating_sub(1);
            }
        }
        if let Some(a) = self.target.get_mut(member) {
            a.entry(topic).or_default().insert(partition as i32);
        }
        if let Some(slot) = self
            .owners
            .get_mut(&topic)
            .and_then(|o| o.get_mut(partition))
        {
            *slot = Some(member);
        }
        if let Some(size) = self.sizes.get_mut(member) {
            *size += 1;
        }
    }

    fn balance_topics(&mut self, topics: Vec<Uuid>) {
        let sorted = self.sort_topics(topics);
        let mut last_rebalanced: Option<usize> = None;
        let mut balancer = Balancer::default();
        for _ in 0..MAX_ITERATION_COUNT {
            for (index, &topic) in sorted.iter().enumerate() {
                if last_rebalanced == Some(index) {
                    return;
                }
                let moved = self.balance_topic(topic, &mut balancer);
                if moved > 0 || last_rebalanced.is_none() {
                    last_rebalanced = Some(index);
                }
            }
        }
    }

    fn balance_topic(&mut self, topic: Uuid, balancer: &mut Balancer) -> usize {
        let mut moved = 0;
        let subscribers = self
            .topic_subscribers
            .get(&topic)
            .cloned()
            .unwrap_or_default();
        let imbalance = balancer.initialize(&subscribers, &self.sizes);
        if imbalance <= 1 {
            return moved;
        }
        let owners = self.owners.get(&topic).cloned().unwrap_or_default();
        // Partitions grouped by owner (unowned, i.e. -1, first), then by number.
        let owner_key = |p: usize| owners.get(p).copied().flatten().map_or(-1, |o| o as i64);
        let mut partitions: Vec<usize> = (0..owners.len()).collect();
        partitions.sort_by_key_shared(|&p| (owner_key(p), p));
        let mut start: VecMap<i64, usize> = VecMap::new();
        let mut end: VecMap<i64, usize> = VecMap::new();
        for (i, &p) in partitions.iter().enumerate() {
            let owner = owner_key(p);
            start.entry(owner).or_insert(i);
            end.insert(owner, i + 1);
        }
        while !balancer.is_balanced() {
            let mut most_loaded = None;
            while let Some(member) = balancer.next_most_loaded(&self.sizes) {
                let key = member as i64;
                let has_partitions = match (start.get(&key), end.get(&key)) {
                    (Some(&s), Some(&e)) => e > s,
                    _ => false,
                };
                if !has_partitions {
                    balancer.exclude_most_loaded();
                    continue;
                }
                most_loaded = Some(member);
                break;
            }
            let Some(member) = most_loaded else {
                break;
            };
            let key = member as i64;
            let Some(e) = end.get_mut(&key) else { break };
            *e -= 1;
            let Some(&partition) = partitions.get(*e) else {
                break;
            };
            let least_loaded = balancer.next_least_loaded(&self.sizes);
            if balancer.is_balanced() {
                break;
            }
            self.assign_partition(topic, partition, least_loaded);
            moved += 1;
        }
        moved
    }
}

/// `UniformHeterogeneousAssignmentBuilder.MemberAssignmentBalancer`.
#[derive(Default)]
struct Balancer {
    sorted: Vec<usize>,
    least_loaded_range_end: usize,
    least_loaded_range_count: i64,
    next_least_loaded: usize,
    most_loaded_range_start: usize,
    most_loaded_range_end: usize,
    most_loaded_range_count: i64,
    next_most_loaded: i64,
}

impl Balancer {
    fn size(sizes: &[usize], member: usize) -> i64 {
        sizes.get(member).copied().unwrap_or(0) as i64
    }

    fn member(&self, index: usize) -> usize {
        self.sorted.get(index).copied().unwrap_or(0)
    }

    /// Returns the difference between the most and least loaded members.
    fn initialize(&mut self, members: &[usize], sizes: &[usize]) -> i64 {
        self.sorted = members.to_vec();
        self.sorted
            .sort_by_key_shared(|&m| (sizes.get(m).copied().unwrap_or(0), m));
        let Some(&first) = self.sorted.first() else {
            return 0;
        };
        let last = self.member(self.sorted.len() - 1);
        self.least_loaded_range_end = 0;
        self.least_loaded_range_count = Self::size(sizes, first) - 1;
        self.next_least_loaded = 0;
        self.most_loaded_range_start = self.sorted.len();
        self.most_loaded_range_end = self.sorted.len();
        self.most_loaded_range_count = Self::size(sizes, last) + 1;
        self.next_most_loaded = self.sorted.len() as i64 - 1;
        Self::size(sizes, last) - Self::size(sizes, first)
    }

    fn next_least_loaded(&mut self, sizes: &[usize]) -> usize {
        if self.next_least_loaded >= self.least_loaded_range_end {
            self.least_loaded_range_count += 1;
            while self.least_loaded_range_end < self.sorted.len()
                && Self::size(sizes, self.member(self.least_loaded_range_end))
                    == self.least_loaded_range_count
            {
                self.least_loaded_range_end += 1;
            }
            self.next_least_loaded = 0;
        }
        let member = self.member(self.next_least_loaded);
        self.next_least_loaded += 1;
        member
    }

    fn next_most_loaded(&mut self, sizes: &[usize]) -> Option<usize> {
        if self.next_most_loaded < self.most_loaded_range_start as i64 {
            if self.most_loaded_range_end <= self.most_loaded_range_start
                && self.most_loaded_range_start > 0
            {
                self.most_loaded_range_count =
                    Self::size(sizes, self.member(self.most_loaded_range_start - 1));
            } else {
                self.most_loaded_range_count -= 1;
            }
            while self.most_loaded_range_start > 0
                && Self::size(sizes, self.member(self.most_loaded_range_start - 1))
                    == self.most_loaded_range_count
            {
                self.most_loaded_range_start -= 1;
            }
            self.next_most_loaded = self.most_loaded_range_end as i64 - 1;
        }
        if self.next_most_loaded < 0 {
            return None;
        }
        let member = self.member(self.next_most_loaded as usize);
        self.next_most_loaded -= 1;
        Some(member)
    }

    fn exclude_most_loaded(&mut self) {
        let a = (self.next_most_loaded + 1) as usize;
        let b = self.most_loaded_range_end.saturating_sub(1);
        if a < self.sorted.len() && b < self.sorted.len() {
            self.sorted.swap(a, b);
        }
        self.most_loaded_range_end = self.most_loaded_range_end.saturating_sub(1);
    }

    fn is_balanced(&self) -> bool {
        self.most_loaded_range_count - self.least_loaded_range_count <= 1
    }
}

/// Server-side `RangeAssignor`.
fn range(spec: &GroupSpec, describer: &Describer) -> Result<GroupAssignment, AssignorError> {
    if spec.members.is_empty() {
        return Ok(GroupAssignment::new());
    }
    // sortMemberIds: static members (by instance id) first, then the others by member id.
    let mut order: Vec<usize> = (0..spec.members.len()).collect();
    order.sort_by_shared(|&a, &b| {
        let (Some(ma), Some(mb)) = (spec.members.get(a), spec.members.get(b)) else {
            return Ordering::Equal;
        };
        match (&ma.instance_id, &mb.instance_id) {
            (Some(x), Some(y)) => compare_strings(x, y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => compare_strings(&ma.member_id, &mb.member_id),
        }
    });

    struct RangeTopic {
        partitions: usize,
        members: usize,
        min_quota: usize,
        extra: usize,
        next: usize,
        computed: bool,
    }
    impl RangeTopic {
        fn take(&mut self) -> Option<std::ops::Range<usize>> {
            if !self.computed {
                self.computed = true;
                self.min_quota = self.partitions.checked_div(self.members).unwrap_or(0);
                self.extra = self.partitions.checked_rem(self.members).unwrap_or(0);
            }
            let start = self.next;
            let mut quota = self.min_quota;
            if self.extra > 0 {
                quota += 1;
                self.extra -= 1;
            }
            let end = (start + quota).min(self.partitions);
            self.next = end;
            (start < end).then_some(start..end)
        }
    }

    let mut topics: VecMap<Uuid, RangeTopic> = VecMap::new();
    let homogeneous = spec.subscription_type == SubscriptionType::Homogeneous;
    let n = spec.members.len();
    let first = order.first().and_then(|&i| spec.members.get(i));
    for (i, &index) in order.iter().enumerate() {
        let Some(member) = spec.members.get(index) else {
            continue;
        };
        if homogeneous && i > 0 {
            break;
        }
        let mut seen = VecSet::new();
        for topic in &member.subscribed_topic_ids {
            if !seen.insert(*topic) {
                continue;
            }
            let partitions = describer.require(topic)?;
            let entry = topics.entry(*topic).or_insert(RangeTopic {
                partitions,
                members: 0,
                min_quota: 0,
                extra: 0,
                next: 0,
                computed: false,
            });
            entry.members = if homogeneous { n } else { entry.members + 1 };
        }
    }
    let mut out = GroupAssignment::new();
    for &index in &order {
        let Some(member) = spec.members.get(index) else {
            continue;
        };
        let subscribed: &[Uuid] = if homogeneous {
            first.map_or(&[], |f| f.subscribed_topic_ids.as_slice())
        } else {
            &member.subscribed_topic_ids
        };
        let mut assignment = VecMap::new();
        let mut seen = VecSet::new();
        for topic in subscribed {
            if !seen.insert(*topic) {
                continue;
            }
            if let Some(state) = topics.get_mut(topic) {
                if let Some(range) = state.take() {
                    assignment.insert(*topic, range.map(|p| p as i32).collect());
                }
            }
        }
        out.insert(member.member_id.clone(), assignment);
    }
    Ok(out)
}

/// A member of a KIP-848 group, described by topic names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerMember {
    pub member_id: String,
    #[serde(default)]
    pub instance_id: Option<String>,
    #[serde(default)]
    pub rack_id: Option<String>,
    pub subscribed_topics: Vec<String>,
    /// The member's current target assignment.
    #[serde(default)]
    pub assignment: Vec<TopicPartition>,
}

/// Runs a server-side assignor the way the group coordinator does, from topic names and
/// partition counts: topic ids come from `topic_ids` or [`Uuid::from_name`]; subscriptions to
/// topics that do not exist are dropped (the coordinator resolves names through its metadata
/// image); the subscription type is computed from the subscribed names; members are iterated in
/// the order of the coordinator's `HashMap` (members given in join order), each assignment map
/// in `HashMap<Uuid>` order and each partition set in `HashSet<Integer>` order. Every member
/// appears in the result, sorted.
pub fn assign_by_name(
    name: ServerAssignorName,
    partitions_per_topic: &VecMap<String, i32>,
    topic_ids: &VecMap<String, Uuid>,
    members: &[ServerMember],
) -> Result<VecMap<String, Vec<TopicPartition>>, AssignorError> {
    let id_of = |topic: &str| {
        topic_ids
            .get(topic)
            .copied()
            .unwrap_or_else(|| Uuid::from_name(topic))
    };
    let topics: Vec<TopicMetadata> = partitions_per_topic
        .iter()
        .map(|(name, &count)| TopicMetadata {
            id: id_of(name),
            name: name.clone(),
            num_partitions: count,
        })
        .collect();
    let by_id: VecMap<Uuid, &str> = topics.iter().map(|t| (t.id, t.name.as_str())).collect();

    let name_sets: Vec<VecSet<&str>> = members
        .iter()
        .map(|m| m.subscribed_topics.iter().map(String::as_str).collect())
        .collect();
    let subscription_type = match name_sets.split_first() {
        Some((first, rest)) if rest.iter().any(|s| s != first) => SubscriptionType::Heterogeneous,
        _ => SubscriptionType::Homogeneous,
    };

    let mut order = JavaHashSet::new();
    for m in members {
        order.insert(m.member_id.as_str());
    }
    let index: VecMap<&str, &ServerMember> =
        members.iter().map(|m| (m.member_id.as_str(), m)).collect();
    let mut specs = Vec::with_capacity(members.len());
    for id in order.iter() {
        let Some(member) = index.get(id) else {
            continue;
        };
        let mut subscribed = Vec::new();
        let mut seen = VecSet::new();
        for topic in &member.subscribed_topics {
            if partitions_per_topic.contains_key(topic) && seen.insert(topic.as_str()) {
                subscribed.push(id_of(topic));
            }
        }
        let mut per_topic: VecMap<&str, JavaHashSet<i32>> = VecMap::new();
        let mut sorted = member.assignment.clone();
        sorted.sort_shared();
        sorted.dedup();
        for tp in &sorted {
            if partitions_per_topic.contains_key(&tp.topic) {
                per_topic
                    .entry(tp.topic.as_str())
                    .or_default()
                    .insert(tp.partition);
            }
        }
        let mut topic_order = JavaHashSet::new();
        for topic in per_topic.keys() {
            topic_order.insert(id_of(topic));
        }
        let assignment = topic_order
            .iter()
            .filter_map(|tid| {
                let topic = by_id.get(tid)?;
                Some((*tid, per_topic.get(topic)?.to_vec()))
            })
            .collect();
        specs.push(MemberSpec {
            member_id: member.member_id.clone(),
            instance_id: member.instance_id.clone(),
            rack_id: member.rack_id.clone(),
            subscribed_topic_ids: subscribed,
            assignment,
        });
    }
    let spec = GroupSpec {
        members: specs,
        subscription_type,
    };
    let result = assign(name, &spec, &topics)?;
    Ok(members
        .iter()
        .map(|m| {
            let mut list: Vec<TopicPartition> = result
                .get(&m.member_id)
                .map(|a| {
                    a.iter()
                        .flat_map(|(tid, parts)| {
                            let topic = by_id.get(tid).map(|s| s.to_string()).unwrap_or_default();
                            parts
                                .iter()
                                .map(move |&p| TopicPartition::new(topic.clone(), p))
                        })
                        .collect()
                })
                .unwrap_or_default();
            list.sort_shared();
            (m.member_id.clone(), list)
        })
        .collect())
}
