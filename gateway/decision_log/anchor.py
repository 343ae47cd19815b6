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
    """The anchor exists but its last head is unreadable: edited or corrupted (a crash's torn append is not this)."""


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
        """Makes ``head`` the anchored head; durable when it returns. A crash mid-write leaves the old head or the new,
        never an unreadable anchor."""
        ...


def _checksum(fields: dict[str, object]) -> str:
    return hashlib.sha256(canonical_json(fields).encode()).hexdigest()


def encode(head: AnchoredHead) -> bytes:
    """One anchored head: a JSON line whose checksum covers the other fields."""
    fields: dict[str, object] = {"format": FORMAT, "sequence": head.sequence, "hash": head.hash,
                                 "time": timestamp_text(head.time)}
    return (canonical_json({**fields, "checksum": _checksum(fields)}) + "\n").encode()


def decode(line: bytes, location: str) -> AnchoredHead:
    """The head in one line ``encode`` wrote; raises AnchorDamaged for anything else."""
    try:
        value = json.loads(line.decode())
    except (UnicodeDecodeError, ValueError):
        raise AnchorDamaged(f"the anchor at {location} ends in a line that is not JSON ({len(line)} bytes)") from None
    if not isinstance(value, dict) or set(value) != {"format", "sequence", "hash", "time", "checksum"}:
        raise AnchorDamaged(f"the anchor at {location} ends in a line that does not hold a head")
    checksum = value.pop("checksum")
    if value["format"] != FORMAT or checksum != _checksum(value):
        raise AnchorDamaged(f"the anchor at {location} fails its checksum (edited or corrupted)")
    try:
        return AnchoredHead(int(value["sequence"]), str(value["hash"]), datetime.fromisoformat(value["time"]))
    except (TypeError, ValueError):
        raise AnchorDamaged(f"the anchor at {location} holds a malformed head") from None


class FileAnchor:
    """The head as the last line of a small append-only file of checksummed lines (one line per anchor write).

    Why a crash never leaves a torn anchor: a head counts once its whole line, newline included, is appended and
    fdatasync'd. A crash mid-append can only leave a fragment without a newline at the end of the file; readers
    take the last complete line (the previous head) and the next write cuts the fragment off before appending.
    A complete last line that fails its checksum was not left by a crash: it was edited or corrupted, and is
    reported as such, never skipped.

    Appending costs one fdatasync per write, where replacing a head file by rename costs two fsyncs (the file and
    its directory). To stay small, once the file passes ``compact_at`` bytes the newest head alone is written to
    ``<file>.tmp``, fsynced, renamed over the file (atomic) and the directory fsynced: readers see the old file or
    the new one, and a stale ``.tmp`` left by a crash is ignored and overwritten.

    One writer per file: each gateway process anchors the heads it commits (give replicas their own files).
    """

    def __init__(self, path: Path, *, compact_at: int = 64 * 1024) -> None:
        self.path = path
        self.location = str(path)
        self.compact_at = compact_at
        self._temporary = path.with_name(path.name + ".tmp")
        self._prepared = False

    async def read(self) -> AnchoredHead | None:
        return await asyncio.to_thread(self.read_now)

    async def write(self, head: AnchoredHead) -> None:
        await asyncio.to_thread(self.write_now, head)

    def read_now(self) -> AnchoredHead | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        complete = raw[: raw.rfind(b"\n") + 1]  # a fragment after the last newline is a torn append
        if not complete:
            return None
        return decode(complete[:-1].rpartition(b"\n")[2], self.location)

    def write_now(self, head: AnchoredHead) -> None:
        if not self._prepared:
            self._prepare()
        line = encode(head)
        try:
            descriptor = os.open(self.path, os.O_WRONLY | os.O_APPEND)
            try:
                if os.fstat(descriptor).st_size + len(line) <= self.compact_at:
                    if os.write(descriptor, line) != len(line):
                        raise OSError(f"short write to {self.location}")
                    os.fdatasync(descriptor)
                    return
            finally:
                os.close(descriptor)
            self._replace(line)
        except OSError:
            # A failed append (a full disk) may have left a fragment: look at the end again before the next one.
            self._prepared = False
            raise

    def _prepare(self) -> None:
        """Before the first write: the file exists (durably), and ends at a complete line."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self._replace(b"")
            self._prepared = True
            return
        complete = raw.rfind(b"\n") + 1
        if complete < len(raw):
            # The fragment a crash mid-append left: cut off so the next line starts on a line of its own.
            descriptor = os.open(self.path, os.O_WRONLY)
            try:
                os.ftruncate(descriptor, complete)
                os.fsync(descriptor)
            finally:
                os.close(descriptor)
        self._prepared = True

    def _replace(self, content: bytes) -> None:
        descriptor = os.open(self._temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o640)
        try:
            os.write(descriptor, content)
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
        os.replace(self._temporary, self.path)
        directory = os.open(self.path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
