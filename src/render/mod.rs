//! Rendering a chart like `helm template`: the template set of a chart and its enabled
//! subcharts, each executed with its own dot (`.Values`, `.Chart`, `.Release`, …), then helm's
//! post-processing (NOTES dropped, documents split, hooks separated, sorted by kind).
//!
//! Entry points: [`render`] (template files → rendered text per file, as helm's engine does),
//! [`schema::validate_values`] (values.schema.json, as helm v4 checks before rendering),
//! [`output::assemble`] (what `helm template` prints).

pub mod glob;
pub mod objects;
pub mod order;
pub mod output;
pub mod schema;
mod schema_report;

use crate::chart::{Chart, Data, File, Prepared};
use gotpl::{Map, Value};
use objects::{Capabilities, Files};
use std::collections::BTreeMap;
use std::fmt;
use std::rc::Rc;

/// `.Release` as `helm template` fills it.
#[derive(Clone, Debug)]
pub struct ReleaseOptions {
    pub name: String,
    pub namespace: String,
    pub revision: i64,
    pub is_upgrade: bool,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            name: "release-name".into(),
            namespace: "default".into(),
            revision: 1,
            is_upgrade: false,
        }
    }
}

/// Everything a render needs besides the chart and its values.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    pub release: ReleaseOptions,
    pub capabilities: Capabilities,
    /// Seed for the random functions (`randAlphaNum`, `genCA`…): reproducible output when set.
    pub seed: Option<u64>,
    /// Upper bound for one template's output, against runaway templates.
    pub max_output: usize,
    /// helm's lint mode: `required`/`fail` don't stop the render (scan uses it to check the rest
    /// of a chart that needs values it was not given).
    pub lint: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release: ReleaseOptions::default(),
            capabilities: Capabilities::new(None, &[]),
            seed: None,
            max_output: 64 << 20,
            lint: false,
        }
    }
}

/// A render failure, worded like helm (the text after `Error: `).
#[derive(Clone, Debug, PartialEq)]
pub enum RenderError {
    /// `parse error at (chart/templates/x.yaml:3): function "foo" not defined`
    Parse {
        message: String,
        file: String,
        line: usize,
        col: usize,
    },
    /// `execution error at (chart/templates/x.yaml:12:3): msg` for required/fail, Go's
    /// `template: …: executing … at <…>: …` otherwise.
    Exec {
        message: String,
        file: String,
        line: usize,
        col: usize,
    },
}

impl RenderError {
    pub fn message(&self) -> &str {
        match self {
            RenderError::Parse { message, .. } | RenderError::Exec { message, .. } => message,
        }
    }
    /// The template file and 1-based position the error points at (0 when unknown).
    pub fn location(&self) -> (&str, usize, usize) {
        match self {
            RenderError::Parse {
                file, line, col, ..
            }
            | RenderError::Exec {
                file, line, col, ..
            } => (file, *line, *col),
        }
    }
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for RenderError {}

/// helm's `cleanupParseError`: `template: LOC: …: MSG` → `parse error at (LOC): MSG`.
fn cleanup_parse_error(filename: &str, text: &str) -> String {
    let tokens: Vec<&str> = text.split(": ").collect();
    if tokens.len() == 1 {
        return format!("parse error in ({filename}): {text}");
    }
    format!(
        "parse error at ({}): {}",
        tokens[1],
        tokens[tokens.len() - 1]
    )
}

/// helm's `cleanupExecError`: a `required`/`fail` message (between HELM_ERR_START/END) is
/// reported as `execution error at (LOC): MSG`; other errors keep Go's text.
fn cleanup_exec_error(filename: &str, text: &str) -> String {
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return format!("execution error in ({filename}): {text}");
    }
    const START: &str = "HELM_ERR_START";
    const END: &str = "HELM_ERR_END";
    if let Some(s) = tokens[2].find(START) {
        let after = &tokens[2][s + START.len()..];
        if let Some(e) = after.rfind(END) {
            return format!("execution error at ({}): {}", tokens[1], &after[..e]);
        }
    }
    traceable(text).unwrap_or_else(|| text.to_string())
}

/// helm v4's structured form of a Go exec error chain: one block per template in the chain
/// (`LOC\n  executing "T" at <CTX>:\n    MSG`), following `error calling include: <inner>`
/// links. `None` (print Go's text unchanged) when a link is not a template error, as helm does
/// for e.g. `error calling index: index out of range: 5` or a failing `tpl`.
fn traceable(text: &str) -> Option<String> {
    const PREFIX: &str = "template: ";
    let mut out = String::new();
    let mut s = text;
    // Each link consumes input, so this terminates; the bound is defensive.
    for _ in 0..10_000 {
        let rest = s.strip_prefix(PREFIX)?;
        if rest.starts_with("no template ") {
            out.push_str(s);
            out.push('\n');
            return Some(out.trim().to_string());
        }
        let loc_end = rest.find(": ")?;
        let (loc, after) = (&rest[..loc_end], &rest[loc_end + 2..]);
        out.push_str(loc);
        out.push_str("\n  ");
        let Some(exec) = after.strip_prefix("executing ") else {
            out.push_str(after);
            out.push('\n');
            return Some(out.trim().to_string());
        };
        let at = exec.find(" at <")?;
        let ctx_end = at + exec[at..].find(">: ")?;
        out.push_str("executing ");
        out.push_str(&exec[..ctx_end + 1]);
        out.push_str(":\n    ");
        let msg = &exec[ctx_end + 3..];
        // `error calling NAME: <inner error>`: the inner error is the next link.
        if let Some(call) = msg.strip_prefix("error calling ") {
            if let Some(colon) = call.find(": ") {
                out.push_str("error calling ");
                out.push_str(&call[..colon + 1]);
                out.push('\n');
                s = &call[colon + 2..];
                continue;
            }
        }
        out.push_str(msg);
        out.push('\n');
        return Some(out.trim().to_string());
    }
    None
}

/// One template to execute: its dot (shared by the chart's files, as in helm) and base path.
struct Renderable {
    data: Data,
    dot: Map,
    base_path: String,
}

fn release_value(r: &ReleaseOptions) -> Value {
    let m = Map::new();
    m.insert("IsInstall", Value::Bool(!r.is_upgrade));
    m.insert("IsUpgrade", Value::Bool(r.is_upgrade));
    m.insert("Name", Value::str(&r.name));
    m.insert("Namespace", Value::str(&r.namespace));
    m.insert("Revision", Value::Int(r.revision));
    m.insert("Service", Value::str("Helm"));
    Value::Map(m)
}

/// The `.Files` of a chart.
pub fn files_object(chart: &Chart) -> Files {
    Files::new(
        chart
            .files
            .iter()
            .map(|f| (f.name.clone(), f.data.clone()))
            .collect(),
    )
}

/// helm's `recAllTpls`: builds each chart's dot and collects its templates (library charts
/// contribute partials only), recursing into enabled subcharts. Returns the chart's dot.
fn collect(
    chart: &Chart,
    parent_values: Option<&Value>,
    root_values: &Value,
    full_path: &str,
    shared: &(Value, Value),
    out: &mut BTreeMap<String, Renderable>,
) -> Map {
    // The dot is a `common.Values` too in helm.
    let dot = Map::new().with_type(gotpl::MapType::Values);
    let subcharts = Map::new();
    let values = match parent_values {
        None => root_values.clone(),
        Some(Value::Map(pm)) => match pm.get(chart.name()) {
            Some(v @ Value::Map(_)) => v,
            _ => Value::empty_map(),
        },
        Some(_) => Value::empty_map(),
    };
    dot.insert("Chart", chart.metadata.to_value(parent_values.is_none()));
    dot.insert("Files", Value::Object(Rc::new(files_object(chart))));
    dot.insert("Release", shared.0.clone());
    dot.insert("Capabilities", shared.1.clone());
    // helm hands templates `.Values` as its named map type (`common.Values`): `typeOf` and
    // sprig's `dig` see the difference.
    let typed = match &values {
        Value::Map(m) => Value::Map(m.with_type(gotpl::MapType::Values)),
        other => other.clone(),
    };
    dot.insert("Values", typed);
    dot.insert("Subcharts", Value::Map(subcharts.clone()));
    for child in &chart.dependencies {
        let child_path = format!("{full_path}/charts/{}", child.name());
        let child_dot = collect(child, Some(&values), root_values, &child_path, shared, out);
        subcharts.insert(child.name(), Value::Map(child_dot));
    }
    let library = chart.is_library();
    for t in &chart.templates {
        let base = t.name.rsplit('/').next().unwrap_or(&t.name);
        if library && !base.starts_with('_') {
            continue;
        }
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable {
                data: t.data.clone(),
                dot: dot.clone(),
                base_path: format!("{full_path}/templates"),
            },
        );
    }
    dot
}

/// helm's `strings.ReplaceAll(out, "<no value>", "")`, without copying the (possibly
/// megabytes of CRD) text when there is nothing to erase, the usual case.
fn erase_no_value(text: String) -> String {
    const NO_VALUE: &[u8] = b"<no value>";
    if memchr::memmem::find(text.as_bytes(), NO_VALUE).is_none() {
        return text;
    }
    text.replace("<no value>", "")
}

/// Template text below which parsing stays on the calling thread. A helper costs more than
/// its start-up (~50 µs): its own allocator heap, whose first use zeroes a 2 MiB huge page,
/// and parse trees built on the other core. One process per render over the corpus (crypto
/// charts left out), raising this from 24 KiB to 128 KiB took the total from 1069 to
/// 1012 ms (sum of per-render medians, 7 interleaved rounds).
const PARALLEL_PARSE_MIN_BYTES: usize = 128 << 10;

type ParseResult = Result<gotpl::Parsed, gotpl::Error>;

/// The CPUs this process may use (at least 1), asked once: the standard library reads the
/// cgroup quota files on every call.
pub(crate) fn cores() -> usize {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A file's template text: Go keeps bytes that are not UTF-8 (see gotpl::value::go_string).
fn template_text(d: &Data) -> std::borrow::Cow<'_, str> {
    gotpl::value::go_string(d.bytes())
}

/// Files parsed by whichever threads take them: each worker claims the next file (largest
/// first, so no thread is left with a big one at the end) until none is left.
///
/// Files of the same size form one job: the worker parses the first and compares the others'
/// bytes with it, so a file repeated in the chart tree (every bitnami subchart vendors the
/// same `common` library) is parsed once and cloned under its other names (a sixth of the
/// template text of charts such as keycloak or harbor).
struct ParseQueue {
    /// (name, contents), in the order results are wanted.
    files: Vec<(String, Data)>,
    /// The jobs, largest first: each a group of files of one size, first file first.
    jobs: Vec<Vec<usize>>,
    next: std::sync::atomic::AtomicUsize,
    done: std::sync::Mutex<Vec<Option<ParseResult>>>,
}

impl ParseQueue {
    fn new(files: Vec<(String, Data)>) -> ParseQueue {
        // Sizes are known without reading a deferred file; only same-size files are compared.
        // The sort is stable: within a job, files keep their order.
        let mut order: Vec<usize> = (0..files.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(files[i].1.len()));
        let jobs: Vec<Vec<usize>> = order
            .chunk_by(|&a, &b| files[a].1.len() == files[b].1.len())
            .map(<[usize]>::to_vec)
            .collect();
        let done = std::sync::Mutex::new((0..files.len()).map(|_| None).collect());
        ParseQueue {
            files,
            jobs,
            next: std::sync::atomic::AtomicUsize::new(0),
            done,
        }
    }

    fn bytes(&self) -> u64 {
        self.files.iter().map(|(_, d)| d.len()).sum()
    }

    /// Parses files until none is left to claim.
    fn work(&self) {
        loop {
            let k = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some(job) = self.jobs.get(k) else {
                return;
            };
            let (first, data) = &self.files[job[0]];
            let parsed = gotpl::Templates::parse_file(first, &template_text(data));
            let mut results = Vec::with_capacity(job.len());
            for &i in &job[1..] {
                let (name, other) = &self.files[i];
                // A failed parse is redone under the file's own name, for its error's sake.
                let twin = match &parsed {
                    Ok(p) if other.bytes() == data.bytes() => {
                        let mut p = p.clone();
                        p.rename(first, name).then_some(Ok(p))
                    }
                    _ => None,
                };
                let r = twin
                    .unwrap_or_else(|| gotpl::Templates::parse_file(name, &template_text(other)));
                results.push((i, r));
            }
            if let Ok(mut done) = self.done.lock() {
                done[job[0]] = Some(parsed);
                for (i, r) in results {
                    done[i] = Some(r);
                }
            }
        }
    }

    /// Each file with its result, in file order (`None` for a file no worker finished: a
    /// panicked one).
    fn into_results(self) -> Vec<((String, Data), Option<ParseResult>)> {
        let done = self.done.into_inner().unwrap_or_else(|e| e.into_inner());
        self.files.into_iter().zip(done).collect()
    }
}

/// Runs `queue` on `helpers` extra threads and this one; then every file is parsed.
fn run_queue(queue: ParseQueue, helpers: usize) -> Vec<((String, Data), Option<ParseResult>)> {
    std::thread::scope(|s| {
        for _ in 0..helpers {
            // A thread that cannot start leaves its share to the others.
            let _ = std::thread::Builder::new()
                .stack_size(16 << 20)
                .spawn_scoped(s, || queue.work());
        }
        queue.work();
    });
    queue.into_results()
}

/// Parses every file (name, contents) in the order given, with up to four threads when there
/// is enough template text (bitnami's common library alone is ~90 KB); not inside a rayon
/// pool, where `scan` already runs charts in parallel.
fn parse_all(files: Vec<(String, Data)>) -> Vec<ParseResult> {
    let queue = ParseQueue::new(files);
    let helpers = if queue.bytes() < PARALLEL_PARSE_MIN_BYTES as u64
        || rayon::current_thread_index().is_some()
    {
        0
    } else {
        cores().min(4) - 1
    };
    run_queue(queue, helpers)
        .into_iter()
        .map(|((name, data), r)| {
            r.unwrap_or_else(|| gotpl::Templates::parse_file(&name, &template_text(&data)))
        })
        .collect()
}

/// A chart's templates parsed ahead, on a helper thread, while the chart is still being
/// built from its files (see [`crate::chart::load_observed`]): by the time the values are
/// ready most of the parsing is done. Files are parsed under their path in the chart
/// directory and renamed once their template names are known.
pub struct Preparse {
    queue: std::sync::Arc<ParseQueue>,
    helper: std::thread::JoinHandle<()>,
}

impl Preparse {
    /// Starts on the template files among a chart directory's `files`; `None` when there is
    /// too little to parse to pay for a thread, or no thread can start.
    pub fn start(files: &[File]) -> Option<Preparse> {
        let todo: Vec<(String, Data)> = files
            .iter()
            .filter(|f| crate::chart::is_template_path(&f.name))
            .map(|f| (f.name.clone(), f.data.clone()))
            .collect();
        let queue = std::sync::Arc::new(ParseQueue::new(todo));
        if queue.bytes() < PARALLEL_PARSE_MIN_BYTES as u64
            || rayon::current_thread_index().is_some()
        {
            return None;
        }
        let q = std::sync::Arc::clone(&queue);
        let helper = std::thread::Builder::new()
            .name("chartgate-parse".into())
            .stack_size(16 << 20)
            .spawn(move || q.work())
            .ok()?;
        Some(Preparse { queue, helper })
    }

    /// Helps with what is left, waits for the helper, and returns the results by contents
    /// (see [`Data::id`]) with the provisional names.
    fn finish(self) -> std::collections::HashMap<usize, (String, ParseResult)> {
        self.queue.work();
        let _ = self.helper.join();
        let Ok(queue) = std::sync::Arc::try_unwrap(self.queue) else {
            return Default::default();
        };
        queue
            .into_results()
            .into_iter()
            .filter_map(|((name, data), r)| Some((data.id(), (name, r?))))
            .collect()
    }
}

/// Renders every template of the prepared chart tree like helm's engine: all files parsed into
/// one set in `sortTemplates` order, then each non-partial executed in that order with its
/// chart's dot; `<no value>` erased. Returns file name → output (NOTES.txt included; the caller
/// drops it like helm does).
pub fn render(
    prepared: &Prepared,
    opts: &RenderOptions,
) -> Result<BTreeMap<String, String>, RenderError> {
    render_with(prepared, opts, None)
}

/// [`render`], taking the parse of files a [`Preparse`] already did.
pub fn render_with(
    prepared: &Prepared,
    opts: &RenderOptions,
    preparse: Option<Preparse>,
) -> Result<BTreeMap<String, String>, RenderError> {
    let shared = (
        release_value(&opts.release),
        Value::Object(Rc::new(opts.capabilities.clone())),
    );
    let mut tpls = BTreeMap::new();
    let root = &prepared.chart;
    collect(
        root,
        None,
        &prepared.values,
        root.name(),
        &shared,
        &mut tpls,
    );

    let mut names: Vec<String> = tpls.keys().cloned().collect();
    order::sort_templates(&mut names);

    // Files parsed ahead under their directory path take their template name; the rest
    // (and any whose rename Go's rules refuse) are parsed now.
    let mut ahead = preparse.map(Preparse::finish).unwrap_or_default();
    let mut parsed: Vec<Option<ParseResult>> = names
        .iter()
        .map(|n| match ahead.remove(&tpls[n].data.id()) {
            Some((from, Ok(mut p))) => p.rename(&from, n).then_some(Ok(p)),
            _ => None,
        })
        .collect();
    let missing: Vec<(String, Data)> = names
        .iter()
        .zip(&parsed)
        .filter(|(_, p)| p.is_none())
        .map(|(n, _)| (n.clone(), tpls[n].data.clone()))
        .collect();
    let mut fresh = parse_all(missing).into_iter();
    for p in parsed.iter_mut().filter(|p| p.is_none()) {
        *p = fresh.next();
    }
    let mut set = gotpl::Templates::new();
    // Joined in helm's order, so the first error in that order is the one reported.
    for (name, parsed) in names.iter().zip(parsed) {
        let parsed = parsed.unwrap_or_else(|| {
            gotpl::Templates::parse_file(name, &template_text(&tpls[name].data))
        });
        match parsed {
            Ok(p) => set.add_parsed(p),
            Err(e) => {
                return Err(RenderError::Parse {
                    message: cleanup_parse_error(name, &e.to_string()),
                    file: e.name.clone(),
                    line: e.line as usize,
                    col: e.col as usize,
                })
            }
        }
    }

    let run_opts = gotpl::Options {
        seed: opts.seed,
        max_output: opts.max_output,
        lint: opts.lint,
        ..Default::default()
    };
    let mut run = set.run(&run_opts);
    let mut rendered = BTreeMap::new();
    for name in &names {
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let r = &tpls[name];
        let tm = Map::new();
        tm.insert("BasePath", Value::str(&r.base_path));
        tm.insert("Name", Value::str(name));
        r.dot.insert("Template", Value::Map(tm));
        match run.execute(name, &Value::Map(r.dot.clone())) {
            Ok(text) => {
                rendered.insert(name.clone(), erase_no_value(text));
            }
            Err(e) => {
                return Err(RenderError::Exec {
                    message: cleanup_exec_error(name, &e.to_string()),
                    file: e.name.clone(),
                    line: e.line as usize,
                    col: e.col as usize,
                })
            }
        }
    }
    // The parse trees and dots are the bulk of a render's memory.
    crate::oneshot::dispose(run);
    crate::oneshot::dispose(set);
    crate::oneshot::dispose(tpls);
    Ok(rendered)
}

/// helm's `toYAML` text of a value (used by `.Files.AsConfig`/`AsSecrets`); like helm, an
/// encoding failure yields "".
pub(crate) fn yaml_text(v: &Value) -> String {
    gotpl::yaml::to_yaml(v).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Enough text to take the threaded path: results come back in the given order, each
    /// file's own, whichever thread parsed it.
    #[test]
    fn parallel_parse_keeps_order_and_errors() {
        let big = format!(
            "{}{{{{ define \"x\" }}}}{{{{ .a }}}}{{{{ end }}}}",
            "text\n".repeat(8_000)
        );
        let names: Vec<String> = (0..12).map(|i| format!("c/templates/t{i}.yaml")).collect();
        let srcs: Vec<String> = (0..12)
            .map(|i| match i {
                3 => "{{ if }}".to_string(),
                7 => "{{ nosuchfunc 1 }}".to_string(),
                _ => big.replace("\"x\"", &format!("\"x{i}\"")),
            })
            .collect();
        let sources: Vec<(String, Data)> = names
            .iter()
            .zip(&srcs)
            .map(|(n, s)| (n.clone(), Data::new(s.as_bytes().to_vec())))
            .collect();
        assert!(
            sources.iter().map(|(_, s)| s.len()).sum::<u64>() >= PARALLEL_PARSE_MIN_BYTES as u64
        );
        let results = parse_all(sources);
        assert_eq!(results.len(), 12);
        for (i, r) in results.iter().enumerate() {
            match (i, r) {
                (3, Err(e)) => assert!(e.to_string().contains("missing value for if"), "{e}"),
                (7, Err(e)) => assert!(e.to_string().contains("\"nosuchfunc\" not defined"), "{e}"),
                (3 | 7, Ok(_)) => panic!("file {i} should fail"),
                (_, Err(e)) => panic!("file {i}: {e}"),
                (_, Ok(_)) => {}
            }
        }
        let mut set = gotpl::Templates::new();
        for r in results.into_iter().flatten() {
            set.add_parsed(r);
        }
        assert!(set.has("x0") && set.has("x11") && set.has("c/templates/t5.yaml"));
    }

    #[test]
    fn repeated_files_are_parsed_once_under_each_name() {
        let lib = "{{ define \"h\" }}{{ .Values.nope.x }}{{ end }}t: {{ .Template.Name }}\n";
        // Same length as `lib`, other text: parsed on its own.
        let other = lib.replace("nope", "nada");
        let files: Vec<(String, Data)> = [
            ("c/charts/a/templates/_l.tpl", lib),
            ("c/charts/b/templates/_l.tpl", &other),
            ("c/charts/b/charts/d/templates/_l.tpl", lib),
            ("c/templates/x.yaml", "{{ if }}"),
            ("c/templates/y.yaml", "{{ if }}"),
        ]
        .iter()
        .map(|(n, t)| (n.to_string(), Data::new(t.as_bytes().to_vec())))
        .collect();
        let results = parse_all(files);
        let trees = |i: usize| results[i].as_ref().unwrap().trees();
        let (a, b, d) = (trees(0), trees(1), trees(2));
        assert!(
            std::sync::Arc::ptr_eq(&a[0].root, &d[0].root)
                && std::sync::Arc::ptr_eq(&a[1].root, &d[1].root)
        );
        assert!(!std::sync::Arc::ptr_eq(&a[0].root, &b[0].root));
        assert_eq!(
            (d[0].name.as_str(), &*d[0].parse_name, d[1].name.as_str()),
            (
                "c/charts/b/charts/d/templates/_l.tpl",
                "c/charts/b/charts/d/templates/_l.tpl",
                "h"
            )
        );
        assert_eq!(&*d[1].parse_name, "c/charts/b/charts/d/templates/_l.tpl");
        assert_eq!(&*a[1].parse_name, "c/charts/a/templates/_l.tpl");
        // A failed parse is not shared: each file's error names that file.
        for (i, f) in [(3, "x.yaml"), (4, "y.yaml")] {
            let e = results[i].as_ref().unwrap_err().to_string();
            assert!(e.contains(&format!("c/templates/{f}:1")), "{e}");
        }
    }

    /// Two subcharts vendoring the same library file, rendered directly and parsed ahead:
    /// the output and the error name each copy as helm v4.1.4 does (its text, recorded).
    #[test]
    fn repeated_library_files_render_like_helm() {
        use crate::chart::{load_observed, prepare, PrepareOptions};
        let d = std::env::temp_dir().join(format!("chartgate-repeated-{}", std::process::id()));
        for pad in [String::new(), "x".repeat(PARALLEL_PARSE_MIN_BYTES)] {
            let _ = std::fs::remove_dir_all(&d);
            let write = |p: &str, text: &str| {
                let p = d.join(p);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            };
            write("Chart.yaml", "apiVersion: v2\nname: top\nversion: 1.0.0\n");
            write(
                "templates/a.yaml",
                "a: {{ include \"lib.where\" . }}\n{{- if .Values.boom }}{{ include \"lib.fail\" . }}{{ end }}\n",
            );
            for s in ["x", "z"] {
                write(
                    &format!("charts/{s}/Chart.yaml"),
                    &format!("apiVersion: v2\nname: {s}\nversion: 1.0.0\n"),
                );
                write(
                    &format!("charts/{s}/templates/_lib.tpl"),
                    &format!("{{{{- define \"lib.where\" }}}}{{{{ .Template.Name }}}}{{{{ end }}}}\n{{{{- define \"lib.fail\" }}}}{{{{ .Values.nope.x }}}}{{{{ end }}}}\n{{{{/* {pad} */}}}}"),
                );
                write(
                    &format!("charts/{s}/templates/cm.yaml"),
                    "name: {{ .Template.Name }}\nbase: {{ .Template.BasePath }}\n",
                );
            }
            let run = |boom: bool| {
                let mut ahead = None;
                let c = load_observed(&d, &Default::default(), &mut |f| ahead = Preparse::start(f));
                let values = Map::new();
                values.insert("boom", Value::Bool(boom));
                let p = prepare(c.unwrap(), &values, &PrepareOptions::default()).unwrap();
                assert_eq!(ahead.is_some(), !pad.is_empty());
                render_with(&p, &RenderOptions::default(), ahead).map_err(|e| e.to_string())
            };
            let out = run(false).unwrap();
            for s in ["x", "z"] {
                assert_eq!(
                    out[&format!("top/charts/{s}/templates/cm.yaml")],
                    format!(
                        "name: top/charts/{s}/templates/cm.yaml\nbase: top/charts/{s}/templates\n"
                    )
                );
            }
            assert_eq!(out["top/templates/a.yaml"], "a: top/templates/a.yaml\n");
            let e = run(true).unwrap_err();
            assert!(
                e.contains("top/charts/x/templates/_lib.tpl:2:34\n  executing \"lib.fail\" at <.Values.nope.x>:\n    nil pointer evaluating interface {}.x"),
                "{e}"
            );
        }
        let _ = std::fs::remove_dir_all(&d);
    }

    /// Templates parsed ahead under their directory paths render exactly as templates parsed
    /// under their names: a subchart directory named unlike its chart, an aliased copy of
    /// it, a file defining a template named like its directory path, and a parse error.
    #[test]
    fn preparsed_templates_render_like_parsed_ones() {
        use crate::chart::{load_observed, prepare, PrepareOptions};
        let d = std::env::temp_dir().join(format!("chartgate-preparse-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        let write = |p: &str, text: &str| {
            let p = d.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        let pad = format!("{{{{/* {} */}}}}", "x".repeat(PARALLEL_PARSE_MIN_BYTES));
        write(
            "Chart.yaml",
            "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n- name: lib\n  version: 1.0.0\n- name: lib\n  alias: other\n  version: 1.0.0\n",
        );
        write(
            "templates/a.yaml",
            &format!("{pad}a: {{{{ include \"lib.h\" . }}}}\n"),
        );
        write(
            "charts/dir/Chart.yaml",
            "apiVersion: v2\nname: lib\nversion: 1.0.0\n",
        );
        write(
            "charts/dir/templates/b.yaml",
            "{{ define \"lib.h\" }}{{ .Chart.Name }}{{ end }}b: {{ template \"charts/dir/templates/b.yaml\" }}\n{{ define \"charts/dir/templates/b.yaml\" }}{{ .Template.Name }}{{ end }}",
        );
        let render_both = || {
            let mut ahead = None;
            let c = load_observed(&d, &Default::default(), &mut |f| ahead = Preparse::start(f));
            let p = prepare(c.unwrap(), &Map::new(), &PrepareOptions::default()).unwrap();
            assert!(ahead.is_some());
            let opts = RenderOptions::default();
            let with = render_with(&p, &opts, ahead).map_err(|e| e.to_string());
            (with, render(&p, &opts).map_err(|e| e.to_string()))
        };
        let (with, without) = render_both();
        assert_eq!(with, without);
        let out = with.unwrap();
        assert_eq!(out["top/charts/other/templates/b.yaml"], "b: \n");
        assert!(
            out["top/templates/a.yaml"].ends_with("a: top\n"),
            "{:?}",
            out
        );
        write("charts/dir/templates/c.yaml", "{{ if }}");
        let (with, without) = render_both();
        assert_eq!(with, without);
        let e = with.unwrap_err();
        assert!(
            e.contains("/templates/c.yaml:1): missing value for if"),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&d);
    }

    #[test]
    fn error_cleanup_like_helm() {
        assert_eq!(
            cleanup_parse_error(
                "c/templates/a.yaml",
                "template: c/templates/a.yaml:3: function \"foo\" not defined"
            ),
            "parse error at (c/templates/a.yaml:3): function \"foo\" not defined"
        );
        assert_eq!(
            cleanup_exec_error(
                "c/templates/a.yaml",
                "template: c/templates/a.yaml:72:18: executing \"c/templates/a.yaml\" at <fail \"x\">: error calling fail: HELM_ERR_STARTline1\nline2HELM_ERR_END"
            ),
            "execution error at (c/templates/a.yaml:72:18): line1\nline2"
        );
        // Outputs below verified with helm v4.1.4.
        let f = "f/templates/cm.yaml";
        assert_eq!(
            cleanup_exec_error(f, "template: f/templates/cm.yaml:1:10: executing \"f/templates/cm.yaml\" at <.Values.a.b.c>: nil pointer evaluating interface {}.b"),
            "f/templates/cm.yaml:1:10\n  executing \"f/templates/cm.yaml\" at <.Values.a.b.c>:\n    nil pointer evaluating interface {}.b"
        );
        assert_eq!(
            cleanup_exec_error(f, "template: f/templates/cm.yaml:1:3: executing \"f/templates/cm.yaml\" at <include \"nope\" .>: error calling include: template: no template \"nope\" associated with template \"gotpl\""),
            "f/templates/cm.yaml:1:3\n  executing \"f/templates/cm.yaml\" at <include \"nope\" .>:\n    error calling include:\ntemplate: no template \"nope\" associated with template \"gotpl\""
        );
        assert_eq!(
            cleanup_exec_error(f, "template: f/templates/cm.yaml:1:48: executing \"f/templates/cm.yaml\" at <include \"d\" .>: error calling include: template: f/templates/cm.yaml:1:26: executing \"d\" at <.Values.q.w>: nil pointer evaluating interface {}.w"),
            "f/templates/cm.yaml:1:48\n  executing \"f/templates/cm.yaml\" at <include \"d\" .>:\n    error calling include:\nf/templates/cm.yaml:1:26\n  executing \"d\" at <.Values.q.w>:\n    nil pointer evaluating interface {}.w"
        );
        let raw = "template: f/templates/cm.yaml:1:3: executing \"f/templates/cm.yaml\" at <index .Values.list 5>: error calling index: index out of range: 5";
        assert_eq!(cleanup_exec_error(f, raw), raw);
        let tpl = "template: f/templates/cm.yaml:1:3: executing \"f/templates/cm.yaml\" at <tpl \"{{ .Values.q.w }}\" .>: error calling tpl: error during tpl function execution for \"{{ .Values.q.w }}\": template: gotpl:1:10: executing \"gotpl\" at <.Values.q.w>: nil pointer evaluating interface {}.w";
        assert_eq!(cleanup_exec_error(f, tpl), tpl);
    }
}
