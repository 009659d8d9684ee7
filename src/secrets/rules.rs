//! Secret rules: a gitleaks-compatible TOML config (rules with `id`, `description`, `regex`,
//! `secretGroup`, `entropy`, `keywords`, `path`, `allowlists`/`allowlist`, global allowlists,
//! `[extend]`), compiled once into byte regexes.
//!
//! chartgate-only keys (gitleaks ignores unknown keys, so a chartgate file stays a valid gitleaks
//! file): `severity`, `securitySeverity`, `validate`, `help`.

use crate::finding::Severity;
use regex::bytes::{Regex, RegexBuilder};
use serde::Deserialize;
use std::collections::HashSet;
use std::fmt;
use std::path::Path;

/// Our built-in rule set, embedded so the binary needs no files at run time.
pub const BUILTIN_RULES: &str = include_str!("../../rules/secrets.toml");

/// A configuration error (unreadable file, bad TOML, bad regex), with the rule id when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawConfig {
    #[serde(default)]
    extend: Option<RawExtend>,
    #[serde(default)]
    rules: Vec<RawRule>,
    /// gitleaks < 8.25: one global allowlist table.
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
    /// gitleaks >= 8.25: an array of global allowlists (optionally scoped with `targetRules`).
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawExtend {
    #[serde(default)]
    use_default: bool,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    disabled_rules: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawRule {
    id: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    regex: Option<String>,
    #[serde(default)]
    secret_group: Option<usize>,
    #[serde(default)]
    entropy: Option<f64>,
    #[serde(default)]
    keywords: Vec<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    allowlist: Option<RawAllowlist>,
    #[serde(default)]
    allowlists: Vec<RawAllowlist>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    security_severity: Option<f32>,
    #[serde(default)]
    validate: Option<String>,
    #[serde(default)]
    help: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawAllowlist {
    #[serde(default)]
    description: String,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    regex_target: Option<String>,
    #[serde(default)]
    regexes: Vec<String>,
    #[serde(default)]
    paths: Vec<String>,
    #[serde(default)]
    stopwords: Vec<String>,
    #[serde(default)]
    commits: Vec<String>,
    #[serde(default)]
    target_rules: Vec<String>,
}

/// What an allowlist regex is matched against.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Secret,
    Match,
    Line,
}

/// A compiled allowlist. Matching follows gitleaks: with `condition = "OR"` (default) any
/// criterion suffices; with `"AND"` every criterion that is set must match. `commits` never
/// match (chartgate scans files, not git history).
#[derive(Debug)]
pub struct Allowlist {
    pub description: String,
    pub and: bool,
    pub target: Target,
    pub regexes: Vec<Regex>,
    pub paths: Vec<Regex>,
    /// Lower-cased; a stopword anywhere in the lower-cased secret allows it.
    pub stopwords: Vec<String>,
    pub has_commits: bool,
    /// Global allowlists only: restrict to these rule ids (empty = all rules).
    pub target_rules: Vec<String>,
}

/// The parts of a candidate an allowlist can look at.
pub struct Candidate<'a> {
    pub path: &'a str,
    pub secret: &'a [u8],
    pub matched: &'a [u8],
    pub line: &'a [u8],
}

impl Allowlist {
    pub fn allows(&self, c: &Candidate<'_>) -> bool {
        let target = match self.target {
            Target::Secret => c.secret,
            Target::Match => c.matched,
            Target::Line => c.line,
        };
        let path_hit = (!self.paths.is_empty())
            .then(|| self.paths.iter().any(|r| r.is_match(c.path.as_bytes())));
        let regex_hit =
            (!self.regexes.is_empty()).then(|| self.regexes.iter().any(|r| r.is_match(target)));
        let stop_hit = (!self.stopwords.is_empty()).then(|| {
            let lower = c.secret.to_ascii_lowercase();
            self.stopwords
                .iter()
                .any(|w| contains(&lower, w.as_bytes()))
        });
        let commit_hit = self.has_commits.then_some(false);
        let parts = [path_hit, regex_hit, stop_hit, commit_hit];
        let set: Vec<bool> = parts.into_iter().flatten().collect();
        if set.is_empty() {
            return false;
        }
        if self.and {
            set.iter().all(|b| *b)
        } else {
            set.iter().any(|b| *b)
        }
    }

    /// True when only the path matters (so a whole file can be skipped before scanning).
    pub fn path_only(&self) -> bool {
        !self.paths.is_empty()
            && (self.regexes.is_empty() && self.stopwords.is_empty() || !self.and)
            && self.target_rules.is_empty()
    }
}

pub(crate) fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// Extra checks a rule can ask for (`validate = "…"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validator {
    /// The secret is base64 of `user:password` with a real password (docker config `auth`).
    Base64UserPass,
}

#[derive(Debug)]
pub struct Rule {
    pub id: String,
    pub description: String,
    pub regex: Option<Regex>,
    /// 0 = gitleaks' default: the first non-empty capture group, else the whole match.
    pub secret_group: usize,
    pub entropy: Option<f64>,
    /// Lower-cased.
    pub keywords: Vec<String>,
    pub path: Option<Regex>,
    pub allowlists: Vec<Allowlist>,
    pub severity: Severity,
    pub security_severity: Option<f32>,
    pub tags: Vec<String>,
    pub validate: Option<Validator>,
    pub help: Option<String>,
}

impl Rule {
    /// Generic (keyword-context) rules: lowest trust, extra heuristics apply.
    pub fn is_generic(&self) -> bool {
        self.tags.iter().any(|t| t == "generic") || self.id.starts_with("generic")
    }
}

#[derive(Debug, Default)]
pub struct Config {
    pub rules: Vec<Rule>,
    pub global: Vec<Allowlist>,
}

/// Regexes are compiled as byte regexes with Unicode off (ASCII `\w`, `\b`, case folding, like Go's
/// RE2 defaults) so the lazy DFA handles them; patterns that need Unicode fall back to Unicode mode.
pub(crate) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    let build = |unicode: bool| {
        RegexBuilder::new(pattern)
            .unicode(unicode)
            .size_limit(64 << 20)
            .dfa_size_limit(16 << 20)
            .build()
    };
    build(false).or_else(|_| build(true))
}

fn compile_allowlist(raw: &RawAllowlist, what: &str) -> Result<Allowlist, Error> {
    let re =
        |p: &String| compile(p).map_err(|e| Error(format!("{what}: allowlist regex {p:?}: {e}")));
    let target = match raw.regex_target.as_deref().unwrap_or("secret") {
        "secret" | "" => Target::Secret,
        "match" => Target::Match,
        "line" => Target::Line,
        other => return Err(Error(format!("{what}: unknown regexTarget {other:?}"))),
    };
    let and = match raw
        .condition
        .as_deref()
        .unwrap_or("OR")
        .to_ascii_uppercase()
        .as_str()
    {
        "OR" | "" => false,
        "AND" => true,
        other => {
            return Err(Error(format!(
                "{what}: unknown allowlist condition {other:?}"
            )))
        }
    };
    Ok(Allowlist {
        description: raw.description.clone(),
        and,
        target,
        regexes: raw.regexes.iter().map(re).collect::<Result<_, _>>()?,
        paths: raw.paths.iter().map(re).collect::<Result<_, _>>()?,
        stopwords: raw
            .stopwords
            .iter()
            .map(|s| s.to_ascii_lowercase())
            .collect(),
        has_commits: !raw.commits.is_empty(),
        target_rules: raw.target_rules.clone(),
    })
}

fn compile_rule(raw: &RawRule) -> Result<Rule, Error> {
    let what = format!("rule {:?}", raw.id);
    if raw.id.trim().is_empty() {
        return Err(Error("a rule has an empty id".into()));
    }
    let regex = match raw.regex.as_deref() {
        Some(p) if !p.is_empty() => {
            Some(compile(p).map_err(|e| Error(format!("{what}: regex: {e}")))?)
        }
        _ => None,
    };
    let path = match raw.path.as_deref() {
        Some(p) if !p.is_empty() => {
            Some(compile(p).map_err(|e| Error(format!("{what}: path: {e}")))?)
        }
        _ => None,
    };
    if regex.is_none() && path.is_none() {
        return Err(Error(format!("{what}: needs a regex or a path")));
    }
    let severity = match raw
        .severity
        .as_deref()
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        None | Some("error") | Some("high") | Some("critical") => Severity::Error,
        Some("warning") | Some("medium") => Severity::Warning,
        Some("info") | Some("low") | Some("note") => Severity::Info,
        Some(other) => return Err(Error(format!("{what}: unknown severity {other:?}"))),
    };
    let validate = match raw.validate.as_deref() {
        None => None,
        Some("base64-userpass") => Some(Validator::Base64UserPass),
        Some(other) => return Err(Error(format!("{what}: unknown validate {other:?}"))),
    };
    let mut allowlists = Vec::new();
    for a in raw.allowlist.iter().chain(raw.allowlists.iter()) {
        allowlists.push(compile_allowlist(a, &what)?);
    }
    Ok(Rule {
        id: raw.id.clone(),
        description: raw.description.clone(),
        regex,
        secret_group: raw.secret_group.unwrap_or(0),
        entropy: raw.entropy.filter(|e| *e > 0.0),
        keywords: raw
            .keywords
            .iter()
            .map(|k| k.to_ascii_lowercase())
            .filter(|k| !k.is_empty())
            .collect(),
        path,
        allowlists,
        severity,
        security_severity: raw.security_severity.map(|s| s.clamp(0.0, 10.0)).or(Some(
            match severity {
                Severity::Error => 8.0,
                Severity::Warning => 5.0,
                Severity::Info => 2.0,
            },
        )),
        tags: raw.tags.clone(),
        validate,
        help: raw.help.clone(),
    })
}

fn parse(text: &str, origin: &str) -> Result<RawConfig, Error> {
    toml::from_str(text).map_err(|e| Error(format!("{origin}: {e}")))
}

/// Merge `extra` over `base` (gitleaks `[extend]`): rules with the same id are replaced,
/// new rules appended (after the base ones, so built-in provider rules keep priority).
fn merge(mut base: RawConfig, extra: RawConfig) -> RawConfig {
    for r in extra.rules {
        if let Some(slot) = base.rules.iter_mut().find(|b| b.id == r.id) {
            *slot = r;
        } else {
            base.rules.push(r);
        }
    }
    if let Some(a) = extra.allowlist {
        base.allowlists.push(a);
    }
    base.allowlists.extend(extra.allowlists);
    base
}

fn load_raw(text: &str, origin: &str, dir: Option<&Path>, depth: u32) -> Result<RawConfig, Error> {
    let mut cfg = parse(text, origin)?;
    let Some(ext) = cfg.extend.take() else {
        return Ok(cfg);
    };
    if depth > 4 {
        return Err(Error(format!("{origin}: [extend] nested too deeply")));
    }
    let mut base = if ext.use_default {
        parse(BUILTIN_RULES, "built-in rules")?
    } else {
        RawConfig::default()
    };
    if let Some(p) = ext.path.as_deref() {
        let full = match dir {
            Some(d) if Path::new(p).is_relative() => d.join(p),
            _ => Path::new(p).to_path_buf(),
        };
        let text = std::fs::read_to_string(&full)
            .map_err(|e| Error(format!("{}: {e}", full.display())))?;
        let sub = load_raw(&text, &full.display().to_string(), full.parent(), depth + 1)?;
        base = merge(base, sub);
    }
    let disabled: HashSet<&str> = ext.disabled_rules.iter().map(String::as_str).collect();
    base.rules.retain(|r| !disabled.contains(r.id.as_str()));
    cfg.rules.retain(|r| !disabled.contains(r.id.as_str()));
    Ok(merge(base, cfg))
}

impl Config {
    /// The built-in rule set.
    pub fn builtin() -> Result<Config, Error> {
        Config::from_str(BUILTIN_RULES, "built-in rules", None)
    }

    /// A gitleaks-format file. Without `[extend] useDefault = true` it replaces the built-in rules.
    pub fn from_path(path: &Path) -> Result<Config, Error> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error(format!("{}: {e}", path.display())))?;
        Config::from_str(&text, &path.display().to_string(), path.parent())
    }

    pub fn from_str(text: &str, origin: &str, dir: Option<&Path>) -> Result<Config, Error> {
        let raw = load_raw(text, origin, dir, 0)?;
        let mut seen = HashSet::new();
        let mut rules = Vec::with_capacity(raw.rules.len());
        for r in &raw.rules {
            if !seen.insert(r.id.clone()) {
                return Err(Error(format!("{origin}: duplicate rule id {:?}", r.id)));
            }
            rules.push(compile_rule(r)?);
        }
        let mut global = Vec::new();
        for a in raw.allowlist.iter().chain(raw.allowlists.iter()) {
            global.push(compile_allowlist(
                a,
                &format!("{origin}: global allowlist"),
            )?);
        }
        Ok(Config { rules, global })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_compile_and_cover_many_providers() {
        let cfg = Config::builtin().expect("built-in rules compile");
        assert!(cfg.rules.len() >= 150, "{} rules", cfg.rules.len());
        assert!(cfg.rules.iter().any(|r| r.id == "aws-access-key-id"));
        assert!(cfg.rules.iter().any(|r| r.id == "default-password"));
        assert!(!cfg.global.is_empty());
    }

    #[test]
    fn gitleaks_format_with_extend_and_allowlists() {
        let text = r#"
title = "team rules"
[extend]
useDefault = true
disabledRules = ["jwt"]

[[rules]]
id = "acme-token"
description = "ACME internal token"
regex = '''\b(acme_[a-z0-9]{16})\b'''
secretGroup = 1
entropy = 2.5
keywords = ["ACME_"]
[rules.allowlist]
stopwords = ["acme_test"]
regexTarget = "line"
regexes = ['''ignore-me''']

[allowlist]
paths = ['''(^|/)fixtures/''']
"#;
        let cfg = Config::from_str(text, "team.toml", None).unwrap();
        let acme = cfg.rules.iter().find(|r| r.id == "acme-token").unwrap();
        assert_eq!(acme.secret_group, 1);
        assert_eq!(acme.keywords, vec!["acme_".to_string()]);
        assert_eq!(acme.allowlists.len(), 1);
        assert_eq!(acme.allowlists[0].target, Target::Line);
        assert!(cfg.rules.iter().any(|r| r.id == "github-pat"));
        assert!(!cfg.rules.iter().any(|r| r.id == "jwt"));
        let last = cfg.global.last().unwrap();
        assert!(last.allows(&Candidate {
            path: "a/fixtures/x.yaml",
            secret: b"s",
            matched: b"s",
            line: b""
        }));
    }

    #[test]
    fn standalone_config_replaces_builtin_and_reports_bad_regex() {
        let cfg = Config::from_str("[[rules]]\nid='x'\nregex='''abc'''\n", "x.toml", None).unwrap();
        assert_eq!(cfg.rules.len(), 1);
        let err =
            Config::from_str("[[rules]]\nid='x'\nregex='''(abc'''\n", "x.toml", None).unwrap_err();
        assert!(err.0.contains("rule \"x\""), "{err}");
    }

    #[test]
    fn and_condition_needs_every_criterion() {
        let raw = RawAllowlist {
            condition: Some("AND".into()),
            regexes: vec!["^abc".into()],
            paths: vec!["\\.yaml$".into()],
            ..Default::default()
        };
        let a = compile_allowlist(&raw, "t").unwrap();
        let c = |path, secret| Candidate {
            path,
            secret,
            matched: b"",
            line: b"",
        };
        assert!(a.allows(&c("v.yaml", b"abcd")));
        assert!(!a.allows(&c("v.json", b"abcd")));
        assert!(!a.allows(&c("v.yaml", b"xabc")));
    }
}
