"""The hash chain: each record's hash covers its canonical JSON and the previous record's hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.decision_log.record import canonical_json, timestamp_text

GENESIS = "0" * 64


def link_hash(previous_hash: str, fields: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the record's canonical JSON (every column but its own hash)."""
    digest = hashlib.sha256(previous_hash.encode())
    digest.update(b"\n")
    digest.update(canonical_json(fields).encode())
    return digest.hexdigest()


# Every column but the hash itself: what a record's hash covers.
HASHED_COLUMNS = ("sequence", "decision_id", "timestamp", "path", "input", "result", "revision", "requested_by",
                  "req_id", "subject", "action", "resource_type", "jurisdiction_code", "allow", "previous_hash")


def hashed_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed part of a record given as column values (timestamps spelled one way, allow a bool)."""
    fields = {column: values[column] for column in HASHED_COLUMNS}
    fields["timestamp"] = timestamp_text(fields["timestamp"])
    fields["allow"] = bool(fields["allow"])
    return fields


def row_values(row: Any) -> dict[str, Any]:
    """Column values of a stored row (an ORM object)."""
    return {column: getattr(row, column) for column in HASHED_COLUMNS}


@dataclass(frozen=True)
class Verification:
    """The outcome of walking the chain: ok, or the first broken record and why."""

    ok: bool
    checked: int
    head_sequence: int
    head_hash: str
    broken_sequence: int | None = None
    broken_decision_id: str | None = None
    reason: str | None = None


class ChainWalker:
    """Checks rows fed in sequence order; stops at the first break."""

    def __init__(self) -> None:
        self.expected_sequence = 1
        self.previous_hash = GENESIS
        self.checked = 0
        self.broken: Verification | None = None

    def feed(self, row: Any) -> bool:
        """Checks one row; False once the chain is broken."""
        if self.broken is not None:
            return False
        problem = None
        broken_sequence, broken_id = row.sequence, row.decision_id
        if row.sequence != self.expected_sequence:
            broken_sequence, broken_id = self.expected_sequence, None
            problem = (f"record {self.expected_sequence} is missing: the chain jumps from "
                       f"{self.expected_sequence - 1} to {row.sequence} (deleted?)")
        elif row.previous_hash != self.previous_hash:
            problem = "its previous_hash does not match the hash of the record before it"
        elif link_hash(row.previous_hash, hashed_fields(row_values(row))) != row.hash:
            problem = "its contents do not match its hash (altered?)"
        if problem is not None:
            self.broken = Verification(False, self.checked, self.expected_sequence - 1, self.previous_hash,
                                       broken_sequence, broken_id, problem)
            return False
        self.checked += 1
        self.expected_sequence += 1
        self.previous_hash = row.hash
        return True

    def result(self, known_head: int | None = None) -> Verification:
        """The verification; ``known_head`` is the last sequence this process wrote, to detect a cut tail."""
        if self.broken is not None:
            return self.broken
        last = self.expected_sequence - 1
        if known_head is not None and known_head > last:
            return Verification(False, self.checked, last, self.previous_hash, last + 1, None,
                                f"records {last + 1} to {known_head} were written but are gone (deleted?)")
        return Verification(True, self.checked, last, self.previous_hash)
