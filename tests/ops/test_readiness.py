"""``/healthz`` and ``/readyz`` over real HTTP: ready on a database at head with a token Slack accepts; 503 naming
the database when PostgreSQL's connections are cut (a TCP proxy between Cobot and PostgreSQL that drops them) or
when the schema is behind the code's migrations, and naming the token when Slack rejects it. ``/healthz`` stays
200 throughout: the process is alive, and restarting it would fix none of these.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator

import pytest

from harness import SlackScenario, start_scenario
from storage.migrate import downgrade_to, scripted_head


class CuttableProxy:
    """A TCP proxy to PostgreSQL that passes bytes both ways until ``cut``: then it closes every connection it
    carries and every one it is offered, as a failed network or a database restart does."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.target = target
        self.cut_off = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self._open: list[socket.socket] = []
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.cut_off.is_set():
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, sink), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                if self.cut_off.is_set():
                    break
                sink.sendall(chunk)
        except OSError:
            pass
        for end in (source, sink):
            with contextlib.suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()

    def cut(self) -> None:
        self.cut_off.set()
        with self._lock:
            for connection in self._open:
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
                connection.close()

    def restore(self) -> None:
        self.cut_off.clear()

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture
def proxied_postgres(postgres_url: str) -> Iterator[tuple[SlackScenario, CuttableProxy]]:
    proxy = CuttableProxy(("127.0.0.1", 5432))
    url = postgres_url.replace("@127.0.0.1:5432/", f"@127.0.0.1:{proxy.port}/")
    assert url != postgres_url, "the test PostgreSQL URL does not name 127.0.0.1:5432"
    slack = start_scenario(url)
    yield slack, proxy
    proxy.close()
    slack.close()


@pytest.mark.postgres
def test_readyz_says_the_database_is_unavailable_while_its_connections_are_cut(
    proxied_postgres: tuple[SlackScenario, CuttableProxy],
) -> None:
    slack, proxy = proxied_postgres
    ready = slack.get("/readyz")
    assert ready.status == 200, ready.text
    assert ready.json() == {"ready": True, "checks": {"database": "ok", "slack_token": "ok"}, "failed": {}}

    proxy.cut()
    ready = slack.get("/readyz")
    assert ready.status == 503
    assert list(ready.json()["failed"]) == ["database"]
    assert ready.json()["failed"]["database"].startswith("unavailable: ")
    assert slack.get("/healthz").status == 200

    proxy.restore()
    assert slack.get("/readyz").status == 200  # the pool's pre-ping replaces the dropped connections


def test_readyz_names_a_schema_behind_the_code_and_how_to_fix_it(sqlite_url: str) -> None:
    slack = start_scenario(sqlite_url)
    try:
        assert slack.get("/readyz").status == 200
        downgrade_to(slack.service.cobot.engine, "-1")

        ready = slack.get("/readyz")
        assert ready.status == 503
        problem = ready.json()["failed"]["database"]
        assert f"not at head {scripted_head()}" in problem
        assert "cobot migrate" in problem
        assert slack.get("/healthz").status == 200
    finally:
        slack.close()


def test_readyz_names_a_token_slack_rejects_and_remembers_the_answer(sqlite_url: str) -> None:
    slack = start_scenario(sqlite_url)
    try:
        slack.fake.bot_token = "xoxb-another-token"  # Slack no longer accepts Cobot's (revoked, replaced)
        ready = slack.get("/readyz")
        assert ready.status == 503
        assert list(ready.json()["failed"]) == ["slack_token"]
        assert "invalid_auth" in ready.json()["failed"]["slack_token"]

        asked = len([call for call in slack.fake.calls if call.method == "auth.test"])
        assert slack.get("/readyz").status == 503
        assert len([call for call in slack.fake.calls if call.method == "auth.test"]) == asked
    finally:
        slack.close()


def test_readyz_stays_ready_while_slack_does_not_answer(sqlite_url: str) -> None:
    slack = start_scenario(sqlite_url)
    try:
        slack.fake.stop()  # Slack down for everyone: every instance alike, so none is taken out of the balancer
        ready = slack.get("/readyz")
        assert ready.status == 200
        assert ready.json()["checks"]["slack_token"].startswith("unverified: ")
    finally:
        slack.close()
