"""Country regions (the State Department bureau the TIP report lists each country under), filled from
the bundled regions file; a "tier change" kind of timeline entry.

Revision ID: b7c41e2a9d10
Revises: a22133c1ed69
Create Date: 2026-11-23 20:05:00.000000

"""

import sqlalchemy as sa
from alembic import op

from tracker.countries.reference import bundled_regions


# revision identifiers, used by Alembic.
revision = "b7c41e2a9d10"
down_revision = "a22133c1ed69"
branch_labels = None
depends_on = None

REGIONS = ("africa", "east_asia_pacific", "europe", "near_east", "south_central_asia", "western_hemisphere")
TIMELINE_KINDS = ("created", "updated", "status_changed", "comment", "contact", "need", "delegate")
NEW_TIMELINE_KINDS = (*TIMELINE_KINDS, "tier_change")


def _kind_check(kinds):
    """The CHECK that enum_column(TimelineKind) builds, spelt out: a migration must not follow the enum."""
    return "kind IN ({})".format(", ".join(f"'{kind}'" for kind in kinds))


def _replace_kind_check(kinds):
    # Named constraints survive SQLite's batch table copy, so the old one can be dropped by name.
    with op.batch_alter_table("timeline_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_timeline_entries_timeline_kind"), type_="check")
        batch_op.create_check_constraint(op.f("ck_timeline_entries_timeline_kind"), _kind_check(kinds))


def upgrade():
    with op.batch_alter_table("countries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "region", sa.Enum(*REGIONS, name="region", native_enum=False, create_constraint=True), nullable=True
            )
        )
    fill_regions()
    _replace_kind_check(NEW_TIMELINE_KINDS)


def fill_regions():
    """Each country's bureau as shipped; the table is described here, not imported from the models."""
    countries = sa.table("countries", sa.column("iso3", sa.String), sa.column("region", sa.String))
    for iso3, region in bundled_regions().items():
        op.execute(countries.update().where(countries.c.iso3 == iso3).values(region=region.value))


def downgrade():
    op.execute("DELETE FROM timeline_entries WHERE kind = 'tier_change'")
    _replace_kind_check(TIMELINE_KINDS)
    with op.batch_alter_table("countries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_countries_region"), type_="check")
        batch_op.drop_column("region")
