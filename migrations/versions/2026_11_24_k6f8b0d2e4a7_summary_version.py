"""The follow-up summary's version: a number that triggers replace whenever the summary, the tier placements or the
countries change, under which each worker keeps the figures it read (tracker/health/summary_version.py).

Revision ID: k6f8b0d2e4a7
Revises: k5e7a9c1d3f6
Create Date: 2026-11-24 19:30:00

"""
import sqlalchemy as sa
from alembic import op

from tracker.health import summary_triggers
from tracker.health.summary_version import create_triggers, drop_triggers, replace_version

# revision identifiers, used by Alembic.
revision = 'k6f8b0d2e4a7'
down_revision = 'k5e7a9c1d3f6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('follow_up_counts_zone', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.BigInteger(), server_default='0', nullable=False))
    connection = op.get_bind()
    replace_version(connection)
    create_triggers(connection)


def downgrade():
    connection = op.get_bind()
    drop_triggers(connection)
    # SQLite makes the table again: the summary's triggers, which read its zone, are set aside meanwhile.
    summary_triggers.drop_triggers(connection)
    with op.batch_alter_table('follow_up_counts_zone', schema=None) as batch_op:
        batch_op.drop_column('version')
    summary_triggers.create_triggers(connection)
