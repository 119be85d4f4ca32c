//! The consumer's side of the KIP-848 consumer group protocol (`group.protocol=consumer`,
//! Kafka 4.0): the new consumer's `ConsumerMembershipManager` / `AbstractMembershipManager`
//! (member states and reconciliation) and `ConsumerHeartbeatRequestManager` (when to
//! heartbeat and which fields a heartbeat carries).
//!
//! There is no JoinGroup/SyncGroup and no group leader: the member heartbeats every
//! `heartbeat_interval_ms` (the coordinator says how often), the coordinator answers with the
//! member's epoch and, when it changed, its assignment. The member reconciles: it commits
//! (when auto-committing), revokes what is no longer assigned, takes what is new, and
//! acknowledges with its next heartbeat, sent at once. Partitions that stay keep being
//! fetched and processed throughout. A fenced member (`FENCED_MEMBER_EPOCH`,
//! `UNKNOWN_MEMBER_ID`) loses its partitions without committing and rejoins with epoch 0.
//! `partition.assignment.strategy`, `session.timeout.ms` and `heartbeat.interval.ms` do not
//! apply to this protocol (Kafka 4.0 refuses them; so does the simulator).

use crate::assignor::TopicPartition;
use crate::config::{Props, CONSUMER_CONFIGS};
use crate::consumer::{CommitMode, Consumer, ConsumerSettings};
use crate::consumer_group::{LEAVE_GROUP_MEMBER_EPOCH, LEAVE_GROUP_STATIC_MEMBER_EPOCH};
use crate::error::{ErrorCode, SimError, SimResult};
use crate::message::{CoordinatorType, Message};
use crate::sim::{Ctx, Timer};
use crate::sort::SortShared;
use crate::trace::TraceKind;
use crate::types::{BrokerId, Millis, NodeId, Tp};
use crate::vecmap::{VecMap, VecSet};
use rand_core::RngCore;
use serde::{Deserialize, Serialize};

/// The client's `MemberState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemberState {
    /// Not in the group (before subscribing, or after leaving).
    Unsubscribed,
    /// Heartbeating with epoch 0 until the coordinator gives an epoch.
    Joining,
    /// A new assignment arrived and is being applied (commit, revoke, assign).
    Reconciling,
    /// The assignment is applied; the next heartbeat, sent at once, acknowledges it.
    Acknowledging,
    Stable,
    /// Kicked out (`FENCED_MEMBER_EPOCH`, `UNKNOWN_MEMBER_ID`): gives up its partitions and
    /// rejoins.
    Fenced,
    PrepareLeaving,
    /// The next heartbeat (epoch -1, or -2 for a static member) leaves the group.
    Leaving,
    /// An unrecoverable error: no more requests.
    Fatal,
    /// Left because `max.poll.interval.ms` expired; rejoins when the application polls again.
    Stale,
}

impl MemberState {
    /// `canHandleNewAssignment`.
    fn can_handle_new_assignment(self) -> bool {
        matches!(
            self,
            MemberState::Stable
                | MemberState::Joining
                | MemberState::Acknowledging
                | MemberState::Reconciling
        )
    }
    /// `isNotInGroup`.
    fn not_in_group(self) -> bool {
        matches!(
            self,
            MemberState::Unsubscribed
                | MemberState::Fenced
                | MemberState::Fatal
                | MemberState::Stale
        )
    }
}

/// What the previous heartbeats carried (`HeartbeatState.sentFields`): a field is sent again
/// only when it changed, or when everything is sent (joining, after an error).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
struct SentFields {
    rebalance_timeout_ms: Option<i32>,
    topics: Option<Vec<String>>,
    server_assignor: Option<String>,
    /// The local assignment epoch whose partitions were last reported.
    local_epoch: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerMembershipManager {
    pub group: String,
    pub coordinator: Option<BrokerId>,
    /// Chosen by the consumer (a random `Uuid`, KIP-1082) and kept for its lifetime.
    pub member_id: String,
    pub member_epoch: i32,
    pub state: MemberState,
    pub instance_id: Option<String>,
    /// `group.remote.assignor` (None: the coordinator's default, `uniform`).
    pub server_assignor: Option<String>,
    /// How often to heartbeat, as the coordinator last said (0 before the first response).
    pub heartbeat_interval_ms: Millis,
    /// The assignment the coordinator sent last (`currentTargetAssignment`).
    pub target: Option<VecSet<TopicPartition>>,
    /// The assignment applied locally (`currentAssignment`; `None` before the first one).
    pub current: Option<VecSet<TopicPartition>>,
    /// Reconciliations applied so far.
    pub reconciliations: u32,
    local_epoch: u64,
    sent: SentFields,
    find_in_flight: Option<u64>,
    heartbeat_in_flight: Option<u64>,
    next_heartbeat: Millis,
    coordinator_backoff_until: Millis,
    /// A reconciliation in progress: the target it applies, and the auto-commit it waits for.
    reconciling: Option<(VecSet<TopicPartition>, Option<u64>)>,
    commits_in_flight: VecMap<u64, Vec<(Tp, i64)>>,
    fetch_committed_in_flight: VecMap<u64, Vec<Tp>>,
    next_auto_commit: Millis,
    /// The last committed offset per partition, as the coordinator confirmed it.
    pub committed: VecMap<Tp, i64>,
}

/// Configs that only the classic protocol has (`ConsumerConfig.CLASSIC_PROTOCOL_ONLY_CONFIGS`
/// in Kafka 4.0: setting one with `group.protocol=consumer` is a `ConfigException`).
const CLASSIC_ONLY: [&str; 3] = [
    "partition.assignment.strategy",
    "session.timeout.ms",
    "heartbeat.interval.ms",
];

impl ConsumerMembershipManager {
    pub fn new(group: &str, settings: &ConsumerSettings, config: &Props) -> SimResult<Self> {
        if group.trim().is_empty() {
            return Err(SimError::command("group.id must not be empty"));
        }
        for key in CLASSIC_ONLY {
            if config.is_set(key) {
                return Err(SimError::config(
                    key,
                    format!("{key} cannot be set when group.protocol=consumer: it belongs to the classic protocol (the coordinator assigns partitions and sets the heartbeat interval; the session timeout is the broker's group.consumer.session.timeout.ms)"),
                ));
            }
        }
        Ok(ConsumerMembershipManager {
            group: group.to_string(),
            coordinator: None,
            member_id: String::new(),
            member_epoch: 0,
            state: MemberState::Joining,
            instance_id: settings.group_instance_id.clone(),
            server_assignor: settings.remote_assignor.clone().filter(|a| !a.is_empty()),
            heartbeat_interval_ms: 0,
            target: None,
            current: None,
            reconciliations: 0,
            local_epoch: 0,
            sent: SentFields::default(),
            find_in_flight: None,
            heartbeat_in_flight: None,
            next_heartbeat: 0,
            coordinator_backoff_until: 0,
            reconciling: None,
            commits_in_flight: VecMap::new(),
            fetch_committed_in_flight: VecMap::new(),
            next_auto_commit: 0,
            committed: VecMap::new(),
        })
    }

    /// `group.remote.assignor` belongs to the consumer protocol (`ConsumerConfig`).
    pub fn check_classic_config(config: &Props) -> SimResult<()> {
        if config
            .raw(CONSUMER_CONFIGS, "group.remote.assignor")
            .is_empty()
        {
            Ok(())
        } else {
            Err(SimError::config(
                "group.remote.assignor",
                "group.remote.assignor cannot be set when group.protocol=classic",
            ))
        }
    }

    fn in_flight(&self, corr: u64) -> bool {
        self.find_in_flight == Some(corr)
            || self.heartbeat_in_flight == Some(corr)
            || self.commits_in_flight.contains_key(&corr)
            || self.fetch_committed_in_flight.contains_key(&corr)
    }

    /// The epoch a leaving member sends (`leaveGroupEpoch`).
    fn leave_epoch(&self) -> i32 {
        if self.instance_id.is_some() {
            LEAVE_GROUP_STATIC_MEMBER_EPOCH
        } else {
            LEAVE_GROUP_MEMBER_EPOCH
        }
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

fn list(set: &VecSet<TopicPartition>) -> String {
    if set.is_empty() {
        return "nothing".into();
    }
    let v: Vec<String> = set.iter().map(|tp| tp.to_string()).collect();
    v.join(", ")
}

impl Consumer {
    /// `consumer.groupMetadata()` for either protocol: (group id, generation — the member
    /// epoch under the consumer protocol —, member id).
    pub fn group_metadata(&self) -> Option<(String, i32, String)> {
        match (&self.membership, &self.consumer_membership) {
            (Some(m), _) => Some((m.group.clone(), m.generation, m.member_id.clone())),
            (None, Some(m)) if m.member_epoch > 0 => {
                Some((m.group.clone(), m.member_epoch, m.member_id.clone()))
            }
            (None, Some(m)) => Some((m.group.clone(), -1, String::new())),
            (None, None) => None,
        }
    }

    /// Whether an OffsetCommit is waiting for its response, for either protocol.
    pub fn commit_in_flight(&self) -> bool {
        match (&self.membership, &self.consumer_membership) {
            (Some(m), _) => m.has_commits_in_flight(),
            (None, Some(m)) => !m.commits_in_flight.is_empty(),
            (None, None) => false,
        }
    }

    /// The offsets the coordinator confirmed committed, for either protocol.
    pub fn committed_offsets(&self) -> Option<&VecMap<Tp, i64>> {
        match (&self.membership, &self.consumer_membership) {
            (Some(m), _) => Some(&m.committed),
            (None, Some(m)) => Some(&m.committed),
            (None, None) => None,
        }
    }

    fn cm_event(&self, ctx: &mut Ctx, event: String) {
        if let Some(m) = &self.consumer_membership {
            ctx.emit(TraceKind::Group {
                group: m.group.clone(),
                event: format!("{}: {event}", self.name),
            });
        }
    }

    /// Drive the membership: coordinator discovery, reconciliation, heartbeats, committed
    /// offsets of new partitions (the background thread's `poll` of each request manager).
    pub(crate) fn consumer_protocol_step(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let Some(m) = self.consumer_membership.as_ref() else {
            return;
        };
        match m.state {
            MemberState::Fatal | MemberState::Unsubscribed => return,
            MemberState::Stale => {
                // maybeRejoinStaleMember: the application polls again once it is done.
                if now >= self.busy_until && self.in_progress.is_empty() {
                    self.transition_to_joining(ctx, "the application polls again");
                } else {
                    return;
                }
            }
            _ => {}
        }
        // max.poll.interval.ms: the member leaves the group (and rejoins on its next poll).
        let state = self.consumer_membership.as_ref().map(|m| m.state);
        if state.is_some_and(|s| {
            !s.not_in_group() && !matches!(s, MemberState::Leaving | MemberState::PrepareLeaving)
        }) && !self.in_progress.is_empty()
            && now.saturating_sub(self.last_poll) > self.settings.max_poll_interval_ms
        {
            let interval = self.settings.max_poll_interval_ms;
            self.error(
                ctx,
                ErrorCode::RebalanceInProgress,
                format!("max.poll.interval.ms={interval} exceeded: processing took too long, the member leaves the group"),
            );
            self.leave_group(ctx, true, "consumer poll timeout has expired");
            return;
        }
        // 1. The coordinator.
        let Some(m) = self.consumer_membership.as_ref() else {
            return;
        };
        let Some(coordinator) = m.coordinator else {
            if m.find_in_flight.is_none() && now >= m.coordinator_backoff_until {
                let key = m.group.clone();
                if let Some(node) = self.metadata.pick_node(now) {
                    let corr = self.corr();
                    ctx.send(
                        NodeId::Broker(node),
                        Message::FindCoordinator {
                            corr,
                            key,
                            key_type: CoordinatorType::Group,
                        },
                    );
                    ctx.set_timer(
                        self.settings.request_timeout_ms,
                        Timer::RequestTimeout(corr),
                    );
                    if let Some(m) = self.consumer_membership.as_mut() {
                        m.find_in_flight = Some(corr);
                    }
                }
            } else if now < m.coordinator_backoff_until {
                let at = m.coordinator_backoff_until;
                self.waker.wake_at(ctx, at);
            }
            return;
        };
        // 2. Reconcile a new assignment.
        if m.state == MemberState::Reconciling && m.reconciling.is_none() {
            self.maybe_reconcile(ctx, coordinator);
        }
        // 3. Heartbeat.
        self.maybe_heartbeat(ctx, coordinator);
        // 4. Committed offsets for partitions that have no position yet.
        let wanted = self.committed_wanted();
        if !wanted.is_empty() {
            let names: Vec<TopicPartition> =
                wanted.iter().filter_map(|tp| tp_name(self, *tp)).collect();
            let corr = self.corr();
            let group = self
                .consumer_membership
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
            if let Some(m) = self.consumer_membership.as_mut() {
                m.fetch_committed_in_flight.insert(corr, wanted);
            }
        }
    }

    /// `ConsumerHeartbeatRequestManager.poll`.
    fn maybe_heartbeat(&mut self, ctx: &mut Ctx, coordinator: BrokerId) {
        let now = ctx.now;
        let Some(m) = self.consumer_membership.as_ref() else {
            return;
        };
        if matches!(
            m.state,
            MemberState::Unsubscribed
                | MemberState::Fatal
                | MemberState::Stale
                | MemberState::Fenced
        ) {
            return;
        }
        if m.state == MemberState::Joining && self.topics.is_empty() {
            // Not subscribed to anything: nothing to join with.
            return;
        }
        // Joining and acknowledging heartbeats go out at once (one at a time).
        let now_please = matches!(
            m.state,
            MemberState::Joining | MemberState::Acknowledging | MemberState::Leaving
        ) && m.heartbeat_in_flight.is_none();
        if !now_please {
            if m.heartbeat_in_flight.is_some() {
                return;
            }
            if now < m.next_heartbeat {
                let at = m.next_heartbeat;
                self.waker.wake_at(ctx, at);
                return;
            }
        }
        self.send_heartbeat(ctx, coordinator);
    }

    /// Build and send a heartbeat (`HeartbeatState.buildRequestData`), then leave the states
    /// that end when a heartbeat goes out (`onHeartbeatRequestGenerated`).
    fn send_heartbeat(&mut self, ctx: &mut Ctx, coordinator: BrokerId) {
        let now = ctx.now;
        let mut topics = self.topics.clone();
        topics.sort_shared();
        topics.dedup();
        let rebalance_timeout = self.settings.max_poll_interval_ms.min(i32::MAX as Millis) as i32;
        let corr = self.corr();
        let Some(m) = self.consumer_membership.as_mut() else {
            return;
        };
        if m.member_id.is_empty() {
            // KIP-1082: the consumer picks its member id (a random Uuid) once.
            let id = crate::assignor::server::Uuid::new(
                ctx.rng.next_u64() as i64,
                ctx.rng.next_u64() as i64,
            );
            m.member_id = id.to_string();
        }
        // The owned partitions reported are the local assignment (`currentAssignment`):
        // partitions paused for revocation still count until the reconciliation completes.
        let owned = m.current.clone().unwrap_or_default();
        let leaving = m.state == MemberState::Leaving;
        let all = m.state == MemberState::Joining;
        let notable = matches!(m.state, MemberState::Joining | MemberState::Acknowledging);
        let (rebalance_timeout_ms, subscribed_topics, server_assignor, owned) = if leaving {
            (-1, None, None, None)
        } else {
            let rt = if all || m.sent.rebalance_timeout_ms != Some(rebalance_timeout) {
                m.sent.rebalance_timeout_ms = Some(rebalance_timeout);
                rebalance_timeout
            } else {
                -1
            };
            let t = if all || m.sent.topics.as_ref() != Some(&topics) {
                m.sent.topics = Some(topics.clone());
                Some(topics)
            } else {
                None
            };
            let a = match &m.server_assignor {
                Some(a) if all || m.sent.server_assignor.as_ref() != Some(a) => {
                    m.sent.server_assignor = Some(a.clone());
                    Some(a.clone())
                }
                _ => None,
            };
            let o = if all || m.sent.local_epoch != Some(m.local_epoch) {
                m.sent.local_epoch = Some(m.local_epoch);
                // A joining member owns nothing (it gave everything up when fenced).
                Some(if all {
                    Vec::new()
                } else {
                    owned.iter().cloned().collect()
                })
            } else {
                None
            };
            (rt, t, a, o)
        };
        let summary = match &owned {
            Some(o) if !leaving => format!(", owns [{}]", list(&o.iter().cloned().collect())),
            _ => String::new(),
        };
        let event = format!(
            "heartbeat: epoch {}{}{}",
            m.member_epoch,
            summary,
            match m.state {
                MemberState::Joining => " (joining)",
                MemberState::Acknowledging => " (acknowledges its assignment)",
                _ => "",
            }
        );
        let msg = Message::ConsumerGroupHeartbeat {
            corr,
            group: m.group.clone(),
            member_id: m.member_id.clone(),
            member_epoch: m.member_epoch,
            instance_id: m.instance_id.clone(),
            rebalance_timeout_ms,
            subscribed_topics,
            server_assignor,
            owned,
        };
        m.heartbeat_in_flight = Some(corr);
        m.next_heartbeat = now + m.heartbeat_interval_ms;
        let next = m.next_heartbeat;
        // onHeartbeatRequestGenerated.
        match m.state {
            MemberState::Acknowledging => {
                m.state = if m.current == m.target {
                    MemberState::Stable
                } else {
                    MemberState::Reconciling
                };
            }
            MemberState::Leaving => m.state = MemberState::Unsubscribed,
            _ => {}
        }
        ctx.send(NodeId::Broker(coordinator), msg);
        ctx.set_timer(
            self.settings.request_timeout_ms,
            Timer::RequestTimeout(corr),
        );
        self.waker.wake_at(ctx, next);
        if notable {
            self.cm_event(ctx, event);
        }
    }

    /// `maybeReconcile`: start applying the target assignment; an auto-committing consumer
    /// commits first (`maybeAutoCommitSyncBeforeRevocation`) and waits for the answer.
    fn maybe_reconcile(&mut self, ctx: &mut Ctx, _coordinator: BrokerId) {
        let Some(m) = self.consumer_membership.as_ref() else {
            return;
        };
        if m.current == m.target || m.reconciling.is_some() {
            return;
        }
        let target = m.target.clone().unwrap_or_default();
        // Topic names must resolve through the metadata cache.
        if target.iter().any(|tp| tp_id(self, tp).is_none()) {
            self.metadata.request_update();
            return;
        }
        let positions = if self.commit_mode == CommitMode::Auto {
            self.consumed_positions()
        } else {
            Vec::new()
        };
        if !positions.is_empty() {
            // Partitions being revoked stop fetching and returning records before the commit
            // goes out (markPendingRevocationToPauseFetching, KAFKA-16460): the application's
            // position on them cannot run ahead of what is committed.
            let keep: VecSet<Tp> = self
                .assignment
                .iter()
                .copied()
                .filter(|tp| tp_name(self, *tp).is_some_and(|n| target.contains(&n)))
                .collect();
            if keep.len() < self.assignment.len() {
                self.set_assignment(keep);
            }
        }
        if let Some(m) = self.consumer_membership.as_mut() {
            m.reconciling = Some((target, None));
        }
        if !positions.is_empty() {
            if let Some(corr) =
                self.consumer_protocol_commit(ctx, positions, "auto-commit before reconciling")
            {
                if let Some((_, c)) = self
                    .consumer_membership
                    .as_mut()
                    .and_then(|m| m.reconciling.as_mut())
                {
                    *c = Some(corr);
                }
                return;
            }
        }
        self.revoke_and_assign(ctx);
    }

    /// `revokeAndAssign`: revoke what is no longer assigned, take the new partitions, and
    /// acknowledge with the next heartbeat.
    fn revoke_and_assign(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let Some(m) = self.consumer_membership.as_mut() else {
            return;
        };
        let Some((target, _)) = m.reconciling.take() else {
            return;
        };
        if m.state != MemberState::Reconciling {
            // maybeAbortReconciliation: fenced or leaving meanwhile.
            return;
        }
        let epoch = m.member_epoch;
        // What the member held before this reconciliation (revoked partitions may already be
        // paused).
        let owned = m.current.clone().unwrap_or_default();
        let new: VecSet<Tp> = target.iter().filter_map(|tp| tp_id(self, tp)).collect();
        let revoked: VecSet<TopicPartition> = owned.difference(&target).cloned().collect();
        let added: VecSet<TopicPartition> = target.difference(&owned).cloned().collect();
        let kept = owned.len() - revoked.len();
        self.set_assignment(new);
        if let Some(m) = self.consumer_membership.as_mut() {
            m.current = Some(target);
            m.local_epoch += 1;
            m.state = MemberState::Acknowledging;
            m.reconciliations += 1;
            if m.next_auto_commit == 0 {
                m.next_auto_commit = now + self.settings.auto_commit_interval_ms;
            }
        }
        self.cm_event(
            ctx,
            format!(
                "reconciles epoch {epoch}: keeps {kept}, revokes {}, assigned {}",
                list(&revoked),
                list(&added)
            ),
        );
        self.waker.wake_at(ctx, now);
    }

    /// `transitionToJoining`.
    fn transition_to_joining(&mut self, ctx: &mut Ctx, why: &str) {
        if let Some(m) = self.consumer_membership.as_mut() {
            if m.state == MemberState::Fatal {
                return;
            }
            m.member_epoch = 0;
            m.state = MemberState::Joining;
            m.target = None;
            m.reconciling = None;
        }
        self.cm_event(ctx, format!("rejoins with epoch 0 ({why})"));
    }

    /// Give up every partition without committing (`onPartitionsLost`).
    fn lose_assignment(&mut self, ctx: &mut Ctx, why: &str) {
        if !self.assignment.is_empty() {
            let n = self.assignment.len();
            self.cm_event(
                ctx,
                format!("loses {n} partition(s) without committing: {why}"),
            );
        }
        self.set_assignment(VecSet::new());
        if let Some(m) = self.consumer_membership.as_mut() {
            m.current = None;
            m.local_epoch += 1;
        }
    }

    /// `transitionToFenced`, then rejoin.
    fn transition_to_fenced(&mut self, ctx: &mut Ctx, error: ErrorCode) {
        let Some(m) = self.consumer_membership.as_mut() else {
            return;
        };
        match m.state {
            MemberState::PrepareLeaving | MemberState::Leaving => {
                m.state = MemberState::Unsubscribed;
                return;
            }
            MemberState::Unsubscribed => return,
            _ => {}
        }
        m.state = MemberState::Fenced;
        m.member_epoch = 0;
        self.lose_assignment(ctx, &format!("fenced by the coordinator ({error})"));
        self.transition_to_joining(ctx, &format!("fenced with {error}"));
    }

    /// `transitionToFatal`.
    fn transition_to_fatal(&mut self, ctx: &mut Ctx, error: ErrorCode) {
        let group = match self.consumer_membership.as_mut() {
            Some(m) => {
                m.state = MemberState::Fatal;
                m.reconciling = None;
                m.group.clone()
            }
            None => return,
        };
        self.lose_assignment(ctx, &format!("fatal error {error}"));
        let detail = match error {
            ErrorCode::GroupIdNotFound => format!("the coordinator does not know consumer group {group} and a member with epoch > 0 cannot create it (the group's records were lost), or {group} is a classic group with members (the simulator does not model online migration between the protocols)"),
            ErrorCode::UnreleasedInstanceId => "another member with this group.instance.id is still in the group (it must leave with epoch -2, or its session must expire)".to_string(),
            e => format!("cannot stay in group {group}: {}", e.explain()),
        };
        self.error(ctx, error, detail);
    }

    /// Leave the group: `leaveGroup()` on close, or the poll timer (`stale`).
    fn leave_group(&mut self, ctx: &mut Ctx, stale: bool, why: &str) {
        let Some(m) = self.consumer_membership.as_mut() else {
            return;
        };
        if m.state.not_in_group() {
            if m.state == MemberState::Fenced {
                m.state = MemberState::Unsubscribed;
            }
            return;
        }
        let epoch = m.leave_epoch();
        m.member_epoch = epoch;
        m.reconciling = None;
        m.current = None;
        m.state = MemberState::Leaving;
        let coordinator = m.coordinator;
        // The leave heartbeat goes out at once (not retried); without a coordinator the
        // member just stops (`onHeartbeatRequestSkipped`).
        match coordinator {
            Some(c) => {
                self.cm_event(ctx, format!("leaves the group with epoch {epoch} ({why})"));
                self.send_heartbeat(ctx, c);
            }
            None => {
                if let Some(m) = self.consumer_membership.as_mut() {
                    m.state = MemberState::Unsubscribed;
                }
            }
        }
        if stale {
            if let Some(m) = self.consumer_membership.as_mut() {
                m.state = MemberState::Stale;
                m.member_epoch = 0;
            }
            self.lose_assignment(ctx, why);
        } else {
            self.set_assignment(VecSet::new());
        }
    }

    /// `consumer.close()` with the consumer protocol: commit if auto-committing, then leave.
    pub(crate) fn consumer_protocol_close(&mut self, ctx: &mut Ctx) {
        let in_group = self
            .consumer_membership
            .as_ref()
            .is_some_and(|m| m.member_epoch > 0);
        if self.commit_mode == CommitMode::Auto && in_group {
            let positions = self.consumed_positions();
            if !positions.is_empty() {
                self.consumer_protocol_commit(ctx, positions, "auto-commit on close");
            }
        }
        self.leave_group(ctx, false, "the consumer is being closed");
        self.alive = false;
    }

    /// `commitSync`/`commitAsync`: the generation field carries the member epoch (-1 and no
    /// member id outside the group). Returns the request's correlation id.
    pub(crate) fn consumer_protocol_commit(
        &mut self,
        ctx: &mut Ctx,
        offsets: Vec<(Tp, i64)>,
        why: &str,
    ) -> Option<u64> {
        let m = self.consumer_membership.as_ref()?;
        let coord = m.coordinator?;
        if offsets.is_empty() {
            return None;
        }
        let (generation, member_id) = if m.member_epoch > 0 {
            (m.member_epoch, m.member_id.clone())
        } else {
            (-1, String::new())
        };
        let group = m.group.clone();
        let named: Vec<(TopicPartition, i64)> = offsets
            .iter()
            .filter_map(|(tp, o)| tp_name(self, *tp).map(|n| (n, *o)))
            .collect();
        let corr = self.corr();
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
        if let Some(m) = self.consumer_membership.as_mut() {
            m.commits_in_flight.insert(corr, offsets);
        }
        let summary: Vec<String> = named.iter().map(|(tp, o)| format!("{tp}@{o}")).collect();
        self.cm_event(
            ctx,
            format!(
                "commits {} with epoch {generation} ({why})",
                summary.join(" ")
            ),
        );
        Some(corr)
    }

    /// Auto-commit on `auto.commit.interval.ms` while in the group.
    pub(crate) fn consumer_protocol_auto_commit(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let Some(m) = self.consumer_membership.as_ref() else {
            return;
        };
        if m.member_epoch <= 0 || m.coordinator.is_none() || m.next_auto_commit == 0 {
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
        if let Some(m) = self.consumer_membership.as_mut() {
            m.next_auto_commit = now + self.settings.auto_commit_interval_ms;
        }
        let at = now + self.settings.auto_commit_interval_ms;
        self.waker.wake_at(ctx, at);
        if !positions.is_empty() {
            self.consumer_protocol_commit(ctx, positions, "auto-commit");
        }
    }

    fn lose_coordinator_cm(&mut self, ctx: &mut Ctx, why: &str) {
        let backoff = self.settings.retry_backoff_ms.max(100);
        if let Some(m) = self.consumer_membership.as_mut() {
            m.coordinator = None;
            m.find_in_flight = None;
            m.heartbeat_in_flight = None;
            // The next heartbeat carries every field.
            m.sent = SentFields::default();
            m.coordinator_backoff_until = ctx.now + backoff;
        }
        self.cm_event(ctx, format!("lost its coordinator ({why})"));
    }

    /// A request timed out or its connection dropped.
    pub(crate) fn consumer_protocol_request_failed(&mut self, ctx: &mut Ctx, corr: u64) {
        let Some(m) = self.consumer_membership.as_ref() else {
            return;
        };
        if !m.in_flight(corr) {
            return;
        }
        if let Some(tps) = m.fetch_committed_in_flight.get(&corr).cloned() {
            for tp in tps {
                if let Some(s) = self.partitions.get_mut(&tp) {
                    s.fetching_committed = false;
                }
            }
        }
        let waiting_commit = m
            .reconciling
            .as_ref()
            .is_some_and(|(_, c)| *c == Some(corr));
        if let Some(m) = self.consumer_membership.as_mut() {
            m.fetch_committed_in_flight.remove(&corr);
            m.commits_in_flight.remove(&corr);
        }
        self.lose_coordinator_cm(ctx, "request failed");
        if waiting_commit {
            // The commit failed: the reconciliation goes on anyway.
            self.revoke_and_assign(ctx);
        }
    }

    /// Handle a response for the consumer-protocol membership; returns the message back if it
    /// is not one.
    pub(crate) fn on_consumer_protocol_message(
        &mut self,
        ctx: &mut Ctx,
        msg: Message,
    ) -> Option<Message> {
        let now = ctx.now;
        match msg {
            Message::FindCoordinatorResponse { corr, error, node } => {
                let m = self.consumer_membership.as_mut()?;
                if m.find_in_flight != Some(corr) {
                    return None;
                }
                m.find_in_flight = None;
                match error {
                    None => {
                        m.coordinator = Some(node);
                        let g = m.group.clone();
                        self.cm_event(
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
            Message::ConsumerGroupHeartbeatResponse {
                corr,
                error,
                member_id,
                member_epoch,
                heartbeat_interval_ms,
                assignment,
            } => {
                let m = self.consumer_membership.as_mut()?;
                if m.heartbeat_in_flight != Some(corr) {
                    return None;
                }
                m.heartbeat_in_flight = None;
                match error {
                    None => {
                        let interval = heartbeat_interval_ms.max(0) as Millis;
                        if interval != m.heartbeat_interval_ms {
                            m.heartbeat_interval_ms = interval;
                            m.next_heartbeat = now + interval;
                        }
                        self.on_heartbeat_success(ctx, member_id, member_epoch, assignment);
                    }
                    Some(e) => self.on_heartbeat_error(ctx, e),
                }
                None
            }
            Message::OffsetCommitResponse { corr, results } => {
                let m = self.consumer_membership.as_mut()?;
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
                let waiting = m
                    .reconciling
                    .as_ref()
                    .is_some_and(|(_, c)| *c == Some(corr));
                if let Some(e) = failed {
                    let detail = format!("offset commit failed: {}", e.explain());
                    self.error(ctx, e, detail);
                    if matches!(
                        e,
                        ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable
                    ) {
                        self.lose_coordinator_cm(ctx, "NOT_COORDINATOR on commit");
                    }
                }
                if waiting {
                    self.revoke_and_assign(ctx);
                }
                None
            }
            Message::OffsetFetchResponse {
                corr,
                error,
                offsets,
            } => {
                let m = self.consumer_membership.as_mut()?;
                let tps = m.fetch_committed_in_flight.remove(&corr)?;
                if error.is_some() {
                    for tp in &tps {
                        if let Some(s) = self.partitions.get_mut(tp) {
                            s.fetching_committed = false;
                        }
                    }
                    self.lose_coordinator_cm(ctx, "offset fetch failed");
                    return None;
                }
                for (tpn, offset) in offsets {
                    let Some(tp) = tp_id(self, &tpn) else {
                        continue;
                    };
                    if let Some(m) = self.consumer_membership.as_mut() {
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
            Message::LeaveGroupResponse { .. }
            | Message::JoinGroupResponse { .. }
            | Message::SyncGroupResponse { .. }
            | Message::HeartbeatResponse { .. } => None,
            other => Some(other),
        }
    }

    /// `ConsumerMembershipManager.onHeartbeatSuccess`.
    fn on_heartbeat_success(
        &mut self,
        ctx: &mut Ctx,
        member_id: String,
        member_epoch: i32,
        assignment: Option<Vec<TopicPartition>>,
    ) {
        let Some(m) = self.consumer_membership.as_mut() else {
            return;
        };
        if m.state == MemberState::Leaving || m.state.not_in_group() {
            return;
        }
        let joined = m.member_epoch <= 0 && member_epoch > 0;
        let epoch_changed = m.member_epoch != member_epoch;
        let before = m.member_epoch;
        m.member_id = member_id;
        m.member_epoch = member_epoch;
        let mut event = None;
        if let Some(a) = assignment {
            if m.state.can_handle_new_assignment() {
                let target: VecSet<TopicPartition> = a.into_iter().collect();
                let changed = m.target.as_ref() != Some(&target);
                m.target = Some(target.clone());
                if m.current.as_ref() != Some(&target) {
                    m.state = MemberState::Reconciling;
                    if changed {
                        event = Some(format!(
                            "epoch {member_epoch}: new assignment [{}]",
                            list(&target)
                        ));
                    }
                } else if matches!(m.state, MemberState::Reconciling | MemberState::Joining) {
                    m.state = MemberState::Stable;
                }
            }
        }
        if joined {
            let id = m.member_id.clone();
            self.cm_event(ctx, format!("joined as {id} with epoch {member_epoch}"));
        } else if epoch_changed && event.is_none() {
            event = Some(format!("epoch {before} → {member_epoch}"));
        }
        if let Some(e) = event {
            self.cm_event(ctx, e);
        }
        let now = ctx.now;
        self.waker.wake_at(ctx, now);
    }

    /// `AbstractHeartbeatRequestManager.onErrorResponse`.
    fn on_heartbeat_error(&mut self, ctx: &mut Ctx, error: ErrorCode) {
        let now = ctx.now;
        if let Some(m) = self.consumer_membership.as_mut() {
            // resetHeartbeatState: the next heartbeat sends every field.
            m.sent = SentFields::default();
        }
        match error {
            ErrorCode::NotCoordinator | ErrorCode::CoordinatorNotAvailable => {
                self.lose_coordinator_cm(ctx, &format!("heartbeat: {error}"));
            }
            ErrorCode::CoordinatorLoadInProgress => {
                let backoff = self.settings.retry_backoff_ms.max(100);
                if let Some(m) = self.consumer_membership.as_mut() {
                    m.next_heartbeat = now + backoff;
                }
            }
            ErrorCode::FencedMemberEpoch | ErrorCode::UnknownMemberId => {
                self.cm_event(ctx, format!("heartbeat: {error}"));
                self.transition_to_fenced(ctx, error);
            }
            e => self.transition_to_fatal(ctx, e),
        }
        self.waker.wake_at(ctx, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CONSUMER_CONFIGS;

    fn props(pairs: &[(&str, &str)]) -> Props {
        let map: std::collections::BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Props::parse(CONSUMER_CONFIGS, &map, "consumer").unwrap()
    }

    #[test]
    fn classic_only_configs_are_refused_with_the_consumer_protocol() {
        for key in CLASSIC_ONLY {
            let value = if key == "partition.assignment.strategy" {
                "range"
            } else {
                "10000"
            };
            let p = props(&[("group.protocol", "consumer"), (key, value)]);
            let s = ConsumerSettings::from_props(&p).unwrap();
            let err = ConsumerMembershipManager::new("g", &s, &p).unwrap_err();
            assert!(matches!(err, SimError::Config { key: k, .. } if k == key));
        }
        let p = props(&[
            ("group.protocol", "consumer"),
            ("group.remote.assignor", "range"),
        ]);
        let s = ConsumerSettings::from_props(&p).unwrap();
        let m = ConsumerMembershipManager::new("g", &s, &p).unwrap();
        assert_eq!(m.server_assignor.as_deref(), Some("range"));
        assert_eq!(m.state, MemberState::Joining);
        let p = props(&[("group.remote.assignor", "range")]);
        assert!(ConsumerMembershipManager::check_classic_config(&p).is_err());
    }
}
