//! values.schema.json validation as helm v4 does it before rendering
//! (`ValidateAgainstSchema`): each chart with a schema validates its own values, subcharts
//! their section of the parent's values, and the failures are reported per chart.
//! Schemas `$ref`ing remote URLs fail to load (no network), like helm offline.

use crate::chart::Chart;
use gotpl::Value;

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

/// One failure, in the words of helm's validator (`- at '/policy': got null, want string`),
/// with the causes of `anyOf`/`oneOf` failures indented under it.
pub fn describe(e: &jsonschema::ValidationError<'_>) -> String {
    super::schema_report::describe(e)
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
    // A `$ref` to a missing place in this file.
    if let Some(rest) = msg.strip_prefix("Pointer '") {
        if let Some(ptr) = rest.strip_suffix("' does not exist") {
            return format!("json-pointer in \"file:///values.schema.json#{ptr}\" not found\n");
        }
    }
    format!("{msg}\n")
}

/// Validates `values` against one schema; `Err` holds helm's per-chart error text.
pub fn validate_single(values: &Value, schema: &[u8]) -> Result<(), String> {
    validate_json(&to_json(values), schema)
}

/// [`validate_single`] on values already in JSON form (which, unlike a [`Value`], can be
/// checked on another thread).
pub fn validate_json(instance: &serde_json::Value, schema: &[u8]) -> Result<(), String> {
    // helm's JSON decoder says `unexpected EOF` for a truncated document.
    let schema: serde_json::Value = serde_json::from_slice(schema).map_err(|e| {
        if e.is_eof() {
            "unexpected EOF\n".to_string()
        } else {
            format!("{e}\n")
        }
    })?;
    let validator =
        jsonschema::validator_for(&schema).map_err(|e| compile_error(&e.to_string()))?;
    let errors: Vec<_> = validator.iter_errors(instance).collect();
    if errors.is_empty() {
        return Ok(());
    }
    Err(super::schema_report::report(&errors, &schema).join("\n") + "\n")
}

/// helm's `ValidateAgainstSchema` over a chart tree, planned on the values' thread and
/// runnable on any other ([`SchemaCheck::run`]): schema compilation is the costly part, and
/// `template` overlaps it with rendering.
pub struct SchemaCheck {
    steps: Vec<Step>,
}

enum Step {
    /// A chart's schema and its values.
    Check {
        chart: String,
        schema: Vec<u8>,
        values: serde_json::Value,
    },
    /// Text reported as is (a subchart whose values are not a map).
    Fail(String),
}

impl SchemaCheck {
    /// The checks for `chart` and its subcharts, in helm's order.
    pub fn plan(chart: &Chart, values: &Value) -> SchemaCheck {
        fn rec(chart: &Chart, values: &Value, steps: &mut Vec<Step>) {
            if let Some(schema) = &chart.schema {
                steps.push(Step::Check {
                    chart: chart.name().to_string(),
                    schema: schema.clone(),
                    values: to_json(values),
                });
            }
            for sub in &chart.dependencies {
                let raw = match values {
                    Value::Map(m) => m.get(sub.name()),
                    _ => None,
                };
                match raw {
                    None | Some(Value::Nil) => continue,
                    Some(v @ Value::Map(_)) => rec(sub, &v, steps),
                    Some(other) => steps.push(Step::Fail(format!(
                        "{}:\ninvalid type for values: expected object (map), got {}\n",
                        sub.name(),
                        other.type_name()
                    ))),
                }
            }
        }
        let mut steps = Vec::new();
        rec(chart, values, &mut steps);
        SchemaCheck { steps }
    }

    /// The bytes of schema text to compile (none: [`SchemaCheck::run`] is instant).
    pub fn schema_bytes(&self) -> u64 {
        self.steps
            .iter()
            .map(|s| match s {
                Step::Check { schema, .. } => schema.len() as u64,
                Step::Fail(_) => 0,
            })
            .sum()
    }

    /// `Err` is the text after `values don't meet the specifications of the schema(s) in the
    /// following chart(s):\n`.
    fn run(&self) -> Result<(), String> {
        let mut sb = String::new();
        for step in &self.steps {
            match step {
                Step::Check {
                    chart,
                    schema,
                    values,
                } => {
                    if let Err(e) = validate_json(values, schema) {
                        sb.push_str(&format!("{chart}:\n{e}"));
                    }
                }
                Step::Fail(text) => sb.push_str(text),
            }
        }
        if sb.is_empty() {
            Ok(())
        } else {
            Err(sb)
        }
    }

    /// [`SchemaCheck::run`] with helm's full error text.
    pub fn run_full(&self) -> Result<(), String> {
        self.run().map_err(|e| {
            format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{e}"
            )
        })
    }
}

/// The full error helm prints when values fail their schemas.
pub fn validate_values(chart: &Chart, values: &Value) -> Result<(), String> {
    SchemaCheck::plan(chart, values).run_full()
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
    fn keyword_messages_worded_like_helm() {
        // Each (schema of `v`, value, message) verified with helm v4.1.4 (`--set v=...`).
        let cases: &[(&str, Value, &str)] = &[
            (r#"{"maximum":1}"#, Value::Int64(3), "maximum: got 3, want 1"),
            (r#"{"minimum":1.5}"#, Value::Int64(1), "minimum: got 1, want 1.5"),
            (r#"{"exclusiveMaximum":1}"#, Value::Int64(1), "exclusiveMaximum: got 1, want 1"),
            (r#"{"exclusiveMinimum":1}"#, Value::Int64(1), "exclusiveMinimum: got 1, want 1"),
            (r#"{"multipleOf":2}"#, Value::Int64(3), "multipleOf: got 3, want 2"),
            (r#"{"maxLength":2}"#, Value::str("abc"), "maxLength: got 3, want 2"),
            (r#"{"minLength":3}"#, Value::str("a"), "minLength: got 1, want 3"),
            (r#"{"pattern":"^a+$"}"#, Value::str("b"), "'b' does not match pattern '^a+$'"),
            (r#"{"maxItems":1}"#, Value::list(vec![Value::Int64(1), Value::Int64(2)]), "maxItems: got 2, want 1"),
            (r#"{"minItems":3}"#, Value::list(vec![Value::Int64(1)]), "minItems: got 1, want 3"),
            (r#"{"uniqueItems":true}"#, Value::list(vec![Value::Int64(1), Value::Int64(1)]), "items at 0 and 1 are equal"),
            (r#"{"const":"c"}"#, Value::str("d"), "value must be 'c'"),
            (r#"{"enum":["a",1,null]}"#, Value::str("b"), "value must be one of 'a', 1, <nil>"),
            (r#"{"not":{"type":"integer"}}"#, Value::Int64(1), "'not' failed"),
            (r#"{"type":"string"}"#, Value::Int64(1), "got number, want string"),
            (
                r#"{"anyOf":[{"type":"string"},{"type":"integer"}]}"#,
                Value::Bool(true),
                "'anyOf' failed\n  - at '/v': got boolean, want string\n  - at '/v': got boolean, want integer",
            ),
            (
                r#"{"oneOf":[{"type":"string"},{"type":"integer"}]}"#,
                Value::Bool(true),
                "'oneOf' failed, none matched\n  - at '/v': got boolean, want string\n  - at '/v': got boolean, want integer",
            ),
        ];
        for (sub, value, want) in cases {
            let schema = format!(r#"{{"type":"object","properties":{{"v":{sub}}}}}"#);
            let mut m = BTreeMap::new();
            m.insert("v".to_string(), value.clone());
            let err = validate_single(&Value::map(m), schema.as_bytes()).unwrap_err();
            assert_eq!(err, format!("- at '/v': {want}\n"), "schema {sub}");
        }
        let schema = br#"{"type":"object","properties":{"all":{"allOf":[{"type":"integer"},{"minimum":5}]}}}"#;
        let mut m = BTreeMap::new();
        m.insert("all".to_string(), Value::Int64(1));
        assert_eq!(
            validate_single(&Value::map(m), schema).unwrap_err(),
            "- at '/all': 'allOf' failed\n  - at '/all': minimum: got 1, want 5\n"
        );
        let schema = br#"{"type":"object","properties":{"fs":false}}"#;
        let mut m = BTreeMap::new();
        m.insert("fs".to_string(), Value::Int64(1));
        assert_eq!(
            validate_single(&Value::map(m), schema).unwrap_err(),
            "- at '/fs': false schema\n"
        );
        let schema = br#"{"type":"object","required":["a","b"]}"#;
        assert_eq!(
            validate_single(&Value::empty_map(), schema).unwrap_err(),
            "- at '': missing properties 'a', 'b'\n"
        );
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
