//! The SARIF report validates against the official SARIF 2.1.0 schema (../shared/schemas).

use chartgate::finding::*;
use chartgate::report::{render, Format, ReportMeta, TextOptions};
use std::path::Path;

fn schema() -> Option<serde_json::Value> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/schemas/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(p).ok()?;
    // The official schema has a pattern the regex engine rejects (an unescaped `]`); escape it
    // here in memory, never in the shared file.
    let text = text.replace(
        r#"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"#,
        r#"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$"#,
    );
    Some(serde_json::from_str(&text).expect("schema is JSON"))
}

fn sample() -> Vec<Finding> {
    let loc = |p: &str, l| Location {
        path: p.into(),
        line: Some(l),
        column: Some(5),
        end_line: Some(l),
        end_column: Some(20),
    };
    vec![
        Finding {
            rule: "run-as-non-root".into(),
            stage: Stage::Policy,
            severity: Severity::Error,
            security_severity: Some(8.0),
            message: "container web runs as root".into(),
            help: "Set `runAsNonRoot: true`.".into(),
            url: Some(
                "https://kubernetes.io/docs/concepts/security/pod-security-standards/".into(),
            ),
            location: Some(loc("charts/web/templates/deployment.yaml", 12)),
            related: vec![Related {
                label: "value set here".into(),
                location: loc("charts/web/values.yaml", 3),
            }],
            object: Some(ObjectRef {
                api_version: "apps/v1".into(),
                kind: "Deployment".into(),
                name: "rel-web".into(),
                namespace: None,
            }),
            chart: Some("charts/web".into()),
            fingerprint: fingerprint(&["run-as-non-root", "Deployment/rel-web"]),
            suppressed: None,
        },
        Finding {
            rule: "secrets/aws-access-key-id".into(),
            stage: Stage::Secrets,
            severity: Severity::Warning,
            security_severity: None,
            message: "AWS access key AKIA…(20 chars)".into(),
            help: "Move it to a Secret reference.".into(),
            url: None,
            location: Some(loc("charts/db/values.yaml", 7)),
            related: vec![],
            object: None,
            chart: Some("charts/db".into()),
            fingerprint: fingerprint(&["secrets/aws-access-key-id", "charts/db/values.yaml"]),
            suppressed: Some(Suppression {
                kind: "annotation".into(),
                justification: Some("test fixture".into()),
            }),
        },
    ]
}

#[test]
fn sarif_is_schema_valid_with_runs_per_chart() {
    let Some(schema) = schema() else {
        eprintln!("../shared/schemas missing: skipped");
        return;
    };
    let meta = ReportMeta {
        tool_version: "0.1.0".into(),
        root: "/repo".into(),
        targets: vec!["charts/web".into(), "charts/db".into()],
        fail_on: Severity::Error,
    };
    let out = render(
        Format::Sarif,
        &sample(),
        &[],
        &meta,
        &TextOptions::default(),
    )
    .unwrap();
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let validator = jsonschema::options()
        .should_validate_formats(false)
        .build(&schema)
        .expect("schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    // The validator is not vacuous: a log of the wrong version is rejected.
    assert!(!validator.is_valid(&serde_json::json!({"version": "2.0.0", "runs": []})));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0]["automationDetails"]["id"], "chartgate/charts/web/");
    let r0 = &runs[0]["results"][0];
    assert_eq!(r0["ruleId"], "run-as-non-root");
    assert_eq!(r0["ruleIndex"], 0);
    assert_eq!(
        r0["locations"][0]["physicalLocation"]["region"]["startLine"],
        12
    );
    assert_eq!(
        runs[0]["tool"]["driver"]["rules"][0]["properties"]["security-severity"],
        "8.0"
    );
    assert!(r0["partialFingerprints"]["chartgate/v1"].is_string());
    let rule0 = &runs[0]["tool"]["driver"]["rules"][0];
    assert!(rule0["helpUri"]
        .as_str()
        .unwrap()
        .starts_with("https://kubernetes.io/"));
    assert!(runs[1]["tool"]["driver"]["rules"][0]["helpUri"]
        .as_str()
        .unwrap()
        .ends_with("docs/rules.md#secrets-aws-access-key-id"));
    assert_eq!(runs[1]["results"][0]["suppressions"][0]["kind"], "inSource");
}
