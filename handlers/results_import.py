"""`cobot import results <file>`: figures of published pieces from a spreadsheet, one row per piece and day.

The file's first row names its columns: ``url`` (the address a piece was published at) or ``request`` (its number),
``date`` (the day the row counts), then one column per metric, named by its English or Danish word or by a name of
its own (``handlers.figures.metric_of``). ``bot.exports.results_file`` reads a CSV file or a workbook into cells;
this module checks every cell, says what is wrong by cell ("C4: `abc` is not a whole number of at least 0"), and
stores nothing unless nothing is wrong. Figures are stored as ``ResultSource.IMPORT``, one per piece, metric and day,
so importing the same file again replaces each figure by itself and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlmodel import col, select

from handlers import notify, texts
from handlers.cards import MAX_REQUEST_NUMBER, STATUS_TEXTS
from handlers.context import Scope
from handlers.figures import bad_figure, figure_of, metric_of
from handlers.outcomes import Outcome, outcome_text, record_result
from handlers.results import Day, Param, Text, t
from storage import queries
from storage.models import ContentRequest, RequestStatus, ResultSource

CellValue = str | int | float | bool | date | datetime | time | None
MAX_ROWS = 20_000  # a year of daily figures for fifty pieces

# The columns that are no metric, by every word they may be headed with (case-folded).
URL_COLUMN, REQUEST_COLUMN, DATE_COLUMN = "url", "request", "date"
COLUMN_WORDS = {
    "url": URL_COLUMN,
    "link": URL_COLUMN,
    "adresse": URL_COLUMN,
    "address": URL_COLUMN,
    "request": REQUEST_COLUMN,
    "anmodning": REQUEST_COLUMN,
    "id": REQUEST_COLUMN,
    "nr": REQUEST_COLUMN,
    "number": REQUEST_COLUMN,
    "nummer": REQUEST_COLUMN,
    "date": DATE_COLUMN,
    "dato": DATE_COLUMN,
    "day": DATE_COLUMN,
    "dag": DATE_COLUMN,
}
_DANISH_DAY = re.compile(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})")


@dataclass(frozen=True)
class Cell:
    ref: str  # where it is, for messages: "C4"
    value: CellValue  # None when blank


@dataclass(frozen=True)
class ResultsTable:
    """A results file as read: its header row, its rows (each as long as the header, blanks as None), and what
    the reader already found wrong with single cells (a formula without a saved result)."""

    name: str
    header: tuple[Cell, ...]
    rows: tuple[tuple[Cell, ...], ...]
    problems: tuple[Text, ...] = ()


class ResultsFileError(Exception):
    """The file can't be read at all; ``text`` says why and what to do."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.msgid)
        self.text = text


class ResultsRejected(Exception):
    """The file has problems, each by cell; nothing was stored."""

    def __init__(self, header: Text, problems: Sequence[Text]) -> None:
        super().__init__(header.msgid)
        self.header = header
        self.problems = tuple(problems)


@dataclass(frozen=True)
class ImportedResults:
    """What an import stored (or, in a dry run, would store): a line per piece, notes and the summary."""

    lines: tuple[Text, ...]
    notes: tuple[Text, ...]
    summary: Text


@dataclass
class _Piece:
    request: ContentRequest
    figures: dict[str, int] = field(default_factory=dict)  # this import's figures, summed over its days


def import_results(scope: Scope, table: ResultsTable, *, dry_run: bool = False) -> ImportedResults:
    """Checks every cell of ``table`` and, when all is well, stores its figures in the scope's transaction (in a
    dry run, nothing). Raises ``ResultsFileError`` for an empty file and ``ResultsRejected`` with every problem."""
    if not table.header or all(_text(c.value) == "" for c in table.header):
        raise ResultsFileError(t(texts.RESULTS_FILE_EMPTY, file=table.name))
    if len(table.rows) > MAX_ROWS:
        raise ResultsFileError(
            t(texts.RESULTS_FILE_TOO_MANY_ROWS, file=table.name, count=len(table.rows), limit=MAX_ROWS)
        )
    problems: list[Text] = list(table.problems)
    columns = _columns(table.header, problems)
    if problems and columns is None:
        raise ResultsRejected(t(texts.RESULTS_IMPORT_PROBLEMS, file=table.name, count=len(problems)), problems)
    assert columns is not None
    rows = [row for row in table.rows if any(_text(c.value) != "" for c in row)]
    if not rows and not problems:
        raise ResultsFileError(t(texts.RESULTS_FILE_NO_ROWS, file=table.name))
    today = scope.today()
    finder = _Finder(scope)
    pieces: dict[int, _Piece] = {}
    seen: dict[tuple[int, date], tuple[int, dict[str, int]]] = {}  # (request, day) → (row, its figures)
    notes: list[Text] = []
    stored: list[tuple[ContentRequest, date, dict[str, int]]] = []
    for row in rows:
        row_number = _row_number(row[0].ref)
        request = finder.piece(row, columns, problems)
        day = _day(row[columns.date], today, problems)
        figures: dict[str, int] = {}
        for index, metric in columns.metrics.items():
            cell = row[index]
            if cell.value is None or _text(cell.value) == "":
                continue
            figure = figure_of(cell.value)
            if figure is None:
                problems.append(t(texts.RESULTS_CELL_FIGURE, cell=cell.ref, problem=bad_figure(cell.value)))
            else:
                figures[metric] = figure
        cells_of_figures = [row[i] for i in columns.metrics]
        if not figures and all(_text(c.value) == "" for c in cells_of_figures):
            problems.append(t(texts.RESULTS_CELL_NO_FIGURES, cell=cells_of_figures[0].ref))
        if request is None or day is None or request.id is None:
            continue
        earlier = seen.get((request.id, day))
        if earlier is not None:
            first, figures_before = earlier
            if figures_before == figures:
                notes.append(t(texts.RESULTS_ROW_DUPLICATE, cell=row[0].ref, row=row_number, first=first))
            else:
                problems.append(
                    t(texts.RESULTS_ROW_REPEATED, cell=row[0].ref, number=request.number, day=Day(day), row=first)
                )
            continue
        seen[(request.id, day)] = (row_number, figures)
        stored.append((request, day, figures))
    if problems:
        raise ResultsRejected(t(texts.RESULTS_IMPORT_PROBLEMS, file=table.name, count=len(problems)), problems)
    count = 0
    for request, day, figures in stored:
        assert request.id is not None
        piece = pieces.setdefault(request.id, _Piece(request))
        for metric, value in figures.items():
            piece.figures[metric] = piece.figures.get(metric, 0) + value
            count += 1
            if not dry_run:
                record_result(
                    session=scope.session,
                    workspace_id=scope.workspace_id,
                    request_id=request.id,
                    metric=metric,
                    value=value,
                    day=day,
                    source=ResultSource.IMPORT,
                    now=scope.now,
                )
    if not dry_run:
        for piece in pieces.values():
            notify.refresh_card(scope, piece.request)  # the card's "So far" line shows the imported figures now
    lines = []
    for piece in sorted(pieces.values(), key=lambda p: p.request.number):
        shown = outcome_text(Outcome(metrics=piece.figures))
        if shown is not None:
            lines.append(
                t(texts.RESULTS_IMPORT_LINE, number=piece.request.number, title=piece.request.title, figures=shown)
            )
    amounts: dict[str, Param] = {
        "figures": t(texts.COUNT_FIGURES, count=count),
        "pieces": t(texts.COUNT_PIECES, count=len(pieces)),
        "file": table.name,
    }
    summary = t(texts.RESULTS_IMPORT_DRY_RUN if dry_run else texts.RESULTS_IMPORTED, **amounts)
    return ImportedResults(lines=tuple(lines), notes=tuple(notes), summary=summary)


@dataclass(frozen=True)
class _Columns:
    url: int | None
    request: int | None
    date: int
    metrics: dict[int, str]  # column index → metric


def _columns(header: Sequence[Cell], problems: list[Text]) -> _Columns | None:
    """What each column holds, by its header; None (with the problems said) when the rows can't be read."""
    found: dict[str, tuple[int, str]] = {}  # column kind or metric → (index, header as written)
    metrics: dict[int, str] = {}
    for index, cell in enumerate(header):
        written = " ".join(_text(cell.value).lstrip("\ufeff").split())
        if not written:
            continue
        word = written.casefold()
        kind = COLUMN_WORDS.get(word)
        name = kind or metric_of(word)
        if name is None:
            problems.append(t(texts.RESULTS_COL_BAD, cell=cell.ref, value=written[:40]))
            continue
        if name in found:
            problems.append(t(texts.RESULTS_COL_TWICE, cell=cell.ref, value=written[:40], first=found[name][1][:40]))
            continue
        found[name] = (index, written)
        if kind is None:
            metrics[index] = name
    first = header[0].ref if header else "A1"
    if URL_COLUMN not in found and REQUEST_COLUMN not in found:
        problems.append(t(texts.RESULTS_COL_MISSING_PIECE, cell=first))
    if DATE_COLUMN not in found:
        problems.append(t(texts.RESULTS_COL_MISSING_DATE, cell=first))
    if not metrics:
        problems.append(t(texts.RESULTS_COL_NO_METRICS, cell=first))
    if problems:
        return None  # every row would repeat the same complaints
    return _Columns(
        url=found[URL_COLUMN][0] if URL_COLUMN in found else None,
        request=found[REQUEST_COLUMN][0] if REQUEST_COLUMN in found else None,
        date=found[DATE_COLUMN][0],
        metrics=metrics,
    )


class _Finder:
    """The published pieces rows name, looked up once each."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self._by_url: dict[str, list[ContentRequest]] | None = None

    def piece(self, row: Sequence[Cell], columns: _Columns, problems: list[Text]) -> ContentRequest | None:
        number_cell = row[columns.request] if columns.request is not None else None
        url_cell = row[columns.url] if columns.url is not None else None
        number_given = number_cell is not None and _text(number_cell.value) != ""
        url_given = url_cell is not None and _text(url_cell.value) != ""
        if not number_given and not url_given:
            problems.append(t(texts.RESULTS_CELL_NO_PIECE, cell=(number_cell or url_cell or row[0]).ref))
            return None
        request = None
        if number_given:
            assert number_cell is not None
            request = self._by_number(number_cell, problems)
            if request is None:
                return None
        if url_given:
            assert url_cell is not None
            url = _address(_text(url_cell.value))
            if request is not None:
                if _address(request.published_url or "") != url:
                    problems.append(
                        t(
                            texts.RESULTS_CELL_URL_OTHER,
                            cell=url_cell.ref,
                            number=request.number,
                            published=request.published_url or "—",
                            url=url[:200],
                        )
                    )
                    return None
                return request
            matches = self._published_at().get(url, [])
            if not matches:
                problems.append(t(texts.RESULTS_CELL_NO_URL, cell=url_cell.ref, url=url[:200]))
                return None
            if len(matches) > 1:
                problems.append(t(texts.RESULTS_CELL_SEVERAL_URL, cell=url_cell.ref, url=url[:200]))
                return None
            return matches[0]
        return request

    def _by_number(self, cell: Cell, problems: list[Text]) -> ContentRequest | None:
        value = cell.value
        text = _text(value).removeprefix("#").strip()
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if not (text.isascii() and text.isdecimal()) or len(text) > 12:
            problems.append(t(texts.RESULTS_CELL_BAD_REQUEST, cell=cell.ref, value=_text(value)[:40]))
            return None
        number = int(text)
        request = (
            queries.get_request_by_number(
                session=self.scope.session, workspace_id=self.scope.workspace_id, number=number
            )
            if 0 < number <= MAX_REQUEST_NUMBER
            else None
        )
        if request is None:
            problems.append(t(texts.RESULTS_CELL_NO_REQUEST, cell=cell.ref, number=number))
            return None
        if request.status is not RequestStatus.PUBLISHED:
            status = t(STATUS_TEXTS[request.status])
            problems.append(t(texts.RESULTS_CELL_NOT_PUBLISHED, cell=cell.ref, number=number, status=status))
            return None
        return request

    def _published_at(self) -> dict[str, list[ContentRequest]]:
        if self._by_url is None:
            self._by_url = {}
            published = self.scope.session.exec(
                select(ContentRequest).where(
                    col(ContentRequest.workspace_id) == self.scope.workspace_id,
                    col(ContentRequest.status) == RequestStatus.PUBLISHED,
                )
            ).all()
            for request in published:
                if request.published_url:
                    self._by_url.setdefault(_address(request.published_url), []).append(request)
        return self._by_url


def _address(url: str) -> str:
    """A web address as compared: without surrounding space or a closing "/"."""
    return url.strip().rstrip("/")


def _day(cell: Cell, today: date, problems: list[Text]) -> date | None:
    """The row's day: a date cell of a workbook, or YYYY-MM-DD or the Danish dd-mm-yyyy (also dd.mm.yyyy)."""
    value = cell.value
    day: date | None = None
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    elif _text(value) == "":
        problems.append(t(texts.RESULTS_CELL_NO_DATE, cell=cell.ref))
        return None
    else:
        text = _text(value)
        danish = _DANISH_DAY.fullmatch(text)
        try:
            if danish:
                day = date(int(danish.group(3)), int(danish.group(2)), int(danish.group(1)))
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                day = date.fromisoformat(text)
        except ValueError:
            day = None
        if day is None:
            problems.append(t(texts.RESULTS_CELL_BAD_DATE, cell=cell.ref, value=text[:40]))
            return None
    if day > today:
        problems.append(t(texts.RESULTS_CELL_FUTURE, cell=cell.ref, day=Day(day)))
        return None
    return day


def _row_number(ref: str) -> int:
    digits = re.sub(r"\D", "", ref)
    return int(digits) if digits else 0


def _text(value: CellValue) -> str:
    if value is None:
        return ""
    return str(value).strip()
