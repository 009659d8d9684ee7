package test.chartgate.rolling_update_strategy

import rego.v1

test_denied_0 if {
	r := data.chartgate.rolling_update_strategy.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"strategy": {"type": "Recreate"}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.rolling_update_strategy.deny with input as {"apiVersion": "apps/v1", "kind": "DaemonSet", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"updateStrategy": {"type": "OnDelete"}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.rolling_update_strategy.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "namespace": "prod"}, "spec": {}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.rolling_update_strategy.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"strategy": {"type": "RollingUpdate"}}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.rolling_update_strategy.deny with input as {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"updateStrategy": null}}
	count(r) == 0
}
