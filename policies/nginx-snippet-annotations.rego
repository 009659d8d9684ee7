# METADATA
# title: ingress-nginx snippet annotation
# description: >-
#   configuration-snippet, server-snippet and similar ingress-nginx annotations inject raw nginx
#   config (CVE-2021-25742: read the controller's token).
# custom:
#   id: nginx-snippet-annotations
#   kinds: [Ingress]
#   severity: error
#   security-severity: 8.0
#   remediation: >-
#     Remove the snippet annotation; use the controller's typed annotations instead.
#   equivalents:
#     checkov: [CKV_K8S_153]
#     trivy: [KCV-0093]
#     kubescape: [C-0059]
package chartgate.nginx_snippet_annotations

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	input.kind == "Ingress"
	some k, _ in k8s.iter(input.metadata.annotations)
	endswith(k, "-snippet")
	startswith(k, "nginx.ingress.kubernetes.io/")
	msg := sprintf("Ingress %q uses annotation %s", [data.lib.k8s.name, k])
	path := ["metadata", "annotations", k]
}
