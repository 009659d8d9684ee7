# METADATA
# title: Container binds a host port
# description: >-
#   A hostPort ties the pod to nodes where the port is free and exposes it on the node's
#   address, bypassing Services and NetworkPolicies.
# custom:
#   id: host-port
#   kinds: [workload]
#   severity: warning
#   security-severity: 5.0
#   remediation: >-
#     Remove `hostPort`; expose the port with a Service.
#   equivalents:
#     checkov: [CKV_K8S_26]
#     polaris: [hostPortSet]
#     trivy: [KSV024]
#     kubescape: [C-0044]
package chartgate.host_port

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some i, p in k8s.iter(c.container.ports)
	p.hostPort > 0
	msg := sprintf("container %q binds host port %v", [c.container.name, p.hostPort])
	path := array.concat(c.path, ["ports", i, "hostPort"])
}
