"""The registry's part of the demo district: the tree and its boundaries, grid staff, 2,000 households,
organizations, visits.

Loaded through the registry's own gRPC API (ImportHouseholds takes the households street by street).
"""

from __future__ import annotations

import random

import grpc

from gridgov.registry.v1 import registry_pb2 as pb
from gridgov.registry.v1 import registry_pb2_grpc
from services.kit import demo, demo_boundaries
from services.kit.plugin import DemoContext
from services.kit.tabular import FileFormat, write_table
from services.registry import domain, ledger
from services.registry.synthetic import Synthesizer, SyntheticHousehold

HOUSEHOLDS = 2000
ORGANIZATIONS = 40
VISITS = 60
ORGANIZATION_KINDS = ("便利店", "餐馆", "五金店", "理发店", "药店", "幼儿园", "物业服务中心", "快递站")


def ledger_rows(households: list[SyntheticHousehold]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for h in households:
        for m in h.members:
            assert m.gender and m.population_type and m.relationship
            rows.append({
                "household_number": h.number, "jurisdiction_code": h.jurisdiction_code, "address": h.address,
                "care_level": domain.CARE_LEVEL_LABELS[h.care_level],
                "tags": "、".join(domain.TAG_LABELS[t] for t in h.tags), "care_reason": h.care_reason,
                "helper_name": h.helper.name if h.helper else "", "helper_phone": h.helper.phone if h.helper else "",
                "name": m.name, "relationship": domain.RELATIONSHIP_LABELS[m.relationship], "id_number": m.id_number,
                "gender": domain.GENDER_LABELS[m.gender], "birth_date": m.birth_date, "phone": m.phone,
                "population_type": domain.POPULATION_LABELS[m.population_type],
            })
    return rows


def credit_code(rng: random.Random) -> str:
    """A synthetic unified social credit code with a valid check character."""
    first17 = "9111" + "0108" + "MA" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
    return first17 + domain.credit_code_check_character(first17)


async def load_demo_data(ctx: DemoContext) -> None:
    """Loads the demo district unless it is there already; raises grpc.aio.AioRpcError on a failed call."""
    stub = registry_pb2_grpc.RegistryServiceStub(ctx.channel)
    md = ctx.metadata
    try:
        await stub.GetJurisdiction(pb.GetJurisdictionRequest(code=demo.DISTRICT_CODE), metadata=md)
        return  # loaded before
    except grpc.aio.AioRpcError as error:
        if error.code() != grpc.StatusCode.NOT_FOUND:
            raise
    rng = random.Random(ctx.seed)
    synth = Synthesizer(ctx.seed)
    await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code=demo.DISTRICT_CODE, name=demo.DISTRICT_NAME),
                                  metadata=md)
    grids = demo.grid_codes()
    per_grid = [HOUSEHOLDS // len(grids) + (1 if i < HOUSEHOLDS % len(grids) else 0) for i in range(len(grids))]
    grid_index = 0
    for street in demo.streets():
        await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code=street.code, name=street.name), metadata=md)
        households: list[SyntheticHousehold] = []
        for community in street.communities:
            await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(code=community.code, name=community.name),
                                          metadata=md)
            for number, grid in enumerate(community.grids, start=1):
                grid_type = pb.GRID_TYPE_RURAL if rng.random() < 0.15 else pb.GRID_TYPE_URBAN
                await stub.CreateJurisdiction(pb.CreateJurisdictionRequest(
                    code=grid, name=f"{community.name}第{number}网格", grid_type=grid_type), metadata=md)
                leader = pb.GridStaffMember(subject=f"demo-leader-{grid}", name=synth.name(domain.Gender.MALE),
                                            phone=synth.phone())
                workers = [pb.GridStaffMember(subject=f"demo-worker-{grid}-{w}",
                                              name=synth.name(rng.choice(tuple(domain.Gender))), phone=synth.phone())
                           for w in (1, 2)]
                await stub.AssignGridWorkers(pb.AssignGridWorkersRequest(code=grid, leader=leader, workers=workers),
                                             metadata=md)
                households += [synth.household(grid, street.name, community.name)
                               for _ in range(per_grid[grid_index])]
                grid_index += 1
        content = write_table(ledger_rows(households), FileFormat.CSV, ledger.COLUMNS)
        report = await stub.ImportHouseholds(pb.ImportHouseholdsRequest(content=content, format=pb.FILE_FORMAT_CSV),
                                             metadata=md, timeout=120)
        if report.errors:
            first = report.errors[0]
            raise RuntimeError(f"demo ledger of {street.code} rejected: line {first.line} {first.field}: "
                               f"{first.reason}")
    await _import_boundaries(stub, md)
    for index in range(ORGANIZATIONS):
        grid = rng.choice(grids)
        await stub.CreateOrganization(pb.CreateOrganizationRequest(
            name=f"{rng.choice('海淀万寿羊坊甘家')}{rng.choice(ORGANIZATION_KINDS)}{index + 1}号",
            credit_code=credit_code(rng), address=f"北京市海淀区演示路{index + 1}号", jurisdiction_code=grid,
            contact_phone=synth.phone()), metadata=md)
    await _record_visits(stub, md, rng)


async def _import_boundaries(stub: registry_pb2_grpc.RegistryServiceStub,
                             md: tuple[tuple[str, str | bytes], ...]) -> None:
    report = await stub.ImportBoundaries(pb.ImportBoundariesRequest(
        content=demo_boundaries.feature_collection(), format=pb.BOUNDARY_FORMAT_GEOJSON,
        source_crs=pb.SOURCE_CRS_WGS84), metadata=md, timeout=120)
    if report.errors:
        first = report.errors[0]
        raise RuntimeError(f"demo boundaries rejected: feature {first.feature} ({first.code}): {first.reason}")


async def _record_visits(stub: registry_pb2_grpc.RegistryServiceStub, md: tuple[tuple[str, str | bytes], ...],
                         rng: random.Random) -> None:
    """Visits to close_contact households first, as grid workers do."""
    page = await stub.ListHouseholds(pb.ListHouseholdsRequest(
        filter=pb.HouseholdFilter(care_level=pb.CARE_LEVEL_CLOSE_CONTACT), page={"page_size": 200}), metadata=md)
    notes = ("上门走访，了解生活情况，无异常", "帮扶人已到位，协助办理医保报销", "检查燃气安全，提醒冬季用火用电",
             "老人身体状况良好，已留联系方式", "反映楼道照明损坏，已登记上报")
    for index in range(VISITS):
        household = page.households[index % len(page.households)]
        await stub.RecordVisit(pb.RecordVisitRequest(household_id=household.id, notes=rng.choice(notes)),
                               metadata=md)
