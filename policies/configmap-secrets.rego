# METADATA
# title: ConfigMap holds a credential
# description: >-
#   A ConfigMap key named like a credential holds a value that looks like one (or a private
#   key), so the secret is stored unencrypted, readable by anyone who may read ConfigMaps.
#   Scripts and config files that merely mention the word are not reported.
# custom:
#   id: configmap-secrets
#   kinds: [ConfigMap]
#   severity: error
#   security-severity: 7.5
#   remediation: >-
#     Move the value to a Secret (or an external secret store) and reference it from there.
#   equivalents:
#     polaris: [sensitiveConfigmapContent]
#     trivy: [KSV01010, KSV109]
#     kubescape: [C-0012]
package chartgate.configmap_secrets

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind == "ConfigMap"
	some k, v in k8s.iter(input.data)
	is_string(v)
	k8s.credential_name(k)
	credential_like(v)
	msg := sprintf("ConfigMap %q key %v holds what looks like a credential", [data.lib.k8s.name, k])
	path := ["data", k]
}

deny contains {"msg": msg, "path": path} if {
	input.kind == "ConfigMap"
	some k, v in k8s.iter(input.data)
	is_string(v)
	contains(v, "-----BEGIN ")
	contains(v, "PRIVATE KEY-----")
	msg := sprintf("ConfigMap %q key %v holds a private key", [data.lib.k8s.name, k])
	path := ["data", k]
}

# One token of 8+ characters: a value, not a script, sentence or placeholder.
credential_like(v) if {
	t := trim_space(v)
	count(t) >= 8
	not contains(t, " ")
	not contains(t, "\n")
	not startswith(t, "/")
	not startswith(t, "$")
	not lower(t) in {"changeme", "password", "<nil>"}
}
