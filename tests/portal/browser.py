"""What every browser test checks of a page: no console error, no request to another host, axe, screenshots."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Request

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "portal" / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "var" / "test-artifacts" / "portal"
DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
SERIOUS = ("serious", "critical")


@dataclass
class Watched:
    """A page and what it did that a test must fail on."""

    page: Page
    context: BrowserContext
    origin: str
    console_errors: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [f"console error: {m}" for m in self.console_errors] + \
               [f"request to another host: {u}" for u in self.foreign_requests]


@contextmanager
def watched_page(browser: Browser, base_url: str, viewport: dict[str, int] = DESKTOP,
                 allowed_hosts: tuple[str, ...] = (), **context_options: Any) -> Iterator[Watched]:
    """A fresh context and page on the platform; the test fails on a console error or a request to a host
    other than the platform's (and ``allowed_hosts``, host:port, such as a configured identity provider)."""
    context = browser.new_context(base_url=base_url, viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai",
                                  **context_options)
    page = context.new_page()
    watched = Watched(page, context, urlsplit(base_url).netloc)

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            watched.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def on_request(request: Request) -> None:
        netloc = urlsplit(request.url).netloc
        if request.url.startswith(("http:", "https:", "ws:", "wss:")) and netloc != watched.origin \
                and netloc not in allowed_hosts:
            watched.foreign_requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(f"uncaught: {error}"))
    context.on("request", on_request)
    try:
        yield watched
    finally:
        context.close()
    assert not watched.problems(), "\n".join(watched.problems())


def expect_accessible(page: Page, name: str) -> None:
    """axe-core on the page as it stands: no serious or critical violation.

    The portal's CSP allows no inline script, so axe is not added as a <script> tag (it would be refused and
    logged): its file is evaluated through the DevTools protocol, which the page's CSP does not govern.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;true")
    result = page.evaluate("""async () => {
      const r = await window.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ')) }));
    }""")
    serious = [v for v in result if v["impact"] in SERIOUS]
    assert not serious, f"{name}: axe found\n{json.dumps(serious, ensure_ascii=False, indent=1)}"


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size or DESKTOP
    path = ARTIFACTS / f"{re.sub(r'[^a-z0-9-]+', '-', name.lower())}-{size['width']}x{size['height']}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def check_page(page: Page, name: str) -> None:
    """axe and a screenshot: what every page of every flow goes through."""
    page.wait_for_load_state("networkidle")
    expect_accessible(page, name)
    screenshot(page, name)


def sign_in(page: Page, subject: str, next_path: str = "/") -> None:
    """Through the dev sign-in page, as a person would: pick the demo user's button."""
    page.goto(f"/sign-in?next={next_path}" if next_path != "/" else "/sign-in")
    page.locator(f"button[data-subject='{subject}']").click()
    page.get_by_test_id("signed-in-as").wait_for()
