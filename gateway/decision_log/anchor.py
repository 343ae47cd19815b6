"""The decision log's head anchored outside its database: what an anchor holds, the interface, the file anchor."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from gateway.decision_log.record import canonical_json, timestamp_text

FORMAT = "gridgov-decision-log-anchor/1"


class AnchorDamaged(Exception):
    """The anchor exists but does not hold a readable head (torn, truncated or edited)."""


@dataclass(frozen=True)
class AnchoredHead:
    """A head of the chain the log committed: its sequence, its hash, and when it was anchored."""

    sequence: int
    hash: str
    time: datetime

    def describe(self) -> str:
        return f"record {self.sequence} (hash {self.hash[:12]}…, anchored {timestamp_text(self.time)})"


class HeadAnchor(Protocol):
    """Somewhere outside the log's database that remembers the newest head the log committed.

    A production store (a WORM bucket, an append-only ledger) implements these two calls; nothing else is asked.
    """

    # Where the anchor is, for messages (a path, a URL).
    location: str

    async def read(self) -> AnchoredHead | None:
        """The last head written, or None when nothing was ever anchored; raises AnchorDamaged when unreadable."""
        ...

    async def write(self, head: AnchoredHead) -> None:
        """Replaces the anchored head; durable when it returns. A crash mid-write leaves the old head or the new."""
        ...


def _checksum(fields: dict[str, object]) -> str:
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def encode(head: AnchoredHead) -> bytes:
    """The anchor's bytes: one JSON line whose checksum covers the other fields."""
    fields: dict[str, object] = {"format": FORMAT, "sequence": head.sequence, "hash": head.hash,
                                 "time": timestamp_text(head.time)}
    return (canonical_json({**fields, "checksum": _checksum(fields)}) + "\n").encode()


def decode(raw: bytes, location: str) -> AnchoredHead:
    """Raises AnchorDamaged unless ``raw`` is exactly what ``encode`` writes."""
    try:
        value = json.loads(raw.decode())
    except (UnicodeDecodeError, ValueError):
        raise AnchorDamaged(f"the anchor at {location} is not a complete JSON line ({len(raw)} bytes)") from None
    if not isinstance(value, dict) or set(value) != {"format", "sequence", "hash", "time", "checksum"}:
        raise AnchorDamaged(f"the anchor at {location} does not hold a head")
    checksum = value.pop("checksum")
    if value["format"] != FORMAT or checksum != _checksum(value):
        raise AnchorDamaged(f"the anchor at {location} fails its checksum (edited or corrupted)")
    try:
        return AnchoredHead(int(value["sequence"]), str(value["hash"]), datetime.fromisoformat(value["time"]))
    except (TypeError, ValueError):
        raise AnchorDamaged(f"the anchor at {location} holds a malformed head") from None


class FileAnchor:
    """The head in a small file, replaced whole on each write.

    Why a crash never leaves a torn anchor: the new head is written to ``<file>.tmp``, fsynced, then renamed over the
    file (rename is atomic on POSIX file systems), and the directory is fsynced so the rename itself survives a power
    cut. A reader therefore sees the old head or the new one, never a mix; a crash mid-write leaves at most a stale
    ``.tmp``, which is ignored and overwritten by the next write. The checksum catches what rename cannot: a file cut
    short or edited by hand. The file stays one line long however long the log grows (an append-only file of heads
    would grow by one line per group commit).

    One writer per file: each gateway process anchors the heads it commits (give replicas their own files).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._temporary = path.with_name(path.name + ".tmp")

    async def read(self) -> AnchoredHead | None:
        return await asyncio.to_thread(self.read_now)

    async def write(self, head: AnchoredHead) -> None:
        await asyncio.to_thread(self.write_now, head)

    def read_now(self) -> AnchoredHead | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return decode(raw, self.location)

    def write_now(self, head: AnchoredHead) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self._temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        try:
            os.write(descriptor, encode(head))
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(self._temporary, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
