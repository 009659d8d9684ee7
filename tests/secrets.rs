//! Scores the secret scanner on the labelled set in tests/secrets/ (or the directory named by
//! `CHARTGATE_SECRETS_SET`, same layout: `labels.tsv` + `cases/`). Prints
//! `secrets: precision P% recall R% (tp/fp/fn)` and fails below 95% on either.
//!
//! A case counts as detected when the scanner reports at least one finding for it.

use chartgate::secrets::Scanner;
use std::path::PathBuf;

struct Case {
    file: String,
    leak: bool,
    expected: String,
}

fn load(dir: &PathBuf) -> Vec<Case> {
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
