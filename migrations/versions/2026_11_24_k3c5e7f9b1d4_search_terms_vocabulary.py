"""SQLite: the words of the FTS5 search index, readable in order (an fts5vocab table), so that the search box's
last word is expanded to the words it stands for by seeking them, rather than by FTS5's prefix query, which reads
every document of every such word before it answers (see tracker/search/fts5.py). It holds no data of its own.

Revision ID: k3c5e7f9b1d4
Revises: k2b4d6f8a0c3
Create Date: 2026-11-24 13:10:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'k3c5e7f9b1d4'
down_revision = 'k2b4d6f8a0c3'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # 'instance' rather than 'row': a row of 'row' counts its word's documents, a whole list for a common word.
        op.execute("CREATE VIRTUAL TABLE search_terms USING fts5vocab(search_index, 'instance')")


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('DROP TABLE search_terms')
