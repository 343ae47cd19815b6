"""The dev sign-in lists the demo users and hands out tokens the gateway accepts; production has none of it."""

from __future__ import annotations

from pathlib import Path

from services.kit import demo
from services.kit.config import Mode
from tests.gateway.harness import gateway_settings, running_gateway


async def test_lists_every_demo_user_with_a_chinese_name(tmp_path: Path) -> None:
    async with running_gateway(gateway_settings(tmp_path)) as gateway:
        answer = await gateway.client.get(f"{gateway.url}/dev/sign-in/users")
    assert answer.status_code == 200
    users = answer.json()["users"]
    assert [u["subject"] for u in users] == [u.subject for u in demo.USERS]
    community = next(u for u in users if u["role"] == "community_staff")
    assert community == {"subject": "demo-community-staff", "label": "community", "role": "community_staff",
                         "scope": demo.COMMUNITY_CODE, "scopeName": "翠微路社区", "department": "",
                         "displayName": "社区工作站 工作人员"}
    assert all(u["displayName"] and u["scopeName"] for u in users)


async def test_a_minted_token_is_accepted_by_the_gateway(tmp_path: Path) -> None:
    async with running_gateway(gateway_settings(tmp_path)) as gateway:
        answer = await gateway.client.post(f"{gateway.url}/dev/sign-in", json={"subject": "demo-handling-unit"})
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
        viewer = await gateway.ok("{ viewer { id department roles { role scope } } }", answer.json()["token"])
    assert viewer["viewer"] == {"id": "demo-handling-unit", "department": "community_workstation",
                                "roles": [{"role": "handling_unit", "scope": demo.COMMUNITY_CODE}]}


async def test_an_unknown_or_missing_subject_is_refused(tmp_path: Path) -> None:
    async with running_gateway(gateway_settings(tmp_path)) as gateway:
        unknown = await gateway.client.post(f"{gateway.url}/dev/sign-in", json={"subject": "mallory"})
        missing = await gateway.client.post(f"{gateway.url}/dev/sign-in", json={})
        garbled = await gateway.client.post(f"{gateway.url}/dev/sign-in", content=b"{not json")
    assert unknown.status_code == 404 and "mallory" in unknown.json()["errors"][0]["message"]
    assert missing.status_code == 400 and garbled.status_code == 400


async def test_production_serves_no_sign_in(tmp_path: Path) -> None:
    async with running_gateway(gateway_settings(tmp_path, mode=Mode.PRODUCTION)) as gateway:
        listing = await gateway.client.get(f"{gateway.url}/dev/sign-in/users")
        minting = await gateway.client.post(f"{gateway.url}/dev/sign-in", json={"subject": "demo-auditor"})
    assert listing.status_code == 404 and minting.status_code in (404, 405)


async def test_a_gateway_trusting_an_identity_provider_serves_no_sign_in(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, jwks_url="http://127.0.0.1:9/jwks.json")
    async with running_gateway(settings) as gateway:
        listing = await gateway.client.get(f"{gateway.url}/dev/sign-in/users")
    assert listing.status_code == 404
