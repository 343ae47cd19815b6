# A second service package, so the generated aggregator names more than one.
package gridgov.services.other

import rego.v1

import data.gridgov.lib as helpers

grant contains "inspectors read other records" if {
	input.resource.type == "other_record"
	helpers.resource_in_roles({"fire_inspector"})
}

mask contains "owner_name" if input.resource.type == "other_record"
