//! Policy throughput: the whole built-in library on every object helm rendered for the shared
//! corpus (its golden outputs), on one thread and on two.
//! Run: `cargo run --release --example policy_bench [-- ../shared/corpus/golden] [--no-compare]`.
//! Each golden file is one chart's render and is evaluated as one call (as `scan` does), so
//! chart-scope policies see one chart. Reports wall-clock and CPU-time rates: the build machine
//! is shared, and CPU time is what "per core" means. Then runs the library on the interpreter
//! alone and checks that its findings are identical to the compiled (bytecode VM) run.

use chartgate::policy::{Options, PolicySet, Target};
use std::time::Instant;

fn main() {
    // `--no-compare` skips the interpreter run (for profiling the compiled path alone).
    let compare = !std::env::args().any(|a| a == "--no-compare");
    let dir = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
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
    let engine = if set.is_compiled() {
        "compiled"
    } else {
        "interpreted (the compiler failed)"
    };
    let mut reference = None;
    for threads in [1, 2] {
        let (secs, cpu, findings) = run(&set, &charts, threads);
        println!(
            "policy ({engine}): {objects} objects ({} charts) × {checks} rules on {threads} thread(s): {secs:.2}s wall, {:.0} objects/s; {cpu:.2}s CPU, {:.0} objects per CPU-second; {} findings",
            charts.len(),
            objects as f64 / secs,
            objects as f64 / cpu.max(1e-9),
            findings.len(),
        );
        reference.get_or_insert(findings);
    }
    if !compare {
        return;
    }
    // The same library on the interpreter alone: its rate, and whether every finding matches.
    let interp = set.clone().interpreted();
    let (secs, cpu, findings) = run(&interp, &charts, 1);
    println!(
        "policy (interpreted): 1 thread: {secs:.2}s wall, {:.0} objects per CPU-second; findings identical to compiled: {}",
        objects as f64 / cpu.max(1e-9),
        reference.as_ref() == Some(&findings),
    );
    if let Some(r) = &reference {
        for f in r.iter().filter(|f| findings.binary_search(f).is_err()) {
            println!("  only compiled: {f}");
        }
        for f in findings.iter().filter(|f| r.binary_search(f).is_err()) {
            println!("  only interpreted: {f}");
        }
    }
}

/// Passes over the corpus per measurement.
const PASSES: usize = 5;

/// Evaluates every chart on a pool of `threads`: (wall s, CPU s, sorted finding summaries).
fn run(set: &PolicySet, charts: &[Vec<Target>], threads: usize) -> (f64, f64, Vec<String>) {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let start = Instant::now();
    let cpu0 = cpu_seconds();
    let mut per: Vec<Vec<chartgate::finding::Finding>> = Vec::new();
    for _ in 0..PASSES {
        per = pool.install(|| {
            charts
                .iter()
                .map(|t| set.evaluate(t, "default").unwrap())
                .collect()
        });
    }
    // Per pass (CPU time is counted in 10 ms ticks: several passes make it precise).
    let secs = start.elapsed().as_secs_f64() / PASSES as f64;
    let cpu = (cpu_seconds() - cpu0) / PASSES as f64;
    let mut findings: Vec<String> = per
        .iter()
        .flatten()
        .map(|f| {
            format!(
                "{} {} {:?} {} {}",
                f.rule,
                f.fingerprint,
                f.location.as_ref().map(|l| (&l.path, l.line)),
                f.message,
                f.related.len()
            )
        })
        .collect();
    findings.sort();
    (secs, cpu, findings)
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
