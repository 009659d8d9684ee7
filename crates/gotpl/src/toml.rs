//! TOML for helm's `toToml` (the BurntSushi/toml encoder's layout) and `fromToml` (decoding
//! into `map[string]interface{}`: integers `int64`, floats `float64`, datetimes as RFC 3339 text).

use crate::json::format_float;
use crate::value::{Map, Value};
use std::fmt::Write as _;

const MAX_DEPTH: usize = 1_000;

/// BurntSushi's `Encoder.Encode(v)` output. Maps: plain keys first (sorted), then tables and
/// arrays of tables, nested tables indented two spaces per level; nil values are skipped.
pub fn to_toml(v: &Value) -> Result<String, String> {
    let v = plain(v);
    let mut e = Enc {
        out: String::new(),
        written: false,
    };
    match &v {
        Value::Map(m) => e.map_body(&[], m, 0)?,
        Value::Nil => return Err("reflect: call of reflect.Value.Type on zero Value".into()),
        other => {
            let s = e.inline(other, 0)?;
            e.write(&s);
        }
    }
    Ok(e.out)
}

fn plain(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.to_plain(),
        other => other.clone(),
    }
}

struct Enc {
    out: String,
    /// BurntSushi writes the blank line before a top-level table only once something was written.
    written: bool,
}

/// Is this value written as a `[table]` / `[[array of tables]]` rather than `key = value`?
fn is_table(v: &Value) -> bool {
    matches!(plain(v), Value::Map(_))
}

fn is_table_array(v: &Value) -> bool {
    match plain(v) {
        Value::List(l) => !l.items.is_empty() && l.items.iter().all(is_table),
        _ => false,
    }
}

fn bare_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn quote_key(k: &str) -> String {
    if bare_key(k) {
        k.to_string()
    } else {
        quote_str(k)
    }
}

/// BurntSushi's basic-string escaping.
fn quote_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn float_text(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    let s = format_float(f, 'g');
    if s.contains('.') || s.contains('e') {
        s
    } else {
        s + ".0"
    }
}

impl Enc {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
        self.written = true;
    }

    fn newline(&mut self) {
        if self.written {
            self.out.push('\n');
        }
    }

    fn indent(level: usize) -> String {
        "  ".repeat(level)
    }

    fn header(path: &[String]) -> String {
        path.iter()
            .map(|k| quote_key(k))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// The key/value lines of a table, then its sub-tables.
    fn map_body(&mut self, path: &[String], m: &Map, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: nesting too deep".into());
        }
        let entries: Vec<(String, Value)> = m
            .borrow()
            .iter()
            .map(|(k, v)| (k.clone(), plain(v)))
            .filter(|(_, v)| !v.is_nil())
            .collect();
        let ind = Self::indent(path.len());
        for (k, v) in entries
            .iter()
            .filter(|(_, v)| !is_table(v) && !is_table_array(v))
        {
            let text = self.inline(v, depth + 1)?;
            self.write(&format!("{ind}{} = {text}", quote_key(k)));
            self.out.push('\n');
        }
        for (k, v) in entries
            .iter()
            .filter(|(_, v)| is_table(v) || is_table_array(v))
        {
            let mut sub = path.to_vec();
            sub.push(k.clone());
            let head_ind = Self::indent(path.len());
            match v {
                Value::Map(sm) => {
                    if sub.len() == 1 {
                        self.newline();
                    }
                    self.write(&format!("{head_ind}[{}]", Self::header(&sub)));
                    self.out.push('\n');
                    self.map_body(&sub, sm, depth + 1)?;
                }
                Value::List(l) => {
                    for item in l.items.iter() {
                        if let Value::Map(sm) = plain(item) {
                            self.newline();
                            self.write(&format!("{head_ind}[[{}]]", Self::header(&sub)));
                            self.out.push('\n');
                            self.map_body(&sub, &sm, depth + 1)?;
                        }
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// A value on the right of `=` (or inside an array).
    fn inline(&mut self, v: &Value, depth: usize) -> Result<String, String> {
        if depth > MAX_DEPTH {
            return Err("toml: nesting too deep".into());
        }
        Ok(match plain(v) {
            Value::Nil => return Err("toml: cannot encode a nil value".into()),
            Value::Bool(b) => b.to_string(),
            Value::Int(i) | Value::Int64(i) => i.to_string(),
            Value::Uint(u) => u.to_string(),
            Value::Float(f) => float_text(f),
            Value::Str(s) => quote_str(&s),
            Value::Bytes(b) => quote_str(&String::from_utf8_lossy(&b)),
            Value::List(l) => {
                let mut parts = Vec::with_capacity(l.items.len());
                for item in l.items.iter() {
                    if item.is_nil() {
                        return Err("toml: cannot encode array with nil element".into());
                    }
                    parts.push(self.inline(item, depth + 1)?);
                }
                format!("[{}]", parts.join(", "))
            }
            Value::Map(m) => {
                let mut parts = Vec::new();
                for (k, x) in m.borrow().iter() {
                    if x.is_nil() {
                        continue;
                    }
                    parts.push(format!("{} = {}", quote_key(k), self.inline(x, depth + 1)?));
                }
                format!("{{{}}}", parts.join(", "))
            }
            Value::Object(_) => String::new(),
        })
    }
}

/// `toml.Unmarshal` into `map[string]interface{}`. Errors read `toml: line N: message`.
pub fn from_toml(src: &str) -> Result<Map, String> {
    let table: ::toml::Table = src.parse().map_err(|e: ::toml::de::Error| {
        let at = e
            .span()
            .map(|s| s.start.min(src.len()))
            .unwrap_or(src.len());
        let line = src[..at].matches('\n').count() + 1;
        // BurntSushi's wording for the common "nothing after `=`" case; other messages are the
        // toml crate's own.
        let msg = if src.trim_end().ends_with('=') && src[at..].trim().is_empty() {
            "unexpected EOF; expected value".to_string()
        } else {
            e.message().trim().to_string()
        };
        match last_key(&src[..at]) {
            Some(k) => format!(
                "toml: line {line} (last key {}): {msg}",
                crate::json::to_json(&Value::from(k)).unwrap_or_default()
            ),
            None => format!("toml: line {line}: {msg}"),
        }
    })?;
    Ok(convert_table(&table))
}

/// The last key defined before an error, dotted with its table (BurntSushi's `LastKey`).
fn last_key(text: &str) -> Option<String> {
    let mut table = String::new();
    let mut last = None;
    for line in text.lines() {
        let l = line.trim();
        if let Some(h) = l.strip_prefix("[[").and_then(|x| x.split("]]").next()) {
            table = h.trim().to_string();
            last = Some(table.clone());
        } else if let Some(h) = l.strip_prefix('[').and_then(|x| x.split(']').next()) {
            table = h.trim().to_string();
            last = Some(table.clone());
        } else if let Some((k, _)) = l.split_once('=') {
            let k = k.trim();
            if !k.is_empty() && !k.starts_with('#') {
                last = Some(if table.is_empty() {
                    k.to_string()
                } else {
                    format!("{table}.{k}")
                });
            }
        }
    }
    last
}

fn convert_table(t: &::toml::Table) -> Map {
    let m = Map::new();
    for (k, v) in t.iter() {
        m.insert(k.clone(), convert(v));
    }
    m
}

fn convert(v: &::toml::Value) -> Value {
    match v {
        ::toml::Value::String(s) => Value::from(s.as_str()),
        ::toml::Value::Integer(i) => Value::Int64(*i),
        ::toml::Value::Float(f) => Value::Float(*f),
        ::toml::Value::Boolean(b) => Value::Bool(*b),
        ::toml::Value::Datetime(d) => Value::Object(std::rc::Rc::new(TomlTime::new(d))),
        ::toml::Value::Array(a) => Value::list(a.iter().map(convert).collect()),
        ::toml::Value::Table(t) => Value::Map(convert_table(t)),
    }
}

/// A TOML datetime as BurntSushi decodes it: a Go `time.Time` (local kinds get the zones
/// `datetime-local`, `date-local`, `time-local` at offset 0).
struct TomlTime {
    /// `time.Time.String()`.
    text: String,
    /// RFC 3339 with nanoseconds, as `json.Marshal` writes a `time.Time`.
    json: String,
}

impl TomlTime {
    fn new(d: &::toml::value::Datetime) -> TomlTime {
        let (y, mo, da) = d
            .date
            .map(|x| (x.year, x.month, x.day))
            .unwrap_or((0, 1, 1));
        let (h, mi, se, ns) = d
            .time
            .map(|t| {
                (
                    t.hour,
                    t.minute,
                    t.second.unwrap_or(0),
                    t.nanosecond.unwrap_or(0),
                )
            })
            .unwrap_or((0, 0, 0, 0));
        let (offset_min, zone): (i32, String) = match (d.offset, d.date.is_some(), d.time.is_some())
        {
            (Some(::toml::value::Offset::Z), _, _) => (0, "UTC".into()),
            (Some(::toml::value::Offset::Custom { minutes }), _, _) => {
                let m = i32::from(minutes);
                (m, format_offset(m, false))
            }
            (None, true, true) => (0, "datetime-local".into()),
            (None, true, false) => (0, "date-local".into()),
            (None, false, _) => (0, "time-local".into()),
        };
        let frac = if ns == 0 {
            String::new()
        } else {
            format!(".{ns:09}").trim_end_matches('0').to_string()
        };
        let text = format!(
            "{y:04}-{mo:02}-{da:02} {h:02}:{mi:02}:{se:02}{frac} {} {zone}",
            format_offset(offset_min, false)
        );
        let json_zone = if offset_min == 0 {
            "Z".to_string()
        } else {
            format_offset(offset_min, true)
        };
        let json = format!("{y:04}-{mo:02}-{da:02}T{h:02}:{mi:02}:{se:02}{frac}{json_zone}");
        TomlTime { text, json }
    }
}

/// `-0700` (or `-07:00` with a colon).
fn format_offset(minutes: i32, colon: bool) -> String {
    let sign = if minutes < 0 { '-' } else { '+' };
    let m = minutes.abs();
    if colon {
        format!("{sign}{:02}:{:02}", m / 60, m % 60)
    } else {
        format!("{sign}{:02}{:02}", m / 60, m % 60)
    }
}

impl crate::value::Object for TomlTime {
    fn type_name(&self) -> &str {
        "time.Time"
    }
    fn field(&self, _name: &str) -> Option<Result<Value, String>> {
        None
    }
    fn print(&self) -> String {
        self.text.clone()
    }
    fn to_plain(&self) -> Value {
        Value::from(self.json.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml;

    /// Expected output from helm v4.1.4 `{{ toToml .Values }}`.
    #[test]
    fn encoder_layout_matches_helm() {
        let src = "f1: 1\nf2: 1.5\nf3: 1e21\nf4: 0.000001\n\"key with space\": 1\n\"\": empty\nn: ~\nb: true\nl: [1, \"a\", true]\nll: [[1, 2], [\"a\"]]\nlm: [{a: 1, sub: {x: 1}}, {b: 2}]\nmixed: [{a: 1}, 2]\nem: {}\nel: []\nt:\n  a: 1\n  nested:\n    deep: {x: 1}\n    v: 2\n  z: 3\ns: \"a\\\"b\\\\c\\td\\ne\\u0001\\u007f é\"\n";
        let v = yaml::load(src).unwrap();
        let want = "\"\" = \"empty\"\nb = true\nel = []\nf1 = 1.0\nf2 = 1.5\nf3 = 1e+21\nf4 = 1e-06\n\"key with space\" = 1.0\nl = [1.0, \"a\", true]\nll = [[1.0, 2.0], [\"a\"]]\nmixed = [{a = 1.0}, 2.0]\ns = \"a\\\"b\\\\c\\td\\ne\\u0001\\u007f é\"\n\n[em]\n\n[[lm]]\n  a = 1.0\n  [lm.sub]\n    x = 1.0\n\n[[lm]]\n  b = 2.0\n\n[t]\n  a = 1.0\n  z = 3.0\n  [t.nested]\n    v = 2.0\n    [t.nested.deep]\n      x = 1.0\n";
        assert_eq!(to_toml(&v).unwrap(), want);
        assert_eq!(to_toml(&Value::from("str")).unwrap(), "\"str\"");
        assert_eq!(to_toml(&Value::Int(3)).unwrap(), "3");
        assert_eq!(to_toml(&Value::empty_map()).unwrap(), "");
    }

    #[test]
    fn decodes_like_burntsushi() {
        let m = from_toml("a = 1\nb = \"x\"\n[t]\nc = 1.5").unwrap();
        assert_eq!(
            crate::json::to_json(&Value::Map(m)).unwrap(),
            r#"{"a":1,"b":"x","t":{"c":1.5}}"#
        );
        let e = from_toml("a = ").err().unwrap_or_default();
        assert_eq!(
            e,
            "toml: line 1 (last key \"a\"): unexpected EOF; expected value"
        );
        // Verified with helm: `{{ $v }}` / `typeOf` / `toJson` of decoded datetimes.
        let m = from_toml("a = 1979-05-27T07:32:00Z\nb = 1979-05-27T00:32:00.999999-07:00\nc = 1979-05-27T07:32:00\nd = 1979-05-27\ne = 07:32:00").unwrap();
        let shown: Vec<String> = ["a", "b", "c", "d", "e"]
            .iter()
            .map(|k| match m.get(k) {
                Some(Value::Object(o)) => format!("{}|{}", o.print(), o.type_name()),
                other => format!("{other:?}"),
            })
            .collect();
        assert_eq!(
            shown,
            [
                "1979-05-27 07:32:00 +0000 UTC|time.Time",
                "1979-05-27 00:32:00.999999 -0700 -0700|time.Time",
                "1979-05-27 07:32:00 +0000 datetime-local|time.Time",
                "1979-05-27 00:00:00 +0000 date-local|time.Time",
                "0000-01-01 07:32:00 +0000 time-local|time.Time",
            ]
        );
        assert_eq!(
            crate::json::to_json(&Value::Map(m)).unwrap(),
            r#"{"a":"1979-05-27T07:32:00Z","b":"1979-05-27T00:32:00.999999-07:00","c":"1979-05-27T07:32:00Z","d":"1979-05-27T00:00:00Z","e":"0000-01-01T07:32:00Z"}"#
        );
    }
}
