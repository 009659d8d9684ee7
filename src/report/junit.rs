//! JUnit XML: a test suite per target, a test case per finding (failed at or above the gate's
//! threshold, skipped when suppressed), and a passing case for a clean target.

use super::{sorted, ReportMeta};
use crate::finding::Finding;

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            // XML 1.0 forbids most control characters even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => o.push(' '),
            c => o.push(c),
        }
    }
    o
}

pub fn render(findings: &[Finding], meta: &ReportMeta) -> String {
    let mut targets: Vec<String> = meta.targets.clone();
    for f in findings {
        let t = f.chart.clone().unwrap_or_default();
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    let all = sorted(findings);
    let mut suites = String::new();
    let (mut total, mut total_fail) = (0usize, 0usize);
    for t in &targets {
        let fs: Vec<&&Finding> = all
            .iter()
            .filter(|f| f.chart.as_deref().unwrap_or("") == t)
            .collect();
        let mut cases = String::new();
        let (mut tests, mut failures, mut skipped) = (0, 0, 0);
        for f in &fs {
            tests += 1;
            let loc = f
                .location
                .as_ref()
                .map(|l| format!("{}:{}", l.path, l.line.unwrap_or(0)))
                .unwrap_or_default();
            cases.push_str(&format!(
                "    <testcase classname=\"{}\" name=\"{} {}\" file=\"{}\">\n",
                esc(&f.rule),
                esc(&f.rule),
                esc(&loc),
                esc(f.location.as_ref().map_or("", |l| l.path.as_str()))
            ));
            if f.suppressed.is_some() {
                skipped += 1;
                cases.push_str("      <skipped message=\"suppressed\"/>\n");
            } else if f.severity >= meta.fail_on {
                failures += 1;
                cases.push_str(&format!(
                    "      <failure type=\"{}\" message=\"{}\">{}\n{}</failure>\n",
                    f.severity,
                    esc(&f.message),
                    esc(&loc),
                    esc(&f.help)
                ));
            } else {
                cases.push_str(&format!(
                    "      <system-out>{}: {}</system-out>\n",
                    f.severity,
                    esc(&f.message)
                ));
            }
            cases.push_str("    </testcase>\n");
        }
        if fs.is_empty() {
            tests = 1;
            cases.push_str(&format!(
                "    <testcase classname=\"chartgate\" name=\"{} passed\"/>\n",
                esc(t)
            ));
        }
        total += tests;
        total_fail += failures;
        suites.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" errors=\"0\" skipped=\"{skipped}\">\n{cases}  </testsuite>\n",
            esc(if t.is_empty() { "chartgate" } else { t })
        ));
    }
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"chartgate\" tests=\"{total}\" failures=\"{total_fail}\">\n{suites}</testsuites>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::{Severity, Suppression};
    use crate::report::testdata::finding;

    #[test]
    fn junit_marks_failures_and_skips() {
        let meta = ReportMeta {
            tool_version: "0".into(),
            root: ".".into(),
            targets: vec!["charts/web".into(), "charts/clean".into()],
            fail_on: Severity::Warning,
        };
        let mut s = finding("b", Severity::Error, "t.yaml", 1);
        s.suppressed = Some(Suppression {
            kind: "baseline".into(),
            justification: None,
        });
        let out = render(&[finding("a<&>", Severity::Warning, "t.yaml", 3), s], &meta);
        assert!(out.contains("tests=\"3\" failures=\"1\""), "{out}");
        assert!(out.contains("a&lt;&amp;&gt;"), "{out}");
        assert!(out.contains("<skipped message=\"suppressed\"/>"), "{out}");
        assert!(out.contains("charts/clean passed"), "{out}");
    }
}
