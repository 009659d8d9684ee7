# METADATA
# title: No seccomp profile
# description: >-
#   Without a seccomp profile (RuntimeDefault or Localhost) the container can call every
#   syscall, widening the kernel attack surface; `Unconfined` disables filtering outright.
# custom:
#   id: seccomp-profile
#   kinds: [workload]
#   severity: warning
#   security-severity: 4.0
#   remediation: >-
#     Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or each container).
#   equivalents:
#     checkov: [CKV_K8S_31]
#     polaris: [linuxHardening]
#     trivy: [KSV030, KSV104]
#     kubescape: [C-0210]
package chartgate.seccomp_profile

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not confined(c)
	msg := sprintf("container %q has no RuntimeDefault or Localhost seccomp profile", [c.container.name])
	path := array.concat(c.path, ["securityContext", "seccompProfile"])
}

confined(c) if {
	c.sc.seccompProfile.type in {"RuntimeDefault", "Localhost"}
}
