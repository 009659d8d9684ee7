//! `.chartgate.yaml`: per-repository settings, found by walking up from the scanned path.
//! The editor schema is docs/chartgate.schema.json; keep the two in step.

use crate::finding::{Finding, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub const FILE_NAME: &str = ".chartgate.yaml";

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Lowest severity that fails the gate.
    pub fail_on: Option<String>,
    /// Kubernetes version for `.Capabilities` and schema validation.
    pub kube_version: Option<String>,
    #[serde(default)]
    pub rules: Rules,
    /// Policy files or directories (paths relative to the config file).
    #[serde(default)]
    pub policies: Vec<PathBuf>,
    /// Data files for policies.
    #[serde(default)]
    pub data: Vec<PathBuf>,
    /// A gitleaks-format TOML file replacing the built-in secret rules.
    pub secrets_config: Option<PathBuf>,
    /// Glob patterns (relative to the config file) of paths whose findings are dropped.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Value sets per chart: chart path → list of value-file lists, each one render.
    #[serde(default)]
    pub charts: BTreeMap<String, ChartConfig>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rules {
    /// Rule ids turned off.
    #[serde(default)]
    pub disable: Vec<String>,
    /// Severity overrides per rule id.
    #[serde(default)]
    pub severity: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ChartConfig {
    /// Each entry is one render: the values files applied in order.
    #[serde(default)]
    pub value_sets: Vec<Vec<PathBuf>>,
}

/// The nearest `.chartgate.yaml` at or above `start` that is also at or above the working
/// directory. A config inside a scanned chart below the working directory is ignored: the
/// configuration belongs to whoever runs the gate, and a chart must not switch off its own
/// checks (or point policies and data at files outside it).
pub fn find(start: &Path) -> Option<PathBuf> {
    let cwd = std::env::current_dir().ok()?;
    find_from(start, &cwd)
}

fn find_from(start: &Path, cwd: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(start).ok()?;
    let cwd = std::path::absolute(cwd).ok()?;
    let mut dir = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent()?
    };
    loop {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() && cwd.starts_with(dir) {
            return Some(candidate);
        }
        dir = dir.parent()?;
    }
}

/// Reads and checks a config file; errors name the file.
pub fn load(path: &Path) -> Result<Config, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

pub fn parse(text: &str) -> Result<Config, String> {
    if text.trim().is_empty() {
        return Ok(Config::default());
    }
    // One YAML reader for the whole tool: load as helm would, then hand the tree to serde.
    let v = gotpl::yaml::load(text).map_err(|e| e.to_string())?;
    let json = gotpl::json::to_json(&v)?;
    let c: Config = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    if let Some(s) = &c.fail_on {
        crate::gate::parse_severity(s)?;
    }
    for (rule, s) in &c.rules.severity {
        crate::gate::parse_severity(s).map_err(|e| format!("rules.severity.{rule}: {e}"))?;
    }
    Ok(c)
}

impl Config {
    /// Drops disabled rules' findings and applies severity overrides.
    pub fn apply(&self, findings: &mut Vec<Finding>) {
        findings.retain(|f| !self.rules.disable.iter().any(|r| r == &f.rule));
        for f in findings.iter_mut() {
            if let Some(s) = self.rules.severity.get(&f.rule) {
                if let Ok(sev) = crate::gate::parse_severity(s) {
                    f.severity = sev;
                }
            }
        }
    }

    pub fn fail_on(&self) -> Option<Severity> {
        self.fail_on
            .as_deref()
            .and_then(|s| crate::gate::parse_severity(s).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::testdata::finding;

    #[test]
    fn parses_full_config() {
        let c = parse(
            "fail-on: warning\nkube-version: 1.30.0\nrules:\n  disable: [latest-tag]\n  severity:\n    run-as-non-root: info\npolicies: [policies/]\nexclude: ['charts/legacy/**']\ncharts:\n  charts/web:\n    value-sets:\n      - [ci/a.yaml]\n      - [ci/b.yaml, ci/c.yaml]\n",
        )
        .unwrap();
        assert_eq!(c.fail_on(), Some(Severity::Warning));
        assert_eq!(c.charts["charts/web"].value_sets[1].len(), 2);
        let mut f = vec![
            finding("latest-tag", Severity::Error, "x", 1),
            finding("run-as-non-root", Severity::Error, "x", 2),
        ];
        c.apply(&mut f);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].severity, Severity::Info);
    }

    #[test]
    fn rejects_unknown_keys_and_bad_severity() {
        assert!(parse("fial-on: error\n").unwrap_err().contains("fial-on"));
        assert!(parse("fail-on: fatal\n").is_err());
        assert_eq!(parse("").unwrap(), Config::default());
    }

    #[test]
    fn finds_config_upward() {
        let dir = std::env::temp_dir().join(format!("cg-cfg-{}", std::process::id()));
        let sub = dir.join("charts/web");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(dir.join(FILE_NAME), "fail-on: info\n").unwrap();
        let top = std::path::absolute(dir.join(FILE_NAME)).unwrap();
        assert_eq!(find_from(&sub, &dir).unwrap(), top);
        // A config inside the scanned chart, below the working directory, is not trusted.
        std::fs::write(sub.join(FILE_NAME), "exclude: ['**']\n").unwrap();
        assert_eq!(find_from(&sub, &dir).unwrap(), top);
        // Run from inside the chart, it is the user's own config.
        let inner = std::path::absolute(sub.join(FILE_NAME)).unwrap();
        assert_eq!(find_from(&sub, &sub).unwrap(), inner);
        std::fs::remove_dir_all(dir).ok();
    }
}
