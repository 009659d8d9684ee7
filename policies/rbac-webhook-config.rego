# METADATA
# title: Role can change admission webhooks
# description: >-
#   Whoever can create or modify admission webhook configurations can intercept or rewrite
#   every object sent to the API server, or switch policy enforcement off.
# custom:
#   id: rbac-webhook-config
#   kinds: [Role, ClusterRole]
#   severity: error
#   security-severity: 9.0
#   remediation: >-
#     Remove write verbs on `mutatingwebhookconfigurations` and
#     `validatingwebhookconfigurations`, except for the controller that owns them (then scope
#     with resourceNames).
#   equivalents:
#     checkov: [CKV_K8S_155]
#     trivy: [KSV114]
#     kubescape: [C-0281]
package chartgate.rbac_webhook_config

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Role", "ClusterRole"}
	some i, r in k8s.iter(input.rules)
	some res in resources(r)
	res in {"mutatingwebhookconfigurations", "validatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings"}
	some v in verbs(r)
	v in {"create", "update", "patch", "delete", "deletecollection", "*"}
	not r.resourceNames
	msg := sprintf("%s %q rule %d can modify admission webhook configurations", [input.kind, data.lib.k8s.name, i])
	path := ["rules", i]
}

verbs(r) := {v | some v in k8s.iter(r.verbs)}

resources(r) := {x | some x in k8s.iter(r.resources)}

groups(r) := {g | some g in k8s.iter(r.apiGroups)}
