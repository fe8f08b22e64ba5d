"""Read a CSV or XLSX file into numbered rows of text cells; write rows as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path


class TableError(Exception):
    """The file cannot be read as a table (format, encoding, header)."""


@dataclass(frozen=True)
class Row:
    """One data row: its line (1 is the header) and its cells by column name."""

    line: int
    cells: dict[str, str]


def read_table(path: Path) -> list[Row]:
    """Rows of a .csv (UTF-8, with or without BOM) or .xlsx file (its first sheet); blank rows skipped."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        header, body = _csv(path)
    elif suffix == ".xlsx":
        header, body = _xlsx(path)
    else:
        raise TableError(f"{path}: expected a .csv or .xlsx file")
    header = [h.strip() for h in header]
    if not any(header):
        raise TableError(f"{path}:1: the first row must name the columns")
    rows = []
    for line, values in body:
        cells = {name: (values[i].strip() if i < len(values) else "") for i, name in enumerate(header) if name}
        if any(cells.values()):
            rows.append(Row(line, cells))
    return rows


def _csv(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(f"{path}: not UTF-8 text ({exc.reason}); save the file as CSV UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, [])
    return header, [(reader.line_num, values) for values in reader]


def _xlsx(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from zipfile import BadZipFile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as exc:
        raise TableError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        sheet = book.worksheets[0]
        lines = [(n, [_cell(v) for v in values]) for n, values in enumerate(sheet.iter_rows(values_only=True), 1)]
    finally:
        book.close()
    if not lines:
        return [], []
    return lines[0][1], lines[1:]


def _cell(value: object) -> str:
    """A spreadsheet cell as the text a CSV would hold (dates as YYYY-MM-DD, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A text cell a spreadsheet will not run as a formula (OWASP CSV injection): a leading ' when needed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(columns: list[str], rows: list[list[object]]) -> str:
    """CSV text with a header row; user-written text cannot turn into spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows([safe_cell(v) for v in row] for row in rows)
    return out.getvalue()
