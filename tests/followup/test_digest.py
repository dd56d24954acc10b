"""Scenario tests for the weekly digest: posted in the digest channel at its cron time (Monday 09:00 in
Copenhagen) exactly once, with its sections and working Volunteer buttons; split into several messages when it is
long; skipped (not sent late) when it was missed by more than a day; previewed privately with `/cocreate digest`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from followup_support import (
    ANNA,
    BO,
    CARL,
    METTE,
    OWNER,
    approved_request,
    buttons,
    last_response,
    move_to,
    outbox,
    press,
    sign_off,
    tick,
    utc,
    wake,
)
from sqlmodel import select

from bot.runtime.config import ConfigError, load_settings
from bot.slack import ids
from fake_slack import MAX_MESSAGE_BLOCKS
from harness import SlackScenario, message_text
from storage.models import Volunteer, VolunteerState

DIGEST = "C0DIGEST"
DIGEST_TIME = utc(2026, 11, 23, 8, 0)  # Monday 09:00 in Copenhagen


@pytest.fixture
def digest(make_slack: Callable[..., SlackScenario]) -> SlackScenario:
    return make_slack(behaviour={"digest": {"channel": DIGEST}})


def posted(slack: SlackScenario) -> list[dict[str, Any]]:
    return [m for m in slack.fake.messages(DIGEST) if "Co-creation this week" in message_text(m)]


def test_the_digest_is_posted_once_at_its_time_with_every_section(digest: SlackScenario) -> None:
    move_to(digest, DIGEST_TIME - timedelta(days=6))  # last Tuesday: the week the digest looks back on
    calls = digest.create("Ten SEO tips", due="2026-11-26", extra="needs:2")
    digest.command_reply(f"volunteer {calls}", user=METTE)
    review = digest.create("Case study", due="2026-12-15", extra="needs:2")
    for helper in (ANNA, BO):
        digest.command_reply(f"volunteer {review}", user=helper)
        digest.command_reply(f"submit {review} https://docs.example.com/{helper}", user=helper)
    assert "won't be named" in digest.command_reply("recognition off", user=BO)
    live = digest.create("Launch post", due="2026-11-20")
    digest.command_reply(f"volunteer {live}", user=CARL)
    digest.command_reply(f"submit {live} https://docs.example.com/carl", user=CARL)
    digest.command_reply(f"approve {live} <@{CARL}|carl>", user=OWNER)
    sign_off(digest, live, helper=CARL)
    digest.clock.advance(timedelta(days=2))
    assert "Marked" in digest.command_reply(f"published {live} https://blog.example.com/launch", user=OWNER)
    digest.settle()

    move_to(digest, DIGEST_TIME - timedelta(minutes=5))
    tick(digest)
    assert posted(digest) == []

    move_to(digest, DIGEST_TIME)
    for _ in range(3):
        tick(digest)
    move_to(digest, DIGEST_TIME + timedelta(hours=6))  # later that Monday
    tick(digest)
    [message] = posted(digest)
    lines = message_text(message).splitlines()
    assert lines[0].startswith("*Co-creation this week* (<!date^")
    assert "|2026-11-23>" in lines[0]
    text = "\n".join(lines)
    assert "*Who can help?*" in text
    assert f"#{calls} *Ten SEO tips* · 1 more wanted · due" in text
    assert "*Drafts due this week*" in text
    assert any(line.startswith(f"#{calls} *Ten SEO tips* · due") and f"<@{METTE}>" in line for line in lines)
    assert "*Drafts waiting for review*" in text
    assert f"#{review} *Case study* · 2 waiting for <@{OWNER}>" in text
    assert "*Published last week*" in text
    assert f"#{live} *Launch post* · https://blog.example.com/launch · thanks to <@{CARL}>" in text
    [thanks] = [line for line in lines if line.startswith("*Thank you for co-creating!*")]
    assert f"<@{ANNA}>" in thanks and f"<@{CARL}>" in thanks
    assert f"<@{BO}>" not in thanks  # opted out of being named
    # Only the call for help carries a button: Volunteer for that request.
    assert buttons(message) == [(ids.VOLUNTEER, str(calls))]

    # The Volunteer button works when pressed in the digest channel.
    press(digest, message, ids.VOLUNTEER, user=CARL)
    assert last_response(digest).startswith(f"Thank you! You're on #{calls} *Ten SEO tips*.")
    carl = digest.member(CARL)
    with digest.session() as session:
        helping = session.exec(
            select(Volunteer.request_id).where(Volunteer.member_id == carl.id, Volunteer.state == VolunteerState.ACTIVE)
        ).all()
    assert digest.request(calls).id in helping


def test_a_long_digest_is_split_into_messages_slack_accepts(digest: SlackScenario) -> None:
    move_to(digest, DIGEST_TIME - timedelta(days=2))
    numbers = [digest.create(f"Tip sheet {i}", due="2026-11-27", extra="needs:2") for i in range(1, 16)]
    for number in numbers[:9]:
        digest.command_reply(f"volunteer {number}", user=METTE)
        digest.command_reply(f"submit {number} https://docs.example.com/{number}", user=METTE)
    digest.settle()

    move_to(digest, DIGEST_TIME)
    tick(digest)
    tick(digest)
    sent = [c for c in digest.fake.calls_to("chat.postMessage") if c.params.get("channel") == DIGEST]
    assert len(sent) == 2
    assert all(call.ok for call in sent)
    assert all(len(call.params["blocks"]) <= MAX_MESSAGE_BLOCKS for call in sent)
    first, second = posted(digest)
    assert message_text(second).startswith("*Co-creation this week* (continued)")
    text = message_text(first) + "\n" + message_text(second)
    assert all(f"#{n} *Tip sheet {n - numbers[0] + 1}* · 2 more wanted" in text for n in numbers[9:])
    assert all(f"#{n} *Tip sheet {n - numbers[0] + 1}* · 1 waiting for" in text for n in numbers[:9])
    assert len(buttons(first)) + len(buttons(second)) == 15  # every call for help keeps its button


def test_a_digest_that_grows_later_that_day_gets_no_late_continuation(digest: SlackScenario) -> None:
    move_to(digest, DIGEST_TIME - timedelta(days=2))
    numbers = [digest.create(f"Tip sheet {i}", due="2026-11-27", extra="needs:2") for i in range(1, 16)]
    move_to(digest, DIGEST_TIME)
    tick(digest)
    [message] = posted(digest)  # title, 15 calls and 15 deadlines with their headings: one message

    for number in numbers[:9]:  # enough drafts that today's digest would now need a second message
        digest.command_reply(f"volunteer {number}", user=METTE)
        digest.command_reply(f"submit {number} https://docs.example.com/{number}", user=METTE)
    digest.clock.advance(timedelta(hours=1))
    tick(digest)
    tick(digest)
    assert posted(digest) == [message]
    assert len(digest.fake.messages(DIGEST)) == 1


def test_a_digest_missed_by_more_than_a_day_is_skipped_not_sent_late(digest: SlackScenario) -> None:
    digest.create("Ten SEO tips", due="2026-12-10")
    move_to(digest, utc(2026, 11, 24, 8, 30))  # Tuesday 09:30: the first pass of the week
    tick(digest)
    move_to(digest, utc(2026, 11, 27, 12, 0))
    tick(digest)
    assert posted(digest) == []

    move_to(digest, utc(2026, 11, 30, 8, 0))  # the next Monday 09:00
    tick(digest)
    assert len(posted(digest)) == 1


def test_a_digest_a_few_hours_late_still_goes_out(digest: SlackScenario) -> None:
    digest.create("Ten SEO tips", due="2026-12-10")
    move_to(digest, DIGEST_TIME + timedelta(hours=3))  # Monday noon: Cobot was down all morning
    tick(digest)
    [message] = posted(digest)
    assert "|2026-11-23>" in message_text(message)


def test_the_digest_command_shows_a_preview_to_the_caller_only(
    digest: SlackScenario, make_slack: Callable[..., SlackScenario], tmp_path: Path
) -> None:
    number = digest.create("Ten SEO tips", due="2026-11-26")
    response = digest.command("digest", user=ANNA)
    assert response.json()["response_type"] == "ephemeral"
    preview = message_text(response.json())
    assert preview.startswith("*Co-creation this week*")
    assert f"#{number} *Ten SEO tips* · 1 more wanted" in preview
    assert "Preview only" not in preview
    digest.settle()
    assert digest.fake.messages(DIGEST) == []

    unset = make_slack(database_url=f"sqlite:///{tmp_path}/no-digest.db")
    reply = unset.command_reply("digest", user=ANNA)
    assert reply.startswith("*Co-creation this week*")
    assert "A quiet week" in reply
    assert reply.endswith("(Preview only: no digest channel is set in app.yaml, so no digest is posted.)")


def test_an_invalid_digest_cron_is_refused_at_start(tmp_path: Path) -> None:
    config = tmp_path / "app.yaml"
    config.write_text('digest:\n  channel: C0DIGEST\n  cron: "0 25 * * mon"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(config, environ={})
    assert "\n" not in str(refused.value)
    assert "digest.cron" in str(refused.value) and "'0 25 * * mon' is not a crontab expression" in str(refused.value)


def test_waiting_reviews_on_closed_requests_do_not_crowd_out_the_open_ones(digest: SlackScenario) -> None:
    move_to(digest, DIGEST_TIME - timedelta(days=3))
    closed = [digest.create(f"Old brief {i}", due="2026-12-10") for i in range(1, 17)]  # more than a section holds
    for number in closed:
        digest.command_reply(f"volunteer {number}", user=METTE)
        digest.command_reply(f"submit {number} https://docs.example.com/old-{number}", user=METTE)
        digest.command_reply(f"close {number}", user=OWNER)
    waiting = digest.create("Fresh case study", due="2026-12-10")
    digest.command_reply(f"volunteer {waiting}", user=ANNA)
    digest.command_reply(f"submit {waiting} https://docs.example.com/fresh", user=ANNA)
    digest.settle()

    move_to(digest, DIGEST_TIME)
    tick(digest)
    text = "\n".join(message_text(m) for m in posted(digest))
    assert "*Drafts waiting for review*" in text
    assert f"#{waiting} *Fresh case study* · 1 waiting for <@{OWNER}>" in text
    assert "Old brief" not in text


def test_a_digest_that_could_not_go_out_on_its_day_is_dropped_not_posted_days_later(
    digest: SlackScenario, caplog: pytest.LogCaptureFixture
) -> None:
    digest.create("Ten SEO tips", due="2026-12-10")
    move_to(digest, DIGEST_TIME + timedelta(minutes=5))
    digest.fake.fail_next("chat.postMessage", status=503, times=6)  # Slack (or the network) is down that day
    tick(digest)
    assert posted(digest) == []
    [queued] = outbox(digest, "digest:")
    assert queued.expires_at is not None and queued.sent_at is None

    move_to(digest, DIGEST_TIME + timedelta(days=10))  # Slack answers again ten days later
    with caplog.at_level(logging.INFO, logger="bot.runtime.outbox"):
        wake(digest)
    assert posted(digest) == [], "'Co-creation this week (Mon 23 Nov)' must not arrive on 3 December"
    [dropped] = outbox(digest, "digest:")
    assert dropped.failed_at is not None and (dropped.last_error or "").startswith("expired")
    assert any("dropped unsent" in record.getMessage() for record in caplog.records)


def test_the_digest_lists_what_is_publishing_this_week_and_only_when_something_is(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slots = {"slots": [{"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"}]}
    slack = make_slack(behaviour={"digest": {"channel": DIGEST}, "publishing": slots})
    move_to(slack, DIGEST_TIME - timedelta(days=6))  # last Tuesday
    assert "Publishing this week" not in slack.command_reply("digest", user=ANNA)
    thursday = approved_request(slack, "Case study")
    tuesday = approved_request(slack, "Ten SEO tips", helper=ANNA)
    later = approved_request(slack, "Launch post", helper=CARL)
    early = approved_request(slack, "Price news", helper=BO)
    assert "Added" in slack.command_reply("slot add Blog 2026-11-29 20:00", user=OWNER)  # Sunday evening: this week
    for number, slot in (
        (thursday, "LinkedIn 2026-11-26"),
        (tuesday, "LinkedIn 2026-11-24"),
        (later, "LinkedIn 2026-12-01"),
        (early, "Blog 2026-11-29"),
    ):
        assert "Booked" in slack.command_reply(f"book {number} {slot}", user=OWNER)
    sign_off(slack, early, helper=BO)
    assert "Marked" in slack.command_reply(f"published {early} https://blog.example.com/price", user=OWNER)
    slack.settle()

    move_to(slack, DIGEST_TIME)
    tick(slack)
    [message] = posted(slack)
    lines = message_text(message).splitlines()
    start = lines.index("*Publishing this week*")

    def slot_token(hour_utc: datetime) -> str:
        stamp = hour_utc.strftime("%Y-%m-%d %H:%M UTC")
        return f"<!date^{int(hour_utc.timestamp())}^{{date_short_pretty}} {{time}}|{stamp}>"

    assert lines[start + 1 : start + 3] == [
        f"{slot_token(utc(2026, 11, 24, 9))} · *LinkedIn* · #{tuesday} *Ten SEO tips*",  # Tuesday 10:00
        f"{slot_token(utc(2026, 11, 26, 9))} · *LinkedIn* · #{thursday} *Case study*",  # Thursday 10:00
    ]
    assert lines[start + 3].startswith("*")  # the next section's heading: next week's slot is not this week's news
    assert "*Launch post*" not in message_text(message)
    # Published early: thanked under "Published last week", not announced as still to come.
    assert f"#{early} *Price news* · https://blog.example.com/price" in message_text(message)
    assert not [line for line in lines[start:] if "· *Blog* ·" in line]

    slack.command_reply("language da", user=ANNA)
    preview = slack.command_reply("digest", user=ANNA).splitlines()
    start = preview.index("*Publiceres i denne uge*")
    assert preview[start + 1].endswith(f"· *LinkedIn* · #{tuesday} *Ten SEO tips*")
