"""Idempotency keys: a creating request retried with its key returns the first answer instead of creating twice.

A request message that has an ``idempotency_key`` field may carry one. Its first answer is stored in the kit's
``idempotency_key`` table, keyed by (subject, method, key), in the same transaction as the write it answers: the
key is stored if and only if the write committed. A repeat with the same key and the same request (the key aside)
gets the stored answer and writes nothing; the same key with a different request is refused. Two concurrent
requests with one key both do the work, but only one can insert the key: the other's transaction (its rows, its
events) rolls back on the unique constraint and it answers with what the first stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

from google.protobuf.message import Message
from sqlalchemy import CursorResult, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from services.kit import actor as actor_context
from services.kit.clock import utcnow
from services.kit.database import Database, Work
from services.kit.errors import AlreadyExists, FailedPrecondition, InvalidArgument
from services.kit.tables import IDEMPOTENCY_SUBJECT_LENGTH, KitTables
from services.kit.validation import idempotency_key_problem

R = TypeVar("R", bound=Message)
FIELD = "idempotency_key"
# How long keys are kept unless GRIDGOV_IDEMPOTENCY_TTL_DAYS says otherwise: the portals' offline queue holds
# a field worker's reports for up to a week.
DEFAULT_TTL_DAYS = 7


@dataclass(frozen=True)
class IdempotencyKey:
    """One request's key, with what it is stored under and the fingerprint of the request it came with."""

    subject: str
    method: str
    key: str
    request_hash: str

    @classmethod
    def of(cls, request: Message) -> IdempotencyKey | None:
        """The key of ``request`` (None when it carries none); raises InvalidArgument naming idempotency_key."""
        key = getattr(request, FIELD, "")
        if not key:
            return None
        problem = idempotency_key_problem(key)
        if problem:
            raise InvalidArgument.field(FIELD, problem)
        subject = actor_context.current().subject
        if len(subject) > IDEMPOTENCY_SUBJECT_LENGTH:
            raise InvalidArgument.field(FIELD, f"cannot be kept for a subject longer than "
                                               f"{IDEMPOTENCY_SUBJECT_LENGTH} characters")
        bare = type(request)()
        bare.CopyFrom(request)
        bare.ClearField(FIELD)  # type: ignore[arg-type]
        digest = hashlib.sha256(bare.SerializeToString(deterministic=True)).hexdigest()
        return cls(subject, request.DESCRIPTOR.full_name, key, digest)

    def find(self, session: Session, tables: KitTables) -> bytes | None:
        """The stored answer to this key, or None; raises FailedPrecondition if the key came with another request."""
        table = tables.idempotency_key
        row = session.execute(
            select(table.c.request_hash, table.c.response)
            .where(table.c.subject == self.subject, table.c.method == self.method, table.c.key == self.key)
        ).first()
        if row is None:
            return None
        if row.request_hash != self.request_hash:
            raise FailedPrecondition(
                f"{FIELD}: {self.key!r} was already used for a different request; a retry must send the same "
                "request, and a new request needs a new key")
        return cast(bytes, row.response)

    def store(self, session: Session, tables: KitTables, response: Message) -> None:
        """Stores ``response`` as the answer to this key in the caller's transaction (IntegrityError if taken)."""
        session.execute(tables.idempotency_key.insert().values(
            subject=self.subject, method=self.method, key=self.key, request_hash=self.request_hash,
            response=response.SerializeToString(deterministic=True), created_at=utcnow()))


def _conflict(error: IntegrityError) -> AlreadyExists:
    return AlreadyExists(f"conflicts with a record stored meanwhile: {error.orig}")


async def run_write_once(database: Database, tables: KitTables, request: Message, response_type: type[R],
                         work: Work[R], *, remember: Callable[[R], bool] = lambda response: True) -> R:
    """Database.run_write(work) for a creating request: once per idempotency key when ``request`` carries one.

    ``work`` returns the whole response message; an answer ``remember`` declines (one that stored nothing) is not
    kept, so the key may be sent again. Raises InvalidArgument (a malformed key), FailedPrecondition (the
    key came with another request), AlreadyExists (a unique index hit by a concurrent writer), and what ``work``
    raises (nothing is stored then: the key may be sent again).
    """
    claim = IdempotencyKey.of(request)
    if claim is None:
        try:
            return await database.run_write(work)
        except IntegrityError as error:
            raise _conflict(error) from None

    def once(session: Session) -> R:
        stored = claim.find(session, tables)
        if stored is not None:
            return response_type.FromString(stored)
        response = work(session)
        if remember(response):
            claim.store(session, tables, response)
        return response

    try:
        return await database.run_write(once)
    except IntegrityError as error:
        return await _answer_of_concurrent(database, tables, claim, response_type, error)


async def write_once(database: Database, tables: KitTables, request: Message, response_type: type[R],
                     work: Callable[[AsyncSession], Awaitable[R]], *,
                     remember: Callable[[R], bool] = lambda response: True) -> R:
    """run_write_once() for work written against an AsyncSession (Database.transaction())."""
    claim = IdempotencyKey.of(request)
    try:
        async with database.transaction() as session:
            if claim is None:
                return await work(session)
            stored = await session.run_sync(claim.find, tables)
            if stored is not None:
                return response_type.FromString(stored)
            response = await work(session)
            if remember(response):
                await session.run_sync(claim.store, tables, response)
            return response
    except IntegrityError as error:
        if claim is None:
            raise _conflict(error) from None
        return await _answer_of_concurrent(database, tables, claim, response_type, error)


async def _answer_of_concurrent(database: Database, tables: KitTables, claim: IdempotencyKey,
                                response_type: type[R], error: IntegrityError) -> R:
    # A concurrent request with the same key committed first (its key, or a unique row of the work, stopped
    # this transaction, which rolled back whole): answer with what it stored. Otherwise the work itself conflicted.
    stored = await database.run_read(lambda session: claim.find(session, tables))
    if stored is None:
        raise _conflict(error) from None
    return response_type.FromString(stored)


async def purge(database: Database, tables: KitTables, *, older_than: timedelta, now: datetime | None = None) -> int:
    """Deletes the keys stored more than ``older_than`` ago; how many."""
    table = tables.idempotency_key
    cutoff = (now or utcnow()) - older_than

    def delete(session: Session) -> int:
        result = session.execute(table.delete().where(table.c.created_at < cutoff))
        return int(cast(CursorResult[Any], result).rowcount or 0)

    return await database.run_write(delete)
