"""Exactly once through Slack's bad moments: 200 due reminders drained by the background sender while the Web API
answers bursts of 429 (with ``Retry-After``) and of 500/503, injected as the drain goes on. Every volunteer gets one
reminder, none is lost or doubled, the sender waits out every ``Retry-After`` before calling the method again, and
the whole drain takes a bounded time."""

from __future__ import annotations

import time
from collections import Counter

from delivery_seed import (
    REMINDER_KEY,
    TICK_AT,
    assert_exactly_once,
    build_service,
    deliver_seed,
    reminder_of,
    rows,
    seed_volunteers,
    user_ids,
    wait_until_finished,
)

from bot.runtime.scheduler import run_tick
from fake_slack import FakeSlack
from harness import MovingClock

RETRY_AFTER = 1
BACKOFF_AFTER_FIRST_ERROR = 2.0  # bot.runtime.outbox.backoff_seconds(1)
# (accepted posts to wait for, status, how many calls in a row fail); the first burst is armed before the tick.
BURSTS = [(0, 429, 2), (30, 500, 30), (70, 429, 2), (100, 503, 30), (130, 429, 1), (140, 500, 10)]
DRAIN_LIMIT_S = 30.0


def test_bursts_of_429_and_5xx_while_draining_deliver_every_reminder_exactly_once(
    sqlite_url: str, fake: FakeSlack
) -> None:
    clock = MovingClock()
    service = build_service(sqlite_url, fake, clock=clock)
    engine = service.cobot.engine
    users = user_ids(200)
    try:
        seeded = seed_volunteers(engine, requests=40, per_request=5, users=users, policy=service.cobot.policy)
        deliver_seed(engine, fake, clock=clock)
        clock.advance(TICK_AT - clock())
        service.sender.start()

        injected: list[int] = []
        started = time.monotonic()
        for accepted, status, times in BURSTS:
            if accepted:
                fake.wait_for("chat.postMessage", lambda c: c.ok, count=accepted, timeout=DRAIN_LIMIT_S)
            fake.fail_next("chat.postMessage", status=status, times=times, retry_after=RETRY_AFTER)
            injected += [status] * times
            if not accepted:
                summary = run_tick(service.cobot)
                assert summary.queued == Counter({"remind:draft": 200})
        wait_until_finished(engine, key_prefix=REMINDER_KEY, timeout=DRAIN_LIMIT_S, wake=service.sender.wake)
        elapsed = time.monotonic() - started
    finally:
        service.close()

    calls = fake.calls_to("chat.postMessage")
    rejected = [c for c in calls if not c.ok]
    assert len(rejected) == len(injected), "every injected failure was met, and nothing else failed"
    statuses = dict(zip((id(c) for c in rejected), injected, strict=True))
    print(
        f"\n200 reminders through {len(injected)} injected failures "
        f"({Counter(injected)}): drained in {elapsed:.1f} s, {len(calls)} chat.postMessage calls"
    )

    assert_exactly_once(engine, fake, seeded.due)

    # Retry-After: after a 429, chat.postMessage is not called again (for any message) until it has passed.
    for limited in (c for c in rejected if statuses[id(c)] == 429):
        too_soon = [c for c in calls if limited.at < c.at < limited.at + RETRY_AFTER - 0.01]
        assert not too_soon, f"{len(too_soon)} call(s) within {RETRY_AFTER} s of a 429"

    # A 5xx backs off the message that met it: its next try comes after the first backoff at the earliest.
    for failed in (c for c in rejected if statuses[id(c)] >= 500):
        reminder = reminder_of(failed)
        assert reminder is not None
        later = [c for c in calls if c.at > failed.at and reminder_of(c) == reminder]
        assert later, f"{reminder} was never tried again"
        assert later[0].at - failed.at >= BACKOFF_AFTER_FIRST_ERROR - 0.05

    # A 5xx uses up an attempt, a 429 does not; nothing came near max_attempts.
    server_errors = sum(1 for status in injected if status >= 500)
    assert sum(r.attempts for r in rows(engine)) == server_errors
    assert max(r.attempts for r in rows(engine)) < service.sender.max_attempts
    assert elapsed < DRAIN_LIMIT_S
