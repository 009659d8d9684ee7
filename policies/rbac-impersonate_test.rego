package test.chartgate.rbac_impersonate

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_impersonate.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}]}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_impersonate.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}
	count(r) == 0
}
