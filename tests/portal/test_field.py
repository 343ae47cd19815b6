"""The grid worker's phone: report a problem with the phone's (mocked) location and photos; offline, the report
and its photos wait in IndexedDB and are sent once when the connection returns, under the idempotency key it was
queued with."""

from __future__ import annotations

import random
import uuid
from pathlib import Path

from playwright.sync_api import Browser, expect

from services.kit import demo, demo_boundaries
from tests.kit.test_media import jpeg
from tests.portal.api import cases_described, graphql
from tests.portal.browser import PHONE, check_page, sign_in, watched_page
from tests.portal.platform import Platform

QUEUED = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('gridgov-field');
  open.onsuccess = () => {
    const all = open.result.transaction('writes').objectStore('writes').getAll();
    all.onsuccess = () => resolve(all.result);
    all.onerror = () => reject(all.error);
  };
})"""


def phone(browser: Browser, platform: Platform):  # type: ignore[no-untyped-def]
    longitude, latitude = demo_boundaries.point_in(demo.GRID_CODE, random.Random(11))
    return watched_page(browser, platform.url, viewport=PHONE, is_mobile=True, has_touch=True,
                        geolocation={"latitude": latitude, "longitude": longitude}, permissions=["geolocation"])


def fill_report(page, description: str) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("问题类型").select_option("garbage_exposed")
    page.get_by_label("问题描述").fill(description)
    page.get_by_label("地址").fill("翠微路3号")
    page.get_by_role("button", name="获取当前位置").click()
    expect(page.get_by_test_id("position")).to_contain_text("纬度 39.9")


def test_a_grid_worker_reports_a_case_with_the_phone_location(platform: Platform, browser: Browser) -> None:
    description = f"手机上报：垃圾堆放 {uuid.uuid4().hex[:8]}"
    with phone(browser, platform) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker", "/field")
        expect(page).to_have_url(f"{platform.url}/field")
        check_page(page, "field-report")
        page.get_by_role("button", name="上报", exact=True).click()
        expect(page.get_by_text("请填写此项。").first).to_be_visible()
        fill_report(page, description)
        page.get_by_role("button", name="上报", exact=True).click()
        expect(page.get_by_test_id("report-outcome")).to_contain_text("已全部发出")
        expect(page.get_by_test_id("my-report").filter(has_text=description)).to_be_visible()
        check_page(page, "field-report-sent")
    found = cases_described(platform.url, "demo-community-staff", description)
    assert len(found) == 1 and found[0]["state"] == "REPORTED", found
    located = graphql(platform.url, "demo-community-staff", "query($id: ID!) { case(id: $id) { location { latitude } "
                      "jurisdictionCode } }", id=found[0]["id"])["case"]
    assert located["location"] is not None and located["jurisdictionCode"] == demo.GRID_CODE


def test_an_offline_report_is_replayed_once_when_the_connection_returns(platform: Platform, browser: Browser) -> None:
    description = f"离线上报：井盖破损 {uuid.uuid4().hex[:8]}"
    with phone(browser, platform) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker", "/field")
        expect(page.get_by_label("问题类型")).to_contain_text("垃圾")  # the categories came while online
        watched.context.set_offline(True)
        expect(page.get_by_test_id("offline-banner")).to_contain_text("您已离线")
        fill_report(page, description)
        page.get_by_role("button", name="上报", exact=True).click()
        expect(page.get_by_test_id("report-outcome")).to_contain_text("已保存到待发送队列")
        expect(page.get_by_test_id("offline-banner")).to_contain_text("1 条待发送")
        queued = page.evaluate(QUEUED)
        assert len(queued) == 1 and uuid.UUID(queued[0]["key"]).version == 4, queued
        check_page(page, "field-offline")
        assert cases_described(platform.url, "demo-community-staff", description) == []

        watched.context.set_offline(False)
        expect(page.get_by_test_id("offline-banner")).to_have_count(0)
        expect(page.get_by_test_id("my-report").filter(has_text=description)).to_be_visible()
        assert page.evaluate(QUEUED) == []
        found = cases_described(platform.url, "demo-community-staff", description)
        assert len(found) == 1, found

        # The same write sent again with its key (an answer lost on the way back) creates nothing new.
        again = graphql(platform.url, "demo-grid-worker", """mutation($input: CaseReportInput!, $key: String) {
          reportCase(input: $input, idempotencyKey: $key) { id } }""", input=queued[0]["variables"]["input"],
                        key=queued[0]["key"])
        assert again["reportCase"]["id"] == found[0]["id"]
        assert len(cases_described(platform.url, "demo-community-staff", description)) == 1


def test_a_report_taken_offline_with_a_photo_arrives_with_it(platform: Platform, browser: Browser,
                                                             tmp_path: Path) -> None:
    """The photo waits in the queue with the report; on replay it is uploaded (once, however often it is resent)
    and the case carries it as evidence; the centre sees its thumbnail on the case page."""
    description = f"离线带照片上报：占道经营 {uuid.uuid4().hex[:8]}"
    photo = tmp_path / "现场.jpg"
    photo.write_bytes(jpeg(800, 600))
    with phone(browser, platform) as watched:
        page = watched.page
        sign_in(page, "demo-grid-worker", "/field")
        expect(page.get_by_label("问题类型")).to_contain_text("垃圾")
        watched.context.set_offline(True)
        fill_report(page, description)
        page.get_by_label("现场照片（可多张）").set_input_files(str(photo))
        expect(page.get_by_test_id("photo-count")).to_contain_text("已选 1 张照片")
        page.get_by_role("button", name="上报", exact=True).click()
        expect(page.get_by_test_id("report-outcome")).to_contain_text("已保存到待发送队列")
        queued = page.evaluate("async () => { const all = await (" + QUEUED + ")(); "
                               "return all.map(w => ({ photos: w.variables.photos.length, "
                               "size: w.variables.photos[0].size })); }")
        assert queued == [{"photos": 1, "size": photo.stat().st_size}], queued
        watched.context.set_offline(False)
        expect(page.get_by_test_id("my-report").filter(has_text=description)).to_be_visible()
    found = cases_described(platform.url, "demo-community-staff", description)
    assert len(found) == 1, found
    case = graphql(platform.url, "demo-community-staff", "query($id: ID!) { case(id: $id) { evidenceBefore } }",
                   id=found[0]["id"])["case"]
    assert len(case["evidenceBefore"]) == 1
    media = graphql(platform.url, "demo-community-staff", "query($id: ID!) { mediaObject(id: $id) { kind width "
                    "uploadedBy location { latitude } } }", id=case["evidenceBefore"][0])["mediaObject"]
    assert media["kind"] == "image" and media["width"] == 800 and media["uploadedBy"] == "demo-grid-worker"

    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", f"/cases/{found[0]['id']}")
        thumbnail = page.get_by_test_id("evidence-media").locator("img")
        expect(thumbnail).to_be_visible()
        page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
        check_page(page, "case-page-evidence")
