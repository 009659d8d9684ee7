package test.chartgate.rbac_cluster_admin_binding

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_cluster_admin_binding.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}, "subjects": []}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_cluster_admin_binding.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRoleBinding", "metadata": {"name": "b"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"}, "subjects": []}
	count(r) == 0
}
