"""Bearer JWT authentication over real HTTP: every failure is a 401 that says why."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from gateway.auth import (
    Authenticator,
    AuthError,
    lifetime_problem,
    load_or_create_private_key,
    mint_demo_token,
    mint_token,
    subject_from_claims,
)
from tests.gateway.harness import gateway_settings, running_gateway, token

VIEWER = "{ viewer { id department roles { role scope } } }"


async def test_valid_token_reaches_the_schema(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    async with running_gateway(settings) as gateway:
        bearer = token(settings, "alice", [("community_staff", "110108001001")], department="civil_affairs")
        body = await gateway.data(VIEWER, bearer)
    assert body == {"data": {"viewer": {"id": "alice", "department": "civil_affairs",
                                        "roles": [{"role": "community_staff", "scope": "110108001001"}]}}}


def _signed_by_another_key(settings) -> str:  # type: ignore[no-untyped-def]
    return mint_token(Ed25519PrivateKey.generate(), "mallory", [("district_admin", "110108")],
                      issuer=settings.jwt_issuer, audience=settings.jwt_audience)


@pytest.mark.parametrize(
    ("case", "reason"),
    [
        ("missing", "missing bearer token"),
        ("not bearer", "malformed Authorization header"),
        ("garbage", "malformed token"),
        ("expired", "token expired"),
        ("wrong signature", "token signature does not verify"),
        ("wrong issuer", "token issuer is not"),
        ("wrong audience", "token audience is not"),
        ("no roles", "token lacks claim roles"),
        ("bad scope", "roles[0].scope must be digits only"),
        ("hmac none", "token algorithm not accepted"),
    ],
)
async def test_bad_credentials_get_401_with_the_reason(tmp_path: Path, case: str, reason: str) -> None:
    settings = gateway_settings(tmp_path)
    key = load_or_create_private_key(settings.jwt_key_file)
    issuer, audience = settings.jwt_issuer, settings.jwt_audience
    headers = {
        "missing": {},
        "not bearer": {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        "garbage": {"Authorization": "Bearer not.a.token"},
        "expired": {"Authorization": "Bearer " + mint_token(key, "alice", [("auditor", "110108")], issuer=issuer,
                                                            audience=audience, now=time.time() - 7200, ttl=600)},
        "wrong signature": {"Authorization": "Bearer " + _signed_by_another_key(settings)},
        "wrong issuer": {"Authorization": "Bearer " + mint_token(key, "alice", [("auditor", "110108")],
                                                                 issuer="someone-else", audience=audience)},
        "wrong audience": {"Authorization": "Bearer " + mint_token(key, "alice", [("auditor", "110108")],
                                                                   issuer=issuer, audience="another-app")},
        "no roles": {"Authorization": "Bearer " + mint_token(key, "alice", [], issuer=issuer, audience=audience)},
        "bad scope": {"Authorization": "Bearer " + mint_token(key, "alice", [("auditor", "11A108")], issuer=issuer,
                                                              audience=audience)},
        "hmac none": {"Authorization": "Bearer " + jwt.encode(
            {"sub": "alice", "roles": [{"role": "auditor", "scope": "110108"}], "iss": issuer, "aud": audience,
             "iat": int(time.time()), "exp": int(time.time()) + 600}, "a-shared-secret-of-32-bytes-or-more!", "HS256")},
    }[case]
    async with running_gateway(settings) as gateway:
        response = await gateway.client.post(f"{gateway.url}/graphql", json={"query": VIEWER}, headers=headers)
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert reason in error["message"]
    assert response.headers["www-authenticate"].startswith("Bearer")


async def test_missing_claims_are_named(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    key = load_or_create_private_key(settings.jwt_key_file)
    authenticator = Authenticator(issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                                  public_key=key.public_key())
    now = int(time.time())
    no_exp = jwt.encode({"sub": "a", "roles": [], "iss": settings.jwt_issuer, "aud": settings.jwt_audience,
                         "iat": now}, key, "EdDSA")
    with pytest.raises(AuthError, match="token lacks claim exp"):
        await authenticator.authenticate(f"Bearer {no_exp}")
    system = mint_token(key, "system:registry", [("auditor", "110108")], issuer=settings.jwt_issuer,
                        audience=settings.jwt_audience)
    with pytest.raises(AuthError, match="system identity"):
        await authenticator.authenticate(f"Bearer {system}")


async def test_demo_tokens_use_the_gateways_key(tmp_path: Path) -> None:
    environ = {"GRIDGOV_DATA_DIR": str(tmp_path)}
    demo = mint_demo_token("demo-community", [("community_staff", "110108001001")], environ=environ)
    settings = gateway_settings(tmp_path)
    key = load_or_create_private_key(settings.jwt_key_file)
    authenticator = Authenticator(issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                                  public_key=key.public_key())
    subject = await authenticator.authenticate(f"Bearer {demo}")
    assert (subject.id, subject.roles[0].role, subject.roles[0].scope) == (
        "demo-community", "community_staff", "110108001001")


def _b64(raw: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_malformed_tokens_get_a_plain_reason(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path)
    key = load_or_create_private_key(settings.jwt_key_file)
    good = mint_token(key, "alice", [("auditor", "110108")], issuer=settings.jwt_issuer,
                      audience=settings.jwt_audience)
    header, payload, signature = good.split(".")
    now = int(time.time())
    claims = f'{{"sub":"alice","roles":[],"iss":"gridgov","aud":"gridgov","iat":{now},"exp":"soon"}}'.encode()

    def signed(raw: bytes) -> str:  # a signature that verifies, over a payload that is not a JWT's
        return jwt.PyJWS().encode(raw, key, algorithm="EdDSA")

    rs256 = _b64(b'{"alg":"RS256","typ":"JWT"}')
    alg_none = _b64(b'{"alg":"none"}')
    malformed = {
        "bad base64": ("malformed token: its header", f"!!{header[2:]}.{payload}.{signature}"),
        "non-UTF-8 payload": ("malformed token: its payload", signed(b'{"sub": "\xff\xfe"}')),
        "payload not JSON": ("malformed token: its payload", signed(b"sub=alice")),
        "payload a JSON list": ("malformed token: its payload", signed(b"[1, 2]")),
        "header not JSON": ("malformed token: its header", f"{_b64(b'{alg: EdDSA')}.{payload}.{signature}"),
        "bad signature encoding": ("malformed token: its signature", f"{header}.{payload}.{signature[:-5]}*"),
        "truncated": ("malformed token: a token is three parts", good[: len(header) + 10]),
        "wrong alg": ("token algorithm not accepted: use one of EdDSA",
                      f"{rs256}.{payload}.{signature}"),
        "alg none": ("token algorithm not accepted", f"{alg_none}.{payload}."),
        "exp not a number": ("token claim exp must be a number", signed(claims)),
    }
    async with running_gateway(settings) as gateway:
        for case, (reason, bearer) in malformed.items():
            response = await gateway.client.post(f"{gateway.url}/graphql", json={"query": VIEWER},
                                                 headers={"Authorization": f"Bearer {bearer}"})
            assert response.status_code == 401, case
            message = response.json()["errors"][0]["message"]
            assert message.startswith(reason), (case, message)
            for internal in ("codec", "Invalid", "Expecting", "padding", "byte", "<class", "Error", "segments"):
                assert internal not in message, (case, message)
            assert message in response.headers["www-authenticate"], case


@pytest.mark.parametrize("subject", ["system:x", " SYSTEM:x", "System:registry", "\tsystem:jobs ", "ｓｙｓｔｅｍ:x"])
async def test_system_subjects_are_refused_whatever_their_case_width_or_spacing(tmp_path: Path,
                                                                                 subject: str) -> None:
    settings = gateway_settings(tmp_path)
    key = load_or_create_private_key(settings.jwt_key_file)
    authenticator = Authenticator(issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                                  public_key=key.public_key())
    with pytest.raises(AuthError, match="system identity"):
        await authenticator.authenticate(f"Bearer {token(settings, subject)}")


def test_subjects_and_departments_longer_than_their_columns_are_refused() -> None:
    roles = [{"role": "handling_unit", "scope": "110108"}]
    assert subject_from_claims({"sub": "a" * 128, "roles": roles, "department": "u" * 64}).id == "a" * 128
    with pytest.raises(AuthError, match="sub is longer than 128 characters"):
        subject_from_claims({"sub": "a" * 129, "roles": roles})
    with pytest.raises(AuthError, match="department is longer than 64 characters"):
        subject_from_claims({"sub": "alice", "roles": roles, "department": "u" * 65})


async def test_tokens_living_too_long_or_too_large_are_refused(tmp_path: Path) -> None:
    settings = gateway_settings(tmp_path, max_token_lifetime=3600, max_token_bytes=1024)
    key = load_or_create_private_key(settings.jwt_key_file)
    now = int(time.time())
    claims = {"sub": "alice", "roles": [{"role": "auditor", "scope": "110108"}], "iss": settings.jwt_issuer,
              "aud": settings.jwt_audience}
    without_iat = jwt.encode({**claims, "exp": now + 7200}, key, "EdDSA")
    oversized = token(settings, department="x" * 2000)
    async with running_gateway(settings) as gateway:
        assert (await gateway.graphql(VIEWER, token(settings, ttl=3600))).status_code == 200
        long_lived = await gateway.graphql(VIEWER, token(settings, ttl=3601))
        assert long_lived.status_code == 401
        assert long_lived.json()["errors"][0]["message"] == (
            "token lifetime exceeds the maximum of 3600 s: ask the identity provider for a shorter one")
        # issued long ago, expiring soon: exp - iat still counts
        backdated = token(settings, ttl=100 * 3600, now=now - 99 * 3600)
        assert (await gateway.graphql(VIEWER, backdated)).status_code == 401
        large = await gateway.graphql(VIEWER, oversized)
        assert large.status_code == 401 and large.json()["errors"][0]["message"] == "token is larger than 1024 bytes"
    authenticator = Authenticator(issuer=settings.jwt_issuer, audience=settings.jwt_audience,
                                  public_key=key.public_key(), max_lifetime=3600)
    with pytest.raises(AuthError, match="token lacks claim iat"):  # iat is required; without it exp - now counts
        await authenticator.authenticate(f"Bearer {without_iat}")


def test_lifetime_counts_from_now_when_a_token_has_no_iat() -> None:
    now = 1_800_000_000.0
    assert lifetime_problem({"exp": now + 3600}, 3600, now) is None
    assert lifetime_problem({"exp": now + 3601}, 3600, now) is not None
    assert lifetime_problem({"exp": now + 60, "iat": now - 7200}, 3600, now) is not None
    assert lifetime_problem({"exp": "soon", "iat": now}, 3600, now) == "token claims exp and iat must be numbers"
