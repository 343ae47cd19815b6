# The decision the gateway asks for on every operation: data.gridgov.authz.decision.
#
# Each enabled service contributes a package gridgov.services.<name> with any of:
#   grant contains reason   - this request is allowed, and why
#   deny contains reason    - this request is refused whatever is granted, and why
#   explain contains reason - why nothing grants this request, in words the user can act on (used only
#                             when nothing grants it: the case's tier, the unit it is dispatched to, ...)
#   scopes contains prefix  - jurisdiction prefixes the subject may read for input.action
#   mask contains field     - personal fields to mask in this request's answer
#   unmask contains field   - personal fields this subject may see whole for this resource
# The bundle loader generates package gridgov.enabled (enabled.rego), which gathers these from
# every enabled service package by name, so the bundle also compiles to regorus's VM.
package gridgov.authz

import rego.v1

import data.gridgov.lib

grants contains reason if {
	some reason in data.gridgov.enabled.grant
}

denies contains reason if {
	some reason in data.gridgov.enabled.deny
}

explanations contains reason if {
	some reason in data.gridgov.enabled.explain
}

# A resource outside every scope of the subject is refused for that reason, whichever service owns it.
explanations contains lib.outside_scope_reason if lib.outside_every_scope

# Auditors read the decision log district-wide; nothing else is granted by this package.
grants contains "auditor reads the decision log" if {
	input.resource.type == "access_decision"
	input.action in {"access_decision.list", "access_decision.verify", "access_decision.export"}
	"auditor" in lib.role_names
}

# Every authenticated subject may read its own identity (the gateway's viewer field).
grants contains "a subject reads its own identity" if {
	input.action == "viewer.read"
	input.resource.type == "viewer"
	input.resource.id == input.subject.id
}

scopes contains scope if {
	some scope in data.gridgov.enabled.scopes
}

scopes contains scope if {
	input.resource.type == "access_decision"
	some scope in lib.role_scopes({"auditor"})
}

# Set operations, not a rule per field: one builtin call each in regorus's VM.
unmasked := {field | some field in data.gridgov.enabled.unmask}

masked := (lib.personal_fields - unmasked) | {field | some field in data.gridgov.enabled.mask}

allow if {
	count(grants) > 0
	count(denies) == 0
}

# Built with concat, not sprintf: rego-cpp quotes strings that sprintf receives from concat.
# No internal identifiers: "community staff may not dispatch cases in 110108001".
default_reason := concat("", [lib.role_words, " may not ", lib.verb_words, " ", lib.types_words, where_words])

where_words := concat("", [" in ", input.resource.jurisdiction_code]) if input.resource.jurisdiction_code != ""

where_words := "" if input.resource.jurisdiction_code == ""

reasons := sort(denies) if count(denies) > 0

reasons := sort(grants) if {
	count(denies) == 0
	count(grants) > 0
}

reasons := sort(explanations) if {
	count(denies) == 0
	count(grants) == 0
	count(explanations) > 0
}

reasons := [default_reason] if {
	count(denies) == 0
	count(grants) == 0
	count(explanations) == 0
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

# Evidence media (the gateway's own resource): the roles that report, handle, inspect or command send and read
# the photos, videos and voice notes of their jurisdictions. The original (its EXIF says where and when it was
# taken) and the location are for the roles that work on the ground or command it; a handling unit or a resident
# is shown the copy without metadata.
media_roles := {
	"district_admin", "street_staff", "community_staff", "grid_worker", "grid_leader", "handling_unit",
	"fire_inspector", "fire_department", "environment_bureau", "resident",
}

media_locating_roles := {
	"district_admin", "street_staff", "community_staff", "grid_worker", "grid_leader", "fire_inspector",
	"fire_department", "environment_bureau",
}

grants contains "sends evidence for its jurisdiction" if {
	input.action == "media.upload"
	input.resource.type == "media"
	lib.resource_in_roles(media_roles)
}

grants contains "reads evidence in its jurisdiction" if {
	input.action == "media.read"
	input.resource.type == "media"
	lib.resource_in_roles(media_roles)
}

grants contains "sees where evidence in its jurisdiction was taken" if {
	input.action == "media.locate"
	input.resource.type == "media"
	lib.resource_in_roles(media_locating_roles)
}
