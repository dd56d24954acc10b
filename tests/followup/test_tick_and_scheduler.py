"""Tests for running follow-ups by hand (`cobot tick`, as cron would) and by the in-process APScheduler.

`cobot tick` is run through ``bot.entrypoints.cli.main`` against a scenario's SQLite file and its fake Slack, so the
command line, the settings from the environment, the migration check, the pass and the sender are all the real ones."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from followup_support import METTE, dm_texts, outbox

from bot.entrypoints.cli import main
from bot.runtime.scheduler import DIGEST_JOB, TICK_JOB, FollowUpScheduler
from harness import BOT_TOKEN, SlackScenario, message_text
from storage.models import OutboxMessage

REMINDER = "Friendly reminder: your draft for #1"


def outbox_size(slack: SlackScenario) -> int:
    with slack.session() as session:
        return int(session.execute(sa.select(sa.func.count()).select_from(OutboxMessage)).scalar_one())


def request_with_a_volunteer(slack: SlackScenario) -> None:
    slack.create("Ten SEO tips", due="2026-11-26")
    assert "Thank you!" in slack.command_reply("volunteer 1", user=METTE)
    slack.settle()


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, slack: SlackScenario) -> SlackScenario:
    """The environment `cobot tick` would run in next to this scenario: its database, default behaviour."""
    config = tmp_path / "app.yaml"
    config.write_text("timezone: Europe/Copenhagen\n", encoding="utf-8")
    monkeypatch.setenv("COBOT_CONFIG", str(config))
    monkeypatch.setenv("DATABASE_URL", slack.service.cobot.settings.env.database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "SLACK_API_URL"):
        monkeypatch.delenv(name, raising=False)
    return slack


def test_tick_dry_run_shows_what_would_be_queued_and_changes_nothing(
    cli_env: SlackScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    slack = cli_env
    request_with_a_volunteer(slack)
    before = outbox_size(slack)

    assert main(["tick", "--dry-run", "--at", "2026-11-23T09:30+01:00"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-23T09:30:00+01:00: would queue 1 message(s) in 1 workspace(s)" in out
    assert "  remind:draft: 1" in out
    assert "sent" not in out
    assert outbox_size(slack) == before
    assert outbox(slack, "remind:") == []

    assert main(["tick", "--dry-run", "--at", "2026-11-22T09:30+01:00"]) == 0  # the Sunday before: nothing due
    assert "would queue 0 message(s)" in capsys.readouterr().out


def test_tick_queues_and_sends_through_the_web_api(
    cli_env: SlackScenario, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    slack = cli_env
    request_with_a_volunteer(slack)
    slack.service.sender.stop()  # only the command's own sender may deliver now
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.fake.api_url)

    assert main(["tick", "--at", "2026-11-23T09:30+01:00"]) == 0
    out = capsys.readouterr().out
    assert "queued 1 message(s) in 1 workspace(s)" in out
    assert "sent 1 message(s) now" in out
    [reminder] = dm_texts(slack, METTE, REMINDER)
    assert "(3 days to go)" in reminder
    [row] = outbox(slack, "remind:draft:")
    assert row.sent_at is not None

    assert main(["tick", "--at", "2026-11-23T10:30+01:00"]) == 0  # run again by cron an hour later
    assert "queued 0 message(s)" in capsys.readouterr().out
    assert len(dm_texts(slack, METTE, REMINDER)) == 1


def test_tick_without_a_bot_token_is_refused_naming_it(
    cli_env: SlackScenario, capsys: pytest.CaptureFixture[str]
) -> None:
    request_with_a_volunteer(cli_env)
    before = outbox_size(cli_env)

    assert main(["tick", "--at", "2026-11-23T09:30+01:00"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("cobot: SLACK_BOT_TOKEN is not set")
    assert err.count("\n") == 1
    assert outbox_size(cli_env) == before


def test_the_scheduler_ticks_at_start_with_stable_job_ids_in_the_configured_zone(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"timezone": "Europe/Berlin"})
    request_with_a_volunteer(slack)
    assert dm_texts(slack, METTE, REMINDER) == []

    scheduler = FollowUpScheduler(slack.service.cobot, tick_seconds=5, digest_cron="0 9 * * mon")
    started = time.monotonic()
    scheduler.start()
    try:
        slack.fake.wait_for("chat.postMessage", lambda c: REMINDER in str(c.params.get("text")), timeout=6)
        assert time.monotonic() - started < 6
        jobs = {job.id: job for job in scheduler._scheduler.get_jobs()}
        assert set(jobs) == {TICK_JOB, DIGEST_JOB} == {"cobot-tick", "cobot-digest"}
        berlin = ZoneInfo("Europe/Berlin")
        assert jobs[TICK_JOB].trigger.timezone == berlin
        assert jobs[DIGEST_JOB].trigger.timezone == berlin
        assert str(jobs[DIGEST_JOB].trigger) == "cron[month='*', day='*', day_of_week='mon', hour='9', minute='0']"
        assert jobs[DIGEST_JOB].next_run_time.tzinfo == berlin
    finally:
        scheduler.stop()
    assert not scheduler._scheduler.running
    assert len(dm_texts(slack, METTE, REMINDER)) == 1


def test_a_one_shot_tick_waits_for_a_post_paced_behind_another_in_the_same_channel(
    cli_env: SlackScenario, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    slack = cli_env
    request_with_a_volunteer(slack)
    slack.service.sender.stop()
    config = tmp_path / "app.yaml"
    config.write_text(
        "timezone: Europe/Copenhagen\n"
        "digest: {channel: C0DIGEST, cron: '0 9 * * mon'}\n"
        "publishing: {slots: [{name: LinkedIn, weekdays: [thu], time: '10:00'}]}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack.fake.api_url)

    # Monday 09:30: the digest and the empty-slot warning both go to C0DIGEST, a second apart (Slack's pace).
    assert main(["tick", "--at", "2026-11-23T09:30+01:00"]) == 0
    out = capsys.readouterr().out
    assert "  digest: 1" in out and "  warn:emptyslot: 1" in out
    posts = slack.fake.messages("C0DIGEST")
    assert len(posts) == 2, [message_text(m) for m in posts]
    assert "sent 3 message(s) now" in out  # and the draft reminder DM
