# METADATA
# title: Pod sets unsafe sysctls
# description: >-
#   Sysctls outside the namespaced safe set change kernel behaviour for every pod on the node
#   (or are rejected by the kubelet unless explicitly allowed).
# custom:
#   id: unsafe-sysctls
#   kinds: [workload]
#   severity: warning
#   security-severity: 5.0
#   remediation: >-
#     Remove the sysctl from `securityContext.sysctls`, or tune it on the node instead.
#   equivalents:
#     kube-linter: [unsafe-sysctls]
#     trivy: [KSV026]
#     kubescape: [C-0211]
package chartgate.unsafe_sysctls

import rego.v1

import data.lib.k8s

safe := {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}

deny contains {"msg": msg, "path": path} if {
	some i, s in k8s.iter(data.lib.k8s.pod_security_context.sysctls)
	not s.name in safe
	msg := sprintf("%s %q sets unsafe sysctl %v", [input.kind, data.lib.k8s.name, s.name])
	path := array.concat(data.lib.k8s.pod_path, ["securityContext", "sysctls", i])
}
