"""Fire's text one character wider than its database column is refused naming the field, on SQLite and PostgreSQL
alike; text exactly as wide is stored whole. The widths are read from the models."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import Column

from gridgov.fire.v1 import fire_pb2
from services.fire.models import HazardTypeRow, HazardTypeVersionRow, PlaceRow
from services.kit.database import Database
from tests.fire.support import DISTRICT, GRID, create_place
from tests.support.services import RunningService, running_service
from tests.support.widths import assert_cell_width_enforced, assert_width_enforced


@pytest.fixture
async def fire(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("fire", database) as service:
        yield service


def rename_clutter(stub: Any) -> Callable[[str], Awaitable[object]]:
    """Renames the catalogue's clutter entry, each time at the version it then has."""
    version = [1]

    async def send(name: str) -> object:
        response = await stub.UpdateHazardType(fire_pb2.UpdateHazardTypeRequest(
            code="clutter", name=name, severity=fire_pb2.SEVERITY_GENERAL, rectify_days=3,
            expected_version=version[0]), metadata=DISTRICT)
        version[0] += 1
        return response

    return send


CASES: list[tuple[str, Column[str], Callable[[Any], Callable[[str], Awaitable[object]]]]] = [
    ("place.name", PlaceRow.__table__.c.name, lambda stub: lambda v: create_place(stub, name=v)),
    ("place.owner_name", PlaceRow.__table__.c.owner_name, lambda stub: lambda v: create_place(stub, owner_name=v)),
    ("place.contact_name", PlaceRow.__table__.c.contact_name,
     lambda stub: lambda v: create_place(stub, contact_name=v, contact_phone="13900001111")),
    ("name", HazardTypeRow.__table__.c.name, rename_clutter),
    ("name", HazardTypeVersionRow.__table__.c.name, rename_clutter),
]


@pytest.mark.parametrize(("field", "column", "sender"), CASES, ids=[f"{f}->{c}" for f, c, _ in CASES])
async def test_text_as_wide_as_its_column_is_stored_and_one_more_character_is_refused(
        fire: RunningService, database: Database, field: str, column: Column[str],
        sender: Callable[[Any], Callable[[str], Awaitable[object]]]) -> None:
    await assert_width_enforced(sender(fire.stub), database, column, field)


HEADER = ["类型", "名称", "地址", "网格编码", "负责人", "负责人电话", "联系人", "联系人电话", "风险等级"]


def ledger(**cells: str) -> bytes:
    row = dict(zip(HEADER, ["小商店", "张记五金", "万寿路2号", GRID, "张五", "13800000001", "", "", "低"],
                   strict=True))
    row.update(cells)
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, [row[h] for h in HEADER]])
    return out.getvalue().encode("utf-8")


@pytest.mark.parametrize(("header", "column"), [("名称", PlaceRow.__table__.c.name),
                                                ("负责人", PlaceRow.__table__.c.owner_name),
                                                ("联系人", PlaceRow.__table__.c.contact_name)])
async def test_ledger_cell_one_character_wider_than_its_column_is_refused_naming_line_and_column(
        fire: RunningService, database: Database, header: str, column: Column[str]) -> None:
    async def send(value: str) -> None:
        imported = await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(
            content=ledger(**{header: value}), format=fire_pb2.FILE_FORMAT_CSV), metadata=DISTRICT)
        assert imported.imported == 1

    await assert_cell_width_enforced(send, database, column, header)
