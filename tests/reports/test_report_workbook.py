"""The report workbook, written by the real writer from a history made through the handlers, and read back with
openpyxl: its sheets, Excel tables, frozen headers, widths, date cells, hyperlinks, summary and chart; who may have
which report; and that text people typed can never become a formula."""

from __future__ import annotations

import inspect
import re
from datetime import date, datetime
from pathlib import Path

import pytest
from factories import ctx_for
from reports_support import (
    ADMIN,
    ANNA,
    BO,
    CARL,
    FORCE_REASON,
    OLE,
    OWNER,
    POLICY,
    WORKSPACE,
    act,
    at,
    export,
    make_members,
    open_workbook,
    rows,
    seed_history,
    set_people,
    sheet_xml,
)
from sqlalchemy import Engine
from sqlmodel import Session, select

from handlers import texts
from handlers.commands import Report as ReportCommand
from handlers.commands import parse_command
from handlers.reports import Period, Report, ReportOrder, order_report, parse_report_period
from handlers.results import UserFacingError
from storage.db import read_only
from storage.models import Workspace

SHEETS = ["Requests", "Contributions", "Calendar", "Summary", "Yield", "Departments", "Silo map"]
TABLED = SHEETS[:-1]  # the silo map is a matrix, its first column frozen too


@pytest.fixture
def history_file(engine: Engine, tmp_path: Path) -> Path:
    seed_history(engine)
    path = tmp_path / "report.xlsx"
    export(engine, path)
    return path


def test_the_workbook_has_seven_sheets_each_table_a_real_table_with_a_frozen_header(history_file: Path) -> None:
    workbook = open_workbook(history_file)

    assert workbook.sheetnames == SHEETS
    for name in TABLED:
        sheet = workbook[name]
        assert sheet.freeze_panes == "A2"
        assert sheet.tables, f"{name} has no Excel table"
        for table in sheet.tables.values():
            assert table.autoFilter is not None
            assert table.autoFilter.ref == table.ref
            assert table.tableStyleInfo is not None
            header_row = next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))
            first, _last = table.ref.split(":")
            columns = [c.name for c in table.tableColumns]
            # The table's column names are exactly the header cells it covers.
            start = ord(re.sub(r"\d", "", first)) - ord("A")
            assert list(header_row[start : start + len(columns)]) == columns
    requests = workbook["Requests"]
    assert requests.tables["Requests"].ref == "A1:Q5"
    assert requests.column_dimensions["B"].width == 42
    assert requests["B1"].value == "Title"


def test_requests_sheet_has_one_row_per_request_with_real_dates_slots_and_links(history_file: Path) -> None:
    workbook = open_workbook(history_file)
    by_id = {r["ID"]: r for r in rows(workbook, "Requests")}

    ebook = by_id[1]
    assert ebook["Title"] == "E-bog: Digital markedsføring"
    assert ebook["Format"] == "e-book"
    assert ebook["Owner"] == "Mette Ørsted"
    assert ebook["Owner's department"] == "Marketing"
    assert ebook["Status"] == "published"
    assert ebook["Posted"] == datetime(2026, 11, 23)
    assert ebook["Draft deadline"] == datetime(2026, 12, 10)
    assert ebook["Slot"] == "LinkedIn"
    assert ebook["Slot time"] == datetime(2026, 12, 1, 10, 0)  # Copenhagen wall-clock time
    assert ebook["Published on"] == datetime(2026, 12, 2)
    assert ebook["Published URL"] == "https://example.com/e-bog"
    assert ebook["Volunteers"] == 2
    assert ebook["Contributors"] == 2
    assert ebook["Days to first volunteer"] == pytest.approx(1 / 24, abs=0.05)
    assert ebook["Days to publish"] == 9
    assert by_id[3]["Derived from"] == 1
    assert by_id[3]["Owner"] == "Ole Lund"
    assert by_id[3]["Days to first volunteer"] is None

    sheet = workbook["Requests"]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == 1)
    posted, slot_time, url = row[6], row[9], row[11]
    assert posted.is_date
    assert posted.number_format == "yyyy-mm-dd"
    assert slot_time.is_date
    assert slot_time.number_format == "yyyy-mm-dd hh:mm"
    assert url.hyperlink is not None
    assert url.hyperlink.target == "https://example.com/e-bog"


def test_contributions_sheet_has_one_row_per_person_per_request_or_part(history_file: Path) -> None:
    workbook = open_workbook(history_file)
    found = {(r["Request"], r["Person"]): r for r in rows(workbook, "Contributions")}

    assert set(found) == {(1, "Anna Æbelø"), (1, "Bo Åkesson"), (2, "Carl"), (2, "Anna Æbelø"), (2, "Bo Åkesson")}
    intro = found[(1, "Anna Æbelø")]
    assert intro["Part"] == "Intro"
    assert intro["Department"] == "Sales"
    assert intro["Role"] == "contributor"
    assert intro["Drafts"] == 1
    assert intro["Approved"] == datetime(2026, 11, 28)
    assert intro["Days from call to volunteer"] == pytest.approx(0.0, abs=0.05)
    assert intro["Days late"] == 0
    assert found[(1, "Bo Åkesson")]["Part"] == "SEO"
    assert found[(1, "Bo Åkesson")]["Days from call to volunteer"] == 2
    late = found[(2, "Carl")]
    assert late["Department"] is None
    assert late["Days late"] == 3  # handed in on 3 Dec, due 30 Nov
    assert late["Approved"] is None
    assert found[(2, "Anna Æbelø")]["Role"] == "in line"
    assert found[(2, "Anna Æbelø")]["Days late"] is None
    assert found[(2, "Bo Åkesson")]["Role"] == "withdrew"
    # Anna signed off her approved chapter; Bo did not, and the e-book went out anyway, for the owner's reason.
    assert intro["Sign-off"] == "Signed off 2026-11-29 (v1)"
    assert found[(1, "Bo Åkesson")]["Sign-off"] == f"Published without sign-off: {FORCE_REASON}"
    assert late["Sign-off"] == "Not signed off"  # handed in, never approved
    assert found[(2, "Anna Æbelø")]["Sign-off"] is None  # in line: nothing of hers to sign off
    assert found[(2, "Bo Åkesson")]["Sign-off"] is None
    approved = next(c for c in workbook["Contributions"].iter_rows(min_row=2) if c[7].value is not None)[7]
    assert approved.is_date
    assert approved.number_format == "yyyy-mm-dd"


def test_calendar_sheet_lists_slots_booked_and_free(history_file: Path) -> None:
    calendar = rows(open_workbook(history_file), "Calendar")

    booked = [r for r in calendar if r["Booked or free"] == "booked"]
    assert booked == [
        {
            "Starts": datetime(2026, 12, 1, 10, 0),
            "Slot": "LinkedIn",
            "Booked or free": "booked",
            "Request": 1,
            "Title": "E-bog: Digital markedsføring",
        }
    ]
    free = [r["Starts"] for r in calendar if r["Booked or free"] == "free"]
    assert datetime(2026, 12, 8, 10, 0) in free
    assert all(s.weekday() == 1 for s in free)  # LinkedIn runs on Tuesdays


def test_summary_per_month_and_department_and_a_chart_of_contributions_per_department(history_file: Path) -> None:
    workbook = open_workbook(history_file)
    summary = {(r["Month"], r["Department"]): r for r in rows(workbook, "Summary", columns=9) if r["Month"]}

    november = summary[("2026-11", "All departments")]
    assert november["Requests"] == 3
    assert november["Fulfilled"] == 1
    assert november["Published"] == 1
    assert november["Distinct contributors"] == 3  # Anna, Bo, Carl handed in drafts
    assert november["Departments reached"] == 2  # Sales and Support (Carl has none)
    assert november["Median days to publish"] == 9
    marketing = summary[("2026-11", "Marketing")]
    assert marketing["Requests"] == 2
    assert marketing["Median days to first volunteer"] == pytest.approx(0.5, abs=0.05)  # 1 h and 1 day
    assert summary[("2026-11", "Product")]["Requests"] == 1
    assert summary[("2026-11", "Product")]["Distinct contributors"] == 0
    assert summary[("2026-12", "All departments")]["Requests"] == 1

    sheet = workbook["Summary"]
    by_department = {r[10]: (r[11], r[12]) for r in sheet.iter_rows(min_row=2, values_only=True) if r[10] is not None}
    assert by_department == {"Sales": (1, 1), "Support": (1, 1), "(no department)": (1, 1)}
    assert sheet.tables["ContributionsByDepartment"].ref == "K1:M4"
    assert len(sheet._charts) == 1
    chart_xml = [x for x in _parts(history_file) if x.startswith("xl/charts/chart")]
    assert chart_xml
    xml = _read(history_file, chart_xml[0])
    assert "<barChart>" in xml
    assert '<barDir val="bar"/>' in xml
    assert "Summary!$L$2:$L$4" in xml.replace("'", "")  # the Contributions column of the department table


def test_text_that_looks_like_a_formula_never_becomes_one(engine: Engine, tmp_path: Path) -> None:
    make_members(engine, OWNER, ANNA, BO)
    # Names and departments come from Slack profiles as they are, leading tabs and carriage returns included.
    dangerous = {
        OWNER: ('=HYPERLINK("http://evil.example","klik")', "+Marketing", None),
        ANNA: ("@SUM(1+1)*cmd|' /C calc'!A0", "-Salg", None),
        BO: ("\t=1+1", "\r=cmd", None),
    }
    set_people(engine, dangerous)
    titles = ["=1+2", "+Æble", "-2+3", "@Øl", "=Ærø og Åbenrå", "Bell\x07 title"]
    numbers = []
    from factories import posted_request

    for title in titles:
        numbers.append(
            posted_request(engine, owner=OWNER, policy=POLICY, now=at(), title=title, parts=("-del", "=del"))
        )
        act(engine, ANNA, lambda ctx, n=numbers[-1]: _volunteer(ctx, n, "1"), now=at(hours=1))
        act(engine, BO, lambda ctx, n=numbers[-1]: _volunteer(ctx, n, "2"), now=at(hours=1))
    path = tmp_path / "evil.xlsx"
    export(engine, path)
    workbook = open_workbook(path)

    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} became a formula: {cell.value!r}"
    for xml in sheet_xml(path).values():
        assert "<f>" not in xml and "<f " not in xml
    # Shown exactly as typed, without an apostrophe: the cell's quotePrefix style keeps it text, as in Excel.
    shown = [r["Title"] for r in rows(workbook, "Requests")]
    assert shown == ["=1+2", "+Æble", "-2+3", "@Øl", "=Ærø og Åbenrå", "Bell title"]
    first = rows(workbook, "Requests")[0]
    assert first["Owner"] == '=HYPERLINK("http://evil.example","klik")'
    assert first["Owner's department"] == "+Marketing"
    anna, bo = rows(workbook, "Contributions")[:2]
    assert anna["Person"].startswith("@SUM")
    assert anna["Department"] == "-Salg"
    assert anna["Part"] == "-del"
    assert (bo["Person"], bo["Department"], bo["Part"]) == ("\t=1+1", "\r=cmd", "=del")
    quoted = 0
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    assert not cell.value.startswith("'"), (sheet.title, cell.coordinate, cell.value)
                    starts_like_a_formula = cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
                    assert bool(cell.quotePrefix) == starts_like_a_formula, (sheet.title, cell.coordinate, cell.value)
                    quoted += starts_like_a_formula
    assert quoted > 30  # titles, names, departments and parts on every sheet that shows them


def test_safe_text_marks_every_formula_trigger_for_the_quote_prefix_and_keeps_the_text() -> None:
    from bot.exports.excel.cells import QuotedText, safe_text

    for trigger in ("=", "+", "-", "@", "\t", "\r"):
        assert safe_text(f"{trigger}1+1") == f"{trigger}1+1"
        assert isinstance(safe_text(f"{trigger}1+1"), QuotedText)
    assert safe_text("Æble = pie") == "Æble = pie"
    assert not isinstance(safe_text("Æble = pie"), QuotedText)
    assert safe_text("a\x00b\x1fc") == "abc"
    assert safe_text("") == ""


def _volunteer(ctx: object, number: int, part: str) -> object:
    from handlers.volunteering import volunteer_for_request

    return volunteer_for_request(ctx, number=number, part=part)  # type: ignore[arg-type]


def test_admins_get_every_request_owners_their_own_and_others_are_refused(engine: Engine, tmp_path: Path) -> None:
    history = seed_history(engine)

    with Session(engine) as session:
        admin = order_report(ctx_for(session, ADMIN, policy=POLICY), period=Period())
        owner = order_report(ctx_for(session, OLE, policy=POLICY), period=Period())
        with pytest.raises(UserFacingError) as refused:
            order_report(ctx_for(session, CARL, policy=POLICY), period=Period())
        with pytest.raises(UserFacingError) as not_this_month:
            order_report(ctx_for(session, OLE, policy=POLICY), period=Period.month(2026, 12))
        session.rollback()
    assert admin.owner_id is None
    assert owner.owner_id is not None
    assert refused.value.text.msgid == texts.REPORT_NOT_ALLOWED
    assert not_this_month.value.text.msgid == texts.REPORT_NOT_ALLOWED

    path = tmp_path / "ole.xlsx"
    stats = export(engine, path, order=owner)
    assert stats.requests == 1
    assert [r["ID"] for r in rows(open_workbook(path), "Requests")] == [history.video]
    assert rows(open_workbook(path), "Contributions") == []


def test_a_period_keeps_the_requests_posted_in_it(engine: Engine, tmp_path: Path) -> None:
    history = seed_history(engine)
    path = tmp_path / "december.xlsx"

    stats = export(engine, path, order=ReportOrder(period=Period.month(2026, 12)))

    workbook = open_workbook(path)
    assert stats.requests == 1
    assert [r["ID"] for r in rows(workbook, "Requests")] == [history.december]
    assert all(r["Starts"].month == 12 for r in rows(workbook, "Calendar"))
    assert [r["Month"] for r in rows(workbook, "Summary", columns=9) if r["Month"]] == ["2026-12", "2026-12"]


def test_an_empty_workspace_still_makes_a_valid_workbook(engine: Engine, tmp_path: Path) -> None:
    make_members(engine, OWNER)
    path = tmp_path / "empty.xlsx"

    stats = export(engine, path)

    workbook = open_workbook(path)
    assert (stats.requests, stats.contributions) == (0, 0)
    assert workbook.sheetnames == SHEETS
    assert workbook["Requests"].tables["Requests"].ref == "A1:Q2"


def test_contributions_stream_from_the_database(engine: Engine) -> None:
    seed_history(engine)
    with Session(read_only(engine)) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        from handlers.context import Scope

        report = Report(Scope(session=session, workspace=workspace, policy=POLICY, now=at(days=20)), ReportOrder())
        stream = report.contributions()
        assert inspect.isgenerator(stream)
        first = next(stream)
        assert first.number == 1
        assert report.contribution_count == 1  # one row read, not the whole table
        assert len(list(stream)) == 4


def test_report_periods_are_typed_as_a_month() -> None:
    assert parse_report_period("") == Period()
    assert parse_report_period("2026-02") == Period(date(2026, 2, 1), date(2026, 2, 28))
    assert parse_report_period("2026-12") == Period(date(2026, 12, 1), date(2026, 12, 31))
    for bad in ("2026-13", "26-01", "november", "2026-1"):
        with pytest.raises(UserFacingError) as refused:
            parse_report_period(bad)
        assert refused.value.text.msgid == texts.USAGE_REPORT
    assert parse_command("report 2026-11", today=date(2026, 11, 23)) == ReportCommand(Period.month(2026, 11))
    assert parse_command("REPORT", today=date(2026, 11, 23)) == ReportCommand(Period())
    assert Period.month(2026, 11).slug() == "2026-11"
    assert Period().slug() == "all"


def _parts(path: Path) -> list[str]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def _read(path: Path, name: str) -> str:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return archive.read(name).decode("utf-8")


def test_the_fast_rows_read_back_exactly_like_openpyxl_s_own(tmp_path: Path) -> None:
    """The bulk row writer of the long sheets against openpyxl's own writer, value by value."""
    from openpyxl import Workbook

    from bot.exports.excel.fastrows import add_fast_sheet

    values = [
        1,
        -2.5,
        0.1 + 0.2,
        True,
        False,
        "plain",
        "  leading and trailing  ",
        "a & b < c > d \"quoted\" 'single'",
        "line\nbreak\tand\rreturn",
        "Ærø · Åbenrå · ølejr ✋ 🎉",
        "bell\x07gone",
        date(2026, 12, 10),
        datetime(2026, 12, 1, 10, 30),
        None,
        "",
        10**15,
    ]
    paths = {}
    for kind in ("openpyxl", "fast"):
        workbook = Workbook(write_only=True)
        if kind == "fast":
            sheet = add_fast_sheet(workbook, "S", date_format="yyyy-mm-dd", moment_format="yyyy-mm-dd hh:mm")
            sheet.append(values)
        else:
            from openpyxl.cell import WriteOnlyCell

            sheet = workbook.create_sheet("S")
            row = []
            for value in values:
                if isinstance(value, str):
                    value = value.replace("\x07", "")
                if isinstance(value, date):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, datetime) else "yyyy-mm-dd"
                    value = cell
                row.append(value)
            sheet.append(row)
        paths[kind] = tmp_path / f"{kind}.xlsx"
        workbook.save(paths[kind])

    def cells(path: Path) -> list[tuple[object, str, str]]:
        from openpyxl import load_workbook

        sheet = load_workbook(path)["S"]
        return [(c.value, c.data_type, c.number_format) for c in next(sheet.iter_rows(min_row=1, max_row=1))]

    assert cells(paths["fast"]) == cells(paths["openpyxl"])
    assert cells(paths["fast"])[8][0] == "line\nbreak\tand\rreturn"


def test_the_report_is_the_same_on_sqlite_and_postgresql(any_engine: Engine, tmp_path: Path) -> None:
    history = seed_history(any_engine)
    path = tmp_path / "report.xlsx"

    stats = export(any_engine, path)

    workbook = open_workbook(path)
    assert (stats.requests, stats.contributions) == (4, 5)
    assert [r["ID"] for r in rows(workbook, "Requests")] == [
        history.ebook,
        history.case,
        history.video,
        history.december,
    ]
    late = next(r for r in rows(workbook, "Contributions") if r["Person"] == "Carl")
    assert late["Days late"] == 3
    summary = {(r["Month"], r["Department"]): r for r in rows(workbook, "Summary", columns=9) if r["Month"]}
    assert summary[("2026-11", "All departments")]["Distinct contributors"] == 3
