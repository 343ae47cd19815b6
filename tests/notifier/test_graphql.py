"""The inbox through the gateway over real HTTP: the caller's own notifications only, unread count, mark read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from services.kit.consumer import apply_event
from services.kit.database import Database
from services.kit.plugin import load_plugins
from services.notifier.events import ReminderHandler
from services.notifier.settings import NotifierSettings
from tests.gateway.harness import RunningGateway, gateway_settings, running_gateway, token
from tests.notifier.support import Clock, case_reminder, hazard_overdue, put_staff
from tests.support.services import RunningService, running_service

INBOX = """query($first: Int!, $after: String, $unread: Boolean! = false) {
  notifications(first: $first, after: $after, unreadOnly: $unread) {
    nodes { id kind title body reference jurisdictionCode createdAt readAt } pageInfo { hasNextPage endCursor } }
  unreadNotificationCount }"""
MARK = """mutation($id: ID!) { markNotificationRead(id: $id) { id readAt } }"""


@dataclass
class Stack:
    notifier: RunningService
    gateway: RunningGateway
    unit: str
    worker: str


@pytest.fixture
async def stack(database: Database, tmp_path: Path) -> AsyncIterator[Stack]:
    async with running_service("notifier", database) as notifier:
        notifier.runtime.clock = Clock()
        await put_staff(notifier.stub)
        handler = ReminderHandler(notifier.runtime, NotifierSettings())
        for sequence in (1, 2, 3):
            await apply_event(database, notifier.runtime.tables, "cases", case_reminder(sequence), handler)
        await apply_event(database, notifier.runtime.tables, "fire", hazard_overdue(1), handler)
        settings = gateway_settings(tmp_path, services={"notifier": notifier.address})
        async with running_gateway(settings, load_plugins(["notifier"])) as gateway:
            yield Stack(notifier, gateway,
                        unit=token(settings, "unit-1", (("handling_unit", "110108"),),
                                   department="urban_management"),
                        worker=token(settings, "worker-1", (("grid_worker", "110108001001001"),)))


async def test_each_caller_pages_through_their_own_notifications_only(stack: Stack) -> None:
    first = await stack.gateway.ok(INBOX, stack.unit, {"first": 2})
    page = first["notifications"]
    assert [n["reference"] for n in page["nodes"]] == ["AJ202611230003", "AJ202611230002"]
    assert page["pageInfo"]["hasNextPage"] and first["unreadNotificationCount"] == 3
    rest = await stack.gateway.ok(INBOX, stack.unit, {"first": 2, "after": page["pageInfo"]["endCursor"]})
    assert [n["reference"] for n in rest["notifications"]["nodes"]] == ["AJ202611230001"]
    node = page["nodes"][0]
    assert node["kind"] == "CASE_DUE_SOON" and node["title"] == "案件即将超期" and node["readAt"] is None
    worker = await stack.gateway.ok(INBOX, stack.worker, {"first": 50})
    assert [n["reference"] for n in worker["notifications"]["nodes"]] == ["hazard-1"]
    assert worker["notifications"]["nodes"][0]["kind"] == "HAZARD_OVERDUE"


async def test_marking_read_is_idempotent_and_nobody_marks_anothers(stack: Stack) -> None:
    nodes = (await stack.gateway.ok(INBOX, stack.unit, {"first": 50}))["notifications"]["nodes"]
    target = nodes[1]["id"]
    marked = (await stack.gateway.ok(MARK, stack.unit, {"id": target}))["markNotificationRead"]
    assert marked["id"] == target and marked["readAt"]
    stack.notifier.runtime.clock.advance(hours=1)  # type: ignore[attr-defined]
    again = (await stack.gateway.ok(MARK, stack.unit, {"id": target}))["markNotificationRead"]
    assert again["readAt"] == marked["readAt"]  # the first reading stays
    after = await stack.gateway.ok(INBOX, stack.unit, {"first": 50, "unread": True})
    assert after["unreadNotificationCount"] == 2
    assert target not in [n["id"] for n in after["notifications"]["nodes"]]
    error = await stack.gateway.first_error(MARK, stack.worker, {"id": target})
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert (await stack.gateway.ok(INBOX, stack.worker, {"first": 50}))["unreadNotificationCount"] == 1
