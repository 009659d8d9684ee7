package test.chartgate.min_replicas

import rego.v1

test_denied_0 if {
	r := data.chartgate.min_replicas.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}}], "namespace": "prod"}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.min_replicas.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}, "replicas": 1}}], "namespace": "prod"}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.min_replicas.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}, "replicas": 3}}], "namespace": "prod"}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.min_replicas.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}}, {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "web"}, "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}, "minReplicas": 2, "maxReplicas": 5}}], "namespace": "prod"}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.min_replicas.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}, "replicas": 0}}], "namespace": "prod"}
	count(r) == 0
}
