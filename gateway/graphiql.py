"""GraphiQL in dev mode, served whole from the gateway's own origin: nothing it loads needs the internet.

The files come from npm packages at pinned versions (``gateway/graphiql-assets/package-lock.json``), installed
into ``gateway/graphiql-assets/node_modules`` by ``make graphiql`` (part of ``make run`` and ``make test``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

ASSETS_DIR = Path(__file__).with_name("graphiql-assets") / "node_modules"
PREFIX = "/graphiql/"


@dataclass(frozen=True)
class Asset:
    name: str  # as served under PREFIX
    path: str  # inside node_modules
    media_type: str


ASSETS = {asset.name: asset for asset in (
    Asset("react.production.min.js", "react/umd/react.production.min.js", "text/javascript"),
    Asset("react-dom.production.min.js", "react-dom/umd/react-dom.production.min.js", "text/javascript"),
    Asset("graphiql.min.js", "graphiql/graphiql.min.js", "text/javascript"),
    Asset("graphiql.min.css", "graphiql/graphiql.min.css", "text/css"),
)}

# Same-origin paths only. The endpoint is the page's own URL, so GraphiQL posts where it was loaded from.
PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>gridgov GraphiQL (dev)</title>
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
  <link rel="stylesheet" href="{prefix}graphiql.min.css">
  <script src="{prefix}react.production.min.js"></script>
  <script src="{prefix}react-dom.production.min.js"></script>
  <script src="{prefix}graphiql.min.js"></script>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script>
    const fetcher = GraphiQL.createFetcher({{ url: window.location.href.split("?")[0] }});
    ReactDOM.createRoot(document.getElementById("graphiql")).render(React.createElement(GraphiQL, {{
      fetcher,
      defaultEditorToolsVisibility: true,
      isHeadersEditorEnabled: true,
      defaultQuery: "# Send a token from `make run` (or `gridgov token`) in the Headers tab below:\\n" +
        '#   {{"Authorization": "Bearer <token>"}}\\n{{ viewer {{ id roles {{ role scope }} }} }}\\n',
    }}));
  </script>
</body>
</html>
"""
MISSING = ("GraphiQL's files are not installed in {where}: run `make graphiql` (npm ci from the committed "
           "package-lock.json), then reload.")


def installed() -> bool:
    return all((ASSETS_DIR / asset.path).is_file() for asset in ASSETS.values())


def page() -> Response:
    """The GraphiQL page, or a 503 saying how to install its files."""
    if not installed():
        return PlainTextResponse(MISSING.format(where=ASSETS_DIR), status_code=503)
    return HTMLResponse(PAGE.format(prefix=PREFIX))


async def asset(request: Request) -> Response:
    found = ASSETS.get(request.path_params["name"])
    if found is None:
        return PlainTextResponse("no such GraphiQL file", status_code=404)
    path = ASSETS_DIR / found.path
    if not path.is_file():
        return PlainTextResponse(MISSING.format(where=ASSETS_DIR), status_code=503)
    return FileResponse(path, media_type=found.media_type, headers={"Cache-Control": "public, max-age=86400"})


def routes() -> list[Route]:
    """The asset routes; the page itself is GET /graphql."""
    return [Route(PREFIX + "{name}", asset, methods=["GET"])]
