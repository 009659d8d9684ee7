//! Dependency processing (helm's `ProcessDependencies`): aliases, `tags`, `condition`,
//! removal of disabled subcharts, and `import-values`.

use super::meta::Dependency;
use super::values::{
    coalesce_values, collect_warnings, log_warn, merge_tables, merge_values_from, path_value,
    table, table_err,
};
use super::{Chart, ChartError, PrepareOptions, Prepared};
use gotpl::funcs::semver::{Constraints, Version};
use gotpl::{Map, Value};

/// Subchart nesting bound for the recursive passes.
const MAX_DEPTH: usize = 64;
/// Bytes that aliasing may copy in one chart tree. An alias is a full copy of its subchart
/// (as in helm) and aliases nest, so a few kilobytes of Chart.yaml could otherwise ask for
/// gigabytes (helm then uses them all).
const MAX_ALIAS_COPIES: u64 = 256 << 20;
/// What one copied chart counts for at least (metadata, values, bookkeeping).
const CHART_OVERHEAD: u64 = 4 << 10;

pub(super) fn prepare(
    chart: Chart,
    user: &Map,
    opts: &PrepareOptions,
) -> Result<Prepared, ChartError> {
    let (res, warnings) = collect_warnings(|| prepare_inner(chart, user, opts));
    res.map(|mut p| {
        p.warnings = warnings;
        p
    })
}

fn prepare_inner(
    mut chart: Chart,
    user: &Map,
    opts: &PrepareOptions,
) -> Result<Prepared, ChartError> {
    if !opts.allow_library && !matches!(chart.metadata.type_text.as_str(), "" | "application") {
        return Err(ChartError::new(format!(
            "{} charts are not installable",
            chart.metadata.type_text
        )));
    }
    if !opts.skip_dependency_check {
        check_dependencies(&chart)?;
    }
    process_dependencies(&mut chart, user)
        .map_err(|e| e.wrap("chart dependencies processing failed"))?;
    let values = coalesce_values(&chart, user)?;
    Ok(Prepared {
        chart,
        values: Value::Map(values),
        warnings: Vec::new(),
    })
}

/// helm's `CheckDependencies`: every Chart.yaml dependency must be present in charts/.
pub fn check_dependencies(chart: &Chart) -> Result<(), ChartError> {
    let missing: Vec<&str> = chart
        .metadata
        .dependencies
        .iter()
        .filter(|r| !chart.dependencies.iter().any(|d| d.name() == r.name))
        .map(|r| r.name.as_str())
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(ChartError::new(format!(
            "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
            missing.join(", ")
        )))
    }
}

/// helm's `ProcessDependencies(chart, values)`: enables/disables and aliases subcharts
/// (recursively), then imports values from children into parents (`c.values` is replaced by
/// the merged values as in helm).
pub fn process_dependencies(chart: &mut Chart, user: &Map) -> Result<(), ChartError> {
    let mut budget = MAX_ALIAS_COPIES;
    process_enabled(chart, user, "", 0, &mut budget)?;
    process_import_values(chart, 0)
}

/// Masterminds semver: does `version` satisfy `constraint`? (false when either is invalid)
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    let Ok(v) = Version::parse(version) else {
        return false;
    };
    let Ok(c) = Constraints::parse(constraint) else {
        return false;
    };
    c.check(&v)
}

/// The bytes a copy of `c` holds (files of the whole tree, at least [`CHART_OVERHEAD`] each).
fn tree_size(c: &Chart) -> u64 {
    let own: u64 = c
        .templates
        .iter()
        .chain(&c.files)
        .chain(&c.raw)
        .map(|f| f.data.len())
        .sum();
    own.max(CHART_OVERHEAD) + c.dependencies.iter().map(tree_size).sum::<u64>()
}

fn process_enabled(
    c: &mut Chart,
    v: &Map,
    path: &str,
    depth: usize,
    budget: &mut u64,
) -> Result<(), ChartError> {
    if depth > MAX_DEPTH {
        return Err(ChartError::new("subcharts nested too deeply"));
    }
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut c.dependencies);
    let reqs = &c.metadata.dependencies;
    let matches = |e: &Chart, r: &Dependency| {
        e.name() == r.name && is_compatible_range(&r.version, &e.metadata.version)
    };
    // Subcharts no Chart.yaml entry claims stay as they are.
    let claimed: Vec<bool> = existing
        .iter()
        .map(|e| reqs.iter().any(|r| matches(e, r)))
        .collect();
    // Each entry takes the first compatible subchart (a copy, renamed to its alias).
    let mut picks: Vec<(usize, String)> = Vec::new();
    for req in &mut c.metadata.dependencies {
        if let Some(i) = existing.iter().position(|e| matches(e, req)) {
            picks.push((i, req.alias.clone()));
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    // Move charts instead of copying them; only a chart used by several entries is cloned.
    let mut uses = vec![0usize; existing.len()];
    for (i, _) in &picks {
        uses[*i] += 1;
    }
    let mut slots: Vec<Option<Chart>> = existing.into_iter().map(Some).collect();
    let mut deps: Vec<Chart> = Vec::new();
    for (i, is_claimed) in claimed.iter().enumerate() {
        if !is_claimed {
            deps.extend(slots[i].take());
        }
    }
    for (i, alias) in picks {
        uses[i] -= 1;
        let picked = if uses[i] == 0 {
            slots[i].take()
        } else {
            let size = slots[i].as_ref().map_or(0, tree_size);
            *budget = budget.checked_sub(size).ok_or_else(|| {
                ChartError::new(format!(
                    "chart {} is too large: its aliased subcharts copy more than {} MiB",
                    c.metadata.name,
                    MAX_ALIAS_COPIES >> 20
                ))
                .at_file("Chart.yaml")
            })?;
            slots[i].clone()
        };
        if let Some(mut ch) = picked {
            if !alias.is_empty() {
                ch.metadata.name = alias;
            }
            deps.push(ch);
        }
    }
    c.dependencies = deps;
    for r in &mut c.metadata.dependencies {
        r.enabled = true;
    }
    let cvals = coalesce_values(c, v)?;
    process_tags(&mut c.metadata.dependencies, &cvals);
    process_conditions(&mut c.metadata.dependencies, &cvals, path);
    let removed: Vec<String> = c
        .metadata
        .dependencies
        .iter()
        .filter(|r| !r.enabled)
        .map(|r| r.name.clone())
        .collect();
    c.dependencies
        .retain(|d| !removed.iter().any(|n| n == d.name()));
    c.metadata
        .dependencies
        .retain(|r| !removed.contains(&r.name));
    for sub in &mut c.dependencies {
        let sub_path = format!("{path}{}.", sub.name());
        process_enabled(sub, &cvals, &sub_path, depth + 1, budget)?;
    }
    Ok(())
}

/// `tags:` — any true tag enables, otherwise any false tag disables.
fn process_tags(reqs: &mut [Dependency], cvals: &Map) {
    let Some(tags) = table(cvals, "tags") else {
        return;
    };
    for r in reqs {
        let (mut has_true, mut has_false) = (false, false);
        for k in &r.tags {
            match tags.get(k) {
                Some(Value::Bool(true)) => has_true = true,
                Some(Value::Bool(false)) => has_false = true,
                Some(_) => log_warn("returned non-bool value", &[("tag", k), ("chart", &r.name)]),
                None => {}
            }
        }
        // Disabled only when some tag is false and none is true.
        r.enabled = has_true || !has_false;
    }
}

/// `condition:` — comma-separated paths; the first that resolves to a bool decides.
fn process_conditions(reqs: &mut [Dependency], cvals: &Map, path: &str) {
    for r in reqs {
        for cond in r.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            match path_value(cvals, &format!("{path}{cond}")) {
                Some(Value::Bool(b)) => {
                    r.enabled = b;
                    break;
                }
                Some(_) => log_warn(
                    "returned non-bool value",
                    &[("path", cond), ("chart", &r.name)],
                ),
                None => {}
            }
        }
    }
}

/// Children first, then this chart (helm's `processDependencyImportValues` with merge).
fn process_import_values(c: &mut Chart, depth: usize) -> Result<(), ChartError> {
    if depth > MAX_DEPTH {
        return Err(ChartError::new("subcharts nested too deeply"));
    }
    for d in &mut c.dependencies {
        process_import_values(d, depth + 1)?;
    }
    if c.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = merge_values_from(c, &Map::new())?;
    let b = Map::new();
    for r in &mut c.metadata.dependencies {
        let mut out = Vec::new();
        for iv in &r.import_values {
            match iv {
                Value::Map(m) => {
                    let child = go_sprint(m.get("child"));
                    let parent = go_sprint(m.get("parent"));
                    let mut e = std::collections::BTreeMap::new();
                    e.insert("child".to_string(), Value::str(&child));
                    e.insert("parent".to_string(), Value::str(&parent));
                    out.push(Value::map(e));
                    let vv = match table_err(&cvals, &format!("{}.{child}", r.name)) {
                        Ok(vv) => vv,
                        Err(e) => {
                            log_warn(
                                "ImportValues missing table from chart",
                                &[("chart", &r.name), ("error", &e)],
                            );
                            continue;
                        }
                    };
                    merge_tables(&b, &path_to_map(&parent, &vv));
                }
                Value::Str(s) => {
                    let child = format!("exports.{s}");
                    let mut e = std::collections::BTreeMap::new();
                    e.insert("child".to_string(), Value::str(&child));
                    e.insert("parent".to_string(), Value::str("."));
                    out.push(Value::map(e));
                    let vm = match table_err(&cvals, &format!("{}.{child}", r.name)) {
                        Ok(vm) => vm,
                        Err(e) => {
                            log_warn("ImportValues missing table", &[("error", &e)]);
                            continue;
                        }
                    };
                    merge_tables(&b, &vm);
                }
                // helm ignores other item types (and drops them from the list).
                _ => {}
            }
        }
        r.import_values = out;
    }
    // Imported values have lower priority than the parent's own values.
    let merged = merge_tables(&cvals.deep_copy(), &b);
    c.values = Value::Map(merged);
    Ok(())
}

/// `fmt.Sprintf("%v", x)` for an import-values field.
fn go_sprint(v: Option<Value>) -> String {
    match v {
        None => "<nil>".into(),
        Some(v) => gotpl::fmt::format_value(&v),
    }
}

/// helm's `pathToMap`: `a.b` + data → `{a: {b: data}}`; `.` → data itself.
fn path_to_map(path: &str, data: &Map) -> Map {
    if path == "." {
        return data.clone();
    }
    let mut cur = data.clone();
    for part in path.split('.').rev() {
        let m = Map::new();
        m.insert(part, Value::Map(cur));
        cur = m;
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::{load_files, File};

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

    fn json(v: &Value) -> String {
        gotpl::json::to_json(v).unwrap()
    }

    /// The t4 probe chart; expected outputs from helm v4.1.4 (`toJson .Values` in the root).
    fn t4() -> Chart {
        chart(&[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: t4\nversion: 0.1.0\ndependencies:\n  - name: sub\n    version: \"*\"\n    condition: \"(sub.enabled2 && !x.disabled)\"\n  - name: sub\n    alias: two\n    version: \"0.2.x\"\n    condition: two.enabled,sub.enabled2\n    import-values:\n      - child: data\n        parent: imported\n",
            ),
            ("values.yaml", "topnull: null\nx: {disabled: true}\ntwo: {enabled: false}\n"),
            ("charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\nversion: 0.2.0\n"),
            (
                "charts/sub/values.yaml",
                "data: {a: 1, n: null}\nnul: null\nnested: {x: null, y: 1}\nenabled2: true\n",
            ),
        ])
    }

    /// Aliases nest multiplicatively (300 × 300 copies here); the copies are budgeted.
    #[test]
    fn alias_copies_are_bounded() {
        let aliases = |name: &str, sub: &str| {
            let mut y = format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\ndependencies:\n");
            for i in 0..300 {
                y.push_str(&format!(
                    "- name: {sub}\n  version: 0.1.0\n  alias: {sub}{i}\n"
                ));
            }
            y
        };
        let (top, mid) = (aliases("top", "b"), aliases("b", "c"));
        let mut c = chart(&[
            ("Chart.yaml", top.as_str()),
            ("charts/b/Chart.yaml", mid.as_str()),
            (
                "charts/b/charts/c/Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            ),
        ]);
        let e = process_dependencies(&mut c, &Map::new()).unwrap_err();
        assert!(
            e.message
                .contains("aliased subcharts copy more than 256 MiB"),
            "{e}"
        );
        // A few aliases of a small chart are fine.
        let small = aliases("top", "b").replace("- name: b", "- name: c");
        let mut c = chart(&[
            ("Chart.yaml", small.as_str()),
            (
                "charts/c/Chart.yaml",
                "apiVersion: v2\nname: c\nversion: 0.1.0\n",
            ),
        ]);
        process_dependencies(&mut c, &Map::new()).unwrap();
        assert_eq!(c.dependencies.len(), 300);
    }

    #[test]
    fn conditions_aliases_imports_like_helm() {
        let p = prepare(t4(), &Map::new(), &PrepareOptions::default()).unwrap();
        assert_eq!(
            json(&p.values),
            r#"{"sub":{"data":{"a":1,"false":null},"enabled2":true,"global":{},"nested":{"true":1,"x":null}},"topnull":null,"two":{"enabled":false},"x":{"disabled":true}}"#
        );
        assert_eq!(p.chart.dependencies.len(), 1);
        assert_eq!(
            json(
                &p.chart
                    .metadata
                    .to_value(true)
                    .as_map()
                    .unwrap()
                    .get("Dependencies")
                    .unwrap()
            ),
            r#"[{"Alias":"","Condition":"(sub.enabled2 \u0026\u0026 !x.disabled)","Enabled":true,"ImportValues":[],"Name":"sub","Repository":"","Tags":[],"Version":"*"}]"#
        );

        let user = gotpl::yaml::load_map("two: {enabled: true}\n").unwrap();
        crate::chart::strvals::parse_set(
            "sub.nested.y=null",
            crate::chart::SetKind::Set,
            &user,
            &mut |_| Ok(String::new()),
        )
        .unwrap();
        let p = prepare(t4(), &user, &PrepareOptions::default()).unwrap();
        assert_eq!(
            json(&p.values),
            r#"{"imported":{"a":1,"false":null},"sub":{"data":{"a":1,"false":null},"enabled2":true,"global":{},"nested":{"true":1,"x":null,"y":null}},"topnull":null,"two":{"data":{"a":1,"false":null},"enabled":true,"enabled2":true,"global":{},"nested":{"true":1,"x":null}},"x":{"disabled":true}}"#
        );
        let names: Vec<&str> = p.chart.dependencies.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["sub", "two"]);
    }

    #[test]
    fn tags_and_string_imports() {
        let c = chart(&[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n  - name: a\n    version: 1.x\n    tags: [front]\n    import-values: [data]\n  - name: b\n    version: 1.x\n    tags: [back]\n",
            ),
            ("values.yaml", "tags: {front: true, back: false}\ndata: {own: 1}\n"),
            ("charts/a/Chart.yaml", "apiVersion: v2\nname: a\nversion: 1.2.0\n"),
            ("charts/a/values.yaml", "exports: {data: {x: 1, own: 2}}\n"),
            ("charts/b/Chart.yaml", "apiVersion: v2\nname: b\nversion: 1.0.0\n"),
        ]);
        let p = prepare(c, &Map::new(), &PrepareOptions::default()).unwrap();
        let names: Vec<&str> = p.chart.dependencies.iter().map(|d| d.name()).collect();
        assert_eq!(names, ["a"]);
        let v = p.values.as_map().unwrap();
        // The string form imports exports.data's *contents* at the parent's top level.
        assert_eq!(json(&v.get("x").unwrap()), "1");
        assert_eq!(json(&v.get("data").unwrap()), r#"{"own":1}"#);
    }

    #[test]
    fn errors_like_helm() {
        let lib = chart(&[(
            "Chart.yaml",
            "apiVersion: v2\nname: l\nversion: 1.0.0\ntype: library\n",
        )]);
        assert_eq!(
            prepare(lib, &Map::new(), &PrepareOptions::default())
                .unwrap_err()
                .message,
            "library charts are not installable"
        );
        let missing = chart(&[(
            "Chart.yaml",
            "apiVersion: v2\nname: m\nversion: 1.0.0\ndependencies:\n  - name: gone\n    version: 1.0.0\n",
        )]);
        assert!(prepare(missing, &Map::new(), &PrepareOptions::default())
            .unwrap_err()
            .message
            .ends_with("found in Chart.yaml, but missing in charts/ directory: gone"));
    }
}

#[cfg(test)]
mod warning_tests {
    use super::*;
    use crate::chart::{load_files, parse_set, File, SetKind};

    fn files(list: &[(&str, &str)]) -> Chart {
        load_files(
            list.iter()
                .map(|(n, d)| File {
                    name: n.to_string(),
                    data: d.as_bytes().to_vec().into(),
                })
                .collect(),
        )
        .unwrap()
    }

    fn user(sets: &[&str]) -> Map {
        let m = Map::new();
        for s in sets {
            parse_set(s, SetKind::Set, &m, &mut |_| Ok(String::new())).unwrap();
        }
        m
    }

    #[test]
    fn coalesce_warnings_like_helm() {
        let c = files(&[
            ("Chart.yaml", "apiVersion: v2\nname: sv\nversion: 0.1.0\n"),
            ("values.yaml", "pre: {s: str, l: [1, 2], m: {a: 1}}\n"),
        ]);
        let p = prepare(
            c,
            &user(&["pre.m=5", "pre.s.x=1"]),
            &PrepareOptions::default(),
        )
        .unwrap();
        // helm v4.1.4's stderr for `--set pre.m=5 --set pre.s.x=1`.
        assert_eq!(
            p.warnings,
            [
                r#"level=INFO msg="warning: cannot overwrite table with non table for sv.pre.m (map[a:1])""#,
                r#"level=INFO msg="warning: destination for sv.pre.s is a table. Ignoring non-table value (str)""#,
            ]
        );
    }

    #[test]
    fn dependency_warnings_like_helm() {
        let c = files(&[
            (
                "Chart.yaml",
                "apiVersion: v2\nname: top\nversion: 1.0.0\ndependencies:\n  - name: mid\n    version: 0.3.0\n    tags: [backend]\n    import-values:\n      - child: leaf.lv\n        parent: fromleaf\n      - child: http\n        parent: portimport\n",
            ),
            ("values.yaml", "tags: {backend: true}\nglobal: {shared: top, t: {a: 1}}\nmid: {mv: 3, leaf2: {on: true}}\n"),
            (
                "charts/mid/Chart.yaml",
                "apiVersion: v2\nname: mid\nversion: 0.3.0\ndependencies:\n  - name: leaf\n    version: ~1.2.0\n    import-values: [ports]\n  - name: leaf\n    version: \">=1.0.0\"\n    alias: leaf2\n    condition: leaf2.on\n",
            ),
            ("charts/mid/values.yaml", "mv: 2\nleaf2: {on: false, lv: 5}\nglobal: {shared: mid}\n"),
            ("charts/mid/charts/leaf/Chart.yaml", "apiVersion: v2\nname: leaf\nversion: 1.2.3\n"),
            (
                "charts/mid/charts/leaf/values.yaml",
                "exports:\n  ports: {http: 80}\nlv: 1\nglobal: {fromLeaf: true, shared: leaf}\n",
            ),
        ]);
        let p = prepare(
            c,
            &user(&["mid.leaf2.on=5", "global=3"]),
            &PrepareOptions::default(),
        )
        .unwrap();
        let skip =
            r#"level=INFO msg="warning: skipping globals because source global is not a table.""#;
        // helm v4.1.4's stderr for `--set mid.leaf2.on=5 --set global=3`, in order.
        assert_eq!(
            p.warnings,
            [
                skip,
                skip,
                skip,
                r#"level=WARN msg="returned non-bool value" path=leaf2.on chart=leaf2"#,
                r#"level=WARN msg="ImportValues missing table from chart" chart=mid error="\"lv\" is not a table""#,
                r#"level=WARN msg="ImportValues missing table from chart" chart=mid error="\"http\" is not a table""#,
                skip,
            ]
        );
    }
}

#[cfg(test)]
mod chart_value_tests {
    use super::*;
    use crate::chart::{load_files, File};

    /// `.Chart` of the root after dependency processing, byte-identical to helm v4.1.4's
    /// `toJson .Chart` (YAML 1.1 keys `y`/`n` resolve to "true"/"false" in annotations,
    /// `appVersion: 1.0` becomes "1", alias and import-values normalized).
    #[test]
    fn dot_chart_like_helm() {
        let c = load_files(vec![
            File {
                name: "Chart.yaml".into(),
                data: b"apiVersion: v2\nname: t2\nversion: 0.1.0\nappVersion: 1.0\nkubeVersion: \">=1.0.0-0\"\ndescription: d\ntype: application\nkeywords: [a, b]\nmaintainers:\n  - name: me\n    email: e@x\nannotations:\n  x: y\n  n: 1\ndeprecated: false\nextra: ignored\ndependencies:\n  - name: sub\n    version: \"*\"\n    condition: sub.enabled\n    tags: [t]\n    alias: foo\n    import-values: [data]\n".to_vec().into(),
            },
            File {
                name: "charts/sub/Chart.yaml".into(),
                data: b"apiVersion: v2\nname: sub\nversion: 0.2.0\n".to_vec().into(),
            },
            File {
                name: "charts/sub/values.yaml".into(),
                data: b"data: {a: 1}\n".to_vec().into(),
            },
        ])
        .unwrap();
        let p = prepare(c, &Map::new(), &PrepareOptions::default()).unwrap();
        assert_eq!(
            gotpl::json::to_json(&p.chart.metadata.to_value(true)).unwrap(),
            r#"{"APIVersion":"v2","Annotations":{"false":"1","x":"true"},"AppVersion":"1","Condition":"","Dependencies":[{"Alias":"foo","Condition":"sub.enabled","Enabled":true,"ImportValues":[{"child":"exports.data","parent":"."}],"Name":"foo","Repository":"","Tags":["t"],"Version":"*"}],"Deprecated":false,"Description":"d","Home":"","Icon":"","IsRoot":true,"Keywords":["a","b"],"KubeVersion":"\u003e=1.0.0-0","Maintainers":[{"Email":"e@x","Name":"me","URL":""}],"Name":"t2","Sources":[],"Tags":"","Type":"application","Version":"0.1.0"}"#
        );
        assert_eq!(
            gotpl::json::to_json(&p.chart.dependencies[0].metadata.to_value(false)).unwrap(),
            r#"{"APIVersion":"v2","Annotations":null,"AppVersion":"","Condition":"","Dependencies":[],"Deprecated":false,"Description":"","Home":"","Icon":"","IsRoot":false,"Keywords":[],"KubeVersion":"","Maintainers":[],"Name":"foo","Sources":[],"Tags":"","Type":"","Version":"0.2.0"}"#
        );
        assert_eq!(
            gotpl::json::to_json(&p.values).unwrap(),
            r#"{"foo":{"data":{"a":1},"global":{}}}"#
        );
        assert_eq!(
            p.warnings,
            [r#"level=WARN msg="ImportValues missing table" error="\"exports\" is not a table""#]
        );
    }
}
