# METADATA
# title: Binding to cluster-admin
# description: >-
#   Binding a subject to cluster-admin gives it full control of the cluster.
# custom:
#   id: rbac-cluster-admin-binding
#   kinds: [RoleBinding, ClusterRoleBinding]
#   severity: error
#   security-severity: 8.5
#   remediation: >-
#     Bind a Role or ClusterRole with only the permissions needed.
#   equivalents:
#     kube-linter: [cluster-admin-role-binding]
#     polaris: [clusterrolebindingClusterAdmin]
#     trivy: [KSV111]
#     kubescape: [C-0035]
package chartgate.rbac_cluster_admin_binding

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind in {"RoleBinding", "ClusterRoleBinding"}
	input.roleRef.name == "cluster-admin"
	msg := sprintf("%s %q binds cluster-admin", [input.kind, data.lib.k8s.name])
	path := ["roleRef", "name"]
}
