package test.chartgate.seccomp_profile

import rego.v1

test_denied_0 if {
	r := data.chartgate.seccomp_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.seccomp_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"seccompProfile": {"type": "Unconfined"}}}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.seccomp_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.seccomp_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}}]}}}}
	count(r) == 0
}
