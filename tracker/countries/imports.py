"""Importing a tier table: read every row, say what each would do (the preview), then apply all of it
in the caller's transaction, or nothing when a row is wrong.

The command line and the admin screen both call ``preview_import`` and then ``apply_import``; the
caller commits. A row whose country or tier cannot be read makes the whole import refused unless the
person asks to skip such rows; a file that is not a tier table at all is always refused.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from tracker import audit
from tracker.clock import today
from tracker.countries.names import CountryNames, KnownCountry
from tracker.countries.reference import FIRST_REPORT_YEAR
from tracker.countries.tier_changes import TierMove, record_tier_moves, tier_moves
from tracker.countries.tier_files import RawRow, TierFileError, read_tier_file
from tracker.countries.tier_values import Numbering, NumberingError, TierValueError, detect_numbering, parse_tier
from tracker.csv_import import Outcome, Preview, refuse_problems
from tracker.extensions import db
from tracker.models import AuditAction, Country, Tier, TierPlacement, User


@dataclass
class PreviewRow:
    """One data row: what it says, what it matched, and what importing it would do."""

    line: int
    written: str
    raw_tier: str
    country: KnownCountry | None = None
    year: int | None = None
    tier: Tier | None = None
    outcome: Outcome = Outcome.INVALID
    #: The problem (invalid), the reason (skipped, duplicate) or the tier replaced (changed).
    note: str = ""
    def refuse(self, problem: str) -> None:
        self.outcome, self.note = Outcome.INVALID, problem


class TierImport(Preview[PreviewRow]):
    """The preview of an import: every row and what it would do."""

    def __init__(self, rows: list[PreviewRow], numbering: Numbering) -> None:
        super().__init__(rows)
        self.numbering = numbering

    @property
    def skipped(self) -> Counter[str]:
        """Why rows were left out though nothing is wrong with them (an unknown tier, a year before the
        report), with how many rows for each reason."""
        return Counter(row.note for row in self.rows if row.outcome is Outcome.SKIPPED)

    def summary(self) -> str:
        parts = [f"{self.counts[outcome]} {outcome}" for outcome in (Outcome.ADDED, Outcome.CHANGED, Outcome.UNCHANGED)]
        parts += [
            f"{self.counts[o]} {o}" for o in (Outcome.DUPLICATE, Outcome.SKIPPED, Outcome.INVALID) if self.counts[o]
        ]
        return f"{len(self.rows)} rows: " + ", ".join(parts)


@dataclass(frozen=True)
class ImportResult:
    moves: list[TierMove]
    #: How many timeline entries the moves made on active delegations.
    recorded: int


def preview_import(data: bytes, year: int | None = None, numbering: Numbering | None = None) -> TierImport:
    """Read a tier file and say, row by row, what importing it would do; change nothing.

    ``year`` is the report year for a file without a year column; ``numbering`` says how to read numeric
    tiers (detected when None). Raises ``TierFileError`` when the file cannot be read as a tier table.
    """
    columns, raw_rows = read_tier_file(data)
    if not raw_rows:
        raise TierFileError("The file has a header but no rows.")
    if columns.year is None and year is None:
        raise TierFileError("The file has no year column: give the report year.")
    if columns.year is not None and year is not None:
        raise TierFileError("The file has its own year column: do not give a year as well.")
    try:
        numbering = numbering or detect_numbering(row.tier for row in raw_rows)
    except NumberingError as error:
        raise TierFileError(str(error)) from error

    names = CountryNames(
        KnownCountry(*row) for row in db.session.execute(select(Country.id, Country.iso3, Country.name))
    )
    rows = [_read_row(raw, names, year, numbering) for raw in raw_rows]
    _mark_duplicates(rows)
    _compare_with_history(rows, _history())
    return TierImport(rows, numbering)


def apply_import(preview: TierImport, actor: User | None, *, skip_invalid: bool = False) -> ImportResult:
    """Write the previewed rows (in the caller's transaction) and record tier moves on active delegations.

    Refuses, changing nothing, when a row is invalid and ``skip_invalid`` is not given.
    """
    refuse_problems(preview, skip_invalid)
    history_before = _history()
    added = [row for row in preview.rows if row.outcome is Outcome.ADDED]
    changed = [row for row in preview.rows if row.outcome is Outcome.CHANGED]
    if added:
        db.session.execute(
            insert(TierPlacement), [{"country_id": r.country.id, "year": r.year, "tier": r.tier} for r in added]
        )
    for row in changed:
        db.session.execute(
            update(TierPlacement)
            .where(TierPlacement.country_id == row.country.id, TierPlacement.year == row.year)
            .values(tier=row.tier)
        )
    moves = tier_moves(history_before, [(r.country, r.year, r.tier) for r in (*added, *changed)])
    audit.record(AuditAction.IMPORT, f"Imported TIP-report tiers: {preview.summary()}", user=actor,
                 target_kind="tier history")
    return ImportResult(moves, record_tier_moves(moves, actor))


def _read_row(raw: RawRow, names: CountryNames, given_year: int | None, numbering: Numbering) -> PreviewRow:
    row = PreviewRow(line=raw.line, written=raw.country or raw.code, raw_tier=raw.tier)
    if raw.problem:
        row.refuse(f"the row {raw.problem}")
        return row
    matched = _match_country(raw, names)
    if isinstance(matched, str):
        row.refuse(matched)
        return row
    row.country = matched
    try:
        row.year = given_year or _year(raw.year)
        row.tier = parse_tier(raw.tier, numbering)
    except (ValueError, TierValueError) as error:
        row.refuse(str(error))
        return row
    if row.tier is None:
        row.outcome, row.note = Outcome.SKIPPED, "tier not known (NA in the ordinal coding: not rated or Special Case)"
    elif row.year < FIRST_REPORT_YEAR:
        if row.tier is Tier.NOT_RATED:
            row.outcome, row.note = Outcome.SKIPPED, f"no TIP report before {FIRST_REPORT_YEAR}"
        else:
            row.refuse(f"{row.year} is before the first TIP report ({FIRST_REPORT_YEAR})")
    elif row.year > today().year + 1:
        row.refuse(f"there is no {row.year} TIP report yet")
    else:
        row.outcome = Outcome.UNCHANGED  # until compared with the history
    return row


def _match_country(raw: RawRow, names: CountryNames) -> KnownCountry | str:
    """The country of a row: by its code when the file has one, checked against its name if both are given."""
    if not raw.code:
        return names.resolve(raw.country)
    by_code = names.resolve(raw.code)
    if isinstance(by_code, str):
        return f"“{raw.code}” is not a country code the tracker knows"
    by_name = names.resolve(raw.country) if raw.country else by_code
    if isinstance(by_name, KnownCountry) and by_name != by_code:
        return f"the code {raw.code} is {by_code.name}, but the name “{raw.country}” is {by_name.name}"
    return by_code


def _year(cell: str) -> int:
    try:
        number = float(cell)
    except ValueError:
        number = float("nan")
    if not number.is_integer():
        raise ValueError(f"“{cell}” is not a year" if cell else "no year given")
    return int(number)


def _mark_duplicates(rows: list[PreviewRow]) -> None:
    """The same country and year twice: the same tier is a harmless duplicate, different tiers a conflict."""
    first: dict[tuple[int, int], PreviewRow] = {}
    for row in rows:
        if row.outcome is Outcome.INVALID or row.country is None or row.year is None:
            continue
        key = (row.country.id, row.year)
        if key not in first:
            first[key] = row
        elif row.tier == first[key].tier:
            row.outcome, row.note = Outcome.DUPLICATE, f"same as line {first[key].line}"
        else:
            conflict = f"{row.country.name} {row.year} is {_label(row.tier)} here but {_label(first[key].tier)} on"
            row.refuse(f"{conflict} line {first[key].line}")
            first[key].refuse(f"{row.country.name} {row.year} is {_label(row.tier)} on line {row.line} as well")


def _compare_with_history(rows: list[PreviewRow], history: dict[tuple[int, int], Tier]) -> None:
    for row in rows:
        if row.outcome is not Outcome.UNCHANGED or row.country is None or row.year is None:
            continue
        previous = history.get((row.country.id, row.year))
        if previous is None:
            row.outcome = Outcome.ADDED
        elif previous != row.tier:
            row.outcome, row.note = Outcome.CHANGED, f"was {previous.label}"


def _history() -> dict[tuple[int, int], Tier]:
    """Every placement, by (country id, year): a few thousand rows, read in one query."""
    placements = db.session.execute(select(TierPlacement.country_id, TierPlacement.year, TierPlacement.tier))
    return {(country_id, year): tier for country_id, year, tier in placements}


def _label(tier: Tier | None) -> str:
    return tier.label if tier else "unknown"
