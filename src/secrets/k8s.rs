//! Kubernetes sense for the scanner: a tolerant line walker over YAML text (values files,
//! templates with `{{ }}` lines, manifests) and a walker over rendered objects (`gotpl::Value`).
//!
//! Both produce the same things: which documents only *reference* secrets (ExternalSecret,
//! SealedSecret, …, never leaks), and extra "fragments" to scan with key context that the raw
//! text does not show on one line: Secret `data` decoded from base64 (`password: <decoded>`),
//! env `name:`/`value:` pairs (`DB_PASSWORD: <value>`).

use base64::Engine as _;
use gotpl::Value;

/// Kinds whose content points at a secret store or is ciphertext: never a leak.
pub const REFERENCE_KINDS: &[&str] = &[
    "SealedSecret",
    "ExternalSecret",
    "ClusterExternalSecret",
    "SecretStore",
    "ClusterSecretStore",
    "PushSecret",
    "SecretProviderClass",
    "VaultStaticSecret",
    "VaultDynamicSecret",
    "VaultPKISecret",
    "VaultAuth",
    "VaultConnection",
    "OnePasswordItem",
    "InfisicalSecret",
    "DopplerSecret",
    "AzureKeyVaultSecret",
];

pub fn is_reference_kind(kind: &str) -> bool {
    REFERENCE_KINDS.contains(&kind)
}

/// One `key: scalar` in YAML text.
#[derive(Debug, Clone)]
pub struct Entry {
    /// Parent keys; list items appear as `[]`.
    pub path: Vec<String>,
    pub key: String,
    /// The unquoted value (block scalars: the joined content lines).
    pub value: String,
    /// Byte offset of the value in the text (block scalars: of the `|`).
    pub offset: usize,
    /// Byte length of the raw value in the text (quotes included), so spans can be mapped back.
    pub raw_len: usize,
    /// True when `value` is the exact text at `offset` (plain scalar or quoted without escapes).
    pub verbatim: bool,
    /// The list item this key belongs to directly (`- name: X` / `  value: Y` share it).
    pub item: Option<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Doc {
    pub kind: Option<String>,
    /// Byte range of the document in the text.
    pub start: usize,
    pub end: usize,
    pub entries: Vec<Entry>,
}

struct Frame {
    indent: usize,
    name: String,
    item: Option<usize>,
}

struct Block {
    parent_indent: usize,
    /// Record the content (only for entries the fragments use).
    keep: bool,
    content_indent: Option<usize>,
    entry: Entry,
    lines: Vec<String>,
}

/// Walk YAML-ish text. Never fails: lines it does not understand are skipped (the raw regex
/// pass still sees them).
pub fn walk_yaml(text: &[u8]) -> Vec<Doc> {
    let mut docs = vec![Doc::default()];
    let mut stack: Vec<Frame> = Vec::new();
    let mut block: Option<Block> = None;
    let mut next_item = 0usize;
    let mut pos = 0usize;
    while pos < text.len() {
        let end = text[pos..]
            .iter()
            .position(|b| *b == b'\n')
            .map_or(text.len(), |i| pos + i);
        let raw = &text[pos..end];
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line_start = pos;
        pos = end + 1;
        let indent = line.iter().take_while(|b| **b == b' ').count();
        let rest = &line[indent..];

        if let Some(b) = block.as_mut() {
            let blank = rest.iter().all(|c| c.is_ascii_whitespace());
            if blank || indent > b.parent_indent {
                if !blank && b.content_indent.is_none() {
                    b.content_indent = Some(indent);
                }
                let ci = b.content_indent.unwrap_or(indent);
                let content = if line.len() > ci {
                    &line[ci..]
                } else {
                    b"" as &[u8]
                };
                if b.keep {
                    b.lines.push(String::from_utf8_lossy(content).into_owned());
                }
                continue;
            }
            finish_block(block.take(), &mut docs);
        }

        if rest.is_empty() || rest[0] == b'#' {
            continue;
        }
        if indent == 0
            && (rest == b"---" || rest.starts_with(b"--- ") || rest.starts_with(b"---\t"))
        {
            if let Some(d) = docs.last_mut() {
                d.end = line_start;
            }
            docs.push(Doc {
                start: line_start,
                ..Doc::default()
            });
            stack.clear();
            continue;
        }
        if rest.starts_with(b"{{") && trim_end(rest).ends_with(b"}}") {
            continue; // a template control line (`{{- if … }}`)
        }

        // List item dashes: each `- ` opens an item whose content sits further right.
        let mut col = indent;
        let mut r = rest;
        let mut item_here = None;
        while r.first() == Some(&b'-') && (r.len() == 1 || r[1] == b' ' || r[1] == b'\t') {
            while stack
                .last()
                .is_some_and(|f| f.indent > col || (f.indent == col && f.item.is_some()))
            {
                stack.pop();
            }
            next_item += 1;
            stack.push(Frame {
                indent: col,
                name: String::new(),
                item: Some(next_item),
            });
            item_here = Some(next_item);
            let skip = 1 + r[1..]
                .iter()
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
            col += skip;
            r = &r[skip..];
        }
        if r.is_empty() || r[0] == b'#' {
            continue;
        }
        if item_here.is_none() {
            while stack.last().is_some_and(|f| f.indent >= col) {
                stack.pop();
            }
        }
        let Some((key, after_colon)) = split_key(r) else {
            continue;
        };
        let direct_item = stack.last().and_then(|f| f.item);
        // Only what the fragments need is recorded (kind, Secret data, env name/value pairs):
        // building entries for every key would dominate the scan time.
        let keep = (stack.is_empty() && key == "kind")
            || (stack.len() == 1 && stack[0].item.is_none() && stack[0].name == "data")
            || (direct_item.is_some() && (key == "name" || key == "value"));
        let value_col = col + after_colon;
        let vtext = &r[after_colon..];
        let lead = vtext
            .iter()
            .take_while(|b| **b == b' ' || **b == b'\t')
            .count();
        let mut v = &vtext[lead..];
        let mut voff = line_start + value_col + lead;
        // Skip anchors and tags: `&x`, `!!binary`, `!secret`.
        while let Some(first) = v.first() {
            if *first != b'&' && *first != b'!' {
                break;
            }
            let n = v.iter().take_while(|b| !b.is_ascii_whitespace()).count();
            let sp = v[n..]
                .iter()
                .take_while(|b| **b == b' ' || **b == b'\t')
                .count();
            v = &v[n + sp..];
            voff += n + sp;
        }
        let doc = docs.last_mut().expect("docs is never empty");
        if v.is_empty() || v[0] == b'#' {
            // Frame names matter only at the top level (`data:`).
            let name = if stack.is_empty() {
                key.into_owned()
            } else {
                String::new()
            };
            stack.push(Frame {
                indent: col,
                name,
                item: None,
            });
            continue;
        }
        if v[0] == b'|' || v[0] == b'>' {
            block = Some(Block {
                parent_indent: col,
                content_indent: None,
                keep,
                entry: Entry {
                    path: entry_path(&stack, keep),
                    key: key.into_owned(),
                    value: String::new(),
                    offset: voff,
                    raw_len: 1,
                    verbatim: false,
                    item: direct_item,
                },
                lines: Vec::new(),
            });
            continue;
        }
        if !keep {
            continue;
        }
        let (value, raw_len, verbatim) = scalar(v);
        if stack.is_empty() && key == "kind" {
            doc.kind = Some(value.clone());
        }
        doc.entries.push(Entry {
            path: entry_path(&stack, keep),
            key: key.into_owned(),
            value,
            offset: voff,
            raw_len,
            verbatim,
            item: direct_item,
        });
    }
    finish_block(block.take(), &mut docs);
    if let Some(d) = docs.last_mut() {
        d.end = text.len();
    }
    docs
}

fn entry_path(stack: &[Frame], keep: bool) -> Vec<String> {
    if !keep {
        return Vec::new();
    }
    stack
        .iter()
        .map(|f| {
            if f.item.is_some() {
                "[]".to_string()
            } else {
                f.name.clone()
            }
        })
        .collect()
}

fn finish_block(block: Option<Block>, docs: &mut [Doc]) {
    let Some(mut b) = block else { return };
    if !b.keep {
        return;
    }
    while b.lines.last().is_some_and(|l| l.trim().is_empty()) {
        b.lines.pop();
    }
    b.entry.value = b.lines.join("\n");
    if let Some(d) = docs.last_mut() {
        d.entries.push(b.entry);
    }
}

fn trim_end(s: &[u8]) -> &[u8] {
    let n = s
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    &s[..s.len() - n]
}

/// `key: …` → (key, byte index just after the colon). Quoted keys allowed.
fn split_key(r: &[u8]) -> Option<(std::borrow::Cow<'_, str>, usize)> {
    if let Some(q @ (b'"' | b'\'')) = r.first().copied() {
        let close = r[1..].iter().position(|b| *b == q)? + 1;
        let rest = &r[close + 1..];
        let sp = rest.iter().take_while(|b| **b == b' ').count();
        if rest.get(sp) == Some(&b':') && rest.get(sp + 1).is_none_or(|b| b.is_ascii_whitespace()) {
            return Some((String::from_utf8_lossy(&r[1..close]), close + 1 + sp + 1));
        }
        return None;
    }
    let mut i = 0;
    while i < r.len() {
        match r[i] {
            b':' if r
                .get(i + 1)
                .is_none_or(|b| *b == b' ' || *b == b'\t' || *b == b'\r') =>
            {
                let key = trim_end(&r[..i]);
                if key.is_empty() || key.starts_with(b"{{") {
                    return None;
                }
                return Some((String::from_utf8_lossy(key), i + 1));
            }
            b'#' if i > 0 && r[i - 1] == b' ' => return None,
            b'{' | b'[' | b'"' | b'\'' if i == 0 => return None,
            _ => {}
        }
        i += 1;
    }
    None
}

/// An inline scalar → (value, raw length in the text, value equals the raw text).
fn scalar(v: &[u8]) -> (String, usize, bool) {
    match v[0] {
        b'"' => {
            let mut out = Vec::new();
            let mut i = 1;
            let mut escaped = false;
            while i < v.len() {
                match v[i] {
                    b'\\' if i + 1 < v.len() => {
                        escaped = true;
                        let c = v[i + 1];
                        out.push(match c {
                            b'n' => b'\n',
                            b't' => b'\t',
                            b'r' => b'\r',
                            b'0' => 0,
                            other => other,
                        });
                        i += 2;
                        continue;
                    }
                    b'"' => return (String::from_utf8_lossy(&out).into_owned(), i + 1, !escaped),
                    c => out.push(c),
                }
                i += 1;
            }
            (
                String::from_utf8_lossy(&out).into_owned(),
                v.len(),
                !escaped,
            )
        }
        b'\'' => {
            let mut out = Vec::new();
            let mut i = 1;
            let mut escaped = false;
            while i < v.len() {
                if v[i] == b'\'' {
                    if v.get(i + 1) == Some(&b'\'') {
                        escaped = true;
                        out.push(b'\'');
                        i += 2;
                        continue;
                    }
                    return (String::from_utf8_lossy(&out).into_owned(), i + 1, !escaped);
                }
                out.push(v[i]);
                i += 1;
            }
            (
                String::from_utf8_lossy(&out).into_owned(),
                v.len(),
                !escaped,
            )
        }
        _ => {
            let mut n = v.len();
            for i in 1..v.len() {
                if v[i] == b'#' && (v[i - 1] == b' ' || v[i - 1] == b'\t') {
                    n = i;
                    break;
                }
            }
            let s = trim_end(&v[..n]);
            (String::from_utf8_lossy(s).into_owned(), s.len(), true)
        }
    }
}

/// Decode a base64 value (standard or URL-safe, padding optional, whitespace ignored) when it
/// looks like text. Binary results are dropped: they carry no scannable secret text.
pub fn decode_base64_text(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    if compact.len() < 4 || compact.len() > 1 << 20 {
        return None;
    }
    let trimmed = compact.trim_end_matches('=');
    let engines = [
        base64::engine::general_purpose::STANDARD_NO_PAD,
        base64::engine::general_purpose::URL_SAFE_NO_PAD,
    ];
    let bytes = engines.iter().find_map(|e| e.decode(trimmed).ok())?;
    let text = String::from_utf8(bytes).ok()?;
    let printable = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\r' | '\t'))
        .count();
    (!text.is_empty() && printable * 100 >= text.chars().count() * 97).then_some(text)
}

/// A fragment to scan with key context, and where its value lives.
#[derive(Debug, Clone)]
pub struct Fragment {
    /// `key: value` text handed to the rules.
    pub text: String,
    /// Where the value starts inside `text`.
    pub value_at: usize,
    /// Where the value starts in the source (byte offset for files) and its raw length.
    pub offset: usize,
    pub raw_len: usize,
    /// When true, offsets inside the value map 1:1 onto the source.
    pub verbatim: bool,
    pub decoded: bool,
}

fn fragment(
    key: &str,
    value: &str,
    offset: usize,
    raw_len: usize,
    verbatim: bool,
    decoded: bool,
) -> Fragment {
    let text = format!("{key}: {value}\n");
    Fragment {
        value_at: key.len() + 2,
        text,
        offset,
        raw_len,
        verbatim,
        decoded,
    }
}

/// Extra fragments for one YAML document: decoded Secret `data`, env name/value pairs.
pub fn doc_fragments(doc: &Doc) -> Vec<Fragment> {
    let mut out = Vec::new();
    let is_secret = doc.kind.as_deref() == Some("Secret");
    for e in &doc.entries {
        if is_secret && e.path.len() == 1 && e.path[0] == "data" {
            if let Some(decoded) = decode_base64_text(&e.value) {
                out.push(fragment(&e.key, &decoded, e.offset, e.raw_len, false, true));
            }
        }
        if e.key == "value" && e.item.is_some() && !e.value.is_empty() {
            let name = doc
                .entries
                .iter()
                .find(|n| n.item == e.item && n.key == "name" && n.path == e.path);
            if let Some(n) = name.filter(|n| !n.value.is_empty() && !n.value.contains("{{")) {
                // Block values keep their raw offset only; inline ones map 1:1 when verbatim.
                let (offset, verbatim) = if e.verbatim {
                    let quote = usize::from(e.raw_len > e.value.len());
                    (e.offset + quote, true)
                } else {
                    (e.offset, false)
                };
                out.push(fragment(
                    &n.value, &e.value, offset, e.raw_len, verbatim, false,
                ));
            }
        }
    }
    out
}

/// A string leaf of a rendered object, with its JSON-pointer path.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub pointer: String,
    pub key: String,
    pub value: String,
    pub decoded: bool,
}

const MAX_DEPTH: usize = 64;

/// Flatten a rendered object into fragments: every scalar leaf as `key: value`, Secret `data`
/// decoded, env pairs as `NAME: value`. Returns nothing for reference kinds.
pub fn object_leaves(obj: &Value) -> Vec<Leaf> {
    let kind = obj
        .as_map()
        .and_then(|m| m.get("kind"))
        .and_then(|k| k.as_str().map(str::to_string));
    if kind.as_deref().is_some_and(is_reference_kind) {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut path = Vec::new();
    let is_secret = kind.as_deref() == Some("Secret");
    walk_value(obj, "", &mut path, &mut out, 0);
    // Secret `data` is judged on its decoded text only (the base64 is high-entropy anyway).
    if is_secret {
        out.retain(|l| !l.pointer.starts_with("/data/"));
    }
    if is_secret {
        if let Some(data) = obj
            .as_map()
            .and_then(|m| m.get("data"))
            .and_then(|d| d.as_map().cloned())
        {
            for (k, v) in data.borrow().iter() {
                let decoded = match v {
                    Value::Str(s) => decode_base64_text(s),
                    Value::Bytes(b) => String::from_utf8(b.to_vec()).ok(),
                    _ => None,
                };
                if let Some(d) = decoded {
                    out.push(Leaf {
                        pointer: format!("/data/{}", escape_pointer(k)),
                        key: k.clone(),
                        value: d,
                        decoded: true,
                    });
                }
            }
        }
    }
    out
}

fn escape_pointer(s: &str) -> String {
    s.replace('~', "~0").replace('/', "~1")
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => Some(s.to_string()),
        Value::Int(i) | Value::Int64(i) => Some(i.to_string()),
        Value::Uint(u) => Some(u.to_string()),
        Value::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 => {
            Some(format!("{}", *f as i64))
        }
        Value::Float(f) => Some(f.to_string()),
        Value::Bytes(b) => String::from_utf8(b.to_vec()).ok(),
        _ => None,
    }
}

fn walk_value(v: &Value, key: &str, path: &mut Vec<String>, out: &mut Vec<Leaf>, depth: usize) {
    if depth > MAX_DEPTH {
        return;
    }
    let pointer = |path: &[String]| {
        let mut p = String::new();
        for seg in path {
            p.push('/');
            p.push_str(&escape_pointer(seg));
        }
        p
    };
    match v {
        Value::Map(m) => {
            let entries: Vec<(String, Value)> = m
                .borrow()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            // Skip server-side bookkeeping that never holds chart secrets.
            for (k, child) in entries {
                if depth == 1
                    && path.first().is_some_and(|p| p == "metadata")
                    && k == "managedFields"
                {
                    continue;
                }
                path.push(k.clone());
                walk_value(&child, &k, path, out, depth + 1);
                path.pop();
            }
            // env-style pair: {name: X, value: Y} → `X: Y`.
            let name = m.get("name").and_then(|n| n.as_str().map(str::to_string));
            let value = m.get("value").as_ref().and_then(scalar_text);
            if let (Some(n), Some(val)) = (name, value) {
                if !n.is_empty() && !val.is_empty() {
                    path.push("value".into());
                    out.push(Leaf {
                        pointer: pointer(path),
                        key: n,
                        value: val,
                        decoded: false,
                    });
                    path.pop();
                }
            }
        }
        Value::List(l) => {
            for (i, item) in l.items.iter().enumerate() {
                path.push(i.to_string());
                walk_value(item, key, path, out, depth + 1);
                path.pop();
            }
        }
        other => {
            if let Some(s) = scalar_text(other) {
                if !s.is_empty() {
                    out.push(Leaf {
                        pointer: pointer(path),
                        key: key.to_string(),
                        value: s,
                        decoded: false,
                    });
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walks_keys_paths_items_and_blocks() {
        let y = b"kind: Secret\nmetadata:\n  name: x\ndata:\n  password: aHVudGVyMg==\nspec:\n  env:\n  - name: DB_PASSWORD\n    value: \"s3cr3t\" # c\n  - name: B\n    valueFrom: {}\nstringData:\n  cfg: |\n    a: b\n    pw=1\n---\nkind: ConfigMap\n";
        let docs = walk_yaml(y);
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].kind.as_deref(), Some("Secret"));
        assert_eq!(docs[1].kind.as_deref(), Some("ConfigMap"));
        let e = &docs[0].entries;
        let pw = e.iter().find(|e| e.key == "password").unwrap();
        assert_eq!(pw.path, vec!["data"]);
        assert_eq!(&y[pw.offset..pw.offset + pw.raw_len], b"aHVudGVyMg==");
        let v = e.iter().find(|e| e.key == "value").unwrap();
        assert_eq!(v.value, "s3cr3t");
        assert_eq!(v.path.last().map(String::as_str), Some("[]"));
        let n = e
            .iter()
            .find(|e| e.key == "name" && e.value == "DB_PASSWORD")
            .unwrap();
        assert_eq!(n.item, v.item);
        let d = walk_yaml(b"data:\n  cfg: |\n    a: b\n    pw=1\n\n  next: x\n");
        assert_eq!(d[0].entries[0].value, "a: b\npw=1");
        assert_eq!(d[0].entries[1].key, "next");
        assert!(
            !e.iter().any(|e| e.key == "a"),
            "block content is not parsed as keys"
        );
        let frags = doc_fragments(&docs[0]);
        assert!(frags
            .iter()
            .any(|f| f.text == "password: hunter2\n" && f.decoded));
        let env = frags
            .iter()
            .find(|f| f.text.starts_with("DB_PASSWORD"))
            .unwrap();
        assert_eq!(&y[env.offset..env.offset + 6], b"s3cr3t");
    }

    #[test]
    fn template_lines_and_odd_input_do_not_panic() {
        let y = b"{{- if .Values.x }}\n- - a: 1\n  \"q k\": 'it''s'\n: bad\n\xff\xfe: x\n|\n";
        let docs = walk_yaml(y);
        assert_eq!(docs.len(), 1);
        let d = walk_yaml(b"data:\n  \"q k\": 'it''s'\n  b: \"x\\ty\"\n");
        let q = d[0].entries.iter().find(|e| e.key == "q k").unwrap();
        assert_eq!(q.value, "it's");
        assert!(!q.verbatim);
        assert_eq!(d[0].entries[1].value, "x\ty");
    }

    #[test]
    fn base64_text_decoding() {
        assert_eq!(
            decode_base64_text("aHVudGVyMg==").as_deref(),
            Some("hunter2")
        );
        assert_eq!(decode_base64_text("aHVudGVyMg").as_deref(), Some("hunter2"));
        assert_eq!(decode_base64_text("/w/w/w=="), None);
        assert_eq!(decode_base64_text("not base64!"), None);
    }
}
