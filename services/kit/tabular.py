"""Ledger files: CSV (UTF-8, with or without BOM) and XLSX in and out, headers in Chinese or English.

Every export goes through write_table, which writes a cell that a spreadsheet program would run as a
formula as inert text; every import goes through read_table, which bounds what a file may unpack to.
"""

from __future__ import annotations

import csv
import io
import math
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from defusedxml import DefusedXmlException

from services.kit.errors import FieldViolation, InvalidArgument, Violations
from services.kit.validation import coordinate_problems, text_problem

MAX_IMPORT_BYTES = 20 * 1024 * 1024
# An XLSX is a zip: what its members unpack to is bounded in total and per member by ratio, since an
# 800 KB file can unpack to gigabytes. A 100,000-row ledger unpacks to about 25 MiB at a ratio near 10.
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
_RATIO_APPLIES_FROM = 1024 * 1024  # small members (styles, an empty sheet) compress far better, harmlessly
MAX_ROWS = 100_000
# A cell becomes a stored text field: the longest any request may hold, with the same control characters refused.
# A column stored in a narrower database column declares that width as its own max_length.
MAX_CELL_LENGTH = 10_000
MAX_COLUMNS = 64
# OWASP's CSV-injection rule: a cell starting with one of these is a formula to spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
FORMULA_ESCAPE = "'"


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


# What a download of each format says it is.
CONTENT_TYPES = {FileFormat.CSV: "text/csv; charset=utf-8",
                 FileFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Column:
    """One ledger column: its code name, the Chinese header districts use, other accepted headers, and the most
    characters a cell of it may hold (the width of the database column it is stored in, where narrower)."""

    name: str
    header: str
    aliases: tuple[str, ...] = ()
    max_length: int = MAX_CELL_LENGTH

    def accepts(self, text: str) -> bool:
        normal = text.strip().lower().replace(" ", "_")
        return normal in {self.name, self.header.lower(), *(a.lower() for a in self.aliases)}


@dataclass(frozen=True)
class Row:
    """One data row: its line number in the file (header is line 1) and values by column name."""

    line: int
    values: Mapping[str, str]


# A ledger's map position: two number columns, both filled or both empty.
LONGITUDE_COLUMN = Column("longitude", "经度", ("lng", "lon"))
LATITUDE_COLUMN = Column("latitude", "纬度", ("lat",))


def coordinate_cells(values: Mapping[str, str], prefix: str) -> tuple[float | None, float | None,
                                                                      list[FieldViolation]]:
    """The (longitude, latitude) of a row's coordinate columns, both None when both are empty, with the problems
    of the cells (``<prefix>.longitude``, ``<prefix>.latitude``): not a number, out of range, one without the other.
    """
    problems: list[FieldViolation] = []
    numbers: dict[str, float | None] = {}
    for column in ("longitude", "latitude"):
        text = values.get(column, "").strip()
        numbers[column] = None
        if not text:
            continue
        try:
            number = float(text)
        except ValueError:
            problems.append(FieldViolation(f"{prefix}.{column}", f"{text!r} is not a number"))
            continue
        if not math.isfinite(number):
            problems.append(FieldViolation(f"{prefix}.{column}", f"{text!r} is not a finite number"))
            continue
        numbers[column] = number
    longitude, latitude = numbers["longitude"], numbers["latitude"]
    if problems:
        return None, None, problems
    if (longitude is None) != (latitude is None):
        missing = "latitude" if latitude is None else "longitude"
        return None, None, [FieldViolation(f"{prefix}.{missing}", "is needed with the other coordinate")]
    if longitude is not None and latitude is not None:
        problems = coordinate_problems(latitude, longitude, prefix)
        if problems:
            return None, None, problems
    return longitude, latitude, []


def read_table(data: bytes, file_format: FileFormat, columns: Sequence[Column],
               required: Iterable[str] = ()) -> list[Row]:
    """Parses a ledger file into rows keyed by column name.

    Raises InvalidArgument naming ``file`` when the file cannot be read, lacks a required column,
    exceeds a bound (its size, what an XLSX unpacks to, MAX_ROWS, MAX_COLUMNS), or a cell of a known
    column is longer than its column's max_length or holds a control character (each such cell by line
    and column). Unknown extra columns (such as a remarks column) are ignored. A value write_table escaped
    comes back as it was stored.
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
    bad = Violations()
    by_name = {c.name: c for c in columns}
    for line, raw in enumerate(raw_rows[1:], start=2):
        if not any((cell or "").strip() for cell in raw):
            continue
        values = {name: _unescaped(raw[i].replace("\r\n", "\n").strip() if i < len(raw) and raw[i] is not None
                                   else "")
                  for i, name in mapping.items()}
        for name, value in values.items():
            problem = text_problem(value, by_name[name].max_length)
            if problem:
                bad.add("file", f"line {line}, column {by_name[name].header}: {problem}")
        rows.append(Row(line, values))
    bad.raise_if_any()
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")  # spreadsheets saved on Chinese Windows
        except UnicodeDecodeError:
            raise InvalidArgument.field("file", "is neither UTF-8 nor GB18030 text") from None
    try:
        return _bounded(csv.reader(io.StringIO(text)))
    except csv.Error as error:  # e.g. a field over csv's own limit of 131,072 characters
        raise InvalidArgument.field("file", f"is not readable as CSV: {error}") from None


def _bounded(rows: Iterable[Sequence[str]]) -> list[list[str]]:
    """The rows, refused past MAX_ROWS rows (header included) or MAX_COLUMNS non-empty columns."""
    kept = []
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise InvalidArgument.field("file", f"has more than {MAX_ROWS} rows")
        if len(row) > MAX_COLUMNS and any(row[MAX_COLUMNS:]):
            raise InvalidArgument.field("file", f"has more than {MAX_COLUMNS} columns")
        kept.append(list(row[:MAX_COLUMNS]))
    return kept


def _read_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    _check_unpacked_size(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        raise _unreadable(error) from None
    try:
        sheet = workbook.worksheets[0]
        # The sheet's declared dimension is not trusted (it pads every row to it); one column and one row
        # past the bounds are read so that _bounded can tell a file that exceeds them.
        sheet.reset_dimensions()  # type: ignore[union-attr]
        cells = sheet.iter_rows(max_row=MAX_ROWS + 1, max_col=MAX_COLUMNS + 1, values_only=True)
        rows = _bounded([_cell_text(cell) for cell in row] for row in cells)
    except InvalidArgument:
        raise
    except Exception as error:
        raise _unreadable(error) from None
    finally:
        workbook.close()
    return rows


def _check_unpacked_size(data: bytes) -> None:
    """Refuses a zip that unpacks to more than MAX_UNPACKED_BYTES or at more than MAX_COMPRESSION_RATIO.

    First by the sizes the zip declares, then by unpacking each member through a counting stream,
    chunk by chunk and discarding, since the declared sizes can lie; only then does openpyxl read it.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise InvalidArgument.field("file", "is not a readable XLSX workbook") from None
    with archive:
        members = archive.infolist()
        declared = sum(member.file_size for member in members)
        if declared > MAX_UNPACKED_BYTES:
            raise _too_large()
        for member in members:
            _check_ratio(member.file_size, member.compress_size)
        unpacked = 0
        try:
            for member in members:
                this_member = 0
                for chunk in _chunks(archive, member):
                    this_member += len(chunk)
                    if unpacked + this_member > MAX_UNPACKED_BYTES:
                        raise _too_large()
                    _check_ratio(this_member, member.compress_size)
                unpacked += this_member
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError):
            raise InvalidArgument.field("file", "is not a readable XLSX workbook") from None


def _chunks(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> Iterator[bytes]:
    """A member's unpacked bytes in 64 KiB chunks, whatever size its header declares."""
    with archive.open(member) as stream:
        while chunk := stream.read(64 * 1024):
            yield chunk


def _check_ratio(unpacked: int, packed: int) -> None:
    if unpacked >= _RATIO_APPLIES_FROM and unpacked > MAX_COMPRESSION_RATIO * max(packed, 1):
        raise InvalidArgument.field("file", f"unpacks at more than {MAX_COMPRESSION_RATIO} times its packed "
                                    "size, which no ledger does")


def _unreadable(error: BaseException) -> InvalidArgument:
    """The refusal of a workbook openpyxl could not read: named for what defusedxml refused, if it was that.

    openpyxl parses through defusedxml (a dependency for this): no DTD, entity or external reference in an
    uploaded workbook, so an entity-expansion ("billion laughs") file costs nothing. openpyxl wraps the
    refusal in its own ValueError, so the chain is searched.
    """
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, DefusedXmlException):
            return InvalidArgument.field("file", "declares XML entities or a DTD, which no spreadsheet needs")
        seen = seen.__cause__ or seen.__context__
    return InvalidArgument.field("file", "is not a readable XLSX workbook")


def _too_large() -> InvalidArgument:
    return InvalidArgument.field("file", f"unpacks to more than {MAX_UNPACKED_BYTES // (1024 * 1024)} MiB")


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
    """Writes rows under the Chinese headers districts use; CSV gets a BOM for spreadsheet programs.

    A value that starts like a formula is written as text with a leading apostrophe (and, in XLSX, in a
    string cell), so a stored ``=HYPERLINK(...)`` never runs in the spreadsheet of whoever opens the export.
    """
    header = [c.header for c in columns]
    body = [[escaped("" if row.get(c.name) is None else str(row.get(c.name))) for c in columns] for row in rows]
    if file_format is FileFormat.CSV:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(body)
        return ("\ufeff" + out.getvalue()).encode("utf-8")
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for values in [header, *body]:
        cells = []
        for value in values:
            # Text stored before control characters were refused must not stop the export: XML cannot hold them.
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
            # Always a string cell: ID numbers must not turn into floats, nor "=..." into a formula
            # or "#N/A" into an error value.
            cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    out_bytes = io.BytesIO()
    workbook.save(out_bytes)
    return out_bytes.getvalue()


def escaped(text: str) -> str:
    """The text as a spreadsheet shows it and never runs it: a formula-like start gets an apostrophe."""
    return FORMULA_ESCAPE + text if text.startswith(FORMULA_TRIGGERS) else text


def _unescaped(text: str) -> str:
    """Undoes escaped(), so that an exported file imports back to the values that were stored."""
    if text.startswith(FORMULA_ESCAPE) and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text
