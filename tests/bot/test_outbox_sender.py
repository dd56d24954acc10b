"""The outbox sender with the real Slack transport and ``slack_sdk`` client against the fake Slack Web API, on SQLite
and PostgreSQL: what an operator relies on when Slack rate-limits, fails or the process dies. Time is an injected
clock the tests move by hand, so waits are checked without sleeping."""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from factories import OWNER, MutableClock, ctx_for, new_request
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runtime.outbox import CLAIM_SECONDS, OutboxSender
from bot.slack.transport import SlackTransport
from fake_slack import Call, FakeSlack
from handlers import notify, texts
from handlers.results import Day, Notice, UserRef, t
from storage.db import transaction
from storage.models import ContentRequest, OutboxMessage

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
    """Wired like ``bot.slack.app.build_slack_service``, with channel pacing off (pacing runs on real time)."""
    client = WebClient(token=TOKEN, base_url=fake.api_url, timeout=10)
    transport = SlackTransport(client=client, clock=clock, channel_interval=0)
    return OutboxSender(engine=engine, transports={"slack": transport}, clock=clock, max_attempts=max_attempts)


def dm(number: int, title: str) -> Notice:
    return Notice(t(texts.PROMOTED_NOTICE, number=number, title=title, deadline=Day(date(2026, 12, 10))))


def queue_dm(engine: Engine, clock: MutableClock, *, title: str = "Ten tips", key: str = "dm") -> None:
    with transaction(engine) as session:
        ctx = ctx_for(session, OWNER, now=clock.now)
        notify.to_user(ctx, user_id=ANNA, notice=dm(1, title), key=key)


def queue_request_with_followers(engine: Engine, clock: MutableClock) -> int:
    """A new request (its card is queued), then a thread notice and a DM about it. Returns the request id."""
    with transaction(engine) as session:
        ctx = ctx_for(session, OWNER, now=clock.now)
        request = new_request(ctx, title="Ten tips")
        notify.to_thread(
            ctx,
            request=request,
            notice=Notice(t(texts.DRAFT_IN_THREAD, user=UserRef(ANNA), version=1, owner=UserRef(OWNER))),
            key="thread-1",
        )
        notify.to_user(ctx, user_id=ANNA, notice=dm(request.number, request.title), key="dm-1", request=request)
        assert request.id is not None
        return request.id


def posts(fake: FakeSlack, *, channel: str | None = None, ok: bool | None = None) -> list[Call]:
    return [
        c
        for c in fake.calls_to("chat.postMessage")
        if (channel is None or c.params.get("channel") == channel) and (ok is None or c.ok is ok)
    ]


def row(engine: Engine, *, kind: str, to: dict[str, object] | None = None) -> OutboxMessage:
    with Session(engine) as session:
        rows = session.exec(select(OutboxMessage).where(OutboxMessage.kind == kind)).all()
    matching = [r for r in rows if to is None or r.payload.get("to") == to]
    assert len(matching) == 1, matching
    return matching[0]


def test_a_requests_messages_never_overtake_its_rate_limited_card(
    any_engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    request_id = queue_request_with_followers(any_engine, clock)
    sender = make_sender(any_engine, fake, clock)
    fake.fail_next("chat.postMessage", status=429, retry_after=1)

    sender.drain_until_idle()
    assert [c.params["channel"] for c in posts(fake)] == [CHANNEL], "only the card was tried, and refused"
    assert not posts(fake, ok=True)

    clock.advance(1.5)
    sender.drain_until_idle()
    card, *followers = posts(fake, ok=True)
    assert card.params["channel"] == CHANNEL
    assert "thread_ts" not in card.params
    assert sorted(c.params["channel"] for c in followers) == sorted([CHANNEL, ANNA])
    assert all(card.at < c.at for c in followers)
    with Session(any_engine) as session:
        request = session.get(ContentRequest, request_id)
        assert request is not None
    (thread_reply,) = [c for c in followers if c.params["channel"] == CHANNEL]
    assert thread_reply.params["thread_ts"] == request.card_ts
    assert [m["ts"] for m in fake.messages(CHANNEL) if m["thread_ts"] is None] == [request.card_ts]


def test_retry_after_is_honoured_and_a_rate_limit_uses_up_no_attempt(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    queue_request_with_followers(engine, clock)
    sender = make_sender(engine, fake, clock)
    fake.fail_next("chat.postMessage", status=429, retry_after=5)
    sender.drain()
    assert len(posts(fake, channel=CHANNEL)) == 1

    clock.advance(4.9)
    sender.drain_until_idle()
    assert len(posts(fake, channel=CHANNEL)) == 1, "not sent again before Retry-After passed"
    card = row(engine, kind="card")
    assert (card.attempts, card.last_error, card.sent_at) == (0, "ratelimited", None)

    clock.advance(0.2)
    sender.drain_until_idle()
    assert [c.ok for c in posts(fake, channel=CHANNEL)] == [False, True, True]  # card, then its thread reply
    assert row(engine, kind="card").sent_at is not None


def test_server_errors_are_retried_with_growing_waits_and_delivered_once(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    queue_dm(engine, clock)
    sender = make_sender(engine, fake, clock)
    fake.fail_next("chat.postMessage", status=503, times=2)

    sender.drain_until_idle()
    assert len(posts(fake, channel=ANNA)) == 1
    clock.advance(1.9)  # first wait: 2 s
    sender.drain_until_idle()
    assert len(posts(fake, channel=ANNA)) == 1
    clock.advance(0.2)
    sender.drain_until_idle()
    assert len(posts(fake, channel=ANNA)) == 2
    clock.advance(3.9)  # second wait: 4 s
    sender.drain_until_idle()
    assert len(posts(fake, channel=ANNA)) == 2
    clock.advance(0.2)
    sender.drain_until_idle()

    assert [c.ok for c in posts(fake, channel=ANNA)] == [False, False, True]
    assert len(fake.messages(ANNA)) == 1
    message = row(engine, kind="notice")
    assert (message.attempts, message.last_error) == (2, None)
    assert message.sent_at is not None
    clock.advance(3600)
    sender.drain_until_idle()
    assert len(posts(fake, channel=ANNA)) == 3


def test_a_permanent_error_fails_the_message_for_good_and_tells_the_owner(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    queue_request_with_followers(engine, clock)
    sender = make_sender(engine, fake, clock)
    fake.fail_next("chat.postMessage", status=200, error="channel_not_found")

    sender.drain_until_idle()
    card = row(engine, kind="card")
    assert card.failed_at is not None
    assert (card.last_error, card.attempts, card.sent_at) == ("channel_not_found", 0, None)
    told = [m["text"] for m in fake.messages(OWNER)]
    assert len(told) == 1
    assert "couldn't post #1" in told[0]
    assert "channel_not_found" in told[0]

    clock.advance(3600)
    sender.drain_until_idle()
    assert len(posts(fake, channel=CHANNEL)) == 1, "a permanent failure is not retried"


def test_a_message_that_keeps_failing_is_given_up_after_max_attempts(
    engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    queue_dm(engine, clock)
    sender = make_sender(engine, fake, clock, max_attempts=3)
    fake.fail_next("chat.postMessage", status=500, times=10)
    for _ in range(6):
        sender.drain_until_idle()
        clock.advance(301)  # past the longest backoff
    assert len(posts(fake, channel=ANNA)) == 3
    message = row(engine, kind="notice")
    assert message.failed_at is not None
    assert message.sent_at is None
    assert message.last_error is not None
    assert message.last_error.startswith("gave up after 3 attempts")


def test_a_crashed_senders_claim_expires_and_the_message_is_sent_exactly_once(
    any_engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    queue_dm(any_engine, clock)
    crashed = make_sender(any_engine, fake, clock)
    (dropped,) = [m for m in crashed._claim(50) if m.kind == "notice"]  # claimed, then the process died
    survivor = make_sender(any_engine, fake, clock)

    survivor.drain_until_idle()
    clock.advance(CLAIM_SECONDS - 1)
    survivor.drain_until_idle()
    assert posts(fake, channel=ANNA) == [], "still claimed by the crashed sender"

    clock.advance(2)
    survivor.drain_until_idle()
    survivor.drain_until_idle()
    assert len(posts(fake, channel=ANNA)) == 1
    # Should the crashed sender come back and report its old claim, it changes nothing.
    crashed._finish(dropped, failed=True, error="zombie")
    message = row(any_engine, kind="notice")
    assert message.sent_at is not None
    assert message.failed_at is None


def test_two_senders_draining_one_database_send_each_message_once(
    any_engine: Engine, fake: FakeSlack, clock: MutableClock
) -> None:
    with transaction(any_engine) as session:
        ctx = ctx_for(session, OWNER, now=clock.now)
        for i in range(200):
            notify.to_user(ctx, user_id=f"U{i % 7:07d}", notice=dm(i, f"msg-{i:03d}"), key=f"bulk-{i}")
    senders = [make_sender(any_engine, fake, clock) for _ in range(2)]
    errors: list[BaseException] = []

    def pending() -> int:
        with Session(any_engine) as session:
            return int(
                session.execute(
                    sa.select(sa.func.count())
                    .select_from(OutboxMessage)
                    .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None))
                ).scalar_one()
            )

    def drain(sender: OutboxSender) -> None:
        deadline = time.monotonic() + 20
        try:
            while pending() and time.monotonic() < deadline:
                sender.drain(limit=20)
        except BaseException as error:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=drain, args=(s,)) for s in senders]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    assert pending() == 0

    sent = Counter(
        match.group(0)
        for c in posts(fake, ok=True)
        if (match := re.search(r"msg-\d{3}", str(c.params.get("text")))) is not None
    )
    assert len(sent) == 200
    assert set(sent.values()) == {1}
    assert len(posts(fake)) == 200, "no post was refused or repeated"
