# METADATA
# title: hostPath volume
# description: >-
#   A hostPath volume mounts a node directory into the pod: a foothold for escaping to the node.
# custom:
#   id: host-path
#   kinds: [workload]
#   severity: warning
#   security-severity: 6.0
#   remediation: >-
#     Use a PersistentVolumeClaim, emptyDir, ConfigMap or Secret instead.
#   equivalents:
#     polaris: [hostPathSet]
#     trivy: [KSV023]
#     kubescape: [C-0048]
package chartgate.host_path

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some v in data.lib.k8s.volumes
	v.volume.hostPath
	msg := sprintf("volume %q mounts host path %s", [v.volume.name, v.volume.hostPath.path])
	path := array.concat(v.path, ["hostPath"])
}
