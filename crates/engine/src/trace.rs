//! The trace: every message sent, delivered or dropped and every state change, in order.
//! The UI animates it, tests assert on it, and its running hash proves determinism
//! (same seed and commands ⇒ same hash, natively and in wasm).

use crate::types::{BrokerId, Millis, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceKind {
    Send {
        msg: u64,
        from: NodeId,
        to: NodeId,
        name: String,
        summary: String,
        arrive_at: Millis,
    },
    Deliver {
        msg: u64,
        from: NodeId,
        to: NodeId,
        name: String,
    },
    Drop {
        msg: u64,
        from: NodeId,
        to: NodeId,
        name: String,
        reason: String,
    },
    Append {
        broker: BrokerId,
        topic: String,
        partition: i32,
        first_offset: i64,
        last_offset: i64,
        leader_epoch: i32,
    },
    Replicate {
        broker: BrokerId,
        topic: String,
        partition: i32,
        first_offset: i64,
        last_offset: i64,
    },
    HighWatermark {
        broker: BrokerId,
        topic: String,
        partition: i32,
        hw: i64,
    },
    Truncate {
        broker: BrokerId,
        topic: String,
        partition: i32,
        to_offset: i64,
        removed: usize,
    },
    LeaderChange {
        topic: String,
        partition: i32,
        leader: BrokerId,
        leader_epoch: i32,
        isr: Vec<BrokerId>,
        unclean: bool,
    },
    IsrChange {
        topic: String,
        partition: i32,
        isr: Vec<BrokerId>,
        reason: String,
    },
    BrokerFenced {
        broker: BrokerId,
    },
    BrokerUnfenced {
        broker: BrokerId,
    },
    BrokerStopped {
        broker: BrokerId,
    },
    BrokerStarted {
        broker: BrokerId,
    },
    Isolated {
        node: NodeId,
    },
    Healed,
    Produced {
        client: String,
        topic: String,
        partition: i32,
        key: Option<String>,
        record: u64,
    },
    Acked {
        client: String,
        topic: String,
        partition: i32,
        offset: i64,
        records: usize,
    },
    ClientError {
        client: String,
        error: String,
        detail: String,
    },
    Consumed {
        client: String,
        topic: String,
        partition: i32,
        first_offset: i64,
        last_offset: i64,
        count: usize,
    },
    Group {
        group: String,
        event: String,
    },
    Note {
        text: String,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TraceEvent {
    pub seq: u64,
    pub t: Millis,
    #[serde(flatten)]
    pub kind: TraceKind,
}

/// Events are kept in sealed blocks of this many, shared (`Arc`) between clones of a
/// [`Trace`], so that a snapshot of a session (rewind keeps dozens) copies at most one block.
const BLOCK: usize = 256;

/// A bounded buffer of recent events plus a running hash of all of them.
///
/// The newest `capacity` events are visible through [`Trace::events`]; storage holds up to one
/// two blocks more (whole blocks are dropped from the front).
#[derive(Debug, Clone, PartialEq)]
pub struct Trace {
    sealed: VecDeque<Arc<Vec<TraceEvent>>>,
    tail: Vec<TraceEvent>,
    capacity: usize,
    next_seq: u64,
    hash: u64,
    /// Record every message send/deliver (off for benchmarks: the hash still covers
    /// state changes).
    pub messages: bool,
}

impl Trace {
    pub fn new(capacity: usize) -> Self {
        Trace {
            sealed: VecDeque::new(),
            tail: Vec::new(),
            capacity,
            next_seq: 0,
            hash: 0xcbf2_9ce4_8422_2325,
            messages: true,
        }
    }

    pub fn push(&mut self, t: Millis, kind: TraceKind) {
        let ev = TraceEvent {
            seq: self.next_seq,
            t,
            kind,
        };
        self.next_seq += 1;
        self.hash = fnv1a(self.hash, &ev);
        if self.capacity == 0 {
            return;
        }
        self.tail.push(ev);
        if self.tail.len() >= BLOCK {
            // The full block is shared as it is (no copy), and the next one is allocated at
            // its final size (no regrowth).
            let full = std::mem::replace(&mut self.tail, Vec::with_capacity(BLOCK));
            self.sealed.push_back(Arc::new(full));
            // Drop whole blocks from the front while the rest still holds `capacity` events.
            while let Some(front) = self.sealed.front() {
                if self.stored() - front.len() >= self.capacity {
                    self.sealed.pop_front();
                } else {
                    break;
                }
            }
        }
    }

    fn stored(&self) -> usize {
        self.sealed.iter().map(|b| b.len()).sum::<usize>() + self.tail.len()
    }

    /// FNV-1a over a stable text form of every event so far.
    pub fn hash(&self) -> u64 {
        self.hash
    }
    pub fn len(&self) -> u64 {
        self.next_seq
    }
    pub fn is_empty(&self) -> bool {
        self.next_seq == 0
    }
    /// The newest `capacity` events, oldest first.
    pub fn events(&self) -> impl Iterator<Item = &TraceEvent> {
        let skip = self.stored().saturating_sub(self.capacity);
        self.sealed
            .iter()
            .flat_map(|b| b.iter())
            .chain(self.tail.iter())
            .skip(skip)
    }
    /// The same events as [`Trace::events`], newest first (a log view that shows the latest
    /// few stops early instead of walking the whole buffer).
    pub fn newest_first(&self) -> impl Iterator<Item = &TraceEvent> {
        let visible = self.stored().min(self.capacity);
        self.tail
            .iter()
            .rev()
            .chain(self.sealed.iter().rev().flat_map(|b| b.iter().rev()))
            .take(visible)
    }
    /// Events with `seq >= from`.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &TraceEvent> {
        self.events().filter(move |e| e.seq >= from)
    }
}

/// FNV-1a as a `Hasher`; lengths are hashed as 64-bit so wasm32 and 64-bit targets agree.
struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_usize(&mut self, i: usize) {
        self.write(&(i as u64).to_le_bytes());
    }
    fn write_isize(&mut self, i: isize) {
        self.write(&(i as i64).to_le_bytes());
    }
}

fn fnv1a(h: u64, ev: &TraceEvent) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut f = Fnv(h);
    ev.seq.hash(&mut f);
    ev.t.hash(&mut f);
    ev.kind.hash(&mut f);
    f.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(i: u64) -> TraceKind {
        TraceKind::Note {
            text: format!("event {i}"),
        }
    }

    #[test]
    fn keeps_exactly_the_newest_capacity_events_in_order() {
        for capacity in [1, 7, BLOCK - 1, BLOCK, BLOCK + 1, 5000] {
            let mut t = Trace::new(capacity);
            let n = 3 * capacity as u64 + 11;
            for i in 0..n {
                t.push(i as Millis, note(i));
            }
            let seqs: Vec<u64> = t.events().map(|e| e.seq).collect();
            let want: Vec<u64> = (n - capacity as u64..n).collect();
            assert_eq!(seqs, want, "capacity {capacity}");
            let newest: Vec<u64> = t.newest_first().map(|e| e.seq).collect();
            let want_newest: Vec<u64> = want.iter().rev().copied().collect();
            assert_eq!(newest, want_newest, "newest first, capacity {capacity}");
            assert_eq!(t.len(), n);
            // Storage never exceeds the capacity by two blocks or more.
            assert!(t.stored() < capacity + 2 * BLOCK, "capacity {capacity}");
        }
    }

    #[test]
    fn since_filters_by_sequence_number() {
        let mut t = Trace::new(100);
        for i in 0..50 {
            t.push(0, note(i));
        }
        let seqs: Vec<u64> = t.since(45).map(|e| e.seq).collect();
        assert_eq!(seqs, vec![45, 46, 47, 48, 49]);
    }

    #[test]
    fn capacity_zero_keeps_nothing_but_hashes_everything() {
        let mut a = Trace::new(0);
        let mut b = Trace::new(10);
        for i in 0..20 {
            a.push(1, note(i));
            b.push(1, note(i));
        }
        assert_eq!(a.events().count(), 0);
        assert_eq!(a.hash(), b.hash());
        assert_ne!(a.hash(), Trace::new(0).hash());
    }

    #[test]
    fn clones_share_sealed_blocks() {
        let mut t = Trace::new(5000);
        for i in 0..2000 {
            t.push(0, note(i));
        }
        let c = t.clone();
        let (Some(a), Some(b)) = (t.sealed.front(), c.sealed.front()) else {
            panic!("expected sealed blocks");
        };
        assert!(Arc::ptr_eq(a, b));
        assert_eq!(t, c);
    }
}
