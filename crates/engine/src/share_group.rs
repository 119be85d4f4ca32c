//! Share groups (KIP-932, "queues for Kafka", Kafka 4.0+), the group coordinator's side:
//! `ShareGroupHeartbeat`, the group epoch, the target assignment computed by the share
//! assignor (`SimpleAssignor`), and session timeouts (group-coordinator
//! `GroupMetadataManager.shareGroupHeartbeat`, `modern/share/ShareGroup`, `ShareGroupMember`,
//! `ShareGroupAssignmentBuilder`, `assignor/SimpleAssignor`).
//!
//! A share group looks like a KIP-848 consumer group from the outside — members heartbeat, the
//! coordinator bumps the group epoch when membership or subscriptions change and computes a
//! target assignment — but partitions are *shared*: the assignor may give one partition to
//! several members, and the records of a partition are handed out one by one by the
//! partition's leader (`share_partition.rs`). So there is no revocation: a member moves to the
//! new target assignment at once (`ShareGroupAssignmentBuilder`), and a group with more
//! members than partitions keeps every member busy.
//!
//! The assignor is Kafka 4.0's `SimpleAssignor`: each member is hashed to one partition of
//! its subscribed topics (`abs(memberId.hashCode() % partitions)`), partitions nobody hashed
//! to and nobody had are handed out round-robin, and partitions nobody hashed to keep the
//! members they had. With one partition every member gets it; with more members than
//! partitions every member gets at least one, and partitions are shared. Member iteration
//! follows the coordinator's `HashMap` (members inserted in join order, see `java.rs`).
//!
//! Where the simulator simplifies Kafka: the group's records (`ShareGroupMemberMetadata`,
//! `ShareGroupMetadata`, target and current assignments) are not written to
//! `__consumer_offsets`; the group lives in the coordinator's memory, so a coordinator
//! failover forgets it and members rejoin (`UNKNOWN_MEMBER_ID`, then epoch 0). A share group id
//! cannot also be a classic or consumer group (Kafka answers `GROUP_ID_NOT_FOUND` too), but the
//! classic and consumer protocols do not check for share groups here. Rack ids,
//! `group.share.max.size` and `group.share.max.groups` are not modelled.

use crate::assignor::TopicPartition;
use crate::config::{ConfigDef, ConfigType, Props, BROKER_CONFIGS};
use crate::error::ErrorCode;
use crate::java::{string_hash_code, JavaHashSet};
use crate::message::Message;
use crate::sim::Ctx;
use crate::sort::SortShared;
use crate::trace::TraceKind;
use crate::types::{Millis, NodeId};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};

/// The member epoch a member sends to leave the group.
pub const LEAVE_GROUP_MEMBER_EPOCH: i32 = -1;

/// Group configs (`kafka-configs.sh --entity-type groups --alter`), kept in the cluster
/// metadata; the share group ones the simulator models.
pub const GROUP_CONFIGS: &[ConfigDef] = &[
    ConfigDef {
        name: "share.auto.offset.reset",
        ty: ConfigType::Enum(&["latest", "earliest"]),
        default: "latest",
        doc: "Where a share group starts reading a partition it has no state for: latest (the high watermark) or earliest (the log start offset). Kafka also accepts by_duration:<ISO-8601>.",
        modeled: true,
    },
    ConfigDef {
        name: "share.record.lock.duration.ms",
        ty: ConfigType::Int {
            min: 1000,
            max: 3_600_000,
        },
        default: "30000",
        doc: "The group's acquisition lock duration (overrides group.share.record.lock.duration.ms).",
        modeled: true,
    },
    ConfigDef {
        name: "share.session.timeout.ms",
        ty: ConfigType::Int {
            min: 1,
            max: i32::MAX as i64,
        },
        default: "45000",
        doc: "The group's session timeout (overrides group.share.session.timeout.ms).",
        modeled: true,
    },
    ConfigDef {
        name: "share.heartbeat.interval.ms",
        ty: ConfigType::Int {
            min: 1,
            max: i32::MAX as i64,
        },
        default: "5000",
        doc: "The group's heartbeat interval (overrides group.share.heartbeat.interval.ms).",
        modeled: true,
    },
];

/// `ShareGroup.ShareGroupState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareGroupState {
    Empty,
    Stable,
}

impl ShareGroupState {
    pub fn name(self) -> &'static str {
        match self {
            ShareGroupState::Empty => "Empty",
            ShareGroupState::Stable => "Stable",
        }
    }
}

/// `ShareGroupMember`, plus what the coordinator keeps about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareGroupMember {
    pub member_id: String,
    pub member_epoch: i32,
    pub previous_member_epoch: i32,
    /// As the member sent them.
    pub subscribed_topics: Vec<String>,
    /// The partitions the member may fetch from (its assignment at its epoch).
    pub assigned: VecSet<TopicPartition>,
    /// Where its heartbeats come from (for views).
    pub client: NodeId,
    /// The last heartbeat (the session timeout runs from here).
    pub last_heartbeat: Millis,
}

/// `ShareGroup`: members in join order, the epochs and the target assignment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareGroup {
    pub group_id: String,
    pub group_epoch: i32,
    /// The epoch of the target assignment.
    pub assignment_epoch: i32,
    pub members: Vec<ShareGroupMember>,
    /// Target assignment by member id.
    pub target: VecMap<String, VecSet<TopicPartition>>,
    /// Partition counts of the subscribed topics when the group epoch was last bumped.
    pub subscription_metadata: VecMap<String, i32>,
}

impl ShareGroup {
    fn new(group_id: &str) -> Self {
        ShareGroup {
            group_id: group_id.to_string(),
            group_epoch: 0,
            assignment_epoch: 0,
            members: Vec::new(),
            target: VecMap::new(),
            subscription_metadata: VecMap::new(),
        }
    }

    pub fn state(&self) -> ShareGroupState {
        if self.members.is_empty() {
            ShareGroupState::Empty
        } else {
            ShareGroupState::Stable
        }
    }

    pub fn member(&self, member_id: &str) -> Option<&ShareGroupMember> {
        self.members.iter().find(|m| m.member_id == member_id)
    }

    fn subscription_metadata_for(&self, topics: &VecMap<String, i32>) -> VecMap<String, i32> {
        self.members
            .iter()
            .flat_map(|m| m.subscribed_topics.iter())
            .filter_map(|t| topics.get(t).map(|n| (t.clone(), *n)))
            .collect()
    }
}

/// The share groups one coordinator runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareGroupCoordinator {
    pub groups: VecMap<String, ShareGroup>,
}

/// A member as the share assignor sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareAssignorMember {
    pub member_id: String,
    pub subscribed_topics: Vec<String>,
    /// The member's current target assignment.
    pub assignment: VecSet<TopicPartition>,
}

/// Kafka 4.0's `SimpleAssignor` (group-coordinator `assignor/SimpleAssignor.java`). `members`
/// in join order (they are iterated as the coordinator's `HashMap` iterates them);
/// `partitions_per_topic` holds the topics that exist. Every member appears in the result.
pub fn simple_assign(
    members: &[ShareAssignorMember],
    partitions_per_topic: &VecMap<String, i32>,
) -> VecMap<String, VecSet<TopicPartition>> {
    let mut result: VecMap<String, VecSet<TopicPartition>> = members
        .iter()
        .map(|m| (m.member_id.clone(), VecSet::new()))
        .collect();
    if members.is_empty() {
        return result;
    }
    // groupSpec.memberIds(): the key set of a HashMap filled in join order.
    let mut ids = JavaHashSet::new();
    for m in members {
        ids.insert(m.member_id.clone());
    }
    let order: Vec<String> = ids.to_vec();
    let by_id: VecMap<&str, &ShareAssignorMember> =
        members.iter().map(|m| (m.member_id.as_str(), m)).collect();
    // A member's subscribed topic ids: its HashSet of names, resolved against the metadata.
    let subscribed = |m: &ShareAssignorMember| -> Vec<String> {
        let mut names = JavaHashSet::new();
        for t in &m.subscribed_topics {
            names.insert(t.clone());
        }
        names
            .to_vec()
            .into_iter()
            .filter(|t| partitions_per_topic.contains_key(t))
            .collect()
    };
    let target_partitions = |topics: &[String]| -> Vec<TopicPartition> {
        topics
            .iter()
            .flat_map(|t| {
                let n = partitions_per_topic.get(t).copied().unwrap_or(0);
                (0..n).map(move |p| TopicPartition::new(t.clone(), p))
            })
            .collect()
    };
    // The current assignment by partition.
    let mut current: VecMap<TopicPartition, Vec<String>> = VecMap::new();
    for id in &order {
        if let Some(m) = by_id.get(id.as_str()) {
            for tp in &m.assignment {
                current.entry(tp.clone()).or_default().push(id.clone());
            }
        }
    }
    let mut new: VecMap<TopicPartition, Vec<String>> = VecMap::new();
    // ModernGroup.subscriptionType: homogeneous when every member subscribes to the same names.
    let name_sets: Vec<VecSet<&String>> = members
        .iter()
        .map(|m| m.subscribed_topics.iter().collect())
        .collect();
    let homogeneous = name_sets.windows(2).all(|w| w.first() == w.get(1));
    if homogeneous {
        let Some(first) = order.first().and_then(|id| by_id.get(id.as_str())) else {
            return result;
        };
        let topics = subscribed(first);
        if topics.is_empty() {
            return result;
        }
        let targets = target_partitions(&topics);
        // Step 1: hash each member to a partition.
        member_hash_assignment(&targets, &order, &mut new);
        // Step 2: round-robin the partitions nobody hashed to and nobody had.
        let unassigned: Vec<TopicPartition> = targets
            .iter()
            .filter(|tp| !new.contains_key(*tp) && !current.contains_key(*tp))
            .cloned()
            .collect();
        round_robin_assignment(&order, &unassigned, &mut new);
        // Step 3: the new assignment, plus current holders of partitions nobody hashed to.
        for (tp, holders) in &new {
            for m in holders {
                result.entry(m.clone()).or_default().insert(tp.clone());
            }
        }
        for (tp, holders) in &current {
            if topics.contains(&tp.topic) && !new.contains_key(tp) {
                for m in holders {
                    if let Some(set) = result.get_mut(m) {
                        set.insert(tp.clone());
                    }
                }
            }
        }
    } else {
        // memberToPartitionsSubscription: a HashMap over the members that subscribe to
        // something that exists.
        let mut m2p_ids = JavaHashSet::new();
        let mut m2p: VecMap<String, Vec<TopicPartition>> = VecMap::new();
        for id in &order {
            let Some(m) = by_id.get(id.as_str()) else {
                continue;
            };
            let topics = subscribed(m);
            if topics.is_empty() {
                continue;
            }
            m2p_ids.insert(id.clone());
            m2p.insert(id.clone(), target_partitions(&topics));
        }
        let m2p_order = m2p_ids.to_vec();
        let mut targets: Vec<TopicPartition> = Vec::new();
        let mut topic_members: VecMap<String, Vec<String>> = VecMap::new();
        for id in &m2p_order {
            for tp in m2p.get(id).into_iter().flatten() {
                if !targets.contains(tp) {
                    targets.push(tp.clone());
                }
                let list = topic_members.entry(tp.topic.clone()).or_default();
                if !list.contains(id) {
                    list.push(id.clone());
                }
            }
        }
        // Step 1: hash each member to one of its partitions.
        for id in &m2p_order {
            if let Some(parts) = m2p.get(id) {
                member_hash_assignment(parts, std::slice::from_ref(id), &mut new);
            }
        }
        // Step 2: round-robin, per topic, over the topic's subscribers.
        let mut unassigned: VecMap<String, Vec<TopicPartition>> = VecMap::new();
        for tp in &targets {
            if !new.contains_key(tp) && !current.contains_key(tp) {
                unassigned
                    .entry(tp.topic.clone())
                    .or_default()
                    .push(tp.clone());
            }
        }
        for (topic, parts) in &unassigned {
            if let Some(subscribers) = topic_members.get(topic) {
                round_robin_assignment(subscribers, parts, &mut new);
            }
        }
        // Step 3.
        for (tp, holders) in &new {
            for m in holders {
                result.entry(m.clone()).or_default().insert(tp.clone());
            }
        }
        for (tp, holders) in &current {
            if new.contains_key(tp) {
                continue;
            }
            for m in holders {
                let subscribes = topic_members
                    .get(&tp.topic)
                    .is_some_and(|list| list.contains(m));
                if subscribes {
                    if let Some(set) = result.get_mut(m) {
                        set.insert(tp.clone());
                    }
                }
            }
        }
    }
    result
}

/// `memberHashAssignment`: each member to `partitions[abs(hashCode % size)]`.
fn member_hash_assignment(
    partitions: &[TopicPartition],
    member_ids: &[String],
    assignment: &mut VecMap<TopicPartition, Vec<String>>,
) {
    if partitions.is_empty() {
        return;
    }
    let n = partitions.len() as i32;
    for id in member_ids {
        // Java's % keeps the dividend's sign, as Rust's does.
        let index = (string_hash_code(id) % n).unsigned_abs() as usize;
        if let Some(tp) = partitions.get(index) {
            assignment.entry(tp.clone()).or_default().push(id.clone());
        }
    }
}

/// `roundRobinAssignment`: the partitions in order, to the members in order, wrapping.
fn round_robin_assignment(
    member_ids: &[String],
    partitions: &[TopicPartition],
    assignment: &mut VecMap<TopicPartition, Vec<String>>,
) {
    if member_ids.is_empty() {
        return;
    }
    for (i, tp) in partitions.iter().enumerate() {
        if let Some(m) = member_ids.get(i % member_ids.len()) {
            assignment.entry(tp.clone()).or_default().push(m.clone());
        }
    }
}

/// A `ShareGroupHeartbeatResponse` carrying only an error.
fn error_response(corr: u64, error: ErrorCode) -> Message {
    Message::ShareGroupHeartbeatResponse {
        corr,
        error: Some(error),
        member_id: String::new(),
        member_epoch: 0,
        heartbeat_interval_ms: 0,
        assignment: None,
    }
}

fn list(set: &VecSet<TopicPartition>) -> String {
    let v: Vec<String> = set.iter().map(|tp| tp.to_string()).collect();
    format!("[{}]", v.join(", "))
}

/// The request fields of a `ShareGroupHeartbeat`.
struct Heartbeat {
    corr: u64,
    group: String,
    member_id: String,
    member_epoch: i32,
    subscribed_topics: Option<Vec<String>>,
}

impl ShareGroupCoordinator {
    /// `shareGroupHeartbeat` / `shareGroupLeave`. Returns the response and notes for the trace.
    fn heartbeat(
        &mut self,
        now: Millis,
        from: NodeId,
        req: Heartbeat,
        topics: &VecMap<String, i32>,
        interval_ms: i32,
    ) -> (Message, Vec<String>) {
        let mut notes = Vec::new();
        let corr = req.corr;
        // throwIfShareGroupHeartbeatRequestIsInvalid.
        if req.group.is_empty() {
            return (error_response(corr, ErrorCode::InvalidRequest), notes);
        }
        let e = req.member_epoch;
        if e > 0 || e == LEAVE_GROUP_MEMBER_EPOCH {
            if req.member_id.is_empty() {
                return (error_response(corr, ErrorCode::InvalidRequest), notes);
            }
        } else if e == 0 {
            if req.subscribed_topics.as_ref().is_none_or(|t| t.is_empty()) {
                return (error_response(corr, ErrorCode::InvalidRequest), notes);
            }
        } else {
            return (error_response(corr, ErrorCode::InvalidRequest), notes);
        }
        if e == LEAVE_GROUP_MEMBER_EPOCH {
            let Some(g) = self.groups.get_mut(&req.group) else {
                return (error_response(corr, ErrorCode::GroupIdNotFound), notes);
            };
            if g.member(&req.member_id).is_none() {
                return (error_response(corr, ErrorCode::UnknownMemberId), notes);
            }
            fence_member(g, &req.member_id, topics);
            notes.push(format!(
                "member {} leaves; group epoch {}",
                req.member_id, g.group_epoch
            ));
            let response = Message::ShareGroupHeartbeatResponse {
                corr,
                error: None,
                member_id: req.member_id,
                member_epoch: LEAVE_GROUP_MEMBER_EPOCH,
                heartbeat_interval_ms: 0,
                assignment: None,
            };
            return (response, notes);
        }
        // getOrMaybeCreatePersistedShareGroup.
        let create = e == 0;
        if !self.groups.contains_key(&req.group) {
            if !create {
                // Kafka loads the group from __consumer_offsets and would know it; here a
                // coordinator that took over has no record of it, so the member is unknown
                // and rejoins (see the module documentation).
                return (error_response(corr, ErrorCode::UnknownMemberId), notes);
            }
            self.groups
                .insert(req.group.clone(), ShareGroup::new(&req.group));
        }
        let Some(g) = self.groups.get_mut(&req.group) else {
            return (error_response(corr, ErrorCode::GroupIdNotFound), notes);
        };
        // getOrMaybeSubscribeShareGroupMember + throwIfShareGroupMemberEpochIsInvalid. Epoch
        // 0 is a (re)join.
        let existing = g.member(&req.member_id).cloned();
        let member = match existing {
            Some(m) => {
                if e != 0
                    && (e > m.member_epoch || (e < m.member_epoch && e != m.previous_member_epoch))
                {
                    return (error_response(corr, ErrorCode::FencedMemberEpoch), notes);
                }
                m
            }
            None if create => {
                notes.push(format!("member {} joins (share group)", req.member_id));
                ShareGroupMember {
                    member_id: req.member_id.clone(),
                    member_epoch: 0,
                    previous_member_epoch: 0,
                    subscribed_topics: Vec::new(),
                    assigned: VecSet::new(),
                    client: from,
                    last_heartbeat: now,
                }
            }
            None => return (error_response(corr, ErrorCode::UnknownMemberId), notes),
        };
        // 1. Update the member; bump the group epoch when subscriptions or partition counts
        //    changed.
        let mut updated = member.clone();
        updated.client = from;
        updated.last_heartbeat = now;
        let mut bump = false;
        if let Some(t) = &req.subscribed_topics {
            let mut t = t.clone();
            t.sort_shared();
            t.dedup();
            if t != updated.subscribed_topics {
                updated.subscribed_topics = t;
                bump = true;
            }
        }
        let is_new = g.member(&req.member_id).is_none();
        if is_new {
            g.members.push(updated.clone());
        } else if let Some(slot) = g.members.iter_mut().find(|m| m.member_id == req.member_id) {
            *slot = updated.clone();
        }
        let metadata = g.subscription_metadata_for(topics);
        if metadata != g.subscription_metadata {
            g.subscription_metadata = metadata;
            bump = true;
        }
        if bump {
            g.group_epoch += 1;
            notes.push(format!("group epoch {}", g.group_epoch));
        }
        // 2. A new target assignment when the group epoch moved past it.
        if g.group_epoch > g.assignment_epoch {
            let members: Vec<ShareAssignorMember> = g
                .members
                .iter()
                .map(|m| ShareAssignorMember {
                    member_id: m.member_id.clone(),
                    subscribed_topics: m.subscribed_topics.clone(),
                    assignment: g.target.get(&m.member_id).cloned().unwrap_or_default(),
                })
                .collect();
            g.target = simple_assign(&members, &g.subscription_metadata);
            g.assignment_epoch = g.group_epoch;
            let summary: Vec<String> = g
                .members
                .iter()
                .map(|m| {
                    format!(
                        "{} {}",
                        m.member_id.get(..8).unwrap_or(&m.member_id),
                        list(g.target.get(&m.member_id).unwrap_or(&VecSet::new()))
                    )
                })
                .collect();
            notes.push(format!(
                "target assignment epoch {} (simple assignor): {}",
                g.assignment_epoch,
                summary.join("; ")
            ));
        }
        // 3. ShareGroupAssignmentBuilder: straight to the target (no revocation).
        let target = g.target.get(&req.member_id).cloned().unwrap_or_default();
        let assignment_epoch = g.assignment_epoch;
        let Some(m) = g.members.iter_mut().find(|m| m.member_id == req.member_id) else {
            return (error_response(corr, ErrorCode::UnknownMemberId), notes);
        };
        let changed = m.assigned != target;
        if m.member_epoch != assignment_epoch {
            m.previous_member_epoch = m.member_epoch;
            m.member_epoch = assignment_epoch;
            m.assigned = target;
        }
        let response = Message::ShareGroupHeartbeatResponse {
            corr,
            error: None,
            member_id: m.member_id.clone(),
            member_epoch: m.member_epoch,
            heartbeat_interval_ms: interval_ms,
            assignment: (e == 0 || changed).then(|| m.assigned.iter().cloned().collect()),
        };
        (response, notes)
    }

    /// Session timeouts (`scheduleShareGroupSessionTimeout`).
    fn expire_sessions(
        &mut self,
        now: Millis,
        session_ms: impl Fn(&str) -> Millis,
        topics: &VecMap<String, i32>,
    ) -> Vec<(String, String)> {
        let mut notes = Vec::new();
        for (name, g) in self.groups.iter_mut() {
            let session = session_ms(name);
            loop {
                let expired = g
                    .members
                    .iter()
                    .find(|m| now.saturating_sub(m.last_heartbeat) >= session)
                    .map(|m| m.member_id.clone());
                let Some(id) = expired else { break };
                fence_member(g, &id, topics);
                notes.push((
                    name.clone(),
                    format!(
                        "member {id} is removed: its session expired (group.share.session.timeout.ms={session}); group epoch {}",
                        g.group_epoch
                    ),
                ));
            }
        }
        notes
    }
}

/// `shareGroupFenceMember`: remove the member and bump the group epoch.
fn fence_member(g: &mut ShareGroup, member_id: &str, topics: &VecMap<String, i32>) {
    g.members.retain(|m| m.member_id != member_id);
    g.target.remove(member_id);
    g.subscription_metadata = g.subscription_metadata_for(topics);
    g.group_epoch += 1;
}

impl crate::broker::Broker {
    fn share_group_ms(&self, group: &str, group_key: &str, broker_key: &str) -> Millis {
        self.metadata
            .group_configs
            .get(group)
            .filter(|g| g.is_set(group_key))
            .map(|g| g.i64(GROUP_CONFIGS, group_key))
            .unwrap_or_else(|| self.cluster_config.i64(BROKER_CONFIGS, broker_key))
            .max(1) as Millis
    }

    fn topic_partition_counts(&self) -> VecMap<String, i32> {
        self.metadata
            .topics
            .values()
            .map(|t| (t.name.clone(), t.partitions))
            .collect()
    }

    /// `ShareGroupHeartbeat`, answered by the coordinator of the group's
    /// `__consumer_offsets` partition.
    pub(crate) fn handle_share_group_heartbeat(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        msg: Message,
    ) {
        let Message::ShareGroupHeartbeat {
            corr,
            group,
            member_id,
            member_epoch,
            subscribed_topics,
        } = msg
        else {
            return;
        };
        let leads = self
            .offsets_tp(&group)
            .and_then(|tp| self.partitions.get(&tp))
            .is_some_and(|p| p.is_leader());
        if !leads {
            ctx.send(from, error_response(corr, ErrorCode::NotCoordinator));
            return;
        }
        // A group id belongs to one protocol.
        let other = self
            .groups
            .groups
            .get(&group)
            .is_some_and(|g| !g.members.is_empty())
            || self
                .groups
                .consumer
                .groups
                .get(&group)
                .is_some_and(|g| !g.members.is_empty());
        if other {
            ctx.send(from, error_response(corr, ErrorCode::GroupIdNotFound));
            return;
        }
        let interval = self
            .share_group_ms(
                &group,
                "share.heartbeat.interval.ms",
                "group.share.heartbeat.interval.ms",
            )
            .min(i32::MAX as Millis) as i32;
        let topics = self.topic_partition_counts();
        let req = Heartbeat {
            corr,
            group: group.clone(),
            member_id,
            member_epoch,
            subscribed_topics,
        };
        let (response, notes) = self
            .share_groups
            .heartbeat(ctx.now, from, req, &topics, interval);
        for n in notes {
            ctx.emit(TraceKind::Group {
                group: group.clone(),
                event: n,
            });
        }
        ctx.send(from, response);
    }

    /// Share group session timeouts, with the classic coordinator's one-second tick.
    pub(crate) fn share_group_tick(&mut self, ctx: &mut Ctx) {
        if self.share_groups.groups.is_empty() {
            return;
        }
        // Groups whose __consumer_offsets partition this broker no longer leads are unloaded
        // (another broker coordinates them now).
        let resigned: Vec<String> = self
            .share_groups
            .groups
            .keys()
            .filter(|g| {
                !self
                    .offsets_tp(g)
                    .and_then(|tp| self.partitions.get(&tp))
                    .is_some_and(|p| p.is_leader())
            })
            .cloned()
            .collect();
        for g in resigned {
            self.share_groups.groups.remove(&g);
            ctx.emit(TraceKind::Group {
                group: g,
                event: format!(
                    "broker-{} is no longer the coordinator: the share group is unloaded",
                    self.id
                ),
            });
        }
        let topics = self.topic_partition_counts();
        let configs = self.metadata.group_configs.clone();
        let default = self
            .cluster_config
            .i64(BROKER_CONFIGS, "group.share.session.timeout.ms")
            .max(1) as Millis;
        let session = |g: &str| -> Millis {
            configs
                .get(g)
                .filter(|c| c.is_set("share.session.timeout.ms"))
                .map_or(default, |c: &Props| {
                    c.i64(GROUP_CONFIGS, "share.session.timeout.ms").max(1) as Millis
                })
        };
        let notes = self.share_groups.expire_sessions(ctx.now, session, &topics);
        for (group, event) in notes {
            ctx.emit(TraceKind::Group { group, event });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, topics: &[&str], assignment: &[(&str, i32)]) -> ShareAssignorMember {
        ShareAssignorMember {
            member_id: id.to_string(),
            subscribed_topics: topics.iter().map(|t| t.to_string()).collect(),
            assignment: assignment
                .iter()
                .map(|(t, p)| TopicPartition::new(*t, *p))
                .collect(),
        }
    }

    fn tps(items: &[(&str, i32)]) -> VecSet<TopicPartition> {
        items
            .iter()
            .map(|(t, p)| TopicPartition::new(*t, *p))
            .collect()
    }

    #[test]
    fn one_partition_is_shared_by_every_member() {
        // SimpleAssignorTest.testAssignWithOneMemberOneTopic / more members than partitions.
        let topics = VecMap::from([("t".to_string(), 1)]);
        let members = [
            member("m1", &["t"], &[]),
            member("m2", &["t"], &[]),
            member("m3", &["t"], &[]),
        ];
        let a = simple_assign(&members, &topics);
        for m in ["m1", "m2", "m3"] {
            assert_eq!(a.get(m), Some(&tps(&[("t", 0)])), "{m}");
        }
    }

    #[test]
    fn members_hash_to_partitions_and_the_rest_go_round_robin() {
        // memberHashAssignment: abs(hashCode % n). "m1".hashCode() = 109·31 + 49 = 3428.
        assert_eq!(string_hash_code("m1"), 109 * 31 + 49);
        let topics = VecMap::from([("t".to_string(), 4)]);
        let members = [member("m1", &["t"], &[]), member("m2", &["t"], &[])];
        let a = simple_assign(&members, &topics);
        // m1 → t-0 (3428 % 4), m2 → t-1 (3429 % 4); t-2 and t-3 go round-robin over the
        // HashMap order of {m1, m2}: bins 3428 & 15 = 4 and 5, so m1 first.
        assert_eq!(a.get("m1"), Some(&tps(&[("t", 0), ("t", 2)])));
        assert_eq!(a.get("m2"), Some(&tps(&[("t", 1), ("t", 3)])));
    }

    #[test]
    fn partitions_nobody_hashed_to_stay_with_their_current_members() {
        let topics = VecMap::from([("t".to_string(), 4)]);
        // m1 had t-2 and t-3. Now m1 hashes to t-0 and m2 to t-1; nobody hashes to t-2 or
        // t-3, so they stay with m1 (step 3) instead of going round-robin.
        let members = [
            member("m1", &["t"], &[("t", 2), ("t", 3)]),
            member("m2", &["t"], &[]),
        ];
        let a = simple_assign(&members, &topics);
        assert_eq!(a.get("m1"), Some(&tps(&[("t", 0), ("t", 2), ("t", 3)])));
        assert_eq!(a.get("m2"), Some(&tps(&[("t", 1)])));
    }

    #[test]
    fn heterogeneous_members_get_only_their_topics() {
        let topics = VecMap::from([("a".to_string(), 1), ("b".to_string(), 2)]);
        let members = [member("m1", &["a"], &[]), member("m2", &["a", "b"], &[])];
        let a = simple_assign(&members, &topics);
        assert_eq!(a.get("m1"), Some(&tps(&[("a", 0)])));
        // m2's partitions are a-0, b-0, b-1 ({a, b} iterates a first: bins 97 & 15 = 1 and
        // 98 & 15 = 2); 3429 % 3 = 0 → a-0. b-0 and b-1 are unassigned and go round-robin to
        // b's only subscriber, m2.
        assert_eq!(a.get("m2"), Some(&tps(&[("a", 0), ("b", 0), ("b", 1)])));
    }

    #[test]
    fn every_member_gets_a_partition_when_there_are_more_members_than_partitions() {
        let topics = VecMap::from([("t".to_string(), 2)]);
        let ids: Vec<String> = (0..6).map(|i| format!("member-{i}")).collect();
        let members: Vec<ShareAssignorMember> =
            ids.iter().map(|id| member(id, &["t"], &[])).collect();
        let a = simple_assign(&members, &topics);
        let mut covered = VecSet::new();
        for id in &ids {
            let set = a.get(id).expect("every member is in the result");
            assert!(!set.is_empty(), "{id} got nothing");
            covered.extend(set.iter().cloned());
        }
        assert_eq!(covered, tps(&[("t", 0), ("t", 1)]));
    }

    #[test]
    fn heartbeat_joins_leaves_and_fences() {
        let mut c = ShareGroupCoordinator::default();
        let topics = VecMap::from([("t".to_string(), 1)]);
        let hb = |id: &str, epoch: i32, subscribe: bool| Heartbeat {
            corr: 1,
            group: "g".into(),
            member_id: id.into(),
            member_epoch: epoch,
            subscribed_topics: subscribe.then(|| vec!["t".to_string()]),
        };
        let (r, _) = c.heartbeat(0, NodeId::Client(0), hb("a", 0, true), &topics, 5000);
        let Message::ShareGroupHeartbeatResponse {
            error,
            member_epoch,
            assignment,
            ..
        } = r
        else {
            panic!("not a heartbeat response");
        };
        assert_eq!(error, None);
        assert_eq!(member_epoch, 1);
        assert_eq!(assignment, Some(vec![TopicPartition::new("t", 0)]));
        // Joining needs a subscription.
        let (r, _) = c.heartbeat(0, NodeId::Client(1), hb("b", 0, false), &topics, 5000);
        assert!(matches!(
            r,
            Message::ShareGroupHeartbeatResponse {
                error: Some(ErrorCode::InvalidRequest),
                ..
            }
        ));
        // b joins: epoch 2; a, heartbeating at epoch 1, moves to 2 with the same partition.
        c.heartbeat(0, NodeId::Client(1), hb("b", 0, true), &topics, 5000);
        let (r, _) = c.heartbeat(10, NodeId::Client(0), hb("a", 1, false), &topics, 5000);
        assert!(matches!(
            r,
            Message::ShareGroupHeartbeatResponse {
                member_epoch: 2,
                assignment: None,
                ..
            }
        ));
        // An epoch from the future is fenced; an unknown member is unknown.
        let (r, _) = c.heartbeat(10, NodeId::Client(0), hb("a", 7, false), &topics, 5000);
        assert!(matches!(
            r,
            Message::ShareGroupHeartbeatResponse {
                error: Some(ErrorCode::FencedMemberEpoch),
                ..
            }
        ));
        let (r, _) = c.heartbeat(10, NodeId::Client(2), hb("zz", 3, false), &topics, 5000);
        assert!(matches!(
            r,
            Message::ShareGroupHeartbeatResponse {
                error: Some(ErrorCode::UnknownMemberId),
                ..
            }
        ));
        // b's session expires; a leaves: the group is empty, at epoch 4.
        let notes = c.expire_sessions(45_000, |_| 45_000, &topics);
        assert_eq!(notes.len(), 1);
        let (r, _) = c.heartbeat(45_000, NodeId::Client(0), hb("a", -1, false), &topics, 5000);
        assert!(matches!(
            r,
            Message::ShareGroupHeartbeatResponse {
                member_epoch: -1,
                error: None,
                ..
            }
        ));
        let g = c.groups.get("g").expect("group");
        assert_eq!(g.state(), ShareGroupState::Empty);
        assert_eq!(g.group_epoch, 4);
    }
}
