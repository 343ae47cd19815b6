"""Jurisdiction codes: validation, containment and the prefix range used in every service."""

import pytest
from sqlalchemy import Column, MetaData, String, Table, insert, select

from services.kit import jurisdiction
from services.kit.jurisdiction import Level


@pytest.mark.parametrize(
    ("code", "level", "expected"),
    [
        ("110108", None, None),
        ("110108001", Level.STREET, None),
        ("110108001003012", Level.GRID, None),
        ("110108001003", Level.GRID, "must be a grid code of 15 digits, got 12"),
        ("11010800100", None, "must be 6, 9, 12 or 15 digits, got 11"),
        ("11010800100a", None, "must be digits only"),
        ("１１０１０８", None, "must be digits only"),
        ("110108000", None, "a street, community or grid number must not be 000"),
    ],
)
def test_problem(code: str, level: Level | None, expected: str | None) -> None:
    assert jurisdiction.problem(code, level=level) == expected


def test_parent_and_level() -> None:
    assert jurisdiction.parent_of("110108001003012") == "110108001003"
    assert jurisdiction.parent_of("110108") is None
    assert jurisdiction.level_of("110108001") is Level.STREET


def test_normalize_scopes_drops_contained_scopes() -> None:
    assert jurisdiction.normalize_scopes(["110108001001", "110108001", "110109", "110108001"]) == [
        "110108001",
        "110109",
    ]


async def test_scope_condition_is_a_prefix_range(database) -> None:
    metadata = MetaData()
    rows = Table("rows", metadata, Column("code", String(15), primary_key=True))
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    codes = ["110108001001001", "110108001002001", "110108002001001", "110109001001001", "110108"]
    async with database.transaction() as session:
        await session.execute(insert(rows), [{"code": c} for c in codes])

    async def matching(scopes: list[str]) -> list[str]:
        async with database.read() as session:
            result = await session.execute(
                select(rows.c.code).where(jurisdiction.scope_condition(rows.c.code, scopes)).order_by(rows.c.code)
            )
            return list(result.scalars())

    assert await matching(["110108001"]) == ["110108001001001", "110108001002001"]
    assert await matching(["110108001001", "110109"]) == ["110108001001001", "110109001001001"]
    assert await matching(["110108"]) == ["110108", "110108001001001", "110108001002001", "110108002001001"]
    assert await matching([]) == []
    assert len(await matching([""])) == len(codes)
