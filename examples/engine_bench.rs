//! Template-engine throughput: for every chart of the corpus, parse all its templates
//! (subcharts included) and execute them with the values the renderer computes, one chart at a time
//! (the template files of a big chart are parsed on up to four threads, as in `chartgate template`).
//! Run: `cargo run --release --example engine_bench [-- ../shared/corpus/charts [ITERS]]`.
//!
//! Only `chartgate::render::render` is timed (template collection, parse of every file into one
//! set, execution of every template, `<no value>` erasure); loading and value computation
//! (`chart::load` + `chart::prepare`) run untimed before each iteration, so each iteration sees
//! fresh values (templates may mutate them with `set`). Charts whose templates call the
//! key-generating or hashing functions (genCA, genPrivateKey, htpasswd/bcrypt, …) are reported
//! separately, since RSA/ECDSA key generation and bcrypt dominate their time, not the engine.
//! The split is static and conservative: a chart counts as "keygen" when any of its templates
//! (subcharts included) mentions such a function, even when its default values never call it
//! (bitnami TLS templates), so the engine figure contains no crypto at all.

use chartgate::chart::{self, Chart, PrepareOptions};
use chartgate::render::{self, RenderOptions};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const KEYGEN: &[&str] = &[
    "genCA",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSignedCert",
    "buildCustomCert",
    "htpasswd",
];

struct Row {
    name: String,
    bytes: usize,
    templates: usize,
    median: Duration,
    keygen: bool,
}

fn template_bytes(c: &Chart, n: &mut usize, bytes: &mut usize, keygen: &mut bool) {
    for t in &c.templates {
        *n += 1;
        *bytes += t.data.len() as usize;
        let text = String::from_utf8_lossy(t.data.bytes());
        if KEYGEN.iter().any(|k| text.contains(k)) {
            *keygen = true;
        }
    }
    for d in &c.dependencies {
        template_bytes(d, n, bytes, keygen);
    }
}

fn prepared(dir: &Path) -> Option<chart::Prepared> {
    let c = chart::load(dir).ok()?;
    chart::prepare(c, &gotpl::Map::new(), &PrepareOptions::default()).ok()
}

fn bench(dir: &Path, iters: usize) -> Option<Row> {
    let p = prepared(dir)?;
    let (mut templates, mut bytes, mut keygen) = (0, 0, false);
    template_bytes(&p.chart, &mut templates, &mut bytes, &mut keygen);
    let opts = RenderOptions {
        seed: Some(1),
        ..Default::default()
    };
    // Charts whose default render fails are still timed (up to the failure) but flagged.
    let ok = render::render(&p, &opts).is_ok();
    let mut times = Vec::with_capacity(iters);
    for _ in 0..iters {
        let p = prepared(dir)?;
        let t = Instant::now();
        let out = render::render(&p, &opts);
        times.push(t.elapsed());
        std::hint::black_box(out.is_ok());
    }
    times.sort();
    let name = dir.file_name()?.to_string_lossy().into_owned();
    Some(Row {
        name: if ok {
            name
        } else {
            format!("{name} (render error)")
        },
        bytes,
        templates,
        median: times[times.len() / 2],
        keygen,
    })
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn run() {
    let mut args = std::env::args().skip(1);
    let dir = args
        .next()
        .unwrap_or_else(|| "../shared/corpus/charts".to_string());
    let iters: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(15);
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("charts directory")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    dirs.sort();
    let mut rows: Vec<Row> = dirs.iter().filter_map(|d| bench(d, iters)).collect();
    rows.sort_by_key(|r| r.median);
    println!(
        "{:<44} {:>5} {:>9} {:>9} {:>8}",
        "chart", "tpls", "KB", "median", "MB/s"
    );
    for r in &rows {
        println!(
            "{:<44} {:>5} {:>9.1} {:>7.3}ms {:>8.1}{}",
            r.name,
            r.templates,
            r.bytes as f64 / 1024.0,
            ms(r.median),
            r.bytes as f64 / 1e6 / r.median.as_secs_f64(),
            if r.keygen { "  [keygen]" } else { "" }
        );
    }
    for (label, keygen) in [("engine (no keygen)", false), ("keygen charts", true)] {
        let sel: Vec<&Row> = rows.iter().filter(|r| r.keygen == keygen).collect();
        if sel.is_empty() {
            continue;
        }
        let times: Vec<Duration> = sel.iter().map(|r| r.median).collect();
        let bytes: usize = sel.iter().map(|r| r.bytes).sum();
        let total: f64 = times.iter().map(|d| d.as_secs_f64()).sum();
        println!(
            "{label}: {} charts, median {:.3} ms, p90 {:.3} ms, max {:.3} ms, {:.1} MB/s of template text ({} iterations each, one chart at a time)",
            sel.len(),
            ms(pct(&times, 0.5)),
            ms(pct(&times, 0.9)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
            bytes as f64 / 1e6 / total,
            iters
        );
    }
}

fn main() {
    // Deep include chains need a big native stack, as the renderer's own threads have.
    let h = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(run)
        .expect("bench thread");
    let _ = h.join();
}
