//! The loader: saphyr-parser events → our own tree with go-yaml v2 semantics, then the
//! sigs.k8s.io/yaml JSON round trip (numbers → float64, keys → strings).

use super::resolve::{resolve_plain, Resolved};
use super::{Stage, YamlError};
use crate::value::{Map, Value};
use base64::Engine as _;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use std::collections::{BTreeMap, HashMap};

/// go-yaml v2's limit on open block levels (libyaml `indents`) and encoding/json's nesting
/// limit: deeper documents are errors, as in helm.
const MAX_DEPTH: usize = 10_000;

/// A source position: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Loc {
    pub line: usize,
    pub col: usize,
}

/// One step of a path into a document.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PathSeg {
    Key(String),
    Index(usize),
}

/// Where each node of a loaded document sits in the source.
#[derive(Clone, Debug, Default)]
pub struct SpanNode {
    /// The key's position when this node is a mapping value.
    pub key: Option<Loc>,
    /// Start of the value.
    pub value: Loc,
    /// End (exclusive) of the value: exact for scalars; for collections only a hint (the two
    /// loaders may place it at the last child or at the next token).
    pub end: Loc,
    pub(super) children: Children,
}

#[derive(Clone, Debug, Default)]
pub(super) enum Children {
    #[default]
    None,
    Map(HashMap<String, SpanNode>),
    List(Vec<SpanNode>),
}

/// Source positions of a loaded document, addressed by path.
#[derive(Clone, Debug, Default)]
pub struct Spans {
    root: SpanNode,
}

impl Spans {
    /// The node at `path` (`[Key("image"), Key("tag")]`, list items by `Index`).
    pub fn get(&self, path: &[PathSeg]) -> Option<&SpanNode> {
        let mut n = &self.root;
        for seg in path {
            n = match (&n.children, seg) {
                (Children::Map(m), PathSeg::Key(k)) => m.get(k)?,
                (Children::List(l), PathSeg::Index(i)) => l.get(*i)?,
                _ => return None,
            };
        }
        Some(n)
    }

    /// Like [`Spans::get`] with string segments: at a list a segment is read as an index.
    pub fn find<S: AsRef<str>>(&self, path: &[S]) -> Option<&SpanNode> {
        let mut n = &self.root;
        for seg in path {
            let seg = seg.as_ref();
            n = match &n.children {
                Children::Map(m) => m.get(seg)?,
                Children::List(l) => l.get(seg.parse::<usize>().ok()?)?,
                Children::None => return None,
            };
        }
        Some(n)
    }

    /// The node at a JSON pointer (`/extraEnv/1/value`, `~1` = `/`, `~0` = `~`), as JSON schema
    /// validators report instance locations.
    pub fn pointer(&self, ptr: &str) -> Option<&SpanNode> {
        if ptr.is_empty() {
            return Some(&self.root);
        }
        let segs: Vec<String> = ptr
            .strip_prefix('/')?
            .split('/')
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        self.find(&segs)
    }

    /// The best position to report for `path`: its key if it has one, else its value; falls back
    /// to the deepest existing ancestor.
    pub fn loc(&self, path: &[PathSeg]) -> Loc {
        let mut n = &self.root;
        for seg in path {
            let next = match (&n.children, seg) {
                (Children::Map(m), PathSeg::Key(k)) => m.get(k),
                (Children::List(l), PathSeg::Index(i)) => l.get(*i),
                _ => None,
            };
            match next {
                Some(c) => n = c,
                None => break,
            }
        }
        n.key.unwrap_or(n.value)
    }

    /// The root node.
    pub fn root(&self) -> &SpanNode {
        &self.root
    }
}

/// sigs.k8s.io/yaml `Unmarshal` into `interface{}` of the first document: `Nil` for an empty one.
pub fn load(src: &str) -> Result<Value, YamlError> {
    Ok(load_docs(src, false, true)?
        .into_iter()
        .next()
        .map(|d| d.0)
        .unwrap_or_default())
}

/// [`load`] for a caller that needs only part of the document (helm reads a manifest's
/// `apiVersion`, `kind` and `metadata` but parses all of it): the whole text is parsed and
/// checked as by [`load`], with the same errors, but mapping entries whose key path from the
/// root `keep` turns down may be left out of the result (they are when the line-based fast
/// path takes the document, which then builds far less).
pub fn load_pruned(src: &str, keep: &dyn Fn(&[&str]) -> bool) -> Result<Value, YamlError> {
    if crate::value::go_yaml_utf8_error(src).is_none() {
        match super::fast::fast_load_pruned(src, false, false, Some(keep)) {
            Some(Ok((v, _))) => return Ok(v),
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    Ok(load_docs_with(src, false, true, false)?
        .into_iter()
        .next()
        .map(|d| d.0)
        .unwrap_or_default())
}

/// [`load`] with source positions.
pub fn load_spanned(src: &str) -> Result<(Value, Spans), YamlError> {
    let d = load_docs(src, true, true)?.into_iter().next();
    Ok(d.unwrap_or_default())
}

/// Every document of a stream (rendered manifests, multi-doc files), each with the same
/// semantics as [`load`]. Empty documents give `Nil`.
pub fn load_all(src: &str) -> Result<Vec<Value>, YamlError> {
    Ok(load_docs(src, false, false)?
        .into_iter()
        .map(|d| d.0)
        .collect())
}

/// [`load_all`] with source positions.
pub fn load_all_spanned(src: &str) -> Result<Vec<(Value, Spans)>, YamlError> {
    load_docs(src, true, false)
}

/// Unmarshal into `map[string]interface{}` (helm's `fromYaml`, Chart.yaml-like files).
pub fn load_map(src: &str) -> Result<Map, YamlError> {
    match load(src)? {
        Value::Map(m) => Ok(m),
        Value::Nil => Ok(Map::new()),
        other => Err(type_error(&other, "map[string]interface {}")),
    }
}

/// Unmarshal into `[]interface{}` (helm's `fromYamlArray`).
pub fn load_list(src: &str) -> Result<Vec<Value>, YamlError> {
    match load(src)? {
        Value::List(l) => Ok(l.items.as_ref().clone()),
        Value::Nil => Ok(Vec::new()),
        other => Err(type_error(&other, "[]interface {}")),
    }
}

fn type_error(v: &Value, target: &str) -> YamlError {
    let kind = match v {
        Value::Map(_) => "object",
        Value::List(_) => "array",
        Value::Str(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    };
    YamlError {
        line: 0,
        col: 0,
        stage: Stage::Decode,
        message: format!("json: cannot unmarshal {kind} into Go value of type {target}"),
    }
}

/// A finished node: its value, positions, and how many nodes decoding it took (for the
/// alias-expansion bound).
type Built = (Value, SpanNode, u64);

enum Frame {
    Seq {
        anchor: usize,
        items: Vec<Value>,
        spans: Vec<SpanNode>,
        start: Loc,
        count: u64,
    },
    Map {
        anchor: usize,
        map: BTreeMap<String, Value>,
        spans: HashMap<String, SpanNode>,
        /// The pending key: its string form (None for a `<<` merge key) and position.
        key: Option<(PendingKey, Loc)>,
        start: Loc,
        count: u64,
    },
}

/// A mapping key waiting for its value.
enum PendingKey {
    Key(String),
    /// `<<`
    Merge,
    /// A key sigs.k8s.io/yaml can't stringify: the message, to be completed with the value.
    Bad(YamlError),
}

struct Builder {
    spans: bool,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Built>,
    decode_count: u64,
    alias_count: u64,
    /// go-yaml parses a whole document before decoding it, and sigs.k8s.io/yaml converts to
    /// JSON after that: so a syntax error anywhere beats a decoding error, which beats a
    /// conversion error. The first of each kind waits here until the document ends.
    decode_err: Option<YamlError>,
    /// Keys are stringified before the JSON encoding meets `.inf`/`.nan`.
    key_err: Option<YamlError>,
    conv_err: Option<YamlError>,
    /// encoding/json's nesting limit, met when sigs.k8s.io/yaml decodes the converted JSON.
    json_err: Option<YamlError>,
    /// Per open collection: whether it holds one of libyaml's block indentation levels
    /// (block collections except indentless sequences).
    indents: Vec<bool>,
    /// How many of `indents` are true.
    indent_count: usize,
}

impl Builder {
    /// Depth checks when a collection opens at `start`: go-yaml's block level limit (a
    /// scanner error: no line on the first line) and encoding/json's depth limit (reported
    /// only if the document otherwise converts).
    /// `line_indent`: the indentation of the line the collection starts on (for a block
    /// sequence, its first `-`: saphyr's marker points past it).
    fn open(
        &mut self,
        start: Loc,
        line_indent: usize,
        flow: bool,
        is_seq: bool,
    ) -> Result<(), YamlError> {
        let indentless = is_seq
            && !flow
            && matches!(self.stack.last(), Some(Frame::Map { start: p, .. }) if p.col == line_indent + 1)
            && self.indents.last() == Some(&true);
        let counted = !flow && !indentless;
        self.indents.push(counted);
        self.indent_count += usize::from(counted);
        if counted && self.indent_count > MAX_DEPTH {
            let message = if start.line > 1 {
                format!(
                    "yaml: line {}: exceeded max depth of {MAX_DEPTH}",
                    start.line
                )
            } else {
                format!("yaml: exceeded max depth of {MAX_DEPTH}")
            };
            return Err(err_at(start.line, start.col, message));
        }
        if self.stack.len() >= MAX_DEPTH && self.json_err.is_none() {
            let c = if is_seq { '[' } else { '{' };
            self.json_err = Some(YamlError {
                line: 0,
                col: 0,
                message: format!("invalid character '{c}' exceeded max depth"),
                stage: Stage::Decode,
            });
        }
        Ok(())
    }
}

/// Leading spaces of the line holding byte `at`.
fn line_indent(src: &str, at: usize) -> usize {
    let head = &src.as_bytes()[..at.min(src.len())];
    let start = head.iter().rposition(|b| *b == b'\n').map_or(0, |p| p + 1);
    src.as_bytes()[start..]
        .iter()
        .take_while(|b| **b == b' ')
        .count()
}

fn loc_of(m: &saphyr_parser::Marker) -> Loc {
    Loc {
        line: m.line(),
        col: m.col() + 1,
    }
}

fn err_at(line: usize, col: usize, message: String) -> YamlError {
    YamlError {
        line,
        col,
        message,
        stage: Stage::Convert,
    }
}

/// go-yaml v2's allowance for nodes produced by alias expansion (billion-laughs guard).
fn allowed_alias_ratio(decode: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    let d = decode as f64;
    if d <= LOW {
        0.99
    } else if d >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((d - LOW) / (HIGH - LOW))
    }
}

fn tag_name(tag: &Tag) -> String {
    let full = format!("{}{}", tag.handle, tag.suffix);
    match full.strip_prefix("tag:yaml.org,2002:") {
        Some(core) => format!("!!{core}"),
        None => full,
    }
}

/// sigs.k8s.io/yaml's key stringification of a resolved key.
pub(super) fn key_string(r: &Resolved, raw: &str, at: Loc) -> Result<String, YamlError> {
    match r {
        Resolved::Str | Resolved::Timestamp | Resolved::Merge => Ok(raw.to_string()),
        Resolved::Bool(b) => Ok(b.to_string()),
        Resolved::Int(i) => Ok(i.to_string()),
        Resolved::Float(f) => Ok(format_key_float(*f)),
        Resolved::Uint(u) => Err(err_at(
            at.line,
            at.col,
            format!("unsupported map key of type: uint64, key: {u:#x}, value: "),
        )),
        Resolved::Null => Err(err_at(
            at.line,
            at.col,
            "unsupported map key of type: %!s(<nil>), key: <nil>, value: ".into(),
        )),
    }
}

/// `strconv.FormatFloat(f, 'g', -1, 32)` with go-yaml's `.inf`/`.nan` spellings.
fn format_key_float(f: f64) -> String {
    if f.is_nan() {
        return ".nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            ".inf".into()
        } else {
            "-.inf".into()
        };
    }
    let f32v = f as f32;
    if f32v.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let s = format!("{:e}", f32v.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let mut out = String::new();
    if f32v.is_sign_negative() {
        out.push('-');
    }
    if digits != "0" && !(-4..6).contains(&exp) {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!(
            "e{}{:02}",
            if exp < 0 { '-' } else { '+' },
            exp.unsigned_abs()
        ));
    } else {
        let dp = if digits == "0" { 1 } else { exp + 1 };
        if dp <= 0 {
            out.push_str("0.");
            out.push_str(&"0".repeat((-dp) as usize));
            out.push_str(digits);
        } else if dp as usize >= digits.len() {
            out.push_str(digits);
            out.push_str(&"0".repeat(dp as usize - digits.len()));
        } else {
            out.push_str(&digits[..dp as usize]);
            out.push('.');
            out.push_str(&digits[dp as usize..]);
        }
    }
    out
}

/// A scalar as go-yaml v2 decodes it into `interface{}`, after the JSON round trip.
pub(super) fn scalar_value(
    raw: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    at: Loc,
) -> Result<(Resolved, Value), YamlError> {
    let tag = tag.map(tag_name);
    let resolved = match tag.as_deref() {
        None if style == ScalarStyle::Plain => resolve_plain(raw),
        None => Resolved::Str,
        Some("!!str") => Resolved::Str,
        Some("!!binary") => {
            let clean: String = raw.chars().filter(|c| !matches!(c, '\n' | '\r')).collect();
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(clean.as_bytes())
                .map_err(|_| {
                    conv_err(
                        at,
                        "yaml: !!binary value contains invalid base64 data".into(),
                    )
                })?;
            let s = go_lossy(&bytes);
            return Ok((Resolved::Str, Value::from(s)));
        }
        Some(t @ ("!!int" | "!!float" | "!!bool" | "!!null" | "!!timestamp")) => {
            let r = resolve_plain(raw);
            let rtag = match &r {
                Resolved::Null => "!!null",
                Resolved::Bool(_) => "!!bool",
                Resolved::Int(_) | Resolved::Uint(_) => "!!int",
                Resolved::Float(_) => "!!float",
                Resolved::Timestamp => "!!timestamp",
                Resolved::Merge => "!!merge",
                Resolved::Str => "!!str",
            };
            if rtag == t {
                r
            } else if t == "!!float" && rtag == "!!int" {
                match r {
                    Resolved::Int(i) => Resolved::Float(i as f64),
                    Resolved::Uint(u) => Resolved::Float(u as f64),
                    other => other,
                }
            } else {
                return Err(conv_err(
                    at,
                    format!("yaml: cannot decode {rtag} `{raw}` as a {t}"),
                ));
            }
        }
        // Unknown and local tags: go-yaml keeps the text.
        Some(_) => Resolved::Str,
    };
    let v = match &resolved {
        Resolved::Null => Value::Nil,
        Resolved::Bool(b) => Value::Bool(*b),
        Resolved::Int(i) => Value::Float(*i as f64),
        Resolved::Uint(u) => Value::Float(*u as f64),
        Resolved::Float(f) => {
            if !f.is_finite() {
                return Err(conv_err(
                    at,
                    format!(
                        "json: unsupported value: {}",
                        crate::json::format_float(*f, 'g')
                    ),
                ));
            }
            Value::Float(*f)
        }
        Resolved::Str | Resolved::Timestamp | Resolved::Merge => Value::from(raw),
    };
    Ok((resolved, v))
}

/// Go's JSON encoding of a string with invalid UTF-8: each bad byte becomes U+FFFD.
fn go_lossy(b: &[u8]) -> String {
    let mut out = String::with_capacity(b.len());
    let mut rest = b;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                out.push_str(s);
                break;
            }
            Err(e) => {
                let good = e.valid_up_to();
                out.push_str(std::str::from_utf8(&rest[..good]).unwrap_or(""));
                out.push('\u{fffd}');
                rest = &rest[good + 1..];
            }
        }
    }
    out
}

fn conv_err(at: Loc, msg: String) -> YamlError {
    err_at(at.line, at.col, msg)
}

impl Builder {
    /// Adds a finished node to its parent (or returns it when it is the document root).
    fn push(
        &mut self,
        built: Built,
        anchor: usize,
        key_info: Option<(Resolved, String)>,
    ) -> Result<Option<Built>, YamlError> {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (built.0.deep_copy(), built.1.clone(), built.2));
        }
        let (value, span, count) = built;
        match self.stack.last_mut() {
            None => Ok(Some((value, span, count))),
            Some(Frame::Seq {
                items,
                spans,
                count: c,
                ..
            }) => {
                items.push(value);
                if self.spans {
                    spans.push(span);
                }
                *c += count;
                Ok(None)
            }
            Some(Frame::Map {
                map,
                spans,
                key,
                count: c,
                ..
            }) => {
                *c += count;
                match key.take() {
                    None => {
                        // This node is a key.
                        let k = match key_info {
                            None => PendingKey::Bad(err_at(
                                span.value.line,
                                span.value.col,
                                format!("yaml: invalid map key: {}", go_sharp_v(&value)),
                            )),
                            Some((Resolved::Merge, _)) => PendingKey::Merge,
                            Some((resolved, raw)) => {
                                match key_string(&resolved, &raw, span.value) {
                                    Ok(k) => PendingKey::Key(k),
                                    Err(e) => PendingKey::Bad(e),
                                }
                            }
                        };
                        *key = Some((k, span.value));
                        Ok(None)
                    }
                    Some((PendingKey::Bad(mut e), _)) => {
                        if e.message.starts_with("yaml:") {
                            if self.decode_err.is_none() {
                                self.decode_err = Some(e);
                            }
                            return Ok(None);
                        }
                        // The same unusable key again (`null:` then `~:`) is one Go map entry:
                        // the last value wins, as in the message.
                        let same = self
                            .key_err
                            .as_ref()
                            .is_some_and(|k| k.message.starts_with(&e.message));
                        e.message.push_str(&go_sharp_v(&value));
                        if self.key_err.is_none() || same {
                            self.key_err = Some(e);
                        }
                        Ok(None)
                    }
                    Some((PendingKey::Key(k), kloc)) => {
                        if self.spans {
                            let mut span = span;
                            span.key = Some(kloc);
                            spans.insert(k.clone(), span);
                        }
                        map.insert(k, value);
                        Ok(None)
                    }
                    Some((PendingKey::Merge, kloc)) => {
                        if let Err(e) = merge_into(map, spans, value, span, kloc, self.spans) {
                            if self.decode_err.is_none() {
                                self.decode_err = Some(e);
                            }
                        }
                        Ok(None)
                    }
                }
            }
        }
    }

    fn count_node(&mut self, n: u64, in_alias: bool) -> Result<(), YamlError> {
        self.decode_count += n;
        if in_alias {
            self.alias_count += n;
        }
        if self.alias_count > 100
            && self.decode_count > 1000
            && self.alias_count as f64 / self.decode_count as f64
                > allowed_alias_ratio(self.decode_count)
        {
            return Err(err_at(
                0,
                0,
                "yaml: document contains excessive aliasing".into(),
            ));
        }
        Ok(())
    }
}

/// go-yaml v2's `<<` merge: a map, or a list of maps applied last-to-first, overwrite the keys
/// gathered so far.
fn merge_into(
    map: &mut BTreeMap<String, Value>,
    spans: &mut HashMap<String, SpanNode>,
    value: Value,
    span: SpanNode,
    kloc: Loc,
    with_spans: bool,
) -> Result<(), YamlError> {
    let bad = || {
        err_at(
            kloc.line,
            kloc.col,
            "yaml: map merge requires map or sequence of maps as the value".into(),
        )
    };
    match value {
        Value::Map(m) => {
            let child_spans = match span.children {
                Children::Map(c) => c,
                _ => HashMap::new(),
            };
            for (k, v) in m.borrow().iter() {
                map.insert(k.clone(), v.clone());
            }
            if with_spans {
                for (k, s) in child_spans {
                    spans.insert(k, s);
                }
            }
            Ok(())
        }
        Value::List(l) => {
            let item_spans = match span.children {
                Children::List(c) => c,
                _ => Vec::new(),
            };
            for (i, item) in l.items.iter().enumerate().rev() {
                let Value::Map(_) = item else {
                    return Err(bad());
                };
                let s = item_spans.get(i).cloned().unwrap_or_default();
                merge_into(map, spans, item.clone(), s, kloc, with_spans)?;
            }
            Ok(())
        }
        _ => Err(bad()),
    }
}

/// Parses documents. `first_only` stops after the first one (go-yaml v2 `Unmarshal` never looks
/// further, so errors in later documents don't matter).
fn load_docs(src: &str, spans: bool, first_only: bool) -> Result<Vec<(Value, Spans)>, YamlError> {
    load_docs_with(src, spans, first_only, true)
}

/// [`load_docs`]; `try_fast: false` when the caller has already seen the fast path decline.
fn load_docs_with(
    src: &str,
    spans: bool,
    first_only: bool,
    try_fast: bool,
) -> Result<Vec<(Value, Spans)>, YamlError> {
    // Bytes that are not UTF-8 (kept as escape characters, see `value::go_string`) fail
    // go-yaml's reader before anything is parsed; reader errors carry no line.
    if let Some(e) = crate::value::go_yaml_utf8_error(src) {
        return Err(err_at(0, 0, format!("yaml: {e}")));
    }
    match parse_docs(src, spans, first_only, try_fast) {
        // go-yaml's reader error, which stops a load saphyr let through; a load that failed
        // keeps its error.
        Ok(_) if has_control_character(src) => Err(err_at(
            0,
            0,
            "yaml: control characters are not allowed".into(),
        )),
        r => r,
    }
}

/// [`load_docs_with`] after the reader's checks: the fast path, else the full loader.
fn parse_docs(
    src: &str,
    spans: bool,
    first_only: bool,
    try_fast: bool,
) -> Result<Vec<(Value, Spans)>, YamlError> {
    if first_only && try_fast {
        match super::fast::fast_load(src, spans) {
            Some(Ok((v, root))) => return Ok(vec![(v, Spans { root })]),
            Some(Err(e)) => return Err(e),
            None => {}
        }
    }
    let full = load_docs_full(src, spans, first_only);
    if let Err(e) = &full {
        // saphyr caps flow nesting at 255 levels, go-yaml at 10000: a document within the
        // fast path's reach gets helm's answer from it.
        if first_only && e.message.ends_with("recursion limit exceeded") {
            if let Some(r) = super::fast::fast_load_with(src, spans, true) {
                return r.map(|(v, root)| vec![(v, Spans { root })]);
            }
        }
    }
    full
}

/// The full loader (saphyr events), for everything the fast path declines.
pub(super) fn load_docs_full(
    src: &str,
    spans: bool,
    first_only: bool,
) -> Result<Vec<(Value, Spans)>, YamlError> {
    // libyaml reads a byte order mark past the start of the stream as an ordinary character;
    // saphyr refuses it. It stands in as a noncharacter (same length, same positions) and is
    // put back in the result.
    if src.char_indices().any(|(i, c)| c == BOM && i > 0) && !src.contains(BOM_STAND_IN) {
        let (first, rest) = src.split_at(src.chars().next().map_or(0, char::len_utf8));
        let text = format!("{first}{}", rest.replace(BOM, &BOM_STAND_IN.to_string()));
        return match load_docs_full(&text, spans, first_only) {
            Ok(docs) => Ok(docs
                .into_iter()
                .map(|(v, sp)| (restore_bom(&v), sp))
                .collect()),
            Err(mut e) => {
                e.message = e.message.replace(BOM_STAND_IN, &BOM.to_string());
                Err(e)
            }
        };
    }
    // libyaml accepts a tab as the separator after a mapping colon (`key:\tvalue`) and as a
    // quoted scalar's continuation-line indent; saphyr doesn't. Swapping that tab for a space
    // keeps every position and the meaning (folding strips leading blanks), so retry.
    let mut patched: Option<String> = None;
    for _ in 0..1000 {
        let text = patched.as_deref().unwrap_or(src);
        match load_docs_once(text, spans, first_only) {
            Err(LoadFail::TabAsSpace(at)) => {
                let mut t = text.to_string();
                t.replace_range(at..at + 1, " ");
                patched = Some(t);
            }
            Err(LoadFail::FlowIndent(line)) => {
                // libyaml ignores indentation inside flow collections; saphyr wants flow
                // lines indented past the parent block. Indent the offending line by one
                // more space (only its columns move) and retry.
                let mut t = String::with_capacity(text.len() + 1);
                for (i, l) in text.split_inclusive('\n').enumerate() {
                    if i + 1 == line {
                        t.push(' ');
                    }
                    t.push_str(l);
                }
                patched = Some(t);
            }
            Err(LoadFail::QuotedIndent(line, col)) => match indent_quoted(text, line, col) {
                Some(t) => patched = Some(t),
                None => return Err(err_at(line, col, "yaml: invalid indentation".into())),
            },
            Err(LoadFail::Error(e)) => return Err(e),
            Ok(d) => return Ok(d),
        }
    }
    Err(err_at(
        0,
        0,
        "yaml: too many tab separators or flow indentation fixes".into(),
    ))
}

/// Whether go-yaml's reader refuses a character of `src`: it allows tab, line feed, carriage
/// return, printable ASCII, NEL, U+00A0–U+D7FF, U+E000–U+FFFD and U+10000 on.
fn has_control_character(src: &str) -> bool {
    let suspect = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f;
    if !src.bytes().any(|b| suspect(b) || b == 0xc2 || b == 0xef) {
        return false;
    }
    src.chars().any(|c| {
        !matches!(c,
            '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
            | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    })
}

const BOM: char = '\u{feff}';
const BOM_STAND_IN: char = '\u{fdd0}';

/// `v` with the stand-in of a byte order mark turned back into one, in strings and keys.
fn restore_bom(v: &Value) -> Value {
    let fix = |t: &str| t.replace(BOM_STAND_IN, &BOM.to_string());
    match v {
        Value::Str(t) if t.contains(BOM_STAND_IN) => Value::str(fix(t)),
        Value::List(l) => Value::typed_list(l.elem, l.items.iter().map(restore_bom).collect()),
        Value::Map(m) => Value::map(
            m.borrow()
                .iter()
                .map(|(k, x)| (fix(k), restore_bom(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

enum LoadFail {
    /// Byte offset of a tab that saphyr refused where libyaml reads a blank: right after a
    /// `:`, or leading a quoted scalar's continuation line.
    TabAsSpace(usize),
    /// A line (1-based) inside a flow collection that saphyr finds under-indented.
    FlowIndent(usize),
    /// A quoted scalar (its 1-based line, 0-based column) whose continuation lines saphyr
    /// finds under-indented; libyaml does not check them.
    QuotedIndent(usize, usize),
    Error(YamlError),
}

impl From<YamlError> for LoadFail {
    fn from(e: YamlError) -> LoadFail {
        LoadFail::Error(e)
    }
}

/// `text` with every continuation line of the quoted scalar that starts at (`line`, `col`)
/// indented past the scalar's column. Folding strips a continuation line's leading blanks,
/// so the value is unchanged; only those lines' columns move (an unclosed scalar runs to the
/// end of the text). `None` if no scalar is found.
fn indent_quoted(text: &str, line: usize, col: usize) -> Option<String> {
    let start = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>();
    let rest = &text[start..];
    let (q_at, quote) = rest
        .char_indices()
        .skip(col)
        .take_while(|(_, c)| *c != '\n')
        .find(|(_, c)| *c == '"' || *c == '\'')?;
    let pad = " ".repeat(col + 1);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..start + q_at + 1]);
    let mut chars = rest[q_at + 1..].char_indices();
    while let Some((i, c)) = chars.next() {
        out.push(c);
        match c {
            '\\' if quote == '"' => {
                if let Some((_, n)) = chars.next() {
                    out.push(n);
                    if n == '\n' {
                        out.push_str(&pad);
                    }
                }
            }
            '\n' => out.push_str(&pad),
            c if c == quote => {
                // `''` inside a single-quoted scalar is an escaped quote.
                if quote == '\'' && rest[q_at + 1 + i + 1..].starts_with('\'') {
                    chars.next();
                    out.push('\'');
                    continue;
                }
                out.push_str(&rest[q_at + 1 + i + 1..]);
                return Some(out);
            }
            _ => {}
        }
    }
    // Never closed: libyaml scans on to the end of the stream, and so will saphyr now.
    Some(out)
}

/// The byte offset of the tab in a `:<tab>` near saphyr's error mark, if that's the problem.
fn tab_after_colon(src: &str, e: &ScanError) -> Option<usize> {
    if !e
        .info()
        .contains("must be followed by a valid YAML whitespace")
    {
        return None;
    }
    let idx = e.marker().index();
    let (byte, _) = src.char_indices().nth(idx.saturating_sub(3))?;
    let window = &src[byte..];
    let rel = window
        .char_indices()
        .take(6)
        .find_map(|(i, c)| (c == ':' && window[i + 1..].starts_with('\t')).then_some(i + 1))?;
    Some(byte + rel)
}

/// The byte offset of the tab saphyr refuses as a quoted scalar's continuation indent.
fn quoted_indent_tab(src: &str, e: &ScanError) -> Option<usize> {
    if e.info() != "tab cannot be used as indentation" {
        return None;
    }
    let (byte, c) = src.char_indices().nth(e.marker().index())?;
    (c == '\t').then_some(byte)
}

fn load_docs_once(
    src: &str,
    spans: bool,
    first_only: bool,
) -> Result<Vec<(Value, Spans)>, LoadFail> {
    let mut parser = Parser::new_from_str(src);
    let mut docs = Vec::new();
    let mut b = Builder {
        spans,
        stack: Vec::new(),
        anchors: HashMap::new(),
        decode_count: 0,
        alias_count: 0,
        decode_err: None,
        key_err: None,
        conv_err: None,
        json_err: None,
        indents: Vec::new(),
        indent_count: 0,
    };
    let mut root: Option<Built> = None;
    // Whether each open collection is a flow one (`[`/`{`), to recognise flow indentation errors.
    let mut flow: Vec<u8> = Vec::new();
    let mut cursor = CharCursor::default();
    let mut tabs = TabLines::new(src);
    while let Some(ev) = parser.next_event() {
        let (ev, span) = match ev {
            Ok(x) => x,
            Err(e) => {
                let in_flow = flow.last().copied().unwrap_or(0);
                if e.info().contains("invalid indentation") && in_flow != 0 {
                    return Err(LoadFail::FlowIndent(e.marker().line()));
                }
                if e.info() == "invalid indentation in quoted scalar" {
                    let m = e.marker();
                    return Err(LoadFail::QuotedIndent(m.line(), m.col()));
                }
                if let Some(at) = tab_after_colon(src, &e).or_else(|| quoted_indent_tab(src, &e)) {
                    return Err(LoadFail::TabAsSpace(at));
                }
                // A `key: value` line inside an unclosed flow collection: libyaml reports the
                // missing separator.
                let e = if e.info().contains("illegal placement of ':'") && in_flow != 0 {
                    let close = if in_flow == b'[' { ']' } else { '}' };
                    ScanError::new(*e.marker(), format!("expected ',' or '{close}'"))
                } else if e.info().starts_with("invalid trailing content after") {
                    // libyaml scans what follows a quoted scalar as the next token, and its
                    // parser then finds it where the open collection wants something else.
                    // An indentless sequence (`key:` then `- item` at the key's column) ends
                    // there, and its mapping wants the next key.
                    let n = b.stack.len();
                    let open = match (b.stack.last(), b.indents.last()) {
                        (Some(Frame::Seq { .. }), Some(false)) if n > 1 => b.stack.get(n - 2),
                        (top, _) => top,
                    };
                    let want = match (in_flow, open) {
                        (b'[', _) => "expected ',' or ']'",
                        (b'{', _) => "expected ',' or '}'",
                        (_, Some(Frame::Map { .. })) => "did not find expected key",
                        (_, Some(Frame::Seq { .. })) => "did not find expected '-'",
                        _ => "did not find expected <document start>",
                    };
                    ScanError::new(*e.marker(), want.to_string())
                } else {
                    e
                };
                return Err(LoadFail::Error(scan_error(src, &e)));
            }
        };
        match ev {
            Event::SequenceStart(..) | Event::MappingStart(..) => {
                let c = cursor.char_at(src, span.start.index());
                flow.push(match c {
                    Some('[') => b'[',
                    Some('{') => b'{',
                    _ => 0,
                });
                if tabs.active {
                    tabs.flow_starts.push(span.start.line());
                }
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let (Some(f), Some(from)) = (flow.pop(), tabs.flow_starts.pop()) {
                    if f != 0 {
                        tabs.covered.push((from, span.end.line()));
                    }
                }
            }
            _ => {}
        }
        let start = loc_of(&span.start);
        let end = loc_of(&span.end);
        match ev {
            Event::StreamStart | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => {
                if tabs.active {
                    let _ = cursor.char_at(src, span.start.index());
                    tabs.start_document(
                        start.line,
                        src[..cursor.bi].rfind('\n').map_or(0, |i| i + 1),
                    );
                }
                root = None;
                b.anchors.clear();
                b.decode_count = 0;
                b.alias_count = 0;
            }
            Event::DocumentEnd => {
                // A scanner error in go-yaml: before any of this document's decode errors.
                if let Some(e) = tabs.check(src, end.line) {
                    return Err(LoadFail::Error(e));
                }
                if let Some(e) = b
                    .decode_err
                    .take()
                    .or_else(|| b.key_err.take())
                    .or_else(|| b.conv_err.take())
                    .or_else(|| b.json_err.take())
                {
                    return Err(LoadFail::Error(e));
                }
                let (v, s, _) = root.take().unwrap_or_default();
                docs.push((v, Spans { root: s }));
                if first_only {
                    break;
                }
            }
            Event::Alias(id) => {
                let Some((v, s, n)) = b.anchors.get(&id).cloned() else {
                    let name = anchor_name(src, &span);
                    return Err(LoadFail::Error(err_at(
                        start.line,
                        start.col,
                        format!("yaml: unknown anchor '{name}' referenced"),
                    )));
                };
                b.count_node(n, true)?;
                let mut s = s;
                s.key = None;
                s.value = start;
                s.end = end;
                let key_info = alias_key_info(&v);
                if let Some(r) = b.push((v.deep_copy(), s, n), 0, key_info)? {
                    root = Some(r);
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                b.count_node(1, false)?;
                // An empty implicit key (`: v`, `- : v`, `{: v}`): saphyr reads a null key,
                // libyaml's parser wants a key (a node in flow) before the `:`.
                if text.is_empty()
                    && style == ScalarStyle::Plain
                    && anchor == 0
                    && tag.is_none()
                    && matches!(b.stack.last(), Some(Frame::Map { key: None, .. }))
                    && cursor.char_at(src, span.start.index()) == Some(':')
                    && !src[..cursor.bi].trim_end().ends_with('?')
                {
                    let want = if flow.last().copied().unwrap_or(0) != 0 {
                        "did not find expected node content"
                    } else {
                        "did not find expected key"
                    };
                    let e = ScanError::new(span.start, want.to_string());
                    return Err(LoadFail::Error(scan_error(src, &e)));
                }
                // saphyr accepts the JSON-style `\/` escape; libyaml doesn't.
                if style == ScalarStyle::DoubleQuoted && text.contains('/') {
                    let raw = cursor.slice(src, span.start.index(), span.end.index());
                    if let Some(nl) = slash_escape(raw) {
                        let line = span.start.line() + nl;
                        let message = if line <= 1 {
                            "yaml: found unknown escape character".to_string()
                        } else {
                            format!("yaml: line {line}: found unknown escape character")
                        };
                        return Err(LoadFail::Error(err_at(line, 0, message)));
                    }
                }
                let (resolved, v) = match scalar_value(&text, style, tag.as_deref(), start) {
                    Ok(x) => x,
                    Err(e) => {
                        let slot = if e.message.starts_with("yaml:") {
                            &mut b.decode_err
                        } else {
                            &mut b.conv_err
                        };
                        if slot.is_none() {
                            *slot = Some(e);
                        }
                        (Resolved::Str, Value::from(text.as_ref()))
                    }
                };
                // A merge key only counts when plain (go-yaml: implicit `<<`).
                let resolved = if text == "<<" && style == ScalarStyle::Plain && tag.is_none() {
                    Resolved::Merge
                } else {
                    resolved
                };
                let node = SpanNode {
                    key: None,
                    value: start,
                    end,
                    children: Children::None,
                };
                if tabs.active {
                    let in_flow = flow.last().is_some_and(|f| *f != 0);
                    let indent = match b.stack.last() {
                        Some(Frame::Map { start, .. } | Frame::Seq { start, .. }) => {
                            Some(start.col)
                        }
                        None => None,
                    };
                    let _ = cursor.char_at(src, span.end.index());
                    let line_rest = src[cursor.bi..].split('\n').next().unwrap_or("");
                    tabs.scalar(
                        start.line,
                        end.line,
                        (style == ScalarStyle::Plain && !in_flow && line_rest.trim().is_empty())
                            .then_some(indent)
                            .flatten(),
                    );
                }
                let key_info = Some((resolved, text.to_string()));
                if let Some(r) = b.push((v, node, 1), anchor, key_info)? {
                    root = Some(r);
                }
            }
            Event::SequenceStart(anchor, _) => {
                b.count_node(1, false)?;
                let indent = line_indent(src, cursor.bi);
                b.open(start, indent, flow.last().is_some_and(|f| *f != 0), true)?;
                b.stack.push(Frame::Seq {
                    anchor,
                    items: Vec::new(),
                    spans: Vec::new(),
                    start,
                    count: 1,
                });
            }
            Event::MappingStart(anchor, _) => {
                b.count_node(1, false)?;
                b.open(start, 0, flow.last().is_some_and(|f| *f != 0), false)?;
                b.stack.push(Frame::Map {
                    anchor,
                    map: BTreeMap::new(),
                    spans: HashMap::new(),
                    key: None,
                    start,
                    count: 1,
                });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if b.indents.pop() == Some(true) {
                    b.indent_count -= 1;
                }
                let built = match b.stack.pop() {
                    Some(Frame::Seq {
                        anchor,
                        items,
                        spans: s,
                        start,
                        count,
                    }) => (
                        anchor,
                        (
                            Value::list(items),
                            SpanNode {
                                key: None,
                                value: start,
                                end,
                                children: if spans {
                                    Children::List(s)
                                } else {
                                    Children::None
                                },
                            },
                            count,
                        ),
                    ),
                    Some(Frame::Map {
                        anchor,
                        map,
                        spans: s,
                        start,
                        count,
                        ..
                    }) => (
                        anchor,
                        (
                            Value::map(map),
                            SpanNode {
                                key: None,
                                value: start,
                                end,
                                children: if spans {
                                    Children::Map(s)
                                } else {
                                    Children::None
                                },
                            },
                            count,
                        ),
                    ),
                    None => continue,
                };
                let (anchor, built) = built;
                if let Some(r) = b.push(built, anchor, None)? {
                    root = Some(r);
                }
            }
        }
    }
    Ok(docs)
}

/// Go's `%#v` of a decoded YAML value (for sigs.k8s.io/yaml's "unsupported map key" message).
fn go_sharp_v(v: &Value) -> String {
    // An element of a Go container is an interface: a nil one prints with its type.
    let elem = |x: &Value| match x {
        Value::Nil => "interface {}(nil)".to_string(),
        x => go_sharp_v(x),
    };
    match v {
        Value::Nil => "<nil>".into(),
        Value::Str(s) => go_quote(s),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{}", *f as i64),
        Value::List(l) => format!(
            "[]interface {{}}{{{}}}",
            l.items.iter().map(elem).collect::<Vec<_>>().join(", ")
        ),
        Value::Map(m) => format!(
            "map[interface {{}}]interface {{}}{{{}}}",
            m.borrow()
                .iter()
                .map(|(k, x)| format!("{}:{}", go_quote(k), elem(x)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => crate::fmt::format_value(other),
    }
}

/// Go's `strconv.Quote`.
fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Maps saphyr's character offsets to text, moving forward incrementally (events come in order).
#[derive(Default)]
struct CharCursor {
    ci: usize,
    bi: usize,
}

/// If a double-quoted scalar's source has a `\/` escape: how many line breaks precede it.
fn slash_escape(raw: &str) -> Option<usize> {
    let b = raw.as_bytes();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'\\' {
            if b[i + 1] == b'/' {
                return Some(raw[..i].matches('\n').count());
            }
            i += 2;
        } else {
            i += 1;
        }
    }
    None
}

impl CharCursor {
    /// The text between two character offsets (both at or after the cursor).
    fn slice<'s>(&mut self, src: &'s str, start: usize, end: usize) -> &'s str {
        if self.char_at(src, start).is_none() {
            return "";
        }
        let b0 = self.bi;
        let _ = self.char_at(src, end);
        let b1 = if self.ci == end { self.bi } else { src.len() };
        &src[b0..b1.max(b0)]
    }

    fn char_at(&mut self, src: &str, idx: usize) -> Option<char> {
        if idx < self.ci {
            self.ci = 0;
            self.bi = 0;
        }
        while self.ci < idx {
            let c = src[self.bi..].chars().next()?;
            self.bi += c.len_utf8();
            self.ci += 1;
        }
        src[self.bi..].chars().next()
    }
}

/// go-yaml's scanner refuses some tabs saphyr lets through: in block context a line of
/// blanks (or a comment line) whose leading blanks hold a tab is an error. After a plain
/// scalar that ends its line, libyaml's plain-scalar scanner reads the following blank lines
/// and refuses a tab left of the scalar's indentation ("found a tab character that violates
/// indentation"); anywhere else its token scanner stops at the tab ("found character that
/// cannot start any token"). Lines inside flow collections, quoted and block scalars are left
/// alone, as is everything when no line starts its blanks with a tab (the usual case).
struct TabLines {
    active: bool,
    doc_start: usize,
    /// Byte offset of the document's first line.
    doc_byte: usize,
    /// (last line, indentation) of block plain scalars that end their line.
    plain_ends: Vec<(usize, usize)>,
    /// Line ranges (1-based, inclusive) of multi-line tokens and flow collections.
    covered: Vec<(usize, usize)>,
    flow_starts: Vec<usize>,
}

impl TabLines {
    fn new(src: &str) -> TabLines {
        let active =
            src.as_bytes().contains(&b'\t') && src.lines().any(|l| Self::tab_column(l).is_some());
        TabLines {
            active,
            doc_start: 1,
            doc_byte: 0,
            plain_ends: Vec::new(),
            covered: Vec::new(),
            flow_starts: Vec::new(),
        }
    }

    /// The column of the first tab in a blank or comment line's leading blanks.
    fn tab_column(line: &str) -> Option<usize> {
        let lead = line.len() - line.trim_start_matches([' ', '\t']).len();
        let rest = line[lead..].trim_end_matches('\r');
        if !(rest.is_empty() || rest.starts_with('#')) {
            return None;
        }
        line[..lead].find('\t')
    }

    /// A document starting on `line`, whose first byte is `byte`.
    fn start_document(&mut self, line: usize, byte: usize) {
        self.doc_start = line;
        self.doc_byte = byte;
        self.plain_ends.clear();
        self.covered.clear();
    }

    /// A scalar from `first` to `last` (lines); `plain_indent` for a block plain scalar
    /// that ends its line.
    fn scalar(&mut self, first: usize, last: usize, plain_indent: Option<usize>) {
        if !self.active {
            return;
        }
        match plain_indent {
            Some(indent) => {
                self.plain_ends.push((last, indent));
                if last > first {
                    self.covered.push((first, last - 1));
                }
            }
            None if last > first => self.covered.push((first, last)),
            None => {}
        }
    }

    /// The first refused tab line of the document that ends on line `end`.
    fn check(&self, src: &str, end: usize) -> Option<YamlError> {
        if !self.active {
            return None;
        }
        let covered = |l: usize| self.covered.iter().any(|&(a, b)| a <= l && l <= b);
        // The nearest line above with anything but blanks on it.
        let mut prev: Option<usize> = None;
        let from = self.doc_byte.min(src.len());
        for (i, line) in src[from..].lines().enumerate() {
            let n = self.doc_start + i;
            if n > end {
                break;
            }
            let blank = line.trim_matches([' ', '\t', '\r']).is_empty();
            if let (Some(col), Some(p)) = (Self::tab_column(line), prev) {
                if !covered(n) && !covered(p) {
                    let after_plain = self.plain_ends.iter().find(|(l, _)| *l == p);
                    let msg = match after_plain {
                        Some(&(_, indent)) if col < indent => {
                            Some("found a tab character that violates indentation")
                        }
                        Some(_) => None,
                        None => Some("found character that cannot start any token"),
                    };
                    if let Some(msg) = msg {
                        let message = if n == 1 {
                            format!("yaml: {msg}")
                        } else {
                            format!("yaml: line {n}: {msg}")
                        };
                        return Some(err_at(n, col + 1, message));
                    }
                }
            }
            if !blank {
                prev = Some(n);
            }
        }
        None
    }
}

/// An aliased node used as a key: scalars keep their resolution.
fn alias_key_info(v: &Value) -> Option<(Resolved, String)> {
    match v {
        Value::Str(s) => Some((Resolved::Str, s.to_string())),
        Value::Bool(b) => Some((Resolved::Bool(*b), b.to_string())),
        Value::Float(f) => Some((Resolved::Float(*f), f.to_string())),
        Value::Nil => Some((Resolved::Null, String::new())),
        _ => None,
    }
}

/// The alias name written at `span` (`*name`).
fn anchor_name(src: &str, span: &Span) -> String {
    let start = span.start.index();
    let text: String = src
        .chars()
        .skip(start)
        .skip_while(|c| *c == '*')
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
        .collect();
    text
}

/// Maps a saphyr error to libyaml's wording and line convention: scanner errors report the
/// problem's line, parser errors the line before it (go-yaml prints the 0-based mark).
fn scan_error(src: &str, e: &ScanError) -> YamlError {
    let m = e.marker();
    let info = e.info();
    let line = m.line();
    let col = m.col() + 1;
    if info.contains("unknown anchor") {
        let name: String = src
            .chars()
            .skip(m.index())
            .skip_while(|c| *c != '*')
            .skip(1)
            .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
            .collect();
        return err_at(
            line,
            col,
            format!("yaml: unknown anchor '{name}' referenced"),
        );
    }
    let (msg, parser_err) = libyaml_message(info);
    // libyaml reports an unterminated scalar at the end of the stream and a bad tab on its own
    // line; saphyr at the start of the token.
    let line = if msg == "found unexpected end of stream" {
        src.matches('\n').count() + 1
    } else if msg.contains("tab character") {
        src.lines()
            .enumerate()
            .skip(line.saturating_sub(1))
            .find(|(_, l)| l.trim_start_matches(' ').starts_with('\t'))
            .map(|(i, _)| i + 1)
            .unwrap_or(line)
    } else {
        line
    };
    // go-yaml prints the 0-based mark line: +1 for scanner errors, as is for parser errors, and
    // nothing at all when the mark is on the first line.
    let zero_based = line.saturating_sub(1);
    let shown = if zero_based == 0 {
        0
    } else if parser_err {
        zero_based
    } else {
        line
    };
    let message = if shown == 0 {
        format!("yaml: {msg}")
    } else {
        format!("yaml: line {shown}: {msg}")
    };
    err_at(line, col, message)
}

/// saphyr's error text → (libyaml's text, whether libyaml reports it as a parser error).
fn libyaml_message(info: &str) -> (String, bool) {
    let table: &[(&str, &str, bool)] = &[
        (
            "mapping values are not allowed",
            "mapping values are not allowed in this context",
            false,
        ),
        (
            "did not find expected key",
            "did not find expected key",
            true,
        ),
        (
            "did not find expected node content",
            "did not find expected node content",
            true,
        ),
        (
            "expected ',' or ']'",
            "did not find expected ',' or ']'",
            true,
        ),
        (
            "expected ',' or '}'",
            "did not find expected ',' or '}'",
            true,
        ),
        (
            "did not find expected '-'",
            "did not find expected '-' indicator",
            true,
        ),
        (
            "could not find expected ':'",
            "could not find expected ':'",
            false,
        ),
        (
            "simple key expect ':'",
            "could not find expected ':'",
            false,
        ),
        // A required simple key (e.g. `[]` at a mapping's indentation) with no `:` after it.
        ("simple key expected", "could not find expected ':'", false),
        (
            "unexpected character",
            "found character that cannot start any token",
            false,
        ),
        (
            "found character that cannot start any token",
            "found character that cannot start any token",
            false,
        ),
        (
            "tabs disallowed within this context",
            "found character that cannot start any token",
            false,
        ),
        (
            "tab",
            "found a tab character that violates indentation",
            false,
        ),
        (
            "did not find expected <document start>",
            "did not find expected <document start>",
            true,
        ),
        (
            "unexpected end of stream",
            "found unexpected end of stream",
            false,
        ),
        (
            "block sequence entries are not allowed",
            "block sequence entries are not allowed in this context",
            false,
        ),
        ("unknown escape", "found unknown escape character", false),
    ];
    for (needle, msg, parser) in table {
        if info.contains(needle) {
            return (msg.to_string(), *parser);
        }
    }
    // go-yaml prints libyaml's problem without its context ("while scanning a block
    // scalar, "), and keeps libyaml's spelling of "hexdecimal".
    let problem = match info.strip_prefix("while ").and_then(|r| r.split_once(", ")) {
        Some((_, problem)) => problem,
        None => info,
    };
    (problem.replace("hexadecimal", "hexdecimal"), false)
}

/// helm v4's values loading (`LoadValues`): the stream is split into documents at `---` lines
/// (k8s `YAMLReader`), each unmarshalled into a map, and the maps deep-merged in order.
/// Messages read like helm's (`cannot unmarshal yaml document: error converting YAML to JSON:
/// yaml: line 2: …`), with line numbers relative to the document as helm prints them; the
/// `line`/`col` fields are absolute.
pub fn load_values(src: &str) -> Result<Map, YamlError> {
    let out = Map::new();
    for (text, first_line) in split_documents(src)? {
        let doc = match load_map(text) {
            Ok(m) => m,
            Err(mut e) => {
                if e.line > 0 {
                    e.line += first_line - 1;
                }
                e.message = format!("cannot unmarshal yaml document: {}", e.full_message());
                e.stage = Stage::Complete;
                return Err(e);
            }
        };
        merge_maps(&out, &doc);
    }
    Ok(out)
}

/// helm's `MergeMaps`: nested maps merge recursively, everything else is replaced.
fn merge_maps(dst: &Map, src: &Map) {
    for (k, v) in src.borrow().iter() {
        if let (Value::Map(sv), Some(Value::Map(dv))) = (v, dst.get(k)) {
            let merged = dv.shallow_copy();
            merge_maps(&merged, sv);
            dst.insert(k.clone(), Value::Map(merged));
            continue;
        }
        dst.insert(k.clone(), v.clone());
    }
}

/// k8s `YAMLReader`: documents separated by lines starting with `---` followed only by spaces
/// or a comment. Returns each document's text and its first line (1-based).
pub fn split_documents(src: &str) -> Result<Vec<(&str, usize)>, YamlError> {
    // Most values files are one document: no line to look at.
    if !src.starts_with("---") && !src.contains("\n---") {
        return Ok(if src.is_empty() {
            Vec::new()
        } else {
            vec![(src, 1)]
        });
    }
    // Documents are the runs of lines between separator lines: slices of `src`.
    let mut docs = Vec::new();
    let (mut start, mut cur_start, mut at) = (0, 1, 0);
    for (i, line) in src.split_inclusive('\n').enumerate() {
        let end = at + line.len();
        if let Some(rest) = line.strip_prefix("---") {
            let trimmed = rest.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                return Err(YamlError {
                    line: i + 1,
                    col: 1,
                    stage: Stage::Complete,
                    message: format!(
                        "error reading yaml document: invalid Yaml document separator: {trimmed}"
                    ),
                });
            }
            if at > start {
                docs.push((&src[start..at], cur_start));
            }
            start = end;
            cur_start = i + 2;
        }
        at = end;
    }
    if src.len() > start {
        docs.push((&src[start..], cur_start));
    }
    Ok(docs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::to_json;

    /// Documents as slices: the same texts and first lines as accumulating the lines between
    /// separators, and the same error.
    #[test]
    fn split_documents_slices_like_line_accumulation() {
        let by_lines = |src: &str| -> Result<Vec<(String, usize)>, String> {
            let (mut docs, mut cur, mut cur_start) = (Vec::new(), String::new(), 1);
            for (i, line) in src.split_inclusive('\n').enumerate() {
                if let Some(rest) = line.strip_prefix("---") {
                    let t = rest.trim();
                    if !t.is_empty() && !t.starts_with('#') {
                        return Err(format!("{}: {t}", i + 1));
                    }
                    if !cur.is_empty() {
                        docs.push((std::mem::take(&mut cur), cur_start));
                    }
                    cur_start = i + 2;
                    continue;
                }
                cur.push_str(line);
            }
            if !cur.is_empty() {
                docs.push((cur, cur_start));
            }
            Ok(docs)
        };
        for src in [
            "",
            "a: 1\n",
            "a: 1",
            "---\n",
            "---",
            "--- # c\na: 1\n---\nb: 2",
            "a: 1\n---\n---\nb: 2\n",
            "a: 1\n---x\n",
            "a: |\n  ---\n",
            "x: 1\n--- \n\n",
            "\n---\n\n",
        ] {
            let got = split_documents(src)
                .map(|d| {
                    d.into_iter()
                        .map(|(t, l)| (t.to_string(), l))
                        .collect::<Vec<_>>()
                })
                .map_err(|e| format!("{}: {}", e.line, e.message.rsplit(": ").next().unwrap()));
            assert_eq!(got, by_lines(src), "{src:?}");
        }
    }

    fn j(src: &str) -> String {
        to_json(&load(src).unwrap()).unwrap()
    }

    #[test]
    fn yaml11_values_like_helm() {
        assert_eq!(
            j("a: yes\nb: [x, y, n]\nc: 0777\nd: 0o17\ne: 0x1F\nf: 1_000\ng: 1e3\nh: ~\ni:\nj: 9007199254740993\n"),
            r#"{"a":true,"b":["x",true,false],"c":511,"d":15,"e":31,"f":1000,"g":1000,"h":null,"i":null,"j":9007199254740992}"#
        );
        assert_eq!(
            j("y: 1\n0x10: a\n010: b\nNo: c\n1.5: d\n"),
            r#"{"1.5":"d","16":"a","8":"b","false":"c","true":1}"#
        );
        assert_eq!(
            j("a: 1\n<<: {a: 2, b: 3}\nc: &x {p: 1}\nd:\n  <<: [*x, {p: 2, q: 3}]\n"),
            r#"{"a":2,"b":3,"c":{"p":1},"d":{"p":1,"q":3}}"#
        );
        assert_eq!(
            j("a: !!binary aGVsbG8=\nb: !!binary /w==\nc: !foo 12\nd: !!int \"42\"\ne: !!float 3\n"),
            r#"{"a":"hello","b":"�","c":"12","d":42,"e":3}"#
        );
        assert_eq!(
            j("t: 2024-01-01\nu: 190:20:30\nv: !!str 123\n"),
            r#"{"t":"2024-01-01","u":"190:20:30","v":"123"}"#
        );
    }

    #[test]
    fn errors_like_helm() {
        let e = load("a: .inf\n").unwrap_err();
        assert_eq!(
            e.full_message(),
            "error converting YAML to JSON: json: unsupported value: +Inf"
        );
        let e = load("a: 1\nb: c: d\n").unwrap_err();
        assert_eq!(e.full_message(), "error converting YAML to JSON: yaml: line 2: mapping values are not allowed in this context");
        let e = load("a: *nope\n").unwrap_err();
        assert_eq!(
            e.full_message(),
            "error converting YAML to JSON: yaml: unknown anchor 'nope' referenced"
        );
        // A map as a key (an unquoted `{{ x }}` from values); nil elements print typed.
        let e = load("- port: {{ .x }}\n").unwrap_err();
        assert_eq!(
            e.full_message(),
            "error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{\".x\":interface {}(nil)}"
        );
        // go-yaml's reader refuses control characters anywhere, even quoted or in comments.
        for src in [
            "a: \"x\u{1}y\"\n",
            "a: 1 # c\u{7f}\n",
            "a: |\n  x\u{90}y\n",
            "a: x\u{fffe}\n",
        ] {
            assert_eq!(
                load(src).unwrap_err().full_message(),
                "error converting YAML to JSON: yaml: control characters are not allowed",
                "{src:?}"
            );
        }
        assert!(load("a: \"\\x01\"\n").is_ok());
        // A byte order mark inside the text is an ordinary character to libyaml.
        let v = load("a: \u{feff}x\n\u{feff}b: |\n  \u{feff}{}\n").unwrap();
        assert_eq!(
            crate::json::to_json(&v).unwrap(),
            "{\"a\":\"\u{feff}x\",\"\u{feff}b\":\"\u{feff}{}\\n\"}"
        );
        // A tab leading a quoted scalar's continuation line is a blank to libyaml.
        let v = load("x:\n  a: \"one\n\t two\n\n\tthree\"\n  b: 'p\n\tq'\n").unwrap();
        assert_eq!(
            crate::json::to_json(&v).unwrap(),
            r#"{"x":{"a":"one two\nthree","b":"p q"}}"#
        );
        // An empty implicit key is a syntax error (an explicit `? ` one is a null key).
        let msg = |src: &str| load(src).unwrap_err().full_message();
        let conv = "error converting YAML to JSON: ";
        assert_eq!(
            msg("a: 1\n: v\n"),
            format!("{conv}yaml: line 1: did not find expected key")
        );
        assert_eq!(
            msg("- : v\n"),
            format!("{conv}yaml: did not find expected key")
        );
        assert_eq!(
            msg("a: {x: 1, : 2}\n"),
            format!("{conv}yaml: did not find expected node content")
        );
        assert!(msg("? \n: v\n").contains("unsupported map key of type: %!s(<nil>)"));
        // Tabs in blank lines, as go-yaml's scanner sees them (each verified with helm).
        assert_eq!(
            msg("a: 1\n\t\nb: 2\n"),
            format!("{conv}yaml: line 2: found a tab character that violates indentation")
        );
        assert!(load("a: 1\n  \t\nb: 2\n").is_ok());
        assert_eq!(
            msg("a: 1 # c\n\t\nb: 2\n"),
            format!("{conv}yaml: line 2: found character that cannot start any token")
        );
        assert_eq!(
            msg("a:\n\t\nb: 1\n"),
            format!("{conv}yaml: line 2: found character that cannot start any token")
        );
        assert!(load("a: [1,\n\t\n 2]\n").is_ok());
        // In a later document of a stream, with the stream's line numbers.
        let e = load_docs_full("a: 1\n---\nb: 2\n\t\nc: 3\n", false, false).unwrap_err();
        assert_eq!(
            e.message,
            "yaml: line 4: found a tab character that violates indentation"
        );
        assert!(load("a: \"x\n\t\n y\"\n").is_ok());
        // go-yaml prints libyaml's problem without its context, in libyaml's spelling.
        let e = load("a: |x\n").unwrap_err();
        assert_eq!(
            e.full_message(),
            "error converting YAML to JSON: yaml: did not find expected comment or line break"
        );
        let e = load("a: \"\\xZZ\"\n").unwrap_err();
        assert_eq!(
            e.full_message(),
            "error converting YAML to JSON: yaml: did not find expected hexdecimal number"
        );
    }

    /// Which error wins follows go-yaml's and sigs.k8s.io/yaml's stages (verified with helm).
    #[test]
    fn error_precedence_and_key_messages() {
        let msg = |src: &str| load(src).unwrap_err().full_message();
        assert_eq!(
            msg("a: 1\n~: tilde\n"),
            "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: \"tilde\""
        );
        assert_eq!(
            msg("12345678901234567890: big\n"),
            "error converting YAML to JSON: unsupported map key of type: uint64, key: 0xab54a98ceb1f0ad2, value: \"big\""
        );
        assert_eq!(
            msg("a: !!int x\nb: .inf\nc: [\n"),
            "error converting YAML to JSON: yaml: line 3: did not find expected node content"
        );
        assert_eq!(
            msg("b: .inf\na: !!int x\n"),
            "error converting YAML to JSON: yaml: cannot decode !!str `x` as a !!int"
        );
        assert_eq!(
            msg("1: int\nnull: nul\n~: tilde\n"),
            "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: \"tilde\""
        );
        assert_eq!(
            msg("b: .inf\n~: 1\n"),
            "error converting YAML to JSON: unsupported map key of type: %!s(<nil>), key: <nil>, value: 1"
        );
    }

    #[test]
    fn slash_escape_is_rejected_like_libyaml() {
        let e = load("a: \"x \\/ y\"\n").unwrap_err();
        assert_eq!(e.message, "yaml: found unknown escape character");
        let e = load("b: 1\na: \"x \\/ y\"\n").unwrap_err();
        assert_eq!(e.message, "yaml: line 2: found unknown escape character");
        assert_eq!(
            crate::json::to_json(&load("a: \"x \\\\/\"\n").unwrap()).unwrap(),
            r#"{"a":"x \\/"}"#
        );
    }

    /// helm v4.1.4: bytes that are not UTF-8 fail go-yaml's reader, wherever they are.
    #[test]
    fn invalid_utf8_is_a_reader_error() {
        let s = crate::value::go_string(b"# c \xc3\x28\na: 1\n").into_owned();
        let e = load(&s).unwrap_err();
        assert_eq!(
            e.full_message(),
            "error converting YAML to JSON: yaml: invalid trailing UTF-8 octet"
        );
        let s = crate::value::go_string(b"a: \"\xff\"\n").into_owned();
        assert_eq!(
            load_all(&s).unwrap_err().message,
            "yaml: invalid leading UTF-8 octet"
        );
        // A real U+10FFxx character is valid text.
        let s = crate::value::go_string("a: \u{10FF80}\n".as_bytes()).into_owned();
        assert!(load(&s).is_ok());
    }

    /// Block levels count like libyaml's indents (an indentless sequence adds none); the
    /// 10001st open collection fails encoding/json, the 10001st block level go-yaml.
    #[test]
    fn block_depth_limits_like_helm() {
        let deep = |n: usize, lead: &str| format!("a:\n{lead}{}1\n", "- ".repeat(n));
        let msg = |src: String| load(&src).map(|_| ()).unwrap_err().full_message();
        assert!(load(&deep(9_999, "")).is_ok());
        assert_eq!(
            msg(deep(10_000, "")),
            "error unmarshaling JSON: while decoding JSON: invalid character '[' exceeded max depth"
        );
        assert_eq!(
            msg(deep(10_001, "")),
            "error converting YAML to JSON: yaml: line 2: exceeded max depth of 10000"
        );
        assert_eq!(
            msg(deep(10_000, "\n  ")),
            "error converting YAML to JSON: yaml: line 3: exceeded max depth of 10000"
        );
    }

    /// Flows spread over lines and nested deeper than saphyr's 255 levels still load like
    /// helm's (also with continuation lines at the parent's indentation).
    #[test]
    fn deep_multiline_flow_like_helm() {
        let deep = |n: usize| format!("a: {}1{}\n", "[\n".repeat(n), "\n]".repeat(n));
        assert_eq!(
            crate::json::to_json(&load(&deep(300)).unwrap())
                .unwrap()
                .len(),
            607
        );
        assert_eq!(
            load(&deep(10_001)).unwrap_err().full_message(),
            "error converting YAML to JSON: yaml: line 10001: exceeded max depth of 10000"
        );
    }

    #[test]
    fn billion_laughs_is_bounded() {
        let mut s = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let p = i - 1;
            s.push_str(&format!(
                "a{i}: &a{i} [*a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}, *a{p}]\n"
            ));
        }
        let e = load(&s).unwrap_err();
        assert!(e.message.contains("excessive aliasing"), "{}", e.message);
    }

    #[test]
    fn spans_find_paths() {
        let src = "image:\n  repository: nginx\n  tag: \"1.0\"\nlist:\n  - a\n  - name: b\n";
        let (_, spans) = load_spanned(src).unwrap();
        let n = spans.find(&["image", "tag"]).unwrap();
        assert_eq!(n.key, Some(Loc { line: 3, col: 3 }));
        assert_eq!(n.value, Loc { line: 3, col: 8 });
        let n = spans.pointer("/list/1/name").unwrap();
        assert_eq!(n.key, Some(Loc { line: 6, col: 5 }));
        assert_eq!(
            spans.loc(&[PathSeg::Key("list".into()), PathSeg::Index(0)]),
            Loc { line: 5, col: 5 }
        );
    }

    #[test]
    fn values_documents_merge() {
        let m = load_values("a: 1\nb: {x: 1}\n---\nb: {z: 2}\n").unwrap();
        assert_eq!(
            to_json(&Value::Map(m)).unwrap(),
            r#"{"a":1,"b":{"x":1,"z":2}}"#
        );
        let e = load_values("a: 1\n---\nb: [\n").map(|_| ()).unwrap_err();
        assert_eq!(
            e.message,
            "cannot unmarshal yaml document: error converting YAML to JSON: yaml: line 1: did not find expected node content"
        );
        let e = load_values("- a\n").map(|_| ()).unwrap_err();
        assert!(e.message.ends_with(
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
        ));
    }
}

#[cfg(test)]
mod span_tests {
    use super::*;

    #[test]
    fn spans_on_manifests_and_aliases() {
        let src = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: &l\n    app: web\nspec:\n  containers:\n  - name: c\n    image: \"nginx:1\"\n    ports: [{containerPort: 80}]\n  extra: *l\n---\nkind: Service\n";
        let docs = load_all_spanned(src).unwrap();
        assert_eq!(docs.len(), 2);
        let s = &docs[0].1;
        assert_eq!(
            s.find(&["spec", "containers", "0", "image"]).unwrap().value,
            Loc { line: 10, col: 12 }
        );
        assert_eq!(
            s.find(&["spec", "containers", "0", "ports", "0", "containerPort"])
                .unwrap()
                .key,
            Some(Loc { line: 11, col: 14 })
        );
        // An alias points at the alias itself, its children at the anchored text.
        assert_eq!(
            s.find(&["spec", "extra"]).unwrap().key,
            Some(Loc { line: 12, col: 3 })
        );
        assert_eq!(
            s.find(&["spec", "extra", "app"]).unwrap().value,
            Loc { line: 6, col: 10 }
        );
        assert_eq!(
            docs[1].1.find(&["kind"]).unwrap().key,
            Some(Loc { line: 14, col: 1 })
        );
        assert_eq!(
            s.loc(&[PathSeg::Key("metadata".into()), PathSeg::Key("nope".into())]),
            Loc { line: 3, col: 1 }
        );
    }

    /// helm (libyaml) ignores indentation inside flow collections (bitnami-chainloop values).
    #[test]
    fn flow_collections_ignore_indentation() {
        let v = load_values("a:\n  b: [\n    \"x\",\n    \"y\"\n  ]\n").unwrap();
        assert_eq!(
            crate::json::to_json(&Value::Map(v)).unwrap(),
            r#"{"a":{"b":["x","y"]}}"#
        );
        let v = load("a:\n  b: [\nx,\ny\n]\n  c: {\n  p: 1\n  }\n").unwrap();
        assert_eq!(
            crate::json::to_json(&v).unwrap(),
            r#"{"a":{"b":["x",true],"c":{"p":1}}}"#
        );
    }

    #[test]
    fn tab_after_colon_is_a_separator() {
        let (v, s) = load_spanned("a:\tb\nc: 1\n").unwrap();
        assert_eq!(crate::json::to_json(&v).unwrap(), r#"{"a":"b","c":1}"#);
        assert_eq!(s.find(&["a"]).unwrap().value, Loc { line: 1, col: 4 });
    }

    #[test]
    fn required_simple_key_without_colon_worded_like_libyaml() {
        // helm v4.1.4 (`fromYaml` of this text): `yaml: line 5: could not find expected ':'`
        // (libyaml notices the missing `:` at the end of the stream).
        let e = load("kind: A\nspec:\n  c:\n  []\n").unwrap_err();
        assert_eq!(e.message, "yaml: line 5: could not find expected ':'");
    }

    #[test]
    fn quoted_continuation_lines_need_no_indentation() {
        // libyaml (helm) accepts these; saphyr wants continuation lines past the block indent.
        // Values verified with helm v4.1.4 (`.Values | toJson`).
        let v = load("x:\n  t: \"a\nb \\\n   c\"\n  z: 'p\n q''r'\n  w: 1\n").unwrap();
        assert_eq!(
            crate::json::to_json(&v).unwrap(),
            r#"{"x":{"t":"a b c","w":1,"z":"p q'r"}}"#
        );
        let (_, s) = load_spanned("a:\n  b: \"x\n  y\"\n  c: 2\n").unwrap();
        assert_eq!(s.find(&["a", "c"]).unwrap().value, Loc { line: 4, col: 6 });
        // An unterminated scalar is still an error, not a loop.
        assert!(load("a:\n  b: \"x\n  y\n").is_err());
    }

    /// `cargo test --release -p chartgate-gotpl --lib load_speed -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn load_speed() {
        let mut src = String::new();
        let mut i = 0;
        while src.len() < 100_000 {
            src.push_str(&format!(
                "svc{i}:\n  enabled: yes\n  image: {{repository: \"repo/x{i}\", tag: \"1.{i}\"}}\n  ports:\n  - 80\n  - 443\n  env:\n    - name: A\n      value: \"b c d\"\n  text: |\n    line one\n    line two\n"
            ));
            i += 1;
        }
        println!(
            "fast path taken: {}",
            matches!(super::super::fast::fast_load(&src, false), Some(Ok(_)))
        );
        // Best of 30: this shared box is noisy; the minimum is the cost without interference.
        let best = |f: &dyn Fn()| {
            (0..30)
                .map(|_| {
                    let t = std::time::Instant::now();
                    f();
                    t.elapsed()
                })
                .min()
                .unwrap_or_default()
        };
        let v = load(&src).unwrap();
        println!("{} bytes:", src.len());
        println!("  load (fast path): {:?}", best(&|| drop(load(&src))));
        println!(
            "  load_spanned:     {:?}",
            best(&|| drop(load_spanned(&src)))
        );
        println!(
            "  full saphyr path: {:?}",
            best(&|| drop(load_docs_full(&src, false, true)))
        );
        println!(
            "  to_yaml:          {:?}",
            best(&|| drop(crate::yaml::to_yaml(&v)))
        );
        println!(
            "  to_json:          {:?}",
            best(&|| drop(crate::json::to_json(&v)))
        );
    }
}
