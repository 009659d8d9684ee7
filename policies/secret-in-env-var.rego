# METADATA
# title: Secret read into an environment variable
# description: >-
#   Secrets in environment variables leak through crash dumps, `/proc/<pid>/environ`, child
#   processes and debug endpoints that print the environment; a mounted file does not.
# custom:
#   id: secret-in-env-var
#   kinds: [workload]
#   severity: info
#   security-severity: 3.0
#   remediation: >-
#     Mount the Secret as a volume and read the file, instead of `env[].valueFrom.secretKeyRef`
#     or `envFrom[].secretRef`.
#   equivalents:
#     kube-linter: [read-secret-from-env-var]
#     checkov: [CKV_K8S_35]
#     kubescape: [C-0207]
package chartgate.secret_in_env_var

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some i, e in k8s.iter(c.container.env)
	e.valueFrom.secretKeyRef
	msg := sprintf("container %q reads Secret %v into env var %v", [c.container.name, object.get(e.valueFrom.secretKeyRef, "name", ""), e.name])
	path := array.concat(c.path, ["env", i, "valueFrom", "secretKeyRef"])
}

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some i, e in k8s.iter(c.container.envFrom)
	e.secretRef
	msg := sprintf("container %q imports Secret %v into its environment", [c.container.name, object.get(e.secretRef, "name", "")])
	path := array.concat(c.path, ["envFrom", i, "secretRef"])
}
