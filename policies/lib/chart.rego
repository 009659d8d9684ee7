# Helpers for chart-scope policies (METADATA `custom.scope: chart`), which see every object of
# a chart at once: `input.objects` (in render order) and `input.namespace` (the release
# namespace that objects without metadata.namespace are installed into).
package lib.chart

import rego.v1

import data.lib.k8s

# One entry per object, described once so policies compare plain fields in their loops:
# {"i": index in input.objects, "o": object, "kind", "name", "ns": namespace it lands in}.
objects := [x |
	some i, o in k8s.iter(input.objects)
	is_object(o)
	x := {"i": i, "o": o, "kind": kind_of(o), "name": name_of(o), "ns": namespace_of(o)}
]

kind_of(o) := k if {
	k := o.kind
	is_string(k)
} else := ""

# The namespace an object lands in.
namespace_of(o) := n if {
	n := o.metadata.namespace
	is_string(n)
	n != ""
} else := n if {
	n := input.namespace
	is_string(n)
} else := ""

as_obj(x) := x if is_object(x)

as_obj(x) := {} if not is_object(x)

name_of(o) := n if {
	n := o.metadata.name
	is_string(n)
} else := ""

# Labels of the pods a workload creates.
pod_labels(o) := as_obj(object.get(o, ["metadata", "labels"], {})) if o.kind == "Pod"

pod_labels(o) := as_obj(object.get(o, ["spec", "template", "metadata", "labels"], {})) if data.lib.k8s.workload_kinds[o.kind]

pod_labels(o) := as_obj(object.get(o, ["spec", "jobTemplate", "spec", "template", "metadata", "labels"], {})) if o.kind == "CronJob"

# Every object that creates pods, as in `objects` plus "labels": its pods' labels.
workloads := [object.union(x, {"labels": pod_labels(x.o)}) |
	some x in objects
	pod_labels(x.o)
]

# A Service-style selector (plain map): every pair present. An empty map selects nothing.
selects_map(sel, labels) if {
	is_object(sel)
	count(sel) > 0
	every k, v in sel {
		may_have_pair(labels, k, v)
	}
}

# A LabelSelector (matchLabels + matchExpressions); empty selects everything.
selects(sel, labels) if {
	s := as_obj(sel)
	every k, v in as_obj(object.get(s, "matchLabels", {})) {
		may_have_pair(labels, k, v)
	}
	every e in k8s.iter(object.get(s, "matchExpressions", [])) {
		expression_holds(e, labels)
	}
}

# labels[k] == v, as a function: regorus's bytecode compiler (0.14) treats an `every`
# loop's own variables as unbound when they index a collection in its body (`labels[k]`
# iterates every key), so bodies only pass them to functions.
has_pair(labels, k, v) if labels[k] == v

expression_holds(e, labels) if {
	e.operator == "In"
	labels[e.key] in k8s.iter(e.values)
}

expression_holds(e, labels) if {
	e.operator == "NotIn"
	not labels[e.key] in k8s.iter(e.values)
}

expression_holds(e, labels) if {
	e.operator == "Exists"
	_ = labels[e.key]
}

expression_holds(e, labels) if {
	e.operator == "DoesNotExist"
	not has_label(labels, e.key)
}

has_label(labels, k) if {
	_ = labels[k]
}

# Pod labels that controllers add themselves, so no template shows them: a selector may
# use them (e.g. one Service per StatefulSet pod by `statefulset.kubernetes.io/pod-name`).
controller_assigned(k) if k in {
	"statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
	"controller-revision-hash", "pod-template-hash", "job-name", "controller-uid",
	"batch.kubernetes.io/job-name", "batch.kubernetes.io/controller-uid",
	"batch.kubernetes.io/job-completion-index",
}

# A selector pair a pod of the workload has, or may get from its controller.
may_have_pair(labels, k, v) if has_pair(labels, k, v)

may_have_pair(_, k, _) if controller_assigned(k)

# Objects of API groups Kubernetes does not serve itself: an operator's custom resources.
custom_resources := [x |
	some x in objects
	gv := object.get(x.o, "apiVersion", "")
	is_string(gv)
	contains(gv, "/")
	group := split(gv, "/")[0]
	not builtin_group(group)
]

builtin_group(g) if not contains(g, ".")

builtin_group(g) if endswith(g, ".k8s.io")

# The selector may pick pods an operator creates from one of the chart's custom resources in
# namespace `ns`: operators label their pods with the resource's name or with its kind in
# lower case (Prometheus → `app.kubernetes.io/name: prometheus`, VMAgent → `vmagent`).
operator_pods(sel, ns) if {
	some cr in custom_resources
	cr.ns == ns
	some v in sel
	operator_value(cr, v)
}

operator_value(cr, v) if v == cr.name

operator_value(cr, v) if v == lower(cr.kind)

# A namespace for the cluster's own components: a chart's Service there (scraping
# kube-scheduler, coredns, …) selects pods the chart does not render.
system_namespace(ns) if ns in {"kube-system"}
