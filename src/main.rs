// The C `main` instead of Rust's (see `main` below); the test harness keeps its own.
#![cfg_attr(not(test), no_main)]

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

/// The C `main` instead of Rust's: the standard library's start-up reads /proc/self/maps to
/// place a stack-overflow guard for the main thread and maps an alternate signal stack, ~0.1 ms
/// of a ~1.8 ms small-chart run, for a thread whose stack the commands hardly use (they run on
/// a mapped stack, see `stack.rs`). Arguments still come through `std::env` (glibc hands them
/// to the standard library at load time); what of that start-up the CLI relies on is done here.
#[cfg(not(test))]
#[unsafe(no_mangle)]
pub extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    // SAFETY: plain libc calls on the three standard descriptors, before any other thread.
    unsafe {
        // A closed standard descriptor would be reused by the first file opened; park
        // /dev/null on it instead, as Rust's start-up does.
        for fd in 0..3 {
            if libc::fcntl(fd, libc::F_GETFD) == -1 {
                libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
            }
        }
        // Writes to a closed pipe fail with EPIPE (handled) instead of killing the process.
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    prefault_heap();
    chartgate::oneshot::exit(chartgate::cli::main());
}

/// Huge pages of the main thread's heap populated ahead, by another core. mimalloc asks for
/// transparent huge pages for its arena (its `allow_thp`), and the first touch of each 2 MiB
/// page stops the thread while the kernel zeroes it (~65 us); a small chart's main thread
/// touches 2-6 of them, one after another in its heap segment. A detached thread populates
/// the next `PREFAULT_PAGES` (`MADV_POPULATE_WRITE`: page tables filled as if written, no
/// byte changed) while the main thread starts up; more costs the other core more than it
/// saves here. Non-crypto corpus, one process per render, sum of per-render medians over 3
/// interleaved rounds: 820.5 ms without, 794.1 with 2 pages, 791.8 with 3, 800.5 with 4.
/// `CHARTGATE_PREFAULT=N` sets the count (0: off) for such comparisons. Populating the
/// binary's hot code, read-only and writable data the same way made runs slower (first-30
/// non-crypto renders, 5 rounds: 146.0 ms heap only, 149.0 with the data, 157.2 with code,
/// rodata and data): the main thread reaches most of those pages first, and the extra
/// populating competes with the render for the machine.
#[cfg(all(not(test), target_os = "linux"))]
fn prefault_heap() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    const PREFAULT_PAGES: usize = 3;
    const HUGE: usize = 2 << 20;
    // mimalloc v2 segments are aligned to their size, which bounds a thread's first heap run.
    const SEGMENT: usize = 32 << 20;
    static RANGE: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
    let pages = std::env::var("CHARTGATE_PREFAULT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(PREFAULT_PAGES);
    if pages == 0 {
        return;
    }
    let probe = Box::new(0u64);
    let at = &*probe as *const u64 as usize;
    drop(probe);
    let start = (at + HUGE) & !(HUGE - 1);
    let end = ((at & !(SEGMENT - 1)) + SEGMENT).min(start.saturating_add(pages * HUGE));
    if end <= start {
        return;
    }
    RANGE[0].store(start, Ordering::Relaxed);
    RANGE[1].store(end - start, Ordering::Relaxed);
    extern "C" fn populate(_: *mut c_void) -> *mut c_void {
        let (start, len) = (
            RANGE[0].load(Ordering::Relaxed),
            RANGE[1].load(Ordering::Relaxed),
        );
        // SAFETY: populating changes no byte of memory; a range that is not (all) mapped
        // writable only makes the call fail.
        unsafe {
            libc::madvise(start as *mut c_void, len, libc::MADV_POPULATE_WRITE);
        }
        std::ptr::null_mut()
    }
    // SAFETY: a detached thread with a small stack running `populate`, which uses nothing of
    // Rust's runtime; if it cannot start, nothing is lost.
    unsafe {
        let mut attr: libc::pthread_attr_t = std::mem::zeroed();
        if libc::pthread_attr_init(&mut attr) != 0 {
            return;
        }
        libc::pthread_attr_setstacksize(&mut attr, 64 << 10);
        libc::pthread_attr_setdetachstate(&mut attr, libc::PTHREAD_CREATE_DETACHED);
        let mut thread: libc::pthread_t = std::mem::zeroed();
        libc::pthread_create(&mut thread, &attr, populate, std::ptr::null_mut());
        libc::pthread_attr_destroy(&mut attr);
    }
}

#[cfg(all(not(test), not(target_os = "linux")))]
fn prefault_heap() {}
