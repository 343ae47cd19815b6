# Access to the notifier: each person's inbox, the staff directory, the deliveries made for a record.
#
# - The inbox (resource type inbox, resource.id = the subject it belongs to): every authenticated subject
#   lists, counts and marks read its own notifications, and nobody else's (the service also answers for
#   the calling subject only).
# - The staff directory (staff_member): district_admin, street_staff and community_staff read and keep
#   the entries inside their scope; phones are masked unless the reader keeps the directory there.
# - Deliveries (delivery.list, by the record they were made for): the command centres (district_admin,
#   street_staff, community_staff) and auditors see what was sent, inside their scope.
# - Every role not named here gets nothing from this policy.
# Lists carry no jurisdiction_code: they are granted to a role that may do the action somewhere, and
# `scopes` says where (the service filters every row by it).
package gridgov.services.notifier

import rego.v1

import data.gridgov.lib

inbox_actions := {"inbox.list", "inbox.count", "inbox.mark_read"}

centre_roles := {"district_admin", "street_staff", "community_staff"}

grant contains "a subject reads its own notifications" if {
	input.action in inbox_actions
	input.resource.type == "inbox"
	input.subject.id != ""
	input.resource.id == input.subject.id
}

explain contains "a notification belongs to its recipient: you read only your own inbox" if {
	input.action in inbox_actions
	input.resource.id != input.subject.id
}

grant contains "keeps the staff directory of its jurisdiction" if {
	input.action == "staff_member.put"
	input.resource.type == "staff_member"
	input.resource.jurisdiction_code != ""
	lib.resource_in_roles(centre_roles)
}

grant contains "reads the staff directory of its jurisdiction" if {
	input.action == "staff_member.list"
	input.resource.type == "staff_member"
	input.resource.jurisdiction_code == ""
	count(lib.role_scopes(centre_roles)) > 0
}

grant contains "sees what was sent in its jurisdiction" if {
	input.action == "delivery.list"
	input.resource.type == "delivery"
	input.resource.jurisdiction_code == ""
	count(lib.role_scopes(centre_roles | {"auditor"})) > 0
}

scopes contains scope if {
	input.action == "staff_member.list"
	some scope in lib.role_scopes(centre_roles)
}

scopes contains scope if {
	input.action == "delivery.list"
	some scope in lib.role_scopes(centre_roles | {"auditor"})
}

unmask contains "phone" if {
	input.action in {"staff_member.list", "staff_member.put"}
	count(lib.role_scopes(centre_roles)) > 0
}
