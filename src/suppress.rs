//! Suppressions written on the objects themselves: our `chartgate.io/ignore` annotation and the
//! annotations users already have for kube-linter, checkov and polaris, mapped through each
//! rule's equivalent ids in those tools.

use crate::finding::Suppression;
use std::collections::BTreeMap;

/// A rule's ids in other tools, from the policy metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Equivalents {
    pub kube_linter: Vec<String>,
    pub checkov: Vec<String>,
    pub polaris: Vec<String>,
}

/// Our annotation: a comma-separated list of rule ids (or `*` for all).
pub const IGNORE: &str = "chartgate.io/ignore";
/// Why the rules are ignored; shown as the SARIF suppression's justification.
pub const IGNORE_REASON: &str = "chartgate.io/ignore-reason";

/// Decides whether `rule` is suppressed on an object with these `annotations`.
pub fn check(
    rule: &str,
    eq: &Equivalents,
    annotations: &BTreeMap<String, String>,
) -> Option<Suppression> {
    let hit = |justification: Option<String>| {
        Some(Suppression {
            kind: "annotation".into(),
            justification,
        })
    };
    if let Some(list) = annotations.get(IGNORE) {
        // Secret findings may be listed by their short id or with the `secrets/` prefix.
        let short = rule.rsplit('/').next().unwrap_or(rule);
        if list
            .split(',')
            .map(str::trim)
            .any(|r| r == "*" || r == rule || r == short)
        {
            return hit(Some(
                annotations
                    .get(IGNORE_REASON)
                    .cloned()
                    .unwrap_or_else(|| format!("{IGNORE} annotation")),
            ));
        }
    }
    for id in &eq.kube_linter {
        let key = format!("ignore-check.kube-linter.io/{id}");
        if let Some(reason) = annotations.get(&key) {
            return hit(Some(if reason.is_empty() {
                key
            } else {
                reason.clone()
            }));
        }
    }
    // checkov: `checkov.io/skip1: CKV_K8S_20=reason` (any key with the skip prefix).
    for (k, v) in annotations {
        if !k.starts_with("checkov.io/skip") {
            continue;
        }
        let (id, reason) = match v.split_once('=') {
            Some((id, r)) => (id.trim(), r.trim()),
            None => (v.trim(), ""),
        };
        if eq.checkov.iter().any(|c| c == id) {
            return hit(Some(if reason.is_empty() {
                format!("{k}: {id}")
            } else {
                reason.to_string()
            }));
        }
    }
    for id in &eq.polaris {
        let key = format!("polaris.fairwinds.com/{id}-exempt");
        if annotations.get(&key).is_some_and(|v| v == "true") {
            return hit(Some(key));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ann(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn eq() -> Equivalents {
        Equivalents {
            kube_linter: vec!["run-as-non-root".into()],
            checkov: vec!["CKV_K8S_23".into()],
            polaris: vec!["runAsRootAllowed".into()],
        }
    }

    #[test]
    fn our_annotation_with_reason() {
        let a = ann(&[
            (IGNORE, "other, run-as-non-root"),
            (IGNORE_REASON, "legacy image"),
        ]);
        let s = check("run-as-non-root", &Equivalents::default(), &a).unwrap();
        assert_eq!(s.justification.as_deref(), Some("legacy image"));
        assert!(check("privileged", &Equivalents::default(), &a).is_none());
    }

    #[test]
    fn secrets_by_short_id_and_wildcard() {
        let a = ann(&[(IGNORE, "aws-access-key-id")]);
        assert!(check("secrets/aws-access-key-id", &Equivalents::default(), &a).is_some());
        assert!(check("x", &Equivalents::default(), &ann(&[(IGNORE, "*")])).is_some());
    }

    #[test]
    fn peer_annotations_map_through_equivalents() {
        let e = eq();
        assert!(check(
            "r",
            &e,
            &ann(&[("ignore-check.kube-linter.io/run-as-non-root", "ok")])
        )
        .is_some());
        let c = check(
            "r",
            &e,
            &ann(&[("checkov.io/skip3", "CKV_K8S_23=runs as root by design")]),
        )
        .unwrap();
        assert_eq!(c.justification.as_deref(), Some("runs as root by design"));
        assert!(check("r", &e, &ann(&[("checkov.io/skip1", "CKV_K8S_99=x")])).is_none());
        assert!(check(
            "r",
            &e,
            &ann(&[("polaris.fairwinds.com/runAsRootAllowed-exempt", "true")])
        )
        .is_some());
        assert!(check(
            "r",
            &e,
            &ann(&[("polaris.fairwinds.com/runAsRootAllowed-exempt", "false")])
        )
        .is_none());
    }
}
