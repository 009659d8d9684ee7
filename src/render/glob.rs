//! The two glob dialects helm uses: gobwas/glob with `/` as separator (`.Files.Glob`: `*`, `**`,
//! `?`, `[a-z]`, `[!a]`, `{a,b}`) and Go's `path/filepath.Match` (`--show-only`: `*`, `?`,
//! `[^a]`, no `**`, no braces). Our own matcher: patterns are expanded into brace-free
//! alternatives and each is matched with a dynamic program, so no input can blow up.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Lit(char),
    /// `?`: one non-separator character.
    One,
    /// `*`: any run of non-separator characters.
    Star,
    /// `**` (gobwas only): any run of characters.
    Super,
    /// `[..]`: `(negated, ranges)`; a negated class never matches the separator in gobwas.
    Class(bool, Vec<(char, char)>),
}

/// Brace expansion is capped so a hostile pattern cannot allocate without bound.
const MAX_ALTERNATIVES: usize = 4096;

/// A compiled pattern: a set of brace-free alternatives.
#[derive(Clone, Debug)]
pub struct Glob {
    alts: Vec<Vec<Tok>>,
}

impl Glob {
    /// Compiles a gobwas/glob pattern with `/` as separator. `None` when the pattern is invalid
    /// (helm then falls back to `**`, i.e. matches everything).
    pub fn gobwas(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let alts = parse_seq(&chars, &mut pos, 0, true)?;
        if pos != chars.len() {
            return None;
        }
        Some(Glob { alts })
    }

    /// Compiles a Go `filepath.Match` pattern (Unix). `None` is Go's `ErrBadPattern`.
    pub fn filepath(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            match chars[i] {
                '*' => {
                    toks.push(Tok::Star);
                    i += 1;
                }
                '?' => {
                    toks.push(Tok::One);
                    i += 1;
                }
                '[' => {
                    let (tok, next) = parse_class(&chars, i + 1, '^')?;
                    toks.push(tok);
                    i = next;
                }
                '\\' => {
                    let c = *chars.get(i + 1)?;
                    toks.push(Tok::Lit(c));
                    i += 2;
                }
                c => {
                    toks.push(Tok::Lit(c));
                    i += 1;
                }
            }
        }
        Some(Glob { alts: vec![toks] })
    }

    pub fn matches(&self, name: &str) -> bool {
        let s: Vec<char> = name.chars().collect();
        self.alts.iter().any(|toks| match_toks(toks, &s))
    }
}

/// Parses a sequence up to a `,` or `}` (inside braces) or the end, returning its expansion.
fn parse_seq(chars: &[char], pos: &mut usize, depth: usize, top: bool) -> Option<Vec<Vec<Tok>>> {
    if depth > 32 {
        return None;
    }
    let mut acc: Vec<Vec<Tok>> = vec![Vec::new()];
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            ',' | '}' if !top => break,
            '*' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    push_all(&mut acc, Tok::Super);
                    *pos += 2;
                    while chars.get(*pos) == Some(&'*') {
                        *pos += 1;
                    }
                } else {
                    push_all(&mut acc, Tok::Star);
                    *pos += 1;
                }
            }
            '?' => {
                push_all(&mut acc, Tok::One);
                *pos += 1;
            }
            '[' => {
                let (tok, next) = parse_class(chars, *pos + 1, '!')?;
                push_all(&mut acc, tok);
                *pos = next;
            }
            '{' => {
                *pos += 1;
                let mut options: Vec<Vec<Tok>> = Vec::new();
                loop {
                    let alt = parse_seq(chars, pos, depth + 1, false)?;
                    options.extend(alt);
                    match chars.get(*pos) {
                        Some(',') => *pos += 1,
                        Some('}') => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                if acc.len().saturating_mul(options.len()) > MAX_ALTERNATIVES {
                    return None;
                }
                let mut next = Vec::with_capacity(acc.len() * options.len());
                for a in &acc {
                    for o in &options {
                        let mut v = a.clone();
                        v.extend(o.iter().cloned());
                        next.push(v);
                    }
                }
                acc = next;
            }
            // Outside braces `,` and `}` are plain characters.
            '}' | ',' => {
                push_all(&mut acc, Tok::Lit(c));
                *pos += 1;
            }
            '\\' => {
                let e = *chars.get(*pos + 1)?;
                push_all(&mut acc, Tok::Lit(e));
                *pos += 2;
            }
            _ => {
                push_all(&mut acc, Tok::Lit(c));
                *pos += 1;
            }
        }
    }
    Some(acc)
}

fn push_all(acc: &mut [Vec<Tok>], t: Tok) {
    for a in acc.iter_mut() {
        a.push(t.clone());
    }
}

/// Parses a class body starting after `[`; `neg` is the negation marker of the dialect.
fn parse_class(chars: &[char], mut i: usize, neg: char) -> Option<(Tok, usize)> {
    let mut negated = false;
    if chars.get(i) == Some(&neg) {
        negated = true;
        i += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = *chars.get(i)?;
        if c == ']' && !first {
            return Some((Tok::Class(negated, ranges), i + 1));
        }
        first = false;
        let lo = if c == '\\' {
            i += 1;
            *chars.get(i)?
        } else {
            c
        };
        i += 1;
        let mut hi = lo;
        if chars.get(i) == Some(&'-') && chars.get(i + 1).is_some_and(|&c| c != ']') {
            i += 1;
            hi = if chars[i] == '\\' {
                i += 1;
                *chars.get(i)?
            } else {
                chars[i]
            };
            i += 1;
            if hi < lo {
                return None;
            }
        }
        ranges.push((lo, hi));
    }
}

fn tok_matches_one(t: &Tok, c: char) -> bool {
    match t {
        Tok::Lit(l) => *l == c,
        Tok::One => c != '/',
        Tok::Class(neg, ranges) => {
            let inside = ranges.iter().any(|&(lo, hi)| lo <= c && c <= hi);
            if *neg {
                !inside && c != '/'
            } else {
                inside
            }
        }
        Tok::Star | Tok::Super => false,
    }
}

/// `dp[j]` = the first `i` tokens can match `s[..j]`.
fn match_toks(toks: &[Tok], s: &[char]) -> bool {
    let n = s.len();
    let mut dp = vec![false; n + 1];
    dp[0] = true;
    for t in toks {
        let mut next = vec![false; n + 1];
        match t {
            Tok::Star | Tok::Super => {
                let crosses = matches!(t, Tok::Super);
                let mut run = false;
                for j in 0..=n {
                    if dp[j] {
                        run = true;
                    }
                    next[j] = run;
                    if j < n && s[j] == '/' && !crosses {
                        run = false;
                    }
                }
            }
            _ => {
                for j in 0..n {
                    if dp[j] && tok_matches_one(t, s[j]) {
                        next[j + 1] = true;
                    }
                }
            }
        }
        dp = next;
        if !dp.iter().any(|&b| b) {
            return false;
        }
    }
    dp[n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(p: &str, s: &str) -> bool {
        Glob::gobwas(p).expect("valid").matches(s)
    }

    #[test]
    fn gobwas_semantics() {
        assert!(g("files/*", "files/a.txt"));
        assert!(!g("files/*", "files/sub/b.yaml"));
        assert!(g("files/**", "files/sub/b.yaml"));
        assert!(g("{README.md,files/a.txt}", "README.md"));
        assert!(g("{README.md,files/a.txt}", "files/a.txt"));
        assert!(!g("{README.md,files/a.txt}", "files/b.txt"));
        assert!(g("conf/*.{yaml,json}", "conf/x.json"));
        assert!(g("f?le", "file"));
        assert!(!g("a?b", "a/b"));
        assert!(g("[a-c]x", "bx"));
        assert!(g("[!a-c]x", "dx"));
        assert!(!g("[!a-c]x", "ax"));
        assert!(g("**.yaml", "a/b/c.yaml"));
        assert!(Glob::gobwas("{a,b").is_none());
        assert!(Glob::gobwas("[a").is_none());
    }

    #[test]
    fn filepath_semantics() {
        let f = |p: &str, s: &str| Glob::filepath(p).expect("valid").matches(s);
        assert!(f("templates/*", "templates/a.yaml"));
        assert!(!f("templates/*", "templates/sub/a.yaml"));
        assert!(f("templates/[^b]*.yaml", "templates/a.yaml"));
        assert!(f("templates/a.yaml", "templates/a.yaml"));
        assert!(!f("templates/a.yaml", "templates/b.yaml"));
        assert!(Glob::filepath("[").is_none());
    }
}
