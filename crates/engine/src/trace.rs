//! The trace: every message sent, delivered or dropped and every state change, in order.
//! The UI animates it, tests assert on it, and its running hash proves determinism
//! (same seed and commands ⇒ same hash, natively and in wasm).

use crate::types::{BrokerId, Millis, NodeId};
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Arc;

/// A name in a trace event (a client, a topic, a message, a key): kept inline when it is
/// at most 22 bytes, as nearly all are, so the events sent for every record and request
/// allocate nothing for them. It hashes, compares, prints and serializes exactly as the
/// `String` it stands for (trace hashes do not depend on it).
#[derive(Clone)]
pub enum Str {
    Static(&'static str),
    Inline { len: u8, bytes: [u8; INLINE] },
    Heap(Box<str>),
}

const INLINE: usize = 22;

impl Str {
    /// A name that lives for the whole program (a message's name): borrowed, never copied.
    pub fn from_static(s: &'static str) -> Str {
        Str::Static(s)
    }

    pub fn as_str(&self) -> &str {
        match self {
            Str::Static(s) => s,
            Str::Inline { len, bytes } => bytes
                .get(..usize::from(*len))
                .and_then(|b| std::str::from_utf8(b).ok())
                .unwrap_or_default(),
            Str::Heap(s) => s,
        }
    }

    /// The UTF-8 bytes (an inline name is not checked again, as `as_str` does).
    fn bytes(&self) -> &[u8] {
        match self {
            Str::Static(s) => s.as_bytes(),
            Str::Inline { len, bytes } => bytes.get(..usize::from(*len)).unwrap_or_default(),
            Str::Heap(s) => s.as_bytes(),
        }
    }
}

impl From<&str> for Str {
    fn from(s: &str) -> Str {
        if s.len() <= INLINE {
            let mut bytes = [0; INLINE];
            if let Some(dst) = bytes.get_mut(..s.len()) {
                dst.copy_from_slice(s.as_bytes());
                return Str::Inline {
                    len: s.len() as u8,
                    bytes,
                };
            }
        }
        Str::Heap(s.into())
    }
}

impl From<String> for Str {
    fn from(s: String) -> Str {
        if s.len() <= INLINE {
            Str::from(s.as_str())
        } else {
            Str::Heap(s.into_boxed_str())
        }
    }
}

impl std::ops::Deref for Str {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl PartialEq for Str {
    fn eq(&self, other: &Str) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for Str {}

impl PartialEq<str> for Str {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl std::hash::Hash for Str {
    /// As `str` hashes (`Hasher::write_str`: the bytes, then 0xff), from the bytes: every
    /// event's hash reads its names, and checking an inline name's UTF-8 again each time was
    /// 5 % of the standard workload.
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write(self.bytes());
        state.write_u8(0xff);
    }
}

impl std::fmt::Debug for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Str {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Str {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Str {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Str, D::Error> {
        String::deserialize(d).map(Str::from)
    }
}

#[derive(Debug, Clone, PartialEq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TraceKind {
    Send {
        msg: u64,
        from: NodeId,
        to: NodeId,
        name: Str,
        /// What the message carried, as a number (`cluster::Digest`): its partitions, offsets,
        /// record counts and errors, so that the trace hash covers them.
        digest: u64,
        arrive_at: Millis,
    },
    Deliver {
        msg: u64,
        from: NodeId,
        to: NodeId,
        name: Str,
    },
    Drop {
        msg: u64,
        from: NodeId,
        to: NodeId,
        name: Str,
        reason: String,
    },
    Append {
        broker: BrokerId,
        topic: Str,
        partition: i32,
        first_offset: i64,
        last_offset: i64,
        leader_epoch: i32,
    },
    Replicate {
        broker: BrokerId,
        topic: Str,
        partition: i32,
        first_offset: i64,
        last_offset: i64,
    },
    HighWatermark {
        broker: BrokerId,
        topic: Str,
        partition: i32,
        hw: i64,
    },
    Truncate {
        broker: BrokerId,
        topic: Str,
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
    Acked {
        client: Str,
        topic: Str,
        partition: i32,
        offset: i64,
        records: usize,
    },
    ClientError {
        client: Str,
        error: String,
        detail: String,
    },
    Consumed {
        client: Str,
        topic: Str,
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

impl TraceKind {
    /// A state change of the cluster, a group or a client that is rare next to the traffic:
    /// elections, ISR changes, broker and network events, truncations, group transitions,
    /// client errors and notes. Not messages, drops, appends, acks, reads or high watermarks,
    /// which come with every request.
    pub fn is_notable(&self) -> bool {
        matches!(
            self,
            TraceKind::Truncate { .. }
                | TraceKind::LeaderChange { .. }
                | TraceKind::IsrChange { .. }
                | TraceKind::BrokerFenced { .. }
                | TraceKind::BrokerUnfenced { .. }
                | TraceKind::BrokerStopped { .. }
                | TraceKind::BrokerStarted { .. }
                | TraceKind::Isolated { .. }
                | TraceKind::Healed
                | TraceKind::ClientError { .. }
                | TraceKind::Group { .. }
                | TraceKind::Note { .. }
        )
    }
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

/// How many notable events (see [`TraceKind::is_notable`]) a [`Trace`] keeps apart from the
/// main buffer.
pub const NOTABLE: usize = 500;

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
    /// The newest [`NOTABLE`] state changes of the cluster and its groups, oldest first. At
    /// scale the main buffer holds well under a second of message traffic, and a leader
    /// election or a group's rebalance would leave it before anyone could read it. Shared
    /// between clones (they are rare, so a push after a snapshot copies it at most once).
    notable: Arc<VecDeque<TraceEvent>>,
}

impl Trace {
    pub fn new(capacity: usize) -> Self {
        Trace {
            sealed: VecDeque::new(),
            tail: Vec::new(),
            capacity,
            next_seq: 0,
            hash: TraceHasher::SEED,
            messages: true,
            notable: Arc::new(VecDeque::new()),
        }
    }

    pub fn push(&mut self, t: Millis, kind: TraceKind) {
        let ev = TraceEvent {
            seq: self.next_seq,
            t,
            kind,
        };
        self.next_seq += 1;
        self.hash = hash_event(self.hash, &ev);
        if self.capacity == 0 {
            return;
        }
        if ev.kind.is_notable() {
            let notable = Arc::make_mut(&mut self.notable);
            if notable.len() >= NOTABLE {
                notable.pop_front();
            }
            notable.push_back(ev.clone());
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

    /// A running hash of every event so far (their `Hash` forms, see `TraceHasher`).
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
    /// The newest [`NOTABLE`] notable events ([`TraceKind::is_notable`]), newest first, however
    /// much message traffic came after them.
    pub fn notable_newest_first(&self) -> impl Iterator<Item = &TraceEvent> {
        self.notable.iter().rev()
    }
    /// Events with `seq >= from`.
    pub fn since(&self, from: u64) -> impl Iterator<Item = &TraceEvent> {
        self.events().filter(move |e| e.seq >= from)
    }
}

/// The trace's running hash as a `Hasher`: a word at a time (integers are one word each, byte
/// strings are read 8 bytes at a time), so hashing an event costs a few multiplies rather than
/// one per byte. Lengths and discriminants are hashed as 64-bit, so wasm32 and 64-bit targets
/// agree.
struct TraceHasher(u64);

impl TraceHasher {
    const SEED: u64 = 0xcbf2_9ce4_8422_2325;

    /// One word in: a folded multiply (the 128-bit product's halves xored), which carries a
    /// change in any bit of the word into every bit of the state. (A plain multiply only
    /// carries changes upwards, so flips in the top bits of two words can cancel.)
    #[inline]
    fn mix(&mut self, w: u64) {
        #[cfg(not(target_arch = "wasm32"))]
        {
            let p = u128::from(self.0 ^ w) * Self::K;
            self.0 = (p as u64) ^ ((p >> 64) as u64);
        }
        #[cfg(target_arch = "wasm32")]
        {
            self.0 = folded_mul(self.0 ^ w, Self::K as u64);
        }
    }

    const K: u128 = 0x9e37_79b9_7f4a_7c15;
}

/// `a × b` as a 128-bit product, its halves xored, from 32-bit halves: what the `u128`
/// multiplication in [`TraceHasher::mix`] gives, without the `__multi3` call wasm32 makes for
/// it (7 % of the standard workload in the page's build).
#[cfg(any(target_arch = "wasm32", test))]
#[inline]
fn folded_mul(a: u64, b: u64) -> u64 {
    const LO: u64 = 0xffff_ffff;
    let (a0, a1, b0, b1) = (a & LO, a >> 32, b & LO, b >> 32);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    // Below 3 · 2^32: no overflow.
    let mid = (p00 >> 32) + (p01 & LO) + (p10 & LO);
    let lo = (p00 & LO) | (mid << 32);
    let hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
    lo ^ hi
}

impl std::hash::Hasher for TraceHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.mix(crate::event_queue::le_word(w));
        }
        let rest = words.remainder();
        if !rest.is_empty() {
            // At most 7 bytes: the top byte carries their count, so "ab" and "ab\0" differ.
            self.mix(crate::event_queue::le_word(rest) | ((rest.len() as u64) << 56));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.mix(u64::from(i));
    }
    fn write_u16(&mut self, i: u16) {
        self.mix(u64::from(i));
    }
    fn write_u32(&mut self, i: u32) {
        self.mix(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.mix(i);
    }
    fn write_i8(&mut self, i: i8) {
        self.mix(i as u8 as u64);
    }
    fn write_i16(&mut self, i: i16) {
        self.mix(i as u16 as u64);
    }
    fn write_i32(&mut self, i: i32) {
        self.mix(i as u32 as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.mix(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.mix(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.mix(i as i64 as u64);
    }
}

fn hash_event(h: u64, ev: &TraceEvent) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut f = TraceHasher(h);
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

    /// The word-at-a-time hash still sees every byte: strings that differ in one or two bits,
    /// or only in trailing zero bytes, hash differently.
    #[test]
    fn the_folded_multiply_from_halves_equals_the_u128_one() {
        let mut x: u64 = 0x0123_4567_89ab_cdef;
        let mut cases = vec![0, 1, u64::MAX, u64::MAX - 1, 1 << 63, 0xffff_ffff, 1 << 32];
        for _ in 0..100_000 {
            // xorshift64: spread over the whole range.
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            cases.push(x);
        }
        for (i, &a) in cases.iter().enumerate() {
            for b in [
                TraceHasher::K as u64,
                cases[(i * 7919) % cases.len()],
                u64::MAX,
            ] {
                let p = u128::from(a) * u128::from(b);
                assert_eq!(
                    folded_mul(a, b),
                    (p as u64) ^ ((p >> 64) as u64),
                    "{a} × {b}"
                );
            }
        }
    }

    #[test]
    fn the_trace_hash_sees_every_byte_and_the_length() {
        use std::hash::{Hash, Hasher};
        let h = |s: &[u8]| {
            let mut f = TraceHasher(TraceHasher::SEED);
            s.hash(&mut f);
            f.finish()
        };
        let h_str = |s: &str| {
            let mut f = TraceHasher(TraceHasher::SEED);
            s.hash(&mut f);
            f.finish()
        };
        let base: Vec<u8> = (0u8..23).collect();
        let mut seen = std::collections::HashSet::new();
        for len in 0..=base.len() {
            assert!(seen.insert(h(&base[..len])), "length {len}");
            for i in 0..len {
                for bit in 0..8 {
                    let mut v = base[..len].to_vec();
                    v[i] ^= 1 << bit;
                    assert!(seen.insert(h(&v)), "length {len}, byte {i}, bit {bit}");
                }
            }
            // Two flips a few bytes apart, which a plain multiply-xor hash lets cancel.
            for i in 0..len {
                for j in i + 1..len.min(i + 10) {
                    for (b1, b2) in (0..8).flat_map(|a| (0..8).map(move |b| (a, b))) {
                        let mut v = base[..len].to_vec();
                        v[i] ^= 1 << b1;
                        v[j] ^= 1 << b2;
                        assert!(seen.insert(h(&v)), "length {len}, bytes {i}/{j}");
                    }
                }
            }
        }
        assert_ne!(h_str("ab"), h_str("ab\0"));
        assert_ne!(h_str("abcdefgh"), h_str("abcdefgh\0"));
    }

    /// A `Str` is invisible in the trace: it hashes, compares, prints and serializes as the
    /// `String` it replaced, inline, boxed or static, at and around the inline limit.
    #[test]
    fn a_str_hashes_and_serializes_as_the_string_it_stands_for() {
        use std::hash::{Hash, Hasher};
        let hash = |x: &dyn Fn(&mut TraceHasher)| {
            let mut f = TraceHasher(TraceHasher::SEED);
            x(&mut f);
            f.finish()
        };
        for text in [
            "",
            "p1",
            "orders",
            "é-ü-漢字",
            &"x".repeat(INLINE),
            &"y".repeat(INLINE + 1),
            &"z".repeat(200),
        ] {
            let owned = text.to_string();
            let leaked: &'static str = Box::leak(owned.clone().into_boxed_str());
            for s in [
                Str::from(text),
                Str::from(owned.clone()),
                Str::from_static(leaked),
            ] {
                assert_eq!(s.as_str(), text);
                assert_eq!(hash(&|f| s.hash(f)), hash(&|f| owned.hash(f)), "{text:?}");
                assert_eq!(format!("{s:?}"), format!("{owned:?}"));
                assert_eq!(s.to_string(), owned);
                let json = serde_json::to_string(&s).unwrap_or_default();
                assert_eq!(json, serde_json::to_string(&owned).unwrap_or_default());
                let back: Str = serde_json::from_str(&json).unwrap_or_else(|_| Str::from("?"));
                assert_eq!(back, s);
            }
        }
        assert!(matches!(
            Str::from("a".repeat(INLINE).as_str()),
            Str::Inline { .. }
        ));
        assert!(matches!(Str::from("a".repeat(INLINE + 1)), Str::Heap(_)));
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

    /// Notable events outlive the traffic that pushes them out of the main buffer: the newest
    /// `NOTABLE` of them are kept, newest first, and messages never enter that list.
    #[test]
    fn notable_events_outlast_the_traffic_after_them() {
        let send = |i: u64| TraceKind::Send {
            from: NodeId::Broker(1),
            to: NodeId::Broker(2),
            name: Str::from("Fetch"),
            msg: i,
            digest: 0,
            arrive_at: 2,
        };
        let mut t = Trace::new(100);
        t.push(0, note(0));
        for i in 0..1000 {
            t.push(1, send(i));
        }
        assert!(t.events().all(|e| matches!(e.kind, TraceKind::Send { .. })));
        let kept: Vec<u64> = t.notable_newest_first().map(|e| e.seq).collect();
        assert_eq!(kept, vec![0], "the note survives 1000 sends");
        // Only the newest NOTABLE are kept, newest first.
        for i in 1..=(NOTABLE as u64 + 10) {
            t.push(2, note(i));
            t.push(2, send(i));
        }
        let kept: Vec<u64> = t.notable_newest_first().map(|e| e.seq).collect();
        assert_eq!(kept.len(), NOTABLE);
        assert!(kept.windows(2).all(|w| w[0] > w[1]), "newest first");
        assert_eq!(
            kept.first(),
            t.events()
                .filter(|e| e.kind.is_notable())
                .map(|e| e.seq)
                .last()
                .as_ref()
        );
        // A clone shares them until one side pushes another.
        let c = t.clone();
        assert!(Arc::ptr_eq(&t.notable, &c.notable));
        assert!(!send(0).is_notable());
    }
}
