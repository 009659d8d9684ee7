# METADATA
# title: Unmasked /proc
# description: >-
#   `procMount: Unmasked` exposes host kernel information normally hidden from containers.
# custom:
#   id: proc-mount-unmasked
#   kinds: [workload]
#   severity: warning
#   security-severity: 6.0
#   remediation: >-
#     Remove `procMount` or set it to `Default`.
#   equivalents:
#     kube-linter: [unsafe-proc-mount]
#     polaris: [procMount]
#     trivy: [KSV027]
#     kubescape: [C-0211]
package chartgate.proc_mount_unmasked

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	c.container.securityContext.procMount == "Unmasked"
	msg := sprintf("container %q mounts /proc unmasked", [c.container.name])
	path := array.concat(c.path, ["securityContext", "procMount"])
}
