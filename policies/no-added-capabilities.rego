# METADATA
# title: Container adds Linux capabilities
# description: >-
#   Capabilities beyond the runtime default widen what a compromised process can do to the
#   kernel and the network. NET_BIND_SERVICE is tolerated (Pod Security restricted allows it);
#   the most dangerous ones are also reported by dangerous-capabilities.
# custom:
#   id: no-added-capabilities
#   kinds: [workload]
#   severity: warning
#   security-severity: 5.0
#   remediation: >-
#     Remove `securityContext.capabilities.add` entries the process does not need; to bind
#     ports below 1024, NET_BIND_SERVICE alone suffices.
#   equivalents:
#     checkov: [CKV_K8S_25]
#     polaris: [insecureCapabilities]
#     trivy: [KSV022]
#     kubescape: [C-0046]
#     kube-linter: []
package chartgate.no_added_capabilities

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some a in k8s.iter(c.container.securityContext.capabilities.add)
	is_string(a)
	trim_prefix(upper(a), "CAP_") != "NET_BIND_SERVICE"
	msg := sprintf("container %q adds capability %s", [c.container.name, a])
	path := array.concat(c.path, ["securityContext", "capabilities", "add"])
}
