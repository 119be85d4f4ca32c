//! A partition replica's log (`UnifiedLog`): segments of record batches, the log start and
//! end offsets, the high watermark, the leader-epoch cache, producer state for idempotence,
//! and transaction state for the last stable offset.
//!
//! Storage is chunked: a segment holds `Arc`-shared chunks of at most [`CHUNK_RECORDS`]
//! records, so cloning a log (snapshots for rewind) is cheap and appending copies at most
//! one small chunk that a snapshot still shares.

use crate::error::ErrorCode;
use crate::onevec::OneVec;
use crate::record::{BatchHeader, ControlType, Entry, Records, SlicePlan, NO_EPOCH, NO_SEQUENCE};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

/// Records per storage chunk.
pub const CHUNK_RECORDS: usize = 1024;
/// Kafka's `ProducerStateEntry.NUM_BATCHES_TO_RETAIN`.
pub const NUM_BATCHES_TO_RETAIN: usize = 5;
/// Linux's page-cache writeback, which puts a log's appends on disk when Kafka itself does not
/// flush them: the flusher threads wake every `vm.dirty_writeback_centisecs` (5 s) and write
/// the pages dirty for longer than `vm.dirty_expire_centisecs` (30 s), the kernel's defaults.
pub const WRITEBACK_INTERVAL_MS: i64 = 5_000;
pub const DIRTY_EXPIRE_MS: i64 = 30_000;

/// Whether the OS has written back the appends of writeback interval `interval` by `now`:
/// its flusher's last run (on a [`WRITEBACK_INTERVAL_MS`] tick) came at least
/// [`DIRTY_EXPIRE_MS`] after the interval ended.
fn written_back_by(interval: i64, now: i64) -> bool {
    let last_run = now.div_euclid(WRITEBACK_INTERVAL_MS) * WRITEBACK_INTERVAL_MS;
    (interval + 1) * WRITEBACK_INTERVAL_MS + DIRTY_EXPIRE_MS <= last_run
}

#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub base_offset: i64,
    /// Offset after the last record appended to this segment.
    pub next_offset: i64,
    pub size_bytes: usize,
    /// Timestamp of the first record appended (drives `segment.ms`).
    pub first_timestamp: Option<i64>,
    pub max_timestamp: i64,
    pub created_ms: i64,
    /// How many records compaction removed from this segment.
    pub compacted_away: usize,
    chunks: Vec<Arc<Records>>,
}

impl Segment {
    fn new(base_offset: i64, now: i64) -> Self {
        Segment {
            base_offset,
            next_offset: base_offset,
            size_bytes: 0,
            first_timestamp: None,
            max_timestamp: i64::MIN,
            created_ms: now,
            compacted_away: 0,
            chunks: Vec::new(),
        }
    }
    pub fn record_count(&self) -> usize {
        self.chunks.iter().map(|c| c.record_count()).sum()
    }
    /// No records (`record_count() == 0`), found at the first chunk that has one instead of
    /// by counting them all (the active segment is checked on every append).
    pub fn is_empty(&self) -> bool {
        !self.chunks.iter().any(|c| c.record_count() > 0)
    }
    pub fn chunks(&self) -> &[Arc<Records>] {
        &self.chunks
    }
    fn push(&mut self, batch: &Records) {
        let need_new = match self.chunks.last() {
            None => true,
            Some(c) => c.record_count() + batch.record_count() > CHUNK_RECORDS && !c.is_empty(),
        };
        if need_new {
            self.seal();
            // A chunk is sized after the full one before it (a steady stream fills it
            // alike): growing by doubling copied each chunk's arena about twice.
            let next = match self.chunks.last() {
                Some(prev) => Records::with_capacity_of(prev, CHUNK_RECORDS),
                None => Records::new(),
            };
            self.chunks.push(Arc::new(next));
        }
        if let Some(c) = self.chunks.last_mut() {
            Arc::make_mut(c).append(batch);
        }
        for b in batch.batches() {
            self.max_timestamp = self.max_timestamp.max(b.max_timestamp);
            if self.first_timestamp.is_none() {
                self.first_timestamp = Some(b.max_timestamp);
            }
            self.next_offset = self.next_offset.max(b.last_offset + 1);
        }
        self.size_bytes += batch.size_in_bytes();
    }
    /// The last chunk takes no more records: give back its vectors' spare capacity (they
    /// grew by doubling). A chunk a snapshot shares is left alone (copying it would cost more).
    fn seal(&mut self) {
        if let Some(c) = self.chunks.last_mut().and_then(Arc::get_mut) {
            c.shrink_to_fit();
        }
    }
    fn iter(&self) -> impl Iterator<Item = (&Records, &BatchHeader)> {
        self.chunks
            .iter()
            .flat_map(|c| c.batches().iter().map(move |b| (&**c, b)))
    }
    fn truncate_to(&mut self, offset: i64) {
        while let Some(last) = self.chunks.last() {
            match last.first_offset() {
                Some(f) if f >= offset => {
                    self.chunks.pop();
                }
                None => {
                    self.chunks.pop();
                }
                _ => break,
            }
        }
        if let Some(c) = self.chunks.last_mut() {
            if c.last_offset().is_some_and(|l| l >= offset) {
                Arc::make_mut(c).truncate_to(offset);
            }
        }
        self.size_bytes = self.chunks.iter().map(|c| c.size_in_bytes()).sum();
        self.next_offset = self
            .chunks
            .last()
            .and_then(|c| c.last_offset())
            .map_or(self.base_offset, |l| l + 1)
            .min(offset.max(self.base_offset));
        self.max_timestamp = self
            .iter()
            .map(|(_, b)| b.max_timestamp)
            .max()
            .unwrap_or(i64::MIN);
        if self.chunks.is_empty() {
            self.first_timestamp = None;
        }
    }
}

/// What one cleaning did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanStats {
    pub segments: usize,
    pub removed: usize,
    pub tombstones_removed: usize,
    pub aborted_removed: usize,
}

/// One entry of the leader-epoch cache: `epoch` started at `start_offset`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EpochEntry {
    pub epoch: i32,
    pub start_offset: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct BatchMeta {
    first_seq: i32,
    last_seq: i32,
    first_offset: i64,
    last_offset: i64,
    timestamp: i64,
}

/// Per-producer state on a replica (`ProducerStateEntry`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerStateEntry {
    pub producer_epoch: i16,
    batches: VecDeque<BatchMeta>,
    pub current_txn_first_offset: Option<i64>,
    pub last_timestamp: i64,
}

impl ProducerStateEntry {
    pub fn last_seq(&self) -> i32 {
        self.batches.back().map_or(NO_SEQUENCE, |b| b.last_seq)
    }
}

/// An aborted transaction in the transaction index (`AbortedTxn`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbortedTxn {
    pub producer_id: i64,
    pub first_offset: i64,
    pub last_offset: i64,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppendInfo {
    pub first_offset: i64,
    pub last_offset: i64,
    pub record_count: usize,
    /// The batch was a retry of one already in the log (idempotent producer): nothing was
    /// appended and the original offsets are returned.
    pub duplicate: bool,
    pub log_append_time: Option<i64>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Log {
    segments: Vec<Segment>,
    log_start_offset: i64,
    log_end_offset: i64,
    high_watermark: i64,
    epochs: Vec<EpochEntry>,
    producers: VecMap<i64, ProducerStateEntry>,
    /// Open transactions: first offset → producer id.
    ongoing_txns: VecMap<i64, i64>,
    /// Completed transactions whose marker is not yet below the HW: first offset → marker offset.
    unreplicated_txns: VecMap<i64, i64>,
    aborted_txns: Vec<AbortedTxn>,
    /// The log cleaner's checkpoint: everything below was cleaned at least once.
    pub first_dirty_offset: i64,
    /// Segment roll threshold (`segment.bytes`, `segment.ms`).
    pub segment_bytes: usize,
    pub segment_ms: i64,
    /// `flush.messages`: Kafka fsyncs the log once this many messages are unflushed.
    pub flush_messages: i64,
    /// `flush.ms`: the log flusher ([`Log::flush_if_due`]) fsyncs the log once its last
    /// flush is this old.
    pub flush_ms: i64,
    /// `LocalLog.lastFlushedTime`: when the recovery point last moved (or the log was
    /// created or loaded).
    last_flush_time: i64,
    /// `UnifiedLog.recoveryPoint`: everything below was flushed by Kafka (at a segment roll,
    /// or by `flush.messages`).
    recovery_point: i64,
    /// Below this the OS has written the appends back on its own ([`DIRTY_EXPIRE_MS`]).
    written_back: i64,
    /// Appends not yet written back: (writeback interval of the append, log end after it),
    /// one entry per interval.
    dirty: Vec<(i64, i64)>,
}

impl Log {
    pub fn new(segment_bytes: usize, segment_ms: i64, now: i64) -> Self {
        Log {
            segments: vec![Segment::new(0, now)],
            log_start_offset: 0,
            log_end_offset: 0,
            high_watermark: 0,
            epochs: Vec::new(),
            producers: VecMap::new(),
            ongoing_txns: VecMap::new(),
            unreplicated_txns: VecMap::new(),
            aborted_txns: Vec::new(),
            first_dirty_offset: 0,
            segment_bytes: segment_bytes.max(14),
            segment_ms: segment_ms.max(1),
            flush_messages: i64::MAX,
            flush_ms: i64::MAX,
            last_flush_time: now,
            recovery_point: 0,
            written_back: 0,
            dirty: Vec::new(),
        }
    }

    /// The offset below which the log is on disk at `now`: what Kafka flushed (the recovery
    /// point) or the OS wrote back. A power loss keeps only this much
    /// ([`Log::lose_unflushed`]).
    pub fn durable_offset(&self, now: i64) -> i64 {
        let written = self
            .dirty
            .iter()
            .take_while(|(interval, _)| written_back_by(*interval, now))
            .last()
            .map_or(self.written_back, |(_, end)| *end);
        self.recovery_point
            .max(written)
            .max(self.written_back)
            .clamp(self.log_start_offset, self.log_end_offset)
    }

    /// A power loss: the page cache is gone, and the log keeps what was on disk
    /// ([`Log::durable_offset`]), as Kafka's recovery after an unclean shutdown finds it.
    /// Returns the records removed.
    pub fn lose_unflushed(&mut self, now: i64) -> usize {
        let durable = self.durable_offset(now);
        let removed = self.truncate_to(durable);
        self.dirty.clear();
        self.recovery_point = self.log_end_offset;
        self.written_back = self.log_end_offset;
        removed
    }

    /// Appends up to the log end at `now` are in the page cache: flush them if
    /// `flush.messages` are unflushed (`UnifiedLog.append`), else leave them to the OS.
    #[inline(never)]
    fn note_dirty(&mut self, now: i64) {
        let leo = self.log_end_offset;
        if leo.saturating_sub(self.recovery_point) >= self.flush_messages {
            self.flush(leo, now);
            return;
        }
        let interval = now.div_euclid(WRITEBACK_INTERVAL_MS);
        match self.dirty.last_mut() {
            Some((i, end)) if *i == interval => *end = leo,
            _ => self.new_dirty_interval(interval, leo),
        }
    }

    /// The first append of a writeback interval: the intervals the OS has written back
    /// since leave the dirty list.
    #[inline(never)]
    fn new_dirty_interval(&mut self, interval: i64, leo: i64) {
        // At most DIRTY_EXPIRE_MS / WRITEBACK_INTERVAL_MS + 2 entries.
        self.dirty.push((interval, leo));
        let now = interval * WRITEBACK_INTERVAL_MS;
        let written = self
            .dirty
            .iter()
            .take_while(|(i, _)| written_back_by(*i, now))
            .count();
        if let Some(&(_, end)) = written.checked_sub(1).and_then(|n| self.dirty.get(n)) {
            self.written_back = self.written_back.max(end);
        }
        self.dirty.drain(..written);
    }

    /// `UnifiedLog.flush`: everything below `offset` is on disk. Moving the recovery point
    /// is a flush (`LocalLog.markFlushed`).
    #[inline(never)]
    fn flush(&mut self, offset: i64, now: i64) {
        if offset > self.recovery_point {
            self.recovery_point = offset;
            self.last_flush_time = now;
        }
        self.dirty.retain(|(_, end)| *end > offset);
    }

    /// The log flusher's look at this log (`LogManager.flushDirtyLogs`): flush everything
    /// if the last flush is at least `flush.ms` old. Returns whether it flushed.
    pub fn flush_if_due(&mut self, now: i64) -> bool {
        let leo = self.log_end_offset;
        if now.saturating_sub(self.last_flush_time) < self.flush_ms || leo <= self.recovery_point {
            return false;
        }
        self.flush(leo, now);
        true
    }

    /// The broker (re)loaded the log: its flush clock starts now (`LocalLog`'s
    /// `lastFlushedTime` starts at the load).
    pub fn loaded_at(&mut self, now: i64) {
        self.last_flush_time = now;
    }

    pub fn log_start_offset(&self) -> i64 {
        self.log_start_offset
    }
    pub fn log_end_offset(&self) -> i64 {
        self.log_end_offset
    }
    pub fn high_watermark(&self) -> i64 {
        self.high_watermark
    }
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
    pub fn epochs(&self) -> &[EpochEntry] {
        &self.epochs
    }
    pub fn latest_epoch(&self) -> Option<i32> {
        self.epochs.last().map(|e| e.epoch)
    }
    pub fn size_bytes(&self) -> usize {
        self.segments.iter().map(|s| s.size_bytes).sum()
    }
    pub fn record_count(&self) -> usize {
        self.segments.iter().map(Segment::record_count).sum()
    }
    pub fn producer_state(&self, producer_id: i64) -> Option<&ProducerStateEntry> {
        self.producers.get(&producer_id)
    }
    pub fn producers(&self) -> &VecMap<i64, ProducerStateEntry> {
        &self.producers
    }
    pub fn aborted_txns(&self) -> &[AbortedTxn] {
        &self.aborted_txns
    }

    /// The first offset of the earliest transaction that is open or whose marker is not yet
    /// replicated (`firstUnstableOffset`).
    pub fn first_unstable_offset(&self) -> Option<i64> {
        let a = self.ongoing_txns.keys().next().copied();
        let b = self.unreplicated_txns.keys().next().copied();
        match (a, b) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        }
    }

    /// `LSO = min(firstUnstableOffset, HW)`.
    pub fn last_stable_offset(&self) -> i64 {
        self.first_unstable_offset()
            .map_or(self.high_watermark, |f| f.min(self.high_watermark))
    }

    /// Set the high watermark (clamped to `[log start, LEO]`). Returns true if it moved.
    pub fn update_high_watermark(&mut self, hw: i64) -> bool {
        let hw = hw.clamp(self.log_start_offset, self.log_end_offset);
        let moved = hw != self.high_watermark;
        self.high_watermark = hw;
        self.unreplicated_txns.retain(|_, last| *last >= hw);
        moved
    }

    /// `LeaderEpochFileCache.assign`: record that `epoch` starts at `start_offset`.
    pub fn assign_epoch_start(&mut self, epoch: i32, start_offset: i64) {
        if epoch < 0 {
            return;
        }
        if let Some(last) = self.epochs.last() {
            if last.epoch >= epoch {
                return;
            }
        }
        // Entries with a larger start offset are invalid now.
        self.epochs
            .retain(|e| e.start_offset < start_offset || e.epoch >= epoch);
        self.epochs.push(EpochEntry {
            epoch,
            start_offset,
        });
    }

    /// `LeaderEpochFileCache.endOffsetFor`: the end offset of `requested` epoch as this log
    /// knows it, with the largest epoch `<= requested`. `(NO_EPOCH, -1)` if unknown.
    pub fn end_offset_for_epoch(&self, requested: i32) -> (i32, i64) {
        if requested < 0 {
            return (NO_EPOCH, -1);
        }
        if self.latest_epoch() == Some(requested) {
            return (requested, self.log_end_offset);
        }
        let higher = self.epochs.iter().find(|e| e.epoch > requested);
        match higher {
            None => (NO_EPOCH, -1),
            Some(h) => match self.epochs.iter().rev().find(|e| e.epoch <= requested) {
                None => (requested, h.start_offset),
                Some(f) => (f.epoch, h.start_offset),
            },
        }
    }

    fn active(&mut self) -> &mut Segment {
        if self.segments.is_empty() {
            self.segments.push(Segment::new(self.log_end_offset, 0));
        }
        let n = self.segments.len();
        &mut self.segments[n - 1]
    }

    fn maybe_roll(&mut self, incoming_bytes: usize, first_ts: i64, now: i64) {
        let leo = self.log_end_offset;
        let seg_bytes = self.segment_bytes;
        let seg_ms = self.segment_ms;
        let a = self.active();
        if a.is_empty() {
            return;
        }
        let by_size = a.size_bytes + incoming_bytes > seg_bytes;
        let by_time = a
            .first_timestamp
            .is_some_and(|t| first_ts.max(now) - t >= seg_ms);
        if by_size || by_time {
            self.roll(Segment::new(leo, now), now);
        }
    }

    /// Roll the active segment if it is older than `segment.ms` (Kafka also rolls on the next
    /// append; the simulator checks at retention time so idle logs can expire).
    pub fn roll_if_expired(&mut self, now: i64) {
        let seg_ms = self.segment_ms;
        let leo = self.log_end_offset;
        let a = self.active();
        if !a.is_empty() && a.first_timestamp.is_some_and(|t| now - t >= seg_ms) {
            self.roll(Segment::new(leo, now), now);
        }
    }

    /// A new active segment: the old one is closed for appends.
    fn roll(&mut self, next: Segment, now: i64) {
        if let Some(a) = self.segments.last_mut() {
            a.seal();
        }
        // `UnifiedLog.roll` schedules `flushUptoOffsetExclusive(newSegment.baseOffset)`.
        self.flush(next.base_offset, now);
        self.segments.push(next);
    }

    /// Validate and append a producer's batches as the leader (`appendAsLeader`): assign
    /// offsets, run the idempotence checks, and track transactions.
    pub fn append_as_leader(
        &mut self,
        mut batch: Records,
        leader_epoch: i32,
        now: i64,
        log_append_time: bool,
    ) -> Result<AppendInfo, ErrorCode> {
        let Some(first) = batch.batches().first().cloned() else {
            return Err(ErrorCode::InvalidRequest);
        };
        // Idempotence: duplicate detection and sequence checks (per batch; producers send one
        // batch per partition per request).
        if first.has_producer_id() && first.control.is_none() {
            if let Some(entry) = self.producers.get(&first.producer_id) {
                if first.producer_epoch < entry.producer_epoch {
                    return Err(ErrorCode::InvalidProducerEpoch);
                }
                // Coordinator writes (transactional offset commits) carry no sequence.
                if first.base_sequence < 0 {
                    // nothing more to check
                } else if first.producer_epoch == entry.producer_epoch {
                    let last_seq = first.last_sequence();
                    if let Some(dup) = entry
                        .batches
                        .iter()
                        .find(|m| m.first_seq == first.base_sequence && m.last_seq == last_seq)
                    {
                        return Ok(AppendInfo {
                            first_offset: dup.first_offset,
                            last_offset: dup.last_offset,
                            record_count: 0,
                            duplicate: true,
                            log_append_time: None,
                        });
                    }
                }
                if first.base_sequence >= 0 {
                    check_sequence(entry, first.producer_epoch, first.base_sequence)?;
                }
            }
        }
        let count = batch.record_count();
        let first_ts = first.max_timestamp;
        self.maybe_roll(batch.size_in_bytes(), first_ts, now);
        let lat = if log_append_time { Some(now) } else { None };
        let base = self.log_end_offset;
        batch.assign_offsets(base, leader_epoch, lat);
        self.assign_epoch_start(leader_epoch, base);
        self.apply_appended(&batch, now);
        Ok(AppendInfo {
            first_offset: base,
            last_offset: base + count as i64 - 1,
            record_count: count,
            duplicate: false,
            log_append_time: lat,
        })
    }

    /// Append a control batch (transaction marker) as the leader.
    pub fn append_control_as_leader(
        &mut self,
        mut marker: Records,
        leader_epoch: i32,
        now: i64,
    ) -> Result<i64, ErrorCode> {
        let Some(first) = marker.batches().first().cloned() else {
            return Err(ErrorCode::InvalidRequest);
        };
        if let Some(entry) = self.producers.get(&first.producer_id) {
            if first.producer_epoch < entry.producer_epoch {
                return Err(ErrorCode::InvalidProducerEpoch);
            }
        }
        self.maybe_roll(marker.size_in_bytes(), now, now);
        let base = self.log_end_offset;
        marker.assign_offsets(base, leader_epoch, None);
        self.assign_epoch_start(leader_epoch, base);
        self.apply_appended(&marker, now);
        Ok(base)
    }

    /// Append replicated batches as a follower: offsets are the leader's.
    pub fn append_as_follower(&mut self, records: &Records, now: i64) -> Result<(), ErrorCode> {
        let Some(first) = records.first_offset() else {
            return Ok(());
        };
        // Compaction on the leader leaves gaps: a batch may start past our end, never before.
        if first < self.log_end_offset {
            return Err(ErrorCode::OffsetOutOfRange);
        }
        for b in records.batches() {
            self.assign_epoch_start(b.partition_leader_epoch, b.base_offset);
        }
        self.maybe_roll(
            records.size_in_bytes(),
            records.batches().first().map_or(now, |b| b.max_timestamp),
            now,
        );
        self.apply_appended(records, now);
        Ok(())
    }

    fn apply_appended(&mut self, records: &Records, now: i64) {
        self.active().push(records);
        for b in records.batches() {
            self.log_end_offset = self.log_end_offset.max(b.last_offset + 1);
            self.update_producer_state(b, now);
        }
        self.note_dirty(now);
    }

    fn update_producer_state(&mut self, b: &BatchHeader, _now: i64) {
        if !b.has_producer_id() {
            return;
        }
        let entry = self
            .producers
            .entry(b.producer_id)
            .or_insert_with(|| ProducerStateEntry {
                producer_epoch: b.producer_epoch,
                batches: VecDeque::new(),
                current_txn_first_offset: None,
                last_timestamp: b.max_timestamp,
            });
        if b.producer_epoch > entry.producer_epoch {
            entry.producer_epoch = b.producer_epoch;
            entry.batches.clear();
        }
        entry.last_timestamp = b.max_timestamp;
        match b.control {
            Some(ctl) => {
                if let Some(first) = entry.current_txn_first_offset.take() {
                    self.ongoing_txns.remove(&first);
                    if b.last_offset >= self.high_watermark {
                        self.unreplicated_txns.insert(first, b.last_offset);
                    }
                    if ctl == ControlType::Abort {
                        self.aborted_txns.push(AbortedTxn {
                            producer_id: b.producer_id,
                            first_offset: first,
                            last_offset: b.last_offset,
                        });
                    }
                }
            }
            None => {
                if b.base_sequence >= 0 {
                    entry.batches.push_back(BatchMeta {
                        first_seq: b.base_sequence,
                        last_seq: b.last_sequence(),
                        first_offset: b.base_offset,
                        last_offset: b.last_offset,
                        timestamp: b.max_timestamp,
                    });
                    while entry.batches.len() > NUM_BATCHES_TO_RETAIN {
                        entry.batches.pop_front();
                    }
                }
                if b.is_transactional && entry.current_txn_first_offset.is_none() {
                    entry.current_txn_first_offset = Some(b.base_offset);
                    self.ongoing_txns.insert(b.base_offset, b.producer_id);
                }
            }
        }
    }

    /// Truncate the log to `offset` (remove every record at or above it), as a follower does
    /// after a leader change. Producer and transaction state are rebuilt from what remains.
    pub fn truncate_to(&mut self, offset: i64) -> usize {
        if offset >= self.log_end_offset {
            // UnifiedLog.truncateTo: "Always truncate epoch cache since we may have a
            // conflicting epoch entry at the end of the log from the leader" (a former leader
            // that started an epoch at its LEO and appended nothing). Without this the
            // follower kept sending that epoch and the leader kept answering with the same
            // diverging epoch, forever (simulation harness finding, issue 8).
            let leo = self.log_end_offset;
            self.epochs.retain(|e| e.start_offset < leo);
            return 0;
        }
        let offset = offset.max(self.log_start_offset);
        let before = self.record_count();
        while self.segments.len() > 1
            && self
                .segments
                .last()
                .is_some_and(|s| s.base_offset >= offset)
        {
            self.segments.pop();
        }
        if let Some(s) = self.segments.last_mut() {
            s.truncate_to(offset);
        }
        self.log_end_offset = offset;
        if self.high_watermark > offset {
            self.high_watermark = offset;
        }
        self.epochs.retain(|e| e.start_offset < offset);
        self.recovery_point = self.recovery_point.min(offset);
        self.written_back = self.written_back.min(offset);
        for (_, end) in self.dirty.iter_mut() {
            *end = (*end).min(offset);
        }
        // `LogManager.truncateTo`: the cleaner's checkpoint goes back to the active segment's
        // base offset if it was beyond (`maybeTruncateCleanerCheckpointToActiveSegmentBaseOffset`),
        // so that what is appended again there is cleaned too.
        let active = self.segments.last().map_or(offset, |s| s.base_offset);
        self.first_dirty_offset = self.first_dirty_offset.min(active);
        self.rebuild_producer_state();
        before - self.record_count()
    }

    fn rebuild_producer_state(&mut self) {
        self.producers.clear();
        self.ongoing_txns.clear();
        self.unreplicated_txns.clear();
        self.aborted_txns.clear();
        let hw = self.high_watermark;
        let batches: Vec<BatchHeader> = self
            .segments
            .iter()
            .flat_map(|s| s.iter().map(|(_, b)| b.clone()))
            .collect();
        for b in &batches {
            self.update_producer_state(b, 0);
        }
        self.unreplicated_txns.retain(|_, last| *last >= hw);
    }

    /// Read from `from` up to (not including) `upper` (the HW, LSO or LEO), whole batches,
    /// at most `max_bytes` but at least one batch. `OFFSET_OUT_OF_RANGE` outside
    /// `[start, LEO]`.
    pub fn read(&self, from: i64, upper: i64, max_bytes: usize) -> Result<Records, ErrorCode> {
        self.read_within(from, upper, max_bytes, true)
    }

    /// [`Log::read`]; without `min_one`, a first batch larger than `max_bytes` is not taken
    /// either (Kafka's `minOneMessage`: a fetch's partitions after the first with data).
    pub fn read_within(
        &self,
        from: i64,
        upper: i64,
        max_bytes: usize,
        min_one: bool,
    ) -> Result<Records, ErrorCode> {
        self.read_into(from, upper, max_bytes, min_one, &mut Records::new)
    }

    /// [`Log::read_within`] into a set `spare` gives when there is something to read: an
    /// empty one whose vectors are kept from an earlier read (a broker's fetch responses
    /// are handed back once read, [`crate::sim::Spare`]).
    pub fn read_into(
        &self,
        from: i64,
        upper: i64,
        max_bytes: usize,
        min_one: bool,
        // `dyn`: one copy of this function in the page's wasm, not one per caller.
        spare: &mut dyn FnMut() -> Records,
    ) -> Result<Records, ErrorCode> {
        if from < self.log_start_offset || from > self.log_end_offset {
            return Err(ErrorCode::OffsetOutOfRange);
        }
        if from >= upper {
            return Ok(Records::new());
        }
        // Plan every chunk's share first, then reserve once and copy: appending chunk by
        // chunk grew the response's arena again and again (a fifth of the standard
        // workload's instructions went to `realloc` copying it). Most reads take one chunk:
        // its plan is held inline, not allocated.
        let mut plans: OneVec<(&Records, SlicePlan)> = OneVec::new();
        let (mut size, mut last) = (0usize, None::<i64>);
        let seg_idx = self.segments.partition_point(|s| s.next_offset <= from);
        'outer: for seg in self.segments.iter().skip(seg_idx) {
            // Chunks are in offset order: skip those below `from` by bisection (a segment
            // holds thousands of chunks: scanning them made every read linear in the log).
            // Empty chunks break the order but hold nothing, so no chunk that does is skipped.
            // Most readers are at the tail: their read starts in the last chunk, whose first
            // offset says so without the bisection (every chunk before it ends below it).
            let first = match seg.chunks.last() {
                Some(c) if c.first_offset().is_some_and(|f| f <= from) => seg.chunks.len() - 1,
                _ => seg
                    .chunks
                    .partition_point(|c| c.last_offset().is_some_and(|l| l < from)),
            };
            for chunk in seg.chunks.get(first..).unwrap_or(&[]) {
                if chunk.last_offset().is_some_and(|l| l < from) {
                    continue;
                }
                let remaining = max_bytes.saturating_sub(size);
                let was_empty = plans.is_empty();
                // Only the read's first batch may be larger than what is left.
                let may_exceed = min_one && was_empty;
                let plan = chunk.slice_plan(
                    from.max(last.map_or(from, |l| l + 1)),
                    upper,
                    if was_empty { max_bytes } else { remaining },
                    may_exceed,
                );
                if plan.batches() == 0 {
                    if chunk.last_offset().is_some_and(|l| l >= upper)
                        || (!was_empty && remaining == 0)
                        || (!may_exceed && !chunk.is_empty())
                    {
                        break 'outer;
                    }
                    continue;
                }
                size += plan.size_in_bytes();
                last = chunk.planned_last_offset(plan);
                plans.push((chunk, plan));
                if size >= max_bytes {
                    break 'outer;
                }
                if chunk.last_offset().is_some_and(|l| l >= upper) {
                    break 'outer;
                }
            }
        }
        if plans.is_empty() {
            return Ok(Records::new());
        }
        let mut out = spare();
        out.clear();
        out.reserve_for(&plans);
        for &(chunk, plan) in plans.iter() {
            out.append_planned(chunk, plan);
        }
        Ok(out)
    }

    /// The batch containing `offset`, with its chunk.
    pub fn entry_at(&self, offset: i64) -> Option<(BatchHeader, Entry)> {
        let (chunk, e) = self.chunk_entry_at(offset)?;
        let b = chunk.batch_containing(offset)?;
        Some((b.clone(), *e))
    }

    /// The timestamp of the record at `offset` (what [`Log::entry_at`] gives, without looking
    /// its batch up: a group's time lag reads one per partition on every frame of the page).
    pub fn timestamp_at(&self, offset: i64) -> Option<i64> {
        self.chunk_entry_at(offset).map(|(_, e)| e.timestamp)
    }

    /// The chunk holding the record at `offset`, and the record's entry.
    fn chunk_entry_at(&self, offset: i64) -> Option<(&Records, &Entry)> {
        let seg_idx = self.segments.partition_point(|s| s.next_offset <= offset);
        let seg = self.segments.get(seg_idx)?;
        // Chunks are in offset order: the one holding `offset` is the first that reaches it
        // (empty chunks, left by truncation or compaction, are skipped).
        let first = seg
            .chunks
            .partition_point(|c| c.last_offset().is_some_and(|l| l < offset));
        for chunk in seg.chunks.get(first..).unwrap_or(&[]) {
            if chunk.first_offset().is_some_and(|f| f > offset) {
                return None;
            }
            if let Some(e) = chunk.entry_at(offset) {
                return Some((chunk, e));
            }
        }
        None
    }

    /// The record id stored at `offset`, if any (without finding its batch).
    pub fn id_at(&self, offset: i64) -> Option<u64> {
        self.chunk_entry_at(offset).map(|(_, e)| e.id)
    }

    /// Every chunk, in offset order (for views and scans).
    pub fn chunks(&self) -> impl Iterator<Item = &Records> {
        self.segments
            .iter()
            .flat_map(|s| s.chunks.iter().map(|c| &**c))
    }

    /// `offsetsForTimes`: the first offset with `timestamp >= ts` (in offset order, starting in
    /// the first segment whose largest timestamp is `>= ts`), below `upper`.
    pub fn offset_for_timestamp(&self, ts: i64, upper: i64) -> Option<(i64, i64)> {
        let seg = self.segments.iter().position(|s| s.max_timestamp >= ts)?;
        for s in self.segments.iter().skip(seg) {
            for c in &s.chunks {
                for e in c.entries() {
                    if e.offset >= upper {
                        return None;
                    }
                    if e.offset >= self.log_start_offset && e.timestamp >= ts {
                        return Some((e.offset, e.timestamp));
                    }
                }
            }
        }
        None
    }

    /// Aborted transactions overlapping `[from, upper)` (for read_committed fetches).
    pub fn aborted_txns_in(&self, from: i64, upper: i64) -> Vec<AbortedTxn> {
        self.aborted_txns
            .iter()
            .filter(|t| t.last_offset >= from && t.first_offset < upper)
            .copied()
            .collect()
    }

    /// `truncateFullyAndStartAt`: drop everything; the log starts and ends at `offset`.
    pub fn reset_to(&mut self, offset: i64) {
        self.segments = vec![Segment::new(offset, 0)];
        self.log_start_offset = offset;
        self.log_end_offset = offset;
        self.high_watermark = offset;
        self.epochs.clear();
        self.producers.clear();
        self.ongoing_txns.clear();
        self.unreplicated_txns.clear();
        self.aborted_txns.clear();
        self.recovery_point = offset;
        self.written_back = offset;
        self.dirty.clear();
        self.first_dirty_offset = self.first_dirty_offset.min(offset);
    }

    /// Advance the log start offset (DeleteRecords, or after segment deletion).
    pub fn advance_log_start(&mut self, offset: i64) {
        let o = offset.min(self.high_watermark).max(self.log_start_offset);
        self.log_start_offset = o;
        while self.segments.len() > 1 && self.segments.get(1).is_some_and(|s| s.base_offset <= o) {
            self.segments.remove(0);
        }
    }

    /// `deleteOldSegments` for `cleanup.policy=delete`: delete whole segments from the oldest
    /// while they are expired by `retention.ms` or the log exceeds `retention.bytes`, never a
    /// segment reaching above the HW. Returns the number of segments deleted.
    pub fn delete_old_segments(
        &mut self,
        now: i64,
        retention_ms: i64,
        retention_bytes: i64,
    ) -> usize {
        let mut deleted = 0;
        let mut size = self.size_bytes() as i64;
        loop {
            let n = self.segments.len();
            let Some(first) = self.segments.first() else {
                break;
            };
            let upper = if n > 1 {
                self.segments
                    .get(1)
                    .map_or(self.log_end_offset, |s| s.base_offset)
            } else {
                self.log_end_offset
            };
            if first.record_count() == 0 && n == 1 {
                break;
            }
            if upper > self.high_watermark {
                break;
            }
            let by_time = retention_ms >= 0
                && first.record_count() > 0
                && now - first.max_timestamp > retention_ms;
            let by_size = retention_bytes >= 0 && size - first.size_bytes as i64 >= retention_bytes;
            if !(by_time || by_size) {
                break;
            }
            size -= first.size_bytes as i64;
            if n == 1 {
                // Deleting the active segment: roll a new empty one first.
                self.roll(Segment::new(self.log_end_offset, now), now);
            }
            self.segments.remove(0);
            deleted += 1;
            let new_start = self
                .segments
                .first()
                .map_or(self.log_end_offset, |s| s.base_offset);
            self.log_start_offset = self.log_start_offset.max(new_start);
        }
        if deleted > 0 {
            // Producer state for batches that are gone is kept (Kafka keeps snapshots), but
            // aborted-transaction entries entirely below the start can go.
            let start = self.log_start_offset;
            self.aborted_txns.retain(|t| t.last_offset >= start);
        }
        deleted
    }

    /// The cleaner's upper bound (`firstUncleanableOffset`): the LSO, the active segment's
    /// base (the active segment is never compacted), and the first segment still within
    /// `min.compaction.lag.ms`.
    pub fn first_uncleanable_offset(&self, now: i64, min_compaction_lag_ms: i64) -> i64 {
        let active_base = self
            .segments
            .last()
            .map_or(self.log_end_offset, |s| s.base_offset);
        let mut u = self.last_stable_offset().min(active_base);
        if min_compaction_lag_ms > 0 {
            if let Some(s) = self
                .segments
                .iter()
                .find(|s| s.record_count() > 0 && s.max_timestamp > now - min_compaction_lag_ms)
            {
                u = u.min(s.base_offset);
            }
        }
        u
    }

    /// Share of the cleanable part not yet cleaned (`LogToClean.cleanableRatio`).
    pub fn dirty_ratio(&self, uncleanable: i64) -> f64 {
        let mut clean = 0usize;
        let mut dirty = 0usize;
        for s in self
            .segments
            .iter()
            .filter(|s| s.next_offset <= uncleanable && s.record_count() > 0)
        {
            if s.base_offset >= self.first_dirty_offset {
                dirty += s.size_bytes;
            } else {
                clean += s.size_bytes;
            }
        }
        if clean + dirty == 0 {
            0.0
        } else {
            dirty as f64 / (clean + dirty) as f64
        }
    }

    /// Compact the closed segments below `uncleanable` (`Cleaner.doClean`): keep the latest
    /// record per key; drop records of aborted transactions; keep tombstones until
    /// `delete.retention.ms` after the cleaning that first kept them. Offsets are preserved.
    pub fn clean(&mut self, now: i64, delete_retention_ms: i64, uncleanable: i64) -> CleanStats {
        let mut stats = CleanStats::default();
        let count = self
            .segments
            .iter()
            .take_while(|s| s.next_offset <= uncleanable)
            .count();
        if count == 0 {
            return stats;
        }
        // The offset map: key → latest offset in the cleanable range.
        let mut latest: BTreeMap<Vec<u8>, i64> = BTreeMap::new();
        for seg in self.segments.iter().take(count) {
            for (records, b) in seg.iter() {
                if b.control.is_some() {
                    continue;
                }
                for e in records.batch_entries(b) {
                    if let Some(k) = records.key(e) {
                        latest.insert(k.to_vec(), e.offset);
                    }
                }
            }
        }
        let aborted = self.aborted_txns.clone();
        let mut cleaned = Vec::new();
        for idx in 0..count {
            let (Some(seg), Some(records)) =
                (self.segments.get(idx).cloned(), self.segment_records(idx))
            else {
                continue;
            };
            let mut out = Records::new();
            let mut removed = 0usize;
            for b in records.batches() {
                let in_aborted = b.is_transactional
                    && b.control.is_none()
                    && aborted.iter().any(|t| {
                        t.producer_id == b.producer_id
                            && t.first_offset <= b.base_offset
                            && b.base_offset < t.last_offset
                    });
                let horizon_passed = b.delete_horizon_ms.is_some_and(|h| now >= h);
                let mut kept_tombstone = false;
                let kept = out.append_batch_from(&records, b, |e| {
                    if in_aborted {
                        return false;
                    }
                    if b.control.is_some() {
                        return true;
                    }
                    let is_latest = records
                        .key(e)
                        .is_some_and(|k| latest.get(k) == Some(&e.offset));
                    if !is_latest {
                        return false;
                    }
                    if e.is_tombstone() {
                        if horizon_passed {
                            return false;
                        }
                        kept_tombstone = true;
                    }
                    true
                });
                let dropped = b.record_count() - kept;
                removed += dropped;
                if in_aborted {
                    stats.aborted_removed += dropped;
                }
                if horizon_passed {
                    stats.tombstones_removed += records
                        .batch_entries(b)
                        .iter()
                        .filter(|e| e.is_tombstone())
                        .count()
                        .min(dropped);
                }
                if kept == 0 && b.control.is_none() {
                    out.pop_batch();
                } else if kept_tombstone && b.delete_horizon_ms.is_none() {
                    out.set_last_delete_horizon(now + delete_retention_ms);
                }
            }
            stats.removed += removed;
            stats.segments += 1;
            cleaned.push((seg, out, removed));
        }
        self.replace_segments(count, cleaned);
        self.first_dirty_offset = self.first_dirty_offset.max(uncleanable);
        stats
    }

    /// Replace segments (used by the log cleaner) keeping offsets.
    pub fn replace_segments(&mut self, count: usize, cleaned: Vec<(Segment, Records, usize)>) {
        let mut new_segments = Vec::new();
        for (mut seg, records, removed) in cleaned {
            seg.chunks = Vec::new();
            seg.size_bytes = 0;
            let mut chunk = Records::new();
            for b in records.batches() {
                if chunk.record_count() + b.record_count() > CHUNK_RECORDS && !chunk.is_empty() {
                    seg.chunks.push(Arc::new(std::mem::take(&mut chunk)));
                }
                chunk.append_batch_from(&records, b, |_| true);
            }
            if !chunk.is_empty() {
                seg.chunks.push(Arc::new(chunk));
            }
            seg.size_bytes = seg.chunks.iter().map(|c| c.size_in_bytes()).sum();
            seg.compacted_away += removed;
            new_segments.push(seg);
        }
        let rest = self.segments.split_off(count.min(self.segments.len()));
        new_segments.extend(rest);
        self.segments = new_segments;
    }

    /// A segment's batches materialised as one `Records` (for the cleaner).
    pub fn segment_records(&self, idx: usize) -> Option<Records> {
        let seg = self.segments.get(idx)?;
        let mut r = Records::new();
        for c in &seg.chunks {
            r.append(c);
        }
        Some(r)
    }
}

fn in_sequence(last_seq: i32, next_seq: i32) -> bool {
    next_seq == last_seq.wrapping_add(1) || (next_seq == 0 && last_seq == i32::MAX)
}

/// `ProducerAppendInfo.checkSequence` for a producer the log already knows.
fn check_sequence(entry: &ProducerStateEntry, epoch: i16, first_seq: i32) -> Result<(), ErrorCode> {
    if epoch != entry.producer_epoch {
        if first_seq != 0 {
            return Err(ErrorCode::OutOfOrderSequenceNumber);
        }
        return Ok(());
    }
    let last = entry.last_seq();
    if last == NO_SEQUENCE {
        // Known producer without retained batches (e.g. only markers): Kafka accepts only
        // when it has no epoch; here the epoch is known, so the sequence must start at 0.
        return if first_seq == 0 {
            Ok(())
        } else {
            Err(ErrorCode::OutOfOrderSequenceNumber)
        };
    }
    if in_sequence(last, first_seq) {
        Ok(())
    } else {
        Err(ErrorCode::OutOfOrderSequenceNumber)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{NewRecord, ProducerStamp};

    fn batch(n: usize, stamp: ProducerStamp) -> Records {
        let recs: Vec<NewRecord> = (0..n)
            .map(|i| NewRecord {
                id: i as u64 + 1,
                timestamp: 100 + i as i64,
                key: Some(format!("k{i}").into_bytes()),
                value: Some(vec![b'v'; 10]),
                headers: vec![],
            })
            .collect();
        Records::single_batch(&recs, stamp)
    }

    /// Append `n` records without a producer id as the leader, at `at`.
    fn append(log: &mut Log, n: usize, at: i64) {
        log.append_as_leader(batch(n, ProducerStamp::NONE), 0, at, false)
            .unwrap();
    }

    fn idem(pid: i64, epoch: i16, seq: i32) -> ProducerStamp {
        ProducerStamp {
            producer_id: pid,
            producer_epoch: epoch,
            base_sequence: seq,
            is_transactional: false,
        }
    }

    /// What survives a power loss: the OS writes an append back at the first flusher run
    /// (every 5 s) at which it has been dirty for 30 s (`vm.dirty_writeback_centisecs`,
    /// `vm.dirty_expire_centisecs`); Kafka flushes up to a new segment's base offset when it
    /// rolls (`UnifiedLog.roll`) and everything once `flush.messages` are unflushed
    /// (`UnifiedLog.append`).
    #[test]
    fn a_power_loss_keeps_what_was_flushed_or_written_back() {
        // Appended at 1 s (dirty interval [0 s, 5 s)) and at 7 s ([5 s, 10 s)).
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        append(&mut log, 3, 1_000);
        append(&mut log, 2, 7_000);
        assert_eq!(
            log.durable_offset(34_999),
            0,
            "the flusher ran at 30 s: too soon"
        );
        assert_eq!(
            log.durable_offset(35_000),
            3,
            "the 35 s run writes the first interval"
        );
        assert_eq!(log.durable_offset(39_999), 3);
        assert_eq!(log.durable_offset(40_000), 5);
        let mut lost = log.clone();
        assert_eq!(lost.lose_unflushed(36_000), 2);
        assert_eq!(lost.log_end_offset(), 3);
        // Appends after a loss are dirty again.
        append(&mut lost, 4, 36_000);
        assert_eq!(lost.durable_offset(36_000), 3);

        // A roll flushes the closed segment.
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        append(&mut log, 3, 1_000);
        log.segment_ms = 1;
        append(&mut log, 2, 2_000);
        assert_eq!(log.segments().len(), 2);
        assert_eq!(log.durable_offset(2_000), 3);

        // flush.messages.
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.flush_messages = 4;
        append(&mut log, 3, 1_000);
        assert_eq!(log.durable_offset(1_000), 0);
        append(&mut log, 2, 1_000);
        assert_eq!(log.durable_offset(1_000), 5);

        // Truncation takes back what it removes.
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        append(&mut log, 3, 1_000);
        log.truncate_to(1);
        append(&mut log, 3, 6_000);
        assert_eq!(
            log.durable_offset(36_000),
            1,
            "only the record before the truncation"
        );
        assert_eq!(log.durable_offset(40_000), 4);
    }

    /// `LogManager.truncateTo`: a truncation below the cleaner's checkpoint moves it back to
    /// the active segment's base offset; one above it leaves it.
    #[test]
    fn truncation_moves_the_cleaner_checkpoint_back_to_the_active_segment() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        append(&mut log, 4, 1_000);
        log.segment_ms = 1;
        append(&mut log, 4, 2_000); // rolls: segments [0, 4) and [4, 8)
        log.segment_ms = i64::MAX;
        log.first_dirty_offset = 4;
        log.truncate_to(6);
        assert_eq!(log.first_dirty_offset, 4, "truncated above the checkpoint");
        log.truncate_to(2);
        assert_eq!(log.segments().len(), 1);
        assert_eq!(
            log.first_dirty_offset, 0,
            "back to the active segment's base"
        );
        log.first_dirty_offset = 2;
        log.reset_to(1);
        assert_eq!(log.first_dirty_offset, 1);
    }

    #[test]
    fn the_log_flusher_flushes_a_log_whose_last_flush_is_flush_ms_old() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.flush_ms = 10_000;
        append(&mut log, 3, 1_000);
        assert!(!log.flush_if_due(9_999), "created at 0: not 10 s yet");
        assert!(log.flush_if_due(10_000));
        assert_eq!(log.durable_offset(10_000), 3);
        append(&mut log, 2, 12_000);
        assert!(!log.flush_if_due(19_999), "flushed at 10 s");
        assert!(log.flush_if_due(20_000));
        assert_eq!(log.durable_offset(20_000), 5);
        // Nothing to flush is no flush (`markFlushed` needs a higher recovery point): the
        // clock keeps the 20 s flush, so a later append is due at the next look.
        assert!(!log.flush_if_due(40_000));
        append(&mut log, 1, 40_500);
        assert!(log.flush_if_due(41_000));
        assert_eq!(log.durable_offset(41_000), 6);

        // A roll flushes, and restarts the clock.
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.flush_ms = 10_000;
        append(&mut log, 3, 1_000);
        log.segment_ms = 1;
        append(&mut log, 2, 8_000);
        assert_eq!(log.durable_offset(8_000), 3);
        assert!(!log.flush_if_due(17_999));
        assert!(log.flush_if_due(18_000));

        // A load (a broker start) restarts it too.
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.flush_ms = 10_000;
        append(&mut log, 3, 1_000);
        log.loaded_at(5_000);
        assert!(!log.flush_if_due(14_999));
        assert!(log.flush_if_due(15_000));
    }

    #[test]
    fn offsets_are_dense_and_leo_advances() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        let a = log
            .append_as_leader(batch(3, ProducerStamp::NONE), 0, 1, false)
            .unwrap();
        let b = log
            .append_as_leader(batch(2, ProducerStamp::NONE), 0, 2, false)
            .unwrap();
        assert_eq!((a.first_offset, a.last_offset), (0, 2));
        assert_eq!((b.first_offset, b.last_offset), (3, 4));
        assert_eq!(log.log_end_offset(), 5);
        let all = log.read(0, 5, usize::MAX).unwrap();
        let offsets: Vec<i64> = all.entries().map(|e| e.offset).collect();
        assert_eq!(offsets, vec![0, 1, 2, 3, 4]);
    }

    /// A read into a set kept from an earlier, larger read gives what a fresh read gives:
    /// nothing of the earlier read is left in it.
    #[test]
    fn a_read_into_a_kept_set_equals_a_fresh_read() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        for n in [3, 1, 4] {
            log.append_as_leader(batch(n, ProducerStamp::NONE), 0, 1, false)
                .unwrap();
        }
        let leo = log.log_end_offset();
        let kept = log.read(0, leo, usize::MAX).unwrap();
        assert_eq!(kept.batches().len(), 3);
        let mut kept = Some(kept);
        let again = log
            .read_into(3, leo, 1, true, &mut || kept.take().unwrap_or_default())
            .unwrap();
        let fresh = log.read(3, leo, 1).unwrap();
        assert_eq!(again, fresh);
        assert_eq!(again.record_count(), 1);
        assert_eq!(again.size_in_bytes(), fresh.size_in_bytes());
        let offsets: Vec<i64> = again.entries().map(|e| e.offset).collect();
        assert_eq!(offsets, vec![3]);
        // Nothing to read: the spare set is not taken.
        let untouched = log.read_into(leo, leo, 100, true, &mut || panic!("no read, no set"));
        assert!(untouched.unwrap().is_empty());
    }

    /// Only a read's first batch may make it larger than `max_bytes`, and only with
    /// `min_one` (Kafka's `minOneMessage`); batches after it, in the same chunk or a later
    /// one, are taken only while they fit.
    #[test]
    fn a_read_stays_within_max_bytes_after_its_first_batch() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        for _ in 0..3 {
            log.append_as_leader(batch(3, ProducerStamp::NONE), 0, 1, false)
                .unwrap();
        }
        let size = batch(3, ProducerStamp::NONE).size_in_bytes();
        let leo = log.log_end_offset();
        let count = |r: Result<Records, ErrorCode>| r.unwrap().record_count();
        assert_eq!(count(log.read(0, leo, size + size / 2)), 3);
        assert_eq!(count(log.read(0, leo, 2 * size)), 6);
        assert_eq!(
            count(log.read(0, leo, size / 2)),
            3,
            "the first batch, whole"
        );
        assert_eq!(count(log.read_within(0, leo, size / 2, true)), 3);
        assert_eq!(count(log.read_within(0, leo, size / 2, false)), 0);
        assert_eq!(count(log.read_within(3, leo, size, false)), 3);
        assert_eq!(
            log.read_within(99, leo, 0, false),
            Err(ErrorCode::OffsetOutOfRange),
            "the range is checked even with no room"
        );
    }

    #[test]
    fn read_is_bounded_by_upper_and_checks_range() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.append_as_leader(batch(3, ProducerStamp::NONE), 0, 1, false)
            .unwrap();
        log.append_as_leader(batch(3, ProducerStamp::NONE), 0, 1, false)
            .unwrap();
        log.update_high_watermark(3);
        let r = log.read(0, log.high_watermark(), usize::MAX).unwrap();
        assert_eq!(r.last_offset(), Some(2));
        assert_eq!(log.read(7, 6, 100), Err(ErrorCode::OffsetOutOfRange));
        assert!(log.read(6, 6, 100).unwrap().is_empty());
    }

    #[test]
    fn segments_roll_at_segment_bytes() {
        let mut log = Log::new(300, i64::MAX, 0);
        for _ in 0..10 {
            log.append_as_leader(batch(2, ProducerStamp::NONE), 0, 1, false)
                .unwrap();
        }
        assert!(log.segments().len() > 1);
        for w in log.segments().windows(2) {
            assert_eq!(
                w[0].next_offset, w[1].base_offset,
                "segments are contiguous"
            );
        }
        let all = log.read(0, 20, usize::MAX).unwrap();
        assert_eq!(all.record_count(), 20);
    }

    #[test]
    fn idempotent_duplicate_returns_original_offsets() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        let a = log
            .append_as_leader(batch(2, idem(7, 0, 0)), 0, 1, false)
            .unwrap();
        let dup = log
            .append_as_leader(batch(2, idem(7, 0, 0)), 0, 2, false)
            .unwrap();
        assert!(dup.duplicate);
        assert_eq!(
            (dup.first_offset, dup.last_offset),
            (a.first_offset, a.last_offset)
        );
        assert_eq!(log.log_end_offset(), 2);
        // A gap in sequence numbers is out of order.
        assert_eq!(
            log.append_as_leader(batch(1, idem(7, 0, 5)), 0, 3, false),
            Err(ErrorCode::OutOfOrderSequenceNumber)
        );
        // The next in sequence is fine.
        assert!(log
            .append_as_leader(batch(1, idem(7, 0, 2)), 0, 3, false)
            .is_ok());
    }

    #[test]
    fn only_the_last_five_batches_are_deduplicated() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        for i in 0..6 {
            log.append_as_leader(batch(1, idem(1, 0, i)), 0, 1, false)
                .unwrap();
        }
        // Batch with seq 0 fell out of the cache: its retry is out of order, not a duplicate.
        assert_eq!(
            log.append_as_leader(batch(1, idem(1, 0, 0)), 0, 1, false),
            Err(ErrorCode::OutOfOrderSequenceNumber)
        );
        assert!(
            log.append_as_leader(batch(1, idem(1, 0, 1)), 0, 1, false)
                .unwrap()
                .duplicate
        );
    }

    #[test]
    fn producer_epoch_bump_must_restart_at_zero_and_old_epoch_is_fenced() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.append_as_leader(batch(1, idem(1, 3, 0)), 0, 1, false)
            .unwrap();
        assert_eq!(
            log.append_as_leader(batch(1, idem(1, 2, 1)), 0, 1, false),
            Err(ErrorCode::InvalidProducerEpoch)
        );
        assert_eq!(
            log.append_as_leader(batch(1, idem(1, 4, 1)), 0, 1, false),
            Err(ErrorCode::OutOfOrderSequenceNumber)
        );
        assert!(log
            .append_as_leader(batch(1, idem(1, 4, 0)), 0, 1, false)
            .is_ok());
    }

    #[test]
    fn unknown_producer_may_start_at_any_sequence() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        assert!(log
            .append_as_leader(batch(1, idem(9, 0, 42)), 0, 1, false)
            .is_ok());
    }

    #[test]
    fn epoch_cache_end_offsets() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.append_as_leader(batch(3, ProducerStamp::NONE), 1, 1, false)
            .unwrap();
        log.append_as_leader(batch(2, ProducerStamp::NONE), 3, 1, false)
            .unwrap();
        assert_eq!(
            log.epochs(),
            &[
                EpochEntry {
                    epoch: 1,
                    start_offset: 0
                },
                EpochEntry {
                    epoch: 3,
                    start_offset: 3
                }
            ]
        );
        assert_eq!(log.end_offset_for_epoch(3), (3, 5));
        assert_eq!(log.end_offset_for_epoch(2), (1, 3));
        assert_eq!(log.end_offset_for_epoch(1), (1, 3));
        assert_eq!(log.end_offset_for_epoch(0), (0, 0));
        assert_eq!(log.end_offset_for_epoch(4), (NO_EPOCH, -1));
    }

    #[test]
    fn truncation_removes_records_and_epochs_above() {
        let mut log = Log::new(200, i64::MAX, 0);
        for e in 0..4 {
            log.append_as_leader(batch(2, ProducerStamp::NONE), e, 1, false)
                .unwrap();
        }
        log.update_high_watermark(8);
        let removed = log.truncate_to(3);
        assert_eq!(removed, 5);
        assert_eq!(log.log_end_offset(), 3);
        assert_eq!(log.high_watermark(), 3);
        assert_eq!(log.latest_epoch(), Some(1));
        assert!(log.entry_at(3).is_none());
        assert!(log.entry_at(2).is_some());
        // Appending continues at the truncation point.
        let a = log
            .append_as_leader(batch(1, ProducerStamp::NONE), 5, 1, false)
            .unwrap();
        assert_eq!(a.first_offset, 3);
    }

    #[test]
    fn transactions_drive_the_last_stable_offset() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        let txn = ProducerStamp {
            producer_id: 5,
            producer_epoch: 0,
            base_sequence: 0,
            is_transactional: true,
        };
        log.append_as_leader(batch(1, ProducerStamp::NONE), 0, 1, false)
            .unwrap();
        log.append_as_leader(batch(2, txn), 0, 1, false).unwrap(); // offsets 1-2
        log.append_as_leader(batch(1, ProducerStamp::NONE), 0, 1, false)
            .unwrap(); // 3
        log.update_high_watermark(4);
        assert_eq!(
            log.last_stable_offset(),
            1,
            "an open transaction blocks at its first offset"
        );
        let off = log
            .append_control_as_leader(Records::control_batch(5, 0, ControlType::Abort, 2), 0, 2)
            .unwrap();
        assert_eq!(off, 4);
        assert_eq!(log.last_stable_offset(), 1, "marker not yet below the HW");
        log.update_high_watermark(5);
        assert_eq!(log.last_stable_offset(), 5);
        assert_eq!(
            log.aborted_txns(),
            &[AbortedTxn {
                producer_id: 5,
                first_offset: 1,
                last_offset: 4
            }]
        );
    }

    #[test]
    fn retention_deletes_only_whole_closed_segments_below_the_hw() {
        let mut log = Log::new(200, i64::MAX, 0);
        for _ in 0..10 {
            log.append_as_leader(batch(2, ProducerStamp::NONE), 0, 1, false)
                .unwrap();
        }
        let segs = log.segments().len();
        assert!(segs >= 3);
        // HW at 0: nothing deletable.
        assert_eq!(log.delete_old_segments(1_000_000, 1000, -1), 0);
        let second_base = log.segments()[1].base_offset;
        log.update_high_watermark(second_base);
        assert_eq!(log.delete_old_segments(1_000_000, 1000, -1), 1);
        assert_eq!(log.log_start_offset(), second_base);
        assert_eq!(log.read(0, 20, 100), Err(ErrorCode::OffsetOutOfRange));
    }

    #[test]
    fn offset_for_timestamp_finds_first_at_or_after() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.append_as_leader(batch(5, ProducerStamp::NONE), 0, 1, false)
            .unwrap(); // ts 100..104
        log.update_high_watermark(5);
        assert_eq!(log.offset_for_timestamp(102, 5), Some((2, 102)));
        assert_eq!(log.offset_for_timestamp(50, 5), Some((0, 100)));
        assert_eq!(log.offset_for_timestamp(105, 5), None);
        assert_eq!(
            log.offset_for_timestamp(103, 3),
            None,
            "not at or above the HW"
        );
    }

    #[test]
    fn timestamp_at_is_the_timestamp_of_the_entry_at_that_offset() {
        // Three batches, rolled into more than one segment (300-byte segments).
        let mut log = Log::new(300, i64::MAX, 0);
        for _ in 0..3 {
            log.append_as_leader(batch(4, ProducerStamp::NONE), 0, 1, false)
                .unwrap();
        }
        assert!(log.segments.len() > 1, "the test needs several segments");
        for off in -1..=log.log_end_offset() {
            assert_eq!(
                log.timestamp_at(off),
                log.entry_at(off).map(|(_, e)| e.timestamp),
                "offset {off}"
            );
        }
        assert_eq!(
            log.timestamp_at(5),
            Some(101),
            "offset 5 is the second batch's second"
        );
        assert_eq!(log.timestamp_at(log.log_end_offset()), None);
    }

    #[test]
    fn clone_shares_chunks_and_appends_do_not_leak_into_snapshots() {
        let mut log = Log::new(1 << 30, i64::MAX, 0);
        log.append_as_leader(batch(3, ProducerStamp::NONE), 0, 1, false)
            .unwrap();
        let snapshot = log.clone();
        log.append_as_leader(batch(3, ProducerStamp::NONE), 0, 1, false)
            .unwrap();
        assert_eq!(snapshot.log_end_offset(), 3);
        assert_eq!(snapshot.record_count(), 3);
        assert_eq!(log.record_count(), 6);
    }
}
