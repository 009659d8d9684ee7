# METADATA
# title: Sensitive host directory mounted
# description: >-
#   Mounting /, /etc, /proc, /var/run, /root, the kubelet or container runtime directories from
#   the host hands the node to the container.
# custom:
#   id: sensitive-host-mounts
#   kinds: [workload]
#   severity: error
#   security-severity: 8.5
#   remediation: >-
#     Remove the hostPath volume; if node data is needed, mount the narrowest read-only
#     subdirectory.
#   equivalents:
#     kube-linter: [sensitive-host-mounts, docker-sock]
#     checkov: [CKV_K8S_27]
#     trivy: [KSV121, KSV006]
#     kubescape: [C-0074]
package chartgate.sensitive_host_mounts

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some v in data.lib.k8s.volumes
	p := trim_suffix(v.volume.hostPath.path, "/")
	sensitive(p)
	msg := sprintf("volume %q mounts sensitive host path %s", [v.volume.name, v.volume.hostPath.path])
	path := array.concat(v.path, ["hostPath", "path"])
}

sensitive(p) if p == ""

sensitive(p) if {
	some s in ["/etc", "/proc", "/sys", "/boot", "/root", "/var/run", "/run", "/var/lib/kubelet", "/var/lib/docker", "/var/lib/containerd", "/etc/kubernetes", "/dev"]
	p == s
}

sensitive(p) if endswith(p, ".sock")

sensitive(p) if {
	some s in ["/var/run/docker", "/run/containerd", "/var/run/crio"]
	startswith(p, s)
}
