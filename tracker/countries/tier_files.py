"""Reading a tier table as people save it (see tracker.csv_import): a header row that names the columns in its own
words, then one row per placement.

Problems with the file as a whole (not text, no header, no tier column) raise ``CsvFileError``; problems with a row
are left to the importer, which reports every one with its line number.
"""

from __future__ import annotations

from typing import NamedTuple

from tracker.csv_import import CsvFileError, find_columns, named, read_csv, width_problem

#: Header names for each column, compared with case, spaces and punctuation taken out.
COLUMN_NAMES = {
    "code": {"iso3", "iso", "isocode", "isoalpha3", "alpha3", "code", "countrycode", "iso3c", "iso31661alpha3"},
    "country": {"country", "countryname", "name", "nation", "economy"},
    "tier": {"tier", "tierplacement", "placement", "tierranking", "ranking", "rank", "tiptier"},
    "year": {"year", "reportyear", "tipyear", "report"},
}


class TierFileError(CsvFileError):
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
    table = read_csv(data)
    columns = _columns(table.header)
    return columns, [_raw_row(line, cells, columns) for line, cells in table.rows]


def _columns(header: list[str]) -> Columns:
    found = find_columns(header, COLUMN_NAMES)
    if "tier" not in found or ("country" not in found and "code" not in found):
        raise TierFileError(
            "The first row must name the columns: a country column (a name or an ISO alpha-3 code), a tier "
            f"column, and a year column unless you give the year. It names {named(header)}."
        )
    return Columns(found.get("code"), found.get("country"), found["tier"], found.get("year"), len(header))


def _raw_row(line: int, cells: list[str], columns: Columns) -> RawRow:
    def cell(index: int | None) -> str:
        return cells[index].strip() if index is not None and index < len(cells) else ""

    problem = width_problem(cells, columns.needed, columns.width)
    return RawRow(line, cell(columns.code), cell(columns.country), cell(columns.tier), cell(columns.year), problem)
