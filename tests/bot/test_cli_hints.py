"""What the command line tells a person who got something slightly wrong (issue 14.27): a plain file for the
console's ``--db``, and a start without Slack secrets that names the command that serves Slack."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bot.entrypoints.server import NOT_CONNECTED

ROOT = Path(__file__).resolve().parents[2]


def cobot(*args: str, cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.entrypoints.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        check=False,
    )


def test_console_takes_a_plain_file_for_db_and_keeps_the_workspace_there(tmp_path: Path) -> None:
    first = cobot("console", "--demo", "--db", "demo.db", cwd=tmp_path, stdin="/cocreate volunteer 3\n")
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stdout + first.stderr
    assert "Thank you! You're on #3" in first.stdout
    assert (tmp_path / "demo.db").is_file()

    again = cobot("console", "--demo", "--db", "demo.db", cwd=tmp_path, stdin="/cocreate list\n")
    assert again.returncode == 0, again.stderr
    # The same workspace, not seeded twice: the three demo requests, with Mette on the blog post from last time.
    assert "Open requests (3)" in again.stdout
    assert "#3 Blogindlæg: Sådan bryder vi siloerne mellem salg og support · due Fri 27 Nov 2026 · 1/2" in again.stdout


def test_console_refuses_a_db_that_is_neither_a_file_nor_a_url_in_one_line(tmp_path: Path) -> None:
    result = cobot("console", "--db", "nosuch+driver://somewhere", cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "argument --db: 'nosuch+driver://somewhere' is neither a file name nor a database URL" in result.stderr


def test_the_not_connected_hint_says_to_start_cobot_serve_not_the_console() -> None:
    hint = NOT_CONNECTED.format(host="127.0.0.1", port=3000)
    step = next(line for line in hint.splitlines() if line.strip().startswith("3."))
    assert "cobot serve" in step
    assert "make run" not in hint  # `make run` opens the console, not Slack's endpoint
