"""A command centre's day: its dashboard and its case list hold its own jurisdiction only."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from services.kit import demo
from tests.portal.browser import PHONE, check_page, sign_in, watched_page
from tests.portal.platform import Platform


def test_community_staff_sees_its_dashboard_and_only_its_community_cases(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff")
        expect(page).to_have_url(f"{platform.url}/dashboard")
        expect(page.get_by_role("heading", level=1)).to_contain_text(demo.COMMUNITY_CODE)
        expect(page.get_by_test_id("kpi-open")).to_be_visible()
        page.get_by_text("查看公式").click()
        expect(page.get_by_text("结案率 = 结案数")).to_be_visible()
        check_page(page, "dashboard")

        page.get_by_role("link", name="案件办理").click()
        rows = page.get_by_test_id("case-row")
        expect(rows.first).to_be_visible()
        codes = rows.evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)")
        assert codes and all(code.startswith(demo.COMMUNITY_CODE) for code in codes), codes
        check_page(page, "case-list")


def test_the_case_list_filters_and_pages(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-district-admin", "/cases")
        rows = page.get_by_test_id("case-row")
        expect(rows).to_have_count(20)
        numbers = rows.get_by_role("link")
        first_page = numbers.first.inner_text()
        page.get_by_role("button", name="下一页").click()
        expect(page.get_by_text("第 2 页", exact=False).first).to_be_visible()
        expect(numbers.first).not_to_have_text(first_page)
        page.get_by_role("button", name="上一页").click()
        expect(numbers.first).to_have_text(first_page)

        page.get_by_label("当前阶段").select_option("DISPATCHED")
        page.get_by_role("button", name="查询").click()
        expect(page).to_have_url(f"{platform.url}/cases?state=DISPATCHED")
        expect(rows.first).to_be_visible()
        states = rows.evaluate_all("rows => rows.map(r => r.cells[3].innerText)")
        assert set(states) == {"已派遣"}, states


def test_the_dashboard_on_a_phone(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url, viewport=PHONE) as watched:
        sign_in(watched.page, "demo-street-staff")
        expect(watched.page.get_by_test_id("kpi-open")).to_be_visible()
        check_page(watched.page, "dashboard")


def test_the_district_drills_down_its_breakdown(platform: Platform, browser: Browser) -> None:
    """The district's dashboard charts its trend and categories and lists its streets; a street's link opens that
    street's dashboard (its communities), and the breadcrumb leads back; a code outside the scope is not shown."""
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-district-admin", "/dashboard")
        expect(page.get_by_test_id("trend-chart").locator("canvas")).to_be_visible()
        streets = page.get_by_test_id("child-row")
        expect(streets.first).to_be_visible()
        codes = streets.evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)")
        assert codes and all(len(code) == 9 and code.startswith(demo.DISTRICT_CODE) for code in codes), codes
        check_page(page, "dashboard-district")

        street = demo.COMMUNITY_CODE[:9]
        page.locator(f"[data-testid='child-row'][data-jurisdiction='{street}'] a").first.click()
        expect(page).to_have_url(f"{platform.url}/dashboard?under={street}&period=thisMonth")
        expect(page.get_by_role("heading", level=1)).to_contain_text(street)
        communities = page.get_by_test_id("child-row")
        expect(communities.first).to_be_visible()
        codes = communities.evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)")
        assert all(len(code) == 12 and code.startswith(street) for code in codes), codes
        page.get_by_test_id("dashboard-period").select_option("thisYear")
        expect(page).to_have_url(f"{platform.url}/dashboard?under={street}&period=thisYear")
        page.get_by_role("navigation", name="辖区层级").get_by_role("link").first.click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(demo.DISTRICT_CODE)

    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", f"/dashboard?under={demo.DISTRICT_CODE}002")
        expect(page.get_by_role("heading", level=1)).to_contain_text(demo.COMMUNITY_CODE)
        expect(page.get_by_test_id("child-row").first).to_be_visible()


def test_a_centre_user_saves_applies_and_deletes_a_view_of_the_case_list(platform: Platform, browser: Browser) -> None:
    """A saved view is the user's own: it survives a reload and signing out, applying it puts its filters in the URL,
    and another user signed in on the same browser does not see it."""
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-district-admin", "/cases?state=DISPATCHED")
        views = page.get_by_test_id("saved-view")
        expect(page.get_by_text("还没有保存的视图。")).to_be_visible()
        page.get_by_role("button", name="保存当前筛选").click()
        expect(page.get_by_text("请填写视图名称。")).to_be_visible()
        page.get_by_label("视图名称").fill("已派遣")
        page.get_by_label("视图名称").press("Enter")
        expect(views).to_have_count(1)
        page.get_by_label("视图名称").fill(" 已派遣 ")
        page.get_by_role("button", name="保存当前筛选").click()
        expect(page.get_by_text("已有同名视图，请换一个名称。")).to_be_visible()
        expect(page.get_by_label("视图名称")).to_have_attribute("aria-invalid", "true")
        check_page(page, "case-list-views")

        page.goto("/cases")
        page.reload()
        rows = page.get_by_test_id("case-row")
        expect(rows).to_have_count(20)
        expect(views).to_have_count(1)
        apply = page.get_by_role("button", name="应用视图：已派遣")
        apply.focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{platform.url}/cases?state=DISPATCHED")
        expect(page.get_by_label("当前阶段")).to_have_value("DISPATCHED")
        expect(apply).to_have_attribute("aria-current", "true")
        expect(rows.first).to_be_visible()
        states = rows.evaluate_all("rows => rows.map(r => r.cells[3].innerText)")
        assert set(states) == {"已派遣"}, states

        page.get_by_role("button", name="退出").click()
        sign_in(page, "demo-street-staff", "/cases")
        expect(page.get_by_text("还没有保存的视图。")).to_be_visible()
        expect(views).to_have_count(0)

        page.get_by_role("button", name="退出").click()
        sign_in(page, "demo-district-admin", "/cases")
        expect(views).to_have_count(1)
        page.get_by_role("button", name="删除视图：已派遣").click()
        expect(views).to_have_count(0)
        page.reload()
        expect(page.get_by_text("还没有保存的视图。")).to_be_visible()
