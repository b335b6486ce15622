"""``tracker backup``: a consistent, checked copy of SQLite while another connection writes; a PostgreSQL dump that
pg_restore loads into a fresh database with the same rows; uploads copied; nothing overwritten by accident."""

from __future__ import annotations

import os
import secrets
import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from flask import Flask
from flask.testing import FlaskCliRunner

from tracker.backup import libpq_environment, postgresql_program
from tracker.extensions import db

#: Writes the writer makes before the backup starts, and after it has finished.
WRITES_BEFORE, WRITES_AFTER = 200, 200


class LedgerWriter(threading.Thread):
    """Writes continuously to an SQLite database: each transaction adds a ledger line and moves the balance by its
    amount, so in any consistent copy the balance is the sum of the lines."""

    def __init__(self, path: Path) -> None:
        super().__init__(name="ledger-writer", daemon=True)
        self.path, self.writes, self.stop = path, 0, threading.Event()
        self.progress = threading.Condition()

    def run(self) -> None:
        connection = sqlite3.connect(self.path, timeout=30)
        try:
            while not self.stop.is_set():
                amount = secrets.randbelow(1000) + 1
                with connection:
                    connection.execute("INSERT INTO ledger (amount) VALUES (?)", (amount,))
                    connection.execute("UPDATE balance SET total = total + ?", (amount,))
                with self.progress:
                    self.writes += 1
                    self.progress.notify_all()
        finally:
            connection.close()

    def wait_for(self, writes: int) -> None:
        with self.progress:
            assert self.progress.wait_for(lambda: self.writes >= writes or not self.is_alive(), timeout=120)


@pytest.fixture
def sqlite_app(another_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    """An app on an SQLite database of its own (whatever the suite runs on), with uploads of its own."""
    live = tmp_path / "live.db"
    with sqlite3.connect(live) as connection:
        connection.executescript(
            "PRAGMA journal_mode=WAL; CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL);"
            "CREATE TABLE balance (total INTEGER NOT NULL); INSERT INTO balance VALUES (0);"
        )
    uploads = tmp_path / "uploads"
    (uploads / "ab").mkdir(parents=True)
    (uploads / "ab" / "ab12cd").write_bytes(b"%PDF-1.7 a shared material")
    return another_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{live}", UPLOAD_DIR=str(uploads))


@pytest.fixture
def writer(sqlite_app: Flask) -> Iterator[LedgerWriter]:
    writer = LedgerWriter(Path(sqlite_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")))
    writer.start()
    yield writer
    writer.stop.set()
    writer.join()


def _backup(app: Flask, *args: str) -> Result:
    """``tracker backup ARGS`` on this app (in its own app context: the tests run in the main test app's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["backup", *args])


def _ledger(path: Path) -> tuple[int, int, int]:
    """Lines, their sum and the balance."""
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        lines, total = connection.execute("SELECT count(*), coalesce(sum(amount), 0) FROM ledger").fetchone()
        return lines, total, connection.execute("SELECT total FROM balance").fetchone()[0]


def test_a_sqlite_backup_taken_while_another_connection_writes_is_one_consistent_moment(
    sqlite_app: Flask, writer: LedgerWriter, tmp_path: Path
) -> None:
    copy = tmp_path / "backup.db"
    writer.wait_for(WRITES_BEFORE)
    result = _backup(sqlite_app, str(copy))
    written_by_then = writer.writes
    writer.wait_for(written_by_then + WRITES_AFTER)
    writer.stop.set()
    writer.join()

    assert result.exit_code == 0, result.output
    assert f"Backed up the database to {copy}." in result.output
    lines, total, balance = _ledger(copy)
    assert lines >= WRITES_BEFORE and total == balance  # a moment between two transactions, never inside one
    assert _ledger(tmp_path / "live.db")[0] > lines  # the writer went on during and after the backup
    assert [path.name for path in tmp_path.iterdir() if path.name.startswith(".")] == []  # no partial file left


def test_a_backup_never_replaces_a_file_unless_forced(sqlite_app: Flask, tmp_path: Path) -> None:
    existing = tmp_path / "backup.db"
    existing.write_text("last week's backup")
    refused = _backup(sqlite_app, str(existing))
    assert refused.exit_code == 1 and "exists; choose another name, or add --force" in refused.output
    assert existing.read_text() == "last week's backup"
    assert _backup(sqlite_app, "--force", str(existing)).exit_code == 0
    assert _ledger(existing) == (0, 0, 0)
    missing_folder = _backup(sqlite_app, str(tmp_path / "no" / "such" / "folder.db"))
    assert missing_folder.exit_code == 1 and "is not a directory" in missing_folder.output


def test_uploads_are_copied_beside_the_database(sqlite_app: Flask, tmp_path: Path) -> None:
    target = tmp_path / "backup-uploads"
    result = _backup(sqlite_app, str(tmp_path / "backup.db"), "--with-uploads", str(target))
    assert result.exit_code == 0, result.output
    assert "Copied 1 uploaded file(s)" in result.output
    assert (target / "ab" / "ab12cd").read_bytes() == b"%PDF-1.7 a shared material"
    again = _backup(sqlite_app, str(tmp_path / "again.db"), "--with-uploads", str(target))
    assert again.exit_code == 1 and "is not an empty directory" in again.output
    assert not (tmp_path / "again.db").exists()  # refused before anything was written


def test_a_postgresql_dump_restores_into_a_fresh_database_with_the_same_rows(
    runner: FlaskCliRunner, records: dict[str, object], tmp_path: Path
) -> None:
    url = db.engine.url
    if url.get_backend_name() != "postgresql":
        pytest.skip("runs when the suite runs on PostgreSQL (TRACKER_TEST_DATABASE_URL), as CI does")
    dump = tmp_path / "tracker.dump"
    result = runner.invoke(args=["backup", str(dump)])
    assert result.exit_code == 0, result.output
    assert url.password is None or url.password.encode() not in dump.read_bytes()

    fresh = url.set(database=f"{url.database}_restore_{secrets.token_hex(3)}")
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{fresh.database}"'))
    restored = sa.create_engine(fresh)
    try:
        done = subprocess.run([postgresql_program("pg_restore"), "--no-owner", "--exit-on-error",
                               f"--dbname={fresh.database}", str(dump)],
                              env={**os.environ, **libpq_environment(fresh)}, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

        def counts(engine: sa.Engine) -> dict[str, int]:
            with engine.connect() as connection:
                return {table.name: connection.scalar(sa.select(sa.func.count()).select_from(table))
                        for table in db.metadata.sorted_tables}

        original = counts(db.engine)
        assert original["delegations"] == 1 and original["tier_placements"] > 1000
        assert counts(restored) == original
    finally:
        restored.dispose()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{fresh.database}"'))
