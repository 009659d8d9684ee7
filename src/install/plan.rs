//! What an install does, in order, computed from a render without a cluster: CRDs from
//! `crds/` first, then the pre-install hooks (by weight, then name), then the manifests in
//! helm's install order (kind order of `render::order`), then the post-install hooks. Each
//! object knows its target namespace (the release namespace unless it names one; none for
//! cluster-scoped kinds).

use crate::render::order::{self, Hook, HookEvent};
use serde_json::Value as Json;
use std::collections::BTreeMap;

/// When an object is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phase {
    Crd,
    PreHook,
    Manifest,
    PostHook,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Crd => "crd",
            Phase::PreHook => "pre-hook",
            Phase::Manifest => "manifest",
            Phase::PostHook => "post-hook",
        }
    }
}

/// Built-in kinds that are cluster-scoped. Other kinds are taken as namespaced until
/// discovery (in the cluster stage) says otherwise.
const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CSIDriver",
    "CSINode",
    "CustomResourceDefinition",
    "FlowSchema",
    "IngressClass",
    "MutatingAdmissionPolicy",
    "MutatingAdmissionPolicyBinding",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "PriorityLevelConfiguration",
    "RuntimeClass",
    "StorageClass",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

pub fn known_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED.contains(&kind)
}

/// Identity of an object across revisions: API group (not version), kind, namespace, name.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjRef {
    pub group: String,
    pub kind: String,
    pub namespace: Option<String>,
    pub name: String,
}

impl std::fmt::Display for ObjRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{}/{} ({ns})", self.kind, self.name),
            None => write!(f, "{}/{}", self.kind, self.name),
        }
    }
}

/// `group` of an apiVersion (`apps/v1` → `apps`, `v1` → ``).
pub fn group_of(api_version: &str) -> &str {
    api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("")
}

/// One object to apply.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// The file it came from (`chart/templates/x.yaml`, `chart/crds/y.yaml`).
    pub source: String,
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// Where it goes: `metadata.namespace`, else the release namespace; `None` for a
    /// cluster-scoped kind.
    pub namespace: Option<String>,
    /// The object as JSON, `metadata.namespace` set to [`Object::namespace`].
    pub body: Json,
}

impl Object {
    /// Parses one rendered document; `Ok(None)` for a document with no content (comments).
    pub fn parse(source: &str, text: &str, default_ns: &str) -> Result<Option<Object>, String> {
        let v = gotpl::yaml::load(text).map_err(|e| format!("{source}: {e}"))?;
        if matches!(v, gotpl::Value::Nil) {
            return Ok(None);
        }
        let json = gotpl::json::to_json(&v).map_err(|e| format!("{source}: {e}"))?;
        let mut body: Json = serde_json::from_str(&json).map_err(|e| format!("{source}: {e}"))?;
        let field = |b: &Json, k: &str| b.get(k).and_then(Json::as_str).unwrap_or("").to_string();
        let api_version = field(&body, "apiVersion");
        let kind = field(&body, "kind");
        let meta = body.get("metadata");
        let name = meta
            .and_then(|m| m.get("name"))
            .and_then(Json::as_str)
            .unwrap_or("")
            .to_string();
        let own_ns = meta
            .and_then(|m| m.get("namespace"))
            .and_then(Json::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string);
        if !body.is_object() {
            return Err(format!("{source}: a document is not an object"));
        }
        if api_version.is_empty() || kind.is_empty() {
            return Err(format!(
                "{source}: object without apiVersion or kind (kind {kind:?}, name {name:?})"
            ));
        }
        if name.is_empty() {
            return Err(format!(
                "{source}: {kind} without metadata.name (generateName is not supported by apply)"
            ));
        }
        let mut o = Object {
            source: source.to_string(),
            api_version,
            kind,
            name,
            namespace: None,
            body: Json::Null,
        };
        let ns = if known_cluster_scoped(&o.kind) {
            None
        } else {
            Some(own_ns.unwrap_or_else(|| default_ns.to_string()))
        };
        o.set_namespace(&mut body, ns);
        o.body = body;
        Ok(Some(o))
    }

    fn set_namespace(&mut self, body: &mut Json, ns: Option<String>) {
        if let Some(meta) = body.get_mut("metadata").and_then(Json::as_object_mut) {
            match &ns {
                Some(n) => {
                    meta.insert("namespace".into(), Json::String(n.clone()));
                }
                None => {
                    meta.remove("namespace");
                }
            }
        }
        self.namespace = ns;
    }

    /// Discovery decided the scope: a cluster-scoped object loses its namespace, a namespaced
    /// one (of a kind this module did not know) keeps or gets one.
    pub fn rescope(&mut self, namespaced: bool, default_ns: &str) {
        let ns = if namespaced {
            Some(
                self.namespace
                    .clone()
                    .unwrap_or_else(|| default_ns.to_string()),
            )
        } else {
            None
        };
        let mut body = std::mem::take(&mut self.body);
        self.set_namespace(&mut body, ns);
        self.body = body;
    }

    pub fn key(&self) -> ObjRef {
        ObjRef {
            group: group_of(&self.api_version).to_string(),
            kind: self.kind.clone(),
            namespace: self.namespace.clone(),
            name: self.name.clone(),
        }
    }
}

/// One step of the plan.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub phase: Phase,
    pub object: Object,
    /// `helm.sh/hook-delete-policy` of a hook (helm's default `before-hook-creation` when
    /// none is given); empty for other objects.
    pub delete_policies: Vec<String>,
    pub weight: i64,
}

/// The whole install.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub namespace: String,
    pub upgrade: bool,
    pub steps: Vec<Step>,
    /// The release's `manifest` as helm stores it: every non-hook manifest as
    /// `---\n# Source: PATH\nCONTENT\n`, in install order.
    pub manifest: String,
    /// Every hook of the render (tests included), for the release record.
    pub hooks: Vec<Hook>,
    /// NOTES.txt of the root chart, when rendered.
    pub notes: String,
}

impl Plan {
    /// The objects of one phase, in order.
    pub fn phase(&self, p: Phase) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(move |s| s.phase == p)
    }

    /// Human-readable plan (`--dry-run`).
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for (i, s) in self.steps.iter().enumerate() {
            let ns = s.object.namespace.as_deref().unwrap_or("(cluster)");
            out.push_str(&format!(
                "{:>3}. {:<9} {}/{} {} in {} from {}\n",
                i + 1,
                s.phase.label(),
                s.object.api_version,
                s.object.kind,
                s.object.name,
                ns,
                s.object.source
            ));
        }
        out
    }
}

/// Builds the plan: `crds` are the chart tree's CRD files (name, bytes) as
/// `render::output::crd_objects` lists them, `rendered` the render's files (NOTES included).
/// For an upgrade, CRDs are not applied (helm installs `crds/` only on first install) and the
/// pre/post-upgrade hooks run instead.
pub fn build(
    crds: &[(String, Vec<u8>)],
    rendered: &BTreeMap<String, String>,
    namespace: &str,
    upgrade: bool,
) -> Result<Plan, String> {
    let mut files = rendered.clone();
    let notes = files
        .iter()
        .filter(|(k, _)| k.ends_with("NOTES.txt"))
        .filter(|(k, _)| k.matches("/charts/").count() == 0)
        .map(|(_, v)| v.clone())
        .next()
        .unwrap_or_default();
    files.retain(|k, _| !k.ends_with("NOTES.txt"));
    let (hooks, manifests) = order::sort_manifests(&files)?;
    let mut steps = Vec::new();
    if !upgrade {
        for (name, data) in crds {
            let text = String::from_utf8_lossy(data);
            for doc in order::split_manifests(&text) {
                if let Some(o) = Object::parse(name, &doc, namespace)? {
                    steps.push(Step {
                        phase: Phase::Crd,
                        object: o,
                        delete_policies: vec![],
                        weight: 0,
                    });
                }
            }
        }
    }
    let (pre, post) = if upgrade {
        (HookEvent::PreUpgrade, HookEvent::PostUpgrade)
    } else {
        (HookEvent::PreInstall, HookEvent::PostInstall)
    };
    let hook_steps = |event: HookEvent, phase: Phase| -> Result<Vec<Step>, String> {
        // `hooks` is in kind order; helm then sorts stably by weight, then name.
        let mut hs: Vec<&Hook> = hooks.iter().filter(|h| h.events.contains(&event)).collect();
        hs.sort_by(|a, b| a.weight.cmp(&b.weight).then_with(|| a.name.cmp(&b.name)));
        let mut out = Vec::new();
        for h in hs {
            if let Some(o) = Object::parse(&h.path, &h.manifest, namespace)? {
                let policies = if h.delete_policies.is_empty() {
                    vec!["before-hook-creation".to_string()]
                } else {
                    h.delete_policies.clone()
                };
                out.push(Step {
                    phase,
                    object: o,
                    delete_policies: policies,
                    weight: h.weight,
                });
            }
        }
        Ok(out)
    };
    steps.extend(hook_steps(pre, Phase::PreHook)?);
    let mut manifest = String::new();
    for m in &manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.name, m.content));
        if let Some(o) = Object::parse(&m.name, &m.content, namespace)? {
            steps.push(Step {
                phase: Phase::Manifest,
                object: o,
                delete_policies: vec![],
                weight: 0,
            });
        }
    }
    steps.extend(hook_steps(post, Phase::PostHook)?);
    Ok(Plan {
        namespace: namespace.to_string(),
        upgrade,
        steps,
        manifest,
        hooks,
        notes,
    })
}

/// The objects of a stored release manifest (`---\n# Source: …` blocks), for rollback of an
/// upgrade: what the previous revision had.
pub fn manifest_objects(manifest: &str, namespace: &str) -> Result<Vec<Object>, String> {
    let mut out = Vec::new();
    for doc in order::split_manifests(manifest) {
        let source = doc
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# Source: "))
            .unwrap_or("manifest")
            .to_string();
        if let Some(o) = Object::parse(&source, &doc, namespace)? {
            out.push(o);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[(&str, &str)]) -> BTreeMap<String, String> {
        list.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn install_order_crds_hooks_manifests() {
        let rendered = files(&[
            ("c/templates/NOTES.txt", "hello"),
            (
                "c/templates/a.yaml",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: other\n",
            ),
            (
                "c/templates/b.yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr\n  namespace: ignored\n",
            ),
            (
                "c/templates/hooks.yaml",
                "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: z-migrate\n  annotations:\n    helm.sh/hook: pre-install\n---\napiVersion: batch/v1\nkind: Job\nmetadata:\n  name: a-late\n  annotations:\n    helm.sh/hook: pre-install\n    helm.sh/hook-weight: \"5\"\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b-first\n  annotations:\n    helm.sh/hook: pre-install,post-install\n    helm.sh/hook-weight: \"-1\"\n    helm.sh/hook-delete-policy: hook-succeeded\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n",
            ),
        ]);
        let crds = vec![(
            "c/crds/x.yaml".to_string(),
            b"apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: xs.example.com\n".to_vec(),
        )];
        let plan = build(&crds, &rendered, "prod", false).expect("plan");
        let got: Vec<(Phase, &str, Option<&str>)> = plan
            .steps
            .iter()
            .map(|s| {
                (
                    s.phase,
                    s.object.name.as_str(),
                    s.object.namespace.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (Phase::Crd, "xs.example.com", None),
                (Phase::PreHook, "b-first", Some("prod")),
                (Phase::PreHook, "z-migrate", Some("prod")),
                (Phase::PreHook, "a-late", Some("prod")),
                (Phase::Manifest, "cfg", Some("prod")),
                (Phase::Manifest, "cr", None),
                (Phase::Manifest, "web", Some("other")),
                (Phase::Manifest, "web", Some("prod")),
                (Phase::PostHook, "b-first", Some("prod")),
            ]
        );
        // Kinds: ConfigMap, ClusterRole, Service, Deployment (helm's InstallOrder).
        assert_eq!(plan.steps[6].object.kind, "Service");
        assert_eq!(plan.steps[7].object.kind, "Deployment");
        assert_eq!(plan.steps[1].delete_policies, ["hook-succeeded"]);
        assert_eq!(plan.steps[2].delete_policies, ["before-hook-creation"]);
        assert_eq!(plan.steps[4].object.body["metadata"]["namespace"], "prod");
        assert!(plan.steps[5].object.body["metadata"]
            .get("namespace")
            .is_none());
        assert!(plan.manifest.starts_with(
            "---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n---\n# Source: c/templates/b.yaml\n"
        ));
        assert!(!plan.manifest.contains("helm.sh/hook"));
        assert_eq!(plan.hooks.len(), 4);
        assert_eq!(plan.notes, "hello");

        let up = build(&crds, &rendered, "prod", true).expect("plan");
        assert!(up.steps.iter().all(|s| s.phase == Phase::Manifest));
    }

    #[test]
    fn bad_objects_are_errors() {
        let r = files(&[(
            "c/templates/a.yaml",
            "kind: ConfigMap\nmetadata:\n  name: x\n",
        )]);
        assert!(build(&[], &r, "d", false).is_err());
        let r = files(&[("c/templates/a.yaml", "apiVersion: v1\nkind: ConfigMap\n")]);
        assert!(build(&[], &r, "d", false)
            .unwrap_err()
            .contains("without metadata.name"));
        let r = files(&[("c/templates/a.yaml", "# only a comment\n")]);
        assert!(build(&[], &r, "d", false).expect("empty").steps.is_empty());
    }

    #[test]
    fn rescope_and_manifest_objects() {
        let objs = manifest_objects(
            "---\n# Source: c/templates/a.yaml\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n",
            "ns1",
        )
        .expect("objects");
        let mut o = objs[0].clone();
        assert_eq!(o.source, "c/templates/a.yaml");
        assert_eq!(o.namespace.as_deref(), Some("ns1"));
        o.rescope(false, "ns1");
        assert_eq!(o.namespace, None);
        assert!(o.body["metadata"].get("namespace").is_none());
        assert_eq!(o.key().group, "example.com");
    }
}
