# Access to the household registry: the jurisdiction tree, buildings, households, residents,
# organizations and visits.
#
# - district_admin, street_staff and community_staff read and write inside their scope, and see
#   personal data (id_number, phone, contact_phone) whole there.
# - grid_worker reads inside its grid, records visits and updates residents there, and always sees
#   personal data masked.
# - The tree itself (jurisdiction.create, jurisdiction.assign_workers) is kept by district_admin,
#   and by street_staff strictly below their street (communities and grids).
# - Boundaries are imported by district_admin only (boundary.import); every reading role exports them, draws
#   them on the map (boundary.layer) and reads the coverage report (boundary.report) inside its scope.
# - auditor, and every role not named here, gets no registry data.
# Lists, exports and imports carry no jurisdiction_code: they are granted to a role that may do the
# action somewhere, and `scopes` says where (the service filters every row by it).
package gridgov.services.registry

import rego.v1

import data.gridgov.lib

# Every action the registry knows, by resource type; anything else is not granted here.
actions := {
	"jurisdiction": {"list", "read", "create", "assign_workers"},
	"building": {"list", "read", "create", "update"},
	"household": {"list", "read", "create", "update", "move", "set_care_level", "import", "export"},
	"resident": {"list", "read", "add", "update", "remove"},
	"organization": {"list", "read", "create", "update"},
	"visit": {"list", "read", "record"},
	"boundary": {"import", "export", "report", "layer"},
}

office_roles := {"district_admin", "street_staff", "community_staff"}

read_verbs := {"list", "read", "export", "report", "layer"}

# Verbs that act on many records at once and so carry no jurisdiction_code.
bulk_verbs := {"list", "export", "import", "report", "layer"}

# What a grid worker may change in its grid.
grid_worker_writes := {"visit.record", "resident.update"}

personal_fields := {"id_number", "phone", "contact_phone"}

ours if {
	lib.action_type == input.resource.type
	lib.verb in actions[input.resource.type]
}

is_read if lib.verb in read_verbs

is_tree_write if {
	input.resource.type == "jurisdiction"
	not is_read
}

# The roles that may perform input.action somewhere.
acting_roles contains role if {
	is_read
	some role in office_roles | {"grid_worker"}
}

acting_roles contains role if {
	not is_read
	not is_tree_write
	not is_boundary_import
	some role in office_roles
}

# The shapes of the whole tree are the district's to set.
is_boundary_import if input.action == "boundary.import"

acting_roles contains "district_admin" if is_boundary_import

acting_roles contains "grid_worker" if input.action in grid_worker_writes

acting_roles contains role if {
	is_tree_write
	some role in {"district_admin", "street_staff"}
}

# A role grant that covers the resource; street staff keep the tree only below their street.
covers(grant) if {
	not is_tree_write
	startswith(input.resource.jurisdiction_code, grant.scope)
}

covers(grant) if {
	is_tree_write
	grant.role == "district_admin"
	startswith(input.resource.jurisdiction_code, grant.scope)
}

covers(grant) if {
	is_tree_write
	grant.role == "street_staff"
	startswith(input.resource.jurisdiction_code, grant.scope)
	count(input.resource.jurisdiction_code) > count(grant.scope)
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
	lib.verb in bulk_verbs
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
	reason := concat(" ", [role_grant.role, "may", lib.verb, input.resource.type, "within", role_grant.scope])
}

scopes contains role_grant.scope if {
	ours
	some role_grant in input.subject.roles
	role_grant.role in acting_roles
}

# Personal data whole: an office role covering the record, or, for lists, a subject with office
# roles and no grid_worker role (a mixed subject's list is masked, the safe side).
unmask contains field if {
	ours
	input.resource.jurisdiction_code != ""
	lib.resource_in_roles(office_roles)
	some field in personal_fields
}

unmask contains field if {
	ours
	input.resource.jurisdiction_code == ""
	count(lib.role_scopes(office_roles)) > 0
	not "grid_worker" in lib.role_names
	some field in personal_fields
}

# Why nothing grants, when none of the subject's roles does the action anywhere (a resource outside every
# scope is explained by the gateway's own policy).
explain contains lib.role_reason(acting_roles) if {
	ours
	count(acting_roles) > 0
	count(lib.role_names & acting_roles) == 0
}
