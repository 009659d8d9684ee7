# METADATA
# title: CPU limit missing
# description: >-
#   Without a cpu limit the scheduler cannot stop one container from starving its neighbours.
# custom:
#   id: cpu-limits
#   kinds: [workload]
#   severity: warning
#   security-severity: 2.0
#   remediation: >-
#     Set `resources.limits.cpu` on every container.
#   equivalents:
#     kube-linter: [unset-cpu-requirements]
#     checkov: [CKV_K8S_11]
#     polaris: [cpuLimitsMissing]
#     trivy: [KSV011]
#     kubescape: [C-0270]
package chartgate.cpu_limits

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not c.container.resources.limits["cpu"]
	msg := sprintf("container %q has no cpu limit", [c.container.name])
	path := array.concat(c.path, ["resources", "limits"])
}
