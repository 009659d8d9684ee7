//! `chartgate install NAME CHART`: the gate first (render, lint, values, policies, secrets, as
//! `scan`), then, only when it passes, the install: server-side apply in helm's order, hooks,
//! optional readiness wait, helm's release record, rollback on failure.

use super::Outcome;
use crate::chart::{self, PrepareOptions};
use crate::gate;
use crate::install::{self, plan::Plan, release};
use crate::render::{
    self, objects::Capabilities, objects::KubeVersion, ReleaseOptions, RenderOptions,
};
use crate::report::{self, ReportMeta, TextOptions};
use crate::scan::{ScanOptions, Stages};
use clap::Args;
use std::path::PathBuf;

/// Exit code when the install itself failed (after the gate passed); what was applied has been
/// rolled back and the release is recorded as failed.
pub const EXIT_INSTALL_FAILED: i32 = 3;

#[derive(Args, Debug, Clone)]
#[command(
    after_help = "Exit codes: 0 installed (or --dry-run printed the plan); 1 the gate \
failed (findings at or above --fail-on; the cluster was not contacted); 2 usage, chart, values \
or render error, or the cluster refused to start the install; 3 the install failed and was \
rolled back (release recorded as failed)."
)]
pub struct InstallArgs {
    /// Release name.
    #[arg(value_name = "NAME")]
    pub name: String,
    /// Chart directory or .tgz archive.
    #[arg(value_name = "CHART")]
    pub chart: PathBuf,
    #[command(flatten)]
    pub values: super::values::ValuesArgs,
    /// Namespace to install into (default: the kubeconfig context's, else "default").
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    /// Create the namespace if it does not exist.
    #[arg(long)]
    pub create_namespace: bool,
    /// Wait until Deployments, StatefulSets, DaemonSets, Jobs, Pods, PVCs and LoadBalancer
    /// Services are ready before marking the release deployed.
    #[arg(long)]
    pub wait: bool,
    /// Time to wait for hooks and readiness (Go duration, e.g. 5m0s, 90s).
    #[arg(long, default_value = "5m0s")]
    pub timeout: String,
    /// Print the gate result, the plan and the manifests; never contact the cluster.
    #[arg(long)]
    pub dry_run: bool,
    /// Take over fields owned by other field managers (server-side apply --force-conflicts).
    #[arg(long)]
    pub force_conflicts: bool,
    /// Path to the kubeconfig file.
    #[arg(long, value_name = "FILE")]
    pub kubeconfig: Option<String>,
    /// Name of the kubeconfig context to use.
    #[arg(long, value_name = "NAME")]
    pub kube_context: Option<String>,
    /// Kubernetes version for .Capabilities and removed-API checks (e.g. 1.30.0).
    #[arg(long)]
    pub kube_version: Option<String>,
    /// Skip validating values against values.schema.json.
    #[arg(long)]
    pub skip_schema_validation: bool,
    #[command(flatten)]
    pub gate: super::scan::GateArgs,
}

/// Runs the gate; `Ok(None)` when it passes, `Ok(Some(report))` when it fails.
fn run_gate(a: &InstallArgs, namespace: &str) -> Result<Option<String>, String> {
    let g = a.gate.resolve(Some(&a.chart), &a.kube_version)?;
    let root = std::env::current_dir().map_err(|e| e.to_string())?;
    let opts = ScanOptions {
        paths: vec![a.chart.clone()],
        values: a.values.user_values(),
        release: a.name.clone(),
        namespace: namespace.to_string(),
        kube_version: g.kube_version,
        ci_values: false,
        stages: Stages::new(&[], &g.skip),
        policy: g.policy,
        secrets_config: g.secrets_config,
        root: root.clone(),
    };
    let (fail_on, format) = (g.fail_on, g.format);
    let mut result = super::scan::run_scan(&opts, &g.config)?;
    if let Some(b) = &a.gate.baseline {
        gate::apply_baseline(b, &mut result.findings)?;
    }
    if gate::decide(&result.findings, fail_on) == gate::EXIT_PASS {
        return Ok(None);
    }
    let meta = ReportMeta {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        root,
        targets: result.targets.clone(),
        fail_on,
    };
    let text = TextOptions {
        color: false,
        show_suppressed: false,
    };
    report::render(format, &result.findings, &result.rules, &meta, &text).map(Some)
}

/// A chart ready to render for any revision.
struct Renderer {
    prepared: chart::Prepared,
    name: String,
    namespace: String,
    capabilities: Capabilities,
}

impl Renderer {
    fn plan(&self, revision: i64, upgrade: bool) -> Result<Plan, String> {
        let opts = RenderOptions {
            release: ReleaseOptions {
                name: self.name.clone(),
                namespace: self.namespace.clone(),
                revision,
                is_upgrade: upgrade,
            },
            capabilities: self.capabilities.clone(),
            ..Default::default()
        };
        let rendered = render::render(&self.prepared, &opts).map_err(|e| e.to_string())?;
        let crds = render::output::crd_objects(&self.prepared.chart)?;
        install::plan::build(&crds, &rendered, &self.namespace, upgrade)
    }
}

fn dry_run_text(a: &InstallArgs, plan: &Plan) -> String {
    let mut out = format!(
        "NAME: {}\nNAMESPACE: {}\nSTATUS: pending-install (dry run; the gate passed)\nPLAN:\n{}",
        a.name,
        plan.namespace,
        plan.describe()
    );
    out.push_str("HOOKS:\n");
    for h in plan.hooks.iter().filter(|h| !h.is_test()) {
        out.push_str(&format!("---\n# Source: {}\n{}\n", h.path, h.manifest));
    }
    out.push_str("MANIFEST:\n");
    out.push_str(&plan.manifest);
    out
}

/// Runs `install` with a client built from the kubeconfig flags.
pub fn run(a: &InstallArgs) -> Outcome {
    execute(a, None)
}

/// Runs `install`; `client` replaces the kubeconfig client (tests use a fake API server).
/// The cluster is contacted only after the gate passed, and never with `--dry-run`.
pub fn execute(a: &InstallArgs, client: Option<ClientArg>) -> Outcome {
    let timeout = match install::parse_duration(&a.timeout) {
        Ok(t) => t,
        Err(e) => {
            return Outcome::usage(format!(
                "invalid argument {:?} for \"--timeout\": {e}",
                a.timeout
            ))
        }
    };
    // The namespace: the flag, else the client's (kubeconfig context), known only once the
    // client exists, after the gate; the gate renders with "default" then.
    let flag_ns = a.namespace.clone().filter(|n| !n.is_empty());
    let namespace = flag_ns.clone().unwrap_or_else(|| "default".into());
    match run_gate(a, &namespace) {
        Err(e) => return Outcome::usage(e),
        Ok(Some(report)) => {
            return Outcome {
                code: gate::EXIT_FINDINGS,
                stdout: report,
                stderr: "Error: the gate failed: install not started\n".into(),
            }
        }
        Ok(None) => {}
    }
    let user = match a.values.user_values().build() {
        Ok(u) => u,
        Err(e) => return Outcome::usage(e),
    };
    let loaded = match chart::load(&a.chart) {
        Ok(c) => c,
        Err(e) => return Outcome::usage(e),
    };
    let chart_json = release::chart_json(&loaded);
    let prepared = match chart::prepare(loaded, &user, &PrepareOptions::default()) {
        Ok(p) => p,
        Err(e) => return Outcome::usage(e),
    };
    if !a.skip_schema_validation {
        if let Err(e) = render::schema::validate_values(&prepared.chart, &prepared.values) {
            return Outcome::usage(e);
        }
    }
    let kube_version = match a.kube_version.as_deref().filter(|v| !v.is_empty()) {
        Some(v) => match KubeVersion::parse(v) {
            Ok(k) => Some(k),
            Err(e) => return Outcome::usage(e),
        },
        None => None,
    };
    let renderer = Renderer {
        prepared,
        name: a.name.clone(),
        namespace: namespace.clone(),
        capabilities: Capabilities::new(kube_version, &[]),
    };
    if a.dry_run {
        return match renderer.plan(1, false) {
            Ok(p) => Outcome::ok(dry_run_text(a, &p)),
            Err(e) => Outcome::usage(e),
        };
    }
    // Render errors surface before the cluster is touched.
    if let Err(e) = renderer.plan(1, false) {
        return Outcome::usage(e);
    }
    run_cluster(
        a,
        client,
        renderer,
        flag_ns.is_none(),
        timeout,
        chart_json,
        user,
    )
}

/// Makes the client, called inside the command's runtime (a kube client spawns its request
/// buffer on the runtime it is made in). Tests hand in one talking to a fake API server.
#[cfg(feature = "install")]
pub type ClientArg = Box<dyn FnOnce() -> kube::Client>;
#[cfg(not(feature = "install"))]
pub type ClientArg = std::convert::Infallible;

#[cfg(not(feature = "install"))]
fn run_cluster(
    _a: &InstallArgs,
    _client: Option<ClientArg>,
    _renderer: Renderer,
    _ns_from_client: bool,
    _timeout: std::time::Duration,
    _chart_json: serde_json::Value,
    _user: gotpl::Map,
) -> Outcome {
    Outcome::usage("this chartgate was built without the `install` feature: only --dry-run works")
}

#[cfg(feature = "install")]
fn run_cluster(
    a: &InstallArgs,
    client: Option<ClientArg>,
    mut renderer: Renderer,
    ns_from_client: bool,
    timeout: std::time::Duration,
    chart_json: serde_json::Value,
    user: gotpl::Map,
) -> Outcome {
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Outcome::usage(format!("cannot start runtime: {e}")),
    };
    let client = match client {
        Some(make) => rt.block_on(async move { make() }),
        None => match rt.block_on(install::cluster::client(
            a.kubeconfig.as_deref(),
            a.kube_context.as_deref(),
        )) {
            Ok(c) => c,
            Err(e) => return Outcome::usage(format!("kubernetes cluster unreachable: {e}")),
        },
    };
    if ns_from_client {
        renderer.namespace = client.default_namespace().to_string();
    }
    let opts = install::cluster::Options {
        release: a.name.clone(),
        namespace: renderer.namespace.clone(),
        create_namespace: a.create_namespace,
        wait: a.wait,
        timeout,
        force_conflicts: a.force_conflicts,
        poll: std::time::Duration::from_secs(2),
        chart: chart_json,
        config: release::value_json(&gotpl::Value::Map(user)),
    };
    let render_fn = |rev: i64, up: bool| renderer.plan(rev, up);
    match rt.block_on(install::cluster::install(client, &opts, &render_fn)) {
        Err(e) => Outcome::usage(e),
        Ok(r) => {
            let mut out = String::new();
            for l in &r.log {
                out.push_str(l);
                out.push('\n');
            }
            out.push_str(&format!(
                "NAME: {}\nNAMESPACE: {}\nSTATUS: {}\nREVISION: {}\n",
                a.name,
                opts.namespace,
                r.status.as_str(),
                r.revision
            ));
            match r.error {
                None => Outcome::ok(out),
                Some(e) => Outcome {
                    code: EXIT_INSTALL_FAILED,
                    stdout: out,
                    stderr: format!(
                        "Error: {} failed and was rolled back: {e}\n",
                        if r.upgrade { "UPGRADE" } else { "INSTALL" }
                    ),
                },
            }
        }
    }
}
