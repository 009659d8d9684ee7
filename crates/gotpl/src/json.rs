//! Go's `encoding/json` as helm and sprig use it: `toJson`, `toPrettyJson`, `toRawJson` and
//! `fromJson`. Encoding follows `json.Marshal` (sorted keys, HTML-safe escapes, Go's float
//! format, `[]byte` as base64); decoding gives `float64` for every number, as decoding into
//! `interface{}` does.

use crate::value::{Map, Value};
use base64::Engine as _;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Nesting bound for encoding and decoding: deeper input is an error, never a stack overflow.
const MAX_DEPTH: usize = 10_000;

/// Go's `json.Marshal(v)`. Errors (`NaN`/`Inf`, too deep) are worded like Go's.
pub fn to_json(v: &Value) -> Result<String, String> {
    if v.exceeds_nodes(crate::value::MAX_NODES) {
        return Err("json: value too large to encode".into());
    }
    let mut out = String::new();
    encode(v, &mut out, true, 0)?;
    Ok(out)
}

/// sprig's `toRawJson`: `json.Encoder` with `SetEscapeHTML(false)`, trailing newline trimmed.
pub fn to_raw_json(v: &Value) -> Result<String, String> {
    if v.exceeds_nodes(crate::value::MAX_NODES) {
        return Err("json: value too large to encode".into());
    }
    let mut out = String::new();
    encode(v, &mut out, false, 0)?;
    Ok(out)
}

/// sprig's `toPrettyJson`: `json.MarshalIndent(v, "", "  ")`.
pub fn to_pretty_json(v: &Value) -> Result<String, String> {
    let compact = to_json(v)?;
    Ok(indent(&compact, "  "))
}

/// Go's float64 text in encoding/json: `'f'` format, or `'e'` below 1e-6 / from 1e21 on, with
/// the exponent's leading zero dropped (`1e-7`, `1e+21`).
pub fn format_json_float(f: f64) -> Result<String, String> {
    if !f.is_finite() {
        return Err(format!("json: unsupported value: {}", go_special(f)));
    }
    let abs = f.abs();
    if abs != 0.0 && !(1e-6..1e21).contains(&abs) {
        let s = format_float(f, 'e');
        // Go turns "e-07" into "e-7" (but keeps "e+21").
        let b = s.as_bytes();
        let n = b.len();
        if n >= 4 && b[n - 4] == b'e' && b[n - 3] == b'-' && b[n - 2] == b'0' {
            let mut t = s[..n - 2].to_string();
            t.push(b[n - 1] as char);
            return Ok(t);
        }
        Ok(s)
    } else {
        Ok(format_float(f, 'f'))
    }
}

fn go_special(f: f64) -> &'static str {
    if f.is_nan() {
        "NaN"
    } else if f > 0.0 {
        "+Inf"
    } else {
        "-Inf"
    }
}

/// Shortest round-trip decimal digits of a finite `f`, and the decimal point position:
/// `f = 0.d1d2d3… × 10^dp`. Zero gives ("0", 1).
fn shortest_digits(f: f64) -> (String, i32) {
    let s = format!("{:e}", f.abs());
    let (mant, exp) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mant.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0').to_string();
    if digits.is_empty() {
        return ("0".into(), 1);
    }
    (digits, exp + 1)
}

/// Go's `strconv.FormatFloat(f, fmt, -1, 64)` for `fmt` in `'e'`, `'f'`, `'g'`.
/// Non-finite values give Go's `+Inf`, `-Inf`, `NaN`.
pub fn format_float(f: f64, fmt: char) -> String {
    if !f.is_finite() {
        return go_special(f).to_string();
    }
    let neg = f.is_sign_negative();
    let (digits, dp) = shortest_digits(f);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    // Shortest 'g' uses %e when the exponent is < -4 or >= 6 (strconv's eprec for -1).
    let fmt = if fmt == 'g' {
        let exp = dp - 1;
        if digits != "0" && !(-4..6).contains(&exp) {
            'e'
        } else {
            'f'
        }
    } else {
        fmt
    };
    if fmt == 'e' {
        out.push_str(&digits[..1]);
        if digits.len() > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        let exp = if digits == "0" { 0 } else { dp - 1 };
        out.push('e');
        out.push(if exp < 0 { '-' } else { '+' });
        let e = exp.unsigned_abs();
        if e < 10 {
            out.push('0');
        }
        let _ = write!(out, "{e}");
    } else if dp <= 0 {
        out.push_str("0.");
        for _ in 0..(-dp) {
            out.push('0');
        }
        out.push_str(&digits);
    } else if dp as usize >= digits.len() {
        out.push_str(&digits);
        for _ in 0..(dp as usize - digits.len()) {
            out.push('0');
        }
    } else {
        out.push_str(&digits[..dp as usize]);
        out.push('.');
        out.push_str(&digits[dp as usize..]);
    }
    out
}

fn encode(v: &Value, out: &mut String, html: bool, depth: usize) -> Result<(), String> {
    if depth > MAX_DEPTH {
        return Err("json: unsupported value: encountered a cycle or excessive nesting".into());
    }
    match v {
        Value::Nil => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) | Value::Int64(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Uint(u) => {
            let _ = write!(out, "{u}");
        }
        Value::Float(f) => out.push_str(&format_json_float(*f)?),
        Value::Str(s) => encode_str(&crate::value::go_bytes(s), out, html),
        Value::Bytes(b) => {
            out.push('"');
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
            out.push('"');
        }
        Value::List(l) if l.nil => out.push_str("null"),
        Value::List(l) => {
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode(item, out, html, depth + 1)?;
            }
            out.push(']');
        }
        Value::Map(m) if m.is_nil_map() => out.push_str("null"),
        Value::Map(m) => {
            out.push('{');
            let m = m.borrow();
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_str(&crate::value::go_bytes(k), out, html);
                out.push(':');
                encode(item, out, html, depth + 1)?;
            }
            out.push('}');
        }
        Value::Object(o) => match o.json_fields() {
            Some(fields) => {
                out.push('{');
                for (i, (k, item)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    encode_str(k.as_bytes(), out, html);
                    out.push(':');
                    encode(item, out, html, depth + 1)?;
                }
                out.push('}');
            }
            None => encode(&o.to_plain(), out, html, depth + 1)?,
        },
    }
    Ok(())
}

/// Go's string encoding: `"`, `\`, control characters, and (HTML-safe mode) `<`, `>`, `&`
/// escaped; U+2028/U+2029 always escaped; invalid UTF-8 bytes become U+FFFD one by one.
pub(crate) fn encode_str(s: &[u8], out: &mut String, html: bool) {
    out.push('"');
    let mut i = 0;
    while i < s.len() {
        let b = s[i];
        if b < 0x80 {
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                b'<' | b'>' | b'&' if html => {
                    let _ = write!(out, "\\u00{b:02x}");
                }
                0..=0x1f => {
                    let _ = write!(out, "\\u00{b:02x}");
                }
                _ => out.push(b as char),
            }
            i += 1;
            continue;
        }
        match decode_utf8(&s[i..]) {
            Some((c, w)) => {
                if c == '\u{2028}' || c == '\u{2029}' {
                    let _ = write!(out, "\\u{:04x}", c as u32);
                } else {
                    crate::value::push_go_char(out, c);
                }
                i += w;
            }
            None => {
                out.push_str("\\ufffd");
                i += 1;
            }
        }
    }
    out.push('"');
}

/// Decodes one UTF-8 character at the start of `b` (None if invalid).
fn decode_utf8(b: &[u8]) -> Option<(char, usize)> {
    let w = match b[0] {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => return None,
    };
    if b.len() < w {
        return None;
    }
    let s = std::str::from_utf8(&b[..w]).ok()?;
    s.chars().next().map(|c| (c, w))
}

/// Go's `json.Indent`/`MarshalIndent` re-formatting of compact JSON.
fn indent(compact: &str, unit: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_str = false;
    let mut esc = false;
    let bytes: Vec<char> = compact.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            out.push(c);
            if esc {
                esc = false;
            } else if c == '\\' {
                esc = true;
            } else if c == '"' {
                in_str = false;
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_str = true;
                out.push(c);
            }
            '{' | '[' => {
                let close = if c == '{' { '}' } else { ']' };
                if bytes.get(i + 1) == Some(&close) {
                    // Go prints empty containers as `{}` / `[]`.
                    out.push(c);
                    out.push(close);
                    i += 2;
                    continue;
                }
                depth += 1;
                out.push(c);
                newline(&mut out, unit, depth);
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, unit, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, unit, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

fn newline(out: &mut String, unit: &str, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str(unit);
    }
}

/// A JSON syntax or type error, worded like Go's `encoding/json`.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonError(pub String);

impl std::fmt::Display for JsonError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Go's `json.Unmarshal` into `interface{}`: objects → maps, arrays → lists, numbers → float64.
pub fn from_json(src: &str) -> Result<Value, JsonError> {
    let (v, err) = from_json_partial(src)?;
    match err {
        Some(e) => Err(e),
        None => Ok(v),
    }
}

/// Like Go's `Unmarshal`: a syntax error yields nothing, but a number that doesn't fit a
/// float64 is set to nil and decoding goes on; the first such error is returned beside the value.
pub fn from_json_partial(src: &str) -> Result<(Value, Option<JsonError>), JsonError> {
    let mut p = Parser {
        b: src.as_bytes(),
        i: 0,
        type_err: None,
    };
    p.skip_ws();
    let v = p.value(0)?;
    p.skip_ws();
    if p.i < p.b.len() {
        return Err(p.err_char("after top-level value"));
    }
    Ok((v, p.type_err))
}

/// `json.Unmarshal` into `map[string]interface{}` (helm's `fromJson`).
pub fn from_json_map(src: &str) -> Result<Map, JsonError> {
    match from_json(src)? {
        Value::Map(m) => Ok(m),
        Value::Nil => Ok(Map::new()),
        other => Err(from_json_map_error(&other).unwrap_or_else(|| JsonError(String::new()))),
    }
}

/// The error Go gives when decoded JSON `v` can't go into a `map[string]interface{}`.
pub fn from_json_map_error(v: &Value) -> Option<JsonError> {
    match v {
        Value::Map(_) | Value::Nil => None,
        other => Some(JsonError(format!(
            "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(other)
        ))),
    }
}

/// `json.Unmarshal` into `[]interface{}` (helm's `fromJsonArray`).
pub fn from_json_list(src: &str) -> Result<Vec<Value>, JsonError> {
    match from_json(src)? {
        Value::List(l) => Ok(l.items.as_ref().clone()),
        Value::Nil => Ok(Vec::new()),
        other => Err(JsonError(format!(
            "json: cannot unmarshal {} into Go value of type []interface {{}}",
            json_kind(&other)
        ))),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Map(_) => "object",
        Value::List(_) => "array",
        Value::Str(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

struct Parser<'a> {
    b: &'a [u8],
    i: usize,
    type_err: Option<JsonError>,
}

impl Parser<'_> {
    fn skip_ws(&mut self) {
        while self.i < self.b.len() && matches!(self.b[self.i], b' ' | b'\t' | b'\n' | b'\r') {
            self.i += 1;
        }
    }

    fn err_char(&self, ctx: &str) -> JsonError {
        match self.b.get(self.i) {
            None => JsonError("unexpected end of JSON input".into()),
            Some(_) => {
                let c = std::str::from_utf8(&self.b[self.i..])
                    .ok()
                    .and_then(|s| s.chars().next())
                    .unwrap_or('\u{fffd}');
                JsonError(format!("invalid character {} {ctx}", quote_char(c)))
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, JsonError> {
        if depth > MAX_DEPTH {
            return Err(JsonError("exceeded max depth".into()));
        }
        match self.b.get(self.i) {
            None => Err(JsonError("unexpected end of JSON input".into())),
            Some(b'{') => {
                self.i += 1;
                let mut m = BTreeMap::new();
                self.skip_ws();
                if self.b.get(self.i) == Some(&b'}') {
                    self.i += 1;
                    return Ok(Value::map(m));
                }
                loop {
                    self.skip_ws();
                    if self.b.get(self.i) != Some(&b'"') {
                        return Err(self.err_char("looking for beginning of object key string"));
                    }
                    let k = self.string()?;
                    self.skip_ws();
                    if self.b.get(self.i) != Some(&b':') {
                        return Err(self.err_char("after object key"));
                    }
                    self.i += 1;
                    self.skip_ws();
                    let v = self.value(depth + 1)?;
                    m.insert(k, v);
                    self.skip_ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b'}') => {
                            self.i += 1;
                            return Ok(Value::map(m));
                        }
                        _ => return Err(self.err_char("after object key:value pair")),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.b.get(self.i) == Some(&b']') {
                    self.i += 1;
                    return Ok(Value::list(items));
                }
                loop {
                    self.skip_ws();
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    match self.b.get(self.i) {
                        Some(b',') => self.i += 1,
                        Some(b']') => {
                            self.i += 1;
                            return Ok(Value::list(items));
                        }
                        _ => return Err(self.err_char("after array element")),
                    }
                }
            }
            Some(b'"') => Ok(Value::from(self.string()?)),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Nil),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.err_char("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, v: Value) -> Result<Value, JsonError> {
        for (k, expect) in word.bytes().enumerate() {
            match self.b.get(self.i) {
                Some(&c) if c == expect => self.i += 1,
                Some(_) => {
                    return Err(self.err_char(&format!(
                        "in literal {word} (expecting {})",
                        quote_char(word.as_bytes()[k] as char)
                    )))
                }
                None => return Err(JsonError("unexpected end of JSON input".into())),
            }
        }
        Ok(v)
    }

    fn number(&mut self) -> Result<Value, JsonError> {
        let start = self.i;
        if self.b.get(self.i) == Some(&b'-') {
            self.i += 1;
        }
        match self.b.get(self.i) {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                    self.i += 1;
                }
            }
            _ => return Err(self.err_char("in numeric literal")),
        }
        if self.b.get(self.i) == Some(&b'.') {
            self.i += 1;
            if !matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.err_char("after decimal point in numeric literal"));
            }
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if matches!(self.b.get(self.i), Some(b'+' | b'-')) {
                self.i += 1;
            }
            if !matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                return Err(self.err_char("in exponent of numeric literal"));
            }
            while matches!(self.b.get(self.i), Some(b'0'..=b'9')) {
                self.i += 1;
            }
        }
        let text = std::str::from_utf8(&self.b[start..self.i]).unwrap_or("0");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => {
                if self.type_err.is_none() {
                    self.type_err = Some(JsonError(format!(
                        "json: cannot unmarshal number {text} into Go value of type float64"
                    )));
                }
                Ok(Value::Nil)
            }
        }
    }

    fn string(&mut self) -> Result<String, JsonError> {
        // At the opening quote.
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(JsonError("unexpected end of JSON input".into()));
            };
            match c {
                b'"' => {
                    self.i += 1;
                    break;
                }
                b'\\' => {
                    self.i += 1;
                    let Some(&e) = self.b.get(self.i) else {
                        return Err(JsonError("unexpected end of JSON input".into()));
                    };
                    self.i += 1;
                    match e {
                        b'"' => out.push(b'"'),
                        b'\\' => out.push(b'\\'),
                        b'/' => out.push(b'/'),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let u = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&u) {
                                // A surrogate pair, if the next escape completes it.
                                let save = self.i;
                                if self.b.get(self.i) == Some(&b'\\')
                                    && self.b.get(self.i + 1) == Some(&b'u')
                                {
                                    self.i += 2;
                                    let lo = self.hex4()?;
                                    if (0xDC00..0xE000).contains(&lo) {
                                        char::from_u32(
                                            0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00),
                                        )
                                        .unwrap_or('\u{fffd}')
                                    } else {
                                        self.i = save;
                                        '\u{fffd}'
                                    }
                                } else {
                                    '\u{fffd}'
                                }
                            } else {
                                char::from_u32(u).unwrap_or('\u{fffd}')
                            };
                            let mut one = String::new();
                            crate::value::push_go_char(&mut one, c);
                            out.extend_from_slice(one.as_bytes());
                        }
                        _ => {
                            self.i -= 1;
                            return Err(self.err_char("in string escape code"));
                        }
                    }
                }
                0..=0x1f => return Err(self.err_char("in string literal")),
                _ => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
        // Go's decoder turns each byte that is not UTF-8 into U+FFFD.
        let s = String::from_utf8_lossy(&out);
        Ok(crate::value::go_lossy(&s).into_owned())
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut u = 0u32;
        for _ in 0..4 {
            let Some(&h) = self.b.get(self.i) else {
                return Err(JsonError("unexpected end of JSON input".into()));
            };
            let d = match h {
                b'0'..=b'9' => h - b'0',
                b'a'..=b'f' => h - b'a' + 10,
                b'A'..=b'F' => h - b'A' + 10,
                _ => return Err(self.err_char("in \\u hexadecimal character escape")),
            };
            u = u * 16 + d as u32;
            self.i += 1;
        }
        Ok(u)
    }
}

/// Go's `quoteChar` for error messages: `'x'`, `'\''`, `'"'`.
fn quote_char(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c if c.is_control() => format!("{:?}", c.to_string()).replace('"', "'"),
        c => format!("'{c}'"),
    }
}
