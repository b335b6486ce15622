"""What every CSV import shares (the tier history, a visit's roster): reading a table as people save it, the
outcome of each row in a preview, and carrying the upload from the preview to its confirmation.

Files are read as spreadsheets and partners save them: UTF-8 with or without a BOM, UTF-16, or a Windows
spreadsheet's code page (and the preview says which); commas, semicolons or tabs; quoted cells with commas;
blank lines. Nothing is kept on the server between the preview and the confirmation: the file travels back in
the confirmation form, compressed and signed with the app's secret key, and is read again from scratch, so a
deployment with several web hosts needs no shared storage, a confirmation can only import the file that was
previewed, and the import applies to the database as it is when confirmed.
"""

from __future__ import annotations

import base64
import binascii
import csv
import enum
import io
import re
import zlib
from collections import Counter
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from flask import current_app
from itsdangerous import BadSignature, Signer

#: How much of the file the dialect is guessed from.
SNIFF_CHARACTERS = 64 * 1024


class CsvFileError(ValueError):
    """The file cannot be read as the table expected; the message says why and what to do."""


@dataclass(frozen=True)
class CsvTable:
    header: list[str]
    #: Every non-blank row after the header, with the line it ends on (a quoted cell may span lines).
    rows: list[tuple[int, list[str]]]
    #: How the bytes were read, as a person knows the name ("UTF-8", "Windows-1252").
    encoding: str


def read_csv(data: bytes) -> CsvTable:
    """The header row and every non-blank row after it."""
    text, encoding = _decode(data)
    if not text.strip():
        raise CsvFileError("The file is empty.")
    reader = csv.reader(io.StringIO(text, newline=""), _dialect(text), skipinitialspace=True)
    try:
        header = next((row for row in reader if any(cell.strip() for cell in row)), None)
        rows = [(reader.line_num, cells) for cells in reader if any(cell.strip() for cell in cells)]
    except csv.Error as error:
        raise CsvFileError(f"Line {reader.line_num} cannot be read as CSV ({error}).") from error
    if header is None:
        raise CsvFileError("The file has no header row: its first row must name the columns.")
    return CsvTable(header, rows, encoding)


def header_key(cell: str) -> str:
    """A header cell compared without case, spaces or punctuation ("E-mail" is "email")."""
    return re.sub(r"[^a-z0-9]", "", cell.casefold())


def find_columns(header: list[str], names: dict[str, set[str]]) -> dict[str, int]:
    """Where each column is, by any of its names (as ``header_key`` writes them); the first one found wins."""
    found: dict[str, int] = {}
    for index, cell in enumerate(header):
        for column, keys in names.items():
            if header_key(cell) in keys:
                found.setdefault(column, index)
    return found


def width_problem(cells: list[str], needed: int, width: int) -> str:
    """Why a row cannot be read when it has too few cells to reach the columns read (``needed``) or more than the
    header's ``width`` (a cell with an unquoted comma); "" when it can."""
    if len(cells) < needed:
        return f"has {len(cells)} value(s) where the header names {width} columns"
    if any(extra.strip() for extra in cells[width:]):
        return f"has {len(cells)} values where the header names {width} columns: a name with a comma must be in quotes"
    return ""


def named(header: list[str]) -> str:
    """The header as a person reads it in a message."""
    return ", ".join(f"“{cell.strip()}”" for cell in header) or "nothing"


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "UTF-16"
    if b"\x00" in data:
        raise CsvFileError("This is not a text file. If it is a spreadsheet, save it as “CSV UTF-8” and import that.")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return _strict(data, "cp1252"), "Windows-1252"  # a spreadsheet's "CSV" on Windows


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise CsvFileError("The file is not text in a known encoding: save it as “CSV UTF-8”.") from error


def _dialect(text: str) -> type[csv.Dialect]:
    """Commas, semicolons or tabs, whichever the file uses (commas when it cannot be told)."""
    try:
        return csv.Sniffer().sniff(text[:SNIFF_CHARACTERS], delimiters=",;\t")
    except csv.Error:
        return csv.excel


class Outcome(enum.StrEnum):
    """What importing a row would do."""

    ADDED = "added"
    CHANGED = "changed"
    UNCHANGED = "unchanged"
    DUPLICATE = "duplicate"
    SKIPPED = "skipped"
    INVALID = "invalid"


class PreviewRow(Protocol):
    line: int
    outcome: Outcome
    #: The problem (invalid), the reason (skipped, duplicate), or what else a person should know.
    note: str


Row = TypeVar("Row", bound=PreviewRow)


class Preview(Generic[Row]):
    """Every row of an upload and what importing it would do."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.counts = Counter(row.outcome for row in rows)

    @property
    def problems(self) -> list[Row]:
        return [row for row in self.rows if row.outcome is Outcome.INVALID]

    @property
    def duplicates(self) -> list[Row]:
        return [row for row in self.rows if row.outcome is Outcome.DUPLICATE]


class ImportRefused(ValueError):
    """Rows that cannot be imported, and no permission to skip them."""


def refuse_problems(preview: Preview[Row], skip_invalid: bool) -> None:
    """All or nothing: raise ``ImportRefused`` when a row is invalid and the person did not ask to skip such rows."""
    if preview.problems and not skip_invalid:
        raise ImportRefused(f"{len(preview.problems)} row(s) cannot be imported; nothing was changed.")


def pack(data: bytes, purpose: str) -> str:
    """The file as form-safe text: compressed (a large table stays a small form field) and signed for ``purpose``."""
    return _signer(purpose).sign(base64.b64encode(zlib.compress(data, 9))).decode("ascii")


def unpack(text: str, purpose: str, limit: int) -> bytes:
    """The file back; ValueError for anything but a file packed here for ``purpose``, of at most ``limit`` bytes."""
    try:
        packed = _signer(purpose).unsign(text.encode("ascii"))
        inflater = zlib.decompressobj()
        data = inflater.decompress(base64.b64decode(packed, validate=True), limit + 1)
    except (BadSignature, UnicodeEncodeError, binascii.Error, zlib.error) as error:
        raise ValueError("the file sent back is damaged") from error
    if len(data) > limit or inflater.unconsumed_tail or not inflater.eof:
        raise ValueError("the file sent back is damaged")
    return data


def _signer(purpose: str) -> Signer:
    return Signer(current_app.secret_key, salt=f"tracker.csv_import:{purpose}")  # type: ignore[arg-type]
