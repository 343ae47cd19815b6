"""Signing in through an OpenID Connect provider: the authorization code flow with PKCE, back to the page that
asked, the gateway accepting the provider's token, silent renewal before expiry, and sign-out at the provider."""

from __future__ import annotations

import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, expect

from tests.portal.browser import check_page, watched_page
from tests.portal.platform import Platform, running_platform
from tests.support.oidc_provider import Provider, running_provider

CLIENT = "gridgov-portal"
# oidc-client-ts renews a minute before expiry: a 70-second token is renewed about ten seconds in.
ACCESS_SECONDS = 70


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider(CLIENT, access_seconds=ACCESS_SECONDS) as running:
        yield running


@pytest.fixture(scope="module")
def oidc_platform(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    settings = {"GRIDGOV_JWKS_URL": provider.jwks_url, "GRIDGOV_JWT_ISSUER": provider.issuer,
                "GRIDGOV_OIDC_CLIENT_ID": CLIENT}
    with running_platform(tmp_path_factory.mktemp("oidc-platform"), settings) as running:
        yield running


def stored_token(page) -> str:  # type: ignore[no-untyped-def]
    return str(page.evaluate("() => sessionStorage.getItem('gridgov.token')"))


def test_sign_in_renewal_and_sign_out_through_the_identity_provider(oidc_platform: Platform, provider: Provider,
                                                                   browser: Browser) -> None:
    with watched_page(browser, oidc_platform.url, allowed_hosts=(urlsplit(provider.issuer).netloc,)) as watched:
        page = watched.page
        page.goto("/cases")  # not signed in: to sign-in, which remembers the page
        expect(page).to_have_url(f"{oidc_platform.url}/sign-in?next=%2Fcases")
        # With the provider's keys configured, the dev sign-in is gone.
        expect(page.locator("button[data-subject]")).to_have_count(0)
        check_page(page, "oidc-sign-in")
        page.get_by_test_id("oidc-sign-in").click()

        page.locator("button[data-subject='demo-district-admin']").click()
        # Back through the callback to the page that asked, with the provider's token accepted by the gateway.
        expect(page).to_have_url(f"{oidc_platform.url}/cases", timeout=15_000)
        expect(page.get_by_test_id("case-row").first).to_be_visible()
        assert [grant for grant, _ in provider.grants] == ["authorization_code"]
        assert stored_token(page) == provider.grants[-1][1]

        # Silent renewal with the refresh token, before the access token expires; the portal sends the new one.
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline and len(provider.grants) < 2:
            page.wait_for_timeout(500)
        assert [grant for grant, _ in provider.grants][:2] == ["authorization_code", "refresh_token"]
        page.wait_for_function("t => sessionStorage.getItem('gridgov.token') === t", arg=provider.grants[-1][1])
        with page.expect_request(lambda r: r.url.endswith("/graphql")) as sent:
            page.get_by_role("link", name="工作台").click()
        assert sent.value.headers["authorization"] == f"Bearer {provider.grants[-1][1]}"
        expect(page.get_by_test_id("kpi-open")).to_be_visible()

        # Sign-out ends the session at the provider too, which returns to sign-in.
        page.get_by_role("button", name="退出").click()
        expect(page).to_have_url(f"{oidc_platform.url}/sign-in", timeout=10_000)
        assert provider.logouts == [f"{oidc_platform.url}/sign-in"]
        assert page.evaluate("() => sessionStorage.getItem('gridgov.token')") is None


def test_a_failed_callback_says_why_and_offers_to_sign_in_again(oidc_platform: Platform, provider: Provider,
                                                                browser: Browser) -> None:
    with watched_page(browser, oidc_platform.url, allowed_hosts=(urlsplit(provider.issuer).netloc,)) as watched:
        page = watched.page
        page.goto("/auth/callback?code=forged&state=unknown")
        expect(page.get_by_role("alert")).to_contain_text("统一身份认证未能完成登录")
        expect(page.get_by_role("link", name="重新登录")).to_be_visible()
        check_page(page, "oidc-callback-failed")
