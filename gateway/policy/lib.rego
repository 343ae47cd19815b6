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
