//! Reports: turn findings into what people and CI read. Every format is a pure function of
//! `(findings, rules, meta)` returning text; the CLI decides where it goes.

mod github;
mod json;
mod junit;
mod markdown;
mod sarif;
mod text;

use crate::finding::{Finding, RuleDoc, Severity};
use std::path::PathBuf;
use std::str::FromStr;

pub use text::TextOptions;

/// What a report needs besides the findings.
#[derive(Clone, Debug)]
pub struct ReportMeta {
    pub tool_version: String,
    /// Paths in findings are relative to this directory (the repository root for SARIF).
    pub root: PathBuf,
    /// Every chart or manifest scanned, as a path relative to `root`; each becomes a SARIF run.
    pub targets: Vec<String>,
    /// Findings at or above this severity fail the gate (JUnit marks them as failures).
    pub fail_on: Severity,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
}

impl FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Format, String> {
        Ok(match s {
            "text" => Format::Text,
            "json" => Format::Json,
            "sarif" => Format::Sarif,
            "junit" => Format::Junit,
            "github" => Format::Github,
            "markdown" | "md" => Format::Markdown,
            _ => {
                return Err(format!(
                    "unknown format {s:?} (expected text, json, sarif, junit, github or markdown)"
                ))
            }
        })
    }
}

/// Renders `findings` in `format`.
pub fn render(
    format: Format,
    findings: &[Finding],
    rules: &[RuleDoc],
    meta: &ReportMeta,
    text: &TextOptions,
) -> Result<String, String> {
    match format {
        Format::Text => Ok(text::render(findings, meta, text)),
        Format::Json => json::render(findings, rules, meta),
        Format::Sarif => sarif::render(findings, rules, meta),
        Format::Junit => Ok(junit::render(findings, meta)),
        Format::Github => Ok(github::render(findings)),
        Format::Markdown => markdown::render(findings, meta),
    }
}

/// Text from charts (messages quote values) must not drive the reader's terminal: control
/// characters other than newline and tab are shown as `\u{..}` escapes.
pub fn printable(s: &str) -> String {
    if !s.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return s.to_string();
    }
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// Counts per severity of unsuppressed findings, plus the suppressed count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
    pub suppressed: usize,
}

pub fn counts(findings: &[Finding]) -> Counts {
    let mut c = Counts::default();
    for f in findings {
        if f.suppressed.is_some() {
            c.suppressed += 1;
            continue;
        }
        match f.severity {
            Severity::Error => c.error += 1,
            Severity::Warning => c.warning += 1,
            Severity::Info => c.info += 1,
        }
    }
    c
}

/// The findings in report order: by path, line, column, then rule id.
pub fn sorted(findings: &[Finding]) -> Vec<&Finding> {
    let mut v: Vec<&Finding> = findings.iter().collect();
    v.sort_by(|a, b| {
        let key = |f: &Finding| {
            let l = f.location.as_ref();
            (
                l.map(|l| l.path.clone()).unwrap_or_default(),
                l.and_then(|l| l.line).unwrap_or(0),
                l.and_then(|l| l.column).unwrap_or(0),
            )
        };
        key(a).cmp(&key(b)).then_with(|| a.rule.cmp(&b.rule))
    });
    v
}

#[cfg(test)]
mod tests {
    #[test]
    fn printable_escapes_terminal_controls() {
        assert_eq!(super::printable("a\u{1b}[31mb\nc"), "a\\u{1b}[31mb\nc");
        assert_eq!(super::printable("plain"), "plain");
    }
}

#[cfg(test)]
pub(crate) mod testdata {
    use crate::finding::*;

    pub fn finding(rule: &str, sev: Severity, path: &str, line: u32) -> Finding {
        Finding {
            rule: rule.into(),
            stage: Stage::Policy,
            severity: sev,
            security_severity: Some(7.5),
            message: format!("{rule} violated"),
            help: "Fix it.".into(),
            url: None,
            location: Some(Location {
                path: path.into(),
                line: Some(line),
                column: Some(3),
                ..Location::default()
            }),
            related: vec![],
            object: None,
            chart: Some("charts/web".into()),
            fingerprint: fingerprint(&[rule, path]),
            suppressed: None,
        }
    }
}
