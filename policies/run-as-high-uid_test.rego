package test.chartgate.run_as_high_uid

import rego.v1

test_denied_0 if {
	r := data.chartgate.run_as_high_uid.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"runAsUser": 1000}}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.run_as_high_uid.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"runAsUser": 101}}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.run_as_high_uid.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.run_as_high_uid.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"runAsUser": 10001}}]}}}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.run_as_high_uid.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"runAsUser": 20000}}], "securityContext": {"runAsUser": 1000}}}}}
	count(r) == 0
}
