use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

use libmimalloc_sys as mi;

/// mimalloc instead of the system allocator: a render allocates many small short-lived values
/// (template nodes, strings, maps), and with glibc's malloc a quarter of a chart's instructions
/// went to malloc/free and its heap growth cost ~900 page faults per run; mimalloc spends about
/// half the instructions there and touches a quarter of the pages. Its v2 series, not v3:
/// v3 reserves and initialises a 1 GiB arena at start-up, and a one-chart run came out
/// 0.1–0.25 ms slower with it (same work, more start-up and page zeroing).
///
/// Called directly rather than through the `mimalloc` crate's wrapper, which takes the aligned
/// entry points for every request: nearly all of ours need no more than the word alignment
/// every mimalloc block has, and the plain ones are ~40 % fewer instructions per call.
struct Alloc;

/// Every mimalloc block is aligned to a machine word (blocks of 24 bytes exist, so not 16).
const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: each method hands the request to mimalloc, the plain entry point only when the
// layout asks for no more than word alignment; memory from either is freed with `mi_free`.
unsafe impl GlobalAlloc for Alloc {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if l.align() <= WORD {
            mi::mi_malloc(l.size()) as *mut u8
        } else {
            mi::mi_malloc_aligned(l.size(), l.align()) as *mut u8
        }
    }

    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        if l.align() <= WORD {
            mi::mi_zalloc(l.size()) as *mut u8
        } else {
            mi::mi_zalloc_aligned(l.size(), l.align()) as *mut u8
        }
    }

    unsafe fn dealloc(&self, p: *mut u8, _: Layout) {
        mi::mi_free(p as *mut c_void);
    }

    unsafe fn realloc(&self, p: *mut u8, l: Layout, new_size: usize) -> *mut u8 {
        if l.align() <= WORD {
            mi::mi_realloc(p as *mut c_void, new_size) as *mut u8
        } else {
            mi::mi_realloc_aligned(p as *mut c_void, new_size, l.align()) as *mut u8
        }
    }
}

#[global_allocator]
static ALLOC: Alloc = Alloc;

fn main() {
    chartgate::oneshot::exit(chartgate::cli::main());
}
