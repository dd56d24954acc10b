"""Importing results from real files: CSV written as Danish Excel writes it (byte order mark, ";", Danish headers
and dates) and .xlsx written by openpyxl (real dates, formulas), every problem named by its cell with nothing stored,
duplicate rows, dry runs, re-importing the same file, and `cobot import results` as an admin types it."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from factories import NOW, posted_request, row_counts
from openpyxl import Workbook
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.entrypoints.cli import main
from bot.exports.plaintext import plain
from bot.exports.results_file import read_results_file
from handlers.context import Policy, Scope
from handlers.results_import import ImportedResults, ResultsFileError, ResultsRejected, import_results
from storage import queries
from storage.db import transaction
from storage.models import ContentRequest, OutboxMessage, PieceResult, RequestStatus, ResultSource, Workspace

SEO = "https://blog.example.com/seo"
CASE = "https://blog.example.com/case"


def publish(engine: Engine, number: int, url: str) -> None:
    with Session(engine) as session, session.begin():
        session.execute(
            sa.update(ContentRequest)
            .where(col(ContentRequest.number) == number)
            .values(status=RequestStatus.PUBLISHED, published_url=url, published_at=NOW)
        )


@pytest.fixture
def pieces(engine: Engine) -> tuple[int, int, int]:
    """Two published pieces and one still open."""
    seo, case, draft = (posted_request(engine, title=title) for title in ("Ten SEO tips", "Jensen case", "Draft"))
    publish(engine, seo, SEO)
    publish(engine, case, CASE)
    return seo, case, draft


def csv_bytes(lines: list[str], *, separator: str = ";", bom: bool = True) -> bytes:
    text = "\r\n".join(line.replace("|", separator) for line in lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def run(engine: Engine, data: bytes, *, name: str = "results.csv", dry_run: bool = False) -> ImportedResults:
    table = read_results_file(data, file_name=name)
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace)).one()
        scope = Scope(session=session, workspace=workspace, policy=Policy(), now=NOW)
        return import_results(scope, table, dry_run=dry_run)


def problems_of(engine: Engine, data: bytes, *, name: str = "results.csv") -> list[str]:
    before = row_counts(engine)
    with pytest.raises(ResultsRejected) as rejected:
        run(engine, data, name=name)
    assert row_counts(engine) == before
    return [plain(p) for p in rejected.value.problems]


def stored(engine: Engine) -> list[tuple[int, str, date, int, ResultSource]]:
    with Session(engine) as session:
        numbers = {r.id: r.number for r in session.exec(select(ContentRequest)).all()}
        rows = session.exec(select(PieceResult).order_by(col(PieceResult.day), col(PieceResult.metric))).all()
        return [(numbers[r.request_id], r.metric, r.day, r.value, r.source) for r in rows]


def test_a_danish_excel_csv_imports_and_importing_it_again_changes_nothing(
    engine: Engine, pieces: tuple[int, int, int]
) -> None:
    seo, case, _ = pieces
    data = csv_bytes(
        [
            "url|dato|Visninger|klik|kundeemner|Webinar-gæster",
            f"{SEO}|20-11-2026|1.200|86|3|",
            f"{SEO}/|2026-11-21|300|4||7",  # the same address with a closing /
            f"{CASE}|21.11.2026|1 000|||",
        ]
    )

    result = run(engine, data)

    assert plain(result.summary) == "Imported 7 figures for 2 pieces from results.csv."
    assert [plain(line) for line in result.lines] == [
        f"#{seo} Ten SEO tips: 1500 views · 90 clicks · 3 leads · webinar-gæster: 7",
        f"#{case} Jensen case: 1000 views",
    ]
    first = stored(engine)
    assert (seo, "views", date(2026, 11, 20), 1200, ResultSource.IMPORT) in first
    assert (case, "views", date(2026, 11, 21), 1000, ResultSource.IMPORT) in first
    assert len(first) == 7
    before = row_counts(engine)

    again = run(engine, data)

    assert plain(again.summary) == "Imported 7 figures for 2 pieces from results.csv."
    assert stored(engine) == first
    assert row_counts(engine) == before


def test_a_workbook_with_real_dates_request_numbers_and_a_saved_formula_result(
    engine: Engine, pieces: tuple[int, int, int]
) -> None:
    seo, case, _ = pieces
    data = xlsx_bytes(
        [
            ["request", "date", "views", "downloads"],
            [seo, datetime(2026, 11, 20), 1200, 5.0],
            [f"#{case}", date(2026, 11, 22), 99999999999, None],
        ]
    )

    result = run(engine, data, name="results.xlsx")

    assert plain(result.summary) == "Imported 3 figures for 2 pieces from results.xlsx."
    assert (seo, "downloads", date(2026, 11, 20), 5, ResultSource.IMPORT) in stored(engine)


def test_every_problem_is_named_by_its_cell_and_nothing_is_stored(engine: Engine, pieces: tuple[int, int, int]) -> None:
    seo, case, draft = pieces
    data = csv_bytes(
        [
            "request|url|date|views|clicks",
            f"{seo}||2026-11-20|abc|1",
            f"{draft}||2026-11-20|1|1",
            "999||2026-11-20|1|1",
            "||2026-11-20|1|1",
            "|https://nowhere.example.com/x|2026-11-20|1|1",
            f"{seo}|{CASE}|2026-11-20|1|1",
            f"{case}||31-02-2026|1|1",
            f"{case}||2026-12-24|1|1",
            f"{case}|||-4|1.5",
            f"{case}||2026-11-19|99999999999999999999|",
            f"{case}||2026-11-18||",
            f"{seo}||2026-11-21|5|5",
            f"{seo}||2026-11-21|6|5",
        ]
    )

    assert problems_of(engine, data) == [
        "D2: “abc” is not a whole number of at least 0.",
        f"A3: #{draft} is open, not published",
        "A4: there is no request #999",
        "A5: say which piece this row is about",
        "B6: no published piece has the address https://nowhere.example.com/x",
        f"B7: #{seo} was published at {SEO}, not {CASE}",
        "C8: “31-02-2026” is not a date; write it as YYYY-MM-DD or dd-mm-yyyy",
        "C9: 2026-12-24 has not come yet; import figures of days gone by",
        "C10: give the day as YYYY-MM-DD or dd-mm-yyyy",
        "D10: “-4” is not a whole number of at least 0.",
        "E10: “1.5” is not a whole number of at least 0.",
        "D11: “99999999999999999999” is too big to be a count; figures go up to 999999999999.",
        "D12: this row has no figures",
        f"A14: #{seo} on 2026-11-21 is already in row 13 with other figures; keep one of them",
    ]
    assert stored(engine) == []


def test_a_repeated_row_is_said_and_imported_once(engine: Engine, pieces: tuple[int, int, int]) -> None:
    seo, _, _ = pieces
    data = csv_bytes(["url,date,views", f"{SEO},2026-11-20,10", f"{SEO},2026-11-20,10"], separator=",", bom=False)

    result = run(engine, data)

    assert [plain(note) for note in result.notes] == ["A3: row 3 repeats row 2; it is imported once"]
    assert plain(result.summary) == "Imported 1 figure for 1 piece from results.csv."
    assert stored(engine) == [(seo, "views", date(2026, 11, 20), 10, ResultSource.IMPORT)]


@pytest.mark.parametrize(
    ("header", "problems"),
    [
        (
            "Title (draft)|when?|views",
            [
                "A1: “Title (draft)” is not a column Cobot knows nor a metric's name",
                "B1: “when?” is not a column Cobot knows nor a metric's name",
                "A1: no column says which piece a row is about; name one url (the address it was published at) or "
                "request (its number)",
                "A1: the column date is missing; give each row's day as YYYY-MM-DD",
            ],
        ),
        (
            "url|date",
            ["A1: no column of figures; add one per metric, named e.g. views, clicks, leads (or visninger, klik, …)"],
        ),
        ("url|date|views|visninger", ["D1: the column visninger appears twice (as views)"]),
        (
            "url|date|=SUM(A1)",
            [
                "C1: “=SUM(A1)” is not a column Cobot knows nor a metric's name",
                "A1: no column of figures; add one per metric, named e.g. views, clicks, leads (or visninger, klik, …)",
            ],
        ),
    ],
    ids=["unknown columns", "no metrics", "a metric twice", "a formula for a header"],
)
def test_a_wrong_header_is_said_by_cell(
    engine: Engine, pieces: tuple[int, int, int], header: str, problems: list[str]
) -> None:
    assert problems_of(engine, csv_bytes([header, f"{SEO}|2026-11-20|1|1"])) == problems


def test_formulas_without_a_saved_result_are_named_by_cell(engine: Engine, pieces: tuple[int, int, int]) -> None:
    data = xlsx_bytes([["url", "date", "views", "clicks"], [SEO, date(2026, 11, 20), "=1+1", 3]])

    assert problems_of(engine, data, name="results.xlsx") == [
        "C2: holds the formula =1+1 without a saved result; open the file in Excel and save it, or type the number"
    ]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "results.csv", "results.csv is empty. Its first row names the columns"),
        (b"\xef\xbb\xbf\r\n\r\n", "results.csv", "results.csv is empty."),
        (csv_bytes(["url|date|views"]), "results.csv", "results.csv has headers but no rows of figures below them"),
        (b"PK\x03\x04 not really", "results.xlsx", "results.xlsx could not be read (not a workbook)"),
        (b"%PDF-1.4", "results.pdf", "results.pdf is neither a .csv file nor an .xlsx workbook"),
    ],
    ids=["empty", "blank lines", "header only", "broken workbook", "a pdf"],
)
def test_files_with_nothing_to_import_are_refused_with_what_to_do(
    engine: Engine, pieces: tuple[int, int, int], data: bytes, name: str, message: str
) -> None:
    before = row_counts(engine)
    with pytest.raises(ResultsFileError) as refused:
        run(engine, data, name=name)
    assert plain(refused.value.text).startswith(message)
    assert row_counts(engine) == before


def test_a_dry_run_says_what_would_be_stored_and_stores_nothing(engine: Engine, pieces: tuple[int, int, int]) -> None:
    before = row_counts(engine)

    result = run(engine, csv_bytes(["url|date|views|clicks", f"{SEO}|2026-11-20|10|2"]), dry_run=True)

    assert plain(result.summary) == (
        "Dry run, nothing was changed: importing results.csv would store 2 figures for 1 piece."
    )
    assert row_counts(engine) == before


# --- the command an admin types -------------------------------------------------------------------------------------


@pytest.fixture
def cobot(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    config = tmp_path / "app.yaml"
    config.write_text("permissions:\n  admins: [U0ADMIN]\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("COBOT_CONFIG", raising=False)
    return ["--config", str(config)]


def test_cobot_import_results_dry_run_then_for_real_and_its_problems(
    engine: Engine,
    pieces: tuple[int, int, int],
    cobot: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = tmp_path / "figures.csv"
    good.write_bytes(csv_bytes(["url|date|views|leads", f"{SEO}|2026-11-20|1200|3", f"{CASE}|2026-11-20|40|"]))

    assert main([*cobot, "import", "results", str(good), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would store 3 figures for 2 pieces" in out
    assert stored(engine) == []

    assert main([*cobot, "import", "results", str(good)]) == 0
    out = capsys.readouterr().out
    assert "Imported 3 figures for 2 pieces from figures.csv." in out
    assert len(stored(engine)) == 3

    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx_bytes([["url", "date", "views"], [SEO, date(2026, 11, 21), "many"]]))
    assert main([*cobot, "import", "results", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "bad.xlsx: 1 problem, so nothing was imported:" in captured.err
    assert "C2: “many” is not a whole number of at least 0." in captured.err
    assert "Traceback" not in captured.out + captured.err
    assert len(stored(engine)) == 3


def test_the_help_of_import_names_both_kinds(cobot: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([*cobot, "import", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "{plan,results}" in out
    assert "import results" in out


def test_an_import_updates_the_cards_of_the_pieces_it_gave_figures_and_a_dry_run_does_not(
    engine: Engine, pieces: tuple[int, int, int]
) -> None:
    seo, case, _ = pieces
    data = csv_bytes(["url|date|views", f"{SEO}|2026-11-20|1200"])

    def refreshing() -> set[int]:
        with Session(engine) as session:
            found = session.exec(select(ContentRequest)).all()
            return {
                r.number
                for r in found
                if r.id is not None
                and queries.pending_card_refresh(session=session, workspace_id=r.workspace_id, request_id=r.id)
            }

    with Session(engine) as session, session.begin():  # the cards posted so far went out
        session.execute(sa.update(OutboxMessage).values(sent_at=NOW))
    run(engine, data, dry_run=True)
    assert refreshing() == set()
    run(engine, data)
    assert refreshing() == {seo}  # its card's "So far" line is sent again; the other piece's is not
    assert case not in refreshing()
