//! What `helm template` prints (or writes with `--output-dir`) from the rendered files:
//! CRDs (`--include-crds`), manifests sorted by kind, then hooks (`--no-hooks`,
//! `--skip-tests`), filtered by `--show-only`.

use super::glob::Glob;
use super::order::{sort_manifests, split_manifests};
use crate::chart::Chart;
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

/// The output flags of `helm template`.
#[derive(Clone, Debug, Default)]
pub struct OutputOptions {
    pub include_crds: bool,
    pub skip_tests: bool,
    pub no_hooks: bool,
    /// `--show-only` patterns (Go `filepath.Match` against the path after the chart name).
    pub show_only: Vec<String>,
    pub output_dir: Option<PathBuf>,
    /// `--release-name`: put `--output-dir` files under a directory named after the release.
    pub use_release_name: bool,
    pub release_name: String,
}

/// An output failure. `Render` errors are the ones helm follows with
/// `Use --debug flag to render out invalid YAML`.
#[derive(Clone, Debug, PartialEq)]
pub enum OutputError {
    Render(String),
    Plain(String),
    /// A failure after `--output-dir` files were written: helm has already printed the
    /// `wrote PATH` lines (`written`) when it reports the error.
    AfterWrites {
        written: String,
        message: String,
    },
}

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputError::Render(m)
            | OutputError::Plain(m)
            | OutputError::AfterWrites { message: m, .. } => f.write_str(m),
        }
    }
}

/// A CRD file of the chart tree, named like helm's `CRDObjects` (`chart/crds/x.yaml`,
/// `chart/charts/sub/crds/y.yaml`): the root chart's first, then each subchart's, recursively.
/// `Err` when a CRD file cannot be read any more (see [`crate::chart::Data`]).
pub fn crd_objects(chart: &Chart) -> Result<Vec<(String, Vec<u8>)>, String> {
    fn rec(c: &Chart, full: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), String> {
        for f in c.crds() {
            out.push((format!("{full}/{}", f.name), f.data.get()?.to_vec()));
        }
        for d in &c.dependencies {
            rec(d, &format!("{full}/charts/{}", d.name()), out)?;
        }
        Ok(())
    }
    let mut out = Vec::new();
    rec(chart, chart.name(), &mut out)?;
    Ok(out)
}

fn write_to_file(
    dir: &str,
    name: &str,
    data: &str,
    append: bool,
    log: &mut String,
) -> Result<(), OutputError> {
    let path = format!("{dir}/{name}");
    let p = PathBuf::from(&path);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| OutputError::Plain(format!("{}: {e}", parent.display())))?;
    }
    let file = if append {
        std::fs::OpenOptions::new().append(true).open(&p)
    } else {
        std::fs::File::create(&p)
    };
    let mut f = file.map_err(|e| OutputError::Plain(format!("open {path}: {e}")))?;
    write!(f, "---\n# Source: {name}\n{data}\n")
        .map_err(|e| OutputError::Plain(format!("write {path}: {e}")))?;
    let _ = writeln!(log, "wrote {path}");
    Ok(())
}

/// Go's `filepath.Join` for the output directory and the release name (cleaned).
fn join_dir(dir: &std::path::Path, sub: &str) -> String {
    let joined = format!("{}/{}", dir.display(), sub);
    gotpl::funcs::paths::clean(&joined)
}

/// Builds `helm template`'s stdout from the rendered files (NOTES.txt still included; dropped
/// here like helm does). With `--output-dir` the files are written and stdout carries the
/// `wrote PATH` lines.
pub fn assemble(
    mut rendered: BTreeMap<String, String>,
    chart: &Chart,
    opts: &OutputOptions,
) -> Result<String, OutputError> {
    rendered.retain(|k, _| !k.ends_with("NOTES.txt"));
    let (hooks, manifests) = sort_manifests(&rendered).map_err(OutputError::Render)?;

    let mut log = String::new();
    // Without --output-dir this is the output: sized once (CRD-heavy charts print megabytes).
    let mut buf = String::new();
    if opts.output_dir.is_none() {
        buf.reserve(
            manifests
                .iter()
                .map(|m| m.name.len() + m.content.len() + 16)
                .sum(),
        );
    }
    let mut written: HashSet<String> = HashSet::new();
    let out_dir = opts.output_dir.as_ref().map(|d| d.display().to_string());
    if opts.include_crds {
        for (name, data) in crd_objects(chart).map_err(OutputError::Plain)? {
            let text = String::from_utf8_lossy(&data);
            match &out_dir {
                None => {
                    let _ = write!(buf, "---\n# Source: {name}\n{text}\n");
                }
                Some(dir) => {
                    let append = written.contains(&name);
                    write_to_file(dir, &name, &text, append, &mut log)?;
                    written.insert(name);
                }
            }
        }
    }
    let release_dir = opts.output_dir.as_ref().map(|d| {
        if opts.use_release_name {
            join_dir(d, &opts.release_name)
        } else {
            d.display().to_string()
        }
    });
    for m in &manifests {
        match &release_dir {
            None => {
                let _ = write!(buf, "---\n# Source: {}\n{}\n", m.name, m.content);
            }
            Some(dir) => {
                let append = written.contains(&m.name);
                write_to_file(dir, &m.name, &m.content, append, &mut log)?;
                written.insert(m.name.clone());
            }
        }
    }

    // helm prints `strings.TrimSpace` of the manifests, then a newline. The text starts
    // with `---` unless it is empty, so trimming its end is the whole trim.
    let mut out = buf;
    out.truncate(out.trim_end().len());
    out.push('\n');
    if !opts.no_hooks {
        let mut hook_written: HashSet<String> = HashSet::new();
        for h in &hooks {
            if opts.skip_tests && h.is_test() {
                continue;
            }
            match &release_dir {
                None => {
                    let _ = write!(out, "---\n# Source: {}\n{}\n", h.path, h.manifest);
                }
                Some(dir) => {
                    // helm appends when the file already exists on disk.
                    let exists = std::path::Path::new(&format!("{dir}/{}", h.path)).exists();
                    let append = exists || hook_written.contains(&h.path);
                    write_to_file(dir, &h.path, &h.manifest, append, &mut log)?;
                    hook_written.insert(h.path.clone());
                }
            }
        }
    }

    if opts.show_only.is_empty() {
        if log.is_empty() {
            return Ok(out);
        }
        log.push_str(&out);
        return Ok(log);
    }
    let docs = split_manifests(&out);
    let mut selected = String::new();
    for pattern in &opts.show_only {
        let glob = Glob::filepath(pattern);
        let mut missing = true;
        for doc in &docs {
            let Some(path) = source_path(doc) else {
                continue;
            };
            if glob.as_ref().is_some_and(|g| g.matches(path)) {
                let _ = write!(selected, "---\n{doc}\n");
                missing = false;
            }
        }
        if missing {
            let message = format!("could not find template {pattern} in chart");
            // With --output-dir every manifest went to a file, so nothing is left to select
            // and helm fails after writing them all.
            return Err(if opts.output_dir.is_some() {
                OutputError::AfterWrites {
                    written: log,
                    message,
                }
            } else {
                OutputError::Plain(message)
            });
        }
    }
    log.push_str(&selected);
    Ok(log)
}

/// helm's `# Source: [^/]+/(.+)` on a document: its path without the chart name.
fn source_path(doc: &str) -> Option<&str> {
    let i = doc.find("# Source: ")?;
    let rest = &doc[i + "# Source: ".len()..];
    let slash = rest.find(['/', '\n'])?;
    if slash == 0 || rest.as_bytes()[slash] != b'/' {
        return None;
    }
    let tail = &rest[slash + 1..];
    let end = tail.find('\n').unwrap_or(tail.len());
    if end == 0 {
        return None;
    }
    Some(&tail[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::chart::File;

    fn file(name: &str, data: &str) -> File {
        File {
            name: name.to_string(),
            data: data.as_bytes().to_vec().into(),
        }
    }

    // A probe chart and what helm v4.1.4 printed for it (`helm template rel .`, and with
    // `--include-crds --skip-tests --show-only 'templates/[ah]*' --show-only crds/c1.yaml`).
    fn probe_files() -> Vec<File> {
        vec![
            file("Chart.yaml", "apiVersion: v2\nname: o\nversion: 1.0.0\n"),
            file("crds/c1.yaml", "apiVersion: v1\nkind: CustomResourceDefinition\nmetadata:\n  name: c1\n\n\n"),
            file("crds/c2.yaml", "# only comment\n"),
            file("templates/NOTES.txt", "notes {{ .Release.Name }}"),
            file("templates/a.yaml", "\n\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s1   \n\n\n---   \n---\n# comment only\n---\nkind: ConfigMap\nmetadata:\n  name: cm\n---apiVersion: v1\nkind: Pod\n   \n  \n"),
            file("templates/b.yaml", "kind: Zeta\n---\nkind: Alpha\n---\nkind: Deployment\n"),
            file("templates/empty.yaml", "  \n\n"),
            file("templates/hooks.yaml", "kind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install\n---\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n    helm.sh/hook: pre-install,bogus\n---\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    helm.sh/hook: PRE-install\n"),
            file("templates/tests/t.yaml", "kind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n"),
            file("values.yaml", ""),
        ]
    }
    const PROBE_DEFAULT: &str = "---\n# Source: o/templates/a.yaml\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n# Source: o/templates/a.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s1\n---\n# Source: o/templates/a.yaml\napiVersion: v1\nkind: Pod\n---\n# Source: o/templates/b.yaml\nkind: Deployment\n---\n# Source: o/templates/a.yaml\n---\n# comment only\n---\n# Source: o/templates/b.yaml\nkind: Alpha\n---\n# Source: o/templates/b.yaml\nkind: Zeta\n---\n# Source: o/templates/hooks.yaml\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    helm.sh/hook: PRE-install\n---\n# Source: o/templates/tests/t.yaml\nkind: Pod\nmetadata:\n  name: t\n  annotations:\n    helm.sh/hook: test\n---\n# Source: o/templates/hooks.yaml\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install\n";
    const PROBE_FILTERED: &str = "---\n# Source: o/templates/a.yaml\nkind: ConfigMap\nmetadata:\n  name: cm\n---\n# Source: o/templates/a.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: s1\n---\n# Source: o/templates/a.yaml\napiVersion: v1\nkind: Pod\n---\n# Source: o/templates/a.yaml\n---\n# Source: o/templates/hooks.yaml\nkind: Secret\nmetadata:\n  name: s\n  annotations:\n    helm.sh/hook: PRE-install\n---\n# Source: o/templates/hooks.yaml\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: post-install\n---\n# Source: o/crds/c1.yaml\napiVersion: v1\nkind: CustomResourceDefinition\nmetadata:\n  name: c1\n";

    fn probe_output(opts: &OutputOptions) -> Result<String, OutputError> {
        let chart = crate::chart::load_files(probe_files()).expect("probe chart loads");
        let prepared = crate::chart::prepare(chart, &gotpl::Map::new(), &Default::default())
            .expect("probe chart prepares");
        let opts_r = crate::render::RenderOptions::default();
        let rendered = crate::render::render(&prepared, &opts_r).expect("probe chart renders");
        assemble(rendered, &prepared.chart, opts)
    }

    #[test]
    fn probe_chart_like_helm() {
        assert_eq!(
            probe_output(&OutputOptions::default()).unwrap(),
            PROBE_DEFAULT
        );
        let filtered = OutputOptions {
            include_crds: true,
            skip_tests: true,
            show_only: vec!["templates/[ah]*".into(), "crds/c1.yaml".into()],
            ..Default::default()
        };
        assert_eq!(probe_output(&filtered).unwrap(), PROBE_FILTERED);
        let missing = OutputOptions {
            show_only: vec!["templates/NOTES.txt".into()],
            ..Default::default()
        };
        assert_eq!(
            probe_output(&missing).unwrap_err(),
            OutputError::Plain("could not find template templates/NOTES.txt in chart".into())
        );
    }

    #[test]
    fn output_dir_with_show_only_fails_after_writing() {
        // helm v4.1.4 `--output-dir D --show-only templates/b.yaml`: every manifest and hook is
        // written (and `wrote` printed), then "could not find template".
        let dir = std::env::temp_dir().join(format!("chartgate-outdir-{}", std::process::id()));
        let opts = OutputOptions {
            output_dir: Some(dir.clone()),
            show_only: vec!["templates/b.yaml".into()],
            ..Default::default()
        };
        let err = probe_output(&opts).unwrap_err();
        let _ = std::fs::remove_dir_all(&dir);
        let OutputError::AfterWrites { written, message } = err else {
            panic!("expected AfterWrites, got {err:?}");
        };
        assert_eq!(message, "could not find template templates/b.yaml in chart");
        let d = dir.display();
        assert!(written.starts_with(&format!("wrote {d}/o/templates/a.yaml\n")));
        assert!(written.ends_with(&format!("wrote {d}/o/templates/hooks.yaml\n")));
    }

    #[test]
    fn source_regex_like_helm() {
        assert_eq!(
            source_path("# Source: o/templates/a.yaml\nkind: X"),
            Some("templates/a.yaml")
        );
        assert_eq!(
            source_path("# Source: o/charts/s/templates/a.yaml"),
            Some("charts/s/templates/a.yaml")
        );
        assert_eq!(source_path("# comment only"), None);
    }

    #[test]
    fn clean_like_go() {
        assert_eq!(gotpl::funcs::paths::clean("out//rel/"), "out/rel");
        assert_eq!(gotpl::funcs::paths::clean("/tmp/./x/../y"), "/tmp/y");
        assert_eq!(gotpl::funcs::paths::clean("./rel"), "rel");
    }
}
