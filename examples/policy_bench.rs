//! Policy throughput: the whole built-in library on every object helm rendered for the shared
//! corpus (its golden outputs), on one thread and on two.
//! Run: `cargo run --release --example policy_bench [-- ../shared/corpus/golden]`.
//! Each golden file is one chart's render and is evaluated as one call (as `scan` does), so
//! chart-scope policies see one chart. Reports wall-clock and CPU-time rates: the build machine
//! is shared, and CPU time is what "per core" means.

use chartgate::policy::{Options, PolicySet, Target};
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus/golden".to_string());
    let mut charts: Vec<Vec<Target>> = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    entries.sort();
    for p in entries {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        charts.push(chartgate::policy::targets_from_manifests(
            &p.display().to_string(),
            &text,
        ));
    }
    let objects: usize = charts.iter().map(Vec::len).sum();
    let set = PolicySet::load(&Options::default()).expect("built-in library");
    let checks = set.rules().len();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let start = Instant::now();
        let cpu0 = cpu_seconds();
        let findings: usize = pool.install(|| {
            charts
                .iter()
                .map(|t| set.evaluate(t, "default").unwrap().len())
                .sum()
        });
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds() - cpu0;
        println!(
            "policy: {objects} objects ({} charts) × {checks} rules on {threads} thread(s): {secs:.2}s wall, {:.0} objects/s; {cpu:.2}s CPU, {:.0} objects per CPU-second; {findings} findings",
            charts.len(),
            objects as f64 / secs,
            objects as f64 / cpu.max(1e-9),
        );
    }
}

/// User + system CPU time of this process (Linux /proc; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}
