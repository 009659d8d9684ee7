//! helm's ordering and post-processing of rendered files: the template parse/execute order
//! (`sortTemplates`), the manifest split (`SplitManifests`), hook detection and the install
//! order by kind (`SortManifests`, `InstallOrder`).

use gotpl::funcs::regex::go_space;
use gotpl::Value;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// helm's `sortTemplates`: deeper paths (more `/`) first, then reverse byte order. Files are
/// parsed and executed in this order, so a root chart's `define`s (parsed last) win.
pub fn sort_templates(names: &mut [String]) {
    names.sort_by(|a, b| {
        let (ca, cb) = (slashes(a), slashes(b));
        cb.cmp(&ca).then_with(|| b.cmp(a))
    });
}

fn slashes(s: &str) -> usize {
    s.bytes().filter(|&c| c == b'/').count()
}

/// The pieces of `s` between matches of helm's document separator, the Go RE2 pattern
/// `(?:^|\s*\n)---\s*` searched leftmost-first as `regexp.Split` does. Written out by hand:
/// the pattern runs over every rendered byte, and a regex engine without a literal
/// prefilter spent a third of a small chart's render here.
///
/// A match is `---` at the very start, or the whitespace run that ends in the `\n` before a
/// `---` (it cannot reach back past the previous match), and then all whitespace after it.
fn split_on_separator(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut pieces = Vec::new();
    let (mut piece_start, mut pos) = (0, 0);
    loop {
        let (start, dashes_end) = if pos == 0 && b.starts_with(b"---") {
            (0, 3)
        } else {
            let Some(k) = memchr::memmem::find(&b[pos..], b"\n---").map(|k| pos + k) else {
                break;
            };
            let mut i = k;
            while i > pos && go_space(b[i - 1]) {
                i -= 1;
            }
            (i, k + 4)
        };
        let mut end = dashes_end;
        while end < b.len() && go_space(b[end]) {
            end += 1;
        }
        pieces.push(&s[piece_start..start]);
        piece_start = end;
        pos = end;
    }
    pieces.push(&s[piece_start..]);
    pieces
}

/// helm's `SplitManifests`: splits a rendered file into its YAML documents with a regex (not a
/// YAML parser), dropping empty pieces and trimming whitespace around each. The result keeps the
/// order of the documents in the file.
pub fn split_manifests(big: &str) -> Vec<String> {
    split_on_separator(big.trim())
        .into_iter()
        .filter(|d| !d.is_empty())
        .map(|d| d.trim().to_string())
        .collect()
}

/// helm's `InstallOrder`: kinds earlier in the list are printed (and installed) first.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

fn kind_rank(kind: &str) -> Option<usize> {
    INSTALL_ORDER.iter().position(|k| *k == kind)
}

/// helm's `lessByKind`: known kinds by rank, unknown kinds after them in byte order of the
/// kind name. Used with a stable sort, so equal kinds keep their file order.
fn kind_cmp(a: &str, b: &str) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    match (kind_rank(a), kind_rank(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// One non-hook document of the output.
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// The template it came from (`chart/templates/x.yaml`).
    pub name: String,
    pub content: String,
    pub kind: String,
}

/// The hook events helm knows (`helm.sh/hook` values, lower-cased).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HookEvent {
    PreInstall,
    PostInstall,
    PreDelete,
    PostDelete,
    PreUpgrade,
    PostUpgrade,
    PreRollback,
    PostRollback,
    Test,
}

impl HookEvent {
    fn parse(s: &str) -> Option<HookEvent> {
        Some(match s {
            "pre-install" => HookEvent::PreInstall,
            "post-install" => HookEvent::PostInstall,
            "pre-delete" => HookEvent::PreDelete,
            "post-delete" => HookEvent::PostDelete,
            "pre-upgrade" => HookEvent::PreUpgrade,
            "post-upgrade" => HookEvent::PostUpgrade,
            "pre-rollback" => HookEvent::PreRollback,
            "post-rollback" => HookEvent::PostRollback,
            // helm 2's name for test hooks is still accepted.
            "test" | "test-success" => HookEvent::Test,
            _ => return None,
        })
    }
}

/// A document annotated with `helm.sh/hook`.
#[derive(Clone, Debug, PartialEq)]
pub struct Hook {
    pub name: String,
    pub kind: String,
    /// The template it came from.
    pub path: String,
    pub manifest: String,
    pub events: Vec<HookEvent>,
    /// `helm.sh/hook-weight` (0 when absent or not an integer).
    pub weight: i64,
    pub delete_policies: Vec<String>,
}

impl Hook {
    pub fn is_test(&self) -> bool {
        self.events.contains(&HookEvent::Test)
    }
}

/// What helm reads of a document (`SimpleHead`): kind, name and annotations, with
/// sigs.k8s.io/yaml's conversions (scalars decode into string fields; a wrong shape is an error).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Head {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    /// `None` when there is no `metadata` or no `annotations` map.
    pub annotations: Option<BTreeMap<String, String>>,
}

/// encoding/json's name for the JSON type of a value, for its `cannot unmarshal X` errors.
fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Nil => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Int64(_) | Value::Uint(_) | Value::Float(_) => "number",
        Value::Str(_) | Value::Bytes(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) | Value::Object(_) => "object",
    }
}

const METADATA_TYPE: &str =
    "struct { Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }";

fn unmarshal_err(v: &Value, field: &str, ty: &str) -> String {
    format!(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field SimpleHead.{} of type {}",
        json_type(v),
        field,
        ty
    )
}

/// sigs.k8s.io/yaml turns a YAML scalar into the string a `string` field receives.
fn scalar_string(v: &Value, field: &str) -> Result<String, String> {
    Ok(match v {
        Value::Nil => String::new(),
        Value::Str(s) => s.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) | Value::Int64(i) => i.to_string(),
        Value::Uint(u) => u.to_string(),
        Value::Float(f) => gotpl::fmt::format_value(&Value::Float(*f)),
        Value::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        other => return Err(unmarshal_err(other, field, "string")),
    })
}

impl Head {
    /// Decodes a parsed document as helm's `yaml.Unmarshal(doc, &SimpleHead{})` does.
    pub fn from_value(doc: &Value) -> Result<Head, String> {
        let map = match doc {
            Value::Nil => return Ok(Head::default()),
            Value::Map(m) => m,
            other => {
                return Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type util.SimpleHead",
                    json_type(other)
                ))
            }
        };
        let mut head = Head::default();
        // encoding/json matches keys case-insensitively, exact matches preferred.
        let get = |key: &str| -> Option<Value> {
            let m = map.borrow();
            m.get(key).cloned().or_else(|| {
                m.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(key))
                    .map(|(_, v)| v.clone())
            })
        };
        if let Some(v) = get("apiVersion") {
            head.api_version = scalar_string(&v, "apiVersion")?;
        }
        if let Some(v) = get("kind") {
            head.kind = scalar_string(&v, "kind")?;
        }
        if let Some(meta) = get("metadata") {
            match &meta {
                Value::Nil => {}
                Value::Map(mm) => {
                    let mget = |key: &str| -> Option<Value> {
                        let m = mm.borrow();
                        m.get(key).cloned().or_else(|| {
                            m.iter()
                                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                                .map(|(_, v)| v.clone())
                        })
                    };
                    if let Some(n) = mget("name") {
                        head.name = scalar_string(&n, "metadata.name")?;
                    }
                    match mget("annotations") {
                        None | Some(Value::Nil) => {}
                        Some(Value::Map(am)) => {
                            let mut out = BTreeMap::new();
                            for (k, v) in am.borrow().iter() {
                                out.insert(k.clone(), scalar_string(v, "metadata.annotations")?);
                            }
                            head.annotations = Some(out);
                        }
                        Some(other) => {
                            return Err(unmarshal_err(
                                &other,
                                "metadata.annotations",
                                "map[string]string",
                            ))
                        }
                    }
                }
                other => return Err(unmarshal_err(other, "metadata", METADATA_TYPE)),
            }
        }
        Ok(head)
    }
}

/// Parses one document's head with the YAML loader, worded like helm on failure
/// (the caller prefixes `YAML parse error on FILE: `).
pub fn parse_head(doc: &str) -> Result<Head, String> {
    // Bytes that are not UTF-8 (a Go string printed raw) fail go-yaml's reader first.
    if let Some(e) = gotpl::value::go_yaml_utf8_error(doc) {
        return Err(format!("error converting YAML to JSON: yaml: {e}"));
    }
    let v = gotpl::yaml::load_pruned(doc, &head_path)
        .map_err(|e| format!("error converting YAML to JSON: {e}"))?;
    Head::from_value(&v)
}

/// The parts of a document [`Head::from_value`] reads (keys matched case-insensitively, as
/// encoding/json does): `apiVersion`, `kind`, `metadata.name`, `metadata.annotations`.
fn head_path(path: &[&str]) -> bool {
    let is = |k: &str, name: &str| k.eq_ignore_ascii_case(name);
    match path {
        [] => true,
        [top, ..] if is(top, "apiVersion") || is(top, "kind") => true,
        [top] => is(top, "metadata"),
        [top, field, ..] => is(top, "metadata") && (is(field, "name") || is(field, "annotations")),
    }
}

/// helm's `SortManifests` over the rendered files (name → output; partials and NOTES already
/// removed): files in byte order, documents in file order, hooks split out (unknown hook
/// events drop the document, as helm does), then both lists stably sorted by kind.
pub fn sort_manifests(
    files: &BTreeMap<String, String>,
) -> Result<(Vec<Hook>, Vec<Manifest>), String> {
    let mut hooks = Vec::new();
    let mut generic = Vec::new();
    let mut docs: Vec<(&String, String)> = Vec::new();
    for (path, content) in files {
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || content.trim().is_empty() {
            continue;
        }
        docs.extend(split_manifests(content).into_iter().map(|d| (path, d)));
    }
    let heads = parse_heads(&docs);
    for ((path, doc), head) in docs.into_iter().zip(heads) {
        let head = head.map_err(|e| format!("YAML parse error on {path}: {e}"))?;
        let hook_types = match head.annotations.as_ref() {
            Some(a) if !a.is_empty() => a.get("helm.sh/hook").cloned(),
            _ => None,
        };
        let Some(hook_types) = hook_types else {
            generic.push(Manifest {
                name: path.clone(),
                content: doc,
                kind: head.kind,
            });
            continue;
        };
        let annotations = head.annotations.clone().unwrap_or_default();
        let mut events = Vec::new();
        let mut unknown = false;
        for t in hook_types.split(',') {
            match HookEvent::parse(&t.trim().to_lowercase()) {
                Some(e) => events.push(e),
                None => {
                    unknown = true;
                    break;
                }
            }
        }
        if unknown {
            continue;
        }
        let weight = annotations
            .get("helm.sh/hook-weight")
            .and_then(|w| parse_go_atoi(w))
            .unwrap_or(0);
        let delete_policies = annotations
            .get("helm.sh/hook-delete-policy")
            .map(|d| d.split(',').map(|p| p.trim().to_lowercase()).collect())
            .unwrap_or_default();
        hooks.push(Hook {
            name: head.name,
            kind: head.kind,
            path: path.clone(),
            manifest: doc,
            events,
            weight,
            delete_policies,
        });
    }
    hooks.sort_by(|a, b| kind_cmp(&a.kind, &b.kind));
    generic.sort_by(|a, b| kind_cmp(&a.kind, &b.kind));
    Ok((hooks, generic))
}

/// Below this much YAML the documents' heads are parsed on the calling thread.
const PARALLEL_MIN_BYTES: usize = 256 << 10;

/// Parses every document's head; big outputs (CRD-heavy charts) are spread over a small
/// thread pool, since a full YAML parse of every document is what helm does and is the
/// costliest step after template execution. Results keep the documents' order.
fn parse_heads(docs: &[(&String, String)]) -> Vec<Result<Head, String>> {
    let total: usize = docs.iter().map(|(_, d)| d.len()).sum();
    if total < PARALLEL_MIN_BYTES || docs.len() < 2 {
        return docs.iter().map(|(_, d)| parse_head(d)).collect();
    }
    static POOL: OnceLock<Option<rayon::ThreadPool>> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(super::cores().clamp(2, 4))
            // Deeply nested documents recurse in the loader: give workers the CLI's stack.
            .stack_size(crate::cli::STACK_SIZE)
            .thread_name(|i| format!("chartgate-yaml-{i}"))
            .build()
            .ok()
    });
    match pool {
        Some(pool) => pool.install(|| {
            use rayon::prelude::*;
            docs.par_iter().map(|(_, d)| parse_head(d)).collect()
        }),
        None => docs.iter().map(|(_, d)| parse_head(d)).collect(),
    }
}

/// Go's `strconv.Atoi`: optional sign, decimal digits, no spaces.
fn parse_go_atoi(s: &str) -> Option<i64> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The hand-written splitter against the pattern itself on the `regex` crate, over every
    /// string of up to 7 characters from the alphabet that matters (plus random longer ones).
    #[test]
    fn separator_split_equals_go_pattern() {
        let re = regex::Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").unwrap();
        let alphabet = ['-', '\n', ' ', 'a', '\t'];
        let check = |s: &str| {
            let want: Vec<&str> = re.split(s).collect();
            assert_eq!(split_on_separator(s), want, "{s:?}");
        };
        let mut stack = vec![String::new()];
        while let Some(s) = stack.pop() {
            check(&s);
            if s.chars().count() < 7 {
                for c in alphabet {
                    stack.push(format!("{s}{c}"));
                }
            }
        }
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            let mut s = String::new();
            for _ in 0..40 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(["---", "\n", " ", "a", "-", "\r\n", "\x0C"][(x % 7) as usize]);
            }
            check(&s);
        }
    }

    #[test]
    fn template_order_is_deepest_then_reverse() {
        let mut v: Vec<String> = [
            "a/templates/a.yaml",
            "a/templates/b.yaml",
            "a/charts/s/templates/x.yaml",
            "a/templates/_h.tpl",
            "a/templates/sub/c.yaml",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        sort_templates(&mut v);
        assert_eq!(
            v,
            [
                "a/charts/s/templates/x.yaml",
                "a/templates/sub/c.yaml",
                "a/templates/b.yaml",
                "a/templates/a.yaml",
                "a/templates/_h.tpl",
            ]
        );
    }

    #[test]
    fn split_like_helm() {
        // Verified with helm v4.1.4: trailing spaces before `---` vanish, `---   \n---` leaves
        // the second `---` inside the next document, `---apiVersion` splits.
        let src = "\n\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s1   \n\n\n---   \n---\n# comment only\n---\nkind: ConfigMap\nmetadata:\n  name: cm\n---apiVersion: v1\nkind: Pod\n   \n  \n";
        assert_eq!(
            split_manifests(src),
            [
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: s1",
                "---\n# comment only",
                "kind: ConfigMap\nmetadata:\n  name: cm",
                "apiVersion: v1\nkind: Pod",
            ]
        );
        assert!(split_manifests("  \n").is_empty());
        assert_eq!(split_manifests("a: 1\n---"), ["a: 1"]);
    }

    #[test]
    fn kinds_sort_like_helm() {
        let mut v = vec!["Zeta", "Deployment", "", "Alpha", "Service", "ConfigMap"];
        v.sort_by(|a, b| kind_cmp(a, b));
        assert_eq!(
            v,
            ["ConfigMap", "Service", "Deployment", "", "Alpha", "Zeta"]
        );
    }

    #[test]
    fn heads_decode_like_helm() {
        // Messages verified with helm v4.1.4 (`YAML parse error on FILE: ` + this).
        assert_eq!(
            parse_head("just a string").unwrap_err(),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type util.SimpleHead"
        );
        assert_eq!(
            parse_head("metadata: []").unwrap_err(),
            format!("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go struct field SimpleHead.metadata of type {METADATA_TYPE}")
        );
        // Scalars decode into the string fields; `kind: 1` is fine for helm.
        let h =
            parse_head("kind: 1\nmetadata:\n  name: 5\n  annotations:\n    a: 5").expect("valid");
        assert_eq!((h.kind.as_str(), h.name.as_str()), ("1", "5"));
        assert_eq!(h.annotations.expect("annotations")["a"], "5");
        assert_eq!(
            parse_head("---\n# comment only").expect("valid"),
            Head::default()
        );
    }

    #[test]
    fn unknown_hooks_are_dropped_and_hooks_sorted_by_kind() {
        let mut files = BTreeMap::new();
        files.insert(
            "c/templates/h.yaml".to_string(),
            "kind: Job\nmetadata:\n  annotations:\n    helm.sh/hook: post-install\n---\nkind: Pod\nmetadata:\n  annotations:\n    helm.sh/hook: pre-install,bogus\n---\nkind: Secret\nmetadata:\n  annotations:\n    helm.sh/hook: PRE-install\n".to_string(),
        );
        files.insert("c/templates/_p.tpl".to_string(), "kind: X".to_string());
        let (hooks, manifests) = sort_manifests(&files).expect("valid");
        assert!(manifests.is_empty());
        let kinds: Vec<&str> = hooks.iter().map(|h| h.kind.as_str()).collect();
        assert_eq!(kinds, ["Secret", "Job"]);
        assert_eq!(hooks[0].events, [HookEvent::PreInstall]);
    }

    #[test]
    fn atoi() {
        assert_eq!(parse_go_atoi("-5"), Some(-5));
        assert_eq!(parse_go_atoi(" 5"), None);
        assert_eq!(parse_go_atoi(""), None);
    }
}
