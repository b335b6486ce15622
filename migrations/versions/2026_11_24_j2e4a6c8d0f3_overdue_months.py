"""The follow-up summary's overdue spans also by month (``overdue_months``, and by coarser cohorts), for the overdue
trend: a month end's overdue requests are the spans from its month or before until a later month, a few hundred rows,
where reading every overdue span of the year by day took 6 ms at national scale.

The triggers are made again by tracker.health.summary_triggers; the new rows are counted from the summary's overdue
spans, not from the requests again: a second or two on a million requests. Downgrading leaves the rows and the
triggers (the older code does not read them).

Revision ID: j2e4a6c8d0f3
Revises: j3f5b7d9e1a4
Create Date: 2026-11-24 04:45:00.000000

"""
from alembic import op

from tracker.health.summary_triggers import count_overdue_months, create_triggers, drop_triggers

# revision identifiers, used by Alembic.
revision = 'j2e4a6c8d0f3'
down_revision = 'j3f5b7d9e1a4'
branch_labels = None
depends_on = None


def upgrade():
    connection = op.get_bind()
    drop_triggers(connection)
    count_overdue_months(connection)
    create_triggers(connection)
    op.execute('ANALYZE follow_up_counts')


def downgrade():
    pass
