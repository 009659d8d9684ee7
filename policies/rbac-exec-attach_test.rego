package test.chartgate.rbac_exec_attach

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_exec_attach.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["create"]}]}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.rbac_exec_attach.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": [""], "resources": ["pods/attach"], "verbs": ["*"]}]}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_exec_attach.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]}]}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.rbac_exec_attach.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "prod"}, "rules": null}
	count(r) == 0
}
