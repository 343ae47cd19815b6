"""An OpenID Connect provider for tests, over real HTTP: discovery, an authorize page listing the demo users,
the token endpoint (authorization code with PKCE S256, refresh token), JWKS and end-session.

It signs RS256 tokens with a key made at start. The access token carries the claims the gateway reads (sub,
roles, department) for the gateway's audience; the ID token is for the client. What it was asked is recorded
(``grants``, ``logouts``) so a test can see the renewal and the sign-out happen.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from services.kit import demo
from tests.support.services import free_port

KID = "test-provider-key"


async def form_of(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (what the browser's forms and the token request send)."""
    return dict(parse_qsl((await request.body()).decode()))


@dataclass
class Code:
    client_id: str
    redirect_uri: str
    challenge: str
    user: demo.DemoUser
    nonce: str | None


@dataclass
class Provider:
    issuer: str
    client_id: str
    audience: str
    access_seconds: int
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(public_exponent=65537,
                                                                                  key_size=2048))
    codes: dict[str, Code] = field(default_factory=dict)
    refresh_tokens: dict[str, demo.DemoUser] = field(default_factory=dict)
    # Every grant answered ("authorization_code", "refresh_token") with the access token it issued, in order.
    grants: list[tuple[str, str]] = field(default_factory=list)
    logouts: list[str] = field(default_factory=list)

    @property
    def jwks_url(self) -> str:
        return f"{self.issuer}/jwks"

    def _sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": KID})

    def tokens(self, user: demo.DemoUser, nonce: str | None, grant: str) -> dict[str, Any]:
        now = int(time.time())
        access = self._sign({"iss": self.issuer, "aud": self.audience, "sub": user.subject, "iat": now,
                             "exp": now + self.access_seconds, "department": user.department,
                             "roles": [{"role": user.role, "scope": user.scope}]})
        identity = {"iss": self.issuer, "aud": self.client_id, "sub": user.subject, "iat": now,
                    "exp": now + self.access_seconds, "name": user.label}
        if nonce:
            identity["nonce"] = nonce
        refresh = secrets.token_urlsafe(24)
        self.refresh_tokens[refresh] = user
        self.grants.append((grant, access))
        return {"access_token": access, "token_type": "Bearer", "expires_in": self.access_seconds,
                "id_token": self._sign(identity), "refresh_token": refresh, "scope": "openid"}

    def app(self) -> Starlette:
        return Starlette(routes=[
            Route("/.well-known/openid-configuration", self.discovery),
            Route("/authorize", self.authorize, methods=["GET", "POST"]),
            Route("/token", self.token, methods=["POST"]),
            Route("/jwks", self.jwks),
            Route("/logout", self.logout),
        ], middleware=[Middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "POST"],
                                  allow_headers=["*"])])

    async def discovery(self, request: Request) -> Response:
        return JSONResponse({
            "issuer": self.issuer, "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token", "jwks_uri": self.jwks_url,
            "end_session_endpoint": f"{self.issuer}/logout", "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code", "refresh_token"],
            "code_challenge_methods_supported": ["S256"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"], "scopes_supported": ["openid"],
            "token_endpoint_auth_methods_supported": ["none"],
        })

    async def jwks(self, request: Request) -> Response:
        key = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return JSONResponse({"keys": [{**key, "kid": KID, "use": "sig", "alg": "RS256"}]})

    async def authorize(self, request: Request) -> Response:
        """GET: the users to sign in as (a form per user); POST: the chosen one, back to the client with a code."""
        values = dict(request.query_params) if request.method == "GET" else await form_of(request)
        if values.get("client_id") != self.client_id or values.get("response_type") != "code":
            return HTMLResponse("unknown client or response type", status_code=400)
        if values.get("code_challenge_method") != "S256" or not values.get("code_challenge"):
            return HTMLResponse("PKCE with S256 is required", status_code=400)
        if request.method == "GET":
            hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
                             for k, v in values.items())
            forms = "".join(f'<form method="post">{hidden}<input type="hidden" name="subject" value="{u.subject}">'
                            f'<button type="submit" data-subject="{u.subject}">{u.label}</button></form>'
                            for u in demo.USERS)
            return HTMLResponse("<!doctype html><html lang='en'><title>Test identity provider</title>"
                                f"<link rel='icon' href='data:,'><main><h1>Sign in</h1>{forms}</main></html>")
        user = next((u for u in demo.USERS if u.subject == values.get("subject")), None)
        if user is None:
            return HTMLResponse("no such user", status_code=400)
        code = secrets.token_urlsafe(24)
        self.codes[code] = Code(self.client_id, values["redirect_uri"], values["code_challenge"], user,
                                values.get("nonce"))
        answer = {"code": code, **({"state": values["state"]} if values.get("state") else {})}
        return RedirectResponse(f"{values['redirect_uri']}?{urlencode(answer)}", status_code=302)

    async def token(self, request: Request) -> Response:
        form = await form_of(request)
        grant = form.get("grant_type")
        if grant == "authorization_code":
            code = self.codes.pop(str(form.get("code", "")), None)
            if code is None or form.get("client_id") != code.client_id or form.get("redirect_uri") != code.redirect_uri:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            verifier = str(form.get("code_verifier", ""))
            challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if challenge != code.challenge:
                return JSONResponse({"error": "invalid_grant", "error_description": "PKCE verifier"}, status_code=400)
            return JSONResponse(self.tokens(code.user, code.nonce, grant))
        if grant == "refresh_token":
            user = self.refresh_tokens.pop(str(form.get("refresh_token", "")), None)
            if user is None or form.get("client_id") != self.client_id:
                return JSONResponse({"error": "invalid_grant"}, status_code=400)
            return JSONResponse(self.tokens(user, None, grant))
        return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)

    async def logout(self, request: Request) -> Response:
        target = request.query_params.get("post_logout_redirect_uri", "")
        self.logouts.append(target)
        return RedirectResponse(target, status_code=302) if target else HTMLResponse("signed out")


@contextmanager
def running_provider(client_id: str = "gridgov-portal", audience: str = "gridgov",
                     access_seconds: int = 300) -> Iterator[Provider]:
    """The provider on a free port of 127.0.0.1, for as long as the block runs."""
    port = free_port()
    provider = Provider(f"http://127.0.0.1:{port}", client_id, audience, access_seconds)
    server = uvicorn.Server(uvicorn.Config(provider.app(), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test identity provider did not start")
        time.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        thread.join(timeout=10)
