"""``tracker demo-data``: fill an empty database with realistic sample data and print the demo admin's sign-in."""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from tracker.demo import national
from tracker.demo.generate import SCALES, DemoBuilder, DemoDataError
from tracker.demo.people import ADMIN_EMAIL, create_team
from tracker.extensions import db
from tracker.models import Delegation, User, Visit


def admin_file() -> Path:
    """Where the demo admin's sign-in is kept, so that ``make run`` can show it on every start."""
    return Path(current_app.config["INSTANCE_DIR"]) / "demo-admin.txt"


@click.command("demo-data")
@click.option(
    "--scale", type=click.Choice([*SCALES, "national"]), default="small", show_default=True, help="How much data."
)
@click.option("--seed", type=int, default=1, show_default=True, help="The same seed gives the same data on a day.")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has a visit (for `make run`).")
#: Divides the national scale's size, so that a test can load it quickly; not for people.
@click.option("--divisor", type=click.IntRange(1), default=1, hidden=True)
@with_appcontext
def demo_data_command(scale: str, seed: int, if_empty: bool, divisor: int) -> None:
    """Add realistic sample data relative to today, with a demo admin whose sign-in is printed."""
    if if_empty and db.session.scalar(select(Visit.id).limit(1)) is not None:
        click.echo("The database already has data; no demo data added.")
        if admin_file().exists():
            click.echo(admin_file().read_text(), nl=False)
        return
    if db.session.scalar(select(User.id).where(User.email == ADMIN_EMAIL)) is not None:
        raise click.ClickException(f"The database already has demo data ({ADMIN_EMAIL} exists).")
    if scale == "national" and db.session.scalar(select(Visit.id).limit(1)) is not None:
        raise click.ClickException("The national scale loads into an empty database only; this one has visits.")
    # One transaction: an error leaves nothing behind (the app context's teardown rolls back).
    started = time.monotonic()
    try:
        if scale == "national":
            national.prepare(db.engine.dialect.name)
        password, users = create_team()
        if scale == "national":
            counts = _load_national(random.Random(seed), users, divisor)
        else:
            counts = DemoBuilder(random.Random(seed), [user for user in users if user.can_edit]).build(SCALES[scale])
            db.session.commit()
    except DemoDataError as error:
        raise click.ClickException(str(error)) from error
    click.echo(_summary(len(users), counts))
    click.echo(f"Loaded in {time.monotonic() - started:.0f} s.")
    sign_in = f"Demo admin: {ADMIN_EMAIL} / {password}\nSign in at {current_app.config['BASE_URL']}\n"
    click.echo(sign_in, nl=False)
    _write_private(admin_file(), sign_in)


def _load_national(rng: random.Random, users: list[User], divisor: int) -> Counter[str]:
    """Bulk-load SPEC §7's volumes (see tracker/demo/national.py); ``users`` gains the extra staff."""
    dialect = db.engine.dialect.name
    users.extend(national.extra_staff(rng))
    loaded = national.NationalLoader(rng, [user for user in users if user.can_edit], divisor).load()
    national.finish(dialect)
    counts = Counter(
        visits=loaded["visits"],
        delegations=loaded["delegations"],
        countries=db.session.scalar(select(func.count(func.distinct(Delegation.country_id)))),
        delegates=loaded["delegates"],
        needs=loaded["stated_needs"],
        requests=loaded["information_requests"],
        contacts=loaded["contact_logs"],
    )
    counts["timeline entries"] = loaded["timeline_entries"]
    return counts


def _summary(users: int, counts: Counter[str]) -> str:
    return (
        f"Created {users} users, {counts['visits']} visits, {counts['delegations']} delegations from "
        f"{counts['countries']} countries, {counts['delegates']} delegates, {counts['needs']} stated needs, "
        f"{counts['requests']} requests, {counts['contacts']} contacts and {counts['timeline entries']} "
        "timeline entries."
    )


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read, made so before the password goes in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")
