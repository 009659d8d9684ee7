package test.chartgate.sensitive_env_literal

import rego.v1

test_denied_0 if {
	r := data.chartgate.sensitive_env_literal.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "DB_PASSWORD", "value": "hunter2-very-secret"}]}]}}}}
	count(r) > 0
}

test_denied_1 if {
	r := data.chartgate.sensitive_env_literal.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "API_KEY", "value": "AKIA1234567890"}]}]}}}}
	count(r) > 0
}

test_allowed_0 if {
	r := data.chartgate.sensitive_env_literal.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3"}]}}}}
	count(r) == 0
}

test_allowed_1 if {
	r := data.chartgate.sensitive_env_literal.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "DB_PASSWORD_FILE", "value": "/run/secrets/db"}, {"name": "TOKEN", "value": ""}, {"name": "SECRET_NAME", "value": "db"}, {"name": "USE_TOKEN", "value": "true"}, {"name": "PASSWORD", "value": "$(DB_PASS)"}]}]}}}}
	count(r) == 0
}

test_allowed_2 if {
	r := data.chartgate.sensitive_env_literal.deny with input as {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "prod"}, "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}}, "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [{"name": "app", "image": "registry.example.com/app:1.2.3", "env": [{"name": "PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "p"}}}]}]}}}}
	count(r) == 0
}

test_allowed_settings_about_tokens if {
	r := data.chartgate.sensitive_env_literal.deny with input as {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "c"}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "x:1", "env": [{"name": "CASSANDRA_NUM_TOKENS", "value": "256"}, {"name": "ETCD_AUTH_TOKEN", "value": "simple"}, {"name": "ETCD_AUTH_TOKEN_TTL", "value": "600"}, {"name": "ETCD_INITIAL_CLUSTER_TOKEN", "value": "etcd-cluster-k8s"}, {"name": "ETCD_AUTH_TOKEN", "value": "jwt,priv-key=/opt/jwt.key,sign-method=RS256"}]}]}}}}
	count(r) == 0
}
