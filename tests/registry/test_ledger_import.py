"""Ledger import and export through the real gRPC server: the sample files, all or nothing, round trips."""

from __future__ import annotations

import csv
import io

import grpc
import pytest
from openpyxl import load_workbook

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.database import Database
from services.registry.models import HouseholdRow
from tests.registry.conftest import ADMIN, build_tree, sample
from tests.support.actors import actor_metadata
from tests.support.idempotency import assert_created_once
from tests.support.services import RunningService, running_service


async def count_households(registry: RunningService, metadata=ADMIN) -> tuple[int, int]:
    households = residents = 0
    token = ""
    while True:
        page = await registry.stub.ListHouseholds(
            pb.ListHouseholdsRequest(page={"page_size": 200, "page_token": token}), metadata=metadata)
        households += len(page.households)
        residents += sum(h.member_count for h in page.households)
        token = page.page.next_page_token
        if not token:
            return households, residents


async def test_clean_sample_imports_every_household_and_resident(registry: RunningService) -> None:
    await build_tree(registry.stub)
    report = await registry.stub.ImportHouseholds(
        pb.ImportHouseholdsRequest(content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV),
        metadata=ADMIN)
    assert list(report.errors) == []
    assert (report.households, report.residents, report.nothing_stored) == (144, 427, False)
    assert await count_households(registry) == (144, 427)
    close = await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(
        filter=pb.HouseholdFilter(care_level=pb.CARE_LEVEL_CLOSE_CONTACT)), metadata=ADMIN)
    assert len(close.households) == 9
    elderly = await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(
        filter=pb.HouseholdFilter(tags=[pb.VULNERABLE_TAG_LEFT_BEHIND_ELDERLY])), metadata=ADMIN)
    assert len(elderly.households) == 5
    found = await registry.stub.FindResidentByIdNumber(
        pb.FindResidentByIdNumberRequest(id_number="110108197403062913"), metadata=ADMIN)
    assert (found.resident.name, found.resident.relationship) == ("胡强", pb.RELATIONSHIP_HEAD)
    household = await registry.stub.GetHousehold(pb.GetHouseholdRequest(id=found.resident.household_id),
                                                 metadata=ADMIN)
    assert household.household.number == "H00001"
    assert [m.name for m in household.household.members] == ["胡强", "杨芳", "何娟平"]
    assert household.household.head_name == "胡强"


async def test_bad_sample_names_its_six_rows_and_stores_nothing(registry: RunningService) -> None:
    await build_tree(registry.stub)
    report = await registry.stub.ImportHouseholds(
        pb.ImportHouseholdsRequest(content=sample("households-ledger-with-errors.csv"), format=pb.FILE_FORMAT_CSV),
        metadata=ADMIN)
    assert report.nothing_stored
    assert (report.households, report.residents) == (0, 0)
    by_line = {}
    for error in report.errors:
        by_line.setdefault(error.line, set()).add(error.field)
    assert sorted(by_line) == [3, 5, 7, 9, 11, 12]
    assert "id_number" in by_line[3]  # wrong check digit
    assert by_line[5] == {"jurisdiction_code"}  # unknown grid
    assert "id_number" in by_line[7]  # duplicate ID
    assert by_line[9] == {"gender"}
    assert by_line[11] == {"birth_date"}
    assert by_line[12] == {"name"}
    reasons = {e.line: e.reason for e in report.errors if e.field in ("id_number", "jurisdiction_code")}
    assert "line 6" in reasons[7]
    assert "110108999001001" in reasons[5]
    assert await count_households(registry) == (0, 0)


async def test_reimport_rejects_registered_ids_naming_their_household(registry: RunningService) -> None:
    await build_tree(registry.stub)
    request = pb.ImportHouseholdsRequest(content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV)
    await registry.stub.ImportHouseholds(request, metadata=ADMIN)
    again = await registry.stub.ImportHouseholds(request, metadata=ADMIN)
    assert again.nothing_stored and len({e.line for e in again.errors}) == 427
    first = next(e for e in again.errors if e.line == 2 and e.field == "id_number")
    assert "H00001" in first.reason
    assert await count_households(registry) == (144, 427)


async def test_dry_run_reports_counts_and_stores_nothing(registry: RunningService) -> None:
    await build_tree(registry.stub)
    report = await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
        content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV, dry_run=True), metadata=ADMIN)
    assert (report.households, report.residents, report.nothing_stored, len(report.errors)) == (144, 427, True, 0)
    assert await count_households(registry) == (0, 0)


async def test_rows_outside_the_callers_scope_are_rejected(registry: RunningService) -> None:
    await build_tree(registry.stub)
    community = actor_metadata("c1", (("community_staff", "110108001001"),))
    report = await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
        content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV), metadata=community)
    assert report.nothing_stored
    assert all(e.field == "jurisdiction_code" and "outside" in e.reason for e in report.errors)
    assert await count_households(registry) == (0, 0)


async def test_english_headers_are_accepted(registry: RunningService) -> None:
    await build_tree(registry.stub)
    text = sample("households-ledger.csv").decode("utf-8-sig")
    header, rest = text.split("\n", 1)
    english = ("household_number,grid,address,care_level,tags,name,relationship,national_id,gender,birth_date,"
               "phone,population_type")
    assert len(english.split(",")) == len(header.split(","))
    report = await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
        content=(english + "\n" + rest).encode(), format=pb.FILE_FORMAT_CSV), metadata=ADMIN)
    assert (list(report.errors), report.households) == ([], 144)


@pytest.mark.parametrize("file_format", [pb.FILE_FORMAT_CSV, pb.FILE_FORMAT_XLSX])
async def test_export_then_import_into_an_empty_registry_gives_the_same_data(
        registry: RunningService, other_database: Database, file_format: int) -> None:
    await build_tree(registry.stub)
    await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
        content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV), metadata=ADMIN)
    household = (await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(), metadata=ADMIN)).households[0]
    await registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=household.id, care_level=pb.CARE_LEVEL_CLOSE_CONTACT, reason="独居",
        helper=pb.Helper(name="帮扶人甲", phone="13900000001")), metadata=ADMIN)
    exported = await registry.stub.ExportHouseholds(pb.ExportHouseholdsRequest(format=file_format), metadata=ADMIN)
    assert (exported.households, exported.residents) == (144, 427)
    async with running_service("registry", other_database) as empty:
        await build_tree(empty.stub)
        report = await empty.stub.ImportHouseholds(
            pb.ImportHouseholdsRequest(content=exported.content, format=file_format), metadata=ADMIN)
        assert list(report.errors) == []
        assert (report.households, report.residents) == (144, 427)
        assert await snapshot(empty) == await snapshot(registry)


async def test_export_masks_personal_data_for_a_masked_caller(registry: RunningService) -> None:
    await build_tree(registry.stub)
    await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
        content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV), metadata=ADMIN)
    worker = actor_metadata("w1", (("grid_worker", "110108001001001"),), mask=("id_number", "phone"))
    exported = await registry.stub.ExportHouseholds(pb.ExportHouseholdsRequest(format=pb.FILE_FORMAT_XLSX),
                                                    metadata=worker)
    sheet = load_workbook(io.BytesIO(exported.content), read_only=True).worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["户编号", "所属网格", "住址"]
    assert {r[1] for r in rows[1:]} == {"110108001001001"}  # only the worker's grid
    assert rows[1][7] == "110108********2913" and rows[1][10] == "131****5289"
    birth = rows[0].index("出生日期")
    assert rows[1][birth] == "1974" and all(len(str(r[birth])) == 4 for r in rows[1:])
    csv_export = await registry.stub.ExportHouseholds(pb.ExportHouseholdsRequest(format=pb.FILE_FORMAT_CSV),
                                                      metadata=ADMIN)
    lines = list(csv.reader(io.StringIO(csv_export.content.decode("utf-8-sig"))))
    assert lines[1][7] == "110108197403062913" and lines[1][lines[0].index("出生日期")] == "1974-03-06"


async def test_an_unreadable_file_or_missing_format_is_invalid(registry: RunningService) -> None:
    for request, field in [
        (pb.ImportHouseholdsRequest(content=b"a,b\n1,2", format=pb.FILE_FORMAT_CSV), "file"),
        (pb.ImportHouseholdsRequest(content=b"not a workbook", format=pb.FILE_FORMAT_XLSX), "file"),
        (pb.ImportHouseholdsRequest(content=sample("households-ledger.csv")), "format"),
    ]:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await registry.stub.ImportHouseholds(request, metadata=ADMIN)
        assert caught.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert field in caught.value.details()


async def snapshot(registry: RunningService) -> set[tuple]:
    """Every resident with its household's ledger fields, without ids (two paged lists, no per-row calls)."""
    households = {}
    token = ""
    while True:
        page = await registry.stub.ListHouseholds(
            pb.ListHouseholdsRequest(page={"page_size": 200, "page_token": token}), metadata=ADMIN)
        for h in page.households:
            households[h.id] = (h.number, h.jurisdiction_code, h.address, h.care_level, h.care_reason, h.helper.name,
                                h.helper.phone, tuple(h.tags), h.head_name, h.member_count)
        token = page.page.next_page_token
        if not token:
            break
    rows = set()
    while True:
        page = await registry.stub.ListResidents(
            pb.ListResidentsRequest(page={"page_size": 200, "page_token": token}), metadata=ADMIN)
        for m in page.residents:
            rows.add((*households[m.household_id], m.name, m.id_number, m.gender, m.birth_date, m.phone,
                      m.population_type, m.relationship))
        token = page.page.next_page_token
        if not token:
            return rows


async def test_an_import_retried_with_its_key_imports_once(registry: RunningService) -> None:
    await build_tree(registry.stub)
    request = pb.ImportHouseholdsRequest(content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV)
    different = pb.ImportHouseholdsRequest(content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV,
                                           dry_run=True)
    first = await assert_created_once(registry, registry.stub.ImportHouseholds, request, ADMIN,
                                      HouseholdRow.__table__, different, created=144, again=False)
    assert first.households == 144 and not first.errors and not first.nothing_stored


async def test_a_refused_import_keeps_its_key_free_for_the_corrected_file(registry: RunningService) -> None:
    request = pb.ImportHouseholdsRequest(content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV,
                                         idempotency_key="ledger-2026-12")
    refused = await registry.stub.ImportHouseholds(request, metadata=ADMIN)  # no tree yet: every grid unknown
    assert refused.nothing_stored and refused.errors
    await build_tree(registry.stub)
    stored = await registry.stub.ImportHouseholds(request, metadata=ADMIN)
    assert not stored.nothing_stored and not stored.errors
    assert await registry.stub.ImportHouseholds(request, metadata=ADMIN) == stored
