//! Sprig's reflection functions: `typeOf`, `typeIs`, `typeIsLike`, `kindOf`, `kindIs`,
//! `deepEqual` (Go's `reflect.DeepEqual`: types must match exactly, `int` 1 ≠ `int64` 1).

use crate::func::{FuncDef, Host};
use crate::value::Value;

pub const FUNCS: &[FuncDef] = crate::funcs![
    "typeOf"(Any) => type_of,
    "typeIs"(Str, Any) => type_is,
    "typeIsLike"(Str, Any) => type_is_like,
    "kindOf"(Any) => kind_of,
    "kindIs"(Str, Any) => kind_is,
    "deepEqual"(Any, Any) => deep_equal_fn,
];

const MAX_DEPTH: usize = 500;

/// Go's `reflect.DeepEqual` over our values.
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    deep_eq(a, b, 0)
}

fn deep_eq(a: &Value, b: &Value, depth: usize) -> bool {
    if depth > MAX_DEPTH {
        return false;
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::Bool(x), Value::Bool(y)) => x == y,
        (Value::Int(x), Value::Int(y)) | (Value::Int64(x), Value::Int64(y)) => x == y,
        (Value::Uint(x), Value::Uint(y)) => x == y,
        (Value::Float(x), Value::Float(y)) => x == y,
        (Value::Str(x), Value::Str(y)) => x == y,
        (Value::Bytes(x), Value::Bytes(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.elem == y.elem
                && x.nil == y.nil
                && x.items.len() == y.items.len()
                && x.items
                    .iter()
                    .zip(y.items.iter())
                    .all(|(p, q)| deep_eq(p, q, depth + 1))
        }
        (Value::Map(x), Value::Map(y)) => {
            if x.ptr_eq(y) {
                return true;
            }
            let (x, y) = (x.borrow(), y.borrow());
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_eq(v, w, depth + 1)))
        }
        (Value::Object(x), Value::Object(y)) => {
            std::ptr::addr_eq(std::rc::Rc::as_ptr(x), std::rc::Rc::as_ptr(y))
        }
        _ => false,
    }
}

fn arg_str(a: &[Value], i: usize) -> &str {
    a.get(i).and_then(Value::as_str).unwrap_or("")
}

fn type_of(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(a[0].type_name()))
}

fn type_is(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(a, 0) == a[1].type_name()))
}

fn type_is_like(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let t = a[1].type_name();
    let target = arg_str(a, 0);
    Ok(Value::Bool(target == t || format!("*{target}") == t))
}

fn kind_of(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(a[0].kind_name()))
}

fn kind_is(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(arg_str(a, 0) == a[1].kind_name()))
}

fn deep_equal_fn(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(deep_equal(&a[0], &a[1])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fmt::format_value;
    use crate::funcs::c_testutil::call;
    use crate::value::Map;

    fn run(f: &str, args: &[Value]) -> String {
        format_value(&call(FUNCS, f, args).unwrap())
    }

    // Expectations from helm v4.1.4.
    #[test]
    fn reflection() {
        let l = Value::list(vec![Value::Float(1.0)]);
        assert_eq!(run("typeOf", &[Value::Int(1)]), "int");
        assert_eq!(run("typeOf", &[Value::Float(1.0)]), "float64");
        assert_eq!(run("typeOf", &[Value::Nil]), "<nil>");
        assert_eq!(run("typeOf", std::slice::from_ref(&l)), "[]interface {}");
        assert_eq!(run("typeIs", &[Value::str("int"), Value::Int(1)]), "true");
        assert_eq!(
            run("typeIsLike", &[Value::str("int"), Value::Int(1)]),
            "true"
        );
        assert_eq!(run("kindOf", &[Value::Int(1)]), "int");
        assert_eq!(run("kindOf", &[Value::Nil]), "invalid");
        assert_eq!(run("kindOf", std::slice::from_ref(&l)), "slice");
        assert_eq!(run("kindOf", &[Value::empty_map()]), "map");
        assert_eq!(run("kindIs", &[Value::str("slice"), l]), "true");
    }

    #[test]
    fn deep_equality() {
        let m1 = Map::new();
        m1.insert("a", Value::list(vec![Value::Int(1)]));
        let m2 = Map::new();
        m2.insert("a", Value::list(vec![Value::Int(1)]));
        assert!(deep_equal(&Value::Int(1), &Value::Int(1)));
        assert!(!deep_equal(&Value::Int(1), &Value::Float(1.0)));
        assert!(!deep_equal(&Value::Int64(1), &Value::Int(1)));
        assert!(deep_equal(&Value::Map(m1), &Value::Map(m2)));
        assert!(deep_equal(&Value::Nil, &Value::Nil));
        assert!(!deep_equal(
            &Value::list(vec![Value::str("a")]),
            &Value::str_list(["a"])
        ));
    }
}
