"""Indexes for the lists at national scale: each list's order with what its filters and joins read, and the
per-row figures of the delegations list (open requests, last contact) answered from an index; the dashboard's
recent tier changes found among the timeline's millions of entries. The composite
indexes replace the single-column ones they cover, and the delegations' status and tier indexes.

Index builds only: a few seconds on a million requests. ANALYZE afterwards, so that SQLite's planner (which
reads its statistics from sqlite_stat1) weighs the new indexes with real numbers.

Revision ID: h4e6a8c0d2f1
Revises: g7d1e3f5a9b2
Create Date: 2026-11-24 00:59:28.039592

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'h4e6a8c0d2f1'
down_revision = 'g7d1e3f5a9b2'
branch_labels = None
depends_on = None

#: (name, table, columns) of each index this revision adds.
INDEXES = (
    ('ix_information_requests_due_list', 'information_requests', ['due_on', 'id', 'status', 'delegation_id']),
    ('ix_information_requests_delegation_status', 'information_requests', ['delegation_id', 'status']),
    ('ix_contact_logs_delegation_contacted', 'contact_logs', ['delegation_id', 'contacted_on']),
    ('ix_delegations_visit_list', 'delegations', ['visit_id', 'status', 'tier', 'country_id', 'id']),
    ('ix_visits_list', 'visits', ['starts_on', 'id', 'title', 'host_programme', 'location']),
    ('ix_timeline_entries_kind_created', 'timeline_entries', ['kind', 'created_at']),
)
#: (name, table, column) of the single-column indexes a composite one above now covers, or that only misled the
#: planner (a delegation's status or tier is a half or a third of them: it sorted them all rather than walk visits).
REPLACED = (
    ('ix_information_requests_delegation_id', 'information_requests', 'delegation_id'),
    ('ix_contact_logs_delegation_id', 'contact_logs', 'delegation_id'),
    ('ix_delegations_status', 'delegations', 'status'),
    ('ix_delegations_tier', 'delegations', 'tier'),
    ('ix_visits_starts_on', 'visits', 'starts_on'),
)


def _analyze() -> None:
    for table in sorted({table for _, table, _ in INDEXES}):
        op.execute(f'ANALYZE {table}')


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    for name, table, _ in REPLACED:
        op.drop_index(name, table_name=table)
    _analyze()


def downgrade():
    for name, table, column in REPLACED:
        op.create_index(name, table, [column])
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
    _analyze()
