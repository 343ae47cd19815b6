"""What every plugin's GraphQL layer converts the same way: proto ↔ GraphQL enums, timestamps, base64, map points
and the idempotencyKey argument of creating mutations."""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Annotated, Any, overload

import strawberry
from google.protobuf import timestamp_pb2
from graphql import GraphQLError

from gateway.errors import GraphQLNames as GraphQLNames  # plugins name their calls' GraphQL names with it
from gateway.errors import invalid_argument
from gridgov.common.v1 import geo_pb2
from services.kit.validation import idempotency_key_problem


def takes_input(info: Any) -> bool:
    """Whether the field being resolved takes its arguments as one ``input`` object (then a call's errors are
    named under it: ``GraphQLNames.inside("input")``)."""
    return any(argument.python_name == "input" for argument in info._field.arguments)


def invalid(field: str, description: str) -> GraphQLError:
    """An INVALID_ARGUMENT error naming the GraphQL ``field`` (camelCase, as the client spelled it)."""
    return invalid_argument([{"field": field, "description": description}])


# The argument every creating mutation takes, top level (beside any input object), so a client's retry queue adds it
# the same way everywhere.
IdempotencyKey = Annotated[str | None, strawberry.argument(description=(
    "Makes a retry safe: a repeat with the same key and the same arguments answers as the first call did and "
    "creates nothing; the same key with other arguments is refused. 1-128 printable ASCII characters (a UUID); "
    "keys are kept for GRIDGOV_IDEMPOTENCY_TTL_DAYS (7) days."))]


def checked_key(idempotency_key: str | None) -> str:
    """The proto idempotency_key of the idempotencyKey argument ("" when not given); raises INVALID_ARGUMENT
    naming idempotencyKey when it is malformed."""
    if idempotency_key is None:
        return ""
    problem = idempotency_key_problem(idempotency_key)
    if problem:
        raise invalid("idempotencyKey", problem)
    return idempotency_key


def graphql_enum(source: type[Enum], name: str, *, value: Callable[[Enum], Any] = lambda m: m.value) -> Any:
    """A GraphQL enum named ``name`` with the members of a domain enum (a copy, so the domain enum stays untouched).

    ``value`` gives each member's Python value; the schema shows only the member names.
    """
    copy: type[Enum] = Enum(name, {m.name: value(m) for m in source})  # type: ignore[misc]
    return strawberry.enum(copy)


class ProtoEnums(dict[Any, tuple[Any, str]]):
    """GraphQL enum -> (proto enum wrapper, value prefix); members match by name (``TIER_STREET`` ↔ ``STREET``)."""

    def __init__(self, pairs: Mapping[Any, tuple[Any, str]]) -> None:
        super().__init__(pairs)
        # (GraphQL enum, proto number) -> member: from_proto runs for every row of a list.
        self._members: dict[tuple[Any, int], Any] = {}

    def to_proto(self, member: Enum | None) -> int:
        """The proto value of a GraphQL enum member (UNSPECIFIED for None)."""
        if member is None:
            return 0
        wrapper, prefix = self[type(member)]
        return int(wrapper.Value(f"{prefix}_{member.name}"))

    def from_proto(self, enum: Any, number: int) -> Any:
        """The GraphQL enum member of a proto value; None for UNSPECIFIED."""
        if number == 0:
            return None
        member = self._members.get((enum, number))
        if member is None:
            wrapper, prefix = self[enum]
            member = self._members[(enum, number)] = enum[wrapper.Name(number).removeprefix(prefix + "_")]
        return member


def moment(message: Any, field: str) -> datetime.datetime | None:
    """A message's Timestamp field as an aware UTC datetime; None when the field is unset."""
    if not message.HasField(field):
        return None
    return getattr(message, field).ToDatetime(tzinfo=datetime.UTC)  # type: ignore[no-any-return]


def present(message: Any, field: str) -> Any:
    """A message's optional field (sub-message or ``optional`` scalar); None when unset, not its default."""
    return getattr(message, field) if message.HasField(field) else None


@overload
def stamp(value: datetime.datetime, field: str) -> timestamp_pb2.Timestamp: ...
@overload
def stamp(value: None, field: str) -> None: ...
def stamp(value: datetime.datetime | None, field: str) -> timestamp_pb2.Timestamp | None:
    """A Timestamp of a client's date-time (None for None); one without a time zone is rejected, naming ``field``."""
    if value is None:
        return None
    if value.tzinfo is None:
        raise invalid(field, "must carry a time zone, e.g. 2026-11-30T18:00:00+08:00")
    result = timestamp_pb2.Timestamp()
    result.FromDatetime(value.astimezone(datetime.UTC))
    return result


def decode_base64(text: str, field: str) -> bytes:
    """The bytes of a base64 argument (an uploaded file); anything else is rejected, naming ``field``."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise invalid(field, "is not base64") from None


def encode_base64(content: bytes) -> str:
    """A file's bytes as the base64 text a GraphQL string carries."""
    return base64.b64encode(content).decode()


@strawberry.type(description="A point on the map, WGS-84.")
class GeoPoint:
    latitude: float
    longitude: float


@strawberry.input(description="A point on the map, WGS-84 (CGCS2000) degrees.")
class GeoPointInput:
    latitude: float
    longitude: float

    def to_proto(self) -> geo_pb2.GeoPoint:
        return geo_pb2.GeoPoint(latitude=self.latitude, longitude=self.longitude)


@strawberry.type
class LocatedRecord:
    """The landing flags of a record whose message carries ``located_grid`` (gateway.landing): a strawberry type
    to inherit, whose resolvers read the protobuf message the type is resolved from."""

    @strawberry.field(description="The grid the location falls in when it is not jurisdictionCode: the record's "
                                  "grid disagrees with its location, and the centre should look. Null when they "
                                  "agree or the location is unknown.")
    def located_grid(self) -> str | None:
        return self.located_grid or None  # type: ignore[attr-defined, no-any-return]

    @strawberry.field(description="True when the location falls in another grid than jurisdictionCode.")
    def location_mismatch(self) -> bool:
        return bool(self.located_grid)  # type: ignore[attr-defined]


@strawberry.input(description="A rectangle of the map, WGS-84 (CGCS2000) degrees: west < east, south < north.")
class MapBoxInput:
    west: float
    south: float
    east: float
    north: float

    def to_proto(self) -> geo_pb2.GeoBox:
        return geo_pb2.GeoBox(west=self.west, south=self.south, east=self.east, north=self.north)
