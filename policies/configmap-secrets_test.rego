package test.chartgate.configmap_secrets

import rego.v1

test_denied_0 if {
	r := data.chartgate.configmap_secrets.deny with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "prod"}, "data": {"DB_PASSWORD": "s3cr3t-Pa55w0rd"}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.configmap_secrets.deny with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "prod"}, "data": {"tls.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n"}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.configmap_secrets.deny with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "prod"}, "data": {"entrypoint.sh": "#!/bin/sh\necho $PASSWORD | login\n"}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.configmap_secrets.deny with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "prod"}, "data": {"password_file": "/etc/secret/pw", "TOKEN": "", "API_KEY": "${API_KEY}"}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.configmap_secrets.deny with input as {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x", "namespace": "prod"}, "data": null}
	count(r) == 0
}
