# METADATA
# title: Privileged container
# description: >-
#   A privileged container has every capability of the host and can escape to the node.
# custom:
#   id: privileged-container
#   kinds: [workload]
#   severity: error
#   security-severity: 8.5
#   remediation: >-
#     Remove `securityContext.privileged: true`; grant only the capabilities the process needs.
#   equivalents:
#     kube-linter: [privileged-container]
#     checkov: [CKV_K8S_16]
#     polaris: [runAsPrivileged]
#     trivy: [KSV017]
#     kubescape: [C-0057]
package chartgate.privileged_container

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	c.container.securityContext.privileged == true
	msg := sprintf("container %q runs privileged", [c.container.name])
	path := array.concat(c.path, ["securityContext", "privileged"])
}
