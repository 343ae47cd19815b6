"""Page tokens are bound to the query that issued them."""

import pytest

from services.kit.errors import InvalidArgument
from services.kit.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, page_from


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
