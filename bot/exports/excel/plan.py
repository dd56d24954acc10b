"""Content plans as Excel workbooks: the template ``cobot import --template`` writes, and the reader that turns a
filled-in plan into plain cells for ``handlers.plan_import``.

The reader refuses what it cannot read with a message that says what to do, never a traceback: a file that is not
a workbook, a CSV file renamed to .xlsx, a password-protected (encrypted, so OLE-wrapped) or old .xls file, a file
or sheet too big for a plan, merged cells, and formulas where values belong. Everything it finds in the cells is
handed over with its sheet, row and column ("Plan!C7"), so each problem can name its cell.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from bot.exports.plaintext import Translate, identity
from bot.runtime.config import RequestSettings
from handlers import texts
from handlers.plan_import import (
    PLAN_COLUMNS,
    PLAN_REQUIRED,
    SLOT_COLUMNS,
    SLOT_REQUIRED,
    WEEKDAYS,
    CellValue,
    PlanCell,
    PlanFile,
    PlanRow,
)
from handlers.results import Text, t

MAX_FILE_BYTES = 5 * 1024 * 1024  # a plan of a few thousand rows is well under 1 MB
MAX_UNPACKED_BYTES = 50 * 1024 * 1024  # what the zip may expand to: keeps a "zip bomb" from filling memory
MAX_ROWS = 5000  # per sheet
TEMPLATE_ROWS = 500  # rows below the header that get the template's formats and dropdowns
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted .xlsx files and old .xls files are OLE containers
ZIP_MAGIC = b"PK\x03\x04"

PLAN_HELP = {
    texts.PLAN_COL_KEY: texts.HELP_KEY,
    texts.PLAN_COL_TITLE: texts.HELP_TITLE,
    texts.PLAN_COL_BRIEF: texts.HELP_BRIEF,
    texts.PLAN_COL_FORMAT: texts.HELP_FORMAT,
    texts.PLAN_COL_SKILLS: texts.HELP_SKILLS,
    texts.PLAN_COL_PARTS: texts.HELP_PARTS,
    texts.PLAN_COL_NEEDS: texts.HELP_NEEDS,
    texts.PLAN_COL_DEADLINE: texts.HELP_DEADLINE,
    texts.PLAN_COL_OWNER: texts.HELP_OWNER,
    texts.PLAN_COL_CHANNEL: texts.HELP_CHANNEL,
    texts.PLAN_COL_SLOT: texts.HELP_SLOT,
    texts.PLAN_COL_GUESTS: texts.HELP_GUESTS_COLUMN,
}
# The Slots sheet's own help: its Key column works differently (a slot is known by its name and start).
SLOT_HELP = {
    texts.PLAN_COL_KEY: texts.HELP_SLOT_KEY,
    texts.SLOT_COL_NAME: texts.HELP_SLOT_NAME,
    texts.SLOT_COL_DATE: texts.HELP_SLOT_DATE,
    texts.SLOT_COL_WEEKDAY: texts.HELP_SLOT_WEEKDAY,
    texts.SLOT_COL_UNTIL: texts.HELP_SLOT_UNTIL,
    texts.SLOT_COL_TIME: texts.HELP_SLOT_TIME,
    texts.SLOT_COL_ADDED_BY: texts.HELP_SLOT_ADDED_BY,
}
WIDTHS = {
    texts.PLAN_COL_KEY: 10,
    texts.PLAN_COL_TITLE: 40,
    texts.PLAN_COL_BRIEF: 50,
    texts.PLAN_COL_FORMAT: 12,
    texts.PLAN_COL_SKILLS: 22,
    texts.PLAN_COL_PARTS: 30,
    texts.PLAN_COL_NEEDS: 8,
    texts.PLAN_COL_DEADLINE: 12,
    texts.PLAN_COL_OWNER: 26,
    texts.PLAN_COL_CHANNEL: 14,
    texts.PLAN_COL_SLOT: 26,
    texts.PLAN_COL_GUESTS: 40,
    texts.SLOT_COL_NAME: 18,
    texts.SLOT_COL_DATE: 12,
    texts.SLOT_COL_WEEKDAY: 10,
    texts.SLOT_COL_UNTIL: 12,
    texts.SLOT_COL_TIME: 8,
    texts.SLOT_COL_ADDED_BY: 26,
}
EXAMPLE_FORMAT = "blog"  # the example request's format, when app.yaml offers it
EXAMPLE_SLOT_WEEKDAY = 1  # Tuesday: the example slot is a weekly series on a working day
EXAMPLE_SERIES_WEEKS = 12
DATE_COLUMNS = {texts.PLAN_COL_DEADLINE, texts.SLOT_COL_DATE, texts.SLOT_COL_UNTIL}


class PlanFileError(Exception):
    """The file can't be read as a content plan; ``text`` says why and what to do."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.msgid)
        self.text = text


# --- the template -----------------------------------------------------------------------------------------------


def write_template(
    target: str | Path, *, today: date, translate: Translate = identity, formats: Sequence[str] | None = None
) -> None:
    """An empty plan: headers (required ones bold, each with a hint), one example row per sheet that imports skip,
    dropdowns for format (``formats``: app.yaml's ``requests.formats``) and weekday, date and time formats, and an
    About sheet explaining every column. The examples agree with themselves: the deadline is a working day, the
    slot's weekday is its date's, and the format is one app.yaml offers."""
    offered = list(formats) if formats is not None else list(RequestSettings().formats)
    workbook = Workbook()
    plan = workbook.active
    assert plan is not None
    plan.title = translate(texts.PLAN_SHEET)
    _template_sheet(
        plan,
        PLAN_COLUMNS,
        PLAN_REQUIRED,
        PLAN_HELP,
        translate,
        example={
            texts.PLAN_COL_KEY: translate(texts.EXAMPLE_KEY),
            texts.PLAN_COL_TITLE: "Ten SEO tips for small web shops",
            texts.PLAN_COL_BRIEF: "Short, practical tips our customers can use the same day.",
            texts.PLAN_COL_FORMAT: EXAMPLE_FORMAT if EXAMPLE_FORMAT in offered else (offered[0] if offered else None),
            texts.PLAN_COL_SKILLS: "SEO, writing",
            texts.PLAN_COL_PARTS: "",
            texts.PLAN_COL_NEEDS: 2,
            texts.PLAN_COL_DEADLINE: _working_day(today + timedelta(days=30)),
            texts.PLAN_COL_OWNER: "mette@example.com",
            texts.PLAN_COL_CHANNEL: "C0123456789",
            texts.PLAN_COL_SLOT: "",
            texts.PLAN_COL_GUESTS: "",
        },
    )
    format_column = get_column_letter(PLAN_COLUMNS.index(texts.PLAN_COL_FORMAT) + 1)
    # A warning, not a stop: the list suggests formats, and any other word is a format too.
    if offered:
        choices = DataValidation(type="list", formula1=f'"{",".join(offered)}"', allow_blank=True, errorStyle="warning")
        choices.add(f"{format_column}2:{format_column}{TEMPLATE_ROWS + 1}")
        plan.add_data_validation(choices)

    slots = workbook.create_sheet(translate(texts.SLOTS_SHEET))
    first_slot = _next_weekday(today + timedelta(days=7), EXAMPLE_SLOT_WEEKDAY)
    _template_sheet(
        slots,
        SLOT_COLUMNS,
        SLOT_REQUIRED,
        SLOT_HELP,
        translate,
        example={
            texts.PLAN_COL_KEY: translate(texts.EXAMPLE_KEY),
            texts.SLOT_COL_NAME: "LinkedIn",
            texts.SLOT_COL_DATE: first_slot,
            texts.SLOT_COL_WEEKDAY: WEEKDAYS[first_slot.weekday()],
            texts.SLOT_COL_UNTIL: first_slot + timedelta(weeks=EXAMPLE_SERIES_WEEKS),
            texts.SLOT_COL_TIME: time(10, 0),
            texts.SLOT_COL_ADDED_BY: "",
        },
    )
    weekday_column = get_column_letter(SLOT_COLUMNS.index(texts.SLOT_COL_WEEKDAY) + 1)
    weekdays = DataValidation(
        type="list",
        formula1=f'"{",".join(WEEKDAYS)}"',
        allow_blank=True,
        showErrorMessage=True,
        error=translate(texts.HELP_SLOT_WEEKDAY),
    )
    weekdays.add(f"{weekday_column}2:{weekday_column}{TEMPLATE_ROWS + 1}")
    slots.add_data_validation(weekdays)

    about = workbook.create_sheet(translate(texts.ABOUT_SHEET))
    about.append([translate(texts.ABOUT_INTRO)])
    about.append([])
    about.append([translate(texts.ABOUT_COLUMN), translate(texts.ABOUT_WHAT)])
    for cell in about[3]:
        cell.font = Font(bold=True)
    for sheet_name, columns, help_texts in (
        (texts.PLAN_SHEET, PLAN_COLUMNS, PLAN_HELP),
        (texts.SLOTS_SHEET, SLOT_COLUMNS, SLOT_HELP),
    ):
        for column in columns:
            about.append([f"{translate(sheet_name)}: {translate(column)}", translate(help_texts[column])])
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 100
    workbook.save(target)


def _working_day(day: date) -> date:
    """``day``, or the Monday after it when it falls on a weekend."""
    return day if day.weekday() < 5 else _next_weekday(day, 0)


def _next_weekday(day: date, weekday: int) -> date:
    """The first day on or after ``day`` that is ``weekday`` (Monday 0)."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _template_sheet(
    sheet: Worksheet,
    columns: Sequence[str],
    required: Sequence[str],
    help_texts: Mapping[str, str],
    translate: Translate,
    *,
    example: dict[str, Any],
) -> None:
    sheet.append([translate(c) for c in columns])
    sheet.append([example.get(c) for c in columns])
    sheet.freeze_panes = "A2"
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index)
        header.font = Font(bold=column in required)
        header.comment = Comment(translate(help_texts[column]), "Cobot")
        sheet.column_dimensions[letter].width = WIDTHS[column]
        sheet.cell(row=2, column=index).font = Font(italic=True, color="808080")
        if column in DATE_COLUMNS or column == texts.SLOT_COL_TIME:
            number_format = "hh:mm" if column == texts.SLOT_COL_TIME else "yyyy-mm-dd"
            for row in range(2, TEMPLATE_ROWS + 2):
                sheet.cell(row=row, column=index).number_format = number_format


# --- reading a plan ---------------------------------------------------------------------------------------------


def read_plan(data: bytes, *, file_name: str, translators: Sequence[Translate] = (identity,)) -> PlanFile:
    """The rows of a plan's Plan and Slots sheets (either may be missing, not both). Raises ``PlanFileError`` for
    a file that can't be read at all; problems with single cells (formulas, merged cells, columns) come back in
    ``PlanFile.problems`` so they are reported together with the rest. Sheet and column names are recognised in
    every language of ``translators`` (and in English); messages name them in the first one's."""
    translate = translators[0] if translators else identity
    _check_container(data, file_name=file_name)
    try:
        with warnings.catch_warnings():
            # Features a plan doesn't need (extensions, print settings) only warn; values are read all the same.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), data_only=False)
    except Exception as error:  # openpyxl raises many kinds for broken files; the person needs one clear message
        reason = f"{type(error).__name__}: {error}"[:120]
        raise PlanFileError(t(texts.IMPORT_UNREADABLE, file=file_name, reason=reason)) from None
    plan_sheet = _find_sheet(workbook, texts.PLAN_SHEET, translators)
    slots_sheet = _find_sheet(workbook, texts.SLOTS_SHEET, translators)
    if plan_sheet is None and slots_sheet is None:
        raise PlanFileError(
            t(
                texts.IMPORT_NO_PLAN_SHEETS,
                file=file_name,
                plan=translate(texts.PLAN_SHEET),
                slots=translate(texts.SLOTS_SHEET),
            )
        )
    problems: list[Text] = []
    requests = _read_sheet(plan_sheet, PLAN_COLUMNS, PLAN_REQUIRED, translators, problems) if plan_sheet else []
    slots = _read_sheet(slots_sheet, SLOT_COLUMNS, SLOT_REQUIRED, translators, problems) if slots_sheet else []
    return PlanFile(name=file_name, requests=tuple(requests), slots=tuple(slots), problems=tuple(problems))


def _check_container(data: bytes, *, file_name: str) -> None:
    """Refuses, before openpyxl sees it, what is not an unencrypted .xlsx of a sensible size."""
    if len(data) > MAX_FILE_BYTES:
        size = f"{len(data) / 1024 / 1024:.1f}"
        raise PlanFileError(t(texts.IMPORT_TOO_BIG, file=file_name, size=size, limit=MAX_FILE_BYTES // 1024 // 1024))
    if data.startswith(OLE_MAGIC):
        raise PlanFileError(t(texts.IMPORT_ENCRYPTED, file=file_name))
    if not data.startswith(ZIP_MAGIC):
        template = texts.IMPORT_LOOKS_LIKE_CSV if _looks_like_csv(data) else texts.IMPORT_NOT_A_WORKBOOK
        raise PlanFileError(t(template, file=file_name))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise PlanFileError(t(texts.IMPORT_NOT_A_WORKBOOK, file=file_name)) from None
    if not any(e.filename == "xl/workbook.xml" for e in entries):
        raise PlanFileError(t(texts.IMPORT_NOT_A_WORKBOOK, file=file_name))  # a .docx, or any other zip
    if sum(e.file_size for e in entries) > MAX_UNPACKED_BYTES:
        raise PlanFileError(t(texts.IMPORT_UNPACKS_TOO_BIG, file=file_name, limit=MAX_UNPACKED_BYTES // 1024 // 1024))


def _looks_like_csv(data: bytes) -> bool:
    sample = data[:4096]
    try:
        text = sample.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = sample.decode("cp1252")
        except UnicodeDecodeError:
            return False
    printable = sum(1 for c in text if c.isprintable() or c in "\r\n\t")
    return bool(text) and printable / len(text) > 0.95 and any(sep in text for sep in ",;\t")


def _names(msgid: str, translators: Sequence[Translate]) -> set[str]:
    """How a sheet, column or keyword may be written: in English or any of the languages, in any case."""
    return {msgid.casefold()} | {translate(msgid).strip().casefold() for translate in translators}


def _find_sheet(workbook: Any, name: str, translators: Sequence[Translate]) -> Worksheet | None:
    wanted = _names(name, translators)
    for sheet in workbook.worksheets:
        if isinstance(sheet, Worksheet) and sheet.title.strip().casefold() in wanted:
            return sheet
    return None


def _read_sheet(
    sheet: Worksheet,
    columns: Sequence[str],
    required: Sequence[str],
    translators: Sequence[Translate],
    problems: list[Text],
) -> list[PlanRow]:
    translate = translators[0] if translators else identity
    title = sheet.title
    for merged in sheet.merged_cells.ranges:
        problems.append(t(texts.IMPORT_MERGED, cell=f"{title}!{merged.coord}"))
    names = {name: c for c in columns for name in _names(c, translators)}
    listing = ", ".join(translate(c) for c in columns)
    by_index: dict[int, str] = {}
    for cell in next(sheet.iter_rows(min_row=1, max_row=1), ()):
        header = _plain(cell.value).rstrip("*").strip()
        if not header or cell.column is None:
            continue
        column = names.get(header.casefold())
        ref = f"{title}!{cell.coordinate}"
        if column is None:
            problems.append(t(texts.IMPORT_UNKNOWN_COLUMN, cell=ref, value=header[:40], columns=listing))
        elif column in by_index.values():
            problems.append(t(texts.IMPORT_DUPLICATE_COLUMN, cell=ref, value=header[:40]))
        else:
            by_index[cell.column] = column
    missing = [c for c in required if c not in by_index.values()]
    for column in missing:
        problems.append(t(texts.IMPORT_MISSING_COLUMN, cell=f"{title}!1", column=translate(column), columns=listing))
    if missing:
        return []  # every row would repeat the same complaint
    if sheet.max_row - 1 > MAX_ROWS:
        # Checked on the sheet's extent before reading: walking a million (mostly empty) rows takes ages.
        problems.append(t(texts.IMPORT_TOO_MANY_ROWS, sheet=title, count=sheet.max_row - 1, limit=MAX_ROWS))
        return []
    example = _names(texts.EXAMPLE_KEY, translators)
    rows: list[PlanRow] = []
    for cells in sheet.iter_rows(min_row=2, max_col=max(by_index)):
        if all(_plain(c.value) == "" for c in cells):
            continue  # an empty (maybe only formatted) row
        row_number = cells[0].row or 0
        found: dict[str, PlanCell] = {}
        flagged: set[str] = set()
        for cell in cells:
            column = by_index.get(cell.column or 0)
            if column is None:
                continue
            ref = f"{title}!{cell.coordinate}"
            if cell.data_type == "f":
                problems.append(t(texts.IMPORT_FORMULA, cell=ref, value=_plain(cell.value)[:60]))
                flagged.add(column)
                continue
            found[column] = PlanCell(ref=ref, value=_value(cell.value))
        for index, column in by_index.items():
            found.setdefault(column, PlanCell(ref=f"{title}!{get_column_letter(index)}{row_number}", value=None))
        key = found.get(texts.PLAN_COL_KEY)
        if key is not None and _plain(key.value).casefold() in example:
            continue  # the template's example row
        rows.append(PlanRow(sheet=title, row=row_number, cells=found, flagged=frozenset(flagged)))
    return rows


def _value(value: Any) -> CellValue:
    if value is None or isinstance(value, str | int | float | bool | date | datetime | time):
        return value
    return str(value)  # rich text, errors (#N/A) and the like: as the text they show


def _plain(value: Any) -> str:
    if value is None:
        return ""
    text = getattr(value, "text", None)  # an array formula
    return str(text if isinstance(text, str) else value).strip()
