"""``cobot analytics poll``: one poll by hand, as the daily job does it, printing what it stored; a refused key or
a day not over yet is said in one line, with the exit code, and the key is never printed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from analytics_support import KEY, SITE, polled, published_piece
from fake_plausible import FakePlausible
from sqlalchemy import Engine

from bot.entrypoints.cli import build_parser, main
from storage.clock import utcnow

PAGE = "/blog/seo-tips"


@pytest.fixture
def fake() -> Iterator[FakePlausible]:
    with FakePlausible(key=KEY, site_id=SITE) as server:
        yield server


@pytest.fixture
def cobot(sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake: FakePlausible) -> list[str]:
    """``cobot --config …`` with analytics pointed at the fake, on the test database."""
    config = tmp_path / "app.yaml"
    config.write_text(
        f"timezone: Europe/Copenhagen\nanalytics:\n  base_url: {fake.base_url}\n  site_id: {SITE}\n"
        "  timeout_seconds: 2\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    monkeypatch.setenv("PLAUSIBLE_API_KEY", KEY)
    monkeypatch.delenv("COBOT_CONFIG", raising=False)
    return ["--config", str(config)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert KEY not in out + err
    return code, out, err


def _today() -> datetime:
    return utcnow().astimezone(ZoneInfo("Europe/Copenhagen"))


def test_a_poll_by_hand_prints_what_it_stored_and_polling_again_changes_nothing(
    engine: Engine, cobot: list[str], fake: FakePlausible, capsys: pytest.CaptureFixture[str]
) -> None:
    today = _today().date()
    number = published_piece(engine, url=f"https://{SITE}{PAGE}", at=utcnow() - timedelta(days=3))
    published_piece(engine, url="https://www.linkedin.com/posts/x", at=utcnow() - timedelta(days=3), title="Post")
    fake.seen(PAGE, today - timedelta(days=2), pageviews=12, visitors=9)
    fake.seen(PAGE, today - timedelta(days=1), pageviews=3, visitors=2)

    code, out, err = run([*cobot, "analytics", "poll"], capsys)

    assert (code, err) == (0, "")
    start, end = today - timedelta(days=3), today - timedelta(days=1)
    assert out.splitlines() == [
        f"#{number} https://{SITE}{PAGE} ({start} to {end}): views 15, visitors 11",
        f"Workspace T1: stored 4 figures from {SITE} for 1 published piece.",
        "1 piece published on another site was left alone.",
    ]
    first = polled(engine, number)
    assert len(first) == 4
    code, again, _ = run([*cobot, "analytics", "poll"], capsys)
    assert code == 0 and f"#{number}" in again
    assert polled(engine, number) == first


def test_one_day_can_be_asked_for_again_but_not_today(
    engine: Engine, cobot: list[str], fake: FakePlausible, capsys: pytest.CaptureFixture[str]
) -> None:
    today = _today().date()
    yesterday = today - timedelta(days=1)
    published_piece(engine, url=f"https://{SITE}{PAGE}", at=utcnow() - timedelta(days=5))

    code, out, err = run([*cobot, "analytics", "poll", "--day", today.isoformat()], capsys)
    assert (code, out) == (2, "")
    assert err == f"--day {today} is not over yet; poll a day before today ({today}).\n"
    assert fake.requests == []

    code, out, _ = run([*cobot, "analytics", "poll", "--day", yesterday.isoformat()], capsys)
    assert code == 0
    assert fake.queries()[0]["date_range"] == [yesterday.isoformat(), yesterday.isoformat()]
    assert out == f"Workspace T1: {SITE} had no figures yet for 1 published piece.\n"


def test_a_refused_key_is_reported_in_one_line_with_exit_code_1_and_nothing_stored(
    engine: Engine,
    cobot: list[str],
    fake: FakePlausible,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    number = published_piece(engine, url=f"https://{SITE}{PAGE}", at=utcnow() - timedelta(days=2))
    fake.seen(PAGE, _today().date() - timedelta(days=1), pageviews=3)
    monkeypatch.setenv("PLAUSIBLE_API_KEY", "an-old-revoked-key")

    code, out, err = run([*cobot, "analytics", "poll"], capsys)

    assert (code, out) == (1, "")
    assert err.startswith("Workspace T1: nothing was stored (127.0.0.1:")
    assert "refused the API key for example.com (HTTP 401: Invalid API key or site ID." in err
    assert "an-old-revoked-key" not in err
    assert err.endswith("The daily poll asks for these days again.\n")
    assert polled(engine, number) == {}


def test_a_missing_key_or_workspace_is_said_in_one_line(
    engine: Engine, cobot: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    published_piece(engine, url=f"https://{SITE}{PAGE}", at=utcnow() - timedelta(days=2))
    code, _, err = run([*cobot, "analytics", "poll", "--workspace", "T9"], capsys)
    assert code == 1
    assert err == "There is no workspace T9 in the database; known: T1 (slack).\n"

    monkeypatch.delenv("PLAUSIBLE_API_KEY")
    code, _, err = run([*cobot, "analytics", "poll"], capsys)
    assert code == 2
    assert err.startswith("cobot: PLAUSIBLE_API_KEY is not set, but app.yaml names an analytics server")
    assert err.count("\n") == 1


def test_the_command_is_listed_in_the_help() -> None:
    parser = build_parser()
    assert "analytics" in parser.format_help()
    with pytest.raises(SystemExit):
        parser.parse_args(["analytics"])  # an action is needed
    args = parser.parse_args(["analytics", "poll", "--day", "2026-12-01"])
    assert str(args.day) == "2026-12-01"
    assert datetime(2026, 12, 1, tzinfo=UTC).date() == args.day


def test_without_an_analytics_section_the_command_says_how_to_set_it_up(
    sqlite_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "app.yaml"
    config.write_text("timezone: UTC\n", encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", sqlite_url)
    code, out, err = run(["--config", str(config), "analytics", "poll"], capsys)
    assert (code, out) == (2, "")
    assert err == "cobot: analytics is not set up: add an analytics: section to app.yaml (see README, 'Analytics')\n"
