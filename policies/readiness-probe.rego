# METADATA
# title: No readiness probe
# description: >-
#   Without a readinessProbe the kubelet sends traffic to pods that are not ready.
# custom:
#   id: readiness-probe
#   kinds: [workload]
#   severity: info
#   remediation: >-
#     Add a `readinessProbe` to every long-running container.
#   equivalents:
#     kube-linter: [no-readiness-probe]
#     checkov: [CKV_K8S_9]
#     polaris: [readinessProbeMissing]
#     kubescape: [C-0018]
package chartgate.readiness_probe

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind != "Job"
	input.kind != "CronJob"
	some c in data.lib.k8s.containers
	c.type == "containers"
	not c.container.readinessProbe
	msg := sprintf("container %q has no readinessProbe", [c.container.name])
	path := c.path
}
