"""Text one character wider than its database column is refused naming the field, on SQLite and PostgreSQL alike;
text exactly as wide is stored whole. The widths are read from the models, so the tests follow a column's change."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Column

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.database import Database
from services.registry.domain import id_check_character
from services.registry.models import BuildingRow, GridWorker, HouseholdRow, JurisdictionNode, ResidentRow
from tests.registry.conftest import ADMIN, build_tree
from tests.support.services import RunningService
from tests.support.widths import assert_cell_width_enforced, assert_width_enforced

GRID = "110108001001001"
HEAD = pb.ResidentInput(name="胡强", id_number="110108197403062913", gender=pb.GENDER_MALE, birth_date="1974-03-06",
                        population_type=pb.POPULATION_TYPE_REGISTERED, relationship=pb.RELATIONSHIP_HEAD)


async def new_building(stub: Any, address: str = "") -> str:
    address = address or f"{uuid.uuid4().hex[:8]}号楼"  # each household its own: a refused one leaves its building
    response = await stub.CreateBuilding(pb.CreateBuildingRequest(jurisdiction_code=GRID, address=address),
                                         metadata=ADMIN)
    return str(response.building.id)


async def create_household(stub: Any, *, number: str = "H1", head: pb.ResidentInput = HEAD,
                           helper: pb.Helper | None = None, address: str = "", dwelling: str = "101室") -> Any:
    level = pb.CARE_LEVEL_CLOSE_CONTACT if helper else pb.CARE_LEVEL_ASSURED
    return await stub.CreateHousehold(pb.CreateHouseholdRequest(
        number=number, building_id=await new_building(stub, address), dwelling=dwelling, care_level=level,
        care_reason="独居老人" if helper else "", helper=helper, members=[head]), metadata=ADMIN)


SERIALS = itertools.count(100)


def spare_id() -> str:
    """A national ID no other household holds (a refused renumbering leaves its household registered)."""
    body = f"11010819790605{next(SERIALS) * 2 % 1000:03d}"  # an even serial: a woman's
    return body + id_check_character(body)


async def update_number(stub: Any, number: str) -> Any:
    created = await create_household(stub, number=uuid.uuid4().hex[:8], head=pb.ResidentInput(
        name="杨芳", id_number=spare_id(), gender=pb.GENDER_FEMALE, birth_date="1979-06-05",
        population_type=pb.POPULATION_TYPE_REGISTERED, relationship=pb.RELATIONSHIP_HEAD))
    return await stub.UpdateHousehold(pb.UpdateHouseholdRequest(id=created.household.id, number=number),
                                      metadata=ADMIN)


def head_named(name: str) -> pb.ResidentInput:
    head = pb.ResidentInput()
    head.CopyFrom(HEAD)
    head.name = name
    return head


@dataclass(frozen=True)
class Case:
    """One request text field: the violation's field path, the column it is stored in, and how to send it."""

    field: str
    column: Column[str]
    send: Callable[[Any, str], Awaitable[object]]
    fill: str = "名"
    # How much of the stored value is a building's address the case sends first (the rest is the field's).
    prefix: int = 0


BUILDING_ADDRESS = 200  # the longest a building's address may be
CASES = [
    Case("name", JurisdictionNode.__table__.c.name,
         lambda stub, v: stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code="110108001002", name=v),
                                                 metadata=ADMIN)),
    Case("name", BuildingRow.__table__.c.name,
         lambda stub, v: stub.CreateBuilding(pb.CreateBuildingRequest(jurisdiction_code=GRID, address="2号楼", name=v),
                                             metadata=ADMIN)),
    Case("number", HouseholdRow.__table__.c.number, lambda stub, v: create_household(stub, number=v), fill="H"),
    Case("number", HouseholdRow.__table__.c.number, update_number, fill="H"),
    Case("members[0].name", ResidentRow.__table__.c.name, lambda stub, v: create_household(stub, head=head_named(v))),
    Case("members[0].name", HouseholdRow.__table__.c.head_name,
         lambda stub, v: create_household(stub, head=head_named(v))),
    Case("helper.name", HouseholdRow.__table__.c.helper_name,
         lambda stub, v: create_household(stub, helper=pb.Helper(name=v, phone="13800000009"))),
    Case("dwelling", HouseholdRow.__table__.c.address,
         lambda stub, v: create_household(stub, address=v[:BUILDING_ADDRESS], dwelling=v[BUILDING_ADDRESS:]),
         fill="室", prefix=BUILDING_ADDRESS),
    Case("leader.name", JurisdictionNode.__table__.c.leader_name,
         lambda stub, v: stub.AssignGridWorkers(pb.AssignGridWorkersRequest(
             code=GRID, leader=pb.GridStaffMember(subject="leader", name=v, phone="13800000000")), metadata=ADMIN)),
    Case("workers[0].subject", GridWorker.__table__.c.subject,
         lambda stub, v: stub.AssignGridWorkers(pb.AssignGridWorkersRequest(
             code=GRID, workers=[pb.GridStaffMember(subject=v, name="甲", phone="13800000001")]), metadata=ADMIN),
         fill="w"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c.field}->{c.column}" for c in CASES])
async def test_text_as_wide_as_its_column_is_stored_and_one_more_character_is_refused(
        registry: RunningService, database: Database, case: Case) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    await assert_width_enforced(lambda value: case.send(registry.stub, value), database, case.column, case.field,
                                fill=case.fill, prefix=case.prefix)


LEDGER_HEADER = ("户编号,所属网格,住址,户类别,姓名,与户主关系,身份证号,性别,出生日期,人口类型,"
                 "帮扶人,帮扶人电话,户类别原因\n")


def ledger_row(*, number: str = "H00001", address: str = "1号楼101室", name: str = "胡强",
               helper: str = "") -> bytes:
    level, reason, phone = ("连心户", "独居老人", "13800000009") if helper else ("放心户", "", "")
    return (LEDGER_HEADER + f"{number},{GRID},{address},{level},{name},户主,110108197403062913,男,1974-03-06,户籍,"
            f"{helper},{phone},{reason}\n").encode()


LEDGER_CASES = [
    ("户编号", HouseholdRow.__table__.c.number, "H", lambda v: ledger_row(number=v)),
    ("住址", HouseholdRow.__table__.c.address, "址", lambda v: ledger_row(address=v)),
    ("姓名", ResidentRow.__table__.c.name, "名", lambda v: ledger_row(name=v)),
    ("帮扶人", HouseholdRow.__table__.c.helper_name, "名", lambda v: ledger_row(helper=v)),
]


@pytest.mark.parametrize(("header", "column", "fill", "content"), LEDGER_CASES, ids=[c[0] for c in LEDGER_CASES])
async def test_ledger_cell_one_character_wider_than_its_column_is_refused_naming_line_and_column(
        registry: RunningService, database: Database, header: str, column: Column[str], fill: str,
        content: Callable[[str], bytes]) -> None:
    await build_tree(registry.stub, communities=1, grids=1)

    async def send(value: str) -> None:
        report = await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
            content=content(value), format=pb.FILE_FORMAT_CSV), metadata=ADMIN)
        assert list(report.errors) == [] and report.households == 1

    await assert_cell_width_enforced(send, database, column, header, fill=fill)
