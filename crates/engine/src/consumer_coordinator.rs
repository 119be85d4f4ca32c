//! The consumer's side of a consumer group, classic protocol (`ConsumerCoordinator`,
//! `AbstractCoordinator`): find the coordinator, join, run the assignor when elected leader,
//! sync, heartbeat, commit offsets, and rebalance eagerly (revoke everything) or
//! cooperatively (revoke only what moves, then rejoin).

use crate::assignor::{
    assign_with_context, rebalance_protocol, AssignContext, AssignorName, RebalanceProtocol,
    Subscription, TopicPartition,
};
use crate::consumer::{CommitMode, Consumer, ConsumerSettings};
use crate::error::{ErrorCode, SimError, SimResult};
use crate::message::{CoordinatorType, Message};
use crate::sim::{Ctx, Timer};
use crate::trace::TraceKind;
use crate::types::{BrokerId, Millis, NodeId, Tp};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    /// Not in the group (before the first join, or after being kicked out).
    Unjoined,
    /// JoinGroup sent.
    Joining,
    /// SyncGroup sent.
    Syncing,
    Stable,
    /// Left the group on purpose (graceful shutdown).
    Left,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    pub group: String,
    pub coordinator: Option<BrokerId>,
    pub member_id: String,
    pub generation: i32,
    pub state: MemberState,
    pub protocol: Option<String>,
    pub leader: Option<String>,
    pub assignors: Vec<AssignorName>,
    pub rebalance_protocol: RebalanceProtocol,
    pub rejoin_needed: bool,
    pub rebalances: u32,
    /// Why the last rebalance started (for the page).
    pub last_reason: String,
    find_in_flight: Option<u64>,
    join_in_flight: Option<u64>,
    sync_in_flight: Option<u64>,
    heartbeat_in_flight: Option<u64>,
    leave_in_flight: Option<u64>,
    commits_in_flight: VecMap<u64, Vec<(Tp, i64)>>,
    fetch_committed_in_flight: VecMap<u64, Vec<Tp>>,
    next_heartbeat: Millis,
    next_auto_commit: Millis,
    coordinator_backoff_until: Millis,
    fetch_backoff_until: Millis,
    /// The last committed offset per partition, as the coordinator confirmed it.
    pub committed: VecMap<Tp, i64>,
}

impl Membership {
    /// JoinGroup or SyncGroup in flight (`AbstractCoordinator.rebalanceInProgress`).
    fn rebalancing(&self) -> bool {
        matches!(self.state, MemberState::Joining | MemberState::Syncing)
    }
}

impl Membership {
    pub fn new(group: &str, settings: &ConsumerSettings) -> SimResult<Self> {
        if group.trim().is_empty() {
            return Err(SimError::command("group.id must not be empty"));
        }
        let mut assignors = Vec::new();
        for s in &settings.assignment_strategy {
            let a = AssignorName::from_str(s).map_err(|_| {
                SimError::config(
                    "partition.assignment.strategy",
                    format!("unknown assignor '{s}': use range, roundrobin, sticky or cooperative-sticky (or Kafka's class names)"),
                )
            })?;
            assignors.push(a);
        }
        if assignors.is_empty() {
            return Err(SimError::config(
                "partition.assignment.strategy",
                "at least one assignor is required",
            ));
        }
        Ok(Membership {
            group: group.to_string(),
            coordinator: None,
            member_id: String::new(),
            generation: -1,
            state: MemberState::Unjoined,
            protocol: None,
            leader: None,
            rebalance_protocol: rebalance_protocol(&assignors),
            assignors,
            rejoin_needed: true,
            rebalances: 0,
            last_reason: "joining for the first time".into(),
            find_in_flight: None,
            join_in_flight: None,
            sync_in_flight: None,
            heartbeat_in_flight: None,
            leave_in_flight: None,
            commits_in_flight: VecMap::new(),
            fetch_committed_in_flight: VecMap::new(),
            next_heartbeat: 0,
            next_auto_commit: 0,
            coordinator_backoff_until: 0,
            fetch_backoff_until: 0,
            committed: VecMap::new(),
        })
    }

    pub(crate) fn has_commits_in_flight(&self) -> bool {
        !self.commits_in_flight.is_empty()
    }

    fn in_flight(&self, corr: u64) -> bool {
        [
            self.find_in_flight,
            self.join_in_flight,
            self.sync_in_flight,
            self.heartbeat_in_flight,
            self.leave_in_flight,
        ]
        .contains(&Some(corr))
            || self.commits_in_flight.contains_key(&corr)
            || self.fetch_committed_in_flight.contains_key(&corr)
    }
}

fn tp_name(c: &Consumer, tp: Tp) -> Option<TopicPartition> {
    c.metadata
        .name_of(tp.topic)
        .map(|n| TopicPartition::new(n, tp.partition))
}

fn tp_id(c: &Consumer, tp: &TopicPartition) -> Option<Tp> {
    c.metadata
        .topic(&tp.topic)
        .map(|t| Tp::new(t.id, tp.partition))
}

impl Consumer {
    fn group_event(&self, ctx: &mut Ctx, event: String) {
        if let Some(m) = &self.membership {
            ctx.emit(TraceKind::Group {
                group: m.group.clone(),
                event: format!("{}: {event}", self.name),
            });
        }
    }

    /// Can the application poll? The classic consumer's poll() does not wait for a rebalance
    /// to complete: it fetches whatever the member still owns (`ClassicKafkaConsumer.poll`).
    /// An eager member gave up everything when it rejoined; a cooperative one keeps consuming
    /// the partitions it owns until the assignment takes some of them away.
    pub(crate) fn can_poll(&self) -> bool {
        match &self.membership {
            None => true,
            Some(m) => {
                m.state == MemberState::Stable
                    || (m.rebalance_protocol == RebalanceProtocol::Cooperative && m.rebalancing())
            }
        }
    }

    /// Drive the membership: coordinator discovery, join/sync, heartbeats, committed offsets.
    pub(crate) fn group_step(&mut self, ctx: &mut Ctx) {
        // group.protocol=consumer: the KIP-848 membership (consumer_membership.rs).
        if self.consumer_membership.is_some() {
            return self.consumer_protocol_step(ctx);
        }
        let now = ctx.now;
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        if m.state == MemberState::Left {
            return;
        }
        // max.poll.interval.ms: a member whose application stopped polling leaves the group.
        if m.state == MemberState::Stable
            && !self.in_progress.is_empty()
            && now.saturating_sub(self.last_poll) > self.settings.max_poll_interval_ms
        {
            let interval = self.settings.max_poll_interval_ms;
            self.send_leave(ctx, "consumer poll timeout has expired");
            self.error(
                ctx,
                ErrorCode::RebalanceInProgress,
                format!("max.poll.interval.ms={interval} exceeded: processing took too long, the member left the group"),
            );
            if let Some(m) = self.membership.as_mut() {
                m.state = MemberState::Unjoined;
                m.member_id.clear();
                m.generation = -1;
                m.rejoin_needed = true;
                m.last_reason = "rejoining after exceeding max.poll.interval.ms".into();
            }
            return;
        }
        // 1. The coordinator.
        if m.coordinator.is_none() {
            if m.find_in_flight.is_none() && now >= m.coordinator_backoff_until {
                if let Some(node) = self.metadata.pick_node(now) {
                    let corr = {
                        self.next_corr += 1;
                        self.next_corr
                    };
                    let group = m.group.clone();
                    ctx.send(
                        NodeId::Broker(node),
                        Message::FindCoordinator {
                            corr,
                            key: group,
                            key_type: CoordinatorType::Group,
                        },
                    );
                    ctx.set_timer(
                        self.settings.request_timeout_ms,
                        Timer::RequestTimeout(corr),
                    );
                    if let Some(m) = self.membership.as_mut() {
                        m.find_in_flight = Some(corr);
                    }
                }
            } else if now < m.coordinator_backoff_until {
                let at = m.coordinator_backoff_until;
                self.waker.wake_at(ctx, at);
            }
            return;
        }
        let coordinator = m.coordinator.unwrap_or(0);
        // 2. Join when needed (and the topics' metadata is known, so the leader can assign).
        // The classic consumer joins from the application's poll(), not from its heartbeat
        // thread: a member still processing its last batch holds up the whole rebalance.
        if m.rejoin_needed
            && m.join_in_flight.is_none()
            && m.sync_in_flight.is_none()
            && now >= self.busy_until
            && self.topics.iter().all(|t| self.metadata.topic(t).is_some())
        {
            self.send_join(ctx, coordinator);
            return;
        }
        // 3. Heartbeats while in the group.
        // Runs after every fetch response: the member's id and group are copied only for a
        // heartbeat that goes out.
        let m = self
            .membership
            .as_ref()
            .map(|m| (m.state, m.heartbeat_in_flight, m.next_heartbeat));
        if let Some((state, hb, next)) = m {
            if matches!(state, MemberState::Stable | MemberState::Syncing) && hb.is_none() {
                if now >= next {
                    let Some((generation, member_id, group)) = self
                        .membership
                        .as_ref()
                        .map(|m| (m.generation, m.member_id.clone(), m.group.clone()))
                    else {
                        return;
                    };
                    let corr = {
                        self.next_corr += 1;
                        self.next_corr
                    };
                    ctx.send(
                        NodeId::Broker(coordinator),
                        Message::Heartbeat {
                            corr,
                            group,
                            generation,
                            member_id,
                        },
                    );
                    ctx.set_timer(
                        self.settings.request_timeout_ms,
                        Timer::RequestTimeout(corr),
                    );
                    if let Some(m) = self.membership.as_mut() {
                        m.heartbeat_in_flight = Some(corr);
                        m.next_heartbeat = now + self.settings.heartbeat_interval_ms;
                    }
                    ctx.set_timer(self.settings.heartbeat_interval_ms, Timer::Heartbeat);
                } else {
                    // One wake-up at the next heartbeat, however often the client runs before
                    // it (a timer per run left thousands pending at scale, all firing at once).
                    self.waker.wake_at(ctx, next);
                }
            }
        }
        // 4. Committed offsets for partitions that have no position yet.
        let wanted = self.committed_wanted();
        if !wanted.is_empty()
            && ctx.now
                >= self
                    .membership
                    .as_ref()
                    .map_or(0, |m| m.fetch_backoff_until)
            && self
                .membership
                .as_ref()
                .is_some_and(|m| m.state == MemberState::Stable)
        {
            let names: Vec<TopicPartition> =
                wanted.iter().filter_map(|tp| tp_name(self, *tp)).collect();
            let corr = {
                self.next_corr += 1;
                self.next_corr
            };
            let group = self
                .membership
                .as_ref()
                .map(|m| m.group.clone())
                .unwrap_or_default();
            ctx.send(
                NodeId::Broker(coordinator),
                Message::OffsetFetch {
                    corr,
                    group,
                    partitions: names,
                    require_stable: self.settings.isolation == crate::message::Isolation::Committed,
                },
            );
            ctx.set_timer(
                self.settings.request_timeout_ms,
                Timer::RequestTimeout(corr),
            );
            for tp in &wanted {
                if let Some(s) = self.partitions.get_mut(tp) {
                    s.fetching_committed = true;
                }
            }
            if let Some(m) = self.membership.as_mut() {
                m.fetch_committed_in_flight.insert(corr, wanted);
            }
        }
    }

    fn send_join(&mut self, ctx: &mut Ctx, coordinator: BrokerId) {
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        // onJoinPrepare: commit (auto-commit mode), then revoke (eager: everything).
        if self.commit_mode == CommitMode::Auto && m.state == MemberState::Stable {
            let positions = self.consumed_positions();
            if !positions.is_empty() {
                self.commit(ctx, positions, "auto-commit before rebalancing");
            }
        }
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        let eager = m.rebalance_protocol == RebalanceProtocol::Eager;
        let owned: Vec<TopicPartition> = self
            .assignment
            .iter()
            .filter_map(|tp| tp_name(self, *tp))
            .collect();
        if eager && !self.assignment.is_empty() {
            let n = self.assignment.len();
            self.group_event(
                ctx,
                format!("revokes all {n} partition(s) before rejoining (eager)"),
            );
            self.set_assignment(VecSet::new());
        }
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        let generation = m.generation;
        let mut sub = Subscription::new(m.member_id.clone(), self.topics.clone());
        sub.owned_partitions = owned;
        sub.generation = if generation >= 0 {
            Some(generation)
        } else {
            None
        };
        sub.group_instance_id = self.settings.group_instance_id.clone();
        let protocols: Vec<(String, Subscription)> = m
            .assignors
            .iter()
            .map(|a| (a.name().to_string(), sub.clone()))
            .collect();
        let corr = {
            self.next_corr += 1;
            self.next_corr
        };
        let msg = Message::JoinGroup {
            corr,
            group: m.group.clone(),
            member_id: m.member_id.clone(),
            instance_id: self.settings.group_instance_id.clone(),
            client_id: self.name.clone(),
            session_timeout_ms: self.settings.session_timeout_ms,
            rebalance_timeout_ms: self.settings.max_poll_interval_ms,
            protocols,
        };
        let reason = m.last_reason.clone();
        ctx.send(NodeId::Broker(coordinator), msg);
        // JoinGroup waits for the whole group: its timeout is the rebalance timeout plus slack.
        ctx.set_timer(
            self.settings.max_poll_interval_ms + 5_000,
            Timer::RequestTimeout(corr),
        );
        if let Some(m) = self.membership.as_mut() {
            m.join_in_flight = Some(corr);
            m.state = MemberState::Joining;
            m.rejoin_needed = false;
        }
        self.group_event(ctx, format!("sends JoinGroup ({reason})"));
    }

    pub(crate) fn send_leave(&mut self, ctx: &mut Ctx, reason: &str) {
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        let (Some(coord), false) = (m.coordinator, m.member_id.is_empty()) else {
            return;
        };
        let corr = {
            self.next_corr += 1;
            self.next_corr
        };
        ctx.send(
            NodeId::Broker(coord),
            Message::LeaveGroup {
                corr,
                group: m.group.clone(),
                member_id: m.member_id.clone(),
                reason: reason.to_string(),
            },
        );
        if let Some(m) = self.membership.as_mut() {
            m.leave_in_flight = Some(corr);
        }
        self.group_event(ctx, format!("sends LeaveGroup ({reason})"));
        self.set_assignment(VecSet::new());
    }

    /// Graceful shutdown (`consumer.close()`): commit if auto-committing, then leave.
    pub fn close(&mut self, ctx: &mut Ctx) {
        // group.protocol=consumer: the KIP-848 membership (consumer_membership.rs).
        if self.consumer_membership.is_some() {
            return self.consumer_protocol_close(ctx);
        }
        if self.commit_mode == CommitMode::Auto
            && self
                .membership
                .as_ref()
                .is_some_and(|m| m.state == MemberState::Stable)
        {
            let positions = self.consumed_positions();
            if !positions.is_empty() {
                self.commit(ctx, positions, "auto-commit on close");
            }
        }
        self.send_leave(ctx, "the consumer is being closed");
        if let Some(m) = self.membership.as_mut() {
            m.state = MemberState::Left;
        }
        self.alive = false;
    }

    /// `commitSync`/`commitAsync` of `offsets` (the next offset to read per partition).
    pub fn commit(&mut self, ctx: &mut Ctx, offsets: Vec<(Tp, i64)>, why: &str) {
        // group.protocol=consumer: the KIP-848 membership (consumer_membership.rs).
        if self.consumer_membership.is_some() {
            self.consumer_protocol_commit(ctx, offsets, why);
            return;
        }
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        if offsets.is_empty() {
            return;
        }
        // The classic consumer commits only with a stable generation (`generationIfStable`):
        // while it rebalances, the commit fails at once with RebalanceInProgressException.
        if m.rebalancing() {
            self.error(
                ctx,
                ErrorCode::RebalanceInProgress,
                format!("{why} failed: the consumer is rebalancing; the offsets stay uncommitted"),
            );
            return;
        }
        let Some(coord) = m.coordinator else { return };
        let named: Vec<(TopicPartition, i64)> = offsets
            .iter()
            .filter_map(|(tp, o)| tp_name(self, *tp).map(|n| (n, *o)))
            .collect();
        let corr = {
            self.next_corr += 1;
            self.next_corr
        };
        let (group, generation, member_id) = (m.group.clone(), m.generation, m.member_id.clone());
        ctx.send(
            NodeId::Broker(coord),
            Message::OffsetCommit {
                corr,
                group,
                generation,
                member_id,
                offsets: named.clone(),
            },
        );
        ctx.set_timer(
            self.settings.request_timeout_ms,
            Timer::RequestTimeout(corr),
        );
        if let Some(m) = self.membership.as_mut() {
            m.commits_in_flight.insert(corr, offsets);
        }
        let summary: Vec<String> = named.iter().map(|(tp, o)| format!("{tp}@{o}")).collect();
        self.group_event(ctx, format!("commits {} ({why})", summary.join(" ")));
    }

    pub(crate) fn maybe_auto_commit(&mut self, ctx: &mut Ctx) {
        // group.protocol=consumer: the KIP-848 membership (consumer_membership.rs).
        if self.consumer_membership.is_some() {
            return self.consumer_protocol_auto_commit(ctx);
        }
        let now = ctx.now;
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        if m.state != MemberState::Stable {
            return;
        }
        if now < m.next_auto_commit {
            let at = m.next_auto_commit;
            self.waker.wake_at(ctx, at);
            return;
        }
        let positions: Vec<(Tp, i64)> = self
            .consumed_positions()
            .into_iter()
            .filter(|(tp, o)| m.committed.get(tp) != Some(o))
            .collect();
        if let Some(m) = self.membership.as_mut() {
            m.next_auto_commit = now + self.settings.auto_commit_interval_ms;
        }
        let at = now + self.settings.auto_commit_interval_ms;
        self.waker.wake_at(ctx, at);
        if !positions.is_empty() {
            self.commit(ctx, positions, "auto-commit");
        }
    }

    fn lose_coordinator(&mut self, ctx: &mut Ctx, why: &str) {
        let backoff = self.settings.retry_backoff_ms.max(100);
        if let Some(m) = self.membership.as_mut() {
            m.coordinator = None;
            m.find_in_flight = None;
            m.heartbeat_in_flight = None;
            m.coordinator_backoff_until = ctx.now + backoff;
            if m.join_in_flight.take().is_some() || m.sync_in_flight.take().is_some() {
                m.rejoin_needed = true;
                m.state = MemberState::Unjoined;
            }
        }
        self.group_event(ctx, format!("lost its coordinator ({why})"));
    }

    fn reset_generation(&mut self, ctx: &mut Ctx, forget_member_id: bool, why: &str) {
        // onPartitionsLost: the member's partitions may already belong to someone else.
        if !self.assignment.is_empty() {
            let n = self.assignment.len();
            self.group_event(ctx, format!("lost {n} partition(s): {why}"));
        }
        self.set_assignment(VecSet::new());
        if let Some(m) = self.membership.as_mut() {
            m.generation = -1;
            if forget_member_id {
                m.member_id.clear();
            }
            m.state = MemberState::Unjoined;
            m.rejoin_needed = true;
            m.last_reason = why.to_string();
        }
    }

    /// A request timed out or its connection dropped.
    pub(crate) fn group_request_failed(&mut self, ctx: &mut Ctx, corr: u64) {
        // group.protocol=consumer: the KIP-848 membership (consumer_membership.rs).
        if self.consumer_membership.is_some() {
            return self.consumer_protocol_request_failed(ctx, corr);
        }
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        if !m.in_flight(corr) {
            return;
        }
        let fetches = m.fetch_committed_in_flight.get(&corr).cloned();
        if let Some(tps) = fetches {
            for tp in tps {
                if let Some(s) = self.partitions.get_mut(&tp) {
                    s.fetching_committed = false;
                }
            }
        }
        if let Some(m) = self.membership.as_mut() {
            m.fetch_committed_in_flight.remove(&corr);
            m.commits_in_flight.remove(&corr);
            if m.leave_in_flight == Some(corr) {
                m.leave_in_flight = None;
            }
        }
        self.lose_coordinator(ctx, "request failed");
    }

    /// Handle group responses; returns the message back if it is not a group response.
    pub(crate) fn on_group_message(
        &mut self,
        ctx: &mut Ctx,
        _from: NodeId,
        msg: Message,
    ) -> Option<Message> {
        // group.protocol=consumer: the KIP-848 membership (consumer_membership.rs).
        if self.consumer_membership.is_some() {
            return self.on_consumer_protocol_message(ctx, msg);
        }
        let now = ctx.now;
        match msg {
            Message::FindCoordinatorResponse { corr, error, node } => {
                let m = self.membership.as_mut()?;
                if m.find_in_flight != Some(corr) {
                    return None;
                }
                m.find_in_flight = None;
                match error {
                    None => {
                        m.coordinator = Some(node);
                        let g = m.group.clone();
                        self.group_event(
                            ctx,
                            format!("found coordinator broker-{node} for group {g}"),
                        );
                    }
                    Some(_) => {
                        m.coordinator_backoff_until = now + self.settings.retry_backoff_ms.max(100);
                    }
                }
                None
            }
            Message::JoinGroupResponse {
                corr,
                error,
                generation,
                protocol,
                leader,
                member_id,
                members,
            } => {
                let m = self.membership.as_mut()?;
                if m.join_in_flight != Some(corr) {
                    return None;
                }
                m.join_in_flight = None;
                match error {
                    Some(ErrorCode::MemberIdRequired) => {
                        m.member_id = member_id;
                        m.rejoin_needed = true;
                        m.state = MemberState::Unjoined;
                    }
                    Some(ErrorCode::UnknownMemberId) => {
                        self.reset_generation(
                            ctx,
                            true,
                            "the coordinator does not know this member",
                        );
                    }
                    Some(
                        ErrorCode::NotCoordinator
                        | ErrorCode::CoordinatorNotAvailable
                        | ErrorCode::CoordinatorLoadInProgress,
                    ) => {
                        self.lose_coordinator(ctx, "NOT_COORDINATOR");
                        if let Some(m) = self.membership.as_mut() {
                            m.rejoin_needed = true;
                        }
                    }
                    Some(
                        e @ (ErrorCode::InconsistentGroupProtocol
                        | ErrorCode::InvalidSessionTimeout),
                    ) => {
                        let g = m.group.clone();
                        m.state = MemberState::Left;
                        self.error(ctx, e, format!("cannot join group {g}"));
                    }
                    Some(_) => {
                        m.rejoin_needed = true;
                        m.state = MemberState::Unjoined;
                    }
                    None => {
                        m.member_id = member_id.clone();
                        m.generation = generation;
                        m.protocol = protocol.clone();
                        m.leader = Some(leader.clone());
                        m.state = MemberState::Syncing;
                        m.rebalances += 1;
                        let coordinator = m.coordinator.unwrap_or(0);
                        let group = m.group.clone();
                        let is_leader = leader == member_id;
                        self.group_event(
                            ctx,
                            format!(
                                "joined generation {generation} as {}{} (assignor {})",
                                member_id,
                                if is_leader { ", the group leader" } else { "" },
                                protocol.clone().unwrap_or_default()
                            ),
                        );
                        let assignments = if is_leader {
                            self.leader_assign(ctx, protocol.as_deref(), &members)
                        } else {
                            Vec::new()
                        };
                        let corr = {
                            self.next_corr += 1;
                            self.next_corr
                        };
                        ctx.send(
                            NodeId::Broker(coordinator),
                            Message::SyncGroup {
                                corr,
                                group,
                                generation,
                                member_id,
                                assignments,
                            },
                        );
                        ctx.set_timer(
                            self.settings.max_poll_interval_ms + 5_000,
                            Timer::RequestTimeout(corr),
                        );
                        if let Some(m) = self.membership.as_mut() {
                            m.sync_in_flight = Some(corr);
                        }
                    }
                }
                None
            }
            Message::SyncGroupResponse {
                corr,
                error,
                assignment,
            } => {
                let m = self.membership.as_mut()?;
                if m.sync_in_flight != Some(corr) {
                    return None;
                }
                m.sync_in_flight = None;
                match error {
                    None => {
                        let new: VecSet<Tp> =
                            assignment.iter().filter_map(|tp| tp_id(self, tp)).collect();
                        self.on_assignment(ctx, new);
                    }
                    Some(ErrorCode::UnknownMemberId) => {
                        self.reset_generation(ctx, true, "UNKNOWN_MEMBER_ID on SyncGroup")
                    }
                    Some(ErrorCode::IllegalGeneration) => {
                        self.reset_generation(ctx, false, "ILLEGAL_GENERATION on SyncGroup")
                    }
                    Some(ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable) => {
                        self.lose_coordinator(ctx, "NOT_COORDINATOR");
                        if let Some(m) = self.membership.as_mut() {
                            m.rejoin_needed = true;
                        }
                    }
                    Some(_) => {
                        if let Some(m) = self.membership.as_mut() {
                            m.rejoin_needed = true;
                            m.state = MemberState::Unjoined;
                            m.last_reason = "the group started another rebalance".into();
                        }
                    }
                }
                None
            }
            Message::HeartbeatResponse { corr, error } => {
                let m = self.membership.as_mut()?;
                if m.heartbeat_in_flight != Some(corr) {
                    return None;
                }
                m.heartbeat_in_flight = None;
                match error {
                    None => {}
                    Some(ErrorCode::RebalanceInProgress)
                        if m.join_in_flight.is_none() && !m.rejoin_needed =>
                    {
                        m.rejoin_needed = true;
                        m.last_reason =
                            "the coordinator answered a heartbeat with REBALANCE_IN_PROGRESS"
                                .into();
                        let event = if self.busy_until > ctx.now {
                            format!(
                                "heartbeat: REBALANCE_IN_PROGRESS → rejoins at its next poll(), \
                                 after {} ms of processing; the group waits",
                                self.busy_until - ctx.now
                            )
                        } else {
                            "heartbeat: REBALANCE_IN_PROGRESS → rejoining".into()
                        };
                        self.group_event(ctx, event);
                    }
                    // Already rejoining: the member joins from its next poll().
                    Some(ErrorCode::RebalanceInProgress) => {}
                    Some(ErrorCode::UnknownMemberId) => self.reset_generation(
                        ctx,
                        true,
                        "the coordinator removed this member (UNKNOWN_MEMBER_ID)",
                    ),
                    Some(ErrorCode::IllegalGeneration) => self.reset_generation(
                        ctx,
                        false,
                        "its generation is stale (ILLEGAL_GENERATION)",
                    ),
                    Some(_) => self.lose_coordinator(ctx, "heartbeat failed"),
                }
                None
            }
            Message::LeaveGroupResponse { corr, .. } => {
                if let Some(m) = self.membership.as_mut() {
                    if m.leave_in_flight == Some(corr) {
                        m.leave_in_flight = None;
                    }
                }
                None
            }
            Message::OffsetCommitResponse { corr, results } => {
                let m = self.membership.as_mut()?;
                let sent = m.commits_in_flight.remove(&corr)?;
                let mut failed = None;
                for ((tp, offset), (_, err)) in sent.iter().zip(results.iter()) {
                    match err {
                        None => {
                            m.committed.insert(*tp, *offset);
                        }
                        Some(e) => failed = Some(*e),
                    }
                }
                if let Some(e) = failed {
                    let detail = format!("offset commit failed: {}", e.explain());
                    self.error(ctx, e, detail);
                    if matches!(
                        e,
                        ErrorCode::IllegalGeneration
                            | ErrorCode::UnknownMemberId
                            | ErrorCode::RebalanceInProgress
                    ) {
                        if let Some(m) = self.membership.as_mut() {
                            if m.state == MemberState::Stable {
                                m.rejoin_needed = true;
                                m.last_reason = format!("offset commit failed with {e}");
                            }
                        }
                    } else if matches!(
                        e,
                        ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable
                    ) {
                        self.lose_coordinator(ctx, "NOT_COORDINATOR on commit");
                    }
                }
                None
            }
            Message::OffsetFetchResponse {
                corr,
                error,
                offsets,
            } => {
                let m = self.membership.as_mut()?;
                let tps = m.fetch_committed_in_flight.remove(&corr)?;
                if error == Some(ErrorCode::UnstableOffsetCommit) {
                    // A transaction still holds offsets for these partitions: retry later.
                    m.fetch_backoff_until = ctx.now + self.settings.retry_backoff_ms.max(50);
                    for tp in &tps {
                        if let Some(s) = self.partitions.get_mut(tp) {
                            s.fetching_committed = false;
                        }
                    }
                    let at = ctx.now + self.settings.retry_backoff_ms.max(50);
                    self.waker.wake_at(ctx, at);
                    return None;
                }
                if error.is_some() {
                    for tp in &tps {
                        if let Some(s) = self.partitions.get_mut(tp) {
                            s.fetching_committed = false;
                        }
                    }
                    self.lose_coordinator(ctx, "offset fetch failed");
                    return None;
                }
                for (tpn, offset) in offsets {
                    let Some(tp) = tp_id(self, &tpn) else {
                        continue;
                    };
                    if let Some(m) = self.membership.as_mut() {
                        if offset >= 0 {
                            m.committed.insert(tp, offset);
                        }
                    }
                    if let Some(s) = self.partitions.get_mut(&tp) {
                        s.fetching_committed = false;
                        s.needs_committed = false;
                        if offset >= 0 && s.position.is_none() {
                            s.position = Some(offset);
                        }
                    }
                }
                // Partitions without a committed offset fall to auto.offset.reset.
                for tp in tps {
                    if let Some(s) = self.partitions.get_mut(&tp) {
                        s.fetching_committed = false;
                        s.needs_committed = false;
                    }
                }
                None
            }
            other => Some(other),
        }
    }

    /// The leader runs the assignor on everyone's subscriptions.
    fn leader_assign(
        &mut self,
        ctx: &mut Ctx,
        protocol: Option<&str>,
        members: &[Subscription],
    ) -> Vec<(String, Vec<TopicPartition>)> {
        let Some(name) = protocol.and_then(|p| AssignorName::from_str(p).ok()) else {
            return Vec::new();
        };
        let mut counts: VecMap<String, i32> = VecMap::new();
        for m in members {
            for t in &m.topics {
                if let Some(info) = self.metadata.topic(t) {
                    counts.insert(t.clone(), info.count());
                }
            }
        }
        match assign_with_context(name, &counts, members, &AssignContext::default()) {
            Ok(out) => {
                if !out.withheld.is_empty() {
                    let w: Vec<String> = out
                        .withheld
                        .iter()
                        .map(|(tp, to)| format!("{tp}→{to}"))
                        .collect();
                    self.group_event(
                        ctx,
                        format!(
                            "cooperative: withholds {} until their owners revoke them",
                            w.join(", ")
                        ),
                    );
                }
                out.assignment.into_iter().collect()
            }
            Err(e) => {
                self.error(
                    ctx,
                    ErrorCode::InconsistentGroupProtocol,
                    format!("assignor failed: {e}"),
                );
                Vec::new()
            }
        }
    }

    fn on_assignment(&mut self, ctx: &mut Ctx, new: VecSet<Tp>) {
        let now = ctx.now;
        let Some(m) = self.membership.as_ref() else {
            return;
        };
        let cooperative = m.rebalance_protocol == RebalanceProtocol::Cooperative;
        let generation = m.generation;
        let revoked: Vec<Tp> = self
            .assignment
            .iter()
            .filter(|tp| !new.contains(tp))
            .copied()
            .collect();
        let added: Vec<Tp> = new
            .iter()
            .filter(|tp| !self.assignment.contains(tp))
            .copied()
            .collect();
        let names = |c: &Consumer, v: &[Tp]| -> String {
            let s: Vec<String> = v
                .iter()
                .filter_map(|tp| tp_name(c, *tp))
                .map(|t| t.to_string())
                .collect();
            if s.is_empty() {
                "nothing".into()
            } else {
                s.join(", ")
            }
        };
        let msg = if cooperative {
            format!(
                "generation {generation}: keeps {}, gets {}, revokes {}",
                new.len() - added.len(),
                names(self, &added),
                names(self, &revoked)
            )
        } else {
            format!(
                "generation {generation}: assigned {}",
                names(self, &new.iter().copied().collect::<Vec<_>>())
            )
        };
        self.group_event(ctx, msg);
        self.set_assignment(new);
        if let Some(m) = self.membership.as_mut() {
            m.state = MemberState::Stable;
            m.next_heartbeat = now + self.settings.heartbeat_interval_ms;
            // "Reschedule the auto commit starting from now" (`onJoinComplete`).
            m.next_auto_commit = now + self.settings.auto_commit_interval_ms;
            if cooperative && !revoked.is_empty() {
                // Partitions revoked in a cooperative rebalance go to their new owner in a
                // follow-up rebalance.
                m.rejoin_needed = true;
                m.last_reason =
                    "revoked partitions in a cooperative rebalance; rejoining so they can move"
                        .into();
            }
        }
        ctx.set_timer(self.settings.heartbeat_interval_ms, Timer::Heartbeat);
    }
}
