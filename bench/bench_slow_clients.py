"""Time to answer a normal request while slow clients (slowloris) hold connections to ``cobot serve``.

    .venv/bin/python bench/bench_slow_clients.py [--slow 0,8,16] [--probes 3] [--every 2]

For each count N of ``--slow`` it starts the real ``cobot serve`` (2 workers × 4 threads, SQLite, the fake Slack
Web API in a process of its own), opens N connections that each send a POST to /slack/events one byte every
``--every`` seconds, waits 3 s, and then times ``--probes`` signed ``/cocreate help`` commands and ``GET /healthz``
one after another (each given up after 30 s). It prints the median and the worst answer time per N.
"""

from __future__ import annotations

import argparse
import contextlib
import socket
import statistics
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from common import (
    BOT_TOKEN,
    COBOT,
    SIGNING_SECRET,
    FakeSlackProcess,
    footer,
    free_port,
    header,
    shown,
    slash_command,
    start_server,
    table,
)

GIVE_UP_S = 30.0


@contextlib.contextmanager
def slow_clients(port: int, *, count: int, every: float) -> Iterator[None]:
    request = b"POST /slack/events HTTP/1.1\r\nHost: cobot\r\nContent-Type: application/json\r\n" + b"X" * 500
    sockets = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(count)]
    stop = threading.Event()

    def trickle() -> None:
        for byte in request:
            for connection in sockets:
                with contextlib.suppress(OSError):
                    connection.send(bytes([byte]))
            if stop.wait(every):
                return

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        yield
    finally:
        stop.set()
        sender.join(timeout=5)
        for connection in sockets:
            connection.close()


def timed(request: urllib.request.Request) -> float:
    """Seconds until the answer, or ``inf`` when none came within ``GIVE_UP_S``."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=GIVE_UP_S) as response:
            response.read()
    except urllib.error.HTTPError:
        pass
    except OSError:
        return float("inf")
    return time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slow", default="0,8,16", help="counts of slow connections, comma-separated")
    parser.add_argument("--probes", type=int, default=3)
    parser.add_argument("--every", type=float, default=2.0, help="seconds between a slow client's bytes")
    arguments = parser.parse_args()
    header("normal requests while slow clients trickle (cobot serve, 2 workers × 4 threads)")
    fake = FakeSlackProcess()
    rows = []
    try:
        for count in (int(n) for n in arguments.slow.split(",")):
            with tempfile.TemporaryDirectory() as folder:
                port = free_port()
                env = {
                    "SLACK_BOT_TOKEN": BOT_TOKEN,
                    "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                    "SLACK_API_URL": fake.api_url,
                    "DATABASE_URL": f"sqlite:///{folder}/cobot.db",
                }
                argv = [COBOT, "serve", "--port", str(port), "--workers", "2", "--threads", "4"]
                server = start_server(f"serve-{count}", argv, port=port, env=env, log_dir=Path(folder))
                try:
                    with slow_clients(port, count=count, every=arguments.every):
                        time.sleep(3)
                        commands, health = [], []
                        for url in fake.response_urls(arguments.probes):
                            commands.append(timed(slash_command(f"http://127.0.0.1:{port}", "help", response_url=url)))
                            health.append(timed(urllib.request.Request(f"http://127.0.0.1:{port}/healthz")))
                finally:
                    server.stop()
            rows.append(
                [
                    count,
                    shown(statistics.median(commands)),
                    shown(max(commands)),
                    shown(statistics.median(health)),
                    shown(max(health)),
                ]
            )
            print(
                table(
                    rows[-1:],
                    ["slow connections", "command median", "command worst", "healthz median", "healthz worst"],
                ).splitlines()[-1],
                flush=True,
            )
    finally:
        fake.stop()
    print()
    print(table(rows, ["slow connections", "command median", "command worst", "healthz median", "healthz worst"]))
    footer()


if __name__ == "__main__":
    main()
