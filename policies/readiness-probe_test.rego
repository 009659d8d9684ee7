package test.chartgate.readiness_probe

import rego.v1

test_denied_0 if {
	r := data.chartgate.readiness_probe.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.readiness_probe.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "readinessProbe": {"httpGet": {"path": "/", "port": 80}}}]}}}}
	count(r) == 0
}
