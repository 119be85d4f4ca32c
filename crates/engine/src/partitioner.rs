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
    // `split_first_chunk` rather than `chunks_exact`: the page's size-optimised build called
    // the chunk iterator's `next` once per four bytes of every key.
    let mut tail = data;
    while let Some((word, rest)) = tail.split_first_chunk::<4>() {
        let mut k = u32::from_le_bytes(*word);
        k = k.wrapping_mul(M);
        k ^= k >> R;
        k = k.wrapping_mul(M);
        h = h.wrapping_mul(M);
        h ^= k;
        tail = rest;
    }
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
    /// KIP-794's adaptive partitioning (`BuiltInPartitioner.PartitionLoadStats`): a
    /// cumulative frequency table over the partitions with a leader, each weighted by how
    /// much shorter its queue of batches is than the longest; `None` draws uniformly.
    #[serde(default)]
    load: Option<LoadStats>,
}

/// A cumulative frequency table and the partitions it ranges over, in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadStats {
    cft: Vec<u32>,
    ids: Vec<i32>,
}

impl StickyPartitioner {
    pub fn new(batch_size: usize) -> Self {
        StickyPartitioner {
            // Kafka treats batch.size=0 as 1.
            sticky_batch_size: batch_size.max(1),
            current: None,
            produced_bytes: 0,
            load: None,
        }
    }

    /// `BuiltInPartitioner.updatePartitionLoadStats`. `queues` are (partition, batches
    /// queued) for the partitions that have a leader, in partition order, out of `known`
    /// partitions in the accumulator; `None` when adaptive partitioning is off or not every
    /// partition has had a batch yet. Uniform draws when fewer than two partitions are known,
    /// none has a leader, or every queue is the same length and none was left out.
    pub fn update_load_stats(&mut self, queues: Option<&[(i32, u32)]>, known: usize) {
        self.load = None;
        let Some(queues) = queues else { return };
        if queues.is_empty() || known < 2 {
            return;
        }
        let longest = queues.iter().map(|(_, q)| *q).max().unwrap_or(0);
        let all_equal = queues.iter().all(|(_, q)| *q == longest);
        if all_equal && queues.len() == known {
            return;
        }
        // Each queue inverted against the longest one plus one, then summed as it goes.
        let mut sum = 0u32;
        let cft = queues
            .iter()
            .map(|(_, q)| {
                sum = sum.saturating_add(longest.saturating_add(1).saturating_sub(*q));
                sum
            })
            .collect();
        self.load = Some(LoadStats {
            cft,
            ids: queues.iter().map(|(p, _)| *p).collect(),
        });
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
        let p = match &self.load {
            Some(load) => load.draw(rng),
            None => Self::draw(available, num_partitions, rng),
        };
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

impl LoadStats {
    /// `BuiltInPartitioner.nextPartition` with load stats: a uniform number below the table's
    /// last value, mapped to the first entry strictly greater than it.
    fn draw(&self, rng: &mut dyn RngCore) -> i32 {
        let random = to_positive(rng.next_u32() as i32) as u32;
        let total = self.cft.last().copied().unwrap_or(1).max(1);
        let weighted = random % total;
        let i = self.cft.partition_point(|c| *c <= weighted);
        self.ids.get(i).or(self.ids.last()).copied().unwrap_or(0)
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

    /// `BuiltInPartitionerTest.SequentialPartitioner`: "random" numbers 0, 1, 2, …
    struct Sequential(u32);
    impl RngCore for Sequential {
        fn next_u32(&mut self) -> u32 {
            self.0 += 1;
            self.0 - 1
        }
        fn next_u64(&mut self) -> u64 {
            u64::from(self.next_u32())
        }
        fn fill_bytes(&mut self, dst: &mut [u8]) {
            dst.fill(0);
        }
    }

    /// `BuiltInPartitionerTest.adaptivePartitionsTest`: with queue sizes 5, 0, 3, 0, 1 and
    /// sequential draws over two cycles of the table, each partition is chosen
    /// (max + 1 − its queue size) times per cycle.
    #[test]
    fn adaptive_partitioning_chooses_partitions_reciprocally_to_their_queues() {
        let queues = [5u32, 0, 3, 0, 1];
        let mut sp = StickyPartitioner::new(1);
        let table: Vec<(i32, u32)> = queues
            .iter()
            .enumerate()
            .map(|(p, q)| (p as i32, *q))
            .collect();
        sp.update_load_stats(Some(&table), queues.len());
        let range_end = 6 * 5 - (5 + 3 + 1);
        let mut rng = Sequential(0);
        let mut chosen = [0u32; 5];
        for _ in 0..range_end * 2 {
            let p = sp.peek(&[0, 1, 2, 3, 4], 5, &mut rng).unwrap();
            chosen[p as usize] += 1;
            sp.update(1, true);
        }
        let expected: Vec<u32> = queues.iter().map(|q| (6 - q) * 2).collect();
        assert_eq!(chosen.to_vec(), expected);
    }

    /// `updatePartitionLoadStats` keeps uniform draws when every queue is the same length
    /// and no partition was left out, when fewer than two partitions are known, and when the
    /// stats are off; a partition without a leader (left out) makes the table apply even
    /// with equal queues, and it is never drawn.
    #[test]
    fn adaptive_partitioning_falls_back_to_uniform_draws() {
        let mut sp = StickyPartitioner::new(1);
        sp.update_load_stats(Some(&[(0, 2), (1, 2), (2, 2)]), 3);
        assert_eq!(sp.load, None, "equal queues");
        sp.update_load_stats(Some(&[(0, 4)]), 1);
        assert_eq!(sp.load, None, "one partition");
        sp.update_load_stats(None, 3);
        assert_eq!(sp.load, None, "off");
        sp.update_load_stats(Some(&[(0, 2), (2, 2)]), 3);
        assert!(sp.load.is_some(), "partition 1 has no leader: left out");
        let mut rng = Sequential(0);
        for _ in 0..20 {
            let p = sp.peek(&[0, 2], 3, &mut rng).unwrap();
            assert_ne!(p, 1);
            sp.update(1, true);
        }
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
