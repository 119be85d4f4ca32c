//! The trace: every message sent, delivered or dropped and every state change, in order.
//! The UI animates it, tests assert on it, and its running hash proves determinism
//! (same seed and commands ⇒ same hash, natively and in wasm).

use crate::types::{BrokerId, Millis, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

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

/// A bounded buffer of recent events plus a running hash of all of them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trace {
    events: VecDeque<TraceEvent>,
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
            events: VecDeque::new(),
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
        if self.events.len() >= self.capacity {
            self.events.pop_front();
        }
        self.events.push_back(ev);
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
    pub fn events(&self) -> impl Iterator<Item = &TraceEvent> {
        self.events.iter()
    }
    /// Events with `seq >= from`.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &TraceEvent> {
        self.events.iter().filter(move |e| e.seq >= from)
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
