# Helpers every service's policy uses: roles, scopes, personal data.
package gridgov.lib

import rego.v1

# The tiers a role works at, from the top.
tiers := ["district", "street", "community", "grid"]

# Personal fields masked unless a rule in a service's policy unmasks them.
personal_fields := {"id_number", "phone", "contact_phone", "owner_phone", "reporter_phone"}

# The jurisdiction scopes of the subject's roles named in `names`.
role_scopes(names) := {r.scope | some r in input.subject.roles; r.role in names}

# True when `code` lies inside one of `scopes` (a scope is a code prefix).
in_any_scope(code, scopes) if {
	some scope in scopes
	startswith(code, scope)
}

# True when the resource lies inside a scope of one of the roles named in `names`.
resource_in_roles(names) if in_any_scope(input.resource.jurisdiction_code, role_scopes(names))

# The roles of the subject, by name.
role_names := {r.role | some r in input.subject.roles}

# The verb of the action ("household.read" -> "read").
verb := split(input.action, ".")[1]

# The resource type named by the action ("household.read" -> "household").
action_type := split(input.action, ".")[0]

# Tier of a jurisdiction code by its length.
tier_of(code) := "district" if count(code) == 6

tier_of(code) := "street" if count(code) == 9

tier_of(code) := "community" if count(code) == 12

tier_of(code) := "grid" if count(code) == 15

# Words for the reasons a refused user reads: identifiers with spaces ("community_staff" -> "community staff").
words(name) := replace(name, "_", " ")

# The subject's roles in words, or a phrase when it holds none.
role_words := concat(", ", sort({words(r) | some r in role_names})) if count(role_names) > 0

role_words := "a user without roles" if count(role_names) == 0

# The verb and the resource type of the action, in words ("request_extension" -> "request extension").
verb_words := words(verb)

type_words := words(input.resource.type)

# The resource type in the plural ("case" -> "cases", "inspection_rules" stays), for "may not list cases".
types_words := type_words if endswith(type_words, "s")

types_words := concat("", [trim_suffix(type_words, "y"), "ies"]) if endswith(type_words, "y")

types_words := concat("", [type_words, "s"]) if {
	not endswith(type_words, "s")
	not endswith(type_words, "y")
}

# The jurisdictions the subject's roles cover, in words.
scope_words := concat(", ", sort({r.scope | some r in input.subject.roles}))

# True when the resource has a jurisdiction and no role of the subject reaches it.
outside_every_scope if {
	input.resource.jurisdiction_code != ""
	not in_any_scope(input.resource.jurisdiction_code, {r.scope | some r in input.subject.roles})
}

# The refusal of a resource outside every scope of the subject, in words.
outside_scope_reason := concat("", [
	"this ", type_words, " lies in ", input.resource.jurisdiction_code, ", outside your jurisdiction (",
	scope_words, ")",
])

# The refusal of a subject none of whose roles does the action anywhere, naming the roles that do:
# "order rectification on fire hazards is for district admin, fire inspector; your roles: fire department".
role_reason(acting) := concat("", [
	verb_words, " on ", types_words, " is for ", concat(", ", sort({words(r) | some r in acting})),
	"; your roles: ", role_words,
])
