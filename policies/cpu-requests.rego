# METADATA
# title: CPU request missing
# description: >-
#   Without a cpu request the scheduler cannot place the pod sensibly.
# custom:
#   id: cpu-requests
#   kinds: [workload]
#   severity: warning
#   security-severity: 2.0
#   remediation: >-
#     Set `resources.requests.cpu` on every container.
#   equivalents:
#     kube-linter: [unset-cpu-requirements]
#     checkov: [CKV_K8S_10]
#     polaris: [cpuRequestsMissing]
#     trivy: [KSV015]
#     kubescape: [C-0268]
package chartgate.cpu_requests

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not c.container.resources.requests["cpu"]
	msg := sprintf("container %q has no cpu request", [c.container.name])
	path := array.concat(c.path, ["resources", "requests"])
}
