# Shared helpers for the built-in policies: where a pod spec lives in each workload kind, and
# every container with its path (so findings can point at the exact field).
#
# Policies name these rules by full path (`data.lib.k8s.pod_spec`), not through the import alias
# (`k8s.pod_spec`): the library runs compiled (regorus's bytecode VM), where an aliased
# reference evaluates the whole lib.k8s document on every use. Functions (`k8s.iter(x)`) are
# called through the alias.
package lib.k8s

import rego.v1

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"}

pod_path := ["spec"] if input.kind == "Pod"

pod_path := ["spec", "template", "spec"] if workload_kinds[input.kind]

pod_path := ["spec", "jobTemplate", "spec", "template", "spec"] if input.kind == "CronJob"

pod_spec := object.get(input, pod_path, {})

is_workload if pod_path

pod_security_context := object.get(pod_spec, "securityContext", {})

# Every container: {"container", "path", "type", "sc"} with type containers, initContainers or
# ephemeralContainers, and sc its effective securityContext (computed once per object here, so
# policies read `c.sc.field` instead of calling `effective` per container and policy).
containers contains {"container": c, "path": array.concat(pod_path, [t, i]), "type": t, "sc": effective_context(c)} if {
	some t in ["containers", "initContainers", "ephemeralContainers"]
	some i, c in iter(object.get(pod_spec, t, []))
}

# Regular and init containers, which run for the pod's lifetime (ephemeral ones are debug tools).
app_containers contains c if {
	some c in containers
	c.type != "ephemeralContainers"
}

name := object.get(input, ["metadata", "name"], "")

# The effective value of a securityContext field: the container's, else the pod's.
effective(c, field) := c.securityContext[field]

effective(c, field) := pod_security_context[field] if {
	not has_key(object.get(c, "securityContext", {}), field)
}

# The container's securityContext over the pod's, field by field (not deeply: a container's
# windowsOptions replaces the pod's whole), so `sc[field]` is what `effective` gives for every
# field. A non-object securityContext counts as empty.
effective_context(c) := object.union(object.remove(pod, sc), sc) if {
	pod := as_object(pod_security_context)
	sc := as_object(object.get(c, "securityContext", {}))
}

as_object(x) := x if is_object(x)

as_object(x) := {} if not is_object(x)

has_key(obj, k) if {
	_ = obj[k]
}

volumes contains {"volume": v, "path": array.concat(pod_path, ["volumes", i])} if {
	some i, v in iter(object.get(pod_spec, "volumes", []))
}

# A collection to iterate: real manifests carry nulls (`env:` with nothing under it), which
# count as empty instead of failing the evaluation.
iter(x) := x if is_array(x)

iter(x) := x if is_object(x)

iter(x) := x if is_set(x)

iter(x) := [] if {
	not is_array(x)
	not is_object(x)
	not is_set(x)
}

# A key or variable name that says it holds a credential (password, token, API key…), and not
# a reference to one (a file path, a Secret's name, a user name, a flag). Plain string tests:
# a regex would be compiled again on every call.
credential_name(n) if {
	is_string(n)
	l := lower(n)
	some w in ["password", "passwd", "secret", "token", "apikey", "api_key", "api-key", "private_key", "privatekey", "private-key", "access_key", "accesskey", "access-key", "credential"]
	contains(l, w)
	not credential_reference(l)
}

credential_reference(l) if {
	some s in ["_file", "_path", "_dir", "_name", "_user", "_username", "_enabled", "_url", "_ref", "_type", "_mode", "_ttl", "_length", "_size", "_count", "_expiry", "_timeout", "_header", ".sh", ".py", ".yaml", ".yml", ".json", ".conf", ".ini", ".toml", ".txt", ".js", ".lua", ".tpl"]
	endswith(l, s)
}

# Settings about credentials rather than credentials: NUM_TOKENS, TOKEN_TTL, AUTH_TOKEN_TYPE.
credential_reference(l) if {
	some s in ["num_", "max_", "min_", "cluster_token"]
	contains(l, s)
}
