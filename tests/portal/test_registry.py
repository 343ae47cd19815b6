"""The registry pages: the jurisdiction tree with its grid staff, households with care levels, helpers, members (masked
as the API masks them) and visits; community staff sees its community only and is refused another's household."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page, expect

from services.kit import demo
from tests.portal.api import graphql
from tests.portal.browser import check_page, sign_in, watched_page
from tests.portal.platform import Platform

OTHER_COMMUNITY = f"{demo.DISTRICT_CODE}002001"


def a_household(platform: Platform, prefix: str, care_level: str | None = None) -> dict[str, Any]:
    data = graphql(platform.url, "demo-district-admin", """query($filter: HouseholdFilterInput!) {
      households(filter: $filter, first: 1) { nodes { id number jurisdictionCode } } }""",
                   filter={"jurisdictionPrefix": prefix, "careLevel": care_level})
    return data["households"]["nodes"][0]  # type: ignore[no-any-return]


def codes_of(page: Page, test_id: str, attribute: str = "jurisdiction") -> list[str]:
    rows = page.get_by_test_id(test_id)
    expect(rows.first).to_be_visible()
    return rows.evaluate_all(f"rows => rows.map(r => r.dataset.{attribute})")  # type: ignore[no-any-return]


def test_community_staff_sees_its_tree_and_households_only(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/registry")
        grids = page.locator("[data-testid='tree-node'][data-level='GRID']")
        expect(grids.first).to_be_visible()
        codes = codes_of(page, "tree-node", "code")
        assert codes[0] == demo.COMMUNITY_CODE and all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        expect(grids.first.get_by_test_id("workers")).not_to_have_text("未配备")
        check_page(page, "registry-tree")

        page.get_by_role("link", name="住户", exact=True).first.click()
        codes = codes_of(page, "household-row")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        page.get_by_label("关爱等级").select_option("CLOSE_CONTACT")
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(f"{platform.url}/registry/households?care=CLOSE_CONTACT")
        rows = page.get_by_test_id("household-row")
        expect(rows.first).to_be_visible()
        assert set(rows.evaluate_all("rows => rows.map(r => r.cells[5].innerText)")) == {"连心户"}
        check_page(page, "registry-households")

        # The centre sees its own people whole: no masked ID number.
        rows.first.get_by_role("link").click()
        expect(page.get_by_test_id("care-level")).to_have_text("连心户")
        expect(page.get_by_test_id("helper")).not_to_have_text("未指定")
        ids = page.get_by_test_id("id-number")
        expect(ids.first).to_be_visible()
        assert not any("*" in value for value in ids.all_inner_texts())
        expect(page.get_by_test_id("visits").locator("li").first).to_be_visible()
        check_page(page, "registry-household")


def test_community_staff_is_refused_another_communitys_household(platform: Platform, browser: Browser) -> None:
    elsewhere = a_household(platform, OTHER_COMMUNITY)
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", f"/registry/households/{elsewhere['id']}")
        refusal = page.get_by_test_id("refusal")
        expect(refusal).to_contain_text("您无权查看这户")
        expect(refusal).to_contain_text(elsewhere["jurisdictionCode"])
        expect(page.get_by_test_id("resident-row")).to_have_count(0)
        check_page(page, "registry-household-refused")

        page.goto(f"/registry/households?code={OTHER_COMMUNITY}")
        expect(page.get_by_text("没有符合条件的住户。")).to_be_visible()


def test_the_grid_worker_sees_id_numbers_masked(platform: Platform, browser: Browser) -> None:
    household = a_household(platform, demo.GRID_CODE)
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker", f"/registry/households/{household['id']}")
        ids = page.get_by_test_id("id-number")
        expect(ids.first).to_be_visible()
        assert all("*" in value for value in ids.all_inner_texts())
        expect(page.get_by_test_id("masked-note")).to_be_visible()
        check_page(page, "registry-household-masked")


def test_the_district_opens_its_tree_level_by_level_by_keyboard(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-district-admin", "/registry")
        street = page.locator(f"[data-testid='tree-node'][data-code='{demo.STREET_CODE}']")
        expect(street).to_be_visible()
        toggle = street.locator(":scope > .tree-row > button")
        expect(toggle).to_have_accessible_name("展开 万寿路街道")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.focus()
        page.keyboard.press("Enter")
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(toggle).to_have_accessible_name("收起 万寿路街道")
        community = page.locator(f"[data-testid='tree-node'][data-code='{demo.COMMUNITY_CODE}']")
        expect(community).to_be_visible()
        community.locator(":scope > .tree-row > button").click()
        expect(page.locator(f"[data-testid='tree-node'][data-code='{demo.GRID_CODE}']")).to_be_visible()
        check_page(page, "registry-tree-district")
