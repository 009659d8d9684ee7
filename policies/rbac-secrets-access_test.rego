package test.chartgate.rbac_secrets_access

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_secrets_access.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "verbs": ["list"]}]}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_secrets_access.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["mine"], "verbs": ["get"]}]}
	count(r) == 0
}
