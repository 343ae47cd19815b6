"""The built portal (a single-page application) served from the gateway's origin, under one strict CSP.

Hashed files under /assets are cached for a year; index.html is revalidated on every load, so a new build is
picked up at once. A path that is no file and no API falls back to index.html (the SPA routes it). Everything
is gzipped on the way out.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path, PurePosixPath

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.types import ASGIApp

from gateway.portal_config import PortalSettings

# Paths the gateway answers itself: an unknown one is a 404, never the SPA's page.
API_PREFIXES = ("graphql", "graphiql", "healthz", "readyz", "dev", "portal", "metrics", "open311", "media")
IMMUTABLE = "public, max-age=31536000, immutable"
NOT_BUILT = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>gridgov 门户未构建 · portal not built</title></head>
<body>
<h1>门户尚未构建 · The portal is not built</h1>
<p>在 {where} 中找不到 index.html。运行 <code>make portal</code>（或 <code>make run</code>），然后刷新本页。</p>
<p>No index.html in {where}. Run <code>make portal</code> (or <code>make run</code>), then reload this page.</p>
</body>
</html>
"""


def content_security_policy(img_hosts: str = "", identity_provider: str = "") -> str:
    """Scripts, styles and data from this origin only; images also from data:/blob: and the tile server; the
    identity provider's discovery and token endpoints called by the sign-in."""
    images = " ".join(part for part in ("'self' data: blob:", img_hosts) if part)
    connect = " ".join(part for part in ("'self'", identity_provider) if part)
    return "; ".join((
        "default-src 'self'", "script-src 'self'", "style-src 'self'", f"img-src {images}",
        f"connect-src {connect}", "font-src 'self'", "object-src 'none'", "base-uri 'none'",
        "frame-ancestors 'none'", "form-action 'self'",
    ))


class PortalFiles:
    """GET and HEAD for the SPA's files under ``directory``; refuses any path that leaves it."""

    def __init__(self, settings: PortalSettings) -> None:
        self.directory = settings.directory
        self.headers = {
            "Content-Security-Policy": content_security_policy(
                settings.map.tile_origin, settings.oidc.origin if settings.oidc else ""),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "X-Frame-Options": "DENY",
        }

    def _file(self, relative: str) -> Path | None:
        """The file at ``relative`` inside the directory, or None (missing, a folder, or outside it)."""
        parts = PurePosixPath(relative).parts
        if any(part in ("..", ".") or "\\" in part or "\x00" in part for part in parts):
            return None
        candidate = (self.directory / relative).resolve()
        if not candidate.is_relative_to(self.directory.resolve()) or not candidate.is_file():
            return None
        return candidate

    def _index(self) -> Response:
        index = self._file("index.html")
        if index is None:
            return HTMLResponse(NOT_BUILT.format(where=self.directory), status_code=503,
                                headers={**self.headers, "Cache-Control": "no-store", "Retry-After": "30"})
        return FileResponse(index, media_type="text/html; charset=utf-8",
                            headers={**self.headers, "Cache-Control": "no-cache"})

    async def handle(self, request: Request) -> Response:
        path = request.path_params.get("path", "")
        first = path.split("/", 1)[0]
        if first in API_PREFIXES:
            return PlainTextResponse("not found", status_code=404, headers=self.headers)
        if path in ("", "index.html"):
            return self._index()
        found = self._file(path)
        if found is not None:
            cache = IMMUTABLE if first == "assets" else "public, max-age=3600"
            media_type = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
            return FileResponse(found, media_type=media_type, headers={**self.headers, "Cache-Control": cache})
        if first == "assets" or "." in path.rsplit("/", 1)[-1]:
            # A missing hashed file or asset: a 404, so a stale page fails loudly rather than parsing HTML as JS.
            return PlainTextResponse("not found", status_code=404, headers=self.headers)
        return self._index()


def portal_routes(settings: PortalSettings) -> list[Mount]:
    """One catch-all mount, placed after every other route: the SPA's files, gzipped."""
    files = PortalFiles(settings)
    inner: ASGIApp = Router(routes=[Route("/{path:path}", files.handle, methods=["GET", "HEAD"])])
    return [Mount("", app=GZipMiddleware(inner, minimum_size=500, compresslevel=6))]

