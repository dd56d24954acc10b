"""What the sender does when Slack's answers go wrong in ways a fault-injection run found: an answer that is not
Slack's JSON, a response_url's ``Retry-After``, a channel that stays closed after joining it, and retries that run
out. The real Slack transport and ``slack_sdk`` talk to the fake Slack Web API over HTTP; time is an injected clock.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from factories import OWNER, MutableClock, ctx_for, new_request
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session, select

from bot.runtime.outbox import OutboxSender
from bot.slack.transport import SlackTransport, retry_after_seconds
from fake_slack import FakeSlack
from handlers import notify, texts
from handlers.messages import InteractionUrl
from handlers.results import Notice, Reply, t
from storage.db import transaction
from storage.models import OutboxMessage

TOKEN = "xoxb-test-token"
ANNA = "U0ANNA"
CHANNEL = "C1"


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    with FakeSlack(bot_token=TOKEN, team_id="T1") as server:
        for user in (OWNER, ANNA):
            server.add_user(user, name=user.lower())
        yield server


@pytest.fixture
def clock() -> MutableClock:
    return MutableClock()


def make_sender(engine: Engine, fake: FakeSlack, clock: MutableClock, *, max_attempts: int = 8) -> OutboxSender:
    client = WebClient(token=TOKEN, base_url=fake.api_url, timeout=10)
    transport = SlackTransport(client=client, clock=clock, channel_interval=0)
    return OutboxSender(engine=engine, transports={"slack": transport}, clock=clock, max_attempts=max_attempts)


def only(engine: Engine, kind: str) -> OutboxMessage:
    with Session(engine) as session:
        (found,) = session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()
    return found


def owner_texts(fake: FakeSlack) -> list[str]:
    return [str(m["text"]) for m in fake.messages(OWNER)]


@pytest.mark.parametrize(
    "body",
    ["<html><body><h1>502 Bad Gateway</h1></body></html>", '{"ok": true, "channel": "C1", "ts": "17000'],
    ids=["proxy-page", "cut-short"],
)
def test_an_answer_that_is_not_slacks_json_is_retried_not_given_up(
    engine: Engine, fake: FakeSlack, clock: MutableClock, body: str
) -> None:
    with transaction(engine) as session:
        new_request(ctx_for(session, OWNER, now=clock.now), title="Ten tips")
    sender = make_sender(engine, fake, clock)
    fake.fail_next("chat.postMessage", status=200, body=body)

    sender.drain_until_idle()
    card = only(engine, "card")
    assert card.failed_at is None and card.sent_at is None, "a proxy hiccup is not a final answer"
    assert card.attempts == 1

    clock.advance(2.5)
    sender.drain_until_idle()
    assert only(engine, "card").sent_at is not None
    assert [m["ts"] for m in fake.messages(CHANNEL)], "the card arrived"
    assert not any("couldn't post" in text for text in owner_texts(fake))


def test_a_response_url_rate_limit_waits_the_whole_retry_after(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    with transaction(engine) as session:
        ctx = ctx_for(session, ANNA, now=clock.now)
        answer = Reply.of(t(texts.HELP))
        notify.reply_later(ctx, to=InteractionUrl(fake.response_url()), reply=answer, key="click-1")
    sender = make_sender(engine, fake, clock)
    fake.fail_next("response_url", status=429, retry_after=30)

    sender.drain_until_idle()
    clock.advance(29)
    sender.drain_until_idle()
    assert len(fake.calls_to("response_url")) == 1, "Retry-After: 30 means thirty seconds, not three"

    clock.advance(1.5)
    sender.drain_until_idle()
    assert [c.ok for c in fake.calls_to("response_url")] == [False, True]


def test_retry_after_is_read_whole_from_strings_and_lists() -> None:
    assert retry_after_seconds({"Retry-After": "30"}) == 30
    assert retry_after_seconds({"retry-after": ["12"]}) == 12
    assert retry_after_seconds({"Retry-After": "Wed, 21 Oct 2026 07:28:00 GMT"}) == 1
    assert retry_after_seconds({}) == 1


def test_a_channel_still_closed_after_joining_it_fails_once_and_the_owner_is_told(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    with transaction(engine) as session:
        new_request(ctx_for(session, OWNER, now=clock.now), title="Ten tips")
    client = WebClient(token=TOKEN, base_url=fake.api_url, timeout=10)
    # Channel pacing on (it runs on real time): the post after the join used to find the channel "busy" with the
    # post that had just failed, was put back without counting an attempt, and came back to join again, for ever.
    transport = SlackTransport(client=client, clock=clock, channel_interval=0.2)
    sender = OutboxSender(engine=engine, transports={"slack": transport}, clock=clock)
    # conversations.join answers ok, yet posting still says not_in_channel (e.g. a channel that needs an invite).
    fake.fail_next("chat.postMessage", status=200, error="not_in_channel", times=2)

    for _ in range(5):
        sender.drain_until_idle()
        clock.advance(10)
        time.sleep(0.25)

    card = only(engine, "card")
    assert card.failed_at is not None and card.last_error == "not_in_channel"
    card_posts = [c for c in fake.calls_to("chat.postMessage") if c.params.get("channel") == CHANNEL]
    assert len(card_posts) == 2, "one post, one join, one post again: then it stops"
    assert len(fake.calls_to("conversations.join")) == 1
    assert any("couldn't post #1" in text and "not_in_channel" in text for text in owner_texts(fake))


def test_a_card_given_up_after_server_errors_is_reported_to_its_owner(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    with transaction(engine) as session:
        new_request(ctx_for(session, OWNER, now=clock.now), title="Ten tips")
    sender = make_sender(engine, fake, clock, max_attempts=3)
    fake.fail_next("chat.postMessage", status=502, times=3)

    for _ in range(4):
        sender.drain_until_idle()
        clock.advance(60)

    assert only(engine, "card").failed_at is not None
    (told,) = [text for text in owner_texts(fake) if "couldn't post #1" in text]
    assert "gave up after 3 attempts" in told


def test_a_notice_about_a_request_given_up_is_reported_to_its_owner(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    with transaction(engine) as session:
        request = new_request(ctx_for(session, OWNER, now=clock.now), title="Ten tips")
    sender = make_sender(engine, fake, clock, max_attempts=2)
    sender.drain_until_idle()  # the card goes out
    with transaction(engine) as session:
        ctx = ctx_for(session, OWNER, now=clock.now)
        notify.to_user(ctx, user_id=ANNA, notice=Notice(t(texts.HELP)), key="about-1", request=request)
    fake.fail_next("chat.postMessage", status=500, times=2)
    for _ in range(3):
        sender.drain_until_idle()
        clock.advance(60)

    (told,) = [text for text in owner_texts(fake) if "couldn't deliver a message about #1" in text]
    assert f"<@{ANNA}>" in told
    assert not fake.messages(ANNA)
