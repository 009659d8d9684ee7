//! A process that runs one command and exits (the CLI, unlike the benchmark loop or the
//! library) need not free what it built: the kernel takes the whole address space back at
//! exit in one go, while freeing a chart tree and its parse trees node by node, and the
//! allocator's hand-back of its pages at exit, cost ~5 % of a `chartgate template` run.

use std::sync::atomic::{AtomicBool, Ordering};

static ONE_SHOT: AtomicBool = AtomicBool::new(false);

/// Declares whether the process ends after the current command (`cli::main` sets it; a
/// command that runs others in a loop, like `bench-template`, clears it).
pub fn set(on: bool) {
    ONE_SHOT.store(on, Ordering::Relaxed);
}

/// Drops `x`, or in a one-shot process leaves it to the exit.
pub fn dispose<T>(x: T) {
    if ONE_SHOT.load(Ordering::Relaxed) {
        std::mem::forget(x);
    } else {
        drop(x);
    }
}

/// Ends the process with `code`, skipping exit handlers and destructors: the caller has
/// flushed stdout and stderr.
pub fn exit(code: i32) -> ! {
    // SAFETY: `_exit` only ends the process; nothing of ours runs after it.
    unsafe { libc::_exit(code) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn dispose_drops_unless_one_shot() {
        use std::rc::Rc;
        let probe = Rc::new(());
        super::dispose(Rc::clone(&probe));
        assert_eq!(Rc::strong_count(&probe), 1);
        super::set(true);
        super::dispose(Rc::clone(&probe));
        super::set(false);
        assert_eq!(Rc::strong_count(&probe), 2);
    }
}
