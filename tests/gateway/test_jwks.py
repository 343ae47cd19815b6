"""Production authentication: tokens verified against the identity provider's JWKS URL."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import jwt
import pytest
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from gateway.auth import Authenticator, AuthError
from tests.gateway.harness import gateway_settings, running_gateway
from tests.support.services import free_port

ISSUER, AUDIENCE = "https://idp.example.gov.cn", "gridgov"


@asynccontextmanager
async def identity_provider(jwks: dict[str, object]) -> AsyncIterator[str]:
    async def keys(request: object) -> JSONResponse:
        return JSONResponse(jwks)

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route("/jwks", keys)]), host="127.0.0.1", port=port,
                                           loop="none", lifespan="off", log_level="warning"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers no start event)
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/jwks"
    finally:
        server.should_exit = True
        await task


def signed(key: rsa.RSAPrivateKey, kid: str, **overrides: object) -> str:
    now = int(time.time())
    claims = {"sub": "erin", "roles": [{"role": "street_staff", "scope": "110108002"}], "department": "",
              "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 300, **overrides}
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


async def test_tokens_verify_against_the_jwks_and_fail_with_reasons() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    async with identity_provider({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}) as url:
        authenticator = Authenticator(issuer=ISSUER, audience=AUDIENCE, jwks_url=url)
        subject = await authenticator.authenticate(f"Bearer {signed(key, 'k1')}")
        assert (subject.id, subject.roles[0].scope) == ("erin", "110108002")
        with pytest.raises(AuthError, match="no signing key"):
            await authenticator.authenticate(f"Bearer {signed(key, 'rotated-away')}")
        with pytest.raises(AuthError, match="token expired"):
            await authenticator.authenticate(f"Bearer {signed(key, 'k1', exp=int(time.time()) - 600)}")
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        with pytest.raises(AuthError, match="signature does not verify"):
            await authenticator.authenticate(f"Bearer {signed(other, 'k1')}")


async def test_the_tokens_kid_is_never_echoed_into_www_authenticate(tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    async with identity_provider({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}) as url:
        settings = gateway_settings(tmp_path, jwks_url=url, jwt_issuer=ISSUER, jwt_audience=AUDIENCE)
        async with running_gateway(settings) as gateway:
            for kid in ['x", error="injected', "x\r\nSet-Cookie: session=stolen", "ключ"]:
                response = await gateway.graphql("{ viewer { id } }", signed(key, kid))
                assert response.status_code == 401, response.text
                challenge = response.headers["www-authenticate"]
                assert challenge == ('Bearer error="invalid_token", '
                                     'error_description="no signing key for this token at the identity provider"')
                assert "set-cookie" not in response.headers
                assert kid not in response.text
