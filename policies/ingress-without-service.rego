# METADATA
# title: Ingress routes to a Service the chart does not create
# description: >-
#   An Ingress backend names a Service that is not among the chart's objects, so the controller
#   answers 503 for that path.
# custom:
#   id: ingress-without-service
#   scope: chart
#   severity: warning
#   remediation: >-
#     Point the backend at a Service the chart renders (check the name template), or render the
#     Ingress only when that Service exists.
#   equivalents:
#     kube-linter: [dangling-ingress]
#     kubescape: [C-0298]
#     kube-score: [ingress-targets-service]
package chartgate.ingress_without_service

import rego.v1

import data.lib.k8s
import data.lib.chart

deny contains {"msg": msg, "path": path, "object": i} if {
	some x in data.lib.chart.objects
	x.kind == "Ingress"
	i := x.i
	some [path, name] in backends(x.o)
	not service_exists(x, name)
	msg := sprintf("Ingress %q routes to Service %q, which the chart does not create", [x.name, name])
}

backends(g) := {[p, n] |
	some r, rule in k8s.iter(object.get(g, ["spec", "rules"], []))
	some j, pth in k8s.iter(object.get(rule, ["http", "paths"], []))
	some [sub, n] in backend_name(pth.backend)
	p := array.concat(["spec", "rules", r, "http", "paths", j, "backend"], sub)
} | {[p, n] |
	some b in [object.get(g, ["spec", "defaultBackend"], null), object.get(g, ["spec", "backend"], null)]
	some [sub, n] in backend_name(b)
	p := array.concat(["spec", "defaultBackend"], sub)
}

backend_name(b) := {[["service", "name"], b.service.name]} if is_string(b.service.name)

backend_name(b) := {[["serviceName"], b.serviceName]} if is_string(b.serviceName)

backend_name(b) := set() if {
	not is_string(b.service.name)
	not is_string(b.serviceName)
}

service_exists(g, name) if {
	some s in data.lib.chart.objects
	s.kind == "Service"
	s.name == name
	s.ns == g.ns
}
