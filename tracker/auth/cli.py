"""``tracker users …``: manage staff accounts from the command line."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from tracker.auth.services import AccountError, create_user
from tracker.extensions import db
from tracker.models import Role

users_cli = AppGroup("users", help="Manage staff accounts.")


@users_cli.command("create")
@click.option("--email", required=True, help="Sign-in email.")
@click.option("--name", required=True, help="Name shown in the tracker.")
@click.option("--role", type=click.Choice([role.value for role in Role]), default=Role.STAFF.value, show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of a prompt.")
def create_command(email: str, name: str, role: str, password_stdin: bool) -> None:
    """Create a staff account (the password comes from a prompt or standard input)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(email=email, name=name, role=Role(role), password=password)
    except AccountError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created {user.role.label.lower()} {user.name} <{user.email}>.")
