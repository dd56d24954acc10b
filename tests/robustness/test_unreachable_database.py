"""A database that does not answer: a PostgreSQL host that accepts connections and never says a word (a local
listener standing in for a blackholed host), and a SQLite file another connection holds locked. Slack is answered
"Cobot can't reach its database just now" within 3 s, and ``/readyz`` answers 503 (naming the database) while
PostgreSQL is silent, where ``/healthz`` (the process is alive) stays 200. Before, a request hung past 20 s (the
driver waited for ever).
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from wsgiref.simple_server import make_server

import pytest

from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings
from bot.slack.app import build_slack_service
from fake_slack import FakeSlack
from harness import BOT_TOKEN, SIGNING_SECRET, TEAM, SlackScenario, message_text, start_scenario
from storage.db import make_engine
from storage.migrate import upgrade_to_head

POLITE = "Cobot can't reach its database just now"
ANSWER_WITHIN_S = 3.0


@pytest.fixture
def blackhole() -> Iterator[int]:
    """A port that accepts TCP connections and never answers on them."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def hold() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join(timeout=2)
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def silent_postgres(blackhole: int) -> Iterator[SlackScenario]:
    """Cobot's Slack app over real HTTP with ``DATABASE_URL`` at the blackhole (its default timeouts)."""
    from harness import _QuietHandler, _ThreadingWSGIServer

    fake = FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM).start()
    settings = Settings(
        behaviour=Behaviour.model_validate({}),
        env=Environment.model_validate(
            {
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": SIGNING_SECRET,
                "slack_api_url": fake.api_url,
                "database_url": f"postgresql+psycopg://postgres@127.0.0.1:{blackhole}/test",
            }
        ),
    )
    service = build_slack_service(create_app(settings), token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
    server = make_server("127.0.0.1", 0, service.wsgi(), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    scenario = SlackScenario(
        fake=fake, service=service, base_url=f"http://127.0.0.1:{server.server_port}", clock=None, _server=server
    )  # type: ignore[arg-type]
    yield scenario
    server.shutdown()
    server.server_close()
    service.cobot.engine.dispose()
    fake.stop()


def test_a_silent_postgres_gets_slack_a_polite_answer_within_3_s_and_readyz_503(
    silent_postgres: SlackScenario,
) -> None:
    started = time.monotonic()
    response = silent_postgres.command("new Ten SEO tips due:2026-12-10", user="U0OWNER")
    took = time.monotonic() - started
    assert response.status == 200
    assert POLITE in message_text(response.json())
    assert took < ANSWER_WITHIN_S, f"answered after {took:.1f} s"

    started = time.monotonic()
    ready = silent_postgres.get("/readyz")
    assert ready.status == 503
    assert list(ready.json()["failed"]) == ["database"]
    assert time.monotonic() - started < ANSWER_WITHIN_S
    assert silent_postgres.get("/healthz").status == 200


def test_a_locked_sqlite_database_gets_a_polite_answer_within_3_s(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    upgrade_to_head(engine)
    engine.dispose()
    # Cobot's own settings (2 s to wait for a lock), as `cobot serve` builds its engine from app.yaml.
    slack = start_scenario(sqlite_url)
    slack.service.cobot.engine.dispose()
    slack.service.cobot.engine = create_app(slack.service.cobot.settings).engine
    holder = sqlite3.connect(sqlite_url.removeprefix("sqlite:///"), isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        started = time.monotonic()
        response = slack.command("new Ten SEO tips due:2026-12-10", user="U0OWNER")
        took = time.monotonic() - started
        assert POLITE in message_text(response.json())
        assert took < ANSWER_WITHIN_S, f"answered after {took:.1f} s"
        holder.execute("ROLLBACK")
        assert "Posted request #1" in slack.command_reply("new Ten SEO tips due:2026-12-10", user="U0OWNER")
    finally:
        holder.close()
        slack.close()
