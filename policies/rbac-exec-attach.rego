# METADATA
# title: Role can exec into or attach to pods
# description: >-
#   pods/exec and pods/attach give a shell (or the console) in any pod the role reaches, with
#   that pod's ServiceAccount token and mounted Secrets.
# custom:
#   id: rbac-exec-attach
#   kinds: [Role, ClusterRole]
#   severity: error
#   security-severity: 8.0
#   remediation: >-
#     Remove `pods/exec` and `pods/attach` from the role; grant them only to break-glass roles
#     bound to people.
#   equivalents:
#     checkov: [CKV2_K8S_2]
#     polaris: [clusterrolePodExecAttach, rolePodExecAttach]
#     trivy: [KSV053, KSV054]
#     kubescape: [C-0002]
package chartgate.rbac_exec_attach

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	some res in resources(r)
	res in {"pods/exec", "pods/attach"}
	some v in verbs(r)
	v in {"create", "get", "*"}
	msg := sprintf("%s %q rule %d allows exec or attach into pods", [input.kind, data.lib.k8s.name, i])
	path := ["rules", i]
}

verbs(r) := {v | some v in k8s.iter(r.verbs)}

resources(r) := {x | some x in k8s.iter(r.resources)}

groups(r) := {g | some g in k8s.iter(r.apiGroups)}
