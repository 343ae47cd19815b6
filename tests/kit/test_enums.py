"""EnumMapping: every member both ways, UNSPECIFIED and unknown numbers named by field, drift caught at build."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
from google.protobuf import descriptor_pb2, descriptor_pool
from google.protobuf.internal import enum_type_wrapper

from services.kit.enums import REQUIRED, EnumMapping
from services.kit.errors import FieldViolation, InvalidArgument, Violations


class Colour(Enum):
    RED = "red"
    GREEN = "green"
    DEEP_BLUE = "deep_blue"


def proto_enum(name: str, values: list[str]) -> Any:
    """A proto enum built in its own pool, numbered from 1 after ``<PREFIX>_UNSPECIFIED = 0``."""
    file = descriptor_pb2.FileDescriptorProto(name=f"{name.lower()}.proto", package="gridgov.test.v1")
    enum = file.enum_type.add(name=name)
    enum.value.add(name="COLOUR_UNSPECIFIED", number=0)
    for number, value in enumerate(values, start=1):
        enum.value.add(name=value, number=number)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return enum_type_wrapper.EnumTypeWrapper(pool.FindEnumTypeByName(f"gridgov.test.v1.{name}"))


PROTO = proto_enum("Colour", ["COLOUR_RED", "COLOUR_GREEN", "COLOUR_DEEP_BLUE"])
COLOURS = EnumMapping(Colour, PROTO, "COLOUR")


@pytest.mark.parametrize("member", list(Colour))
def test_every_member_round_trips(member: Colour) -> None:
    number = COLOURS.to_proto(member)
    assert PROTO.Name(number) == f"COLOUR_{member.name}"
    assert COLOURS.required(number, "colour") is member
    assert COLOURS.optional(number, "colour") is member
    assert COLOURS.member(number) is member


def test_unspecified_is_none_or_required() -> None:
    assert COLOURS.to_proto(None) == 0
    assert COLOURS.optional(0, "colour") is None
    assert COLOURS.member(0) is None
    with pytest.raises(InvalidArgument) as raised:
        COLOURS.required(0, "paint.colour")
    assert raised.value.violations == (FieldViolation("paint.colour", REQUIRED),)


def test_unknown_numbers_name_the_field() -> None:
    assert COLOURS.member(99) is None
    for read in (COLOURS.optional, COLOURS.required):
        with pytest.raises(InvalidArgument) as raised:
            read(99, "colour")
        assert raised.value.violations == (FieldViolation("colour", "unknown value 99"),)


def test_collect_reports_every_bad_field_into_a_list_or_violations() -> None:
    problems: list[FieldViolation] = []
    assert COLOURS.collect(2, "a", problems) is Colour.GREEN
    assert COLOURS.collect(0, "b", problems) is None
    assert COLOURS.collect(7, "c", problems) is None
    assert problems == [FieldViolation("b", REQUIRED), FieldViolation("c", "unknown value 7")]
    collected = Violations()
    assert COLOURS.collect(0, "d", collected) is None
    assert collected.items == [FieldViolation("d", REQUIRED)]


def test_a_proto_value_without_a_domain_member_fails_at_build() -> None:
    wider = proto_enum("Wider", ["COLOUR_RED", "COLOUR_GREEN", "COLOUR_DEEP_BLUE", "COLOUR_PURPLE"])
    with pytest.raises(RuntimeError, match=r"gridgov.test.v1.Wider values \{4\} have no domain member"):
        EnumMapping(Colour, wider, "COLOUR")


def test_a_domain_member_without_a_proto_value_fails_at_build() -> None:
    narrower = proto_enum("Narrower", ["COLOUR_RED", "COLOUR_GREEN"])
    with pytest.raises(KeyError, match="COLOUR_DEEP_BLUE"):
        EnumMapping(Colour, narrower, "COLOUR")
