"""The follow-up summary for the aggregate pages at national scale: every measure but the overdue spans also by
coarser cohorts (by tier, year or country alone: ``on_time_by_tier``...; only the days
histogram was), the days histogram also by bands of days (``days_band``: a median reads the band totals, then the
days of the band with the middle), and indexes that hold the key and the count, so that the pages' sums read an
index alone. And a delegation's requests and needs by date, for a country page's latest.

The triggers are made again by tracker.health.summary_triggers; the new rows are summed from the cohorts' rows, not
counted from the requests again: seconds on a million requests. Downgrading puts the former indexes back and leaves
the rows and triggers (the older code reads only rows they keep as before).

Revision ID: i2a4c6e8f0b1
Revises: i4c6e8a0b2d3
Create Date: 2026-11-24 04:00:00.000000

"""
from alembic import op

from tracker.health.summary import DAYS_BAND, GRAIN_CONSTANTS, GRAINS
from tracker.health.summary_triggers import create_triggers, drop_triggers
from tracker.models import NeedCategory

# revision identifiers, used by Alembic.
revision = 'i2a4c6e8f0b1'
down_revision = 'i4c6e8a0b2d3'
branch_labels = None
depends_on = None

#: The measures kept by coarser cohorts too.
GRAINED = ('requests', 'on_time', 'late', 'days', 'days_band', 'open', 'open_due', 'delegations', 'active',
           'active_ended', 'active_quiet', 'last_contact', *(f'need:{category.value}' for category in NeedCategory))
#: (name, columns) of the indexes this revision adds, and of those it replaces.
INDEXES = (
    ('ix_follow_up_counts_counted', ['measure', 'visit_year', 'country_id', 'tier', 'day', 'until', 'count']),
    ('ix_follow_up_counts_by_day', ['measure', 'day', 'visit_year', 'country_id', 'tier', 'count']),
    ('ix_follow_up_counts_by_until', ['measure', 'until', 'day', 'visit_year', 'country_id', 'tier', 'count']),
)
#: (name, table, columns) of the indexes of a delegation's rows by date.
BY_DATE = (
    ('ix_information_requests_delegation_created', 'information_requests', ['delegation_id', 'created_at', 'id']),
    ('ix_stated_needs_delegation_created', 'stated_needs', ['delegation_id', 'created_at', 'id']),
)
REPLACED = (
    ('ix_follow_up_counts_measure_day', ['measure', 'day']),
    ('ix_follow_up_counts_measure_until', ['measure', 'until']),
)


def _quoted(names) -> str:
    return ', '.join(f"'{name}'" for name in names)


def upgrade():
    connection = op.get_bind()
    drop_triggers(connection)
    # A database made from scratch counted them already (the summary's first revision counts as the code does now).
    coarser = [f'{measure}{suffix}' for measure in GRAINED for suffix, _ in GRAINS]
    op.execute(f"DELETE FROM follow_up_counts WHERE measure IN ({_quoted(['days_band', *coarser])})")
    op.execute(
        'INSERT INTO follow_up_counts (measure, visit_year, country_id, tier, day, until, count) '
        f"SELECT 'days_band', visit_year, country_id, tier, day / {DAYS_BAND}, until, sum(count) "
        "FROM follow_up_counts WHERE measure = 'days' "
        f'GROUP BY visit_year, country_id, tier, day / {DAYS_BAND}, until HAVING sum(count) <> 0'
    )
    for suffix, kept in GRAINS:
        columns = ', '.join(name if name == kept else f'{value!r}' for name, value in GRAIN_CONSTANTS.items())
        op.execute(
            'INSERT INTO follow_up_counts (measure, visit_year, country_id, tier, day, until, count) '
            f"SELECT measure || '{suffix}', {columns}, day, until, sum(count) FROM follow_up_counts "
            f'WHERE measure IN ({_quoted(GRAINED)}) GROUP BY measure, {kept}, day, until HAVING sum(count) <> 0'
        )
    create_triggers(connection)
    for name, _ in REPLACED:
        op.drop_index(name, table_name='follow_up_counts')
    for name, columns in INDEXES:
        op.create_index(name, 'follow_up_counts', columns, unique=False)
    for name, table, columns in BY_DATE:
        op.create_index(name, table, columns, unique=False)
    _analyze()


def _analyze() -> None:
    for table in ('follow_up_counts', *(table for _, table, _ in BY_DATE)):
        op.execute(f'ANALYZE {table}')


def downgrade():
    for name, table, _ in reversed(BY_DATE):
        op.drop_index(name, table_name=table)
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name='follow_up_counts')
    for name, columns in REPLACED:
        op.create_index(name, 'follow_up_counts', columns, unique=False)
    _analyze()
