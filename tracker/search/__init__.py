"""Search across delegations, delegates, visits, requests, stated needs and materials (SPEC §5).

The index is one ``search_documents`` row per record, written by database triggers in the transaction that
changes the record (migration e1b4d7a2c9f3), and searched with the database's own full-text search: FTS5 with
bm25 on SQLite, a tsvector with a GIN index and ts_rank on PostgreSQL (index.py). What a person types is only
ever read as words (terms.py); results are shown from the records themselves, highlighted in Python (marks.py).
"""

from flask import Blueprint

bp = Blueprint("search", __name__)
