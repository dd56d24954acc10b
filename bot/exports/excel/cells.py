"""Putting untrusted text into cells safely.

A spreadsheet program treats a cell whose text starts with ``=``, ``+``, ``-`` or ``@`` as a formula once someone
edits it, or once the sheet is saved as CSV and opened again; a leading tab or carriage return gets past filters
that only look at the first character. Such text is written as Excel itself writes text typed with a leading
apostrophe: the cell gets the ``quotePrefix`` style, which keeps it text when it is edited, and the value stays
exactly what the person typed (no apostrophe shows in the cell, in a filter or in a copied value). ``safe_text``
marks such text as ``QuotedText``, and the sheet writers give those cells the style. Characters that XML cannot
hold (control characters other than tab and line breaks) are dropped, so an odd title can never break an export.
"""

from __future__ import annotations

from functools import lru_cache

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CELL_TEXT_LIMIT = 32_767  # Excel's maximum characters in one cell


class QuotedText(str):
    """Text that starts like a formula: its cell must carry the ``quotePrefix`` style."""

    __slots__ = ()


@lru_cache(maxsize=65_536)
def safe_text(value: str) -> str:
    """``value`` as cell text, marked ``QuotedText`` where it could become a formula. Cached: titles and names
    repeat row after row."""
    if ILLEGAL_CHARACTERS_RE.search(value):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    value = value[:CELL_TEXT_LIMIT]
    return QuotedText(value) if value.startswith(FORMULA_TRIGGERS) else value


def safe_optional(value: str | None) -> str | None:
    return safe_text(value) if value else None


def text_cell(sheet: WriteOnlyWorksheet, value: str) -> Cell:
    """A cell of a write-only sheet that holds ``value`` as text, never as a formula, whatever it starts with."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"  # openpyxl takes text that starts with "=" for a formula
    if isinstance(value, QuotedText) or value.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True
    return cell
