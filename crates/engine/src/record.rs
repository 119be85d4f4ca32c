//! Records and record batches, stored compactly.
//!
//! [`Records`] is the simulator's `MemoryRecords`: batches (the unit Kafka appends,
//! replicates and deduplicates), the records inside them, and byte arenas holding their keys,
//! values and headers. A produce request, a fetch response and a log segment are all
//! `Records`. A batch's bytes never change once written, so its arena is shared, not copied:
//! the producer writes a record's bytes once, and the produce request, the leader's log, the
//! fetch responses and every follower's log hold the same arena (an `Arc`). The record
//! entries (offsets, timestamps, lengths) are shared the same way, in entry blocks: they are
//! written once by the producer and once more when the leader assigns offsets (the producer
//! keeps its own for a retry); the leader's log, fetch responses and followers' logs then
//! share the leader's. Only the batch headers are per copy.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use crate::onevec::OneVec;

/// The simulator's identity for a record a producer created. Kafka has no such id; the
/// simulator uses it to follow a record through retries, replication and truncation (the
/// durability ledger). Control records have id 0.
pub type RecordId = u64;

pub const NO_PRODUCER_ID: i64 = -1;
pub const NO_SEQUENCE: i32 = -1;
pub const NO_EPOCH: i32 = -1;

/// A record as a client sees it (owned bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub offset: i64,
    pub timestamp: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
    pub id: RecordId,
}

/// The type of a control record (`ControlRecordType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ControlType {
    Abort,
    Commit,
}

/// Batch-level attributes (`DefaultRecordBatch`): one header per batch.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct BatchHeader {
    pub base_offset: i64,
    pub last_offset: i64,
    pub partition_leader_epoch: i32,
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub is_transactional: bool,
    pub control: Option<ControlType>,
    pub max_timestamp: i64,
    /// Set by the log cleaner the first time it retains a tombstone or marker in this batch.
    pub delete_horizon_ms: Option<i64>,
    /// Which of its set's entry blocks holds the batch's entries, the index of its first
    /// record there, and how many it has.
    #[serde(default)]
    block: u32,
    first_entry: u32,
    entry_count: u32,
    /// Which of its set's arenas holds the batch's bytes.
    arena: u32,
    /// The batch's records' wire size, summed as they are added (0 with records: not known,
    /// as after deserializing; [`Records::batch_size`] then sums them).
    #[serde(skip)]
    entries_bytes: u32,
}

/// Two headers are equal when they describe the same batch, wherever their sets keep it.
/// (Destructured, so that a new field must be placed on one side or the other.)
impl PartialEq for BatchHeader {
    fn eq(&self, o: &Self) -> bool {
        let BatchHeader {
            base_offset,
            last_offset,
            partition_leader_epoch,
            producer_id,
            producer_epoch,
            base_sequence,
            is_transactional,
            control,
            max_timestamp,
            delete_horizon_ms,
            block: _,
            first_entry: _,
            entry_count,
            arena: _,
            entries_bytes: _,
        } = self;
        (
            *base_offset,
            *last_offset,
            *partition_leader_epoch,
            *producer_id,
            *producer_epoch,
            *base_sequence,
            *is_transactional,
            *control,
            *max_timestamp,
            *delete_horizon_ms,
            *entry_count,
        ) == (
            o.base_offset,
            o.last_offset,
            o.partition_leader_epoch,
            o.producer_id,
            o.producer_epoch,
            o.base_sequence,
            o.is_transactional,
            o.control,
            o.max_timestamp,
            o.delete_horizon_ms,
            o.entry_count,
        )
    }
}
impl Eq for BatchHeader {}

impl BatchHeader {
    pub fn last_sequence(&self) -> i32 {
        if self.base_sequence < 0 {
            return NO_SEQUENCE;
        }
        let span = (self.last_offset - self.base_offset) as i32;
        // Sequences wrap at Integer.MAX_VALUE to 0.
        let s = self.base_sequence as i64 + span as i64;
        if s > i32::MAX as i64 {
            (s - i32::MAX as i64 - 1) as i32
        } else {
            s as i32
        }
    }
    pub fn record_count(&self) -> usize {
        self.entry_count as usize
    }
    pub fn next_offset(&self) -> i64 {
        self.last_offset + 1
    }
    pub fn has_producer_id(&self) -> bool {
        self.producer_id >= 0
    }
}

/// One stored record: fixed-size metadata plus spans into the byte arena.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub offset: i64,
    pub timestamp: i64,
    pub id: RecordId,
    data_start: u32,
    /// -1 for a null key.
    key_len: i32,
    /// -1 for a null value (a tombstone).
    value_len: i32,
    headers_len: u32,
}

impl Entry {
    /// The same record's entry (offset, timestamp, id and lengths), wherever its bytes are.
    /// (Destructured, so that a new field must be placed on one side or the other.)
    fn same_record_as(&self, o: &Entry) -> bool {
        let Entry {
            offset,
            timestamp,
            id,
            data_start: _,
            key_len,
            value_len,
            headers_len,
        } = self;
        (*offset, *timestamp, *id, *key_len, *value_len, *headers_len)
            == (
                o.offset,
                o.timestamp,
                o.id,
                o.key_len,
                o.value_len,
                o.headers_len,
            )
    }
    pub fn has_key(&self) -> bool {
        self.key_len >= 0
    }
    pub fn is_tombstone(&self) -> bool {
        self.value_len < 0
    }
    /// Kafka's `DefaultRecord.sizeInBytes`, close enough for batching, segments and retention.
    pub fn size_in_bytes(&self) -> usize {
        let k = self.key_len.max(0) as usize;
        let v = self.value_len.max(0) as usize;
        let body = 1 + 2 + 1 + 1 + k + 1 + v + 1 + self.headers_len as usize;
        body + 1
    }
}

/// Kafka's `DefaultRecordBatch.RECORD_BATCH_OVERHEAD`.
pub const BATCH_OVERHEAD: usize = 61;

/// The batches of one [`Records`] a read takes ([`Records::slice_plan`]): the first one's
/// index, how many, and their wire size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlicePlan {
    start: usize,
    n: usize,
    size: usize,
}

impl SlicePlan {
    /// How many batches it takes.
    pub fn batches(&self) -> usize {
        self.n
    }
    /// Their wire size (as [`Records::size_in_bytes`] counts it).
    pub fn size_in_bytes(&self) -> usize {
        self.size
    }
}

/// A set of batches and their records (`MemoryRecords`). Each batch's entries are a run in
/// one of `blocks`, and its keys, values and headers are in one of `arenas`; other sets
/// holding the same batch share both. A block or arena is written only while no other set
/// shares it (else it is copied first), so what another set sees never changes.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Records {
    batches: Vec<BatchHeader>,
    blocks: OneVec<Arc<Vec<Entry>>>,
    arenas: OneVec<Arc<Vec<u8>>>,
    size_bytes: usize,
    /// How many records its batches hold.
    #[serde(skip)]
    records: usize,
}

/// A set as serialized: the record count is summed from the batches.
#[derive(Deserialize)]
struct RecordsWire {
    batches: Vec<BatchHeader>,
    blocks: OneVec<Arc<Vec<Entry>>>,
    arenas: OneVec<Arc<Vec<u8>>>,
    size_bytes: usize,
}

impl<'de> Deserialize<'de> for Records {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = RecordsWire::deserialize(d)?;
        let records = w.batches.iter().map(|b| b.entry_count as usize).sum();
        Ok(Records {
            batches: w.batches,
            blocks: w.blocks,
            arenas: w.arenas,
            size_bytes: w.size_bytes,
            records,
        })
    }
}

/// Two sets are equal when they hold the same batches of the same records with the same
/// bytes, however their arenas are laid out.
impl PartialEq for Records {
    fn eq(&self, o: &Self) -> bool {
        self.size_bytes == o.size_bytes
            && self.batches == o.batches
            && self.record_count() == o.record_count()
            && self.iter().zip(o.iter()).all(|((ab, a), (bb, b))| {
                a.same_record_as(b) && self.bytes_in(ab, a) == o.bytes_in(bb, b)
            })
    }
}
impl Eq for Records {}

/// What a producer hands over for one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRecord {
    pub id: RecordId,
    pub timestamp: i64,
    pub key: Option<Vec<u8>>,
    pub value: Option<Vec<u8>>,
    pub headers: Vec<(String, Vec<u8>)>,
}

impl NewRecord {
    pub fn size_in_bytes(&self) -> usize {
        self.as_ref().size_in_bytes()
    }

    pub fn as_ref(&self) -> RecordRef<'_> {
        RecordRef {
            id: self.id,
            timestamp: self.timestamp,
            key: self.key.as_deref(),
            value: self.value.as_deref(),
            headers: &self.headers,
            key_value: None,
        }
    }
}

/// A record to produce, borrowed: what `send()` is handed ([`NewRecord`] owns the same), so
/// a workload can produce from one buffer and a producer copies the bytes once, into its
/// batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef<'a> {
    pub id: RecordId,
    pub timestamp: i64,
    pub key: Option<&'a [u8]>,
    pub value: Option<&'a [u8]>,
    pub headers: &'a [(String, Vec<u8>)],
    /// The key's and the value's bytes as one slice, when the caller holds them side by
    /// side (the workload does): stored with one copy instead of two (a copy is a call in
    /// the page's size-optimised build). Used only when it is the key's memory followed by
    /// the value's; otherwise ignored.
    pub key_value: Option<&'a [u8]>,
}

impl RecordRef<'_> {
    /// The size a producer counts against `batch.size`.
    pub fn size_in_bytes(&self) -> usize {
        let k = self.key.map_or(0, <[u8]>::len);
        let v = self.value.map_or(0, <[u8]>::len);
        let h: usize = self
            .headers
            .iter()
            .map(|(k, v)| 2 + k.len() + v.len())
            .sum();
        1 + 2 + 1 + 1 + k + 1 + v + 1 + h + 1
    }

    pub fn to_owned(&self) -> NewRecord {
        NewRecord {
            id: self.id,
            timestamp: self.timestamp,
            key: self.key.map(<[u8]>::to_vec),
            value: self.value.map(<[u8]>::to_vec),
            headers: self.headers.to_vec(),
        }
    }
}

/// Producer identity carried by a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProducerStamp {
    pub producer_id: i64,
    pub producer_epoch: i16,
    pub base_sequence: i32,
    pub is_transactional: bool,
}

impl ProducerStamp {
    pub const NONE: ProducerStamp = ProducerStamp {
        producer_id: NO_PRODUCER_ID,
        producer_epoch: -1,
        base_sequence: NO_SEQUENCE,
        is_transactional: false,
    };
}

impl Records {
    pub fn new() -> Self {
        Self::default()
    }

    /// One batch with relative offsets `0..n` (a producer batch, before the leader assigns offsets).
    pub fn single_batch(records: &[NewRecord], stamp: ProducerStamp) -> Records {
        let mut r = Records::new();
        r.push_batch(0, NO_EPOCH, stamp, None, records);
        r
    }

    /// A control batch (a transaction marker) of one record.
    pub fn control_batch(
        producer_id: i64,
        producer_epoch: i16,
        control: ControlType,
        timestamp: i64,
    ) -> Records {
        let mut r = Records::new();
        let rec = NewRecord {
            id: 0,
            timestamp,
            key: Some(match control {
                ControlType::Abort => b"\x00\x00\x00\x00".to_vec(),
                ControlType::Commit => b"\x00\x00\x00\x01".to_vec(),
            }),
            value: Some(Vec::new()),
            headers: Vec::new(),
        };
        r.push_batch(
            0,
            NO_EPOCH,
            ProducerStamp {
                producer_id,
                producer_epoch,
                base_sequence: NO_SEQUENCE,
                is_transactional: true,
            },
            Some(control),
            std::slice::from_ref(&rec),
        );
        r
    }

    fn push_batch(
        &mut self,
        base_offset: i64,
        leader_epoch: i32,
        stamp: ProducerStamp,
        control: Option<ControlType>,
        records: &[NewRecord],
    ) {
        // Reserve exactly (growing by doubling reallocated and copied most of the arena).
        self.start_batch(base_offset, leader_epoch, stamp, control);
        if let Some(block) = self.last_block_mut() {
            block.reserve(records.len());
        }
        let bytes = records
            .iter()
            .map(|r| {
                r.key.as_ref().map_or(0, Vec::len)
                    + r.value.as_ref().map_or(0, Vec::len)
                    + r.headers
                        .iter()
                        .map(|(k, v)| 4 + k.len() + v.len())
                        .sum::<usize>()
            })
            .sum();
        if let Some(data) = self.last_arena_mut() {
            data.reserve(bytes);
        }
        for rec in records {
            self.push_record(rec.as_ref());
        }
    }

    /// An empty batch at the end, for [`Records::push_record`] to fill.
    fn start_batch(
        &mut self,
        base_offset: i64,
        leader_epoch: i32,
        stamp: ProducerStamp,
        control: Option<ControlType>,
    ) {
        self.size_bytes += BATCH_OVERHEAD;
        let arena = self.open_arena();
        let (block, first_entry) = self.open_block();
        self.batches.push(BatchHeader {
            base_offset,
            last_offset: base_offset - 1,
            partition_leader_epoch: leader_epoch,
            producer_id: stamp.producer_id,
            producer_epoch: stamp.producer_epoch,
            base_sequence: stamp.base_sequence,
            is_transactional: stamp.is_transactional,
            control,
            max_timestamp: i64::MIN,
            delete_horizon_ms: None,
            block,
            first_entry,
            entry_count: 0,
            arena,
            entries_bytes: 0,
        });
    }

    /// The arena a new batch writes its bytes to: the last one if no other set shares it
    /// (nothing else sees what is written after its end), else a new one.
    fn open_arena(&mut self) -> u32 {
        let reuse = self
            .arenas
            .last_mut()
            .is_some_and(|a| Arc::get_mut(a).is_some());
        if !reuse {
            self.arenas.push(Arc::new(Vec::new()));
        }
        (self.arenas.len() - 1) as u32
    }

    /// The entry block a new batch writes its entries to, and where they start in it: the
    /// last one if no other set shares it, else a new one.
    fn open_block(&mut self) -> (u32, u32) {
        let reuse = self
            .blocks
            .last_mut()
            .is_some_and(|b| Arc::get_mut(b).is_some());
        if !reuse {
            self.blocks.push(Arc::new(Vec::new()));
        }
        let first = self.blocks.last().map_or(0, |b| b.len());
        ((self.blocks.len() - 1) as u32, first as u32)
    }

    /// The last entry block, to write to (copied first if another set shares it). Like the
    /// arenas, the last batch's block is always the last one.
    #[inline]
    fn last_block_mut(&mut self) -> Option<&mut Vec<Entry>> {
        // A `match`, not `Option::map`: the page's size-optimised build called `map`.
        match self.blocks.last_mut() {
            Some(b) => Some(Arc::make_mut(b)),
            None => None,
        }
    }

    /// The last arena, to write to (copied first if another set shares it, e.g. a snapshot
    /// taken while a producer was filling the batch). The last batch's arena is always the
    /// last one: every way of adding a batch uses the last arena or pushes a new one.
    #[inline]
    fn last_arena_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self.arenas.last_mut() {
            Some(a) => Some(Arc::make_mut(a)),
            None => None,
        }
    }

    /// Copy one record's bytes into the arena and add its entry at `offset`; returns the
    /// record's wire size.
    fn push_entry(&mut self, offset: i64, rec: RecordRef<'_>) -> usize {
        let Some(data) = self.last_arena_mut() else {
            return 0;
        };
        let data_start = data.len() as u32;
        let (key_len, value_len) = match (rec.key, rec.value, rec.key_value) {
            (Some(k), Some(v), Some(kv)) if is_key_then_value(k, v, kv) => {
                data.extend_from_slice(kv);
                (k.len() as i32, v.len() as i32)
            }
            _ => {
                let key_len = match rec.key {
                    Some(k) => {
                        data.extend_from_slice(k);
                        k.len() as i32
                    }
                    None => -1,
                };
                let value_len = match rec.value {
                    Some(v) => {
                        data.extend_from_slice(v);
                        v.len() as i32
                    }
                    None => -1,
                };
                (key_len, value_len)
            }
        };
        let before = data.len();
        for (hk, hv) in rec.headers {
            push_len_prefixed(data, hk.as_bytes());
            push_len_prefixed(data, hv);
        }
        let headers_len = (data.len() - before) as u32;
        let e = Entry {
            offset,
            timestamp: rec.timestamp,
            id: rec.id,
            data_start,
            key_len,
            value_len,
            headers_len,
        };
        let size = e.size_in_bytes();
        if let Some(block) = self.last_block_mut() {
            block.push(e);
            self.size_bytes += size;
            self.records += 1;
        }
        size
    }

    /// Room for `records` records of `bytes` key, value and header bytes in all.
    pub fn with_capacity(records: usize, bytes: usize) -> Records {
        Records::with_buffers(
            Arc::new(Vec::with_capacity(records)),
            Vec::with_capacity(bytes),
        )
    }

    /// An empty set whose first batch's entries go into `block` and its bytes into `arena`
    /// (both emptied first).
    pub fn with_buffers(mut block: Arc<Vec<Entry>>, mut arena: Vec<u8>) -> Records {
        if let Some(b) = Arc::get_mut(&mut block) {
            b.clear();
        } else {
            block = Arc::new(Vec::with_capacity(block.capacity()));
        }
        arena.clear();
        Records {
            batches: Vec::with_capacity(1),
            blocks: OneVec::One(block),
            arenas: OneVec::One(Arc::new(arena)),
            size_bytes: 0,
            records: 0,
        }
    }

    /// Append a record to the last batch, starting one (offsets from 0, no producer stamp)
    /// if there is none: how a producer fills its batch. The result equals
    /// [`Records::single_batch`] of the same records with [`ProducerStamp::NONE`].
    pub fn push_record(&mut self, rec: RecordRef<'_>) {
        if self.batches.is_empty() {
            self.start_batch(0, NO_EPOCH, ProducerStamp::NONE, None);
        }
        let Some(offset) = self.batches.last().map(|b| b.last_offset + 1) else {
            return;
        };
        let size = self.push_entry(offset, rec);
        if let Some(b) = self.batches.last_mut() {
            b.last_offset = offset;
            b.entry_count += 1;
            b.entries_bytes = b.entries_bytes.saturating_add(size as u32);
            b.max_timestamp = b.max_timestamp.max(rec.timestamp);
        }
    }

    /// A copy with the producer's identity on every batch (what a producer sends): new
    /// headers; entries and bytes shared.
    pub fn stamped(&self, stamp: ProducerStamp) -> Records {
        let mut r = self.clone();
        for b in &mut r.batches {
            b.producer_id = stamp.producer_id;
            b.producer_epoch = stamp.producer_epoch;
            b.base_sequence = stamp.base_sequence;
            b.is_transactional = stamp.is_transactional;
        }
        r
    }

    pub fn batches(&self) -> &[BatchHeader] {
        &self.batches
    }
    /// The wire size of the largest batch (what a broker checks against the topic's
    /// max.message.bytes); 0 without batches.
    pub fn largest_batch_bytes(&self) -> usize {
        self.batches
            .iter()
            .map(|b| self.batch_size(b))
            .max()
            .unwrap_or(0)
    }
    pub fn batches_mut(&mut self) -> &mut [BatchHeader] {
        &mut self.batches
    }
    /// Every record's entry, in offset order.
    pub fn entries(&self) -> Entries<'_> {
        Entries {
            records: self,
            next_batch: 0,
            current: [].iter(),
        }
    }
    pub fn is_empty(&self) -> bool {
        self.batches.is_empty()
    }
    pub fn record_count(&self) -> usize {
        self.records
    }
    /// Approximate wire size (Kafka's record format), used for batch.size, segment.bytes
    /// and retention.bytes.
    pub fn size_in_bytes(&self) -> usize {
        self.size_bytes
    }
    /// Bytes held in its arenas for keys, values and headers (arenas other sets share
    /// included).
    pub fn arena_bytes(&self) -> usize {
        self.arenas.iter().map(|a| a.len()).sum()
    }
    /// Release spare capacity (for sets that take no more records; arenas other sets share
    /// are left alone).
    pub fn shrink_to_fit(&mut self) {
        self.batches.shrink_to_fit();
        self.blocks.shrink_to_fit();
        self.arenas.shrink_to_fit();
        for b in &mut self.blocks {
            if let Some(b) = Arc::get_mut(b) {
                b.shrink_to_fit();
            }
        }
        self.shrink_arenas();
    }
    /// Give back the arenas' spare capacity (those no other set shares yet): a closed
    /// batch's arena is shared by every set that stores the batch. An arena using less than
    /// half its room moves to an exact-size one instead of shrinking where it is: a
    /// producer's `batch.size` buffer shrunk in place left a hole no later buffer fitted in,
    /// and the heap grew by a buffer per batch (the scale preset's memory doubled).
    pub fn shrink_arenas(&mut self) {
        self.shrink_arenas_into(&mut Vec::new(), 0);
    }
    /// [`Records::shrink_arenas`], the buffers arenas move out of pushed onto `free`,
    /// emptied, while it holds fewer than `kept` (a producer's `BufferPool` free list).
    pub fn shrink_arenas_into(&mut self, free: &mut Vec<Vec<u8>>, kept: usize) {
        for a in &mut self.arenas {
            if let Some(a) = Arc::get_mut(a) {
                if a.capacity() / 2 > a.len() {
                    let mut old = std::mem::replace(a, a.as_slice().to_vec());
                    if free.len() < kept {
                        old.clear();
                        free.push(old);
                    }
                } else {
                    a.shrink_to_fit();
                }
            }
        }
    }
    /// Its last arena and entry block (for tests of where they came from).
    #[cfg(test)]
    pub fn buffers(&self) -> Option<(&Vec<u8>, &Vec<Entry>)> {
        Some((&**self.arenas.last()?, &**self.blocks.last()?))
    }
    /// Push its entry blocks no other set shares onto `free`, emptied, while it holds fewer
    /// than `kept`.
    pub fn take_blocks(self, free: &mut Vec<Arc<Vec<Entry>>>, kept: usize) {
        for mut b in self.blocks.into_elements() {
            if free.len() >= kept {
                break;
            }
            if let Some(entries) = Arc::get_mut(&mut b) {
                entries.clear();
                free.push(b);
            }
        }
    }
    /// Heap bytes this set holds (allocated capacity of its batch, block and arena vectors,
    /// and of the blocks and arenas, counted in full even when other sets share them).
    pub fn heap_bytes(&self) -> usize {
        const ARC_VEC: usize = 2 * std::mem::size_of::<usize>() + std::mem::size_of::<Vec<u8>>();
        self.batches.capacity() * std::mem::size_of::<BatchHeader>()
            + self.blocks.capacity() * std::mem::size_of::<Arc<Vec<Entry>>>()
            + self
                .blocks
                .iter()
                .map(|b| ARC_VEC + b.capacity() * std::mem::size_of::<Entry>())
                .sum::<usize>()
            + self.arenas.capacity() * std::mem::size_of::<Arc<Vec<u8>>>()
            + self
                .arenas
                .iter()
                .map(|a| ARC_VEC + a.capacity())
                .sum::<usize>()
    }

    pub fn first_offset(&self) -> Option<i64> {
        self.batches.first().map(|b| b.base_offset)
    }
    pub fn last_offset(&self) -> Option<i64> {
        self.batches.last().map(|b| b.last_offset)
    }

    /// Entries of one batch.
    pub fn batch_entries(&self, b: &BatchHeader) -> &[Entry] {
        let s = b.first_entry as usize;
        let e = s + b.entry_count as usize;
        self.blocks
            .get(b.block as usize)
            .and_then(|block| block.get(s..e))
            .unwrap_or(&[])
    }

    /// The arena holding batch `b`'s bytes.
    fn arena(&self, b: &BatchHeader) -> &[u8] {
        self.arenas
            .get(b.arena as usize)
            .map_or(&[], |a| a.as_slice())
    }

    /// The arena holding entry `e`'s bytes (`e` is one of this set's entries; its batch is
    /// found by the entry's address, or else by its offset).
    fn arena_of(&self, e: &Entry) -> &[u8] {
        let size = std::mem::size_of::<Entry>();
        let addr = e as *const Entry as usize;
        let by_address = self.batches.iter().find(|b| {
            let entries = self.batch_entries(b);
            let at = addr.wrapping_sub(entries.as_ptr() as usize);
            at % size == 0 && at / size < entries.len()
        });
        by_address
            .or_else(|| self.batch_containing(e.offset))
            .map_or(&[], |b| self.arena(b))
    }

    /// An entry's key, value and header bytes, in batch `b`'s arena.
    fn bytes_in(&self, b: &BatchHeader, e: &Entry) -> &[u8] {
        let s = e.data_start as usize;
        self.arena(b).get(s..s + span(e)).unwrap_or(&[])
    }

    pub fn key(&self, e: &Entry) -> Option<&[u8]> {
        if e.key_len < 0 {
            return None;
        }
        let s = e.data_start as usize;
        self.arena_of(e).get(s..s + e.key_len as usize)
    }
    pub fn value(&self, e: &Entry) -> Option<&[u8]> {
        if e.value_len < 0 {
            return None;
        }
        let s = e.data_start as usize + e.key_len.max(0) as usize;
        self.arena_of(e).get(s..s + e.value_len as usize)
    }
    pub fn headers(&self, e: &Entry) -> Vec<(String, Vec<u8>)> {
        let s = e.data_start as usize + e.key_len.max(0) as usize + e.value_len.max(0) as usize;
        let mut buf = self
            .arena_of(e)
            .get(s..s + e.headers_len as usize)
            .unwrap_or(&[]);
        let mut out = Vec::new();
        while let Some((k, rest)) = take_len_prefixed(buf) {
            let Some((v, rest2)) = take_len_prefixed(rest) else {
                break;
            };
            out.push((String::from_utf8_lossy(k).into_owned(), v.to_vec()));
            buf = rest2;
        }
        out
    }

    /// An owned client view of an entry.
    pub fn record(&self, e: &Entry) -> Record {
        Record {
            offset: e.offset,
            timestamp: e.timestamp,
            key: self.key(e).map(<[u8]>::to_vec),
            value: self.value(e).map(<[u8]>::to_vec),
            headers: self.headers(e),
            id: e.id,
        }
    }

    /// [`Records::record`] of an entry of batch `b` (no search for its batch).
    pub fn record_in(&self, b: &BatchHeader, e: &Entry) -> Record {
        let data = self.arena(b);
        let (k, v) = (e.key_len.max(0) as usize, e.value_len.max(0) as usize);
        let s = e.data_start as usize;
        let part = |from: usize, len: usize| data.get(from..from + len).unwrap_or(&[]).to_vec();
        Record {
            offset: e.offset,
            timestamp: e.timestamp,
            key: (e.key_len >= 0).then(|| part(s, k)),
            value: (e.value_len >= 0).then(|| part(s + k, v)),
            headers: if e.headers_len == 0 {
                Vec::new()
            } else {
                self.headers(e)
            },
            id: e.id,
        }
    }

    /// Iterate (batch, entry) pairs in offset order.
    pub fn iter(&self) -> impl Iterator<Item = (&BatchHeader, &Entry)> {
        self.batches
            .iter()
            .flat_map(move |b| self.batch_entries(b).iter().map(move |e| (b, e)))
    }

    /// Re-stamp every batch with absolute offsets starting at `base` and the leader's epoch
    /// (what the leader does when it appends a producer's batch). Returns the next offset.
    pub fn assign_offsets(
        &mut self,
        mut base: i64,
        leader_epoch: i32,
        log_append_time: Option<i64>,
    ) -> i64 {
        for b in &mut self.batches {
            let s = b.first_entry as usize;
            let n = b.entry_count as usize;
            b.base_offset = base;
            b.last_offset = base + n as i64 - 1;
            b.partition_leader_epoch = leader_epoch;
            // The producer keeps its entries for a retry: the first batch written copies
            // the block, the next ones in it find it this set's own.
            if let Some(block) = self.blocks.get_mut(b.block as usize) {
                let block = Arc::make_mut(block);
                // Not copied (no producer kept it, as after an acks=0 send): a log keeps it,
                // so give back the room the producer reserved for a full batch.size.
                if block.capacity() / 2 > block.len() {
                    block.shrink_to_fit();
                }
                let end = s.saturating_add(n).min(block.len());
                let entries = block.get_mut(s.min(end)..end).unwrap_or_default();
                for (i, e) in entries.iter_mut().enumerate() {
                    e.offset = base + i as i64;
                    if let Some(t) = log_append_time {
                        e.timestamp = t;
                    }
                }
            }
            if let Some(t) = log_append_time {
                b.max_timestamp = t;
            }
            base += n as i64;
        }
        base
    }

    /// Append every batch of `other` (offsets kept as they are).
    pub fn append(&mut self, other: &Records) {
        for b in &other.batches {
            self.append_whole_batch_from(other, b);
        }
    }

    /// Append one batch of `src` with all its records, sharing its entry block and arena:
    /// only the header is copied.
    fn append_whole_batch_from(&mut self, src: &Records, b: &BatchHeader) {
        let (Some(arena), Some(block)) = (
            src.arenas.get(b.arena as usize),
            src.blocks.get(b.block as usize),
        ) else {
            self.append_batch_from(src, b, |_| true);
            return;
        };
        if !self.arenas.last().is_some_and(|a| Arc::ptr_eq(a, arena)) {
            self.arenas.push(Arc::clone(arena));
        }
        if !self.blocks.last().is_some_and(|x| Arc::ptr_eq(x, block)) {
            self.blocks.push(Arc::clone(block));
        }
        let size = src.batch_size(b);
        let mut nb = b.clone();
        nb.arena = (self.arenas.len() - 1) as u32;
        nb.block = (self.blocks.len() - 1) as u32;
        nb.entries_bytes = (size - BATCH_OVERHEAD) as u32;
        self.size_bytes += size;
        self.records += nb.entry_count as usize;
        self.batches.push(nb);
    }

    /// Append one batch of `src`, keeping only entries for which `keep` is true (used by
    /// compaction). Empty batches are kept only if `keep_empty`.
    pub fn append_batch_from(
        &mut self,
        src: &Records,
        b: &BatchHeader,
        mut keep: impl FnMut(&Entry) -> bool,
    ) -> usize {
        let arena = self.open_arena();
        let (block, first_entry) = self.open_block();
        let mut kept = 0usize;
        let mut bytes = 0usize;
        for e in src.batch_entries(b) {
            if !keep(e) {
                continue;
            }
            let Some(data) = self.last_arena_mut() else {
                break;
            };
            let data_start = data.len() as u32;
            data.extend_from_slice(src.bytes_in(b, e));
            let mut ne = *e;
            ne.data_start = data_start;
            bytes += ne.size_in_bytes();
            if let Some(block) = self.last_block_mut() {
                block.push(ne);
                kept += 1;
            }
        }
        let mut nb = b.clone();
        nb.block = block;
        nb.first_entry = first_entry;
        nb.entry_count = kept as u32;
        nb.arena = arena;
        nb.entries_bytes = bytes as u32;
        self.size_bytes += BATCH_OVERHEAD + bytes;
        self.records += kept;
        self.batches.push(nb);
        kept
    }

    /// Remove the last batch (and its records).
    pub fn pop_batch(&mut self) {
        if self.batches.pop().is_some() {
            self.drop_unused();
            self.recompute_size();
        }
    }

    /// Stamp the last batch's delete horizon (the cleaner kept a tombstone in it).
    pub fn set_last_delete_horizon(&mut self, at: i64) {
        if let Some(b) = self.batches.last_mut() {
            b.delete_horizon_ms = Some(at);
        }
    }

    /// The batches covering offsets `[from, to)`, whole batches only (as Kafka's fetch returns
    /// whole batches), stopping once `max_bytes` is exceeded (at least one batch is returned).
    pub fn slice(&self, from: i64, to: i64, max_bytes: usize) -> Records {
        let mut out = Records::new();
        let start = self.batches.partition_point(|b| b.last_offset < from);
        for b in self.batches.iter().skip(start) {
            if b.base_offset >= to || b.last_offset >= to {
                break;
            }
            if !out.is_empty() && out.size_bytes + self.batch_size(b) > max_bytes {
                break;
            }
            out.append_whole_batch_from(self, b);
        }
        out
    }

    /// Which of this set's batches `slice(from, to, max_bytes)` takes, without taking them: a
    /// reader spanning several sets plans them all, reserves once ([`Records::reserve_for`])
    /// and then appends ([`Records::append_planned`]). A first batch larger than `max_bytes`
    /// is taken only if `min_one` (as `slice` always does).
    pub fn slice_plan(&self, from: i64, to: i64, max_bytes: usize, min_one: bool) -> SlicePlan {
        let start = self.batches.partition_point(|b| b.last_offset < from);
        let (mut size, mut n) = (0usize, 0usize);
        for b in self.batches.iter().skip(start) {
            if b.base_offset >= to || b.last_offset >= to {
                break;
            }
            let bs = self.batch_size(b);
            if (n > 0 || !min_one) && size + bs > max_bytes {
                break;
            }
            size += bs;
            n += 1;
        }
        SlicePlan { start, n, size }
    }

    /// The last offset a plan of this set takes (`None` if it takes nothing).
    pub fn planned_last_offset(&self, plan: SlicePlan) -> Option<i64> {
        self.planned(plan).last().map(|b| b.last_offset)
    }

    fn planned(&self, plan: SlicePlan) -> &[BatchHeader] {
        self.batches
            .get(plan.start..plan.start + plan.n)
            .unwrap_or(&[])
    }

    /// Append the batches a plan of `src` takes; returns how many.
    pub fn append_planned(&mut self, src: &Records, plan: SlicePlan) -> usize {
        let taken = src.planned(plan);
        for b in taken {
            self.append_whole_batch_from(src, b);
        }
        taken.len()
    }

    /// Reserve room for the batches `plans` take (their headers), once, so that appending
    /// them does not reallocate and copy this set's vectors again and again. (Their entries
    /// and bytes are shared, not copied.)
    pub fn reserve_for(&mut self, plans: &[(&Records, SlicePlan)]) {
        let batches: usize = plans.iter().map(|(_, plan)| plan.n).sum();
        self.batches.reserve(batches);
        self.blocks.reserve(batches);
        self.arenas.reserve(batches);
    }

    /// How many batch headers its vectors have room for (what an emptied set kept for
    /// another read would hold without growing).
    pub fn room(&self) -> usize {
        self.batches.capacity()
    }

    /// Empty the set, keeping its vectors' room (the entries and bytes it shared are let go).
    pub fn clear(&mut self) {
        self.batches.clear();
        self.blocks.clear();
        self.arenas.clear();
        self.size_bytes = 0;
        self.records = 0;
    }

    /// An empty set with room for the batches, entry blocks and arenas of `records` records
    /// (or as many as `like` holds, if more), in `like`'s proportion to its records: a log's
    /// next chunk, sized after the one it follows.
    pub fn with_capacity_of(like: &Records, records: usize) -> Records {
        let held = like.record_count();
        let n = held.max(1);
        let room = records.max(held);
        let scale = |x: usize| x.saturating_mul(room).div_ceil(n);
        Records {
            batches: Vec::with_capacity(scale(like.batches.len())),
            blocks: OneVec::with_capacity(scale(like.blocks.len())),
            arenas: OneVec::with_capacity(scale(like.arenas.len())),
            size_bytes: 0,
            records: 0,
        }
    }

    fn batch_size(&self, b: &BatchHeader) -> usize {
        if b.entries_bytes > 0 || b.entry_count == 0 {
            return BATCH_OVERHEAD + b.entries_bytes as usize;
        }
        BATCH_OVERHEAD
            + self
                .batch_entries(b)
                .iter()
                .map(Entry::size_in_bytes)
                .sum::<usize>()
    }

    /// Drop every batch whose base offset is `>= offset` and the records at or above it in
    /// a batch that straddles it (truncation keeps whole batches in Kafka; the simulator's
    /// batches never straddle a truncation point because truncation points are batch
    /// boundaries or epoch starts, but this stays correct if they do).
    pub fn truncate_to(&mut self, offset: i64) {
        while let Some(b) = self.batches.last() {
            if b.base_offset >= offset {
                self.batches.pop();
            } else if b.last_offset >= offset {
                let keep = (offset - b.base_offset) as u32;
                if let Some(bm) = self.batches.last_mut() {
                    bm.last_offset = offset - 1;
                    bm.entry_count = keep;
                    bm.entries_bytes = 0; // not known: summed when asked
                }
                break;
            } else {
                break;
            }
        }
        self.drop_unused();
        self.recompute_size();
    }

    /// Drop the entry blocks and arenas no remaining batch uses, and the dropped records'
    /// entries at the end of the last block if no other set shares it. (The bytes of dropped
    /// records in a kept arena stay until the arena goes.)
    fn drop_unused(&mut self) {
        let last = self.batches.last();
        self.arenas
            .truncate(last.map_or(0, |b| b.arena as usize + 1));
        self.blocks
            .truncate(last.map_or(0, |b| b.block as usize + 1));
        if let Some((b, block)) = last.zip(self.blocks.last_mut().and_then(Arc::get_mut)) {
            block.truncate((b.first_entry + b.entry_count) as usize);
        }
    }

    fn recompute_size(&mut self) {
        let mut size = self.batches.len() * BATCH_OVERHEAD;
        size += self.entries().map(Entry::size_in_bytes).sum::<usize>();
        self.size_bytes = size;
        self.records = self.batches.iter().map(|b| b.entry_count as usize).sum();
    }

    /// The first entry with offset `>= offset`.
    pub fn entry_at_or_after(&self, offset: i64) -> Option<&Entry> {
        let i = self.batches.partition_point(|b| b.last_offset < offset);
        self.batches.get(i..)?.iter().find_map(|b| {
            let entries = self.batch_entries(b);
            entries.get(entries.partition_point(|e| e.offset < offset))
        })
    }

    /// The entry with exactly this offset.
    pub fn entry_at(&self, offset: i64) -> Option<&Entry> {
        self.entry_at_or_after(offset)
            .filter(|e| e.offset == offset)
    }

    /// The batch containing `offset`.
    pub fn batch_containing(&self, offset: i64) -> Option<&BatchHeader> {
        let i = self.batches.partition_point(|b| b.last_offset < offset);
        self.batches.get(i).filter(|b| b.base_offset <= offset)
    }
}

/// Every entry of a [`Records`], batch by batch ([`Records::entries`]).
#[derive(Debug, Clone)]
pub struct Entries<'a> {
    records: &'a Records,
    next_batch: usize,
    current: std::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for Entries<'a> {
    type Item = &'a Entry;
    fn next(&mut self) -> Option<&'a Entry> {
        loop {
            if let Some(e) = self.current.next() {
                return Some(e);
            }
            let b = self.records.batches.get(self.next_batch)?;
            self.next_batch += 1;
            self.current = self.records.batch_entries(b).iter();
        }
    }
}

/// An entry's key, value and header bytes, in all.
fn span(e: &Entry) -> usize {
    e.key_len.max(0) as usize + e.value_len.max(0) as usize + e.headers_len as usize
}

/// `kv` is `k`'s memory followed by `v`'s: the same bytes as `k` then `v`.
fn is_key_then_value(k: &[u8], v: &[u8], kv: &[u8]) -> bool {
    kv.as_ptr() == k.as_ptr() && k.as_ptr_range().end == v.as_ptr() && kv.len() == k.len() + v.len()
}

fn push_len_prefixed(buf: &mut Vec<u8>, bytes: &[u8]) {
    let n = bytes.len().min(u16::MAX as usize);
    buf.extend_from_slice(&(n as u16).to_le_bytes());
    buf.extend_from_slice(bytes.get(..n).unwrap_or(&[]));
}

fn take_len_prefixed(buf: &[u8]) -> Option<(&[u8], &[u8])> {
    let len_bytes = buf.get(..2)?;
    let n = u16::from_le_bytes([len_bytes[0], len_bytes[1]]) as usize;
    let body = buf.get(2..2 + n)?;
    Some((body, buf.get(2 + n..).unwrap_or(&[])))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: u64, key: Option<&str>, value: Option<&str>) -> NewRecord {
        NewRecord {
            id,
            timestamp: id as i64 * 10,
            key: key.map(|k| k.as_bytes().to_vec()),
            value: value.map(|v| v.as_bytes().to_vec()),
            headers: vec![("h".into(), b"x".to_vec())],
        }
    }

    fn contents(r: &Records) -> Vec<Record> {
        r.entries().map(|e| r.record(e)).collect()
    }

    /// Every batch's size, as the set keeps it while records are added, copied, filtered and
    /// truncated, and after a serde round trip (which does not carry it), equals the sum
    /// over its records; so does the set's record count.
    #[test]
    fn a_batch_size_kept_as_records_are_added_equals_the_sum_over_them() {
        fn check(r: &Records) {
            for b in r.batches() {
                let summed: usize = r.batch_entries(b).iter().map(Entry::size_in_bytes).sum();
                assert_eq!(r.batch_size(b), BATCH_OVERHEAD + summed, "{b:?}");
            }
            let total: usize = r.batches().iter().map(|b| r.batch_size(b)).sum();
            assert_eq!(r.size_in_bytes(), total);
            let records: usize = r.batches().iter().map(|b| r.batch_entries(b).len()).sum();
            assert_eq!(r.record_count(), records, "the record count kept");
            assert_eq!(r.entries().count(), records);
        }
        let mut log = Records::new();
        let mut id = 0;
        for n in [3, 1, 4, 2] {
            let recs: Vec<NewRecord> = (0..n)
                .map(|i| {
                    id += 1;
                    rec(
                        id,
                        (i % 2 == 0).then_some("key"),
                        Some(&"v".repeat(id as usize)),
                    )
                })
                .collect();
            let mut batch = Records::single_batch(&recs, ProducerStamp::NONE);
            check(&batch);
            let next = log.last_offset().map_or(0, |o| o + 1);
            batch.assign_offsets(next, 0, None);
            log.append(&batch);
            check(&log);
        }
        check(&log.slice(1, 9, usize::MAX));
        let mut filtered = Records::new();
        for b in log.batches() {
            filtered.append_batch_from(&log, b, |e| e.offset % 2 == 0);
        }
        check(&filtered);
        let mut cut = log.clone();
        cut.truncate_to(5);
        check(&cut);
        let back: Records = serde_json::from_str(&serde_json::to_string(&log).expect("serializes"))
            .expect("parses");
        assert!(back.batches().iter().all(|b| b.entries_bytes == 0));
        check(&back);
        assert_eq!(back, log);
    }

    /// Replication and fetches share a batch's bytes and entries: the copy holds the same
    /// arena and entry block (no byte or entry is copied) and reads the same records.
    #[test]
    fn appending_a_batch_shares_its_arena_and_entries() {
        let mut leader = Records::single_batch(
            &[rec(1, Some("a"), Some("x")), rec(2, None, Some("yy"))],
            ProducerStamp::NONE,
        );
        leader.assign_offsets(0, 0, None);
        let mut follower = Records::new();
        follower.append(&leader);
        assert!(Arc::ptr_eq(&leader.arenas[0], &follower.arenas[0]));
        assert!(Arc::ptr_eq(&leader.blocks[0], &follower.blocks[0]));
        assert_eq!((follower.arenas.len(), follower.blocks.len()), (1, 1));
        assert_eq!(contents(&follower), contents(&leader));
        assert_eq!(follower, leader);
        // A second batch from the same arena and block does not add another.
        let mut two = leader.clone();
        two.append(&leader.slice(0, 2, usize::MAX));
        assert_eq!((two.arenas.len(), two.blocks.len()), (1, 1));
    }

    /// A producer keeps its batch for a retry while the leader assigns offsets to the copy
    /// it was sent: the producer's entries keep their relative offsets, the leader's get
    /// absolute ones, and both read the same bytes.
    #[test]
    fn assigning_offsets_to_a_sent_copy_leaves_the_producers_batch_alone() {
        let mut batch = Records::with_capacity(4, 64);
        batch.push_record(rec(1, Some("a"), Some("x")).as_ref());
        batch.push_record(rec(2, Some("b"), Some("y")).as_ref());
        let mut sent = batch.stamped(ProducerStamp {
            producer_id: 7,
            producer_epoch: 0,
            base_sequence: 0,
            is_transactional: false,
        });
        assert!(
            Arc::ptr_eq(&batch.blocks[0], &sent.blocks[0]),
            "sent without copying"
        );
        sent.assign_offsets(40, 3, None);
        assert_eq!(
            sent.entries().map(|e| e.offset).collect::<Vec<_>>(),
            [40, 41]
        );
        assert_eq!(
            batch.entries().map(|e| e.offset).collect::<Vec<_>>(),
            [0, 1]
        );
        assert!(
            Arc::ptr_eq(&batch.arenas[0], &sent.arenas[0]),
            "bytes still shared"
        );
        let values = |r: &Records| r.entries().map(|e| r.record(e).value).collect::<Vec<_>>();
        assert_eq!(values(&sent), values(&batch));
        // The producer's next record (a batch not yet sent) stays out of the sent copy.
        batch.push_record(rec(3, Some("c"), Some("z")).as_ref());
        assert_eq!((batch.record_count(), sent.record_count()), (3, 2));
    }

    /// A set never writes into an arena another set holds: a snapshot taken while a batch is
    /// being filled keeps what it saw, and the writer's later records go to its own copy.
    #[test]
    fn writing_after_a_snapshot_leaves_the_snapshot_alone() {
        let mut open = Records::new();
        open.push_record(rec(1, Some("a"), Some("first")).as_ref());
        let snapshot = open.clone();
        open.push_record(rec(2, Some("b"), Some("second")).as_ref());
        assert_eq!(contents(&snapshot).len(), 1);
        assert_eq!(snapshot.arena_bytes(), "afirst".len() + 4 + 1 + 1);
        let got = contents(&open);
        assert_eq!(got[0].value.as_deref(), Some(&b"first"[..]));
        assert_eq!(got[1].value.as_deref(), Some(&b"second"[..]));
        assert!(!Arc::ptr_eq(&open.arenas[0], &snapshot.arenas[0]));

        // A log that shares a producer's arena starts its own for the batch it writes.
        let mut log = Records::new();
        log.append(&snapshot);
        log.push_batch(1, 0, ProducerStamp::NONE, None, &[rec(3, None, Some("m"))]);
        assert_eq!(log.arenas.len(), 2);
        assert_eq!(contents(&snapshot).len(), 1);
        assert_eq!(contents(&log)[1].value.as_deref(), Some(&b"m"[..]));
    }

    /// A producer's batch reserves `batch.size`; once closed, its arena keeps only its bytes
    /// (every log storing the batch shares it), and reads the same.
    #[test]
    fn a_closed_batch_gives_back_its_batch_size_room() {
        let mut b = Records::with_capacity(100, 16_384);
        b.push_record(rec(1, Some("k"), Some("v")).as_ref());
        let before = contents(&b);
        assert!(b.arenas[0].capacity() >= 16_384);
        b.shrink_arenas();
        assert_eq!(b.arenas[0].capacity(), b.arenas[0].len());
        assert_eq!(contents(&b), before);
        // A shared arena is left as it is.
        let mut c = Records::with_capacity(100, 16_384);
        c.push_record(rec(2, Some("k"), Some("v")).as_ref());
        let shared = c.clone();
        c.shrink_arenas();
        assert!(c.arenas[0].capacity() >= 16_384);
        assert!(Arc::ptr_eq(&c.arenas[0], &shared.arenas[0]));
    }

    /// After truncation the arenas no batch uses are gone, and new records read back right.
    #[test]
    fn truncation_drops_unused_arenas_and_appends_still_read_back() {
        let mut a = Records::single_batch(&[rec(1, Some("k1"), Some("v1"))], ProducerStamp::NONE);
        a.assign_offsets(0, 0, None);
        let mut b = Records::single_batch(&[rec(2, Some("k2"), Some("v2"))], ProducerStamp::NONE);
        b.assign_offsets(1, 0, None);
        let mut log = Records::new();
        log.append(&a);
        log.append(&b);
        assert_eq!(log.arenas.len(), 2);
        log.truncate_to(1);
        assert_eq!(log.arenas.len(), 1);
        log.push_batch(
            1,
            1,
            ProducerStamp::NONE,
            None,
            &[rec(3, Some("k3"), Some("v3"))],
        );
        let got = contents(&log);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].key.as_deref(), Some(&b"k1"[..]));
        assert_eq!(got[1].key.as_deref(), Some(&b"k3"[..]));
        assert_eq!(got[1].headers, vec![("h".to_string(), b"x".to_vec())]);
    }

    /// A batch no producer kept (acks=0) goes into the log as it is, without the room the
    /// producer reserved for a full `batch.size`.
    #[test]
    fn a_batch_appended_uncopied_gives_back_its_spare_room() {
        let mut batch = Records::with_capacity(148, 148 * 100);
        batch.push_record(rec(1, Some("a"), Some("x")).as_ref());
        batch.push_record(rec(2, Some("b"), Some("y")).as_ref());
        let mut sent = batch.stamped(ProducerStamp::NONE);
        drop(batch);
        sent.assign_offsets(0, 0, None);
        assert!(
            sent.blocks[0].capacity() < 4,
            "{}",
            sent.blocks[0].capacity()
        );
        assert_eq!(sent.entries().map(|e| e.offset).collect::<Vec<_>>(), [0, 1]);
    }

    /// A replica truncating a batch it shares with another (mid-batch, as a diverging
    /// follower may) and appending after it changes only its own copy: the other still reads
    /// every record it had, and the truncated one reads its new records.
    #[test]
    fn truncating_a_shared_batch_and_appending_leaves_the_sharer_alone() {
        let mut leader = Records::single_batch(
            &[
                rec(1, Some("k1"), Some("v1")),
                rec(2, Some("k2"), Some("v2")),
                rec(3, Some("k3"), Some("v3")),
            ],
            ProducerStamp::NONE,
        );
        leader.assign_offsets(0, 0, None);
        let before = contents(&leader);
        let mut follower = Records::new();
        follower.append(&leader);
        follower.truncate_to(1);
        assert_eq!(follower.record_count(), 1);
        follower.push_batch(
            1,
            1,
            ProducerStamp::NONE,
            None,
            &[rec(9, Some("k9"), Some("v9"))],
        );
        assert_eq!(
            contents(&leader),
            before,
            "the sharer's records are untouched"
        );
        let got = contents(&follower);
        assert_eq!(
            got.iter().map(|r| (r.offset, r.id)).collect::<Vec<_>>(),
            [(0, 1), (1, 9)]
        );
        assert_eq!(got[1].value.as_deref(), Some(&b"v9"[..]));
    }

    /// A key and value handed over as one slice are stored as handed over separately; a
    /// `key_value` that is not the key's memory followed by the value's is ignored.
    #[test]
    fn key_and_value_given_side_by_side_are_stored_as_given_apart() {
        let bytes = b"key-42v7.....";
        let (k, v) = bytes.split_at(6);
        let elsewhere = b"key-42v7.....".to_vec();
        let with = |key_value: Option<&[u8]>| {
            let mut r = Records::new();
            r.push_record(RecordRef {
                id: 1,
                timestamp: 5,
                key: Some(k),
                value: Some(v),
                headers: &[("h".into(), b"x".to_vec())],
                key_value,
            });
            r
        };
        let apart = with(None);
        let expected = vec![Record {
            id: 1,
            timestamp: 5,
            key: Some(b"key-42".to_vec()),
            value: Some(b"v7.....".to_vec()),
            headers: vec![("h".into(), b"x".to_vec())],
            offset: 0,
        }];
        assert_eq!(contents(&apart), expected);
        assert_eq!(with(Some(bytes)), apart, "joined");
        // Same bytes, other memory; a slice one byte short; the value's memory alone.
        for ignored in [&elsewhere[..], &bytes[..12], v] {
            assert_eq!(with(Some(ignored)), apart);
        }
        assert!(is_key_then_value(k, v, bytes));
        assert!(!is_key_then_value(k, v, &elsewhere));
        assert!(!is_key_then_value(v, k, bytes));
    }

    /// A producer's batch filled record by record is the batch `single_batch` builds from the
    /// same records, stamped or not: same headers, entries, bytes and sizes.
    #[test]
    fn push_record_builds_what_single_batch_builds() {
        let mut records = [
            rec(7, Some("k"), Some("v1")),
            rec(8, None, Some("keyless")),
            rec(9, Some("gone"), None),
            rec(10, Some(""), Some("")),
        ];
        records[1].headers = vec![("h".into(), b"x".to_vec()), ("trace".into(), Vec::new())];
        records[2].timestamp = 5; // not the largest: max_timestamp is a maximum, not the last
        let stamp = ProducerStamp {
            producer_id: 1000,
            producer_epoch: 2,
            base_sequence: 41,
            is_transactional: true,
        };
        for n in 0..=records.len() {
            let Some(some) = records.get(..n) else {
                continue;
            };
            let mut built = Records::with_capacity(1, 1);
            for r in some {
                built.push_record(r.as_ref());
            }
            if n == 0 {
                assert!(built.is_empty());
                continue;
            }
            assert_eq!(
                built,
                Records::single_batch(some, ProducerStamp::NONE),
                "{n} records"
            );
            assert_eq!(built.stamped(stamp), Records::single_batch(some, stamp));
            let sizes: usize = some.iter().map(|r| r.size_in_bytes()).sum();
            assert_eq!(
                sizes,
                some.iter()
                    .map(|r| r.as_ref().size_in_bytes())
                    .sum::<usize>()
            );
            assert_eq!(built.record_count(), n);
        }
        assert_eq!(records[1].as_ref().to_owned(), records[1]);
    }

    #[test]
    fn keys_values_headers_round_trip() {
        let mut r = Records::single_batch(
            &[
                rec(1, Some("k"), Some("v1")),
                rec(2, None, None),
                rec(3, Some(""), Some("")),
            ],
            ProducerStamp::NONE,
        );
        r.assign_offsets(5, 2, None);
        let got: Vec<Record> = r.entries().map(|e| r.record(e)).collect();
        assert_eq!(got[0].offset, 5);
        assert_eq!(got[0].key.as_deref(), Some(&b"k"[..]));
        assert_eq!(got[0].value.as_deref(), Some(&b"v1"[..]));
        assert_eq!(got[0].headers, vec![("h".to_string(), b"x".to_vec())]);
        assert_eq!(got[1].key, None);
        assert_eq!(got[1].value, None);
        assert!(r.entries().nth(1).is_some_and(Entry::is_tombstone));
        assert_eq!(got[2].key.as_deref(), Some(&b""[..]));
        assert_eq!(r.batches()[0].partition_leader_epoch, 2);
        assert_eq!(r.batches()[0].last_offset, 7);
    }

    #[test]
    fn slice_and_truncate_keep_whole_batches() {
        let mut log = Records::new();
        for i in 0..4u64 {
            let mut b = Records::single_batch(
                &[
                    rec(i * 2, Some("a"), Some("x")),
                    rec(i * 2 + 1, Some("b"), Some("y")),
                ],
                ProducerStamp::NONE,
            );
            b.assign_offsets(i as i64 * 2, 0, None);
            log.append(&b);
        }
        assert_eq!(log.record_count(), 8);
        let s = log.slice(3, 8, usize::MAX);
        assert_eq!(
            s.first_offset(),
            Some(2),
            "the batch containing offset 3 starts at 2"
        );
        assert_eq!(s.last_offset(), Some(7));
        let s = log.slice(0, 5, usize::MAX);
        assert_eq!(
            s.last_offset(),
            Some(3),
            "a batch reaching past the bound is not returned"
        );
        log.truncate_to(4);
        assert_eq!(log.last_offset(), Some(3));
        assert_eq!(log.record_count(), 4);
        let r = log.record(log.entries().nth(3).expect("a fourth record"));
        assert_eq!(r.value.as_deref(), Some(&b"y"[..]));
        log.truncate_to(3);
        assert_eq!(log.last_offset(), Some(2));
        assert_eq!(log.batches().last().unwrap().record_count(), 1);
    }

    #[test]
    fn planned_append_is_append_of_slice() {
        let mut log = Records::new();
        for i in 0..6u64 {
            let mut b = Records::single_batch(
                &[
                    rec(i * 2, Some("a"), Some("x")),
                    rec(i * 2 + 1, None, Some("yy")),
                ],
                ProducerStamp::NONE,
            );
            b.assign_offsets(i as i64 * 2, 0, None);
            log.append(&b);
        }
        for (from, to, max) in [
            (0, 12, usize::MAX),
            (3, 9, usize::MAX),
            (1, 12, 100),
            (0, 12, 1),
            (5, 5, 10),
        ] {
            let mut a = Records::single_batch(&[rec(99, None, Some("z"))], ProducerStamp::NONE);
            let mut b = a.clone();
            a.append(&log.slice(from, to, max));
            let plan = log.slice_plan(from, to, max, true);
            b.reserve_for(&[(&log, plan)]);
            let n = b.append_planned(&log, plan);
            assert_eq!(a, b, "{from} {to} {max}");
            assert_eq!(n, log.slice(from, to, max).batches().len());
        }
    }

    #[test]
    fn sequence_wraps_at_int_max() {
        let mut r = Records::single_batch(
            &[rec(1, None, Some("a")), rec(2, None, Some("b"))],
            ProducerStamp {
                producer_id: 1,
                producer_epoch: 0,
                base_sequence: i32::MAX,
                is_transactional: false,
            },
        );
        r.assign_offsets(0, 0, None);
        assert_eq!(r.batches()[0].last_sequence(), 0);
    }

    #[test]
    fn a_closed_batchs_large_buffer_goes_to_the_free_list_and_shared_ones_stay() {
        let big = Vec::with_capacity(4096);
        let big_at = big.as_ptr();
        let mut r = Records::with_buffers(Arc::new(Vec::with_capacity(8)), big);
        r.push_record(rec(1, Some("k"), Some("v")).as_ref());
        let before = contents(&r);
        let mut free = Vec::new();
        r.shrink_arenas_into(&mut free, 4);
        // The records are unchanged, in an exact-size arena; the big buffer is on the list,
        // emptied.
        assert_eq!(contents(&r), before);
        assert_eq!(r.arena_bytes(), r.arenas[0].capacity());
        assert_eq!(free.len(), 1);
        assert_eq!((free[0].as_ptr(), free[0].len()), (big_at, 0));
        // A full list takes no more.
        let mut r2 = Records::with_buffers(Arc::new(Vec::new()), Vec::with_capacity(4096));
        r2.push_record(rec(2, None, Some("v")).as_ref());
        r2.shrink_arenas_into(&mut free, 1);
        assert_eq!(free.len(), 1);
        // An arena another set shares is left where it is.
        let mut r3 = Records::with_buffers(Arc::new(Vec::new()), Vec::with_capacity(4096));
        r3.push_record(rec(3, None, Some("v")).as_ref());
        let sharer = r3.clone();
        r3.shrink_arenas_into(&mut free, 4);
        assert_eq!(free.len(), 1);
        assert_eq!(r3.arenas[0].capacity(), 4096);
        assert_eq!(contents(&r3), contents(&sharer));
    }

    #[test]
    fn only_entry_blocks_no_other_set_shares_are_taken_back() {
        let mut shared = Records::with_buffers(Arc::new(Vec::with_capacity(16)), Vec::new());
        shared.push_record(rec(1, Some("k"), Some("v")).as_ref());
        let sharer = shared.clone();
        let mut free = Vec::new();
        shared.take_blocks(&mut free, 4);
        assert!(free.is_empty());
        assert_eq!(sharer.record_count(), 1);
        let alone = sharer;
        let at = alone.blocks[0].as_ptr();
        alone.take_blocks(&mut free, 4);
        assert_eq!(free.len(), 1);
        assert_eq!((free[0].as_ptr(), free[0].len()), (at, 0));
        let mut full = Records::with_buffers(Arc::new(Vec::with_capacity(16)), Vec::new());
        full.push_record(rec(2, None, Some("v")).as_ref());
        full.take_blocks(&mut free, 1);
        assert_eq!(free.len(), 1);
    }

    #[test]
    fn a_set_made_from_used_buffers_holds_only_its_own_records() {
        let mut arena = b"old bytes".to_vec();
        arena.reserve(64);
        let block = Arc::new(vec![Entry {
            offset: 7,
            timestamp: 0,
            id: 9,
            data_start: 0,
            key_len: -1,
            value_len: 3,
            headers_len: 0,
        }]);
        // A block someone else still holds is not emptied under them.
        let holder = Arc::clone(&block);
        let mut shared = Records::with_buffers(Arc::clone(&block), Vec::new());
        shared.push_record(rec(2, None, Some("w")).as_ref());
        assert_eq!((holder.len(), holder[0].id), (1, 9));
        assert!(!Arc::ptr_eq(&shared.blocks[0], &holder));
        drop((holder, shared));
        let mut r = Records::with_buffers(block, arena);
        r.push_record(rec(1, Some("k"), Some("v")).as_ref());
        let fresh = Records::single_batch(&[rec(1, Some("k"), Some("v"))], ProducerStamp::NONE);
        assert_eq!(contents(&r), contents(&fresh));
        assert_eq!(r.record_count(), 1);
        assert_eq!(r.arena_bytes(), fresh.arena_bytes());
    }
}
