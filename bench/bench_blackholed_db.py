"""Time to answer a Slack command, and what ``/healthz`` says, while the PostgreSQL host does not answer.

    .venv/bin/python bench/bench_blackholed_db.py [--probes 3]

A local listener accepts TCP connections and never answers on them (a blackholed database host); Cobot's Slack app
(``create_app`` from default settings, the Bolt app, its global error handler, the WSGI app ``cobot serve``
runs) is served on loopback in this process with ``DATABASE_URL`` at that listener. It then times ``--probes``
signed ``/cocreate new`` commands and ``GET /healthz`` (each given up after 30 s) and prints their answer times,
the command's answer and health's status. (``cobot serve`` itself cannot be started against such a host: it
migrates the schema first.)
"""

from __future__ import annotations

import argparse
import contextlib
import json
import socket
import statistics
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from common import BOT_TOKEN, SIGNING_SECRET, TEAM, footer, header, shown, slash_command, table

from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings
from bot.slack.app import build_slack_service
from fake_slack import FakeSlack

GIVE_UP_S = 30.0


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def blackhole() -> Iterator[int]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    listener.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(listener.accept()[0])

    threading.Thread(target=hold, daemon=True).start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        for connection in held:
            connection.close()
        listener.close()


def timed(request: urllib.request.Request) -> tuple[float, int, str]:
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=GIVE_UP_S) as response:
            status, body = response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read().decode()
    except OSError:
        return float("inf"), 0, ""
    return time.monotonic() - started, status, body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--probes", type=int, default=3)
    arguments = parser.parse_args()
    header("a Slack command and /healthz while the PostgreSQL host does not answer")
    with FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM) as fake, blackhole() as port:
        settings = Settings(
            behaviour=Behaviour.model_validate({}),
            env=Environment.model_validate(
                {
                    "slack_bot_token": BOT_TOKEN,
                    "slack_signing_secret": SIGNING_SECRET,
                    "slack_api_url": fake.api_url,
                    "database_url": f"postgresql+psycopg://postgres@127.0.0.1:{port}/test",
                }
            ),
        )
        service = build_slack_service(create_app(settings), token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
        server = make_server("127.0.0.1", 0, service.wsgi(), server_class=_Server, handler_class=_Quiet)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base_url = f"http://127.0.0.1:{server.server_port}"
        rows = []
        try:
            for _ in range(arguments.probes):
                took, status, body = timed(
                    slash_command(base_url, "new Ten SEO tips due:2030-12-10", response_url=fake.response_url())
                )
                answer = json.loads(body).get("text", "")[:60] if body.startswith("{") else body[:60]
                health_took, health, _ = timed(urllib.request.Request(base_url + "/healthz"))
                rows.append([shown(took), status or "-", answer or "-", shown(health_took), health or "-"])
                print(table(rows[-1:], ["command", "status", "answer", "healthz", "healthz status"]).splitlines()[-1])
        finally:
            server.shutdown()
    print()
    print(table(rows, ["command", "status", "answer", "healthz", "healthz status"]))
    finite = [float(r[0].split()[0]) for r in rows if r[0][0].isdigit()]
    print(f"command median: {shown(statistics.median(finite)) if finite else 'no answer in 30 s'}")
    footer()
    os_exit()


def os_exit() -> None:
    # Threads still blocked on the silent host (before the fix, for ever) must not keep the benchmark alive.
    import os

    os._exit(0)


if __name__ == "__main__":
    main()
