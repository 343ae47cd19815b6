"""The demo cases load through the API, cover the loop's stages, and load only once."""

from __future__ import annotations

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases import demo
from services.cases.domain import CaseState
from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.database import Database
from services.kit.plugin import DemoContext
from tests.cases.people import district_admin
from tests.support.services import running_service


async def test_demo_cases(database: Database) -> None:
    metadata = ActorSigner(DEV_ACTOR_KEY.encode(), "demo").system_metadata(read_scopes=("110108",))
    async with running_service("cases", database) as svc:
        await demo.load(DemoContext(channel=svc.channel, metadata=metadata), count=40)
        await demo.load(DemoContext(channel=svc.channel, metadata=metadata), count=40)
        board = await svc.stub.GetDashboard(pb.GetDashboardRequest(), metadata=district_admin())
        counts = {s.state: s.count for s in board.by_state}
        assert sum(counts.values()) == 40
        present = {pb.CaseState.Name(state) for state in counts}
        assert present == {f"CASE_STATE_{state.name}" for state in CaseState}  # a new state needs demo data


async def test_every_demo_case_stands_inside_its_grid(database: Database) -> None:
    from services.kit import demo_boundaries
    from services.kit.locator import Locator

    locator = Locator(demo_boundaries.geometries().items())
    metadata = ActorSigner(DEV_ACTOR_KEY.encode(), "demo").system_metadata(read_scopes=("110108",))
    async with running_service("cases", database) as svc:
        await demo.load(DemoContext(channel=svc.channel, metadata=metadata), count=40)
        listed = await svc.stub.ListCases(pb.ListCasesRequest(page={"page_size": 100}), metadata=district_admin())
    assert len(listed.cases) == 40
    for case in listed.cases:
        assert locator.locate(case.location.longitude, case.location.latitude).grid == case.jurisdiction_code
