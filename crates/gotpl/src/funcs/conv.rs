//! Sprig's conversions (`atoi`, `int`, `int64`, `float64`, `toDecimal`, `toString`,
//! `toStrings`) and the spf13/cast rules every sprig number function uses.
//!
//! The helpers here (`to_int64`, `to_float64`, `strval`, `strslice`) are shared by the other
//! sprig modules.

use crate::fmt::format_value;
use crate::func::{FuncDef, Host};
use crate::value::{ElemType, Value};

pub const FUNCS: &[FuncDef] = crate::funcs![
    "atoi"(Str) => atoi,
    "int"(Any) => int,
    "int64"(Any) => int64,
    "float64"(Any) => float64,
    "toDecimal"(Any) => to_decimal,
    "toString"(Any) => to_string,
    "toStrings"(Any) => to_strings,
];

/// Go's `int64(f)` on amd64: truncation, and 0x8000000000000000 for NaN and out-of-range values.
pub fn float_to_i64(x: f64) -> i64 {
    // ±2^63: the first values outside int64.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if x.is_nan() || !(-LIMIT..LIMIT).contains(&x) {
        i64::MIN
    } else {
        x as i64
    }
}

/// Underscores are allowed only between digits (or after a base prefix), as Go's `underscoreOK`.
fn strip_underscores(s: &str, allow_prefix: bool) -> Option<String> {
    if !s.contains('_') {
        return Some(s.to_string());
    }
    let b = s.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'_' {
            let prev_ok = i > 0
                && (b[i - 1].is_ascii_hexdigit()
                    || (allow_prefix && b[i - 1].is_ascii_alphabetic()));
            let next_ok = i + 1 < b.len() && b[i + 1].is_ascii_hexdigit();
            if !prev_ok || !next_ok {
                return None;
            }
        }
    }
    Some(s.replace('_', ""))
}

/// `strconv.ParseInt(s, base, 64)`; base 0 detects `0x`, `0o`, `0b` and legacy octal `0`.
pub fn parse_int(s: &str, base: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let (radix, digits) = if base == 0 {
        let lower = body.to_ascii_lowercase();
        let (r, d) = if lower.starts_with("0x") {
            (16, &body[2..])
        } else if lower.starts_with("0o") {
            (8, &body[2..])
        } else if lower.starts_with("0b") {
            (2, &body[2..])
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..])
        } else {
            (10, body)
        };
        let prefixed = r != 10;
        let cleaned = if prefixed {
            // `0x_1F` is valid: an underscore may follow the prefix.
            strip_underscores(&format!("0{d}"), true).map(|x| x[1..].to_string())?
        } else {
            strip_underscores(d, false)?
        };
        (r, cleaned)
    } else {
        (base, body.to_string())
    };
    if digits.is_empty() || digits.starts_with('+') || digits.starts_with('-') {
        return None;
    }
    let mag = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if mag > (i64::MAX as u64) + 1 {
            None
        } else {
            Some((mag as i64).wrapping_neg())
        }
    } else {
        i64::try_from(mag).ok()
    }
}

/// cast's `trimZeroDecimal`: "10.00" → "10" so integral decimals convert.
fn trim_zero_decimal(s: &str) -> &str {
    let b = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=b.len()).rev() {
        match b[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `strconv.ParseFloat(s, 64)`: decimal and hex floats, inf/nan, underscores between digits.
pub fn parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let unsigned = lower.trim_start_matches(['+', '-']);
    if matches!(unsigned, "inf" | "infinity" | "nan") {
        return s.parse::<f64>().ok();
    }
    let neg = lower.starts_with('-');
    if let Some(hex) = unsigned.strip_prefix("0x") {
        let v = parse_hex_float(&strip_underscores(hex, true)?)?;
        return Some(if neg { -v } else { v });
    }
    let cleaned = strip_underscores(&lower, false)?;
    if cleaned.contains(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | '+' | '-'))) {
        return None;
    }
    let v: f64 = cleaned.parse().ok()?;
    if v.is_infinite() {
        return None; // out of range: Go returns an error
    }
    Some(v)
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.find('p') {
        Some(i) => (&s[..i], s[i + 1..].parse::<i32>().ok()?),
        None => return None, // Go requires the p exponent
    };
    let (int, frac) = mant.split_once('.').unwrap_or((mant, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int.chars() {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    let mut scale = 1.0 / 16.0;
    for c in frac.chars() {
        v += f64::from(c.to_digit(16)?) * scale;
        scale /= 16.0;
    }
    let r = v * 2f64.powi(exp);
    if r.is_infinite() {
        None
    } else {
        Some(r)
    }
}

/// spf13/cast `ToInt64`: numbers convert (floats truncate), strings parse (base prefixes,
/// "10.0"), bools are 0/1, anything else (nil included) is 0.
pub fn to_int64(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        Value::Uint(u) => *u as i64,
        Value::Float(f) => float_to_i64(*f),
        Value::Bool(b) => i64::from(*b),
        Value::Str(s) => parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
        _ => 0,
    }
}

/// spf13/cast `ToFloat64`.
pub fn to_float64(v: &Value) -> f64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i as f64,
        Value::Uint(u) => *u as f64,
        Value::Float(f) => *f,
        Value::Bool(b) => f64::from(u8::from(*b)),
        Value::Str(s) => parse_float(s).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// Sprig's `strval`: strings as-is, bytes as text, everything else as `%v`.
pub fn strval(v: &Value) -> String {
    match v {
        Value::Str(s) => s.to_string(),
        // Go's string([]byte): the bytes as they are.
        Value::Bytes(b) => crate::value::go_string(b).into_owned(),
        Value::Object(o) => o.print(),
        other => format_value(other),
    }
}

/// The elements of a Go slice value (lists and byte slices), or None for other kinds.
pub fn slice_items(v: &Value) -> Option<Vec<Value>> {
    match v {
        Value::List(l) => Some(l.items.as_ref().clone()),
        Value::Bytes(b) => Some(b.iter().map(|c| Value::Uint(u64::from(*c))).collect()),
        Value::Object(o) => o.slice_items(),
        _ => None,
    }
}

/// Sprig's `strslice`: a slice's non-nil elements as strings; nil → []; a scalar → [it].
pub fn strslice(v: &Value) -> Vec<String> {
    match v {
        Value::List(l) if l.elem == ElemType::Str => l.items.iter().map(strval).collect(),
        Value::Nil => Vec::new(),
        other => match slice_items(other) {
            Some(items) => items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
            None => vec![strval(other)],
        },
    }
}

fn atoi(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let s = a[0].as_str().unwrap_or("");
    // strconv.Atoi: decimal only, no underscores; errors become 0.
    let ok = !s.contains('_')
        && s.trim_start_matches(['+', '-'])
            .bytes()
            .all(|c| c.is_ascii_digit())
        && s.len() - usize::from(s.starts_with(['+', '-'])) > 0
        && s.matches(['+', '-']).count() <= 1;
    // Out of range: Atoi's error comes with the nearest int, which sprig keeps.
    let clamped = || {
        if s.starts_with('-') {
            i64::MIN
        } else {
            i64::MAX
        }
    };
    Ok(Value::Int(if ok {
        parse_int(s, 10).unwrap_or_else(clamped)
    } else {
        0
    }))
}

fn int(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int(to_int64(&a[0])))
}

fn int64(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Int64(to_int64(&a[0])))
}

fn float64(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Float(to_float64(&a[0])))
}

/// `toDecimal`: the `%v` text parsed as an octal number (0 on error).
fn to_decimal(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let s = format_value(&a[0]);
    Ok(Value::Int64(parse_int(&s, 8).unwrap_or(0)))
}

fn to_string(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(strval(&a[0])))
}

fn to_strings(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str_list(strslice(&a[0])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::call;

    fn s(x: &str) -> Value {
        Value::str(x)
    }
    fn show(v: Value) -> String {
        format!("{}:{}", v.type_name(), format_value(&v))
    }

    // Expectations printed by helm v4.1.4.
    #[test]
    fn ints() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("atoi", s("12"), "int:12"),
            ("atoi", s("x"), "int:0"),
            ("atoi", s(" 1"), "int:0"),
            ("atoi", s("+3"), "int:3"),
            ("atoi", s("1.0"), "int:0"),
            ("int", s("1.0"), "int:1"),
            ("int", s("1.5"), "int:0"),
            ("int", s("0x1F"), "int:31"),
            ("int", s("010"), "int:8"),
            ("int64", s("1_000"), "int64:1000"),
            ("int", Value::Float(3.9), "int:3"),
            ("int", Value::Float(-3.9), "int:-3"),
            ("int", Value::Bool(true), "int:1"),
            ("int", Value::Nil, "int:0"),
            ("int", s("1e3"), "int:0"),
            ("int", Value::Float(1e19), "int:-9223372036854775808"),
            ("int64", s("9223372036854775808"), "int64:0"),
            ("int64", s(" 5"), "int64:0"),
            ("int", s("1."), "int:0"),
            ("int", s("10.00"), "int:10"),
            ("toDecimal", s("0777"), "int64:511"),
            ("toDecimal", Value::Int(777), "int64:511"),
            ("toDecimal", s("8"), "int64:0"),
        ];
        for (f, arg, want) in cases {
            assert_eq!(
                show(call(FUNCS, f, std::slice::from_ref(&arg)).unwrap()),
                want,
                "{f} {arg:?}"
            );
        }
    }

    #[test]
    fn floats_and_strings() {
        let cases: Vec<(&str, Value, &str)> = vec![
            ("float64", s("1.5"), "float64:1.5"),
            ("float64", s("x"), "float64:0"),
            ("float64", Value::Int(3), "float64:3"),
            ("float64", Value::Bool(true), "float64:1"),
            ("float64", s("1e400"), "float64:0"),
            ("float64", s("inf"), "float64:+Inf"),
            ("float64", s("0x1p-2"), "float64:0.25"),
            ("float64", s("1_0"), "float64:10"),
            ("float64", s("  1"), "float64:0"),
            ("toString", Value::Int(1), "string:1"),
            ("toString", Value::Nil, "string:<nil>"),
            ("toString", Value::Float(1.5), "string:1.5"),
            (
                "toString",
                Value::Float(12345678901234567890.0),
                "string:1.2345678901234567e+19",
            ),
            (
                "toStrings",
                Value::list(vec![Value::Int(1), Value::Nil, s("a")]),
                "[]string:[1 a]",
            ),
            ("toStrings", s("a"), "[]string:[a]"),
            ("toStrings", Value::Nil, "[]string:[]"),
        ];
        for (f, arg, want) in cases {
            assert_eq!(
                show(call(FUNCS, f, std::slice::from_ref(&arg)).unwrap()),
                want,
                "{f} {arg:?}"
            );
        }
    }
}
