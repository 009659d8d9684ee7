//! Robustness of `chartgate scan` and `chartgate template` against malicious or broken charts.
//!
//! Every case must end with a clear error that names the offending file and the documented exit
//! code (scan: 1 for findings, a chart that does not load or render included, 2 for usage/input
//! errors; template: 1 for any template or chart error, 2 for usage) — never a panic, never a
//! hang, never a read outside the chart. The binary runs in a child process with a time limit
//! (a hang is a failure) and an address-space cap (an unbounded allocation must not take the
//! shared build machine down with it). Charts are built in temporary directories; the static
//! ones live in `corpus/bad/` and `tests/data/robustness/`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A run longer than this is a hang.
const TIMEOUT: Duration = Duration::from_secs(20);
/// Address-space cap for the child (KiB). chartgate reserves big thread stacks, so this is
/// generous; it only has to stop runaway allocations before they exhaust the machine.
const MEM_LIMIT_KIB: u64 = 4 << 20;
/// Output kept per stream; the rest is drained and dropped so the child never blocks.
const KEEP: usize = 8 << 20;
/// Written into files outside the charts: it must never show up in any output.
const MARKER: &str = "CG_OUTSIDE_SECRET_7f3a91";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temporary directory removed on drop (also when the test fails).
struct Tmp(PathBuf);

impl Tmp {
    fn new(name: &str) -> Tmp {
        static N: AtomicUsize = AtomicUsize::new(0);
        let d = std::env::temp_dir().join(format!(
            "cg-robust-{name}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).expect("create temp dir");
        Tmp(d)
    }
    fn path(&self) -> &Path {
        &self.0
    }
    fn join(&self, p: &str) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Writes `data` at `dir/rel`, creating parents.
fn write(dir: &Path, rel: &str, data: impl AsRef<[u8]>) {
    let p = dir.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("create dirs");
    }
    std::fs::write(&p, data).expect("write file");
}

/// A minimal chart `name` under `dir` with the given extra files; returns its directory.
fn chart(dir: &Path, name: &str, files: &[(&str, &[u8])]) -> PathBuf {
    let c = dir.join(name);
    std::fs::create_dir_all(c.join("templates")).expect("create chart");
    if !files.iter().any(|(n, _)| *n == "Chart.yaml") {
        write(
            &c,
            "Chart.yaml",
            format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\n"),
        );
    }
    for (n, data) in files {
        write(&c, n, data);
    }
    c
}

fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    std::os::unix::fs::symlink(target, link).expect("create symlink");
}

/// The outcome of one chartgate run.
struct Run {
    args: String,
    code: Option<i32>,
    stdout: String,
    stderr: String,
    timed_out: bool,
    elapsed: Duration,
}

impl Run {
    fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    /// Short form for assertion messages.
    fn show(&self) -> String {
        let cut = |s: &str| -> String {
            if s.len() > 3000 {
                let mut end = 3000;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                format!("{}… ({} bytes)", &s[..end], s.len())
            } else {
                s.to_string()
            }
        };
        format!(
            "chartgate {}\n  exit: {:?} after {:?}{}\n  stdout: {}\n  stderr: {}",
            self.args,
            self.code,
            self.elapsed,
            if self.timed_out {
                " (KILLED: timeout)"
            } else {
                ""
            },
            cut(&self.stdout),
            cut(&self.stderr)
        )
    }
}

/// Reads a stream to the end, keeping the first [`KEEP`] bytes.
fn drain(mut r: impl Read) -> Vec<u8> {
    let mut kept = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match r.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                let room = KEEP.saturating_sub(kept.len());
                kept.extend_from_slice(&buf[..n.min(room)]);
            }
        }
    }
    kept
}

/// Runs chartgate in `dir` with a time limit and an address-space cap; `stdin` is fed if given.
fn run_with(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    // `exec` keeps one process, so killing the child kills chartgate itself.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -v {MEM_LIMIT_KIB} && exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_chartgate"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .env("RUST_BACKTRACE", "0")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn chartgate");
    if let (Some(data), Some(mut w)) = (stdin, child.stdin.take()) {
        let data = data.to_vec();
        std::thread::spawn(move || {
            let _ = w.write_all(&data);
        });
    }
    let out = child.stdout.take().expect("stdout");
    let err = child.stderr.take().expect("stderr");
    let t_out = std::thread::spawn(move || drain(out));
    let t_err = std::thread::spawn(move || drain(err));
    let start = Instant::now();
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if start.elapsed() > TIMEOUT => {
                timed_out = true;
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let elapsed = start.elapsed();
    let stdout = String::from_utf8_lossy(&t_out.join().unwrap_or_default()).into_owned();
    let stderr = String::from_utf8_lossy(&t_err.join().unwrap_or_default()).into_owned();
    Run {
        args: args.join(" "),
        code: status.and_then(|s| s.code()),
        stdout,
        stderr,
        timed_out,
        elapsed,
    }
}

fn run(dir: &Path, args: &[&str]) -> Run {
    run_with(dir, args, None)
}

/// No hang, no signal (abort, OOM kill), no panic.
fn assert_sane(r: &Run) {
    assert!(
        !r.timed_out,
        "hang (killed after {TIMEOUT:?}):\n{}",
        r.show()
    );
    assert!(
        r.code.is_some(),
        "killed by a signal (crash):\n{}",
        r.show()
    );
    assert!(
        !r.stderr.contains("panicked") && !r.stderr.contains("internal error"),
        "panic:\n{}",
        r.show()
    );
    assert!(
        !r.stderr.contains("memory allocation of"),
        "allocation failure:\n{}",
        r.show()
    );
}

fn assert_code(r: &Run, code: i32) {
    assert_sane(r);
    assert_eq!(r.code, Some(code), "unexpected exit code:\n{}", r.show());
}

fn assert_no_leak(r: &Run) {
    assert!(
        !r.all().contains(MARKER),
        "content of a file outside the chart leaked into the output:\n{}",
        r.show()
    );
    assert!(
        !r.all().contains("root:x:0:0"),
        "/etc/passwd leaked into the output:\n{}",
        r.show()
    );
}

/// `chartgate scan PATH --format json` run in `dir`; the parsed report.
fn scan_json(dir: &Path, path: &str, extra: &[&str]) -> (Run, serde_json::Value) {
    let mut args = vec!["scan", path, "--format", "json"];
    args.extend_from_slice(extra);
    let r = run(dir, &args);
    assert_sane(&r);
    let v = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("report is not JSON ({e}):\n{}", r.show()));
    (r, v)
}

fn findings(v: &serde_json::Value) -> Vec<serde_json::Value> {
    v["findings"].as_array().cloned().unwrap_or_default()
}

/// The unsuppressed error findings of a report.
fn errors(v: &serde_json::Value) -> Vec<serde_json::Value> {
    findings(v)
        .into_iter()
        .filter(|f| f["severity"] == "error" && f["suppressed"].is_null())
        .collect()
}

/// Scan fails the gate (exit 1) with an error finding of one of `rules` whose location or
/// message names `file`; returns that finding.
fn expect_scan_error(dir: &Path, path: &str, rules: &[&str], file: &str) -> serde_json::Value {
    let (r, v) = scan_json(dir, path, &[]);
    assert_code(&r, 1);
    assert_no_leak(&r);
    let errs = errors(&v);
    errs.iter()
        .find(|f| {
            let rule = f["rule"].as_str().unwrap_or("");
            let loc = f["location"]["path"].as_str().unwrap_or("");
            let msg = f["message"].as_str().unwrap_or("");
            rules.contains(&rule) && (loc.contains(file) || msg.contains(file))
        })
        .cloned()
        .unwrap_or_else(|| {
            panic!(
                "no {rules:?} error naming {file:?}; errors: {}\n{}",
                serde_json::to_string_pretty(&errs).unwrap_or_default(),
                r.show()
            )
        })
}

/// `template` fails with exit 1 and an `Error:` line naming `file`.
fn expect_template_error(dir: &Path, chart: &str, file: &str) -> Run {
    let r = run(dir, &["template", "rel", chart]);
    assert_code(&r, 1);
    assert_no_leak(&r);
    assert!(
        r.stderr.starts_with("Error: "),
        "no `Error:` line:\n{}",
        r.show()
    );
    assert!(
        r.stderr.contains(file),
        "the error does not name {file:?}:\n{}",
        r.show()
    );
    r
}

/// A file outside every chart holding [`MARKER`].
fn outside_secret(t: &Tmp) -> PathBuf {
    let p = t.join("outside/secret.yaml");
    write(
        t.path(),
        "outside/secret.yaml",
        format!("apiVersion: v1\nkind: Secret\nmetadata:\n  name: {MARKER}\nstringData:\n  password: {MARKER}\n"),
    );
    p
}

const CONFIGMAP: &str =
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: \"1\"\n";

// ---------------------------------------------------------------------------------------------
// Symbolic links in chart directories

#[test]
fn symlinked_template_outside_chart_is_refused() {
    let t = Tmp::new("symfile");
    let secret = outside_secret(&t);
    for (name, target) in [("to-etc", PathBuf::from("/etc/passwd")), ("to-tmp", secret)] {
        let c = chart(
            t.path(),
            name,
            &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
        );
        symlink(&target, c.join("templates/leak.yaml"));
        let f = expect_scan_error(
            t.path(),
            name,
            &["render/load-error"],
            "templates/leak.yaml",
        );
        assert!(
            f["message"]
                .as_str()
                .unwrap_or("")
                .contains("outside the chart"),
            "{f:#}"
        );
        expect_template_error(t.path(), name, "templates/leak.yaml");
    }
}

#[test]
fn symlinked_templates_dir_outside_chart_is_refused() {
    let t = Tmp::new("symdir");
    outside_secret(&t);
    let c = t.join("c");
    write(
        &c,
        "Chart.yaml",
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    );
    symlink(t.join("outside"), c.join("templates"));
    expect_scan_error(t.path(), "c", &["render/load-error"], "templates");
    expect_template_error(t.path(), "c", "symbolic link templates");
}

#[test]
fn symlinked_subchart_outside_chart_is_refused() {
    let t = Tmp::new("symsub");
    let ext = chart(
        t.path(),
        "external",
        &[("templates/s.yaml", b"x: {{ .Values.x }}\n")],
    );
    write(&ext, "values.yaml", format!("x: {MARKER}\n"));
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    std::fs::create_dir_all(c.join("charts")).expect("mkdir");
    symlink(&ext, c.join("charts/external"));
    expect_scan_error(t.path(), "c", &["render/load-error"], "charts/external");
    expect_template_error(t.path(), "c", "charts/external");
}

#[test]
fn symlinked_values_outside_chart_is_refused() {
    let t = Tmp::new("symvalues");
    let secret = outside_secret(&t);
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    symlink(&secret, c.join("values.yaml"));
    // The rule is debatable (see qa-findings: it is reported as a YAML syntax problem), the
    // contract is not: exit 1, the file named, nothing read.
    // A link is a load error, not a values.yaml that does not parse.
    let f = expect_scan_error(t.path(), "c", &["render/load-error"], "values.yaml");
    assert_eq!(f["location"]["path"], "c/values.yaml", "{f:#}");
    expect_template_error(t.path(), "c", "values.yaml");
}

#[test]
fn symlinked_chart_yaml_outside_chart_is_refused() {
    let t = Tmp::new("symchartyaml");
    write(
        t.path(),
        "outside/Chart.yaml",
        format!("apiVersion: v2\nname: c\nversion: 0.1.0\ndescription: {MARKER}\n"),
    );
    let c = t.join("c");
    std::fs::create_dir_all(c.join("templates")).expect("mkdir");
    write(&c, "templates/cm.yaml", CONFIGMAP);
    symlink(t.join("outside/Chart.yaml"), c.join("Chart.yaml"));
    expect_scan_error(t.path(), "c", &["render/load-error"], "Chart.yaml");
    expect_template_error(t.path(), "c", "Chart.yaml");
}

#[test]
fn symlinked_chart_yaml_outside_chart_is_refused_before_reading() {
    let t = Tmp::new("symchartyaml2");
    write(t.path(), "outside/Chart.yaml", "apiVersion: v9\nname: c\n");
    let c = t.join("c");
    std::fs::create_dir_all(c.join("templates")).expect("mkdir");
    symlink(t.join("outside/Chart.yaml"), c.join("Chart.yaml"));
    let r = expect_template_error(t.path(), "c", "Chart.yaml");
    assert!(r.stderr.contains("outside the chart"), "{}", r.show());
}

/// Go's filepath.Match never backtracks into earlier chunks; a naive glob does, exponentially.
#[test]
fn helmignore_star_patterns_do_not_hang() {
    let t = Tmp::new("ignorestars");
    let long = format!("{}*c\n", "*a".repeat(30_000));
    let name = format!("files/{}", "a".repeat(60));
    let c = chart(
        t.path(),
        "c",
        &[
            ("templates/cm.yaml", CONFIGMAP.as_bytes()),
            (".helmignore", b"*a*a*a*a*a*a*a*a*a*a*a*a*c\n"),
            (name.as_str(), b"x"),
        ],
    );
    let r = run(t.path(), &["template", "rel", "c"]);
    assert_code(&r, 0);
    assert!(r.elapsed < Duration::from_secs(5), "{}", r.show());
    write(&c, ".helmignore", long);
    let r = run(t.path(), &["template", "rel", "c"]);
    assert_code(&r, 0);
    // helm: a .helmignore line of 64 KiB or more fails its line scanner.
    write(&c, ".helmignore", format!("{}\n", "a".repeat(65_536)));
    let r = expect_template_error(t.path(), "c", "token too long");
    assert_eq!(
        r.stderr.lines().next(),
        Some("Error: bufio.Scanner: token too long")
    );
}

#[test]
fn symlinked_helmignore_outside_chart_is_refused() {
    let t = Tmp::new("symignore");
    let secret = outside_secret(&t);
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    symlink(&secret, c.join(".helmignore"));
    expect_scan_error(t.path(), "c", &["render/load-error"], ".helmignore");
    expect_template_error(t.path(), "c", ".helmignore");
}

#[test]
fn symlink_inside_chart_is_followed() {
    let t = Tmp::new("symin");
    let c = chart(t.path(), "c", &[("files/cm.yaml", CONFIGMAP.as_bytes())]);
    symlink("../files/cm.yaml", c.join("templates/cm.yaml"));
    let r = run(t.path(), &["template", "rel", "c"]);
    assert_code(&r, 0);
    assert!(
        r.stdout.contains("# Source: c/templates/cm.yaml"),
        "{}",
        r.show()
    );
}

#[test]
fn symlink_loop_inside_chart_ends() {
    let t = Tmp::new("symloop");
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    // Two links to the parent: following them naively is exponential, not just infinite.
    symlink("..", c.join("templates/a"));
    symlink("..", c.join("templates/b"));
    expect_scan_error(t.path(), "c", &["render/load-error"], "templates");
    expect_template_error(t.path(), "c", "templates");
}

#[test]
fn dangling_symlink_is_an_error() {
    let t = Tmp::new("dangling");
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    symlink("/nonexistent/cg-robust", c.join("templates/d.yaml"));
    expect_scan_error(t.path(), "c", &["render/load-error"], "templates/d.yaml");
    expect_template_error(t.path(), "c", "templates/d.yaml");
}

#[test]
fn fifo_in_templates_does_not_block() {
    let t = Tmp::new("fifo");
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    let ok = Command::new("mkfifo")
        .arg(c.join("templates/pipe.yaml"))
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    if !ok {
        eprintln!("mkfifo unavailable; skipped");
        return;
    }
    expect_scan_error(t.path(), "c", &["render/load-error"], "templates/pipe.yaml");
    expect_template_error(t.path(), "c", "templates/pipe.yaml");
}

#[test]
fn load_error_location_is_the_offending_file() {
    let t = Tmp::new("loadloc");
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    symlink("/etc/passwd", c.join("templates/leak.yaml"));
    let f = expect_scan_error(t.path(), "c", &["render/load-error"], "leak.yaml");
    assert_eq!(f["location"]["path"], "c/templates/leak.yaml", "{f:#}");
    // A broken subchart archive is located at the archive, a subchart's Chart.yaml at itself.
    let d = chart(
        t.path(),
        "d",
        &[
            ("templates/cm.yaml", CONFIGMAP.as_bytes()),
            ("charts/sub-0.1.0.tgz", b"\x1f\x8b\x08 not really gzip"),
        ],
    );
    let f = expect_scan_error(t.path(), "d", &["render/load-error"], "sub-0.1.0.tgz");
    assert_eq!(f["location"]["path"], "d/charts/sub-0.1.0.tgz", "{f:#}");
    std::fs::remove_file(d.join("charts/sub-0.1.0.tgz")).expect("rm");
    write(&d, "charts/sub/Chart.yaml", "apiVersion: v2\nname: sub\n");
    let f = expect_scan_error(t.path(), "d", &["render/load-error"], "Chart.yaml");
    assert_eq!(f["location"]["path"], "d/charts/sub/Chart.yaml", "{f:#}");
}

#[test]
fn ci_values_symlink_outside_chart_is_located() {
    let t = Tmp::new("symci");
    let secret = outside_secret(&t);
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    std::fs::create_dir_all(c.join("ci")).expect("mkdir");
    symlink(&secret, c.join("ci/prod-values.yaml"));
    let (r, v) = scan_json(t.path(), "c", &["--ci-values"]);
    assert_code(&r, 1);
    assert_no_leak(&r);
    let errs = errors(&v);
    assert!(
        errs.iter()
            .any(|f| f["location"]["path"] == "c/ci/prod-values.yaml"),
        "{errs:#?}"
    );
}

// ---------------------------------------------------------------------------------------------
// Chart archives

/// A .tgz from (name, data, type, link target) entries; names and link targets are written
/// verbatim into the header, so escapes and absolute paths survive.
fn tgz(entries: &[(&str, &[u8], tar::EntryType, &str)]) -> Vec<u8> {
    let mut out = Vec::new();
    let gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
    let mut b = tar::Builder::new(gz);
    for (name, data, kind, link) in entries {
        let mut h = tar::Header::new_old();
        h.set_entry_type(*kind);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_mtime(0);
        {
            let raw = h.as_old_mut();
            raw.name[..name.len()].copy_from_slice(name.as_bytes());
            raw.linkname[..link.len()].copy_from_slice(link.as_bytes());
        }
        h.set_cksum();
        b.append(&h, *data).expect("append entry");
    }
    b.into_inner()
        .expect("finish tar")
        .finish()
        .expect("finish gzip");
    out
}

const REG: tar::EntryType = tar::EntryType::Regular;
const CHART_YAML: &[u8] = b"apiVersion: v2\nname: c\nversion: 0.1.0\n";

#[test]
fn archive_with_parent_dir_entry_is_refused_and_nothing_is_written() {
    let t = Tmp::new("tgzdotdot");
    let data = tgz(&[
        ("c/Chart.yaml", CHART_YAML, REG, ""),
        ("c/templates/cm.yaml", CONFIGMAP.as_bytes(), REG, ""),
        ("c/../../cg-robust-escaped.yaml", b"x: 1\n", REG, ""),
        (
            "c/templates/../../../cg-robust-escaped2.yaml",
            b"x: 1\n",
            REG,
            "",
        ),
    ]);
    write(t.path(), "work/evil.tgz", data);
    let work = t.join("work");
    expect_scan_error(&work, "evil.tgz", &["render/load-error"], "evil.tgz");
    let r = run(&work, &["template", "rel", "evil.tgz"]);
    assert_code(&r, 1);
    assert!(r.stderr.starts_with("Error: "), "{}", r.show());
    let out = run(
        &work,
        &["template", "rel", "evil.tgz", "--output-dir", "out"],
    );
    assert_code(&out, 1);
    for p in ["cg-robust-escaped.yaml", "cg-robust-escaped2.yaml"] {
        assert!(!t.join(p).exists() && !t.join(&format!("work/{p}")).exists());
    }
}

#[test]
fn archive_with_absolute_entries() {
    let t = Tmp::new("tgzabs");
    // `c//etc/x` is absolute once the chart directory is stripped: refused, like helm.
    write(
        t.path(),
        "abs.tgz",
        tgz(&[
            ("c/Chart.yaml", CHART_YAML, REG, ""),
            ("c//etc/passwd", b"x: 1\n", REG, ""),
        ]),
    );
    expect_scan_error(t.path(), "abs.tgz", &["render/load-error"], "abs.tgz");
    let r = run(t.path(), &["template", "rel", "abs.tgz"]);
    assert_code(&r, 1);
    // `/etc/passwd` loses its first (empty) component and becomes the chart file
    // `etc/passwd` (helm does the same): its content is the archive's, never the host's.
    write(
        t.path(),
        "abs2.tgz",
        tgz(&[
            ("c/Chart.yaml", CHART_YAML, REG, ""),
            ("/etc/passwd", b"archive-content", REG, ""),
            (
                "c/templates/cm.yaml",
                b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: {{ .Files.Get \"etc/passwd\" | quote }}\n  b: {{ .Files.Get \"/etc/passwd\" | quote }}\n  c: {{ .Files.Get \"../../../../etc/passwd\" | quote }}\n",
                REG,
                "",
            ),
        ]),
    );
    let r = run(t.path(), &["template", "rel", "abs2.tgz"]);
    assert_code(&r, 0);
    assert_no_leak(&r);
    assert!(r.stdout.contains("a: \"archive-content\""), "{}", r.show());
}

#[test]
fn archive_symlink_and_hardlink_entries_are_never_followed() {
    let t = Tmp::new("tgzlink");
    let secret = outside_secret(&t);
    let secret = secret.to_string_lossy().into_owned();
    let tpl = b"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: {{ .Files.Get \"files/abs\" | quote }}\n  b: {{ .Files.Get \"files/rel\" | quote }}\n  c: {{ .Files.Get \"files/hard\" | quote }}\n";
    write(
        t.path(),
        "links.tgz",
        tgz(&[
            ("c/Chart.yaml", CHART_YAML, REG, ""),
            ("c/templates/cm.yaml", tpl, REG, ""),
            ("c/files/abs", b"", tar::EntryType::Symlink, &secret),
            (
                "c/files/rel",
                b"",
                tar::EntryType::Symlink,
                "../../../../../../../../etc/passwd",
            ),
            ("c/files/hard", b"", tar::EntryType::Link, "/etc/passwd"),
            (
                "c/templates/link.yaml",
                b"",
                tar::EntryType::Symlink,
                &secret,
            ),
        ]),
    );
    let r = run(t.path(), &["template", "rel", "links.tgz"]);
    assert_code(&r, 0);
    assert_no_leak(&r);
    let (r, _) = scan_json(t.path(), "links.tgz", &[]);
    assert_no_leak(&r);
    assert!(r.code == Some(0) || r.code == Some(1), "{}", r.show());
}

#[test]
fn archive_gzip_bomb_is_refused() {
    let t = Tmp::new("tgzbomb");
    // 101 MiB of zeros (≈100 KiB compressed): over the 100 MiB decompressed limit.
    let mut out = Vec::new();
    {
        let gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
        let mut b = tar::Builder::new(gz);
        let mut h = tar::Header::new_gnu();
        h.set_size(CHART_YAML.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, "c/Chart.yaml", CHART_YAML)
            .expect("append");
        let size = 101u64 << 20;
        let mut h = tar::Header::new_gnu();
        h.set_size(size);
        h.set_mode(0o644);
        b.append_data(&mut h, "c/files/zeros", std::io::repeat(0).take(size))
            .expect("append");
        b.into_inner().expect("tar").finish().expect("gzip");
    }
    write(t.path(), "bomb.tgz", out);
    // helm v4 words every problem of a root archive as "unable to load chart archive".
    expect_scan_error(t.path(), "bomb.tgz", &["render/load-error"], "bomb.tgz");
    let r = run(t.path(), &["template", "rel", "bomb.tgz"]);
    assert_code(&r, 1);
    assert!(r.stderr.starts_with("Error: "), "{}", r.show());
}

#[test]
fn archive_lying_about_entry_size_is_refused() {
    let t = Tmp::new("tgzsize");
    // A header claiming 1 TiB with a few bytes behind it.
    let mut out = Vec::new();
    {
        let mut gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
        let mut tarball = Vec::new();
        let mut b = tar::Builder::new(&mut tarball);
        let mut h = tar::Header::new_gnu();
        h.set_size(CHART_YAML.len() as u64);
        h.set_mode(0o644);
        b.append_data(&mut h, "c/Chart.yaml", CHART_YAML)
            .expect("append");
        b.finish().expect("tar");
        drop(b);
        let mut h = tar::Header::new_gnu();
        h.set_path("c/files/huge").expect("path");
        h.set_size(1 << 40);
        h.set_mode(0o644);
        h.set_cksum();
        // Splice the lying header in before the end-of-archive blocks.
        let end = tarball.len() - 1024;
        tarball.truncate(end);
        tarball.extend_from_slice(h.as_bytes());
        tarball.extend_from_slice(&[b'x'; 512]);
        gz.write_all(&tarball).expect("gzip");
        gz.finish().expect("gzip");
    }
    write(t.path(), "liar.tgz", out);
    expect_scan_error(t.path(), "liar.tgz", &["render/load-error"], "liar.tgz");
    let r = run(t.path(), &["template", "rel", "liar.tgz"]);
    assert_code(&r, 1);
}

#[test]
fn corrupt_archives_are_errors() {
    let t = Tmp::new("tgzcorrupt");
    let good = tgz(&[
        ("c/Chart.yaml", CHART_YAML, REG, ""),
        ("c/templates/cm.yaml", CONFIGMAP.as_bytes(), REG, ""),
    ]);
    write(t.path(), "truncated.tgz", &good[..good.len() / 2]);
    write(
        t.path(),
        "garbage.tgz",
        b"\x1f\x8b\x08this is not gzip at all",
    );
    write(t.path(), "text.tgz", b"just text");
    write(t.path(), "empty.tgz", b"");
    for name in ["truncated.tgz", "garbage.tgz", "text.tgz", "empty.tgz"] {
        expect_scan_error(t.path(), name, &["render/load-error"], name);
        let r = run(t.path(), &["template", "rel", name]);
        assert_code(&r, 1);
        assert!(r.stderr.starts_with("Error: "), "{}", r.show());
    }
}

#[test]
fn subchart_archive_with_escape_is_refused() {
    let t = Tmp::new("tgzsub");
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    write(
        &c,
        "charts/sub.tgz",
        tgz(&[
            (
                "sub/Chart.yaml",
                b"apiVersion: v2\nname: sub\nversion: 0.1.0\n",
                REG,
                "",
            ),
            ("sub/../../../x.yaml", b"x: 1\n", REG, ""),
        ]),
    );
    expect_scan_error(t.path(), "c", &["render/load-error"], "sub.tgz");
    expect_template_error(t.path(), "c", "sub.tgz");
}

// ---------------------------------------------------------------------------------------------
// Recursion

/// A `corpus/bad/<chart>`: scan exits 1 with a template error located in `<chart>/<file>` at
/// `line`; template exits 1 naming `<chart>/<file>` (helm's template name). Returns the finding.
fn expect_render_error(chart: &str, file: &str, line: u64) -> serde_json::Value {
    let dir = root();
    let path = format!("corpus/bad/{chart}");
    let f = expect_scan_error(
        &dir,
        &path,
        &["render/template-error"],
        &format!("{path}/{file}"),
    );
    assert_eq!(f["location"]["path"], format!("{path}/{file}"), "{f:#}");
    assert_eq!(f["location"]["line"].as_u64(), Some(line), "{f:#}");
    expect_template_error(&dir, &path, &format!("{chart}/{file}:{line}:"));
    f
}

#[test]
fn include_loop() {
    // The error is located at the outermost call (the template being rendered) and the
    // message walks the chain through the helper.
    let f = expect_render_error("include-loop", "templates/configmap.yaml", 6);
    let msg = f["message"].as_str().unwrap_or("");
    assert!(msg.contains("include-loop/templates/_helpers.tpl"), "{f:#}");
}

#[test]
fn template_self_recursion() {
    let f = expect_render_error("template-recursion", "templates/_helpers.tpl", 1);
    assert!(
        f["message"].as_str().unwrap_or("").contains("depth"),
        "{f:#}"
    );
}

#[test]
fn tpl_recursion() {
    expect_render_error("tpl-recursion", "templates/configmap.yaml", 6);
}

#[test]
fn tpl_recursion_error_is_bounded() {
    let (r, v) = scan_json(&root(), "corpus/bad/tpl-recursion", &[]);
    assert_code(&r, 1);
    for f in findings(&v) {
        let n = f["message"].as_str().unwrap_or("").len();
        assert!(n < 64 * 1024, "finding message of {n} bytes");
    }
    // `template` prints helm's whole error chain, as helm does; it must still end cleanly.
    let r = run(&root(), &["template", "rel", "corpus/bad/tpl-recursion"]);
    assert_code(&r, 1);
}

#[test]
fn deep_but_finite_include_recursion_renders() {
    // helm allows 1000 nested includes; 900 must work.
    let t = Tmp::new("deepinclude");
    chart(
        t.path(),
        "c",
        &[
            (
                "templates/_h.tpl",
                b"{{- define \"down\" }}{{ if gt (int .) 0 }}{{ include \"down\" (sub (int .) 1) }}{{ else }}bottom{{ end }}{{ end -}}\n",
            ),
            ("templates/cm.yaml", b"x: {{ include \"down\" 900 }}\n"),
        ],
    );
    let r = run(t.path(), &["template", "rel", "c"]);
    assert_code(&r, 0);
    assert!(r.stdout.contains("x: bottom"), "{}", r.show());
}

// ---------------------------------------------------------------------------------------------
// Huge output

#[test]
fn repeat_with_huge_count() {
    expect_render_error("huge-repeat", "templates/configmap.yaml", 6);
}

#[test]
fn deep_list_nesting() {
    let t = Tmp::new("deeplist");
    chart(
        t.path(),
        "c",
        &[(
            "templates/cm.yaml",
            b"{{- $l := list }}{{- range $i := until 100000 }}{{- $l = list $l }}{{- end }}\na: {{ toJson $l | len }}\nb: {{ toYaml $l | len }}\nc: {{ print $l | len }}\nd: {{ deepCopy $l | len }}\n",
        )],
    );
    let r = run(t.path(), &["template", "rel", "c"]);
    assert_sane(&r);
    assert!(r.code == Some(0) || r.code == Some(1), "{}", r.show());
    if r.code == Some(1) {
        assert!(r.stderr.contains("c/templates/cm.yaml"), "{}", r.show());
    }
    let (r, _) = scan_json(t.path(), "c", &[]);
    assert_sane(&r);
}

#[test]
fn cyclic_dict_is_an_error_or_bounded() {
    let t = Tmp::new("cyclic");
    let fns = [
        "toYaml",
        "toJson",
        "toPrettyJson",
        "toRawJson",
        "toToml",
        "print",
        "toString",
        "deepCopy",
        "quote",
    ];
    for f in fns {
        let name = format!("c-{}", f.to_lowercase());
        let tpl = format!(
            "{{{{- $d := dict }}}}{{{{- $_ := set $d \"self\" $d }}}}\nx: {{{{ {f} $d | len }}}}\n"
        );
        chart(t.path(), &name, &[("templates/cm.yaml", tpl.as_bytes())]);
        let r = run(t.path(), &["template", "rel", &name]);
        assert_sane(&r);
        assert!(r.code == Some(0) || r.code == Some(1), "{}", r.show());
    }
}

/// Templates that grow a value exponentially. Each must fail fast with an error naming the
/// template (helm runs out of memory or time on all of them).
const BLOWUPS: &[(&str, &str)] = &[
    ("print", "{{- $s := \"ab\" }}{{- range $i := until 40 }}{{- $s = print $s $s }}{{- end }}\nx: {{ len $s }}\n"),
    ("printf", "{{- $s := \"ab\" }}{{- range $i := until 40 }}{{- $s = printf \"%s%s\" $s $s }}{{- end }}\nx: {{ len $s }}\n"),
    ("cat", "{{- $s := \"ab\" }}{{- range $i := until 40 }}{{- $s = cat $s $s }}{{- end }}\nx: {{ len $s }}\n"),
    ("join", "{{- $s := \"ab\" }}{{- range $i := until 40 }}{{- $s = list $s $s | join \"\" }}{{- end }}\nx: {{ len $s }}\n"),
    ("concat", "{{- $l := list 1 }}{{- range $i := until 40 }}{{- $l = concat $l $l }}{{- end }}\nx: {{ len $l }}\n"),
    ("dict-tojson", "{{- $d := dict \"a\" 1 }}{{- range $i := until 40 }}{{- $d = dict \"x\" $d \"y\" $d }}{{- end }}\nx: {{ toJson $d | len }}\n"),
    ("dict-toyaml", "{{- $d := dict \"a\" 1 }}{{- range $i := until 40 }}{{- $d = dict \"x\" $d \"y\" $d }}{{- end }}\nx: {{ toYaml $d | len }}\n"),
    ("list-tostring", "{{- $l := list 1 }}{{- range $i := until 40 }}{{- $l = list $l $l }}{{- end }}\nx: {{ toString $l | len }}\n"),
];

fn blowup(kind: &str) {
    let t = Tmp::new("blowup");
    let (_, tpl) = BLOWUPS
        .iter()
        .find(|(k, _)| *k == kind)
        .expect("known blow-up");
    chart(t.path(), "c", &[("templates/cm.yaml", tpl.as_bytes())]);
    if kind.starts_with("dict-") {
        // helm's toJson/toYaml swallow encoding errors and return "": a value too large to
        // encode renders as empty, promptly, like any other encoding error.
        let r = run(t.path(), &["template", "rel", "c"]);
        assert_sane(&r);
        assert_code(&r, 0);
        assert!(r.stdout.contains("x: 0"), "{}", r.show());
        return;
    }
    expect_template_error(t.path(), "c", "c/templates/cm.yaml");
    expect_scan_error(
        t.path(),
        "c",
        &["render/template-error"],
        "c/templates/cm.yaml",
    );
}

#[test]
fn blowup_print() {
    blowup("print");
}

#[test]
fn blowup_printf() {
    blowup("printf");
}

#[test]
fn blowup_cat() {
    blowup("cat");
}

#[test]
fn blowup_join() {
    blowup("join");
}

#[test]
fn blowup_concat() {
    blowup("concat");
}

#[test]
fn blowup_dict_tojson() {
    blowup("dict-tojson");
}

#[test]
fn blowup_dict_toyaml() {
    blowup("dict-toyaml");
}

#[test]
fn blowup_list_tostring() {
    blowup("list-tostring");
}

#[test]
fn output_beyond_the_limit_is_an_error() {
    // 5000 × 64 KiB of text: over the renderer's per-template output limit (64 MiB).
    let t = Tmp::new("bigout");
    let tpl = format!(
        "{{{{- range $i := until 5000 }}}}{}{{{{- end }}}}\n",
        "x".repeat(1 << 16)
    );
    chart(t.path(), "c", &[("templates/cm.yaml", tpl.as_bytes())]);
    let r = expect_template_error(t.path(), "c", "c/templates/cm.yaml");
    assert!(r.stderr.contains("limit"), "{}", r.show());
    expect_scan_error(
        t.path(),
        "c",
        &["render/template-error"],
        "c/templates/cm.yaml",
    );
}

// ---------------------------------------------------------------------------------------------
// values.yaml and Chart.yaml

#[test]
fn deeply_nested_values_yaml() {
    let t = Tmp::new("deepvalues");
    let flow = format!("a: {}1{}\n", "{a: ".repeat(100_000), "}".repeat(100_000));
    chart(t.path(), "flow", &[("values.yaml", flow.as_bytes())]);
    let mut block = String::new();
    for i in 0..2500 {
        block.push_str(&" ".repeat(i));
        block.push_str("a:\n");
    }
    chart(t.path(), "block", &[("values.yaml", block.as_bytes())]);
    let seq = format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
    chart(t.path(), "seq", &[("values.yaml", seq.as_bytes())]);
    for c in ["flow", "block", "seq"] {
        let r = run(t.path(), &["template", "rel", c]);
        assert_sane(&r);
        assert!(r.code == Some(0) || r.code == Some(1), "{}", r.show());
        if r.code == Some(1) {
            assert!(r.stderr.contains("values.yaml"), "{}", r.show());
        }
        let (r, _) = scan_json(t.path(), c, &[]);
        assert_sane(&r);
    }
}

#[test]
fn moderately_nested_values_yaml_loads_like_helm() {
    let t = Tmp::new("deepvalues2");
    let flow = format!("a: {}1{}\n", "{a: ".repeat(1000), "}".repeat(1000));
    chart(
        t.path(),
        "c",
        &[
            ("values.yaml", flow.as_bytes()),
            ("templates/cm.yaml", b"x: {{ toJson .Values | len }}\n"),
        ],
    );
    let r = run(t.path(), &["template", "rel", "c"]);
    assert_code(&r, 0);
    assert!(r.stdout.contains("x: 6007"), "{}", r.show());
}

/// helm v4.1.4's limits, measured: 10000 nested collections load; one more fails
/// encoding/json's depth check; one more flow (or block) level than that fails go-yaml's.
#[test]
fn nesting_limits_match_helm() {
    let t = Tmp::new("deeplimits");
    let cm: &[u8] = b"x: {{ toJson .Values | len }}\n";
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "flow9999",
            format!("a: {}1{}\n", "{a: ".repeat(9_999), "}".repeat(9_999)),
            "x: 60001",
        ),
        (
            "flow10000",
            format!("a: {}1{}\n", "{a: ".repeat(10_000), "}".repeat(10_000)),
            "Error: cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling \
             JSON: while decoding JSON: invalid character '{' exceeded max depth",
        ),
        (
            "flow10001",
            format!("a: {}1{}\n", "[".repeat(10_001), "]".repeat(10_001)),
            "Error: cannot load values.yaml: cannot unmarshal yaml document: error converting \
             YAML to JSON: yaml: exceeded max depth of 10000",
        ),
        (
            "block9999",
            format!("a:\n{}1\n", "- ".repeat(9_999)),
            "x: 20005",
        ),
        (
            "block10000",
            format!("a:\n{}1\n", "- ".repeat(10_000)),
            "Error: cannot load values.yaml: cannot unmarshal yaml document: error unmarshaling \
             JSON: while decoding JSON: invalid character '[' exceeded max depth",
        ),
        (
            "block10001",
            format!("a:\n{}1\n", "- ".repeat(10_001)),
            "Error: cannot load values.yaml: cannot unmarshal yaml document: error converting \
             YAML to JSON: yaml: line 2: exceeded max depth of 10000",
        ),
    ];
    for (name, values, _) in &cases {
        chart(
            t.path(),
            name,
            &[
                ("values.yaml", values.as_bytes()),
                ("templates/cm.yaml", cm),
            ],
        );
    }
    for (name, _, want) in &cases {
        let r = run(t.path(), &["template", "rel", name]);
        assert_sane(&r);
        if want.starts_with("Error: ") {
            assert_code(&r, 1);
            assert_eq!(r.stderr.lines().next(), Some(*want), "{}", r.show());
        } else {
            assert_code(&r, 0);
            assert!(r.stdout.contains(want), "{}", r.show());
        }
    }
}

#[test]
fn billion_laughs_in_values_yaml() {
    expect_scan_error(
        &root(),
        "corpus/bad/values-billion-laughs",
        &["lint/values-yaml", "render/load-error"],
        "values.yaml",
    );
    let r = expect_template_error(&root(), "corpus/bad/values-billion-laughs", "values.yaml");
    assert!(r.stderr.contains("excessive aliasing"), "{}", r.show());
}

#[test]
fn billion_laughs_in_rendered_manifest_and_plain_manifest() {
    let dir = root().join("tests/data/robustness");
    let r = run(&dir, &["template", "rel", "laughs-chart"]);
    assert_code(&r, 1);
    assert!(
        r.stderr.contains("laughs-chart/templates/configmap.yaml")
            && r.stderr.contains("excessive aliasing"),
        "{}",
        r.show()
    );
    expect_scan_error(
        &dir,
        "laughs-chart",
        &["lint/invalid-yaml", "render/template-error"],
        "laughs-chart/templates/configmap.yaml",
    );
    expect_scan_error(
        &dir,
        "laughs-manifest.yaml",
        &["lint/invalid-yaml"],
        "laughs-manifest.yaml",
    );
    let text = std::fs::read(dir.join("laughs-manifest.yaml")).expect("read");
    let r = run_with(&dir, &["scan", "-", "--format", "json"], Some(&text));
    assert_code(&r, 1);
}

#[test]
fn values_yaml_that_is_a_list() {
    expect_scan_error(
        &root(),
        "corpus/bad/values-list",
        &["lint/values-yaml"],
        "corpus/bad/values-list/values.yaml",
    );
    expect_template_error(&root(), "corpus/bad/values-list", "values.yaml");
}

#[test]
fn values_yaml_syntax_error_has_a_line() {
    let f = expect_scan_error(
        &root(),
        "corpus/bad/broken-yaml",
        &["lint/values-yaml"],
        "values.yaml",
    );
    assert!(f["location"]["line"].as_u64().is_some(), "{f:#}");
}

#[test]
fn chart_yaml_with_wrong_types() {
    expect_scan_error(
        &root(),
        "corpus/bad/chart-yaml-types",
        &["render/load-error"],
        "corpus/bad/chart-yaml-types/Chart.yaml",
    );
    let r = expect_template_error(&root(), "corpus/bad/chart-yaml-types", "Chart.yaml");
    assert!(r.stderr.contains("cannot unmarshal"), "{}", r.show());
}

#[test]
fn chart_yaml_with_wrong_types_reports_helms_field() {
    // Go's encoding/json keeps the first mismatch in (sorted) key order.
    let r = expect_template_error(&root(), "corpus/bad/chart-yaml-types", "Chart.yaml");
    assert_eq!(
        r.stderr.lines().next().unwrap_or(""),
        "Error: cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: json: \
         cannot unmarshal string into Go struct field Metadata.dependencies of type \
         []*v2.Dependency",
        "{}",
        r.show()
    );
}

#[test]
fn chart_yaml_edge_cases() {
    let t = Tmp::new("chartyaml");
    let cases: &[(&str, &[u8])] = &[
        ("empty", b""),
        ("list", b"- a\n- b\n"),
        ("scalar", b"just a string\n"),
        ("binary", b"\x00\x01\x02\xff\xfe"),
        ("no-version", b"apiVersion: v2\nname: c\n"),
        ("bad-api", b"apiVersion: v9\nname: c\nversion: 0.1.0\n"),
        (
            "bad-name",
            b"apiVersion: v2\nname: ../../evil\nversion: 0.1.0\n",
        ),
        ("syntax", b"apiVersion: v2\nname: [c\nversion: 0.1.0\n"),
    ];
    for (name, data) in cases {
        let c = t.join(name);
        write(&c, "Chart.yaml", data);
        write(&c, "templates/cm.yaml", CONFIGMAP);
        expect_scan_error(t.path(), name, &["render/load-error"], "Chart.yaml");
        let r = run(t.path(), &["template", "rel", name]);
        assert_code(&r, 1);
        assert!(r.stderr.starts_with("Error: "), "{}", r.show());
    }
}

/// Aliases copy their subchart and nest: 300 aliases of a chart that itself aliases 300 times
/// would be 90,000 charts (helm: ~1 GB). The copies are budgeted: a clean error, fast.
#[test]
fn nested_alias_amplification_is_bounded() {
    let t = Tmp::new("aliases");
    let aliases = |name: &str, sub: &str| {
        let mut y = format!("apiVersion: v2\nname: {name}\nversion: 0.1.0\ndependencies:\n");
        for i in 0..300 {
            y.push_str(&format!(
                "- name: {sub}\n  version: 0.1.0\n  alias: {sub}{i}\n"
            ));
        }
        y
    };
    let (top, mid) = (aliases("c", "b"), aliases("b", "d"));
    chart(
        t.path(),
        "c",
        &[
            ("Chart.yaml", top.as_bytes()),
            ("charts/b/Chart.yaml", mid.as_bytes()),
            (
                "charts/b/charts/d/Chart.yaml",
                b"apiVersion: v2\nname: d\nversion: 0.1.0\n",
            ),
            ("charts/b/charts/d/templates/cm.yaml", CONFIGMAP.as_bytes()),
        ],
    );
    let r = expect_template_error(t.path(), "c", "aliased subcharts");
    assert!(r.elapsed < Duration::from_secs(10), "{}", r.show());
    expect_scan_error(t.path(), "c", &["render/load-error"], "Chart.yaml");
}

#[test]
fn evil_chart_name_cannot_write_outside_output_dir() {
    let t = Tmp::new("outdir");
    let c = t.join("c");
    write(
        &c,
        "Chart.yaml",
        "apiVersion: v2\nname: ../../cg-robust-evil\nversion: 0.1.0\n",
    );
    write(&c, "templates/cm.yaml", CONFIGMAP);
    let s = chart(
        t.path(),
        "d",
        &[(
            "Chart.yaml",
            b"apiVersion: v2\nname: d\nversion: 0.1.0\ndependencies:\n- name: sub\n  version: 0.1.0\n  alias: ../../cg-robust-evil\n",
        )],
    );
    chart(
        &s.join("charts"),
        "sub",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    std::fs::create_dir_all(t.join("a/b")).expect("mkdir");
    for ch in ["../../c", "../../d"] {
        let r = run(
            &t.join("a/b"),
            &["template", "rel", ch, "--output-dir", "out"],
        );
        assert_code(&r, 1);
    }
    assert!(!t.join("cg-robust-evil").exists());
    assert!(!t.join("a/cg-robust-evil").exists());
}

// ---------------------------------------------------------------------------------------------
// Templates that are not text

#[test]
fn binary_file_in_templates() {
    expect_scan_error(
        &root(),
        "corpus/bad/binary-template",
        &["lint/invalid-yaml", "render/template-error"],
        "corpus/bad/binary-template/templates/blob.yaml",
    );
    expect_template_error(&root(), "corpus/bad/binary-template", "templates/blob.yaml");
}

#[test]
fn invalid_utf8_in_template_source_does_not_crash() {
    let dir = root();
    let r = run(&dir, &["template", "rel", "corpus/bad/invalid-utf8"]);
    assert_sane(&r);
    let (r, _) = scan_json(&dir, "corpus/bad/invalid-utf8", &[]);
    assert_sane(&r);
}

#[test]
fn invalid_utf8_in_template_is_an_error_like_helm() {
    let f = expect_scan_error(
        &root(),
        "corpus/bad/invalid-utf8",
        &["lint/invalid-yaml", "render/template-error"],
        "corpus/bad/invalid-utf8/templates/configmap.yaml",
    );
    assert!(f["location"]["line"].as_u64().is_some(), "{f:#}");
    let r = expect_template_error(
        &root(),
        "corpus/bad/invalid-utf8",
        "invalid-utf8/templates/configmap.yaml",
    );
    assert!(
        r.stderr.contains("invalid leading UTF-8 octet"),
        "{}",
        r.show()
    );
}

#[test]
fn invalid_utf8_in_values_and_chart_yaml() {
    let t = Tmp::new("utf8");
    chart(
        t.path(),
        "v",
        &[
            ("values.yaml", b"a: \"\xff\xfe\"\n"),
            ("templates/cm.yaml", b"x: {{ .Values.a | quote }}\n"),
        ],
    );
    chart(
        t.path(),
        "c",
        &[(
            "Chart.yaml",
            b"apiVersion: v2\nname: c\nversion: 0.1.0\ndescription: \"\xff\"\n",
        )],
    );
    chart(
        t.path(),
        "w",
        &[("values.yaml", b"# comment \xc3\x28\na: 1\n")],
    );
    // helm v4.1.4: go-yaml's reader refuses the bytes before parsing.
    for (c, want) in [
        (
            "v",
            "Error: cannot load values.yaml: cannot unmarshal yaml document: error converting \
             YAML to JSON: yaml: invalid leading UTF-8 octet",
        ),
        (
            "c",
            "Error: cannot load Chart.yaml: error converting YAML to JSON: yaml: invalid \
             leading UTF-8 octet",
        ),
        (
            "w",
            "Error: cannot load values.yaml: cannot unmarshal yaml document: error converting \
             YAML to JSON: yaml: invalid trailing UTF-8 octet",
        ),
    ] {
        let r = run(t.path(), &["template", "rel", c]);
        assert_code(&r, 1);
        assert_eq!(r.stderr.lines().next(), Some(want), "{}", r.show());
        let (r, _) = scan_json(t.path(), c, &[]);
        assert_code(&r, 1);
    }
}

// ---------------------------------------------------------------------------------------------
// Size and emptiness

#[test]
fn empty_chart_directory() {
    let t = Tmp::new("empty");
    std::fs::create_dir_all(t.join("nothing")).expect("mkdir");
    let r = run(t.path(), &["scan", "nothing"]);
    assert_code(&r, 2);
    assert!(r.stderr.contains("nothing to scan"), "{}", r.show());
    let r = expect_template_error(t.path(), "nothing", "nothing/Chart.yaml");
    assert!(r.stderr.contains("no such file"), "{}", r.show());
    // A chart with only Chart.yaml renders to nothing and passes.
    let c = t.join("bare");
    write(
        &c,
        "Chart.yaml",
        "apiVersion: v2\nname: bare\nversion: 0.1.0\n",
    );
    let r = run(t.path(), &["template", "rel", "bare"]);
    assert_code(&r, 0);
    let (r, _) = scan_json(t.path(), "bare", &[]);
    assert_code(&r, 0);
}

#[test]
fn ten_thousand_templates() {
    let t = Tmp::new("many");
    let c = chart(t.path(), "many", &[("values.yaml", b"x: hello\n")]);
    for i in 0..10_000 {
        write(
            &c,
            &format!("templates/cm{i:05}.yaml"),
            format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm{i}\ndata:\n  a: {{{{ .Values.x | quote }}}}\n"
            ),
        );
    }
    let r = run(t.path(), &["template", "rel", "many"]);
    assert_code(&r, 0);
    assert_eq!(r.stdout.matches("kind: ConfigMap").count(), 10_000);
    let (r, v) = scan_json(t.path(), "many", &[]);
    assert_code(&r, 0);
    assert!(errors(&v).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Usage and input errors

#[test]
fn usage_and_input_errors() {
    let dir = root();
    let cases: &[&[&str]] = &[
        &["scan", "/nonexistent/cg-robust"],
        &["scan", "corpus/good/web", "--format", "nope"],
        &["scan", "corpus/good/web", "--only", "nope"],
        &["scan", "corpus/good/web", "--fail-on", "nope"],
        &["scan", "corpus/good/web", "--no-such-flag"],
        &["scan", "corpus/good/web", "--output", "sarif"],
        &[
            "scan",
            "corpus/good/web",
            "--policy",
            "/nonexistent/cg-robust",
        ],
        &[
            "scan",
            "corpus/good/web",
            "--secrets-config",
            "/nonexistent/x.toml",
        ],
        &["template"],
        &["template", "rel", "corpus/good/web", "--no-such-flag"],
    ];
    for args in cases {
        let r = run(&dir, args);
        assert_code(&r, 2);
        assert!(
            !r.stderr.trim().is_empty(),
            "silent usage error:\n{}",
            r.show()
        );
    }
    // A missing chart is a template error (exit 1, like helm), named.
    expect_template_error(&dir, "/nonexistent/cg-robust", "/nonexistent/cg-robust");
}

#[test]
fn scan_of_special_files() {
    let r = run(&root(), &["scan", "/dev/null", "--format", "json"]);
    assert_sane(&r);
    assert!(matches!(r.code, Some(0..=2)), "{}", r.show());
    let r = run_with(
        &root(),
        &["scan", "-", "--format", "json"],
        Some(b"\xff\xfe\x00\x01"),
    );
    assert_sane(&r);
    assert!(matches!(r.code, Some(0..=2)), "{}", r.show());
}

#[test]
fn chart_shipped_config_cannot_read_outside_files() {
    let t = Tmp::new("cfg");
    write(
        t.path(),
        "outside/notes.txt",
        format!("{MARKER} first line\n"),
    );
    write(t.path(), "outside/creds.yaml", format!("token: {MARKER}\n"));
    let c = chart(
        t.path(),
        "c",
        &[("templates/cm.yaml", CONFIGMAP.as_bytes())],
    );
    write(
        &c,
        "pol/leak.rego",
        "package main\nimport rego.v1\ndeny contains msg if {\n  msg := sprintf(\"%v\", [data])\n}\n",
    );
    let configs = [
        format!(
            "secrets-config: {}\n",
            t.join("outside/notes.txt").display()
        ),
        format!(
            "policies: [pol/]\ndata: [{}]\n",
            t.join("outside/creds.yaml").display()
        ),
    ];
    for body in configs {
        write(&c, ".chartgate.yaml", body);
        let r = run(t.path(), &["scan", "c", "--format", "json"]);
        assert_sane(&r);
        assert_no_leak(&r);
    }
}
