"""Tracked links through the whole app over real HTTP: `/cocreate published` makes one, `GET /r/<code>` on the
loopback server sends the reader on to the piece with UTM parameters, and counts them, once a day, never a preview
bot or a HEAD; the card and `/cocreate show` show the count; the tick refreshes the card and forgets old readers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from tracked_support import BROWSER, OTHER_BROWSER, OWNER, PUBLIC_URL, open_link, path_of, publish

from bot.runtime.scheduler import run_tick
from handlers.outcomes import record_result
from harness import SlackScenario, message_text
from storage.models import LinkClickDay, LinkClickSeen, RequestStatus, ResultSource, TrackedLink

SLOTS = {"slots": [{"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"}]}
PREVIEW_BOTS = (
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Slack-ImgProxy (+https://api.slack.com/robots)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "WhatsApp/2.23.20.0",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; SomeNewCrawler/3.1)",
    "",
)


def behaviour(**tracking: Any) -> dict[str, Any]:
    return {"server": {"public_url": PUBLIC_URL}, "publishing": SLOTS, **({"tracking": tracking} if tracking else {})}


@pytest.fixture
def slack(make_slack: Callable[..., SlackScenario]) -> SlackScenario:
    return make_slack(behaviour=behaviour())


def clicks(slack: SlackScenario, number: int) -> int:
    request = slack.request(number)
    with slack.session() as session:
        return session.exec(select(TrackedLink.clicks).where(TrackedLink.request_id == request.id)).one()


def days(slack: SlackScenario) -> dict[str, int]:
    with slack.session() as session:
        return {row.day.isoformat(): row.clicks for row in session.exec(select(LinkClickDay)).all()}


def test_publishing_gives_the_owner_a_tracked_link_that_redirects_with_utm_keeping_the_query(
    slack: SlackScenario,
) -> None:
    number = slack.create("Ten SEO tips")
    reply = slack.command_reply(f"published {number} https://example.com/blog/seo?ref=news&lang=da#tips", user=OWNER)
    path = path_of(slack, number)

    assert f"{PUBLIC_URL}{path}" in reply and "counts the readers" in reply
    assert 8 <= len(path.removeprefix("/r/")) <= 10
    answer = open_link(slack.base_url, path)
    assert answer.status == 302
    assert answer.location == (
        "https://example.com/blog/seo?ref=news&lang=da&utm_source=cobot&utm_medium=share&utm_campaign=cobot-1#tips"
    )
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_piece_booked_into_a_slot_gets_the_slot_as_its_medium_and_the_owners_own_utm_is_kept(
    slack: SlackScenario,
) -> None:
    number = slack.create("Ten SEO tips", extra="needs:1")
    slack.command_reply(f"volunteer {number}", user="U0ANNA")
    slack.command_reply(f"submit {number} https://docs.example.com/anna", user="U0ANNA")
    slack.command_reply(f"approve {number} <@U0ANNA|anna>", user=OWNER)
    assert "LinkedIn" in slack.command_reply(f"book {number} LinkedIn 2026-11-24", user=OWNER)
    reply = slack.command_reply(
        f'published {number} https://www.linkedin.com/posts/x?utm_source=newsletter force:"Anna said yes by phone"',
        user=OWNER,
    )
    assert "published" in reply, reply

    answer = open_link(slack.base_url, path_of(slack, number))
    assert answer.location == (
        "https://www.linkedin.com/posts/x?utm_source=newsletter&utm_medium=linkedin&utm_campaign=cobot-1"
    )


def test_the_templates_come_from_app_yaml(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour=behaviour(source="intranet", default_medium="chat", campaign="co-{number}-{format}"))
    number = slack.create("Ten SEO tips", extra="format:blog")
    slack.command_reply(f"published {number} https://example.com/a", user=OWNER)

    answer = open_link(slack.base_url, path_of(slack, number))
    assert answer.location == "https://example.com/a?utm_source=intranet&utm_medium=chat&utm_campaign=co-1-blog"


def test_a_reader_counts_once_a_day_and_heads_repeats_and_preview_bots_never(slack: SlackScenario) -> None:
    number, path = publish(slack, "https://example.com/seo")

    assert open_link(slack.base_url, path).status == 302
    assert clicks(slack, number) == 1
    assert open_link(slack.base_url, path).status == 302  # the same reader again
    assert open_link(slack.base_url, path, method="HEAD").status == 302
    for agent in PREVIEW_BOTS:
        answer = open_link(slack.base_url, path, agent=agent)
        assert answer.status == 302 and answer.location is not None, agent
    assert clicks(slack, number) == 1

    assert open_link(slack.base_url, path, agent=OTHER_BROWSER).status == 302  # another reader
    assert clicks(slack, number) == 2

    slack.clock.advance(timedelta(days=1))  # the next day, the first reader is counted again
    assert open_link(slack.base_url, path).status == 302
    assert open_link(slack.base_url, path).status == 302
    assert clicks(slack, number) == 3
    assert days(slack) == {"2026-11-23": 2, "2026-11-24": 1}


def test_no_address_is_stored_and_old_readers_are_forgotten_by_the_tick(slack: SlackScenario) -> None:
    number, path = publish(slack, "https://example.com/seo")
    open_link(slack.base_url, path)
    slack.clock.advance(timedelta(days=1))
    open_link(slack.base_url, path)
    with slack.session() as session:
        seen = session.exec(select(LinkClickSeen)).all()
    assert len(seen) == 2
    assert all(len(row.key_hash) == 64 and "127.0.0.1" not in row.key_hash for row in seen)

    run_tick(slack.service.cobot)  # yesterday's reader is kept a day more
    with slack.session() as session:
        assert len(session.exec(select(LinkClickSeen)).all()) == 2
    slack.clock.advance(timedelta(days=1))
    run_tick(slack.service.cobot)
    with slack.session() as session:
        assert [row.day.isoformat() for row in session.exec(select(LinkClickSeen)).all()] == ["2026-11-24"]
    assert clicks(slack, number) == 2  # forgetting readers forgets no click


def test_an_unknown_code_gets_a_polite_404_page(slack: SlackScenario) -> None:
    publish(slack, "https://example.com/seo")

    for path in ("/r/abcdefghij", "/r/" + "x" * 40, "/r/"):
        answer = open_link(slack.base_url, path)
        assert answer.status == 404, path
        assert answer.location is None
        assert "doesn&#39;t lead anywhere" in answer.text or "doesn't lead anywhere" in answer.text
        assert "Ask whoever shared it" in answer.text
    assert open_link(slack.base_url, "/r/abcdefghij", method="POST").status == 405


def test_forwarded_for_is_used_only_when_app_yaml_trusts_it(make_slack: Callable[..., SlackScenario]) -> None:
    for trusted, expected in ((False, 1), (True, 2)):
        slack = make_slack(behaviour=behaviour(trust_forwarded_for=trusted))
        number, path = publish(slack, "https://example.com/seo")
        for address in ("203.0.113.7", "198.51.100.2"):
            open_link(slack.base_url, path, headers={"X-Forwarded-For": f"10.0.0.1, {address}"})
        assert clicks(slack, number) == expected, trusted


def test_the_card_and_show_give_the_link_and_its_clicks_and_the_tick_refreshes_the_card_once_a_day(
    slack: SlackScenario,
) -> None:
    number, path = publish(slack, "https://example.com/seo")
    slack.settle()
    card = message_text(slack.card(number))
    assert f"{PUBLIC_URL}{path}" in card and "clicks on its Cobot link" not in card

    open_link(slack.base_url, path)
    open_link(slack.base_url, path, agent=OTHER_BROWSER)
    shown = message_text(slack.command(f"show {number}", user="U0ANNA").json())
    assert f"{PUBLIC_URL}{path}" in shown and "2 clicks on its Cobot link" in shown

    updates = len(slack.fake.calls_to("chat.update"))
    run_tick(slack.service.cobot)
    slack.settle()
    assert "2 clicks on its Cobot link" in message_text(slack.card(number))
    assert len(slack.fake.calls_to("chat.update")) == updates + 1
    open_link(slack.base_url, path, agent=BROWSER + " Edge")
    run_tick(slack.service.cobot)  # the same day: the card waits until tomorrow for the third click
    slack.settle()
    assert len(slack.fake.calls_to("chat.update")) == updates + 1
    slack.clock.advance(timedelta(days=1))
    run_tick(slack.service.cobot)
    slack.settle()
    assert "3 clicks on its Cobot link" in message_text(slack.card(number))


def test_figures_from_the_analytics_server_reach_the_card_at_a_later_days_tick(slack: SlackScenario) -> None:
    number, _path = publish(slack, "https://example.com/seo")
    slack.settle()
    run_tick(slack.service.cobot)  # today's refresh is spent (the link's card was shown on publishing)
    slack.clock.advance(timedelta(days=1))
    request = slack.request(number)
    assert request.id is not None
    with slack.session() as session:  # the nightly poll stores a day's page views, as handlers.analytics does
        record_result(
            session=session,
            workspace_id=request.workspace_id,
            request_id=request.id,
            metric="views",
            value=340,
            day=slack.clock().date() - timedelta(days=1),
            source=ResultSource.ANALYTICS,
            now=slack.clock(),
        )
        session.commit()
    updates = len(slack.fake.calls_to("chat.update"))

    run_tick(slack.service.cobot)
    slack.settle()
    assert "340 views" in message_text(slack.card(number))
    assert len(slack.fake.calls_to("chat.update")) == updates + 1
    # Refreshes are counted by day, so figures stored on the day of a refresh refresh once more the next day; after
    # that, with nothing new, the card is left alone.
    for _ in range(3):
        slack.clock.advance(timedelta(days=1))
        run_tick(slack.service.cobot)
    slack.settle()
    assert len(slack.fake.calls_to("chat.update")) <= updates + 2
    refreshed = len(slack.fake.calls_to("chat.update"))
    slack.clock.advance(timedelta(days=1))
    run_tick(slack.service.cobot)
    slack.settle()
    assert len(slack.fake.calls_to("chat.update")) == refreshed


def test_with_tracking_off_no_link_is_made(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour=behaviour(enabled=False))
    number = slack.create("Ten SEO tips")
    reply = slack.command_reply(f"published {number} https://example.com/seo", user=OWNER)

    assert "counts the readers" not in reply
    assert slack.request(number).status is RequestStatus.PUBLISHED
    with slack.session() as session:
        assert session.exec(select(TrackedLink)).all() == []
