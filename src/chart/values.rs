//! Values: user values from `-f` and the `--set` family (helm's `values.Options.MergeValues`),
//! and helm's coalescing of user values with chart defaults (`CoalesceValues`/`MergeValues`),
//! operating on reference-semantics maps exactly where helm mutates shared maps.

use super::strvals::{parse_set, SetKind};
use super::{Chart, ChartError};
use gotpl::{Map, Value};
use std::path::PathBuf;

/// Nesting bound for the recursive walks (values are data, so this is generous).
const MAX_DEPTH: usize = 2_000;

/// The user-supplied values flags, applied in helm's order: every `-f` file (in order), then
/// all `--set-json`, all `--set`, all `--set-string`, all `--set-file`, all `--set-literal`
/// (each group in flag order — helm groups by flag kind, not command-line position).
#[derive(Clone, Debug, Default)]
pub struct UserValues {
    /// `-f/--values` files; `-` is stdin.
    pub value_files: Vec<PathBuf>,
    pub set_json: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    pub set_file: Vec<String>,
    pub set_literal: Vec<String>,
}

impl UserValues {
    /// True when no values flag was given.
    pub fn is_empty(&self) -> bool {
        self.value_files.is_empty()
            && self.set_json.is_empty()
            && self.set.is_empty()
            && self.set_string.is_empty()
            && self.set_file.is_empty()
            && self.set_literal.is_empty()
    }

    /// Builds the user values map, reading files from disk.
    pub fn build(&self) -> Result<Map, ChartError> {
        self.build_with(&mut |p: &str| read_local(p))
    }

    /// Builds the user values map; `read` reads a `-f`/`--set-file` path (`-` = stdin).
    pub fn build_with(
        &self,
        read: &mut dyn FnMut(&str) -> Result<String, String>,
    ) -> Result<Map, ChartError> {
        let base = Map::new();
        for f in &self.value_files {
            let name = f.to_string_lossy();
            let src = read(&name).map_err(ChartError::new)?;
            let m = gotpl::yaml::load_values(&src)
                .map_err(|e| ChartError::new(format!("failed to parse {name}: {e}")))?;
            merge_maps(&base, &m, 0);
        }
        for v in &self.set_json {
            let t = v.trim();
            if t.starts_with('{') {
                let m = gotpl::json::from_json_map(t).map_err(|_| {
                    ChartError::new(format!("failed parsing --set-json data JSON: {v}"))
                })?;
                merge_maps(&base, &m, 0);
            } else {
                parse_set(v, SetKind::SetJson, &base, read)
                    .map_err(|_| ChartError::new(format!("failed parsing --set-json data {v}")))?;
            }
        }
        let groups: [(&[String], SetKind, &str); 4] = [
            (&self.set, SetKind::Set, "--set"),
            (&self.set_string, SetKind::SetString, "--set-string"),
            (&self.set_file, SetKind::SetFile, "--set-file"),
            (&self.set_literal, SetKind::SetLiteral, "--set-literal"),
        ];
        for (args, kind, flag) in groups {
            for a in args {
                parse_set(a, kind, &base, read)
                    .map_err(|e| ChartError::new(format!("failed parsing {flag} data: {e}")))?;
            }
        }
        Ok(base)
    }
}

/// Reads a local values file like helm (`-` is stdin); errors read like Go's.
fn read_local(p: &str) -> Result<String, String> {
    use std::io::Read;
    let mut buf = Vec::new();
    if p == "-" {
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| format!("read -: {e}"))?;
    } else {
        let md = std::fs::metadata(p).map_err(|e| format!("open {p}: {}", go_os_err(&e)))?;
        if md.len() > super::archive::MAX_ARCHIVE_SIZE {
            return Err(format!("{p}: file is too large"));
        }
        // Bounded: a device or FIFO reports no length (`-f /dev/zero` must not eat memory).
        let f = std::fs::File::open(p).map_err(|e| format!("open {p}: {}", go_os_err(&e)))?;
        f.take(super::archive::MAX_ARCHIVE_SIZE + 1)
            .read_to_end(&mut buf)
            .map_err(|e| format!("read {p}: {}", go_os_err(&e)))?;
        if buf.len() as u64 > super::archive::MAX_ARCHIVE_SIZE {
            return Err(format!("{p}: file is too large"));
        }
    }
    // Go strings keep bytes that are not UTF-8; the YAML loader refuses them like helm.
    Ok(gotpl::value::go_string(&buf).into_owned())
}

fn go_os_err(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => {
            let s = e.to_string();
            s.split(" (os error").next().unwrap_or(&s).to_string()
        }
    }
}

/// helm's `MergeMaps` for values files: maps merge recursively, anything else replaces.
fn merge_maps(dst: &Map, src: &Map, depth: usize) {
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (k, v) in entries {
        if let (Value::Map(sv), Some(Value::Map(dv))) = (&v, dst.get(&k)) {
            if depth < MAX_DEPTH {
                let merged = dv.shallow_copy();
                merge_maps(&merged, sv, depth + 1);
                dst.insert(k, Value::Map(merged));
                continue;
            }
        }
        dst.insert(k, v);
    }
}

thread_local! {
    /// helm's log lines from values processing, collected while [`collect_warnings`] runs.
    static WARNINGS: std::cell::RefCell<Option<Vec<String>>> = const { std::cell::RefCell::new(None) };
}

/// Runs `f` and returns the warnings helm would have logged meanwhile, as helm v4.1.4 prints
/// them on stderr (`level=INFO msg="warning: …"`, `level=WARN msg=… key=value`).
pub fn collect_warnings<T>(f: impl FnOnce() -> T) -> (T, Vec<String>) {
    let prev = WARNINGS.with(|w| w.borrow_mut().replace(Vec::new()));
    let out = f();
    let got = WARNINGS
        .with(|w| std::mem::replace(&mut *w.borrow_mut(), prev))
        .unwrap_or_default();
    (out, got)
}

/// Records a Go `log.Printf` line (helm v4 routes it to slog at INFO).
pub(crate) fn log_info(msg: String) {
    record(format!("level=INFO msg={}", slog_quote(&msg)));
}

/// Records a `slog.Warn(msg, k, v, ...)` line.
pub(crate) fn log_warn(msg: &str, attrs: &[(&str, &str)]) {
    let mut line = format!("level=WARN msg={}", slog_quote(msg));
    for (k, v) in attrs {
        line.push_str(&format!(" {k}={}", slog_quote(v)));
    }
    record(line);
}

fn record(line: String) {
    WARNINGS.with(|w| {
        if let Some(v) = w.borrow_mut().as_mut() {
            // Bounded: a pathological values tree must not grow this without limit.
            if v.len() < 10_000 {
                v.push(line);
            }
        }
    });
}

/// slog's text handler quoting: bare when the value is non-empty and has no space, quote,
/// `=` or control character; otherwise Go `%q`.
fn slog_quote(s: &str) -> String {
    let needs = s.is_empty()
        || s.chars()
            .any(|c| c.is_whitespace() || c == '"' || c == '=' || c.is_control());
    if !needs {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// helm's `CoalesceValues(chart, vals)`: a deep copy of `vals` with the chart's defaults and
/// its subcharts' defaults coalesced in (nulls in user values delete defaults).
pub fn coalesce_values(chart: &Chart, vals: &Map) -> Result<Map, ChartError> {
    coalesce(chart, vals.deep_copy(), "", false)
}

/// helm's `MergeValues(chart, vals)`: like [`coalesce_values`] but nulls are kept.
pub fn merge_values_from(chart: &Chart, vals: &Map) -> Result<Map, ChartError> {
    coalesce(chart, vals.deep_copy(), "", true)
}

fn coalesce(ch: &Chart, dest: Map, prefix: &str, merge: bool) -> Result<Map, ChartError> {
    coalesce_chart_values(ch, &dest, prefix, merge);
    coalesce_deps(ch, dest, prefix, merge)
}

fn coalesce_deps(ch: &Chart, dest: Map, prefix: &str, merge: bool) -> Result<Map, ChartError> {
    for sub in &ch.dependencies {
        let name = sub.name();
        let dv = match dest.get(name) {
            None => {
                let m = Map::new();
                dest.insert(name, Value::Map(m.clone()));
                m
            }
            Some(Value::Map(m)) => m,
            Some(other) => {
                return Err(ChartError::new(format!(
                    "type mismatch on {name}: {}",
                    go_percent_t(&other, 0)
                )));
            }
        };
        let sub_prefix = concat_prefix(prefix, ch.name());
        coalesce_globals(&dv, &dest, &sub_prefix);
        let out = coalesce(sub, dv, &sub_prefix, merge)?;
        dest.insert(name, Value::Map(out));
    }
    Ok(dest)
}

/// Go's `%t` verb: bools print, slices and maps element-wise, anything else `%!t(type=value)`.
fn go_percent_t(v: &Value, depth: usize) -> String {
    match v {
        Value::Bool(b) => b.to_string(),
        Value::Nil => "%!t(<nil>)".into(),
        Value::List(l) if depth < 100 => {
            let items: Vec<String> = l.items.iter().map(|x| go_percent_t(x, depth + 1)).collect();
            format!("[{}]", items.join(" "))
        }
        Value::Map(m) if depth < 100 => {
            let items: Vec<String> = m
                .borrow()
                .iter()
                .map(|(k, x)| format!("%!t(string={k}):{}", go_percent_t(x, depth + 1)))
                .collect();
            format!("map[{}]", items.join(" "))
        }
        v => format!("%!t({}={})", v.type_name(), gotpl::fmt::format_value(v)),
    }
}

/// Copies the parent's `global` into the subchart's values (parent wins on conflicts).
fn coalesce_globals(dest: &Map, src: &Map, prefix: &str) {
    let dg = match dest.get("global") {
        None => Map::new(),
        Some(Value::Map(m)) => m,
        Some(_) => {
            log_info("warning: skipping globals because destination global is not a table.".into());
            return;
        }
    };
    let sg = match src.get("global") {
        None => Map::new(),
        Some(Value::Map(m)) => m,
        Some(_) => {
            log_info("warning: skipping globals because source global is not a table.".into());
            return;
        }
    };
    let entries: Vec<(String, Value)> = sg
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        if let Value::Map(vm) = &val {
            let vv = vm.shallow_copy();
            match dg.get(&key) {
                None => dg.insert(key, Value::Map(vv)),
                Some(Value::Map(destv)) => {
                    coalesce_tables_full_key(&vv, &destv, &concat_prefix(prefix, &key), true, 0);
                    dg.insert(key, Value::Map(vv));
                }
                Some(_) => log_info(format!(
                    "Conflict: cannot merge map onto non-map for {key:?}. Skipping."
                )),
            }
        } else if matches!(dg.get(&key), Some(Value::Map(_))) {
            log_info(format!("key {key} is table. Skipping"));
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert("global", Value::Map(dg));
}

fn child_chart_merge_true(ch: &Chart, key: &str, merge: bool) -> bool {
    merge || ch.dependencies.iter().any(|s| s.name() == key)
}

/// Coalesces the chart's own defaults into `v` (user/parent values win).
fn coalesce_chart_values(ch: &Chart, v: &Map, prefix: &str, merge: bool) {
    let vc = ch.values_map().deep_copy();
    let entries: Vec<(String, Value)> = vc
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        match v.get(&key) {
            Some(value) => {
                if value.is_nil() && !merge {
                    v.remove(&key);
                } else if let Value::Map(dest) = value {
                    let sub_prefix = concat_prefix(prefix, ch.name());
                    if let Value::Map(src) = &val {
                        // helm v4.1.4 keeps nested nulls of subchart defaults here (the
                        // later upstream nil-cleaning is not in this release; verified).
                        let m = child_chart_merge_true(ch, &key, merge);
                        coalesce_tables_full_key(
                            &dest,
                            src,
                            &concat_prefix(&sub_prefix, &key),
                            m,
                            0,
                        );
                    } else if !val.is_nil() {
                        log_info(format!(
                            "warning: skipped value for {sub_prefix}.{key}: Not a table."
                        ));
                    }
                }
            }
            None => {
                v.insert(key, val);
            }
        }
    }
}

/// helm's `CoalesceTables(dst, src)`: src merged under dst (dst wins), nulls in dst delete.
pub fn coalesce_tables(dst: &Map, src: &Map) -> Map {
    coalesce_tables_full_key(dst, src, "", false, 0);
    dst.clone()
}

/// helm's `MergeTables(dst, src)`: like [`coalesce_tables`] but nulls are kept.
pub fn merge_tables(dst: &Map, src: &Map) -> Map {
    coalesce_tables_full_key(dst, src, "", true, 0);
    dst.clone()
}

fn coalesce_tables_full_key(dst: &Map, src: &Map, prefix: &str, merge: bool, depth: usize) {
    if depth > MAX_DEPTH || dst.ptr_eq(src) {
        return;
    }
    let src_non_nil: std::collections::BTreeSet<String> = src
        .borrow()
        .iter()
        .filter(|(_, v)| !v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    let dst_nils: Vec<String> = dst
        .borrow()
        .iter()
        .filter(|(_, v)| v.is_nil())
        .map(|(k, _)| k.clone())
        .collect();
    for k in dst_nils {
        src.insert(k, Value::Nil);
    }
    let entries: Vec<(String, Value)> = src
        .borrow()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    for (key, val) in entries {
        let dv = dst.get(&key);
        match dv {
            Some(Value::Nil) if !merge && src_non_nil.contains(&key) => {
                dst.remove(&key);
            }
            None => dst.insert(key, val),
            Some(dv) => {
                let full_key = concat_prefix(prefix, &key);
                match (&val, &dv) {
                    (Value::Map(sv), Value::Map(dm)) => {
                        coalesce_tables_full_key(dm, sv, &full_key, merge, depth + 1)
                    }
                    (Value::Map(_), _) => log_info(format!(
                        "warning: cannot overwrite table with non table for {full_key} ({})",
                        gotpl::fmt::format_value(&val)
                    )),
                    (_, Value::Map(_)) if !val.is_nil() => log_info(format!(
                        "warning: destination for {full_key} is a table. Ignoring non-table value ({})",
                        gotpl::fmt::format_value(&val)
                    )),
                    _ => {}
                }
            }
        }
    }
}

/// helm's `Values.Table(path)`: the map at a dotted path.
pub fn table(values: &Map, path: &str) -> Option<Map> {
    table_err(values, path).ok()
}

/// [`table`] with helm's error: `"key" is not a table` naming the first failing segment.
pub(crate) fn table_err(values: &Map, path: &str) -> Result<Map, String> {
    let mut cur = values.clone();
    for part in path.split('.') {
        let next = match cur.get(part) {
            Some(Value::Map(m)) => m,
            _ => return Err(format!("{part:?} is not a table")),
        };
        cur = next;
    }
    Ok(cur)
}

/// helm's `Values.PathValue(path)`: the non-table value at a dotted path.
pub fn path_value(values: &Map, path: &str) -> Option<Value> {
    if path.is_empty() {
        return None;
    }
    let (parent, key) = match path.rsplit_once('.') {
        Some((p, k)) => (table(values, p)?, k),
        None => (values.clone(), path),
    };
    match parent.get(key) {
        Some(Value::Map(_)) | None => None,
        Some(v) => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::load_files;
    use crate::chart::File;

    fn chart(files: &[(&str, &str)]) -> Chart {
        load_files(
            files
                .iter()
                .map(|(n, d)| File {
                    name: n.to_string(),
                    data: d.as_bytes().to_vec().into(),
                })
                .collect(),
        )
        .unwrap()
    }

    fn json(m: &Map) -> String {
        gotpl::json::to_json(&Value::Map(m.clone())).unwrap()
    }

    #[test]
    fn user_values_order() {
        // helm v4.1.4: --set wins over --set-json, --set-string over --set, lists replaced.
        let uv = UserValues {
            value_files: vec!["f1".into(), "f2".into()],
            set_json: vec!["a=2".into(), r#"{"d":{"x":1}}"#.into()],
            set: vec!["a=1".into(), "b=y".into()],
            set_string: vec!["b=x".into()],
            set_literal: vec!["c=1,2".into()],
            ..Default::default()
        };
        let m = uv
            .build_with(&mut |p| {
                Ok(match p {
                    "f1" => "fl: [a]\nm: {x: 1}\n".into(),
                    _ => "fl: [b]\nm: {z: 2}\n".into(),
                })
            })
            .unwrap();
        assert_eq!(
            json(&m),
            r#"{"a":1,"b":"x","c":"1,2","d":{"x":1},"fl":["b"],"m":{"x":1,"z":2}}"#
        );
        let bad = UserValues {
            set: vec!["a".into()],
            ..Default::default()
        };
        assert_eq!(
            bad.build_with(&mut |_| Ok(String::new()))
                .unwrap_err()
                .message,
            r#"failed parsing --set data: key "a" has no value"#
        );
    }

    #[test]
    fn coalesce_with_subchart_and_globals() {
        let c = chart(&[
            ("Chart.yaml", "apiVersion: v2\nname: p\nversion: 1.0.0\n"),
            (
                "values.yaml",
                "a: 1\nkeep: {x: 1, z: 2}\nglobal: {g: 1, t: {a: 1}}\nsub: {s: 2}\n",
            ),
            (
                "charts/sub/Chart.yaml",
                "apiVersion: v2\nname: sub\nversion: 1.0.0\n",
            ),
            (
                "charts/sub/values.yaml",
                "s: 1\nd: 3\nglobal: {g: 0, t: {b: 2}, h: 5}\n",
            ),
        ]);
        let user = gotpl::yaml::load_map("keep: {z: null}\na: null\n").unwrap();
        let out = coalesce_values(&c, &user).unwrap();
        assert_eq!(
            json(&out),
            r#"{"global":{"g":1,"t":{"a":1}},"keep":{"x":1},"sub":{"d":3,"global":{"g":1,"h":5,"t":{"a":1,"b":2}},"s":2}}"#
        );
        // The user's map is not modified.
        assert_eq!(json(&user), r#"{"a":null,"keep":{"z":null}}"#);
    }

    #[test]
    fn path_values() {
        let m = gotpl::yaml::load_map("a: {b: {c: true}}\nd: 1\n").unwrap();
        assert!(matches!(path_value(&m, "a.b.c"), Some(Value::Bool(true))));
        assert!(path_value(&m, "a.b").is_none());
        assert!(path_value(&m, "x.y").is_none());
        assert!(path_value(&m, "d").is_some());
    }
}
