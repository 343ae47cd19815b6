"""The kit's gRPC server: storage errors leave as UNAVAILABLE (or, for a refused value, INVALID_ARGUMENT) in plain
words, their detail in the log only."""

from __future__ import annotations

import logging
import re

import grpc
import pytest
from sqlalchemy import text

from gridgov.inspection.v1 import inspection_pb2
from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.database import Database
from tests.inspection.fixtures import source_input
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


async def test_a_value_the_database_refuses_is_invalid_argument_without_sql(database: Database) -> None:
    if database.engine.dialect.name == "sqlite":
        pytest.skip("SQLite stores a string of any length in a VARCHAR(n) column")
    # Every request field's limit fits its column (tests/kit/test_column_widths.py); what still reaches the
    # database too long is a column narrower than the service was built for, as here.
    source = source_input(name="工" * 20)
    metadata = actor_metadata("bureau", (("environment_bureau", "110108"),))
    async with running_service("inspection", database) as inspection:
        async with database.engine.begin() as connection:
            await connection.execute(text("ALTER TABLE pollution_source ALTER COLUMN name TYPE varchar(8)"))
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await inspection.stub.CreateSource(inspection_pb2.CreateSourceRequest(source=source), metadata=metadata)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    detail = error_detail(caught.value)
    assert detail is not None and [v.field for v in detail.field_violations] == ["request"]
    assert "varying" not in (caught.value.details() or "") and "sqlalche" not in (caught.value.details() or "")


async def test_a_ledger_larger_than_grpcs_default_message_reaches_the_service(database: Database) -> None:
    # 6 MiB of rows: the service reads the file and says what is wrong with it (too many rows), where
    # gRPC's default 4 MiB receive limit answered RESOURCE_EXHAUSTED before the service saw it.
    content = ("户编号,所属网格\n" + "x,y\n" * (3 * 1024 * 1024 // 2)).encode()
    assert len(content) > 6 * 1024 * 1024 - 64 * 1024
    async with running_service("registry", database) as registry:
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            await registry.stub.ImportHouseholds(pb.ImportHouseholdsRequest(
                content=content, format=pb.FILE_FORMAT_CSV, dry_run=True), metadata=ADMIN, timeout=60)
    assert caught.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert caught.value.details() == "file: has more than 100000 rows"
