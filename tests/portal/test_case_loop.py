"""The loop through the case page: the centre registers and dispatches, the unit accepts and reports its handling,
the centre verifies (closing the case) and calls the reporter back (archiving it), each by the actions the API
offers (viewerActions) and nothing else; a form checks itself and shows the API's refusal by its field; the
history shows every step."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.kit.test_media import jpeg
from tests.portal.api import report_case
from tests.portal.browser import check_page, sign_in, watched_page
from tests.portal.platform import Platform


def offered(page: Page) -> list[str]:
    page.locator("[data-action]").first.wait_for()
    return page.locator("[data-action]").evaluate_all("buttons => buttons.map(b => b.dataset.action)")


def run_action(page: Page, action: str, fields: dict[str, str] | None = None,
               choices: tuple[str, ...] = ()) -> None:
    """Opens ``action``'s dialog, fills ``fields`` by label, picks the radio buttons labelled ``choices``, sends."""
    page.locator(f"[data-action='{action}']").click()
    dialog = page.get_by_role("dialog")
    for name, value in (fields or {}).items():
        dialog.get_by_label(name).fill(value)
    for choice in choices:
        dialog.get_by_label(choice, exact=True).check()
    dialog.get_by_role("button", name="提交").click()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_a_case_goes_round_the_whole_loop_in_the_portal(platform: Platform, browser: Browser, tmp_path: Path) -> None:
    case = report_case(platform.url, "浏览器测试：垃圾桶满溢")
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", f"/cases/{case['id']}")
        expect(page.get_by_test_id("case-state")).to_have_text("已上报")
        assert "registerCase" in offered(page) and "acceptCase" not in offered(page)
        check_page(page, "case-page")

        # A required reason is asked for before anything is sent.
        page.locator("[data-action='rejectCase']").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_role("button", name="提交").click()
        expect(dialog.get_by_text("请填写此项。")).to_be_visible()
        expect(dialog.get_by_label("理由")).to_have_attribute("aria-invalid", "true")
        check_page(page, "case-action-dialog")
        dialog.get_by_role("button", name="取消").click()

        run_action(page, "registerCase", {"意见": "属实，予以立案"})
        expect(page.get_by_test_id("case-state")).to_have_text("已立案")
        assert "dispatchCase" in offered(page) and "registerCase" not in offered(page)
        # The API's refusal appears beside the field it names (input.coUnits), in the dialog that sent it.
        page.locator("[data-action='dispatchCase']").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("处置单位（留空按派遣规则）").fill("community_workstation")
        dialog.get_by_label("协办单位（逗号分隔）").fill("community_workstation")
        dialog.get_by_role("button", name="提交").click()
        expect(dialog.get_by_text("must not repeat the lead unit")).to_be_visible()
        expect(dialog.get_by_label("协办单位（逗号分隔）")).to_have_attribute("aria-invalid", "true")
        dialog.get_by_label("协办单位（逗号分隔）").fill("")
        dialog.get_by_role("button", name="提交").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_test_id("case-state")).to_have_text("已派遣")
        expect(page.get_by_test_id("history").locator("li")).to_have_count(3)

    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-handling-unit")
        expect(page).to_have_url(f"{platform.url}/unit")
        to_accept = page.get_by_test_id("unit-unit.toAccept")
        to_accept.get_by_role("link", name=case["number"]).click()
        expect(page.get_by_test_id("case-state")).to_have_text("已派遣")
        assert offered(page)[0] == "acceptCase"
        run_action(page, "acceptCase", {"意见": "已签收"})
        expect(page.get_by_test_id("case-state")).to_have_text("处置中")
        assert "acceptCase" not in offered(page)
        page.get_by_role("link", name="处置任务").click()
        expect(page.get_by_test_id("unit-unit.inHand").get_by_role("link", name=case["number"])).to_be_visible()
        check_page(page, "unit-work-list")

        # The unit reports what it did; the case waits for the centre's check.
        page.get_by_role("link", name=case["number"]).click()
        expect(page.get_by_test_id("case-state")).to_have_text("处置中")
        # With a photo of the result: uploaded as the form is sent, shown as the case's evidence after handling.
        photo = tmp_path / "after.jpg"
        photo.write_bytes(jpeg(400, 300))
        page.locator("[data-action='handleCase']").click()
        dialog = page.get_by_role("dialog")
        dialog.get_by_label("处置情况").fill("已清运，垃圾桶已复位")
        dialog.get_by_label("现场照片或录音（可多个）").set_input_files(str(photo))
        dialog.get_by_role("button", name="提交").click()
        expect(page.get_by_role("dialog")).to_have_count(0)
        expect(page.get_by_test_id("case-state")).to_have_text("已处置")
        expect(page.get_by_test_id("evidence-media").locator("img")).to_be_visible()
        # Nothing more for the unit (the centre checks next): no action is offered that the API would refuse.
        for action in ("handleCase", "verifyCase", "acceptCase"):
            expect(page.locator(f"[data-action='{action}']")).to_have_count(0)

    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", f"/cases/{case['id']}")
        expect(page.get_by_test_id("case-state")).to_have_text("已处置")
        # The check passes: the case closes, and the reporter is owed a callback.
        run_action(page, "verifyCase", {"意见": "现场核查属实"}, choices=("通过，结案",))
        expect(page.get_by_test_id("case-state")).to_have_text("已结案")
        assert "callbackCase" in offered(page) and "verifyCase" not in offered(page)
        run_action(page, "callbackCase", {"意见": "居民表示满意"}, choices=("满意",))
        expect(page.get_by_test_id("case-state")).to_have_text("已归档")
        expect(page.locator("[data-action='callbackCase']")).to_have_count(0)
        # Every step in the history: reported, registered, dispatched, accepted, handled, closed, archived.
        expect(page.get_by_test_id("history").locator("li")).to_have_count(7)
        check_page(page, "case-archived")
