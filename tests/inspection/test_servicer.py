"""The inspection service over a real in-process gRPC server: sources, survey, patrols, violations, review."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import grpc
import pytest
from google.protobuf import any_pb2, timestamp_pb2

from gridgov.common.v1 import error_pb2, event_pb2
from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.convert import to_proto
from services.inspection.domain import DEFAULT_CHECKLIST, SourceDraft
from services.inspection.survey import COLUMNS, REQUIRED, parse_row
from services.kit.database import Database
from services.kit.outbox import read_events
from services.kit.server import ERROR_DETAIL_KEY
from services.kit.tabular import FileFormat, read_table
from tests.inspection.fixtures import (
    DISTRICT,
    DISTRICT_MD,
    GOOD_ROWS,
    GRID,
    OTHER_GRID,
    STREET,
    grid_md,
    source_input,
    survey_csv,
)
from tests.support.services import RunningService, running_service


@pytest.fixture
async def service(database: Database) -> AsyncIterator[RunningService]:
    async with running_service("inspection", database) as running:
        yield running


def detail(error: grpc.aio.AioRpcError) -> error_pb2.ErrorDetail:
    for key, value in error.trailing_metadata() or ():
        if key == ERROR_DETAIL_KEY:
            return error_pb2.ErrorDetail.FromString(value)
    raise AssertionError("no error detail")


def fields(error: grpc.aio.AioRpcError) -> list[str]:
    return [v.field for v in detail(error).field_violations]


def ts(moment: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(moment)
    return value


async def test_source_lifecycle_and_masking(service: RunningService) -> None:
    stub = service.stub
    created = (await stub.CreateSource(pb.CreateSourceRequest(source=source_input(
        checklist=[pb.ChecklistEntry(item="enclosure", in_place=True)])), metadata=DISTRICT_MD)).source
    assert created.status == pb.SOURCE_STATUS_ACTIVE
    assert created.area_m2 == 1500.0
    assert "wheel_washing" in created.missing_checklist_items and "enclosure" not in created.missing_checklist_items
    assert created.contact_phone == "13800135289"
    masked = (await stub.GetSource(pb.GetSourceRequest(id=created.id),
                                   metadata=grid_md(mask=("contact_phone",)))).source
    assert masked.contact_phone == "138****5289"
    moved = await stub.RectifySource(pb.RectifySourceRequest(id=created.id), metadata=grid_md())
    assert moved.source.status == pb.SOURCE_STATUS_RECTIFYING
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ReopenSource(pb.ReopenSourceRequest(id=created.id), metadata=grid_md())
    assert caught.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    assert detail(caught.value).current_state == "rectifying"
    assert list(detail(caught.value).allowed_actions) == ["close", "relocate", "resume"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.GetSource(pb.GetSourceRequest(id=created.id), metadata=grid_md(scope=OTHER_GRID))
    assert caught.value.code() is grpc.StatusCode.PERMISSION_DENIED


async def test_create_rejects_every_bad_field(service: RunningService) -> None:
    bad = source_input(pb.SOURCE_TYPE_RESTAURANT_FUMES, code=STREET, contact_phone="12", area_m2=3.0)
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.CreateSource(pb.CreateSourceRequest(source=bad), metadata=DISTRICT_MD)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert fields(caught.value) == ["source.jurisdiction_code", "source.contact_phone", "source.area_m2"]
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await service.stub.CreateSource(pb.CreateSourceRequest(source=pb.SourceInput()), metadata=DISTRICT_MD)
    assert fields(caught.value) == ["source.source_type"]


async def test_import_with_bad_rows_imports_nothing_and_names_each(service: RunningService) -> None:
    stub = service.stub
    data = survey_csv(
        GOOD_ROWS[0],
        f"火电站,未知类型,{GRID},地址,单位,人,13800000000,,,,,,",                   # line 3: type
        f"餐饮油烟,缺净化器信息,{GRID},翠微路5号,饭店,钱,13800000000,,,,,,",         # line 4: purifier
        GOOD_ROWS[1],
        f"施工工地,外区工地,{OTHER_GRID},某路,单位,人,13800000000,100,,,,,",          # line 6: outside scope
        f"工业重点源,某厂,{GRID},某路,单位,人,138,,,,,省控,",                          # line 7: phone, level, permit
        GOOD_ROWS[0],                                                               # line 8: repeats line 2
    )
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV, data=data),
                                 metadata=grid_md(scope=STREET))
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert fields(caught.value) == [
        "rows[3].source_type", "rows[4].fume_purifier_installed", "rows[6].jurisdiction_code",
        "rows[7].contact_phone", "rows[7].control_level", "rows[7].permit_number", "rows[8].name"]
    listed = await stub.ListSources(pb.ListSourcesRequest(), metadata=DISTRICT_MD)
    assert list(listed.sources) == []
    imported = await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV,
                                                                data=survey_csv(*GOOD_ROWS)), metadata=DISTRICT_MD)
    assert imported.imported == 4
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV, data=survey_csv(GOOD_ROWS[2])),
                                 metadata=DISTRICT_MD)
    assert fields(caught.value) == ["rows[2].name"]  # already in the inventory


async def test_export_round_trips_through_the_survey_reader(service: RunningService) -> None:
    stub = service.stub
    await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_CSV, data=survey_csv(*GOOD_ROWS)),
                             metadata=DISTRICT_MD)
    originals = {s.name: s for s in (await stub.ListSources(pb.ListSourcesRequest(), metadata=DISTRICT_MD)).sources}
    assert len(originals) == 4
    exports: dict[int, bytes] = {}
    for proto_format, file_format in ((pb.FILE_FORMAT_CSV, FileFormat.CSV), (pb.FILE_FORMAT_XLSX, FileFormat.XLSX)):
        exported = await stub.ExportSources(pb.ExportSourcesRequest(format=proto_format), metadata=DISTRICT_MD)
        assert exported.rows == 4
        exports[proto_format] = exported.data
        rows = read_table(exported.data, file_format, COLUMNS, REQUIRED)
        drafts = {}
        for row in rows:
            draft, problems = parse_row(row, DEFAULT_CHECKLIST)
            assert problems == []
            assert draft is not None
            drafts[draft.name] = draft
        assert drafts.keys() == originals.keys()
        for name, original in originals.items():
            again = source_message_of(drafts[name])
            for attribute in ("source_type", "jurisdiction_code", "area_m2", "dust_controls", "checklist",
                              "fume_purifier_installed", "control_level", "permit_number", "contact_phone"):
                assert getattr(again, attribute) == getattr(original, attribute), (name, attribute)
    with pytest.raises(grpc.aio.AioRpcError) as caught:  # re-importing the export finds every source present
        await stub.ImportSources(pb.ImportSourcesRequest(format=pb.FILE_FORMAT_XLSX,
                                                         data=exports[pb.FILE_FORMAT_XLSX]),
                                 metadata=DISTRICT_MD)
    assert fields(caught.value) == [f"rows[{line}].name" for line in range(2, 6)]


def source_message_of(draft: SourceDraft) -> pb.Source:
    """The fields a Source message would carry for ``draft`` (masking off)."""
    message = pb.Source(source_type=to_proto(draft.source_type), jurisdiction_code=draft.jurisdiction_code,
                        contact_phone=draft.contact_phone, permit_number=draft.permit_number,
                        dust_controls=[to_proto(d) for d in draft.dust_controls],
                        checklist=[pb.ChecklistEntry(item=k, in_place=v) for k, v in sorted(draft.checklist.items())],
                        control_level=to_proto(draft.control_level) if draft.control_level else 0)
    if draft.area_m2 is not None:
        message.area_m2 = draft.area_m2
    if draft.fume_purifier_installed is not None:
        message.fume_purifier_installed = draft.fume_purifier_installed
    return message
