# METADATA
# title: Container runs with a low UID
# description: >-
#   A UID below 10000 may collide with a real user on the node (system daemons, admins), so a
#   container escape lands on an account with meaning on the host. Only fires when runAsUser is
#   set: an unset UID is reported by run-as-non-root.
# custom:
#   id: run-as-high-uid
#   kinds: [workload]
#   severity: info
#   security-severity: 2.0
#   remediation: >-
#     Set `runAsUser` (pod or container securityContext) to a value of 10000 or more that no
#     node account uses.
#   equivalents:
#     checkov: [CKV_K8S_40]
#     trivy: [KSV020]
#     kube-score: [container-security-context-user-group-id]
package chartgate.run_as_high_uid

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	uid := c.sc.runAsUser
	is_number(uid)
	uid > 0
	uid < 10000
	msg := sprintf("container %q runs as UID %d (below 10000)", [c.container.name, uid])
	path := array.concat(c.path, ["securityContext", "runAsUser"])
}
