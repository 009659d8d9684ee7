//! Scores the secret scanner on the labelled set in tests/secrets/ (or the directory named by
//! `CHARTGATE_SECRETS_SET`, same layout: `labels.tsv` + `cases/`). Prints
//! `secrets: precision P% recall R% (tp/fp/fn)` and fails below 95% on either.
//!
//! A case counts as detected when the scanner reports at least one finding for it.

use chartgate::secrets::Scanner;
use std::path::{Path, PathBuf};

struct Case {
    file: String,
    leak: bool,
    expected: String,
}

fn load(dir: &Path) -> Vec<Case> {
    let labels = std::fs::read_to_string(dir.join("labels.tsv")).expect("labels.tsv");
    labels
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split('\t');
            let file = parts.next().unwrap_or_default().trim().to_string();
            let label = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let expected = parts.next().unwrap_or("-").trim().to_string();
            assert!(
                label == "leak" || label == "clean",
                "bad label {label:?} for {file}"
            );
            Case {
                file,
                leak: label == "leak",
                expected,
            }
        })
        .collect()
}

#[test]
fn secrets_precision_and_recall() {
    let dir = std::env::var_os("CHARTGATE_SECRETS_SET")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/secrets"));
    let cases = load(&dir);
    assert!(!cases.is_empty(), "no cases in {}", dir.display());
    let scanner = Scanner::new(None).expect("built-in rules");
    let (mut tp, mut fp, mut fn_, mut tn) = (0u32, 0u32, 0u32, 0u32);
    let mut wrong_rule = Vec::new();
    for c in &cases {
        let bytes = std::fs::read(dir.join("cases").join(&c.file))
            .unwrap_or_else(|e| panic!("{}: {e}", c.file));
        let findings = scanner.scan_file(&c.file, &bytes);
        let found = !findings.is_empty();
        for f in &findings {
            // Redaction is always on by default: no finding may carry a long secret verbatim.
            assert!(f.message.len() < 400, "{}: message too long", c.file);
        }
        match (c.leak, found) {
            (true, true) => {
                tp += 1;
                let want = format!("secrets/{}", c.expected);
                if c.expected != "-" && !findings.iter().any(|f| f.rule == want) {
                    let got: Vec<&str> = findings.iter().map(|f| f.rule.as_str()).collect();
                    wrong_rule.push(format!("{}: want {want}, got {got:?}", c.file));
                }
            }
            (true, false) => {
                fn_ += 1;
                eprintln!("MISS  {} (expected {})", c.file, c.expected);
            }
            (false, true) => {
                fp += 1;
                for f in &findings {
                    let line = f.location.as_ref().and_then(|l| l.line).unwrap_or(0);
                    eprintln!("FALSE {}:{line} {} {}", c.file, f.rule, f.message);
                }
            }
            (false, false) => tn += 1,
        }
    }
    for w in &wrong_rule {
        eprintln!("RULE  {w}");
    }
    let pct = |a: u32, b: u32| {
        if b == 0 {
            100.0
        } else {
            f64::from(a) * 100.0 / f64::from(b)
        }
    };
    let precision = pct(tp, tp + fp);
    let recall = pct(tp, tp + fn_);
    println!("secrets: precision {precision:.1}% recall {recall:.1}% ({tp}/{fp}/{fn_}) [{tn} clean cases clean, {} rule mismatches]", wrong_rule.len());
    assert!(precision >= 95.0, "precision {precision:.1}% below 95%");
    assert!(recall >= 95.0, "recall {recall:.1}% below 95%");
}

/// Throughput on synthetic chart text (values files and templates with secret-ish keys, template
/// expressions, base64 Secret data and a few real-looking tokens). Run in release:
/// `bench/secrets.sh` (or `cargo test --release --test secrets -- --ignored --nocapture`).
#[test]
#[ignore = "benchmark: run in release with bench/secrets.sh"]
fn secrets_throughput() {
    let files = synthetic_chart_files(2_000);
    let total: usize = files.iter().map(|(_, b)| b.len()).sum();
    let scanner = Scanner::new(None).expect("built-in rules");
    // Warm up, then time a single thread (per-core figure) and the rayon pool.
    let _ = scanner.scan_file(&files[0].0, &files[0].1);
    let t = std::time::Instant::now();
    let mut n = 0usize;
    for (p, b) in &files {
        n += scanner.scan_file(p, b).len();
    }
    let one = t.elapsed().as_secs_f64();
    let t = std::time::Instant::now();
    let m = scanner.scan_files(&files).len();
    let all = t.elapsed().as_secs_f64();
    assert_eq!(n, m);
    let mb = total as f64 / 1e6;
    println!(
        "secrets throughput: {mb:.1} MB in {} files, 1 thread {:.1} MB/s, {} threads {:.1} MB/s, {n} findings",
        files.len(),
        mb / one,
        rayon::current_num_threads(),
        mb / all
    );
}

fn synthetic_chart_files(count: usize) -> Vec<(String, Vec<u8>)> {
    // A tiny deterministic generator (xorshift) so the corpus is the same on every run.
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let word = |n: usize, next: &mut dyn FnMut() -> u64| -> String {
        (0..n)
            .map(|_| CHARS[(next() % CHARS.len() as u64) as usize] as char)
            .collect()
    };
    let mut files = Vec::with_capacity(count);
    for i in 0..count {
        let mut s = String::new();
        let template = i % 2 == 1;
        for j in 0..60 {
            let w = word(12, &mut next);
            if template {
                s.push_str(&format!(
                    "{{{{- if .Values.component{j}.enabled }}}}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{{{ include \"app.fullname\" . }}}}-{w}\n  labels:\n    {{{{- include \"app.labels\" . | nindent 4 }}}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c{j}\n          image: \"{{{{ .Values.image.repository }}}}:{{{{ .Values.image.tag }}}}\"\n          env:\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef:\n                  name: {{{{ .Values.auth.existingSecret }}}}\n                  key: password\n            - name: LOG_LEVEL\n              value: info\n{{{{- end }}}}\n"
                ));
            } else {
                let b64 = word(24, &mut next);
                s.push_str(&format!(
                    "component{j}:\n  enabled: true\n  image:\n    repository: ghcr.io/acme/{w}\n    tag: \"1.{j}.0\"\n  auth:\n    existingSecret: \"\"\n    password: \"\"\n    tokenTTL: 24h\n  resources:\n    limits:\n      cpu: 500m\n      memory: 512Mi\n  podAnnotations:\n    checksum/config: {b64}\n  # Set the API key with --set component{j}.apiKey=...\n  apiKey: \"\"\n  service:\n    type: ClusterIP\n    port: 80{j:02}\n"
                ));
            }
            if j % 20 == 7 {
                s.push_str(&format!(
                    "  slackToken: xoxb-1234567890-123456789012-{}\n",
                    word(24, &mut next)
                ));
            }
        }
        let ext = if template {
            "templates/deployment.yaml"
        } else {
            "values.yaml"
        };
        files.push((format!("chart{i}/{ext}"), s.into_bytes()));
    }
    files
}
