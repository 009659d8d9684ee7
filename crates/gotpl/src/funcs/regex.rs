//! Sprig's regular-expression functions with Go `regexp` (RE2) semantics.
//!
//! The `regex` crate is RE2-like; the differences that matter are handled here: Go's `\d`,
//! `\w`, `\s`, `\b` are ASCII-only (the crate's are Unicode), and Go's replacement template
//! expansion (`$1x` names group `1x`) is implemented by hand instead of the crate's.

use crate::func::{FuncDef, Host};
use crate::value::Value;
use regex::{Captures, Regex};
use std::cell::RefCell;
use std::collections::HashMap;

/// Compiles a Go regexp, memoized per thread: charts call these functions in loops with the
/// same few patterns. Errors are worded like Go's `regexp/syntax` errors
/// (`error parsing regexp: missing closing ): `(``).
pub fn compile(pattern: &str) -> Result<Regex, String> {
    thread_local! {
        static CACHE: RefCell<HashMap<String, Result<Regex, String>>> =
            RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|c| c.borrow().get(pattern).cloned()) {
        return hit;
    }
    let r = compile_uncached(pattern);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 512 {
            c.clear();
        }
        c.insert(pattern.to_string(), r.clone());
    });
    r
}

fn compile_uncached(pattern: &str) -> Result<Regex, String> {
    let fail = |what: &str, arg: &str| format!("error parsing regexp: {what}: `{arg}`");
    if let Some(e) = repetition_error(pattern) {
        return Err(e);
    }
    let translated = translate(pattern);
    if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(&translated) {
        use regex_syntax::ast::ErrorKind as K;
        let sp = e.span();
        let from = translated.get(sp.start.offset..).unwrap_or("");
        let at = match translated.get(sp.start.offset..sp.end.offset) {
            Some(a) if !a.is_empty() => a,
            // An empty span points at the operator itself.
            _ => from
                .get(..from.chars().next().map_or(0, char::len_utf8))
                .unwrap_or(""),
        };
        return Err(match e.kind() {
            K::GroupUnclosed => fail("missing closing )", pattern),
            K::GroupUnopened => fail("unexpected )", pattern),
            K::ClassUnclosed => fail("missing closing ]", from),
            K::ClassRangeInvalid | K::ClassRangeLiteral => {
                fail("invalid character class range", at)
            }
            K::RepetitionMissing => fail("missing argument to repetition operator", at),
            K::RepetitionCountInvalid
            | K::RepetitionCountUnclosed
            | K::RepetitionCountDecimalEmpty => fail("invalid repeat count", at),
            K::GroupNameInvalid | K::GroupNameEmpty | K::GroupNameUnexpectedEof => {
                fail("invalid named capture", at)
            }
            K::GroupNameDuplicate { .. } => fail("duplicate capture group name", at),
            K::EscapeUnrecognized
            | K::EscapeUnexpectedEof
            | K::EscapeHexEmpty
            | K::EscapeHexInvalid
            | K::EscapeHexInvalidDigit
            | K::ClassEscapeInvalid
            | K::UnsupportedBackreference => fail("invalid escape sequence", at),
            K::UnicodeClassInvalid => fail("invalid character class range", at),
            _ => fail("invalid or unsupported Perl syntax", at),
        });
    }
    regex::RegexBuilder::new(&translated)
        .size_limit(1 << 24)
        .build()
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "expression too large".to_string(),
            _ => fail("invalid syntax", pattern),
        })
}

/// Repetition rules Go enforces and the crate doesn't: no repetition of a repetition (`a**`,
/// `a++`, `a{2}*`; a lone `?` after one is the non-greedy marker) and counts up to 1000.
/// Returns Go's error message.
fn repetition_error(p: &str) -> Option<String> {
    let b = p.as_bytes();
    let mut i = 0;
    let mut in_class = false;
    // The end of the last repetition operator (with its optional `?`), if it ended at `i`.
    let mut last_rep: Option<usize> = None;
    while i < b.len() {
        let c = b[i];
        if c == b'\\' {
            i += 2;
            last_rep = None;
            continue;
        }
        if in_class {
            if c == b']' {
                in_class = false;
            }
            i += 1;
            continue;
        }
        let rep_len = match c {
            b'*' | b'+' | b'?' => 1,
            b'{' => {
                let rest = &p[i + 1..];
                match rest.find('}') {
                    Some(e)
                        if !rest[..e].is_empty()
                            && rest[..e].bytes().all(|x| x.is_ascii_digit() || x == b',')
                            && rest[..e].bytes().next().is_some_and(|x| x.is_ascii_digit()) =>
                    {
                        let body = &rest[..e];
                        let (lo, hi) = body.split_once(',').unwrap_or((body, body));
                        let lo: u64 = lo.parse().unwrap_or(u64::MAX);
                        let hi: Option<u64> = if hi.is_empty() {
                            None
                        } else {
                            Some(hi.parse().unwrap_or(u64::MAX))
                        };
                        if lo > 1000 || hi.is_some_and(|h| h > 1000 || h < lo) {
                            return Some(format!(
                                "error parsing regexp: invalid repeat count: `{{{body}}}`"
                            ));
                        }
                        e + 2
                    }
                    _ => 0,
                }
            }
            _ => 0,
        };
        if rep_len > 0 {
            if let Some(start) = last_rep {
                return Some(format!(
                    "error parsing regexp: invalid nested repetition operator: `{}`",
                    &p[start..i + rep_len]
                ));
            }
            let mut end = i + rep_len;
            if b.get(end) == Some(&b'?') {
                end += 1;
            }
            last_rep = Some(i);
            // Only a repetition right after this one (at `end`) is nested.
            i = end;
            if !matches!(b.get(i), Some(b'*' | b'+' | b'?' | b'{')) {
                last_rep = None;
            }
            continue;
        }
        if c == b'[' {
            in_class = true;
            if b.get(i + 1) == Some(&b'^') {
                i += 1;
            }
            if b.get(i + 1) == Some(&b']') {
                i += 1;
            }
        }
        last_rep = None;
        i += 1;
    }
    None
}

/// Rewrites Go's ASCII-only Perl classes and word boundaries into the crate's syntax.
fn translate(p: &str) -> String {
    let mut out = String::with_capacity(p.len() + 8);
    let mut in_class = false;
    let mut class_start = false;
    let mut it = p.chars().peekable();
    while let Some(c) = it.next() {
        match c {
            '\\' => {
                let Some(n) = it.next() else {
                    out.push('\\');
                    break;
                };
                if n == 'Q' && !in_class {
                    // `\Q...\E` quotes everything up to `\E` (or the end).
                    let mut lit = String::new();
                    while let Some(d) = it.next() {
                        if d == '\\' && it.peek() == Some(&'E') {
                            it.next();
                            break;
                        }
                        lit.push(d);
                    }
                    out.push_str(&quote_meta_all(&lit));
                    class_start = false;
                    continue;
                }
                let rep: Option<&str> = match (n, in_class) {
                    // Go has no `\<`/`\>` word boundaries: they are literal characters.
                    ('<', _) => Some("<"),
                    ('>', _) => Some(">"),
                    ('d', false) => Some("[0-9]"),
                    ('D', _) => Some("[^0-9]"),
                    ('w', false) => Some("[0-9A-Za-z_]"),
                    ('W', _) => Some("[^0-9A-Za-z_]"),
                    ('s', false) => Some(r"[\t\n\f\r ]"),
                    ('S', _) => Some(r"[^\t\n\f\r ]"),
                    ('d', true) => Some("0-9"),
                    ('w', true) => Some("0-9A-Za-z_"),
                    ('s', true) => Some(r"\t\n\f\r "),
                    ('b', false) => Some(r"(?-u:\b)"),
                    ('B', false) => Some(r"(?-u:\B)"),
                    _ => None,
                };
                match rep {
                    Some(r) => out.push_str(r),
                    None => {
                        out.push('\\');
                        out.push(n);
                    }
                }
                class_start = false;
            }
            '[' if !in_class => {
                in_class = true;
                class_start = true;
                out.push('[');
                if it.peek() == Some(&'^') {
                    it.next();
                    out.push('^');
                }
                continue;
            }
            '[' if in_class && it.peek() == Some(&':') => {
                // A POSIX class `[:alpha:]` inside a bracket expression.
                out.push('[');
                for d in it.by_ref() {
                    out.push(d);
                    if d == ']' {
                        break;
                    }
                }
                class_start = false;
            }
            '[' if in_class => {
                // Go treats a nested `[` as a literal; the crate would open a nested class.
                out.push_str(r"\[");
                class_start = false;
            }
            ']' if in_class && !class_start => {
                in_class = false;
                out.push(']');
            }
            ']' if in_class => {
                out.push_str(r"\]");
                class_start = false;
            }
            '&' | '~' if in_class => {
                // The crate gives `&&` and `~~` set-operation meaning; Go doesn't.
                out.push('\\');
                out.push(c);
                class_start = false;
            }
            '-' if in_class => {
                // `--` is set difference in the crate; in Go the first `-` starts a range.
                if it.peek() == Some(&'-') {
                    out.push_str(r"\-");
                } else {
                    out.push('-');
                }
                class_start = false;
            }
            '{' if !in_class => {
                // Go reads `{` as a repetition only in the forms `{n}`, `{n,}`, `{n,m}`;
                // otherwise it is a literal (the crate would reject it).
                let rest: String = it.clone().collect();
                let end = rest.find('}');
                let valid = end.is_some_and(|e| {
                    let body = &rest[..e];
                    let (a, b) = body.split_once(',').unwrap_or((body, "0"));
                    !a.is_empty()
                        && a.bytes().all(|x| x.is_ascii_digit())
                        && b.bytes().all(|x| x.is_ascii_digit())
                });
                match (valid, end) {
                    (true, Some(e)) => {
                        out.push('{');
                        for _ in 0..=e {
                            if let Some(d) = it.next() {
                                out.push(d);
                            }
                        }
                    }
                    _ => out.push_str(r"\{"),
                }
                class_start = false;
            }
            '}' if !in_class => {
                out.push_str(r"\}");
                class_start = false;
            }
            _ => {
                out.push(c);
                class_start = false;
            }
        }
    }
    out
}

/// Go's `Regexp.Expand` for a replacement template: `$name`, `${name}`, `$$`; a name is the
/// longest run of letters, digits and `_`; all-digit names are group numbers; unknown groups
/// expand to nothing; a malformed `$` is kept.
pub fn expand(re: &Regex, caps: &Captures<'_>, template: &str, out: &mut String) {
    let mut rest = template;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        rest = &rest[i + 1..];
        if let Some(r) = rest.strip_prefix('$') {
            out.push('$');
            rest = r;
            continue;
        }
        let (name, after) = if let Some(r) = rest.strip_prefix('{') {
            match r.find('}') {
                Some(end)
                    if end > 0 && r[..end].chars().all(|c| c.is_alphanumeric() || c == '_') =>
                {
                    (&r[..end], &r[end + 1..])
                }
                _ => {
                    out.push('$');
                    continue;
                }
            }
        } else {
            let end = rest
                .char_indices()
                .find(|(_, c)| !(c.is_alphanumeric() || *c == '_'))
                .map_or(rest.len(), |(i, _)| i);
            if end == 0 {
                out.push('$');
                continue;
            }
            (&rest[..end], &rest[end..])
        };
        rest = after;
        let group = if name.bytes().all(|b| b.is_ascii_digit()) {
            name.parse::<usize>().ok().and_then(|n| caps.get(n))
        } else {
            re.capture_names()
                .position(|n| n == Some(name))
                .and_then(|i| caps.get(i))
        };
        if let Some(m) = group {
            out.push_str(m.as_str());
        }
    }
    out.push_str(rest);
}

/// Go's `FindAllString(s, n)`: n < 0 means all; an empty match right after a previous match
/// is skipped.
fn find_all<'a>(re: &Regex, s: &'a str, n: i64) -> Vec<&'a str> {
    let mut out = Vec::new();
    if n == 0 {
        return out;
    }
    let mut prev_end: Option<usize> = None;
    for m in re.find_iter(s) {
        if m.start() == m.end() && prev_end == Some(m.start()) {
            continue;
        }
        prev_end = Some(m.end());
        out.push(m.as_str());
        if n > 0 && out.len() as i64 >= n {
            break;
        }
    }
    out
}

/// Go's `Regexp.Split(s, n)`.
pub fn split(re: &Regex, s: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return vec![String::new()];
    }
    let mut out = Vec::new();
    let (mut beg, mut end) = (0usize, 0usize);
    let mut prev_end: Option<usize> = None;
    for m in re.find_iter(s) {
        if m.start() == m.end() && prev_end == Some(m.start()) {
            continue;
        }
        prev_end = Some(m.end());
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = m.end();
    }
    if end != s.len() {
        out.push(s[beg..].to_string());
    }
    out
}

fn replace_all(re: &Regex, s: &str, repl: &str, literal: bool) -> String {
    let mut out = String::with_capacity(s.len());
    let mut last = 0;
    let mut prev_end: Option<usize> = None;
    for caps in re.captures_iter(s) {
        let Some(m) = caps.get(0) else { continue };
        if m.start() == m.end() && prev_end == Some(m.start()) {
            continue;
        }
        prev_end = Some(m.end());
        out.push_str(&s[last..m.start()]);
        if literal {
            out.push_str(repl);
        } else {
            expand(re, &caps, repl, &mut out);
        }
        last = m.end();
    }
    out.push_str(&s[last..]);
    out
}

/// Escapes every character the crate could read as syntax (for `\Q...\E`).
fn quote_meta_all(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 2);
    for c in s.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Go's `regexp.QuoteMeta`.
pub fn quote_meta(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if r"\.+*?()|[]{}^$".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn int(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

/// The non-`must` variants panic in sprig on a bad pattern; text/template turns that panic into
/// the call error, so both variants fail here (the wording differs only by Go's prefix).
fn compile_panicking(p: &str) -> Result<Regex, String> {
    compile(p).map_err(|e| format!("regexp: Compile(`{p}`): {e}"))
}

fn regex_match(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    // Sprig's regexMatch swallows the compile error and answers false.
    Ok(Value::Bool(
        compile(s(&a[0])).is_ok_and(|r| r.is_match(s(&a[1]))),
    ))
}

fn must_regex_match(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(compile(s(&a[0]))?.is_match(s(&a[1]))))
}

fn find_all_with(re: Regex, a: &[Value]) -> Value {
    Value::str_list(find_all(&re, s(&a[1]), int(&a[2])))
}

fn regex_find_all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(find_all_with(compile_panicking(s(&a[0]))?, a))
}

fn must_regex_find_all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(find_all_with(compile(s(&a[0]))?, a))
}

fn regex_find(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile_panicking(s(&a[0]))?;
    Ok(Value::str(re.find(s(&a[1])).map_or("", |m| m.as_str())))
}

fn must_regex_find(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile(s(&a[0]))?;
    Ok(Value::str(re.find(s(&a[1])).map_or("", |m| m.as_str())))
}

fn regex_replace_all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile_panicking(s(&a[0]))?;
    Ok(Value::str(replace_all(&re, s(&a[1]), s(&a[2]), false)))
}

fn must_regex_replace_all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile(s(&a[0]))?;
    Ok(Value::str(replace_all(&re, s(&a[1]), s(&a[2]), false)))
}

fn regex_replace_all_literal(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile_panicking(s(&a[0]))?;
    Ok(Value::str(replace_all(&re, s(&a[1]), s(&a[2]), true)))
}

fn must_regex_replace_all_literal(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile(s(&a[0]))?;
    Ok(Value::str(replace_all(&re, s(&a[1]), s(&a[2]), true)))
}

fn regex_split(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile_panicking(s(&a[0]))?;
    Ok(Value::str_list(split(&re, s(&a[1]), int(&a[2]))))
}

fn must_regex_split(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile(s(&a[0]))?;
    Ok(Value::str_list(split(&re, s(&a[1]), int(&a[2]))))
}

fn regex_quote_meta(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(quote_meta(s(&a[0]))))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "regexMatch"(Str, Str) => regex_match,
    "mustRegexMatch"(Str, Str) => must_regex_match,
    "regexFindAll"(Str, Str, Int) => regex_find_all,
    "mustRegexFindAll"(Str, Str, Int) => must_regex_find_all,
    "regexFind"(Str, Str) => regex_find,
    "mustRegexFind"(Str, Str) => must_regex_find,
    "regexReplaceAll"(Str, Str, Str) => regex_replace_all,
    "mustRegexReplaceAll"(Str, Str, Str) => must_regex_replace_all,
    "regexReplaceAllLiteral"(Str, Str, Str) => regex_replace_all_literal,
    "mustRegexReplaceAllLiteral"(Str, Str, Str) => must_regex_replace_all_literal,
    "regexSplit"(Str, Str, Int) => regex_split,
    "mustRegexSplit"(Str, Str, Int) => must_regex_split,
    "regexQuoteMeta"(Str) => regex_quote_meta,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::call;

    fn list(v: Value) -> Vec<String> {
        v.as_list()
            .unwrap()
            .items
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn replace_follows_go_expand() {
        let r = |p: &str, s: &str, t: &str| {
            call(FUNCS, "regexReplaceAll", &[p.into(), s.into(), t.into()])
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        };
        // Values verified with helm v4.1.4.
        assert_eq!(r("a(x*)b", "-ab-axxb-", "${1}W"), "-W-xxW-");
        assert_eq!(r("a(x*)b", "-ab-axxb-", "$1W"), "---");
        assert_eq!(r("a(x*)b", "-ab-axxb-", "$1"), "--xx-");
        assert_eq!(r("a(?P<n>x*)b", "axxb", "<$n>$$"), "<xx>$");
        assert_eq!(r("a", "a", "$"), "$");
        assert_eq!(
            call(
                FUNCS,
                "regexReplaceAllLiteral",
                &["a(x*)b".into(), "-axb-".into(), "${1}".into()]
            )
            .unwrap()
            .as_str()
            .unwrap(),
            "-${1}-"
        );
    }

    type Case = (
        &'static str,
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
        &'static str,
    );

    #[test]
    fn matches_helm_regex_matrix() {
        let cases: &[Case] = include!("testdata/regex_helm.rs");
        let mut bad = Vec::new();
        for &(p, input, fa, sp, rep) in cases {
            let Ok(re) = compile(p) else {
                bad.push(format!("{p:?}: does not compile"));
                continue;
            };
            if find_all(&re, input, -1) != fa {
                bad.push(format!(
                    "{p:?} findAll {input:?}: {:?}",
                    find_all(&re, input, -1)
                ));
            }
            if split(&re, input, -1) != sp {
                bad.push(format!(
                    "{p:?} split {input:?}: {:?}",
                    split(&re, input, -1)
                ));
            }
            if replace_all(&re, input, "<$0>", false) != rep {
                bad.push(format!("{p:?} replace {input:?}"));
            }
        }
        assert!(
            bad.is_empty(),
            "{} mismatches:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }

    #[test]
    fn find_split_match() {
        let v = call(
            FUNCS,
            "regexFindAll",
            &["a.".into(), "abacad".into(), Value::Int(2)],
        );
        assert_eq!(list(v.unwrap()), ["ab", "ac"]);
        let v = call(
            FUNCS,
            "regexSplit",
            &["z+".into(), "pizza".into(), Value::Int(-1)],
        );
        assert_eq!(list(v.unwrap()), ["pi", "a"]);
        let v = call(
            FUNCS,
            "regexSplit",
            &["".into(), "abc".into(), Value::Int(-1)],
        );
        assert_eq!(list(v.unwrap()), ["a", "b", "c"]);
        let v = call(
            FUNCS,
            "regexFindAll",
            &["a*".into(), "baaac".into(), Value::Int(-1)],
        );
        assert_eq!(list(v.unwrap()), ["", "aaa", ""]);
        let v = call(
            FUNCS,
            "regexSplit",
            &["a*".into(), "baaac".into(), Value::Int(-1)],
        );
        assert_eq!(list(v.unwrap()), ["b", "c"]);
        let v = call(
            FUNCS,
            "regexReplaceAll",
            &["a*".into(), "baaac".into(), "X".into()],
        );
        assert_eq!(v.unwrap().as_str().unwrap(), "XbXcX");
        let v = call(FUNCS, "regexMatch", &[r"^\d+$".into(), "١٢".into()]).unwrap();
        assert!(!v.truthy(), "Go's \\d is ASCII only");
        for (p, e) in [
            ("(", "missing closing ): `(`"),
            ("a)", "unexpected ): `a)`"),
            ("[a", "missing closing ]: `[a`"),
            ("x[z-a]", "invalid character class range: `z-a`"),
            ("*a", "missing argument to repetition operator: `*`"),
            ("a**", "invalid nested repetition operator: `**`"),
            ("a++", "invalid nested repetition operator: `++`"),
            (r"\q", r"invalid escape sequence: `\q`"),
            ("a{2,1}", "invalid repeat count: `{2,1}`"),
            ("a{1001}", "invalid repeat count: `{1001}`"),
        ] {
            let got = call(FUNCS, "mustRegexFind", &[p.into(), "x".into()]).unwrap_err();
            assert_eq!(got, format!("error parsing regexp: {e}"), "{p}");
        }
        assert!(compile("a*?b+?").is_ok());
        // Verified with helm: `\Q..\E` quoting and literal `\<`.
        let find = |p: &str, s: &str| compile(p).unwrap().find(s).map(|m| m.as_str().to_string());
        assert_eq!(find(r"\Qa.b\E+", "xa.bbb").as_deref(), Some("a.bbb"));
        assert_eq!(find(r"\<a\>", "x<a>").as_deref(), Some("<a>"));
        assert_eq!(find(r"a\_b", "a_b").as_deref(), Some("a_b"));
        let v = call(FUNCS, "regexMatch", &["(".into(), "x".into()]).unwrap();
        assert!(!v.truthy());
        assert!(call(FUNCS, "mustRegexMatch", &["(".into(), "x".into()]).is_err());
        let v = call(FUNCS, "regexQuoteMeta", &["1.2+[x]".into()]).unwrap();
        assert_eq!(v.as_str().unwrap(), r"1\.2\+\[x\]");
    }
}
