//! values.schema.json validation as helm v4 does it before rendering
//! (`ValidateAgainstSchema`): each chart with a schema validates its own values, subcharts
//! their section of the parent's values, and the failures are reported per chart.
//! Schemas `$ref`ing remote URLs fail to load (no network), like helm offline.

use crate::chart::Chart;
use gotpl::Value;
use jsonschema::error::{TypeKind, ValidationErrorKind};

/// Converts a template value to JSON for the validator (floats stay floats; integral
/// float64s are still valid `integer`s for the validator).
pub fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        Value::Nil => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Int(i) | Value::Int64(i) => J::from(*i),
        Value::Uint(u) => J::from(*u),
        Value::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.007_199_254_740_992e15 {
                // Exact: keeps `integer` checks and error texts (`1` not `1.0`) simple.
                J::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f).map_or(J::Null, J::Number)
            }
        }
        Value::Str(s) => J::String(s.to_string()),
        Value::Bytes(b) => {
            use base64::Engine;
            J::String(base64::engine::general_purpose::STANDARD.encode(b))
        }
        Value::List(l) => J::Array(l.items.iter().map(to_json).collect()),
        Value::Map(m) => J::Object(
            m.borrow()
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        Value::Object(o) => to_json(&o.to_plain()),
    }
}

fn json_type_name(v: &serde_json::Value) -> &'static str {
    use serde_json::Value as J;
    match v {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(n) if n.is_i64() || n.is_u64() => "integer",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

fn quote_list(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// One failure, in the words of helm's validator where we know them
/// (`- at '/policy': got null, want string`).
pub fn describe(e: &jsonschema::ValidationError<'_>) -> String {
    let msg = match e.kind() {
        ValidationErrorKind::Type { kind } => {
            let want = match kind {
                TypeKind::Single(t) => t.as_str().to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.as_str())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            format!("got {}, want {}", json_type_name(e.instance()), want)
        }
        ValidationErrorKind::Required { property } => {
            format!(
                "missing property {}",
                property.to_string().replace('"', "'")
            )
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let names: Vec<String> = unexpected.iter().map(|u| format!("'{u}'")).collect();
            format!("additional properties {} not allowed", names.join(", "))
        }
        ValidationErrorKind::Enum { options } => {
            format!("value must be one of {}", quote_list(options))
        }
        _ => e.to_string(),
    };
    format!("- at '{}': {}", e.instance_path().as_str(), msg)
}

/// A schema that cannot be compiled. An unresolvable remote `$ref` is worded like helm's
/// loader failure (we never fetch: no network access at run time).
fn compile_error(msg: &str) -> String {
    if let Some(rest) = msg.strip_prefix("Resource '") {
        if let Some(end) = rest.find("' is not present") {
            let url = &rest[..end];
            return format!(
                "failing loading {url:?}: HTTP request failed for {url}: network access is disabled\n"
            );
        }
    }
    format!("{msg}\n")
}

/// Validates `values` against one schema; `Err` holds helm's per-chart error text.
pub fn validate_single(values: &Value, schema: &[u8]) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_slice(schema).map_err(|e| format!("{e}\n"))?;
    let validator =
        jsonschema::validator_for(&schema).map_err(|e| compile_error(&e.to_string()))?;
    let instance = to_json(values);
    let errors: Vec<_> = validator.iter_errors(&instance).collect();
    // helm's validator stops at a failed `type`: other keywords at that location go unreported.
    let typed: Vec<String> = errors
        .iter()
        .filter(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }))
        .map(|e| e.instance_path().as_str().to_string())
        .collect();
    let mut lines: Vec<String> = errors
        .iter()
        .filter(|e| {
            matches!(e.kind(), ValidationErrorKind::Type { .. })
                || !typed.iter().any(|t| t == e.instance_path().as_str())
        })
        .map(describe)
        .collect();
    if lines.is_empty() {
        return Ok(());
    }
    lines.dedup();
    Err(lines.join("\n") + "\n")
}

/// helm's `ValidateAgainstSchema` over the chart tree. `Err` is the text after
/// `values don't meet the specifications of the schema(s) in the following chart(s):\n`.
pub fn validate_tree(chart: &Chart, values: &Value) -> Result<(), String> {
    let mut sb = String::new();
    if let Some(schema) = &chart.schema {
        if let Err(e) = validate_single(values, schema) {
            sb.push_str(&format!("{}:\n{}", chart.name(), e));
        }
    }
    for sub in &chart.dependencies {
        let raw = match values {
            Value::Map(m) => m.get(sub.name()),
            _ => None,
        };
        match raw {
            None | Some(Value::Nil) => continue,
            Some(v @ Value::Map(_)) => {
                if let Err(e) = validate_tree(sub, &v) {
                    sb.push_str(&e);
                }
            }
            Some(other) => sb.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                other.type_name()
            )),
        }
    }
    if sb.is_empty() {
        Ok(())
    } else {
        Err(sb)
    }
}

/// The full error helm prints when values fail their schemas.
pub fn validate_values(chart: &Chart, values: &Value) -> Result<(), String> {
    validate_tree(chart, values).map_err(|e| {
        format!(
            "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn type_error_worded_like_helm() {
        let schema = br#"{"type":"object","properties":{"policy":{"type":"string"}}}"#;
        let mut m = BTreeMap::new();
        m.insert("policy".to_string(), Value::Nil);
        let err = validate_single(&Value::map(m), schema).unwrap_err();
        assert_eq!(err, "- at '/policy': got null, want string\n");
        let mut ok = BTreeMap::new();
        ok.insert("policy".to_string(), Value::str("x"));
        assert!(validate_single(&Value::map(ok), schema).is_ok());
    }

    #[test]
    fn integral_floats_are_integers() {
        let schema = br#"{"properties":{"n":{"type":"integer","minimum":1}}}"#;
        let mut m = BTreeMap::new();
        m.insert("n".to_string(), Value::Float(3.0));
        assert!(validate_single(&Value::map(m), schema).is_ok());
    }

    #[test]
    fn remote_refs_fail_offline() {
        let schema = br#"{"$ref":"https://example.invalid/x.json"}"#;
        assert!(validate_single(&Value::empty_map(), schema).is_err());
    }
}
