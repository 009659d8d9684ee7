//! Our value tree → regorus values, directly (no JSON text round trip).

use regorus::Value as R;
use std::collections::BTreeMap;

pub fn to_rego(v: &gotpl::Value) -> R {
    to_rego_depth(v, 0)
}

/// Objects nest a few dozen levels at most; the bound only stops cyclic maps built by `set`.
const MAX_DEPTH: usize = 256;

fn to_rego_depth(v: &gotpl::Value, depth: usize) -> R {
    use gotpl::Value as G;
    if depth > MAX_DEPTH {
        return R::Null;
    }
    match v {
        G::Nil => R::Null,
        G::Bool(b) => R::from(*b),
        G::Int(i) | G::Int64(i) => R::from(*i),
        G::Uint(u) => R::from(*u),
        G::Float(f) => {
            // Integral floats (every YAML number) become integers so `== 0` and array
            // indexes behave as in OPA, which reads JSON numbers exactly.
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                R::from(*f as i64)
            } else {
                R::from(*f)
            }
        }
        G::Str(s) => R::from(&**s),
        G::Bytes(b) => R::from(String::from_utf8_lossy(b).into_owned()),
        G::List(l) => R::from(
            l.items
                .iter()
                .map(|i| to_rego_depth(i, depth + 1))
                .collect::<Vec<_>>(),
        ),
        G::Map(m) => {
            let obj: BTreeMap<R, R> = m
                .borrow()
                .iter()
                .map(|(k, v)| (R::from(k.as_str()), to_rego_depth(v, depth + 1)))
                .collect();
            R::from(obj)
        }
        G::Object(o) => to_rego_depth(&o.to_plain(), depth + 1),
    }
}

/// A string field of a regorus object, if present.
pub fn str_field(v: &R, key: &str) -> Option<String> {
    match &v[key] {
        R::String(s) => Some(s.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_numbers_and_maps() {
        let v = gotpl::Value::map(
            [
                ("n".to_string(), gotpl::Value::Float(3.0)),
                ("f".to_string(), gotpl::Value::Float(0.5)),
                ("s".to_string(), gotpl::Value::str("x")),
            ]
            .into_iter()
            .collect(),
        );
        let r = to_rego(&v);
        assert_eq!(r["n"], R::from(3i64));
        assert_eq!(r["f"], R::from(0.5));
        assert_eq!(str_field(&r, "s").as_deref(), Some("x"));
    }
}
