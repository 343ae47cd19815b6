"""Ledger files in and out: Chinese or English headers, CSV with BOM, XLSX."""

import pytest

from services.kit.errors import InvalidArgument
from services.kit.tabular import Column, FileFormat, read_table, write_table

COLUMNS = (
    Column("name", "姓名", ("full_name",)),
    Column("id_number", "身份证号", ("national_id",)),
    Column("phone", "联系电话"),
)


def test_csv_with_bom_and_chinese_headers() -> None:
    data = "\ufeff姓名,身份证号,联系电话,问题\n胡强,110108197403062913,13131705289,\n\n杨芳,110108197906059409,,x\n"
    rows = read_table(data.encode(), FileFormat.CSV, COLUMNS, required=["name", "id_number"])
    assert [(r.line, r.values["name"], r.values["phone"]) for r in rows] == [
        (2, "胡强", "13131705289"),
        (4, "杨芳", ""),
    ]


def test_english_headers() -> None:
    rows = read_table(b"full_name,national_id\nA,1\n", FileFormat.CSV, COLUMNS, required=["name"])
    assert rows[0].values == {"name": "A", "id_number": "1"}


def test_missing_required_column_names_it() -> None:
    with pytest.raises(InvalidArgument, match="身份证号"):
        read_table("姓名\n胡强\n".encode(), FileFormat.CSV, COLUMNS, required=["name", "id_number"])


@pytest.mark.parametrize("file_format", list(FileFormat))
def test_round_trip_keeps_id_numbers_as_text(file_format: FileFormat) -> None:
    rows = [{"name": "胡强", "id_number": "11010819740306291X", "phone": "13131705289"}]
    data = write_table(rows, file_format, COLUMNS)
    back = read_table(data, file_format, COLUMNS, required=["id_number"])
    assert dict(back[0].values) == rows[0]


def test_unreadable_workbook() -> None:
    with pytest.raises(InvalidArgument, match="file: is not a readable XLSX workbook"):
        read_table(b"not a zip", FileFormat.XLSX, COLUMNS)
