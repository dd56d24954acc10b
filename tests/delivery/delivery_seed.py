"""Shared set-up for the delivery tests: many due draft reminders, seeded through the real handlers, and ways to
count what reached the fake Slack Web API and what the outbox says about it.

Requests are created by their owner and volunteered for by colleagues (``create_request``, ``volunteer_for_request``
in one transaction), with the drafts due on a Thursday, so that on the Wednesday at 10:00 in Copenhagen the
"1 day before" reminder of every volunteer is due and falls in working hours. The colleagues are known to Cobot
already, time zone and all; the seed's own messages (the requests' cards) are delivered before a test starts
counting, so that every call counted afterwards is one the tick caused.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from factories import ctx_for, new_request
from slack_sdk import WebClient
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings
from bot.runtime.outbox import OutboxSender
from bot.slack.app import SlackService, build_slack_service
from bot.slack.transport import SlackTransport
from fake_slack import Call, FakeSlack
from handlers.context import Policy
from handlers.volunteering import volunteer_for_request
from harness import BOT_TOKEN, SIGNING_SECRET, TEAM
from storage import queries
from storage.db import make_engine, transaction
from storage.migrate import upgrade_to_head
from storage.models import OutboxMessage

SEED_AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # Monday 09:00 in Copenhagen (the harness's START)
DUE = date(2026, 11, 26)  # a Thursday
D3_AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # "3 days before": Monday 09:00 in Copenhagen
D1_AT = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # "1 day before": Wednesday 09:00 in Copenhagen
TICK_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Copenhagen: in working hours
OWNER = "U0OWNER"
REMINDER_KEY = "remind:draft:"

# The rendered "1 day before" reminder and the "3 days before" one (handlers.texts REMINDER_DRAFT_*).
_D1_TEXT = re.compile(r"^Your draft for #(\d+) .* is due ")
_D3_TEXT = re.compile(r"^Friendly reminder: your draft for #(\d+) ")
_WARNING_TEXT = re.compile(r"^#(\d+) .* still needs volunteers \(\d+ more wanted\)")


def user_ids(count: int, *, prefix: str = "U9") -> list[str]:
    return [f"{prefix}{index:06d}" for index in range(count)]


@dataclass(frozen=True)
class Seeded:
    numbers: list[int]
    """Request numbers, in the order they were created."""
    due: set[tuple[str, int]]
    """(volunteer, request number): one "1 day before" reminder is owed for each."""


def seed_volunteers(
    engine: Engine,
    *,
    requests: int,
    per_request: int,
    users: Sequence[str],
    policy: Policy,
    needs: int | None = None,
    channel: Callable[[int], str] = lambda index: f"C{index:05d}",
    now: datetime = SEED_AT,
) -> Seeded:
    """``requests`` requests due on ``DUE``, each with ``per_request`` active volunteers taken round-robin from
    ``users`` (a colleague may help on several requests). ``needs`` defaults to ``per_request``: fully staffed,
    so no "needs more volunteers" warnings join the reminders."""
    numbers: list[int] = []
    due: set[tuple[str, int]] = set()
    position = 0
    with transaction(engine) as session:
        workspace = queries.get_or_create_workspace(session=session, platform="slack", external_id=TEAM, now=now)
        assert workspace.id is not None
        for user in (OWNER, *users):
            # Colleagues Cobot knows already, time zone and all (so no profile look-ups join the seed's messages).
            member, _ = queries.get_or_create_member(
                session=session, workspace_id=workspace.id, user_id=user, now=now, display_name=user.lower()
            )
            member.tz, member.profile_fetched_at = "Europe/Copenhagen", now
            session.add(member)
        # A bulk load of test data, not one person posting: the hourly limit on new requests does not apply.
        bulk = replace(policy, requests_per_hour=0)
        owner = ctx_for(session, OWNER, now=now, policy=bulk, workspace=TEAM, channel_id=None)
        for index in range(requests):
            request = new_request(
                owner,
                title=f"Guide {index:04d}",
                deadline=DUE,
                needs=needs or per_request,
                channel_id=channel(index),
            )
            numbers.append(request.number)
            for _ in range(per_request):
                user = users[position % len(users)]
                position += 1
                ctx = ctx_for(session, user, now=now, policy=policy, workspace=TEAM, channel_id=None)
                volunteer_for_request(ctx, number=request.number)
                assert (user, request.number) not in due, "a colleague volunteers once per request"
                due.add((user, request.number))
    return Seeded(numbers=numbers, due=due)


def deliver_seed(engine: Engine, fake: FakeSlack, *, clock: Callable[[], datetime]) -> None:
    """Sends the seed's messages (the cards) with a sender of its own, checks they all went out, and makes
    the fake forget those calls."""
    client = WebClient(token=BOT_TOKEN, base_url=fake.api_url, timeout=10)
    transport = SlackTransport(client=client, clock=clock, channel_interval=0)
    sender = OutboxSender(engine=engine, transports={"slack": transport}, clock=clock)
    sender.drain_until_idle(max_passes=1000)
    assert unfinished(engine) == 0, "the seed's own messages were all delivered"
    fake.reset()


def wait_for_seed(engine: Engine, fake: FakeSlack, wake: Callable[[], None], *, timeout: float = 30.0) -> None:
    """Waits until a running sender has delivered the seed's messages, then makes the fake forget those calls."""
    deadline = time.monotonic() + timeout
    while unfinished(engine):
        assert time.monotonic() < deadline, f"seed not delivered within {timeout} s"
        wake()
        time.sleep(0.05)
    fake.reset()


# --- the outbox --------------------------------------------------------------------------------------------------


def unfinished(engine: Engine, *, key_prefix: str = "") -> int:
    """Outbox rows neither sent nor failed (whatever their time)."""
    with Session(engine) as session:
        return int(
            session.execute(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(
                    col(OutboxMessage.sent_at).is_(None),
                    col(OutboxMessage.failed_at).is_(None),
                    col(OutboxMessage.dedupe_key).startswith(key_prefix),
                )
            ).scalar_one()
        )


def rows(engine: Engine, *, key_prefix: str = REMINDER_KEY) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.dedupe_key).startswith(key_prefix))
                .order_by(col(OutboxMessage.id))
            ).all()
        )


def wait_until_finished(engine: Engine, *, key_prefix: str, timeout: float, wake: Callable[[], None]) -> float:
    """Waits until no row with the key prefix is left unsent and unfailed; returns the seconds it took."""
    started = time.monotonic()
    while unfinished(engine, key_prefix=key_prefix):
        elapsed = time.monotonic() - started
        assert elapsed < timeout, (
            f"{unfinished(engine, key_prefix=key_prefix)} message(s) still waiting after {timeout} s"
        )
        wake()
        time.sleep(0.05)
    return time.monotonic() - started


# --- the fake's side ---------------------------------------------------------------------------------------------


def reminder_of(call: Call) -> tuple[str, int, str] | None:
    """(recipient, request number, "d1" | "d3") when the call is a draft reminder DM, else None."""
    if call.method != "chat.postMessage":
        return None
    text = str(call.params.get("text") or "")
    for label, pattern in (("d1", _D1_TEXT), ("d3", _D3_TEXT)):
        match = pattern.match(text)
        if match is not None:
            return str(call.params.get("channel")), int(match.group(1)), label
    return None


def warning_of(call: Call) -> tuple[str, int] | None:
    """(channel, request number) when the call is a "still needs volunteers" thread warning, else None."""
    if call.method != "chat.postMessage" or not call.params.get("thread_ts"):
        return None
    match = _WARNING_TEXT.match(str(call.params.get("text") or ""))
    return (str(call.params.get("channel")), int(match.group(1))) if match is not None else None


def delivered_reminders(fake: FakeSlack, *, label: str = "d1") -> Counter[tuple[str, int]]:
    """How many times Slack accepted a reminder of ``label`` for each (recipient, request number)."""
    counts: Counter[tuple[str, int]] = Counter()
    for call in fake.calls_to("chat.postMessage"):
        found = reminder_of(call)
        if call.ok and found is not None and found[2] == label:
            counts[found[0], found[1]] += 1
    return counts


def stored_reminder_dms(fake: FakeSlack) -> Counter[tuple[str, int]]:
    """Reminders as Slack stores them in the DM channels (``D<user>``), per (recipient, request number)."""
    counts: Counter[tuple[str, int]] = Counter()
    for message in fake.messages():
        match = _D1_TEXT.match(message["text"]) or _D3_TEXT.match(message["text"])
        if match is not None and message["channel"].startswith("D"):
            counts[message["channel"][1:], int(match.group(1))] += 1
    return counts


def assert_exactly_once(engine: Engine, fake: FakeSlack, due: set[tuple[str, int]]) -> None:
    """Every owed reminder reached Slack once (one accepted call, one stored DM), and its outbox row says sent."""
    accepted = delivered_reminders(fake)
    doubled = {pair: n for pair, n in accepted.items() if n > 1}
    assert not doubled, f"{len(doubled)} reminder(s) sent more than once, e.g. {sorted(doubled.items())[:5]}"
    missing = due - set(accepted)
    assert not missing, f"{len(missing)} reminder(s) never arrived, e.g. {sorted(missing)[:5]}"
    assert set(accepted) == due, f"unexpected reminders: {sorted(set(accepted) - due)[:5]}"
    assert stored_reminder_dms(fake) == Counter(dict.fromkeys(due, 1))
    assert not delivered_reminders(fake, label="d3"), "the stale '3 days before' reminder was not sent"
    reminders = rows(engine)
    assert len(reminders) == len(due), "one outbox row per owed reminder"
    assert len({(r.workspace_id, r.dedupe_key) for r in reminders}) == len(reminders)
    assert [r for r in reminders if r.failed_at is not None] == []
    assert [r.dedupe_key for r in reminders if r.sent_at is None] == []
    assert all(r.dedupe_key.endswith(f"{DUE.isoformat()}:d1") for r in reminders)


# --- Cobot itself ------------------------------------------------------------------------------------------------


def build_service(
    database_url: str, fake: FakeSlack, *, clock: Callable[[], datetime], behaviour: dict[str, Any] | None = None
) -> SlackService:
    """Cobot on Slack as ``cobot serve`` builds it (its sender not started yet), on the given database and clock,
    talking to the fake. Several of these on one database are several processes."""
    raw = {"outbox": {"channel_interval_seconds": 0}, **(behaviour or {})}
    settings = Settings(
        behaviour=Behaviour.model_validate(raw),
        env=Environment.model_validate(
            {
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": SIGNING_SECRET,
                "slack_api_url": fake.api_url,
                "database_url": database_url,
            }
        ),
    )
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    service = build_slack_service(
        create_app(settings, clock=clock, engine=engine), token=BOT_TOKEN, signing_secret=None
    )
    service.sender.idle_seconds = 0.05
    return service
