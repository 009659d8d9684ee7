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

# One Service per StatefulSet pod, by the label the StatefulSet controller adds.
test_allowed_controller_label if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "db"}, "spec": {"selector": {"matchLabels": {"app": "db"}}, "template": {"metadata": {"labels": {"app": "db"}}, "spec": {"containers": [{"name": "db", "image": "db:1"}]}}}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "db-0"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "db", "statefulset.kubernetes.io/pod-name": "db-0"}}}], "namespace": "prod"}
	count(r) == 0
}

# Pods an operator creates from the chart's custom resource (labelled with its kind or name).
test_allowed_operator_pods if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "monitoring.coreos.com/v1", "kind": "Alertmanager", "metadata": {"name": "am"}, "spec": {}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "am"}, "spec": {"ports": [{"port": 9093}], "selector": {"app.kubernetes.io/name": "alertmanager", "alertmanager": "am"}}}], "namespace": "prod"}
	count(r) == 0
}

# A built-in kind in a dotted group is no operator resource: still a dangling Service.
test_denied_builtin_group_is_not_operator if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "ingress"}, "spec": {}}, {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "ingress"}}}], "namespace": "prod"}
	count(r) > 0
}

# Services a chart puts in kube-system to expose control-plane components for scraping.
test_allowed_kube_system if {
	r := data.chartgate.service_without_pods.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "coredns-metrics", "namespace": "kube-system"}, "spec": {"ports": [{"port": 9153}], "selector": {"k8s-app": "kube-dns"}}}], "namespace": "prod"}
	count(r) == 0
}
