package test.chartgate.secret_in_env_var

import rego.v1

test_denied_0 if {
	r := data.chartgate.secret_in_env_var.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.secret_in_env_var.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "envFrom": [{"secretRef": {"name": "db"}}]}]}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.secret_in_env_var.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.secret_in_env_var.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "MODE", "value": "prod"}, {"name": "CFG", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}}], "envFrom": null}]}}}}
	count(r) == 0
}
