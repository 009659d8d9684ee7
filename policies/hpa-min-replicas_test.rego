package test.chartgate.hpa_min_replicas

import rego.v1

test_denied_0 if {
	r := data.chartgate.hpa_min_replicas.deny with input as {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"maxReplicas": 5}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.hpa_min_replicas.deny with input as {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"minReplicas": 1, "maxReplicas": 5}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.hpa_min_replicas.deny with input as {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"minReplicas": 2, "maxReplicas": 5}}
	count(r) == 0
}
