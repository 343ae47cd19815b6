# A service policy that reads the request's time: decisions must not be remembered.
package gridgov.services.timed

import rego.v1

grant contains "office hours" if {
	input.resource.type == "timed_record"
	input.context.time < "2026-11-27T18:00:00Z"
}
