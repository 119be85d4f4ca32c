//! `VecMap` and `VecSet`: ordered maps and sets kept as sorted `Vec`s, with the parts of
//! `BTreeMap`'s and `BTreeSet`'s API the engine uses.
//!
//! Why: every `BTreeMap<K, V>` with a new pair of types is its own copy of the B-tree's code
//! (search, split, rebalance, iterate, clone, drop): about 4 KB each in the page's wasm after
//! `wasm-opt`, and the engine had about a hundred of them. A sorted `Vec` costs a binary
//! search and a `Vec::insert`/`remove` per type. For the small maps a cluster holds per group,
//! member, client or partition (tens to hundreds of entries), it is also faster: lookups and
//! iteration walk one contiguous slice, and cloning a `Cluster` (rewind snapshots) copies
//! slices instead of rebuilding trees.
//!
//! Not for large maps with inserts in the middle (the event queue, a log's offsets): insert
//! and remove move the tail, O(n).
//!
//! Iteration order, `Debug`, equality, ordering, hashing and serde are those of the
//! corresponding `BTreeMap`/`BTreeSet`, so swapping one for the other changes no output
//! (tested below against `BTreeMap`).

use std::borrow::Borrow;
use std::fmt;
use std::ops::{Bound, Index, RangeBounds};

/// An ordered map over a sorted `Vec` of entries; see the module docs.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VecMap<K, V> {
    entries: Vec<(K, V)>,
}

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

/// Borrowing iterator over a map's entries, in key order.
pub type Iter<'a, K, V> =
    std::iter::Map<std::slice::Iter<'a, (K, V)>, fn(&'a (K, V)) -> (&'a K, &'a V)>;
/// Mutable iterator over a map's entries, in key order.
pub type IterMut<'a, K, V> =
    std::iter::Map<std::slice::IterMut<'a, (K, V)>, fn(&'a mut (K, V)) -> (&'a K, &'a mut V)>;

fn pair<K, V>(e: &(K, V)) -> (&K, &V) {
    (&e.0, &e.1)
}
fn pair_mut<K, V>(e: &mut (K, V)) -> (&K, &mut V) {
    (&e.0, &mut e.1)
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap {
            entries: Vec::new(),
        }
    }
    pub fn len(&self) -> usize {
        self.entries.len()
    }
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
    pub fn clear(&mut self) {
        self.entries.clear();
    }
    pub fn iter(&self) -> Iter<'_, K, V> {
        self.entries.iter().map(pair as fn(&(K, V)) -> (&K, &V))
    }
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        self.entries
            .iter_mut()
            .map(pair_mut as fn(&mut (K, V)) -> (&K, &mut V))
    }
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.0)
    }
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.entries.iter().map(|e| &e.1)
    }
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.entries.iter_mut().map(|e| &mut e.1)
    }
    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.entries.into_iter().map(|e| e.0)
    }
    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.entries.into_iter().map(|e| e.1)
    }
    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.entries.first().map(pair)
    }
    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.entries.last().map(pair)
    }
    pub fn pop_first(&mut self) -> Option<(K, V)> {
        if self.entries.is_empty() {
            None
        } else {
            Some(self.entries.remove(0))
        }
    }
    pub fn pop_last(&mut self) -> Option<(K, V)> {
        self.entries.pop()
    }
    /// Keeps the entries for which `f` is true, in order.
    pub fn retain(&mut self, mut f: impl FnMut(&K, &mut V) -> bool) {
        self.entries.retain_mut(|(k, v)| f(k, v));
    }
}

impl<K: Ord, V> VecMap<K, V> {
    /// `Ok(index)` of `key`, or `Err(index)` where it would be inserted.
    fn find<Q>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.entries.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }
    pub fn get<Q>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }
    /// The entry at position `i` in key order (positions stay valid until a key is added or
    /// removed).
    pub fn get_index(&self, i: usize) -> Option<(&K, &V)> {
        self.entries.get(i).map(|(k, v)| (k, v))
    }
    pub fn get_key_value<Q>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| pair(&self.entries[i]))
    }
    pub fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        match self.find(key) {
            Ok(i) => Some(&mut self.entries[i].1),
            Err(_) => None,
        }
    }
    pub fn contains_key<Q>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).is_ok()
    }
    /// Like `BTreeMap::insert`: the old value if the key was there (the key itself is kept).
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Keys often arrive in increasing order: append without searching.
        if self.entries.last().is_none_or(|(last, _)| *last < key) {
            self.entries.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.entries[i].1, value)),
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }
    pub fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.remove_entry(key).map(|(_, v)| v)
    }
    pub fn remove_entry<Q>(&mut self, key: &Q) -> Option<(K, V)>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(key).ok().map(|i| self.entries.remove(i))
    }
    pub fn entry(&mut self, key: K) -> Entry<'_, K, V> {
        match self.find(&key) {
            Ok(index) => Entry::Occupied(OccupiedEntry { map: self, index }),
            Err(index) => Entry::Vacant(VacantEntry {
                map: self,
                index,
                key,
            }),
        }
    }
    /// [`VecMap::entry`], looking at index `hint` first: one comparison instead of a binary
    /// search for a caller that knows where its key usually sits (a producer's partitions of
    /// one topic sit at their partition numbers). The entry is the same either way.
    pub fn entry_near(&mut self, key: K, hint: usize) -> Entry<'_, K, V> {
        if self.entries.get(hint).is_some_and(|(k, _)| *k == key) {
            return Entry::Occupied(OccupiedEntry {
                map: self,
                index: hint,
            });
        }
        self.entry(key)
    }
    /// The index range of the keys within `range`.
    fn bounds<Q, R>(&self, range: &R) -> std::ops::Range<usize>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        sorted_bounds(&self.entries, |(k, _)| k.borrow(), range)
    }
    /// The entries whose keys are within `range`, in key order.
    pub fn range<Q, R>(&self, range: R) -> Iter<'_, K, V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        let r = self.bounds(&range);
        self.entries[r].iter().map(pair as fn(&(K, V)) -> (&K, &V))
    }
    pub fn range_mut<Q, R>(&mut self, range: R) -> IterMut<'_, K, V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        let r = self.bounds(&range);
        self.entries[r]
            .iter_mut()
            .map(pair_mut as fn(&mut (K, V)) -> (&K, &mut V))
    }
    /// Moves every entry of `other` into `self` (`other`'s values win on equal keys).
    pub fn append(&mut self, other: &mut Self) {
        for (k, v) in other.entries.drain(..) {
            self.insert(k, v);
        }
    }
}

/// The index range of a sorted slice whose keys lie within `range` (empty, not a panic, when
/// the range's start is after its end).
fn sorted_bounds<T, Q, R>(items: &[T], key: impl Fn(&T) -> &Q, range: &R) -> std::ops::Range<usize>
where
    Q: Ord + ?Sized,
    R: RangeBounds<Q>,
{
    let start = match range.start_bound() {
        Bound::Included(s) => items.partition_point(|x| key(x) < s),
        Bound::Excluded(s) => items.partition_point(|x| key(x) <= s),
        Bound::Unbounded => 0,
    };
    let end = match range.end_bound() {
        Bound::Included(e) => items.partition_point(|x| key(x) <= e),
        Bound::Excluded(e) => items.partition_point(|x| key(x) < e),
        Bound::Unbounded => items.len(),
    };
    start..end.max(start)
}

/// A view into one key of a [`VecMap`], as `btree_map::Entry`.
pub enum Entry<'a, K, V> {
    Occupied(OccupiedEntry<'a, K, V>),
    Vacant(VacantEntry<'a, K, V>),
}

pub struct OccupiedEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
}

pub struct VacantEntry<'a, K, V> {
    map: &'a mut VecMap<K, V>,
    index: usize,
    key: K,
}

impl<'a, K, V> Entry<'a, K, V> {
    pub fn or_insert(self, default: V) -> &'a mut V {
        self.or_insert_with(|| default)
    }
    pub fn or_insert_with(self, default: impl FnOnce() -> V) -> &'a mut V {
        match self {
            Entry::Occupied(o) => o.into_mut(),
            Entry::Vacant(v) => v.insert(default()),
        }
    }
    pub fn or_default(self) -> &'a mut V
    where
        V: Default,
    {
        self.or_insert_with(V::default)
    }
    pub fn and_modify(mut self, f: impl FnOnce(&mut V)) -> Self {
        if let Entry::Occupied(o) = &mut self {
            f(o.get_mut());
        }
        self
    }
    pub fn key(&self) -> &K {
        match self {
            Entry::Occupied(o) => o.key(),
            Entry::Vacant(v) => &v.key,
        }
    }
}

impl<'a, K, V> OccupiedEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.map.entries[self.index].0
    }
    pub fn get(&self) -> &V {
        &self.map.entries[self.index].1
    }
    pub fn get_mut(&mut self) -> &mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn into_mut(self) -> &'a mut V {
        &mut self.map.entries[self.index].1
    }
    pub fn insert(&mut self, value: V) -> V {
        std::mem::replace(self.get_mut(), value)
    }
    pub fn remove(self) -> V {
        self.map.entries.remove(self.index).1
    }
}

impl<'a, K, V> VacantEntry<'a, K, V> {
    pub fn key(&self) -> &K {
        &self.key
    }
    pub fn insert(self, value: V) -> &'a mut V {
        self.map.entries.insert(self.index, (self.key, value));
        &mut self.map.entries[self.index].1
    }
}

/// `map[&key]`, as `BTreeMap`'s index: it panics if the key is absent, exactly as the
/// `BTreeMap` it replaces did (the tests index maps of brokers, groups and transactions).
/// Engine code reachable from input uses `get`.
impl<K: Ord, V, Q> Index<&Q> for VecMap<K, V>
where
    K: Borrow<Q>,
    Q: Ord + ?Sized,
{
    type Output = V;
    #[allow(clippy::panic)]
    fn index(&self, key: &Q) -> &V {
        match self.get(key) {
            Some(v) => v,
            None => panic!("VecMap: no entry for the key"),
        }
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    /// By insertion, like `BTreeMap`: a later duplicate key replaces the value.
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut m = VecMap::new();
        m.extend(iter);
        m
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.entries.reserve(iter.size_hint().0);
        for (k, v) in iter {
            self.insert(k, v);
        }
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(a: [(K, V); N]) -> Self {
        a.into_iter().collect()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<K: serde::Serialize, V: serde::Serialize> serde::Serialize for VecMap<K, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K, V> serde::Deserialize<'de> for VecMap<K, V>
where
    K: serde::Deserialize<'de> + Ord,
    V: serde::Deserialize<'de>,
{
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<K, V>(std::marker::PhantomData<(K, V)>);
        impl<'de, K, V> serde::de::Visitor<'de> for Visit<K, V>
        where
            K: serde::Deserialize<'de> + Ord,
            V: serde::Deserialize<'de>,
        {
            type Value = VecMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut a: A,
            ) -> Result<Self::Value, A::Error> {
                let mut m = VecMap::new();
                while let Some((k, v)) = a.next_entry()? {
                    m.insert(k, v);
                }
                Ok(m)
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// An ordered set over a sorted `Vec`; see the module docs.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VecSet<T> {
    items: Vec<T>,
}

impl<T> Default for VecSet<T> {
    fn default() -> Self {
        VecSet { items: Vec::new() }
    }
}

impl<T: fmt::Debug> fmt::Debug for VecSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.items.iter()).finish()
    }
}

impl<T> VecSet<T> {
    pub const fn new() -> Self {
        VecSet { items: Vec::new() }
    }
    pub fn len(&self) -> usize {
        self.items.len()
    }
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
    pub fn clear(&mut self) {
        self.items.clear();
    }
    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.items.iter()
    }
    pub fn first(&self) -> Option<&T> {
        self.items.first()
    }
    pub fn last(&self) -> Option<&T> {
        self.items.last()
    }
    pub fn pop_first(&mut self) -> Option<T> {
        if self.items.is_empty() {
            None
        } else {
            Some(self.items.remove(0))
        }
    }
    pub fn pop_last(&mut self) -> Option<T> {
        self.items.pop()
    }
    pub fn retain(&mut self, f: impl FnMut(&T) -> bool) {
        self.items.retain(f);
    }
}

impl<T: Ord> VecSet<T> {
    fn find<Q>(&self, x: &Q) -> Result<usize, usize>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.items.binary_search_by(|k| k.borrow().cmp(x))
    }
    pub fn contains<Q>(&self, x: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(x).is_ok()
    }
    pub fn get<Q>(&self, x: &Q) -> Option<&T>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(x).ok().map(|i| &self.items[i])
    }
    /// Like `BTreeSet::insert`: `true` if the value was not there.
    pub fn insert(&mut self, x: T) -> bool {
        if self.items.last().is_none_or(|last| *last < x) {
            self.items.push(x);
            return true;
        }
        match self.find(&x) {
            Ok(_) => false,
            Err(i) => {
                self.items.insert(i, x);
                true
            }
        }
    }
    pub fn remove<Q>(&mut self, x: &Q) -> bool
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.take(x).is_some()
    }
    pub fn take<Q>(&mut self, x: &Q) -> Option<T>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        self.find(x).ok().map(|i| self.items.remove(i))
    }
    pub fn range<Q, R>(&self, range: R) -> std::slice::Iter<'_, T>
    where
        T: Borrow<Q>,
        Q: Ord + ?Sized,
        R: RangeBounds<Q>,
    {
        let r = sorted_bounds(&self.items, |k| k.borrow(), &range);
        self.items[r].iter()
    }
    pub fn is_subset(&self, other: &Self) -> bool {
        self.items.iter().all(|x| other.contains(x))
    }
    pub fn is_disjoint(&self, other: &Self) -> bool {
        self.items.iter().all(|x| !other.contains(x))
    }
    /// The values in `self` and not in `other`, in order.
    pub fn difference<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |x| !other.contains(*x))
    }
    /// The values in both, in order.
    pub fn intersection<'a>(&'a self, other: &'a Self) -> impl Iterator<Item = &'a T> + 'a {
        self.items.iter().filter(move |x| other.contains(*x))
    }
    pub fn append(&mut self, other: &mut Self) {
        for x in other.items.drain(..) {
            self.insert(x);
        }
    }
}

impl<T: Ord> FromIterator<T> for VecSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut s = VecSet::new();
        s.extend(iter);
        s
    }
}

impl<T: Ord> Extend<T> for VecSet<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        let iter = iter.into_iter();
        self.items.reserve(iter.size_hint().0);
        for x in iter {
            self.insert(x);
        }
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for VecSet<T> {
    fn from(a: [T; N]) -> Self {
        a.into_iter().collect()
    }
}

impl<T> IntoIterator for VecSet<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

impl<'a, T> IntoIterator for &'a VecSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T: serde::Serialize> serde::Serialize for VecSet<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.items.iter())
    }
}

impl<'de, T: serde::Deserialize<'de> + Ord> serde::Deserialize<'de> for VecSet<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v: Vec<T> = Vec::deserialize(d)?;
        Ok(v.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Debug, Clone)]
    enum Op {
        Insert(u8, u16),
        Remove(u8),
        Entry(u8, u16),
        /// `entry_near` with a hint that may or may not be the key's index.
        EntryNear(u8, u16, u8),
        Retain(u8),
        PopFirst,
        PopLast,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Insert(k, v)),
            any::<u8>().prop_map(Op::Remove),
            (any::<u8>(), any::<u16>()).prop_map(|(k, v)| Op::Entry(k, v)),
            (any::<u8>(), any::<u16>(), any::<u8>()).prop_map(|(k, v, h)| Op::EntryNear(
                k,
                v,
                h % 8
            )),
            any::<u8>().prop_map(Op::Retain),
            Just(Op::PopFirst),
            Just(Op::PopLast),
        ]
    }

    #[test]
    fn entry_near_finds_the_same_entry_whether_the_hint_is_right_or_not() {
        let mut m: VecMap<u32, u32> = (0..12).map(|k| (k, k * 10)).collect();
        for k in 0..12u32 {
            // Right, wrong, and out of range.
            for hint in [k as usize, (k as usize + 5) % 12, 99] {
                match m.entry_near(k, hint) {
                    Entry::Occupied(o) => assert_eq!(*o.get(), k * 10, "key {k} hint {hint}"),
                    Entry::Vacant(_) => panic!("key {k} hint {hint}: not found"),
                }
            }
        }
        m.remove(&3);
        // Key 7 now sits at index 6; hint 7 holds key 8.
        assert_eq!(*m.entry_near(7, 7).or_insert(0), 70);
        *m.entry_near(3, 3).or_insert(5) += 1;
        assert_eq!(m.get(&3), Some(&6));
        assert!(m.keys().copied().eq(0..12));
    }

    proptest! {
        /// Any sequence of operations leaves a `VecMap` and a `BTreeMap` with the same
        /// entries in the same order, answering every call alike.
        #[test]
        fn a_vecmap_behaves_as_a_btreemap(ops in proptest::collection::vec(op(), 0..200), lo: u8, hi: u8) {
            let mut v: VecMap<u8, u16> = VecMap::new();
            let mut b: BTreeMap<u8, u16> = BTreeMap::new();
            for o in ops {
                match o {
                    Op::Insert(k, x) => prop_assert_eq!(v.insert(k, x), b.insert(k, x)),
                    Op::Remove(k) => prop_assert_eq!(v.remove(&k), b.remove(&k)),
                    Op::Entry(k, x) => {
                        let a = *v.entry(k).and_modify(|y| *y = y.wrapping_add(x)).or_insert(x);
                        let c = *b.entry(k).and_modify(|y| *y = y.wrapping_add(x)).or_insert(x);
                        prop_assert_eq!(a, c);
                    }
                    Op::EntryNear(k, x, hint) => {
                        let a = *v.entry_near(k, usize::from(hint)).and_modify(|y| *y = y.wrapping_add(x)).or_insert(x);
                        let c = *b.entry(k).and_modify(|y| *y = y.wrapping_add(x)).or_insert(x);
                        prop_assert_eq!(a, c);
                    }
                    Op::Retain(m) => {
                        v.retain(|k, _| k % (m | 1) != 0);
                        b.retain(|k, _| k % (m | 1) != 0);
                    }
                    Op::PopFirst => prop_assert_eq!(v.pop_first(), b.pop_first()),
                    Op::PopLast => prop_assert_eq!(v.pop_last(), b.pop_last()),
                }
                prop_assert_eq!(v.len(), b.len());
            }
            prop_assert!(v.iter().eq(b.iter()));
            prop_assert!(v.iter().rev().eq(b.iter().rev()));
            prop_assert_eq!(v.first_key_value(), b.first_key_value());
            prop_assert_eq!(v.last_key_value(), b.last_key_value());
            for k in 0..=255u8 {
                prop_assert_eq!(v.get(&k), b.get(&k));
                prop_assert_eq!(v.contains_key(&k), b.contains_key(&k));
            }
            let (lo, hi) = (lo.min(hi), lo.max(hi));
            prop_assert!(v.range(lo..hi).eq(b.range(lo..hi)));
            prop_assert!(v.range(lo..=hi).eq(b.range(lo..=hi)));
            prop_assert!(v.range(..hi).eq(b.range(..hi)));
            prop_assert!(v.range(lo..).eq(b.range(lo..)));
            prop_assert!(v.range((Bound::Excluded(lo), Bound::Unbounded)).eq(b.range((Bound::Excluded(lo), Bound::Unbounded))));
            prop_assert_eq!(format!("{v:?}"), format!("{b:?}"));
            prop_assert_eq!(
                serde_json::to_string(&v).unwrap_or_default(),
                serde_json::to_string(&b).unwrap_or_default()
            );
        }

        /// Collecting keeps the last value of a repeated key, as `BTreeMap` does; a set
        /// collects to the same order as a `BTreeSet` and answers ranges alike.
        #[test]
        fn collecting_matches_btree(items in proptest::collection::vec((any::<u8>(), any::<u16>()), 0..100), lo: u8, hi: u8) {
            let v: VecMap<u8, u16> = items.iter().copied().collect();
            let b: BTreeMap<u8, u16> = items.iter().copied().collect();
            prop_assert!(v.iter().eq(b.iter()));
            let vs: VecSet<u8> = items.iter().map(|x| x.0).collect();
            let bs: BTreeSet<u8> = items.iter().map(|x| x.0).collect();
            prop_assert!(vs.iter().eq(bs.iter()));
            prop_assert_eq!(format!("{vs:?}"), format!("{bs:?}"));
            let (lo, hi) = (lo.min(hi), lo.max(hi));
            prop_assert!(vs.range(lo..hi).eq(bs.range(lo..hi)));
            prop_assert!(vs.range(lo..=hi).eq(bs.range(lo..=hi)));
            prop_assert!(vs.range((Bound::Excluded(lo), Bound::Unbounded)).eq(bs.range((Bound::Excluded(lo), Bound::Unbounded))));
            for k in 0..=255u8 {
                prop_assert_eq!(vs.contains(&k), bs.contains(&k));
            }
            let json = serde_json::to_string(&v).unwrap_or_default();
            let back: VecMap<u8, u16> = serde_json::from_str(&json).unwrap_or_default();
            prop_assert_eq!(back, v);
        }
    }
}
