"""What ``cobot serve`` loads before it answers: a start on a database already at head imports neither openpyxl
(Excel reports and plans) nor Alembic (migrations), so no gunicorn process carries them. The report itself still
arrives as a real workbook: tests/reports/test_report_command.py builds one through the whole app."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage.db import make_engine
from storage.migrate import head_revision, scripted_head, upgrade_to_head

# The arbiter's part of `cobot serve` (bot.entrypoints.cli, bot.entrypoints.server.serve: imports, then
# upgrade_to_head), then a worker's (CobotServer.load builds the Slack service), then one health check through the
# WSGI app the worker serves.
SERVE_START = """\
import sys
import bot.entrypoints.cli
from bot.runtime.config import load_settings
from bot.entrypoints.server import CobotServer
from storage.db import make_engine
from storage.migrate import upgrade_to_head

url = sys.argv[1]
engine = make_engine(url)
upgrade_to_head(engine)
engine.dispose()
settings = load_settings(None, {"DATABASE_URL": url})
app = CobotServer(settings, token="xoxb-test", signing_secret="test-secret", options={}).load()
statuses = []
body = b"".join(app({"PATH_INFO": "/healthz", "REQUEST_METHOD": "GET"}, lambda status, _: statuses.append(status)))
assert statuses == ["200 OK"] and body == b'{"ok": true}', (statuses, body)
print(sorted({m.split(".")[0] for m in sys.modules} & {"openpyxl", "alembic", "slack_bolt"}))
"""


def start_like_serve(tmp_path: Path, url: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", SERVE_START, url],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_serve_start_on_a_migrated_database_loads_neither_openpyxl_nor_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cobot.db"
    engine = make_engine(url)
    upgrade_to_head(engine)
    engine.dispose()

    assert start_like_serve(tmp_path, url) == "['slack_bolt']"


def test_a_serve_start_on_a_new_database_migrates_it_with_alembic(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/cobot.db"

    assert start_like_serve(tmp_path, url) == "['alembic', 'slack_bolt']"
    assert start_like_serve(tmp_path, url) == "['slack_bolt']"  # the next start finds it at head


def test_the_head_read_from_the_scripts_is_alembics_head() -> None:
    assert scripted_head() == head_revision()
