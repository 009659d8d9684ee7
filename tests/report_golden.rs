//! Golden outputs of every report format for the reference charts in corpus/.
//! Regenerate after an intended change: `UPDATE_GOLDEN=1 cargo test --test report_golden`.

use std::path::PathBuf;
use std::process::Command;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn check(chart: &str, format: &str, golden: &str) {
    let o = Command::new(env!("CARGO_BIN_EXE_chartgate"))
        .args(["scan", chart, "--format", format, "--color", "never"])
        .current_dir(root())
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    // The absolute checkout path appears in SARIF's originalUriBaseIds; it varies by machine.
    let out = String::from_utf8_lossy(&o.stdout).replace(&root().display().to_string(), "$ROOT");
    let path = root().join("tests/golden").join(golden);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &out).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    if out != want {
        let line = out
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .map_or(0, |i| i + 1);
        panic!(
            "{golden}: output differs from the golden file (first at line {line}); run with UPDATE_GOLDEN=1 if intended\n--- got ---\n{out}"
        );
    }
}

#[test]
fn insecure_chart_in_every_format() {
    for (fmt, ext) in [
        ("text", "txt"),
        ("json", "json"),
        ("sarif", "sarif"),
        ("junit", "xml"),
        ("github", "github.txt"),
        ("markdown", "md"),
    ] {
        check("corpus/bad/insecure", fmt, &format!("insecure.{ext}"));
    }
}

#[test]
fn good_chart_text_and_sarif() {
    check("corpus/good/web", "text", "web.txt");
    check("corpus/good/web", "sarif", "web.sarif");
}
