"""GraphiQL (dev only) loads everything from the gateway's own origin: it works on an intranet."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from gateway import graphiql
from services.kit.config import Mode
from tests.gateway.harness import gateway_settings, running_gateway

CSS_REFERENCE = re.compile(r"""url\(\s*['"]?([^'")]+)|@import\s+['"]([^'"]+)""")
ANY_URL = re.compile(r"[a-z][a-z0-9+.-]*://|//[a-z0-9-]+\.", re.IGNORECASE)


class References(HTMLParser):
    """Every src and href of a page, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name in ("src", "href") and value]
        self._in_script = tag == "script" and not dict(attrs).get("src")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.scripts.append(data)


def foreign(reference: str, base: str) -> bool:
    if reference.startswith("data:"):
        return False
    return urlsplit(urljoin(base, reference)).netloc != urlsplit(base).netloc


async def test_the_page_and_every_asset_come_from_the_gateway(tmp_path: Path) -> None:
    assert graphiql.installed(), f"run `make graphiql`: the GraphiQL files are missing in {graphiql.ASSETS_DIR}"
    settings = gateway_settings(tmp_path)
    async with running_gateway(settings) as gateway:
        base = f"{gateway.url}/graphql"
        page = await gateway.client.get(base)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert not ANY_URL.search(page.text), "the page names another host"  # also inside its inline script
        parser = References()
        parser.feed(page.text)
        assert len(parser.found) == len(graphiql.ASSETS)
        for reference in parser.found:
            assert not foreign(reference, base), reference
            asset = await gateway.client.get(urljoin(base, reference))
            assert asset.status_code == 200, reference
            assert asset.content, reference
            if reference.endswith(".css"):
                for groups in CSS_REFERENCE.findall(asset.text):
                    inner = groups[0] or groups[1]
                    assert not foreign(inner, urljoin(base, reference)), inner


def test_the_page_script_parses(tmp_path: Path) -> None:
    assert graphiql.installed(), f"run `make graphiql`: the GraphiQL files are missing in {graphiql.ASSETS_DIR}"
    parser = References()
    parser.feed(bytes(graphiql.page().body).decode())
    assert len(parser.scripts) == 1
    script = tmp_path / "page.js"  # node (which make installs the files with) parses it as a browser would
    script.write_text(parser.scripts[0], encoding="utf-8")
    checked = subprocess.run(["node", "--check", str(script)], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr


async def test_graphiql_is_not_served_in_production(tmp_path: Path) -> None:
    production = dataclasses.replace(gateway_settings(tmp_path), mode=Mode.PRODUCTION)
    async with running_gateway(production) as gateway:
        assert (await gateway.client.get(f"{gateway.url}/graphql")).status_code == 405
        assert (await gateway.client.get(f"{gateway.url}/graphiql/graphiql.min.js")).status_code == 404
