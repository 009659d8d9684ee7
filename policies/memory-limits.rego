# METADATA
# title: Memory limit missing
# description: >-
#   Without a memory limit the scheduler cannot stop one container from starving its neighbours.
# custom:
#   id: memory-limits
#   kinds: [workload]
#   severity: warning
#   security-severity: 2.0
#   remediation: >-
#     Set `resources.limits.memory` on every container.
#   equivalents:
#     kube-linter: [unset-memory-requirements]
#     checkov: [CKV_K8S_13]
#     polaris: [memoryLimitsMissing]
#     trivy: [KSV018]
#     kubescape: [C-0271]
package chartgate.memory_limits

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not c.container.resources.limits["memory"]
	msg := sprintf("container %q has no memory limit", [c.container.name])
	path := array.concat(c.path, ["resources", "limits"])
}
