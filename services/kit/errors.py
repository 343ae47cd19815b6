"""Domain errors every service raises, and their gRPC status codes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import grpc


@dataclass(frozen=True)
class FieldViolation:
    """One bad field: its path (``resident.id_number``, ``rows[12].phone``) and what is wrong."""

    field: str
    description: str

    def __str__(self) -> str:
        return f"{self.field}: {self.description}"


class DomainError(Exception):
    """Base of the errors a service maps to a status code; ``code`` is the stable GraphQL code."""

    status: grpc.StatusCode = grpc.StatusCode.INTERNAL
    code: str = "INTERNAL"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidArgument(DomainError):
    """One or more request fields are invalid; each violation names its field."""

    status = grpc.StatusCode.INVALID_ARGUMENT
    code = "INVALID_ARGUMENT"

    def __init__(self, violations: FieldViolation | Iterable[FieldViolation]) -> None:
        if isinstance(violations, FieldViolation):
            violations = [violations]
        self.violations: tuple[FieldViolation, ...] = tuple(violations)
        if not self.violations:
            raise ValueError("InvalidArgument needs at least one violation")
        super().__init__("; ".join(str(v) for v in self.violations))

    @classmethod
    def field(cls, field: str, description: str) -> InvalidArgument:
        return cls(FieldViolation(field, description))


class NotFound(DomainError):
    status = grpc.StatusCode.NOT_FOUND
    code = "NOT_FOUND"

    def __init__(self, kind: str, key: str) -> None:
        super().__init__(f"{kind} {key!r} not found")
        self.kind = kind
        self.key = key


class AlreadyExists(DomainError):
    status = grpc.StatusCode.ALREADY_EXISTS
    code = "ALREADY_EXISTS"


class IllegalTransition(DomainError):
    """An action not allowed in the resource's current state (FAILED_PRECONDITION)."""

    status = grpc.StatusCode.FAILED_PRECONDITION
    code = "ILLEGAL_TRANSITION"

    def __init__(self, kind: str, state: str, action: str, allowed: Iterable[str]) -> None:
        self.kind = kind
        self.state = state
        self.action = action
        self.allowed = tuple(sorted(allowed))
        allowed_text = ", ".join(self.allowed) if self.allowed else "none"
        super().__init__(
            f"cannot {action} a {kind} in state {state}; allowed in {state}: {allowed_text}"
        )


class FailedPrecondition(DomainError):
    """The request is valid but the system is not in a state to carry it out; ``state`` and ``allowed`` (when
    given) say where the resource stands and what may be done next."""

    status = grpc.StatusCode.FAILED_PRECONDITION
    code = "FAILED_PRECONDITION"

    def __init__(self, message: str, *, state: str = "", allowed: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.state = state
        self.allowed = tuple(sorted(allowed))


class PermissionDenied(DomainError):
    status = grpc.StatusCode.PERMISSION_DENIED
    code = "PERMISSION_DENIED"


class Unauthenticated(DomainError):
    status = grpc.StatusCode.UNAUTHENTICATED
    code = "UNAUTHENTICATED"


class Unavailable(DomainError):
    status = grpc.StatusCode.UNAVAILABLE
    code = "UNAVAILABLE"


class Violations:
    """Collects field violations so a request reports every bad field at once."""

    def __init__(self) -> None:
        self.items: list[FieldViolation] = []

    def add(self, field: str, description: str) -> None:
        self.items.append(FieldViolation(field, description))

    def extend(self, items: Iterable[FieldViolation]) -> None:
        self.items.extend(items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        """Raises InvalidArgument with every collected violation, if any."""
        if self.items:
            raise InvalidArgument(self.items)
