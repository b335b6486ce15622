"""The ``tracker`` console script: Flask's command line for this app, plus the commands of each domain."""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from tracker import create_app


def register_commands(app: Flask) -> None:
    from tracker.auth.cli import users_cli
    from tracker.backup import backup_command
    from tracker.countries.cli import tiers_cli
    from tracker.demo.cli import demo_data_command
    from tracker.exports.cli import export_cli
    from tracker.portal.cli import portal_cli
    from tracker.reminders.cli import reminders_cli, scheduler_command

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_data_command)
    app.cli.add_command(export_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(scheduler_command)
    app.cli.add_command(tiers_cli)
    app.cli.add_command(portal_cli)
    app.cli.add_command(backup_command)


def main() -> None:
    FlaskGroup(create_app=create_app, help="Exchange-visit follow-up tracker.")()
