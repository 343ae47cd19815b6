"""Demo cases for the demo district: 160 cases in every stage of the loop, loaded through the service's own
gRPC API as the demo loader (a trusted system actor); deterministic by the context's seed."""

from __future__ import annotations

import random

from gridgov.cases.v1 import cases_pb2 as pb
from gridgov.cases.v1 import cases_pb2_grpc
from gridgov.common.v1 import geo_pb2
from services.kit import demo
from services.kit.plugin import DemoContext

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
# How far along the loop each demo case gets, with weights.
STAGES = (("reported", 2), ("rejected", 1), ("registered", 2), ("dispatched", 3), ("accepted", 3),
          ("handled", 2), ("closed", 2), ("archived", 6))
ORDER = ("reported", "registered", "dispatched", "accepted", "handled", "closed", "archived")
# The district's centre, for plausible coordinates.
CENTRE = (39.9075, 116.2973)


async def load(ctx: DemoContext, count: int = CASES) -> None:
    """Loads the demo cases unless there are some already; raises grpc.aio.AioRpcError on a failed call."""
    stub = cases_pb2_grpc.CasesServiceStub(ctx.channel)
    md = ctx.metadata
    existing = await stub.ListCases(pb.ListCasesRequest(page={"page_size": 1}), metadata=md)
    if existing.cases:
        return
    rng = random.Random(ctx.seed)
    grids = demo.grid_codes()
    problems = [p for p in PROBLEMS for _ in range(p[2])]
    stages = [s for s, weight in STAGES for _ in range(weight)]
    for n in range(count):
        grid = grids[n % len(grids)]
        category, description, _ = rng.choice(problems)
        location = geo_pb2.GeoPoint(latitude=CENTRE[0] + rng.uniform(-0.03, 0.03),
                                    longitude=CENTRE[1] + rng.uniform(-0.04, 0.04))
        case = (await stub.ReportCase(pb.ReportCaseRequest(
            category_code=category, description=description, jurisdiction_code=grid, location=location,
            address=f"{demo.DISTRICT_NAME}演示路{n + 1}号", source=rng.choice(SOURCES),
            evidence=[f"demo/{n + 1}/before.jpg"], reporter_phone=f"139{rng.randrange(10**8):08d}",
        ), metadata=md)).case
        stage = rng.choice(stages)
        if stage == "rejected":
            await stub.RejectCase(pb.RejectCaseRequest(case_id=case.id, reason="不属于受理范围"), metadata=md)
            continue
        await _advance(stub, md, case.id, ORDER.index(stage))


async def _advance(stub: cases_pb2_grpc.CasesServiceStub, md: tuple[tuple[str, str | bytes], ...], case_id: str,
                   steps: int) -> None:
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
    for call in calls[:steps]:
        await call()
