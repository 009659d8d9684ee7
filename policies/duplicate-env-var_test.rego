package test.chartgate.duplicate_env_var

import rego.v1

test_denied_0 if {
	r := data.chartgate.duplicate_env_var.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "A", "value": "1"}, {"name": "A", "value": "2"}]}]}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.duplicate_env_var.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}]}]}}}}
	count(r) == 0
}
