//! Loads every chart of the shared corpus (../shared/corpus) and prepares it for every render
//! row of corpus.tsv (its `-f`/`--set*` values), as `helm template` does before rendering.
//! Rows helm refuses at this stage (library charts, missing dependencies) must fail with
//! helm's message from golden/<label>.err.
//!
//! Set `CHARTGATE_DUMP_VALUES=<dir>` to write each row's final `.Values` as JSON
//! (`<dir>/<label>.json`) for comparison with helm's `toJson .Values`.

use chartgate::chart::{self, PrepareOptions, UserValues};
use std::path::{Path, PathBuf};

fn corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    p.join("corpus.tsv").is_file().then_some(p)
}

/// The values flags of a corpus command line (`helm template rel charts/X --namespace ns ...`).
fn user_values(corpus: &Path, args: &[&str]) -> UserValues {
    let mut uv = UserValues::default();
    let mut i = 0;
    while i < args.len() {
        let next = args.get(i + 1).map(|s| s.to_string()).unwrap_or_default();
        match args[i] {
            "-f" | "--values" => uv.value_files.push(corpus.join(&next)),
            "--set" => uv.set.push(next),
            "--set-string" => uv.set_string.push(next),
            "--set-json" => uv.set_json.push(next),
            "--set-file" => uv
                .set_file
                .push(corpus.join(&next).to_string_lossy().into_owned()),
            "--set-literal" => uv.set_literal.push(next),
            _ => {
                i += 1;
                continue;
            }
        }
        i += 2;
    }
    uv
}

#[test]
fn loads_and_prepares_every_corpus_render() {
    let Some(corpus) = corpus() else {
        eprintln!("corpus not found; skipping");
        return;
    };
    let dump = std::env::var_os("CHARTGATE_DUMP_VALUES").map(PathBuf::from);
    let tsv = std::fs::read_to_string(corpus.join("corpus.tsv")).unwrap();
    let mut charts: Vec<String> = std::fs::read_dir(corpus.join("charts"))
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    charts.sort();
    let mut loaded = std::collections::BTreeMap::new();
    let mut problems = Vec::new();
    for name in &charts {
        match chart::load(&corpus.join("charts").join(name)) {
            Ok(c) => {
                loaded.insert(name.clone(), c);
            }
            Err(e) => problems.push(format!("{name}: load: {e}")),
        }
    }
    let (mut rows, mut prepared, mut expected_fail) = (0, 0, 0);
    for line in tsv.lines().skip(1) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() < 6 {
            continue;
        }
        let (label, name, cmd) = (cols[0], cols[1], cols[5]);
        let Some(c) = loaded.get(name) else {
            continue;
        };
        rows += 1;
        let args: Vec<&str> = cmd.split_whitespace().skip(4).collect();
        let golden_err =
            std::fs::read_to_string(corpus.join("golden").join(format!("{label}.err"))).ok();
        let result = user_values(&corpus, &args)
            .build()
            .and_then(|uv| chart::prepare(c.clone(), &uv, &PrepareOptions::default()));
        match result {
            Ok(p) => {
                prepared += 1;
                if let Some(dir) = &dump {
                    let json = gotpl::json::to_json(&p.values).unwrap_or_default();
                    std::fs::write(dir.join(format!("{label}.json")), json).unwrap();
                    let warn: String = p.warnings.iter().map(|w| format!("{w}\n")).collect();
                    std::fs::write(dir.join(format!("{label}.warn")), warn).unwrap();
                    if label == name {
                        // `.Chart` and the `.Files` names of the root, as helm prints them.
                        let meta = gotpl::json::to_json(&p.chart.metadata.to_value(true))
                            .unwrap_or_default();
                        let files: Vec<&str> =
                            p.chart.files.iter().map(|f| f.name.as_str()).collect();
                        std::fs::write(
                            dir.join(format!("{label}.meta")),
                            format!("{meta}\n{}\n", files.join(",")),
                        )
                        .unwrap();
                    }
                }
            }
            Err(e) => match &golden_err {
                Some(g) if g.contains(&format!("Error: {e}\n")) => expected_fail += 1,
                _ => problems.push(format!("{label}: prepare: {e}")),
            },
        }
    }
    eprintln!(
        "chart_load: {} charts, {} loaded; {rows} renders, {prepared} prepared, {expected_fail} failed as helm does",
        charts.len(),
        loaded.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Timing of load + prepare over the corpus (best of 5 per chart); run with
/// `cargo test --release --test chart_load -- --ignored --nocapture`.
#[test]
#[ignore]
fn bench_load_prepare() {
    let Some(corpus) = corpus() else {
        return;
    };
    let mut names: Vec<String> = std::fs::read_dir(corpus.join("charts"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (mut total_load, mut total_prep) = (0f64, 0f64);
    let mut worst = (0f64, String::new());
    for name in &names {
        let path = corpus.join("charts").join(name);
        let (mut best_l, mut best_p) = (f64::MAX, f64::MAX);
        for _ in 0..5 {
            let t = std::time::Instant::now();
            let Ok(c) = chart::load(&path) else { break };
            let l = t.elapsed().as_secs_f64() * 1e3;
            let t = std::time::Instant::now();
            let _ = chart::prepare(c, &gotpl::Map::new(), &PrepareOptions::default());
            let p = t.elapsed().as_secs_f64() * 1e3;
            best_l = best_l.min(l);
            best_p = best_p.min(p);
        }
        if best_l == f64::MAX {
            continue;
        }
        total_load += best_l;
        total_prep += best_p;
        if best_l + best_p > worst.0 {
            worst = (best_l + best_p, name.clone());
        }
    }
    eprintln!(
        "bench: {} charts: load {total_load:.1} ms, prepare {total_prep:.1} ms in total; slowest {} ({:.2} ms)",
        names.len(),
        worst.1,
        worst.0
    );
}
