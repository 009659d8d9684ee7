//! Chart.yaml metadata (helm's `chart.Metadata`), its validation, and the `.Chart` value.

use super::ChartError;
use gotpl::{Map, Value};
use std::collections::BTreeMap;

/// `type:` of a chart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ChartType {
    /// `application` or empty.
    #[default]
    Application,
    Library,
}

/// A maintainer entry.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// A `dependencies:` entry of Chart.yaml (or requirements.yaml).
#[derive(Clone, Debug, Default)]
pub struct Dependency {
    /// The chart name; after [`super::prepare`] it is the alias when one is set (as in helm).
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    /// Set by dependency processing.
    pub enabled: bool,
    /// The raw `import-values` items (strings or `{child, parent}` maps); after processing
    /// helm replaces them with the normalized maps.
    pub import_values: Vec<Value>,
    pub alias: String,
}

/// Chart.lock / requirements.lock.
#[derive(Clone, Debug, Default)]
pub struct Lock {
    pub generated: String,
    pub digest: String,
    pub dependencies: Vec<Dependency>,
}

/// Chart.yaml (helm's `chart.Metadata`). String fields hold YAML scalars converted the way
/// sigs.k8s.io/yaml converts them into a Go string (`appVersion: 1.10` becomes `"1.1"`).
#[derive(Clone, Debug, Default)]
pub struct Metadata {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub icon: String,
    /// `v1` when Chart.yaml has none (helm 2 charts).
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    /// `None` when Chart.yaml has no annotations (prints as null in `.Chart`).
    pub annotations: Option<BTreeMap<String, String>>,
    pub kube_version: String,
    pub dependencies: Vec<Dependency>,
    pub chart_type: ChartType,
    /// The `type:` text as written (empty when absent), for `.Chart.Type`.
    pub type_text: String,
    /// The parsed Chart.yaml as a map, with every key (also unknown ones) for lint.
    pub raw: Value,
}

/// A Go-string view of a YAML scalar (what sigs.k8s.io/yaml produces for a string field).
pub(crate) fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::Nil => Some(String::new()),
        Value::Str(s) => Some(s.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) | Value::Int64(i) => Some(i.to_string()),
        Value::Uint(u) => Some(u.to_string()),
        Value::Float(f) => Some(float_string(*f)),
        _ => None,
    }
}

/// Go's `strconv.FormatFloat(f, 'g', -1, 64)` for the values a Chart.yaml can hold.
fn float_string(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{}", f as i128);
    }
    gotpl::json::format_float(f, 'g')
}

/// Where a Chart.yaml/lock field sits, for Go's `json: cannot unmarshal` messages.
#[derive(Clone, Copy)]
pub(crate) struct Cx<'a> {
    /// The file named in `cannot load <file>`.
    pub file: &'a str,
    /// The innermost Go struct (`Metadata`, `Dependency`, `Maintainer`, `Lock`).
    pub st: &'a str,
    /// The JSON path of that struct from the document root (empty at the top).
    pub path: &'a str,
}

impl<'a> Cx<'a> {
    fn top(file: &'a str, st: &'a str) -> Cx<'a> {
        Cx { file, st, path: "" }
    }
    fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            format!("{}.{key}", self.st)
        } else {
            format!("{}.{}.{key}", self.st, self.path)
        }
    }
    fn yaml_err(&self, e: gotpl::yaml::YamlError) -> ChartError {
        let m = e.to_string();
        if m.starts_with("yaml:") {
            ChartError::new(format!(
                "cannot load {}: error converting YAML to JSON: {m}",
                self.file
            ))
        } else {
            ChartError::new(format!("cannot load {}: {m}", self.file))
        }
    }
}

/// The value encoding/json stores in the struct field tagged `key`: it also accepts keys that
/// differ in ASCII case, and with several of them the last in (sorted) key order wins.
fn field(m: &Map, key: &str) -> Option<Value> {
    if let Some(v) = m.get(key) {
        // The all-lowercase spelling sorts last among its case variants; for camelCase keys a
        // later variant (`apiversion` after `apiVersion`) may still exist.
        if key.bytes().all(|b| !b.is_ascii_uppercase()) {
            return Some(v);
        }
    }
    m.borrow()
        .iter()
        .rev()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v.clone())
}

fn get_str(m: &Map, key: &str, ctx: &Cx) -> Result<String, ChartError> {
    match field(m, key) {
        None => Ok(String::new()),
        Some(v) => scalar_string(&v).ok_or_else(|| type_err(ctx, key, &v, "string")),
    }
}

fn get_str_list(m: &Map, key: &str, ctx: &Cx) -> Result<Vec<String>, ChartError> {
    match field(m, key) {
        None | Some(Value::Nil) => Ok(Vec::new()),
        Some(Value::List(l)) => l
            .items
            .iter()
            .map(|v| scalar_string(v).ok_or_else(|| type_err(ctx, key, v, "string")))
            .collect(),
        Some(v) => Err(type_err(ctx, key, &v, "[]string")),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Map(_) => "object",
        Value::List(_) => "array",
        Value::Str(_) => "string",
        Value::Bool(_) => "bool",
        _ => "number",
    }
}

fn type_err(ctx: &Cx, key: &str, v: &Value, go_type: &str) -> ChartError {
    ChartError::new(format!(
        "cannot load {}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go struct field {} of type {go_type}",
        ctx.file,
        json_kind(v),
        ctx.field(key)
    ))
}

/// Go's encoding/json keeps decoding after a type mismatch and returns the first one it met;
/// sigs.k8s.io/yaml hands it JSON with sorted keys, so "first" is the smallest failing key.
#[derive(Default)]
struct FirstErr(Option<(String, ChartError)>);

impl FirstErr {
    fn take<T: Default>(&mut self, key: &str, r: Result<T, ChartError>) -> T {
        match r {
            Ok(v) => v,
            Err(e) => {
                if self.0.as_ref().is_none_or(|(k, _)| key < k.as_str()) {
                    self.0 = Some((key.to_string(), e));
                }
                T::default()
            }
        }
    }
    fn result(self) -> Result<(), ChartError> {
        match self.0 {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}

impl Dependency {
    pub(crate) fn from_value(v: &Value, parent: &Cx) -> Result<Dependency, ChartError> {
        let ctx = &Cx {
            file: parent.file,
            st: "Dependency",
            path: "dependencies",
        };
        let m = match v {
            Value::Map(m) => m,
            Value::Nil => return Ok(Dependency::default()),
            other => return Err(type_err(parent, "dependencies", other, "v2.Dependency")),
        };
        // Fields in JSON key order: the first mismatch is the one Go reports.
        let alias = get_str(m, "alias", ctx)?;
        let condition = get_str(m, "condition", ctx)?;
        let enabled = match field(m, "enabled") {
            None | Some(Value::Nil) => false,
            Some(Value::Bool(b)) => b,
            Some(v) => return Err(type_err(ctx, "enabled", &v, "bool")),
        };
        let import_values = match field(m, "import-values") {
            None | Some(Value::Nil) => Vec::new(),
            Some(Value::List(l)) => l.items.as_ref().clone(),
            Some(v) => return Err(type_err(ctx, "import-values", &v, "[]interface {}")),
        };
        let name = get_str(m, "name", ctx)?;
        let repository = get_str(m, "repository", ctx)?;
        let tags = get_str_list(m, "tags", ctx)?;
        let version = get_str(m, "version", ctx)?;
        Ok(Dependency {
            name,
            version,
            repository,
            condition,
            tags,
            enabled,
            import_values,
            alias,
        })
    }

    /// The `.Chart.Dependencies[i]` map helm v4 exposes (Go field names as keys).
    pub fn to_value(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Alias".into(), Value::str(&self.alias));
        m.insert("Condition".into(), Value::str(&self.condition));
        m.insert("Enabled".into(), Value::Bool(self.enabled));
        // helm v4 hands templates the metadata with string slices as `[]interface {}` but
        // string maps kept `map[string]string` (the import-values pairs, like Annotations).
        let import_values = self.import_values.iter().map(|v| match v {
            Value::Map(pair) => Value::Map(pair.with_type(gotpl::MapType::StrStr)),
            other => other.clone(),
        });
        m.insert("ImportValues".into(), Value::list(import_values.collect()));
        m.insert("Name".into(), Value::str(&self.name));
        m.insert("Repository".into(), Value::str(&self.repository));
        m.insert("Tags".into(), str_items(&self.tags));
        m.insert("Version".into(), Value::str(&self.version));
        Value::map(m)
    }

    /// Alias when set, else name: the key helm uses for the subchart's values.
    pub fn effective_name(&self) -> &str {
        if self.alias.is_empty() {
            &self.name
        } else {
            &self.alias
        }
    }
}

/// Loads a YAML mapping document; a non-mapping document is Go's "cannot unmarshal X into
/// Go value of type T" error.
fn load_top_map(src: &str, ctx: &Cx) -> Result<Map, ChartError> {
    match gotpl::yaml::load(src).map_err(|e| ctx.yaml_err(e))? {
        Value::Map(m) => Ok(m),
        Value::Nil => Ok(Map::new()),
        other => {
            let ty = match ctx.st {
                "chartBase" => "loader.chartBase",
                "Lock" => "v2.Lock",
                _ => "v2.Metadata",
            };
            Err(ChartError::new(format!(
                "cannot load {}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type {ty}",
                ctx.file,
                json_kind(&other)
            )))
        }
    }
}

fn dependencies_of(m: &Map, ctx: &Cx) -> Result<Vec<Dependency>, ChartError> {
    match field(m, "dependencies") {
        None | Some(Value::Nil) => Ok(Vec::new()),
        Some(Value::List(l)) => l
            .items
            .iter()
            .map(|d| Dependency::from_value(d, ctx))
            .collect(),
        Some(v) => Err(type_err(ctx, "dependencies", &v, "[]*v2.Dependency")),
    }
}

impl Lock {
    pub(crate) fn parse(src: &str, file: &str) -> Result<Lock, ChartError> {
        let ctx = &Cx::top(file, "Lock");
        let m = load_top_map(src, ctx)?;
        Ok(Lock {
            generated: get_str(&m, "generated", ctx)?,
            digest: get_str(&m, "digest", ctx)?,
            dependencies: dependencies_of(&m, ctx)?,
        })
    }
}

impl Metadata {
    /// Parses Chart.yaml (`ctx` names the file in errors).
    pub fn parse(src: &str) -> Result<Metadata, ChartError> {
        let ctx = &Cx::top("Chart.yaml", "Metadata");
        let m = load_top_map(src, &Cx::top("Chart.yaml", "chartBase"))?;
        let mut first = FirstErr::default();
        let maintainers = match field(&m, "maintainers") {
            None | Some(Value::Nil) => Ok(Vec::new()),
            Some(Value::List(l)) => l
                .items
                .iter()
                .map(|it| {
                    let mcx = &Cx {
                        file: ctx.file,
                        st: "Maintainer",
                        path: "maintainers",
                    };
                    match it {
                        // Fields in JSON key order: the first mismatch is the one Go reports.
                        Value::Map(mm) => {
                            let email = get_str(mm, "email", mcx)?;
                            let name = get_str(mm, "name", mcx)?;
                            let url = get_str(mm, "url", mcx)?;
                            Ok(Maintainer { name, email, url })
                        }
                        Value::Nil => Ok(Maintainer::default()),
                        other => Err(type_err(ctx, "maintainers", other, "v2.Maintainer")),
                    }
                })
                .collect(),
            Some(v) => Err(type_err(ctx, "maintainers", &v, "[]*v2.Maintainer")),
        };
        let maintainers = first.take("maintainers", maintainers);
        let annotations = match field(&m, "annotations") {
            None | Some(Value::Nil) => Ok(None),
            Some(Value::Map(a)) => a
                .borrow()
                .iter()
                .map(|(k, v)| {
                    scalar_string(v)
                        .map(|s| (k.clone(), s))
                        .ok_or_else(|| type_err(ctx, "annotations", v, "string"))
                })
                .collect::<Result<BTreeMap<_, _>, _>>()
                .map(Some),
            Some(v) => Err(type_err(ctx, "annotations", &v, "map[string]string")),
        };
        let annotations = first.take("annotations", annotations);
        let deprecated = match field(&m, "deprecated") {
            None | Some(Value::Nil) => Ok(false),
            Some(Value::Bool(b)) => Ok(b),
            Some(v) => Err(type_err(ctx, "deprecated", &v, "bool")),
        };
        let deprecated = first.take("deprecated", deprecated);
        let mut s = |key: &str| first.take(key, get_str(&m, key, ctx));
        let type_text = s("type");
        let mut api_version = s("apiVersion");
        if api_version.is_empty() {
            api_version = "v1".into();
        }
        let name = s("name");
        let home = s("home");
        let version = s("version");
        let description = s("description");
        let icon = s("icon");
        let condition = s("condition");
        let tags = s("tags");
        let app_version = s("appVersion");
        let kube_version = s("kubeVersion");
        let sources = first.take("sources", get_str_list(&m, "sources", ctx));
        let keywords = first.take("keywords", get_str_list(&m, "keywords", ctx));
        let dependencies = first.take("dependencies", dependencies_of(&m, ctx));
        first.result()?;
        Ok(Metadata {
            name,
            home,
            sources,
            version,
            description,
            keywords,
            maintainers,
            icon,
            api_version,
            condition,
            tags,
            app_version,
            deprecated,
            annotations,
            kube_version,
            dependencies,
            chart_type: if type_text == "library" {
                ChartType::Library
            } else {
                ChartType::Application
            },
            type_text,
            raw: Value::Map(m),
        })
    }

    /// Reads the `dependencies:` of a v1 requirements.yaml into this metadata (helm unmarshals
    /// the file over the metadata struct, so only `dependencies` changes).
    pub(crate) fn apply_requirements(&mut self, src: &str) -> Result<(), ChartError> {
        let ctx = &Cx::top("requirements.yaml", "Metadata");
        let m = load_top_map(src, ctx)?;
        if m.contains_key("dependencies") {
            self.dependencies = dependencies_of(&m, ctx)?;
        }
        Ok(())
    }

    /// helm's `Metadata.Validate` (messages prefixed `validation: ` like helm's
    /// `ValidationError`).
    pub fn validate(&mut self) -> Result<(), ChartError> {
        for s in [
            &mut self.name,
            &mut self.description,
            &mut self.home,
            &mut self.icon,
            &mut self.app_version,
            &mut self.kube_version,
            &mut self.condition,
            &mut self.tags,
        ] {
            *s = sanitize(s);
        }
        for s in self.sources.iter_mut().chain(self.keywords.iter_mut()) {
            *s = sanitize(s);
        }
        for m in &mut self.maintainers {
            m.name = sanitize(&m.name);
            m.email = sanitize(&m.email);
            m.url = sanitize(&m.url);
        }
        let verr = |m: String| ChartError::new(format!("validation: {m}"));
        if self.api_version.is_empty() {
            return Err(verr("chart.metadata.apiVersion is required".into()));
        }
        if self.name.is_empty() {
            return Err(verr("chart.metadata.name is required".into()));
        }
        if self.name == "." || self.name == ".." {
            return Err(verr(format!(
                "chart.metadata.name {:?} is not allowed",
                self.name
            )));
        }
        // Go: name must equal filepath.Base(name).
        if self.name.contains('/') && self.name != "/" {
            return Err(verr(format!(
                "chart.metadata.name {:?} is invalid",
                self.name
            )));
        }
        if self.version.is_empty() {
            return Err(verr("chart.metadata.version is required".into()));
        }
        if gotpl::funcs::semver::Version::parse(&self.version).is_err() {
            return Err(verr(format!(
                "chart.metadata.version {:?} is invalid",
                self.version
            )));
        }
        if !matches!(self.type_text.as_str(), "" | "application" | "library") {
            return Err(verr(
                "chart.metadata.type must be application or library".into(),
            ));
        }
        let mut seen = std::collections::BTreeSet::new();
        for d in &mut self.dependencies {
            d.name = sanitize(&d.name);
            d.version = sanitize(&d.version);
            d.repository = sanitize(&d.repository);
            d.condition = sanitize(&d.condition);
            d.alias = sanitize(&d.alias);
            if !d.alias.is_empty()
                && !d
                    .alias
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(verr(format!(
                    "dependency {:?} has disallowed characters in the alias",
                    d.name
                )));
            }
            let key = d.effective_name().to_string();
            if !seen.insert(key.clone()) {
                return Err(verr(format!(
                    "more than one dependency with name or alias {key:?}"
                )));
            }
        }
        Ok(())
    }

    /// `.Chart` as helm v4 exposes it to templates: a map keyed by the Go field names
    /// (`Name`, `Version`, `AppVersion`, `IsRoot`, …; nil slices print as `[]`, absent
    /// annotations as null).
    pub fn to_value(&self, is_root: bool) -> Value {
        let mut m = BTreeMap::new();
        m.insert("APIVersion".into(), Value::str(&self.api_version));
        m.insert(
            "Annotations".into(),
            match &self.annotations {
                // A nil map[string]string: prints `map[]`, marshals to null.
                None => Value::Map(gotpl::Map::nil_of(gotpl::MapType::StrStr)),
                Some(a) => Value::Map(
                    gotpl::Map::from_btree(
                        a.iter().map(|(k, v)| (k.clone(), Value::str(v))).collect(),
                    )
                    .with_type(gotpl::MapType::StrStr),
                ),
            },
        );
        m.insert("AppVersion".into(), Value::str(&self.app_version));
        m.insert("Condition".into(), Value::str(&self.condition));
        m.insert(
            "Dependencies".into(),
            Value::list(self.dependencies.iter().map(Dependency::to_value).collect()),
        );
        m.insert("Deprecated".into(), Value::Bool(self.deprecated));
        m.insert("Description".into(), Value::str(&self.description));
        m.insert("Home".into(), Value::str(&self.home));
        m.insert("Icon".into(), Value::str(&self.icon));
        m.insert("IsRoot".into(), Value::Bool(is_root));
        m.insert("Keywords".into(), str_items(&self.keywords));
        m.insert("KubeVersion".into(), Value::str(&self.kube_version));
        m.insert(
            "Maintainers".into(),
            Value::list(
                self.maintainers
                    .iter()
                    .map(|mt| {
                        let mut e = BTreeMap::new();
                        e.insert("Email".into(), Value::str(&mt.email));
                        e.insert("Name".into(), Value::str(&mt.name));
                        e.insert("URL".into(), Value::str(&mt.url));
                        Value::map(e)
                    })
                    .collect(),
            ),
        );
        m.insert("Name".into(), Value::str(&self.name));
        m.insert("Sources".into(), str_items(&self.sources));
        m.insert("Tags".into(), Value::str(&self.tags));
        m.insert("Type".into(), Value::str(&self.type_text));
        m.insert("Version".into(), Value::str(&self.version));
        Value::map(m)
    }
}

/// A `[]string` of the metadata as templates see it: `[]interface {}` of strings.
fn str_items(items: &[String]) -> Value {
    Value::list(items.iter().map(Value::str).collect())
}

/// helm v4's chart-version detection on the root Chart.yaml: apiVersion ""/v1/v2 load as
/// chart v2; anything else is refused.
pub(crate) fn check_api_version(chart_yaml: &str) -> Result<(), ChartError> {
    let cx = Cx::top("Chart.yaml", "chartBase");
    let m = load_top_map(chart_yaml, &cx)?;
    match get_str(&m, "apiVersion", &cx)?.as_str() {
        "" | "v1" | "v2" => Ok(()),
        "v3" => Err(ChartError::new("invalid chart apiVersion")),
        _ => Err(ChartError::new("unsupported chart version")),
    }
}

/// helm's `sanitizeString`: whitespace becomes a space, other non-printable runes are dropped.
fn sanitize(s: &str) -> String {
    if s.chars()
        .all(|c| c == ' ' || (!c.is_whitespace() && is_go_print(c)))
    {
        return s.to_string();
    }
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if is_go_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Go's `unicode.IsPrint` for non-space runes, without Unicode tables: control (Cc), format
/// (Cf) and private-use (Co) characters are not printable. (Unassigned code points, which Go
/// also drops, are kept.)
fn is_go_print(c: char) -> bool {
    let u = c as u32;
    let format = matches!(u,
        0xAD | 0x600..=0x605 | 0x61C | 0x6DD | 0x70F | 0x890..=0x891 | 0x8E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF
        | 0xFFF9..=0xFFFB | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3
        | 0x1D173..=0x1D17A | 0xE0001 | 0xE0020..=0xE007F);
    let private = matches!(u, 0xE000..=0xF8FF | 0xF0000..=0xFFFFD | 0x100000..=0x10FFFD);
    !c.is_control() && !format && !private
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(src: &str) -> String {
        Metadata::parse(src).map(|_| ()).unwrap_err().message
    }

    const PREFIX: &str = "cannot load Chart.yaml: error unmarshaling JSON: while decoding JSON: \
                          json: cannot unmarshal ";

    /// Messages recorded from helm v4.1.4 (`helm template` on each Chart.yaml).
    #[test]
    fn first_type_error_in_key_order_like_helm() {
        let base = "apiVersion: v2\nname: c\nversion: 0.1.0\n";
        let cases = [
            (
                "keywords: \"x\"\nmaintainers: 5\ndependencies: \"none\"\n",
                "string into Go struct field Metadata.dependencies of type []*v2.Dependency",
            ),
            (
                "maintainers:\n- name: [1]\n  email: {}\n",
                "object into Go struct field Maintainer.maintainers.email of type string",
            ),
            (
                "dependencies:\n- name: x\n  enabled: \"str\"\n  tags: 5\n",
                "string into Go struct field Dependency.dependencies.enabled of type bool",
            ),
            (
                "keywords: 5\nannotations: [1]\ntype: [1]\n",
                "array into Go struct field Metadata.annotations of type map[string]string",
            ),
            (
                "sources: 5\nkubeVersion: [1]\n",
                "array into Go struct field Metadata.kubeVersion of type string",
            ),
        ];
        for (extra, want) in cases {
            assert_eq!(err(&format!("{base}{extra}")), format!("{PREFIX}{want}"));
        }
    }

    /// encoding/json matches keys case-insensitively; the last spelling in key order wins.
    #[test]
    fn keys_match_case_insensitively_like_helm() {
        let m = Metadata::parse("apiVersion: v2\nName: c\nversion: 0.1.0\n").unwrap();
        assert_eq!(m.name, "c");
        let m =
            Metadata::parse("apiVersion: v2\nName: a\nname: real\nNAME: b\nversion: 1\n").unwrap();
        assert_eq!(m.name, "real");
        let m =
            Metadata::parse("APIVERSION: v1\napiversion: v2\nname: c\nVersion: 0.1.0\n").unwrap();
        assert_eq!(
            (m.api_version.as_str(), m.version.as_str()),
            ("v2", "0.1.0")
        );
        assert_eq!(
            err("apiVersion: v2\nname: c\nversion: 0.1.0\nDependencies: 5\n"),
            format!(
                "{PREFIX}number into Go struct field Metadata.dependencies of type \
                 []*v2.Dependency"
            )
        );
    }

    /// Go types as `typeOf` shows them under helm v4.1.4 (checked on a chart with a
    /// dependency): string slices `[]interface {}`, string maps `map[string]string`.
    #[test]
    fn chart_value_types_are_helms() {
        let mut m = Metadata::parse(
            "apiVersion: v2\nname: c\nversion: 0.1.0\nkeywords: [a]\nsources: [s]\n\
             annotations:\n  x: y\ndependencies:\n  - name: sub\n    version: 0.1.0\n    \
             tags: [t]\n",
        )
        .unwrap();
        m.dependencies[0].import_values = vec![Value::map(
            [
                ("child".to_string(), Value::str("a")),
                ("parent".to_string(), Value::str("b")),
            ]
            .into_iter()
            .collect(),
        )];
        let v = m.to_value(true);
        let get = |v: &Value, k: &str| match v {
            Value::Map(m) => m.get(k).unwrap(),
            _ => panic!("not a map"),
        };
        assert_eq!(get(&v, "Keywords").type_name(), "[]interface {}");
        assert_eq!(get(&v, "Sources").type_name(), "[]interface {}");
        assert_eq!(get(&v, "Annotations").type_name(), "map[string]string");
        let Value::List(deps) = get(&v, "Dependencies") else {
            panic!("Dependencies not a list")
        };
        let dep = &deps.items[0];
        assert_eq!(get(dep, "Tags").type_name(), "[]interface {}");
        let Value::List(iv) = get(dep, "ImportValues") else {
            panic!("ImportValues not a list")
        };
        assert_eq!(iv.items[0].type_name(), "map[string]string");
    }
}
