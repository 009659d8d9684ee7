# METADATA
# title: Image without a pinned tag
# description: >-
#   An image without a tag, or tagged `latest`, changes under you: rollbacks and audits can't
#   tell what ran.
# custom:
#   id: image-tag-latest
#   kinds: [workload]
#   severity: warning
#   security-severity: 5.0
#   remediation: >-
#     Pin the image to a version tag or a digest (`image@sha256:…`).
#   equivalents:
#     kube-linter: [latest-tag]
#     checkov: [CKV_K8S_14]
#     polaris: [tagNotSpecified]
#     trivy: [KSV013]
package chartgate.image_tag_latest

import rego.v1

import data.lib.k8s

deny contains {"msg": msg, "path": path} if {
	some c in data.lib.k8s.app_containers
	img := c.container.image
	not contains(img, "@")
	unpinned(img)
	msg := sprintf("container %q uses image %q without a pinned tag", [c.container.name, img])
	path := array.concat(c.path, ["image"])
}

# The tag is what follows the last ':' after the last '/' (a registry port is not a tag).
tag(img) := t if {
	parts := split(img, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	t := split(last, ":")[1]
}

unpinned(img) if not tag(img)

unpinned(img) if {
	tag(img) == "latest"
}
