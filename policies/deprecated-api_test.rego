package test.chartgate.deprecated_api

import rego.v1

test_denied_0 if {
	r := data.chartgate.deprecated_api.deny with input as {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "x", "namespace": "prod"}, "spec": {}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.deprecated_api.deny with input as {"apiVersion": "policy/v1beta1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}, "spec": {}}
	count(r) > 0
}

test_denied_2 if {
	r := data.chartgate.deprecated_api.deny with input as {"apiVersion": "batch/v1beta1", "kind": "CronJob", "metadata": {"name": "x", "namespace": "prod"}, "spec": {}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.deprecated_api.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "namespace": "prod"}, "spec": {}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.deprecated_api.deny with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}, "spec": {}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.deprecated_api.deny with input as {"apiVersion": "policy/v1beta1", "kind": "Eviction", "metadata": {"name": "x", "namespace": "prod"}, "spec": {}}
	count(r) == 0
}

test_allowed_3 if {
	r := data.chartgate.deprecated_api.deny with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "prod"}}
	count(r) == 0
}
