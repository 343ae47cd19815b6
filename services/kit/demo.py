"""The demo district every plugin's demo data is laid out in, so the services agree on its codes."""

from __future__ import annotations

from dataclasses import dataclass

DISTRICT_CODE = "110108"
DISTRICT_NAME = "海淀区"
STREET_NAMES = ("万寿路街道", "羊坊店街道", "甘家口街道")
COMMUNITY_NAMES = (
    ("翠微路社区", "复兴路社区", "万寿路西街社区"),
    ("莲花池社区", "会城门社区", "羊坊店东社区"),
    ("增光路社区", "阜外西社区", "白堆子社区"),
)
# Grids per community: 40 in all, 4 to 5 per community.
GRIDS_PER_COMMUNITY = ((5, 4, 5), (4, 5, 4), (5, 4, 4))


@dataclass(frozen=True)
class DemoCommunity:
    code: str
    name: str
    grids: tuple[str, ...]


@dataclass(frozen=True)
class DemoStreet:
    code: str
    name: str
    communities: tuple[DemoCommunity, ...]


def streets() -> tuple[DemoStreet, ...]:
    """The demo district's streets, communities and grids with their 15-digit codes."""
    result = []
    for s, street_name in enumerate(STREET_NAMES, start=1):
        street_code = f"{DISTRICT_CODE}{s:03d}"
        communities = []
        for c, community_name in enumerate(COMMUNITY_NAMES[s - 1], start=1):
            community_code = f"{street_code}{c:03d}"
            grids = tuple(f"{community_code}{g:03d}" for g in range(1, GRIDS_PER_COMMUNITY[s - 1][c - 1] + 1))
            communities.append(DemoCommunity(community_code, community_name, grids))
        result.append(DemoStreet(street_code, street_name, tuple(communities)))
    return tuple(result)


@dataclass(frozen=True)
class DemoUser:
    """A demo user `make run` prints a token for; each plugin's demo data gives it work of its role."""

    label: str
    subject: str
    role: str
    scope: str
    department: str = ""


STREET_CODE = f"{DISTRICT_CODE}001"
COMMUNITY_CODE = f"{STREET_CODE}001"
GRID_CODE = f"{COMMUNITY_CODE}001"
# The grid head token's subject: the inspection demo makes it the head of COMMUNITY_CODE.
GRID_LEADER = "demo-grid-leader"
USERS = (
    DemoUser("district", "demo-district-admin", "district_admin", DISTRICT_CODE),
    DemoUser("street", "demo-street-staff", "street_staff", STREET_CODE),
    DemoUser("community", "demo-community-staff", "community_staff", COMMUNITY_CODE),
    DemoUser("grid worker", "demo-grid-worker", "grid_worker", GRID_CODE),
    # The community workstation takes the community's garbage, clutter and posting cases.
    DemoUser("unit", "demo-handling-unit", "handling_unit", COMMUNITY_CODE, "community_workstation"),
    DemoUser("resident", "demo-resident", "resident", DISTRICT_CODE),
    DemoUser("auditor", "demo-auditor", "auditor", DISTRICT_CODE),
    DemoUser("fire", "demo-fire-inspector", "fire_inspector", STREET_CODE, "fire_department"),
    DemoUser("fire dept", "demo-fire-department", "fire_department", DISTRICT_CODE, "fire_department"),
    DemoUser("environment", "demo-environment-bureau", "environment_bureau", DISTRICT_CODE, "environment_bureau"),
    DemoUser("grid head", GRID_LEADER, "grid_leader", COMMUNITY_CODE),
)


def grid_codes() -> list[str]:
    return [g for street in streets() for community in street.communities for g in community.grids]
