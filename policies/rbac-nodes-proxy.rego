# METADATA
# title: Role can reach the kubelet API through nodes/proxy
# description: >-
#   nodes/proxy reaches the kubelet API of every node, which can run commands in any pod on it
#   and bypasses API-server audit and admission.
# custom:
#   id: rbac-nodes-proxy
#   kinds: [Role, ClusterRole]
#   severity: error
#   security-severity: 8.5
#   remediation: >-
#     Remove `nodes/proxy` from the role; monitoring agents need `nodes/metrics` or
#     `nodes/stats` instead.
#   equivalents:
#     checkov: [CKV2_K8S_2]
#     trivy: [KSV047]
#     kubescape: [C-0279]
package chartgate.rbac_nodes_proxy

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	some res in resources(r)
	res in {"nodes/proxy", "nodes/*"}
	count(verbs(r)) > 0
	msg := sprintf("%s %q rule %d grants access to nodes/proxy", [input.kind, data.lib.k8s.name, i])
	path := ["rules", i]
}

verbs(r) := {v | some v in k8s.iter(r.verbs)}

resources(r) := {x | some x in k8s.iter(r.resources)}

groups(r) := {g | some g in k8s.iter(r.apiGroups)}
