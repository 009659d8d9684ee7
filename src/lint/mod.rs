//! Structural lint: what `helm lint` checks (Chart.yaml, values.yaml, templates that render to
//! valid Kubernetes objects) plus removed/deprecated API versions and duplicate objects.
//! Rules are declared once in [`RULES`]; `chartgate rules` and SARIF read the same table.

pub mod deprecated;
pub mod kschema;
pub mod locate;

use crate::chart::Chart;
use crate::finding::{fingerprint, Finding, Location, ObjectRef, RuleDoc, Severity, Stage};
use std::collections::HashMap;

/// A rendered document of a chart, as the stages after rendering see it.
pub struct Rendered {
    /// helm's template name (`web/templates/deployment.yaml`).
    pub template: String,
    /// The template's path relative to the scan root, for reports.
    pub path: String,
    /// The document's text.
    pub text: String,
    /// The parsed document, or the YAML error.
    pub doc: Result<gotpl::Value, String>,
    /// Line in the template source where the object starts, when it can be told.
    pub line: Option<u32>,
    /// The template source, to point field-level findings at the line that sets the field.
    pub src: Option<std::sync::Arc<str>>,
}

struct Rule {
    id: &'static str,
    stage: Stage,
    severity: Severity,
    title: &'static str,
    help: &'static str,
}

const RULES: &[Rule] = &[
    Rule { id: "render/template-error", stage: Stage::Render, severity: Severity::Error,
        title: "Template fails to render",
        help: "helm would refuse to install this chart: a template has a parse or execution error (including `required` and `fail`). The message is helm's own wording." },
    Rule { id: "render/required-value", stage: Stage::Render, severity: Severity::Warning,
        title: "Chart needs values to render",
        help: "With its default values the chart stops at `required` or `fail`: it needs values at install time. The rest of the chart was checked as `helm lint` does (those calls return \"\"). Scan with your values (`-f`, `--set`, `--ci-values`) to check the real render; with values given, a failing render is `render/template-error`." },
    Rule { id: "render/load-error", stage: Stage::Render, severity: Severity::Error,
        title: "Chart cannot be loaded",
        help: "Chart.yaml, values.yaml, a dependency or the archive is broken, so the chart cannot be rendered at all." },
    Rule { id: "render/values-schema", stage: Stage::Values, severity: Severity::Error,
        title: "Values do not match values.schema.json",
        help: "helm validates the final values against the chart's values.schema.json and refuses to render when they do not match. Fix the value or the schema." },
    Rule { id: "lint/chart-yaml", stage: Stage::Lint, severity: Severity::Error,
        title: "Chart.yaml is invalid",
        help: "Chart.yaml must have `apiVersion` (v1 or v2), a `name` and a SemVer 2 `version`; `type` is `application` or `library`." },
    Rule { id: "lint/chart-version", stage: Stage::Lint, severity: Severity::Warning,
        title: "Chart version is not strict SemVer 2",
        help: "`helm lint` warns when `version` is not a strict SemVer 2 string, e.g. `v1.2.3` (the `v` prefix is tolerated by helm but not by every repository tool)." },
    Rule { id: "lint/chart-unknown-field", stage: Stage::Lint, severity: Severity::Warning,
        title: "Unknown field in Chart.yaml",
        help: "Chart.yaml has a field helm does not know, so it is ignored; usually a typo (`appversion` for `appVersion`)." },
    Rule { id: "lint/templates-dir", stage: Stage::Lint, severity: Severity::Warning,
        title: "Chart has no templates/ directory",
        help: "`helm lint` warns when a chart has no `templates/` directory: it renders nothing." },
    Rule { id: "lint/chart-icon", stage: Stage::Lint, severity: Severity::Info,
        title: "Chart has no icon",
        help: "`helm lint` recommends an `icon` URL in Chart.yaml; chart repositories and UIs show it." },
    Rule { id: "lint/values-yaml", stage: Stage::Lint, severity: Severity::Error,
        title: "values.yaml does not parse",
        help: "values.yaml must be a YAML mapping; helm stops at the first syntax error." },
    Rule { id: "lint/invalid-yaml", stage: Stage::Lint, severity: Severity::Error,
        title: "Template renders invalid YAML",
        help: "The rendered document is not valid YAML, so Kubernetes cannot read it. Render with `chartgate template` to see the output; indentation from `toYaml`/`nindent` is the usual cause." },
    Rule { id: "lint/missing-kind", stage: Stage::Lint, severity: Severity::Error,
        title: "Object without apiVersion or kind",
        help: "Every Kubernetes object needs `apiVersion` and `kind`." },
    Rule { id: "lint/invalid-name", stage: Stage::Lint, severity: Severity::Error,
        title: "Object name is not a valid Kubernetes name",
        help: "metadata.name must be a DNS-1123 subdomain: at most 253 lowercase letters, digits, `-` or `.`, starting and ending with a letter or digit." },
    Rule { id: "lint/deprecated-api", stage: Stage::Lint, severity: Severity::Error,
        title: "API version removed from Kubernetes",
        help: "The apiVersion of this object is no longer served by the target Kubernetes version; the install would fail. Use the replacement API (see the Kubernetes deprecated API migration guide)." },
    Rule { id: "lint/k8s-schema", stage: Stage::Lint, severity: Severity::Error,
        title: "Object does not match the Kubernetes schema",
        help: "The rendered object fails the Kubernetes API schema of the target version (checked offline): a wrong type (`replicas: \"2\"`), a missing required field, a value outside the allowed set. The API server would reject it." },
    Rule { id: "lint/duplicate-object", stage: Stage::Lint, severity: Severity::Error,
        title: "Object defined twice",
        help: "Two rendered objects have the same apiVersion group, kind, namespace and name; the second overwrites the first on install." },
];

pub fn rules() -> Vec<RuleDoc> {
    RULES
        .iter()
        .map(|r| RuleDoc {
            id: r.id.to_string(),
            stage: r.stage,
            severity: r.severity,
            title: r.title.to_string(),
            help: r.help.to_string(),
            url: None,
            tags: vec!["helm".into()],
            security_severity: None,
        })
        .collect()
}

fn rule(id: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.id == id)
        .expect("rule declared in RULES")
}

/// Messages longer than this are cut in the middle: a runaway `tpl` recursion makes helm-style
/// error chains of megabytes, which no report should carry whole.
const MAX_MESSAGE: usize = 4096;

fn shorten(m: String) -> String {
    if m.len() <= MAX_MESSAGE {
        return m;
    }
    let mut head = MAX_MESSAGE / 2;
    while !m.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = m.len() - MAX_MESSAGE / 4;
    while !m.is_char_boundary(tail) {
        tail += 1;
    }
    format!(
        "{} … ({} bytes omitted) … {}",
        &m[..head],
        tail - head,
        &m[tail..]
    )
}

/// A finding of a declared rule.
pub fn finding(
    id: &str,
    message: String,
    location: Option<Location>,
    chart: Option<&str>,
) -> Finding {
    let r = rule(id);
    let message = shorten(message);
    let path = location
        .as_ref()
        .map(|l| l.path.clone())
        .unwrap_or_default();
    Finding {
        rule: r.id.to_string(),
        stage: r.stage,
        severity: r.severity,
        security_severity: None,
        help: r.help.to_string(),
        url: None,
        fingerprint: fingerprint(&[r.id, &path, &message]),
        message,
        location,
        related: vec![],
        object: None,
        chart: chart.map(str::to_string),
        suppressed: None,
    }
}

pub fn at(path: &str, line: Option<u32>, column: Option<u32>) -> Option<Location> {
    Some(Location {
        path: path.to_string(),
        line,
        column,
        ..Location::default()
    })
}

/// SemVer 2 as helm's chart version check wants it (a leading `v` is tolerated, like helm).
fn is_semver(v: &str) -> bool {
    let v = v.strip_prefix('v').unwrap_or(v);
    let (core, _) = v.split_once('+').unwrap_or((v, ""));
    let (core, pre) = core.split_once('-').unwrap_or((core, ""));
    let nums: Vec<&str> = core.split('.').collect();
    let num_ok = |n: &str| {
        !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()) && (n == "0" || !n.starts_with('0'))
    };
    nums.len() == 3
        && nums.iter().all(|n| num_ok(n))
        && (pre.is_empty()
            || pre
                .split('.')
                .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')))
}

/// Chart-level checks. `dir` is the chart's directory relative to the scan root.
pub fn check_chart(chart: &Chart, dir: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let chart_yaml = format!("{dir}/Chart.yaml");
    let src = chart
        .raw
        .iter()
        .find(|f| f.name == "Chart.yaml")
        .map(|f| String::from_utf8_lossy(f.data.bytes()).into_owned())
        .unwrap_or_default();
    let spans = gotpl::yaml::load_spanned(&src).ok().map(|(_, s)| s);
    let line_of = |key: &str| {
        spans
            .as_ref()
            .and_then(|s| s.find(&[key]))
            .map(|n| n.key.unwrap_or(n.value).line as u32)
    };
    let m = &chart.metadata;
    let mut bad = |key: &str, msg: String| {
        out.push(finding(
            "lint/chart-yaml",
            msg,
            at(&chart_yaml, line_of(key), None),
            Some(dir),
        ));
    };
    if m.api_version.is_empty() {
        bad("apiVersion", "chart.metadata.apiVersion is required".into());
    } else if m.api_version != "v1" && m.api_version != "v2" {
        bad(
            "apiVersion",
            format!(
                "apiVersion '{}' is not valid. The value must be either \"v1\" or \"v2\"",
                m.api_version
            ),
        );
    }
    if m.name.is_empty() {
        bad("name", "name is required".into());
    } else if m.name.contains('/') || m.name.contains('\\') {
        bad("name", format!("chart name \"{}\" is invalid", m.name));
    }
    if m.version.is_empty() {
        bad("version", "version is required".into());
    } else if !is_semver(&m.version) {
        bad(
            "version",
            format!("version '{}' is not a valid SemVerV2", m.version),
        );
    }
    let mut warn = Vec::new();
    if m.version.starts_with('v') && is_semver(&m.version) {
        warn.push(finding(
            "lint/chart-version",
            format!("version '{}' is not a valid SemVerV2", m.version),
            at(&chart_yaml, line_of("version"), None),
            Some(dir),
        ));
    }
    if !m.type_text.is_empty() && m.type_text != "application" && m.type_text != "library" {
        bad(
            "type",
            format!(
                "chart type is not valid in apiVersion '{}'. It is: {}",
                m.api_version, m.type_text
            ),
        );
    }
    for (i, mt) in m.maintainers.iter().enumerate() {
        if mt.name.is_empty() {
            bad(
                "maintainers",
                format!("each maintainer requires a name (maintainer {i})"),
            );
        }
    }
    if let Ok(gotpl::Value::Map(top)) = gotpl::yaml::load(&src) {
        for key in top.keys() {
            if !CHART_FIELDS.contains(&key.as_str()) {
                warn.push(finding(
                    "lint/chart-unknown-field",
                    format!("failed to strictly parse chart metadata file: unknown field {key:?}"),
                    at(&chart_yaml, line_of(&key), None),
                    Some(dir),
                ));
            }
        }
    }
    let has_templates = if chart.source.is_dir() {
        chart.source.join("templates").is_dir()
    } else {
        !chart.templates.is_empty()
    };
    if !has_templates {
        warn.push(finding(
            "lint/templates-dir",
            "templates/: directory does not exist".into(),
            at(&chart_yaml, None, None),
            Some(dir),
        ));
    }
    out.append(&mut warn);
    if m.icon.is_empty() {
        out.push(finding(
            "lint/chart-icon",
            "icon is recommended".into(),
            at(&chart_yaml, Some(1), None),
            Some(dir),
        ));
    }
    out
}

/// The fields of Chart.yaml helm knows (its strict parse rejects others).
const CHART_FIELDS: &[&str] = &[
    "apiVersion",
    "name",
    "home",
    "sources",
    "version",
    "description",
    "keywords",
    "maintainers",
    "icon",
    "condition",
    "tags",
    "appVersion",
    "deprecated",
    "annotations",
    "kubeVersion",
    "dependencies",
    "type",
];

/// Kubernetes name validation per kind: RBAC objects allow any path segment (`a:b` is common),
/// Services and Namespaces need DNS labels, everything else a DNS-1123 subdomain.
fn valid_name(kind: &str, n: &str) -> bool {
    let label_chars = |n: &str| {
        n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    let alnum_ends = |n: &str| {
        n.starts_with(|c: char| c.is_ascii_alphanumeric())
            && n.ends_with(|c: char| c.is_ascii_alphanumeric())
    };
    match kind {
        "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding" => {
            !n.is_empty() && n != "." && n != ".." && !n.contains('/') && !n.contains('%')
        }
        "Service" => {
            n.len() <= 63
                && label_chars(n)
                && alnum_ends(n)
                && n.starts_with(|c: char| c.is_ascii_lowercase())
        }
        "Namespace" => n.len() <= 63 && label_chars(n) && alnum_ends(n),
        _ => {
            n.len() <= 253
                && n.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.')
                && alnum_ends(n)
        }
    }
}

fn str_at(v: &gotpl::Value, path: &[&str]) -> Option<String> {
    let mut cur = v.clone();
    for p in path {
        cur = cur.as_map()?.get(p)?;
    }
    cur.as_str().map(str::to_string)
}

/// The Kubernetes identity of a parsed object.
pub fn object_ref(doc: &gotpl::Value) -> ObjectRef {
    ObjectRef {
        api_version: str_at(doc, &["apiVersion"]).unwrap_or_default(),
        kind: str_at(doc, &["kind"]).unwrap_or_default(),
        name: str_at(doc, &["metadata", "name"]).unwrap_or_default(),
        namespace: str_at(doc, &["metadata", "namespace"]),
    }
}

/// Checks on the rendered objects of one chart (or one manifest file).
pub fn check_objects(docs: &[Rendered], kube: (u32, u32), chart: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut seen: HashMap<(String, String, String, String), usize> = HashMap::new();
    let schemas = kschema::for_version(kube);
    for (i, r) in docs.iter().enumerate() {
        let loc = at(&r.path, r.line, None);
        let doc = match &r.doc {
            Err(e) => {
                out.push(finding(
                    "lint/invalid-yaml",
                    format!("unable to parse YAML: {e}"),
                    loc,
                    chart,
                ));
                continue;
            }
            Ok(gotpl::Value::Nil) => continue,
            Ok(d) => d,
        };
        let o = object_ref(doc);
        if let Some(errors) = schemas.validate(&crate::render::schema::to_json(doc)) {
            for (path, msg) in errors {
                let line = r
                    .src
                    .as_deref()
                    .and_then(|s| locate::field_line(s, r.line.unwrap_or(1), &path))
                    .or(r.line);
                let mut f = finding(
                    "lint/k8s-schema",
                    format!("{} {:?}: {msg}", o.kind, o.name),
                    at(&r.path, line, None),
                    chart,
                );
                f.fingerprint = fingerprint(&[
                    "lint/k8s-schema",
                    &r.path,
                    &o.kind,
                    &o.name,
                    &path.join("/"),
                ]);
                f.object = Some(o.clone());
                out.push(f);
            }
        }
        let mut push = |id: &str, msg: String| {
            let mut f = finding(id, msg, loc.clone(), chart);
            f.object = Some(o.clone());
            out.push(f);
        };
        if o.api_version.is_empty() || o.kind.is_empty() {
            let missing = if o.kind.is_empty() {
                "kind"
            } else {
                "apiVersion"
            };
            push("lint/missing-kind", format!("object {missing} is missing"));
            continue;
        }
        let generated = o.name.is_empty() && str_at(doc, &["metadata", "generateName"]).is_some();
        if !(valid_name(&o.kind, &o.name) || generated) {
            push(
                "lint/invalid-name",
                format!(
                    "object name {:?} does not conform to Kubernetes naming requirements",
                    o.name
                ),
            );
        }
        if let Some((removed, replacement)) = deprecated::lookup(&o.api_version, &o.kind) {
            if kube >= removed {
                push(
                    "lint/deprecated-api",
                    format!(
                        "{} {} is removed in Kubernetes {}.{} (target {}.{}); use {}",
                        o.api_version, o.kind, removed.0, removed.1, kube.0, kube.1, replacement
                    ),
                );
            }
        }
        let group = o
            .api_version
            .rsplit_once('/')
            .map(|(g, _)| g.to_string())
            .unwrap_or_default();
        let key = (
            group,
            o.kind.clone(),
            o.namespace.clone().unwrap_or_default(),
            o.name.clone(),
        );
        if let Some(first) = seen.insert(key, i) {
            push(
                "lint/duplicate-object",
                format!(
                    "{} {:?} is also defined in {}",
                    o.kind, o.name, docs[first].path
                ),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(text: &str) -> Rendered {
        Rendered {
            template: "c/templates/x.yaml".into(),
            path: "c/templates/x.yaml".into(),
            text: text.into(),
            doc: gotpl::yaml::load(text).map_err(|e| e.to_string()),
            line: Some(1),
            src: Some(text.into()),
        }
    }

    #[test]
    fn chart_checks_like_helm_lint() {
        let files = |chart_yaml: &str, with_templates: bool| {
            let mut v = vec![crate::chart::File {
                name: "Chart.yaml".into(),
                data: chart_yaml.as_bytes().to_vec().into(),
            }];
            if with_templates {
                v.push(crate::chart::File {
                    name: "templates/cm.yaml".into(),
                    data: b"kind: ConfigMap\n".to_vec().into(),
                });
            }
            crate::chart::load_files(v).unwrap()
        };
        let ids = |c: &Chart| -> Vec<String> {
            check_chart(c, "c").into_iter().map(|f| f.rule).collect()
        };
        let good = files(
            "apiVersion: v2\nname: c\nversion: 1.2.3\nicon: https://x/i.png\n",
            true,
        );
        assert!(ids(&good).is_empty(), "{:?}", ids(&good));
        let c = files(
            "apiVersion: v2\nname: c\nversion: v1.2.3\nbogus: x\n",
            false,
        );
        let got = ids(&c);
        for want in [
            "lint/chart-version",
            "lint/chart-unknown-field",
            "lint/templates-dir",
            "lint/chart-icon",
        ] {
            assert!(got.iter().any(|g| g == want), "{want} missing in {got:?}");
        }
        let bad = files("apiVersion: v3\nname: c\nversion: 1.2\n", true);
        assert_eq!(
            ids(&bad).iter().filter(|g| *g == "lint/chart-yaml").count(),
            2
        );
    }

    #[test]
    fn long_messages_are_cut() {
        let m = "é".repeat(10_000);
        let s = shorten(m);
        assert!(s.len() < MAX_MESSAGE + 100 && s.contains("bytes omitted"));
        assert_eq!(shorten("short".into()), "short");
    }

    #[test]
    fn names_by_kind() {
        assert!(valid_name("ClusterRole", "rel-cert-manager:leaderelection"));
        assert!(!valid_name("ConfigMap", "a:b") && !valid_name("ConfigMap", "Upper"));
        assert!(valid_name("ConfigMap", "a.b-c"));
        assert!(!valid_name("Service", "1abc") && !valid_name("Service", "a.b"));
        assert!(!valid_name("Namespace", &"a".repeat(64)));
    }

    #[test]
    fn semver_rules() {
        assert!(is_semver("1.2.3") && is_semver("v1.2.3-rc.1+b5") && is_semver("0.0.0"));
        assert!(!is_semver("1.2") && !is_semver("01.2.3") && !is_semver("1.2.x"));
    }

    #[test]
    fn object_checks() {
        let docs = vec![
            rendered("apiVersion: batch/v1beta1\nkind: CronJob\nmetadata:\n  name: Bad_Name\n"),
            rendered("kind: ConfigMap\nmetadata:\n  name: a\n"),
            rendered("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n"),
            rendered("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dup\n"),
            rendered("a: [1\n"),
            rendered("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: \"80\"\n"),
        ];
        let f = check_objects(&docs, (1, 30), Some("c"));
        let ids: Vec<&str> = f.iter().map(|f| f.rule.as_str()).collect();
        assert_eq!(
            ids,
            [
                "lint/invalid-name",
                "lint/deprecated-api",
                "lint/missing-kind",
                "lint/duplicate-object",
                "lint/invalid-yaml",
                "lint/k8s-schema"
            ]
        );
        assert_eq!(
            f[5].location.as_ref().unwrap().line,
            Some(7),
            "points at the port line"
        );
        // Before its removal the old CronJob API is fine.
        assert!(check_objects(&docs[..1], (1, 24), None)
            .iter()
            .all(|f| f.rule != "lint/deprecated-api"));
    }

    #[test]
    fn every_rule_has_docs() {
        for r in rules() {
            assert!(!r.title.is_empty() && r.help.len() > 20, "{}", r.id);
        }
    }
}
