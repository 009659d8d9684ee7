//! Readiness of an applied object from its live state, as `helm --wait` judges it (helm v4's
//! kstatus-based waiter): workloads when the controller has observed the latest generation
//! and the rollout is complete, Jobs when complete (failed is final), Pods when ready (or
//! succeeded), PVCs when bound, LoadBalancer Services when they have an ingress; every other
//! kind is ready as soon as it exists.

use serde_json::Value as Json;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Readiness {
    Ready,
    /// Not yet, with the reason.
    Pending(String),
    /// Will not become ready (failed Job or Pod, deadline exceeded).
    Failed(String),
}

fn int(v: &Json, path: &[&str]) -> Option<i64> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_i64()
}

fn string<'a>(v: &'a Json, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for p in path {
        cur = cur.get(p)?;
    }
    cur.as_str()
}

/// The condition of `type_` in `status.conditions`, as (status, reason, message).
fn condition<'a>(obj: &'a Json, type_: &str) -> Option<(&'a str, &'a str, &'a str)> {
    obj.get("status")?
        .get("conditions")?
        .as_array()?
        .iter()
        .find(|c| c.get("type").and_then(Json::as_str) == Some(type_))
        .map(|c| {
            let s = |k: &str| c.get(k).and_then(Json::as_str).unwrap_or("");
            (s("status"), s("reason"), s("message"))
        })
}

/// The controller has seen the current spec.
fn observed(obj: &Json) -> Option<Readiness> {
    let generation = int(obj, &["metadata", "generation"]).unwrap_or(0);
    let observed = int(obj, &["status", "observedGeneration"]).unwrap_or(0);
    (observed < generation)
        .then(|| Readiness::Pending(format!("observed generation {observed} of {generation}")))
}

fn want(name: &str, have: i64, need: i64) -> Option<Readiness> {
    (have < need).then(|| Readiness::Pending(format!("{name} {have}/{need}")))
}

pub fn check(obj: &Json) -> Readiness {
    let kind = string(obj, &["kind"]).unwrap_or("");
    let status = |path: &str| int(obj, &["status", path]).unwrap_or(0);
    match kind {
        "Deployment" => {
            if let Some(r) = observed(obj) {
                return r;
            }
            if let Some((_, "ProgressDeadlineExceeded", msg)) = condition(obj, "Progressing") {
                return Readiness::Failed(format!("progress deadline exceeded: {msg}"));
            }
            let replicas = int(obj, &["spec", "replicas"]).unwrap_or(1);
            want("updated replicas", status("updatedReplicas"), replicas)
                .or_else(|| want("ready replicas", status("readyReplicas"), replicas))
                .or_else(|| want("available replicas", status("availableReplicas"), replicas))
                .or_else(|| {
                    (status("replicas") > replicas).then(|| {
                        Readiness::Pending(format!(
                            "{} old replicas pending termination",
                            status("replicas") - replicas
                        ))
                    })
                })
                .unwrap_or(Readiness::Ready)
        }
        "StatefulSet" => {
            if let Some(r) = observed(obj) {
                return r;
            }
            let replicas = int(obj, &["spec", "replicas"]).unwrap_or(1);
            if string(obj, &["spec", "updateStrategy", "type"]) == Some("OnDelete") {
                return want("ready replicas", status("readyReplicas"), replicas)
                    .unwrap_or(Readiness::Ready);
            }
            let partition = int(
                obj,
                &["spec", "updateStrategy", "rollingUpdate", "partition"],
            )
            .unwrap_or(0);
            if let Some(r) =
                want("ready replicas", status("readyReplicas"), replicas).or_else(|| {
                    want(
                        "updated replicas",
                        status("updatedReplicas"),
                        replicas - partition,
                    )
                })
            {
                return r;
            }
            let current = string(obj, &["status", "currentRevision"]).unwrap_or("");
            let update = string(obj, &["status", "updateRevision"]).unwrap_or("");
            if partition == 0 && current != update {
                return Readiness::Pending(format!("revision {current} not yet {update}"));
            }
            Readiness::Ready
        }
        "DaemonSet" => {
            if let Some(r) = observed(obj) {
                return r;
            }
            let desired = status("desiredNumberScheduled");
            want("scheduled", status("currentNumberScheduled"), desired)
                .or_else(|| want("updated", status("updatedNumberScheduled"), desired))
                .or_else(|| want("available", status("numberAvailable"), desired))
                .or_else(|| want("ready", status("numberReady"), desired))
                .unwrap_or(Readiness::Ready)
        }
        "Job" => {
            if let Some(("True", reason, msg)) = condition(obj, "Failed") {
                return Readiness::Failed(format!("job failed: {reason} {msg}").trim().into());
            }
            match condition(obj, "Complete") {
                Some(("True", _, _)) => Readiness::Ready,
                _ => Readiness::Pending("job not complete".into()),
            }
        }
        "Pod" => match string(obj, &["status", "phase"]) {
            Some("Succeeded") => Readiness::Ready,
            Some("Failed") => Readiness::Failed(format!(
                "pod failed: {}",
                string(obj, &["status", "reason"]).unwrap_or("")
            )),
            _ => match condition(obj, "Ready") {
                Some(("True", _, _)) => Readiness::Ready,
                _ => Readiness::Pending("pod not ready".into()),
            },
        },
        "PersistentVolumeClaim" => match string(obj, &["status", "phase"]) {
            Some("Bound") => Readiness::Ready,
            Some("Lost") => Readiness::Failed("claim lost".into()),
            p => Readiness::Pending(format!("claim {}", p.unwrap_or("not bound"))),
        },
        "Service" => {
            if string(obj, &["spec", "type"]) != Some("LoadBalancer") {
                return Readiness::Ready;
            }
            let has_ingress = obj
                .get("status")
                .and_then(|s| s.get("loadBalancer"))
                .and_then(|l| l.get("ingress"))
                .and_then(Json::as_array)
                .is_some_and(|a| !a.is_empty());
            if has_ingress {
                Readiness::Ready
            } else {
                Readiness::Pending("load balancer has no ingress".into())
            }
        }
        _ => Readiness::Ready,
    }
}

/// Hooks are waited for even without `--wait`: Jobs and Pods until they finish (a running Pod
/// hook is not done), everything else at once.
pub fn hook_done(obj: &Json) -> Readiness {
    match string(obj, &["kind"]) {
        Some("Pod") => match string(obj, &["status", "phase"]) {
            Some("Succeeded") => Readiness::Ready,
            Some("Failed") => Readiness::Failed("pod hook failed".into()),
            p => Readiness::Pending(format!("pod {}", p.unwrap_or("pending"))),
        },
        Some("Job") => check(obj),
        _ => Readiness::Ready,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn deployments() {
        let mut d = json!({"kind": "Deployment", "metadata": {"generation": 2},
            "spec": {"replicas": 2},
            "status": {"observedGeneration": 1, "replicas": 2, "updatedReplicas": 2, "readyReplicas": 2, "availableReplicas": 2}});
        assert!(matches!(check(&d), Readiness::Pending(m) if m.contains("generation")));
        d["status"]["observedGeneration"] = json!(2);
        assert_eq!(check(&d), Readiness::Ready);
        d["status"]["availableReplicas"] = json!(1);
        assert_eq!(
            check(&d),
            Readiness::Pending("available replicas 1/2".into())
        );
        d["status"]["conditions"] = json!([{"type": "Progressing", "status": "False", "reason": "ProgressDeadlineExceeded", "message": "too slow"}]);
        assert!(matches!(check(&d), Readiness::Failed(_)));
        // Default replicas is 1; an empty status is not ready.
        let d = json!({"kind": "Deployment", "metadata": {"generation": 1}, "status": {"observedGeneration": 1}});
        assert!(matches!(check(&d), Readiness::Pending(_)));
    }

    #[test]
    fn statefulsets_and_daemonsets() {
        let s = json!({"kind": "StatefulSet", "metadata": {"generation": 1}, "spec": {"replicas": 1},
            "status": {"observedGeneration": 1, "readyReplicas": 1, "updatedReplicas": 1, "currentRevision": "a", "updateRevision": "b"}});
        assert!(matches!(check(&s), Readiness::Pending(_)));
        let mut s2 = s.clone();
        s2["status"]["currentRevision"] = json!("b");
        assert_eq!(check(&s2), Readiness::Ready);
        let ds = json!({"kind": "DaemonSet", "metadata": {"generation": 1},
            "status": {"observedGeneration": 1, "desiredNumberScheduled": 3, "currentNumberScheduled": 3, "updatedNumberScheduled": 3, "numberAvailable": 3, "numberReady": 2}});
        assert_eq!(check(&ds), Readiness::Pending("ready 2/3".into()));
    }

    #[test]
    fn jobs_pods_claims_services() {
        let j = json!({"kind": "Job", "status": {"conditions": [{"type": "Complete", "status": "True"}]}});
        assert_eq!(check(&j), Readiness::Ready);
        let j = json!({"kind": "Job", "status": {"conditions": [{"type": "Failed", "status": "True", "reason": "BackoffLimitExceeded"}]}});
        assert_eq!(
            check(&j),
            Readiness::Failed("job failed: BackoffLimitExceeded".into())
        );
        let p = json!({"kind": "Pod", "status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}});
        assert_eq!(check(&p), Readiness::Ready);
        assert!(matches!(hook_done(&p), Readiness::Pending(_)));
        let c = json!({"kind": "PersistentVolumeClaim", "status": {"phase": "Pending"}});
        assert!(matches!(check(&c), Readiness::Pending(_)));
        let svc = json!({"kind": "Service", "spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {}}});
        assert!(matches!(check(&svc), Readiness::Pending(_)));
        let svc = json!({"kind": "Service", "spec": {"type": "LoadBalancer"}, "status": {"loadBalancer": {"ingress": [{"ip": "1.2.3.4"}]}}});
        assert_eq!(check(&svc), Readiness::Ready);
        assert_eq!(check(&json!({"kind": "ConfigMap"})), Readiness::Ready);
        assert_eq!(
            check(&json!({"kind": "Service", "spec": {"type": "ClusterIP"}})),
            Readiness::Ready
        );
    }
}
