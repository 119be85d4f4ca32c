extern crate std;

use super::*;
use core::cell::{Cell, RefCell};
use proptest::prelude::*;
use std::alloc::System;
use std::vec::Vec;

/// The system allocator, recording what reaches it.
#[derive(Default)]
struct Recording {
    allocs: RefCell<Vec<Layout>>,
    frees: RefCell<Vec<Layout>>,
    zeroed: Cell<usize>,
}

unsafe impl GlobalAlloc for Recording {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        self.allocs.borrow_mut().push(layout);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        self.frees.borrow_mut().push(layout);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        self.zeroed.set(self.zeroed.get() + 1);
        self.allocs.borrow_mut().push(layout);
        unsafe { System.alloc_zeroed(layout) }
    }
}

fn heap() -> SizeClasses<Recording> {
    SizeClasses::new(Recording::default())
}

fn layout(size: usize, align: usize) -> Layout {
    Layout::from_size_align(size, align).unwrap()
}

#[test]
fn classes_are_multiples_of_the_grain_up_to_the_largest_small_size() {
    assert_eq!(class_of(layout(1, 1)), Some(0));
    assert_eq!(class_of(layout(8, 8)), Some(0));
    assert_eq!(class_of(layout(9, 4)), Some(1));
    assert_eq!(class_of(layout(MAX_SMALL, 8)), Some(CLASSES - 1));
    assert_eq!(class_of(layout(MAX_SMALL + 1, 1)), None);
    assert_eq!(class_of(layout(16, 16)), None, "over-aligned");
    assert_eq!(class_layout(0), layout(8, 8));
    assert_eq!(class_layout(CLASSES - 1), layout(MAX_SMALL, 8));
    for size in 1..=MAX_SMALL {
        let class = class_of(layout(size, 1)).unwrap();
        assert!(class_layout(class).size() >= size, "{size}");
        assert!(class_layout(class).size() < size + GRAIN, "{size}");
    }
}

#[test]
fn a_freed_small_block_is_handed_out_again_without_the_allocator_underneath() {
    let h = heap();
    unsafe {
        let a = h.alloc(layout(20, 4));
        assert_eq!(
            *h.inner.allocs.borrow(),
            [layout(24, 8)],
            "taken at the class's size"
        );
        h.dealloc(a, layout(20, 4));
        assert!(h.inner.frees.borrow().is_empty(), "kept, not given back");
        assert_eq!(h.kept(2), 1);
        // Any size of the same class gets it.
        let b = h.alloc(layout(17, 1));
        assert_eq!(b, a);
        assert_eq!(h.kept(2), 0);
        assert_eq!(h.inner.allocs.borrow().len(), 1);
        // Another class does not.
        let c = h.alloc(layout(25, 8));
        assert_ne!(c, a);
        assert_eq!(h.inner.allocs.borrow().len(), 2);
        h.dealloc(b, layout(17, 1));
        h.dealloc(c, layout(25, 8));
    }
}

#[test]
fn large_and_over_aligned_allocations_go_straight_underneath() {
    let h = heap();
    unsafe {
        for l in [layout(MAX_SMALL + 1, 8), layout(64, 32), layout(1 << 20, 1)] {
            let p = h.alloc(l);
            assert_eq!(p as usize % l.align(), 0);
            h.dealloc(p, l);
            assert_eq!(h.inner.allocs.borrow().last(), Some(&l));
            assert_eq!(h.inner.frees.borrow().last(), Some(&l));
        }
        let z = h.alloc_zeroed(layout(4096, 8));
        assert_eq!(h.inner.zeroed.get(), 1);
        h.dealloc(z, layout(4096, 8));
    }
    assert!((0..CLASSES).all(|c| h.kept(c) == 0));
}

#[test]
fn a_list_keeps_at_most_its_limit_and_gives_the_rest_back() {
    let h = heap();
    let class = class_of(layout(256, 8)).unwrap();
    let limit = SizeClasses::<Recording>::keep_limit(class);
    assert_eq!(limit, KEEP_BYTES / 256);
    unsafe {
        let blocks: Vec<*mut u8> = (0..limit + 3).map(|_| h.alloc(layout(256, 8))).collect();
        for &b in &blocks {
            h.dealloc(b, layout(250, 2));
        }
    }
    assert_eq!(h.kept(class), limit);
    assert_eq!(*h.inner.frees.borrow(), [class_layout(class); 3]);
}

#[test]
fn a_reused_block_is_zeroed_when_asked() {
    let h = heap();
    unsafe {
        let a = h.alloc(layout(40, 8));
        a.write_bytes(0xAB, 40);
        h.dealloc(a, layout(40, 8));
        let b = h.alloc_zeroed(layout(33, 1));
        assert_eq!(b, a);
        assert!(core::slice::from_raw_parts(b, 33).iter().all(|&x| x == 0));
        assert_eq!(h.inner.zeroed.get(), 0);
        h.dealloc(b, layout(33, 1));
    }
}

#[test]
fn realloc_within_a_class_stays_put_and_across_classes_moves_the_bytes() {
    let h = heap();
    unsafe {
        let a = h.alloc(layout(10, 2));
        for i in 0..10 {
            a.add(i).write(i as u8);
        }
        assert_eq!(h.realloc(a, layout(10, 2), 16), a, "same class");
        let b = h.realloc(a, layout(16, 2), 100);
        assert_ne!(b, a);
        assert_eq!(h.kept(1), 1, "the old block is kept");
        let c = h.realloc(b, layout(100, 2), 4000);
        let d = h.realloc(c, layout(4000, 2), 5000);
        let e = h.realloc(d, layout(5000, 2), 3);
        let bytes = core::slice::from_raw_parts(e, 3);
        assert_eq!(bytes, [0, 1, 2]);
        h.dealloc(e, layout(3, 2));
    }
}

#[derive(Debug, Clone)]
enum Op {
    Alloc {
        size: usize,
        align_log2: u32,
        zeroed: bool,
    },
    Free(usize),
    Realloc(usize, usize),
}

fn op() -> impl Strategy<Value = Op> {
    let size = prop_oneof![3 => 1usize..=MAX_SMALL + 16, 1 => 1usize..5000];
    prop_oneof![
        (size.clone(), 0u32..6, any::<bool>()).prop_map(|(size, align_log2, zeroed)| Op::Alloc {
            size,
            align_log2,
            zeroed
        }),
        any::<usize>().prop_map(Op::Free),
        (any::<usize>(), size).prop_map(|(i, s)| Op::Realloc(i, s)),
    ]
}

/// Check that `p` holds `len` bytes of `tag`'s pattern.
unsafe fn holds(p: *mut u8, len: usize, tag: u8) -> bool {
    unsafe { core::slice::from_raw_parts(p, len) }
        .iter()
        .enumerate()
        .all(|(i, &b)| b == tag.wrapping_add(i as u8))
}

unsafe fn fill(p: *mut u8, len: usize, tag: u8) {
    for i in 0..len {
        unsafe { p.add(i).write(tag.wrapping_add(i as u8)) };
    }
}

proptest! {
    /// Live blocks are aligned as asked, never overlap (each keeps its own pattern until it is
    /// freed), zeroed when asked, and keep their bytes across `realloc`; after everything is
    /// freed, every block taken underneath was taken at a layout it is given back at.
    #[test]
    fn blocks_are_aligned_disjoint_and_keep_their_bytes(ops in proptest::collection::vec(op(), 1..300)) {
        let h = heap();
        let mut live: Vec<(*mut u8, Layout, u8)> = Vec::new();
        let mut tag = 0u8;
        unsafe {
            for op in ops {
                match op {
                    Op::Alloc { size, align_log2, zeroed } => {
                        let l = layout(size, 1 << align_log2);
                        let p = if zeroed { h.alloc_zeroed(l) } else { h.alloc(l) };
                        prop_assert!(!p.is_null());
                        prop_assert_eq!(p as usize % l.align(), 0);
                        if zeroed {
                            prop_assert!(core::slice::from_raw_parts(p, size).iter().all(|&b| b == 0));
                        }
                        tag = tag.wrapping_add(37);
                        fill(p, size, tag);
                        live.push((p, l, tag));
                    }
                    Op::Free(i) if !live.is_empty() => {
                        let (p, l, t) = live.swap_remove(i % live.len());
                        prop_assert!(holds(p, l.size(), t));
                        h.dealloc(p, l);
                    }
                    Op::Realloc(i, new_size) if !live.is_empty() => {
                        let i = i % live.len();
                        let (p, l, t) = live[i];
                        prop_assert!(holds(p, l.size(), t));
                        let q = h.realloc(p, l, new_size);
                        prop_assert!(!q.is_null());
                        prop_assert_eq!(q as usize % l.align(), 0);
                        prop_assert!(holds(q, l.size().min(new_size), t));
                        fill(q, new_size, t);
                        live[i] = (q, layout(new_size, l.align()), t);
                    }
                    _ => {}
                }
                for &(p, l, t) in &live {
                    prop_assert!(holds(p, l.size(), t));
                }
            }
            for (p, l, t) in live.drain(..) {
                prop_assert!(holds(p, l.size(), t));
                h.dealloc(p, l);
            }
        }
        // Every block given back underneath had been taken underneath at that layout.
        let mut taken = h.inner.allocs.borrow().clone();
        for f in h.inner.frees.borrow().iter() {
            let at = taken.iter().position(|l| l == f);
            prop_assert!(at.is_some(), "{:?} given back but never taken", f);
            taken.swap_remove(at.unwrap());
        }
        // What was not given back is exactly what the lists keep.
        let kept: usize = (0..CLASSES).map(|c| h.kept(c)).sum();
        prop_assert_eq!(taken.len(), kept);
        prop_assert!(taken.iter().all(|l| class_of(*l).is_some_and(|c| class_layout(c) == *l)));
    }
}

mod grow {
    use super::layout;
    use crate::grow::*;

    #[test]
    fn a_small_allocation_grows_the_memory_by_an_eighth_and_at_least_a_mebibyte() {
        let small = layout(24, 8);
        assert_eq!(needed_pages(small, 128), 1);
        // A fresh memory: 1 MiB, not one page.
        assert_eq!(grow_pages(17, small, 128), MIN_GROW_PAGES);
        assert_eq!(MIN_GROW_PAGES * PAGE, 1 << 20);
        // 1 GiB of memory: another 128 MiB.
        let gib = (1 << 30) / PAGE;
        assert_eq!(grow_pages(gib, small, 128) * PAGE, 128 << 20);
    }

    #[test]
    fn a_large_allocation_gets_all_it_needs_with_room_for_the_bookkeeping() {
        // 40 MiB exactly: the bookkeeping pushes it into one more page.
        let big = layout(40 << 20, 8);
        assert_eq!(needed_pages(big, 128), (40 << 20) / PAGE + 1);
        assert_eq!(grow_pages(100, big, 128), (40 << 20) / PAGE + 1);
        // Over-aligned: the alignment's padding is counted too.
        assert_eq!(needed_pages(layout(PAGE - 64, 64), 0), 1);
        assert_eq!(needed_pages(layout(PAGE - 64, 128), 0), 2);
    }

    #[test]
    fn growing_from_nothing_to_a_gibibyte_takes_a_few_dozen_grows() {
        let mut pages = 17; // what a module starts with
        let mut grows = 0;
        while pages * PAGE < 1 << 30 {
            pages += grow_pages(pages, layout(100, 8), 128);
            grows += 1;
        }
        assert!((30..=60).contains(&grows), "{grows} grows");
        // One page at a time (what talc's own source does for small allocations) would be
        // 16,367.
    }

    #[test]
    fn sizes_near_the_top_of_the_address_space_do_not_overflow() {
        let huge = Layout::from_size_align(isize::MAX as usize - 64, 64).unwrap();
        assert_eq!(needed_pages(huge, usize::MAX), usize::MAX.div_ceil(PAGE));
    }

    use core::alloc::Layout;
}
