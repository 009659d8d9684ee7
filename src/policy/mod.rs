//! Rego policies on rendered objects (regorus): the built-in library in policies/, users'
//! conftest-style policies, and Gatekeeper ConstraintTemplates + Constraints run unchanged.
//!
//! Everything is compiled once into one engine; evaluation clones it per rayon worker (cheap:
//! modules are shared behind `Arc`). The built-in library's aggregate rules also run compiled to
//! regorus's bytecode VM (see compiled.rs), about five times faster than the interpreter.

mod builtin;
mod check;
mod compiled;
mod gatekeeper;
mod input;
pub mod meta;
mod test;

use crate::finding::{fingerprint, Finding, Location, ObjectRef, RuleDoc, Severity, Stage};
use meta::Meta;
use rayon::prelude::*;
use regorus::Value as R;
use std::path::{Path, PathBuf};

pub use input::to_rego;
pub use test::{read_dir as read_tests, run_tests, TestOutcome};

/// A rendered (or plain-manifest) object to check, with where it came from.
#[derive(Clone, Debug)]
pub struct Target {
    pub doc: R,
    /// File the object came from (template path for charts), relative to the scan root.
    pub path: String,
    /// First line of the object in that file, when known.
    pub line: Option<u32>,
    pub chart: Option<String>,
    /// The template source, to point field-level findings at the line that sets the field.
    pub src: Option<std::sync::Arc<str>>,
    /// The chart's values, to name the values line behind a field as a related location.
    pub values: Option<std::sync::Arc<crate::lint::locate::ValuesIndex>>,
}

/// Policy targets for every mapping document of a multi-document manifest text (benchmarks,
/// tests; `scan` builds its targets with template locations).
pub fn targets_from_manifests(path: &str, text: &str) -> Vec<Target> {
    crate::render::order::split_manifests(text)
        .iter()
        .filter_map(|piece| gotpl::yaml::load(piece).ok())
        .filter(|v| v.as_map().is_some())
        .map(|v| Target {
            doc: to_rego(&v),
            path: path.to_string(),
            line: None,
            chart: None,
            src: None,
            values: None,
        })
        .collect()
}

/// What to load.
#[derive(Clone, Debug)]
pub struct Options {
    /// The built-in library (policies/ embedded in the binary).
    pub builtin: bool,
    /// .rego files, YAML files of ConstraintTemplates/Constraints, or directories of both.
    pub paths: Vec<PathBuf>,
    /// JSON or YAML data files, merged under `data`.
    pub data: Vec<PathBuf>,
    /// conftest namespaces whose deny/violation/warn rules are evaluated.
    pub namespaces: Vec<String>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            builtin: true,
            paths: vec![],
            data: vec![],
            namespaces: vec!["main".into()],
        }
    }
}

/// One query whose results become findings.
#[derive(Clone, Debug)]
struct Check {
    /// `data.<package>.<rule>`
    query: String,
    id: String,
    severity: Severity,
    meta: Meta,
    /// A built-in per-object policy: evaluated through the by-kind aggregate rules.
    builtin: bool,
}

impl Check {
    /// A built-in chart-scope policy (evaluated through the aggregate chart rule).
    fn builtin_chart(&self) -> bool {
        self.meta.chart_scope && self.query.starts_with("data.chartgate.")
    }
}

/// Kinds with a pod template (lib.k8s.pod_path): what `kinds: [workload]` stands for.
const WORKLOAD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "ReplicationController",
    "CronJob",
];

/// Package of the generated rules that evaluate every built-in policy applicable to one kind in
/// a single evaluation, so lib.k8s helpers (pod spec, containers) are computed once per object
/// instead of once per policy.
const AGGREGATE_PKG: &str = "chartgate_internal.by_kind";

/// The built-in per-object checks that apply to objects of some kinds, as one rule.
#[derive(Clone, Debug, Default)]
struct Group {
    /// `data.chartgate_internal.by_kind.gN`; None when no check applies.
    query: Option<String>,
    /// Indexes into `PolicySet::checks`, ascending.
    members: Vec<usize>,
}

#[derive(Clone)]
pub struct PolicySet {
    engine: regorus::Engine,
    checks: Vec<Check>,
    constraints: Vec<gatekeeper::Constraint>,
    /// Per kind named in some policy's `custom.kinds`: its group.
    groups: std::collections::HashMap<String, Group>,
    /// The group of every other kind (policies without `kinds`).
    other: Group,
    /// The chart-scope built-in checks, as one rule.
    chart_group: Group,
    /// Prepared engines for reuse across `evaluate` calls (one per concurrent job), so a scan
    /// of many small charts does not clone the engine per chart.
    pool: std::sync::Arc<std::sync::Mutex<Vec<regorus::Engine>>>,
    /// The aggregate rules compiled to bytecode (None: the compiler lacks some construct).
    compiled: Option<std::sync::Arc<compiled::Compiled>>,
}

fn load_err(path: &Path, e: impl std::fmt::Display) -> String {
    format!("{}: {e}", path.display())
}

/// Files under `p` (recursively, sorted for a stable load order).
fn walk(p: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let md = std::fs::metadata(p).map_err(|e| load_err(p, e))?;
    if md.is_file() {
        out.push(p.to_path_buf());
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
        .map_err(|e| load_err(p, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        let name = e.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        if e.is_dir() {
            walk(&e, out)?;
        } else if name.ends_with(".rego") || name.ends_with(".yaml") || name.ends_with(".yml") {
            out.push(e);
        }
    }
    Ok(())
}

impl PolicySet {
    pub fn load(opts: &Options) -> Result<PolicySet, String> {
        let mut engine = regorus::Engine::new();
        engine.set_strict_builtin_errors(false);
        check::add_extensions(&mut engine)?;
        let mut checks = Vec::new();
        let mut sources: Vec<(String, String)> = Vec::new();
        if opts.builtin {
            for (name, text) in builtin::LIBRARY {
                engine
                    .add_policy(format!("policies/{name}"), text.to_string())
                    .map_err(|e| format!("built-in policy {name}: {e}"))?;
                sources.push((name.to_string(), text.to_string()));
                if let Some(pkg) = meta::package(text).filter(|p| p.starts_with("chartgate.")) {
                    let m = meta::parse(name, text)?;
                    checks.push(Check {
                        query: format!("data.{pkg}.deny"),
                        id: m.id.clone().unwrap_or_else(|| pkg.clone()),
                        severity: m.severity.unwrap_or(Severity::Warning),
                        builtin: !m.chart_scope,
                        meta: m,
                    });
                }
            }
        }
        let mut files = Vec::new();
        for p in &opts.paths {
            walk(p, &mut files)?;
        }
        let mut templates = Vec::new();
        let mut constraint_docs = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).map_err(|e| load_err(f, e))?;
            let name = f.display().to_string();
            if name.ends_with(".rego") {
                if name.ends_with("_test.rego") {
                    // Tests are for `chartgate policy test`, not for scans.
                    continue;
                }
                add_module(&mut engine, &name, &text)?;
                checks.extend(user_checks(&name, &text, &opts.namespaces)?);
                sources.push((name, text));
            } else {
                let (t, c) = gatekeeper::read_yaml(f, &text)?;
                templates.extend(t);
                constraint_docs.extend(c);
            }
        }
        for t in &templates {
            for (i, lib) in t.libs.iter().enumerate() {
                add_module(&mut engine, &format!("{}#lib{i}", t.file), lib)?;
                sources.push((t.file.clone(), lib.clone()));
            }
            add_module(&mut engine, &t.file, &t.rego)?;
            sources.push((t.file.clone(), t.rego.clone()));
        }
        let constraints = gatekeeper::bind(&templates, constraint_docs)?;
        for d in &opts.data {
            let text = std::fs::read_to_string(d).map_err(|e| load_err(d, e))?;
            let v = gotpl::yaml::load(&text).map_err(|e| load_err(d, e))?;
            engine.add_data(to_rego(&v)).map_err(|e| load_err(d, e))?;
        }
        check::builtins_exist(&mut engine, &sources)?;
        let (groups, other, chart_group, module) = aggregate(&checks);
        if !module.is_empty() {
            engine
                .add_policy("chartgate-internal/by_kind.rego".into(), module)
                .map_err(|e| format!("aggregate rules: {e}"))?;
        }
        // Analyse and schedule the modules once here, not in every clone.
        if let Some(q) = other
            .query
            .as_ref()
            .or_else(|| groups.values().find_map(|g| g.query.as_ref()))
            .or_else(|| checks.first().map(|c| &c.query))
        {
            let _ = engine.eval_rule(q.clone());
        }
        let entry_points: Vec<String> = groups
            .values()
            .chain([&other, &chart_group])
            .filter_map(|g| g.query.clone())
            .collect();
        let compiled = compiled::Compiled::new(&mut engine.clone(), &entry_points).map(Into::into);
        Ok(PolicySet {
            engine,
            checks,
            constraints,
            groups,
            other,
            chart_group,
            pool: Default::default(),
            compiled,
        })
    }

    /// Evaluates the built-in library with the interpreter only (to compare the two paths).
    pub fn interpreted(mut self) -> PolicySet {
        self.compiled = None;
        self
    }

    /// Whether the built-in library runs compiled (bytecode VM).
    pub fn is_compiled(&self) -> bool {
        self.compiled.is_some()
    }

    /// Evaluates a by-kind aggregate rule on `input` (already set on `eng`): compiled when
    /// possible, else (or when the VM fails) interpreted.
    fn eval_group(&self, eng: &mut regorus::Engine, query: &str, input: &R) -> Result<R, String> {
        if let Some(c) = &self.compiled {
            if let Ok(v) = c.eval(query, input.clone()) {
                return Ok(v);
            }
        }
        eng.eval_rule(query.to_string()).map_err(|e| e.to_string())
    }

    /// A prepared engine from the pool (or a clone of the loaded one).
    fn take_engine(&self) -> regorus::Engine {
        self.pool
            .lock()
            .ok()
            .and_then(|mut p| p.pop())
            .unwrap_or_else(|| self.engine.clone())
    }

    fn put_engine(&self, e: regorus::Engine) {
        if let Ok(mut p) = self.pool.lock() {
            if p.len() < 64 {
                p.push(e);
            }
        }
    }

    /// The group of built-in checks that can fire on objects of `kind`.
    fn group(&self, kind: &str) -> &Group {
        self.groups.get(kind).unwrap_or(&self.other)
    }

    /// Documentation of every rule this set can report.
    pub fn rules(&self) -> Vec<RuleDoc> {
        let mut docs: Vec<RuleDoc> = self
            .checks
            .iter()
            .map(|c| RuleDoc {
                id: c.id.clone(),
                stage: Stage::Policy,
                severity: c.severity,
                title: c.meta.title.clone().unwrap_or_else(|| c.id.clone()),
                help: help_text(&c.meta),
                url: c.meta.url.clone(),
                tags: vec!["kubernetes".into()],
                security_severity: c.meta.security_severity,
            })
            .collect();
        docs.push(RuleDoc {
            id: EVAL_ERROR.into(),
            stage: Stage::Policy,
            severity: Severity::Warning,
            title: "Policy failed to evaluate".into(),
            help: "A policy raised an error on an object instead of a verdict, so the object was not checked by it. Fix the policy (often: iterating a field that may be null).".into(),
            url: None,
            tags: vec![],
            security_severity: None,
        });
        for k in &self.constraints {
            docs.push(RuleDoc {
                id: k.id(),
                stage: Stage::Policy,
                severity: k.severity(),
                title: format!("Gatekeeper constraint {}", k.id()),
                help: format!(
                    "Violations of the {} ConstraintTemplate, as Gatekeeper would deny them at admission.",
                    k.kind
                ),
                url: None,
                tags: vec!["gatekeeper".into()],
                security_severity: None,
            });
        }
        docs
    }

    /// The suppression equivalents of a rule id (from its metadata).
    pub fn equivalents(&self, rule: &str) -> crate::suppress::Equivalents {
        self.checks
            .iter()
            .find(|c| c.id == rule)
            .map(|c| c.meta.suppress_equivalents())
            .unwrap_or_default()
    }

    /// Evaluates every check on every target. `namespace` is the release namespace objects
    /// without one are deployed to; `inventory` fills Gatekeeper's `data.inventory`.
    pub fn evaluate(&self, targets: &[Target], namespace: &str) -> Result<Vec<Finding>, String> {
        if self.constraints.is_empty() {
            return self.evaluate_pooled(targets, namespace);
        }
        // Gatekeeper's data.inventory is per call: a fresh engine with that data.
        let mut engine = self.engine.clone();
        engine
            .add_data(gatekeeper::inventory(targets, namespace))
            .map_err(|e| format!("inventory: {e}"))?;
        let chart_findings = self.eval_chart_checks(&mut engine, targets, namespace);
        let ns_labels = gatekeeper::namespace_labels(targets);
        let per: Vec<Result<Vec<Finding>, String>> = targets
            .par_iter()
            .map_init(
                || engine.clone(),
                |eng, t| {
                    let mut out = self.eval_checks(eng, t)?;
                    for k in &self.constraints {
                        match k.evaluate(eng, t, namespace, &ns_labels) {
                            Ok(f) => out.extend(f),
                            Err(e) => out.push(eval_error(&k.id(), t, &e)),
                        }
                    }
                    Ok(out)
                },
            )
            .collect();
        let mut all = Vec::new();
        for r in per {
            all.extend(r?);
        }
        all.extend(chart_findings);
        Ok(all)
    }

    /// No per-call data: engines come from the pool, one per chunk of objects.
    fn evaluate_pooled(&self, targets: &[Target], namespace: &str) -> Result<Vec<Finding>, String> {
        let mut eng = self.take_engine();
        let chart_findings = self.eval_chart_checks(&mut eng, targets, namespace);
        self.put_engine(eng);
        let per: Vec<Result<Vec<Finding>, String>> = targets
            .par_chunks(8)
            .map(|chunk| {
                let mut eng = self.take_engine();
                let mut out = Vec::new();
                for t in chunk {
                    match self.eval_checks(&mut eng, t) {
                        Ok(f) => out.extend(f),
                        Err(e) => {
                            self.put_engine(eng);
                            return Err(e);
                        }
                    }
                }
                self.put_engine(eng);
                Ok(out)
            })
            .collect();
        let mut all = Vec::new();
        for r in per {
            all.extend(r?);
        }
        all.extend(chart_findings);
        Ok(all)
    }

    fn eval_checks(&self, eng: &mut regorus::Engine, t: &Target) -> Result<Vec<Finding>, String> {
        if self.checks.is_empty() {
            return Ok(vec![]);
        }
        eng.set_input(t.doc.clone());
        let mut out = Vec::new();
        let kind = match &t.doc["kind"] {
            R::String(s) => s.to_string(),
            _ => String::new(),
        };
        let group = self.group(&kind);
        if let Some(q) = &group.query {
            match self.eval_group(eng, q, &t.doc) {
                Ok(v) => {
                    for item in results(&v) {
                        if let R::Array(a) = &item {
                            if let (Some(i), Some(res)) = (a.first(), a.get(1)) {
                                if let Some(c) =
                                    i.as_u64().ok().and_then(|i| self.checks.get(i as usize))
                                {
                                    out.push(finding(c, t, res));
                                }
                            }
                        }
                    }
                }
                // Some policy failed on this object: evaluate them one by one so only that
                // policy's verdict is replaced by an error finding.
                Err(_) => {
                    for &i in &group.members {
                        self.eval_one(eng, &self.checks[i], t, &mut out);
                    }
                }
            }
        }
        for c in self
            .checks
            .iter()
            .filter(|c| !c.builtin && !c.meta.chart_scope)
        {
            self.eval_one(eng, c, t, &mut out);
        }
        Ok(out)
    }

    fn eval_one(&self, eng: &mut regorus::Engine, c: &Check, t: &Target, out: &mut Vec<Finding>) {
        match eng.eval_rule(c.query.clone()) {
            Ok(v) => out.extend(results(&v).iter().map(|item| finding(c, t, item))),
            // One object a policy can't evaluate must not hide the other objects' results.
            Err(e) => out.push(eval_error(&c.id, t, &e.to_string())),
        }
    }

    /// Chart-scope policies (`custom.scope: chart`) see every object at once:
    /// `input.objects` (in order) and `input.namespace` (the release namespace). Each violation
    /// names the object it concerns with `"object": <index>`.
    fn eval_chart_checks(
        &self,
        eng: &mut regorus::Engine,
        targets: &[Target],
        namespace: &str,
    ) -> Vec<Finding> {
        let mut out = Vec::new();
        let chart_checks: Vec<&Check> = self.checks.iter().filter(|c| c.meta.chart_scope).collect();
        if chart_checks.is_empty() || targets.is_empty() {
            return out;
        }
        let mut input = std::collections::BTreeMap::new();
        input.insert(
            R::from("objects"),
            R::from(targets.iter().map(|t| t.doc.clone()).collect::<Vec<_>>()),
        );
        input.insert(R::from("namespace"), R::from(namespace));
        let input = R::from(input);
        eng.set_input(input.clone());
        let target_of = |item: &R| {
            item["object"]
                .as_u64()
                .ok()
                .and_then(|i| targets.get(i as usize))
                .unwrap_or(&targets[0])
        };
        let mut user_checks: Vec<&Check> = if self.chart_group.query.is_some() {
            chart_checks
                .iter()
                .copied()
                .filter(|c| !c.builtin_chart())
                .collect()
        } else {
            chart_checks.clone()
        };
        if let Some(q) = &self.chart_group.query {
            match self.eval_group(eng, q, &input) {
                Ok(v) => {
                    for item in results(&v) {
                        if let R::Array(a) = &item {
                            if let (Some(i), Some(res)) = (a.first(), a.get(1)) {
                                if let Some(c) =
                                    i.as_u64().ok().and_then(|i| self.checks.get(i as usize))
                                {
                                    out.push(finding(c, target_of(res), res));
                                }
                            }
                        }
                    }
                }
                // Evaluate one by one to pin the error on the policy that raised it.
                Err(_) => user_checks = chart_checks,
            }
        }
        for c in user_checks {
            match eng.eval_rule(c.query.clone()) {
                Ok(v) => {
                    for item in results(&v) {
                        out.push(finding(c, target_of(&item), &item));
                    }
                }
                Err(e) => out.push(eval_error(&c.id, &targets[0], &e.to_string())),
            }
        }
        out
    }
}

/// Builds the by-kind aggregate module: for each kind some built-in policy names in
/// `custom.kinds`, one partial-set rule collecting `[check index, violation]` from every
/// built-in policy that applies to that kind; one more rule for all other kinds.
type Aggregate = (
    std::collections::HashMap<String, Group>,
    Group,
    Group,
    String,
);

fn aggregate(checks: &[Check]) -> Aggregate {
    let expand = |k: &str| -> Vec<String> {
        if k == "workload" {
            WORKLOAD_KINDS.iter().map(|s| s.to_string()).collect()
        } else {
            vec![k.to_string()]
        }
    };
    let builtin: Vec<(usize, Vec<String>)> = checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.builtin)
        .map(|(i, c)| (i, c.meta.kinds.iter().flat_map(|k| expand(k)).collect()))
        .collect();
    let mut kinds: Vec<String> = builtin.iter().flat_map(|(_, k)| k.clone()).collect();
    kinds.sort();
    kinds.dedup();
    let mut module = String::new();
    let mut n = 0;
    let mut make = |members: Vec<usize>, module: &mut String| -> Group {
        if members.is_empty() {
            return Group::default();
        }
        if module.is_empty() {
            module.push_str(&format!("package {AGGREGATE_PKG}\n\nimport rego.v1\n"));
        }
        let rule = format!("g{n}");
        n += 1;
        for &i in &members {
            module.push_str(&format!(
                "\n{rule} contains [{i}, x] if {{\n\tsome x in {}\n}}\n",
                checks[i].query
            ));
        }
        Group {
            query: Some(format!("data.{AGGREGATE_PKG}.{rule}")),
            members,
        }
    };
    let mut groups = std::collections::HashMap::new();
    for k in kinds {
        let members: Vec<usize> = builtin
            .iter()
            .filter(|(_, ks)| ks.is_empty() || ks.contains(&k))
            .map(|(i, _)| *i)
            .collect();
        groups.insert(k, make(members, &mut module));
    }
    let members: Vec<usize> = builtin
        .iter()
        .filter(|(_, ks)| ks.is_empty())
        .map(|(i, _)| *i)
        .collect();
    let other = make(members, &mut module);
    let chart: Vec<usize> = checks
        .iter()
        .enumerate()
        .filter(|(_, c)| c.builtin_chart())
        .map(|(i, _)| i)
        .collect();
    let chart = make(chart, &mut module);
    (groups, other, chart, module)
}

fn add_module(engine: &mut regorus::Engine, name: &str, text: &str) -> Result<(), String> {
    // rego.v1 modules and v0 modules (Gatekeeper's) share one engine: try v1, then v0.
    engine.set_rego_v0(false);
    if engine
        .add_policy(name.to_string(), text.to_string())
        .is_ok()
    {
        return Ok(());
    }
    engine.set_rego_v0(true);
    let r = engine.add_policy(name.to_string(), text.to_string());
    engine.set_rego_v0(false);
    r.map(|_| ()).map_err(|e| format!("{name}: {e}"))
}

/// conftest's convention: `deny`, `violation` (errors) and `warn` (warnings) in the namespaces.
fn user_checks(file: &str, text: &str, namespaces: &[String]) -> Result<Vec<Check>, String> {
    let Some(pkg) = meta::package(text) else {
        return Ok(vec![]);
    };
    if !namespaces.contains(&pkg) {
        return Ok(vec![]);
    }
    let m = meta::parse(file, text)?;
    let mut out = Vec::new();
    for (rule, sev) in [
        ("deny", Severity::Error),
        ("violation", Severity::Error),
        ("warn", Severity::Warning),
    ] {
        let defined = text.lines().any(|l| {
            let l = l.trim_start();
            l.strip_prefix(rule).is_some_and(|rest| {
                rest.starts_with([' ', '[', '{', '\t', '=', ':']) || rest.is_empty()
            })
        });
        if defined {
            out.push(Check {
                query: format!("data.{pkg}.{rule}"),
                id: m.id.clone().unwrap_or_else(|| format!("{pkg}.{rule}")),
                severity: m.severity.unwrap_or(sev),
                meta: m.clone(),
                builtin: false,
            });
        }
    }
    Ok(out)
}

fn help_text(m: &Meta) -> String {
    let mut h = String::new();
    if let Some(d) = &m.description {
        h.push_str(d.trim());
    }
    if let Some(r) = &m.remediation {
        if !h.is_empty() {
            h.push_str("\n\n");
        }
        h.push_str("**Fix:** ");
        h.push_str(r.trim());
    }
    let eq: Vec<String> = m
        .equivalents
        .iter()
        .filter(|(_, ids)| !ids.is_empty())
        .map(|(t, ids)| format!("{t}: {}", ids.join(", ")))
        .collect();
    if !eq.is_empty() {
        h.push_str("\n\nSame check elsewhere: ");
        h.push_str(&eq.join("; "));
    }
    h
}

/// The members of a rule's result: a set (partial rule), an array, or one value.
fn results(v: &R) -> Vec<R> {
    match v {
        R::Set(s) => s.iter().cloned().collect(),
        R::Array(a) => a.iter().cloned().collect(),
        R::Undefined | R::Null | R::Bool(false) => vec![],
        other => vec![other.clone()],
    }
}

/// A violation's message: a string, or an object with `msg`.
fn message(item: &R) -> String {
    match item {
        R::String(s) => s.to_string(),
        R::Object(_) => input::str_field(item, "msg").unwrap_or_else(|| {
            item.to_json_str()
                .unwrap_or_else(|_| "policy violation".to_string())
        }),
        other => other.to_json_str().unwrap_or_default(),
    }
}

fn object_ref(doc: &R) -> ObjectRef {
    let meta = &doc["metadata"];
    ObjectRef {
        api_version: input::str_field(doc, "apiVersion").unwrap_or_default(),
        kind: input::str_field(doc, "kind").unwrap_or_default(),
        name: input::str_field(meta, "name").unwrap_or_default(),
        namespace: input::str_field(meta, "namespace"),
    }
}

fn finding_at(
    id: &str,
    severity: Severity,
    meta: &Meta,
    t: &Target,
    msg: String,
    sub: &str,
) -> Finding {
    let obj = object_ref(&t.doc);
    Finding {
        rule: id.to_string(),
        stage: Stage::Policy,
        severity,
        security_severity: meta.security_severity,
        help: help_text(meta),
        url: meta.url.clone(),
        location: Some(Location {
            path: t.path.clone(),
            line: t.line,
            ..Location::default()
        }),
        related: vec![],
        fingerprint: fingerprint(&[id, &t.path, &obj.kind, &obj.name, sub, &msg]),
        object: Some(obj),
        chart: t.chart.clone(),
        suppressed: None,
        message: msg,
    }
}

/// The rule id of a policy that failed to evaluate on an object.
pub const EVAL_ERROR: &str = "policy/evaluation-error";

fn eval_error(id: &str, t: &Target, err: &str) -> Finding {
    let meta = Meta {
        description: Some(
            "A policy raised an error on this object instead of a verdict, so the object was not checked by it. Fix the policy (often: iterating a field that may be null) or report the bug if it is a built-in policy."
                .into(),
        ),
        ..Meta::default()
    };
    let first = err
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(err)
        .trim();
    finding_at(
        EVAL_ERROR,
        Severity::Warning,
        &meta,
        t,
        format!("policy {id} failed: {first}"),
        id,
    )
}

fn finding(c: &Check, t: &Target, item: &R) -> Finding {
    let segs: Vec<String> = match &item["path"] {
        R::Array(a) => a
            .iter()
            .map(|p| match p {
                R::String(s) => s.to_string(),
                other => other.to_json_str().unwrap_or_default(),
            })
            .collect(),
        _ => vec![],
    };
    let mut f = finding_at(
        &c.id,
        c.severity,
        &c.meta,
        t,
        message(item),
        &segs.join("."),
    );
    if let (Some(src), Some(loc)) = (&t.src, f.location.as_mut()) {
        if let Some(line) = crate::lint::locate::field_line(src, t.line.unwrap_or(1), &segs) {
            loc.line = Some(line);
        }
    }
    let field_at = f.location.as_ref().and_then(|l| l.line).unwrap_or(1);
    let values_line = match (&t.values, &t.src) {
        (Some(v), Some(src)) => v.find(&segs, src, field_at),
        _ => None,
    };
    if let Some((line, column)) = values_line {
        let file = t
            .values
            .as_ref()
            .map(|v| v.file.clone())
            .unwrap_or_default();
        f.related.push(crate::finding::Related {
            label: "value set here".into(),
            location: Location {
                path: file,
                line: Some(line),
                column: Some(column),
                ..Location::default()
            },
        });
    }
    f
}

#[cfg(test)]
mod tests;
