//! Secret-leak detection for charts: values files, templates (literal text), every other chart
//! file, and rendered objects.
//!
//! Rules are data (gitleaks-compatible TOML, `rules/secrets.toml` built in, or a team's own file
//! via `--secrets-config`). One Aho–Corasick keyword pass per fragment selects the rules to run;
//! Kubernetes sense (decoded Secret `data`, docker config `auth`, env name/value pairs, reference
//! kinds, placeholders, template expressions) keeps findings to real secret material. Every finding
//! is redacted (first characters + length) unless [`Options::no_redact`] is set.
//!
//! ```no_run
//! let scanner = chartgate::secrets::Scanner::new(None).unwrap();
//! let findings = scanner.scan_file("mychart/values.yaml", b"token: ghp_...");
//! ```

pub mod k8s;
pub mod redact;
pub mod rules;
pub mod scan;

use crate::finding::{fingerprint, Finding, Location, ObjectRef, RuleDoc, Stage};
use rayon::prelude::*;
use regex::bytes::Regex;
use std::path::Path;

pub use rules::Error;

/// Scanner settings. `Default` is what CI should use (redaction on).
#[derive(Clone, Debug)]
pub struct Options {
    /// Show full secrets in messages. Never the default; meant for local triage only.
    pub no_redact: bool,
    /// Files larger than this are scanned up to this many bytes.
    pub max_file_size: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            no_redact: false,
            max_file_size: 16 << 20,
        }
    }
}

pub struct Scanner {
    engine: scan::Engine,
    opts: Options,
    base64_token: Regex,
}

/// A detection mapped onto the source, before deduplication.
struct Cand {
    rule: usize,
    /// File: byte span in the file. Object: span inside the leaf value text.
    start: usize,
    end: usize,
    secret: String,
    decoded: bool,
    /// Object scans: the JSON pointer of the leaf.
    pointer: String,
}

const MAX_DECODE_DEPTH: u32 = 2;

impl Scanner {
    /// The built-in rules, or a gitleaks-format config file (which replaces them unless it says
    /// `[extend] useDefault = true`).
    pub fn new(config: Option<&Path>) -> Result<Scanner, Error> {
        Scanner::with_options(config, Options::default())
    }

    pub fn with_options(config: Option<&Path>, opts: Options) -> Result<Scanner, Error> {
        let cfg = match config {
            Some(p) => rules::Config::from_path(p)?,
            None => rules::Config::builtin()?,
        };
        Scanner::from_config(cfg, opts)
    }

    /// A scanner over an already-built config (e.g. from [`rules::Config::from_str`]).
    pub fn from_config(cfg: rules::Config, opts: Options) -> Result<Scanner, Error> {
        let base64_token = rules::compile(r"(?:^|[^A-Za-z0-9+/=_\-])([A-Za-z0-9+/_\-]{16,}={0,2})")
            .map_err(|e| Error(format!("base64 token regex: {e}")))?;
        Ok(Scanner {
            engine: scan::Engine::new(cfg)?,
            opts,
            base64_token,
        })
    }

    pub fn rule_count(&self) -> usize {
        self.engine.cfg.rules.len()
    }

    /// Documentation of every rule, for `chartgate rules` and SARIF `rules[]`.
    pub fn rule_docs(&self) -> Vec<RuleDoc> {
        self.engine
            .cfg
            .rules
            .iter()
            .map(|r| RuleDoc {
                id: format!("secrets/{}", r.id),
                stage: Stage::Secrets,
                severity: r.severity,
                title: r.description.clone(),
                help: help_for(r),
                url: None,
                tags: std::iter::once("security".to_string())
                    .chain(r.tags.iter().cloned())
                    .collect(),
                security_severity: r.security_severity,
            })
            .collect()
    }

    /// Scan many files in parallel (rayon). Findings come back grouped per file, in input order.
    pub fn scan_files(&self, files: &[(String, Vec<u8>)]) -> Vec<Finding> {
        files
            .par_iter()
            .map(|(p, b)| self.scan_file(p, b))
            .collect::<Vec<_>>()
            .into_iter()
            .flatten()
            .collect()
    }

    /// Scan one file (values, template, any chart file). `path_for_report` is used for locations
    /// and path rules; binary files are skipped (only path rules such as `*.p12` apply).
    pub fn scan_file(&self, path_for_report: &str, bytes: &[u8]) -> Vec<Finding> {
        let path = path_for_report;
        if self.engine.path_excluded(path) {
            return Vec::new();
        }
        let mut findings: Vec<Finding> = self
            .engine
            .path_rules(path)
            .into_iter()
            .map(|ri| {
                let loc = Location {
                    path: path.to_string(),
                    ..Location::default()
                };
                self.finding(ri, path, Some(loc), "", false, None, "file")
            })
            .collect();
        if is_binary(bytes) {
            return findings;
        }
        let text = &bytes[..bytes.len().min(self.opts.max_file_size)];
        let mut cands = Vec::new();
        for h in self.engine.detect(path, text) {
            cands.push(self.cand(h.rule, h.start, h.end, text, false, String::new()));
        }
        let docs = k8s::walk_yaml(text);
        let mut reference_ranges = Vec::new();
        // Secret `data` values are judged on their decoded text only: the base64 itself is
        // high-entropy whatever it encodes (even `changeme`).
        let mut encoded_ranges = Vec::new();
        for doc in &docs {
            if doc.kind.as_deref().is_some_and(k8s::is_reference_kind) {
                reference_ranges.push((doc.start, doc.end));
                continue;
            }
            if doc.kind.as_deref() == Some("Secret") {
                for e in doc
                    .entries
                    .iter()
                    .filter(|e| e.path.len() == 1 && e.path[0] == "data")
                {
                    encoded_ranges.push((e.offset, e.offset + e.raw_len));
                }
            }
            for frag in k8s::doc_fragments(doc) {
                for h in self.engine.detect(path, frag.text.as_bytes()) {
                    let secret =
                        String::from_utf8_lossy(&frag.text.as_bytes()[h.start..h.end]).into_owned();
                    let (s, e) = if frag.verbatim && h.start >= frag.value_at {
                        (
                            frag.offset + h.start - frag.value_at,
                            frag.offset + h.end - frag.value_at,
                        )
                    } else {
                        (frag.offset, frag.offset + frag.raw_len)
                    };
                    let e = e.min(text.len()).max(s);
                    cands.push(Cand {
                        rule: h.rule,
                        start: s,
                        end: e,
                        secret,
                        decoded: frag.decoded,
                        pointer: String::new(),
                    });
                }
            }
        }
        self.decoded_pass(path, text, None, 0, &mut cands, "");
        cands.retain(|c| {
            !reference_ranges
                .iter()
                .any(|(s, e)| c.start >= *s && c.start < *e)
        });
        cands.retain(|c| {
            c.decoded
                || !encoded_ranges
                    .iter()
                    .any(|(s, e)| c.start >= *s && c.start < *e)
        });

        let lines = LineIndex::new(text);
        for c in dedupe(cands) {
            let (line, column) = lines.pos(text, c.start);
            let (end_line, end_column) = lines.pos(text, c.end);
            let loc = Location {
                path: path.to_string(),
                line: Some(line),
                column: Some(column),
                end_line: Some(end_line),
                end_column: Some(end_column),
            };
            let key = key_context(text, c.start);
            findings.push(self.finding(c.rule, path, Some(loc), &c.secret, c.decoded, None, &key));
        }
        findings
    }

    /// Scan one rendered object (a parsed manifest map). `source_path` is the template the
    /// object came from; `line_of` maps a JSON pointer inside the object (`/data/password`,
    /// `/spec/template/spec/containers/0/env/1/value`) to a line of that template, and the empty
    /// pointer `""` to the object's first line (return `None` when unknown).
    pub fn scan_object(
        &self,
        source_path: &str,
        object: &gotpl::Value,
        line_of: &dyn Fn(&str) -> Option<u32>,
    ) -> Vec<Finding> {
        let obj_ref = object_ref(object);
        let mut cands = Vec::new();
        for leaf in k8s::object_leaves(object) {
            let text = format!("{}: {}\n", leaf.key, leaf.value);
            let bytes = text.as_bytes();
            for h in self.engine.detect(source_path, bytes) {
                let mut c = self.cand(
                    h.rule,
                    h.start,
                    h.end,
                    bytes,
                    leaf.decoded,
                    leaf.pointer.clone(),
                );
                c.decoded = leaf.decoded;
                cands.push(c);
            }
            let depth = u32::from(leaf.decoded);
            self.decoded_pass(source_path, bytes, None, depth, &mut cands, &leaf.pointer);
        }
        let mut findings = Vec::new();
        for c in dedupe(cands) {
            let line = line_of(&c.pointer).or_else(|| line_of(""));
            let loc = Location {
                path: source_path.to_string(),
                line,
                ..Location::default()
            };
            let key = c.pointer.rsplit('/').next().unwrap_or("").to_string();
            let ctx = format!("{}/{}{}", obj_ref.kind, obj_ref.name, c.pointer);
            let mut f = self.finding(
                c.rule,
                source_path,
                Some(loc),
                &c.secret,
                c.decoded,
                Some(obj_ref.clone()),
                &ctx,
            );
            if !key.is_empty() && !f.message.contains(&key) {
                f.message.push_str(&format!(" (at {})", c.pointer));
            }
            findings.push(f);
        }
        findings
    }

    fn cand(
        &self,
        rule: usize,
        start: usize,
        end: usize,
        text: &[u8],
        decoded: bool,
        pointer: String,
    ) -> Cand {
        Cand {
            rule,
            start,
            end,
            secret: String::from_utf8_lossy(&text[start..end]).into_owned(),
            decoded,
            pointer,
        }
    }

    /// Decode base64 tokens (`MAX_DECODE_DEPTH` levels: a Secret value holding base64 again, as
    /// docker config `auth` does) and scan the decoded text. Hits are reported at the outermost
    /// token (`span`, or the token itself at the first level).
    fn decoded_pass(
        &self,
        path: &str,
        text: &[u8],
        span: Option<(usize, usize)>,
        depth: u32,
        cands: &mut Vec<Cand>,
        pointer: &str,
    ) {
        if depth >= MAX_DECODE_DEPTH {
            return;
        }
        for caps in self.base64_token.captures_iter(text) {
            let Some(tok) = caps.get(1) else { continue };
            let Ok(tok_str) = std::str::from_utf8(tok.as_bytes()) else {
                continue;
            };
            let Some(decoded) = k8s::decode_base64_text(tok_str) else {
                continue;
            };
            let (s, e) = span.unwrap_or((tok.start(), tok.end()));
            for h in self.engine.detect(path, decoded.as_bytes()) {
                let secret =
                    String::from_utf8_lossy(&decoded.as_bytes()[h.start..h.end]).into_owned();
                cands.push(Cand {
                    rule: h.rule,
                    start: s,
                    end: e,
                    secret,
                    decoded: true,
                    pointer: pointer.to_string(),
                });
            }
            self.decoded_pass(
                path,
                decoded.as_bytes(),
                Some((s, e)),
                depth + 1,
                cands,
                pointer,
            );
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn finding(
        &self,
        ri: usize,
        path: &str,
        location: Option<Location>,
        secret: &str,
        decoded: bool,
        object: Option<ObjectRef>,
        context: &str,
    ) -> Finding {
        let rule = &self.engine.cfg.rules[ri];
        let shown = if secret.is_empty() {
            String::new()
        } else if self.opts.no_redact {
            secret.to_string()
        } else {
            redact::preview(secret)
        };
        let mut message = rule.description.clone();
        if decoded {
            message.push_str(" (base64-decoded)");
        }
        if !shown.is_empty() {
            message.push_str(": ");
            message.push_str(&shown);
        }
        let digest = redact::short_digest(secret.as_bytes());
        let preview = redact::preview(secret);
        let fp = fingerprint(&["secrets", &rule.id, path, context, &preview, &digest]);
        Finding {
            rule: format!("secrets/{}", rule.id),
            stage: Stage::Secrets,
            severity: rule.severity,
            security_severity: rule.security_severity,
            message,
            help: help_for(rule),
            url: None,
            location,
            related: Vec::new(),
            object,
            chart: None,
            fingerprint: fp,
            suppressed: None,
        }
    }
}

fn help_for(rule: &rules::Rule) -> String {
    if let Some(h) = &rule.help {
        return h.clone();
    }
    if rule.id == "default-password" {
        return "A literal password ships with the chart, so every install that keeps the default shares it. \
                Ship an empty value and require it at install time (`required`), generate it \
                (`randAlphaNum` with `lookup` to keep it stable), or reference an existing Secret \
                (`existingSecret` / `secretKeyRef`). Add `# chartgate:allow` on the line if it is intentional."
            .into();
    }
    format!(
        "{}. Remove it from the chart, rotate it (it is in version control history), and reference a \
         Kubernetes Secret created out of band (`existingSecret`, `valueFrom.secretKeyRef`) or an \
         external secret store instead. Add `# chartgate:allow` on the line for a known test value.",
        rule.description
    )
}

fn object_ref(obj: &gotpl::Value) -> ObjectRef {
    let m = obj.as_map();
    let s = |v: Option<gotpl::Value>| {
        v.and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    };
    let meta = m.and_then(|m| m.get("metadata"));
    let meta = meta.as_ref().and_then(|v| v.as_map());
    ObjectRef {
        api_version: s(m.and_then(|m| m.get("apiVersion"))),
        kind: s(m.and_then(|m| m.get("kind"))),
        name: s(meta.and_then(|m| m.get("name"))),
        namespace: meta
            .and_then(|m| m.get("namespace"))
            .and_then(|v| v.as_str().map(str::to_string)),
    }
}

/// Keep one finding per place: candidates sorted by rule priority (file order), a later one is
/// dropped when it overlaps an accepted one in the same fragment.
fn dedupe(mut cands: Vec<Cand>) -> Vec<Cand> {
    cands.sort_by(|a, b| a.rule.cmp(&b.rule).then(a.start.cmp(&b.start)));
    let mut kept: Vec<Cand> = Vec::new();
    for c in cands {
        let clash = kept.iter().any(|k| {
            k.pointer == c.pointer
                && ((c.start < k.end && k.start < c.end)
                    || (c.start == k.start && c.end == k.end)
                    || (k.secret == c.secret && k.start == c.start))
        });
        if !clash {
            kept.push(c);
        }
    }
    kept.sort_by(|a, b| a.start.cmp(&b.start).then(a.rule.cmp(&b.rule)));
    kept
}

/// The YAML/INI key on the finding's line (fingerprint context that survives line moves).
fn key_context(text: &[u8], at: usize) -> String {
    let (ls, _) = scan::line_bounds(text, at.min(text.len()), at.min(text.len()));
    let line = &text[ls..at.min(text.len())];
    let s = String::from_utf8_lossy(line);
    s.trim()
        .trim_start_matches("- ")
        .split([':', '='])
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .take(80)
        .collect()
}

/// NUL bytes or mostly non-text in the first 8 KiB: a binary file.
fn is_binary(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.contains(&0) {
        return true;
    }
    let odd = head
        .iter()
        .filter(|b| **b < 0x09 || (**b > 0x0d && **b < 0x20) || **b == 0x7f)
        .count();
    odd * 10 > head.len()
}

struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    fn new(text: &[u8]) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    fn pos(&self, text: &[u8], off: usize) -> (u32, u32) {
        let off = off.min(text.len());
        let line = self.starts.partition_point(|s| *s <= off).max(1);
        let start = self.starts[line - 1];
        let col = String::from_utf8_lossy(&text[start..off]).chars().count() + 1;
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gotpl::Value;
    use std::collections::BTreeMap;

    fn scanner() -> Scanner {
        Scanner::new(None).unwrap()
    }

    fn rules_of(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.rule.as_str()).collect()
    }

    #[test]
    fn finds_token_with_location_redacted_and_stable_fingerprint() {
        let s = scanner();
        let text = b"image: nginx\nbot:\n  token: \"xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\"\n";
        let f = s.scan_file("chart/values.yaml", text);
        assert_eq!(rules_of(&f), vec!["secrets/slack-bot-token"]);
        let loc = f[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (Some(3), Some(11)));
        assert!(!f[0].message.contains("AbCdEfGh"), "{}", f[0].message);
        assert!(f[0].message.contains("xoxb…(57 chars)"), "{}", f[0].message);
        let moved = s.scan_file(
            "chart/values.yaml",
            &[b"# new line\n".as_slice(), text].concat(),
        );
        assert_eq!(moved[0].fingerprint, f[0].fingerprint);
        assert_eq!(moved[0].location.as_ref().unwrap().line, Some(4));
    }

    #[test]
    fn secret_data_is_decoded_and_reported_at_the_value() {
        let s = scanner();
        // base64("ghp_R7pWq2LmZ9xK4vB8nT1yH6cJ3fD5sA0gE2uQ") and base64("Xk9#mQ2$vL7pR4!z")
        let y = b"apiVersion: v1\nkind: Secret\ndata:\n  token: Z2hwX1I3cFdxMkxtWjl4SzR2QjhuVDF5SDZjSjNmRDVzQTBnRTJ1UQ==\n  password: WGs5I21RMiR2TDdwUjQheg==\n";
        let f = s.scan_file("templates/secret.yaml", y);
        let r = rules_of(&f);
        assert!(r.contains(&"secrets/github-pat"), "{r:?}");
        assert!(r.contains(&"secrets/generic-password"), "{r:?}");
        assert!(f.iter().all(|f| f.message.contains("base64-decoded")));
        assert_eq!(f[0].location.as_ref().unwrap().line, Some(4));
    }

    #[test]
    fn dockerconfigjson_auth_is_decoded() {
        let s = scanner();
        // {"auths":{"registry.example.io":{"auth":"cm9ib3Q6UzNjdXJlUmVnIXN0cnk="}}}  robot:S3cureReg!stry
        let json = r#"{"auths":{"registry.example.io":{"auth":"cm9ib3Q6UzNjdXJlUmVnIXN0cnk="}}}"#;
        let b64 = base64::Engine::encode(&base64::engine::general_purpose::STANDARD, json);
        let y = format!("kind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {b64}\n");
        let f = s.scan_file("templates/pull.yaml", y.as_bytes());
        assert!(
            rules_of(&f).contains(&"secrets/docker-config-auth"),
            "{:?}",
            rules_of(&f)
        );
    }

    #[test]
    fn references_and_sealed_secrets_are_not_leaks() {
        let s = scanner();
        let y = b"kind: SealedSecret\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq8Fj2k1d9f8s7a6s5d4f3g2h1j0kLmNoP\n---\nkind: Deployment\nspec:\n  env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db\n        key: password\n";
        assert!(s.scan_file("templates/x.yaml", y).is_empty());
    }

    #[test]
    fn env_pairs_get_key_context() {
        let s = scanner();
        let y = b"env:\n  - name: DB_PASSWORD\n    value: \"Xk9#mQ2$vL7pR4!z\"\n";
        let f = s.scan_file("templates/d.yaml", y);
        assert_eq!(rules_of(&f), vec!["secrets/generic-password"]);
        let loc = f[0].location.as_ref().unwrap();
        assert_eq!((loc.line, loc.column), (Some(3), Some(13)));
    }

    #[test]
    fn binary_files_are_skipped_but_path_rules_apply() {
        let s = scanner();
        assert!(s
            .scan_file(
                "files/logo.bin",
                b"\x00\x01ghp_R7pWq2LmZ9xK4vB8nT1yH6cJ3fD5sA0gE2uQ"
            )
            .is_empty());
        let f = s.scan_file("files/client.p12", b"\x30\x82\x00\x01");
        assert_eq!(rules_of(&f), vec!["secrets/pkcs12-file"]);
    }

    #[test]
    fn no_redact_shows_the_secret_only_when_asked() {
        let opts = Options {
            no_redact: true,
            ..Options::default()
        };
        let s = Scanner::with_options(None, opts).unwrap();
        let f = s.scan_file("v.yaml", b"k: ghp_R7pWq2LmZ9xK4vB8nT1yH6cJ3fD5sA0gE2uQ\n");
        assert!(f[0]
            .message
            .contains("ghp_R7pWq2LmZ9xK4vB8nT1yH6cJ3fD5sA0gE2uQ"));
    }

    #[test]
    fn rendered_object_secret_data_and_env() {
        let s = scanner();
        let mut data = BTreeMap::new();
        data.insert(
            "password".to_string(),
            Value::str("WGs5I21RMiR2TDdwUjQheg=="),
        );
        let mut meta = BTreeMap::new();
        meta.insert("name".to_string(), Value::str("db"));
        let mut obj = BTreeMap::new();
        obj.insert("apiVersion".to_string(), Value::str("v1"));
        obj.insert("kind".to_string(), Value::str("Secret"));
        obj.insert("metadata".to_string(), Value::map(meta));
        obj.insert("data".to_string(), Value::map(data));
        let obj = Value::map(obj);
        let f = s.scan_object("templates/secret.yaml", &obj, &|p| {
            if p == "/data/password" {
                Some(7)
            } else {
                Some(1)
            }
        });
        assert_eq!(rules_of(&f), vec!["secrets/generic-password"]);
        assert_eq!(f[0].location.as_ref().unwrap().line, Some(7));
        assert_eq!(f[0].object.as_ref().unwrap().name, "db");
        assert!(!f[0].message.contains("vL7pR4"));
    }
}
