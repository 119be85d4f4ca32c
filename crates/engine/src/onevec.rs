//! `OneVec`: a `Vec` that holds a single element without allocating.
//!
//! Why: a producer's batch is a [`Records`](crate::record::Records) of one batch header, one
//! entry block and one arena, and it is cloned once per send (the request carries a copy; the
//! batch stays in the accumulator until acknowledged). With its blocks and arenas in `Vec`s,
//! every clone was three small heap allocations and every drop three frees, the largest share
//! of the standard workload's time in `malloc`. A `OneVec` of `Arc`s is the size of a `Vec`
//! (24 bytes), so blocks and arenas are `OneVec`s and a clone allocates once (the batch
//! headers stay a `Vec`: a header held inline would make every `Records` 72 bytes larger,
//! and moving them cost more than the allocation saved). Logs, which hold many batches, keep
//! their blocks and arenas on the heap as before.
//!
//! It dereferences to a slice, so reads are those of a `Vec`; `Debug`, equality and serde are
//! the slice's (a sequence), so swapping one for a `Vec` changes no output.

use std::fmt;
use std::ops::{Deref, DerefMut};

/// See the module docs.
#[derive(Clone, Default)]
pub enum OneVec<T> {
    #[default]
    Empty,
    One(T),
    Many(Vec<T>),
}

impl<T> OneVec<T> {
    pub fn new() -> Self {
        OneVec::Empty
    }

    /// Room for `n` elements: on the heap only when more than one.
    pub fn with_capacity(n: usize) -> Self {
        if n > 1 {
            OneVec::Many(Vec::with_capacity(n))
        } else {
            OneVec::Empty
        }
    }

    /// The last element (as the slice's `last`, without building the slice).
    #[inline]
    pub fn last(&self) -> Option<&T> {
        match self {
            OneVec::One(a) => Some(a),
            OneVec::Many(v) => v.last(),
            OneVec::Empty => None,
        }
    }

    /// The last element, to write (as the slice's `last_mut`).
    #[inline]
    pub fn last_mut(&mut self) -> Option<&mut T> {
        match self {
            OneVec::One(a) => Some(a),
            OneVec::Many(v) => v.last_mut(),
            OneVec::Empty => None,
        }
    }

    #[inline]
    pub fn push(&mut self, x: T) {
        if let OneVec::Many(v) = self {
            v.push(x);
            return;
        }
        *self = match std::mem::take(self) {
            OneVec::Empty => OneVec::One(x),
            OneVec::One(a) => OneVec::Many(vec![a, x]),
            OneVec::Many(mut v) => {
                v.push(x);
                OneVec::Many(v)
            }
        };
    }

    pub fn pop(&mut self) -> Option<T> {
        match self {
            OneVec::Many(v) => v.pop(),
            OneVec::Empty => None,
            OneVec::One(_) => match std::mem::take(self) {
                OneVec::One(a) => Some(a),
                _ => None,
            },
        }
    }

    pub fn truncate(&mut self, len: usize) {
        match self {
            OneVec::Many(v) => v.truncate(len),
            OneVec::One(_) if len == 0 => *self = OneVec::Empty,
            _ => {}
        }
    }

    /// Remove every element, keeping the heap room if there is some.
    pub fn clear(&mut self) {
        match self {
            OneVec::Many(v) => v.clear(),
            _ => *self = OneVec::Empty,
        }
    }

    /// Heap room, in elements (0 while the element, if any, is held inline).
    pub fn capacity(&self) -> usize {
        match self {
            OneVec::Many(v) => v.capacity(),
            _ => 0,
        }
    }

    /// Room for `additional` more elements; onto the heap if that makes more than one.
    pub fn reserve(&mut self, additional: usize) {
        if let OneVec::Many(v) = self {
            v.reserve(additional);
            return;
        }
        let len = self.len();
        if len + additional > 1 {
            let mut v = Vec::with_capacity(len + additional);
            if let Some(a) = self.pop() {
                v.push(a);
            }
            *self = OneVec::Many(v);
        }
    }

    pub fn shrink_to_fit(&mut self) {
        if let OneVec::Many(v) = self {
            v.shrink_to_fit();
        }
    }

    /// Its elements, in order, by value (without allocating for one).
    pub fn into_elements(self) -> impl Iterator<Item = T> {
        let (one, many) = match self {
            OneVec::Empty => (None, Vec::new()),
            OneVec::One(a) => (Some(a), Vec::new()),
            OneVec::Many(v) => (None, v),
        };
        one.into_iter().chain(many)
    }
}

impl<T> From<Vec<T>> for OneVec<T> {
    fn from(v: Vec<T>) -> Self {
        OneVec::Many(v)
    }
}

impl<T> Deref for OneVec<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            OneVec::Empty => &[],
            OneVec::One(a) => std::slice::from_ref(a),
            OneVec::Many(v) => v,
        }
    }
}

impl<T> DerefMut for OneVec<T> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        match self {
            OneVec::Empty => &mut [],
            OneVec::One(a) => std::slice::from_mut(a),
            OneVec::Many(v) => v,
        }
    }
}

impl<'a, T> IntoIterator for &'a OneVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut OneVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

impl<T: PartialEq> PartialEq for OneVec<T> {
    fn eq(&self, o: &Self) -> bool {
        **self == **o
    }
}

impl<T: Eq> Eq for OneVec<T> {}

impl<T: fmt::Debug> fmt::Debug for OneVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: serde::Serialize> serde::Serialize for OneVec<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for OneVec<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::deserialize(d).map(OneVec::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every operation, on a `OneVec` and on a `Vec`, from every starting length 0..=3, gives
    /// the same elements.
    #[test]
    fn behaves_as_a_vec() {
        type Op = fn(&mut OneVec<u32>, &mut Vec<u32>);
        let ops: [(&str, Op); 7] = [
            ("push", |o, v| {
                o.push(9);
                v.push(9);
            }),
            ("pop", |o, v| assert_eq!(o.pop(), v.pop())),
            ("truncate 0", |o, v| {
                o.truncate(0);
                v.truncate(0);
            }),
            ("truncate 1", |o, v| {
                o.truncate(1);
                v.truncate(1);
            }),
            ("reserve 1", |o, v| {
                o.reserve(1);
                v.reserve(1);
            }),
            ("shrink", |o, v| {
                o.shrink_to_fit();
                v.shrink_to_fit();
            }),
            ("write", |o, v| {
                if let (Some(a), Some(b)) = (o.last_mut(), v.last_mut()) {
                    *a += 1;
                    *b += 1;
                }
            }),
        ];
        for start in 0..=3u32 {
            for (name, op) in ops {
                for (name2, op2) in ops {
                    let mut o = OneVec::new();
                    let mut v = Vec::new();
                    for i in 0..start {
                        o.push(i);
                        v.push(i);
                    }
                    op(&mut o, &mut v);
                    op2(&mut o, &mut v);
                    assert_eq!(&*o, v.as_slice(), "{start} elements, {name} then {name2}");
                    assert_eq!(o.len(), v.len());
                    assert_eq!(o.clone().into_elements().collect::<Vec<_>>(), v);
                }
            }
        }
    }

    #[test]
    fn one_element_is_held_inline_and_more_on_the_heap() {
        let mut o = OneVec::with_capacity(1);
        o.push(1u64);
        assert!(matches!(o, OneVec::One(1)));
        assert_eq!(o.capacity(), 0);
        o.push(2);
        assert!(matches!(&o, OneVec::Many(v) if v == &[1, 2]));
        assert!(o.capacity() >= 2);
        let mut r = OneVec::new();
        r.push(1u64);
        r.reserve(3);
        assert!(r.capacity() >= 4);
        assert_eq!(&*r, &[1]);
        assert!(matches!(OneVec::<u8>::with_capacity(5), OneVec::Many(v) if v.capacity() >= 5));
    }

    #[test]
    fn a_onevec_of_arcs_is_the_size_of_a_vec() {
        use std::sync::Arc;
        assert_eq!(
            std::mem::size_of::<OneVec<Arc<Vec<u8>>>>(),
            std::mem::size_of::<Vec<u8>>()
        );
    }

    #[test]
    fn serde_debug_and_equality_are_a_vecs() {
        let mut o = OneVec::new();
        o.push(7u8);
        let v = vec![7u8];
        assert_eq!(
            serde_json::to_string(&o).unwrap(),
            serde_json::to_string(&v).unwrap()
        );
        assert_eq!(format!("{o:?}"), format!("{v:?}"));
        let back: OneVec<u8> = serde_json::from_str("[7]").unwrap();
        assert_eq!(back, o);
        let mut two = o.clone();
        two.push(8);
        assert_ne!(two, o);
        two.pop();
        assert_eq!(two, o, "equal whether inline or on the heap");
    }
}
