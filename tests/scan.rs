//! `chartgate scan` end to end: exit codes, findings on the reference charts, formats,
//! baselines, suppressions, plain manifests, user policies.

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn chartgate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_chartgate"))
        .args(args)
        .current_dir(root())
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("run chartgate")
}

fn json(args: &[&str]) -> (i32, serde_json::Value) {
    let mut a = args.to_vec();
    a.extend(["--format", "json"]);
    let o = chartgate(&a);
    let text = String::from_utf8_lossy(&o.stdout);
    let v = serde_json::from_str(&text).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {text}\nstderr: {}",
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (o.status.code().unwrap_or(-1), v)
}

fn rules(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"].is_null())
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("cg-scan-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn good_chart_passes_the_gate() {
    let (code, v) = json(&["scan", "corpus/good/web"]);
    let errors: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(code, 0);
}

#[test]
fn insecure_chart_fails_with_located_findings() {
    let (code, v) = json(&["scan", "corpus/bad/insecure"]);
    assert_eq!(code, 1);
    let r = rules(&v);
    for want in [
        "privileged-container",
        "host-network",
        "sensitive-host-mounts",
        "image-tag-latest",
        "run-as-uid-zero",
    ] {
        assert!(r.iter().any(|x| x == want), "missing {want} in {r:?}");
    }
    assert!(
        r.iter().any(|x| x.starts_with("secrets/")),
        "no secret finding in {r:?}"
    );
    // The privileged finding points at the template line that sets it.
    let p = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "privileged-container")
        .unwrap();
    assert_eq!(
        p["location"]["path"],
        "corpus/bad/insecure/templates/deployment.yaml"
    );
    assert_eq!(p["location"]["line"], 19);
    // No secret value is ever printed in full.
    let text = v.to_string();
    assert!(
        !text.contains("Sup3rS3cretAdm1n!"),
        "secret leaked into the report"
    );
}

#[test]
fn template_errors_are_findings_with_helm_locations() {
    let (code, v) = json(&["scan", "corpus/bad/template-error"]);
    assert_eq!(code, 1);
    let f = &v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "render/template-error")
        .unwrap()
        .clone();
    assert_eq!(
        f["location"]["path"],
        "corpus/bad/template-error/templates/cm.yaml"
    );
    assert_eq!(f["location"]["line"], 6);
    assert_eq!(f["location"]["column"], 17);
    assert!(
        f["message"]
            .as_str()
            .unwrap()
            .contains("nil pointer evaluating interface {}.tag"),
        "{f}"
    );
}

#[test]
fn charts_that_need_values_are_checked_like_helm_lint() {
    // With its defaults the chart stops at `required`: a warning, and the rest is still checked.
    let (code, v) = json(&["scan", "corpus/bad/needs-values"]);
    assert_eq!(code, 0, "{v}");
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "render/required-value")
        .expect("required-value finding")
        .clone();
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["location"]["line"], 6);
    // With values given, the same failure is the user's render failing: an error.
    let (code, v) = json(&["scan", "corpus/bad/needs-values", "--set", "other=1"]);
    assert_eq!(code, 1);
    assert!(
        rules(&v).contains(&"render/template-error".to_string()),
        "{v}"
    );
    // Given the value, it renders.
    let (code, _) = json(&["scan", "corpus/bad/needs-values", "--set", "endpoint=x"]);
    assert_eq!(code, 0);
}

#[test]
fn broken_values_and_recursion_fail_cleanly() {
    let (code, v) = json(&["scan", "corpus/bad/broken-yaml"]);
    assert_eq!(code, 1);
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "lint/values-yaml")
        .expect("values-yaml finding")
        .clone();
    assert_eq!(f["location"]["path"], "corpus/bad/broken-yaml/values.yaml");
    assert_eq!(f["location"]["line"], 1);
    let (code, v) = json(&["scan", "corpus/bad/recursion"]);
    assert_eq!(code, 1, "{v}");
    assert!(
        rules(&v).contains(&"render/template-error".to_string()),
        "{v}"
    );
}

#[test]
fn usage_and_input_errors_exit_2() {
    assert_eq!(chartgate(&["scan", "no/such/chart"]).status.code(), Some(2));
    assert_eq!(
        chartgate(&["scan", "--fail-on", "fatal", "corpus/good/web"])
            .status
            .code(),
        Some(2)
    );
    assert_eq!(chartgate(&["scan", "--bogus"]).status.code(), Some(2));
}

#[test]
fn fail_on_threshold_changes_the_verdict() {
    // Warnings only (the one error is suppressed): passes on error, fails on warning.
    let m = "tests/data/scan/suppressed.yaml";
    assert_eq!(chartgate(&["scan", m]).status.code(), Some(0));
    assert_eq!(
        chartgate(&["scan", m, "--fail-on", "warning"])
            .status
            .code(),
        Some(1)
    );
}

#[test]
fn baseline_round_trip_accepts_known_findings() {
    let d = tmp("baseline");
    let b = d.join("baseline.json");
    let b = b.to_str().unwrap();
    assert_eq!(
        chartgate(&["scan", "corpus/bad/insecure", "--write-baseline", b])
            .status
            .code(),
        Some(1)
    );
    let (code, v) = json(&["scan", "corpus/bad/insecure", "--baseline", b]);
    assert_eq!(code, 0, "{v}");
    assert!(v["summary"]["suppressed"].as_u64().unwrap() > 0);
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn suppression_annotations_in_every_dialect() {
    let (_, v) = json(&["scan", "tests/data/scan/suppressed.yaml"]);
    let rn = |name: &str| -> Vec<serde_json::Value> {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "run-as-non-root" && f["object"]["name"] == name)
            .cloned()
            .collect()
    };
    for name in ["ours", "kube-linter", "checkov", "polaris"] {
        let f = rn(name);
        assert_eq!(f.len(), 1, "{name}: {f:?}");
        assert_eq!(f[0]["suppressed"]["kind"], "annotation", "{name}");
    }
    assert_eq!(rn("ours")[0]["suppressed"]["justification"], "legacy image");
    assert!(rn("none")[0]["suppressed"].is_null());
    // The privileged container is suppressed by our annotation too: the gate passes on errors.
    assert!(v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] != "error" || !f["suppressed"].is_null()));
}

#[test]
fn sarif_and_other_outputs_are_written() {
    let d = tmp("outputs");
    let s = d.join("r.sarif");
    let j = d.join("r.xml");
    let o = chartgate(&[
        "scan",
        "corpus/bad/insecure",
        "--output",
        &format!("sarif={}", s.display()),
        "--output",
        &format!("junit={}", j.display()),
        "--format",
        "github",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&s).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(
        sarif["runs"][0]["automationDetails"]["id"],
        "chartgate/corpus/bad/insecure/"
    );
    assert!(std::fs::read_to_string(&j)
        .unwrap()
        .contains("<testsuite name=\"corpus/bad/insecure\""));
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("::error file=corpus/bad/insecure/templates/")
    );
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn manifests_from_stdin_with_user_policies_only() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_chartgate"))
        .args([
            "scan",
            "-",
            "--no-builtin",
            "--skip",
            "secrets",
            "--policy",
            "tests/data/scan/policy",
            "--format",
            "json",
        ])
        .current_dir(root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: x\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rules(&v), vec!["team-owner-label"], "{v}");
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn policy_test_command_runs_rego_tests() {
    let o = chartgate(&["policy", "test", "tests/data/scan/policy"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("2 passed, 0 failed"), "{out}");
    assert_eq!(o.status.code(), Some(0));
}

#[test]
fn rules_and_explain_document_every_rule() {
    let o = chartgate(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"privileged-container") && ids.contains(&"lint/deprecated-api"));
    assert!(ids.iter().filter(|i| i.starts_with("secrets/")).count() >= 100);
    let o = chartgate(&["explain", "privileged-container"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("CKV_K8S_16"));
    assert_eq!(
        chartgate(&["explain", "no-such-rule"]).status.code(),
        Some(2)
    );
}

#[test]
fn completions_and_man_page_come_from_the_cli() {
    let o = chartgate(&["completions", "bash"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("scan"));
    let o = chartgate(&["man"]);
    let man = String::from_utf8_lossy(&o.stdout);
    assert!(
        man.contains(".TH chartgate 1") && man.contains(".TH chartgate-scan 1"),
        "{man}"
    );
    assert_eq!(chartgate(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn rule_reference_is_generated_from_code() {
    let o = chartgate(&["rules", "--format", "markdown"]);
    let want = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert!(
        String::from_utf8_lossy(&o.stdout) == want,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}

#[test]
fn ci_values_render_each_variant() {
    let chart = "tests/data/scan/ci-chart";
    let (_, v) = json(&["scan", chart]);
    assert!(
        !rules(&v).contains(&"privileged-container".to_string()),
        "{v}"
    );
    let (code, v) = json(&["scan", chart, "--ci-values"]);
    assert!(
        rules(&v).contains(&"privileged-container".to_string()),
        "{v}"
    );
    assert_eq!(code, 1);
}
