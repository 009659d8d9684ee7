//! Loading a chart from a directory, an archive, or in-memory files (helm's `loader`).

use super::archive::{load_archive_files, load_archive_files_limited};
use super::ignore::IgnoreRules;
use super::meta::{check_api_version, Lock, Metadata};
use super::{Chart, ChartError, Data, File};
use gotpl::Value;
use std::path::{Path, PathBuf};

/// helm's per-file limit when loading a directory (`MaxDecompressedFileSize`).
pub const MAX_FILE_SIZE: u64 = 5 * 1024 * 1024;
/// Total bytes read from one chart directory (same budget as an archive).
const MAX_DIR_SIZE: u64 = super::archive::MAX_ARCHIVE_SIZE;
/// Directory nesting bound (also stops symlink loops inside the chart).
const MAX_DEPTH: usize = 64;
/// Subchart nesting bound (archives within archives).
const MAX_CHART_DEPTH: usize = 32;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Loading options.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Follow symbolic links that resolve outside the chart directory, as helm does (e.g. a
    /// monorepo's `charts/common -> ../../common`). Off by default: a chart then cannot make
    /// the loader read arbitrary files.
    pub follow_external_symlinks: bool,
}

/// Loads a chart from a directory or a `.tgz` archive.
pub fn load(path: &Path) -> Result<Chart, ChartError> {
    load_with(path, &LoadOptions::default())
}

/// [`load`] with options.
pub fn load_with(path: &Path, opts: &LoadOptions) -> Result<Chart, ChartError> {
    load_observed(path, opts, &mut |_| {})
}

/// [`load_with`], showing a chart directory's files to `seen` as soon as they are read, before
/// the chart is built from them (values parsed, subcharts split): `template` starts parsing
/// the templates meanwhile. Not called for an archive.
pub fn load_observed(
    path: &Path,
    opts: &LoadOptions,
    seen: &mut dyn FnMut(&[File]),
) -> Result<Chart, ChartError> {
    let md = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            ChartError::new(format!("path {:?} not found", path.display().to_string()))
        }
        _ => ChartError::new(format!("stat {}: {}", path.display(), os_msg(&e))),
    })?;
    if md.is_dir() {
        return load_dir_observed(path, opts, seen);
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let ft = md.file_type();
        // Opening a FIFO with no writer blocks forever (helm hangs there).
        if ft.is_fifo() || ft.is_socket() {
            return Err(ChartError::new(format!(
                "file '{}' is not a regular file",
                path.display()
            )));
        }
    }
    let open_err =
        |e: std::io::Error| ChartError::new(format!("open {}: {}", path.display(), os_msg(&e)));
    let mut file = std::fs::File::open(path).map_err(open_err)?;
    // Like helm, sniff the head first: a device such as /dev/zero is never read to the end.
    let mut data = Vec::new();
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, 512), &mut data)
        .map_err(open_err)?;
    if data.len() >= 3 && data[0] == 0x1f && data[1] == 0x8b && data[2] == 0x08 {
        // The compressed size is bounded too; anything bigger cannot stay under the
        // decompressed limit.
        std::io::Read::read_to_end(
            &mut std::io::Read::take(&mut file, 2 * super::archive::MAX_ARCHIVE_SIZE),
            &mut data,
        )
        .map_err(open_err)?;
    }
    if !(data.len() >= 3 && data[0] == 0x1f && data[1] == 0x8b && data[2] == 0x08) {
        let name = path.display();
        let s = path.to_string_lossy();
        if s.ends_with(".yml") || s.ends_with(".yaml") {
            return Err(ChartError::new(format!(
                "file '{name}' seems to be a YAML file, but expected a gzipped archive"
            )));
        }
        // helm sniffs a zero-padded 512-byte buffer, so short files always look binary.
        let head = &data[..data.len().min(512)];
        let ct = if data.len() >= 512
            && std::str::from_utf8(head).is_ok()
            && !head
                .iter()
                .any(|b| b.is_ascii_control() && !b.is_ascii_whitespace())
        {
            "text/plain; charset=utf-8"
        } else {
            "application/octet-stream"
        };
        return Err(ChartError::new(format!(
            "file '{name}' does not appear to be a gzipped archive; got '{ct}'"
        )));
    }
    let mut c = load_archive(&data)?;
    set_source(&mut c, path.to_path_buf());
    Ok(c)
}

/// Loads a chart archive from memory.
pub fn load_archive(data: &[u8]) -> Result<Chart, ChartError> {
    // helm v4 reports any problem reading a root archive (path escapes included) with one
    // generic message; subchart archives keep the detailed one.
    let files =
        load_archive_files(data).map_err(|_| ChartError::new("unable to load chart archive"))?;
    match files.iter().find(|f| f.name == "Chart.yaml") {
        Some(f) => check_api_version(&text(f))?,
        None => {
            return Err(ChartError::new(
                "unable to detect chart version, no Chart.yaml found",
            ))
        }
    }
    let mut budget = MAX_TREE_SIZE;
    load_files_at(files, 0, &mut budget)
}

/// Total decompressed bytes of all archives nested inside one chart.
const MAX_TREE_SIZE: u64 = 512 * 1024 * 1024;

fn load_archive_at(data: &[u8], depth: usize, budget: &mut u64) -> Result<Chart, ChartError> {
    let files = load_archive_files_limited(data, budget)?;
    load_files_at(files, depth, budget)
}

/// Go's os error text (`no such file or directory`) without Rust's ` (os error 2)` suffix.
fn os_msg(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_ascii_lowercase(),
        None => s,
    }
}

/// Loads a chart directory: `.helmignore` (plus helm's default `templates/.?*`) applied,
/// UTF-8 BOMs stripped, symlinks followed only while they stay inside the chart directory.
pub fn load_dir(dir: &Path) -> Result<Chart, ChartError> {
    load_dir_with(dir, &LoadOptions::default())
}

/// [`load_dir`] with options.
pub fn load_dir_with(dir: &Path, opts: &LoadOptions) -> Result<Chart, ChartError> {
    load_dir_observed(dir, opts, &mut |_| {})
}

fn load_dir_observed(
    dir: &Path,
    opts: &LoadOptions,
    seen: &mut dyn FnMut(&[File]),
) -> Result<Chart, ChartError> {
    let top = std::fs::canonicalize(dir)
        .map_err(|e| ChartError::new(format!("stat {}: {}", dir.display(), os_msg(&e))))?;
    let confine = (!opts.follow_external_symlinks).then_some(top.as_path());
    let chart_yaml = top.join("Chart.yaml");
    // Checked like any other entry before a byte is read: a link out of the chart or a FIFO
    // must neither be read nor decide the message.
    let src = match std::fs::symlink_metadata(&chart_yaml) {
        Ok(_) => read_entry(
            confine,
            &chart_yaml,
            "Chart.yaml",
            &mut MAX_FILE_SIZE.clone(),
        )?,
        Err(e) => {
            return Err(ChartError::new(format!(
                "unable to detect chart at {p}: open {p}: {}",
                os_msg(&e),
                p = chart_yaml.display()
            ))
            .at_file("Chart.yaml"))
        }
    };
    check_api_version(&gotpl::value::go_string(strip_bom(&src))).map_err(|e| {
        let line = e.line;
        e.at_file("Chart.yaml").at_line(line)
    })?;
    let mut rules = IgnoreRules::empty();
    let ifile = top.join(".helmignore");
    if std::fs::symlink_metadata(&ifile).is_ok() && ifile.is_file() {
        let src = read_entry(confine, &ifile, ".helmignore", &mut MAX_FILE_SIZE.clone())?;
        rules = IgnoreRules::parse(&String::from_utf8_lossy(strip_bom(&src)))
            .map_err(|e| e.at_file(".helmignore"))?;
    }
    rules.add_defaults();
    let mut files = Vec::new();
    let mut budget = MAX_DIR_SIZE;
    walk(confine, &top, "", &rules, &mut files, &mut budget, 0)?;
    seen(&files);
    let mut c = load_files(files)?;
    set_source(&mut c, dir.to_path_buf());
    Ok(c)
}

fn strip_bom(data: &[u8]) -> &[u8] {
    data.strip_prefix(UTF8_BOM).unwrap_or(data)
}

/// Where a symbolic link `path` (entry `n` of the chart) points, checked against the chart
/// root `root` (None: external links allowed); `Ok(None)` when `path` is not a link.
fn resolve_link(root: Option<&Path>, path: &Path, n: &str) -> Result<Option<PathBuf>, ChartError> {
    let is_link = std::fs::symlink_metadata(path)
        .map(|m| m.file_type().is_symlink())
        .unwrap_or(false);
    if !is_link {
        return Ok(None);
    }
    match std::fs::canonicalize(path) {
        Ok(t) => {
            if root.is_some_and(|r| !t.starts_with(r)) {
                return Err(ChartError::new(format!(
                    "chart illegally references a path outside the chart directory: symbolic link {n} resolves to {}",
                    t.display()
                ))
                .at_file(n));
            }
            Ok(Some(t))
        }
        Err(e) => {
            // helm fails on a broken link even when .helmignore covers it.
            let dir = path.parent().unwrap_or(Path::new("."));
            let resolved = match std::fs::read_link(path) {
                Ok(t) => dir.join(t),
                Err(_) => path.to_path_buf(),
            };
            Err(ChartError::new(format!(
                "error evaluating symlink {}: lstat {}: {}",
                path.display(),
                resolved.display(),
                os_msg(&e)
            ))
            .at_file(n))
        }
    }
}

/// Reads the chart entry `n` at `path` (a regular file, or a link to one that stays inside
/// `root`), bounded by helm's per-file limit and the remaining directory `budget`.
fn read_entry(
    root: Option<&Path>,
    path: &Path,
    n: &str,
    budget: &mut u64,
) -> Result<Vec<u8>, ChartError> {
    let target = resolve_link(root, path, n)?.unwrap_or_else(|| path.to_path_buf());
    let read_err = |e: std::io::Error| {
        ChartError::new(format!("error reading {n}: {}", os_msg(&e))).at_file(n)
    };
    let kind = std::fs::metadata(&target).map_err(read_err)?.file_type();
    if !kind.is_file() {
        return Err(ChartError::new(format!(
            "cannot load irregular file {} as it has file mode type bits set",
            path.display()
        ))
        .at_file(n));
    }
    read_regular(&target, n, budget)
}

/// The size limits on a file of `len` bytes, before reading it.
fn check_size(len: u64, n: &str, budget: &u64) -> Result<(), ChartError> {
    if len > MAX_FILE_SIZE {
        return Err(too_big(n));
    }
    if len > *budget {
        return Err(ChartError::new(format!(
            "chart directory is larger than the maximum size {MAX_DIR_SIZE}"
        ))
        .at_file(n));
    }
    Ok(())
}

fn too_big(n: &str) -> ChartError {
    let name = n.rsplit('/').next().unwrap_or(n);
    ChartError::new(format!(
        "chart file {name:?} is larger than the maximum file size {MAX_FILE_SIZE}"
    ))
    .at_file(n)
}

/// Reads the open regular file `file` of `len` bytes, bounded (it may have grown since its
/// size was checked), without a UTF-8 byte order mark.
fn read_bounded(file: std::fs::File, len: u64, n: &str) -> Result<Vec<u8>, ChartError> {
    let mut data = Vec::with_capacity(len as usize);
    std::io::Read::read_to_end(&mut std::io::Read::take(file, MAX_FILE_SIZE + 1), &mut data)
        .map_err(|e| read_error(n, &e))?;
    if data.len() as u64 > MAX_FILE_SIZE {
        return Err(too_big(n));
    }
    if data.starts_with(UTF8_BOM) {
        data.drain(..UTF8_BOM.len());
    }
    Ok(data)
}

fn read_error(n: &str, e: &std::io::Error) -> ChartError {
    ChartError::new(format!("error reading {n}: {}", os_msg(e))).at_file(n)
}

/// Reads `target`, already known to be a regular file inside the chart (links resolved and
/// checked), within the size limits.
fn read_regular(target: &Path, n: &str, budget: &mut u64) -> Result<Vec<u8>, ChartError> {
    let file = std::fs::File::open(target).map_err(|e| read_error(n, &e))?;
    let len = file.metadata().map_err(|e| read_error(n, &e))?.len();
    check_size(len, n, budget)?;
    let data = read_bounded(file, len, n)?;
    *budget = budget.saturating_sub(data.len() as u64);
    Ok(data)
}

/// Reads a file [`walk`] deferred (see [`Data`]).
pub(crate) fn read_deferred(target: &Path, n: &str) -> Result<Vec<u8>, String> {
    let read = || {
        let mut open = std::fs::OpenOptions::new();
        open.read(true);
        // `target` was checked when the chart was loaded (a link resolved, inside the chart)
        // and is no link itself: one put in its place since is refused, not followed.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::custom_flags(&mut open, libc::O_NOFOLLOW);
        let file = open.open(target).map_err(|e| read_error(n, &e))?;
        let len = file.metadata().map_err(|e| read_error(n, &e))?.len();
        read_bounded(file, len, n)
    };
    read().map_err(|e| e.to_string())
}

/// The path of the walked file `n` inside the chart it belongs to (`charts/a/templates/x`
/// → `templates/x`), or `None` for a file directly in a `charts/` directory (an archive).
fn own_path(n: &str) -> Option<&str> {
    let mut rest = n;
    while let Some(sub) = rest.strip_prefix("charts/") {
        rest = sub.split_once('/')?.1;
    }
    Some(rest)
}

/// Whether a render needs the file `n` (a path under the chart root, subcharts included) to
/// load the chart or render it: its chart's Chart.yaml, values, schema, requirements and
/// locks, templates, and whatever sits directly in a `charts/` directory (archives). Any
/// other file is only read when asked for (`.Files`, `--include-crds`, lint, secret scans).
fn needed_at_load(n: &str) -> bool {
    own_path(n).is_none_or(|rest| {
        rest.starts_with("templates/")
            || matches!(
                rest,
                "Chart.yaml"
                    | "Chart.lock"
                    | "values.yaml"
                    | "values.schema.json"
                    | "requirements.yaml"
                    | "requirements.lock"
            )
    })
}

/// Whether the walked file `n` (see [`load_observed`]) is a template of the chart or of a
/// subchart directory.
pub fn is_template_path(n: &str) -> bool {
    own_path(n).is_some_and(|rest| rest.starts_with("templates/"))
}

fn walk(
    root: Option<&Path>,
    dir: &Path,
    rel: &str,
    rules: &IgnoreRules,
    out: &mut Vec<File>,
    budget: &mut u64,
    depth: usize,
) -> Result<(), ChartError> {
    let at_dir = |e: ChartError| {
        if rel.is_empty() {
            e
        } else {
            e.at_file(rel)
        }
    };
    if depth > MAX_DEPTH {
        return Err(at_dir(ChartError::new(format!(
            "{}: directory nesting too deep",
            dir.display()
        ))));
    }
    let rd = std::fs::read_dir(dir).map_err(|e| {
        at_dir(ChartError::new(format!(
            "open {}: {}",
            dir.display(),
            os_msg(&e)
        )))
    })?;
    let mut names: Vec<(String, PathBuf, std::fs::FileType)> = Vec::new();
    for ent in rd {
        let ent = ent.map_err(|e| {
            at_dir(ChartError::new(format!(
                "readdir {}: {}",
                dir.display(),
                os_msg(&e)
            )))
        })?;
        let ft = ent.file_type().map_err(|e| {
            at_dir(ChartError::new(format!(
                "lstat {}: {}",
                ent.path().display(),
                os_msg(&e)
            )))
        })?;
        names.push((
            ent.file_name().to_string_lossy().into_owned(),
            ent.path(),
            ft,
        ));
    }
    // Go's filepath.Walk visits names in lexical (byte) order.
    names.sort_by(|a, b| a.0.cmp(&b.0));
    for (name, path, ft) in names {
        let n = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        let mut target = path.clone();
        let mut kind = ft;
        let mut meta = None;
        if ft.is_symlink() {
            if let Some(t) = resolve_link(root, &path, &n)? {
                let m = std::fs::metadata(&t).map_err(|e| {
                    ChartError::new(format!("stat {}: {}", path.display(), os_msg(&e)))
                        .at_file(n.as_str())
                })?;
                kind = m.file_type();
                meta = Some(m);
                target = t;
            }
        }
        if kind.is_dir() {
            if rules.ignore(&n, true) {
                continue;
            }
            walk(root, &target, &n, rules, out, budget, depth + 1)?;
            continue;
        }
        if rules.ignore(&n, false) {
            continue;
        }
        if !kind.is_file() {
            return Err(ChartError::new(format!(
                "cannot load irregular file {} as it has file mode type bits set",
                path.display()
            ))
            .at_file(n));
        }
        if !needed_at_load(&n) {
            let len = match meta {
                Some(m) => m.len(),
                None => std::fs::symlink_metadata(&target)
                    .map_err(|e| read_error(&n, &e))?
                    .len(),
            };
            check_size(len, &n, budget)?;
            *budget = budget.saturating_sub(len);
            out.push(File::new(n.clone(), Data::deferred(target, n, len)));
            continue;
        }
        // The link was checked and the file type read above (from the directory entry or
        // the link's target): read the target without stat'ing it twice more.
        let data = read_regular(&target, &n, budget)?;
        out.push(File::new(n, data));
    }
    Ok(())
}

fn set_source(c: &mut Chart, src: PathBuf) {
    for d in &mut c.dependencies {
        let entry = d.source.clone();
        set_source(d, src.join("charts").join(entry));
    }
    c.source = src;
}

/// helm's `LoadFiles`: builds a chart from its files (names relative to the chart root).
pub fn load_files(files: Vec<File>) -> Result<Chart, ChartError> {
    let mut budget = MAX_TREE_SIZE;
    load_files_at(files, 0, &mut budget)
}

/// A file's text as the Go string helm parses: bytes that are not UTF-8 are kept (the YAML
/// loader then fails on them like go-yaml's reader).
fn text(f: &File) -> std::borrow::Cow<'_, str> {
    gotpl::value::go_string(f.data.bytes())
}

fn load_files_at(files: Vec<File>, depth: usize, budget: &mut u64) -> Result<Chart, ChartError> {
    if depth > MAX_CHART_DEPTH {
        return Err(ChartError::new("subcharts nested too deeply"));
    }
    let mut metadata: Option<Metadata> = None;
    for f in &files {
        if f.name == "Chart.yaml" {
            metadata = Some(Metadata::parse(&text(f)).map_err(|e| {
                let line = e.line;
                e.at_file("Chart.yaml").at_line(line)
            })?);
        }
    }
    let mut c = Chart {
        metadata: Metadata::default(),
        values: Value::empty_map(),
        values_src: None,
        schema: None,
        templates: Vec::new(),
        files: Vec::new(),
        raw: Vec::new(),
        dependencies: Vec::new(),
        lock: None,
        source: PathBuf::new(),
    };
    // Subchart files grouped by their first component under charts/, in name order.
    let mut subcharts: std::collections::BTreeMap<String, Vec<File>> = Default::default();
    for f in files {
        let name = f.name.as_str();
        match name {
            "Chart.yaml" => {}
            "Chart.lock" => {
                c.lock = Some(
                    Lock::parse(&text(&f), "Chart.lock").map_err(|e| e.at_file("Chart.lock"))?,
                )
            }
            "values.yaml" => {
                let src = text(&f);
                let m = gotpl::yaml::load_values(&src).map_err(|e| {
                    // The line helm prints (go-yaml's), else where the loader stopped.
                    let shown = e
                        .message
                        .split("line ")
                        .nth(1)
                        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                        .and_then(|n| n.parse().ok());
                    ChartError::new(format!("cannot load values.yaml: {e}"))
                        .at_file("values.yaml")
                        .at_line(shown.or(Some(e.line)))
                })?;
                c.values = Value::Map(m);
                c.values_src = Some(src.into_owned());
            }
            "values.schema.json" => c.schema = Some(f.data.bytes().to_vec()),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_with(|| Metadata {
                    api_version: String::new(),
                    ..Metadata::default()
                });
                md.apply_requirements(&text(&f))
                    .map_err(|e| e.at_file("requirements.yaml"))?;
                if md.api_version == "v1" {
                    c.files.push(f.clone());
                }
            }
            "requirements.lock" => {
                c.lock = Some(
                    Lock::parse(&text(&f), "requirements.lock")
                        .map_err(|e| e.at_file("requirements.lock"))?,
                );
                let md = metadata.get_or_insert_with(|| Metadata {
                    api_version: String::new(),
                    ..Metadata::default()
                });
                if md.api_version == "v1" {
                    c.files.push(f.clone());
                }
            }
            _ if name.starts_with("templates/") => c.templates.push(f.clone()),
            _ if name.starts_with("charts/") => {
                if name.ends_with(".prov")
                    && !name.rsplit('/').next().unwrap_or("").starts_with('.')
                {
                    c.files.push(f.clone());
                } else {
                    let rest = &name["charts/".len()..];
                    let cname = rest.split('/').next().unwrap_or("").to_string();
                    subcharts.entry(cname).or_default().push(File {
                        name: rest.to_string(),
                        data: f.data.clone(),
                    });
                    continue;
                }
            }
            _ => c.files.push(f.clone()),
        }
        c.raw.push(f);
    }
    let Some(mut md) = metadata else {
        return Err(ChartError::new("Chart.yaml file is missing").at_file("Chart.yaml"));
    };
    md.validate().map_err(|e| e.at_file("Chart.yaml"))?;
    c.metadata = md;
    for (n, sub_files) in subcharts {
        if n.starts_with('_') || n.starts_with('.') {
            continue;
        }
        let wrap = |e: ChartError| {
            e.wrap(format!(
                "error unpacking subchart {n} in {}",
                c.metadata.name
            ))
        };
        let mut sc = if n.ends_with(".tgz") {
            let Some(first) = sub_files.first() else {
                continue;
            };
            if first.name != n {
                return Err(ChartError::new(format!(
                    "error unpacking subchart tar in {}: expected {n}, got {}",
                    c.metadata.name, first.name
                ))
                .at_file(format!("charts/{n}")));
            }
            // Files inside an archive have no path on disk: the archive is the location.
            load_archive_at(first.data.bytes(), depth + 1, budget).map_err(|e| {
                let mut e = wrap(e);
                e.file = Some(format!("charts/{n}"));
                e.line = None;
                e
            })?
        } else {
            let buff: Vec<File> = sub_files
                .into_iter()
                .filter_map(|f| {
                    let (_, rest) = f.name.split_once('/')?;
                    Some(File {
                        name: rest.to_string(),
                        data: f.data,
                    })
                })
                .collect();
            load_files_at(buff, depth + 1, budget).map_err(|e| wrap(e).in_subchart(&n))?
        };
        // Relative for now; `set_source` makes it absolute once the root's path is known.
        sc.source = PathBuf::from(&n);
        c.dependencies.push(sc);
    }
    Ok(c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chart::archive::tests::make_tgz;

    fn f(name: &str, data: &str) -> File {
        File {
            name: name.into(),
            data: data.as_bytes().to_vec().into(),
        }
    }

    #[test]
    fn sorts_files_like_helm() {
        let c = load_files(vec![
            f("Chart.yaml", "apiVersion: v2\nname: a\nversion: 1.0.0\n"),
            f("values.yaml", "x: 1\n---\nz: 2\n"),
            f("templates/t.yaml", "a"),
            f("crds/c.yaml", "c"),
            f("README.md", "r"),
            f("charts/sub/Chart.yaml", "name: sub\nversion: 0.1.0\n"),
            f("charts/sub/values.yaml", "s: 1\n"),
            f("charts/_skip/x", "x"),
            f("charts/sub-1.0.0.tgz.prov", "p"),
        ])
        .unwrap();
        assert_eq!(c.name(), "a");
        assert_eq!(c.templates.len(), 1);
        let names: Vec<_> = c.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(
            names,
            ["crds/c.yaml", "README.md", "charts/sub-1.0.0.tgz.prov"]
        );
        assert_eq!(c.crds().count(), 1);
        assert_eq!(c.dependencies.len(), 1);
        assert_eq!(c.dependencies[0].name(), "sub");
        assert_eq!(c.dependencies[0].metadata.api_version, "v1");
        let v = c.values_map();
        assert!(v.contains_key("x") && v.contains_key("z"));
    }

    #[test]
    fn errors_like_helm() {
        let e = load_files(vec![f("values.yaml", "a: 1")]).unwrap_err();
        assert_eq!(e.message, "Chart.yaml file is missing");
        let e = load_files(vec![
            f("Chart.yaml", "apiVersion: v2\nname: a\nversion: 1.0.0\n"),
            f("charts/README.md", "x"),
        ])
        .unwrap_err();
        assert_eq!(
            e.message,
            "error unpacking subchart README.md in a: Chart.yaml file is missing"
        );
        let e = load_files(vec![f("Chart.yaml", "apiVersion: v2\nname: a\n")]).unwrap_err();
        assert_eq!(e.message, "validation: chart.metadata.version is required");
    }

    #[test]
    fn nested_archive() {
        let reg = tar::EntryType::Regular;
        let sub = make_tgz(&[(
            "sub/Chart.yaml",
            b"apiVersion: v2\nname: sub\nversion: 0.1.0\n",
            reg,
        )]);
        let c = load_files(vec![
            f("Chart.yaml", "apiVersion: v2\nname: a\nversion: 1.0.0\n"),
            File {
                name: "charts/sub-0.1.0.tgz".into(),
                data: sub.into(),
            },
        ])
        .unwrap();
        assert_eq!(c.dependencies[0].name(), "sub");
        let evil = make_tgz(&[("sub/../../../etc/x", b"x", reg)]);
        let e = load_files(vec![
            f("Chart.yaml", "apiVersion: v2\nname: a\nversion: 1.0.0\n"),
            File {
                name: "charts/evil.tgz".into(),
                data: evil.into(),
            },
        ])
        .unwrap_err();
        assert_eq!(
            e.message,
            "error unpacking subchart evil.tgz in a: chart illegally references parent directory"
        );
        // At the root helm v4 hides the detail.
        let evil_root = make_tgz(&[("c/../../x", b"x", reg)]);
        assert_eq!(
            load_archive(&evil_root).unwrap_err().message,
            "unable to load chart archive"
        );
        let no_chart = make_tgz(&[("c/values.yaml", b"a: 1", reg)]);
        assert_eq!(
            load_archive(&no_chart).unwrap_err().message,
            "unable to detect chart version, no Chart.yaml found"
        );
    }

    #[test]
    fn dir_symlink_escape_rejected() {
        let d = std::env::temp_dir().join(format!("chartgate-e1-link-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("templates")).unwrap();
        std::fs::write(
            d.join("Chart.yaml"),
            "apiVersion: v2\nname: l\nversion: 1.0.0\n",
        )
        .unwrap();
        std::fs::write(d.join("templates/.hidden"), "x").unwrap();
        std::fs::write(d.join(".helmignore"), "*.bak\n").unwrap();
        std::fs::write(d.join("x.bak"), "x").unwrap();
        let c = load(&d).unwrap();
        assert!(c.templates.is_empty());
        // helm keeps .helmignore itself in .Files.
        let names: Vec<_> = c.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, [".helmignore"]);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink("Chart.yaml", d.join("inside")).unwrap();
            assert_eq!(load(&d).unwrap().files.len(), 2);
            let outside = d.with_extension("outside");
            std::fs::write(&outside, "secret").unwrap();
            std::os::unix::fs::symlink(&outside, d.join("outside")).unwrap();
            let e = load(&d).unwrap_err();
            assert!(e.message.contains("outside the chart directory"), "{e}");
            let opts = LoadOptions {
                follow_external_symlinks: true,
            };
            assert_eq!(load_with(&d, &opts).unwrap().files.len(), 3);
        }
        let _ = std::fs::remove_dir_all(&d);
        let _ = std::fs::remove_file(d.with_extension("outside"));
    }

    #[test]
    fn needed_files_read_at_load_others_on_use() {
        for n in [
            "Chart.yaml",
            "values.yaml",
            "values.schema.json",
            "requirements.lock",
            "templates/x.yaml",
            "charts/sub-1.0.0.tgz",
            "charts/sub/values.yaml",
            "charts/sub/charts/deeper/templates/_h.tpl",
        ] {
            assert!(needed_at_load(n), "{n}");
        }
        for n in [
            "README.md",
            "crds/c.yaml",
            "files/values.yaml",
            "charts/sub/crds/c.yaml",
            "charts/sub/files/templates/x",
        ] {
            assert!(!needed_at_load(n), "{n}");
        }
        let d = std::env::temp_dir().join(format!("chartgate-deferred-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("crds")).unwrap();
        std::fs::write(
            d.join("Chart.yaml"),
            "apiVersion: v2\nname: l\nversion: 1\n",
        )
        .unwrap();
        std::fs::write(d.join("crds/c.yaml"), "kind: CustomResourceDefinition\n").unwrap();
        std::fs::write(d.join("notes.txt"), "\u{feff}at load").unwrap();
        let c = load(&d).unwrap();
        // Sizes come from the directory scan (the size limits apply before any read)...
        let notes = c.files.iter().find(|f| f.name == "notes.txt").unwrap();
        assert_eq!(notes.data.len(), 10);
        // ...contents from the first read, BOM dropped like an eager read.
        std::fs::write(d.join("notes.txt"), "\u{feff}later").unwrap();
        assert_eq!(notes.data.get().unwrap(), b"later");
        std::fs::remove_file(d.join("crds/c.yaml")).unwrap();
        let e = c.crds().next().unwrap().data.get().unwrap_err();
        assert!(e.starts_with("error reading crds/c.yaml: "), "{e}");
        // A reader of every file fails like helm's loader would have.
        let e = c.read_all().unwrap_err();
        assert!(e.message.starts_with("error reading crds/c.yaml: "), "{e}");
        assert_eq!(e.file.as_deref(), Some("crds/c.yaml"));
        #[cfg(unix)]
        {
            std::fs::write(d.join("other.txt"), "kept").unwrap();
            let c = load(&d).unwrap();
            let outside = d.with_extension("secret");
            std::fs::write(&outside, "secret").unwrap();
            std::fs::remove_file(d.join("other.txt")).unwrap();
            std::os::unix::fs::symlink(&outside, d.join("other.txt")).unwrap();
            let f = c.files.iter().find(|f| f.name == "other.txt").unwrap();
            assert!(
                f.data.get().is_err(),
                "a link swapped in after loading is not followed"
            );
            let _ = std::fs::remove_file(&outside);
        }
        let _ = std::fs::remove_dir_all(&d);
    }
}

#[cfg(all(test, unix))]
mod location_tests {
    use super::*;

    struct Dir(PathBuf);
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn chart_dir(tag: &str) -> Dir {
        let d = std::env::temp_dir().join(format!("chartgate-loc-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("c/templates")).unwrap();
        std::fs::write(
            d.join("c/Chart.yaml"),
            "apiVersion: v2\nname: c\nversion: 0.1.0\n",
        )
        .unwrap();
        Dir(d)
    }

    /// Load errors name the offending file relative to the chart root (and a line when known).
    #[test]
    fn errors_carry_the_offending_file() {
        let d = chart_dir("files");
        let c = d.0.join("c");
        std::fs::write(d.0.join("secret"), "x").unwrap();
        std::os::unix::fs::symlink(d.0.join("secret"), c.join("templates/leak.yaml")).unwrap();
        let e = load(&c).unwrap_err();
        assert_eq!(e.file.as_deref(), Some("templates/leak.yaml"), "{e}");
        std::fs::remove_file(c.join("templates/leak.yaml")).unwrap();

        std::fs::write(c.join("values.yaml"), "a: 1\nb: [\n").unwrap();
        let e = load(&c).unwrap_err();
        assert_eq!(
            (e.file.as_deref(), e.line.is_some()),
            (Some("values.yaml"), true),
            "{e}"
        );
        std::fs::remove_file(c.join("values.yaml")).unwrap();

        std::fs::create_dir_all(c.join("charts/sub")).unwrap();
        std::fs::write(c.join("charts/sub/Chart.yaml"), "name: sub\n").unwrap();
        let e = load(&c).unwrap_err();
        assert_eq!(e.file.as_deref(), Some("charts/sub/Chart.yaml"), "{e}");
        std::fs::remove_dir_all(c.join("charts/sub")).unwrap();

        std::fs::write(c.join("charts/sub-0.1.0.tgz"), b"\x1f\x8b\x08garbage!!").unwrap();
        let e = load(&c).unwrap_err();
        assert_eq!(e.file.as_deref(), Some("charts/sub-0.1.0.tgz"), "{e}");
    }

    /// A Chart.yaml link out of the chart is refused before it is read: its content cannot
    /// decide the message.
    #[test]
    fn chart_yaml_link_checked_before_reading() {
        let d = chart_dir("chartyaml");
        let c = d.0.join("c");
        std::fs::write(d.0.join("outside.yaml"), "apiVersion: v9\nname: c\n").unwrap();
        std::fs::remove_file(c.join("Chart.yaml")).unwrap();
        std::os::unix::fs::symlink(d.0.join("outside.yaml"), c.join("Chart.yaml")).unwrap();
        let e = load(&c).unwrap_err();
        assert!(e.message.contains("outside the chart directory"), "{e}");
        assert_eq!(e.file.as_deref(), Some("Chart.yaml"));
        let opts = LoadOptions {
            follow_external_symlinks: true,
        };
        assert_eq!(
            load_with(&c, &opts).unwrap_err().message,
            "unsupported chart version"
        );
    }
}
