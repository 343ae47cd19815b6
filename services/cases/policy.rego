# Access to the case loop: cases, the category catalogue and the dispatch table.
#
# - The command centre's roles act at their own tier and above it never: district_admin (district
#   command centre) on every case in its district, street_staff on street- and community-loop cases
#   of its street, community_staff on community-loop cases of its community. Their verbs: register,
#   reject, void, merge, dispatch, verify, callback, archive, decide_extension, decide_hold, resume,
#   escalate, link_emergency, supervise.
# - A handling unit's staff (any role, department = the unit) accept, return, handle and ask for an
#   extension or a hold on the cases dispatched to their unit (resource.attributes.units), inside
#   their role's scope.
# - Reporting: office roles, grid workers, residents and unit staff, inside their scope.
# - Reading: office roles and grid workers inside their scope; unit staff the cases of their unit;
#   a resident only the cases they reported (the service filters a resident's lists by reporter).
# - Listing: a handling_unit role lists only its own unit's cases: the list must be filtered to the
#   subject's department (resource.attributes.handling_unit; the gateway fills it in for a subject
#   whose only list role is handling_unit), and only then does the role's scope join `scopes`. The
#   service applies the same rule again from the signed actor. A handling_unit subject without a
#   department claim is denied, naming the missing claim.
# - Rating the department's handling: street_staff and community_staff (the raising tiers).
# - Evaluation figures: office roles inside their scope; the district ranking: district_admin.
# - The map: counts per grid (grid_counts), and the dashboard's breakdown (breakdown), for office roles;
#   points in a box (map_points) for every list role but handling_unit, whose lists must name its unit
#   (the service applies each role's reach).
# - Catalogue and dispatch table: read by office roles and unit staff, changed by district_admin.
# - auditor, and every role not named here, gets no case data.
# - reporter_phone is whole only for office roles covering the case (lists: office roles without a
#   grid_worker role); everyone else sees it masked.
package gridgov.services.cases

import rego.v1

import data.gridgov.lib

office_roles := {"district_admin", "street_staff", "community_staff"}

# The tier each command-centre role works at, and the order of the tiers.
role_tier := {"district_admin": 3, "street_staff": 2, "community_staff": 1}

tier_rank := {"community": 1, "street": 2, "district": 3}

centre_verbs := {
	"register", "reject", "void", "merge", "dispatch", "verify", "callback", "archive",
	"decide_extension", "decide_hold", "resume", "escalate", "link_emergency", "supervise",
}

unit_verbs := {"accept", "return", "handle", "request_extension", "request_hold"}

reporter_roles := {"district_admin", "street_staff", "community_staff", "grid_worker", "resident", "handling_unit"}

reader_roles := {"district_admin", "street_staff", "community_staff", "grid_worker"}

list_roles := reader_roles | {"resident", "handling_unit"}

# A list a handling_unit role may see: filtered to the subject's own unit.
own_unit_list if {
	input.subject.department != ""
	input.resource.attributes.handling_unit == input.subject.department
}

# The subject's list roles other than handling_unit.
other_list_roles := (lib.role_names & list_roles) - {"handling_unit"}

case_action if {
	input.resource.type == "case"
	lib.action_type == "case"
}

catalogue_action if {
	input.resource.type in {"case_category", "dispatch_rule"}
	lib.action_type == input.resource.type
}

code := input.resource.jurisdiction_code

covering(names) := {g | some g in input.subject.roles; g.role in names; startswith(code, g.scope)}

# Command-centre verbs: a centre role covering the case, at the case's tier or above.
grant contains reason if {
	case_action
	lib.verb in centre_verbs
	code != ""
	some g in covering(office_roles)
	role_tier[g.role] >= tier_rank[input.resource.attributes.tier]
	reason := concat(" ", [g.role, "may", lib.verb, "a", input.resource.attributes.tier, "loop case in", g.scope])
}

# Unit verbs: the subject's department is a handling unit of the case.
grant contains reason if {
	case_action
	lib.verb in unit_verbs
	code != ""
	input.subject.department != ""
	input.subject.department in input.resource.attributes.units
	some g in input.subject.roles
	startswith(code, g.scope)
	reason := concat(" ", ["unit", input.subject.department, "may", lib.verb, "its case in", g.scope])
}

grant contains reason if {
	case_action
	lib.verb == "report"
	some g in covering(reporter_roles)
	reason := concat(" ", [g.role, "may report a case in", g.scope])
}

grant contains reason if {
	case_action
	lib.verb == "read"
	some g in covering(reader_roles)
	reason := concat(" ", [g.role, "may read cases in", g.scope])
}

grant contains reason if {
	case_action
	lib.verb == "read"
	input.subject.department != ""
	input.subject.department in input.resource.attributes.units
	some g in covering({"handling_unit"})
	reason := concat(" ", ["unit", input.subject.department, "may read its case in", g.scope])
}

grant contains "a resident may read a case they reported" if {
	case_action
	lib.verb == "read"
	count(covering({"resident"})) > 0
	input.resource.attributes.reporter == input.subject.id
}

grant contains reason if {
	case_action
	lib.verb == "rate"
	some g in covering({"street_staff", "community_staff"})
	reason := concat(" ", [g.role, "may rate the handling of a case in", g.scope])
}

# Lists and dashboards carry no jurisdiction_code: `scopes` says where they may read.
grant contains reason if {
	case_action
	lib.verb == "list"
	some g in input.subject.roles
	g.role in list_roles - {"handling_unit"}
	reason := concat(" ", [g.role, "may list cases within", g.scope])
}

grant contains reason if {
	case_action
	lib.verb == "list"
	own_unit_list
	some g in input.subject.roles
	g.role == "handling_unit"
	reason := concat(" ", ["unit", input.subject.department, "may list its cases within", g.scope])
}

deny contains "a handling_unit subject without a department claim reads no cases" if {
	case_action
	lib.verb in {"list", "read"}
	input.subject.department == ""
	"handling_unit" in lib.role_names
	count(other_list_roles) == 0
}

deny contains reason if {
	case_action
	lib.verb == "list"
	input.subject.department != ""
	"handling_unit" in lib.role_names
	count(other_list_roles) == 0
	not own_unit_list
	reason := concat(" ", ["a handling unit lists only its own cases: handlingUnit must be", input.subject.department])
}

grant contains reason if {
	case_action
	lib.verb in {"dashboard", "evaluate", "grid_counts", "breakdown"}
	some g in input.subject.roles
	g.role in office_roles
	reason := concat(" ", [g.role, "may see the", lib.verb, "within", g.scope])
}

grant contains reason if {
	case_action
	lib.verb == "map_points"
	some g in input.subject.roles
	g.role in list_roles - {"handling_unit"}
	reason := concat(" ", [g.role, "may see case points within", g.scope])
}

scopes contains g.scope if {
	case_action
	lib.verb == "map_points"
	some g in input.subject.roles
	g.role in list_roles - {"handling_unit"}
}

grant contains reason if {
	case_action
	lib.verb == "rank"
	some g in input.subject.roles
	g.role == "district_admin"
	reason := concat(" ", ["district_admin may rank within", g.scope])
}

grant contains reason if {
	catalogue_action
	lib.verb == "list"
	some g in input.subject.roles
	g.role in office_roles | {"handling_unit", "grid_worker"}
	reason := concat(" ", [g.role, "may read the", input.resource.type, "table"])
}

grant contains reason if {
	catalogue_action
	lib.verb in {"update", "set"}
	some g in input.subject.roles
	g.role == "district_admin"
	reason := concat(" ", ["district_admin may change the", input.resource.type, "table"])
}

scopes contains g.scope if {
	case_action
	lib.verb == "list"
	some g in input.subject.roles
	g.role in list_roles - {"handling_unit"}
}

scopes contains g.scope if {
	case_action
	lib.verb == "list"
	own_unit_list
	some g in input.subject.roles
	g.role == "handling_unit"
}

scopes contains g.scope if {
	case_action
	lib.verb in {"dashboard", "evaluate", "grid_counts", "breakdown"}
	some g in input.subject.roles
	g.role in office_roles
}

scopes contains g.scope if {
	case_action
	lib.verb == "rank"
	some g in input.subject.roles
	g.role == "district_admin"
}

scopes contains g.scope if {
	catalogue_action
	some g in input.subject.roles
	g.role in office_roles | {"handling_unit", "grid_worker"}
}

unmask contains "reporter_phone" if {
	case_action
	code != ""
	count(covering(office_roles)) > 0
}

unmask contains "reporter_phone" if {
	case_action
	code == ""
	count(lib.role_scopes(office_roles)) > 0
	not "grid_worker" in lib.role_names
}

# Following a record's link to its case (a fire hazard's, a pollution violation's): the roles that read
# cases, and the departments whose records raise them, within their scopes (the service filters by them).
source_roles := {
	"fire": {"fire_inspector", "fire_department"},
	"inspection": {"grid_leader", "environment_bureau"},
}

link_roles contains role if some role in reader_roles

link_roles contains role if some role in source_roles[input.resource.attributes.source_service]

grant contains reason if {
	case_action
	lib.verb == "link"
	some g in input.subject.roles
	g.role in link_roles
	reason := concat(" ", [g.role, "may follow a record's link to its case within", g.scope])
}

scopes contains g.scope if {
	case_action
	lib.verb == "link"
	some g in input.subject.roles
	g.role in link_roles
}

# Why nothing grants a case action, in words the user can act on (the gateway shows these only when no
# rule grants the request; a resource outside every scope is explained by the gateway's own policy).
tier_reach := {
	"district_admin": "district-, street- and community-tier cases",
	"street_staff": "street- and community-tier cases",
	"community_staff": "community-tier cases",
}

unit_verb_words := {
	"accept": "accept it", "return": "return it", "handle": "report it handled",
	"request_extension": "ask for more time", "request_hold": "ask to put it on hold",
}

# A centre role covers the case but works below its tier.
explain contains reason if {
	case_action
	lib.verb in centre_verbs
	code != ""
	some g in covering(office_roles)
	role_tier[g.role] < tier_rank[input.resource.attributes.tier]
	reason := concat("", [
		"this case is at the ", input.resource.attributes.tier, " tier; ", lib.words(g.role), " act on ",
		tier_reach[g.role],
	])
}

# A unit's staff on a case dispatched to other units (or to none yet).
explain contains reason if {
	case_action
	lib.verb in unit_verbs
	input.subject.department != ""
	count(input.resource.attributes.units) > 0
	not input.subject.department in input.resource.attributes.units
	reason := concat("", [
		"this case is dispatched to ", concat(", ", sort(input.resource.attributes.units)), ", not to your unit (",
		input.subject.department, ")",
	])
}

explain contains "this case is not dispatched to any unit yet" if {
	case_action
	lib.verb in unit_verbs
	input.subject.department != ""
	count(input.resource.attributes.units) == 0
}

explain contains reason if {
	case_action
	lib.verb in unit_verbs
	input.subject.department == ""
	reason := concat("", ["only the staff of a unit the case is dispatched to may ", unit_verb_words[lib.verb]])
}

# Roles that never take this action on cases, whatever the case.
explain contains reason if {
	case_action
	lib.verb in centre_verbs
	count(lib.role_names & office_roles) == 0
	reason := concat("", [
		lib.role_words, " may not ", lib.verb_words, " cases; the command centre of the case's tier does",
	])
}

explain contains "a resident reads only the cases they reported" if {
	case_action
	lib.verb == "read"
	"resident" in lib.role_names
	count(covering(reader_roles)) == 0
	input.resource.attributes.reporter != input.subject.id
}
