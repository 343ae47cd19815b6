"""Bearer JWT authentication: a local signing key in the embedded default, a JWKS URL in production."""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gateway.context import RoleGrant, Subject
from services.kit import jurisdiction
from services.kit.config import ConfigError, Env, Mode, data_dir

log = logging.getLogger(__name__)

LOCAL_ALGORITHM = "EdDSA"
# What an identity provider's JWKS may sign with; "none" and HMAC are never accepted.
JWKS_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384", "EdDSA")
DEFAULT_ISSUER = "gridgov"
DEFAULT_AUDIENCE = "gridgov"
DEFAULT_TTL = 8 * 3600
KEY_FILE_NAME = "gateway-jwt-key.pem"
# Verified tokens are remembered until they expire, so a portal's repeated token costs a dict lookup.
CACHE_SIZE = 4096
# Subjects of this prefix are the platform's own processes (the launcher, jobs); no token may claim one.
SYSTEM_PREFIX = "system:"
# What the services' columns that record who acted (reporter, actor, inspector, worker, updated_by …) and a
# handling unit (handling_unit, unit) hold: a longer claim would be refused by the database, not by name.
MAX_SUBJECT_LENGTH = 128
MAX_DEPARTMENT_LENGTH = 64
MAX_LIFETIME = 24 * 3600
MAX_TOKEN_BYTES = 8192


class AuthError(Exception):
    """The request carries no usable credentials; ``reason`` says why (sent with the 401)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def key_path(environ: Mapping[str, str] | None = None) -> Path:
    """GRIDGOV_JWT_PRIVATE_KEY_FILE, or gateway-jwt-key.pem in the data directory."""
    env = Env(environ)
    explicit = env.environ.get("GRIDGOV_JWT_PRIVATE_KEY_FILE")
    return Path(explicit) if explicit else data_dir(env) / KEY_FILE_NAME


def load_or_create_private_key(path: Path) -> Ed25519PrivateKey:
    """The Ed25519 key at ``path``; created (mode 0600) on first use, safely if two processes race."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        try:
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first; use theirs
        else:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(pem)
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError) as error:
        raise ConfigError(f"JWT signing key {path} cannot be read: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"JWT signing key {path} must be an Ed25519 private key")
    return key


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def mint_token(private_key: Ed25519PrivateKey, subject: str, roles: Sequence[tuple[str, str]],
               department: str = "", ttl: int = DEFAULT_TTL, *, issuer: str = DEFAULT_ISSUER,
               audience: str = DEFAULT_AUDIENCE, now: float | None = None) -> str:
    """A signed token whose claims carry the subject, its (role, scope) grants and its department."""
    issued = int(time.time() if now is None else now)
    claims = {
        "sub": subject,
        "roles": [{"role": role, "scope": scope} for role, scope in roles],
        "department": department,
        "iss": issuer,
        "aud": audience,
        "iat": issued,
        "exp": issued + ttl,
    }
    return jwt.encode(claims, private_key, algorithm=LOCAL_ALGORITHM,
                      headers={"kid": key_id(private_key.public_key())})


def mint_demo_token(subject: str, roles: Sequence[tuple[str, str]], department: str = "",
                    ttl: int = DEFAULT_TTL, *, environ: Mapping[str, str] | None = None) -> str:
    """A token the embedded-default gateway accepts, for ``gridgov token`` and the demo users.

    ``roles`` are (role, jurisdiction scope) pairs, e.g. [("community_staff", "110108001001")].
    Signs with the gateway's local key (GRIDGOV_JWT_PRIVATE_KEY_FILE, else gateway-jwt-key.pem in
    GRIDGOV_DATA_DIR, created on first use) and the issuer and audience the gateway checks
    (GRIDGOV_JWT_ISSUER, GRIDGOV_JWT_AUDIENCE). Raises ConfigError in production mode, where tokens
    come from the identity provider, and AuthError, with the reason the gateway would give, for claims the
    gateway refuses (an empty subject, a role without a name, a scope that is no jurisdiction code).
    """
    env = Env(environ)
    if env.mode() is Mode.PRODUCTION:
        raise ConfigError("demo tokens are for the embedded default; production tokens come from the identity provider")
    # The gateway's own check of the claims: a token it would refuse is refused here, with its words.
    subject_from_claims({"sub": subject, "roles": [{"role": role, "scope": scope} for role, scope in roles],
                         "department": department})
    key = load_or_create_private_key(key_path(env.environ))
    return mint_token(key, subject, roles, department, ttl,
                      issuer=env.text("GRIDGOV_JWT_ISSUER", DEFAULT_ISSUER),
                      audience=env.text("GRIDGOV_JWT_AUDIENCE", DEFAULT_AUDIENCE))


def subject_from_claims(claims: Mapping[str, Any]) -> Subject:
    """The Subject the claims describe; raises AuthError naming a missing or bad claim."""
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject:
        raise AuthError("token lacks claim sub")
    if len(subject) > MAX_SUBJECT_LENGTH:
        raise AuthError(f"token claim sub is longer than {MAX_SUBJECT_LENGTH} characters")
    if is_system_subject(subject):
        raise AuthError("token subject must not claim a system identity")
    roles = claims.get("roles")
    if not isinstance(roles, list) or not roles:
        raise AuthError("token lacks claim roles (a list of {role, scope})")
    grants = []
    for index, item in enumerate(roles):
        if not isinstance(item, Mapping) or not isinstance(item.get("role"), str) or not item["role"]:
            raise AuthError(f"token claim roles[{index}] needs a role name")
        scope = item.get("scope")
        if not isinstance(scope, str):
            raise AuthError(f"token claim roles[{index}] needs a jurisdiction scope")
        problem = jurisdiction.problem(scope)
        if problem is not None:
            raise AuthError(f"token claim roles[{index}].scope {problem}")
        grants.append(RoleGrant(item["role"], scope))
    department = claims.get("department", "")
    if not isinstance(department, str):
        raise AuthError("token claim department must be a string")
    if len(department) > MAX_DEPARTMENT_LENGTH:
        raise AuthError(f"token claim department is longer than {MAX_DEPARTMENT_LENGTH} characters")
    return Subject(subject, tuple(grants), department)


def is_system_subject(subject: str) -> bool:
    """Whether ``subject`` reads as a system identity once case, width and surrounding space are ignored."""
    return unicodedata.normalize("NFKC", subject).strip().casefold().startswith(SYSTEM_PREFIX)


def lifetime_problem(claims: Mapping[str, Any], max_lifetime: float, now: float) -> str | None:
    """Why the token lives longer than ``max_lifetime`` seconds (exp - iat, or exp - now without iat), or None."""
    expires = claims.get("exp")
    issued = claims.get("iat", now)
    if not isinstance(expires, int | float) or not isinstance(issued, int | float):
        return "token claims exp and iat must be numbers"
    if expires - issued > max_lifetime:
        return (f"token lifetime exceeds the maximum of {int(max_lifetime)} s: "
                "ask the identity provider for a shorter one")
    return None


class Authenticator:
    """Verifies bearer tokens against a local public key or a JWKS URL; remembers verified ones.

    A token larger than ``max_bytes`` is refused before it is decoded, one whose lifetime exceeds
    ``max_lifetime`` seconds after its signature verifies.
    """

    def __init__(self, *, issuer: str, audience: str, public_key: Ed25519PublicKey | None = None,
                 jwks_url: str | None = None, leeway: float = 30.0, max_lifetime: float = MAX_LIFETIME,
                 max_bytes: int = MAX_TOKEN_BYTES) -> None:
        if (public_key is None) == (jwks_url is None):
            raise ValueError("give exactly one of public_key or jwks_url")
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway
        self.max_lifetime = max_lifetime
        self.max_bytes = max_bytes
        self._public_key = public_key
        self._jwks = jwt.PyJWKClient(jwks_url, cache_keys=True, lifespan=300, timeout=5) if jwks_url else None
        self._cache: OrderedDict[str, tuple[Subject, float]] = OrderedDict()

    async def authenticate(self, authorization: str | None) -> Subject:
        """The subject of an Authorization header; raises AuthError with the reason."""
        if authorization is not None and len(authorization) > self.max_bytes + len("Bearer "):
            raise AuthError(f"token is larger than {self.max_bytes} bytes")
        token = bearer_token(authorization)
        if len(token.encode()) > self.max_bytes:
            raise AuthError(f"token is larger than {self.max_bytes} bytes")
        cached = self._cache.get(token)
        if cached is not None:
            subject, expires = cached
            if time.time() < expires + self.leeway:
                return subject
            del self._cache[token]
        if self._jwks is not None:
            key = await asyncio.to_thread(self._jwks_key, token)
            claims = self._decode(token, key, JWKS_ALGORITHMS)
        else:
            claims = self._decode(token, self._public_key, (LOCAL_ALGORITHM,))
        problem = lifetime_problem(claims, self.max_lifetime, time.time())
        if problem is not None:
            raise AuthError(problem)
        subject = subject_from_claims(claims)
        self._cache[token] = (subject, float(claims["exp"]))
        if len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        return subject

    def _jwks_key(self, token: str) -> Any:
        assert self._jwks is not None
        try:
            return self._jwks.get_signing_key_from_jwt(token).key
        except jwt.PyJWKClientConnectionError as error:
            log.warning("JWKS fetch failed: %s", error)
            raise AuthError("the identity provider's signing keys cannot be fetched; try again later") from error
        except jwt.PyJWKClientError as error:
            # PyJWT's message quotes the token's kid: the client's own text is never echoed back.
            raise AuthError("no signing key for this token at the identity provider") from error
        except jwt.InvalidTokenError as error:
            raise AuthError(malformed_reason(error)) from error

    def _decode(self, token: str, key: Any, algorithms: Sequence[str]) -> dict[str, Any]:
        try:
            return jwt.decode(token, key, algorithms=list(algorithms), audience=self.audience, issuer=self.issuer,
                              leeway=self.leeway, options={"require": ["exp", "iat", "sub", "iss", "aud"]})
        except jwt.ExpiredSignatureError as error:
            raise AuthError("token expired") from error
        except jwt.InvalidSignatureError as error:
            raise AuthError("token signature does not verify") from error
        except jwt.MissingRequiredClaimError as error:
            raise AuthError(f"token lacks claim {error.claim}") from error
        except jwt.InvalidAudienceError as error:
            raise AuthError(f"token audience is not {self.audience!r}") from error
        except jwt.InvalidIssuerError as error:
            raise AuthError(f"token issuer is not {self.issuer!r}") from error
        except jwt.InvalidAlgorithmError as error:
            raise AuthError(f"token algorithm not accepted: use one of {', '.join(algorithms)}") from error
        except jwt.ImmatureSignatureError as error:
            raise AuthError("token is not valid yet") from error
        except (jwt.InvalidTokenError, ValueError, TypeError) as error:
            raise AuthError(malformed_reason(error)) from error


# PyJWT's messages for a token it cannot parse carry Python's own exception text (``Invalid payload string:
# 'utf-8' codec can't decode byte 0xff ...``): a 401 says in plain words what is wrong instead.
_NUMERIC_CLAIM = re.compile(r"\((exp|iat|nbf)\) must be an integer")


def malformed_reason(error: Exception) -> str:
    """A plain 401 reason for a token that cannot be parsed; never the parser's or Python's own text."""
    message = str(error)
    if message.startswith("Not enough segments"):
        return "malformed token: a token is three parts separated by dots (header.payload.signature)"
    if message.startswith("Invalid crypto padding"):
        return "malformed token: its signature is not base64url-encoded"
    if message.startswith(("Invalid header padding", "Invalid header string")):
        return "malformed token: its header is not base64url-encoded JSON"
    if message.startswith(("Invalid payload padding", "Invalid payload string")):
        return "malformed token: its payload is not base64url-encoded JSON"
    claim = _NUMERIC_CLAIM.search(message)
    if claim is not None:
        return f"token claim {claim.group(1)} must be a number of seconds since 1970"
    return "malformed token: it is not a signed JWT this gateway can read"


def bearer_token(authorization: str | None) -> str:
    """The token of an ``Authorization: Bearer <token>`` header; raises AuthError."""
    if not authorization:
        raise AuthError("missing bearer token: send Authorization: Bearer <token>")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthError("malformed Authorization header: expected Bearer <token>")
    return token.strip()


def challenge(reason: str) -> str:
    """The WWW-Authenticate value: the reason reduced to what RFC 6750 allows in error_description.

    Quotes, backslashes, line breaks and anything outside printable ASCII would let text from the
    token (a kid, a claim) add header parameters or split the response.
    """
    description = "".join(c if " " <= c <= "~" and c not in '"\\' else "?" for c in reason)[:200]
    return f'Bearer error="invalid_token", error_description="{description}"'
