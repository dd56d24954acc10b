"""The cost of one request inside Cobot, without the server, the network or the load generator around it.

    .venv/bin/python bench/profile_requests.py [--requests 600] [--cprofile out.prof] [--top 30]

Builds ``cobot serve``'s WSGI application on a copy of ``bench_serve.py``'s seeded SQLite workspace (the outbox
sender and the scheduler are not started: this measures the request thread alone) and calls it, in this process,
with the same signed mix of ``/cocreate list``, ``/cocreate volunteer <n>`` and Volunteer clicks. It prints, per
kind of request, the mean CPU milliseconds and SQL statements per request, then the sender's cost: the same
process's ``OutboxSender`` drains what the requests queued against a loopback fake Slack, and the CPU per
message is printed too. ``--cprofile`` writes a profile of the request loop for ``python -m pstats`` or snakeviz.
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import hmac
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from typing import Any

import common  # noqa: F401  (puts the repository root on sys.path)
import sqlalchemy as sa
from bench_serve import Bodies, fresh_sqlite, sqlite_template
from common import BOT_TOKEN, SIGNING_SECRET, FakeSlackProcess, footer, header


def signed_environ(body: str, content_type: str) -> dict[str, Any]:
    timestamp = str(int(time.time()))
    signature = hmac.new(SIGNING_SECRET.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    raw = body.encode()
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/slack/events",
        "QUERY_STRING": "",
        "CONTENT_TYPE": content_type,
        "CONTENT_LENGTH": str(len(raw)),
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "3000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": timestamp,
        "HTTP_X_SLACK_SIGNATURE": f"v0={signature}",
        "wsgi.input": io.BytesIO(raw),
        "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--cprofile", help="write a cProfile of the request loop to this file")
    parser.add_argument("--top", type=int, default=0, help="print the top N functions by cumulative time")
    parser.add_argument("--cprofile-sender", help="write a cProfile of the sender's drain to this file")
    parser.add_argument("--show-sql", action="store_true", help="print the statements of one request of each kind")
    args = parser.parse_args()

    template, seed = sqlite_template()
    url = fresh_sqlite(template, "profile-requests")
    fake = FakeSlackProcess()
    try:
        os.environ.update(
            SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url, SLACK_BOT_TOKEN=BOT_TOKEN, DATABASE_URL=url
        )
        from bot.runtime.cobot import create_app
        from bot.runtime.config import load_settings
        from bot.slack.app import build_slack_service

        settings = load_settings()
        cobot = create_app(settings)
        service = build_slack_service(cobot, token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
        cobot.sender = None  # requests must not wake a sender thread: it is measured on its own below
        application = service.wsgi()
        statements = [0]
        shown: list[str] = []

        @sa.event.listens_for(cobot.engine, "before_cursor_execute")
        def count(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
            statements[0] += 1
            shown.append(" ".join(statement.split())[:300])

        fake.ask(  # the seeded cards were posted before: Slack has them, so chat.update finds them
            "cards", cards=[[seed.channels[(n - 1) % len(seed.channels)], f"1700000000.{n:06d}"] for n in seed.numbers]
        )
        bodies = Bodies(seed, fake).make(args.requests + 30)
        warm, measured = bodies[:30], bodies[30:]
        statuses: dict[str, int] = defaultdict(int)

        def call(item: dict[str, str]) -> None:
            got: list[str] = []
            chunks = application(signed_environ(item["body"], item["content_type"]), lambda s, h: got.append(s))
            b"".join(chunks)
            statuses[got[0]] += 1

        for item in warm:
            call(item)
        cpu: dict[str, float] = defaultdict(float)
        sql: dict[str, int] = defaultdict(int)
        counts: dict[str, int] = defaultdict(int)
        profiler = cProfile.Profile() if args.cprofile or args.top else None
        if args.show_sql:
            for kind in ("list", "volunteer", "click"):
                item = next(i for i in measured if i["kind"] == kind)
                measured.remove(item)
                shown.clear()
                call(item)
                print(f"--- {kind}: {len(shown)} statements")
                print("\n".join(shown))
        for item in measured:
            before_cpu, before_sql = time.process_time(), statements[0]
            if profiler:
                profiler.enable()
            call(item)
            if profiler:
                profiler.disable()
            cpu[item["kind"]] += time.process_time() - before_cpu
            sql[item["kind"]] += statements[0] - before_sql
            counts[item["kind"]] += 1

        header("Cost of a request inside Cobot (the request thread and any thread it starts)")
        print(f"statuses: {dict(statuses)}\n")
        print("| request | count | CPU ms per request | SQL statements per request |")
        print("| --- | --- | --- | --- |")
        for kind in counts:
            print(
                f"| {kind} | {counts[kind]} | {cpu[kind] * 1000 / counts[kind]:.2f} | {sql[kind] / counts[kind]:.1f} |"
            )
        total = sum(counts.values())
        print(f"| all | {total} | {sum(cpu.values()) * 1000 / total:.2f} | {sum(sql.values()) / total:.1f} |")

        # The sender's share: drain what the requests queued, in this thread, against the fake.
        sender = service.sender
        before_cpu, before_sql = time.process_time(), statements[0]
        sender_profiler = cProfile.Profile() if args.cprofile_sender else None
        if sender_profiler:
            sender_profiler.enable()
        sent = sender.drain_until_idle()  # the replies and one card per channel (the rest wait for their turn)
        if sender_profiler:
            sender_profiler.disable()
            sender_profiler.dump_stats(args.cprofile_sender)
        spent = time.process_time() - before_cpu
        if sent:
            print(
                f"\nsender: {sent} messages sent, {spent * 1000 / sent:.2f} CPU ms and "
                f"{(statements[0] - before_sql) / sent:.1f} SQL statements per message"
            )
        if profiler:
            if args.cprofile:
                profiler.dump_stats(args.cprofile)
            if args.top:
                pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
        cobot.close()
    finally:
        fake.stop()
    footer()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
