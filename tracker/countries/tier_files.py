"""Reading a tier table as people save it: UTF-8 with or without a BOM (or UTF-16, or a Windows
spreadsheet's code page), commas, semicolons or tabs, quoted names with commas, stray spaces, and a
header row that names the columns in its own words.

Problems with the file as a whole (not text, no header, no tier column) raise ``TierFileError``;
problems with a row are left to the importer, which reports every one with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from typing import NamedTuple

#: Header names for each column, compared with case, spaces and punctuation taken out.
COLUMN_NAMES = {
    "code": {"iso3", "iso", "isocode", "isoalpha3", "alpha3", "code", "countrycode", "iso3c", "iso31661alpha3"},
    "country": {"country", "countryname", "name", "nation", "economy"},
    "tier": {"tier", "tierplacement", "placement", "tierranking", "ranking", "rank", "tiptier"},
    "year": {"year", "reportyear", "tipyear", "report"},
}
#: How much of the file the dialect is guessed from.
SNIFF_CHARACTERS = 64 * 1024


class TierFileError(ValueError):
    """The file cannot be read as a tier table at all; the message says why and what to do."""


class Columns(NamedTuple):
    """Where each column is in a row (None: the file has no such column), and how many the header names."""

    code: int | None
    country: int | None
    tier: int
    year: int | None
    width: int

    @property
    def needed(self) -> int:
        """How many cells a row must have to reach every column read."""
        return 1 + max(index for index in self[:4] if index is not None)


class RawRow(NamedTuple):
    """One data row as written, with the line it ends on (a quoted name may span lines)."""

    line: int
    code: str
    country: str
    tier: str
    year: str
    #: Why the row cannot be read (wrong number of cells), or "".
    problem: str


def read_tier_file(data: bytes) -> tuple[Columns, list[RawRow]]:
    """The header's columns and every non-blank data row."""
    text = _decode(data)
    if not text.strip():
        raise TierFileError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text), skipinitialspace=True)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        if header is None:  # only empty cells, such as '""'
            raise TierFileError("The file is empty.")
        columns = _columns(header)
        rows = [_raw_row(reader.line_num, cells, columns) for cells in reader if any(c.strip() for c in cells)]
    except csv.Error as error:
        raise TierFileError(f"Line {reader.line_num} cannot be read as CSV ({error}).") from error
    return columns, rows


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16")
    if b"\x00" in data:
        raise TierFileError("This is not a text file. If it is a spreadsheet, save it as “CSV UTF-8” and import that.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _strict(data, "cp1252")  # a spreadsheet's "CSV" on Windows


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise TierFileError("The file is not text in a known encoding: save it as “CSV UTF-8”.") from error


def _dialect(text: str) -> type[csv.Dialect]:
    """Commas, semicolons or tabs, whichever the file uses (commas when it cannot be told)."""
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARACTERS], delimiters=",;\t")
    except csv.Error:
        return csv.excel


def _header_key(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", cell.casefold())


def _columns(header: list[str]) -> Columns:
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        for column, names in COLUMN_NAMES.items():
            if _header_key(cell) in names:
                found.setdefault(column, index)
    named = ", ".join(f"“{cell.strip()}”" for cell in header) or "nothing"
    if "tier" not in found or ("country" not in found and "code" not in found):
        raise TierFileError(
            "The first row must name the columns: a country column (a name or an ISO alpha-3 code), a tier "
            f"column, and a year column unless you give the year. It names {named}."
        )
    return Columns(found.get("code"), found.get("country"), found["tier"], found.get("year"), len(header))


def _raw_row(line: int, cells: list[str], columns: Columns) -> RawRow:
    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problem = ""
    if len(cells) < columns.needed:
        problem = f"has {len(cells)} value(s) where the header names {columns.width} columns"
    elif any(extra.strip() for extra in cells[columns.width :]):
        problem = (
            f"has {len(cells)} values where the header names {columns.width} columns: "
            "a name with a comma must be in quotes"
        )
    return RawRow(line, cell(columns.code), cell(columns.country), cell(columns.tier), cell(columns.year), problem)
