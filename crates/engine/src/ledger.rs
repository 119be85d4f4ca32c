//! The durability ledger: what the simulator knows about every record a producer created —
//! where leaders appended it, whether and how the producer was told it was acknowledged —
//! and the partition history needed to explain a loss.
//!
//! Kafka has no such thing; it is the simulator's omniscient bookkeeping, checked against
//! the replicas' logs by [`crate::cluster::Cluster::durability`].

use crate::error::ErrorCode;
use crate::message::Acks;
use crate::record::RecordId;
use crate::types::{BrokerId, Millis, Tp};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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
    pub fn add(&mut self, id: RecordId) {
        if self.counts.is_empty() {
            self.base = id;
        } else if id < self.base {
            let shift = (self.base - id) as usize;
            self.counts.splice(0..0, std::iter::repeat_n(0, shift));
            self.base = id;
        }
        let i = (id - self.base) as usize;
        if i >= self.counts.len() {
            self.counts.resize(i + 1, 0);
        }
        if let Some(c) = self.counts.get_mut(i) {
            if *c == 0 {
                self.distinct += 1;
            } else {
                self.repeats += 1;
            }
            *c = c.saturating_add(1);
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

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Ledger {
    entries: Vec<Arc<Vec<LedgerEntry>>>,
    len: usize,
    /// Index of the first entry (ids are dense from `base_id`).
    base_id: RecordId,
    pub history: BTreeMap<Tp, Vec<HistoryEvent>>,
    pub broker_stops: Vec<(Millis, BrokerId)>,
    /// Records each consumer group's applications finished processing: group → record id → times.
    pub processed: BTreeMap<String, Processed>,
    /// Whether any record was ever sent in a transaction (deliveries are kept only for those).
    any_txn: bool,
    /// Transactional records applications received: (consumer, read_committed) → ids.
    pub txn_deliveries: BTreeMap<(String, bool), Vec<RecordId>>,
    /// Turn off to save memory in throughput benchmarks.
    pub enabled: bool,
}

impl Ledger {
    pub fn new() -> Self {
        Ledger {
            entries: Vec::new(),
            len: 0,
            base_id: 1,
            history: BTreeMap::new(),
            broker_stops: Vec::new(),
            processed: BTreeMap::new(),
            any_txn: false,
            txn_deliveries: BTreeMap::new(),
            enabled: true,
        }
    }

    pub fn on_create(&mut self, id: RecordId, producer: u32, tp: Tp, acks: Acks, now: Millis) {
        if !self.enabled {
            return;
        }
        if self.len == 0 {
            self.base_id = id;
        }
        if self.len % BLOCK == 0 {
            self.entries
                .push(Arc::new(Vec::with_capacity(BLOCK.min(64))));
        }
        self.len += 1;
        let Some(block) = self.entries.last_mut() else {
            return;
        };
        Arc::make_mut(block).push(LedgerEntry {
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
        });
    }

    fn get_mut(&mut self, id: RecordId) -> Option<&mut LedgerEntry> {
        let i = id.checked_sub(self.base_id)? as usize;
        let block = self.entries.get_mut(i / BLOCK)?;
        if block.get(i % BLOCK).is_none_or(|e| e.id != id) {
            return None;
        }
        Arc::make_mut(block).get_mut(i % BLOCK)
    }

    pub fn get(&self, id: RecordId) -> Option<&LedgerEntry> {
        let i = id.checked_sub(self.base_id)? as usize;
        self.entries
            .get(i / BLOCK)?
            .get(i % BLOCK)
            .filter(|e| e.id == id)
    }

    pub fn on_append(&mut self, id: RecordId, append: Append) {
        if let Some(e) = self.get_mut(id) {
            e.appends.push(append);
        }
    }

    pub fn on_ack(&mut self, id: RecordId, offset: i64, now: Millis) {
        if let Some(e) = self.get_mut(id) {
            if e.outcome == Outcome::Pending {
                e.outcome = Outcome::Acked { offset, at: now };
            }
        }
    }

    pub fn on_fail(&mut self, id: RecordId, error: ErrorCode, now: Millis) {
        if let Some(e) = self.get_mut(id) {
            if e.outcome == Outcome::Pending {
                e.outcome = Outcome::Failed { error, at: now };
            }
        }
    }

    /// A transaction ended: its records are committed or aborted.
    pub fn on_txn_outcome(&mut self, ids: &[RecordId], committed: bool) {
        for id in ids {
            if let Some(e) = self.get_mut(*id) {
                e.txn_committed = Some(committed);
            }
        }
    }

    /// An epoch bump gave the record's sent, unacknowledged batch a new epoch and sequence.
    pub fn mark_renumbered(&mut self, id: RecordId) {
        if let Some(e) = self.get_mut(id) {
            e.renumbered = true;
        }
    }

    pub fn mark_in_txn(&mut self, id: RecordId) {
        if let Some(e) = self.get_mut(id) {
            e.in_txn = true;
            self.any_txn = true;
        }
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

    pub fn on_history(&mut self, tp: Tp, ev: HistoryEvent) {
        self.history.entry(tp).or_default().push(ev);
    }

    /// Every entry, in record-id order.
    pub fn entries(&self) -> impl Iterator<Item = &LedgerEntry> {
        self.entries.iter().flat_map(|b| b.iter())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn processed_counts_each_record_and_its_repeats_in_any_order() {
        let mut p = Processed::default();
        assert!(p.is_empty());
        for id in [10, 12, 10, 7, 12, 12, 9] {
            p.add(id);
        }
        // Distinct: 7, 9, 10, 12; repeats: one more 10, two more 12.
        assert_eq!(p.len(), 4);
        assert_eq!(p.repeats(), 3);
        assert_eq!(
            [7, 8, 9, 10, 11, 12, 13].map(|id| p.count(id)),
            [1, 0, 1, 2, 0, 3, 0]
        );
        assert!(p.contains(9) && !p.contains(8) && !p.contains(1) && !p.contains(100));
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
