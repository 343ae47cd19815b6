"""The fire service's part of the demo district: places in every grid, inspections and hazards in each state.

Loaded through the fire service's own gRPC API (ImportPlaces, then inspections and hazard actions). The overdue
and handed-over hazards are rectification orders given earlier: they reach those states at the deadline job's
first run after the load (GRIDGOV_JOB_INTERVAL, 30 s).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from google.protobuf import timestamp_pb2

from gridgov.fire.v1 import fire_pb2 as pb
from gridgov.fire.v1 import fire_pb2_grpc
from services.fire.place_import import IMPORT_COLUMNS
from services.kit import demo, demo_boundaries
from services.kit.plugin import DemoContext
from services.kit.tabular import FileFormat, write_table

PLACES_PER_GRID = 4
INSPECTED_SHARE = 0.4
FAMILY_NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞")
# Place type code, Chinese type label, names to pick from, and its weight in the demo.
KINDS = (
    ("small_shop", "小商店", ("便民超市", "五金店", "水果店", "烟酒店"), 5),
    ("small_workshop", "小作坊", ("服装加工坊", "家具作坊", "食品加工点"), 2),
    ("small_entertainment", "小娱乐场所", ("棋牌室", "网吧", "KTV"), 2),
    ("live_work_storage", "三合一", ("综合商店",), 1),
    ("rental_housing", "出租房", ("出租公寓", "群租房"), 3),
    ("public_venue", "公共场所", ("社区活动中心", "菜市场"), 1),
    ("warehouse", "仓库", ("物流仓库",), 1),
    ("factory", "工厂", ("印刷厂",), 1),
    ("key_unit", "重点单位", ("购物中心", "医院", "学校"), 1),
)
ROADS = ("万寿路", "复兴路", "翠微路", "羊坊店路", "莲花池东路", "甘家口路", "阜成路", "增光路")
# Where an open hazard is taken (beside fixed on the spot at the inspection), with weights; "overdue" and
# "handed_over" are orders given OVERDUE_DAYS and HANDED_OVER_DAYS ago, which the deadline job moves on.
FATES = ("open", "rectifying", "rectified", "closed", "overdue", "handed_over")
FATE_WEIGHTS = (20, 30, 15, 25, 6, 4)
OVERDUE_DAYS = 2  # inside the hand-over grace period (7 days by default)
HANDED_OVER_DAYS = 30
Metadata = tuple[tuple[str, str | bytes], ...]
SHOP_HAZARDS = ("no_extinguisher", "extinguisher_broken", "escape_route_blocked", "illegal_wiring", "clutter",
                "small_venue_sleeping", "exit_locked", "facility_damaged")


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(FAMILY_NAMES) + "".join(rng.choice(GIVEN_NAMES) for _ in range(rng.randint(1, 2)))
    return name, rng.choice(("138", "139", "135", "186", "150")) + f"{rng.randrange(10**8):08d}"


def place_rows(rng: random.Random) -> list[dict[str, object]]:
    """Import rows for every grid of the demo district, deterministic for the seed."""
    weights = [kind[3] for kind in KINDS]
    rows: list[dict[str, object]] = []
    for grid in demo.grid_codes():
        for _ in range(PLACES_PER_GRID):
            _code, label, names, _ = rng.choices(KINDS, weights)[0]
            owner, owner_phone = _person(rng)
            contact, contact_phone = _person(rng) if rng.random() < 0.5 else ("", "")
            rows.append({
                "type": label, "name": f"{rng.choice(ROADS)[:2]}{rng.choice(names)}",
                "address": f"{rng.choice(ROADS)}{rng.randint(1, 120)}号", "jurisdiction_code": grid,
                "owner_name": owner, "owner_phone": owner_phone, "contact_name": contact,
                "contact_phone": contact_phone, "risk_level": rng.choice(("低", "低", "中", "高")),
                **dict(zip(("longitude", "latitude"), demo_boundaries.point_in(grid, rng), strict=True)),
            })
    return rows


async def load_demo_data(ctx: DemoContext) -> None:
    """Loads the demo places, inspections and hazards unless places exist already.

    Raises grpc.aio.AioRpcError on a failed call.
    """
    stub = fire_pb2_grpc.FireServiceStub(ctx.channel)
    md = ctx.metadata
    existing = await stub.ListPlaces(pb.ListPlacesRequest(page={"page_size": 1}), metadata=md)
    if existing.places:
        return
    rng = random.Random(ctx.seed)
    content = write_table(place_rows(rng), FileFormat.CSV, IMPORT_COLUMNS)
    await stub.ImportPlaces(pb.ImportPlacesRequest(content=content, format=pb.FILE_FORMAT_CSV), metadata=md)
    places = []
    token = ""
    while True:
        page = await stub.ListPlaces(pb.ListPlacesRequest(page={"page_size": 200, "page_token": token}), metadata=md)
        places.extend(page.places)
        token = page.page.next_page_token
        if not token:
            break
    fates = list(FATES)  # the first hazards take one fate each, so every state is in the district
    for place in rng.sample(places, int(len(places) * INSPECTED_SHARE)):
        await _inspect(stub, md, rng, place, fates)


async def _inspect(stub: fire_pb2_grpc.FireServiceStub, md: Metadata, rng: random.Random, place: pb.Place,
                   fates: list[str]) -> None:
    """One inspection of ``place`` finding up to two hazards, then each hazard taken along to a fate: the next
    of ``fates`` while any are left (each is then removed), else one drawn at random."""
    rural = place.type == pb.PLACE_TYPE_RURAL_HOUSEHOLD
    level = place.inspected_by
    started = await stub.StartInspection(pb.StartInspectionRequest(place_id=place.id, grid_level=level),
                                         metadata=md)
    codes = rng.sample(("rural_fire_use", "rural_gas_use", "rural_heating") if rural else SHOP_HAZARDS, 3)
    found = rng.randint(0, 2)
    items = []
    for index, code in enumerate(codes):
        if index < found:
            items.append(pb.ChecklistItem(hazard_type_code=code, result=pb.CHECK_RESULT_HAZARD_FOUND,
                                          evidence=[f"demo/{place.id}/{code}.jpg"],
                                          fixed_on_spot=rng.random() < 0.25, note="巡查发现"))
        else:
            items.append(pb.ChecklistItem(hazard_type_code=code, result=pb.CHECK_RESULT_PASSED))
    await stub.RecordChecklist(pb.RecordChecklistRequest(inspection_id=started.inspection.id, items=items),
                               metadata=md)
    final = await stub.FinalizeInspection(pb.FinalizeInspectionRequest(inspection_id=started.inspection.id),
                                          metadata=md)
    for hazard in final.hazards:
        if hazard.state != pb.HAZARD_STATE_OPEN:
            continue  # fixed on the spot
        fate = fates.pop(0) if fates else rng.choices(FATES, FATE_WEIGHTS)[0]
        await _take(stub, md, hazard.id, fate)


async def _take(stub: fire_pb2_grpc.FireServiceStub, md: Metadata, hazard_id: str, fate: str) -> None:
    """Takes an open hazard along to ``fate`` (one of FATES)."""
    if fate == "open":
        return  # left for the portal to act on
    if fate in ("overdue", "handed_over"):
        # An order given earlier: the deadline job marks it overdue, and hands it over to the police once the
        # grace period is past too (publishing CaseRequested, so the cases service opens a fire case).
        days = OVERDUE_DAYS if fate == "overdue" else HANDED_OVER_DAYS
        await stub.OrderRectification(pb.OrderRectificationRequest(
            id=hazard_id, note="已书面通知负责人限期整改",
            rectify_by=_timestamp(datetime.now(UTC) - timedelta(days=days))), metadata=md)
        return
    await stub.OrderRectification(pb.OrderRectificationRequest(id=hazard_id, note="已当面告知负责人"), metadata=md)
    if fate == "rectifying":
        return
    await stub.ClaimFix(pb.ClaimFixRequest(id=hazard_id, note="已整改", evidence=[f"demo/{hazard_id}/fixed.jpg"]),
                        metadata=md)
    if fate == "closed":
        await stub.VerifyFix(pb.VerifyFixRequest(id=hazard_id, note="复查合格"), metadata=md)


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    stamp = timestamp_pb2.Timestamp()
    stamp.FromDatetime(moment)
    return stamp
