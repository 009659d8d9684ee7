//! Sprig's defaults functions: `default`, `empty`, `coalesce`, `all`, `any`, `ternary`,
//! `deepCopy`, `mustDeepCopy`. (`compact` lives with the list functions.)

use crate::func::{FuncDef, Host};
use crate::value::Value;

pub const FUNCS: &[FuncDef] = crate::funcs![
    "default"(Any, ...Any) => default,
    "empty"(Any) => empty_fn,
    "coalesce"(...Any) => coalesce,
    "all"(...Any) => all,
    "any"(...Any) => any,
    "ternary"(Any, Any, Bool) => ternary,
    "deepCopy"(Any) => deep_copy,
    "mustDeepCopy"(Any) => deep_copy,
];

/// Sprig's `empty`: nil, false, 0, 0.0, "" and empty slices/maps; structs never are.
pub fn is_empty(v: &Value) -> bool {
    match v {
        Value::Nil => true,
        Value::Bool(b) => !*b,
        Value::Int(i) | Value::Int64(i) => *i == 0,
        Value::Uint(u) => *u == 0,
        Value::Float(f) => *f == 0.0,
        Value::Str(s) => s.is_empty(),
        Value::Bytes(b) => b.is_empty(),
        Value::List(l) => l.items.is_empty(),
        Value::Map(m) => m.is_empty(),
        Value::Object(_) => false,
    }
}

const MAX_DEPTH: usize = 500;

fn too_deep(v: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return true;
    }
    match v {
        Value::List(l) => l.items.iter().any(|x| too_deep(x, depth + 1)),
        Value::Map(m) => m.borrow().values().any(|x| too_deep(x, depth + 1)),
        _ => false,
    }
}

fn default(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    match a.get(1) {
        Some(given) if !is_empty(given) => Ok(given.clone()),
        _ => Ok(a[0].clone()),
    }
}

fn empty_fn(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(is_empty(&a[0])))
}

fn coalesce(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(a.iter()
        .find(|v| !is_empty(v))
        .cloned()
        .unwrap_or(Value::Nil))
}

fn all(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().all(|v| !is_empty(v))))
}

fn any(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(a.iter().any(|v| !is_empty(v))))
}

fn ternary(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let cond = matches!(a.get(2), Some(Value::Bool(true)));
    Ok(if cond { a[0].clone() } else { a[1].clone() })
}

/// copystructure refuses nil (helm: `reflect: call of reflect.Value.Type on zero Value`).
fn deep_copy(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    if a[0].is_nil() {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    // `set $m "self" $m` makes a cycle; Go would recurse until its stack dies.
    if too_deep(&a[0], 0) {
        return Err("deepCopy: value is nested too deeply (cyclic?)".into());
    }
    // Shared subtrees are copied once per path: a map doubled into itself would never finish.
    if a[0].exceeds_nodes(crate::value::MAX_NODES) {
        return Err("deepCopy: value too large".into());
    }
    Ok(a[0].deep_copy())
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

    // Expectations from helm v4.1.4.
    #[test]
    fn defaults() {
        let d = s("d");
        assert_eq!(run("default", &[d.clone(), s("")]), "d");
        assert_eq!(run("default", &[d.clone(), Value::Int(0)]), "d");
        assert_eq!(run("default", &[d.clone(), s("x")]), "x");
        assert_eq!(run("default", std::slice::from_ref(&d)), "d");
        assert_eq!(run("default", &[d.clone(), Value::Nil]), "d");
        assert_eq!(run("default", &[d.clone(), Value::list(vec![])]), "d");
        assert_eq!(run("default", &[d, Value::Bool(false)]), "d");
        assert_eq!(run("empty", &[Value::Float(0.0)]), "true");
        assert_eq!(run("empty", &[Value::empty_map()]), "true");
        assert_eq!(run("coalesce", &[Value::Int(0), s(""), s("a")]), "a");
        assert_eq!(run("coalesce", &[Value::Int(0)]), "<nil>");
        assert_eq!(run("all", &[Value::Int(1), s("a")]), "true");
        assert_eq!(run("all", &[Value::Int(1), s("")]), "false");
        assert_eq!(run("any", &[Value::Int(0), s("")]), "false");
        assert_eq!(run("any", &[]), "false");
        assert_eq!(run("all", &[]), "true");
        assert_eq!(run("ternary", &[s("a"), s("b"), Value::Bool(true)]), "a");
        assert_eq!(run("ternary", &[s("a"), s("b"), Value::Bool(false)]), "b");
        assert_eq!(
            run("deepCopy", &[Value::Nil]),
            "ERR reflect: call of reflect.Value.Type on zero Value"
        );
        let cyc = crate::value::Map::new();
        cyc.insert("self", Value::Map(cyc.clone()));
        assert!(run("deepCopy", &[Value::Map(cyc.clone())]).starts_with("ERR deepCopy"));
        cyc.remove("self");
        let l = Value::str_list(["a"]);
        assert_eq!(
            call(FUNCS, "deepCopy", &[l]).unwrap().type_name(),
            "[]string"
        );
    }
}
