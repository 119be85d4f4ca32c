//! KRaft replica placement: Kafka's `StripedReplicaPlacer`, and the controller's rules for
//! explicit (`--replica-assignment`) partition assignments.
//!
//! # The striped placer
//!
//! Kafka's controller places the replicas of new partitions with
//! `org.apache.kafka.metadata.placement.StripedReplicaPlacer`. Its goals, in priority order:
//! spread each partition's replicas over as many racks as possible, spread replicas (and
//! leaders) evenly over brokers, and prefer unfenced brokers. Its hard constraints: no broker
//! holds two replicas of one partition, and the first replica (the leader) is unfenced.
//!
//! The placer builds a [`RackList`]: one [`Rack`] per distinct rack name (brokers without a rack
//! share the rack `None`), each holding a sorted [`BrokerList`] of unfenced brokers and one of
//! fenced brokers, every list starting at a random offset. Each partition takes its replicas
//! from consecutive racks, starting one rack further than the previous partition did, and from
//! each rack the next broker of that rack (unfenced brokers first). That yields the "striped"
//! pattern. Once as many partitions have been placed as there are unfenced brokers, the rack
//! order and every broker list are shuffled, so that larger topics do not repeat the same
//! replica sets.
//!
//! The placer's results depend on its random numbers, and also on Java details: the racks are
//! kept in a `java.util.HashMap`, whose iteration order decides which rack draws which random
//! number, rack names sort with `String.compareTo` (UTF-16 order), and shuffling is
//! `Collections.shuffle`. All of that is reproduced here (the hash map through
//! [`crate::java::JavaHashSet`]), so with a [`PlacementRandom`] that yields the same numbers as
//! the `java.util.Random` Kafka was given, the placements are identical to Kafka's. Kafka's
//! controller uses `new Random()` (unseeded); the simulator uses [`RngPlacementRandom`] over its
//! own seeded generator instead, and Kafka's tests use a `MockRandom`, which the tests of this
//! module reimplement on top of [`java_next_int`].
//!
//! # Explicit assignments
//!
//! [`validate_manual_partition_assignment`], [`place_new_topic`] and [`place_new_partitions`]
//! follow `ReplicationControlManager` (`createTopic`, `createPartitions` and
//! `validateManualPartitionAssignment`), with Kafka's error codes and messages:
//!
//! - a replica list must not be empty, must name only registered brokers (fenced brokers and
//!   brokers in controlled shutdown are allowed) and must not name a broker twice;
//! - all partitions of a topic must have the same number of replicas;
//! - at least one replica of each partition must be active (unfenced and not in controlled
//!   shutdown): the active replicas become the initial ISR and the first of them the leader;
//! - on topic creation, partition indexes must not repeat and must be exactly `0..n`.
//!
//! Not modelled: create-topic policies, controller mutation quotas and log directories
//! (`PartitionAssignment.directories`).

use crate::error::{ErrorCode, SimError};
use crate::java::{compare_strings, string_hash_code, JavaHashKey, JavaHashSet};
use crate::sort::SortShared;
use crate::vecmap::VecMap;
use rand_core::RngCore;
use std::cmp::Ordering;
use std::fmt;

// ---------------------------------------------------------------------------------------------
// Randomness
// ---------------------------------------------------------------------------------------------

/// The random numbers the placer consumes: `java.util.Random.nextInt(bound)`.
///
/// Implementations must return a value in `[0, bound)` for a positive `bound`. The placer never
/// passes a non-positive bound; implementations in this module return 0 for one (where Java
/// would throw `IllegalArgumentException`).
pub trait PlacementRandom {
    /// A uniformly distributed value in `[0, bound)`.
    fn next_int(&mut self, bound: i32) -> i32;
}

impl<P: PlacementRandom + ?Sized> PlacementRandom for &mut P {
    fn next_int(&mut self, bound: i32) -> i32 {
        (**self).next_int(bound)
    }
}

/// `java.util.Random.nextInt(int bound)`, written in terms of the generator's `next(bits)`.
///
/// This is the exact algorithm of `java.util.Random` (unchanged from JDK 1.2 to JDK 25): one
/// 31-bit draw, scaled for a power-of-two bound, otherwise reduced modulo `bound` with rejection
/// of the draws that would bias the result (which may draw again). Any subclass of `Random`
/// that only overrides `next(bits)` — such as Kafka's test `MockRandom` — therefore produces the
/// same bounded values as this function applied to its `next`.
///
/// Returns 0 for a non-positive `bound` (Java throws `IllegalArgumentException`).
pub fn java_next_int(bound: i32, mut next_bits: impl FnMut(u32) -> i32) -> i32 {
    if bound <= 0 {
        return 0;
    }
    let mut r = next_bits(31);
    let m = bound - 1;
    if bound & m == 0 {
        // A power of two: take the high bits.
        ((i64::from(bound) * i64::from(r)) >> 31) as i32
    } else {
        let mut u = r;
        loop {
            r = u.wrapping_rem(bound);
            // `u - r + m < 0` overflows exactly when `u` lies in the last, partial, block of
            // size `bound` below 2^31; Java rejects those draws.
            if u.wrapping_sub(r).wrapping_add(m) < 0 {
                u = next_bits(31);
            } else {
                return r;
            }
        }
    }
}

/// `Collections.shuffle(list, random)`: for `i` from `size` down to 2, swap element `i - 1`
/// with element `random.nextInt(i)`.
pub fn java_shuffle<T>(list: &mut [T], random: &mut (impl PlacementRandom + ?Sized)) {
    let mut i = list.len();
    while i > 1 {
        let bound = i32::try_from(i).unwrap_or(i32::MAX);
        let j = usize::try_from(random.next_int(bound)).unwrap_or(0);
        if j < list.len() {
            list.swap(i - 1, j);
        }
        i -= 1;
    }
}

/// An exact model of `java.util.Random`: the 48-bit linear congruential generator of
/// `new Random(seed)`.
///
/// Useful to reproduce a placement Kafka made with a known seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JavaRandom {
    seed: i64,
}

impl JavaRandom {
    const MULTIPLIER: i64 = 0x5_DEEC_E66D;
    const ADDEND: i64 = 0xB;
    const MASK: i64 = (1 << 48) - 1;

    /// `new Random(seed)`: the seed is scrambled with the multiplier.
    pub fn new(seed: i64) -> Self {
        JavaRandom {
            seed: (seed ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    /// `Random.next(bits)` for `bits` in `1..=32` (other values are clamped into that range).
    pub fn next_bits(&mut self, bits: u32) -> i32 {
        let bits = bits.clamp(1, 32);
        self.seed = self
            .seed
            .wrapping_mul(Self::MULTIPLIER)
            .wrapping_add(Self::ADDEND)
            & Self::MASK;
        // The seed is non-negative after masking, so `>>` is Java's `>>>`; the cast keeps the
        // low 32 bits, like Java's `(int)`.
        (self.seed >> (48 - bits)) as i32
    }

    /// `Random.nextInt()`: 32 random bits.
    pub fn next_i32(&mut self) -> i32 {
        self.next_bits(32)
    }
}

impl PlacementRandom for JavaRandom {
    fn next_int(&mut self, bound: i32) -> i32 {
        java_next_int(bound, |bits| self.next_bits(bits))
    }
}

/// Adapts any [`RngCore`] (the simulator's `ChaCha8Rng`) to [`PlacementRandom`].
///
/// `next(bits)` takes the high `bits` bits of `next_u32`, and bounded values then follow
/// [`java_next_int`], so they are uniform (no modulo bias). Wrap a mutable reference to keep
/// using the generator afterwards: `RngPlacementRandom(&mut rng)`.
///
/// ```
/// use kafka_sim::placement::{place, RngPlacementRandom, UsableBroker};
/// use rand_chacha::rand_core::SeedableRng;
/// use rand_chacha::ChaCha8Rng;
///
/// let brokers: Vec<UsableBroker> = (0..3).map(|id| UsableBroker::new(id, None, false)).collect();
/// let mut rng = ChaCha8Rng::seed_from_u64(1);
/// let replicas = place(&brokers, 0, 6, 3, &mut RngPlacementRandom(&mut rng)).unwrap();
/// assert_eq!(replicas.len(), 6);
/// assert!(replicas.iter().all(|r| r.len() == 3));
/// ```
#[derive(Debug)]
pub struct RngPlacementRandom<R>(pub R);

impl<R: RngCore> PlacementRandom for RngPlacementRandom<R> {
    fn next_int(&mut self, bound: i32) -> i32 {
        let rng = &mut self.0;
        java_next_int(bound, |bits| {
            let bits = bits.clamp(1, 32);
            (rng.next_u32() >> (32 - bits)) as i32
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// Why a placement or an explicit assignment was refused. The message is Kafka's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlacementError {
    /// `INVALID_REPLICATION_FACTOR` (`InvalidReplicationFactorException`).
    InvalidReplicationFactor(String),
    /// `INVALID_REPLICA_ASSIGNMENT` (`InvalidReplicaAssignmentException`).
    InvalidReplicaAssignment(String),
    /// `INVALID_REQUEST`, e.g. a manual assignment together with a replication factor.
    InvalidRequest(String),
    /// `INVALID_PARTITIONS`, e.g. a non-positive partition count.
    InvalidPartitions(String),
    /// `UNKNOWN_SERVER_ERROR`: an inconsistent controller state (Kafka's "Invalid state").
    UnknownServerError(String),
}

impl PlacementError {
    /// The Kafka error code.
    pub fn error_code(&self) -> ErrorCode {
        match self {
            PlacementError::InvalidReplicationFactor(_) => ErrorCode::InvalidReplicationFactor,
            PlacementError::InvalidReplicaAssignment(_) => ErrorCode::InvalidReplicaAssignment,
            PlacementError::InvalidRequest(_) => ErrorCode::InvalidRequest,
            PlacementError::InvalidPartitions(_) => ErrorCode::InvalidPartitions,
            PlacementError::UnknownServerError(_) => ErrorCode::UnknownServerError,
        }
    }

    /// The error message, as Kafka words it.
    pub fn message(&self) -> &str {
        match self {
            PlacementError::InvalidReplicationFactor(m)
            | PlacementError::InvalidReplicaAssignment(m)
            | PlacementError::InvalidRequest(m)
            | PlacementError::InvalidPartitions(m)
            | PlacementError::UnknownServerError(m) => m,
        }
    }
}

impl fmt::Display for PlacementError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for PlacementError {}

impl From<PlacementError> for SimError {
    fn from(e: PlacementError) -> Self {
        let code = e.error_code();
        SimError::kafka(code, e.message())
    }
}

fn check_replication_factor_positive(replication_factor: i32) -> Result<(), PlacementError> {
    if replication_factor <= 0 {
        return Err(PlacementError::InvalidReplicationFactor(format!(
            "Invalid replication factor {replication_factor}: the replication factor must be \
             positive."
        )));
    }
    Ok(())
}

fn check_some_unfenced(num_unfenced: usize) -> Result<(), PlacementError> {
    if num_unfenced == 0 {
        return Err(PlacementError::InvalidReplicationFactor(
            "All brokers are currently fenced.".to_string(),
        ));
    }
    Ok(())
}

fn check_enough_brokers(replication_factor: i32, num_total: usize) -> Result<(), PlacementError> {
    if usize::try_from(replication_factor).is_ok_and(|rf| rf > num_total) {
        return Err(PlacementError::InvalidReplicationFactor(format!(
            "The target replication factor of {replication_factor} cannot be reached because \
             only {num_total} broker(s) are registered."
        )));
    }
    Ok(())
}

/// The error for a placement that Kafka's placer would never finish: its loops would spin
/// forever. Not observed in practice; reported instead of hanging.
fn stuck(replication_factor: i32) -> PlacementError {
    PlacementError::InvalidReplicationFactor(format!(
        "Unable to place {replication_factor} replica(s): every rack is exhausted for this \
         iteration (Kafka's StripedReplicaPlacer would not terminate here)."
    ))
}

// ---------------------------------------------------------------------------------------------
// Placer input
// ---------------------------------------------------------------------------------------------

/// A broker that can hold new replicas (Kafka's `UsableBroker`): registered and not shutting
/// down. Fenced brokers are usable as followers, never as leaders.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct UsableBroker {
    pub id: i32,
    pub rack: Option<String>,
    pub fenced: bool,
}

impl UsableBroker {
    pub fn new(id: i32, rack: Option<&str>, fenced: bool) -> Self {
        UsableBroker {
            id,
            rack: rack.map(str::to_string),
            fenced,
        }
    }
}

/// What to place (Kafka's `PlacementSpec`). `start_partition` is informational: the striped
/// placer ignores it, as Kafka's does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlacementSpec {
    pub start_partition: i32,
    pub num_partitions: i32,
    pub num_replicas: i16,
}

impl PlacementSpec {
    pub fn new(start_partition: i32, num_partitions: i32, num_replicas: i16) -> Self {
        PlacementSpec {
            start_partition,
            num_partitions,
            num_replicas,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// BrokerList, Rack, RackList
// ---------------------------------------------------------------------------------------------

/// A list of brokers iterated round-robin from a moving offset (Kafka's
/// `StripedReplicaPlacer.BrokerList`).
///
/// Within one iteration epoch, [`BrokerList::next`] returns every broker once, starting at the
/// offset; the first call with a different epoch starts a new pass one position further along.
/// Kafka signals exhaustion with -1; this returns `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BrokerList {
    brokers: Vec<i32>,
    /// How many brokers were returned in the current epoch.
    index: usize,
    /// Added (modulo the size) to `index` to find the next broker.
    offset: usize,
    /// The epoch of the last `next` call.
    epoch: i32,
}

impl BrokerList {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a broker (builder style; Kafka's `add`).
    pub fn with_broker(mut self, broker: i32) -> Self {
        self.brokers.push(broker);
        self
    }

    /// Appends a broker.
    pub fn push(&mut self, broker: i32) {
        self.brokers.push(broker);
    }

    /// Sorts the list and draws a random starting offset (no draw when empty).
    pub fn initialize(&mut self, random: &mut (impl PlacementRandom + ?Sized)) {
        if !self.brokers.is_empty() {
            self.brokers.sort_unstable();
            self.offset = draw_index(random, self.brokers.len());
        }
    }

    /// Shuffles the brokers with `Collections.shuffle` (the epoch state is kept).
    pub fn shuffle(&mut self, random: &mut (impl PlacementRandom + ?Sized)) {
        java_shuffle(&mut self.brokers, random);
    }

    /// The number of brokers.
    pub fn size(&self) -> usize {
        self.brokers.len()
    }

    /// The brokers in their current order.
    pub fn brokers(&self) -> &[i32] {
        &self.brokers
    }

    /// The next broker of this epoch, or `None` once every broker was returned in it.
    pub fn next(&mut self, epoch: i32) -> Option<i32> {
        let len = self.brokers.len();
        if len == 0 {
            return None;
        }
        if self.epoch != epoch {
            self.epoch = epoch;
            self.index = 0;
            self.offset = (self.offset + 1) % len;
        }
        if self.index >= len {
            return None;
        }
        let broker = self.brokers.get((self.index + self.offset) % len).copied();
        self.index += 1;
        broker
    }
}

impl FromIterator<i32> for BrokerList {
    fn from_iter<I: IntoIterator<Item = i32>>(iter: I) -> Self {
        BrokerList {
            brokers: iter.into_iter().collect(),
            ..Self::default()
        }
    }
}

/// `random.nextInt(len)` as an index (`len` > 0).
fn draw_index(random: &mut (impl PlacementRandom + ?Sized), len: usize) -> usize {
    let bound = i32::try_from(len).unwrap_or(i32::MAX);
    usize::try_from(random.next_int(bound)).unwrap_or(0) % len.max(1)
}

/// The brokers of one rack (Kafka's `StripedReplicaPlacer.Rack`): unfenced and fenced brokers in
/// separate lists, unfenced ones preferred.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rack {
    fenced: BrokerList,
    unfenced: BrokerList,
}

impl Rack {
    /// Initializes the fenced list, then the unfenced list (that order decides which random
    /// numbers each gets).
    pub fn initialize(&mut self, random: &mut (impl PlacementRandom + ?Sized)) {
        self.fenced.initialize(random);
        self.unfenced.initialize(random);
    }

    /// Shuffles the fenced list, then the unfenced list.
    pub fn shuffle(&mut self, random: &mut (impl PlacementRandom + ?Sized)) {
        self.fenced.shuffle(random);
        self.unfenced.shuffle(random);
    }

    pub fn fenced(&self) -> &BrokerList {
        &self.fenced
    }

    pub fn unfenced(&self) -> &BrokerList {
        &self.unfenced
    }

    /// The next unfenced broker of this epoch.
    pub fn next_unfenced(&mut self, epoch: i32) -> Option<i32> {
        self.unfenced.next(epoch)
    }

    /// The next broker of this epoch: unfenced ones first, then fenced ones.
    pub fn next(&mut self, epoch: i32) -> Option<i32> {
        self.unfenced
            .next(epoch)
            .or_else(|| self.fenced.next(epoch))
    }
}

/// A rack name as a key of Kafka's `HashMap<Optional<String>, Rack>`: `Optional.hashCode()` is
/// the string's hash code, or 0 when empty, and `Optional` is not `Comparable`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RackKey(Option<String>);

impl JavaHashKey for RackKey {
    fn java_hash_code(&self) -> i32 {
        self.0.as_deref().map_or(0, string_hash_code)
    }
    fn java_compare(&self, _other: &Self) -> Option<Ordering> {
        None
    }
}

/// Kafka's `OptionalStringComparator`: no rack first, then `String.compareTo` order.
fn compare_rack_names(a: &Option<String>, b: &Option<String>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => compare_strings(a, b),
    }
}

/// The racks of the cluster and the iteration state of one placement run (Kafka's
/// `StripedReplicaPlacer.RackList`). It owns the random source, like Kafka's holds its
/// `Random`; pass `&mut rng` to keep the generator.
#[derive(Debug, Clone)]
pub struct RackList<R> {
    random: R,
    /// Rack names, in order of first appearance among the brokers.
    names: Vec<Option<String>>,
    /// The racks, parallel to `names`.
    racks: Vec<Rack>,
    /// Indexes into `racks` in the iteration order of Kafka's `HashMap` of racks.
    hash_order: Vec<usize>,
    /// Indexes into `racks`: Kafka's `rackNames`, sorted at first and shuffled later.
    rack_order: Vec<usize>,
    num_total_brokers: usize,
    num_unfenced_brokers: usize,
    epoch: i32,
    offset: usize,
}

impl<R: PlacementRandom> RackList<R> {
    /// Groups the brokers by rack, initializes every rack (in Java `HashMap` order) and draws
    /// the starting rack offset.
    pub fn new<'a>(mut random: R, brokers: impl IntoIterator<Item = &'a UsableBroker>) -> Self {
        let mut names: Vec<Option<String>> = Vec::new();
        let mut racks: Vec<Rack> = Vec::new();
        let mut by_name: VecMap<Option<String>, usize> = VecMap::new();
        let mut hash_map_keys: JavaHashSet<RackKey> = JavaHashSet::new();
        let mut num_total_brokers = 0usize;
        let mut num_unfenced_brokers = 0usize;
        for broker in brokers {
            let index = match by_name.get(&broker.rack) {
                Some(&index) => index,
                None => {
                    let index = racks.len();
                    by_name.insert(broker.rack.clone(), index);
                    names.push(broker.rack.clone());
                    racks.push(Rack::default());
                    hash_map_keys.insert(RackKey(broker.rack.clone()));
                    index
                }
            };
            if let Some(rack) = racks.get_mut(index) {
                if broker.fenced {
                    rack.fenced.push(broker.id);
                } else {
                    num_unfenced_brokers += 1;
                    rack.unfenced.push(broker.id);
                }
            }
            num_total_brokers += 1;
        }
        let hash_order: Vec<usize> = hash_map_keys
            .iter()
            .filter_map(|key| by_name.get(&key.0).copied())
            .collect();
        for &index in &hash_order {
            if let Some(rack) = racks.get_mut(index) {
                rack.initialize(&mut random);
            }
        }
        let mut sorted: Vec<(&Option<String>, usize)> = names.iter().zip(0..).collect();
        sorted.sort_by_shared(|a, b| compare_rack_names(a.0, b.0));
        let rack_order: Vec<usize> = sorted.into_iter().map(|(_, index)| index).collect();
        let offset = if rack_order.is_empty() {
            0
        } else {
            draw_index(&mut random, rack_order.len())
        };
        RackList {
            random,
            names,
            racks,
            hash_order,
            rack_order,
            num_total_brokers,
            num_unfenced_brokers,
            epoch: 0,
            offset,
        }
    }

    /// The number of brokers, fenced or not.
    pub fn num_total_brokers(&self) -> usize {
        self.num_total_brokers
    }

    /// The number of unfenced brokers.
    pub fn num_unfenced_brokers(&self) -> usize {
        self.num_unfenced_brokers
    }

    /// The rack names in iteration order (sorted until the first shuffle).
    pub fn rack_names(&self) -> Vec<Option<&str>> {
        self.rack_order
            .iter()
            .filter_map(|&i| self.names.get(i))
            .map(|name| name.as_deref())
            .collect()
    }

    /// The rack with that name.
    pub fn rack(&self, name: Option<&str>) -> Option<&Rack> {
        let index = self.names.iter().position(|n| n.as_deref() == name)?;
        self.racks.get(index)
    }

    /// The random source.
    pub fn random_mut(&mut self) -> &mut R {
        &mut self.random
    }

    /// Gives the random source back.
    pub fn into_random(self) -> R {
        self.random
    }

    fn rack_at(&mut self, position: usize) -> Option<&mut Rack> {
        let index = *self.rack_order.get(position)?;
        self.racks.get_mut(index)
    }

    /// Places the replicas of one partition: the leader is the first unfenced broker found
    /// from the current rack offset on; each further replica comes from the next rack in turn
    /// (skipping the leader's rack once), unfenced brokers first.
    pub fn place(&mut self, replication_factor: i32) -> Result<Vec<i32>, PlacementError> {
        check_replication_factor_positive(replication_factor)?;
        check_enough_brokers(replication_factor, self.num_total_brokers)?;
        check_some_unfenced(self.num_unfenced_brokers)?;
        // After as many partitions as there are unfenced brokers, shuffle to avoid repeating
        // the same replica sets; not with a single unfenced broker, whose lists could then
        // never start a new pass.
        if i64::from(self.epoch) == self.num_unfenced_brokers as i64
            && self.num_unfenced_brokers > 1
        {
            self.shuffle();
            self.epoch = 0;
        }
        let num_racks = self.rack_order.len();
        if self.offset == num_racks {
            self.offset = 0;
        }
        let epoch = self.epoch;
        let capacity = usize::try_from(replication_factor).unwrap_or(0);
        let mut brokers = Vec::with_capacity(capacity);

        // The leader: the first rack from `offset` on with an unfenced broker left.
        let mut first_rack = self.offset;
        let mut leader = None;
        for _ in 0..num_racks {
            if let Some(broker) = self
                .rack_at(first_rack)
                .and_then(|r| r.next_unfenced(epoch))
            {
                leader = Some(broker);
                break;
            }
            first_rack += 1;
            if first_rack == num_racks {
                first_rack = 0;
            }
        }
        // Every rack came up empty: Kafka would loop forever.
        brokers.push(leader.ok_or_else(|| stuck(replication_factor))?);

        // The followers: racks in turn from `offset`, skipping the leader's rack once.
        let mut skip = Some(first_rack);
        let mut rack_index = self.offset;
        for _replica in 1..replication_factor {
            let mut misses = 0usize;
            loop {
                let mut result = None;
                if skip == Some(rack_index) {
                    skip = None;
                } else {
                    result = self.rack_at(rack_index).and_then(|r| r.next(epoch));
                }
                rack_index += 1;
                if rack_index == num_racks {
                    rack_index = 0;
                }
                if let Some(broker) = result {
                    brokers.push(broker);
                    break;
                }
                // A rack that returned nothing keeps returning nothing in this epoch, so once
                // every rack missed in a row Kafka would loop forever.
                misses += 1;
                if misses > 2 * num_racks + 1 {
                    return Err(stuck(replication_factor));
                }
            }
        }
        self.epoch = self.epoch.wrapping_add(1);
        self.offset += 1;
        Ok(brokers)
    }

    /// Shuffles the rack order, then every rack (in Java `HashMap` order).
    pub fn shuffle(&mut self) {
        java_shuffle(&mut self.rack_order, &mut self.random);
        for &index in &self.hash_order {
            if let Some(rack) = self.racks.get_mut(index) {
                rack.shuffle(&mut self.random);
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The placer
// ---------------------------------------------------------------------------------------------

/// Kafka's `StripedReplicaPlacer`: holds the random source across placements, as the
/// controller's placer holds its `Random`.
#[derive(Debug, Clone)]
pub struct StripedReplicaPlacer<R> {
    random: R,
}

impl<R: PlacementRandom> StripedReplicaPlacer<R> {
    pub fn new(random: R) -> Self {
        StripedReplicaPlacer { random }
    }

    /// The random source.
    pub fn random_mut(&mut self) -> &mut R {
        &mut self.random
    }

    /// Gives the random source back.
    pub fn into_random(self) -> R {
        self.random
    }

    /// Places `spec.num_partitions` partitions of `spec.num_replicas` replicas each over
    /// `brokers` (in the order Kafka's `ClusterDescriber.usableBrokers()` would yield them).
    ///
    /// Returns one replica list per partition, leader first. The random source advances even
    /// when the placement fails, as in Kafka.
    pub fn place<'a>(
        &mut self,
        spec: &PlacementSpec,
        brokers: impl IntoIterator<Item = &'a UsableBroker>,
    ) -> Result<Vec<Vec<i32>>, PlacementError> {
        let mut rack_list = RackList::new(&mut self.random, brokers);
        let replication_factor = i32::from(spec.num_replicas);
        check_replication_factor_positive(replication_factor)?;
        check_some_unfenced(rack_list.num_unfenced_brokers())?;
        check_enough_brokers(replication_factor, rack_list.num_total_brokers())?;
        let mut placements = Vec::new();
        for _partition in 0..spec.num_partitions {
            placements.push(rack_list.place(replication_factor)?);
        }
        Ok(placements)
    }
}

/// Places `num_partitions` partitions with `replication_factor` replicas each over `brokers`
/// with a one-off [`StripedReplicaPlacer`] over `rng`.
pub fn place(
    brokers: &[UsableBroker],
    start_partition: i32,
    num_partitions: i32,
    replication_factor: i16,
    rng: &mut impl PlacementRandom,
) -> Result<Vec<Vec<i32>>, PlacementError> {
    StripedReplicaPlacer::new(rng).place(
        &PlacementSpec::new(start_partition, num_partitions, replication_factor),
        brokers,
    )
}

// ---------------------------------------------------------------------------------------------
// The controller's view and explicit assignments
// ---------------------------------------------------------------------------------------------

/// A broker registration as the controller sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredBroker {
    pub id: i32,
    pub rack: Option<String>,
    pub fenced: bool,
    pub in_controlled_shutdown: bool,
}

impl RegisteredBroker {
    /// A registered, unfenced broker without a rack, not shutting down.
    pub fn new(id: i32) -> Self {
        RegisteredBroker {
            id,
            rack: None,
            fenced: false,
            in_controlled_shutdown: false,
        }
    }

    pub fn with_rack(mut self, rack: &str) -> Self {
        self.rack = Some(rack.to_string());
        self
    }

    pub fn fenced(mut self, fenced: bool) -> Self {
        self.fenced = fenced;
        self
    }

    pub fn in_controlled_shutdown(mut self, in_controlled_shutdown: bool) -> Self {
        self.in_controlled_shutdown = in_controlled_shutdown;
        self
    }

    /// `ClusterControlManager.isActive`: unfenced and not in controlled shutdown, i.e. may
    /// join a new partition's ISR.
    pub fn is_active(&self) -> bool {
        !self.fenced && !self.in_controlled_shutdown
    }
}

/// What the controller knows when placing: the broker registrations, and the usable brokers
/// handed to the placer (Kafka's `ClusterDescriber.usableBrokers()`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClusterDescription {
    registered: VecMap<i32, RegisteredBroker>,
    usable: Vec<UsableBroker>,
}

impl ClusterDescription {
    /// The usable brokers are the registered ones not in controlled shutdown, in the iteration
    /// order of Kafka's `HashMap<Integer, BrokerHeartbeatState>` filled in the given order. A
    /// repeated id replaces the earlier registration (keeping its position, as `HashMap.put`).
    pub fn new(brokers: impl IntoIterator<Item = RegisteredBroker>) -> Self {
        let mut registered = VecMap::new();
        let mut ids: JavaHashSet<i32> = JavaHashSet::new();
        for broker in brokers {
            ids.insert(broker.id);
            registered.insert(broker.id, broker);
        }
        let usable = ids
            .iter()
            .filter_map(|id| registered.get(id))
            .filter(|b| !b.in_controlled_shutdown)
            .map(|b| UsableBroker {
                id: b.id,
                rack: b.rack.clone(),
                fenced: b.fenced,
            })
            .collect();
        ClusterDescription { registered, usable }
    }

    /// Registrations and usable brokers given separately, for when the heartbeat state
    /// (which decides usability) and the registrations disagree, as they briefly do in Kafka
    /// while a controlled shutdown propagates.
    pub fn with_usable(
        brokers: impl IntoIterator<Item = RegisteredBroker>,
        usable: Vec<UsableBroker>,
    ) -> Self {
        let registered = brokers.into_iter().map(|b| (b.id, b)).collect();
        ClusterDescription { registered, usable }
    }

    /// The brokers the placer may use, in placer input order.
    pub fn usable_brokers(&self) -> &[UsableBroker] {
        &self.usable
    }

    /// The registration of a broker.
    pub fn registration(&self, id: i32) -> Option<&RegisteredBroker> {
        self.registered.get(&id)
    }

    pub fn is_registered(&self, id: i32) -> bool {
        self.registered.contains_key(&id)
    }

    /// Registered, unfenced and not in controlled shutdown.
    pub fn is_active(&self, id: i32) -> bool {
        self.registered
            .get(&id)
            .is_some_and(RegisteredBroker::is_active)
    }

    fn active_replicas(&self, replicas: &[i32]) -> Vec<i32> {
        replicas
            .iter()
            .copied()
            .filter(|&id| self.is_active(id))
            .collect()
    }
}

/// A partition to create: its replicas (leader candidate first), initial ISR (the active
/// replicas, in replica order) and leader (the first ISR member).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPartition {
    pub replicas: Vec<i32>,
    pub isr: Vec<i32>,
    pub leader: i32,
}

impl NewPartition {
    fn new(replicas: Vec<i32>, isr: Vec<i32>) -> Option<Self> {
        let leader = *isr.first()?;
        Some(NewPartition {
            replicas,
            isr,
            leader,
        })
    }
}

/// `ReplicationControlManager.validateManualPartitionAssignment`: the replica list is not
/// empty, names only registered brokers (fenced ones and ones in controlled shutdown included)
/// and none twice, and has `replication_factor` entries when that is given.
///
/// The brokers are checked in ascending id order, each for registration and then for
/// repetition, so the first error in that order is the one reported.
pub fn validate_manual_partition_assignment(
    replicas: &[i32],
    replication_factor: Option<usize>,
    cluster: &ClusterDescription,
) -> Result<(), PlacementError> {
    if replicas.is_empty() {
        return Err(PlacementError::InvalidReplicaAssignment(
            "The manual partition assignment includes an empty replica list.".to_string(),
        ));
    }
    let mut sorted = replicas.to_vec();
    sorted.sort_unstable();
    let mut previous: Option<i32> = None;
    for &broker in &sorted {
        if !cluster.is_registered(broker) {
            return Err(PlacementError::InvalidReplicaAssignment(format!(
                "The manual partition assignment includes broker {broker}, but no such broker \
                 is registered."
            )));
        }
        if previous == Some(broker) {
            return Err(PlacementError::InvalidReplicaAssignment(format!(
                "The manual partition assignment includes the broker {broker} more than once."
            )));
        }
        previous = Some(broker);
    }
    if let Some(rf) = replication_factor {
        if sorted.len() != rf {
            return Err(PlacementError::InvalidReplicaAssignment(format!(
                "The manual partition assignment includes a partition with {} replica(s), but \
                 this is not consistent with previous partitions, which have {rf} replica(s).",
                sorted.len()
            )));
        }
    }
    Ok(())
}

/// The manual-assignment branch of `ReplicationControlManager.createTopic`, with partition
/// `i` assigned `assignment[i]`: see [`place_new_topic`].
pub fn validate_manual_assignment(
    assignment: &[Vec<i32>],
    cluster: &ClusterDescription,
) -> Result<Vec<NewPartition>, PlacementError> {
    let mut indexed = Vec::with_capacity(assignment.len());
    for (partition, replicas) in assignment.iter().enumerate() {
        let partition = i32::try_from(partition).map_err(|_| {
            PlacementError::InvalidReplicaAssignment("Too many partitions.".to_string())
        })?;
        indexed.push((partition, replicas.clone()));
    }
    manual_topic_assignment(&indexed, cluster)
}

fn manual_topic_assignment(
    assignments: &[(i32, Vec<i32>)],
    cluster: &ClusterDescription,
) -> Result<Vec<NewPartition>, PlacementError> {
    let mut new_parts: VecMap<i32, NewPartition> = VecMap::new();
    let mut replication_factor: Option<usize> = None;
    for (partition, replicas) in assignments {
        if new_parts.contains_key(partition) {
            return Err(PlacementError::InvalidReplicaAssignment(format!(
                "Found multiple manual partition assignments for partition {partition}"
            )));
        }
        validate_manual_partition_assignment(replicas, replication_factor, cluster)?;
        replication_factor = Some(replicas.len());
        let isr = cluster.active_replicas(replicas);
        let new_partition = NewPartition::new(replicas.clone(), isr).ok_or_else(|| {
            PlacementError::InvalidReplicaAssignment(format!(
                "All brokers specified in the manual partition assignment for partition \
                 {partition} are fenced or in controlled shutdown."
            ))
        })?;
        new_parts.insert(*partition, new_partition);
    }
    // The indexes must be exactly 0..n.
    let consecutive = new_parts
        .keys()
        .enumerate()
        .all(|(i, &p)| i64::try_from(i).is_ok_and(|i| i == i64::from(p)));
    if !consecutive {
        return Err(PlacementError::InvalidReplicaAssignment(
            "partitions should be a consecutive 0-based integer sequence".to_string(),
        ));
    }
    Ok(new_parts.into_values().collect())
}

/// The partition-related fields of a `CreatableTopic` (CreateTopics request).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateTopicSpec {
    /// -1 for the default (required with manual assignments).
    pub num_partitions: i32,
    /// -1 for the default (required with manual assignments).
    pub replication_factor: i16,
    /// Manual assignments as (partition index, replicas), in request order; empty to let the
    /// placer decide.
    pub assignments: Vec<(i32, Vec<i32>)>,
}

/// The controller's `num.partitions` and `default.replication.factor`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TopicDefaults {
    pub num_partitions: i32,
    pub replication_factor: i16,
}

impl Default for TopicDefaults {
    /// Kafka's defaults: `num.partitions=1`, `default.replication.factor=1`.
    fn default() -> Self {
        TopicDefaults {
            num_partitions: 1,
            replication_factor: 1,
        }
    }
}

/// The partitions of a new topic, as `ReplicationControlManager.createTopic` decides them:
/// either validated manual assignments or a placement by `placer`, each with its initial ISR
/// and leader. Partition `i` is element `i`.
pub fn place_new_topic<R: PlacementRandom>(
    spec: &CreateTopicSpec,
    defaults: TopicDefaults,
    cluster: &ClusterDescription,
    placer: &mut StripedReplicaPlacer<R>,
) -> Result<Vec<NewPartition>, PlacementError> {
    if !spec.assignments.is_empty() {
        if spec.replication_factor != -1 {
            return Err(PlacementError::InvalidRequest(
                "A manual partition assignment was specified, but replication factor was not \
                 set to -1."
                    .to_string(),
            ));
        }
        if spec.num_partitions != -1 {
            return Err(PlacementError::InvalidRequest(
                "A manual partition assignment was specified, but numPartitions was not set \
                 to -1."
                    .to_string(),
            ));
        }
        return manual_topic_assignment(&spec.assignments, cluster);
    }
    if spec.replication_factor < -1 || spec.replication_factor == 0 {
        return Err(PlacementError::InvalidReplicationFactor(
            "Replication factor must be larger than 0, or -1 to use the default value.".to_string(),
        ));
    }
    if spec.num_partitions < -1 || spec.num_partitions == 0 {
        return Err(PlacementError::InvalidPartitions(
            "Number of partitions was set to an invalid non-positive value.".to_string(),
        ));
    }
    let num_partitions = if spec.num_partitions == -1 {
        defaults.num_partitions
    } else {
        spec.num_partitions
    };
    let replication_factor = if spec.replication_factor == -1 {
        defaults.replication_factor
    } else {
        spec.replication_factor
    };
    let unable = |reason: &str| {
        PlacementError::InvalidReplicationFactor(format!(
            "Unable to replicate the partition {replication_factor} time(s): {reason}"
        ))
    };
    let placements = placer
        .place(
            &PlacementSpec::new(0, num_partitions, replication_factor),
            cluster.usable_brokers(),
        )
        .map_err(|e| unable(e.message()))?;
    let mut partitions = Vec::with_capacity(placements.len());
    for replicas in placements {
        let isr = cluster.active_replicas(&replicas);
        let partition = NewPartition::new(replicas, isr)
            .ok_or_else(|| unable("All brokers are currently fenced or in controlled shutdown."))?;
        partitions.push(partition);
    }
    Ok(partitions)
}

/// The partition-related fields of a `CreatePartitionsTopic` plus what the controller knows
/// about the topic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatePartitionsSpec {
    pub topic_name: String,
    /// How many partitions the topic has now.
    pub current_partitions: i32,
    /// The number of replicas of the topic's existing partitions (Kafka reads it from the
    /// first partition it iterates).
    pub replication_factor: usize,
    /// The requested new total partition count.
    pub count: i32,
    /// The replicas of each new partition, or `None` to let the placer decide.
    pub assignments: Option<Vec<Vec<i32>>>,
}

/// The new partitions of `ReplicationControlManager.createPartitions`: partition
/// `current_partitions + i` is element `i`.
pub fn place_new_partitions<R: PlacementRandom>(
    spec: &CreatePartitionsSpec,
    cluster: &ClusterDescription,
    placer: &mut StripedReplicaPlacer<R>,
) -> Result<Vec<NewPartition>, PlacementError> {
    let current = spec.current_partitions;
    if spec.count == current {
        return Err(PlacementError::InvalidPartitions(format!(
            "Topic already has {current} partition(s)."
        )));
    }
    if spec.count < current {
        return Err(PlacementError::InvalidPartitions(format!(
            "The topic {} currently has {current} partition(s); {} would not be an increase.",
            spec.topic_name, spec.count
        )));
    }
    let additional = spec.count - current;
    if let Some(assignments) = &spec.assignments {
        if i64::try_from(assignments.len()).map_or(true, |n| n != i64::from(additional)) {
            return Err(PlacementError::InvalidReplicaAssignment(format!(
                "Attempted to add {additional} additional partition(s), but only {} \
                 assignment(s) were specified.",
                assignments.len()
            )));
        }
    }
    if current <= 0 {
        return Err(PlacementError::UnknownServerError(format!(
            "Invalid state: topic {} appears to have no partitions.",
            spec.topic_name
        )));
    }
    let replication_factor = match i16::try_from(spec.replication_factor) {
        Ok(rf) => rf,
        Err(_) => {
            return Err(PlacementError::UnknownServerError(format!(
                "Invalid replication factor {}: expected a number equal to less than {}",
                spec.replication_factor,
                i16::MAX
            )))
        }
    };
    let placements: Vec<Vec<i32>> = match &spec.assignments {
        Some(assignments) => {
            for (i, replicas) in assignments.iter().enumerate() {
                validate_manual_partition_assignment(
                    replicas,
                    Some(spec.replication_factor),
                    cluster,
                )?;
                if cluster.active_replicas(replicas).is_empty() {
                    let partition = i64::from(current) + i64::try_from(i).unwrap_or(i64::MAX);
                    return Err(PlacementError::InvalidReplicaAssignment(format!(
                        "All brokers specified in the manual partition assignment for \
                         partition {partition} are fenced or in controlled shutdown."
                    )));
                }
            }
            assignments.clone()
        }
        None => placer.place(
            &PlacementSpec::new(current, additional, replication_factor),
            cluster.usable_brokers(),
        )?,
    };
    let mut partitions = Vec::with_capacity(placements.len());
    for replicas in placements {
        let isr = cluster.active_replicas(&replicas);
        let partition = NewPartition::new(replicas, isr).ok_or_else(|| {
            PlacementError::InvalidReplicationFactor(format!(
                "Unable to replicate the partition {replication_factor} time(s): All brokers \
                 are currently fenced or in controlled shutdown."
            ))
        })?;
        partitions.push(partition);
    }
    Ok(partitions)
}
