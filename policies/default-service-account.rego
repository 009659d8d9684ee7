# METADATA
# title: Pod uses the default ServiceAccount
# description: >-
#   Pods without serviceAccountName run as the namespace's `default` ServiceAccount, which
#   every other such pod shares, so a role granted for one workload silently applies to all.
# custom:
#   id: default-service-account
#   kinds: [workload]
#   severity: warning
#   security-severity: 4.0
#   remediation: >-
#     Create a dedicated ServiceAccount for the workload and set `serviceAccountName`.
#   equivalents:
#     kube-linter: [default-service-account]
#     checkov: [CKV_K8S_41]
#     kubescape: [C-0189]
package chartgate.default_service_account

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	data.lib.k8s.is_workload
	sa := account
	sa == "default"
	msg := sprintf("%s %q runs as the default ServiceAccount", [input.kind, data.lib.k8s.name])
	path := array.concat(data.lib.k8s.pod_path, ["serviceAccountName"])
}

account := n if {
	n := data.lib.k8s.pod_spec.serviceAccountName
	is_string(n)
	n != ""
} else := n if {
	n := data.lib.k8s.pod_spec.serviceAccount
	is_string(n)
	n != ""
} else := "default"
