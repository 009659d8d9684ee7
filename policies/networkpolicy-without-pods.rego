# METADATA
# title: NetworkPolicy selects no pods of the chart
# description: >-
#   The NetworkPolicy's podSelector matches no pod template the chart renders, so the isolation
#   it describes applies to nothing (often a label typo).
# custom:
#   id: networkpolicy-without-pods
#   scope: chart
#   severity: warning
#   remediation: >-
#     Make `spec.podSelector` match the pod labels of the workloads it should isolate. Policies
#     meant for pods deployed elsewhere can be suppressed.
#   equivalents:
#     kube-linter: [dangling-networkpolicy]
#     kubescape: [C-0299]
#     kube-score: [networkpolicy-targets-pod]
package chartgate.networkpolicy_without_pods

import rego.v1

import data.lib.k8s
import data.lib.chart

deny contains {"msg": msg, "path": ["spec", "podSelector"], "object": i} if {
	some np in data.lib.chart.objects
	np.kind == "NetworkPolicy"
	i := np.i
	sel := chart.as_obj(object.get(np.o, ["spec", "podSelector"], {}))
	count(sel) > 0
	not selects_some(np, sel)
	not chart.operator_pods(chart.as_obj(object.get(sel, "matchLabels", {})), np.ns)
	msg := sprintf("NetworkPolicy %q selects no pod template in the chart", [np.name])
}

selects_some(np, sel) if {
	some w in data.lib.chart.workloads
	w.ns == np.ns
	chart.selects(sel, w.labels)
}
