package test.chartgate.rbac_webhook_config

import rego.v1

test_denied_0 if {
	r := data.chartgate.rbac_webhook_config.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "verbs": ["create", "patch"]}]}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rbac_webhook_config.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "verbs": ["get"]}]}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.rbac_webhook_config.deny with input as {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r", "namespace": "prod"}, "rules": [{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["mutatingwebhookconfigurations"], "verbs": ["update"], "resourceNames": ["my-webhook"]}]}
	count(r) == 0
}
