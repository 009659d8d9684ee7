//! A chart file's bytes. Shared, so the chart tree, `.Files` and the subchart split hold one
//! copy; and for files a render seldom needs (docs, `crds/`, files for `.Files`) of a chart
//! directory, read on first use: a README and CRDs are often most of a chart's bytes, and a
//! `helm template` run needs neither.

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// A file's contents; clones share them.
#[derive(Clone)]
pub struct Data(Arc<Body>);

enum Body {
    Ready(Vec<u8>),
    /// Known to be a regular file inside the chart of `size` bytes when the chart was loaded.
    Deferred {
        path: PathBuf,
        name: String,
        size: u64,
        read: OnceLock<Result<Vec<u8>, String>>,
    },
}

impl Data {
    pub fn new(bytes: Vec<u8>) -> Data {
        Data(Arc::new(Body::Ready(bytes)))
    }

    /// The regular file `path` (chart file `name`, `size` bytes), read when first asked for.
    pub(crate) fn deferred(path: PathBuf, name: String, size: u64) -> Data {
        Data(Arc::new(Body::Deferred {
            path,
            name,
            size,
            read: OnceLock::new(),
        }))
    }

    /// The bytes, or why a deferred file could not be read (helm would have failed to load
    /// the chart: the message is the loader's).
    pub fn get(&self) -> Result<&[u8], String> {
        match &*self.0 {
            Body::Ready(b) => Ok(b),
            Body::Deferred {
                path, name, read, ..
            } => read
                .get_or_init(|| super::load::read_deferred(path, name))
                .as_deref()
                .map_err(Clone::clone),
        }
    }

    /// The contents' identity: equal for the clones of one file's data.
    pub fn id(&self) -> usize {
        Arc::as_ptr(&self.0) as usize
    }

    /// The size, without reading a deferred file (its size when the chart was loaded).
    pub fn len(&self) -> u64 {
        match &*self.0 {
            Body::Ready(b) => b.len() as u64,
            Body::Deferred { size, read, .. } => match read.get() {
                Some(Ok(b)) => b.len() as u64,
                _ => *size,
            },
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes for a reader that cannot report a per-file error (secret scanning, release
    /// records): a deferred file that fails to read reads as empty.
    pub fn bytes(&self) -> &[u8] {
        self.get().unwrap_or_default()
    }
}

impl From<Vec<u8>> for Data {
    fn from(b: Vec<u8>) -> Data {
        Data::new(b)
    }
}

impl std::fmt::Debug for Data {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &*self.0 {
            Body::Ready(b) => write!(f, "Data({} bytes)", b.len()),
            Body::Deferred { name, size, .. } => write!(f, "Data({name}, {size} bytes, deferred)"),
        }
    }
}

impl PartialEq for Data {
    fn eq(&self, o: &Data) -> bool {
        Arc::ptr_eq(&self.0, &o.0) || self.get() == o.get()
    }
}

impl Eq for Data {}

impl<const N: usize> PartialEq<&[u8; N]> for Data {
    fn eq(&self, o: &&[u8; N]) -> bool {
        self.get().is_ok_and(|b| b == *o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deferred_reads_once_and_reports_errors() {
        let dir = std::env::temp_dir().join(format!("chartgate-data-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("a.txt");
        std::fs::write(&p, b"\xEF\xBB\xBFhello").unwrap();
        let d = Data::deferred(p.clone(), "a.txt".into(), 8);
        assert_eq!(d.len(), 8);
        assert_eq!(d.get().unwrap(), b"hello");
        // Read once: later changes on disk are not seen, and the length is the bytes read.
        std::fs::write(&p, b"changed").unwrap();
        assert_eq!(d.get().unwrap(), b"hello");
        assert_eq!(d.len(), 5);
        let gone = Data::deferred(dir.join("missing"), "missing".into(), 3);
        let e = gone.get().unwrap_err();
        assert!(e.starts_with("error reading missing: "), "{e}");
        assert!(gone.bytes().is_empty());
        assert_eq!(gone.len(), 3);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
