package test.chartgate.pdb_blocks_eviction

import rego.v1

test_denied_0 if {
	r := data.chartgate.pdb_blocks_eviction.deny with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"maxUnavailable": 0}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.pdb_blocks_eviction.deny with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"minAvailable": "100%"}}
	count(r) > 0
}

test_denied_2 if {
	r := data.chartgate.pdb_blocks_eviction.deny with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"maxUnavailable": "0%"}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.pdb_blocks_eviction.deny with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"maxUnavailable": 1}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.pdb_blocks_eviction.deny with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}, "spec": {"minAvailable": "50%"}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.pdb_blocks_eviction.deny with input as {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x", "namespace": "prod"}}
	count(r) == 0
}
