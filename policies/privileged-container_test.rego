package test.chartgate.privileged_container

import rego.v1

test_denied_0 if {
	r := data.chartgate.privileged_container.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"privileged": true}}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.privileged_container.deny with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "prod"}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"privileged": true}}]}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.privileged_container.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"privileged": false}}]}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.privileged_container.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) == 0
}
