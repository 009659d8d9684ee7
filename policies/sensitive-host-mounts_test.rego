package test.chartgate.sensitive_host_mounts

import rego.v1

test_denied_0 if {
	r := data.chartgate.sensitive_host_mounts.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "volumes": [{"name": "root", "hostPath": {"path": "/"}}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.sensitive_host_mounts.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "volumes": [{"name": "d", "hostPath": {"path": "/var/run/docker.sock"}}]}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.sensitive_host_mounts.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "volumes": [{"name": "l", "hostPath": {"path": "/var/log/app"}}]}}}}
	count(r) == 0
}
