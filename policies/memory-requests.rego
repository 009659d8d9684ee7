# METADATA
# title: Memory request missing
# description: >-
#   Without a memory request the scheduler cannot place the pod sensibly.
# custom:
#   id: memory-requests
#   kinds: [workload]
#   severity: warning
#   security-severity: 2.0
#   remediation: >-
#     Set `resources.requests.memory` on every container.
#   equivalents:
#     kube-linter: [unset-memory-requirements]
#     checkov: [CKV_K8S_12]
#     polaris: [memoryRequestsMissing]
#     trivy: [KSV016]
#     kubescape: [C-0269]
package chartgate.memory_requests

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not c.container.resources.requests["memory"]
	msg := sprintf("container %q has no memory request", [c.container.name])
	path := array.concat(c.path, ["resources", "requests"])
}
