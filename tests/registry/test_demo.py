"""The registry's demo data: loaded through its own gRPC API, deterministic, valid, and loaded once."""

from __future__ import annotations

import json
import time
from pathlib import Path

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit import demo
from services.kit.database import Database
from services.kit.plugin import DemoContext
from services.registry import domain
from services.registry.demo import ORGANIZATIONS, VISITS
from services.registry.synthetic import DEMO_PROVINCE, REAL_PROVINCES, Synthesizer
from tests.registry.conftest import ADMIN, sample
from tests.support.services import running_service


async def test_demo_district_loads_quickly_with_valid_people(tmp_path: Path) -> None:
    # SQLite only: the load is the same RPCs on either database, and the store tests cover both.
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    async with running_service("registry", database) as registry:
        started = time.perf_counter()
        await registry.plugin.demo_data(DemoContext(registry.channel, ADMIN))
        assert time.perf_counter() - started < 60
        await check_demo(registry.stub)
        # A second run finds the district and leaves everything as it was.
        await registry.plugin.demo_data(DemoContext(registry.channel, ADMIN))
        again = await registry.stub.ExportHouseholds(pb.ExportHouseholdsRequest(format=pb.FILE_FORMAT_CSV),
                                                     metadata=ADMIN)
        assert again.households == 2000
    await database.dispose()


async def check_demo(stub: object) -> None:
    grids = await stub.ListJurisdictions(pb.ListJurisdictionsRequest(level=pb.JURISDICTION_LEVEL_GRID,
                                                                     page={"page_size": 200}), metadata=ADMIN)
    assert [g.code for g in grids.jurisdictions] == demo.grid_codes()
    assert all(g.leader.name and len(g.workers) == 2 for g in grids.jurisdictions)
    # Every grid has a boundary of an urban grid's size, and the grids cover their communities exactly.
    exported = await stub.ExportBoundaries(pb.ExportBoundariesRequest(), metadata=ADMIN)
    areas = {f["properties"]["code"]: f["properties"]["area_m2"] for f in json.loads(exported.geojson)["features"]}
    assert all(5_000 < areas[g.code] < 20_000 for g in grids.jurisdictions)
    coverage = await stub.GetCoverage(pb.GetCoverageRequest(), metadata=ADMIN)
    assert len(coverage.communities) == 9
    for community in coverage.communities:
        assert community.has_boundary and community.covered_share > 0.99999, community
        assert not community.gaps and not community.grids_without_boundary and not community.grids_without_worker
    exported = await stub.ExportHouseholds(pb.ExportHouseholdsRequest(format=pb.FILE_FORMAT_CSV), metadata=ADMIN)
    assert exported.households == 2000 and 4500 <= exported.residents <= 5500
    text = exported.content.decode("utf-8-sig").splitlines()[1:]
    for line in text:
        cells = line.split(",")
        national = domain.parse_national_id(cells[7])
        assert national.birth_date.isoformat() == cells[9]
        assert domain.GENDER_LABELS[national.gender] == cells[8]
    close = await stub.ListHouseholds(pb.ListHouseholdsRequest(
        filter=pb.HouseholdFilter(care_level=pb.CARE_LEVEL_CLOSE_CONTACT), page={"page_size": 200}), metadata=ADMIN)
    assert len(close.households) >= 50
    assert all(h.helper.phone and h.tags and h.care_reason for h in close.households)
    assert len({h.helper.phone for h in close.households}) == len(close.households)
    organizations = await stub.ListOrganizations(pb.ListOrganizationsRequest(page={"page_size": 200}),
                                                 metadata=ADMIN)
    assert len(organizations.organizations) == ORGANIZATIONS
    assert all(domain.credit_code_problem(o.credit_code) is None for o in organizations.organizations)
    visits = await stub.ListVisits(pb.ListVisitsRequest(page={"page_size": 200}), metadata=ADMIN)
    assert len(visits.visits) == VISITS


async def test_the_sample_ledger_imports_into_the_demo_district(tmp_path: Path) -> None:
    # A newcomer's first import, into `make run`: no demo resident may hold an ID number from the sample.
    database = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}")
    async with running_service("registry", database) as registry:
        await registry.plugin.demo_data(DemoContext(registry.channel, ADMIN))
        report = await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
            content=sample("households-ledger.csv"), format=pb.FILE_FORMAT_CSV), metadata=ADMIN, timeout=60)
        assert [(e.line, e.field, e.reason) for e in report.errors] == []
        assert (report.households, report.residents) == (144, 427)
    await database.dispose()


def test_demo_ids_lie_outside_every_real_region() -> None:
    synth = Synthesizer(7)
    ids = [m.id_number for _ in range(200) for m in synth.household("110108001001001", "街道", "社区").members]
    assert {number[:2] for number in ids} == {DEMO_PROVINCE}
    assert DEMO_PROVINCE not in REAL_PROVINCES
