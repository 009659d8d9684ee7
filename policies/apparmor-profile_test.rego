package test.chartgate.apparmor_profile

import rego.v1

test_denied_0 if {
	r := data.chartgate.apparmor_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.apparmor_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}}}}
	count(r) > 0
}

test_denied_2 if {
	r := data.chartgate.apparmor_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}, "annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.apparmor_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.apparmor_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}, "annotations": {"container.apparmor.security.beta.kubernetes.io/app": "runtime/default"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.apparmor_profile.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}], "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}}}}
	count(r) == 0
}
