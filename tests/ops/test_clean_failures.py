"""A start that cannot work ends with one line saying what is wrong and what to set, and a non-zero exit: the real
``cobot`` script in a process of its own, as an admin runs it. Never a traceback, never a secret."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from ops_support import environment, free_port, run_cobot

from fake_slack import FakeSlack
from harness import BOT_TOKEN, SIGNING_SECRET


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=BOT_TOKEN) as server:
        yield server


def one_line(result: object) -> str:
    stderr = str(getattr(result, "stderr", "")).strip()
    assert getattr(result, "returncode", 0) != 0
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("cobot: ")
    return lines[0]


def test_version(tmp_path: Path) -> None:
    result = run_cobot(tmp_path, environment(tmp_path), "--version")
    assert result.returncode == 0
    assert result.stdout.strip() == "cobot 0.1.0"


def test_a_database_nobody_listens_on(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://cobot:hunter2secret@127.0.0.1:{free_port()}/cobot"
    line = one_line(run_cobot(tmp_path, environment(tmp_path, DATABASE_URL=url), "migrate"))
    assert "the database at DATABASE_URL=postgresql+psycopg://cobot:***@127.0.0.1:" in line
    assert "does not answer" in line and "Connection refused" in line
    assert "hunter2secret" not in line


def test_a_database_that_does_not_exist(tmp_path: Path, postgres_url: str) -> None:
    url = postgres_url.split("?")[0].rsplit("/", 1)[0] + "/no_such_database_here"
    line = one_line(run_cobot(tmp_path, environment(tmp_path, DATABASE_URL=url), "migrate"))
    assert "does not answer" in line and "no_such_database_here" in line


def test_a_database_url_that_is_not_one(tmp_path: Path) -> None:
    line = one_line(run_cobot(tmp_path, environment(tmp_path, DATABASE_URL="cobot.db"), "migrate"))
    assert "DATABASE_URL=cobot.db is not a database URL" in line
    assert "sqlite:///" in line  # an example of one


def test_serve_with_a_token_slack_rejects(tmp_path: Path, fake: FakeSlack) -> None:
    env = environment(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-0000-not-the-right-one",
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
    )
    line = one_line(run_cobot(tmp_path, env, "serve", "--port", str(free_port())))
    assert "SLACK_BOT_TOKEN" in line and "invalid_auth" in line and "OAuth & Permissions" in line
    assert "xoxb-0000-not-the-right-one" not in line


def test_serve_with_a_slack_api_url_nobody_answers_on(tmp_path: Path) -> None:
    api = f"http://127.0.0.1:{free_port()}/api/"
    env = environment(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=api)
    line = one_line(run_cobot(tmp_path, env, "serve", "--port", str(free_port())))
    assert f"SLACK_API_URL={api}: Slack's Web API does not answer there" in line
    assert BOT_TOKEN not in line


def test_serve_with_a_slack_api_url_that_is_not_slack(tmp_path: Path, fake: FakeSlack) -> None:
    env = environment(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.base_url + "/not-the-api/",
    )
    line = one_line(run_cobot(tmp_path, env, "serve", "--port", str(free_port())))
    assert "SLACK_API_URL=" in line and "not Slack's Web API" in line


def test_a_log_format_that_does_not_exist(tmp_path: Path) -> None:
    line = one_line(run_cobot(tmp_path, environment(tmp_path, LOG_FORMAT="xml"), "migrate"))
    assert "LOG_FORMAT='xml'" in line and "json" in line
