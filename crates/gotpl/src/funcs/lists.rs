//! Sprig's list functions. They accept any Go slice through reflection (a `[]string` from
//! `splitList` as well as `[]interface {}`) and, except `slice`, return `[]interface {}`.
//! Sprig's non-`must` forms panic where the `must` forms return an error; text/template turns
//! both into the same `error calling X: …`, so one body serves both names.

use super::conv::{slice_items, to_int64};
use super::defaults::is_empty;
use super::reflect::deep_equal;
use crate::func::{FuncDef, Host};
use crate::value::{ElemType, List, Value};
use std::rc::Rc;

pub const FUNCS: &[FuncDef] = crate::funcs![
    "list"(...Any) => list,
    "tuple"(...Any) => list,
    "push"(Any, Any) => push,
    "append"(Any, Any) => push,
    "mustPush"(Any, Any) => push,
    "mustAppend"(Any, Any) => push,
    "prepend"(Any, Any) => prepend,
    "mustPrepend"(Any, Any) => prepend,
    "first"(Any) => first,
    "mustFirst"(Any) => first,
    "rest"(Any) => rest,
    "mustRest"(Any) => rest,
    "last"(Any) => last,
    "mustLast"(Any) => last,
    "initial"(Any) => initial,
    "mustInitial"(Any) => initial,
    "reverse"(Any) => reverse,
    "mustReverse"(Any) => reverse,
    "uniq"(Any) => uniq,
    "mustUniq"(Any) => uniq,
    "without"(Any, ...Any) => without,
    "mustWithout"(Any, ...Any) => without,
    "has"(Any, Any) => has,
    "mustHas"(Any, Any) => has,
    "compact"(Any) => compact,
    "mustCompact"(Any) => compact,
    "slice"(Any, ...Any) => slice,
    "mustSlice"(Any, ...Any) => slice,
    "concat"(...Any) => concat,
    "chunk"(Int, Any) => chunk,
    "mustChunk"(Int, Any) => chunk,
];

/// Go's panic message for `reflect.TypeOf(nil).Kind()`.
pub const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

fn any_list(items: Vec<Value>) -> Value {
    Value::list(items)
}

/// The slice's items, or the sprig error `msg` with the value's kind (nil panics in Go).
fn items_or(v: &Value, msg: impl Fn(&str) -> String) -> Result<Vec<Value>, String> {
    if v.is_nil() {
        return Err(NIL_DEREF.into());
    }
    slice_items(v).ok_or_else(|| msg(v.kind_name()))
}

fn list(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(any_list(a.to_vec()))
}

fn push(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut l = items_or(&a[0], |k| format!("Cannot push on type {k}"))?;
    l.push(a[1].clone());
    Ok(any_list(l))
}

fn prepend(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot prepend on type {k}"))?;
    let mut out = Vec::with_capacity(l.len() + 1);
    out.push(a[1].clone());
    out.extend(l);
    Ok(any_list(out))
}

fn first(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot find first on type {k}"))?;
    Ok(l.into_iter().next().unwrap_or(Value::Nil))
}

fn rest(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot find rest on type {k}"))?;
    // sprig returns nil for an empty list, a fresh (non-nil) slice otherwise.
    if l.is_empty() {
        return Ok(Value::appended_list(ElemType::Any, l));
    }
    Ok(any_list(l[1..].to_vec()))
}

fn last(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot find last on type {k}"))?;
    Ok(l.last().cloned().unwrap_or(Value::Nil))
}

fn initial(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot find initial on type {k}"))?;
    if l.is_empty() {
        return Ok(Value::appended_list(ElemType::Any, l));
    }
    Ok(any_list(l[..l.len() - 1].to_vec()))
}

fn reverse(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut l = items_or(&a[0], |k| format!("Cannot find reverse on type {k}"))?;
    l.reverse();
    Ok(any_list(l))
}

fn uniq(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot find uniq on type {k}"))?;
    let mut out: Vec<Value> = Vec::new();
    for v in l {
        if !out.iter().any(|x| deep_equal(x, &v)) {
            out.push(v);
        }
    }
    Ok(any_list(out))
}

fn without(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot find without on type {k}"))?;
    let omit = &a[1..];
    Ok(any_list(
        l.into_iter()
            .filter(|v| !omit.iter().any(|o| deep_equal(o, v)))
            .collect(),
    ))
}

fn has(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    if a[1].is_nil() {
        return Ok(Value::Bool(false));
    }
    let l = items_or(&a[1], |k| format!("Cannot find has on type {k}"))?;
    Ok(Value::Bool(l.iter().any(|v| deep_equal(v, &a[0]))))
}

fn compact(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let l = items_or(&a[0], |k| format!("Cannot compact on type {k}"))?;
    Ok(any_list(l.into_iter().filter(|v| !is_empty(v)).collect()))
}

/// `slice list [start [end]]`: keeps the slice's own Go type, like reflect's `Value.Slice`.
fn slice(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    if a[0].is_nil() {
        return Err(NIL_DEREF.into());
    }
    let Some(l) = slice_items(&a[0]) else {
        return Err(format!(
            "list should be type of slice or array but {}",
            a[0].kind_name()
        ));
    };
    if l.is_empty() {
        return Ok(Value::Nil);
    }
    let start = a.get(1).map_or(0, to_int64);
    let end = if a.len() < 3 {
        l.len() as i64
    } else {
        to_int64(&a[2])
    };
    if start < 0 || end < start || end > l.len() as i64 {
        return Err("reflect.Value.Slice: slice index out of bounds".into());
    }
    let part = l[start as usize..end as usize].to_vec();
    match &a[0] {
        Value::List(orig) => Ok(Value::List(List {
            elem: orig.elem,
            items: Rc::new(part),
            nil: false,
        })),
        Value::Bytes(_) => Ok(Value::Bytes(
            part.iter()
                .map(|v| to_int64(v) as u8)
                .collect::<Vec<u8>>()
                .into(),
        )),
        _ => Ok(any_list(part)),
    }
}

fn concat(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for v in a {
        if v.is_nil() {
            return Err(NIL_DEREF.into());
        }
        match slice_items(v) {
            Some(items) => out.extend(items),
            None => return Err(format!("Cannot concat type {} as list", v.kind_name())),
        }
    }
    Ok(Value::appended_list(ElemType::Any, out))
}

fn chunk(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let size = match &a[0] {
        Value::Int(n) | Value::Int64(n) => *n,
        _ => 0,
    };
    let l = items_or(&a[1], |k| format!("Cannot chunk type {k}"))?;
    if size <= 0 {
        return Err("runtime error: makeslice: len out of range".into());
    }
    let chunks: Vec<Value> = l
        .chunks(size as usize)
        .map(|c| any_list(c.to_vec()))
        .collect();
    // [][]interface {}: the outer type has no ElemType of its own; elements carry their type.
    Ok(Value::typed_list(ElemType::Any, chunks))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::format_value;
    use crate::funcs::c_testutil::call;

    fn run(f: &str, args: &[Value]) -> String {
        match call(FUNCS, f, args) {
            Ok(v) => format!("{}={}", v.type_name(), format_value(&v)),
            Err(e) => format!("ERR {e}"),
        }
    }
    fn i(x: i64) -> Value {
        Value::Int(x)
    }
    fn fl(xs: &[f64]) -> Value {
        Value::list(xs.iter().map(|x| Value::Float(*x)).collect())
    }
    fn l(xs: Vec<Value>) -> Value {
        Value::list(xs)
    }
    fn s(x: &str) -> Value {
        Value::str(x)
    }

    // Expectations from helm v4.1.4 (`.Values.l` is [1,2,3] as float64).
    #[test]
    fn list_functions() {
        const NIL_ERR: &str =
            "ERR runtime error: invalid memory address or nil pointer dereference";
        let v = fl(&[1.0, 2.0, 3.0]);
        let ab = Value::str_list(["a", "b"]);
        let cases: Vec<(&str, Vec<Value>, &str)> = vec![
            (
                "list",
                vec![i(1), s("a"), Value::Nil],
                "[]interface {}=[1 a <nil>]",
            ),
            ("first", vec![v.clone()], "float64=1"),
            ("first", vec![l(vec![])], "<nil>=<nil>"),
            ("rest", vec![v.clone()], "[]interface {}=[2 3]"),
            ("rest", vec![l(vec![])], "[]interface {}=[]"),
            ("initial", vec![l(vec![])], "[]interface {}=[]"),
            ("rest", vec![ab.clone()], "[]interface {}=[b]"),
            ("last", vec![v.clone()], "float64=3"),
            ("initial", vec![v.clone()], "[]interface {}=[1 2]"),
            ("append", vec![v.clone(), i(4)], "[]interface {}=[1 2 3 4]"),
            ("prepend", vec![v.clone(), i(0)], "[]interface {}=[0 1 2 3]"),
            (
                "concat",
                vec![v.clone(), l(vec![i(5)]), ab.clone()],
                "[]interface {}=[1 2 3 5 a b]",
            ),
            ("concat", vec![], "[]interface {}=[]"),
            ("reverse", vec![v.clone()], "[]interface {}=[3 2 1]"),
            (
                "uniq",
                vec![l(vec![i(1), i(1), s("a"), s("a"), Value::Float(1.0)])],
                "[]interface {}=[1 a 1]",
            ),
            (
                "without",
                vec![l(vec![i(1), i(2), i(3), i(1)]), i(1), i(3)],
                "[]interface {}=[2]",
            ),
            ("has", vec![i(2), l(vec![i(1), i(2)])], "bool=true"),
            ("has", vec![Value::Float(2.0), v.clone()], "bool=true"),
            ("has", vec![i(1), Value::Nil], "bool=false"),
            (
                "compact",
                vec![l(vec![
                    i(0),
                    i(1),
                    s(""),
                    s("a"),
                    Value::Nil,
                    Value::Bool(false),
                    l(vec![]),
                    Value::empty_map(),
                ])],
                "[]interface {}=[1 a]",
            ),
            (
                "slice",
                vec![l(vec![i(1), i(2), i(3), i(4)]), i(1), i(3)],
                "[]interface {}=[2 3]",
            ),
            (
                "slice",
                vec![l(vec![i(1), i(2), i(3)]), i(1)],
                "[]interface {}=[2 3]",
            ),
            ("slice", vec![ab.clone(), i(1)], "[]string=[b]"),
            ("slice", vec![l(vec![])], "<nil>=<nil>"),
            (
                "chunk",
                vec![i(2), l(vec![i(1), i(2), i(3), i(4), i(5)])],
                "[]interface {}=[[1 2] [3 4] [5]]",
            ),
            ("chunk", vec![i(2), l(vec![])], "[]interface {}=[]"),
            // errors
            ("push", vec![s("a"), i(1)], "ERR Cannot push on type string"),
            ("push", vec![Value::Nil, i(1)], NIL_ERR),
            (
                "mustPush",
                vec![Value::empty_map(), i(1)],
                "ERR Cannot push on type map",
            ),
            (
                "prepend",
                vec![i(1), i(1)],
                "ERR Cannot prepend on type int",
            ),
            (
                "first",
                vec![s("a")],
                "ERR Cannot find first on type string",
            ),
            ("rest", vec![i(1)], "ERR Cannot find rest on type int"),
            ("uniq", vec![Value::Nil], NIL_ERR),
            (
                "has",
                vec![i(1), Value::empty_map()],
                "ERR Cannot find has on type map",
            ),
            ("compact", vec![i(1)], "ERR Cannot compact on type int"),
            (
                "slice",
                vec![i(1)],
                "ERR list should be type of slice or array but int",
            ),
            (
                "slice",
                vec![l(vec![i(1), i(2)]), i(3)],
                "ERR reflect.Value.Slice: slice index out of bounds",
            ),
            (
                "slice",
                vec![l(vec![i(1), i(2)]), i(2), i(1)],
                "ERR reflect.Value.Slice: slice index out of bounds",
            ),
            (
                "chunk",
                vec![i(0), l(vec![i(1)])],
                "ERR runtime error: makeslice: len out of range",
            ),
            ("chunk", vec![i(2), i(1)], "ERR Cannot chunk type int"),
            ("concat", vec![i(1)], "ERR Cannot concat type int as list"),
            ("concat", vec![Value::Nil], NIL_ERR),
        ];
        for (f, args, want) in cases {
            assert_eq!(run(f, &args), want, "{f} {args:?}");
        }
    }
}
