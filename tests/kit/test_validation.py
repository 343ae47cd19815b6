"""The shared field checks: request text limits, which phone numbers pass, coordinates named by field, NaN included."""

from __future__ import annotations

import math

import pytest
from google.protobuf.descriptor import FieldDescriptor

from gridgov.cases.v1 import cases_pb2
from gridgov.common.v1 import text_pb2
from gridgov.fire.v1 import fire_pb2
from gridgov.inspection.v1 import inspection_pb2
from gridgov.registry.v1 import registry_pb2
from services.kit.errors import FieldViolation
from services.kit.validation import (
    DEFAULT_MAX_LENGTH,
    PHONE_PROBLEM,
    coordinate_problems,
    phone_problem,
    text_problem,
    text_violations,
)
from tests.kit.column_widths import STORED_IN

SERVICES = [service for module in (registry_pb2, cases_pb2, fire_pb2, inspection_pb2)
            for service in module.DESCRIPTOR.services_by_name.values()]


@pytest.mark.parametrize(("text", "limit", "problem"), [
    ("胡强", 200, None),
    ("", 200, None),
    ("x" * 200, 200, None),
    ("x" * 201, 200, "must be at most 200 characters, got 201"),
    ("胡" * 2001, 2000, "must be at most 2000 characters, got 2001"),  # characters, not bytes
    ("第一行\n第二行\t缩进", 200, None),
    ("a\x00b", 200, "must not contain the control character U+0000 (only newline and tab are allowed)"),
    ("a\rb", 200, "must not contain the control character U+000D (only newline and tab are allowed)"),
    ("a\x1bb", 200, "must not contain the control character U+001B (only newline and tab are allowed)"),
    ("a\x7fb", 200, "must not contain the control character U+007F (only newline and tab are allowed)"),
    ("a\x85b", 200, "must not contain the control character U+0085 (only newline and tab are allowed)"),
    ("a\u202eb", 200, "must not contain the control character U+202E (only newline and tab are allowed)"),
    ("a\u202ab", 200, "must not contain the control character U+202A (only newline and tab are allowed)"),
    ("a\u2066b", 200, "must not contain the control character U+2066 (only newline and tab are allowed)"),
    ("a\u2069b", 200, "must not contain the control character U+2069 (only newline and tab are allowed)"),
    ("a\u200db", 200, None),  # the zero-width joiner composes emoji and some scripts: allowed
])
def test_text_problems(text: str, limit: int, problem: str | None) -> None:
    assert text_problem(text, limit) == problem


def test_text_violations_name_nested_and_repeated_fields() -> None:
    request = registry_pb2.CreateHouseholdRequest(
        number="H1", care_reason="x" * 2001,
        members=[registry_pb2.ResidentInput(name="胡强"), registry_pb2.ResidentInput(name="杨\u202e芳")],
        helper=registry_pb2.Helper(name="y" * 201))
    assert [(v.field, v.description.split(",")[0]) for v in text_violations(request)] == [
        ("care_reason", "must be at most 2000 characters"),
        ("helper.name", "must be at most 64 characters"),  # the width of the helper_name column
        ("members[1].name", "must not contain the control character U+202E (only newline and tab are allowed)"),
    ]
    assert text_violations(registry_pb2.CreateHouseholdRequest(number="H1", care_reason="x" * 2000)) == []


def test_repeated_strings_are_checked_each() -> None:
    request = cases_pb2.HandleCaseRequest(evidence=["photo/1.jpg", "x" * 2001])
    assert [v.field for v in text_violations(request)] == ["evidence[1]"]


def declared_limits() -> dict[tuple[str, str], int]:
    found = {}

    def walk(descriptor: object, seen: set[str]) -> None:
        if descriptor.full_name in seen:  # type: ignore[attr-defined]
            return
        seen.add(descriptor.full_name)  # type: ignore[attr-defined]
        for field in descriptor.fields:  # type: ignore[attr-defined]
            if field.type == FieldDescriptor.TYPE_STRING:
                found[(descriptor.name, field.name)] = (  # type: ignore[attr-defined]
                    field.GetOptions().Extensions[text_pb2.max_length])
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                walk(field.message_type, seen)

    for service in SERVICES:
        for method in service.methods:
            walk(method.input_type, set())
    return found


def test_free_text_fields_of_every_request_declare_a_longer_limit() -> None:
    limits = declared_limits()
    long_text = {"description", "notes", "findings", "finding", "resolution", "reason", "comment", "note",
                 "care_reason", "closing_condition", "evidence"}
    assert {key for key in limits if key[1] in long_text and not limits[key]} == set()
    # 128: idempotency keys; the rest are widths of the columns fields are stored in (56: a dwelling, which
    # the household's address holds after the building's).
    widths = {column.type.length for column in STORED_IN.values()} | {56}
    assert set(limits.values()) <= {0, 128, 1000, 2000, 10000} | widths
    assert len(limits) > 150  # the walk reaches every service's requests
    assert DEFAULT_MAX_LENGTH == 200


@pytest.mark.parametrize(("phone", "ok"), [
    ("13812345289", True), ("19912345678", True), ("010-62345678", True), ("01062345678", True),
    ("0571-8888888", True), ("12812345289", False), ("1381234528", False), ("138123452890", False),
    ("62345678", False), ("010-623", False), ("", False), ("１３８１２３４５２８９", False), ("138-1234-5289", False),
])
def test_phone_numbers(phone: str, ok: bool) -> None:
    assert phone_problem(phone) == (None if ok else PHONE_PROBLEM)


@pytest.mark.parametrize(("latitude", "longitude", "bad"), [
    (39.9, 116.3, []), (-90.0, -180.0, []), (90.0, 180.0, []),
    (90.1, 116.3, ["latitude"]), (39.9, -180.5, ["longitude"]), (91.0, 181.0, ["latitude", "longitude"]),
    (math.nan, 116.3, ["latitude"]), (39.9, math.nan, ["longitude"]), (math.inf, -math.inf, ["latitude", "longitude"]),
])
def test_coordinates(latitude: float, longitude: float, bad: list[str]) -> None:
    ranges = {"latitude": "must be between -90 and 90", "longitude": "must be between -180 and 180"}
    assert coordinate_problems(latitude, longitude, "source.location") == [
        FieldViolation(f"source.location.{name}", ranges[name]) for name in bad]
    assert [v.field for v in coordinate_problems(latitude, longitude)] == [f"location.{name}" for name in bad]
