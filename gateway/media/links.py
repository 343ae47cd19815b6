"""Links to media that the browser can open for a few minutes: the path, an expiry and an HMAC over both.

A link is handed out only after the policy allowed the read (the decision is in the log); the download checks
the signature and the expiry and nothing else, so an image tag can load it without a bearer token.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from enum import StrEnum

LINK_SECONDS = 300


class Variant(StrEnum):
    ORIGINAL = "original"  # the bytes as uploaded, EXIF and all
    SHOWN = "shown"  # a photo re-encoded without metadata
    THUMBNAIL = "thumbnail"


class MediaLinks:
    def __init__(self, secret: bytes, seconds: int = LINK_SECONDS) -> None:
        self._key = hmac.new(secret, b"gridgov media links", hashlib.sha256).digest()
        self.seconds = seconds

    def _signature(self, media_id: str, variant: str, expires: int) -> str:
        return hmac.new(self._key, f"{media_id}/{variant}/{expires}".encode(), hashlib.sha256).hexdigest()

    def path(self, media_id: str, variant: Variant, now: float | None = None) -> str:
        expires = int(time.time() if now is None else now) + self.seconds
        signature = self._signature(media_id, variant.value, expires)
        return f"/media/{media_id}/{variant.value}?expires={expires}&signature={signature}"

    def problem(self, media_id: str, variant: str, expires: str, signature: str,
                now: float | None = None) -> str | None:
        """Why a link is not honoured (None: it is)."""
        try:
            until = int(expires)
        except ValueError:
            return "the link has no expiry"
        if not hmac.compare_digest(self._signature(media_id, variant, until), signature):
            return "the link's signature does not match"
        if until < (time.time() if now is None else now):
            return "the link has expired; open the record again for a fresh one"
        return None
