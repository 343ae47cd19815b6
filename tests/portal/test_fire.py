"""The fire pages: places due by grid level, hazards and their deadlines, a hazard's actions as the API offers them,
the hand-overs with their cases, the ledger; community staff sees its community's fire records only."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import Browser, Page, expect

from services.kit import demo
from tests.portal.api import graphql
from tests.portal.browser import check_page, sign_in, watched_page
from tests.portal.platform import Platform


def hazards(platform: Platform, subject: str, state: str) -> list[dict[str, Any]]:
    data = graphql(platform.url, subject, """query($states: [FireHazardState!]) {
      fireHazards(states: $states, first: 100) { nodes { id jurisdictionCode placeId } } }""", states=[state])
    return data["fireHazards"]["nodes"]  # type: ignore[no-any-return]


def wait_for_a_hand_over_with_its_case(platform: Platform) -> None:
    """The demo's overdue hazard is handed over at the fire deadline job's first run, and its case opened after."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        data = graphql(platform.url, "demo-fire-inspector", """{
          fireHazards(states: [HANDED_OVER], first: 10) { nodes { id case { id } } } }""")
        if any(node["case"] for node in data["fireHazards"]["nodes"]):
            return
        time.sleep(2)
    raise AssertionError("no hazard was handed over with its case in 120 s")


def codes_of(page: Page, test_id: str) -> list[str]:
    rows = page.get_by_test_id(test_id)
    expect(rows.first).to_be_visible()
    return rows.evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)")  # type: ignore[no-any-return]


def offered(page: Page) -> list[str]:
    page.locator("[data-action]").first.wait_for()
    return page.locator("[data-action]").evaluate_all("buttons => buttons.map(b => b.dataset.action)")  # type: ignore[no-any-return]


def test_the_inspector_works_through_places_due_hazards_and_hand_overs(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-fire-inspector")
        expect(page).to_have_url(f"{platform.url}/fire")
        expect(page.get_by_test_id("grid-level")).to_contain_text("大网格（街道）")
        codes = codes_of(page, "place-row")
        assert all(code.startswith(demo.STREET_CODE) for code in codes), codes
        check_page(page, "fire-due")

        # A community's code asks its medium grid; the places listed are the community's.
        page.get_by_label("辖区编码", exact=False).fill(demo.COMMUNITY_CODE)
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_test_id("grid-level")).to_contain_text("中网格（社区）")
        page.get_by_label("辖区编码", exact=False).fill("1101")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_label("辖区编码", exact=False)).to_have_attribute("aria-invalid", "true")

        page.get_by_role("link", name="隐患整改").click()
        expect(page.get_by_test_id("hazard-row").first).to_be_visible()
        check_page(page, "fire-hazards")
        page.get_by_label("状态").select_option("RECTIFYING")
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(f"{platform.url}/fire/hazards?state=RECTIFYING")
        expect(page.locator("[data-testid='hazard-row']:not([data-state='RECTIFYING'])")).to_have_count(0)
        expect(page.get_by_test_id("hazard-row").first).to_be_visible()
        expect(page.get_by_test_id("hazard-row").first.get_by_text("整改中")).to_be_visible()

        # Hand-overs: every row handed over, its case linked with the case's state.
        wait_for_a_hand_over_with_its_case(platform)
        page.get_by_role("link", name="移交派出所").click()
        expect(page.get_by_test_id("hazard-row").first).to_be_visible()
        assert set(page.get_by_test_id("hazard-row").evaluate_all("rows => rows.map(r => r.dataset.state)")) \
            == {"HANDED_OVER"}
        case_link = page.get_by_test_id("hazard-case").first.get_by_role("link")
        expect(case_link).to_be_visible()
        check_page(page, "fire-handovers")

        # An open hazard offers the order only; the API's refusal of a past deadline shows by its field.
        open_hazard = next(h for h in hazards(platform, "demo-fire-inspector", "OPEN"))
        page.goto(f"/fire/hazards/{open_hazard['id']}")
        expect(page.get_by_test_id("hazard-state")).to_have_text("待责令整改")
        assert offered(page) == ["orderFireRectification"]
        check_page(page, "fire-hazard")
        page.locator("[data-action='orderFireRectification']").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("整改期限", exact=False).fill("2020-01-01T09:00")
        dialog.get_by_role("button", name="提交").click()
        expect(dialog.get_by_text("must be in the future")).to_be_visible()
        expect(dialog.get_by_label("整改期限", exact=False)).to_have_attribute("aria-invalid", "true")
        check_page(page, "fire-hazard-dialog")
        dialog.get_by_label("整改期限", exact=False).fill("")
        dialog.get_by_label("说明").fill("限期更换灭火器")
        dialog.get_by_role("button", name="提交").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_test_id("hazard-state")).to_have_text("整改中")
        expect(page.get_by_test_id("rectify-by")).not_to_have_text("无")
        # The countdown is the API's (rectifyWorkingDaysLeft): the default deadline lies working days ahead.
        countdown = page.get_by_test_id("rectify-by").get_by_test_id("countdown")
        expect(countdown).to_have_text(re.compile(r"^剩 \d+ 个工作日$"))
        assert offered(page) == ["claimFireHazardFix"]

        # The place: its details, inspections and hazards.
        page.locator("dl.details a").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("场所：")
        expect(page.get_by_test_id("inspection-row").first).to_be_visible()
        check_page(page, "fire-place")


def test_a_reopen_asks_for_its_reason_before_sending(platform: Platform, browser: Browser) -> None:
    rectified = next(h for h in hazards(platform, "demo-fire-inspector", "RECTIFIED"))
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-fire-inspector", f"/fire/hazards/{rectified['id']}")
        assert set(offered(page)) == {"reopenFireHazard", "verifyFireHazardFix"}
        page.locator("[data-action='reopenFireHazard']").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("button", name="提交").click()
        expect(dialog.get_by_text("请填写此项。")).to_be_visible()
        expect(dialog.get_by_label("理由")).to_have_attribute("aria-invalid", "true")
        dialog.get_by_label("理由").fill("复查发现灭火器仍未更换")
        dialog.get_by_role("button", name="提交").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_test_id("hazard-state")).to_have_text("整改中")


def test_community_staff_sees_only_its_community_fire_records(platform: Platform, browser: Browser) -> None:
    elsewhere = next(h for h in hazards(platform, "demo-fire-department", "CLOSED")
                     if not h["jurisdictionCode"].startswith(demo.COMMUNITY_CODE))
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/fire/hazards")
        codes = codes_of(page, "hazard-row")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        page.get_by_role("link", name="台账统计").click()
        codes = codes_of(page, "ledger-row")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        check_page(page, "fire-ledger-community")

        # Another community's hazard and place are not shown.
        page.goto(f"/fire/hazards/{elsewhere['id']}")
        expect(page.get_by_role("alert")).to_contain_text("您无权查看或办理这条记录")
        expect(page.get_by_role("alert")).to_contain_text(elsewhere["jurisdictionCode"])
        expect(page.get_by_test_id("hazard-state")).to_have_count(0)
        page.goto(f"/fire/places/{elsewhere['placeId']}")
        expect(page.get_by_role("alert").or_(page.get_by_text("找不到这个场所"))).to_be_visible()
        expect(page.get_by_text("场所：")).to_have_count(0)


def test_the_fire_department_reads_the_district_ledger(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-fire-department", "/fire/ledger")
        found = page.get_by_test_id("ledger-found").locator(".kpi-value")
        expect(found).not_to_have_text("0")
        expect(page.get_by_text("整改率 = 按期整改", exact=False)).to_be_visible()
        codes = codes_of(page, "ledger-row")
        assert len({code[:9] for code in codes}) >= 1
        check_page(page, "fire-ledger")

        # One section of the district's ledger as a file, named by the API.
        page.get_by_label("台账内容").select_option("HAZARDS")
        with page.expect_download() as download:
            page.get_by_role("button", name="导出", exact=True).click()
        assert download.value.suggested_filename == f"fire-ledger-hazards-{demo.DISTRICT_CODE}.xlsx"
        expect(page.get_by_text(f"已导出 fire-ledger-hazards-{demo.DISTRICT_CODE}.xlsx")).to_be_visible()
