# METADATA
# title: Credential written literally in an env var
# description: >-
#   An environment variable whose name says password, secret, token or key has its value
#   written in the manifest, so the credential sits in the chart, in Helm's release Secret and
#   in `kubectl get -o yaml` output.
# custom:
#   id: sensitive-env-literal
#   kinds: [workload]
#   severity: error
#   security-severity: 7.5
#   remediation: >-
#     Store the value in a Secret (or an external secret store) and reference it with
#     `valueFrom.secretKeyRef`, or better mount it as a file.
#   equivalents:
#     kube-linter: [env-var-secret]
#     polaris: [sensitiveContainerEnvVar]
#     kubescape: [C-0012]
package chartgate.sensitive_env_literal

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	some i, e in k8s.iter(c.container.env)
	is_string(e.name)
	k8s.credential_name(e.name)
	v := e.value
	is_string(v)
	count(trim_space(v)) > 0
	not placeholder(v)
	msg := sprintf("container %q sets %v to a literal value", [c.container.name, e.name])
	path := array.concat(c.path, ["env", i, "value"])
}

placeholder(v) if startswith(v, "/")

placeholder(v) if lower(v) in {"true", "false", "yes", "no", "none", "null", "changeme", "<nil>"}

placeholder(v) if startswith(v, "$")

# Numbers and single lowercase words (`256`, `simple`, `jwt`) are settings, not credentials.
placeholder(v) if regex.match(`^[0-9.]+$`, v)

placeholder(v) if regex.match(`^[a-z]{1,12}$`, v)

# Option lists (`jwt,priv-key=/path,sign-method=RS256`) configure a mechanism; they are not one.
placeholder(v) if {
	contains(v, ",")
	contains(v, "=")
}
