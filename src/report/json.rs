//! The JSON report (format version 1, documented in docs/json-report.md).

use super::{counts, sorted, ReportMeta};
use crate::finding::{Finding, RuleDoc};
use serde::Serialize;

/// Bump when a field changes meaning or disappears; adding fields keeps the version.
pub const VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool<'a>,
    targets: &'a [String],
    summary: super::Counts,
    findings: Vec<&'a Finding>,
    rules: Vec<&'a RuleDoc>,
}

#[derive(Serialize)]
struct Tool<'a> {
    name: &'static str,
    version: &'a str,
}

pub fn render(
    findings: &[Finding],
    rules: &[RuleDoc],
    meta: &ReportMeta,
) -> Result<String, String> {
    let used: Vec<&RuleDoc> = rules
        .iter()
        .filter(|r| findings.iter().any(|f| f.rule == r.id))
        .collect();
    let report = Report {
        version: VERSION,
        tool: Tool {
            name: "chartgate",
            version: &meta.tool_version,
        },
        targets: &meta.targets,
        summary: counts(findings),
        findings: sorted(findings),
        rules: used,
    };
    serde_json::to_string_pretty(&report)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::report::testdata::finding;

    #[test]
    fn json_is_versioned_and_counts() {
        let meta = ReportMeta {
            tool_version: "0.1.0".into(),
            root: ".".into(),
            targets: vec!["charts/web".into()],
            fail_on: Severity::Error,
        };
        let f = vec![
            finding("a", Severity::Error, "x.yaml", 2),
            finding("b", Severity::Info, "x.yaml", 1),
        ];
        let out = render(&f, &[], &meta).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["version"], 1);
        assert_eq!(v["summary"]["error"], 1);
        assert_eq!(v["findings"][0]["rule"], "b", "sorted by line");
    }
}
