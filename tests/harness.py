"""Scenario harness: the whole Slack app on a real loopback HTTP server, talking to the fake Slack Web API.

Tests send *signed* HTTP requests (slash commands, interactions, events) built from the payload samples in
``tests/payloads/``; the real Bolt app verifies and dispatches them, the handlers write to a real migrated SQLite
(or PostgreSQL) database, and the real outbox sender thread delivers through ``slack_sdk`` to ``FakeSlack``.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import sqlalchemy as sa
from sqlmodel import Session, col, select

from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings
from bot.slack.app import SlackService, build_slack_service
from fake_slack import FakeSlack
from handlers.messages import MAIL_KINDS
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.models import ContentRequest, Member, OutboxMessage, Workspace

PAYLOADS = Path(__file__).parent / "payloads"
SIGNING_SECRET = "0123456789abcdef0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
TEAM = "T0001"
CHANNEL = "C0MARKETING"
START = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # a Monday; tests name dates relative to it


def payload(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def sign(body: bytes, *, timestamp: int, secret: str = SIGNING_SECRET) -> str:
    base = b"v0:" + str(timestamp).encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


class MovingClock:
    """Starts at a fixed moment and runs at real speed, so "today" is fixed and deferrals still fall due."""

    def __init__(self, start: datetime = START) -> None:
        self._offset = start - datetime.now(UTC)

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self._offset

    def advance(self, delta: timedelta) -> None:
        self._offset += delta


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class Response:
    status: int
    text: str

    def json(self) -> Any:
        return json.loads(self.text) if self.text else None


@dataclass
class SlackScenario:
    fake: FakeSlack
    service: SlackService
    base_url: str
    clock: MovingClock
    _server: WSGIServer
    _event_counter: int = field(default=0)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def engine(self) -> sa.Engine:
        return self.service.cobot.engine

    # --- raw HTTP ---------------------------------------------------------------------------------------

    def post(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
        path: str = "/slack/events",
    ) -> Response:
        timestamp = int(time.time()) if timestamp is None else timestamp
        request = urllib.request.Request(
            self.base_url + path,
            data=body,
            method="POST",
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": str(timestamp),
                "X-Slack-Signature": signature if signature is not None else sign(body, timestamp=timestamp),
                **(headers or {}),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return Response(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode("utf-8"))

    def get(self, path: str) -> Response:
        try:
            with urllib.request.urlopen(self.base_url + path, timeout=10) as response:
                return Response(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode("utf-8"))

    # --- Slack payloads ---------------------------------------------------------------------------------

    def command_body(
        self,
        text: str,
        *,
        user: str = "U0METTE",
        channel: str = CHANNEL,
        team: str = TEAM,
        user_name: str | None = None,
    ) -> bytes:
        data = payload("slash_command")
        with self._lock:  # every command Slack sends has its own trigger_id
            self._event_counter += 1
            trigger = f"{self._event_counter}.{int(time.time())}.{uuid.uuid4().hex[:16]}"
        data.update(
            trigger_id=trigger,
            text=text,
            user_id=user,
            channel_id=channel,
            team_id=team,
            user_name=user_name or user.lower(),
            response_url=self.fake.response_url(),
        )
        return urllib.parse.urlencode(data).encode()

    def command(self, text: str, **kwargs: Any) -> Response:
        return self.post(self.command_body(text, **kwargs), content_type="application/x-www-form-urlencoded")

    def command_reply(self, text: str, **kwargs: Any) -> str:
        """Runs a command and returns the ephemeral reply's text (all its sections), asserting a 200."""
        response = self.command(text, **kwargs)
        assert response.status == 200, response
        return message_text(response.json())

    def click(
        self,
        action_id: str,
        value: str | None = None,
        *,
        user: str = "U0METTE",
        channel: str = CHANNEL,
        message_ts: str = "1700000000.000100",
        selected: str | None = None,
        team: str = TEAM,
    ) -> Response:
        data = payload("block_actions")
        action = data["actions"][0]
        action["action_id"] = action_id
        with self._lock:
            self._event_counter += 1
            action["action_ts"] = f"{time.time():.6f}{self._event_counter}"
        if selected is not None:
            action.pop("value", None)
            action["type"] = "static_select"
            action["selected_option"] = {"text": {"type": "plain_text", "text": selected}, "value": selected}
        else:
            action["value"] = value
        data["user"].update(id=user, username=user.lower(), name=user.lower())
        data["team"]["id"] = team
        data["channel"]["id"] = channel
        data["container"].update(channel_id=channel, message_ts=message_ts)
        data["message"]["ts"] = message_ts
        data["response_url"] = self.fake.response_url()
        data["trigger_id"] = f"trigger-{time.time()}"
        body = urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
        return self.post(body, content_type="application/x-www-form-urlencoded")

    def submit_view(
        self,
        callback_id: str,
        *,
        private_metadata: str,
        values: dict[str, dict[str, str | dict[str, Any]]],
        user: str = "U0METTE",
        team: str = TEAM,
    ) -> Response:
        """Submits a modal; each value is a text input's typed value, or (a dict) an element's whole state as Slack
        sends it, e.g. ``{"type": "static_select", "selected_option": {"value": "2"}}``."""
        data = payload("view_submission")
        data["user"].update(id=user, username=user.lower(), name=user.lower())
        data["team"]["id"] = team
        with self._lock:
            self._event_counter += 1
            view_id = f"V{self._event_counter:08d}"
        data["view"].update(
            id=view_id,
            callback_id=callback_id,
            private_metadata=private_metadata,
            state={
                "values": {
                    block: {
                        action: value if isinstance(value, dict) else {"type": "plain_text_input", "value": value}
                        for action, value in actions.items()
                    }
                    for block, actions in values.items()
                }
            },
        )
        body = urllib.parse.urlencode({"payload": json.dumps(data)}).encode()
        return self.post(body, content_type="application/x-www-form-urlencoded")

    def event_body(self, event: dict[str, Any], *, event_id: str | None = None, team: str = TEAM) -> bytes:
        data = payload("event_callback")
        with self._lock:
            self._event_counter += 1
            data["event_id"] = event_id or f"Ev{self._event_counter:010d}"
        data["team_id"] = team
        data["authorizations"][0]["team_id"] = team
        data["event"] = event
        return json.dumps(data).encode()

    def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        team: str = TEAM,
    ) -> Response:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(
            self.event_body(event, event_id=event_id, team=team),
            content_type="application/json",
            headers=headers,
        )

    def react(
        self,
        number: int,
        *,
        user: str,
        reaction: str = "raised_hand",
        removed: bool = False,
        event_id: str | None = None,
    ) -> Response:
        request = self.request(number)
        return self.event(
            {
                "type": "reaction_removed" if removed else "reaction_added",
                "user": user,
                "reaction": reaction,
                "item_user": "UBOT",
                "item": {"type": "message", "channel": request.channel_id, "ts": request.card_ts},
                "event_ts": f"{time.time():.6f}",
            },
            event_id=event_id,
        )

    def thread_reply(
        self,
        number: int,
        *,
        user: str,
        text: str,
        files: list[dict[str, Any]] | None = None,
        event_id: str | None = None,
    ) -> Response:
        request = self.request(number)
        event: dict[str, Any] = {
            "type": "message",
            "channel": request.channel_id,
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
            "thread_ts": request.card_ts,
            "channel_type": "channel",
        }
        if files:
            event.update(subtype="file_share", files=files)
        return self.event(event, event_id=event_id)

    # --- database and outbox ----------------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    def request(self, number: int, *, team: str = TEAM) -> ContentRequest:
        with self.session() as session:
            return session.exec(
                select(ContentRequest)
                .join(Workspace, col(Workspace.id) == col(ContentRequest.workspace_id))
                .where(Workspace.external_id == team, ContentRequest.number == number)
            ).one()

    def member(self, user_id: str, *, team: str = TEAM) -> Member:
        with self.session() as session:
            return session.exec(
                select(Member)
                .join(Workspace, col(Workspace.id) == col(Member.workspace_id))
                .where(Workspace.external_id == team, Member.user_id == user_id)
            ).one()

    def settle(self, timeout: float = 10.0) -> None:
        """Waits until the outbox has nothing left that is due (deferred messages with a later time stay)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.session() as session:
                pending = session.execute(
                    sa.select(sa.func.count())
                    .select_from(OutboxMessage)
                    .where(
                        col(OutboxMessage.sent_at).is_(None),
                        col(OutboxMessage.failed_at).is_(None),
                        col(OutboxMessage.not_before) <= self.clock() + timedelta(seconds=3),
                        # E-mail waits for a sender that can send it; without SMTP Slack's leaves it alone.
                        col(OutboxMessage.kind).not_in(sorted(MAIL_KINDS if self.service.sender.mail is None else ())),
                    )
                ).scalar_one()
            if pending == 0:
                return
            self.service.sender.wake()
            time.sleep(0.02)
        raise AssertionError(f"outbox did not settle within {timeout} s")

    def create(
        self, title: str = "Ten SEO tips", *, due: str = "2026-12-10", extra: str = "", user: str = "U0OWNER"
    ) -> int:
        """Posts a request by command, waits for its card, and returns its number."""
        reply = self.command_reply(f"new {title} due:{due} {extra}".strip(), user=user)
        assert "Posted request #" in reply, reply
        number = int(reply.split("#", 1)[1].split(" ", 1)[0])
        self.settle()
        return number

    def card(self, number: int) -> dict[str, Any]:
        """The card message as Slack stores it now (after every chat.update)."""
        request = self.request(number)
        for message in self.fake.messages(request.channel_id):
            if message["ts"] == request.card_ts:
                return message
        raise AssertionError(f"no card for #{number} in {request.channel_id}")

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self.service.close()
        self.fake.stop()


def message_text(message: Any) -> str:
    """All visible text of a message or reply: its sections, fields and header, joined by newlines."""
    if not message:
        return ""
    parts: list[str] = []
    for block in message.get("blocks") or []:
        if "text" in block and isinstance(block["text"], dict):
            parts.append(block["text"].get("text", ""))
        for item in block.get("fields") or []:
            parts.append(item.get("text", ""))
        for item in block.get("elements") or []:
            if isinstance(item.get("text"), str):
                parts.append(item["text"])
    return "\n".join(parts) if parts else str(message.get("text", ""))


def start_scenario(
    database_url: str, *, behaviour: dict[str, Any] | None = None, environment: dict[str, str] | None = None
) -> SlackScenario:
    fake = FakeSlack(bot_token=BOT_TOKEN, team_id=TEAM).start()
    for user, name in (
        ("U0OWNER", "Mette Ørsted"),
        ("U0METTE", "mette"),
        ("U0ANNA", "Anna Æbelø"),
        ("U0BO", "Bo Åkesson"),
        ("U0CARL", "Carl"),
    ):
        fake.add_user(user, name=name.split()[0].lower(), real_name=name)
    raw = {"outbox": {"channel_interval_seconds": 0}, **(behaviour or {})}
    settings = Settings(
        behaviour=Behaviour.model_validate(raw),
        env=Environment.model_validate(
            {
                "slack_bot_token": BOT_TOKEN,
                "slack_signing_secret": SIGNING_SECRET,
                "slack_api_url": fake.api_url,
                "database_url": database_url,
                **(environment or {}),
            }
        ),
    )
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    clock = MovingClock()
    cobot = create_app(settings, clock=clock, engine=engine)
    service = build_slack_service(cobot, token=BOT_TOKEN, signing_secret=SIGNING_SECRET)
    service.sender.idle_seconds = 0.05
    # Tests drive follow-ups with run_tick on the injected clock; the real scheduler has a test of its own.
    service.start(with_scheduler=False)
    server = make_server("127.0.0.1", 0, service.wsgi(), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True, name="scenario-http").start()
    return SlackScenario(
        fake=fake,
        service=service,
        base_url=f"http://127.0.0.1:{server.server_port}",
        clock=clock,
        _server=server,
    )
