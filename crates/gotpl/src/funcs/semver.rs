//! Semantic versions with Masterminds/semver v3.4 rules (what sprig's `semver` and
//! `semverCompare` and helm's dependency/kubeVersion checks use).
//!
//! Public API for the chart loader: [`Version::parse`], [`Constraints::parse`],
//! [`Constraints::check`]. The rules differ from Cargo's: `1.2` means `1.2.0`, a leading `v`
//! is allowed, `x`/`*` wildcards mark a constraint "dirty", and a pre-release version only
//! satisfies a constraint term that itself names a pre-release (`>=1.21-0`).

use crate::func::{FuncDef, Host};
use crate::value::{Object, Value};
use regex_lite::Regex;
use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;
use std::sync::OnceLock;

/// The version grammar: `v?MAJOR(.MINOR)?(.PATCH)?(-PRE)?(+META)?` (matched by
/// [`split_version`]; the pattern is kept for the test that checks it agrees).
#[cfg(test)]
const VERSION_RE: &str = r"v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
/// A version inside a constraint: segments may be wildcards (the class admits `|` too, as the
/// reference grammar does).
const CONSTRAINT_VERSION_RE: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
/// Operators, longest alternatives tried by backtracking where anchored.
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";

pub(super) struct Res {
    pub(super) single: Regex,
    pub(super) range: Regex,
    pub(super) find: Regex,
    pub(super) valid: Regex,
}

/// Constraints longer than this are matched with the patterns themselves (compiled on
/// `regex-lite`, linear time); shorter ones, all real ones, by [`super::semver_grammar`].
const LONG_CONSTRAINT: usize = 1024;

/// The constraint grammar as patterns, for constraints over [`LONG_CONSTRAINT`] bytes.
/// `\s` is spelled out as Go's ASCII class.
pub(super) fn res() -> &'static Res {
    static R: OnceLock<Res> = OnceLock::new();
    R.get_or_init(|| {
        let cv = CONSTRAINT_VERSION_RE;
        let build = |s: String| {
            Regex::new(&s.replace(r"\s", r"[\t\n\x0C\r ]")).unwrap_or_else(|_| unreachable_regex())
        };
        Res {
            single: build(format!(r"^\s*({OPS})\s*({cv})\s*$")),
            range: build(format!(r"\s*({cv})\s+-\s+({cv})\s*")),
            find: build(format!(r"({OPS})\s*({cv})")),
            valid: build(format!(
                r"^(\s*({OPS})\s*({cv})\s*)((?:\s+|,\s*)({OPS})\s*({cv})\s*)*$"
            )),
        }
    })
}

/// The patterns above are constants known to compile; this only satisfies the type checker
/// without a panic path on user input.
fn unreachable_regex() -> Regex {
    Regex::new("$^").expect("trivial regex")
}

/// [`VERSION_RE`] as a full match, by hand (a regex compile was a third of a small chart's
/// run): the major, `.minor`, `.patch`, pre-release and build-metadata parts, the two optional
/// dotted segments with their dot (as the pattern's groups 1, 2, 3, 5 and 8 capture them).
/// The grammar's parts are separated by characters the previous part cannot contain, so the
/// match is unique and a single left-to-right pass decides it.
fn split_version(s: &str) -> Option<[Option<&str>; 5]> {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'v'));
    let digits = |from: usize| from + b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let major_end = digits(i);
    if major_end == i {
        return None;
    }
    let mut out = [Some(&s[i..major_end]), None, None, None, None];
    i = major_end;
    for slot in &mut out[1..3] {
        if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
            let end = digits(i + 1);
            *slot = Some(&s[i..end]);
            i = end;
        }
    }
    // `ident(\.ident)*` with ident = [0-9A-Za-z-]+: the run of those bytes and dots, with no
    // empty identifier.
    let dotted = |from: usize| -> Option<usize> {
        let end = from
            + b[from..]
                .iter()
                .take_while(|&&c| c.is_ascii_alphanumeric() || c == b'-' || c == b'.')
                .count();
        let part = &s[from..end];
        (!part.is_empty() && part.split('.').all(|id| !id.is_empty())).then_some(end)
    };
    if b.get(i) == Some(&b'-') {
        let end = dotted(i + 1)?;
        out[3] = Some(&s[i + 1..end]);
        i = end;
    }
    if b.get(i) == Some(&b'+') {
        let end = dotted(i + 1)?;
        out[4] = Some(&s[i + 1..end]);
        i = end;
    }
    (i == b.len()).then_some(out)
}

/// A parsed semantic version.
#[derive(Clone, Debug)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub pre: String,
    pub metadata: String,
    pub original: String,
}

impl Version {
    /// Parses like Masterminds `NewVersion` (lenient: `v1`, `1.2`, `1.2.3-rc.1+b5`).
    pub fn parse(s: &str) -> Result<Version, String> {
        let Some(m) = split_version(s) else {
            return Err("invalid semantic version".into());
        };
        let seg = |i: usize| -> Result<u64, String> {
            match m[i - 1] {
                None => Ok(0),
                Some(g) => {
                    let t = g.trim_start_matches('.');
                    t.parse::<u64>().map_err(|_| {
                        format!(
                            "error parsing version segment: strconv.ParseUint: parsing {:?}: value out of range",
                            t
                        )
                    })
                }
            }
        };
        let v = Version {
            major: seg(1)?,
            minor: seg(2)?,
            patch: seg(3)?,
            pre: m[3].unwrap_or("").to_string(),
            metadata: m[4].unwrap_or("").to_string(),
            original: s.to_string(),
        };
        for part in v.pre.split('.') {
            if v.pre.is_empty() {
                break;
            }
            if part.len() > 1 && part.starts_with('0') && part.bytes().all(|b| b.is_ascii_digit()) {
                return Err("version segment starts with 0".into());
            }
        }
        Ok(v)
    }

    /// Masterminds `StrictNewVersion`: exactly `MAJOR.MINOR.PATCH[-PRE][+META]` as SemVer 2.0
    /// spells it (no `v`, no missing parts, no leading zeros). helm lint warns "is not a valid
    /// SemVerV2" when this fails but [`Version::parse`] succeeds.
    pub fn parse_strict(s: &str) -> Result<Version, String> {
        if s.is_empty() {
            return Err("version string empty".into());
        }
        let (core, meta) = match s.split_once('+') {
            Some((c, m)) => (c, Some(m)),
            None => (s, None),
        };
        let (core, pre) = match core.split_once('-') {
            Some((c, p)) => (c, Some(p)),
            None => (core, None),
        };
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() != 3 {
            return Err("invalid semantic version".into());
        }
        for p in &parts {
            if p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()) {
                return Err("invalid characters in version".into());
            }
            if p.len() > 1 && p.starts_with('0') {
                return Err("version segment starts with 0".into());
            }
        }
        let ident_ok =
            |x: &str| !x.is_empty() && x.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if let Some(pre) = pre {
            for id in pre.split('.') {
                if !ident_ok(id) {
                    return Err("invalid prerelease string".into());
                }
            }
        }
        if let Some(meta) = meta {
            if !meta.split('.').all(ident_ok) {
                return Err("invalid metadata string".into());
            }
        }
        Version::parse(s)
    }

    /// Masterminds `Compare`: -1/0/1; metadata is ignored.
    pub fn compare(&self, o: &Version) -> Ordering {
        let t = (self.major, self.minor, self.patch).cmp(&(o.major, o.minor, o.patch));
        if t != Ordering::Equal {
            return t;
        }
        match (self.pre.is_empty(), o.pre.is_empty()) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => compare_prerelease(&self.pre, &o.pre),
        }
    }

    fn with_pre_meta(&self, pre: &str, meta: &str) -> Version {
        let mut v = self.clone();
        v.pre = pre.to_string();
        v.metadata = meta.to_string();
        v.original = v.to_string();
        v
    }
}

/// Equality and order ignore build metadata, as Masterminds `Equal`/`Compare` do.
impl PartialEq for Version {
    fn eq(&self, o: &Version) -> bool {
        self.compare(o) == Ordering::Equal
    }
}

impl Eq for Version {}

impl PartialOrd for Version {
    fn partial_cmp(&self, o: &Version) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Version {
    fn cmp(&self, o: &Version) -> Ordering {
        self.compare(o)
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let ap: Vec<&str> = a.split('.').collect();
    let bp: Vec<&str> = b.split('.').collect();
    for i in 0..ap.len().max(bp.len()) {
        let s = ap.get(i).copied().unwrap_or("");
        let o = bp.get(i).copied().unwrap_or("");
        let d = compare_pre_part(s, o);
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

/// One dot-separated pre-release identifier: numeric ones compare as numbers and sort before
/// alphanumeric ones; a missing identifier sorts first (`alpha` < `alpha.beta`).
fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    let sn = s.parse::<u64>().ok();
    let on = o.parse::<u64>().ok();
    match (sn, on) {
        (Some(x), Some(y)) => {
            if x > y {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Op {
    TildeOrEqual,
    NotEqual,
    Greater,
    Less,
    GreaterEqual,
    LessEqual,
    Tilde,
    Caret,
}

#[derive(Clone, Debug)]
struct Term {
    op: Op,
    con: Version,
    minor_dirty: bool,
    patch_dirty: bool,
    dirty: bool,
}

/// A parsed constraint: OR groups (`||`) of AND terms (space or comma separated).
#[derive(Clone, Debug)]
pub struct Constraints {
    groups: Vec<Vec<Term>>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraints {
    /// Parses like Masterminds `NewConstraint`; errors read `improper constraint: ...`.
    pub fn parse(c: &str) -> Result<Constraints, String> {
        let c = rewrite_ranges(c);
        let mut groups = Vec::new();
        for seg in c.split("||") {
            let long = seg.len() > LONG_CONSTRAINT;
            let valid = if long {
                res().valid.is_match(seg)
            } else {
                super::semver_grammar::valid(seg)
            };
            if !valid {
                return Err(format!("improper constraint: {seg}"));
            }
            let found: Vec<&str> = if long {
                res().find.find_iter(seg).map(|m| m.as_str()).collect()
            } else {
                super::semver_grammar::find_terms(seg)
                    .into_iter()
                    .map(|(a, b)| &seg[a..b])
                    .collect()
            };
            let found = if found.is_empty() { vec![seg] } else { found };
            let mut terms = Vec::new();
            for t in found {
                terms.push(parse_term(t)?);
            }
            groups.push(terms);
        }
        Ok(Constraints { groups })
    }

    /// True when some OR group has every term satisfied.
    pub fn check(&self, v: &Version) -> bool {
        self.groups
            .iter()
            .any(|g| g.iter().all(|t| term_check(t, v)))
    }
}

/// `1.2 - 1.4.5` becomes `>= 1.2, <= 1.4.5`.
fn rewrite_ranges(c: &str) -> String {
    let mut out = c.to_string();
    let caps: Vec<(String, String, String)> = if c.len() > LONG_CONSTRAINT {
        res()
            .range
            .captures_iter(c)
            .map(|m| {
                (
                    m.get(0).map_or("", |g| g.as_str()).to_string(),
                    m.get(1).map_or("", |g| g.as_str()).to_string(),
                    m.get(11).map_or("", |g| g.as_str()).to_string(),
                )
            })
            .collect()
    } else {
        super::semver_grammar::find_ranges(c)
            .into_iter()
            .map(|((s, e), a, b)| {
                (
                    c[s..e].to_string(),
                    c[a.start..a.end].to_string(),
                    c[b.start..b.end].to_string(),
                )
            })
            .collect()
    };
    for (whole, a, b) in caps {
        out = out.replacen(&whole, &format!(">= {a}, <= {b}"), 1);
    }
    out
}

fn parse_term(t: &str) -> Result<Term, String> {
    if t.is_empty() {
        return Ok(Term {
            op: Op::TildeOrEqual,
            con: Version::parse("0.0.0")?,
            minor_dirty: false,
            patch_dirty: false,
            dirty: true,
        });
    }
    // The pattern's groups: 1 operator, 2 version, 3 major, 4 `.minor`, 5 `.patch`, 6 `-pre`.
    let groups: [&str; 7] = if t.len() > LONG_CONSTRAINT {
        let Some(m) = res().single.captures(t) else {
            return Err(format!("improper constraint: {t}"));
        };
        std::array::from_fn(|i| m.get(i).map_or("", |x| x.as_str()))
    } else {
        let Some((op, cv)) = super::semver_grammar::single(t) else {
            return Err(format!("improper constraint: {t}"));
        };
        let part = |p: Option<(usize, usize)>| p.map_or("", |(a, b)| &t[a..b]);
        [
            t,
            op,
            &t[cv.start..cv.end],
            &t[cv.major.0..cv.major.1],
            part(cv.minor),
            part(cv.patch),
            part(cv.pre),
        ]
    };
    let g = |i: usize| groups[i];
    let op = match g(1) {
        "" | "=" => Op::TildeOrEqual,
        "!=" => Op::NotEqual,
        ">" => Op::Greater,
        "<" => Op::Less,
        ">=" | "=>" => Op::GreaterEqual,
        "<=" | "=<" => Op::LessEqual,
        "~" | "~>" => Op::Tilde,
        _ => Op::Caret,
    };
    let (major, minor, patch, pre) = (g(3), g(4), g(5), g(6));
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let ver = if is_x(major) || major.is_empty() {
        dirty = true;
        format!("0.0.0{pre}")
    } else if is_x(minor.trim_start_matches('.')) || minor.is_empty() {
        minor_dirty = true;
        dirty = true;
        format!("{major}.0.0{pre}")
    } else if is_x(patch.trim_start_matches('.')) || patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        format!("{major}{minor}.0{pre}")
    } else {
        g(2).to_string()
    };
    let con = Version::parse(&ver).map_err(|_| "constraint Parser Error".to_string())?;
    Ok(Term {
        op,
        con,
        minor_dirty,
        patch_dirty,
        dirty,
    })
}

fn term_check(c: &Term, v: &Version) -> bool {
    // A pre-release version only matches terms that name a pre-release themselves.
    if !v.pre.is_empty() && c.con.pre.is_empty() {
        return false;
    }
    let cmp = v.compare(&c.con);
    match c.op {
        Op::TildeOrEqual => {
            if c.dirty {
                tilde(c, v)
            } else {
                cmp == Ordering::Equal
            }
        }
        Op::NotEqual => not_equal(c, v),
        Op::Greater => {
            if !c.dirty {
                return cmp == Ordering::Greater;
            }
            if v.major != c.con.major {
                return v.major > c.con.major;
            }
            if c.minor_dirty {
                return false;
            }
            if c.patch_dirty {
                return v.minor > c.con.minor;
            }
            cmp == Ordering::Greater
        }
        Op::Less => cmp == Ordering::Less,
        Op::GreaterEqual => cmp != Ordering::Less,
        Op::LessEqual => {
            if !c.dirty {
                return cmp != Ordering::Greater;
            }
            !(v.major > c.con.major
                || (v.major == c.con.major && v.minor > c.con.minor && !c.minor_dirty))
        }
        Op::Tilde => tilde(c, v),
        Op::Caret => caret(c, v),
    }
}

fn not_equal(c: &Term, v: &Version) -> bool {
    if c.dirty {
        if c.con.major != v.major {
            return true;
        }
        if c.con.minor != v.minor && !c.minor_dirty {
            return true;
        } else if c.minor_dirty {
            return false;
        } else if c.con.patch != v.patch && !c.patch_dirty {
            return true;
        } else if c.patch_dirty {
            if !v.pre.is_empty() || !c.con.pre.is_empty() {
                return compare_prerelease(&v.pre, &c.con.pre) != Ordering::Equal;
            }
            return false;
        }
    }
    v.compare(&c.con) != Ordering::Equal
}

fn tilde(c: &Term, v: &Version) -> bool {
    if v.compare(&c.con) == Ordering::Less {
        return false;
    }
    if c.con.major == 0 && c.con.minor == 0 && c.con.patch == 0 && !c.minor_dirty && !c.patch_dirty
    {
        return true;
    }
    if v.major != c.con.major {
        return false;
    }
    v.minor == c.con.minor || c.minor_dirty
}

fn caret(c: &Term, v: &Version) -> bool {
    if v.compare(&c.con) == Ordering::Less {
        return false;
    }
    if c.con.major > 0 || c.minor_dirty {
        return v.major == c.con.major;
    }
    if v.major > 0 {
        return false;
    }
    if c.con.minor > 0 || c.patch_dirty {
        return v.minor == c.con.minor;
    }
    if v.minor > 0 {
        return false;
    }
    v.patch == c.con.patch
}

/// The `*semver.Version` a template gets from `semver`.
struct VersionObject(Version);

fn version_arg(v: &Value) -> Result<Version, String> {
    match v {
        Value::Object(o) if o.type_name() == "*semver.Version" => Version::parse(&o.print()),
        other => Err(format!(
            "wrong type for value; expected *semver.Version; got {}",
            other.type_name()
        )),
    }
}

fn obj(v: Version) -> Value {
    Value::Object(Rc::new(VersionObject(v)))
}

impl Object for VersionObject {
    fn stringer(&self) -> bool {
        true
    }
    fn type_name(&self) -> &str {
        "*semver.Version"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        let v = &self.0;
        let r = match name {
            "Major" => Value::Uint(v.major),
            "Minor" => Value::Uint(v.minor),
            "Patch" => Value::Uint(v.patch),
            "Prerelease" => Value::str(&v.pre),
            "Metadata" => Value::str(&v.metadata),
            "Original" => Value::str(&v.original),
            "String" => Value::str(v.to_string()),
            "IncPatch" => {
                // A pre-release bumps to its own release; otherwise patch+1.
                let mut n = v.with_pre_meta("", "");
                if v.pre.is_empty() {
                    n.patch = v.patch.saturating_add(1);
                }
                n.original = n.to_string();
                obj(n)
            }
            "IncMinor" => {
                let mut n = v.with_pre_meta("", "");
                n.minor = v.minor.saturating_add(1);
                n.patch = 0;
                n.original = n.to_string();
                obj(n)
            }
            "IncMajor" => {
                let mut n = v.with_pre_meta("", "");
                n.major = v.major.saturating_add(1);
                n.minor = 0;
                n.patch = 0;
                n.original = n.to_string();
                obj(n)
            }
            _ => return None,
        };
        Some(Ok(r))
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let one = |args: &[Value]| -> Result<Version, String> {
            match args {
                [a] => version_arg(a),
                _ => Err(format!(
                    "wrong number of args for {method}: want 1 got {}",
                    args.len()
                )),
            }
        };
        let v = &self.0;
        let r = match method {
            "Compare" => one(args).map(|o| Value::Int(v.compare(&o) as i64)),
            "LessThan" => one(args).map(|o| Value::Bool(v.compare(&o) == Ordering::Less)),
            "GreaterThan" => one(args).map(|o| Value::Bool(v.compare(&o) == Ordering::Greater)),
            "Equal" => one(args).map(|o| Value::Bool(v.compare(&o) == Ordering::Equal)),
            "SetPrerelease" | "SetMetadata" => match args {
                [Value::Str(s)] => {
                    let ok = s.is_empty()
                        || s.split('.').all(|p| {
                            !p.is_empty()
                                && p.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        });
                    if !ok {
                        Err(if method == "SetPrerelease" {
                            "invalid prerelease string".into()
                        } else {
                            "invalid metadata string".into()
                        })
                    } else if method == "SetPrerelease" {
                        Ok(obj(v.with_pre_meta(s, &v.metadata)))
                    } else {
                        Ok(obj(v.with_pre_meta(&v.pre, s)))
                    }
                }
                _ => Err(format!("wrong type for value; expected string; {method}")),
            },
            _ => return self.field(method),
        };
        Some(r)
    }
    fn print(&self) -> String {
        self.0.to_string()
    }
    fn to_plain(&self) -> Value {
        Value::str(self.0.to_string())
    }
}

fn f_semver(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Version::parse(a[0].as_str().unwrap_or_default()).map(obj)
}

/// [`Constraints::parse`] memoized per thread: charts call `semverCompare` in loops and
/// helpers with the same few constraints, and parsing one runs several regexes.
fn parse_constraints_cached(c: &str) -> Result<Constraints, String> {
    use std::cell::RefCell;
    use std::collections::HashMap;
    thread_local! {
        static CACHE: RefCell<HashMap<String, Result<Constraints, String>>> =
            RefCell::new(HashMap::new());
    }
    if let Some(hit) = CACHE.with(|m| m.borrow().get(c).cloned()) {
        return hit;
    }
    let parsed = Constraints::parse(c);
    CACHE.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= 256 {
            m.clear();
        }
        m.insert(c.to_string(), parsed.clone());
    });
    parsed
}

fn f_semver_compare(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let c = parse_constraints_cached(a[0].as_str().unwrap_or_default())?;
    let v = Version::parse(a[1].as_str().unwrap_or_default())?;
    Ok(Value::Bool(c.check(&v)))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "semver"(Str) => f_semver,
    "semverCompare"(Str, Str) => f_semver_compare,
];

#[cfg(test)]
mod tests {
    use super::*;

    fn chk(c: &str, v: &str) -> bool {
        Constraints::parse(c)
            .unwrap()
            .check(&Version::parse(v).unwrap())
    }

    /// The hand-written version split against the pattern itself on regex-lite, over every
    /// string of up to 6 characters from the grammar's alphabet.
    #[test]
    fn split_version_equals_pattern() {
        let re = Regex::new(&format!("^{VERSION_RE}$")).unwrap();
        let alphabet = ['v', '0', '1', '.', '-', '+', 'a', 'x'];
        let mut stack = vec![String::new()];
        let mut matched = 0;
        while let Some(s) = stack.pop() {
            let want = re
                .captures(&s)
                .map(|c| [1, 2, 3, 5, 8].map(|g| c.get(g).map(|m| m.as_str())));
            assert_eq!(split_version(&s), want, "{s:?}");
            matched += usize::from(want.is_some());
            if s.len() < 6 {
                for c in alphabet {
                    stack.push(format!("{s}{c}"));
                }
            }
        }
        assert!(matched > 1000, "{matched}");
    }

    /// Constraints over the hand matcher's length take the patterns' path, with the same
    /// results.
    #[test]
    fn long_constraints_use_the_patterns() {
        let pad = " ".repeat(LONG_CONSTRAINT);
        for (c, v, want) in [
            (format!(">= 1.2{pad}"), "1.3.0", true),
            (format!("{pad}1.2 - 1.4{pad}"), "1.5.0", false),
            (format!("~1.2,{pad}!= 1.2.3"), "1.2.3", false),
        ] {
            assert_eq!(chk(&c, v), want, "{v}");
            assert_eq!(chk(c.trim(), v), want, "{v} short");
        }
        assert!(Constraints::parse(&format!(">= 1.2 junk{pad}")).is_err());
    }

    /// `constraint;version;result` lines printed by helm v4.1.4's `semverCompare`.
    #[test]
    fn matches_helm_compare_matrix() {
        let data = include_str!("testdata/semver_compare_helm.txt");
        let mut n = 0;
        for line in data.lines() {
            let p: Vec<&str> = line.split(';').collect();
            assert_eq!(chk(p[0], p[1]).to_string(), p[2], "{line}");
            n += 1;
        }
        assert!(n > 1000);
    }

    #[test]
    fn parse_errors_match_helm() {
        assert_eq!(
            Version::parse("1.2.3.4").unwrap_err(),
            "invalid semantic version"
        );
        assert_eq!(
            Version::parse("1.2.3-01").unwrap_err(),
            "version segment starts with 0"
        );
        assert_eq!(
            Constraints::parse("foo").unwrap_err(),
            "improper constraint: foo"
        );
        assert_eq!(Constraints::parse("").unwrap_err(), "improper constraint: ");
        assert_eq!(Version::parse("01.2.3").unwrap().to_string(), "1.2.3");
    }

    #[test]
    fn strict_parse_matches_helm_lint() {
        // helm lint warns "not a valid SemVerV2" for the first group only.
        for v in ["1.2", "v1.2.3", "01.2.3"] {
            assert!(
                Version::parse(v).is_ok() && Version::parse_strict(v).is_err(),
                "{v}"
            );
        }
        for v in ["1.2.3-01", "1.2.3.4"] {
            assert!(
                Version::parse(v).is_err() && Version::parse_strict(v).is_err(),
                "{v}"
            );
        }
        for v in ["0.1.0", "1.2.3-rc.1+build.5", "10.20.30-alpha-1"] {
            assert!(Version::parse_strict(v).is_ok(), "{v}");
        }
    }

    #[test]
    fn parses_versions() {
        let v = Version::parse("v1.2.3-rc.1+b.5").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, 2, 3));
        assert_eq!(v.pre, "rc.1");
        assert_eq!(v.metadata, "b.5");
        assert_eq!(v.to_string(), "1.2.3-rc.1+b.5");
        assert_eq!(Version::parse("1.2").unwrap().to_string(), "1.2.0");
        assert!(Version::parse("1.2.3.4").is_err());
        assert!(Version::parse("").is_err());
        assert!(Version::parse("1.0.0-01").is_err());
        let mut vs: Vec<Version> = ["1.10.0", "1.2.0", "1.2.0-rc.1", "v1.2.0+b"]
            .iter()
            .map(|s| Version::parse(s).unwrap())
            .collect();
        vs.sort();
        let sorted: Vec<String> = vs.iter().map(|v| v.original.clone()).collect();
        assert_eq!(sorted, ["1.2.0-rc.1", "1.2.0", "v1.2.0+b", "1.10.0"]);
    }
}
