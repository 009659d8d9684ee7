# METADATA
# title: Role can create workloads
# description: >-
#   Creating pods (or workloads that create them) lets a subject run anything with any mounted
#   ServiceAccount in the namespace.
# custom:
#   id: rbac-create-pods
#   kinds: [Role, ClusterRole]
#   severity: warning
#   security-severity: 6.0
#   remediation: >-
#     Remove create/update/patch on pods and workload resources unless this is a controller.
#   equivalents:
#     kube-linter: [access-to-create-pods]
#     trivy: [KSV048]
#     kubescape: [C-0188]
package chartgate.rbac_create_pods

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	some res in k8s.iter(r.resources)
	res in {"pods", "deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs", "*"}
	some v in k8s.iter(r.verbs)
	v in {"create", "update", "patch", "*"}
	msg := sprintf("%s %q can %s %s", [input.kind, data.lib.k8s.name, v, res])
	path := ["rules", i]
}
