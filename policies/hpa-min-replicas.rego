# METADATA
# title: HorizontalPodAutoscaler may scale to one replica
# description: >-
#   An autoscaler whose minReplicas is 1 (the default) scales the workload down to a single
#   pod, which is a single point of failure during a node drain or a crash.
# custom:
#   id: hpa-min-replicas
#   kinds: [HorizontalPodAutoscaler]
#   severity: info
#   remediation: >-
#     Set `spec.minReplicas` to 2 or more.
#   equivalents:
#     kube-linter: [hpa-minimum-three-replicas]
#     polaris: [hpaMinAvailability]
#     kube-score: [horizontalpodautoscaler-replicas]
package chartgate.hpa_min_replicas

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind == "HorizontalPodAutoscaler"
	n := object.get(object.get(input, "spec", {}), "minReplicas", 1)
	is_number(n)
	n < 2
	msg := sprintf("HorizontalPodAutoscaler %q has minReplicas %d", [data.lib.k8s.name, n])
	path := ["spec", "minReplicas"]
}
