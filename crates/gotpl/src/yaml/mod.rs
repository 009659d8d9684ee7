//! YAML as helm sees it.
//!
//! - [`load`]: text → [`Value`] the way `sigs.k8s.io/yaml.Unmarshal` does it: go-yaml v2 with
//!   YAML 1.1 resolution (`yes`/`on`/`y` booleans, `0777` octal, `1_000`), then a JSON round
//!   trip (every number `float64`, keys stringified, `.inf` rejected).
//! - [`load_spanned`]: the same plus [`Spans`], the source position of every key and value
//!   (`spans.find(&["image", "tag"])`, `spans.pointer("/env/0/value")`, `spans.loc(path)`).
//! - [`load_map`] / [`load_list`]: into `map[string]interface{}` / `[]interface{}` (helm's
//!   `fromYaml`, `fromYamlArray`, Chart.yaml); [`load_all`]: every document of a stream;
//!   [`load_values`]: helm v4's values files (documents split at `---` lines and deep-merged).
//! - [`to_yaml`]: helm's `toYaml` bytes (`json.Marshal` → yaml.v2 `Unmarshal` → yaml.v2 `Marshal`),
//!   [`to_yaml_pretty`]: helm's `toYamlPretty` (yaml.v3 encoder, indent 2).
//!
//! Loading: saphyr-parser events feed our own tree builder and YAML 1.1 resolver (`load.rs`);
//! a line-based fast path (`fast.rs`) handles the plain block YAML most files are made of and
//! defers everything else to it. Where saphyr and libyaml disagree (a tab after `key:`, flow
//! collections at the parent's indentation, `\/` escapes) the loader follows libyaml.

mod emit;
mod fast;
mod load;
mod resolve;

pub use emit::{to_yaml, to_yaml_pretty};
pub use load::{
    load, load_all, load_all_spanned, load_list, load_map, load_pruned, load_spanned, load_values,
    split_documents, Loc, PathSeg, SpanNode, Spans,
};

use std::fmt;

/// A YAML load error. `message` (and `Display`) is go-yaml's / encoding/json's own text
/// (`yaml: line 3: mapping values are not allowed in this context`, `json: unsupported value:
/// +Inf`); [`YamlError::full_message`] adds the sigs.k8s.io/yaml wrapper helm prints.
/// `line`/`col` are 1-based positions in the loaded text (0 when unknown).
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub stage: Stage,
}

/// Which sigs.k8s.io/yaml step failed: it decides the wrapper text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// YAML syntax or YAML → JSON conversion: `error converting YAML to JSON: …`.
    Convert,
    /// The JSON didn't fit the target type: `error unmarshaling JSON: while decoding JSON: …`.
    Decode,
    /// `message` is already complete (values-file loading, document splitting).
    Complete,
}

impl YamlError {
    /// The message as sigs.k8s.io/yaml returns it (what helm's `fromYaml` puts under "Error").
    pub fn full_message(&self) -> String {
        match self.stage {
            Stage::Convert => format!("error converting YAML to JSON: {}", self.message),
            Stage::Decode => format!(
                "error unmarshaling JSON: while decoding JSON: {}",
                self.message
            ),
            Stage::Complete => self.message.clone(),
        }
    }
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}

#[cfg(test)]
mod fixtures {
    //! Outputs recorded from helm v4.1.4 (`{{ toJson .Values }}`, `toYaml`, `toYamlPretty`,
    //! `toToml` on `testdata/NAME.values.yaml`), compared byte for byte.
    use crate::value::Value;

    fn check(name: &str, values: &str, json: &str, yaml: &str, pretty: &str, toml: &str) {
        let v = Value::Map(super::load_values(values).expect("values load"));
        let trim = |s: String| s.strip_suffix('\n').map(str::to_string).unwrap_or(s);
        assert_eq!(
            crate::json::to_json(&v).unwrap_or_default(),
            json,
            "{name}: toJson"
        );
        assert_eq!(
            trim(super::to_yaml(&v).unwrap_or_default()),
            yaml,
            "{name}: toYaml"
        );
        assert_eq!(
            trim(super::to_yaml_pretty(&v).unwrap_or_default()),
            pretty,
            "{name}: toYamlPretty"
        );
        let t = crate::toml::to_toml(&v).unwrap_or_else(|e| e);
        assert_eq!(t, toml, "{name}: toToml");
    }

    macro_rules! fixture {
        ($name:literal) => {
            check(
                $name,
                include_str!(concat!("testdata/", $name, ".values.yaml")),
                include_str!(concat!("testdata/", $name, ".json")),
                include_str!(concat!("testdata/", $name, ".yaml")),
                include_str!(concat!("testdata/", $name, ".pretty")),
                include_str!(concat!("testdata/", $name, ".toml")),
            )
        };
    }

    #[test]
    fn quirks_table() {
        fixture!("big");
    }

    #[test]
    fn layouts() {
        fixture!("s1");
    }

    #[test]
    fn escapes_and_tabs() {
        fixture!("s2");
    }

    #[test]
    fn toml_and_rejected_characters() {
        fixture!("t");
    }
}
