//! The values stage: final values against each chart's values.schema.json, one finding per
//! violation, located at the values line that set the offending value (the last user `-f` file
//! that sets it, else the chart's values.yaml), else at the schema.

use crate::chart::Chart;
use crate::finding::{Location, Related};
use crate::lint;
use crate::render::schema::{describe, to_json};
use gotpl::yaml::Spans;
use gotpl::Value;

/// A values file with its parsed spans, for locating paths.
pub struct ValuesFile {
    /// Path relative to the scan root.
    pub path: String,
    pub spans: Spans,
}

impl ValuesFile {
    pub fn parse(path: &str, text: &str) -> Option<ValuesFile> {
        gotpl::yaml::load_spanned(text)
            .ok()
            .map(|(_, spans)| ValuesFile {
                path: path.to_string(),
                spans,
            })
    }
}

/// Where `path` (keys from the root of the values) is set: the last user file that sets it
/// wins, as in helm's merge; then the chart defaults. Falls back to the deepest ancestor set.
fn locate(path: &[String], user: &[ValuesFile], defaults: Option<&ValuesFile>) -> Option<Location> {
    for depth in (1..=path.len()).rev() {
        let p = &path[..depth];
        let files = user.iter().rev().chain(defaults);
        for f in files {
            if let Some(n) = f.spans.find(p) {
                let at = n.key.unwrap_or(n.value);
                return Some(Location {
                    path: f.path.clone(),
                    line: Some(at.line as u32),
                    column: Some(at.col as u32),
                    ..Location::default()
                });
            }
        }
    }
    None
}

/// Checks `values` against `chart`'s schema and its subcharts' (each on its own section).
/// `prefix` is the chart's key path inside the root values; `dir` its directory (for paths).
pub fn check(
    chart: &Chart,
    values: &Value,
    dir: &str,
    prefix: &[String],
    user: &[ValuesFile],
    defaults: Option<&ValuesFile>,
    chart_rel: &str,
) -> Vec<crate::finding::Finding> {
    let mut out = Vec::new();
    if let Some(schema) = &chart.schema {
        let schema_path = format!("{dir}/values.schema.json");
        match serde_json::from_slice::<serde_json::Value>(schema)
            .map_err(|e| e.to_string())
            .and_then(|s| jsonschema::validator_for(&s).map_err(|e| e.to_string()))
        {
            Err(e) => out.push(lint::finding(
                "render/values-schema",
                format!("values.schema.json cannot be used: {e}"),
                lint::at(&schema_path, None, None),
                Some(chart_rel),
            )),
            Ok(v) => {
                let instance = to_json(values);
                for e in v.iter_errors(&instance) {
                    let mut path: Vec<String> = prefix.to_vec();
                    path.extend(
                        e.instance_path()
                            .as_str()
                            .split('/')
                            .skip(1)
                            .map(|s| s.replace("~1", "/").replace("~0", "~")),
                    );
                    let msg = format!(
                        "{}: {}",
                        chart.name(),
                        describe(&e).trim_start_matches("- ")
                    );
                    let loc = locate(&path, user, defaults)
                        .or_else(|| lint::at(&schema_path, None, None));
                    let mut f = lint::finding("render/values-schema", msg, loc, Some(chart_rel));
                    f.related.push(Related {
                        label: format!("schema rule {}", e.schema_path().as_str()),
                        location: Location {
                            path: schema_path.clone(),
                            ..Location::default()
                        },
                    });
                    out.push(f);
                }
            }
        }
    }
    for sub in &chart.dependencies {
        let Some(section) = values.as_map().and_then(|m| m.get(sub.name())) else {
            continue;
        };
        if section.as_map().is_none() {
            continue;
        }
        let mut p = prefix.to_vec();
        p.push(sub.name().to_string());
        let sub_dir = format!(
            "{dir}/charts/{}",
            sub.source
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        );
        out.extend(check(
            sub, &section, &sub_dir, &p, user, defaults, chart_rel,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locates_the_last_user_file_then_defaults() {
        let d = ValuesFile::parse("c/values.yaml", "image:\n  tag: 1\nport: 80\n").unwrap();
        let u = ValuesFile::parse("prod.yaml", "image:\n  tag: x\n").unwrap();
        let p = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        let l = locate(&p(&["image", "tag"]), std::slice::from_ref(&u), Some(&d)).unwrap();
        assert_eq!((l.path.as_str(), l.line), ("prod.yaml", Some(2)));
        let l = locate(&p(&["port"]), std::slice::from_ref(&u), Some(&d)).unwrap();
        assert_eq!((l.path.as_str(), l.line), ("c/values.yaml", Some(3)));
        // A missing key is reported at its deepest existing parent.
        let l = locate(&p(&["image", "registry"]), &[], Some(&d)).unwrap();
        assert_eq!(l.line, Some(1));
    }
}
