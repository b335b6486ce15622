"""The requests list at national scale: its title filter ("contains") read from a trigram index, and its default
view (the open requests by due date) from a partial index of the open requests.

A title filter scanned a million titles. PostgreSQL: a GIN index of the titles' trigrams (pg_trgm) with the kind
and status (btree_gin), so that "contains law, of kind data" is answered by the index alone; both extensions are
trusted (PostgreSQL 13+) and ship with Debian's postgresql. A second one holds the open requests only (the list's
default view). SQLite: an FTS5 table with the trigram tokenizer (SQLite 3.34+) over the titles, with the kind and
status beside them, kept by triggers (tracker/search/titles.py).

The open requests are one in a hundred and due late: the list's order index read 180,000 delivered ones before
the first open one. The partial index holds the open ones only; its predicate lists the statuses in the order
the list's filter writes them (SQLite uses a partial index only for a query that repeats its predicate).

Index builds: about ten seconds on a million requests.

Revision ID: i4c6e8a0b2d3
Revises: i3b5d7f9a1c2
Create Date: 2026-11-24 04:12:00

"""
import logging

import sqlalchemy as sa
from alembic import op

from tracker.search.titles import create_title_index, drop_title_index

# revision identifiers, used by Alembic.
revision = 'i4c6e8a0b2d3'
down_revision = 'i3b5d7f9a1c2'
branch_labels = None
depends_on = None

OPEN = "status IN ('in_progress', 'new', 'waiting')"


def upgrade():
    op.create_index(
        'ix_information_requests_open_due', 'information_requests', ['due_on', 'id', 'delegation_id'],
        sqlite_where=sa.text(OPEN), postgresql_where=sa.text(OPEN),
    )
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        create_title_index(op.get_bind())
    elif dialect == 'postgresql':
        if _create_extensions():
            op.execute(
                'CREATE INDEX ix_information_requests_title_trigrams ON information_requests '
                'USING gin (title gin_trgm_ops, kind, status)'
            )
            # The open requests' own (the list's default view): a long common word's posting lists are a
            # hundredth as long there.
            op.execute(
                'CREATE INDEX ix_information_requests_open_title_trigrams ON information_requests '
                f'USING gin (title gin_trgm_ops, kind) WHERE {OPEN}'
            )
    else:
        raise NotImplementedError(f'no title index written for {dialect}')
    op.execute('ANALYZE information_requests')


def _create_extensions():
    """Whether pg_trgm and btree_gin are there (created if the server has them and we may); without them the
    title filter still works, reading every title."""
    connection = op.get_bind()
    try:
        with connection.begin_nested():
            connection.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS pg_trgm')
            connection.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS btree_gin')
    except sa.exc.DBAPIError:
        logging.getLogger('alembic.runtime.migration').warning(
            'pg_trgm or btree_gin could not be created: the requests list reads every title to filter by title'
        )
        return False
    return True


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        drop_title_index(op.get_bind())
    elif dialect == 'postgresql':  # the extensions stay: other databases' objects may use them
        op.execute('DROP INDEX IF EXISTS ix_information_requests_title_trigrams')
        op.execute('DROP INDEX IF EXISTS ix_information_requests_open_title_trigrams')
    op.drop_index('ix_information_requests_open_due', table_name='information_requests')
