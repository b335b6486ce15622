"""``tracker export …``: tracker data as CSV on standard output, for spreadsheets and other tools."""

from __future__ import annotations

import sys

from flask.cli import AppGroup

from tracker.exports.tables import DELEGATES, DELEGATIONS, REQUESTS, TIERS, write_csv

export_cli = AppGroup("export", help="Write tracker data as CSV to standard output.")


@export_cli.command("delegations")
def delegations_command() -> None:
    """Write every delegation as CSV: visit, country, tier at the visit, liaison, counts, last contact."""
    write_csv(DELEGATIONS, sys.stdout)


@export_cli.command("requests")
def requests_command() -> None:
    """Write every information request as CSV: delegation, kind, owner, dates, priority and status."""
    write_csv(REQUESTS, sys.stdout)


@export_cli.command("tiers")
def tiers_command() -> None:
    """Write the TIP-report tier history as CSV: iso3, country, year, tier (as the report labels it)."""
    write_csv(TIERS, sys.stdout)


@export_cli.command("delegates")
def delegates_command() -> None:
    """Write every delegate as CSV: name, email, organisation, delegation, country. Personal data: take care."""
    write_csv(DELEGATES, sys.stdout)
