"""The resends of an outbox message indexed, for the foreign key from a resend to its original: deleting messages
(with their request or delegation) looked for resends of each through the whole outbox, which grows with every
reminder sent. Only the resends are indexed (few messages are).

Revision ID: k5e7a9c1d3f6
Revises: k4d6f8a0c2e5
Create Date: 2026-11-24 17:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'k5e7a9c1d3f6'
down_revision = 'k4d6f8a0c2e5'
branch_labels = None
depends_on = None

RESENDS = sa.text('resend_of_id IS NOT NULL')


def upgrade():
    op.create_index('ix_outbox_resend_of_id', 'outbox', ['resend_of_id'], sqlite_where=RESENDS,
                    postgresql_where=RESENDS)


def downgrade():
    op.drop_index('ix_outbox_resend_of_id', table_name='outbox')
