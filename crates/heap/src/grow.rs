//! How the page's heap asks wasm for more memory: geometrically, not a page at a time.
//!
//! talc's own wasm source (`WasmGrowAndExtend`) grows the memory by just what the allocation
//! that ran out needs, usually one 64 KiB page. The engine's logs grow by about 25 MB per
//! simulated second of the standard workload, so that is hundreds of `memory.grow`s a second,
//! and each one makes the browser replace the memory's `ArrayBuffer` and account for it. In
//! Node, a session playing the standard workload took about 390 ms per simulated second that
//! way, and 77 ms with this source (`crates/bench/node/session.cjs`; BENCHMARKS.md, stop 40;
//! native code takes 38–52 ms). [`GrowBy`] grows by at least an eighth of the memory so far
//! (at least 1 MiB), which needs a few dozen grows to reach a gigabyte; pages grown and not yet
//! written cost the browser address space, not memory.

use core::alloc::Layout;

/// A wasm memory page.
pub const PAGE: usize = 64 << 10;
/// The least a grow asks for, in pages (1 MiB).
pub const MIN_GROW_PAGES: usize = 16;

/// Pages to grow a memory of `current` pages by so that an allocation of `layout` fits, with
/// `overhead` bytes of the allocator's bookkeeping: an eighth of `current`, at least
/// [`MIN_GROW_PAGES`] and at least what the allocation needs. (Falls back to what it needs
/// alone when that much cannot be had: see the wasm source.)
pub fn grow_pages(current: usize, layout: Layout, overhead: usize) -> usize {
    needed_pages(layout, overhead)
        .max(current / 8)
        .max(MIN_GROW_PAGES)
}

/// Pages an allocation of `layout` needs in a fresh stretch of memory.
pub fn needed_pages(layout: Layout, overhead: usize) -> usize {
    let bytes = layout
        .size()
        .saturating_add(layout.align())
        .saturating_add(overhead);
    bytes.div_ceil(PAGE)
}

#[cfg(target_arch = "wasm32")]
pub use wasm::{new_page_heap, GrowBy, PageHeap};

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::{grow_pages, needed_pages, PAGE};
    use core::alloc::Layout;
    use core::arch::wasm32::{memory_grow, memory_size};
    use core::ptr::NonNull;
    use talc::base::{binning::Binning, Talc, CHUNK_UNIT};
    use talc::cell::TalcSyncCell;
    use talc::wasm::WasmBinning;

    /// talc's allocator bookkeeping, rounded up generously: a chunk's tag and tail, its
    /// rounding to `CHUNK_UNIT`, and the unit a claim or an extension keeps for itself.
    const OVERHEAD: usize = 4 * CHUNK_UNIT;

    /// A talc [`Source`](talc::source::Source) that grows the wasm memory by
    /// [`grow_pages`] and extends the heap when the new pages follow it (as talc's
    /// `WasmGrowAndExtend` does, with a different size).
    #[derive(Debug, Default)]
    pub struct GrowBy {
        end: Option<NonNull<u8>>,
    }

    impl GrowBy {
        pub const fn new() -> Self {
            GrowBy { end: None }
        }
    }

    /// The page's heap: [`SizeClasses`](crate::SizeClasses) over talc over [`GrowBy`].
    pub type PageHeap = crate::SizeClasses<TalcSyncCell<GrowBy, WasmBinning>>;

    /// A [`PageHeap`] for a `#[global_allocator]`.
    pub const fn new_page_heap() -> PageHeap {
        crate::SizeClasses::new(TalcSyncCell::new_wasm(GrowBy::new()))
    }

    // SAFETY: it touches talc only through the `talc` it is given, and allocates nothing.
    unsafe impl talc::source::Source for GrowBy {
        fn acquire<B: Binning>(talc: &mut Talc<Self, B>, layout: Layout) -> Result<(), ()> {
            let want = grow_pages(memory_size::<0>(), layout, OVERHEAD);
            let (start, pages) = match memory_grow::<0>(want) {
                usize::MAX => {
                    // Near the 4 GiB limit: what this allocation needs, no more.
                    let need = needed_pages(layout, OVERHEAD);
                    match memory_grow::<0>(need) {
                        usize::MAX => return Err(()),
                        start => (start, need),
                    }
                }
                start => (start, want),
            };
            let base = (start * PAGE) as *mut u8;
            let bytes = pages * PAGE;
            let new_end = base.wrapping_add(bytes);
            if let Some(old_end) = talc.source.end.take() {
                if old_end.as_ptr() == base {
                    // SAFETY: `old_end` is the end of the heap talc last claimed or extended,
                    // and the memory from it to `new_end` was just grown, unused.
                    talc.source.end = Some(unsafe { talc.extend(old_end, new_end) });
                    return Ok(());
                }
            }
            // SAFETY: the memory was just grown and nothing else uses it.
            talc.source.end = unsafe { talc.claim(base, bytes) };
            if talc.source.end.is_some() {
                Ok(())
            } else {
                Err(())
            }
        }
    }
}
