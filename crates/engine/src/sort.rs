//! Stable sorting without one copy of the sort per call site in the page's wasm.
//!
//! `slice::sort_by` is monomorphised for every element type and comparator: the page's wasm
//! carried 61 copies of std's driftsort (≈ 250 KB before `wasm-opt`). [`SortShared`] sorts
//! through one non-generic merge sort over indices and then moves the elements into place,
//! so only a few dozen bytes of glue are generated per call site.
//!
//! Natively (the CLI, benchmarks, campaigns) it is std's sort, which is faster. Both are
//! stable, and a stable sort's result is fully determined by the comparison, so the two give
//! the same order and traces stay identical across targets (tested below against std).
//!
//! Unstable sorts (`sort_unstable`) are left to std: on the element types the engine uses them
//! for (integers) any sort gives the same result, and there are only a few instances.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

/// Stable sorts for slices; see the module docs.
pub trait SortShared<T> {
    /// Like `slice::sort`.
    fn sort_shared(&mut self)
    where
        T: Ord;
    /// Like `slice::sort_by`.
    fn sort_by_shared(&mut self, cmp: impl FnMut(&T, &T) -> Ordering);
    /// Like `slice::sort_by_key`.
    fn sort_by_key_shared<K: Ord>(&mut self, key: impl FnMut(&T) -> K);
}

// The native branches are std's sort, which the crate's clippy.toml otherwise refuses.
#[allow(clippy::disallowed_methods)]
impl<T> SortShared<T> for [T] {
    fn sort_shared(&mut self)
    where
        T: Ord,
    {
        #[cfg(target_arch = "wasm32")]
        sort_by_indices(self, &mut |a, b| a.lt(b));
        #[cfg(not(target_arch = "wasm32"))]
        self.sort();
    }

    fn sort_by_shared(&mut self, cmp: impl FnMut(&T, &T) -> Ordering) {
        #[cfg(target_arch = "wasm32")]
        {
            let mut cmp = cmp;
            sort_by_indices(self, &mut |a, b| cmp(a, b) == Ordering::Less);
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.sort_by(cmp);
    }

    fn sort_by_key_shared<K: Ord>(&mut self, key: impl FnMut(&T) -> K) {
        #[cfg(target_arch = "wasm32")]
        {
            let mut key = key;
            sort_by_indices(self, &mut |a, b| key(a) < key(b));
        }
        #[cfg(not(target_arch = "wasm32"))]
        self.sort_by_key(key);
    }
}

/// `collect()` into a `BTreeMap`/`BTreeSet` sorts its input first (one more sort instance per
/// element type); these build the collection by insertion instead, with the same result
/// (for equal keys, the last value wins, as with `collect()`).
pub trait CollectInserted: Iterator + Sized {
    fn collect_set(self) -> BTreeSet<Self::Item>
    where
        Self::Item: Ord,
    {
        let mut set = BTreeSet::new();
        for x in self {
            set.insert(x);
        }
        set
    }

    fn collect_map<K: Ord, V>(self) -> BTreeMap<K, V>
    where
        Self: Iterator<Item = (K, V)>,
    {
        let mut map = BTreeMap::new();
        for (k, v) in self {
            map.insert(k, v);
        }
        map
    }
}

impl<I: Iterator> CollectInserted for I {}

#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
/// Stable sort of `v` by `less`: the order is computed by [`stable_order`] (one instance for
/// every caller), then applied in place by swaps.
pub(crate) fn sort_by_indices<T>(v: &mut [T], less: &mut dyn FnMut(&T, &T) -> bool) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        stable_order(items.len(), &mut |a, b| less(&items[a], &items[b]))
    };
    // dest[i]: the position the element now at i must move to.
    let mut dest = vec![0u32; order.len()];
    for (to, &from) in order.iter().enumerate() {
        dest[from as usize] = to as u32;
    }
    for i in 0..v.len() {
        while dest[i] as usize != i {
            let d = dest[i] as usize;
            v.swap(i, d);
            dest.swap(i, d);
        }
    }
}

#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
/// The stable sorted order of the indices `0..n` under `less`: position k of the result holds
/// the index of the element that belongs at k. A top-down merge sort with insertion sort for
/// short runs; equal elements keep their relative order.
fn stable_order(n: usize, less: &mut dyn FnMut(usize, usize) -> bool) -> Vec<u32> {
    let mut idx: Vec<u32> = (0..n as u32).collect();
    let mut buf = idx.clone();
    merge_sort(&mut idx, &mut buf, less);
    idx
}

const INSERTION_RUN: usize = 12;

fn merge_sort(v: &mut [u32], buf: &mut [u32], less: &mut dyn FnMut(usize, usize) -> bool) {
    let n = v.len();
    if n <= INSERTION_RUN {
        for i in 1..n {
            let mut j = i;
            while j > 0 && less(v[j] as usize, v[j - 1] as usize) {
                v.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mid = n / 2;
    {
        let (left, right) = v.split_at_mut(mid);
        let (bl, br) = buf.split_at_mut(mid);
        merge_sort(left, bl, less);
        merge_sort(right, br, less);
    }
    // Already in order: nothing to merge.
    if !less(v[mid] as usize, v[mid - 1] as usize) {
        return;
    }
    buf[..n].copy_from_slice(v);
    let (mut l, mut r, mut k) = (0, mid, 0);
    while l < mid && r < n {
        // Take from the right only when it is strictly smaller: stability.
        if less(buf[r] as usize, buf[l] as usize) {
            v[k] = buf[r];
            r += 1;
        } else {
            v[k] = buf[l];
            l += 1;
        }
        k += 1;
    }
    while l < mid {
        v[k] = buf[l];
        l += 1;
        k += 1;
    }
    while r < n {
        v[k] = buf[r];
        r += 1;
        k += 1;
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // compares against std's sort
mod tests {
    use super::*;

    /// A small deterministic generator, so the cases do not depend on the code under test.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn the_shared_sort_orders_like_std_stable_sort_including_ties() {
        let mut s = 0x9e37_79b9_7f4a_7c15u64;
        for len in [0usize, 1, 2, 3, 11, 12, 13, 25, 64, 100, 257, 1000] {
            for keys in [1u64, 3, 10, 1_000_000] {
                // (key, original position): ties on the key must keep their input order.
                let input: Vec<(u64, usize)> =
                    (0..len).map(|i| (xorshift(&mut s) % keys, i)).collect();
                let mut ours = input.clone();
                sort_by_indices(&mut ours, &mut |a, b| a.0 < b.0);
                let mut std_sorted = input.clone();
                std_sorted.sort_by_key(|e| e.0);
                assert_eq!(ours, std_sorted, "len {len}, {keys} distinct keys");
            }
        }
    }

    #[test]
    fn the_shared_sort_handles_sorted_reversed_and_equal_input() {
        let mut asc: Vec<i32> = (0..100).collect();
        sort_by_indices(&mut asc, &mut |a, b| a < b);
        assert_eq!(asc, (0..100).collect::<Vec<_>>());
        let mut desc: Vec<i32> = (0..100).rev().collect();
        sort_by_indices(&mut desc, &mut |a, b| a < b);
        assert_eq!(desc, (0..100).collect::<Vec<_>>());
        let mut same = vec![("x", 0), ("x", 1), ("x", 2)];
        sort_by_indices(&mut same, &mut |a, b| a.0 < b.0);
        assert_eq!(same, vec![("x", 0), ("x", 1), ("x", 2)]);
    }

    #[test]
    fn collecting_by_insertion_equals_collect_including_duplicate_keys() {
        let pairs = [(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let by_insertion = pairs.iter().copied().collect_map();
        let collected: BTreeMap<i32, char> = pairs.iter().copied().collect();
        assert_eq!(by_insertion, collected);
        assert_eq!(
            by_insertion.get(&3),
            Some(&'c'),
            "the last value for a key wins"
        );
        let set = [5, 1, 5, 3].into_iter().collect_set();
        assert_eq!(set.into_iter().collect::<Vec<_>>(), [1, 3, 5]);
    }

    #[test]
    fn the_trait_methods_sort_like_their_std_counterparts() {
        let mut v = vec!["pear", "apple", "fig", "apple"];
        v.sort_shared();
        assert_eq!(v, ["apple", "apple", "fig", "pear"]);
        let mut w = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd')];
        w.sort_by_key_shared(|e| e.0);
        assert_eq!(w, [(1, 'b'), (1, 'd'), (2, 'a'), (2, 'c')]);
        w.sort_by_shared(|a, b| b.1.cmp(&a.1));
        assert_eq!(w, [(1, 'd'), (2, 'c'), (1, 'b'), (2, 'a')]);
    }
}
