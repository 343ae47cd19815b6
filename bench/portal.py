"""Benchmark of the portal in headless Chromium against a million cases (prints numbers; not a test).

    .venv/bin/python -m bench.portal [--cases 1000000] [--runs 5]

1. The million cases of bench.cases (var/bench/cases.db, loaded once), served by the cases service of a whole
   platform (`gridgov up --demo-data`: registry with the demo district's boundaries, fire, inspection,
   gateway serving the built portal) on free ports in a directory of its own.
2. Debian's Chromium (by path) through Playwright, a fresh browser context per run (nothing cached):
   - the JavaScript the first page (sign-in) loads, as sent (gzip) and unpacked;
   - sign-in to a usable dashboard: from the click on the district administrator's button to the counts shown;
   - the case list's next page: from the click to the new first row;
   - the district map: from opening /map to every grid of the view drawn (the boundary layer answered and a
     path in Leaflet's overlay pane for each of its grids).
   Each run's figure, then min / median / max. Run `make portal` first.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from bench.cases import DB, free_port, load

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SERVICES = ("registry", "cases", "fire", "inspection")
DISTRICT_ADMIN = "demo-district-admin"


@contextmanager
def platform(directory: Path) -> Iterator[str]:
    """The platform on free ports with the demo district, the cases service serving the million; its URL."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("GRIDGOV_")}
    environ.update({"GRIDGOV_DATA_DIR": str(directory), "GRIDGOV_SERVICES": ",".join(SERVICES),
                    "GRIDGOV_GATEWAY_LISTEN": f"127.0.0.1:{free_port()}", "PYTHONUNBUFFERED": "1",
                    "GRIDGOV_CASES_DATABASE_URL": f"sqlite+aiosqlite:///{DB}", "GRIDGOV_JOB_INTERVAL": "86400"})
    for name in SERVICES:
        address = f"127.0.0.1:{free_port()}"
        environ[f"GRIDGOV_{name.upper()}_LISTEN"] = environ[f"GRIDGOV_{name.upper()}_ADDRESS"] = address
    process = subprocess.Popen([sys.executable, "-m", "launcher.cli", "up", "--demo-data"], env=environ, cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                raise RuntimeError("gridgov up stopped:\n" + "".join(output))
            output.append(line)
            if "Ctrl-C stops everything" in line:
                break
        else:
            raise RuntimeError("gridgov up not ready:\n" + "".join(output))
        yield f"http://{environ['GRIDGOV_GATEWAY_LISTEN']}"
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


def first_page_scripts(browser: Browser, url: str) -> tuple[int, int, int]:
    """(scripts, bytes sent, bytes unpacked) of the JavaScript the sign-in page loads."""
    context = browser.new_context(base_url=url, locale="zh-CN")
    page = context.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r) if r.request.resource_type == "script" else None)
    page.goto("/sign-in")
    page.wait_for_load_state("networkidle")
    sent = unpacked = 0
    for response in responses:
        sent += response.request.sizes()["responseBodySize"]
        unpacked += len(response.body())
    context.close()
    return len(responses), sent, unpacked


def timed(browser: Browser, url: str, runs: int, measure: Callable[[Page], float]) -> list[float]:
    figures = []
    for _ in range(runs):
        context = browser.new_context(base_url=url, locale="zh-CN", viewport={"width": 1920, "height": 1080},
                                      timezone_id="Asia/Shanghai")
        page = context.new_page()
        page.set_default_timeout(30_000)
        figures.append(measure(page))
        context.close()
    return figures


def sign_in_to_dashboard(page: Page) -> float:
    page.goto("/sign-in")
    button = page.locator(f"button[data-subject='{DISTRICT_ADMIN}']")
    button.wait_for()
    started = time.perf_counter()
    button.click()
    page.get_by_test_id("kpi-open").wait_for()  # drawn once the dashboard's answer is in
    return time.perf_counter() - started


def signed_in(page: Page, path: str) -> None:
    page.goto(f"/sign-in?next={path}")
    page.locator(f"button[data-subject='{DISTRICT_ADMIN}']").click()
    page.get_by_test_id("signed-in-as").wait_for()


def next_case_page(page: Page) -> float:
    signed_in(page, "/cases")
    first = page.get_by_test_id("case-row").first.get_by_role("link")
    first.wait_for()
    before = first.inner_text()
    started = time.perf_counter()
    page.get_by_role("button", name="下一页").click()
    page.wait_for_function("before => { const a = document.querySelector('[data-testid=case-row] a'); "
                           "return a && a.innerText !== before }", arg=before)
    return time.perf_counter() - started


def district_map(page: Page) -> float:
    signed_in(page, "/dashboard")
    page.get_by_test_id("kpi-open").wait_for()
    with page.expect_response(lambda r: r.url.endswith("/graphql") and "boundaryLayer" in (r.request.post_data or ""),
                              timeout=30_000) as answered:
        started = time.perf_counter()
        page.goto("/map")
    layer = json.loads(answered.value.json()["data"]["boundaryLayer"]["geojson"])
    grids = sum(1 for f in layer["features"] if str(f["properties"].get("level", "")).lower() == "grid")
    page.wait_for_function("n => document.querySelectorAll('.leaflet-overlay-pane path.grid-area').length >= n",
                           arg=max(grids, 1))
    return time.perf_counter() - started


def summary(name: str, figures: list[float], target: float) -> None:
    ms = [f * 1000 for f in figures]
    print(f"{name}: min {min(ms):.0f} ms, median {statistics.median(ms):.0f} ms, max {max(ms):.0f} ms "
          f"(target under {target * 1000:.0f} ms; runs: {', '.join(f'{m:.0f}' for m in ms)})")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    if not (ROOT / "portal" / "dist" / "index.html").is_file():
        raise SystemExit("the portal is not built: run `make portal`")
    asyncio.run(load(options.cases))
    with tempfile.TemporaryDirectory(prefix="gridgov-bench-portal-") as directory, platform(Path(directory)) as url, \
            sync_playwright() as playwright:
        args = ["--no-sandbox"] if os.geteuid() == 0 else []
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        count, sent, unpacked = first_page_scripts(browser, url)
        print(f"first page JavaScript: {count} files, {sent / 1024:.0f} KiB sent (gzip), {unpacked / 1024:.0f} KiB "
              f"unpacked (target at most 300 KB sent)")
        summary("sign-in to a usable dashboard", timed(browser, url, options.runs, sign_in_to_dashboard), 1.5)
        summary("the case list's next page", timed(browser, url, options.runs, next_case_page), 0.3)
        try:
            summary("the district map, every grid of the view drawn", timed(browser, url, options.runs,
                                                                             district_map), 1.0)
        except Exception as error:  # the map page may not be there
            print(f"the district map: not measured ({type(error).__name__}: {str(error).splitlines()[0]})")
        browser.close()


if __name__ == "__main__":
    main()
