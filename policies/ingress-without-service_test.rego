package test.chartgate.ingress_without_service

import rego.v1

test_denied_0 if {
	r := data.chartgate.ingress_without_service.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}, {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "api", "port": {"number": 80}}}}]}}]}}], "namespace": "prod"}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.ingress_without_service.deny with input as {"objects": [{"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"serviceName": "web", "servicePort": 80}}]}}]}}], "namespace": "prod"}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.ingress_without_service.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}, {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}], "namespace": "prod"}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.ingress_without_service.deny with input as {"objects": [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"}, "spec": {"ports": [{"port": 80}], "selector": {"app": "web"}}}, {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web"}, "spec": {"rules": [{"host": "a.example.com", "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"serviceName": "web", "servicePort": 80}}]}}]}}], "namespace": "prod"}
	count(r) == 0
}
