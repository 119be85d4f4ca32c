//! Share groups (KIP-932, "queues for Kafka", Kafka 4.0+), the partition leader's side: the
//! state of one *share-partition* (a topic partition as one share group consumes it) and the
//! broker's handling of `ShareFetch` and `ShareAcknowledge` (Kafka's `SharePartition`,
//! `SharePartitionManager`, `DelayedShareFetch`).
//!
//! A share-partition keeps a window of *in-flight* records from the share-partition start
//! offset (SPSO) up to the share-partition end offset (SPEO). Every record in the window is
//! in one of four states:
//!
//! - `Available`: can be handed to the next member that fetches;
//! - `Acquired`: handed to one member, locked for `group.share.record.lock.duration.ms`;
//! - `Acknowledged`: the member accepted it (processed);
//! - `Archived`: rejected, or delivered `group.share.delivery.count.limit` times, or below the
//!   log start offset: never delivered again.
//!
//! Acquiring a record increments its delivery count. Releasing it (a `RELEASE`
//! acknowledgement, the member's share session closing, or its acquisition lock expiring)
//! makes it `Available` again, unless its delivery count has reached the limit, in which case
//! it is `Archived`. The SPSO moves forward over the prefix of `Acknowledged`/`Archived`
//! records only: one record still being processed holds it back, however many records after
//! it are done. A share-partition acquires new records only while its window holds fewer than
//! `group.share.partition.max.record.locks` records (or when records in it are available for
//! redelivery), and never beyond the high watermark. Share groups read committed and
//! uncommitted records alike in Kafka 4.0 (`share.isolation.level` came later), so the bound
//! is the high watermark.
//!
//! Where the simulator simplifies Kafka:
//!
//! - **State per record, acquisition per record.** Kafka tracks whole fetched batches and
//!   splits them into per-offset state only when needed, and Kafka 4.0 acquires whole batches
//!   (the record limit is a soft one). Here every offset has its own state and a `ShareFetch`
//!   acquires at most `max_records` records exactly (the consumer sends its `max.poll.records`,
//!   as `ShareFetch` v1 and `share.acquire.mode=record_limit` do in later versions). The
//!   observable rules (states, delivery counts, locks, SPSO) are the same.
//! - **No persister.** Kafka writes every state change through the share coordinator to
//!   `__share_group_state`, so a new leader resumes where the old one stopped. Here the state
//!   is in memory on the leader: when leadership moves (or the leader restarts) the new
//!   leader starts the share-partition afresh by `share.auto.offset.reset`. In-flight records
//!   of the old leader are not redelivered and records the old leader had not delivered may be
//!   skipped (with the default `latest`).
//! - **No share sessions.** Each `ShareFetch` names its partitions (Kafka keeps them in a share
//!   session and sends only changes); `share_session_epoch` -1 still closes the member's
//!   session on the broker and releases its acquired records.
//! - Control records (transaction markers) and offsets removed by compaction are archived as
//!   the share-partition passes them (Kafka hands them to the client as gaps, which it
//!   acknowledges with `GAP`, ending in the same `ARCHIVED` state).
//! - `share.auto.offset.reset` supports `earliest` and `latest` (not `by_duration:`).

use crate::config::BROKER_CONFIGS;
use crate::error::ErrorCode;
use crate::message::{
    AcknowledgeType, AcquiredRecords, Message, ShareAcknowledgementBatch, ShareFetchPartition,
    ShareFetchPartitionData,
};
use crate::record::Records;
use crate::sim::{Ctx, Timer};
use crate::trace::TraceKind;
use crate::types::{Millis, NodeId, Tp};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `SharePartition.RecordState`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordState {
    Available,
    Acquired,
    Acknowledged,
    Archived,
}

impl RecordState {
    pub fn name(self) -> &'static str {
        match self {
            RecordState::Available => "available",
            RecordState::Acquired => "acquired",
            RecordState::Acknowledged => "acknowledged",
            RecordState::Archived => "archived",
        }
    }

    pub fn parse(s: &str) -> Option<RecordState> {
        match s.to_ascii_lowercase().as_str() {
            "available" => Some(RecordState::Available),
            "acquired" => Some(RecordState::Acquired),
            "acknowledged" => Some(RecordState::Acknowledged),
            "archived" => Some(RecordState::Archived),
            _ => None,
        }
    }

    /// `isRecordStateAcknowledged`: the terminal states the SPSO may move over.
    pub fn is_terminal(self) -> bool {
        matches!(self, RecordState::Acknowledged | RecordState::Archived)
    }
}

/// `SharePartition.InFlightState`, per offset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InFlightState {
    pub state: RecordState,
    /// How many times the record has been acquired.
    pub delivery_count: u16,
    /// The member holding it (acquired records only).
    pub member_id: Option<String>,
    /// When its acquisition lock expires (acquired records only).
    pub lock_deadline: Option<Millis>,
}

/// The limits of one share-partition (broker configs, and the group's lock duration).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharePartitionSettings {
    /// `group.share.partition.max.record.locks`.
    pub max_in_flight: i64,
    /// `group.share.delivery.count.limit`.
    pub max_delivery_count: u16,
    /// `group.share.record.lock.duration.ms` (or the group's `share.record.lock.duration.ms`).
    pub lock_duration_ms: Millis,
}

impl Default for SharePartitionSettings {
    fn default() -> Self {
        SharePartitionSettings {
            max_in_flight: 200,
            max_delivery_count: 5,
            lock_duration_ms: 30_000,
        }
    }
}

/// Counters for views and checks.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SharePartitionStats {
    /// Acquisitions (first deliveries and redeliveries).
    pub acquired: u64,
    /// Acquisitions of a record that had been delivered before.
    pub redelivered: u64,
    pub accepted: u64,
    pub released: u64,
    pub rejected: u64,
    /// Acquisition locks that expired.
    pub lock_timeouts: u64,
    /// Records archived because their delivery count reached the limit.
    pub delivery_limit_archived: u64,
}

/// One offset as a fetch from the log saw it: a record the member may get, or an offset with
/// no deliverable record (a transaction marker, or compacted away).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FetchedOffset {
    pub offset: i64,
    pub data: bool,
}

/// `SharePartition`: the in-flight window of one share group on one topic partition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SharePartition {
    pub group: String,
    pub tp: Tp,
    /// The leader epoch the state belongs to (a new leadership starts afresh).
    pub leader_epoch: i32,
    /// SPSO: the first offset not yet acknowledged or archived.
    pub start_offset: i64,
    /// SPEO, exclusive: the first offset never acquired. (Kafka's `endOffset` is the last
    /// in-flight offset; an exclusive end makes an empty window `start == end`.)
    pub end_offset: i64,
    /// Every offset in `[start_offset, end_offset)` (and acquired ones the log start offset
    /// overtook) with its state.
    pub in_flight: BTreeMap<i64, InFlightState>,
    pub settings: SharePartitionSettings,
    pub stats: SharePartitionStats,
    /// Bookkeeping, not Kafka state: the final state of the most recent records that left the
    /// window (at most [`DONE_KEEP`]), so views and checks can still say what became of them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub done: BTreeMap<i64, InFlightState>,
}

/// How many finished records a share-partition remembers for views and checks.
pub const DONE_KEEP: usize = 1000;

impl SharePartition {
    pub fn new(
        group: &str,
        tp: Tp,
        leader_epoch: i32,
        start_offset: i64,
        settings: SharePartitionSettings,
    ) -> Self {
        SharePartition {
            group: group.to_string(),
            tp,
            leader_epoch,
            start_offset,
            end_offset: start_offset,
            in_flight: BTreeMap::new(),
            settings,
            stats: SharePartitionStats::default(),
            done: BTreeMap::new(),
        }
    }

    pub fn state(&self, offset: i64) -> Option<&InFlightState> {
        self.in_flight.get(&offset)
    }

    /// `nextFetchOffset`: the first available record in the window, or the end.
    pub fn next_fetch_offset(&self) -> i64 {
        self.in_flight
            .iter()
            .find(|(o, s)| s.state == RecordState::Available && **o >= self.start_offset)
            .map_or(self.end_offset, |(o, _)| *o)
    }

    /// Records in the window (Kafka's `endOffset - startOffset + 1` of a non-empty cache).
    pub fn in_flight_count(&self) -> i64 {
        (self.end_offset - self.start_offset).max(0)
    }

    /// `canAcquireRecords`: records are available for redelivery, or the window has room.
    pub fn can_acquire_records(&self) -> bool {
        self.next_fetch_offset() != self.end_offset
            || self.in_flight_count() < self.settings.max_in_flight
    }

    /// Whether a fetch would acquire something now, below the high watermark `hw`.
    pub fn has_acquirable(&self, hw: i64) -> bool {
        self.can_acquire_records() && self.next_fetch_offset() < hw
    }

    /// `acquire`: hand at most `max_records` records to `member`, from `fetched` (the log from
    /// `next_fetch_offset()` up to the high watermark, ascending). Available records in the
    /// window come back (delivery count + 1); records past the end are new (delivery count 1).
    /// Offsets with no record are archived as the end passes them.
    pub fn acquire(
        &mut self,
        member: &str,
        max_records: u32,
        fetched: &[FetchedOffset],
        now: Millis,
    ) -> Vec<AcquiredRecords> {
        let mut out: Vec<AcquiredRecords> = Vec::new();
        if max_records == 0 || !self.can_acquire_records() {
            return out;
        }
        let mut budget = max_records;
        let deadline = now + self.settings.lock_duration_ms;
        let take = |offset: i64, count: u16, out: &mut Vec<AcquiredRecords>| match out.last_mut() {
            Some(last) if last.last_offset + 1 == offset && last.delivery_count == count => {
                last.last_offset = offset;
            }
            _ => out.push(AcquiredRecords {
                first_offset: offset,
                last_offset: offset,
                delivery_count: count,
            }),
        };
        for f in fetched {
            if budget == 0 {
                break;
            }
            if f.offset < self.start_offset {
                continue;
            }
            if f.offset < self.end_offset {
                // A record in the window: only an available one is acquired again.
                if let Some(s) = self.in_flight.get_mut(&f.offset) {
                    if s.state == RecordState::Available {
                        s.state = RecordState::Acquired;
                        s.delivery_count = s.delivery_count.saturating_add(1);
                        s.member_id = Some(member.to_string());
                        s.lock_deadline = Some(deadline);
                        self.stats.acquired += 1;
                        self.stats.redelivered += 1;
                        budget -= 1;
                        take(f.offset, s.delivery_count, &mut out);
                    }
                }
                continue;
            }
            // Past the end: new records.
            // The limit is checked before the fetch, not per record (Kafka may overshoot by
            // what one fetch acquires).
            for gap in self.end_offset..f.offset {
                self.in_flight.insert(gap, archived_gap());
            }
            if f.data {
                self.in_flight.insert(
                    f.offset,
                    InFlightState {
                        state: RecordState::Acquired,
                        delivery_count: 1,
                        member_id: Some(member.to_string()),
                        lock_deadline: Some(deadline),
                    },
                );
                self.stats.acquired += 1;
                budget -= 1;
                take(f.offset, 1, &mut out);
            } else {
                self.in_flight.insert(f.offset, archived_gap());
            }
            self.end_offset = f.offset + 1;
        }
        self.maybe_update_start_offset();
        out
    }

    /// `acknowledge`: apply `batches` for `member`, all or nothing. Offsets below the SPSO are
    /// skipped (already done); any other offset must be acquired by `member`, or the whole
    /// request fails with `INVALID_RECORD_STATE` and nothing changes.
    pub fn acknowledge(
        &mut self,
        member: &str,
        batches: &[ShareAcknowledgementBatch],
    ) -> Result<(), ErrorCode> {
        let mut plan: Vec<(i64, AcknowledgeType)> = Vec::new();
        for b in batches {
            if b.last_offset < b.first_offset || b.types.is_empty() {
                return Err(ErrorCode::InvalidRequest);
            }
            let span = b.last_offset - b.first_offset + 1;
            if b.types.len() != 1 && b.types.len() as i64 != span {
                return Err(ErrorCode::InvalidRequest);
            }
            for (i, offset) in (b.first_offset..=b.last_offset).enumerate() {
                let ty = if b.types.len() == 1 {
                    b.types.first()
                } else {
                    b.types.get(i)
                };
                let Some(ty) = ty.copied() else {
                    return Err(ErrorCode::InvalidRequest);
                };
                if offset < self.start_offset {
                    // An acquired record the log start offset overtook can still be
                    // acknowledged; anything else below the SPSO is already done.
                    if !self.in_flight.get(&offset).is_some_and(|s| {
                        s.state == RecordState::Acquired && s.member_id.as_deref() == Some(member)
                    }) {
                        continue;
                    }
                }
                match self.in_flight.get(&offset) {
                    Some(s)
                        if s.state == RecordState::Acquired
                            && s.member_id.as_deref() == Some(member) =>
                    {
                        plan.push((offset, ty))
                    }
                    _ => return Err(ErrorCode::InvalidRecordState),
                }
            }
        }
        for (offset, ty) in plan {
            let below_start = offset < self.start_offset;
            let max = self.settings.max_delivery_count;
            let Some(s) = self.in_flight.get_mut(&offset) else {
                continue;
            };
            s.member_id = None;
            s.lock_deadline = None;
            match ty {
                AcknowledgeType::Accept => {
                    s.state = RecordState::Acknowledged;
                    self.stats.accepted += 1;
                }
                AcknowledgeType::Reject => {
                    s.state = RecordState::Archived;
                    self.stats.rejected += 1;
                }
                AcknowledgeType::Release => {
                    self.stats.released += 1;
                    if release(s, max, below_start) {
                        self.stats.delivery_limit_archived += 1;
                    }
                }
            }
        }
        self.maybe_update_start_offset();
        Ok(())
    }

    /// `releaseAcquiredRecords`: the member's share session closed; every record it holds is
    /// released. Returns how many.
    pub fn release_acquired_records(&mut self, member: &str) -> usize {
        let max = self.settings.max_delivery_count;
        let start = self.start_offset;
        let mut n = 0;
        let mut limit = 0;
        for (offset, s) in self.in_flight.iter_mut() {
            if s.state == RecordState::Acquired && s.member_id.as_deref() == Some(member) {
                if release(s, max, *offset < start) {
                    limit += 1;
                }
                n += 1;
            }
        }
        self.stats.released += n as u64;
        self.stats.delivery_limit_archived += limit;
        self.maybe_update_start_offset();
        n
    }

    /// Acquisition locks that expired by `now` release their records (`AcquisitionLockTimerTask`).
    /// Returns the released offsets with the member that held them.
    pub fn expire_locks(&mut self, now: Millis) -> Vec<(i64, String)> {
        let max = self.settings.max_delivery_count;
        let start = self.start_offset;
        let mut out = Vec::new();
        let mut limit = 0;
        for (offset, s) in self.in_flight.iter_mut() {
            if s.state == RecordState::Acquired && s.lock_deadline.is_some_and(|d| d <= now) {
                let member = s.member_id.clone().unwrap_or_default();
                if release(s, max, *offset < start) {
                    limit += 1;
                }
                out.push((*offset, member));
            }
        }
        self.stats.lock_timeouts += out.len() as u64;
        self.stats.delivery_limit_archived += limit;
        self.maybe_update_start_offset();
        out
    }

    /// The earliest acquisition lock deadline.
    pub fn next_lock_deadline(&self) -> Option<Millis> {
        self.in_flight
            .values()
            .filter_map(|s| s.lock_deadline)
            .min()
    }

    /// `updateCacheAndOffsets`: the log start offset moved past the SPSO (retention, delete
    /// records): available records below it are archived and the SPSO follows it.
    pub fn update_log_start_offset(&mut self, log_start: i64) {
        if log_start <= self.start_offset {
            return;
        }
        for (_, s) in self.in_flight.range_mut(..log_start) {
            if s.state == RecordState::Available {
                s.state = RecordState::Archived;
            }
        }
        self.start_offset = log_start;
        if self.end_offset < self.start_offset {
            self.end_offset = self.start_offset;
        }
        self.maybe_update_start_offset();
    }

    /// `maybeUpdateCachedStateAndOffsets`: move the SPSO over the prefix of acknowledged and
    /// archived records and drop them from the window.
    fn maybe_update_start_offset(&mut self) {
        // Done records below the SPSO (overtaken by the log start offset) go.
        let start = self.start_offset;
        let below: Vec<i64> = self
            .in_flight
            .range(..start)
            .filter(|(_, s)| s.state != RecordState::Acquired)
            .map(|(o, _)| *o)
            .collect();
        for o in below {
            if let Some(s) = self.in_flight.remove(&o) {
                self.remember(o, s);
            }
        }
        while let Some(s) = self.in_flight.get(&self.start_offset) {
            if !s.state.is_terminal() {
                break;
            }
            if let Some(s) = self.in_flight.remove(&self.start_offset) {
                self.remember(self.start_offset, s);
            }
            self.start_offset += 1;
        }
        if self.start_offset > self.end_offset {
            self.end_offset = self.start_offset;
        }
    }
}

impl SharePartition {
    fn remember(&mut self, offset: i64, s: InFlightState) {
        if s.delivery_count == 0 {
            // An offset without a record (marker, compacted): nothing to remember.
            return;
        }
        self.done.insert(offset, s);
        while self.done.len() > DONE_KEEP {
            self.done.pop_first();
        }
    }

    /// What became of `offset`: its in-flight state, or the final state it left the window in.
    pub fn record_state(&self, offset: i64) -> Option<&InFlightState> {
        self.in_flight
            .get(&offset)
            .or_else(|| self.done.get(&offset))
    }
}

fn archived_gap() -> InFlightState {
    InFlightState {
        state: RecordState::Archived,
        delivery_count: 0,
        member_id: None,
        lock_deadline: None,
    }
}

/// Release one acquired record: available again, or archived when it is below the SPSO or its
/// delivery count reached the limit (`InFlightState.tryUpdateState`). Returns whether the
/// delivery count limit archived it.
fn release(s: &mut InFlightState, max_delivery_count: u16, below_start: bool) -> bool {
    s.member_id = None;
    s.lock_deadline = None;
    if below_start {
        s.state = RecordState::Archived;
        false
    } else if s.delivery_count >= max_delivery_count {
        s.state = RecordState::Archived;
        true
    } else {
        s.state = RecordState::Available;
        false
    }
}

/// A `ShareFetch` waiting for records (`DelayedShareFetch`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DelayedShareFetch {
    from: NodeId,
    corr: u64,
    group: String,
    member_id: String,
    max_records: u32,
    max_bytes: usize,
    fetch: Vec<Tp>,
    /// Partitions that only carried acknowledgements, and every acknowledgement outcome.
    acks: VecMap<Tp, Option<ErrorCode>>,
}

/// The share-partitions a broker leads, and its parked share fetches (`SharePartitionManager`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SharePartitionManager {
    pub partitions: VecMap<(String, Tp), SharePartition>,
    pub(crate) delayed: VecMap<u64, DelayedShareFetch>,
    /// When the pending `ShareLockTimeout` timer fires.
    lock_timer_at: Option<Millis>,
}

fn short(member: &str) -> &str {
    member.get(..8).unwrap_or(member)
}

fn ranges(acquired: &[AcquiredRecords]) -> String {
    let v: Vec<String> = acquired
        .iter()
        .map(|a| {
            let span = if a.first_offset == a.last_offset {
                a.first_offset.to_string()
            } else {
                format!("{}..{}", a.first_offset, a.last_offset)
            };
            if a.delivery_count > 1 {
                format!("{span} (delivery {})", a.delivery_count)
            } else {
                span
            }
        })
        .collect();
    v.join(", ")
}

impl crate::broker::Broker {
    /// The limits of a share-partition of `group`: broker configs, and the group's
    /// `share.record.lock.duration.ms` when it has one.
    fn share_partition_settings(&self, group: &str) -> SharePartitionSettings {
        let c = &self.cluster_config;
        let lock = self
            .metadata
            .group_configs
            .get(group)
            .filter(|g| g.is_set("share.record.lock.duration.ms"))
            .map(|g| {
                g.i64(
                    crate::share_group::GROUP_CONFIGS,
                    "share.record.lock.duration.ms",
                )
            })
            .unwrap_or_else(|| c.i64(BROKER_CONFIGS, "group.share.record.lock.duration.ms"));
        SharePartitionSettings {
            max_in_flight: c
                .i64(BROKER_CONFIGS, "group.share.partition.max.record.locks")
                .max(1),
            max_delivery_count: c
                .i64(BROKER_CONFIGS, "group.share.delivery.count.limit")
                .clamp(1, i64::from(u16::MAX)) as u16,
            lock_duration_ms: lock.max(1) as Millis,
        }
    }

    /// The share-partition of `group` on `tp`, created (`maybeInitialize`) when this broker
    /// leads `tp` and has none for its current leader epoch. `Err` when it does not lead `tp`.
    fn share_partition_for(
        &mut self,
        ctx: &mut Ctx,
        group: &str,
        tp: Tp,
    ) -> Result<&mut SharePartition, ErrorCode> {
        let Some(p) = self.partitions.get(&tp) else {
            return Err(if self.metadata.topics.contains_key(&tp.topic) {
                ErrorCode::NotLeaderOrFollower
            } else {
                ErrorCode::UnknownTopicOrPartition
            });
        };
        if !p.is_leader() {
            self.share_partitions
                .partitions
                .retain(|(_, t), _| *t != tp);
            return Err(ErrorCode::NotLeaderOrFollower);
        }
        let epoch = p.leader_epoch;
        let (hw, log_start) = (p.log.high_watermark(), p.log.log_start_offset());
        let key = (group.to_string(), tp);
        let fresh = self
            .share_partitions
            .partitions
            .get(&key)
            .is_none_or(|sp| sp.leader_epoch != epoch);
        if fresh {
            let earliest = self
                .metadata
                .group_configs
                .get(group)
                .map(|g| g.raw(crate::share_group::GROUP_CONFIGS, "share.auto.offset.reset"))
                .is_some_and(|v| v == "earliest");
            let start = if earliest { log_start } else { hw };
            let settings = self.share_partition_settings(group);
            let sp = SharePartition::new(group, tp, epoch, start, settings);
            ctx.emit(TraceKind::Group {
                group: group.to_string(),
                event: format!(
                    "broker-{} initializes share-partition {}-{} at SPSO {start} (share.auto.offset.reset={})",
                    self.id,
                    ctx.topic_name(tp),
                    tp.partition,
                    if earliest { "earliest" } else { "latest" }
                ),
            });
            self.share_partitions.partitions.insert(key.clone(), sp);
        }
        let settings = self.share_partition_settings(group);
        let sp = self
            .share_partitions
            .partitions
            .get_mut(&key)
            .ok_or(ErrorCode::UnknownServerError)?;
        // Group config changes apply to new acquisitions.
        sp.settings = settings;
        sp.update_log_start_offset(log_start);
        Ok(sp)
    }

    /// Route a share group message: `ShareGroupHeartbeat` to the coordinator, `ShareFetch` and
    /// `ShareAcknowledge` to the share-partitions.
    pub(crate) fn handle_share_message(&mut self, ctx: &mut Ctx, from: NodeId, msg: Message) {
        match msg {
            Message::ShareGroupHeartbeat { .. } => {
                self.handle_share_group_heartbeat(ctx, from, msg)
            }
            Message::ShareFetch {
                corr,
                group,
                member_id,
                share_session_epoch,
                max_wait_ms,
                max_bytes,
                max_records,
                partitions,
                ..
            } => self.handle_share_fetch(
                ctx,
                from,
                corr,
                group,
                member_id,
                share_session_epoch,
                max_wait_ms,
                max_bytes,
                max_records,
                partitions,
            ),
            Message::ShareAcknowledge {
                corr,
                group,
                member_id,
                share_session_epoch,
                partitions,
            } => {
                if group.is_empty() || member_id.is_empty() {
                    ctx.send(
                        from,
                        Message::ShareAcknowledgeResponse {
                            corr,
                            error: Some(ErrorCode::InvalidRequest),
                            partitions: Vec::new(),
                        },
                    );
                    return;
                }
                let mut results = Vec::new();
                for (tp, batches) in partitions {
                    let r = self.share_acknowledge(ctx, &group, &member_id, tp, &batches);
                    results.push((tp, r));
                }
                if share_session_epoch == -1 {
                    self.close_share_session(ctx, &group, &member_id);
                }
                ctx.send(
                    from,
                    Message::ShareAcknowledgeResponse {
                        corr,
                        error: None,
                        partitions: results,
                    },
                );
            }
            _ => {}
        }
    }

    fn share_acknowledge(
        &mut self,
        ctx: &mut Ctx,
        group: &str,
        member: &str,
        tp: Tp,
        batches: &[ShareAcknowledgementBatch],
    ) -> Option<ErrorCode> {
        if batches.is_empty() {
            return None;
        }
        let result = match self.share_partition_for(ctx, group, tp) {
            Ok(sp) => sp.acknowledge(member, batches),
            Err(e) => Err(e),
        };
        let topic = ctx.topic_name(tp);
        let summary: Vec<String> = batches
            .iter()
            .map(|b| {
                let types: Vec<&str> = b.types.iter().map(|t| t.name()).collect();
                if b.first_offset == b.last_offset {
                    format!("{} {}", b.first_offset, types.join("/"))
                } else {
                    format!("{}..{} {}", b.first_offset, b.last_offset, types.join("/"))
                }
            })
            .collect();
        ctx.emit(TraceKind::Group {
            group: group.to_string(),
            event: match result {
                Ok(()) => format!(
                    "member {} acknowledged {topic}-{}: {}",
                    short(member),
                    tp.partition,
                    summary.join(", ")
                ),
                Err(e) => format!(
                    "member {} could not acknowledge {topic}-{} ({}): {e}",
                    short(member),
                    tp.partition,
                    summary.join(", ")
                ),
            },
        });
        if result.is_ok() {
            self.try_complete_share_fetches(ctx, tp);
        }
        result.err()
    }

    /// The member's share session on this broker closed: release what it still holds.
    fn close_share_session(&mut self, ctx: &mut Ctx, group: &str, member: &str) {
        let mut touched = Vec::new();
        for ((g, tp), sp) in self.share_partitions.partitions.iter_mut() {
            if g != group {
                continue;
            }
            let n = sp.release_acquired_records(member);
            if n > 0 {
                touched.push((*tp, n));
            }
        }
        for (tp, n) in &touched {
            ctx.emit(TraceKind::Group {
                group: group.to_string(),
                event: format!(
                    "member {}'s share session closed: {n} record(s) of {}-{} released",
                    short(member),
                    ctx.topic_name(*tp),
                    tp.partition
                ),
            });
        }
        for (tp, _) in touched {
            self.try_complete_share_fetches(ctx, tp);
        }
    }

    fn handle_share_fetch(
        &mut self,
        ctx: &mut Ctx,
        from: NodeId,
        corr: u64,
        group: String,
        member_id: String,
        epoch: i32,
        max_wait_ms: u64,
        max_bytes: usize,
        max_records: u32,
        partitions: Vec<ShareFetchPartition>,
    ) {
        if group.is_empty() || member_id.is_empty() {
            ctx.send(
                from,
                Message::ShareFetchResponse {
                    corr,
                    error: Some(ErrorCode::InvalidRequest),
                    partitions: Vec::new(),
                },
            );
            return;
        }
        let mut acks = VecMap::new();
        let mut fetch = Vec::new();
        for p in &partitions {
            let r = self.share_acknowledge(ctx, &group, &member_id, p.tp, &p.acknowledgements);
            if !p.acknowledgements.is_empty() || !p.fetch {
                acks.insert(p.tp, r);
            }
            if p.fetch && epoch != -1 && !fetch.contains(&p.tp) {
                fetch.push(p.tp);
            }
        }
        if epoch == -1 {
            self.close_share_session(ctx, &group, &member_id);
        }
        let d = DelayedShareFetch {
            from,
            corr,
            group,
            member_id,
            max_records: max_records.max(1),
            max_bytes,
            fetch,
            acks,
        };
        let (data, acquired, errors) = self.read_share_fetch(ctx, &d);
        if acquired > 0 || errors || max_wait_ms == 0 || d.fetch.is_empty() {
            ctx.send(
                d.from,
                Message::ShareFetchResponse {
                    corr: d.corr,
                    error: None,
                    partitions: data,
                },
            );
        } else {
            let id = self.next_id();
            self.share_partitions.delayed.insert(id, d);
            ctx.set_timer(max_wait_ms, Timer::DelayedShareFetchExpire(id));
        }
        self.schedule_share_lock_timer(ctx);
    }

    /// Acquire records for a share fetch from each of its partitions. Returns the response
    /// data, how many records were acquired, and whether some partition failed.
    fn read_share_fetch(
        &mut self,
        ctx: &mut Ctx,
        d: &DelayedShareFetch,
    ) -> (Vec<ShareFetchPartitionData>, usize, bool) {
        let mut out: Vec<ShareFetchPartitionData> = Vec::new();
        let mut budget = d.max_records;
        let mut total = 0usize;
        let mut errors = false;
        for tp in &d.fetch {
            let mut pd = ShareFetchPartitionData {
                tp: *tp,
                error: None,
                acknowledge_error: d.acks.get(tp).copied().flatten(),
                records: Records::new(),
                acquired: Vec::new(),
            };
            if budget > 0 {
                match self.acquire_for(ctx, &d.group, &d.member_id, *tp, budget, d.max_bytes) {
                    Ok((records, acquired)) => {
                        let n: i64 = acquired
                            .iter()
                            .map(|a| a.last_offset - a.first_offset + 1)
                            .sum();
                        budget = budget.saturating_sub(n as u32);
                        total += n as usize;
                        if !acquired.is_empty() {
                            ctx.emit(TraceKind::Group {
                                group: d.group.clone(),
                                event: format!(
                                    "member {} acquired {}-{} offsets {}",
                                    short(&d.member_id),
                                    ctx.topic_name(*tp),
                                    tp.partition,
                                    ranges(&acquired)
                                ),
                            });
                        }
                        pd.records = records;
                        pd.acquired = acquired;
                    }
                    Err(e) => {
                        errors = true;
                        pd.error = Some(e);
                    }
                }
            }
            out.push(pd);
        }
        for (tp, r) in &d.acks {
            if !d.fetch.contains(tp) {
                out.push(ShareFetchPartitionData {
                    tp: *tp,
                    error: None,
                    acknowledge_error: *r,
                    records: Records::new(),
                    acquired: Vec::new(),
                });
            }
        }
        (out, total, errors)
    }

    /// Acquire up to `max_records` records of `tp` for `member`: the log from the
    /// share-partition's next fetch offset up to the high watermark.
    fn acquire_for(
        &mut self,
        ctx: &mut Ctx,
        group: &str,
        member: &str,
        tp: Tp,
        max_records: u32,
        max_bytes: usize,
    ) -> Result<(Records, Vec<AcquiredRecords>), ErrorCode> {
        let now = ctx.now;
        let (from, can) = {
            let sp = self.share_partition_for(ctx, group, tp)?;
            (sp.next_fetch_offset(), sp.can_acquire_records())
        };
        let Some(p) = self.partitions.get(&tp) else {
            return Err(ErrorCode::NotLeaderOrFollower);
        };
        let hw = p.log.high_watermark();
        if !can || from >= hw {
            return Ok((Records::new(), Vec::new()));
        }
        let records = p.log.read(from, hw, max_bytes.max(1))?;
        let mut fetched: Vec<FetchedOffset> = Vec::new();
        for (b, e) in records.iter() {
            if e.offset < from || e.offset >= hw {
                continue;
            }
            fetched.push(FetchedOffset {
                offset: e.offset,
                data: b.control.is_none(),
            });
        }
        let sp = self
            .share_partitions
            .partitions
            .get_mut(&(group.to_string(), tp))
            .ok_or(ErrorCode::UnknownServerError)?;
        let acquired = sp.acquire(member, max_records, &fetched, now);
        Ok((records, acquired))
    }

    fn share_fetch_ready(&self, d: &DelayedShareFetch) -> bool {
        for tp in &d.fetch {
            let Some(p) = self.partitions.get(tp) else {
                return true;
            };
            if !p.is_leader() {
                return true;
            }
            let hw = p.log.high_watermark();
            match self
                .share_partitions
                .partitions
                .get(&(d.group.clone(), *tp))
            {
                Some(sp) if sp.leader_epoch == p.leader_epoch => {
                    if sp.has_acquirable(hw) {
                        return true;
                    }
                }
                _ => return true,
            }
        }
        false
    }

    /// Complete parked share fetches on `tp` that can now acquire records (the high watermark
    /// moved, records were released or their locks expired).
    pub(crate) fn try_complete_share_fetches(&mut self, ctx: &mut Ctx, tp: Tp) {
        let ids: Vec<u64> = self
            .share_partitions
            .delayed
            .iter()
            .filter(|(_, d)| d.fetch.contains(&tp))
            .map(|(id, _)| *id)
            .collect();
        for id in ids {
            let ready = self
                .share_partitions
                .delayed
                .get(&id)
                .is_some_and(|d| self.share_fetch_ready(d));
            if ready {
                if let Some(d) = self.share_partitions.delayed.remove(&id) {
                    self.respond_share_fetch(ctx, &d);
                }
            }
        }
    }

    fn respond_share_fetch(&mut self, ctx: &mut Ctx, d: &DelayedShareFetch) {
        let (data, _, _) = self.read_share_fetch(ctx, d);
        ctx.send(
            d.from,
            Message::ShareFetchResponse {
                corr: d.corr,
                error: None,
                partitions: data,
            },
        );
        self.schedule_share_lock_timer(ctx);
    }

    /// Make sure a `ShareLockTimeout` fires at the earliest acquisition lock deadline.
    fn schedule_share_lock_timer(&mut self, ctx: &mut Ctx) {
        let next = self
            .share_partitions
            .partitions
            .values()
            .filter_map(SharePartition::next_lock_deadline)
            .min();
        let Some(at) = next else {
            return;
        };
        let pending = self
            .share_partitions
            .lock_timer_at
            .is_some_and(|t| t <= at && t >= ctx.now);
        if !pending {
            self.share_partitions.lock_timer_at = Some(at);
            ctx.set_timer(at.saturating_sub(ctx.now), Timer::ShareLockTimeout);
        }
    }

    /// Share timers: acquisition lock expiry and parked share fetches.
    pub(crate) fn on_share_timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::ShareLockTimeout => {
                if self
                    .share_partitions
                    .lock_timer_at
                    .is_some_and(|t| t <= ctx.now)
                {
                    self.share_partitions.lock_timer_at = None;
                }
                // Share-partitions of partitions this broker no longer leads (or leads in a
                // newer epoch) are gone: their state belonged to the old leadership.
                let partitions = &self.partitions;
                self.share_partitions.partitions.retain(|(_, tp), sp| {
                    partitions
                        .get(tp)
                        .is_some_and(|p| p.is_leader() && p.leader_epoch == sp.leader_epoch)
                });
                let now = ctx.now;
                let mut touched = Vec::new();
                for ((group, tp), sp) in self.share_partitions.partitions.iter_mut() {
                    let released = sp.expire_locks(now);
                    if released.is_empty() {
                        continue;
                    }
                    let archived = released
                        .iter()
                        .filter(|(o, _)| {
                            sp.state(*o)
                                .is_none_or(|s| s.state == RecordState::Archived)
                        })
                        .count();
                    touched.push((group.clone(), *tp, released, archived));
                }
                for (group, tp, released, archived) in &touched {
                    let offsets: Vec<String> =
                        released.iter().map(|(o, _)| o.to_string()).collect();
                    let mut members: Vec<&str> = released.iter().map(|(_, m)| short(m)).collect();
                    members.sort_unstable();
                    members.dedup();
                    let tail = if *archived > 0 {
                        format!(" ({archived} archived: group.share.delivery.count.limit reached)")
                    } else {
                        String::new()
                    };
                    ctx.emit(TraceKind::Group {
                        group: group.clone(),
                        event: format!(
                            "acquisition lock expired on {}-{} offsets {} held by {}: available again{tail}",
                            ctx.topic_name(*tp),
                            tp.partition,
                            offsets.join(", "),
                            members.join(", ")
                        ),
                    });
                }
                let tps: Vec<Tp> = touched.iter().map(|(_, tp, _, _)| *tp).collect();
                for tp in tps {
                    self.try_complete_share_fetches(ctx, tp);
                }
                self.schedule_share_lock_timer(ctx);
            }
            Timer::DelayedShareFetchExpire(id) => {
                if let Some(d) = self.share_partitions.delayed.remove(&id) {
                    self.respond_share_fetch(ctx, &d);
                }
            }
            _ => {}
        }
    }

    /// The broker stopped: share-partition state is lost (it is in memory only, see the module
    /// documentation) and parked share fetches see their connection reset.
    pub(crate) fn stop_share(&mut self, ctx: &mut Ctx) {
        let delayed = std::mem::take(&mut self.share_partitions.delayed);
        for d in delayed.values() {
            ctx.send(d.from, Message::Disconnected { corr: Some(d.corr) });
        }
        self.share_partitions = SharePartitionManager::default();
        self.share_groups.groups.clear();
    }
}

#[cfg(test)]
mod tests {
    //! Transcribed from Kafka's `SharePartitionTest` (core/src/test/java/kafka/server/share),
    //! adapted to per-record state: Kafka's `memoryRecords(n, start)` is `records(start, n)`,
    //! its `ShareAcknowledgementBatch(first, last, [type])` is `ack(first, last, type)`, and
    //! the acquisition lock timer is driven by `expire_locks(now)`.
    use super::*;

    const MEMBER_ID: &str = "member-1";
    const LOCK: Millis = 30_000;

    fn sp() -> SharePartition {
        SharePartition::new("g", Tp::new(0, 0), 0, 0, SharePartitionSettings::default())
    }

    fn sp_with(max_in_flight: i64, max_delivery_count: u16) -> SharePartition {
        SharePartition::new(
            "g",
            Tp::new(0, 0),
            0,
            0,
            SharePartitionSettings {
                max_in_flight,
                max_delivery_count,
                lock_duration_ms: LOCK,
            },
        )
    }

    fn records(start: i64, n: i64) -> Vec<FetchedOffset> {
        (start..start + n)
            .map(|offset| FetchedOffset { offset, data: true })
            .collect()
    }

    fn ack(first: i64, last: i64, t: AcknowledgeType) -> ShareAcknowledgementBatch {
        ShareAcknowledgementBatch {
            first_offset: first,
            last_offset: last,
            types: vec![t],
        }
    }

    fn acquired(first: i64, last: i64, count: u16) -> AcquiredRecords {
        AcquiredRecords {
            first_offset: first,
            last_offset: last,
            delivery_count: count,
        }
    }

    fn state(sp: &SharePartition, offset: i64) -> (RecordState, u16, Option<&str>) {
        let s = sp.state(offset).expect("offset in flight");
        (s.state, s.delivery_count, s.member_id.as_deref())
    }

    #[test]
    fn acquire_single_record() {
        // testAcquireSingleRecord
        let mut sp = sp();
        let got = sp.acquire(MEMBER_ID, 500, &records(0, 1), 0);
        assert_eq!(got, vec![acquired(0, 0, 1)]);
        assert_eq!(sp.start_offset, 0);
        assert_eq!(sp.end_offset, 1);
        assert_eq!(sp.next_fetch_offset(), 1);
        assert_eq!(state(&sp, 0), (RecordState::Acquired, 1, Some(MEMBER_ID)));
    }

    #[test]
    fn acquire_with_max_fetch_records() {
        // testAcquireWithMaxFetchRecords, with an exact record limit (Kafka rounds up to the
        // end of the fetched batch).
        let mut sp = sp();
        let got = sp.acquire(MEMBER_ID, 10, &records(0, 5), 0);
        assert_eq!(got, vec![acquired(0, 4, 1)]);
        assert_eq!(sp.next_fetch_offset(), 5);
        // A fetch of 0..25 again: 0..4 are acquired already, so only new records count.
        let got = sp.acquire(MEMBER_ID, 10, &records(0, 25), 0);
        assert_eq!(got, vec![acquired(5, 14, 1)]);
        assert_eq!(sp.next_fetch_offset(), 15);
    }

    #[test]
    fn can_acquire_records_with_cached_data_and_limit_reached() {
        // testCanAcquireRecordsWithCachedDataAndLimitReached
        let mut sp = sp_with(1, 5);
        sp.acquire(MEMBER_ID, 500, &records(0, 5), 0);
        assert!(!sp.can_acquire_records());
        // testCanAcquireRecordsWithEmptyCache
        assert!(sp_with(1, 5).can_acquire_records());
    }

    #[test]
    fn limit_is_checked_before_the_fetch() {
        // testMaybeUpdateCachedStateWhenAcknowledgementsInBetween
        let mut sp = sp_with(20, 5);
        sp.acquire(MEMBER_ID, 500, &records(0, 15), 0);
        assert!(sp.can_acquire_records());
        sp.acquire(MEMBER_ID, 500, &records(15, 15), 0);
        assert!(!sp.can_acquire_records());
        sp.acknowledge(MEMBER_ID, &[ack(10, 14, AcknowledgeType::Reject)])
            .expect("ack");
        assert_eq!(state(&sp, 9).0, RecordState::Acquired);
        assert_eq!(state(&sp, 10).0, RecordState::Archived);
        assert_eq!(state(&sp, 15), (RecordState::Acquired, 1, Some(MEMBER_ID)));
        assert!(!sp.can_acquire_records());
        assert_eq!(sp.start_offset, 0);
        // Kafka's endOffset 29 is the last in-flight offset; ours is exclusive.
        assert_eq!(sp.end_offset, 30);
        assert_eq!(sp.next_fetch_offset(), 30);
    }

    #[test]
    fn acknowledge_with_another_member() {
        // testAcknowledgeWithAnotherMember
        let mut sp = sp();
        sp.acquire(MEMBER_ID, 500, &records(5, 5), 0);
        assert_eq!(
            sp.acknowledge("member-2", &[ack(5, 9, AcknowledgeType::Reject)]),
            Err(ErrorCode::InvalidRecordState)
        );
        assert_eq!(state(&sp, 5).0, RecordState::Acquired);
    }

    #[test]
    fn acknowledge_when_offset_not_acquired() {
        // testAcknowledgeWhenOffsetNotAcquired
        let mut sp = sp();
        sp.acquire(MEMBER_ID, 500, &records(5, 5), 0);
        sp.acknowledge(MEMBER_ID, &[ack(5, 9, AcknowledgeType::Release)])
            .expect("release");
        // Acknowledging again fails: the records are available, not acquired.
        assert_eq!(
            sp.acknowledge(MEMBER_ID, &[ack(5, 9, AcknowledgeType::Accept)]),
            Err(ErrorCode::InvalidRecordState)
        );
        // Acquire them again and accept one of them.
        let got = sp.acquire(MEMBER_ID, 500, &records(5, 5), 0);
        assert_eq!(got, vec![acquired(5, 9, 2)]);
        sp.acknowledge(MEMBER_ID, &[ack(6, 6, AcknowledgeType::Accept)])
            .expect("accept");
        assert_eq!(state(&sp, 6).0, RecordState::Acknowledged);
        assert_eq!(
            sp.acknowledge(MEMBER_ID, &[ack(6, 6, AcknowledgeType::Accept)]),
            Err(ErrorCode::InvalidRecordState)
        );
    }

    #[test]
    fn acknowledge_rollback_with_subset_error() {
        // testAcknowledgeRollbackWithSubsetError: one bad offset fails the whole request.
        let mut sp = sp();
        sp.acquire(MEMBER_ID, 500, &records(5, 5), 0);
        sp.acquire(MEMBER_ID, 500, &records(10, 5), 0);
        sp.acknowledge(MEMBER_ID, &[ack(12, 12, AcknowledgeType::Accept)])
            .expect("accept");
        assert_eq!(
            sp.acknowledge(
                MEMBER_ID,
                &[
                    ack(5, 9, AcknowledgeType::Release),
                    ack(10, 14, AcknowledgeType::Accept)
                ]
            ),
            Err(ErrorCode::InvalidRecordState)
        );
        for o in 5..=9 {
            assert_eq!(state(&sp, o).0, RecordState::Acquired);
        }
        assert_eq!(state(&sp, 12).0, RecordState::Acknowledged);
    }

    #[test]
    fn acquire_released_record() {
        // testAcquireReleasedRecord
        let mut sp = sp();
        sp.start_offset = 10;
        sp.end_offset = 10;
        let got = sp.acquire(MEMBER_ID, 500, &records(10, 5), 0);
        assert_eq!(got, vec![acquired(10, 14, 1)]);
        assert_eq!(sp.next_fetch_offset(), 15);
        sp.acknowledge(MEMBER_ID, &[ack(12, 13, AcknowledgeType::Release)])
            .expect("release");
        assert_eq!(sp.next_fetch_offset(), 12);
        assert_eq!(state(&sp, 10), (RecordState::Acquired, 1, Some(MEMBER_ID)));
        assert_eq!(state(&sp, 12), (RecordState::Available, 1, None));
        assert_eq!(state(&sp, 13), (RecordState::Available, 1, None));
        assert_eq!(state(&sp, 14), (RecordState::Acquired, 1, Some(MEMBER_ID)));
        // The same fetch again: only the two released offsets come back, delivered twice.
        let got = sp.acquire(MEMBER_ID, 500, &records(10, 5), 0);
        assert_eq!(got, vec![acquired(12, 13, 2)]);
        assert_eq!(sp.next_fetch_offset(), 15);
    }

    #[test]
    fn next_fetch_offset_with_multiple_consumers() {
        // testNextFetchOffsetWithMultipleConsumers
        let mut sp = sp_with(100, 5);
        sp.acquire("member-1", 500, &records(0, 3), 0);
        assert_eq!(sp.next_fetch_offset(), 3);
        sp.acknowledge("member-1", &[ack(0, 2, AcknowledgeType::Release)])
            .expect("release");
        assert_eq!(sp.next_fetch_offset(), 0);
        // member-2 fetches from the end (Kafka's test hands it records 3..4 directly).
        let got = sp.acquire("member-2", 500, &records(3, 2), 0);
        assert_eq!(got, vec![acquired(3, 4, 1)]);
        assert_eq!(sp.next_fetch_offset(), 0);
        sp.acquire("member-1", 500, &records(0, 3), 0);
        assert_eq!(sp.next_fetch_offset(), 5);
        sp.acknowledge("member-2", &[ack(3, 4, AcknowledgeType::Release)])
            .expect("release");
        assert_eq!(sp.next_fetch_offset(), 3);
    }

    #[test]
    fn acquisition_lock_timeout_cause_max_delivery_count_exceed() {
        // testAcquisitionLockTimeoutCauseMaxDeliveryCountExceed
        let mut sp = sp_with(200, 2);
        sp.acquire(MEMBER_ID, 500, &records(0, 10), 0);
        sp.acquire(MEMBER_ID, 500, &records(10, 10), 0);
        assert_eq!(sp.next_lock_deadline(), Some(LOCK));
        // Nothing expires a millisecond early.
        assert!(sp.expire_locks(LOCK - 1).is_empty());
        assert_eq!(sp.expire_locks(LOCK).len(), 20);
        assert_eq!(sp.next_fetch_offset(), 0);
        assert_eq!(state(&sp, 10), (RecordState::Available, 1, None));
        assert_eq!(sp.next_lock_deadline(), None);
        // The second delivery of 10..19.
        let got = sp.acquire(MEMBER_ID, 500, &records(10, 10), LOCK);
        assert_eq!(got, vec![acquired(10, 19, 2)]);
        assert_eq!(state(&sp, 10), (RecordState::Acquired, 2, Some(MEMBER_ID)));
        sp.expire_locks(2 * LOCK);
        // Delivered twice without an acknowledgement: archived.
        assert_eq!(state(&sp, 10), (RecordState::Archived, 2, None));
        assert_eq!(sp.next_fetch_offset(), 0);
        assert_eq!(sp.stats.delivery_limit_archived, 10);
    }

    #[test]
    fn acquisition_lock_timeout_cause_spso_move_forward() {
        // testAcquisitionLockTimeoutCauseSPSOMoveForward: records acknowledged after 0..2
        // are left behind once 0..2 are archived by the delivery limit.
        let mut sp = sp_with(200, 1);
        sp.acquire(MEMBER_ID, 500, &records(0, 10), 0);
        sp.acknowledge(MEMBER_ID, &[ack(3, 9, AcknowledgeType::Accept)])
            .expect("accept");
        assert_eq!(sp.start_offset, 0);
        sp.expire_locks(LOCK);
        // 0..2 reached the delivery limit (1): archived, and the SPSO moves past everything.
        assert_eq!(sp.start_offset, 10);
        assert_eq!(sp.end_offset, 10);
        assert!(sp.in_flight.is_empty());
    }

    #[test]
    fn acknowledge_after_acquisition_lock_timeout() {
        // testAcknowledgeAfterAcquisitionLockTimeout
        let mut sp = sp();
        sp.acquire(MEMBER_ID, 500, &records(5, 5), 0);
        sp.expire_locks(LOCK);
        assert_eq!(
            sp.acknowledge(MEMBER_ID, &[ack(5, 9, AcknowledgeType::Accept)]),
            Err(ErrorCode::InvalidRecordState)
        );
        assert_eq!(state(&sp, 5), (RecordState::Available, 1, None));
    }

    #[test]
    fn max_delivery_count_limit_exceeded_for_record_batch() {
        // testMaxDeliveryCountLimitExceededForRecordBatch
        let mut sp = sp_with(200, 2);
        sp.acquire(MEMBER_ID, 500, &records(5, 10), 0);
        sp.acknowledge(MEMBER_ID, &[ack(5, 14, AcknowledgeType::Release)])
            .expect("release");
        sp.acquire(MEMBER_ID, 500, &records(5, 10), 0);
        sp.acknowledge(MEMBER_ID, &[ack(5, 14, AcknowledgeType::Release)])
            .expect("release");
        // All archived: the window is empty and the SPSO moved past it.
        assert!(sp.in_flight.is_empty());
        assert_eq!(sp.start_offset, 15);
        assert_eq!(sp.end_offset, 15);
    }

    #[test]
    fn maybe_update_cached_state_when_acknowledgement_type_accept_reject_release() {
        // testMaybeUpdateCachedStateWhenAcknowledgementTypeAccept / …Reject / …Release
        for (t, start) in [
            (AcknowledgeType::Accept, 250),
            (AcknowledgeType::Reject, 250),
            (AcknowledgeType::Release, 0),
        ] {
            let mut sp = sp_with(250, 5);
            sp.acquire(MEMBER_ID, 500, &records(0, 250), 0);
            assert!(!sp.can_acquire_records());
            sp.acknowledge(MEMBER_ID, &[ack(0, 249, t)]).expect("ack");
            assert_eq!(sp.start_offset, start, "{t:?}");
            assert_eq!(sp.next_fetch_offset(), start, "{t:?}");
            assert!(sp.can_acquire_records(), "{t:?}");
        }
    }

    #[test]
    fn spso_moves_only_over_a_contiguous_done_prefix() {
        // testMaybeUpdateCachedStateWhenAcknowledgementsFromBeginningForBatchSubset
        let mut sp = sp_with(20, 5);
        sp.acquire(MEMBER_ID, 500, &records(0, 15), 0);
        sp.acquire(MEMBER_ID, 500, &records(15, 15), 0);
        sp.acknowledge(MEMBER_ID, &[ack(0, 12, AcknowledgeType::Accept)])
            .expect("accept");
        assert_eq!(sp.start_offset, 13);
        // Accepting 14..29 leaves 13 in the way.
        sp.acknowledge(MEMBER_ID, &[ack(14, 29, AcknowledgeType::Accept)])
            .expect("accept");
        assert_eq!(sp.start_offset, 13);
        sp.acknowledge(MEMBER_ID, &[ack(13, 13, AcknowledgeType::Reject)])
            .expect("reject");
        assert_eq!(sp.start_offset, 30);
        assert!(sp.in_flight.is_empty());
    }

    #[test]
    fn release_acquired_records_with_another_member() {
        // testReleaseAcquiredRecordsWithAnotherMember
        let mut sp = sp();
        sp.acquire("member-1", 500, &records(5, 1), 0);
        sp.acquire("member-2", 500, &records(10, 5), 0);
        assert_eq!(sp.release_acquired_records("member-2"), 5);
        assert_eq!(state(&sp, 5), (RecordState::Acquired, 1, Some("member-1")));
        assert_eq!(state(&sp, 10), (RecordState::Available, 1, None));
        assert_eq!(sp.next_fetch_offset(), 10);
    }

    #[test]
    fn lso_movement_for_archiving_batches() {
        // testLsoMovementForArchivingBatches (the log start offset moves past the SPSO)
        let mut sp = sp();
        sp.start_offset = 2;
        sp.end_offset = 2;
        sp.acquire(MEMBER_ID, 500, &records(2, 5), 0);
        sp.acquire(MEMBER_ID, 500, &records(7, 5), 0);
        sp.acknowledge(MEMBER_ID, &[ack(2, 6, AcknowledgeType::Release)])
            .expect("release");
        sp.update_log_start_offset(7);
        assert_eq!(sp.start_offset, 7);
        assert_eq!(sp.end_offset, 12);
        assert_eq!(sp.next_fetch_offset(), 12);
        assert!(sp.state(2).is_none());
        assert_eq!(state(&sp, 7), (RecordState::Acquired, 1, Some(MEMBER_ID)));
    }

    #[test]
    fn lso_movement_then_lock_timeout_archives() {
        // testLsoMovementThenAcquisitionLockTimeoutThenAcknowledge
        let mut sp = sp();
        sp.acquire(MEMBER_ID, 500, &records(2, 1), 0);
        sp.update_log_start_offset(3);
        assert_eq!(sp.start_offset, 3);
        // Offset 2 stays acquired until its lock expires; then it is archived (below SPSO).
        assert_eq!(state(&sp, 2).0, RecordState::Acquired);
        sp.expire_locks(LOCK);
        assert!(sp.state(2).is_none());
        assert_eq!(sp.next_fetch_offset(), 3);
    }

    #[test]
    fn gaps_and_markers_are_archived_as_the_end_passes_them() {
        let mut sp = sp();
        let fetched = [
            FetchedOffset {
                offset: 0,
                data: true,
            },
            FetchedOffset {
                offset: 1,
                data: false,
            },
            FetchedOffset {
                offset: 4,
                data: true,
            },
        ];
        let got = sp.acquire(MEMBER_ID, 500, &fetched, 0);
        assert_eq!(got, vec![acquired(0, 0, 1), acquired(4, 4, 1)]);
        assert_eq!(state(&sp, 1), (RecordState::Archived, 0, None));
        assert_eq!(state(&sp, 2), (RecordState::Archived, 0, None));
        sp.acknowledge(MEMBER_ID, &[ack(0, 0, AcknowledgeType::Accept)])
            .expect("accept");
        assert_eq!(sp.start_offset, 4);
    }

    #[test]
    fn acknowledge_types_per_offset() {
        // testAcknowledgeMultipleRecordBatchWithGapOffsets: one type per offset.
        let mut sp = sp();
        sp.acquire(MEMBER_ID, 500, &records(0, 3), 0);
        let batch = ShareAcknowledgementBatch {
            first_offset: 0,
            last_offset: 2,
            types: vec![
                AcknowledgeType::Accept,
                AcknowledgeType::Release,
                AcknowledgeType::Reject,
            ],
        };
        sp.acknowledge(MEMBER_ID, &[batch]).expect("ack");
        assert_eq!(sp.start_offset, 1);
        assert_eq!(state(&sp, 1).0, RecordState::Available);
        assert_eq!(state(&sp, 2).0, RecordState::Archived);
        let bad = ShareAcknowledgementBatch {
            first_offset: 1,
            last_offset: 2,
            types: vec![AcknowledgeType::Accept; 3],
        };
        assert_eq!(
            sp.acknowledge(MEMBER_ID, &[bad]),
            Err(ErrorCode::InvalidRequest)
        );
    }
}
