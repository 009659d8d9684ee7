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
    /// Also write FORMAT to FILE (repeatable), e.g. `--output sarif=results.sarif`.
    #[arg(long = "output", value_name = "FORMAT=FILE")]
    pub outputs: Vec<String>,
    /// Write the current findings as a baseline to FILE.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    /// Colour: auto (on a terminal), always, never.
    #[arg(long, default_value = "auto")]
    pub color: String,
    /// Show suppressed findings in the text report.
    #[arg(long)]
    pub show_suppressed: bool,
    #[command(flatten)]
    pub gate: GateArgs,
}

// The gate's options, shared by `scan` and `install`.
#[derive(Args, Debug, Clone, Default)]
pub struct GateArgs {
    /// Skip these stages (render, lint, values, policy, secrets).
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
    /// Lowest severity that fails the gate (exit 1): error, warning, info.
    #[arg(long, value_name = "SEVERITY")]
    pub fail_on: Option<String>,
    /// Report format on stdout: text, json, sarif, junit, github, markdown.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Accept the findings listed in this baseline file; fail only on new ones.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// Configuration file (default: the nearest .chartgate.yaml above the scanned path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// What the gate options and the configuration file decide together.
pub(crate) struct Gate {
    pub config: crate::config::Config,
    pub fail_on: Severity,
    pub format: Format,
    pub skip: Vec<crate::finding::Stage>,
    pub policy: crate::policy::Options,
    pub secrets_config: Option<PathBuf>,
    pub kube_version: Option<String>,
}

impl GateArgs {
    /// Loads the configuration (`--config`, else the nearest one above `scanned`) and merges
    /// it under the flags.
    pub(crate) fn resolve(
        &self,
        scanned: Option<&std::path::Path>,
        kube_version: &Option<String>,
    ) -> Result<Gate, String> {
        let cfg_path = self
            .config
            .clone()
            .or_else(|| scanned.and_then(crate::config::find));
        let config = match &cfg_path {
            Some(p) => crate::config::load(p)?,
            None => crate::config::Config::default(),
        };
        let cfg_dir = cfg_path
            .as_ref()
            .and_then(|p| p.parent().map(|d| d.to_path_buf()))
            .unwrap_or_default();
        let fail_on = match &self.fail_on {
            Some(s) => gate::parse_severity(s)?,
            None => config.fail_on().unwrap_or(Severity::Error),
        };
        let skip = self
            .skip
            .iter()
            .map(|s| scan::parse_stage(s))
            .collect::<Result<Vec<_>, _>>()?;
        let mut paths = self.policies.clone();
        paths.extend(config.policies.iter().map(|p| cfg_dir.join(p)));
        let mut data = self.data.clone();
        data.extend(config.data.iter().map(|p| cfg_dir.join(p)));
        Ok(Gate {
            fail_on,
            format: self.format.parse()?,
            skip,
            policy: crate::policy::Options {
                builtin: !self.no_builtin,
                paths,
                data,
                namespaces: self.policy_namespaces.clone(),
            },
            secrets_config: self
                .secrets_config
                .clone()
                .or_else(|| config.secrets_config.as_ref().map(|p| cfg_dir.join(p))),
            kube_version: kube_version.clone().or_else(|| config.kube_version.clone()),
            config,
        })
    }
}

/// Runs the scan on a pool whose threads have the CLI's stack (deep `include` recursion).
pub(crate) fn run_scan(
    opts: &ScanOptions,
    config: &crate::config::Config,
) -> Result<scan::ScanResult, String> {
    rayon::ThreadPoolBuilder::new()
        .stack_size(super::STACK_SIZE)
        .build()
        .map_err(|e| e.to_string())?
        .install(|| scan::scan(opts, config))
}

pub fn run(a: &ScanArgs) -> Outcome {
    match run_inner(a) {
        Ok(o) => o,
        Err(e) => Outcome::usage(e),
    }
}

fn run_inner(a: &ScanArgs) -> Result<Outcome, String> {
    let g = a
        .gate
        .resolve(a.paths.first().map(|p| p.as_path()), &a.kube_version)?;
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
    let root = std::env::current_dir().map_err(|e| e.to_string())?;
    let opts = ScanOptions {
        paths: a.paths.clone(),
        values: a.values.user_values(),
        release: a.release_name.clone(),
        namespace: a.namespace.clone(),
        kube_version: g.kube_version,
        ci_values: a.ci_values,
        stages: Stages::new(&only, &g.skip),
        policy: g.policy,
        secrets_config: g.secrets_config,
        root: root.clone(),
    };
    let fail_on = g.fail_on;
    let mut result = run_scan(&opts, &g.config)?;
    if let Some(b) = &a.gate.baseline {
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
    let stdout = report::render(g.format, &result.findings, &result.rules, &meta, &text)?;
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
