"""What every part of the inspection servicer shares: the runtime, the clock, periods and scoped filters."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from services.inspection.domain import parse_period
from services.inspection.store import narrow
from services.kit import actor
from services.kit.calendar import BEIJING
from services.kit.errors import InvalidArgument
from services.kit.jurisdiction import problem
from services.kit.servicer import ServicerBase as KitServicerBase


class ServicerBase(KitServicerBase):
    """The kit's servicer base, and the local date of the injected clock."""

    def today(self) -> date:
        return self.now().astimezone(BEIJING).date()


def scopes_within(prefix: str, field: str = "jurisdiction_code") -> list[str]:
    """The call's read scopes narrowed to ``prefix``; raises InvalidArgument for a malformed prefix."""
    if prefix and (reason := problem(prefix)):
        raise InvalidArgument.field(field, reason)
    return narrow(actor.read_scopes(), prefix)


def period_bounds(start: str, end: str) -> tuple[date, date, datetime, datetime]:
    """The period's first and last local dates and the UTC instants [start 00:00, day after end 00:00) Beijing."""
    first, last = parse_period(start, end)
    lower = datetime.combine(first, time(0), BEIJING)
    upper = datetime.combine(last + timedelta(days=1), time(0), BEIJING)
    return first, last, lower, upper
