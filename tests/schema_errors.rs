//! values.schema.json failures worded as helm v4.1.4 words them: every case in
//! tests/schema/cases.txt (expectations written by the real helm, see tests/schema/gen.py) is
//! rendered by `chartgate template` as a one-template chart, and its stderr must be helm's.
//! `unordered` cases (helm's validator walks Go maps, so sibling failures come in a random
//! order) are compared as sorted lines.

use std::path::PathBuf;
use std::process::Command;

struct Case {
    name: String,
    schema: String,
    values: String,
    expect: String,
    unordered: bool,
}

fn cases() -> Vec<Case> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/schema/cases.txt");
    let text = std::fs::read_to_string(path).expect("read cases");
    let mut out: Vec<Case> = Vec::new();
    let mut block = String::new();
    let push = |out: &mut Vec<Case>, block: &str, lines: &mut Vec<&str>| {
        while lines.last() == Some(&"") {
            lines.pop();
        }
        let body = lines.join("\n");
        lines.clear();
        let Some(c) = out.last_mut() else { return };
        match block {
            "schema" => c.schema = body,
            "values" => c.values = body,
            "error" => c.expect = body,
            "unordered" => {
                c.expect = body;
                c.unordered = true;
            }
            _ => {}
        }
    };
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines() {
        if let Some(name) = line.strip_prefix("=== ") {
            push(&mut out, &block, &mut lines);
            block.clear();
            out.push(Case {
                name: name.trim().to_string(),
                schema: String::new(),
                values: String::new(),
                expect: String::new(),
                unordered: false,
            });
        } else if let Some(b) = line.strip_prefix("--- ") {
            push(&mut out, &block, &mut lines);
            block = b.trim().to_string();
        } else if !out.is_empty() {
            lines.push(line);
        }
    }
    push(&mut out, &block, &mut lines);
    out
}

fn sorted(s: &str) -> Vec<&str> {
    let mut v: Vec<&str> = s.lines().collect();
    v.sort_unstable();
    v
}

#[test]
fn schema_failures_read_like_helms() {
    let dir = std::env::temp_dir().join(format!("cg-schema-errors-{}", std::process::id()));
    let mut failed = Vec::new();
    let all = cases();
    assert!(all.len() >= 40, "cases.txt holds {} cases", all.len());
    for c in &all {
        assert!(
            !c.expect.is_empty(),
            "{}: no expectation (run gen.py)",
            c.name
        );
        let chart = dir.join(&c.name).join("c");
        std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
        std::fs::write(
            chart.join("Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        )
        .expect("write");
        std::fs::write(chart.join("templates/cm.yaml"), "kind: ConfigMap\n").expect("write");
        std::fs::write(chart.join("values.schema.json"), format!("{}\n", c.schema)).expect("write");
        std::fs::write(chart.join("values.yaml"), format!("{}\n", c.values)).expect("write");
        let out = Command::new(env!("CARGO_BIN_EXE_chartgate"))
            .args(["template", "r", "c"])
            .current_dir(chart.parent().unwrap())
            .output()
            .expect("run chartgate");
        let got = String::from_utf8_lossy(&out.stderr);
        let got = got.trim_end_matches('\n');
        let same = if c.unordered {
            sorted(got) == sorted(&c.expect)
        } else {
            got == c.expect
        };
        if out.status.code() != Some(1) || !same {
            failed.push(format!(
                "=== {}\n--- helm\n{}\n--- chartgate (exit {:?})\n{}",
                c.name,
                c.expect,
                out.status.code(),
                got
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(
        failed.is_empty(),
        "{}/{} schema cases differ from helm:\n{}",
        failed.len(),
        all.len(),
        failed.join("\n")
    );
}
