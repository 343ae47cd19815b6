"""Demo cases for the demo district: 160 cases in every stage of the loop, loaded through the service's own
gRPC API as the demo loader (a trusted system actor); deterministic by the context's seed."""

from __future__ import annotations

import asyncio
import random

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.cases.v1 import cases_pb2_grpc
from gridgov.common.v1 import geo_pb2
from services.cases.convert import STATES
from services.cases.domain import CaseState as S
from services.kit import demo, demo_boundaries
from services.kit.plugin import DemoContext

Metadata = tuple[tuple[str, str | bytes], ...]

CASES = 160
# Category, description, weight.
PROBLEMS = (
    ("garbage_exposed", "小区门口垃圾桶满溢，垃圾散落地面", 5),
    ("clutter", "楼道内堆放杂物，影响通行", 4),
    ("illegal_posting", "电线杆上张贴小广告", 4),
    ("street_lamp_broken", "路灯夜间不亮", 3),
    ("manhole_cover_damaged", "人行道井盖破损", 2),
    ("shop_encroachment", "商铺占道经营", 3),
    ("street_vending", "无照游商聚集", 2),
    ("tree_damaged", "行道树被风刮倒", 1),
    ("road_pothole", "道路出现坑洼积水", 2),
    ("construction_dust", "工地未覆盖防尘网", 2),
    ("neighbourhood_dispute", "邻里因噪音发生纠纷", 2),
)
SOURCES = (pb.SOURCE_CHANNEL_GRID_WORKER,) * 6 + (pb.SOURCE_CHANNEL_RESIDENT, pb.SOURCE_CHANNEL_HOTLINE,
                                                  pb.SOURCE_CHANNEL_SUPERVISOR_PATROL)
# The state each demo case is left in, with weights. Every state of the loop is there (the first cases take one
# each), so a newcomer finds a case of each kind to try the next action on.
STAGES = ((S.REPORTED, 2), (S.REJECTED, 1), (S.VOIDED, 1), (S.MERGED, 1), (S.EMERGENCY, 1), (S.REGISTERED, 2),
          (S.RETURNED, 1), (S.DISPATCHED, 3), (S.ACCEPTED, 3), (S.ON_HOLD, 1), (S.HANDLED, 2), (S.CLOSED, 2),
          (S.ARCHIVED, 6))
# The straight path through the loop, and the side turns that leave it.
ORDER = (S.REPORTED, S.REGISTERED, S.DISPATCHED, S.ACCEPTED, S.HANDLED, S.CLOSED, S.ARCHIVED)
TURNS = {S.REJECTED: S.REPORTED, S.MERGED: S.REPORTED, S.EMERGENCY: S.REPORTED, S.VOIDED: S.REGISTERED,
         S.RETURNED: S.DISPATCHED, S.ON_HOLD: S.ACCEPTED}
# Services whose demo data requests cases (CaseRequested); cases requested by services are of this source.
REQUESTING_SERVICES = frozenset({"fire", "inspection"})
# Requested cases have stopped arriving once none came for REQUESTS_SETTLE seconds.
REQUESTS_SETTLE = 1.5
REQUESTS_PATIENCE = 20.0
DEMO_ROAD = f"{demo.DISTRICT_NAME}演示路"


async def load(ctx: DemoContext, count: int = CASES) -> None:
    """Loads the demo cases unless there are some already; raises grpc.aio.AioRpcError on a failed call."""
    stub = cases_pb2_grpc.CasesServiceStub(ctx.channel)
    md = ctx.metadata
    # The demo's own cases (fire's and inspection's requests may have made cases already).
    existing = await stub.ListCases(pb.ListCasesRequest(text=DEMO_ROAD, page={"page_size": 1}), metadata=md)
    if existing.cases:
        return
    rng = random.Random(ctx.seed)
    grids = demo.grid_codes()
    problems = [p for p in PROBLEMS for _ in range(p[2])]
    stages = [s for s, weight in STAGES for _ in range(weight)]
    first = [s for s, _ in STAGES]
    open_case = ""  # a case still in the loop, for a duplicate to be merged into
    for n in range(count):
        grid = grids[n % len(grids)]
        category, description, _ = rng.choice(problems)
        longitude, latitude = demo_boundaries.point_in(grid, rng)
        location = geo_pb2.GeoPoint(latitude=latitude, longitude=longitude)
        case = (await stub.ReportCase(pb.ReportCaseRequest(
            category_code=category, description=description, jurisdiction_code=grid, location=location,
            address=f"{DEMO_ROAD}{n + 1}号", source=rng.choice(SOURCES),
            evidence=[f"demo/{n + 1}/before.jpg"], reporter_phone=f"139{rng.randrange(10**8):08d}",
        ), metadata=md)).case
        stage = first[n] if n < len(first) else rng.choice(stages)
        if stage is S.MERGED and not open_case:
            stage = S.REPORTED
        await _advance(stub, md, case.id, ORDER.index(TURNS.get(stage, stage)))
        await _turn(stub, md, case.id, stage, open_case)
        if stage in (S.REPORTED, S.REGISTERED, S.DISPATCHED, S.ACCEPTED):
            open_case = case.id
    if set(ctx.loaded_before) & REQUESTING_SERVICES:
        await close_requested_cases(stub, md)


async def close_requested_cases(stub: cases_pb2_grpc.CasesServiceStub, md: Metadata,
                                settle: float = REQUESTS_SETTLE, patience: float = REQUESTS_PATIENCE) -> int:
    """Closes every other case the fire and inspection demo data requested, so their violations and hazards close
    too (CaseClosed); the rest stay open. Waits until such cases stop arriving (the cases service's consumer
    makes them from the events), at most ``patience`` seconds; returns how many it closed."""
    loop = asyncio.get_running_loop()
    deadline, seen, stable_since = loop.time() + patience, -1, loop.time()
    while True:
        requested = (await stub.ListCases(pb.ListCasesRequest(
            source=pb.SOURCE_CHANNEL_INSPECTION_SERVICE, page={"page_size": 200}), metadata=md)).cases
        if len(requested) != seen:
            seen, stable_since = len(requested), loop.time()
        elif requested and loop.time() - stable_since >= settle:
            break
        if loop.time() > deadline:
            break
        await asyncio.sleep(0.2)
    on_path = [c for c in requested if STATES.member(c.state) in ORDER[:ORDER.index(S.CLOSED)]]
    closing = sorted(on_path, key=lambda c: c.number)[::2]
    for case in closing:
        start = ORDER.index(STATES.member(case.state) or S.REPORTED)
        await _advance(stub, md, case.id, ORDER.index(S.CLOSED) - start, start=start)
    return len(closing)


async def _turn(stub: cases_pb2_grpc.CasesServiceStub, md: Metadata, case_id: str, stage: S, open_case: str) -> None:
    """Takes a case off the straight path into ``stage`` (nothing for a state on the path)."""
    if stage is S.REJECTED:
        await stub.RejectCase(pb.RejectCaseRequest(case_id=case_id, reason="不属于受理范围"), metadata=md)
    elif stage is S.MERGED:
        await stub.MergeCase(pb.MergeCaseRequest(case_id=case_id, original_id=open_case, comment="重复上报"),
                             metadata=md)
    elif stage is S.EMERGENCY:
        await stub.LinkEmergency(pb.LinkEmergencyRequest(case_id=case_id, comment="涉及人身安全，启动应急联动"),
                                 metadata=md)
    elif stage is S.VOIDED:
        await stub.VoidCase(pb.VoidCaseRequest(case_id=case_id, reason="经核实为误报"), metadata=md)
    elif stage is S.RETURNED:
        await stub.ReturnCase(pb.ReturnCaseRequest(case_id=case_id, reason="不属于本单位职责范围"), metadata=md)
    elif stage is S.ON_HOLD:
        await stub.RequestHold(pb.RequestHoldRequest(case_id=case_id, reason="需待规划调整后处置"), metadata=md)
        await stub.DecideHold(pb.DecideHoldRequest(case_id=case_id, approve=True, comment="同意挂账"), metadata=md)


async def _advance(stub: cases_pb2_grpc.CasesServiceStub, md: Metadata, case_id: str, steps: int,
                   start: int = 0) -> None:
    """Takes a case ``steps`` steps along the straight path, from its ``start``-th state (reported)."""
    calls = (
        lambda: stub.RegisterCase(pb.RegisterCaseRequest(case_id=case_id), metadata=md),
        lambda: stub.DispatchCase(pb.DispatchCaseRequest(case_id=case_id), metadata=md),
        lambda: stub.AcceptCase(pb.AcceptCaseRequest(case_id=case_id), metadata=md),
        lambda: stub.HandleCase(pb.HandleCaseRequest(case_id=case_id, resolution="已按要求处置完毕",
                                                     evidence=[f"demo/{case_id}/after.jpg"]), metadata=md),
        lambda: stub.VerifyCase(pb.VerifyCaseRequest(case_id=case_id, passed=True, comment="现场核查合格"),
                                metadata=md),
        lambda: stub.CallbackCase(pb.CallbackCaseRequest(case_id=case_id, satisfaction=pb.SATISFACTION_SATISFIED,
                                                         comment="回访满意"), metadata=md),
    )
    for call in calls[start:start + steps]:
        await call()
