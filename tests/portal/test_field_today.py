"""The grid worker's today's work on the phone: each list as its service answers it for the worker's own grid,
sorted by the API's deadlines; offline, the last known lists stay with the time they were last updated."""

from __future__ import annotations

import json
import re
import time
import uuid

import httpx
from playwright.sync_api import Browser, Page, Route, expect

from services.kit import demo
from tests.portal.api import demo_token, graphql, report_case
from tests.portal.browser import PHONE, check_page, sign_in, watched_page
from tests.portal.platform import Platform

KEPT = "() => Object.keys(localStorage).filter(k => k.startsWith('gridgov.field.today.'))"
SECTIONS = ("today-cases", "today-households", "today-fire-due", "today-hazards", "today-violations")
ROWS = {"today-cases": "today-case", "today-households": "today-household", "today-fire-due": "today-fire-place"}
# Lists the demo may leave empty in the worker's grid: the page must agree with the API, row for row.
COUNTED = {
    "today-hazard": ("fireHazards", "fireHazards(jurisdictionCode: $grid, states: [OPEN, RECTIFYING, OVERDUE], "
                     "first: 100) { nodes { id } }"),
    "today-violation": ("pollutionViolations", "pollutionViolations(jurisdictionCode: $grid, state: OPEN, first: 100) "
                        "{ nodes { id } }"),
}


def dispatched_case(base_url: str, description: str) -> dict[str, str]:
    """A case the grid worker reports, registered and dispatched by the community, so it runs against a deadline."""
    case = report_case(base_url, description)
    graphql(base_url, "demo-community-staff", "mutation($id: ID!) { registerCase(id: $id, comment: \"属实\") { id } }",
            id=case["id"])
    graphql(base_url, "demo-community-staff", "mutation($input: DispatchCaseInput!) { dispatchCase(input: $input) "
            "{ id } }", input={"id": case["id"]})
    return case


def services_answer(base_url: str, patience: float = 60.0) -> None:
    """Waits until every service behind the page answers (a service still starting says it is unavailable, which
    the page rightly shows; the tests are about lists that did answer)."""
    query = f"""query($grid: String!) {{ {' '.join(selection for _, selection in COUNTED.values())}
      households(filter: {{ jurisdictionPrefix: $grid }}, first: 1) {{ nodes {{ id }} }}
      fireDueInspections(jurisdictionCode: $grid, first: 1) {{ nodes {{ id }} }} }}"""
    deadline = time.monotonic() + patience
    while True:
        answer = httpx.post(f"{base_url}/graphql", json={"query": query, "variables": {"grid": demo.GRID_CODE}},
                            headers={"Authorization": f"Bearer {demo_token(base_url, 'demo-grid-worker')}"})
        if answer.status_code == 200 and not answer.json().get("errors"):
            return
        assert time.monotonic() < deadline, answer.text
        time.sleep(0.5)


def grids_of(page: Page, row: str) -> set[str]:
    return set(page.get_by_test_id(row).evaluate_all("rows => rows.map(r => r.dataset.jurisdiction)"))


def test_the_grid_worker_starts_on_todays_work_and_keeps_it_offline(platform: Platform, browser: Browser) -> None:
    services_answer(platform.url)
    tag = uuid.uuid4().hex[:8]
    waiting = report_case(platform.url, f"今日工作：待立案 {tag}")
    running = dispatched_case(platform.url, f"今日工作：已派遣 {tag}")
    with watched_page(browser, platform.url, viewport=PHONE, is_mobile=True, has_touch=True) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker")
        expect(page).to_have_url(f"{platform.url}/field/today")
        expect(page.get_by_role("heading", name="今日工作", level=1)).to_be_visible()
        menu = page.get_by_role("navigation", name="主菜单")
        expect(menu.get_by_role("link", name="今日工作")).to_have_attribute("aria-current", "page")
        expect(menu.get_by_role("link", name="上报问题")).not_to_have_attribute("aria-current", "page")

        # Every list came from its service, for the worker's grid only.
        for section, row in ROWS.items():
            expect(page.get_by_test_id(section).get_by_test_id(row).first).to_be_visible()
            assert grids_of(page, row) == {demo.GRID_CODE}, (section, grids_of(page, row))
        for row, (field, selection) in COUNTED.items():
            answer = graphql(platform.url, "demo-grid-worker", f"query($grid: String!) {{ {selection} }}",
                             grid=demo.GRID_CODE)[field]["nodes"]
            expect(page.get_by_test_id(row)).to_have_count(len(answer))
        for section in SECTIONS:
            expect(page.get_by_test_id(section).get_by_test_id("last-updated")).to_contain_text("更新于")
            expect(page.get_by_test_id(section).get_by_test_id("section-error")).to_have_count(0)

        # My cases: the dispatched one (with its deadline and light) before the one still waiting, by the API's times.
        mine = page.get_by_test_id("today-case")
        texts = mine.all_inner_texts()
        first = next(i for i, text in enumerate(texts) if running["number"] in text)
        second = next(i for i, text in enumerate(texts) if waiting["number"] in text)
        assert first < second, texts
        deadline = graphql(platform.url, "demo-grid-worker", "query($id: ID!) { case(id: $id) { deadline dueStatus } }",
                           id=running["id"])["case"]
        assert deadline["deadline"] and deadline["dueStatus"] == "NORMAL", deadline
        expect(mine.nth(first)).to_contain_text("正常")

        # Fire places in the API's order of due day; the API's day is shown as it is.
        due = graphql(platform.url, "demo-grid-worker", "query($grid: String!) { fireDueInspections("
                      "jurisdictionCode: $grid, first: 100) { nodes { name nextDueOn } } }",
                      grid=demo.GRID_CODE)["fireDueInspections"]["nodes"]
        shown = page.get_by_test_id("today-fire-place").all_inner_texts()
        assert len(shown) == len(due)
        days = [next(p["nextDueOn"] for p in due if p["name"] in text) for text in shown]
        assert days == sorted(days) and all(day in text for day, text in zip(days, shown, strict=True)), shown

        # The keyboard reaches a section from the jump list.
        page.get_by_role("navigation", name="今日工作的各项清单").get_by_role("link", name="到期的消防检查").focus()
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{platform.url}/field/today#today-fire-due")
        check_page(page, "field-today")

        households = page.get_by_test_id("today-household").count()
        # The report page's code is loaded while online (the portal has no service worker to fetch it offline).
        page.get_by_role("link", name="上报问题").first.click()
        expect(page.get_by_role("heading", name="上报问题", level=1)).to_be_visible()
        page.get_by_role("link", name="今日工作").first.click()
        expect(page.get_by_role("heading", name="今日工作", level=1)).to_be_visible()
        watched.context.set_offline(True)
        expect(page.get_by_test_id("today-offline")).to_contain_text("您已离线")
        # Away to the report page and back, without reloading: the lists come from what the phone kept.
        page.get_by_role("link", name="上报问题").first.click()
        expect(page.get_by_role("heading", name="上报问题", level=1)).to_be_visible()
        page.get_by_role("link", name="今日工作").first.click()
        expect(page.get_by_test_id("today-offline")).to_contain_text("您已离线")
        expect(page.get_by_test_id("today-household")).to_have_count(households)
        expect(page.get_by_test_id("today-case").filter(has_text=running["number"])).to_be_visible()
        for section in SECTIONS:
            expect(page.get_by_test_id(section).get_by_test_id("last-updated")).to_contain_text("最后更新于")
        kept = page.evaluate(KEPT)
        assert len(kept) == len(SECTIONS), kept
        assert all(k.startswith(f"gridgov.field.today.demo-grid-worker.{demo.GRID_CODE}.") for k in kept), kept
        check_page(page, "field-today-offline")
        watched.context.set_offline(False)
        expect(page.get_by_test_id("today-offline")).to_have_count(0)
        expect(page.get_by_test_id("today-cases").get_by_test_id("last-updated")).not_to_contain_text("最后")

        # Signing out leaves none of the lists on the phone for the next person.
        page.get_by_role("button", name="退出").click()
        expect(page).to_have_url(re.compile(r"/sign-in"))
        assert page.evaluate(KEPT) == []


def test_a_list_whose_service_is_down_says_so_and_keeps_its_last_answer(platform: Platform, browser: Browser) -> None:
    """The fire service down: its two lists say so and show what they last had; every other list still works."""
    def fire_down(route: Route) -> None:
        body = route.request.post_data or ""
        if "TodayFireDue" in body or "TodayFireHazards" in body:
            route.fulfill(status=200, content_type="application/json", body=json.dumps({
                "data": None, "errors": [{"message": "the fire service is unavailable",
                                          "extensions": {"code": "SERVICE_UNAVAILABLE", "service": "fire"}}]}))
        else:
            route.continue_()

    services_answer(platform.url)
    with watched_page(browser, platform.url, viewport=PHONE, is_mobile=True, has_touch=True) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker")
        places = page.get_by_test_id("today-fire-place")
        expect(places.first).to_be_visible()
        count = places.count()
        page.route("**/graphql", fire_down)
        page.reload()
        for section in ("today-fire-due", "today-hazards"):
            down = page.get_by_test_id(section).get_by_test_id("section-error")
            expect(down).to_contain_text("相关服务暂时不可用")
            expect(down).to_contain_text("此项服务暂时无法访问")
            expect(page.get_by_test_id(section).get_by_test_id("last-updated")).to_contain_text("最后更新于")
        expect(places).to_have_count(count)
        for section in ("today-cases", "today-households", "today-violations"):
            expect(page.get_by_test_id(section).get_by_test_id("last-updated")).to_contain_text("更新于")
            expect(page.get_by_test_id(section).get_by_test_id("last-updated")).not_to_contain_text("最后")
            expect(page.get_by_test_id(section).get_by_test_id("section-error")).to_have_count(0)
        expect(page.get_by_test_id("today-household").first).to_be_visible()
        check_page(page, "field-today-fire-down")

        page.get_by_label("语言").select_option("en")
        expect(page.get_by_role("heading", name="Today's work", level=1)).to_be_visible()
        expect(page.get_by_test_id("today-fire-due").get_by_test_id("section-error")).to_contain_text(
            "This service cannot be reached just now")
        expect(page.get_by_test_id("today-households").get_by_role("heading", level=2)).to_contain_text(
            "Households to visit or contact")
        check_page(page, "field-today-english")
