//! `chartgate scan`: the pipeline. Each target (chart × value set, or a manifest file) goes
//! through the stages that apply — render, lint, values, policy, secrets — and yields findings;
//! suppressions, config and baselines are applied after. Charts are scanned in parallel.

use crate::chart::{self, Chart, UserValues};
use crate::config::Config;
use crate::finding::{Finding, RuleDoc, Stage};
use crate::lint::{self, locate, Rendered};
use crate::policy::{self, PolicySet};
use crate::render::{self, objects::KubeVersion, ReleaseOptions, RenderOptions};
use crate::secrets::Scanner;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which stages run.
#[derive(Clone, Debug)]
pub struct Stages(Vec<Stage>);

impl Stages {
    pub fn all() -> Stages {
        Stages(vec![
            Stage::Render,
            Stage::Lint,
            Stage::Values,
            Stage::Policy,
            Stage::Secrets,
        ])
    }
    pub fn new(only: &[Stage], skip: &[Stage]) -> Stages {
        let base = if only.is_empty() {
            Stages::all().0
        } else {
            only.to_vec()
        };
        Stages(base.into_iter().filter(|s| !skip.contains(s)).collect())
    }
    pub fn has(&self, s: Stage) -> bool {
        self.0.contains(&s)
    }
}

pub fn parse_stage(s: &str) -> Result<Stage, String> {
    Ok(match s {
        "render" => Stage::Render,
        "lint" => Stage::Lint,
        "values" => Stage::Values,
        "policy" => Stage::Policy,
        "secrets" => Stage::Secrets,
        _ => {
            return Err(format!(
                "unknown stage {s:?} (render, lint, values, policy, secrets)"
            ))
        }
    })
}

#[derive(Clone, Debug)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub values: UserValues,
    pub release: String,
    pub namespace: String,
    pub kube_version: Option<String>,
    /// Also render each chart with every `ci/*values.yaml` of its own.
    pub ci_values: bool,
    pub stages: Stages,
    pub policy: policy::Options,
    pub secrets_config: Option<PathBuf>,
    /// Report paths are relative to this directory.
    pub root: PathBuf,
}

pub struct ScanResult {
    pub findings: Vec<Finding>,
    pub rules: Vec<RuleDoc>,
    /// Every chart or manifest scanned, relative to the root.
    pub targets: Vec<String>,
}

/// What a path on the command line turned out to be.
#[derive(Clone, Debug, PartialEq)]
enum Target {
    Chart(PathBuf),
    Manifest(PathBuf),
    Stdin,
}

fn is_yaml(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "json")
    )
}

fn is_archive(p: &Path) -> bool {
    let n = p.to_string_lossy();
    n.ends_with(".tgz") || n.ends_with(".tar.gz")
}

/// Charts under `dir` (not descending into a chart once found), else its YAML manifests.
fn discover(dir: &Path, depth: usize, charts: &mut Vec<PathBuf>, manifests: &mut Vec<PathBuf>) {
    if depth > 32 {
        return;
    }
    if dir.join("Chart.yaml").is_file() {
        charts.push(dir.to_path_buf());
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for e in entries {
        let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" || name == "node_modules" {
            continue;
        }
        // Symlinked directories are not followed: a scan never leaves the tree it was given.
        let Ok(md) = std::fs::symlink_metadata(&e) else {
            continue;
        };
        if md.is_dir() {
            discover(&e, depth + 1, charts, manifests);
        } else if md.is_file() && is_yaml(&e) {
            manifests.push(e);
        }
    }
}

fn targets(paths: &[PathBuf]) -> Result<Vec<Target>, String> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Target::Stdin);
        } else if p.is_dir() {
            let (mut charts, mut manifests) = (vec![], vec![]);
            discover(p, 0, &mut charts, &mut manifests);
            if charts.is_empty() {
                out.extend(manifests.into_iter().map(Target::Manifest));
            } else {
                out.extend(charts.into_iter().map(Target::Chart));
            }
        } else if p.is_file() && is_archive(p) {
            out.push(Target::Chart(p.clone()));
        } else if p.is_file() {
            out.push(Target::Manifest(p.clone()));
        } else {
            return Err(format!("{}: no such file or directory", p.display()));
        }
    }
    Ok(out)
}

/// `path` relative to `root`, with `/` separators.
pub fn rel(root: &Path, path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let root = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
    let r = abs.strip_prefix(&root).unwrap_or(&abs);
    let s = r.to_string_lossy().replace('\\', "/");
    if s.is_empty() {
        ".".into()
    } else {
        s
    }
}

/// Shared, read-only state of a scan.
struct Ctx<'a> {
    opts: &'a ScanOptions,
    policies: Option<PolicySet>,
    secrets: Option<Scanner>,
    kube: (u32, u32),
}

pub fn scan(opts: &ScanOptions, config: &Config) -> Result<ScanResult, String> {
    let targets = targets(&opts.paths)?;
    if targets.is_empty() {
        return Err("nothing to scan: no chart or manifest found".into());
    }
    let policies = if opts.stages.has(Stage::Policy) {
        Some(PolicySet::load(&opts.policy)?)
    } else {
        None
    };
    let secrets = if opts.stages.has(Stage::Secrets) {
        Some(Scanner::new(opts.secrets_config.as_deref()).map_err(|e| e.to_string())?)
    } else {
        None
    };
    let kube = opts
        .kube_version
        .as_deref()
        .and_then(lint::deprecated::parse_version)
        .unwrap_or((1, 35));
    let ctx = Ctx {
        opts,
        policies,
        secrets,
        kube,
    };
    let results: Vec<Result<(String, Vec<Finding>), String>> = targets
        .par_iter()
        .map(|t| match t {
            Target::Chart(p) => scan_chart(&ctx, p, config).map(|f| (rel(&opts.root, p), f)),
            Target::Manifest(p) => {
                let text =
                    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
                let name = rel(&opts.root, p);
                Ok((name.clone(), scan_manifests(&ctx, &name, &text)))
            }
            Target::Stdin => {
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                    .map_err(|e| format!("stdin: {e}"))?;
                Ok(("-".to_string(), scan_manifests(&ctx, "-", &text)))
            }
        })
        .collect();
    let mut findings = Vec::new();
    let mut names = Vec::new();
    for r in results {
        let (name, f) = r?;
        names.push(name);
        findings.extend(f);
    }
    // One finding per fingerprint: value sets of a chart often repeat each other.
    let mut seen = std::collections::HashSet::new();
    findings.retain(|f| seen.insert(f.fingerprint.clone()));
    config.apply(&mut findings);
    if !config.exclude.is_empty() {
        let globs: Vec<render::glob::Glob> = config
            .exclude
            .iter()
            .filter_map(|g| render::glob::Glob::gobwas(g))
            .collect();
        findings.retain(|f| {
            let p = f.location.as_ref().map(|l| l.path.as_str()).unwrap_or("");
            !globs.iter().any(|g| g.matches(p))
        });
    }
    let mut rules = lint::rules();
    if let Some(p) = &ctx.policies {
        rules.extend(p.rules());
    }
    if let Some(s) = &ctx.secrets {
        rules.extend(s.rule_docs());
    }
    Ok(ScanResult {
        findings,
        rules,
        targets: names,
    })
}

/// The value sets a chart is rendered with: the user's values, then (with `--ci-values` or
/// config) each extra file list applied before them.
fn value_sets(ctx: &Ctx, chart_dir: &Path, chart_rel: &str, config: &Config) -> Vec<Vec<PathBuf>> {
    let mut sets = vec![vec![]];
    if ctx.opts.ci_values {
        if let Ok(rd) = std::fs::read_dir(chart_dir.join("ci")) {
            let mut files: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.to_string_lossy().ends_with("values.yaml"))
                .collect();
            files.sort();
            sets.extend(files.into_iter().map(|f| vec![f]));
        }
    }
    if let Some(c) = config.charts.get(chart_rel) {
        sets.extend(
            c.value_sets
                .iter()
                .map(|s| s.iter().map(|f| chart_dir.join(f)).collect()),
        );
    }
    sets
}

fn scan_chart(ctx: &Ctx, path: &Path, config: &Config) -> Result<Vec<Finding>, String> {
    let root = &ctx.opts.root;
    let chart_rel = rel(root, path);
    let mut out = Vec::new();
    // Every file is read (secrets are looked for in all of them), as helm's loader would.
    let chart = match chart::load(path).and_then(|c| c.read_all().map(|_| c)) {
        Ok(c) => c,
        Err(e) => {
            if ctx.opts.stages.has(Stage::Render) {
                out.push(load_error(&e, &chart_rel));
            }
            return Ok(out);
        }
    };
    if ctx.opts.stages.has(Stage::Lint) {
        out.extend(lint::check_chart(&chart, &chart_rel));
    }
    if let Some(s) = &ctx.secrets {
        out.extend(scan_chart_files(s, &chart, &chart_rel));
        for f in &ctx.opts.values.value_files {
            if let Ok(bytes) = std::fs::read(f) {
                out.extend(s.scan_file(&rel(root, f), &bytes));
            }
        }
    }
    if chart.is_library() {
        return Ok(out);
    }
    for extra in value_sets(ctx, path, &chart_rel, config) {
        let mut values = ctx.opts.values.clone();
        values.value_files = extra.into_iter().chain(values.value_files).collect();
        out.extend(render_and_check(ctx, chart.clone(), &chart_rel, &values));
    }
    for f in out.iter_mut() {
        f.chart.get_or_insert_with(|| chart_rel.clone());
    }
    Ok(out)
}

/// A chart that does not load, located at the offending file when the loader knows it. A
/// values.yaml that does not parse gets its own rule and the YAML error's line.
fn load_error(e: &chart::ChartError, chart_rel: &str) -> Finding {
    let file = e.file.as_deref().unwrap_or("Chart.yaml");
    let line = e.line.and_then(|l| u32::try_from(l).ok());
    let rule = if file == "values.yaml" && e.message.starts_with("cannot load values.yaml") {
        "lint/values-yaml"
    } else {
        "render/load-error"
    };
    lint::finding(
        rule,
        e.message.clone(),
        lint::at(&format!("{chart_rel}/{file}"), line, None),
        Some(chart_rel),
    )
}

/// Secrets in the chart's own files (values, templates, other files), subcharts included.
fn scan_chart_files(s: &Scanner, chart: &Chart, dir: &str) -> Vec<Finding> {
    let mut files: Vec<(String, Vec<u8>)> = chart
        .raw
        .iter()
        .map(|f| (format!("{dir}/{}", f.name), f.data.bytes().to_vec()))
        .collect();
    for f in &chart.templates {
        let name = format!("{dir}/{}", f.name);
        if !files.iter().any(|(n, _)| *n == name) {
            files.push((name, f.data.bytes().to_vec()));
        }
    }
    let mut out = s.scan_files(&files);
    for sub in &chart.dependencies {
        let name = sub
            .source
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        out.extend(scan_chart_files(s, sub, &format!("{dir}/charts/{name}")));
    }
    out
}

/// Template name (`web/charts/db/templates/x.yaml`) → report path under the chart directory.
fn template_path(chart_rel: &str, template: &str) -> String {
    match template.split_once('/') {
        Some((_, rest)) => format!("{chart_rel}/{rest}"),
        None => format!("{chart_rel}/{template}"),
    }
}

/// The source text of a template by its helm name.
fn template_sources(chart: &Chart, prefix: &str, out: &mut BTreeMap<String, Arc<str>>) {
    for t in &chart.templates {
        out.insert(
            format!("{prefix}{}/{}", chart.name(), t.name),
            Arc::from(String::from_utf8_lossy(t.data.bytes()).as_ref()),
        );
    }
    for sub in &chart.dependencies {
        template_sources(sub, &format!("{prefix}{}/charts/", chart.name()), out);
    }
}

fn render_and_check(ctx: &Ctx, chart: Chart, chart_rel: &str, values: &UserValues) -> Vec<Finding> {
    let mut out = Vec::new();
    let load_err = |msg: String, file: &str| {
        lint::finding(
            "render/load-error",
            msg,
            lint::at(&format!("{chart_rel}/{file}"), None, None),
            Some(chart_rel),
        )
    };
    let user = match values.build() {
        Ok(u) => u,
        Err(e) => return vec![load_err(e.to_string(), "values.yaml")],
    };
    let mut sources = BTreeMap::new();
    template_sources(&chart, "", &mut sources);
    let prepared = match chart::prepare(chart, &user, &chart::PrepareOptions::default()) {
        Ok(p) => p,
        Err(e) => return vec![load_err(e.to_string(), "Chart.yaml")],
    };
    if ctx.opts.stages.has(Stage::Values) {
        let user_files: Vec<crate::schema::ValuesFile> = values
            .value_files
            .iter()
            .filter_map(|f| {
                let text = std::fs::read_to_string(f).ok()?;
                crate::schema::ValuesFile::parse(&rel(&ctx.opts.root, f), &text)
            })
            .collect();
        let defaults =
            prepared.chart.values_src.as_deref().and_then(|t| {
                crate::schema::ValuesFile::parse(&format!("{chart_rel}/values.yaml"), t)
            });
        out.extend(crate::schema::check(
            &prepared.chart,
            &prepared.values,
            chart_rel,
            &[],
            &user_files,
            defaults.as_ref(),
            chart_rel,
        ));
    }
    let kube_version = ctx
        .opts
        .kube_version
        .as_deref()
        .and_then(|k| KubeVersion::parse(k).ok());
    let ropts = RenderOptions {
        release: ReleaseOptions {
            name: ctx.opts.release.clone(),
            namespace: ctx.opts.namespace.clone(),
            ..ReleaseOptions::default()
        },
        capabilities: render::objects::Capabilities::new(kube_version, &[]),
        // Reproducible random output, so fingerprints of generated secrets are stable.
        seed: Some(0),
        ..RenderOptions::default()
    };
    let rendered = match render::render(&prepared, &ropts) {
        Ok(r) => r,
        Err(e) => {
            let (file, line, col) = e.location();
            let loc = if file.is_empty() {
                lint::at(&format!("{chart_rel}/Chart.yaml"), None, None)
            } else {
                lint::at(
                    &template_path(chart_rel, file),
                    (line > 0).then_some(line as u32),
                    (col > 0).then_some(col as u32),
                )
            };
            // `required`/`fail` with the chart's own defaults: the chart needs values this scan
            // was not given. Like helm lint, note it and check the rest in lint mode; with
            // user values it is the user's render that fails, an error.
            let needs_values = values.is_empty() && e.message().starts_with("execution error at (");
            let lint_render = if needs_values {
                render::render(
                    &prepared,
                    &RenderOptions {
                        lint: true,
                        ..ropts.clone()
                    },
                )
                .ok()
            } else {
                None
            };
            if ctx.opts.stages.has(Stage::Render) {
                let rule = if lint_render.is_some() {
                    "render/required-value"
                } else {
                    "render/template-error"
                };
                out.push(lint::finding(
                    rule,
                    e.message().to_string(),
                    loc,
                    Some(chart_rel),
                ));
            }
            match lint_render {
                Some(r) => r,
                None => return out,
            }
        }
    };
    let docs = rendered_docs(&rendered, &sources, chart_rel);
    let values_index = prepared.chart.values_src.as_deref().map(|t| {
        Arc::new(locate::ValuesIndex::build(
            &format!("{chart_rel}/values.yaml"),
            t,
        ))
    });
    let mut checked = check_docs(ctx, &docs, Some(chart_rel), values_index);
    // Secrets the chart generates at render time (randAlphaNum, genCA…) are not shipped
    // secrets: render again with another seed and keep only object findings that reappear.
    if let Some(s) = &ctx.secrets {
        let generates = sources
            .values()
            .any(|src| GENERATORS.iter().any(|g| src.contains(g)));
        if generates {
            let again = RenderOptions {
                seed: Some(1),
                ..ropts.clone()
            };
            if let Ok(second) = render::render(&prepared, &again) {
                let stable: std::collections::HashSet<String> =
                    rendered_docs(&second, &sources, chart_rel)
                        .iter()
                        .filter_map(|r| {
                            r.doc
                                .as_ref()
                                .ok()
                                .map(|d| s.scan_object(&r.path, d, &|_| None))
                        })
                        .flatten()
                        .map(|f| f.fingerprint)
                        .collect();
                checked.retain(|f| {
                    f.stage != Stage::Secrets
                        || f.object.is_none()
                        || stable.contains(&f.fingerprint)
                });
            }
        }
    }
    out.extend(checked);
    out
}

/// Template functions whose output is random: secrets they produce are made at install time.
const GENERATORS: &[&str] = &[
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "randBytes",
    "genCA",
    "genPrivateKey",
    "genSelfSignedCert",
    "genSignedCert",
    "uuidv4",
    "derivePassword",
];

/// The rendered documents of a chart, each with its template and source line.
fn rendered_docs(
    rendered: &BTreeMap<String, String>,
    sources: &BTreeMap<String, Arc<str>>,
    chart_rel: &str,
) -> Vec<Rendered> {
    let mut docs = Vec::new();
    for (name, text) in rendered {
        let base = name.rsplit('/').next().unwrap_or("");
        if base.starts_with('_')
            || base == "NOTES.txt"
            || !(base.ends_with(".yaml")
                || base.ends_with(".yml")
                || base.ends_with(".json")
                || base.ends_with(".tpl"))
        {
            continue;
        }
        let pieces = render::order::split_manifests(text);
        let src = sources.get(name).cloned();
        let n = pieces.len();
        for (i, piece) in pieces.into_iter().enumerate() {
            let line = src
                .as_deref()
                .and_then(|s| locate::object_line(s, i, n))
                .or(Some(1));
            docs.push(Rendered {
                template: name.clone(),
                path: template_path(chart_rel, name),
                doc: gotpl::yaml::load(&piece).map_err(|e| e.to_string()),
                text: piece,
                line,
                src: src.clone(),
            });
        }
    }
    docs
}

fn scan_manifests(ctx: &Ctx, name: &str, text: &str) -> Vec<Finding> {
    let src: Arc<str> = Arc::from(text);
    let pieces = render::order::split_manifests(text);
    let n = pieces.len();
    let docs: Vec<Rendered> = pieces
        .into_iter()
        .enumerate()
        .map(|(i, piece)| Rendered {
            template: name.to_string(),
            path: name.to_string(),
            doc: gotpl::yaml::load(&piece).map_err(|e| e.to_string()),
            line: locate::object_line(text, i, n).or(Some(1)),
            text: piece,
            src: Some(src.clone()),
        })
        .collect();
    let mut out = check_docs(ctx, &docs, None, None);
    if let Some(s) = &ctx.secrets {
        out.extend(s.scan_file(name, text.as_bytes()));
    }
    out
}

/// Lint, policy and secret checks on rendered documents, with annotation suppressions.
fn check_docs(
    ctx: &Ctx,
    docs: &[Rendered],
    chart: Option<&str>,
    values: Option<Arc<locate::ValuesIndex>>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if ctx.opts.stages.has(Stage::Lint) {
        out.extend(lint::check_objects(docs, ctx.kube, chart));
    }
    let mut object_findings = Vec::new();
    if let Some(p) = &ctx.policies {
        let targets: Vec<policy::Target> = docs
            .iter()
            .filter_map(|r| {
                let d = r.doc.as_ref().ok().filter(|d| d.as_map().is_some())?;
                Some(policy::Target {
                    doc: policy::to_rego(d),
                    path: r.path.clone(),
                    line: r.line,
                    chart: chart.map(str::to_string),
                    src: r.src.clone(),
                    values: values.clone(),
                })
            })
            .collect();
        match p.evaluate(&targets, &ctx.opts.namespace) {
            Ok(f) => object_findings.extend(f),
            Err(e) => out.push(lint::finding(
                "render/load-error",
                format!("policy evaluation: {e}"),
                None,
                chart,
            )),
        }
    }
    if let Some(s) = &ctx.secrets {
        for r in docs {
            if let Ok(d) = &r.doc {
                // `pointer` is a JSON pointer into the object (`/data/password`); "" is the object.
                let line_of = |pointer: &str| -> Option<u32> {
                    let path: Vec<String> = pointer
                        .split('/')
                        .skip(1)
                        .map(|p| p.replace("~1", "/").replace("~0", "~"))
                        .collect();
                    r.src
                        .as_deref()
                        .and_then(|s| locate::field_line(s, r.line.unwrap_or(1), &path))
                        .or(r.line)
                };
                let mut f = s.scan_object(&r.path, d, &line_of);
                for x in f.iter_mut() {
                    if x.object.is_none() {
                        x.object = Some(lint::object_ref(d));
                    }
                }
                object_findings.extend(f);
            }
        }
    }
    // Suppressions written on the objects themselves.
    for f in object_findings.iter_mut() {
        let Some(o) = &f.object else { continue };
        let Some(r) = docs.iter().find(|r| {
            r.path == f.location.as_ref().map(|l| l.path.as_str()).unwrap_or("")
                && r.doc.as_ref().is_ok_and(|d| lint::object_ref(d) == *o)
        }) else {
            continue;
        };
        let Ok(d) = &r.doc else { continue };
        let ann = annotations(d);
        if ann.is_empty() {
            continue;
        }
        let eq = ctx
            .policies
            .as_ref()
            .map(|p| p.equivalents(&f.rule))
            .unwrap_or_default();
        f.suppressed = crate::suppress::check(&f.rule, &eq, &ann);
    }
    out.extend(object_findings);
    for f in out.iter_mut() {
        if f.chart.is_none() {
            f.chart = chart.map(str::to_string);
        }
    }
    out
}

fn annotations(doc: &gotpl::Value) -> BTreeMap<String, String> {
    doc.as_map()
        .and_then(|m| m.get("metadata"))
        .and_then(|m| m.as_map().and_then(|m| m.get("annotations")))
        .and_then(|a| a.as_map().cloned())
        .map(|a| {
            a.borrow()
                .iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_string())))
                .collect()
        })
        .unwrap_or_default()
}
