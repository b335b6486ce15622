"""The follow-up summary: counts per cohort of delegations (visit year, country, tier at the visit) that the health
page, the dashboard and the countries comparison read instead of every request, and each delegation's latest
contact date; both kept by triggers (tracker/health/summary.py), and counted here for the existing records.

The triggers' SQL is made by tracker.health.summary_triggers, which the app also uses to count everything again when the
centre's time zone changes; a later change to it needs a migration that drops and creates the triggers.
A later migration that rebuilds information_requests, stated_needs, delegations, visits or contact_logs on
SQLite (``batch_alter_table`` copies the table) must create the summary's triggers again.

Revision ID: g7d1e3f5a9b2
Revises: f1c3e5a7b9d2
Create Date: 2026-11-24 00:57:22.807315

"""
import sqlalchemy as sa
from alembic import op
from flask import current_app

from tracker.health.summary_triggers import count_everything, count_last_contacts, create_triggers, drop_triggers

# revision identifiers, used by Alembic.
revision = 'g7d1e3f5a9b2'
down_revision = 'f1c3e5a7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follow_up_counts',
    sa.Column('measure', sa.String(length=40), nullable=False),
    sa.Column('visit_year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('country_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('tier', sa.String(length=30), nullable=False),
    sa.Column('day', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('until', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('measure', 'visit_year', 'country_id', 'tier', 'day', 'until', name=op.f('pk_follow_up_counts'))
    )
    op.create_table('follow_up_counts_zone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('zone', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_counts_zone'))
    )
    op.add_column('delegations', sa.Column('last_contact_on', sa.Date(), nullable=True))

    connection = op.get_bind()
    count_last_contacts(connection)
    count_everything(connection, current_app.config['TIMEZONE'])
    # Indexed once counted: quicker than keeping the indexes row by row.
    op.create_index('ix_follow_up_counts_measure_day', 'follow_up_counts', ['measure', 'day'], unique=False)
    op.create_index('ix_follow_up_counts_measure_until', 'follow_up_counts', ['measure', 'until'], unique=False)
    create_triggers(connection)


def downgrade():
    drop_triggers(op.get_bind())
    # Both databases drop a column in place (no batch copy: it would drop the search triggers on delegations).
    op.execute('ALTER TABLE delegations DROP COLUMN last_contact_on')
    op.drop_index('ix_follow_up_counts_measure_until', table_name='follow_up_counts')
    op.drop_index('ix_follow_up_counts_measure_day', table_name='follow_up_counts')
    op.drop_table('follow_up_counts_zone')
    op.drop_table('follow_up_counts')
