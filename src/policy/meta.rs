//! Policy metadata: the `# METADATA` comment block above a Rego package (OPA's annotation
//! format), read by us because the engine does not expose it.

use crate::finding::Severity;
use crate::suppress::Equivalents;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// Rule id: `custom.id`, else `<package>.<rule>` chosen by the caller.
    pub id: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub severity: Option<Severity>,
    pub security_severity: Option<f32>,
    pub remediation: Option<String>,
    pub url: Option<String>,
    /// Equivalent ids in other tools (kube-linter, checkov, polaris, trivy, kubescape).
    pub equivalents: Vec<(String, Vec<String>)>,
    /// `custom.kinds`: the object kinds the policy can fire on (`workload` = every kind with a
    /// pod template). Empty = any kind. Lets evaluation skip policies that cannot apply.
    pub kinds: Vec<String>,
    /// `custom.scope: chart`: the policy sees every object of the chart at once
    /// (`input.objects`) instead of one object.
    pub chart_scope: bool,
}

impl Meta {
    /// The ids other tools' suppression annotations use.
    pub fn suppress_equivalents(&self) -> Equivalents {
        let get = |tool: &str| {
            self.equivalents
                .iter()
                .find(|(t, _)| t == tool)
                .map(|(_, ids)| ids.clone())
                .unwrap_or_default()
        };
        Equivalents {
            kube_linter: get("kube-linter"),
            checkov: get("checkov"),
            polaris: get("polaris"),
        }
    }
}

/// Reads the first `# METADATA` block of a Rego module. Malformed metadata is an error naming
/// the file, so a typo in a shipped policy fails its tests.
pub fn parse(file: &str, rego: &str) -> Result<Meta, String> {
    let mut lines = rego.lines().skip_while(|l| l.trim() != "# METADATA");
    if lines.next().is_none() {
        return Ok(Meta::default());
    }
    let mut yaml = String::new();
    for l in lines {
        let Some(rest) = l.strip_prefix('#') else {
            break;
        };
        yaml.push_str(rest.strip_prefix(' ').unwrap_or(rest));
        yaml.push('\n');
    }
    let v = gotpl::yaml::load(&yaml).map_err(|e| format!("{file}: METADATA: {e}"))?;
    let m = v
        .as_map()
        .ok_or_else(|| format!("{file}: METADATA is not a mapping"))?;
    let s = |map: &gotpl::Map, k: &str| map.get(k).and_then(|v| v.as_str().map(str::to_string));
    let mut meta = Meta {
        title: s(m, "title"),
        description: s(m, "description"),
        ..Meta::default()
    };
    if let Some(custom) = m.get("custom").and_then(|c| c.as_map().cloned()) {
        meta.id = s(&custom, "id");
        meta.remediation = s(&custom, "remediation");
        meta.url = s(&custom, "url");
        if let Some(sev) = s(&custom, "severity") {
            meta.severity = Some(
                crate::gate::parse_severity(&sev).map_err(|e| format!("{file}: METADATA: {e}"))?,
            );
        }
        meta.security_severity = match custom.get("security-severity") {
            Some(gotpl::Value::Float(f)) => Some(f as f32),
            Some(gotpl::Value::Str(s)) => s.parse().ok(),
            _ => None,
        };
        meta.kinds = match custom.get("kinds") {
            Some(gotpl::Value::Str(s)) => vec![s.to_string()],
            Some(gotpl::Value::List(l)) => l
                .items
                .iter()
                .filter_map(|i| i.as_str().map(str::to_string))
                .collect(),
            _ => vec![],
        };
        meta.chart_scope = s(&custom, "scope").as_deref() == Some("chart");
        if let Some(eq) = custom.get("equivalents").and_then(|e| e.as_map().cloned()) {
            for (tool, ids) in eq.borrow().iter() {
                let ids: Vec<String> = match ids {
                    gotpl::Value::Str(s) => vec![s.to_string()],
                    gotpl::Value::List(l) => l
                        .items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect(),
                    _ => vec![],
                };
                meta.equivalents.push((tool.clone(), ids));
            }
        }
    }
    Ok(meta)
}

/// The `package` line's name.
pub fn package(rego: &str) -> Option<String> {
    rego.lines().find_map(|l| {
        let l = l.trim();
        l.strip_prefix("package ")
            .map(|p| p.split_whitespace().next().unwrap_or("").to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_metadata_block() {
        let rego = "# METADATA\n# title: No privileged\n# custom:\n#   id: privileged-container\n#   severity: error\n#   security-severity: 8.5\n#   equivalents:\n#     checkov: [CKV_K8S_16]\n#     kube-linter: privileged-container\npackage chartgate.privileged\n";
        let m = parse("p.rego", rego).unwrap();
        assert_eq!(m.id.as_deref(), Some("privileged-container"));
        assert_eq!(m.severity, Some(Severity::Error));
        assert_eq!(m.security_severity, Some(8.5));
        let e = m.suppress_equivalents();
        assert_eq!(e.checkov, vec!["CKV_K8S_16"]);
        assert_eq!(e.kube_linter, vec!["privileged-container"]);
        assert_eq!(package(rego).as_deref(), Some("chartgate.privileged"));
        assert!(m.kinds.is_empty() && !m.chart_scope);
        let m = parse(
            "k.rego",
            "# METADATA\n# custom:\n#   kinds: [Role, ClusterRole]\n#   scope: chart\npackage a\n",
        )
        .unwrap();
        assert_eq!(m.kinds, vec!["Role", "ClusterRole"]);
        assert!(m.chart_scope);
    }

    #[test]
    fn no_metadata_is_empty_and_bad_severity_errors() {
        assert_eq!(parse("x", "package a\n").unwrap(), Meta::default());
        assert!(parse(
            "x",
            "# METADATA\n# custom:\n#   severity: fatal\npackage a\n"
        )
        .is_err());
    }
}
