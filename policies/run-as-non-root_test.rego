package test.chartgate.run_as_non_root

import rego.v1

test_denied_0 if {
	r := data.chartgate.run_as_non_root.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.run_as_non_root.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"runAsNonRoot": false}}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.run_as_non_root.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"runAsNonRoot": true}}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.run_as_non_root.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"runAsNonRoot": true}}]}}}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.run_as_non_root.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"runAsUser": 1000}}}}}
	count(r) == 0
}

# A null container securityContext inherits the pod's.
test_allowed_null_container_context_inherits_pod if {
	r := data.chartgate.run_as_non_root.deny with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "app", "image": "app:1", "securityContext": null}]}}
	count(r) == 0
}
