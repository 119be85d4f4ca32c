//! Share groups (KIP-932, "queues for Kafka", Kafka 4.0+), the client's side: a
//! `KafkaShareConsumer` (`ShareConsumerImpl`, `ShareMembershipManager`,
//! `ShareHeartbeatRequestManager`, `ShareConsumeRequestManager`).
//!
//! The consumer joins its share group by heartbeating to the group coordinator
//! (`ShareGroupHeartbeat`), which assigns it partitions that other members may share. When
//! the application has nothing left to process it polls: the consumer sends a `ShareFetch` to
//! the leader of each assigned partition, which acquires records for it (at most
//! `max.poll.records`) and locks them for `group.share.record.lock.duration.ms`. The
//! application processes each record for `processing_ms` and acknowledges it:
//!
//! - `share.acknowledgement.mode=implicit` (the default): every record a poll returned is
//!   accepted when the application polls again;
//! - `explicit`: the application decides per record (`accept`, `release`, `reject`), here
//!   with the `share_ack` scenario action; it polls again only once every record of the batch
//!   has been acknowledged (Kafka throws from `poll()` otherwise).
//!
//! Acknowledgements ride on the next `ShareFetch` to the partition's leader, or go in a
//! `ShareAcknowledge` when there is nothing to fetch from that leader. A consumer that crashes
//! acknowledges nothing: its records come back when their acquisition locks expire. `close()`
//! sends what it has (records already processed are accepted in implicit mode, unfinished ones
//! released), closes its share sessions (the leaders release anything it still holds) and
//! leaves the group with member epoch -1.
//!
//! Simplifications: `share.acknowledgement.mode` is Kafka 4.1's name for the mode (4.0 picked
//! it from the first `acknowledge()` call); acknowledgement commit callbacks, `commitSync` /
//! `commitAsync` and the client's acquisition-lock timeout are not modelled; records for a
//! partition that is unassigned while buffered are still processed.

use crate::assignor::TopicPartition;
use crate::client::{ClientMetadata, Waker};
use crate::cluster::{Client, Cluster, NodeRefMut};
use crate::config::{ConfigDef, ConfigType, Props};
use crate::error::{ErrorCode, SimError, SimResult};
use crate::message::{
    AcknowledgeType, CoordinatorType, Message, ShareAcknowledgementBatch, ShareFetchPartition,
    ShareFetchPartitionData,
};
use crate::producer::ClientError;
use crate::sim::{Ctx, Timer};
use crate::sort::SortShared;
use crate::trace::TraceKind;
use crate::types::{BrokerId, Millis, NodeId, Tp};
use crate::vecmap::{VecMap, VecSet};
use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};

const fn int(name: &'static str, default: &'static str, doc: &'static str) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Int {
            min: 0,
            max: i32::MAX as i64,
        },
        default,
        doc,
        modeled: true,
    }
}

const fn unmodeled(name: &'static str, doc: &'static str) -> ConfigDef {
    ConfigDef {
        name,
        ty: ConfigType::Str,
        default: "",
        doc,
        modeled: false,
    }
}

/// The configs a `KafkaShareConsumer` takes (Kafka's `ConsumerConfig` minus what share
/// consumers reject: offsets, commits, assignors, isolation and the classic group settings).
pub const SHARE_CONSUMER_CONFIGS: &[ConfigDef] = &[
    ConfigDef {
        name: "max.poll.records",
        ty: ConfigType::Int {
            min: 1,
            max: i32::MAX as i64,
        },
        default: "500",
        doc: "Most records one poll() returns; the simulator also acquires at most this many per ShareFetch.",
        modeled: true,
    },
    ConfigDef {
        name: "share.acknowledgement.mode",
        ty: ConfigType::Enum(&["implicit", "explicit"]),
        default: "implicit",
        doc: "implicit: the next poll() accepts every record the previous one returned; explicit: the application acknowledges each record (accept, release or reject).",
        modeled: true,
    },
    int(
        "fetch.max.wait.ms",
        "500",
        "How long a share partition leader may hold a ShareFetch that acquired nothing.",
    ),
    int("fetch.min.bytes", "1", "Minimum bytes a ShareFetch waits for."),
    int("fetch.max.bytes", "52428800", "Most bytes per ShareFetch response."),
    int(
        "max.partition.fetch.bytes",
        "1048576",
        "Most bytes per partition per ShareFetch.",
    ),
    int("request.timeout.ms", "30000", "How long to wait for a response."),
    int("retry.backoff.ms", "100", "Wait before retrying a failed request."),
    int("default.api.timeout.ms", "60000", "Timeout of blocking calls."),
    ConfigDef {
        name: "client.rack",
        ty: ConfigType::Str,
        default: "",
        doc: "The consumer's rack.",
        modeled: false,
    },
    unmodeled("bootstrap.servers", "Every simulated broker is reachable."),
    unmodeled("client.id", "A logical name for the client."),
    unmodeled("group.id", "Set by the share consumer's `group` field."),
    unmodeled("key.deserializer", "Keys are UTF-8 strings."),
    unmodeled("value.deserializer", "Values are UTF-8 strings."),
];

/// Consumer configs a share consumer does not take, and why.
const REJECTED: &[(&str, &str)] = &[
    ("auto.offset.reset", "a share group starts where the group config share.auto.offset.reset says (set_group_config)"),
    ("enable.auto.commit", "share consumers acknowledge records instead of committing offsets"),
    ("auto.commit.interval.ms", "share consumers acknowledge records instead of committing offsets"),
    ("isolation.level", "share groups read uncommitted records in Kafka 4.0"),
    ("partition.assignment.strategy", "the coordinator assigns partitions (simple assignor)"),
    ("group.protocol", "share consumers always use the share group protocol"),
    ("group.remote.assignor", "share groups use the coordinator's share assignor"),
    ("group.instance.id", "share groups have no static membership"),
    ("session.timeout.ms", "the session timeout is the broker's group.share.session.timeout.ms"),
    ("heartbeat.interval.ms", "the coordinator sets the heartbeat interval (group.share.heartbeat.interval.ms)"),
    ("max.poll.interval.ms", "not modelled for share consumers"),
];

/// How the application acknowledges (`share.acknowledgement.mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AcknowledgementMode {
    Implicit,
    Explicit,
}

impl AcknowledgementMode {
    pub fn name(self) -> &'static str {
        match self {
            AcknowledgementMode::Implicit => "implicit",
            AcknowledgementMode::Explicit => "explicit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShareConsumerSettings {
    pub max_poll_records: u32,
    pub acknowledgement_mode: AcknowledgementMode,
    pub fetch_max_wait_ms: Millis,
    pub fetch_min_bytes: usize,
    pub max_partition_fetch_bytes: usize,
    pub request_timeout_ms: Millis,
    pub retry_backoff_ms: Millis,
}

impl ShareConsumerSettings {
    pub fn from_props(p: &Props) -> Self {
        let d = SHARE_CONSUMER_CONFIGS;
        let ms = |k: &str| p.i64(d, k).max(0) as Millis;
        ShareConsumerSettings {
            max_poll_records: p.i64(d, "max.poll.records").clamp(1, i64::from(u32::MAX)) as u32,
            acknowledgement_mode: if p.raw(d, "share.acknowledgement.mode") == "explicit" {
                AcknowledgementMode::Explicit
            } else {
                AcknowledgementMode::Implicit
            },
            fetch_max_wait_ms: ms("fetch.max.wait.ms"),
            fetch_min_bytes: p.i64(d, "fetch.min.bytes").max(0) as usize,
            max_partition_fetch_bytes: p.i64(d, "max.partition.fetch.bytes").max(1) as usize,
            request_timeout_ms: ms("request.timeout.ms").max(1),
            retry_backoff_ms: ms("retry.backoff.ms"),
        }
    }
}

/// Where the member is in its group (`ShareMembershipManager`'s states, condensed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareMemberState {
    /// Heartbeating with epoch 0 until the coordinator gives it an epoch.
    Joining,
    Stable,
    /// The next heartbeat (epoch -1) leaves the group.
    Leaving,
    /// Left (closed).
    Left,
    /// An unrecoverable error: no more requests.
    Fatal,
}

impl ShareMemberState {
    pub fn name(self) -> &'static str {
        match self {
            ShareMemberState::Joining => "Joining",
            ShareMemberState::Stable => "Stable",
            ShareMemberState::Leaving => "Leaving",
            ShareMemberState::Left => "Left",
            ShareMemberState::Fatal => "Fatal",
        }
    }
}

/// A record the share consumer acquired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareRecord {
    pub tp: Tp,
    pub offset: i64,
    /// The simulator's record id (for the ledger).
    pub id: u64,
    /// Which delivery of the record this is (1 = first).
    pub delivery_count: u16,
    /// When the application is done processing it (set by poll()).
    pub done_at: Millis,
    pub processed: bool,
    /// How the application acknowledges it (implicit mode: accept once processed).
    pub acknowledgement: Option<AcknowledgeType>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ShareConsumerStats {
    pub fetches: u64,
    /// Records handed to the application (every delivery counts).
    pub delivered: u64,
    /// Deliveries of records delivered before (delivery count > 1).
    pub redelivered: u64,
    /// Records the application finished processing.
    pub processed: u64,
    pub accepted: u64,
    pub released: u64,
    pub rejected: u64,
    /// Acknowledgements the leader refused (e.g. `INVALID_RECORD_STATE` after a lock expired).
    pub acknowledge_errors: u64,
    pub errors: VecMap<String, u64>,
}

const DELIVERED_KEEP: usize = 500;

#[derive(Debug, Clone, PartialEq)]
pub struct ShareConsumer {
    pub name: String,
    pub idx: u32,
    pub config: Props,
    pub settings: ShareConsumerSettings,
    pub group: String,
    pub topics: Vec<String>,
    pub alive: bool,
    pub metadata: ClientMetadata,
    /// Simulated processing time per record (not a Kafka config).
    pub processing_ms: Millis,
    // --- membership ---
    pub coordinator: Option<BrokerId>,
    /// Chosen by the consumer (a random `Uuid`) and kept for its lifetime.
    pub member_id: String,
    pub member_epoch: i32,
    pub state: ShareMemberState,
    pub heartbeat_interval_ms: Millis,
    /// The partitions the coordinator assigned (shared with other members).
    pub assignment: VecSet<TopicPartition>,
    next_heartbeat: Millis,
    find_in_flight: Option<u64>,
    heartbeat_in_flight: Option<u64>,
    coordinator_backoff_until: Millis,
    // --- fetching and acknowledging ---
    /// A `ShareFetch` in flight per leader.
    fetches: VecMap<BrokerId, u64>,
    /// `ShareAcknowledge` requests in flight.
    acks_in_flight: VecMap<u64, BrokerId>,
    /// Acknowledgements not sent yet.
    pub pending_acks: VecMap<Tp, VecMap<i64, AcknowledgeType>>,
    /// Acquired records not yet returned by poll().
    pub buffer: VecDeque<ShareRecord>,
    /// The records the last poll() returned.
    pub batch: Vec<ShareRecord>,
    pub stats: ShareConsumerStats,
    pub last_error: Option<ClientError>,
    /// Recent deliveries, most recent last (bounded).
    pub delivered: VecDeque<ShareRecord>,
    next_corr: u64,
    waker: Waker,
}

impl ShareConsumer {
    pub fn new(
        name: String,
        idx: u32,
        config: Props,
        group: String,
        topics: Vec<String>,
        bootstrap: Vec<BrokerId>,
        processing_ms: Millis,
    ) -> Self {
        let settings = ShareConsumerSettings::from_props(&config);
        let mut metadata = ClientMetadata::new(bootstrap);
        metadata.wanted = topics.iter().cloned().collect();
        ShareConsumer {
            name,
            idx,
            config,
            settings,
            group,
            topics,
            alive: true,
            metadata,
            processing_ms,
            coordinator: None,
            member_id: String::new(),
            member_epoch: 0,
            state: ShareMemberState::Joining,
            heartbeat_interval_ms: 0,
            assignment: VecSet::new(),
            next_heartbeat: 0,
            find_in_flight: None,
            heartbeat_in_flight: None,
            coordinator_backoff_until: 0,
            fetches: VecMap::new(),
            acks_in_flight: VecMap::new(),
            pending_acks: VecMap::new(),
            buffer: VecDeque::new(),
            batch: Vec::new(),
            stats: ShareConsumerStats::default(),
            last_error: None,
            delivered: VecDeque::new(),
            next_corr: 0,
            waker: Waker::default(),
        }
    }

    fn corr(&mut self) -> u64 {
        self.next_corr += 1;
        self.next_corr
    }
    pub(crate) fn set_corr_base(&mut self, base: u64) {
        self.next_corr = base;
    }

    fn error(&mut self, ctx: &mut Ctx, error: ErrorCode, detail: String) {
        *self
            .stats
            .errors
            .entry(error.name().to_string())
            .or_default() += 1;
        self.last_error = Some(ClientError {
            error,
            detail: detail.clone(),
            at: ctx.now,
        });
        ctx.emit(TraceKind::ClientError {
            client: self.name.as_str().into(),
            error: error.name().into(),
            detail,
        });
    }

    fn event(&self, ctx: &mut Ctx, event: String) {
        ctx.emit(TraceKind::Group {
            group: self.group.clone(),
            event: format!("{}: {event}", self.name),
        });
    }

    /// Records this consumer holds: returned by poll() or buffered, and acknowledgements not
    /// sent yet. The leader has them acquired for this member (unless a lock expired).
    pub fn held(&self) -> Vec<(Tp, i64)> {
        let mut v: Vec<(Tp, i64)> = self
            .buffer
            .iter()
            .chain(self.batch.iter())
            .map(|r| (r.tp, r.offset))
            .collect();
        for (tp, acks) in &self.pending_acks {
            v.extend(acks.keys().map(|o| (*tp, *o)));
        }
        v.sort_unstable();
        v
    }

    /// The assigned partitions as topic ids (those the metadata knows).
    fn assigned_tps(&self) -> Vec<Tp> {
        self.assignment
            .iter()
            .filter_map(|tp| {
                self.metadata
                    .topic(&tp.topic)
                    .map(|t| Tp::new(t.id, tp.partition))
            })
            .collect()
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        if !self.alive {
            return;
        }
        match timer {
            Timer::ClientWake => {
                self.waker.fired(ctx.now);
                self.run(ctx);
            }
            Timer::MetadataBackoff | Timer::Heartbeat => self.run(ctx),
            Timer::RequestTimeout(corr) => {
                // Metadata, ShareFetch and ShareAcknowledge share one connection per broker;
                // group requests go over the coordinator's own connection (as the
                // consumer's: `CoordinatorRequestManager` connects to node
                // `Integer.MAX_VALUE - id`).
                let broker = match self.metadata.in_flight {
                    Some((c, b)) if c == corr => Some(b),
                    _ => self
                        .fetches
                        .iter()
                        .find(|(_, c)| **c == corr)
                        .map(|(b, _)| *b)
                        .or_else(|| self.acks_in_flight.get(&corr).copied()),
                };
                match broker {
                    Some(b) => self.close_timed_out_connection(ctx, b),
                    None => self.request_failed(ctx, corr, None),
                }
                self.run(ctx);
            }
            _ => {}
        }
    }

    /// `NetworkClient.handleTimedOutRequests`: a request that timed out closes its
    /// connection. Every other request in flight on it fails with it (its acknowledgements
    /// are lost: those records are delivered again when their acquisition locks expire), the
    /// node is in reconnect backoff, and the client asks for new metadata.
    fn close_timed_out_connection(&mut self, ctx: &mut Ctx, broker: BrokerId) {
        let until = ctx.now + self.settings.retry_backoff_ms.max(100);
        self.metadata.connection_closed(ctx, broker, until);
        if let Some(c) = self.fetches.remove(&broker) {
            ctx.cancel_timer(Timer::RequestTimeout(c));
        }
        let acks: Vec<u64> = self
            .acks_in_flight
            .iter()
            .filter(|(_, b)| **b == broker)
            .map(|(c, _)| *c)
            .collect();
        for c in acks {
            ctx.cancel_timer(Timer::RequestTimeout(c));
            self.acks_in_flight.remove(&c);
        }
        self.metadata.request_update();
    }

    /// A request got no answer (timeout) or its connection was refused.
    fn request_failed(&mut self, ctx: &mut Ctx, corr: u64, broker: Option<BrokerId>) {
        if self.find_in_flight == Some(corr) {
            self.find_in_flight = None;
            self.coordinator_backoff_until = ctx.now + self.settings.retry_backoff_ms.max(100);
        }
        if self.heartbeat_in_flight == Some(corr) {
            self.heartbeat_in_flight = None;
            self.coordinator = None;
            self.coordinator_backoff_until = ctx.now + self.settings.retry_backoff_ms.max(100);
        }
        if let Some(b) = broker {
            if self.coordinator == Some(b) && self.heartbeat_in_flight.is_none() {
                self.coordinator = None;
            }
        }
        let before = self.fetches.len();
        self.fetches.retain(|_, c| *c != corr);
        if self.fetches.len() < before {
            self.metadata.request_update();
        }
        self.acks_in_flight.remove(&corr);
    }

    pub fn handle(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        if !self.alive {
            return;
        }
        match msg {
            Message::MetadataResponse {
                corr,
                brokers,
                topics,
            } if self.metadata.in_flight.map(|(c, _)| c) == Some(corr) => {
                self.metadata.update(ctx.now, brokers, topics);
                for t in self.metadata.unknown_topics.clone() {
                    self.error(
                        ctx,
                        ErrorCode::UnknownTopicOrPartition,
                        format!("topic {t} does not exist"),
                    );
                }
            }
            Message::FindCoordinatorResponse { corr, error, node }
                if self.find_in_flight == Some(corr) =>
            {
                self.find_in_flight = None;
                match error {
                    None if node >= 0 => self.coordinator = Some(node),
                    _ => {
                        self.coordinator_backoff_until =
                            ctx.now + self.settings.retry_backoff_ms.max(100);
                    }
                }
            }
            Message::ShareGroupHeartbeatResponse {
                corr,
                error,
                member_id,
                member_epoch,
                heartbeat_interval_ms,
                assignment,
            } if self.heartbeat_in_flight == Some(corr) => {
                self.heartbeat_in_flight = None;
                self.on_heartbeat_response(
                    ctx,
                    error,
                    member_id,
                    member_epoch,
                    heartbeat_interval_ms,
                    assignment,
                );
            }
            Message::ShareFetchResponse {
                corr,
                error,
                partitions,
            } => {
                if let NodeId::Broker(b) = from {
                    if self.fetches.get(&b) == Some(&corr) {
                        self.fetches.remove(&b);
                        self.on_share_fetch(ctx, error, partitions);
                    }
                }
            }
            Message::ShareAcknowledgeResponse {
                corr,
                error,
                partitions,
            } if self.acks_in_flight.remove(&corr).is_some() => {
                if let Some(e) = error {
                    self.error(ctx, e, "ShareAcknowledge failed".into());
                }
                for (tp, e) in partitions {
                    if let Some(e) = e {
                        self.acknowledge_failed(ctx, tp, e);
                    }
                }
            }
            Message::Disconnected { corr } => {
                if let NodeId::Broker(b) = from {
                    self.metadata
                        .avoid(b, ctx.now + self.settings.retry_backoff_ms.max(100));
                    match corr {
                        Some(c) => {
                            self.metadata.failed(c);
                            self.request_failed(ctx, c, Some(b));
                        }
                        None => {
                            self.fetches.remove(&b);
                            if self.coordinator == Some(b) {
                                self.coordinator = None;
                                self.heartbeat_in_flight = None;
                            }
                        }
                    }
                }
                self.metadata.request_update();
            }
            _ => {}
        }
        self.run(ctx);
    }

    fn acknowledge_failed(&mut self, ctx: &mut Ctx, tp: Tp, e: ErrorCode) {
        self.stats.acknowledge_errors += 1;
        let topic = ctx.topic_name(tp);
        self.error(
            ctx,
            e,
            format!(
                "acknowledging {topic}-{} failed: the records are no longer acquired by this member",
                tp.partition
            ),
        );
        if matches!(
            e,
            ErrorCode::NotLeaderOrFollower | ErrorCode::UnknownTopicOrPartition
        ) {
            self.metadata.request_update();
        }
    }

    fn on_heartbeat_response(
        &mut self,
        ctx: &mut Ctx,
        error: Option<ErrorCode>,
        member_id: String,
        member_epoch: i32,
        interval: i32,
        assignment: Option<Vec<TopicPartition>>,
    ) {
        let now = ctx.now;
        match error {
            None => {
                if self.state == ShareMemberState::Leaving {
                    self.state = ShareMemberState::Left;
                    return;
                }
                if !member_id.is_empty() {
                    self.member_id = member_id;
                }
                let joined = self.member_epoch == 0 && member_epoch > 0;
                self.member_epoch = member_epoch;
                self.heartbeat_interval_ms = interval.max(1) as Millis;
                self.next_heartbeat = now + self.heartbeat_interval_ms;
                self.state = ShareMemberState::Stable;
                if let Some(a) = assignment {
                    let new: VecSet<TopicPartition> = a.into_iter().collect();
                    if new != self.assignment || joined {
                        let v: Vec<String> = new.iter().map(|tp| tp.to_string()).collect();
                        self.event(
                            ctx,
                            format!("member epoch {member_epoch}, assignment [{}]", v.join(", ")),
                        );
                    }
                    self.assignment = new;
                }
            }
            Some(e @ (ErrorCode::FencedMemberEpoch | ErrorCode::UnknownMemberId)) => {
                self.error(
                    ctx,
                    e,
                    format!("{e} from the coordinator: the member rejoins with epoch 0"),
                );
                self.member_epoch = 0;
                self.assignment.clear();
                if self.state != ShareMemberState::Leaving {
                    self.state = ShareMemberState::Joining;
                }
                self.next_heartbeat = now;
            }
            Some(
                e @ (ErrorCode::NotCoordinator
                | ErrorCode::CoordinatorNotAvailable
                | ErrorCode::CoordinatorLoadInProgress),
            ) => {
                self.error(ctx, e, "looking for the group coordinator again".into());
                self.coordinator = None;
                self.coordinator_backoff_until = now + self.settings.retry_backoff_ms.max(100);
            }
            Some(e) => {
                self.error(
                    ctx,
                    e,
                    format!("ShareGroupHeartbeat for group {} failed", self.group),
                );
                self.state = ShareMemberState::Fatal;
            }
        }
    }

    fn on_share_fetch(
        &mut self,
        ctx: &mut Ctx,
        error: Option<ErrorCode>,
        partitions: Vec<ShareFetchPartitionData>,
    ) {
        self.stats.fetches += 1;
        if let Some(e) = error {
            self.error(ctx, e, "ShareFetch failed".into());
            return;
        }
        for pd in partitions {
            if let Some(e) = pd.acknowledge_error {
                self.acknowledge_failed(ctx, pd.tp, e);
            }
            if let Some(e) = pd.error {
                if matches!(
                    e,
                    ErrorCode::NotLeaderOrFollower
                        | ErrorCode::UnknownTopicOrPartition
                        | ErrorCode::FencedLeaderEpoch
                        | ErrorCode::UnknownLeaderEpoch
                ) {
                    self.metadata.request_update();
                }
                continue;
            }
            if pd.acquired.is_empty() {
                continue;
            }
            for (_, e) in pd.records.iter() {
                let Some(a) = pd
                    .acquired
                    .iter()
                    .find(|a| a.first_offset <= e.offset && e.offset <= a.last_offset)
                else {
                    continue;
                };
                self.buffer.push_back(ShareRecord {
                    tp: pd.tp,
                    offset: e.offset,
                    id: e.id,
                    delivery_count: a.delivery_count,
                    done_at: 0,
                    processed: false,
                    acknowledgement: None,
                });
            }
        }
    }

    /// The application loop and the background requests.
    pub fn run(&mut self, ctx: &mut Ctx) {
        if !self.alive {
            return;
        }
        let corr = self.next_corr + 1;
        if self
            .metadata
            .maybe_request(
                ctx,
                corr,
                self.settings.retry_backoff_ms,
                self.settings.request_timeout_ms,
            )
            .is_some()
        {
            self.next_corr = corr;
        }
        self.membership_step(ctx);
        self.application_step(ctx);
        self.send_requests(ctx);
    }

    fn membership_step(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        if matches!(self.state, ShareMemberState::Left | ShareMemberState::Fatal) {
            return;
        }
        let Some(coordinator) = self.coordinator else {
            if self.find_in_flight.is_none() && now >= self.coordinator_backoff_until {
                if let Some(node) = self.metadata.pick_node(now) {
                    let corr = self.corr();
                    ctx.send(
                        NodeId::Broker(node),
                        Message::FindCoordinator {
                            corr,
                            key: self.group.clone(),
                            key_type: CoordinatorType::Group,
                        },
                    );
                    ctx.set_timer(
                        self.settings.request_timeout_ms,
                        Timer::RequestTimeout(corr),
                    );
                    self.find_in_flight = Some(corr);
                }
            } else if now < self.coordinator_backoff_until {
                let at = self.coordinator_backoff_until;
                self.waker.wake_at(ctx, at);
            }
            return;
        };
        if self.heartbeat_in_flight.is_some() {
            return;
        }
        let now_please = matches!(
            self.state,
            ShareMemberState::Joining | ShareMemberState::Leaving
        );
        if !now_please && now < self.next_heartbeat {
            let at = self.next_heartbeat;
            self.waker.wake_at(ctx, at);
            return;
        }
        if self.member_id.is_empty() {
            // The consumer picks its member id (a random Uuid) once.
            let id = crate::assignor::server::Uuid::new(
                ctx.rng.next_u64() as i64,
                ctx.rng.next_u64() as i64,
            );
            self.member_id = id.to_string();
        }
        let epoch = match self.state {
            ShareMemberState::Leaving => crate::share_group::LEAVE_GROUP_MEMBER_EPOCH,
            ShareMemberState::Joining => 0,
            _ => self.member_epoch,
        };
        let mut topics = self.topics.clone();
        topics.sort_shared();
        topics.dedup();
        let corr = self.corr();
        ctx.send(
            NodeId::Broker(coordinator),
            Message::ShareGroupHeartbeat {
                corr,
                group: self.group.clone(),
                member_id: self.member_id.clone(),
                member_epoch: epoch,
                subscribed_topics: (epoch == 0).then_some(topics),
            },
        );
        ctx.set_timer(
            self.settings.request_timeout_ms,
            Timer::RequestTimeout(corr),
        );
        self.heartbeat_in_flight = Some(corr);
        // Until the response says otherwise, heartbeat again after the interval.
        self.next_heartbeat = now + self.heartbeat_interval_ms.max(1);
    }

    /// Finish processing what is due, acknowledge a finished batch, poll the next one.
    fn application_step(&mut self, ctx: &mut Ctx) {
        loop {
            let now = ctx.now;
            let implicit = self.settings.acknowledgement_mode == AcknowledgementMode::Implicit;
            for r in self.batch.iter_mut() {
                if !r.processed && r.done_at <= now {
                    r.processed = true;
                    self.stats.processed += 1;
                    if implicit {
                        r.acknowledgement = Some(AcknowledgeType::Accept);
                    }
                    if r.acknowledgement == Some(AcknowledgeType::Accept) {
                        ctx.ledger.on_processed(&self.group, r.id);
                    }
                }
            }
            let done = self
                .batch
                .iter()
                .all(|r| r.processed && r.acknowledgement.is_some());
            if !done {
                if let Some(at) = self
                    .batch
                    .iter()
                    .filter(|r| !r.processed)
                    .map(|r| r.done_at)
                    .min()
                {
                    self.waker.wake_at(ctx, at);
                }
                return;
            }
            // poll(): the previous batch is acknowledged…
            for r in std::mem::take(&mut self.batch) {
                if let Some(t) = r.acknowledgement {
                    match t {
                        AcknowledgeType::Accept => self.stats.accepted += 1,
                        AcknowledgeType::Release => self.stats.released += 1,
                        AcknowledgeType::Reject => self.stats.rejected += 1,
                    }
                    self.pending_acks
                        .entry(r.tp)
                        .or_default()
                        .insert(r.offset, t);
                }
            }
            // …and the next one is returned.
            if self.buffer.is_empty() || self.state == ShareMemberState::Left {
                return;
            }
            let take = (self.settings.max_poll_records as usize).min(self.buffer.len());
            let mut polled: Vec<ShareRecord> = self.buffer.drain(..take).collect();
            let mut per_tp: VecMap<Tp, (i64, i64, usize)> = VecMap::new();
            for (i, r) in polled.iter_mut().enumerate() {
                r.done_at = now + self.processing_ms * (i as u64 + 1);
                self.stats.delivered += 1;
                if r.delivery_count > 1 {
                    self.stats.redelivered += 1;
                }
                ctx.ledger.on_delivered(&self.name, r.id, false);
                let e = per_tp.entry(r.tp).or_insert((r.offset, r.offset, 0));
                e.0 = e.0.min(r.offset);
                e.1 = e.1.max(r.offset);
                e.2 += 1;
                self.delivered.push_back(r.clone());
                if self.delivered.len() > DELIVERED_KEEP {
                    self.delivered.pop_front();
                }
            }
            for (tp, (first, last, count)) in per_tp {
                ctx.emit(TraceKind::Consumed {
                    client: self.name.as_str().into(),
                    topic: ctx.topic_str(tp),
                    partition: tp.partition,
                    first_offset: first,
                    last_offset: last,
                    count,
                });
            }
            self.batch = polled;
        }
    }

    /// Take the pending acknowledgements of `tps` as request batches (one per offset run of
    /// the same type).
    fn take_acks(&mut self, tp: Tp) -> Vec<ShareAcknowledgementBatch> {
        let Some(acks) = self.pending_acks.remove(&tp) else {
            return Vec::new();
        };
        let mut out: Vec<ShareAcknowledgementBatch> = Vec::new();
        for (offset, t) in acks {
            match out.last_mut() {
                Some(b) if b.last_offset + 1 == offset && b.types.first() == Some(&t) => {
                    b.last_offset = offset;
                }
                _ => out.push(ShareAcknowledgementBatch {
                    first_offset: offset,
                    last_offset: offset,
                    types: vec![t],
                }),
            }
        }
        out
    }

    /// Send `ShareFetch` requests when the application has nothing left, and acknowledgements
    /// that cannot wait for a fetch in `ShareAcknowledge`.
    fn send_requests(&mut self, ctx: &mut Ctx) {
        if self.member_id.is_empty() {
            return;
        }
        let idle = self.batch.is_empty() && self.buffer.is_empty();
        let fetching =
            idle && self.member_epoch > 0 && matches!(self.state, ShareMemberState::Stable);
        let mut by_leader: VecMap<BrokerId, Vec<ShareFetchPartition>> = VecMap::new();
        if fetching {
            for tp in self.assigned_tps() {
                match self.metadata.leader(tp) {
                    Some(l) if !self.fetches.contains_key(&l) => {
                        by_leader.entry(l).or_default().push(ShareFetchPartition {
                            tp,
                            fetch: true,
                            acknowledgements: Vec::new(),
                        })
                    }
                    Some(_) => {}
                    None => self.metadata.request_update(),
                }
            }
        }
        // Acknowledgements ride on those fetches, or go on their own.
        let mut ack_only: VecMap<BrokerId, Vec<(Tp, Vec<ShareAcknowledgementBatch>)>> =
            VecMap::new();
        let pending: Vec<Tp> = self.pending_acks.keys().copied().collect();
        for tp in pending {
            let Some(l) = self.metadata.leader(tp) else {
                self.metadata.request_update();
                continue;
            };
            let acks = self.take_acks(tp);
            match by_leader.get_mut(&l) {
                Some(parts) => match parts.iter_mut().find(|p| p.tp == tp) {
                    Some(p) => p.acknowledgements = acks,
                    None => parts.push(ShareFetchPartition {
                        tp,
                        fetch: false,
                        acknowledgements: acks,
                    }),
                },
                None => ack_only.entry(l).or_default().push((tp, acks)),
            }
        }
        for (leader, partitions) in by_leader {
            let corr = self.corr();
            self.fetches.insert(leader, corr);
            ctx.send(
                NodeId::Broker(leader),
                Message::ShareFetch {
                    corr,
                    group: self.group.clone(),
                    member_id: self.member_id.clone(),
                    share_session_epoch: 1,
                    max_wait_ms: self.settings.fetch_max_wait_ms,
                    min_bytes: self.settings.fetch_min_bytes,
                    max_bytes: self.settings.max_partition_fetch_bytes,
                    max_records: self.settings.max_poll_records,
                    partitions,
                },
            );
            ctx.set_timer(
                self.settings.request_timeout_ms,
                Timer::RequestTimeout(corr),
            );
        }
        for (leader, partitions) in ack_only {
            self.send_acknowledge(ctx, leader, partitions, 1);
        }
    }

    fn send_acknowledge(
        &mut self,
        ctx: &mut Ctx,
        leader: BrokerId,
        partitions: Vec<(Tp, Vec<ShareAcknowledgementBatch>)>,
        epoch: i32,
    ) {
        let corr = self.corr();
        self.acks_in_flight.insert(corr, leader);
        ctx.send(
            NodeId::Broker(leader),
            Message::ShareAcknowledge {
                corr,
                group: self.group.clone(),
                member_id: self.member_id.clone(),
                share_session_epoch: epoch,
                partitions,
            },
        );
        ctx.set_timer(
            self.settings.request_timeout_ms,
            Timer::RequestTimeout(corr),
        );
    }

    /// The `share_ack` action: the application acknowledges one record of its current batch
    /// (explicit mode).
    pub fn acknowledge(
        &mut self,
        ctx: &mut Ctx,
        tp: Tp,
        offset: i64,
        t: AcknowledgeType,
    ) -> SimResult<()> {
        if self.settings.acknowledgement_mode != AcknowledgementMode::Explicit {
            return Err(SimError::command(format!(
                "{} uses share.acknowledgement.mode=implicit: poll() accepts its records; set share.acknowledgement.mode=explicit to acknowledge records one by one",
                self.name
            )));
        }
        let name = self.name.clone();
        let topic = ctx.topic_name(tp);
        let Some(r) = self
            .batch
            .iter_mut()
            .find(|r| r.tp == tp && r.offset == offset)
        else {
            let held: Vec<String> = self
                .batch
                .iter()
                .filter(|r| r.acknowledgement.is_none())
                .map(|r| format!("{}-{}@{}", ctx.topic_name(r.tp), r.tp.partition, r.offset))
                .collect();
            return Err(SimError::command(format!(
                "{name} has not been given {topic}-{} offset {offset} by its last poll() (awaiting acknowledgement: {})",
                tp.partition,
                if held.is_empty() { "nothing".to_string() } else { held.join(", ") }
            )));
        };
        if let Some(prev) = r.acknowledgement {
            return Err(SimError::command(format!(
                "{name} already acknowledged {topic}-{} offset {offset} ({})",
                tp.partition,
                prev.name()
            )));
        }
        r.acknowledgement = Some(t);
        if r.processed && t == AcknowledgeType::Accept {
            ctx.ledger.on_processed(&self.group, r.id);
        }
        self.event(
            ctx,
            format!(
                "acknowledge({topic}-{} offset {offset}, {})",
                tp.partition,
                t.name().to_uppercase()
            ),
        );
        self.run(ctx);
        Ok(())
    }

    /// Crash: in-memory state is gone; acquired records come back when their locks expire.
    pub fn crash(&mut self, _ctx: &mut Ctx) {
        self.alive = false;
        self.buffer.clear();
        self.batch.clear();
        self.pending_acks.clear();
        self.fetches.clear();
        self.acks_in_flight.clear();
        self.heartbeat_in_flight = None;
        self.find_in_flight = None;
        self.waker.reset();
    }

    /// `close()`: acknowledge what was processed (implicit mode) and release the rest, close the
    /// share sessions on every leader, leave the group, stop.
    pub fn close(&mut self, ctx: &mut Ctx) {
        let implicit = self.settings.acknowledgement_mode == AcknowledgementMode::Implicit;
        let now = ctx.now;
        for r in std::mem::take(&mut self.batch) {
            let t = match r.acknowledgement {
                Some(t) => t,
                None if implicit && (r.processed || r.done_at <= now) => AcknowledgeType::Accept,
                None => AcknowledgeType::Release,
            };
            self.pending_acks
                .entry(r.tp)
                .or_default()
                .insert(r.offset, t);
        }
        for r in std::mem::take(&mut self.buffer) {
            self.pending_acks
                .entry(r.tp)
                .or_default()
                .insert(r.offset, AcknowledgeType::Release);
        }
        let mut leaders: VecMap<BrokerId, Vec<(Tp, Vec<ShareAcknowledgementBatch>)>> =
            VecMap::new();
        for tp in self.assigned_tps() {
            if let Some(l) = self.metadata.leader(tp) {
                leaders.entry(l).or_default();
            }
        }
        let pending: Vec<Tp> = self.pending_acks.keys().copied().collect();
        for tp in pending {
            if let Some(l) = self.metadata.leader(tp) {
                let acks = self.take_acks(tp);
                leaders.entry(l).or_default().push((tp, acks));
            }
        }
        if !self.member_id.is_empty() {
            for (leader, partitions) in leaders {
                self.send_acknowledge(ctx, leader, partitions, -1);
            }
            if let Some(c) = self.coordinator {
                if self.member_epoch > 0 {
                    let corr = self.corr();
                    ctx.send(
                        NodeId::Broker(c),
                        Message::ShareGroupHeartbeat {
                            corr,
                            group: self.group.clone(),
                            member_id: self.member_id.clone(),
                            member_epoch: crate::share_group::LEAVE_GROUP_MEMBER_EPOCH,
                            subscribed_topics: None,
                        },
                    );
                }
            }
        }
        self.state = ShareMemberState::Left;
        self.alive = false;
        self.fetches.clear();
        self.heartbeat_in_flight = None;
        self.waker.reset();
    }
}

impl Cluster {
    /// The share consumer named `name` (running or not).
    pub fn share_consumer(&self, name: &str) -> Option<&ShareConsumer> {
        self.clients.iter().find_map(|c| match c {
            Client::ShareConsumer(s) if s.name == name => Some(s),
            _ => None,
        })
    }

    fn share_consumer_index(&self, name: &str) -> SimResult<u32> {
        let idx = self
            .client_index(name)
            .ok_or_else(|| SimError::command(format!("no share consumer named '{name}'")))?;
        match self.clients.get(idx as usize) {
            Some(Client::ShareConsumer(c)) if c.alive => Ok(idx),
            Some(Client::ShareConsumer(_)) => Err(SimError::command(format!(
                "share consumer '{name}' is not running"
            ))),
            _ => Err(SimError::command(format!(
                "'{name}' is not a share consumer"
            ))),
        }
    }

    fn with_share_consumer<R>(
        &mut self,
        idx: u32,
        f: impl FnOnce(&mut ShareConsumer, &mut Ctx) -> R,
    ) -> Option<R> {
        self.with_node(NodeId::Client(idx), |n, ctx| match n {
            NodeRefMut::Client(Client::ShareConsumer(c)) => Some(f(c, ctx)),
            _ => None,
        })
        .flatten()
    }

    /// Start a `KafkaShareConsumer` in share group `group`, subscribed to `topics`. A stopped
    /// share consumer's id may be reused (a restart: a new member).
    pub fn add_share_consumer(
        &mut self,
        name: &str,
        group: &str,
        topics: &[String],
        config: &BTreeMap<String, String>,
        processing_ms: Millis,
    ) -> SimResult<u32> {
        if name.trim().is_empty() {
            return Err(SimError::command("a client needs a non-empty id"));
        }
        let reuse = match self
            .client_index(name)
            .map(|i| (i, self.clients.get(i as usize)))
        {
            Some((i, Some(Client::ShareConsumer(c)))) if !c.alive => Some(i),
            Some(_) => {
                return Err(SimError::command(format!(
                    "a client named '{name}' already exists"
                )))
            }
            None => None,
        };
        if group.trim().is_empty() {
            return Err(SimError::command("a share consumer needs a group"));
        }
        if topics.is_empty() {
            return Err(SimError::command(
                "a share consumer subscribes to at least one topic",
            ));
        }
        for k in config.keys() {
            if let Some((_, why)) = REJECTED.iter().find(|(key, _)| key == k) {
                return Err(SimError::config(
                    k,
                    format!("{k} is not a share consumer config: {why}"),
                ));
            }
        }
        let props = Props::parse(SHARE_CONSUMER_CONFIGS, config, "share consumer")?;
        for t in topics {
            if self.controller.image.topic_by_name(t).is_none() {
                return Err(SimError::kafka(
                    ErrorCode::UnknownTopicOrPartition,
                    format!("topic '{t}' does not exist"),
                ));
            }
        }
        let idx = reuse.unwrap_or(self.clients.len() as u32);
        let bootstrap: Vec<BrokerId> = self.brokers.keys().copied().collect();
        let c = ShareConsumer::new(
            name.to_string(),
            idx,
            props,
            group.to_string(),
            topics.to_vec(),
            bootstrap,
            processing_ms,
        );
        let idx = self.install_client(reuse, Client::ShareConsumer(c));
        self.with_share_consumer(idx, |c, ctx| c.run(ctx));
        Ok(idx)
    }

    /// `acknowledge(record, type)` in a share consumer's application (explicit mode).
    pub fn share_acknowledge(
        &mut self,
        consumer: &str,
        topic: &str,
        partition: i32,
        offset: i64,
        t: AcknowledgeType,
    ) -> SimResult<()> {
        let idx = self.share_consumer_index(consumer)?;
        let tp = self.tp(topic, partition)?;
        self.with_share_consumer(idx, |c, ctx| c.acknowledge(ctx, tp, offset, t))
            .unwrap_or_else(|| Err(SimError::command("no share consumer")))
    }

    /// `shareConsumer.close()`.
    pub fn close_share_consumer(&mut self, name: &str) -> SimResult<()> {
        let idx = self.share_consumer_index(name)?;
        self.note(&format!(
            "{name} closes: it acknowledges what it has, closes its share sessions and leaves its share group"
        ));
        self.with_share_consumer(idx, |c, ctx| c.close(ctx));
        Ok(())
    }

    /// `kafka-configs.sh --alter --entity-type groups --entity-name <group>`: set (or, with
    /// an empty value, delete) group configs such as `share.auto.offset.reset`.
    pub fn set_group_config(
        &mut self,
        group: &str,
        changes: &BTreeMap<String, String>,
    ) -> SimResult<()> {
        if group.trim().is_empty() {
            return Err(SimError::command("name the group"));
        }
        let defs = crate::share_group::GROUP_CONFIGS;
        let mut props = self
            .controller
            .image
            .group_configs
            .get(group)
            .cloned()
            .unwrap_or_default();
        for (k, v) in changes {
            if v.is_empty() {
                props.remove(k);
            } else {
                props.set(defs, k, v, "group")?;
            }
        }
        let group = group.to_string();
        self.with_node(NodeId::Controller, |n, ctx| {
            if let NodeRefMut::Controller(c) = n {
                c.set_group_config(ctx, group, props);
            }
        });
        Ok(())
    }

    /// The share-partition of `group` on a topic partition, at its current leader.
    pub fn share_partition(
        &self,
        group: &str,
        topic: &str,
        partition: i32,
    ) -> Option<&crate::share_partition::SharePartition> {
        let tp = self.tp(topic, partition).ok()?;
        let leader = self.leader_of(tp)?;
        self.brokers
            .get(&leader)?
            .share_partitions
            .partitions
            .get(&(group.to_string(), tp))
    }

    /// The broker coordinating share group `group` and the group's state there.
    pub fn share_group_coordinator(
        &self,
        group: &str,
    ) -> Option<(BrokerId, &crate::share_group::ShareGroup)> {
        let t = self
            .controller
            .image
            .topic_by_name(crate::group::OFFSETS_TOPIC)?;
        let tp = Tp::new(t.id, crate::group::partition_for(group, t.partitions));
        let leader = self.leader_of(tp)?;
        let b = self.brokers.get(&leader)?;
        b.share_groups.groups.get(group).map(|g| (leader, g))
    }

    /// The client name of a share group member (by member id).
    pub fn share_member_client(&self, member_id: &str) -> Option<&str> {
        self.clients.iter().find_map(|c| match c {
            Client::ShareConsumer(s) if s.member_id == member_id && !member_id.is_empty() => {
                Some(s.name.as_str())
            }
            _ => None,
        })
    }
}
