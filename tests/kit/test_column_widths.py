"""Every request text field fits the database column it is stored in: the proto's max_length against String(n)."""

from __future__ import annotations

import pytest
from google.protobuf import descriptor_pool, message_factory
from google.protobuf.descriptor import Descriptor, FieldDescriptor
from google.protobuf.message import Message
from sqlalchemy import Column, Enum, MetaData, String

from gridgov.cases.v1 import cases_pb2
from gridgov.common.v1 import text_pb2
from gridgov.fire.v1 import fire_pb2
from gridgov.inspection.v1 import inspection_pb2
from gridgov.registry.v1 import registry_pb2
from services.cases import models as cases
from services.fire import models as fire
from services.fire.place_import import IMPORT_COLUMNS
from services.inspection import models as inspection
from services.inspection.survey import COLUMNS as SURVEY_COLUMNS
from services.kit.tabular import Column as LedgerColumn
from services.kit.validation import DEFAULT_MAX_LENGTH, text_violations
from services.registry import ledger
from services.registry import models as registry
from tests.kit.column_widths import ALSO_STORED_IN, NOT_FROM_REQUEST_TEXT, STORED_IN

PAIRS = [*STORED_IN.items(), *ALSO_STORED_IN]
# The tables every service gets from the kit (idempotency keys, outbox, leases, cursors): no request text.
KIT_TABLES = {"idempotency_key", "outbox", "job_lease", "consumer_cursor"}
# Ledger import columns -> the column each is stored in.
LEDGER_COLUMNS: list[tuple[tuple[LedgerColumn, ...], str, Column[str]]] = [
    (ledger.COLUMNS, "household_number", registry.HouseholdRow.__table__.c.number),
    (ledger.COLUMNS, "jurisdiction_code", registry.HouseholdRow.__table__.c.jurisdiction_code),
    (ledger.COLUMNS, "address", registry.HouseholdRow.__table__.c.address),
    (ledger.COLUMNS, "address", registry.BuildingRow.__table__.c.address),
    (ledger.COLUMNS, "name", registry.ResidentRow.__table__.c.name),
    (ledger.COLUMNS, "name", registry.HouseholdRow.__table__.c.head_name),
    (ledger.COLUMNS, "id_number", registry.ResidentRow.__table__.c.id_number),
    (ledger.COLUMNS, "phone", registry.ResidentRow.__table__.c.phone),
    (ledger.COLUMNS, "helper_name", registry.HouseholdRow.__table__.c.helper_name),
    (ledger.COLUMNS, "helper_phone", registry.HouseholdRow.__table__.c.helper_phone),
    *((IMPORT_COLUMNS, name, fire.PlaceRow.__table__.c[name])
      for name in ("name", "address", "jurisdiction_code", "owner_name", "owner_phone", "contact_name",
                   "contact_phone", "organization_id", "household_id")),
    *((SURVEY_COLUMNS, name, inspection.SourceRow.__table__.c[name])
      for name in ("name", "jurisdiction_code", "address", "responsible_unit", "contact_name", "contact_phone",
                   "permit_number")),
]


def declared_limit(message: str, field: str) -> int:
    descriptor = descriptor_pool.Default().FindMessageTypeByName(message).fields_by_name[field]
    assert descriptor.type == FieldDescriptor.TYPE_STRING, f"{message}.{field} is no string field"
    return descriptor.GetOptions().Extensions[text_pb2.max_length] or DEFAULT_MAX_LENGTH


def width(column: Column[str]) -> int:
    assert isinstance(column.type, String) and column.type.length, f"{column} has no declared width"
    return column.type.length


def request_messages() -> set[str]:
    """The full names of every message a request of the four services holds, at any depth."""
    found: set[str] = set()

    def walk(descriptor: Descriptor) -> None:
        if descriptor.full_name in found:
            return
        found.add(descriptor.full_name)
        for field in descriptor.fields:
            if field.type == FieldDescriptor.TYPE_MESSAGE:
                walk(field.message_type)

    for module in (registry_pb2, cases_pb2, fire_pb2, inspection_pb2):
        for service in module.DESCRIPTOR.services_by_name.values():
            for method in service.methods:
                walk(method.input_type)
    return found


@pytest.mark.parametrize(("key", "column"), PAIRS, ids=[f"{k[0].rsplit('.', 1)[1]}.{k[1]}->{c}" for k, c in PAIRS])
def test_request_field_limit_fits_its_column(key: tuple[str, str], column: Column[str]) -> None:
    assert declared_limit(*key) <= width(column), (
        f"{key[0]}.{key[1]} may hold {declared_limit(*key)} characters; its column {column} holds {width(column)}")


def test_every_listed_field_is_part_of_a_request() -> None:
    assert {message for message, _ in STORED_IN} - request_messages() == set()


@pytest.mark.parametrize(("key", "column"), list(STORED_IN.items()), ids=[f"{k[0]}.{k[1]}" for k in STORED_IN])
def test_one_character_over_the_limit_is_a_violation_naming_the_field(key: tuple[str, str],
                                                                      column: Column[str]) -> None:
    """At the column's width where it is below the default limit (every narrow column), else at that limit."""
    message_class = message_factory.GetMessageClass(descriptor_pool.Default().FindMessageTypeByName(key[0]))
    field = message_class.DESCRIPTOR.fields_by_name[key[1]]
    repeated = field.is_repeated

    def message(text: str) -> Message:
        return message_class(**{key[1]: [text] if repeated else text})

    name = f"{key[1]}[0]" if repeated else key[1]
    limit = min(width(column), DEFAULT_MAX_LENGTH)
    assert [v.field for v in text_violations(message("x" * (limit + 1)))] == [name]
    assert text_violations(message("x" * limit)) == []


def test_a_dwelling_and_the_longest_building_address_fit_the_household_address() -> None:
    household_address = width(registry.HouseholdRow.__table__.c.address)
    building_address = declared_limit("gridgov.registry.v1.CreateBuildingRequest", "address")
    for message in ("CreateHouseholdRequest", "MoveHouseholdRequest"):
        assert building_address + declared_limit(f"gridgov.registry.v1.{message}", "dwelling") <= household_address
    assert declared_limit("gridgov.registry.v1.UpdateBuildingRequest", "address") == building_address


@pytest.mark.parametrize(("columns", "name", "column"), LEDGER_COLUMNS,
                         ids=[f"{name}->{column}" for _, name, column in LEDGER_COLUMNS])
def test_ledger_column_limit_fits_its_column(columns: tuple[LedgerColumn, ...], name: str,
                                             column: Column[str]) -> None:
    (ledger_column,) = [c for c in columns if c.name == name]
    assert ledger_column.max_length <= width(column)


@pytest.mark.parametrize("metadata", [registry.Base.metadata, cases.Base.metadata, fire.Base.metadata,
                                      inspection.Base.metadata], ids=["registry", "cases", "fire", "inspection"])
def test_every_narrow_column_is_either_checked_or_not_filled_from_a_request(metadata: MetaData) -> None:
    """A column narrower than the default limit that is in neither table fails: say which it is."""
    checked = {f"{column.table.name}.{column.name}" for _, column in PAIRS}
    explained = set().union(*NOT_FROM_REQUEST_TEXT.values())
    unplaced = set()
    for table in metadata.sorted_tables:
        if table.name in KIT_TABLES:
            continue
        for column in table.c:
            if not isinstance(column.type, String) or isinstance(column.type, Enum) or column.foreign_keys:
                continue  # enums are refused unless a member; foreign keys must name a stored row
            if column.primary_key and column.name == "id":
                continue  # minted by the service
            if (column.type.length or DEFAULT_MAX_LENGTH) < DEFAULT_MAX_LENGTH:
                name = f"{table.name}.{column.name}"
                if name not in checked | explained:
                    unplaced.add(name)
    assert unplaced == set()
    assert explained & checked == set()
