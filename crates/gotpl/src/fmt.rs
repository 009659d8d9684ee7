//! Go's fmt as templates see it: `print`, `println`, `printf` and the `%v` form every action
//! uses to print its value.
//!
//! Placeholder bodies until the full implementation lands; the signatures are the contract.

use crate::value::Value;

/// Go's `fmt.Sprint(v)` of one value: what `{{ v }}` prints.
pub fn format_value(v: &Value) -> String {
    match v {
        Value::Nil => "<nil>".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => f.to_string(),
        Value::Str(s) => s.to_string(),
        other => format!("{other:?}"),
    }
}

/// Go's `fmt.Sprint(args...)`: spaces between operands when neither side is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && !matches!(a, Value::Str(_)) && !matches!(args[i - 1], Value::Str(_)) {
            out.push(' ');
        }
        out.push_str(&format_value(a));
    }
    out
}

/// Go's `fmt.Sprintln(args...)`: always spaces, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let parts: Vec<String> = args.iter().map(format_value).collect();
    parts.join(" ") + "\n"
}

/// Go's `fmt.Sprintf(format, args...)`, including the `%!verb(type=value)` error forms.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let _ = args;
    format.to_string()
}
