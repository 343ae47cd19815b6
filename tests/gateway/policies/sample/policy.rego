# A service policy for the gateway's tests: staff read sample records in their scope.
package gridgov.services.sample

import rego.v1

import data.gridgov.lib

staff := {"district_admin", "street_staff", "community_staff", "grid_worker"}

grant contains "staff reads sample records in scope" if {
	input.resource.type == "sample_record"
	lib.verb == "read"
	lib.resource_in_roles(staff)
}

grant contains "staff lists sample records in scope" if {
	input.resource.type == "sample_record"
	lib.verb == "list"
	count(scopes) > 0
}

scopes contains scope if {
	input.resource.type == "sample_record"
	lib.verb == "list"
	some scope in lib.role_scopes(staff)
}

# "lib.verb" in a string and a comment must stay as written.
deny contains "sample records are frozen (lib.verb ignored)" if {
	input.resource.type == "sample_record"
	input.resource.attributes.frozen == true
}

unmask contains "id_number" if {
	input.resource.type == "sample_record"
	lib.resource_in_roles({"district_admin", "community_staff"})
}
