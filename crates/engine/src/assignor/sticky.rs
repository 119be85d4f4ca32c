//! `AbstractStickyAssignor` (shared by `StickyAssignor` and `CooperativeStickyAssignor`) and the
//! cooperative adjustment.
//!
//! Members are indices into `Prepared::members`, partitions are global partition indices.

use crate::vecmap::{VecMap, VecSet};
use std::collections::VecDeque;

use super::input::{rehash_order, Prepared};
use super::range::use_rack_aware_assignment;
use super::{topic_partition_hash, AssignorError, StickyBuilder};
use crate::java::{JavaHashKey, JavaHashSet};
use crate::sort::SortShared;

pub(crate) struct StickyResult {
    pub assignment: Vec<Vec<usize>>,
    /// `partitionsTransferringOwnership`: `Some` after the constrained builder, `None` after the
    /// general one.
    pub transferring: Option<VecMap<usize, usize>>,
    pub builder: StickyBuilder,
    pub is_sticky: Option<bool>,
}

const DEFAULT_GENERATION: i32 = -1;

fn kafka_throws(exception: &'static str, detail: impl Into<String>) -> AssignorError {
    AssignorError::KafkaWouldThrow {
        exception,
        detail: detail.into(),
    }
}

/// `AbstractStickyAssignor.RackInfo`.
struct RackInfo {
    /// Rack of each member, only when the rack-aware algorithm is used.
    consumer_racks: Vec<Option<String>>,
    rack_aware: bool,
    /// `numConsumersByPartition` (empty when no member has a rack).
    num_consumers_by_partition: Vec<usize>,
}

impl RackInfo {
    fn new(prep: &Prepared, prefer_rack_aware_logic: bool) -> RackInfo {
        let n = prep.members.len();
        let mut consumers_by_rack: VecMap<&str, usize> = VecMap::new();
        for &m in &prep.hash_order {
            if let Some(rack) = prep.members.get(m).and_then(|x| x.rack.as_deref()) {
                *consumers_by_rack.entry(rack).or_default() += 1;
            }
        }
        if consumers_by_rack.is_empty() {
            return RackInfo {
                consumer_racks: vec![None; n],
                rack_aware: false,
                num_consumers_by_partition: Vec::new(),
            };
        }
        let total = prep.total_partitions();
        let empty = VecSet::new();
        let per_partition: Vec<&VecSet<String>> = (0..total)
            .map(|gp| prep.partition_racks(gp).unwrap_or(&empty))
            .collect();
        let union: VecSet<String> = per_partition
            .iter()
            .flat_map(|r| r.iter().cloned())
            .collect();
        let consumer_rack_set: VecSet<String> =
            consumers_by_rack.keys().map(|r| r.to_string()).collect();
        let rack_aware = use_rack_aware_assignment(
            &consumer_rack_set,
            &union,
            &per_partition,
            prefer_rack_aware_logic,
        );
        let consumer_racks = if rack_aware {
            prep.members.iter().map(|m| m.rack.clone()).collect()
        } else {
            vec![None; n]
        };
        let num_consumers_by_partition = per_partition
            .iter()
            .map(|racks| {
                racks
                    .iter()
                    .map(|r| consumers_by_rack.get(r.as_str()).copied().unwrap_or(0))
                    .sum()
            })
            .collect();
        RackInfo {
            consumer_racks,
            rack_aware,
            num_consumers_by_partition,
        }
    }

    fn has_consumer_racks(&self) -> bool {
        self.rack_aware && self.consumer_racks.iter().any(Option::is_some)
    }

    fn consumer_rack(&self, m: usize) -> Option<&String> {
        self.consumer_racks.get(m).and_then(Option::as_ref)
    }

    fn racks_mismatch(&self, prep: &Prepared, m: usize, gp: usize) -> bool {
        match self.consumer_rack(m) {
            None => false,
            Some(rack) => !prep.partition_racks(gp).is_some_and(|r| r.contains(rack)),
        }
    }

    /// `sortPartitionsByRackConsumers`: a stable sort by the number of members on the
    /// partition's racks.
    fn sort_partitions_by_rack_consumers(&self, partitions: &mut [usize]) {
        if self.num_consumers_by_partition.is_empty() {
            return;
        }
        partitions.sort_by_key_shared(|&gp| {
            self.num_consumers_by_partition
                .get(gp)
                .copied()
                .unwrap_or(0)
        });
    }

    /// `nextRackConsumer`: index in `list` of the first member (cyclically from `first`) on one
    /// of the partition's racks.
    fn next_rack_consumer(
        &self,
        prep: &Prepared,
        gp: usize,
        list: &[usize],
        first: usize,
    ) -> Option<usize> {
        if !self.rack_aware {
            return None;
        }
        let racks = prep.partition_racks(gp)?;
        if racks.is_empty() || list.is_empty() {
            return None;
        }
        (0..list.len())
            .map(|i| (first + i) % list.len())
            .find(|&index| {
                list.get(index)
                    .and_then(|&m| self.consumer_rack(m))
                    .is_some_and(|rack| racks.contains(rack))
            })
    }
}

pub(crate) fn assign(
    prep: &Prepared,
    prefer_rack_aware_logic: bool,
) -> Result<StickyResult, AssignorError> {
    let validated = all_subscriptions_equal(prep);
    let rack_info = RackInfo::new(prep, prefer_rack_aware_logic);
    if validated.all_equal {
        let builder = Constrained::new(prep, &rack_info, &validated);
        let (assignment, transferring) = builder.build()?;
        Ok(StickyResult {
            assignment,
            transferring: Some(transferring),
            builder: StickyBuilder::Constrained,
            is_sticky: None,
        })
    } else {
        let mut builder = General::new(prep, &rack_info, &validated);
        builder.build()?;
        let is_sticky = builder.movements.is_sticky();
        let assignment = builder
            .current
            .into_iter()
            .map(Option::unwrap_or_default)
            .collect();
        Ok(StickyResult {
            assignment,
            transferring: None,
            builder: StickyBuilder::General,
            is_sticky: Some(is_sticky),
        })
    }
}

/// Result of `allSubscriptionsEqual`.
struct Validated {
    all_equal: bool,
    /// `consumerToOwnedPartitions`: valid owned partitions per member.
    owned: Vec<Vec<usize>>,
    multiple_previous_owners: VecSet<usize>,
    max_generation: i32,
}

fn generation_of(prep: &Prepared, m: usize) -> i32 {
    prep.members
        .get(m)
        .and_then(|x| x.generation)
        .unwrap_or(DEFAULT_GENERATION)
}

fn remove_first(list: &mut Vec<usize>, value: usize) {
    if let Some(pos) = list.iter().position(|&x| x == value) {
        list.remove(pos);
    }
}

/// `AbstractStickyAssignor.allSubscriptionsEqual`, including the ownership validation.
fn all_subscriptions_equal(prep: &Prepared) -> Validated {
    let mut all_equal = true;
    let mut subscribed: VecSet<&str> = VecSet::new();
    let mut owned = vec![Vec::new(); prep.members.len()];
    let mut previous_owner: VecMap<usize, usize> = VecMap::new();
    let mut multiple = VecSet::new();
    let mut max_generation = DEFAULT_GENERATION;
    for &m in &prep.hash_order {
        let Some(member) = prep.members.get(m) else {
            continue;
        };
        if subscribed.is_empty() {
            subscribed.extend(member.topics.iter().map(String::as_str));
        } else if all_equal
            && !(member.topics.len() == subscribed.len()
                && member
                    .topics
                    .iter()
                    .all(|t| subscribed.contains(t.as_str())))
        {
            all_equal = false;
        }
        let generation = generation_of(prep, m);
        max_generation = max_generation.max(generation);
        for &gp in &member.owned {
            match previous_owner.get(&gp).copied() {
                None => {
                    if let Some(list) = owned.get_mut(m) {
                        list.push(gp);
                    }
                    previous_owner.insert(gp, m);
                }
                Some(other) => {
                    let other_generation = generation_of(prep, other);
                    if generation == other_generation {
                        multiple.insert(gp);
                        if let Some(list) = owned.get_mut(other) {
                            remove_first(list, gp);
                        }
                        previous_owner.insert(gp, m);
                    } else if generation > other_generation {
                        if let Some(list) = owned.get_mut(m) {
                            list.push(gp);
                        }
                        if let Some(list) = owned.get_mut(other) {
                            remove_first(list, gp);
                        }
                        previous_owner.insert(gp, m);
                    }
                }
            }
        }
    }
    Validated {
        all_equal,
        owned,
        multiple_previous_owners: multiple,
        max_generation,
    }
}

/// Assignment per member and `partitionsTransferringOwnership`.
type ConstrainedResult = (Vec<Vec<usize>>, VecMap<usize, usize>);

/// `ConstrainedAssignmentBuilder`.
struct Constrained<'a> {
    prep: &'a Prepared,
    rack: &'a RackInfo,
    current: &'a [Vec<usize>],
    multiple: &'a VecSet<usize>,
    maybe_revoked: VecMap<usize, usize>,
    under_min: Vec<usize>,
    exactly_min: VecDeque<usize>,
    min_quota: usize,
    max_quota: usize,
    expected_over_min: usize,
    current_over_min: usize,
    assignment: Vec<Vec<usize>>,
    assigned: Vec<usize>,
    transferring: VecMap<usize, usize>,
}

impl<'a> Constrained<'a> {
    fn new(prep: &'a Prepared, rack: &'a RackInfo, validated: &'a Validated) -> Self {
        let n = prep.members.len().max(1);
        let total = prep.total_partitions();
        Constrained {
            prep,
            rack,
            current: &validated.owned,
            multiple: &validated.multiple_previous_owners,
            maybe_revoked: VecMap::new(),
            under_min: Vec::new(),
            exactly_min: VecDeque::new(),
            min_quota: total / n,
            max_quota: total.div_ceil(n),
            expected_over_min: total % n,
            current_over_min: 0,
            assignment: vec![Vec::new(); prep.members.len()],
            assigned: Vec::new(),
            transferring: VecMap::new(),
        }
    }

    fn build(mut self) -> Result<ConstrainedResult, AssignorError> {
        self.assign_owned_partitions();
        let assigned: VecSet<usize> = self.assigned.iter().copied().collect();
        let mut unassigned: Vec<usize> = (0..self.prep.total_partitions())
            .filter(|gp| !assigned.contains(gp))
            .collect();
        let rank = &self.prep.rank;
        self.under_min
            .sort_by_key_shared(|&m| rank.get(m).copied().unwrap_or(usize::MAX));
        self.exactly_min
            .make_contiguous()
            .sort_by_key_shared(|&m| rank.get(m).copied().unwrap_or(usize::MAX));
        self.rack.sort_partitions_by_rack_consumers(&mut unassigned);
        let unassigned = self.assign_rack_aware_round_robin(unassigned);
        self.assign_round_robin(&unassigned)?;
        self.verify_unfilled_members()?;
        Ok((self.assignment, self.transferring))
    }

    fn assign_owned_partitions(&mut self) {
        let order = rehash_order(&self.prep.members, &self.prep.hash_order);
        for consumer in order {
            let mut owned: Vec<usize> = Vec::new();
            for &gp in self.current.get(consumer).map(Vec::as_slice).unwrap_or(&[]) {
                if self.rack.racks_mismatch(self.prep, consumer, gp) {
                    self.maybe_revoked.insert(gp, consumer);
                } else {
                    owned.push(gp);
                }
            }
            // Sorted by partition number, then topic.
            owned
                .sort_by_key_shared(|&gp| (self.prep.partition_number(gp), self.prep.topic_of(gp)));
            owned.retain(|gp| !self.multiple.contains(gp));

            if owned.len() < self.min_quota {
                if let Some(list) = self.assignment.get_mut(consumer) {
                    list.extend(owned.iter().copied());
                }
                self.assigned.extend(owned.iter().copied());
                self.under_min.push(consumer);
            } else if owned.len() >= self.max_quota
                && self.current_over_min < self.expected_over_min
            {
                self.current_over_min += 1;
                if self.current_over_min == self.expected_over_min {
                    self.exactly_min.clear();
                }
                let (keep, revoke) = owned.split_at(self.max_quota.min(owned.len()));
                if let Some(list) = self.assignment.get_mut(consumer) {
                    list.extend(keep.iter().copied());
                }
                self.assigned.extend(keep.iter().copied());
                for &gp in revoke {
                    self.maybe_revoked.insert(gp, consumer);
                }
            } else {
                let (keep, revoke) = owned.split_at(self.min_quota.min(owned.len()));
                if let Some(list) = self.assignment.get_mut(consumer) {
                    list.extend(keep.iter().copied());
                }
                self.assigned.extend(keep.iter().copied());
                for &gp in revoke {
                    self.maybe_revoked.insert(gp, consumer);
                }
                if self.current_over_min < self.expected_over_min {
                    self.exactly_min.push_back(consumer);
                }
            }
        }
    }

    fn assignment_size(&self, m: usize) -> usize {
        self.assignment.get(m).map_or(0, Vec::len)
    }

    /// Returns the partitions still unassigned.
    fn assign_rack_aware_round_robin(&mut self, unassigned: Vec<usize>) -> Vec<usize> {
        if !self.rack.has_consumer_racks() {
            return unassigned;
        }
        let mut remaining = Vec::with_capacity(unassigned.len());
        let mut next_unfilled = 0usize;
        for gp in unassigned {
            let mut consumer = None;
            if let Some(mut next_index) =
                self.rack
                    .next_rack_consumer(self.prep, gp, &self.under_min, next_unfilled)
            {
                let c = self.under_min.get(next_index).copied().unwrap_or(0);
                consumer = Some(c);
                let count = self.assignment_size(c) + 1;
                if count >= self.min_quota {
                    self.under_min.retain(|&x| x != c);
                    if count < self.max_quota && self.current_over_min < self.expected_over_min {
                        self.exactly_min.push_back(c);
                    }
                } else {
                    next_index += 1;
                }
                next_unfilled = if self.under_min.is_empty() {
                    0
                } else {
                    next_index % self.under_min.len()
                };
            } else if !self.exactly_min.is_empty() {
                let list: Vec<usize> = self.exactly_min.iter().copied().collect();
                if let Some(first) = self.rack.next_rack_consumer(self.prep, gp, &list, 0) {
                    let c = list.get(first).copied().unwrap_or(0);
                    consumer = Some(c);
                    if self.assignment_size(c) + 1 == self.max_quota {
                        self.exactly_min.remove(first);
                        self.current_over_min += 1;
                        if self.current_over_min == self.expected_over_min {
                            self.exactly_min.clear();
                        }
                    }
                }
            }
            match consumer {
                Some(c) => {
                    self.assign_new_partition(gp, c);
                }
                None => remaining.push(gp),
            }
        }
        remaining
    }

    fn assign_round_robin(&mut self, unassigned: &[usize]) -> Result<(), AssignorError> {
        // A Java iterator over the LinkedList `under_min`: `cursor` is the position of the next
        // element, `last` the position of the element last returned.
        let mut cursor = 0usize;
        for (i, &gp) in unassigned.iter().enumerate() {
            let consumer;
            let mut last: Option<usize>;
            if cursor < self.under_min.len() {
                consumer = self.under_min.get(cursor).copied().unwrap_or(0);
                last = Some(cursor);
                cursor += 1;
            } else if self.under_min.is_empty() && self.exactly_min.is_empty() {
                return Err(kafka_throws(
                    "IllegalStateException",
                    format!(
                        "No more unfilled consumers to be assigned ({} partitions left)",
                        unassigned.len() - i
                    ),
                ));
            } else if self.under_min.is_empty() {
                consumer = self.exactly_min.pop_front().unwrap_or(0);
                last = None;
            } else {
                consumer = self.under_min.first().copied().unwrap_or(0);
                last = Some(0);
                cursor = 1;
            }
            let count = self.assign_new_partition(gp, consumer);
            if count == self.min_quota {
                // unfilledConsumerIter.remove()
                match last.take() {
                    Some(pos) if pos < self.under_min.len() => {
                        self.under_min.remove(pos);
                        cursor = pos;
                    }
                    _ => {
                        return Err(kafka_throws(
                            "IllegalStateException",
                            "Iterator.remove() without a preceding next()",
                        ))
                    }
                }
                self.exactly_min.push_back(consumer);
            } else if count == self.max_quota {
                self.current_over_min += 1;
            }
        }
        Ok(())
    }

    fn assign_new_partition(&mut self, gp: usize, consumer: usize) -> usize {
        if let Some(list) = self.assignment.get_mut(consumer) {
            list.push(gp);
        }
        let revoked_elsewhere = self
            .maybe_revoked
            .get(&gp)
            .is_some_and(|&owner| owner != consumer);
        if revoked_elsewhere || self.multiple.contains(&gp) {
            self.transferring.insert(gp, consumer);
        }
        self.assignment_size(consumer)
    }

    fn verify_unfilled_members(&self) -> Result<(), AssignorError> {
        if self.under_min.is_empty() {
            return Ok(());
        }
        if self.current_over_min != self.expected_over_min {
            return Err(kafka_throws(
                "IllegalStateException",
                "We haven't reached the expected number of members with more than the minQuota partitions, but no more partitions to be assigned",
            ));
        }
        for &m in &self.under_min {
            if self.assignment_size(m) != self.min_quota {
                return Err(kafka_throws(
                    "IllegalStateException",
                    format!(
                        "Consumer: [{}] doesn't reach minQuota partitions, and no more partitions to be assigned",
                        self.prep.member_id(m)
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// A `TopicPartition` key for the `HashSet`s in `PartitionMovements`.
#[derive(Clone, PartialEq)]
struct TpKey {
    gp: usize,
    hash: i32,
}

impl JavaHashKey for TpKey {
    fn java_hash_code(&self) -> i32 {
        self.hash
    }
    fn java_compare(&self, _other: &Self) -> Option<std::cmp::Ordering> {
        None
    }
}

/// `AbstractStickyAssignor.PartitionMovements`.
#[derive(Default)]
struct PartitionMovements {
    by_topic: VecMap<usize, VecMap<(usize, usize), JavaHashSet<TpKey>>>,
    movements: VecMap<usize, (usize, usize)>,
}

impl PartitionMovements {
    fn remove_record(&mut self, prep: &Prepared, gp: usize) -> Option<(usize, usize)> {
        let pair = self.movements.remove(&gp)?;
        let topic = prep.topic_of(gp);
        if let Some(pairs) = self.by_topic.get_mut(&topic) {
            if let Some(set) = pairs.get_mut(&pair) {
                set.remove(&tp_key(prep, gp));
                if set.is_empty() {
                    pairs.remove(&pair);
                }
            }
            if pairs.is_empty() {
                self.by_topic.remove(&topic);
            }
        }
        Some(pair)
    }

    fn add_record(&mut self, prep: &Prepared, gp: usize, pair: (usize, usize)) {
        self.movements.insert(gp, pair);
        self.by_topic
            .entry(prep.topic_of(gp))
            .or_default()
            .entry(pair)
            .or_default()
            .insert(tp_key(prep, gp));
    }

    fn move_partition(&mut self, prep: &Prepared, gp: usize, old: usize, new: usize) {
        if self.movements.contains_key(&gp) {
            if let Some((src, _dst)) = self.remove_record(prep, gp) {
                if src != new {
                    self.add_record(prep, gp, (src, new));
                }
            }
        } else {
            self.add_record(prep, gp, (old, new));
        }
    }

    fn actual_partition_to_move(
        &self,
        prep: &Prepared,
        gp: usize,
        old: usize,
        new: usize,
    ) -> usize {
        let topic = prep.topic_of(gp);
        let Some(pairs) = self.by_topic.get(&topic) else {
            return gp;
        };
        let old = self.movements.get(&gp).map_or(old, |&(src, _)| src);
        match pairs.get(&(new, old)).and_then(|set| set.first()) {
            Some(key) => key.gp,
            None => gp,
        }
    }

    /// `isSticky()`: no topic has partitions moved both ways between two members (the only
    /// cycles `hasCycles` reports).
    fn is_sticky(&self) -> bool {
        self.by_topic.values().all(|pairs| {
            pairs
                .keys()
                .all(|&(src, dst)| src == dst || !pairs.contains_key(&(dst, src)))
        })
    }
}

fn tp_key(prep: &Prepared, gp: usize) -> TpKey {
    let topic_hash = prep.topics.get(prep.topic_of(gp)).map_or(0, |t| t.hash);
    TpKey {
        gp,
        hash: topic_partition_hash(topic_hash, prep.partition_number(gp) as i32),
    }
}

/// `GeneralAssignmentBuilder`.
struct General<'a> {
    prep: &'a Prepared,
    rack: &'a RackInfo,
    max_generation: i32,
    topic_consumers: Vec<Vec<usize>>,
    consumer_topics: Vec<Vec<usize>>,
    /// `currentAssignment`; `None` while a member is set aside as fixed.
    current: Vec<Option<Vec<usize>>>,
    /// `currentPartitionConsumer` (may keep stale entries, as in Kafka).
    partition_consumer: Vec<Option<usize>>,
    sorted_all_partitions: Vec<usize>,
    /// `sortedCurrentSubscriptions`: (assignment size, member rank).
    sorted: VecSet<(usize, usize)>,
    by_rank: Vec<usize>,
    revocation_required: bool,
    movements: PartitionMovements,
    prev_assignment: VecMap<usize, (usize, i32)>,
}

impl<'a> General<'a> {
    fn new(prep: &'a Prepared, rack: &'a RackInfo, validated: &Validated) -> Self {
        let n = prep.members.len();
        let mut topic_consumers = vec![Vec::new(); prep.topics.len()];
        let mut consumer_topics = vec![Vec::new(); n];
        for &m in &prep.hash_order {
            let Some(member) = prep.members.get(m) else {
                continue;
            };
            for &t in &member.existing_topics {
                if let Some(list) = consumer_topics.get_mut(m) {
                    list.push(t);
                }
                if let Some(list) = topic_consumers.get_mut(t) {
                    list.push(m);
                }
            }
        }
        let current: Vec<Option<Vec<usize>>> = validated.owned.iter().cloned().map(Some).collect();
        let mut partition_consumer = vec![None; prep.total_partitions()];
        for (m, list) in validated.owned.iter().enumerate() {
            for &gp in list {
                if let Some(slot) = partition_consumer.get_mut(gp) {
                    *slot = Some(m);
                }
            }
        }
        let mut topic_order: Vec<usize> = (0..prep.topics.len()).collect();
        topic_order.sort_by_key_shared(|&t| (topic_consumers.get(t).map_or(0, Vec::len), t));
        let sorted_all_partitions = topic_order
            .iter()
            .filter_map(|&t| prep.topics.get(t))
            .flat_map(|topic| topic.offset..topic.offset + topic.partitions)
            .collect();
        let mut by_rank = vec![0; n];
        for (m, &r) in prep.rank.iter().enumerate() {
            if let Some(slot) = by_rank.get_mut(r) {
                *slot = m;
            }
        }
        General {
            prep,
            rack,
            max_generation: validated.max_generation,
            topic_consumers,
            consumer_topics,
            current,
            partition_consumer,
            sorted_all_partitions,
            sorted: VecSet::new(),
            by_rank,
            revocation_required: false,
            movements: PartitionMovements::default(),
            prev_assignment: VecMap::new(),
        }
    }

    fn rank(&self, m: usize) -> usize {
        self.prep.rank.get(m).copied().unwrap_or(usize::MAX)
    }

    fn size(&self, m: usize) -> Result<usize, AssignorError> {
        match self.current.get(m) {
            Some(Some(list)) => Ok(list.len()),
            _ => Err(kafka_throws(
                "NullPointerException",
                format!(
                    "member {} is not part of the reassignable assignment",
                    self.prep.member_id(m)
                ),
            )),
        }
    }

    fn sorted_remove(&mut self, m: usize) {
        let key = (
            self.current
                .get(m)
                .and_then(Option::as_ref)
                .map_or(0, Vec::len),
            self.rank(m),
        );
        self.sorted.remove(&key);
    }

    fn sorted_add(&mut self, m: usize) {
        let key = (
            self.current
                .get(m)
                .and_then(Option::as_ref)
                .map_or(0, Vec::len),
            self.rank(m),
        );
        self.sorted.insert(key);
    }

    fn sorted_members(&self) -> Vec<usize> {
        self.sorted
            .iter()
            .filter_map(|&(_, r)| self.by_rank.get(r).copied())
            .collect()
    }

    fn subscribes(&self, m: usize, topic: usize) -> bool {
        self.consumer_topics
            .get(m)
            .is_some_and(|t| t.contains(&topic))
    }

    fn build(&mut self) -> Result<(), AssignorError> {
        self.prepopulate_current_assignments();
        let assigned = self.assign_owned_partitions();
        let unassigned: Vec<usize> = self
            .sorted_all_partitions
            .iter()
            .copied()
            .filter(|gp| !assigned.contains(gp))
            .collect();
        for m in 0..self.current.len() {
            self.sorted_add(m);
        }
        self.balance(unassigned)
    }

    fn prepopulate_current_assignments(&mut self) {
        for &m in &self.prep.hash_order {
            let Some(member) = self.prep.members.get(m) else {
                continue;
            };
            let generation = match member.generation {
                Some(g) if g < self.max_generation => g,
                None if self.max_generation > DEFAULT_GENERATION => DEFAULT_GENERATION,
                _ => continue,
            };
            for &gp in &member.owned {
                match self.prev_assignment.get(&gp) {
                    Some(&(_, existing)) if generation <= existing => {}
                    _ => {
                        self.prev_assignment.insert(gp, (m, generation));
                    }
                }
            }
        }
    }

    fn assign_owned_partitions(&mut self) -> VecSet<usize> {
        let mut assigned = VecSet::new();
        for m in 0..self.current.len() {
            let Some(member) = self.prep.members.get(m) else {
                continue;
            };
            let owned = self.current.get(m).cloned().flatten().unwrap_or_default();
            let mut kept = Vec::with_capacity(owned.len());
            for gp in owned {
                let topic = self.prep.topic_of(gp);
                let subscribed = self
                    .prep
                    .topics
                    .get(topic)
                    .is_some_and(|t| member.topic_set.contains(&t.name));
                if !subscribed || self.rack.racks_mismatch(self.prep, m, gp) {
                    self.revocation_required = true;
                } else {
                    assigned.insert(gp);
                    kept.push(gp);
                }
            }
            if let Some(slot) = self.current.get_mut(m) {
                *slot = Some(kept);
            }
        }
        assigned
    }

    fn max_assignment_size(&self, m: usize) -> usize {
        self.consumer_topics
            .get(m)
            .map(|topics| {
                topics
                    .iter()
                    .filter_map(|&t| self.prep.topics.get(t))
                    .map(|t| t.partitions)
                    .sum()
            })
            .unwrap_or(0)
    }

    fn can_topic_participate(&self, topic: usize) -> bool {
        self.topic_consumers.get(topic).map_or(0, Vec::len) >= 2
    }

    fn can_consumer_participate(&self, m: usize) -> bool {
        let list = self.current.get(m).and_then(Option::as_ref);
        let size = list.map_or(0, Vec::len);
        if size < self.max_assignment_size(m) {
            return true;
        }
        list.is_some_and(|l| {
            l.iter()
                .any(|&gp| self.can_topic_participate(self.prep.topic_of(gp)))
        })
    }

    fn is_balanced(&self) -> Result<bool, AssignorError> {
        let (Some(&(min, _)), Some(&(max, _))) = (self.sorted.first(), self.sorted.last()) else {
            return Err(kafka_throws(
                "NoSuchElementException",
                "no members to balance",
            ));
        };
        if min + 1 >= max {
            return Ok(true);
        }
        let mut owner: Vec<Option<usize>> = vec![None; self.prep.total_partitions()];
        for (m, list) in self.current.iter().enumerate() {
            for &gp in list.iter().flatten() {
                if let Some(slot) = owner.get_mut(gp) {
                    *slot = Some(m);
                }
            }
        }
        for m in self.sorted_members() {
            let count = self.size(m)?;
            if count == self.max_assignment_size(m) {
                continue;
            }
            for &t in self
                .consumer_topics
                .get(m)
                .map(Vec::as_slice)
                .unwrap_or(&[])
            {
                let Some(topic) = self.prep.topics.get(t) else {
                    continue;
                };
                for gp in topic.offset..topic.offset + topic.partitions {
                    let holder = owner.get(gp).copied().flatten();
                    if holder == Some(m) {
                        continue;
                    }
                    let Some(other) = holder else {
                        return Err(kafka_throws(
                            "NullPointerException",
                            format!("partition {} has no owner", self.prep.topic_partition(gp)),
                        ));
                    };
                    if count + 1 < self.size(other)? {
                        return Ok(false);
                    }
                }
            }
        }
        Ok(true)
    }

    fn balance_score(&self) -> i64 {
        let sizes: Vec<i64> = self
            .current
            .iter()
            .flatten()
            .map(|l| l.len() as i64)
            .collect();
        let mut score = 0;
        for (i, a) in sizes.iter().enumerate() {
            for b in sizes.iter().skip(i + 1) {
                score += (a - b).abs();
            }
        }
        score
    }

    fn maybe_assign_partition(&mut self, gp: usize, rack_matching: bool) -> bool {
        let topic = self.prep.topic_of(gp);
        let candidate = self.sorted_members().into_iter().find(|&m| {
            self.subscribes(m, topic)
                && (!rack_matching || !self.rack.racks_mismatch(self.prep, m, gp))
        });
        let Some(m) = candidate else {
            return false;
        };
        self.sorted_remove(m);
        if let Some(Some(list)) = self.current.get_mut(m) {
            list.push(gp);
        }
        if let Some(slot) = self.partition_consumer.get_mut(gp) {
            *slot = Some(m);
        }
        self.sorted_add(m);
        true
    }

    fn balance(&mut self, mut unassigned: Vec<usize>) -> Result<(), AssignorError> {
        let initializing = match self.sorted.last() {
            Some(&(size, _)) => size == 0,
            None => return Err(kafka_throws("NoSuchElementException", "no members")),
        };
        let has_potential = |this: &Self, gp: usize| {
            this.topic_consumers
                .get(this.prep.topic_of(gp))
                .is_some_and(|c| !c.is_empty())
        };
        let mut to_assign = unassigned.clone();
        if self.rack.has_consumer_racks() {
            let mut rest = Vec::with_capacity(to_assign.len());
            for gp in to_assign {
                if !has_potential(self, gp) || !self.maybe_assign_partition(gp, true) {
                    rest.push(gp);
                }
            }
            to_assign = rest;
        }
        for gp in to_assign {
            if has_potential(self, gp) {
                self.maybe_assign_partition(gp, false);
            }
        }

        // Narrow the scope to partitions and members that can move.
        let fixed_topics: VecSet<usize> = (0..self.prep.topics.len())
            .filter(|&t| !self.can_topic_participate(t))
            .collect();
        let is_fixed = |prep: &Prepared, gp: usize| fixed_topics.contains(&prep.topic_of(gp));
        self.sorted_all_partitions
            .retain(|&gp| !is_fixed(self.prep, gp));
        unassigned.retain(|&gp| !is_fixed(self.prep, gp));
        let mut fixed_assignments: Vec<(usize, Vec<usize>)> = Vec::new();
        for m in 0..self.current.len() {
            if !self.can_consumer_participate(m) {
                self.sorted_remove(m);
                let list = self
                    .current
                    .get_mut(m)
                    .and_then(Option::take)
                    .unwrap_or_default();
                fixed_assignments.push((m, list));
            }
        }

        let pre_balance = self.current.clone();
        let pre_balance_consumers = self.partition_consumer.clone();
        let pre_balance_score = self.balance_score();

        if !self.revocation_required {
            self.perform_reassignments(&unassigned)?;
        }
        let all = self.sorted_all_partitions.clone();
        let performed = self.perform_reassignments(&all)?;

        if !initializing && performed && self.balance_score() >= pre_balance_score {
            self.current = pre_balance;
            self.partition_consumer = pre_balance_consumers;
        }
        for (m, list) in fixed_assignments {
            if let Some(slot) = self.current.get_mut(m) {
                *slot = Some(list);
            }
        }
        Ok(())
    }

    fn perform_reassignments(&mut self, partitions: &[usize]) -> Result<bool, AssignorError> {
        let mut performed = false;
        loop {
            let mut modified = false;
            for &gp in partitions {
                if self.is_balanced()? {
                    break;
                }
                let Some(consumer) = self.partition_consumer.get(gp).copied().flatten() else {
                    return Err(kafka_throws(
                        "NullPointerException",
                        format!(
                            "partition {} is not assigned to a consumer",
                            self.prep.topic_partition(gp)
                        ),
                    ));
                };
                let consumer_size = self.size(consumer)?;
                if let Some(&(prev, _)) = self.prev_assignment.get(&gp) {
                    if consumer_size > self.size(prev)? + 1 {
                        self.reassign_partition_to(gp, prev);
                        performed = true;
                        modified = true;
                        continue;
                    }
                }
                let topic = self.prep.topic_of(gp);
                let potential = self.topic_consumers.get(topic).cloned().unwrap_or_default();
                let mut found_rack_consumer = false;
                if let Some(rack) = self.rack.consumer_rack(consumer) {
                    let racks = self.prep.partition_racks(gp);
                    if racks.is_some_and(|r| !r.is_empty() && r.contains(rack)) {
                        for &other in &potential {
                            let other_on_rack = self
                                .rack
                                .consumer_rack(other)
                                .is_some_and(|o| racks.is_some_and(|r| r.contains(o)));
                            if !other_on_rack {
                                continue;
                            }
                            if consumer_size > self.size(other)? + 1 {
                                self.reassign_partition(gp)?;
                                performed = true;
                                modified = true;
                                found_rack_consumer = true;
                                break;
                            }
                        }
                    }
                }
                if !found_rack_consumer {
                    for &other in &potential {
                        if consumer_size > self.size(other)? + 1 {
                            self.reassign_partition(gp)?;
                            performed = true;
                            modified = true;
                            break;
                        }
                    }
                }
            }
            if !modified {
                break;
            }
        }
        Ok(performed)
    }

    fn reassign_partition(&mut self, gp: usize) -> Result<(), AssignorError> {
        let topic = self.prep.topic_of(gp);
        let new_consumer = self
            .sorted_members()
            .into_iter()
            .find(|&m| self.subscribes(m, topic))
            .ok_or_else(|| kafka_throws("AssertionError", "no member can take the partition"))?;
        self.reassign_partition_to(gp, new_consumer);
        Ok(())
    }

    fn reassign_partition_to(&mut self, gp: usize, new_consumer: usize) {
        let consumer = self
            .partition_consumer
            .get(gp)
            .copied()
            .flatten()
            .unwrap_or(new_consumer);
        let to_move =
            self.movements
                .actual_partition_to_move(self.prep, gp, consumer, new_consumer);
        self.process_partition_movement(to_move, new_consumer);
    }

    fn process_partition_movement(&mut self, gp: usize, new_consumer: usize) {
        let Some(old) = self.partition_consumer.get(gp).copied().flatten() else {
            return;
        };
        self.sorted_remove(old);
        self.sorted_remove(new_consumer);
        self.movements
            .move_partition(self.prep, gp, old, new_consumer);
        if let Some(Some(list)) = self.current.get_mut(old) {
            remove_first(list, gp);
        }
        if let Some(Some(list)) = self.current.get_mut(new_consumer) {
            list.push(gp);
        }
        if let Some(slot) = self.partition_consumer.get_mut(gp) {
            *slot = Some(new_consumer);
        }
        self.sorted_add(new_consumer);
        self.sorted_add(old);
    }
}

/// `CooperativeStickyAssignor.adjustAssignment`: removes every partition that changes owner in
/// this round. Returns the removed partitions with the member that will receive them.
pub(crate) fn adjust_for_cooperative(
    prep: &Prepared,
    assignment: &mut [Vec<usize>],
    transferring: Option<&VecMap<usize, usize>>,
) -> VecMap<usize, usize> {
    let transferring = match transferring {
        Some(t) => t.clone(),
        None => {
            // computePartitionsTransferringOwnership
            let mut added: VecMap<usize, usize> = VecMap::new();
            let mut revoked: VecSet<usize> = VecSet::new();
            for (m, list) in assignment.iter().enumerate() {
                let owned: VecSet<usize> = prep
                    .members
                    .get(m)
                    .map(|x| x.owned.iter().copied().collect())
                    .unwrap_or_default();
                let assigned: VecSet<usize> = list.iter().copied().collect();
                for &gp in list {
                    if !owned.contains(&gp) {
                        added.insert(gp, m);
                    }
                }
                revoked.extend(owned.difference(&assigned).copied());
            }
            added.retain(|gp, _| revoked.contains(gp));
            added
        }
    };
    for (&gp, &m) in &transferring {
        if let Some(list) = assignment.get_mut(m) {
            remove_first(list, gp);
        }
    }
    transferring
}
