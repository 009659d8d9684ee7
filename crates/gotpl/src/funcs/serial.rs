//! Serialisation functions: helm's `toYaml`/`fromYaml`/`toJson`/`fromJson`/`toToml`/`fromToml`
//! families and sprig's JSON encoders, with each one's error behaviour (helm's "swallow"
//! variants return "" or an `Error` entry, the `must` variants fail the template).

use crate::func::{FuncDef, Host};
use crate::json;
use crate::toml;
use crate::value::{Map, Value};
use crate::yaml;

pub const FUNCS: &[FuncDef] = crate::funcs![
    "toYaml"(Any) => to_yaml,
    "mustToYaml"(Any) => must_to_yaml,
    "toYamlPretty"(Any) => to_yaml_pretty,
    "fromYaml"(Str) => from_yaml,
    "fromYamlArray"(Str) => from_yaml_array,
    "toJson"(Any) => to_json,
    "mustToJson"(Any) => must_to_json,
    "toPrettyJson"(Any) => to_pretty_json,
    "mustToPrettyJson"(Any) => must_to_pretty_json,
    "toRawJson"(Any) => to_raw_json,
    "mustToRawJson"(Any) => must_to_raw_json,
    "fromJson"(Str) => from_json,
    "mustFromJson"(Str) => must_from_json,
    "fromJsonArray"(Str) => from_json_array,
    "toToml"(Any) => to_toml,
    "fromToml"(Str) => from_toml,
];

fn arg(args: &[Value]) -> &Value {
    args.first().unwrap_or(&Value::Nil)
}

fn arg_str(args: &[Value]) -> &str {
    arg(args).as_str().unwrap_or("")
}

/// helm trims exactly one trailing newline from the YAML encoders' output.
fn trim_nl(mut s: String) -> String {
    if s.ends_with('\n') {
        s.pop();
    }
    s
}

fn to_yaml(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        yaml::to_yaml(arg(args)).map(trim_nl).unwrap_or_default(),
    ))
}

fn must_to_yaml(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    yaml::to_yaml(arg(args)).map(|s| Value::from(trim_nl(s)))
}

fn to_yaml_pretty(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        yaml::to_yaml_pretty(arg(args))
            .map(trim_nl)
            .unwrap_or_default(),
    ))
}

/// Errors become `{"Error": message}`.
fn from_yaml(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(Value::Map(match yaml::load_map(arg_str(args)) {
        Ok(m) => m,
        Err(e) => error_map(e.full_message()),
    }))
}

/// Errors become a one-element list holding the message.
fn from_yaml_array(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(match yaml::load_list(arg_str(args)) {
        Ok(items) => Value::list(items),
        Err(e) => Value::list(vec![Value::from(e.full_message())]),
    })
}

fn error_map(msg: String) -> Map {
    let m = Map::new();
    m.insert("Error", Value::from(msg));
    m
}

fn to_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(Value::from(json::to_json(arg(args)).unwrap_or_default()))
}

fn must_to_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    json::to_json(arg(args)).map(Value::from)
}

fn to_pretty_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(Value::from(
        json::to_pretty_json(arg(args)).unwrap_or_default(),
    ))
}

fn must_to_pretty_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    json::to_pretty_json(arg(args)).map(Value::from)
}

/// sprig panics on an encoding error; text/template turns the panic into a call error.
fn to_raw_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    json::to_raw_json(arg(args)).map(Value::from)
}

fn must_to_raw_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    json::to_raw_json(arg(args)).map(Value::from)
}

/// `json.Unmarshal` into a map: syntax/type errors give `{"Error": msg}`; an out-of-range
/// number leaves what was decoded (that key nil) plus the `Error` entry, as Go does.
fn from_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(Value::Map(match json::from_json_partial(arg_str(args)) {
        Ok((Value::Map(m), err)) => {
            if let Some(e) = err {
                m.insert("Error", Value::from(e.0));
            }
            m
        }
        // `null` unmarshals into the map by making it nil (prints `map[]`, encodes `null`).
        Ok((Value::Nil, None)) => Map::nil_of(crate::value::MapType::Any),
        Ok((other, _)) => error_map(match json::from_json_map_error(&other) {
            Some(e) => e.0,
            None => String::new(),
        }),
        Err(e) => error_map(e.0),
    }))
}

/// sprig's `mustFromJson`: `json.Unmarshal` into `interface{}` (any JSON value), errors fail.
fn must_from_json(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    json::from_json(arg_str(args)).map_err(|e| e.0)
}

fn from_json_array(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    let src = arg_str(args);
    // `null` unmarshals into the slice by making it nil (prints `[]`, encodes `null`).
    if src.trim() == "null" {
        return Ok(Value::appended_list(
            crate::value::ElemType::Any,
            Vec::new(),
        ));
    }
    Ok(match json::from_json_list(src) {
        Ok(items) => Value::list(items),
        Err(e) => Value::list(vec![Value::from(e.0)]),
    })
}

/// helm returns the encoder's error text as the result; a nil argument panics in reflect,
/// which text/template reports as a call error.
fn to_toml(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    if arg(args).is_nil() {
        return Err("reflect: call of reflect.Value.Type on zero Value".into());
    }
    Ok(Value::from(toml::to_toml(arg(args)).unwrap_or_else(|e| e)))
}

fn from_toml(_: &mut dyn Host, args: &[Value]) -> Result<Value, String> {
    Ok(Value::Map(match toml::from_toml(arg_str(args)) {
        Ok(m) => m,
        Err(e) => error_map(e),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    struct NoHost;
    impl Host for NoHost {
        fn rand_u64(&mut self) -> u64 {
            4
        }
        fn now(&self) -> (i64, u32) {
            (0, 0)
        }
        fn include(&mut self, _: &str, _: &Value) -> Result<String, String> {
            Err("no".into())
        }
        fn tpl(&mut self, _: &str, _: &Value) -> Result<String, String> {
            Err("no".into())
        }
    }

    fn call(name: &str, a: Value) -> Result<Value, String> {
        let f = FUNCS.iter().find(|f| f.name == name).expect("function");
        (f.call)(&mut NoHost, &[a])
    }

    fn json_of(v: Value) -> String {
        json::to_json(&v).unwrap()
    }

    /// Expected outputs from helm v4.1.4 (`{{ fromYaml "a: [" | toJson }}` etc.).
    #[test]
    fn error_behaviours_match_helm() {
        assert_eq!(
            json_of(call("fromYaml", "a: [".into()).unwrap()),
            r#"{"Error":"error converting YAML to JSON: yaml: line 1: did not find expected node content"}"#
        );
        assert_eq!(
            json_of(call("fromYamlArray", "a: 1".into()).unwrap()),
            r#"["error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"]"#
        );
        assert_eq!(
            json_of(call("fromYamlArray", "- a\n- 1".into()).unwrap()),
            r#"["a",1]"#
        );
        assert_eq!(
            json_of(call("fromJson", "[1]".into()).unwrap()),
            r#"{"Error":"json: cannot unmarshal array into Go value of type map[string]interface {}"}"#
        );
        assert_eq!(
            json_of(call("fromJsonArray", "{}".into()).unwrap()),
            r#"["json: cannot unmarshal object into Go value of type []interface {}"]"#
        );
        assert_eq!(
            json_of(call("fromJson", r#"{"a":1e400}"#.into()).unwrap()),
            r#"{"Error":"json: cannot unmarshal number 1e400 into Go value of type float64","a":null}"#
        );
        assert_eq!(
            json_of(call("fromJson", r#"{"a":1,}"#.into()).unwrap()),
            r#"{"Error":"invalid character '}' looking for beginning of object key string"}"#
        );
        assert_eq!(
            json_of(call("fromJson", "".into()).unwrap()),
            r#"{"Error":"unexpected end of JSON input"}"#
        );
        assert_eq!(json_of(call("fromYaml", "".into()).unwrap()), "{}");
        assert_eq!(
            json_of(call("fromYaml", "a: 1\n---\nb: 2".into()).unwrap()),
            r#"{"a":1}"#
        );
        assert_eq!(
            call("toYaml", Value::Float(f64::NAN)).unwrap().as_str(),
            Some("")
        );
        assert!(call("mustToYaml", Value::Float(f64::NAN)).is_err());
        assert_eq!(call("toYaml", Value::Nil).unwrap().as_str(), Some("null"));
        assert_eq!(
            call("toYaml", Value::list(vec![])).unwrap().as_str(),
            Some("[]")
        );
    }

    #[test]
    fn pretty_and_raw_json() {
        let m = Map::new();
        m.insert("a", Value::list(vec![Value::Int(1), Value::Int(2)]));
        m.insert("b", Value::empty_map());
        m.insert("c", Value::list(vec![]));
        assert_eq!(
            call("toPrettyJson", Value::Map(m)).unwrap().as_str(),
            Some("{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": {},\n  \"c\": []\n}")
        );
        let m = Map::new();
        m.insert("a", Value::from("<&>"));
        assert_eq!(
            call("toRawJson", Value::Map(m.clone())).unwrap().as_str(),
            Some(r#"{"a":"<&>"}"#)
        );
        assert_eq!(
            call("toJson", Value::Map(m)).unwrap().as_str(),
            Some(r#"{"a":"\u003c\u0026\u003e"}"#)
        );
    }

    fn s(name: &str, a: Value) -> String {
        call(name, a).unwrap().as_str().unwrap_or("?").to_string()
    }

    fn map(pairs: &[(&str, Value)]) -> Value {
        let m = Map::new();
        for (k, v) in pairs {
            m.insert(*k, v.clone());
        }
        Value::Map(m)
    }

    /// Template-typed arguments (int/float literals, lists, dicts), expected output from helm.
    #[test]
    fn template_values_match_helm() {
        assert_eq!(s("toYaml", Value::Float(1.5)), "1.5");
        assert_eq!(s("toYaml", Value::Float(1e21)), "1e+21");
        assert_eq!(s("toYaml", Value::Float(1e20)), "1e+20");
        assert_eq!(s("toYaml", Value::Float(1e-7)), "1e-07");
        assert_eq!(s("toYaml", "yes".into()), "\"yes\"");
        let nested = Value::list(vec![
            "a".into(),
            Value::list(vec![Value::Int(1), Value::Int(2)]),
            map(&[("k", Value::list(vec![]))]),
        ]);
        assert_eq!(s("toYaml", nested), "- a\n- - 1\n  - 2\n- k: []");
        assert_eq!(s("toJson", Value::Float(1e21)), "1e+21");
        assert_eq!(s("toJson", Value::Float(1e-7)), "1e-7");
        assert_eq!(s("toJson", Value::Float(-0.0)), "-0");
        assert_eq!(s("toJson", Value::Float(1e20)), "100000000000000000000");
        assert_eq!(s("toJson", Value::Float(123456789.0)), "123456789");
        assert_eq!(s("toJson", Value::Int64(5)), "5");
        assert_eq!(s("toYamlPretty", Value::Float(1e6)), "1e+06");
        assert_eq!(s("toYamlPretty", Value::Int(1000000)), "1000000");
        assert_eq!(s("toYamlPretty", "yes".into()), "\"yes\"");
        assert_eq!(s("toYamlPretty", "".into()), "\"\"");
        assert_eq!(s("toYamlPretty", Value::Nil), "null");
        assert_eq!(s("toYaml", "".into()), "\"\"");
        assert_eq!(s("toYaml", "a\nb".into()), "|-\n  a\n  b");
        assert_eq!(s("toYaml", " a\n".into()), "|2\n   a");
        assert_eq!(s("toYaml", map(&[("", "x".into())])), "\"\": x");
        assert_eq!(s("toYaml", Value::list(vec!["".into()])), "- \"\"");
        assert_eq!(s("toYamlPretty", map(&[("", "".into())])), "\"\": \"\"");
        assert_eq!(
            s(
                "toJson",
                Value::list(vec![
                    Value::Int(1),
                    "a".into(),
                    Value::Nil,
                    Value::Bool(true)
                ])
            ),
            r#"[1,"a",null,true]"#
        );
        assert_eq!(s("toPrettyJson", Value::list(vec![])), "[]");
        assert_eq!(s("toPrettyJson", "a<".into()), r#""a\u003c""#);
        let deep = map(&[(
            "a",
            map(&[(
                "b",
                Value::list(vec![map(&[("c", Value::list(vec![Value::Int(1)]))])]),
            )]),
        )]);
        assert_eq!(s("toYaml", deep), "a:\n  b:\n  - c:\n    - 1");
        let pj = map(&[
            ("a", map(&[("b", Value::Int(1))])),
            ("c", Value::list(vec![Value::empty_map()])),
        ]);
        assert_eq!(
            s("toPrettyJson", pj),
            "{\n  \"a\": {\n    \"b\": 1\n  },\n  \"c\": [\n    {}\n  ]\n}"
        );
        assert_eq!(
            s("toYaml", map(&[("k", "- a\n- b".into())])),
            "k: |-\n  - a\n  - b"
        );
        let lll = Value::list(vec![Value::list(vec![Value::list(vec!["x".into()])])]);
        assert_eq!(s("toYaml", lll), "- - - x");
        let lm = Value::list(vec![map(&[
            ("a", Value::list(vec!["x".into()])),
            ("b", Value::Int(1)),
        ])]);
        assert_eq!(s("toYaml", lm), "- a:\n  - x\n  b: 1");
    }
}
