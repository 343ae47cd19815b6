"""Page tokens are bound to the query that issued them; keyset pages walk a unique key either way."""

import pytest
from sqlalchemy import Column, MetaData, String, Table, select

from services.kit.database import Database
from services.kit.errors import InvalidArgument
from services.kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, fetch_page, keyset, page_from


def test_first_page_defaults() -> None:
    page = page_from(0, "", {"scopes": ["110108"]})
    assert page.size == DEFAULT_PAGE_SIZE and page.after is None


def test_token_continues_the_same_query() -> None:
    filters = {"scopes": ["110108"], "care_level": "assured"}
    token = page_from(10, "", filters).next_token(("胡强", "id-1"), has_more=True)
    page = page_from(10, token, filters)
    assert page.after == ("胡强", "id-1")


def test_no_token_after_the_last_page() -> None:
    assert page_from(10, "", {}).next_token(("x",), has_more=False) == ""


@pytest.mark.parametrize("size", [-1, MAX_PAGE_SIZE + 1])
def test_page_size_out_of_range_names_the_field(size: int) -> None:
    with pytest.raises(InvalidArgument) as error:
        page_from(size, "", {})
    assert error.value.violations[0].field == "page.page_size"


def test_token_from_another_query_is_refused() -> None:
    token = page_from(10, "", {"scopes": ["110108001"]}).next_token(("a",), has_more=True)
    with pytest.raises(InvalidArgument) as error:
        page_from(10, token, {"scopes": ["110108002"]})
    assert error.value.violations[0].field == "page.page_token"
    assert "another query" in error.value.violations[0].description


@pytest.mark.parametrize("token", ["garbage", "eyJ4IjoxfQ", "%%%"])
def test_forged_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidArgument) as error:
        page_from(10, token, {})
    assert error.value.violations[0].field == "page.page_token"


async def test_fetch_page_walks_a_keyset_both_ways(database: Database) -> None:
    metadata = MetaData()
    items = Table("items", metadata, Column("code", String(15), primary_key=True),
                  Column("id", String(8), primary_key=True))
    async with database.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(items.insert(), [{"code": f"11010800{c}", "id": f"i{n}"}
                                                  for c in range(3) for n in range(3)])
    everything = sorted((f"11010800{c}", f"i{n}") for c in range(3) for n in range(3))
    for descending, expected in ((False, everything), (True, everything[::-1])):
        seen: list[tuple[str, str]] = []
        token = ""
        while True:
            page = page_from(4, token, {"descending": descending})
            async with database.read() as session:
                rows, more = await fetch_page(session, select(items.c.code), (items.c.code, items.c.id), page,
                                              descending=descending)
                keys = (await session.execute(keyset(select(items.c.code, items.c.id), (items.c.code, items.c.id),
                                                     page, descending=descending))).all()
            assert rows == [k[0] for k in keys[:4]] and more == (len(keys) > 4)
            seen.extend((k[0], k[1]) for k in keys[:4])
            if not more:
                break
            token = page.next_token(list(keys[3]), more)
        assert seen == expected
