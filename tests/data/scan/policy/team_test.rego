package main

import rego.v1

test_missing_owner_denied if {
	count(deny) == 1 with input as {"kind": "Deployment", "metadata": {"name": "x"}}
}

test_owner_allowed if {
	count(deny) == 0 with input as {"kind": "Deployment", "metadata": {"name": "x", "labels": {"owner": "a"}}}
}
