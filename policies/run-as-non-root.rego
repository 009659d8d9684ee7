# METADATA
# title: Container may run as root
# description: >-
#   A container that may run as UID 0 turns any container escape into root on the node.
#   `runAsNonRoot: true` (container or pod level) makes the kubelet refuse to start a root
#   process.
# custom:
#   id: run-as-non-root
#   kinds: [workload]
#   severity: warning
#   security-severity: 6.0
#   remediation: >-
#     Set `runAsNonRoot: true` in the pod or container securityContext and use an image with a
#     non-root USER (or set `runAsUser` above 0).
#   equivalents:
#     kube-linter: [run-as-non-root]
#     checkov: [CKV_K8S_23]
#     polaris: [runAsRootAllowed]
#     trivy: [KSV012]
#     kubescape: [C-0013]
package chartgate.run_as_non_root

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not c.sc.runAsNonRoot == true
	not non_zero_user(c)
	msg := sprintf("container %q may run as root (runAsNonRoot is not true)", [c.container.name])
	path := array.concat(c.path, ["securityContext", "runAsNonRoot"])
}

non_zero_user(c) if {
	c.sc.runAsUser > 0
}
