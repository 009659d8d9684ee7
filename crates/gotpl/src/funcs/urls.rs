//! Sprig's `urlParse` and `urlJoin` with Go `net/url` parsing and escaping rules.
//! (`urlquery` is text/template's own builtin; sprig does not override it.)

use crate::func::{FuncDef, Host};
use crate::value::{Map, Value};

#[derive(Default, Debug, PartialEq)]
pub struct Url {
    pub scheme: String,
    pub opaque: String,
    /// Escaped `user[:password]`, as Go's `Userinfo.String()` prints it; `None` when absent.
    pub userinfo: Option<String>,
    pub host: String,
    pub path: String,
    pub raw_query: String,
    pub fragment: String,
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host && b"!$&'()*+,;=:[]<>\"".contains(&c) {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host => true,
            }
        }
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if should_escape(b, mode) {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push(b as char);
        }
    }
    out
}

/// Go's `unescape` for the given component; `%zz` is `invalid URL escape "%zz"`.
fn unescape(s: &str, mode: Mode) -> Result<String, String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = |c: u8| (c as char).to_digit(16);
            match (
                b.get(i + 1).and_then(|&c| hex(c)),
                b.get(i + 2).and_then(|&c| hex(c)),
            ) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                }
                _ => {
                    let end = (i + 3).min(b.len());
                    let bad = String::from_utf8_lossy(&b[i..end]);
                    return Err(format!("invalid URL escape {bad:?}"));
                }
            }
        } else {
            if mode == Mode::Host && b[i] < 0x80 && should_escape(b[i], Mode::Host) && b[i] != b'%'
            {
                let bad = (b[i] as char).to_string();
                return Err(format!("invalid character {bad:?} in host name"));
            }
            out.push(b[i]);
            i += 1;
        }
    }
    Ok(String::from_utf8_lossy(&out).into_owned())
}

/// Go's host validation: an IPv6 literal needs its `]`, and a port must be all digits.
fn check_port(host: &str) -> Result<(), String> {
    let port = if let Some(r) = host.strip_prefix('[') {
        let Some(i) = r.find(']') else {
            return Err("missing ']' in host".into());
        };
        &r[i + 1..]
    } else {
        match host.rfind(':') {
            Some(i) => &host[i..],
            None => "",
        }
    };
    if port.is_empty() {
        return Ok(());
    }
    match port.strip_prefix(':') {
        Some(d) if d.bytes().all(|b| b.is_ascii_digit()) => Ok(()),
        _ => Err(format!("invalid port {port:?} after host")),
    }
}

/// Go's `url.Parse`; the error is the text after `parse "<url>": `.
pub fn parse(raw: &str) -> Result<Url, String> {
    let wrap = |e: String| format!("parse {raw:?}: {e}");
    let mut u = Url::default();
    let (rest, frag) = match raw.find('#') {
        Some(i) => (&raw[..i], Some(&raw[i + 1..])),
        None => (raw, None),
    };
    if let Some(f) = frag {
        u.fragment = unescape(f, Mode::Fragment).map_err(wrap)?;
    }
    if rest.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(wrap("net/url: invalid control character in URL".into()));
    }
    let mut rest = rest;
    // A scheme is a letter followed by letters, digits, `+`, `-`, `.`, ending at `:`.
    for (i, c) in rest.char_indices() {
        if c.is_ascii_alphabetic() {
            continue;
        }
        if c.is_ascii_digit() || c == '+' || c == '-' || c == '.' {
            if i == 0 {
                break;
            }
            continue;
        }
        if c == ':' {
            if i == 0 {
                return Err(wrap("missing protocol scheme".into()));
            }
            u.scheme = rest[..i].to_ascii_lowercase();
            rest = &rest[i + 1..];
        }
        break;
    }
    if let Some(i) = rest.find('?') {
        u.raw_query = rest[i + 1..].to_string();
        rest = &rest[..i];
    }
    if !rest.starts_with('/') {
        if !u.scheme.is_empty() {
            u.opaque = rest.to_string();
            return Ok(u);
        }
        let seg = rest.split('/').next().unwrap_or("");
        if seg.contains(':') {
            return Err(wrap(
                "first path segment in URL cannot contain colon".into(),
            ));
        }
    }
    if rest.starts_with("//") && (!u.scheme.is_empty() || !rest.starts_with("///")) {
        let auth_and_path = &rest[2..];
        let (auth, path) = match auth_and_path.find('/') {
            Some(i) => (&auth_and_path[..i], &auth_and_path[i..]),
            None => (auth_and_path, ""),
        };
        let (user, host) = match auth.rfind('@') {
            Some(i) => (Some(&auth[..i]), &auth[i + 1..]),
            None => (None, auth),
        };
        if let Some(user) = user {
            let (name, pass) = match user.find(':') {
                Some(i) => (&user[..i], Some(&user[i + 1..])),
                None => (user, None),
            };
            let name = unescape(name, Mode::UserPassword).map_err(wrap)?;
            let mut s = escape(&name, Mode::UserPassword);
            if let Some(p) = pass {
                let p = unescape(p, Mode::UserPassword).map_err(wrap)?;
                s.push(':');
                s.push_str(&escape(&p, Mode::UserPassword));
            }
            u.userinfo = Some(s);
        }
        check_port(host).map_err(wrap)?;
        u.host = unescape(host, Mode::Host).map_err(wrap)?;
        rest = path;
    }
    u.path = unescape(rest, Mode::Path).map_err(wrap)?;
    Ok(u)
}

impl Url {
    /// Go's `URL.Hostname()`: the host without port and IPv6 brackets.
    pub fn hostname(&self) -> String {
        let h = &self.host;
        if let Some(r) = h.strip_prefix('[') {
            return r.split(']').next().unwrap_or("").to_string();
        }
        match h.rfind(':') {
            Some(i) => h[..i].to_string(),
            None => h.clone(),
        }
    }

    /// Go's `URL.String()`.
    pub fn to_go_string(&self) -> String {
        let mut out = String::new();
        if !self.scheme.is_empty() {
            out.push_str(&self.scheme);
            out.push(':');
        }
        if !self.opaque.is_empty() {
            out.push_str(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.userinfo.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.userinfo.is_some() {
                    out.push_str("//");
                }
                if let Some(ui) = &self.userinfo {
                    out.push_str(ui);
                    out.push('@');
                }
                out.push_str(&escape(&self.host, Mode::Host));
            }
            let path = escape(&self.path, Mode::Path);
            if !path.is_empty() && !path.starts_with('/') && !self.host.is_empty() {
                out.push('/');
            }
            if out.is_empty() && path.split('/').next().is_some_and(|s| s.contains(':')) {
                out.push_str("./");
            }
            out.push_str(&path);
        }
        if !self.raw_query.is_empty() {
            out.push('?');
            out.push_str(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            out.push('#');
            out.push_str(&escape(&self.fragment, Mode::Fragment));
        }
        out
    }
}

fn url_parse(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let u = parse(a[0].as_str().unwrap_or_default())
        .map_err(|e| format!("unable to parse url: {e}"))?;
    let m = Map::new();
    m.insert("scheme", Value::str(&u.scheme));
    m.insert("host", Value::str(&u.host));
    m.insert("hostname", Value::str(u.hostname()));
    m.insert("path", Value::str(&u.path));
    m.insert("query", Value::str(&u.raw_query));
    m.insert("opaque", Value::str(&u.opaque));
    m.insert("fragment", Value::str(&u.fragment));
    m.insert("userinfo", Value::str(u.userinfo.as_deref().unwrap_or("")));
    Ok(Value::Map(m))
}

fn url_join(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    let d = a[0].as_map().cloned().unwrap_or_default();
    // Sprig reads each part with `default ""` then a string assertion: a non-string panics.
    let get = |k: &str| -> Result<String, String> {
        match d.get(k) {
            None | Some(Value::Nil) => Ok(String::new()),
            Some(Value::Str(s)) => Ok(s.to_string()),
            Some(v) if !v.truthy() => Ok(String::new()),
            Some(v) => Err(format!(
                "interface conversion: interface {{}} is {}, not string",
                v.type_name()
            )),
        }
    };
    let userinfo = get("userinfo")?;
    let user = if userinfo.is_empty() {
        None
    } else {
        let t = parse(&format!("proto://{userinfo}@host"))
            .map_err(|e| format!("unable to parse userinfo in dict: {e}"))?;
        t.userinfo
    };
    let u = Url {
        scheme: get("scheme")?,
        opaque: get("opaque")?,
        userinfo: user,
        host: get("host")?,
        path: get("path")?,
        raw_query: get("query")?,
        fragment: get("fragment")?,
    };
    Ok(Value::str(u.to_go_string()))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "urlParse"(Str) => url_parse,
    "urlJoin"(Map) => url_join,
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::funcs::c_testutil::call;
    use std::collections::BTreeMap;

    #[test]
    fn parse_like_go() {
        // Expected values printed by helm v4.1.4 (`urlParse ... | toJson`).
        let u = parse("https://user:p%40ss@example.com:8080/a%20b/c?x=1&y=2#frag%21").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "example.com:8080");
        assert_eq!(u.hostname(), "example.com");
        assert_eq!(u.path, "/a b/c");
        assert_eq!(u.raw_query, "x=1&y=2");
        assert_eq!(u.fragment, "frag!");
        assert_eq!(u.userinfo.as_deref(), Some("user:p%40ss"));
        let u = parse("mailto:joe@x.org").unwrap();
        assert_eq!(
            (u.scheme.as_str(), u.opaque.as_str()),
            ("mailto", "joe@x.org")
        );
        assert_eq!(parse("http://[::1]:80/").unwrap().hostname(), "::1");
        assert_eq!(parse("HTTP://Host/p").unwrap().scheme, "http");
        assert_eq!(
            parse(":x").unwrap_err(),
            "parse \":x\": missing protocol scheme"
        );
        assert_eq!(
            parse("http://h:x/").unwrap_err(),
            "parse \"http://h:x/\": invalid port \":x\" after host"
        );
        assert_eq!(parse("http://h:80:90/").unwrap().hostname(), "h:80");
        assert_eq!(
            parse("http://[::1/").unwrap_err(),
            "parse \"http://[::1/\": missing ']' in host"
        );
        assert_eq!(
            parse("http://a b/").unwrap_err(),
            "parse \"http://a b/\": invalid character \" \" in host name"
        );
        assert_eq!(
            parse("%zz").unwrap_err(),
            "parse \"%zz\": invalid URL escape \"%zz\""
        );
    }

    #[test]
    fn join_like_go() {
        let j = |pairs: &[(&str, &str)]| {
            let m: BTreeMap<String, Value> = pairs
                .iter()
                .map(|(k, v)| (k.to_string(), Value::str(v)))
                .collect();
            call(FUNCS, "urlJoin", &[Value::map(m)])
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(
            j(&[
                ("scheme", "https"),
                ("host", "h:1"),
                ("path", "a b/c?d"),
                ("query", "x=1"),
                ("fragment", "f g!"),
                ("userinfo", "u:p@w")
            ]),
            "https://u:p%40w@h:1/a%20b/c%3Fd?x=1#f%20g!"
        );
        assert_eq!(
            j(&[("scheme", "mailto"), ("opaque", "joe@x.org")]),
            "mailto:joe@x.org"
        );
        assert_eq!(j(&[("path", "a:b/c")]), "./a:b/c");
        assert_eq!(j(&[("host", "h"), ("path", "rel")]), "//h/rel");
    }
}
