"""The kit's servicer base: the runtime's clock, and a concurrent unique-key hit answered as ALREADY_EXISTS."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import IntEnum, StrEnum

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert, select

from services.kit.actor import ActorSigner
from services.kit.config import DEV_ACTOR_KEY
from services.kit.database import Database
from services.kit.errors import AlreadyExists
from services.kit.runtime import ServiceRuntime
from services.kit.servicer import ServicerBase
from services.kit.tables import define_kit_tables, enum_column
from tests.support.services import service_settings

NOW = datetime(2026, 11, 27, 2, tzinfo=UTC)
metadata = MetaData()
KIT = define_kit_tables(metadata)
names = Table("names", metadata, Column("name", String(32), primary_key=True))


async def servicer(database: Database) -> ServicerBase:
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    runtime = ServiceRuntime(service_settings("test", database), database, KIT,
                             ActorSigner(DEV_ACTOR_KEY.encode(), "test"), clock=lambda: NOW)
    return ServicerBase(runtime)


async def test_now_is_the_runtime_clock_and_a_unique_hit_is_already_exists(database: Database) -> None:
    base = await servicer(database)
    assert base.now() == NOW and base.database is database
    async with base.write() as session:
        await session.execute(insert(names).values(name="张三"))
    with pytest.raises(AlreadyExists, match="conflicts with a record stored meanwhile"):
        async with base.write() as session:
            await session.execute(insert(names).values(name="李四"))
            await session.execute(insert(names).values(name="张三"))
    async with database.read() as session:  # the failed command wrote nothing, not even its first row
        assert (await session.execute(select(names.c.name))).scalars().all() == ["张三"]


class Colour(StrEnum):
    RED = "red"
    DEEP_BLUE = "deep_blue"


class Tier(IntEnum):
    COMMUNITY = 1
    STREET = 2


def test_enum_columns_store_values_or_lowercase_names_of_int_enums() -> None:
    assert enum_column(Colour).enums == ["red", "deep_blue"]
    assert enum_column(Tier).enums == ["community", "street"]
    assert enum_column(Tier).length == 32 and not enum_column(Tier).native_enum
