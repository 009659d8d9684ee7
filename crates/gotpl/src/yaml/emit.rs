//! helm's `toYaml` and `toYamlPretty` output, byte for byte.
//!
//! `toYaml` is sigs.k8s.io/yaml `Marshal`: `json.Marshal`, go-yaml v2 `Unmarshal` of that JSON,
//! go-yaml v2 `Marshal`. So values are first normalised the JSON way (numbers re-read under YAML
//! 1.1, keys in go-yaml's natural order), then written by a libyaml-style emitter (style
//! selection from a scalar analysis, 80-column folding, block scalar indicators, escapes).
//! `toYamlPretty` is a go-yaml v3 encoder with indent 2 fed the values directly.

use super::resolve::{needs_type_quotes, resolve_plain, sort_keys, sort_keys_v3, Resolved};
use crate::json::{format_float, format_json_float};
use crate::value::Value;
use base64::Engine as _;

const MAX_DEPTH: usize = 10_000;

/// A node ready for the emitter.
enum Node {
    /// Written as is, plain (numbers, booleans, null).
    Plain(String),
    /// A tagged scalar (`!!binary aMM=`): the tag, then the text plain, or as a literal block
    /// when it holds line breaks.
    Tagged(&'static str, String),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// helm's `toYaml` body before its `TrimSuffix("\n")`: `Err` where helm would swallow the error
/// and return "" (NaN/Inf, characters go-yaml's reader rejects).
pub fn to_yaml(v: &Value) -> Result<String, String> {
    if v.exceeds_nodes(crate::value::MAX_NODES) {
        return Err("value too large to encode".into());
    }
    let node = json_node(v, 0)?;
    let mut e = Emitter::new(false);
    e.document(&node);
    Ok(e.out)
}

/// helm's `toYamlPretty` body (go-yaml v3 encoder, indent 2) before trimming the final newline.
pub fn to_yaml_pretty(v: &Value) -> Result<String, String> {
    if v.exceeds_nodes(crate::value::MAX_NODES) {
        return Err("value too large to encode".into());
    }
    let node = direct_node(v, 0)?;
    let mut e = Emitter::new(true);
    e.document(&node);
    Ok(e.out)
}

/// go-yaml's reader rejects these characters, and encoding/json leaves them raw, so `toYaml`
/// of a string holding one fails.
fn check_chars(s: &str) -> Result<(), String> {
    for c in s.chars() {
        let u = c as u32;
        // encoding/json escapes the C0 controls, so only DEL, the C1 controls (except NEL) and
        // U+FFFE/U+FFFF reach go-yaml's reader raw.
        let ok = !((0x7F..=0x9F).contains(&u) && u != 0x85) && u != 0xFFFE && u != 0xFFFF;
        if !ok {
            return Err("yaml: control characters are not allowed".into());
        }
    }
    Ok(())
}

/// The value as go-yaml v2 reads back its JSON encoding.
fn json_node(v: &Value, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("json: excessive nesting".into());
    }
    Ok(match v {
        Value::Nil => Node::Plain("null".into()),
        Value::Bool(b) => Node::Plain(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Node::Plain(i.to_string()),
        Value::Uint(u) => Node::Plain(u.to_string()),
        Value::Float(f) => {
            let text = format_json_float(*f)?;
            Node::Plain(match resolve_plain(&text) {
                Resolved::Int(i) => i.to_string(),
                Resolved::Uint(u) => u.to_string(),
                Resolved::Float(x) => format_float(x, 'g'),
                _ => text,
            })
        }
        Value::Str(s) => {
            // encoding/json writes each byte that is not UTF-8 as U+FFFD.
            let s = crate::value::go_lossy(s);
            check_chars(&s)?;
            Node::Str(fold_nel(&s))
        }
        Value::Bytes(b) => Node::Str(base64::engine::general_purpose::STANDARD.encode(b)),
        // Through JSON a nil slice is `null`; yaml.v3 (toYamlPretty) writes `[]`.
        Value::List(l) if l.nil => Node::Plain("null".into()),
        Value::List(l) => Node::Seq(
            l.items
                .iter()
                .map(|x| json_node(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        // json.Marshal writes a nil map as null.
        Value::Map(m) if m.is_nil_map() => Node::Plain("null".into()),
        Value::Map(m) => {
            let mut items = Vec::with_capacity(m.len());
            for (k, x) in m.borrow().iter() {
                let k = crate::value::go_lossy(k);
                check_chars(&k)?;
                items.push((k.into_owned(), json_node(x, depth + 1)?));
            }
            sort_keys(&mut items);
            Node::Map(items)
        }
        Value::Object(o) => json_node(&o.to_plain(), depth + 1)?,
    })
}

/// encoding/json leaves U+0085 (NEL) raw, and go-yaml reads it inside the double-quoted JSON
/// string as a line break, folding it like one: `a\u{85}b` comes back as `a b`.
fn fold_nel(s: &str) -> String {
    if !s.contains('\u{85}') {
        return s.to_string();
    }
    let lines: Vec<&str> = s.split('\u{85}').collect();
    let mut out = String::with_capacity(s.len());
    let last = lines.len() - 1;
    let mut pending_breaks = 0usize;
    for (i, line) in lines.iter().enumerate() {
        let mut l = *line;
        if i > 0 {
            l = l.trim_start_matches([' ', '\t']);
        }
        if i < last {
            l = l.trim_end_matches([' ', '\t']);
        }
        if i > 0 {
            if l.is_empty() && i < last {
                pending_breaks += 1;
                continue;
            }
            if pending_breaks == 0 {
                out.push(' ');
            } else {
                for _ in 0..pending_breaks {
                    out.push('\n');
                }
            }
            pending_breaks = 0;
        }
        out.push_str(l);
    }
    out
}

/// The value as go-yaml v3 sees the Go value itself (no JSON step): float64 prints with
/// `strconv 'g'` (`1e+06`), ints as ints.
fn direct_node(v: &Value, depth: usize) -> Result<Node, String> {
    if depth > MAX_DEPTH {
        return Err("yaml: excessive nesting".into());
    }
    Ok(match v {
        Value::Nil => Node::Plain("null".into()),
        Value::Bool(b) => Node::Plain(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Node::Plain(i.to_string()),
        Value::Uint(u) => Node::Plain(u.to_string()),
        Value::Float(f) => Node::Plain(match format_float(*f, 'g').as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            s => s.to_string(),
        }),
        // go-yaml v3 writes a string that is not UTF-8 as `!!binary <base64>`, the base64 cut
        // into 70-character lines, each ending in a break, once it fills a line.
        Value::Str(s) if crate::value::has_raw_bytes(s) => {
            let b64 = base64::engine::general_purpose::STANDARD.encode(crate::value::go_bytes(s));
            let text = if b64.len() < 70 {
                b64
            } else {
                let mut t = String::with_capacity(b64.len() + b64.len() / 70 + 1);
                for line in b64.as_bytes().chunks(70) {
                    t.push_str(std::str::from_utf8(line).unwrap_or_default());
                    t.push('\n');
                }
                t
            };
            Node::Tagged("!!binary", text)
        }
        Value::Str(s) => Node::Str(s.to_string()),
        Value::Bytes(b) => Node::Str(base64::engine::general_purpose::STANDARD.encode(b)),
        Value::List(l) => Node::Seq(
            l.items
                .iter()
                .map(|x| direct_node(x, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        Value::Map(m) => {
            let mut items = Vec::with_capacity(m.len());
            for (k, x) in m.borrow().iter() {
                items.push((k.clone(), direct_node(x, depth + 1)?));
            }
            sort_keys_v3(&mut items);
            Node::Map(items)
        }
        Value::Object(o) => direct_node(&o.to_plain(), depth + 1)?,
    })
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// libyaml's scalar analysis.
struct Analysis {
    multiline: bool,
    flow_plain: bool,
    block_plain: bool,
    single: bool,
    block: bool,
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// libyaml's `is_printable` (4-byte characters are not "printable" there).
fn is_printable(c: char) -> bool {
    let u = c as u32;
    u == 0x0A
        || (0x20..=0x7E).contains(&u)
        || (0xA0..=0xD7FF).contains(&u)
        || ((0xE000..=0xFFFD).contains(&u) && u != 0xFEFF)
}

fn analyze(value: &str, v3: bool, chars: &mut Vec<char>) -> Analysis {
    if value.is_empty() {
        return Analysis {
            multiline: false,
            flow_plain: false,
            block_plain: true,
            single: true,
            block: false,
        };
    }
    chars.clear();
    chars.extend(value.chars());
    let chars: &[char] = chars;
    let mut block_ind = false;
    let mut flow_ind = false;
    let mut line_breaks = false;
    let mut special = false;
    let mut tabs = false;
    let mut leading_space = false;
    let mut leading_break = false;
    let mut trailing_space = false;
    let mut trailing_break = false;
    let mut break_space = false;
    let mut space_break = false;
    let mut prev_space = false;
    let mut prev_break = false;
    if value.starts_with("---") || value.starts_with("...") {
        block_ind = true;
        flow_ind = true;
    }
    let mut preceded_ws = true;
    let n = chars.len();
    for i in 0..n {
        let c = chars[i];
        let followed_ws = i + 1 >= n || is_blank(chars[i + 1]);
        if i == 0 {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"'
                | '%' | '@' | '`' => {
                    flow_ind = true;
                    block_ind = true;
                }
                '?' | ':' => {
                    flow_ind = true;
                    if followed_ws {
                        block_ind = true;
                    }
                }
                '-' if followed_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        } else {
            match c {
                ',' | '?' | '[' | ']' | '{' | '}' => flow_ind = true,
                ':' => {
                    flow_ind = true;
                    if followed_ws {
                        block_ind = true;
                    }
                }
                '#' if preceded_ws => {
                    flow_ind = true;
                    block_ind = true;
                }
                _ => {}
            }
        }
        if v3 && c == '\t' {
            // go-yaml v3 lets tabs into block scalars, but not into plain or single-quoted ones.
            tabs = true;
        } else if !is_printable(c) {
            special = true;
        }
        if c == ' ' {
            if i == 0 {
                leading_space = true;
            }
            if i + 1 == n {
                trailing_space = true;
            }
            if prev_break {
                break_space = true;
            }
            prev_space = true;
            prev_break = false;
        } else if is_break(c) {
            line_breaks = true;
            if i == 0 {
                leading_break = true;
            }
            if i + 1 == n {
                trailing_break = true;
            }
            if prev_space {
                space_break = true;
            }
            prev_space = false;
            prev_break = true;
        } else {
            prev_space = false;
            prev_break = false;
        }
        preceded_ws = is_blank(c) || is_break(c) || c == '\0';
    }
    let mut a = Analysis {
        multiline: line_breaks,
        flow_plain: true,
        block_plain: true,
        single: true,
        block: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if trailing_space {
        a.block = false;
    }
    if break_space {
        a.flow_plain = false;
        a.block_plain = false;
        a.single = false;
    }
    if space_break || special {
        a.flow_plain = false;
        a.block_plain = false;
        a.single = false;
        a.block = false;
    }
    if line_breaks || tabs {
        a.flow_plain = false;
        a.block_plain = false;
    }
    if tabs {
        a.single = false;
    }
    if flow_ind {
        a.flow_plain = false;
    }
    if block_ind {
        a.block_plain = false;
    }
    a
}

struct Emitter {
    out: String,
    column: usize,
    whitespace: bool,
    indention: bool,
    indent: i32,
    indents: Vec<i32>,
    best_width: usize,
    best_indent: i32,
    /// go-yaml v3 layout (sequences indented inside mappings).
    v3: bool,
    /// Inside a block sequence item (v3 indents the first level past the `- `).
    in_seq_item: bool,
    /// Scratch space for a scalar's characters (reused: no allocation per scalar).
    buf: Vec<char>,
}

impl Emitter {
    fn new(v3: bool) -> Emitter {
        Emitter {
            out: String::new(),
            column: 0,
            whitespace: true,
            indention: true,
            indent: -1,
            indents: Vec::new(),
            // go-yaml v2 folds plain/quoted scalars past column 80; helm's v3 encoder doesn't
            // (verified against helm).
            best_width: if v3 { usize::MAX } else { 80 },
            best_indent: 2,
            v3,
            in_seq_item: false,
            buf: Vec::new(),
        }
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, ind: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in ind.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            self.indent += self.best_indent;
        }
    }

    fn pop_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn document(&mut self, n: &Node) {
        self.node(n, true, false, false);
        // Document end: a final line break.
        self.write_indent();
    }

    fn node(&mut self, n: &Node, root: bool, mapping: bool, simple_key: bool) {
        match n {
            Node::Plain(s) => self.scalar(s, Style::Plain, simple_key),
            Node::Tagged(tag, s) => {
                self.write_indicator(tag, true, false, false);
                let style = if s.contains('\n') {
                    Style::Literal
                } else {
                    Style::Plain
                };
                self.scalar(s, style, simple_key);
            }
            Node::Str(s) => {
                let style = if s.contains('\n') {
                    Style::Literal
                } else if needs_type_quotes(s) || (self.v3 && is_old_bool(s)) {
                    Style::Double
                } else {
                    Style::Plain
                };
                self.scalar(s, style, simple_key)
            }
            Node::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Node::Map(items) if items.is_empty() => self.empty_flow("{", "}"),
            Node::Seq(items) => {
                let indentless = if self.v3 {
                    false
                } else {
                    mapping && !self.indention
                };
                self.increase_indent(false, indentless);
                for item in items {
                    self.write_indent();
                    self.write_indicator("-", true, false, true);
                    self.in_seq_item = true;
                    self.node(item, false, false, false);
                }
                self.pop_indent();
            }
            Node::Map(items) => {
                self.increase_indent(false, false);
                let _ = root;
                for (k, v) in items {
                    self.write_indent();
                    self.in_seq_item = false;
                    let a = analyze(k, self.v3, &mut self.buf);
                    if !a.multiline && k.len() <= 128 {
                        self.node(&Node::Str(k.clone()), false, true, true);
                        self.write_indicator(":", false, false, false);
                    } else {
                        self.write_indicator("?", true, false, true);
                        self.node(&Node::Str(k.clone()), false, true, false);
                        self.write_indent();
                        self.write_indicator(":", true, false, true);
                    }
                    self.node(v, false, true, false);
                }
                self.pop_indent();
            }
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn scalar(&mut self, value: &str, requested: Style, simple_key: bool) {
        if requested == Style::Plain && is_simple_plain(value) {
            // Fast path: nothing to analyse, quote, fold or escape.
            if !self.whitespace {
                self.put(' ');
            }
            self.out.push_str(value);
            self.column += value.len();
            self.whitespace = false;
            self.indention = false;
            return;
        }
        let a = analyze(value, self.v3, &mut self.buf);
        let mut style = requested;
        if simple_key && a.multiline {
            style = Style::Double;
        }
        if style == Style::Plain && (!a.block_plain || (value.is_empty() && simple_key)) {
            style = Style::Single;
        }
        if style == Style::Single && !a.single {
            style = Style::Double;
        }
        if style == Style::Literal && (!a.block || simple_key) {
            style = Style::Double;
        }
        self.increase_indent(true, false);
        match style {
            Style::Plain => self.write_plain(value, !simple_key),
            Style::Single => self.write_single(value, !simple_key),
            Style::Double => self.write_double(value, !simple_key),
            Style::Literal => self.write_literal(value),
        }
        self.pop_indent();
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace && (!self.v3 || !value.is_empty()) {
            self.put(' ');
        }
        let mut chars = std::mem::take(&mut self.buf);
        chars.clear();
        chars.extend(value.chars());
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
            i += 1;
        }
        self.whitespace = false;
        self.indention = false;
        self.buf = chars;
    }

    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
        self.indention = true;
    }

    fn write_single(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut chars = std::mem::take(&mut self.buf);
        chars.clear();
        chars.extend(value.chars());
        let n = chars.len();
        let mut spaces = false;
        let mut breaks = false;
        for i in 0..n {
            let c = chars[i];
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < n
                    && chars[i + 1] != ' '
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
        self.buf = chars;
    }

    fn write_double(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // libyaml's BOM test looks at the start of the value, not the current character: a
        // leading BOM escapes everything.
        let bom = value.starts_with('\u{FEFF}');
        let mut chars = std::mem::take(&mut self.buf);
        chars.clear();
        chars.extend(value.chars());
        let n = chars.len();
        let mut spaces = false;
        for i in 0..n {
            let c = chars[i];
            if !is_printable(c) || bom || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                let u = c as u32;
                let simple = match u {
                    0x00 => Some('0'),
                    0x07 => Some('a'),
                    0x08 => Some('b'),
                    0x09 => Some('t'),
                    0x0A => Some('n'),
                    0x0B => Some('v'),
                    0x0C => Some('f'),
                    0x0D => Some('r'),
                    0x1B => Some('e'),
                    0x22 => Some('"'),
                    0x5C => Some('\\'),
                    0x85 => Some('N'),
                    0xA0 => Some('_'),
                    0x2028 => Some('L'),
                    0x2029 => Some('P'),
                    _ => None,
                };
                match simple {
                    Some(e) => self.put(e),
                    None => {
                        let (ind, w) = if u <= 0xFF {
                            ('x', 2)
                        } else if u <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(ind);
                        for k in (0..w).rev() {
                            let d = (u >> (k * 4)) & 0xF;
                            self.put(char::from_digit(d, 16).unwrap_or('0').to_ascii_uppercase());
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && i > 0 && i + 1 < n {
                    self.write_indent();
                    if chars[i + 1] == ' ' {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
        self.buf = chars;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        // Block scalar hints: an indentation indicator when the text starts with a space or a
        // break, and the chomping indicator.
        let first = value.chars().next();
        if first.is_some_and(|c| c == ' ' || is_break(c)) {
            let hint = char::from_digit(self.best_indent as u32, 10).unwrap_or('2');
            self.write_indicator(&hint.to_string(), false, false, false);
        }
        let mut chars = std::mem::take(&mut self.buf);
        chars.clear();
        chars.extend(value.chars());
        let chomp = match chars.last() {
            None => Some('-'),
            Some(&l) if !is_break(l) => Some('-'),
            Some(_) if chars.len() == 1 => Some('+'),
            Some(_) if is_break(chars[chars.len() - 2]) => Some('+'),
            Some(_) => None,
        };
        if let Some(c) = chomp {
            self.write_indicator(&c.to_string(), false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
        self.buf = chars;
    }
}

/// A non-empty word of `[A-Za-z0-9_./]` that starts with a letter or digit and has no spaces:
/// libyaml's analysis would allow it plain and there is nothing to fold.
fn is_simple_plain(v: &str) -> bool {
    let b = v.as_bytes();
    !b.is_empty()
        && b[0].is_ascii_alphanumeric()
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/' | b'-'))
}

/// go-yaml v3 quotes YAML 1.1 booleans it no longer resolves itself.
fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::load;

    fn y(src: &str) -> String {
        to_yaml(&load(src).unwrap()).unwrap()
    }

    #[test]
    fn basic_layout() {
        assert_eq!(
            y("b: [1, 2]\na: {x: 1, z: [a, {p: q, r: s}]}\nc: {}\nd: []\ne: null\n"),
            "a:\n  x: 1\n  z:\n  - a\n  - p: q\n    r: s\nb:\n- 1\n- 2\nc: {}\nd: []\ne: null\n"
        );
    }

    /// Developer probe: `DPROBE=file cargo test -p chartgate-gotpl probe_env -- --ignored
    /// --nocapture` prints toJson / toYaml / toYamlPretty of the file's values.
    #[test]
    #[ignore]
    fn probe_env() {
        let Ok(path) = std::env::var("DPROBE") else {
            return;
        };
        let src = std::fs::read_to_string(path).unwrap_or_default();
        match crate::yaml::load_values(&src) {
            Ok(m) => {
                let v = Value::Map(m);
                println!("JSON<<{}>>", crate::json::to_json(&v).unwrap_or_default());
                println!(
                    "YAML<<{}>>",
                    to_yaml(&v).unwrap_or_default().trim_end_matches('\n')
                );
                println!(
                    "PRETTY<<{}>>",
                    to_yaml_pretty(&v)
                        .unwrap_or_default()
                        .trim_end_matches('\n')
                );
            }
            Err(e) => println!("ERR<<{}>>", e.message),
        }
        for ev in saphyr_parser::Parser::new_from_str(&src) {
            if let Err(e) = ev {
                let m = e.marker();
                println!("RAW<<{} @ {}:{}>>", e.info(), m.line(), m.col());
                break;
            }
        }
    }
}
