# METADATA
# custom:
#   id: team-owner-label
#   severity: error
package main

import rego.v1

deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.owner
	msg := sprintf("Deployment %s has no owner label", [input.metadata.name])
}
