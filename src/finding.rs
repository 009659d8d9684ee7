//! The one Finding model every stage produces and every report consumes. Data flows one way:
//! stages emit `Finding`s, reports only read them.

use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// The pipeline stage that produced a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Stage {
    Render,
    Lint,
    Values,
    Policy,
    Secrets,
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Stage::Render => "render",
            Stage::Lint => "lint",
            Stage::Values => "values",
            Stage::Policy => "policy",
            Stage::Secrets => "secrets",
        })
    }
}

/// A place in a file. `path` is relative to the scan's root (the repository, for SARIF).
/// Lines and columns are 1-based.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Location {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_column: Option<u32>,
}

/// A related location with what it is (e.g. "values line", "rendered object").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    pub label: String,
    pub location: Location,
}

/// The Kubernetes object a finding concerns, when there is one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ObjectRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
}

/// Why a finding does not count against the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Suppression {
    /// How it was suppressed: `annotation`, `config`, `baseline`.
    pub kind: String,
    pub justification: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    /// Stable rule id, e.g. `run-as-non-root`, `secrets/aws-access-key`.
    pub rule: String,
    pub stage: Stage,
    pub severity: Severity,
    /// GitHub's numeric `security-severity` (0.0–10.0), for security rules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<f32>,
    pub message: String,
    pub help: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The most precise place we can name (template line, values line, file line).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<Related>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    /// The chart (directory path) the finding belongs to, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chart: Option<String>,
    /// Stable across runs and unrelated edits: baselines and SARIF partialFingerprints use it.
    pub fingerprint: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// A rule's documentation, as `chartgate rules` / `explain` and SARIF `rules[]` show it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RuleDoc {
    pub id: String,
    pub stage: Stage,
    pub severity: Severity,
    pub title: String,
    /// Markdown: what it detects, why it matters, how to fix.
    pub help: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_severity: Option<f32>,
}

/// The anchor of a rule's entry in docs/rules.md (and in its published copy).
pub fn doc_anchor(rule: &str) -> String {
    rule.replace(['/', '.'], "-").to_lowercase()
}

/// A stable fingerprint from the parts that identify a finding (not its line number, which
/// moves with unrelated edits). FNV-1a 64, hex: small, deterministic, dependency-free.
pub fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain(std::iter::once(0u8)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["ab", ""]), fingerprint(&["a", "b"]));
        assert_eq!(fingerprint(&[]).len(), 16);
    }

    #[test]
    fn severity_orders_for_gates() {
        assert!(Severity::Error > Severity::Warning && Severity::Warning > Severity::Info);
    }
}
