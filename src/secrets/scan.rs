//! The detection engine: keyword prefilter (one Aho–Corasick pass over all rules' keywords),
//! then each triggered rule's regex, then entropy, validators, allowlists and heuristics.

use super::redact::{is_sequential, shannon_entropy};
use super::rules::{Candidate, Config, Rule, Validator};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// A detection inside one fragment: rule index and the secret's byte span in that fragment.
#[derive(Debug, Clone)]
pub struct Hit {
    pub rule: usize,
    pub start: usize,
    pub end: usize,
}

pub struct Engine {
    pub cfg: Config,
    ac: Option<AhoCorasick>,
    /// Aho–Corasick pattern id → rules having that keyword.
    kw_rules: Vec<Vec<usize>>,
    /// Rules without keywords: always run.
    always: Vec<usize>,
    /// Per keyword: does a line-local rule use it (so its lines are collected)?
    kw_windowed: Vec<bool>,
    /// Per rule: line-local (generic rules: keyword, assignment and value on one line), so it
    /// runs only on the lines where one of its keywords occurs. Keeps the broad generic regexes
    /// off most of the text.
    windowed: Vec<bool>,
}

impl Engine {
    pub fn new(cfg: Config) -> Result<Engine, super::Error> {
        let mut patterns: Vec<String> = Vec::new();
        let mut kw_rules: Vec<Vec<usize>> = Vec::new();
        let mut always = Vec::new();
        for (i, r) in cfg.rules.iter().enumerate() {
            if r.regex.is_none() {
                continue;
            }
            if r.keywords.is_empty() {
                always.push(i);
            }
            for k in &r.keywords {
                match patterns.iter().position(|p| p == k) {
                    Some(p) => kw_rules[p].push(i),
                    None => {
                        patterns.push(k.clone());
                        kw_rules.push(vec![i]);
                    }
                }
            }
        }
        let ac = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::Standard)
                    .build(&patterns)
                    .map_err(|e| super::Error(format!("keyword automaton: {e}")))?,
            )
        };
        let windowed: Vec<bool> = cfg
            .rules
            .iter()
            .map(|r| r.is_generic() && !r.keywords.is_empty())
            .collect();
        let kw_windowed = kw_rules
            .iter()
            .map(|rs| rs.iter().any(|r| windowed[*r]))
            .collect();
        Ok(Engine {
            cfg,
            ac,
            kw_rules,
            always,
            kw_windowed,
            windowed,
        })
    }

    /// Rules whose keywords occur in `text` (plus keyword-less rules), in priority order, and
    /// the lines holding a keyword of a line-local (generic) rule: those rules only run there.
    fn triggered(&self, text: &[u8]) -> (Vec<usize>, Vec<(usize, usize)>) {
        let mut on = vec![false; self.cfg.rules.len()];
        for i in &self.always {
            on[*i] = true;
        }
        let mut lines: Vec<(usize, usize)> = Vec::new();
        if let Some(ac) = &self.ac {
            let mut seen = vec![false; self.kw_rules.len()];
            for m in ac.find_overlapping_iter(text) {
                let p = m.pattern().as_usize();
                if !seen[p] {
                    seen[p] = true;
                    for r in &self.kw_rules[p] {
                        on[*r] = true;
                    }
                }
                if self.kw_windowed[p] && lines.last().is_none_or(|(_, le)| m.start() > *le) {
                    lines.push(line_bounds(text, m.start(), m.end()));
                }
            }
        }
        let rules = on
            .iter()
            .enumerate()
            .filter(|(_, b)| **b)
            .map(|(i, _)| i)
            .collect();
        (rules, lines)
    }

    /// True when a global path allowlist excludes the whole file.
    pub fn path_excluded(&self, path: &str) -> bool {
        self.cfg
            .global
            .iter()
            .filter(|a| a.path_only())
            .any(|a| a.paths.iter().any(|r| r.is_match(path.as_bytes())))
    }

    /// Path-only rules (no regex) that match this path.
    pub fn path_rules(&self, path: &str) -> Vec<usize> {
        self.cfg
            .rules
            .iter()
            .enumerate()
            .filter(|(_, r)| {
                r.regex.is_none() && r.path.as_ref().is_some_and(|p| p.is_match(path.as_bytes()))
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// All hits in one fragment of `path`.
    pub fn detect(&self, path: &str, text: &[u8]) -> Vec<Hit> {
        let mut hits = Vec::new();
        let (rules, lines) = self.triggered(text);
        let whole = [(0, text.len())];
        for ri in rules {
            let rule = &self.cfg.rules[ri];
            let Some(re) = &rule.regex else { continue };
            if let Some(p) = &rule.path {
                if !p.is_match(path.as_bytes()) {
                    continue;
                }
            }
            let windows: &[(usize, usize)] = if self.windowed[ri] { &lines } else { &whole };
            for &(ws, we) in windows {
                self.run_rule(ri, rule, re, path, text, ws, we, &mut hits);
            }
        }
        hits
    }

    #[allow(clippy::too_many_arguments)]
    fn run_rule(
        &self,
        ri: usize,
        rule: &Rule,
        re: &regex::bytes::Regex,
        path: &str,
        text: &[u8],
        ws: usize,
        we: usize,
        hits: &mut Vec<Hit>,
    ) {
        {
            for caps in re.captures_iter(&text[ws..we]) {
                let Some(whole) = caps.get(0) else { continue };
                let group = if rule.secret_group > 0 {
                    caps.get(rule.secret_group)
                } else {
                    (1..caps.len())
                        .find_map(|g| caps.get(g).filter(|m| !m.is_empty()))
                        .or(Some(whole))
                };
                let Some(g) = group else { continue };
                let (start, end) = trim_secret(text, ws + g.start(), ws + g.end());
                if start >= end {
                    continue;
                }
                let secret = &text[start..end];
                let (ls, le) = line_bounds(text, start, end);
                let cand = Candidate {
                    path,
                    secret,
                    matched: &text[ws + whole.start()..ws + whole.end()],
                    line: &text[ls..le],
                };
                if self.keep(ri, rule, &cand) {
                    hits.push(Hit {
                        rule: ri,
                        start,
                        end,
                    });
                }
            }
        }
    }

    fn keep(&self, ri: usize, rule: &Rule, c: &Candidate<'_>) -> bool {
        let s = c.secret;
        if inline_allowed(c.line) {
            return false;
        }
        if let Some(t) = rule.entropy {
            // Hex carries at most 4 bits per character: random hex keys often score under 3.5.
            let hex = s.len() >= 16 && s.iter().all(u8::is_ascii_hexdigit);
            let t = if hex {
                (t - 0.5).max(2.5_f64.min(t))
            } else {
                t
            };
            if shannon_entropy(s) <= t {
                return false;
            }
        }
        if let Some(v) = rule.validate {
            if !validate(v, s) {
                return false;
            }
        }
        let id = &self.cfg.rules[ri].id;
        for a in &self.cfg.global {
            if !a.target_rules.is_empty() && !a.target_rules.iter().any(|t| t == id) {
                continue;
            }
            if a.allows(c) {
                return false;
            }
        }
        if rule.allowlists.iter().any(|a| a.allows(c)) {
            return false;
        }
        if rule.is_generic() && generic_noise(s) {
            return false;
        }
        // Keyword-context rules (generic or not) can capture a template path or a call.
        if is_code_reference(s) || unquoted_in_template_action(c.line, s) {
            return false;
        }
        true
    }
}

/// Strip quotes/backslash-escapes the capture may have swallowed at its ends.
fn trim_secret(text: &[u8], mut s: usize, mut e: usize) -> (usize, usize) {
    while s < e && matches!(text[s], b'"' | b'\'' | b'`' | b' ' | b'\t') {
        s += 1;
    }
    while e > s
        && matches!(
            text[e - 1],
            b'"' | b'\'' | b'`' | b' ' | b'\t' | b'\r' | b'\n' | b'\\'
        )
    {
        e -= 1;
    }
    (s, e)
}

pub fn line_bounds(text: &[u8], start: usize, end: usize) -> (usize, usize) {
    let ls = text[..start]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1);
    let le = text[end..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |i| end + i);
    (ls, le)
}

fn inline_allowed(line: &[u8]) -> bool {
    const MARKS: [&[u8]; 4] = [
        b"gitleaks:allow",
        b"chartgate:allow",
        b"pragma: allowlist secret",
        b"trufflehog:ignore",
    ];
    MARKS.iter().any(|m| super::rules::contains(line, m))
}

fn validate(v: Validator, secret: &[u8]) -> bool {
    match v {
        Validator::Base64UserPass => {
            let Some(text) = super::k8s::decode_base64_text(&String::from_utf8_lossy(secret))
            else {
                return false;
            };
            let Some((user, pass)) = text.split_once(':') else {
                return false;
            };
            !user.is_empty()
                && !pass.is_empty()
                && !is_placeholder_word(pass)
                && !pass.starts_with("${")
        }
    }
}

fn is_placeholder_word(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    matches!(
        l.as_str(),
        "password"
            | "changeme"
            | "secret"
            | "token"
            | "xxx"
            | "xxxx"
            | "pass"
            | "<password>"
            | "***"
    )
}

/// Heuristics for generic rules (detect-secrets style): sequential runs, and values that are a
/// single repeated short unit (`abcabcabc`).
fn generic_noise(s: &[u8]) -> bool {
    if is_sequential(s) {
        return true;
    }
    for unit in 1..=3 {
        if s.len() >= unit * 3 && s.chunks(unit).all(|c| c == &s[..c.len()]) {
            return true;
        }
    }
    false
}

/// An unquoted value inside an open `{{ ... }}` action is template code
/// (`{{- $password := index $data .key }}`), never literal text; quoted literals stay in scope.
fn unquoted_in_template_action(line: &[u8], secret: &[u8]) -> bool {
    let (l, s) = (line.as_ptr() as usize, secret.as_ptr() as usize);
    if s < l || s + secret.len() > l + line.len() {
        return false;
    }
    let off = s - l;
    if off > 0 && matches!(line[off - 1], b'"' | b'\'' | b'`') {
        return false;
    }
    let before = &line[..off];
    let open = before.windows(2).rposition(|w| w == b"{{");
    let close = before.windows(2).rposition(|w| w == b"}}");
    match (open, close) {
        (Some(o), Some(c)) => o > c,
        (Some(_), None) => true,
        _ => false,
    }
}

/// Template/code references that a keyword rule captures as the "value": Go template paths
/// (`.Values.auth.password`, `$.Values.x`, `$pw.field`) and function calls
/// (`get_secret_value("...")`, `os.getenv("PW")`). Real secrets never look like these.
fn is_code_reference(s: &[u8]) -> bool {
    let ident = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    match s {
        [b'.', c, ..] if c.is_ascii_alphabetic() => {
            return s.iter().all(|b| ident(b) || *b == b'.');
        }
        [b'(', c, ..] if c.is_ascii_alphabetic() || *c == b'.' || *c == b'$' => return true,
        [b'$', rest @ ..] => {
            let name = rest.iter().take_while(|b| ident(b)).count();
            if rest.get(name) == Some(&b'.') && rest.iter().all(|b| ident(b) || *b == b'.') {
                return true;
            }
        }
        _ => {}
    }
    let name = s.iter().take_while(|b| ident(b) || **b == b'.').count();
    name > 0 && s[0].is_ascii_alphabetic() && s.get(name) == Some(&b'(')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::new(Config::builtin().unwrap()).unwrap()
    }

    fn ids(e: &Engine, path: &str, text: &str) -> Vec<String> {
        e.detect(path, text.as_bytes())
            .iter()
            .map(|h| e.cfg.rules[h.rule].id.clone())
            .collect()
    }

    #[test]
    fn provider_token_is_found_with_its_span() {
        let e = engine();
        let text = "token: ghp_R7pWq2LmZ9xK4vB8nT1yH6cJ3fD5sA0gE2uQ\n";
        let hits = e.detect("values.yaml", text.as_bytes());
        let h = hits
            .iter()
            .find(|h| e.cfg.rules[h.rule].id == "github-pat")
            .unwrap();
        assert_eq!(
            &text[h.start..h.end],
            "ghp_R7pWq2LmZ9xK4vB8nT1yH6cJ3fD5sA0gE2uQ"
        );
    }

    #[test]
    fn placeholders_and_templates_are_not_secrets() {
        let e = engine();
        for t in [
            "password: changeme\n",
            "password: \"{{ .Values.auth.password }}\"\n",
            "password: ${DB_PASSWORD}\n",
            "password: <password>\n",
            "password: \"\"\n",
            "existingSecretPasswordKey: admin-password\n",
            "passwordKey: postgres-password\n",
            "api_key: your-api-key-here\n",
            "{{- $password := .Values.passwordUpdateJob.previousPasswords.password }}\n",
            "c.JupyterHub.cookie_secret = get_secret_value(\"hub.config.cookie_secret\")\n",
            "{{- $password = index $secretData .key | b64dec }}\n",
            "{{- $password := (randAlpha 16) | b64enc -}}\n",
        ] {
            assert!(
                ids(&e, "values.yaml", t).is_empty(),
                "{t}: {:?}",
                ids(&e, "values.yaml", t)
            );
        }
    }

    #[test]
    fn default_and_generic_passwords() {
        let e = engine();
        assert!(ids(&e, "values.yaml", "adminPassword: prom-operator\n")
            .contains(&"default-password".to_string()));
        assert!(
            ids(&e, "values.yaml", "  rootPassword: \"Xk9#mQ2$vL7pR4!z\"\n")
                .contains(&"generic-password".to_string())
        );
        assert!(ids(&e, "values.yaml", "compassion: enabled\n").is_empty());
    }

    #[test]
    fn inline_allow_comment_suppresses() {
        let e = engine();
        assert!(ids(
            &e,
            "v.yaml",
            "token: ghp_R7pWq2LmZ9xK4vB8nT1yH6cJ3fD5sA0gE2uQ # gitleaks:allow\n"
        )
        .is_empty());
    }

    #[test]
    fn docker_auth_validator() {
        assert!(validate(Validator::Base64UserPass, b"dXNlcjpodW50ZXIy"));
        assert!(!validate(Validator::Base64UserPass, b"dXNlcjo="));
        assert!(!validate(Validator::Base64UserPass, b"bm9jb2xvbg=="));
    }
}
