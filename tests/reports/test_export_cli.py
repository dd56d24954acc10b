"""The admin commands as an admin types them: ``cobot export`` (report.xlsx with --from/--to, calendar.ics), ``cobot
import`` (--template, --dry-run, problems, unreadable files) and ``cobot calendar-url`` (--rotate, --person,
--base-url), run through ``bot.entrypoints.cli.main`` against a real SQLite database, with the workspace chosen by
--workspace or found alone.
Every refusal is a message and an exit code, never a traceback."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import icalendar
import pytest
from factories import row_counts
from openpyxl import load_workbook
from reports_support import (
    add_two_departments,
    make_members,
    publish_podcast_with_results,
    rows,
    seed_history,
    set_people,
)
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.entrypoints.cli import main
from storage.models import ContentRequest, Workspace

CONFIG = """\
permissions:
  admins: [U0ADMIN]
publishing:
  slots:
    - {name: LinkedIn, weekdays: [tue], time: "10:00"}
"""


@pytest.fixture
def cobot(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """``cobot --config …`` on the test database; append the command and its arguments."""
    config = tmp_path / "app.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.delenv("COBOT_CONFIG", raising=False)
    return ["--config", str(config)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_export_writes_a_report_for_a_period(
    engine: Engine, cobot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = seed_history(engine)
    target = tmp_path / "report.xlsx"

    code, out, _ = run([*cobot, "export", str(target), "--from", "2026-11-01", "--to", "2026-11-30"], capsys)

    assert code == 0
    assert out.strip() == f"Wrote {target}: 3 requests, 5 contributions and 4 slots for 2026-11."
    workbook = load_workbook(target)
    assert [r["ID"] for r in rows(workbook, "Requests")] == [history.ebook, history.case, history.video]
    assert not list(tmp_path.glob(".report.xlsx.*"))  # no temporary file left behind


def test_export_writes_the_yield_departments_and_silo_map_sheets_in_the_workspace_s_language(
    engine: Engine, cobot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = seed_history(engine)
    podcast = add_two_departments(engine)
    publish_podcast_with_results(engine, podcast, history.ebook)
    target = tmp_path / "report.xlsx"

    code, _, _ = run([*cobot, "export", str(target), "--from", "2026-12-01", "--to", "2026-12-31"], capsys)

    assert code == 0
    workbook = load_workbook(target)
    assert workbook.sheetnames[-3:] == ["Yield", "Departments", "Silo map"]
    pieces = rows(workbook, "Yield")
    assert [(r["ID"], r["Views"], r["Departments involved"]) for r in pieces] == [
        (history.ebook, 1230, "Marketing, Sales, Support"),
        (podcast, 400, "Product, Finance, HR"),
    ]
    assert {r["Department"]: r["Published pieces"] for r in rows(workbook, "Departments")}["Sales"] == 1
    assert workbook["Silo map"].oddHeader.center.text == "Silo map · for 2026-12"  # the period on every page

    danish = Path(cobot[1])
    danish.write_text(CONFIG + "languages:\n  default: da\n", encoding="utf-8")
    code, _, _ = run([*cobot, "export", str(target)], capsys)
    assert code == 0
    workbook = load_workbook(target)
    assert workbook.sheetnames[-3:] == ["Udbytte", "Afdelinger", "Silokort"]
    assert [r["Visninger"] for r in rows(workbook, "Udbytte")] == [1230, 400]


def test_export_writes_the_calendar_and_refuses_other_kinds(
    engine: Engine, cobot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(engine)
    target = tmp_path / "calendar.ics"

    code, out, _ = run([*cobot, "export", str(target)], capsys)

    assert code == 0
    assert out.startswith(f"Wrote {target}: ")
    calendar = icalendar.Calendar.from_ical(target.read_bytes())
    assert str(calendar["X-WR-CALNAME"]) == "Cobot publishing calendar"
    assert len(list(calendar.walk("VEVENT"))) >= 1

    code, _, err = run([*cobot, "export", str(tmp_path / "report.csv")], capsys)
    assert code == 2
    assert "Cobot exports Excel reports (.xlsx) and calendars (.ics)" in err
    code, _, err = run(
        [*cobot, "export", str(tmp_path / "r.xlsx"), "--from", "2026-12-01", "--to", "2026-11-01"], capsys
    )
    assert code == 2
    assert "--from 2026-12-01 is after --to 2026-11-01" in err


def test_the_workspace_is_the_only_one_or_named(
    engine: Engine, cobot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = str(tmp_path / "report.xlsx")
    code, _, err = run([*cobot, "export", target], capsys)
    assert code == 1
    assert "There is no workspace in the database yet" in err

    seed_history(engine)
    from factories import run_as

    run_as(engine, "U0OTHER", lambda ctx: None, workspace="T2")
    code, _, err = run([*cobot, "export", target], capsys)
    assert code == 1
    assert "Several workspaces are in the database (T1 (slack), T2 (slack)); pick one with --workspace." in err
    code, out, _ = run([*cobot, "export", target, "--workspace", "T2"], capsys)
    assert code == 0
    assert "0 requests" in out
    code, _, err = run([*cobot, "export", target, "--workspace", "T9"], capsys)
    assert code == 1
    assert "There is no workspace T9 in the database" in err


def test_calendar_url_prints_the_address_and_rotate_replaces_it(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(engine)

    code, first, _ = run([*cobot, "calendar-url"], capsys)
    _, again, _ = run([*cobot, "calendar-url"], capsys)
    code_rotated, rotated, _ = run([*cobot, "calendar-url", "--rotate"], capsys)

    assert code == code_rotated == 0
    path = first.split(": ", 1)[1].splitlines()[0]
    assert path.startswith("/calendar/") and path.endswith(".ics")
    assert again != first  # only a hash is kept: each run makes a new address
    assert path not in rotated
    assert "The previous calendar address no longer works" in rotated


def test_calendar_url_for_a_person_with_the_public_address_in_front(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    seed_history(engine)

    code, out, _ = run(
        [*cobot, "calendar-url", "--person", "U0CARL", "--base-url", "https://cobot.example.com/"], capsys
    )
    code_unknown, _, err = run([*cobot, "calendar-url", "--person", "U0NOBODY"], capsys)
    with pytest.raises(SystemExit):
        main([*cobot, "calendar-url", "--base-url", "cobot.example.com"])
    usage = capsys.readouterr().err
    with pytest.raises(SystemExit):
        main([*cobot, "calendar-url", "--help"])
    help_text = capsys.readouterr().out

    assert code == 0
    first = out.splitlines()[0]
    assert first.startswith(
        "Calendar feed of Carl in T1 (their own deadlines and slots): https://cobot.example.com/calendar/"
    )
    assert first.endswith(".ics")
    assert "it cannot be shown again" in out
    assert "Put the public address" not in out  # the whole address is printed already
    assert code_unknown == 1
    assert "U0NOBODY is not known in T1" in err
    assert "is not a web address" in usage
    assert "each run makes another" in " ".join(help_text.split())
    assert "--person" in help_text


def test_import_template_dry_run_and_import(
    engine: Engine, cobot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_members(engine, "U0OWNER", "U0ADMIN")
    set_people(engine, {"U0OWNER": ("Mette Ørsted", "Marketing", "mette@example.com")})
    plan = tmp_path / "plan.xlsx"
    code, out, _ = run([*cobot, "import", "--template", str(plan)], capsys)
    assert code == 0
    assert out.startswith(f"Wrote the content-plan template {plan}.")

    deadline = date.today() + timedelta(days=30)
    workbook = load_workbook(plan)
    for column, value in enumerate(
        [None, "Nyt fra kundeservice", "", "post", "", "", 1, deadline, "mette@example.com", "C0MARKETING", ""],
        start=1,
    ):
        workbook["Plan"].cell(row=3, column=column, value=value)
    workbook.save(plan)
    before = row_counts(engine)

    code, out, _ = run([*cobot, "import", "--dry-run", str(plan)], capsys)
    assert code == 0
    assert "would add 1 request and 0 slots" in out
    assert row_counts(engine) == before

    code, out, _ = run([*cobot, "import", str(plan)], capsys)
    assert code == 0
    assert f"Plan!B3: #1 “Nyt fra kundeservice” · due {deadline} · owner mette@example.com" in out
    code, out, _ = run([*cobot, "import", str(plan)], capsys)
    assert code == 0
    assert "Plan!B3: already imported as #1" in out
    with Session(engine) as session:
        assert len(session.exec(select(ContentRequest)).all()) == 1


def test_import_reports_problems_and_unreadable_files_without_a_traceback(
    engine: Engine, cobot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_members(engine, "U0OWNER")
    plan = tmp_path / "plan.xlsx"
    run([*cobot, "import", "--template", str(plan)], capsys)
    workbook = load_workbook(plan)
    workbook["Plan"].cell(row=3, column=2, value="Broken")
    workbook["Plan"].cell(row=3, column=8, value="2026-13-01")
    workbook["Plan"].cell(row=3, column=9, value="U0OWNER")
    workbook.save(plan)

    code, _out, err = run([*cobot, "import", str(plan)], capsys)
    assert code == 1
    assert err.splitlines() == [
        "plan.xlsx: 1 problem, so nothing was imported:",
        "Plan!H3: deadline 2026-13-01 is not a date; write it as YYYY-MM-DD",
    ]

    csv = tmp_path / "renamed.xlsx"
    csv.write_text("Title,Deadline,Owner\nTips,2026-12-01,U0OWNER\n", encoding="utf-8")
    code, _, err = run([*cobot, "import", str(csv)], capsys)
    assert code == 1
    assert err.startswith("renamed.xlsx is a CSV text file, not an Excel workbook.")

    code, _, err = run([*cobot, "import", str(tmp_path / "missing.xlsx")], capsys)
    assert code == 1
    assert "cannot read" in err
    with Session(engine) as session:
        assert session.exec(select(Workspace)).one().external_id == "T1"
        assert session.exec(select(ContentRequest)).all() == []


@pytest.mark.parametrize("command", [["export", "report.xlsx"], ["calendar-url"], ["import", "plan.xlsx"]])
def test_a_missing_database_file_is_refused_not_created(
    command: list[str], sqlite_url: str, cobot: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A mistyped DATABASE_URL must not give an empty report from a new, empty database (issue 14.27)."""
    database = Path(sqlite_url.removeprefix("sqlite:///"))
    if command[0] == "import":
        run([*cobot, "import", "--template", str(tmp_path / "plan.xlsx")], capsys)
    argv = [*cobot, *command[:1], *(str(tmp_path / name) for name in command[1:])]

    code, out, err = run(argv, capsys)

    assert code == 1
    assert err.strip().splitlines() == [
        f"cobot {command[0]}: there is no database at {database}; set DATABASE_URL to Cobot's database "
        "(nothing was changed)"
    ]
    assert out == ""
    assert not database.exists()
    assert not (tmp_path / "report.xlsx").exists()
