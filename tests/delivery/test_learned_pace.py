"""A fan-out against Slack's workspace limit, with ``outbox.posts_per_minute`` left at 0 as shipped: a tick queues 150
reminder DMs and six "still needs volunteers" warnings into the threads of one channel, and the fake allows 900 posts
a minute counted over a 2 s window (30 per window), and one post a second per channel. The sender bursts until the
first 429, learns from it the rate Slack allows, and spreads the rest: Slack refuses again at most once (bursting
would meet the limit once per window, five times), and the warnings get their one-a-second turns in between the
reminders instead of waiting for the short bursts. Everything arrives once."""

from __future__ import annotations

from collections import Counter

from delivery_seed import (
    TICK_AT,
    assert_exactly_once,
    build_service,
    deliver_seed,
    reminder_of,
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

WINDOW_S = 2.0
PER_MINUTE = 900  # 30 posts per window
REQUESTS, PER_REQUEST = 6, 25
# The first 429 teaches the pace; a pace learned a little too fast (Retry-After is rounded up to whole seconds) is
# corrected by one more. Posting as fast as Slack answers meets the limit once per window: five times here.
MAX_REJECTED = 2


def test_after_a_429_the_sender_spreads_its_posts_to_the_rate_slack_allows(sqlite_url: str, fake: FakeSlack) -> None:
    clock = MovingClock()
    service = build_service(sqlite_url, fake, clock=clock, behaviour={"outbox": {"channel_interval_seconds": 1.0}})
    engine = service.cobot.engine
    assert service.cobot.settings.behaviour.outbox.posts_per_minute == 0, "no pace configured: it is learned"
    try:
        seeded = seed_volunteers(
            engine,
            requests=REQUESTS,
            per_request=PER_REQUEST,
            needs=PER_REQUEST + 2,
            users=user_ids(REQUESTS * PER_REQUEST),
            policy=service.cobot.policy,
            channel=lambda _: CHANNEL,
        )
        deliver_seed(engine, fake, clock=clock)
        with Session(engine) as session:
            cards = {r.number: r.card_ts for r in session.exec(select(ContentRequest).order_by(col(ContentRequest.id)))}
        fake.set_rate_limits(
            per_channel_per_second=1.0, workspace_per_minute=PER_MINUTE, workspace_window_seconds=WINDOW_S
        )
        clock.advance(TICK_AT - clock())

        service.sender.start()
        summary = run_tick(service.cobot)
        assert summary.queued == Counter({"remind:draft": REQUESTS * PER_REQUEST, "warn:unfilled": REQUESTS})
        elapsed = wait_until_finished(engine, key_prefix="", timeout=60, wake=service.sender.wake)
    finally:
        service.close()

    calls = fake.calls_to("chat.postMessage")
    accepted = [c for c in calls if c.ok]
    reminders = [c for c in accepted if reminder_of(c) is not None]
    warnings = [(found, c) for c in accepted if (found := warning_of(c)) is not None]
    print(
        f"\n{len(accepted)} messages in {elapsed:.1f} s against {PER_MINUTE}/min over {WINDOW_S:g} s windows; "
        f"{len(calls)} calls, refused with 429: {fake.rejected_count}; last warning "
        f"{warnings[-1][1].at - calls[0].at:.1f} s, last reminder {reminders[-1].at - calls[0].at:.1f} s in"
    )

    assert_exactly_once(engine, fake, seeded.due)
    assert Counter(found for found, _ in warnings) == Counter({(CHANNEL, number): 1 for number in seeded.numbers})
    assert all(c.params["thread_ts"] == cards[number] for (_, number), c in warnings), "each in its card's thread"
    assert unfinished(engine) == 0
    assert len(accepted) == REQUESTS * PER_REQUEST + REQUESTS

    assert fake.rejected_count >= 1, "the fan-out met the workspace limit (else this test shows nothing)"
    assert fake.rejected_count <= MAX_REJECTED, "after a 429 the sender spreads its posts instead of bursting again"
    # Spread posts leave room for the channel's turns: its warnings are all out while reminders are still going.
    # Bursting, the warnings got one turn per burst and the last ones came after every reminder.
    assert warnings[-1][1].at < reminders[-1].at
