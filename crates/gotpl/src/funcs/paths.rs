//! Sprig's path functions: Go `path` (`base`, `dir`, `clean`, `ext`, `isAbs`) and
//! `path/filepath` (`osBase`, …). helm runs on Linux here, where filepath is the same lexical
//! slash-separated processing as `path`.

use crate::func::{FuncDef, Host};
use crate::value::Value;

/// Go's `path.Clean`: the shortest equivalent path by lexical processing.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let body = parts.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

/// Go's `path.Base`: the last element; `.` for empty, `/` for all slashes.
pub fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    match t.rfind('/') {
        Some(i) => t[i + 1..].to_string(),
        None => t.to_string(),
    }
}

/// Go's `path.Dir`: everything before the last slash, cleaned.
pub fn dir(p: &str) -> String {
    let i = p.rfind('/').map_or(0, |i| i + 1);
    clean(&p[..i])
}

/// Go's `path.Ext`: the suffix from the last dot of the last element.
pub fn ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        match c {
            '/' => break,
            '.' => return p[i..].to_string(),
            _ => {}
        }
    }
    String::new()
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn f_base(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(base(s(&a[0]))))
}
fn f_dir(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(dir(s(&a[0]))))
}
fn f_clean(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(clean(s(&a[0]))))
}
fn f_ext(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::str(ext(s(&a[0]))))
}
fn f_is_abs(_: &mut dyn Host, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(s(&a[0]).starts_with('/')))
}

pub const FUNCS: &[FuncDef] = crate::funcs![
    "base"(Str) => f_base,
    "dir"(Str) => f_dir,
    "clean"(Str) => f_clean,
    "ext"(Str) => f_ext,
    "isAbs"(Str) => f_is_abs,
    "osBase"(Str) => f_base,
    "osClean"(Str) => f_clean,
    "osDir"(Str) => f_dir,
    "osExt"(Str) => f_ext,
    "osIsAbs"(Str) => f_is_abs,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_path_semantics() {
        // Expected values printed by helm v4.1.4.
        for (p, b, d, c, e) in [
            ("", ".", ".", ".", ""),
            ("/", "/", "/", "/", ""),
            ("a/b/c.tar.gz", "c.tar.gz", "a/b", "a/b/c.tar.gz", ".gz"),
            ("/a//b/../c/./d/", "d", "/a/c/d", "/a/c/d", ""),
            ("../../x", "x", "../..", "../../x", ""),
            ("/../x", "x", "/", "/x", ""),
            ("a.d/b", "b", "a.d", "a.d/b", ""),
            ("x/", "x", "x", "x", ""),
            (".hidden", ".hidden", ".", ".hidden", ".hidden"),
        ] {
            assert_eq!(base(p), b, "base {p}");
            assert_eq!(dir(p), d, "dir {p}");
            assert_eq!(clean(p), c, "clean {p}");
            assert_eq!(ext(p), e, "ext {p}");
        }
    }
}
