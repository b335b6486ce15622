"""Each active delegation's next check-in, quiet-since and losing-touch dates, kept by triggers
(tracker/reminders/check_in_columns.py) and indexed, so that the Follow-ups page and the dashboard read their lists
and counts by index rather than working out every active delegation's cadence in Python. Worked out here for the
existing records (a few seconds at the national scale), indexed once filled (quicker than keeping the indexes row by
row; one of them replaces the index on liaison_id alone), then ANALYZEd.

The triggers' SQL is made by tracker.reminders.check_in_columns: a later change to it needs a migration that drops
and creates them. A later migration that rebuilds delegations, visits, reminder_policy or follow_up_cadences on
SQLite (``batch_alter_table``) must create them again.

Revision ID: i3b5d7f9a1c2
Revises: h4e6a8c0d2f1
Create Date: 2026-11-24 03:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

from tracker.reminders.check_in_columns import COLUMNS, compute_everything, create_triggers, drop_triggers

# revision identifiers, used by Alembic.
revision = 'i3b5d7f9a1c2'
down_revision = 'h4e6a8c0d2f1'
branch_labels = None
depends_on = None

#: (name, columns) of each index this revision adds to delegations.
INDEXES = (
    ('ix_delegations_check_in', ['next_check_in_on', 'id']),
    ('ix_delegations_quiet', ['quiet_since_on', 'id', 'losing_touch_on']),
    ('ix_delegations_losing_touch', ['losing_touch_on']),
    ('ix_delegations_liaison_follow_ups', ['liaison_id', 'next_check_in_on', 'losing_touch_on', 'quiet_since_on']),
)
#: The index on liaison_id alone, which the last one above covers.
REPLACED = 'ix_delegations_liaison_id'


def upgrade():
    # Added in place on both databases (no batch copy: it would drop the triggers already on delegations).
    for column in COLUMNS:
        op.add_column('delegations', sa.Column(column, sa.Date(), nullable=True))
    connection = op.get_bind()
    compute_everything(connection)
    for name, columns in INDEXES:
        op.create_index(name, 'delegations', columns)
    op.drop_index(REPLACED, table_name='delegations')
    create_triggers(connection)
    op.execute('ANALYZE delegations')


def downgrade():
    drop_triggers(op.get_bind())
    op.create_index(REPLACED, 'delegations', ['liaison_id'])
    for name, _ in reversed(INDEXES):
        op.drop_index(name, table_name='delegations')
    for column in reversed(COLUMNS):
        op.execute(f'ALTER TABLE delegations DROP COLUMN {column}')
