# METADATA
# title: Pods not isolated by any NetworkPolicy
# description: >-
#   No NetworkPolicy in the chart selects this workload's pods, so (unless a namespace-wide
#   policy exists in the cluster) any pod in the cluster can connect to them and they can
#   connect anywhere.
# custom:
#   id: network-policy-missing
#   scope: chart
#   severity: info
#   remediation: >-
#     Ship a NetworkPolicy whose podSelector matches the workload (ingress from the callers
#     that need it only), or rely on a default-deny policy in the namespace and suppress this
#     rule.
#   equivalents:
#     kube-linter: [non-isolated-pod]
#     checkov: [CKV2_K8S_6]
#     polaris: [missingNetworkPolicy]
#     kubescape: [C-0260]
#     kube-score: [pod-networkpolicy]
package chartgate.network_policy_missing

import rego.v1

import data.lib.k8s
import data.lib.chart

deny contains {"msg": msg, "path": ["metadata", "name"], "object": i} if {
	some w in data.lib.chart.workloads
	i := w.i
	not isolated(w)
	msg := sprintf("%s %q: no NetworkPolicy in the chart selects its pods", [w.kind, w.name])
}

isolated(w) if {
	some np in data.lib.chart.objects
	np.kind == "NetworkPolicy"
	np.ns == w.ns
	chart.selects(object.get(np.o, ["spec", "podSelector"], {}), w.labels)
}
