"""The portal's runtime settings: where its built files are, the map's tiles, and /portal/config.json."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from services.kit.config import ConfigError, Env

# The built SPA beside the gateway package in a checkout (make portal writes it).
DEFAULT_PORTAL_DIR = Path(__file__).resolve().parent.parent / "portal" / "dist"
# The demo district (海淀区) when no centre is configured.
DEFAULT_CENTER = (39.9066, 116.2977)


@dataclass(frozen=True)
class MapSettings:
    """The map's tiles and first view. An empty tile URL draws the map on a plain background (no internet)."""

    tile_url: str = ""
    attribution: str = ""
    max_zoom: int = 18
    center: tuple[float, float] = DEFAULT_CENTER
    zoom: int = 13

    @property
    def tile_origin(self) -> str:
        """scheme://host[:port] of the tile server, for the Content-Security-Policy; empty without tiles."""
        if not self.tile_url:
            return ""
        parts = urlsplit(self.tile_url.replace("{s}", "a"))
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class OidcSettings:
    """The portal's OpenID Connect client: the authorization code flow with PKCE against ``authority``.

    The authority is the issuer the gateway checks tokens against (GRIDGOV_JWT_ISSUER) and its keys are the
    JWKS the gateway verifies with (GRIDGOV_JWKS_URL): one configuration for both ends.
    """

    authority: str
    client_id: str
    scope: str = "openid"

    @property
    def origin(self) -> str:
        """scheme://host[:port] of the identity provider, which the portal's scripts call (discovery, token)."""
        parts = urlsplit(self.authority)
        return f"{parts.scheme}://{parts.netloc}"


@dataclass(frozen=True)
class PortalSettings:
    directory: Path = DEFAULT_PORTAL_DIR
    map: MapSettings = field(default_factory=MapSettings)
    oidc: OidcSettings | None = None

    @classmethod
    def from_env(cls, env: Env) -> PortalSettings:
        """GRIDGOV_PORTAL_DIR, GRIDGOV_MAP_* and GRIDGOV_OIDC_*; raises ConfigError naming a bad value."""
        directory = Path(env.text("GRIDGOV_PORTAL_DIR", str(DEFAULT_PORTAL_DIR))).resolve()
        return cls(directory=directory, map=map_settings(env), oidc=oidc_settings(env))


def oidc_settings(env: Env) -> OidcSettings | None:
    """GRIDGOV_OIDC_CLIENT_ID turns the portal's OpenID Connect sign-in on (GRIDGOV_OIDC_SCOPE: what it asks)."""
    client_id = env.environ.get("GRIDGOV_OIDC_CLIENT_ID", "").strip()
    if not client_id:
        return None
    if not env.environ.get("GRIDGOV_JWKS_URL", "").strip():
        raise ConfigError("GRIDGOV_OIDC_CLIENT_ID needs GRIDGOV_JWKS_URL: the identity provider's tokens are "
                          "verified with its keys")
    authority = env.environ.get("GRIDGOV_JWT_ISSUER", "").strip()
    parts = urlsplit(authority)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError("GRIDGOV_OIDC_CLIENT_ID needs GRIDGOV_JWT_ISSUER to be the identity provider's issuer "
                          f"URL (its discovery document is read from there), got {authority!r}")
    scope = env.environ.get("GRIDGOV_OIDC_SCOPE", "").strip() or OidcSettings.scope
    if "openid" not in scope.split():
        raise ConfigError(f"GRIDGOV_OIDC_SCOPE must include openid, got {scope!r}")
    return OidcSettings(authority=authority.rstrip("/"), client_id=client_id, scope=scope)


def map_settings(env: Env) -> MapSettings:
    tile_url = env.environ.get("GRIDGOV_MAP_TILE_URL", "").strip()
    if tile_url:
        parts = urlsplit(tile_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"GRIDGOV_MAP_TILE_URL must be an http(s) URL, got {tile_url!r}")
        missing = [p for p in ("{z}", "{x}", "{y}") if p not in tile_url]
        if missing:
            raise ConfigError(f"GRIDGOV_MAP_TILE_URL must hold {{z}}, {{x}} and {{y}}, got {tile_url!r}")
    max_zoom = env.integer("GRIDGOV_MAP_MAX_ZOOM", MapSettings.max_zoom, minimum=1)
    zoom = env.integer("GRIDGOV_MAP_ZOOM", MapSettings.zoom, minimum=0)
    if zoom > max_zoom:
        raise ConfigError(f"GRIDGOV_MAP_ZOOM ({zoom}) must not be above GRIDGOV_MAP_MAX_ZOOM ({max_zoom})")
    return MapSettings(tile_url=tile_url, attribution=env.environ.get("GRIDGOV_MAP_ATTRIBUTION", "").strip(),
                       max_zoom=max_zoom, center=_center(env), zoom=zoom)


def _center(env: Env) -> tuple[float, float]:
    raw = env.environ.get("GRIDGOV_MAP_CENTER", "").strip()
    if not raw:
        return DEFAULT_CENTER
    try:
        latitude, longitude = (float(part) for part in raw.split(","))
    except ValueError:
        raise ConfigError(f"GRIDGOV_MAP_CENTER must be latitude,longitude, got {raw!r}") from None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ConfigError(f"GRIDGOV_MAP_CENTER must be latitude,longitude in degrees, got {raw!r}")
    return latitude, longitude


def config_endpoint(settings: PortalSettings, dev_sign_in: bool) -> Callable[[Request], Awaitable[Response]]:
    """GET /portal/config.json: what the portal reads before it draws anything."""
    body = {
        "map": {
            "tileUrl": settings.map.tile_url,
            "attribution": settings.map.attribution,
            "maxZoom": settings.map.max_zoom,
            "center": {"latitude": settings.map.center[0], "longitude": settings.map.center[1]},
            "zoom": settings.map.zoom,
        },
        "devSignIn": dev_sign_in,
        "oidc": None if settings.oidc is None else {
            "authority": settings.oidc.authority, "clientId": settings.oidc.client_id, "scope": settings.oidc.scope,
        },
    }

    async def endpoint(request: Request) -> Response:
        return JSONResponse(body, headers={"Cache-Control": "no-cache"})

    return endpoint
