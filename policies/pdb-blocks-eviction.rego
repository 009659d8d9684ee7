# METADATA
# title: PodDisruptionBudget allows no disruption
# description: >-
#   A PodDisruptionBudget with maxUnavailable 0 or minAvailable 100% blocks every voluntary
#   eviction, so node drains and cluster upgrades hang until someone deletes the budget.
# custom:
#   id: pdb-blocks-eviction
#   kinds: [PodDisruptionBudget]
#   severity: warning
#   remediation: >-
#     Allow at least one disruption: `maxUnavailable: 1` (or a percentage above 0), or a
#     `minAvailable` below the replica count.
#   equivalents:
#     kube-linter: [pdb-max-unavailable, pdb-min-available]
#     polaris: [pdbDisruptionsIsZero]
#     kube-score: [poddisruptionbudget-has-policy]
package chartgate.pdb_blocks_eviction

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind == "PodDisruptionBudget"
	v := input.spec.maxUnavailable
	v in {0, "0", "0%"}
	msg := sprintf("PodDisruptionBudget %q sets maxUnavailable %v: no pod can ever be evicted", [data.lib.k8s.name, v])
	path := ["spec", "maxUnavailable"]
}

deny contains {"msg": msg, "path": path} if {
	input.kind == "PodDisruptionBudget"
	input.spec.minAvailable == "100%"
	msg := sprintf("PodDisruptionBudget %q sets minAvailable 100%%: no pod can ever be evicted", [data.lib.k8s.name])
	path := ["spec", "minAvailable"]
}
