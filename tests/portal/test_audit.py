"""The auditor sees the decisions, opens one's full record, verifies the chain and exports JSON lines."""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.portal.api import graphql
from tests.portal.browser import check_page, sign_in, watched_page
from tests.portal.platform import Platform


def test_the_auditor_filters_opens_verifies_and_exports(platform: Platform, browser: Browser) -> None:
    graphql(platform.url, "demo-street-staff", "{ cases(first: 1) { nodes { id } } }")  # a decision to find
    with watched_page(browser, platform.url, accept_downloads=True) as watched:
        page = watched.page
        sign_in(page, "demo-auditor")
        expect(page).to_have_url(f"{platform.url}/audit")
        rows = page.get_by_test_id("decision-row")
        expect(rows.first).to_be_visible()
        check_page(page, "decision-log")

        page.get_by_label("主体").fill("demo-street-staff")
        page.get_by_label("操作").fill("case.list")
        page.get_by_role("button", name="查询").click()
        expect(rows.first).to_contain_text("demo-street-staff")
        subjects = rows.evaluate_all("rows => rows.map(r => r.cells[2].innerText)")
        assert set(subjects) == {"demo-street-staff"}, subjects

        rows.first.get_by_role("button").click()
        record = page.get_by_test_id("decision-record")
        expect(record).to_contain_text('"decisionId"')
        expect(record).to_contain_text('"previousHash"')
        check_page(page, "decision-record")
        page.get_by_role("dialog").get_by_role("button", name="关闭").click()

        page.get_by_role("button", name="校验哈希链").click()
        expect(page.get_by_test_id("chain-verdict")).to_contain_text("哈希链完整")

        with page.expect_download() as download:
            page.get_by_role("button", name="导出 JSON Lines").click()
        assert download.value.suggested_filename == "decisions.jsonl"
        expect(page.get_by_text("已导出")).to_be_visible()
