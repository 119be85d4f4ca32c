//! Faithful models of the few `java.*` behaviours that Kafka's algorithms depend on.
//!
//! Kafka is written in Java, and several of its algorithms leak Java library details into their
//! results:
//!
//! - `String.hashCode` picks the group coordinator (`Utils.abs(groupId.hashCode()) % 50`) and the
//!   transaction coordinator.
//! - `String.compareTo` orders member ids and topic names. It compares UTF-16 code units, which is
//!   not Rust's byte order for `str` once characters above U+FFFF meet characters in
//!   U+E000..=U+FFFF.
//! - `java.util.HashMap` / `HashSet` iteration order decides ties in the sticky assignors and in
//!   `ClassicGroup.selectProtocol`.
//!
//! [`JavaHashSet`] models `java.util.HashMap` (as in OpenJDK 8 to 25; the algorithm has not
//! changed): a power-of-two table of bins indexed by `(h ^ (h >>> 16)) & (capacity - 1)`, capacity
//! 16 by default, doubling once the size exceeds 0.75 × capacity, each bin a linked list in
//! insertion order, and resizes that split every bin into a "low" and a "high" half while keeping
//! relative order. Bins holding more than 8 entries in a table of at least 64 slots become
//! red-black trees ("treeification"); iteration then starts at the tree's root and new nodes are
//! linked right after their tree parent. That is modelled too, including removal from tree bins.
//! The one thing that cannot be modelled is a tie inside a tree bin between two keys of a class
//! that is not `Comparable` and that have the same hash: Java breaks it with
//! `System.identityHashCode`, which is not deterministic. [`JavaHashKey::java_compare`] returns
//! `None` for such classes and this model then treats the new key as the smaller one.
//! A `HashSet` is a `HashMap` with dummy values, so the same model serves both.

use std::cmp::Ordering;

/// Java's `String.hashCode()`: `s[0]*31^(n-1) + … + s[n-1]` over UTF-16 code units, with `int`
/// overflow.
///
/// ```
/// use kafka_sim::java::string_hash_code;
/// assert_eq!(string_hash_code("hello"), 99_162_322);
/// assert_eq!(string_hash_code("polygenelubricants"), i32::MIN);
/// ```
pub fn string_hash_code(s: &str) -> i32 {
    s.encode_utf16().fold(0i32, |h, unit| {
        h.wrapping_mul(31).wrapping_add(i32::from(unit))
    })
}

/// Kafka's `Utils.abs`: `Math.abs`, except that `Integer.MIN_VALUE` maps to 0 (not to itself).
pub fn utils_abs(n: i32) -> i32 {
    if n == i32::MIN {
        0
    } else {
        n.abs()
    }
}

/// Kafka's `Utils.toPositive`: masks off the sign bit (`n & 0x7fffffff`).
pub fn utils_to_positive(n: i32) -> i32 {
    n & 0x7fff_ffff
}

/// Java's `String.compareTo`: lexicographic order of UTF-16 code units, a proper prefix sorting
/// first.
pub fn compare_strings(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// A key whose Java `hashCode()` and (optional) `Comparable` order are known.
pub trait JavaHashKey: Clone + PartialEq {
    /// The key's Java `hashCode()`.
    fn java_hash_code(&self) -> i32;
    /// `Some(order)` when the key's Java class implements `Comparable` (String, Integer, Uuid);
    /// `None` otherwise (for example Kafka's `TopicPartition`).
    fn java_compare(&self, other: &Self) -> Option<Ordering>;
}

impl JavaHashKey for String {
    fn java_hash_code(&self) -> i32 {
        string_hash_code(self)
    }
    fn java_compare(&self, other: &Self) -> Option<Ordering> {
        Some(compare_strings(self, other))
    }
}

impl JavaHashKey for &str {
    fn java_hash_code(&self) -> i32 {
        string_hash_code(self)
    }
    fn java_compare(&self, other: &Self) -> Option<Ordering> {
        Some(compare_strings(self, other))
    }
}

/// `java.lang.Integer`.
impl JavaHashKey for i32 {
    fn java_hash_code(&self) -> i32 {
        *self
    }
    fn java_compare(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

const DEFAULT_CAPACITY: usize = 16;
const MAXIMUM_CAPACITY: usize = 1 << 30;
const TREEIFY_THRESHOLD: usize = 8;
const UNTREEIFY_THRESHOLD: usize = 6;
const MIN_TREEIFY_CAPACITY: usize = 64;

/// `HashMap.tableSizeFor`: the smallest power of two ≥ `cap` (at least 1, at most 2^30).
fn table_size_for(cap: usize) -> usize {
    cap.max(1).next_power_of_two().min(MAXIMUM_CAPACITY)
}

/// `HashMap.hash`: the key's hash code with its high half folded into the low half.
fn spread(h: i32) -> i32 {
    h ^ ((h as u32) >> 16) as i32
}

type Link = Option<usize>;

#[derive(Clone, Debug)]
struct Node<K> {
    hash: i32,
    key: K,
    next: Link,
    // The fields below are only meaningful while the node belongs to a tree bin.
    prev: Link,
    parent: Link,
    left: Link,
    right: Link,
    red: bool,
    tree: bool,
}

/// A model of `java.util.HashSet<K>` / the key set of `java.util.HashMap<K, V>` that reproduces
/// Java's iteration order for any sequence of insertions and removals.
#[derive(Clone, Debug)]
pub struct JavaHashSet<K> {
    nodes: Vec<Node<K>>,
    free: Vec<usize>,
    table: Vec<Link>,
    /// Java's `threshold` field: before the table exists it holds the initial capacity (0 for
    /// the default).
    threshold: usize,
    size: usize,
}

impl<K: JavaHashKey> Default for JavaHashSet<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: JavaHashKey> JavaHashSet<K> {
    /// `new HashMap<>()` / `new HashSet<>()`.
    pub fn new() -> Self {
        JavaHashSet {
            nodes: Vec::new(),
            free: Vec::new(),
            table: Vec::new(),
            threshold: 0,
            size: 0,
        }
    }

    /// `new HashMap<>(initialCapacity)` / `new HashSet<>(initialCapacity)`.
    pub fn with_capacity(initial_capacity: usize) -> Self {
        let mut set = Self::new();
        set.threshold = table_size_for(initial_capacity);
        set
    }

    /// `new HashSet<>(collection)`: capacity `max(size / .75f + 1, 16)`, then `addAll` in the
    /// collection's iteration order.
    pub fn copy_of<I: IntoIterator<Item = K>>(items: I) -> Self {
        let items: Vec<K> = items.into_iter().collect();
        let capacity = ((items.len() as f32 / 0.75f32) as usize + 1).max(DEFAULT_CAPACITY);
        let mut set = Self::with_capacity(capacity);
        for item in items {
            set.insert(item);
        }
        set
    }

    /// Number of keys.
    pub fn len(&self) -> usize {
        self.size
    }

    /// True if the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.size == 0
    }

    /// Current table length (0 before the first insertion).
    pub fn capacity(&self) -> usize {
        self.table.len()
    }

    /// True if the key is present.
    pub fn contains(&self, key: &K) -> bool {
        self.find(key).is_some()
    }

    /// The keys in Java iteration order.
    pub fn iter(&self) -> impl Iterator<Item = &K> + '_ {
        self.table.iter().flat_map(move |head| {
            let mut cursor = *head;
            std::iter::from_fn(move || {
                let index = cursor?;
                let node = self.nodes.get(index)?;
                cursor = node.next;
                Some(&node.key)
            })
        })
    }

    /// The first key in Java iteration order (`set.iterator().next()`).
    pub fn first(&self) -> Option<&K> {
        self.iter().next()
    }

    /// The keys in Java iteration order, cloned.
    pub fn to_vec(&self) -> Vec<K> {
        self.iter().cloned().collect()
    }

    fn node(&self, index: usize) -> Option<&Node<K>> {
        self.nodes.get(index)
    }

    fn bin_index(&self, hash: i32) -> usize {
        (hash as u32 as usize) & (self.table.len().wrapping_sub(1))
    }

    fn find(&self, key: &K) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let hash = spread(key.java_hash_code());
        let mut cursor = self.table.get(self.bin_index(hash)).copied().flatten();
        while let Some(index) = cursor {
            let node = self.node(index)?;
            if node.hash == hash && node.key == *key {
                return Some(index);
            }
            cursor = node.next;
        }
        None
    }

    fn alloc(&mut self, hash: i32, key: K, next: Link) -> usize {
        let node = Node {
            hash,
            key,
            next,
            prev: None,
            parent: None,
            left: None,
            right: None,
            red: false,
            tree: false,
        };
        if let Some(index) = self.free.pop() {
            if let Some(slot) = self.nodes.get_mut(index) {
                *slot = node;
                return index;
            }
        }
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// Adds the key; returns false (and changes nothing) if it was already present.
    pub fn insert(&mut self, key: K) -> bool {
        if self.find(&key).is_some() {
            return false;
        }
        if self.table.is_empty() {
            self.resize();
        }
        let hash = spread(key.java_hash_code());
        let index = self.bin_index(hash);
        match self.table.get(index).copied().flatten() {
            None => {
                let node = self.alloc(hash, key, None);
                if let Some(slot) = self.table.get_mut(index) {
                    *slot = Some(node);
                }
            }
            Some(head) if self.nodes.get(head).is_some_and(|n| n.tree) => {
                self.put_tree_val(head, hash, key);
            }
            Some(head) => {
                // Append to the list; `bin_count` counts the nodes before the last one, as in
                // HashMap.putVal.
                let mut last = head;
                let mut bin_count = 0usize;
                while let Some(next) = self.node(last).and_then(|n| n.next) {
                    last = next;
                    bin_count += 1;
                }
                let node = self.alloc(hash, key, None);
                if let Some(n) = self.nodes.get_mut(last) {
                    n.next = Some(node);
                }
                if bin_count + 1 >= TREEIFY_THRESHOLD {
                    self.treeify_bin(hash);
                }
            }
        }
        self.size += 1;
        if self.size > self.threshold {
            self.resize();
        }
        true
    }

    /// Removes the key; returns false if it was absent.
    pub fn remove(&mut self, key: &K) -> bool {
        let Some(index) = self.find(key) else {
            return false;
        };
        let hash = self.node(index).map_or(0, |n| n.hash);
        let bin = self.bin_index(hash);
        let is_tree = self.node(index).is_some_and(|n| n.tree);
        if is_tree {
            self.remove_tree_node(index, bin);
        } else {
            // Unlink from the list.
            let mut prev: Link = None;
            let mut cursor = self.table.get(bin).copied().flatten();
            while let Some(c) = cursor {
                if c == index {
                    break;
                }
                prev = Some(c);
                cursor = self.node(c).and_then(|n| n.next);
            }
            let next = self.node(index).and_then(|n| n.next);
            match prev {
                None => {
                    if let Some(slot) = self.table.get_mut(bin) {
                        *slot = next;
                    }
                }
                Some(p) => {
                    if let Some(n) = self.nodes.get_mut(p) {
                        n.next = next;
                    }
                }
            }
        }
        if let Some(n) = self.nodes.get_mut(index) {
            n.next = None;
        }
        self.free.push(index);
        self.size -= 1;
        true
    }

    /// `HashMap.resize`.
    fn resize(&mut self) {
        let old_cap = self.table.len();
        let old_thr = self.threshold;
        let mut new_thr = 0usize;
        let new_cap;
        if old_cap > 0 {
            if old_cap >= MAXIMUM_CAPACITY {
                self.threshold = i32::MAX as usize;
                return;
            }
            new_cap = old_cap << 1;
            if new_cap < MAXIMUM_CAPACITY && old_cap >= DEFAULT_CAPACITY {
                new_thr = old_thr << 1;
            }
        } else if old_thr > 0 {
            new_cap = old_thr;
        } else {
            new_cap = DEFAULT_CAPACITY;
            new_thr = 12;
        }
        if new_thr == 0 {
            let ft = new_cap as f32 * 0.75f32;
            new_thr = if new_cap < MAXIMUM_CAPACITY && ft < MAXIMUM_CAPACITY as f32 {
                ft as usize
            } else {
                i32::MAX as usize
            };
        }
        self.threshold = new_thr;
        let old_table = std::mem::replace(&mut self.table, vec![None; new_cap]);
        for (j, head) in old_table.into_iter().enumerate() {
            let Some(head) = head else { continue };
            let single = self.node(head).is_some_and(|n| n.next.is_none());
            let tree = self.node(head).is_some_and(|n| n.tree);
            if single {
                let hash = self.node(head).map_or(0, |n| n.hash);
                let index = self.bin_index(hash);
                if let Some(slot) = self.table.get_mut(index) {
                    *slot = Some(head);
                }
            } else if tree {
                self.split_tree(head, j, old_cap);
            } else {
                let (lo, hi) = self.split_list(head, old_cap);
                if let Some(lo) = lo.first() {
                    if let Some(slot) = self.table.get_mut(j) {
                        *slot = Some(*lo);
                    }
                }
                if let Some(hi) = hi.first() {
                    if let Some(slot) = self.table.get_mut(j + old_cap) {
                        *slot = Some(*hi);
                    }
                }
            }
        }
    }

    /// Splits a bin's list into the nodes staying at `j` and those moving to `j + bit`, keeping
    /// relative order and relinking `next` (and `prev`) within each half.
    fn split_list(&mut self, head: usize, bit: usize) -> (Vec<usize>, Vec<usize>) {
        let mut lo = Vec::new();
        let mut hi = Vec::new();
        let mut cursor = Some(head);
        while let Some(c) = cursor {
            let Some(node) = self.node(c) else { break };
            cursor = node.next;
            if (node.hash as u32 as usize) & bit == 0 {
                lo.push(c);
            } else {
                hi.push(c);
            }
        }
        self.relink(&lo);
        self.relink(&hi);
        (lo, hi)
    }

    fn relink(&mut self, list: &[usize]) {
        for (i, &index) in list.iter().enumerate() {
            let next = list.get(i + 1).copied();
            let prev = if i == 0 {
                None
            } else {
                list.get(i - 1).copied()
            };
            if let Some(n) = self.nodes.get_mut(index) {
                n.next = next;
                n.prev = prev;
            }
        }
    }

    /// `TreeNode.split`.
    fn split_tree(&mut self, head: usize, index: usize, bit: usize) {
        let (lo, hi) = self.split_list(head, bit);
        if let Some(&lo_head) = lo.first() {
            if lo.len() <= UNTREEIFY_THRESHOLD {
                self.untreeify(&lo);
                if let Some(slot) = self.table.get_mut(index) {
                    *slot = Some(lo_head);
                }
            } else {
                if let Some(slot) = self.table.get_mut(index) {
                    *slot = Some(lo_head);
                }
                if !hi.is_empty() {
                    self.treeify(&lo);
                }
            }
        }
        if let Some(&hi_head) = hi.first() {
            if hi.len() <= UNTREEIFY_THRESHOLD {
                self.untreeify(&hi);
                if let Some(slot) = self.table.get_mut(index + bit) {
                    *slot = Some(hi_head);
                }
            } else {
                if let Some(slot) = self.table.get_mut(index + bit) {
                    *slot = Some(hi_head);
                }
                if !lo.is_empty() {
                    self.treeify(&hi);
                }
            }
        }
    }

    fn untreeify(&mut self, list: &[usize]) {
        for &index in list {
            if let Some(n) = self.nodes.get_mut(index) {
                n.tree = false;
                n.parent = None;
                n.left = None;
                n.right = None;
                n.red = false;
            }
        }
    }

    fn bin_list(&self, head: usize) -> Vec<usize> {
        let mut list = Vec::new();
        let mut cursor = Some(head);
        while let Some(c) = cursor {
            list.push(c);
            cursor = self.node(c).and_then(|n| n.next);
        }
        list
    }

    /// `HashMap.treeifyBin`.
    fn treeify_bin(&mut self, hash: i32) {
        if self.table.len() < MIN_TREEIFY_CAPACITY {
            self.resize();
            return;
        }
        let index = self.bin_index(hash);
        let Some(head) = self.table.get(index).copied().flatten() else {
            return;
        };
        let list = self.bin_list(head);
        self.relink(&list);
        self.treeify(&list);
    }

    /// Java's tie-breaking direction between a new key and a tree node with the same hash.
    fn direction(&self, hash: i32, key: &K, node: usize) -> Ordering {
        let Some(p) = self.node(node) else {
            return Ordering::Less;
        };
        match p.hash.cmp(&hash) {
            Ordering::Greater => Ordering::Less,
            Ordering::Less => Ordering::Greater,
            Ordering::Equal => match key.java_compare(&p.key) {
                Some(Ordering::Less) => Ordering::Less,
                Some(Ordering::Greater) => Ordering::Greater,
                // tieBreakOrder: identityHashCode order in Java; "less" here.
                _ => Ordering::Less,
            },
        }
    }

    /// `TreeNode.treeify`: builds a red-black tree over the bin's list (given in list order),
    /// then moves the root to the front of the list.
    fn treeify(&mut self, list: &[usize]) {
        let mut root: Link = None;
        for &x in list {
            if let Some(n) = self.nodes.get_mut(x) {
                n.tree = true;
                n.left = None;
                n.right = None;
            }
            match root {
                None => {
                    if let Some(n) = self.nodes.get_mut(x) {
                        n.parent = None;
                        n.red = false;
                    }
                    root = Some(x);
                }
                Some(r) => {
                    let (hash, key) = match self.node(x) {
                        Some(n) => (n.hash, n.key.clone()),
                        None => continue,
                    };
                    let mut p = r;
                    loop {
                        let dir = self.direction(hash, &key, p);
                        let child = match self.node(p) {
                            Some(pn) if dir != Ordering::Greater => pn.left,
                            Some(pn) => pn.right,
                            None => None,
                        };
                        match child {
                            Some(c) => p = c,
                            None => {
                                if let Some(n) = self.nodes.get_mut(x) {
                                    n.parent = Some(p);
                                }
                                if let Some(pn) = self.nodes.get_mut(p) {
                                    if dir != Ordering::Greater {
                                        pn.left = Some(x);
                                    } else {
                                        pn.right = Some(x);
                                    }
                                }
                                root = Some(self.balance_insertion(r, x));
                                break;
                            }
                        }
                    }
                }
            }
        }
        if let Some(r) = root {
            self.move_root_to_front(r);
        }
    }

    /// `TreeNode.putTreeVal` for a key known to be absent.
    fn put_tree_val(&mut self, head: usize, hash: i32, key: K) {
        let root = self.tree_root(head);
        let mut p = root;
        loop {
            let dir = self.direction(hash, &key, p);
            let child = match self.node(p) {
                Some(pn) if dir != Ordering::Greater => pn.left,
                Some(pn) => pn.right,
                None => None,
            };
            match child {
                Some(c) => p = c,
                None => {
                    let xpn = self.node(p).and_then(|n| n.next);
                    let x = self.alloc(hash, key, xpn);
                    if let Some(n) = self.nodes.get_mut(x) {
                        n.tree = true;
                        n.parent = Some(p);
                        n.prev = Some(p);
                    }
                    if let Some(pn) = self.nodes.get_mut(p) {
                        if dir != Ordering::Greater {
                            pn.left = Some(x);
                        } else {
                            pn.right = Some(x);
                        }
                        pn.next = Some(x);
                    }
                    if let Some(next) = xpn {
                        if let Some(n) = self.nodes.get_mut(next) {
                            n.prev = Some(x);
                        }
                    }
                    let new_root = self.balance_insertion(root, x);
                    self.move_root_to_front(new_root);
                    return;
                }
            }
        }
    }

    fn tree_root(&self, mut index: usize) -> usize {
        while let Some(parent) = self.node(index).and_then(|n| n.parent) {
            index = parent;
        }
        index
    }

    /// `TreeNode.moveRootToFront`.
    fn move_root_to_front(&mut self, root: usize) {
        if self.table.is_empty() {
            return;
        }
        let hash = self.node(root).map_or(0, |n| n.hash);
        let index = self.bin_index(hash);
        let first = self.table.get(index).copied().flatten();
        if first == Some(root) {
            return;
        }
        if let Some(slot) = self.table.get_mut(index) {
            *slot = Some(root);
        }
        let (rp, rn) = match self.node(root) {
            Some(n) => (n.prev, n.next),
            None => return,
        };
        if let Some(rn) = rn {
            if let Some(n) = self.nodes.get_mut(rn) {
                n.prev = rp;
            }
        }
        if let Some(rp) = rp {
            if let Some(n) = self.nodes.get_mut(rp) {
                n.next = rn;
            }
        }
        if let Some(first) = first {
            if let Some(n) = self.nodes.get_mut(first) {
                n.prev = Some(root);
            }
        }
        if let Some(n) = self.nodes.get_mut(root) {
            n.next = first;
            n.prev = None;
        }
    }

    fn parent(&self, x: usize) -> Link {
        self.node(x).and_then(|n| n.parent)
    }
    fn left(&self, x: usize) -> Link {
        self.node(x).and_then(|n| n.left)
    }
    fn right(&self, x: usize) -> Link {
        self.node(x).and_then(|n| n.right)
    }
    fn is_red(&self, x: Link) -> bool {
        x.and_then(|i| self.node(i)).is_some_and(|n| n.red)
    }
    fn set_red(&mut self, x: Link, red: bool) {
        if let Some(n) = x.and_then(|i| self.nodes.get_mut(i)) {
            n.red = red;
        }
    }
    fn set_parent(&mut self, x: Link, parent: Link) {
        if let Some(n) = x.and_then(|i| self.nodes.get_mut(i)) {
            n.parent = parent;
        }
    }
    fn set_left(&mut self, x: Link, left: Link) {
        if let Some(n) = x.and_then(|i| self.nodes.get_mut(i)) {
            n.left = left;
        }
    }
    fn set_right(&mut self, x: Link, right: Link) {
        if let Some(n) = x.and_then(|i| self.nodes.get_mut(i)) {
            n.right = right;
        }
    }

    fn rotate_left(&mut self, mut root: usize, p: usize) -> usize {
        if let Some(r) = self.right(p) {
            let rl = self.left(r);
            self.set_right(Some(p), rl);
            self.set_parent(rl, Some(p));
            let pp = self.parent(p);
            self.set_parent(Some(r), pp);
            match pp {
                None => {
                    root = r;
                    self.set_red(Some(r), false);
                }
                Some(pp) => {
                    if self.left(pp) == Some(p) {
                        self.set_left(Some(pp), Some(r));
                    } else {
                        self.set_right(Some(pp), Some(r));
                    }
                }
            }
            self.set_left(Some(r), Some(p));
            self.set_parent(Some(p), Some(r));
        }
        root
    }

    fn rotate_right(&mut self, mut root: usize, p: usize) -> usize {
        if let Some(l) = self.left(p) {
            let lr = self.right(l);
            self.set_left(Some(p), lr);
            self.set_parent(lr, Some(p));
            let pp = self.parent(p);
            self.set_parent(Some(l), pp);
            match pp {
                None => {
                    root = l;
                    self.set_red(Some(l), false);
                }
                Some(pp) => {
                    if self.right(pp) == Some(p) {
                        self.set_right(Some(pp), Some(l));
                    } else {
                        self.set_left(Some(pp), Some(l));
                    }
                }
            }
            self.set_right(Some(l), Some(p));
            self.set_parent(Some(p), Some(l));
        }
        root
    }

    /// `TreeNode.balanceInsertion`.
    fn balance_insertion(&mut self, mut root: usize, mut x: usize) -> usize {
        self.set_red(Some(x), true);
        loop {
            let Some(mut xp) = self.parent(x) else {
                self.set_red(Some(x), false);
                return x;
            };
            if !self.is_red(Some(xp)) {
                return root;
            }
            let Some(mut xpp) = self.parent(xp) else {
                return root;
            };
            let xppl = self.left(xpp);
            if Some(xp) == xppl {
                let xppr = self.right(xpp);
                if xppr.is_some() && self.is_red(xppr) {
                    self.set_red(xppr, false);
                    self.set_red(Some(xp), false);
                    self.set_red(Some(xpp), true);
                    x = xpp;
                } else {
                    let mut xp_opt = Some(xp);
                    let mut xpp_opt = Some(xpp);
                    if self.right(xp) == Some(x) {
                        x = xp;
                        root = self.rotate_left(root, x);
                        xp_opt = self.parent(x);
                        xpp_opt = xp_opt.and_then(|p| self.parent(p));
                    }
                    if let Some(p) = xp_opt {
                        xp = p;
                        self.set_red(Some(xp), false);
                        if let Some(pp) = xpp_opt {
                            xpp = pp;
                            self.set_red(Some(xpp), true);
                            root = self.rotate_right(root, xpp);
                        }
                    }
                }
            } else if xppl.is_some() && self.is_red(xppl) {
                self.set_red(xppl, false);
                self.set_red(Some(xp), false);
                self.set_red(Some(xpp), true);
                x = xpp;
            } else {
                let mut xp_opt = Some(xp);
                let mut xpp_opt = Some(xpp);
                if self.left(xp) == Some(x) {
                    x = xp;
                    root = self.rotate_right(root, x);
                    xp_opt = self.parent(x);
                    xpp_opt = xp_opt.and_then(|p| self.parent(p));
                }
                if let Some(p) = xp_opt {
                    xp = p;
                    self.set_red(Some(xp), false);
                    if let Some(pp) = xpp_opt {
                        xpp = pp;
                        self.set_red(Some(xpp), true);
                        root = self.rotate_left(root, xpp);
                    }
                }
            }
        }
    }

    /// `TreeNode.balanceDeletion`.
    fn balance_deletion(&mut self, mut root: usize, x: usize) -> usize {
        let mut x = Some(x);
        loop {
            let Some(xi) = x else { return root };
            if xi == root {
                return root;
            }
            let Some(mut xp) = self.parent(xi) else {
                self.set_red(Some(xi), false);
                return xi;
            };
            if self.is_red(Some(xi)) {
                self.set_red(Some(xi), false);
                return root;
            }
            if self.left(xp) == Some(xi) {
                let mut xpr = self.right(xp);
                let mut xp_opt = Some(xp);
                if xpr.is_some() && self.is_red(xpr) {
                    self.set_red(xpr, false);
                    self.set_red(Some(xp), true);
                    root = self.rotate_left(root, xp);
                    xp_opt = self.parent(xi);
                    xpr = xp_opt.and_then(|p| self.right(p));
                }
                match xpr {
                    None => x = xp_opt,
                    Some(s) => {
                        let sl = self.left(s);
                        let mut sr = self.right(s);
                        if !self.is_red(sr) && !self.is_red(sl) {
                            self.set_red(Some(s), true);
                            x = xp_opt;
                        } else {
                            let mut s_opt = Some(s);
                            if !self.is_red(sr) {
                                self.set_red(sl, false);
                                self.set_red(Some(s), true);
                                root = self.rotate_right(root, s);
                                xp_opt = self.parent(xi);
                                s_opt = xp_opt.and_then(|p| self.right(p));
                            }
                            if let Some(s) = s_opt {
                                let red = xp_opt.is_some_and(|p| self.is_red(Some(p)));
                                self.set_red(Some(s), red);
                                sr = self.right(s);
                                self.set_red(sr, false);
                            }
                            if let Some(p) = xp_opt {
                                xp = p;
                                self.set_red(Some(xp), false);
                                root = self.rotate_left(root, xp);
                            }
                            x = Some(root);
                        }
                    }
                }
            } else {
                let mut xpl = self.left(xp);
                let mut xp_opt = Some(xp);
                if xpl.is_some() && self.is_red(xpl) {
                    self.set_red(xpl, false);
                    self.set_red(Some(xp), true);
                    root = self.rotate_right(root, xp);
                    xp_opt = self.parent(xi);
                    xpl = xp_opt.and_then(|p| self.left(p));
                }
                match xpl {
                    None => x = xp_opt,
                    Some(s) => {
                        let mut sl = self.left(s);
                        let sr = self.right(s);
                        if !self.is_red(sl) && !self.is_red(sr) {
                            self.set_red(Some(s), true);
                            x = xp_opt;
                        } else {
                            let mut s_opt = Some(s);
                            if !self.is_red(sl) {
                                self.set_red(sr, false);
                                self.set_red(Some(s), true);
                                root = self.rotate_left(root, s);
                                xp_opt = self.parent(xi);
                                s_opt = xp_opt.and_then(|p| self.left(p));
                            }
                            if let Some(s) = s_opt {
                                let red = xp_opt.is_some_and(|p| self.is_red(Some(p)));
                                self.set_red(Some(s), red);
                                sl = self.left(s);
                                self.set_red(sl, false);
                            }
                            if let Some(p) = xp_opt {
                                xp = p;
                                self.set_red(Some(xp), false);
                                root = self.rotate_right(root, xp);
                            }
                            x = Some(root);
                        }
                    }
                }
            }
        }
    }

    /// `TreeNode.removeTreeNode(map, tab, movable = true)`.
    fn remove_tree_node(&mut self, p: usize, index: usize) {
        let (succ, pred) = match self.node(p) {
            Some(n) => (n.next, n.prev),
            None => return,
        };
        let mut first = self.table.get(index).copied().flatten();
        match pred {
            None => {
                first = succ;
                if let Some(slot) = self.table.get_mut(index) {
                    *slot = succ;
                }
            }
            Some(pr) => {
                if let Some(n) = self.nodes.get_mut(pr) {
                    n.next = succ;
                }
            }
        }
        if let Some(s) = succ {
            if let Some(n) = self.nodes.get_mut(s) {
                n.prev = pred;
            }
        }
        let Some(first) = first else { return };
        let mut root = self.tree_root(first);
        let too_small = match self.right(root) {
            None => true,
            Some(_) => match self.left(root) {
                None => true,
                Some(rl) => self.left(rl).is_none(),
            },
        };
        if too_small {
            // The bin becomes a plain list (p is already unlinked from it).
            let list = self.bin_list(first);
            self.untreeify(&list);
            return;
        }
        let pl = self.left(p);
        let pr = self.right(p);
        let replacement;
        if let (Some(pl), Some(pr)) = (pl, pr) {
            let mut s = pr;
            while let Some(sl) = self.left(s) {
                s = sl;
            }
            let c = self.is_red(Some(s));
            let p_red = self.is_red(Some(p));
            self.set_red(Some(s), p_red);
            self.set_red(Some(p), c);
            let sr = self.right(s);
            let pp = self.parent(p);
            if s == pr {
                self.set_parent(Some(p), Some(s));
                self.set_right(Some(s), Some(p));
            } else {
                let sp = self.parent(s);
                self.set_parent(Some(p), sp);
                if let Some(sp) = sp {
                    if self.left(sp) == Some(s) {
                        self.set_left(Some(sp), Some(p));
                    } else {
                        self.set_right(Some(sp), Some(p));
                    }
                }
                self.set_right(Some(s), Some(pr));
                self.set_parent(Some(pr), Some(s));
            }
            self.set_left(Some(p), None);
            self.set_right(Some(p), sr);
            self.set_parent(sr, Some(p));
            self.set_left(Some(s), Some(pl));
            self.set_parent(Some(pl), Some(s));
            self.set_parent(Some(s), pp);
            match pp {
                None => root = s,
                Some(pp) => {
                    if self.left(pp) == Some(p) {
                        self.set_left(Some(pp), Some(s));
                    } else {
                        self.set_right(Some(pp), Some(s));
                    }
                }
            }
            replacement = sr.unwrap_or(p);
        } else if let Some(pl) = pl {
            replacement = pl;
        } else if let Some(pr) = pr {
            replacement = pr;
        } else {
            replacement = p;
        }
        if replacement != p {
            let pp = self.parent(p);
            self.set_parent(Some(replacement), pp);
            match pp {
                None => {
                    root = replacement;
                    self.set_red(Some(replacement), false);
                }
                Some(pp) => {
                    if self.left(pp) == Some(p) {
                        self.set_left(Some(pp), Some(replacement));
                    } else {
                        self.set_right(Some(pp), Some(replacement));
                    }
                }
            }
            self.set_left(Some(p), None);
            self.set_right(Some(p), None);
            self.set_parent(Some(p), None);
        }
        let r = if self.is_red(Some(p)) {
            root
        } else {
            self.balance_deletion(root, replacement)
        };
        if replacement == p {
            let pp = self.parent(p);
            self.set_parent(Some(p), None);
            if let Some(pp) = pp {
                if self.left(pp) == Some(p) {
                    self.set_left(Some(pp), None);
                } else if self.right(pp) == Some(p) {
                    self.set_right(Some(pp), None);
                }
            }
        }
        self.move_root_to_front(r);
    }
}

/// The iteration order of a `java.util.HashMap<String, V>` (or `HashSet<String>`) created with
/// `new HashMap<>()` into which `keys_in_insertion_order` were put one after another (repeated
/// keys keep their first position).
///
/// ```
/// use kafka_sim::java::hashmap_iteration_order;
/// let keys = ["consumer1", "consumer2", "consumer3", "consumer4"];
/// assert_eq!(
///     hashmap_iteration_order(&keys),
///     ["consumer4", "consumer3", "consumer2", "consumer1"]
/// );
/// ```
pub fn hashmap_iteration_order<'a>(keys_in_insertion_order: &[&'a str]) -> Vec<&'a str> {
    let mut set = JavaHashSet::new();
    for &key in keys_in_insertion_order {
        set.insert(key);
    }
    set.to_vec()
}

/// The iteration order of `new HashSet<>(collection)` for String keys, where `collection`
/// iterates as `keys` (the copy constructor sizes the table from the collection's size).
pub fn hashset_copy_order<'a>(keys: &[&'a str]) -> Vec<&'a str> {
    JavaHashSet::copy_of(keys.iter().copied()).to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sort::SortShared;

    #[test]
    fn known_hash_codes() {
        assert_eq!(string_hash_code(""), 0);
        assert_eq!(string_hash_code("a"), 97);
        assert_eq!(string_hash_code("hello"), 99_162_322);
        assert_eq!(string_hash_code("polygenelubricants"), i32::MIN);
        // "Aa" and "BB" collide: 65*31+97 == 66*31+66 == 2112.
        assert_eq!(string_hash_code("Aa"), 2112);
        assert_eq!(string_hash_code("BB"), 2112);
        // A supplementary character counts as two UTF-16 units: U+1F600 = D83D DE00.
        assert_eq!(string_hash_code("😀"), 0xD83D * 31 + 0xDE00);
    }

    #[test]
    fn utils_abs_maps_min_value_to_zero() {
        assert_eq!(utils_abs(i32::MIN), 0);
        assert_eq!(utils_abs(-5), 5);
        assert_eq!(utils_abs(7), 7);
        assert_eq!(utils_abs(string_hash_code("polygenelubricants")) % 50, 0);
        assert_eq!(utils_to_positive(-1), i32::MAX);
    }

    #[test]
    fn compare_strings_is_utf16_order() {
        assert_eq!(compare_strings("a", "b"), Ordering::Less);
        assert_eq!(compare_strings("ab", "a"), Ordering::Greater);
        assert_eq!(compare_strings("", ""), Ordering::Equal);
        // U+FF21 (FULLWIDTH A) is the unit 0xFF21; U+1F600 starts with the surrogate 0xD83D.
        // Rust's byte order puts U+1F600 last, Java puts it first.
        assert_eq!(compare_strings("\u{1F600}", "\u{FF21}"), Ordering::Less);
        assert_eq!("\u{1F600}".cmp("\u{FF21}"), Ordering::Greater);
    }

    #[test]
    fn digest_iteration_examples() {
        assert_eq!(
            hashmap_iteration_order(&["consumer1", "consumer2", "consumer3", "consumer4"]),
            ["consumer4", "consumer3", "consumer2", "consumer1"]
        );
        let keys = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8"];
        assert_eq!(
            hashmap_iteration_order(&keys),
            ["c3", "c4", "c5", "c6", "c7", "c8", "c1", "c2"]
        );
    }

    #[test]
    fn collisions_keep_insertion_order_and_removal_keeps_the_rest() {
        let mut set = JavaHashSet::new();
        for key in ["BB", "Aa", "x"] {
            set.insert(key.to_string());
        }
        // "Aa"/"BB" share bucket 2112 & 15 = 0; "x" (120) is in bucket 8.
        assert_eq!(set.to_vec(), ["BB", "Aa", "x"]);
        assert!(set.remove(&"BB".to_string()));
        assert!(!set.remove(&"BB".to_string()));
        assert_eq!(set.to_vec(), ["Aa", "x"]);
        assert!(!set.insert("x".to_string()));
        assert_eq!(set.len(), 2);
    }

    #[test]
    fn resize_happens_after_thirteenth_insert() {
        let mut set = JavaHashSet::new();
        for i in 0..12 {
            set.insert(i);
        }
        assert_eq!(set.capacity(), 16);
        set.insert(12);
        assert_eq!(set.capacity(), 32);
        // Integers smaller than the capacity iterate in ascending order.
        assert_eq!(set.to_vec(), (0..13).collect::<Vec<_>>());
        let mut wrapped = JavaHashSet::new();
        for i in [17, 1, 0, 16] {
            wrapped.insert(i);
        }
        assert_eq!(wrapped.to_vec(), [0, 16, 17, 1]);
    }

    #[test]
    fn copy_constructor_sizes_from_the_collection() {
        // 13 keys: new HashSet<>(c) starts at capacity 32 (13/.75+1 = 18 -> 32).
        let set = JavaHashSet::copy_of(0..13);
        assert_eq!(set.capacity(), 32);
        let set = JavaHashSet::copy_of(0..3);
        assert_eq!(set.capacity(), 16);
    }

    /// Strings built from "Aa"/"BB" blocks all share one hash code, so they exercise tree bins.
    fn colliding(n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                (0..6)
                    .map(|bit| if i >> bit & 1 == 1 { "BB" } else { "Aa" })
                    .collect::<String>()
            })
            .collect()
    }

    #[test]
    fn treeified_bins_keep_every_key() {
        let keys = colliding(40);
        let mut set = JavaHashSet::new();
        for key in &keys {
            set.insert(key.clone());
        }
        // Treeification of one bin resizes a small table first: 16 -> 32 -> 64.
        assert_eq!(set.capacity(), 64);
        let mut seen = set.to_vec();
        seen.sort_shared();
        let mut expected = keys.clone();
        expected.sort_shared();
        assert_eq!(seen, expected);
        for key in keys.iter().step_by(3) {
            assert!(set.remove(key));
        }
        assert_eq!(set.len(), 40 - 14);
        for key in keys.iter().step_by(3) {
            assert!(!set.contains(key));
        }
    }
}
