"""The inspection demo data loads through the gRPC API, deterministically and only once."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from gridgov.inspection.v1 import inspection_pb2 as pb
from services.inspection.demo import PATROL_DAYS, load_demo_data, survey_rows
from services.kit import demo
from services.kit.actor import ActorSigner
from services.kit.calendar import BEIJING
from services.kit.config import DEV_ACTOR_KEY
from services.kit.database import Database
from services.kit.outbox import read_events
from services.kit.plugin import DemoContext
from tests.inspection.fixtures import DISTRICT_MD
from tests.support.services import running_service

# What the launcher sends: a system actor reading the demo district.
LAUNCHER_MD = ActorSigner(DEV_ACTOR_KEY.encode(), "launcher").system_metadata(read_scopes=(demo.DISTRICT_CODE,))


def test_survey_rows_are_deterministic_and_cover_every_grid() -> None:
    rows = survey_rows(random.Random(7))
    assert rows == survey_rows(random.Random(7)) != survey_rows(random.Random(8))
    assert {r["jurisdiction_code"] for r in rows} == set(demo.grid_codes())


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
