"""A kill -9 of the notifier process in the middle of a delivery: after its restart, one event has made exactly one
SMS, one e-mail and one inbox entry per recipient (the cut-short SMS attempt repeated under the same key)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from gridgov.cases.v1 import cases_pb2
from services.cases.models import KIT as CASES_KIT
from services.kit.database import Database
from services.kit.migrations import upgrade
from services.kit.outbox import publish
from services.notifier.domain import Channel, DeliveryState, Staff, StaffRole
from services.notifier.models import DeliveryRow
from services.notifier.plugin import plugin
from services.notifier.store import DirectoryStore
from tests.notifier.providers import sms_provider, smtp_server
from tests.notifier.support import DISTRICT, GRID
from tests.support.services import free_port, running_service, wait_until

ROOT = Path(__file__).resolve().parents[2]
PEOPLE = (
    Staff("unit-1", "城管王", StaffRole.UNIT_STAFF, (DISTRICT,), unit="urban_management", phone="13800000001",
          email="unit-1@example.org", channels=(Channel.SMS, Channel.EMAIL)),
    Staff("unit-3", "城管张", StaffRole.UNIT_STAFF, (DISTRICT,), unit="urban_management", phone="13800000003",
          email="unit-3@example.org", channels=(Channel.SMS, Channel.EMAIL)),
)


async def start(environment: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as output:  # the child keeps its own copy of the descriptor
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "services.notifier", cwd=ROOT, env=environment, stdout=output,
            stderr=asyncio.subprocess.STDOUT)


async def deliveries(database: Database) -> list[DeliveryRow]:
    async with database.read() as session:
        return list((await session.execute(select(DeliveryRow))).scalars())


async def test_one_event_one_sms_one_mail_one_inbox_entry_per_recipient_across_a_kill(tmp_path: Path) -> None:
    notifier_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'notifier.db'}")
    cases_db = Database.from_url(f"sqlite+aiosqlite:///{tmp_path / 'cases.db'}")
    await upgrade(notifier_db, plugin.migrations)
    async with notifier_db.transaction() as session:
        for person in PEOPLE:
            await DirectoryStore(session).put(person, "test", datetime.now(UTC))
    log = tmp_path / "notifier.log"
    with sms_provider() as sms, smtp_server() as mailbox:
        sms.hold = True  # the first SMS request is received and never answered: the process dies meanwhile
        async with running_service("cases", cases_db) as cases:
            async with cases.runtime.database.transaction() as session:
                await publish(session, CASES_KIT, "CaseReminder", cases_pb2.CaseReminder(
                    case_id="c1", case_number="AJ202612040001", unit="urban_management", reason="overdue"), GRID)
            port = free_port()
            environment = {
                **os.environ, "GRIDGOV_MODE": "dev", "GRIDGOV_DATA_DIR": str(tmp_path),
                "GRIDGOV_SERVICES": "cases,notifier", "GRIDGOV_CASES_ADDRESS": cases.address,
                "GRIDGOV_NOTIFIER_ADDRESS": f"127.0.0.1:{port}", "GRIDGOV_NOTIFIER_LISTEN": f"127.0.0.1:{port}",
                "GRIDGOV_NOTIFIER_DATABASE_URL": notifier_db.url, "GRIDGOV_NOTIFIER_SMS_URL": sms.url,
                "GRIDGOV_NOTIFIER_SMTP_HOST": "127.0.0.1", "GRIDGOV_NOTIFIER_SMTP_PORT": str(mailbox.port),
                "GRIDGOV_NOTIFIER_DELIVERY_INTERVAL": "0.2", "GRIDGOV_NOTIFIER_RETRY_SECONDS": "0.2",
                "GRIDGOV_NOTIFIER_SEND_TIMEOUT": "20",
            }
            first = await start(environment, log)
            try:
                assert await asyncio.to_thread(sms.received.wait, 60), log.read_text()
                os.kill(first.pid, signal.SIGKILL)
                assert await first.wait() == -signal.SIGKILL
            finally:
                if first.returncode is None:
                    first.kill()
                    await first.wait()
            sms.release.set()
            cut_short = await deliveries(notifier_db)
            assert len(cut_short) == 6  # 2 recipients x (inbox, SMS, e-mail), recorded before the kill
            assert [r.attempts for r in cut_short if r.channel is Channel.SMS and r.state is DeliveryState.QUEUED]
            second = await start(environment, log)
            try:
                async def all_sent() -> bool:
                    rows = await deliveries(notifier_db)
                    return all(r.state in (DeliveryState.SENT, DeliveryState.DELIVERED) for r in rows)

                await wait_until(all_sent, seconds=60, interval=0.2)
                await asyncio.sleep(1.0)  # a few more passes of the queue: nothing may go out again
            finally:
                second.kill()
                await second.wait()
        rows = await deliveries(notifier_db)
        assert sorted((r.recipient, r.channel.value) for r in rows) == sorted(
            (p.subject, c) for p in PEOPLE for c in ("inbox", "sms", "email"))
        assert sorted(m["phone_numbers"] for m in sms.messages.values()) == ["13800000001", "13800000003"]
        assert sorted(m["To"] for m in mailbox.mails) == ["unit-1@example.org", "unit-3@example.org"]
        # The attempt the kill cut short was made again under its key, and recognised: the provider saw that key
        # twice (the held request, answered to a dead socket, and the repeat) and kept one message.
        held = next(key for key, m in sms.messages.items() if m["biz_id"] == "biz-held")
        assert [r["out_id"] for r in sms.requests].count(held) == 2
    await notifier_db.dispose()
    await cases_db.dispose()
