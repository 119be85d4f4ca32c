//! The producer client (`KafkaProducer`, `RecordAccumulator`, `Sender`, the idempotent
//! part of `TransactionManager`): partitions records, batches them per partition, sends
//! one batch per partition per request to each leader, retries with backoff until
//! `delivery.timeout.ms`, and with `enable.idempotence` stamps batches with a producer id,
//! epoch and per-partition sequence numbers so the broker can drop duplicates.

use crate::client::{ClientMetadata, Waker};
use crate::config::{Props, PRODUCER_CONFIGS};
use crate::error::{ErrorCode, SimError, SimResult};
use crate::message::{Acks, Message, ProducePartitionResult};
use crate::partitioner::{partition_for_key, PartitionerKind, RoundRobin, StickyPartitioner};
use crate::record::{Entry, NewRecord, ProducerStamp, RecordRef, Records, NO_PRODUCER_ID};
use crate::sim::{Ctx, Timer};
use crate::sort::SortShared;
use crate::trace::TraceKind;
use crate::transaction_manager::TxnPhase;
use crate::types::{BrokerId, Millis, NodeId, TopicId, Tp};
use crate::vecmap::{VecMap, VecSet};
use rand_core::RngCore;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProducerSettings {
    pub acks: Acks,
    pub idempotence: bool,
    pub retries: u32,
    pub retry_backoff_ms: Millis,
    pub retry_backoff_max_ms: Millis,
    pub delivery_timeout_ms: Millis,
    pub request_timeout_ms: Millis,
    pub linger_ms: Millis,
    pub batch_size: usize,
    pub max_in_flight: usize,
    pub partitioner: PartitionerKind,
    pub ignore_keys: bool,
    /// `partitioner.adaptive.partitioning.enable` (KIP-794).
    pub adaptive_partitioning: bool,
    /// `partitioner.availability.timeout.ms` (0: off).
    pub partition_availability_timeout_ms: Millis,
    pub transactional_id: Option<String>,
    pub transaction_timeout_ms: i64,
    pub max_block_ms: Millis,
    /// `buffer.memory`: the `BufferPool` new batches are allocated from.
    pub buffer_memory: usize,
    /// `max.request.size`: the largest record send() takes, and what one produce request
    /// carries.
    pub max_request_size: usize,
}

impl ProducerSettings {
    /// Parse and validate as `ProducerConfig#postProcessAndValidateIdempotenceConfigs` does:
    /// idempotence set explicitly with incompatible settings is a `ConfigException`; left at
    /// its default it is silently disabled.
    pub fn from_props(p: &Props) -> SimResult<Self> {
        let d = PRODUCER_CONFIGS;
        let acks = Acks::parse(p.raw(d, "acks"));
        let retries = p.i64(d, "retries").max(0) as u32;
        let max_in_flight = p.i64(d, "max.in.flight.requests.per.connection").max(1) as usize;
        let explicit = p.is_set("enable.idempotence");
        let mut idempotence = p.bool(d, "enable.idempotence");
        let transactional_id = p.string(d, "transactional.id");
        if idempotence {
            let problem = if acks != Acks::All {
                Some((
                    "acks",
                    "must be set to 'all' to use the idempotent producer".to_string(),
                ))
            } else if retries == 0 {
                Some((
                    "retries",
                    "must be greater than 0 to use the idempotent producer".to_string(),
                ))
            } else if max_in_flight > 5 {
                Some((
                    "max.in.flight.requests.per.connection",
                    "must be at most 5 to use the idempotent producer".to_string(),
                ))
            } else {
                None
            };
            if let Some((key, msg)) = problem {
                if explicit || transactional_id.is_some() {
                    return Err(SimError::config(
                        key,
                        format!("{msg} (ConfigException: enable.idempotence=true)"),
                    ));
                }
                idempotence = false;
            }
        }
        if transactional_id.is_some() && !idempotence {
            return Err(SimError::config(
                "transactional.id",
                "requires enable.idempotence=true (ConfigException)",
            ));
        }
        let partitioner = if p
            .raw(d, "partitioner.class")
            .contains("RoundRobinPartitioner")
        {
            PartitionerKind::RoundRobin
        } else {
            PartitionerKind::BuiltIn
        };
        let delivery_timeout_ms = p.i64(d, "delivery.timeout.ms").max(0) as Millis;
        let linger_ms = p.i64(d, "linger.ms").max(0) as Millis;
        let request_timeout_ms = p.i64(d, "request.timeout.ms").max(0) as Millis;
        if delivery_timeout_ms < linger_ms + request_timeout_ms {
            // Kafka warns and raises delivery.timeout.ms when it was not set explicitly.
            if p.is_set("delivery.timeout.ms") {
                return Err(SimError::config(
                    "delivery.timeout.ms",
                    "should be equal to or larger than linger.ms + request.timeout.ms",
                ));
            }
        }
        Ok(ProducerSettings {
            acks,
            idempotence,
            retries,
            retry_backoff_ms: p.i64(d, "retry.backoff.ms").max(0) as Millis,
            retry_backoff_max_ms: p.i64(d, "retry.backoff.max.ms").max(0) as Millis,
            delivery_timeout_ms: delivery_timeout_ms.max(linger_ms + request_timeout_ms),
            request_timeout_ms,
            linger_ms,
            batch_size: p.i64(d, "batch.size").max(0) as usize,
            max_in_flight,
            partitioner,
            ignore_keys: p.bool(d, "partitioner.ignore.keys"),
            adaptive_partitioning: p.bool(d, "partitioner.adaptive.partitioning.enable"),
            partition_availability_timeout_ms: p
                .i64(d, "partitioner.availability.timeout.ms")
                .max(0) as Millis,
            transactional_id,
            transaction_timeout_ms: p.i64(d, "transaction.timeout.ms"),
            max_block_ms: p.i64(d, "max.block.ms").max(0) as Millis,
            buffer_memory: p.i64(d, "buffer.memory").clamp(0, i64::from(u32::MAX)) as usize,
            max_request_size: p.i64(d, "max.request.size").max(0) as usize,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    pub tp: Tp,
    /// The batch's records, relative offsets from 0, no producer stamp yet (Kafka's
    /// `MemoryRecordsBuilder`): one arena, not an allocation per record.
    pub records: Records,
    pub size_bytes: usize,
    pub full: bool,
    pub created_at: Millis,
    pub attempts: u32,
    pub next_attempt_at: Millis,
    pub base_sequence: Option<i32>,
    pub producer_id: i64,
    pub producer_epoch: i16,
    /// A part of a batch split after MESSAGE_TOO_LARGE (`ProducerBatch.isSplitBatch`): its
    /// buffer is allocated outside buffer.memory and never given back to it.
    #[serde(default)]
    pub split: bool,
}

impl Batch {
    /// Whether a record of `size` bytes goes into this batch (`ProducerBatch.tryAppend`): it
    /// is still open (not full, never sent with a sequence, not retried) and has room.
    fn has_room_for(&self, size: usize, batch_size: usize) -> bool {
        !self.full
            && self.base_sequence.is_none()
            && self.attempts == 0
            && self.size_bytes + size <= batch_size
    }
}

/// A record waiting for its topic's metadata before it can be partitioned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct PendingSend {
    topic: String,
    partition: Option<i32>,
    record: NewRecord,
    since: Millis,
}

/// A `send()` blocked in `BufferPool.allocate`: its partition is chosen and its batch needs
/// memory that buffer.memory does not have. The application's thread waits in it, so the
/// sends after it wait too (in order); `since` is when this one started waiting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct BlockedSend {
    topic_id: TopicId,
    partition: i32,
    by_sticky: bool,
    record: NewRecord,
    since: Millis,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct InFlight {
    broker: BrokerId,
    batches: Vec<Batch>,
}

impl InFlight {
    /// When its oldest batch reaches `delivery.timeout.ms`.
    fn expires_at(&self, delivery_timeout_ms: Millis) -> Option<Millis> {
        self.batches
            .iter()
            .map(|b| b.created_at + delivery_timeout_ms)
            .min()
    }
}

/// Produce requests awaiting a response, by correlation id, with how many of their batches
/// are for each partition (the ordering rules ask for every ready partition; counting over
/// every request in flight each time was a tenth of the engine's time at 100 partitions).
#[derive(Debug, Clone, Default, PartialEq)]
struct InFlightRequests {
    by_corr: VecMap<u64, InFlight>,
    batches_per_tp: VecMap<Tp, usize>,
    /// No batch in flight was created before this (exact after an expiry scan, lower after
    /// answered requests left): expiry checks skip the scan until it is due.
    oldest: Option<Millis>,
}

impl InFlightRequests {
    fn insert(&mut self, corr: u64, f: InFlight) {
        for b in &f.batches {
            *self.batches_per_tp.entry(b.tp).or_insert(0) += 1;
            self.oldest = Some(self.oldest.map_or(b.created_at, |o| o.min(b.created_at)));
        }
        if let Some(old) = self.by_corr.insert(corr, f) {
            self.forget(&old);
        }
    }
    fn remove(&mut self, corr: &u64) -> Option<InFlight> {
        let f = self.by_corr.remove(corr)?;
        self.forget(&f);
        if self.by_corr.is_empty() {
            self.oldest = None;
        }
        Some(f)
    }
    fn forget(&mut self, f: &InFlight) {
        for b in &f.batches {
            if let Some(n) = self.batches_per_tp.get_mut(&b.tp) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.batches_per_tp.remove(&b.tp);
                }
            }
        }
    }
    fn batches_for(&self, tp: Tp) -> usize {
        self.batches_per_tp.get(&tp).copied().unwrap_or(0)
    }
    /// Take out the batches that reached `delivery.timeout.ms` (`Sender.getExpiredInflightBatches`);
    /// their requests stay in flight, so a late response is recognised and ignored.
    fn take_expired(&mut self, now: Millis, delivery_timeout_ms: Millis) -> Vec<Batch> {
        let mut out = Vec::new();
        if self
            .oldest
            .is_none_or(|o| o.saturating_add(delivery_timeout_ms) > now)
        {
            return out;
        }
        for f in self.by_corr.values_mut() {
            if f.expires_at(delivery_timeout_ms).is_none_or(|t| t > now) {
                continue;
            }
            let (gone, kept) = std::mem::take(&mut f.batches)
                .into_iter()
                .partition(|b| b.created_at + delivery_timeout_ms <= now);
            f.batches = kept;
            out.extend::<Vec<Batch>>(gone);
        }
        self.oldest = self
            .by_corr
            .values()
            .flat_map(|f| f.batches.iter())
            .map(|b| b.created_at)
            .min();
        for b in &out {
            if let Some(n) = self.batches_per_tp.get_mut(&b.tp) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    self.batches_per_tp.remove(&b.tp);
                }
            }
        }
        out
    }
    /// When the next in-flight batch reaches `delivery.timeout.ms`.
    fn next_expiry(&self, delivery_timeout_ms: Millis) -> Option<Millis> {
        if self.by_corr.is_empty() {
            return None;
        }
        self.oldest.map(|o| o.saturating_add(delivery_timeout_ms))
    }
    fn values(&self) -> impl Iterator<Item = &InFlight> {
        self.by_corr.values()
    }
    fn len(&self) -> usize {
        self.by_corr.len()
    }
    fn clear(&mut self) {
        self.by_corr.clear();
        self.batches_per_tp.clear();
        self.oldest = None;
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProducerStats {
    pub sent: u64,
    pub acked: u64,
    pub failed: u64,
    pub retries: u64,
    pub requests: u64,
    pub errors: VecMap<String, u64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientError {
    pub error: ErrorCode,
    pub detail: String,
    pub at: Millis,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Producer {
    pub name: String,
    pub idx: u32,
    pub config: Props,
    pub settings: ProducerSettings,
    pub alive: bool,
    pub metadata: ClientMetadata,
    accumulator: VecMap<Tp, VecDeque<Batch>>,
    waiting: VecDeque<PendingSend>,
    /// Sends blocked waiting for buffer.memory, oldest first.
    blocked: VecDeque<BlockedSend>,
    /// At least the buffer.memory the batches hold: what new batches took since it was last
    /// counted exactly ([`Producer::buffer_in_use`]). Counted again only when it would refuse
    /// a batch, so completing a batch needs no bookkeeping.
    buffer_bound: usize,
    sticky: VecMap<TopicId, StickyPartitioner>,
    /// The partitions of each topic that ever had a batch: the keys of Kafka's
    /// `TopicInfo.batches`, whose entries stay when their queue empties.
    batched: VecMap<TopicId, VecSet<i32>>,
    round_robin: VecMap<TopicId, RoundRobin>,
    in_flight: InFlightRequests,
    pub producer_id: i64,
    pub producer_epoch: i16,
    init_pid_in_flight: Option<u64>,
    pub next_sequence: VecMap<Tp, i32>,
    pub(crate) inflight_sequences: VecMap<Tp, VecSet<i32>>,
    /// The last sequence the broker acknowledged per partition (`lastAckedSequence`).
    pub(crate) last_acked_sequence: VecMap<Tp, i32>,
    /// Partitions where a retried batch expired in flight, so whether the broker wrote it is
    /// unknown (`partitionsWithUnresolvedSequences`): no new batch goes to them until every
    /// batch sent before is answered.
    unresolved: VecSet<Tp>,
    /// The epoch each partition's sequence numbers count under (`TxnPartitionEntry`'s
    /// `producerIdAndEpoch`): behind the producer's after an epoch bump that did not rewrite
    /// the partition, until its batches in flight are answered.
    pub(crate) sequence_epochs: VecMap<Tp, i16>,
    pub stats: ProducerStats,
    pub last_error: Option<ClientError>,
    pub(crate) next_corr: u64,
    waker: Waker,
    /// The transactional side, with a `transactional.id`.
    pub txn: Option<crate::transaction_manager::TransactionManager>,
    /// `RecordAccumulator.nodesDrainIndex`: where each leader's next drain starts.
    drain_index: VecMap<BrokerId, usize>,
    /// `RecordAccumulator.NodeLatencyStats` per leader, kept with
    /// partitioner.availability.timeout.ms: the last time it had batches ready, and the last
    /// time they could be sent to it.
    node_stats: VecMap<BrokerId, NodeLatency>,
    /// `BufferPool.free`: closed batches' emptied buffers, for new batches.
    free: FreeBuffers,
}

/// `RecordAccumulator.NodeLatencyStats`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct NodeLatency {
    ready_at: Millis,
    drained_at: Millis,
}

/// Why [`Producer::drain_batches_for_one_node`] stops.
enum Stop {
    /// The next batch does not fit in max.request.size: it goes in the next request.
    RequestFull,
    /// The partition's batch must wait (`shouldStopDrainBatchesForPartition`).
    Partition,
}

impl Producer {
    pub fn new(name: String, idx: u32, config: Props, bootstrap: Vec<BrokerId>) -> SimResult<Self> {
        let settings = ProducerSettings::from_props(&config)?;
        let txn = settings
            .transactional_id
            .clone()
            .map(crate::transaction_manager::TransactionManager::new);
        Ok(Producer {
            name,
            idx,
            config,
            settings,
            alive: true,
            metadata: ClientMetadata::new(bootstrap),
            accumulator: VecMap::new(),
            waiting: VecDeque::new(),
            blocked: VecDeque::new(),
            buffer_bound: 0,
            sticky: VecMap::new(),
            batched: VecMap::new(),
            round_robin: VecMap::new(),
            in_flight: InFlightRequests::default(),
            producer_id: NO_PRODUCER_ID,
            producer_epoch: -1,
            init_pid_in_flight: None,
            next_sequence: VecMap::new(),
            inflight_sequences: VecMap::new(),
            sequence_epochs: VecMap::new(),
            last_acked_sequence: VecMap::new(),
            unresolved: VecSet::new(),
            stats: ProducerStats::default(),
            last_error: None,
            next_corr: 0,
            waker: Waker::default(),
            txn,
            drain_index: VecMap::new(),
            node_stats: VecMap::new(),
            free: FreeBuffers::default(),
        })
    }

    fn corr(&mut self) -> u64 {
        self.next_corr += 1;
        self.next_corr
    }

    /// Records accepted by `send()` and not yet acknowledged or failed.
    pub fn pending_records(&self) -> usize {
        self.waiting.len()
            + self.blocked.len()
            + self
                .accumulator
                .values()
                .flat_map(|d| d.iter())
                .map(|b| b.records.record_count())
                .sum::<usize>()
            + self
                .in_flight
                .values()
                .flat_map(|f| f.batches.iter())
                .map(|b| b.records.record_count())
                .sum::<usize>()
    }

    pub fn in_flight_requests(&self) -> usize {
        self.in_flight.len()
    }

    /// Change settings at run time (the UI's acks toggle): a new producer instance in Kafka
    /// terms, so idempotence state is reset when idempotence settings change.
    pub fn reconfigure(&mut self, config: Props) -> SimResult<()> {
        let settings = ProducerSettings::from_props(&config)?;
        if settings.idempotence != self.settings.idempotence {
            self.producer_id = NO_PRODUCER_ID;
            self.producer_epoch = -1;
            self.next_sequence.clear();
            self.last_acked_sequence.clear();
            self.unresolved.clear();
            self.sequence_epochs.clear();
        }
        self.settings = settings;
        self.config = config;
        Ok(())
    }

    /// `send()`: partition the record (or wait for metadata) and append it to a batch.
    pub fn send(
        &mut self,
        ctx: &mut Ctx,
        topic: &str,
        partition: Option<i32>,
        record: RecordRef<'_>,
    ) {
        self.stats.sent += 1;
        if !self.metadata.topics().contains_key(topic) {
            self.metadata.wanted.insert(topic.to_string());
            self.metadata.request_update();
            self.waiting.push_back(PendingSend {
                topic: topic.to_string(),
                partition,
                record: record.to_owned(),
                since: ctx.now,
            });
        } else {
            self.partition_and_append(ctx, topic, partition, record);
        }
        // The sender thread wakes up after the caller's send() calls of this instant, so
        // records produced together are batched together.
        let now = ctx.now;
        self.waker.wake_at(ctx, now);
    }

    /// `send(ctx, topic, None, r)` for each record in order, with the topic looked up once
    /// for keyed records under the built-in partitioner (a workload's tick).
    pub fn send_all<'a>(
        &mut self,
        ctx: &mut Ctx,
        topic: &str,
        records: impl Iterator<Item = RecordRef<'a>>,
    ) {
        let keyed =
            !self.settings.ignore_keys && self.settings.partitioner == PartitionerKind::BuiltIn;
        let known = self
            .metadata
            .topics()
            .get(topic)
            .map(|info| (info.id, info.count()))
            .filter(|&(_, n)| keyed && n > 0);
        let Some((topic_id, n)) = known else {
            for r in records {
                self.send(ctx, topic, None, r);
            }
            return;
        };
        let mut any = false;
        for r in records {
            any = true;
            self.stats.sent += 1;
            match r.key.and_then(|k| partition_for_key(k, n)) {
                Some(p) => self.append_to_partition(ctx, topic_id, p, false, r),
                None => self.partition_and_append(ctx, topic, None, r),
            }
        }
        if any {
            let now = ctx.now;
            self.waker.wake_at(ctx, now);
        }
    }

    fn fail_record(&mut self, ctx: &mut Ctx, id: u64, error: ErrorCode, detail: String) {
        self.stats.failed += 1;
        *self
            .stats
            .errors
            .entry(error.name().to_string())
            .or_default() += 1;
        ctx.ledger.on_fail(id, error, ctx.now);
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

    fn partition_and_append(
        &mut self,
        ctx: &mut Ctx,
        topic: &str,
        partition: Option<i32>,
        record: RecordRef<'_>,
    ) {
        // Borrowed, not cloned: a topic's metadata holds every partition's replica lists.
        let Some(info) = self.metadata.topics().get(topic) else {
            return;
        };
        let n = info.count();
        let topic_id = info.id;
        let key = if self.settings.ignore_keys {
            None
        } else {
            record.key
        };
        let chosen = match partition {
            Some(p) if p >= 0 && p < n => Some(p),
            Some(p) => {
                let id = record.id;
                self.fail_record(
                    ctx,
                    id,
                    ErrorCode::UnknownTopicOrPartition,
                    format!(
                        "partition {p} of topic {topic} does not exist (it has {n} partitions)"
                    ),
                );
                return;
            }
            None => match (self.settings.partitioner, key) {
                (PartitionerKind::RoundRobin, _) => self
                    .round_robin
                    .entry(topic_id)
                    .or_default()
                    .next(&info.available(), n),
                (PartitionerKind::BuiltIn, Some(k)) => partition_for_key(k, n),
                (PartitionerKind::BuiltIn, None) => {
                    let batch_size = self.settings.batch_size;
                    let sp = self
                        .sticky
                        .entry(topic_id)
                        .or_insert_with(|| StickyPartitioner::new(batch_size));
                    // `RecordAccumulator.partitionChanged`: a switch held back while the
                    // sticky partition had an open batch is due once it has none (its last
                    // batch is full, or every batch was sent).
                    if let Some(cur) = sp.current() {
                        let open = self
                            .accumulator
                            .get(&Tp::new(topic_id, cur))
                            .and_then(|dq| dq.back())
                            .is_some_and(|b| {
                                !b.full && b.base_sequence.is_none() && b.attempts == 0
                            });
                        if !open {
                            sp.update(0, true);
                        }
                    }
                    sp.peek(&info.available(), n, ctx.rng as &mut dyn RngCore)
                }
            },
        };
        let Some(p) = chosen else {
            let id = record.id;
            self.fail_record(
                ctx,
                id,
                ErrorCode::UnknownTopicOrPartition,
                format!("topic {topic} has no partitions"),
            );
            return;
        };
        let by_sticky = partition.is_none()
            && key.is_none()
            && self.settings.partitioner == PartitionerKind::BuiltIn;
        self.append_to_partition(ctx, topic_id, p, by_sticky, record);
    }

    /// Whether `record` fits in its partition's open batch, or buffer.memory has room for a
    /// new one (`BufferPool.allocate` of `max(batch.size, the record's size)`), which is then
    /// taken. While the running bound has room, every record is counted as if it opened a
    /// batch, without looking its batch up (an upper bound either way); the batches are
    /// looked at only once the bound is used up.
    #[inline(always)]
    fn reserve_batch_memory(&mut self, tp: Tp, size: usize) -> bool {
        let batch_size = self.settings.batch_size.max(1);
        let need = batch_size.max(crate::record::BATCH_OVERHEAD + size);
        if self.buffer_bound + need <= self.settings.buffer_memory {
            self.buffer_bound += need;
            return true;
        }
        self.reserve_batch_memory_counted(tp, size, need)
    }

    /// [`Producer::reserve_batch_memory`] once the running bound is used up: the open batch,
    /// then the memory counted exactly.
    #[inline(never)]
    fn reserve_batch_memory_counted(&mut self, tp: Tp, size: usize, need: usize) -> bool {
        let batch_size = self.settings.batch_size.max(1);
        let limit = self.settings.buffer_memory;
        let fits_open_batch = self
            .accumulator
            .get(&tp)
            .and_then(|dq| dq.back())
            .is_some_and(|b| b.has_room_for(size, batch_size));
        if fits_open_batch {
            return true;
        }
        self.buffer_bound = self.buffer_in_use();
        if self.buffer_bound + need > limit {
            return false;
        }
        self.buffer_bound += need;
        true
    }

    /// The buffer.memory its batches hold: each took `max(batch.size, its size)` when it was
    /// created, and gives it back when it completes (`RecordAccumulator.deallocate`). The
    /// parts of a split batch were allocated outside it.
    pub fn buffer_in_use(&self) -> usize {
        let batch_size = self.settings.batch_size.max(1);
        self.accumulator
            .values()
            .flat_map(|d| d.iter())
            .chain(self.in_flight.values().flat_map(|f| f.batches.iter()))
            .filter(|b| !b.split)
            .map(|b| batch_size.max(b.size_bytes))
            .sum()
    }

    /// Sends blocked waiting for buffer.memory.
    pub fn blocked_sends(&self) -> usize {
        self.blocked.len()
    }

    /// The blocked sends, oldest first: each goes on once its batch has room, or fails with
    /// BufferExhaustedException once it has waited max.block.ms; the next one's wait starts
    /// when the one before it returns (the application calls send() again).
    fn unblock(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let max_block = self.settings.max_block_ms;
        while let Some((tp, since, size)) = self.blocked.front().map(|f| {
            (
                Tp::new(f.topic_id, f.partition),
                f.since,
                f.record.size_in_bytes(),
            )
        }) {
            if self.too_large(size) {
                if let Some(b) = self.blocked.pop_front() {
                    self.refuse_too_large(ctx, tp, b.record.id, size);
                }
            } else if self.reserve_batch_memory(tp, size) {
                if let Some(b) = self.blocked.pop_front() {
                    self.append_reserved(ctx, tp, b.by_sticky, b.record.as_ref(), size);
                }
                self.waker.wake_at(ctx, now);
            } else if now >= since + max_block {
                let Some(b) = self.blocked.pop_front() else {
                    return;
                };
                let detail = format!(
                    "Failed to allocate {} bytes within the configured max blocking time {max_block} ms. Total memory: {} bytes. Available memory: {} bytes. Poolable size: {} bytes",
                    self.settings
                        .batch_size
                        .max(crate::record::BATCH_OVERHEAD + size),
                    self.settings.buffer_memory,
                    self.settings
                        .buffer_memory
                        .saturating_sub(self.buffer_bound),
                    self.settings.batch_size,
                );
                self.send_threw(ctx, tp, b.record.id, ErrorCode::BufferExhausted, detail);
            } else {
                self.waker.wake_at(ctx, since + max_block);
                return;
            }
            if let Some(next) = self.blocked.front_mut() {
                next.since = now;
            }
        }
    }

    /// Whether a record of `size` bytes is too large for send(): `KafkaProducer`'s
    /// `ensureValidRecordSize` checks it (with a batch's overhead) against max.request.size
    /// and buffer.memory.
    fn too_large(&self, size: usize) -> bool {
        crate::record::BATCH_OVERHEAD + size
            > self
                .settings
                .max_request_size
                .min(self.settings.buffer_memory)
    }

    /// send() threw `error` for record `id` (an `ApiException`): the ledger counts what
    /// producers were told, and the transaction becomes abortable (`KafkaProducer.doSend`'s
    /// `maybeTransitionToErrorState`).
    fn send_threw(&mut self, ctx: &mut Ctx, tp: Tp, id: u64, error: ErrorCode, detail: String) {
        ctx.ledger
            .on_create(id, self.idx, tp, self.settings.acks, ctx.now);
        self.send_failed(ctx, id, error, detail);
    }

    /// send() threw `error` for record `id`: the record fails and a transaction becomes
    /// abortable. [`Producer::send_threw`] adds the ledger entry first; a record that never
    /// had a partition (metadata did not come within max.block.ms) has none, as the ledger
    /// follows records by partition.
    fn send_failed(&mut self, ctx: &mut Ctx, id: u64, error: ErrorCode, detail: String) {
        self.fail_record(ctx, id, error, detail);
        if let Some(t) = self.txn_mut() {
            if matches!(t.phase, TxnPhase::InTransaction | TxnPhase::Committing) {
                t.phase = TxnPhase::Abortable(error);
            }
        }
    }

    /// `ensureValidRecordSize` failed: send() returns the RecordTooLargeException (it is an
    /// `ApiException`, so the callback gets it and a transaction becomes abortable).
    #[inline(never)]
    fn refuse_too_large(&mut self, ctx: &mut Ctx, tp: Tp, id: u64, size: usize) {
        let bytes = crate::record::BATCH_OVERHEAD + size;
        let detail = if bytes > self.settings.max_request_size {
            format!(
                "The message is {bytes} bytes when serialized which is larger than {}, which is the value of the max.request.size configuration.",
                self.settings.max_request_size
            )
        } else {
            format!(
                "The message is {bytes} bytes when serialized which is larger than the total memory buffer you have configured with the buffer.memory configuration."
            )
        };
        self.send_threw(ctx, tp, id, ErrorCode::MessageTooLarge, detail);
    }

    /// The accumulator's append once the record's partition `p` is chosen. `by_sticky`: the
    /// built-in partitioner chose it (no partition asked for, and no key, or keys ignored),
    /// so the record's bytes count toward switching the sticky partition, as in Kafka's
    /// `RecordAccumulator.append`; a keyed record's do not.
    /// With buffer.memory used up (or sends already blocked), the send blocks instead.
    fn append_to_partition(
        &mut self,
        ctx: &mut Ctx,
        topic_id: TopicId,
        p: i32,
        by_sticky: bool,
        record: RecordRef<'_>,
    ) {
        let tp = Tp::new(topic_id, p);
        let size = record.size_in_bytes();
        // (Behind a blocked send, the application has not called this send() yet.)
        if self.blocked.is_empty() && self.too_large(size) {
            self.refuse_too_large(ctx, tp, record.id, size);
            return;
        }
        if !self.blocked.is_empty() || !self.reserve_batch_memory(tp, size) {
            if self.blocked.is_empty() {
                let at = ctx.now + self.settings.max_block_ms;
                self.waker.wake_at(ctx, at);
            }
            self.blocked.push_back(BlockedSend {
                topic_id,
                partition: p,
                by_sticky,
                record: record.to_owned(),
                since: ctx.now,
            });
            return;
        }
        self.append_reserved(ctx, tp, by_sticky, record, size);
    }

    /// Append `record` (of wire size `size`) to its partition's batches, buffer.memory for a
    /// new batch being reserved ([`Producer::reserve_batch_memory`]). (Inlined: it is every
    /// record's path.)
    #[inline(always)]
    fn append_reserved(
        &mut self,
        ctx: &mut Ctx,
        tp: Tp,
        by_sticky: bool,
        record: RecordRef<'_>,
        size: usize,
    ) {
        let (topic_id, p) = (tp.topic, tp.partition);
        ctx.ledger
            .on_create(record.id, self.idx, tp, self.settings.acks, ctx.now);
        self.txn_note_partition(ctx, tp, record.id);
        let batch_size = self.settings.batch_size.max(1);
        let now = ctx.now;
        // A producer of one topic holds its partitions' queues at their partition numbers.
        let hint = usize::try_from(p).unwrap_or(0);
        let dq = self.accumulator.entry_near(tp, hint).or_default();
        // Two calls into the deque per record (the page's build does not inline them).
        let mut fits = false;
        if let Some(b) = dq.back_mut() {
            if b.has_room_for(size, batch_size) {
                fits = true;
            } else {
                b.full = true;
            }
        }
        if !fits {
            self.batched.entry(topic_id).or_default().insert(p);
            dq.push_back(Batch {
                tp,
                // Room for a batch.size of records like this one (Kafka allocates the whole
                // batch.size buffer from its BufferPool).
                records: {
                    let n = (batch_size / size.max(1)).clamp(1, 1024);
                    self.free.records(n, n * size)
                },
                size_bytes: crate::record::BATCH_OVERHEAD,
                full: false,
                created_at: now,
                attempts: 0,
                next_attempt_at: now,
                base_sequence: None,
                producer_id: NO_PRODUCER_ID,
                producer_epoch: -1,
                split: false,
            });
        }
        let all_full = match dq.back_mut() {
            Some(b) => {
                b.records.push_record(record);
                b.size_bytes += size;
                if b.size_bytes >= batch_size {
                    b.full = true;
                }
                b.full
            }
            None => true,
        };
        if by_sticky {
            if let Some(sp) = self.sticky.get_mut(&topic_id) {
                if sp.current() == Some(p) {
                    sp.update(size, all_full);
                }
            }
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
            Timer::MetadataBackoff => self.run(ctx),
            Timer::RequestTimeout(corr) => {
                if self.txn_request_failed(ctx, corr) {
                    self.run(ctx);
                    return;
                }
                if self.metadata.failed(corr) || self.init_pid_in_flight == Some(corr) {
                    if self.init_pid_in_flight == Some(corr) {
                        self.init_pid_in_flight = None;
                    }
                    self.run(ctx);
                    return;
                }
                if let Some(f) = self.in_flight.remove(&corr) {
                    let broker = f.broker;
                    self.metadata.request_update();
                    self.fail_batches(
                        ctx,
                        f.batches,
                        ErrorCode::RequestTimedOut,
                        "no response within request.timeout.ms".into(),
                    );
                    self.close_timed_out_connection(ctx, broker);
                    self.run(ctx);
                }
            }
            _ => {}
        }
    }

    /// `NetworkClient.handleTimedOutRequests`: a request that timed out closes its
    /// connection, and every other request in flight on it is answered as timed out too,
    /// oldest first (`cancelInFlightRequests`); the node is then in reconnect backoff.
    fn close_timed_out_connection(&mut self, ctx: &mut Ctx, broker: BrokerId) {
        let until = ctx.now + self.settings.retry_backoff_ms.max(100);
        self.metadata.connection_closed(ctx, broker, until);
        let same_connection: Vec<u64> = self
            .in_flight
            .by_corr
            .iter()
            .filter(|(_, f)| f.broker == broker)
            .map(|(c, _)| *c)
            .collect();
        for c in same_connection {
            if let Some(f) = self.in_flight.remove(&c) {
                ctx.cancel_timer(Timer::RequestTimeout(c));
                self.fail_batches(
                    ctx,
                    f.batches,
                    ErrorCode::RequestTimedOut,
                    format!("disconnected from broker-{broker} due to another request's timeout"),
                );
            }
        }
    }

    pub fn handle(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        if !self.alive {
            return;
        }
        let msg = if self.txn.is_some() {
            match self.on_txn_message(ctx, msg) {
                Some(m) => m,
                None => {
                    self.run(ctx);
                    return;
                }
            }
        } else {
            msg
        };
        match msg {
            Message::MetadataResponse {
                corr,
                brokers,
                topics,
            } => {
                if self.metadata.in_flight.map(|(c, _)| c) != Some(corr) {
                    return;
                }
                self.metadata.update(ctx.now, brokers, topics);
                self.drain_waiting(ctx);
            }
            Message::InitProducerIdResponse {
                corr,
                error,
                producer_id,
                producer_epoch,
            } => {
                if self.init_pid_in_flight != Some(corr) {
                    return;
                }
                self.init_pid_in_flight = None;
                if error.is_none() {
                    self.producer_id = producer_id;
                    self.producer_epoch = producer_epoch;
                    self.next_sequence.clear();
                    self.last_acked_sequence.clear();
                    self.unresolved.clear();
                    self.sequence_epochs.clear();
                    ctx.emit(TraceKind::Note {
                        text: format!(
                            "{} got producer id {producer_id}, epoch {producer_epoch}",
                            self.name
                        ),
                    });
                }
            }
            Message::ProduceResponse { corr, partitions } => {
                if let Some(f) = self.in_flight.remove(&corr) {
                    self.complete(ctx, f, partitions);
                }
            }
            Message::Disconnected { corr } => {
                if let NodeId::Broker(b) = from {
                    self.metadata
                        .avoid(b, ctx.now + self.settings.retry_backoff_ms.max(100));
                }
                match corr {
                    Some(c) if self.metadata.failed(c) => {}
                    Some(c) if self.init_pid_in_flight == Some(c) => self.init_pid_in_flight = None,
                    Some(c) if self.txn_request_failed(ctx, c) => {}
                    Some(c) => {
                        if let Some(f) = self.in_flight.remove(&c) {
                            self.metadata.request_update();
                            self.fail_batches(
                                ctx,
                                f.batches,
                                ErrorCode::NetworkException,
                                format!("connection to {from} was closed"),
                            );
                        }
                    }
                    None => {}
                }
            }
            _ => {}
        }
        self.run(ctx);
    }

    fn drain_waiting(&mut self, ctx: &mut Ctx) {
        let waiting = std::mem::take(&mut self.waiting);
        for w in waiting {
            if self.metadata.topics().contains_key(&w.topic) {
                self.partition_and_append(ctx, &w.topic, w.partition, w.record.as_ref());
            } else {
                self.waiting.push_back(w);
            }
        }
    }

    fn backoff(&self, attempts: u32, rng: &mut dyn RngCore) -> Millis {
        // Exponential backoff with 20% jitter (KIP-580).
        let base = self.settings.retry_backoff_ms.max(1) as f64;
        let max = self
            .settings
            .retry_backoff_max_ms
            .max(self.settings.retry_backoff_ms) as f64;
        let exp = (base * 2f64.powi(attempts.saturating_sub(1).min(30) as i32)).min(max);
        let jitter = (rng.next_u32() as f64 / u32::MAX as f64) * 0.4 + 0.8;
        (exp * jitter).round().max(1.0) as Millis
    }

    /// Handle a batch whose request failed with `error`: retry or fail it.
    fn fail_batches(
        &mut self,
        ctx: &mut Ctx,
        batches: Vec<Batch>,
        error: ErrorCode,
        detail: String,
    ) {
        self.retry_or_fail(ctx, batches, error, detail, error.retriable());
    }

    /// Retry `batches` (within `retries` and `delivery.timeout.ms`) when `retriable`, else
    /// fail them.
    fn retry_or_fail(
        &mut self,
        ctx: &mut Ctx,
        batches: Vec<Batch>,
        error: ErrorCode,
        detail: String,
        retriable: bool,
    ) {
        let mut requeue: Vec<Batch> = Vec::new();
        let mut bump_tps: VecSet<Tp> = VecSet::new();
        for mut b in batches {
            let expired = ctx.now >= b.created_at + self.settings.delivery_timeout_ms;
            if retriable && b.attempts < self.settings.retries && !expired {
                b.attempts += 1;
                let delay = self.backoff(b.attempts, ctx.rng);
                b.next_attempt_at = ctx.now + delay;
                self.stats.retries += 1;
                *self
                    .stats
                    .errors
                    .entry(error.name().to_string())
                    .or_default() += 1;
                self.last_error = Some(ClientError {
                    error,
                    detail: format!("{detail}; retrying"),
                    at: ctx.now,
                });
                ctx.emit(TraceKind::ClientError {
                    client: self.name.as_str().into(),
                    error: error.name().into(),
                    detail: format!(
                        "{detail}; retry {} of {}-{} in {delay} ms",
                        b.attempts,
                        ctx.topic_name(b.tp),
                        b.tp.partition
                    ),
                });
                requeue.push(b);
            } else {
                let err = if expired {
                    ErrorCode::TimeoutException
                } else {
                    error
                };
                let why = if expired {
                    format!(
                        "delivery.timeout.ms={} expired (last error: {error})",
                        self.settings.delivery_timeout_ms
                    )
                } else {
                    detail.clone()
                };
                if self.sequence_gap_needs_bump(&b, error) {
                    bump_tps.insert(b.tp);
                }
                self.finish_failed(ctx, b, err, why);
            }
        }
        self.reenqueue(requeue);
        self.bump_for_gaps(
            ctx,
            &bump_tps,
            "failed, leaving a gap in its sequence numbers",
        );
    }

    /// Bump the epoch for the sequence gaps of `tps` (if any), saying why in the trace: a
    /// batch to them `why`.
    fn bump_for_gaps(&mut self, ctx: &mut Ctx, tps: &VecSet<Tp>, why: &str) {
        if tps.is_empty() {
            return;
        }
        let names: Vec<String> = tps
            .iter()
            .map(|tp| format!("{}-{}", ctx.topic_name(*tp), tp.partition))
            .collect();
        ctx.emit(TraceKind::Note {
            text: format!(
                "{}: a batch to {} {why}: bumps its epoch and starts their sequences from 0",
                self.name,
                names.join(", ")
            ),
        });
        self.bump_idempotent_epoch(ctx, tps);
    }

    /// `TransactionManager.handleFailedBatch` for an idempotent producer without a
    /// transaction: a batch that failed on a response leaves a gap in its partition's
    /// sequence numbers, and the broker would refuse every later batch with
    /// OUT_OF_ORDER_SEQUENCE_NUMBER. So the producer requests an epoch bump for the partition
    /// (`requestEpochBumpForPartition`), which starts its sequences from 0. It does not when
    /// the batch used up its retries (`Sender.completeBatch` passes `adjustSequenceNumbers =
    /// attempts < retries`: the broker may have written an earlier attempt), unless the error
    /// was OUT_OF_ORDER_SEQUENCE_NUMBER itself. A batch of an earlier epoch leaves no gap in
    /// the current one. A transactional producer instead aborts the transaction and bumps
    /// its epoch then (`txn_sequenced_batch_failed`).
    fn sequence_gap_needs_bump(&self, b: &Batch, error: ErrorCode) -> bool {
        self.settings.transactional_id.is_none()
            && b.base_sequence.is_some()
            && b.producer_epoch == self.producer_epoch
            && (b.attempts < self.settings.retries || error == ErrorCode::OutOfOrderSequenceNumber)
    }

    /// Put `requeue` back at the front of their partitions' queues; with sequence numbers,
    /// in sequence order.
    fn reenqueue(&mut self, mut requeue: Vec<Batch>) {
        requeue.sort_by_key_shared(|b| std::cmp::Reverse(b.base_sequence));
        for b in requeue {
            let dq = self.accumulator.entry(b.tp).or_default();
            if b.base_sequence.is_some() {
                let pos = dq
                    .iter()
                    .position(|x| x.base_sequence.is_none_or(|s| Some(s) > b.base_sequence))
                    .unwrap_or(dq.len());
                dq.insert(pos, b);
            } else {
                dq.push_front(b);
            }
        }
    }

    /// `Sender.completeBatch` on MESSAGE_TOO_LARGE for a batch of several records: the batch
    /// is split into batches of up to batch.size (`ProducerBatch.split`: each takes records
    /// while they fit, the first always), which keep its creation time, start with no
    /// attempts, and take consecutive sequence numbers from its base sequence; they go back
    /// at the front of the partition's queue (`RecordAccumulator.splitAndReenqueue`). The
    /// records are not failed and the retries not counted. A part still too large is split
    /// again; a single record too large fails.
    #[inline(never)]
    fn split_and_reenqueue(&mut self, ctx: &mut Ctx, big: Batch, broker: BrokerId) {
        let batch_size = self.settings.batch_size;
        let now = ctx.now;
        let mut parts: Vec<(Batch, usize)> = Vec::new();
        for (_, e) in big.records.iter() {
            let rec = big.records.record(e);
            let r = RecordRef {
                id: rec.id,
                timestamp: rec.timestamp,
                key: rec.key.as_deref(),
                value: rec.value.as_deref(),
                headers: &rec.headers,
                key_value: None,
            };
            let size = r.size_in_bytes();
            let room = parts
                .last()
                .is_some_and(|(b, limit)| b.size_bytes + size <= *limit);
            if !room {
                parts.push((
                    Batch {
                        tp: big.tp,
                        records: Records::new(),
                        size_bytes: crate::record::BATCH_OVERHEAD,
                        full: true,
                        created_at: big.created_at,
                        attempts: 0,
                        next_attempt_at: now,
                        base_sequence: None,
                        producer_id: big.producer_id,
                        producer_epoch: big.producer_epoch,
                        split: true,
                    },
                    batch_size.max(crate::record::BATCH_OVERHEAD + size),
                ));
            }
            if let Some((b, _)) = parts.last_mut() {
                b.records.push_record(r);
                b.size_bytes += size;
            }
        }
        let mut parts: Vec<Batch> = parts.into_iter().map(|(b, _)| b).collect();
        if let Some(mut seq) = big.base_sequence {
            let set = self.inflight_sequences.entry(big.tp).or_default();
            set.remove(&seq);
            for b in &mut parts {
                b.base_sequence = Some(seq);
                set.insert(seq);
                seq = seq.wrapping_add(b.records.record_count() as i32);
                if seq < 0 {
                    seq -= i32::MIN;
                }
            }
        }
        let error = ErrorCode::MessageTooLarge;
        *self
            .stats
            .errors
            .entry(error.name().to_string())
            .or_default() += 1;
        let outcome = if parts.len() > 1 {
            format!("split into {} batches and sent again", parts.len())
        } else {
            // Without compression a batch is never larger than batch.size (but for one big
            // record), so the split gives the same batch back.
            format!(
                "split by batch.size ({batch_size} bytes) it stays whole, and is sent again until delivery.timeout.ms: batch.size must not exceed max.message.bytes"
            )
        };
        let detail = format!(
            "{}-{}: a batch of {} records ({} bytes) is larger than the topic's max.message.bytes at {}: {outcome}",
            ctx.topic_name(big.tp),
            big.tp.partition,
            big.records.record_count(),
            big.size_bytes,
            NodeId::Broker(broker),
        );
        self.last_error = Some(ClientError {
            error,
            detail: detail.clone(),
            at: now,
        });
        ctx.emit(TraceKind::ClientError {
            client: self.name.as_str().into(),
            error: error.name().into(),
            detail,
        });
        if big.base_sequence.is_none() {
            // Without sequence numbers each goes to the front: the last part first.
            parts.reverse();
        }
        self.reenqueue(parts);
        self.waker.wake_at(ctx, now);
    }

    fn finish_failed(&mut self, ctx: &mut Ctx, b: Batch, error: ErrorCode, detail: String) {
        if let Some(s) = b.base_sequence {
            if let Some(set) = self.inflight_sequences.get_mut(&b.tp) {
                set.remove(&s);
            }
            if b.producer_epoch == self.producer_epoch {
                self.txn_sequenced_batch_failed(error);
            }
        }
        let label = format!("{}-{}", ctx.topic_name(b.tp), b.tp.partition);
        for r in b.records.entries() {
            self.fail_record(ctx, r.id, error, format!("{label}: {detail}"));
        }
    }

    fn complete(&mut self, ctx: &mut Ctx, f: InFlight, results: Vec<ProducePartitionResult>) {
        let mut retry = Vec::new();
        let mut retry_as_is = Vec::new();
        let mut bump_epoch = false;
        let mut bump_tps: VecSet<Tp> = VecSet::new();
        let mut renumber = Vec::new();
        let mut split = Vec::new();
        for b in f.batches {
            let res = results.iter().find(|r| r.tp == b.tp);
            let error = match res {
                None => Some(ErrorCode::UnknownServerError),
                Some(r) => r.error,
            };
            match error {
                None | Some(ErrorCode::DuplicateSequenceNumber) => {
                    let base = res.map_or(-1, |r| r.base_offset);
                    self.finish_acked(ctx, b, base);
                }
                Some(ErrorCode::MessageTooLarge) if b.records.record_count() > 1 => {
                    split.push(b);
                }
                Some(e) => {
                    self.txn_produce_error(ctx, e);
                    if matches!(
                        e,
                        ErrorCode::NotLeaderOrFollower
                            | ErrorCode::UnknownTopicOrPartition
                            | ErrorCode::LeaderNotAvailable
                            | ErrorCode::FencedLeaderEpoch
                    ) {
                        self.metadata.request_update();
                    }
                    // TransactionManager.canRetry: only a batch that is the next sequence
                    // after the last acknowledged one reveals a real gap. An older batch
                    // (its response was lost while later ones were acknowledged) is not
                    // re-sequenced under a new epoch, which would write it twice (simulation
                    // harness finding, issue 8): it is retried as it is, until the broker
                    // recognises it (DUPLICATE_SEQUENCE_NUMBER) or delivery.timeout.ms
                    // expires.
                    let next = b.base_sequence.is_some_and(|s| {
                        s.wrapping_sub(self.last_acked_sequence.get(&b.tp).copied().unwrap_or(-1))
                            == 1
                    });
                    if e == ErrorCode::OutOfOrderSequenceNumber
                        && !next
                        && !self.unresolved.contains(&b.tp)
                    {
                        let detail = format!(
                            "{} from {}; not the next sequence after the last acknowledged one, so no gap yet",
                            e.explain(),
                            NodeId::Broker(f.broker)
                        );
                        retry_as_is.push((b, e, detail));
                        continue;
                    }
                    if e == ErrorCode::OutOfOrderSequenceNumber
                        && self.settings.transactional_id.is_none()
                        && next
                    {
                        // KIP-360 (`TransactionManager.canRetry` requests an epoch bump for
                        // the partition and returns true): bump the epoch, renumber this
                        // partition's batches from 0, and retry this one under the new epoch.
                        bump_epoch = true;
                        bump_tps.insert(b.tp);
                        if let Some(s) = b.base_sequence {
                            if let Some(set) = self.inflight_sequences.get_mut(&b.tp) {
                                set.remove(&s);
                            }
                        }
                        let detail = format!(
                            "the broker expected a different sequence number for {}-{}: new epoch, sequences from 0",
                            ctx.topic_name(b.tp),
                            b.tp.partition
                        );
                        renumber.push((b, e, detail));
                        continue;
                    }
                    let detail = format!("{} from {}", e.explain(), NodeId::Broker(f.broker));
                    retry.push((b, e, detail));
                }
            }
        }
        for b in split {
            self.split_and_reenqueue(ctx, b, f.broker);
        }
        for (b, e, detail) in retry {
            self.fail_batches(ctx, vec![b], e, detail);
        }
        for (b, e, detail) in retry_as_is {
            self.retry_or_fail(ctx, vec![b], e, detail, true);
        }
        if bump_epoch {
            self.bump_idempotent_epoch(ctx, &bump_tps);
        }
        // The batches that revealed the gap go back first in their partition's queue (they
        // are its oldest), to be sent with the new epoch; retries and delivery.timeout.ms
        // still bound them.
        for (mut b, e, detail) in renumber.into_iter().rev() {
            if b.base_sequence.take().is_some() {
                for r in b.records.entries() {
                    ctx.ledger.mark_renumbered(r.id);
                }
            }
            self.retry_or_fail(ctx, vec![b], e, detail, true);
        }
    }

    /// KIP-360's local epoch bump of an idempotent producer (`bumpIdempotentProducerEpoch`):
    /// a new epoch; `bump_tps` start their sequences from 0 under it, and their queued
    /// batches lose their sequence numbers (renumbered when sent). Every other partition
    /// keeps its sequences under the old epoch while it has batches in flight (no new batch
    /// goes to it meanwhile: [`Producer::drain_one`]), and starts from 0 under the new epoch
    /// with its next batch after that ([`Producer::sequence_for`]).
    fn bump_idempotent_epoch(&mut self, ctx: &mut Ctx, bump_tps: &VecSet<Tp>) {
        self.producer_epoch = self.producer_epoch.saturating_add(1);
        for tp in bump_tps.iter() {
            self.start_sequences_at_beginning(*tp);
        }
        // Only the partition that revealed the gap is renumbered under the new epoch
        // (`TransactionManager.bumpIdempotentProducerEpoch` rewrites the sequences of
        // `partitionsToRewriteSequences` only). A retrying batch of another partition keeps
        // its epoch and sequence, so the broker still recognises it if it was written
        // (DUPLICATE_SEQUENCE_NUMBER) or refuses it (INVALID_PRODUCER_EPOCH); renumbering
        // it would append it a second time (simulation harness finding, issue 8).
        for (tp, dq) in self.accumulator.iter_mut() {
            if bump_tps.contains(tp) {
                for b in dq.iter_mut() {
                    // A batch that was sent with a sequence may already be in the log
                    // under the old epoch; the ledger notes that it gets a new identity.
                    if b.base_sequence.take().is_some() {
                        for r in b.records.entries() {
                            ctx.ledger.mark_renumbered(r.id);
                        }
                    }
                }
            }
        }
    }

    /// `TxnPartitionMap.startSequencesAtBeginning`: partition `tp`'s sequences start from 0
    /// under the producer's current epoch.
    fn start_sequences_at_beginning(&mut self, tp: Tp) {
        self.next_sequence.remove(&tp);
        self.inflight_sequences.remove(&tp);
        self.last_acked_sequence.remove(&tp);
        self.unresolved.remove(&tp);
        self.sequence_epochs.insert(tp, self.producer_epoch);
    }

    /// `hasStaleProducerIdAndEpoch`: `tp`'s sequences count under an earlier epoch.
    fn stale_sequences(&self, tp: Tp) -> bool {
        self.sequence_epochs
            .get(&tp)
            .is_some_and(|e| *e != self.producer_epoch)
    }

    /// The base sequence of `tp`'s next new batch of `records` records. A partition whose
    /// sequences count under an earlier epoch (and has nothing in flight: see
    /// [`Producer::drain_one`]) starts from 0 under the current one
    /// (`maybeUpdateProducerIdAndEpoch`).
    fn sequence_for(&mut self, tp: Tp, records: usize) -> i32 {
        if self.stale_sequences(tp) {
            self.start_sequences_at_beginning(tp);
        } else {
            self.sequence_epochs.insert(tp, self.producer_epoch);
        }
        let next = self.next_sequence.entry(tp).or_insert(0);
        let base = *next;
        *next = next.wrapping_add(records as i32);
        if *next < 0 {
            *next -= i32::MIN;
        }
        self.inflight_sequences.entry(tp).or_default().insert(base);
        base
    }

    fn finish_acked(&mut self, ctx: &mut Ctx, b: Batch, base_offset: i64) {
        if let Some(s) = b.base_sequence {
            if let Some(set) = self.inflight_sequences.get_mut(&b.tp) {
                set.remove(&s);
            }
            // Under the epoch the partition's sequences count in (a batch of an earlier one
            // tells nothing about them).
            let epoch = self.sequence_epochs.get(&b.tp).copied();
            if b.producer_epoch == epoch.unwrap_or(self.producer_epoch) {
                let last = s.wrapping_add(b.records.record_count().max(1) as i32 - 1);
                let e = self.last_acked_sequence.entry(b.tp).or_insert(last);
                *e = (*e).max(last);
            }
        }
        ctx.ledger
            .on_ack_batch(b.records.entries().map(|r| r.id), base_offset, ctx.now);
        self.stats.acked += b.records.record_count() as u64;
        ctx.emit(TraceKind::Acked {
            client: self.name.as_str().into(),
            topic: ctx.topic_str(b.tp),
            partition: b.tp.partition,
            offset: base_offset,
            records: b.records.record_count(),
        });
        self.free.keep_blocks(b.records);
    }

    /// The sender loop: metadata, producer id, expiry, then drain ready batches to leaders.
    pub fn run(&mut self, ctx: &mut Ctx) {
        if !self.alive {
            return;
        }
        let now = ctx.now;
        // Records waiting for metadata longer than max.block.ms fail.
        let max_block = self.settings.max_block_ms;
        let mut still = VecDeque::new();
        for w in std::mem::take(&mut self.waiting) {
            if now >= w.since + max_block {
                // `KafkaProducer.waitOnMetadata` throws TimeoutException from send(); it is
                // an `ApiException`, so a transaction becomes abortable.
                let detail = format!(
                    "topic {} not present in metadata after {max_block} ms",
                    w.topic
                );
                self.send_failed(ctx, w.record.id, ErrorCode::TimeoutException, detail);
            } else {
                still.push_back(w);
            }
        }
        self.waiting = still;
        if let Some(w) = self.waiting.front() {
            let at = w.since + max_block;
            self.waker.wake_at(ctx, at);
        }
        // Sends waiting for buffer.memory that completed batches gave back.
        if !self.blocked.is_empty() {
            self.unblock(ctx);
        }
        // Metadata.
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
        // Transactions: coordinator, initTransactions, partitions, offsets, EndTxn.
        if self.txn.is_some() {
            self.txn_step(ctx);
            if self.producer_id == NO_PRODUCER_ID {
                return;
            }
        }
        // Producer id for idempotence.
        if self.settings.idempotence && self.producer_id == NO_PRODUCER_ID && self.txn.is_none() {
            if self.init_pid_in_flight.is_none() {
                if let Some(node) = self.metadata.pick_node(now) {
                    let c = self.corr();
                    self.init_pid_in_flight = Some(c);
                    ctx.send(
                        NodeId::Broker(node),
                        Message::InitProducerId {
                            corr: c,
                            transactional_id: None,
                            transaction_timeout_ms: self.settings.transaction_timeout_ms,
                            producer_id: -1,
                            producer_epoch: -1,
                        },
                    );
                    ctx.set_timer(self.settings.request_timeout_ms, Timer::RequestTimeout(c));
                }
            }
            return;
        }
        self.expire_batches(ctx);
        if !self.blocked.is_empty() {
            self.unblock(ctx);
        }
        self.drain(ctx);
    }

    fn expire_batches(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        let timeout = self.settings.delivery_timeout_ms;
        let mut expired = Vec::new();
        for dq in self.accumulator.values_mut() {
            while let Some(b) = dq.front() {
                if now >= b.created_at + timeout {
                    if let Some(b) = dq.pop_front() {
                        expired.push(b);
                    }
                } else {
                    break;
                }
            }
        }
        for b in expired {
            let detail = format!("delivery.timeout.ms={timeout} expired before the batch was sent");
            self.finish_failed(ctx, b, ErrorCode::TimeoutException, detail);
        }
        // Batches in flight expire too: delivery.timeout.ms bounds the time to report success
        // or failure after send(), whatever the request is waiting for.
        for b in self.in_flight.take_expired(now, timeout) {
            // A retried batch's fate is unknown: it may have been written while a response
            // was lost (`Sender.sendProducerData` marks its sequence unresolved).
            if b.attempts > 0
                && b.base_sequence.is_some()
                && b.producer_epoch == self.producer_epoch
                && self.settings.transactional_id.is_none()
            {
                self.unresolved.insert(b.tp);
            }
            let detail = format!(
                "delivery.timeout.ms={timeout} expired while the batch was in flight ({} ms after it was created; the broker may still write it)",
                now.saturating_sub(b.created_at)
            );
            self.finish_failed(ctx, b, ErrorCode::TimeoutException, detail);
        }
        if let Some(t) = self.in_flight.next_expiry(timeout) {
            self.waker.wake_at(ctx, t);
        }
        self.maybe_resolve_sequences(ctx);
    }

    /// `TransactionManager.maybeResolveSequences`: once every batch sent to an unresolved
    /// partition is answered, either the broker acknowledged up to the last sequence handed
    /// out (the expired batch was written after all) or there is a gap, and an idempotent
    /// producer bumps its epoch and starts the partition's sequences from 0.
    fn maybe_resolve_sequences(&mut self, ctx: &mut Ctx) {
        if self.unresolved.is_empty() {
            return;
        }
        let mut gaps = VecSet::new();
        let tps: Vec<Tp> = self.unresolved.iter().copied().collect();
        for tp in tps {
            let sequenced_waiting = self
                .accumulator
                .get(&tp)
                .is_some_and(|dq| dq.iter().any(|b| b.base_sequence.is_some()));
            if self.in_flight.batches_for(tp) > 0 || sequenced_waiting {
                continue;
            }
            self.unresolved.remove(&tp);
            let next = self.next_sequence.get(&tp).copied().unwrap_or(0);
            let last = self.last_acked_sequence.get(&tp).copied().unwrap_or(-1);
            if next.wrapping_sub(last) != 1 {
                gaps.insert(tp);
            }
        }
        self.bump_for_gaps(
            ctx,
            &gaps,
            "expired unanswered and later sequences were not acknowledged",
        );
    }

    /// `RecordAccumulator.partitionReady`'s queue sizes, handed to each topic's built-in
    /// partitioner (`updatePartitionLoadStats`): once every partition of the topic has had a
    /// batch, the queued batches of each partition with a leader, in partition order.
    fn update_partition_load_stats(&mut self) {
        for (topic_id, sp) in self.sticky.iter_mut() {
            if !self.settings.adaptive_partitioning {
                sp.update_load_stats(None, 0);
                continue;
            }
            let count = self
                .metadata
                .topics()
                .values()
                .find(|t| t.id == *topic_id)
                .map_or(0, |t| t.count().max(0) as usize);
            let seen = self.batched.get(topic_id);
            let known = seen.map_or(0, |s| s.len());
            if known == 0 || known < count {
                sp.update_load_stats(None, known);
                continue;
            }
            let timeout = self.settings.partition_availability_timeout_ms;
            let queues: Vec<(i32, u32)> = seen
                .into_iter()
                .flat_map(|s| s.iter())
                .filter_map(|&p| {
                    let tp = Tp::new(*topic_id, p);
                    let leader = self.metadata.leader(tp)?;
                    let queued = self.accumulator.get(&tp).map_or(0, |dq| dq.len());
                    // `partitionReady`: a partition with batches whose leader has not been
                    // sendable for partitioner.availability.timeout.ms is left out.
                    let unavailable = timeout > 0
                        && queued > 0
                        && self
                            .node_stats
                            .get(&leader)
                            .is_some_and(|n| n.ready_at.saturating_sub(n.drained_at) > timeout);
                    if unavailable {
                        return None;
                    }
                    Some((p, u32::try_from(queued).unwrap_or(u32::MAX)))
                })
                .collect();
            sp.update_load_stats(Some(&queues), known);
        }
    }

    /// `RecordAccumulator.drainBatchesForOneNode`: the first batch of each of the node's
    /// partitions (every one, ready or not: the node is), from the node's drain index on so
    /// that none starves, up to max.request.size (the first one whatever its size). A
    /// partition whose batch must wait for the producer's state stops the drain there
    /// (`shouldStopDrainBatchesForPartition`).
    fn drain_batches_for_one_node(
        &mut self,
        broker: BrokerId,
        now: Millis,
        wake: &mut impl FnMut(Millis),
    ) -> Vec<Batch> {
        // `partitionsForNode`: every partition the producer knows that the node leads.
        let parts: Vec<Tp> = self
            .metadata
            .topics()
            .values()
            .flat_map(|t| {
                t.partitions
                    .iter()
                    .filter(|p| p.leader == broker)
                    .map(|p| Tp::new(t.id, p.partition))
            })
            .collect();
        let mut batches = Vec::new();
        if parts.is_empty() {
            return batches;
        }
        let mut request_bytes = 0usize;
        let start = self.drain_index.get(&broker).copied().unwrap_or(0) % parts.len();
        let mut i = start;
        while let Some(&tp) = parts.get(i) {
            self.drain_index.insert(broker, i);
            i = (i + 1) % parts.len();
            if let Some(b) = self.drain_one(tp, now, request_bytes, batches.is_empty()) {
                match b {
                    Ok(b) => {
                        request_bytes += b.size_bytes;
                        batches.push(b);
                    }
                    Err(Stop::RequestFull) => {
                        wake(now);
                        break;
                    }
                    Err(Stop::Partition) => break,
                }
            }
            if i == start {
                break;
            }
        }
        batches
    }

    /// One partition's turn in [`Producer::drain_batches_for_one_node`]: its first batch,
    /// nothing (`None`: the partition is skipped), or why the drain stops.
    fn drain_one(
        &mut self,
        tp: Tp,
        now: Millis,
        request_bytes: usize,
        first: bool,
    ) -> Option<Result<Batch, Stop>> {
        if self.muted(tp) {
            return None;
        }
        let front = self.accumulator.get(&tp)?.front()?;
        if front.attempts > 0 && front.next_attempt_at > now {
            return None;
        }
        if !first && request_bytes + front.size_bytes > self.settings.max_request_size {
            return Some(Err(Stop::RequestFull));
        }
        if self.settings.idempotence {
            // `shouldStopDrainBatchesForPartition`.
            if self.txn.as_ref().is_some_and(|t| !t.allows(tp)) {
                return Some(Err(Stop::Partition));
            }
            // No new batch while earlier sequences are unresolved.
            if front.base_sequence.is_none() && self.unresolved.contains(&tp) {
                return Some(Err(Stop::Partition));
            }
            // Nor while batches of an earlier epoch are in flight to the partition: the new
            // epoch's sequence 0 could reach the broker before they do (out of sequence).
            if front.base_sequence.is_none()
                && self.stale_sequences(tp)
                && self
                    .inflight_sequences
                    .get(&tp)
                    .is_some_and(|s| !s.is_empty())
            {
                return Some(Err(Stop::Partition));
            }
            let inflight_for_tp = self.in_flight.batches_for(tp);
            if let Some(s) = front.base_sequence {
                // A retried batch goes only as the first unresolved sequence.
                let seqs = self.inflight_sequences.get(&tp);
                if seqs
                    .and_then(|x| x.iter().next())
                    .is_some_and(|first| *first != s)
                {
                    return Some(Err(Stop::Partition));
                }
                // And (the simulator's stricter rule) once nothing else is in flight to it.
                if inflight_for_tp > 0 {
                    return None;
                }
            } else if inflight_for_tp >= self.settings.max_in_flight {
                return None;
            }
        }
        let dq = self.accumulator.get_mut(&tp)?;
        let mut b = dq.pop_front()?;
        if dq.is_empty() {
            self.accumulator.remove(&tp);
        }
        if self.settings.idempotence && b.base_sequence.is_none() {
            b.base_sequence = Some(self.sequence_for(tp, b.records.record_count()));
            b.producer_id = self.producer_id;
            b.producer_epoch = self.producer_epoch;
        }
        b.full = true;
        // The batch is closed: every log that stores it shares its arena, so give back the
        // batch.size buffer's unused room first.
        b.records
            .shrink_arenas_into(&mut self.free.arenas, FreeBuffers::KEPT);
        Some(Ok(b))
    }

    /// `RecordAccumulator.isMuted`: with max.in.flight.requests.per.connection=1
    /// (`guaranteeMessageOrder`), a partition with a batch in flight sends no other.
    fn muted(&self, tp: Tp) -> bool {
        self.settings.max_in_flight == 1 && self.in_flight.batches_for(tp) > 0
    }

    fn drain(&mut self, ctx: &mut Ctx) {
        if !self.sticky.is_empty() {
            self.update_partition_load_stats();
        }
        let now = ctx.now;
        let mut ready_nodes: VecSet<BrokerId> = VecSet::new();
        let mut next_wake: Option<Millis> = None;
        let mut wake = |t: Millis| next_wake = Some(next_wake.map_or(t, |n: Millis| n.min(t)));
        // Kafka's `TransactionManager.isCompleting`: while a commit or abort waits for the
        // batches, none lingers (`RecordAccumulator.batchReady`'s `transactionCompleting`).
        let completing = self
            .txn
            .as_ref()
            .is_some_and(|t| matches!(t.phase, TxnPhase::Committing | TxnPhase::Aborting));
        // Sends blocked on buffer.memory make every batch sendable (`ready`'s `exhausted`).
        let exhausted = !self.blocked.is_empty();
        // `RecordAccumulator.ready`: a leader is ready when one of its partitions has a
        // sendable batch (full, lingered long enough, its retry backoff over, or the buffer
        // exhausted or a transaction completing). One walk of the accumulator (looking each
        // partition up again was a tenth of the engine's time at 100 partitions).
        for (&tp, dq) in self.accumulator.iter() {
            let Some(front) = dq.front() else { continue };
            wake(front.created_at + self.settings.delivery_timeout_ms);
            let Some(leader) = self.metadata.leader(tp) else {
                self.metadata.request_update();
                continue;
            };
            if ready_nodes.contains(&leader) || self.muted(tp) {
                continue;
            }
            let ready_at = if front.attempts > 0 {
                front.next_attempt_at
            } else if front.full || dq.len() > 1 || completing || exhausted {
                now
            } else {
                front.created_at + self.settings.linger_ms
            };
            if ready_at > now {
                wake(ready_at);
                continue;
            }
            ready_nodes.insert(leader);
        }
        for broker in ready_nodes {
            let in_flight_to_broker = self
                .in_flight
                .values()
                .filter(|f| f.broker == broker)
                .count();
            let sendable = in_flight_to_broker < self.settings.max_in_flight;
            // `RecordAccumulator.updateNodeLatencyStats` (kept only with the timeout set).
            if self.settings.partition_availability_timeout_ms > 0 {
                let n = self.node_stats.entry(broker).or_insert(NodeLatency {
                    ready_at: now,
                    drained_at: now,
                });
                n.ready_at = now;
                if sendable {
                    n.drained_at = now;
                }
            }
            if !sendable {
                continue;
            }
            let batches = self.drain_batches_for_one_node(broker, now, &mut wake);
            if batches.is_empty() {
                continue;
            }
            let partitions: Vec<(Tp, Records)> = batches
                .iter()
                .map(|b| {
                    let stamp = if self.settings.idempotence {
                        ProducerStamp {
                            producer_id: b.producer_id,
                            producer_epoch: b.producer_epoch,
                            base_sequence: b.base_sequence.unwrap_or(0),
                            is_transactional: self.txn.is_some(),
                        }
                    } else {
                        ProducerStamp::NONE
                    };
                    (b.tp, b.records.stamped(stamp))
                })
                .collect();
            let corr = self.corr();
            self.stats.requests += 1;
            ctx.send(
                NodeId::Broker(broker),
                Message::Produce {
                    corr,
                    acks: self.settings.acks,
                    timeout_ms: self.settings.request_timeout_ms,
                    transactional_id: self.settings.transactional_id.clone(),
                    partitions,
                },
            );
            if self.settings.acks == Acks::None {
                // Fire and forget: done once written to the socket; offset unknown.
                for b in batches {
                    self.finish_acked(ctx, b, -1);
                }
            } else {
                self.in_flight.insert(corr, InFlight { broker, batches });
                ctx.set_timer(
                    self.settings.request_timeout_ms,
                    Timer::RequestTimeout(corr),
                );
            }
        }
        if let Some(t) = next_wake {
            self.waker.wake_at(ctx, t);
        }
    }

    /// Fail every record not yet sent (abortTransaction drops them). Returns how many.
    /// Drop the records of batches that never got a sequence number (never sent); the
    /// sequenced ones stay to be resolved (`abortUndrainedBatches`). Returns how many.
    pub(crate) fn drop_unsequenced(&mut self, ctx: &mut Ctx) -> usize {
        let mut ids = Vec::new();
        for dq in self.accumulator.values_mut() {
            dq.retain(|b| {
                if b.base_sequence.is_some() {
                    return true;
                }
                ids.extend(b.records.entries().map(|r| r.id));
                false
            });
        }
        self.accumulator.retain(|_, dq| !dq.is_empty());
        for w in &self.waiting {
            ids.push(w.record.id);
        }
        self.waiting.clear();
        ids.extend(self.blocked.drain(..).map(|b| b.record.id));
        for id in &ids {
            ctx.ledger.on_fail(*id, ErrorCode::InvalidTxnState, ctx.now);
        }
        ids.len()
    }

    /// Crash the producer: everything in memory is lost (records not yet acknowledged fail
    /// from the ledger's point of view).
    pub fn crash(&mut self, ctx: &mut Ctx) {
        self.alive = false;
        let mut ids = Vec::new();
        for dq in self.accumulator.values() {
            for b in dq {
                ids.extend(b.records.entries().map(|r| r.id));
            }
        }
        for f in self.in_flight.values() {
            for b in &f.batches {
                ids.extend(b.records.entries().map(|r| r.id));
            }
        }
        for w in &self.waiting {
            ids.push(w.record.id);
        }
        ids.extend(self.blocked.iter().map(|b| b.record.id));
        for id in ids {
            ctx.ledger.on_fail(id, ErrorCode::NetworkException, ctx.now);
        }
        self.accumulator.clear();
        self.in_flight.clear();
        self.waiting.clear();
        self.blocked.clear();
        self.buffer_bound = 0;
        self.node_stats.clear();
        self.waker.reset();
    }
}

/// Emptied batch buffers kept for new batches (Kafka's `BufferPool` keeps freed
/// `batch.size` buffers on its free list): closed batches' arenas, and acknowledged
/// batches' entry blocks. Memory only: a clone starts with none, and two producers are equal
/// whatever their free lists hold.
#[derive(Debug, Default)]
struct FreeBuffers {
    arenas: Vec<Vec<u8>>,
    blocks: Vec<Arc<Vec<Entry>>>,
}

impl FreeBuffers {
    /// How many of each are kept at most (more than a producer usually has batches open).
    const KEPT: usize = 16;

    /// An empty set of batches with room for `records` records of `bytes` bytes, in kept
    /// buffers where they are large enough.
    fn records(&mut self, records: usize, bytes: usize) -> Records {
        let arena = match self.arenas.pop() {
            Some(b) if b.capacity() >= bytes => b,
            _ => Vec::with_capacity(bytes),
        };
        let block = match self.blocks.pop() {
            Some(b) if b.capacity() >= records => b,
            _ => Arc::new(Vec::with_capacity(records)),
        };
        Records::with_buffers(block, arena)
    }

    /// Keep the entry blocks of `records` no other set shares.
    fn keep_blocks(&mut self, records: Records) {
        records.take_blocks(&mut self.blocks, Self::KEPT);
    }
}

impl Clone for FreeBuffers {
    fn clone(&self) -> Self {
        FreeBuffers::default()
    }
}

impl PartialEq for FreeBuffers {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn batch(tp: Tp) -> Batch {
        Batch {
            tp,
            records: Records::new(),
            size_bytes: 0,
            full: false,
            created_at: 0,
            attempts: 0,
            next_attempt_at: 0,
            base_sequence: None,
            producer_id: -1,
            producer_epoch: -1,
            split: false,
        }
    }

    fn recount(r: &InFlightRequests, tp: Tp) -> usize {
        r.values()
            .flat_map(|f| f.batches.iter())
            .filter(|b| b.tp == tp)
            .count()
    }

    /// A producer whose metadata has topic "t" with partitions `leaders[i]` led by the given
    /// brokers, and a batch of `size` bytes queued for each partition in `queued`.
    fn with_partitions(
        raw: &[(&str, &str)],
        leaders: &[BrokerId],
        queued: &[i32],
        size: usize,
    ) -> Producer {
        let raw = raw
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let props = Props::parse(PRODUCER_CONFIGS, &raw, "producer").unwrap();
        let mut p = Producer::new("p".into(), 0, props, vec![1]).unwrap();
        p.producer_id = 7;
        p.producer_epoch = 0;
        let partitions = leaders
            .iter()
            .enumerate()
            .map(|(i, l)| crate::message::PartitionMetadata {
                partition: i as i32,
                leader: *l,
                leader_epoch: 0,
                replicas: vec![*l],
                isr: vec![*l],
                error: None,
            })
            .collect();
        p.metadata.update(
            0,
            Vec::new(),
            vec![crate::message::TopicMetadata {
                name: "t".into(),
                id: Some(0),
                error: None,
                partitions,
            }],
        );
        for q in queued {
            queue(&mut p, *q, size);
        }
        p
    }

    #[test]
    fn a_new_batch_takes_a_kept_buffer_only_if_it_is_large_enough() {
        let mut free = FreeBuffers::default();
        let arena: Vec<u8> = Vec::with_capacity(1000);
        let block: Arc<Vec<Entry>> = Arc::new(Vec::with_capacity(10));
        let (arena_at, block_at) = (arena.as_ptr(), block.as_ptr());
        free.arenas.push(arena);
        free.blocks.push(block);
        let r = free.records(10, 1000);
        assert!(r.is_empty());
        assert!(free.arenas.is_empty() && free.blocks.is_empty());
        let (a, b) = r.buffers().unwrap();
        assert_eq!((a.as_ptr(), b.as_ptr()), (arena_at, block_at));
        // Too small for the batch: allocated anew (and the small one dropped).
        free.arenas.push(Vec::with_capacity(10));
        free.blocks.push(Arc::new(Vec::with_capacity(1)));
        let r = free.records(10, 1000);
        let (a, b) = r.buffers().unwrap();
        assert!(a.capacity() >= 1000 && b.capacity() >= 10);
        assert!(free.arenas.is_empty() && free.blocks.is_empty());
    }

    #[test]
    fn a_producers_free_buffers_are_memory_only() {
        let mut p = with_partitions(&[], &[1], &[], 0);
        p.free.arenas.push(Vec::with_capacity(100));
        let copy = p.clone();
        assert!(copy.free.arenas.is_empty());
        assert_eq!(copy, p);
        // At most KEPT blocks are kept.
        for _ in 0..FreeBuffers::KEPT + 3 {
            let mut r = Records::new();
            r.push_record(
                NewRecord {
                    id: 1,
                    timestamp: 0,
                    key: None,
                    value: Some(b"v".to_vec()),
                    headers: Vec::new(),
                }
                .as_ref(),
            );
            p.free.keep_blocks(r);
        }
        assert_eq!(p.free.blocks.len(), FreeBuffers::KEPT);
    }

    fn queue(p: &mut Producer, partition: i32, size: usize) {
        let tp = Tp::new(0, partition);
        p.accumulator.entry(tp).or_default().push_back(Batch {
            size_bytes: size,
            ..batch(tp)
        });
    }

    fn drained(p: &mut Producer, broker: BrokerId) -> Vec<i32> {
        p.drain_batches_for_one_node(broker, 0, &mut |_| {})
            .iter()
            .map(|b| b.tp.partition)
            .collect()
    }

    /// Kafka's `RecordAccumulatorTest.testDrainBatches`: node 1 leads partitions 0 and 2,
    /// node 2 leads 1 and 3, and a request holds one batch. Each node's drain starts where
    /// its last one stopped, so no partition starves.
    #[test]
    fn each_leader_drains_from_where_its_last_request_stopped() {
        let mut p = with_partitions(
            &[("max.request.size", "100")],
            &[1, 2, 1, 2],
            &[0, 1, 2, 3],
            100,
        );
        assert_eq!((drained(&mut p, 1), drained(&mut p, 2)), (vec![0], vec![1]));
        queue(&mut p, 0, 100);
        queue(&mut p, 1, 100);
        assert_eq!(
            (drained(&mut p, 1), drained(&mut p, 2)),
            (vec![2], vec![3]),
            "the drain starts at the partition that did not fit"
        );
        assert_eq!(
            (drained(&mut p, 1), drained(&mut p, 2)),
            (vec![0], vec![1]),
            "and wraps around"
        );
        // With room, one request takes the first batch of every partition the node leads.
        let mut p = with_partitions(&[], &[1, 2, 1, 2], &[0, 1, 2, 3], 100);
        assert_eq!(drained(&mut p, 1), vec![0, 2]);
    }

    /// `RecordAccumulator.ready` makes a leader ready when one of its partitions has a
    /// sendable batch; `drain` then takes the first batch of each of its partitions, lingering
    /// or not. Another leader's lingering batch stays.
    #[test]
    fn a_ready_leader_takes_its_other_partitions_batches_along() {
        let mut p = with_partitions(&[("linger.ms", "50")], &[1, 1, 2], &[1, 2], 100);
        // Partition 0's batch is full; 1 and 2 were created now and linger until 50 ms.
        p.accumulator
            .entry(Tp::new(0, 0))
            .or_default()
            .push_back(Batch {
                size_bytes: 100,
                full: true,
                ..batch(Tp::new(0, 0))
            });
        let out = in_ctx(10, |ctx| p.drain(ctx));
        let sent: Vec<(NodeId, Vec<i32>)> = out
            .iter()
            .filter_map(|(_, to, m)| match m {
                Message::Produce { partitions, .. } => {
                    Some((*to, partitions.iter().map(|(tp, _)| tp.partition).collect()))
                }
                _ => None,
            })
            .collect();
        assert_eq!(sent, vec![(NodeId::Broker(1), vec![0, 1])]);
        assert_eq!(queued_partitions(&p), vec![2], "broker 2's batch lingers");
    }

    /// `RecordAccumulator.ready`'s `exhausted`: while a send waits for buffer.memory, every
    /// batch is sendable, lingering or not (sending them frees the memory).
    #[test]
    fn a_send_blocked_on_buffer_memory_makes_lingering_batches_sendable() {
        let sent_to = |p: &mut Producer| -> Vec<NodeId> {
            in_ctx(10, |ctx| p.drain(ctx))
                .iter()
                .filter(|(_, _, m)| matches!(m, Message::Produce { .. }))
                .map(|(_, to, _)| *to)
                .collect()
        };
        let mut p = with_partitions(&[("linger.ms", "50")], &[1, 2], &[0, 1], 100);
        assert_eq!(sent_to(&mut p), vec![], "both batches linger until 50 ms");
        p.blocked.push_back(BlockedSend {
            topic_id: 0,
            partition: 0,
            by_sticky: false,
            record: NewRecord {
                id: 1,
                timestamp: 0,
                key: None,
                value: Some(b"v".to_vec()),
                headers: Vec::new(),
            },
            since: 5,
        });
        assert_eq!(sent_to(&mut p), vec![NodeId::Broker(1), NodeId::Broker(2)]);
    }

    /// `RecordAccumulator.shouldStopDrainBatchesForPartition`'s stale epoch
    /// (`hasStaleProducerIdAndEpoch`) and `TransactionManager.maybeUpdateProducerIdAndEpoch`:
    /// an OUT_OF_ORDER_SEQUENCE_NUMBER on partition 0 bumps the idempotent epoch and rewrites
    /// partition 0 only. Partition 1 still has a batch of epoch 0 in flight, so its next
    /// batch waits; once that one is answered, partition 1 starts from sequence 0 under
    /// epoch 1. (Sent at once, epoch 1's sequence 0 could reach the broker first.)
    #[test]
    fn after_an_epoch_bump_a_partition_waits_for_its_batches_of_the_old_epoch() {
        let (a, b) = (Tp::new(0, 0), Tp::new(0, 1));
        // Partition 0 led by broker 1, partition 1 by broker 2.
        let mut p = with_partitions(&[], &[1, 2], &[], 100);
        let sequenced = |tp: Tp, base: i32| Batch {
            base_sequence: Some(base),
            producer_id: 7,
            producer_epoch: 0,
            size_bytes: 100,
            ..batch(tp)
        };
        for (tp, next, last_acked) in [(a, 6, 4), (b, 3, 1)] {
            p.next_sequence.insert(tp, next);
            p.last_acked_sequence.insert(tp, last_acked);
            p.sequence_epochs.insert(tp, 0);
        }
        p.inflight_sequences.entry(a).or_default().insert(5);
        p.inflight_sequences.entry(b).or_default().insert(2);
        let old_b = InFlight {
            broker: 2,
            batches: vec![sequenced(b, 2)],
        };
        let answer = |tp: Tp, error: Option<ErrorCode>| {
            vec![ProducePartitionResult {
                tp,
                error,
                base_offset: if error.is_none() { 10 } else { -1 },
                log_append_time: None,
            }]
        };
        let gap = InFlight {
            broker: 1,
            batches: vec![sequenced(a, 5)],
        };
        in_ctx(100, |ctx| {
            p.complete(
                ctx,
                gap,
                answer(a, Some(ErrorCode::OutOfOrderSequenceNumber)),
            )
        });
        assert_eq!(p.producer_epoch, 1);
        queue(&mut p, 1, 100);
        let drain = |p: &mut Producer, broker: BrokerId| -> Vec<(i32, Option<i32>, i16)> {
            p.drain_batches_for_one_node(broker, 2_000, &mut |_| {})
                .iter()
                .map(|b| (b.tp.partition, b.base_sequence, b.producer_epoch))
                .collect()
        };
        assert_eq!(
            drain(&mut p, 1),
            vec![(0, Some(0), 1)],
            "partition 0 is rewritten: its batch goes again as sequence 0 of epoch 1"
        );
        assert_eq!(
            drain(&mut p, 2),
            vec![],
            "partition 1 waits for its batch of epoch 0"
        );
        in_ctx(300, |ctx| p.complete(ctx, old_b, answer(b, None)));
        assert_eq!(
            drain(&mut p, 2),
            vec![(1, Some(0), 1)],
            "then starts from 0 under epoch 1"
        );
    }

    /// `RecordAccumulatorTest.testAdaptiveBuiltInPartitioner`'s last part, through the
    /// sender's drain: partitions 0 and 1 are led by broker 1, partition 2 by broker 2, with
    /// 1, 7 and 2 batches queued. Broker 1 has max.in.flight.requests.per.connection requests
    /// outstanding, so from 0 to 200 ms it had batches ready and none could be sent
    /// (`updateNodeLatencyStats(.., false)`). With partitioner.availability.timeout.ms=100 the
    /// sticky partitioner then draws partition 2 only; with 0 (the default) every partition
    /// stays in the draw.
    #[test]
    fn keyless_records_avoid_a_leader_that_could_not_be_sent_to_for_the_availability_timeout() {
        use rand_chacha::rand_core::SeedableRng;
        let setup = |timeout: &str, in_flight: u64| {
            let mut p = with_partitions(
                &[("partitioner.availability.timeout.ms", timeout)],
                &[1, 1, 2],
                &[],
                100,
            );
            for (partition, n) in [(0, 1), (1, 7), (2, 2)] {
                for _ in 0..n {
                    queue(&mut p, partition, 100);
                }
                p.batched.entry(0).or_default().insert(partition);
            }
            p.sticky.insert(0, StickyPartitioner::new(16_384));
            // (Correlation ids the drain's own requests do not take.)
            for corr in 1..=in_flight {
                p.in_flight.insert(
                    1_000 + corr,
                    InFlight {
                        broker: 1,
                        batches: vec![],
                    },
                );
            }
            in_ctx(0, |ctx| p.drain(ctx));
            in_ctx(200, |ctx| p.drain(ctx));
            p.update_partition_load_stats();
            p
        };
        let draws = |mut p: Producer| -> Vec<i32> {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
            let sp = p.sticky.get_mut(&0).unwrap();
            let mut seen: Vec<i32> = (0..60)
                .filter_map(|_| {
                    let x = sp.peek(&[0, 1, 2], 3, &mut rng);
                    sp.update(1 << 20, true);
                    x
                })
                .collect();
            seen.sort_unstable();
            seen.dedup();
            seen
        };
        assert_eq!(
            draws(setup("100", 5)),
            vec![2],
            "broker 1's partitions left out"
        );
        assert_eq!(draws(setup("0", 5)), vec![0, 1, 2], "off by default");
        assert_eq!(
            draws(setup("100", 0)),
            vec![0, 1, 2],
            "a leader that could be sent to stays in"
        );
    }

    fn queued_partitions(p: &Producer) -> Vec<i32> {
        p.accumulator.keys().map(|tp| tp.partition).collect()
    }

    #[test]
    fn in_flight_counts_follow_inserts_removals_and_clears() {
        let (a, b, c) = (Tp::new(0, 0), Tp::new(0, 1), Tp::new(1, 0));
        let mut r = InFlightRequests::default();
        let req = |tps: &[Tp]| InFlight {
            broker: 1,
            batches: tps.iter().map(|tp| batch(*tp)).collect(),
        };
        r.insert(1, req(&[a, b]));
        r.insert(2, req(&[a, c]));
        r.insert(3, req(&[a]));
        // A reused correlation id replaces its request (and its counts).
        r.insert(3, req(&[b]));
        for tp in [a, b, c] {
            assert_eq!(r.batches_for(tp), recount(&r, tp), "{tp:?}");
        }
        assert_eq!((r.batches_for(a), r.batches_for(b)), (2, 2));
        assert!(r.remove(&1).is_some());
        assert!(r.remove(&1).is_none());
        assert_eq!(
            (r.batches_for(a), r.batches_for(b), r.batches_for(c)),
            (1, 1, 1)
        );
        r.clear();
        assert_eq!((r.batches_for(a), r.len()), (0, 0));
        assert!(r.batches_per_tp.is_empty());
    }

    #[test]
    fn expired_in_flight_batches_leave_their_request_and_the_counts() {
        let (a, b) = (Tp::new(0, 0), Tp::new(0, 1));
        let at = |tp: Tp, created_at: Millis| Batch {
            created_at,
            ..batch(tp)
        };
        let mut r = InFlightRequests::default();
        r.insert(
            1,
            InFlight {
                broker: 1,
                batches: vec![at(a, 0), at(b, 500)],
            },
        );
        assert_eq!(r.next_expiry(1_000), Some(1_000));
        assert!(r.take_expired(999, 1_000).is_empty());
        let gone = r.take_expired(1_000, 1_000);
        assert_eq!(gone.iter().map(|b| b.tp).collect::<Vec<_>>(), vec![a]);
        assert_eq!((r.batches_for(a), r.batches_for(b)), (0, 1));
        assert_eq!(r.len(), 1, "the request stays in flight for its response");
        assert_eq!(r.next_expiry(1_000), Some(1_500));
    }

    /// A producer (idempotent, producer id 7, epoch 0) with one request in flight holding a
    /// batch of partition `tp` with base sequence `base`, after the broker acknowledged up to
    /// sequence `last_acked`; the broker answers OUT_OF_ORDER_SEQUENCE_NUMBER.
    fn out_of_order(transactional: bool, base: i32, last_acked: i32) -> Producer {
        let mut raw = std::collections::BTreeMap::new();
        if transactional {
            raw.insert("transactional.id".to_string(), "tx".to_string());
        }
        let b = Batch {
            base_sequence: Some(base),
            producer_id: 7,
            producer_epoch: 0,
            records: Records::new(),
            ..batch(Tp::new(0, 0))
        };
        answered(raw, b, last_acked, ErrorCode::OutOfOrderSequenceNumber)
    }

    /// A producer configured by `raw` (idempotent, producer id 7, epoch 0) with one request
    /// in flight holding `b` (with its base sequence), after the broker acknowledged up to
    /// sequence `last_acked`; the broker answers `error` for it.
    fn answered(
        raw: std::collections::BTreeMap<String, String>,
        b: Batch,
        last_acked: i32,
        error: ErrorCode,
    ) -> Producer {
        answered_with_queue(raw, b, Vec::new(), last_acked, error)
    }

    /// As `answered`, with `queue` waiting in the accumulator behind the batch in flight
    /// (with sequences that follow it, if it has one).
    fn answered_with_queue(
        raw: std::collections::BTreeMap<String, String>,
        b: Batch,
        queue: Vec<Batch>,
        last_acked: i32,
        error: ErrorCode,
    ) -> Producer {
        let tp = b.tp;
        let base = b.base_sequence.unwrap_or(0);
        let props = Props::parse(PRODUCER_CONFIGS, &raw, "producer").unwrap();
        let mut p = Producer::new("p".into(), 0, props, vec![1]).unwrap();
        p.producer_id = 7;
        p.producer_epoch = 0;
        let mut next = base + b.records.record_count().max(1) as i32;
        for q in queue {
            if let Some(s) = q.base_sequence {
                next = s + q.records.record_count().max(1) as i32;
            }
            p.accumulator.entry(q.tp).or_default().push_back(q);
        }
        p.next_sequence.insert(tp, next);
        p.last_acked_sequence.insert(tp, last_acked);
        p.inflight_sequences.entry(tp).or_default().insert(base);
        p.in_flight.insert(
            1,
            InFlight {
                broker: 1,
                batches: vec![b],
            },
        );
        let f = p.in_flight.remove(&1).unwrap();
        let result = ProducePartitionResult {
            tp,
            error: Some(error),
            base_offset: -1,
            log_append_time: None,
        };
        in_ctx(100, |ctx| p.complete(ctx, f, vec![result]));
        p
    }

    /// Run `f` with a client's context at `now`; returns the messages it sent.
    fn in_ctx(now: Millis, f: impl FnOnce(&mut Ctx)) -> Vec<(NodeId, NodeId, Message)> {
        use rand_chacha::rand_core::SeedableRng;
        let (mut rng, mut trace, mut ledger) = (
            rand_chacha::ChaCha8Rng::seed_from_u64(1),
            crate::trace::Trace::new(100),
            crate::ledger::Ledger::new(),
        );
        let (mut out, mut timers, mut cancels) = (Vec::new(), Vec::new(), Vec::new());
        let names: Vec<std::sync::Arc<str>> = vec!["t".into()];
        let mut spare = crate::sim::Spare::default();
        let mut ctx = Ctx {
            now,
            wall: now,
            me: NodeId::Client(0),
            rng: &mut rng,
            trace: &mut trace,
            ledger: &mut ledger,
            out: &mut out,
            timers: &mut timers,
            cancels: &mut cancels,
            topic_names: &names,
            spare: &mut spare,
        };
        f(&mut ctx);
        out
    }

    fn queued(p: &Producer) -> Vec<(Option<i32>, u32)> {
        p.accumulator
            .values()
            .flat_map(|d| d.iter())
            .map(|b| (b.base_sequence, b.attempts))
            .collect()
    }

    /// `TransactionManager.canRetry`: an OUT_OF_ORDER_SEQUENCE_NUMBER for a batch that is not
    /// the next after the last acknowledged sequence reveals no gap yet, so the batch is
    /// retried as it is, with its epoch and sequence.
    #[test]
    fn out_of_order_for_a_batch_that_is_not_next_retries_it_unchanged() {
        for transactional in [false, true] {
            let p = out_of_order(transactional, 5, 9);
            assert_eq!(p.stats.failed, 0, "transactional={transactional}");
            assert_eq!(
                queued(&p),
                vec![(Some(5), 1)],
                "transactional={transactional}"
            );
            assert_eq!(p.producer_epoch, 0);
        }
    }

    /// The next batch after the last acknowledged one: a real gap. The idempotent producer
    /// bumps its epoch and retries the batch renumbered (KIP-360); the transactional one
    /// fails it (the transaction must abort).
    #[test]
    fn out_of_order_for_the_next_batch_bumps_or_fails() {
        let p = out_of_order(false, 5, 4);
        assert_eq!(p.producer_epoch, 1);
        assert_eq!(queued(&p), vec![(None, 1)]);
        let p = out_of_order(true, 5, 4);
        assert_eq!(p.stats.failed, 0, "an empty batch fails no record");
        assert!(queued(&p).is_empty(), "the batch failed");
        assert_eq!(p.producer_epoch, 0);
    }

    /// `ProducerBatch.split` and `RecordAccumulator.splitAndReenqueue` (as in Kafka's
    /// `RecordAccumulatorTest.testSplitAndReenqueue` and `SenderTest.testSplitBatchAndSend`):
    /// a batch the broker refused with MESSAGE_TOO_LARGE comes back as batches of up to
    /// batch.size, in record order, with consecutive sequence numbers from its base, no
    /// attempts, and its creation time; no record fails and no retry is counted.
    #[test]
    fn message_too_large_splits_a_batch_into_batch_size_parts_with_consecutive_sequences() {
        let tp = Tp::new(0, 0);
        let value = vec![b'v'; 291];
        let mut records = Records::new();
        for id in 1..=10u64 {
            records.push_record(RecordRef {
                id,
                timestamp: 50,
                key: Some(b"k"),
                value: Some(&value),
                headers: &[],
                key_value: None,
            });
        }
        // Each record is 300 bytes on the wire (as `Entry::size_in_bytes` counts it: 8 + key + value).
        assert!(records.entries().all(|e| e.size_in_bytes() == 300));
        let size_bytes = crate::record::BATCH_OVERHEAD + 10 * 300;
        let big = Batch {
            records,
            size_bytes,
            full: true,
            created_at: 40,
            attempts: 2,
            base_sequence: Some(5),
            producer_id: 7,
            producer_epoch: 0,
            ..batch(tp)
        };
        let mut raw = std::collections::BTreeMap::new();
        raw.insert("batch.size".to_string(), "1000".to_string());
        let p = answered(raw, big, 4, ErrorCode::MessageTooLarge);
        // 61 bytes of batch header and three 300-byte records fit in 1000; a fourth does not.
        let parts: Vec<(Option<i32>, u32, Millis, Vec<u64>)> = p.accumulator[&tp]
            .iter()
            .map(|b| {
                (
                    b.base_sequence,
                    b.attempts,
                    b.created_at,
                    b.records.entries().map(|e| e.id).collect(),
                )
            })
            .collect();
        assert_eq!(
            parts,
            vec![
                (Some(5), 0, 40, vec![1, 2, 3]),
                (Some(8), 0, 40, vec![4, 5, 6]),
                (Some(11), 0, 40, vec![7, 8, 9]),
                (Some(14), 0, 40, vec![10]),
            ]
        );
        assert!(p.accumulator[&tp]
            .iter()
            .all(|b| b.producer_id == 7 && b.producer_epoch == 0 && b.full));
        let inflight: Vec<i32> = p.inflight_sequences[&tp].iter().copied().collect();
        assert_eq!(inflight, vec![5, 8, 11, 14]);
        // `RecordAccumulatorTest.testSplitBatchOffAccumulator`: the big batch's buffer went
        // back to buffer.memory, and its parts were allocated outside it.
        assert!(p.accumulator[&tp].iter().all(|b| b.split));
        assert_eq!(
            p.buffer_in_use(),
            0,
            "the split batches are off buffer.memory"
        );
        assert_eq!((p.stats.failed, p.stats.retries), (0, 0));
        assert_eq!(p.stats.errors.get("MESSAGE_TOO_LARGE").copied(), Some(1));
    }

    /// `TransactionManager.handleFailedBatch`: a batch that fails on a response leaves a gap in
    /// its partition's sequence numbers, which the broker would answer with
    /// OUT_OF_ORDER_SEQUENCE_NUMBER for every later batch. The idempotent producer bumps its
    /// epoch, and the batches behind the failed one are sent renumbered from 0
    /// (`requestEpochBumpForPartition`). A transactional producer keeps the epoch until the
    /// transaction aborts. A batch that used up its retries bumps nothing
    /// (`adjustSequenceNumbers = attempts < retries`: an earlier attempt may have been written).
    #[test]
    fn a_failed_batch_bumps_the_idempotent_epoch_unless_its_retries_ran_out() {
        let tp = Tp::new(0, 0);
        let sequenced = |base: i32, attempts: u32| Batch {
            base_sequence: Some(base),
            producer_id: 7,
            producer_epoch: 0,
            attempts,
            ..batch(tp)
        };
        let fail = |raw: &[(&str, &str)], attempts: u32, error: ErrorCode| {
            let raw = raw
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            answered_with_queue(raw, sequenced(5, attempts), vec![sequenced(6, 0)], 4, error)
        };

        let p = fail(&[], 0, ErrorCode::MessageTooLarge);
        assert_eq!(p.producer_epoch, 1, "a gap: new epoch");
        assert_eq!(
            queued(&p),
            vec![(None, 0)],
            "the next batch loses sequence 6"
        );
        assert!(p.next_sequence.is_empty(), "sequences start from 0");

        let p = fail(&[("transactional.id", "tx")], 0, ErrorCode::MessageTooLarge);
        assert_eq!(p.producer_epoch, 0, "the transaction aborts first");
        assert_eq!(queued(&p), vec![(Some(6), 0)]);

        let p = fail(&[("retries", "2")], 2, ErrorCode::NotEnoughReplicas);
        assert_eq!(p.stats.failed, 0, "an empty batch fails no record");
        assert_eq!(p.producer_epoch, 0, "retries used up: no bump");
        assert_eq!(queued(&p), vec![(Some(6), 0)]);

        let p = fail(&[("retries", "2")], 1, ErrorCode::NotEnoughReplicas);
        assert_eq!(
            queued(&p),
            vec![(Some(5), 2), (Some(6), 0)],
            "retried, no bump"
        );
        assert_eq!(p.producer_epoch, 0);
    }

    /// A batch of one record that is too large cannot be split: it fails, not retried.
    #[test]
    fn message_too_large_fails_a_single_record_batch() {
        let tp = Tp::new(0, 0);
        let mut records = Records::new();
        records.push_record(RecordRef {
            id: 1,
            timestamp: 50,
            key: None,
            value: Some(b"v"),
            headers: &[],
            key_value: None,
        });
        let b = Batch {
            records,
            base_sequence: Some(0),
            producer_id: 7,
            producer_epoch: 0,
            ..batch(tp)
        };
        let p = answered(Default::default(), b, -1, ErrorCode::MessageTooLarge);
        assert!(queued(&p).is_empty());
        assert_eq!((p.stats.failed, p.stats.retries), (1, 0));
    }
}
