# METADATA
# title: API version removed from Kubernetes
# description: >-
#   The object uses an apiVersion that current Kubernetes releases no longer serve, so the API
#   server rejects it at install (or on upgrade of the cluster).
# custom:
#   id: deprecated-api
#   severity: error
#   remediation: >-
#     Move the object to the stable apiVersion named in the message and adjust fields that
#     changed with it.
#   equivalents:
#     kube-linter: [no-extensions-v1beta]
#     trivy: [KSV107]
#     kubescape: [C-0273]
#     kube-score: [stable-version]
package chartgate.deprecated_api

import rego.v1

import data.lib.k8s

removed := [
	{"api": "extensions/v1beta1", "kind": "*", "removed": "1.16/1.22", "use": "apps/v1, networking.k8s.io/v1 or policy/v1"},
	{"api": "apps/v1beta1", "kind": "*", "removed": "1.16", "use": "apps/v1"},
	{"api": "apps/v1beta2", "kind": "*", "removed": "1.16", "use": "apps/v1"},
	{"api": "policy/v1beta1", "kind": "PodDisruptionBudget", "removed": "1.25", "use": "policy/v1"},
	{"api": "policy/v1beta1", "kind": "PodSecurityPolicy", "removed": "1.25", "use": "Pod Security Admission"},
	{"api": "batch/v1beta1", "kind": "CronJob", "removed": "1.25", "use": "batch/v1"},
	{"api": "batch/v2alpha1", "kind": "*", "removed": "1.21", "use": "batch/v1"},
	{"api": "autoscaling/v2beta1", "kind": "HorizontalPodAutoscaler", "removed": "1.25", "use": "autoscaling/v2"},
	{"api": "autoscaling/v2beta2", "kind": "HorizontalPodAutoscaler", "removed": "1.26", "use": "autoscaling/v2"},
	{"api": "networking.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "networking.k8s.io/v1"},
	{"api": "rbac.authorization.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "rbac.authorization.k8s.io/v1"},
	{"api": "rbac.authorization.k8s.io/v1alpha1", "kind": "*", "removed": "1.22", "use": "rbac.authorization.k8s.io/v1"},
	{"api": "apiextensions.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "apiextensions.k8s.io/v1"},
	{"api": "admissionregistration.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "admissionregistration.k8s.io/v1"},
	{"api": "scheduling.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "scheduling.k8s.io/v1"},
	{"api": "scheduling.k8s.io/v1alpha1", "kind": "*", "removed": "1.17", "use": "scheduling.k8s.io/v1"},
	{"api": "coordination.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "coordination.k8s.io/v1"},
	{"api": "certificates.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "certificates.k8s.io/v1"},
	{"api": "storage.k8s.io/v1beta1", "kind": "CSIDriver", "removed": "1.22", "use": "storage.k8s.io/v1"},
	{"api": "storage.k8s.io/v1beta1", "kind": "CSINode", "removed": "1.22", "use": "storage.k8s.io/v1"},
	{"api": "storage.k8s.io/v1beta1", "kind": "StorageClass", "removed": "1.22", "use": "storage.k8s.io/v1"},
	{"api": "storage.k8s.io/v1beta1", "kind": "VolumeAttachment", "removed": "1.22", "use": "storage.k8s.io/v1"},
	{"api": "storage.k8s.io/v1beta1", "kind": "CSIStorageCapacity", "removed": "1.27", "use": "storage.k8s.io/v1"},
	{"api": "discovery.k8s.io/v1beta1", "kind": "EndpointSlice", "removed": "1.25", "use": "discovery.k8s.io/v1"},
	{"api": "events.k8s.io/v1beta1", "kind": "Event", "removed": "1.25", "use": "events.k8s.io/v1"},
	{"api": "node.k8s.io/v1beta1", "kind": "RuntimeClass", "removed": "1.25", "use": "node.k8s.io/v1"},
	{"api": "flowcontrol.apiserver.k8s.io/v1beta1", "kind": "*", "removed": "1.26", "use": "flowcontrol.apiserver.k8s.io/v1"},
	{"api": "flowcontrol.apiserver.k8s.io/v1beta2", "kind": "*", "removed": "1.29", "use": "flowcontrol.apiserver.k8s.io/v1"},
	{"api": "flowcontrol.apiserver.k8s.io/v1beta3", "kind": "*", "removed": "1.32", "use": "flowcontrol.apiserver.k8s.io/v1"},
	{"api": "authentication.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "authentication.k8s.io/v1"},
	{"api": "authorization.k8s.io/v1beta1", "kind": "*", "removed": "1.22", "use": "authorization.k8s.io/v1"},
]

deny contains {"msg": msg, "path": path} if {
	some r in removed
	input.apiVersion == r.api
	r.kind in {"*", input.kind}
	msg := sprintf("%s %s %q: %s was removed in Kubernetes %s; use %s", [input.apiVersion, input.kind, data.lib.k8s.name, r.api, r.removed, r.use])
	path := ["apiVersion"]
}
