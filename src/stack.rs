//! Running a command on a big stack without starting a thread for it.
//!
//! Template recursion needs far more stack than a main thread has (see `cli::STACK_SIZE`).
//! A thread of its own would give it that, but in a one-process-per-chart run the thread
//! costs ~0.4 ms of a 2 ms render: its start-up, and above all a second allocator heap,
//! whose first allocation zeroes a fresh 2 MiB huge page. So the current thread switches to
//! a mapped stack (with guard pages) through `stacker`, which also records the new stack's
//! bounds for the libraries that check how much is left (pest, under tera). Where the target
//! cannot switch stacks, or the stack cannot be mapped, a thread is used as before.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f` on a stack of at least `size` bytes; a panic in `f` becomes `Err`.
pub fn run<R: Send + 'static>(
    size: usize,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    if !SWITCHABLE {
        return on_thread(size, f);
    }
    let mut todo = Some(f);
    // stacker runs `f` on the new stack and, if it panics, resumes the panic back here.
    let switched = catch_unwind(AssertUnwindSafe(|| {
        stacker::grow(size, || todo.take().map(|f| f()))
    }));
    match (switched, todo) {
        (Ok(Some(r)), _) => Ok(r),
        // `stacker` could not map the stack (it panics then), so `f` never ran.
        (Err(_), Some(f)) => on_thread(size, f),
        _ => Err(panicked()),
    }
}

psm::psm_stack_manipulation! {
    yes { const SWITCHABLE: bool = true; }
    no { const SWITCHABLE: bool = false; }
}

/// `f` on a new thread with `size` bytes of stack.
fn on_thread<R: Send + 'static>(
    size: usize,
    f: impl FnOnce() -> R + Send + 'static,
) -> Result<R, String> {
    std::thread::Builder::new()
        .name("chartgate-main".into())
        .stack_size(size)
        .spawn(f)
        .map_err(|e| format!("cannot start worker thread: {e}"))?
        .join()
        .map_err(|_| panicked())
}

fn panicked() -> String {
    "internal error: the command panicked".to_string()
}

#[cfg(test)]
mod tests {
    /// Recurses until `bytes` of stack lie between `start` and the current frame; returns
    /// the depth reached.
    fn deep(start: usize, bytes: usize) -> usize {
        let frame = std::hint::black_box([0u8; 512]);
        let here = psm::stack_pointer() as usize;
        if here.abs_diff(start) >= bytes {
            return std::hint::black_box(frame)[0] as usize;
        }
        1 + deep(start, bytes) + std::hint::black_box(frame)[1] as usize
    }

    #[test]
    fn runs_deeper_than_a_thread_default_stack() {
        // 40 MiB of frames: far past a default thread stack (2 MiB) or a main one (8 MiB).
        let depth = super::run(64 << 20, || deep(psm::stack_pointer() as usize, 40 << 20));
        // Frames are well under 4 KiB, so reaching 40 MiB takes over 10240 levels.
        assert!(matches!(depth, Ok(d) if d > 10_240), "{depth:?}");
    }

    #[test]
    fn reports_its_bounds_to_stack_checks() {
        // pest (under tera) asks `stacker` how much stack is left and fails to parse when
        // it thinks none is.
        let left = super::run(64 << 20, stacker::remaining_stack);
        assert!(matches!(left, Ok(Some(n)) if n > 60 << 20), "{left:?}");
    }

    #[test]
    fn stays_on_the_calling_thread() {
        let here = std::thread::current().id();
        // On this thread wherever stacks can be switched; on a thread of its own elsewhere.
        let same = super::run(1 << 20, move || std::thread::current().id() == here);
        assert_eq!(same, Ok(super::SWITCHABLE));
    }

    #[test]
    fn a_panic_becomes_an_error() {
        let r: Result<(), String> = super::run(1 << 20, || panic!("boom"));
        assert_eq!(r, Err(super::panicked()));
        // The thread is usable after the switch back.
        assert_eq!(super::run(1 << 20, || 7), Ok(7));
    }

    #[test]
    fn thread_fallback_matches() {
        assert_eq!(super::on_thread(1 << 20, || 5), Ok(5));
        assert_eq!(
            super::on_thread(1 << 20, || -> u8 { panic!("x") }),
            Err(super::panicked())
        );
    }
}
