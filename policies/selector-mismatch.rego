# METADATA
# title: Selector does not match pod labels
# description: >-
#   A workload whose selector does not match its pod template labels is rejected by the API
#   server (apps/v1) or manages no pods.
# custom:
#   id: selector-mismatch
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet]
#   severity: error
#   remediation: >-
#     Make `spec.selector.matchLabels` a subset of `spec.template.metadata.labels`.
#   equivalents:
#     kube-linter: [mismatching-selector]
#     kubescape: [C-0296]
package chartgate.selector_mismatch

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}
	some k, v in k8s.iter(input.spec.selector.matchLabels)
	not input.spec.template.metadata.labels[k] == v
	msg := sprintf("%s %q selects %s=%s but the pod template lacks that label", [input.kind, data.lib.k8s.name, k, v])
	path := ["spec", "selector", "matchLabels", k]
}
