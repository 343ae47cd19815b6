"""The grid worker's phone: report a problem with the phone's (mocked) location; offline, the report waits in
IndexedDB and is sent once when the connection returns, under the idempotency key it was queued with."""

from __future__ import annotations

import random
import uuid

from playwright.sync_api import Browser, expect

from services.kit import demo, demo_boundaries
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
        sign_in(page, "demo-grid-worker")
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
        sign_in(page, "demo-grid-worker")
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
