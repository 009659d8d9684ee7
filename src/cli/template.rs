//! `chartgate template NAME CHART [flags]`: helm v4.1.4's `helm template`, in process.

use super::Outcome;
use crate::chart::{self, PrepareOptions};
use crate::render::objects::{Capabilities, KubeVersion};
use crate::render::output::{self, OutputError, OutputOptions};
use crate::render::{self, schema, ReleaseOptions, RenderOptions};
use clap::Args;
use regex::Regex;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;

/// Flags of `helm template` (install flags that only matter against a cluster are accepted and
/// ignored, so helm command lines work unchanged).
#[derive(Args, Debug, Clone, Default)]
pub struct TemplateArgs {
    /// [NAME] CHART: the release name (optional) and the chart directory or archive.
    #[arg(value_name = "NAME_OR_CHART", required = true, num_args = 1..)]
    pub args: Vec<String>,
    /// Namespace for `.Release.Namespace` (default: $HELM_NAMESPACE or "default").
    #[arg(short = 'n', long)]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub values: super::values::ValuesArgs,
    /// Kubernetes version for `.Capabilities.KubeVersion`.
    #[arg(long)]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions`.
    #[arg(short = 'a', long)]
    pub api_versions: Vec<String>,
    /// Include CRDs in the templated output.
    #[arg(long)]
    pub include_crds: bool,
    /// Skip CRDs (no effect on template output, like helm).
    #[arg(long)]
    pub skip_crds: bool,
    /// Skip tests from templated output.
    #[arg(long)]
    pub skip_tests: bool,
    /// Prevent hooks from being printed.
    #[arg(long)]
    pub no_hooks: bool,
    /// Set `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    #[arg(long)]
    pub is_upgrade: bool,
    /// Write the templates to files in this directory instead of stdout.
    #[arg(long)]
    pub output_dir: Option<PathBuf>,
    /// Use the release name in the --output-dir path.
    #[arg(long)]
    pub release_name: bool,
    /// Only show manifests rendered from the given templates.
    #[arg(short = 's', long)]
    pub show_only: Vec<String>,
    /// Skip validating values against values.schema.json.
    #[arg(long)]
    pub skip_schema_validation: bool,
    /// Generate the name (helm template uses "release-name").
    #[arg(short = 'g', long)]
    pub generate_name: bool,
    /// Template used to name the release.
    #[arg(long)]
    pub name_template: Option<String>,
    /// Seed for random functions (chartgate extension; reproducible output).
    #[arg(long, hide = true)]
    pub seed: Option<u64>,

    // Accepted for compatibility with helm command lines; no effect offline.
    #[arg(long, hide = true)]
    pub debug: bool,
    #[arg(long, hide = true)]
    pub validate: bool,
    #[arg(long, hide = true)]
    pub description: Option<String>,
    #[arg(long, hide = true)]
    pub devel: bool,
    #[arg(long, hide = true)]
    pub version: Option<String>,
    #[arg(long, hide = true)]
    pub dependency_update: bool,
    #[arg(long, hide = true)]
    pub render_subchart_notes: bool,
    #[arg(long, hide = true)]
    pub disable_openapi_validation: bool,
    #[arg(long, hide = true)]
    pub atomic: bool,
    #[arg(long, hide = true)]
    pub rollback_on_failure: bool,
    #[arg(long, hide = true, num_args = 0..=1, default_missing_value = "watcher")]
    pub wait: Option<String>,
    #[arg(long, hide = true)]
    pub wait_for_jobs: bool,
    #[arg(long, hide = true)]
    pub timeout: Option<String>,
    #[arg(long, hide = true)]
    pub create_namespace: bool,
    #[arg(long, hide = true)]
    pub force: bool,
    #[arg(long, hide = true)]
    pub replace: bool,
    #[arg(short = 'l', long, hide = true)]
    pub labels: Vec<String>,
    #[arg(long, hide = true)]
    pub enable_dns: bool,
    #[arg(long, hide = true)]
    pub hide_notes: bool,
    #[arg(long, hide = true)]
    pub take_ownership: bool,
    #[arg(long, hide = true)]
    pub kube_context: Option<String>,
    #[arg(long, hide = true)]
    pub kubeconfig: Option<String>,
}

/// A failure of `template`, printed as `Error: …` (render failures get helm's debug hint).
#[derive(Clone, Debug, PartialEq)]
pub enum TemplateError {
    /// Failures before or outside rendering (usage, loading, values, schema).
    Plain(String),
    /// Failures of the render itself: helm adds `Use --debug flag to render out invalid YAML`.
    Render(String),
}

impl TemplateError {
    /// The text helm prints after `Error: `.
    pub fn message(&self) -> String {
        match self {
            TemplateError::Plain(m) => m.clone(),
            TemplateError::Render(m) => {
                format!("{m}\n\nUse --debug flag to render out invalid YAML")
            }
        }
    }
}

impl From<OutputError> for TemplateError {
    fn from(e: OutputError) -> Self {
        match e {
            OutputError::Render(m) => TemplateError::Render(m),
            OutputError::Plain(m) => TemplateError::Plain(m),
        }
    }
}

/// helm's release name rule (DNS-1123 subdomain, at most 53 characters).
fn validate_release_name(name: &str) -> Result<(), String> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let pattern = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    let re = RE.get_or_init(|| Regex::new(pattern).expect("static regex is valid"));
    if name.is_empty() {
        return Err("release name check failed: no name provided".into());
    }
    if name.len() > 53 || !re.is_match(name) {
        return Err(format!(
            "release name check failed: release name {name:?}: invalid release name, must match regex {pattern} and the length must not be longer than 53"
        ));
    }
    Ok(())
}

/// helm's `TemplateName`: `--name-template` executed with sprig functions and no data.
fn name_from_template(text: &str) -> Result<String, String> {
    let mut set = gotpl::Templates::new();
    set.add("name-template", text).map_err(|e| e.to_string())?;
    let mut run = set.run(&gotpl::Options::default());
    run.execute("name-template", &gotpl::Value::Nil)
        .map_err(|e| e.to_string())
}

/// helm's `NameAndChart` as `helm template` calls it (the name defaults to "release-name").
fn name_and_chart(a: &TemplateArgs) -> Result<(String, String), String> {
    match a.args.as_slice() {
        [name, chart] => {
            if a.generate_name {
                return Err("cannot set --generate-name and also specify a name".into());
            }
            if a.name_template.is_some() {
                return Err("cannot set --name-template and also specify a name".into());
            }
            Ok((name.clone(), chart.clone()))
        }
        [chart] => match &a.name_template {
            Some(t) if !t.is_empty() => Ok((name_from_template(t)?, chart.clone())),
            _ => Ok(("release-name".into(), chart.clone())),
        },
        [_, _, rest @ ..] => Err(format!(
            "expected at most two arguments, unexpected arguments: {}",
            rest.join(", ")
        )),
        [] => Err("\"chartgate template\" requires at least 1 argument".into()),
    }
}

/// helm's `LocateChart` for local charts.
fn locate_chart(name: &str) -> Result<PathBuf, String> {
    let p = Path::new(name);
    if p.exists() {
        return Ok(p.to_path_buf());
    }
    if p.is_absolute() || name.starts_with('.') {
        return Err(format!("path {name:?} not found"));
    }
    Err(format!(
        "non-absolute URLs should be in form of repo_name/path_to_chart, got: {name}"
    ))
}

/// Runs `template` and returns what it prints on success.
pub fn execute(a: &TemplateArgs) -> Result<String, TemplateError> {
    let plain = TemplateError::Plain;
    let kube_version = match a.kube_version.as_deref() {
        Some(v) if !v.is_empty() => Some(KubeVersion::parse(v).map_err(plain)?),
        _ => None,
    };
    let (release_name, chart_ref) = name_and_chart(a).map_err(plain)?;
    let chart_path = locate_chart(&chart_ref).map_err(plain)?;
    let user = a
        .values
        .user_values()
        .build()
        .map_err(|e| plain(e.to_string()))?;
    let mut timer = Timer::new();
    let loaded = chart::load(&chart_path).map_err(|e| plain(e.to_string()))?;
    timer.lap("load");
    let prepared = chart::prepare(loaded, &user, &PrepareOptions::default())
        .map_err(|e| plain(e.to_string()))?;
    timer.lap("prepare");
    validate_release_name(&release_name).map_err(plain)?;
    if !a.skip_schema_validation {
        schema::validate_values(&prepared.chart, &prepared.values).map_err(plain)?;
    }
    timer.lap("schema");

    let namespace = a
        .namespace
        .clone()
        .filter(|n| !n.is_empty())
        .or_else(|| {
            std::env::var("HELM_NAMESPACE")
                .ok()
                .filter(|n| !n.is_empty())
        })
        .unwrap_or_else(|| "default".into());
    let capabilities = Capabilities::new(kube_version, &a.api_versions);
    let required = &prepared.chart.metadata.kube_version;
    if !required.is_empty() && !kube_compatible(required, &capabilities.kube_version.normalized) {
        return Err(TemplateError::Render(format!(
            "chart requires kubeVersion: {required} which is incompatible with Kubernetes {}",
            capabilities.kube_version.normalized
        )));
    }
    let opts = RenderOptions {
        release: ReleaseOptions {
            name: release_name.clone(),
            namespace,
            revision: 1,
            is_upgrade: a.is_upgrade,
        },
        capabilities,
        seed: a.seed,
        ..Default::default()
    };
    let rendered =
        render::render(&prepared, &opts).map_err(|e| TemplateError::Render(e.to_string()))?;
    timer.lap("render");
    let out_opts = OutputOptions {
        include_crds: a.include_crds,
        skip_tests: a.skip_tests,
        no_hooks: a.no_hooks,
        show_only: a.show_only.clone(),
        output_dir: a.output_dir.clone(),
        use_release_name: a.release_name,
        release_name,
    };
    let out = output::assemble(rendered, &prepared.chart, &out_opts)?;
    timer.lap("output");
    Ok(out)
}

/// Phase timings on stderr when `CHARTGATE_TIMING` is set (maintainer aid for the benchmark).
struct Timer {
    on: bool,
    last: Instant,
}

impl Timer {
    fn new() -> Timer {
        Timer {
            on: std::env::var_os("CHARTGATE_TIMING").is_some(),
            last: Instant::now(),
        }
    }
    fn lap(&mut self, phase: &str) {
        if self.on {
            let now = Instant::now();
            eprintln!(
                "timing: {phase} {:.3} ms",
                (now - self.last).as_secs_f64() * 1000.0
            );
            self.last = now;
        }
    }
}

/// helm's `IsCompatibleRange`: false when either side does not parse.
fn kube_compatible(constraint: &str, version: &str) -> bool {
    use gotpl::funcs::semver::{Constraints, Version};
    match (Constraints::parse(constraint), Version::parse(version)) {
        (Ok(c), Ok(v)) => c.check(&v),
        _ => false,
    }
}

/// `chartgate template …` as a command.
pub fn run(a: &TemplateArgs) -> Outcome {
    match execute(a) {
        Ok(out) => Outcome::ok(out),
        Err(e) => Outcome::error(e.message()),
    }
}

/// Arguments of the hidden `bench-template` maintainer command.
#[derive(Args, Debug, Clone)]
pub struct BenchArgs {
    /// A file with one `template` command line per line (arguments after `template`,
    /// whitespace-separated, relative paths resolved from the current directory).
    pub commands: PathBuf,
    /// Render every line this many times.
    #[arg(long, default_value_t = 1)]
    pub repeat: usize,
}

/// Renders every command line of the file in this one process and reports the time.
pub fn bench(b: &BenchArgs) -> Outcome {
    let text = match std::fs::read_to_string(&b.commands) {
        Ok(t) => t,
        Err(e) => return Outcome::error(format!("{}: {e}", b.commands.display())),
    };
    let lines: Vec<Vec<String>> = text
        .lines()
        .map(|l| l.split_whitespace().map(str::to_string).collect::<Vec<_>>())
        .filter(|w| !w.is_empty())
        .collect();
    let start = Instant::now();
    let (mut ok, mut failed, mut bytes) = (0usize, 0usize, 0usize);
    for _ in 0..b.repeat.max(1) {
        for words in &lines {
            let argv = std::iter::once("chartgate".to_string())
                .chain(std::iter::once("template".to_string()))
                .chain(words.iter().cloned());
            let o = super::run(argv);
            bytes += o.stdout.len();
            if o.code == 0 {
                ok += 1;
            } else {
                failed += 1;
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let n = ok + failed;
    Outcome::ok(format!(
        "bench-template: {n} renders ({ok} ok, {failed} failed, {bytes} bytes) in {:.3} s, {:.2} ms/render\n",
        secs,
        if n > 0 { secs * 1000.0 / n as f64 } else { 0.0 }
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn release_names() {
        assert!(validate_release_name("rel").is_ok());
        assert!(validate_release_name("a.b-c").is_ok());
        let e = validate_release_name("BAD_NAME").unwrap_err();
        assert!(e.starts_with("release name check failed: release name \"BAD_NAME\": invalid release name, must match regex ^[a-z0-9]"));
        assert!(validate_release_name(&"a".repeat(54)).is_err());
    }

    #[test]
    fn names_and_charts() {
        let mut a = TemplateArgs {
            args: vec!["x".into(), "c".into()],
            ..Default::default()
        };
        assert_eq!(name_and_chart(&a).unwrap(), ("x".into(), "c".into()));
        a.generate_name = true;
        assert_eq!(
            name_and_chart(&a).unwrap_err(),
            "cannot set --generate-name and also specify a name"
        );
        a.args = vec!["c".into()];
        assert_eq!(
            name_and_chart(&a).unwrap(),
            ("release-name".into(), "c".into())
        );
        a.args = vec!["a".into(), "b".into(), "c".into()];
        assert_eq!(
            name_and_chart(&a).unwrap_err(),
            "expected at most two arguments, unexpected arguments: c"
        );
    }
}
