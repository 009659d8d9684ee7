//! A fast path for the YAML most values files and manifests are made of: block mappings and
//! sequences, single-line plain/quoted scalars, one-line flow collections, `|` literals and
//! comments. Anything else (anchors, tags, tabs, folded or multi-line scalars, complex keys,
//! document markers, errors) makes it give up (`None`) so the full saphyr-based loader decides:
//! both paths must agree on every input the fast path accepts (checked by tests).

use super::load::{key_string, scalar_value, Children, Loc, SpanNode};
use super::resolve::resolve_plain;
use super::{Stage, YamlError};
use crate::value::Value;
use saphyr_parser::ScalarStyle;
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// Block nesting the (recursive) fast path handles; deeper documents go to the full loader.
const MAX_DEPTH: usize = 200;
/// go-yaml v2's flow/indent level limit and encoding/json's nesting limit.
const MAX_GO_DEPTH: usize = 10_000;

struct Line<'a> {
    /// 1-based line number.
    no: usize,
    /// Indentation in spaces (byte offset of `text` in the line).
    indent: usize,
    /// The line after the indentation, without the line break.
    text: &'a str,
    /// The full line without the line break (for block scalars).
    raw: &'a str,
}

struct Fast<'a> {
    lines: Vec<Line<'a>>,
    i: usize,
    spans: bool,
    /// An error that ends the load where the fast path stopped (flow depth limit).
    fatal: Option<YamlError>,
    /// encoding/json's depth error, reported once the whole document has loaded.
    json_depth: Option<YamlError>,
    /// See [`fast_load_with`].
    relaxed: bool,
    /// See [`super::load_pruned`]: which mapping entries to build (`None`: all).
    keep: Option<Keep<'a>>,
    /// Mapping keys from the root to the entry being parsed (tracked only with `keep`).
    path: Vec<String>,
    /// False inside an entry `keep` turned down: parsed and checked, not built.
    building: bool,
}

/// A filter on mapping-key paths from the root (see [`super::load_pruned`]).
pub type Keep<'a> = &'a dyn Fn(&[&str]) -> bool;

type Node = (Value, SpanNode);

/// Loads `src` if it stays within the fast subset (`None`: ask the full loader). An error is
/// one the fast path can decide alone: nesting deeper than go-yaml/encoding/json allow.
pub(super) fn fast_load(src: &str, spans: bool) -> Option<Result<(Value, SpanNode), YamlError>> {
    fast_load_with(src, spans, false)
}

/// [`fast_load`]; `relaxed` also takes flow continuation lines that are not indented past
/// their block (libyaml accepts them; the full loader re-indents them, which moves their
/// columns), for documents the full loader cannot take at all (flows nested over 255 deep).
pub(super) fn fast_load_with(
    src: &str,
    spans: bool,
    relaxed: bool,
) -> Option<Result<(Value, SpanNode), YamlError>> {
    fast_load_pruned(src, spans, relaxed, None)
}

/// [`fast_load_with`], building only the mapping entries `keep` accepts (the rest are parsed
/// and checked as usual, so the fast path accepts and rejects exactly the same documents).
pub(super) fn fast_load_pruned<'a>(
    src: &'a str,
    spans: bool,
    relaxed: bool,
    keep: Option<Keep<'a>>,
) -> Option<Result<(Value, SpanNode), YamlError>> {
    let mut f = fast_lines(src, spans)?;
    f.relaxed = relaxed;
    f.keep = keep;
    let node = f.document();
    if let Some(e) = f.fatal.take() {
        return Some(Err(e));
    }
    let node = node?;
    Some(match f.json_depth.take() {
        Some(e) => Err(e),
        None => Ok(node),
    })
}

fn fast_lines(src: &str, spans: bool) -> Option<Fast<'_>> {
    if !chars_ok(src) {
        return None;
    }
    let mut lines = Vec::new();
    for (idx, raw) in src.split('\n').enumerate() {
        let trimmed = raw.trim_start_matches(' ');
        let indent = raw.len() - trimmed.len();
        if raw.starts_with("---") || raw.starts_with("...") {
            return None;
        }
        lines.push(Line {
            no: idx + 1,
            indent,
            text: trimmed,
            raw,
        });
    }
    Some(Fast {
        lines,
        i: 0,
        spans,
        fatal: None,
        json_depth: None,
        relaxed: false,
        keep: None,
        path: Vec::new(),
        building: true,
    })
}

/// Tabs, CRs, BOMs, YAML 1.1 line breaks (NEL, LS, PS) and characters libyaml's reader rejects
/// all send the input to the full loader.
fn chars_ok(src: &str) -> bool {
    let ascii_ok = |b: u8| (b >= 0x20 && b != 0x7f) || b == b'\n';
    if src.is_ascii() {
        // Whole blocks without an early exit, which the compiler turns into vector code:
        // values files are mostly long comment blocks, so this check is per byte of them.
        let bad = |b: u8| u8::from((b < 0x20 && b != b'\n') || b == 0x7f);
        let mut blocks = src.as_bytes().chunks_exact(64);
        let clean = blocks
            .by_ref()
            .all(|c| c.iter().fold(0u8, |acc, &b| acc | bad(b)) == 0);
        return clean && blocks.remainder().iter().all(|&b| ascii_ok(b));
    }
    src.chars().all(|c| {
        let u = c as u32;
        if u < 0x80 {
            ascii_ok(u as u8)
        } else {
            !(0x80..=0x9F).contains(&u) && !matches!(u, 0x2028 | 0x2029 | 0xFEFF | 0xFFFE | 0xFFFF)
        }
    })
}

fn is_comment_or_blank(text: &str) -> bool {
    text.is_empty() || text.starts_with('#')
}

impl<'a> Fast<'a> {
    /// The whole document: a block node, or a flow collection.
    fn document(&mut self) -> Option<Node> {
        self.skip_blank();
        if self.i >= self.lines.len() {
            return Some((Value::Nil, SpanNode::default()));
        }
        if self.lines[self.i].indent != 0 {
            return None;
        }
        let li = self.i;
        let text = self.lines[li].text;
        let node = if text.starts_with('[') || text.starts_with('{') {
            self.i += 1;
            self.flow(li, 0, text, 0, None)?
        } else {
            self.block(0, 0)?
        };
        self.skip_blank();
        if self.i < self.lines.len() {
            return None;
        }
        Some(node)
    }

    /// A flow collection `text` starting at byte `col` of line `li` inside `outer`
    /// collections, continuation lines indented deeper than `min_indent`; only a comment may
    /// follow it on its last line, and parsing goes on after that line.
    fn flow(
        &mut self,
        li: usize,
        col: usize,
        text: &'a str,
        outer: usize,
        min_indent: Option<usize>,
    ) -> Option<Node> {
        let mut p = FlowParser {
            s: text,
            i: 0,
            min_indent,
            outer,
            li,
            base: col,
            fatal: None,
            json_depth: None,
        };
        let node = p.node(self);
        if p.fatal.is_some() {
            self.fatal = p.fatal;
            return None;
        }
        let (v, fs) = node?;
        let rest = &p.s[p.i..];
        if !(rest.is_empty()
            || (rest.starts_with(' ') && is_comment_or_blank(rest.trim_start_matches(' '))))
        {
            return None;
        }
        self.i = self.i.max(p.li + 1);
        if self.json_depth.is_none() {
            self.json_depth = p.json_depth;
        }
        Some((v, SpanNode { key: None, ..fs }))
    }

    fn skip_blank(&mut self) {
        while self.i < self.lines.len() && is_comment_or_blank(self.lines[self.i].text) {
            self.i += 1;
        }
    }

    fn loc(&self, line: usize, byte_in_line: usize) -> Loc {
        if !self.spans {
            return Loc::default();
        }
        let l = &self.lines[line];
        let prefix = &l.raw[..byte_in_line.min(l.raw.len())];
        let col = if prefix.is_ascii() {
            prefix.len()
        } else {
            prefix.chars().count()
        };
        Loc {
            line: l.no,
            col: col + 1,
        }
    }

    /// A block node whose first line is `self.i`, indented exactly `indent`.
    fn block(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let text = self.lines[self.i].text;
        if text == "-" || text.starts_with("- ") {
            self.sequence(indent, depth)
        } else {
            self.mapping(indent, depth)
        }
    }

    fn sequence(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let first = self.loc(self.i, indent);
        let mut items = Vec::new();
        let mut spans = Vec::new();
        let mut end = first;
        loop {
            self.skip_blank();
            if self.i >= self.lines.len() {
                break;
            }
            let (li, lindent, text) = (self.i, self.lines[self.i].indent, self.lines[self.i].text);
            if lindent < indent {
                break;
            }
            if lindent > indent || !(text == "-" || text.starts_with("- ")) {
                // A deeper line here, or a non-item at this indent inside a sequence.
                if lindent == indent {
                    break;
                }
                return None;
            }
            // Content after "- ".
            let rest = text[1..].trim_start_matches(' ');
            let offset = lindent + (text.len() - rest.len());
            let (v, s) = if is_comment_or_blank(rest) {
                self.i += 1;
                self.nested_or_null(indent, li, offset, depth)?
            } else {
                // Re-enter with this line seen as starting at the item's content.
                self.lines[li].indent = offset;
                self.lines[li].text = rest;
                self.item_content(indent, offset, depth)?
            };
            end = s.end;
            if self.building {
                items.push(v);
            }
            if self.spans {
                spans.push(s);
            }
        }
        Some((
            Value::list(items),
            SpanNode {
                key: None,
                value: first,
                end,
                children: if self.spans {
                    Children::List(spans)
                } else {
                    Children::None
                },
            },
        ))
    }

    /// A sequence item's content that starts on the item's line at column `offset`.
    fn item_content(&mut self, seq_indent: usize, offset: usize, depth: usize) -> Option<Node> {
        let text = self.lines[self.i].text;
        if text == "-" || text.starts_with("- ") {
            return self.sequence(offset, depth + 1);
        }
        // A flow collection (a `key: value` inside it is not a block key).
        if !(text.starts_with('[') || text.starts_with('{')) && self.key_split(text).is_some() {
            return self.mapping(offset, depth + 1);
        }
        let li = self.i;
        self.i += 1;
        self.value_text(li, offset, text, seq_indent, depth)
    }

    /// After `key:` or `-` with nothing else on the line: a nested block, an indentless
    /// sequence (for mapping values), or null.
    fn nested_or_null(
        &mut self,
        parent_indent: usize,
        li: usize,
        at: usize,
        depth: usize,
    ) -> Option<Node> {
        self.skip_blank();
        let null = || {
            let loc = self.loc(li, at);
            Some((
                Value::Nil,
                SpanNode {
                    key: None,
                    value: loc,
                    end: loc,
                    children: Children::None,
                },
            ))
        };
        if self.i >= self.lines.len() {
            return null();
        }
        let l = &self.lines[self.i];
        if l.indent > parent_indent {
            let (ind, text, start) = (l.indent, l.text, self.i);
            if text.starts_with(['[', '{']) {
                // A flow collection on the next line (`resources:\n  {}` from `toYaml`).
                let min = (!self.relaxed).then_some(parent_indent);
                let node = self.flow(start, ind, text, depth + 1, min)?;
                self.skip_blank();
                if self.i < self.lines.len() && self.lines[self.i].indent > parent_indent {
                    return None;
                }
                return Some(node);
            }
            return self.block(ind, depth + 1);
        }
        null()
    }

    /// The split of `key: value` on a line: (key text, value text, byte offset of the value).
    fn key_split(&self, text: &'a str) -> Option<(&'a str, ScalarStyle, &'a str, usize)> {
        let b = text.as_bytes();
        match b.first()? {
            b'"' | b'\'' => {
                let q = b[0];
                let close = find_quote_end(text, q)?;
                let after = &text[close + 1..];
                let rest = after.strip_prefix(':')?;
                if !(rest.is_empty() || rest.starts_with(' ')) {
                    return None;
                }
                let style = if q == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                let vstart = text.len() - rest.trim_start_matches(' ').len();
                Some((&text[..close + 1], style, &text[vstart..], vstart))
            }
            _ => {
                let mut i = 0;
                while i < b.len() {
                    match b[i] {
                        b':' if i + 1 == b.len() || b[i + 1] == b' ' => {
                            let key = text[..i].trim_end_matches(' ');
                            let rest = text[i + 1..].trim_start_matches(' ');
                            let vstart = text.len() - rest.len();
                            return Some((key, ScalarStyle::Plain, rest, vstart));
                        }
                        b'#' if i > 0 && b[i - 1] == b' ' => return None,
                        _ => i += 1,
                    }
                }
                None
            }
        }
    }

    fn mapping(&mut self, indent: usize, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let first = self.loc(self.i, indent);
        let mut map = BTreeMap::new();
        let mut spans: HashMap<String, SpanNode> = HashMap::new();
        let mut end = first;
        loop {
            self.skip_blank();
            if self.i >= self.lines.len() {
                break;
            }
            let li = self.i;
            let (lindent, text) = (self.lines[li].indent, self.lines[li].text);
            if lindent < indent {
                break;
            }
            if lindent > indent {
                return None;
            }
            if text == "-" || text.starts_with("- ") {
                // An indentless sequence must follow a key; here it would be an error.
                return None;
            }
            let (ktext, kstyle, vtext, vstart) = self.key_split(text)?;
            let kloc = self.loc(li, lindent);
            let key = self.key(ktext, kstyle, kloc)?;
            let vcol = lindent + vstart;
            self.i += 1;
            let outer = self.building;
            if let (Some(keep), true) = (self.keep, outer) {
                self.path.push(key.clone());
                let path: Vec<&str> = self.path.iter().map(String::as_str).collect();
                self.building = keep(&path);
            }
            let parsed = self.map_value(li, indent, vcol, vtext, depth);
            if self.keep.is_some() && outer {
                self.path.pop();
            }
            let keep_entry = self.building;
            self.building = outer;
            let (v, mut s) = parsed?;
            end = s.end;
            if self.spans {
                s.key = Some(kloc);
                spans.insert(key.clone(), s);
            }
            if keep_entry {
                map.insert(key, v);
            }
        }
        Some((
            Value::map(map),
            SpanNode {
                key: None,
                value: first,
                end,
                children: if self.spans {
                    Children::Map(spans)
                } else {
                    Children::None
                },
            },
        ))
    }

    /// The value of the mapping entry on line `li` (block at `indent`), its text `vtext`
    /// starting at column `vcol`.
    fn map_value(
        &mut self,
        li: usize,
        indent: usize,
        vcol: usize,
        vtext: &'a str,
        depth: usize,
    ) -> Option<Node> {
        if !is_comment_or_blank(vtext) {
            return self.value_text(li, vcol, vtext, indent, depth);
        }
        self.skip_blank();
        let seq_here = self.i < self.lines.len()
            && self.lines[self.i].indent == indent
            && (self.lines[self.i].text == "-" || self.lines[self.i].text.starts_with("- "));
        if seq_here {
            // Indentless sequence as the value.
            self.sequence(indent, depth + 1)
        } else {
            self.nested_or_null(indent, li, vcol.min(self.lines[li].raw.len()), depth)
        }
    }

    fn key(&self, text: &str, style: ScalarStyle, at: Loc) -> Option<String> {
        match style {
            ScalarStyle::Plain => {
                if !plain_ok(text, false) || text == "<<" {
                    return None;
                }
                let r = resolve_plain(text);
                key_string(&r, text, at).ok()
            }
            _ => {
                let (s, used) = quoted(text)?;
                (used == text.len()).then(|| s.into_owned())
            }
        }
    }

    /// A value written on its key's (or item's) line, starting at byte `col` of line `li`.
    /// `parent` is the indentation of the enclosing block (block scalars must go deeper).
    fn value_text(
        &mut self,
        li: usize,
        col: usize,
        text: &'a str,
        parent: usize,
        depth: usize,
    ) -> Option<Node> {
        let at = self.loc(li, col);
        let first = text.as_bytes()[0];
        let (v, end) = match first {
            b'|' => return self.literal(li, col, text, parent),
            b'[' | b'{' => {
                let min = (!self.relaxed).then_some(parent);
                let node = self.flow(li, col, text, depth + 1, min)?;
                self.skip_blank();
                if self.i < self.lines.len() && self.lines[self.i].indent > parent {
                    return None;
                }
                return Some(node);
            }
            b'\'' if find_quote_end(text, b'\'').is_none() => {
                let (s, end) = self.single_quoted_lines(li, text, parent)?;
                (
                    scalar_value(&s, ScalarStyle::SingleQuoted, None, at)
                        .ok()?
                        .1,
                    end,
                )
            }
            b'"' | b'\'' => {
                let (s, used) = quoted(text)?;
                let rest = text[used..].trim_start_matches(' ');
                if !is_comment_or_blank(rest)
                    || (!rest.is_empty() && !text[used..].starts_with(' '))
                {
                    return None;
                }
                let style = if first == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                (
                    scalar_value(&s, style, None, at).ok()?.1,
                    self.loc(li, col + used),
                )
            }
            _ => {
                let raw = plain_value(text)?;
                if !plain_ok(raw, false) {
                    return None;
                }
                if let Some((folded, end)) = self.plain_continuation(li, raw, text, parent) {
                    (
                        scalar_value(&folded, ScalarStyle::Plain, None, at).ok()?.1,
                        end,
                    )
                } else {
                    (
                        scalar_value(raw, ScalarStyle::Plain, None, at).ok()?.1,
                        self.loc(li, col + raw.len()),
                    )
                }
            }
        };
        // A deeper line right after would be a continuation (multi-line scalar): give up.
        self.skip_blank();
        if self.i < self.lines.len() && self.lines[self.i].indent > parent {
            return None;
        }
        let _ = depth;
        Some((
            v,
            SpanNode {
                key: None,
                value: at,
                end,
                children: Children::None,
            },
        ))
    }

    /// A plain scalar continued on deeper lines (how go-yaml wraps long strings, e.g. CRD
    /// descriptions): the lines folded as YAML does (one line break → a space, each blank
    /// line → `\n`) and the end of the last one, with `self.i` after it. `None` (nothing
    /// consumed) when the next content line is not deeper than `parent`. Only lines that are
    /// plainly text continue it; a comment, an indicator or `: ` on the way makes the caller
    /// give up (the caller's own check then sends the document to the full loader).
    fn plain_continuation(
        &mut self,
        li: usize,
        first: &str,
        text: &str,
        parent: usize,
    ) -> Option<(String, Loc)> {
        // A comment after the first line's text ends the scalar.
        if first.len() != text.trim_end_matches(' ').len() {
            return None;
        }
        let mut j = li + 1;
        let mut folded = first.to_string();
        let mut end = None;
        let mut blanks = 0;
        while j < self.lines.len() {
            let line = &self.lines[j];
            if line.text.is_empty() {
                blanks += 1;
                j += 1;
                continue;
            }
            if line.indent <= parent {
                break;
            }
            // Indicators do not start a token inside a plain scalar (`"2m"`, `- x` are text);
            // a comment or `: ` ends it, which the full loader reports.
            let part = line.text.trim_end_matches(' ');
            if part.starts_with('#')
                || part.contains(" #")
                || part.contains(": ")
                || part.ends_with(':')
            {
                return None;
            }
            fold_line_break(&mut folded, blanks);
            folded.push_str(part);
            blanks = 0;
            end = Some(self.loc(j, line.indent + part.len()));
            j += 1;
        }
        let end = end?;
        // Blank lines after the scalar belong to no one; resume at the next content line.
        self.i = j;
        Some((folded, end))
    }

    /// A single-quoted scalar over several lines (go-yaml quotes wrapped strings that contain
    /// `: `): its text with `''` unescaped and the lines folded as for plain scalars, and
    /// the position after the closing quote, with `self.i` after its line. `None` for
    /// anything unusual (a line not deeper than `parent`, an empty line part, text after
    /// the closing quote, no closing quote): the full loader decides.
    fn single_quoted_lines(
        &mut self,
        li: usize,
        text: &str,
        parent: usize,
    ) -> Option<(String, Loc)> {
        let unescape = |part: &str| part.replace("''", "'");
        let first = text[1..].trim_end_matches(' ');
        if first.is_empty() {
            return None;
        }
        let mut out = unescape(first);
        let mut blanks = 0;
        for j in li + 1..self.lines.len() {
            let line = &self.lines[j];
            if line.text.is_empty() {
                blanks += 1;
                continue;
            }
            if line.indent <= parent {
                return None;
            }
            let (part, close) = match quote_close(line.text, b'\'', 0) {
                Some(q) => (&line.text[..q], Some(q)),
                None => (line.text.trim_end_matches(' '), None),
            };
            if part.is_empty() || part.ends_with(' ') {
                return None;
            }
            fold_line_break(&mut out, blanks);
            blanks = 0;
            out.push_str(&unescape(part));
            if let Some(q) = close {
                let rest = &line.text[q + 1..];
                let after = rest.trim_start_matches(' ');
                if !(after.is_empty() || (after.starts_with('#') && rest.starts_with(' '))) {
                    return None;
                }
                self.i = j + 1;
                return Some((out, self.loc(j, line.indent + q + 1)));
            }
        }
        None
    }

    /// A `|` block scalar; the header is `text` (at byte `col` of line `li`), its content
    /// must be indented deeper than `parent`.
    fn literal(&mut self, li: usize, col: usize, text: &str, parent: usize) -> Option<Node> {
        let header = &text[1..];
        let (strip, rest) = match header.as_bytes().first() {
            Some(b'-') => (true, &header[1..]),
            // Keep chomping and indentation indicators: left to the full loader.
            Some(b'+' | b'0'..=b'9') => return None,
            _ => (false, header),
        };
        let trimmed = rest.trim_start_matches(' ');
        if !(trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())) {
            return None;
        }
        let at = self.loc(li, col);
        let start = self.i;
        let mut bi = None;
        let mut last = start; // one past the last content line
        let mut j = start;
        while j < self.lines.len() {
            let l = &self.lines[j];
            if l.text.is_empty() {
                j += 1;
                continue;
            }
            if l.indent <= parent {
                break;
            }
            match bi {
                None => bi = Some(l.indent),
                Some(b) if l.indent < b => return None,
                _ => {}
            }
            j += 1;
            last = j;
        }
        let bi = bi?;
        let first_content = (start..last)
            .find(|&k| !self.lines[k].text.is_empty())
            .unwrap_or(start);
        let at = if self.spans {
            self.loc(first_content, bi)
        } else {
            at
        };
        // The content ends at the stream's end without a line break: clipping differs there.
        if last == self.lines.len() {
            return None;
        }
        let mut out = String::new();
        for l in &self.lines[start..last] {
            if l.text.is_empty() {
                // Blank lines: spaces past the indentation are content; before the first
                // content line libyaml rejects them.
                if l.raw.len() > bi {
                    if out.is_empty() {
                        return None;
                    }
                    out.push_str(&l.raw[bi..]);
                }
            } else {
                out.push_str(&l.raw[bi..]);
            }
            out.push('\n');
        }
        // Trailing blank lines (dropped by clip/strip) must not carry extra spaces.
        if self.lines[last..j].iter().any(|l| l.raw.len() > bi) {
            return None;
        }
        if strip {
            out.pop();
        }
        let end_line = last - 1;
        let end = self.loc(end_line, self.lines[end_line].raw.len());
        self.i = last;
        Some((
            Value::from(out),
            SpanNode {
                key: None,
                value: at,
                end,
                children: Children::None,
            },
        ))
    }
}

/// A plain scalar must not start with an indicator (the fast path is stricter than YAML here).
fn plain_ok(s: &str, flow: bool) -> bool {
    let Some(&c) = s.as_bytes().first() else {
        return false;
    };
    if matches!(
        c,
        b'#' | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b'?'
            | b':'
    ) {
        return false;
    }
    if c == b'-' && (s.len() == 1 || s.as_bytes()[1] == b' ') {
        return false;
    }
    if flow && s.contains(['[', ']', '{', '}', ',', ':']) {
        return false;
    }
    // A `: ` inside a plain value is "mapping values are not allowed": leave it to saphyr.
    !s.contains(": ") && !s.ends_with(':')
}

/// The plain value text on a line: up to ` #` (comment), trailing spaces trimmed.
fn plain_value(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let mut end = b.len();
    for i in 1..b.len() {
        if b[i] == b'#' && b[i - 1] == b' ' {
            end = i;
            break;
        }
    }
    let v = text[..end].trim_end_matches(' ');
    (!v.is_empty()).then_some(v)
}

/// How a line break inside a flow or plain scalar folds: into a space, or into one `\n` per
/// blank line between the two lines.
fn fold_line_break(out: &mut String, blanks: usize) {
    if blanks == 0 {
        out.push(' ');
    } else {
        out.extend(std::iter::repeat_n('\n', blanks));
    }
}

/// Byte index of the closing quote of a quoted scalar starting at 0 (same line only).
fn find_quote_end(text: &str, q: u8) -> Option<usize> {
    quote_close(text, q, 1)
}

/// Byte index of the first closing `q` at or after `from` (escapes and `''` skipped).
fn quote_close(text: &str, q: u8, from: usize) -> Option<usize> {
    let b = text.as_bytes();
    let mut i = from;
    while i < b.len() {
        if q == b'"' && b[i] == b'\\' {
            i += 2;
            continue;
        }
        if b[i] == q {
            if q == b'\'' && b.get(i + 1) == Some(&b'\'') {
                i += 2;
                continue;
            }
            return Some(i);
        }
        i += 1;
    }
    None
}

/// Decodes a single-line quoted scalar at the start of `text`: (value, bytes used).
fn quoted(text: &str) -> Option<(Cow<'_, str>, usize)> {
    let q = *text.as_bytes().first()?;
    let end = find_quote_end(text, q)?;
    let inner = &text[1..end];
    if q == b'\'' {
        if inner.contains('\'') {
            return Some((inner.replace("''", "'").into(), end + 1));
        }
        return Some((inner.into(), end + 1));
    }
    if !inner.contains('\\') {
        return Some((inner.into(), end + 1));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let hex = |n: usize, chars: &mut std::str::Chars| -> Option<char> {
            let h: String = chars.by_ref().take(n).collect();
            if h.len() != n {
                return None;
            }
            char::from_u32(u32::from_str_radix(&h, 16).ok()?)
        };
        out.push(match e {
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            't' => '\t',
            'n' => '\n',
            'v' => '\u{b}',
            'f' => '\u{c}',
            'r' => '\r',
            'e' => '\u{1b}',
            ' ' => ' ',
            '"' => '"',
            '\\' => '\\',
            'N' => '\u{85}',
            '_' => '\u{a0}',
            'L' => '\u{2028}',
            'P' => '\u{2029}',
            'x' => hex(2, &mut chars)?,
            'u' => hex(4, &mut chars)?,
            'U' => hex(8, &mut chars)?,
            _ => return None,
        });
    }
    Some((out.into(), end + 1))
}

/// Flow collections: `[a, "b", {c: 1}]`, also over several lines when every scalar stays on
/// one line (pretty-printed JSON). Iterative (an explicit stack), so nesting as deep as
/// go-yaml allows costs no native stack.
struct FlowParser<'a> {
    /// The current line from `base` on.
    s: &'a str,
    i: usize,
    /// Continuation lines must be indented deeper than this (saphyr's rule; the full loader
    /// patches such lines, so positions would differ): `None` at the document's top level.
    min_indent: Option<usize>,
    /// Collections enclosing this flow node (for encoding/json's depth limit).
    outer: usize,
    /// The current line, and the byte offset of `s` in it (for positions).
    li: usize,
    base: usize,
    /// An error that ends the load (go-yaml's flow depth limit).
    fatal: Option<YamlError>,
    /// encoding/json's depth error, reported only if the document otherwise loads.
    json_depth: Option<YamlError>,
}

/// An open flow collection.
enum FlowFrame {
    Seq {
        items: Vec<Value>,
        spans: Vec<SpanNode>,
        at: Loc,
    },
    Map {
        map: BTreeMap<String, Value>,
        spans: HashMap<String, SpanNode>,
        at: Loc,
        /// The key whose value is being parsed.
        key: Option<(String, Loc)>,
    },
}

/// What the flow parser expects next.
#[derive(Clone, Copy)]
enum FlowState {
    /// A node.
    Value,
    /// After `[` or `,` in a sequence: an item or `]`.
    Item,
    /// After `{` or `,` in a mapping: a key or `}`.
    Key,
    /// A node is complete: attach it, then `,` or a closing bracket.
    After,
}

impl<'a> FlowParser<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.i).copied()
    }

    /// Spaces on the current line only.
    fn spaces(&mut self) {
        while self.peek() == Some(b' ') {
            self.i += 1;
        }
    }

    /// Skips spaces, line ends, comments and blank lines. `None` when the input ends inside
    /// the collection or a continuation line is one the fast path leaves to the full loader.
    fn ws(&mut self, f: &Fast<'a>) -> Option<()> {
        loop {
            self.spaces();
            let b = self.s.as_bytes();
            let comment =
                self.i < b.len() && b[self.i] == b'#' && (self.i == 0 || b[self.i - 1] == b' ');
            if self.i < b.len() && !comment {
                return Some(());
            }
            self.li += 1;
            let line = f.lines.get(self.li)?;
            if !is_comment_or_blank(line.text) && self.min_indent.is_some_and(|m| line.indent <= m)
            {
                return None;
            }
            self.s = line.raw;
            self.base = 0;
            self.i = 0;
        }
    }

    /// After a plain scalar that ends its line: the next line must go on with an indicator,
    /// or the scalar would continue there (a multi-line plain scalar: full loader).
    fn plain_ends_here(&self, f: &Fast<'a>) -> bool {
        let next = f.lines[self.li + 1..].iter().find(|l| !l.text.is_empty());
        matches!(
            next.and_then(|l| l.text.as_bytes().first()),
            Some(b',' | b']' | b'}')
        )
    }

    /// Depth checks for a collection opened at `self.i` with `open` flow collections around
    /// it: go-yaml v2 refuses more than 10000 flow levels (a scanner error, so positioned
    /// like one: no line on the first line); encoding/json then refuses a document nested
    /// more than 10000 deep.
    fn check_depth(&mut self, f: &Fast<'a>, open: usize) -> Option<()> {
        let c = self.s.as_bytes()[self.i] as char;
        if open + 1 > MAX_GO_DEPTH {
            let line = f.lines[self.li].no;
            let message = if line > 1 {
                format!("yaml: line {line}: exceeded max depth of {MAX_GO_DEPTH}")
            } else {
                format!("yaml: exceeded max depth of {MAX_GO_DEPTH}")
            };
            self.fatal = Some(YamlError {
                line,
                col: self.base + self.i + 1,
                message,
                stage: Stage::Convert,
            });
            return None;
        }
        if self.outer + open + 1 > MAX_GO_DEPTH && self.json_depth.is_none() {
            self.json_depth = Some(YamlError {
                line: 0,
                col: 0,
                message: format!("invalid character '{c}' exceeded max depth"),
                stage: Stage::Decode,
            });
        }
        Some(())
    }

    fn node(&mut self, f: &Fast<'a>) -> Option<(Value, SpanNode)> {
        let with_spans = f.spans;
        // Inside an entry the pruned load does not keep, the collection is parsed and checked
        // the same way but nothing is attached (a CRD's schema can be a megabyte of flow).
        let build = f.building;
        let mut stack: Vec<FlowFrame> = Vec::new();
        let mut state = FlowState::Value;
        let mut done: Option<(Value, SpanNode)> = None;
        loop {
            match state {
                FlowState::Value => {
                    self.ws(f)?;
                    let at = f.loc(self.li, self.base + self.i);
                    match self.peek()? {
                        b'[' => {
                            self.check_depth(f, stack.len())?;
                            self.i += 1;
                            stack.push(FlowFrame::Seq {
                                items: Vec::new(),
                                spans: Vec::new(),
                                at,
                            });
                            state = FlowState::Item;
                        }
                        b'{' => {
                            self.check_depth(f, stack.len())?;
                            self.i += 1;
                            stack.push(FlowFrame::Map {
                                map: BTreeMap::new(),
                                spans: HashMap::new(),
                                at,
                                key: None,
                            });
                            state = FlowState::Key;
                        }
                        _ => {
                            let (text, style) = self.scalar_text(f)?;
                            let v = scalar_value(&text, style, None, Loc::default()).ok()?.1;
                            let end = f.loc(self.li, self.base + self.i);
                            done = Some((
                                v,
                                SpanNode {
                                    key: None,
                                    value: at,
                                    end,
                                    children: Children::None,
                                },
                            ));
                            state = FlowState::After;
                        }
                    }
                }
                FlowState::Item => {
                    self.ws(f)?;
                    if self.peek() == Some(b']') {
                        self.i += 1;
                        done = Some(self.close(f, stack.pop()?));
                        state = FlowState::After;
                    } else {
                        state = FlowState::Value;
                    }
                }
                FlowState::Key => {
                    self.ws(f)?;
                    if self.peek() == Some(b'}') {
                        self.i += 1;
                        done = Some(self.close(f, stack.pop()?));
                        state = FlowState::After;
                        continue;
                    }
                    let kloc = f.loc(self.li, self.base + self.i);
                    let (k, kstyle) = self.scalar_text(f)?;
                    let key = match kstyle {
                        ScalarStyle::Plain => {
                            if k == "<<" {
                                return None;
                            }
                            key_string(&resolve_plain(&k), &k, Loc::default()).ok()?
                        }
                        _ => k.into_owned(),
                    };
                    let Some(FlowFrame::Map { key: slot, .. }) = stack.last_mut() else {
                        return None;
                    };
                    *slot = Some((key, kloc));
                    // An implicit key and its `:` share a line.
                    self.spaces();
                    if self.peek() == Some(b':') {
                        self.i += 1;
                        // After a quoted key the value may follow the colon directly
                        // (`{"a":1}`, what toJson writes).
                        if !matches!(self.peek(), Some(b' '))
                            && (kstyle == ScalarStyle::Plain || self.peek().is_none())
                        {
                            return None;
                        }
                        state = FlowState::Value;
                    } else if !matches!(self.peek(), Some(b',' | b'}')) {
                        return None;
                    } else {
                        // `{a}`: a key without a value; positions of such nulls aren't compared.
                        done = Some((Value::Nil, SpanNode::default()));
                        state = FlowState::After;
                    }
                }
                FlowState::After => {
                    let (v, mut s) = done.take()?;
                    let Some(top) = stack.last_mut() else {
                        return Some((v, s));
                    };
                    let is_seq = match top {
                        FlowFrame::Seq { items, spans, .. } => {
                            if build {
                                items.push(v);
                            }
                            if with_spans {
                                spans.push(s);
                            }
                            true
                        }
                        FlowFrame::Map {
                            map, spans, key, ..
                        } => {
                            let (k, kloc) = key.take()?;
                            if with_spans {
                                s.key = Some(kloc);
                                spans.insert(k.clone(), s);
                            }
                            if build {
                                map.insert(k, v);
                            }
                            false
                        }
                    };
                    self.ws(f)?;
                    match (self.peek()?, is_seq) {
                        (b',', true) => {
                            self.i += 1;
                            state = FlowState::Item;
                        }
                        (b',', false) => {
                            self.i += 1;
                            state = FlowState::Key;
                        }
                        (b']', true) | (b'}', false) => {
                            self.i += 1;
                            done = Some(self.close(f, stack.pop()?));
                        }
                        _ => return None,
                    }
                }
            }
        }
    }

    /// The node of a collection whose closing bracket was just consumed.
    fn close(&self, f: &Fast<'a>, frame: FlowFrame) -> (Value, SpanNode) {
        let end = f.loc(self.li, self.base + self.i);
        let (v, at, children) = match frame {
            FlowFrame::Seq { items, spans, at } => (Value::list(items), at, Children::List(spans)),
            FlowFrame::Map { map, spans, at, .. } => (Value::map(map), at, Children::Map(spans)),
        };
        (
            v,
            SpanNode {
                key: None,
                value: at,
                end,
                children: if f.spans { children } else { Children::None },
            },
        )
    }

    /// A flow scalar: its text (decoded when quoted) and style.
    fn scalar_text(&mut self, f: &Fast<'a>) -> Option<(Cow<'a, str>, ScalarStyle)> {
        let s: &'a str = self.s;
        let rest = &s[self.i..];
        match rest.as_bytes().first()? {
            q @ (b'"' | b'\'') => {
                let (v, used) = quoted(rest)?;
                self.i += used;
                let style = if *q == b'"' {
                    ScalarStyle::DoubleQuoted
                } else {
                    ScalarStyle::SingleQuoted
                };
                Some((v, style))
            }
            _ => {
                let b = rest.as_bytes();
                let mut end = 0;
                while end < b.len()
                    && !matches!(b[end], b',' | b']' | b'}' | b'[' | b'{' | b'#' | b':')
                {
                    end += 1;
                }
                let raw = rest[..end].trim_end_matches(' ');
                if raw.is_empty() || !plain_ok(raw, true) {
                    return None;
                }
                if end < b.len() && matches!(b[end], b'#' | b'[' | b'{') {
                    return None;
                }
                if end == b.len() && !self.plain_ends_here(f) {
                    return None;
                }
                self.i += raw.len();
                Some((Cow::Borrowed(raw), ScalarStyle::Plain))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block check agrees with the per-character rule, whatever the position of the
    /// offending byte (in a block, at its edges, in the remainder).
    #[test]
    fn chars_ok_blocks_agree_with_bytes() {
        let naive = |s: &str| {
            s.chars().all(|c| {
                let u = c as u32;
                if u < 0x80 {
                    (u >= 0x20 && u != 0x7f) || u == 0x0a
                } else {
                    !(0x80..=0x9F).contains(&u)
                        && !matches!(u, 0x2028 | 0x2029 | 0xFEFF | 0xFFFE | 0xFFFF)
                }
            })
        };
        for len in [0usize, 1, 63, 64, 65, 127, 128, 200] {
            let base: String = (0..len)
                .map(|i| if i % 7 == 6 { '\n' } else { 'a' })
                .collect();
            assert_eq!(chars_ok(&base), naive(&base));
            for pos in 0..len {
                for bad in ['\t', '\r', '\x7f', '\x00', '\x1f', 'é'] {
                    let mut s: Vec<char> = base.chars().collect();
                    s[pos] = bad;
                    let s: String = s.into_iter().collect();
                    assert_eq!(chars_ok(&s), naive(&s), "{len} {pos} {bad:?}");
                }
            }
        }
    }
    use crate::yaml::load::{load_docs_full, Spans};

    fn locs(n: &SpanNode, v: &Value, path: String, out: &mut Vec<String>) {
        if let Some(k) = n.key {
            out.push(format!("{path} key {}:{}", k.line, k.col));
        }
        match (&n.children, v) {
            (Children::Map(m), Value::Map(vm)) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                for k in keys {
                    if let Some(cv) = vm.get(k) {
                        locs(&m[k], &cv, format!("{path}/{k}"), out);
                    }
                }
            }
            (Children::List(l), Value::List(vl)) => {
                for (i, (c, cv)) in l.iter().zip(vl.items.iter()).enumerate() {
                    locs(c, cv, format!("{path}/{i}"), out);
                }
            }
            (Children::None, v) if !v.is_nil() => {
                out.push(format!("{path} value {}:{}", n.value.line, n.value.col))
            }
            _ => {}
        }
    }

    /// The fast path either declines or agrees with the full loader (values and positions).
    fn agree(src: &str) -> bool {
        let fast = fast_load(src, true);
        let full = load_docs_full(src, true, true);
        let Some(Ok((fv, fs))) = fast else {
            return false;
        };
        let full = full.unwrap_or_else(|e| {
            panic!("fast path accepted what the full loader rejects: {src:?}: {e}")
        });
        let (sv, ss) = full
            .into_iter()
            .next()
            .unwrap_or((Value::Nil, Spans::default()));
        let fj = crate::json::to_json(&fv).unwrap();
        let sj = crate::json::to_json(&sv).unwrap();
        assert_eq!(fj, sj, "values differ for {src:?}");
        let (mut a, mut b) = (Vec::new(), Vec::new());
        locs(&fs, &fv, String::new(), &mut a);
        locs(ss.root(), &sv, String::new(), &mut b);
        assert_eq!(a, b, "positions differ for {src:?}");
        true
    }

    #[test]
    fn agrees_with_full_loader() {
        let accepted = [
            "a: 1\nb: yes\nc: [x, y, 'z', \"w\"]\nd: {p: 1, q: [1, 2]}\n",
            "# c\na:\n  b:\n    c: d # trailing\n  e:\n  - 1\n  - x: 1\n    y: 2\n  - - n\n    - m\nf: ~\n",
            "list:\n- name: a\n  value: \"b c\"\n- |\n  text\n  more\n- k: |-\n    x\n\n    y\n  z: 1\nafter: 1\n",
            "s: 'it''s'\nq: \"a\\tb\\u00e9\\n\"\nu: héllo wörld\nn: 0777\nh: 0x1F\nf: 1_000.5\nt: 2024-01-01\n",
            "\"quoted key\": 1\n'single': 2\ny: 3\n010: 4\n1.5: 5\nempty:\nlast: 'x' # c\n",
            "a:\n  - 1\n  - 2\nb:\n    - deep\n",
            "- a\n- b: 1\n  c:\n  - d\n- []\n- {}\n",
            "text: |\n  line one\n    indented\n\n  after blank\nnext: 2\n",
            "x: -1\ny: --a\nz: a#b\nw: http://example.com/x?y=1\n",
            "{a: 1, b: [x, \"y\"], c: {}} # top-level flow\n",
            "[1, {\"k\":\"v\"}, [], [[2]]]\n",
            "x: {\"a\":[[1],[]],\"b\":\"c\",\"d\":{\"e\":null}}\n",
            "a: [1, 2, ]\nb: {c: 1, }\n",
            "{\n  \"a\": [\n    1,\n    {\"b\": \"c\"}\n  ],\n  \"d\": {}\n}\n",
            "a:\n  b: [x, # c\n\n    y,\n    z]\n  c: 1\nd: {e: 1,\n  f: [2]} # t\n",
            "- [1,\n  2]\n- {a: b,\n   c: d}\n",
            "a: multi\n  line\n",
            "d: Foo is a long\n  description that\n\n\n  wraps - here\ne: 1\n",
            "l:\n- first item\n  continued\n- k: v v\n    more\n  j: 2\n",
            "m:\n  n: 1.5\n    2\n  o: true\n   x\n",
            "q: 'Refresh indicates if\n  be used (default: false)'\nr2: 'it''s\n\n   a ''x'' y' # c\nr3: 'x \n  y'\n",
            "d: Duration (e.g.\n  \"2m\", \"1h\")\ne: a\n  - b\n  [c] {d} 'e' &f *g !h |i >j %k @l `m ?n\n",
            "r:\n  {}\ns:\n  - [a,\n    b]\nt:\n   {\"k\": [1]}\nu:\n  [1,\n  2]\n",
        ];
        for src in accepted {
            assert!(agree(src), "fast path declined {src:?}");
        }
        // Declined: the full loader decides.
        for src in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: >\n  folded\n",
            "a: |+\n  keep\n\n",
            "a:\tb\n",
            "a: [1,\n2]\n",
            "a: [b\n  c]\n",
            "a: {b\n  : c}\n",
            "a: [1,\n  2\n",
            "? complex\n: v\n",
            "a: 1\n---\nb: 2\n",
            "<<: {a: 1}\n",
            "a: b: c\n",
            "a: \"x\n  y\"\n",
            "just a scalar\n",
            "a: x # c\n  y\n",
            "a: x\n  # c\n  y\n",
            "a: x\n  y: z\n",
            "a: x\n  y # c\n",
            "a:\n  {}\n  b: 1\n",
            "a: 'x\ny'\n",
            "a: 'x\n  y' z\n",
            "a: 'x\n  '\n",
        ] {
            assert!(fast_load(src, true).is_none(), "fast path accepted {src:?}");
        }
    }

    /// helm v4.1.4 on a values file `a: {a: {… 1}}`: 10000 flow levels load; 10001 nested
    /// collections fail encoding/json's depth check; 10001 flow levels fail go-yaml's.
    #[test]
    fn deep_flow_like_helm() {
        let flow = |n: usize, open: &str, close: &str| {
            format!("a: {}1{}\n", open.repeat(n), close.repeat(n))
        };
        let ok = fast_load(&flow(9_999, "{a: ", "}"), false);
        assert!(matches!(ok, Some(Ok(_))));
        let top = format!("{}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000));
        assert!(matches!(fast_load(&top, false), Some(Ok(_))));
        let msg = |src: &str| match fast_load(src, false) {
            Some(Err(e)) => e.full_message(),
            other => panic!("expected an error, got {:?}", other.map(|r| r.is_ok())),
        };
        assert_eq!(
            msg(&flow(10_000, "{a: ", "}")),
            "error unmarshaling JSON: while decoding JSON: invalid character '{' exceeded max depth"
        );
        assert_eq!(
            msg(&flow(10_000, "[", "]")),
            "error unmarshaling JSON: while decoding JSON: invalid character '[' exceeded max depth"
        );
        assert_eq!(
            msg(&flow(10_001, "[", "]")),
            "error converting YAML to JSON: yaml: exceeded max depth of 10000"
        );
        assert_eq!(
            msg(&format!("b: 1\n{}", flow(10_001, "[", "]"))),
            "error converting YAML to JSON: yaml: line 2: exceeded max depth of 10000"
        );
    }

    /// Every prefix and every one-line deletion of the fixtures: the fast path declines or agrees.
    #[test]
    fn agrees_on_mutations() {
        let corpus = [
            include_str!("testdata/big.values.yaml"),
            include_str!("testdata/s1.values.yaml"),
            include_str!("testdata/t.values.yaml"),
            "a:\n  b: |\n    x\n\n    y\n  c:\n  - d: 1\n    e: [1, {f: g}]\n  - |-\n    z\n  -\n  - h\ni: 'j' # k\n",
        ];
        let mut accepted = 0;
        for src in corpus {
            let lines: Vec<&str> = src.split_inclusive('\n').collect();
            for k in 0..=lines.len() {
                let prefix: String = lines[..k].concat();
                if agree(&prefix) {
                    accepted += 1;
                }
                if k < lines.len() {
                    let mut cut = lines.clone();
                    cut.remove(k);
                    let cut = cut.concat();
                    if agree(&cut) {
                        accepted += 1;
                    }
                }
            }
        }
        assert!(accepted > 50, "fast path too rarely taken: {accepted}");
    }

    /// Developer check over real files: `DLIST=list.txt cargo test -p chartgate-gotpl
    /// fast_vs_full_on_files -- --ignored --nocapture` (one path per line).
    #[test]
    #[ignore]
    fn fast_vs_full_on_files() {
        let Ok(list) = std::env::var("DLIST") else {
            return;
        };
        let paths = std::fs::read_to_string(list).unwrap_or_default();
        let (mut taken, mut total, mut bad) = (0, 0, 0);
        for p in paths.lines() {
            let Ok(src) = std::fs::read_to_string(p) else {
                continue;
            };
            if src.len() > 2_000_000 {
                continue;
            }
            // One document at a time, as helm loads values and manifests.
            for (doc, _) in crate::yaml::split_documents(&src).unwrap_or_default() {
                total += 1;
                match std::panic::catch_unwind(|| agree(doc)) {
                    Ok(true) => taken += 1,
                    Ok(false) if std::env::var_os("DVERBOSE").is_some() => {
                        let head: Vec<&str> = doc.lines().take(4).collect();
                        println!("declined ({} bytes) in {p}: {head:?}", doc.len());
                    }
                    Ok(false) => {}
                    Err(_) => {
                        bad += 1;
                        println!("MISMATCH in {p}");
                    }
                }
            }
        }
        println!("documents: {total}, fast path: {taken}, mismatches: {bad}");
        assert_eq!(bad, 0);
    }

    /// The full value cut down the way [`fast_load_pruned`] builds it.
    fn prune(v: &Value, keep: Keep<'_>, path: &mut Vec<String>) -> Value {
        match v {
            Value::Map(m) => {
                let mut out = BTreeMap::new();
                for (k, x) in m.borrow().iter() {
                    path.push(k.to_string());
                    let p: Vec<&str> = path.iter().map(String::as_str).collect();
                    if keep(&p) {
                        out.insert(k.to_string(), prune(x, keep, path));
                    }
                    path.pop();
                }
                Value::map(out)
            }
            Value::List(l) => Value::list(l.items.iter().map(|x| prune(x, keep, path)).collect()),
            other => other.clone(),
        }
    }

    #[test]
    fn pruned_load_builds_only_kept_entries() {
        let keep = |p: &[&str]| {
            matches!(
                p,
                [] | ["kind", ..] | ["metadata"] | ["metadata", "name", ..]
            )
        };
        let sources = [
            "kind: K\nmetadata:\n  name: n\n  labels:\n    a: b\nspec:\n  x: [1]\n  y:\n  - z\n  - {q: 1}\n",
            "kind:\n  nested: [1, 2]\nmetadata:\n  name:\n  - a\n  - b\nother: 'it''s\n  long'\n",
            "- kind: K\n- x\n",
            "kind: K\nspec:\n  a: b: c\n",
            "kind: K\nspec: &a 1\n",
            "kind: K\nspec:\n  d: Multi\n    line: here\n",
            "metadata:\n  name: x\nspec: [1,\n2]\n",
            // Flow collections under entries that are not kept: parsed, checked, not built.
            "kind: K\nspec: {a: [1, {b: 2}], c: x, d: {}}\nmetadata:\n  name: nm\n  labels: {a: b}\n",
            "kind: K\nspec: {\"a\":{\"b\":[\"c\",1,true,null]},\"a\":2}\n",
            "kind: K\nspec: {a: [1}\n",
            "kind: K\nspec: [{a: 1}, [2, [3]]]\nmetadata:\n  name: [x, {y: z}]\n",
        ];
        let mut pruned_count = 0;
        for src in sources {
            let full = crate::yaml::load(src);
            let pruned = crate::yaml::load_pruned(src, &keep);
            match (full, pruned) {
                (Ok(f), Ok(p)) => {
                    let want = crate::json::to_json(&prune(&f, &keep, &mut Vec::new())).unwrap();
                    let got = crate::json::to_json(&p).unwrap();
                    let whole = crate::json::to_json(&f).unwrap();
                    assert!(got == want || got == whole, "{src:?}: {got}");
                    pruned_count += usize::from(got == want && want != whole);
                }
                (Err(a), Err(b)) => assert_eq!(a, b, "{src:?}"),
                (a, b) => panic!("{src:?}: load {a:?} vs pruned {b:?}"),
            }
        }
        assert!(pruned_count >= 2, "{pruned_count}");
    }

    #[test]
    fn agrees_on_fixtures() {
        for src in [
            include_str!("testdata/big.values.yaml"),
            include_str!("testdata/s1.values.yaml"),
            include_str!("testdata/s2.values.yaml"),
            include_str!("testdata/t.values.yaml"),
        ] {
            let _ = agree(src);
        }
    }
}
