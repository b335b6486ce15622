"""``tracker portal link EMAIL``: a sign-in link to hand a delegate in person."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click
from email_validator import EmailNotValidError, validate_email
from flask.cli import with_appcontext

from tracker.extensions import db
from tracker.models import LinkPurpose
from tracker.portal.identity import LINK_LIFETIME, is_delegate, issue_link
from tracker.portal.notices import link_url

portal_cli = click.Group("portal", help="The delegate portal.")


@portal_cli.command("link")
@click.argument("email")
@with_appcontext
def link_command(email: str) -> None:
    """Print a single-use sign-in link for the delegate with EMAIL (valid 7 days)."""
    try:
        address = validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as error:
        click.echo(f"{email!r} is not an email address: {error}", err=True)
        sys.exit(2)
    if not is_delegate(address):
        click.echo(f"No delegate has the address {address}: add it to a delegation first.", err=True)
        sys.exit(1)
    token, _link = issue_link(address, LinkPurpose.HANDOVER, datetime.now(UTC))
    db.session.commit()
    days = LINK_LIFETIME[LinkPurpose.HANDOVER].days
    click.echo(link_url(token))
    click.echo(f"It works once, within {days} days; whoever has it can sign in as {address}.", err=True)
