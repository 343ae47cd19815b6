"""The cases' breakdown in the gateway schema: a jurisdiction's counts per child, per category and per day."""

from __future__ import annotations

import datetime

import strawberry
from strawberry.types import Info

from gateway.context import RequestContext, Resource
from gateway.plugin_types import stamp
from gridgov.cases.v1 import cases_pb2 as pb

SERVICE = "cases"


@strawberry.type(description="The cases under one child jurisdiction: open, due soon and overdue now, reported in "
                             "the period.")
class CaseChildCount:
    jurisdiction_code: str
    open: int
    due_soon: int
    overdue: int
    reported: int


@strawberry.type(description="The cases of one category reported in the period.")
class CaseCategoryCount:
    category_code: str
    reported: int


@strawberry.type(description="One Beijing day of the period: cases reported and cases closed that day.")
class CaseDayCount:
    day: datetime.date
    reported: int
    closed: int


@strawberry.type(description="A jurisdiction's cases broken down for its dashboard.")
class CaseBreakdown:
    jurisdiction_code: str = strawberry.field(
        description="The jurisdiction broken down: the prefix asked for, or the caller's single scope.")
    children: list[CaseChildCount] = strawberry.field(
        description="Per child jurisdiction (one level down) with any case, by code; none for a grid.")
    categories: list[CaseCategoryCount] = strawberry.field(
        description="Per category with a case reported in the period, most reported first.")
    days: list[CaseDayCount] = strawberry.field(description="Every Beijing day the period touches, in order.")


@strawberry.type
class CaseBreakdownQuery:
    @strawberry.field(description="A jurisdiction's cases per child jurisdiction, per category and per Beijing day "
                                  "of the period (default: this month in Beijing time; at most 366 days), for the "
                                  "centres.")
    async def case_breakdown(self, info: Info, jurisdiction_prefix: str = "",
                             period_start: datetime.datetime | None = None,
                             period_end: datetime.datetime | None = None) -> CaseBreakdown:
        ctx: RequestContext = info.context
        request = pb.GetBreakdownRequest(
            jurisdiction_prefix=jurisdiction_prefix,
            period_start=stamp(period_start, "periodStart") if period_start is not None else None,
            period_end=stamp(period_end, "periodEnd") if period_end is not None else None)
        decision = await ctx.authorize("case.breakdown", Resource("case"))
        answer = await ctx.call(SERVICE, "GetBreakdown", request, decision)
        return CaseBreakdown(
            jurisdiction_code=answer.jurisdiction_code,
            children=[CaseChildCount(jurisdiction_code=c.jurisdiction_code, open=c.open, due_soon=c.due_soon,
                                     overdue=c.overdue, reported=c.reported) for c in answer.children],
            categories=[CaseCategoryCount(category_code=c.category_code, reported=c.reported)
                        for c in answer.categories],
            days=[CaseDayCount(day=datetime.date.fromisoformat(d.day), reported=d.reported, closed=d.closed)
                  for d in answer.days])
