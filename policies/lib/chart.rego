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
		has_pair(labels, k, v)
	}
}

# A LabelSelector (matchLabels + matchExpressions); empty selects everything.
selects(sel, labels) if {
	s := as_obj(sel)
	every k, v in as_obj(object.get(s, "matchLabels", {})) {
		has_pair(labels, k, v)
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
