"""Fixtures of the browser tests: the real platform (once for the package) and Debian's Chromium by path."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.portal.browser import AXE, CHROMIUM, ROOT
from tests.portal.platform import Platform, running_platform


# Package-scoped, not session-scoped: Playwright's sync API holds an event loop running on the main thread while
# it is open, and every asyncio test collected after this package would fail to start its own.
@pytest.fixture(scope="package")
def platform(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Platform]:
    index = ROOT / "portal" / "dist" / "index.html"
    assert index.is_file(), "the portal is not built: run `make portal`"
    assert AXE.is_file(), "axe-core is not installed: run `make portal` (npm ci)"
    with running_platform(tmp_path_factory.mktemp("platform")) as running:
        yield running


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.is_file(), f"no Chromium at {CHROMIUM}: apt-get install chromium (.ci/run does)"
    with sync_playwright() as playwright:
        # Root (CI) cannot use Chromium's sandbox.
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield launched
        launched.close()
