"""The follow-up summary for the aggregate pages at national scale: its days-to-delivery histograms also by bands of
days (``days_band``, ``days_by_tier_band``...; a median reads the band totals, then the days of the band with the
middle), and an index of the key with the count, so that the pages' sums read the index alone.

The triggers are made again by tracker.health.summary_triggers (now with the band measures); the bands of the
existing histograms are summed from them, not counted from the requests again: a few seconds on a million requests.
Downgrading drops the index and the bands; the triggers stay as this revision made them (the older code reads no
band, and the band rows they keep are only extra rows).

Revision ID: i2a4c6e8f0b1
Revises: h4e6a8c0d2f1
Create Date: 2026-11-24 04:00:00.000000

"""
from alembic import op

from tracker.health.summary import DAYS_BAND, DAYS_GRAINS, band_measure
from tracker.health.summary_triggers import create_triggers, drop_triggers

# revision identifiers, used by Alembic.
revision = 'i2a4c6e8f0b1'
down_revision = 'h4e6a8c0d2f1'
branch_labels = None
depends_on = None

#: The days histograms, each with its band measure.
DAYS_MEASURES = ('days', *(measure for measure, _ in DAYS_GRAINS))
COLUMNS = ['measure', 'visit_year', 'country_id', 'tier', 'day', 'until', 'count']


def _delete_bands() -> None:
    bands = ', '.join(f"'{band_measure(measure)}'" for measure in DAYS_MEASURES)
    op.execute(f'DELETE FROM follow_up_counts WHERE measure IN ({bands})')


def upgrade():
    connection = op.get_bind()
    drop_triggers(connection)
    _delete_bands()  # a database made from scratch counted them already, in the summary's first revision
    for measure in DAYS_MEASURES:
        op.execute(
            'INSERT INTO follow_up_counts (measure, visit_year, country_id, tier, day, until, count) '
            f"SELECT '{band_measure(measure)}', visit_year, country_id, tier, day / {DAYS_BAND}, until, sum(count) "
            f"FROM follow_up_counts WHERE measure = '{measure}' "
            f'GROUP BY visit_year, country_id, tier, day / {DAYS_BAND}, until HAVING sum(count) <> 0'
        )
    create_triggers(connection)
    op.create_index('ix_follow_up_counts_counted', 'follow_up_counts', COLUMNS, unique=False)
    op.execute('ANALYZE follow_up_counts')


def downgrade():
    op.drop_index('ix_follow_up_counts_counted', table_name='follow_up_counts')
    _delete_bands()
    op.execute('ANALYZE follow_up_counts')
