//! go-yaml v2's implicit typing of plain scalars (YAML 1.1 flavoured) and its natural key order.

/// What a plain scalar resolves to under go-yaml v2.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// `<<`
    Merge,
    /// Looks like a timestamp: go-yaml v2 still hands it to `interface{}` as the string.
    Timestamp,
    Str,
}

/// Resolves a plain (unquoted, untagged) scalar.
pub(crate) fn resolve_plain(s: &str) -> Resolved {
    match s {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => return Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => return Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Resolved::Float(f64::INFINITY)
        }
        "-.inf" | "-.Inf" | "-.INF" => return Resolved::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = s.as_bytes()[0];
    match first {
        b'.' => {
            if let Some(f) = parse_decimal_float(s) {
                return Resolved::Float(f);
            }
        }
        b'+' | b'-' | b'0'..=b'9' => {
            if parse_timestamp(s) {
                return Resolved::Timestamp;
            }
            let plain: std::borrow::Cow<str> = if s.contains('_') {
                s.replace('_', "").into()
            } else {
                s.into()
            };
            if let Some(i) = go_parse_int(&plain) {
                return Resolved::Int(i);
            }
            if let Some(u) = go_parse_uint(&plain) {
                return Resolved::Uint(u);
            }
            if is_yaml_style_float(&plain) {
                if let Some(f) = parse_decimal_float(&plain) {
                    return Resolved::Float(f);
                }
            }
        }
        _ => {}
    }
    Resolved::Str
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let st = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - st
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseFloat` restricted to the decimal forms YAML can reach here; out-of-range
/// values are errors in Go (and so stay strings), underflow gives 0.
fn parse_decimal_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let ok = b
        .iter()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'));
    if !ok || !is_yaml_style_float(s) {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    f.is_finite().then_some(f)
}

/// Splits an optional sign and Go's base prefix (`0x`, `0o`, `0b`, legacy `0` octal).
fn split_base(s: &str) -> (u32, &str) {
    let b = s.as_bytes();
    if b.len() >= 2 && b[0] == b'0' {
        match b[1] {
            b'x' | b'X' => return (16, &s[2..]),
            b'o' | b'O' => return (8, &s[2..]),
            b'b' | b'B' => return (2, &s[2..]),
            _ => return (8, &s[1..]),
        }
    }
    (10, s)
}

fn parse_digits(s: &str, base: u32) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    let mut v: u64 = 0;
    for c in s.chars() {
        let d = c.to_digit(base)?;
        v = v.checked_mul(base as u64)?.checked_add(d as u64)?;
    }
    Some(v)
}

/// Go's `strconv.ParseInt(s, 0, 64)` (underscores already removed).
pub(crate) fn go_parse_int(s: &str) -> Option<i64> {
    let (neg, rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (base, digits) = split_base(rest);
    let u = parse_digits(digits, base)?;
    if neg {
        if u <= i64::MAX as u64 + 1 {
            Some((u as i128).wrapping_neg() as i64)
        } else {
            None
        }
    } else if u <= i64::MAX as u64 {
        Some(u as i64)
    } else {
        None
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)`: no sign allowed.
fn go_parse_uint(s: &str) -> Option<u64> {
    if s.starts_with(['+', '-']) {
        return None;
    }
    let (base, digits) = split_base(s);
    parse_digits(digits, base)
}

/// go-yaml v2's timestamp check: `YYYY-M-D`, optionally followed by a time
/// (`T`/`t` + zone, or a space and no zone), as its four accepted layouts.
pub(crate) fn parse_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    if i != 4 || i == b.len() || b[i] != b'-' {
        return false;
    }
    let year: i32 = s[..4].parse().unwrap_or(0);
    let mut p = 5;
    let num = |p: &mut usize, max_digits: usize| -> Option<u32> {
        let st = *p;
        while *p < b.len() && b[*p].is_ascii_digit() && *p - st < max_digits {
            *p += 1;
        }
        if *p == st {
            return None;
        }
        s[st..*p].parse().ok()
    };
    let Some(month) = num(&mut p, 2) else {
        return false;
    };
    if b.get(p) != Some(&b'-') {
        return false;
    }
    p += 1;
    let Some(day) = num(&mut p, 2) else {
        return false;
    };
    if !(1..=12).contains(&month) || day < 1 || day > days_in(month, year) {
        return false;
    }
    if p == b.len() {
        return true;
    }
    let zoned = match b[p] {
        b'T' | b't' => true,
        b' ' => false,
        _ => return false,
    };
    p += 1;
    let (Some(h), true) = (num(&mut p, 2), b.get(p) == Some(&b':')) else {
        return false;
    };
    p += 1;
    let (Some(m), true) = (num(&mut p, 2), b.get(p) == Some(&b':')) else {
        return false;
    };
    p += 1;
    let Some(sec) = num(&mut p, 2) else {
        return false;
    };
    if h > 23 || m > 59 || sec > 59 {
        return false;
    }
    if b.get(p) == Some(&b'.') {
        let st = p + 1;
        p += 1;
        while p < b.len() && b[p].is_ascii_digit() {
            p += 1;
        }
        if p == st {
            return false;
        }
    }
    if !zoned {
        return p == b.len();
    }
    match b.get(p) {
        Some(b'Z') => p + 1 == b.len(),
        Some(b'+' | b'-') => {
            let z = &b[p + 1..];
            z.len() == 5
                && z[0].is_ascii_digit()
                && z[1].is_ascii_digit()
                && z[2] == b':'
                && z[3].is_ascii_digit()
                && z[4].is_ascii_digit()
        }
        _ => false,
    }
}

fn days_in(month: u32, year: i32) -> u32 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// go-yaml's `isBase60Float`: `190:20:30` style numbers (quoted on output for old parsers).
pub(crate) fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let Some(&c) = b.first() else {
        return false;
    };
    if !(c == b'+' || c == b'-' || c.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let mut i = 0;
    if matches!(b[0], b'+' | b'-') {
        i += 1;
    }
    if !b.get(i).is_some_and(|c| c.is_ascii_digit()) {
        return false;
    }
    i += 1;
    while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let st = i;
        while i < b.len() && b[i].is_ascii_digit() && i - st < 2 {
            i += 1;
        }
        let g = &b[st..i];
        let valid = match g.len() {
            1 => true,
            2 => g[0] <= b'5',
            _ => false,
        };
        if !valid {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Would go-yaml v2 emit this string plain, or must it be quoted because it would read back
/// as something else?
pub(crate) fn needs_type_quotes(s: &str) -> bool {
    !matches!(resolve_plain(s), Resolved::Str) || is_base60_float(s)
}

/// go-yaml v2's `keyList.Less` for string keys: letters after non-letters, digit runs compared
/// by value.
pub(crate) fn natural_less(a: &str, b: &str) -> bool {
    natural_less_impl(a, b, false)
}

/// go-yaml v3's variant: right after a digit, a letter sorts before a non-letter (`a1e6` < `a12`).
pub(crate) fn natural_less_v3(a: &str, b: &str) -> bool {
    natural_less_impl(a, b, true)
}

fn natural_less_impl(a: &str, b: &str, v3: bool) -> bool {
    if a.is_ascii() && b.is_ascii() {
        // Byte-wise is char-wise for ASCII: no allocation on the common path.
        return natural_less_chars(a.as_bytes(), b.as_bytes(), v3, |b| b as char);
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    natural_less_chars(&ar, &br, v3, |c| c)
}

fn natural_less_chars<C: Copy + PartialEq>(
    ar: &[C],
    br: &[C],
    v3: bool,
    ch: fn(C) -> char,
) -> bool {
    let n = ar.len().min(br.len());
    let mut digits = false;
    for i in 0..n {
        if ar[i] == br[i] {
            digits = is_go_digit(ch(ar[i]));
            continue;
        }
        let al = ch(ar[i]).is_alphabetic();
        let bl = ch(br[i]).is_alphabetic();
        if al && bl {
            return ch(ar[i]) < ch(br[i]);
        }
        if al || bl {
            return if v3 && digits { al } else { bl };
        }
        let (mut an, mut bn): (i64, i64) = (0, 0);
        if ch(ar[i]) == '0' || ch(br[i]) == '0' {
            let mut j = i;
            while j > 0 && is_go_digit(ch(ar[j - 1])) {
                j -= 1;
                if ch(ar[j]) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_go_digit(ch(ar[ai])) {
            an = an
                .wrapping_mul(10)
                .wrapping_add(ch(ar[ai]) as i64 - '0' as i64);
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_go_digit(ch(br[bi])) {
            bn = bn
                .wrapping_mul(10)
                .wrapping_add(ch(br[bi]) as i64 - '0' as i64);
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ch(ar[i]) < ch(br[i]);
    }
    ar.len() < br.len()
}

fn is_go_digit(c: char) -> bool {
    // unicode.IsDigit: decimal digits (Nd). `is_numeric` is wider (No/Nl), so approximate with
    // ASCII digits plus other Nd-looking characters that `to_digit` rejects but are numeric.
    c.is_ascii_digit() || (!c.is_ascii() && c.is_numeric() && c.to_digit(10).is_none() && is_nd(c))
}

/// A rough Unicode Nd test for non-ASCII characters: Nd blocks are runs of ten starting at a
/// code point ending in 0 (hex); good enough for key ordering.
fn is_nd(c: char) -> bool {
    const ZEROS: &[u32] = &[
        0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6,
        0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0xFF10,
    ];
    let u = c as u32;
    ZEROS.iter().any(|&z| (z..z + 10).contains(&u))
}

/// Sorts keys in go-yaml v2's order. A merge sort on `natural_less` only: never panics even if
/// the order were inconsistent.
pub(crate) fn sort_keys<T>(items: &mut Vec<(String, T)>) {
    merge_sort(items, natural_less)
}

/// Sorts keys in go-yaml v3's order.
pub(crate) fn sort_keys_v3<T>(items: &mut Vec<(String, T)>) {
    merge_sort(items, natural_less_v3)
}

fn merge_sort<T>(items: &mut Vec<(String, T)>, less: fn(&str, &str) -> bool) {
    if items.len() < 2 {
        return;
    }
    if items.len() <= 12 {
        // Go's sort.Sort uses insertion sort up to 12 elements: same result even when the
        // natural order isn't transitive (it can cycle on keys like `s_08`, `s_0b1`, `s_1e3`).
        for i in 1..items.len() {
            let mut j = i;
            while j > 0 && less(&items[j].0, &items[j - 1].0) {
                items.swap(j, j - 1);
                j -= 1;
            }
        }
        return;
    }
    let mut v: Vec<(String, T)> = std::mem::take(items);
    let right = v.split_off(v.len() / 2);
    let mut left = v;
    let mut right = right;
    merge_sort(&mut left, less);
    merge_sort(&mut right, less);
    let mut out = Vec::with_capacity(left.len() + right.len());
    let mut li = left.into_iter().peekable();
    let mut ri = right.into_iter().peekable();
    loop {
        match (li.peek(), ri.peek()) {
            (Some(l), Some(r)) => {
                if less(&r.0, &l.0) {
                    out.extend(ri.next());
                } else {
                    out.extend(li.next());
                }
            }
            (Some(_), None) => out.extend(li.next()),
            (None, Some(_)) => out.extend(ri.next()),
            (None, None) => break,
        }
    }
    *items = out;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_yaml11_scalars() {
        assert_eq!(resolve_plain("yes"), Resolved::Bool(true));
        assert_eq!(resolve_plain("n"), Resolved::Bool(false));
        assert_eq!(resolve_plain("0777"), Resolved::Int(511));
        assert_eq!(resolve_plain("0o17"), Resolved::Int(15));
        assert_eq!(resolve_plain("0x1F"), Resolved::Int(31));
        assert_eq!(resolve_plain("1_000"), Resolved::Int(1000));
        assert_eq!(resolve_plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(resolve_plain("08"), Resolved::Float(8.0));
        assert_eq!(resolve_plain(".5"), Resolved::Float(0.5));
        assert_eq!(resolve_plain("1e400"), Resolved::Str);
        assert_eq!(
            resolve_plain("18446744073709551615"),
            Resolved::Uint(u64::MAX)
        );
        assert_eq!(resolve_plain("2024-01-01"), Resolved::Timestamp);
        assert_eq!(resolve_plain("12:30:45"), Resolved::Str);
        assert!(is_base60_float("190:20:30"));
        assert!(!is_base60_float("1:2:3:a"));
        assert_eq!(resolve_plain("1.2.3"), Resolved::Str);
        assert_eq!(resolve_plain("-"), Resolved::Str);
    }

    #[test]
    fn natural_order() {
        let mut v: Vec<(String, ())> = [
            "s_1e3", "s_1_0", "s_0x1f", "aa_lower", "a.b/c", "a10", "a9", "b0", "b00", "_x", "A",
            "1", "10", "2", "z",
        ]
        .iter()
        .map(|s| (s.to_string(), ()))
        .collect();
        sort_keys(&mut v);
        let got: Vec<&str> = v.iter().map(|x| x.0.as_str()).collect();
        // Verified with helm's toYaml.
        assert_eq!(
            got,
            [
                "_x", "1", "2", "10", "A", "a.b/c", "a9", "a10", "aa_lower", "b0", "b00", "s_0x1f",
                "s_1_0", "s_1e3", "z"
            ]
        );
        // With a cycle (`s_0777` < `s_0o17` < `s_0x1f` < `s_1e3` < `s_0777`) helm's own output
        // depends on Go's random map order; small maps get the most frequent one.
        let mut v: Vec<(String, ())> = ["s_0777", "s_0o17", "s_0x1f", "s_1_0", "s_1e3"]
            .iter()
            .map(|s| (s.to_string(), ()))
            .collect();
        sort_keys(&mut v);
        let got: Vec<&str> = v.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(got, ["s_0777", "s_0o17", "s_0x1f", "s_1_0", "s_1e3"]);
    }
}
