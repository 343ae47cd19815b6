# Access to fire safety: places, inspections, hazards, the hazard catalogue, inspection plans, the ledger.
#
# - fire_inspector, grid_worker, community_staff, street_staff and district_admin read and act
#   (register places, inspect, order, claim, verify, reopen) inside their scope.
# - fire_department reads, lists and exports district-wide (its role's scope) and changes nothing.
# - The map (fire_hazard.map: open hazards per grid; fire_place.map: places in a box) is a read like a list.
# - The catalogue and the plans are read by every fire role and edited by a district-level
#   district_admin only.
# - Owners' and contacts' phones are masked unless granted: a fire_inspector or an office role
#   covering the record sees them whole; grid workers and the fire department always see them masked.
# - Four eyes: where the district's setting four_eyes_verification is on (the default), the subject
#   who found a hazard (resource.attributes.found_by) does not verify its fix.
# - District settings (fire_settings, jurisdiction_code = the district): read by every fire role
#   working in the district, changed by the fire_department or a district_admin whose scope covers
#   the whole district.
# - auditor, and every role not named here, gets no fire data.
# Lists, exports without a code and imports carry no jurisdiction_code: they are granted to a role
# that may do the action somewhere, and `scopes` says where (the service filters every row by it).
package gridgov.services.fire

import rego.v1

import data.gridgov.lib

resource_types := {
	"fire_place", "fire_inspection", "fire_hazard", "fire_hazard_type", "fire_inspection_plan",
	"fire_ledger",
}

settings_readers := field_roles | {"fire_department"}

settings_writers := {"fire_department", "district_admin"}

# Resources that carry no jurisdiction: the district's catalogue and plans.
district_resources := {"fire_hazard_type", "fire_inspection_plan"}

office_roles := {"district_admin", "street_staff", "community_staff"}

field_roles := office_roles | {"fire_inspector", "grid_worker"}

read_verbs := {"list", "read", "export", "statistics", "due", "map"}

# Verbs that act on many records at once and so may carry no jurisdiction_code.
bulk_verbs := {"list", "export", "statistics", "due", "import", "map"}

write_actions := {
	"fire_place.create", "fire_place.import",
	"fire_inspection.start", "fire_inspection.record", "fire_inspection.finalize",
	"fire_hazard.order_rectification", "fire_hazard.claim_fix", "fire_hazard.verify", "fire_hazard.reopen",
}

contact_fields := {"owner_phone", "contact_phone"}

ours if {
	input.resource.type in resource_types
	lib.action_type == input.resource.type
}

is_read if lib.verb in read_verbs

# The roles that may perform input.action somewhere.
acting_roles contains role if {
	is_read
	some role in field_roles | {"fire_department"}
}

acting_roles contains role if {
	input.action in write_actions
	some role in field_roles
}

grant contains reason if {
	input.resource.type == "fire_settings"
	input.action == "fire_settings.read"
	some role_grant in input.subject.roles
	role_grant.role in settings_readers
	startswith(role_grant.scope, input.resource.jurisdiction_code)
	reason := concat(" ", [role_grant.role, "may read the fire settings of", input.resource.jurisdiction_code])
}

grant contains reason if {
	input.resource.type == "fire_settings"
	input.action == "fire_settings.update"
	count(input.resource.jurisdiction_code) == 6
	some role_grant in input.subject.roles
	role_grant.role in settings_writers
	startswith(input.resource.jurisdiction_code, role_grant.scope)
	reason := concat(" ", [role_grant.role, "may change the fire settings of", input.resource.jurisdiction_code])
}

deny contains reason if {
	ours
	input.action == "fire_hazard.verify"
	# In any other state the service's answer names the state and the actions it allows.
	input.resource.attributes.state == "rectified"
	input.resource.attributes.four_eyes_verification == true
	input.resource.attributes.found_by == input.subject.id
	reason := concat("", [
		input.subject.id, " found this hazard, so someone else verifies its fix: the district requires ",
		"four-eyes verification (fourEyesVerification)",
	])
}

grant contains reason if {
	ours
	not input.resource.type in district_resources
	input.resource.jurisdiction_code != ""
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
	startswith(input.resource.jurisdiction_code, role_grant.scope)
	reason := concat(" ", [role_grant.role, "may", lib.verb, input.resource.type, "in", role_grant.scope])
}

grant contains reason if {
	ours
	not input.resource.type in district_resources
	input.resource.jurisdiction_code == ""
	lib.verb in bulk_verbs
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
	reason := concat(" ", [role_grant.role, "may", lib.verb, input.resource.type, "within", role_grant.scope])
}

grant contains reason if {
	ours
	input.resource.type in district_resources
	lib.verb == "list"
	some role_grant in input.subject.roles
	role_grant.role in field_roles | {"fire_department"}
	reason := concat(" ", [role_grant.role, "may list", input.resource.type])
}

grant contains reason if {
	ours
	input.resource.type in district_resources
	lib.verb == "update"
	some role_grant in input.subject.roles
	role_grant.role == "district_admin"
	lib.tier_of(role_grant.scope) == "district"
	reason := concat(" ", ["district_admin of", role_grant.scope, "may update", input.resource.type])
}

scopes contains role_grant.scope if {
	ours
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
}

scopes contains input.resource.jurisdiction_code if {
	input.resource.type == "fire_settings"
	input.action == "fire_settings.read"
	count(grants_settings_read) > 0
}

grants_settings_read contains role_grant if {
	some role_grant in input.subject.roles
	role_grant.role in settings_readers
	startswith(role_grant.scope, input.resource.jurisdiction_code)
}

scopes contains role_grant.scope if {
	ours
	input.resource.type in district_resources
	lib.verb == "update"
	some role_grant in input.subject.roles
	role_grant.role == "district_admin"
	lib.tier_of(role_grant.scope) == "district"
}

# Contacts whole: a fire inspector or an office role covering the record; for lists, a subject
# holding such a role and neither grid_worker nor fire_department (a mixed subject's list is masked).
unmask_roles := office_roles | {"fire_inspector"}

unmask contains field if {
	ours
	input.resource.jurisdiction_code != ""
	lib.resource_in_roles(unmask_roles)
	some field in contact_fields
}

unmask contains field if {
	ours
	input.resource.jurisdiction_code == ""
	count(lib.role_scopes(unmask_roles)) > 0
	not "grid_worker" in lib.role_names
	not "fire_department" in lib.role_names
	some field in contact_fields
}

# Why nothing grants, when none of the subject's roles does the action anywhere (a resource outside every
# scope is explained by the gateway's own policy).
explain contains lib.role_reason(acting_roles) if {
	ours
	count(acting_roles) > 0
	count(lib.role_names & acting_roles) == 0
}
