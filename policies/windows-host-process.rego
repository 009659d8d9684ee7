# METADATA
# title: Windows HostProcess container
# description: >-
#   A Windows HostProcess container runs directly on the node with host-level access, the
#   Windows equivalent of a privileged container.
# custom:
#   id: windows-host-process
#   kinds: [workload]
#   severity: error
#   security-severity: 8.0
#   remediation: >-
#     Remove `windowsOptions.hostProcess: true` unless this is a node-management DaemonSet.
#   equivalents:
#     polaris: [hostProcess]
#     trivy: [KSV103]
#     kubescape: [C-0211]
package chartgate.windows_host_process

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	c.sc.windowsOptions.hostProcess == true
	msg := sprintf("container %q is a Windows HostProcess container", [c.container.name])
	path := array.concat(c.path, ["securityContext", "windowsOptions", "hostProcess"])
}
