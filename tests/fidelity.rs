//! Fidelity against helm v4.1.4: every row of the shared corpus (`../shared/corpus/corpus.tsv`)
//! is rendered in-process with the row's `helm template` arguments and compared byte for byte
//! with helm's golden stdout (lines listed as unstable — random/time output — excepted). Rows
//! where helm failed must fail too; their messages are compared with the `.err` files and
//! counted separately. The number of identical renders may not drop below
//! `tests/fidelity.count` (a ratchet: raise it when fidelity improves).

use std::path::{Path, PathBuf};

struct Row {
    label: String,
    args: Vec<String>,
    helm_ok: bool,
    unstable: Vec<usize>,
}

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus")
}

fn rows(dir: &Path) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("corpus.tsv")).expect("corpus.tsv readable");
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap_or_default().split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .expect("corpus.tsv column")
    };
    let (label, command, exit, unstable) = (
        col("label"),
        col("command"),
        col("helm_exit"),
        col("unstable_lines"),
    );
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Row {
                label: f[label].to_string(),
                args: f[command]
                    .split_whitespace()
                    .skip(1)
                    .map(str::to_string)
                    .collect(),
                helm_ok: f[exit] == "0",
                unstable: f[unstable]
                    .split(',')
                    .filter_map(|n| n.trim().parse().ok())
                    .collect(),
            }
        })
        .collect()
}

/// The `Error: …` part of a stderr text (helm logs `level=…` lines before it).
fn error_part(s: &str) -> &str {
    match s.find("Error: ") {
        Some(i) => s[i..].trim_end(),
        None => s.trim_end(),
    }
}

enum Verdict {
    Same,
    Diff(String),
    ErrSame,
    ErrDiffMessage(String),
    ErrMissing(String),
}

fn check(dir: &Path, row: &Row) -> Verdict {
    let argv = std::iter::once("chartgate".to_string()).chain(row.args.iter().cloned());
    let out = chartgate::cli::run(argv);
    let golden =
        std::fs::read(dir.join("golden").join(format!("{}.yaml", row.label))).unwrap_or_default();
    if !row.helm_ok {
        if out.code == 0 {
            return Verdict::ErrMissing("helm failed, chartgate succeeded".into());
        }
        let want = std::fs::read_to_string(dir.join("golden").join(format!("{}.err", row.label)))
            .unwrap_or_default();
        let (w, g) = (error_part(&want), error_part(&out.stderr));
        return if w == g {
            Verdict::ErrSame
        } else {
            Verdict::ErrDiffMessage(first_diff(w, g))
        };
    }
    if out.code != 0 {
        return Verdict::Diff(format!(
            "rc={} {}",
            out.code,
            first_line(error_part(&out.stderr))
        ));
    }
    let a: Vec<&[u8]> = golden.split(|&c| c == b'\n').collect();
    let b: Vec<&[u8]> = out.stdout.as_bytes().split(|&c| c == b'\n').collect();
    let first = a
        .iter()
        .zip(b.iter())
        .enumerate()
        .find(|(i, (x, y))| x != y && !row.unstable.contains(&(i + 1)));
    match first {
        None if a.len() == b.len() => Verdict::Same,
        None => Verdict::Diff(format!("line count {} vs helm {}", b.len(), a.len())),
        Some((i, (x, y))) => Verdict::Diff(format!(
            "line {}: helm {:?} | ours {:?}",
            i + 1,
            String::from_utf8_lossy(x),
            String::from_utf8_lossy(y)
        )),
    }
}

/// The first line where two messages differ, for the report.
fn first_diff(want: &str, got: &str) -> String {
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let i = (0..w.len().max(g.len()))
        .find(|&i| w.get(i) != g.get(i))
        .unwrap_or(0);
    format!(
        "line {}: helm {:?} | ours {:?}",
        i + 1,
        w.get(i).copied().unwrap_or(""),
        g.get(i).copied().unwrap_or("")
    )
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

#[test]
fn fidelity_against_helm() {
    let dir = corpus_dir();
    if !dir.join("corpus.tsv").exists() {
        eprintln!("fidelity: corpus not found at {}, skipped", dir.display());
        return;
    }
    let rows = rows(&dir);
    // Commands use paths relative to the corpus directory, as helm was run from there.
    std::env::set_current_dir(&dir).expect("chdir to corpus");
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .stack_size(chartgate::cli::STACK_SIZE)
        .build()
        .expect("thread pool");
    let timed: Vec<(Verdict, f64)> = pool.install(|| {
        use rayon::prelude::*;
        rows.par_iter()
            .map(|r| {
                let start = std::time::Instant::now();
                // An engine panic must not hide the other rows' results.
                let v = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(&dir, r)))
                    .unwrap_or_else(|_| Verdict::Diff("panicked".into()));
                (v, start.elapsed().as_secs_f64())
            })
            .collect()
    });
    let mut slowest: Vec<(f64, &str)> = timed
        .iter()
        .zip(&rows)
        .map(|((_, t), r)| (*t, r.label.as_str()))
        .collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    let slow: Vec<String> = slowest
        .iter()
        .take(5)
        .map(|(t, l)| format!("{l} {t:.2}s"))
        .collect();
    println!("slowest renders: {}", slow.join(", "));
    let verdicts: Vec<Verdict> = timed.into_iter().map(|(v, _)| v).collect();

    let (mut same, mut total, mut err_same, mut err_msg_same, mut err_total) = (0, 0, 0, 0, 0);
    for (row, v) in rows.iter().zip(&verdicts) {
        match v {
            Verdict::Same => {
                same += 1;
                total += 1;
            }
            Verdict::Diff(d) => {
                total += 1;
                println!("DIFF {}: {d}", row.label);
            }
            Verdict::ErrSame => {
                err_total += 1;
                err_same += 1;
                err_msg_same += 1;
            }
            Verdict::ErrDiffMessage(d) => {
                err_total += 1;
                err_same += 1;
                println!("ERRMSG {}: {d}", row.label);
            }
            Verdict::ErrMissing(d) => {
                err_total += 1;
                println!("NOERR {}: {d}", row.label);
            }
        }
    }
    println!("fidelity: {same}/{total} identical");
    println!("fidelity: {err_same}/{err_total} helm errors also errors, {err_msg_same}/{err_total} with helm's message");
    let ratchet: usize =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fidelity.count"))
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0);
    assert!(
        same >= ratchet,
        "fidelity dropped: {same} identical renders, tests/fidelity.count requires {ratchet}"
    );
}
