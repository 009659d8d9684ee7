# METADATA
# title: Container runs as UID 0
# description: >-
#   `runAsUser: 0` explicitly runs the process as root.
# custom:
#   id: run-as-uid-zero
#   kinds: [workload]
#   severity: error
#   security-severity: 7.0
#   remediation: >-
#     Set `runAsUser` to a non-zero UID (above 10000 avoids host user collisions).
#   equivalents:
#     kube-linter: [run-as-non-root]
#     checkov: [CKV_K8S_23]
#     polaris: [runAsRootAllowed]
#     trivy: [KSV105]
#     kubescape: [C-0013]
package chartgate.run_as_uid_zero

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	c.sc.runAsUser == 0
	msg := sprintf("container %q runs as UID 0", [c.container.name])
	path := array.concat(c.path, ["securityContext", "runAsUser"])
}
