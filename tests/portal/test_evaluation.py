"""Evaluation (考核评价): a centre's own figures for a period; the district's ranking of streets and units with the
score's formula, exported as the file the API writes; the ranking is not offered to a street."""

from __future__ import annotations

import io
import zipfile

from playwright.sync_api import Browser, expect

from services.kit import demo
from tests.portal.browser import check_page, sign_in, watched_page
from tests.portal.platform import Platform


def test_the_district_ranks_its_streets_and_exports_the_ranking(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url, accept_downloads=True) as watched:
        page = watched.page
        sign_in(page, "demo-district-admin", "/evaluation")
        expect(page.get_by_role("heading", level=2).first).to_contain_text(demo.DISTRICT_CODE)
        expect(page.get_by_test_id("own-figures")).to_contain_text("结案率")
        rows = page.get_by_test_id("ranking-row")
        expect(rows.first).to_be_visible()
        streets = rows.evaluate_all("rows => rows.map(r => r.cells[1].innerText)")
        assert streets and all(code.startswith(demo.DISTRICT_CODE) and len(code) == 9 for code in streets), streets
        expect(page.get_by_text("综合得分 = 按期结案率×40")).to_be_visible()
        check_page(page, "evaluation-district")

        with page.expect_download() as downloading:
            page.get_by_role("button", name="导出 XLSX").click()
        download = downloading.value
        assert download.suggested_filename.startswith("case-ranking-streets-")
        assert download.suggested_filename.endswith(".xlsx")
        content = download.path().read_bytes()
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
        assert "排名" in sheet and streets[0] in sheet

        page.get_by_label("排名对象").select_option("UNIT")
        expect(page).to_have_url(f"{platform.url}/evaluation?dimension=UNIT")
        expect(rows.first).to_be_visible()
        units = rows.evaluate_all("rows => rows.map(r => r.cells[1].innerText)")
        assert units and not any(u.startswith("110108") for u in units), units


def test_a_street_sees_its_own_figures_and_no_ranking(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-street-staff", "/evaluation")
        expect(page.get_by_test_id("own-figures")).to_be_visible()
        expect(page.get_by_role("heading", level=2).first).to_contain_text(demo.STREET_CODE)
        expect(page.get_by_text("全区排名")).to_have_count(0)
        expect(page.get_by_role("button", name="导出 XLSX")).to_have_count(0)
        check_page(page, "evaluation-street")
