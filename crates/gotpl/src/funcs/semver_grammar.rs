//! Masterminds/semver's constraint patterns, matched by hand with the regex semantics they
//! are used with (anchored full matches, leftmost-first searches): compiling them was a tenth
//! of a small chart's run. The tests compare every function with the patterns themselves.
//!
//! A constraint version (`cv`) is `v?S+(\.S+)?(\.S+)?(-I+(\.I+)*)?(\+I+(\.I+)*)?` with
//! `S = [0-9xX*|]` and `I = [0-9A-Za-z-]`; operators are tried in the pattern's order.

/// The operator alternatives in the patterns' priority order (`""` is the second).
const OPS: [&str; 12] = [
    "=", "", "!=", ">", "<", ">=", "=>", "<=", "=<", "~", "~>", "^",
];

use super::regex::go_space as ws;

fn seg(b: u8) -> bool {
    b.is_ascii_digit() || matches!(b, b'x' | b'X' | b'*' | b'|')
}

fn ident(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'-'
}

/// The end of the whitespace run at `i`.
fn ws_end(b: &[u8], i: usize) -> usize {
    i + b[i..].iter().take_while(|&&c| ws(c)).count()
}

/// A constraint version's parts, as byte spans: the `.minor`/`.patch` spans include their dot
/// and the pre-release span its `-`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub(super) struct Cv {
    pub start: usize,
    pub end: usize,
    pub major: (usize, usize),
    pub minor: Option<(usize, usize)>,
    pub patch: Option<(usize, usize)>,
    pub pre: Option<(usize, usize)>,
}

/// Every way a `cv` can match from `i`: the parse ending at each accepting position, in
/// increasing order (the pattern's grammar is deterministic, so each end has one parse; the
/// last one is the greedy match).
fn cv_matches(b: &[u8], i: usize) -> Vec<Cv> {
    #[derive(Clone, Copy, PartialEq)]
    enum St {
        Start,
        AfterV,
        Major,
        Dot1,
        Minor,
        Dot2,
        Patch,
        PreStart,
        Pre,
        PreDot,
        MetaStart,
        Meta,
        MetaDot,
    }
    let mut out = Vec::new();
    let mut st = St::Start;
    let mut cv = Cv {
        start: i,
        end: i,
        major: (i, i),
        ..Cv::default()
    };
    let mut p = i;
    while p < b.len() {
        let c = b[p];
        let next = match st {
            St::Start if c == b'v' => St::AfterV,
            St::Start | St::AfterV if seg(c) => {
                cv.major.0 = p;
                St::Major
            }
            St::Major | St::Minor | St::Patch if seg(c) => st,
            St::Major if c == b'.' => St::Dot1,
            St::Minor if c == b'.' => St::Dot2,
            St::Dot1 if seg(c) => {
                cv.minor = Some((p - 1, p));
                St::Minor
            }
            St::Dot2 if seg(c) => {
                cv.patch = Some((p - 1, p));
                St::Patch
            }
            St::Major | St::Minor | St::Patch if c == b'-' => {
                cv.pre = Some((p, p));
                St::PreStart
            }
            St::Major | St::Minor | St::Patch | St::Pre if c == b'+' => St::MetaStart,
            St::PreStart | St::Pre | St::PreDot if ident(c) => St::Pre,
            St::Pre if c == b'.' => St::PreDot,
            St::MetaStart | St::Meta | St::MetaDot if ident(c) => St::Meta,
            St::Meta if c == b'.' => St::MetaDot,
            _ => break,
        };
        st = next;
        p += 1;
        match st {
            St::Major => cv.major.1 = p,
            St::Minor => {
                if let Some(m) = cv.minor.as_mut() {
                    m.1 = p;
                }
            }
            St::Patch => {
                if let Some(m) = cv.patch.as_mut() {
                    m.1 = p;
                }
            }
            St::Pre => {
                if let Some(m) = cv.pre.as_mut() {
                    m.1 = p;
                }
            }
            _ => {}
        }
        if matches!(st, St::Major | St::Minor | St::Patch | St::Pre | St::Meta) {
            cv.end = p;
            out.push(cv);
        }
    }
    out
}

/// The operators that match at `i`, in priority order, as their ends.
fn op_ends(b: &[u8], i: usize) -> impl Iterator<Item = usize> + '_ {
    OPS.iter()
        .filter(move |op| b[i..].starts_with(op.as_bytes()))
        .map(move |op| i + op.len())
}

/// `^\s*(OPS)\s*(cv)\s*$`: the operator and the version.
pub(super) fn single(s: &str) -> Option<(&str, Cv)> {
    let b = s.as_bytes();
    let i = ws_end(b, 0);
    for op_end in op_ends(b, i) {
        let j = ws_end(b, op_end);
        if let Some(cv) = cv_matches(b, j)
            .into_iter()
            .find(|m| ws_end(b, m.end) == b.len())
        {
            return Some((&s[i..op_end], cv));
        }
    }
    None
}

/// `(OPS)\s*(cv)` searched leftmost-first, non-overlapping: each match's span.
pub(super) fn find_terms(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i <= b.len() {
        let hit = op_ends(b, i).find_map(|op_end| cv_matches(b, ws_end(b, op_end)).pop());
        match hit {
            Some(cv) => {
                out.push((i, cv.end));
                i = cv.end;
            }
            None => i += 1,
        }
    }
    out
}

/// `\s*(cv)\s+-\s+(cv)\s*` searched leftmost-first: each match's span and its two versions.
pub(super) fn find_ranges(s: &str) -> Vec<((usize, usize), Cv, Cv)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i <= b.len() {
        let hit = (|| {
            let a = cv_matches(b, ws_end(b, i))
                .into_iter()
                .rev()
                .find(|m| b.get(m.end).is_some_and(|&c| ws(c)))?;
            let dash = ws_end(b, a.end);
            if b.get(dash) != Some(&b'-') || !b.get(dash + 1).is_some_and(|&c| ws(c)) {
                return None;
            }
            let second = cv_matches(b, ws_end(b, dash + 1)).pop()?;
            Some(((i, ws_end(b, second.end)), a, second))
        })();
        match hit {
            Some(m) => {
                // A match is never empty: it holds two versions.
                i = m.0 .1;
                out.push(m);
            }
            None => i += 1,
        }
    }
    out
}

/// `^(\s*(OPS)\s*(cv)\s*)((?:\s+|,\s*)(OPS)\s*(cv)\s*)*$`: whether `s` is a list of terms.
pub(super) fn valid(s: &str) -> bool {
    let b = s.as_bytes();
    let n = b.len();
    // Positions after `\s*(OPS)\s*(cv)\s*` from any of `starts`.
    let term = |starts: &[usize]| -> Vec<usize> {
        let mut ends = Vec::new();
        for &p in starts {
            for q in p..=ws_end(b, p) {
                for op_end in op_ends(b, q) {
                    for r in op_end..=ws_end(b, op_end) {
                        for cv in cv_matches(b, r) {
                            ends.extend(cv.end..=ws_end(b, cv.end));
                        }
                    }
                }
            }
        }
        ends.sort_unstable();
        ends.dedup();
        ends
    };
    let mut seen = vec![false; n + 1];
    let mut frontier = term(&[0]);
    while !frontier.is_empty() {
        frontier.retain(|&p| !std::mem::replace(&mut seen[p], true));
        // `(?:\s+|,\s*)` from each new position.
        let mut starts = Vec::new();
        for &p in &frontier {
            if b.get(p).is_some_and(|&c| ws(c)) {
                starts.extend(p + 1..=ws_end(b, p));
            }
            if b.get(p) == Some(&b',') {
                starts.extend(p + 1..=ws_end(b, p + 1));
            }
        }
        starts.sort_unstable();
        starts.dedup();
        frontier = term(&starts);
        frontier.retain(|&p| !seen[p]);
    }
    seen[n]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::semver::{res, Res};

    fn check(p: &Res, s: &str) {
        let span = |m: Option<regex_lite::Match>| m.map(|m| (m.start(), m.end()));
        // single: operator, version and its groups.
        let want = p.single.captures(s).map(|c| {
            (
                c.get(1).map_or("", |m| m.as_str()),
                span(c.get(2)),
                span(c.get(3)),
                span(c.get(4)),
                span(c.get(5)),
                span(c.get(6)),
            )
        });
        let got = single(s).map(|(op, cv)| {
            (
                op,
                Some((cv.start, cv.end)),
                Some(cv.major),
                cv.minor,
                cv.patch,
                cv.pre,
            )
        });
        assert_eq!(got, want, "single {s:?}");
        let want: Vec<_> = p.find.find_iter(s).map(|m| (m.start(), m.end())).collect();
        assert_eq!(find_terms(s), want, "find {s:?}");
        let want: Vec<_> = p
            .range
            .captures_iter(s)
            .map(|c| (span(c.get(0)), span(c.get(1)), span(c.get(11))))
            .collect();
        let got: Vec<_> = find_ranges(s)
            .into_iter()
            .map(|(w, a, b)| (Some(w), Some((a.start, a.end)), Some((b.start, b.end))))
            .collect();
        assert_eq!(got, want, "range {s:?}");
        assert_eq!(valid(s), p.valid.is_match(s), "valid {s:?}");
    }

    #[test]
    fn agrees_with_the_patterns_on_short_strings() {
        let p = res();
        let alphabet = [
            ' ', ',', '=', '<', '>', '!', '~', '^', '1', '.', '-', '+', 'x', 'v', 'a',
        ];
        let mut stack = vec![String::new()];
        while let Some(s) = stack.pop() {
            check(p, &s);
            if s.len() < 5 {
                for c in alphabet {
                    stack.push(format!("{s}{c}"));
                }
            }
        }
    }

    #[test]
    fn agrees_with_the_patterns_on_constraint_like_strings() {
        let p = res();
        let tokens = [
            " ", "  ", ",", ", ", "=", ">=", "<=", "=>", "=<", "!=", "~", "~>", "^", ">", "<", "1",
            "1.2", "1.2.3", "v1", "1.x", "1.2.*", "x", "-", " - ", "-rc.1", "-0", "+b.5", ".", "a",
            "|", "1.2.3.4", "\t",
        ];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..60_000 {
            let mut s = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            for _ in 0..(x % 9) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                s.push_str(tokens[(x % tokens.len() as u64) as usize]);
            }
            check(p, &s);
        }
    }
}
