"""The ledger: statistics by hazard type and grid, exports checked cell by cell, and place imports."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import timedelta

import grpc
import pytest
from openpyxl import Workbook, load_workbook

from gridgov.fire.v1 import fire_pb2
from services.fire.jobs import DeadlineJob
from services.fire.models import PlaceRow
from services.kit.database import Database
from tests.fire.support import DISTRICT, GRID, INSPECTOR, OTHER_GRID, START, Clock, create_place, find_hazard
from tests.support.actors import actor_metadata
from tests.support.idempotency import assert_created_once
from tests.support.services import RunningService, error_detail, running_service


@pytest.fixture
async def fire(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("fire", database) as service:
        service.runtime.clock = Clock()
        yield service


async def ledger_history(fire: RunningService) -> dict[str, fire_pb2.Hazard]:
    """One hazard of each fate: fixed on the spot, verified in time, handed over, verified late, open elsewhere."""
    clock: Clock = fire.runtime.clock  # type: ignore[assignment]
    spot = await find_hazard(fire.stub, "exit_locked", fixed_on_spot=True)
    on_time = await find_hazard(fire.stub, "no_extinguisher")
    late = await find_hazard(fire.stub, "no_extinguisher")
    handed = await find_hazard(fire.stub, "exit_locked")
    elsewhere = await find_hazard(fire.stub, "no_extinguisher",
                                  place=await create_place(fire.stub, jurisdiction_code=OTHER_GRID, name="外街"))
    for hazard in (on_time, late, handed):
        await fire.stub.OrderRectification(fire_pb2.OrderRectificationRequest(id=hazard.id), metadata=DISTRICT)
    await fire.stub.ClaimFix(fire_pb2.ClaimFixRequest(id=on_time.id), metadata=DISTRICT)
    await fire.stub.VerifyFix(fire_pb2.VerifyFixRequest(id=on_time.id), metadata=INSPECTOR)  # four eyes
    clock.advance(days=9)
    await DeadlineJob(fire.runtime).run()  # late: overdue; handed: overdue, then handed over (past grace)
    await fire.stub.ClaimFix(fire_pb2.ClaimFixRequest(id=late.id), metadata=DISTRICT)
    await fire.stub.VerifyFix(fire_pb2.VerifyFixRequest(id=late.id), metadata=INSPECTOR)
    return {"spot": spot, "on_time": on_time, "late": late, "handed": handed, "elsewhere": elsewhere}


async def test_statistics_by_hazard_type_and_grid(fire: RunningService) -> None:
    await ledger_history(fire)
    stats = await fire.stub.GetLedgerStatistics(fire_pb2.GetLedgerStatisticsRequest(), metadata=DISTRICT)
    rows = [(r.hazard_type_code, r.jurisdiction_code, r.found, r.rectified_on_time, r.overdue, r.handed_over,
             round(r.rectification_rate, 4)) for r in stats.rows]
    assert rows == [
        ("exit_locked", GRID, 2, 1, 1, 1, 0.5),
        ("no_extinguisher", GRID, 2, 1, 1, 0, 1.0),
        ("no_extinguisher", OTHER_GRID, 1, 0, 0, 0, 0.0),
    ]
    total = stats.total
    assert (total.found, total.rectified_on_time, total.overdue, total.handed_over) == (5, 2, 2, 1)
    assert round(total.rectification_rate, 4) == 0.6
    scoped = await fire.stub.GetLedgerStatistics(fire_pb2.GetLedgerStatisticsRequest(), metadata=INSPECTOR)
    assert {r.jurisdiction_code for r in scoped.rows} == {GRID}
    window = await fire.stub.GetLedgerStatistics(fire_pb2.GetLedgerStatisticsRequest(
        found_from=START + timedelta(days=1)), metadata=DISTRICT)
    assert window.total.found == 0


def read_export(content: bytes, file_format: int) -> list[list[str]]:
    if file_format == fire_pb2.FILE_FORMAT_CSV:
        assert content.startswith("\ufeff".encode())
        return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(content), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("file_format", [fire_pb2.FILE_FORMAT_CSV, fire_pb2.FILE_FORMAT_XLSX])
async def test_hazard_and_statistics_export_cell_by_cell(fire: RunningService, file_format: int) -> None:
    fates = await ledger_history(fire)
    exported = await fire.stub.ExportLedger(fire_pb2.ExportLedgerRequest(
        jurisdiction_code=GRID[:9], section=fire_pb2.LEDGER_SECTION_HAZARDS, format=file_format), metadata=DISTRICT)
    table = read_export(exported.content, file_format)
    assert table[0] == ["编号", "场所", "地址", "网格编码", "隐患类型", "严重程度", "状态", "发现日期", "整改期限",
                        "整改日期", "移交日期", "销号日期", "销号方式", "案件编号"]
    by_id = {row[0]: row for row in table[1:]}
    assert set(by_id) == {fates[k].id for k in ("spot", "on_time", "late", "handed")}
    assert by_id[fates["spot"].id][1:] == ["便民超市", "万寿路1号", GRID, "exit_locked", "major", "closed",
                                           "2026-11-23", "", "", "", "2026-11-23", "fixed_on_spot", ""]
    assert by_id[fates["on_time"].id][1:] == ["便民超市", "万寿路1号", GRID, "no_extinguisher", "general", "closed",
                                              "2026-11-23", "2026-11-26", "2026-11-23", "", "2026-11-23",
                                              "verified", ""]
    assert by_id[fates["late"].id][1:] == ["便民超市", "万寿路1号", GRID, "no_extinguisher", "general", "closed",
                                           "2026-11-23", "2026-11-26", "2026-12-02", "", "2026-12-02",
                                           "verified", ""]
    assert by_id[fates["handed"].id][1:] == ["便民超市", "万寿路1号", GRID, "exit_locked", "major", "handed_over",
                                             "2026-11-23", "2026-11-23", "", "2026-12-02", "", "", ""]
    stats = await fire.stub.ExportLedger(fire_pb2.ExportLedgerRequest(
        jurisdiction_code="110108", section=fire_pb2.LEDGER_SECTION_STATISTICS, format=file_format),
        metadata=DISTRICT)
    assert read_export(stats.content, file_format) == [
        ["隐患类型", "网格编码", "发现数", "按期整改数", "逾期数", "移交数", "整改率"],
        ["exit_locked", GRID, "2", "1", "1", "1", "50.00%"],
        ["no_extinguisher", GRID, "2", "1", "1", "0", "100.00%"],
        ["no_extinguisher", OTHER_GRID, "1", "0", "0", "0", "0.00%"],
        ["合计", "", "5", "2", "2", "1", "60.00%"],
    ]
    assert exported.file_name.endswith(".csv" if file_format == fire_pb2.FILE_FORMAT_CSV else ".xlsx")


async def test_place_and_inspection_export_mask_contacts(fire: RunningService) -> None:
    hazard = await find_hazard(fire.stub, "exit_locked")
    masked = actor_metadata("w", (("grid_worker", GRID),), mask=["owner_phone", "contact_phone"])
    exported = await fire.stub.ExportLedger(fire_pb2.ExportLedgerRequest(
        jurisdiction_code=GRID, section=fire_pb2.LEDGER_SECTION_PLACES, format=fire_pb2.FILE_FORMAT_CSV),
        metadata=masked)
    table = read_export(exported.content, fire_pb2.FILE_FORMAT_CSV)
    assert table == [
        ["编号", "名称", "类型", "地址", "网格编码", "负责人", "负责人电话", "联系人", "联系人电话", "风险等级",
         "检查网格层级", "检查周期(天)", "上次检查日期", "下次检查日期", "经度", "纬度"],
        [hazard.place_id, "便民超市", "small_shop", "万寿路1号", GRID, "张三", "138****5289", "李四", "139****1111",
         "medium", "small", "1", "2026-11-23", "2026-11-24", "", ""],
    ]
    inspections = await fire.stub.ExportLedger(fire_pb2.ExportLedgerRequest(
        jurisdiction_code=GRID, section=fire_pb2.LEDGER_SECTION_INSPECTIONS, format=fire_pb2.FILE_FORMAT_CSV),
        metadata=DISTRICT)
    assert read_export(inspections.content, fire_pb2.FILE_FORMAT_CSV)[1] == [
        hazard.inspection_id, hazard.place_id, GRID, "admin", "small", "2026-11-23 10:00", "finalized", "1",
        "exit_locked=hazard_found; clutter=passed"]


async def test_export_outside_scope_is_refused(fire: RunningService) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.ExportLedger(fire_pb2.ExportLedgerRequest(
            jurisdiction_code=OTHER_GRID, section=fire_pb2.LEDGER_SECTION_PLACES, format=fire_pb2.FILE_FORMAT_CSV),
            metadata=INSPECTOR)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.ExportLedger(fire_pb2.ExportLedgerRequest(jurisdiction_code=GRID), metadata=DISTRICT)
    assert {v.field for v in error_detail(raised.value).field_violations} == {"section", "format"}


HEADER = ["类型", "名称", "地址", "网格编码", "负责人", "负责人电话", "联系人", "联系人电话", "风险等级"]
GOOD_ROWS = [
    ["小商店", "张记五金", "万寿路2号", GRID, "张五", "13800000001", "", "", "低"],
    ["key_unit", "翠微商场", "复兴路33号", GRID, "王六", "010-68888888", "赵七", "13800000002", "high"],
]


def csv_file(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerows([HEADER, *rows])
    return out.getvalue().encode("utf-8")


def xlsx_file(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in [HEADER, *rows]:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("make", "file_format"), [(csv_file, fire_pb2.FILE_FORMAT_CSV),
                                                   (xlsx_file, fire_pb2.FILE_FORMAT_XLSX)])
async def test_import_places(fire: RunningService, make: object, file_format: int) -> None:
    content = make(GOOD_ROWS)  # type: ignore[operator]
    imported = await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(content=content, format=file_format),
                                            metadata=DISTRICT)
    assert imported.imported == 2
    places = (await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=DISTRICT)).places
    assert sorted((p.name, p.type, p.risk_level, p.inspected_by) for p in places) == [
        ("张记五金", fire_pb2.PLACE_TYPE_SMALL_SHOP, fire_pb2.RISK_LEVEL_LOW, fire_pb2.GRID_LEVEL_SMALL),
        ("翠微商场", fire_pb2.PLACE_TYPE_KEY_UNIT, fire_pb2.RISK_LEVEL_HIGH, fire_pb2.GRID_LEVEL_BIG),
    ]


async def test_an_import_retried_with_its_key_imports_once(fire: RunningService) -> None:
    request = fire_pb2.ImportPlacesRequest(content=csv_file(GOOD_ROWS), format=fire_pb2.FILE_FORMAT_CSV)
    different = fire_pb2.ImportPlacesRequest(content=csv_file(GOOD_ROWS[:1]), format=fire_pb2.FILE_FORMAT_CSV)
    answer = await assert_created_once(fire, fire.stub.ImportPlaces, request, DISTRICT, PlaceRow.__table__,
                                       different, created=2)
    assert answer.imported == 2


async def test_import_reports_every_bad_row_and_imports_nothing(fire: RunningService) -> None:
    rows = [GOOD_ROWS[0],
            ["超市", "", "万寿路3号", "110108001001", "李", "123", "", "", "低"],
            [],
            ["小商店", "好店", "万寿路4号", GRID, "周", "13800000003", "", "", "极高"]]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(content=csv_file(rows),
                                                                  format=fire_pb2.FILE_FORMAT_CSV), metadata=DISTRICT)
    assert raised.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    fields = [(v.field, v.description) for v in error_detail(raised.value).field_violations]
    assert [f for f, _ in fields] == ["rows[3].type", "rows[3].name", "rows[3].jurisdiction_code",
                                      "rows[3].owner_phone", "rows[5].risk_level"]
    assert "超市" in fields[0][1]
    places = (await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=DISTRICT)).places
    assert list(places) == []


async def test_import_reads_coordinates_and_names_bad_ones(fire: RunningService) -> None:
    header = [*HEADER, "经度", "纬度"]

    def file(rows: list[list[str]]) -> bytes:
        out = io.StringIO()
        csv.writer(out).writerows([header, *rows])
        return out.getvalue().encode("utf-8")

    good = [*GOOD_ROWS[0], "116.2902", "39.9101"]
    bad_rows = [good, [*GOOD_ROWS[1], "116.29", ""], [*GOOD_ROWS[1], "东经116", "39.9"],
                [*GOOD_ROWS[1], "39.9", "116.29"]]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(content=file(bad_rows),
                                                                  format=fire_pb2.FILE_FORMAT_CSV), metadata=DISTRICT)
    assert [v.field for v in error_detail(raised.value).field_violations] == [
        "rows[3].latitude", "rows[4].longitude", "rows[5].latitude"]
    assert list((await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=DISTRICT)).places) == []
    await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(content=file([good, [*GOOD_ROWS[1], "", ""]]),
                                                              format=fire_pb2.FILE_FORMAT_CSV), metadata=DISTRICT)
    places = {p.name: p for p in (await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=DISTRICT)).places}
    assert (places["张记五金"].location.longitude, places["张记五金"].location.latitude) == (116.2902, 39.9101)
    assert not places["翠微商场"].HasField("location")
    exported = await fire.stub.ExportLedger(fire_pb2.ExportLedgerRequest(
        jurisdiction_code=GRID, section=fire_pb2.LEDGER_SECTION_PLACES, format=fire_pb2.FILE_FORMAT_CSV),
        metadata=DISTRICT)
    lines = {r["名称"]: r for r in csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig")))}
    assert (lines["张记五金"]["经度"], lines["张记五金"]["纬度"]) == ("116.2902", "39.9101")
    assert (lines["翠微商场"]["经度"], lines["翠微商场"]["纬度"]) == ("", "")


async def test_import_outside_scope_imports_nothing(fire: RunningService) -> None:
    rows = [GOOD_ROWS[0], ["小商店", "外街店", "羊坊店路1号", OTHER_GRID, "吴", "13800000004", "", "", "低"]]
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await fire.stub.ImportPlaces(fire_pb2.ImportPlacesRequest(content=csv_file(rows),
                                                                  format=fire_pb2.FILE_FORMAT_CSV), metadata=INSPECTOR)
    assert raised.value.code() is grpc.StatusCode.PERMISSION_DENIED
    assert "rows[3]" in (raised.value.details() or "")
    assert list((await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(), metadata=DISTRICT)).places) == []
