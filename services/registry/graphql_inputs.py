"""The input objects of the registry plugin's mutations that take more than two values."""

from __future__ import annotations

import datetime

import strawberry

from gateway.plugin_types import GeoPointInput
from services.registry.graphql_types import (
    CareLevel,
    GridStaffMemberInput,
    GridType,
    HelperInput,
    RegistryFileFormat,
    VulnerableTag,
)


@strawberry.input(description="The arguments of createJurisdiction.")
class CreateJurisdictionInput:
    code: str
    name: str
    grid_type: GridType | None = None  # type: ignore[valid-type]


@strawberry.input(description="The arguments of assignGridWorkers.")
class AssignGridWorkersInput:
    code: str
    workers: list[GridStaffMemberInput]
    leader: GridStaffMemberInput | None = None


@strawberry.input(description="The arguments of createBuilding.")
class CreateBuildingInput:
    address: str
    jurisdiction_code: str = strawberry.field(
        default="", description="The grid (15 digits). May be left out when location is given: the building lands "
                                "in the grid its location falls in.")
    name: str = ""
    location: GeoPointInput | None = None


@strawberry.input(description="The arguments of updateBuilding.")
class UpdateBuildingInput:
    id: strawberry.ID
    address: str
    name: str = ""
    location: GeoPointInput | None = None


@strawberry.input(description="The arguments of updateHousehold.")
class UpdateHouseholdInput:
    id: strawberry.ID
    number: str
    tags: list[VulnerableTag]  # type: ignore[valid-type]


@strawberry.input(description="The arguments of moveHousehold.")
class MoveHouseholdInput:
    household_id: strawberry.ID
    building_id: str
    dwelling: str = ""


@strawberry.input(description="The arguments of setCareLevel.")
class SetCareLevelInput:
    household_id: strawberry.ID
    care_level: CareLevel  # type: ignore[valid-type]
    reason: str = ""
    helper: HelperInput | None = None


@strawberry.input(description="The arguments of recordVisit.")
class RecordVisitInput:
    household_id: strawberry.ID
    notes: str
    visited_at: datetime.datetime | None = None


@strawberry.input(description="The arguments of importHouseholds.")
class ImportHouseholdsInput:
    content_base64: str
    format: RegistryFileFormat  # type: ignore[valid-type]
    dry_run: bool = False
