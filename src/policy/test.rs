//! `opa test` for our engine: every `test_*` rule in the given modules must evaluate to true.

use regex::Regex;
use regorus::Value as R;
use std::path::Path;

#[derive(Clone, Debug, PartialEq)]
pub struct TestOutcome {
    /// `data.<package>.<test rule>`
    pub name: String,
    pub passed: bool,
    /// Why it failed: undefined/false result or an evaluation error.
    pub detail: Option<String>,
}

/// Runs the tests in `modules` (name, text). With `builtin`, the built-in library is loaded too,
/// so tests can exercise shipped policies.
pub fn run_tests(modules: &[(String, String)], builtin: bool) -> Result<Vec<TestOutcome>, String> {
    let mut engine = regorus::Engine::new();
    super::check::add_extensions(&mut engine)?;
    if builtin {
        for (name, text) in super::builtin::LIBRARY {
            engine
                .add_policy(format!("policies/{name}"), text.to_string())
                .map_err(|e| format!("built-in policy {name}: {e}"))?;
        }
    }
    for (name, text) in modules {
        super::add_module(&mut engine, name, text)?;
    }
    let re = Regex::new(r"(?m)^\s*(test_[A-Za-z0-9_]*)\b").unwrap();
    let mut out = Vec::new();
    for (_, text) in modules {
        let Some(pkg) = super::meta::package(text) else {
            continue;
        };
        let mut seen = std::collections::BTreeSet::new();
        for c in re.captures_iter(text) {
            let rule = c[1].to_string();
            if !seen.insert(rule.clone()) {
                continue;
            }
            let name = format!("data.{pkg}.{rule}");
            let (passed, detail) = match engine.eval_rule(name.clone()) {
                Ok(R::Bool(true)) => (true, None),
                Ok(R::Undefined) => (false, Some("undefined".to_string())),
                Ok(v) => (false, Some(v.to_json_str().unwrap_or_default())),
                Err(e) => (false, Some(e.to_string())),
            };
            out.push(TestOutcome {
                name,
                passed,
                detail,
            });
        }
    }
    Ok(out)
}

/// Reads every .rego file under `dir` (recursively) as (path, text).
pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    super::walk(dir, &mut files)?;
    files
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rego"))
        .map(|f| {
            std::fs::read_to_string(&f)
                .map(|t| (f.display().to_string(), t))
                .map_err(|e| format!("{}: {e}", f.display()))
        })
        .collect()
}
