"""The people of the case-loop tests: signed metadata for each role at each tier."""

from __future__ import annotations

from tests.support.actors import actor_metadata

DISTRICT = "110108"
STREET = "110108001"
COMMUNITY = "110108001001"
GRID = "110108001001001"
OTHER_STREET = "110108002"


def district_admin():  # type: ignore[no-untyped-def]
    return actor_metadata("admin", (("district_admin", DISTRICT),))


def street_staff(scope: str = STREET):  # type: ignore[no-untyped-def]
    return actor_metadata("street1", (("street_staff", scope),))


def community_staff(scope: str = COMMUNITY):  # type: ignore[no-untyped-def]
    return actor_metadata("community1", (("community_staff", scope),))


def grid_worker():  # type: ignore[no-untyped-def]
    return actor_metadata("gw1", (("grid_worker", GRID),))


def resident(subject: str = "resident1"):  # type: ignore[no-untyped-def]
    return actor_metadata(subject, (("resident", DISTRICT),))


def unit(department: str, scope: str = DISTRICT):  # type: ignore[no-untyped-def]
    return actor_metadata(f"{department}-staff", (("handling_unit", scope),), department=department)
