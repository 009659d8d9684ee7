//! Policy throughput: the whole built-in library on every object helm rendered for the shared
//! corpus (its golden outputs), on one thread and on two.
//! Run: `cargo run --release --example policy_bench [-- ../shared/corpus/golden]`.

use chartgate::policy::{to_rego, Options, PolicySet, Target};
use std::time::Instant;

fn main() {
    let dir = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "../shared/corpus/golden".to_string());
    let mut targets = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    entries.sort();
    for p in entries {
        let text = std::fs::read_to_string(&p).unwrap_or_default();
        for piece in chartgate::render::order::split_manifests(&text) {
            if let Ok(v) = gotpl::yaml::load(&piece) {
                if v.as_map().is_some() {
                    targets.push(Target {
                        doc: to_rego(&v),
                        path: p.display().to_string(),
                        line: None,
                        chart: None,
                        src: None,
                    });
                }
            }
        }
    }
    let set = PolicySet::load(&Options::default()).expect("built-in library");
    let checks = set.rules().len();
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let start = Instant::now();
        let findings = pool.install(|| set.evaluate(&targets, "default").unwrap());
        let secs = start.elapsed().as_secs_f64();
        println!(
            "policy: {} objects × {checks} built-in policies on {threads} thread(s): {:.2}s, {:.0} objects/s ({:.0}/s per thread), {} findings",
            targets.len(),
            secs,
            targets.len() as f64 / secs,
            targets.len() as f64 / secs / threads as f64,
            findings.len()
        );
    }
}
