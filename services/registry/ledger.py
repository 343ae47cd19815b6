"""Household ledgers (户籍台账): the columns, reading and checking every row of an import, writing exports."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TypeVar

from services.kit.tabular import Column, Row
from services.registry import domain

E = TypeVar("E", bound=Enum)

# One row per resident; the household's columns repeat on each of its members' rows. A column's max_length is
# the width of the database column it is stored in (or the request field's limit, for free text).
COLUMNS = (
    Column("household_number", "户编号", ("household_no", "number"), max_length=32),
    Column("jurisdiction_code", "所属网格", ("grid", "grid_code"), max_length=15),
    Column("address", "住址", max_length=256),
    Column("care_level", "户类别"),
    Column("tags", "重点标签", ("vulnerable_tags",)),
    Column("name", "姓名", max_length=64),
    Column("relationship", "与户主关系", ("relationship_to_head",)),
    Column("id_number", "身份证号", ("national_id",), max_length=18),
    Column("gender", "性别"),
    Column("birth_date", "出生日期"),
    Column("phone", "联系电话", max_length=20),
    Column("population_type", "人口类型"),
    Column("care_reason", "户类别原因", ("reason",), max_length=2000),
    Column("helper_name", "帮扶人", ("helper",), max_length=64),
    Column("helper_phone", "帮扶人电话", max_length=20),
)
REQUIRED = ("household_number", "jurisdiction_code", "address", "care_level", "name", "relationship", "id_number",
            "gender", "birth_date", "population_type")
# Household columns every member's row must agree on; the optional ones only where they are filled in.
# Tags are not among them: ledgers often mark only the member concerned, so a household gets the union.
HOUSEHOLD_FIELDS = ("jurisdiction_code", "address", "care_level", "care_reason", "helper_name", "helper_phone")
_TAG_SEPARATORS = re.compile(r"[;；、,，|/\s]+")


@dataclass(frozen=True)
class RowError:
    """One problem of one row: its line (the header is line 1), the column and what is wrong."""

    line: int
    field: str
    reason: str


@dataclass
class PlannedHousehold:
    """A household as the ledger describes it, once every row checked out."""

    number: str
    jurisdiction_code: str
    address: str
    care_level: domain.CareLevel
    care_reason: str
    helper: domain.Helper | None
    tags: tuple[domain.VulnerableTag, ...]
    members: list[domain.ResidentDetails] = field(default_factory=list)


@dataclass(frozen=True)
class Known:
    """What the registry already holds that rows are checked against."""

    grids: set[str]
    in_scope: Callable[[str], bool]
    registered: Mapping[str, str]  # national ID -> household number
    taken_numbers: set[str]
    paired_helpers: Mapping[str, str]  # helper phone -> household number


def _by_label(enum: type[E], labels: Mapping[E, str]) -> dict[str, E]:
    table = {label: member for member, label in labels.items()}
    table.update({member.value: member for member in enum})  # type: ignore[attr-defined]
    return table


CARE_LEVELS = _by_label(domain.CareLevel, domain.CARE_LEVEL_LABELS)
TAGS = _by_label(domain.VulnerableTag, domain.TAG_LABELS)
GENDERS = _by_label(domain.Gender, domain.GENDER_LABELS)
POPULATION_TYPES = _by_label(domain.PopulationType, domain.POPULATION_LABELS)
RELATIONSHIPS = _by_label(domain.Relationship, domain.RELATIONSHIP_LABELS)


class _RowCheck:
    """Checks one row, collecting its errors; values that fail are None so later checks skip them."""

    def __init__(self, row: Row, errors: list[RowError]) -> None:
        self.row = row
        self.errors = errors
        self.values: dict[str, object] = {}
        # The columns of this row that failed, kept here: scanning ``errors`` (every row's) for them made
        # checking a file whose every row fails quadratic (a 20,000-row re-import took over a minute).
        self.failed: set[str] = set()

    def fail(self, column: str, reason: str) -> None:
        self.errors.append(RowError(self.row.line, column, reason))
        self.values[column] = None
        self.failed.add(column)

    def text(self, column: str) -> str:
        return self.row.values.get(column, "").strip()

    def choice(self, column: str, table: Mapping[str, E], *, required: bool = True) -> E | None:
        text = self.text(column)
        if not text:
            if required:
                self.fail(column, "is required")
            return None
        value = table.get(text.lower()) or table.get(text)
        if value is None:
            self.fail(column, f"unknown value {text!r}; expected one of {', '.join(sorted(set(table)))}")
        return value


def check_rows(rows: Sequence[Row], known: Known) -> tuple[list[PlannedHousehold], list[RowError]]:
    """Checks every row; returns the households and, if any row is bad, every error (then store nothing)."""
    errors: list[RowError] = []
    checked: list[tuple[Row, dict[str, object]]] = []
    first_line_of_id: dict[str, int] = {}
    for row in rows:
        check = _RowCheck(row, errors)
        _check_household_columns(check, known)
        _check_resident_columns(check, known, first_line_of_id)
        checked.append((row, check.values))
    households = _group(checked, known, errors)
    errors.sort(key=lambda e: (e.line, e.field))
    return households, errors


def _check_household_columns(check: _RowCheck, known: Known) -> None:
    number = check.text("household_number")
    if not number:
        check.fail("household_number", "is required")
    elif len(number) > 32:
        check.fail("household_number", "must be at most 32 characters")
    else:
        check.values["household_number"] = number
    grid = check.text("jurisdiction_code")
    problem = domain.code_problem(grid, domain.JurisdictionLevel.GRID)
    if problem:
        check.fail("jurisdiction_code", problem)
    elif grid not in known.grids:
        check.fail("jurisdiction_code", f"no grid {grid} in the registry's jurisdiction tree")
    elif not known.in_scope(grid):
        check.fail("jurisdiction_code", f"grid {grid} is outside the jurisdictions this request may write")
    else:
        check.values["jurisdiction_code"] = grid
    address = check.text("address")
    if not address:
        check.fail("address", "is required")
    else:
        check.values["address"] = address
    check.values["care_level"] = check.choice("care_level", CARE_LEVELS)
    tags: list[domain.VulnerableTag] = []
    for text in filter(None, _TAG_SEPARATORS.split(check.text("tags"))):
        tag = TAGS.get(text.lower()) or TAGS.get(text)
        if tag is None:
            check.fail("tags", f"unknown tag {text!r}; expected one of {', '.join(domain.TAG_LABELS.values())}")
            break
        tags.append(tag)
    else:
        check.values["tags"] = tuple(dict.fromkeys(tags))
    check.values["care_reason"] = check.text("care_reason")
    check.values["helper_name"] = check.text("helper_name")
    helper_phone = check.text("helper_phone")
    problem = domain.phone_problem(helper_phone)
    if problem:
        check.fail("helper_phone", problem)
    else:
        check.values["helper_phone"] = helper_phone


def _check_resident_columns(check: _RowCheck, known: Known, first_line_of_id: dict[str, int]) -> None:
    gender = check.choice("gender", GENDERS)
    population = check.choice("population_type", POPULATION_TYPES)
    relationship = check.choice("relationship", RELATIONSHIPS)
    details = domain.ResidentDetails(
        name=check.text("name"), id_number=check.text("id_number").upper(), gender=gender,
        birth_date=check.text("birth_date"), phone=check.text("phone"), population_type=population,
        relationship=relationship)
    failed = set(check.failed)
    for column, problem in domain.resident_problems(details):
        if column not in failed:  # an unknown label was reported already, not as "required"
            check.fail(column, problem)
    if "id_number" not in check.failed:
        if details.id_number in first_line_of_id:
            check.fail("id_number", f"duplicates the national ID on line {first_line_of_id[details.id_number]}")
        elif details.id_number in known.registered:
            check.fail("id_number", f"is already registered in household {known.registered[details.id_number]}")
        else:
            first_line_of_id[details.id_number] = check.row.line
    check.values["resident"] = details
    check.values["relationship"] = relationship


def _group(checked: Sequence[tuple[Row, dict[str, object]]], known: Known,
           errors: list[RowError]) -> list[PlannedHousehold]:
    """Groups rows by household number: household columns must agree, one head, free number and helper."""
    groups: dict[str, list[tuple[Row, dict[str, object]]]] = {}
    for row, values in checked:
        if values.get("household_number"):
            groups.setdefault(str(values["household_number"]), []).append((row, values))
    households = []
    helper_lines: dict[str, int] = {}
    for number, members in groups.items():
        first_line = members[0][0].line
        reference: dict[str, tuple[int, object]] = {}
        for row, values in members:
            for column in HOUSEHOLD_FIELDS:
                if values.get(column) is None or values.get(column) == "":
                    continue  # missing, not filled in, or already reported on this row
                if column not in reference:
                    reference[column] = (row.line, values[column])
                elif reference[column][1] != values[column]:
                    errors.append(RowError(row.line, column, f"disagrees with line {reference[column][0]} "
                                                            f"of household {number}"))
        if number in known.taken_numbers:
            errors.append(RowError(first_line, "household_number", f"household {number} is registered already"))
        heads = [row.line for row, values in members if values.get("relationship") is domain.Relationship.HEAD]
        relationships_known = all(values.get("relationship") is not None for _, values in members)
        if not heads and relationships_known:
            errors.append(RowError(first_line, "relationship", f"household {number} has no head (户主)"))
        for line in heads[1:]:
            errors.append(RowError(line, "relationship", f"household {number} has its head on line {heads[0]}"))
        household = {k: v for k, (_, v) in reference.items()}
        row_tags = [values.get("tags") for _, values in members]
        if all(isinstance(tags, tuple) for tags in row_tags):
            household["tags"] = tuple(dict.fromkeys(tag for tags in row_tags for tag in tags))  # type: ignore[union-attr]
        planned = _plan(number, first_line, household, known, helper_lines, errors)
        if planned is not None:
            residents = [values["resident"] for _, values in members]
            planned.members = [r for r in residents if isinstance(r, domain.ResidentDetails)]
            households.append(planned)
    return households


def _plan(number: str, line: int, household: Mapping[str, object], known: Known, helper_lines: dict[str, int],
          errors: list[RowError]) -> PlannedHousehold | None:
    if not all(column in household for column in ("jurisdiction_code", "address", "care_level", "tags")):
        return None  # its rows' errors were reported
    level = household["care_level"]
    assert isinstance(level, domain.CareLevel)
    phone, name = str(household.get("helper_phone") or ""), str(household.get("helper_name") or "")
    helper = domain.Helper(name, phone) if phone or name else None
    reason = str(household.get("care_reason") or "")
    for column, problem in domain.care_problems(level, reason, helper, pairing_required=False):
        errors.append(RowError(line, {"helper.name": "helper_name", "helper.phone": "helper_phone",
                                      "helper": "helper_name", "reason": "care_reason"}.get(column, column), problem))
    if helper is not None and helper.phone:
        if helper.phone in known.paired_helpers:
            errors.append(RowError(line, "helper_phone", f"the helper is paired with household "
                                                         f"{known.paired_helpers[helper.phone]} already"))
        elif helper.phone in helper_lines:
            errors.append(RowError(line, "helper_phone", f"the helper is paired on line {helper_lines[helper.phone]} "
                                                         "already; a helper pairs with one household"))
        helper_lines.setdefault(helper.phone, line)
    tags = household["tags"]
    assert isinstance(tags, tuple)
    return PlannedHousehold(number, str(household["jurisdiction_code"]), str(household["address"]), level, reason,
                            helper, tags)


def export_rows(households: Iterable[domain.Household], id_number: Callable[[str], str],
                phone: Callable[[str], str], birth_date: Callable[[str], str] = str) -> list[dict[str, object]]:
    """One row per resident under the import's columns; ``id_number``, ``phone`` and ``birth_date`` mask as the
    caller must."""
    rows: list[dict[str, object]] = []
    for household in households:
        shared = {
            "household_number": household.number, "jurisdiction_code": household.jurisdiction_code,
            "address": household.address, "care_level": domain.CARE_LEVEL_LABELS[household.care_level],
            "tags": "、".join(domain.TAG_LABELS[t] for t in household.tags), "care_reason": household.care_reason,
            "helper_name": household.helper.name if household.helper else "",
            "helper_phone": phone(household.helper.phone) if household.helper else "",
        }
        for member in household.members:
            rows.append({
                **shared, "name": member.name, "relationship": domain.RELATIONSHIP_LABELS[member.relationship],
                "id_number": id_number(member.id_number), "gender": domain.GENDER_LABELS[member.gender],
                "birth_date": birth_date(member.birth_date.isoformat()),
                "phone": phone(member.phone) if member.phone else "",
                "population_type": domain.POPULATION_LABELS[member.population_type],
            })
    return rows
