"""What every part of the cases servicer shares: runtime, clock, the actor, and perform() for one action."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from sqlalchemy.orm import Session

from gridgov.cases.v1 import cases_pb2 as pb
from services.cases import convert, domain, roles
from services.cases.evaluation import Counts
from services.cases.events import publish_outcome
from services.cases.intake import DuplicateRule
from services.cases.store import CaseStore, Loaded
from services.kit import actor as actor_context
from services.kit.errors import InvalidArgument, NotFound, PermissionDenied
from services.kit.runtime import ServiceRuntime
from services.kit.servicer import ServicerBase as KitServicerBase

KIND = "case"


def current_actor() -> roles.Actor:
    a = actor_context.current()
    return roles.Actor(a.subject, tuple((r.role, r.scope) for r in a.roles), a.department)


def require_id(value: str, field: str = "case_id") -> str:
    if not value.strip():
        raise InvalidArgument.field(field, "is required")
    return value.strip()


def check_prefix(prefix: str, field: str = "jurisdiction_prefix") -> str:
    prefix = prefix.strip()
    if prefix and (not prefix.isascii() or not prefix.isdigit() or len(prefix) > 15):
        raise InvalidArgument.field(field, "must be up to 15 digits of a jurisdiction code")
    return prefix


def require_visible(case: domain.Case, actor: roles.Actor) -> None:
    """Scope (defence in depth) and what the actor's roles read of it (a resident their own reports, a unit its
    cases); raises PermissionDenied."""
    actor_context.require_in_scope(case.jurisdiction_code)
    why = roles.invisibility(actor, case)
    if why:
        raise PermissionDenied(why)


class FiguresCache:
    """Evaluation counts of a (subject, key, period), kept ``ttl`` seconds.

    A street's month is tens of thousands of cases to aggregate (tens of milliseconds); dashboards ask for
    the same figures over and over, and figures a minute old serve assessment as well as fresh ones.
    Requests that miss together share one computation rather than each running the aggregate (at the
    start of a month every street's dashboard misses at once). Authorization is checked before the cache
    is consulted. ``ttl`` 0 turns the cache off.
    """

    def __init__(self, ttl: float, capacity: int = 4096) -> None:
        self.ttl = ttl
        self.capacity = capacity
        self._entries: dict[tuple[object, ...], tuple[float, Counts]] = {}
        self._computing: dict[tuple[object, ...], asyncio.Future[Counts]] = {}

    def get(self, key: tuple[object, ...]) -> Counts | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, key: tuple[object, ...], counts: Counts) -> None:
        if self.ttl <= 0:
            return
        if len(self._entries) >= self.capacity:
            self._entries.clear()
        self._entries[key] = (time.monotonic() + self.ttl, counts)

    async def get_or_compute(self, key: tuple[object, ...], compute: Callable[[], Awaitable[Counts]]) -> Counts:
        """The cached counts of ``key``, or ``compute()``'s, computed once for every caller waiting on it."""
        found = self.get(key)
        if found is not None:
            return found
        pending = self._computing.get(key)
        if pending is not None:
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise  # this caller was cancelled
                # The caller computing it gave up (its request was cancelled): compute it here instead.
                return await self.get_or_compute(key, compute)
        pending = asyncio.get_running_loop().create_future()
        self._computing[key] = pending
        try:
            counts = await compute()
        except asyncio.CancelledError:
            pending.cancel()
            raise
        except Exception as error:
            pending.set_exception(error)
            pending.exception()  # retrieved, so a future no one else awaited does not warn
            raise
        finally:
            del self._computing[key]
        pending.set_result(counts)
        self.put(key, counts)
        return counts


class ServicerBase(KitServicerBase):
    def __init__(self, runtime: ServiceRuntime, duplicates: DuplicateRule, figures_ttl: float = 0.0) -> None:
        super().__init__(runtime)
        self.duplicates = duplicates
        self.figures_cache = FiguresCache(figures_ttl)

    def load(self, session: Session, case_id: str, *, for_update: bool = False) -> Loaded:
        loaded = CaseStore(session).get(require_id(case_id), for_update=for_update)
        if loaded is None:
            raise NotFound(KIND, case_id)
        return loaded

    async def perform(
        self,
        case_id: str,
        action: domain.Action,
        build: Callable[[Session, domain.Case, roles.Actor], domain.Command] | None = None,
        *,
        after: Callable[[Session, domain.Outcome, roles.Actor], None] | None = None,
    ) -> tuple[pb.Case, domain.Outcome]:
        """Loads, checks scope, role and tier, transitions, saves, publishes; one transaction, one unit of work
        (on SQLite one trip to the writer thread). ``build`` makes the command from the loaded case; ``after``
        adds the action's own writes in the same transaction.

        Raises NotFound, PermissionDenied, IllegalTransition, InvalidArgument, FailedPrecondition.
        """
        actor = current_actor()
        now = self.now()
        require_id(case_id)

        def work(session: Session) -> tuple[pb.Case, domain.Outcome]:
            loaded = self.load(session, case_id, for_update=True)
            case = loaded.case
            # Scope and a resident's authorship; a unit's part is the role check's (after the state, whose
            # error names the allowed actions).
            actor_context.require_in_scope(case.jurisdiction_code)
            if roles.sees_only_own(actor) and case.reporter != actor.subject:
                raise PermissionDenied("a resident sees only the cases they reported")
            domain.check_legal(case, action)  # the state first: its error names the allowed actions
            why = roles.refusal(actor, action, case)
            if why:
                raise PermissionDenied(why)
            command = build(session, case, actor) if build else domain.Command(action, actor.subject)
            outcome = domain.transition(case, command, now)
            CaseStore(session).save(loaded, outcome.case, [outcome.history], now)
            publish_outcome(session, case, outcome, now)
            if after is not None:
                after(session, outcome, actor)
            return convert.case(outcome.case), outcome

        return await self.run_write(work)
