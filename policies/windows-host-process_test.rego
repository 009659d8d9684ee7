package test.chartgate.windows_host_process

import rego.v1

test_denied_0 if {
	r := data.chartgate.windows_host_process.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"windowsOptions": {"hostProcess": true}}}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.windows_host_process.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}], "securityContext": {"windowsOptions": {"hostProcess": true}}}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.windows_host_process.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.windows_host_process.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "securityContext": {"windowsOptions": {"hostProcess": false}}}]}}}}
	count(r) == 0
}

# A container's own windowsOptions replaces the pod's as a whole (the effective securityContext
# is merged field by field, not deeply), as k8s.effective always did.
test_allowed_container_options_replace_pod if {
	r := data.chartgate.windows_host_process.deny with input as {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {"securityContext": {"windowsOptions": {"hostProcess": true}}, "containers": [{"name": "app", "image": "app:1", "securityContext": {"windowsOptions": {"runAsUserName": "x"}}}]}}
	count(r) == 0
}
