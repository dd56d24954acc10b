"""When things go wrong on Cobot's side or on Slack's: the global error handler, delivery through 429s, 5xx and
channels Cobot is not in, per-channel pacing, workspace isolation over HTTP, and the core flow on PostgreSQL.
"""

from __future__ import annotations

import itertools
import logging
import re
import time
from collections.abc import Callable
from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import col, select

from bot.slack import ids
from fake_slack import Call
from harness import CHANNEL, SlackScenario, message_text
from storage.models import Draft, OutboxMessage, RequestStatus, ReviewState, Volunteer, VolunteerState

OWNER = "U0OWNER"
METTE = "U0METTE"
ANNA = "U0ANNA"
BO = "U0BO"
CARL = "U0CARL"
ERROR_ID = re.compile(r"error id `([0-9a-f]{8})`")


def card_posts(slack: SlackScenario, channel: str = CHANNEL) -> list[Call]:
    """chat.postMessage calls into ``channel`` that are not thread replies (card posts), accepted or not."""
    return [
        c
        for c in slack.fake.calls_to("chat.postMessage")
        if c.params.get("channel") == channel and not c.params.get("thread_ts")
    ]


def fast_forward_until(slack: SlackScenario, done: Callable[[], bool], *, timeout: float = 10.0) -> None:
    """Moves Cobot's clock to each deferred outbox message's due time until ``done()``: backoffs of seconds or
    minutes pass at once, while everything else runs for real."""
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "condition not reached"
        with slack.session() as session:
            due = session.execute(
                sa.select(sa.func.min(col(OutboxMessage.not_before))).where(
                    col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None)
                )
            ).scalar_one_or_none()
        if due is not None:
            wait = (due if due.tzinfo else due.replace(tzinfo=UTC)) - slack.clock()  # SQLite gives naive UTC
            if wait > timedelta(0):
                slack.clock.advance(wait + timedelta(milliseconds=5))
        slack.service.sender.wake()
        time.sleep(0.02)


# --- the global error handler ------------------------------------------------------------------------------


def test_unexpected_error_in_a_command_shows_an_error_id_and_logs_the_traceback(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture
) -> None:
    number = slack.create()
    slack.command_reply(f"volunteer {number}", user=METTE)
    slack.settle()
    with slack.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE draft")
    caplog.set_level(logging.ERROR)

    response = slack.command(f"submit {number} https://docs.example.com/draft", user=METTE)

    assert response.status == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    reply = message_text(body)
    assert "something went wrong" in reply
    found = ERROR_ID.search(reply)
    assert found, reply
    error_id = found.group(1)
    for leak in ("Traceback", "sqlite", "OperationalError", "no such table", "draft.py"):
        assert leak not in response.text
    logged = [r for r in caplog.records if error_id in r.getMessage()]
    assert len(logged) == 1
    assert logged[0].exc_info is not None
    assert "no such table: draft" in caplog.text
    assert "Traceback" in caplog.text
    with slack.session() as session:
        place = session.exec(select(Volunteer)).one()
    assert place.review_state is ReviewState.NO_DRAFT  # nothing was half-written


def test_unexpected_error_in_a_click_is_answered_through_the_response_url(
    slack: SlackScenario, caplog: pytest.LogCaptureFixture
) -> None:
    number = slack.create()
    with slack.engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE outbox")
    caplog.set_level(logging.ERROR)

    response = slack.click(ids.VOLUNTEER, str(number), user=METTE, message_ts=str(slack.request(number).card_ts))

    assert response.status == 200
    answer = slack.fake.wait_for("response_url")[0]
    text = message_text(answer.params)
    assert "something went wrong" in text
    found = ERROR_ID.search(text)
    assert found, text
    assert "Traceback" not in text
    assert any(found.group(1) in r.getMessage() and r.exc_info for r in caplog.records)
    with slack.session() as session:
        assert session.exec(select(Volunteer)).all() == []


# --- delivery ------------------------------------------------------------------------------------------------


def test_card_post_rate_limited_once_is_delivered_after_retry_after(slack: SlackScenario) -> None:
    slack.fake.fail_next("chat.postMessage", status=429, retry_after=1)

    assert "Posted request #1" in slack.command_reply("new Ten SEO tips due:2026-12-10", user=OWNER)
    slack.fake.wait_for("chat.postMessage", lambda c: c.ok, timeout=5)
    slack.settle()

    posts = card_posts(slack)
    assert [c.ok for c in posts] == [False, True]
    assert posts[1].at - posts[0].at >= 0.9
    assert slack.request(1).card_ts == slack.fake.messages(CHANNEL)[0]["ts"]
    assert len(slack.fake.messages(CHANNEL)) == 1


def test_card_post_failing_with_500_twice_is_delivered_once(slack: SlackScenario) -> None:
    slack.fake.fail_next("chat.postMessage", status=500, times=2)

    assert "Posted request #1" in slack.command_reply("new Ten SEO tips due:2026-12-10", user=OWNER)
    fast_forward_until(slack, lambda: any(c.ok for c in card_posts(slack)))
    slack.settle()

    assert [c.ok for c in card_posts(slack)] == [False, False, True]
    assert len(slack.fake.messages(CHANNEL)) == 1
    assert slack.request(1).card_ts is not None
    with slack.session() as session:
        card = session.exec(select(OutboxMessage).where(OutboxMessage.kind == "card")).one()
    assert card.attempts == 2
    assert card.sent_at is not None


def test_card_for_a_channel_cobot_is_not_in_joins_then_posts(slack: SlackScenario) -> None:
    slack.fake.set_channel_not_joined("C0NEWS")

    assert "Posted request #1" in slack.command_reply("new Ten SEO tips due:2026-12-10", user=OWNER, channel="C0NEWS")
    slack.fake.wait_for("chat.postMessage", lambda c: c.ok and c.params.get("channel") == "C0NEWS")
    slack.settle()

    sequence = [(c.method, c.ok) for c in slack.fake.calls if c.method in ("chat.postMessage", "conversations.join")]
    assert sequence == [("chat.postMessage", False), ("conversations.join", True), ("chat.postMessage", True)]
    assert slack.fake.calls_to("conversations.join")[0].params["channel"] == "C0NEWS"
    request = slack.request(1)
    assert (request.channel_id, request.card_ts) == ("C0NEWS", slack.fake.messages("C0NEWS")[0]["ts"])
    assert slack.fake.messages(OWNER) == []


def test_card_for_a_channel_cobot_cannot_join_tells_the_owner_how_to_invite_it(slack: SlackScenario) -> None:
    slack.fake.set_channel_not_joined("C0PRIVATE")
    slack.fake.fail_next("conversations.join", status=200, error="method_not_supported_for_channel_type")

    assert "Posted request #1" in slack.command_reply(
        "new Ten SEO tips due:2026-12-10", user=OWNER, channel="C0PRIVATE"
    )
    slack.fake.wait_for("chat.postMessage", lambda c: c.ok and c.params.get("channel") == OWNER)
    slack.settle()

    dms = [message_text(m) for m in slack.fake.messages(OWNER)]
    assert len(dms) == 1
    assert "couldn't post #1" in dms[0]
    assert "`/invite @Cobot`" in dms[0]
    assert slack.fake.messages("C0PRIVATE") == []
    assert slack.request(1).card_ts is None
    assert [c.ok for c in card_posts(slack, "C0PRIVATE")] == [False]


def test_card_updates_to_one_channel_are_paced_and_none_is_lost(
    make_slack: Callable[..., SlackScenario],
) -> None:
    slack = make_slack(behaviour={"outbox": {"channel_interval_seconds": 1.0}})
    slack.command_reply("new Ten SEO tips due:2026-12-10 needs:5", user=OWNER)
    slack.fake.wait_for("chat.postMessage", lambda c: c.ok)

    for count, user in enumerate((METTE, ANNA, BO), start=1):
        # Each change comes straight after the previous update, so only pacing can hold the next one back.
        assert "Thank you" in slack.command_reply("volunteer 1", user=user)
        slack.fake.wait_for("chat.update", lambda c: c.ok, count=count, timeout=5)
    # A burst while an update is being held back rides along with it rather than being dropped.
    assert "stepped back" in slack.command_reply("withdraw 1", user=ANNA)
    assert "Thank you" in slack.command_reply("volunteer 1", user=CARL)
    slack.settle()

    times = [c.at for c in card_posts(slack)] + [c.at for c in slack.fake.calls_to("chat.update")]
    assert len(times) >= 5
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= 0.9 for gap in gaps), gaps
    assert all(c.ok for c in slack.fake.calls_to("chat.update"))
    card = message_text(slack.card(1))
    assert "*Volunteers* 3/5" in card
    assert all(f"<@{user}>" in card for user in (METTE, BO, CARL))
    assert f"<@{ANNA}>" not in card


# --- workspaces ----------------------------------------------------------------------------------------------


def test_workspaces_are_isolated_over_http(slack: SlackScenario) -> None:
    assert "Posted request #1" in slack.command_reply("new Ours in T0001 due:2026-12-10", user=OWNER, team="T0001")
    assert "Posted request #1" in slack.command_reply("new Theirs in T0002 due:2026-12-11", user=OWNER, team="T0002")
    slack.settle()

    assert "Ours in T0001" in slack.command_reply("show 1", user=METTE, team="T0001")
    assert "Theirs in T0002" not in slack.command_reply("show 1", user=METTE, team="T0001")
    assert "Theirs in T0002" in slack.command_reply("show 1", user=METTE, team="T0002")
    assert "Ours in T0001" not in slack.command_reply("show 1", user=METTE, team="T0002")

    assert "Thank you! You're on #1 *Theirs in T0002*" in slack.command_reply("volunteer 1", user=METTE, team="T0002")
    slack.settle()

    ours, theirs = slack.request(1, team="T0001"), slack.request(1, team="T0002")
    with slack.session() as session:
        places = session.exec(select(Volunteer)).all()
    assert [(p.request_id, p.state) for p in places] == [(theirs.id, VolunteerState.ACTIVE)]
    updated = {c.params["ts"] for c in slack.fake.calls_to("chat.update") if c.ok}
    assert updated == {theirs.card_ts}
    assert ours.card_ts not in updated
    assert "_nobody yet_" in message_text(_card_by_ts(slack, ours.card_ts))
    assert f"<@{METTE}>" in message_text(_card_by_ts(slack, theirs.card_ts))
    assert "#1 *Ours in T0001*" in slack.command_reply("list", user=OWNER, team="T0001")
    assert "Theirs" not in slack.command_reply("list", user=OWNER, team="T0001")


def _card_by_ts(slack: SlackScenario, ts: str | None) -> dict[str, object]:
    return next(m for m in slack.fake.messages(CHANNEL) if m["ts"] == ts)


# --- PostgreSQL ----------------------------------------------------------------------------------------------


@pytest.mark.postgres
def test_core_flow_on_postgresql(make_slack: Callable[..., SlackScenario], postgres_url: str) -> None:
    slack = make_slack(database_url=postgres_url)
    number = slack.create("Ten SEO tips")
    assert "Thank you" in slack.command_reply(f"volunteer {number}", user=METTE)
    assert "Got it: version 1" in slack.command_reply(f"submit {number} https://docs.example.com/seo-draft", user=METTE)
    slack.settle()
    assert f"Approved <@{METTE}>'s draft" in slack.command_reply(f"approve {number} <@{METTE}>", user=OWNER)
    slack.settle()

    assert slack.engine.dialect.name == "postgresql"
    request = slack.request(number)
    assert request.status is RequestStatus.APPROVED
    with slack.session() as session:
        place = session.exec(select(Volunteer)).one()
        draft = session.exec(select(Draft)).one()
    assert (place.review_state, draft.url) == (ReviewState.APPROVED, "https://docs.example.com/seo-draft")
    assert any("approved your draft for #1" in message_text(m) for m in slack.fake.messages(METTE))
    assert any("Time to publish" in message_text(m) for m in slack.fake.messages(OWNER))
    assert "*Status* approved" in message_text(slack.card(number))
