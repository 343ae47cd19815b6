"""The shared field checks: which phone numbers pass, and coordinates named by field, NaN included."""

from __future__ import annotations

import math

import pytest

from services.kit.errors import FieldViolation
from services.kit.validation import PHONE_PROBLEM, coordinate_problems, phone_problem


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
