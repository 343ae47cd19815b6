"""The registry's pure rules: jurisdiction codes, national IDs, credit codes, phones and care levels."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from services.kit import validation


class JurisdictionLevel(StrEnum):
    DISTRICT = "district"
    STREET = "street"
    COMMUNITY = "community"
    GRID = "grid"


CODE_LENGTHS = {6: JurisdictionLevel.DISTRICT, 9: JurisdictionLevel.STREET,
                12: JurisdictionLevel.COMMUNITY, 15: JurisdictionLevel.GRID}


class GridType(StrEnum):
    URBAN = "urban"
    RURAL = "rural"


class CareLevel(StrEnum):
    ASSURED = "assured"
    ATTENTION = "attention"
    CLOSE_CONTACT = "close_contact"


class VulnerableTag(StrEnum):
    LEFT_BEHIND_ELDERLY = "left_behind_elderly"
    LEFT_BEHIND_CHILDREN = "left_behind_children"
    ELDERLY_ALONE = "elderly_alone"
    DISABLED = "disabled"
    LOW_INCOME = "low_income"
    HAZARD_AREA = "hazard_area"
    OFFENDER_FAMILY = "offender_family"


class Gender(StrEnum):
    MALE = "male"
    FEMALE = "female"


class PopulationType(StrEnum):
    REGISTERED = "registered"
    FLOATING = "floating"


class Relationship(StrEnum):
    HEAD = "head"
    SPOUSE = "spouse"
    SON = "son"
    DAUGHTER = "daughter"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


# The words district ledgers use, for import and export.
CARE_LEVEL_LABELS = {CareLevel.ASSURED: "放心户", CareLevel.ATTENTION: "关心户", CareLevel.CLOSE_CONTACT: "连心户"}
TAG_LABELS = {
    VulnerableTag.LEFT_BEHIND_ELDERLY: "留守老人",
    VulnerableTag.LEFT_BEHIND_CHILDREN: "留守儿童",
    VulnerableTag.ELDERLY_ALONE: "独居老人",
    VulnerableTag.DISABLED: "残疾人家庭",
    VulnerableTag.LOW_INCOME: "低保户",
    VulnerableTag.HAZARD_AREA: "隐患区域家庭",
    VulnerableTag.OFFENDER_FAMILY: "刑释人员家庭",
}
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
POPULATION_LABELS = {PopulationType.REGISTERED: "户籍", PopulationType.FLOATING: "流动"}
RELATIONSHIP_LABELS = {
    Relationship.HEAD: "户主", Relationship.SPOUSE: "配偶", Relationship.SON: "子", Relationship.DAUGHTER: "女",
    Relationship.PARENT: "父母", Relationship.GRANDCHILD: "孙子女", Relationship.SIBLING: "兄弟姐妹",
    Relationship.OTHER: "其他",
}


def level_of_code(code: str) -> JurisdictionLevel | None:
    return CODE_LENGTHS.get(len(code))


def code_problem(code: str, level: JurisdictionLevel | None = None) -> str | None:
    """What is wrong with a jurisdiction code (of ``level``, if given), or None."""
    if not code.isascii() or not code.isdigit():
        return "must be digits only"
    found = level_of_code(code)
    if found is None:
        return f"must be 6, 9, 12 or 15 digits, got {len(code)}"
    if level is not None and found is not level:
        wanted = next(n for n, lvl in CODE_LENGTHS.items() if lvl is level)
        return f"must be a {level.value} code of {wanted} digits, got {len(code)}"
    if len(code) > 6 and code.endswith("000"):
        return "a street, community or grid number must not be 000"
    return None


def parent_code(code: str) -> str | None:
    """The code of the node one tier up, or None for a district."""
    return code[:-3] if len(code) > 6 else None


# --- national ID (GB 11643-1999) -------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_character(first17: str) -> str:
    """The check character of the first 17 digits of a national ID."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


@dataclass(frozen=True)
class NationalId:
    """A valid 18-character national ID and what it encodes."""

    number: str
    birth_date: date
    gender: Gender


def parse_national_id(text: str, today: date | None = None) -> NationalId:
    """Validates a national ID; raises ValueError saying what is wrong."""
    number = text.strip().upper()
    if len(number) != 18:
        raise ValueError(f"must be 18 characters, got {len(number)}")
    if not number[:17].isascii() or not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValueError("must be 17 digits followed by a digit or X")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValueError(f"encodes an impossible birth date {number[6:14]}") from None
    if born > (today or date.today()) or born.year < 1900:
        raise ValueError(f"encodes a birth date out of range {born.isoformat()}")
    expected = id_check_character(number[:17])
    if number[17] != expected:
        raise ValueError(f"check character is {number[17]}, expected {expected}")
    gender = Gender.MALE if int(number[16]) % 2 == 1 else Gender.FEMALE
    return NationalId(number, born, gender)





# --- unified social credit code (GB 32100-2015) --------------------------------------------

_USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_character(first17: str) -> str:
    total = sum(_USCC_CHARSET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_CHARSET[(31 - total % 31) % 31]


def credit_code_problem(text: str) -> str | None:
    """What is wrong with a unified social credit code, or None."""
    code = text.strip().upper()
    if len(code) != 18:
        return f"must be 18 characters, got {len(code)}"
    bad = sorted({c for c in code if c not in _USCC_CHARSET})
    if bad:
        return f"contains characters not allowed in a credit code: {''.join(bad)}"
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        return f"check character is {code[17]}, expected {expected}"
    return None


# --- phones ----------------------------------------------------------------------------------

def phone_problem(phone: str) -> str | None:
    """A mobile (11 digits from 13x) or a landline with area code; empty is allowed."""
    return validation.phone_problem(phone) if phone else None


# --- residents -------------------------------------------------------------------------------

@dataclass(frozen=True)
class ResidentDetails:
    """The details of a person a caller supplies."""

    name: str
    id_number: str
    gender: Gender | None
    birth_date: str
    phone: str
    population_type: PopulationType | None
    relationship: Relationship | None


def resident_problems(details: ResidentDetails, today: date | None = None) -> list[tuple[str, str]]:
    """Every (field, problem) of a resident's details; gender and birth date must agree with the ID."""
    problems: list[tuple[str, str]] = []
    if not details.name.strip():
        problems.append(("name", "is required"))
    elif len(details.name) > 64:
        problems.append(("name", "must be at most 64 characters"))
    national: NationalId | None = None
    try:
        national = parse_national_id(details.id_number, today)
    except ValueError as error:
        problems.append(("id_number", str(error)))
    if details.gender is None:
        problems.append(("gender", "is required"))
    elif national is not None and national.gender is not details.gender:
        problems.append(("gender", f"is {details.gender.value} but the national ID says {national.gender.value}"))
    try:
        born = date.fromisoformat(details.birth_date)
    except ValueError:
        problems.append(("birth_date", f"is not a real date (YYYY-MM-DD): {details.birth_date!r}"))
    else:
        if national is not None and born != national.birth_date:
            problems.append(("birth_date", f"is {born.isoformat()} but the national ID says "
                                           f"{national.birth_date.isoformat()}"))
    problem = phone_problem(details.phone)
    if problem:
        problems.append(("phone", problem))
    if details.population_type is None:
        problems.append(("population_type", "is required"))
    if details.relationship is None:
        problems.append(("relationship", "is required"))
    return problems


def admit_resident(details: ResidentDetails, household_id: str, jurisdiction_code: str, resident_id: str,
                   ) -> Resident:
    """The resident ``details`` describe; raises ValueError unless resident_problems found nothing."""
    national = parse_national_id(details.id_number)
    if details.gender is None or details.population_type is None or details.relationship is None:
        raise ValueError("gender, population type and relationship are required")
    return Resident(resident_id, household_id, jurisdiction_code, details.name, national.number, details.gender,
                    national.birth_date, details.phone, details.population_type, details.relationship)


def head_problem(relationships: list[Relationship | None]) -> str | None:
    """A household has exactly one head."""
    heads = sum(1 for r in relationships if r is Relationship.HEAD)
    if heads == 0:
        return "a household needs a member whose relationship is head"
    if heads > 1:
        return f"a household has exactly one head, got {heads}"
    return None


# --- care levels -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Helper:
    """The person paired one-to-one with a close_contact household; the phone identifies them."""

    name: str
    phone: str


def care_problems(level: CareLevel | None, reason: str, helper: Helper | None,
                  *, pairing_required: bool = True) -> list[tuple[str, str]]:
    """Every (field, problem) of a care-level assignment.

    close_contact needs a reason and a helper; attention needs a reason; assured and attention take no
    helper. Ledger imports pass ``pairing_required=False``: districts' ledgers list close_contact
    households before a helper is found, and the registry keeps them as awaiting pairing.
    """
    problems: list[tuple[str, str]] = []
    if level is None:
        return [("care_level", "is required")]
    if level is CareLevel.CLOSE_CONTACT:
        if pairing_required and not reason.strip():
            problems.append(("reason", "is required for a close_contact household"))
        if helper is None:
            if pairing_required:
                problems.append(("helper", "is required: a close_contact household is paired with a helper"))
        else:
            if not helper.name.strip():
                problems.append(("helper.name", "is required"))
            if not helper.phone:
                problems.append(("helper.phone", "is required: it identifies the helper's pairing"))
            else:
                problem = phone_problem(helper.phone)
                if problem:
                    problems.append(("helper.phone", problem))
    else:
        if level is CareLevel.ATTENTION and pairing_required and not reason.strip():
            problems.append(("reason", "is required for an attention household"))
        if helper is not None:
            problems.append(("helper", f"only a close_contact household has a helper, not {level.value}"))
    return problems


# --- records ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class StaffMember:
    """A grid leader or worker."""

    subject: str
    name: str
    phone: str


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: str
    level: JurisdictionLevel
    parent_code: str | None
    grid_type: GridType | None = None
    leader: StaffMember | None = None
    workers: tuple[StaffMember, ...] = ()
    boundary: Boundary | None = None


@dataclass(frozen=True)
class Boundary:
    """The area a jurisdiction covers: GeoJSON Polygon or MultiPolygon text (WGS 84) and its area in m²."""

    geojson: str
    area_m2: float


@dataclass(frozen=True)
class Building:
    id: str
    jurisdiction_code: str
    address: str
    name: str
    latitude: float | None
    longitude: float | None
    # The grid the location falls in when it is not jurisdiction_code (set by the gateway); "" otherwise.
    located_grid: str = ""


@dataclass(frozen=True)
class Resident:
    id: str
    household_id: str
    jurisdiction_code: str
    name: str
    id_number: str
    gender: Gender
    birth_date: date
    phone: str
    population_type: PopulationType
    relationship: Relationship


@dataclass(frozen=True)
class Household:
    id: str
    number: str
    jurisdiction_code: str
    building_id: str
    address: str
    care_level: CareLevel
    care_reason: str
    helper: Helper | None
    tags: tuple[VulnerableTag, ...]
    head_name: str
    member_count: int
    created_at: datetime
    updated_at: datetime
    members: tuple[Resident, ...] = ()


@dataclass(frozen=True)
class Organization:
    id: str
    name: str
    credit_code: str
    address: str
    jurisdiction_code: str
    contact_phone: str


@dataclass(frozen=True)
class Visit:
    id: str
    household_id: str
    jurisdiction_code: str
    worker: str
    visited_at: datetime
    notes: str
