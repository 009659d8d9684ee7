//! Sprig's string functions (sprig v3.3 as helm v4.1.4 links it). Argument orders follow
//! sprig's "pipeline last" convention (`"foo" | trunc 3`). Several functions work on bytes
//! like Go does (`trunc`, `substr`, `abbrev`, `wrap`); a cut inside a UTF-8 sequence is
//! repaired lossily because our strings are always valid UTF-8.

use super::conv::{strslice, strval};
use crate::fmt::quote;
use crate::func::{FuncDef, Host};
use crate::value::{go_bytes, go_string, ElemType, Map, Value};

/// Largest string a function may build (Go has no limit; we refuse instead of exhausting memory).
const MAX_LEN: usize = 64 << 20;
/// Largest list `until`/`untilStep`/`seq` may build.
pub const MAX_ITEMS: usize = 1 << 22;

pub const FUNCS: &[FuncDef] = crate::funcs![
    "hello"() => hello,
    "abbrev"(Int, Str) => abbrev,
    "abbrevboth"(Int, Int, Str) => abbrevboth,
    "trunc"(Int, Str) => trunc,
    "trim"(Str) => trim,
    "upper"(Str) => upper,
    "lower"(Str) => lower,
    "title"(Str) => title,
    "untitle"(Str) => untitle,
    "substr"(Int, Int, Str) => substr,
    "repeat"(Int, Str) => repeat,
    "trimall"(Str, Str) => trim_all,
    "trimAll"(Str, Str) => trim_all,
    "trimSuffix"(Str, Str) => trim_suffix,
    "trimPrefix"(Str, Str) => trim_prefix,
    "nospace"(Str) => nospace,
    "initials"(Str) => initials,
    "randAlphaNum"(Int) => rand_alpha_num,
    "randAlpha"(Int) => rand_alpha,
    "randAscii"(Int) => rand_ascii,
    "randNumeric"(Int) => rand_numeric,
    "swapcase"(Str) => swapcase,
    "shuffle"(Str) => shuffle,
    "snakecase"(Str) => snakecase,
    "camelcase"(Str) => camelcase,
    "kebabcase"(Str) => kebabcase,
    "wrap"(Int, Str) => wrap,
    "wrapWith"(Int, Str, Str) => wrap_with,
    "contains"(Str, Str) => contains,
    "hasPrefix"(Str, Str) => has_prefix,
    "hasSuffix"(Str, Str) => has_suffix,
    "quote"(...Any) => quote_fn,
    "squote"(...Any) => squote,
    "cat"(...Any) => cat,
    "indent"(Int, Str) => indent,
    "nindent"(Int, Str) => nindent,
    "replace"(Str, Str, Str) => replace,
    "plural"(Str, Str, Int) => plural,
    "split"(Str, Str) => split,
    "splitList"(Str, Str) => split_list,
    "splitn"(Str, Int, Str) => splitn,
    "join"(Str, Any) => join,
    "sortAlpha"(Any) => sort_alpha,
    "seq"(...Int) => seq,
    "until"(Int) => until,
    "untilStep"(Int, Int, Int) => until_step,
];

fn arg_str(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

/// A string argument as Go's rune loops and `[]rune(s)` see it: each byte that is not UTF-8
/// reads as U+FFFD (so `upper`, `title`, `swapcase`… write U+FFFD for it, as helm does).
fn arg_runes(a: &[Value], i: usize) -> std::borrow::Cow<'_, str> {
    crate::value::go_lossy(arg_str(a, i))
}

fn arg_int(a: &[Value], i: usize) -> i64 {
    match a.get(i) {
        Some(Value::Int(n) | Value::Int64(n)) => *n,
        Some(Value::Uint(u)) => *u as i64,
        _ => 0,
    }
}

fn s(x: impl Into<String>) -> Result<Value, String> {
    Ok(Value::from(x.into()))
}

/// A byte range of a Go string as a Go string: a cut through a multi-byte rune keeps the
/// partial bytes, as Go's `s[i:j]` does.
fn bytes_str(b: &[u8]) -> String {
    go_string(b).into_owned()
}

fn hello(_: &mut dyn Host, _: &[Value]) -> Result<Value, String> {
    s("Hello!")
}

fn abbreviate_full(st: &str, mut offset: usize, max_width: usize) -> String {
    let b = &*go_bytes(st);
    if b.is_empty() || b.len() <= max_width {
        return st.to_string();
    }
    let keep = max_width - 3;
    offset = offset.min(b.len());
    if b.len() - offset < keep {
        offset = b.len() - keep;
    }
    if offset <= 4 {
        return bytes_str(&b[..keep]) + "...";
    }
    if max_width < 7 {
        return st.to_string();
    }
    if offset + keep < b.len() {
        let rest = bytes_str(&b[offset..]);
        return "...".to_string() + &abbreviate_full(&rest, 0, keep);
    }
    "...".to_string() + &bytes_str(&b[b.len() - keep..])
}

fn abbrev(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let w = arg_int(a, 0);
    let st = arg_str(a, 1);
    if w < 4 {
        return s(st);
    }
    s(abbreviate_full(st, 0, w as usize))
}

fn abbrevboth(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let (left, right) = (arg_int(a, 0), arg_int(a, 1));
    let st = arg_str(a, 2);
    if right < 4 || (left > 0 && right < 7) {
        return s(st);
    }
    s(abbreviate_full(st, left.max(0) as usize, right as usize))
}

fn trunc(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let c = arg_int(a, 0);
    let b = &*go_bytes(arg_str(a, 1));
    let len = b.len() as i64;
    if c < 0 && len + c > 0 {
        return s(bytes_str(&b[(len + c) as usize..]));
    }
    if c >= 0 && len > c {
        return s(bytes_str(&b[..c as usize]));
    }
    s(arg_str(a, 1))
}

/// Go's `unicode.IsSpace`.
fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}'
    ) || (c as u32 > 0xff && c.is_whitespace())
}

fn trim(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(arg_str(a, 0).trim_matches(is_space))
}

fn upper(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    // Go maps rune by rune with simple case mappings: "ß" stays "ß", no final-sigma rule.
    s(arg_runes(a, 0)
        .chars()
        .map(to_upper_char)
        .collect::<String>())
}

fn lower(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(arg_runes(a, 0)
        .chars()
        .map(to_lower_char)
        .collect::<String>())
}

/// Unicode title case of one character (differs from upper case only for digraphs).
fn to_title(c: char) -> String {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => "ǅ".into(),
        'Ǉ' | 'ǈ' | 'ǉ' => "ǈ".into(),
        'Ǌ' | 'ǋ' | 'ǌ' => "ǋ".into(),
        'Ǳ' | 'ǲ' | 'ǳ' => "ǲ".into(),
        _ => {
            let mut u = c.to_uppercase();
            // Keep single-character mappings only, as Go's rune-wise ToTitle does.
            match (u.next(), u.next()) {
                (Some(x), None) => x.to_string(),
                _ => c.to_string(),
            }
        }
    }
}

fn to_upper_char(c: char) -> char {
    let mut u = c.to_uppercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

fn to_lower_char(c: char) -> char {
    if c == '\u{130}' {
        return 'i'; // Go's simple mapping of "İ"; Rust's full mapping adds a combining dot
    }
    let mut u = c.to_lowercase();
    match (u.next(), u.next()) {
        (Some(x), None) => x,
        _ => c,
    }
}

/// `strings.Title`: upper-cases the first letter of each word; words are separated by
/// anything that is not a letter, digit, underscore or mark.
fn title(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut prev = ' ';
    for c in arg_runes(a, 0).chars() {
        let sep = if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !c.is_alphanumeric() && is_space(c)
        };
        let prev_sep = if prev.is_ascii() {
            !(prev.is_ascii_alphanumeric() || prev == '_')
        } else {
            !prev.is_alphanumeric() && is_space(prev)
        };
        if prev_sep && !sep {
            out.push_str(&to_title(c));
        } else {
            out.push(c);
        }
        prev = c;
    }
    s(out)
}

fn untitle(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut next = true;
    for c in arg_runes(a, 0).chars() {
        if is_space(c) {
            next = true;
            out.push(c);
        } else if next {
            out.push(to_lower_char(c));
            next = false;
        } else {
            out.push(c);
        }
    }
    s(out)
}

fn substr(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let (start, end) = (arg_int(a, 0), arg_int(a, 1));
    let b = &*go_bytes(arg_str(a, 2));
    let len = b.len() as i64;
    let (lo, hi) = if start < 0 {
        (0, end)
    } else if end < 0 || end > len {
        (start, len)
    } else {
        (start, end)
    };
    if hi < 0 {
        return Err(format!("runtime error: slice bounds out of range [:{hi}]"));
    }
    if hi > len {
        return Err(format!(
            "runtime error: slice bounds out of range [:{hi}] with length {len}"
        ));
    }
    if lo > hi {
        return Err(format!(
            "runtime error: slice bounds out of range [{lo}:{hi}]"
        ));
    }
    s(bytes_str(&b[lo as usize..hi as usize]))
}

fn repeat_str(n: i64, st: &str) -> Result<String, String> {
    if n < 0 {
        return Err("strings: negative Repeat count".into());
    }
    if (n as u128) * (st.len() as u128) > MAX_LEN as u128 {
        return Err("strings: Repeat output length overflow".into());
    }
    Ok(st.repeat(n as usize))
}

fn repeat(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(repeat_str(arg_int(a, 0), arg_str(a, 1))?)
}

fn trim_all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let cut: Vec<char> = arg_str(a, 0).chars().collect();
    s(arg_str(a, 1).trim_matches(|c| cut.contains(&c)))
}

fn trim_suffix(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let st = arg_str(a, 1);
    s(st.strip_suffix(arg_str(a, 0)).unwrap_or(st))
}

fn trim_prefix(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let st = arg_str(a, 1);
    s(st.strip_prefix(arg_str(a, 0)).unwrap_or(st))
}

/// goutils `DeleteWhiteSpace` works on bytes, each kept byte becoming a rune: multi-byte
/// characters come out as Latin-1 mojibake (helm prints "\u2003" as "\u00e2\u0080\u0083").
/// When nothing is removed the string comes back unchanged.
fn nospace(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let b = go_bytes(arg_str(a, 0));
    if !b.iter().any(|&c| is_space(char::from(c))) {
        return s(arg_str(a, 0));
    }
    s(b.iter()
        .map(|&c| char::from(c))
        .filter(|c| !is_space(*c))
        .collect::<String>())
}

/// goutils `Initials`: first byte of each whitespace-separated word (byte-wise, like Go).
fn initials(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut gap = true;
    for &c in go_bytes(arg_str(a, 0)).iter() {
        let ch = char::from(c);
        if is_space(ch) {
            gap = true;
        } else if gap {
            out.push(ch);
            gap = false;
        }
    }
    s(out)
}

fn random_from(host: &mut dyn Host, n: i64, alphabet: &[u8]) -> Result<Value, String> {
    if n <= 0 {
        return s("");
    }
    if n as u64 > MAX_LEN as u64 {
        return Err("random string too long".into());
    }
    let out: String = (0..n)
        .map(|_| alphabet[(host.rand_u64() % alphabet.len() as u64) as usize] as char)
        .collect();
    s(out)
}

const DIGITS: &[u8] = b"0123456789";
const LETTERS: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

fn rand_alpha_num(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    random_from(h, arg_int(a, 0), ALNUM)
}

fn rand_alpha(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    random_from(h, arg_int(a, 0), LETTERS)
}

fn rand_numeric(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    random_from(h, arg_int(a, 0), DIGITS)
}

fn rand_ascii(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let printable: Vec<u8> = (32u8..127).collect();
    random_from(h, arg_int(a, 0), &printable)
}

/// goutils `SwapCase`: upper/title → lower; lower → title at a word start, else upper.
fn swapcase(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    let mut ws = true;
    for c in arg_runes(a, 0).chars() {
        if c.is_uppercase() || matches!(c, 'ǅ' | 'ǈ' | 'ǋ' | 'ǲ') {
            out.push(to_lower_char(c));
            ws = false;
        } else if c.is_lowercase() {
            if ws {
                out.push_str(&to_title(c));
                ws = false;
            } else {
                out.push(to_upper_char(c));
            }
        } else {
            out.push(c);
            ws = is_space(c);
        }
    }
    s(out)
}

fn shuffle(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut r: Vec<char> = arg_runes(a, 0).chars().collect();
    for i in (1..r.len()).rev() {
        let j = (h.rand_u64() % (i as u64 + 1)) as usize;
        r.swap(i, j);
    }
    s(r.into_iter().collect::<String>())
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Tok {
    Letters,
    Number,
    Connector,
    Punct,
}

/// Splits into letter words (case transitions split: "fooBar", "HTTPServer"), numbers,
/// connector characters (`_`, `-`, space) and other punctuation.
fn tokenize(st: &str) -> Vec<(Tok, String)> {
    let chars: Vec<char> = st.chars().collect();
    let mut out: Vec<(Tok, String)> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() {
            let start = i;
            i += 1;
            while i < chars.len() && chars[i].is_alphabetic() {
                let (p, q) = (chars[i - 1], chars[i]);
                if !p.is_uppercase() && q.is_uppercase() {
                    break;
                }
                if p.is_uppercase()
                    && q.is_uppercase()
                    && i + 1 < chars.len()
                    && chars[i + 1].is_lowercase()
                {
                    break;
                }
                i += 1;
            }
            out.push((Tok::Letters, chars[start..i].iter().collect()));
        } else if c.is_numeric() {
            let start = i;
            while i < chars.len() && chars[i].is_numeric() {
                i += 1;
            }
            out.push((Tok::Number, chars[start..i].iter().collect()));
        } else if matches!(c, '_' | '-' | ' ') {
            out.push((Tok::Connector, c.to_string()));
            i += 1;
        } else {
            out.push((Tok::Punct, c.to_string()));
            i += 1;
        }
    }
    out
}

/// xstrings `ToSnakeCase`/`ToKebabCase` behaviour: lower-cased words joined by `conn`; a
/// number sticks to the word before it unless lower-case letters follow it.
fn lower_joined(st: &str, conn: char) -> String {
    let toks = tokenize(st);
    let mut out = String::new();
    let mut prev: Option<Tok> = None;
    // `_`/`-` right after punctuation are kept as written ("a.-b" stays "a.-b").
    let mut after_punct = false;
    for (k, (t, w)) in toks.iter().enumerate() {
        match t {
            Tok::Connector if after_punct && w != " " => out.push_str(w),
            Tok::Connector => {
                after_punct = false;
                out.push(conn);
            }
            Tok::Punct => {
                after_punct = true;
                out.push_str(w);
            }
            Tok::Letters => {
                after_punct = false;
                // After a number, lower-case letters continue the same word ("foo_1bar").
                let glued =
                    prev == Some(Tok::Number) && w.chars().next().is_some_and(char::is_lowercase);
                if prev == Some(Tok::Letters) || (prev == Some(Tok::Number) && !glued) {
                    out.push(conn);
                }
                out.extend(w.chars().map(to_lower_char));
            }
            Tok::Number => {
                after_punct = false;
                let next_lower = toks.get(k + 1).is_some_and(|(t2, w2)| {
                    *t2 == Tok::Letters && w2.chars().next().is_some_and(char::is_lowercase)
                });
                if prev == Some(Tok::Letters) && next_lower {
                    out.push(conn);
                }
                out.push_str(w);
            }
        }
        prev = Some(*t);
    }
    out
}

fn snakecase(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(lower_joined(arg_str(a, 0), '_'))
}

fn kebabcase(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(lower_joined(arg_str(a, 0), '-'))
}

/// xstrings `ToCamelCase` behaviour: words separated by `_`, `-` or space are capitalised and
/// joined; a word starting with two capitals is lower-cased after its first letter; in a run
/// of n separators inside the string n-1 are kept; leading and trailing ones are all kept.
fn camelcase(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let chars: Vec<char> = arg_runes(a, 0).chars().collect();
    let is_conn = |c: char| matches!(c, '_' | '-' | ' ');
    if let Some(last) = chars.last().filter(|_| chars.iter().all(|c| is_conn(*c))) {
        // Only separators: xstrings repeats the last one ("-" → "--").
        let mut out: String = chars.iter().collect();
        out.push(*last);
        return s(out);
    }
    let mut out = String::new();
    let mut i = 0;
    let mut first = true;
    while i < chars.len() {
        if is_conn(chars[i]) {
            let start = i;
            while i < chars.len() && is_conn(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            if first || i == chars.len() {
                out.extend(run.iter());
            } else {
                out.extend(run[..run.len() - 1].iter());
            }
            first = false;
            continue;
        }
        let start = i;
        while i < chars.len() && !is_conn(chars[i]) {
            i += 1;
        }
        let word = &chars[start..i];
        // A leading run of capitals keeps only its first ("HTTPServer" → "Httpserver",
        // "IPv4Address" → "Ipv4Address").
        let mut lead = word[0].is_uppercase();
        out.push(to_upper_char(word[0]));
        for c in &word[1..] {
            lead = lead && c.is_uppercase();
            out.push(if lead { to_lower_char(*c) } else { *c });
        }
        first = false;
    }
    s(out)
}

/// goutils `WrapCustom` (byte offsets, words split on ' ' only).
fn wrap_custom(st: &str, width: i64, nl: &str, long_words: bool) -> String {
    let b = &*go_bytes(st);
    let nl = &*go_bytes(nl);
    if b.is_empty() {
        return String::new();
    }
    let nl: &[u8] = if nl.is_empty() { b"\n" } else { nl };
    let width = width.max(1) as usize;
    let len = b.len();
    let mut offset = 0;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = b[offset..end].iter().rposition(|c| *c == b' ');
        if let Some(sp) = space.map(|p| p + offset) {
            out.extend_from_slice(&b[offset..sp]);
            out.extend_from_slice(nl);
            offset = sp + 1;
        } else if long_words {
            let end = width + offset;
            out.extend_from_slice(&b[offset..end]);
            out.extend_from_slice(nl);
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|c| *c == b' ') {
                Some(p) => {
                    out.extend_from_slice(&b[offset..end + p]);
                    out.extend_from_slice(nl);
                    offset = end + p + 1;
                }
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    bytes_str(&out)
}

fn wrap(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(wrap_custom(arg_str(a, 1), arg_int(a, 0), "", false))
}

fn wrap_with(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(wrap_custom(
        arg_str(a, 2),
        arg_int(a, 0),
        arg_str(a, 1),
        true,
    ))
}

fn contains(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let (hay, needle) = (go_bytes(arg_str(a, 1)), go_bytes(arg_str(a, 0)));
    Ok(Value::Bool(
        needle.is_empty() || hay.windows(needle.len()).any(|w| w == &*needle),
    ))
}

// Go compares bytes: "h\xc3" is a prefix of "héllo".
fn has_prefix(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(
        go_bytes(arg_str(a, 1)).starts_with(&go_bytes(arg_str(a, 0))),
    ))
}

fn has_suffix(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(
        go_bytes(arg_str(a, 1)).ends_with(&go_bytes(arg_str(a, 0))),
    ))
}

fn quote_fn(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| quote(&strval(v)))
        .collect();
    s(parts.join(" "))
}

fn squote(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(|v| format!("'{}'", strval(v)))
        .collect();
    s(parts.join(" "))
}

/// `cat`: non-nil arguments printed with `%v`, space separated.
fn cat(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let parts: Vec<String> = a
        .iter()
        .filter(|v| !v.is_nil())
        .map(crate::fmt::format_value)
        .collect();
    s(parts.join(" "))
}

fn indent_str(n: i64, st: &str) -> Result<String, String> {
    let pad = repeat_str(n, " ")?;
    let lines = st.matches('\n').count() + 1;
    if (lines as u128) * (pad.len() as u128) + st.len() as u128 > MAX_LEN as u128 {
        return Err("indent: output too large".into());
    }
    Ok(pad.clone() + &st.replace('\n', &format!("\n{pad}")))
}

fn indent(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(indent_str(arg_int(a, 0), arg_str(a, 1))?)
}

fn nindent(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s("\n".to_string() + &indent_str(arg_int(a, 0), arg_str(a, 1))?)
}

fn replace(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let (old, new, src) = (arg_str(a, 0), arg_str(a, 1), arg_str(a, 2));
    if old.is_empty() {
        // Go inserts `new` before every rune and at the end.
        let n = src.chars().count() + 1;
        if (n as u128) * (new.len() as u128) + src.len() as u128 > MAX_LEN as u128 {
            return Err("replace: output too large".into());
        }
        let mut out = String::new();
        for c in src.chars() {
            out.push_str(new);
            out.push(c);
        }
        out.push_str(new);
        return s(out);
    }
    s(src.replace(old, new))
}

fn plural(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(if arg_int(a, 2) == 1 {
        arg_str(a, 0)
    } else {
        arg_str(a, 1)
    })
}

/// Go's `strings.Split` (an empty separator splits into UTF-8 sequences).
fn go_split(st: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<String> = st.chars().map(String::from).collect();
        if n > 0 && (n as usize) < chars.len() {
            let mut head: Vec<String> = chars[..n as usize - 1].to_vec();
            let rest: String = st.chars().skip(n as usize - 1).collect();
            head.push(rest);
            return head;
        }
        return chars;
    }
    if n < 0 {
        st.split(sep).map(String::from).collect()
    } else {
        st.splitn(n as usize, sep).map(String::from).collect()
    }
}

fn parts_map(parts: Vec<String>) -> Value {
    let m = Map::new();
    for (i, p) in parts.into_iter().enumerate() {
        m.insert(format!("_{i}"), Value::from(p));
    }
    Value::Map(m.with_type(crate::value::MapType::StrStr))
}

fn split(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(parts_map(go_split(arg_str(a, 1), arg_str(a, 0), -1)))
}

fn split_list(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str_list(go_split(arg_str(a, 1), arg_str(a, 0), -1)))
}

fn splitn(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(parts_map(go_split(
        arg_str(a, 2),
        arg_str(a, 0),
        arg_int(a, 1),
    )))
}

fn join(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    s(strslice(&a[1]).join(arg_str(a, 0)))
}

fn sort_alpha(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut v = match &a[0] {
        Value::List(_) | Value::Bytes(_) => strslice(&a[0]),
        other => vec![strval(other)],
    };
    v.sort_by(|x, y| crate::value::go_cmp(x, y));
    Ok(Value::str_list(v))
}

/// Sprig `untilStep`: the ints from start towards stop (exclusive) by step.
pub fn until_step_vec(start: i64, stop: i64, step: i64) -> Result<Vec<i64>, String> {
    let mut v = Vec::new();
    if stop < start {
        if step >= 0 {
            return Ok(v);
        }
        let mut i = start;
        while i > stop {
            v.push(i);
            if v.len() > MAX_ITEMS {
                return Err("untilStep: too many items".into());
            }
            i = match i.checked_add(step) {
                Some(x) => x,
                None => break,
            };
        }
        return Ok(v);
    }
    if step <= 0 {
        return Ok(v);
    }
    let mut i = start;
    while i < stop {
        v.push(i);
        if v.len() > MAX_ITEMS {
            return Err("untilStep: too many items".into());
        }
        i = match i.checked_add(step) {
            Some(x) => x,
            None => break,
        };
    }
    Ok(v)
}

fn int_list(v: Vec<i64>) -> Value {
    Value::typed_list(ElemType::Int, v.into_iter().map(Value::Int).collect())
}

fn until(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let n = arg_int(a, 0);
    let step = if n < 0 { -1 } else { 1 };
    Ok(int_list(until_step_vec(0, n, step)?))
}

fn until_step(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(int_list(until_step_vec(
        arg_int(a, 0),
        arg_int(a, 1),
        arg_int(a, 2),
    )?))
}

fn seq(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let p: Vec<i64> = (0..a.len()).map(|i| arg_int(a, i)).collect();
    let v = match p.as_slice() {
        [end] => {
            let inc = if *end < 1 { -1 } else { 1 };
            until_step_vec(1, end.saturating_add(inc), inc)?
        }
        [start, end] => {
            let step = if end < start { -1 } else { 1 };
            until_step_vec(*start, end.saturating_add(step), step)?
        }
        // Three arguments are start, step, end.
        [start, step, end] => {
            let mut inc = 1;
            if end < start {
                inc = -1;
                if *step > 0 {
                    return s("");
                }
            }
            until_step_vec(*start, end.saturating_add(inc), *step)?
        }
        _ => return s(""),
    };
    let parts: Vec<String> = v.iter().map(i64::to_string).collect();
    s(parts.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::format_value;
    use crate::funcs::c_testutil::call;

    fn st(x: &str) -> Value {
        Value::str(x)
    }
    fn i(x: i64) -> Value {
        Value::Int(x)
    }
    fn run(f: &str, args: &[Value]) -> String {
        match call(FUNCS, f, args) {
            Ok(v) => format_value(&v),
            Err(e) => format!("ERR {e}"),
        }
    }

    /// `v` as `quote` prints it (Go's %q shows the bytes that are not UTF-8 as `\xNN`).
    fn q(v: &str) -> String {
        run("quote", &[st(v)])
    }

    // Expectations printed by helm v4.1.4 (tests/conformance/cases/gobytes.txt).
    #[test]
    fn byte_cuts_keep_partial_runes() {
        let x = match call(FUNCS, "trunc", &[i(2), st("h\u{e9}llo")]) {
            Ok(Value::Str(v)) => v.to_string(),
            other => panic!("{other:?}"),
        };
        assert_eq!(q(&x), r#""h\xc3""#);
        assert_eq!(crate::value::go_len(&x), 2);
        let sub = |a: i64, b: i64, v: &str| match call(FUNCS, "substr", &[i(a), i(b), st(v)]) {
            Ok(Value::Str(v)) => q(&v),
            other => panic!("{other:?}"),
        };
        assert_eq!(sub(0, 2, "h\u{e9}llo"), r#""h\xc3""#);
        assert_eq!(sub(2, 4, "h\u{e9}llo"), r#""\xa9l""#);
        let ab = match call(FUNCS, "abbrev", &[i(5), st("h\u{e9}llo w\u{f6}rld")]) {
            Ok(Value::Str(v)) => q(&v),
            other => panic!("{other:?}"),
        };
        assert_eq!(ab, r#""h\xc3...""#);
        // Case mappings write U+FFFD for the raw byte; byte-wise functions keep it.
        assert_eq!(run("upper", &[st(&x)]), "H\u{fffd}");
        assert_eq!(run("swapcase", &[st(&x)]), "H\u{fffd}");
        assert_eq!(q(&run("nospace", &[st(&x)])), r#""h\xc3""#);
        assert_eq!(run("nospace", &[st("\u{e9}")]), "\u{e9}");
        assert_eq!(run("nospace", &[st("a \u{e9}")]), "a\u{c3}\u{a9}");
        assert_eq!(run("hasPrefix", &[st(&x), st("h\u{e9}llo")]), "true");
        assert_eq!(run("contains", &[st(&x), st("h\u{e9}llo")]), "true");
        let sorted = call(
            FUNCS,
            "sortAlpha",
            &[Value::str_list(["h\u{e9}", x.as_str(), "h"])],
        );
        assert_eq!(
            sorted.map(|v| format_value(&v)).map(|v| q(&v)),
            Ok("\"[h h\\xc3 h\u{e9}]\"".to_string())
        );
    }

    // Every expectation was printed by helm v4.1.4.
    #[test]
    fn helm_outputs() {
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            ("trunc", vec![i(3), st("héllo")], "hé"),
            ("trunc", vec![i(-2), st("hello")], "lo"),
            ("trunc", vec![i(-10), st("hi")], "hi"),
            ("trunc", vec![i(10), st("hi")], "hi"),
            ("substr", vec![i(1), i(3), st("hello")], "el"),
            ("substr", vec![i(-1), i(2), st("hello")], "he"),
            ("substr", vec![i(2), i(-1), st("hello")], "llo"),
            ("substr", vec![i(2), i(99), st("hello")], "llo"),
            (
                "substr",
                vec![i(3), i(1), st("hello")],
                "ERR runtime error: slice bounds out of range [3:1]",
            ),
            (
                "substr",
                vec![i(9), i(12), st("hello")],
                "ERR runtime error: slice bounds out of range [9:5]",
            ),
            ("abbrev", vec![i(5), st("hello world")], "he..."),
            ("abbrev", vec![i(3), st("hello")], "hello"),
            ("abbrev", vec![i(4), st("héllo")], "h..."),
            (
                "abbrevboth",
                vec![i(5), i(10), st("1234 5678 9123")],
                "...5678...",
            ),
            (
                "abbrevboth",
                vec![i(1), i(5), st("abcdefghij")],
                "abcdefghij",
            ),
            ("initials", vec![st("hello big world")], "hbw"),
            ("initials", vec![st("  a  b ")], "ab"),
            ("untitle", vec![st("Hello World")], "hello world"),
            (
                "title",
                vec![st("hello wORLD foo_bar x-y 1a")],
                "Hello WORLD Foo_bar X-Y 1a",
            ),
            ("title", vec![st("ǆa")], "ǅa"),
            ("swapcase", vec![st("Hello Wörld")], "hELLO wÖRLD"),
            ("swapcase", vec![st("hello world")], "HELLO WORLD"),
            ("nospace", vec![st(" a b\tc\n")], "abc"),
            (
                "nospace",
                vec![st("a b\u{2003}c\td\re")],
                "ab\u{e2}\u{80}\u{83}cde",
            ),
            (
                "wrap",
                vec![i(5), st("hello world foo")],
                "hello\nworld\nfoo",
            ),
            (
                "wrapWith",
                vec![i(5), st("\t"), st("hello world")],
                "hello\tworld",
            ),
            ("wrap", vec![i(3), st("abcdefgh ij")], "abcdefgh\nij"),
            (
                "wrap",
                vec![i(10), st("a b\nc d e f g h i j k l")],
                "a b\nc d e\nf g h i j\nk l",
            ),
            ("wrap", vec![i(0), st("ab cd")], "ab\ncd"),
            (
                "quote",
                vec![st("a"), i(1), Value::Nil, st("b\"")],
                "\"a\" \"1\" \"b\\\"\"",
            ),
            ("squote", vec![st("a"), i(1), Value::Nil], "'a' '1'"),
            ("cat", vec![st("a"), i(1), Value::Nil, st("b")], "a 1 b"),
            ("indent", vec![i(2), st("a\nb")], "  a\n  b"),
            ("nindent", vec![i(2), st("a")], "\n  a"),
            (
                "indent",
                vec![i(-1), st("a")],
                "ERR strings: negative Repeat count",
            ),
            ("replace", vec![st("a"), st("b"), st("aaa")], "bbb"),
            ("plural", vec![st("one"), st("many"), i(1)], "one"),
            ("plural", vec![st("one"), st("many"), i(2)], "many"),
            ("split", vec![st(","), st("a,b,c")], "map[_0:a _1:b _2:c]"),
            (
                "splitn",
                vec![st(","), i(2), st("a,b,c")],
                "map[_0:a _1:b,c]",
            ),
            ("splitn", vec![st(","), i(-1), st("a,b")], "map[_0:a _1:b]"),
            (
                "join",
                vec![st("-"), Value::list(vec![Value::Float(1.0), i(2)])],
                "1-2",
            ),
            ("join", vec![st("-"), st("abc")], "abc"),
            ("join", vec![st("-"), Value::Nil], ""),
            (
                "sortAlpha",
                vec![Value::list(vec![st("b"), st("a"), i(3)])],
                "[3 a b]",
            ),
            ("sortAlpha", vec![st("x")], "[x]"),
            ("sortAlpha", vec![Value::Nil], "[<nil>]"),
            ("seq", vec![i(5)], "1 2 3 4 5"),
            ("seq", vec![i(-3)], "1 0 -1 -2 -3"),
            ("seq", vec![i(2), i(5)], "2 3 4 5"),
            ("seq", vec![i(5), i(2)], "5 4 3 2"),
            ("seq", vec![i(0), i(2), i(10)], "0 2 4 6 8 10"),
            ("seq", vec![i(10), i(-3), i(1)], "10 7 4 1"),
            ("seq", vec![i(10), i(3), i(1)], ""),
            ("seq", vec![], ""),
            ("seq", vec![i(0)], "1 0"),
            ("seq", vec![i(1)], "1"),
            ("seq", vec![i(1), i(2), i(3), i(4)], ""),
            ("until", vec![i(3)], "[0 1 2]"),
            ("until", vec![i(-3)], "[0 -1 -2]"),
            ("untilStep", vec![i(0), i(10), i(3)], "[0 3 6 9]"),
            ("untilStep", vec![i(10), i(0), i(-3)], "[10 7 4 1]"),
            ("untilStep", vec![i(0), i(10), i(0)], "[]"),
            ("repeat", vec![i(3), st("ab")], "ababab"),
            (
                "repeat",
                vec![i(-1), st("a")],
                "ERR strings: negative Repeat count",
            ),
            ("contains", vec![st("b"), st("abc")], "true"),
            ("trim", vec![st("  a  ")], "a"),
            ("trimAll", vec![st("$"), st("$a$")], "a"),
            ("trimSuffix", vec![st("x"), st("ax")], "a"),
            ("trimPrefix", vec![st("x"), st("xa")], "a"),
            ("upper", vec![st("aé")], "AÉ"),
            ("upper", vec![st("ßﬁéǆΣ")], "ßﬁÉǄΣ"),
            ("lower", vec![st("İΣẞǅ")], "iσßǆ"),
            ("swapcase", vec![st("ßİǅ")], "ßiǆ"),
            (
                "substr",
                vec![i(-5), i(-5), st("abc")],
                "ERR runtime error: slice bounds out of range [:-5]",
            ),
            ("hello", vec![], "Hello!"),
            ("randAlpha", vec![i(-1)], ""),
        ];
        for (f, args, want) in cases {
            assert_eq!(run(f, &args), want, "{f} {args:?}");
        }
        let t = call(FUNCS, "until", &[i(2)]).unwrap();
        assert_eq!(t.type_name(), "[]int");
        let t = call(FUNCS, "splitList", &[st(","), st("a,b")]).unwrap();
        assert_eq!(t.type_name(), "[]string");
        assert_eq!(format_value(&t), "[a b]");
        let r = call(FUNCS, "randAlphaNum", &[i(5)]).unwrap();
        assert_eq!(r.as_str().map(str::len), Some(5));
    }

    #[test]
    fn case_conversions() {
        // word, snakecase, camelcase, kebabcase — from helm.
        let cases = [
            ("FirstName", "first_name", "FirstName", "first-name"),
            ("HTTPServer", "http_server", "Httpserver", "http-server"),
            ("NoHTTPS", "no_https", "NoHTTPS", "no-https"),
            ("GO_PATH", "go_path", "GoPath", "go-path"),
            ("GO PATH", "go_path", "GoPath", "go-path"),
            ("a__b", "a__b", "A_B", "a--b"),
            ("_a", "_a", "_A", "-a"),
            ("ab_", "ab_", "Ab_", "ab-"),
            ("foo1Bar", "foo1_bar", "Foo1Bar", "foo1-bar"),
            ("foo1bar", "foo_1bar", "Foo1bar", "foo-1bar"),
            ("Foo2", "foo2", "Foo2", "foo2"),
            ("aBC", "a_bc", "ABC", "a-bc"),
            ("a.b", "a.b", "A.b", "a.b"),
            ("a  b", "a__b", "A B", "a--b"),
            ("-a-", "_a_", "-A-", "-a-"),
            ("fooBAR baz", "foo_bar_baz", "FooBARBaz", "foo-bar-baz"),
            ("x_y-z w", "x_y_z_w", "XYZW", "x-y-z-w"),
            ("ab9CD", "ab9_cd", "Ab9CD", "ab9-cd"),
            ("Ab9cd", "ab_9cd", "Ab9cd", "ab-9cd"),
            ("héLLo", "hé_l_lo", "HéLLo", "hé-l-lo"),
            ("a1B2", "a1_b2", "A1B2", "a1-b2"),
            ("ABCdef", "ab_cdef", "Abcdef", "ab-cdef"),
            ("A", "a", "A", "a"),
            ("aB", "a_b", "AB", "a-b"),
            (
                "camel_caseTest",
                "camel_case_test",
                "CamelCaseTest",
                "camel-case-test",
            ),
            (
                "already-kebab",
                "already_kebab",
                "AlreadyKebab",
                "already-kebab",
            ),
            ("2abc", "2abc", "2abc", "2abc"),
            ("2Abc", "2_abc", "2Abc", "2-abc"),
            ("ABC2def", "abc_2def", "Abc2def", "abc-2def"),
            ("abc2DEF", "abc2_def", "Abc2DEF", "abc2-def"),
            (
                "IPv4Address",
                "i_pv4_address",
                "Ipv4Address",
                "i-pv4-address",
            ),
            (
                "getHTTP2Response",
                "get_http2_response",
                "GetHTTP2Response",
                "get-http2-response",
            ),
            ("my.app_name", "my.app_name", "My.appName", "my.app-name"),
            ("Hello World", "hello_world", "HelloWorld", "hello-world"),
            ("a-B", "a_b", "AB", "a-b"),
            ("__x__y", "__x__y", "__X_Y", "--x--y"),
            ("v1beta1", "v_1beta1", "V1beta1", "v-1beta1"),
            ("K8sVersion", "k_8s_version", "K8sVersion", "k-8s-version"),
            (
                "mixedCASEWord",
                "mixed_case_word",
                "MixedCASEWord",
                "mixed-case-word",
            ),
            ("a--b", "a__b", "A-B", "a--b"),
            ("a_-b", "a__b", "A_B", "a--b"),
            ("A_B_C", "a_b_c", "ABC", "a-b-c"),
            ("aa  BB", "aa__bb", "Aa Bb", "aa--bb"),
            ("-", "_", "--", "-"),
            ("-_", "__", "-__", "--"),
            ("a.-b", "a.-b", "A.B", "a.-b"),
            ("a. b", "a._b", "A.B", "a.-b"),
            ("a-/b", "a_/b", "A/b", "a-/b"),
            ("a.--b", "a.--b", "A.-B", "a.--b"),
        ];
        for (w, snake, camel, kebab) in cases {
            assert_eq!(run("snakecase", &[st(w)]), snake, "snake {w}");
            assert_eq!(run("camelcase", &[st(w)]), camel, "camel {w}");
            assert_eq!(run("kebabcase", &[st(w)]), kebab, "kebab {w}");
        }
    }
}
