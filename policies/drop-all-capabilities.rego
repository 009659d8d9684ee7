# METADATA
# title: Capabilities not dropped
# description: >-
#   Containers start with a default set of Linux capabilities (NET_RAW, CHOWN, SETUID, …) most
#   processes never need.
# custom:
#   id: drop-all-capabilities
#   kinds: [workload]
#   severity: warning
#   security-severity: 4.0
#   remediation: >-
#     Add `securityContext.capabilities.drop: ["ALL"]` and add back only what is needed.
#   equivalents:
#     checkov: [CKV_K8S_37]
#     polaris: [insecureCapabilities]
#     trivy: [KSV003]
#     kubescape: [C-0211]
package chartgate.drop_all_capabilities

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not drops_all(c.container)
	msg := sprintf("container %q does not drop ALL capabilities", [c.container.name])
	path := array.concat(c.path, ["securityContext", "capabilities", "drop"])
}

drops_all(c) if {
	some d in k8s.iter(c.securityContext.capabilities.drop)
	upper(d) == "ALL"
}
