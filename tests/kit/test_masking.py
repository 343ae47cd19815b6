"""One masking format for personal data everywhere."""

import pytest

from services.kit.masking import coarsen_birth_date, mask_id_number, mask_phone, mask_value


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345289", "138****5289"),
        ("010-62345678", "010*****5678"),
        ("62345678", "623*5678"),
        ("6234567", "*****67"),  # too short to show both ends and still hide something
        ("123", "*23"),
        ("12", "**"),
        ("", ""),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


def test_mask_id_number() -> None:
    assert mask_id_number("110108197403062913") == "110108********2913"
    assert mask_id_number("1101081974") == "**********"


def test_mask_value_picks_the_format_by_length() -> None:
    assert mask_value("11010819740306291X") == "110108********291X"
    assert mask_value("13812345289") == "138****5289"


def test_a_birth_date_beside_a_masked_id_keeps_only_its_year() -> None:
    assert coarsen_birth_date("1974-03-06") == "1974"
    # what the masked ID hides is exactly what the coarse date no longer shows
    assert mask_id_number("110108197403062913") == "110108********2913"
