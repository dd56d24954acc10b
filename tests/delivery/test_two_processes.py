"""Exactly once with two instances at once: two ``cobot tick`` processes started together on one PostgreSQL database
both queue the due reminders (dedupe keys: ``INSERT … ON CONFLICT DO NOTHING``) and both drain the outbox
(``FOR UPDATE SKIP LOCKED`` claims); and, cheaper, two in-process Cobots doing the same on SQLite (``BEGIN
IMMEDIATE`` claims). Whichever instance does which share, the union is every reminder exactly once."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from delivery_seed import (
    TICK_AT,
    assert_exactly_once,
    build_service,
    deliver_seed,
    delivered_reminders,
    seed_volunteers,
    user_ids,
)
from factories import MutableClock

from bot.runtime.outbox import CLAIM_SECONDS
from bot.runtime.scheduler import TickSummary, run_tick
from fake_slack import FakeSlack
from harness import BOT_TOKEN, MovingClock

COBOT = Path(sys.executable).parent / "cobot"
REQUESTS, PER_REQUEST = 52, 10  # 520 volunteers, each owed one "1 day before" reminder
PROCESS_TIMEOUT_S = 60


def seed_520(database_url: str, fake: FakeSlack) -> set[tuple[str, int]]:
    clock = MovingClock()
    service = build_service(database_url, fake, clock=clock)
    users = user_ids(REQUESTS * PER_REQUEST)
    try:
        seeded = seed_volunteers(
            service.cobot.engine, requests=REQUESTS, per_request=PER_REQUEST, users=users, policy=service.cobot.policy
        )
        deliver_seed(service.cobot.engine, fake, clock=clock)
    finally:
        service.close()
    assert len(seeded.due) == REQUESTS * PER_REQUEST
    return seeded.due


def run_two_ticks(database_url: str, fake: FakeSlack, config: Path) -> list[str]:
    """Starts ``cobot tick --at TICK_AT`` twice at once and returns each one's output; kills both on any trouble."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "COBOT_"))}
    env.update(
        DATABASE_URL=database_url,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_API_URL=fake.api_url,
        COBOT_CONFIG=str(config),
        PYTHONDONTWRITEBYTECODE="1",
    )
    command = [str(COBOT), "tick", "--at", TICK_AT.isoformat()]
    processes: list[subprocess.Popen[str]] = []
    try:
        for _ in range(2):
            processes.append(
                subprocess.Popen(
                    command,
                    env=env,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.STDOUT,
                    text=True,
                    start_new_session=True,  # its own process group, so a kill reaches anything it started
                )
            )
        outputs = [process.communicate(timeout=PROCESS_TIMEOUT_S)[0] for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
    for process, output in zip(processes, outputs, strict=True):
        assert process.returncode == 0, output
    return outputs


def count_of(pattern: str, output: str) -> int:
    match = re.search(pattern, output)
    assert match is not None, output
    return int(match.group(1))


@pytest.mark.postgres
def test_two_cobot_tick_processes_at_once_send_each_reminder_exactly_once(
    postgres_url: str, fake: FakeSlack, tmp_path: Path
) -> None:
    due = seed_520(postgres_url, fake)
    config = tmp_path / "app.yaml"
    config.write_text("outbox:\n  channel_interval_seconds: 0\n", encoding="utf-8")

    started = time.monotonic()
    outputs = run_two_ticks(postgres_url, fake, config)
    elapsed = time.monotonic() - started

    queued = [count_of(r"queued (\d+) message", output) for output in outputs]
    sent = [count_of(r"sent (\d+) message", output) for output in outputs]
    print(
        f"\ntwo `cobot tick` processes on PostgreSQL: {len(due)} reminders in {elapsed:.1f} s "
        f"(process start-up included); queued {queued}, sent {sent}, "
        f"{len(fake.calls_to('chat.postMessage'))} chat.postMessage calls"
    )
    assert sum(queued) == len(due), "each reminder was queued by one process only"
    assert sum(sent) == len(due), "each reminder was sent by one process only"

    service = build_service(postgres_url, fake, clock=MovingClock(TICK_AT))
    try:
        assert_exactly_once(service.cobot.engine, fake, due)
    finally:
        service.close()
    assert all(c.ok for c in fake.calls), "no call was refused"


def test_two_cobots_on_threads_tick_and_drain_sqlite_each_reminder_exactly_once(
    sqlite_url: str, fake: FakeSlack
) -> None:
    due = seed_520(sqlite_url, fake)
    # Two instances as `cobot tick --at` builds them: a clock standing at the given time, the sender not started.
    services = [build_service(sqlite_url, fake, clock=lambda: TICK_AT) for _ in range(2)]
    start = threading.Barrier(len(services))
    summaries: list[TickSummary] = []
    sent: list[int] = []
    errors: list[BaseException] = []

    def tick_and_drain(index: int) -> None:
        try:
            start.wait(timeout=10)
            summaries.append(run_tick(services[index].cobot))
            sent.append(services[index].sender.drain_until_idle())
        except BaseException as error:  # surfaced below; a thread's exception would otherwise vanish
            errors.append(error)

    threads = [threading.Thread(target=tick_and_drain, args=(i,)) for i in range(len(services))]
    started = time.monotonic()
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(PROCESS_TIMEOUT_S)
        elapsed = time.monotonic() - started
        assert not any(thread.is_alive() for thread in threads)
        assert errors == []
        print(
            f"\ntwo in-process Cobots on SQLite: {len(due)} reminders in {elapsed:.1f} s; "
            f"queued {[s.total for s in summaries]}, sent {sent}"
        )
        assert sum((s.queued for s in summaries), Counter()) == Counter({"remind:draft": len(due)})
        assert sum(sent) == len(due)
        assert_exactly_once(services[0].cobot.engine, fake, due)
    finally:
        for service in services:
            service.close()


def test_a_pass_that_outlives_its_claims_sends_nothing_another_sender_took_over(
    sqlite_url: str, fake: FakeSlack
) -> None:
    """Slack answers so slowly that one sender's pass runs past its claims (50 messages × a 10 s timeout can take
    minutes): what it has not sent by then may be claimed by another sender, so it must not send it as well."""
    clock = MovingClock()
    service = build_service(sqlite_url, fake, clock=clock)
    users = user_ids(300)
    try:
        seeded = seed_volunteers(
            service.cobot.engine, requests=30, per_request=10, users=users, policy=service.cobot.policy
        )
        deliver_seed(service.cobot.engine, fake, clock=clock)
    finally:
        service.close()

    wall = MutableClock(TICK_AT)  # both instances read the same clock, which the test moves as "Slack is slow"
    slow, other = (build_service(sqlite_url, fake, clock=wall) for _ in range(2))
    errors: list[BaseException] = []

    def one_long_pass() -> None:
        try:
            slow.sender.drain(limit=len(seeded.due))  # claims all 300, then sends them one by one
        except BaseException as error:  # surfaced below
            errors.append(error)

    thread = threading.Thread(target=one_long_pass)
    try:
        assert run_tick(slow.cobot).total == len(seeded.due)
        thread.start()
        fake.wait_for("chat.postMessage", lambda c: c.ok, count=10, timeout=10)
        wall.advance(CLAIM_SECONDS - 30)  # the claims are running out, but still held
        time.sleep(0.1)
        wall.advance(31)  # now they have run out: another sender may take the rest over
        other.sender.drain_until_idle()
        thread.join(PROCESS_TIMEOUT_S)
        assert not thread.is_alive()
        assert errors == []
        slow.sender.drain_until_idle()
        other.sender.drain_until_idle()
        accepted = delivered_reminders(fake)
        print(f"\nslow pass: {sum(accepted.values())} posts for {len(seeded.due)} reminders")
        assert_exactly_once(slow.cobot.engine, fake, seeded.due)
    finally:
        for service in (slow, other):
            service.close()
