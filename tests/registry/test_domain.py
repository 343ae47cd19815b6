"""The registry's pure rules: codes, national IDs, credit codes, phones, residents and care levels."""

from __future__ import annotations

from datetime import date

import pytest

from services.registry import domain
from services.registry.domain import CareLevel, Gender, Helper, PopulationType, Relationship, ResidentDetails

TODAY = date(2026, 11, 27)


@pytest.mark.parametrize(("code", "level", "problem"), [
    ("110108", None, None),
    ("110108001", domain.JurisdictionLevel.STREET, None),
    ("110108001003", None, None),
    ("110108001003012", domain.JurisdictionLevel.GRID, None),
    ("11010800100301", None, "must be 6, 9, 12 or 15 digits, got 14"),
    ("11010800100301X", None, "must be digits only"),
    ("１１０１０８", None, "must be digits only"),  # full-width digits are not ASCII
    ("110108001000", None, "a street, community or grid number must not be 000"),
    ("110108001", domain.JurisdictionLevel.GRID, "must be a grid code of 15 digits, got 9"),
])
def test_jurisdiction_codes(code: str, level: domain.JurisdictionLevel | None, problem: str | None) -> None:
    assert domain.code_problem(code, level) == problem


def test_a_childs_code_extends_its_parents() -> None:
    assert domain.parent_code("110108001003012") == "110108001003"
    assert domain.parent_code("110108001") == "110108"
    assert domain.parent_code("110108") is None
    assert [domain.level_of_code(c) for c in ("110108", "110108001", "110108001003", "110108001003012")] == list(
        domain.JurisdictionLevel)


@pytest.mark.parametrize(("number", "birth", "gender"), [
    ("110108197403062913", date(1974, 3, 6), Gender.MALE),
    ("110108197906059409", date(1979, 6, 5), Gender.FEMALE),
    ("11010519491231002X", date(1949, 12, 31), Gender.FEMALE),  # check character X
    ("11010519491231002x", date(1949, 12, 31), Gender.FEMALE),  # lower-case x is read as X
])
def test_valid_national_ids_decode_birth_date_and_gender(number: str, birth: date, gender: Gender) -> None:
    parsed = domain.parse_national_id(number, TODAY)
    assert (parsed.number, parsed.birth_date, parsed.gender) == (number.upper(), birth, gender)


@pytest.mark.parametrize(("number", "problem"), [
    ("110108197906059400", "check character is 0, expected 9"),
    ("11010819740306291", "must be 18 characters, got 17"),
    ("1101081974030629133", "must be 18 characters, got 19"),
    ("11010819740306291A", "must be 17 digits followed by a digit or X"),
    ("1101081990023012X4", "must be 17 digits followed by a digit or X"),
    ("110108199002301234", "encodes an impossible birth date 19900230"),
    ("110108203001011234", "encodes a birth date out of range 2030-01-01"),
    ("", "must be 18 characters, got 0"),
])
def test_invalid_national_ids_say_why(number: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        domain.parse_national_id(number, TODAY)


def test_check_character_of_every_remainder() -> None:
    # The 11 possible remainders map onto 1 0 X 9 8 7 6 5 4 3 2; each appears for some 17-digit body.
    seen = {domain.id_check_character(f"11010819900101{n:03d}") for n in range(1000)}
    assert seen == set("10X98765432")


@pytest.mark.parametrize(("code", "problem"), [
    ("91350100M000100Y43", None),
    ("91110108MA01ABCD5X", "check character is X, expected"),
    ("91350100M000100Y4", "must be 18 characters, got 17"),
    ("91350100M000100YI3", "contains characters not allowed in a credit code: I"),
    ("91350100m000100y43", None),  # lower case is read as upper case
])
def test_credit_codes(code: str, problem: str | None) -> None:
    found = domain.credit_code_problem(code)
    assert found == problem if problem is None else (found or "").startswith(problem)


def test_a_generated_credit_code_carries_a_valid_check_character() -> None:
    body = "9111010871093460X"[:17]
    assert domain.credit_code_problem(body + domain.credit_code_check_character(body)) is None


@pytest.mark.parametrize(("phone", "ok"), [
    ("13131705289", True), ("", True), ("010-62345678", True), ("01062345678", True),
    ("12131705289", False), ("1313170528", False), ("+8613131705289", False), ("131-3170-5289", False),
])
def test_phones(phone: str, ok: bool) -> None:
    assert (domain.phone_problem(phone) is None) is ok



def details(**changes: object) -> ResidentDetails:
    base = dict(name="胡强", id_number="110108197403062913", gender=Gender.MALE, birth_date="1974-03-06",
                phone="13131705289", population_type=PopulationType.REGISTERED, relationship=Relationship.HEAD)
    base.update(changes)
    return ResidentDetails(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(("changes", "problems"), [
    ({}, []),
    ({"name": "  "}, [("name", "is required")]),
    ({"gender": Gender.FEMALE}, [("gender", "is female but the national ID says male")]),
    ({"birth_date": "1974-03-07"}, [("birth_date", "is 1974-03-07 but the national ID says 1974-03-06")]),
    ({"birth_date": "1974-02-30"}, [("birth_date", "is not a real date (YYYY-MM-DD): '1974-02-30'")]),
    ({"id_number": "110108197403062910"}, [("id_number", "check character is 0, expected 3")]),
    ({"phone": "123"}, [("phone", "must be an 11-digit mobile number or a landline with its area code")]),
    ({"gender": None, "population_type": None, "relationship": None},
     [("gender", "is required"), ("population_type", "is required"), ("relationship", "is required")]),
])
def test_resident_details(changes: dict[str, object], problems: list[tuple[str, str]]) -> None:
    assert domain.resident_problems(details(**changes), TODAY) == problems


def test_admitting_a_resident_takes_the_birth_date_and_normal_form_from_the_id() -> None:
    resident = domain.admit_resident(details(id_number="11010519491231002X", gender=Gender.FEMALE,
                                             birth_date="1949-12-31"), "h1", "110108001001001", "r1")
    assert (resident.id_number, resident.birth_date) == ("11010519491231002X", date(1949, 12, 31))
    with pytest.raises(ValueError):
        domain.admit_resident(details(relationship=None), "h1", "110108001001001", "r1")


@pytest.mark.parametrize(("relationships", "problem"), [
    ([Relationship.HEAD], None),
    ([Relationship.HEAD, Relationship.SPOUSE, Relationship.SON], None),
    ([Relationship.SPOUSE], "a household needs a member whose relationship is head"),
    ([], "a household needs a member whose relationship is head"),
    ([Relationship.HEAD, Relationship.HEAD], "a household has exactly one head, got 2"),
])
def test_a_household_has_exactly_one_head(relationships: list[Relationship], problem: str | None) -> None:
    assert domain.head_problem(list(relationships)) == problem


HELPER = Helper("帮扶人", "13900000001")

# Every care level × (reason given, helper given), as set through SetCareLevel (pairing required).
CARE_TABLE = [
    (CareLevel.ASSURED, "", None, []),
    (CareLevel.ASSURED, "稳定", None, []),
    (CareLevel.ASSURED, "", HELPER, [("helper", "only a close_contact household has a helper, not assured")]),
    (CareLevel.ATTENTION, "收入偏低", None, []),
    (CareLevel.ATTENTION, "", None, [("reason", "is required for an attention household")]),
    (CareLevel.ATTENTION, "收入偏低", HELPER,
     [("helper", "only a close_contact household has a helper, not attention")]),
    (CareLevel.CLOSE_CONTACT, "留守老人", HELPER, []),
    (CareLevel.CLOSE_CONTACT, "", HELPER, [("reason", "is required for a close_contact household")]),
    (CareLevel.CLOSE_CONTACT, "留守老人", None,
     [("helper", "is required: a close_contact household is paired with a helper")]),
    (CareLevel.CLOSE_CONTACT, "留守老人", Helper("", "139"),
     [("helper.name", "is required"),
      ("helper.phone", "must be an 11-digit mobile number or a landline with its area code")]),
    (CareLevel.CLOSE_CONTACT, "留守老人", Helper("甲", ""),
     [("helper.phone", "is required: it identifies the helper's pairing")]),
    (None, "", None, [("care_level", "is required")]),
]


@pytest.mark.parametrize(("level", "reason", "helper", "problems"), CARE_TABLE)
def test_care_level_rules(level: CareLevel | None, reason: str, helper: Helper | None,
                          problems: list[tuple[str, str]]) -> None:
    assert domain.care_problems(level, reason, helper) == problems


def test_ledger_imports_may_hold_close_contact_households_awaiting_a_helper() -> None:
    assert domain.care_problems(CareLevel.CLOSE_CONTACT, "", None, pairing_required=False) == []
    assert domain.care_problems(CareLevel.ATTENTION, "", None, pairing_required=False) == []
    assert domain.care_problems(CareLevel.ASSURED, "", HELPER, pairing_required=False) == [
        ("helper", "only a close_contact household has a helper, not assured")]


def test_every_enum_member_has_a_ledger_label_and_labels_are_distinct() -> None:
    for enum, labels in [(CareLevel, domain.CARE_LEVEL_LABELS), (domain.VulnerableTag, domain.TAG_LABELS),
                         (Gender, domain.GENDER_LABELS), (PopulationType, domain.POPULATION_LABELS),
                         (Relationship, domain.RELATIONSHIP_LABELS)]:
        assert set(labels) == set(enum)
        assert len(set(labels.values())) == len(labels)
