"""Ledger files: CSV (UTF-8, with or without BOM) and XLSX in and out, headers in Chinese or English."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from services.kit.errors import InvalidArgument

MAX_IMPORT_BYTES = 20 * 1024 * 1024


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Column:
    """One ledger column: its code name, the Chinese header districts use, and other accepted headers."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()

    def accepts(self, text: str) -> bool:
        normal = text.strip().lower().replace(" ", "_")
        return normal in {self.name, self.header.lower(), *(a.lower() for a in self.aliases)}


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file (header is line 1) and values by column name."""

    line: int
    values: Mapping[str, str]


def read_table(data: bytes, file_format: FileFormat, columns: Sequence[Column],
               required: Iterable[str] = ()) -> list[Row]:
    """Parses a ledger file into rows keyed by column name.

    Raises InvalidArgument naming ``file`` when the file cannot be read or lacks a required column.
    Unknown extra columns (such as a remarks column) are ignored.
    """
    if len(data) > MAX_IMPORT_BYTES:
        raise InvalidArgument.field("file", f"is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB")
    raw_rows = _read_csv(data) if file_format is FileFormat.CSV else _read_xlsx(data)
    if not raw_rows:
        raise InvalidArgument.field("file", "is empty: a header row is needed")
    header = raw_rows[0]
    mapping: dict[int, str] = {}
    for index, text in enumerate(header):
        for column in columns:
            if column.accepts(text or ""):
                mapping[index] = column.name
                break
    missing = [c.header for c in columns if c.name in set(required) and c.name not in mapping.values()]
    if missing:
        raise InvalidArgument.field("file", f"lacks the column(s) {', '.join(missing)}")
    rows = []
    for line, raw in enumerate(raw_rows[1:], start=2):
        if not any((cell or "").strip() for cell in raw):
            continue
        values = {name: (raw[i].strip() if i < len(raw) and raw[i] is not None else "")
                  for i, name in mapping.items()}
        rows.append(Row(line, values))
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # spreadsheets saved on Chinese Windows
        except UnicodeDecodeError:
            raise InvalidArgument.field("file", "is neither UTF-8 nor GB18030 text") from None
    return [row for row in csv.reader(io.StringIO(text))]


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:
        raise InvalidArgument.field("file", "is not a readable XLSX workbook") from None
    sheet = workbook.worksheets[0]
    rows = [[_cell_text(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
    workbook.close()
    return rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "date") and hasattr(value, "hour"):
        return value.date().isoformat()  # type: ignore[attr-defined]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_table(rows: Iterable[Mapping[str, object]], file_format: FileFormat,
                columns: Sequence[Column]) -> bytes:
    """Writes rows under the Chinese headers districts use; CSV gets a BOM for spreadsheet programs."""
    header = [c.header for c in columns]
    body = [["" if row.get(c.name) is None else str(row.get(c.name)) for c in columns] for row in rows]
    if file_format is FileFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(body)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    for values in body:
        sheet.append(values)  # as text: ID numbers must not turn into floats
    out_bytes = io.BytesIO()
    workbook.save(out_bytes)
    return out_bytes.getvalue()
