"""Follow-up and reminder indexes for national scale: a delegation's latest contact read from an index on
(delegation_id, contacted_on), which replaces the index on delegation_id alone (its leading column).

Revision ID: i5f7b9d1e3a2
Revises: f1c3e5a7b9d2
Create Date: 2026-11-24 01:16:06.885913

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'i5f7b9d1e3a2'
down_revision = 'f1c3e5a7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('contact_logs', schema=None) as batch_op:
        batch_op.create_index('ix_contact_logs_delegation_contacted', ['delegation_id', 'contacted_on'], unique=False)
        batch_op.drop_index(batch_op.f('ix_contact_logs_delegation_id'))


def downgrade():
    with op.batch_alter_table('contact_logs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_logs_delegation_id'), ['delegation_id'], unique=False)
        batch_op.drop_index('ix_contact_logs_delegation_contacted')
