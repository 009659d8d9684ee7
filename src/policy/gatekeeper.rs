//! Gatekeeper: ConstraintTemplates + Constraints evaluated as Gatekeeper does at admission
//! (`input.review`, `input.parameters`, the Constraint's `match`, `enforcementAction`).

use super::input::{str_field, to_rego};
use super::{finding_at, message, results, Target};
use crate::finding::{Finding, Severity};
use regorus::Value as R;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Debug)]
pub struct Template {
    pub file: String,
    /// The constraint kind this template defines (`K8sRequiredLabels`).
    pub kind: String,
    pub package: String,
    pub rego: String,
    pub libs: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Constraint {
    pub kind: String,
    pub name: String,
    package: String,
    action: String,
    params: R,
    matcher: Match,
}

#[derive(Clone, Debug, Default)]
struct Match {
    /// (apiGroups, kinds); empty = all.
    kinds: Vec<(Vec<String>, Vec<String>)>,
    namespaces: Vec<String>,
    excluded: Vec<String>,
    labels: Option<R>,
    scope: Option<String>,
    name: Option<String>,
    namespace_selector: Option<R>,
}

/// Labels of the Namespace objects among the inputs, by name: what `namespaceSelector` is
/// decided on (Gatekeeper reads them from its cache of the cluster).
pub type NamespaceLabels = std::collections::HashMap<String, R>;

pub fn namespace_labels(targets: &[Target]) -> NamespaceLabels {
    targets
        .iter()
        .filter(|t| str_field(&t.doc, "kind").as_deref() == Some("Namespace"))
        .filter_map(|t| {
            let name = str_field(&t.doc["metadata"], "name")?;
            Some((name, t.doc["metadata"]["labels"].clone()))
        })
        .collect()
}

/// Constraint documents with the file they came from.
pub type ConstraintDocs = Vec<(String, gotpl::Value)>;

/// Splits a YAML file into templates and constraint documents.
pub fn read_yaml(path: &Path, text: &str) -> Result<(Vec<Template>, ConstraintDocs), String> {
    let file = path.display().to_string();
    let docs = gotpl::yaml::load_all(text).map_err(|e| format!("{file}: {e}"))?;
    let mut templates = Vec::new();
    let mut constraints = Vec::new();
    for d in docs {
        let Some(m) = d.as_map() else { continue };
        let api = m
            .get("apiVersion")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        let kind = m
            .get("kind")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        if api.starts_with("templates.gatekeeper.sh/") && kind == "ConstraintTemplate" {
            let j = to_rego(&d);
            let ckind = str_field(&j["spec"]["crd"]["spec"]["names"], "kind").ok_or_else(|| {
                format!("{file}: ConstraintTemplate without spec.crd.spec.names.kind")
            })?;
            let target = &j["spec"]["targets"][0];
            let rego = str_field(target, "rego")
                .or_else(|| {
                    // Newer templates put the source under `code[].source.rego`.
                    match &target["code"] {
                        R::Array(a) => a.iter().find_map(|c| str_field(&c["source"], "rego")),
                        _ => None,
                    }
                })
                .ok_or_else(|| format!("{file}: ConstraintTemplate {ckind} has no rego"))?;
            let libs = match &target["libs"] {
                R::Array(a) => a
                    .iter()
                    .filter_map(|l| l.as_string().ok().map(|s| s.to_string()))
                    .collect(),
                _ => vec![],
            };
            let package = super::meta::package(&rego).ok_or_else(|| {
                format!("{file}: ConstraintTemplate {ckind}: rego has no package")
            })?;
            templates.push(Template {
                file: file.clone(),
                kind: ckind,
                package,
                rego,
                libs,
            });
        } else if api.starts_with("constraints.gatekeeper.sh/") {
            constraints.push((file.clone(), d.clone()));
        }
    }
    Ok((templates, constraints))
}

fn strings(v: &R) -> Vec<String> {
    match v {
        R::Array(a) => a
            .iter()
            .filter_map(|s| s.as_string().ok().map(|s| s.to_string()))
            .collect(),
        _ => vec![],
    }
}

/// Pairs constraints with their templates; a constraint of an unknown kind is an error.
pub fn bind(
    templates: &[Template],
    docs: Vec<(String, gotpl::Value)>,
) -> Result<Vec<Constraint>, String> {
    let mut out = Vec::new();
    for (file, d) in docs {
        let j = to_rego(&d);
        let kind = str_field(&j, "kind").unwrap_or_default();
        let name = str_field(&j["metadata"], "name").unwrap_or_default();
        let t = templates
            .iter()
            .find(|t| t.kind == kind)
            .ok_or_else(|| format!("{file}: constraint {kind}/{name} has no ConstraintTemplate"))?;
        let spec = &j["spec"];
        let m = &spec["match"];
        let mut matcher = Match {
            namespaces: strings(&m["namespaces"]),
            excluded: strings(&m["excludedNamespaces"]),
            scope: str_field(m, "scope"),
            name: str_field(m, "name"),
            ..Match::default()
        };
        if let R::Array(ks) = &m["kinds"] {
            for k in ks.iter() {
                matcher
                    .kinds
                    .push((strings(&k["apiGroups"]), strings(&k["kinds"])));
            }
        }
        if !matches!(m["labelSelector"], R::Undefined | R::Null) {
            matcher.labels = Some(m["labelSelector"].clone());
        }
        if !matches!(m["namespaceSelector"], R::Undefined | R::Null) {
            matcher.namespace_selector = Some(m["namespaceSelector"].clone());
        }
        let params = match &spec["parameters"] {
            R::Undefined => R::new_object(),
            p => p.clone(),
        };
        out.push(Constraint {
            kind,
            name,
            package: t.package.clone(),
            action: str_field(spec, "enforcementAction").unwrap_or_else(|| "deny".into()),
            params,
            matcher,
        });
    }
    Ok(out)
}

/// group and version of an apiVersion (`apps/v1` → (apps, v1), `v1` → ("", v1)).
fn group_version(api: &str) -> (String, String) {
    match api.split_once('/') {
        Some((g, v)) => (g.to_string(), v.to_string()),
        None => (String::new(), api.to_string()),
    }
}

/// Kubernetes label selector semantics (matchLabels AND matchExpressions).
fn selects(sel: &R, labels: &R) -> bool {
    let label = |k: &str| match &labels[k] {
        R::String(s) => Some(s.to_string()),
        _ => None,
    };
    if let R::Object(ml) = &sel["matchLabels"] {
        for (k, v) in ml.iter() {
            let (Ok(k), Ok(v)) = (k.as_string(), v.as_string()) else {
                return false;
            };
            if label(k).as_deref() != Some(&**v) {
                return false;
            }
        }
    }
    if let R::Array(exprs) = &sel["matchExpressions"] {
        for e in exprs.iter() {
            let key = str_field(e, "key").unwrap_or_default();
            let values = strings(&e["values"]);
            let have = label(&key);
            let ok = match str_field(e, "operator").as_deref() {
                Some("In") => have.is_some_and(|h| values.contains(&h)),
                Some("NotIn") => !have.is_some_and(|h| values.contains(&h)),
                Some("Exists") => have.is_some(),
                Some("DoesNotExist") => have.is_none(),
                _ => false,
            };
            if !ok {
                return false;
            }
        }
    }
    true
}

/// Namespace globs: Gatekeeper allows a trailing `*` prefix match.
fn ns_match(pattern: &str, ns: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => ns.starts_with(prefix),
        None => pattern == ns,
    }
}

/// Kinds that live outside namespaces (the common ones; CRDs default to namespaced).
fn cluster_scoped(kind: &str) -> bool {
    matches!(
        kind,
        "Namespace"
            | "Node"
            | "PersistentVolume"
            | "ClusterRole"
            | "ClusterRoleBinding"
            | "CustomResourceDefinition"
            | "StorageClass"
            | "PriorityClass"
            | "IngressClass"
            | "MutatingWebhookConfiguration"
            | "ValidatingWebhookConfiguration"
            | "ValidatingAdmissionPolicy"
            | "ValidatingAdmissionPolicyBinding"
            | "APIService"
            | "RuntimeClass"
            | "CSIDriver"
            | "VolumeSnapshotClass"
    ) || kind.starts_with("Cluster")
}

/// The admission review for a target: an AdmissionReview document is taken as it is (gator's
/// behaviour); any other object is a CREATE of that object.
fn review(t: &Target, namespace: &str) -> R {
    if str_field(&t.doc, "kind").as_deref() == Some("AdmissionReview") {
        return t.doc["request"].clone();
    }
    let api = str_field(&t.doc, "apiVersion").unwrap_or_default();
    let kind = str_field(&t.doc, "kind").unwrap_or_default();
    let (group, version) = group_version(&api);
    let mut obj = t.doc.clone();
    let ns = str_field(&t.doc["metadata"], "namespace")
        .or_else(|| (!cluster_scoped(&kind)).then(|| namespace.to_string()));
    if let (Some(ns), Ok(meta)) = (&ns, obj["metadata"].clone().as_object()) {
        if meta.get(&R::from("namespace")).is_none() {
            let mut m = meta.clone();
            m.insert(R::from("namespace"), R::from(ns.as_str()));
            if let Ok(o) = obj.as_object_mut() {
                o.insert(R::from("metadata"), R::from(m));
            }
        }
    }
    let mut r: BTreeMap<R, R> = BTreeMap::new();
    let mut k: BTreeMap<R, R> = BTreeMap::new();
    k.insert("group".into(), R::from(group));
    k.insert("version".into(), R::from(version));
    k.insert("kind".into(), R::from(kind));
    r.insert("kind".into(), R::from(k));
    r.insert("name".into(), obj["metadata"]["name"].clone());
    if let Some(ns) = ns {
        r.insert("namespace".into(), R::from(ns));
    }
    r.insert("operation".into(), R::from("CREATE"));
    let mut user: BTreeMap<R, R> = BTreeMap::new();
    user.insert("username".into(), R::from("chartgate"));
    r.insert("userInfo".into(), R::from(user));
    r.insert("object".into(), obj);
    R::from(r)
}

impl Constraint {
    pub fn id(&self) -> String {
        format!("{}/{}", self.kind, self.name)
    }

    pub fn severity(&self) -> Severity {
        match self.action.as_str() {
            "warn" => Severity::Warning,
            "dryrun" => Severity::Info,
            _ => Severity::Error,
        }
    }

    fn matches(&self, rev: &R, ns_labels: &NamespaceLabels) -> bool {
        let m = &self.matcher;
        let kind = str_field(&rev["kind"], "kind").unwrap_or_default();
        let group = str_field(&rev["kind"], "group").unwrap_or_default();
        if !m.kinds.is_empty()
            && !m.kinds.iter().any(|(groups, kinds)| {
                (groups.is_empty() || groups.iter().any(|g| g == "*" || *g == group))
                    && (kinds.is_empty() || kinds.iter().any(|k| k == "*" || *k == kind))
            })
        {
            return false;
        }
        let ns = str_field(rev, "namespace");
        match m.scope.as_deref() {
            Some("Cluster") if ns.is_some() => return false,
            Some("Namespaced") if ns.is_none() => return false,
            _ => {}
        }
        if let Some(ns) = &ns {
            if !m.namespaces.is_empty() && !m.namespaces.iter().any(|p| ns_match(p, ns)) {
                return false;
            }
            if m.excluded.iter().any(|p| ns_match(p, ns)) {
                return false;
            }
        } else if !m.namespaces.is_empty() {
            return false;
        }
        if let Some(n) = &m.name {
            let name = str_field(rev, "name").unwrap_or_default();
            if !ns_match(n, &name) {
                return false;
            }
        }
        if let Some(sel) = &m.labels {
            if !selects(sel, &rev["object"]["metadata"]["labels"]) {
                return false;
            }
        }
        if let Some(sel) = &m.namespace_selector {
            // A Namespace is matched on its own labels; a namespaced object on its
            // namespace's labels, when that Namespace is among the inputs. Without it the
            // selector cannot be decided offline and the constraint is not applied (no guessed
            // violations). Cluster-scoped objects are not restricted by it.
            let labels = if kind == "Namespace" {
                Some(rev["object"]["metadata"]["labels"].clone())
            } else {
                ns.as_ref()
                    .map(|n| ns_labels.get(n).cloned().unwrap_or(R::Undefined))
            };
            match labels {
                Some(R::Undefined) => return false,
                Some(l) if !selects(sel, &l) => return false,
                _ => {}
            }
        }
        true
    }

    pub fn evaluate(
        &self,
        eng: &mut regorus::Engine,
        t: &Target,
        namespace: &str,
        ns_labels: &NamespaceLabels,
    ) -> Result<Vec<Finding>, String> {
        let rev = review(t, namespace);
        if !self.matches(&rev, ns_labels) {
            return Ok(vec![]);
        }
        let mut input: BTreeMap<R, R> = BTreeMap::new();
        input.insert("review".into(), rev);
        input.insert("parameters".into(), self.params.clone());
        eng.set_input(R::from(input));
        let q = format!("data.{}.violation", self.package);
        let v = eng
            .eval_rule(q.clone())
            .map_err(|e| format!("{}: {q}: {e}", self.id()))?;
        let meta = super::meta::Meta::default();
        Ok(results(&v)
            .iter()
            .map(|item| finding_at(&self.id(), self.severity(), &meta, t, message(item), ""))
            .collect())
    }
}

/// `data.inventory` as Gatekeeper's sync fills it, from the objects under scan.
pub fn inventory(targets: &[Target], namespace: &str) -> R {
    // apiVersion → kind → name → object.
    type ByApi = BTreeMap<String, BTreeMap<String, BTreeMap<String, R>>>;
    let mut cluster: ByApi = BTreeMap::new();
    let mut namespaced: BTreeMap<String, ByApi> = BTreeMap::new();
    for t in targets {
        let api = str_field(&t.doc, "apiVersion").unwrap_or_default();
        let kind = str_field(&t.doc, "kind").unwrap_or_default();
        let name = str_field(&t.doc["metadata"], "name").unwrap_or_default();
        if kind.is_empty() || name.is_empty() {
            continue;
        }
        if cluster_scoped(&kind) {
            cluster
                .entry(api)
                .or_default()
                .entry(kind)
                .or_default()
                .insert(name, t.doc.clone());
        } else {
            let ns =
                str_field(&t.doc["metadata"], "namespace").unwrap_or_else(|| namespace.to_string());
            namespaced
                .entry(ns)
                .or_default()
                .entry(api)
                .or_default()
                .entry(kind)
                .or_default()
                .insert(name, t.doc.clone());
        }
    }
    fn obj<V>(m: BTreeMap<String, V>, f: impl Fn(V) -> R) -> R {
        R::from(
            m.into_iter()
                .map(|(k, v)| (R::from(k), f(v)))
                .collect::<BTreeMap<R, R>>(),
        )
    }
    let cl = obj(cluster, |a| obj(a, |k| obj(k, |o| o)));
    let ns = obj(namespaced, |n| obj(n, |a| obj(a, |k| obj(k, |o| o))));
    let mut inv: BTreeMap<R, R> = BTreeMap::new();
    inv.insert("cluster".into(), cl);
    inv.insert("namespace".into(), ns);
    let mut data: BTreeMap<R, R> = BTreeMap::new();
    data.insert("inventory".into(), R::from(inv));
    R::from(data)
}
