//! `.helmignore` rules with helm's own semantics (not gitignore's): patterns are Go
//! `filepath.Match` globs; a pattern without `/` matches the base name only; a leading `/`
//! anchors at the chart root; a trailing `/` matches directories only; `**` is an error; the
//! first matching rule wins; a `!` rule ignores every path it does *not* match.

use super::ChartError;

#[derive(Clone, Debug)]
struct Pattern {
    /// The glob as chars, validated at parse time.
    rule: Vec<char>,
    /// Most rules are a name or `*.ext`: matched on the text, no glob machinery.
    shape: Shape,
    negate: bool,
    must_dir: bool,
    kind: Kind,
}

#[derive(Clone, Debug)]
enum Shape {
    /// No glob syntax: the name itself.
    Literal(String),
    /// `*` then no glob syntax: a suffix, with no `/` before it (`*` never matches one).
    Suffix(String),
    Glob,
}

impl Shape {
    fn of(rule: &str) -> Shape {
        let plain = |s: &str| !s.contains(['*', '?', '[', '\\']);
        match rule.strip_prefix('*') {
            _ if plain(rule) => Shape::Literal(rule.to_string()),
            Some(rest) if plain(rest) => Shape::Suffix(rest.to_string()),
            _ => Shape::Glob,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    /// No slash: match the base name.
    Base,
    /// Contains a slash (leading slash stripped): match the whole relative path.
    Path,
}

/// A parsed `.helmignore`.
#[derive(Clone, Debug, Default)]
pub struct IgnoreRules {
    patterns: Vec<Pattern>,
}

impl IgnoreRules {
    /// No rules.
    pub fn empty() -> IgnoreRules {
        IgnoreRules::default()
    }

    /// Parses a `.helmignore` file's text. Errors are worded like helm's.
    pub fn parse(src: &str) -> Result<IgnoreRules, ChartError> {
        let mut r = IgnoreRules::default();
        // helm reads the file with a bufio.Scanner: a line of 64 KiB or more is an error.
        if src.split('\n').any(|l| l.len() >= 64 * 1024) {
            return Err(ChartError::new("bufio.Scanner: token too long"));
        }
        for line in src.lines() {
            r.add_rule(line)?;
        }
        Ok(r)
    }

    /// helm's defaults: dot files inside `templates/`.
    pub fn add_defaults(&mut self) {
        // A constant pattern that always parses.
        let _ = self.add_rule("templates/.?*");
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    fn add_rule(&mut self, line: &str) -> Result<(), ChartError> {
        let rule = line.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(ChartError::new("double-star (**) syntax is not supported"));
        }
        if glob_match(rule, "abc").is_err() {
            return Err(ChartError::new("syntax error in pattern"));
        }
        let mut rule = rule;
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let (kind, rule) = if let Some(r) = rule.strip_prefix('/') {
            (Kind::Path, r)
        } else if rule.contains('/') {
            (Kind::Path, rule)
        } else {
            (Kind::Base, rule)
        };
        self.patterns.push(Pattern {
            rule: rule.chars().collect(),
            shape: Shape::of(rule),
            negate,
            must_dir,
            kind,
        });
        Ok(())
    }

    /// Whether `path` (relative, `/`-separated) is ignored; `is_dir` tells whether it is a
    /// directory (an ignored directory skips its whole subtree).
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        let base = path.rsplit('/').next().unwrap_or(path);
        // The path as chars, for glob rules only (made once, on the first).
        let mut chars: Option<(Vec<char>, usize)> = None;
        for p in &self.patterns {
            let text = match p.kind {
                Kind::Base => base,
                Kind::Path => path,
            };
            let matched = match &p.shape {
                Shape::Literal(l) => text == l,
                Shape::Suffix(l) => text
                    .strip_suffix(l.as_str())
                    .is_some_and(|head| !head.contains('/')),
                Shape::Glob => {
                    let (full, base_start) = chars.get_or_insert_with(|| {
                        let full: Vec<char> = path.chars().collect();
                        let b = full.iter().rposition(|c| *c == '/').map_or(0, |i| i + 1);
                        (full, b)
                    });
                    let name = match p.kind {
                        Kind::Base => &full[*base_start..],
                        Kind::Path => &full[..],
                    };
                    match_from(&p.rule, 0, name, 0)
                }
            };
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !matched {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

/// Go's `filepath.Match` on `/`-separated names: `*` (no separator), `?`, `[...]` classes with
/// `^` negation and ranges, `\` escapes. `Err` for a malformed pattern.
pub(crate) fn glob_match(pattern: &str, name: &str) -> Result<bool, ()> {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative star matching with backtracking to the last star; the class/escape syntax is
    // validated for the whole pattern first so errors do not depend on the input.
    validate(&p)?;
    Ok(match_from(&p, 0, &n, 0))
}

fn validate(p: &[char]) -> Result<(), ()> {
    let mut i = 0;
    while i < p.len() {
        match p[i] {
            '\\' => {
                if i + 1 >= p.len() {
                    return Err(());
                }
                i += 2;
            }
            '[' => {
                i = class_end(p, i)?;
            }
            _ => i += 1,
        }
    }
    Ok(())
}

/// Index just past the class starting at `p[start] == '['`.
fn class_end(p: &[char], start: usize) -> Result<usize, ()> {
    let mut i = start + 1;
    if i < p.len() && p[i] == '^' {
        i += 1;
    }
    let mut first = true;
    loop {
        if i >= p.len() {
            return Err(());
        }
        if p[i] == ']' && !first {
            return Ok(i + 1);
        }
        first = false;
        // lo
        i = class_char(p, i)?;
        if i < p.len() && p[i] == '-' {
            i = class_char(p, i + 1)?;
        }
    }
}

fn class_char(p: &[char], i: usize) -> Result<usize, ()> {
    match p.get(i) {
        None => Err(()),
        Some('-') | Some(']') => Err(()),
        Some('\\') => {
            if i + 1 < p.len() {
                Ok(i + 2)
            } else {
                Err(())
            }
        }
        Some(_) => Ok(i + 1),
    }
}

fn class_value(p: &[char], i: usize) -> (char, usize) {
    if p[i] == '\\' {
        (p[i + 1], i + 2)
    } else {
        (p[i], i + 1)
    }
}

/// Matches one class at `p[pi] == '['` against `c`; returns (matched, index past class).
fn match_class(p: &[char], pi: usize, c: char) -> (bool, usize) {
    let mut i = pi + 1;
    let negated = p.get(i) == Some(&'^');
    if negated {
        i += 1;
    }
    let mut matched = false;
    let mut first = true;
    while i < p.len() {
        if p[i] == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        let (lo, ni) = class_value(p, i);
        i = ni;
        let mut hi = lo;
        if i < p.len() && p[i] == '-' {
            let (h, ni) = class_value(p, i + 1);
            hi = h;
            i = ni;
        }
        if lo <= c && c <= hi {
            matched = true;
        }
    }
    (matched != negated, i)
}

/// Go's `filepath.Match` algorithm: the pattern is a series of chunks, each led by stars;
/// every chunk takes the leftmost place it fits (no backtracking into earlier chunks), so
/// matching is O(pattern × name) and never recurses, whatever the pattern.
fn match_from(p: &[char], mut pi: usize, n: &[char], mut ni: usize) -> bool {
    'chunks: while pi < p.len() {
        let mut star = false;
        while pi < p.len() && p[pi] == '*' {
            pi += 1;
            star = true;
        }
        let chunk_start = pi;
        let mut in_class = false;
        while pi < p.len() {
            match p[pi] {
                '\\' if pi + 1 < p.len() => pi += 1,
                '[' => in_class = true,
                ']' => in_class = false,
                '*' if !in_class => break,
                _ => {}
            }
            pi += 1;
        }
        let chunk = &p[chunk_start..pi];
        let last = pi >= p.len();
        if star && chunk.is_empty() {
            // A trailing star takes the rest of the name, but never a separator.
            return !n[ni..].contains(&'/');
        }
        if let Some(t) = match_chunk(chunk, n, ni) {
            if t == n.len() || !last {
                ni = t;
                continue;
            }
        }
        if star {
            let mut i = ni;
            while i < n.len() && n[i] != '/' {
                if let Some(t) = match_chunk(chunk, n, i + 1) {
                    // The last chunk must end the name.
                    if !(last && t < n.len()) {
                        ni = t;
                        continue 'chunks;
                    }
                }
                i += 1;
            }
        }
        return false;
    }
    ni == n.len()
}

/// Matches a star-free chunk at `n[ni..]`; returns the index just past the match.
fn match_chunk(chunk: &[char], n: &[char], mut ni: usize) -> Option<usize> {
    let mut ci = 0;
    while ci < chunk.len() {
        match chunk[ci] {
            '?' => {
                if ni >= n.len() || n[ni] == '/' {
                    return None;
                }
                ci += 1;
            }
            '[' => {
                if ni >= n.len() || n[ni] == '/' {
                    return None;
                }
                let (ok, next) = match_class(chunk, ci, n[ni]);
                if !ok {
                    return None;
                }
                ci = next;
            }
            '\\' => {
                if ni >= n.len() || chunk.get(ci + 1) != Some(&n[ni]) {
                    return None;
                }
                ci += 2;
            }
            c => {
                if ni >= n.len() || n[ni] != c {
                    return None;
                }
                ci += 1;
            }
        }
        ni += 1;
    }
    Some(ni)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_glob() {
        assert_eq!(glob_match("*.txt", "a.txt"), Ok(true));
        assert_eq!(glob_match("*.txt", "d/a.txt"), Ok(false));
        assert_eq!(glob_match("a?c", "abc"), Ok(true));
        assert_eq!(glob_match("[a-c]x", "bx"), Ok(true));
        assert_eq!(glob_match("[^a-c]x", "bx"), Ok(false));
        assert_eq!(glob_match("\\*", "*"), Ok(true));
        assert_eq!(glob_match("[", "a"), Err(()));
        assert_eq!(glob_match("templates/.?*", "templates/.x"), Ok(true));
        assert_eq!(glob_match("templates/.?*", "templates/."), Ok(false));
        // Cases from Go's filepath.Match tests.
        for (p, n, want) in [
            ("a*", "ab/c", false),
            ("a*/b", "abc/b", true),
            ("a*/b", "a/c/b", false),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/fff", false),
            ("a*b?c*x", "abxbbxdbxebxczzx", true),
            ("a*b?c*x", "abxbbxdbxebxczzy", false),
            ("*x", "xxx", true),
            ("a[!b]c", "a!c", true),
            ("[\\]a]", "]", true),
            ("a*", "a", true),
        ] {
            assert_eq!(glob_match(p, n), Ok(want), "{p} {n}");
        }
    }

    /// Star-heavy patterns cost O(pattern × name) like Go's, not exponential backtracking.
    #[test]
    fn pathological_patterns_are_fast() {
        let name = "a".repeat(60);
        let t = std::time::Instant::now();
        assert_eq!(glob_match("*a*a*a*a*a*a*a*a*a*a*a*a*c", &name), Ok(false));
        let long = format!("{}*c", "*a".repeat(100_000));
        assert_eq!(glob_match(&long, &name), Ok(false));
        assert!(t.elapsed() < std::time::Duration::from_secs(2));
        // helm reads .helmignore with a bufio.Scanner (64 KiB lines at most).
        let e = IgnoreRules::parse(&"a".repeat(65_536)).unwrap_err();
        assert_eq!(e.message, "bufio.Scanner: token too long");
        assert!(IgnoreRules::parse(&"a".repeat(65_535)).is_ok());
    }

    /// The literal and suffix shortcuts decide like the glob matcher they stand in for.
    #[test]
    fn shortcuts_agree_with_glob() {
        let rules = "OWNERS\n*.bak\n*~\n*\n/ci/x.yaml\n*/y\nimg/\n!keep\n*.md.gotmpl\nREADME.tpl\n";
        let fast = IgnoreRules::parse(rules).unwrap();
        assert!(matches!(fast.patterns[0].shape, Shape::Literal(_)));
        assert!(matches!(fast.patterns[1].shape, Shape::Suffix(_)));
        let mut slow = fast.clone();
        for p in &mut slow.patterns {
            p.shape = Shape::Glob;
        }
        let names = [
            "OWNERS",
            "a/OWNERS",
            "x.bak",
            "a/b/x.bak",
            ".bak",
            "x.bak/y",
            "file~",
            "ci/x.yaml",
            "a/ci/x.yaml",
            "a/y",
            "a/b/y",
            "y",
            "img",
            "a/img",
            "keep",
            "a.md.gotmpl",
            "README.tpl",
            "templates/x.yaml",
            "é/ü.bak",
        ];
        for n in names {
            for dir in [false, true] {
                for (i, line) in rules.lines().enumerate() {
                    let one = |r: &IgnoreRules| IgnoreRules {
                        patterns: vec![r.patterns[i].clone()],
                    };
                    assert_eq!(
                        one(&fast).ignore(n, dir),
                        one(&slow).ignore(n, dir),
                        "{line} on {n} (dir {dir})"
                    );
                }
                assert_eq!(fast.ignore(n, dir), slow.ignore(n, dir), "{n}");
            }
        }
    }

    #[test]
    fn helm_semantics() {
        let mut r = IgnoreRules::parse("# c\n*.bak\n/top.txt\ndocs/\nsub/*.md\n").unwrap();
        r.add_defaults();
        assert!(r.ignore("x.bak", false));
        assert!(r.ignore("a/b/x.bak", false));
        assert!(r.ignore("top.txt", false));
        assert!(!r.ignore("a/top.txt", false));
        assert!(r.ignore("docs", true));
        assert!(r.ignore("a/docs", true));
        assert!(!r.ignore("docs", false));
        assert!(r.ignore("sub/r.md", false));
        assert!(!r.ignore("x/sub/r.md", false));
        assert!(r.ignore("templates/.hidden", false));
        assert!(!r.ignore("templates/x.yaml", false));
        assert!(IgnoreRules::parse("a/**/b").is_err());
        // helm's quirk: a negated rule ignores what it does not match.
        let n = IgnoreRules::parse("!keep.txt").unwrap();
        assert!(n.ignore("other.txt", false));
        assert!(!n.ignore("keep.txt", false));
    }
}
