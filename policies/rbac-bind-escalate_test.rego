package test.chartgate.rbac_bind_escalate

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_bind_escalate.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles"], "verbs": ["bind"]}]}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.rbac_bind_escalate.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["escalate"]}]}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_bind_escalate.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["get", "list"]}]}
	count(r) == 0
}
