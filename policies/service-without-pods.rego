# METADATA
# title: Service selects no pods of the chart
# description: >-
#   The Service's selector matches the pod labels of no workload the chart renders, so it has
#   no endpoints and every connection to it fails.
# custom:
#   id: service-without-pods
#   scope: chart
#   severity: warning
#   remediation: >-
#     Make `spec.selector` match the pod template labels of the workload behind the Service
#     (check for typos and label changes). Services that front pods created elsewhere can be
#     suppressed.
#   equivalents:
#     kube-linter: [dangling-service]
#     kubescape: [C-0293]
#     kube-score: [service-targets-pod]
package chartgate.service_without_pods

import rego.v1

import data.lib.k8s
import data.lib.chart

deny contains {"msg": msg, "path": ["spec", "selector"], "object": i} if {
	some s in data.lib.chart.objects
	s.kind == "Service"
	i := s.i
	sel := s.o.spec.selector
	is_object(sel)
	count(sel) > 0
	not object.get(s.o.spec, "type", "") == "ExternalName"
	not selects_some(s, sel)
	not chart.system_namespace(s.ns)
	not chart.operator_pods(sel, s.ns)
	msg := sprintf("Service %q selects %v, which matches no pod template in the chart", [s.name, sel])
}

selects_some(s, sel) if {
	some w in data.lib.chart.workloads
	w.ns == s.ns
	chart.selects_map(sel, w.labels)
}
