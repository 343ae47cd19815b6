"""Who may take which action on a case, by role and tier (pure; the service's own check).

The gateway's policy.rego asks the same questions before a request reaches the service; this
module is the service's defence in depth and the source of the tier rules both follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from services.cases.domain import Action, Case, Tier

# The command centre's roles and the tier each works at (district command centre, street
# sub-centre, community workstation).
CENTRE_TIERS = {"district_admin": Tier.DISTRICT, "street_staff": Tier.STREET, "community_staff": Tier.COMMUNITY}
# Roles that may report a problem.
REPORTER_ROLES = frozenset({"district_admin", "street_staff", "community_staff", "grid_worker", "resident",
                            "handling_unit", "system"})
# Actions the centre takes, at the case's tier or above.
CENTRE_ACTIONS = frozenset({
    Action.REGISTER, Action.REJECT, Action.VOID, Action.MERGE, Action.DISPATCH, Action.CLOSE, Action.REWORK,
    Action.CALLBACK, Action.REOPEN, Action.ARCHIVE, Action.APPROVE_EXTENSION, Action.REFUSE_EXTENSION,
    Action.APPROVE_HOLD, Action.REFUSE_HOLD, Action.RESUME, Action.ESCALATE, Action.LINK_EMERGENCY,
    Action.SUPERVISE,
})
# Actions a handling unit takes on its own part (the subject's department is the unit).
UNIT_ACTIONS = frozenset({Action.ACCEPT, Action.RETURN, Action.HANDLE, Action.REQUEST_EXTENSION,
                          Action.REQUEST_HOLD})
# Roles that read only some cases of their scope (see Reach).
NARROW_ROLES = frozenset({"handling_unit", "resident"})
# The street or community that raised a case rates the department's handling of it.
RATER_ROLES = frozenset({"street_staff", "community_staff"})


@dataclass(frozen=True)
class Actor:
    subject: str
    roles: tuple[tuple[str, str], ...]  # (role, jurisdiction scope)
    department: str = ""

    def scopes(self, names: Iterable[str]) -> list[str]:
        wanted = set(names)
        return [scope for role, scope in self.roles if role in wanted]

    @property
    def is_system(self) -> bool:
        return self.subject.startswith("system:")


def _inside(code: str, scopes: Iterable[str]) -> bool:
    return any(code.startswith(scope) for scope in scopes)


def centre_tier(actor: Actor, code: str) -> Tier | None:
    """The highest centre tier the actor works at whose scope holds ``code``, or None."""
    tiers = [CENTRE_TIERS[role] for role, scope in actor.roles if role in CENTRE_TIERS and code.startswith(scope)]
    return max(tiers) if tiers else None


def refusal(actor: Actor, action: Action, case: Case) -> str | None:
    """Why ``actor`` may not take ``action`` on ``case``, or None when it may."""
    code = case.jurisdiction_code
    if actor.is_system:
        # A service acting on its own behalf (the sweep, the demo loader) with metadata signed by the
        # service key; the gateway never forwards a "system" role (no policy rule grants it anything).
        return None if ("system", "") in actor.roles or action is Action.SUPERVISE else (
            f"{actor.subject} may not {action.value} cases")
    if action in CENTRE_ACTIONS:
        tier = centre_tier(actor, code)
        if tier is None:
            return f"{action.value} needs a command-centre role whose scope holds {code}"
        if tier < case.tier:
            return (f"{action.value} on a case in the {case.tier.name.lower()} loop needs the "
                    f"{case.tier.name.lower()} tier or above, not {tier.name.lower()}")
        return None
    if action in UNIT_ACTIONS:
        units = {p.unit for p in case.participants}
        if not actor.department or actor.department not in units:
            return f"{action.value} needs a subject of a handling unit of this case ({', '.join(sorted(units))})"
        if not _inside(code, [scope for _, scope in actor.roles]):
            return f"{code} is outside the scopes of {actor.subject}"
        return None
    if action is Action.RATE:
        if not _inside(code, actor.scopes(RATER_ROLES)):
            return "rate needs a street or community role whose scope holds the case"
        return None
    return f"{action.value} is not an action on an existing case"


def report_refusal(actor: Actor, jurisdiction_code: str) -> str | None:
    """Why ``actor`` may not report a problem in ``jurisdiction_code``, or None."""
    if actor.is_system:
        return None
    if not _inside(jurisdiction_code, actor.scopes(REPORTER_ROLES)):
        return f"reporting in {jurisdiction_code} needs a role whose scope holds it"
    return None


def sees_only_own(actor: Actor) -> bool:
    """True when the actor's only way in is as a resident: they read only cases they reported."""
    return bool(actor.roles) and all(role == "resident" for role, _ in actor.roles)


@dataclass(frozen=True)
class Reach:
    """Which cases an actor reads, role by role: whole scopes, its unit's cases, its own reports.

    A handling unit's staff read the cases their unit leads or co-handles (the participants of the
    current dispatch), a resident the cases they reported, inside each role's scope; any other role
    reads its scope whole (the policy decides which roles read cases at all). A handling_unit role
    without a department reads nothing.
    """

    whole: tuple[str, ...] = ()
    unit: tuple[str, ...] = ()
    department: str = ""
    own: tuple[str, ...] = ()
    reporter: str = ""

    @property
    def narrowed(self) -> bool:
        """True when some role of the actor reads less than its whole scope."""
        return bool(self.unit or self.own) or not self.whole

    def fingerprint(self) -> dict[str, object]:
        return {"whole": list(self.whole), "unit": list(self.unit), "department": self.department,
                "own": list(self.own), "reporter": self.reporter}


def reach(actor: Actor) -> Reach:
    """What ``actor`` reads of the cases in its scopes (lists and single reads follow the same rule)."""
    whole = tuple(scope for role, scope in actor.roles if role not in NARROW_ROLES)
    unit = tuple(actor.scopes({"handling_unit"})) if actor.department else ()
    return Reach(whole, unit, actor.department if unit else "", tuple(actor.scopes({"resident"})),
                 actor.subject)


def invisibility(actor: Actor, case: Case) -> str | None:
    """Why ``actor`` may not read ``case`` although it lies in the request's scope, or None when it may."""
    r = reach(actor)
    code = case.jurisdiction_code
    if _inside(code, r.whole):
        return None
    if _inside(code, r.unit) and r.department in {p.unit for p in case.participants}:
        return None
    if _inside(code, r.own) and case.reporter == actor.subject:
        return None
    if r.own and not r.unit:
        return "a resident sees only the cases they reported"
    if any(role == "handling_unit" for role, _ in actor.roles) and not actor.department:
        return "a handling_unit subject without a department claim reads no cases"
    return "a handling unit sees only the cases its unit leads or co-handles"
