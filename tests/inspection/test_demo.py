"""The inspection demo data loads through the gRPC API, deterministically and only once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.demo import PATROL_DAYS, load_demo_data, survey_rows
from services.kit import demo
from services.kit.calendar import BEIJING
from services.kit.database import Database
from services.kit.outbox import read_events
from services.kit.plugin import DemoContext
from tests.inspection.fixtures import DISTRICT_MD
from tests.support.actors import system_metadata
from tests.support.services import running_service

# What the launcher sends: a system actor reading the demo district.
LAUNCHER_MD = system_metadata("launcher", read_scopes=(demo.DISTRICT_CODE,))


def test_survey_rows_are_deterministic_and_cover_every_grid() -> None:
    rows = survey_rows(random.Random(7))
    assert rows == survey_rows(random.Random(7)) != survey_rows(random.Random(8))
    assert {r["jurisdiction_code"] for r in rows} == set(demo.grid_codes())


def test_every_demo_source_stands_inside_its_grid() -> None:
    from services.kit import demo_boundaries
    from services.kit.locator import Locator

    locator = Locator(demo_boundaries.geometries().items())
    for row in survey_rows(random.Random(7)):
        assert locator.locate(row["longitude"], row["latitude"]).grid == row["jurisdiction_code"]  # type: ignore[arg-type]


async def test_demo_data_loads_once(database: Database) -> None:
    async with running_service("inspection", database) as inspection:
        stub = inspection.stub
        context = DemoContext(channel=inspection.channel, metadata=LAUNCHER_MD)
        await load_demo_data(context)
        sources = (await stub.ListSources(pb.ListSourcesRequest(page={"page_size": 200}), metadata=DISTRICT_MD)).sources
        assert len(sources) >= len(demo.grid_codes())
        assert {s.status for s in sources} == {pb.SOURCE_STATUS_ACTIVE, pb.SOURCE_STATUS_RECTIFYING,
                                               pb.SOURCE_STATUS_CLOSED, pb.SOURCE_STATUS_RELOCATED}
        heads = (await stub.ListGridHeads(pb.ListGridHeadsRequest(page={"page_size": 200}),
                                          metadata=DISTRICT_MD)).grid_heads
        assert {h.level for h in heads} == {1, 2, 3, 4}
        today = datetime.now(UTC).astimezone(BEIJING).date()
        period = pb.Period(start=(today - timedelta(days=PATROL_DAYS)).isoformat(),
                           end=(today - timedelta(days=1)).isoformat())
        due = (await stub.ListPatrolDue(pb.ListPatrolDueRequest(period=period), metadata=DISTRICT_MD)).entries
        assert len(due) == len(heads)
        assert 0 < sum(e.missed for e in due) < sum(len(e.windows) for e in due) / 2
        violations = (await stub.ListViolations(pb.ListViolationsRequest(), metadata=DISTRICT_MD)).violations
        requested = await read_events(inspection.runtime.database, inspection.runtime.tables, "inspection", 0,
                                      ["CaseRequested"])
        assert len(violations) == len(requested) >= 5
        compared = (await stub.CompareAirQuality(pb.CompareAirQualityRequest(period=pb.Period(
            start=(today - timedelta(days=30)).isoformat(), end=today.isoformat())), metadata=DISTRICT_MD))
        assert all(p.samples == 90 and p.HasField("reference_average") for p in compared.pollutants)
        await load_demo_data(context)  # a second run adds nothing
        again = (await stub.ListSources(pb.ListSourcesRequest(page={"page_size": 200}), metadata=DISTRICT_MD))
        assert len(again.sources) == len(sources)


async def test_demo_district_has_violations_in_every_state(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # SQLite only: the states come from the same RPCs and events on either database.
    from services.cases import demo as cases_demo
    from services.inspection.domain import ViolationState
    from tests.support.services import free_port, wait_until

    inspection_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'inspection.db'}")
    cases_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cases.db'}")
    inspection_port, cases_port = free_port(), free_port()
    async with running_service("inspection", inspection_db, peers={"cases": f"127.0.0.1:{cases_port}"},
                               background=True, port=inspection_port) as inspection, \
            running_service("cases", cases_db, peers={"inspection": f"127.0.0.1:{inspection_port}"},
                            background=True, port=cases_port) as cases:
        await load_demo_data(DemoContext(channel=inspection.channel, metadata=LAUNCHER_MD))
        # As the launcher does: the cases demo comes after inspection's and closes some of the cases it requested.
        await cases_demo.load(DemoContext(channel=cases.channel, metadata=LAUNCHER_MD,
                                          loaded_before=("inspection",)), count=20)

        async def states() -> set[str] | None:
            violations = (await inspection.stub.ListViolations(pb.ListViolationsRequest(),
                                                                metadata=DISTRICT_MD)).violations
            found = {pb.ViolationState.Name(v.state) for v in violations}
            return found if found == {f"VIOLATION_STATE_{state.name}" for state in ViolationState} else None

        # Every state, so a new one needs demo data. CaseClosed reaches inspection through its consumer.
        assert await wait_until(states, seconds=30)
    await inspection_db.dispose()
    await cases_db.dispose()
