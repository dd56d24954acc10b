"""Putting untrusted text into cells safely.

A spreadsheet program treats a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a formula once someone
edits it, or once the sheet is saved as CSV and opened again; a leading tab or carriage return gets past filters
that only look at the first character. Such text gets an apostrophe in front (OWASP's advice for CSV injection),
which every spreadsheet shows as text and which survives a round trip through CSV. Characters that XML cannot
hold (control characters other than tab and line breaks) are dropped, so an odd title can never break an export.
"""

from __future__ import annotations

from functools import lru_cache

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CELL_TEXT_LIMIT = 32_767  # Excel's maximum characters in one cell


@lru_cache(maxsize=65_536)
def safe_text(value: str) -> str:
    """``value`` as cell text that can never become a formula. Cached: titles and names repeat row after row."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_TRIGGERS):
        value = "'" + value
    return value[:CELL_TEXT_LIMIT]


def safe_optional(value: str | None) -> str | None:
    return safe_text(value) if value else None
