"""The hash chain: each record's hash covers its canonical JSON and the previous record's hash."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.decision_log.anchor import AnchoredHead
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


# Columns added later (0002: outcome records): hashed when a record carries a value, so records written before
# they existed keep their hashes. Emptying or filling one in still changes what is hashed.
LATER_COLUMNS = ("outcome", "decision_ref")


def hashed_fields(values: Mapping[str, Any]) -> dict[str, Any]:
    """The hashed part of a record given as column values (timestamps spelled one way, allow a bool)."""
    fields = {column: values[column] for column in HASHED_COLUMNS}
    for column in LATER_COLUMNS:
        if values.get(column):
            fields[column] = values[column]
    fields["timestamp"] = timestamp_text(fields["timestamp"])
    fields["allow"] = bool(fields["allow"])
    return fields


def row_values(row: Any) -> dict[str, Any]:
    """Column values of a stored row (an ORM object)."""
    return {column: getattr(row, column) for column in HASHED_COLUMNS + LATER_COLUMNS}


def row_hash(row: Any) -> str:
    """The hash a stored row's contents call for (equal to its ``hash`` column unless it was altered)."""
    return link_hash(row.previous_hash, hashed_fields(row_values(row)))


def anchor_break(anchored: AnchoredHead, chain_head: int, hash_at_anchor: str | None) -> tuple[int, str] | None:
    """Where and why the chain fails its anchor: the chain must still hold the anchored record, unchanged.

    ``chain_head`` is the chain's last sequence; ``hash_at_anchor`` the hash its record at the anchored sequence
    verifiably has (computed from its contents), None when there is none.
    """
    if chain_head < anchored.sequence:
        missing = (f"record {anchored.sequence} is" if chain_head + 1 == anchored.sequence
                   else f"records {chain_head + 1} to {anchored.sequence} are")
        return chain_head + 1, (f"{missing} missing: the anchor outside the database holds "
                                f"{anchored.describe()}, but the chain ends at {chain_head} (tail cut off?)")
    if hash_at_anchor != anchored.hash:
        return anchored.sequence, (f"record {anchored.sequence} does not match the anchor outside the database: "
                                   f"it hashes to {(hash_at_anchor or '')[:12]}…, the anchor holds "
                                   f"{anchored.describe()} (records replaced?)")
    return None


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
    # The head the anchor outside the database held when verification began (None: nothing anchored).
    anchored: AnchoredHead | None = None


class ChainWalker:
    """Checks rows fed in sequence order; stops at the first break."""

    def __init__(self, anchored: AnchoredHead | None = None) -> None:
        self.anchored = anchored
        self.hash_at_anchor: str | None = None
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
        elif row_hash(row) != row.hash:
            problem = "its contents do not match its hash (altered?)"
        if problem is not None:
            self.broken = Verification(False, self.checked, self.expected_sequence - 1, self.previous_hash,
                                       broken_sequence, broken_id, problem, self.anchored)
            return False
        if self.anchored is not None and row.sequence == self.anchored.sequence:
            self.hash_at_anchor = row.hash
        self.checked += 1
        self.expected_sequence += 1
        self.previous_hash = row.hash
        return True

    def result(self, known_head: int | None = None) -> Verification:
        """The verification; ``known_head`` is the last sequence this process wrote, to detect a cut tail even
        before it was anchored."""
        if self.broken is not None:
            return self.broken
        last = self.expected_sequence - 1
        if self.anchored is not None:
            broken = anchor_break(self.anchored, last, self.hash_at_anchor)
            if broken is not None:
                return Verification(False, self.checked, last, self.previous_hash, broken[0], None, broken[1],
                                    self.anchored)
        if known_head is not None and known_head > last:
            return Verification(False, self.checked, last, self.previous_hash, last + 1, None,
                                f"records {last + 1} to {known_head} were written but are gone (deleted?)",
                                self.anchored)
        return Verification(True, self.checked, last, self.previous_hash, anchored=self.anchored)
