"""The environment pages: patrols due and missed by grid level, pollution sources, violations and their cases (with
the one action the API offers), the grid assessment and air quality; community staff sees its community only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, expect

from services.kit import demo
from tests.kit.test_media import jpeg
from tests.portal.api import graphql
from tests.portal.browser import check_page, sign_in, watched_page
from tests.portal.platform import Platform

AIR_CHART = "各污染物辖区均值占对比均值的百分比条形图（对比区域为 100%）"


def violations(platform: Platform) -> list[dict[str, Any]]:
    data = graphql(platform.url, "demo-environment-bureau", """{
      pollutionViolations(first: 100) { nodes { id state jurisdictionCode } } }""")
    return data["pollutionViolations"]["nodes"]  # type: ignore[no-any-return]


def codes_of(page: Page, test_id: str) -> list[str]:
    rows = page.get_by_test_id(test_id)
    expect(rows.first).to_be_visible()
    return rows.evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)")  # type: ignore[no-any-return]


def test_the_grid_head_sees_its_patrols_due_and_missed_by_level(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-grid-leader")
        expect(page).to_have_url(f"{platform.url}/environment")
        codes = codes_of(page, "patrol-row")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        expect(page.get_by_test_id("level-total").filter(has_text="三级网格（社区）")).to_be_visible()
        expect(page.get_by_test_id("level-total").filter(has_text="四级网格（网格）")).to_be_visible()
        expect(page.get_by_test_id("patrol-row").get_by_text("漏巡").first).to_be_visible()
        # The missed windows the job has raised so far (its first run may come after this test), in scope.
        expect(page.get_by_role("heading", name="已通报的漏巡")).to_be_visible()
        codes = page.get_by_test_id("missed-row").evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        check_page(page, "environment-patrols")

        # A period that ends before it starts is refused before anything is sent.
        page.get_by_label("开始日期").fill("2026-11-30")
        page.get_by_label("结束日期").fill("2026-11-01")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_text("开始日期不能晚于结束日期。")).to_be_visible()
        expect(page.get_by_label("结束日期")).to_have_attribute("aria-invalid", "true")


def test_the_bureau_follows_violations_to_their_cases(platform: Platform, browser: Browser, tmp_path: Path) -> None:
    open_violation = next(v for v in violations(platform) if v["state"] == "OPEN")
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-environment-bureau", "/environment/violations")
        expect(page.get_by_test_id("violation-row").first).to_be_visible()
        expect(page.get_by_test_id("violation-case").first.get_by_role("link")).to_be_visible()
        check_page(page, "environment-violations")

        page.goto(f"/environment/violations/{open_violation['id']}")
        expect(page.get_by_test_id("violation-state")).to_have_text("办理中")
        page.locator("[data-action]").first.wait_for()
        assert page.locator("[data-action]").evaluate_all("bs => bs.map(b => b.dataset.action)") \
            == ["addPollutionViolationEvidence"]
        page.locator("[data-action='addPollutionViolationEvidence']").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("button", name="提交").click()
        expect(dialog.get_by_text("请填写此项。")).to_be_visible()
        check_page(page, "environment-violation-dialog")
        photo = tmp_path / "violation.jpg"
        photo.write_bytes(jpeg(320, 240))
        dialog.get_by_label("证据", exact=False).set_input_files(str(photo))
        dialog.get_by_role("button", name="提交").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        # The photo was uploaded and the violation names it: its thumbnail is on the page.
        expect(page.get_by_test_id("evidence").get_by_test_id("evidence-media").locator("img")).to_be_visible()
        check_page(page, "environment-violation")

        page.get_by_role("link", name="污染源").click()
        expect(page.get_by_test_id("source-row").first).to_be_visible()
        check_page(page, "environment-sources")

        page.get_by_role("link", name="督查考核").click()
        expect(page.get_by_test_id("assessment-row").first).to_be_visible()
        page.get_by_label("考核对象").select_option("STREET")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_test_id("assessment-row").first).to_have_attribute("data-key", demo.STREET_CODE)
        check_page(page, "environment-assessment")

        page.get_by_role("link", name="空气质量对比").click()
        page.get_by_label("开始日期").fill("2026-01-01")
        page.get_by_role("button", name="查询").click()
        expect(page.get_by_test_id("air-row")).to_have_count(6)
        expect(page.get_by_test_id("air-row").first).to_contain_text("PM2.5")
        # The comparison is charted (each pollutant as a percentage of the reference), the table below it.
        expect(page.get_by_test_id("air-chart").locator("canvas")).to_be_visible()
        # The chart keeps the page's name for screen readers (the chart library would write its own).
        expect(page.get_by_role("img", name=AIR_CHART)).to_be_visible()
        check_page(page, "environment-air")


def test_community_staff_sees_only_its_community_pollution_records(platform: Platform, browser: Browser) -> None:
    elsewhere = next(v for v in violations(platform) if not v["jurisdictionCode"].startswith(demo.COMMUNITY_CODE))
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/environment/violations")
        codes = codes_of(page, "violation-row")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        page.get_by_role("link", name="污染源").click()
        codes = codes_of(page, "source-row")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        page.get_by_role("link", name="巡查应巡与漏巡").click()
        codes = codes_of(page, "patrol-row")
        assert all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        check_page(page, "environment-patrols-community")

        page.goto(f"/environment/violations/{elsewhere['id']}")
        expect(page.get_by_role("alert")).to_contain_text("您无权查看或办理这条记录")
        expect(page.get_by_role("alert")).to_contain_text(elsewhere["jurisdictionCode"])
        expect(page.get_by_test_id("violation-state")).to_have_count(0)
