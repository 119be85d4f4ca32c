//! The group coordinator's side of the KIP-848 consumer group protocol (`group.protocol=consumer`,
//! generally available in Kafka 4.0): `ConsumerGroupHeartbeat`, the group epoch, the target
//! assignment computed by a server-side assignor, and the incremental, per-member
//! reconciliation towards it (group-coordinator `GroupMetadataManager.consumerGroupHeartbeat`,
//! `modern/consumer/ConsumerGroup`, `ConsumerGroupMember`, `CurrentAssignmentBuilder`,
//! `modern/TargetAssignmentBuilder`, `modern/MemberState`).
//!
//! The three epochs:
//! - the **group epoch** is bumped when a member joins, leaves or changes its subscription, or
//!   when the partition count of a subscribed topic changes;
//! - the **target assignment epoch** catches up with the group epoch when the coordinator runs
//!   the assignor (`uniform` or `range`, `assignor::server`) on the next heartbeat;
//! - each **member epoch** catches up with the target assignment epoch when that member has
//!   converged: a partition moves to its new owner only after its previous owner has revoked it
//!   and said so in a heartbeat. There is no group-wide barrier: members that keep their
//!   partitions keep consuming.
//!
//! As in Kafka, every change is a record in `__consumer_offsets` (`cgroup/…` keys): a heartbeat
//! computes the records, the group replays them (so loading the log after a coordinator
//! failover rebuilds the same state), and the response goes out once they are replicated.
//! Committed offsets stay where the classic coordinator keeps them
//! (`group::ClassicGroup::offsets`, an offsets-only entry for a consumer group), just as Kafka
//! keeps offsets apart from groups (`OffsetMetadataManager`).
//!
//! Not modelled: online migration between the protocols (`group.consumer.migration.policy`,
//! default `bidirectional` in Kafka 4.0, lets classic members join a consumer group and
//! converts groups). Here a group id is one or the other: a `ConsumerGroupHeartbeat` to a
//! classic group that has members gets `GROUP_ID_NOT_FOUND` (what Kafka answers when the
//! upgrade is not possible) and a classic `JoinGroup` to a consumer group that has members gets
//! `INCONSISTENT_GROUP_PROTOCOL`. An empty group of the other kind is replaced, as in Kafka.
//! Regular-expression subscriptions, racks and `group.consumer.max.size` are not modelled.

use crate::assignor::server::{assign_by_name, ServerAssignorName, ServerMember};
use crate::assignor::TopicPartition;
use crate::config::{Props, BROKER_CONFIGS};
use crate::error::ErrorCode;
use crate::group::{group_key, AfterAppend, Effect, GroupCoordinator, GroupState};
use crate::java::JavaHashSet;
use crate::message::Message;
use crate::types::{Millis, NodeId};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};

/// The member epoch a member sends to leave the group.
pub const LEAVE_GROUP_MEMBER_EPOCH: i32 = -1;
/// The member epoch a static member sends to leave temporarily (it keeps its assignment until
/// its session times out).
pub const LEAVE_GROUP_STATIC_MEMBER_EPOCH: i32 = -2;

/// Prefix of the consumer group records in `__consumer_offsets`.
pub const RECORD_PREFIX: &str = "cgroup/";

/// `modern/MemberState`: where a member is in its reconciliation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    /// Fully reconciled with the target assignment (of its epoch).
    Stable,
    /// Must revoke partitions before it can move to the next epoch.
    UnrevokedPartitions,
    /// At the target epoch, but waiting for partitions their previous owners still hold.
    UnreleasedPartitions,
}

impl MemberState {
    pub fn name(self) -> &'static str {
        match self {
            MemberState::Stable => "STABLE",
            MemberState::UnrevokedPartitions => "UNREVOKED_PARTITIONS",
            MemberState::UnreleasedPartitions => "UNRELEASED_PARTITIONS",
        }
    }
}

/// `ConsumerGroup.ConsumerGroupState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConsumerGroupState {
    Empty,
    /// The group epoch is ahead of the target assignment epoch.
    Assigning,
    /// Some member has not converged to the target assignment.
    Reconciling,
    Stable,
}

impl ConsumerGroupState {
    pub fn name(self) -> &'static str {
        match self {
            ConsumerGroupState::Empty => "Empty",
            ConsumerGroupState::Assigning => "Assigning",
            ConsumerGroupState::Reconciling => "Reconciling",
            ConsumerGroupState::Stable => "Stable",
        }
    }
}

/// `ConsumerGroupMemberMetadataValue`: what a member asked for.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberMetadata {
    pub instance_id: Option<String>,
    pub rebalance_timeout_ms: i32,
    /// Sorted, without duplicates.
    pub subscribed_topics: Vec<String>,
    pub server_assignor: Option<String>,
}

/// `ConsumerGroupCurrentMemberAssignmentValue`: the member's epoch, state and partitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberAssignment {
    pub member_epoch: i32,
    pub previous_member_epoch: i32,
    pub state: MemberState,
    /// The partitions the member may own at its epoch.
    pub assigned: VecSet<TopicPartition>,
    /// Partitions the member must give up before it can move on.
    pub pending_revocation: VecSet<TopicPartition>,
}

impl Default for MemberAssignment {
    /// `ConsumerGroupMember.Builder` defaults.
    fn default() -> Self {
        MemberAssignment {
            member_epoch: 0,
            previous_member_epoch: -1,
            state: MemberState::Stable,
            assigned: VecSet::new(),
            pending_revocation: VecSet::new(),
        }
    }
}

impl MemberAssignment {
    /// `ModernGroupMember.isReconciledTo`.
    pub fn is_reconciled_to(&self, target_assignment_epoch: i32) -> bool {
        self.state == MemberState::Stable && self.member_epoch == target_assignment_epoch
    }
}

/// `ConsumerGroupMember`, plus the timers the coordinator keeps for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerGroupMember {
    pub member_id: String,
    pub metadata: MemberMetadata,
    pub assignment: MemberAssignment,
    /// The last heartbeat (the session timeout runs from here; not persisted).
    pub last_heartbeat: Millis,
    /// While the member revokes: (member epoch, deadline) of its rebalance timeout.
    pub revocation_deadline: Option<(i32, Millis)>,
}

impl ConsumerGroupMember {
    fn new(member_id: &str, now: Millis) -> Self {
        ConsumerGroupMember {
            member_id: member_id.to_string(),
            metadata: MemberMetadata {
                rebalance_timeout_ms: -1,
                ..MemberMetadata::default()
            },
            assignment: MemberAssignment::default(),
            last_heartbeat: now,
            revocation_deadline: None,
        }
    }
}

/// A record of a consumer group in `__consumer_offsets` (`None` values are tombstones).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ConsumerGroupRecord {
    /// `ConsumerGroupMemberMetadata`.
    MemberMetadata {
        member_id: String,
        value: Option<MemberMetadata>,
    },
    /// `ConsumerGroupMetadata`: the group epoch.
    GroupEpoch(Option<i32>),
    /// `ConsumerGroupPartitionMetadata`: partition counts of the subscribed topics.
    SubscriptionMetadata(Option<VecMap<String, i32>>),
    /// `ConsumerGroupTargetAssignmentMember`.
    TargetAssignment {
        member_id: String,
        value: Option<VecSet<TopicPartition>>,
    },
    /// `ConsumerGroupTargetAssignmentMetadata`: the target assignment epoch.
    TargetAssignmentEpoch(Option<i32>),
    /// `ConsumerGroupCurrentMemberAssignment`.
    CurrentAssignment {
        member_id: String,
        value: Option<MemberAssignment>,
    },
}

impl ConsumerGroupRecord {
    /// The record's key and value as the coordinator writes them; an empty value is a
    /// tombstone.
    pub fn to_key_value(&self, group: &str) -> (String, String) {
        fn json<T: Serialize>(v: &Option<T>) -> String {
            v.as_ref()
                .and_then(|v| serde_json::to_string(v).ok())
                .unwrap_or_default()
        }
        let p = format!("{RECORD_PREFIX}{group}");
        match self {
            ConsumerGroupRecord::MemberMetadata { member_id, value } => {
                (format!("{p}/member/{member_id}"), json(value))
            }
            ConsumerGroupRecord::GroupEpoch(v) => (format!("{p}/metadata"), json(v)),
            ConsumerGroupRecord::SubscriptionMetadata(v) => {
                (format!("{p}/partition-metadata"), json(v))
            }
            ConsumerGroupRecord::TargetAssignment { member_id, value } => {
                (format!("{p}/target/{member_id}"), json(value))
            }
            ConsumerGroupRecord::TargetAssignmentEpoch(v) => {
                (format!("{p}/target-metadata"), json(v))
            }
            ConsumerGroupRecord::CurrentAssignment { member_id, value } => {
                (format!("{p}/current/{member_id}"), json(value))
            }
        }
    }

    /// Parse a record read back from `__consumer_offsets`: (group, record).
    pub fn parse(key: &str, value: Option<&str>) -> Option<(String, ConsumerGroupRecord)> {
        fn de<T: for<'de> Deserialize<'de>>(v: Option<&str>) -> Result<Option<T>, ()> {
            match v.filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => serde_json::from_str(s).map(Some).map_err(|_| ()),
            }
        }
        let rest = key.strip_prefix(RECORD_PREFIX)?;
        let (head, last) = rest.rsplit_once('/')?;
        let group_level = match last {
            "metadata" => Some(ConsumerGroupRecord::GroupEpoch(de(value).ok()?)),
            "partition-metadata" => {
                Some(ConsumerGroupRecord::SubscriptionMetadata(de(value).ok()?))
            }
            "target-metadata" => Some(ConsumerGroupRecord::TargetAssignmentEpoch(de(value).ok()?)),
            _ => None,
        };
        if let Some(r) = group_level {
            return Some((head.to_string(), r));
        }
        let (group, kind) = head.rsplit_once('/')?;
        let member_id = last.to_string();
        let r = match kind {
            "member" => ConsumerGroupRecord::MemberMetadata {
                member_id,
                value: de(value).ok()?,
            },
            "target" => ConsumerGroupRecord::TargetAssignment {
                member_id,
                value: de(value).ok()?,
            },
            "current" => ConsumerGroupRecord::CurrentAssignment {
                member_id,
                value: de(value).ok()?,
            },
            _ => return None,
        };
        Some((group.to_string(), r))
    }
}

/// `modern/consumer/ConsumerGroup`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerGroup {
    pub group_id: String,
    pub group_epoch: i32,
    /// The epoch of the target assignment.
    pub assignment_epoch: i32,
    /// Members in the order they joined.
    pub members: Vec<ConsumerGroupMember>,
    /// The target assignment: member id → partitions.
    pub target: VecMap<String, VecSet<TopicPartition>>,
    /// Partition counts of the subscribed topics when the group epoch was last bumped.
    pub subscription_metadata: VecMap<String, i32>,
    pub state: ConsumerGroupState,
    pub state_since: Millis,
}

impl ConsumerGroup {
    pub fn new(group_id: &str, now: Millis) -> Self {
        ConsumerGroup {
            group_id: group_id.to_string(),
            group_epoch: 0,
            assignment_epoch: 0,
            members: Vec::new(),
            target: VecMap::new(),
            subscription_metadata: VecMap::new(),
            state: ConsumerGroupState::Empty,
            state_since: now,
        }
    }

    pub fn member(&self, member_id: &str) -> Option<&ConsumerGroupMember> {
        self.members.iter().find(|m| m.member_id == member_id)
    }

    fn member_mut(&mut self, member_id: &str) -> Option<&mut ConsumerGroupMember> {
        self.members.iter_mut().find(|m| m.member_id == member_id)
    }

    /// The member holding `group.instance.id` = `instance_id`.
    pub fn static_member(&self, instance_id: &str) -> Option<&ConsumerGroupMember> {
        self.members
            .iter()
            .find(|m| m.metadata.instance_id.as_deref() == Some(instance_id))
    }

    /// `currentPartitionEpoch`: the epoch of the member that owns (or still revokes) `tp`, or
    /// -1 when the partition is free.
    pub fn current_partition_epoch(&self, tp: &TopicPartition) -> i32 {
        self.members
            .iter()
            .find(|m| {
                m.assignment.assigned.contains(tp) || m.assignment.pending_revocation.contains(tp)
            })
            .map_or(-1, |m| m.assignment.member_epoch)
    }

    /// `targetAssignment(memberId, instanceId)`: a static member that replaced a departed one
    /// inherits its target.
    pub fn target_of(&self, member_id: &str, instance_id: Option<&str>) -> VecSet<TopicPartition> {
        if let Some(t) = self.target.get(member_id) {
            return t.clone();
        }
        instance_id
            .and_then(|i| self.static_member(i))
            .and_then(|m| self.target.get(&m.member_id))
            .cloned()
            .unwrap_or_default()
    }

    /// The server assignor the group uses (`preferredServerAssignor`, defaulting to the first
    /// of `group.consumer.assignors`).
    pub fn assignor(&self) -> ServerAssignorName {
        preferred_assignor(self.members.iter().map(|m| &m.metadata), None, None)
    }

    /// `maybeUpdateGroupState`.
    fn computed_state(&self) -> ConsumerGroupState {
        if self.members.is_empty() {
            ConsumerGroupState::Empty
        } else if self.group_epoch > self.assignment_epoch {
            ConsumerGroupState::Assigning
        } else if self
            .members
            .iter()
            .any(|m| !m.assignment.is_reconciled_to(self.assignment_epoch))
        {
            ConsumerGroupState::Reconciling
        } else {
            ConsumerGroupState::Stable
        }
    }

    /// Apply a record (the replay path, used both live and when loading the log). A group
    /// epoch tombstone is handled by the coordinator (it deletes the group).
    pub fn replay(&mut self, record: &ConsumerGroupRecord, now: Millis) {
        match record {
            ConsumerGroupRecord::MemberMetadata { member_id, value } => match value {
                Some(meta) => match self.member_mut(member_id) {
                    Some(m) => m.metadata = meta.clone(),
                    None => {
                        let mut m = ConsumerGroupMember::new(member_id, now);
                        m.metadata = meta.clone();
                        self.members.push(m);
                    }
                },
                None => self.members.retain(|m| m.member_id != *member_id),
            },
            ConsumerGroupRecord::GroupEpoch(v) => self.group_epoch = v.unwrap_or(0),
            ConsumerGroupRecord::SubscriptionMetadata(v) => {
                self.subscription_metadata = v.clone().unwrap_or_default()
            }
            ConsumerGroupRecord::TargetAssignment { member_id, value } => match value {
                Some(t) => {
                    self.target.insert(member_id.clone(), t.clone());
                }
                None => {
                    self.target.remove(member_id);
                }
            },
            ConsumerGroupRecord::TargetAssignmentEpoch(v) => self.assignment_epoch = v.unwrap_or(0),
            ConsumerGroupRecord::CurrentAssignment { member_id, value } => {
                let a = value.clone().unwrap_or(MemberAssignment {
                    // The tombstone leaves the member at the leave epoch, without partitions.
                    member_epoch: LEAVE_GROUP_MEMBER_EPOCH,
                    previous_member_epoch: LEAVE_GROUP_MEMBER_EPOCH,
                    state: self
                        .member(member_id)
                        .map_or(MemberState::Stable, |m| m.assignment.state),
                    assigned: VecSet::new(),
                    pending_revocation: VecSet::new(),
                });
                if self.member(member_id).is_none() && value.is_some() {
                    self.members.push(ConsumerGroupMember::new(member_id, now));
                }
                if let Some(m) = self.member_mut(member_id) {
                    // A member that must revoke gets its rebalance timeout (re)started; it is
                    // fenced if it is still at this epoch when the timeout expires. Loading the
                    // log restarts it, as Kafka does for members in UNREVOKED_PARTITIONS.
                    m.revocation_deadline = (a.state == MemberState::UnrevokedPartitions
                        && a.member_epoch > 0)
                        .then(|| {
                            let timeout = m.metadata.rebalance_timeout_ms.max(0) as Millis;
                            (a.member_epoch, now + timeout)
                        });
                    m.assignment = a;
                }
            }
        }
        let state = self.computed_state();
        if state != self.state {
            self.state = state;
            self.state_since = now;
        }
    }
}

/// `CurrentAssignmentBuilder.build()`: the member's next state given the target assignment,
/// the epoch of each partition's current owner (-1 when free) and the partitions the member
/// reported it owns (`None` when the heartbeat did not say).
pub fn current_assignment_builder(
    member: &MemberAssignment,
    target_assignment_epoch: i32,
    target: &VecSet<TopicPartition>,
    current_partition_epoch: impl Fn(&TopicPartition) -> i32,
    owned: Option<&[TopicPartition]>,
) -> MemberAssignment {
    let owns_any = |pending: &VecSet<TopicPartition>| match owned {
        // Without the owned partitions the member is assumed to still hold them.
        None => true,
        Some(list) => list.iter().any(|tp| pending.contains(tp)),
    };
    let next = |member_epoch: i32| {
        compute_next_assignment(
            member,
            member_epoch,
            target_assignment_epoch,
            target,
            &current_partition_epoch,
            owned,
        )
    };
    match member.state {
        MemberState::Stable => {
            if member.member_epoch != target_assignment_epoch {
                next(member.member_epoch)
            } else {
                member.clone()
            }
        }
        MemberState::UnrevokedPartitions => {
            if owns_any(&member.pending_revocation) {
                member.clone()
            } else {
                next(member.member_epoch + 1)
            }
        }
        MemberState::UnreleasedPartitions => next(member.member_epoch),
    }
}

/// `CurrentAssignmentBuilder.computeNextAssignment`.
fn compute_next_assignment(
    member: &MemberAssignment,
    member_epoch: i32,
    target_assignment_epoch: i32,
    target: &VecSet<TopicPartition>,
    current_partition_epoch: &impl Fn(&TopicPartition) -> i32,
    owned: Option<&[TopicPartition]>,
) -> MemberAssignment {
    // New assigned = previously assigned ∩ target.
    let mut assigned: VecSet<TopicPartition> =
        member.assigned.intersection(target).cloned().collect();
    // Pending revocation = previously assigned − new assigned.
    let pending_revocation: VecSet<TopicPartition> =
        member.assigned.difference(&assigned).cloned().collect();
    // Pending assignment = target − new assigned − partitions still owned by someone.
    let mut has_unreleased = false;
    let mut pending_assignment = VecSet::new();
    for tp in target.difference(&assigned) {
        if current_partition_epoch(tp) != -1 {
            has_unreleased = true;
        } else {
            pending_assignment.insert(tp.clone());
        }
    }
    let owns_revoked = match owned {
        None => true,
        Some(list) => list.iter().any(|tp| pending_revocation.contains(tp)),
    };
    if !pending_revocation.is_empty() && owns_revoked {
        // Revoke first: the member stays at its epoch until it acknowledges.
        MemberAssignment {
            member_epoch,
            previous_member_epoch: member.member_epoch,
            state: MemberState::UnrevokedPartitions,
            assigned,
            pending_revocation,
        }
    } else {
        assigned.extend(pending_assignment);
        MemberAssignment {
            member_epoch: target_assignment_epoch,
            previous_member_epoch: member.member_epoch,
            state: if has_unreleased {
                MemberState::UnreleasedPartitions
            } else {
                MemberState::Stable
            },
            assigned,
            pending_revocation: VecSet::new(),
        }
    }
}

/// `computePreferredServerAssignor`: the assignor most members ask for, counting `updated`
/// instead of `old`; ties go to the first in the `HashMap`'s iteration order; `uniform` when
/// nobody asks.
fn preferred_assignor<'a>(
    members: impl Iterator<Item = &'a MemberMetadata>,
    old: Option<&MemberMetadata>,
    updated: Option<&MemberMetadata>,
) -> ServerAssignorName {
    let mut counts: VecMap<String, i64> = VecMap::new();
    let mut order: JavaHashSet<String> = JavaHashSet::new();
    let mut add = |name: &Option<String>, delta: i64| {
        if let Some(n) = name {
            order.insert(n.clone());
            *counts.entry(n.clone()).or_default() += delta;
        }
    };
    for m in members {
        add(&m.server_assignor, 1);
    }
    if let Some(o) = old {
        add(&o.server_assignor, -1);
    }
    if let Some(u) = updated {
        add(&u.server_assignor, 1);
    }
    let mut best: Option<(&String, i64)> = None;
    for name in order.iter() {
        let c = counts.get(name).copied().unwrap_or(0);
        if c <= 0 {
            continue;
        }
        if best.is_none_or(|(_, b)| c > b) {
            best = Some((name, c));
        }
    }
    best.and_then(|(n, _)| n.parse().ok())
        .unwrap_or(ServerAssignorName::Uniform)
}

/// What the broker does once a coordinator write is replicated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AfterWrite {
    /// Send the heartbeat response.
    Respond { to: NodeId, response: Message },
    /// Nothing waits for it (timeouts, conversions).
    Nothing,
}

impl AfterWrite {
    /// The message to send once the append is done; a failed write fails the request with
    /// the error Kafka's `GroupCoordinatorService` normalises it to.
    pub fn complete(self, error: Option<ErrorCode>) -> Option<(NodeId, Message)> {
        match self {
            AfterWrite::Nothing => None,
            AfterWrite::Respond { to, response } => match error {
                None => Some((to, response)),
                Some(e) => {
                    let e = match e {
                        ErrorCode::NotLeaderOrFollower
                        | ErrorCode::NotCoordinator
                        | ErrorCode::KafkaStorageError => ErrorCode::NotCoordinator,
                        _ => ErrorCode::CoordinatorNotAvailable,
                    };
                    let corr = response_corr(&response);
                    Some((to, error_response(corr, e)))
                }
            },
        }
    }
}

/// The correlation id of a `ConsumerGroupHeartbeatResponse` (0 for other messages).
pub(crate) fn response_corr(m: &Message) -> u64 {
    match m {
        Message::ConsumerGroupHeartbeatResponse { corr, .. } => *corr,
        _ => 0,
    }
}

/// A `ConsumerGroupHeartbeatResponse` carrying only an error.
pub fn error_response(corr: u64, error: ErrorCode) -> Message {
    Message::ConsumerGroupHeartbeatResponse {
        corr,
        error: Some(error),
        member_id: String::new(),
        member_epoch: 0,
        heartbeat_interval_ms: 0,
        assignment: None,
    }
}

/// A `ConsumerGroupHeartbeat` request's fields.
#[derive(Debug, Clone, PartialEq)]
pub struct HeartbeatRequest {
    pub group: String,
    pub member_id: String,
    pub member_epoch: i32,
    pub instance_id: Option<String>,
    pub rebalance_timeout_ms: i32,
    pub subscribed_topics: Option<Vec<String>>,
    pub server_assignor: Option<String>,
    pub owned: Option<Vec<TopicPartition>>,
}

impl HeartbeatRequest {
    /// The correlation id and fields of a `ConsumerGroupHeartbeat` message.
    pub fn from_message(msg: Message) -> Option<(u64, HeartbeatRequest)> {
        match msg {
            Message::ConsumerGroupHeartbeat {
                corr,
                group,
                member_id,
                member_epoch,
                instance_id,
                rebalance_timeout_ms,
                subscribed_topics,
                server_assignor,
                owned,
            } => Some((
                corr,
                HeartbeatRequest {
                    group,
                    member_id,
                    member_epoch,
                    instance_id,
                    rebalance_timeout_ms,
                    subscribed_topics,
                    server_assignor,
                    owned,
                },
            )),
            _ => None,
        }
    }
}

/// The consumer groups of one coordinator, and the broker configs they use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerGroupCoordinator {
    pub groups: VecMap<String, ConsumerGroup>,
    /// `group.consumer.heartbeat.interval.ms`.
    pub heartbeat_interval_ms: Millis,
    /// `group.consumer.session.timeout.ms`.
    pub session_timeout_ms: Millis,
    next_member: u64,
}

impl Default for ConsumerGroupCoordinator {
    fn default() -> Self {
        ConsumerGroupCoordinator {
            groups: VecMap::new(),
            heartbeat_interval_ms: 5_000,
            session_timeout_ms: 45_000,
            next_member: 0,
        }
    }
}

impl ConsumerGroupCoordinator {
    pub fn from_props(p: &Props) -> Self {
        ConsumerGroupCoordinator {
            heartbeat_interval_ms: p
                .i64(BROKER_CONFIGS, "group.consumer.heartbeat.interval.ms")
                .max(1) as Millis,
            session_timeout_ms: p
                .i64(BROKER_CONFIGS, "group.consumer.session.timeout.ms")
                .max(1) as Millis,
            ..ConsumerGroupCoordinator::default()
        }
    }
}

/// What a heartbeat decided, before it is applied.
struct Plan {
    records: Vec<ConsumerGroupRecord>,
    member_id: String,
    member_epoch: i32,
    assignment: Option<Vec<TopicPartition>>,
    notes: Vec<String>,
}

/// `throwIfConsumerGroupHeartbeatRequestIsInvalid`.
fn validate_request(req: &HeartbeatRequest) -> Result<(), ErrorCode> {
    if req.group.is_empty() || req.instance_id.as_deref() == Some("") {
        return Err(ErrorCode::InvalidRequest);
    }
    let e = req.member_epoch;
    if e > 0 || e == LEAVE_GROUP_MEMBER_EPOCH {
        if req.member_id.is_empty() {
            return Err(ErrorCode::InvalidRequest);
        }
    } else if e == 0 {
        // (Re-)joining: the rebalance timeout and the subscription are required, and the
        // member owns nothing.
        if req.rebalance_timeout_ms == -1
            || req.owned.as_ref().is_none_or(|o| !o.is_empty())
            || req.subscribed_topics.as_ref().is_none_or(|t| t.is_empty())
        {
            return Err(ErrorCode::InvalidRequest);
        }
    } else if e == LEAVE_GROUP_STATIC_MEMBER_EPOCH {
        if req.member_id.is_empty() || req.instance_id.is_none() {
            return Err(ErrorCode::InvalidRequest);
        }
    } else {
        return Err(ErrorCode::InvalidRequest);
    }
    if let Some(a) = &req.server_assignor {
        if a != "uniform" && a != "range" {
            return Err(ErrorCode::UnsupportedAssignor);
        }
    }
    Ok(())
}

/// `throwIfConsumerGroupMemberEpochIsInvalid`. A member may come back with its previous epoch
/// when the response that bumped it was lost, if it owns no more than its assignment. Epoch 0
/// is a rejoin (KIP-848; Kafka 4.0 itself fenced it when the member was still known, which
/// KAFKA-19233 fixed).
fn validate_member_epoch(
    member: &ConsumerGroupMember,
    received: i32,
    owned: Option<&[TopicPartition]>,
) -> Result<(), ErrorCode> {
    let current = member.assignment.member_epoch;
    if received == 0 {
        return Ok(());
    }
    if received > current {
        return Err(ErrorCode::FencedMemberEpoch);
    }
    if received < current {
        let subset =
            owned.is_some_and(|o| o.iter().all(|tp| member.assignment.assigned.contains(tp)));
        if received != member.assignment.previous_member_epoch || !subset {
            return Err(ErrorCode::FencedMemberEpoch);
        }
    }
    Ok(())
}

/// `removeMember`: the tombstones of a member, in Kafka's order.
fn remove_member_records(member_id: &str) -> Vec<ConsumerGroupRecord> {
    vec![
        ConsumerGroupRecord::CurrentAssignment {
            member_id: member_id.to_string(),
            value: None,
        },
        ConsumerGroupRecord::TargetAssignment {
            member_id: member_id.to_string(),
            value: None,
        },
        ConsumerGroupRecord::MemberMetadata {
            member_id: member_id.to_string(),
            value: None,
        },
    ]
}

/// `computeSubscriptionMetadata`: partition counts of the topics somebody subscribes to.
/// Without a fresh topic map (timers) the counts the group already knows are kept.
fn subscription_metadata<'a>(
    subscribed: impl Iterator<Item = &'a String>,
    topics: Option<&VecMap<String, i32>>,
    known: &VecMap<String, i32>,
) -> VecMap<String, i32> {
    subscribed
        .filter_map(|t| {
            let n = match topics {
                Some(map) => map.get(t),
                None => known.get(t),
            };
            n.map(|n| (t.clone(), *n))
        })
        .collect()
}

/// `consumerGroupFenceMember`: remove the member and bump the group epoch.
fn fence_records(
    g: &ConsumerGroup,
    member_id: &str,
    topics: Option<&VecMap<String, i32>>,
) -> Vec<ConsumerGroupRecord> {
    let mut records = remove_member_records(member_id);
    let names: VecSet<&String> = g
        .members
        .iter()
        .filter(|m| m.member_id != member_id)
        .flat_map(|m| m.metadata.subscribed_topics.iter())
        .collect();
    let metadata = subscription_metadata(names.into_iter(), topics, &g.subscription_metadata);
    if metadata != g.subscription_metadata {
        records.push(ConsumerGroupRecord::SubscriptionMetadata(Some(metadata)));
    }
    records.push(ConsumerGroupRecord::GroupEpoch(Some(g.group_epoch + 1)));
    records
}

fn list(set: &VecSet<TopicPartition>) -> String {
    let v: Vec<String> = set.iter().map(|tp| tp.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// `updateTargetAssignment` (`TargetAssignmentBuilder.build`): run the assignor over every
/// member (with `updated` in place of `old`, and without a static member it replaces).
fn update_target_assignment(
    g: &ConsumerGroup,
    group_epoch: i32,
    old: &ConsumerGroupMember,
    updated: &ConsumerGroupMember,
    replaced: Option<&str>,
    metadata: &VecMap<String, i32>,
    notes: &mut Vec<String>,
) -> Result<(Vec<ConsumerGroupRecord>, VecSet<TopicPartition>), ErrorCode> {
    let assignor = preferred_assignor(
        g.members.iter().map(|m| &m.metadata),
        Some(&old.metadata),
        Some(&updated.metadata),
    );
    let spec = |m: &ConsumerGroupMember, target: VecSet<TopicPartition>| ServerMember {
        member_id: m.member_id.clone(),
        instance_id: m.metadata.instance_id.clone(),
        rack_id: None,
        subscribed_topics: m.metadata.subscribed_topics.clone(),
        assignment: target.into_iter().collect(),
    };
    let mut members: Vec<ServerMember> = Vec::new();
    let mut seen_updated = false;
    for m in &g.members {
        if Some(m.member_id.as_str()) == replaced && m.member_id != updated.member_id {
            continue;
        }
        if m.member_id == updated.member_id {
            seen_updated = true;
            members.push(spec(updated, g.target_of(&updated.member_id, None)));
        } else {
            members.push(spec(
                m,
                g.target.get(&m.member_id).cloned().unwrap_or_default(),
            ));
        }
    }
    if !seen_updated {
        // A new member; a static member replacing a departed one starts from its target.
        let target = match replaced {
            Some(prev) => g.target.get(prev).cloned().unwrap_or_default(),
            None => VecSet::new(),
        };
        members.push(spec(updated, target));
    }
    let result = assign_by_name(assignor, metadata, &VecMap::new(), &members)
        .map_err(|_| ErrorCode::UnknownServerError)?;
    let mut records = Vec::new();
    let mut summary = Vec::new();
    for m in &members {
        let new: VecSet<TopicPartition> = result
            .get(&m.member_id)
            .map(|v| v.iter().cloned().collect())
            .unwrap_or_default();
        if g.target.get(&m.member_id) != Some(&new) {
            records.push(ConsumerGroupRecord::TargetAssignment {
                member_id: m.member_id.clone(),
                value: Some(new.clone()),
            });
        }
        summary.push(format!("{} {}", m.member_id, list(&new)));
    }
    records.push(ConsumerGroupRecord::TargetAssignmentEpoch(Some(
        group_epoch,
    )));
    notes.push(format!(
        "target assignment for epoch {group_epoch} ({}): {}",
        assignor.name(),
        summary.join("; ")
    ));
    let mine = result
        .get(&updated.member_id)
        .map(|v| v.iter().cloned().collect())
        .unwrap_or_default();
    Ok((records, mine))
}

/// `consumerGroupHeartbeat` for a joining or active member (epoch ≥ 0), on the group as it is
/// before the heartbeat; the caller replays the records.
fn plan_heartbeat(
    g: &ConsumerGroup,
    now: Millis,
    req: &HeartbeatRequest,
    member_id: &str,
    topics: &VecMap<String, i32>,
) -> Result<Plan, ErrorCode> {
    let create = req.member_epoch == 0;
    let mut records = Vec::new();
    let mut notes = Vec::new();
    let mut replaced: Option<String> = None;
    // Get or create the member.
    let member = match &req.instance_id {
        None => {
            let m = match g.member(member_id) {
                Some(m) => m.clone(),
                None if create => {
                    notes.push(format!("member {member_id} joins (consumer protocol)"));
                    ConsumerGroupMember::new(member_id, now)
                }
                None => return Err(ErrorCode::UnknownMemberId),
            };
            validate_member_epoch(&m, req.member_epoch, req.owned.as_deref())?;
            m
        }
        Some(instance) => {
            let existing = g.static_member(instance);
            if create {
                match existing {
                    None => match g.member(member_id) {
                        Some(m) => m.clone(),
                        None => {
                            notes.push(format!(
                                "static member {member_id} (instance {instance}) joins (consumer protocol)"
                            ));
                            ConsumerGroupMember::new(member_id, now)
                        }
                    },
                    Some(old) => {
                        // The previous instance must have left with epoch -2.
                        if old.assignment.member_epoch != LEAVE_GROUP_STATIC_MEMBER_EPOCH {
                            return Err(ErrorCode::UnreleasedInstanceId);
                        }
                        let mut m = old.clone();
                        m.member_id = member_id.to_string();
                        m.assignment.member_epoch = 0;
                        m.assignment.previous_member_epoch = 0;
                        m.revocation_deadline = None;
                        // replaceMember.
                        records.extend(remove_member_records(&old.member_id));
                        records.push(ConsumerGroupRecord::MemberMetadata {
                            member_id: member_id.to_string(),
                            value: Some(m.metadata.clone()),
                        });
                        records.push(ConsumerGroupRecord::TargetAssignment {
                            member_id: member_id.to_string(),
                            value: Some(g.target.get(&old.member_id).cloned().unwrap_or_default()),
                        });
                        records.push(ConsumerGroupRecord::CurrentAssignment {
                            member_id: member_id.to_string(),
                            value: Some(m.assignment.clone()),
                        });
                        notes.push(format!(
                            "static member {instance} rejoins as {member_id}, replacing {} and keeping {}",
                            old.member_id,
                            list(&old.assignment.assigned)
                        ));
                        replaced = Some(old.member_id.clone());
                        m
                    }
                }
            } else {
                let Some(old) = existing else {
                    return Err(ErrorCode::UnknownMemberId);
                };
                if old.member_id != member_id {
                    return Err(ErrorCode::FencedInstanceId);
                }
                validate_member_epoch(old, req.member_epoch, req.owned.as_deref())?;
                old.clone()
            }
        }
    };

    // 1. Update the member; bump the group epoch if its subscription or the partition counts
    //    of the subscribed topics changed.
    let mut updated = member.clone();
    if let Some(i) = &req.instance_id {
        updated.metadata.instance_id = Some(i.clone());
    }
    if req.rebalance_timeout_ms != -1 {
        updated.metadata.rebalance_timeout_ms = req.rebalance_timeout_ms;
    }
    if let Some(a) = &req.server_assignor {
        updated.metadata.server_assignor = Some(a.clone());
    }
    if let Some(t) = &req.subscribed_topics {
        let set: VecSet<String> = t.iter().cloned().collect();
        updated.metadata.subscribed_topics = set.into_iter().collect();
    }
    let mut bump = false;
    if updated.metadata != member.metadata {
        records.push(ConsumerGroupRecord::MemberMetadata {
            member_id: member_id.to_string(),
            value: Some(updated.metadata.clone()),
        });
        bump = updated.metadata.subscribed_topics != member.metadata.subscribed_topics;
    }
    let names: VecSet<&String> = g
        .members
        .iter()
        .filter(|m| m.member_id != member_id && Some(&m.member_id) != replaced.as_ref())
        .flat_map(|m| m.metadata.subscribed_topics.iter())
        .chain(updated.metadata.subscribed_topics.iter())
        .collect();
    let metadata = subscription_metadata(names.into_iter(), Some(topics), &g.subscription_metadata);
    if metadata != g.subscription_metadata {
        bump = true;
        records.push(ConsumerGroupRecord::SubscriptionMetadata(Some(
            metadata.clone(),
        )));
    }
    let mut group_epoch = g.group_epoch;
    if bump {
        group_epoch += 1;
        records.push(ConsumerGroupRecord::GroupEpoch(Some(group_epoch)));
        notes.push(format!("group epoch bumped to {group_epoch}"));
    }

    // 2. A new target assignment when the group epoch is ahead of it.
    let (target_epoch, target) = if group_epoch > g.assignment_epoch {
        let (recs, target) = update_target_assignment(
            g,
            group_epoch,
            &member,
            &updated,
            replaced.as_deref(),
            &metadata,
            &mut notes,
        )?;
        records.extend(recs);
        (group_epoch, target)
    } else {
        (
            g.assignment_epoch,
            g.target_of(member_id, updated.metadata.instance_id.as_deref()),
        )
    };

    // 3. Reconcile the member towards it (maybeReconcile).
    if !updated.assignment.is_reconciled_to(target_epoch) {
        let next = current_assignment_builder(
            &updated.assignment,
            target_epoch,
            &target,
            |tp| g.current_partition_epoch(tp),
            req.owned.as_deref(),
        );
        if next != updated.assignment {
            records.push(ConsumerGroupRecord::CurrentAssignment {
                member_id: member_id.to_string(),
                value: Some(next.clone()),
            });
            let before = &updated.assignment;
            let moved = (
                before.member_epoch,
                before.state,
                &before.assigned,
                &before.pending_revocation,
            ) != (
                next.member_epoch,
                next.state,
                &next.assigned,
                &next.pending_revocation,
            );
            if moved {
                notes.push(format!(
                    "member {member_id}: epoch {} → {} {}, assigned {}{}",
                    before.member_epoch,
                    next.member_epoch,
                    next.state.name(),
                    list(&next.assigned),
                    if next.pending_revocation.is_empty() {
                        String::new()
                    } else {
                        format!(", must revoke {}", list(&next.pending_revocation))
                    }
                ));
            }
            updated.assignment = next;
        }
    }

    // The assignment goes back on a full request (joining, or after an error) or when it
    // changed.
    let full = req.member_epoch == 0
        || (req.rebalance_timeout_ms != -1
            && req.subscribed_topics.is_some()
            && req.owned.is_some());
    let assignment = if full || updated.assignment.assigned != member.assignment.assigned {
        Some(updated.assignment.assigned.iter().cloned().collect())
    } else {
        None
    };
    Ok(Plan {
        records,
        member_id: member_id.to_string(),
        member_epoch: updated.assignment.member_epoch,
        assignment,
        notes,
    })
}

/// `consumerGroupLeave`: epoch -1 removes the member; epoch -2 (static members) keeps it, and
/// its partitions, until it comes back or its session times out.
fn plan_leave(g: &ConsumerGroup, req: &HeartbeatRequest) -> Result<Plan, ErrorCode> {
    let member = match &req.instance_id {
        None => g.member(&req.member_id).ok_or(ErrorCode::UnknownMemberId)?,
        Some(instance) => {
            let m = g
                .static_member(instance)
                .ok_or(ErrorCode::UnknownMemberId)?;
            if m.member_id != req.member_id {
                return Err(ErrorCode::FencedInstanceId);
            }
            m
        }
    };
    let (records, note) = if req.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH {
        let mut a = member.assignment.clone();
        a.member_epoch = LEAVE_GROUP_STATIC_MEMBER_EPOCH;
        a.pending_revocation.clear();
        (
            vec![ConsumerGroupRecord::CurrentAssignment {
                member_id: member.member_id.clone(),
                value: Some(a),
            }],
            format!(
                "static member {} leaves temporarily (epoch -2) and keeps {} for session timeout",
                member.member_id,
                list(&member.assignment.assigned)
            ),
        )
    } else {
        (
            fence_records(g, &member.member_id, None),
            format!("member {} left the group", member.member_id),
        )
    };
    Ok(Plan {
        records,
        member_id: member.member_id.clone(),
        member_epoch: req.member_epoch,
        assignment: None,
        notes: vec![note],
    })
}

impl GroupCoordinator {
    /// Handle a `ConsumerGroupHeartbeat`. `topics` are the partition counts of every topic in
    /// the broker's metadata image.
    pub fn consumer_group_heartbeat(
        &mut self,
        now: Millis,
        from: NodeId,
        corr: u64,
        req: HeartbeatRequest,
        topics: &VecMap<String, i32>,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let group = req.group.clone();
        let interval = self.consumer.heartbeat_interval_ms.min(i32::MAX as Millis) as i32;
        let leaving = req.member_epoch == LEAVE_GROUP_MEMBER_EPOCH
            || req.member_epoch == LEAVE_GROUP_STATIC_MEMBER_EPOCH;
        let planned = validate_request(&req).and_then(|()| {
            if leaving {
                let g = self
                    .consumer
                    .groups
                    .get(&group)
                    .ok_or(ErrorCode::GroupIdNotFound)?;
                return plan_leave(g, &req);
            }
            self.prepare_consumer_group(now, &group, req.member_epoch == 0, &mut fx)?;
            let member_id = if req.member_id.is_empty() {
                // Older clients let the coordinator choose (Kafka 4.0 clients choose).
                self.consumer.next_member += 1;
                crate::assignor::server::Uuid::from_name(&format!(
                    "{group}/{}",
                    self.consumer.next_member
                ))
                .to_string()
            } else {
                req.member_id.clone()
            };
            let g = self
                .consumer
                .groups
                .get(&group)
                .ok_or(ErrorCode::GroupIdNotFound)?;
            plan_heartbeat(g, now, &req, &member_id, topics)
        });
        let plan = match planned {
            Ok(p) => p,
            Err(e) => {
                if self
                    .consumer
                    .groups
                    .get(&group)
                    .is_some_and(|g| g.members.is_empty() && g.group_epoch == 0)
                {
                    // A group created for this request only.
                    self.consumer.groups.remove(&group);
                }
                fx.push(Effect::Send(from, error_response(corr, e)));
                return fx;
            }
        };
        let records =
            self.apply_consumer_group_records(now, &group, &plan.records, plan.notes, &mut fx);
        if let Some(g) = self.consumer.groups.get_mut(&group) {
            if let Some(m) = g.member_mut(&plan.member_id) {
                if !leaving {
                    // scheduleConsumerGroupSessionTimeout.
                    m.last_heartbeat = now;
                }
            }
        }
        let response = Message::ConsumerGroupHeartbeatResponse {
            corr,
            error: None,
            member_id: plan.member_id,
            member_epoch: plan.member_epoch,
            heartbeat_interval_ms: if leaving { 0 } else { interval },
            assignment: plan.assignment,
        };
        // A write answers once its records are committed; a heartbeat that wrote nothing
        // still waits for the coordinator's earlier writes (an empty append), since its
        // answer reads state they created (`CoordinatorRuntime`: "the read needs to wait on
        // the last write operation to be completed"). Simulation harness finding, seed 94053.
        fx.push(Effect::Append {
            group,
            records,
            then: AfterAppend::ConsumerGroup(AfterWrite::Respond { to: from, response }),
        });
        fx
    }

    /// `getOrMaybeCreateConsumerGroup`: the group must be a consumer group; a joining member
    /// creates it, replacing an empty classic group of the same id.
    fn prepare_consumer_group(
        &mut self,
        now: Millis,
        group: &str,
        create: bool,
        fx: &mut Vec<Effect>,
    ) -> Result<(), ErrorCode> {
        if self.consumer.groups.contains_key(group) {
            return Ok(());
        }
        if let Some(classic) = self.groups.get_mut(group) {
            if !classic.members.is_empty() || classic.state != GroupState::Empty {
                // Kafka would upgrade a classic group whose members use the consumer protocol
                // (online migration); the simulator does not model it.
                return Err(ErrorCode::GroupIdNotFound);
            }
            if !create {
                return Err(ErrorCode::GroupIdNotFound);
            }
            // maybeDeleteEmptyClassicGroup: the classic group's record is deleted; its
            // committed offsets stay (they are not part of the group).
            if classic.generation > 0 {
                classic.generation = 0;
                classic.protocol = None;
                classic.leader = None;
                fx.push(Effect::Append {
                    group: group.to_string(),
                    records: vec![(group_key(group), String::new())],
                    then: AfterAppend::ConsumerGroup(AfterWrite::Nothing),
                });
                fx.push(Effect::Note(format!(
                    "group {group}: the empty classic group becomes a consumer group"
                )));
            }
        } else if !create {
            return Err(ErrorCode::GroupIdNotFound);
        }
        self.consumer
            .groups
            .insert(group.to_string(), ConsumerGroup::new(group, now));
        Ok(())
    }

    /// Replay `records` on the group, note what happened, and return them as key/values.
    fn apply_consumer_group_records(
        &mut self,
        now: Millis,
        group: &str,
        records: &[ConsumerGroupRecord],
        notes: Vec<String>,
        fx: &mut Vec<Effect>,
    ) -> Vec<(String, String)> {
        for n in notes {
            fx.push(Effect::Note(format!("group {group}: {n}")));
        }
        let Some(g) = self.consumer.groups.get_mut(group) else {
            return Vec::new();
        };
        let before = g.state;
        for r in records {
            g.replay(r, now);
        }
        if g.state != before {
            fx.push(Effect::Note(format!(
                "group {group}: {} → {} (group epoch {}, assignment epoch {})",
                before.name(),
                g.state.name(),
                g.group_epoch,
                g.assignment_epoch
            )));
        }
        records.iter().map(|r| r.to_key_value(group)).collect()
    }

    /// Session and rebalance timeouts of consumer group members (run every second with the
    /// classic coordinator's tick).
    pub fn consumer_group_tick(&mut self, now: Millis) -> Vec<Effect> {
        let mut fx = Vec::new();
        let session = self.consumer.session_timeout_ms;
        let names: Vec<String> = self.consumer.groups.keys().cloned().collect();
        for group in names {
            while let Some(g) = self.consumer.groups.get(&group) {
                let expired = g.members.iter().find_map(|m| {
                    if now.saturating_sub(m.last_heartbeat) >= session {
                        Some((
                            m.member_id.clone(),
                            format!(
                                "its session expired (group.consumer.session.timeout.ms={session})"
                            ),
                        ))
                    } else {
                        match m.revocation_deadline {
                            Some((epoch, deadline))
                                if deadline <= now && m.assignment.member_epoch == epoch =>
                            {
                                Some((
                                    m.member_id.clone(),
                                    format!(
                                        "it did not revoke {} within its rebalance timeout ({} ms)",
                                        list(&m.assignment.pending_revocation),
                                        m.metadata.rebalance_timeout_ms
                                    ),
                                ))
                            }
                            _ => None,
                        }
                    }
                });
                let Some((member_id, why)) = expired else {
                    break;
                };
                let records = fence_records(g, &member_id, None);
                let kv = self.apply_consumer_group_records(
                    now,
                    &group,
                    &records,
                    vec![format!("member {member_id} is fenced: {why}")],
                    &mut fx,
                );
                fx.push(Effect::Append {
                    group: group.clone(),
                    records: kv,
                    then: AfterAppend::ConsumerGroup(AfterWrite::Nothing),
                });
            }
        }
        fx
    }

    /// `ConsumerGroup.validateOffsetCommit`, when `group` is a consumer group: the commit's
    /// generation is the member epoch and must be the member's current one.
    pub fn validate_consumer_group_commit(
        &self,
        group: &str,
        member_epoch: i32,
        member_id: &str,
    ) -> Option<Result<(), ErrorCode>> {
        let g = self.consumer.groups.get(group)?;
        if member_epoch < 0 && g.members.is_empty() {
            // An admin tool, or a consumer outside the group.
            return Some(Ok(()));
        }
        Some(match g.member(member_id) {
            None => Err(ErrorCode::UnknownMemberId),
            Some(m) if m.assignment.member_epoch != member_epoch => {
                Err(ErrorCode::StaleMemberEpoch)
            }
            Some(_) => Ok(()),
        })
    }

    /// A classic `JoinGroup` for a group id that is a consumer group. A non-empty consumer
    /// group refuses it (Kafka would add the classic member to the consumer group: online
    /// migration, not modelled); an empty one is deleted (`maybeDeleteEmptyConsumerGroup`)
    /// and the id becomes a classic group again.
    pub fn classic_join_to_consumer_group(
        &mut self,
        group: &str,
        fx: &mut Vec<Effect>,
    ) -> Option<ErrorCode> {
        let g = self.consumer.groups.get(group)?;
        if !g.members.is_empty() {
            fx.push(Effect::Note(format!(
                "group {group}: a classic JoinGroup is refused: the group uses the consumer protocol"
            )));
            return Some(ErrorCode::InconsistentGroupProtocol);
        }
        let records = [
            ConsumerGroupRecord::TargetAssignmentEpoch(None),
            ConsumerGroupRecord::SubscriptionMetadata(None),
            ConsumerGroupRecord::GroupEpoch(None),
        ];
        fx.push(Effect::Append {
            group: group.to_string(),
            records: records.iter().map(|r| r.to_key_value(group)).collect(),
            then: AfterAppend::ConsumerGroup(AfterWrite::Nothing),
        });
        fx.push(Effect::Note(format!(
            "group {group}: the empty consumer group becomes a classic group"
        )));
        self.consumer.groups.remove(group);
        None
    }

    /// Replay a record while loading `__consumer_offsets`: consumer group records, and the
    /// tombstone of a classic group that became a consumer group. Returns whether it was one.
    pub fn load_consumer_group_record(
        &mut self,
        key: &str,
        value: Option<&str>,
        now: Millis,
    ) -> bool {
        let value = value.filter(|v| !v.is_empty());
        if key.starts_with("group/") && value.is_none() {
            if let Some(g) = key
                .strip_prefix("group/")
                .and_then(|id| self.groups.get_mut(id))
            {
                g.generation = 0;
                g.protocol = None;
                g.leader = None;
                g.members.clear();
                g.state = GroupState::Empty;
            }
            return true;
        }
        if !key.starts_with(RECORD_PREFIX) {
            return false;
        }
        let Some((group, record)) = ConsumerGroupRecord::parse(key, value) else {
            return true;
        };
        if record == ConsumerGroupRecord::GroupEpoch(None) {
            self.consumer.groups.remove(&group);
            return true;
        }
        self.consumer
            .groups
            .entry(group.clone())
            .or_insert_with(|| ConsumerGroup::new(&group, now))
            .replay(&record, now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tps(items: &[(&str, &[i32])]) -> VecSet<TopicPartition> {
        items
            .iter()
            .flat_map(|(t, ps)| ps.iter().map(move |p| TopicPartition::new(*t, *p)))
            .collect()
    }

    fn member(
        state: MemberState,
        epoch: i32,
        previous: i32,
        assigned: VecSet<TopicPartition>,
        pending: VecSet<TopicPartition>,
    ) -> MemberAssignment {
        MemberAssignment {
            member_epoch: epoch,
            previous_member_epoch: previous,
            state,
            assigned,
            pending_revocation: pending,
        }
    }

    fn owned(set: VecSet<TopicPartition>) -> Vec<TopicPartition> {
        set.into_iter().collect()
    }

    // Transcribed from Kafka's CurrentAssignmentBuilderTest (topic ids t1/t2 become names).

    #[test]
    fn stable_to_stable() {
        let m = member(
            MemberState::Stable,
            10,
            10,
            tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
            tps(&[]),
        );
        let out = current_assignment_builder(
            &m,
            11,
            &tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
            |_| 10,
            None,
        );
        assert_eq!(
            out,
            member(
                MemberState::Stable,
                11,
                10,
                tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
                tps(&[])
            )
        );
    }

    #[test]
    fn stable_to_stable_with_new_partitions() {
        let m = member(
            MemberState::Stable,
            10,
            10,
            tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
            tps(&[]),
        );
        let target = tps(&[("t1", &[1, 2, 3, 4]), ("t2", &[4, 5, 6, 7])]);
        let out = current_assignment_builder(&m, 11, &target, |_| -1, None);
        assert_eq!(out, member(MemberState::Stable, 11, 10, target, tps(&[])));
    }

    #[test]
    fn stable_to_unrevoked_partitions() {
        let m = member(
            MemberState::Stable,
            10,
            10,
            tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
            tps(&[]),
        );
        let out = current_assignment_builder(
            &m,
            11,
            &tps(&[("t1", &[2, 3, 4]), ("t2", &[5, 6, 7])]),
            |_| -1,
            None,
        );
        assert_eq!(
            out,
            member(
                MemberState::UnrevokedPartitions,
                10,
                10,
                tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
                tps(&[("t1", &[1]), ("t2", &[4])])
            )
        );
    }

    #[test]
    fn stable_to_unreleased_partitions() {
        let m = member(
            MemberState::Stable,
            10,
            10,
            tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
            tps(&[]),
        );
        let out = current_assignment_builder(
            &m,
            11,
            &tps(&[("t1", &[1, 2, 3, 4]), ("t2", &[4, 5, 6, 7])]),
            |_| 10,
            None,
        );
        assert_eq!(
            out,
            member(
                MemberState::UnreleasedPartitions,
                11,
                10,
                tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
                tps(&[])
            )
        );
    }

    #[test]
    fn stable_to_unreleased_partitions_with_owned_partitions_not_having_revoked_partitions() {
        let m = member(
            MemberState::Stable,
            10,
            10,
            tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 6])]),
            tps(&[]),
        );
        let out = current_assignment_builder(
            &m,
            11,
            &tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5, 7])]),
            |tp| if tp.topic == "t2" { 10 } else { -1 },
            Some(&[]),
        );
        assert_eq!(
            out,
            member(
                MemberState::UnreleasedPartitions,
                11,
                10,
                tps(&[("t1", &[1, 2, 3]), ("t2", &[4, 5])]),
                tps(&[])
            )
        );
    }

    #[test]
    fn unrevoked_partitions_to_stable() {
        let m = member(
            MemberState::UnrevokedPartitions,
            10,
            10,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[("t1", &[1]), ("t2", &[4])]),
        );
        let target = tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]);
        let out = current_assignment_builder(&m, 11, &target, |_| -1, Some(&owned(target.clone())));
        assert_eq!(out, member(MemberState::Stable, 11, 10, target, tps(&[])));
    }

    #[test]
    fn remains_in_unrevoked_partitions() {
        let m = member(
            MemberState::UnrevokedPartitions,
            10,
            10,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[("t1", &[1]), ("t2", &[4])]),
        );
        let target = tps(&[("t1", &[3]), ("t2", &[6])]);
        assert_eq!(current_assignment_builder(&m, 12, &target, |_| -1, None), m);
        let o = owned(tps(&[("t1", &[1, 2, 3]), ("t2", &[5, 6])]));
        assert_eq!(
            current_assignment_builder(&m, 12, &target, |_| -1, Some(&o)),
            m
        );
        let o = owned(tps(&[("t1", &[2, 3]), ("t2", &[4, 5, 6])]));
        assert_eq!(
            current_assignment_builder(&m, 12, &target, |_| -1, Some(&o)),
            m
        );
    }

    #[test]
    fn unrevoked_partitions_to_unrevoked_partitions() {
        let m = member(
            MemberState::UnrevokedPartitions,
            10,
            10,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[("t1", &[1]), ("t2", &[4])]),
        );
        let o = owned(tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]));
        let out = current_assignment_builder(
            &m,
            12,
            &tps(&[("t1", &[3]), ("t2", &[6])]),
            |_| -1,
            Some(&o),
        );
        assert_eq!(
            out,
            member(
                MemberState::UnrevokedPartitions,
                11,
                10,
                tps(&[("t1", &[3]), ("t2", &[6])]),
                tps(&[("t1", &[2]), ("t2", &[5])])
            )
        );
    }

    #[test]
    fn unrevoked_partitions_to_unreleased_partitions() {
        let m = member(
            MemberState::UnrevokedPartitions,
            11,
            10,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[]),
        );
        let o = owned(tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]));
        let out = current_assignment_builder(
            &m,
            11,
            &tps(&[("t1", &[2, 3, 4]), ("t2", &[5, 6, 7])]),
            |_| 10,
            Some(&o),
        );
        assert_eq!(
            out,
            member(
                MemberState::UnreleasedPartitions,
                11,
                11,
                tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
                tps(&[])
            )
        );
    }

    #[test]
    fn unreleased_partitions_to_stable() {
        let m = member(
            MemberState::UnreleasedPartitions,
            11,
            11,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[]),
        );
        let target = tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]);
        let out = current_assignment_builder(&m, 12, &target, |_| 10, None);
        assert_eq!(out, member(MemberState::Stable, 12, 11, target, tps(&[])));
    }

    #[test]
    fn unreleased_partitions_to_stable_with_new_partitions() {
        let m = member(
            MemberState::UnreleasedPartitions,
            11,
            11,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[]),
        );
        let target = tps(&[("t1", &[2, 3, 4]), ("t2", &[5, 6, 7])]);
        let out = current_assignment_builder(&m, 11, &target, |_| -1, None);
        assert_eq!(out, member(MemberState::Stable, 11, 11, target, tps(&[])));
    }

    #[test]
    fn unreleased_partitions_to_unreleased_partitions() {
        let m = member(
            MemberState::UnreleasedPartitions,
            11,
            11,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[]),
        );
        let out = current_assignment_builder(
            &m,
            11,
            &tps(&[("t1", &[2, 3, 4]), ("t2", &[5, 6, 7])]),
            |_| 10,
            None,
        );
        assert_eq!(out, m);
    }

    #[test]
    fn unreleased_partitions_to_unrevoked_partitions() {
        let m = member(
            MemberState::UnreleasedPartitions,
            11,
            11,
            tps(&[("t1", &[2, 3]), ("t2", &[5, 6])]),
            tps(&[]),
        );
        let out =
            current_assignment_builder(&m, 12, &tps(&[("t1", &[3]), ("t2", &[6])]), |_| 10, None);
        assert_eq!(
            out,
            member(
                MemberState::UnrevokedPartitions,
                11,
                11,
                tps(&[("t1", &[3]), ("t2", &[6])]),
                tps(&[("t1", &[2]), ("t2", &[5])])
            )
        );
    }

    #[test]
    fn records_round_trip_through_their_keys() {
        let a = MemberAssignment {
            member_epoch: 3,
            previous_member_epoch: 2,
            state: MemberState::UnrevokedPartitions,
            assigned: tps(&[("t", &[0])]),
            pending_revocation: tps(&[("t", &[1])]),
        };
        let records = vec![
            ConsumerGroupRecord::GroupEpoch(Some(4)),
            ConsumerGroupRecord::GroupEpoch(None),
            ConsumerGroupRecord::TargetAssignmentEpoch(Some(4)),
            ConsumerGroupRecord::SubscriptionMetadata(Some(VecMap::from([("t".to_string(), 4)]))),
            ConsumerGroupRecord::MemberMetadata {
                member_id: "m-1".into(),
                value: Some(MemberMetadata {
                    instance_id: Some("i".into()),
                    rebalance_timeout_ms: 300_000,
                    subscribed_topics: vec!["t".into()],
                    server_assignor: Some("range".into()),
                }),
            },
            ConsumerGroupRecord::TargetAssignment {
                member_id: "m-1".into(),
                value: Some(tps(&[("t", &[0, 2])])),
            },
            ConsumerGroupRecord::CurrentAssignment {
                member_id: "m-1".into(),
                value: Some(a),
            },
            ConsumerGroupRecord::CurrentAssignment {
                member_id: "m-1".into(),
                value: None,
            },
        ];
        for r in records {
            let (k, v) = r.to_key_value("my/group");
            let value = if v.is_empty() { None } else { Some(v.as_str()) };
            assert_eq!(
                ConsumerGroupRecord::parse(&k, value),
                Some(("my/group".to_string(), r.clone())),
                "{k}"
            );
        }
    }

    #[test]
    fn the_preferred_assignor_is_the_most_requested_one() {
        let meta = |a: Option<&str>| MemberMetadata {
            server_assignor: a.map(str::to_string),
            ..MemberMetadata::default()
        };
        let none: Vec<MemberMetadata> = vec![meta(None), meta(None)];
        assert_eq!(
            preferred_assignor(none.iter(), None, None),
            ServerAssignorName::Uniform
        );
        let two_range = [
            meta(Some("range")),
            meta(Some("range")),
            meta(Some("uniform")),
        ];
        assert_eq!(
            preferred_assignor(two_range.iter(), None, None),
            ServerAssignorName::Range
        );
        // The updated member's choice replaces its old one.
        assert_eq!(
            preferred_assignor(
                two_range.iter(),
                Some(&meta(Some("range"))),
                Some(&meta(Some("uniform")))
            ),
            ServerAssignorName::Uniform
        );
    }
}
