"""Signing in: the dev sign-in lists every demo user; a user lands on its role's home, in its jurisdiction."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect

from services.kit import demo
from tests.portal.api import report_case
from tests.portal.browser import PHONE, check_page, sign_in, watched_page
from tests.portal.platform import Platform

# The token's expiry passes while the user is away (its signature no longer matters: it is never sent).
EXPIRE = r"""() => {
  const [h, p, s] = sessionStorage.getItem('gridgov.token').split('.');
  const claims = JSON.parse(atob(p.replace(/-/g, '+').replace(/_/g, '/')));
  claims.exp = Math.floor(Date.now() / 1000) - 60;
  const encoded = btoa(JSON.stringify(claims)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  sessionStorage.setItem('gridgov.token', `${h}.${encoded}.${s}`);
}"""


def test_the_sign_in_page_lists_every_demo_user(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        page.goto("/")
        expect(page).to_have_url(f"{platform.url}/sign-in?next=%2F")
        expect(page.locator("button[data-subject]")).to_have_count(len(demo.USERS))
        expect(page.get_by_role("button", name=re.compile("社区工作站 工作人员.*翠微路社区"))).to_be_visible()
        check_page(page, "sign-in")


def test_sign_in_on_a_phone(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url, viewport=PHONE) as watched:
        watched.page.goto("/sign-in")
        check_page(watched.page, "sign-in")


def test_a_page_asked_for_before_signing_in_is_shown_after(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        page.goto("/cases?x=1")
        expect(page).to_have_url(f"{platform.url}/sign-in?next=%2Fcases%3Fx%3D1")
        page.locator("button[data-subject='demo-community-staff']").click()
        expect(page).to_have_url(f"{platform.url}/cases?x=1")
        expect(page.get_by_test_id("signed-in-as")).to_have_text("demo-community-staff")


def test_an_expired_session_returns_to_sign_in_then_to_the_page(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-street-staff")
        page.evaluate(EXPIRE)
        page.goto("/cases")
        expect(page.get_by_text("登录已过期")).to_be_visible()
        expect(page).to_have_url(f"{platform.url}/sign-in?next=%2Fcases")
        page.locator("button[data-subject='demo-street-staff']").click()
        expect(page).to_have_url(f"{platform.url}/cases")


def test_english_switch(platform: Platform, browser: Browser) -> None:
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-district-admin")
        page.get_by_label("语言").select_option("en")
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", "en")


def test_form_input_survives_an_expired_session_and_sign_out_drops_it(platform: Platform,
                                                                      browser: Browser) -> None:
    case = report_case(platform.url, "浏览器测试：过期时填写中的表单")
    with watched_page(browser, platform.url) as watched:
        page = watched.page
        sign_in(page, "demo-community-staff", f"/cases/{case['id']}")
        page.locator("[data-action='registerCase']").click()
        page.get_by_role("dialog").get_by_label("意见").fill("核实属实，准备立案")
        page.evaluate(EXPIRE)  # the session runs out while the form is half done
        page.reload()
        expect(page.get_by_text("登录已过期")).to_be_visible()
        page.locator("button[data-subject='demo-community-staff']").click()
        expect(page).to_have_url(f"{platform.url}/cases/{case['id']}")
        page.locator("[data-action='registerCase']").click()
        expect(page.get_by_role("dialog").get_by_label("意见")).to_have_value("核实属实，准备立案")
        page.get_by_role("dialog").get_by_role("button", name="取消").click()
        page.get_by_role("button", name="退出").click()
        expect(page).to_have_url(f"{platform.url}/sign-in")
        assert page.evaluate("() => Object.keys(sessionStorage).filter(k => k.startsWith('gridgov.draft.'))") == []
