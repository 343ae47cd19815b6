"""The dev sign-in: the demo users and a token for one of them. Mounted only outside production (app.py)."""

from __future__ import annotations

from dataclasses import dataclass

import orjson
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from gateway.auth import AuthError, mint_demo_token
from gateway.settings import GatewaySettings
from services.kit import demo
from services.kit.config import Mode

# How a person in the demo district would be called on screen (the labels in USERS are English).
DISPLAY_NAMES = {
    "demo-district-admin": "区指挥中心 管理员",
    "demo-street-staff": "街道指挥中心 工作人员",
    "demo-community-staff": "社区工作站 工作人员",
    "demo-grid-worker": "网格员",
    "demo-handling-unit": "社区工作站 处置人员",
    "demo-resident": "居民",
    "demo-auditor": "审计员",
    "demo-fire-inspector": "消防检查员",
    "demo-fire-department": "消防救援大队",
    "demo-environment-bureau": "生态环境局",
    demo.GRID_LEADER: "网格长",
}
MAX_BODY_BYTES = 4096


def _scope_names() -> dict[str, str]:
    names = {demo.DISTRICT_CODE: demo.DISTRICT_NAME}
    for street in demo.streets():
        names[street.code] = street.name
        for community in street.communities:
            names[community.code] = community.name
            for number, grid in enumerate(community.grids, start=1):
                names[grid] = f"{community.name}第{number}网格"
    return names


@dataclass(frozen=True)
class DevSignIn:
    """Mints demo tokens the gateway it runs in accepts: its key file, issuer and audience."""

    settings: GatewaySettings

    def _environ(self) -> dict[str, str]:
        return {"GRIDGOV_MODE": self.settings.mode.value,
                "GRIDGOV_JWT_PRIVATE_KEY_FILE": str(self.settings.jwt_key_file),
                "GRIDGOV_JWT_ISSUER": self.settings.jwt_issuer, "GRIDGOV_JWT_AUDIENCE": self.settings.jwt_audience}

    async def users(self, request: Request) -> Response:
        scopes = _scope_names()
        return JSONResponse({"users": [
            {"subject": user.subject, "label": user.label, "role": user.role, "scope": user.scope,
             "scopeName": scopes.get(user.scope, ""), "department": user.department,
             "displayName": DISPLAY_NAMES.get(user.subject, user.label)}
            for user in demo.USERS
        ]}, headers={"Cache-Control": "no-store"})

    async def sign_in(self, request: Request) -> Response:
        """POST {subject}: a token for that demo user; 400 for a body that names none, 404 for an unknown one."""
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return _refusal(413, "PAYLOAD_TOO_LARGE", f"the body is larger than {MAX_BODY_BYTES} bytes")
        try:
            body = orjson.loads(raw)
        except orjson.JSONDecodeError:
            return _refusal(400, "BAD_REQUEST", "send a JSON body: {\"subject\": \"demo-…\"}")
        subject = body.get("subject") if isinstance(body, dict) else None
        if not isinstance(subject, str):
            return _refusal(400, "BAD_REQUEST", "the body needs a subject (a demo user's)")
        user = next((u for u in demo.USERS if u.subject == subject), None)
        if user is None:
            return _refusal(404, "NOT_FOUND", f"no demo user {subject[:128]!r}")
        try:
            token = mint_demo_token(user.subject, [(user.role, user.scope)], user.department,
                                    environ=self._environ())
        except AuthError as error:
            return _refusal(400, "BAD_REQUEST", error.reason)
        return JSONResponse({"token": token}, headers={"Cache-Control": "no-store"})

    def routes(self) -> list[Route]:
        return [Route("/dev/sign-in/users", self.users, methods=["GET"]),
                Route("/dev/sign-in", self.sign_in, methods=["POST"])]


def _refusal(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


def enabled(settings: GatewaySettings) -> bool:
    """Dev mode with the gateway's own key: with a JWKS the identity provider's tokens are the only ones."""
    return settings.mode is not Mode.PRODUCTION and not settings.jwks_url
