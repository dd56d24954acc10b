"""A write-only worksheet whose rows of plain values are serialised in bulk: the hot path of a big export.

openpyxl's write-only mode streams rows to disk, but it still makes a ``Cell`` for every value, looks up its
style, and writes it through several nested XML contexts: about 13 µs a cell, so 100,000 contributions of ten
columns took over ten seconds on its own. This sheet keeps everything of openpyxl's write-only worksheet (the
stream it writes to, the header and tail it writes, tables, widths, frozen panes, the package around it) and
replaces only how a row of plain values becomes XML: the text of a few hundred rows is built at once, parsed by the
same XML library openpyxl writes with, and its ``<row>`` elements are written to openpyxl's own stream; about 3 µs
a cell. A row that holds an openpyxl ``Cell`` (a styled header, a hyperlink) goes through openpyxl's own writer.

Cells are written the way openpyxl writes them: numbers as ``n``, booleans as ``b``, text as inline strings
(with ``xml:space="preserve"`` when it starts or ends with white space; ``QuotedText`` with the ``quotePrefix``
style), dates and times as serial numbers with a date format. It leans on openpyxl 3.1's write-only internals
(``_write_rows``, ``_writer.xf``, ``_values_to_row``), so pyproject.toml pins openpyxl to the releases it was
verified with (``VERIFIED_OPENPYXL``; tests/reports/test_openpyxl_pin.py fails, naming both, when the installed one
is outside); the report tests read every kind of value back and compare it with what openpyxl itself writes.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.xml.functions import fromstring

from bot.exports.excel.cells import QuotedText, text_cell

_to_excel = cast(Callable[[date, date], float], to_excel)  # the serial number openpyxl writes for a date
# The openpyxl releases whose write-only internals this module was checked against; pyproject.toml says the same.
VERIFIED_OPENPYXL = ">=3.1.2,<3.1.6"  # 3.1.2 to 3.1.5: the report tests pass on each
CHUNK_ROWS = 500  # rows parsed at once: enough to amortise the parser's start, little memory
_COLUMNS = [get_column_letter(i) for i in range(1, 1001)]


@lru_cache(maxsize=65_536)
def _inline_string(text: str) -> str:
    """The ``<is>`` element of a text cell. Cached: a request's title and a person's name repeat row after row."""
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)  # XML cannot hold them; openpyxl would refuse the value
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    # A bare carriage return would become a line feed when the XML is parsed; as a character reference it stays.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    return f"<is><t{space}>{escaped}</t></is>"


class FastRowsWorksheet(WriteOnlyWorksheet):
    """Append rows of ``None``, ``str``, ``bool``, ``int``, ``float``, ``date`` and (naive) ``datetime`` values
    (and, more slowly, openpyxl cells) as to any write-only worksheet."""

    def __init__(self, parent: Workbook, title: str, *, date_format: str, moment_format: str) -> None:
        super().__init__(parent, title)
        self._date_format, self._moment_format = date_format, moment_format
        self._date_style = self._style_id(date_format)
        self._moment_style = self._style_id(moment_format)
        quoted = WriteOnlyCell(self)
        quoted.quotePrefix = True
        self._quoted_style = int(quoted.style_id)
        self._epoch = parent.epoch

    def _style_id(self, number_format: str) -> int:
        cell = WriteOnlyCell(self)
        cell.number_format = number_format
        return int(cell.style_id)

    def _write_rows(self) -> Generator[None, Sequence[Any], None]:
        # The same protocol as openpyxl's: take the open XML stream, write <sheetData>, receive rows until closed.
        # (openpyxl's type stubs don't describe these internals.)
        internals = cast(Any, self)
        writer = internals._writer
        xf = writer.xf.send(True)
        with xf.element("sheetData"):
            row_index = 1
            pending: list[str] = []
            try:
                while True:
                    values = yield
                    xml = self._row_xml(values, row_index)
                    if xml is None:  # the row holds openpyxl cells: openpyxl writes it
                        self._flush(xf, pending)
                        cells = internals._values_to_row(self._formatted(values), row_index)
                        writer.write_row(xf, cells, row_index)
                    else:
                        pending.append(xml)
                        if len(pending) >= CHUNK_ROWS:
                            self._flush(xf, pending)
                    row_index += 1
            except GeneratorExit:
                self._flush(xf, pending)
        writer.xf.send(None)

    def _formatted(self, values: Sequence[Any]) -> list[Any]:
        """Dates in a row that openpyxl writes get the same formats as in rows written here."""
        result: list[Any] = []
        for value in values:
            if isinstance(value, str):
                value = text_cell(self, value)  # never a formula, and quoted text keeps its style
            elif isinstance(value, date):
                cell = WriteOnlyCell(self)
                cell.value = value
                cell.number_format = self._moment_format if isinstance(value, datetime) else self._date_format
                value = cell
            result.append(value)
        return result

    @staticmethod
    def _flush(xf: Any, pending: list[str]) -> None:
        if pending:
            for row in fromstring("<sheetData>" + "".join(pending) + "</sheetData>"):
                xf.write(row)
            pending.clear()

    def _row_xml(self, values: Sequence[Any], row_index: int) -> str | None:
        """The row as XML text, or None when it holds an openpyxl cell."""
        cells = [f'<row r="{row_index}">']
        append = cells.append
        for index, value in enumerate(values):
            if value is None:
                continue
            ref = f"{_COLUMNS[index]}{row_index}"
            if isinstance(value, str):
                if type(value) is QuotedText:
                    append(f'<c r="{ref}" s="{self._quoted_style}" t="inlineStr">{_inline_string(value)}</c>')
                else:
                    append(
                        f'<c r="{ref}" t="inlineStr">{_inline_string(value)}</c>'
                        if value
                        else f'<c r="{ref}" t="inlineStr"/>'
                    )
            elif isinstance(value, bool):
                append(f'<c r="{ref}" t="b"><v>{int(value)}</v></c>')
            elif isinstance(value, int | float):
                append(f'<c r="{ref}" t="n"><v>{value:.16g}</v></c>')  # as openpyxl writes numbers
            elif isinstance(value, datetime):
                serial = _to_excel(value, self._epoch)
                append(f'<c r="{ref}" s="{self._moment_style}" t="n"><v>{serial:.16g}</v></c>')
            elif isinstance(value, date):
                serial = _to_excel(value, self._epoch)
                append(f'<c r="{ref}" s="{self._date_style}" t="n"><v>{serial:.16g}</v></c>')
            elif isinstance(value, Cell):
                return None
            else:
                raise TypeError(f"cannot write {type(value).__name__} to a cell")
        append("</row>")
        return "".join(cells)


def add_fast_sheet(workbook: Workbook, title: str, *, date_format: str, moment_format: str) -> FastRowsWorksheet:
    """A new last sheet of a write-only ``workbook`` that writes plain rows fast."""
    sheet = FastRowsWorksheet(workbook, title, date_format=date_format, moment_format=moment_format)
    cast(Any, workbook)._add_sheet(sheet)
    return sheet
