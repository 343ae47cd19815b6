"""The fire demo data loads through the gRPC API, deterministically and only once."""

from __future__ import annotations

from gridgov.fire.v1 import fire_pb2
from services.fire.demo import PLACES_PER_GRID, load_demo_data, place_rows
from services.fire.domain import HazardState
from services.fire.jobs import DeadlineJob
from services.kit import demo
from services.kit.database import Database
from services.kit.outbox import read_events
from services.kit.plugin import DemoContext
from tests.fire.support import DISTRICT
from tests.support.actors import SIGNER
from tests.support.services import running_service


def test_place_rows_are_deterministic() -> None:
    import random

    assert place_rows(random.Random(7)) == place_rows(random.Random(7))
    assert place_rows(random.Random(7)) != place_rows(random.Random(8))


async def test_demo_data_loads_once(database: Database) -> None:
    async with running_service("fire", database) as fire:
        # As the launcher loads it: a system actor, which four-eyes verification does not hold back.
        context = DemoContext(channel=fire.channel, metadata=SIGNER.system_metadata(read_scopes=(demo.DISTRICT_CODE,)))
        await load_demo_data(context)
        stats = await fire.stub.GetLedgerStatistics(fire_pb2.GetLedgerStatisticsRequest(), metadata=DISTRICT)
        places = await fire.stub.ListPlaces(fire_pb2.ListPlacesRequest(page={"page_size": 200}), metadata=DISTRICT)
        expected_places = len(demo.grid_codes()) * PLACES_PER_GRID
        assert len(places.places) == min(expected_places, 200)
        assert stats.total.found > 0
        await DeadlineJob(fire.runtime).run()  # its first run after the load, as in a running service
        states = set()
        token = ""
        while True:
            page = await fire.stub.ListHazards(fire_pb2.ListHazardsRequest(
                page={"page_size": 200, "page_token": token}), metadata=DISTRICT)
            states |= {fire_pb2.HazardState.Name(h.state) for h in page.hazards}
            if not (token := page.page.next_page_token):
                break
        assert states == {f"HAZARD_STATE_{state.name}" for state in HazardState}  # a new state needs demo data
        requested = await read_events(fire.runtime.database, fire.runtime.tables, "fire", 0, ["CaseRequested"])
        assert requested  # the handed-over hazards ask the cases service for a case
        await load_demo_data(context)  # a second run adds nothing
        again = await fire.stub.GetLedgerStatistics(fire_pb2.GetLedgerStatisticsRequest(), metadata=DISTRICT)
        assert again.total.found == stats.total.found


def test_every_demo_place_stands_inside_its_grid() -> None:
    import random

    from services.fire.demo import place_rows
    from services.kit import demo_boundaries
    from services.kit.locator import Locator

    locator = Locator(demo_boundaries.geometries().items())
    for row in place_rows(random.Random(1)):
        assert locator.locate(row["longitude"], row["latitude"]).grid == row["jurisdiction_code"]  # type: ignore[arg-type]
