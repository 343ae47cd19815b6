"""Proto enum ↔ domain enum by member name (``CASE_STATE_REPORTED`` ↔ ``CaseState.REPORTED``), for every service."""

from __future__ import annotations

from enum import Enum
from typing import Any, Generic, TypeVar

from services.kit.errors import FieldViolation, InvalidArgument, Violations

E = TypeVar("E", bound=Enum)

REQUIRED = "is required (UNSPECIFIED is not a value)"


def unknown(number: int) -> str:
    """The violation text for a proto enum number this build does not know."""
    return f"unknown value {number}"


class EnumMapping(Generic[E]):
    """A domain enum and its proto enum, matched by member name; 0 (UNSPECIFIED) is None on the domain side.

    Built at import time, so a proto value without a domain member (or the reverse) fails the service's start rather
    than a request.
    """

    def __init__(self, domain_enum: type[E], proto_enum: Any, prefix: str) -> None:
        descriptor = proto_enum.DESCRIPTOR
        self.domain_enum = domain_enum
        self.prefix = prefix
        self.to_proto_map: dict[E, int] = {
            member: descriptor.values_by_name[f"{prefix}_{member.name}"].number for member in domain_enum
        }
        self.from_proto_map: dict[int, E] = {number: member for member, number in self.to_proto_map.items()}
        unmapped = {v.number for v in descriptor.values} - set(self.from_proto_map) - {0}
        if unmapped:
            raise RuntimeError(f"{descriptor.full_name} values {unmapped} have no domain member")

    def to_proto(self, member: E | None) -> int:
        """The proto number; 0 (UNSPECIFIED) for None."""
        return 0 if member is None else self.to_proto_map[member]

    def member(self, number: int) -> E | None:
        """The member, or None for UNSPECIFIED or a number this build does not know (for lenient filters)."""
        return self.from_proto_map.get(number)

    def optional(self, number: int, field: str) -> E | None:
        """The member, None for UNSPECIFIED; raises InvalidArgument naming ``field`` for an unknown number."""
        if number == 0:
            return None
        try:
            return self.from_proto_map[number]
        except KeyError:
            raise InvalidArgument.field(field, unknown(number)) from None

    def required(self, number: int, field: str) -> E:
        """The member; raises InvalidArgument naming ``field`` for UNSPECIFIED or an unknown number."""
        member = self.optional(number, field)
        if member is None:
            raise InvalidArgument.field(field, REQUIRED)
        return member

    def collect(self, number: int, field: str, problems: Violations | list[FieldViolation]) -> E | None:
        """The member of a required field, or None after adding a violation naming ``field`` to ``problems``.

        For requests that report every bad field at once instead of stopping at the first.
        """
        member = self.from_proto_map.get(number)
        if member is None:
            violation = FieldViolation(field, REQUIRED if number == 0 else unknown(number))
            if isinstance(problems, Violations):
                problems.extend([violation])
            else:
                problems.append(violation)
        return member
