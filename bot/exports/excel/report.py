"""The report workbook: sheets Requests, Contributions, Calendar, Summary, Yield, Departments and Silo map, written in
openpyxl's write-only mode.

Write-only mode streams each row to a temporary file as it is appended, so a report with hundreds of thousands of
contributions needs little memory; it also means everything about a sheet's layout (frozen header, column widths)
is set before its first row, and its Excel table (autofilter, banded rows) is added after its last, when the
number of rows is known. Dates are real date cells with a date format, links are hyperlinks, and every piece of
text that people typed goes through ``safe_text`` so it can never become a formula (text that starts like one is
written with Excel's quotePrefix style, so no apostrophe shows). Every sheet writes its rows of plain values in
bulk (``bot.exports.excel.fastrows``): openpyxl's own cell writer alone would spend over ten seconds on 100,000
contributions. Each sheet prints one page wide (landscape where wide) under a title naming the sheet and the
period, its wrapped header row repeated on every page.

Sheets are filled in order: requests first (they feed the summary's groups), then contributions (which are counted
into those groups as they stream past), the calendar, the summary with its chart, and last what the period's
published pieces yielded: per piece, per department, and the silo map of departments that made pieces together.
"""

from __future__ import annotations

import re
import textwrap
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, cast

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.axis import ChartLines
from openpyxl.chart.data_source import AxDataSource, StrRef
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font
from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.filters import AutoFilter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from bot.exports.excel.cells import safe_optional, safe_text, text_cell
from bot.exports.excel.fastrows import add_fast_sheet
from bot.exports.plaintext import Translate, identity, plain
from handlers import texts
from handlers.outcomes import METRIC_NAMES
from handlers.reports import Report, SummaryRow, YieldReport
from handlers.results import Text

DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
TABLE_STYLE = "TableStyleMedium2"
# One sans-serif font for headers and cells: Excel's own default, so a header never falls back to a serif face.
FONT_NAME = "Calibri"
FONT_FAMILY_SANS = 2  # "swiss": what a viewer without Calibri substitutes (Carlito, Arial), never a serif
PORTRAIT_WIDTH = 90  # characters of column width that fit across a portrait page; wider sheets print landscape
PROGRESS_EVERY = 10_000  # contributions between two progress calls
HEADER_FONT = Font(name=FONT_NAME, family=FONT_FAMILY_SANS, bold=True)
HEADER_ALIGNMENT = Alignment(wrap_text=True, vertical="top")
WRAPPED = Alignment(wrap_text=True, vertical="top")
LINE_HEIGHT = 15.0  # points per line of 11-point Calibri: a wrapped header row is this many points per line
_WEB_LINK = re.compile(r"^https?://\S+$", re.IGNORECASE)


@dataclass(frozen=True)
class Column:
    header: str  # message id
    width: float  # in characters
    note: str | None = None  # message id of a comment on the header that says what the column counts
    named: bool = False  # ``header`` is a name from the data (a metric, a department), shown as it is, not translated


REQUEST_COLUMNS = (
    Column(texts.COL_ID, 7),
    Column(texts.COL_TITLE, 42),
    Column(texts.COL_FORMAT, 12),
    Column(texts.COL_OWNER, 22),
    Column(texts.COL_OWNER_DEPARTMENT, 20),
    Column(texts.COL_STATUS, 11),
    Column(texts.COL_POSTED, 12),
    Column(texts.COL_DEADLINE, 14),
    Column(texts.COL_SLOT, 16),
    Column(texts.COL_SLOT_TIME, 17),
    Column(texts.COL_PUBLISHED_ON, 13),
    Column(texts.COL_PUBLISHED_URL, 40),
    Column(texts.COL_DERIVED_FROM, 13),
    Column(texts.COL_VOLUNTEERS, 12, texts.NOTE_VOLUNTEERS),
    Column(texts.COL_CONTRIBUTORS, 13, texts.NOTE_CONTRIBUTORS),
    Column(texts.COL_DAYS_TO_VOLUNTEER, 14),
    Column(texts.COL_DAYS_TO_PUBLISH, 12),
)
CONTRIBUTION_COLUMNS = (
    Column(texts.COL_REQUEST, 10),
    Column(texts.COL_TITLE, 42),
    Column(texts.COL_PART, 26),
    Column(texts.COL_PERSON, 22),
    Column(texts.COL_DEPARTMENT, 20),
    Column(texts.COL_ROLE, 13),
    Column(texts.COL_DRAFTS, 9),
    Column(texts.COL_APPROVED, 12),
    Column(texts.COL_DAYS_CALL_TO_VOLUNTEER, 15),
    Column(texts.COL_DAYS_LATE, 10),
    Column(texts.COL_SIGN_OFF, 30),
)
CALENDAR_COLUMNS = (
    Column(texts.COL_STARTS, 17),
    Column(texts.COL_SLOT, 18),
    Column(texts.COL_BOOKED, 14),
    Column(texts.COL_REQUEST, 10),
    Column(texts.COL_TITLE, 42),
)
SUMMARY_COLUMNS = (
    Column(texts.COL_MONTH, 10),
    Column(texts.COL_DEPARTMENT, 22),
    Column(texts.COL_REQUESTS, 11),
    Column(texts.COL_FULFILLED, 11),
    Column(texts.COL_PUBLISHED, 11),
    Column(texts.COL_MEDIAN_TO_VOLUNTEER, 16),
    Column(texts.COL_MEDIAN_TO_PUBLISH, 14),
    Column(texts.COL_DISTINCT_CONTRIBUTORS, 13, texts.NOTE_CONTRIBUTORS),
    Column(texts.COL_DEPARTMENTS_REACHED, 13),
)
DEPARTMENT_COLUMNS = (
    Column(texts.COL_DEPARTMENT, 22),
    Column(texts.COL_CONTRIBUTIONS, 14),
    Column(texts.COL_CONTRIBUTORS, 13, texts.NOTE_CONTRIBUTORS),
)
DEPARTMENT_FIRST_COLUMN = len(SUMMARY_COLUMNS) + 2  # one empty column between the two tables
YIELD_COLUMNS = (
    Column(texts.COL_ID, 7, texts.NOTE_YIELD),
    Column(texts.COL_TITLE, 40),
    Column(texts.COL_PUBLISHED_ON, 13),
    Column(texts.COL_PUBLISHED_URL, 36),
    Column(texts.COL_DEPARTMENTS_INVOLVED, 28),
    Column(texts.COL_CONTRIBUTORS, 32, texts.NOTE_CONTRIBUTORS),
    Column(texts.COL_LINK_CLICKS, 12),
)
YIELD_LAST_COLUMN = Column(texts.COL_DAYS_REQUEST_TO_PUBLISH, 14)
DEPARTMENT_YIELD_COLUMNS = (
    Column(texts.COL_DEPARTMENT, 24),
    Column(texts.COL_ASKED, 12, texts.NOTE_ASKED),
    Column(texts.COL_VOLUNTEERED, 13, texts.NOTE_VOLUNTEERED),
    Column(texts.COL_CONTRIBUTED, 13, texts.NOTE_CONTRIBUTED),
    Column(texts.COL_PUBLISHED_PIECES, 12, texts.NOTE_PUBLISHED_PIECES),
    Column(texts.COL_LINK_CLICKS, 12),
)


@dataclass(frozen=True)
class ReportStats:
    requests: int
    contributions: int
    slots: int


def write_report(
    report: Report,
    target: str | Path | IO[bytes],
    *,
    translate: Translate = identity,
    progress: Callable[[int], None] | None = None,
) -> ReportStats:
    """Writes ``report`` as an .xlsx workbook to ``target`` (a path or a binary file); ``progress`` is told the
    number of contributions written every ``PROGRESS_EVERY`` rows."""
    workbook = Workbook(write_only=True)
    workbook.properties.creator = "Cobot"
    period = plain(report.order.period.label(), translate)
    workbook.properties.title = period
    requests = _sheet(workbook, translate(texts.SHEET_REQUESTS), REQUEST_COLUMNS, translate, period)
    contributions = _sheet(workbook, translate(texts.SHEET_CONTRIBUTIONS), CONTRIBUTION_COLUMNS, translate, period)
    calendar = _sheet(workbook, translate(texts.SHEET_CALENDAR), CALENDAR_COLUMNS, translate, period)
    summary = _sheet(
        workbook, translate(texts.SHEET_SUMMARY), SUMMARY_COLUMNS, translate, period, extra=DEPARTMENT_COLUMNS
    )

    _write_requests(report, requests, translate)
    _add_table(requests, "Requests", REQUEST_COLUMNS, report.request_count, translate)
    _write_contributions(report, contributions, translate, progress)
    _add_table(contributions, "Contributions", CONTRIBUTION_COLUMNS, report.contribution_count, translate)
    slots = _write_calendar(report, calendar, translate)
    _add_table(calendar, "Calendar", CALENDAR_COLUMNS, slots, translate)
    _write_summary(report, summary, translate)
    _write_yield(report.yield_report(), workbook, translate, period)

    workbook.save(target)
    return ReportStats(requests=report.request_count, contributions=report.contribution_count, slots=slots)


def _sheet(
    workbook: Workbook,
    title: str,
    columns: Sequence[Column],
    translate: Translate,
    period: str,
    *,
    extra: Sequence[Column] = (),
    freeze: str = "A2",
) -> WriteOnlyWorksheet:
    """A sheet with its header row written; widths and the frozen header must come before the first row. Every
    sheet writes rows of plain values in bulk (``bot.exports.excel.fastrows``), and its quoted text with the
    quotePrefix style. A sheet frozen right of column A (``freeze="B2"``) repeats that column on every page too."""
    sheet: WriteOnlyWorksheet = add_fast_sheet(workbook, title, date_format=DATE_FORMAT, moment_format=MOMENT_FORMAT)
    sheet.freeze_panes = freeze
    _print_setup(
        sheet,
        f"{title} · {period}",
        width=sum(c.width for c in columns) + sum(c.width + 3 for c in extra),
        title_columns="A:A" if freeze[0] != "A" else None,
    )
    widths = _borrowed(sheet).column_dimensions
    for index, column in enumerate(columns, start=1):
        widths[get_column_letter(index)].width = column.width
    headers: list[Any] = [_header(sheet, c, translate) for c in columns]
    if extra:
        widths[get_column_letter(len(columns) + 1)].width = 3
        for index, column in enumerate(extra, start=DEPARTMENT_FIRST_COLUMN):
            widths[get_column_letter(index)].width = column.width
        headers += [None] + [_header(sheet, c, translate) for c in extra]
    _borrowed(sheet).row_dimensions[1].height = _header_height([*columns, *extra], translate)
    sheet.append(headers)
    return sheet


def _header_height(columns: Sequence[Column], translate: Translate) -> float:
    """The header row's height in points: enough for the longest header wrapped in its column's width, so no
    header is cut off on screen or on paper."""
    lines = max((len(textwrap.wrap(_header_text(c, translate), max(4, int(c.width) - 2))) for c in columns), default=1)
    return LINE_HEIGHT * max(lines, 1) + 3


def _header_text(column: Column, translate: Translate) -> str:
    return safe_text(column.header) if column.named else translate(column.header)


def _print_setup(sheet: WriteOnlyWorksheet, title: str, *, width: float, title_columns: str | None = None) -> None:
    """How the sheet prints: one page wide (as many long as it takes), landscape when its columns are wider than
    a portrait page, the header row repeated on every page, ``title`` (sheet and period) on top of every page and
    page numbers below."""
    borrowed = _borrowed(sheet)
    borrowed.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    setup = borrowed.page_setup
    setup.orientation = "landscape" if width > PORTRAIT_WIDTH else "portrait"
    setup.fitToWidth = 1
    setup.fitToHeight = 0  # no limit: long sheets run on over as many pages as they need
    borrowed.page_margins = PageMargins(left=0.5, right=0.5, top=0.75, bottom=0.75, header=0.3, footer=0.3)
    borrowed.print_title_rows = "1:1"
    if title_columns is not None:
        borrowed.print_title_cols = title_columns
    header_footer = borrowed.HeaderFooter
    header_footer.oddHeader.center.text = title.replace("&", "&&")  # "&" starts a code in a header
    header_footer.oddFooter.center.text = "&P / &N"


def _borrowed(sheet: WriteOnlyWorksheet) -> Any:
    """The sheet for the methods write-only sheets borrow from ordinary ones (widths, tables, charts), which
    openpyxl's type stubs don't describe."""
    return cast(Any, sheet)


def _header(sheet: WriteOnlyWorksheet, column: Column, translate: Translate) -> Cell:
    cell = text_cell(sheet, _header_text(column, translate))
    cell.font = HEADER_FONT
    cell.alignment = HEADER_ALIGNMENT
    if column.note is not None:
        cell.comment = Comment(translate(column.note), "Cobot", width=260, height=90)
    return cell


def _add_table(
    sheet: WriteOnlyWorksheet,
    name: str,
    columns: Sequence[Column],
    rows: int,
    translate: Translate,
    *,
    first_column: int = 1,
) -> None:
    """An Excel table over the header and ``rows`` rows (at least one, which may be empty: Excel wants one)."""
    ref = f"{get_column_letter(first_column)}1:{get_column_letter(first_column + len(columns) - 1)}{max(rows, 1) + 1}"
    table = Table(
        displayName=name,
        ref=ref,
        autoFilter=AutoFilter(ref=ref),
        tableStyleInfo=TableStyleInfo(name=TABLE_STYLE, showRowStripes=True),
    )
    # Write-only sheets can't be read back, so the table's columns are named here; they must match the headers.
    table.tableColumns = [TableColumn(id=i, name=_header_text(c, translate)) for i, c in enumerate(columns, start=1)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "add table columns manually": done just above
        _borrowed(sheet).add_table(table)


def _moment(sheet: WriteOnlyWorksheet, value: datetime | None) -> Cell | None:
    if value is None:
        return None
    # Excel has no time zones: the local wall-clock time of the workspace is what people expect to see.
    cell = WriteOnlyCell(sheet, value=value.replace(tzinfo=None))
    cell.number_format = MOMENT_FORMAT
    return cell


def _link(sheet: WriteOnlyWorksheet, url: str | None) -> Cell | str | None:
    if not url:
        return None
    if not _WEB_LINK.match(url):
        return safe_text(url)  # shown, but never a link to something other than a web page
    cell = WriteOnlyCell(sheet, value=safe_text(url))
    cell.hyperlink = url
    cell.style = "Hyperlink"
    return cell


def _write_requests(report: Report, sheet: WriteOnlyWorksheet, translate: Translate) -> None:
    statuses: dict[str, str] = {}
    former = translate(texts.FORMER_CONTRIBUTOR)
    for row in report.requests():
        status = statuses.get(row.status) or statuses.setdefault(row.status, translate(row.status))
        sheet.append(
            [
                row.number,
                safe_text(row.title),
                safe_optional(row.format),
                former if row.owner_forgotten else safe_text(row.owner),
                safe_optional(row.owner_department),
                status,
                row.posted,  # plain dates and times: the sheet gives them its date formats
                row.deadline,
                safe_optional(row.slot),
                row.slot_at.replace(tzinfo=None) if row.slot_at is not None else None,
                row.published_on,
                _link(sheet, row.published_url),
                row.derived_from,
                row.volunteers,
                row.contributors,
                row.days_to_first_volunteer,
                row.days_to_publish,
            ]
        )


def _write_contributions(
    report: Report, sheet: WriteOnlyWorksheet, translate: Translate, progress: Callable[[int], None] | None
) -> None:
    # The hot loop of a big export: plain values only, which the fast sheet writes in bulk.
    roles = {role: translate(role) for role in (texts.ROLE_CONTRIBUTOR, texts.ROLE_IN_LINE, texts.ROLE_WITHDREW)}
    former = translate(texts.FORMER_CONTRIBUTOR)
    append = sheet.append
    # Most sign-off cells read the same ("Not signed off", one day's "Signed off … (v1)"): each is rendered once.
    sign_offs: dict[tuple[str, tuple[tuple[str, str], ...]], str] = {}

    def sign_off_cell(text: Text) -> str:
        key = (text.msgid, tuple((name, repr(value)) for name, value in text.params.items()))
        cell = sign_offs.get(key)
        if cell is None:
            cell = sign_offs[key] = safe_text(plain(text, translate))
        return cell

    for count, row in enumerate(report.contributions(), start=1):
        append(
            [
                row.number,
                safe_text(row.title),
                safe_text(row.part) if row.part else None,
                former if row.forgotten else safe_text(row.person),
                safe_text(row.department) if row.department else None,
                roles[row.role],
                row.drafts,
                row.approved_on,
                row.days_from_call,
                row.days_late,
                sign_off_cell(row.sign_off) if row.sign_off is not None else None,
            ]
        )
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)


def _write_calendar(report: Report, sheet: WriteOnlyWorksheet, translate: Translate) -> int:
    booked, free = translate(texts.SLOT_IS_BOOKED), translate(texts.SLOT_IS_FREE)
    rows = report.calendar()
    for row in rows:
        sheet.append(
            [
                _moment(sheet, row.starts_at),
                safe_text(row.name),
                booked if row.number is not None else free,
                row.number,
                safe_optional(row.title),
            ]
        )
    return len(rows)


def _department_label(row: SummaryRow, translate: Translate) -> str:
    if row.everyone:
        return translate(texts.ALL_DEPARTMENTS)
    return safe_text(row.department) if row.department else translate(texts.NO_DEPARTMENT)


def _write_summary(report: Report, sheet: WriteOnlyWorksheet, translate: Translate) -> None:
    """Two tables side by side: per month and owner department, and contributions per contributor department,
    with a bar chart of the latter."""
    summary = report.summary.rows()
    departments = report.summary.departments()
    no_department = translate(texts.NO_DEPARTMENT)
    for index in range(max(len(summary), len(departments))):
        cells: list[Any] = [None] * (DEPARTMENT_FIRST_COLUMN - 1 + len(DEPARTMENT_COLUMNS))
        if index < len(summary):
            row = summary[index]
            cells[: len(SUMMARY_COLUMNS)] = [
                row.month,
                _department_label(row, translate),
                row.requests,
                row.fulfilled,
                row.published,
                row.median_days_to_first_volunteer,
                row.median_days_to_publish,
                row.contributors,
                row.departments_reached,
            ]
        if index < len(departments):
            department = departments[index]
            cells[DEPARTMENT_FIRST_COLUMN - 1 :] = [
                safe_text(department.department) if department.department else no_department,
                department.contributions,
                department.contributors,
            ]
        sheet.append(cells)
    _add_table(sheet, "Summary", SUMMARY_COLUMNS, len(summary), translate)
    _add_table(
        sheet,
        "ContributionsByDepartment",
        DEPARTMENT_COLUMNS,
        len(departments),
        translate,
        first_column=DEPARTMENT_FIRST_COLUMN,
    )
    if departments:
        _add_department_chart(
            sheet, departments=len(departments), most=departments[0].contributions, translate=translate
        )


def _add_department_chart(sheet: WriteOnlyWorksheet, *, departments: int, most: int, translate: Translate) -> None:
    """Horizontal bars of contributions per department, under the department table (so the sheet prints no wider
    than its tables): every department row, every name shown, and a count axis from 0 in whole steps."""
    first, last = 2, departments + 1
    chart = BarChart()
    chart.type = "bar"  # horizontal bars: department names stay readable
    chart.title = translate(texts.CHART_CONTRIBUTIONS_TITLE)
    chart.legend = None
    chart.height = max(7.5, 0.8 * departments + 2)
    chart.width = round(sum(c.width for c in DEPARTMENT_COLUMNS) * 0.2)  # about the table's width above it (cm)
    data = Reference(sheet, min_col=DEPARTMENT_FIRST_COLUMN + 1, min_row=1, max_row=last)
    chart.add_data(data, titles_from_data=True)
    names = f"{quote_sheetname(sheet.title)}!{absolute_coordinate(_cells(DEPARTMENT_FIRST_COLUMN, first, last))}"
    # Department names are text: a string reference, which every program reads as the category labels.
    chart.series[0].cat = AxDataSource(strRef=StrRef(f=names))
    categories, counts = chart.x_axis, chart.y_axis
    categories.delete = False  # openpyxl 3.1 leaves it unset, and Excel then hides the axis
    categories.tickLblSkip = 1  # a label for every department, however tight: Excel skips some by itself
    counts.delete = False
    counts.scaling.min = 0
    counts.majorUnit = _whole_step(most)
    counts.number_format = "0"
    counts.majorGridlines = ChartLines()
    _borrowed(sheet).add_chart(chart, f"{get_column_letter(DEPARTMENT_FIRST_COLUMN)}{last + 3}")


def _cells(column: int, first: int, last: int) -> str:
    letter = get_column_letter(column)
    return f"{letter}{first}:{letter}{last}"


def _whole_step(most: int) -> int:
    """A step for a count axis up to ``most``: 1, 2 or 5 times a power of ten, giving at most about five steps."""
    step = 1
    while most / step > 5:
        step = _next_step(step)
    return step


def _next_step(step: int) -> int:
    """1 → 2 → 5 → 10 → 20 → 50 → …"""
    digits = str(step)
    lead, zeros = int(digits[0]), len(digits) - 1
    factor = 2 if lead == 1 else 5 if lead == 2 else 10
    return int(factor * 10**zeros)


def _metric_columns(metrics: Sequence[str], taken: Sequence[Column], translate: Translate) -> list[Column]:
    """One column per metric, headed by its own text where it has one, else by its name; a name that would repeat
    a header already there (Excel tables need distinct ones) gets a number."""
    seen = {_header_text(c, translate).casefold() for c in taken}
    result: list[Column] = []
    for metric in metrics:
        known = METRIC_NAMES.get(metric)
        column = Column(known, 12) if known else Column(metric, 12, named=True)
        text, suffix = _header_text(column, translate), 2
        while text.casefold() in seen:
            column = Column(f"{metric} ({suffix})", 12, named=True)
            text, suffix = _header_text(column, translate), suffix + 1
        seen.add(text.casefold())
        longest = max((len(word) for word in text.split()), default=0)
        result.append(Column(column.header, max(12, min(30, longest + 3)), named=column.named))
    return result


def _department_name(department: str | None, translate: Translate) -> str:
    return safe_text(department) if department else translate(texts.NO_DEPARTMENT)


def _wrapped(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    cell = text_cell(sheet, text)
    cell.alignment = WRAPPED
    return cell


def _write_yield(found: YieldReport, workbook: Workbook, translate: Translate, period: str) -> None:
    """The Yield sheet (one row per published piece, one column per metric), the Departments sheet (per
    department: asked, volunteered, contributed, published and those pieces' results) and the Silo map (published
    pieces each pair of departments made together)."""
    former = translate(texts.FORMER_CONTRIBUTOR)
    yield_metrics = _metric_columns(found.metrics, YIELD_COLUMNS, translate)
    yield_columns = (*YIELD_COLUMNS, *yield_metrics, YIELD_LAST_COLUMN)
    sheet = _sheet(workbook, translate(texts.SHEET_YIELD), yield_columns, translate, period)
    for piece in found.pieces:
        metrics = piece.outcome.metrics
        sheet.append(
            [
                piece.number,
                safe_text(piece.title),
                piece.published_on,
                _link(sheet, piece.url),
                _wrapped(sheet, ", ".join(_department_name(d, translate) for d in piece.departments)),
                _wrapped(
                    sheet,
                    ", ".join(former if p == texts.FORMER_CONTRIBUTOR else safe_text(p) for p in piece.contributors),
                )
                if piece.contributors
                else None,
                piece.outcome.link_clicks,
                *(metrics.get(metric) for metric in found.metrics),
                piece.days_to_publish,
            ]
        )
    _add_table(sheet, "Yield", yield_columns, len(found.pieces), translate)

    department_metrics = _metric_columns(found.metrics, DEPARTMENT_YIELD_COLUMNS, translate)
    department_columns = (*DEPARTMENT_YIELD_COLUMNS, *department_metrics)
    sheet = _sheet(workbook, translate(texts.SHEET_DEPARTMENTS), department_columns, translate, period)
    for row in found.departments:
        sheet.append(
            [
                _department_name(row.department, translate),
                row.asked,
                row.volunteered,
                row.contributed,
                row.published,
                row.link_clicks,
                *(row.metrics.get(metric, 0) for metric in found.metrics),
            ]
        )
    _add_table(sheet, "Departments", department_columns, len(found.departments), translate)

    names = [_department_name(row.department, translate) for row in found.departments]
    corner = Column(texts.COL_DEPARTMENT, 24, texts.NOTE_SILO_MAP)
    matrix_columns = [corner] + [
        Column(name, max(10, min(24, max((len(w) for w in name.split()), default=0) + 3)), named=True) for name in names
    ]
    # A department name heads a column as it is; the row headers in column A stay in view and on every page.
    sheet = _sheet(workbook, translate(texts.SHEET_SILO_MAP), matrix_columns, translate, period, freeze="B2")
    for name, counts in zip(names, found.silo, strict=True):
        label = text_cell(sheet, name)
        label.font = HEADER_FONT
        sheet.append([label, *counts])
