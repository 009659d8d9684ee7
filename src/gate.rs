//! The gate: which findings fail the build, and baselines that accept known findings.

use crate::finding::{Finding, Severity, Suppression};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::path::Path;

/// Exit codes a CI gate can trust.
pub const EXIT_PASS: i32 = 0;
pub const EXIT_FINDINGS: i32 = 1;
pub const EXIT_ERROR: i32 = 2;

/// 0 when no unsuppressed finding is at or above `fail_on`, else 1.
pub fn decide(findings: &[Finding], fail_on: Severity) -> i32 {
    if findings
        .iter()
        .any(|f| f.suppressed.is_none() && f.severity >= fail_on)
    {
        EXIT_FINDINGS
    } else {
        EXIT_PASS
    }
}

pub fn parse_severity(s: &str) -> Result<Severity, String> {
    match s {
        "error" => Ok(Severity::Error),
        "warning" => Ok(Severity::Warning),
        "info" => Ok(Severity::Info),
        _ => Err(format!(
            "unknown severity {s:?} (expected error, warning or info)"
        )),
    }
}

#[derive(Serialize, Deserialize)]
struct Baseline {
    version: u32,
    findings: Vec<Entry>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    fingerprint: String,
    rule: String,
    #[serde(default)]
    path: String,
}

/// Writes every unsuppressed finding's fingerprint to `path`.
pub fn write_baseline(path: &Path, findings: &[Finding]) -> Result<(), String> {
    let mut entries: Vec<Entry> = findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| Entry {
            fingerprint: f.fingerprint.clone(),
            rule: f.rule.clone(),
            path: f
                .location
                .as_ref()
                .map(|l| l.path.clone())
                .unwrap_or_default(),
        })
        .collect();
    entries.sort_by(|a, b| {
        (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
    });
    entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
    let json = serde_json::to_string_pretty(&Baseline {
        version: 1,
        findings: entries,
    })
    .map_err(|e| e.to_string())?;
    std::fs::write(path, json + "\n").map_err(|e| format!("{}: {e}", path.display()))
}

/// Marks findings whose fingerprint is in the baseline at `path` as suppressed.
pub fn apply_baseline(path: &Path, findings: &mut [Finding]) -> Result<usize, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let b: Baseline = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a chartgate baseline: {e}", path.display()))?;
    let known: HashSet<&str> = b.findings.iter().map(|e| e.fingerprint.as_str()).collect();
    let mut n = 0;
    for f in findings.iter_mut() {
        if f.suppressed.is_none() && known.contains(f.fingerprint.as_str()) {
            f.suppressed = Some(Suppression {
                kind: "baseline".into(),
                justification: Some(format!("accepted in baseline {}", path.display())),
            });
            n += 1;
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::finding;

    #[test]
    fn gate_thresholds() {
        let f = vec![finding("a", Severity::Warning, "x", 1)];
        assert_eq!(decide(&f, Severity::Error), EXIT_PASS);
        assert_eq!(decide(&f, Severity::Warning), EXIT_FINDINGS);
        assert_eq!(decide(&f, Severity::Info), EXIT_FINDINGS);
        assert_eq!(decide(&[], Severity::Info), EXIT_PASS);
    }

    #[test]
    fn baseline_round_trip_accepts_only_known() {
        let dir = std::env::temp_dir().join(format!("cg-base-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("baseline.json");
        let old = vec![finding("a", Severity::Error, "x", 1)];
        write_baseline(&p, &old).unwrap();
        let mut now = vec![
            finding("a", Severity::Error, "x", 7),
            finding("b", Severity::Error, "x", 2),
        ];
        assert_eq!(apply_baseline(&p, &mut now).unwrap(), 1);
        assert!(now[0].suppressed.is_some() && now[1].suppressed.is_none());
        assert_eq!(decide(&now, Severity::Error), EXIT_FINDINGS);
        std::fs::remove_dir_all(dir).ok();
    }
}
