"""Field checks every service (and the gateway) applies the same way: Chinese phone numbers, WGS-84 coordinates,
idempotency keys."""

from __future__ import annotations

import re

from services.kit.errors import FieldViolation

# A mobile number (11 digits from 13x) or a landline with its area code (010-62345678, 0571-8888888).
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")
PHONE_PROBLEM = "must be an 11-digit mobile number or a landline with its area code"


def phone_problem(phone: str) -> str | None:
    """What is wrong with a phone number, or None; an empty one is wrong too (callers allow it where optional)."""
    return None if _PHONE.match(phone) else PHONE_PROBLEM


def coordinate_problems(latitude: float, longitude: float, field: str = "location") -> list[FieldViolation]:
    """The violations of a map point, naming ``<field>.latitude`` and ``<field>.longitude``; NaN is out of range."""
    found = []
    # Written as `not a <= x <= b` so that NaN, which compares false with everything, is rejected too.
    if not -90 <= latitude <= 90:
        found.append(FieldViolation(f"{field}.latitude", "must be between -90 and 90"))
    if not -180 <= longitude <= 180:
        found.append(FieldViolation(f"{field}.longitude", "must be between -180 and 180"))
    return found


IDEMPOTENCY_KEY_LENGTH = 128
IDEMPOTENCY_KEY_PROBLEM = f"must be 1 to {IDEMPOTENCY_KEY_LENGTH} printable ASCII characters (a UUID, for example)"


def idempotency_key_problem(key: str) -> str | None:
    """What is wrong with an idempotency key, or None: 1 to 128 printable ASCII characters, space included."""
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        return IDEMPOTENCY_KEY_PROBLEM
    return None
