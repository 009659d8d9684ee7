//! Kubernetes API versions that were deprecated and then removed, per kind. Source: the
//! Kubernetes deprecated API migration guide (kubernetes.io/docs/reference/using-api/
//! deprecation-guide/, CC BY 4.0); versions are (major, minor).

/// (apiVersion, kind or "*", removed in, replacement)
pub const REMOVED: &[(&str, &str, (u32, u32), &str)] = &[
    ("extensions/v1beta1", "Deployment", (1, 16), "apps/v1"),
    ("extensions/v1beta1", "DaemonSet", (1, 16), "apps/v1"),
    ("extensions/v1beta1", "ReplicaSet", (1, 16), "apps/v1"),
    (
        "extensions/v1beta1",
        "NetworkPolicy",
        (1, 16),
        "networking.k8s.io/v1",
    ),
    (
        "extensions/v1beta1",
        "PodSecurityPolicy",
        (1, 16),
        "policy/v1beta1 (itself removed in 1.25)",
    ),
    (
        "extensions/v1beta1",
        "Ingress",
        (1, 22),
        "networking.k8s.io/v1",
    ),
    ("apps/v1beta1", "*", (1, 16), "apps/v1"),
    ("apps/v1beta2", "*", (1, 16), "apps/v1"),
    (
        "networking.k8s.io/v1beta1",
        "Ingress",
        (1, 22),
        "networking.k8s.io/v1",
    ),
    (
        "networking.k8s.io/v1beta1",
        "IngressClass",
        (1, 22),
        "networking.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1beta1",
        "*",
        (1, 22),
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "rbac.authorization.k8s.io/v1alpha1",
        "*",
        (1, 22),
        "rbac.authorization.k8s.io/v1",
    ),
    (
        "apiextensions.k8s.io/v1beta1",
        "CustomResourceDefinition",
        (1, 22),
        "apiextensions.k8s.io/v1",
    ),
    (
        "admissionregistration.k8s.io/v1beta1",
        "*",
        (1, 22),
        "admissionregistration.k8s.io/v1",
    ),
    (
        "apiregistration.k8s.io/v1beta1",
        "APIService",
        (1, 22),
        "apiregistration.k8s.io/v1",
    ),
    (
        "authentication.k8s.io/v1beta1",
        "TokenReview",
        (1, 22),
        "authentication.k8s.io/v1",
    ),
    (
        "authorization.k8s.io/v1beta1",
        "*",
        (1, 22),
        "authorization.k8s.io/v1",
    ),
    (
        "certificates.k8s.io/v1beta1",
        "CertificateSigningRequest",
        (1, 22),
        "certificates.k8s.io/v1",
    ),
    (
        "coordination.k8s.io/v1beta1",
        "Lease",
        (1, 22),
        "coordination.k8s.io/v1",
    ),
    (
        "scheduling.k8s.io/v1beta1",
        "PriorityClass",
        (1, 22),
        "scheduling.k8s.io/v1",
    ),
    (
        "scheduling.k8s.io/v1alpha1",
        "PriorityClass",
        (1, 22),
        "scheduling.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSIDriver",
        (1, 22),
        "storage.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSINode",
        (1, 22),
        "storage.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "StorageClass",
        (1, 22),
        "storage.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "VolumeAttachment",
        (1, 22),
        "storage.k8s.io/v1",
    ),
    (
        "storage.k8s.io/v1beta1",
        "CSIStorageCapacity",
        (1, 27),
        "storage.k8s.io/v1",
    ),
    ("batch/v1beta1", "CronJob", (1, 25), "batch/v1"),
    (
        "discovery.k8s.io/v1beta1",
        "EndpointSlice",
        (1, 25),
        "discovery.k8s.io/v1",
    ),
    (
        "events.k8s.io/v1beta1",
        "Event",
        (1, 25),
        "events.k8s.io/v1",
    ),
    (
        "autoscaling/v2beta1",
        "HorizontalPodAutoscaler",
        (1, 25),
        "autoscaling/v2",
    ),
    (
        "autoscaling/v2beta2",
        "HorizontalPodAutoscaler",
        (1, 26),
        "autoscaling/v2",
    ),
    (
        "policy/v1beta1",
        "PodDisruptionBudget",
        (1, 25),
        "policy/v1",
    ),
    (
        "policy/v1beta1",
        "PodSecurityPolicy",
        (1, 25),
        "Pod Security Admission",
    ),
    (
        "node.k8s.io/v1beta1",
        "RuntimeClass",
        (1, 25),
        "node.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta1",
        "*",
        (1, 26),
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta2",
        "*",
        (1, 29),
        "flowcontrol.apiserver.k8s.io/v1",
    ),
    (
        "flowcontrol.apiserver.k8s.io/v1beta3",
        "*",
        (1, 32),
        "flowcontrol.apiserver.k8s.io/v1",
    ),
];

/// (removed in, replacement) when `api_version`/`kind` is removed at or before `target`, or
/// deprecated (removal still ahead) when `deprecated_too`.
pub fn lookup(api_version: &str, kind: &str) -> Option<((u32, u32), &'static str)> {
    REMOVED
        .iter()
        .find(|(a, k, _, _)| *a == api_version && (*k == "*" || *k == kind))
        .map(|(_, _, v, r)| (*v, *r))
}

/// "1.30", "v1.30.2", "1.30.0-gke.1" → (1, 30).
pub fn parse_version(s: &str) -> Option<(u32, u32)> {
    let s = s.trim().trim_start_matches('v');
    let mut it = s.split('.');
    let major = it.next()?.parse().ok()?;
    let minor: String = it
        .next()?
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    Some((major, minor.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_removed_apis() {
        assert_eq!(lookup("batch/v1beta1", "CronJob").unwrap().0, (1, 25));
        assert_eq!(lookup("apps/v1beta2", "Deployment").unwrap().1, "apps/v1");
        assert!(lookup("apps/v1", "Deployment").is_none());
        assert!(lookup("extensions/v1beta1", "Unknown").is_none());
        assert_eq!(parse_version("v1.30.2"), Some((1, 30)));
        assert_eq!(parse_version("1.27+"), Some((1, 27)));
        assert_eq!(parse_version("x"), None);
    }
}
