# The decision the gateway asks for on every operation: data.gridgov.authz.decision.
#
# Each enabled service contributes a package gridgov.services.<name> with any of:
#   grant contains reason   - this request is allowed, and why
#   deny contains reason    - this request is refused whatever is granted, and why
#   scopes contains prefix  - jurisdiction prefixes the subject may read for input.action
#   mask contains field     - personal fields to mask in this request's answer
#   unmask contains field   - personal fields this subject may see whole for this resource
package gridgov.authz

import rego.v1

import data.gridgov.lib

grants contains reason if {
	some name
	some reason in data.gridgov.services[name].grant
}

denies contains reason if {
	some name
	some reason in data.gridgov.services[name].deny
}

# Auditors read the decision log district-wide; nothing else is granted by this package.
grants contains "auditor reads the decision log" if {
	input.resource.type == "access_decision"
	input.action in {"access_decision.list", "access_decision.verify", "access_decision.export"}
	"auditor" in lib.role_names
}

scopes contains scope if {
	some name
	some scope in data.gridgov.services[name].scopes
}

scopes contains scope if {
	input.resource.type == "access_decision"
	some scope in lib.role_scopes({"auditor"})
}

unmasked contains field if {
	some name
	some field in data.gridgov.services[name].unmask
}

masked contains field if {
	some name
	some field in data.gridgov.services[name].mask
}

masked contains field if {
	some field in lib.personal_fields
	not field in unmasked
}

allow if {
	count(grants) > 0
	count(denies) == 0
}

# Built with concat, not sprintf: rego-cpp quotes strings that sprintf receives from concat.
default_reason := concat(" ", [
	"no rule grants", input.action, "on", input.resource.type, input.resource.jurisdiction_code,
	"to roles", concat(",", sort(lib.role_names)),
])

reasons := sort(denies) if count(denies) > 0

reasons := sort(grants) if {
	count(denies) == 0
	count(grants) > 0
}

reasons := [default_reason] if {
	count(denies) == 0
	count(grants) == 0
}

decision := {
	"allow": allow,
	"reasons": reasons,
	"mask": sort(masked),
	"scopes": sort(scopes),
} if allow

decision := {
	"allow": false,
	"reasons": reasons,
	"mask": sort(masked),
	"scopes": [],
} if not allow
