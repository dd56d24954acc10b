"""Exactly once at Slack's pace: a tick fans out 60 reminder DMs (two per colleague) and six "still needs
volunteers" warnings into the threads of one channel, while the fake enforces Slack's posting limits (one message a
second per channel, 600 a minute per workspace). The sender paces itself to match (``channel_interval_seconds: 1``):
everything arrives once, posts into one channel are at least ~1 s apart, and Slack hardly ever has to refuse one."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import pairwise

from delivery_seed import (
    TICK_AT,
    assert_exactly_once,
    build_service,
    deliver_seed,
    seed_volunteers,
    unfinished,
    user_ids,
    wait_until_finished,
    warning_of,
)
from sqlmodel import Session, col, select

from bot.runtime.scheduler import run_tick
from fake_slack import FakeSlack
from harness import CHANNEL, MovingClock
from storage.models import ContentRequest

MIN_SPACING_S = 0.9
MAX_REJECTED = 1


def test_a_paced_fan_out_is_delivered_once_without_hammering_slack(sqlite_url: str, fake: FakeSlack) -> None:
    clock = MovingClock()
    service = build_service(sqlite_url, fake, clock=clock, behaviour={"outbox": {"channel_interval_seconds": 1.0}})
    engine = service.cobot.engine
    users = user_ids(30)
    try:
        # Six requests in one channel, each wanting 12 volunteers and getting 10: 60 reminders and 6 warnings.
        seeded = seed_volunteers(
            engine,
            requests=6,
            per_request=10,
            needs=12,
            users=users,
            policy=service.cobot.policy,
            channel=lambda _: CHANNEL,
        )
        deliver_seed(engine, fake, clock=clock)
        with Session(engine) as session:
            cards = {r.number: r.card_ts for r in session.exec(select(ContentRequest).order_by(col(ContentRequest.id)))}
        fake.set_rate_limits(per_channel_per_second=1.0, workspace_per_minute=600)
        clock.advance(TICK_AT - clock())

        service.sender.start()
        summary = run_tick(service.cobot)
        assert summary.queued == Counter({"remind:draft": 60, "warn:unfilled": 6})
        elapsed = wait_until_finished(engine, key_prefix="", timeout=30, wake=service.sender.wake)
    finally:
        service.close()

    calls = fake.calls_to("chat.postMessage")
    accepted = [c for c in calls if c.ok]
    print(
        f"\n66 messages (60 DMs to 30 people, 6 into one channel) in {elapsed:.1f} s "
        f"({len(accepted) / elapsed:.1f}/s); {len(calls)} calls, "
        f"rejected by the fake's limits: {fake.rejected_count}"
    )

    assert_exactly_once(engine, fake, seeded.due)
    warnings = [(found, c.params["thread_ts"]) for c in accepted if (found := warning_of(c)) is not None]
    assert Counter(found for found, _ in warnings) == Counter({(CHANNEL, number): 1 for number in seeded.numbers})
    assert all(thread == cards[number] for (_, number), thread in warnings), "each warning is in its card's thread"
    assert unfinished(engine) == 0
    assert len(accepted) == 66

    by_channel: dict[str, list[float]] = defaultdict(list)
    for call in accepted:
        by_channel[str(call.params["channel"])].append(call.at)
    gaps = {channel: min(b - a for a, b in pairwise(times)) for channel, times in by_channel.items() if len(times) > 1}
    assert len(by_channel[CHANNEL]) == 6
    assert len(gaps) == 31, "the shared channel and every colleague's DM channel got more than one post"
    too_close = {channel: round(gap, 3) for channel, gap in gaps.items() if gap < MIN_SPACING_S}
    assert not too_close, f"posts into one channel less than {MIN_SPACING_S} s apart: {too_close}"
    assert fake.rejected_count <= MAX_REJECTED, "the sender paces itself instead of leaning on 429s"
