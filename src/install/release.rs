//! The release record helm writes, so `helm list`, `helm history` and `helm uninstall` see
//! releases chartgate installed: a Secret `sh.helm.release.v1.<name>.v<revision>` of type
//! `helm.sh/release.v1`, labelled name/owner=helm/status/version, whose `data.release` holds
//! base64(gzip(JSON of helm's release object)) (and the Secret's data is base64 of that again,
//! as for every Secret).

use crate::chart::Chart;
use crate::chart::{Dependency, Metadata};
use crate::render::order::{Hook, HookEvent};
use base64::Engine as _;
use serde_json::{json, Map, Value as Json};
use std::io::{Read, Write};

/// helm's release statuses (the ones an install goes through).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    PendingInstall,
    PendingUpgrade,
    Deployed,
    Failed,
    Superseded,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::PendingInstall => "pending-install",
            Status::PendingUpgrade => "pending-upgrade",
            Status::Deployed => "deployed",
            Status::Failed => "failed",
            Status::Superseded => "superseded",
        }
    }
}

/// A moment as Unix seconds and nanoseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Time {
    pub secs: i64,
    pub nanos: u32,
}

impl Time {
    pub fn now() -> Time {
        let d = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        Time {
            secs: i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            nanos: d.subsec_nanos(),
        }
    }

    /// Go's `time.Time` JSON form (RFC 3339 with nanoseconds, trailing zeros trimmed), UTC.
    pub fn rfc3339(self) -> String {
        let t = gotpl::funcs::dates::GoTime {
            secs: self.secs,
            nanos: self.nanos,
            offset: 0,
            zone: "UTC".into(),
        };
        gotpl::funcs::dates::format(&t, "2006-01-02T15:04:05.999999999Z07:00")
    }
}

/// One revision of a release.
#[derive(Clone, Debug)]
pub struct Release {
    pub name: String,
    pub namespace: String,
    pub version: i64,
    pub status: Status,
    pub description: String,
    pub first_deployed: Time,
    pub last_deployed: Time,
    /// helm's serialized chart (see [`chart_json`]).
    pub chart: Json,
    /// The user-supplied values (`-f`/`--set`), not the chart defaults.
    pub config: Json,
    pub manifest: String,
    pub hooks: Vec<Hook>,
    pub notes: String,
}

fn event_name(e: HookEvent) -> &'static str {
    match e {
        HookEvent::PreInstall => "pre-install",
        HookEvent::PostInstall => "post-install",
        HookEvent::PreDelete => "pre-delete",
        HookEvent::PostDelete => "post-delete",
        HookEvent::PreUpgrade => "pre-upgrade",
        HookEvent::PostUpgrade => "post-upgrade",
        HookEvent::PreRollback => "pre-rollback",
        HookEvent::PostRollback => "post-rollback",
        HookEvent::Test => "test",
    }
}

/// Inserts `v` unless it is Go's empty value (json `omitempty`).
fn put(m: &mut Map<String, Json>, k: &str, v: Json) {
    let empty = match &v {
        Json::Null => true,
        Json::Bool(b) => !b,
        Json::String(s) => s.is_empty(),
        Json::Array(a) => a.is_empty(),
        Json::Object(o) => o.is_empty(),
        Json::Number(n) => n.as_f64() == Some(0.0),
    };
    if !empty {
        m.insert(k.to_string(), v);
    }
}

impl Release {
    /// The JSON helm's `json.Marshal(release)` produces (field names and omissions as helm).
    pub fn to_json(&self) -> Json {
        let mut info = Map::new();
        info.insert(
            "first_deployed".into(),
            json!(self.first_deployed.rfc3339()),
        );
        info.insert("last_deployed".into(), json!(self.last_deployed.rfc3339()));
        put(&mut info, "description", json!(self.description));
        put(&mut info, "status", json!(self.status.as_str()));
        put(&mut info, "notes", json!(self.notes));
        let hooks: Vec<Json> = self
            .hooks
            .iter()
            .map(|h| {
                let mut m = Map::new();
                put(&mut m, "name", json!(h.name));
                put(&mut m, "kind", json!(h.kind));
                put(&mut m, "path", json!(h.path));
                put(&mut m, "manifest", json!(h.manifest));
                put(
                    &mut m,
                    "events",
                    json!(h.events.iter().map(|e| event_name(*e)).collect::<Vec<_>>()),
                );
                m.insert("last_run".into(), json!({"phase": ""}));
                put(&mut m, "weight", json!(h.weight));
                put(&mut m, "delete_policies", json!(h.delete_policies));
                Json::Object(m)
            })
            .collect();
        let mut r = Map::new();
        put(&mut r, "name", json!(self.name));
        r.insert("info".into(), Json::Object(info));
        put(&mut r, "chart", self.chart.clone());
        put(&mut r, "config", self.config.clone());
        put(&mut r, "manifest", json!(self.manifest));
        put(&mut r, "hooks", Json::Array(hooks));
        put(&mut r, "version", json!(self.version));
        put(&mut r, "namespace", json!(self.namespace));
        // chartgate applies server-side, as `helm install --server-side` records it.
        r.insert("apply_method".into(), json!("ssa"));
        Json::Object(r)
    }

    /// helm's `encodeRelease`: base64(gzip(json)).
    pub fn encode(&self) -> Result<String, String> {
        encode_json(&self.to_json())
    }

    pub fn secret_name(&self) -> String {
        secret_name(&self.name, self.version)
    }

    /// The storage Secret (JSON, for the API). `created_at` is the `createdAt` label helm sets
    /// on create (Unix seconds); `modified_at` the `modifiedAt` label it sets on update.
    pub fn secret(
        &self,
        created_at: Option<i64>,
        modified_at: Option<i64>,
    ) -> Result<Json, String> {
        storage_secret(
            &self.to_json(),
            &self.namespace,
            self.status.as_str(),
            created_at,
            modified_at,
        )
    }
}

/// helm's `encodeRelease` of any release JSON: base64(gzip(json)), best compression.
pub fn encode_json(release: &Json) -> Result<String, String> {
    let body = serde_json::to_vec(release).map_err(|e| e.to_string())?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(&body).map_err(|e| e.to_string())?;
    let bytes = gz.finish().map_err(|e| e.to_string())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(bytes))
}

/// The Secret helm's storage driver writes for a release JSON (name and version read from
/// it), with its status label.
pub fn storage_secret(
    release: &Json,
    namespace: &str,
    status: &str,
    created_at: Option<i64>,
    modified_at: Option<i64>,
) -> Result<Json, String> {
    let name = release.get("name").and_then(Json::as_str).unwrap_or("");
    let version = release.get("version").and_then(Json::as_i64).unwrap_or(0);
    let encoded = encode_json(release)?;
    let mut labels = Map::new();
    if let Some(c) = created_at {
        labels.insert("createdAt".into(), json!(c.to_string()));
    }
    if let Some(m) = modified_at {
        labels.insert("modifiedAt".into(), json!(m.to_string()));
    }
    labels.insert("name".into(), json!(name));
    labels.insert("owner".into(), json!("helm"));
    labels.insert("status".into(), json!(status));
    labels.insert("version".into(), json!(version.to_string()));
    Ok(json!({
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {
            "name": secret_name(name, version),
            "namespace": namespace,
            "labels": Json::Object(labels),
        },
        "type": "helm.sh/release.v1",
        "data": {
            "release": base64::engine::general_purpose::STANDARD.encode(encoded.as_bytes()),
        },
    }))
}

pub fn secret_name(release: &str, version: i64) -> String {
    format!("sh.helm.release.v1.{release}.v{version}")
}

/// helm's `decodeRelease` of a Secret's `data.release` after the Secret's own base64: base64,
/// then gunzip when gzip-compressed, then JSON.
pub fn decode(data: &[u8]) -> Result<Json, String> {
    let raw = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| format!("release data: {e}"))?;
    let bytes = if raw.starts_with(&[0x1f, 0x8b, 0x08]) {
        let mut out = Vec::new();
        // Bounded: a release record over 256 MiB is not one helm could have written.
        flate2::read::GzDecoder::new(raw.as_slice())
            .take(256 << 20)
            .read_to_end(&mut out)
            .map_err(|e| format!("release data: {e}"))?;
        out
    } else {
        raw
    };
    serde_json::from_slice(&bytes).map_err(|e| format!("release data: {e}"))
}

/// A Secret's `data.release` (as the API returns it, base64) → the release JSON.
pub fn decode_secret(secret: &Json) -> Result<Json, String> {
    let outer = secret
        .get("data")
        .and_then(|d| d.get("release"))
        .and_then(Json::as_str)
        .ok_or("release secret without data.release")?;
    let inner = base64::engine::general_purpose::STANDARD
        .decode(outer.as_bytes())
        .map_err(|e| format!("release secret: {e}"))?;
    decode(&inner)
}

/// Go's `json.Marshal` of a template value (maps, lists, scalars), `null` when it cannot be.
pub fn value_json(v: &gotpl::Value) -> Json {
    gotpl::json::to_json(v)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or(Json::Null)
}

fn dependency_json(d: &Dependency) -> Json {
    let mut m = Map::new();
    put(&mut m, "name", json!(d.name));
    put(&mut m, "version", json!(d.version));
    put(&mut m, "repository", json!(d.repository));
    put(&mut m, "condition", json!(d.condition));
    put(&mut m, "tags", json!(d.tags));
    put(&mut m, "enabled", json!(d.enabled));
    put(
        &mut m,
        "import-values",
        Json::Array(d.import_values.iter().map(value_json).collect()),
    );
    put(&mut m, "alias", json!(d.alias));
    Json::Object(m)
}

/// helm's `chart.Metadata` JSON (every field `omitempty`).
pub fn metadata_json(md: &Metadata) -> Json {
    let mut m = Map::new();
    put(&mut m, "name", json!(md.name));
    put(&mut m, "home", json!(md.home));
    put(&mut m, "sources", json!(md.sources));
    put(&mut m, "version", json!(md.version));
    put(&mut m, "description", json!(md.description));
    put(&mut m, "keywords", json!(md.keywords));
    let maint: Vec<Json> = md
        .maintainers
        .iter()
        .map(|x| {
            let mut mm = Map::new();
            put(&mut mm, "name", json!(x.name));
            put(&mut mm, "email", json!(x.email));
            put(&mut mm, "url", json!(x.url));
            Json::Object(mm)
        })
        .collect();
    put(&mut m, "maintainers", Json::Array(maint));
    put(&mut m, "icon", json!(md.icon));
    put(&mut m, "apiVersion", json!(md.api_version));
    put(&mut m, "condition", json!(md.condition));
    put(&mut m, "tags", json!(md.tags));
    put(&mut m, "appVersion", json!(md.app_version));
    put(&mut m, "deprecated", json!(md.deprecated));
    if let Some(a) = &md.annotations {
        put(&mut m, "annotations", json!(a));
    }
    put(&mut m, "kubeVersion", json!(md.kube_version));
    put(
        &mut m,
        "dependencies",
        Json::Array(md.dependencies.iter().map(dependency_json).collect()),
    );
    put(&mut m, "type", json!(md.type_text));
    Json::Object(m)
}

/// helm's serialized `chart.Chart`: metadata, lock, templates, values (the chart's defaults),
/// schema, files (file data base64 as Go encodes `[]byte`). Subcharts are not part of it in
/// helm either.
pub fn chart_json(chart: &Chart) -> Json {
    let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
    let files = |fs: &[crate::chart::File]| -> Json {
        Json::Array(
            fs.iter()
                .map(|f| json!({"name": f.name, "data": b64(f.data.bytes())}))
                .collect(),
        )
    };
    let lock = chart.lock.as_ref().map_or(Json::Null, |l| {
        json!({
            "generated": l.generated,
            "digest": l.digest,
            "dependencies": l.dependencies.iter().map(dependency_json).collect::<Vec<_>>(),
        })
    });
    json!({
        "metadata": metadata_json(&chart.metadata),
        "lock": lock,
        "templates": files(&chart.templates),
        "values": value_json(&chart.values),
        "schema": chart.schema.as_deref().map_or(Json::Null, |s| json!(b64(s))),
        "schemamodtime": "0001-01-01T00:00:00Z",
        "files": files(&chart.files),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Release {
        Release {
            name: "web".into(),
            namespace: "prod".into(),
            version: 2,
            status: Status::Deployed,
            description: "Install complete".into(),
            first_deployed: Time {
                secs: 1_764_016_245,
                nanos: 120_000_000,
            },
            last_deployed: Time { secs: 0, nanos: 0 },
            chart: json!({"metadata": {"name": "c", "version": "1.0.0"}}),
            config: json!({"replicas": 3}),
            manifest: "---\n# Source: c/templates/a.yaml\nkind: ConfigMap\n".into(),
            hooks: vec![],
            notes: String::new(),
        }
    }

    #[test]
    fn times_like_go() {
        assert_eq!(Time { secs: 0, nanos: 0 }.rfc3339(), "1970-01-01T00:00:00Z");
        assert_eq!(
            Time {
                secs: 1_764_016_245,
                nanos: 120_000_000
            }
            .rfc3339(),
            "2025-11-24T20:30:45.12Z"
        );
        assert_eq!(
            Time {
                secs: 951_782_400,
                nanos: 5
            }
            .rfc3339(),
            "2000-02-29T00:00:00.000000005Z"
        );
    }

    #[test]
    fn secret_round_trips() {
        let r = sample();
        let s = r.secret(Some(1_764_016_245), None).expect("secret");
        assert_eq!(s["metadata"]["name"], "sh.helm.release.v1.web.v2");
        assert_eq!(s["type"], "helm.sh/release.v1");
        let labels = &s["metadata"]["labels"];
        assert_eq!(labels["owner"], "helm");
        assert_eq!(labels["status"], "deployed");
        assert_eq!(labels["version"], "2");
        assert_eq!(labels["name"], "web");
        assert_eq!(labels["createdAt"], "1764016245");
        // Secret data is base64 of helm's base64(gzip(json)).
        let outer = s["data"]["release"].as_str().expect("data");
        let inner = base64::engine::general_purpose::STANDARD
            .decode(outer)
            .expect("b64");
        let gz = base64::engine::general_purpose::STANDARD
            .decode(&inner)
            .expect("b64");
        assert_eq!(&gz[..3], &[0x1f, 0x8b, 0x08]);
        let back = decode_secret(&s).expect("decode");
        assert_eq!(back["name"], "web");
        assert_eq!(back["version"], 2);
        assert_eq!(back["namespace"], "prod");
        assert_eq!(back["info"]["status"], "deployed");
        assert_eq!(back["info"]["first_deployed"], "2025-11-24T20:30:45.12Z");
        assert_eq!(back["info"]["description"], "Install complete");
        assert_eq!(back["config"]["replicas"], 3);
        assert_eq!(back["chart"]["metadata"]["name"], "c");
        assert!(back["manifest"]
            .as_str()
            .expect("manifest")
            .contains("# Source:"));
        assert!(back.get("hooks").is_none());
        // Uncompressed records (old helm) decode too.
        let plain = base64::engine::general_purpose::STANDARD.encode(br#"{"name":"x"}"#);
        assert_eq!(decode(plain.as_bytes()).expect("plain")["name"], "x");
        assert!(decode(b"!!!").is_err());
    }

    #[test]
    fn chart_json_has_helms_fields() {
        let c = crate::chart::load_files(vec![
            crate::chart::File {
                name: "Chart.yaml".into(),
                data: b"apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.2\"\n"
                    .to_vec()
                    .into(),
            },
            crate::chart::File {
                name: "values.yaml".into(),
                data: b"a: 1\n".to_vec().into(),
            },
            crate::chart::File {
                name: "templates/cm.yaml".into(),
                data: b"kind: ConfigMap\n".to_vec().into(),
            },
        ])
        .expect("chart");
        let j = chart_json(&c);
        assert_eq!(
            j["metadata"],
            json!({"name": "demo", "version": "0.1.0", "apiVersion": "v2", "appVersion": "1.2"})
        );
        assert_eq!(j["values"], json!({"a": 1}));
        assert_eq!(j["templates"][0]["name"], "templates/cm.yaml");
        assert_eq!(j["templates"][0]["data"], "a2luZDogQ29uZmlnTWFwCg==");
        assert_eq!(j["lock"], Json::Null);
    }
}
