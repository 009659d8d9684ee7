# METADATA
# title: Container runs with the root group
# description: >-
#   GID 0 as the primary group (runAsGroup), as fsGroup or among supplementalGroups gives the
#   process the root group's access to files on mounted volumes and, after an escape, on the
#   node.
# custom:
#   id: root-group
#   kinds: [workload]
#   severity: warning
#   security-severity: 4.0
#   remediation: >-
#     Set `runAsGroup` and `fsGroup` to a non-zero GID and remove 0 from `supplementalGroups`.
#   equivalents:
#     kube-linter: [run-as-non-root]
#     trivy: [KSV116]
#     kubescape: [C-0211]
package chartgate.root_group

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	c.sc.runAsGroup == 0
	msg := sprintf("container %q runs with primary group 0 (runAsGroup)", [c.container.name])
	path := array.concat(c.path, ["securityContext", "runAsGroup"])
}

deny contains {"msg": msg, "path": path} if {
	data.lib.k8s.pod_security_context.fsGroup == 0
	msg := sprintf("%s %q sets fsGroup 0", [input.kind, data.lib.k8s.name])
	path := array.concat(data.lib.k8s.pod_path, ["securityContext", "fsGroup"])
}

deny contains {"msg": msg, "path": path} if {
	some g in k8s.iter(data.lib.k8s.pod_security_context.supplementalGroups)
	g == 0
	msg := sprintf("%s %q adds supplemental group 0", [input.kind, data.lib.k8s.name])
	path := array.concat(data.lib.k8s.pod_path, ["securityContext", "supplementalGroups"])
}
