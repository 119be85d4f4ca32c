//! Size classes in front of a general allocator, for the page's single-threaded wasm heap.
//!
//! The engine allocates and frees a few small objects per simulated record (a request's
//! vectors, a batch's `Arc`s, a response's entries), the same few sizes over and over. In the
//! page's build the general allocator (`talc`) took 12.7 % of the standard workload's time
//! (`node --cpu-prof`): finding a bin, splitting, merging neighbours, registering gaps. With
//! these lists in front, talc and the lists together take 9.8 %; what is left is the larger
//! blocks (a batch's arena, a ledger block), which go straight through. [`SizeClasses`]
//! keeps freed small blocks in one list per size (multiples of [`GRAIN`] up to [`MAX_SMALL`]
//! bytes) and hands them out again at the cost of a pointer swap, as Kafka's `BufferPool`
//! keeps whole batch buffers. Larger or over-aligned allocations go straight to the
//! allocator underneath.
//!
//! Each list keeps at most [`KEEP_BYTES`] of blocks; past that, a freed block goes back to the
//! allocator underneath, so the most held back is `KEEP_BYTES` per class (4 MiB in all).
//! A block is always taken from the allocator underneath at its class's full size
//! ([`class_layout`]), so it can go back to it from any list.
//!
//! [`grow`] holds the source talc takes wasm memory from, grown geometrically, and
//! `grow::PageHeap`, the whole heap the page and the wasm benchmark use.
//!
//! Not thread-safe: the lists are plain cells. [`SizeClasses`] is `Sync` (and so usable as a
//! `#[global_allocator]`) only on wasm32 without the `atomics` feature, where there is one
//! thread; native tests use an instance directly.
#![no_std]
#![allow(unsafe_code)]

use core::alloc::{GlobalAlloc, Layout};
use core::cell::UnsafeCell;
use core::ptr;

/// Size classes are multiples of this, and blocks are aligned to it.
pub const GRAIN: usize = 8;
/// The largest size served from a list.
pub const MAX_SMALL: usize = 512;
/// The number of size classes.
pub const CLASSES: usize = MAX_SMALL / GRAIN;
/// The most each list keeps, in bytes.
pub const KEEP_BYTES: usize = 64 << 10;

/// A free block's first word: the next free block of its class.
struct Free {
    next: *mut Free,
}

#[derive(Clone, Copy)]
struct List {
    head: *mut Free,
    len: usize,
}

/// A general allocator `A` with size-class lists in front (see the crate's documentation).
pub struct SizeClasses<A> {
    inner: A,
    lists: UnsafeCell<[List; CLASSES]>,
}

// SAFETY: wasm32 without the `atomics` target feature has exactly one thread, so the lists
// are never reached from two threads.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
unsafe impl<A: Sync> Sync for SizeClasses<A> {}

/// The class of an allocation of `layout`, if a list serves it.
#[inline]
pub fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size();
    if size > MAX_SMALL || layout.align() > GRAIN {
        return None;
    }
    // Size 0 (which `GlobalAlloc` callers may not ask for) shares the smallest class.
    Some(size.saturating_sub(1) / GRAIN)
}

/// The layout of every block of `class`, as taken from (and given back to) the allocator
/// underneath.
#[inline]
pub fn class_layout(class: usize) -> Layout {
    // SAFETY: `(class + 1) * GRAIN` is at most `MAX_SMALL`, far from overflowing when rounded
    // up to `GRAIN`, a power of two.
    unsafe { Layout::from_size_align_unchecked((class + 1) * GRAIN, GRAIN) }
}

impl<A> SizeClasses<A> {
    /// `inner` with empty lists.
    pub const fn new(inner: A) -> Self {
        SizeClasses {
            inner,
            lists: UnsafeCell::new(
                [List {
                    head: ptr::null_mut(),
                    len: 0,
                }; CLASSES],
            ),
        }
    }

    /// Blocks kept in `class`'s list now.
    pub fn kept(&self, class: usize) -> usize {
        // SAFETY: a read of a plain value; see the `Sync` impl for why nothing writes it at the
        // same time.
        unsafe { (*self.lists.get()).get(class).map_or(0, |l| l.len) }
    }

    /// The most blocks `class`'s list keeps.
    pub const fn keep_limit(class: usize) -> usize {
        KEEP_BYTES / ((class + 1) * GRAIN)
    }
}

// SAFETY: a block handed out is either fresh from `inner` at its class's layout (at least the
// size asked for, aligned to `GRAIN`, which is at least the alignment asked for) or one that
// was freed with a layout of the same class and so was taken from `inner` the same way; a
// block in a list is owned by the list alone until it is handed out again. Everything else is
// forwarded to `inner` with the caller's arguments.
unsafe impl<A: GlobalAlloc> GlobalAlloc for SizeClasses<A> {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let Some(class) = class_of(layout) else {
            return unsafe { self.inner.alloc(layout) };
        };
        // SAFETY: one thread (see the `Sync` impl); `class < CLASSES`.
        let list = unsafe { &mut *self.lists.get().cast::<List>().add(class) };
        let head = list.head;
        if head.is_null() {
            return unsafe { self.inner.alloc(class_layout(class)) };
        }
        // SAFETY: `head` is a block this list owns; its first word is the next free block.
        list.head = unsafe { (*head).next };
        list.len -= 1;
        head.cast()
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let Some(class) = class_of(layout) else {
            return unsafe { self.inner.dealloc(ptr, layout) };
        };
        // SAFETY: as in `alloc`.
        let list = unsafe { &mut *self.lists.get().cast::<List>().add(class) };
        if list.len >= Self::keep_limit(class) {
            return unsafe { self.inner.dealloc(ptr, class_layout(class)) };
        }
        let block = ptr.cast::<Free>();
        // SAFETY: the caller gives the block up; it is at least `GRAIN` bytes, aligned to
        // `GRAIN`, so it holds a pointer.
        unsafe { block.write(Free { next: list.head }) };
        list.head = block;
        list.len += 1;
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if class_of(layout).is_none() {
            return unsafe { self.inner.alloc_zeroed(layout) };
        }
        let p = unsafe { self.alloc(layout) };
        if !p.is_null() {
            // SAFETY: `p` holds at least `layout.size()` bytes.
            unsafe { ptr::write_bytes(p, 0, layout.size()) };
        }
        p
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller promises `new_size`, rounded up to `layout.align()`, does not
        // overflow `isize`.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        let (old, new) = (class_of(layout), class_of(new_layout));
        match (old, new) {
            (None, None) => unsafe { self.inner.realloc(ptr, layout, new_size) },
            (Some(a), Some(b)) if a == b => ptr,
            _ => {
                let p = unsafe { self.alloc(new_layout) };
                if !p.is_null() {
                    // SAFETY: both blocks hold at least the smaller size; they are distinct.
                    unsafe {
                        ptr::copy_nonoverlapping(ptr, p, layout.size().min(new_size));
                        self.dealloc(ptr, layout);
                    }
                }
                p
            }
        }
    }
}

pub mod grow;

#[cfg(test)]
mod tests;
