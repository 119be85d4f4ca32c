//! The group coordinator (classic protocol), as a broker runs it for the groups whose
//! `__consumer_offsets` partition it leads: JoinGroup / SyncGroup / Heartbeat / LeaveGroup,
//! generations, the initial rebalance delay, session timeouts, and offset commits stored as
//! records in `__consumer_offsets` (group-coordinator `ClassicGroup`, `GroupMetadataManager`).
//!
//! Handlers return [`Effect`]s; the broker sends the messages, appends the records and calls
//! back when an append is replicated.

use crate::assignor::{select_protocol, Subscription, TopicPartition};
use crate::error::ErrorCode;
use crate::java::{string_hash_code, utils_abs};
use crate::message::Message;
use crate::sim::Timer;
use crate::types::{Millis, NodeId};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};

pub const OFFSETS_TOPIC: &str = "__consumer_offsets";

/// `GroupCoordinatorService.partitionFor`: `Utils.abs(groupId.hashCode()) % partitions`.
pub fn partition_for(group: &str, partitions: i32) -> i32 {
    if partitions <= 0 {
        return 0;
    }
    utils_abs(string_hash_code(group)) % partitions
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GroupState {
    Empty,
    PreparingRebalance,
    CompletingRebalance,
    Stable,
    Dead,
}

impl GroupState {
    pub fn name(self) -> &'static str {
        match self {
            GroupState::Empty => "Empty",
            GroupState::PreparingRebalance => "PreparingRebalance",
            GroupState::CompletingRebalance => "CompletingRebalance",
            GroupState::Stable => "Stable",
            GroupState::Dead => "Dead",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub member_id: String,
    pub instance_id: Option<String>,
    pub client_id: String,
    pub node: NodeId,
    pub session_timeout_ms: Millis,
    pub rebalance_timeout_ms: Millis,
    pub protocols: Vec<(String, Subscription)>,
    pub assignment: Vec<TopicPartition>,
    /// A JoinGroup waiting for the rebalance to complete: correlation id.
    pub awaiting_join: Option<u64>,
    pub awaiting_sync: Option<u64>,
    pub last_heartbeat: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommittedOffset {
    pub offset: i64,
    pub commit_ms: Millis,
    pub generation: i32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassicGroup {
    pub group_id: String,
    pub state: GroupState,
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    /// Members in join order.
    pub members: Vec<Member>,
    /// Member ids handed out with MEMBER_ID_REQUIRED and not yet used, with when each
    /// expires: a pending member that does not join within its session timeout is dropped
    /// (`addPendingMemberExpiration`).
    pub pending: Vec<(String, Millis)>,
    pub new_member_added: bool,
    /// `InitialDelayedJoin` remaining budget, when the initial delay is running.
    initial_remaining: Option<Millis>,
    /// When the current join phase must end.
    join_deadline: Option<Millis>,
    pub offsets: VecMap<TopicPartition, CommittedOffset>,
    /// Offsets sent to a transaction (`TxnOffsetCommit`), by producer id: they become the
    /// committed offsets only when the transaction's COMMIT marker is written.
    pub pending_txn_offsets: VecMap<i64, Vec<(TopicPartition, i64)>>,
    pub state_since: Millis,
}

impl ClassicGroup {
    /// A member id handed out with MEMBER_ID_REQUIRED and not yet used.
    fn is_pending(&self, member_id: &str) -> bool {
        self.pending.iter().any(|(p, _)| p == member_id)
    }

    fn new(group_id: &str, now: Millis) -> Self {
        ClassicGroup {
            group_id: group_id.to_string(),
            state: GroupState::Empty,
            generation: 0,
            protocol: None,
            leader: None,
            members: Vec::new(),
            pending: Vec::new(),
            new_member_added: false,
            initial_remaining: None,
            join_deadline: None,
            offsets: VecMap::new(),
            pending_txn_offsets: VecMap::new(),
            state_since: now,
        }
    }

    pub fn member(&self, id: &str) -> Option<&Member> {
        self.members.iter().find(|m| m.member_id == id)
    }
    fn member_mut(&mut self, id: &str) -> Option<&mut Member> {
        self.members.iter_mut().find(|m| m.member_id == id)
    }
    fn all_joined(&self) -> bool {
        self.members.iter().all(|m| m.awaiting_join.is_some())
    }
    fn rebalance_timeout(&self) -> Millis {
        self.members
            .iter()
            .map(|m| m.rebalance_timeout_ms)
            .max()
            .unwrap_or(0)
    }
}

/// What the broker must do for the coordinator.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    Send(NodeId, Message),
    /// Append these (key, value) records to the group's `__consumer_offsets` partition and,
    /// once replicated, run `then`.
    Append {
        group: String,
        records: Vec<(String, String)>,
        then: AfterAppend,
    },
    Timer(Millis, Timer),
    Note(String),
}

/// A JoinGroup answered with `error`: no generation, no members.
fn join_error(to: NodeId, corr: u64, error: ErrorCode, member_id: String) -> Effect {
    Effect::Send(
        to,
        Message::JoinGroupResponse {
            corr,
            error: Some(error),
            generation: -1,
            protocol: None,
            leader: String::new(),
            member_id,
            members: vec![],
        },
    )
}

/// A SyncGroup answered with `error`: no assignment.
fn sync_error(to: NodeId, corr: u64, error: ErrorCode) -> Effect {
    Effect::Send(
        to,
        Message::SyncGroupResponse {
            corr,
            error: Some(error),
            assignment: vec![],
        },
    )
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AfterAppend {
    OffsetCommit {
        to: NodeId,
        corr: u64,
        group: String,
        offsets: Vec<(TopicPartition, i64)>,
        generation: i32,
    },
    SyncDone {
        group: String,
        generation: i32,
    },
    /// A KIP-848 consumer group write (`consumer_group.rs`).
    ConsumerGroup(crate::consumer_group::AfterWrite),
    /// `TxnOffsetCommit` records written: the offsets wait for the transaction's marker.
    TxnOffsetCommit {
        to: NodeId,
        corr: u64,
        group: String,
        producer_id: i64,
        offsets: Vec<(TopicPartition, i64)>,
    },
    /// The transaction coordinator's state record for a `transactional.id` is durable.
    Txn(String, crate::txn::TxnAfter),
    /// Transaction markers written on this leader.
    Markers {
        to: NodeId,
        corr: u64,
        partitions: Vec<crate::types::Tp>,
    },
}

/// The group metadata record (`GroupMetadataValue`), as JSON in the log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRecord {
    pub generation: i32,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub members: Vec<MemberRecord>,
}

/// A member in a group's record (`GroupMetadataValue.MemberMetadata`): a coordinator that
/// loads the group after a failover expires it on its own session timeout.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberRecord {
    pub id: String,
    pub instance: Option<String>,
    pub assignment: Vec<TopicPartition>,
    pub session_timeout_ms: Millis,
    pub rebalance_timeout_ms: Millis,
}

pub fn offset_key(group: &str, tp: &TopicPartition) -> String {
    format!("offset/{group}/{}/{}", tp.topic, tp.partition)
}
/// The partition and offset of an `offset/{group}/{topic}/{partition}` record.
pub fn parse_offset_record(key: &str, value: Option<&str>) -> Option<(TopicPartition, i64)> {
    let rest = key.strip_prefix("offset/")?;
    let parts: Vec<&str> = rest.rsplitn(3, '/').collect();
    let partition = parts.first()?.parse::<i32>().ok()?;
    let topic = parts.get(1)?;
    let offset = value?.parse::<i64>().ok()?;
    Some((TopicPartition::new(topic.to_string(), partition), offset))
}
pub fn group_key(group: &str) -> String {
    format!("group/{group}")
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupCoordinator {
    pub groups: VecMap<String, ClassicGroup>,
    next_member: u64,
    pub initial_rebalance_delay_ms: Millis,
    pub min_session_timeout_ms: Millis,
    pub max_session_timeout_ms: Millis,
    /// KIP-848 consumer groups (`group.protocol=consumer`, `consumer_group.rs`). A group id is
    /// either a classic group or a consumer group; a consumer group's committed offsets stay
    /// in an offsets-only entry of `groups`.
    pub consumer: crate::consumer_group::ConsumerGroupCoordinator,
}

impl GroupCoordinator {
    pub fn new(
        initial_rebalance_delay_ms: Millis,
        min_session_timeout_ms: Millis,
        max_session_timeout_ms: Millis,
    ) -> Self {
        GroupCoordinator {
            groups: VecMap::new(),
            next_member: 0,
            initial_rebalance_delay_ms,
            min_session_timeout_ms,
            max_session_timeout_ms,
            consumer: Default::default(),
        }
    }

    /// Rebuild a group's state from its `__consumer_offsets` records (coordinator failover).
    pub fn load(&mut self, group: &str, key: &str, value: Option<&str>, now: Millis) {
        if self.load_consumer_group_record(key, value, now) {
            return;
        }
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| ClassicGroup::new(group, now));
        if key.starts_with("offset/") {
            if let Some((tp, offset)) = parse_offset_record(key, value) {
                g.offsets.insert(
                    tp,
                    CommittedOffset {
                        offset,
                        commit_ms: now,
                        generation: -1,
                    },
                );
            }
        } else if key.starts_with("group/") {
            if let Some(rec) = value.and_then(|v| serde_json::from_str::<GroupRecord>(v).ok()) {
                g.generation = rec.generation;
                g.protocol = rec.protocol;
                g.leader = rec.leader;
                g.members = rec
                    .members
                    .into_iter()
                    .map(|m| Member {
                        member_id: m.id,
                        instance_id: m.instance,
                        client_id: String::new(),
                        node: NodeId::Controller,
                        session_timeout_ms: m.session_timeout_ms,
                        rebalance_timeout_ms: m.rebalance_timeout_ms,
                        protocols: Vec::new(),
                        assignment: m.assignment,
                        awaiting_join: None,
                        awaiting_sync: None,
                        last_heartbeat: now,
                    })
                    .collect();
                g.state = if g.members.is_empty() {
                    GroupState::Empty
                } else {
                    GroupState::Stable
                };
            }
        }
    }

    /// Forget the groups of a partition this broker no longer leads. JoinGroup and SyncGroup
    /// requests parked in them are answered NOT_COORDINATOR, so their members look for the
    /// new coordinator at once (`GroupMetadataManager.onUnloaded`) instead of waiting out
    /// the JoinGroup's rebalance timeout.
    pub fn unload(&mut self, keep: impl Fn(&str) -> bool) -> Vec<Effect> {
        let mut fx = Vec::new();
        for g in self.groups.values().filter(|g| !keep(&g.group_id)) {
            for m in &g.members {
                if let Some(corr) = m.awaiting_join {
                    let member = m.member_id.clone();
                    fx.push(join_error(m.node, corr, ErrorCode::NotCoordinator, member));
                }
                if let Some(corr) = m.awaiting_sync {
                    fx.push(sync_error(m.node, corr, ErrorCode::NotCoordinator));
                }
            }
        }
        self.groups.retain(|g, _| keep(g));
        self.consumer.groups.retain(|g, _| keep(g));
        fx
    }

    fn set_state(g: &mut ClassicGroup, s: GroupState, now: Millis, fx: &mut Vec<Effect>) {
        if g.state != s {
            fx.push(Effect::Note(format!(
                "group {}: {} → {} (generation {})",
                g.group_id,
                g.state.name(),
                s.name(),
                g.generation
            )));
            g.state = s;
            g.state_since = now;
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub fn join(
        &mut self,
        now: Millis,
        from: NodeId,
        corr: u64,
        group: &str,
        member_id: &str,
        instance_id: Option<String>,
        client_id: &str,
        session_timeout_ms: u64,
        rebalance_timeout_ms: u64,
        protocols: Vec<(String, Subscription)>,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let reply = |error: ErrorCode, member: String| join_error(from, corr, error, member);
        if session_timeout_ms < self.min_session_timeout_ms
            || session_timeout_ms > self.max_session_timeout_ms
        {
            fx.push(reply(
                ErrorCode::InvalidSessionTimeout,
                member_id.to_string(),
            ));
            return fx;
        }
        if protocols.is_empty() {
            fx.push(reply(
                ErrorCode::InconsistentGroupProtocol,
                member_id.to_string(),
            ));
            return fx;
        }
        // The group id may belong to a KIP-848 consumer group (consumer_group.rs).
        if let Some(e) = self.classic_join_to_consumer_group(group, &mut fx) {
            fx.push(reply(e, member_id.to_string()));
            return fx;
        }
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| ClassicGroup::new(group, now));
        // Kafka's member ids carry a random UUID; these are deterministic, so an id another
        // coordinator minted (a group loaded after a failover) is skipped.
        let fresh_id = loop {
            self.next_member += 1;
            let id = format!(
                "{client_id}-{:08x}",
                self.next_member.wrapping_mul(0x9E37_79B9) & 0xffff_ffff
            );
            if g.member(&id).is_none() && !g.is_pending(&id) {
                break id;
            }
        };
        if g.state == GroupState::Dead {
            fx.push(reply(
                ErrorCode::CoordinatorNotAvailable,
                member_id.to_string(),
            ));
            return fx;
        }
        // Every member must share a protocol with the group.
        if !g.members.is_empty() {
            let ok = protocols.iter().any(|(name, _)| {
                g.members
                    .iter()
                    .filter(|m| m.member_id != member_id)
                    .all(|m| m.protocols.is_empty() || m.protocols.iter().any(|(n, _)| n == name))
            });
            if !ok {
                fx.push(reply(
                    ErrorCode::InconsistentGroupProtocol,
                    member_id.to_string(),
                ));
                return fx;
            }
        }
        let mut member_id = member_id.to_string();
        if member_id.is_empty() {
            // Static member rejoining with a known instance id: replace its member id.
            if let Some(inst) = &instance_id {
                if let Some(m) = g
                    .members
                    .iter_mut()
                    .find(|m| m.instance_id.as_deref() == Some(inst))
                {
                    m.member_id = fresh_id.clone();
                    m.node = from;
                    m.last_heartbeat = now;
                    m.protocols = protocols;
                    if g.leader
                        .as_deref()
                        .is_some_and(|l| !g.members.iter().any(|x| x.member_id == l))
                    {
                        g.leader = Some(fresh_id.clone());
                    }
                    member_id = fresh_id;
                    if g.state == GroupState::Stable {
                        let m = g.members.iter().find(|m| m.member_id == member_id);
                        fx.push(Effect::Note(format!(
                            "group {group}: static member {inst} rejoined without a rebalance"
                        )));
                        fx.push(Effect::Send(
                            from,
                            Message::JoinGroupResponse {
                                corr,
                                error: None,
                                generation: g.generation,
                                protocol: g.protocol.clone(),
                                leader: g.leader.clone().unwrap_or_default(),
                                member_id: member_id.clone(),
                                members: vec![],
                            },
                        ));
                        let _ = m;
                        return fx;
                    }
                    if let Some(m) = g.member_mut(&member_id) {
                        m.awaiting_join = Some(corr);
                    }
                    Self::prepare_rebalance(
                        g,
                        now,
                        self.initial_rebalance_delay_ms,
                        &mut fx,
                        "static member rejoined",
                    );
                    Self::maybe_complete_join(g, now, &mut fx);
                    return fx;
                }
                // A new static member joins directly (no MEMBER_ID_REQUIRED round trip).
                member_id = fresh_id;
            } else {
                // KIP-394: the first JoinGroup of a dynamic member only gets an id.
                g.pending
                    .push((fresh_id.clone(), now.saturating_add(session_timeout_ms)));
                fx.push(reply(ErrorCode::MemberIdRequired, fresh_id));
                return fx;
            }
        } else if g.member(&member_id).is_none() && !g.is_pending(&member_id) {
            fx.push(reply(ErrorCode::UnknownMemberId, member_id));
            return fx;
        }
        g.pending.retain(|(p, _)| *p != member_id);
        let is_new = g.member(&member_id).is_none();
        if is_new {
            g.members.push(Member {
                member_id: member_id.clone(),
                instance_id,
                client_id: client_id.to_string(),
                node: from,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
                assignment: Vec::new(),
                awaiting_join: Some(corr),
                awaiting_sync: None,
                last_heartbeat: now,
            });
            g.new_member_added = true;
            fx.push(Effect::Note(format!(
                "group {group}: {client_id} joins as {member_id}"
            )));
            Self::prepare_rebalance(
                g,
                now,
                self.initial_rebalance_delay_ms,
                &mut fx,
                "a new member joined",
            );
        } else {
            let (metadata_changed, is_leader) = {
                let m = g.member(&member_id);
                (
                    m.is_some_and(|m| m.protocols != protocols),
                    g.leader.as_deref() == Some(member_id.as_str()),
                )
            };
            if let Some(m) = g.member_mut(&member_id) {
                m.protocols = protocols;
                m.awaiting_join = Some(corr);
                m.node = from;
                m.last_heartbeat = now;
                m.session_timeout_ms = session_timeout_ms;
                m.rebalance_timeout_ms = rebalance_timeout_ms;
            }
            match g.state {
                GroupState::PreparingRebalance => {}
                GroupState::CompletingRebalance | GroupState::Stable
                    if !(metadata_changed || is_leader && g.state == GroupState::Stable) =>
                {
                    // Nothing changed: answer with the current generation.
                    if let Some(m) = g.member_mut(&member_id) {
                        m.awaiting_join = None;
                    }
                    let members = if is_leader {
                        Self::member_subscriptions(g)
                    } else {
                        vec![]
                    };
                    fx.push(Effect::Send(
                        from,
                        Message::JoinGroupResponse {
                            corr,
                            error: None,
                            generation: g.generation,
                            protocol: g.protocol.clone(),
                            leader: g.leader.clone().unwrap_or_default(),
                            member_id: member_id.clone(),
                            members,
                        },
                    ));
                    return fx;
                }
                _ => Self::prepare_rebalance(
                    g,
                    now,
                    self.initial_rebalance_delay_ms,
                    &mut fx,
                    "a member rejoined with new metadata",
                ),
            }
        }
        Self::maybe_complete_join(g, now, &mut fx);
        fx
    }

    fn member_subscriptions(g: &ClassicGroup) -> Vec<Subscription> {
        let proto = g.protocol.clone().unwrap_or_default();
        g.members
            .iter()
            .map(|m| {
                let mut s = m
                    .protocols
                    .iter()
                    .find(|(n, _)| *n == proto)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_default();
                s.member_id = m.member_id.clone();
                s.group_instance_id = m.instance_id.clone();
                s
            })
            .collect()
    }

    fn prepare_rebalance(
        g: &mut ClassicGroup,
        now: Millis,
        initial_delay: Millis,
        fx: &mut Vec<Effect>,
        why: &str,
    ) {
        if g.state == GroupState::PreparingRebalance {
            return;
        }
        // Members waiting for a sync are told to rejoin.
        for m in g.members.iter_mut() {
            if let Some(c) = m.awaiting_sync.take() {
                fx.push(sync_error(m.node, c, ErrorCode::RebalanceInProgress));
            }
        }
        let was_empty = g.state == GroupState::Empty;
        Self::set_state(g, GroupState::PreparingRebalance, now, fx);
        fx.push(Effect::Note(format!(
            "group {}: rebalance — {why}",
            g.group_id
        )));
        let timeout = g.rebalance_timeout();
        if was_empty && initial_delay > 0 {
            // InitialDelayedJoin: wait for more members before the first generation.
            g.initial_remaining = Some(timeout.saturating_sub(initial_delay));
            g.new_member_added = false;
            g.join_deadline = Some(now + initial_delay);
            fx.push(Effect::Timer(
                initial_delay,
                Timer::GroupJoin(g.group_id.clone()),
            ));
        } else {
            g.initial_remaining = None;
            g.join_deadline = Some(now + timeout);
            fx.push(Effect::Timer(timeout, Timer::GroupJoin(g.group_id.clone())));
        }
    }

    /// The join timer fired (rebalance timeout or initial delay).
    pub fn on_join_timer(&mut self, now: Millis, group: &str) -> Vec<Effect> {
        let mut fx = Vec::new();
        let delay = self.initial_rebalance_delay_ms;
        let Some(g) = self.groups.get_mut(group) else {
            return fx;
        };
        if g.state != GroupState::PreparingRebalance || g.join_deadline.is_some_and(|d| d > now) {
            return fx;
        }
        if let Some(remaining) = g.initial_remaining {
            if g.new_member_added && remaining > 0 {
                let next = delay.min(remaining);
                g.initial_remaining = Some(remaining - next);
                g.new_member_added = false;
                g.join_deadline = Some(now + next);
                fx.push(Effect::Timer(next, Timer::GroupJoin(group.to_string())));
                return fx;
            }
        }
        Self::complete_join(g, now, &mut fx);
        fx
    }

    fn maybe_complete_join(g: &mut ClassicGroup, now: Millis, fx: &mut Vec<Effect>) {
        // During the initial delay the join completes only when the timer fires.
        if g.state == GroupState::PreparingRebalance
            && g.initial_remaining.is_none()
            && g.all_joined()
            && g.pending.is_empty()
        {
            Self::complete_join(g, now, fx);
        }
    }

    fn complete_join(g: &mut ClassicGroup, now: Millis, fx: &mut Vec<Effect>) {
        g.initial_remaining = None;
        g.join_deadline = None;
        // Members that did not rejoin in time are removed.
        let gone: Vec<String> = g
            .members
            .iter()
            .filter(|m| m.awaiting_join.is_none())
            .map(|m| m.member_id.clone())
            .collect();
        for id in &gone {
            fx.push(Effect::Note(format!(
                "group {}: {id} did not rejoin within the rebalance timeout and is removed",
                g.group_id
            )));
        }
        g.members.retain(|m| m.awaiting_join.is_some());
        g.pending.clear();
        g.generation += 1;
        if g.members.is_empty() {
            g.protocol = None;
            g.leader = None;
            Self::set_state(g, GroupState::Empty, now, fx);
            fx.push(Effect::Append {
                group: g.group_id.clone(),
                records: vec![(group_key(&g.group_id), Self::record(g))],
                then: AfterAppend::SyncDone {
                    group: g.group_id.clone(),
                    generation: g.generation,
                },
            });
            return;
        }
        let votes: Vec<(String, Vec<String>)> = g
            .members
            .iter()
            .map(|m| {
                (
                    m.member_id.clone(),
                    m.protocols.iter().map(|(n, _)| n.clone()).collect(),
                )
            })
            .collect();
        g.protocol = select_protocol(&votes);
        if g.leader.as_ref().is_none_or(|l| g.member(l).is_none()) {
            g.leader = g.members.first().map(|m| m.member_id.clone());
        }
        Self::set_state(g, GroupState::CompletingRebalance, now, fx);
        let subs = Self::member_subscriptions(g);
        let leader = g.leader.clone().unwrap_or_default();
        for m in g.members.iter_mut() {
            let Some(corr) = m.awaiting_join.take() else {
                continue;
            };
            m.last_heartbeat = now;
            let is_leader = m.member_id == leader;
            fx.push(Effect::Send(
                m.node,
                Message::JoinGroupResponse {
                    corr,
                    error: None,
                    generation: g.generation,
                    protocol: g.protocol.clone(),
                    leader: leader.clone(),
                    member_id: m.member_id.clone(),
                    members: if is_leader { subs.clone() } else { vec![] },
                },
            ));
        }
    }

    fn record(g: &ClassicGroup) -> String {
        let rec = GroupRecord {
            generation: g.generation,
            protocol: g.protocol.clone(),
            leader: g.leader.clone(),
            members: g
                .members
                .iter()
                .map(|m| MemberRecord {
                    id: m.member_id.clone(),
                    instance: m.instance_id.clone(),
                    assignment: m.assignment.clone(),
                    session_timeout_ms: m.session_timeout_ms,
                    rebalance_timeout_ms: m.rebalance_timeout_ms,
                })
                .collect(),
        };
        serde_json::to_string(&rec).unwrap_or_default()
    }

    pub fn sync(
        &mut self,
        now: Millis,
        from: NodeId,
        corr: u64,
        group: &str,
        generation: i32,
        member_id: &str,
        assignments: Vec<(String, Vec<TopicPartition>)>,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let reply = |e: ErrorCode| sync_error(from, corr, e);
        let Some(g) = self.groups.get_mut(group) else {
            fx.push(reply(ErrorCode::UnknownMemberId));
            return fx;
        };
        if g.member(member_id).is_none() {
            fx.push(reply(ErrorCode::UnknownMemberId));
            return fx;
        }
        if generation != g.generation {
            fx.push(reply(ErrorCode::IllegalGeneration));
            return fx;
        }
        match g.state {
            GroupState::PreparingRebalance | GroupState::Empty | GroupState::Dead => {
                fx.push(reply(ErrorCode::RebalanceInProgress))
            }
            GroupState::Stable => {
                let a = g
                    .member(member_id)
                    .map(|m| m.assignment.clone())
                    .unwrap_or_default();
                fx.push(Effect::Send(
                    from,
                    Message::SyncGroupResponse {
                        corr,
                        error: None,
                        assignment: a,
                    },
                ));
            }
            GroupState::CompletingRebalance => {
                if let Some(m) = g.member_mut(member_id) {
                    m.awaiting_sync = Some(corr);
                    m.node = from;
                    m.last_heartbeat = now;
                }
                if g.leader.as_deref() == Some(member_id) {
                    for m in g.members.iter_mut() {
                        m.assignment = assignments
                            .iter()
                            .find(|(id, _)| *id == m.member_id)
                            .map(|(_, a)| a.clone())
                            .unwrap_or_default();
                    }
                    fx.push(Effect::Note(format!("group {group}: leader {member_id} sent the assignment for generation {generation}")));
                    fx.push(Effect::Append {
                        group: group.to_string(),
                        records: vec![(group_key(group), Self::record(g))],
                        then: AfterAppend::SyncDone {
                            group: group.to_string(),
                            generation,
                        },
                    });
                }
            }
        }
        fx
    }

    /// The group metadata record was replicated: the generation is stable.
    pub fn sync_done(&mut self, now: Millis, group: &str, generation: i32) -> Vec<Effect> {
        let mut fx = Vec::new();
        let Some(g) = self.groups.get_mut(group) else {
            return fx;
        };
        if g.generation != generation || g.state != GroupState::CompletingRebalance {
            return fx;
        }
        Self::set_state(g, GroupState::Stable, now, &mut fx);
        for m in g.members.iter_mut() {
            if let Some(corr) = m.awaiting_sync.take() {
                fx.push(Effect::Send(
                    m.node,
                    Message::SyncGroupResponse {
                        corr,
                        error: None,
                        assignment: m.assignment.clone(),
                    },
                ));
            }
        }
        fx
    }

    pub fn heartbeat(
        &mut self,
        now: Millis,
        from: NodeId,
        corr: u64,
        group: &str,
        generation: i32,
        member_id: &str,
    ) -> Vec<Effect> {
        let error = match self.groups.get_mut(group) {
            None => Some(ErrorCode::UnknownMemberId),
            Some(g) => match g.member_mut(member_id) {
                None => Some(ErrorCode::UnknownMemberId),
                Some(m) => {
                    m.last_heartbeat = now;
                    m.node = from;
                    if g.state == GroupState::PreparingRebalance {
                        Some(ErrorCode::RebalanceInProgress)
                    } else if generation != g.generation {
                        Some(ErrorCode::IllegalGeneration)
                    } else {
                        None
                    }
                }
            },
        };
        vec![Effect::Send(
            from,
            Message::HeartbeatResponse { corr, error },
        )]
    }

    pub fn leave(
        &mut self,
        now: Millis,
        from: NodeId,
        corr: u64,
        group: &str,
        member_id: &str,
        reason: &str,
    ) -> Vec<Effect> {
        let mut fx = Vec::new();
        let delay = self.initial_rebalance_delay_ms;
        let Some(g) = self.groups.get_mut(group) else {
            fx.push(Effect::Send(
                from,
                Message::LeaveGroupResponse {
                    corr,
                    error: Some(ErrorCode::UnknownMemberId),
                },
            ));
            return fx;
        };
        if g.member(member_id).is_none() {
            fx.push(Effect::Send(
                from,
                Message::LeaveGroupResponse {
                    corr,
                    error: Some(ErrorCode::UnknownMemberId),
                },
            ));
            return fx;
        }
        fx.push(Effect::Send(
            from,
            Message::LeaveGroupResponse { corr, error: None },
        ));
        Self::remove_member(
            g,
            now,
            delay,
            member_id,
            &format!("{member_id} left the group ({reason})"),
            &mut fx,
        );
        fx
    }

    fn remove_member(
        g: &mut ClassicGroup,
        now: Millis,
        delay: Millis,
        member_id: &str,
        why: &str,
        fx: &mut Vec<Effect>,
    ) {
        g.members.retain(|m| m.member_id != member_id);
        fx.push(Effect::Note(format!("group {}: {why}", g.group_id)));
        match g.state {
            GroupState::Stable | GroupState::CompletingRebalance => {
                if g.members.is_empty() {
                    g.generation += 1;
                    g.leader = None;
                    g.protocol = None;
                    Self::set_state(g, GroupState::Empty, now, fx);
                    fx.push(Effect::Append {
                        group: g.group_id.clone(),
                        records: vec![(group_key(&g.group_id), Self::record(g))],
                        then: AfterAppend::SyncDone {
                            group: g.group_id.clone(),
                            generation: g.generation,
                        },
                    });
                } else {
                    Self::prepare_rebalance(g, now, delay, fx, why);
                }
            }
            GroupState::PreparingRebalance => Self::maybe_complete_join(g, now, fx),
            _ => {}
        }
    }

    /// Session timeouts: remove members that have not heartbeated for `session.timeout.ms`.
    pub fn tick(&mut self, now: Millis) -> Vec<Effect> {
        let mut fx = Vec::new();
        let delay = self.initial_rebalance_delay_ms;
        for g in self.groups.values_mut() {
            // Pending members (MEMBER_ID_REQUIRED) that never joined.
            let before = g.pending.len();
            g.pending.retain(|(_, until)| now < *until);
            if g.pending.len() < before {
                Self::maybe_complete_join(g, now, &mut fx);
            }
            let expired: Vec<(String, Millis)> = g
                .members
                .iter()
                .filter(|m| {
                    m.awaiting_join.is_none()
                        && now.saturating_sub(m.last_heartbeat) > m.session_timeout_ms
                })
                .map(|m| (m.member_id.clone(), m.session_timeout_ms))
                .collect();
            for (id, timeout) in expired {
                Self::remove_member(
                    g,
                    now,
                    delay,
                    &id,
                    &format!(
                        "{id} missed heartbeats for session.timeout.ms={timeout} and is removed"
                    ),
                    &mut fx,
                );
            }
        }
        fx.extend(self.consumer_group_tick(now));
        fx
    }

    /// Validate an offset commit (`ClassicGroup.validateOffsetCommit`).
    pub fn validate_commit(
        &mut self,
        group: &str,
        generation: i32,
        member_id: &str,
        now: Millis,
    ) -> Result<(), ErrorCode> {
        if let Some(r) = self.validate_consumer_group_commit(group, generation, member_id) {
            return r;
        }
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| ClassicGroup::new(group, now));
        if generation < 0 && member_id.is_empty() {
            // A commit from outside the group (an admin tool or a manually assigned consumer).
            return if g.members.is_empty() {
                Ok(())
            } else {
                Err(ErrorCode::UnknownMemberId)
            };
        }
        let Some(m) = g.member_mut(member_id) else {
            return Err(ErrorCode::UnknownMemberId);
        };
        m.last_heartbeat = now;
        if g.state == GroupState::CompletingRebalance {
            return Err(ErrorCode::RebalanceInProgress);
        }
        if generation != g.generation {
            return Err(ErrorCode::IllegalGeneration);
        }
        Ok(())
    }

    pub fn commit_done(
        &mut self,
        now: Millis,
        group: &str,
        offsets: &[(TopicPartition, i64)],
        generation: i32,
    ) {
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| ClassicGroup::new(group, now));
        for (tp, o) in offsets {
            g.offsets.insert(
                tp.clone(),
                CommittedOffset {
                    offset: *o,
                    commit_ms: now,
                    generation,
                },
            );
        }
    }

    /// Offsets from `TxnOffsetCommit`, pending until the transaction ends.
    pub fn txn_offsets_pending(
        &mut self,
        now: Millis,
        group: &str,
        producer_id: i64,
        offsets: &[(TopicPartition, i64)],
    ) {
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| ClassicGroup::new(group, now));
        let pending = g.pending_txn_offsets.entry(producer_id).or_default();
        for (tp, o) in offsets {
            pending.retain(|(t, _)| t != tp);
            pending.push((tp.clone(), *o));
        }
    }

    /// The append of a `TxnOffsetCommit` failed: its offsets are no longer pending.
    pub fn fail_txn_offsets(
        &mut self,
        group: &str,
        producer_id: i64,
        offsets: &[(TopicPartition, i64)],
    ) {
        let Some(g) = self.groups.get_mut(group) else {
            return;
        };
        if let Some(pending) = g.pending_txn_offsets.get_mut(&producer_id) {
            pending.retain(|(tp, o)| !offsets.iter().any(|(t, x)| t == tp && x == o));
            if pending.is_empty() {
                g.pending_txn_offsets.remove(&producer_id);
            }
        }
    }

    /// A COMMIT or ABORT marker for `producer_id` was written to this group's partition.
    pub fn complete_txn(
        &mut self,
        now: Millis,
        group: &str,
        producer_id: i64,
        commit: bool,
    ) -> usize {
        let Some(g) = self.groups.get_mut(group) else {
            return 0;
        };
        let Some(pending) = g.pending_txn_offsets.remove(&producer_id) else {
            return 0;
        };
        let n = pending.len();
        if commit {
            for (tp, o) in pending {
                g.offsets.insert(
                    tp,
                    CommittedOffset {
                        offset: o,
                        commit_ms: now,
                        generation: -1,
                    },
                );
            }
        }
        n
    }

    /// Validate a `TxnOffsetCommit` (KIP-447: generation and member are checked when given).
    pub fn validate_txn_commit(
        &mut self,
        group: &str,
        generation: i32,
        member_id: &str,
        now: Millis,
    ) -> Result<(), ErrorCode> {
        // A KIP-848 consumer group checks the member epoch (STALE_MEMBER_EPOCH becomes
        // ILLEGAL_GENERATION for transactional commits, as in OffsetMetadataManager).
        if let Some(r) = self.validate_consumer_group_commit(group, generation, member_id) {
            return r.map_err(|e| match e {
                ErrorCode::StaleMemberEpoch => ErrorCode::IllegalGeneration,
                e => e,
            });
        }
        let g = self
            .groups
            .entry(group.to_string())
            .or_insert_with(|| ClassicGroup::new(group, now));
        if member_id.is_empty() || generation < 0 {
            return Ok(());
        }
        if g.member(member_id).is_none() {
            return Err(ErrorCode::UnknownMemberId);
        }
        if generation != g.generation {
            return Err(ErrorCode::IllegalGeneration);
        }
        Ok(())
    }

    /// Whether a transaction still holds pending offsets for any of these partitions.
    pub fn has_pending_txn_offsets(&self, group: &str, partitions: &[TopicPartition]) -> bool {
        self.groups.get(group).is_some_and(|g| {
            g.pending_txn_offsets
                .values()
                .flatten()
                .any(|(tp, _)| partitions.contains(tp))
        })
    }

    pub fn committed(&self, group: &str, tp: &TopicPartition) -> Option<i64> {
        self.groups
            .get(group)
            .and_then(|g| g.offsets.get(tp))
            .map(|c| c.offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub() -> Vec<(String, Subscription)> {
        vec![("range".to_string(), Subscription::new("", ["t"]))]
    }

    fn responses(fx: &[Effect]) -> Vec<&Message> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Send(_, m) => Some(m),
                _ => None,
            })
            .collect()
    }

    /// Join a dynamic member (two round trips: MEMBER_ID_REQUIRED, then the real join).
    fn join_member(c: &mut GroupCoordinator, now: Millis, client: &str, corr: u64) -> String {
        let fx = c.join(
            now,
            NodeId::Client(corr as u32),
            corr,
            "g",
            "",
            None,
            client,
            10_000,
            60_000,
            sub(),
        );
        let id = match responses(&fx).first() {
            Some(Message::JoinGroupResponse {
                error: Some(ErrorCode::MemberIdRequired),
                member_id,
                ..
            }) => member_id.clone(),
            other => panic!("{other:?}"),
        };
        c.join(
            now,
            NodeId::Client(corr as u32),
            corr + 100,
            "g",
            &id,
            None,
            client,
            10_000,
            60_000,
            sub(),
        );
        id
    }

    #[test]
    fn a_new_dynamic_member_first_gets_member_id_required() {
        let mut c = GroupCoordinator::new(3000, 6000, 1_800_000);
        let fx = c.join(
            0,
            NodeId::Client(1),
            1,
            "g",
            "",
            None,
            "c1",
            10_000,
            60_000,
            sub(),
        );
        assert!(matches!(
            responses(&fx)[0],
            Message::JoinGroupResponse {
                error: Some(ErrorCode::MemberIdRequired),
                ..
            }
        ));
        let fx = c.join(
            0,
            NodeId::Client(1),
            2,
            "g",
            "nobody",
            None,
            "c1",
            10_000,
            60_000,
            sub(),
        );
        assert!(matches!(
            responses(&fx)[0],
            Message::JoinGroupResponse {
                error: Some(ErrorCode::UnknownMemberId),
                ..
            }
        ));
        let fx = c.join(
            0,
            NodeId::Client(1),
            3,
            "g",
            "",
            None,
            "c1",
            100,
            60_000,
            sub(),
        );
        assert!(matches!(
            responses(&fx)[0],
            Message::JoinGroupResponse {
                error: Some(ErrorCode::InvalidSessionTimeout),
                ..
            }
        ));
    }

    #[test]
    fn the_initial_delay_holds_the_first_generation_and_stale_generations_are_fenced() {
        let mut c = GroupCoordinator::new(3000, 6000, 1_800_000);
        let id = join_member(&mut c, 0, "c1", 1);
        assert_eq!(c.groups["g"].state, GroupState::PreparingRebalance);
        assert!(c.on_join_timer(1000, "g").is_empty(), "not yet");
        let fx = c.on_join_timer(3000, "g");
        assert!(matches!(
            responses(&fx)[0],
            Message::JoinGroupResponse {
                error: None,
                generation: 1,
                ..
            }
        ));
        assert_eq!(c.groups["g"].state, GroupState::CompletingRebalance);
        // A commit during CompletingRebalance is refused; a stale generation is fenced.
        assert_eq!(
            c.validate_commit("g", 1, &id, 3000),
            Err(ErrorCode::RebalanceInProgress)
        );
        let fx = c.sync(
            3000,
            NodeId::Client(1),
            5,
            "g",
            1,
            &id,
            vec![(id.clone(), vec![TopicPartition::new("t", 0)])],
        );
        assert!(fx.iter().any(|e| matches!(e, Effect::Append { .. })));
        let fx = c.sync_done(3010, "g", 1);
        assert!(matches!(
            responses(&fx)[0],
            Message::SyncGroupResponse { error: None, .. }
        ));
        assert_eq!(c.validate_commit("g", 1, &id, 3010), Ok(()));
        assert_eq!(
            c.validate_commit("g", 0, &id, 3010),
            Err(ErrorCode::IllegalGeneration)
        );
        assert_eq!(
            c.validate_commit("g", 1, "ghost", 3010),
            Err(ErrorCode::UnknownMemberId)
        );
        assert_eq!(
            c.validate_commit("g", -1, "", 3010),
            Err(ErrorCode::UnknownMemberId),
            "outsiders may not commit to an active group"
        );
    }

    #[test]
    fn heartbeats_signal_a_rebalance_and_silence_removes_a_member() {
        let mut c = GroupCoordinator::new(0, 6000, 1_800_000);
        let a = join_member(&mut c, 0, "a", 1);
        let fx = c.sync(0, NodeId::Client(1), 9, "g", 1, &a, vec![]);
        assert!(!fx.is_empty());
        c.sync_done(1, "g", 1);
        assert_eq!(c.groups["g"].state, GroupState::Stable);
        let _b = join_member(&mut c, 100, "b", 2);
        assert_eq!(c.groups["g"].state, GroupState::PreparingRebalance);
        let fx = c.heartbeat(200, NodeId::Client(1), 10, "g", 1, &a);
        assert!(matches!(
            responses(&fx)[0],
            Message::HeartbeatResponse {
                error: Some(ErrorCode::RebalanceInProgress),
                ..
            }
        ));
        // a never rejoins: after the rebalance timeout it is dropped.
        let fx = c.on_join_timer(60_100, "g");
        assert!(fx
            .iter()
            .any(|e| matches!(e, Effect::Note(n) if n.contains("did not rejoin"))));
        assert_eq!(c.groups["g"].members.len(), 1);
        // b stops heartbeating: the session timeout removes it.
        let fx = c.tick(60_100 + 10_001);
        assert!(fx
            .iter()
            .any(|e| matches!(e, Effect::Note(n) if n.contains("session.timeout.ms"))));
        assert_eq!(c.groups["g"].state, GroupState::Empty);
    }

    /// `Utils.abs(groupId.hashCode()) % 50`, with the digest's corner case.
    #[test]
    fn coordinator_partition_matches_kafka() {
        assert_eq!(string_hash_code("polygenelubricants"), i32::MIN);
        assert_eq!(partition_for("polygenelubricants", 50), 0);
        // "g1".hashCode() = 'g'*31 + '1' = 103*31 + 49 = 3242.
        assert_eq!(partition_for("g1", 50), 3242 % 50);
    }
}
