package test.chartgate.rbac_nodes_proxy

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_nodes_proxy.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": [""], "resources": ["nodes/proxy"], "verbs": ["get"]}]}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_nodes_proxy.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": [""], "resources": ["nodes/metrics", "nodes/stats"], "verbs": ["get"]}]}
	count(r) == 0
}
