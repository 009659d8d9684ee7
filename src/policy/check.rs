//! Load-time checks and extensions: every function a policy calls must exist, so a typo fails
//! at load instead of at the tenth chart; `re_match` (deprecated in OPA, used by Gatekeeper's
//! library) is provided.

use regex::Regex;
use regorus::Value as R;
use std::collections::BTreeSet;

pub fn add_extensions(engine: &mut regorus::Engine) -> Result<(), String> {
    engine
        .add_extension(
            "re_match".into(),
            2,
            Box::new(|args: Vec<R>| {
                let pat = args[0].as_string()?;
                let s = args[1].as_string()?;
                let re = Regex::new(pat)?;
                Ok(R::from(re.is_match(s)))
            }),
        )
        .map_err(|e| e.to_string())?;
    // Go's sprintf argument-count behaviour for Gatekeeper templates (see gatekeeper.rs).
    engine
        .add_extension(
            super::gatekeeper::GO_FMT.into(),
            2,
            Box::new(|args: Vec<R>| {
                let list = args[1].as_array()?.to_vec();
                Ok(R::from(super::gatekeeper::go_format(
                    args[0].as_string()?,
                    &list,
                )))
            }),
        )
        .map_err(|e| e.to_string())
}

/// Keywords and constructs that look like calls in Rego source.
const NOT_CALLS: &[&str] = &[
    "if", "not", "some", "every", "contains", "in", "with", "else", "default", "import", "package",
    "as", "set",
];

/// Names called as `name(` or `a.b.name(` in Rego source, strings and comments removed.
pub fn called_names(src: &str) -> BTreeSet<String> {
    let mut clean = String::with_capacity(src.len());
    let mut chars = src.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '#' => {
                for d in chars.by_ref() {
                    if d == '\n' {
                        clean.push('\n');
                        break;
                    }
                }
            }
            '"' => {
                clean.push(' ');
                while let Some(d) = chars.next() {
                    if d == '\\' {
                        chars.next();
                    } else if d == '"' {
                        break;
                    }
                }
            }
            '`' => {
                clean.push(' ');
                for d in chars.by_ref() {
                    if d == '`' {
                        break;
                    }
                }
            }
            c => clean.push(c),
        }
    }
    // `(` on the same line only: a newline ends a Rego expression, so `x.y\n(a - b)` is a
    // reference followed by a parenthesised expression, not a call.
    let re = Regex::new(r"([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)[ \t]*\(").unwrap();
    re.captures_iter(&clean)
        .map(|c| c[1].to_string())
        .filter(|n| !NOT_CALLS.contains(&n.as_str()))
        .collect()
}

/// Functions defined by the modules themselves: `name(args) := …`, `name(args) if …`.
fn defined_functions(src: &str) -> BTreeSet<String> {
    let re = Regex::new(r"(?m)^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(").unwrap();
    re.captures_iter(src).map(|c| c[1].to_string()).collect()
}

/// Fails when a module calls a function that is neither defined by a loaded module nor a
/// builtin of the engine. Each unknown name is probed once with a throwaway module.
pub fn builtins_exist(
    engine: &mut regorus::Engine,
    sources: &[(String, String)],
) -> Result<(), String> {
    let mut defined = BTreeSet::new();
    for (_, s) in sources {
        defined.extend(defined_functions(s));
    }
    let mut checked = BTreeSet::new();
    for (file, s) in sources {
        for name in called_names(s) {
            let last = name.rsplit('.').next().unwrap_or(&name);
            if defined.contains(last) || name.starts_with("data.") || !checked.insert(name.clone())
            {
                continue;
            }
            // User packages imported under an alias (`lib.f(x)`) are covered by `defined`.
            let mut probe = engine.clone();
            let module = format!("package chartgate_probe\nimport rego.v1\nx if {{ {name}(1) }}\n");
            if probe.add_policy("probe.rego".into(), module).is_err() {
                continue;
            }
            if let Err(e) = probe.eval_rule("data.chartgate_probe.x".into()) {
                let msg = e.to_string();
                if msg.contains("could not find function") || msg.contains("unknown function") {
                    return Err(format!("{file}: unknown function {name}"));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_calls_outside_strings_and_comments() {
        let n = called_names(
            "x if { count(a) > 0; msg := sprintf(\"f(x)\", [1]) } # g(y)\n y := lib.k8s.f(2)",
        );
        assert!(n.contains("count") && n.contains("sprintf") && n.contains("lib.k8s.f"));
        assert!(!n.contains("f") && !n.contains("g") && !n.contains("if"));
    }

    #[test]
    fn unknown_function_fails_at_load_known_passes() {
        let mut e = regorus::Engine::new();
        add_extensions(&mut e).unwrap();
        let good = "package p\nimport rego.v1\ndeny contains m if { input.x; m := sprintf(\"%v\", [re_match(\"a\", \"a\")]) }\n";
        e.add_policy("g.rego".into(), good.into()).unwrap();
        builtins_exist(&mut e, &[("g.rego".into(), good.into())]).unwrap();
        let bad = "package q\nimport rego.v1\ndeny contains m if { input.x; m := sprintnf(\"%v\", [1]) }\n";
        e.add_policy("b.rego".into(), bad.into()).unwrap();
        let err = builtins_exist(&mut e, &[("b.rego".into(), bad.into())]).unwrap_err();
        assert!(err.contains("sprintnf"), "{err}");
    }
}
