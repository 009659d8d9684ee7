//! A Markdown summary (tera template), e.g. for `$GITHUB_STEP_SUMMARY`.

use super::{counts, sorted, ReportMeta};
use crate::finding::Finding;
use serde::Serialize;

const TEMPLATE: &str = include_str!("templates/summary.md.tera");
/// Step summaries are size-limited; list the most severe findings only.
const MAX_ROWS: usize = 50;

#[derive(Serialize)]
struct Row {
    severity: String,
    rule: String,
    location: String,
    message: String,
}

/// Table cells must not break the Markdown table.
fn cell(s: &str) -> String {
    super::printable(s)
        .replace('|', "\\|")
        .replace(['\n', '\r'], " ")
}

pub fn render(findings: &[Finding], meta: &ReportMeta) -> Result<String, String> {
    let mut active: Vec<&Finding> = sorted(findings)
        .into_iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    active.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let rows: Vec<Row> = active
        .iter()
        .take(MAX_ROWS)
        .map(|f| Row {
            severity: f.severity.to_string(),
            rule: f.rule.clone(),
            location: f.location.as_ref().map_or("-".into(), |l| {
                cell(&format!("{}:{}", l.path, l.line.unwrap_or(0)))
            }),
            message: cell(&f.message),
        })
        .collect();
    let mut ctx = tera::Context::new();
    ctx.insert("counts", &counts(findings));
    ctx.insert("targets", &meta.targets);
    ctx.insert("failed", &active.iter().any(|f| f.severity >= meta.fail_on));
    ctx.insert("more", &active.len().saturating_sub(MAX_ROWS));
    ctx.insert("rows", &rows);
    tera::Tera::one_off(TEMPLATE, &ctx, false).map_err(|e| format!("markdown summary: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use crate::report::testdata::finding;

    #[test]
    fn markdown_lists_findings() {
        let meta = ReportMeta {
            tool_version: "0".into(),
            root: ".".into(),
            targets: vec!["charts/web".into()],
            fail_on: Severity::Error,
        };
        let mut f = finding("r1", Severity::Error, "t.yaml", 3);
        f.message = "a | b".into();
        let out = render(&[f], &meta).unwrap();
        assert!(out.contains("gate failed"), "{out}");
        assert!(
            out.contains("| error | `r1` | t.yaml:3 | a \\| b |"),
            "{out}"
        );
        let clean = render(&[], &meta).unwrap();
        assert!(
            clean.contains("gate passed") && clean.contains("No findings."),
            "{clean}"
        );
    }
}
