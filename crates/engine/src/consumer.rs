//! The consumer client (`KafkaConsumer`, `Fetcher`, `SubscriptionState`): positions per
//! assigned partition, offset reset by `auto.offset.reset`, fetches to each partition's
//! leader (up to the HW, or the LSO under `read_committed`), and an application loop that
//! polls up to `max.poll.records` and spends `processing_ms` per record.

use crate::client::{ClientMetadata, Generation, Waker};
use crate::config::{Props, CONSUMER_CONFIGS};
use crate::error::{ErrorCode, SimResult};
use crate::message::{FetchPartition, FetchPartitionData, Isolation, Message};
use crate::producer::ClientError;
use crate::record::{ControlType, Record};
use crate::sim::{Ctx, Scratch, Timer};
use crate::sort::SortShared;
use crate::trace::TraceKind;
use crate::types::{BrokerId, Millis, NodeId, TopicId, Tp};
use crate::vecmap::{VecMap, VecSet};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OffsetReset {
    Earliest,
    Latest,
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsumerSettings {
    pub auto_offset_reset: OffsetReset,
    pub enable_auto_commit: bool,
    pub auto_commit_interval_ms: Millis,
    pub session_timeout_ms: Millis,
    pub heartbeat_interval_ms: Millis,
    pub max_poll_interval_ms: Millis,
    pub max_poll_records: usize,
    pub fetch_min_bytes: usize,
    pub fetch_max_wait_ms: Millis,
    pub max_partition_fetch_bytes: usize,
    pub fetch_max_bytes: usize,
    pub isolation: Isolation,
    pub assignment_strategy: Vec<String>,
    pub group_instance_id: Option<String>,
    pub group_protocol_consumer: bool,
    pub remote_assignor: Option<String>,
    pub request_timeout_ms: Millis,
    pub retry_backoff_ms: Millis,
}

impl ConsumerSettings {
    pub fn from_props(p: &Props) -> SimResult<Self> {
        let d = CONSUMER_CONFIGS;
        let ms = |k: &str| p.i64(d, k).max(0) as Millis;
        Ok(ConsumerSettings {
            auto_offset_reset: match p.raw(d, "auto.offset.reset") {
                "earliest" => OffsetReset::Earliest,
                "none" => OffsetReset::None,
                _ => OffsetReset::Latest,
            },
            enable_auto_commit: p.bool(d, "enable.auto.commit"),
            auto_commit_interval_ms: ms("auto.commit.interval.ms"),
            session_timeout_ms: ms("session.timeout.ms"),
            heartbeat_interval_ms: ms("heartbeat.interval.ms"),
            max_poll_interval_ms: ms("max.poll.interval.ms"),
            max_poll_records: p.i64(d, "max.poll.records").max(1) as usize,
            fetch_min_bytes: p.i64(d, "fetch.min.bytes").max(0) as usize,
            fetch_max_wait_ms: ms("fetch.max.wait.ms"),
            max_partition_fetch_bytes: p.i64(d, "max.partition.fetch.bytes").max(1) as usize,
            fetch_max_bytes: p.i64(d, "fetch.max.bytes").max(1) as usize,
            isolation: if p.raw(d, "isolation.level") == "read_committed" {
                Isolation::Committed
            } else {
                Isolation::HighWatermark
            },
            assignment_strategy: p.list(d, "partition.assignment.strategy"),
            group_instance_id: p.string(d, "group.instance.id"),
            group_protocol_consumer: p.raw(d, "group.protocol") == "consumer",
            remote_assignor: p.string(d, "group.remote.assignor"),
            request_timeout_ms: ms("request.timeout.ms"),
            retry_backoff_ms: ms("retry.backoff.ms"),
        })
    }
}

/// Per-partition state (`SubscriptionState.TopicPartitionState`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartitionState {
    /// Next offset poll() returns; `None` until reset or fetched from committed offsets.
    pub position: Option<i64>,
    pub high_watermark: i64,
    pub last_stable_offset: i64,
    pub log_start_offset: i64,
    /// A ListOffsets request is resolving the position.
    pub resetting: bool,
    /// A pending seek by ListOffsets: -2 beginning, -1 end, or a timestamp.
    pub reset_to: Option<i64>,
    /// Group members first ask the coordinator for the committed offset.
    pub needs_committed: bool,
    pub fetching_committed: bool,
    pub error: Option<ErrorCode>,
    /// The leader epoch of the last batch fetched, and the offset after it
    /// (`FetchPosition.offsetEpoch`): it applies while the position is still that offset (a
    /// seek or reset forgets it). A fetch carries it so the leader can say where its log
    /// diverged from what was read (KIP-320's truncation detection).
    #[serde(default)]
    pub epoch_at: Option<(i64, i32)>,
    /// A failed ListOffsets is retried from this time on (`SubscriptionState.requestFailed`,
    /// retry.backoff.ms later).
    #[serde(default)]
    pub reset_retry_at: Millis,
}

/// Where `seek` moves a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeekTo {
    Offset(i64),
    Beginning,
    End,
    /// The first offset with a timestamp at or after this (ms).
    Timestamp(i64),
}

/// When the application commits offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommitMode {
    /// `enable.auto.commit=true`: positions of earlier polls, from within poll().
    Auto,
    /// `commitSync()` after processing each batch (at-least-once).
    AfterProcessing,
    /// `commitSync()` before processing each batch (at-most-once).
    BeforeProcessing,
    /// Only when a `commit` command says so.
    Manual,
}

impl CommitMode {
    pub fn parse(s: &str) -> Option<CommitMode> {
        match s {
            "auto" => Some(CommitMode::Auto),
            "after_processing" => Some(CommitMode::AfterProcessing),
            "before_processing" => Some(CommitMode::BeforeProcessing),
            "manual" => Some(CommitMode::Manual),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            CommitMode::Auto => "auto",
            CommitMode::AfterProcessing => "after_processing",
            CommitMode::BeforeProcessing => "before_processing",
            CommitMode::Manual => "manual",
        }
    }
}

/// A record the application is processing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InProgress {
    pub tp: Tp,
    pub offset: i64,
    pub id: u64,
    pub done_at: Millis,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ConsumerStats {
    pub polled: u64,
    pub fetches: u64,
    pub resets: u64,
    pub errors: VecMap<String, u64>,
}

/// A record the application received from poll().
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Delivered {
    pub tp: Tp,
    pub offset: i64,
    pub id: u64,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Consumer {
    pub name: String,
    pub idx: u32,
    pub config: Props,
    pub settings: ConsumerSettings,
    pub group: Option<String>,
    pub topics: Vec<String>,
    pub alive: bool,
    pub metadata: ClientMetadata,
    pub assignment: VecSet<Tp>,
    pub partitions: VecMap<Tp, PartitionState>,
    /// Simulated processing time per record (not a Kafka config).
    pub processing_ms: Millis,
    pub stats: ConsumerStats,
    pub last_error: Option<ClientError>,
    /// Records delivered to the application, most recent last (bounded).
    pub delivered: VecDeque<Delivered>,
    pub delivered_total: u64,
    pub commit_mode: CommitMode,
    pub membership: Option<crate::consumer_coordinator::Membership>,
    /// The membership under `group.protocol=consumer` (KIP-848), instead of `membership`.
    pub consumer_membership: Option<crate::consumer_membership::ConsumerMembershipManager>,
    /// Records handed to the application and not yet fully processed.
    pub in_progress: VecDeque<InProgress>,
    /// Offsets to commit when the current batch is processed (after_processing).
    pub(crate) commit_after: Option<Vec<(Tp, i64)>>,
    pub last_poll: Millis,
    /// A stream processor owns this consumer: polled records are handed over, not processed.
    pub handoff: bool,
    pub handed: Vec<(Tp, Record)>,
    /// Fetched records not yet polled; keys, values and headers only when `handoff`.
    /// Each entry carries the position it was fetched for (Kafka's `nextFetchOffset`): poll
    /// hands it out only while the partition's position is still that offset.
    pub(crate) buffer: VecDeque<(Tp, i64, Fetched)>,
    /// The fetch in flight to each broker, and the offset it asked for per partition.
    fetches: VecMap<BrokerId, InFlightFetch>,
    /// ListOffsets requests in flight: the leader asked and the partitions being reset.
    list_offsets: VecMap<u64, (BrokerId, Vec<Tp>)>,
    pub(crate) busy_until: Millis,
    pub(crate) next_corr: u64,
    pub(crate) waker: Waker,
    /// Emptied vectors of fetched record ids and of a poll's records, for the next fetch
    /// response and poll (each was an allocation per partition per fetch, and per poll).
    spare_ids: Scratch<(i64, u64)>,
    spare_polled: Scratch<(Tp, i64, u64)>,
    /// Moves whenever `partitions` gains or loses a key (`set_assignment`).
    assignment_generation: Generation,
    /// The assigned partitions by leader, for `send_fetches`.
    fetch_plan: FetchPlan,
    /// Some partition may still want its committed offset (`needs_committed`): set where
    /// that flag is, cleared by [`Consumer::committed_wanted`] once no partition has it, so
    /// that the group's step does not look at every partition after every fetch response.
    committed_pending: bool,
}

/// The assigned partitions grouped by the leader the metadata names, built again only when the
/// metadata or the assignment moved: `send_fetches` runs after every fetch response (thousands
/// a second at the scale preset), and it looked up every assigned partition's leader each time
/// to find the few partitions of the one leader that had just answered.
///
/// Derived state, not the consumer's own: it is equal to any other plan.
#[derive(Debug, Clone, Default)]
struct FetchPlan {
    /// The metadata's and the assignment's generations it was built at, once built.
    built_at: Option<(u64, u64)>,
    /// Leaders in increasing order, each with its partitions in `partitions`' order: the
    /// partition's position in `partitions`, and its leader epoch.
    leaders: Vec<(BrokerId, Vec<(usize, i32)>)>,
}

impl PartialEq for FetchPlan {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

const DELIVERED_KEEP: usize = 2000;

/// The group's consumption ledger learns that its application processed `ids`, in order
/// (nothing is counted without a group, or with the ledger off).
fn count_processed(ctx: &mut Ctx, group: Option<&str>, ids: impl Iterator<Item = u64>) {
    if let Some(processed) = group.and_then(|g| ctx.ledger.processed_by(g)) {
        for id in ids {
            processed.add(id);
        }
    }
}

/// One partition's fetched records waiting for `poll()`: each one's offset and record id, and
/// the records themselves (key, value, headers) only for a consumer that hands them on. The
/// simulated application reads offsets and ids, so a plain consumer keeps 16 bytes a record
/// here rather than a whole [`Record`].
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Fetched {
    /// (offset, record id), in offset order.
    ids: Vec<(i64, u64)>,
    /// Parallel to `ids` when the records were kept; empty otherwise.
    records: Vec<Record>,
    /// The offset after everything the fetch covered, past trailing control batches and
    /// aborted records (`CompletedFetch.nextFetchOffset` once it is drained).
    end: i64,
}

impl Fetched {
    fn with_capacity(n: usize, with_records: bool, spare: &mut Scratch<(i64, u64)>) -> Self {
        Fetched {
            end: 0,
            ids: spare.take(n),
            records: if with_records {
                Vec::with_capacity(n)
            } else {
                Vec::new()
            },
        }
    }
    fn push(&mut self, offset: i64, id: u64, record: Option<Record>) {
        self.ids.push((offset, id));
        if let Some(r) = record {
            self.records.push(r);
        }
    }
    fn len(&self) -> usize {
        self.ids.len()
    }
    fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
    /// The records from `at` on, leaving the first `at` here.
    fn split_off(&mut self, at: usize) -> Fetched {
        let records = if self.records.len() > at {
            self.records.split_off(at)
        } else {
            Vec::new()
        };
        Fetched {
            ids: self.ids.split_off(at.min(self.ids.len())),
            records,
            end: self.end,
        }
    }
}

/// A FETCH request awaiting its response.
#[derive(Debug, Clone, PartialEq)]
struct InFlightFetch {
    corr: u64,
    /// (partition, fetch offset), in the request's order.
    offsets: Vec<(Tp, i64)>,
}

impl Consumer {
    pub fn new(
        name: String,
        idx: u32,
        config: Props,
        group: Option<String>,
        topics: Vec<String>,
        bootstrap: Vec<BrokerId>,
    ) -> SimResult<Self> {
        let settings = ConsumerSettings::from_props(&config)?;
        let mut metadata = ClientMetadata::new(bootstrap);
        metadata.wanted = topics.iter().cloned().collect();
        // group.protocol: the classic membership or the KIP-848 consumer membership.
        use crate::consumer_membership::ConsumerMembershipManager;
        let (membership, consumer_membership) = match &group {
            Some(g) if settings.group_protocol_consumer => (
                None,
                Some(ConsumerMembershipManager::new(g, &settings, &config)?),
            ),
            Some(g) => {
                ConsumerMembershipManager::check_classic_config(&config)?;
                let m = crate::consumer_coordinator::Membership::new(g, &settings)?;
                (Some(m), None)
            }
            None => (None, None),
        };
        let commit_mode = if settings.enable_auto_commit && group.is_some() {
            CommitMode::Auto
        } else {
            CommitMode::Manual
        };
        Ok(Consumer {
            name,
            idx,
            config,
            settings,
            group,
            topics,
            alive: true,
            metadata,
            assignment: VecSet::new(),
            partitions: VecMap::new(),
            processing_ms: 0,
            stats: ConsumerStats::default(),
            last_error: None,
            delivered: VecDeque::new(),
            delivered_total: 0,
            commit_mode,
            membership,
            consumer_membership,
            in_progress: VecDeque::new(),
            commit_after: None,
            last_poll: 0,
            handoff: false,
            handed: Vec::new(),
            buffer: VecDeque::new(),
            fetches: VecMap::new(),
            list_offsets: VecMap::new(),
            busy_until: 0,
            next_corr: 0,
            waker: Waker::default(),
            spare_ids: Scratch::default(),
            spare_polled: Scratch::default(),
            assignment_generation: Generation::default(),
            fetch_plan: FetchPlan::default(),
            committed_pending: false,
        })
    }

    pub(crate) fn corr(&mut self) -> u64 {
        self.next_corr += 1;
        self.next_corr
    }

    pub(crate) fn error(&mut self, ctx: &mut Ctx, error: ErrorCode, detail: String) {
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

    pub fn position(&self, tp: Tp) -> Option<i64> {
        self.partitions.get(&tp).and_then(|s| s.position)
    }

    /// Assign partitions (manual `assign()`, or the result of a rebalance). Partitions that
    /// stay keep their position; new ones start unpositioned.
    pub fn set_assignment(&mut self, tps: VecSet<Tp>) {
        let in_group = self.group.is_some();
        self.partitions.retain(|tp, _| tps.contains(tp));
        self.buffer.retain(|(tp, _, _)| tps.contains(tp));
        // Records polled but not yet taken by the stream processor belong to the revoked
        // partition's task, which is closed: they are dropped, and the partition's next owner
        // (maybe this consumer again) starts from the committed offset.
        self.handed.retain(|(tp, _)| tps.contains(tp));
        for tp in &tps {
            self.partitions.entry(*tp).or_insert(PartitionState {
                position: None,
                high_watermark: -1,
                last_stable_offset: -1,
                log_start_offset: -1,
                resetting: false,
                reset_to: None,
                needs_committed: in_group,
                fetching_committed: false,
                error: None,
                epoch_at: None,
                reset_retry_at: 0,
            });
        }
        self.assignment = tps;
        self.assignment_generation.bump();
        self.committed_pending |= in_group;
    }

    /// The partitions that want their committed offset and are not fetching it yet.
    pub(crate) fn committed_wanted(&mut self) -> Vec<Tp> {
        if !self.committed_pending {
            return Vec::new();
        }
        let mut pending = false;
        let wanted = self
            .partitions
            .iter()
            .filter(|(_, s)| {
                pending |= s.needs_committed;
                s.needs_committed && !s.fetching_committed
            })
            .map(|(tp, _)| *tp)
            .collect();
        self.committed_pending = pending;
        wanted
    }

    /// The positions to commit: every assigned partition with a position.
    pub fn consumed_positions(&self) -> Vec<(Tp, i64)> {
        self.partitions
            .iter()
            .filter_map(|(tp, s)| s.position.map(|p| (*tp, p)))
            .collect()
    }

    /// `seek()`: set the position of an assigned partition.
    pub fn seek(&mut self, tp: Tp, offset: i64) -> bool {
        self.buffer.retain(|(t, _, _)| *t != tp);
        match self.partitions.get_mut(&tp) {
            Some(s) => {
                s.position = Some(offset.max(0));
                s.error = None;
                s.resetting = false;
                s.needs_committed = false;
                true
            }
            None => false,
        }
    }

    /// Go back to the group's committed offsets (a stream task closed dirty).
    pub fn rewind_to_committed(&mut self) {
        self.buffer.clear();
        self.handed.clear();
        let in_group = self.group.is_some();
        for s in self.partitions.values_mut() {
            s.position = None;
            s.resetting = false;
            s.needs_committed = in_group;
            s.fetching_committed = false;
        }
        self.committed_pending |= in_group;
    }

    /// `seekToBeginning` (-2), `seekToEnd` (-1) or a seek to the first offset with a
    /// timestamp at or after `ts` (`offsetsForTimes`, then the end if there is none).
    pub fn seek_by_list_offsets(&mut self, tp: Tp, spec: i64) -> bool {
        self.buffer.retain(|(t, _, _)| *t != tp);
        match self.partitions.get_mut(&tp) {
            Some(s) => {
                s.position = None;
                s.resetting = false;
                s.needs_committed = false;
                s.fetching_committed = false;
                s.error = None;
                s.reset_to = Some(spec);
                true
            }
            None => false,
        }
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
            Timer::MetadataBackoff | Timer::Heartbeat | Timer::AutoCommit => self.run(ctx),
            Timer::RequestTimeout(corr) => {
                // Fetch, ListOffsets and Metadata share one connection per broker; group
                // requests go over the coordinator's own connection (`AbstractCoordinator`
                // connects to node `Integer.MAX_VALUE - id`), which losing the coordinator
                // closes.
                let broker = match self.metadata.in_flight {
                    Some((c, b)) if c == corr => Some(b),
                    _ => self
                        .fetches
                        .iter()
                        .find(|(_, f)| f.corr == corr)
                        .map(|(b, _)| *b)
                        .or_else(|| self.list_offsets.get(&corr).map(|(b, _)| *b)),
                };
                match broker {
                    Some(b) => self.close_timed_out_connection(ctx, b),
                    None => self.group_request_failed(ctx, corr),
                }
                self.run(ctx);
            }
            _ => {}
        }
    }

    /// `NetworkClient.handleTimedOutRequests`: a request that timed out closes its
    /// connection. Every other request in flight on it fails with it
    /// (`cancelInFlightRequests`), the node is in reconnect backoff, and the client asks for
    /// new metadata: "the disconnect may be the result of stale metadata"
    /// (`DefaultMetadataUpdater.handleServerDisconnect`).
    fn close_timed_out_connection(&mut self, ctx: &mut Ctx, broker: BrokerId) {
        let until = ctx.now + self.settings.retry_backoff_ms.max(100);
        self.metadata.connection_closed(ctx, broker, until);
        if let Some(f) = self.fetches.remove(&broker) {
            ctx.cancel_timer(Timer::RequestTimeout(f.corr));
        }
        let same_connection: Vec<u64> = self
            .list_offsets
            .iter()
            .filter(|(_, (b, _))| *b == broker)
            .map(|(c, _)| *c)
            .collect();
        for c in same_connection {
            ctx.cancel_timer(Timer::RequestTimeout(c));
            self.list_offsets_failed(c);
        }
        self.metadata.request_update();
    }

    /// A ListOffsets request got no answer: its partitions may be reset again.
    fn list_offsets_failed(&mut self, corr: u64) {
        if let Some((_, tps)) = self.list_offsets.remove(&corr) {
            for tp in tps {
                if let Some(s) = self.partitions.get_mut(&tp) {
                    s.resetting = false;
                }
            }
        }
    }

    pub fn handle(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        if !self.alive {
            return;
        }
        let msg = match self.on_group_message(ctx, from, msg) {
            None => {
                self.run(ctx);
                return;
            }
            Some(m) => m,
        };
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
            Message::ListOffsetsResponse { corr, partitions } => {
                self.list_offsets.remove(&corr);
                let mut retry_at = None;
                let mut not_available = Vec::new();
                for (tp, res) in partitions {
                    let Some(s) = self.partitions.get_mut(&tp) else {
                        continue;
                    };
                    s.resetting = false;
                    match res {
                        Ok((offset, _)) if offset >= 0 && s.position.is_none() => {
                            s.position = Some(offset);
                            s.reset_to = None;
                            self.stats.resets += 1;
                        }
                        Ok(_) => {
                            // offsetsForTimes found nothing at or after the timestamp: the end.
                            if s.reset_to.is_some_and(|t| t >= 0) {
                                s.reset_to = Some(-1);
                            }
                        }
                        Err(e) => {
                            s.reset_retry_at = ctx.now + self.settings.retry_backoff_ms;
                            retry_at = Some(s.reset_retry_at);
                            if e == ErrorCode::OffsetNotAvailable {
                                not_available.push(tp);
                            }
                            if matches!(
                                e,
                                ErrorCode::NotLeaderOrFollower | ErrorCode::UnknownTopicOrPartition
                            ) {
                                self.metadata.request_update();
                            }
                        }
                    }
                }
                for tp in not_available {
                    let e = ErrorCode::OffsetNotAvailable;
                    let detail = format!(
                        "ListOffsets for {}-{}: {}",
                        ctx.topic_name(tp),
                        tp.partition,
                        e.explain()
                    );
                    self.error(ctx, e, detail);
                }
                if let Some(t) = retry_at {
                    self.waker.wake_at(ctx, t);
                }
            }
            Message::FetchResponse { corr, partitions } => {
                if let NodeId::Broker(b) = from {
                    if self.fetches.get(&b).is_some_and(|f| f.corr == corr) {
                        if let Some(f) = self.fetches.remove(&b) {
                            self.on_fetch(ctx, &f.offsets, partitions);
                        }
                    }
                }
            }
            Message::Disconnected { corr } => {
                if let NodeId::Broker(b) = from {
                    self.metadata
                        .avoid(b, ctx.now + self.settings.retry_backoff_ms.max(100));
                    if self
                        .fetches
                        .get(&b)
                        .is_some_and(|f| corr.is_none() || Some(f.corr) == corr)
                    {
                        self.fetches.remove(&b);
                    }
                }
                if let Some(c) = corr {
                    self.metadata.failed(c);
                    self.group_request_failed(ctx, c);
                    self.list_offsets_failed(c);
                }
                self.metadata.request_update();
            }
            _ => {}
        }
        self.run(ctx);
    }

    /// A FETCH response. A partition's data (or error) counts only if the partition is still
    /// assigned, nothing of it is buffered, and its position is still the offset the request
    /// asked for: a seek, reset or rebalance while the fetch was in flight makes the response
    /// stale, and Kafka's `FetchCollector.initialize` discards it.
    fn on_fetch(&mut self, ctx: &mut Ctx, asked: &[(Tp, i64)], parts: Vec<FetchPartitionData>) {
        self.stats.fetches += 1;
        // Only a handed-off consumer (stream processor, projection) passes keys, values and
        // headers on; the simulated application reads offsets and record ids, so the buffer
        // skips copying bytes it would never look at.
        let with_bytes = self.handoff;
        for pd in &parts {
            let tp = pd.tp;
            let Some(s) = self.partitions.get_mut(&tp) else {
                continue;
            };
            let Some(&(_, fetch_offset)) = asked.iter().find(|(t, _)| *t == tp) else {
                continue;
            };
            if s.position != Some(fetch_offset) || self.buffer.iter().any(|(t, _, _)| *t == tp) {
                ctx.emit(TraceKind::Note {
                    text: format!(
                        "{}: ignoring fetched data for {}-{} at offset {fetch_offset}: the position is now {}",
                        self.name,
                        ctx.topic_name(tp),
                        tp.partition,
                        s.position.map_or("unset".to_string(), |p| p.to_string())
                    ),
                });
                continue;
            }
            match pd.error {
                None => {}
                Some(ErrorCode::OffsetOutOfRange) => {
                    let pos = s.position.unwrap_or(-1);
                    match self.settings.auto_offset_reset {
                        OffsetReset::None => {
                            s.error = Some(ErrorCode::OffsetOutOfRange);
                            let topic = ctx.topic_name(tp);
                            self.error(
                                ctx,
                                ErrorCode::OffsetOutOfRange,
                                format!("{topic}-{}: offset {pos} is out of range and auto.offset.reset=none", tp.partition),
                            );
                        }
                        _ => {
                            s.position = None;
                            // Counted (the client saw the error) but handled: not a failure.
                            *self
                                .stats
                                .errors
                                .entry(ErrorCode::OffsetOutOfRange.name().to_string())
                                .or_default() += 1;
                            let topic = ctx.topic_name(tp);
                            ctx.emit(TraceKind::Note {
                                text: format!(
                                    "{}: offset {pos} of {topic}-{} is out of range; resetting by auto.offset.reset",
                                    self.name, tp.partition
                                ),
                            });
                        }
                    }
                    continue;
                }
                Some(e) => {
                    if matches!(
                        e,
                        ErrorCode::NotLeaderOrFollower
                            | ErrorCode::FencedLeaderEpoch
                            | ErrorCode::UnknownLeaderEpoch
                            | ErrorCode::UnknownTopicOrPartition
                    ) {
                        self.metadata.request_update();
                    }
                    continue;
                }
            }
            s.high_watermark = pd.high_watermark;
            s.last_stable_offset = pd.last_stable_offset;
            s.log_start_offset = pd.log_start_offset;
            let Some(pos) = s.position else { continue };
            // KIP-320 (`SubscriptionState.maybeCompleteValidation`): the leader's log ends the
            // epoch of the last fetched batch below the position: what was read past that
            // point was truncated away, and the leader may hold other records there.
            if let Some(div) = pd.diverging_epoch {
                let topic = ctx.topic_name(tp);
                if div.end_offset >= pos {
                    s.epoch_at = Some((pos, div.epoch));
                } else if self.settings.auto_offset_reset == OffsetReset::None {
                    s.error = Some(ErrorCode::LogTruncation);
                    self.error(
                        ctx,
                        ErrorCode::LogTruncation,
                        format!(
                            "{topic}-{}: truncation detected at offset {pos}: the leader's log diverges from offset {} (epoch {}), and auto.offset.reset=none",
                            tp.partition, div.end_offset, div.epoch
                        ),
                    );
                } else {
                    s.position = Some(div.end_offset);
                    s.epoch_at = Some((div.end_offset, div.epoch));
                    ctx.emit(TraceKind::Note {
                        text: format!(
                            "{}: truncation detected for {topic}-{} at offset {pos}; resetting to the first offset known to diverge, {} (epoch {})",
                            self.name, tp.partition, div.end_offset, div.epoch
                        ),
                    });
                }
                continue;
            }
            let read_committed = self.settings.isolation == Isolation::Committed;
            let mut aborted: Vec<(i64, i64)> = pd
                .aborted
                .iter()
                .map(|a| (a.producer_id, a.first_offset))
                .collect();
            aborted.sort_by_key_shared(|a| a.1);
            let mut aborted_pids: VecSet<i64> = VecSet::new();
            let mut out =
                Fetched::with_capacity(pd.records.record_count(), with_bytes, &mut self.spare_ids);
            let mut next = pos;
            let mut last_epoch = None;
            for b in pd.records.batches() {
                if b.last_offset < pos {
                    continue;
                }
                last_epoch = last_epoch.max(Some(b.partition_leader_epoch));
                // CompletedFetch: an aborted transaction's first offset puts its producer
                // in the aborted set until its ABORT marker.
                if read_committed {
                    while let Some(&(pid, first)) = aborted.first() {
                        if first <= b.last_offset {
                            aborted_pids.insert(pid);
                            aborted.remove(0);
                        } else {
                            break;
                        }
                    }
                }
                if let Some(ctl) = b.control {
                    if ctl == ControlType::Abort {
                        aborted_pids.remove(&b.producer_id);
                    }
                    next = next.max(b.last_offset + 1);
                    continue;
                }
                if read_committed && b.is_transactional && aborted_pids.contains(&b.producer_id) {
                    next = next.max(b.last_offset + 1);
                    continue;
                }
                for e in pd.records.batch_entries(b) {
                    if e.offset >= pos {
                        out.push(
                            e.offset,
                            e.id,
                            with_bytes.then(|| pd.records.record_in(b, e)),
                        );
                        next = next.max(e.offset + 1);
                    }
                }
            }
            if let Some(e) = last_epoch {
                s.epoch_at = Some((next, e));
            }
            if !out.is_empty() {
                out.end = next;
                self.buffer.push_back((tp, pos, out));
            } else if next > pos {
                // Only control or aborted records: the position moves past them.
                s.position = Some(next);
            }
        }
        ctx.spare.give_back(parts);
    }

    /// The application loop and the fetcher.
    pub fn run(&mut self, ctx: &mut Ctx) {
        if !self.alive {
            return;
        }
        let now = ctx.now;
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
        if self.group.is_some() {
            self.group_step(ctx);
        } else {
            // Manual assignment: every partition of the subscribed topics.
            let all: VecSet<Tp> = self
                .topics
                .iter()
                .filter_map(|t| self.metadata.topic(t))
                .flat_map(|t| (0..t.count()).map(move |p| Tp::new(t.id, p)))
                .collect();
            if all != self.assignment {
                self.set_assignment(all);
            }
        }
        self.ensure_positions(ctx);
        self.finish_processing(ctx);
        // KIP-848 maybeRejoinStaleMember: a member that left because the application stopped
        // polling rejoins at the application's next poll, which is now if it just finished.
        let stale = self
            .consumer_membership
            .as_ref()
            .is_some_and(|m| m.state == crate::consumer_membership::MemberState::Stale);
        if stale && now >= self.busy_until && self.in_progress.is_empty() {
            self.group_step(ctx);
        }
        // poll(): hand buffered records to the application when it is idle.
        let polled = if now >= self.busy_until && self.can_poll() {
            self.poll(ctx)
        } else {
            0
        };
        if self.busy_until > now {
            self.waker.wake_at(ctx, self.busy_until);
        } else if polled > 0 && !self.buffer.is_empty() {
            // An application that is not busy calls poll() again at once: what max.poll.records
            // left in the buffer is not left waiting for the next fetch response or timer.
            self.waker.wake_at(ctx, now);
        }
        self.send_fetches(ctx);
    }

    /// Records whose processing time has passed are processed: the group's consumption ledger
    /// learns of them, and an after-processing commit goes out once the batch is done.
    fn finish_processing(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let due = self
            .in_progress
            .iter()
            .take_while(|p| p.done_at <= now)
            .count();
        if due > 0 {
            let done = self.in_progress.drain(..due).map(|p| p.id);
            count_processed(ctx, self.group.as_deref(), done);
        }
        if self.in_progress.is_empty() {
            if let Some(offsets) = self.commit_after.take() {
                self.commit(ctx, offsets, "commitSync after processing");
            }
        }
    }

    /// Returns how many records it handed to the application.
    fn poll(&mut self, ctx: &mut Ctx) -> u64 {
        self.last_poll = ctx.now;
        // Auto-commit runs inside poll(), with the positions of records returned by earlier
        // polls (ConsumerCoordinator.maybeAutoCommitOffsetsAsync).
        if self.commit_mode == CommitMode::Auto {
            self.maybe_auto_commit(ctx);
        }
        let mut budget = self.settings.max_poll_records;
        let mut count = 0u64;
        let buffered: usize = self.buffer.iter().map(|(_, _, r)| r.len()).sum();
        let mut polled = self.spare_polled.take(buffered.min(budget));
        while budget > 0 {
            let Some((tp, fetched_at, mut recs)) = self.buffer.pop_front() else {
                break;
            };
            let Some(state) = self.partitions.get_mut(&tp) else {
                continue;
            };
            // Fetched for another position (FetchCollector.fetchRecords): dropped.
            if state.position != Some(fetched_at) {
                continue;
            }
            let pos = fetched_at;
            if recs.is_empty() {
                // Only what follows the records a previous poll drained (a transaction's
                // marker): the position moves past it, with no record returned.
                if recs.end > pos {
                    state.position = Some(recs.end);
                }
                continue;
            }
            let take = recs.len().min(budget);
            let rest = recs.split_off(take);
            let first = recs.ids.first().map_or(pos, |r| r.0);
            let last = recs.ids.last().map_or(pos, |r| r.0);
            state.position = Some(last + 1);
            budget -= take;
            // The fetch's last records taken: like Kafka's `CompletedFetch.fetchRecords`, a
            // poll with room for more reads on past a trailing marker or aborted batch, and
            // one without leaves that to the next poll (`rest`, empty, is kept for it).
            let skip_left = rest.is_empty() && rest.end > last + 1;
            if skip_left && budget > 0 {
                state.position = Some(rest.end);
            }
            count += take as u64;
            let read_committed = self.settings.isolation == Isolation::Committed;
            if self.handoff {
                self.handed.extend(
                    std::mem::take(&mut recs.records)
                        .into_iter()
                        .map(|r| (tp, r)),
                );
            }
            if ctx.ledger.keeps_deliveries() {
                for &(_, id) in &recs.ids {
                    ctx.ledger.on_delivered(&self.name, id, read_committed);
                }
            }
            polled.extend(recs.ids.iter().map(|&(offset, id)| (tp, offset, id)));
            // The last DELIVERED_KEEP deliveries are kept (those of a large poll that would
            // be dropped at once are not pushed).
            let keep = recs.ids.len().saturating_sub(DELIVERED_KEEP);
            let now = ctx.now;
            self.delivered
                .extend(
                    recs.ids
                        .get(keep..)
                        .unwrap_or_default()
                        .iter()
                        .map(|&(offset, id)| Delivered {
                            tp,
                            offset,
                            id,
                            at: now,
                        }),
                );
            let over = self.delivered.len().saturating_sub(DELIVERED_KEEP);
            self.delivered.drain(..over);
            ctx.emit(TraceKind::Consumed {
                client: self.name.as_str().into(),
                topic: ctx.topic_str(tp),
                partition: tp.partition,
                first_offset: first,
                last_offset: last,
                count: take,
            });
            if !rest.is_empty() || (skip_left && budget == 0) {
                self.buffer.push_front((tp, last + 1, rest));
            }
            self.spare_ids.give(recs.ids);
        }
        if count == 0 {
            self.spare_polled.give(polled);
            return 0;
        }
        self.stats.polled += count;
        self.delivered_total += count;
        if self.handoff {
            // The stream processor takes it from here (produce, then commit).
            return count;
        }
        // The positions to commit, when this mode commits around processing (auto-commit
        // takes them at its next poll instead).
        let positions = matches!(
            self.commit_mode,
            CommitMode::BeforeProcessing | CommitMode::AfterProcessing
        )
        .then(|| self.consumed_positions());
        if let (CommitMode::BeforeProcessing, Some(positions)) = (self.commit_mode, &positions) {
            self.commit(ctx, positions.clone(), "commitSync before processing");
        }
        if self.processing_ms == 0 && self.in_progress.is_empty() {
            // Processing takes no time: each record is done now, in order, as the queue below
            // would have it at the finish_processing just after (without queueing them).
            let done = polled.iter().map(|&(_, _, id)| id);
            count_processed(ctx, self.group.as_deref(), done);
        } else {
            for (i, (tp, offset, id)) in polled.drain(..).enumerate() {
                self.in_progress.push_back(InProgress {
                    tp,
                    offset,
                    id,
                    done_at: ctx.now + self.processing_ms * (i as u64 + 1),
                });
            }
        }
        self.spare_polled.give(polled);
        self.busy_until = ctx.now + self.processing_ms * count;
        if self.commit_mode == CommitMode::AfterProcessing {
            self.commit_after = positions;
        }
        self.finish_processing(ctx);
        count
    }

    fn ensure_positions(&mut self, ctx: &mut Ctx) {
        let mut by_leader: VecMap<BrokerId, Vec<Tp>> = VecMap::new();
        for (tp, s) in &self.partitions {
            if s.position.is_some()
                || s.resetting
                || s.error.is_some()
                || s.needs_committed
                || s.fetching_committed
                || s.reset_retry_at > ctx.now
            {
                continue;
            }
            if let Some(l) = self.metadata.leader(*tp) {
                by_leader.entry(l).or_default().push(*tp);
            } else {
                self.metadata.request_update();
            }
        }
        if by_leader.is_empty() {
            return;
        }
        if self.settings.auto_offset_reset == OffsetReset::None {
            let tps: Vec<Tp> = by_leader
                .values()
                .flatten()
                .copied()
                .filter(|tp| {
                    self.partitions
                        .get(tp)
                        .is_some_and(|s| s.reset_to.is_none())
                })
                .collect();
            for tp in tps {
                if let Some(s) = self.partitions.get_mut(&tp) {
                    s.error = Some(ErrorCode::NoOffsetForPartition);
                }
                let topic = ctx.topic_name(tp);
                self.error(
                    ctx,
                    ErrorCode::NoOffsetForPartition,
                    format!(
                        "no committed offset for {topic}-{} and auto.offset.reset=none",
                        tp.partition
                    ),
                );
            }
            // A partition with an explicit reset (a seek to the beginning, the end or a
            // time) still asks for it below: the policy only decides the others.
        }
        let policy = match self.settings.auto_offset_reset {
            OffsetReset::Earliest => Some(-2),
            OffsetReset::Latest => Some(-1),
            OffsetReset::None => None,
        };
        for (leader, tps) in by_leader {
            let specs: Vec<(Tp, i64)> = tps
                .iter()
                .filter_map(|tp| {
                    self.partitions
                        .get(tp)
                        .and_then(|s| s.reset_to.or(policy))
                        .map(|ts| (*tp, ts))
                })
                .collect();
            let tps: Vec<Tp> = specs.iter().map(|(tp, _)| *tp).collect();
            if tps.is_empty() {
                continue;
            }
            let corr = self.corr();
            for tp in &tps {
                if let Some(s) = self.partitions.get_mut(tp) {
                    s.resetting = true;
                }
            }
            ctx.send(
                NodeId::Broker(leader),
                Message::ListOffsets {
                    corr,
                    isolation: self.settings.isolation,
                    partitions: specs,
                },
            );
            ctx.set_timer(
                self.settings.request_timeout_ms,
                Timer::RequestTimeout(corr),
            );
            self.list_offsets.insert(corr, (leader, tps));
        }
    }

    /// Build [`FetchPlan`] again if the metadata or the assignment moved since it was built.
    fn refresh_fetch_plan(&mut self) {
        let now_at = (self.metadata.generation(), self.assignment_generation.get());
        if self.fetch_plan.built_at == Some(now_at) {
            return;
        }
        let mut leaders: Vec<(BrokerId, Vec<(usize, i32)>)> = Vec::new();
        let mut topic: Option<(TopicId, Option<&crate::client::TopicInfo>)> = None;
        for (at, tp) in self.partitions.keys().enumerate() {
            let info = match topic {
                Some((id, info)) if id == tp.topic => info,
                _ => {
                    let info = self.metadata.topics().values().find(|t| t.id == tp.topic);
                    topic = Some((tp.topic, info));
                    info
                }
            };
            let Some(p) = info.and_then(|t| t.partition(tp.partition)) else {
                continue;
            };
            if p.leader < 0 {
                continue;
            }
            match leaders.binary_search_by_key(&p.leader, |(l, _)| *l) {
                Ok(i) => {
                    if let Some((_, parts)) = leaders.get_mut(i) {
                        parts.push((at, p.leader_epoch));
                    }
                }
                Err(i) => leaders.insert(i, (p.leader, vec![(at, p.leader_epoch)])),
            }
        }
        self.fetch_plan = FetchPlan {
            built_at: Some(now_at),
            leaders,
        };
    }

    fn send_fetches(&mut self, ctx: &mut Ctx) {
        let buffered: VecSet<Tp> = if self.buffer.is_empty() {
            VecSet::new()
        } else {
            self.buffer.iter().map(|(tp, _, _)| *tp).collect()
        };
        let mut in_flight = 0u128;
        for l in self.fetches.keys() {
            if let Ok(i) = u32::try_from(*l) {
                if i < 128 {
                    in_flight |= 1 << i;
                }
            }
        }
        self.refresh_fetch_plan();
        let mut wanted: Vec<(BrokerId, FetchPartition)> = Vec::with_capacity(16);
        let mut retry_at = None;
        // Leaders in order, each one's partitions in order: the order the requests go out in.
        for (leader, parts) in &self.fetch_plan.leaders {
            let l = *leader;
            // A leader with a fetch in flight gets none: after a fetch response, all leaders
            // but one usually have one.
            let has_fetch = match u32::try_from(l) {
                Ok(i) if i < 128 => in_flight & (1 << i) != 0,
                _ => self.fetches.contains_key(&l),
            };
            if has_fetch {
                continue;
            }
            for &(at, leader_epoch) in parts {
                let Some((tp, s)) = self.partitions.get_index(at) else {
                    continue;
                };
                let Some(pos) = s.position else { continue };
                if s.error.is_some() || buffered.contains(tp) {
                    continue;
                }
                // `AbstractFetch.prepareFetchRequests` skips a node awaiting reconnect backoff.
                if let Some(t) = self.metadata.unavailable_until(l, ctx.now) {
                    retry_at = Some(retry_at.map_or(t, |r: Millis| r.min(t)));
                    continue;
                }
                wanted.push((
                    l,
                    FetchPartition {
                        tp: *tp,
                        fetch_offset: pos,
                        last_fetched_epoch: s.epoch_at.filter(|(at, _)| *at == pos).map(|(_, e)| e),
                        current_leader_epoch: Some(leader_epoch),
                    },
                ));
            }
        }
        if let Some(t) = retry_at {
            self.waker.wake_at(ctx, t);
        }
        if wanted.is_empty() {
            return;
        }
        // One request per leader, in broker order, each listing its partitions in order.
        for group in wanted.chunk_by(|a, b| a.0 == b.0) {
            let Some(&(leader, _)) = group.first() else {
                continue;
            };
            let parts: Vec<FetchPartition> = group.iter().map(|(_, fp)| fp.clone()).collect();
            let corr = self.corr();
            let offsets = parts.iter().map(|p| (p.tp, p.fetch_offset)).collect();
            self.fetches.insert(leader, InFlightFetch { corr, offsets });
            ctx.send(
                NodeId::Broker(leader),
                Message::Fetch {
                    corr,
                    replica: None,
                    max_wait_ms: self.settings.fetch_max_wait_ms,
                    min_bytes: self.settings.fetch_min_bytes,
                    max_bytes: self.settings.fetch_max_bytes,
                    partition_max_bytes: self.settings.max_partition_fetch_bytes,
                    isolation: self.settings.isolation,
                    partitions: parts,
                },
            );
            ctx.set_timer(
                self.settings.request_timeout_ms,
                Timer::RequestTimeout(corr),
            );
        }
    }

    /// Crash: in-memory state is gone; records being processed are not finished.
    pub fn crash(&mut self, ctx: &mut Ctx) {
        self.finish_processing(ctx);
        self.alive = false;
        self.in_progress.clear();
        self.commit_after = None;
        self.buffer.clear();
        self.fetches.clear();
        self.list_offsets.clear();
        self.waker.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(offset: i64, id: u64) -> Record {
        Record {
            offset,
            timestamp: 0,
            key: Some(format!("k{offset}").into_bytes()),
            value: None,
            headers: Vec::new(),
            id,
        }
    }

    /// `max.poll.records` splits a partition's fetched records: the ids and, when kept, the
    /// records split at the same place, so a handed-on record keeps its own offset and id.
    #[test]
    fn fetched_records_split_with_their_ids() {
        let mut kept = Fetched::with_capacity(5, true, &mut Scratch::default());
        let mut plain = Fetched::with_capacity(5, false, &mut Scratch::default());
        for (offset, id) in (10..15).zip([7, 3, 9, 1, 4]) {
            kept.push(offset, id, Some(record(offset, id)));
            plain.push(offset, id, None);
        }
        let rest = kept.split_off(2);
        assert_eq!(kept.ids, vec![(10, 7), (11, 3)]);
        assert_eq!(rest.ids, vec![(12, 9), (13, 1), (14, 4)]);
        for part in [&kept, &rest] {
            assert_eq!(part.records.len(), part.len());
            for (r, &(offset, id)) in part.records.iter().zip(&part.ids) {
                assert_eq!((r.offset, r.id), (offset, id));
            }
        }
        let rest = plain.split_off(4);
        assert_eq!(plain.len(), 4);
        assert_eq!(rest.ids, vec![(14, 4)]);
        assert!(plain.records.is_empty() && rest.records.is_empty());
        // Past the end: nothing moves.
        let none = plain.split_off(9);
        assert!(none.is_empty());
        assert_eq!(plain.len(), 4);
    }
}
