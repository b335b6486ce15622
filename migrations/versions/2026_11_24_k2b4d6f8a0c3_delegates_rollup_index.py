"""The delegates who asked for the monthly roll-up, found by index: each planner pass looks for them, and SQLite read
all 300,000 delegates of the national data to find none (0.4 s of a 2 s budget; 8 ms with this index).

Revision ID: k2b4d6f8a0c3
Revises: k1a3c5e7f9b2
Create Date: 2026-11-24 10:20:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'k2b4d6f8a0c3'
down_revision = 'k1a3c5e7f9b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_delegates_monthly_rollup', 'delegates', ['wants_monthly_rollup', 'delegation_id'])
    op.execute('ANALYZE delegates')


def downgrade():
    op.drop_index('ix_delegates_monthly_rollup', table_name='delegates')
