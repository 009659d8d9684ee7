use super::*;

fn builtin_tests() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("policies");
    let mut v = test::read_dir(&dir).unwrap();
    v.retain(|(n, _)| n.ends_with("_test.rego"));
    v
}

#[test]
fn builtin_library_rego_tests_pass() {
    let tests = builtin_tests();
    assert!(
        tests.len() >= 30,
        "expected a test file per built-in policy"
    );
    let out = run_tests(&tests, true).unwrap();
    let failed: Vec<_> = out.iter().filter(|o| !o.passed).collect();
    assert!(out.len() >= 60, "only {} tests found", out.len());
    assert!(failed.is_empty(), "failing policy tests: {failed:#?}");
}

#[test]
fn every_builtin_policy_has_metadata_and_a_test() {
    let tests = builtin_tests();
    for (name, text) in builtin::LIBRARY {
        if name.starts_with("lib/") {
            continue;
        }
        let m = meta::parse(name, text).unwrap();
        let id =
            m.id.clone()
                .unwrap_or_else(|| panic!("{name}: no custom.id"));
        assert_eq!(format!("{id}.rego"), *name, "file name is the id");
        assert!(
            m.title.is_some() && m.description.is_some() && m.remediation.is_some(),
            "{name}"
        );
        assert!(m.severity.is_some(), "{name}: no severity");
        assert!(!m.equivalents.is_empty(), "{name}: no equivalents");
        let test_name = format!("{id}_test.rego");
        assert!(
            tests.iter().any(|(n, _)| n.ends_with(&test_name)),
            "{name}: no test file"
        );
    }
}

fn target(yaml: &str) -> Target {
    let v = gotpl::yaml::load(yaml).unwrap();
    Target {
        doc: to_rego(&v),
        path: "chart/templates/x.yaml".into(),
        line: Some(1),
        chart: Some("chart".into()),
        src: Some(yaml.into()),
        values: None,
    }
}

const PRIV_POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {team: a}\nspec:\n  containers:\n  - name: c\n    image: nginx:1.2\n    securityContext: {privileged: true}\n";

#[test]
fn builtin_findings_carry_ids_and_objects() {
    let set = PolicySet::load(&Options::default()).unwrap();
    let f = set.evaluate(&[target(PRIV_POD)], "ns").unwrap();
    let p = f
        .iter()
        .find(|f| f.rule == "privileged-container")
        .expect("privileged finding");
    assert_eq!(p.severity, Severity::Error);
    assert_eq!(p.object.as_ref().unwrap().kind, "Pod");
    assert!(p.message.contains("\"c\""), "{}", p.message);
    // The field path leads to the line that sets it.
    assert_eq!(p.location.as_ref().unwrap().line, Some(10));
    assert!(set.rules().iter().any(|r| r.id == "privileged-container"));
    assert_eq!(
        set.equivalents("privileged-container").checkov,
        vec!["CKV_K8S_16"]
    );
}

/// A scratch directory removed when the test ends (also when it fails).
pub(super) struct TmpDir(PathBuf);

impl std::ops::Deref for TmpDir {
    type Target = PathBuf;
    fn deref(&self) -> &PathBuf {
        &self.0
    }
}

impl AsRef<std::path::Path> for TmpDir {
    fn as_ref(&self) -> &std::path::Path {
        &self.0
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

pub(super) fn tmpdir(name: &str) -> TmpDir {
    let d = std::env::temp_dir().join(format!("cg-pol-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    TmpDir(d)
}

/// The user policies (and Gatekeeper templates/constraints) in `d`, without the built-ins.
pub(super) fn load_dir(d: &Path) -> PolicySet {
    PolicySet::load(&Options {
        builtin: false,
        paths: vec![d.to_path_buf()],
        ..Options::default()
    })
    .unwrap()
}

#[test]
fn conftest_policies_v0_and_v1_with_data() {
    let d = tmpdir("conftest");
    std::fs::write(
        d.join("v1.rego"),
        "# METADATA\n# custom:\n#   id: team-label\npackage main\nimport rego.v1\ndeny contains msg if {\n  not input.metadata.labels.owner\n  msg := sprintf(\"%s has no owner\", [input.metadata.name])\n}\nwarn contains {\"msg\": \"pod kind\"} if input.kind == data.kinds.warned\n",
    )
    .unwrap();
    std::fs::write(
        d.join("v0.rego"),
        "package other\ndeny[msg] { input.kind == \"Pod\"; msg := \"v0 rule\" }\n",
    )
    .unwrap();
    std::fs::write(d.join("data.yaml"), "kinds:\n  warned: Pod\n").unwrap();
    let opts = Options {
        builtin: false,
        paths: vec![d.join("v1.rego"), d.join("v0.rego")],
        data: vec![d.join("data.yaml")],
        namespaces: vec!["main".into(), "other".into()],
    };
    let set = PolicySet::load(&opts).unwrap();
    let f = set.evaluate(&[target(PRIV_POD)], "ns").unwrap();
    let ids: Vec<(&str, Severity)> = f.iter().map(|f| (f.rule.as_str(), f.severity)).collect();
    assert!(ids.contains(&("team-label", Severity::Error)), "{ids:?}");
    assert!(ids.contains(&("team-label", Severity::Warning)), "{ids:?}");
    assert!(ids.contains(&("other.deny", Severity::Error)), "{ids:?}");
    assert!(f.iter().any(|f| f.message == "p has no owner"));
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn typo_in_builtin_call_fails_at_load() {
    let d = tmpdir("typo");
    std::fs::write(
        d.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains m if { input.never; m := sprintff(\"x\") }\n",
    )
    .unwrap();
    let opts = Options {
        builtin: false,
        paths: vec![d.clone()],
        ..Options::default()
    };
    let err = PolicySet::load(&opts).err().expect("load error");
    assert!(err.contains("sprintff"), "{err}");
    std::fs::remove_dir_all(d).ok();
}

const TEMPLATE: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8srequiredlabels
spec:
  crd:
    spec:
      names:
        kind: K8sRequiredLabels
  targets:
    - target: admission.k8s.gatekeeper.sh
      libs:
        - |
          package lib.helpers
          missing(obj, want) = m { provided := {l | obj.metadata.labels[l]}; m := want - provided }
      rego: |
        package k8srequiredlabels
        import data.lib.helpers
        violation[{"msg": msg, "details": {"missing": missing}}] {
          want := {l | l := input.parameters.labels[_]}
          missing := helpers.missing(input.review.object, want)
          count(missing) > 0
          re_match("^[a-z]+$", input.review.kind.kind) == false
          msg := sprintf("%v/%v in %v is missing labels: %v", [input.review.kind.kind, input.review.name, input.review.namespace, missing])
        }
---
apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8suniquename
spec:
  crd:
    spec:
      names:
        kind: K8sUniqueName
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8suniquename
        violation[{"msg": msg}] {
          other := data.inventory.namespace[ns][_]["Pod"][name]
          name == input.review.object.metadata.name
          ns != input.review.namespace
          msg := sprintf("name %v also used in %v", [name, ns])
        }
"#;

const CONSTRAINTS: &str = r#"apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: need-owner
spec:
  enforcementAction: warn
  match:
    kinds:
      - apiGroups: [""]
        kinds: ["Pod"]
    excludedNamespaces: ["kube-*"]
    labelSelector:
      matchExpressions:
        - {key: team, operator: Exists}
  parameters:
    labels: ["owner", "team"]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sRequiredLabels
metadata:
  name: deploys-only
spec:
  match:
    kinds:
      - apiGroups: ["apps"]
        kinds: ["Deployment"]
  parameters:
    labels: ["owner"]
---
apiVersion: constraints.gatekeeper.sh/v1beta1
kind: K8sUniqueName
metadata:
  name: unique
"#;

#[test]
fn gatekeeper_templates_run_unchanged() {
    let d = tmpdir("gk");
    std::fs::write(d.join("templates.yaml"), TEMPLATE).unwrap();
    std::fs::write(d.join("constraints.yaml"), CONSTRAINTS).unwrap();
    let set = load_dir(&d);
    // Matched: Pod with label team, in namespace ns, missing owner → warning (enforcementAction warn).
    let f = set.evaluate(&[target(PRIV_POD)], "ns").unwrap();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, "K8sRequiredLabels/need-owner");
    assert_eq!(f[0].severity, Severity::Warning);
    assert_eq!(f[0].message, "Pod/p in ns is missing labels: {\"owner\"}");
    // Excluded namespace glob: no finding.
    assert!(set
        .evaluate(&[target(PRIV_POD)], "kube-system")
        .unwrap()
        .is_empty());
    // Inventory: the same Pod name in another namespace is seen through data.inventory.
    let other = target("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: other\n  labels: {team: a, owner: b}\nspec: {}\n");
    let f = set.evaluate(&[target(PRIV_POD), other], "ns").unwrap();
    assert!(
        f.iter()
            .any(|f| f.rule == "K8sUniqueName/unique" && f.message.contains("also used in other")),
        "{f:#?}"
    );
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn admission_review_input_is_taken_as_the_review() {
    let d = tmpdir("review");
    std::fs::write(d.join("t.yaml"), TEMPLATE).unwrap();
    std::fs::write(
        d.join("c.yaml"),
        "apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sRequiredLabels\nmetadata:\n  name: all\nspec:\n  parameters:\n    labels: [owner]\n",
    )
    .unwrap();
    let set = load_dir(&d);
    let review = "apiVersion: admission.k8s.io/v1\nkind: AdmissionReview\nrequest:\n  operation: UPDATE\n  name: x\n  namespace: team-a\n  kind: {group: apps, version: v1, kind: Deployment}\n  object:\n    metadata: {name: x}\n";
    let f = set.evaluate(&[target(review)], "ns").unwrap();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert!(
        f[0].message.starts_with("Deployment/x in team-a"),
        "{}",
        f[0].message
    );
    std::fs::remove_dir_all(d).ok();
}

/// The by-kind aggregate rules and the `kinds` prefilter are only an optimisation: every
/// chart of the corpus (and every object alone) must get exactly the findings of evaluating each
/// policy on its own.
#[test]
fn aggregate_evaluation_matches_one_policy_at_a_time() {
    let set = PolicySet::load(&Options::default()).unwrap();
    let mut plain = set.clone();
    plain.groups.clear();
    plain.other = Group::default();
    plain.chart_group = Group::default();
    for c in &mut plain.checks {
        c.builtin = false;
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/golden");
    let mut charts = vec![vec![target(PRIV_POD)]];
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    for p in files.iter().take(80) {
        let text = std::fs::read_to_string(p).unwrap_or_default();
        charts.push(targets_from_manifests(&p.display().to_string(), &text));
    }
    let key = |f: &Finding| (f.rule.clone(), f.fingerprint.clone(), f.message.clone());
    let run = |s: &PolicySet, t: &[Target]| {
        let mut v: Vec<_> = s.evaluate(t, "default").unwrap().iter().map(key).collect();
        v.sort();
        v
    };
    let mut objects = 0;
    let mut chart_rules = 0;
    for chart in &charts {
        let got = run(&set, chart);
        chart_rules += got
            .iter()
            .filter(|k| k.0 == "network-policy-missing")
            .count();
        assert_eq!(
            got,
            run(&plain, chart),
            "{:?}",
            chart.first().map(|t| &t.path)
        );
        for t in chart {
            objects += 1;
            let one = std::slice::from_ref(t);
            assert_eq!(
                run(&set, one),
                run(&plain, one),
                "{} {:?}",
                t.path,
                t.doc["metadata"]["name"]
            );
        }
    }
    assert!(objects > 50 && chart_rules > 0);
}

const OWNER_TEMPLATE: &str = r#"apiVersion: templates.gatekeeper.sh/v1
kind: ConstraintTemplate
metadata:
  name: k8sowner
spec:
  crd:
    spec:
      names:
        kind: K8sOwner
  targets:
    - target: admission.k8s.gatekeeper.sh
      rego: |
        package k8sowner
        violation[{"msg": msg}] {
          not input.review.object.metadata.labels.owner
          msg := sprintf("%v %v has no owner label", [input.review.kind.kind, input.review.name])
        }
"#;

/// Gatekeeper's documented match semantics, one constraint per field, on the same template.
#[test]
fn gatekeeper_match_fields_and_actions() {
    let d = tmpdir("gk-match");
    std::fs::write(d.join("t.yaml"), OWNER_TEMPLATE).unwrap();
    let c = |name: &str, spec: &str| {
        format!("apiVersion: constraints.gatekeeper.sh/v1beta1\nkind: K8sOwner\nmetadata:\n  name: {name}\nspec:\n{spec}---\n")
    };
    let mut all = String::new();
    all += &c("in-prod", "  match:\n    namespaces: [prod]\n");
    all += &c(
        "cluster-only",
        "  enforcementAction: dryrun\n  match:\n    scope: Cluster\n",
    );
    all += &c("named", "  match:\n    name: \"web-*\"\n");
    all += &c(
        "ns-selected",
        "  match:\n    namespaceSelector:\n      matchLabels: {env: prod}\n",
    );
    all += &c("any-kind-apps", "  match:\n    kinds:\n    - apiGroups: [\"*\"]\n      kinds: [\"*\"]\n    excludedNamespaces: [prod]\n");
    std::fs::write(d.join("c.yaml"), all).unwrap();
    let set = load_dir(&d);
    let rules = |f: &[Finding]| {
        let mut r: Vec<String> = f.iter().map(|f| f.rule.clone()).collect();
        r.sort();
        r
    };
    let cm = |name: &str, ns: &str| {
        target(&format!(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  namespace: {ns}\n"
        ))
    };
    let nsobj =
        target("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n  labels: {env: prod}\n");
    // In prod, name matches web-*, namespace prod labelled env=prod (Namespace among inputs).
    let f = set
        .evaluate(&[cm("web-1", "prod"), nsobj.clone()], "x")
        .unwrap();
    let got: Vec<String> = f
        .iter()
        .filter(|f| f.object.as_ref().is_some_and(|o| o.kind == "ConfigMap"))
        .map(|f| f.rule.clone())
        .collect();
    let mut got = got;
    got.sort();
    assert_eq!(
        got,
        vec!["K8sOwner/in-prod", "K8sOwner/named", "K8sOwner/ns-selected"]
    );
    // The Namespace object itself: cluster scope (dryrun → info), selected on its own labels,
    // and matched by namespaces/excludedNamespaces on its own name (Gatekeeper's rule).
    let ns_f: Vec<&Finding> = f
        .iter()
        .filter(|f| f.object.as_ref().is_some_and(|o| o.kind == "Namespace"))
        .collect();
    let mut ns_rules: Vec<String> = ns_f.iter().map(|f| f.rule.clone()).collect();
    ns_rules.sort();
    assert_eq!(
        ns_rules,
        vec![
            "K8sOwner/cluster-only",
            "K8sOwner/in-prod",
            "K8sOwner/ns-selected"
        ]
    );
    assert!(ns_f
        .iter()
        .any(|f| f.rule.ends_with("cluster-only") && f.severity == Severity::Info));
    // Elsewhere, namespace not among the inputs: namespaceSelector undecidable → not applied;
    // other namespace → excludedNamespaces no longer excludes; deny → error.
    let f = set.evaluate(&[cm("db", "staging")], "x").unwrap();
    assert_eq!(rules(&f), vec!["K8sOwner/any-kind-apps"]);
    assert_eq!(f[0].severity, Severity::Error);
    // Labels present: no violation anywhere.
    let ok = target("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-2\n  namespace: prod\n  labels: {owner: me}\n");
    assert!(set.evaluate(&[ok], "x").unwrap().is_empty());
    std::fs::remove_dir_all(d).ok();
}

#[test]
fn a_policy_error_on_one_object_is_a_finding_not_a_failed_scan() {
    let d = tmpdir("evalerr");
    // Iterating a null field is an error in regorus: the object gets an evaluation-error finding.
    std::fs::write(
        d.join("p.rego"),
        "package main\nimport rego.v1\ndeny contains m if { some x in input.spec.items; m := x }\n",
    )
    .unwrap();
    let set = load_dir(&d);
    let f = set
        .evaluate(
            &[target("kind: X\nmetadata: {name: n}\nspec:\n  items:\n")],
            "ns",
        )
        .unwrap();
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].rule, EVAL_ERROR);
    assert_eq!(f[0].severity, Severity::Warning);
    assert!(set.rules().iter().any(|r| r.id == EVAL_ERROR));
    std::fs::remove_dir_all(d).ok();
}

/// The compiled library (bytecode VM) and the interpreter give the same findings.
fn assert_compiled_matches_interpreter(docs: &[&str]) {
    let set = PolicySet::load(&Options::default()).unwrap();
    assert!(set.is_compiled(), "the built-in library compiles");
    let targets: Vec<Target> = docs.iter().map(|d| target(d)).collect();
    let key = |f: &Finding| format!("{} {} {}", f.rule, f.fingerprint, f.message);
    let mut a: Vec<String> = set
        .evaluate(&targets, "ns")
        .unwrap()
        .iter()
        .map(key)
        .collect();
    let interp = set.clone().interpreted();
    let mut b: Vec<String> = interp
        .evaluate(&targets, "ns")
        .unwrap()
        .iter()
        .map(key)
        .collect();
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[test]
fn compiled_network_policy_partial_label_match() {
    assert_compiled_matches_interpreter(&[
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np}\nspec:\n  podSelector:\n    matchLabels: {a: '1', b: x}\n",
        "apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  template:\n    metadata:\n      labels: {a: '1', b: y}\n    spec:\n      containers: [{name: c, image: i}]\n",
    ]);
}
