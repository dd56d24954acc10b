"""Results in the console: the owner types a published piece's figures; `results <id>` alone and the card's "Add
results" answer how to type them (the console has no forms); anyone else is refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_console(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "bot.entrypoints.cli", "console", *args]
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)


def test_results_in_the_console() -> None:
    script = "\n".join(
        [
            "/cocreate new Ti tips due:2026-12-30",
            "/cocreate published 4 https://blog.example.com/ti",
            "/cocreate results 4",
            "/cocreate resultater 4 visninger:1.200 klik:8",
            ":press Add results #4",
            ":as anne",
            "/cocreate results 4 views:3",
        ]
    )
    result = run_console(script, "--demo")
    out = result.stdout
    assert result.returncode == 0, result.stderr
    assert "Add results" in out
    assert out.count("Name the published request and its figures so far: `/cocreate results 4 views:1200") == 2
    assert "Saved. #4 Ti tips so far: 1200 views · 8 clicks" in out
    assert "Only the request's owner (@Mette Ørsted) or an admin can give the results of #4." in out
    assert "Traceback" not in out + result.stderr
