"""Search: one document per delegation, delegate, visit, request, stated need and material, kept current by
triggers, indexed by FTS5 on SQLite and by a generated tsvector with a GIN index on PostgreSQL; existing records
are indexed. Users get the hash of their calendar feed's secret.

Triggers rather than the app keep the documents: they also see what the ORM never does (ON DELETE CASCADE run by
the database, bulk inserts, a fix made in psql), in the same transaction as the change.

A later migration that rebuilds one of the source tables on SQLite (``batch_alter_table`` copies the table and
drops the original, and its triggers with it) must create that table's triggers again;
tests/search/test_index.py checks that every trigger is there at head.

Revision ID: e1b4d7a2c9f3
Revises: d8e4f2a6b1c7
Create Date: 2026-11-23 21:54:06.330584

"""
from typing import NamedTuple

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e1b4d7a2c9f3'
down_revision = 'd8e4f2a6b1c7'
branch_labels = None
depends_on = None


class Source(NamedTuple):
    """A searchable table: the kind of its documents, the columns they are made of, and the query making them
    (kind, record id, title, body) to which a WHERE clause on ``alias`` is added."""

    table: str
    kind: str
    columns: tuple
    alias: str
    select: str


_COUNTRY = 'JOIN delegations d ON d.id = {a}.delegation_id JOIN countries c ON c.id = d.country_id'
SOURCES = (
    Source('visits', 'visit', ('title', 'host_programme', 'location', 'notes'), 'v',
           "SELECT 'visit', v.id, v.title, v.host_programme || ' ' || v.location || ' ' || v.notes FROM visits v"),
    Source('delegations', 'delegation', ('country_id', 'notes'), 'd',
           "SELECT 'delegation', d.id, c.name, c.iso3 || ' ' || d.notes "
           "FROM delegations d JOIN countries c ON c.id = d.country_id"),
    # Documents of what belongs to a delegation carry its country's name: "moldova draft law" finds the request.
    Source('delegates', 'delegate', ('name', 'title', 'organisation', 'email', 'delegation_id'), 'p',
           "SELECT 'delegate', p.id, p.name, p.title || ' ' || p.organisation || ' ' || coalesce(p.email, '') "
           "|| ' ' || c.name FROM delegates p " + _COUNTRY.format(a='p')),
    Source('stated_needs', 'need', ('category', 'description', 'delegation_id'), 'n',
           "SELECT 'need', n.id, n.description, n.category || ' ' || c.name FROM stated_needs n "
           + _COUNTRY.format(a='n')),
    Source('information_requests', 'request', ('title', 'description', 'kind', 'delegation_id'), 'r',
           "SELECT 'request', r.id, r.title, r.description || ' ' || replace(r.kind, '_', ' ') || ' ' || c.name "
           "FROM information_requests r " + _COUNTRY.format(a='r')),
    Source('materials', 'material', ('title', 'description'), 'm',
           "SELECT 'material', m.id, m.title, m.description FROM materials m"),
)
#: The sources whose documents name their delegation's country: refreshed when a delegation changes country.
DELEGATION_CHILDREN = ('delegates', 'stated_needs', 'information_requests')

# PostgreSQL's parser reads "ana@gov.example", "www.unodc.org", "2.5" or "e-mail" as one token, where SQLite's
# FTS5 and the search box see words: these characters become spaces before the text is made a tsvector.
_GLUE = '@./_-<>&'
_VECTOR = ("setweight(to_tsvector('tracker_search', translate({column}, '{glue}', '{spaces}')), '{weight}')")


def _vector(column, weight):
    return _VECTOR.format(column=column, glue=_GLUE, spaces=' ' * len(_GLUE), weight=weight)


def upsert(source, where):
    """Write the documents of ``source``'s rows that match ``where``, replacing those there."""
    return (
        f'INSERT INTO search_documents (kind, record_id, title, body) {source.select} WHERE {where} '
        'ON CONFLICT (kind, record_id) DO UPDATE SET title = excluded.title, body = excluded.body'
    )


def forget(source):
    return f"DELETE FROM search_documents WHERE kind = '{source.kind}' AND record_id = OLD.id"


def refresh_children():
    """The documents that name the delegation's country, after its country changed."""
    children = [source for source in SOURCES if source.table in DELEGATION_CHILDREN]
    return [upsert(source, f'{source.alias}.delegation_id = NEW.id') for source in children]


def upgrade():
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('delegation', 'delegate', 'visit', 'request', 'need', 'material', name='search_kind', native_enum=False, create_constraint=True, length=10), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('kind', 'record_id', name=op.f('uq_search_documents_kind_record_id'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_token_hash', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_calendar_token_hash'), ['calendar_token_hash'])

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        _sqlite_index()
    elif dialect == 'postgresql':
        _postgresql_index()
    else:
        raise NotImplementedError(f'no search index written for {dialect}')
    for source in SOURCES:  # the records there already
        op.execute(upsert(source, 'true'))


def _sqlite_index():
    # External content: the index reads titles and bodies from search_documents (no second copy); unicode61 folds
    # case and removes diacritics ("Côte" is found by "cote"), and with marks as word characters keeps words of
    # scripts such as Devanagari whole, as the search box reads them; prefix indexes make "ind*" cheap.
    op.execute(
        "CREATE VIRTUAL TABLE search_index USING fts5(title, body, content='search_documents', content_rowid='id', "
        "tokenize=\"unicode61 remove_diacritics 2 categories 'L* N* Co M*'\", prefix='2 3')"
    )
    # FTS5's own recipe for an external-content table: the index follows every change of its content.
    op.execute(
        'CREATE TRIGGER search_documents_insert AFTER INSERT ON search_documents BEGIN '
        'INSERT INTO search_index (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body); END'
    )
    op.execute(
        'CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents BEGIN '
        "INSERT INTO search_index (search_index, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body); "
        'END'
    )
    op.execute(
        'CREATE TRIGGER search_documents_update AFTER UPDATE ON search_documents BEGIN '
        "INSERT INTO search_index (search_index, rowid, title, body) VALUES ('delete', OLD.id, OLD.title, OLD.body); "
        'INSERT INTO search_index (rowid, title, body) VALUES (NEW.id, NEW.title, NEW.body); END'
    )
    for source in SOURCES:
        write = upsert(source, f'{source.alias}.id = NEW.id')
        columns = ', '.join(source.columns)
        op.execute(f'CREATE TRIGGER search_{source.table}_insert AFTER INSERT ON {source.table} BEGIN {write}; END')
        op.execute(
            f'CREATE TRIGGER search_{source.table}_update AFTER UPDATE OF {columns} ON {source.table} '
            f'BEGIN {write}; END'
        )
        op.execute(f'CREATE TRIGGER search_{source.table}_delete AFTER DELETE ON {source.table} '
                   f'BEGIN {forget(source)}; END')
    op.execute(
        'CREATE TRIGGER search_delegations_children AFTER UPDATE OF country_id ON delegations '
        f"BEGIN {'; '.join(refresh_children())}; END"
    )


def _postgresql_index():
    # 'simple' (no stemming, no stop words: names in any language stay as written), lower-cased, and with accents
    # removed by the unaccent dictionary where the server has it (PostgreSQL's contrib, trusted since 13).
    op.execute('CREATE TEXT SEARCH CONFIGURATION tracker_search (COPY = simple)')
    if _create_unaccent():
        op.execute(
            'ALTER TEXT SEARCH CONFIGURATION tracker_search '
            'ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple'
        )
    op.execute(
        'ALTER TABLE search_documents ADD COLUMN search_vector tsvector GENERATED ALWAYS AS '
        f"({_vector('title', 'A')} || {_vector('body', 'B')}) STORED"
    )
    op.execute('CREATE INDEX ix_search_documents_search_vector ON search_documents USING gin (search_vector)')
    for source in SOURCES:
        op.execute(
            f'CREATE FUNCTION search_{source.table}_document() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
            f"IF TG_OP = 'DELETE' THEN {forget(source)}; "
            f"ELSE {upsert(source, f'{source.alias}.id = NEW.id')}; END IF; "
            'RETURN NULL; END $$'
        )
        op.execute(
            f'CREATE TRIGGER search_{source.table}_insert_delete AFTER INSERT OR DELETE ON {source.table} '
            f'FOR EACH ROW EXECUTE FUNCTION search_{source.table}_document()'
        )
        op.execute(
            f"CREATE TRIGGER search_{source.table}_update AFTER UPDATE OF {', '.join(source.columns)} "
            f'ON {source.table} FOR EACH ROW EXECUTE FUNCTION search_{source.table}_document()'
        )
    op.execute(
        'CREATE FUNCTION search_delegations_children() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN '
        f"{'; '.join(refresh_children())}; RETURN NULL; END $$"
    )
    op.execute(
        'CREATE TRIGGER search_delegations_children AFTER UPDATE OF country_id ON delegations '
        'FOR EACH ROW EXECUTE FUNCTION search_delegations_children()'
    )


def _create_unaccent():
    """Whether the unaccent extension is there (created if the server has it and we may); else case folding only."""
    connection = op.get_bind()
    available = connection.exec_driver_sql("SELECT 1 FROM pg_available_extensions WHERE name = 'unaccent'").first()
    if available is None:
        return False
    try:
        with connection.begin_nested():
            connection.exec_driver_sql('CREATE EXTENSION IF NOT EXISTS unaccent')
    except sa.exc.DBAPIError:
        return False
    return True


def downgrade():
    dialect = op.get_bind().dialect.name
    for source in SOURCES:
        if dialect == 'postgresql':
            op.execute(f'DROP FUNCTION search_{source.table}_document() CASCADE')  # and its triggers
        else:
            for event in ('insert', 'update', 'delete'):
                op.execute(f'DROP TRIGGER search_{source.table}_{event}')
    if dialect == 'postgresql':
        op.execute('DROP FUNCTION search_delegations_children() CASCADE')
    else:
        op.execute('DROP TRIGGER search_delegations_children')
    op.drop_table('search_documents')  # with its own triggers, before the FTS5 table they write to
    if dialect == 'postgresql':  # the unaccent extension stays: other databases' objects may use it
        op.execute('DROP TEXT SEARCH CONFIGURATION tracker_search')
    else:
        op.execute('DROP TABLE search_index')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_calendar_token_hash'), type_='unique')
        batch_op.drop_column('calendar_token_hash')
