"""Results files as cells for ``handlers.results_import``: a CSV file (UTF-8 with or without a byte order mark, or
Windows' cp1252; separated by ",", ";" as Danish Excel writes it, or tabs) or an .xlsx workbook's first sheet.

Every cell keeps its place ("C4"), so each problem can name it. A workbook's dates come as dates; a formula comes
as the result Excel saved with it, and one without a saved result (a file written by a program that does not
calculate) is a problem of its cell, since Cobot does not calculate formulas.
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from handlers import texts
from handlers.results import t
from handlers.results_import import MAX_ROWS, Cell, CellValue, ResultsFileError, ResultsTable

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # what a workbook's zip may expand to: keeps a "zip bomb" out of memory
MAX_COLUMNS = 200
ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx and old .xls files


def read_results_file(data: bytes, *, file_name: str) -> ResultsTable:
    """The cells of a .csv or .xlsx results file; raises ``ResultsFileError`` for one that can't be read."""
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}"
        raise ResultsFileError(
            t(texts.RESULTS_FILE_TOO_BIG, file=file_name, size=size, limit=MAX_FILE_BYTES // 1024 // 1024)
        )
    suffix = Path(file_name).suffix.casefold()
    if data.startswith(ZIP_MAGIC) or data.startswith(OLE_MAGIC) or suffix in (".xlsx", ".xlsm"):
        return _read_workbook(data, file_name=file_name)
    if suffix in (".csv", ".txt", ".tsv", ""):
        return _read_csv(data, file_name=file_name)
    raise ResultsFileError(t(texts.RESULTS_FILE_TYPE, file=file_name))


def _read_csv(data: bytes, *, file_name: str) -> ResultsTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ResultsFileError(t(texts.RESULTS_FILE_UNREADABLE, file=file_name, reason="binary data"))
    first = next((line for line in text.splitlines() if line.strip()), "")
    # The separator is the one the header uses most: Danish Excel writes ";", since "," is its decimal comma.
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []  # (the line it ends on, as a spreadsheet numbers rows; its values)
    try:
        for record in reader:
            if len(records) > MAX_ROWS + 1:
                raise ResultsFileError(
                    t(texts.RESULTS_FILE_TOO_MANY_ROWS, file=file_name, count=MAX_ROWS + 1, limit=MAX_ROWS)
                )
            if records or any(value.strip() for value in record):  # blank lines above the header are skipped
                records.append((reader.line_num, record))
    except csv.Error as error:
        raise ResultsFileError(t(texts.RESULTS_FILE_UNREADABLE, file=file_name, reason=str(error)[:120])) from None
    if not records:
        return ResultsTable(name=file_name, header=(), rows=())
    width = min(max(len(values) for _, values in records), MAX_COLUMNS)
    rows = [
        tuple(_cell(i, line, values[i] if i < len(values) else None) for i in range(width)) for line, values in records
    ]
    return ResultsTable(name=file_name, header=rows[0], rows=tuple(rows[1:]))


def _cell(index: int, row: int, value: CellValue) -> Cell:
    if isinstance(value, str) and not value.strip():
        value = None
    return Cell(ref=f"{get_column_letter(index + 1)}{row}", value=value)


def _read_workbook(data: bytes, *, file_name: str) -> ResultsTable:
    if data.startswith(OLE_MAGIC):
        reason = "password-protected, or an old .xls file"
        raise ResultsFileError(t(texts.RESULTS_FILE_UNREADABLE, file=file_name, reason=reason))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ResultsFileError(t(texts.RESULTS_FILE_UNREADABLE, file=file_name, reason="not a workbook")) from None
    if not any(e.filename == "xl/workbook.xml" for e in entries):
        raise ResultsFileError(t(texts.RESULTS_FILE_UNREADABLE, file=file_name, reason="not a workbook"))
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        reason = f"it unpacks to more than {MAX_UNPACKED_BYTES // 1024 // 1024} MB"
        raise ResultsFileError(t(texts.RESULTS_FILE_UNREADABLE, file=file_name, reason=reason))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # features results don't need (extensions, print settings) only warn
            formulas = load_workbook(io.BytesIO(data), data_only=False)
            values = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as error:  # openpyxl raises many kinds for broken files; the person needs one clear message
        reason = f"{type(error).__name__}: {error}"[:120]
        raise ResultsFileError(t(texts.RESULTS_FILE_UNREADABLE, file=file_name, reason=reason)) from None
    try:
        sheet, saved = formulas.worksheets[0], values.worksheets[0]
        if sheet.max_row - 1 > MAX_ROWS:
            count = sheet.max_row - 1
            raise ResultsFileError(t(texts.RESULTS_FILE_TOO_MANY_ROWS, file=file_name, count=count, limit=MAX_ROWS))
        problems = []
        rows: list[tuple[Cell, ...]] = []
        width = min(sheet.max_column, MAX_COLUMNS)
        for written, results in zip(sheet.iter_rows(max_col=width), saved.iter_rows(max_col=width), strict=False):
            cells = []
            for cell, result in zip(written, results, strict=False):
                value: Any = cell.value
                if cell.data_type == "f":
                    value = result.value  # what Excel saved as the formula's result
                    if value is None:
                        problems.append(t(texts.RESULTS_CELL_FORMULA, cell=cell.coordinate, value=_formula(cell.value)))
                        value = "\ufffc"  # stands for the formula: not blank, so its row is read on
                cells.append(Cell(ref=str(cell.coordinate), value=_value(value)))
            rows.append(tuple(cells))
    finally:
        formulas.close()
        values.close()
    while rows and all(c.value is None or str(c.value).strip() == "" for c in rows[0]):
        rows.pop(0)
    if not rows:
        return ResultsTable(name=file_name, header=(), rows=(), problems=tuple(problems))
    return ResultsTable(name=file_name, header=rows[0], rows=tuple(rows[1:]), problems=tuple(problems))


def _formula(value: Any) -> str:
    text = getattr(value, "text", None)  # an array formula
    return str(text if isinstance(text, str) else value)[:60]


def _value(value: Any) -> CellValue:
    if value is None or isinstance(value, str | int | float | bool | date | datetime | time):
        return value
    return str(value)
