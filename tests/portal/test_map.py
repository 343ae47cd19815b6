"""The command centre's map: every grid of its jurisdiction drawn and coloured (no other), the case points of the
view linked to their cases, and a layer whose service is down said so while the rest of the map works."""

from __future__ import annotations

import base64
import json
import re

from playwright.sync_api import Browser, Page, Route, expect

from services.kit import demo
from tests.portal.api import graphql
from tests.portal.browser import check_page, sign_in, watched_page
from tests.portal.platform import Platform

GRIDS = ".leaflet-overlay-pane path.grid-area"
CASE_POINTS = ".leaflet-pane path.map-point-cases"
FIRE_POINTS = ".leaflet-pane path.map-point-firePlaces"
POLLUTION_POINTS = ".leaflet-pane path.map-point-pollutionSources"
DRAWN_SECONDS = 30_000
# A 1x1 transparent PNG: what the stand-in tile server answers.
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=")


def grid_codes(base_url: str, subject: str, scope: str) -> set[str]:
    """The grids the registry lists under the scope, as the subject reads them."""
    data = graphql(base_url, subject, """query($prefix: String!) {
      jurisdictions(level: GRID, jurisdictionPrefix: $prefix, first: 200) { nodes { code } pageInfo { hasNextPage } }
    }""", prefix=scope)
    assert not data["jurisdictions"]["pageInfo"]["hasNextPage"], "more grids than one page: page through them"
    return {node["code"] for node in data["jurisdictions"]["nodes"]}


def drawn_grids(page: Page, expected: int) -> set[str]:
    grids = page.locator(GRIDS)
    expect(grids).to_have_count(expected, timeout=DRAWN_SECONDS)
    return set(grids.evaluate_all("paths => paths.map(p => p.dataset.code)"))


def test_district_staff_sees_every_grid_coloured_and_the_case_points(platform: Platform, browser: Browser) -> None:
    expected = grid_codes(platform.url, "demo-district-admin", demo.DISTRICT_CODE)
    assert len(expected) > 1
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-district-admin", "/map")
        expect(page.get_by_role("heading", level=1)).to_contain_text("网格地图")
        assert drawn_grids(page, len(expected)) == expected
        expect(page.locator(".leaflet-tile")).to_have_count(0)  # no tile server configured: a plain background
        expect(page.get_by_test_id("map-legend")).to_contain_text("在办案件")
        fills = set(page.locator(GRIDS).evaluate_all("paths => paths.map(p => p.getAttribute('fill'))"))
        assert len(fills) > 1, f"every grid one colour: {fills}"

        grid = page.locator(GRIDS).first
        code = grid.get_attribute("data-code")
        grid.dispatch_event("mouseover")
        expect(page.get_by_test_id("map-info")).to_contain_text(str(code))

        page.get_by_label("着色指标").select_option("caseReported")
        expect(page).to_have_url(re.compile(r"/map\?metric=caseReported$"))
        expect(page.get_by_test_id("map-legend")).to_contain_text("期间内上报案件")
        with page.expect_request(lambda r: r.url.endswith("/graphql") and "MapCaseGridCounts" in (r.post_data or "")
                                 and '"periodStart"' in (r.post_data or "")) as asked:
            page.get_by_label("统计期间").select_option("lastMonth")
        expect(page).to_have_url(re.compile(r"/map\?metric=caseReported&period=lastMonth$"))
        sent = json.loads(asked.value.post_data or "{}")["variables"]
        assert sent["periodStart"] < sent["periodEnd"], sent
        expect(page.get_by_test_id("map-legend")).to_contain_text("期间内上报案件")
        page.get_by_label("统计期间").select_option("thisMonth")

        markers = page.locator(CASE_POINTS)
        expect(markers).to_have_count(0)
        page.get_by_label("案件点位").check()
        expect(markers.first).to_be_attached(timeout=DRAWN_SECONDS)
        expect(page.get_by_test_id("map-status")).to_contain_text(f"案件点位：显示 {markers.count()} 个点位")
        check_page(page, "map-district")

        case_id = markers.first.get_attribute("data-id")
        markers.first.dispatch_event("click")
        expect(page).to_have_url(f"{platform.url}/cases/{case_id}")

        page.go_back()
        page.get_by_label("案件点位").uncheck()
        expect(page.locator(CASE_POINTS)).to_have_count(0)

        # A hotspot shows its grid: the map zooms in on it and centres it.
        drawn_grids(page, len(expected))
        code = page.get_by_test_id("hotspot-list").locator("li").first.get_attribute("data-code")
        target = f"{GRIDS}[data-code='{code}']"
        before = page.locator(target).evaluate("p => p.getBoundingClientRect().width")
        page.get_by_test_id("hotspot-list").get_by_role("button").first.click()
        page.wait_for_function("""([selector, before]) => {
          const grid = document.querySelector(selector)?.getBoundingClientRect();
          const frame = document.querySelector('[data-testid=grid-map]').getBoundingClientRect();
          if (!grid) return false;
          const off = (a, b) => Math.abs(a - b);
          return grid.width > before
            && off(grid.left + grid.width / 2, frame.left + frame.width / 2) < frame.width * 0.1
            && off(grid.top + grid.height / 2, frame.top + frame.height / 2) < frame.height * 0.1;
        }""", arg=[target, before], timeout=DRAWN_SECONDS)


def test_community_staff_sees_only_its_community_grids(platform: Platform, browser: Browser) -> None:
    expected = grid_codes(platform.url, "demo-community-staff", demo.COMMUNITY_CODE)
    district = grid_codes(platform.url, "demo-district-admin", demo.DISTRICT_CODE)
    assert expected and expected < district
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", "/map")
        codes = drawn_grids(page, len(expected))
        assert codes == expected and all(c.startswith(demo.COMMUNITY_CODE) for c in codes), codes
        page.get_by_label("案件点位").check()
        page.get_by_label("消防场所").check()
        page.get_by_label("污染源").check()
        expect(page.locator(CASE_POINTS).first).to_be_attached(timeout=DRAWN_SECONDS)
        expect(page.locator(POLLUTION_POINTS).first).to_be_attached(timeout=DRAWN_SECONDS)
        places = page.locator(FIRE_POINTS)
        expect(places.first).to_be_attached(timeout=DRAWN_SECONDS)
        check_page(page, "map-community")

        page.get_by_label("语言").select_option("en")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Grid map")
        expect(page.get_by_test_id("map-legend")).to_contain_text("Legend: Open cases")
        expect(page.get_by_role("button", name="Zoom in")).to_be_visible()
        expect(page.get_by_test_id("map-status")).to_contain_text("Fire-safety places:")
        page.get_by_label("Language").select_option("zh-CN")

        place_id = places.first.get_attribute("data-id")
        places.first.dispatch_event("click")
        expect(page).to_have_url(f"{platform.url}/fire/places/{place_id}")


def test_a_layer_whose_service_is_down_says_so_and_a_cut_one_says_zoom_in(platform: Platform, browser: Browser) -> None:
    def fire_down_and_cases_cut(route: Route) -> None:
        body = route.request.post_data or ""
        if "MapFireGridCounts" in body:
            route.fulfill(status=200, content_type="application/json", body=json.dumps({
                "data": {"fireHazardGridCounts": None},
                "errors": [{"message": "the fire service is unavailable", "path": ["fireHazardGridCounts"],
                            "extensions": {"code": "SERVICE_UNAVAILABLE", "service": "fire"}}]}))
        elif "MapCasePoints" in body:  # more cases in the view than the limit: the API's zoom-in answer
            route.fulfill(status=200, content_type="application/json", body=json.dumps({"data": {"casePoints": {
                "points": [], "truncated": True, "limit": 2000,
                "message": "more than 2000 cases here; zoom in to see them all"}}}))
        else:
            route.continue_()

    expected = grid_codes(platform.url, "demo-street-staff", demo.STREET_CODE)
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        page.route("**/graphql", fire_down_and_cases_cut)
        sign_in(page, "demo-street-staff", "/map?metric=fireOpen")
        drawn_grids(page, len(expected))
        expect(page.get_by_test_id("map-status")).to_contain_text("未整改火灾隐患暂不可用")
        expect(page.get_by_test_id("map-legend")).to_have_count(0)
        page.get_by_label("着色指标").select_option("caseOpen")
        expect(page.get_by_test_id("map-legend")).to_contain_text("在办案件")
        expect(page.get_by_test_id("map-status")).not_to_contain_text("暂不可用")
        page.get_by_label("案件点位").check()
        expect(page.get_by_test_id("truncated-cases")).to_have_text("案件点位：此范围内超过 2000 个，请放大地图查看")
        expect(page.get_by_test_id("map-status")).to_contain_text("more than 2000 cases here; zoom in to see them all")


def test_tiles_come_from_the_server_the_portal_config_names(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        tiles: list[str] = []

        def with_tiles(route: Route) -> None:
            response = route.fetch()
            config = response.json()
            config["map"]["tileUrl"] = f"{platform.url}/test-tiles/{{z}}/{{x}}/{{y}}.png"
            config["map"]["attribution"] = "测试底图"
            route.fulfill(response=response, json=config)

        def tile(route: Route) -> None:
            tiles.append(route.request.url)
            route.fulfill(status=200, content_type="image/png", body=PNG)

        page.route("**/portal/config.json", with_tiles)
        page.route("**/test-tiles/**", tile)
        sign_in(page, "demo-street-staff", "/map")
        expect(page.locator(".leaflet-tile-pane img.leaflet-tile").first).to_be_attached(timeout=DRAWN_SECONDS)
        expect(page.locator(".leaflet-control-attribution")).to_have_text("测试底图")
        assert tiles and all(re.search(r"/test-tiles/\d+/\d+/\d+\.png$", url) for url in tiles), tiles[:3]
