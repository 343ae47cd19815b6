"""How personal data looks when the policy masks it: one format in every service and the decision log."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """"13812345289" -> "138****5289", "010-62345678" -> "010*****5678".

    The first three and last four characters stay visible when at least one character in between is
    hidden; shorter numbers keep only their last two characters.
    """
    if len(phone) >= 8:
        return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
    return "*" * max(len(phone) - 2, 0) + phone[-2:] if len(phone) > 2 else "*" * len(phone)


def mask_id_number(number: str) -> str:
    """"110108197403062913" -> "110108********2913": the region and the last four characters stay."""
    if len(number) > 10:
        return number[:6] + "*" * (len(number) - 10) + number[-4:]
    return "*" * len(number)


def coarsen_birth_date(value: str) -> str:
    """"1974-03-06" -> "1974": the year alone, wherever the national ID is masked.

    The eight hidden digits of a masked ID are the birth date; shown whole beside it, the birth date
    would give the ID back (the check character then narrows the rest to a handful).
    """
    return value[:4]


def mask_value(value: str) -> str:
    """A personal value of unknown kind: national-ID style when long enough, else phone style."""
    return mask_id_number(value) if len(value) >= 15 else mask_phone(value)
