//! `chartgate scan PATH...`: the gate.

use super::Outcome;
use crate::finding::Severity;
use crate::gate;
use crate::report::{self, Format, ReportMeta, TextOptions};
use crate::scan::{self, ScanOptions, Stages};
use clap::Args;
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct ScanArgs {
    /// Charts (directories or .tgz), directories to search for charts, or Kubernetes manifest
    /// files; `-` reads manifests from stdin.
    #[arg(value_name = "PATH", default_value = ".")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    pub values: super::values::ValuesArgs,
    /// Also render each chart with each of its own `ci/*values.yaml` files.
    #[arg(long)]
    pub ci_values: bool,
    /// Release name used when rendering.
    #[arg(long, default_value = "release-name")]
    pub release_name: String,
    /// Namespace used when rendering (and for objects without one). The default is a
    /// placeholder, not `default`, so charts that template `.Release.Namespace` are not taken
    /// for charts that install into the default namespace.
    #[arg(short = 'n', long, default_value = "release-namespace")]
    pub namespace: String,
    /// Kubernetes version for .Capabilities and removed-API checks (e.g. 1.30.0).
    #[arg(long)]
    pub kube_version: Option<String>,
    /// Run only these stages (render, lint, values, policy, secrets).
    #[arg(long, value_delimiter = ',')]
    pub only: Vec<String>,
    /// Skip these stages.
    #[arg(long, value_delimiter = ',')]
    pub skip: Vec<String>,
    /// Policies: .rego files, Gatekeeper ConstraintTemplate/Constraint YAML, or directories.
    #[arg(long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
    /// Data files (JSON/YAML) for policies.
    #[arg(long = "data", value_name = "FILE")]
    pub data: Vec<PathBuf>,
    /// conftest namespaces of user policies.
    #[arg(long = "policy-namespace", value_name = "PKG", default_value = "main")]
    pub policy_namespaces: Vec<String>,
    /// Turn off the built-in policy library.
    #[arg(long)]
    pub no_builtin: bool,
    /// A gitleaks-format TOML file replacing the built-in secret rules.
    #[arg(long, value_name = "FILE")]
    pub secrets_config: Option<PathBuf>,
    /// Lowest severity that fails the gate (exit 1).
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Report format on stdout: text, json, sarif, junit, github, markdown.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Also write FORMAT to FILE (repeatable), e.g. `--output sarif=results.sarif`.
    #[arg(long = "output", value_name = "FORMAT=FILE")]
    pub outputs: Vec<String>,
    /// Accept the findings listed in this baseline file; fail only on new ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Write the current findings as a baseline to FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Configuration file (default: the nearest .chartgate.yaml above the first path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Colour: auto (on a terminal), always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    /// Show suppressed findings in the text report.
    #[arg(long)]
    pub show_suppressed: bool,
}

pub fn run(a: &ScanArgs) -> Outcome {
    match run_inner(a) {
        Ok(o) => o,
        Err(e) => Outcome::usage(e),
    }
}

fn run_inner(a: &ScanArgs) -> Result<Outcome, String> {
    let cfg_path = match &a.config {
        Some(p) => Some(p.clone()),
        None => a.paths.first().and_then(|p| crate::config::find(p)),
    };
    let config = match &cfg_path {
        Some(p) => crate::config::load(p)?,
        None => crate::config::Config::default(),
    };
    let cfg_dir = cfg_path
        .as_ref()
        .and_then(|p| p.parent().map(|d| d.to_path_buf()))
        .unwrap_or_default();
    let fail_on = match &a.fail_on {
        Some(s) => gate::parse_severity(s)?,
        None => config.fail_on().unwrap_or(Severity::Error),
    };
    let stdout_format: Format = a.format.parse()?;
    let mut outputs = Vec::new();
    for o in &a.outputs {
        let (f, file) = o
            .split_once('=')
            .ok_or_else(|| format!("--output {o:?}: expected FORMAT=FILE"))?;
        outputs.push((f.parse::<Format>()?, PathBuf::from(file)));
    }
    let only = a
        .only
        .iter()
        .map(|s| scan::parse_stage(s))
        .collect::<Result<Vec<_>, _>>()?;
    let skip = a
        .skip
        .iter()
        .map(|s| scan::parse_stage(s))
        .collect::<Result<Vec<_>, _>>()?;
    let mut policy_paths = a.policies.clone();
    policy_paths.extend(config.policies.iter().map(|p| cfg_dir.join(p)));
    let mut data = a.data.clone();
    data.extend(config.data.iter().map(|p| cfg_dir.join(p)));
    let root = std::env::current_dir().map_err(|e| e.to_string())?;
    let opts = ScanOptions {
        paths: a.paths.clone(),
        values: a.values.user_values(),
        release: a.release_name.clone(),
        namespace: a.namespace.clone(),
        kube_version: a
            .kube_version
            .clone()
            .or_else(|| config.kube_version.clone()),
        ci_values: a.ci_values,
        stages: Stages::new(&only, &skip),
        policy: crate::policy::Options {
            builtin: !a.no_builtin,
            paths: policy_paths,
            data,
            namespaces: a.policy_namespaces.clone(),
        },
        secrets_config: a
            .secrets_config
            .clone()
            .or_else(|| config.secrets_config.as_ref().map(|p| cfg_dir.join(p))),
        root: root.clone(),
    };
    // Deep `include` recursion needs more stack than rayon's default threads have.
    let pool = rayon::ThreadPoolBuilder::new()
        .stack_size(256 << 20)
        .build()
        .map_err(|e| e.to_string())?;
    let mut result = pool.install(|| scan::scan(&opts, &config))?;
    if let Some(b) = &a.baseline {
        gate::apply_baseline(b, &mut result.findings)?;
    }
    if let Some(b) = &a.write_baseline {
        gate::write_baseline(b, &result.findings)?;
    }
    let meta = ReportMeta {
        tool_version: env!("CARGO_PKG_VERSION").to_string(),
        root,
        targets: result.targets.clone(),
        fail_on,
    };
    let color = match a.color.as_str() {
        "always" => true,
        "never" => false,
        _ => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none()
                && std::env::var_os("CI").is_none()
        }
    };
    let text = TextOptions {
        color,
        show_suppressed: a.show_suppressed,
    };
    for (f, file) in &outputs {
        let body = report::render(
            *f,
            &result.findings,
            &result.rules,
            &meta,
            &text_plain(&text),
        )?;
        std::fs::write(file, body).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    if let Ok(summary) = std::env::var("GITHUB_STEP_SUMMARY") {
        if !summary.is_empty() && !outputs.iter().any(|(f, _)| *f == Format::Markdown) {
            let body = report::render(
                Format::Markdown,
                &result.findings,
                &result.rules,
                &meta,
                &text,
            )?;
            let _ = std::fs::OpenOptions::new()
                .append(true)
                .create(true)
                .open(&summary)
                .and_then(|mut f| std::io::Write::write_all(&mut f, body.as_bytes()));
        }
    }
    let stdout = report::render(stdout_format, &result.findings, &result.rules, &meta, &text)?;
    Ok(Outcome {
        code: gate::decide(&result.findings, fail_on),
        stdout,
        stderr: String::new(),
    })
}

/// Files never get colour.
fn text_plain(t: &TextOptions) -> TextOptions {
    TextOptions { color: false, ..*t }
}
