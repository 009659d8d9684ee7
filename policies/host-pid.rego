# METADATA
# title: Pod uses the host PID namespace
# description: >-
#   `hostPID: true` shares the node's process namespace with the pod, exposing host processes
#   and traffic.
# custom:
#   id: host-pid
#   kinds: [workload]
#   severity: error
#   security-severity: 8.0
#   remediation: >-
#     Remove `hostPID: true` from the pod spec.
#   equivalents:
#     kube-linter: [host-pid]
#     checkov: [CKV_K8S_17]
#     polaris: [hostPIDSet]
#     trivy: [KSV010]
#     kubescape: [C-0038]
package chartgate.host_pid

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	data.lib.k8s.pod_spec.hostPID == true
	msg := sprintf("%s %q sets hostPID: true", [input.kind, data.lib.k8s.name])
	path := array.concat(data.lib.k8s.pod_path, ["hostPID"])
}
