# METADATA
# title: Duplicate environment variable
# description: >-
#   When a container lists the same env name twice, the last one silently wins.
# custom:
#   id: duplicate-env-var
#   kinds: [workload]
#   severity: warning
#   remediation: >-
#     Remove the duplicate entry.
#   equivalents:
#     kube-linter: [duplicate-env-var]
#     kubescape: [C-0295]
package chartgate.duplicate_env_var

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some i, e in k8s.iter(c.container.env)
	some j, f in k8s.iter(c.container.env)
	i < j
	e.name == f.name
	msg := sprintf("container %q sets env %s twice", [c.container.name, e.name])
	path := array.concat(c.path, ["env", j])
}
