# METADATA
# title: Pod uses the host IPC namespace
# description: >-
#   `hostIPC: true` shares the node's IPC namespace with the pod, exposing host processes and
#   traffic.
# custom:
#   id: host-ipc
#   kinds: [workload]
#   severity: error
#   security-severity: 8.0
#   remediation: >-
#     Remove `hostIPC: true` from the pod spec.
#   equivalents:
#     kube-linter: [host-ipc]
#     checkov: [CKV_K8S_18]
#     polaris: [hostIPCSet]
#     trivy: [KSV008]
#     kubescape: [C-0038]
package chartgate.host_ipc

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	data.lib.k8s.pod_spec.hostIPC == true
	msg := sprintf("%s %q sets hostIPC: true", [input.kind, data.lib.k8s.name])
	path := array.concat(data.lib.k8s.pod_path, ["hostIPC"])
}
