//! helm's engine-bound functions: `include`, `tpl`, `required`, `fail`, `lookup`.
//! `required`/`fail` wrap their message in HELM_ERR_START…HELM_ERR_END as helm does; helm's
//! renderer turns such errors into `execution error at (file:line:col): msg`.

use crate::func::{FuncDef, Host};
use crate::funcs;
use crate::value::Value;

pub const FUNCS: &[FuncDef] = funcs![
    "include"(Str, Any) => include,
    "tpl"(Str, Any) => tpl,
    "required"(Str, Any) => required,
    "fail"(Str) => fail,
    "lookup"(Str, Str, Str, Str) => lookup,
];

pub const ERR_START: &str = "HELM_ERR_START";
pub const ERR_END: &str = "HELM_ERR_END";

fn wrap(msg: &str) -> String {
    format!("{ERR_START}{msg}{ERR_END}")
}

fn include(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let name = a[0].as_str().unwrap_or("");
    h.include(name, &a[1]).map(Value::from)
}

fn tpl(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let text = a[0].as_str().unwrap_or("");
    h.tpl(text, &a[1]).map(Value::from)
}

fn required(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let missing = match &a[1] {
        Value::Nil => true,
        Value::Str(s) => s.is_empty(),
        _ => false,
    };
    if !missing {
        return Ok(a[1].clone());
    }
    // Lint mode goes on with an empty value, as helm lint does.
    if h.lint_mode() {
        return Ok(Value::str(""));
    }
    Err(wrap(a[0].as_str().unwrap_or("")))
}

fn fail(h: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    if h.lint_mode() {
        return Ok(Value::str(""));
    }
    Err(wrap(a[0].as_str().unwrap_or("")))
}

/// `helm template` has no cluster: lookup always answers an empty map.
fn lookup(_: &mut dyn Host, _: &[Value]) -> Result<Value, String> {
    Ok(Value::empty_map())
}
