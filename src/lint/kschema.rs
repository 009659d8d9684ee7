//! Offline Kubernetes schema validation of rendered objects, against the schemas embedded from
//! data/k8s-schemas (see its README for source and licence). Kinds the schemas don't know
//! (custom resources) are skipped.

use std::collections::HashMap;
use std::io::Read;
use std::sync::{Arc, Mutex, OnceLock};

/// (minor version, gzipped definitions), oldest first.
const VERSIONS: &[((u32, u32), &[u8])] = &[
    (
        (1, 30),
        include_bytes!("../../data/k8s-schemas/v1.30.json.gz"),
    ),
    (
        (1, 31),
        include_bytes!("../../data/k8s-schemas/v1.31.json.gz"),
    ),
    (
        (1, 32),
        include_bytes!("../../data/k8s-schemas/v1.32.json.gz"),
    ),
    (
        (1, 33),
        include_bytes!("../../data/k8s-schemas/v1.33.json.gz"),
    ),
    (
        (1, 34),
        include_bytes!("../../data/k8s-schemas/v1.34.json.gz"),
    ),
    (
        (1, 35),
        include_bytes!("../../data/k8s-schemas/v1.35.json.gz"),
    ),
];

pub struct Schemas {
    pub version: (u32, u32),
    defs: serde_json::Value,
    /// (apiVersion, kind) → definition name.
    gvk: HashMap<(String, String), String>,
    /// Compiled validators per definition, shared by all threads.
    cache: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

/// The schemas for `want`: the newest embedded version not newer than it (the oldest when
/// `want` predates them all).
pub fn for_version(want: (u32, u32)) -> &'static Schemas {
    static LOADED: OnceLock<Vec<OnceLock<Schemas>>> = OnceLock::new();
    let slots = LOADED.get_or_init(|| VERSIONS.iter().map(|_| OnceLock::new()).collect());
    let idx = VERSIONS.iter().rposition(|(v, _)| *v <= want).unwrap_or(0);
    slots[idx].get_or_init(|| load(VERSIONS[idx].0, VERSIONS[idx].1))
}

fn load(version: (u32, u32), gz: &[u8]) -> Schemas {
    let mut text = String::new();
    // The embedded data is ours and checked by tests: a failure here is a build defect.
    flate2::read::GzDecoder::new(gz)
        .read_to_string(&mut text)
        .expect("embedded Kubernetes schemas decompress");
    let doc: serde_json::Value =
        serde_json::from_str(&text).expect("embedded Kubernetes schemas parse");
    let defs = doc["$defs"].clone();
    let mut gvk = HashMap::new();
    if let Some(m) = defs.as_object() {
        for (name, d) in m {
            for g in d["x-kubernetes-group-version-kind"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let group = g["group"].as_str().unwrap_or("");
                let api = if group.is_empty() {
                    g["version"].as_str().unwrap_or("").to_string()
                } else {
                    format!("{group}/{}", g["version"].as_str().unwrap_or(""))
                };
                gvk.insert(
                    (api, g["kind"].as_str().unwrap_or("").to_string()),
                    name.clone(),
                );
            }
        }
    }
    Schemas {
        version,
        defs,
        gvk,
        cache: Mutex::new(HashMap::new()),
    }
}

impl Schemas {
    pub fn knows(&self, api_version: &str, kind: &str) -> bool {
        self.gvk
            .contains_key(&(api_version.to_string(), kind.to_string()))
    }

    fn validator(&self, def: &str) -> Option<Arc<jsonschema::Validator>> {
        if let Some(v) = self.cache.lock().ok()?.get(def) {
            return Some(v.clone());
        }
        let schema = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$defs": self.defs,
            "$ref": format!("#/$defs/{def}"),
        });
        let v = Arc::new(
            jsonschema::options()
                .should_validate_formats(false)
                .build(&schema)
                .ok()?,
        );
        self.cache.lock().ok()?.insert(def.to_string(), v.clone());
        Some(v)
    }

    /// Violations of `doc` as (path segments, message); `None` when the kind is unknown.
    pub fn validate(&self, doc: &serde_json::Value) -> Option<Vec<(Vec<String>, String)>> {
        let api = doc["apiVersion"].as_str()?;
        let kind = doc["kind"].as_str()?;
        let def = self.gvk.get(&(api.to_string(), kind.to_string()))?;
        let v = self.validator(def)?;
        Some(
            v.iter_errors(doc)
                // IntOrString fields accept null in both branches of their `oneOf`: not an error.
                .filter(|e| {
                    !(e.instance().is_null()
                        && matches!(
                            e.kind(),
                            jsonschema::error::ValidationErrorKind::OneOfMultipleValid { .. }
                        ))
                })
                .map(|e| {
                    let path: Vec<String> = e
                        .instance_path()
                        .as_str()
                        .split('/')
                        .skip(1)
                        .map(|s| s.replace("~1", "/").replace("~0", "~"))
                        .collect();
                    let at = e.instance_path().as_str().to_string();
                    let at = if at.is_empty() { "/".to_string() } else { at };
                    (
                        path,
                        format!(
                            "at {at}: {}",
                            crate::render::schema::describe(&e)
                                .split_once(": ")
                                .map_or(e.to_string(), |(_, m)| m.to_string())
                        ),
                    )
                })
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn validates_known_kinds_and_skips_custom_resources() {
        let s = for_version((1, 33));
        assert_eq!(s.version, (1, 33));
        assert_eq!(for_version((1, 99)).version, (1, 35));
        assert_eq!(for_version((1, 20)).version, (1, 30));
        let bad = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"},
            "spec": {"replicas": "2", "selector": {}, "template": {"spec": {"containers": [{"name": "c", "ports": [{"containerPort": "80"}]}]}}}});
        let errs = s.validate(&bad).unwrap();
        let paths: Vec<String> = errs.iter().map(|(p, _)| p.join("/")).collect();
        assert!(paths.contains(&"spec/replicas".to_string()), "{errs:?}");
        assert!(
            paths.contains(&"spec/template/spec/containers/0/ports/0/containerPort".to_string()),
            "{errs:?}"
        );
        let null_port = json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "n"},
            "spec": {"podSelector": {}, "ingress": [{"ports": [{"port": null}]}]}});
        assert_eq!(
            s.validate(&null_port).unwrap().len(),
            0,
            "null IntOrString is valid"
        );
        let good = json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}, "data": {"a": "b"}});
        assert_eq!(s.validate(&good).unwrap().len(), 0);
        assert!(s
            .validate(&json!({"apiVersion": "example.com/v1", "kind": "Widget"}))
            .is_none());
    }
}
