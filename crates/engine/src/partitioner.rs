//! Producer partitioning, as Kafka's `Utils.murmur2`, `BuiltInPartitioner` and
//! `RoundRobinPartitioner` do it (semantics digest §1).
//!
//! Keyed records: `toPositive(murmur2(keyBytes)) % numPartitions`, bit-exact with Kafka.
//! Keyless records: the KIP-794 built-in sticky partitioner (the default since Kafka 3.3),
//! driven by the cluster's seeded RNG; or round-robin when `partitioner.class` selects it.

use rand_core::RngCore;
use serde::{Deserialize, Serialize};

/// Kafka's `Utils.murmur2`: MurmurHash2 with Java's 32-bit int arithmetic; a signed result.
pub fn murmur2(data: &[u8]) -> i32 {
    const SEED: u32 = 0x9747_b28c;
    const M: u32 = 0x5bd1_e995;
    const R: u32 = 24;
    let length = data.len() as u32;
    let mut h: u32 = SEED ^ length;
    let mut chunks = data.chunks_exact(4);
    for c in &mut chunks {
        let mut k = u32::from_le_bytes([c[0], c[1], c[2], c[3]]);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
    }
    let tail = chunks.remainder();
    // The switch in Kafka falls through from case 3 to case 1.
    if tail.len() >= 3 {
        h ^= u32::from(tail[2]) << 16;
    }
    if tail.len() >= 2 {
        h ^= u32::from(tail[1]) << 8;
    }
    if let Some(&b0) = tail.first() {
        h ^= u32::from(b0);
        h = h.wrapping_mul(M);
    }
    h ^= h >> 13;
    h = h.wrapping_mul(M);
    h ^= h >> 15;
    h as i32
}

/// Kafka's `Utils.toPositive`: a mask, not `abs` (so -1 maps to 2147483647).
pub fn to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// The partition Kafka's default partitioner picks for a non-null key.
/// `num_partitions` counts every partition of the topic, with or without a leader.
/// Returns `None` for a topic with no partitions.
pub fn partition_for_key(key: &[u8], num_partitions: i32) -> Option<i32> {
    if num_partitions <= 0 {
        return None;
    }
    Some(to_positive(murmur2(key)) % num_partitions)
}

/// Which partitioner a producer uses for keyless records (`partitioner.class`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PartitionerKind {
    /// No `partitioner.class`: the built-in (KIP-794) partitioner.
    BuiltIn,
    /// `org.apache.kafka.clients.producer.RoundRobinPartitioner`: ignores keys, counter from 0.
    RoundRobin,
}

/// Per-topic state of the built-in sticky partitioner (`BuiltInPartitioner`).
///
/// It sticks to one partition until about `batch.size` bytes were produced to it and
/// its batches are full (or unconditionally at twice `batch.size`), then draws the next
/// partition from the available ones with the cluster's seeded RNG.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StickyPartitioner {
    sticky_batch_size: usize,
    current: Option<i32>,
    produced_bytes: usize,
}

impl StickyPartitioner {
    pub fn new(batch_size: usize) -> Self {
        StickyPartitioner {
            // Kafka treats batch.size=0 as 1.
            sticky_batch_size: batch_size.max(1),
            current: None,
            produced_bytes: 0,
        }
    }

    /// The partition for the next keyless record; `available` are the partitions with a
    /// leader (all partitions are used when none has one).
    pub fn peek(
        &mut self,
        available: &[i32],
        num_partitions: i32,
        rng: &mut dyn RngCore,
    ) -> Option<i32> {
        if num_partitions <= 0 {
            return None;
        }
        if let Some(p) = self.current {
            if p < num_partitions {
                return Some(p);
            }
        }
        let p = Self::draw(available, num_partitions, rng);
        self.current = Some(p);
        self.produced_bytes = 0;
        Some(p)
    }

    fn draw(available: &[i32], num_partitions: i32, rng: &mut dyn RngCore) -> i32 {
        let random = to_positive(rng.next_u32() as i32);
        if available.is_empty() {
            random % num_partitions
        } else {
            let idx = (random as usize) % available.len();
            available.get(idx).copied().unwrap_or(0)
        }
    }

    /// Record `bytes` appended to the sticky partition. `batches_full` says whether every
    /// batch queued for that partition is full (Kafka's `enableSwitch`). Returns true if the
    /// partitioner switched, i.e. the next keyless record goes to a newly drawn partition.
    pub fn update(&mut self, bytes: usize, batches_full: bool) -> bool {
        self.produced_bytes += bytes;
        let switch = (self.produced_bytes >= self.sticky_batch_size && batches_full)
            || self.produced_bytes >= 2 * self.sticky_batch_size;
        if switch {
            self.current = None;
            self.produced_bytes = 0;
        }
        switch
    }

    pub fn current(&self) -> Option<i32> {
        self.current
    }
}

/// `RoundRobinPartitioner`: a per-topic counter starting at 0; keys ignored. Like Kafka's, it
/// takes `toPositive(counter++) % available.size()` over partitions with a leader.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundRobin {
    counter: i32,
}

impl RoundRobin {
    pub fn next(&mut self, available: &[i32], num_partitions: i32) -> Option<i32> {
        if num_partitions <= 0 {
            return None;
        }
        let n = to_positive(self.counter);
        self.counter = self.counter.wrapping_add(1);
        if available.is_empty() {
            Some(n % num_partitions)
        } else {
            available.get((n as usize) % available.len()).copied()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand_chacha::rand_core::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// Kafka's `UtilsTest#testMurmur2`, vector for vector.
    #[test]
    fn murmur2_matches_kafka_utils_test() {
        let cases: [(&[u8], i32); 6] = [
            (b"21", -973932308),
            (b"foobar", -790332482),
            (b"a-little-bit-long-string", -985981536),
            (b"a-little-bit-longer-string", -1486304829),
            (
                b"lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8",
                -58897971,
            ),
            (b"abc", 479470107),
        ];
        for (input, expected) in cases {
            assert_eq!(
                murmur2(input),
                expected,
                "murmur2({:?})",
                String::from_utf8_lossy(input)
            );
        }
    }

    #[test]
    fn to_positive_is_a_mask_not_abs() {
        assert_eq!(to_positive(-1), 2147483647);
        assert_eq!(to_positive(i32::MIN), 0);
        assert_eq!(to_positive(5), 5);
    }

    /// The digest's example: "key1" goes to partition 2 with 6 partitions and 8 with 12.
    #[test]
    fn adding_partitions_moves_keys() {
        assert_eq!(partition_for_key(b"key1", 6), Some(2));
        assert_eq!(partition_for_key(b"key1", 12), Some(8));
        assert_eq!(partition_for_key(b"key1", 0), None);
    }

    #[test]
    fn sticky_partitioner_sticks_until_batch_size_then_switches() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut sp = StickyPartitioner::new(1000);
        let available = [0, 1, 2, 3];
        let first = sp.peek(&available, 4, &mut rng).unwrap();
        // 9 records of 100 bytes: still under batch.size, same partition.
        for _ in 0..9 {
            assert_eq!(sp.peek(&available, 4, &mut rng), Some(first));
            assert!(!sp.update(100, true));
        }
        // The 10th reaches batch.size with full batches: switch.
        assert!(sp.update(100, true));
        assert_eq!(sp.current(), None);
    }

    #[test]
    fn sticky_partitioner_waits_for_full_batches_up_to_twice_batch_size() {
        let mut sp = StickyPartitioner::new(1000);
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        sp.peek(&[0, 1], 2, &mut rng);
        assert!(!sp.update(1500, false), "batches not full: keep sticking");
        assert!(
            sp.update(600, false),
            "at 2x batch.size it switches unconditionally"
        );
    }

    #[test]
    fn round_robin_starts_at_zero_and_cycles() {
        let mut rr = RoundRobin::default();
        let got: Vec<i32> = (0..6).filter_map(|_| rr.next(&[0, 1, 2], 3)).collect();
        assert_eq!(got, vec![0, 1, 2, 0, 1, 2]);
        // Only available partitions are used.
        let mut rr = RoundRobin::default();
        let got: Vec<i32> = (0..4).filter_map(|_| rr.next(&[1, 3], 4)).collect();
        assert_eq!(got, vec![1, 3, 1, 3]);
    }
}
