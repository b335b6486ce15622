"""A delegation's contacts by date with their ids, as its requests and needs are indexed (i2a4c6e8f0b1): a country
page's latest contacts are the newest by (date, id) among its 400 delegations', and PostgreSQL read each contact's
row for its id (an index-only scan does not).

Revision ID: k4d6f8a0c2e5
Revises: k3c5e7f9b1d4
Create Date: 2026-11-24 13:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'k4d6f8a0c2e5'
down_revision = 'k3c5e7f9b1d4'
branch_labels = None
depends_on = None

INDEX = 'ix_contact_logs_delegation_contacted'


def upgrade():
    op.drop_index(INDEX, table_name='contact_logs')
    op.create_index(INDEX, 'contact_logs', ['delegation_id', 'contacted_on', 'id'])


def downgrade():
    op.drop_index(INDEX, table_name='contact_logs')
    op.create_index(INDEX, 'contact_logs', ['delegation_id', 'contacted_on'])
