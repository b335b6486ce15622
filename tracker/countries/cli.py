"""``tracker tiers import FILE``: the tier history from a CSV table, all rows or none."""

from __future__ import annotations

from typing import BinaryIO

import click
from flask.cli import AppGroup
from sqlalchemy.exc import IntegrityError

from tracker.countries.imports import apply_import, preview_import
from tracker.countries.tier_values import Numbering, describe
from tracker.csv_import import CsvFileError, ImportRefused
from tracker.extensions import db

tiers_cli = AppGroup("tiers", help="The TIP-report tier history.")


@tiers_cli.command("import")
@click.argument("file", type=click.File("rb"))
@click.option("--year", type=click.IntRange(1990, 2100), help="Report year, for a file without a year column.")
@click.option(
    "--numbering",
    type=click.Choice([n.value for n in Numbering]),
    help="How to read numeric tiers: the report's (3 = Tier 3) or the ordinal coding (3 = Watch List); "
    "detected when not given.",
)
@click.option("--skip-invalid", is_flag=True, help="Import the rows that can be read and skip the others.")
def import_command(file: BinaryIO, year: int | None, numbering: str | None, skip_invalid: bool) -> None:
    """Import tier placements from a CSV file: a country column (name or ISO alpha-3 code), a tier column,
    and a year column or --year. Nothing changes when a row cannot be read, unless --skip-invalid."""
    try:
        preview = preview_import(file.read(), year, Numbering(numbering) if numbering else None)
    except CsvFileError as error:
        raise click.ClickException(f"{file.name}: {error} Nothing was imported.") from error
    for row in preview.problems:
        click.echo(f"line {row.line}: {row.written or '(no country)'}: {row.note}", err=True)
    for row in preview.duplicates:
        click.echo(f"line {row.line}: {row.written}: duplicate, {row.note}")
    for reason, count in preview.skipped.items():
        click.echo(f"{count} row(s) left out: {reason}")
    click.echo(f"Numeric tiers read in {describe(preview.numbering)}.")
    try:
        result = apply_import(preview, None, skip_invalid=skip_invalid)
        db.session.commit()
    except ImportRefused as error:
        db.session.rollback()
        raise click.ClickException(f"{error} Correct them, or add --skip-invalid to import the others.") from error
    except IntegrityError as error:
        db.session.rollback()
        raise click.ClickException("Another import changed the tier history meanwhile; run this again.") from error
    click.echo(f"Imported {file.name}: {preview.summary()}.")
    if result.moves:
        click.echo(f"{len(result.moves)} tier change(s), recorded on {result.recorded} active delegation timeline(s).")
