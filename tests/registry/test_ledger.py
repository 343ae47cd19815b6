"""Row checks of a household ledger, without a database: every problem named by line and column."""

from __future__ import annotations

import pytest

from services.kit.masking import coarsen_birth_date, mask_id_number, mask_phone
from services.kit.tabular import Row
from services.registry import domain, ledger

GRIDS = {"110108001001001", "110108001001002"}
KNOWN = ledger.Known(grids=GRIDS, in_scope=lambda code: code.startswith("110108001"), registered={},
                     taken_numbers=set(), paired_helpers={})
HEAD = {"household_number": "H1", "jurisdiction_code": "110108001001001", "address": "1号楼101室",
        "care_level": "放心户", "tags": "", "name": "胡强", "relationship": "户主", "id_number": "110108197403062913",
        "gender": "男", "birth_date": "1974-03-06", "phone": "13131705289", "population_type": "户籍"}
SPOUSE = {**HEAD, "name": "杨芳", "relationship": "配偶", "id_number": "110108197906059409", "gender": "女",
          "birth_date": "1979-06-05", "phone": ""}


def rows(*values: dict[str, str]) -> list[Row]:
    return [Row(line, v) for line, v in enumerate(values, start=2)]


def problems(*values: dict[str, str], known: ledger.Known = KNOWN) -> set[tuple[int, str]]:
    _, errors = ledger.check_rows(rows(*values), known)
    return {(e.line, e.field) for e in errors}


def test_a_clean_household_is_planned_with_its_members() -> None:
    planned, errors = ledger.check_rows(rows(HEAD, {**SPOUSE, "tags": "残疾人家庭"}), KNOWN)
    assert errors == []
    [household] = planned
    assert (household.number, household.care_level, household.tags) == (
        "H1", domain.CareLevel.ASSURED, (domain.VulnerableTag.DISABLED,))
    assert [m.name for m in household.members] == ["胡强", "杨芳"]


@pytest.mark.parametrize(("change", "field"), [
    ({"jurisdiction_code": "110108001001009"}, "jurisdiction_code"),
    ({"jurisdiction_code": "110108002001001"}, "jurisdiction_code"),  # not in the tree
    ({"jurisdiction_code": "1101080010010"}, "jurisdiction_code"),
    ({"care_level": "困难户"}, "care_level"),
    ({"tags": "留守老人、外星人"}, "tags"),
    ({"gender": "未知"}, "gender"),
    ({"population_type": ""}, "population_type"),
    ({"relationship": "邻居"}, "relationship"),
    ({"phone": "12345"}, "phone"),
    ({"household_number": ""}, "household_number"),
    ({"address": ""}, "address"),
    ({"helper_phone": "999"}, "helper_phone"),
])
def test_a_bad_value_is_named_by_line_and_column(change: dict[str, str], field: str) -> None:
    # Without its number the head's row joins no household, so the spouse's household lacks a head.
    extra = {(3, "relationship")} if field == "household_number" else set()
    assert problems({**HEAD, **change}, SPOUSE) == {(2, field)} | extra


def test_rows_of_one_household_must_agree() -> None:
    assert problems(HEAD, {**SPOUSE, "address": "2号楼"}) == {(3, "address")}
    assert problems(HEAD, {**SPOUSE, "care_level": "关心户"}) == {(3, "care_level")}
    assert problems(HEAD, {**SPOUSE, "jurisdiction_code": "110108001001002"}) == {(3, "jurisdiction_code")}


def test_a_household_has_one_head() -> None:
    assert problems({**HEAD, "relationship": "子"}, SPOUSE) == {(2, "relationship")}
    assert problems(HEAD, {**SPOUSE, "relationship": "户主"}) == {(3, "relationship")}


def test_ids_taken_in_the_file_or_the_registry_name_where() -> None:
    _, errors = ledger.check_rows(rows(HEAD, {**SPOUSE, "id_number": HEAD["id_number"], "gender": "男",
                                              "birth_date": "1974-03-06"}), KNOWN)
    assert [(e.line, e.field, e.reason) for e in errors] == [(3, "id_number", "duplicates the national ID on line 2")]
    known = ledger.Known(GRIDS, KNOWN.in_scope, {HEAD["id_number"]: "H9"}, {"H1"}, {})
    _, errors = ledger.check_rows(rows(HEAD, SPOUSE), known)
    assert {(e.line, e.field, e.reason) for e in errors} == {
        (2, "id_number", "is already registered in household H9"),
        (2, "household_number", "household H1 is registered already")}


def test_a_helper_pairs_with_one_household() -> None:
    close = {"care_level": "连心户", "helper_name": "甲", "helper_phone": "13900000001"}
    other = {**SPOUSE, **close, "household_number": "H2", "relationship": "户主"}
    assert problems({**HEAD, **close}, other) == {(3, "helper_phone")}
    known = ledger.Known(GRIDS, KNOWN.in_scope, {}, set(), {"13900000001": "H7"})
    assert problems({**HEAD, **close}, known=known) == {(2, "helper_phone")}
    assert problems({**HEAD, "helper_name": "甲", "helper_phone": "13900000001"}) == {(2, "helper_name")}


def test_english_values_are_accepted_too() -> None:
    english = {**HEAD, "care_level": "close_contact", "tags": "low_income", "gender": "male",
               "relationship": "head", "population_type": "floating"}
    planned, errors = ledger.check_rows(rows(english), KNOWN)
    assert errors == [] and planned[0].care_level is domain.CareLevel.CLOSE_CONTACT
    assert planned[0].members[0].population_type is domain.PopulationType.FLOATING


def test_export_rows_use_the_ledger_words_and_mask_as_told() -> None:
    planned, _ = ledger.check_rows(rows(HEAD), KNOWN)
    resident = domain.admit_resident(planned[0].members[0], "h", "110108001001001", "r")
    household = domain.Household("h", "H1", "110108001001001", "b", "1号楼101室", domain.CareLevel.ATTENTION, "低收入",
                                 None, (domain.VulnerableTag.LOW_INCOME, domain.VulnerableTag.DISABLED), "胡强", 1,
                                 None, None, (resident,))  # type: ignore[arg-type]
    [row] = ledger.export_rows([household], mask_id_number, mask_phone, coarsen_birth_date)
    assert (row["care_level"], row["tags"], row["relationship"], row["gender"], row["population_type"]) == (
        "关心户", "低保户、残疾人家庭", "户主", "男", "户籍")
    assert (row["id_number"], row["phone"], row["birth_date"]) == ("110108********2913", "131****5289", "1974")


def test_checking_a_reimported_ledger_looks_at_each_error_a_bounded_number_of_times(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Re-importing a loaded ledger fails every row; counting how often the errors' lines are read shows the
    # check stays linear in the rows (it once rescanned every earlier error for each row), without timing.
    reads = 0

    class CountedRowError(ledger.RowError):
        def __getattribute__(self, name: str) -> object:
            nonlocal reads
            if name == "line":
                reads += 1
            return super().__getattribute__(name)

    monkeypatch.setattr(ledger, "RowError", CountedRowError)
    first17 = [f"11010819740306{n:03d}" for n in range(1000)]
    households = [{**HEAD, "household_number": f"H{n}", "id_number": digits + domain.id_check_character(digits),
                   "gender": "男" if n % 2 else "女", "phone": ""} for n, digits in enumerate(first17)]
    known = ledger.Known(GRIDS, KNOWN.in_scope, {h["id_number"]: "H0" for h in households},
                         {h["household_number"] for h in households}, {})
    _, errors = ledger.check_rows(rows(*households), known)
    assert len(errors) == 2000
    assert {e.reason for e in errors if e.field == "id_number"} == {"is already registered in household H0"}
    assert reads < 10 * len(errors)
