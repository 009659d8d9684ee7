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
	regex.match(`(?i)(passw(or)?d|secret|token|api[_-]?key|private[_-]?key|access[_-]?key|credential)`, k)
	not regex.match(`(?i)(_file|_path|_dir|_name|_user(name)?|_enabled|_url|_ref|\.(sh|py|ya?ml|json|conf|ini|toml|txt|js|lua|tpl))$`, k)
	credential_like(v)
	msg := sprintf("ConfigMap %q key %v holds what looks like a credential", [k8s.name, k])
	path := ["data", k]
}

deny contains {"msg": msg, "path": path} if {
	input.kind == "ConfigMap"
	some k, v in k8s.iter(input.data)
	is_string(v)
	regex.match(`-----BEGIN ([A-Z]+ )?PRIVATE KEY-----`, v)
	msg := sprintf("ConfigMap %q key %v holds a private key", [k8s.name, k])
	path := ["data", k]
}

# One token of 8+ characters: a value, not a script, sentence or placeholder.
credential_like(v) if {
	t := trim_space(v)
	count(t) >= 8
	not contains(t, " ")
	not contains(t, "\n")
	not startswith(t, "/")
	not regex.match(`^\$\{?\(?[A-Za-z_][A-Za-z0-9_]*\)?\}?$`, t)
	not lower(t) in {"changeme", "password", "<nil>"}
}
