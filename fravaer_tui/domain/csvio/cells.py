"""Cells made safe for a spreadsheet, and the one writer every CSV the app makes goes through.

A cell that starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'` (OWASP, «CSV
injection»); `unescape_cell` takes it off again when our importers read an export back.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

_UTF8_BOM = b"\xef\xbb\xbf"

# A spreadsheet runs a cell starting with one of these as a formula (OWASP, «CSV injection»).
# Apostrophes before one are escaped too, so that unescaping is exact: "'=x" → "''=x" → "'=x".
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NEEDS_ESCAPE = re.compile(r"'*[=+\-@\t\r]")


def safe_cell(value: object) -> str:
    """A cell that no spreadsheet runs as a formula: a leading `'` where one could start."""
    text = "" if value is None else str(value)
    return "'" + text if _NEEDS_ESCAPE.match(text) else text


def unescape_cell(text: str) -> str:
    """The value `safe_cell` was given: our importers read our exports back exactly."""
    if text.startswith("'") and _NEEDS_ESCAPE.match(text, 1):
        return text[1:]
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], delimiter: str) -> str:
    """Every CSV the app writes goes through here: CRLF, and every cell made safe."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return out.getvalue()


def excel_bytes(text: str) -> bytes:
    """UTF-8 with a BOM: what Excel needs to show æøå right when it opens a CSV file."""
    return _UTF8_BOM + text.encode("utf-8")
