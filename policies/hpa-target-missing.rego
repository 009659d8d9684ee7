# METADATA
# title: HorizontalPodAutoscaler targets nothing in the chart
# description: >-
#   The autoscaler's scaleTargetRef names a workload that the chart does not create (a typo, a
#   renamed resource or a disabled component), so it scales nothing and reports errors in the
#   cluster.
# custom:
#   id: hpa-target-missing
#   scope: chart
#   severity: warning
#   remediation: >-
#     Point `spec.scaleTargetRef` at the kind and name of a workload the chart renders, or
#     render the HPA only when that workload is enabled.
#   equivalents:
#     kube-linter: [dangling-horizontalpodautoscaler]
#     kubescape: [C-0300]
#     kube-score: [horizontalpodautoscaler-has-target]
package chartgate.hpa_target_missing

import rego.v1

import data.lib.k8s
import data.lib.chart

deny contains {"msg": msg, "path": ["spec", "scaleTargetRef"], "object": i} if {
	some h in data.lib.chart.objects
	h.kind == "HorizontalPodAutoscaler"
	i := h.i
	ref := h.o.spec.scaleTargetRef
	is_string(ref.name)
	not target_exists(h, ref)
	msg := sprintf("HorizontalPodAutoscaler %q targets %v %q, which the chart does not create", [h.name, object.get(ref, "kind", ""), ref.name])
}

target_exists(h, ref) if {
	some o in data.lib.chart.objects
	o.kind == ref.kind
	o.name == ref.name
	o.ns == h.ns
}
