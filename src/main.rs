fn main() {
    tune_malloc();
    std::process::exit(chartgate::cli::main());
}

/// glibc's defaults suit long-running servers: big blocks are mmap'ed and unmapped on free,
/// and the heap is trimmed and grown again page by page, so a render that builds and drops
/// large strings spends a third of its time in page faults. One CLI run keeps what it frees.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn tune_malloc() {
    // SAFETY: mallopt only sets allocator parameters; called before any other thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 512 << 20);
        libc::mallopt(libc::M_TOP_PAD, 16 << 20);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn tune_malloc() {}
