"""Exactly once across restarts: a sender stopped in the middle of a drain, a new process that finishes it, a tick
run again after the restart, and a service that was down across both reminder moments.

The drain is slowed the way Slack slows it: the fake allows one post a second per channel and every colleague is
owed three reminders, so their DM channel takes a few seconds to go through (the sender paces itself to match).
"""

from __future__ import annotations

import time
from collections import Counter
from datetime import UTC, datetime

from delivery_seed import (
    D1_AT,
    D3_AT,
    REMINDER_KEY,
    TICK_AT,
    assert_exactly_once,
    build_service,
    deliver_seed,
    delivered_reminders,
    rows,
    seed_volunteers,
    user_ids,
    wait_until_finished,
)
from sqlalchemy import Engine

from bot.runtime.scheduler import run_tick
from fake_slack import FakeSlack
from harness import MovingClock

PACED = {"outbox": {"channel_interval_seconds": 1.0}}
STOP_AFTER = 75  # accepted reminders before the first sender is stopped (mid-pass: the pass is finished)


def sent_rows(engine: Engine) -> int:
    return sum(1 for r in rows(engine) if r.sent_at is not None)


def seed_300(sqlite_url: str, fake: FakeSlack, clock: MovingClock) -> set[tuple[str, int]]:
    """300 reminders due at ``TICK_AT``: 60 requests with 5 volunteers each, 100 colleagues with 3 requests each."""
    service = build_service(sqlite_url, fake, clock=clock)
    users = user_ids(100)
    try:
        seeded = seed_volunteers(
            service.cobot.engine, requests=60, per_request=5, users=users, policy=service.cobot.policy
        )
        deliver_seed(service.cobot.engine, fake, clock=clock)
    finally:
        service.close()
    assert len(seeded.due) == 300
    return seeded.due


def test_a_sender_stopped_mid_drain_and_a_new_process_deliver_every_reminder_exactly_once(
    sqlite_url: str, fake: FakeSlack
) -> None:
    clock = MovingClock()
    due = seed_300(sqlite_url, fake, clock)
    fake.set_rate_limits(per_channel_per_second=1.0)
    clock.advance(TICK_AT - clock())

    first = build_service(sqlite_url, fake, clock=clock, behaviour=PACED)
    try:
        first.sender.start()
        assert run_tick(first.cobot).queued == Counter({"remind:draft": 300})
        fake.wait_for("chat.postMessage", lambda c: c.ok, count=STOP_AFTER, timeout=20)
        first.sender.stop()
        stopped_at = time.monotonic()

        sent_before = delivered_reminders(fake)
        print(f"\nstopped after {sum(sent_before.values())} of 300 reminders")
        assert STOP_AFTER <= sum(sent_before.values()) < 300, "stopped part way"
        assert set(sent_before.values()) == {1}
        engine = first.cobot.engine
        assert sent_rows(engine) == sum(sent_before.values()), "the database knows exactly what Slack accepted"
        assert [r.id for r in rows(engine) if r.sent_at is None and r.claimed_until is not None] == [], (
            "a stopped sender leaves no claim behind for the next process to wait out"
        )
        fake.assert_no_call("chat.postMessage", lambda c: c.at > stopped_at, within=0.3)
    finally:
        first.close()

    # The process comes back: a new Cobot with a new sender on the same database.
    second = build_service(sqlite_url, fake, clock=MovingClock(clock()), behaviour=PACED)
    try:
        second.sender.start()
        elapsed = wait_until_finished(second.cobot.engine, key_prefix=REMINDER_KEY, timeout=20, wake=second.sender.wake)
        print(f"the new process sent the other {300 - sum(sent_before.values())} in {elapsed:.1f} s")
        assert_exactly_once(second.cobot.engine, fake, due)

        # The tick runs again after the restart (as the scheduler's first tick does): nothing is new.
        second.sender.stop()
        calls = len(fake.calls)
        assert run_tick(second.cobot).total == 0
        assert second.sender.drain_until_idle() == 0
        assert len(fake.calls) == calls
        assert_exactly_once(second.cobot.engine, fake, due)
    finally:
        second.close()
    print(f"rejected by the fake's per-channel limit: {fake.rejected_count}")


def test_a_stopped_sender_started_again_resumes_the_drain(sqlite_url: str, fake: FakeSlack) -> None:
    clock = MovingClock()
    due = seed_300(sqlite_url, fake, clock)
    fake.set_rate_limits(per_channel_per_second=1.0)
    clock.advance(TICK_AT - clock())

    service = build_service(sqlite_url, fake, clock=clock, behaviour=PACED)
    try:
        service.sender.start()
        run_tick(service.cobot)
        fake.wait_for("chat.postMessage", lambda c: c.ok, count=STOP_AFTER, timeout=20)
        service.sender.stop()
        assert sum(delivered_reminders(fake).values()) < 300

        service.sender.start()
        wait_until_finished(service.cobot.engine, key_prefix=REMINDER_KEY, timeout=20, wake=service.sender.wake)
        assert_exactly_once(service.cobot.engine, fake, due)
    finally:
        service.close()


def test_after_downtime_across_both_reminder_moments_only_the_one_day_reminder_is_sent(
    sqlite_url: str, fake: FakeSlack
) -> None:
    sunday = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    clock = MovingClock(sunday)
    users = user_ids(20)
    before = build_service(sqlite_url, fake, clock=clock)
    try:
        seeded = seed_volunteers(
            before.cobot.engine, requests=4, per_request=5, users=users, policy=before.cobot.policy, now=sunday
        )
        deliver_seed(before.cobot.engine, fake, clock=clock)
        assert run_tick(before.cobot).total == 0, "on Sunday nothing is due yet"
    finally:
        before.close()  # down from Sunday until Wednesday

    assert D3_AT < D1_AT < TICK_AT
    after = build_service(sqlite_url, fake, clock=MovingClock(TICK_AT))
    try:
        after.sender.start()
        summary = run_tick(after.cobot)
        assert summary.queued == Counter({"remind:draft": 20})
        wait_until_finished(after.cobot.engine, key_prefix=REMINDER_KEY, timeout=10, wake=after.sender.wake)
        assert_exactly_once(after.cobot.engine, fake, seeded.due)  # d1 only: no "3 days to go" after the fact
        assert run_tick(after.cobot).total == 0
    finally:
        after.close()
