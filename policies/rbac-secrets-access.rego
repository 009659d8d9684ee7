# METADATA
# title: Role can read Secrets
# description: >-
#   get/list/watch on Secrets exposes every credential in scope.
# custom:
#   id: rbac-secrets-access
#   kinds: [Role, ClusterRole]
#   severity: warning
#   security-severity: 7.0
#   remediation: >-
#     Grant access to named Secrets only (`resourceNames`) or mount them instead of reading
#     through the API.
#   equivalents:
#     kube-linter: [access-to-secrets]
#     checkov: [CKV2_K8S_5]
#     trivy: [KSV041, KSV113]
#     kubescape: [C-0015]
package chartgate.rbac_secrets_access

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	some res in k8s.iter(r.resources)
	res in {"secrets", "*"}
	some v in k8s.iter(r.verbs)
	v in {"get", "list", "watch", "*"}
	not r.resourceNames
	msg := sprintf("%s %q can %s secrets", [input.kind, data.lib.k8s.name, v])
	path := ["rules", i]
}
