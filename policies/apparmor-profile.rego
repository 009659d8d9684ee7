# METADATA
# title: AppArmor disabled for a container
# description: >-
#   An unconfined AppArmor profile removes the mandatory-access-control layer that the runtime
#   default profile gives every container on AppArmor nodes.
# custom:
#   id: apparmor-profile
#   kinds: [workload]
#   severity: warning
#   security-severity: 4.0
#   remediation: >-
#     Remove `appArmorProfile.type: Unconfined` (or the
#     `container.apparmor.security.beta.kubernetes.io/<name>: unconfined` annotation); use
#     RuntimeDefault or a Localhost profile.
#   equivalents:
#     polaris: [linuxHardening]
#     trivy: [KSV002]
#     kubescape: [C-0055]
package chartgate.apparmor_profile

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	c.sc.appArmorProfile.type == "Unconfined"
	msg := sprintf("container %q runs with AppArmor unconfined", [c.container.name])
	path := array.concat(c.path, ["securityContext", "appArmorProfile"])
}

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	key := concat("/", ["container.apparmor.security.beta.kubernetes.io", c.container.name])
	annotations[key] == "unconfined"
	msg := sprintf("container %q runs with AppArmor unconfined (annotation)", [c.container.name])
	path := array.concat(template_meta_path, ["annotations", key])
}

template_meta_path := ["metadata"] if input.kind == "Pod"

template_meta_path := array.concat(array.slice(data.lib.k8s.pod_path, 0, count(data.lib.k8s.pod_path) - 1), ["metadata"]) if input.kind != "Pod"

annotations := a if {
	a := object.get(input, array.concat(template_meta_path, ["annotations"]), {})
	is_object(a)
} else := {}
