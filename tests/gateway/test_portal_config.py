"""/portal/config.json: the map's tiles and first view from GRIDGOV_MAP_*, whether dev sign-in is on, and the
OpenID Connect client (GRIDGOV_OIDC_*) with the issuer the gateway checks."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from gateway.portal_config import DEFAULT_CENTER, PortalSettings
from gateway.settings import GatewaySettings
from services.kit.config import ConfigError, Mode
from tests.gateway.harness import gateway_settings, running_gateway


def settings_from(tmp_path: Path, **environ: str) -> GatewaySettings:
    return GatewaySettings.from_env({"GRIDGOV_DATA_DIR": str(tmp_path), **environ})


async def test_config_gives_the_map_settings_and_dev_sign_in(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, GRIDGOV_MAP_TILE_URL="https://t.example.cn/{z}/{x}/{y}.png",
                             GRIDGOV_MAP_ATTRIBUTION="天地图", GRIDGOV_MAP_MAX_ZOOM="17",
                             GRIDGOV_MAP_CENTER="39.9,116.3", GRIDGOV_MAP_ZOOM="12")
    live = gateway_settings(tmp_path / "gateway", portal=settings.portal)
    async with running_gateway(live) as gateway:
        answer = await gateway.client.get(f"{gateway.url}/portal/config.json")
    assert answer.status_code == 200
    assert answer.json() == {
        "map": {"tileUrl": "https://t.example.cn/{z}/{x}/{y}.png", "attribution": "天地图", "maxZoom": 17,
                "center": {"latitude": 39.9, "longitude": 116.3}, "zoom": 12},
        "devSignIn": True,
        "oidc": None,
    }


async def test_a_blank_tile_url_means_a_plain_background(tmp_path: Path) -> None:
    settings = settings_from(tmp_path)
    assert settings.portal.map.tile_url == "" and settings.portal.map.tile_origin == ""
    assert settings.portal.map.center == DEFAULT_CENTER


async def test_production_reports_dev_sign_in_off(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, mode=Mode.PRODUCTION, portal=PortalSettings())
    async with running_gateway(settings) as gateway:
        answer = await gateway.client.get(f"{gateway.url}/portal/config.json")
    assert answer.json()["devSignIn"] is False


@pytest.mark.parametrize(("name", "value", "named"), [
    ("GRIDGOV_MAP_TILE_URL", "ftp://tiles/{z}/{x}/{y}", "GRIDGOV_MAP_TILE_URL"),
    ("GRIDGOV_MAP_TILE_URL", "https://tiles.example.cn/tile.png", "{z}, {x} and {y}"),
    ("GRIDGOV_MAP_CENTER", "39.9", "GRIDGOV_MAP_CENTER"),
    ("GRIDGOV_MAP_CENTER", "139.9,16", "GRIDGOV_MAP_CENTER"),
    ("GRIDGOV_MAP_MAX_ZOOM", "0", "GRIDGOV_MAP_MAX_ZOOM"),
    ("GRIDGOV_MAP_ZOOM", "30", "GRIDGOV_MAP_ZOOM"),
])
def test_a_bad_map_setting_is_named(tmp_path: Path, name: str, value: str, named: str) -> None:
    with pytest.raises(ConfigError, match=named.replace("{", r"\{").replace("}", r"\}")):
        settings_from(tmp_path, **{name: value})


def test_the_portal_directory_is_configurable(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, GRIDGOV_PORTAL_DIR=str(tmp_path / "built"))
    assert settings.portal.directory == (tmp_path / "built").resolve()
    assert dataclasses.replace(settings.portal).directory == settings.portal.directory


OIDC = {"GRIDGOV_OIDC_CLIENT_ID": "gridgov-portal", "GRIDGOV_JWKS_URL": "https://id.example.cn/jwks",
        "GRIDGOV_JWT_ISSUER": "https://id.example.cn/realms/haidian/"}


async def test_the_oidc_client_comes_from_the_issuer_the_gateway_checks(tmp_path: Path) -> None:
    settings = settings_from(tmp_path, **OIDC, GRIDGOV_OIDC_SCOPE="openid profile")
    assert settings.portal.oidc is not None and settings.portal.oidc.origin == "https://id.example.cn"
    live = gateway_settings(tmp_path / "gateway", portal=settings.portal)
    async with running_gateway(live) as gateway:
        answer = await gateway.client.get(f"{gateway.url}/portal/config.json")
        page = await gateway.client.get(f"{gateway.url}/sign-in")
    assert answer.json()["oidc"] == {"authority": "https://id.example.cn/realms/haidian", "clientId": "gridgov-portal",
                                     "scope": "openid profile"}
    # The sign-in's scripts may call the identity provider (discovery, token), and nothing else outside.
    policy = dict(part.strip().split(" ", 1) for part in page.headers["content-security-policy"].split(";"))
    assert policy["connect-src"] == "'self' https://id.example.cn"
    assert policy["script-src"] == "'self'"


@pytest.mark.parametrize(("overrides", "named"), [
    ({"GRIDGOV_JWKS_URL": ""}, "GRIDGOV_JWKS_URL"),
    ({"GRIDGOV_JWT_ISSUER": "gridgov"}, "GRIDGOV_JWT_ISSUER"),
    ({"GRIDGOV_OIDC_SCOPE": "profile"}, "GRIDGOV_OIDC_SCOPE"),
])
def test_a_bad_oidc_setting_is_named(tmp_path: Path, overrides: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigError, match=named):
        settings_from(tmp_path, **{**OIDC, **overrides})
