# Access to pollution-source inspection: sources, grid heads, patrols, the missed patrol windows
# raised to the notifier, violations, assessments, air quality and the configurable rules.
#
# - grid_leader (a grid head at level 1..4, the level given by its scope's length) reads inside its
#   scope, keeps the sources and reports violations there, records its own patrols (the patroller,
#   resource.attributes.patroller, is the subject) at its own level and scope only, and assigns grid
#   heads strictly below its level.
# - environment_bureau reads district-wide (or wherever its scope is), keeps sources and violations,
#   assigns grid heads, enters a head's patrol on the head's behalf (the record keeps who entered
#   it), ingests air-quality readings and, with a district scope, changes the rules.
# - Missed patrol windows (missed_patrol) are read like patrols: every reading role, inside its scope.
# - The map (violation.map: open violations per grid; pollution_source.map: sources in a box) is read like a
#   list: every reading role, inside its scope.
# - district_admin, street_staff, community_staff and grid_worker read inside their scope;
#   district_admin also assigns grid heads and, with a district scope, changes the rules.
# - auditor, and every role not named here, gets no inspection data.
# - Contact phones are masked unless granted: environment_bureau sees them whole, and a grid head
#   sees them on a single record inside its scope (never in lists).
# Lists, exports, imports and period reports carry no jurisdiction_code: they are granted to a role
# that may do the action somewhere, and `scopes` says where (the service filters every row by it).
package gridgov.services.inspection

import rego.v1

import data.gridgov.lib

resource_types := {
	"pollution_source", "grid_head", "patrol", "missed_patrol", "violation", "assessment", "air_quality",
	"inspection_rules",
}

read_verbs := {"list", "read", "export", "due", "compare", "map"}

reader_roles := {
	"grid_leader", "environment_bureau", "district_admin", "street_staff", "community_staff",
	"grid_worker",
}

# What a grid head may change inside its scope.
head_writes := {
	"pollution_source.create", "pollution_source.update", "pollution_source.import",
	"pollution_source.rectify", "pollution_source.resume", "pollution_source.close",
	"pollution_source.relocate", "pollution_source.reopen", "violation.report",
	"violation.add_evidence", "patrol.record", "grid_head.assign",
}

# Patrols are the grid heads' own duty (the bureau enters one only on a head's behalf); the bureau keeps
# everything else.
bureau_writes := head_writes | {"air_quality.ingest", "inspection_rules.set"}

admin_writes := {"grid_head.assign", "inspection_rules.set"}

# Actions over many records at once, asked without a jurisdiction_code.
bulk_actions := {
	"pollution_source.list", "pollution_source.export", "pollution_source.import", "grid_head.list",
	"patrol.list", "patrol.due", "missed_patrol.list", "violation.list", "assessment.read", "air_quality.compare",
	"air_quality.ingest", "inspection_rules.read", "inspection_rules.set", "violation.map", "pollution_source.map",
}

# Changed for the whole district at once: only a district-wide grant may.
district_only := {"inspection_rules.set"}

contact_fields := {"contact_phone", "phone"}

ours if {
	input.resource.type in resource_types
	lib.action_type == input.resource.type
}

is_read if lib.verb in read_verbs

# The roles that may perform input.action somewhere.
acting_roles contains role if {
	is_read
	some role in reader_roles
}

acting_roles contains "grid_leader" if input.action in head_writes

acting_roles contains "environment_bureau" if input.action in bureau_writes

acting_roles contains "district_admin" if input.action in admin_writes

# A role grant that covers the resource.
covers(grant) if {
	not input.action in {"patrol.record", "grid_head.assign"}
	startswith(input.resource.jurisdiction_code, grant.scope)
}

# A grid head records their own patrols, at their own level and scope, not a lower head's grid.
covers(grant) if {
	input.action == "patrol.record"
	grant.role == "grid_leader"
	input.resource.jurisdiction_code == grant.scope
	own_patrol
}

# The bureau enters a head's patrol on the head's behalf anywhere in its scope.
covers(grant) if {
	input.action == "patrol.record"
	grant.role == "environment_bureau"
	startswith(input.resource.jurisdiction_code, grant.scope)
}

own_patrol if input.resource.attributes.patroller == input.subject.id

deny contains reason if {
	ours
	input.action == "patrol.record"
	not own_patrol
	not lib.resource_in_roles({"environment_bureau"})
	some g in input.subject.roles
	g.role == "grid_leader"
	reason := concat("", [
		"a grid head records only their own patrols, not ", object.get(input.resource.attributes, "patroller", ""),
		"'s: the environment bureau enters a patrol on a head's behalf",
	])
}

# A grid head assigns heads below its level; the bureau and the district admin anywhere in scope.
covers(grant) if {
	input.action == "grid_head.assign"
	grant.role == "grid_leader"
	startswith(input.resource.jurisdiction_code, grant.scope)
	count(input.resource.jurisdiction_code) > count(grant.scope)
}

covers(grant) if {
	input.action == "grid_head.assign"
	grant.role in {"environment_bureau", "district_admin"}
	startswith(input.resource.jurisdiction_code, grant.scope)
}

reaches(grant) if not input.action in district_only

reaches(grant) if {
	input.action in district_only
	count(grant.scope) == 6
}

grant contains reason if {
	ours
	input.resource.jurisdiction_code != ""
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
	covers(role_grant)
	reason := concat(" ", [role_grant.role, "may", lib.verb, input.resource.type, "in", role_grant.scope])
}

grant contains reason if {
	ours
	input.resource.jurisdiction_code == ""
	input.action in bulk_actions
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
	reaches(role_grant)
	reason := concat(" ", [role_grant.role, "may", lib.verb, input.resource.type, "within", role_grant.scope])
}

scopes contains role_grant.scope if {
	ours
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
	reaches(role_grant)
}

# Contacts whole on one record: the bureau or a grid head covering it.
unmask contains field if {
	ours
	input.resource.jurisdiction_code != ""
	lib.resource_in_roles({"environment_bureau", "grid_leader"})
	some field in contact_fields
}

# Contacts whole in lists only for a subject who is nothing but bureau staff (a mixed subject's
# list spans scopes its other roles read masked: the safe side).
unmask contains field if {
	ours
	input.resource.jurisdiction_code == ""
	"environment_bureau" in lib.role_names
	count(lib.role_names - {"environment_bureau"}) == 0
	some field in contact_fields
}

# Why nothing grants, when none of the subject's roles does the action anywhere (a resource outside every
# scope is explained by the gateway's own policy).
explain contains lib.role_reason(acting_roles) if {
	ours
	count(acting_roles) > 0
	count(lib.role_names & acting_roles) == 0
}
