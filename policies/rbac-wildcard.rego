# METADATA
# title: Wildcard in RBAC rules
# description: >-
#   `*` in verbs, resources or apiGroups grants today's and tomorrow's permissions alike.
# custom:
#   id: rbac-wildcard
#   kinds: [Role, ClusterRole]
#   severity: error
#   security-severity: 7.5
#   remediation: >-
#     List the exact verbs, resources and API groups the subject needs.
#   equivalents:
#     kube-linter: [wildcard-in-rules]
#     checkov: [CKV_K8S_49]
#     trivy: [KSV044, KSV045, KSV046]
#     kubescape: [C-0187]
package chartgate.rbac_wildcard

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	some field in ["verbs", "resources", "apiGroups"]
	"*" in r[field]
	msg := sprintf("%s %q rule %d has '*' in %s", [input.kind, data.lib.k8s.name, i, field])
	path := ["rules", i, field]
}
