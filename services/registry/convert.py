"""Translation between the registry's protobuf messages and its domain records, with masking."""

from __future__ import annotations

from datetime import datetime

from google.protobuf.timestamp_pb2 import Timestamp

from gridgov.common.v1 import geo_pb2
from gridgov.registry.v1 import registry_pb2 as pb
from services.kit.actor import masks
from services.kit.enums import EnumMapping
from services.kit.masking import coarsen_birth_date, mask_id_number, mask_phone
from services.registry import domain

LEVELS = EnumMapping(domain.JurisdictionLevel, pb.JurisdictionLevel, "JURISDICTION_LEVEL")
GRID_TYPES = EnumMapping(domain.GridType, pb.GridType, "GRID_TYPE")
CARE_LEVELS = EnumMapping(domain.CareLevel, pb.CareLevel, "CARE_LEVEL")
TAGS = EnumMapping(domain.VulnerableTag, pb.VulnerableTag, "VULNERABLE_TAG")
GENDERS = EnumMapping(domain.Gender, pb.Gender, "GENDER")
POPULATION_TYPES = EnumMapping(domain.PopulationType, pb.PopulationType, "POPULATION_TYPE")
RELATIONSHIPS = EnumMapping(domain.Relationship, pb.Relationship, "RELATIONSHIP")


def timestamp(value: datetime) -> Timestamp:
    stamp = Timestamp()
    stamp.FromDatetime(value)
    return stamp


def _id_number(value: str) -> str:
    return mask_id_number(value) if masks("id_number") else value


def _birth_date(value: str) -> str:
    # The birth date is the hidden part of a masked ID number: only its year shows where the ID is masked.
    return coarsen_birth_date(value) if masks("id_number") else value


def _phone(value: str, field: str = "phone") -> str:
    return mask_phone(value) if value and masks(field) else value


def staff(member: domain.StaffMember) -> pb.GridStaffMember:
    return pb.GridStaffMember(subject=member.subject, name=member.name, phone=_phone(member.phone))


def jurisdiction(node: domain.Jurisdiction) -> pb.Jurisdiction:
    message = pb.Jurisdiction(code=node.code, name=node.name, level=LEVELS.to_proto(node.level),
                              parent_code=node.parent_code or "", grid_type=GRID_TYPES.to_proto(node.grid_type),
                              workers=[staff(w) for w in node.workers])
    if node.leader is not None:
        message.leader.CopyFrom(staff(node.leader))
    if node.boundary is not None:
        message.boundary.CopyFrom(pb.Boundary(geojson=node.boundary.geojson, area_m2=node.boundary.area_m2))
    return message


def building(record: domain.Building) -> pb.Building:
    message = pb.Building(id=record.id, jurisdiction_code=record.jurisdiction_code, address=record.address,
                          name=record.name, located_grid=record.located_grid)
    if record.latitude is not None and record.longitude is not None:
        message.location.CopyFrom(geo_pb2.GeoPoint(latitude=record.latitude, longitude=record.longitude))
    return message


def resident(record: domain.Resident) -> pb.Resident:
    return pb.Resident(
        id=record.id, household_id=record.household_id, jurisdiction_code=record.jurisdiction_code,
        name=record.name, id_number=_id_number(record.id_number), gender=GENDERS.to_proto(record.gender),
        birth_date=_birth_date(record.birth_date.isoformat()), phone=_phone(record.phone),
        population_type=POPULATION_TYPES.to_proto(record.population_type),
        relationship=RELATIONSHIPS.to_proto(record.relationship),
    )


def household(record: domain.Household) -> pb.Household:
    message = pb.Household(
        id=record.id, number=record.number, jurisdiction_code=record.jurisdiction_code,
        building_id=record.building_id, address=record.address, care_level=CARE_LEVELS.to_proto(record.care_level),
        care_reason=record.care_reason, tags=[TAGS.to_proto(t) for t in record.tags], head_name=record.head_name,
        member_count=record.member_count, members=[resident(m) for m in record.members],
        created_at=timestamp(record.created_at), updated_at=timestamp(record.updated_at),
    )
    if record.helper is not None:
        message.helper.CopyFrom(pb.Helper(name=record.helper.name, phone=_phone(record.helper.phone)))
    return message


def organization(record: domain.Organization) -> pb.Organization:
    return pb.Organization(id=record.id, name=record.name, credit_code=record.credit_code, address=record.address,
                           jurisdiction_code=record.jurisdiction_code,
                           contact_phone=_phone(record.contact_phone, "contact_phone"))


def visit(record: domain.Visit) -> pb.Visit:
    return pb.Visit(id=record.id, household_id=record.household_id, jurisdiction_code=record.jurisdiction_code,
                    worker=record.worker, visited_at=timestamp(record.visited_at), notes=record.notes)


def resident_details(message: pb.ResidentInput, field: str) -> domain.ResidentDetails:
    """The details as given; enums left None when UNSPECIFIED so validation reports every field at once."""
    return domain.ResidentDetails(
        name=message.name.strip(), id_number=message.id_number.strip().upper(),
        gender=GENDERS.optional(message.gender, f"{field}.gender"), birth_date=message.birth_date.strip(),
        phone=message.phone.strip(),
        population_type=POPULATION_TYPES.optional(message.population_type, f"{field}.population_type"),
        relationship=RELATIONSHIPS.optional(message.relationship, f"{field}.relationship"),
    )


def helper(message: pb.Helper, present: bool) -> domain.Helper | None:
    return domain.Helper(message.name.strip(), message.phone.strip()) if present else None
