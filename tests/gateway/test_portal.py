"""The portal's files served from the gateway's origin: caching, SPA fallback, gzip, CSP, no traversal."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gateway.portal_config import MapSettings, PortalSettings
from tests.gateway.harness import gateway_settings, running_gateway

INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-abc123.js"></script></head></html>'
SCRIPT = "console.log('portal');\n" * 200  # large enough to be gzipped


def built_portal(root: Path) -> Path:
    dist = root / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text(INDEX)
    (dist / "assets" / "index-abc123.js").write_text(SCRIPT)
    (dist / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (root / "secret.txt").write_text("outside the portal")
    return dist


def with_portal(tmp_path: Path, directory: Path, tiles: str = ""):  # type: ignore[no-untyped-def]
    settings = gateway_settings(tmp_path / "gateway")
    return dataclasses.replace(settings, portal=PortalSettings(directory=directory, map=MapSettings(tile_url=tiles)))


async def test_index_is_revalidated_and_hashed_assets_cached_for_a_year(tmp_path: Path) -> None:
    settings = with_portal(tmp_path, built_portal(tmp_path))
    async with running_gateway(settings) as gateway:
        index = await gateway.client.get(f"{gateway.url}/")
        assert index.status_code == 200 and index.text == INDEX
        assert index.headers["cache-control"] == "no-cache"
        assert index.headers["content-type"].startswith("text/html")
        asset = await gateway.client.get(f"{gateway.url}/assets/index-abc123.js", headers={"Accept-Encoding": "gzip"})
        assert asset.status_code == 200 and asset.text == SCRIPT
        assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert asset.headers["content-encoding"] == "gzip"
        assert asset.headers["content-type"].startswith("text/javascript")


async def test_unknown_pages_fall_back_to_the_index_but_api_paths_and_assets_do_not(tmp_path: Path) -> None:
    settings = with_portal(tmp_path, built_portal(tmp_path))
    async with running_gateway(settings) as gateway:
        for page in ("/cases", "/cases/01HX", "/field/report"):
            answer = await gateway.client.get(f"{gateway.url}{page}")
            assert answer.status_code == 200 and answer.text == INDEX, page
        for missing in ("/assets/index-old.js", "/graphql/nothing", "/dev/nothing", "/healthz/x", "/logo.png"):
            answer = await gateway.client.get(f"{gateway.url}{missing}")
            assert answer.status_code == 404, missing
        assert (await gateway.client.get(f"{gateway.url}/healthz")).json() == {"status": "ok"}


@pytest.mark.parametrize("path", ["/..%2fsecret.txt", "/assets/..%2f..%2fsecret.txt", "/%2e%2e/secret.txt",
                                  "/assets/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt"])
async def test_a_path_outside_the_portal_is_refused(tmp_path: Path, path: str) -> None:
    settings = with_portal(tmp_path, built_portal(tmp_path))
    async with running_gateway(settings) as gateway:
        answer = await gateway.client.get(f"{gateway.url}{path}")
        assert "outside the portal" not in answer.text
        assert answer.status_code in (200, 404)  # the SPA's page at most, never the file


async def test_every_page_carries_a_strict_content_security_policy(tmp_path: Path) -> None:
    settings = with_portal(tmp_path, built_portal(tmp_path), tiles="https://tiles.example.gov.cn/{z}/{x}/{y}.png")
    async with running_gateway(settings) as gateway:
        answer = await gateway.client.get(f"{gateway.url}/cases")
        policy = dict(part.strip().split(" ", 1) for part in answer.headers["content-security-policy"].split(";"))
        assert policy["default-src"] == "'self'"
        assert policy["script-src"] == "'self'"  # no inline script, no eval
        assert policy["connect-src"] == "'self'"
        assert policy["img-src"] == "'self' data: blob: https://tiles.example.gov.cn"
        assert policy["frame-ancestors"] == "'none'"
        assert answer.headers["x-content-type-options"] == "nosniff"


async def test_without_tiles_images_come_only_from_the_origin(tmp_path: Path) -> None:
    settings = with_portal(tmp_path, built_portal(tmp_path))
    async with running_gateway(settings) as gateway:
        answer = await gateway.client.get(f"{gateway.url}/")
        assert "img-src 'self' data: blob:;" in answer.headers["content-security-policy"]


async def test_an_unbuilt_portal_says_how_to_build_it(tmp_path: Path) -> None:
    settings = with_portal(tmp_path, tmp_path / "no-dist")
    async with running_gateway(settings) as gateway:
        answer = await gateway.client.get(f"{gateway.url}/")
        assert answer.status_code == 503
        assert "make portal" in answer.text and "门户尚未构建" in answer.text
        assert answer.headers["cache-control"] == "no-store"
        assert (await gateway.client.get(f"{gateway.url}/healthz")).status_code == 200
