"""Field checks every service (and the gateway) applies the same way: request text, Chinese phone numbers,
WGS-84 coordinates, idempotency keys."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from google.protobuf.descriptor import Descriptor, FieldDescriptor, ServiceDescriptor
from google.protobuf.message import Message

from gridgov.common.v1 import text_pb2
from services.kit.errors import FieldViolation

# What a request string field holds without a (gridgov.common.v1.max_length) of its own: names, codes, ids.
DEFAULT_MAX_LENGTH = 200
# C0 and C1 controls other than tab and newline, and the bidirectional embeddings, overrides and isolates
# that make stored text read differently from what it holds.
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def text_problem(text: str, max_length: int = DEFAULT_MAX_LENGTH) -> str | None:
    """What is wrong with a piece of free text, or None: too long, or a control or bidi-override character."""
    if len(text) > max_length:
        return f"must be at most {max_length} characters, got {len(text)}"
    found = _FORBIDDEN.search(text)
    if found:
        return (f"must not contain the control character U+{ord(found.group()):04X} "
                "(only newline and tab are allowed)")
    return None


def text_violations(message: Message, path: str = "") -> list[FieldViolation]:
    """Every string field of ``message`` (nested and repeated ones too) checked against its limit.

    A field's limit is its (gridgov.common.v1.max_length) option, else DEFAULT_MAX_LENGTH; violations
    name the field's path, e.g. ``members[2].name``.
    """
    return list(_violations(message, path))


def _violations(message: Message, path: str) -> Iterator[FieldViolation]:
    for field in _plan(message.DESCRIPTOR):
        name = f"{path}{field.name}"
        value = getattr(message, field.name)
        if field.is_map:  # no request has a map yet; the field's limit covers its keys and its values
            for key, item in value.items():
                yield from _checked(f"{name}[{key!r}]", key, field.limit) if isinstance(key, str) else ()
                if isinstance(item, Message):
                    yield from _violations(item, f"{name}[{key!r}].")
                elif isinstance(item, str):
                    yield from _checked(f"{name}[{key!r}]", item, field.limit)
        elif field.is_message and field.is_repeated:
            for index, item in enumerate(value):
                yield from _violations(item, f"{name}[{index}].")
        elif field.is_message:
            if message.HasField(field.name):
                yield from _violations(value, f"{name}.")
        elif field.is_repeated:
            for index, item in enumerate(value):
                yield from _checked(f"{name}[{index}]", item, field.limit)
        elif value:
            yield from _checked(name, value, field.limit)


def _checked(name: str, text: str, limit: int) -> Iterator[FieldViolation]:
    problem = text_problem(text, limit)
    if problem:
        yield FieldViolation(name, problem)


@dataclass(frozen=True)
class _TextField:
    """A field worth visiting: a string, or a message (which may hold strings), with its limit."""

    name: str
    limit: int
    is_message: bool
    is_repeated: bool
    is_map: bool


@functools.cache
def _plan(descriptor: Descriptor) -> tuple[_TextField, ...]:
    """The fields of a message type worth visiting, read once per type from its descriptor."""
    plan = []
    for field in descriptor.fields:
        if field.type not in (FieldDescriptor.TYPE_STRING, FieldDescriptor.TYPE_MESSAGE):
            continue
        is_message = field.type == FieldDescriptor.TYPE_MESSAGE
        plan.append(_TextField(
            field.name, field.GetOptions().Extensions[text_pb2.max_length] or DEFAULT_MAX_LENGTH, is_message,
            field.is_repeated, is_message and field.message_type.GetOptions().map_entry))
    return tuple(plan)


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


def request_text_limits(services: list[ServiceDescriptor]) -> dict[str, int]:
    """The limit of every string field name in the requests of ``services``: the lowest where a name recurs.

    The gateway states these in its GraphQL argument descriptions, matching argument to field by name.
    """
    limits: dict[str, int] = {}
    for fields in request_text_fields(services).values():
        for name, limit in fields.items():
            limits[name] = min(limits.get(name, limit), limit)
    return limits


def request_text_fields(services: list[ServiceDescriptor]) -> dict[str, dict[str, int]]:
    """Every message the requests of ``services`` hold, at any depth, by full name: its string fields' limits.

    A name recurs with different limits (a person's ``name`` 64, a place's 128): the gateway finds the
    message a GraphQL input stands for by the string fields they share.
    """
    found: dict[str, dict[str, int]] = {}

    def walk(descriptor: Descriptor) -> None:
        if descriptor.full_name in found:
            return
        found[descriptor.full_name] = fields = {}
        for field in _plan(descriptor):
            if field.is_message:
                walk(descriptor.fields_by_name[field.name].message_type)
            else:
                fields[field.name] = field.limit

    for service in services:
        for method in service.methods:
            walk(method.input_type)
    return found


IDEMPOTENCY_KEY_LENGTH = 128
IDEMPOTENCY_KEY_PROBLEM = f"must be 1 to {IDEMPOTENCY_KEY_LENGTH} printable ASCII characters (a UUID, for example)"


def idempotency_key_problem(key: str) -> str | None:
    """What is wrong with an idempotency key, or None: 1 to 128 printable ASCII characters, space included."""
    if not 1 <= len(key) <= IDEMPOTENCY_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        return IDEMPOTENCY_KEY_PROBLEM
    return None
