//! A broker node: hosts partition replicas, answers produce, fetch, metadata and list-offsets
//! requests, runs replica fetchers towards the leaders it follows, keeps produce and fetch
//! purgatories (`DelayedProduce`, `DelayedFetch`), heartbeats to the controller and applies
//! the metadata it receives (`ReplicaManager`, `KafkaApis`, `ReplicaFetcherThread`).

use crate::config::{Props, TopicSettings, BROKER_CONFIGS};
use crate::error::ErrorCode;
use crate::group::{self, AfterAppend, Effect, GroupCoordinator, OFFSETS_TOPIC};
use crate::ledger::HistoryEvent;
use crate::log::Log;
use crate::message::{
    AbortedTxnInfo, Acks, DivergingEpoch, FetchPartition, FetchPartitionData, Isolation, Message,
    PartitionMetadata, ProducePartitionResult, TopicMetadata,
};
use crate::metadata::{MetadataImage, MetadataRecord, TopicRecord, NO_LEADER};
use crate::record::Records;
use crate::replica::{IsrChange, Partition, Role};
use crate::sim::{Ctx, Timer};
use crate::trace::TraceKind;
use crate::types::{BrokerId, Millis, NodeId, Tp};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// `replica.fetch.max.bytes`: what a follower's fetch asks for from each partition (the
/// whole response is `replica.fetch.response.max.bytes`, [`BrokerSettings`]).
const REPLICA_FETCH_MAX_BYTES: usize = 1024 * 1024;

/// Broker settings read once from the cluster's broker config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BrokerSettings {
    pub replica_lag_time_max_ms: Millis,
    pub replica_fetch_wait_max_ms: Millis,
    pub heartbeat_interval_ms: Millis,
    /// `broker.session.timeout.ms`: the cap of the registration backoff.
    #[serde(default)]
    pub session_timeout_ms: Millis,
    pub retention_check_interval_ms: Millis,
    pub replica_fetch_backoff_ms: Millis,
    pub replica_socket_timeout_ms: Millis,
    pub replica_fetch_max_bytes: usize,
    /// `log.flush.scheduler.interval.ms` ([`NEVER`] by default: the flusher does not run).
    #[serde(default = "never")]
    pub log_flush_scheduler_interval_ms: Millis,
}

/// A period of `Long.MAX_VALUE` ms: a task that never runs.
const NEVER: Millis = i64::MAX as Millis;
fn never() -> Millis {
    NEVER
}
/// `log.initial.task.delay.ms`: the log manager's tasks first run this long after start.
const LOG_INITIAL_TASK_DELAY_MS: Millis = 30_000;

impl BrokerSettings {
    pub fn from_props(p: &Props) -> Self {
        let b = BROKER_CONFIGS;
        BrokerSettings {
            replica_lag_time_max_ms: p.i64(b, "replica.lag.time.max.ms").max(0) as Millis,
            replica_fetch_wait_max_ms: p.i64(b, "replica.fetch.wait.max.ms").max(0) as Millis,
            heartbeat_interval_ms: p.i64(b, "broker.heartbeat.interval.ms").max(1) as Millis,
            session_timeout_ms: p.i64(b, "broker.session.timeout.ms").max(1) as Millis,
            retention_check_interval_ms: p.i64(b, "log.retention.check.interval.ms").max(1)
                as Millis,
            replica_fetch_backoff_ms: 1000,
            replica_socket_timeout_ms: 30_000,
            replica_fetch_max_bytes: 10 * 1024 * 1024,
            log_flush_scheduler_interval_ms: p.i64(b, "log.flush.scheduler.interval.ms").max(1)
                as Millis,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BrokerMetrics {
    pub isr_shrinks: u64,
    pub isr_expands: u64,
    pub bytes_in: u64,
    pub messages_in: u64,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fetcher {
    in_flight: Option<u64>,
    backoff_until: Millis,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DelayedProduce {
    pub(crate) from: NodeId,
    pub(crate) corr: u64,
    /// An internal append (group coordinator): what to do once it is replicated.
    pub(crate) then: Option<AfterAppend>,
    /// Partitions still waiting: (tp, required offset), and results so far.
    pub(crate) waiting: Vec<(Tp, i64)>,
    pub(crate) results: Vec<ProducePartitionResult>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DelayedFetch {
    from: NodeId,
    corr: u64,
    replica: Option<BrokerId>,
    isolation: Isolation,
    min_bytes: usize,
    max_bytes: usize,
    partition_max_bytes: usize,
    partitions: Vec<FetchPartition>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Broker {
    pub id: BrokerId,
    pub rack: Option<String>,
    pub alive: bool,
    /// Bumped on every start and stop; timers of an earlier incarnation are ignored.
    pub incarnation: u32,
    /// The controller accepted this incarnation's registration; until then it does not
    /// heartbeat (`BrokerLifecycleManager.registered`).
    pub registered: bool,
    /// Registrations the controller refused in a row (for the backoff).
    registration_failures: u32,
    /// When this incarnation last sent its registration.
    registration_sent_at: Millis,
    pub metadata: MetadataImage,
    pub fenced: bool,
    pub partitions: VecMap<Tp, Partition>,
    pub fetch_paused: bool,
    pub settings: BrokerSettings,
    pub cluster_config: Props,
    /// Each known topic's [`TopicSettings`], resolved when its metadata record arrives.
    topic_settings_cache: VecMap<u32, Arc<TopicSettings>>,
    pub metrics: BrokerMetrics,
    pub(crate) fetchers: VecMap<BrokerId, Fetcher>,
    pub(crate) delayed_produce: VecMap<u64, DelayedProduce>,
    pub(crate) delayed_fetch: VecMap<u64, DelayedFetch>,
    pub(crate) next_id: u64,
    pub(crate) next_pid: i64,
    pending_since: VecMap<Tp, Millis>,
    /// The group coordinator for groups whose `__consumer_offsets` partition this broker leads.
    pub groups: GroupCoordinator,
    /// The transaction coordinator for transactional ids whose `__transaction_state`
    /// partition this broker leads.
    pub txns: crate::txn::TransactionCoordinator,
    pub(crate) txn_topic_requested: bool,
    /// WriteTxnMarkers requests in flight: correlation → (transactional id, partitions).
    pub(crate) marker_requests: VecMap<u64, (String, Vec<Tp>)>,
    offsets_topic_requested: bool,
    /// KIP-932: the share-partitions of the partitions this broker leads (`share_partition.rs`).
    pub share_partitions: crate::share_partition::SharePartitionManager,
    /// KIP-932: the share groups this broker coordinates (`share_group.rs`).
    pub share_groups: crate::share_group::ShareGroupCoordinator,
}

impl Broker {
    pub fn new(
        id: BrokerId,
        rack: Option<String>,
        settings: BrokerSettings,
        cluster_config: Props,
    ) -> Self {
        let max_txn_timeout = cluster_config.i64(BROKER_CONFIGS, "transaction.max.timeout.ms");
        let mut groups = GroupCoordinator::new(
            cluster_config
                .i64(BROKER_CONFIGS, "group.initial.rebalance.delay.ms")
                .max(0) as Millis,
            cluster_config
                .i64(BROKER_CONFIGS, "group.min.session.timeout.ms")
                .max(0) as Millis,
            cluster_config
                .i64(BROKER_CONFIGS, "group.max.session.timeout.ms")
                .max(0) as Millis,
        );
        groups.consumer =
            crate::consumer_group::ConsumerGroupCoordinator::from_props(&cluster_config);
        Broker {
            id,
            rack,
            alive: false,
            incarnation: 0,
            registered: false,
            registration_failures: 0,
            registration_sent_at: 0,
            metadata: MetadataImage::default(),
            fenced: true,
            partitions: VecMap::new(),
            fetch_paused: false,
            settings,
            cluster_config,
            topic_settings_cache: VecMap::new(),
            metrics: BrokerMetrics::default(),
            fetchers: VecMap::new(),
            delayed_produce: VecMap::new(),
            delayed_fetch: VecMap::new(),
            next_id: 0,
            next_pid: 0,
            pending_since: VecMap::new(),
            groups,
            txns: crate::txn::TransactionCoordinator::new(
                id as i64 * 1_000_000 + 500_000,
                max_txn_timeout,
            ),
            txn_topic_requested: false,
            marker_requests: VecMap::new(),
            offsets_topic_requested: false,
            share_partitions: Default::default(),
            share_groups: Default::default(),
        }
    }

    pub(crate) fn next_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    /// Shared, not copied: read for every partition of every produce and fetch.
    pub fn topic_settings(&self, topic: u32) -> Arc<TopicSettings> {
        if let Some(s) = self.topic_settings_cache.get(&topic) {
            return Arc::clone(s);
        }
        Arc::new(match self.metadata.topics.get(&topic) {
            Some(t) => TopicSettings::resolve(&t.config, &self.cluster_config),
            None => TopicSettings::resolve(&Props::default(), &self.cluster_config),
        })
    }

    fn is_eligible(&self, b: BrokerId) -> bool {
        self.metadata.brokers.get(&b).is_some_and(|r| !r.fenced)
    }

    /// Start (or restart) the broker process: register with the controller and schedule the
    /// periodic tasks. Logs survive; everything else is rebuilt from metadata.
    pub fn start(&mut self, ctx: &mut Ctx) {
        self.alive = true;
        self.incarnation += 1;
        self.fenced = true;
        self.metadata = MetadataImage::default();
        self.topic_settings_cache.clear();
        for p in self.partitions.values_mut() {
            p.role = Role::Offline;
            p.leader = NO_LEADER;
            p.leader_epoch = -1;
            p.partition_epoch = -1;
            p.pending_isr = None;
            p.remote.clear();
        }
        self.registered = false;
        self.registration_failures = 0;
        self.send_registration(ctx);
        let wall = ctx.wall as i64;
        for p in self.partitions.values_mut() {
            p.log.loaded_at(wall);
        }
        self.schedule_periodic_tasks(ctx);
    }

    /// The heartbeat, the replica manager's, log manager's and coordinators' periodic tasks.
    fn schedule_periodic_tasks(&mut self, ctx: &mut Ctx) {
        ctx.set_timer(self.settings.heartbeat_interval_ms, Timer::BrokerHeartbeat);
        ctx.set_timer(
            (self.settings.replica_lag_time_max_ms / 2).max(1),
            Timer::IsrExpiration,
        );
        ctx.set_timer(
            self.settings.retention_check_interval_ms,
            Timer::RetentionCheck,
        );
        ctx.set_timer(1_000, Timer::GroupTick);
        ctx.set_timer(1_000, Timer::TxnTick);
        let backoff = self
            .cluster_config
            .i64(BROKER_CONFIGS, "log.cleaner.backoff.ms")
            .max(1) as Millis;
        ctx.set_timer(backoff, Timer::LogCleaner);
        if self.settings.log_flush_scheduler_interval_ms < NEVER {
            ctx.set_timer(LOG_INITIAL_TASK_DELAY_MS, Timer::LogFlusher);
        }
    }

    fn send_registration(&mut self, ctx: &mut Ctx) {
        self.registration_sent_at = ctx.now;
        ctx.send(
            NodeId::Controller,
            Message::BrokerRegistration {
                broker: self.id,
                rack: self.rack.clone(),
                incarnation: self.incarnation,
            },
        );
    }

    fn send_heartbeat(&self, ctx: &mut Ctx) {
        ctx.send(
            NodeId::Controller,
            Message::BrokerHeartbeat {
                broker: self.id,
                metadata_offset: self.metadata.offset,
                incarnation: self.incarnation,
            },
        );
    }

    /// Bootstrap at cluster creation: the metadata is already known (as if replayed).
    pub fn bootstrap(&mut self, ctx: &mut Ctx, records: &[MetadataRecord]) {
        self.alive = true;
        self.incarnation += 1;
        self.registered = true;
        self.apply_metadata(ctx, 0, records);
        self.fenced = false;
        self.schedule_periodic_tasks(ctx);
    }

    /// A power loss: the process dies if it was running, and the page cache with it. Each
    /// log keeps what had reached the disk ([`Log::lose_unflushed`]), which is what Kafka's
    /// log recovery finds after the unclean shutdown. Returns the records removed.
    pub fn power_loss(&mut self, ctx: &mut Ctx) -> usize {
        if self.alive {
            self.stop(ctx);
        }
        let now = ctx.now;
        let wall = ctx.wall as i64;
        let mut lost = 0;
        for (tp, p) in self.partitions.iter_mut() {
            let removed = p.log.lose_unflushed(wall);
            if removed == 0 {
                continue;
            }
            lost += removed;
            let to_offset = p.log.log_end_offset();
            ctx.emit(TraceKind::Truncate {
                broker: self.id,
                topic: ctx.topic_str(*tp),
                partition: tp.partition,
                to_offset,
                removed,
            });
            ctx.ledger.on_history(
                *tp,
                HistoryEvent::PowerLoss {
                    at: now,
                    broker: self.id,
                    to_offset,
                    removed,
                },
            );
        }
        lost
    }

    /// Stop the broker process (a crash). In-memory state is lost; logs are kept. Clients
    /// waiting on parked requests see their connection reset.
    pub fn stop(&mut self, ctx: &mut Ctx) {
        self.alive = false;
        self.incarnation += 1;
        let produce = std::mem::take(&mut self.delayed_produce);
        for d in produce.values() {
            ctx.send(d.from, Message::Disconnected { corr: Some(d.corr) });
        }
        let fetch = std::mem::take(&mut self.delayed_fetch);
        for d in fetch.values() {
            ctx.send(d.from, Message::Disconnected { corr: Some(d.corr) });
        }
        // (Simulation harness finding, issue 8.) The crash resets every connection, so the
        // clients whose requests the coordinator had parked see the disconnect at once too:
        // a JoinGroup or SyncGroup waiting for the group (whose timeout is the rebalance
        // timeout, minutes) and a request waiting for an internal append.
        let mut parked: Vec<(NodeId, u64)> = Vec::new();
        for g in self.groups.groups.values() {
            for m in &g.members {
                parked.extend(
                    [m.awaiting_join, m.awaiting_sync]
                        .into_iter()
                        .flatten()
                        .map(|c| (m.node, c)),
                );
            }
        }
        for d in produce.values() {
            match &d.then {
                Some(AfterAppend::OffsetCommit { to, corr, .. })
                | Some(AfterAppend::TxnOffsetCommit { to, corr, .. })
                | Some(AfterAppend::Markers { to, corr, .. }) => parked.push((*to, *corr)),
                Some(AfterAppend::Txn(_, after)) => parked.extend(after.waiting_client()),
                Some(AfterAppend::ConsumerGroup(crate::consumer_group::AfterWrite::Respond {
                    to,
                    response,
                })) => parked.push((*to, crate::consumer_group::response_corr(response))),
                _ => {}
            }
        }
        for (to, corr) in parked {
            if to != NodeId::Broker(self.id) && to != NodeId::Controller {
                ctx.send(to, Message::Disconnected { corr: Some(corr) });
            }
        }
        self.fetchers.clear();
        self.pending_since.clear();
        self.groups.groups.clear();
        self.groups.consumer.groups.clear();
        self.offsets_topic_requested = false;
        self.txns.clear();
        self.txn_topic_requested = false;
        self.marker_requests.clear();
        self.stop_share(ctx);
        for p in self.partitions.values_mut() {
            p.role = Role::Offline;
            p.pending_isr = None;
            p.remote.clear();
        }
    }

    pub fn on_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        if !self.alive {
            return;
        }
        match timer {
            Timer::BrokerHeartbeat => {
                if self.registered {
                    self.send_heartbeat(ctx);
                } else if ctx.now >= self.registration_sent_at + self.settings.session_timeout_ms {
                    // No answer to the registration (it was lost): send it again.
                    self.send_registration(ctx);
                }
                ctx.set_timer(self.settings.heartbeat_interval_ms, Timer::BrokerHeartbeat);
            }
            Timer::BrokerRegistrationRetry if !self.registered => self.send_registration(ctx),
            Timer::IsrExpiration => {
                self.isr_expiration(ctx);
                ctx.set_timer(
                    (self.settings.replica_lag_time_max_ms / 2).max(1),
                    Timer::IsrExpiration,
                );
            }
            Timer::RetentionCheck => {
                self.retention_check(ctx);
                ctx.set_timer(
                    self.settings.retention_check_interval_ms,
                    Timer::RetentionCheck,
                );
            }
            Timer::LogFlusher => {
                let wall = ctx.wall as i64;
                for p in self.partitions.values_mut() {
                    p.log.flush_if_due(wall);
                }
                ctx.set_timer(
                    self.settings.log_flush_scheduler_interval_ms,
                    Timer::LogFlusher,
                );
            }
            Timer::FetcherBackoff(_) => self.maybe_fetch(ctx),
            Timer::FetcherRequestTimeout { leader, corr } => {
                if let Some(f) = self.fetchers.get_mut(&leader) {
                    if f.in_flight == Some(corr) {
                        f.in_flight = None;
                        f.backoff_until = ctx.now + self.settings.replica_fetch_backoff_ms;
                        ctx.set_timer(
                            self.settings.replica_fetch_backoff_ms,
                            Timer::FetcherBackoff(leader),
                        );
                    }
                }
            }
            Timer::DelayedProduceExpire(id) => self.expire_produce(ctx, id),
            // A WriteTxnMarkers request that got no answer (simulation harness finding,
            // issue 8): fail it so that the coordinator's tick resends the markers.
            Timer::RequestTimeout(corr) => self.on_markers_failed(ctx, corr),
            Timer::GroupTick => {
                let fx = self.groups.tick(ctx.now);
                self.run_effects(ctx, fx);
                self.share_group_tick(ctx);
                ctx.set_timer(1_000, Timer::GroupTick);
            }
            Timer::TxnTick => {
                self.txn_tick(ctx);
                ctx.set_timer(1_000, Timer::TxnTick);
            }
            Timer::LogCleaner => {
                self.log_cleaner(ctx);
                let backoff = self
                    .cluster_config
                    .i64(BROKER_CONFIGS, "log.cleaner.backoff.ms")
                    .max(1) as Millis;
                ctx.set_timer(backoff, Timer::LogCleaner);
            }
            Timer::GroupJoin(group) => {
                let fx = self.groups.on_join_timer(ctx.now, &group);
                self.run_effects(ctx, fx);
            }
            t @ (Timer::ShareLockTimeout | Timer::DelayedShareFetchExpire(_)) => {
                self.on_share_timer(ctx, t)
            }
            Timer::DelayedFetchExpire(id) => {
                if let Some(d) = self.delayed_fetch.remove(&id) {
                    self.respond_fetch(ctx, &d);
                }
            }
            _ => {}
        }
    }

    pub fn handle(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        if !self.alive {
            return;
        }
        match msg {
            Message::MetadataUpdate {
                from_offset,
                records,
                fenced,
            } => {
                self.apply_metadata(ctx, from_offset, &records);
                self.fenced = fenced;
            }
            Message::BrokerRegistrationResponse { incarnation, error } => {
                if incarnation != self.incarnation || self.registered {
                    return;
                }
                match error {
                    None => {
                        // Kafka's broker heartbeats at once here; this one waits for its
                        // heartbeat timer (at most broker.heartbeat.interval.ms), which keeps
                        // the recorded fuzz findings' timing (seed 4032).
                        self.registered = true;
                        self.registration_failures = 0;
                    }
                    Some(_) => {
                        // `ExponentialBackoff(100, 2, broker.session.timeout.ms)`, without
                        // its 2 % jitter.
                        let delay = (100u64 << self.registration_failures.min(20))
                            .min(self.settings.session_timeout_ms.max(100));
                        self.registration_failures += 1;
                        ctx.set_timer(delay, Timer::BrokerRegistrationRetry);
                    }
                }
            }
            Message::AlterPartitionResponse { tp, result } => {
                self.pending_since.remove(&tp);
                match result {
                    Ok(reg) => {
                        let (was, now_isr) = match self.partitions.get(&tp) {
                            Some(p) => (p.isr.len(), reg.isr.len()),
                            None => (0, 0),
                        };
                        if now_isr < was {
                            self.metrics.isr_shrinks += 1;
                        } else if now_isr > was {
                            self.metrics.isr_expands += 1;
                        }
                        self.apply_partition(ctx, tp, &reg);
                    }
                    Err(_) => {
                        if let Some(p) = self.partitions.get_mut(&tp) {
                            p.pending_isr = None;
                        }
                    }
                }
            }
            Message::MetadataRequest { corr, topics, .. } => {
                let resp = self.metadata_response(&topics);
                ctx.send(
                    from,
                    Message::MetadataResponse {
                        corr,
                        brokers: resp.0,
                        topics: resp.1,
                    },
                );
            }
            Message::Produce {
                corr,
                acks,
                timeout_ms,
                partitions,
                ..
            } => self.handle_produce(ctx, from, corr, acks, timeout_ms, partitions),
            Message::Fetch {
                corr,
                replica,
                max_wait_ms,
                min_bytes,
                max_bytes,
                partition_max_bytes,
                isolation,
                partitions,
            } => {
                let d = DelayedFetch {
                    from,
                    corr,
                    replica,
                    isolation,
                    min_bytes,
                    max_bytes,
                    partition_max_bytes,
                    partitions,
                };
                self.handle_fetch(ctx, d, max_wait_ms);
            }
            Message::FetchResponse { corr, partitions } => {
                if let NodeId::Broker(leader) = from {
                    self.handle_fetch_response(ctx, leader, corr, partitions);
                }
            }
            Message::ListOffsets {
                corr,
                isolation,
                partitions,
            } => {
                let res = partitions
                    .into_iter()
                    .map(|(tp, ts)| (tp, self.list_offset(tp, ts, isolation)))
                    .collect();
                ctx.send(
                    from,
                    Message::ListOffsetsResponse {
                        corr,
                        partitions: res,
                    },
                );
            }
            Message::InitProducerId {
                corr,
                transactional_id: None,
                ..
            } => {
                // Non-transactional: a fresh id from this broker's block (KRaft brokers get
                // blocks of producer ids from the controller).
                self.next_pid += 1;
                let producer_id = self.id as i64 * 1_000_000 + self.next_pid;
                ctx.send(
                    from,
                    Message::InitProducerIdResponse {
                        corr,
                        error: None,
                        producer_id,
                        producer_epoch: 0,
                    },
                );
            }
            Message::FindCoordinator {
                corr,
                key,
                key_type: crate::message::CoordinatorType::Transaction,
            } => self.find_txn_coordinator(ctx, from, corr, &key),
            Message::FindCoordinator { corr, key, .. } => {
                self.find_coordinator(ctx, from, corr, &key)
            }
            m @ (Message::InitProducerId {
                transactional_id: Some(_),
                ..
            }
            | Message::AddPartitionsToTxn { .. }
            | Message::AddOffsetsToTxn { .. }
            | Message::EndTxn { .. }) => self.handle_txn(ctx, from, m),
            m @ Message::TxnOffsetCommit { .. } => self.handle_txn_offset_commit(ctx, from, m),
            Message::WriteTxnMarkers {
                corr,
                producer_id,
                producer_epoch,
                commit,
                partitions,
            } => self.handle_write_markers(
                ctx,
                from,
                corr,
                producer_id,
                producer_epoch,
                commit,
                partitions,
            ),
            Message::WriteTxnMarkersResponse { corr, results } => {
                self.on_markers_response(ctx, corr, results)
            }
            m @ (Message::JoinGroup { .. }
            | Message::SyncGroup { .. }
            | Message::Heartbeat { .. }
            | Message::LeaveGroup { .. }
            | Message::OffsetCommit { .. }
            | Message::OffsetFetch { .. }) => self.handle_group(ctx, from, m),
            m @ Message::ConsumerGroupHeartbeat { .. } => {
                self.handle_consumer_group_heartbeat(ctx, from, m)
            }
            m @ (Message::ShareGroupHeartbeat { .. }
            | Message::ShareFetch { .. }
            | Message::ShareAcknowledge { .. }) => self.handle_share_message(ctx, from, m),
            Message::Disconnected { corr } => {
                if let Some(c) = corr {
                    self.on_markers_failed(ctx, c);
                }
                if let NodeId::Broker(leader) = from {
                    if let Some(f) = self.fetchers.get_mut(&leader) {
                        if corr.is_none() || f.in_flight == corr {
                            f.in_flight = None;
                            f.backoff_until = ctx.now + self.settings.replica_fetch_backoff_ms;
                            ctx.set_timer(
                                self.settings.replica_fetch_backoff_ms,
                                Timer::FetcherBackoff(leader),
                            );
                        }
                    }
                }
            }
            _ => {}
        }
    }

    // ---------------------------------------------------------------- metadata

    fn apply_metadata(&mut self, ctx: &mut Ctx, from_offset: u64, records: &[MetadataRecord]) {
        if from_offset > self.metadata.offset {
            // A gap: wait for the heartbeat response that carries the missing records.
            return;
        }
        let skip = (self.metadata.offset - from_offset) as usize;
        // A batch of records (a restarted broker catching up from offset 0, or a heartbeat
        // after a gap) is applied as one delta, as Kafka's metadata publisher does: each
        // partition moves straight to its latest registration, so a broker never acts on (or
        // records in the ledger's history) leaderships that ended while it was away.
        let mut partitions: VecMap<Tp, crate::metadata::PartitionRegistration> = VecMap::new();
        for rec in records.iter().skip(skip) {
            self.metadata.apply(rec);
            if let MetadataRecord::Topic(TopicRecord { id: topic, .. })
            | MetadataRecord::TopicConfig { topic, .. } = rec
            {
                // Resolved once per change: produce and fetch read them on every request.
                self.topic_settings_cache.remove(topic);
                let resolved = self.topic_settings(*topic);
                self.topic_settings_cache.insert(*topic, resolved);
            }
            match rec {
                MetadataRecord::Partition { tp, reg }
                    if reg.replicas.contains(&self.id)
                        || self.partitions.contains_key(tp)
                        || partitions.contains_key(tp) =>
                {
                    partitions.insert(*tp, reg.clone());
                }
                MetadataRecord::TopicConfig { topic, .. } => {
                    let s = self.topic_settings(*topic);
                    for p in self
                        .partitions
                        .values_mut()
                        .filter(|p| p.tp.topic == *topic)
                    {
                        p.min_isr = s.min_isr;
                        p.log.segment_bytes = s.segment_bytes;
                        p.log.segment_ms = s.segment_ms;
                        p.log.flush_messages = s.flush_messages;
                        p.log.flush_ms = s.flush_ms;
                    }
                }
                _ => {}
            }
        }
        for (tp, reg) in &partitions {
            self.apply_partition(ctx, *tp, reg);
        }
        self.maybe_fetch(ctx);
    }

    fn apply_partition(
        &mut self,
        ctx: &mut Ctx,
        tp: Tp,
        reg: &crate::metadata::PartitionRegistration,
    ) {
        let settings = self.topic_settings(tp.topic);
        let id = self.id;
        let now = ctx.now;
        let p = self.partitions.entry(tp).or_insert_with(|| {
            Partition::new(
                tp,
                id,
                Log::new(settings.segment_bytes, settings.segment_ms, ctx.wall as i64),
            )
        });
        p.min_isr = settings.min_isr;
        p.log.flush_messages = settings.flush_messages;
        p.log.flush_ms = settings.flush_ms;
        let was_isr = p.isr.clone();
        let changed = p.apply_registration(reg, now);
        if let Some(role) = changed {
            if role == Role::Leader {
                let leo = p.log.log_end_offset();
                let unclean = !was_isr.contains(&id) && !was_isr.is_empty();
                ctx.ledger.on_history(
                    tp,
                    HistoryEvent::BecameLeader {
                        at: now,
                        broker: id,
                        epoch: p.leader_epoch,
                        leo,
                        unclean,
                    },
                );
            }
            self.pending_since.remove(&tp);
            // The group coordinator moves with the leadership of __consumer_offsets.
            if self
                .metadata
                .topics
                .get(&tp.topic)
                .is_some_and(|t| t.name == OFFSETS_TOPIC)
            {
                if role == Role::Leader {
                    self.load_groups(ctx, tp);
                } else {
                    let n = tp.partition;
                    let parts = self
                        .metadata
                        .topics
                        .get(&tp.topic)
                        .map_or(1, |t| t.partitions);
                    let fx = self.groups.unload(|g| group::partition_for(g, parts) != n);
                    self.run_effects(ctx, fx);
                }
            }
        }
        if changed.is_some()
            && self
                .metadata
                .topics
                .get(&tp.topic)
                .is_some_and(|t| t.name == crate::txn::TXN_TOPIC)
        {
            if changed == Some(Role::Leader) {
                self.load_txns(ctx, tp);
            } else {
                self.unload_txns(tp);
            }
        }
        // Leadership or ISR changes can complete or fail parked requests and move the HW.
        self.after_partition_change(ctx, tp);
    }

    fn metadata_response(&self, topics: &[String]) -> (Vec<BrokerId>, Vec<TopicMetadata>) {
        let brokers = self
            .metadata
            .brokers
            .values()
            .filter(|b| !b.fenced)
            .map(|b| b.id)
            .collect();
        let wanted: Vec<&crate::metadata::TopicRecord> = if topics.is_empty() {
            self.metadata.topics.values().collect()
        } else {
            topics
                .iter()
                .filter_map(|n| self.metadata.topic_by_name(n))
                .collect()
        };
        let mut out: Vec<TopicMetadata> = wanted
            .iter()
            .map(|t| TopicMetadata {
                name: t.name.clone(),
                id: Some(t.id),
                error: None,
                partitions: (0..t.partitions)
                    .map(|p| {
                        let reg = self.metadata.partition(Tp::new(t.id, p));
                        match reg {
                            Some(r) => PartitionMetadata {
                                partition: p,
                                leader: r.leader,
                                leader_epoch: r.leader_epoch,
                                replicas: r.replicas.clone(),
                                isr: r.isr.clone(),
                                error: if r.has_leader() {
                                    None
                                } else {
                                    Some(ErrorCode::LeaderNotAvailable)
                                },
                            },
                            None => PartitionMetadata {
                                partition: p,
                                leader: NO_LEADER,
                                leader_epoch: -1,
                                replicas: vec![],
                                isr: vec![],
                                error: Some(ErrorCode::LeaderNotAvailable),
                            },
                        }
                    })
                    .collect(),
            })
            .collect();
        for n in topics {
            if self.metadata.topic_by_name(n).is_none() {
                out.push(TopicMetadata {
                    name: n.clone(),
                    id: None,
                    error: Some(ErrorCode::UnknownTopicOrPartition),
                    partitions: vec![],
                });
            }
        }
        (brokers, out)
    }

    // ---------------------------------------------------------------- produce

    fn handle_produce(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        corr: u64,
        acks: Acks,
        timeout_ms: u64,
        partitions: Vec<(Tp, Records)>,
    ) {
        let now = ctx.now;
        let mut results = Vec::new();
        let mut waiting = Vec::new();
        let mut touched = Vec::new();
        for (tp, records) in partitions {
            let settings = self.topic_settings(tp.topic);
            let Some(p) = self.partitions.get_mut(&tp) else {
                let err = if self.metadata.topics.contains_key(&tp.topic) {
                    ErrorCode::NotLeaderOrFollower
                } else {
                    ErrorCode::UnknownTopicOrPartition
                };
                results.push(ProducePartitionResult {
                    tp,
                    error: Some(err),
                    base_offset: -1,
                    log_append_time: None,
                });
                continue;
            };
            if let Err(e) = p.check_min_isr_for_append(acks == Acks::All) {
                results.push(ProducePartitionResult {
                    tp,
                    error: Some(e),
                    base_offset: -1,
                    log_append_time: None,
                });
                continue;
            }
            // `UnifiedLog.analyzeAndValidateRecords`, before the records are validated: a
            // batch larger than the topic's max.message.bytes is refused (followers never
            // check; the leader accepted it).
            if records.largest_batch_bytes() > settings.max_message_bytes {
                results.push(ProducePartitionResult {
                    tp,
                    error: Some(ErrorCode::MessageTooLarge),
                    base_offset: -1,
                    log_append_time: None,
                });
                continue;
            }
            if settings.compact && records.entries().any(|e| !e.has_key()) {
                results.push(ProducePartitionResult {
                    tp,
                    error: Some(ErrorCode::InvalidRecord),
                    base_offset: -1,
                    log_append_time: None,
                });
                continue;
            }
            let mut ids: Vec<u64> = Vec::with_capacity(records.record_count());
            for b in records.batches() {
                ids.extend(records.batch_entries(b).iter().map(|e| e.id));
            }
            let bytes = records.size_in_bytes();
            let epoch = p.leader_epoch;
            match p
                .log
                .append_as_leader(records, epoch, ctx.wall as i64, settings.log_append_time)
            {
                Ok(info) => {
                    if !info.duplicate {
                        self.metrics.bytes_in += bytes as u64;
                        self.metrics.messages_in += info.record_count as u64;
                        ctx.emit(TraceKind::Append {
                            broker: self.id,
                            topic: ctx.topic_str(tp),
                            partition: tp.partition,
                            first_offset: info.first_offset,
                            last_offset: info.last_offset,
                            leader_epoch: epoch,
                        });
                        ctx.ledger
                            .on_append_batch(&ids, info.first_offset, self.id, epoch, now);
                        touched.push(tp);
                    } else {
                        ctx.emit(TraceKind::Note {
                            text: format!(
                                "broker-{} dropped a duplicate batch for {}-{} (offsets {}..{} already written)",
                                self.id,
                                ctx.topic_name(tp),
                                tp.partition,
                                info.first_offset,
                                info.last_offset
                            ),
                        });
                    }
                    if acks == Acks::All {
                        waiting.push((tp, info.last_offset + 1));
                    }
                    results.push(ProducePartitionResult {
                        tp,
                        error: None,
                        base_offset: info.first_offset,
                        log_append_time: info.log_append_time,
                    });
                }
                Err(e) => {
                    results.push(ProducePartitionResult {
                        tp,
                        error: Some(e),
                        base_offset: -1,
                        log_append_time: None,
                    });
                }
            }
        }
        match acks {
            Acks::None => {}
            Acks::Leader => ctx.send(
                from,
                Message::ProduceResponse {
                    corr,
                    partitions: results,
                },
            ),
            Acks::All => {
                let id = self.next_id();
                self.delayed_produce.insert(
                    id,
                    DelayedProduce {
                        from,
                        corr,
                        then: None,
                        waiting,
                        results,
                    },
                );
                ctx.set_timer(timeout_ms, Timer::DelayedProduceExpire(id));
                self.try_complete_produce(ctx, id);
            }
        }
        for tp in touched {
            self.after_append(ctx, tp);
        }
    }

    pub(crate) fn after_append_pub(&mut self, ctx: &mut Ctx, tp: Tp) {
        self.after_append(ctx, tp);
    }

    pub(crate) fn try_complete_produce_pub(&mut self, ctx: &mut Ctx, id: u64) {
        self.try_complete_produce(ctx, id);
    }

    /// After a leader append: the HW may move (ISR of one), and parked follower fetches have data.
    fn after_append(&mut self, ctx: &mut Ctx, tp: Tp) {
        self.maybe_increment_hw(ctx, tp);
        self.try_complete_fetches(ctx, tp);
    }

    fn after_partition_change(&mut self, ctx: &mut Ctx, tp: Tp) {
        self.maybe_increment_hw(ctx, tp);
        let ids: Vec<u64> = self
            .delayed_produce
            .iter()
            .filter(|(_, d)| d.waiting.iter().any(|(t, _)| *t == tp))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            self.try_complete_produce(ctx, id);
        }
        self.try_complete_fetches(ctx, tp);
    }

    fn maybe_increment_hw(&mut self, ctx: &mut Ctx, tp: Tp) {
        let lag = self.settings.replica_lag_time_max_ms;
        let brokers = &self.metadata.brokers;
        let Some(p) = self.partitions.get_mut(&tp) else {
            return;
        };
        let moved = p.maybe_increment_hw(ctx.now, lag, &|b| {
            brokers.get(&b).is_some_and(|r| !r.fenced)
        });
        if moved {
            let hw = p.log.high_watermark();
            ctx.emit(TraceKind::HighWatermark {
                broker: self.id,
                topic: ctx.topic_str(tp),
                partition: tp.partition,
                hw,
            });
            let ids: Vec<u64> = self
                .delayed_produce
                .iter()
                .filter(|(_, d)| d.waiting.iter().any(|(t, _)| *t == tp))
                .map(|(id, _)| *id)
                .collect();
            for id in ids {
                self.try_complete_produce(ctx, id);
            }
            self.try_complete_fetches(ctx, tp);
        }
    }

    fn try_complete_produce(&mut self, ctx: &mut Ctx, id: u64) {
        let Some(d) = self.delayed_produce.get_mut(&id) else {
            return;
        };
        let partitions = &self.partitions;
        let results = &mut d.results;
        d.waiting.retain(|&(tp, required)| {
            let (done, err) = match partitions.get(&tp) {
                Some(p) => p.check_enough_replicas_reach_offset(required),
                None => (true, Some(ErrorCode::NotLeaderOrFollower)),
            };
            if let (true, Some(e)) = (done, err) {
                if let Some(r) = results.iter_mut().find(|r| r.tp == tp) {
                    r.error = Some(e);
                }
            }
            !done
        });
        if d.waiting.is_empty() {
            if let Some(d) = self.delayed_produce.remove(&id) {
                ctx.cancel_timer(Timer::DelayedProduceExpire(id));
                match d.then {
                    None => ctx.send(
                        d.from,
                        Message::ProduceResponse {
                            corr: d.corr,
                            partitions: d.results,
                        },
                    ),
                    Some(then) => {
                        let error = d.results.iter().find_map(|r| r.error);
                        self.after_internal_append(ctx, then, error);
                    }
                }
            }
        }
    }

    fn expire_produce(&mut self, ctx: &mut Ctx, id: u64) {
        let Some(mut d) = self.delayed_produce.remove(&id) else {
            return;
        };
        for (tp, _) in &d.waiting {
            if let Some(r) = d.results.iter_mut().find(|r| r.tp == *tp) {
                r.error = Some(ErrorCode::RequestTimedOut);
            }
        }
        match d.then {
            None => ctx.send(
                d.from,
                Message::ProduceResponse {
                    corr: d.corr,
                    partitions: d.results,
                },
            ),
            Some(then) => self.after_internal_append(ctx, then, Some(ErrorCode::RequestTimedOut)),
        }
    }

    // ---------------------------------------------------------------- group coordinator

    /// The `__consumer_offsets` partition for a group, if the topic exists.
    pub(crate) fn offsets_tp(&self, group: &str) -> Option<Tp> {
        let t = self.metadata.topic_by_name(OFFSETS_TOPIC)?;
        Some(Tp::new(t.id, group::partition_for(group, t.partitions)))
    }

    /// Whether this broker coordinates `group` right now.
    fn is_coordinator(&self, group: &str) -> bool {
        self.offsets_tp(group)
            .and_then(|tp| self.partitions.get(&tp))
            .is_some_and(|p| p.is_leader())
    }

    fn find_coordinator(&mut self, ctx: &mut Ctx, from: NodeId, corr: u64, key: &str) {
        let reply = |error: Option<ErrorCode>, node: BrokerId| Message::FindCoordinatorResponse {
            corr,
            error,
            node,
        };
        let Some(tp) = self.offsets_tp(key) else {
            if !self.offsets_topic_requested {
                self.offsets_topic_requested = true;
                let c = &self.cluster_config;
                let mut config = vec![("cleanup.policy".to_string(), "compact".to_string())];
                config.push(("segment.bytes".to_string(), "104857600".to_string()));
                ctx.send(
                    NodeId::Controller,
                    Message::CreateTopics {
                        name: OFFSETS_TOPIC.to_string(),
                        partitions: c.i64(BROKER_CONFIGS, "offsets.topic.num.partitions").max(1)
                            as i32,
                        replication_factor: c
                            .i64(BROKER_CONFIGS, "offsets.topic.replication.factor")
                            .max(1) as i32,
                        config,
                    },
                );
            }
            ctx.send(from, reply(Some(ErrorCode::CoordinatorNotAvailable), -1));
            return;
        };
        match self.metadata.partition(tp).filter(|r| r.has_leader()) {
            Some(r) => ctx.send(from, reply(None, r.leader)),
            None => ctx.send(from, reply(Some(ErrorCode::CoordinatorNotAvailable), -1)),
        }
    }

    /// KIP-848 `ConsumerGroupHeartbeat`, answered by the coordinator's consumer groups
    /// (`consumer_group.rs`).
    fn handle_consumer_group_heartbeat(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        let Some((corr, req)) = crate::consumer_group::HeartbeatRequest::from_message(msg) else {
            return;
        };
        if !self.is_coordinator(&req.group) {
            let resp = crate::consumer_group::error_response(corr, ErrorCode::NotCoordinator);
            ctx.send(from, resp);
            return;
        }
        let topics: VecMap<String, i32> = (self.metadata.topics.values())
            .map(|t| (t.name.clone(), t.partitions))
            .collect();
        let fx = self
            .groups
            .consumer_group_heartbeat(ctx.now, from, corr, req, &topics);
        self.run_effects(ctx, fx);
    }

    fn handle_group(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        let now = ctx.now;
        let group_of = |m: &Message| -> String {
            match m {
                Message::JoinGroup { group, .. }
                | Message::SyncGroup { group, .. }
                | Message::Heartbeat { group, .. }
                | Message::LeaveGroup { group, .. }
                | Message::OffsetCommit { group, .. }
                | Message::OffsetFetch { group, .. } => group.clone(),
                _ => String::new(),
            }
        };
        let group_id = group_of(&msg);
        if !self.is_coordinator(&group_id) {
            let corr = msg.correlation().unwrap_or(0);
            let e = Some(ErrorCode::NotCoordinator);
            let resp = match msg {
                Message::JoinGroup { member_id, .. } => Message::JoinGroupResponse {
                    corr,
                    error: e,
                    generation: -1,
                    protocol: None,
                    leader: String::new(),
                    member_id,
                    members: vec![],
                },
                Message::SyncGroup { .. } => Message::SyncGroupResponse {
                    corr,
                    error: e,
                    assignment: vec![],
                },
                Message::Heartbeat { .. } => Message::HeartbeatResponse { corr, error: e },
                Message::LeaveGroup { .. } => Message::LeaveGroupResponse { corr, error: e },
                Message::OffsetCommit { offsets, .. } => Message::OffsetCommitResponse {
                    corr,
                    results: offsets.into_iter().map(|(tp, _)| (tp, e)).collect(),
                },
                _ => Message::OffsetFetchResponse {
                    corr,
                    error: e,
                    offsets: vec![],
                },
            };
            ctx.send(from, resp);
            return;
        }
        let fx = match msg {
            Message::JoinGroup {
                corr,
                group,
                member_id,
                instance_id,
                client_id,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
            } => self.groups.join(
                now,
                from,
                corr,
                &group,
                &member_id,
                instance_id,
                &client_id,
                session_timeout_ms,
                rebalance_timeout_ms,
                protocols,
            ),
            Message::SyncGroup {
                corr,
                group,
                generation,
                member_id,
                assignments,
            } => self
                .groups
                .sync(now, from, corr, &group, generation, &member_id, assignments),
            Message::Heartbeat {
                corr,
                group,
                generation,
                member_id,
            } => self
                .groups
                .heartbeat(now, from, corr, &group, generation, &member_id),
            Message::LeaveGroup {
                corr,
                group,
                member_id,
                reason,
            } => self
                .groups
                .leave(now, from, corr, &group, &member_id, &reason),
            Message::OffsetCommit {
                corr,
                group,
                generation,
                member_id,
                offsets,
            } => {
                match self
                    .groups
                    .validate_commit(&group, generation, &member_id, now)
                {
                    Ok(()) => vec![Effect::Append {
                        group: group.clone(),
                        records: offsets
                            .iter()
                            .map(|(tp, o)| (group::offset_key(&group, tp), o.to_string()))
                            .collect(),
                        then: AfterAppend::OffsetCommit {
                            to: from,
                            corr,
                            group,
                            offsets,
                            generation,
                        },
                    }],
                    Err(e) => vec![Effect::Send(
                        from,
                        Message::OffsetCommitResponse {
                            corr,
                            results: offsets.into_iter().map(|(tp, _)| (tp, Some(e))).collect(),
                        },
                    )],
                }
            }
            Message::OffsetFetch {
                corr,
                group,
                partitions,
                require_stable,
            } => {
                if require_stable && self.groups.has_pending_txn_offsets(&group, &partitions) {
                    self.run_effects(
                        ctx,
                        vec![Effect::Send(
                            from,
                            Message::OffsetFetchResponse {
                                corr,
                                error: Some(ErrorCode::UnstableOffsetCommit),
                                offsets: vec![],
                            },
                        )],
                    );
                    return;
                }
                let offsets = partitions
                    .into_iter()
                    .map(|tp| {
                        let o = self.groups.committed(&group, &tp).unwrap_or(-1);
                        (tp, o)
                    })
                    .collect();
                vec![Effect::Send(
                    from,
                    Message::OffsetFetchResponse {
                        corr,
                        error: None,
                        offsets,
                    },
                )]
            }
            _ => vec![],
        };
        self.run_effects(ctx, fx);
    }

    fn run_effects(&mut self, ctx: &mut Ctx, fx: Vec<Effect>) {
        for e in fx {
            match e {
                Effect::Send(to, msg) => ctx.send(to, msg),
                Effect::Timer(delay, t) => ctx.set_timer(delay, t),
                Effect::Note(text) => {
                    let group = text
                        .strip_prefix("group ")
                        .and_then(|r| r.split(':').next())
                        .unwrap_or("")
                        .to_string();
                    let event = text
                        .split_once(": ")
                        .map_or(text.clone(), |(_, e)| e.to_string());
                    ctx.emit(TraceKind::Group { group, event });
                }
                Effect::Append {
                    group,
                    records,
                    then,
                } => self.append_internal(ctx, &group, records, then),
            }
        }
    }

    /// Append coordinator records to the group's `__consumer_offsets` partition and wait for
    /// them to be replicated (acks=all), then continue with `then`.
    fn append_internal(
        &mut self,
        ctx: &mut Ctx,
        group: &str,
        records: Vec<(String, String)>,
        then: AfterAppend,
    ) {
        let Some(tp) = self.offsets_tp(group) else {
            self.after_internal_append(ctx, then, Some(ErrorCode::NotCoordinator));
            return;
        };
        self.append_internal_to(ctx, tp, records, crate::record::ProducerStamp::NONE, then);
    }

    /// Append coordinator records (key, value) to an internal partition this broker leads,
    /// stamped with `stamp`, and continue with `then` once they are replicated. With no
    /// records, continue once every record already in the partition is replicated.
    /// Park an internal write's continuation until the high watermark reaches `waiting_offset`
    /// (or its 5 s timeout): a `DelayedProduce` from this broker to itself.
    fn park_internal(
        &mut self,
        ctx: &mut Ctx,
        tp: Tp,
        waiting_offset: i64,
        base_offset: i64,
        then: AfterAppend,
    ) -> u64 {
        let id = self.next_id();
        self.delayed_produce.insert(
            id,
            DelayedProduce {
                from: NodeId::Broker(self.id),
                corr: 0,
                then: Some(then),
                waiting: vec![(tp, waiting_offset)],
                results: vec![ProducePartitionResult {
                    tp,
                    error: None,
                    base_offset,
                    log_append_time: None,
                }],
            },
        );
        ctx.set_timer(5_000, Timer::DelayedProduceExpire(id));
        id
    }

    pub(crate) fn append_internal_to(
        &mut self,
        ctx: &mut Ctx,
        tp: Tp,
        records: Vec<(String, String)>,
        stamp: crate::record::ProducerStamp,
        then: AfterAppend,
    ) {
        let now = ctx.wall;
        let settings = self.topic_settings(tp.topic);
        let Some(p) = self.partitions.get_mut(&tp) else {
            self.after_internal_append(ctx, then, Some(ErrorCode::NotCoordinator));
            return;
        };
        if !p.is_leader() {
            self.after_internal_append(ctx, then, Some(ErrorCode::NotCoordinator));
            return;
        }
        if records.is_empty() {
            // Nothing to write: wait until everything written before is committed
            // (`CoordinatorRuntime`'s deferred event queue, `highestPendingOffset`).
            let pending = p.log.log_end_offset();
            if p.log.high_watermark() >= pending {
                self.after_internal_append(ctx, then, None);
                return;
            }
            self.park_internal(ctx, tp, pending, pending, then);
            return;
        }
        let recs: Vec<crate::record::NewRecord> = records
            .into_iter()
            .map(|(k, v)| crate::record::NewRecord {
                id: 0,
                timestamp: now as i64,
                key: Some(k.into_bytes()),
                value: Some(v.into_bytes()),
                headers: vec![],
            })
            .collect();
        let epoch = p.leader_epoch;
        match p.log.append_as_leader(
            Records::single_batch(&recs, stamp),
            epoch,
            now as i64,
            settings.log_append_time,
        ) {
            Ok(info) => {
                ctx.emit(TraceKind::Append {
                    broker: self.id,
                    topic: ctx.topic_str(tp),
                    partition: tp.partition,
                    first_offset: info.first_offset,
                    last_offset: info.last_offset,
                    leader_epoch: epoch,
                });
                let id = self.park_internal(ctx, tp, info.last_offset + 1, info.first_offset, then);
                self.after_append(ctx, tp);
                self.try_complete_produce(ctx, id);
            }
            Err(e) => self.after_internal_append(ctx, then, Some(e)),
        }
    }

    fn after_internal_append(
        &mut self,
        ctx: &mut Ctx,
        then: AfterAppend,
        error: Option<ErrorCode>,
    ) {
        let now = ctx.now;
        match then {
            AfterAppend::OffsetCommit {
                to,
                corr,
                group,
                offsets,
                generation,
            } => {
                let error = error.map(|e| match e {
                    ErrorCode::NotLeaderOrFollower | ErrorCode::NotCoordinator => {
                        ErrorCode::NotCoordinator
                    }
                    ErrorCode::RequestTimedOut => ErrorCode::RequestTimedOut,
                    _ => ErrorCode::CoordinatorNotAvailable,
                });
                if error.is_none() {
                    self.groups.commit_done(now, &group, &offsets, generation);
                }
                ctx.send(
                    to,
                    Message::OffsetCommitResponse {
                        corr,
                        results: offsets.into_iter().map(|(tp, _)| (tp, error)).collect(),
                    },
                );
            }
            AfterAppend::TxnOffsetCommit { .. }
            | AfterAppend::Txn(..)
            | AfterAppend::Markers { .. } => {
                self.after_txn_append(ctx, then, error);
            }
            AfterAppend::ConsumerGroup(w) => {
                if let Some((to, msg)) = w.complete(error) {
                    ctx.send(to, msg);
                }
            }
            AfterAppend::SyncDone { group, generation } => {
                if error.is_none() {
                    let fx = self.groups.sync_done(now, &group, generation);
                    self.run_effects(ctx, fx);
                }
            }
        }
    }

    /// An admin tool's offset commit (`--reset-offsets`): no member, no generation.
    pub fn admin_commit(
        &mut self,
        ctx: &mut Ctx,
        group: &str,
        offsets: Vec<(crate::assignor::TopicPartition, i64)>,
    ) {
        let records = offsets
            .iter()
            .map(|(tp, o)| (group::offset_key(group, tp), o.to_string()))
            .collect();
        let then = AfterAppend::OffsetCommit {
            to: NodeId::Controller,
            corr: 0,
            group: group.to_string(),
            offsets,
            generation: -1,
        };
        self.append_internal(ctx, group, records, then);
    }

    /// Load the groups of an `__consumer_offsets` partition this broker now leads.
    ///
    /// As `GroupMetadataManager.loadGroupsAndOffsets`: offsets written by `TxnOffsetCommit`
    /// (transactional batches) are pending per producer id until that producer's COMMIT
    /// marker (then they become committed offsets) or ABORT marker (then they are dropped);
    /// those still undecided at the end of the log stay pending in the loaded group.
    fn load_groups(&mut self, ctx: &mut Ctx, tp: Tp) {
        enum Loaded {
            Record(String, String, Option<String>, Option<i64>),
            Marker(i64, bool),
        }
        let now = ctx.now;
        let Some(p) = self.partitions.get(&tp) else {
            return;
        };
        let mut entries: Vec<Loaded> = Vec::new();
        for chunk in p.log.chunks() {
            for (b, e) in chunk.iter() {
                if let Some(control) = b.control {
                    entries.push(Loaded::Marker(
                        b.producer_id,
                        control == crate::record::ControlType::Commit,
                    ));
                    continue;
                }
                let r = chunk.record(e);
                let key = r
                    .key
                    .map(|k| String::from_utf8_lossy(&k).into_owned())
                    .unwrap_or_default();
                let value = r.value.map(|v| String::from_utf8_lossy(&v).into_owned());
                let group = key.split('/').nth(1).unwrap_or("").to_string();
                let txn = b.is_transactional.then_some(b.producer_id);
                entries.push(Loaded::Record(group, key, value, txn));
            }
        }
        let n = entries.len();
        for entry in entries {
            match entry {
                Loaded::Record(g, k, v, None) => self.groups.load(&g, &k, v.as_deref(), now),
                Loaded::Record(g, k, v, Some(producer_id)) => {
                    if let Some((t, o)) = group::parse_offset_record(&k, v.as_deref()) {
                        self.groups
                            .txn_offsets_pending(now, &g, producer_id, &[(t, o)]);
                    }
                }
                Loaded::Marker(producer_id, commit) => {
                    let groups: Vec<String> = self
                        .groups
                        .groups
                        .iter()
                        .filter(|(_, g)| g.pending_txn_offsets.contains_key(&producer_id))
                        .map(|(id, _)| id.clone())
                        .collect();
                    for g in groups {
                        self.groups.complete_txn(now, &g, producer_id, commit);
                    }
                }
            }
        }
        if n > 0 {
            ctx.emit(TraceKind::Note {
                text: format!(
                    "broker-{} loaded {n} group record(s) from {OFFSETS_TOPIC}-{}",
                    self.id, tp.partition
                ),
            });
        }
    }

    // ---------------------------------------------------------------- fetch (leader side)

    fn handle_fetch(&mut self, ctx: &mut Ctx, d: DelayedFetch, max_wait_ms: u64) {
        let (data, bytes, follow_up) = self.read_fetch(ctx, &d, true);
        for tp in follow_up {
            self.after_follower_fetch(ctx, tp, d.replica);
        }
        let has_error = data
            .iter()
            .any(|p| p.error.is_some() || p.diverging_epoch.is_some());
        if max_wait_ms == 0 || bytes >= d.min_bytes.max(1) || has_error || d.partitions.is_empty() {
            ctx.send(
                d.from,
                Message::FetchResponse {
                    corr: d.corr,
                    partitions: data,
                },
            );
        } else {
            // Nothing to answer with yet: the fetch waits (and reads again when it completes).
            ctx.spare.give_back(data);
            let id = self.next_id();
            self.delayed_fetch.insert(id, d);
            ctx.set_timer(max_wait_ms, Timer::DelayedFetchExpire(id));
        }
    }

    /// Read every partition of a fetch. Returns the data, the bytes read, and the partitions
    /// whose follower state moved (when `update_state`).
    fn read_fetch(
        &mut self,
        ctx: &mut Ctx,
        d: &DelayedFetch,
        update_state: bool,
    ) -> (Vec<FetchPartitionData>, usize, Vec<Tp>) {
        let now = ctx.now;
        let mut out = ctx.spare.response(d.partitions.len());
        let mut bytes = 0usize;
        // A follower's fetch names most partitions here: room for all at once.
        let mut follow_up = if update_state && d.replica.is_some() {
            Vec::with_capacity(d.partitions.len())
        } else {
            Vec::new()
        };
        for fp in &d.partitions {
            let mut pd = FetchPartitionData {
                tp: fp.tp,
                error: None,
                high_watermark: -1,
                last_stable_offset: -1,
                log_start_offset: -1,
                diverging_epoch: None,
                aborted: Vec::new(),
                records: Records::new(),
            };
            let Some(p) = self.partitions.get_mut(&fp.tp) else {
                pd.error = Some(if self.metadata.topics.contains_key(&fp.tp.topic) {
                    ErrorCode::NotLeaderOrFollower
                } else {
                    ErrorCode::UnknownTopicOrPartition
                });
                out.push(pd);
                continue;
            };
            if !p.is_leader() {
                pd.error = Some(ErrorCode::NotLeaderOrFollower);
                out.push(pd);
                continue;
            }
            if let Some(cle) = fp.current_leader_epoch {
                if cle < p.leader_epoch {
                    pd.error = Some(ErrorCode::FencedLeaderEpoch);
                    out.push(pd);
                    continue;
                }
                if cle > p.leader_epoch {
                    pd.error = Some(ErrorCode::UnknownLeaderEpoch);
                    out.push(pd);
                    continue;
                }
            }
            let hw = p.log.high_watermark();
            let lso = p.log.last_stable_offset();
            let leo = p.log.log_end_offset();
            let start = p.log.log_start_offset();
            pd.high_watermark = hw;
            pd.last_stable_offset = lso;
            pd.log_start_offset = start;
            if let Some(lfe) = fp.last_fetched_epoch {
                let (e, end) = p.log.end_offset_for_epoch(lfe);
                if end < 0 || e < 0 || fp.fetch_offset < start {
                    pd.error = Some(ErrorCode::OffsetOutOfRange);
                    out.push(pd);
                    continue;
                }
                if e < lfe || end < fp.fetch_offset {
                    pd.diverging_epoch = Some(DivergingEpoch {
                        epoch: e,
                        end_offset: end,
                    });
                    out.push(pd);
                    continue;
                }
            }
            let upper = match d.isolation {
                Isolation::LogEnd => leo,
                Isolation::HighWatermark => hw,
                Isolation::Committed => lso,
            };
            // `ReplicaManager.readFromLog`: each partition reads up to its own limit within
            // what is left of the response's; until one partition has returned data, a batch
            // larger than that is returned whole (`minOneMessage`), after that it waits for
            // the next fetch.
            let limit = d.partition_max_bytes.min(d.max_bytes.saturating_sub(bytes));
            let spare = &mut || ctx.spare.records();
            match p
                .log
                .read_into(fp.fetch_offset, upper, limit, bytes == 0, spare)
            {
                Ok(records) => {
                    bytes += records.size_in_bytes();
                    if d.isolation == Isolation::Committed && !records.is_empty() {
                        pd.aborted = p
                            .log
                            .aborted_txns_in(fp.fetch_offset, upper)
                            .into_iter()
                            .map(|t| AbortedTxnInfo {
                                producer_id: t.producer_id,
                                first_offset: t.first_offset,
                            })
                            .collect();
                    }
                    pd.records = records;
                }
                Err(e) => pd.error = Some(e),
            }
            if update_state {
                if let Some(r) = d.replica {
                    if pd.error.is_none()
                        && p.update_follower_fetch_state(r, fp.fetch_offset, leo, now)
                    {
                        follow_up.push(fp.tp);
                    } else if pd.error.is_none() {
                        // Even without movement, the follower may now count as in sync.
                        follow_up.push(fp.tp);
                    }
                }
            }
            out.push(pd);
        }
        (out, bytes, follow_up)
    }

    fn after_follower_fetch(&mut self, ctx: &mut Ctx, tp: Tp, replica: Option<BrokerId>) {
        if let Some(r) = replica {
            let eligible = self.is_eligible(r);
            let change = self
                .partitions
                .get(&tp)
                .and_then(|p| p.maybe_expand_isr(r, eligible));
            if let Some(c) = change {
                self.submit_alter_partition(ctx, tp, c, "caught up".into());
            }
        }
        self.maybe_increment_hw(ctx, tp);
    }

    fn try_complete_fetches(&mut self, ctx: &mut Ctx, tp: Tp) {
        self.try_complete_share_fetches(ctx, tp);
        let ids: Vec<u64> = self
            .delayed_fetch
            .iter()
            .filter(|(_, d)| d.partitions.iter().any(|p| p.tp == tp))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let ready = self
                .delayed_fetch
                .get(&id)
                .is_some_and(|d| self.fetch_ready(d));
            if ready {
                if let Some(d) = self.delayed_fetch.remove(&id) {
                    ctx.cancel_timer(Timer::DelayedFetchExpire(id));
                    self.respond_fetch(ctx, &d);
                }
            }
        }
    }

    fn fetch_ready(&self, d: &DelayedFetch) -> bool {
        let mut bytes = 0usize;
        for fp in &d.partitions {
            let Some(p) = self.partitions.get(&fp.tp) else {
                return true;
            };
            if !p.is_leader() {
                return true;
            }
            if fp.current_leader_epoch.is_some_and(|e| e != p.leader_epoch) {
                return true;
            }
            let upper = match d.isolation {
                Isolation::LogEnd => p.log.log_end_offset(),
                Isolation::HighWatermark => p.log.high_watermark(),
                Isolation::Committed => p.log.last_stable_offset(),
            };
            if fp.fetch_offset > p.log.log_end_offset() {
                return true;
            }
            if upper > fp.fetch_offset {
                // Kafka's `DelayedFetch.tryComplete`: the readable bytes, at most the
                // partition's fetch size. Any record is at least one byte, so with the
                // default `fetch.min.bytes` (1) there is no need to size them.
                bytes += if d.min_bytes <= 1 {
                    1
                } else {
                    p.log
                        .read(fp.fetch_offset, upper, d.partition_max_bytes)
                        .map_or(0, |r| r.size_in_bytes().min(d.partition_max_bytes))
                };
            }
        }
        bytes >= d.min_bytes.max(1)
    }

    fn respond_fetch(&mut self, ctx: &mut Ctx, d: &DelayedFetch) {
        let (data, _, _) = self.read_fetch(ctx, d, false);
        ctx.send(
            d.from,
            Message::FetchResponse {
                corr: d.corr,
                partitions: data,
            },
        );
    }

    fn list_offset(&self, tp: Tp, ts: i64, isolation: Isolation) -> Result<(i64, i64), ErrorCode> {
        let Some(p) = self.partitions.get(&tp) else {
            return Err(ErrorCode::UnknownTopicOrPartition);
        };
        if !p.is_leader() {
            return Err(ErrorCode::NotLeaderOrFollower);
        }
        let upper = if isolation == Isolation::Committed {
            p.log.last_stable_offset()
        } else {
            p.log.high_watermark()
        };
        // `Partition.fetchOffsetForTimestamp` (KIP-207): while a new leader's HW lags the
        // start of its epoch, the end of the log, and a timestamp found at or past it, are
        // OFFSET_NOT_AVAILABLE rather than an offset that may go back.
        let lagging = p
            .leader_epoch_start_offset
            .is_some_and(|start| start > p.log.high_watermark());
        match ts {
            -2 => Ok((p.log.log_start_offset(), -1)),
            -1 if lagging => Err(ErrorCode::OffsetNotAvailable),
            -1 => Ok((upper, -1)),
            t if t >= 0 => match p.log.offset_for_timestamp(t, upper) {
                Some(found) => Ok(found),
                None if lagging => Err(ErrorCode::OffsetNotAvailable),
                None => Ok((-1, -1)),
            },
            _ => Err(ErrorCode::InvalidRequest),
        }
    }

    // ---------------------------------------------------------------- ISR

    fn submit_alter_partition(&mut self, ctx: &mut Ctx, tp: Tp, change: IsrChange, reason: String) {
        let Some(p) = self.partitions.get_mut(&tp) else {
            return;
        };
        p.pending_isr = Some(change.new_isr.clone());
        self.pending_since.insert(tp, ctx.now);
        ctx.emit(TraceKind::Note {
            text: format!(
                "broker-{} asks the controller to {} the ISR of {}-{} to {:?} ({reason})",
                self.id,
                if change.expand { "expand" } else { "shrink" },
                ctx.topic_name(tp),
                tp.partition,
                change.new_isr
            ),
        });
        ctx.send(
            NodeId::Controller,
            Message::AlterPartition {
                broker: self.id,
                tp,
                leader_epoch: p.leader_epoch,
                partition_epoch: p.partition_epoch,
                new_isr: change.new_isr,
            },
        );
    }

    fn isr_expiration(&mut self, ctx: &mut Ctx) {
        let lag = self.settings.replica_lag_time_max_ms;
        // Resend AlterPartition requests that got no answer (lost on the network).
        let stale: Vec<Tp> = self
            .pending_since
            .iter()
            .filter(|(_, t)| ctx.now.saturating_sub(**t) > 5_000)
            .map(|(tp, _)| *tp)
            .collect();
        for tp in stale {
            self.pending_since.remove(&tp);
            if let Some(p) = self.partitions.get_mut(&tp) {
                p.pending_isr = None;
            }
        }
        let changes: Vec<(Tp, IsrChange, Vec<BrokerId>)> = self
            .partitions
            .iter()
            .filter_map(|(tp, p)| {
                p.maybe_shrink_isr(ctx.now, lag)
                    .map(|(c, out)| (*tp, c, out))
            })
            .collect();
        for (tp, c, out) in changes {
            let reason =
                format!("broker(s) {out:?} not caught up for replica.lag.time.max.ms={lag}");
            self.submit_alter_partition(ctx, tp, c, reason);
        }
    }

    /// The log cleaner (`LogCleaner`): compact partitions of `cleanup.policy=compact` topics
    /// whose dirty ratio reached `min.cleanable.dirty.ratio` (or `max.compaction.lag.ms`).
    fn log_cleaner(&mut self, ctx: &mut Ctx) {
        let now = ctx.wall as i64;
        let tps: Vec<Tp> = self.partitions.keys().copied().collect();
        for tp in tps {
            let s = self.topic_settings(tp.topic);
            if !s.compact {
                continue;
            }
            let Some(p) = self.partitions.get_mut(&tp) else {
                continue;
            };
            let uncleanable = p.log.first_uncleanable_offset(now, s.min_compaction_lag_ms);
            let ratio = p.log.dirty_ratio(uncleanable);
            let overdue = p.log.segments().iter().any(|seg| {
                seg.base_offset >= p.log.first_dirty_offset
                    && seg.next_offset <= uncleanable
                    && seg.record_count() > 0
                    && seg
                        .first_timestamp
                        .is_some_and(|t| now - t >= s.max_compaction_lag_ms)
            });
            if ratio < s.min_cleanable_dirty_ratio && !overdue {
                continue;
            }
            let stats = p.log.clean(now, s.delete_retention_ms, uncleanable);
            if stats.segments > 0 {
                ctx.emit(TraceKind::Note {
                    text: format!(
                        "broker-{} compacted {}-{}: {} segment(s) below offset {uncleanable}, {} record(s) removed ({} tombstone(s), {} aborted)",
                        self.id,
                        ctx.topic_name(tp),
                        tp.partition,
                        stats.segments,
                        stats.removed,
                        stats.tombstones_removed,
                        stats.aborted_removed
                    ),
                });
            }
        }
    }

    /// Everything the broker does on a clock: run at once after a fast-forward.
    pub(crate) fn time_based_work(&mut self, ctx: &mut Ctx) {
        self.retention_check(ctx);
        self.log_cleaner(ctx);
        self.txn_tick(ctx);
    }

    fn retention_check(&mut self, ctx: &mut Ctx) {
        let now = ctx.wall as i64;
        let tps: Vec<Tp> = self.partitions.keys().copied().collect();
        for tp in tps {
            let s = self.topic_settings(tp.topic);
            if !s.delete {
                continue;
            }
            let Some(p) = self.partitions.get_mut(&tp) else {
                continue;
            };
            p.log.roll_if_expired(now);
            let before = p.log.log_start_offset();
            let n = p
                .log
                .delete_old_segments(now, s.retention_ms, s.retention_bytes);
            if n > 0 {
                ctx.emit(TraceKind::Note {
                    text: format!(
                        "broker-{} retention deleted {n} segment(s) of {}-{}: log start offset {} → {}",
                        self.id,
                        ctx.topic_name(tp),
                        tp.partition,
                        before,
                        p.log.log_start_offset()
                    ),
                });
            }
        }
    }

    // ---------------------------------------------------------------- fetch (follower side)

    /// Send a fetch to every leader this broker follows partitions of, if none is in flight.
    pub fn maybe_fetch(&mut self, ctx: &mut Ctx) {
        if !self.alive || self.fetch_paused {
            return;
        }
        // Only leaders without a fetch in flight or a backoff get one: the others' lists
        // are not built (this runs on every fetch response).
        let mut by_leader: VecMap<BrokerId, Vec<FetchPartition>> = VecMap::new();
        for p in self.partitions.values() {
            if p.role == Role::Follower && p.leader != NO_LEADER && p.leader != self.id {
                let f = self.fetchers.entry(p.leader).or_default();
                if f.in_flight.is_some() || ctx.now < f.backoff_until {
                    continue;
                }
                by_leader
                    .entry(p.leader)
                    .or_insert_with(|| Vec::with_capacity(16))
                    .push(FetchPartition {
                        tp: p.tp,
                        fetch_offset: p.log.log_end_offset(),
                        last_fetched_epoch: p.log.latest_epoch(),
                        current_leader_epoch: Some(p.leader_epoch),
                    });
            }
        }
        for (leader, parts) in by_leader {
            let f = self.fetchers.entry(leader).or_default();
            self.next_id += 1;
            let corr = self.next_id;
            f.in_flight = Some(corr);
            ctx.send(
                NodeId::Broker(leader),
                Message::Fetch {
                    corr,
                    replica: Some(self.id),
                    max_wait_ms: self.settings.replica_fetch_wait_max_ms,
                    min_bytes: 1,
                    max_bytes: self.settings.replica_fetch_max_bytes,
                    partition_max_bytes: REPLICA_FETCH_MAX_BYTES,
                    isolation: Isolation::LogEnd,
                    partitions: parts,
                },
            );
            ctx.set_timer(
                self.settings.replica_socket_timeout_ms,
                Timer::FetcherRequestTimeout { leader, corr },
            );
        }
    }

    fn handle_fetch_response(
        &mut self,
        ctx: &mut Ctx,
        leader: BrokerId,
        corr: u64,
        parts: Vec<FetchPartitionData>,
    ) {
        match self.fetchers.get_mut(&leader) {
            Some(f) if f.in_flight == Some(corr) => f.in_flight = None,
            _ => return,
        }
        let now = ctx.now;
        let mut backoff = false;
        for pd in &parts {
            let tp = pd.tp;
            let seg = self.topic_settings(tp.topic);
            let Some(p) = self.partitions.get_mut(&tp) else {
                continue;
            };
            if p.role != Role::Follower || p.leader != leader {
                continue;
            }
            if let Some(div) = pd.diverging_epoch {
                let (e, end) = p.log.end_offset_for_epoch(div.epoch);
                let leo = p.log.log_end_offset();
                let target = if end < 0 || e < 0 {
                    div.end_offset.min(leo)
                } else {
                    div.end_offset.min(end)
                };
                let removed = p.log.truncate_to(target);
                if removed > 0 {
                    ctx.emit(TraceKind::Truncate {
                        broker: self.id,
                        topic: ctx.topic_str(tp),
                        partition: tp.partition,
                        to_offset: target,
                        removed,
                    });
                    ctx.ledger.on_history(
                        tp,
                        HistoryEvent::Truncated {
                            at: now,
                            broker: self.id,
                            to_offset: target,
                            removed,
                        },
                    );
                }
                continue;
            }
            match pd.error {
                None => {}
                Some(ErrorCode::OffsetOutOfRange) => {
                    if p.log.log_end_offset() < pd.log_start_offset {
                        // Fell behind the leader's retention: start over at its log start.
                        let mut fresh =
                            Log::new(seg.segment_bytes, seg.segment_ms, ctx.wall as i64);
                        fresh_start(&mut fresh, pd.log_start_offset);
                        fresh.flush_messages = p.log.flush_messages;
                        fresh.flush_ms = p.log.flush_ms;
                        p.log = fresh;
                    }
                    continue;
                }
                Some(_) => {
                    backoff = true;
                    continue;
                }
            }
            if !pd.records.is_empty() {
                if pd
                    .records
                    .first_offset()
                    .is_none_or(|f| f < p.log.log_end_offset())
                {
                    continue;
                }
                let first = pd.records.first_offset().unwrap_or(0);
                let last = pd.records.last_offset().unwrap_or(0);
                if p.log
                    .append_as_follower(&pd.records, ctx.wall as i64)
                    .is_ok()
                {
                    ctx.emit(TraceKind::Replicate {
                        broker: self.id,
                        topic: ctx.topic_str(tp),
                        partition: tp.partition,
                        first_offset: first,
                        last_offset: last,
                    });
                }
            }
            // `UnifiedLog.maybeUpdateHighWatermark`: the leader's HW clamped to this log,
            // lower than before too (a new leader that had not learned its predecessor's).
            p.log.update_high_watermark(pd.high_watermark);
            if pd.log_start_offset > p.log.log_start_offset() {
                p.log.advance_log_start(pd.log_start_offset);
            }
        }
        ctx.spare.give_back(parts);
        if backoff {
            if let Some(f) = self.fetchers.get_mut(&leader) {
                f.backoff_until = now + self.settings.replica_fetch_backoff_ms;
            }
            ctx.set_timer(
                self.settings.replica_fetch_backoff_ms,
                Timer::FetcherBackoff(leader),
            );
        }
        self.maybe_fetch(ctx);
    }

    pub fn set_fetch_paused(&mut self, ctx: &mut Ctx, paused: bool) {
        self.fetch_paused = paused;
        if !paused {
            self.maybe_fetch(ctx);
        }
    }

    /// Partitions this broker leads.
    pub fn leader_count(&self) -> usize {
        self.partitions.values().filter(|p| p.is_leader()).count()
    }
}

fn fresh_start(log: &mut Log, offset: i64) {
    // An empty log whose start and end are `offset`: truncate-fully-and-start-at.
    log.reset_to(offset);
}
