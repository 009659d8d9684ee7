//! Sprig's regular-expression functions with Go `regexp` (RE2) semantics.
//!
//! The `regex` crate is RE2-like; the differences that matter are handled here: Go's `\d`,
//! `\w`, `\s`, `\b` are ASCII-only (the crate's are Unicode), and Go's replacement template
//! expansion (`$1x` names group `1x`) is implemented by hand instead of the crate's.
//!
//! Most patterns run on `regex-lite`: it compiles in microseconds where `regex` takes
//! ~100 µs (its Unicode automata), which is most of a small chart's regex cost in a one-shot
//! `chartgate template`; Go's ASCII-only classes are what `regex-lite` does natively.
//! Patterns needing Unicode (`\pL`, case folding) or that `regex-lite` rejects use `regex`.

use crate::func::{FuncDef, Host};
use crate::value::{ElemType, Value};
use std::cell::RefCell;
use std::collections::HashMap;

/// Go regexp's `\s`: ASCII `[\t\n\f\r ]` (no vertical tab, no Unicode spaces).
pub fn go_space(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\x0C' | b'\r' | b' ')
}

/// A compiled Go regexp on one of the two engines; spans are byte offsets.
#[derive(Clone, Debug)]
pub enum Regex {
    Lite(regex_lite::Regex),
    Full(regex::Regex),
}

/// One match's group spans (index 0: the whole match).
pub type Groups = Vec<Option<(usize, usize)>>;

impl Regex {
    pub fn is_match(&self, s: &str) -> bool {
        match self {
            Regex::Lite(r) => r.is_match(s),
            Regex::Full(r) => r.is_match(s),
        }
    }

    /// The leftmost-first match.
    pub fn find(&self, s: &str) -> Option<(usize, usize)> {
        match self {
            Regex::Lite(r) => r.find(s).map(|m| (m.start(), m.end())),
            Regex::Full(r) => r.find(s).map(|m| (m.start(), m.end())),
        }
    }

    /// Successive non-overlapping matches, as the engines report them.
    pub fn find_iter(&self, s: &str) -> Vec<(usize, usize)> {
        match self {
            Regex::Lite(r) => r.find_iter(s).map(|m| (m.start(), m.end())).collect(),
            Regex::Full(r) => r.find_iter(s).map(|m| (m.start(), m.end())).collect(),
        }
    }

    /// Successive matches with every group's span.
    pub fn captures_iter(&self, s: &str) -> Vec<Groups> {
        match self {
            Regex::Lite(r) => r
                .captures_iter(s)
                .map(|c| c.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect())
                .collect(),
            Regex::Full(r) => r
                .captures_iter(s)
                .map(|c| c.iter().map(|g| g.map(|m| (m.start(), m.end()))).collect())
                .collect(),
        }
    }

    /// The index of the group named `name`.
    pub fn group_index(&self, name: &str) -> Option<usize> {
        match self {
            Regex::Lite(r) => r.capture_names().position(|n| n == Some(name)),
            Regex::Full(r) => r.capture_names().position(|n| n == Some(name)),
        }
    }

    /// The translated pattern.
    pub fn as_str(&self) -> &str {
        match self {
            Regex::Lite(r) => r.as_str(),
            Regex::Full(r) => r.as_str(),
        }
    }
}

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
    let r = compile_uncached(pattern, true);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= 512 {
            c.clear();
        }
        c.insert(pattern.to_string(), r.clone());
    });
    r
}

fn compile_uncached(pattern: &str, allow_lite: bool) -> Result<Regex, String> {
    let fail = |what: &str, arg: &str| format!("error parsing regexp: {what}: `{arg}`");
    if let Some(e) = repetition_error(pattern) {
        return Err(e);
    }
    let translated = translate(pattern)?;
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
    if allow_lite {
        if let Some(lite) = lite(&translated) {
            return Ok(Regex::Lite(lite));
        }
    }
    regex::RegexBuilder::new(&translated)
        .size_limit(1 << 24)
        .build()
        .map(Regex::Full)
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => "expression too large".to_string(),
            _ => fail("invalid syntax", pattern),
        })
}

/// The `regex-lite` form of a translated pattern, when it means the same there: not for
/// case-insensitive patterns (Go folds Unicode case, `regex-lite` only ASCII) and not for what
/// `regex-lite` rejects (Unicode classes, sizes): those compile on `regex`.
fn lite(translated: &str) -> Option<regex_lite::Regex> {
    let case_folding = translated.match_indices("(?").any(|(i, _)| {
        translated[i + 2..]
            .chars()
            .take_while(|&c| c != ')' && c != ':')
            .any(|c| c == 'i')
    });
    if case_folding {
        return None;
    }
    // `regex-lite`'s word boundaries are ASCII already, as Go's are.
    let p = translated
        .replace(r"(?-u:\b)", r"\b")
        .replace(r"(?-u:\B)", r"\B");
    regex_lite::RegexBuilder::new(&p)
        .size_limit(1 << 24)
        .build()
        .ok()
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
            // `\x{...}`, `\p{...}`: the braces are not a repeat count.
            let braced =
                matches!(b.get(i + 1), Some(b'x' | b'p' | b'P')) && b.get(i + 2) == Some(&b'{');
            i += 2;
            if braced {
                i = p[i..].find('}').map_or(b.len(), |e| i + e + 1);
            }
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

/// Rewrites a Go pattern into the crate's syntax: Go's ASCII-only Perl classes and word
/// boundaries, Go's escapes (octal, `\Q..\E`, punctuation), Unicode classes with Go's names, and
/// bracket classes parsed by Go's rules (see [`parse_class`]). Errors are Go's messages.
fn translate(p: &str) -> Result<String, String> {
    let mut out = String::with_capacity(p.len() + 8);
    let mut i = 0;
    while let Some(c) = p[i..].chars().next() {
        let rest = &p[i..];
        match c {
            '\\' => {
                let Some(n) = rest[1..].chars().next() else {
                    return Err(go_err("trailing backslash at end of expression", ""));
                };
                let fixed: Option<&str> = match n {
                    'd' => Some("[0-9]"),
                    'D' => Some("[^0-9]"),
                    'w' => Some("[0-9A-Za-z_]"),
                    'W' => Some("[^0-9A-Za-z_]"),
                    's' => Some(r"[\t\n\f\r ]"),
                    'S' => Some(r"[^\t\n\f\r ]"),
                    'b' => Some(r"(?-u:\b)"),
                    'B' => Some(r"(?-u:\B)"),
                    'A' => Some(r"\A"),
                    'z' => Some(r"\z"),
                    _ => None,
                };
                if let Some(f) = fixed {
                    out.push_str(f);
                    i += 2;
                } else if n == 'Q' {
                    // `\Q...\E` quotes everything up to `\E` (or the end).
                    let body = &rest[2..];
                    let (lit, used) = match body.find(r"\E") {
                        Some(e) => (&body[..e], e + 2),
                        None => (body, body.len()),
                    };
                    for ch in lit.chars() {
                        push_lit(&mut out, ch);
                    }
                    i += 2 + used;
                } else if n == 'p' || n == 'P' {
                    let (tr, used) = unicode_class(rest)?;
                    out.push_str(&tr);
                    i += used;
                } else if n == 'C' {
                    return Err(go_err("invalid escape sequence", r"\C"));
                } else {
                    let (ch, used) = parse_escape(rest)?;
                    push_lit(&mut out, ch);
                    i += used;
                }
            }
            '[' => {
                let (tr, used) = parse_class(rest)?;
                out.push_str(&tr);
                i += used;
            }
            '{' => {
                // Go reads `{` as a repetition only in the forms `{n}`, `{n,}`, `{n,m}`;
                // otherwise it is a literal (the crate would reject it).
                let body_end = rest.find('}');
                let valid = body_end.is_some_and(|e| {
                    let body = &rest[1..e];
                    let (a, b) = body.split_once(',').unwrap_or((body, "0"));
                    !a.is_empty()
                        && a.bytes().all(|x| x.is_ascii_digit())
                        && b.bytes().all(|x| x.is_ascii_digit())
                });
                match (valid, body_end) {
                    (true, Some(e)) => {
                        out.push_str(&rest[..=e]);
                        i += e + 1;
                    }
                    _ => {
                        out.push_str(r"\{");
                        i += 1;
                    }
                }
            }
            '}' => {
                out.push_str(r"\}");
                i += 1;
            }
            _ => {
                out.push(c);
                i += c.len_utf8();
            }
        }
    }
    Ok(out)
}

fn go_err(what: &str, arg: &str) -> String {
    format!("error parsing regexp: {what}: `{arg}`")
}

/// A literal character in the crate's syntax, escaped unless alphanumeric.
fn push_lit(out: &mut String, c: char) {
    if c.is_ascii_alphanumeric() || (!c.is_ascii() && !c.is_whitespace()) {
        out.push(c);
    } else {
        out.push_str(&format!(r"\x{{{:X}}}", c as u32));
    }
}

/// Go's escape of one character (`s` starts with `\`): ASCII punctuation stands for itself,
/// `\a \f \t \n \r \v`, octal `\0`, `\012`, `\12` (a lone `\1`-`\7` is an error: no
/// backreferences), `\x41`, `\x{263a}`. Returns the character and the bytes used.
fn parse_escape(s: &str) -> Result<(char, usize), String> {
    let t = &s[1..];
    let Some(c) = t.chars().next() else {
        return Err(go_err("trailing backslash at end of expression", ""));
    };
    let bad = |used: usize| Err(go_err("invalid escape sequence", &s[..used.min(s.len())]));
    let odigit = |b: Option<&u8>| b.is_some_and(|b| (b'0'..=b'7').contains(b));
    let tb = t.as_bytes();
    match c {
        '1'..='7' if !odigit(tb.get(1)) => bad(2),
        '0'..='7' => {
            let mut r = u32::from(tb[0] - b'0');
            let mut used = 1;
            while used < 3 && odigit(tb.get(used)) {
                r = r * 8 + u32::from(tb[used] - b'0');
                used += 1;
            }
            char::from_u32(r).map_or_else(|| bad(1 + used), |ch| Ok((ch, 1 + used)))
        }
        'x' => {
            let hexv = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
            if tb.get(1) == Some(&b'{') {
                let mut r: u32 = 0;
                let mut k = 2;
                loop {
                    match tb.get(k) {
                        None => return bad(1 + k),
                        Some(b'}') if k > 2 => break,
                        b => match hexv(b) {
                            Some(v) => {
                                r = r * 16 + v;
                                k += 1;
                                if r > 0x10FFFF {
                                    return bad(1 + k);
                                }
                            }
                            None => return bad(1 + k + usize::from(b.is_some())),
                        },
                    }
                }
                char::from_u32(r).map_or_else(|| bad(2 + k), |ch| Ok((ch, 2 + k)))
            } else {
                match (hexv(tb.get(1)), hexv(tb.get(2))) {
                    (Some(x), Some(y)) => {
                        char::from_u32(x * 16 + y).map_or_else(|| bad(4), |ch| Ok((ch, 4)))
                    }
                    _ => bad(4.min(1 + tb.len())),
                }
            }
        }
        'a' => Ok(('\x07', 2)),
        'f' => Ok(('\x0c', 2)),
        'n' => Ok(('\n', 2)),
        'r' => Ok(('\r', 2)),
        't' => Ok(('\t', 2)),
        'v' => Ok(('\x0b', 2)),
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => Ok((c, 2)),
        c => bad(1 + c.len_utf8()),
    }
}

/// Go's `\pL`, `\p{Name}`, `\P{Name}`, `\p{^Name}` (`s` starts with `\p` or `\P`). Go 1.25
/// matches names loosely (case, spaces, `_`, `-` ignored) against general categories and their
/// long aliases, `Any`, `ASCII`, `Assigned`, and script names (the Script property, not
/// Script_Extensions); anything else (binary properties, `sc=`) is an error.
fn unicode_class(s: &str) -> Result<(String, usize), String> {
    let mut neg = s.as_bytes().get(1) == Some(&b'P');
    let t = &s[2..];
    let (seq_len, name) = match t.chars().next() {
        Some('{') => match t.find('}') {
            Some(e) => (2 + e + 1, &t[1..e]),
            None => return Err(go_err("invalid character class range", s)),
        },
        Some(c) => (2 + c.len_utf8(), &t[..c.len_utf8()]),
        None => (2, ""),
    };
    let seq = &s[..seq_len];
    let name = match name.strip_prefix('^') {
        Some(n) => {
            neg = !neg;
            n
        }
        None => name,
    };
    let norm: String = name
        .chars()
        .filter(|c| !matches!(c, ' ' | '_' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    const GENERAL: &[&str] = &[
        "any",
        "ascii",
        "assigned",
        "c",
        "cc",
        "cf",
        "cn",
        "co",
        "cs",
        "l",
        "lc",
        "ll",
        "lm",
        "lo",
        "lt",
        "lu",
        "m",
        "mc",
        "me",
        "mn",
        "n",
        "nd",
        "nl",
        "no",
        "p",
        "pc",
        "pd",
        "pe",
        "pf",
        "pi",
        "po",
        "ps",
        "s",
        "sc",
        "sk",
        "sm",
        "so",
        "z",
        "zl",
        "zp",
        "zs",
        "casedletter",
        "closepunctuation",
        "combiningmark",
        "connectorpunctuation",
        "control",
        "currencysymbol",
        "dashpunctuation",
        "decimalnumber",
        "enclosingmark",
        "finalpunctuation",
        "format",
        "initialpunctuation",
        "letter",
        "letternumber",
        "lineseparator",
        "lowercaseletter",
        "mark",
        "mathsymbol",
        "modifierletter",
        "modifiersymbol",
        "nonspacingmark",
        "number",
        "openpunctuation",
        "other",
        "otherletter",
        "othernumber",
        "otherpunctuation",
        "othersymbol",
        "paragraphseparator",
        "privateuse",
        "punctuation",
        "separator",
        "spaceseparator",
        "spacingmark",
        "surrogate",
        "symbol",
        "titlecaseletter",
        "unassigned",
        "uppercaseletter",
        "cntrl",
        "digit",
        "punct",
    ];
    let p = if neg { 'P' } else { 'p' };
    let tr = if norm.is_empty() || !norm.chars().all(|c| c.is_ascii_alphanumeric()) {
        None
    } else if GENERAL.contains(&norm.as_str()) {
        // `sc` alone is the Currency_Symbol category, not a script query.
        Some(if norm == "sc" {
            format!(r"\{p}{{gc=Sc}}")
        } else {
            format!(r"\{p}{{{norm}}}")
        })
    } else {
        let q = format!(r"\{p}{{sc={norm}}}");
        regex_syntax::ast::parse::Parser::new()
            .parse(&q)
            .ok()
            .and_then(|ast| {
                regex_syntax::hir::translate::Translator::new()
                    .translate(&q, &ast)
                    .ok()
            })
            .map(|_| q)
    };
    tr.map(|t| (t, seq_len))
        .ok_or_else(|| go_err("invalid character class range", seq))
}

/// Go's Perl class escapes inside brackets, as crate class items.
fn perl_class_item(s: &str) -> Option<&'static str> {
    Some(match s.get(..2)? {
        r"\d" => "0-9",
        r"\D" => "[^0-9]",
        r"\w" => "0-9A-Za-z_",
        r"\W" => "[^0-9A-Za-z_]",
        r"\s" => r"\t\n\f\r ",
        r"\S" => r"[^\t\n\f\r ]",
        _ => return None,
    })
}

/// A bracket class by Go's (Perl-flag) rules, `s` starting at `[`: `]` first is a literal, `-`
/// is a literal wherever it cannot form a range (first, last, after a class escape like `\w` or
/// `[:alpha:]`, after a range), a nested `[` is a literal unless it opens `[:name:]`; every
/// literal is escaped for the crate, which gives `[`, `&&`, `--`, `~~` other meanings.
fn parse_class(s: &str) -> Result<(String, usize), String> {
    const POSIX: &[&str] = &[
        "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
        "space", "upper", "word", "xdigit",
    ];
    let mut t = &s[1..];
    let mut out = String::from("[");
    if let Some(r) = t.strip_prefix('^') {
        out.push('^');
        t = r;
    }
    let mut first = true;
    let missing = || go_err("missing closing ]", s);
    loop {
        if t.starts_with(']') && !first {
            break;
        }
        first = false;
        if t.len() > 2 && t.starts_with("[:") {
            if let Some(e) = t[2..].find(":]") {
                let full = &t[..e + 4];
                let name = &t[2..e + 2];
                if !POSIX.contains(&name.strip_prefix('^').unwrap_or(name)) {
                    return Err(go_err("invalid character class range", full));
                }
                out.push_str(full);
                t = &t[e + 4..];
                continue;
            }
        }
        if t.starts_with(r"\p") || t.starts_with(r"\P") {
            let (tr, used) = unicode_class(t)?;
            out.push_str(&tr);
            t = &t[used..];
            continue;
        }
        if let Some(item) = perl_class_item(t) {
            out.push_str(item);
            t = &t[2..];
            continue;
        }
        let class_char = |t: &str| -> Result<(char, usize), String> {
            match t.chars().next() {
                None => Err(missing()),
                Some('\\') => parse_escape(t),
                Some(c) => Ok((c, c.len_utf8())),
            }
        };
        let rng = t;
        let (lo, used) = class_char(t)?;
        t = &t[used..];
        let mut hi = lo;
        if t.len() >= 2 && t.starts_with('-') && !t[1..].starts_with(']') {
            let (h, used) = class_char(&t[1..])?;
            t = &t[1 + used..];
            if h < lo {
                return Err(go_err(
                    "invalid character class range",
                    &rng[..rng.len() - t.len()],
                ));
            }
            hi = h;
        }
        push_lit(&mut out, lo);
        if hi != lo {
            out.push('-');
            push_lit(&mut out, hi);
        }
    }
    out.push(']');
    Ok((out, s.len() - t.len() + 1))
}

/// Go's `Regexp.Expand` for a replacement template: `$name`, `${name}`, `$$`; a name is the
/// longest run of letters, digits and `_`; all-digit names are group numbers; unknown groups
/// expand to nothing; a malformed `$` is kept.
pub fn expand(re: &Regex, s: &str, caps: &Groups, template: &str, out: &mut String) {
    let text = |g: Option<&Option<(usize, usize)>>| g.copied().flatten().map(|(a, b)| &s[a..b]);
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
            name.parse::<usize>().ok().and_then(|n| text(caps.get(n)))
        } else {
            re.group_index(name).and_then(|i| text(caps.get(i)))
        };
        if let Some(m) = group {
            out.push_str(m);
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
    for (start, end) in re.find_iter(s) {
        if start == end && prev_end == Some(start) {
            continue;
        }
        prev_end = Some(end);
        out.push(&s[start..end]);
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
    for (m_start, m_end) in re.find_iter(s) {
        if m_start == m_end && prev_end == Some(m_start) {
            continue;
        }
        prev_end = Some(m_end);
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = m_start;
        if m_end != 0 {
            out.push(s[beg..end].to_string());
        }
        beg = m_end;
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
        let Some(Some((start, end))) = caps.first().copied() else {
            continue;
        };
        if start == end && prev_end == Some(start) {
            continue;
        }
        prev_end = Some(end);
        out.push_str(&s[last..start]);
        if literal {
            out.push_str(repl);
        } else {
            expand(re, s, &caps, repl, &mut out);
        }
        last = end;
    }
    out.push_str(&s[last..]);
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
    // Go's FindAllString returns nil when nothing matches.
    let found = find_all(&re, s(&a[1]), int(&a[2]));
    Value::appended_list(ElemType::Str, found.into_iter().map(Value::str).collect())
}

fn regex_find_all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(find_all_with(compile_panicking(s(&a[0]))?, a))
}

fn must_regex_find_all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(find_all_with(compile(s(&a[0]))?, a))
}

fn found<'a>(re: &Regex, s: &'a str) -> &'a str {
    re.find(s).map_or("", |(a, b)| &s[a..b])
}

fn regex_find(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile_panicking(s(&a[0]))?;
    Ok(Value::str(found(&re, s(&a[1]))))
}

fn must_regex_find(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let re = compile(s(&a[0]))?;
    Ok(Value::str(found(&re, s(&a[1]))))
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
        let mut lite_used = 0;
        let engines = [true, false];
        for (&(p, input, fa, sp, rep), allow_lite) in cases
            .iter()
            .flat_map(|c| engines.iter().map(move |&e| (c, e)))
        {
            let Ok(re) = compile_uncached(p, allow_lite) else {
                bad.push(format!("{p:?}: does not compile"));
                continue;
            };
            lite_used += usize::from(matches!(re, Regex::Lite(_)));
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
                bad.push(format!(
                    "{p:?} replace {input:?} (lite allowed: {allow_lite})"
                ));
            }
        }
        assert!(
            bad.is_empty(),
            "{} mismatches:\n{}",
            bad.len(),
            bad.join("\n")
        );
        // Both engines were exercised: most patterns run on regex-lite.
        assert!(
            lite_used * 3 > cases.len(),
            "{lite_used} of {}",
            cases.len()
        );
    }

    /// Classes, escapes and Unicode names, each checked with helm v4.1.4 (Go 1.25).
    #[test]
    fn go_class_and_escape_rules() {
        let fa = |p: &str, s: &str| -> Vec<String> {
            let re = compile(p).unwrap_or_else(|e| panic!("{p}: {e}"));
            find_all(&re, s, -1).into_iter().map(String::from).collect()
        };
        assert!(compile(r"^[\w-\.]+$").unwrap().is_match("my-mas.ter"));
        assert!(compile(r"^[\w-\.]+$").unwrap().is_match("mymaster"));
        assert_eq!(fa(r"[\w-a]", "x-a.b"), ["x", "-", "a", "b"]);
        assert_eq!(fa("[a-b-c]", "abc-d"), ["a", "b", "c", "-"]);
        assert_eq!(fa(r"[\d-\s]", "1- x"), ["1", "-", " "]);
        assert_eq!(fa(r"\p{L}+", "héllo wörld 12"), ["héllo", "wörld"]);
        assert_eq!(
            fa(r"[\p{L}\d]+", "héllo wörld 12"),
            ["héllo", "wörld", "12"]
        );
        assert_eq!(fa(r"\pL+", "héllo"), ["héllo"]);
        assert_eq!(fa(r"\PL+", "héllo 12"), [" 12"]);
        assert_eq!(fa(r"\p{^L}+", "héllo 12"), [" 12"]);
        assert_eq!(fa(r"\p{Greek}+", "abc αβγ"), ["αβγ"]);
        assert_eq!(fa(r"\p{letter}+", "abc αβγ"), ["abc", "αβγ"]);
        assert_eq!(fa(r"\p{Uppercase Letter}", "aAβ"), ["A"]);
        assert_eq!(fa(r"\p{greek}", "aAβ"), ["β"]);
        assert_eq!(fa(r"\p{^ascii}+", "aβ漢"), ["β漢"]);
        assert_eq!(fa("[[:alpha:]-]+", "ab-c 1"), ["ab-c"]);
        assert_eq!(fa("[]a]+", "]a]b"), ["]a]"]);
        assert_eq!(fa("[^]a]+", "]a]b"), ["b"]);
        assert_eq!(fa("[a-]+", "a-b"), ["a-"]);
        assert_eq!(fa("[-a]+", "a-b"), ["a-"]);
        assert_eq!(fa(r"\x41\x{42}", "AB"), ["AB"]);
        assert_eq!(fa(r"[\x41-\x{43}]+", "ABCD"), ["ABC"]);
        assert_eq!(fa(r"\101", "A"), ["A"]);
        assert_eq!(fa(r"[\101]", "A"), ["A"]);
        assert_eq!(fa(r"[\w--]+", "a--b"), ["a--b"]);
        assert_eq!(fa("[a&&b~~]+", "a&b~"), ["a&b~"]);
        assert_eq!(fa(r"(?i)[\w-]+", "AB-c"), ["AB-c"]);
        assert_eq!(fa(r"[\D]+", "ab1"), ["ab"]);
        assert_eq!(fa(r"[^\D]+", "ab1"), ["1"]);
        assert_eq!(fa("[[:^alpha:][:digit:]]+", "ab1-"), ["1-"]);
        assert_eq!(fa("[[a]+", "[a"), ["[a"]);
        assert_eq!(fa("[[:alpha]+", "[:a"), ["[:a"]);
        for (p, e) in [
            (r"[a-\w]", r"invalid escape sequence: `\w`"),
            (r"\p{Foo}", r"invalid character class range: `\p{Foo}`"),
            (r"\p{L", r"invalid character class range: `\p{L`"),
            ("[[:foo:]]", "invalid character class range: `[:foo:]`"),
            (r"\pX", r"invalid character class range: `\pX`"),
            (r"[\p{Foo}]", r"invalid character class range: `\p{Foo}`"),
            (r"\8", r"invalid escape sequence: `\8`"),
            (r"[\Q]", r"invalid escape sequence: `\Q`"),
            (r"\x{110000}", r"invalid escape sequence: `\x{110000`"),
            (
                r"\p{Alphabetic}",
                r"invalid character class range: `\p{Alphabetic}`",
            ),
            (
                r"\p{sc=Greek}",
                r"invalid character class range: `\p{sc=Greek}`",
            ),
            (r"\p{L&}", r"invalid character class range: `\p{L&}`"),
            (r"[z-\d]", r"invalid escape sequence: `\d`"),
            (r"[a-\]]+", r"invalid character class range: `a-\]`"),
        ] {
            assert_eq!(
                compile(p).unwrap_err(),
                format!("error parsing regexp: {e}")
            );
        }
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
        let find = |p: &str, s: &str| {
            compile(p)
                .unwrap()
                .find(s)
                .map(|(a, b)| s[a..b].to_string())
        };
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
