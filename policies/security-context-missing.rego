# METADATA
# title: No securityContext at all
# description: >-
#   A container with no securityContext of its own and no pod-level securityContext runs with
#   every runtime default: root allowed, privilege escalation allowed, writable root
#   filesystem, default capabilities.
# custom:
#   id: security-context-missing
#   kinds: [workload]
#   severity: warning
#   security-severity: 5.0
#   remediation: >-
#     Add a pod `securityContext` (runAsNonRoot, seccompProfile) and a container
#     `securityContext` (allowPrivilegeEscalation: false, readOnlyRootFilesystem: true,
#     capabilities.drop: [ALL]).
#   equivalents:
#     checkov: [CKV_K8S_29, CKV_K8S_30]
#     trivy: [KSV118]
#     kubescape: [C-0211]
package chartgate.security_context_missing

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	empty(object.get(c.container, "securityContext", null))
	empty(data.lib.k8s.pod_security_context)
	msg := sprintf("container %q has no securityContext, and neither has the pod", [c.container.name])
	path := c.path
}

empty(x) if x == null

empty(x) if x == {}
