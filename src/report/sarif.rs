//! SARIF 2.1.0 for GitHub code scanning: one run per scanned target, so each chart has its own
//! `automationDetails.id` and repeated uploads don't overwrite each other's alerts.

use super::{sorted, ReportMeta};
use crate::finding::{Finding, Location as Loc, RuleDoc, Severity};
use serde_json::json;
use serde_sarif::sarif;
use std::collections::BTreeMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
const INFO_URI: &str = "https://github.com/chartgate/chartgate";
/// The rule reference (docs/rules.md, generated from the rule registry).
const RULES_DOC: &str = "https://github.com/chartgate/chartgate/blob/main/docs/rules.md";

fn level(s: Severity) -> sarif::ResultLevel {
    match s {
        Severity::Error => sarif::ResultLevel::Error,
        Severity::Warning => sarif::ResultLevel::Warning,
        Severity::Info => sarif::ResultLevel::Note,
    }
}

fn location(l: &Loc, message: Option<&str>) -> sarif::Location {
    let mut region = sarif::Region::builder().build();
    region.start_line = l.line.map(i64::from);
    region.start_column = l.column.map(i64::from);
    region.end_line = l.end_line.map(i64::from);
    region.end_column = l.end_column.map(i64::from);
    let artifact = sarif::ArtifactLocation::builder()
        .uri(l.path.clone())
        .uri_base_id("%SRCROOT%")
        .build();
    let mut phys = sarif::PhysicalLocation::builder()
        .artifact_location(artifact)
        .build();
    if l.line.is_some() {
        phys.region = Some(region);
    }
    let mut loc = sarif::Location::builder().physical_location(phys).build();
    if let Some(m) = message {
        loc.message = Some(sarif::Message::builder().text(m).build());
    }
    loc
}

fn rule(r: &RuleDoc) -> sarif::ReportingDescriptor {
    let mut props = BTreeMap::new();
    if let Some(s) = r.security_severity {
        props.insert("security-severity".into(), json!(format!("{s:.1}")));
    }
    // Our rules match on exact structure or validated patterns; secret rules are heuristics.
    let precision = if r.id.starts_with("secrets/") {
        "high"
    } else {
        "very-high"
    };
    props.insert("precision".into(), json!(precision));
    props.insert("problem.severity".into(), json!(r.severity.to_string()));
    let mut tags = r.tags.clone();
    tags.push(r.stage.to_string());
    if r.security_severity.is_some() && !tags.iter().any(|t| t == "security") {
        tags.push("security".into());
    }
    let bag = sarif::PropertyBag::builder()
        .tags(tags)
        .additional_properties(props)
        .build();
    let mut d = sarif::ReportingDescriptor::builder()
        .id(r.id.clone())
        .name(r.id.replace(['/', '-', '.'], "_"))
        .short_description(
            sarif::MultiformatMessageString::builder()
                .text(r.title.clone())
                .build(),
        )
        .full_description(
            sarif::MultiformatMessageString::builder()
                .text(r.title.clone())
                .build(),
        )
        .help(
            sarif::MultiformatMessageString::builder()
                .text(r.help.clone())
                .markdown(r.help.clone())
                .build(),
        )
        .properties(bag)
        .build();
    // Every rule gets a helpUri: its own documentation URL, else its entry in the reference.
    d.help_uri = Some(
        r.url
            .clone()
            .unwrap_or_else(|| format!("{RULES_DOC}#{}", crate::finding::doc_anchor(&r.id))),
    );
    d.default_configuration = Some(
        sarif::ReportingConfiguration::builder()
            .level(json!(match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "note",
            }))
            .build(),
    );
    d
}

/// A rule doc for a finding whose rule is not in the registry (e.g. a user policy).
fn doc_from(f: &Finding) -> RuleDoc {
    RuleDoc {
        id: f.rule.clone(),
        stage: f.stage,
        severity: f.severity,
        title: f.rule.clone(),
        help: f.help.clone(),
        url: f.url.clone(),
        tags: vec![],
        security_severity: f.security_severity,
    }
}

fn result(f: &Finding, rule_index: usize) -> sarif::Result {
    let mut r = sarif::Result::builder()
        .message(sarif::Message::builder().text(f.message.clone()).build())
        .build();
    r.rule_id = Some(f.rule.clone());
    r.rule_index = Some(rule_index as i64);
    r.level = Some(level(f.severity));
    if let Some(l) = &f.location {
        r.locations = Some(vec![location(l, None)]);
    }
    if !f.related.is_empty() {
        r.related_locations = Some(
            f.related
                .iter()
                .enumerate()
                .map(|(i, rel)| {
                    let mut l = location(&rel.location, Some(&rel.label));
                    l.id = Some(i as i64);
                    l
                })
                .collect(),
        );
    }
    let mut fp = BTreeMap::new();
    fp.insert("chartgate/v1".to_string(), f.fingerprint.clone());
    r.partial_fingerprints = Some(fp);
    if let Some(s) = &f.suppressed {
        let kind = if s.kind == "annotation" {
            "inSource"
        } else {
            "external"
        };
        let mut sup = sarif::Suppression::builder().kind(json!(kind)).build();
        sup.justification = s.justification.clone().or_else(|| Some(s.kind.clone()));
        sup.status = Some(json!("accepted"));
        r.suppressions = Some(vec![sup]);
    }
    if let Some(o) = &f.object {
        let mut props = BTreeMap::new();
        props.insert("object".to_string(), json!(o));
        r.properties = Some(
            sarif::PropertyBag::builder()
                .additional_properties(props)
                .build(),
        );
    }
    r
}

pub fn render(
    findings: &[Finding],
    rules: &[RuleDoc],
    meta: &ReportMeta,
) -> Result<String, String> {
    // Targets with their findings; findings of no known target go to a run of their own.
    let mut groups: Vec<(String, Vec<&Finding>)> =
        meta.targets.iter().map(|t| (t.clone(), vec![])).collect();
    for f in sorted(findings) {
        let key = f.chart.clone().unwrap_or_default();
        match groups.iter_mut().find(|(t, _)| *t == key) {
            Some((_, v)) => v.push(f),
            None => groups.push((key, vec![f])),
        }
    }
    if groups.is_empty() {
        groups.push((String::new(), vec![]));
    }
    let mut runs = Vec::new();
    for (target, fs) in groups {
        let mut docs: Vec<RuleDoc> = Vec::new();
        for f in &fs {
            if !docs.iter().any(|d| d.id == f.rule) {
                docs.push(
                    rules
                        .iter()
                        .find(|r| r.id == f.rule)
                        .cloned()
                        .unwrap_or_else(|| doc_from(f)),
                );
            }
        }
        docs.sort_by(|a, b| a.id.cmp(&b.id));
        let results: Vec<sarif::Result> = fs
            .iter()
            .map(|f| {
                let idx = docs.iter().position(|d| d.id == f.rule).unwrap_or(0);
                result(f, idx)
            })
            .collect();
        let driver = sarif::ToolComponent::builder()
            .name("chartgate")
            .version(meta.tool_version.clone())
            .semantic_version(meta.tool_version.clone())
            .information_uri(INFO_URI)
            .rules(docs.iter().map(rule).collect::<Vec<_>>())
            .build();
        let tool = sarif::Tool::builder().driver(driver).build();
        let id = if target.is_empty() {
            "chartgate/".to_string()
        } else {
            format!("chartgate/{}/", target.trim_end_matches('/'))
        };
        let mut run = sarif::Run::builder()
            .tool(tool)
            .results(results)
            .automation_details(sarif::RunAutomationDetails::builder().id(id).build())
            .build();
        // GitHub resolves relative URIs against the repository; name the root only when known.
        let root = meta.root.to_string_lossy().replace('\\', "/");
        if root.starts_with('/') {
            let mut bases = BTreeMap::new();
            let uri = format!("file://{}/", root.trim_end_matches('/'));
            bases.insert(
                "%SRCROOT%".to_string(),
                sarif::ArtifactLocation::builder().uri(uri).build(),
            );
            run.original_uri_base_ids = Some(bases);
        }
        run.column_kind = Some(json!("unicodeCodePoints"));
        runs.push(run);
    }
    let log = sarif::Sarif::builder()
        .schema(SCHEMA)
        .version(json!("2.1.0"))
        .runs(runs)
        .build();
    serde_json::to_string_pretty(&log)
        .map(|s| s + "\n")
        .map_err(|e| e.to_string())
}
