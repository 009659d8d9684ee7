# METADATA
# title: No liveness probe
# description: >-
#   Without a livenessProbe the kubelet cannot restart a hung container.
# custom:
#   id: liveness-probe
#   kinds: [workload]
#   severity: info
#   remediation: >-
#     Add a `livenessProbe` to every long-running container.
#   equivalents:
#     kube-linter: [no-liveness-probe]
#     checkov: [CKV_K8S_8]
#     polaris: [livenessProbeMissing]
#     kubescape: [C-0056]
package chartgate.liveness_probe

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind != "Job"
	input.kind != "CronJob"
	some c in data.lib.k8s.containers
	c.type == "containers"
	not c.container.livenessProbe
	msg := sprintf("container %q has no livenessProbe", [c.container.name])
	path := c.path
}
