//! The host objects a template's dot carries: `.Files` (helm's `engine.files`) and
//! `.Capabilities` (`*common.Capabilities` with `KubeVersion`, `APIVersions`, `HelmVersion`).
//! They are `gotpl::Object`s because templates call methods on them
//! (`.Files.Get "x"`, `.Capabilities.APIVersions.Has "apps/v1"`).

use super::glob::Glob;
use crate::chart::Data;
use gotpl::func::Param;
use gotpl::{Map, Object, Value};
use std::collections::BTreeMap;
use std::rc::Rc;

/// helm's `engine.files`: every chart file outside `templates/` and `charts/` (and not
/// Chart.yaml/values.yaml/…), by `/`-separated path.
///
/// Contents are the chart's shared [`Data`]: a file is read (if deferred) and copied only
/// when a template asks for it, and one that cannot be read fails that call.
#[derive(Clone, Default)]
pub struct Files {
    files: Rc<BTreeMap<String, Data>>,
}

fn arity(name: &str, want: usize, got: usize) -> Result<(), String> {
    if want == got {
        Ok(())
    } else {
        Err(format!(
            "wrong number of args for {name}: want {want} got {got}"
        ))
    }
}

fn str_arg(v: &Value) -> Result<&str, String> {
    match v {
        Value::Str(s) => Ok(s),
        Value::Nil => Err("invalid value; expected string".into()),
        other => Err(format!(
            "wrong type for value; expected string; got {}",
            other.type_name()
        )),
    }
}

/// Go's `%v` of a `[]byte`: `[104 105]`.
fn print_bytes(b: &[u8], out: &mut String) {
    out.push('[');
    for (i, c) in b.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(&c.to_string());
    }
    out.push(']');
}

/// helm's `toYAML` of a `map[string]string` (the trailing newline trimmed).
fn yaml_of(m: BTreeMap<String, Value>) -> String {
    let out = crate::render::yaml_text(&Value::map(m));
    out.strip_suffix('\n').unwrap_or(&out).to_string()
}

impl Files {
    pub fn new(files: BTreeMap<String, Data>) -> Files {
        Files {
            files: Rc::new(files),
        }
    }

    /// A file's bytes, empty when absent.
    fn bytes(&self, name: &str) -> Result<&[u8], String> {
        self.files.get(name).map_or(Ok(&[][..]), Data::get)
    }

    /// `.Files.GetBytes` (and a map lookup on `.Files`): the bytes, `[]` when absent.
    pub fn get_bytes(&self, name: &str) -> Result<Value, String> {
        Ok(Value::Bytes(Rc::from(self.bytes(name)?)))
    }

    /// `.Files.Get`: the file as a string, "" when absent.
    pub fn get(&self, name: &str) -> Result<String, String> {
        Ok(gotpl::value::go_string(self.bytes(name)?).into_owned())
    }

    /// `.Files.Glob`: gobwas/glob with `/` separator; an invalid pattern matches everything.
    pub fn glob(&self, pattern: &str) -> Files {
        let g = Glob::gobwas(pattern);
        let m = self
            .files
            .iter()
            .filter(|(k, _)| g.as_ref().is_none_or(|g| g.matches(k)))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Files::new(m)
    }

    /// `.Files.Lines`: split on `\n` after dropping one trailing newline; `[]` when absent.
    pub fn lines(&self, name: &str) -> Result<Vec<String>, String> {
        let b = self.bytes(name)?;
        if b.is_empty() {
            return Ok(Vec::new());
        }
        let s = gotpl::value::go_string(b);
        let s = s.strip_suffix('\n').unwrap_or(&s);
        Ok(s.split('\n').map(str::to_string).collect())
    }

    fn base(k: &str) -> String {
        k.rsplit('/').next().unwrap_or(k).to_string()
    }

    /// `.AsConfig`: YAML map of base name → content (`{}` for an empty set: helm's files map is
    /// never nil).
    pub fn as_config(&self) -> Result<String, String> {
        let m = self
            .files
            .iter()
            .map(|(k, v)| Ok((Files::base(k), Value::from_go_bytes(v.get()?))))
            .collect::<Result<_, String>>()?;
        Ok(yaml_of(m))
    }

    /// `.AsSecrets`: YAML map of base name → base64 content.
    pub fn as_secrets(&self) -> Result<String, String> {
        use base64::Engine;
        let m = self
            .files
            .iter()
            .map(|(k, v)| {
                Ok((
                    Files::base(k),
                    Value::str(base64::engine::general_purpose::STANDARD.encode(v.get()?)),
                ))
            })
            .collect::<Result<_, String>>()?;
        Ok(yaml_of(m))
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn method_params(&self, method: &str) -> Option<&'static [Param]> {
        matches!(method, "Get" | "GetBytes" | "Glob" | "Lines").then_some(&[Param::Str])
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        Some(match name {
            "AsConfig" => self.as_config().map(Value::str),
            "AsSecrets" => self.as_secrets().map(Value::str),
            "Get" | "GetBytes" | "Glob" | "Lines" => arity(name, 1, 0).map(|_| Value::Nil),
            // `engine.files` is a `map[string][]byte`: any other name is a map lookup, and a
            // missing key yields the zero `[]byte` (printed `[]`).
            other => self.get_bytes(other),
        })
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        let one = |args: &[Value]| -> Result<String, String> {
            arity(method, 1, args.len())?;
            str_arg(&args[0]).map(str::to_string)
        };
        Some(match method {
            "Get" => one(args).and_then(|n| self.get(&n).map(Value::str)),
            "GetBytes" => one(args).and_then(|n| self.get_bytes(&n)),
            "Glob" => one(args).map(|p| Value::Object(Rc::new(self.glob(&p)))),
            "Lines" => one(args).and_then(|n| self.lines(&n).map(Value::str_list)),
            "AsConfig" | "AsSecrets" => arity(method, 0, args.len())
                .and_then(|_| self.field(method).unwrap_or(Ok(Value::Nil))),
            _ => return None,
        })
    }
    fn print(&self) -> String {
        let mut out = String::from("map[");
        for (i, (k, v)) in self.files.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push(':');
            print_bytes(v.bytes(), &mut out);
        }
        out.push(']');
        out
    }
    fn truthy(&self) -> bool {
        !self.files.is_empty()
    }
    fn to_plain(&self) -> Value {
        let m = self
            .files
            .iter()
            .map(|(k, v)| (k.clone(), Value::Bytes(Rc::from(v.bytes()))))
            .collect();
        Value::map(m)
    }
}

/// helm's `KubeVersion`: `Version` keeps the user's text (with a `v` prefixed), `String()`
/// prints the parsed numeric components only.
#[derive(Clone, Debug, PartialEq)]
pub struct KubeVersion {
    pub version: String,
    pub major: String,
    pub minor: String,
    /// `v` + the numeric components (`String()`).
    pub normalized: String,
}

impl Default for KubeVersion {
    /// helm v4.1.4's built-in default (its client-go version).
    fn default() -> Self {
        KubeVersion {
            version: "v1.35.0".into(),
            major: "1".into(),
            minor: "35".into(),
            normalized: "v1.35.0".into(),
        }
    }
}

impl KubeVersion {
    /// Parses `--kube-version` like helm (k8s `ParseGeneric`: `\s*v?N.N[.N…]` then anything).
    pub fn parse(text: &str) -> Result<KubeVersion, String> {
        // k8s prints the input with Go's %q.
        let quoted = gotpl::template::go_quote(text);
        let illegal = || format!("invalid kube version '{text}': illegal version string {quoted}");
        // `\s` of Go's regexp: no vertical tab.
        let s = text.trim_start_matches([' ', '\t', '\n', '\r', '\x0C']);
        let s = s.strip_prefix('v').unwrap_or(s);
        if !s.starts_with(|c: char| c.is_ascii_digit()) {
            return Err(format!(
                "invalid kube version '{text}': could not parse {quoted} as version"
            ));
        }
        // The numeric part: digits groups separated by dots (a trailing dot is "extra").
        let mut comps: Vec<&str> = Vec::new();
        let mut rest = s;
        loop {
            let n = rest.bytes().take_while(u8::is_ascii_digit).count();
            if n == 0 {
                break;
            }
            comps.push(&rest[..n]);
            rest = &rest[n..];
            match rest.strip_prefix('.') {
                Some(r) if r.bytes().next().is_some_and(|c| c.is_ascii_digit()) => rest = r,
                _ => break,
            }
        }
        if comps.len() < 2 {
            return Err(illegal());
        }
        let first = comps[0];
        if first.starts_with('0') && first != "0" {
            return Err(format!(
                "invalid kube version '{text}': illegal zero-prefixed version component \"{first}\" in {quoted}"
            ));
        }
        let mut nums = Vec::new();
        for c in &comps {
            match c.parse::<u64>() {
                Ok(n) => nums.push(n),
                // Only digits reach here, so the one failure is overflow (Go's ParseUint).
                Err(_) => {
                    return Err(format!(
                        "invalid kube version '{text}': illegal non-numeric version component \"{c}\" in {quoted}: strconv.ParseUint: parsing \"{c}\": value out of range"
                    ))
                }
            }
        }
        let version = if text.starts_with('v') {
            text.to_string()
        } else {
            format!("v{text}")
        };
        let joined: Vec<String> = nums.iter().map(u64::to_string).collect();
        Ok(KubeVersion {
            version,
            major: nums[0].to_string(),
            minor: nums[1].to_string(),
            normalized: format!("v{}", joined.join(".")),
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "common.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        Some(Ok(Value::str(match name {
            "Version" | "GitVersion" => &self.version,
            "Major" => &self.major,
            "Minor" => &self.minor,
            "String" => &self.normalized,
            _ => return None,
        })))
    }
    /// The struct's fields in declaration order (`Version`, `normalizedVersion`, `Major`,
    /// `Minor`): what a function argument sees, `String` having a pointer receiver.
    fn print(&self) -> String {
        format!(
            "{{{} {} {} {}}}",
            self.version, self.normalized, self.major, self.minor
        )
    }
    fn action_text(&self) -> Option<String> {
        Some(self.normalized.clone())
    }
    fn to_plain(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Major".into(), Value::str(&self.major));
        m.insert("Minor".into(), Value::str(&self.minor));
        m.insert("Version".into(), Value::str(&self.version));
        Value::map(m)
    }
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![
            ("Version".into(), Value::str(&self.version)),
            ("Major".into(), Value::str(&self.major)),
            ("Minor".into(), Value::str(&self.minor)),
        ])
    }
}

/// helm's default API versions (`DefaultVersionSet` of v4.1.4, in its order).
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// helm's `VersionSet`: a `[]string` with a `Has` method.
#[derive(Clone, Debug)]
pub struct ApiVersions(pub Vec<String>);

impl Object for ApiVersions {
    fn type_name(&self) -> &str {
        "common.VersionSet"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        match name {
            "Has" => Some(arity(name, 1, 0).map(|_| Value::Nil)),
            _ => None,
        }
    }
    fn method_params(&self, method: &str) -> Option<&'static [Param]> {
        (method == "Has").then_some(&[Param::Str])
    }
    fn call(&self, method: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if method != "Has" {
            return None;
        }
        Some(arity(method, 1, args.len()).and_then(|_| {
            let want = str_arg(&args[0])?;
            Ok(Value::Bool(self.0.iter().any(|v| v == want)))
        }))
    }
    fn print(&self) -> String {
        format!("[{}]", self.0.join(" "))
    }
    fn truthy(&self) -> bool {
        !self.0.is_empty()
    }
    fn to_plain(&self) -> Value {
        Value::str_list(&self.0)
    }
    fn slice_items(&self) -> Option<Vec<Value>> {
        Some(self.0.iter().map(Value::str).collect())
    }
}

/// helm's `BuildInfo` for `.Capabilities.HelmVersion`: what helm v4.1.4 reports.
#[derive(Clone, Debug)]
pub struct HelmVersion;

const HELM_FIELDS: &[(&str, &str, &str)] = &[
    ("Version", "version", "v4.1.4"),
    (
        "GitCommit",
        "git_commit",
        "05fa37973dc9e42b76e1d2883494c87174b6074f",
    ),
    ("GitTreeState", "git_tree_state", "clean"),
    ("GoVersion", "go_version", "go1.25.9"),
    ("KubeClientVersion", "kube_client_version", "v1.35"),
];

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        HELM_FIELDS
            .iter()
            .find(|f| f.0 == name)
            .map(|f| Ok(Value::str(f.2)))
    }
    fn print(&self) -> String {
        let vals: Vec<&str> = HELM_FIELDS.iter().map(|f| f.2).collect();
        format!("{{{}}}", vals.join(" "))
    }
    fn to_plain(&self) -> Value {
        Value::map(
            HELM_FIELDS
                .iter()
                .map(|f| (f.1.to_string(), Value::str(f.2)))
                .collect(),
        )
    }
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(
            HELM_FIELDS
                .iter()
                .map(|f| (f.1.to_string(), Value::str(f.2)))
                .collect(),
        )
    }
}

/// `.Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: ApiVersions,
}

impl Capabilities {
    /// helm's `DefaultCapabilities` with `--kube-version` and `--api-versions` applied (extra API
    /// versions are appended to the default list).
    pub fn new(kube_version: Option<KubeVersion>, extra_api_versions: &[String]) -> Capabilities {
        let mut apis: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        apis.extend(extra_api_versions.iter().cloned());
        Capabilities {
            kube_version: kube_version.unwrap_or_default(),
            api_versions: ApiVersions(apis),
        }
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*common.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Result<Value, String>> {
        Some(Ok(match name {
            "KubeVersion" => Value::Object(Rc::new(self.kube_version.clone())),
            "APIVersions" => Value::Object(Rc::new(self.api_versions.clone())),
            "HelmVersion" => Value::Object(Rc::new(HelmVersion)),
            _ => return None,
        }))
    }
    fn print(&self) -> String {
        format!(
            "&{{{} {} {}}}",
            self.api_versions.print(),
            self.kube_version.print(),
            HelmVersion.print()
        )
    }
    fn to_plain(&self) -> Value {
        let m = Map::new();
        m.insert("APIVersions", self.api_versions.to_plain());
        m.insert("HelmVersion", HelmVersion.to_plain());
        m.insert("KubeVersion", self.kube_version.to_plain());
        Value::Map(m)
    }
    fn json_fields(&self) -> Option<Vec<(String, Value)>> {
        Some(vec![
            (
                "KubeVersion".into(),
                Value::Object(Rc::new(self.kube_version.clone())),
            ),
            ("APIVersions".into(), self.api_versions.to_plain()),
            ("HelmVersion".into(), Value::Object(Rc::new(HelmVersion))),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files() -> Files {
        let mut m: BTreeMap<String, Data> = BTreeMap::new();
        m.insert("README.md".into(), Data::new(b"x".to_vec()));
        m.insert("files/a.txt".into(), Data::new(b"hello\nworld\n".to_vec()));
        m.insert("files/sub/b.yaml".into(), Data::new(b"k: v\n".to_vec()));
        Files::new(m)
    }

    #[test]
    fn files_methods_like_helm() {
        let f = files();
        assert_eq!(f.get("files/a.txt").unwrap(), "hello\nworld\n");
        assert_eq!(f.get("nope").unwrap(), "");
        assert_eq!(f.lines("files/a.txt").unwrap(), ["hello", "world"]);
        // helm v4.1.4: an empty glob still renders as a YAML map.
        assert_eq!(f.glob("nope/*").as_config().unwrap(), "{}");
        assert_eq!(f.glob("nope/*").as_secrets().unwrap(), "{}");
        assert!(f.lines("nope").unwrap().is_empty());
        let g = f.glob("files/*");
        assert_eq!(
            g.print(),
            "map[files/a.txt:[104 101 108 108 111 10 119 111 114 108 100 10]]"
        );
        assert_eq!(f.glob("files/**").files.len(), 2);
        assert_eq!(f.glob("{README.md,files/a.txt}").files.len(), 2);
        // An invalid pattern matches everything (helm falls back to `**`).
        assert_eq!(f.glob("[").files.len(), 3);
    }

    #[test]
    fn unreadable_file_fails_the_call() {
        let mut m: BTreeMap<String, Data> = BTreeMap::new();
        let gone = std::env::temp_dir().join("chartgate-objects-no-such-file");
        m.insert(
            "files/gone.txt".into(),
            Data::deferred(gone, "files/gone.txt".into(), 4),
        );
        let f = Files::new(m);
        let e = f.get("files/gone.txt").unwrap_err();
        assert!(e.starts_with("error reading files/gone.txt: "), "{e}");
        assert!(f.as_config().is_err() && f.lines("files/gone.txt").is_err());
        // Names alone need no read.
        assert_eq!(f.glob("files/*").files.len(), 1);
    }

    #[test]
    fn kube_version_parse_like_helm() {
        let k = KubeVersion::parse("1.28.3-gke.1").expect("valid");
        assert_eq!(
            (
                k.version.as_str(),
                k.major.as_str(),
                k.minor.as_str(),
                k.normalized.as_str()
            ),
            ("v1.28.3-gke.1", "1", "28", "v1.28.3")
        );
        let k = KubeVersion::parse(" 1.2").expect("valid");
        assert_eq!(
            (k.version.as_str(), k.normalized.as_str()),
            ("v 1.2", "v1.2")
        );
        assert_eq!(
            KubeVersion::parse("v1").unwrap_err(),
            "invalid kube version 'v1': illegal version string \"v1\""
        );
        assert!(KubeVersion::parse("1.x").is_err());
        // Messages below verified with helm v4.1.4 `--kube-version`.
        assert_eq!(
            KubeVersion::parse("abc").unwrap_err(),
            "invalid kube version 'abc': could not parse \"abc\" as version"
        );
        assert_eq!(
            KubeVersion::parse("\x0b1.2").unwrap_err(),
            "invalid kube version '\x0b1.2': could not parse \"\\v1.2\" as version"
        );
        assert_eq!(
            KubeVersion::parse("1.99999999999999999999").unwrap_err(),
            "invalid kube version '1.99999999999999999999': illegal non-numeric version component \"99999999999999999999\" in \"1.99999999999999999999\": strconv.ParseUint: parsing \"99999999999999999999\": value out of range"
        );
        assert!(KubeVersion::parse("\t1.2").is_ok());
        assert_eq!(
            KubeVersion::parse("1.2.3.4").expect("valid").normalized,
            "v1.2.3.4"
        );
    }

    #[test]
    fn api_versions_has() {
        let c = Capabilities::new(None, &["x/v1".to_string()]);
        assert_eq!(c.api_versions.0.len(), 58);
        let has = c.api_versions.call("Has", &[Value::str("x/v1")]);
        assert!(matches!(has, Some(Ok(Value::Bool(true)))));
        let has = c.api_versions.call("Has", &[Value::str("apps/v2")]);
        assert!(matches!(has, Some(Ok(Value::Bool(false)))));
    }
}
