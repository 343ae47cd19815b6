"""The plugins' shared GraphQL conversions: enums by member name, timestamps, optional fields, base64, map points."""

from __future__ import annotations

import base64
import datetime
from enum import Enum

import pytest
import strawberry
from graphql import GraphQLError

from gateway.plugin_types import (
    GeoPoint,
    ProtoEnums,
    decode_base64,
    encode_base64,
    graphql_enum,
    invalid,
    moment,
    present,
    stamp,
)
from gridgov.common.v1 import geo_pb2
from gridgov.registry.v1 import registry_pb2 as pb


class Gender(Enum):
    MALE = "male"
    FEMALE = "female"


GraphQLGender = graphql_enum(Gender, "TestGender")
ShoutedGender = graphql_enum(Gender, "TestShoutedGender", value=lambda m: m.name)
ENUMS = ProtoEnums({GraphQLGender: (pb.Gender, "GENDER"), ShoutedGender: (pb.Gender, "GENDER")})


def test_graphql_enum_copies_the_members_with_chosen_values() -> None:
    assert [m.name for m in GraphQLGender] == ["MALE", "FEMALE"]
    assert GraphQLGender.MALE.value == "male" and ShoutedGender.MALE.value == "MALE"
    assert GraphQLGender is not Gender  # the domain enum stays untouched
    assert GraphQLGender.__strawberry_definition__.name == "TestGender"  # type: ignore[attr-defined]


@pytest.mark.parametrize("enum", [GraphQLGender, ShoutedGender])
def test_every_member_round_trips_through_the_proto(enum: type[Enum]) -> None:
    for member in enum:
        number = ENUMS.to_proto(member)
        assert pb.Gender.Name(number) == f"GENDER_{member.name}"
        assert ENUMS.from_proto(enum, number) is member
        assert ENUMS.from_proto(enum, number) is member  # answered from memory the second time
    assert ENUMS.to_proto(None) == 0 and ENUMS.from_proto(enum, 0) is None
    for _ in range(2):  # an unknown number is never remembered as anything
        with pytest.raises(ValueError):
            ENUMS.from_proto(enum, 99)
    assert dict(ENUMS)[enum] == (pb.Gender, "GENDER")


def test_moment_and_present_read_unset_fields_as_none() -> None:
    visit = pb.Visit()
    assert moment(visit, "visited_at") is None
    visit.visited_at.FromDatetime(datetime.datetime(2026, 11, 27, 8, 30, tzinfo=datetime.UTC))
    read = moment(visit, "visited_at")
    assert read == datetime.datetime(2026, 11, 27, 8, 30, tzinfo=datetime.UTC) and read.tzinfo is not None
    building = pb.Building()
    assert present(building, "location") is None
    building.location.CopyFrom(geo_pb2.GeoPoint(latitude=39.9, longitude=116.3))
    assert present(building, "location").latitude == pytest.approx(39.9)


def test_stamp_converts_aware_times_to_utc_and_rejects_naive_ones_by_field() -> None:
    beijing = datetime.timezone(datetime.timedelta(hours=8))
    converted = stamp(datetime.datetime(2026, 11, 30, 18, 0, tzinfo=beijing), "rectifyBy")
    assert converted.ToDatetime(tzinfo=datetime.UTC) == datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)
    assert stamp(None, "rectifyBy") is None
    with pytest.raises(GraphQLError) as raised:
        stamp(datetime.datetime(2026, 11, 30, 18, 0), "rectifyBy")
    assert raised.value.extensions is not None
    assert raised.value.extensions["code"] == "INVALID_ARGUMENT"
    assert raised.value.extensions["fieldViolations"][0]["field"] == "rectifyBy"
    assert raised.value.message.startswith("rectifyBy: must carry a time zone")


def test_base64_round_trips_and_bad_text_names_the_field() -> None:
    content = "类型,名称\n".encode()
    assert decode_base64(encode_base64(content), "contentBase64") == content
    assert encode_base64(content) == base64.b64encode(content).decode()
    with pytest.raises(GraphQLError) as raised:
        decode_base64("not base64!", "data")
    assert raised.value.extensions == {
        "code": "INVALID_ARGUMENT", "field": "data",
        "fieldViolations": [{"field": "data", "description": "is not base64"}]}
    assert raised.value.message == "data: is not base64"


def test_invalid_names_the_field_in_message_and_extensions() -> None:
    error = invalid("visitedAt", "must carry a time zone")
    assert error.message == "visitedAt: must carry a time zone"
    assert error.extensions == {"code": "INVALID_ARGUMENT", "field": "visitedAt",
                                "fieldViolations": [{"field": "visitedAt", "description": "must carry a time zone"}]}


def test_geo_point_resolves_straight_from_the_proto_message() -> None:
    @strawberry.type
    class Query:
        @strawberry.field
        def point(self) -> GeoPoint:
            return geo_pb2.GeoPoint(latitude=39.9, longitude=116.3)  # type: ignore[return-value]

    result = strawberry.Schema(query=Query).execute_sync("{ point { latitude longitude } }")
    assert result.errors is None
    assert result.data == {"point": {"latitude": pytest.approx(39.9), "longitude": pytest.approx(116.3)}}
