# METADATA
# title: Privilege escalation allowed
# description: >-
#   Without `allowPrivilegeEscalation: false` a process can gain more privileges than its parent
#   (setuid binaries).
# custom:
#   id: allow-privilege-escalation
#   kinds: [workload]
#   severity: warning
#   security-severity: 6.0
#   remediation: >-
#     Set `securityContext.allowPrivilegeEscalation: false` on every container.
#   equivalents:
#     kube-linter: [privilege-escalation-container]
#     checkov: [CKV_K8S_20]
#     polaris: [privilegeEscalationAllowed]
#     trivy: [KSV001]
#     kubescape: [C-0016]
package chartgate.allow_privilege_escalation

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not c.container.securityContext.allowPrivilegeEscalation == false
	msg := sprintf("container %q does not set allowPrivilegeEscalation: false", [c.container.name])
	path := array.concat(c.path, ["securityContext", "allowPrivilegeEscalation"])
}
