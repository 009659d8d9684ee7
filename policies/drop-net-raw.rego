# METADATA
# title: NET_RAW capability kept or added
# description: >-
#   NET_RAW allows crafting raw packets (ARP and DNS spoofing inside the cluster network).
# custom:
#   id: drop-net-raw
#   kinds: [workload]
#   severity: warning
#   security-severity: 5.0
#   remediation: >-
#     Drop `ALL` (or at least `NET_RAW`) in `securityContext.capabilities.drop`, and never add it.
#   equivalents:
#     kube-linter: [drop-net-raw-capability]
#     checkov: [CKV_K8S_28]
#     polaris: [insecureCapabilities]
#     trivy: [KSV119]
#     kubescape: [C-0211]
package chartgate.drop_net_raw

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not drops_net_raw(c.container)
	msg := sprintf("container %q does not drop NET_RAW", [c.container.name])
	path := array.concat(c.path, ["securityContext", "capabilities", "drop"])
}

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some a in k8s.iter(c.container.securityContext.capabilities.add)
	upper(a) in {"NET_RAW", "CAP_NET_RAW", "ALL"}
	msg := sprintf("container %q adds %s", [c.container.name, a])
	path := array.concat(c.path, ["securityContext", "capabilities", "add"])
}

drops_net_raw(c) if {
	some d in k8s.iter(c.securityContext.capabilities.drop)
	upper(d) in {"ALL", "NET_RAW", "CAP_NET_RAW"}
}
