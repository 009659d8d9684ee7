# METADATA
# title: Workload runs a single replica
# description: >-
#   A Deployment or StatefulSet with one replica (the default) is down during every rollout of
#   a node, eviction or crash. Workloads an autoscaler of the chart manages are not reported
#   (see hpa-min-replicas).
# custom:
#   id: min-replicas
#   scope: chart
#   severity: info
#   remediation: >-
#     Set `spec.replicas` to 2 or more (and spread them with anti-affinity or topology
#     constraints), or let a HorizontalPodAutoscaler manage the count.
#   equivalents:
#     kube-linter: [minimum-three-replicas]
#     polaris: [deploymentMissingReplicas]
#     kube-score: [deployment-replicas]
package chartgate.min_replicas

import rego.v1

import data.lib.k8s
import data.lib.chart

deny contains {"msg": msg, "path": ["spec", "replicas"], "object": i} if {
	some w in data.lib.chart.objects
	w.kind in {"Deployment", "StatefulSet"}
	i := w.i
	n := object.get(chart.as_obj(object.get(w.o, "spec", {})), "replicas", 1)
	is_number(n)
	n < 2
	n >= 1
	not autoscaled(w)
	msg := sprintf("%s %q runs %d replica", [w.kind, w.name, n])
}

autoscaled(w) if {
	some h in data.lib.chart.objects
	h.kind == "HorizontalPodAutoscaler"
	h.o.spec.scaleTargetRef.kind == w.kind
	h.o.spec.scaleTargetRef.name == w.name
	h.ns == w.ns
}
