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
    /// The template reads `data.inventory`.
    inventory: bool,
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
            // Newer templates list engines under `code[]`: the Rego one carries its source
            // and libs under `source` (a K8sNativeValidation/CEL entry beside it is not ours).
            let code_src = match &target["code"] {
                R::Array(a) => a
                    .iter()
                    .find(|c| {
                        str_field(c, "engine").as_deref() == Some("Rego")
                            || matches!(c["source"]["rego"], R::String(_))
                    })
                    .map(|c| c["source"].clone()),
                _ => None,
            };
            let rego = str_field(target, "rego")
                .or_else(|| code_src.as_ref().and_then(|c| str_field(c, "rego")))
                .ok_or_else(|| format!("{file}: ConstraintTemplate {ckind} has no rego"))?;
            let rego = normalize_rego(&rego);
            let libs_of = |v: &R| -> Option<Vec<String>> {
                match v {
                    R::Array(a) => Some(
                        a.iter()
                            .filter_map(|l| l.as_string().ok().map(|s| normalize_rego(s)))
                            .collect(),
                    ),
                    _ => None,
                }
            };
            let libs = libs_of(&target["libs"])
                .or_else(|| code_src.as_ref().and_then(|c| libs_of(&c["libs"])))
                .unwrap_or_default();
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

/// Gatekeeper template Rego as regorus reads it the way OPA does: chained bodies split into
/// rules ([`split_chained_bodies`]) and a body line opening with `(` kept apart from the line
/// before it ([`separate_paren_lines`]).
pub fn normalize_rego(src: &str) -> String {
    inventory_from_input(&go_sprintf_calls(&separate_paren_lines(
        &split_chained_bodies(src),
    )))
}

/// Where a template reads `data.inventory` from after [`inventory_from_input`].
const INVENTORY_INPUT: &str = "input.chartgate_inventory";

/// At admission the object under review is not yet in Gatekeeper's inventory (gator's neither),
/// while our inventory holds every object scanned. Templates read it from the input instead,
/// where each review gets the inventory without its own object (the data document stays
/// shared, so no per-object re-preparation of the engine).
fn inventory_from_input(src: &str) -> String {
    const REF: &str = "data.inventory";
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut copied = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'`' => {
                i = string_end(b, i);
                continue;
            }
            _ => {}
        }
        let boundary_before =
            i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.');
        let end = i + REF.len();
        let boundary_after = end >= b.len() || !(b[end].is_ascii_alphanumeric() || b[end] == b'_');
        if boundary_before && boundary_after && src[i..].starts_with(REF) {
            out.push_str(&src[copied..i]);
            out.push_str(INVENTORY_INPUT);
            copied = end;
            i = end;
            continue;
        }
        i += 1;
    }
    out.push_str(&src[copied..]);
    out
}

/// Name of the extension (registered in `check`) that gives `sprintf` Go's behaviour.
pub const GO_FMT: &str = "chartgate_gofmt";

/// Gatekeeper evaluates templates with OPA, whose `sprintf` is Go's `fmt.Sprintf`: a verb
/// without an argument prints `%!v(MISSING)` and surplus arguments `%!(EXTRA type=value)`, where
/// regorus fails the call (and the violation silently disappears). Each `sprintf(f, a)` becomes
/// `sprintf(chartgate_gofmt(f, a), a)`: the format is adjusted to the arguments first.
pub fn go_sprintf_calls(src: &str) -> String {
    go_sprintf_depth(src, 0)
}

fn go_sprintf_depth(src: &str, depth: usize) -> String {
    const NAME: &str = "sprintf";
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut copied = 0usize;
    let mut i = 0usize;
    while i < b.len() && depth < 32 {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'`' => {
                i = string_end(b, i);
                continue;
            }
            _ => {}
        }
        let starts_name = src[i..].starts_with(NAME)
            && (i == 0
                || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_' || b[i - 1] == b'.'));
        if starts_name {
            let mut open = i + NAME.len();
            while open < b.len() && (b[open] == b' ' || b[open] == b'\t') {
                open += 1;
            }
            if open < b.len() && b[open] == b'(' {
                if let Some((comma, close)) = call_args(b, open) {
                    let f = go_sprintf_depth(&src[open + 1..comma], depth + 1);
                    let a = go_sprintf_depth(&src[comma + 1..close], depth + 1);
                    out.push_str(&src[copied..i]);
                    out.push_str(&format!("{NAME}({GO_FMT}({f},{a}),{a})"));
                    copied = close + 1;
                    i = close + 1;
                    continue;
                }
            }
        }
        i += 1;
    }
    out.push_str(&src[copied..]);
    out
}

/// Index just past the string literal opening at `i` (`"…"` with escapes, or `` `…` ``).
fn string_end(b: &[u8], mut i: usize) -> usize {
    let q = b[i];
    i += 1;
    while i < b.len() && b[i] != q {
        if q == b'"' && b[i] == b'\\' {
            i += 1;
        }
        i += 1;
    }
    (i + 1).min(b.len())
}

/// For a call whose `(` is at `open`: the first top-level comma and the closing `)`.
fn call_args(b: &[u8], open: usize) -> Option<(usize, usize)> {
    let mut depth = 0usize;
    let mut comma = None;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' | b'`' => {
                i = string_end(b, i);
                continue;
            }
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return comma.map(|c| (c, i));
                }
            }
            b',' if depth == 1 && comma.is_none() => comma = Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The `chartgate_gofmt(format, args)` extension: `format` with each verb that has no
/// argument replaced by Go's literal `%!v(MISSING)`, and `%!(EXTRA type=%v, …)` appended for
/// arguments without a verb, so regorus's `sprintf` then consumes exactly the arguments given.
/// Verbs are read as regorus's `sprintf` reads them (`%%`, optional width or precision, verb).
pub fn go_format(fmt: &str, args: &[R]) -> String {
    let mut out = String::with_capacity(fmt.len() + 16);
    let mut verbs = 0usize;
    let mut chars = fmt.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = String::from("%");
        let verb = match chars.next() {
            Some('%') => {
                out.push_str("%%");
                continue;
            }
            Some(d) if d == '.' || d.is_ascii_digit() => {
                spec.push(d);
                while let Some(&n) = chars.peek().filter(|n| n.is_ascii_digit()) {
                    spec.push(n);
                    chars.next();
                }
                chars.next()
            }
            other => other,
        };
        let Some(verb) = verb else {
            out.push_str("%%!(NOVERB)");
            break;
        };
        spec.push(verb);
        if verbs < args.len() {
            out.push_str(&spec);
        } else {
            out.push_str(&format!("%%!{verb}(MISSING)"));
        }
        verbs += 1;
    }
    if verbs < args.len() {
        // OPA hands integers to Go as int, other numbers as float64, everything else as a
        // string.
        let extra: Vec<String> = args[verbs..]
            .iter()
            .map(|a| match a {
                R::Number(n) if n.is_integer() => "int=%v".to_string(),
                R::Number(_) => "float64=%v".to_string(),
                _ => "string=%v".to_string(),
            })
            .collect();
        out.push_str(&format!("%%!(EXTRA {})", extra.join(", ")));
    }
    out
}

/// In a rule body a newline ends the expression: OPA reads `input.parameters.x` followed by a
/// line `(a - b) >= c` as two expressions, regorus as a call `x(a - b)`. A `;` (Rego's explicit
/// separator) is put after the first line in that case.
pub fn separate_paren_lines(src: &str) -> String {
    const KEYWORDS: &[&str] = &[
        "not", "some", "in", "with", "as", "else", "contains", "if", "every", "default",
    ];
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() + 8);
    let mut stack: Vec<u8> = Vec::new();
    let mut last_sig: Option<usize> = None;
    let mut copied = 0usize;
    let mut i = 0usize;
    while i < b.len() {
        match b[i] {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' | b'`' => {
                let q = b[i];
                i += 1;
                while i < b.len() && b[i] != q {
                    if q == b'"' && b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                last_sig = Some(i.min(b.len().saturating_sub(1)));
            }
            b'\n' if stack.last() == Some(&b'{') => {
                let mut j = i + 1;
                while j < b.len() {
                    match b[j] {
                        b' ' | b'\t' | b'\r' | b'\n' => j += 1,
                        b'#' => {
                            while j < b.len() && b[j] != b'\n' {
                                j += 1;
                            }
                        }
                        _ => break,
                    }
                }
                if let Some(l) = last_sig.filter(|&l| l >= copied) {
                    let ends_term = matches!(b[l], b'_' | b']' | b')' | b'"' | b'`')
                        || b[l].is_ascii_alphanumeric();
                    let word_start = src[..=l]
                        .rfind(|ch: char| !(ch.is_ascii_alphanumeric() || ch == '_'))
                        .map_or(0, |p| p + 1);
                    let keyword = KEYWORDS.contains(&&src[word_start..=l]);
                    if j < b.len() && b[j] == b'(' && ends_term && !keyword {
                        out.push_str(&src[copied..=l]);
                        out.push(';');
                        copied = l + 1;
                    }
                }
            }
            c @ (b'{' | b'[' | b'(') => {
                stack.push(c);
                last_sig = Some(i);
            }
            b'}' | b']' | b')' => {
                stack.pop();
                last_sig = Some(i);
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => last_sig = Some(i),
        }
        i += 1;
    }
    out.push_str(&src[copied..]);
    out
}

/// Rego v0 lets one head carry several bodies, `head { a } { b }`, meaning `head { a }` and
/// `head { b }` (an OR). Gatekeeper's library uses it for partial set rules
/// (`violation[...] { } { }`), which regorus rejects; the bodies are written out as separate
/// rules with the same head. Strings, raw strings and comments are skipped; a `{` right after
/// `=`/`:=` (an object or set value) is part of the head, not a body.
pub fn split_chained_bodies(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len() + 64);
    // Start of the current top-level statement, and its head once a body has opened.
    let mut stmt: Option<usize> = None;
    let mut head: Option<(usize, usize)> = None;
    let mut depth = 0usize;
    // Depth at which the current top-level body opened (1) or a value brace did (None).
    let mut in_body = false;
    let mut copied = 0usize;
    let mut i = 0usize;
    // Skips whitespace and comments from `j`; returns the next significant index.
    let skip_ws = |mut j: usize| -> usize {
        while j < b.len() {
            match b[j] {
                b' ' | b'\t' | b'\r' | b'\n' => j += 1,
                b'#' => {
                    while j < b.len() && b[j] != b'\n' {
                        j += 1;
                    }
                }
                _ => break,
            }
        }
        j
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'#' => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'"' => {
                stmt.get_or_insert(i);
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
            }
            b'`' => {
                stmt.get_or_insert(i);
                i += 1;
                while i < b.len() && b[i] != b'`' {
                    i += 1;
                }
            }
            b'\n' if depth == 0 => {
                // A line ends a top-level statement unless a body or value brace follows.
                let next = skip_ws(i + 1);
                if next >= b.len() || b[next] != b'{' {
                    stmt = None;
                }
            }
            b'{' if depth == 0 => {
                let start = stmt.unwrap_or(i);
                let before = src[start..i].trim_end();
                let value = before.is_empty()
                    || before.ends_with('=')
                    || before.ends_with(',')
                    || before.ends_with('(')
                    || before.ends_with('[');
                stmt.get_or_insert(i);
                if !value {
                    in_body = true;
                    head = Some((start, start + before.len()));
                }
                depth += 1;
            }
            b'{' | b'[' | b'(' => {
                stmt.get_or_insert(i);
                depth += 1;
            }
            b'}' | b']' | b')' => {
                depth = depth.saturating_sub(1);
                if depth == 0 && c == b'}' && in_body {
                    in_body = false;
                    let next = skip_ws(i + 1);
                    match head {
                        Some((hs, he))
                            if next < b.len()
                                && b[next] == b'{'
                                && !src[hs..he].starts_with("else") =>
                        {
                            // Chained body: repeat the head before it.
                            out.push_str(&src[copied..=i]);
                            out.push('\n');
                            out.push_str(&src[hs..he]);
                            out.push(' ');
                            copied = next;
                            // The chained body opens with that `{` and keeps the head.
                            in_body = true;
                            depth = 1;
                            i = next + 1;
                            continue;
                        }
                        _ => {
                            // `} else ...` continues the statement; anything else ends it.
                            if !src[next..].starts_with("else") {
                                stmt = None;
                            } else {
                                stmt = Some(next);
                            }
                            head = None;
                        }
                    }
                }
            }
            b' ' | b'\t' | b'\r' | b'\n' => {}
            _ => {
                stmt.get_or_insert(i);
            }
        }
        i += 1;
    }
    out.push_str(&src[copied..]);
    out
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
            inventory: std::iter::once(&t.rego)
                .chain(t.libs.iter())
                .any(|src| src.contains(INVENTORY_INPUT)),
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

/// Gatekeeper's wildcard strings (namespaces, excludedNamespaces, name): a trailing `*` is a
/// prefix match (`kube-*`), a leading `*` a suffix match (`*-system`), otherwise exact.
fn ns_match(pattern: &str, ns: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix('*') {
        ns.starts_with(prefix)
    } else if let Some(suffix) = pattern.strip_prefix('*') {
        ns.ends_with(suffix)
    } else {
        pattern == ns
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
    // An empty release namespace means none is known (gator's case): the object keeps the
    // namespace it declares, if any.
    let ns = str_field(&t.doc["metadata"], "namespace")
        .filter(|n| !n.is_empty())
        .or_else(|| {
            (!cluster_scoped(&kind) && !namespace.is_empty()).then(|| namespace.to_string())
        });
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

    /// Gatekeeper's match criteria, all of which must hold. The namespace an object is matched
    /// on is a Namespace's own name, else the review's namespace, else the one the object
    /// declares; an object with none (cluster-scoped, or no namespace known, as in gator) is
    /// not disqualified by `namespaces`, `excludedNamespaces` or `namespaceSelector`.
    fn matches(&self, rev: &R, ns_labels: &NamespaceLabels) -> bool {
        let m = &self.matcher;
        // Gatekeeper matches on the object's own group/kind (an AdmissionReview's request may
        // carry no `kind`); the request's kind is the fallback (a DELETE has no object).
        let (group, kind) = match str_field(&rev["object"], "kind") {
            Some(k) => (
                group_version(&str_field(&rev["object"], "apiVersion").unwrap_or_default()).0,
                k,
            ),
            None => (
                str_field(&rev["kind"], "group").unwrap_or_default(),
                str_field(&rev["kind"], "kind").unwrap_or_default(),
            ),
        };
        if !m.kinds.is_empty()
            && !m.kinds.iter().any(|(groups, kinds)| {
                (groups.is_empty() || groups.iter().any(|g| g == "*" || *g == group))
                    && (kinds.is_empty() || kinds.iter().any(|k| k == "*" || *k == kind))
            })
        {
            return false;
        }
        let obj = &rev["object"];
        let is_namespace = kind == "Namespace" && group.is_empty();
        let review_ns = str_field(rev, "namespace").filter(|n| !n.is_empty());
        let ns = review_ns
            .clone()
            .or_else(|| str_field(&obj["metadata"], "namespace").filter(|n| !n.is_empty()));
        match m.scope.as_deref() {
            Some("Cluster") if !is_namespace && ns.is_some() => return false,
            Some("Namespaced") if is_namespace || ns.is_none() => return false,
            _ => {}
        }
        let match_ns = if is_namespace {
            str_field(&obj["metadata"], "name").or_else(|| str_field(rev, "name"))
        } else {
            ns.clone()
        };
        if let Some(n) = &match_ns {
            if !m.namespaces.is_empty() && !m.namespaces.iter().any(|p| ns_match(p, n)) {
                return false;
            }
            if m.excluded.iter().any(|p| ns_match(p, n)) {
                return false;
            }
        }
        if let Some(pat) = &m.name {
            let name = str_field(&obj["metadata"], "name")
                .or_else(|| str_field(rev, "name"))
                .unwrap_or_default();
            // An object created with generateName matches a prefix pattern its prefix fits.
            let generated = str_field(&obj["metadata"], "generateName").is_some_and(|g| {
                pat.strip_suffix('*')
                    .is_some_and(|p| !p.is_empty() && g.starts_with(p))
            });
            if !pat.is_empty() && !ns_match(pat, &name) && !generated {
                return false;
            }
        }
        if let Some(sel) = &m.labels {
            if !selects(sel, &obj["metadata"]["labels"]) {
                return false;
            }
        }
        if let Some(sel) = &m.namespace_selector {
            // A Namespace is matched on its own labels; a namespaced object on its
            // namespace's labels, when that Namespace is among the inputs. Without it the
            // selector cannot be decided offline (Gatekeeper fails the review) and the
            // constraint is not applied: no guessed violations. Objects without a namespace
            // are not restricted by it.
            if is_namespace {
                if !selects(sel, &obj["metadata"]["labels"]) {
                    return false;
                }
            } else if let Some(n) = &ns {
                match ns_labels.get(n) {
                    Some(l) if selects(sel, l) => {}
                    _ => return false,
                }
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
        if self.inventory {
            let data = eng.get_data();
            let inv = match inventory_path(&t.doc, namespace) {
                Some(path) => without(&data["inventory"], &path),
                None => data["inventory"].clone(),
            };
            if !matches!(inv, R::Undefined) {
                input.insert("chartgate_inventory".into(), inv);
            }
        }
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

/// Where an object sits in `data.inventory`: `cluster/<apiVersion>/<kind>/<name>` or
/// `namespace/<ns>/<apiVersion>/<kind>/<name>`. AdmissionReview documents and objects without
/// kind or name are not inventory.
fn inventory_path(doc: &R, namespace: &str) -> Option<Vec<String>> {
    let api = str_field(doc, "apiVersion").unwrap_or_default();
    let kind = str_field(doc, "kind").filter(|k| !k.is_empty() && k != "AdmissionReview")?;
    let name = str_field(&doc["metadata"], "name").filter(|n| !n.is_empty())?;
    if cluster_scoped(&kind) {
        return Some(vec!["cluster".into(), api, kind, name]);
    }
    let ns = str_field(&doc["metadata"], "namespace").unwrap_or_else(|| namespace.to_string());
    Some(vec!["namespace".into(), ns, api, kind, name])
}

/// `inv` without the entry at `path`, dropping maps left empty (an empty kind map would still
/// read as "synced" to a template).
fn without(inv: &R, path: &[String]) -> R {
    let Some((first, rest)) = path.split_first() else {
        return R::Undefined;
    };
    let Ok(map) = inv.as_object() else {
        return inv.clone();
    };
    let key = R::from(first.as_str());
    let Some(child) = map.get(&key) else {
        return inv.clone();
    };
    let mut m = map.clone();
    let sub = without(child, rest);
    if matches!(&sub, R::Undefined) || sub.as_object().is_ok_and(|o| o.is_empty()) {
        m.remove(&key);
    } else {
        m.insert(key, sub);
    }
    R::from(m)
}

/// `data.inventory` as Gatekeeper's sync fills it, from the objects under scan.
pub fn inventory(targets: &[Target], namespace: &str) -> R {
    // apiVersion → kind → name → object.
    type ByApi = BTreeMap<String, BTreeMap<String, BTreeMap<String, R>>>;
    let mut cluster: ByApi = BTreeMap::new();
    let mut namespaced: BTreeMap<String, ByApi> = BTreeMap::new();
    for t in targets {
        let Some(path) = inventory_path(&t.doc, namespace) else {
            continue;
        };
        let by_api = match path.len() {
            4 => &mut cluster,
            _ => namespaced.entry(path[1].clone()).or_default(),
        };
        let n = path.len();
        by_api
            .entry(path[n - 3].clone())
            .or_default()
            .entry(path[n - 2].clone())
            .or_default()
            .insert(path[n - 1].clone(), t.doc.clone());
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::tests::{load_dir, tmpdir};

    fn target(yaml: &str) -> Target {
        Target {
            doc: to_rego(&gotpl::yaml::load(yaml).unwrap()),
            path: "x.yaml".into(),
            line: None,
            chart: None,
            src: None,
            values: None,
        }
    }

    /// A constraint of a template-less kind with the given `spec:` body.
    fn constraint(spec: &str) -> Constraint {
        let t = Template {
            file: "t.yaml".into(),
            kind: "K8sT".into(),
            package: "t".into(),
            rego: String::new(),
            libs: vec![],
        };
        let doc = gotpl::yaml::load(&format!(
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sT\nmetadata:\n  name: c\nspec:\n{spec}"
        ))
        .unwrap();
        bind(&[t], vec![("c.yaml".into(), doc)]).unwrap().remove(0)
    }

    /// Whether the constraint applies to `obj` reviewed with release namespace `ns`.
    fn applies(c: &Constraint, obj: &str, ns: &str) -> bool {
        let t = target(obj);
        let labels = namespace_labels(std::slice::from_ref(&t));
        c.matches(&review(&t, ns), &labels)
    }

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n";
    const POD_IN_PROD: &str =
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: prod\n";
    const NS_PROD: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n";
    const NS_DEV: &str = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n";

    #[test]
    fn a_namespace_is_matched_on_its_own_name() {
        let only_prod = constraint("  match:\n    namespaces: [prod]\n");
        assert!(applies(&only_prod, NS_PROD, ""));
        assert!(!applies(&only_prod, NS_DEV, ""));
        let not_prod = constraint("  match:\n    excludedNamespaces: [prod]\n");
        assert!(!applies(&not_prod, NS_PROD, "x"));
        assert!(applies(&not_prod, NS_DEV, "x"));
    }

    #[test]
    fn no_known_namespace_does_not_disqualify() {
        // gator's case (no release namespace): a Pod without metadata.namespace passes
        // `namespaces` and `excludedNamespaces`.
        let only_default = constraint("  match:\n    namespaces: [default]\n");
        assert!(applies(&only_default, POD, ""));
        assert!(!applies(&only_default, POD, "other"));
        assert!(applies(&only_default, POD, "default"));
        assert!(!applies(&only_default, POD_IN_PROD, ""));
        let no_kube = constraint("  match:\n    excludedNamespaces: [\"kube-*\"]\n");
        assert!(applies(&no_kube, POD, ""));
        // Cluster-scoped objects are not restricted by namespaces.
        let cr =
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: r\n";
        assert!(applies(&only_default, cr, "other"));
        // The review carries no namespace then, and the object gets none added.
        let rev = review(&target(POD), "");
        assert_eq!(rev["namespace"], R::Undefined);
        assert_eq!(rev["object"]["metadata"]["namespace"], R::Undefined);
        let rev = review(&target(POD), "apps");
        assert_eq!(str_field(&rev, "namespace").as_deref(), Some("apps"));
    }

    #[test]
    fn wildcards_prefix_and_suffix() {
        let c = constraint("  match:\n    excludedNamespaces: [\"*-system\", \"tmp-*\"]\n");
        assert!(!applies(&c, POD, "kube-system"));
        assert!(!applies(&c, POD, "tmp-1"));
        assert!(applies(&c, POD, "apps"));
        assert!(ns_match("*", "anything"));
        assert!(!ns_match("kube", "kube-system"));
    }

    #[test]
    fn scope_treats_a_namespace_as_cluster_scoped() {
        let cluster = constraint("  match:\n    scope: Cluster\n");
        let namespaced = constraint("  match:\n    scope: Namespaced\n");
        assert!(applies(&cluster, NS_PROD, "x"));
        assert!(!applies(&namespaced, NS_PROD, "x"));
        assert!(!applies(&cluster, POD_IN_PROD, ""));
        assert!(applies(&namespaced, POD_IN_PROD, ""));
        // No namespace known at all: cluster-scoped as far as matching goes.
        assert!(applies(&cluster, POD, ""));
        assert!(!applies(&namespaced, POD, ""));
    }

    #[test]
    fn name_glob_and_generate_name() {
        let c = constraint("  match:\n    name: \"web-*\"\n");
        assert!(applies(&c, "kind: Pod\nmetadata:\n  name: web-1\n", "x"));
        assert!(!applies(&c, "kind: Pod\nmetadata:\n  name: db-1\n", "x"));
        assert!(applies(
            &c,
            "kind: Pod\nmetadata:\n  generateName: web-\n",
            "x"
        ));
    }

    #[test]
    fn namespace_selector_uses_the_namespace_own_labels() {
        let c = constraint("  match:\n    namespaceSelector:\n      matchLabels: {env: prod}\n");
        let labelled =
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels: {env: prod}\n";
        assert!(applies(&c, labelled, ""));
        assert!(!applies(&c, NS_PROD, ""));
        // A namespaced object whose Namespace is not among the inputs: undecidable, not applied.
        assert!(!applies(&c, POD_IN_PROD, ""));
        // No namespace at all: not restricted.
        assert!(applies(&c, POD, ""));
    }

    #[test]
    fn chained_bodies_become_separate_rules() {
        let src = "package p\n\nviolation[{\"msg\": msg}] {\n  input.a\n  msg := \"a {}\"\n} {\n  input.b\n  msg := \"b\"\n}\n";
        let out = split_chained_bodies(src);
        assert_eq!(
            out,
            "package p\n\nviolation[{\"msg\": msg}] {\n  input.a\n  msg := \"a {}\"\n}\nviolation[{\"msg\": msg}] {\n  input.b\n  msg := \"b\"\n}\n"
        );
        // Functions with a value, object values, comments and else chains are left alone
        // except for the chained body itself.
        let f = "f(x) = y {\n  y := x\n} # c {\n{\n  y := 2\n}\n";
        assert_eq!(
            split_chained_bodies(f),
            "f(x) = y {\n  y := x\n}\nf(x) = y {\n  y := 2\n}\n"
        );
        for same in [
            "x = {\"a\": 1}\ny := {1, 2}\n",
            "a = 1 {\n  false\n} else = 2 {\n  true\n}\n",
            "default allow = false\nallow {\n  input.x == \"}{\"\n}\n",
            "r := `raw { }` \ns[x] { x := input[_] }\n",
        ] {
            assert_eq!(split_chained_bodies(same), same);
        }
    }

    #[test]
    fn templates_with_chained_set_bodies_load_and_evaluate() {
        let dir = tmpdir("gk-chain");
        let template = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8schain
spec:
  crd:
    spec:
      names:
        kind: K8sChain
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8schain

        sa(obj) = s {
          obj.kind == "Pod"
          s := obj.spec.serviceAccountName
        } {
          obj.kind == "Deployment"
          s := obj.spec.template.spec.serviceAccountName
        }

        violation[{"msg": msg}] {
          sa(input.review.object) == "default"
          msg := "default service account"
        } {
          not sa(input.review.object)
          input.review.object.kind != "Job"
          msg := "no service account"
        }

        violation[{"msg": msg}] {
          input.review.object.kind == "Job"
          msg := sprintf("%v has %v", [input.review.object.metadata.name])
        }
"#;
        std::fs::write(dir.join("t.yaml"), template).unwrap();
        std::fs::write(
            dir.join("c.yaml"),
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sChain\nmetadata:\n  name: sa\n",
        )
        .unwrap();
        let set = load_dir(&dir);
        let msgs = |y: &str| -> Vec<String> {
            set.evaluate(&[target(y)], "")
                .unwrap()
                .into_iter()
                .map(|f| f.message)
                .collect()
        };
        assert_eq!(
            msgs("kind: Pod\nmetadata: {name: a}\nspec: {serviceAccountName: default}\n"),
            vec!["default service account"]
        );
        assert_eq!(
            msgs("kind: Pod\nmetadata: {name: a}\nspec: {}\n"),
            vec!["no service account"]
        );
        assert!(msgs(
            "kind: Deployment\nmetadata: {name: a}\nspec: {template: {spec: {serviceAccountName: app}}}\n"
        )
        .is_empty());
        // OPA's (Go's) sprintf with a missing argument still makes the violation.
        assert_eq!(
            msgs("kind: Job\nmetadata: {name: j}\n"),
            vec!["j has %!v(MISSING)"]
        );
    }

    #[test]
    fn a_body_line_opening_with_a_paren_is_its_own_expression() {
        let src = "p(h) {\n    input.x.spread\n    (h.max - h.min) >= input.x.spread\n}\n";
        assert_eq!(
            separate_paren_lines(src),
            "p(h) {\n    input.x.spread;\n    (h.max - h.min) >= input.x.spread\n}\n"
        );
        // Operators, keywords and calls spanning lines are left alone.
        for same in [
            "p {\n  x := 1 +\n  (2)\n}\n",
            "p {\n  not\n  (x)\n}\n",
            "p {\n  f(\n  (x))\n}\n",
            "x := [a,\n(b)]\n",
        ] {
            assert_eq!(separate_paren_lines(same), same);
        }
        // OPA's reading, not a call: `crate::policy::check` no longer sees one either.
        let names = super::super::check::called_names(src);
        assert!(!names.contains("input.x.spread"), "{names:?}");
    }

    #[test]
    fn sprintf_gets_gos_missing_and_extra_arguments() {
        let s = |v: &[R]| go_format("%v <%v> %d%% %5d %.2f", v);
        let one = [R::from("a")];
        assert_eq!(
            s(&one),
            "%v <%%!v(MISSING)> %%!d(MISSING)%% %%!d(MISSING) %%!f(MISSING)"
        );
        let five = [R::from(1), R::from(2), R::from(3), R::from(4), R::from(5)];
        assert_eq!(s(&five), "%v <%v> %d%% %5d %.2f");
        let extra = [R::from("x"), R::from(7), R::from(1.5), R::new_array()];
        assert_eq!(
            go_format("%v", &extra),
            "%v%%!(EXTRA int=%v, float64=%v, string=%v)"
        );
        assert_eq!(go_format("ends %", &[]), "ends %%!(NOVERB)");
        // Call sites are routed through the format fix-up, nested calls too; strings and
        // other names untouched.
        let src = "m := sprintf(\"%v, %v\", [a, sprintf(\"(%v)\", [b])])\nx := my_sprintf(1)\n# sprintf(c)\n";
        assert_eq!(
            go_sprintf_calls(src),
            "m := sprintf(chartgate_gofmt(\"%v, %v\", [a, sprintf(chartgate_gofmt(\"(%v)\", [b]), [b])]), [a, sprintf(chartgate_gofmt(\"(%v)\", [b]), [b])])\nx := my_sprintf(1)\n# sprintf(c)\n"
        );
    }

    #[test]
    fn rego_and_libs_of_a_code_engine_list() {
        let y = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8scode
spec:
  crd:
    spec:
      names:
        kind: K8sCode
  targets:
    - target: admission.k8s.gatekeeper.sh
      code:
      - engine: K8sNativeValidation
        source:
          validations:
          - expression: "true"
      - engine: Rego
        source:
          rego: |
            package k8scode
            import data.lib.helper.bad
            violation[{"msg": "m"}] { bad(input.review.object) }
          libs:
          - |
            package lib.helper
            bad(o) { o.spec.bad }
"#;
        let (t, c) = read_yaml(Path::new("t.yaml"), y).unwrap();
        assert!(c.is_empty());
        assert_eq!(t.len(), 1);
        assert_eq!(t[0].package, "k8scode");
        assert_eq!(t[0].libs.len(), 1);
        assert!(t[0].libs[0].starts_with("package lib.helper"));
    }

    #[test]
    fn the_reviewed_object_is_not_in_its_own_inventory() {
        let pdb = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: p\n  namespace: ns\n";
        let dep = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n";
        let sc = "apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: s\n";
        let review = "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest: {}\n";
        let ts: Vec<Target> = [pdb, dep, sc, review].into_iter().map(target).collect();
        let data = inventory(&ts, "rel");
        let inv = &data["inventory"];
        assert!(matches!(
            inv["namespace"]["ns"]["policy/v1"]["PodDisruptionBudget"]["p"],
            R::Object(_)
        ));
        assert!(matches!(
            inv["namespace"]["rel"]["apps/v1"]["Deployment"]["d"],
            R::Object(_)
        ));
        assert!(matches!(
            inv["cluster"]["storage.k8s.io/v1"]["StorageClass"]["s"],
            R::Object(_)
        ));
        assert_eq!(inventory_path(&ts[3].doc, "rel"), None);
        // Without the PDB: its namespace, emptied, disappears; the rest stays.
        let path = inventory_path(&ts[0].doc, "rel").unwrap();
        let rest = without(inv, &path);
        assert_eq!(rest["namespace"]["ns"], R::Undefined);
        assert!(matches!(
            rest["namespace"]["rel"]["apps/v1"]["Deployment"]["d"],
            R::Object(_)
        ));
        let path = inventory_path(&ts[2].doc, "rel").unwrap();
        assert_eq!(without(inv, &path)["cluster"], R::Undefined);
        // Templates read it from the input, where evaluation puts that reduced inventory.
        assert_eq!(
            inventory_from_input("x := data.inventory.namespace[ns]\ny := \"data.inventory\"\nz := data.inventoryx\n"),
            "x := input.chartgate_inventory.namespace[ns]\ny := \"data.inventory\"\nz := data.inventoryx\n"
        );
    }

    #[test]
    fn inventory_seen_by_a_template_excludes_the_reviewed_object() {
        let dir = tmpdir("gk-inv");
        let template = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8ssees
spec:
  crd:
    spec:
      names:
        kind: K8sSees
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8ssees
        violation[{"msg": msg}] {
          data.inventory.namespace[_][_][_][name]
          msg := sprintf("%v sees %v", [input.review.object.metadata.name, name])
        }
"#;
        std::fs::write(dir.join("t.yaml"), template).unwrap();
        std::fs::write(
            dir.join("c.yaml"),
            "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sSees\nmetadata:\n  name: s\n",
        )
        .unwrap();
        let set = load_dir(&dir);
        let cm = |n: &str| {
            target(&format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {n}\n"
            ))
        };
        let mut msgs: Vec<String> = set
            .evaluate(&[cm("a"), cm("b")], "ns")
            .unwrap()
            .into_iter()
            .map(|f| f.message)
            .collect();
        msgs.sort();
        assert_eq!(msgs, vec!["a sees b", "b sees a"]);
        assert!(set.evaluate(&[cm("alone")], "ns").unwrap().is_empty());
    }

    #[test]
    fn an_admission_review_is_matched_on_its_object_kind() {
        let pods =
            constraint("  match:\n    kinds:\n    - apiGroups: [\"\"]\n      kinds: [Pod]\n");
        // gator's samples give `request` without `kind`: the object's kind decides.
        let review = "kind: AdmissionReview\napiVersion: admission.k8s.io/v1\nrequest:\n  operation: UPDATE\n  object:\n    apiVersion: v1\n    kind: Pod\n    metadata: {name: p}\n";
        assert!(applies(&pods, review, ""));
        let deploy = review.replace(
            "apiVersion: v1\n    kind: Pod",
            "apiVersion: apps/v1\n    kind: Deployment",
        );
        assert!(!applies(&pods, &deploy, ""));
        let rev = super::review(&target(review), "");
        assert_eq!(str_field(&rev, "operation").as_deref(), Some("UPDATE"));
    }
}
