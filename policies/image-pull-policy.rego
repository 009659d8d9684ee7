# METADATA
# title: imagePullPolicy is not Always
# description: >-
#   With IfNotPresent or Never a node reuses whatever image it cached under the tag, so a re-
#   pushed tag or a different node can run different code, and registry authorization is not
#   checked again.
# custom:
#   id: image-pull-policy
#   kinds: [workload]
#   severity: info
#   remediation: >-
#     Set `imagePullPolicy: Always`, or pin images by digest (then the policy no longer
#     matters).
#   equivalents:
#     checkov: [CKV_K8S_15]
#     polaris: [pullPolicyNotAlways]
#     kubescape: [C-0075]
#     kube-score: [container-image-pull-policy]
package chartgate.image_pull_policy

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	policy := object.get(c.container, "imagePullPolicy", "")
	policy != "Always"
	not pinned(c.container.image)
	msg := sprintf("container %q has imagePullPolicy %v, not Always", [c.container.name, policy_name(policy)])
	path := array.concat(c.path, ["imagePullPolicy"])
}

pinned(image) if contains(image, "@sha256:")

policy_name(p) := p if p != ""

policy_name(p) := "unset" if p == ""
