"""The tour's yield: the published case (#4) shows its clicks on its card, in Monday's digest with the views Mette
typed and the line on departments working together, and in the report the console writes (its Yield sheet); the
demo's departments come from the people's profiles, as `/cocreate whoami` says."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from bot.console import run_console
from bot.runtime.config import load_settings

ROOT = Path(__file__).resolve().parents[2]
TOUR = ROOT / "examples" / "tour.txt"
CASE = "#4 Kundecase: Sådan sparer Jensen Transport 20 % på fragten"


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    """The shipped tour through the real CLI from a pipe, writing its files into a folder of the test's own."""
    files = tmp_path_factory.mktemp("files")
    result = subprocess.run(
        [sys.executable, "-m", "bot.entrypoints.cli", "console", "--demo", "--files", str(files)],
        input=TOUR.read_text(encoding="utf-8"),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stdout + result.stderr and "went wrong" not in result.stdout
    return result.stdout, files


def between(transcript: str, start: str, end: str) -> str:
    assert start in transcript, start
    return transcript.split(start, 1)[1].split(end, 1)[0]


def test_the_cards_results_have_the_clicks_and_the_typed_views(tour: tuple[str, Path]) -> None:
    transcript, _ = tour
    saved = between(transcript, "> /cocreate results 4 views:1200", "> :as soeren")
    assert f"Saved. {CASE} so far: 2 clicks on its Cobot link · 1200 views · 6 comments · 45 reactions" in saved
    card = between(transcript, "> /cocreate results 4 views:1200", "It is now Mon 30 Nov 2026 09:00.")
    assert "(edited)" in card and "So far 2 clicks on its Cobot link · 1200 views" in card


def test_whoami_says_the_department_comes_from_the_profile(tour: tuple[str, Path]) -> None:
    transcript, _ = tour
    answer = between(transcript, "soeren@#marketing> /cocreate whoami", "soeren@#marketing> :as mette")
    assert "Department: Salg (from your Slack profile)" in answer
    assert "• your Slack profile: Salg ← this one counts" in answer
    assert "• an import: nothing" in answer


def test_mondays_digest_gives_the_cases_clicks_and_the_departments_it_crossed(tour: tuple[str, Path]) -> None:
    transcript, _ = tour
    digest = between(transcript, "Co-creation this week (Mon 30 Nov 2026)", "> /cocreate report")
    published = digest.split("Published last week", 1)[1]
    assert f"{CASE} · https://www.linkedin.com/posts/jensen-transport-case · thanks to @Søren Dahl" in published
    # The results sit under the piece, indented as part of the digest's message.
    assert "\n  So far: 2 clicks on its Cobot link · 1200 views · 6 comments · 45 reactions" in published
    assert (
        f"Across departments: 1 piece published this month was made by people from more than one department: {CASE} "
        "(Marketing, Salg). Working together for the first time: Marketing and Salg." in digest
    )


def test_the_report_is_written_where_the_console_says_with_the_case_on_its_yield_sheet(
    tour: tuple[str, Path],
) -> None:
    transcript, files = tour
    path = files / "cobot-report-all.xlsx"
    answer = between(transcript, "mette@#marketing> /cocreate report", "mette@#marketing>")
    assert f"Your report so far is written to `{path}` (4 requests, 7 contributions)." in answer
    assert "In Slack I would send it to you in a DM." in answer

    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = list(workbook["Yield"].iter_rows(values_only=True))
    header, case = rows[0], rows[1]
    assert len(rows) == 2
    row = dict(zip(header, case, strict=True))
    assert row["ID"] == 4
    assert row["Departments involved"] == "Marketing, Salg"
    assert row["Contributors"] == "Søren Dahl"
    assert row["Clicks on Cobot link"] == 2
    assert row["Views"] == 1200
    departments = {r[0]: r for r in workbook["Departments"].iter_rows(min_row=2, values_only=True)}
    assert set(departments) == {"HR", "Kundeservice", "Marketing", "Salg", "Udvikling"}
    workbook.close()


def test_someone_without_requests_gets_no_report_file(tmp_path: Path) -> None:
    out = io.StringIO()
    script = io.StringIO(":as lars\n/cocreate report\n/cocreate report 2026-13\n")
    code = run_console(
        load_settings(None, {}), demo=True, database=None, start=None, stdin=script, stdout=out, files=tmp_path
    )
    assert code == 0
    transcript = out.getvalue()
    assert "written to" not in transcript
    assert "Reports are for request owners and admins, and you don't own a request so far." in transcript
    assert "Try `/cocreate report` for everything so far, or `/cocreate report 2026-11` for one month." in transcript
    assert list(tmp_path.iterdir()) == []


def test_without_a_folder_the_report_goes_to_a_temporary_one_that_outlives_the_console() -> None:
    out = io.StringIO()
    code = run_console(
        load_settings(None, {}),
        demo=True,
        database=None,
        start=None,
        stdin=io.StringIO("/cocreate report\n"),
        stdout=out,
    )
    assert code == 0
    [written] = re.findall(r"written to `([^`]+)`", out.getvalue())
    path = Path(written)
    try:
        assert path.parent.name.startswith("cobot-console-files-") and path.name == "cobot-report-all.xlsx"
        workbook = openpyxl.load_workbook(path, read_only=True)
        assert "Yield" in workbook.sheetnames
        workbook.close()
    finally:
        shutil.rmtree(path.parent, ignore_errors=True)
