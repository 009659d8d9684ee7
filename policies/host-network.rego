# METADATA
# title: Pod uses the host network
# description: >-
#   `hostNetwork: true` shares the node's network namespace with the pod, exposing host
#   processes and traffic.
# custom:
#   id: host-network
#   kinds: [workload]
#   severity: error
#   security-severity: 8.0
#   remediation: >-
#     Remove `hostNetwork: true` from the pod spec.
#   equivalents:
#     kube-linter: [host-network]
#     checkov: [CKV_K8S_19]
#     polaris: [hostNetworkSet]
#     trivy: [KSV009]
#     kubescape: [C-0041]
package chartgate.host_network

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	data.lib.k8s.pod_spec.hostNetwork == true
	msg := sprintf("%s %q sets hostNetwork: true", [input.kind, data.lib.k8s.name])
	path := array.concat(data.lib.k8s.pod_path, ["hostNetwork"])
}
