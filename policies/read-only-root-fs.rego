# METADATA
# title: Writable root filesystem
# description: >-
#   A writable root filesystem lets an attacker drop binaries or alter the image at run time.
# custom:
#   id: read-only-root-fs
#   kinds: [workload]
#   severity: warning
#   security-severity: 4.0
#   remediation: >-
#     Set `securityContext.readOnlyRootFilesystem: true` and mount an `emptyDir` where the app
#     must write.
#   equivalents:
#     kube-linter: [no-read-only-root-fs]
#     checkov: [CKV_K8S_22]
#     polaris: [notReadOnlyRootFilesystem]
#     trivy: [KSV014]
#     kubescape: [C-0017]
package chartgate.read_only_root_fs

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	not c.container.securityContext.readOnlyRootFilesystem == true
	msg := sprintf("container %q has a writable root filesystem", [c.container.name])
	path := array.concat(c.path, ["securityContext", "readOnlyRootFilesystem"])
}
