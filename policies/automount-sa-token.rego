# METADATA
# title: Service account token mounted
# description: >-
#   Pods get an API token mounted by default; a compromised container can then talk to the
#   Kubernetes API with the pod's rights.
# custom:
#   id: automount-sa-token
#   kinds: [workload]
#   severity: info
#   security-severity: 3.0
#   remediation: >-
#     Set `automountServiceAccountToken: false` on the pod (or its ServiceAccount) unless it calls
#     the API.
#   equivalents:
#     checkov: [CKV_K8S_38]
#     polaris: [automountServiceAccountToken]
#     trivy: [KSV036]
#     kubescape: [C-0034]
package chartgate.automount_sa_token

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	data.lib.k8s.is_workload
	not data.lib.k8s.pod_spec.automountServiceAccountToken == false
	msg := sprintf("%s %q mounts a service account token (automountServiceAccountToken is not false)", [input.kind, data.lib.k8s.name])
	path := array.concat(data.lib.k8s.pod_path, ["automountServiceAccountToken"])
}
