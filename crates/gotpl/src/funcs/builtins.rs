//! text/template's builtin functions, with Go's comparison and indexing rules and error texts.
//! `and`/`or` are short-circuited by the executor; the bodies here serve direct calls only.

use crate::fmt::{sprint, sprintf, sprintln};
use crate::func::{FuncDef, Host};
use crate::funcs;
use crate::value::Value;

pub const FUNCS: &[FuncDef] = funcs![
    "and"(Any, ...Any) => and,
    "or"(Any, ...Any) => or,
    "not"(Any) => not,
    "len"(Any) => len,
    "index"(Any, ...Any) => index,
    "eq"(Any, ...Any) => eq,
    "ne"(Any, Any) => ne,
    "lt"(Any, Any) => lt,
    "le"(Any, Any) => le,
    "gt"(Any, Any) => gt,
    "ge"(Any, Any) => ge,
    "printf"(Str, ...Any) => printf,
    "call"(Any, ...Any) => call,
    "print"(...Any) => print,
    "println"(...Any) => println,
    "html"(...Any) => html,
    "js"(...Any) => js,
    "urlquery"(...Any) => urlquery,
];

type R = Result<Value, String>;

fn and(_: &mut dyn Host, a: &[Value]) -> R {
    for v in a {
        if !v.truthy() {
            return Ok(v.clone());
        }
    }
    Ok(a.last().cloned().unwrap_or_default())
}

fn or(_: &mut dyn Host, a: &[Value]) -> R {
    for v in a {
        if v.truthy() {
            return Ok(v.clone());
        }
    }
    Ok(a.last().cloned().unwrap_or_default())
}

fn not(_: &mut dyn Host, a: &[Value]) -> R {
    Ok(Value::Bool(!a[0].truthy()))
}

fn plain(v: &Value) -> Value {
    match v {
        Value::Object(o) => o.to_plain(),
        other => other.clone(),
    }
}

fn len(_: &mut dyn Host, a: &[Value]) -> R {
    let n = match plain(&a[0]) {
        Value::Str(s) => crate::value::go_len(&s),
        Value::Bytes(b) => b.len(),
        Value::List(l) => l.items.len(),
        Value::Map(m) => m.len(),
        Value::Nil => return Err("len of nil pointer".into()),
        other => return Err(format!("len of type {}", other.type_name())),
    };
    Ok(Value::Int(n as i64))
}

fn index_arg(ix: &Value, cap: usize) -> Result<usize, String> {
    let x: i128 = match ix {
        Value::Int(i) | Value::Int64(i) => *i as i128,
        Value::Uint(u) => *u as i128,
        Value::Nil => return Err("cannot index slice/array with nil".into()),
        other => {
            return Err(format!(
                "cannot index slice/array with type {}",
                other.type_name()
            ))
        }
    };
    if x < 0 || x > cap as i128 {
        return Err(format!("index out of range: {x}"));
    }
    Ok(x as usize)
}

fn index(_: &mut dyn Host, a: &[Value]) -> R {
    let mut item = plain(&a[0]);
    if item.is_nil() {
        return Err("index of untyped nil".into());
    }
    // After the first step the item sits in an interface{} slot; a nil there is a nil pointer.
    let mut first = true;
    for ix in &a[1..] {
        if item.is_nil() && !first {
            return Err("index of nil pointer".into());
        }
        first = false;
        item = match &item {
            Value::List(l) => {
                let x = index_arg(ix, l.items.len())?;
                match l.items.get(x) {
                    Some(v) => v.clone(),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::Bytes(b) => {
                let x = index_arg(ix, b.len())?;
                match b.get(x) {
                    Some(v) => Value::Uint(*v as u64),
                    None => return Err("reflect: slice index out of range".into()),
                }
            }
            Value::Str(s) => {
                let b = crate::value::go_bytes(s);
                let x = index_arg(ix, b.len())?;
                match b.get(x) {
                    Some(v) => Value::Uint(*v as u64),
                    None => return Err("reflect: string index out of range".into()),
                }
            }
            Value::Map(m) => match ix {
                Value::Str(k) => m.get(k).unwrap_or_default(),
                Value::Nil => return Err("value is nil; should be of type string".into()),
                other => {
                    return Err(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    ))
                }
            },
            other => return Err(format!("can't index item of type {}", other.type_name())),
        };
    }
    Ok(item)
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

fn basic_kind(v: &Value) -> Kind {
    match v {
        Value::Bool(_) => Kind::Bool,
        Value::Int(_) | Value::Int64(_) => Kind::Int,
        Value::Uint(_) => Kind::Uint,
        Value::Float(_) => Kind::Float,
        Value::Str(_) => Kind::Str,
        _ => Kind::Invalid,
    }
}

fn as_i(v: &Value) -> i64 {
    match v {
        Value::Int(i) | Value::Int64(i) => *i,
        _ => 0,
    }
}

fn as_u(v: &Value) -> u64 {
    match v {
        Value::Uint(u) => *u,
        _ => 0,
    }
}

fn as_f(v: &Value) -> f64 {
    match v {
        Value::Float(f) => *f,
        _ => 0.0,
    }
}

fn as_s(v: &Value) -> &str {
    v.as_str().unwrap_or("")
}

/// Go's reflect.Kind name for the "non-comparable types" check.
fn reflect_kind(v: &Value) -> &'static str {
    v.kind_name()
}

/// Go 1.25 names both types: `incompatible types for comparison: int and float64`.
fn incompatible(a: &Value, b: &Value) -> String {
    format!(
        "incompatible types for comparison: {} and {}",
        a.type_name(),
        b.type_name()
    )
}

/// Go's `%s` of a value (Go's errors here format reflect.Values with `%s`).
fn pct_s(v: &Value) -> String {
    sprintf("%s", std::slice::from_ref(v))
}

fn eq_values(a1: &Value, rest: &[Value]) -> Result<bool, String> {
    if rest.is_empty() {
        return Err("missing argument for comparison".into());
    }
    let k1 = basic_kind(a1);
    for a in rest {
        let k2 = basic_kind(a);
        let truth = if k1 != k2 {
            match (k1, k2) {
                (Kind::Int, Kind::Uint) => as_i(a1) >= 0 && as_i(a1) as u64 == as_u(a),
                (Kind::Uint, Kind::Int) => as_i(a) >= 0 && as_u(a1) == as_i(a) as u64,
                _ => {
                    if !a1.is_nil() && !a.is_nil() {
                        return Err(incompatible(a1, a));
                    }
                    false
                }
            }
        } else {
            match k1 {
                Kind::Bool => a1.truthy() == a.truthy(),
                Kind::Float => as_f(a1) == as_f(a),
                Kind::Int => as_i(a1) == as_i(a),
                Kind::Str => crate::value::go_eq(as_s(a1), as_s(a)),
                Kind::Uint => as_u(a1) == as_u(a),
                Kind::Invalid => {
                    let (n1, n2) = (a1.is_nil(), a.is_nil());
                    if !n1 && !n2 && reflect_kind(a1) != reflect_kind(a) {
                        return Err(format!(
                            "non-comparable types {}: {}, {}: {}",
                            pct_s(a1),
                            a1.type_name(),
                            a.type_name(),
                            pct_s(a)
                        ));
                    }
                    if n1 || n2 {
                        n1 == n2
                    } else {
                        match (a1, a) {
                            (Value::Object(x), Value::Object(y)) => {
                                std::ptr::addr_eq(std::rc::Rc::as_ptr(x), std::rc::Rc::as_ptr(y))
                            }
                            _ => {
                                return Err(format!(
                                    "non-comparable type {}: {}",
                                    pct_s(a),
                                    a.type_name()
                                ))
                            }
                        }
                    }
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

fn eq(_: &mut dyn Host, a: &[Value]) -> R {
    eq_values(&a[0], &a[1..]).map(Value::Bool)
}

fn ne(_: &mut dyn Host, a: &[Value]) -> R {
    eq_values(&a[0], &a[1..2]).map(|b| Value::Bool(!b))
}

fn lt_values(a1: &Value, a2: &Value) -> Result<bool, String> {
    let k1 = basic_kind(a1);
    if k1 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    let k2 = basic_kind(a2);
    if k2 == Kind::Invalid {
        return Err("invalid type for comparison".into());
    }
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) => Ok(as_i(a1) < 0 || (as_i(a1) as u64) < as_u(a2)),
            (Kind::Uint, Kind::Int) => Ok(as_i(a2) >= 0 && as_u(a1) < as_i(a2) as u64),
            _ => Err(incompatible(a1, a2)),
        };
    }
    match k1 {
        Kind::Bool | Kind::Invalid => Err("invalid type for comparison".into()),
        Kind::Float => Ok(as_f(a1) < as_f(a2)),
        Kind::Int => Ok(as_i(a1) < as_i(a2)),
        Kind::Str => Ok(crate::value::go_cmp(as_s(a1), as_s(a2)).is_lt()),
        Kind::Uint => Ok(as_u(a1) < as_u(a2)),
    }
}

fn lt(_: &mut dyn Host, a: &[Value]) -> R {
    lt_values(&a[0], &a[1]).map(Value::Bool)
}

fn le(_: &mut dyn Host, a: &[Value]) -> R {
    let l = lt_values(&a[0], &a[1])?;
    if l {
        return Ok(Value::Bool(true));
    }
    eq_values(&a[0], &a[1..2]).map(Value::Bool)
}

fn gt(h: &mut dyn Host, a: &[Value]) -> R {
    let l = le(h, a)?;
    Ok(Value::Bool(!l.truthy()))
}

fn ge(_: &mut dyn Host, a: &[Value]) -> R {
    lt_values(&a[0], &a[1]).map(|b| Value::Bool(!b))
}

fn print(_: &mut dyn Host, a: &[Value]) -> R {
    Ok(Value::from(sprint(a)))
}

fn printf(_: &mut dyn Host, a: &[Value]) -> R {
    Ok(Value::from(sprintf(as_s(&a[0]), &a[1..])))
}

fn println(_: &mut dyn Host, a: &[Value]) -> R {
    Ok(Value::from(sprintln(a)))
}

/// text/template's `evalArgs`: one string is used as is; otherwise nils print `<no value>`
/// and the arguments are joined by `fmt.Sprint`.
fn eval_args(a: &[Value]) -> String {
    if let [Value::Str(s)] = a {
        return s.to_string();
    }
    let args: Vec<Value> = a
        .iter()
        .map(|v| {
            if v.is_nil() {
                Value::str("<no value>")
            } else {
                v.clone()
            }
        })
        .collect();
    sprint(&args)
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            c if c.is_control() || matches!(c as u32, 0x2028 | 0x2029 | 0xfeff | 0xad) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in crate::value::go_bytes(s).iter() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

fn html(_: &mut dyn Host, a: &[Value]) -> R {
    Ok(Value::from(html_escape(&eval_args(a))))
}

fn js(_: &mut dyn Host, a: &[Value]) -> R {
    Ok(Value::from(js_escape(&eval_args(a))))
}

fn urlquery(_: &mut dyn Host, a: &[Value]) -> R {
    Ok(Value::from(query_escape(&eval_args(a))))
}

fn call(_: &mut dyn Host, a: &[Value]) -> R {
    // Values never hold Go functions, so `call` can only fail, with Go's wording.
    if a[0].is_nil() {
        return Err("call of nil".into());
    }
    Err(format!("non-function of type {}", a[0].type_name()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_compare_and_count_bytes() {
        let x = Value::from_go_bytes(b"h\xc3");
        let h = &mut crate::funcs::c_testutil::TestHost::default();
        assert!(matches!(
            len(h, std::slice::from_ref(&x)),
            Ok(Value::Int(2))
        ));
        assert!(matches!(
            index(h, &[x.clone(), Value::Int(1)]),
            Ok(Value::Uint(195))
        ));
        assert_eq!(eq_values(&x, &[Value::from_go_bytes(b"h\xc3")]), Ok(true));
        // Go compares bytes: "h\xc3" < "hé".
        assert_eq!(lt_values(&x, &Value::str("h\u{e9}")), Ok(true));
        assert_eq!(query_escape(x.as_str().unwrap_or_default()), "h%C3");
    }

    #[test]
    fn comparisons_follow_go_kinds() {
        assert_eq!(eq_values(&Value::Int(1), &[Value::Int64(1)]), Ok(true));
        assert_eq!(
            eq_values(&Value::Float(1.0), &[Value::Int(1)]),
            Err("incompatible types for comparison: float64 and int".into())
        );
        assert_eq!(eq_values(&Value::Nil, &[Value::str("a")]), Ok(false));
        assert_eq!(eq_values(&Value::Nil, &[Value::Nil]), Ok(true));
        assert_eq!(
            eq_values(&Value::str("b"), &[Value::str("a"), Value::str("b")]),
            Ok(true)
        );
        assert_eq!(lt_values(&Value::Int(1), &[Value::Int(2)][0]), Ok(true));
        assert_eq!(
            lt_values(&Value::Nil, &Value::Int(2)),
            Err("invalid type for comparison".into())
        );
    }

    #[test]
    fn escapes() {
        assert_eq!(
            html_escape("<a href=\"x\">'&'</a>"),
            "&lt;a href=&#34;x&#34;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        assert_eq!(
            js_escape("a'b\"<=>\n"),
            "a\\'b\\\"\\u003C\\u003D\\u003E\\u000A"
        );
        assert_eq!(query_escape("a b&c=d/é"), "a+b%26c%3Dd%2F%C3%A9");
    }
}
