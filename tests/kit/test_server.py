"""The kit's gRPC server: storage errors leave as UNAVAILABLE in plain words, their detail in the log only."""

from __future__ import annotations

import logging
import re

import grpc
import pytest
from sqlalchemy import text

from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.database import Database
from tests.support.actors import actor_metadata
from tests.support.services import error_detail, running_service

ADMIN = actor_metadata("admin", (("district_admin", "110108"),))


@pytest.mark.parametrize("drop", ["household", "jurisdiction"])
async def test_a_broken_database_answers_unavailable_without_sql(database: Database, drop: str,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    async with running_service("registry", database) as registry:
        await registry.stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code="110108", name="海淀区"),
                                               metadata=ADMIN)
        async with database.engine.begin() as connection:
            await connection.execute(text(f"DROP TABLE {drop} CASCADE" if database.engine.dialect.name
                                          == "postgresql" else f"DROP TABLE {drop}"))
        call = (registry.stub.ListHouseholds(pb.ListHouseholdsRequest(), metadata=ADMIN) if drop == "household"
                else registry.stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code="110108001", name="某街道"),
                                                      metadata=ADMIN))
        with caplog.at_level(logging.ERROR, logger="services.kit.server"), \
                pytest.raises(grpc.aio.AioRpcError) as caught:
            await call
    error = caught.value
    assert error.code() is grpc.StatusCode.UNAVAILABLE
    message = error.details() or ""
    assert message.startswith("the service could not reach its storage; try again shortly (request ")
    for leak in ("sqlalche", "SELECT", "INSERT", drop, "Error"):
        assert leak not in message
    detail = error_detail(error)
    assert detail is not None and detail.code == "UNAVAILABLE" and detail.message == message
    request_id = re.search(r"request ([0-9a-f]{12})", message)
    assert request_id is not None
    logged = [r for r in caplog.records if request_id.group(1) in r.getMessage()]
    assert len(logged) == 1 and drop in logged[0].getMessage()
