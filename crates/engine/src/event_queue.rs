//! The simulator's event queue: every message on the wire and every pending timer, taken in
//! the order (time, sequence number), where the sequence number counts every event ever
//! scheduled. That order is the whole of the simulation's determinism, so this queue gives
//! exactly the order a `BTreeMap<(Millis, u64), E>` gives, for less work.
//!
//! At scale the cluster schedules a few hundred thousand events per simulated second, nearly
//! all of them at one of a few times (a message `latency` from now, a request timeout 30 s
//! from now), and most timeouts are cancelled within milliseconds. One B-tree entry per
//! millisecond that has events, each holding its events in scheduling order, makes scheduling
//! an append, taking the next event a pop from the front, and a cancellation a bisection that
//! leaves a hole (compacted once holes are half the bucket, so a bucket of cancelled timeouts
//! does not grow).

use crate::types::Millis;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// A map looked up by key only, never iterated (so its order cannot reach the simulation):
/// the queue keys of pending cancellable timers. Hashed with [`WordHasher`], which has no
/// random seed, so even its memory layout is the same on every run.
pub(crate) type KeyIndex<K> = HashMap<K, (Millis, u64), BuildHasherDefault<WordHasher>>;

/// A small deterministic hasher for keys made of a few integers and short strings: each
/// 64-bit word is folded in with one multiply (64-bit arithmetic only: the page's wasm has no
/// 64×64→128-bit multiply). Not for untrusted keys (no flooding resistance), which these never
/// are. Also the fold behind a message's trace digest (`cluster::Digest`).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct WordHasher(u64);

impl WordHasher {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
}

/// Up to 8 bytes as a little-endian word, zero-padded: what copying them into `[0u8; 8]`
/// and `u64::from_le_bytes` gives, without the copy of a variable length, which the page's
/// size-optimised build makes a `memory.copy` (a call into the wasm engine) per hashed name.
#[inline(always)]
pub(crate) fn le_word(bytes: &[u8]) -> u64 {
    if let Some(w) = bytes.first_chunk::<8>() {
        return u64::from_le_bytes(*w);
    }
    let mut word = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        word |= u64::from(b) << (8 * i);
    }
    word
}

impl Hasher for WordHasher {
    /// Bytes and where they end: under 8 bytes (a topic name, a separator) one word with the
    /// length, and a bit no shorter input sets, in its last byte; longer ones word by word,
    /// then the length. So "ab" then "c" differs from "a" then "bc".
    fn write(&mut self, bytes: &[u8]) {
        if bytes.len() < 8 {
            self.write_u64(le_word(bytes) | (u64::from(0x80 | bytes.len() as u8) << 56));
            return;
        }
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            self.write_u64(le_word(w));
        }
        if !words.remainder().is_empty() {
            self.write_u64(le_word(words.remainder()));
        }
        self.write_u64(bytes.len() as u64 ^ 0xa5a5_0000_0000_0000);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(26) ^ n).wrapping_mul(Self::K);
    }
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
    fn write_i32(&mut self, n: i32) {
        self.write_u64(u64::from(n as u32));
    }
    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }
    fn write_isize(&mut self, n: isize) {
        self.write_u64(n as u64);
    }
    fn finish(&self) -> u64 {
        // hashbrown takes its control bits from the top of the hash: mix the low bits up.
        self.0 ^ (self.0 >> 29)
    }
}

/// Events by time, then by scheduling order.
#[derive(Debug, Clone)]
pub(crate) struct EventQueue<E> {
    /// One bucket per time that has live events; no bucket is empty.
    buckets: BTreeMap<Millis, Bucket<E>>,
    len: usize,
    /// Emptied buckets' storage, reused for new times: at scale a bucket of a few hundred
    /// events is opened and emptied every millisecond.
    spare: Vec<VecDeque<(u64, Option<E>)>>,
}

/// How many emptied buckets' storage is kept for reuse.
const SPARE: usize = 8;

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            buckets: BTreeMap::new(),
            len: 0,
            spare: Vec::new(),
        }
    }
}

/// One time's events, by sequence number. `None` is a removed event; the first and last
/// slots are always live.
#[derive(Debug, Clone)]
struct Bucket<E> {
    slots: VecDeque<(u64, Option<E>)>,
    live: usize,
}

impl<E> Bucket<E> {
    /// Drop holes at both ends, so that the front is the bucket's next event.
    fn trim(&mut self) {
        while self.slots.front().is_some_and(|(_, e)| e.is_none()) {
            self.slots.pop_front();
        }
        while self.slots.back().is_some_and(|(_, e)| e.is_none()) {
            self.slots.pop_back();
        }
        if self.slots.len() >= 32 && self.live * 2 < self.slots.len() {
            self.slots.retain(|(_, e)| e.is_some());
        }
    }
}

impl<E> EventQueue<E> {
    /// Schedule `ev` at `at` with sequence number `seq` (unique; usually the largest yet).
    pub fn insert(&mut self, at: Millis, seq: u64, ev: E) {
        let spare = &mut self.spare;
        let bucket = self.buckets.entry(at).or_insert_with(|| Bucket {
            slots: spare.pop().unwrap_or_default(),
            live: 0,
        });
        match bucket.slots.back() {
            Some((last, _)) if *last > seq => {
                let i = bucket.slots.partition_point(|(s, _)| *s < seq);
                bucket.slots.insert(i, (seq, Some(ev)));
            }
            _ => bucket.slots.push_back((seq, Some(ev))),
        }
        bucket.live += 1;
        self.len += 1;
    }

    /// Take the event `(at, seq)` off the queue, if it is there.
    pub fn remove(&mut self, (at, seq): (Millis, u64)) -> Option<E> {
        let bucket = self.buckets.get_mut(&at)?;
        let i = bucket.slots.binary_search_by_key(&seq, |(s, _)| *s).ok()?;
        let ev = bucket.slots.get_mut(i)?.1.take()?;
        bucket.live -= 1;
        self.len -= 1;
        if bucket.live == 0 {
            if let Some(b) = self.buckets.remove(&at) {
                self.recycle(b);
            }
        } else {
            bucket.trim();
        }
        Some(ev)
    }

    pub fn get(&self, (at, seq): (Millis, u64)) -> Option<&E> {
        let bucket = self.buckets.get(&at)?;
        let i = bucket.slots.binary_search_by_key(&seq, |(s, _)| *s).ok()?;
        bucket.slots.get(i)?.1.as_ref()
    }

    /// The next event's key.
    pub fn first_key(&self) -> Option<(Millis, u64)> {
        let (at, bucket) = self.buckets.first_key_value()?;
        bucket.slots.front().map(|(seq, _)| (*at, *seq))
    }

    /// Take the next event off the queue.
    pub fn pop_first(&mut self) -> Option<((Millis, u64), E)> {
        self.pop_due(Millis::MAX)
    }

    /// Take the next event off the queue if it is due at `until` or earlier.
    pub fn pop_due(&mut self, until: Millis) -> Option<((Millis, u64), E)> {
        let mut entry = self.buckets.first_entry()?;
        let at = *entry.key();
        if at > until {
            return None;
        }
        let bucket = entry.get_mut();
        let (seq, ev) = bucket.slots.pop_front()?;
        bucket.live -= 1;
        self.len -= 1;
        if bucket.live == 0 {
            let b = entry.remove();
            self.recycle(b);
        } else {
            bucket.trim();
        }
        // The front slot is always live (see `Bucket`).
        ev.map(|ev| ((at, seq), ev))
    }

    fn recycle(&mut self, mut b: Bucket<E>) {
        if self.spare.len() < SPARE {
            b.slots.clear();
            self.spare.push(b.slots);
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Every event, in the order they will be taken.
    pub fn iter(&self) -> impl Iterator<Item = ((Millis, u64), &E)> {
        self.buckets.iter().flat_map(|(at, b)| {
            b.slots
                .iter()
                .filter_map(move |(seq, e)| e.as_ref().map(|e| ((*at, *seq), e)))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{le_word, EventQueue};
    use proptest::prelude::*;
    use std::collections::BTreeMap;

    #[test]
    fn le_word_is_the_zero_padded_little_endian_word() {
        let bytes = [0x01, 0x80, 0xff, 0x7f, 0x00, 0x10, 0xfe, 0x42];
        for n in 0..=8 {
            let mut padded = [0u8; 8];
            padded[..n].copy_from_slice(&bytes[..n]);
            assert_eq!(
                le_word(&bytes[..n]),
                u64::from_le_bytes(padded),
                "{n} bytes"
            );
        }
        assert_eq!(le_word(b"ab"), 0x6261);
    }

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u64),
        /// Remove the n-th live event (mod the count), as a cancelled timer is.
        Remove(usize),
        Pop,
        /// Take the next event if it is due by then.
        PopDue(u64),
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => (0u64..6).prop_map(Op::Insert),
            3 => any::<usize>().prop_map(Op::Remove),
            2 => Just(Op::Pop),
            2 => (0u64..6).prop_map(Op::PopDue),
        ]
    }

    proptest! {
        /// Whatever is scheduled, cancelled and taken, the queue agrees with a B-tree keyed by
        /// (time, sequence number) at every step.
        #[test]
        fn the_queue_takes_events_in_the_order_a_btree_does(
            ops in proptest::collection::vec(op(), 1..400),
            out_of_order in proptest::collection::vec(0u64..6, 0..4),
        ) {
            let mut q = EventQueue::default();
            let mut model: BTreeMap<(u64, u64), u64> = BTreeMap::new();
            let mut seq = 1_000u64;
            // A few events with sequence numbers below the rest, inserted last.
            let late: Vec<(u64, u64)> =
                out_of_order.iter().enumerate().map(|(i, at)| (*at, i as u64)).collect();
            for op in ops {
                match op {
                    Op::Insert(dt) => {
                        seq += 1;
                        let at = dt;
                        q.insert(at, seq, seq * 10);
                        model.insert((at, seq), seq * 10);
                    }
                    Op::Remove(n) => {
                        if model.is_empty() {
                            prop_assert_eq!(q.remove((0, 0)), None);
                            continue;
                        }
                        let key = *model.keys().nth(n % model.len()).unwrap();
                        prop_assert_eq!(q.remove(key), model.remove(&key));
                        prop_assert_eq!(q.remove(key), None);
                    }
                    Op::Pop => {
                        let want = model.pop_first();
                        prop_assert_eq!(q.pop_first(), want);
                    }
                    Op::PopDue(until) => {
                        let due = model.first_key_value().is_some_and(|((at, _), _)| *at <= until);
                        let want = if due { model.pop_first() } else { None };
                        prop_assert_eq!(q.pop_due(until), want);
                    }
                }
                prop_assert_eq!(q.len(), model.len());
                prop_assert_eq!(q.first_key(), model.keys().next().copied());
            }
            for (at, s) in late {
                q.insert(at, s, s * 10);
                model.insert((at, s), s * 10);
            }
            let all: Vec<((u64, u64), u64)> = q.iter().map(|(k, e)| (k, *e)).collect();
            let want: Vec<((u64, u64), u64)> = model.iter().map(|(k, e)| (*k, *e)).collect();
            prop_assert_eq!(all, want);
            for (k, e) in &model {
                prop_assert_eq!(q.get(*k), Some(e));
            }
            while let Some(want) = model.pop_first() {
                prop_assert_eq!(q.pop_first(), Some(want));
            }
            prop_assert_eq!(q.pop_first(), None);
            prop_assert_eq!(q.len(), 0);
        }
    }

    #[test]
    fn cancelled_events_do_not_pile_up_in_their_bucket() {
        let mut q = EventQueue::default();
        // Request timeouts all at one time, each cancelled soon after, one left pending.
        q.insert(30_000, 0, 0u64);
        for seq in 1..10_000u64 {
            q.insert(30_000, seq, seq);
            assert_eq!(q.remove((30_000, seq)), Some(seq));
        }
        let bucket = q.buckets.get(&30_000).unwrap();
        assert_eq!(bucket.live, 1);
        assert!(bucket.slots.len() <= 1, "{} slots", bucket.slots.len());
        // Holes in the middle are compacted too.
        for seq in 10_000..10_100u64 {
            q.insert(30_000, seq, seq);
        }
        for seq in 10_000..10_099u64 {
            q.remove((30_000, seq));
        }
        let bucket = q.buckets.get(&30_000).unwrap();
        assert_eq!(bucket.live, 2);
        assert!(bucket.slots.len() <= 64, "{} slots", bucket.slots.len());
        assert_eq!(q.pop_first(), Some(((30_000, 0), 0)));
        assert_eq!(q.pop_first(), Some(((30_000, 10_099), 10_099)));
        assert_eq!(q.pop_first(), None);
    }
}
