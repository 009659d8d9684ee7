//! GitHub Actions workflow commands: `::error file=…,line=…::message` annotations.

use super::sorted;
use crate::finding::{Finding, Severity};

/// Escapes a message as GitHub's runner expects (`%`, CR, LF).
fn escape_data(s: &str) -> String {
    super::printable(s)
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value: the data escapes plus `:` and `,`.
fn escape_prop(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in sorted(findings) {
        if f.suppressed.is_some() {
            continue;
        }
        let cmd = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let mut props = Vec::new();
        if let Some(l) = &f.location {
            props.push(format!("file={}", escape_prop(&l.path)));
            if let Some(line) = l.line {
                props.push(format!("line={line}"));
            }
            if let Some(col) = l.column {
                props.push(format!("col={col}"));
            }
            if let Some(end) = l.end_line {
                props.push(format!("endLine={end}"));
            }
        }
        props.push(format!(
            "title={}",
            escape_prop(&format!("chartgate {}", f.rule))
        ));
        out.push_str(&format!(
            "::{cmd} {}::{}\n",
            props.join(","),
            escape_data(&f.message)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::finding;

    #[test]
    fn annotation_escapes() {
        let mut f = finding("r", Severity::Warning, "a,b:c.yaml", 4);
        f.message = "100% bad\nnext".into();
        let out = render(&[f]);
        assert_eq!(
            out,
            "::warning file=a%2Cb%3Ac.yaml,line=4,col=3,title=chartgate r::100%25 bad%0Anext\n"
        );
    }
}
