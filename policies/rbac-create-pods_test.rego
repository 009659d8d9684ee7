package test.chartgate.rbac_create_pods

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_create_pods.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["create"]}]}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_create_pods.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r"}, "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}
	count(r) == 0
}
