package test.chartgate.image_tag_latest

import rego.v1

test_denied_0 if {
	r := data.chartgate.image_tag_latest.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.image_tag_latest.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "nginx:latest"}]}}}}
	count(r) > 0
}

test_denied_2 if {
	r := data.chartgate.image_tag_latest.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry:5000/team/app"}]}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.image_tag_latest.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "nginx:1.27"}]}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.image_tag_latest.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry:5000/app:1.0"}]}}}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.image_tag_latest.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "nginx@sha256:0123456789abcdef"}]}}}}
	count(r) == 0
}
