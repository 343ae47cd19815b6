"""Inspection's text one character wider than its database column is refused naming the field, on SQLite and
PostgreSQL alike; text exactly as wide is stored whole. The widths are read from the models."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy import Column

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.models import GridHeadRow, SourceRow, ViolationTypeRow
from services.kit.database import Database
from tests.inspection.fixtures import DISTRICT_MD, GRID, source_input, survey_csv
from tests.support.services import RunningService, running_service
from tests.support.widths import assert_cell_width_enforced, assert_width_enforced


@pytest.fixture
async def service(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("inspection", database) as running:
        yield running


def create_source(stub: Any, **change: Any) -> Callable[[str], Awaitable[object]]:
    """Creates a source with one field (the key of ``change`` whose value is None) set to the text sent."""
    (field,) = [key for key, value in change.items() if value is None]
    fixed = {key: value for key, value in change.items() if value is not None}

    async def send(text: str) -> object:
        return await stub.CreateSource(pb.CreateSourceRequest(source=source_input(**fixed, **{field: text})),
                                       metadata=DISTRICT_MD)

    return send


def assign_head(stub: Any, field: str) -> Callable[[str], Awaitable[object]]:
    async def send(text: str) -> object:
        head = {"subject_id": "head-1", "name": "王网格长", "jurisdiction_code": GRID, "phone": "13912345678",
                field: text}
        return await stub.AssignGridHead(pb.AssignGridHeadRequest(grid_head=pb.GridHead(**head)),
                                         metadata=DISTRICT_MD)

    return send


def define_type(stub: Any) -> Callable[[str], Awaitable[object]]:
    async def send(name: str) -> object:
        return await stub.DefineViolationType(pb.DefineViolationTypeRequest(violation_type=pb.ViolationType(
            code="dust_on_road", name=name, rectify_working_days=2)), metadata=DISTRICT_MD)

    return send


CASES: list[tuple[str, Column[str], str, Callable[[Any], Callable[[str], Awaitable[object]]]]] = [
    ("source.name", SourceRow.__table__.c.name, "工", lambda stub: create_source(stub, name=None)),
    ("source.responsible_unit", SourceRow.__table__.c.responsible_unit, "司",
     lambda stub: create_source(stub, responsible_unit=None)),
    ("source.contact_name", SourceRow.__table__.c.contact_name, "名",
     lambda stub: create_source(stub, contact_name=None)),
    ("source.permit_number", SourceRow.__table__.c.permit_number, "9",
     lambda stub: create_source(stub, source_type=pb.SOURCE_TYPE_INDUSTRIAL_KEY_SOURCE, permit_number=None)),
    ("grid_head.name", GridHeadRow.__table__.c.name, "名", lambda stub: assign_head(stub, "name")),
    ("grid_head.subject_id", GridHeadRow.__table__.c.subject_id, "h", lambda stub: assign_head(stub, "subject_id")),
    ("violation_type.name", ViolationTypeRow.__table__.c.name, "尘", define_type),
]


@pytest.mark.parametrize(("field", "column", "fill", "sender"), CASES, ids=[f"{c[0]}->{c[1]}" for c in CASES])
async def test_text_as_wide_as_its_column_is_stored_and_one_more_character_is_refused(
        service: RunningService, database: Database, field: str, column: Column[str], fill: str,
        sender: Callable[[Any], Callable[[str], Awaitable[object]]]) -> None:
    await assert_width_enforced(sender(service.stub), database, column, field, fill=fill)


def survey_row(**cells: str) -> str:
    values = {"name": "羊坊店工地", "responsible_unit": "城建集团", "contact_name": "李工", **cells}
    return (f"施工工地,{values['name']},{GRID},羊坊店路2号,{values['responsible_unit']},{values['contact_name']},"
            "13911112222,8000,,施工现场100%围挡、出入车辆100%冲洗,,,")


@pytest.mark.parametrize(("header", "cell", "column"), [("名称", "name", SourceRow.__table__.c.name),
                                                        ("责任单位", "responsible_unit",
                                                         SourceRow.__table__.c.responsible_unit),
                                                        ("联系人", "contact_name", SourceRow.__table__.c.contact_name)])
async def test_survey_cell_one_character_wider_than_its_column_is_refused_naming_line_and_column(
        service: RunningService, database: Database, header: str, cell: str, column: Column[str]) -> None:
    async def send(value: str) -> None:
        imported = await service.stub.ImportSources(pb.ImportSourcesRequest(
            format=pb.FILE_FORMAT_CSV, data=survey_csv(survey_row(**{cell: value}))), metadata=DISTRICT_MD)
        assert imported.imported == 1

    await assert_cell_width_enforced(send, database, column, header)
