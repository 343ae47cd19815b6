"""Recording on the phone: a visit, a fire-safety inspection and a patrol, each kept in the phone's queue while
offline and sent once when the connection returns; an answer lost on the way back is retried under the same key
and records nothing twice (an inspection, sent in three steps, picks up where it stopped)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, Route, expect

from services.kit import demo
from tests.kit.test_media import jpeg
from tests.portal.api import graphql
from tests.portal.browser import PHONE, check_page, sign_in, watched_page
from tests.portal.platform import Platform
from tests.portal.test_field import QUEUED
from tests.portal.test_field_today import services_answer


def phone(browser: Browser, platform: Platform):  # type: ignore[no-untyped-def]
    return watched_page(browser, platform.url, viewport=PHONE, is_mobile=True, has_touch=True)


def first_to_record(page: Page, row: str, link: str) -> tuple[str, Locator, str]:
    """The first row of one of today's lists: its name, its record link and the id that link records for."""
    first = page.get_by_test_id(row).first
    expect(first).to_be_visible()
    record = first.get_by_test_id(link)
    return first.locator("strong").inner_text(), record, (record.get_attribute("href") or "").rsplit("/", 1)[-1]


def visits_noted(base_url: str, household: str, notes: str) -> list[dict[str, str]]:
    data = graphql(base_url, "demo-grid-worker", "query($id: ID!) { household(id: $id) { visits(first: 100) "
                   "{ nodes { id notes worker visitedAt } } } }", id=household)
    return [v for v in data["household"]["visits"]["nodes"] if v["notes"] == notes]


def test_a_visit_recorded_offline_is_sent_once_when_the_connection_returns(platform: Platform,
                                                                          browser: Browser) -> None:
    services_answer(platform.url)
    notes = f"走访：老人身体状况良好，已提醒用电安全 {uuid.uuid4().hex[:8]}"
    with phone(browser, platform) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker")
        head, link, household = first_to_record(page, "today-household", "record-visit")
        # Offline from today's list on: the record page's code was fetched while online.
        watched.context.set_offline(True)
        expect(page.get_by_test_id("today-offline")).to_contain_text("您已离线")
        link.click()
        expect(page.get_by_role("heading", name="走访记录", level=1)).to_be_visible()
        expect(page.get_by_test_id("visit-household")).to_contain_text(head)
        page.get_by_role("button", name="记录走访").click()
        expect(page.get_by_text("请填写此项。")).to_be_visible()
        page.get_by_label("走访情况").fill(notes)
        page.get_by_role("button", name="记录走访").click()
        expect(page.get_by_test_id("record-outcome")).to_contain_text("已保存到待发送队列")
        expect(page.get_by_test_id("offline-banner")).to_contain_text("1 条待发送")
        queued = page.evaluate(QUEUED)
        assert [(w["operation"], w["subject"], w["variables"]["input"]["householdId"]) for w in queued] == [
            ("recordVisit", "demo-grid-worker", household)], queued
        assert visits_noted(platform.url, household, notes) == []
        check_page(page, "field-visit-offline")

        # Back on today's list, still offline: the household shows its visit waiting; online, today's page sends it.
        page.get_by_role("link", name="返回今日工作").click()
        visited = page.get_by_test_id("today-household").filter(
            has=page.locator(f"a[href='/field/visit/{household}']"))
        expect(visited.get_by_test_id("record-waiting")).to_contain_text("已记录，待发送")
        watched.context.set_offline(False)
        expect(page.get_by_test_id("today-offline")).to_have_count(0)
        expect(visited.get_by_test_id("record-waiting")).to_have_count(0)
        page.wait_for_function(f"async () => (await ({QUEUED})()).length === 0")
        recorded = visits_noted(platform.url, household, notes)
        assert len(recorded) == 1 and recorded[0]["worker"] == "demo-grid-worker", recorded
        # The list is read again after the send: the visit is the household's last one.
        expect(visited).not_to_contain_text("尚未走访")

        # The same write sent again with its key (an answer lost on the way back) records nothing new.
        again = graphql(platform.url, "demo-grid-worker", """mutation($input: RecordVisitInput!, $key: String) {
          recordVisit(input: $input, idempotencyKey: $key) { id } }""", input=queued[0]["variables"]["input"],
                        key=queued[0]["key"])
        assert again["recordVisit"]["id"] == recorded[0]["id"]
        assert len(visits_noted(platform.url, household, notes)) == 1

        # The household's page lists the visit, and offers the worker the next one.
        page.goto(f"/registry/households/{household}")
        visits = page.locator("section[aria-labelledby=household-visits]")
        expect(visits).to_contain_text(notes)
        visits.get_by_test_id("record-visit").click()
        expect(page.get_by_test_id("visit-household")).to_contain_text(head)


def inspections_of(base_url: str, place: str) -> list[dict[str, object]]:
    data = graphql(base_url, "demo-grid-worker", "query($grid: String!) { fireInspections(jurisdictionCode: $grid, "
                   "first: 200) { nodes { id placeId inspector state gridLevel hazardIds items { hazardTypeCode result "
                   "evidence fixedOnSpot } } } }", grid=demo.GRID_CODE)
    return [i for i in data["fireInspections"]["nodes"] if i["placeId"] == place]


def test_a_fire_inspection_whose_answer_is_lost_is_finalized_once(platform: Platform, browser: Browser,
                                                                   tmp_path: Path) -> None:
    services_answer(platform.url)
    photo = tmp_path / "灭火器过期.jpg"
    photo.write_bytes(jpeg(640, 480))
    with phone(browser, platform) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker")
        name, link, place = first_to_record(page, "today-fire-place", "record-inspection")
        before = inspections_of(platform.url, place)
        link.click()
        expect(page.get_by_role("heading", name="消防检查", level=1)).to_be_visible()
        expect(page.get_by_test_id("fire-check-place")).to_contain_text(name)
        items = page.get_by_test_id("fire-check-item")
        expect(items.first).to_be_visible()
        shown = items.evaluate_all("rows => rows.map(r => r.dataset.code)")
        catalogue = graphql(platform.url, "demo-grid-worker", "query { fireHazardTypes(first: 200) { nodes { code "
                            "category } } }")["fireHazardTypes"]["nodes"]
        place_type = graphql(platform.url, "demo-grid-worker", "query($id: ID!) { firePlace(id: $id) { type "
                             "inspectedBy } }", id=place)["firePlace"]
        applies = [t["code"] for t in catalogue
                   if t["category"] != "RURAL_HOUSEHOLD" or place_type["type"] == "RURAL_HOUSEHOLD"]
        assert sorted(shown) == sorted(applies), (shown, applies)

        # Nothing checked, then a hazard without a photo: refused on the phone, before anything is sent.
        page.get_by_role("button", name="提交检查并定稿").click()
        expect(page.get_by_test_id("checklist-error")).to_contain_text("至少一项")
        passed, hazard = shown[0], shown[1]
        items.and_(page.locator(f"[data-code='{passed}']")).get_by_role("combobox").select_option("PASSED")
        found = items.and_(page.locator(f"[data-code='{hazard}']"))
        found.get_by_role("combobox").select_option("HAZARD_FOUND")
        page.get_by_role("button", name="提交检查并定稿").click()
        expect(found.get_by_text("发现隐患须附照片。")).to_be_visible()
        found.locator("input[type=file]").set_input_files(str(photo))
        found.get_by_role("checkbox", name="已当场整改").check()
        found.get_by_label("说明", exact=False).fill("灭火器压力不足，已更换")

        # The finalize reaches the fire service but its answer is lost: the write stays queued.
        lost: list[str] = []

        def lose_finalize_answer(route: Route) -> None:
            body = route.request.post_data or ""
            if "finalizeFireInspection" in body and not lost:
                route.fetch()
                lost.append(json.loads(body)["variables"]["inspectionId"])
                route.abort()
                return
            route.continue_()

        page.route("**/graphql", lose_finalize_answer)
        page.get_by_role("button", name="提交检查并定稿").click()
        expect(page.get_by_test_id("record-outcome")).to_contain_text("已保存到待发送队列")
        expect(page.get_by_test_id("pending-banner")).to_contain_text("1 条待发送")
        # Recorded, waiting: the checklist is not offered again, so the place is not inspected twice.
        expect(page.get_by_role("button", name="提交检查并定稿")).to_have_count(0)
        assert len(lost) == 1
        finalized = [i for i in inspections_of(platform.url, place) if i not in before]
        assert [(i["id"], i["state"]) for i in finalized] == [(lost[0], "FINALIZED")], finalized
        check_page(page, "field-fire-pending")

        # Sent again: the same inspection (the start's key), already finalized, so nothing more is recorded.
        page.get_by_role("button", name="立即发送").click()
        expect(page.get_by_test_id("pending-banner")).to_have_count(0)
        page.wait_for_function(f"async () => (await ({QUEUED})()).length === 0")
        after = [i for i in inspections_of(platform.url, place) if i not in before]
        assert len(after) == 1, after
        inspection = after[0]
        assert inspection["inspector"] == "demo-grid-worker" and inspection["gridLevel"] == place_type["inspectedBy"]
        lines = {item["hazardTypeCode"]: item for item in inspection["items"]}  # type: ignore[attr-defined]
        assert lines[passed]["result"] == "PASSED" and lines[hazard]["result"] == "HAZARD_FOUND"
        assert len(lines[hazard]["evidence"]) == 1 and lines[hazard]["fixedOnSpot"] is True
        assert all(lines[code]["result"] == "NOT_INSPECTED" for code in shown if code not in (passed, hazard))
        assert len(inspection["hazardIds"]) == 1  # type: ignore[arg-type]
        # The one lost answer is the only console error (the browser reports the aborted request).
        aborted = [e for e in watched.console_errors if "ERR_FAILED" in e]
        assert len(aborted) <= 1, watched.console_errors
        watched.console_errors[:] = [e for e in watched.console_errors if e not in aborted]


def test_a_grid_head_records_a_patrol_of_its_grid(platform: Platform, browser: Browser) -> None:
    findings = f"巡查：工地围挡完整，洒水降尘到位 {uuid.uuid4().hex[:8]}"
    sources = graphql(platform.url, demo.GRID_LEADER, "query($scope: String!) { pollutionSources("
                      "jurisdictionCode: $scope, first: 200) { nodes { id name status } } }",
                      scope=demo.COMMUNITY_CODE)["pollutionSources"]["nodes"]
    patrolled = [s for s in sources if s["status"] in ("ACTIVE", "RECTIFYING")]
    assert patrolled, "the demo community has pollution sources to patrol"
    with phone(browser, platform) as watched:
        page = watched.page
        sign_in(page, demo.GRID_LEADER)
        page.get_by_role("navigation", name="主菜单").get_by_role("link", name="巡查记录").click()
        expect(page.get_by_role("heading", name="网格巡查", level=1)).to_be_visible()
        rows = page.get_by_test_id("patrol-source")
        expect(rows).to_have_count(len(patrolled))
        first = patrolled[0]
        row = rows.and_(page.locator(f"[data-id='{first['id']}']"))
        row.get_by_role("checkbox", name=f"已检查：{first['name']}").check()
        row.get_by_role("checkbox", name=f"合规（{first['name']}）").uncheck()
        row.get_by_label(f"检查情况（{first['name']}）").fill("裸土未覆盖")
        page.get_by_role("button", name="记录巡查").click()
        expect(page.get_by_text("请填写此项。")).to_be_visible()
        page.get_by_label("巡查情况").fill(findings)
        page.get_by_role("button", name="记录巡查").click()
        expect(page.get_by_test_id("record-outcome")).to_contain_text("已发出")
        expect(page.get_by_test_id("recent-patrol").filter(has_text=findings[:20])).to_be_visible()
        check_page(page, "field-patrol")
    mine = graphql(platform.url, demo.GRID_LEADER, "query($head: String!) { patrols(patroller: $head, "
                   "first: 50) { nodes { findings jurisdictionCode recordedBy "
                   "checks { sourceId compliant finding } } } }",
                   head=demo.GRID_LEADER)["patrols"]["nodes"]
    recorded = [p for p in mine if p["findings"] == findings]
    assert len(recorded) == 1, recorded
    assert recorded[0]["jurisdictionCode"] == demo.COMMUNITY_CODE and recorded[0]["recordedBy"] == demo.GRID_LEADER
    assert recorded[0]["checks"] == [{"sourceId": first["id"], "compliant": False, "finding": "裸土未覆盖"}]


def test_only_a_grid_head_records_patrols(platform: Platform, browser: Browser) -> None:
    with phone(browser, platform) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker", "/field/patrol")
        expect(page.get_by_text("只有网格长记录自己的巡查。")).to_be_visible()
        expect(page.get_by_role("button", name="记录巡查")).to_have_count(0)
