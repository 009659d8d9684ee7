package test.chartgate.service_without_pods

import rego.v1

test_denied_0 if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "api"}}}], "namespace": "prod"}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}], "namespace": "prod"}
	count(r) > 0
}

test_denied_2 if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "other"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}], "namespace": "prod"}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}], "namespace": "prod"}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}]}}], "namespace": "prod"}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"selector": {"matchLabels": {"app": "web", "tier": "fe"}}, "template": {"metadata": {"labels": {"app": "web", "tier": "fe"}}, "spec": {"containers": [{"name": "app", "image": "app:1"}]}}}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}], "namespace": "prod"}
	count(r) == 0
}
