# METADATA
# title: Object in the default namespace
# description: >-
#   Objects in `default` mix with everything else there and escape per-namespace policies and
#   quotas.
# custom:
#   id: default-namespace
#   severity: info
#   remediation: >-
#     Install into a dedicated namespace (omit metadata.namespace and pass `--namespace`).
#   equivalents:
#     kube-linter: [use-namespace]
#     checkov: [CKV_K8S_21]
#     trivy: [KSV110]
#     kubescape: [C-0061]
package chartgate.default_namespace

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.metadata.namespace == "default"
	msg := sprintf("%s %q is in the default namespace", [input.kind, data.lib.k8s.name])
	path := ["metadata", "namespace"]
}
