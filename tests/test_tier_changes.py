"""A tier move in a new report reaches the timeline of each active delegation and its liaison's dashboard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from tests import factories
from tests.conftest import sign_in
from tracker.extensions import db
from tracker.models import DelegationStatus, TimelineEntry, TimelineKind

pytestmark = pytest.mark.usefixtures("restore_tier_history")


def _import(runner: FlaskCliRunner, tmp_path: Path, content: str) -> str:
    path = tmp_path / "tiers.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["tiers", "import", str(path)])
    assert result.exit_code == 0, result.output
    return result.stdout


def _tier_entries(delegation_id: int) -> list[str]:
    return list(
        db.session.scalars(
            select(TimelineEntry.summary)
            .where(TimelineEntry.delegation_id == delegation_id, TimelineEntry.kind == TimelineKind.TIER_CHANGE)
            .order_by(TimelineEntry.id)
        )
    )


def test_a_move_in_a_newer_report_is_recorded_on_active_delegations_only(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    moldova = factories.country("MDA")  # Tier 2 in 2015, the latest bundled report
    active = factories.delegation(country=moldova)
    closed = factories.delegation(country=moldova, status=DelegationStatus.CLOSED)
    elsewhere = factories.delegation(country=factories.country("UKR"))
    output = _import(runner, tmp_path, "Country,Year,Tier\nMoldova,2016,Tier 2 Watch List\nUkraine,2016,2.5\n")
    assert "1 tier change(s), recorded on 1 active delegation timeline(s)." in output
    assert _tier_entries(active.id) == ["Moldova moved from Tier 2 to Tier 2 Watch List in the 2016 report"]
    assert _tier_entries(closed.id) == []
    assert _tier_entries(elsewhere.id) == []  # Ukraine was on the Watch List in 2015 already
    entry = db.session.scalars(select(TimelineEntry).where(TimelineEntry.delegation_id == active.id)).one()
    assert entry.actor_id is None  # the command line acts as the system


def test_corrections_and_repeats_are_not_moves(runner: FlaskCliRunner, tmp_path: Path) -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    _import(runner, tmp_path, "Country,Year,Tier\nMoldova,2014,Tier 3\nMoldova,2016,Tier 2\n")
    assert _tier_entries(delegation.id) == []


def test_several_new_reports_record_each_move_in_order(runner: FlaskCliRunner, tmp_path: Path) -> None:
    delegation = factories.delegation(country=factories.country("MDA"))
    _import(runner, tmp_path, "Country,Year,Tier\nMoldova,2018,2\nMoldova,2017,3\nMoldova,2016,2.5\n")
    assert _tier_entries(delegation.id) == [
        "Moldova moved from Tier 2 to Tier 2 Watch List in the 2016 report",
        "Moldova moved from Tier 2 Watch List to Tier 3 in the 2017 report",
        "Moldova moved from Tier 3 to Tier 2 in the 2018 report",
    ]


def test_the_liaison_sees_recent_moves_on_the_dashboard(
    runner: FlaskCliRunner, client: FlaskClient, tmp_path: Path
) -> None:
    liaison, colleague = factories.user(), factories.user()
    visit = factories.visit(title="Labour trafficking study tour")
    delegation = factories.delegation(country=factories.country("MDA"), liaison=liaison, visit=visit)
    _import(runner, tmp_path, "Country,Year,Tier\nMoldova,2016,Tier 2 Watch List\n")

    sign_in(client, liaison)
    page = client.get("/").get_data(as_text=True)
    assert "Tier changes for my delegations" in page
    assert "Moldova, Labour trafficking study tour" in page
    assert "Moldova moved from Tier 2 to Tier 2 Watch List in the 2016 report" in page
    assert f"/delegations/{delegation.id}#timeline" in page
    assert "moved from Tier 2" in client.get(f"/delegations/{delegation.id}").get_data(as_text=True)

    other_client = client.application.test_client()
    sign_in(other_client, colleague)
    assert "Tier changes for my delegations" not in other_client.get("/").get_data(as_text=True)


def test_a_move_older_than_ninety_days_leaves_the_dashboard(
    runner: FlaskCliRunner, client: FlaskClient, tmp_path: Path
) -> None:
    liaison = factories.user()
    factories.delegation(country=factories.country("MDA"), liaison=liaison)
    _import(runner, tmp_path, "Country,Year,Tier\nMoldova,2016,Tier 3\n")
    db.session.execute(sa.update(TimelineEntry).values(created_at=datetime.now(UTC) - timedelta(days=91)))
    db.session.commit()
    sign_in(client, liaison)
    assert "Tier changes for my delegations" not in client.get("/").get_data(as_text=True)


def test_the_database_takes_the_new_kind_and_still_refuses_unknown_ones() -> None:
    """The migration widened the CHECK constraint on timeline kinds rather than dropping it."""
    delegation = factories.delegation()
    insert = sa.text(
        "INSERT INTO timeline_entries (delegation_id, kind, summary, body, created_at) "
        "VALUES (:delegation, :kind, 'x', '', CURRENT_TIMESTAMP)"
    )
    db.session.execute(insert, {"delegation": delegation.id, "kind": "tier_change"})
    db.session.commit()
    with pytest.raises(sa.exc.IntegrityError):
        db.session.execute(insert, {"delegation": delegation.id, "kind": "gossip"})
        db.session.commit()
    db.session.rollback()
