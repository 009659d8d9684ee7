# METADATA
# title: Workload does not roll updates
# description: >-
#   Deployments with the Recreate strategy stop every pod before starting new ones, and
#   DaemonSets or StatefulSets with OnDelete never replace pods on their own: an upgrade is an
#   outage or does nothing.
# custom:
#   id: rolling-update-strategy
#   kinds: [Deployment, DaemonSet, StatefulSet]
#   severity: info
#   remediation: >-
#     Use `strategy.type: RollingUpdate` (Deployment) or `updateStrategy.type: RollingUpdate`
#     (DaemonSet, StatefulSet), or leave the field unset.
#   equivalents:
#     kube-linter: [no-rolling-update-strategy]
#     kubescape: [C-0305]
#     kube-score: [deployment-strategy]
package chartgate.rolling_update_strategy

import rego.v1

import data.lib.k8s

field := "strategy" if input.kind == "Deployment"

field := "updateStrategy" if input.kind in {"DaemonSet", "StatefulSet"}

deny contains {"msg": msg, "path": path} if {
	t := input.spec[field].type
	is_string(t)
	t != "RollingUpdate"
	msg := sprintf("%s %q uses the %s update strategy", [input.kind, data.lib.k8s.name, t])
	path := ["spec", field, "type"]
}
