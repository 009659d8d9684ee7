//! Sprig's dict functions. Maps have reference semantics: `set`, `unset`, `merge` and
//! `mergeOverwrite` mutate their first argument in place and return it, as in Go.
//! `merge`/`mergeOverwrite` follow dario.cat/mergo's map rules (see `merge_into`).
//! A nil map argument (Go passes a nil `map[string]interface{}`) reads as empty.

use super::conv::strval;
use super::defaults::is_empty;
use super::lists::NIL_DEREF;
use crate::func::{FuncDef, Host};
use crate::value::{Map, Value};

pub const FUNCS: &[FuncDef] = crate::funcs![
    "dict"(...Any) => dict,
    "get"(Map, Str) => get,
    "set"(Map, Str, Any) => set,
    "unset"(Map, Str) => unset,
    "hasKey"(Map, Str) => has_key,
    "pluck"(Str, ...Map) => pluck,
    "keys"(...Map) => keys,
    "pick"(Map, ...Str) => pick,
    "omit"(Map, ...Str) => omit,
    "values"(Map) => values,
    "merge"(Map, ...Map) => merge,
    "mustMerge"(Map, ...Map) => merge,
    "mergeOverwrite"(Map, ...Map) => merge_overwrite,
    "mustMergeOverwrite"(Map, ...Map) => merge_overwrite,
    "dig"(...Any) => dig,
];

const MAX_DEPTH: usize = 500;

fn arg_str(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

fn arg_map(a: &[Value], i: usize) -> Option<&Map> {
    a.get(i).and_then(Value::as_map)
}

fn dict(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let m = Map::new();
    for pair in a.chunks(2) {
        let key = strval(&pair[0]);
        m.insert(key, pair.get(1).cloned().unwrap_or_else(|| Value::str("")));
    }
    Ok(Value::Map(m))
}

fn get(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(arg_map(a, 0)
        .and_then(|m| m.get(arg_str(a, 1)))
        .unwrap_or_else(|| Value::str("")))
}

fn set(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let Some(m) = arg_map(a, 0) else {
        return Err("assignment to entry in nil map".into());
    };
    m.insert(arg_str(a, 1), a[2].clone());
    Ok(a[0].clone())
}

fn unset(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    if let Some(m) = arg_map(a, 0) {
        m.remove(arg_str(a, 1));
    }
    Ok(a[0].clone())
}

fn has_key(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(
        arg_map(a, 0).is_some_and(|m| m.contains_key(arg_str(a, 1))),
    ))
}

fn pluck(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let key = arg_str(a, 0);
    let out: Vec<Value> = a[1..]
        .iter()
        .filter_map(|d| d.as_map().and_then(|m| m.get(key)))
        .collect();
    Ok(Value::list(out))
}

/// `keys`: Go iterates maps in random order; we give each map's keys sorted.
fn keys(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let out: Vec<String> = a
        .iter()
        .filter_map(Value::as_map)
        .flat_map(Map::keys)
        .collect();
    Ok(Value::str_list(out))
}

fn pick(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let out = Map::new();
    if let Some(m) = arg_map(a, 0) {
        for k in a[1..].iter().filter_map(Value::as_str) {
            if let Some(v) = m.get(k) {
                out.insert(k, v);
            }
        }
    }
    Ok(Value::Map(out))
}

fn omit(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let out = Map::new();
    if let Some(m) = arg_map(a, 0) {
        let drop: Vec<&str> = a[1..].iter().filter_map(Value::as_str).collect();
        for (k, v) in m.borrow().iter() {
            if !drop.contains(&k.as_str()) {
                out.insert(k.clone(), v.clone());
            }
        }
    }
    Ok(Value::Map(out))
}

fn values(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let out: Vec<Value> = arg_map(a, 0)
        .map(|m| m.borrow().values().cloned().collect())
        .unwrap_or_default();
    Ok(Value::list(out))
}

/// mergo's map merge of `src` into `dst`, in place:
/// - a nil src value is skipped (with overwrite it replaces the dst value);
/// - map into map merges recursively (the nested dst map is mutated);
/// - otherwise the src value is stored when the key is missing, the dst value is empty
///   (nil, false, 0, "", empty list/map), or with overwrite; a src slice never replaces a
///   non-empty dst value unless overwriting.
///
/// Stored src maps are shared, not copied, as Go shares them.
pub fn merge_into(dst: &Map, src: &Map, overwrite: bool, depth: usize) {
    if depth > MAX_DEPTH || dst.ptr_eq(src) {
        return;
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, sv) in entries {
        let dv = dst.get(&key);
        if sv.is_nil() {
            if overwrite {
                dst.insert(key, Value::Nil);
            }
            continue;
        }
        if let (Value::Map(sm), Some(Value::Map(dm))) = (&sv, &dv) {
            merge_into(dm, sm, overwrite, depth + 1);
            if !dm.is_empty() {
                continue;
            }
        }
        let dst_empty = dv.as_ref().is_none_or(is_empty);
        if !dst_empty && matches!(sv, Value::List(_) | Value::Bytes(_)) && !overwrite {
            continue;
        }
        if overwrite || dst_empty {
            dst.insert(key, sv);
        }
    }
}

fn merge_impl(a: &[Value], overwrite: bool) -> Result<Value, String> {
    // A nil dst becomes a fresh map (mergo allocates it through the pointer).
    let dst = arg_map(a, 0).cloned().unwrap_or_default();
    for src in a[1..].iter().filter_map(Value::as_map) {
        merge_into(&dst, src, overwrite, 0);
    }
    Ok(Value::Map(dst))
}

fn merge(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    merge_impl(a, false)
}

fn merge_overwrite(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    merge_impl(a, true)
}

/// Go's message for a failed `x.(T)` type assertion on an `interface {}`.
fn conversion_error(v: &Value, want: &str) -> String {
    let got = if v.is_nil() {
        "nil".to_string()
    } else {
        v.type_name()
    };
    format!("interface conversion: interface {{}} is {got}, not {want}")
}

/// `dig "k1" "k2" … default dict`.
fn dig(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    if a.len() < 3 {
        return Err("dig needs at least three arguments".into());
    }
    let last = &a[a.len() - 1];
    // sprig asserts the plain map type: helm's `.Values` (a named type) fails the assertion.
    let Value::Map(mut cur) = last.clone() else {
        return Err(conversion_error(last, "map[string]interface {}"));
    };
    if cur.ty() != crate::value::MapType::Any {
        return Err(conversion_error(last, "map[string]interface {}"));
    }
    let default = a[a.len() - 2].clone();
    let mut keys = Vec::new();
    for k in &a[..a.len() - 2] {
        match k.as_str() {
            Some(s) => keys.push(s.to_string()),
            None => return Err(conversion_error(k, "string")),
        }
    }
    for (i, k) in keys.iter().enumerate() {
        let Some(step) = cur.get(k) else {
            return Ok(default);
        };
        if i == keys.len() - 1 {
            return Ok(step);
        }
        match step {
            Value::Map(m) => cur = m,
            other => return Err(conversion_error(&other, "map[string]interface {}")),
        }
    }
    // Unreachable with at least one key; keep a defined answer.
    Err(NIL_DEREF.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::format_value;
    use crate::funcs::c_testutil::call;

    fn run(f: &str, args: &[Value]) -> String {
        match call(FUNCS, f, args) {
            Ok(v) => format_value(&v),
            Err(e) => format!("ERR {e}"),
        }
    }
    fn s(x: &str) -> Value {
        Value::str(x)
    }
    fn i(x: i64) -> Value {
        Value::Int(x)
    }
    /// Builds a dict from key/value pairs through the `dict` function.
    fn d(kv: Vec<Value>) -> Value {
        call(FUNCS, "dict", &kv).unwrap()
    }

    // Expectations from helm v4.1.4.
    #[test]
    fn basics() {
        assert_eq!(run("dict", &[s("a"), i(1), s("b")]), "map[a:1 b:]");
        assert_eq!(run("dict", &[i(1), i(2)]), "map[1:2]");
        assert_eq!(run("get", &[d(vec![s("a"), i(1)]), s("a")]), "1");
        assert_eq!(run("get", &[d(vec![]), s("z")]), "");
        assert_eq!(run("get", &[Value::Nil, s("a")]), "");
        let m = d(vec![s("a"), i(1)]);
        run("set", &[m.clone(), s("b"), i(2)]);
        assert_eq!(format_value(&m), "map[a:1 b:2]");
        run("unset", &[m.clone(), s("a")]);
        assert_eq!(format_value(&m), "map[b:2]");
        assert_eq!(run("hasKey", &[m.clone(), s("b")]), "true");
        assert_eq!(run("hasKey", &[Value::Nil, s("b")]), "false");
        assert_eq!(
            run("set", &[Value::Nil, s("a"), i(1)]),
            "ERR assignment to entry in nil map"
        );
        assert_eq!(
            run(
                "pluck",
                &[
                    s("a"),
                    d(vec![s("a"), i(1)]),
                    d(vec![s("b"), i(2)]),
                    d(vec![s("a"), i(3)])
                ]
            ),
            "[1 3]"
        );
        assert_eq!(
            run(
                "keys",
                &[d(vec![s("b"), i(1), s("a"), i(2)]), d(vec![s("c"), i(3)])]
            ),
            "[a b c]"
        );
        assert_eq!(run("keys", &[Value::Nil]), "[]");
        assert_eq!(
            run(
                "pick",
                &[d(vec![s("a"), i(1), s("b"), i(2)]), s("a"), s("z")]
            ),
            "map[a:1]"
        );
        assert_eq!(run("pick", &[Value::Nil]), "map[]");
        assert_eq!(
            run("omit", &[d(vec![s("a"), i(1), s("b"), i(2)]), s("a")]),
            "map[b:2]"
        );
        assert_eq!(run("values", &[d(vec![s("a"), i(1)])]), "[1]");
        let nested = d(vec![s("a"), d(vec![s("b"), i(5)])]);
        assert_eq!(run("dig", &[s("a"), s("b"), s("def"), nested.clone()]), "5");
        assert_eq!(
            run("dig", &[s("a"), s("x"), s("def"), nested.clone()]),
            "def"
        );
        assert_eq!(run("dig", &[s("z"), s("def"), d(vec![])]), "def");
        assert_eq!(
            run("dig", &[s("a")]),
            "ERR dig needs at least three arguments"
        );
        assert_eq!(
            run("dig", &[s("a"), s("d"), i(1)]),
            "ERR interface conversion: interface {} is int, not map[string]interface {}"
        );
        assert_eq!(
            run("dig", &[i(1), s("d"), d(vec![])]),
            "ERR interface conversion: interface {} is int, not string"
        );
        assert_eq!(
            run(
                "dig",
                &[s("a"), s("b"), s("d"), d(vec![s("a"), Value::Nil])]
            ),
            "ERR interface conversion: interface {} is nil, not map[string]interface {}"
        );
    }

    #[test]
    fn mergo_semantics() {
        let l = |xs: Vec<Value>| Value::list(xs);
        let cases: Vec<(&str, Value, Value, &str)> = vec![
            (
                "merge",
                d(vec![s("a"), i(1), s("n"), d(vec![s("x"), i(1)])]),
                d(vec![
                    s("a"),
                    i(2),
                    s("b"),
                    i(3),
                    s("n"),
                    d(vec![s("y"), i(2)]),
                ]),
                "map[a:1 b:3 n:map[x:1 y:2]]",
            ),
            (
                "mergeOverwrite",
                d(vec![s("a"), i(1), s("n"), d(vec![s("x"), i(1)])]),
                d(vec![
                    s("a"),
                    i(2),
                    s("b"),
                    i(3),
                    s("n"),
                    d(vec![s("y"), i(2)]),
                ]),
                "map[a:2 b:3 n:map[x:1 y:2]]",
            ),
            (
                "merge",
                d(vec![
                    s("a"),
                    i(0),
                    s("b"),
                    s(""),
                    s("c"),
                    Value::Bool(false),
                    s("d"),
                    l(vec![]),
                ]),
                d(vec![
                    s("a"),
                    i(5),
                    s("b"),
                    s("x"),
                    s("c"),
                    Value::Bool(true),
                    s("d"),
                    l(vec![i(1)]),
                ]),
                "map[a:5 b:x c:true d:[1]]",
            ),
            (
                "mergeOverwrite",
                d(vec![s("a"), i(1), s("b"), s("x"), s("c"), l(vec![i(1)])]),
                d(vec![s("a"), i(0), s("b"), s(""), s("c"), l(vec![])]),
                "map[a:0 b: c:[]]",
            ),
            ("merge", d(vec![]), d(vec![s("a"), Value::Nil]), "map[]"),
            (
                "mergeOverwrite",
                d(vec![s("a"), i(1)]),
                d(vec![s("a"), Value::Nil]),
                "map[a:<nil>]",
            ),
            (
                "merge",
                d(vec![s("a"), s("s")]),
                d(vec![s("a"), d(vec![s("x"), i(1)])]),
                "map[a:s]",
            ),
            (
                "mergeOverwrite",
                d(vec![s("a"), s("s")]),
                d(vec![s("a"), d(vec![s("x"), i(1)])]),
                "map[a:map[x:1]]",
            ),
            (
                "merge",
                d(vec![s("a"), d(vec![s("x"), i(1)])]),
                d(vec![s("a"), s("s")]),
                "map[a:map[x:1]]",
            ),
            (
                "mergeOverwrite",
                d(vec![s("a"), d(vec![s("x"), i(1)])]),
                d(vec![s("a"), s("s")]),
                "map[a:s]",
            ),
            (
                "merge",
                d(vec![s("a"), l(vec![i(1)])]),
                d(vec![s("a"), l(vec![i(2)])]),
                "map[a:[1]]",
            ),
            (
                "mergeOverwrite",
                d(vec![s("a"), l(vec![i(1)])]),
                d(vec![s("a"), l(vec![i(2)])]),
                "map[a:[2]]",
            ),
            (
                "merge",
                d(vec![s("a"), Value::Nil]),
                d(vec![s("a"), i(1)]),
                "map[a:1]",
            ),
            (
                "mergeOverwrite",
                d(vec![s("a"), d(vec![])]),
                d(vec![s("a"), d(vec![s("b"), i(1)])]),
                "map[a:map[b:1]]",
            ),
            (
                "merge",
                d(vec![s("a"), d(vec![s("x"), d(vec![])])]),
                d(vec![
                    s("a"),
                    d(vec![s("x"), d(vec![s("y"), i(1)]), s("z"), Value::Nil]),
                ]),
                "map[a:map[x:map[y:1]]]",
            ),
            (
                "mergeOverwrite",
                d(vec![s("a"), d(vec![s("x"), i(1), s("w"), i(2)])]),
                d(vec![s("a"), d(vec![s("x"), Value::Nil])]),
                "map[a:map[w:2 x:<nil>]]",
            ),
            ("merge", Value::Nil, d(vec![s("a"), i(1)]), "map[a:1]"),
        ];
        for (f, dst, src, want) in cases {
            assert_eq!(run(f, &[dst, src]), want, "{f}");
        }
        assert_eq!(
            run(
                "merge",
                &[
                    d(vec![s("a"), i(1)]),
                    d(vec![s("b"), i(2)]),
                    d(vec![s("b"), i(3), s("c"), i(4)])
                ]
            ),
            "map[a:1 b:2 c:4]"
        );
        // dst is mutated in place.
        let dst = d(vec![s("a"), i(1)]);
        run("merge", &[dst.clone(), d(vec![s("b"), i(2)])]);
        assert_eq!(format_value(&dst), "map[a:1 b:2]");
    }
}
