# METADATA
# title: Role can bind or escalate roles
# description: >-
#   The bind and escalate verbs on roles and cluster roles let a subject grant itself
#   permissions it does not have, up to cluster-admin.
# custom:
#   id: rbac-bind-escalate
#   kinds: [Role, ClusterRole]
#   severity: error
#   security-severity: 9.0
#   remediation: >-
#     Remove `bind` and `escalate` (and `*` verbs) on roles/clusterroles.
#   equivalents:
#     checkov: [CKV_K8S_157, CKV_K8S_158, CKV2_K8S_1]
#     trivy: [KSV050, KSV051, KSV052, KSV055]
#     kubescape: [C-0191]
package chartgate.rbac_bind_escalate

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	some g in groups(r)
	g in {"rbac.authorization.k8s.io", "*"}
	some res in resources(r)
	res in {"roles", "clusterroles", "*"}
	some v in verbs(r)
	v in {"bind", "escalate"}
	msg := sprintf("%s %q rule %d allows binding or escalating roles", [input.kind, data.lib.k8s.name, i])
	path := ["rules", i]
}

verbs(r) := {v | some v in k8s.iter(r.verbs)}

resources(r) := {x | some x in k8s.iter(r.resources)}

groups(r) := {g | some g in k8s.iter(r.apiGroups)}
