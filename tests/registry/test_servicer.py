"""The registry's gRPC API against a real in-process server, on SQLite and PostgreSQL."""

from __future__ import annotations

import grpc
import pytest

from gridgov.common.v1 import error_pb2
from gridgov.registry.v1 import registry_pb2 as pb
from services.registry.models import BuildingRow, HouseholdRow, JurisdictionNode, OrganizationRow, ResidentRow, VisitRow
from tests.registry.conftest import ADMIN, build_tree
from tests.support.actors import actor_metadata
from tests.support.idempotency import assert_created_once
from tests.support.services import RunningService, error_detail

GRID = "110108001001001"
OTHER_GRID = "110108001002001"
WORKER = actor_metadata("worker-1", (("grid_worker", GRID),), mask=("id_number", "phone"))


def member(name: str, id_number: str, gender: int, birth: str, relationship: int, phone: str = "") -> pb.ResidentInput:
    return pb.ResidentInput(name=name, id_number=id_number, gender=gender, birth_date=birth, phone=phone,
                            population_type=pb.POPULATION_TYPE_REGISTERED, relationship=relationship)


HEAD = member("胡强", "110108197403062913", pb.GENDER_MALE, "1974-03-06", pb.RELATIONSHIP_HEAD, "13131705289")
SPOUSE = member("杨芳", "110108197906059409", pb.GENDER_FEMALE, "1979-06-05", pb.RELATIONSHIP_SPOUSE)
CHILD = member("何娟平", "110108199508289582", pb.GENDER_FEMALE, "1995-08-28", pb.RELATIONSHIP_DAUGHTER)


async def rpc_error(call: object) -> tuple[grpc.StatusCode, error_pb2.ErrorDetail]:
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await call  # type: ignore[misc]
    return caught.value.code(), error_detail(caught.value)


def fields(detail: error_pb2.ErrorDetail) -> set[str]:
    return {v.field for v in detail.field_violations}


async def building(registry: RunningService, grid: str = GRID, address: str = "1号楼") -> pb.Building:
    response = await registry.stub.CreateBuilding(pb.CreateBuildingRequest(
        jurisdiction_code=grid, address=address, location={"latitude": 39.9, "longitude": 116.3}), metadata=ADMIN)
    return response.building


async def household(registry: RunningService, *members: pb.ResidentInput, number: str = "H1") -> pb.Household:
    place = await building(registry, address=f"{number}号楼")
    response = await registry.stub.CreateHousehold(pb.CreateHouseholdRequest(
        number=number, building_id=place.id, dwelling="101室", care_level=pb.CARE_LEVEL_ASSURED,
        members=members or [HEAD, SPOUSE]), metadata=ADMIN)
    return response.household


async def total_residents(registry: RunningService) -> int:
    return len((await registry.stub.ListResidents(pb.ListResidentsRequest(page={"page_size": 200}),
                                                  metadata=ADMIN)).residents)


# --- jurisdiction tree -------------------------------------------------------------------


async def test_tree_nodes_extend_their_parents_codes(registry: RunningService) -> None:
    grids = await build_tree(registry.stub, communities=2, grids=2)
    assert grids == ["110108001001001", "110108001001002", "110108001002001", "110108001002002"]
    street = await registry.stub.GetJurisdiction(pb.GetJurisdictionRequest(code="110108001"), metadata=ADMIN)
    assert street.jurisdiction.level == pb.JURISDICTION_LEVEL_STREET
    assert street.jurisdiction.parent_code == "110108"
    assert [c.code for c in street.children] == ["110108001001", "110108001002"]
    listed = await registry.stub.ListJurisdictions(pb.ListJurisdictionsRequest(
        level=pb.JURISDICTION_LEVEL_GRID, page={"page_size": 3}), metadata=ADMIN)
    assert [j.code for j in listed.jurisdictions] == grids[:3]
    rest = await registry.stub.ListJurisdictions(pb.ListJurisdictionsRequest(
        level=pb.JURISDICTION_LEVEL_GRID, page={"page_size": 3, "page_token": listed.page.next_page_token}),
        metadata=ADMIN)
    assert [j.code for j in rest.jurisdictions] == grids[3:] and rest.page.next_page_token == ""
    children = await registry.stub.ListJurisdictions(pb.ListJurisdictionsRequest(parent_code="110108001002"),
                                                     metadata=ADMIN)
    assert [j.code for j in children.jurisdictions] == grids[2:]


@pytest.mark.parametrize(("request_", "field"), [
    (pb.CreateJurisdictionRequest(code="1101080010", name="x"), "code"),
    (pb.CreateJurisdictionRequest(code="110108001009", name="x"), "code"),  # parent 110108001 exists, this is fine
    (pb.CreateJurisdictionRequest(code="110108009001", name="x"), "code"),  # parent street 110108009 missing
    (pb.CreateJurisdictionRequest(code="110108001001009", name="x"), "grid_type"),
    (pb.CreateJurisdictionRequest(code="110108001001009", grid_type=pb.GRID_TYPE_URBAN), "name"),
    (pb.CreateJurisdictionRequest(code="110108001009", name="x", grid_type=pb.GRID_TYPE_RURAL), "grid_type"),
])
async def test_bad_tree_nodes_are_refused_naming_the_field(registry: RunningService,
                                                           request_: pb.CreateJurisdictionRequest, field: str) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    if request_.code == "110108001009" and not request_.grid_type:
        await registry.stub.CreateJurisdiction(request_, metadata=ADMIN)  # the control: a valid community
        code, _ = await rpc_error(registry.stub.CreateJurisdiction(request_, metadata=ADMIN))
        assert code == grpc.StatusCode.ALREADY_EXISTS
        return
    code, detail = await rpc_error(registry.stub.CreateJurisdiction(request_, metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {field}
    missing = await rpc_error(registry.stub.GetJurisdiction(pb.GetJurisdictionRequest(code=request_.code),
                                                            metadata=ADMIN))
    assert missing[0] == grpc.StatusCode.NOT_FOUND


async def test_grid_workers_are_assigned_and_replaced(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    leader = pb.GridStaffMember(subject="leader", name="网格长", phone="13800000000")
    workers = [pb.GridStaffMember(subject="w1", name="甲", phone="13800000001"),
               pb.GridStaffMember(subject="w2", name="乙")]
    response = await registry.stub.AssignGridWorkers(
        pb.AssignGridWorkersRequest(code=GRID, leader=leader, workers=workers), metadata=ADMIN)
    assert response.jurisdiction.leader.name == "网格长"
    assert [w.subject for w in response.jurisdiction.workers] == ["w1", "w2"]
    await registry.stub.AssignGridWorkers(pb.AssignGridWorkersRequest(code=GRID, workers=workers[1:]),
                                          metadata=ADMIN)
    got = await registry.stub.GetJurisdiction(pb.GetJurisdictionRequest(code=GRID), metadata=WORKER)
    assert not got.jurisdiction.HasField("leader")
    assert [w.subject for w in got.jurisdiction.workers] == ["w2"]
    code, detail = await rpc_error(registry.stub.AssignGridWorkers(pb.AssignGridWorkersRequest(
        code="110108001001", workers=workers), metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {"code"}
    code, detail = await rpc_error(registry.stub.AssignGridWorkers(pb.AssignGridWorkersRequest(
        code=GRID, workers=[workers[0], workers[0], pb.GridStaffMember(name="无号")]), metadata=ADMIN))
    assert fields(detail) == {"workers[1].subject", "workers[2].subject"}


# --- households and residents ------------------------------------------------------------


async def test_a_household_is_created_with_its_members_and_read_back(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    created = await household(registry, HEAD, SPOUSE, CHILD)
    assert (created.head_name, created.member_count, created.jurisdiction_code) == ("胡强", 3, GRID)
    assert created.address == "H1号楼101室"
    got = (await registry.stub.GetHousehold(pb.GetHouseholdRequest(id=created.id), metadata=ADMIN)).household
    assert [m.name for m in got.members] == ["胡强", "杨芳", "何娟平"]
    assert got.members[0].id_number == "110108197403062913" and got.members[0].phone == "13131705289"
    listed = await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(), metadata=ADMIN)
    row = listed.households[0]
    assert (row.id, row.address, row.care_level, row.head_name, row.member_count, row.jurisdiction_code) == (
        created.id, "H1号楼101室", pb.CARE_LEVEL_ASSURED, "胡强", 3, GRID)
    assert list(row.members) == []


async def test_personal_data_is_masked_when_the_actor_says_so(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    created = await household(registry)
    got = (await registry.stub.GetHousehold(pb.GetHouseholdRequest(id=created.id), metadata=WORKER)).household
    assert got.members[0].id_number == "110108********2913"
    assert got.members[0].phone == "131****5289"
    # The hidden digits are the birth date: beside a masked ID only its year shows; gender stays.
    assert (got.members[0].birth_date, got.members[0].gender) == ("1974", pb.GENDER_MALE)
    resident = await registry.stub.FindResidentByIdNumber(
        pb.FindResidentByIdNumberRequest(id_number="110108197403062913"), metadata=WORKER)
    assert (resident.resident.id_number, resident.resident.birth_date) == ("110108********2913", "1974")
    listed = await registry.stub.ListResidents(pb.ListResidentsRequest(), metadata=WORKER)
    assert listed.residents and all(len(r.birth_date) == 4 for r in listed.residents)
    whole = (await registry.stub.GetHousehold(pb.GetHouseholdRequest(id=created.id), metadata=ADMIN)).household
    assert whole.members[0].birth_date == "1974-03-06"


async def test_a_registered_national_id_is_already_exists_naming_its_household(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    first = await household(registry, HEAD, SPOUSE, number="H1")
    place = await building(registry, address="2号楼")
    code, detail = await rpc_error(registry.stub.CreateHousehold(pb.CreateHouseholdRequest(
        number="H2", building_id=place.id, care_level=pb.CARE_LEVEL_ASSURED,
        members=[member("别人", "110108199203259147", pb.GENDER_FEMALE, "1992-03-25", pb.RELATIONSHIP_HEAD),
                 SPOUSE]), metadata=ADMIN))
    assert code == grpc.StatusCode.ALREADY_EXISTS and "household H1" in detail.message
    code, detail = await rpc_error(registry.stub.AddResident(pb.AddResidentRequest(
        household_id=first.id, resident=member("又一人", SPOUSE.id_number, pb.GENDER_FEMALE, "1979-06-05",
                                               pb.RELATIONSHIP_OTHER)), metadata=ADMIN))
    assert code == grpc.StatusCode.ALREADY_EXISTS and "household H1" in detail.message
    assert await total_residents(registry) == 2


@pytest.mark.parametrize(("bad", "field"), [
    (member("胡强", "110108197403062910", pb.GENDER_MALE, "1974-03-06", pb.RELATIONSHIP_HEAD),
     "members[0].id_number"),
    (member("胡强", "1101081974030629", pb.GENDER_MALE, "1974-03-06", pb.RELATIONSHIP_HEAD), "members[0].id_number"),
    (member("胡强", "110108197402302917", pb.GENDER_MALE, "1974-02-30", pb.RELATIONSHIP_HEAD),
     "members[0].id_number"),
    (member("胡强", "110108197403062913", pb.GENDER_FEMALE, "1974-03-06", pb.RELATIONSHIP_HEAD), "members[0].gender"),
    (member("胡强", "110108197403062913", pb.GENDER_MALE, "1974-03-07", pb.RELATIONSHIP_HEAD),
     "members[0].birth_date"),
    (member("", "110108197403062913", pb.GENDER_MALE, "1974-03-06", pb.RELATIONSHIP_HEAD), "members[0].name"),
    (member("胡强", "110108197403062913", pb.GENDER_UNSPECIFIED, "1974-03-06", pb.RELATIONSHIP_HEAD),
     "members[0].gender"),
    (member("胡强", "110108197403062913", pb.GENDER_MALE, "1974-03-06", pb.RELATIONSHIP_SON), "members"),
])
async def test_invalid_members_are_refused_and_nothing_is_stored(registry: RunningService, bad: pb.ResidentInput,
                                                                 field: str) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    place = await building(registry)
    code, detail = await rpc_error(registry.stub.CreateHousehold(pb.CreateHouseholdRequest(
        number="H1", building_id=place.id, care_level=pb.CARE_LEVEL_ASSURED, members=[bad]), metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT
    assert field in fields(detail)
    assert await total_residents(registry) == 0
    assert len((await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(), metadata=ADMIN)).households) == 0


async def test_every_bad_field_is_reported_at_once(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    place = await building(registry)
    _, detail = await rpc_error(registry.stub.CreateHousehold(pb.CreateHouseholdRequest(
        building_id=place.id, care_level=pb.CARE_LEVEL_ASSURED,
        members=[member("", "110108197403062910", pb.GENDER_MALE, "1974-03-06", pb.RELATIONSHIP_HEAD, "12"),
                 pb.ResidentInput(name="x", id_number="110108197906059409")]), metadata=ADMIN))
    assert fields(detail) >= {"members[0].name", "members[0].id_number", "members[0].phone", "members[1].gender",
                              "members[1].birth_date", "members[1].population_type", "members[1].relationship"}


async def test_an_unknown_grid_is_refused(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    for grid in ("110108999001001", "110108001001"):
        code, detail = await rpc_error(registry.stub.CreateBuilding(pb.CreateBuildingRequest(
            jurisdiction_code=grid, address="某处"), metadata=ADMIN))
        assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {"jurisdiction_code"}
    code, detail = await rpc_error(registry.stub.CreateHousehold(pb.CreateHouseholdRequest(
        building_id="no-such-building", care_level=pb.CARE_LEVEL_ASSURED, members=[HEAD]), metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {"building_id"}
    buildings = await registry.stub.ListBuildings(pb.ListBuildingsRequest(), metadata=ADMIN)
    assert list(buildings.buildings) == []


async def test_page_size_over_the_maximum_and_foreign_cursors_are_refused(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    code, detail = await rpc_error(registry.stub.ListHouseholds(
        pb.ListHouseholdsRequest(page={"page_size": 201}), metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {"page.page_size"}
    for n in range(3):
        await household(registry, member(f"户主{n}", ["110108197403062913", "110108197906059409",
                                                      "110108199508289582"][n],
                                         [pb.GENDER_MALE, pb.GENDER_FEMALE, pb.GENDER_FEMALE][n],
                                         ["1974-03-06", "1979-06-05", "1995-08-28"][n], pb.RELATIONSHIP_HEAD),
                        number=f"H{n}")
    first = await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(page={"page_size": 2}), metadata=ADMIN)
    token = first.page.next_page_token
    assert token
    code, detail = await rpc_error(registry.stub.ListHouseholds(pb.ListHouseholdsRequest(
        filter=pb.HouseholdFilter(care_level=pb.CARE_LEVEL_ATTENTION), page={"page_size": 2, "page_token": token}),
        metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {"page.page_token"}
    code, detail = await rpc_error(registry.stub.ListHouseholds(pb.ListHouseholdsRequest(
        page={"page_size": 2, "page_token": token}), metadata=WORKER))  # another scope, another query
    assert fields(detail) == {"page.page_token"}
    code, detail = await rpc_error(registry.stub.ListResidents(pb.ListResidentsRequest(
        page={"page_size": 2, "page_token": token}), metadata=ADMIN))
    assert fields(detail) == {"page.page_token"}
    code, detail = await rpc_error(registry.stub.ListHouseholds(pb.ListHouseholdsRequest(
        page={"page_token": "garbage"}), metadata=ADMIN))
    assert fields(detail) == {"page.page_token"}
    second = await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(page={"page_size": 2, "page_token": token}),
                                                metadata=ADMIN)
    assert len(second.households) == 1 and second.page.next_page_token == ""
    assert {h.id for h in first.households}.isdisjoint(h.id for h in second.households)


async def test_lists_and_reads_stay_inside_the_callers_scope(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=2, grids=1)
    mine = await household(registry, HEAD, number="H1")
    other_building = await building(registry, grid=OTHER_GRID, address="外")
    other = (await registry.stub.CreateHousehold(pb.CreateHouseholdRequest(
        number="H2", building_id=other_building.id, care_level=pb.CARE_LEVEL_ASSURED, members=[
            member("外人", "110108199203259147", pb.GENDER_FEMALE, "1992-03-25", pb.RELATIONSHIP_HEAD)]),
        metadata=ADMIN)).household
    listed = await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(), metadata=WORKER)
    assert [h.id for h in listed.households] == [mine.id]
    code, _ = await rpc_error(registry.stub.GetHousehold(pb.GetHouseholdRequest(id=other.id), metadata=WORKER))
    assert code == grpc.StatusCode.PERMISSION_DENIED
    code, _ = await rpc_error(registry.stub.FindResidentByIdNumber(
        pb.FindResidentByIdNumberRequest(id_number="110108199203259147"), metadata=WORKER))
    assert code == grpc.StatusCode.NOT_FOUND
    code, _ = await rpc_error(registry.stub.ListHouseholds(pb.ListHouseholdsRequest(), metadata=actor_metadata(
        "auditor", (("auditor", "110108"),), read_scopes=[])))
    assert code == grpc.StatusCode.PERMISSION_DENIED


async def test_moving_a_household_takes_its_members_to_the_new_grid(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=2, grids=1)
    created = await household(registry, HEAD, SPOUSE)
    target = await building(registry, grid=OTHER_GRID, address="新楼")
    moved = (await registry.stub.MoveHousehold(pb.MoveHouseholdRequest(
        household_id=created.id, building_id=target.id, dwelling="302室"), metadata=ADMIN)).household
    assert (moved.jurisdiction_code, moved.address, moved.building_id) == (OTHER_GRID, "新楼302室", target.id)
    assert {m.jurisdiction_code for m in moved.members} == {OTHER_GRID}
    narrow = actor_metadata("s", (("community_staff", "110108001001"),))
    back = await building(registry, address="旧楼")
    code, _ = await rpc_error(registry.stub.MoveHousehold(pb.MoveHouseholdRequest(
        household_id=created.id, building_id=back.id), metadata=narrow))
    assert code == grpc.StatusCode.PERMISSION_DENIED


async def test_close_contact_needs_a_helper_paired_with_one_household(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    first = await household(registry, HEAD, number="H1")
    second = await household(registry, SPOUSE.__class__(
        name="杨芳", id_number=SPOUSE.id_number, gender=pb.GENDER_FEMALE, birth_date="1979-06-05",
        population_type=pb.POPULATION_TYPE_FLOATING, relationship=pb.RELATIONSHIP_HEAD), number="H2")
    helper = pb.Helper(name="帮扶人", phone="13900000001")
    code, detail = await rpc_error(registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=first.id, care_level=pb.CARE_LEVEL_CLOSE_CONTACT, reason="独居"), metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {"helper"}
    code, detail = await rpc_error(registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=first.id), metadata=ADMIN))
    assert fields(detail) == {"care_level"}
    paired = (await registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=first.id, care_level=pb.CARE_LEVEL_CLOSE_CONTACT, reason="独居", helper=helper),
        metadata=ADMIN)).household
    assert (paired.care_level, paired.helper.name, paired.care_reason) == (
        pb.CARE_LEVEL_CLOSE_CONTACT, "帮扶人", "独居")
    code, detail = await rpc_error(registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=second.id, care_level=pb.CARE_LEVEL_CLOSE_CONTACT, reason="残疾", helper=helper), metadata=ADMIN))
    assert code == grpc.StatusCode.ALREADY_EXISTS and "H1" in detail.message
    # Setting the same pairing again is fine; releasing it frees the helper for another household.
    await registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=first.id, care_level=pb.CARE_LEVEL_CLOSE_CONTACT, reason="独居", helper=helper), metadata=ADMIN)
    released = (await registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=first.id, care_level=pb.CARE_LEVEL_ATTENTION, reason="好转"), metadata=ADMIN)).household
    assert not released.HasField("helper")
    await registry.stub.SetCareLevel(pb.SetCareLevelRequest(
        household_id=second.id, care_level=pb.CARE_LEVEL_CLOSE_CONTACT, reason="残疾", helper=helper), metadata=ADMIN)


async def test_residents_are_added_updated_and_moved_out(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    created = await household(registry, HEAD)
    added = (await registry.stub.AddResident(pb.AddResidentRequest(household_id=created.id, resident=CHILD),
                                             metadata=ADMIN)).resident
    assert (await registry.stub.GetHousehold(pb.GetHouseholdRequest(id=created.id),
                                             metadata=ADMIN)).household.member_count == 2
    changed = pb.ResidentInput()
    changed.CopyFrom(CHILD)
    changed.phone = "13800001111"
    updated = (await registry.stub.UpdateResident(pb.UpdateResidentRequest(id=added.id, resident=changed),
                                                  metadata=WORKER)).resident
    assert updated.phone == "138****1111"  # the worker's answer is masked; the stored phone is whole
    assert (await registry.stub.GetResident(pb.GetResidentRequest(id=added.id), metadata=ADMIN)).resident.phone == (
        "13800001111")
    code, detail = await rpc_error(registry.stub.UpdateResident(pb.UpdateResidentRequest(
        id=added.id, resident=CHILD.__class__(**{**_fields(CHILD), "relationship": pb.RELATIONSHIP_HEAD})),
        metadata=ADMIN))
    assert fields(detail) == {"resident.relationship"}
    got = await registry.stub.GetHousehold(pb.GetHouseholdRequest(id=created.id), metadata=ADMIN)
    head = got.household.members[0]
    code, _ = await rpc_error(registry.stub.RemoveResident(pb.RemoveResidentRequest(id=head.id), metadata=ADMIN))
    assert code == grpc.StatusCode.FAILED_PRECONDITION
    after = (await registry.stub.RemoveResident(pb.RemoveResidentRequest(id=added.id, reason="迁出"),
                                                metadata=ADMIN)).household
    assert (after.member_count, [m.name for m in after.members]) == (1, ["胡强"])
    code, _ = await rpc_error(registry.stub.GetResident(pb.GetResidentRequest(id=added.id), metadata=ADMIN))
    assert code == grpc.StatusCode.NOT_FOUND


def _fields(message: pb.ResidentInput) -> dict[str, object]:
    return {f.name: getattr(message, f.name) for f in message.DESCRIPTOR.fields}


async def test_household_filters(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    first = await household(registry, HEAD, number="H1")
    await household(registry, SPOUSE.__class__(**{**_fields(SPOUSE), "relationship": pb.RELATIONSHIP_HEAD}),
                    number="H2")
    await registry.stub.UpdateHousehold(pb.UpdateHouseholdRequest(
        id=first.id, number="H1-A", tags=[pb.VULNERABLE_TAG_DISABLED, pb.VULNERABLE_TAG_LOW_INCOME]), metadata=ADMIN)

    async def ids(**filter_: object) -> list[str]:
        page = await registry.stub.ListHouseholds(pb.ListHouseholdsRequest(filter=filter_), metadata=ADMIN)
        return [h.number for h in page.households]

    assert await ids(tags=[pb.VULNERABLE_TAG_DISABLED]) == ["H1-A"]
    assert await ids(tags=[pb.VULNERABLE_TAG_DISABLED, pb.VULNERABLE_TAG_HAZARD_AREA]) == []
    assert await ids(name="杨") == ["H2"]
    assert await ids(jurisdiction_prefix="110108001001") == ["H1-A", "H2"]
    assert await ids(jurisdiction_prefix="110108002") == []
    _, detail = await rpc_error(registry.stub.ListHouseholds(pb.ListHouseholdsRequest(
        filter=pb.HouseholdFilter(jurisdiction_prefix="11a")), metadata=ADMIN))
    assert fields(detail) == {"filter.jurisdiction_prefix"}


# --- organizations and visits ------------------------------------------------------------


async def test_organizations_need_a_valid_credit_code(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    code, detail = await rpc_error(registry.stub.CreateOrganization(pb.CreateOrganizationRequest(
        name="小店", credit_code="91350100M000100Y44", address="某路1号", jurisdiction_code=GRID), metadata=ADMIN))
    assert code == grpc.StatusCode.INVALID_ARGUMENT and fields(detail) == {"credit_code"}
    created = (await registry.stub.CreateOrganization(pb.CreateOrganizationRequest(
        name="小店", credit_code="91350100m000100y43", address="某路1号", jurisdiction_code=GRID,
        contact_phone="13800000000"), metadata=ADMIN)).organization
    assert created.credit_code == "91350100M000100Y43"
    code, _ = await rpc_error(registry.stub.CreateOrganization(pb.CreateOrganizationRequest(
        name="另一店", credit_code="91350100M000100Y43", address="某路2号", jurisdiction_code=GRID), metadata=ADMIN))
    assert code == grpc.StatusCode.ALREADY_EXISTS
    updated = (await registry.stub.UpdateOrganization(pb.UpdateOrganizationRequest(
        id=created.id, name="大店", credit_code=created.credit_code, address="某路3号"), metadata=ADMIN)).organization
    assert (updated.name, updated.contact_phone) == ("大店", "")
    listed = await registry.stub.ListOrganizations(pb.ListOrganizationsRequest(name="大"), metadata=WORKER)
    assert [o.id for o in listed.organizations] == [created.id]


async def test_grid_workers_record_visits_listed_newest_first(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    created = await household(registry)
    for n in range(3):
        visit = (await registry.stub.RecordVisit(pb.RecordVisitRequest(
            household_id=created.id, notes=f"第{n}次", visited_at={"seconds": 1_700_000_000 + n * 3600}),
            metadata=WORKER)).visit
        assert visit.worker == "worker-1" and visit.jurisdiction_code == GRID
    first = await registry.stub.ListVisits(pb.ListVisitsRequest(household_id=created.id, page={"page_size": 2}),
                                           metadata=ADMIN)
    rest = await registry.stub.ListVisits(pb.ListVisitsRequest(
        household_id=created.id, page={"page_size": 2, "page_token": first.page.next_page_token}), metadata=ADMIN)
    assert [v.notes for v in [*first.visits, *rest.visits]] == ["第2次", "第1次", "第0次"]
    _, detail = await rpc_error(registry.stub.RecordVisit(pb.RecordVisitRequest(
        household_id=created.id, notes=" ", visited_at={"seconds": 4_000_000_000}), metadata=WORKER))
    assert fields(detail) == {"notes", "visited_at"}


async def test_visit_notes_are_bounded_and_free_of_control_characters(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    created = await household(registry)
    for notes, problem in [("访" * 10001, "must be at most 10000 characters, got 10001"),
                           ("已\u202d访视", "must not contain the control character U+202D")]:
        code, detail = await rpc_error(registry.stub.RecordVisit(pb.RecordVisitRequest(
            household_id=created.id, notes=notes), metadata=WORKER))
        assert code == grpc.StatusCode.INVALID_ARGUMENT
        [violation] = detail.field_violations
        assert violation.field == "notes" and violation.description.startswith(problem)
    listed = await registry.stub.ListVisits(pb.ListVisitsRequest(household_id=created.id), metadata=ADMIN)
    assert list(listed.visits) == []
    visit = (await registry.stub.RecordVisit(pb.RecordVisitRequest(
        household_id=created.id, notes="访" * 10000), metadata=WORKER)).visit
    assert len(visit.notes) == 10000


async def test_creating_rpcs_run_once_per_idempotency_key(registry: RunningService) -> None:
    await build_tree(registry.stub, communities=1, grids=1)
    stub = registry.stub
    await assert_created_once(registry, stub.CreateJurisdiction, pb.CreateJurisdictionRequest(
        code="110108001001002", name="2网格", grid_type=pb.GRID_TYPE_URBAN), ADMIN, JurisdictionNode.__table__,
        pb.CreateJurisdictionRequest(code="110108001001003", name="3网格", grid_type=pb.GRID_TYPE_URBAN),
        again=False)
    place = (await assert_created_once(registry, stub.CreateBuilding, pb.CreateBuildingRequest(
        jurisdiction_code=GRID, address="9号楼"), ADMIN, BuildingRow.__table__,
        pb.CreateBuildingRequest(jurisdiction_code=GRID, address="10号楼"), again=False)).building
    created = (await assert_created_once(registry, stub.CreateHousehold, pb.CreateHouseholdRequest(
        number="K1", building_id=place.id, dwelling="101室", care_level=pb.CARE_LEVEL_ASSURED, members=[HEAD]),
        ADMIN, HouseholdRow.__table__, pb.CreateHouseholdRequest(
            number="K2", building_id=place.id, dwelling="102室", care_level=pb.CARE_LEVEL_ASSURED, members=[HEAD]),
        again=False)).household
    await assert_created_once(registry, stub.AddResident, pb.AddResidentRequest(
        household_id=created.id, resident=CHILD), ADMIN, ResidentRow.__table__,
        pb.AddResidentRequest(household_id=created.id, resident=SPOUSE), again=False)
    await assert_created_once(registry, stub.CreateOrganization, pb.CreateOrganizationRequest(
        name="小店", credit_code="91350100M000100Y43", address="某路1号", jurisdiction_code=GRID), ADMIN,
        OrganizationRow.__table__, pb.CreateOrganizationRequest(
            name="小店", credit_code="91350100M000100Y43", address="某路2号", jurisdiction_code=GRID), again=False)
    await assert_created_once(registry, stub.RecordVisit, pb.RecordVisitRequest(
        household_id=created.id, notes="走访", visited_at={"seconds": 1_700_000_000}), WORKER, VisitRow.__table__,
        pb.RecordVisitRequest(household_id=created.id, notes="又一次走访", visited_at={"seconds": 1_700_000_000}))
