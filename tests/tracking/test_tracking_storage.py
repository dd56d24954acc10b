"""Tracked links in the database, on SQLite and PostgreSQL: counting a reader once a day with the upserts each
dialect needs, one install secret for every process, pruning, and ``outcomes_of`` reporting the link's clicks.
Which user agents are readers is decided here too (the HTTP tests use a few of them end to end)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from factories import NOW, OWNER, posted_request, run_as
from sqlalchemy import Engine
from sqlmodel import Session, select

from handlers import tracking
from handlers.calendar import mark_published
from handlers.context import Policy
from handlers.outcomes import outcomes_of
from storage.db import transaction
from storage.models import InstallSecret, LinkClickDay, LinkClickSeen, TrackedLink

ZONE = ZoneInfo("Europe/Copenhagen")
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"


def published(engine: Engine) -> tuple[int, TrackedLink]:
    number = posted_request(engine)
    run_as(engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://example.com/seo"))
    with Session(engine) as session:
        return number, session.exec(select(TrackedLink)).one()


def follow(engine: Engine, code: str, *, client: str = "198.51.100.4", agent: str = BROWSER, days: int = 0) -> bool:
    with transaction(engine) as session:
        followed = tracking.follow_link(
            session,
            code=code,
            method="GET",
            client=client,
            user_agent=agent,
            now=NOW + timedelta(days=days),
            timezone=ZONE,
            secret=b"k" * 32,
        )
    assert followed is not None
    return followed.counted


def test_a_reader_counts_once_a_day_and_outcomes_report_the_total(any_engine: Engine) -> None:
    _, link = published(any_engine)

    assert [follow(any_engine, link.code) for _ in range(3)] == [True, False, False]
    assert follow(any_engine, link.code, client="203.0.113.9") is True
    assert follow(any_engine, link.code, days=1) is True

    with Session(any_engine) as session:
        days = {row.day: row.clicks for row in session.exec(select(LinkClickDay)).all()}
        outcome = outcomes_of(session=session, workspace_id=link.workspace_id, request_ids=[link.request_id])
        seen = session.exec(select(LinkClickSeen)).all()
    assert days == {date(2026, 11, 23): 2, date(2026, 11, 24): 1}
    assert outcome[link.request_id].link_clicks == 3
    assert all("198.51.100.4" not in row.key_hash and len(row.key_hash) == 64 for row in seen)

    with transaction(any_engine) as session:
        assert tracking.prune_seen(session, today=date(2026, 11, 25)) == 2  # the 23rd's two readers
    with Session(any_engine) as session:
        assert [row.day for row in session.exec(select(LinkClickSeen)).all()] == [date(2026, 11, 24)]


def test_an_unknown_code_leads_nowhere_and_counts_nothing(any_engine: Engine) -> None:
    published(any_engine)
    with transaction(any_engine) as session:
        assert (
            tracking.follow_link(
                session,
                code="nothing123",
                method="GET",
                client="x",
                user_agent=BROWSER,
                now=NOW,
                timezone=ZONE,
                secret=b"k",
            )
            is None
        )
    with Session(any_engine) as session:
        assert session.exec(select(LinkClickDay)).all() == []


def test_every_process_gets_the_same_install_secret_and_a_configured_one_wins(any_engine: Engine) -> None:
    with transaction(any_engine) as session:
        first = tracking.tracking_secret(session, configured=None, now=NOW)
    with transaction(any_engine) as session:
        again = tracking.tracking_secret(session, configured=None, now=NOW)
        configured = tracking.tracking_secret(session, configured="from-the-environment-0123", now=NOW)
    assert first == again and len(first) == 64
    assert configured == b"from-the-environment-0123"
    with Session(any_engine) as session:
        assert len(session.exec(select(InstallSecret)).all()) == 1


def test_codes_are_ten_random_url_safe_characters(engine: Engine) -> None:
    _, link = published(engine)
    codes = {tracking.new_code() for _ in range(2000)}
    assert len(codes) == 2000 and {len(code) for code in codes} == {10}
    assert all(set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") for code in codes)
    assert len(link.code) == 10


def test_a_tracked_link_is_made_only_when_tracking_is_on(engine: Engine) -> None:
    number = posted_request(engine)
    off = Policy(tracking=tracking.TrackingRules(enabled=False))
    run_as(engine, OWNER, lambda ctx: mark_published(ctx, number=number, url="https://example.com/a"), policy=off)
    with Session(engine) as session:
        assert session.exec(select(TrackedLink)).all() == []


@pytest.mark.parametrize(
    ("agent", "reader"),
    [
        (BROWSER, True),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1",
            True,
        ),
        (
            "Mozilla/5.0 (Linux; Android 13; CUBOT KingKong 9) AppleWebKit/537.36 Chrome/119.0 Mobile Safari/537.36",
            True,
        ),
        ("Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", False),
        ("Slackbot 1.0 (+https://api.slack.com/robots)", False),
        ("Slack-ImgProxy (+https://api.slack.com/robots)", False),
        ("Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com", False),
        ("LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)", False),
        ("Twitterbot/1.0", False),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", False),
        ("Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", False),
        ("WhatsApp/2.23.20.0 A", False),
        ("TelegramBot (like TwitterBot)", False),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", False),
        (
            "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
            False,
        ),
        ("Mozilla/5.0 (compatible; ExampleCrawler/1.0)", False),
        ("curl/8.4.0", False),
        ("", False),
        ("   ", False),
    ],
)
def test_which_user_agents_are_readers(agent: str, reader: bool) -> None:
    assert tracking.is_reader(agent) is reader


def test_the_destination_adds_utm_after_the_query_and_keeps_the_fragment() -> None:
    rules = tracking.TrackingRules()
    assert tracking.destination("https://example.com", rules=rules, number=7, slot=None, format=None) == (
        "https://example.com/?utm_source=cobot&utm_medium=share&utm_campaign=cobot-7"
    )
    assert (
        tracking.destination(
            "https://example.com/p?a=1&a=2&empty=#x", rules=rules, number=7, slot="Nyhedsbrev Dansk", format="post"
        )
        == "https://example.com/p?a=1&a=2&empty=&utm_source=cobot&utm_medium=nyhedsbrev-dansk&utm_campaign=cobot-7#x"
    )
