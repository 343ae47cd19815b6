"""The inspection service's part of the demo district: the survey, grid heads at four levels, a week of
patrols with a few missed, violations raised as cases, sources in every status, a month of air quality.

Loaded through the service's own gRPC API (ImportSources first), deterministic for the context's seed;
dates are relative to the day it runs, so the due lists always show the past week.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from google.protobuf import timestamp_pb2

from gridgov.inspection.v1 import inspection_pb2 as pb
from gridgov.inspection.v1 import inspection_pb2_grpc
from services.inspection.survey import COLUMNS
from services.kit import demo, demo_boundaries
from services.kit.calendar import BEIJING
from services.kit.plugin import DemoContext
from services.kit.tabular import FileFormat, write_table

FAMILY_NAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN_NAMES = ("伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞")
ROADS = ("万寿路", "复兴路", "翠微路", "羊坊店路", "莲花池东路", "甘家口路", "阜成路", "增光路")
# Ledger type label, name choices, weight; attributes follow the type in _row.
KINDS = (
    ("施工工地", ("住宅项目工地", "地铁站施工现场", "道路改造工地"), 4),
    ("露天堆场", ("砂石料场", "建材堆场"), 2),
    ("裸露空地", ("待建空地", "拆迁空地"), 2),
    ("餐饮油烟", ("家常菜馆", "烤鸭店", "火锅店", "快餐店"), 5),
    ("露天烧烤", ("夜市烧烤摊",), 1),
    ("燃煤锅炉", ("小区供暖锅炉",), 1),
    ("煤炭堆场", ("煤场",), 1),
    ("混凝土搅拌站", ("商混站",), 1),
    ("工业重点源", ("热电厂", "印刷厂", "汽车维修厂"), 1),
)
PATROL_DAYS = 7
# Chance a head patrols on a day it is due: some misses for the due lists to show.
DILIGENCE = 0.85
VIOLATIONS = (
    ("construction_measure_missing", "施工工地", "出入车辆未冲洗，路面有带泥"),
    ("uncovered_storage", "露天堆场", "砂石料未苫盖"),
    ("missing_wind_break_net", "裸露空地", "未设置防风抑尘网"),
    ("purifier_not_working", "餐饮油烟", "油烟净化器未开启"),
    ("open_air_barbecue", "露天烧烤", "占道露天烧烤"),
    ("coal_burning", "燃煤锅炉", "违规燃用散煤"),
    ("open_burning", "裸露空地", "焚烧枯枝落叶"),
    ("emission_over_limit", "工业重点源", "在线监测颗粒物超标"),
)
POLLUTANT_BASE = {pb.POLLUTANT_PM25: 42.0, pb.POLLUTANT_PM10: 70.0, pb.POLLUTANT_NO2: 35.0,
                  pb.POLLUTANT_O3: 90.0, pb.POLLUTANT_SO2: 4.0, pb.POLLUTANT_CO: 0.7}


def _person(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(FAMILY_NAMES) + "".join(rng.choice(GIVEN_NAMES) for _ in range(rng.randint(1, 2)))
    return name, rng.choice(("138", "139", "135", "186", "150")) + f"{rng.randrange(10**8):08d}"


def _row(rng: random.Random, grid: str) -> dict[str, object]:
    label, names, _ = rng.choices(KINDS, [k[2] for k in KINDS])[0]
    contact, phone = _person(rng)
    row: dict[str, object] = {
        "source_type": label, "name": f"{rng.choice(ROADS)[:2]}{rng.choice(names)}{rng.randint(1, 99)}号",
        "jurisdiction_code": grid, "address": f"{rng.choice(ROADS)}{rng.randint(1, 200)}号",
        **dict(zip(("longitude", "latitude"), demo_boundaries.point_in(grid, rng), strict=True)),
        "responsible_unit": f"{contact[0]}氏{rng.choice(('建设', '餐饮', '物流', '能源'))}有限公司",
        "contact_name": contact, "contact_phone": phone,
    }
    if label in ("施工工地", "露天堆场", "裸露空地", "煤炭堆场"):
        row["area_m2"] = rng.choice((800, 1500, 3000, 12000))
    if label in ("露天堆场", "裸露空地", "煤炭堆场"):
        row["dust_controls"] = "、".join(rng.sample(("防风抑尘网", "苫盖", "洒水"), rng.randint(0, 2)))
    if label == "施工工地":
        row["checklist"] = "、".join(rng.sample(("enclosure", "covering", "hardened_roads", "wheel_washing",
                                                "wet_work", "covered_transport"), rng.randint(3, 6)))
    if label == "餐饮油烟":
        row["fume_purifier_installed"] = rng.choice(("是", "是", "是", "否"))
    if label == "工业重点源":
        row["control_level"] = rng.choice(("国控", "市控", "区控"))
        row["permit_number"] = f"91110108MA{rng.randrange(10**6):06d}"
    return row


def survey_rows(rng: random.Random) -> list[dict[str, object]]:
    """One to three sources in every grid of the demo district."""
    return [_row(rng, grid) for grid in demo.grid_codes() for _ in range(rng.randint(1, 3))]


def _timestamp(moment: datetime) -> timestamp_pb2.Timestamp:
    value = timestamp_pb2.Timestamp()
    value.FromDatetime(moment)
    return value


def _heads(rng: random.Random, since: date) -> list[pb.GridHead]:
    """A head for the district, each street, each community and each grid, assigned on ``since``."""
    codes = [demo.DISTRICT_CODE]
    for street in demo.streets():
        codes.append(street.code)
        for community in street.communities:
            codes.append(community.code)
            codes.extend(community.grids)
    heads = []
    for code in codes:
        name, phone = _person(rng)
        # The printed grid head token is the head of its community.
        subject = demo.GRID_LEADER if code == demo.COMMUNITY_CODE else f"head-{code}"
        heads.append(pb.GridHead(subject_id=subject, name=name, jurisdiction_code=code, phone=phone,
                                 assigned_on=since.isoformat()))
    return heads


def _patrols_due_on(level: int, day_index: int) -> bool:
    """The days of the week shown a head of ``level`` patrols by the default frequencies."""
    return {1: day_index == 3, 2: day_index == 2, 3: day_index in (1, 4), 4: True}[level]


async def load_demo_data(ctx: DemoContext) -> None:
    """Loads the demo inventory and activity unless sources exist already; raises grpc.aio.AioRpcError."""
    stub = inspection_pb2_grpc.InspectionServiceStub(ctx.channel)
    md = ctx.metadata
    if (await stub.ListSources(pb.ListSourcesRequest(page={"page_size": 1}), metadata=md)).sources:
        return
    rng = random.Random(ctx.seed)
    await stub.ImportSources(pb.ImportSourcesRequest(
        format=pb.FILE_FORMAT_CSV, data=write_table(survey_rows(rng), FileFormat.CSV, COLUMNS)), metadata=md)
    sources: list[pb.Source] = []
    token = ""
    while True:
        page = await stub.ListSources(pb.ListSourcesRequest(page={"page_size": 200, "page_token": token}),
                                      metadata=md)
        sources.extend(page.sources)
        token = page.page.next_page_token
        if not token:
            break
    today = datetime.now(UTC).astimezone(BEIJING).date()
    start = today - timedelta(days=PATROL_DAYS)
    # Heads took their scopes on the first day of the week shown, so every day of it is owed.
    heads = _heads(rng, start)
    for head in heads:
        await stub.AssignGridHead(pb.AssignGridHeadRequest(grid_head=head), metadata=md)
    patrols: list[pb.RecordPatrolRequest] = []
    for head in heads:
        level = (len(head.jurisdiction_code) - 3) // 3
        in_scope = [s for s in sources if s.jurisdiction_code.startswith(head.jurisdiction_code)]
        for index in range(PATROL_DAYS):
            if not _patrols_due_on(level, index) or rng.random() > DILIGENCE:
                continue
            day = start + timedelta(days=index)
            at = datetime.combine(day, time(rng.randint(8, 17), rng.randint(0, 59)), BEIJING).astimezone(UTC)
            checked = rng.sample(in_scope, min(len(in_scope), 2 if level == 4 else 3))
            patrols.append(pb.RecordPatrolRequest(
                patroller=head.subject_id, patrolled_at=_timestamp(at), findings="例行巡查",
                checks=[pb.SourceCheck(source_id=s.id, compliant=rng.random() > 0.2) for s in checked]))
    last_patrol: dict[str, str] = {}
    recorded = await stub.RecordPatrols(pb.RecordPatrolsRequest(patrols=patrols), metadata=md)
    for patrol in recorded.patrols:
        last_patrol[patrol.jurisdiction_code] = patrol.id
    by_type = {label: [s for s in sources if s.source_type == number]
               for label, number in (("施工工地", pb.SOURCE_TYPE_CONSTRUCTION_SITE),
                                     ("露天堆场", pb.SOURCE_TYPE_OPEN_STORAGE_YARD),
                                     ("裸露空地", pb.SOURCE_TYPE_BARE_LAND),
                                     ("餐饮油烟", pb.SOURCE_TYPE_RESTAURANT_FUMES),
                                     ("露天烧烤", pb.SOURCE_TYPE_OPEN_AIR_BARBECUE),
                                     ("燃煤锅炉", pb.SOURCE_TYPE_COAL_BOILER),
                                     ("工业重点源", pb.SOURCE_TYPE_INDUSTRIAL_KEY_SOURCE))}
    reported: set[str] = set()
    for code, label, description in VIOLATIONS:
        candidates = [s for s in by_type[label] if s.id not in reported]
        if not candidates:
            continue
        source = rng.choice(candidates)
        reported.add(source.id)
        await stub.ReportViolation(pb.ReportViolationRequest(
            source_id=source.id, violation_type=code, description=description,
            checklist_item="wheel_washing" if code == "construction_measure_missing" else "",
            evidence=[f"demo/evidence/{source.id[-8:]}.jpg"], patrol_id=last_patrol.get(source.jurisdiction_code, ""),
            urgent=code == "open_burning"), metadata=md)
        await stub.RectifySource(pb.RectifySourceRequest(id=source.id, reason=description), metadata=md)
    others = [s for s in sources if s.id not in reported]
    await stub.CloseSource(pb.CloseSourceRequest(id=others[0].id, reason="已停业"), metadata=md)
    await stub.RelocateSource(pb.RelocateSourceRequest(id=others[1].id, reason="已搬迁至外区"), metadata=md)
    await stub.IngestAirQuality(_air_quality(rng, today), metadata=md)


def _air_quality(rng: random.Random, today: date) -> pb.IngestAirQualityRequest:
    """Daily averages for 30 days at one station per street, and the city's averages beside them."""
    request = pb.IngestAirQualityRequest()
    for back in range(1, 31):
        day = today - timedelta(days=back)
        at = _timestamp(datetime.combine(day, time(12), BEIJING).astimezone(UTC))
        weather = 0.6 + rng.random() * 0.9  # one day's weather moves district and city together
        for pollutant, base in POLLUTANT_BASE.items():
            request.references.add(area="北京市", observed_at=at, pollutant=pollutant,
                                   value=round(base * weather, 2))
            for street in demo.streets():
                request.readings.add(station_code=f"station-{street.code[-3:]}", jurisdiction_code=street.code,
                                     observed_at=at, pollutant=pollutant,
                                     value=round(base * weather * (0.85 + rng.random() * 0.35), 2))
    return request
