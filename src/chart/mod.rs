//! Chart loading and values computation, with helm v4's semantics.
//!
//! Pipeline: [`load`] a chart directory or archive into a [`Chart`] tree (subcharts from
//! `charts/`, `.helmignore` applied), build the user values with [`UserValues`] (`-f` files then
//! the `--set*` family, merged like helm's `MergeValues`), then [`prepare`] it: dependency
//! conditions/tags/aliases, `import-values` and the final coalesced values map that helm passes
//! as `.Values` to the root chart.

mod archive;
mod data;
mod deps;
mod ignore;
mod load;
mod meta;
pub mod strvals;
mod values;

pub use archive::{load_archive_files, MAX_ARCHIVE_SIZE};
pub use data::Data;
pub use deps::{check_dependencies, is_compatible_range, process_dependencies};
pub use ignore::IgnoreRules;
pub use load::{
    is_template_path, load, load_archive, load_dir, load_dir_with, load_files, load_observed,
    load_with, LoadOptions,
};
pub use meta::{ChartType, Dependency, Lock, Maintainer, Metadata};
pub use strvals::{parse_set, SetKind};
pub use values::{
    coalesce_tables, coalesce_values, collect_warnings, merge_tables, merge_values_from,
    path_value, UserValues,
};

use gotpl::Value;
use std::fmt;
use std::path::PathBuf;

/// A file of a chart: its path relative to the chart root (`/`-separated) and its bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub name: String,
    pub data: Data,
}

impl File {
    pub fn new(name: impl Into<String>, data: impl Into<Data>) -> File {
        File {
            name: name.into(),
            data: data.into(),
        }
    }
}

/// A loaded chart (helm's `chart.Chart`).
#[derive(Clone, Debug)]
pub struct Chart {
    /// Chart.yaml (+ requirements.yaml for apiVersion v1). After [`prepare`], `name` is the alias
    /// when the parent aliased it, and `dependencies` lists only the enabled ones.
    pub metadata: Metadata,
    /// values.yaml (a map; empty when absent). After [`prepare`] of a chart with dependencies,
    /// helm has replaced it with the merged values incl. imports; [`Prepared::values`] is what
    /// templates see.
    pub values: Value,
    /// The raw text of values.yaml, for span lookups (lint, schema errors).
    pub values_src: Option<String>,
    /// values.schema.json bytes.
    pub schema: Option<Vec<u8>>,
    /// Files under `templates/`, in load (path) order.
    pub templates: Vec<File>,
    /// Everything helm puts in `.Files`: all files except Chart.yaml, Chart.lock, values.yaml,
    /// values.schema.json, templates/ and charts/ (but `charts/*.prov` are included, as are
    /// `crds/` files; v1 requirements.yaml/lock are included too).
    pub files: Vec<File>,
    /// Every loaded file (helm's `Raw`), Chart.yaml and values.yaml included, charts/ excluded.
    pub raw: Vec<File>,
    /// Subcharts, sorted by directory/archive name at load time.
    pub dependencies: Vec<Chart>,
    /// Chart.lock (or requirements.lock for v1).
    pub lock: Option<Lock>,
    /// Where it was loaded from: the directory or archive for a root chart;
    /// `<parent source>/charts/<entry>` for a subchart.
    pub source: PathBuf,
}

impl Chart {
    /// The chart's name (the alias once [`prepare`] has run).
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// Reads every file of the tree a load deferred (see [`Data`]); the first that cannot be
    /// read is the error helm's loader would have given. For readers of every file (scan).
    pub fn read_all(&self) -> Result<(), ChartError> {
        for f in self.raw.iter().chain(&self.files).chain(&self.templates) {
            f.data
                .get()
                .map_err(|e| ChartError::new(e).at_file(f.name.as_str()))?;
        }
        // A subchart's message names the file from the chart root; its own path would not.
        self.dependencies.iter().try_for_each(|d| {
            d.read_all().map_err(|mut e| {
                e.file = None;
                e
            })
        })
    }

    /// True for `type: library`.
    pub fn is_library(&self) -> bool {
        self.metadata.chart_type == ChartType::Library
    }

    /// The CRD files of this chart only (helm: `crds/` files with a .yaml/.yml/.json extension).
    pub fn crds(&self) -> impl Iterator<Item = &File> {
        self.files.iter().filter(|f| {
            f.name.starts_with("crds/")
                && (f.name.ends_with(".yaml")
                    || f.name.ends_with(".yml")
                    || f.name.ends_with(".json"))
        })
    }

    /// The chart's values map (an empty map when values.yaml is absent).
    pub fn values_map(&self) -> gotpl::Map {
        match &self.values {
            Value::Map(m) => m.clone(),
            _ => gotpl::Map::new(),
        }
    }
}

/// A chart loading or values error. `Display` is worded like helm's message (what follows
/// `Error: `).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartError {
    pub message: String,
    /// The offending file relative to the root chart directory (`templates/x.yaml`,
    /// `charts/sub.tgz`, `charts/sub/Chart.yaml`) when it is known, for report locations.
    pub file: Option<String>,
    /// 1-based line in [`ChartError::file`], when known.
    pub line: Option<usize>,
}

impl ChartError {
    pub fn new(message: impl Into<String>) -> ChartError {
        ChartError {
            message: message.into(),
            file: None,
            line: None,
        }
    }
    /// Prefixes the message like Go's `errors.Wrap(err, ctx)`: `ctx: message`.
    pub fn wrap(self, ctx: impl fmt::Display) -> ChartError {
        ChartError {
            message: format!("{ctx}: {}", self.message),
            ..self
        }
    }
    /// Sets the offending file (relative to the chart root) unless one is already known.
    pub fn at_file(mut self, file: impl Into<String>) -> ChartError {
        if self.file.is_none() {
            self.file = Some(file.into());
        }
        self
    }
    /// Sets the line in the offending file.
    pub fn at_line(mut self, line: Option<usize>) -> ChartError {
        self.line = line.filter(|l| *l > 0);
        self
    }
    /// Prefixes a known file with a subchart's directory (`sub/x` → `charts/sub/x`).
    pub(crate) fn in_subchart(mut self, dir: &str) -> ChartError {
        if let Some(f) = &self.file {
            self.file = Some(format!("charts/{dir}/{f}"));
        }
        self
    }
}

impl fmt::Display for ChartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for ChartError {}

/// Options of [`prepare`].
#[derive(Clone, Debug, Default)]
pub struct PrepareOptions {
    /// Allow a library chart as the root (helm install/template refuse it; lint accepts it).
    pub allow_library: bool,
    /// Skip the "missing in charts/ directory" check (helm's `CheckDependencies`).
    pub skip_dependency_check: bool,
}

/// The result of [`prepare`]: the chart tree as helm renders it and the top-level values.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The root chart with only enabled subcharts (aliases applied, recursively).
    pub chart: Chart,
    /// `.Values` of the root chart: chart defaults coalesced with the user values, subchart
    /// sections (with propagated `global`) inside. A subchart's `.Values` is
    /// `values[<subchart name>]` (recursively).
    pub values: Value,
    /// The log lines helm v4.1.4 prints on stderr while computing these values (coalesce
    /// type conflicts, non-bool conditions/tags, missing import-values tables), worded and
    /// formatted like helm's (`level=INFO msg="warning: …"`), in processing order.
    pub warnings: Vec<String>,
}

/// Computes what helm's `template`/`install` compute before rendering: checks the declared
/// dependencies are present, processes dependencies (enabled/conditions/tags/aliases,
/// import-values) and coalesces the user values with the chart defaults.
pub fn prepare(
    chart: Chart,
    user_values: &gotpl::Map,
    opts: &PrepareOptions,
) -> Result<Prepared, ChartError> {
    deps::prepare(chart, user_values, opts)
}
