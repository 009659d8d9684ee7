package test.chartgate.nginx_snippet_annotations

import rego.v1

test_denied_0 if {
	r := data.chartgate.nginx_snippet_annotations.deny with input as {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i", "annotations": {"nginx.ingress.kubernetes.io/configuration-snippet": "x"}}, "spec": {}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.nginx_snippet_annotations.deny with input as {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "i", "annotations": {"nginx.ingress.kubernetes.io/rewrite-target": "/"}}, "spec": {}}
	count(r) == 0
}
