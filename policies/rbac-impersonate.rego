# METADATA
# title: Role can impersonate users
# description: >-
#   The impersonate verb lets a subject act as any user, group or ServiceAccount it names,
#   including cluster administrators.
# custom:
#   id: rbac-impersonate
#   kinds: [Role, ClusterRole]
#   severity: error
#   security-severity: 9.0
#   remediation: >-
#     Remove the `impersonate` verb; impersonation belongs to a few audited administrative
#     roles.
#   equivalents:
#     checkov: [CKV2_K8S_3]
#     trivy: [KSV043]
#     kubescape: [C-0065]
package chartgate.rbac_impersonate

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	"impersonate" in verbs(r)
	msg := sprintf("%s %q rule %d grants impersonate", [input.kind, data.lib.k8s.name, i])
	path := ["rules", i]
}

verbs(r) := {v | some v in k8s.iter(r.verbs)}

resources(r) := {x | some x in k8s.iter(r.resources)}

groups(r) := {g | some g in k8s.iter(r.apiGroups)}
