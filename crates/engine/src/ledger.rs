//! The durability ledger: what the simulator knows about every record a producer created —
//! where leaders appended it, whether and how the producer was told it was acknowledged —
//! and the partition history needed to explain a loss.
//!
//! Kafka has no such thing; it is the simulator's omniscient bookkeeping, checked against
//! the replicas' logs by [`crate::cluster::Cluster::durability`].

use crate::error::ErrorCode;
use crate::log::Log;
use crate::message::Acks;
use crate::record::RecordId;
use crate::types::{BrokerId, Millis, Tp};
use crate::vecmap::VecMap;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Not yet acknowledged or failed.
    Pending,
    /// The producer was told it succeeded.
    Acked { offset: i64, at: Millis },
    /// The producer was told it failed.
    Failed { error: ErrorCode, at: Millis },
}

/// One produced record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LedgerEntry {
    pub id: RecordId,
    pub producer: u32,
    pub tp: Tp,
    pub acks: Acks,
    pub created_at: Millis,
    /// Every leader append of this record (retries without idempotence append again).
    pub appends: Appends,
    pub outcome: Outcome,
    /// Sent inside a transaction.
    #[serde(default)]
    pub in_txn: bool,
    /// For records sent in a transaction: Some(true) committed, Some(false) aborted.
    #[serde(default)]
    pub txn_committed: Option<bool>,
    /// A KIP-360 epoch bump renumbered this record's batch (new epoch, sequences from 0)
    /// after it had been sent with a sequence and before it was acknowledged: a leader may
    /// already hold a copy under the old epoch, which the new identity cannot be matched to.
    #[serde(default)]
    pub renumbered: bool,
}

impl LedgerEntry {
    /// The distinct offsets of `log` that hold a copy of this record (a retry that went to a
    /// new leader after the first copy was truncated away is not a second copy).
    pub fn copies_in(&self, log: &Log) -> Vec<i64> {
        let mut offsets: Vec<i64> = self
            .appends
            .iter()
            .map(|a| a.offset)
            .filter(|o| log.id_at(*o) == Some(self.id))
            .collect();
        offsets.sort_unstable();
        offsets.dedup();
        offsets
    }

    /// Where `log` holds the acknowledged copy: at the acknowledged offset, or (acks=0, no
    /// offset) at any of its appends.
    pub fn acked_offset_in(&self, log: &Log) -> Option<i64> {
        match self.outcome {
            Outcome::Acked { offset, .. } if offset >= 0 => {
                (log.id_at(offset) == Some(self.id)).then_some(offset)
            }
            _ => self
                .appends
                .iter()
                .map(|a| a.offset)
                .find(|o| log.id_at(*o) == Some(self.id)),
        }
    }

    /// The offset the record is reported at: where it was acknowledged, or else its first
    /// append (-1: never appended).
    pub fn reported_offset(&self) -> i64 {
        match self.outcome {
            Outcome::Acked { offset, .. } if offset >= 0 => offset,
            _ => self.appends.first().map_or(-1, |a| a.offset),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Append {
    pub broker: BrokerId,
    pub offset: i64,
    pub leader_epoch: i32,
    pub at: Millis,
}

/// A record's leader appends: almost always exactly one, so it is stored inline (no heap
/// allocation per record); reads as a slice. Serialized as a list, like a `Vec`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Appends {
    #[default]
    None,
    One([Append; 1]),
    Many(Vec<Append>),
}

impl Appends {
    pub fn push(&mut self, a: Append) {
        *self = match std::mem::take(self) {
            Appends::None => Appends::One([a]),
            Appends::One([first]) => Appends::Many(vec![first, a]),
            Appends::Many(mut v) => {
                v.push(a);
                Appends::Many(v)
            }
        };
    }
}

impl std::ops::Deref for Appends {
    type Target = [Append];
    fn deref(&self) -> &[Append] {
        match self {
            Appends::None => &[],
            Appends::One(a) => a,
            Appends::Many(v) => v,
        }
    }
}

impl Serialize for Appends {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        (**self).serialize(s)
    }
}

impl<'de> Deserialize<'de> for Appends {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Vec::<Append>::deserialize(d)?;
        Ok(match v.len() {
            0 => Appends::None,
            1 => Appends::One([v[0]]),
            _ => Appends::Many(v),
        })
    }
}

/// Partition history used to explain losses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HistoryEvent {
    BecameLeader {
        at: Millis,
        broker: BrokerId,
        epoch: i32,
        leo: i64,
        unclean: bool,
    },
    Offline {
        at: Millis,
        epoch: i32,
    },
    Truncated {
        at: Millis,
        broker: BrokerId,
        to_offset: i64,
        removed: usize,
    },
    /// The broker lost power: its log kept only what had reached the disk.
    PowerLoss {
        at: Millis,
        broker: BrokerId,
        to_offset: i64,
        removed: usize,
    },
}

/// How many times a group's applications processed each record: a dense count per record id
/// (ids are dense), with running totals.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Processed {
    base: RecordId,
    counts: Vec<u16>,
    distinct: u64,
    repeats: u64,
}

impl Processed {
    /// Count one processing of record `id`. Inlined: a consumer counts every record it
    /// polls, so the common case (an id inside the counted range: the group reads 12
    /// partitions, and each fetch's ids fall between ids already counted) is a few
    /// instructions in its loop, not a call (`always`: the page's size-optimised build
    /// would call it).
    #[inline(always)]
    pub fn add(&mut self, id: RecordId) {
        // `id < base` wraps to a number past any count's index, as does an empty `counts`.
        let i = usize::try_from(id.wrapping_sub(self.base)).unwrap_or(usize::MAX);
        if let Some(c) = self.counts.get_mut(i) {
            if *c == 0 {
                self.distinct += 1;
            } else {
                self.repeats += 1;
            }
            *c = c.saturating_add(1);
            return;
        }
        self.add_outside(id);
    }

    /// [`Processed::add`] of an id outside the counted range: the range grows to it, and the
    /// id, never counted before, is counted once.
    #[inline(never)]
    fn add_outside(&mut self, id: RecordId) {
        self.distinct += 1;
        if self.counts.is_empty() {
            self.base = id;
        } else if id < self.base {
            let shift = (self.base - id) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, shift));
            self.base = id;
        }
        let i = (id - self.base) as usize;
        // The common case, the next id after the last counted one: a push (a `resize` by one
        // is a call and a loop in the page's size-optimised build).
        if i == self.counts.len() {
            self.counts.push(1);
            return;
        }
        if i > self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        if let Some(c) = self.counts.get_mut(i) {
            *c = 1;
        }
    }
    /// Times record `id` was processed.
    pub fn count(&self, id: RecordId) -> u32 {
        id.checked_sub(self.base)
            .and_then(|i| self.counts.get(i as usize))
            .map_or(0, |c| u32::from(*c))
    }
    pub fn contains(&self, id: RecordId) -> bool {
        self.count(id) > 0
    }
    /// Distinct records processed.
    pub fn len(&self) -> u64 {
        self.distinct
    }
    pub fn is_empty(&self) -> bool {
        self.distinct == 0
    }
    /// Processings beyond the first of each record (duplicates).
    pub fn repeats(&self) -> u64 {
        self.repeats
    }
}

/// Ledger entries are stored in blocks of this many, shared (`Arc`) between clones of a
/// [`Ledger`]: a rewind snapshot copies block pointers, and a later change copies only the
/// block it touches (nearly always the newest).
const BLOCK: usize = 1024;

/// One record's entry in 20 bytes: the common case (at most one leader append, acknowledged
/// at that append's offset or pending) with small numbers, times as deltas. Anything else
/// (a second append, a failure, a number that does not fit) is kept whole in the block's
/// `spilled` list, and the packed entry only says so. The record id is the entry's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Packed {
    /// `created_at` minus the block's `base_time`.
    created: u32,
    /// The one append's offset.
    offset: u32,
    topic: u16,
    partition: u16,
    /// The append's `at` minus `created_at`.
    append_delay: u16,
    /// The acknowledgement's `at` minus `created_at`.
    ack_delay: u16,
    /// Bits 0–1 acks (3: no record has this id), 2 appended, 3 acked, 4 acked without an
    /// offset (acks=0), 5 in a transaction, 6–7 transaction outcome (1 committed, 2 aborted),
    /// 8 renumbered, 9 spilled, 10–15 the appending broker.
    flags: u16,
    producer: u8,
    /// The append's leader epoch.
    epoch: u8,
}

const ACKS_MASK: u16 = 0b11;
const NO_RECORD: u16 = 3;
const APPENDED: u16 = 1 << 2;
const ACKED: u16 = 1 << 3;
const ACKED_NO_OFFSET: u16 = 1 << 4;
const IN_TXN: u16 = 1 << 5;
const TXN_SHIFT: u16 = 6;
const RENUMBERED: u16 = 1 << 8;
const SPILLED: u16 = 1 << 9;
const BROKER_SHIFT: u16 = 10;

impl Packed {
    const ABSENT: Packed = Packed {
        created: 0,
        offset: 0,
        topic: 0,
        partition: 0,
        append_delay: 0,
        ack_delay: 0,
        flags: NO_RECORD,
        producer: 0,
        epoch: 0,
    };

    fn acks_bits(acks: Acks) -> u16 {
        match acks {
            Acks::None => 0,
            Acks::Leader => 1,
            Acks::All => 2,
        }
    }

    /// A spilled entry's placeholder: it only says that the record exists.
    fn spilled(acks: Acks) -> Packed {
        Packed {
            flags: Self::acks_bits(acks) | SPILLED,
            ..Packed::ABSENT
        }
    }

    /// A new, pending record created `created` ms after its block's base time, if it packs.
    fn pending(producer: u32, tp: Tp, acks: Acks, created: Millis) -> Option<Packed> {
        Some(Packed {
            created: u32::try_from(created).ok()?,
            topic: u16::try_from(tp.topic).ok()?,
            partition: u16::try_from(tp.partition).ok()?,
            producer: u8::try_from(producer).ok()?,
            flags: Self::acks_bits(acks),
            ..Packed::ABSENT
        })
    }

    /// `e` packed against a block starting at `base`, if it fits.
    fn pack(e: &LedgerEntry, base: Millis) -> Option<Packed> {
        let mut p = Self::pending(e.producer, e.tp, e.acks, e.created_at.checked_sub(base)?)?;
        match &*e.appends {
            [] => {}
            [a] => p.set_append(e.created_at, a)?,
            _ => return None,
        }
        match e.outcome {
            Outcome::Pending => {}
            Outcome::Acked { offset, at } => p.set_ack(e.created_at, offset, at)?,
            Outcome::Failed { .. } => return None,
        }
        if e.in_txn {
            p.flags |= IN_TXN;
        }
        p.flags |= match e.txn_committed {
            None => 0,
            Some(true) => 1,
            Some(false) => 2,
        } << TXN_SHIFT;
        if e.renumbered {
            p.flags |= RENUMBERED;
        }
        Some(p)
    }

    /// Record the one append, if its numbers fit (nothing changes otherwise).
    fn set_append(&mut self, created_at: Millis, a: &Append) -> Option<()> {
        let broker = u16::try_from(a.broker).ok().filter(|b| *b < 64)?;
        let offset = u32::try_from(a.offset).ok()?;
        let epoch = u8::try_from(a.leader_epoch).ok()?;
        let delay = u16::try_from(a.at.checked_sub(created_at)?).ok()?;
        self.offset = offset;
        self.epoch = epoch;
        self.append_delay = delay;
        self.flags |= APPENDED | broker << BROKER_SHIFT;
        Some(())
    }

    /// Record the acknowledgement, if it packs: without an offset (acks=0), or at the one
    /// append's offset (nothing changes otherwise).
    fn set_ack(&mut self, created_at: Millis, offset: i64, at: Millis) -> Option<()> {
        let delay = u16::try_from(at.checked_sub(created_at)?).ok()?;
        if offset == -1 {
            self.flags |= ACKED | ACKED_NO_OFFSET;
        } else if self.flags & APPENDED != 0 && i64::from(self.offset) == offset {
            self.flags |= ACKED;
        } else {
            return None;
        }
        self.ack_delay = delay;
        Some(())
    }

    /// `on_ack` on the packed form, if the entry is packed, pending, and stays packed.
    fn try_ack(&mut self, base: Millis, offset: i64, at: Millis) -> bool {
        if self.flags & (SPILLED | ACKED) != 0 || self.flags & ACKS_MASK == NO_RECORD {
            return false;
        }
        let created_at = base + Millis::from(self.created);
        self.set_ack(created_at, offset, at).is_some()
    }

    /// `on_append` on the packed form, if the entry is packed, has no append yet, and stays
    /// packed. (An entry acknowledged at an offset without an append is never packed.)
    fn try_append(&mut self, base: Millis, a: &Append) -> bool {
        if self.flags & (SPILLED | APPENDED) != 0 || self.flags & ACKS_MASK == NO_RECORD {
            return false;
        }
        let created_at = base + Millis::from(self.created);
        self.set_append(created_at, a).is_some()
    }

    fn unpack(self, id: RecordId, base: Millis) -> Option<LedgerEntry> {
        let acks = match self.flags & ACKS_MASK {
            0 => Acks::None,
            1 => Acks::Leader,
            2 => Acks::All,
            _ => return None,
        };
        let created_at = base + Millis::from(self.created);
        let mut appends = Appends::None;
        if self.flags & APPENDED != 0 {
            appends.push(Append {
                broker: BrokerId::from(self.flags >> BROKER_SHIFT),
                offset: i64::from(self.offset),
                leader_epoch: i32::from(self.epoch),
                at: created_at + Millis::from(self.append_delay),
            });
        }
        let outcome = if self.flags & ACKED == 0 {
            Outcome::Pending
        } else {
            Outcome::Acked {
                offset: if self.flags & ACKED_NO_OFFSET != 0 {
                    -1
                } else {
                    i64::from(self.offset)
                },
                at: created_at + Millis::from(self.ack_delay),
            }
        };
        Some(LedgerEntry {
            id,
            producer: u32::from(self.producer),
            tp: Tp::new(u32::from(self.topic), i32::from(self.partition)),
            acks,
            created_at,
            appends,
            outcome,
            in_txn: self.flags & IN_TXN != 0,
            txn_committed: match (self.flags >> TXN_SHIFT) & 0b11 {
                1 => Some(true),
                2 => Some(false),
                _ => None,
            },
            renumbered: self.flags & RENUMBERED != 0,
        })
    }
}

/// [`BLOCK`] consecutive record ids.
#[derive(Debug, Clone, PartialEq)]
struct Block {
    /// Times in the packed entries are relative to this (the first record's creation).
    base_time: Millis,
    packed: Vec<Packed>,
    /// Entries that do not pack, by id.
    spilled: Vec<LedgerEntry>,
}

impl Block {
    fn get(&self, slot: usize, id: RecordId) -> Option<LedgerEntry> {
        let p = *self.packed.get(slot)?;
        if p.flags & SPILLED == 0 {
            return p.unpack(id, self.base_time);
        }
        let i = self.spilled.binary_search_by_key(&id, |e| e.id).ok()?;
        self.spilled.get(i).cloned()
    }

    fn put(&mut self, slot: usize, e: LedgerEntry) {
        let found = self.spilled.binary_search_by_key(&e.id, |x| x.id);
        let p = match (Packed::pack(&e, self.base_time), found) {
            (Some(p), Ok(i)) => {
                self.spilled.remove(i);
                p
            }
            (Some(p), Err(_)) => p,
            (None, Ok(i)) => {
                let p = Packed::spilled(e.acks);
                if let Some(x) = self.spilled.get_mut(i) {
                    *x = e;
                }
                p
            }
            (None, Err(i)) => {
                let p = Packed::spilled(e.acks);
                self.spilled.insert(i, e);
                p
            }
        };
        if let Some(x) = self.packed.get_mut(slot) {
            *x = p;
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Ledger {
    /// Record id `n` is entry `n - 1` (ids are handed out from 1; a record that failed
    /// before it had a partition, or is created after later ids, leaves a gap until then).
    blocks: Vec<Arc<Block>>,
    pub history: VecMap<Tp, Vec<HistoryEvent>>,
    pub broker_stops: Vec<(Millis, BrokerId)>,
    /// Records each consumer group's applications finished processing: group → record id → times.
    pub processed: VecMap<String, Processed>,
    /// Whether any record was ever sent in a transaction (deliveries are kept only for those).
    any_txn: bool,
    /// Transactional records applications received: (consumer, read_committed) → ids.
    pub txn_deliveries: VecMap<(String, bool), Vec<RecordId>>,
    /// Turn off to save memory in throughput benchmarks.
    pub enabled: bool,
    /// Ids created after a higher id was (a record that waited for metadata fills the gap
    /// it left): [`crate::cluster::Cluster::durability`] reads new entries from where it
    /// stopped, and these from here.
    late: Vec<RecordId>,
    /// Appends of a record that already had one and was already acknowledged or failed (a
    /// retry's copy landing late): they can change a summary counted before.
    rewrites: u64,
}

impl Default for Ledger {
    fn default() -> Self {
        Self::new()
    }
}

impl Ledger {
    pub fn new() -> Self {
        Ledger {
            blocks: Vec::new(),
            history: VecMap::new(),
            broker_stops: Vec::new(),
            processed: VecMap::new(),
            any_txn: false,
            txn_deliveries: VecMap::new(),
            enabled: true,
            late: Vec::new(),
            rewrites: 0,
        }
    }

    fn position(id: RecordId) -> Option<(usize, usize)> {
        let i = usize::try_from(id.checked_sub(1)?).ok()?;
        Some((i / BLOCK, i % BLOCK))
    }

    /// A producer created record `id`. Inlined: every record passes here, nearly always as
    /// the next id after the last, packed at the end of the last block.
    #[inline]
    pub fn on_create(&mut self, id: RecordId, producer: u32, tp: Tp, acks: Acks, now: Millis) {
        if !self.enabled {
            return;
        }
        let next = Self::position(id).and_then(|(b, slot)| {
            let last = self.blocks.len().checked_sub(1)?;
            let block = self.blocks.get_mut(last)?;
            (b == last && slot == block.packed.len()).then_some(block)
        });
        if let Some(block) = next {
            let created = now.checked_sub(block.base_time);
            if let Some(p) = created.and_then(|c| Packed::pending(producer, tp, acks, c)) {
                Arc::make_mut(block).packed.push(p);
                return;
            }
        }
        self.create_elsewhere(id, producer, tp, acks, now);
    }

    /// [`Ledger::on_create`] of any other id (a new block, a gap, a late id) or of an entry
    /// that does not pack.
    #[inline(never)]
    fn create_elsewhere(&mut self, id: RecordId, producer: u32, tp: Tp, acks: Acks, now: Millis) {
        let Some((b, slot)) = Self::position(id) else {
            return;
        };
        if id <= self.last_id() && self.get(id).is_none() {
            self.late.push(id);
        }
        while self.blocks.len() <= b {
            self.blocks.push(Arc::new(Block {
                base_time: now,
                // A whole block's room at once: grown from a few entries by doubling, a
                // block was reallocated four times on its way to `BLOCK`.
                packed: Vec::with_capacity(BLOCK),
                spilled: Vec::new(),
            }));
        }
        let Some(block) = self.blocks.get_mut(b) else {
            return;
        };
        let block = Arc::make_mut(block);
        if block.packed.len() == slot {
            block.packed.push(Packed::ABSENT);
        } else if block.packed.len() < slot {
            block.packed.resize(slot + 1, Packed::ABSENT);
        }
        // The common case, packed directly: an id never put before (so none is spilled).
        if let Some(x) = block.packed.get_mut(slot).filter(|x| **x == Packed::ABSENT) {
            let created = now.checked_sub(block.base_time);
            if let Some(p) = created.and_then(|c| Packed::pending(producer, tp, acks, c)) {
                *x = p;
                return;
            }
        }
        block.put(
            slot,
            LedgerEntry {
                id,
                producer,
                tp,
                acks,
                created_at: now,
                appends: Appends::default(),
                outcome: Outcome::Pending,
                in_txn: false,
                txn_committed: None,
                renumbered: false,
            },
        );
    }

    /// Change the entry of record `id`, if the ledger has it.
    fn update(&mut self, id: RecordId, f: impl FnOnce(&mut LedgerEntry)) {
        let Some((b, slot)) = Self::position(id) else {
            return;
        };
        let Some(block) = self.blocks.get_mut(b) else {
            return;
        };
        let Some(mut e) = block.get(slot, id) else {
            return;
        };
        f(&mut e);
        Arc::make_mut(block).put(slot, e);
    }

    /// Change record `id`'s packed form in place, if `f` can (the common case of
    /// [`Ledger::on_append`] and [`Ledger::on_ack`], without unpacking the entry).
    fn in_place(&mut self, id: RecordId, f: impl FnOnce(&mut Packed, Millis) -> bool) -> bool {
        let Some((b, slot)) = Self::position(id) else {
            return false;
        };
        let Some(block) = self.blocks.get_mut(b) else {
            return false;
        };
        // On a copy first: a block shared with a snapshot is copied only for a real change.
        let Some(mut p) = block.packed.get(slot).copied() else {
            return false;
        };
        if !f(&mut p, block.base_time) {
            return false;
        }
        if let Some(x) = Arc::make_mut(block).packed.get_mut(slot) {
            *x = p;
        }
        true
    }

    /// [`Ledger::in_place`] for a batch's records, in order: the ledger block is found, and
    /// copied if a snapshot shares it, once per run of records in the same block instead of
    /// once per record. `f(packed, base_time, i)` changes the `i`-th record's packed form if it
    /// can; returns the indices it could not (for the unpacked path).
    fn in_place_all(
        &mut self,
        ids: impl Iterator<Item = RecordId>,
        mut f: impl FnMut(&mut Packed, Millis, usize) -> bool,
    ) -> Vec<usize> {
        let mut missed = Vec::new();
        let mut cur: Option<(usize, &mut Block)> = None;
        for (i, id) in ids.enumerate() {
            let Some((b, slot)) = Self::position(id) else {
                missed.push(i);
                continue;
            };
            if cur.as_ref().is_none_or(|(at, _)| *at != b) {
                cur = self.blocks.get_mut(b).map(|a| (b, Arc::make_mut(a)));
            }
            let done = cur.as_mut().is_some_and(|(_, block)| {
                let base = block.base_time;
                block.packed.get_mut(slot).is_some_and(|x| {
                    let mut p = *x;
                    let changed = f(&mut p, base, i);
                    if changed {
                        *x = p;
                    }
                    changed
                })
            });
            if !done {
                missed.push(i);
            }
        }
        missed
    }

    /// [`Ledger::on_append`] for a batch the leader appended: `ids[i]` at `first_offset + i`.
    pub fn on_append_batch(
        &mut self,
        ids: &[RecordId],
        first_offset: i64,
        broker: BrokerId,
        leader_epoch: i32,
        at: Millis,
    ) {
        let append = |i: usize| Append {
            broker,
            offset: first_offset + i as i64,
            leader_epoch,
            at,
        };
        let missed = self.in_place_all(ids.iter().copied(), |p, base, i| {
            p.try_append(base, &append(i))
        });
        for i in missed {
            if let Some(id) = ids.get(i) {
                self.on_append(*id, append(i));
            }
        }
    }

    /// [`Ledger::on_ack`] for an acknowledged batch: the `i`-th id at `base_offset + i`
    /// (-1 for all without an offset: acks=0).
    pub fn on_ack_batch(
        &mut self,
        ids: impl Iterator<Item = RecordId> + Clone,
        base_offset: i64,
        now: Millis,
    ) {
        let offset = |i: usize| {
            if base_offset >= 0 {
                base_offset + i as i64
            } else {
                -1
            }
        };
        let missed = self.in_place_all(ids.clone(), |p, base, i| p.try_ack(base, offset(i), now));
        for i in missed {
            if let Some(id) = ids.clone().nth(i) {
                self.on_ack(id, offset(i), now);
            }
        }
    }

    pub fn get(&self, id: RecordId) -> Option<LedgerEntry> {
        let (b, slot) = Self::position(id)?;
        self.blocks.get(b)?.get(slot, id)
    }

    pub fn on_append(&mut self, id: RecordId, append: Append) {
        if self.in_place(id, |p, base| p.try_append(base, &append)) {
            return;
        }
        let mut rewrite = false;
        self.update(id, |e| {
            rewrite = e.outcome != Outcome::Pending && !e.appends.is_empty();
            e.appends.push(append);
        });
        self.rewrites += u64::from(rewrite);
    }

    pub fn on_ack(&mut self, id: RecordId, offset: i64, now: Millis) {
        if self.in_place(id, |p, base| p.try_ack(base, offset, now)) {
            return;
        }
        self.update(id, |e| {
            if e.outcome == Outcome::Pending {
                e.outcome = Outcome::Acked { offset, at: now };
            }
        });
    }

    pub fn on_fail(&mut self, id: RecordId, error: ErrorCode, now: Millis) {
        self.update(id, |e| {
            if e.outcome == Outcome::Pending {
                e.outcome = Outcome::Failed { error, at: now };
            }
        });
    }

    /// A transaction ended: its records are committed or aborted.
    pub fn on_txn_outcome(&mut self, ids: &[RecordId], committed: bool) {
        for id in ids {
            self.update(*id, |e| e.txn_committed = Some(committed));
        }
    }

    /// An epoch bump gave the record's sent, unacknowledged batch a new epoch and sequence.
    pub fn mark_renumbered(&mut self, id: RecordId) {
        self.update(id, |e| e.renumbered = true);
    }

    pub fn mark_in_txn(&mut self, id: RecordId) {
        let mut found = false;
        self.update(id, |e| {
            e.in_txn = true;
            found = true;
        });
        self.any_txn |= found;
    }

    /// Whether [`Ledger::on_delivered`] keeps anything: only once a record was sent in a
    /// transaction (a consumer's poll skips the calls otherwise).
    pub fn keeps_deliveries(&self) -> bool {
        self.any_txn
    }

    /// A consumer's application received a record (only transactional ones are kept).
    pub fn on_delivered(&mut self, consumer: &str, id: RecordId, read_committed: bool) {
        if self.any_txn && self.get(id).is_some_and(|e| e.in_txn) {
            self.txn_deliveries
                .entry((consumer.to_string(), read_committed))
                .or_default()
                .push(id);
        }
    }

    pub fn on_processed(&mut self, group: &str, id: RecordId) {
        if !self.enabled {
            return;
        }
        // Look the group up by `&str` first: no `String` per processed record.
        let ids = match self.processed.get_mut(group) {
            Some(ids) => ids,
            None => self.processed.entry(group.to_string()).or_default(),
        };
        ids.add(id);
    }

    /// Where `group`'s processed records are counted, for a consumer handing over many at
    /// once ([`Ledger::on_processed`] for each, with one lookup). `None` when the ledger is
    /// off.
    pub fn processed_by(&mut self, group: &str) -> Option<&mut Processed> {
        if !self.enabled {
            return None;
        }
        if self.processed.get(group).is_none() {
            self.processed
                .insert(group.to_string(), Processed::default());
        }
        self.processed.get_mut(group)
    }

    pub fn on_history(&mut self, tp: Tp, ev: HistoryEvent) {
        self.history.entry(tp).or_default().push(ev);
    }

    /// Every entry, in record-id order.
    pub fn entries(&self) -> impl Iterator<Item = LedgerEntry> + '_ {
        self.entries_from(1)
    }

    /// The entries with ids from `first` on, in record-id order.
    pub fn entries_from(&self, first: RecordId) -> impl Iterator<Item = LedgerEntry> + '_ {
        let (b0, s0) = Self::position(first.max(1)).unwrap_or((usize::MAX, 0));
        self.blocks
            .iter()
            .enumerate()
            .skip(b0)
            .flat_map(move |(b, block)| {
                let from = if b == b0 { s0 } else { 0 };
                (from..block.packed.len()).filter_map(move |slot| {
                    let id = (b * BLOCK + slot) as RecordId + 1;
                    block.get(slot, id)
                })
            })
    }

    /// The highest record id the ledger has an entry for, or 0.
    pub fn last_id(&self) -> RecordId {
        self.blocks.last().map_or(0, |block| {
            ((self.blocks.len() - 1) * BLOCK + block.packed.len()) as RecordId
        })
    }

    /// Ids created after a higher one, in the order they were created.
    pub fn late_ids(&self) -> &[RecordId] {
        &self.late
    }

    /// How many appends landed on records already acknowledged or failed with a copy.
    pub fn rewrites(&self) -> u64 {
        self.rewrites
    }
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn processed_counts_each_record_and_its_repeats_in_any_order() {
        let mut p = Processed::default();
        assert!(p.is_empty());
        // 13 and 14 each come right after the highest id counted so far.
        for id in [10, 12, 10, 7, 12, 12, 9, 13, 14, 13] {
            p.add(id);
        }
        // Distinct: 7, 9, 10, 12, 13, 14; repeats: one more 10, two more 12, one more 13.
        assert_eq!(p.len(), 6);
        assert_eq!(p.repeats(), 4);
        assert_eq!(
            [7, 8, 9, 10, 11, 12, 13, 14, 15].map(|id| p.count(id)),
            [1, 0, 1, 2, 0, 3, 2, 1, 0]
        );
        assert!(p.contains(9) && !p.contains(8) && !p.contains(1) && !p.contains(100));
    }

    proptest! {
        /// Counts of any sequence of ids (in order, backwards, with gaps, repeated) match a
        /// plain map's, through the inlined in-range path and the path that grows the range.
        #[test]
        fn processed_counts_match_a_map(ids in prop::collection::vec(
            prop_oneof![4 => 1u64..40, 1 => 1_000u64..1_010], 0..80)
        ) {
            let mut p = Processed::default();
            let mut model: BTreeMap<RecordId, u32> = BTreeMap::new();
            for id in &ids {
                p.add(*id);
                *model.entry(*id).or_default() += 1;
            }
            prop_assert_eq!(p.len(), model.len() as u64);
            prop_assert_eq!(p.repeats(), model.values().map(|c| u64::from(c - 1)).sum::<u64>());
            for id in 0..1_012u64 {
                prop_assert_eq!(p.count(id), model.get(&id).copied().unwrap_or(0));
            }
        }
    }

    /// What the ledger is told, applied to a plain map of whole entries (the model).
    #[derive(Debug, Clone)]
    enum Op {
        Create {
            id: RecordId,
            producer: u32,
            topic: u32,
            partition: i32,
            acks: u8,
            now: Millis,
        },
        Append {
            id: RecordId,
            broker: BrokerId,
            offset: i64,
            epoch: i32,
            at: Millis,
        },
        Ack {
            id: RecordId,
            offset: i64,
            at: Millis,
        },
        Fail {
            id: RecordId,
            at: Millis,
        },
        Txn {
            id: RecordId,
            committed: bool,
        },
        InTxn {
            id: RecordId,
        },
        Renumber {
            id: RecordId,
        },
        /// A batch's records appended at consecutive offsets ([`Ledger::on_append_batch`]).
        AppendBatch {
            ids: Vec<RecordId>,
            broker: BrokerId,
            first_offset: i64,
            epoch: i32,
            at: Millis,
        },
        /// A batch acknowledged ([`Ledger::on_ack_batch`]).
        AckBatch {
            ids: Vec<RecordId>,
            base_offset: i64,
            at: Millis,
        },
    }

    fn arb_op() -> impl Strategy<Value = Op> {
        // A few dozen ids in three blocks (of 1,024), so each is changed several times, in
        // any order, with gaps; numbers straddle every packed field's limit.
        let id = prop_oneof![1u64..16, 1_020u64..1_030, 2_050u64..2_060];
        let time = prop_oneof![
            6 => 0u64..2_000,
            1 => 66_000u64..68_000,
            1 => Just(u64::from(u32::MAX) + 7)
        ];
        let small = prop_oneof![
            8 => 0i64..3,
            1 => -2i64..0,
            1 => 60_000i64..70_000,
            1 => Just(i64::from(u32::MAX) + 1)
        ];
        prop_oneof![
            (
                id.clone(),
                prop_oneof![0u32..3, Just(300)],
                prop_oneof![0u32..3, Just(70_000)],
                prop_oneof![0i32..3, Just(-1), Just(70_000)],
                0u8..3,
                time.clone()
            )
                .prop_map(|(id, producer, topic, partition, acks, now)| Op::Create {
                    id,
                    producer,
                    topic,
                    partition,
                    acks,
                    now
                }),
            (
                id.clone(),
                prop_oneof![1i32..4, Just(63), Just(64), Just(-1)],
                small.clone(),
                prop_oneof![0i32..3, Just(255), Just(256)],
                time.clone()
            )
                .prop_map(|(id, broker, offset, epoch, at)| Op::Append {
                    id,
                    broker,
                    offset,
                    epoch,
                    at
                }),
            (id.clone(), small, time.clone()).prop_map(|(id, offset, at)| Op::Ack {
                id,
                offset,
                at
            }),
            (id.clone(), time.clone()).prop_map(|(id, at)| Op::Fail { id, at }),
            (id.clone(), any::<bool>()).prop_map(|(id, committed)| Op::Txn { id, committed }),
            id.clone().prop_map(|id| Op::InTxn { id }),
            id.clone().prop_map(|id| Op::Renumber { id }),
            // A batch's ids increase, often across a block's end, some never created.
            (
                proptest::collection::btree_set(id.clone(), 1..8),
                prop_oneof![1i32..4, Just(64)],
                prop_oneof![0i64..3, Just(i64::from(u32::MAX) - 2)],
                prop_oneof![0i32..3, Just(256)],
                time.clone()
            )
                .prop_map(|(ids, broker, first_offset, epoch, at)| Op::AppendBatch {
                    ids: ids.into_iter().collect(),
                    broker,
                    first_offset,
                    epoch,
                    at
                }),
            (
                proptest::collection::btree_set(id, 1..8),
                prop_oneof![0i64..3, Just(-1), Just(i64::from(u32::MAX) - 2)],
                time
            )
                .prop_map(|(ids, base_offset, at)| Op::AckBatch {
                    ids: ids.into_iter().collect(),
                    base_offset,
                    at
                }),
        ]
    }

    fn apply(ledger: &mut Ledger, model: &mut BTreeMap<RecordId, LedgerEntry>, op: &Op) {
        let acks = |a: u8| [Acks::None, Acks::Leader, Acks::All][usize::from(a % 3)];
        match *op {
            Op::Create {
                id,
                producer,
                topic,
                partition,
                acks: a,
                now,
            } => {
                let tp = Tp::new(topic, partition);
                ledger.on_create(id, producer, tp, acks(a), now);
                model.insert(
                    id,
                    LedgerEntry {
                        id,
                        producer,
                        tp,
                        acks: acks(a),
                        created_at: now,
                        appends: Appends::None,
                        outcome: Outcome::Pending,
                        in_txn: false,
                        txn_committed: None,
                        renumbered: false,
                    },
                );
            }
            Op::Append {
                id,
                broker,
                offset,
                epoch,
                at,
            } => {
                let a = Append {
                    broker,
                    offset,
                    leader_epoch: epoch,
                    at,
                };
                ledger.on_append(id, a);
                if let Some(e) = model.get_mut(&id) {
                    e.appends.push(a);
                }
            }
            Op::Ack { id, offset, at } => {
                ledger.on_ack(id, offset, at);
                if let Some(e) = model.get_mut(&id).filter(|e| e.outcome == Outcome::Pending) {
                    e.outcome = Outcome::Acked { offset, at };
                }
            }
            Op::Fail { id, at } => {
                ledger.on_fail(id, ErrorCode::NotEnoughReplicas, at);
                if let Some(e) = model.get_mut(&id).filter(|e| e.outcome == Outcome::Pending) {
                    e.outcome = Outcome::Failed {
                        error: ErrorCode::NotEnoughReplicas,
                        at,
                    };
                }
            }
            Op::Txn { id, committed } => {
                ledger.on_txn_outcome(&[id], committed);
                if let Some(e) = model.get_mut(&id) {
                    e.txn_committed = Some(committed);
                }
            }
            Op::InTxn { id } => {
                ledger.mark_in_txn(id);
                if let Some(e) = model.get_mut(&id) {
                    e.in_txn = true;
                }
            }
            Op::Renumber { id } => {
                ledger.mark_renumbered(id);
                if let Some(e) = model.get_mut(&id) {
                    e.renumbered = true;
                }
            }
            Op::AppendBatch {
                ref ids,
                broker,
                first_offset,
                epoch,
                at,
            } => {
                ledger.on_append_batch(ids, first_offset, broker, epoch, at);
                for (i, id) in ids.iter().enumerate() {
                    if let Some(e) = model.get_mut(id) {
                        e.appends.push(Append {
                            broker,
                            offset: first_offset + i as i64,
                            leader_epoch: epoch,
                            at,
                        });
                    }
                }
            }
            Op::AckBatch {
                ref ids,
                base_offset,
                at,
            } => {
                ledger.on_ack_batch(ids.iter().copied(), base_offset, at);
                for (i, id) in ids.iter().enumerate() {
                    let offset = if base_offset >= 0 {
                        base_offset + i as i64
                    } else {
                        -1
                    };
                    if let Some(e) = model.get_mut(id).filter(|e| e.outcome == Outcome::Pending) {
                        e.outcome = Outcome::Acked { offset, at };
                    }
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Packing is invisible: after any sequence of changes, in any id order, every entry
        /// reads back as a map of whole entries holds it, and a snapshot taken midway keeps
        /// what it saw.
        #[test]
        fn the_ledger_reads_back_what_it_was_told(ops in proptest::collection::vec(arb_op(), 0..300)) {
            let mut ledger = Ledger::new();
            let mut model = BTreeMap::new();
            let half = ops.len() / 2;
            for op in &ops[..half] {
                apply(&mut ledger, &mut model, op);
            }
            let (snapshot, snapshot_model) = (ledger.clone(), model.clone());
            for op in &ops[half..] {
                apply(&mut ledger, &mut model, op);
            }
            for (l, m) in [(&ledger, &model), (&snapshot, &snapshot_model)] {
                let all: Vec<LedgerEntry> = l.entries().collect();
                let expected: Vec<LedgerEntry> = m.values().cloned().collect();
                prop_assert_eq!(&all, &expected);
                for id in 0..2_200 {
                    prop_assert_eq!(l.get(id), m.get(&id).cloned());
                }
            }
        }
    }

    #[test]
    fn the_common_entry_packs_and_unusual_ones_spill() {
        let mut l = Ledger::new();
        let tp = Tp::new(1, 2);
        for id in 1..=4 {
            l.on_create(id, 4, tp, Acks::All, 1_000);
            l.on_append(
                id,
                Append {
                    broker: 3,
                    offset: id as i64 + 9,
                    leader_epoch: 2,
                    at: 1_005,
                },
            );
        }
        l.on_ack(1, 10, 1_020);
        l.on_fail(2, ErrorCode::NotEnoughReplicas, 1_030);
        l.on_append(
            3,
            Append {
                broker: 1,
                offset: 40,
                leader_epoch: 3,
                at: 3_000,
            },
        );
        // Acknowledged at another offset than its one append (not something Kafka's protocol
        // does, but the ledger keeps what it is told).
        l.on_ack(4, 12, 1_020);
        let block = &l.blocks[0];
        let spilled: Vec<RecordId> = block.spilled.iter().map(|e| e.id).collect();
        assert_eq!(
            spilled,
            [2, 3, 4],
            "a failure, a second append and a moved acknowledgement spill"
        );
        assert_eq!(std::mem::size_of::<Packed>(), 20);
        assert_eq!(
            l.get(4).map(|e| e.outcome),
            Some(Outcome::Acked {
                offset: 12,
                at: 1_020
            })
        );
        assert_eq!(
            l.get(1).map(|e| e.outcome),
            Some(Outcome::Acked {
                offset: 10,
                at: 1_020
            })
        );
        assert_eq!(l.get(3).map(|e| e.appends.len()), Some(2));
    }

    #[test]
    fn appends_read_and_serialize_like_a_vec() {
        let a = |offset| Append {
            broker: 1,
            offset,
            leader_epoch: 0,
            at: 5,
        };
        let mut x = Appends::default();
        let mut v = Vec::new();
        for o in 0..4 {
            assert_eq!(&*x, v.as_slice());
            let json = serde_json::to_string(&x).unwrap_or_default();
            assert_eq!(json, serde_json::to_string(&v).unwrap_or_default());
            let back: Appends = serde_json::from_str(&json).unwrap_or_default();
            assert_eq!(&*back, v.as_slice());
            x.push(a(o));
            v.push(a(o));
        }
        assert_eq!(x.first().map(|a| a.offset), Some(0));
        assert_eq!(x.len(), 4);
    }
}
