"""``tracker backup PATH``: a consistent copy of the database while the app runs, and of the uploaded files.

SQLite: the online backup API (``sqlite3.Connection.backup``) copies the database in one step, under a read
transaction, so the copy is one moment of the database even while the app writes (WAL mode: writers are not
blocked). The copy is written beside PATH, checked with ``PRAGMA integrity_check``, then renamed over PATH, so a
half-written file never has the backup's name. PostgreSQL: ``pg_dump --format=custom`` (one snapshot too), with the
credentials in its environment, not on its command line (where ``ps`` shows them).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from sqlalchemy.engine import URL

from tracker.extensions import db

#: libpq's environment variables for the connection settings a URL's query may carry.
LIBPQ_SETTINGS = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                  "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT"}
#: Where Debian puts the PostgreSQL programs when its wrapper is not on PATH.
DEBIAN_POSTGRESQL = Path("/usr/lib/postgresql")


class BackupError(click.ClickException):
    """The backup could not be made; the message says why and what to do. Nothing is left at PATH."""


@contextmanager
def _written_beside(target: Path, force: bool) -> Iterator[Path]:
    """A temporary file beside ``target`` to write the copy to; renamed to ``target`` if the block succeeds."""
    if target.exists() and not force:
        raise BackupError(f"{target} exists; choose another name, or add --force to replace it.")
    if not target.parent.is_dir():
        raise BackupError(f"{target.parent} is not a directory.")
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        yield temporary
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)


def backup_sqlite(database: Path, target: Path, force: bool = False) -> None:
    """Copy a live SQLite database to ``target`` in one consistent step, and check the copy."""
    if not database.is_file():
        raise BackupError(f"The database {database} does not exist.")
    with _written_beside(target, force) as temporary:
        source, copy = sqlite3.connect(database), sqlite3.connect(temporary)
        try:
            source.backup(copy)  # all pages in one step: one read transaction, one moment of the database
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            copy.close()
            source.close()
        if verdict != "ok":
            raise BackupError(f"The copy failed SQLite's integrity check ({verdict}); the database may be damaged.")


def postgresql_program(name: str) -> str:
    """pg_dump or pg_restore: on PATH, else the newest in Debian's /usr/lib/postgresql/*/bin."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(DEBIAN_POSTGRESQL.glob(f"*/bin/{name}"), key=lambda path: int(path.parts[-3]))
    if installed:
        return str(installed[-1])
    raise BackupError(
        f"{name} is not installed. Install PostgreSQL's client programs, of the server's major version or newer "
        "(Debian and Ubuntu: apt-get install postgresql-client; macOS: brew install libpq), then run this again."
    )


def libpq_environment(url: URL) -> dict[str, str]:
    """The URL's connection settings as libpq environment variables, the password among them."""
    environment = {"PGHOST": url.host or "", "PGPORT": str(url.port or ""), "PGUSER": url.username or "",
                   "PGPASSWORD": url.password or "", "PGDATABASE": url.database or ""}
    for name, value in url.query.items():
        if name not in LIBPQ_SETTINGS:
            raise BackupError(f"The database URL's setting {name!r} is not one tracker backup passes to pg_dump.")
        environment[LIBPQ_SETTINGS[name]] = value if isinstance(value, str) else value[-1]
    return {name: value for name, value in environment.items() if value}


def backup_postgresql(url: URL, target: Path, force: bool = False) -> None:
    """Dump a PostgreSQL database to ``target`` (pg_dump's custom format, for pg_restore), and check the dump."""
    pg_dump, pg_restore = postgresql_program("pg_dump"), postgresql_program("pg_restore")
    environment = {**os.environ, **libpq_environment(url)}
    with _written_beside(target, force) as temporary:
        for command in ([pg_dump, "--format=custom", "--no-password", f"--file={temporary}"],
                        [pg_restore, "--list", str(temporary)]):
            done = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()}")


def _refuse_non_empty(directory: Path, force: bool) -> None:
    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())) and not force:
        raise BackupError(f"{directory} is not an empty directory; choose another, or add --force to add to it.")


def copy_uploads(uploads: Path, target: Path) -> int:
    """Copy the uploaded files into ``target``; they are never changed once written, so a copy made after the
    database's holds every file the database names. Returns how many files the copy holds."""
    if not uploads.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        return 0
    shutil.copytree(uploads, target, dirs_exist_ok=True)
    return sum(1 for path in target.rglob("*") if path.is_file())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it exists (and add to a non-empty uploads directory).")
@click.option("--with-uploads", "uploads_to", type=click.Path(file_okay=False, path_type=Path),
              help="Also copy the uploaded materials (TRACKER_UPLOAD_DIR) into this directory.")
def backup_command(path: Path, force: bool, uploads_to: Path | None) -> None:
    """Copy the database to PATH while the app runs: an SQLite file, or a pg_dump archive for pg_restore."""
    url = db.engine.url
    if uploads_to is not None:
        _refuse_non_empty(uploads_to, force)  # before the database's copy: all or nothing
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("The database is in memory: there is nothing on disk to back up.")
        backup_sqlite(Path(url.database), path, force)
    elif url.get_backend_name() == "postgresql":
        backup_postgresql(url, path, force)
    else:
        raise BackupError(f"tracker backup does not know how to back up {url.get_backend_name()} databases.")
    click.echo(f"Backed up the database to {path}.")
    if uploads_to is not None:
        count = copy_uploads(Path(current_app.config["UPLOAD_DIR"]), uploads_to)
        click.echo(f"Copied {count} uploaded file(s) to {uploads_to}.")
