"""CSV downloads that spreadsheets open safely and in every script.

A cell that starts with =, +, -, @, a tab or a carriage return would be run as a
formula by Excel, LibreOffice or Google Sheets (OWASP "CSV injection"): it gets a
leading apostrophe. The file is UTF-8 with a byte-order mark, so Excel shows
Indonesian, Vietnamese and Arabic names as they are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from flask import Response

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"


def safe_cell(value: object) -> str:
    """Return a cell's text, neutralised if a spreadsheet would run it."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Response:
    """Return a CSV download of `rows` under `header`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    response = Response(BOM + buffer.getvalue(), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
