//! `chartgate rules`, `chartgate explain RULE` and `chartgate policy test DIR`.

use super::Outcome;
use crate::finding::RuleDoc;
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct RulesArgs {
    /// Output format: text or json.
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Include the rules of these policy files or directories.
    #[arg(long = "policy", value_name = "PATH")]
    pub policies: Vec<PathBuf>,
}

#[derive(Args, Debug, Clone)]
pub struct ExplainArgs {
    /// A rule id, e.g. `run-as-non-root` or `secrets/aws-access-key-id`.
    pub rule: String,
}

#[derive(Subcommand, Debug, Clone)]
pub enum PolicyCommand {
    /// Run the `test_*` rules of Rego files, like `opa test`.
    Test(PolicyTestArgs),
}

#[derive(Args, Debug, Clone)]
pub struct PolicyTestArgs {
    /// Directories or files with policies and their tests.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Load the built-in library too (to test policies that import it).
    #[arg(long)]
    pub with_builtin: bool,
}

/// Every rule chartgate can report: lint, built-in policies, secrets.
pub fn all_rules(policies: &[PathBuf]) -> Result<Vec<RuleDoc>, String> {
    let mut rules = crate::lint::rules();
    let set = crate::policy::PolicySet::load(&crate::policy::Options {
        paths: policies.to_vec(),
        ..crate::policy::Options::default()
    })?;
    rules.extend(set.rules());
    let scanner = crate::secrets::Scanner::new(None).map_err(|e| e.to_string())?;
    rules.extend(scanner.rule_docs());
    Ok(rules)
}

pub fn rules(a: &RulesArgs) -> Outcome {
    let rules = match all_rules(&a.policies) {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                code: 2,
                stdout: String::new(),
                stderr: format!("Error: {e}\n"),
            }
        }
    };
    if a.format == "json" {
        return Outcome::ok(serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n");
    }
    let width = rules.iter().map(|r| r.id.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in &rules {
        out.push_str(&format!(
            "{:width$}  {:7}  {:8}  {}\n",
            r.id,
            r.severity.to_string(),
            r.stage.to_string(),
            r.title
        ));
    }
    out.push_str(&format!(
        "\n{} rules. `chartgate explain RULE` for details.\n",
        rules.len()
    ));
    Outcome::ok(out)
}

pub fn explain(a: &ExplainArgs) -> Outcome {
    let rules = match all_rules(&[]) {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                code: 2,
                stdout: String::new(),
                stderr: format!("Error: {e}\n"),
            }
        }
    };
    let Some(r) = rules
        .iter()
        .find(|r| r.id == a.rule || r.id.rsplit('/').next() == Some(&a.rule))
    else {
        return Outcome {
            code: 2,
            stdout: String::new(),
            stderr: format!("Error: unknown rule {:?} (see `chartgate rules`)\n", a.rule),
        };
    };
    let mut out = format!("{}\n{}\n\n", r.id, r.title);
    out.push_str(&format!("stage: {}\nseverity: {}\n", r.stage, r.severity));
    if let Some(s) = r.security_severity {
        out.push_str(&format!("security severity: {s:.1}\n"));
    }
    out.push('\n');
    out.push_str(&r.help);
    out.push('\n');
    if let Some(u) = &r.url {
        out.push_str(&format!("\n{u}\n"));
    }
    Outcome::ok(out)
}

pub fn policy(c: &PolicyCommand) -> Outcome {
    let PolicyCommand::Test(a) = c;
    let mut modules = Vec::new();
    for p in &a.paths {
        match crate::policy::read_tests(p) {
            Ok(m) => modules.extend(m),
            Err(e) => {
                return Outcome {
                    code: 2,
                    stdout: String::new(),
                    stderr: format!("Error: {e}\n"),
                }
            }
        }
    }
    let results = match crate::policy::run_tests(&modules, a.with_builtin) {
        Ok(r) => r,
        Err(e) => {
            return Outcome {
                code: 2,
                stdout: String::new(),
                stderr: format!("Error: {e}\n"),
            }
        }
    };
    let mut out = String::new();
    let failed = results.iter().filter(|r| !r.passed).count();
    for r in &results {
        if r.passed {
            out.push_str(&format!("PASS {}\n", r.name));
        } else {
            out.push_str(&format!(
                "FAIL {}: {}\n",
                r.name,
                r.detail.as_deref().unwrap_or("")
            ));
        }
    }
    out.push_str(&format!(
        "{} passed, {} failed\n",
        results.len() - failed,
        failed
    ));
    Outcome {
        code: if failed > 0 || results.is_empty() {
            1
        } else {
            0
        },
        stdout: out,
        stderr: String::new(),
    }
}
