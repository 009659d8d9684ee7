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

/// The instance type name in helm's validator messages: every JSON number is a `number`
/// (verified: an integer where a string is wanted says `got number, want string`).
fn json_type_name(v: &serde_json::Value) -> &'static str {
    use serde_json::Value as J;
    match v {
        J::Null => "null",
        J::Bool(_) => "boolean",
        J::Number(_) => "number",
        J::String(_) => "string",
        J::Array(_) => "array",
        J::Object(_) => "object",
    }
}

/// A value as helm's validator quotes it in `enum`/`const` messages: strings in single
/// quotes, null as `<nil>`, others as JSON.
fn quote_value(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => format!("'{s}'"),
        serde_json::Value::Null => "<nil>".into(),
        other => other.to_string(),
    }
}

fn quote_list(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Array(a) => a.iter().map(quote_value).collect::<Vec<_>>().join(", "),
        other => quote_value(other),
    }
}

/// The length of an instance for the size keywords (characters, items, properties).
fn size_of(v: &serde_json::Value) -> usize {
    match v {
        serde_json::Value::String(s) => s.chars().count(),
        serde_json::Value::Array(a) => a.len(),
        serde_json::Value::Object(o) => o.len(),
        _ => 0,
    }
}

/// `uniqueItems`: the first pair of equal items, as helm names them.
fn equal_items(v: &serde_json::Value) -> Option<(usize, usize)> {
    let serde_json::Value::Array(a) = v else {
        return None;
    };
    for j in 1..a.len() {
        for i in 0..j {
            if json_equal(&a[i], &a[j]) {
                return Some((i, j));
            }
        }
    }
    None
}

/// JSON equality with numbers compared by value (1 == 1.0).
fn json_equal(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (a, b) {
        (J::Number(x), J::Number(y)) => x.as_f64() == y.as_f64(),
        (J::Array(x), J::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_equal(p, q))
        }
        (J::Object(x), J::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A float as helm's validator prints a schema number (`2`, not `2.0`).
fn go_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// `KEYWORD: got X, want Y` (helm's form for the numeric and size keywords).
fn got_want(keyword: &str, got: impl std::fmt::Display, want: impl std::fmt::Display) -> String {
    format!("{keyword}: got {got}, want {want}")
}

/// One failure, in the words of helm's validator (`- at '/policy': got null, want string`),
/// with the causes of `anyOf`/`oneOf` failures indented under it.
pub fn describe(e: &jsonschema::ValidationError<'_>) -> String {
    describe_at(e, 0)
}

fn describe_at(e: &jsonschema::ValidationError<'_>, depth: usize) -> String {
    let inst = e.instance();
    let mut causes: Vec<String> = Vec::new();
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
            format!("got {}, want {}", json_type_name(inst), want)
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
        ValidationErrorKind::Constant { expected_value } => {
            format!("value must be {}", quote_value(expected_value))
        }
        ValidationErrorKind::Maximum { limit } => got_want("maximum", inst, limit),
        ValidationErrorKind::Minimum { limit } => got_want("minimum", inst, limit),
        ValidationErrorKind::ExclusiveMaximum { limit } => {
            got_want("exclusiveMaximum", inst, limit)
        }
        ValidationErrorKind::ExclusiveMinimum { limit } => {
            got_want("exclusiveMinimum", inst, limit)
        }
        ValidationErrorKind::MultipleOf { multiple_of } => {
            got_want("multipleOf", inst, go_number(*multiple_of))
        }
        ValidationErrorKind::MaxLength { limit } => got_want("maxLength", size_of(inst), limit),
        ValidationErrorKind::MinLength { limit } => got_want("minLength", size_of(inst), limit),
        ValidationErrorKind::MaxItems { limit } => got_want("maxItems", size_of(inst), limit),
        ValidationErrorKind::MinItems { limit } => got_want("minItems", size_of(inst), limit),
        ValidationErrorKind::MaxProperties { limit } => {
            got_want("maxProperties", size_of(inst), limit)
        }
        ValidationErrorKind::MinProperties { limit } => {
            got_want("minProperties", size_of(inst), limit)
        }
        ValidationErrorKind::Pattern { pattern } => match inst.as_ref() {
            serde_json::Value::String(s) => format!("'{s}' does not match pattern '{pattern}'"),
            _ => e.to_string(),
        },
        ValidationErrorKind::UniqueItems => match equal_items(inst) {
            Some((i, j)) => format!("items at {i} and {j} are equal"),
            None => e.to_string(),
        },
        ValidationErrorKind::Not { .. } => "'not' failed".into(),
        ValidationErrorKind::FalseSchema => "false schema".into(),
        ValidationErrorKind::AnyOf { context } => {
            causes = context
                .iter()
                .flatten()
                .map(|c| describe_at(c, depth + 1))
                .collect();
            "'anyOf' failed".into()
        }
        ValidationErrorKind::OneOfNotValid { context } => {
            causes = context
                .iter()
                .flatten()
                .map(|c| describe_at(c, depth + 1))
                .collect();
            "'oneOf' failed, none matched".into()
        }
        _ => e.to_string(),
    };
    let mut out = format!(
        "{}- at '{}': {}",
        "  ".repeat(depth),
        e.instance_path().as_str(),
        msg
    );
    for c in causes {
        out.push('\n');
        out.push_str(&c);
    }
    out
}

/// helm reports all missing required properties of one object on one line
/// (`missing properties 'a', 'b'`); the validator gives one error each.
fn merge_required(lines: Vec<String>) -> Vec<String> {
    const ONE: &str = "': missing property ";
    let mut out: Vec<String> = Vec::new();
    for line in lines {
        if let (Some(i), Some(last)) = (line.find(ONE), out.last_mut()) {
            let prefix = &line[..i + 3];
            let name = &line[i + ONE.len()..];
            if let Some(names) = last.strip_prefix(prefix) {
                let names = names
                    .strip_prefix("missing property ")
                    .or_else(|| names.strip_prefix("missing properties "));
                if let Some(names) = names {
                    *last = format!("{prefix}missing properties {names}, {name}");
                    continue;
                }
            }
        }
        out.push(line);
    }
    out
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
    validate_json(&to_json(values), schema)
}

/// [`validate_single`] on values already in JSON form (which, unlike a [`Value`], can be
/// checked on another thread).
pub fn validate_json(instance: &serde_json::Value, schema: &[u8]) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_slice(schema).map_err(|e| format!("{e}\n"))?;
    let validator =
        jsonschema::validator_for(&schema).map_err(|e| compile_error(&e.to_string()))?;
    let errors: Vec<_> = validator.iter_errors(instance).collect();
    // helm's validator stops at a failed `type`: other keywords at that location go unreported.
    let typed: Vec<String> = errors
        .iter()
        .filter(|e| matches!(e.kind(), ValidationErrorKind::Type { .. }))
        .map(|e| e.instance_path().as_str().to_string())
        .collect();
    let kept: Vec<_> = errors
        .iter()
        .filter(|e| {
            matches!(e.kind(), ValidationErrorKind::Type { .. })
                || !typed.iter().any(|t| t == e.instance_path().as_str())
        })
        .collect();
    if kept.is_empty() {
        return Ok(());
    }
    let mut lines: Vec<String> = Vec::new();
    // helm nests the failures of an `allOf` branch under one `'allOf' failed` line; the
    // validator reports them flat (their schema path runs through `/allOf/N/KEYWORD`).
    let mut all_of: Vec<(String, String, Vec<String>)> = Vec::new();
    for e in &kept {
        let line = describe(e);
        let inst = e.instance_path().as_str().to_string();
        match all_of_owner(e.schema_path().as_str()) {
            Some(owner) => {
                let child = format!("  {}", line.replace('\n', "\n  "));
                if let Some(g) = all_of.iter_mut().find(|g| g.0 == inst && g.1 == owner) {
                    g.2.push(child);
                } else {
                    lines.push(format!("\0allOf{}", all_of.len()));
                    all_of.push((inst, owner.to_string(), vec![child]));
                }
            }
            None => lines.push(line),
        }
    }
    let mut lines: Vec<String> = lines
        .into_iter()
        .map(|l| {
            match l
                .strip_prefix("\0allOf")
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(n) => {
                    let (inst, _, children) = &all_of[n];
                    format!("- at '{inst}': 'allOf' failed\n{}", children.join("\n"))
                }
                None => l,
            }
        })
        .collect();
    lines.dedup();
    let lines = merge_required(lines);
    Err(lines.join("\n") + "\n")
}

/// The schema location owning an `allOf` whose branch failed directly on one keyword
/// (`/properties/a/allOf/1/minimum` → `/properties/a`).
fn all_of_owner(schema_path: &str) -> Option<&str> {
    let i = schema_path.rfind("/allOf/")?;
    let rest = &schema_path[i + "/allOf/".len()..];
    let (index, keyword) = rest.split_once('/')?;
    if index.parse::<usize>().is_err() || keyword.contains('/') {
        return None;
    }
    Some(&schema_path[..i])
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
