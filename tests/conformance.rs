//! Template-engine conformance suite: every case in tests/conformance/cases/*.txt was rendered
//! by the real helm (see tests/conformance/gen.py, which writes the expectations); here each one
//! is rendered in-process the way helm renders a template file of a chart and compared.
//!
//! Env vars:
//! - `CONFORMANCE_FILTER=substr`: only cases whose name (or case file name) contains `substr`.
//! - `CONFORMANCE_STRICT=1`: fail on any failing case (the goal: 100 %).
//! - `CONFORMANCE_UPDATE=1`: raise tests/conformance/passing.count to the current pass count.
//! - `CONFORMANCE_VERBOSE=1`: print the diff of every failing case (default: the first 40).
//!
//! Without STRICT the test fails only when the number of passing cases drops below the ratchet
//! in tests/conformance/passing.count, so CI stays green while recording progress.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// What a case expects (see gen.py's docstring for the file format).
#[derive(Clone, Debug)]
enum Expect {
    Output(String),
    OutputRegex(String),
    Error(String),
    ErrorRegex(String),
}

#[derive(Clone, Debug)]
struct Case {
    file: String,
    name: String,
    values: Option<String>,
    /// Extra files under templates/ (helpers, other templates).
    files: Vec<(String, String)>,
    template: String,
    expect: Option<Expect>,
}

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/cases")
}

/// Parses one case file. Block content is verbatim: everything between the header line and the
/// next `=== `/`--- ` line, minus the newline that precedes that next header.
fn parse_cases(file: &str, text: &str) -> Result<Vec<Case>, String> {
    let mut cases: Vec<Case> = Vec::new();
    // (kind, arg, is_json, lines)
    let mut block: Option<(String, Option<String>, bool, Vec<&str>)> = None;
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.last() == Some(&"") {
        lines.pop();
    }

    fn close(
        cases: &mut [Case],
        block: &mut Option<(String, Option<String>, bool, Vec<&str>)>,
        file: &str,
    ) -> Result<(), String> {
        let Some((kind, arg, is_json, blines)) = block.take() else {
            return Ok(());
        };
        let Some(case) = cases.last_mut() else {
            return Err(format!("{file}: block before the first case"));
        };
        let mut content = blines.join("\n");
        if is_json {
            content = serde_json::from_str::<String>(content.trim()).map_err(|e| {
                format!(
                    "{file}: case {}: bad JSON in {kind}-json block: {e}",
                    case.name
                )
            })?;
        }
        let dup = || format!("{file}: case {}: more than one expectation", case.name);
        match kind.as_str() {
            "values" => case.values = Some(content),
            "template" => case.template = content,
            "file" => case.files.push((arg.unwrap_or_default(), content)),
            "output" | "output-regex" | "error" | "error-regex" => {
                if case.expect.is_some() {
                    return Err(dup());
                }
                case.expect = Some(match kind.as_str() {
                    "output" => Expect::Output(content),
                    "output-regex" => Expect::OutputRegex(content),
                    "error" => Expect::Error(content),
                    _ => Expect::ErrorRegex(content),
                });
            }
            other => return Err(format!("{file}: unknown block kind {other:?}")),
        }
        Ok(())
    }

    for (i, ln) in lines.iter().enumerate() {
        if let Some(name) = ln.strip_prefix("=== ") {
            close(&mut cases, &mut block, file)?;
            cases.push(Case {
                file: file.to_string(),
                name: name.trim().to_string(),
                values: None,
                files: Vec::new(),
                template: String::new(),
                expect: None,
            });
        } else if let Some(head) = ln.strip_prefix("--- ") {
            close(&mut cases, &mut block, file)?;
            let mut parts = head.trim().splitn(2, char::is_whitespace);
            let mut kind = parts.next().unwrap_or("").to_string();
            let arg = parts.next().map(|s| s.trim().to_string());
            let is_json = kind.ends_with("-json");
            if is_json {
                kind.truncate(kind.len() - "-json".len());
            }
            block = Some((kind, arg, is_json, Vec::new()));
        } else if let Some((_, _, _, blines)) = block.as_mut() {
            blines.push(ln);
        } else if !cases.is_empty() && !ln.trim().is_empty() && !ln.starts_with('#') {
            return Err(format!("{file}:{}: text outside a block", i + 1));
        }
    }
    close(&mut cases, &mut block, file)?;
    Ok(cases)
}

fn load_all_cases() -> Vec<Case> {
    let dir = cases_dir();
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let mut all = Vec::new();
    for p in paths {
        let text = std::fs::read_to_string(&p)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
        let file = p
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        match parse_cases(&file, &text) {
            Ok(cs) => all.extend(cs),
            Err(e) => panic!("{e}"),
        }
    }
    all
}

/// The first differing line of two texts, for the failure report.
fn first_diff(want: &str, got: &str) -> String {
    let w: Vec<&str> = want.split('\n').collect();
    let g: Vec<&str> = got.split('\n').collect();
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i), g.get(i));
        if a != b {
            return format!(
                "line {}: want {}\n                 got  {}",
                i + 1,
                a.map_or("<end>".to_string(), |s| format!("{s:?}")),
                b.map_or("<end>".to_string(), |s| format!("{s:?}"))
            );
        }
    }
    "texts differ only in a trailing newline".to_string()
}

fn shorten(s: &str) -> String {
    let mut t: String = s.chars().take(300).collect();
    if t.len() < s.len() {
        t.push('…');
    }
    t
}

/// The chart every case is rendered in (gen.py writes the same Chart.yaml).
const CHART_NAME: &str = "conf";
const CHART_YAML: &str = "apiVersion: v2\nname: conf\nversion: 0.1.0\nappVersion: \"1.0.0\"\n";

/// Renders a case the way `helm template rel <chart>` renders it: the chart is built in memory
/// (Chart.yaml, values.yaml, templates/<case>.yaml and the extra files), loaded and prepared like
/// a chart directory, every template rendered; the result is the case template's raw output, or
/// helm's error text (what follows `Error: `).
fn render_case(case: &Case) -> Result<String, String> {
    use chartgate::chart::{self, File, PrepareOptions};
    use chartgate::render::{self, ReleaseOptions, RenderOptions};

    let file = |name: String, text: &str| File {
        name,
        data: text.as_bytes().to_vec().into(),
    };
    let mut files = vec![file("Chart.yaml".into(), CHART_YAML)];
    if let Some(v) = &case.values {
        files.push(file("values.yaml".into(), v));
    }
    files.push(file(
        format!("templates/{}.yaml", case.name),
        &case.template,
    ));
    for (name, text) in &case.files {
        // "/x" is relative to the chart root (files for `.Files`), else to templates/.
        let path = match name.strip_prefix('/') {
            Some(rooted) => rooted.to_string(),
            None => format!("templates/{name}"),
        };
        files.push(file(path, text));
    }
    let loaded = chart::load_files(files).map_err(|e| e.to_string())?;
    let prepared = chart::prepare(loaded, &gotpl::Map::new(), &PrepareOptions::default())
        .map_err(|e| e.to_string())?;
    let opts = RenderOptions {
        release: ReleaseOptions {
            name: "rel".into(),
            ..ReleaseOptions::default()
        },
        ..RenderOptions::default()
    };
    let rendered = render::render(&prepared, &opts).map_err(|e| e.to_string())?;
    let main = format!("{CHART_NAME}/templates/{}.yaml", case.name);
    rendered
        .get(&main)
        .cloned()
        .ok_or_else(|| format!("<runner: no output for {main}>"))
}

/// Compares one result with the expectation; None when it passes, else the reason.
fn check(case: &Case, got: &Result<String, String>) -> Option<String> {
    let full = |re: &str| regex::Regex::new(&format!("(?s)\\A(?:{re})\\z"));
    match (&case.expect, got) {
        (None, _) => Some("no expectation recorded (run tests/conformance/gen.py)".into()),
        (Some(Expect::Output(want)), Ok(out)) if want == out => None,
        (Some(Expect::Output(want)), Ok(out)) => {
            Some(format!("output differs: {}", first_diff(want, out)))
        }
        (Some(Expect::Error(want)), Err(e)) if want == e => None,
        (Some(Expect::Error(want)), Err(e)) => {
            Some(format!("error differs: {}", first_diff(want, e)))
        }
        (Some(Expect::OutputRegex(re)), Ok(out)) => match full(re) {
            Ok(r) if r.is_match(out) => None,
            Ok(_) => Some(format!("output {:?} does not match /{re}/", shorten(out))),
            Err(e) => Some(format!("bad regex in case: {e}")),
        },
        (Some(Expect::ErrorRegex(re)), Err(e)) => match full(re) {
            Ok(r) if r.is_match(e) => None,
            Ok(_) => Some(format!(
                "error {:?} does not match the expected pattern",
                shorten(e)
            )),
            Err(err) => Some(format!("bad regex in case: {err}")),
        },
        (Some(Expect::Output(_) | Expect::OutputRegex(_)), Err(e)) => {
            Some(format!("expected output, got error: {}", shorten(e)))
        }
        (Some(Expect::Error(_) | Expect::ErrorRegex(_)), Ok(out)) => {
            Some(format!("expected an error, got output: {:?}", shorten(out)))
        }
    }
}

/// Renders a case on its own thread with a big stack (deep include recursion) and a timeout,
/// so an engine panic or hang fails that case instead of the whole suite.
fn run_isolated(case: &Case) -> Result<String, String> {
    let (tx, rx) = mpsc::channel();
    let c = case.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("case-{}", case.name))
        .stack_size(256 << 20)
        .spawn(move || {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| render_case(&c)));
            let _ = tx.send(r);
        });
    if let Err(e) = spawned {
        return Err(format!("<runner: cannot spawn thread: {e}>"));
    }
    match rx.recv_timeout(Duration::from_secs(20)) {
        Ok(Ok(r)) => r,
        Ok(Err(p)) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Err(format!("<runner: engine panicked: {msg}>"))
        }
        Err(_) => Err("<runner: timeout after 20 s>".to_string()),
    }
}

#[test]
fn conformance() {
    let filter = std::env::var("CONFORMANCE_FILTER")
        .ok()
        .filter(|s| !s.is_empty());
    let strict = std::env::var("CONFORMANCE_STRICT").is_ok_and(|v| v == "1");
    let update = std::env::var("CONFORMANCE_UPDATE").is_ok_and(|v| v == "1");
    let verbose = std::env::var("CONFORMANCE_VERBOSE").is_ok_and(|v| v == "1");

    // gen.py runs helm with TZ=UTC: date functions must see the same zone.
    std::env::set_var("TZ", "UTC");
    let all = load_all_cases();
    assert!(
        all.len() >= 500,
        "only {} conformance cases found",
        all.len()
    );
    let selected: Vec<&Case> = all
        .iter()
        .filter(|c| {
            filter
                .as_ref()
                .is_none_or(|f| c.name.contains(f.as_str()) || c.file.contains(f.as_str()))
        })
        .collect();

    // Silence the default panic message of caught engine panics (they are reported per case).
    let prev_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures: Vec<(&Case, String)> = Vec::new();
    let mut timeouts = 0;
    for case in &selected {
        let got = run_isolated(case);
        if got
            .as_ref()
            .is_err_and(|e| e.starts_with("<runner: timeout"))
        {
            timeouts += 1;
        }
        if let Some(why) = check(case, &got) {
            failures.push((case, why));
        }
        if timeouts >= 3 {
            failures.push((case, "stopping: 3 cases timed out".into()));
            break;
        }
    }
    std::panic::set_hook(prev_hook);

    let passed = selected.len() - failures.len().min(selected.len());
    let limit = if verbose { usize::MAX } else { 40 };
    for (case, why) in failures.iter().take(limit) {
        eprintln!("FAIL {} ({}): {why}", case.name, case.file);
    }
    if failures.len() > limit {
        let rest: Vec<&str> = failures[limit..]
            .iter()
            .map(|(c, _)| c.name.as_str())
            .collect();
        eprintln!("… and {} more failing: {}", rest.len(), rest.join(" "));
    }
    eprintln!(
        "conformance: {passed} passed, {} failed (of {})",
        failures.len(),
        selected.len()
    );
    println!("conformance: {passed} passed, {} failed", failures.len());

    if strict {
        assert!(
            failures.is_empty(),
            "{} conformance cases fail",
            failures.len()
        );
        return;
    }
    if filter.is_some() {
        return; // the ratchet applies to the full suite only
    }
    let count_path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/conformance/passing.count");
    let ratchet: usize = std::fs::read_to_string(&count_path)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(0);
    if update && passed > ratchet {
        if let Err(e) = std::fs::write(&count_path, format!("{passed}\n")) {
            eprintln!("cannot update {}: {e}", count_path.display());
        }
    } else if passed > ratchet {
        eprintln!("conformance improved: set tests/conformance/passing.count to {passed} (or run with CONFORMANCE_UPDATE=1)");
    }
    assert!(
        passed >= ratchet,
        "conformance regressed: {passed} cases pass, the ratchet (tests/conformance/passing.count) says {ratchet}"
    );
}

#[test]
fn case_files_parse() {
    let all = load_all_cases();
    let mut names = std::collections::BTreeSet::new();
    for c in &all {
        assert!(
            names.insert(c.name.clone()),
            "duplicate case name {}",
            c.name
        );
        assert!(
            !c.name.is_empty()
                && c.name
                    .chars()
                    .all(|ch| ch.is_ascii_alphanumeric() || ch == '_'),
            "bad case name {:?}",
            c.name
        );
    }
    // The format round-trips the exact bytes gen.py stored: a JSON block and trailing newlines.
    let sample = "=== a\n--- template-json\n\"x\\r\\n\"\n--- output\nx\n\n=== b\n# comment\n--- template\n\n--- error\nboom\n";
    let cs = parse_cases("sample", sample).expect("sample parses");
    assert_eq!(cs.len(), 2);
    assert_eq!(cs[0].template, "x\r\n");
    assert!(matches!(&cs[0].expect, Some(Expect::Output(o)) if o == "x\n"));
    assert_eq!(cs[1].template, "");
    assert!(matches!(&cs[1].expect, Some(Expect::Error(e)) if e == "boom"));
}
