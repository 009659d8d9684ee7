//! YAML as helm sees it.
//!
//! - [`load`]: text → [`Value`] the way `sigs.k8s.io/yaml.Unmarshal` does it: go-yaml v2 with
//!   YAML 1.1 resolution (`yes`/`on`/`y` booleans, `0777` octal, `1_000`), then a JSON round
//!   trip (every number `float64`, keys stringified, `.inf` rejected).
//! - [`load_spanned`]: the same plus [`Spans`], the source position of every key and value.
//! - [`to_yaml`]: helm's `toYaml` bytes (`json.Marshal` → yaml.v2 `Unmarshal` → yaml.v2 `Marshal`),
//!   [`to_yaml_pretty`]: helm's `toYamlPretty` (yaml.v3 encoder, indent 2).

mod emit;
mod load;
mod resolve;

pub use emit::{to_yaml, to_yaml_pretty};
pub use load::{load, load_all, load_all_spanned, load_list, load_map, load_spanned, Loc, PathSeg, Spans};

use std::fmt;

/// A YAML load error. `Display` gives helm's wording (`yaml: line 3: mapping values are not
/// allowed in this context`); `line`/`col` are 1-based (0 when unknown, as for JSON-stage errors).
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    pub line: usize,
    pub col: usize,
    pub message: String,
}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for YamlError {}
