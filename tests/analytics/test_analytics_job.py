"""The daily analytics job: registered with its stable id at ``analytics.poll_at`` in the workspace's time zone,
run by APScheduler itself (a process started after that time catches up soon after it starts), and absent without
an ``analytics:`` section."""

from __future__ import annotations

import time as clock
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from analytics_support import KEY, SITE, analytics_cobot, analytics_settings, polled, published_piece
from factories import MutableClock
from fake_plausible import FakePlausible
from sqlalchemy import Engine

from bot.runtime.analytics import AnalyticsPoller
from bot.runtime.cobot import create_app
from bot.runtime.scheduler import ANALYTICS_CATCH_UP_SECONDS, ANALYTICS_JOB, DIGEST_JOB, TICK_JOB, FollowUpScheduler

NOW = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)


@pytest.fixture
def fake() -> Iterator[FakePlausible]:
    with FakePlausible(key=KEY, site_id=SITE) as server:
        yield server


def test_the_job_is_registered_with_its_id_at_the_poll_time_in_the_workspace_zone(
    engine: Engine, fake: FakePlausible
) -> None:
    cobot, poller = analytics_cobot(engine, fake.base_url, MutableClock(NOW), poll_at="06:30")
    scheduler = FollowUpScheduler(cobot, tick_seconds=3600, digest_cron="0 9 * * mon", analytics=poller)
    scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler._scheduler.get_jobs()}
        assert set(jobs) == {TICK_JOB, DIGEST_JOB, ANALYTICS_JOB}
        assert ANALYTICS_JOB == "cobot-analytics"
        copenhagen = ZoneInfo("Europe/Copenhagen")
        job = jobs[ANALYTICS_JOB]
        assert job.trigger.timezone == copenhagen
        assert str(job.trigger) == "cron[hour='6', minute='30']"  # every day at 06:30
        assert job.next_run_time.tzinfo == copenhagen
        now = datetime.now(copenhagen)
        if now.time() >= poller.at:  # started after today's poll time: it catches up soon
            assert job.next_run_time <= now + timedelta(seconds=ANALYTICS_CATCH_UP_SECONDS + 1)
        else:
            assert (job.next_run_time.date(), job.next_run_time.hour, job.next_run_time.minute) == (now.date(), 6, 30)
    finally:
        scheduler.stop()


def test_without_an_analytics_section_there_is_no_analytics_job(engine: Engine) -> None:
    from bot.runtime.config import Behaviour, Environment, Settings

    settings = Settings(behaviour=Behaviour(), env=Environment(database_url="sqlite://"))
    assert AnalyticsPoller.from_settings(settings) is None
    cobot = create_app(settings, engine=engine)
    scheduler = FollowUpScheduler(cobot, tick_seconds=3600, digest_cron="0 9 * * mon", analytics=None)
    assert {job.id for job in scheduler._scheduler.get_jobs()} == {TICK_JOB, DIGEST_JOB}


def test_apscheduler_runs_the_poll_and_it_stores_the_figures(engine: Engine, fake: FakePlausible) -> None:
    number = published_piece(engine, url=f"https://{SITE}/blog/seo-tips", at=datetime(2026, 11, 20, 9, tzinfo=UTC))
    fake.seen("/blog/seo-tips", date(2026, 11, 21), pageviews=12, visitors=9)
    settings = analytics_settings(fake.base_url, poll_at="00:00")  # always passed: the job catches up at start
    poller = AnalyticsPoller.from_settings(settings)
    assert poller is not None
    cobot = create_app(settings, clock=MutableClock(NOW), engine=engine)
    scheduler = FollowUpScheduler.started_for(cobot)
    try:
        job = scheduler._scheduler.get_job(ANALYTICS_JOB)
        assert job is not None
        job.modify(next_run_time=datetime.now(ZoneInfo("Europe/Copenhagen")))  # don't wait the catch-up's 30 s
        deadline = clock.monotonic() + 10
        while not polled(engine, number) and clock.monotonic() < deadline:
            clock.sleep(0.05)
    finally:
        scheduler.stop()
    assert polled(engine, number) == {(date(2026, 11, 21), "views"): 12, (date(2026, 11, 21), "visitors"): 9}
    assert [r.authorization for r in fake.requests] == [f"Bearer {KEY}"]
