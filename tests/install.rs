//! `chartgate install` against a fake Kubernetes API server (an in-process tower service
//! behind `kube::Client::new`): the request sequence of a gated install, the release record,
//! the rollback of a failed install, upgrades, and a failing gate that makes no request.
#![cfg(feature = "install")]

use base64::Engine as _;
use chartgate::cli::install::{execute, InstallArgs};
use chartgate::cli::{Cli, Command};
use clap::Parser;
use http::{Request, Response};
use kube::client::Body;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

#[derive(Default)]
struct Cluster {
    /// `METHOD PATH[?QUERY]` of every request, in order.
    log: Vec<String>,
    /// Stored objects by API path.
    objects: BTreeMap<String, Json>,
    /// Deployments report a progress deadline exceeded instead of becoming ready.
    fail_deployments: bool,
}

type Shared = Arc<Mutex<Cluster>>;

fn resources(list: &[(&str, &str, bool)], gv: &str) -> Json {
    json!({
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": gv,
        "resources": list.iter().map(|(name, kind, namespaced)| json!({
            "name": name, "singularName": "", "kind": kind, "namespaced": namespaced,
            "verbs": ["create", "delete", "get", "list", "patch", "update"],
        })).collect::<Vec<_>>(),
    })
}

fn not_found() -> (u16, Json) {
    (
        404,
        json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
               "message": "not found", "reason": "NotFound", "code": 404}),
    )
}

/// With some status, as the controllers would have written it.
fn live(obj: &Json, fail_deployments: bool) -> Json {
    let mut o = obj.clone();
    o["metadata"]["generation"] = json!(1);
    match o["kind"].as_str() {
        Some("Deployment") if fail_deployments => {
            o["status"] = json!({"observedGeneration": 1, "conditions": [
                {"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": "stuck"}]});
        }
        Some("Deployment") => {
            o["status"] = json!({"observedGeneration": 1, "replicas": 1, "updatedReplicas": 1,
                                  "readyReplicas": 1, "availableReplicas": 1});
        }
        Some("Job") => {
            o["status"] = json!({"conditions": [{"type": "Complete", "status": "True"}]});
        }
        _ => {}
    }
    o
}

fn handle(state: &Shared, method: &str, path: &str, body: &[u8]) -> (u16, Json) {
    let mut c = state.lock().expect("lock");
    match (method, path) {
        ("GET", "/api/v1") => (
            200,
            resources(
                &[
                    ("configmaps", "ConfigMap", true),
                    ("secrets", "Secret", true),
                    ("namespaces", "Namespace", false),
                    ("pods", "Pod", true),
                    ("pods/status", "Pod", true),
                ],
                "v1",
            ),
        ),
        ("GET", "/apis/apps/v1") => (
            200,
            resources(&[("deployments", "Deployment", true)], "apps/v1"),
        ),
        ("GET", "/apis/batch/v1") => (200, resources(&[("jobs", "Job", true)], "batch/v1")),
        ("GET", "/apis/apiextensions.k8s.io/v1") => (
            200,
            resources(
                &[(
                    "customresourcedefinitions",
                    "CustomResourceDefinition",
                    false,
                )],
                "apiextensions.k8s.io/v1",
            ),
        ),
        // The custom kind is served once its CRD exists.
        ("GET", "/apis/example.com/v1") => {
            if c.objects.contains_key(
                "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
            ) {
                (
                    200,
                    resources(&[("widgets", "Widget", true)], "example.com/v1"),
                )
            } else {
                not_found()
            }
        }
        ("GET", "/api/v1/namespaces/prod/secrets") => {
            let items: Vec<Json> = c
                .objects
                .iter()
                .filter(|(k, _)| {
                    k.starts_with("/api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.")
                })
                .map(|(_, v)| v.clone())
                .collect();
            (
                200,
                json!({"kind": "SecretList", "apiVersion": "v1", "metadata": {}, "items": items}),
            )
        }
        ("POST", "/api/v1/namespaces/prod/secrets") => {
            let obj: Json = serde_json::from_slice(body).expect("json body");
            let name = obj["metadata"]["name"].as_str().unwrap_or("").to_string();
            c.objects.insert(format!("{path}/{name}"), obj.clone());
            (201, obj)
        }
        ("PUT", _) | ("PATCH", _) => {
            let obj: Json = serde_json::from_slice(body).expect("json body");
            c.objects.insert(path.to_string(), obj.clone());
            (200, obj)
        }
        ("GET", _) => match c.objects.get(path) {
            Some(o) => (200, live(o, c.fail_deployments)),
            None => not_found(),
        },
        ("DELETE", _) => match c.objects.remove(path) {
            Some(o) => (200, o),
            None => not_found(),
        },
        _ => not_found(),
    }
}

fn fake(state: Shared) -> impl FnOnce() -> kube::Client {
    move || {
        let svc = tower::service_fn(move |req: Request<Body>| {
            let state = state.clone();
            async move {
                let method = req.method().to_string();
                let path = req.uri().path().to_string();
                let query = req.uri().query().map(str::to_string);
                let body = req.into_body().collect_bytes().await.unwrap_or_default();
                state.lock().expect("lock").log.push(match &query {
                    Some(q) => format!("{method} {path}?{q}"),
                    None => format!("{method} {path}"),
                });
                let (code, json) = handle(&state, &method, &path, &body);
                let resp = Response::builder()
                    .status(code)
                    .header("content-type", "application/json")
                    .body(Body::from(serde_json::to_vec(&json).unwrap_or_default()))
                    .expect("response");
                Ok::<_, std::convert::Infallible>(resp)
            }
        });
        kube::Client::new(svc, "prod")
    }
}

const DEPLOYMENT: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:1.27.0
"#;

fn chart(tag: &str, extra: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("chartgate-install-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("templates")).expect("mkdir");
    std::fs::write(
        dir.join("Chart.yaml"),
        "apiVersion: v2\nname: demo\nversion: 0.1.0\n",
    )
    .expect("write");
    std::fs::write(dir.join("values.yaml"), "greeting: hi\n").expect("write");
    let cm = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-cfg\ndata:\n  greeting: {{ .Values.greeting | quote }}\n";
    let hook = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: {{ .Release.Name }}-migrate\n  annotations:\n    helm.sh/hook: pre-install,pre-upgrade\n    helm.sh/hook-delete-policy: hook-succeeded\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers: [{name: m, image: \"busybox:1.36\"}]\n";
    std::fs::write(
        dir.join("templates/all.yaml"),
        format!("{DEPLOYMENT}---\n{cm}---\n{hook}{extra}"),
    )
    .expect("write");
    dir
}

fn args(extra: &[&str]) -> InstallArgs {
    let mut argv = vec!["chartgate", "install"];
    argv.extend_from_slice(extra);
    match Cli::try_parse_from(argv).expect("args").command {
        Command::Install(a) => a,
        _ => unreachable!("install subcommand"),
    }
}

fn release_of(c: &Cluster, version: i64) -> (Json, Json) {
    let s = c
        .objects
        .get(&format!(
            "/api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.v{version}"
        ))
        .expect("release secret")
        .clone();
    let outer = s["data"]["release"].as_str().expect("data");
    let inner = base64::engine::general_purpose::STANDARD
        .decode(outer)
        .expect("b64");
    let rel = chartgate::install::release::decode(&inner).expect("decode");
    (s, rel)
}

const GATE_OFF: &[&str] = &["--fail-on", "error", "--skip", "policy,secrets,lint"];

#[test]
fn install_applies_in_order_waits_and_records_the_release() {
    let dir = chart("ok", "");
    let state = Shared::default();
    let mut argv = vec![
        "web",
        dir.to_str().expect("utf8"),
        "-n",
        "prod",
        "--wait",
        "--set",
        "greeting=hello",
    ];
    argv.extend_from_slice(GATE_OFF);
    let out = execute(&args(&argv), Some(Box::new(fake(state.clone()))));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let c = state.lock().expect("lock");
    let apply_q = "fieldManager=chartgate";
    let seq: Vec<String> = c
        .log
        .iter()
        .map(|l| l.split('?').next().unwrap_or("").to_string())
        .collect();
    assert_eq!(
        seq,
        [
            "GET /api/v1/namespaces/prod/secrets",
            "POST /api/v1/namespaces/prod/secrets",
            "GET /apis/batch/v1",
            "PATCH /apis/batch/v1/namespaces/prod/jobs/web-migrate",
            "GET /apis/batch/v1/namespaces/prod/jobs/web-migrate",
            "DELETE /apis/batch/v1/namespaces/prod/jobs/web-migrate",
            "GET /api/v1",
            "PATCH /api/v1/namespaces/prod/configmaps/web-cfg",
            "GET /apis/apps/v1",
            "PATCH /apis/apps/v1/namespaces/prod/deployments/web-web",
            "GET /api/v1/namespaces/prod/configmaps/web-cfg",
            "GET /apis/apps/v1/namespaces/prod/deployments/web-web",
            "PUT /api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.v1",
        ]
    );
    assert!(
        c.log[0].contains("labelSelector=name%3Dweb%2Cowner%3Dhelm"),
        "{}",
        c.log[0]
    );
    for l in c.log.iter().filter(|l| l.starts_with("PATCH")) {
        assert!(l.contains(apply_q), "{l}");
        assert!(!l.contains("force=true"), "{l}");
    }
    let cm = &c.objects["/api/v1/namespaces/prod/configmaps/web-cfg"];
    assert_eq!(cm["data"]["greeting"], "hello");
    assert_eq!(cm["metadata"]["namespace"], "prod");
    let (secret, rel) = release_of(&c, 1);
    assert_eq!(secret["type"], "helm.sh/release.v1");
    assert_eq!(secret["metadata"]["labels"]["status"], "deployed");
    assert_eq!(secret["metadata"]["labels"]["owner"], "helm");
    assert_eq!(secret["metadata"]["labels"]["version"], "1");
    assert!(secret["metadata"]["labels"]["modifiedAt"].is_string());
    assert_eq!(rel["info"]["status"], "deployed");
    assert_eq!(rel["info"]["description"], "Install complete");
    assert_eq!(rel["config"], json!({"greeting": "hello"}));
    assert_eq!(rel["chart"]["metadata"]["name"], "demo");
    assert_eq!(rel["chart"]["values"], json!({"greeting": "hi"}));
    assert_eq!(rel["hooks"][0]["name"], "web-migrate");
    let manifest = rel["manifest"].as_str().expect("manifest");
    assert!(manifest
        .starts_with("---\n# Source: demo/templates/all.yaml\napiVersion: v1\nkind: ConfigMap"));
    assert!(!manifest.contains("helm.sh/hook"));
    assert!(out.stdout.contains("STATUS: deployed"));
}

#[test]
fn failed_readiness_rolls_back_in_reverse_and_records_failure() {
    let dir = chart("fail", "");
    let state = Shared::default();
    state.lock().expect("lock").fail_deployments = true;
    let mut argv = vec![
        "web",
        dir.to_str().expect("utf8"),
        "-n",
        "prod",
        "--wait",
        "--force-conflicts",
    ];
    argv.extend_from_slice(GATE_OFF);
    let out = execute(&args(&argv), Some(Box::new(fake(state.clone()))));
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("ProgressDeadlineExceeded") || out.stderr.contains("progress deadline"),
        "{}",
        out.stderr
    );
    let c = state.lock().expect("lock");
    assert!(c
        .log
        .iter()
        .filter(|l| l.starts_with("PATCH"))
        .all(|l| l.contains("force=true")));
    let tail: Vec<&str> = c
        .log
        .iter()
        .rev()
        .take(3)
        .map(|l| l.split('?').next().unwrap_or(""))
        .collect();
    assert_eq!(
        tail,
        [
            "PUT /api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.v1",
            "DELETE /api/v1/namespaces/prod/configmaps/web-cfg",
            "DELETE /apis/apps/v1/namespaces/prod/deployments/web-web",
        ]
    );
    assert!(!c
        .objects
        .keys()
        .any(|k| k.contains("deployments") || k.contains("configmaps")));
    let (secret, rel) = release_of(&c, 1);
    assert_eq!(secret["metadata"]["labels"]["status"], "failed");
    assert_eq!(rel["info"]["status"], "failed");
    assert!(rel["info"]["description"]
        .as_str()
        .expect("desc")
        .starts_with("Release \"web\" failed:"));
}

#[test]
fn upgrade_supersedes_the_deployed_revision_and_rolls_back_to_it() {
    let dir = chart("up", "");
    let state = Shared::default();
    let mut argv = vec!["web", dir.to_str().expect("utf8"), "-n", "prod"];
    argv.extend_from_slice(GATE_OFF);
    let out = execute(&args(&argv), Some(Box::new(fake(state.clone()))));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    // Second revision adds an object, and its Deployment fails: the previous revision is
    // re-applied and the new object deleted.
    let dir2 = chart(
        "up",
        "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n",
    );
    state.lock().expect("lock").fail_deployments = true;
    state.lock().expect("lock").log.clear();
    let mut argv = vec!["web", dir2.to_str().expect("utf8"), "-n", "prod", "--wait"];
    argv.extend_from_slice(GATE_OFF);
    let out = execute(&args(&argv), Some(Box::new(fake(state.clone()))));
    assert_eq!(out.code, 3, "{}{}", out.stdout, out.stderr);
    let c = state.lock().expect("lock");
    let seq: Vec<String> = c
        .log
        .iter()
        .map(|l| l.split('?').next().unwrap_or("").to_string())
        .collect();
    let pos = |s: &str| seq.iter().position(|l| l == s).unwrap_or(usize::MAX);
    assert!(
        pos("DELETE /api/v1/namespaces/prod/configmaps/extra") < usize::MAX,
        "{seq:?}"
    );
    assert!(
        pos("PUT /api/v1/namespaces/prod/secrets/sh.helm.release.v1.web.v2")
            > pos("DELETE /api/v1/namespaces/prod/configmaps/extra")
    );
    assert!(c
        .objects
        .contains_key("/apis/apps/v1/namespaces/prod/deployments/web-web"));
    assert!(!c
        .objects
        .contains_key("/api/v1/namespaces/prod/configmaps/extra"));
    let (_, v1) = release_of(&c, 1);
    let (_, v2) = release_of(&c, 2);
    assert_eq!(v1["info"]["status"], "deployed");
    assert_eq!(v2["info"]["status"], "failed");
    drop(c);

    // A good upgrade supersedes revision 1.
    state.lock().expect("lock").fail_deployments = false;
    let out = execute(&args(&argv), Some(Box::new(fake(state.clone()))));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let c = state.lock().expect("lock");
    let (s1, v1) = release_of(&c, 1);
    let (_, v3) = release_of(&c, 3);
    assert_eq!(v1["info"]["status"], "superseded");
    assert_eq!(s1["metadata"]["labels"]["status"], "superseded");
    assert_eq!(v3["info"]["status"], "deployed");
    assert_eq!(v3["info"]["description"], "Upgrade complete");
    assert_eq!(v3["info"]["first_deployed"], v1["info"]["first_deployed"]);
}

#[test]
fn crds_come_first_and_their_kinds_are_discovered_after() {
    let dir = chart(
        "crd",
        "---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\n",
    );
    std::fs::create_dir_all(dir.join("crds")).expect("mkdir");
    std::fs::write(
        dir.join("crds/widget.yaml"),
        "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n",
    )
    .expect("write");
    let state = Shared::default();
    let mut argv = vec!["web", dir.to_str().expect("utf8"), "-n", "prod"];
    argv.extend_from_slice(GATE_OFF);
    let out = execute(&args(&argv), Some(Box::new(fake(state.clone()))));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    let c = state.lock().expect("lock");
    let seq: Vec<&str> = c
        .log
        .iter()
        .map(|l| l.split('?').next().unwrap_or(""))
        .collect();
    assert_eq!(
        &seq[2..4],
        [
            "GET /apis/apiextensions.k8s.io/v1",
            "PATCH /apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com",
        ]
    );
    // The Widget (an unknown kind, sorted last) is applied into the release namespace.
    let n = seq.len();
    assert_eq!(seq[n - 3], "GET /apis/example.com/v1");
    assert_eq!(
        seq[n - 2],
        "PATCH /apis/example.com/v1/namespaces/prod/widgets/w1"
    );
    let crd =
        &c.objects["/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"];
    assert!(crd["metadata"].get("namespace").is_none());
}

#[test]
fn failing_gate_makes_no_request() {
    let dir = chart("gate", "");
    let called = Arc::new(Mutex::new(false));
    let flag = called.clone();
    let state = Shared::default();
    let make = fake(state.clone());
    let factory = Box::new(move || {
        *flag.lock().expect("lock") = true;
        make()
    });
    let out = execute(
        &args(&[
            "web",
            dir.to_str().expect("utf8"),
            "-n",
            "prod",
            "--fail-on",
            "warning",
        ]),
        Some(factory),
    );
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("the gate failed"));
    assert!(!out.stdout.is_empty());
    assert!(!*called.lock().expect("lock"));
    assert!(state.lock().expect("lock").log.is_empty());
}

#[test]
fn dry_run_prints_the_plan_without_a_cluster() {
    let dir = chart("dry", "");
    let mut argv = vec![
        "web",
        dir.to_str().expect("utf8"),
        "-n",
        "prod",
        "--dry-run",
    ];
    argv.extend_from_slice(GATE_OFF);
    let out = execute(&args(&argv), None);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("  1. pre-hook  batch/v1/Job web-migrate in prod"),
        "{}",
        out.stdout
    );
    assert!(out
        .stdout
        .contains("  2. manifest  v1/ConfigMap web-cfg in prod"));
    assert!(out
        .stdout
        .contains("  3. manifest  apps/v1/Deployment web-web in prod"));
    assert!(out
        .stdout
        .contains("MANIFEST:\n---\n# Source: demo/templates/all.yaml\n"));
    let bad = execute(
        &args(&[
            "web",
            dir.to_str().expect("utf8"),
            "--dry-run",
            "--timeout",
            "5",
        ]),
        None,
    );
    assert_eq!(bad.code, 2);
}
