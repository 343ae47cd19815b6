"""What the caller got is on the chain: an outcome record after each allowed call, served or refused by the service."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import column, insert, table, text

from gateway.decision_log import audit, store
from gateway.decision_log.chain import HASHED_COLUMNS, link_hash
from gateway.decision_log.record import DecisionRecord, Outcome, timestamp_text
from gateway.decision_log.writer import DecisionLog
from gateway.migrate import MIGRATIONS, migrate_database
from gateway.models import Base
from gateway.policy.bundle import PERSONAL_FIELDS
from services.kit.database import Database
from services.kit.migrations import upgrade
from tests.cases.people import COMMUNITY, GRID
from tests.gateway.harness import gateway_settings, running_gateway, token
from tests.gateway.test_decision_log import ALLOWED, allow_tampering, policy_input, write
from tests.support.services import running_service

REPORT = """mutation($input: CaseReportInput!, $key: String) {
  reportCase(input: $input, idempotencyKey: $key) { id } }"""
CASE = {"categoryCode": "garbage_exposed", "description": "路口垃圾堆积", "jurisdictionCode": GRID,
        "source": "GRID_WORKER", "address": "翠微路3号"}
LOG = """query($filter: AccessDecisionFilter) { accessDecisions(filter: $filter) {
  nodes { sequence action allow outcome { state code message sequence } } } }"""


async def test_a_service_refusal_after_the_policy_allowed_is_on_record(database: Database, tmp_path: Path) -> None:
    async with running_service("cases", database) as cases:
        settings = gateway_settings(tmp_path, services={"cases": cases.address})
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            worker = token(settings, "gw1", [("grid_worker", GRID)])
            community = token(settings, "c1", [("community_staff", COMMUNITY)])
            auditor = token(settings, "audrey", [("auditor", "110108")])
            reported = await gw.ok("""mutation($input: CaseReportInput!) { reportCase(input: $input) { id } }""",
                                   worker, {"input": {"categoryCode": "garbage_exposed", "description": "路口垃圾",
                                                      "jurisdictionCode": GRID, "source": "GRID_WORKER",
                                                      "address": "翠微路3号", "evidence": []}})
            register = 'mutation($id: ID!) { registerCase(id: $id) { state } }'
            case = {"id": reported["reportCase"]["id"]}
            assert (await gw.ok(register, community, case))["registerCase"]["state"] == "REGISTERED"
            # The policy lets the community register; the service refuses a second registration.
            refused = await gw.first_error(register, community, case)
            assert refused["extensions"]["code"] == "ILLEGAL_TRANSITION"

            mine = (await gw.ok(LOG, auditor, {"filter": {"subject": "c1"}}))["accessDecisions"]["nodes"]
            refusals = (await gw.ok(LOG, auditor, {"filter": {"subject": "c1", "refused": True}}))
            served = (await gw.ok(LOG, auditor, {"filter": {"subject": "c1", "outcome": "SERVED"}}))
            by_service = (await gw.ok(LOG, auditor, {"filter": {"outcome": "REFUSED_BY_SERVICE"}}))
            export = (await gw.ok('{ accessDecisionExport(filter: {subject: "c1"}) { count jsonLines } }', auditor))
            verified = (await gw.ok("{ decisionLogVerification { ok checked headSequence } }", auditor))

    # Newest first: both decisions allowed; what the caller got differs.
    assert [(n["action"], n["allow"], n["outcome"]["state"]) for n in mine] == [
        ("case.register", True, "REFUSED_BY_SERVICE"), ("case.register", True, "SERVED")]
    refused_record = mine[0]["outcome"]
    assert refused_record["code"] == "ILLEGAL_TRANSITION" and refused_record["message"] == refused["message"]
    assert refused_record["sequence"] > mine[0]["sequence"]  # chained after its decision
    # An auditor's count of refusals is true: the one the service made counts, and only once.
    assert [n["sequence"] for n in refusals["accessDecisions"]["nodes"]] == [mine[0]["sequence"]]
    assert [n["sequence"] for n in served["accessDecisions"]["nodes"]] == [mine[1]["sequence"]]
    assert [n["sequence"] for n in by_service["accessDecisions"]["nodes"]] == [mine[0]["sequence"]]
    lines = [json.loads(line) for line in export["accessDecisionExport"]["jsonLines"].splitlines()]
    assert export["accessDecisionExport"]["count"] == 2
    assert [line["outcome"]["state"] for line in lines] == ["served", "refused_by_service"]
    assert lines[1]["outcome"]["code"] == "ILLEGAL_TRANSITION"
    # The outcome records are links of the chain like the decisions, and it still verifies.
    verification = verified["decisionLogVerification"]
    assert verification["ok"] is True and verification["checked"] == verification["headSequence"]
    assert verification["headSequence"] > max(n["sequence"] for n in mine) + 1


async def test_outcome_records_chain_and_altering_one_breaks_verification(database: Database) -> None:
    await migrate_database(database)
    log = DecisionLog(database, PERSONAL_FIELDS)
    now = datetime.now(UTC)
    first = await write(log)
    [decision] = [row async for row in store.scan(database)]
    decision_id = decision.decision_id
    future = log.record_outcome(policy_input(), decision_id, Outcome.REFUSED_BY_SERVICE, timestamp=now,
                                revision="abc123", requested_by="127.0.0.1:5000", request_id="r1",
                                code="FAILED_PRECONDITION", message="the case is in another street")
    assert await asyncio.wait_for(future, 5) == first + 1
    await write(log)
    rows = [row async for row in store.scan(database)]
    assert [(r.outcome, r.decision_ref, r.allow) for r in rows] == [
        ("", "", True), (Outcome.REFUSED_BY_SERVICE, decision_id, False), ("", "", True)]
    assert json.loads(rows[1].input) == {"subject": {"id": "alice"}, "action": "household.read",
                                         "resource": {"type": "household", "id": "h1",
                                                      "jurisdiction_code": "110108001001001"}}
    assert (await audit.verify(database, log.head_sequence)).ok
    await log.close()
    # Turning the refusal into "served", or into a plain decision, shows.
    await allow_tampering(database)
    for change in ("outcome = 'served'", "outcome = '', decision_ref = ''"):
        async with database.transaction() as session:
            await session.execute(text(f"UPDATE access_decision SET {change} WHERE sequence = 2"))
        result = await audit.verify(database)
        assert not result.ok and result.broken_sequence == 2, change


async def test_records_written_before_outcomes_existed_still_verify(database: Database) -> None:
    """A log written at revision 0001 (no outcome columns) migrated to 0002: its hashes still hold."""
    await upgrade(database, MIGRATIONS, "0001")
    entries = [policy_input(subject=f"u{i}") for i in range(3)]
    records = [log_entry(entry) for entry in entries]
    rows = store.chained_rows(None, records)
    for row in rows:
        # What 0001's code hashed: exactly HASHED_COLUMNS.
        old = {column: row[column] for column in HASHED_COLUMNS}
        old["timestamp"] = timestamp_text(old["timestamp"])
        assert row["hash"] == link_hash(row["previous_hash"], old)
        del row["outcome"], row["decision_ref"]
    # The table as 0001 made it (the model's later columns would be filled in by their defaults).
    table_0001 = table("access_decision", *(column(name) for name in (*HASHED_COLUMNS, "hash")))
    async with database.engine.begin() as connection:
        await connection.execute(insert(table_0001), rows)
    await migrate_database(database)
    log = DecisionLog(database, PERSONAL_FIELDS)
    await write(log)
    await log.close()
    result = await audit.verify(database)
    assert (result.ok, result.checked) == (True, 4)


def log_entry(entry: dict[str, object]) -> DecisionRecord:
    return DecisionRecord(decision_id=f"d-{entry['subject']['id']}", timestamp=datetime.now(UTC),  # type: ignore[index]
                                input=entry, result=ALLOWED.as_result(), revision="abc123",
                                requested_by="127.0.0.1:5000", req_id="r1")


async def test_the_migrations_match_the_model(database: Database) -> None:
    await migrate_database(database)
    async with database.engine.connect() as connection:
        diff = await connection.run_sync(
            lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata))
    assert diff == []


async def test_a_change_the_service_did_not_confirm_is_on_record_as_unknown(database: Database,
                                                                           tmp_path: Path) -> None:
    async with running_service("cases", database) as cases:
        settings = gateway_settings(tmp_path, services={"cases": cases.address}, call_timeout=0.5)
        async with running_gateway(settings, {"cases": cases.plugin}) as gw:
            worker = token(settings, "gw1", [("grid_worker", GRID)])
            auditor = token(settings, "audrey", [("auditor", "110108")])
            await cases.server.stop(grace=None)
            lost = await gw.first_error(REPORT, worker, {"input": CASE, "key": "k-1"})
            unknown = await gw.ok(LOG, auditor, {"filter": {"subject": "gw1", "outcome": "UNKNOWN"}})
            refused = await gw.ok(LOG, auditor, {"filter": {"subject": "gw1", "refused": True}})
    assert lost["extensions"]["outcome"] == "UNKNOWN"
    [record] = unknown["accessDecisions"]["nodes"]
    assert record["action"] == "case.report" and record["allow"] is True
    assert record["outcome"]["state"] == "UNKNOWN" and record["outcome"]["code"] == "SERVICE_UNAVAILABLE"
    assert record["outcome"]["message"] == lost["message"][:500]
    assert refused["accessDecisions"]["nodes"] == []  # not known to be refused: it may have been made
