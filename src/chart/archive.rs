//! Chart archives (`.tgz`): gzip + tar, with helm's path checks and a size budget.

use super::{ChartError, File};
use std::io::Read;

/// helm's `MaxDecompressedChartSize`: the total decompressed size of one archive.
pub const MAX_ARCHIVE_SIZE: u64 = 100 * 1024 * 1024;

/// Upper bound on entries, so a crafted archive of empty files cannot exhaust memory.
const MAX_ENTRIES: usize = 200_000;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// Reads every regular entry of a gzipped tar chart archive. Names lose their first component
/// (the chart directory) and are cleaned; absolute names, `..` escapes, drive letters and a
/// Chart.yaml outside a directory are rejected with helm's messages.
pub fn load_archive_files(data: &[u8]) -> Result<Vec<File>, ChartError> {
    let mut budget = MAX_ARCHIVE_SIZE;
    load_archive_files_limited(data, &mut budget)
}

/// [`load_archive_files`] drawing on a shared byte budget, so archives nested in archives
/// cannot multiply the decompressed size (helm's limit is per archive only).
pub(crate) fn load_archive_files_limited(
    data: &[u8],
    budget: &mut u64,
) -> Result<Vec<File>, ChartError> {
    // Go's gzip reader needs a 10-byte header before it can judge the magic.
    if data.len() < 10 {
        return Err(ChartError::new("unexpected EOF"));
    }
    if data[0] != 0x1f || data[1] != 0x8b || data[2] != 0x08 {
        return Err(ChartError::new("gzip: invalid header"));
    }
    let gz = flate2::read::GzDecoder::new(data);
    let mut tar = tar::Archive::new(gz);
    let entries = tar.entries().map_err(io_err)?;
    let mut files = Vec::new();
    let mut remaining = MAX_ARCHIVE_SIZE.min(*budget);
    for entry in entries {
        let mut entry = entry.map_err(io_err)?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        if kind.is_gnu_longname() || kind.is_gnu_longlink() {
            continue;
        }
        let raw_name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        // Go's FileInfo().IsDir() is also true for a regular entry whose name ends in '/'.
        if raw_name.ends_with('/') && !kind.is_file() {
            continue;
        }
        let delim = if raw_name.contains('\\') { '\\' } else { '/' };
        let parts: Vec<&str> = raw_name.split(delim).collect();
        let joined = parts[1..].join("/");
        if joined.starts_with('/') {
            return Err(ChartError::new("chart illegally contains absolute paths"));
        }
        let n = clean_path(&joined);
        if n == "." {
            return Err(ChartError::new(format!(
                "chart illegally contains content outside the base directory: {raw_name:?}"
            )));
        }
        if n.starts_with("..") {
            return Err(ChartError::new(
                "chart illegally references parent directory",
            ));
        }
        let b = n.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/' {
            return Err(ChartError::new("chart contains illegally named files"));
        }
        if parts[0] == "Chart.yaml" {
            return Err(ChartError::new("chart yaml not in base directory"));
        }
        let size = entry.header().size().unwrap_or(0);
        if size > remaining {
            return Err(too_large());
        }
        if files.len() >= MAX_ENTRIES {
            return Err(ChartError::new(format!(
                "chart archive has more than {MAX_ENTRIES} files"
            )));
        }
        let mut buf = Vec::with_capacity(size.min(1 << 20) as usize);
        let read = (&mut entry)
            .take(remaining + 1)
            .read_to_end(&mut buf)
            .map_err(io_err)? as u64;
        if read > remaining || read < size {
            return Err(too_large());
        }
        remaining -= read;
        *budget = budget.saturating_sub(read);
        if buf.starts_with(UTF8_BOM) {
            buf.drain(..UTF8_BOM.len());
        }
        files.push(File {
            name: n,
            data: buf.into(),
        });
    }
    if files.is_empty() {
        return Err(ChartError::new("no files in chart archive"));
    }
    Ok(files)
}

fn too_large() -> ChartError {
    ChartError::new(format!(
        "decompressed chart is larger than the maximum size {MAX_ARCHIVE_SIZE}"
    ))
}

fn io_err(e: std::io::Error) -> ChartError {
    ChartError::new(e.to_string())
}

/// Go's `path.Clean` for slash-separated relative paths.
pub(crate) fn clean_path(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|s| *s != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let body = out.join("/");
    match (rooted, body.is_empty()) {
        (true, _) => format!("/{body}"),
        (false, true) => ".".into(),
        (false, false) => body,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a .tgz from (name, data, entry type) triples, writing names verbatim.
    pub(crate) fn make_tgz(entries: &[(&str, &[u8], tar::EntryType)]) -> Vec<u8> {
        let mut out = Vec::new();
        {
            let gz = flate2::write::GzEncoder::new(&mut out, flate2::Compression::fast());
            let mut b = tar::Builder::new(gz);
            for (name, data, kind) in entries {
                let mut h = tar::Header::new_gnu();
                h.set_entry_type(*kind);
                h.set_size(data.len() as u64);
                h.set_mode(0o644);
                {
                    let raw = h.as_old_mut();
                    raw.name[..name.len()].copy_from_slice(name.as_bytes());
                }
                h.set_cksum();
                b.append(&h, *data).unwrap();
            }
            b.into_inner().unwrap().finish().unwrap();
        }
        out
    }

    #[test]
    fn clean() {
        assert_eq!(clean_path("a/./b/../c"), "a/c");
        assert_eq!(clean_path("../x"), "../x");
        assert_eq!(clean_path("a/../../x"), "../x");
        assert_eq!(clean_path(""), ".");
    }

    #[test]
    fn rejects_escapes() {
        let reg = tar::EntryType::Regular;
        let ok = make_tgz(&[
            ("c/Chart.yaml", b"name: c\n", reg),
            ("c/templates/x.yaml", b"\xEF\xBB\xBFa: 1", reg),
        ]);
        let files = load_archive_files(&ok).unwrap();
        assert_eq!(files[1].name, "templates/x.yaml");
        assert_eq!(files[1].data, b"a: 1");

        let up = make_tgz(&[("c/../../x", b"x", reg)]);
        assert_eq!(
            load_archive_files(&up).unwrap_err().message,
            "chart illegally references parent directory"
        );
        let abs = make_tgz(&[("c//etc/passwd", b"x", reg)]);
        assert_eq!(
            load_archive_files(&abs).unwrap_err().message,
            "chart illegally contains absolute paths"
        );
        let top = make_tgz(&[("Chart.yaml", b"x", reg)]);
        assert!(load_archive_files(&top).is_err());
        // A symlink entry is kept as an (empty) file and never followed.
        let link = make_tgz(&[
            ("c/Chart.yaml", b"name: c\n", reg),
            ("c/pw", b"", tar::EntryType::Symlink),
        ]);
        let files = load_archive_files(&link).unwrap();
        assert_eq!(files[1].name, "pw");
        assert!(files[1].data.is_empty());
        assert!(load_archive_files(b"not gzip").is_err());
        // A shared budget bounds nested archives.
        let big = make_tgz(&[
            ("c/Chart.yaml", b"name: c\n", reg),
            ("c/f", &[b'x'; 64], reg),
        ]);
        let mut budget = 32;
        assert_eq!(
            load_archive_files_limited(&big, &mut budget)
                .unwrap_err()
                .message,
            format!("decompressed chart is larger than the maximum size {MAX_ARCHIVE_SIZE}")
        );
    }
}
