"""What co-creation yielded, as a manager reads it in the report: the Yield sheet (one row per piece published in
the period, with the departments and people behind it and one column per metric it earned), the Departments sheet
(asked, volunteered, contributed, published and those pieces' results, per department, people without one under
"(no department)") and the Silo map (published pieces each pair of departments made together). Written by the real
writer from a history made through the handlers, with figures stored as the results commands store them, and read
back with openpyxl, in English and in Danish."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from reports_support import (
    POLICY,
    WORKSPACE,
    add_two_departments,
    export,
    open_workbook,
    publish_podcast_with_results,
    rows,
    seed_history,
)
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.exports.excel.report import write_report
from bot.runtime.i18n import translator
from handlers.context import Scope
from handlers.reports import Period, Report, ReportOrder
from storage.db import read_only
from storage.models import Workspace

DEPARTMENTS = ["Finance", "HR", "Marketing", "Product", "Sales", "Support", "(no department)"]


@pytest.fixture
def yielded(engine: Engine, tmp_path: Path) -> Path:
    history = seed_history(engine)
    podcast = add_two_departments(engine)
    publish_podcast_with_results(engine, podcast, history.ebook)
    path = tmp_path / "report.xlsx"
    export(engine, path)
    return path


def test_the_yield_sheet_has_one_row_per_published_piece_with_every_metric_found(yielded: Path) -> None:
    workbook = open_workbook(yielded)

    assert workbook.sheetnames[-3:] == ["Yield", "Departments", "Silo map"]
    header = [c.value for c in workbook["Yield"][1]]
    assert header == [
        "ID",
        "Title",
        "Published on",
        "Published URL",
        "Departments involved",
        "Contributors",
        "Clicks on Cobot link",
        "Views",  # known metrics first, in reading order…
        "Leads",
        "=plays",  # …then any other, by name, shown as it was named and never a formula
        "Days from request to publishing",
    ]
    ebook, podcast = rows(workbook, "Yield")
    assert ebook["ID"] == 1
    assert ebook["Title"] == "E-bog: Digital markedsføring"
    assert ebook["Published on"] == datetime(2026, 12, 2)
    assert ebook["Published URL"] == "https://example.com/e-bog"
    assert ebook["Departments involved"] == "Marketing, Sales, Support"  # the owner's first
    assert ebook["Contributors"] == "Anna Æbelø, Bo Åkesson"
    assert ebook["Clicks on Cobot link"] == 0
    assert (ebook["Views"], ebook["Leads"], ebook["=plays"]) == (1230, 3, None)
    assert ebook["Days from request to publishing"] == 9
    assert podcast["Title"] == "Podcast: siloer"
    assert podcast["Departments involved"] == "Product, Finance, HR"
    assert podcast["Contributors"] == "Dora Dahl, Emil Holm"
    assert (podcast["Views"], podcast["Leads"], podcast["=plays"]) == (400, None, 50)
    assert podcast["Days from request to publishing"] == 4

    sheet = workbook["Yield"]
    assert sheet["J1"].data_type == "s" and sheet["J1"].quotePrefix
    assert sheet["C2"].is_date and sheet["C2"].number_format == "yyyy-mm-dd"
    assert sheet["D2"].hyperlink is not None and sheet["D2"].hyperlink.target == "https://example.com/e-bog"
    assert sheet.tables["Yield"].ref == "A1:K3"
    assert [c.name for c in sheet.tables["Yield"].tableColumns] == header


def test_the_departments_sheet_counts_each_department_s_part_and_adds_up_its_pieces_results(yielded: Path) -> None:
    workbook = open_workbook(yielded)
    found = {r["Department"]: r for r in rows(workbook, "Departments")}

    assert list(found) == DEPARTMENTS  # by name, people without a department last
    assert {d: found[d]["Requests asked"] for d in DEPARTMENTS} == {
        "Finance": 0,
        "HR": 0,
        "Marketing": 3,
        "Product": 2,
        "Sales": 0,
        "Support": 0,
        "(no department)": 0,
    }
    # Anna (Sales) took a part of the e-book and waited in line on the case; Bo (Support) took one and withdrew.
    assert [found[d]["Volunteered"] for d in DEPARTMENTS] == [1, 1, 0, 0, 2, 2, 1]
    assert [found[d]["Contributed"] for d in DEPARTMENTS] == [1, 1, 0, 0, 1, 1, 1]
    assert [found[d]["Published pieces"] for d in DEPARTMENTS] == [1, 1, 1, 1, 1, 1, 0]
    assert [found[d]["Views"] for d in DEPARTMENTS] == [400, 400, 1230, 400, 1230, 1230, 0]
    assert [found[d]["Leads"] for d in DEPARTMENTS] == [0, 0, 3, 0, 3, 3, 0]
    assert [found[d]["=plays"] for d in DEPARTMENTS] == [50, 50, 0, 50, 0, 0, 0]
    header = workbook["Departments"][1]
    assert header[1].comment is not None and "posted" in header[1].comment.text


def test_the_silo_map_counts_the_published_pieces_each_pair_of_departments_made_together(yielded: Path) -> None:
    workbook = open_workbook(yielded)
    sheet = workbook["Silo map"]
    values = [list(r) for r in sheet.iter_rows(values_only=True)]

    assert values[0] == ["Department", *DEPARTMENTS]
    matrix = {row[0]: dict(zip(DEPARTMENTS, row[1:], strict=True)) for row in values[1:]}
    assert list(matrix) == DEPARTMENTS
    assert matrix["Marketing"] == {
        "Finance": 0,
        "HR": 0,
        "Marketing": 1,
        "Product": 0,
        "Sales": 1,
        "Support": 1,
        "(no department)": 0,
    }
    assert matrix["Finance"]["HR"] == matrix["HR"]["Finance"] == 1
    assert matrix["Product"]["Finance"] == 1 and matrix["Product"]["Sales"] == 0
    assert all(v == 0 for v in matrix["(no department)"].values())  # Carl's draft was never published
    for a in DEPARTMENTS:  # the same both ways
        for b in DEPARTMENTS:
            assert matrix[a][b] == matrix[b][a]
    assert sheet.freeze_panes == "B2"
    assert sheet.print_title_cols == "$A:$A" and sheet.print_title_rows == "$1:$1"
    assert sheet["A1"].comment is not None and "diagonal" in sheet["A1"].comment.text


def test_a_period_yields_the_pieces_published_in_it(engine: Engine, tmp_path: Path) -> None:
    history = seed_history(engine)
    podcast = add_two_departments(engine)
    publish_podcast_with_results(engine, podcast, history.ebook)
    november, december = tmp_path / "november.xlsx", tmp_path / "december.xlsx"

    export(engine, november, order=ReportOrder(period=Period.month(2026, 11)))
    export(engine, december, order=ReportOrder(period=Period.month(2026, 12)))

    assert rows(open_workbook(november), "Yield") == []  # the e-book was asked for in November, published in December
    assert [r["ID"] for r in rows(open_workbook(december), "Yield")] == [history.ebook, podcast]


def test_an_empty_period_still_has_the_three_sheets_with_their_headers(engine: Engine, tmp_path: Path) -> None:
    seed_history(engine)
    path = tmp_path / "empty.xlsx"
    export(engine, path, order=ReportOrder(period=Period(date(2030, 1, 1), date(2030, 1, 31))))
    workbook = open_workbook(path)

    assert rows(workbook, "Yield") == []
    assert workbook["Yield"]["A1"].value == "ID"
    assert workbook["Departments"]["A1"].value == "Department"
    assert [c.value for c in workbook["Silo map"][1]] == ["Department"]


def test_in_danish_the_sheets_and_headers_speak_danish(yielded: Path, engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "rapport.xlsx"
    with Session(read_only(engine)) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        scope = Scope(session=session, workspace=workspace, policy=POLICY, now=datetime(2026, 12, 20, 9, tzinfo=UTC))
        write_report(Report(scope, ReportOrder()), path, translate=translator("da"))
    workbook = open_workbook(path)

    assert workbook.sheetnames[-3:] == ["Udbytte", "Afdelinger", "Silokort"]
    header = [c.value for c in workbook["Udbytte"][1]]
    assert "Involverede afdelinger" in header and "Visninger" in header and "=plays" in header
    assert "Dage fra anmodning til udgivelse" in header
    departments = [r[0] for r in workbook["Afdelinger"].iter_rows(min_row=2, values_only=True)]
    assert departments[-1] == "(ingen afdeling)"
    assert "Udbytte" in (workbook["Udbytte"].oddHeader.center.text or "")


def test_a_metric_named_like_a_column_gets_a_header_of_its_own() -> None:
    from bot.exports.excel.report import YIELD_COLUMNS, _header_text, _metric_columns
    from bot.exports.plaintext import identity

    columns = _metric_columns(["views", "title", "=x", "a very long metric name indeed"], YIELD_COLUMNS, identity)

    headers = [_header_text(c, identity) for c in columns]
    assert headers == ["Views", "title (2)", "=x", "a very long metric name indeed"]
    assert all(c.width >= 12 for c in columns)
