//! Human-readable text: one miette diagnostic per finding, with the source lines it points at.

use super::{counts, sorted, ReportMeta};
use crate::finding::{Finding, Severity};
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan,
};
use std::fmt;

#[derive(Clone, Copy, Debug, Default)]
pub struct TextOptions {
    /// ANSI colour (only when writing to a terminal).
    pub color: bool,
    /// Show suppressed findings too (marked as such).
    pub show_suppressed: bool,
}

struct Diag<'a> {
    f: &'a Finding,
    source: Option<NamedSource<String>>,
    span: Option<SourceSpan>,
}

impl fmt::Debug for Diag<'_> {
    fn fmt(&self, fm: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(fm, "{}", self.f.rule)
    }
}

impl fmt::Display for Diag<'_> {
    fn fmt(&self, fm: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(fm, "{}", super::printable(&self.f.message))?;
        if let Some(s) = &self.f.suppressed {
            write!(fm, " (suppressed: {})", s.kind)?;
        }
        Ok(())
    }
}

impl std::error::Error for Diag<'_> {}

impl Diagnostic for Diag<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.f.rule))
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        if self.f.help.is_empty() {
            None
        } else {
            Some(Box::new(&self.f.help))
        }
    }
    fn url<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.f
            .url
            .as_ref()
            .map(|u| Box::new(u) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.span?;
        let label = match &self.f.object {
            Some(o) => format!("{} {}", o.kind, o.name),
            None => "here".to_string(),
        };
        Some(Box::new(std::iter::once(LabeledSpan::new_with_span(
            Some(label),
            span,
        ))))
    }
}

/// The byte span of `line:column` (1-based) to the end of that line.
fn span_of(text: &str, line: u32, column: Option<u32>) -> Option<SourceSpan> {
    let mut offset = 0usize;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line as usize {
            let content = l.trim_end_matches(['\n', '\r']);
            let col = column.map_or(0, |c| (c as usize).saturating_sub(1));
            // Columns count characters; find the byte offset of that character.
            let start = content
                .char_indices()
                .nth(col)
                .map_or(content.len(), |(b, _)| b);
            let len = content.len().saturating_sub(start).max(1);
            return Some(SourceSpan::new((offset + start).into(), len));
        }
        offset += l.len();
    }
    None
}

/// The path and position as `path:line:col`.
fn position(f: &Finding) -> String {
    match &f.location {
        Some(l) => match (l.line, l.column) {
            (Some(a), Some(b)) => format!("{}:{a}:{b}", l.path),
            (Some(a), None) => format!("{}:{a}", l.path),
            _ => l.path.clone(),
        },
        None => "-".into(),
    }
}

pub fn render(findings: &[Finding], meta: &ReportMeta, opts: &TextOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_links(false)
        .with_context_lines(1);
    let mut out = String::new();
    // Most severe first, so the reason a gate failed is at the top of a CI log.
    let mut ordered = sorted(findings);
    ordered.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in ordered {
        if f.suppressed.is_some() && !opts.show_suppressed {
            continue;
        }
        let mut source = None;
        let mut span = None;
        if let Some(l) = &f.location {
            if let (Some(line), Ok(text)) =
                (l.line, std::fs::read_to_string(meta.root.join(&l.path)))
            {
                span = span_of(&text, line, l.column);
                if span.is_some() {
                    source = Some(NamedSource::new(l.path.clone(), text));
                }
            }
        }
        let d = Diag { f, source, span };
        if d.source.is_none() {
            out.push_str(&format!("{}: ", position(f)));
        }
        if handler.render_report(&mut out, &d).is_err() {
            out.push_str(&format!("{}: {} [{}]\n", position(f), f.message, f.rule));
        }
        out.push('\n');
    }
    let c = counts(findings);
    out.push_str(&format!(
        "{} error{}, {} warning{}, {} info ({} suppressed)\n",
        c.error,
        if c.error == 1 { "" } else { "s" },
        c.warning,
        if c.warning == 1 { "" } else { "s" },
        c.info,
        c.suppressed
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::finding;

    #[test]
    fn text_shows_snippet_and_summary() {
        let dir = std::env::temp_dir().join(format!("cg-text-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("d.yaml"), "a: 1\n  privileged: true\nc: 3\n").unwrap();
        let meta = ReportMeta {
            tool_version: "0".into(),
            root: dir.clone(),
            targets: vec![],
            fail_on: Severity::Error,
        };
        let f = finding("no-privileged", Severity::Error, "d.yaml", 2);
        let out = render(&[f], &meta, &TextOptions::default());
        assert!(out.contains("no-privileged"), "{out}");
        assert!(out.contains("privileged: true"), "{out}");
        assert!(out.contains("d.yaml:2:3"), "{out}");
        assert!(
            out.ends_with("1 error, 0 warnings, 0 info (0 suppressed)\n"),
            "{out}"
        );
        assert!(!out.contains('\u{1b}'), "no colour when not asked: {out}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[test]
    fn span_counts_characters() {
        let s = span_of("ab\néx: 1\n", 2, Some(2)).unwrap();
        assert_eq!(s.offset(), 3 + 2);
    }
}
