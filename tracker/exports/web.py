"""CSV downloads from the web pages, written row by row with the same cell rules as the command line."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from flask import Response, stream_with_context

from tracker import audit
from tracker.clock import today
from tracker.exports.tables import Cell, Criteria, Table, spreadsheet_cell
from tracker.models import AuditAction

#: Spreadsheets (Excel above all) read a CSV as UTF-8 only when it starts with a byte-order mark.
BYTE_ORDER_MARK = "\ufeff"


def csv_download(filename: str, headings: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Response:
    """A CSV attachment streamed as its rows come; every download is audited here, whichever page offers it."""
    audit.record_read(AuditAction.EXPORT, f"Downloaded {filename}", target_kind="export")

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        buffer.write(BYTE_ORDER_MARK)
        writer.writerow(headings)
        for row in rows:
            writer.writerow([spreadsheet_cell(value) for value in row])
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
        yield buffer.getvalue()

    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(stream_with_context(lines()), mimetype="text/csv", headers=headers)


def table_download(name: str, table: Table, *criteria: Criteria, order_by: Sequence[Any] = ()) -> Response:
    """A list's export: the table's rows narrowed by the list's filters, in its order, named for today."""
    rows = table.rows(*criteria, order_by=order_by)
    return csv_download(f"{name}-{today().isoformat()}.csv", table.headings, rows)
