"""Fan-out: a thousand reminders fall due at once and the outbox sender delivers them at the pace Slack allows.

    .venv/bin/python bench/bench_fanout.py [--quick] [--runs 3] [--reminders 1000] [--window 10]

A workspace is seeded (bulk INSERTs) with ``--reminders`` volunteers, each on one of 100 requests due tomorrow,
so that one scheduler tick (``bot.runtime.scheduler.run_tick``, on a Wednesday at 10:00 in Copenhagen) queues one
"1 day before" reminder DM per volunteer; ``--threads`` of the requests, all in one channel, still lack
volunteers, so the same tick also queues a "still needs volunteers" warning into each of their threads. The fake
Slack Web API (``tests/fake_slack.FakeSlack``, in a process of its own) enforces Slack's posting limits: about one
message a second per channel (a token bucket holding two), and a workspace-wide limit of
``--workspace-per-minute`` messages counted over a sliding window of ``--window`` seconds (the fake's own window
is 60 s; a shorter one keeps a run short while the limit keeps its meaning as a rate), answering ``429`` with
``Retry-After`` beyond them. Cobot's sender (the same ``OutboxSender`` and ``SlackTransport`` as ``cobot serve``,
with ``app.yaml``'s pacing of one post per channel a second) then drains the outbox.

It prints the time from the tick to the last message Slack accepted, the least time the limits allow for that
many messages (the window's count and the channel's bucket, for a sender that never waits for anything else),
their ratio (the share of the allowed rate reached), how many messages were lost (owed but never accepted) or
duplicated (accepted more than once), how many calls the fake refused with 429, and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import common
import sqlalchemy as sa
from common import BOT_TOKEN, FakeSlackProcess, footer, header, loadavg, table
from seed import insert
from sqlmodel import Session, col

from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings, load_settings
from bot.runtime.scheduler import run_tick
from bot.slack.app import build_slack_service
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.models import ContentRequest, Member, OutboxMessage, RequestStatus, ReviewState, Volunteer, VolunteerState
from storage.models import Workspace as WorkspaceRow

TEAM = "T0BENCH"
DUE = date(2026, 11, 26)  # a Thursday
TICK_AT = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)  # Wednesday 10:00 in Copenhagen: the "1 day before" reminders
THREAD_CHANNEL = "C0THREADS"
REQUESTS = 100


class MovingClock:
    """Starts at ``start`` and runs at real speed (deferrals fall due as they would)."""

    def __init__(self, start: datetime) -> None:
        self._offset = start - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self._offset


def seed(engine: sa.Engine, *, reminders: int, threads: int) -> tuple[set[str], set[str]]:
    """The workspace; returns the users owed a reminder DM and the card ts of the threads owed a warning."""
    seeded_at = TICK_AT - timedelta(days=10)
    with engine.begin() as connection:
        workspace_id = connection.execute(
            sa.insert(WorkspaceRow.__table__).values(
                platform="slack", external_id=TEAM, name="fan-out", last_request_number=REQUESTS, created_at=seeded_at
            )
        ).inserted_primary_key[0]
    users = [f"U9{index:06d}" for index in range(reminders)]
    members = [
        {
            "id": index + 1,
            "workspace_id": workspace_id,
            "user_id": user,
            "display_name": user.lower(),
            "tz": "Europe/Copenhagen",
            "profile_fetched_at": seeded_at,
            "reminders_enabled": True,
            "listed_in_digest": True,
            "invitations_enabled": True,
            "created_at": seeded_at,
        }
        for index, user in enumerate([*users, "U0OWNER"])
    ]
    insert(engine, Member, members)
    owner_id = len(members)
    per_request = [reminders // REQUESTS + (1 if index < reminders % REQUESTS else 0) for index in range(REQUESTS)]
    requests, warned = [], set()
    for index in range(REQUESTS):
        in_thread_channel = index < threads
        card_ts = f"1700000000.{index + 1:06d}"
        if in_thread_channel:
            warned.add(card_ts)
        requests.append(
            {
                "id": index + 1,
                "workspace_id": workspace_id,
                "number": index + 1,
                "title": f"Guide {index + 1:03d}",
                "brief": "",
                "wanted_skills": [],
                # Fully staffed, except the requests in the thread channel: those still want two more.
                "volunteers_needed": per_request[index] + (2 if in_thread_channel else 0),
                "draft_deadline": DUE,
                "owner_id": owner_id,
                "channel_id": THREAD_CHANNEL if in_thread_channel else f"C0CARDS{index % 20:02d}",
                "card_ts": card_ts,
                "status": RequestStatus.OPEN,
                "created_at": seeded_at,
                "updated_at": seeded_at,
            }
        )
    insert(engine, ContentRequest, requests)
    volunteers, position = [], 0
    for index, count in enumerate(per_request):
        for _ in range(count):
            volunteers.append(
                {
                    "id": position + 1,
                    "workspace_id": workspace_id,
                    "request_id": index + 1,
                    "member_id": position + 1,
                    "state": VolunteerState.ACTIVE,
                    "review_state": ReviewState.NO_DRAFT,
                    "via": "button",
                    "created_at": seeded_at,
                }
            )
            position += 1
    insert(engine, Volunteer, volunteers)
    return set(users), warned


def minimum_seconds(*, messages: int, per_window: int, window: float, channel_posts: int) -> float:
    """The least time the fake's limits allow: the sliding window lets ``per_window`` through, then the next ones
    as the first leave it; the thread channel's bucket holds two and refills one a second."""
    by_window = window * ((messages - 1) // per_window) if per_window < messages else 0.0
    by_channel = max(0.0, channel_posts - 2) * 1.0
    return max(by_window, by_channel)


def one_run(args: argparse.Namespace, fake: FakeSlackProcess, run: int, *, posts_per_minute: int) -> dict[str, Any]:
    folder = Path(os.environ.get("TMPDIR", tempfile.gettempdir())) / "cobot-bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "fanout.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    url = f"sqlite:///{path}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    users, warned = seed(engine, reminders=args.reminders, threads=args.threads)
    fake.ask("cards", cards=[[THREAD_CHANNEL, ts] for ts in warned])

    behaviour = load_settings(common.ROOT / "app.yaml", environ={}).behaviour.model_dump()
    if posts_per_minute:
        behaviour["outbox"]["posts_per_minute"] = posts_per_minute
    settings = Settings(
        behaviour=Behaviour.model_validate(behaviour),
        env=Environment.model_validate(
            {"slack_bot_token": BOT_TOKEN, "slack_api_url": fake.api_url, "database_url": url}
        ),
    )
    clock = MovingClock(TICK_AT)
    service = build_slack_service(
        create_app(settings, clock=clock, engine=engine), token=BOT_TOKEN, signing_secret=None
    )
    fake.ask("reset")
    fake.ask("limits", per_channel_per_second=1.0, workspace_per_minute=args.workspace_per_minute)
    started = time.monotonic()
    summary = run_tick(service.cobot)
    service.sender.start()
    deadline = started + args.timeout
    while True:
        with Session(engine) as session:
            left = session.execute(
                sa.select(sa.func.count())
                .select_from(OutboxMessage)
                .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None))
            ).scalar_one()
        if left == 0 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    drained = time.monotonic() - started
    service.close()
    with Session(engine) as session:
        failed = session.execute(
            sa.select(sa.func.count()).select_from(OutboxMessage).where(col(OutboxMessage.failed_at).is_not(None))
        ).scalar_one()
    engine.dispose()

    dump = folder / "fanout-calls.json"
    fake.ask("dump", path=str(dump))
    calls = json.loads(dump.read_text())
    posts = [c for c in calls if c["method"] == "chat.postMessage"]
    accepted = [c for c in posts if c["ok"]]
    # A DM is posted to the user's id (the fake files it under "D<user>").
    dms = Counter(
        str(c["channel"]).removeprefix("D") for c in accepted if str(c["channel"])[:1] in "UD" and not c["thread_ts"]
    )
    threads = Counter(c["thread_ts"] for c in accepted if c["channel"] == THREAD_CHANNEL and c["thread_ts"])
    lost = len(users - set(dms)) + len(warned - set(threads))
    duplicated = sum(n - 1 for n in dms.values() if n > 1) + sum(n - 1 for n in threads.values() if n > 1)
    unexpected = len(set(dms) - users) + len(set(threads) - warned)
    first = min((c["at"] for c in posts), default=0.0)
    last = max((c["at"] for c in accepted), default=0.0)
    messages = len(users) + len(warned)
    per_window = max(1, round(args.workspace_per_minute * args.window / 60))
    minimum = minimum_seconds(messages=messages, per_window=per_window, window=args.window, channel_posts=len(warned))
    return {
        "posts_per_minute": posts_per_minute,
        "queued": dict(summary.queued),
        "messages": messages,
        "seconds": round(last - first, 2),
        "drained_s": round(drained, 2),
        "minimum_s": minimum,
        "share": (minimum / (last - first)) if last > first and minimum else float("nan"),
        "lost": lost,
        "duplicated": duplicated,
        "unexpected": unexpected,
        "failed_rows": int(failed),
        "calls": len(posts),
        "rejected": len(posts) - len(accepted),
        "loadavg": loadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="fan-out: 1,000 reminders due at once, Slack's limits enforced")
    parser.add_argument("--quick", action="store_true", help="300 reminders, a 2 s window, one run (under a minute)")
    parser.add_argument("--runs", type=int, default=None, help="runs (default 3)")
    parser.add_argument("--reminders", type=int, default=None, help="reminder DMs (default 1000)")
    parser.add_argument("--threads", type=int, default=None, help="thread warnings into one channel (default 10)")
    parser.add_argument("--workspace-per-minute", type=int, default=3000, help="workspace-wide limit (default 3000)")
    parser.add_argument("--window", type=float, default=None, help="seconds it is counted over (default 10)")
    parser.add_argument("--timeout", type=float, default=300.0)
    parser.add_argument(
        "--posts-per-minute",
        default="0,98%",
        help="outbox.posts_per_minute settings to run, comma-separated; N%% is that share of the workspace limit "
        "(default: 0 as app.yaml ships it, and 98%%)",
    )
    args = parser.parse_args()
    args.runs = args.runs or (1 if args.quick else 3)
    args.reminders = args.reminders or (300 if args.quick else 1000)
    args.threads = args.threads if args.threads is not None else (5 if args.quick else 10)
    args.window = args.window or (2.0 if args.quick else 10.0)
    header("Fan-out: reminders due at once, against Slack's posting limits")
    per_window = max(1, round(args.workspace_per_minute * args.window / 60))
    print(
        f"{args.reminders} reminder DMs (one per person) and {args.threads} thread warnings into one channel; "
        f"limits: 1 message/s per channel (bucket of 2), {args.workspace_per_minute}/min per workspace "
        f"({per_window} per sliding {args.window:g} s window), 429 + Retry-After beyond them; "
        f"sender: one process, app.yaml's pacing; {args.runs} run(s)\n",
        flush=True,
    )
    settings = [
        round(args.workspace_per_minute * float(v[:-1]) / 100) if v.endswith("%") else int(v)
        for v in args.posts_per_minute.split(",")
    ]
    fake = FakeSlackProcess(window_seconds=args.window)
    results = []
    try:
        for run in range(args.runs):
            for posts_per_minute in settings:
                result = one_run(args, fake, run, posts_per_minute=posts_per_minute)
                result["run"] = run + 1
                results.append(result)
                print(f"run {run + 1}: {json.dumps(result)}", flush=True)
    finally:
        fake.stop()
    rows = [
        [
            r["run"],
            r["posts_per_minute"] or "0 (off)",
            r["messages"],
            r["seconds"],
            r["minimum_s"],
            f"{r['share']:.0%}",
            r["lost"],
            r["duplicated"],
            r["rejected"],
            r["failed_rows"],
            r["loadavg"].split()[0],
        ]
        for r in results
    ]
    print()
    print(
        table(
            rows,
            [
                *("run", "posts_per_minute", "messages", "drain s", "minimum s", "of allowed rate"),
                *("lost", "duplicated", "429s", "failed rows", "loadavg"),
            ],
        )
    )
    print()
    for posts_per_minute in settings:
        mine = [r for r in results if r["posts_per_minute"] == posts_per_minute]
        shares = [r["share"] for r in mine]
        print(
            f"posts_per_minute {posts_per_minute or '0 (off)'}: "
            f"median drain {statistics.median(r['seconds'] for r in mine):g} s "
            f"against a minimum of {mine[0]['minimum_s']:g} s: {statistics.median(shares):.0%} of the allowed rate "
            f"(best {max(shares):.0%}); lost {sum(r['lost'] for r in mine)}, duplicated "
            f"{sum(r['duplicated'] for r in mine)} over {len(mine)} run(s)"
        )
    footer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
