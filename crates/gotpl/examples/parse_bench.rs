//! Template parse throughput (lex + parse, no execution) over every file under a `templates/`
//! directory below the given root. Run:
//! `cargo run --release -p chartgate-gotpl --example parse_bench -- ../shared/corpus/charts [ITERS]`.

use std::path::Path;
use std::time::Instant;

fn collect(dir: &Path, in_templates: bool, out: &mut Vec<(String, String)>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            let t = in_templates || p.file_name().is_some_and(|n| n == "templates");
            collect(&p, t, out);
        } else if ft.is_file() && in_templates {
            if let Ok(src) = std::fs::read_to_string(&p) {
                out.push((p.display().to_string(), src));
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let root = args
        .get(1)
        .map_or("../shared/corpus/charts", String::as_str);
    let iters: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let mut files = Vec::new();
    collect(Path::new(root), false, &mut files);
    let bytes: usize = files.iter().map(|(_, s)| s.len()).sum();
    let mut ok = 0;
    let start = Instant::now();
    for _ in 0..iters {
        ok = 0;
        for (name, src) in &files {
            if gotpl::Templates::parse_file(name, src).is_ok() {
                ok += 1;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64() / iters as f64;
    println!(
        "{} files ({} parse), {:.1} MB: {:.2} ms per pass, {:.1} MB/s, {:.1} ns/byte",
        files.len(),
        ok,
        bytes as f64 / 1e6,
        secs * 1e3,
        bytes as f64 / 1e6 / secs,
        secs * 1e9 / bytes as f64
    );
}
