"""Slow clients against the real ``cobot serve``: 16 connections that send their request a byte every 2 s
(slowloris) used to hold every thread of the server, so that nobody else was answered; now a request is read whole
before a thread is given to it, and a signed command and ``/healthz`` are answered within 5 s meanwhile.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from test_serve_process import cobot_serve, command_body, environment, fake, http, signed_post

from fake_slack import FakeSlack
from harness import BOT_TOKEN, SIGNING_SECRET, message_text

__all__ = ["fake"]  # the fixture, imported for this module's tests

SLOW_CONNECTIONS = 16
ANSWER_WITHIN_S = 5.0


@contextmanager
def slow_clients(base_url: str, *, count: int, every: float = 2.0) -> Iterator[list[socket.socket]]:
    """``count`` connections that each send a signed-looking POST one byte every ``every`` seconds."""
    host, port = base_url.removeprefix("http://").split(":")
    request = b"POST /slack/events HTTP/1.1\r\nHost: cobot\r\nContent-Type: application/json\r\n" + b"X" * 200
    sockets = [socket.create_connection((host, int(port)), timeout=5) for _ in range(count)]
    stop = threading.Event()

    def trickle() -> None:
        for byte in request:
            for connection in sockets:
                with suppress(OSError):
                    connection.send(bytes([byte]))
            if stop.wait(every):
                return

    sender = threading.Thread(target=trickle, daemon=True)
    sender.start()
    try:
        yield sockets
    finally:
        stop.set()
        sender.join(timeout=5)
        for connection in sockets:
            connection.close()


def test_normal_requests_are_answered_while_slow_clients_trickle(tmp_path: Path, fake: FakeSlack) -> None:
    env = environment(
        tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.api_url
    )
    with cobot_serve(tmp_path, env) as served, slow_clients(served.base_url, count=SLOW_CONNECTIONS):
        time.sleep(3)  # every slow connection has sent its first bytes and is waiting for its next ones

        started = time.monotonic()
        assert http("GET", served.base_url + "/healthz")[0] == 200
        assert time.monotonic() - started < ANSWER_WITHIN_S

        started = time.monotonic()
        status, body = signed_post(served.base_url, command_body(fake, "help"))
        took = time.monotonic() - started
        assert status == 200 and "/cocreate" in message_text(json.loads(body))
        assert took < ANSWER_WITHIN_S, f"answered after {took:.1f} s"
