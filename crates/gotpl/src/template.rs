//! The public face of the engine: a template set, run options, a run, and Go-worded errors.

use crate::exec::{Exec, Shared};
use crate::parse::{parse, Tree};
use crate::value::Value;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Parse,
    Exec,
}

/// A template error with its parts kept apart; `Display` gives Go's exact text:
/// - parse: `template: NAME:LINE: MESSAGE`
/// - exec:  `template: NAME:LINE:COL: executing "TEMPLATE" at <CONTEXT>: MESSAGE`
/// - exec without a position (unknown template): `template: MESSAGE`
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    /// The file the failing node was parsed from (Go's `ParseName`).
    pub name: String,
    /// 1-based line; 0 when there is no position.
    pub line: u32,
    /// Byte column as Go counts it (offset from the line start; 0 for parse errors).
    pub col: u32,
    /// The failing node as Go prints it (`.Values.a.b`, `required "x" .Values.y`).
    pub context: String,
    /// The name of the template being executed (a `define` name or the file name).
    pub executing: String,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            ErrorKind::Parse => {
                write!(f, "template: {}:{}: {}", self.name, self.line, self.message)
            }
            ErrorKind::Exec if self.line == 0 => write!(f, "template: {}", self.message),
            ErrorKind::Exec => write!(
                f,
                "template: {}:{}:{}: executing {} at <{}>: {}",
                self.name,
                self.line,
                self.col,
                go_quote(&self.executing),
                self.context,
                self.message
            ),
        }
    }
}

impl std::error::Error for Error {}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x0b' => out.push_str("\\v"),
            '\u{fffd}' => out.push(c),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if is_go_printable(c) => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push('"');
    out
}

/// An approximation of Go's `strconv.IsPrint` good for template text: control, format,
/// separator (except ASCII space) and private-use characters are not printable.
fn is_go_printable(c: char) -> bool {
    if c.is_control() {
        return false;
    }
    let u = c as u32;
    !(matches!(u, 0x80..=0x9f | 0xad | 0x2028 | 0x2029 | 0x200b..=0x200f | 0x202a..=0x202e | 0x2060..=0x206f | 0xfeff | 0xfff9..=0xfffb)
        || (0xe000..=0xf8ff).contains(&u)
        || u >= 0xf0000
        || (c.is_whitespace() && c != ' '))
}

/// Options for one render.
#[derive(Clone, Debug)]
pub struct Options {
    /// Seed for the functions that need randomness (`randAlphaNum`, `uuidv4`, …); `None`
    /// seeds from the clock.
    pub seed: Option<u64>,
    /// Largest output one template execution (or one include) may produce, in bytes; 0 = no cap.
    pub max_output: usize,
    /// The time `now` returns, as (seconds, nanoseconds) since the epoch; `None` = the clock.
    pub now: Option<(i64, u32)>,
    /// Bound on evaluation steps (nodes walked + function calls) per run; 0 = no bound.
    pub max_steps: u64,
    /// Native stack a run may use before nesting fails with Go's "exceeded maximum template
    /// depth" error; 0 = unchecked. The default suits a thread with
    /// [`crate::exec::STACK_BYTES`] (256 MiB) of stack; keep it at least 32 MiB below the
    /// thread's stack size, since one nesting level may itself use a few MiB.
    pub max_stack: usize,
    /// helm's lint mode: `required` and `fail` return "" instead of failing, so the rest of a
    /// chart can be checked when it needs values the scan does not have.
    pub lint: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            seed: None,
            max_output: 64 << 20,
            now: None,
            max_steps: 200_000_000,
            max_stack: 192 << 20,
            lint: false,
        }
    }
}

/// One parsed file (its main tree and its `define`s), not yet part of a set. Cloning shares
/// the trees' nodes; with [`Parsed::rename`] a clone stands for another file with the same
/// text.
#[derive(Clone, Debug)]
pub struct Parsed(Vec<Tree>);

impl Parsed {
    /// The file's own tree, then its `define`s.
    pub fn trees(&self) -> &[Tree] {
        &self.0
    }

    /// The same file under another name, as if parsed as `to` (its own tree renamed, every
    /// tree's file name too): lets a caller parse before it knows a file's final name.
    /// `false`, and nothing changed, when the file defines a template named like either
    /// name (then only parsing under the final name gives Go's answer).
    pub fn rename(&mut self, from: &str, to: &str) -> bool {
        let own = |t: &&Tree| t.name == from && &*t.parse_name == from;
        let mains = self.0.iter().filter(own).count();
        let clash = self
            .0
            .iter()
            .any(|t| (t.name == from || t.name == to) && !own(&t));
        if mains != 1 || clash {
            return false;
        }
        let parse_name: Arc<str> = Arc::from(to);
        for t in &mut self.0 {
            if t.name == from {
                t.name = to.to_string();
            }
            t.parse_name = parse_name.clone();
        }
        true
    }
}

/// A set of parsed templates (Go's `template.Template` with its associated templates).
/// `Send + Sync`; cloning copies only the name table (trees are shared).
#[derive(Clone, Debug)]
pub struct Templates {
    root: Arc<str>,
    trees: HashMap<Arc<str>, Arc<Tree>>,
}

impl Default for Templates {
    fn default() -> Templates {
        Templates::new()
    }
}

impl Templates {
    /// An empty set whose root template is named `gotpl`, as helm names it.
    pub fn new() -> Templates {
        Templates {
            root: Arc::from("gotpl"),
            trees: HashMap::new(),
        }
    }

    /// The root name used in `no template "x" associated with template "gotpl"` and by `tpl`.
    pub fn root_name(&self) -> &str {
        &self.root
    }

    /// Parses one file as template `name`. Its `define`s join the set; a later definition of a
    /// name replaces an earlier one unless the new body is empty (Go's `AddParseTree` rules), so
    /// call this in helm's parse order. On error the set is unchanged.
    pub fn add(&mut self, name: &str, src: &str) -> Result<(), Error> {
        let parsed = Templates::parse_file(name, src)?;
        self.add_parsed(parsed);
        Ok(())
    }

    /// Parses one file on its own, on any thread: parsing does not depend on the set, only
    /// joining it does ([`Templates::add_parsed`], in parse order), so a caller may parse a
    /// chart's files in parallel.
    pub fn parse_file(name: &str, src: &str) -> Result<Parsed, Error> {
        parse(name, src).map(Parsed).map_err(|e| *e)
    }

    /// Joins a parsed file to the set, as [`Templates::add`] does after parsing.
    pub fn add_parsed(&mut self, parsed: Parsed) {
        for t in parsed.0 {
            self.associate(t);
        }
    }

    pub(crate) fn associate(&mut self, t: Tree) {
        if t.is_empty() && self.trees.contains_key(t.name.as_str()) {
            return;
        }
        self.trees.insert(Arc::from(t.name.as_str()), Arc::new(t));
    }

    pub(crate) fn associate_arc(&mut self, t: Arc<Tree>) {
        if t.is_empty() && self.trees.contains_key(t.name.as_str()) {
            return;
        }
        self.trees.insert(Arc::from(t.name.as_str()), t);
    }

    /// An empty set with the same root name.
    pub(crate) fn empty_like(&self) -> Templates {
        Templates {
            root: self.root.clone(),
            trees: HashMap::new(),
        }
    }

    pub fn has(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    /// Every template name in the set (files and defines), unordered.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.trees.keys().map(|k| &**k)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&Arc<Tree>> {
        self.trees.get(name)
    }

    /// Starts a render: one `Run` per chart render holds the rng, include depth counters and
    /// output budget shared by every template it executes.
    pub fn run(&self, opts: &Options) -> Run<'_> {
        Run {
            set: self,
            shared: Shared::new(opts.clone()),
        }
    }
}

/// One render over a template set.
pub struct Run<'a> {
    set: &'a Templates,
    shared: Shared,
}

impl Run<'_> {
    /// Executes template `name` with `data` as dot and `$`. The output is Go's raw output:
    /// missing values print `<no value>`; helm's renderer erases that text afterwards.
    pub fn execute(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        let Some(tree) = self.set.get(name) else {
            return Err(Error {
                kind: ErrorKind::Exec,
                name: String::new(),
                line: 0,
                col: 0,
                context: String::new(),
                executing: name.to_string(),
                message: format!(
                    "no template {} associated with template {}",
                    go_quote(name),
                    go_quote(&self.set.root)
                ),
            });
        };
        self.shared.mark_stack_base();
        let mut ex = Exec::new(self.set, &mut self.shared, tree, data.clone());
        ex.run_tree(tree, data.clone()).map_err(|e| *e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    /// A file parsed under one name and renamed runs and fails exactly as one parsed under
    /// the other; a define named like either name refuses the rename.
    #[test]
    fn renamed_parse_is_the_same_as_parsing_under_the_name() {
        let src = "{{ define \"h\" }}{{ .x.y }}{{ end }}a{{ template \"h\" 1 }}";
        let run = |p: Parsed, name: &str| {
            let mut set = Templates::new();
            set.add_parsed(p);
            set.run(&Options::default())
                .execute(name, &Value::Nil)
                .unwrap_err()
                .to_string()
        };
        let mut p = Templates::parse_file("tmp/x.yaml", src).unwrap();
        assert!(p.rename("tmp/x.yaml", "c/templates/x.yaml"));
        let direct = Templates::parse_file("c/templates/x.yaml", src).unwrap();
        let want = run(direct, "c/templates/x.yaml");
        assert!(want.contains("c/templates/x.yaml:1:"), "{want}");
        assert_eq!(run(p, "c/templates/x.yaml"), want);
        let mut p = Templates::parse_file("a", "{{ define \"b\" }}x{{ end }}").unwrap();
        assert!(!p.rename("a", "b"));
        let mut p = Templates::parse_file("a", "{{ define \"a\" }}x{{ end }}").unwrap();
        assert!(!p.rename("a", "z"));
    }

    #[test]
    fn set_is_send_sync() {
        assert_send_sync::<Templates>();
    }

    fn run_big_stack<F: FnOnce() + Send + 'static>(f: F) {
        std::thread::Builder::new()
            .stack_size(crate::exec::STACK_BYTES)
            .spawn(f)
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn deep_nesting_fits_stack() {
        run_big_stack(|| {
            let mut set = Templates::new();
            set.add(
                "t",
                r#"{{ define "a" }}{{ template "a" . }}{{ end }}{{ template "a" . }}"#,
            )
            .unwrap();
            let e = set
                .run(&Options::default())
                .execute("t", &Value::Nil)
                .unwrap_err();
            assert!(
                e.message.starts_with("exceeded maximum template depth"),
                "{e}"
            );
            let per = crate::exec::stack_probe::per_level();
            eprintln!("template: {per} bytes of stack per level");
            assert!(per * crate::exec::MAX_NEST < Options::default().max_stack);
            let mut set = Templates::new();
            set.add(
                "t",
                r#"{{ define "a" }}{{ include "b" . }}{{ end }}{{ define "b" }}{{ include "a" . }}{{ end }}{{ include "a" . }}"#,
            )
            .unwrap();
            let e = set
                .run(&Options::default())
                .execute("t", &Value::Nil)
                .unwrap_err();
            assert!(
                e.to_string()
                    .contains("rendering template has a nested reference name"),
                "{e}"
            );
            let per = crate::exec::stack_probe::per_level();
            eprintln!("include: {per} bytes of stack per level");
            assert!(per * crate::exec::MAX_NEST < Options::default().max_stack);
        });
    }

    #[test]
    fn stack_budget_stops_runaway_recursion() {
        // 8 MiB thread, 2 MiB budget: a deep mixed recursion must fail cleanly, not abort.
        std::thread::Builder::new()
            .stack_size(8 << 20)
            .spawn(|| {
                let mut set = Templates::new();
                set.add(
                    "t",
                    r#"{{ define "a" }}{{ if 1 }}{{ with . }}{{ (print (include "b" .)) }}{{ end }}{{ end }}{{ end }}{{ define "b" }}{{ template "a" . }}{{ end }}{{ include "a" . }}"#,
                )
                .unwrap();
                let opts = Options {
                    max_stack: 2 << 20,
                    ..Options::default()
                };
                let e = set.run(&opts).execute("t", &Value::Int(1)).unwrap_err();
                assert!(e.to_string().contains("exceeded maximum template depth (100000)"), "{e}");
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn quotes_like_go() {
        assert_eq!(go_quote("a\"b\n\u{1}é"), "\"a\\\"b\\n\\x01é\"");
    }
}

#[cfg(test)]
mod probe {
    use super::*;

    /// Developer probe: renders the cases in $GOTPL_PROBE (a JSON list of sources) against
    /// /tmp/gp/values.json and writes results for comparison with helm (see /tmp/gp/probe.py).
    #[test]
    #[ignore]
    fn probe_cases() {
        let t = std::thread::Builder::new()
            .stack_size(crate::exec::STACK_BYTES)
            .spawn(probe_inner)
            .unwrap();
        t.join().unwrap();
    }

    fn probe_inner() {
        let Ok(path) = std::env::var("GOTPL_PROBE") else {
            return;
        };
        let cases: Vec<String> = serde_json_free_parse(&std::fs::read_to_string(path).unwrap());
        let vals = crate::json::from_json(&std::fs::read_to_string("/tmp/gp/values.json").unwrap())
            .unwrap_or_default();
        let mut outs = Vec::new();
        for c in cases {
            let mut data = std::collections::BTreeMap::new();
            data.insert("Values".to_string(), vals.deep_copy());
            let mut rel = std::collections::BTreeMap::new();
            rel.insert("Name".to_string(), Value::str("r"));
            rel.insert("Namespace".to_string(), Value::str("default"));
            data.insert("Release".to_string(), Value::map(rel));
            let mut t = std::collections::BTreeMap::new();
            t.insert("Name".to_string(), Value::str("c/templates/t.yaml"));
            t.insert("BasePath".to_string(), Value::str("c/templates"));
            data.insert("Template".to_string(), Value::map(t));
            let data = Value::map(data);
            let mut set = Templates::new();
            let r = set.add("c/templates/t.yaml", &c).and_then(|_| {
                set.run(&Options::default())
                    .execute("c/templates/t.yaml", &data)
            });
            outs.push(match r {
                Ok(s) => format!("OK:{s}"),
                Err(e) => {
                    let s = e.to_string();
                    if let (Some(a), Some(b)) = (s.find("HELM_ERR_START"), s.find("HELM_ERR_END")) {
                        format!(
                            "ERR:execution error at ({}:{}:{}): {}",
                            e.name,
                            e.line,
                            e.col,
                            &s[a + 14..b]
                        )
                    } else {
                        format!("ERR:{s}")
                    }
                }
            });
        }
        let json = crate::json::to_json(&Value::list(outs.into_iter().map(Value::from).collect()))
            .unwrap();
        std::fs::write("/tmp/gp/ours.json", json).unwrap();
    }

    fn serde_json_free_parse(s: &str) -> Vec<String> {
        match crate::json::from_json(s) {
            Ok(Value::List(l)) => l
                .items
                .iter()
                .map(|v| v.as_str().unwrap_or("").to_string())
                .collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod bench {
    use super::*;

    /// Parse+execute of a chart-sized set: 30 files, ≈100 KB. Run with
    /// `cargo test --release -p chartgate-gotpl --lib bench_chart -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn bench_chart() {
        let helpers = r#"{{- define "c.name" -}}{{ .Chart.Name }}{{- end }}
{{- define "c.labels" -}}
app.kubernetes.io/name: {{ include "c.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- range $k, $v := .Values.labels }}
{{ $k }}: {{ $v }}
{{- end }}
{{- end }}"#;
        let body = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ printf "%s-%s" .Release.Name (include "c.name" .) }}
  labels:
    {{- include "c.labels" . | print | println }}
spec:
  {{- if not .Values.autoscaling }}
  replicas: {{ .Values.replicas }}
  {{- end }}
  template:
    spec:
      containers:
        {{- range $i, $c := .Values.containers }}
        - name: {{ $c.name }}
          image: "{{ $c.image }}:{{ or $c.tag $.Chart.Version }}"
          {{- with $c.env }}
          env:
            {{- range $k, $v := . }}
            - name: {{ $k }}
              value: {{ $v | print | html }}
            {{- end }}
          {{- end }}
          {{- if and $c.ports (gt (len $c.ports) 0) }}
          ports:
            {{- range $c.ports }}
            - containerPort: {{ . }}
            {{- end }}
          {{- end }}
        {{- end }}
"#;
        let mut files = vec![("c/templates/_helpers.tpl".to_string(), helpers.to_string())];
        for i in 0..29 {
            files.push((format!("c/templates/f{i}.yaml"), body.repeat(4)));
        }
        let total: usize = files.iter().map(|f| f.1.len()).sum();
        let mut vals = std::collections::BTreeMap::new();
        let mut labels = std::collections::BTreeMap::new();
        labels.insert("team".to_string(), Value::str("a"));
        labels.insert("tier".to_string(), Value::str("b"));
        vals.insert("labels".to_string(), Value::map(labels));
        vals.insert("replicas".to_string(), Value::Float(3.0));
        let mut containers = Vec::new();
        for j in 0..4 {
            let mut c = std::collections::BTreeMap::new();
            c.insert("name".to_string(), Value::str(format!("c{j}")));
            c.insert("image".to_string(), Value::str("nginx"));
            let mut env = std::collections::BTreeMap::new();
            for k in 0..5 {
                env.insert(format!("E{k}"), Value::str("v<&>"));
            }
            c.insert("env".to_string(), Value::map(env));
            c.insert(
                "ports".to_string(),
                Value::list(vec![Value::Float(80.0), Value::Float(443.0)]),
            );
            containers.push(Value::map(c));
        }
        vals.insert("containers".to_string(), Value::list(containers));
        let mut top = std::collections::BTreeMap::new();
        top.insert("Values".to_string(), Value::map(vals));
        let mut chart = std::collections::BTreeMap::new();
        chart.insert("Name".to_string(), Value::str("c"));
        chart.insert("Version".to_string(), Value::str("1.0.0"));
        top.insert("Chart".to_string(), Value::map(chart));
        let mut rel = std::collections::BTreeMap::new();
        rel.insert("Name".to_string(), Value::str("r"));
        top.insert("Release".to_string(), Value::map(rel));
        let data = Value::map(top);
        let iters = 200;
        let t0 = std::time::Instant::now();
        for _ in 0..iters {
            let mut set = Templates::new();
            for (n, s) in &files {
                set.add(n, s).unwrap();
            }
        }
        eprintln!("parse only: {:?}", t0.elapsed() / iters);
        let start = std::time::Instant::now();
        let mut out_len = 0;
        for _ in 0..iters {
            let mut set = Templates::new();
            for (n, s) in &files {
                set.add(n, s).unwrap();
            }
            let mut run = set.run(&Options::default());
            for (n, _) in files.iter().skip(1) {
                out_len = run.execute(n, &data).unwrap().len();
            }
        }
        let per = start.elapsed() / iters;
        eprintln!("{} files, {total} bytes of source, {out_len} bytes out per file: {per:?} per parse+execute", files.len());
    }
}
