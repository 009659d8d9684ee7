# METADATA
# title: Dangerous capability added
# description: >-
#   SYS_ADMIN, NET_ADMIN, SYS_MODULE, SYS_PTRACE, BPF or ALL give a container near-root power
#   over the node.
# custom:
#   id: dangerous-capabilities
#   kinds: [workload]
#   severity: error
#   security-severity: 8.0
#   remediation: >-
#     Remove the capability from `securityContext.capabilities.add`; find a narrower one.
#   equivalents:
#     checkov: [CKV_K8S_39]
#     polaris: [dangerousCapabilities]
#     trivy: [KSV005, KSV120]
#     kubescape: [C-0046]
package chartgate.dangerous_capabilities

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some a in k8s.iter(c.container.securityContext.capabilities.add)
	cap := trim_prefix(upper(a), "CAP_")
	cap in {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "BPF", "SYS_RAWIO", "SYS_BOOT", "DAC_READ_SEARCH", "PERFMON"}
	msg := sprintf("container %q adds capability %s", [c.container.name, a])
	path := array.concat(c.path, ["securityContext", "capabilities", "add"])
}
