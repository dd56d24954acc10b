"""Delivering outbox messages through the Slack Web API.

Maps each outbox kind (see ``handlers.notify``) to Web API calls, and Slack's answers to the sender's outcomes:
429 and ``ratelimited`` wait for ``Retry-After``, and no message calls that method again before it has passed; 5xx,
timeouts and Slack's transient errors back off; errors that will never go away (channel gone, bot removed, invalid
blocks) fail the message for good. Posts into one channel are paced (about one a second, as ``chat.postMessage``
allows) within this process.
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from bot.outbox import RetryLater, SendFailed
from bot.slack.blocks import card_fallback, digest_message, notice_message, reply_message, request_card
from bot.slack.render import Translate, identity
from handlers import texts
from handlers.cards import build_card
from handlers.digest import DigestPart
from handlers.notify import CARD, DIGEST, NOTICE, PROFILE, REPLY
from handlers.results import Action, Notice, Reply, Text, t
from storage import queries
from storage.db import transaction
from storage.models import ContentRequest, Member, OutboxMessage

log = logging.getLogger(__name__)

TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}


class SlackTransport:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        channel_interval: float = 1.0,
        translate: Translate = identity,
    ) -> None:
        self.engine = engine
        self.client = client
        self.clock = clock
        self.channel_interval = channel_interval
        self.translate = translate
        self._last_post: dict[str, float] = {}
        self._paused_until: dict[str, datetime] = {}  # Web API method → end of its Retry-After
        self._lock = threading.Lock()

    def send(self, message: OutboxMessage) -> None:
        handlers: dict[str, Callable[[OutboxMessage], None]] = {
            CARD: self._send_card,
            DIGEST: self._send_digest,
            NOTICE: self._send_notice,
            REPLY: self._send_reply,
            PROFILE: self._fetch_profile,
        }
        handler = handlers.get(message.kind)
        if handler is None:
            raise SendFailed(f"unknown outbox kind {message.kind!r}")
        handler(message)

    # --- kinds --------------------------------------------------------------------------------------------

    def _send_card(self, message: OutboxMessage) -> None:
        with Session(self.engine) as session:
            request = session.get(ContentRequest, message.payload["request_id"])
            if request is None:
                raise SendFailed("request no longer exists")
            view = build_card(session, request)
        blocks = request_card(view, self.translate)
        text = card_fallback(view, self.translate)
        if request.card_ts and request.channel_id:
            self._api(
                "chat_update",
                pace=request.channel_id,
                channel=request.channel_id,
                ts=request.card_ts,
                text=text,
                blocks=blocks,
            )
            return
        if not request.channel_id:
            raise SendFailed("request has no channel")
        try:
            response = self._api(
                "chat_postMessage",
                pace=request.channel_id,
                channel=request.channel_id,
                text=text,
                blocks=blocks,
                unfurl_links=False,
            )
        except SendFailed as failure:
            if str(failure) != "not_in_channel" or not self._join(request.channel_id):
                self._tell_owner_card_failed(request, reason=str(failure))
                raise
            response = self._api(
                "chat_postMessage",
                pace=request.channel_id,
                channel=request.channel_id,
                text=text,
                blocks=blocks,
                unfurl_links=False,
            )
        with transaction(self.engine) as session:
            queries.set_card_message(
                session=session, request_id=request.id or 0, channel_id=response["channel"], ts=response["ts"]
            )

    def _send_notice(self, message: OutboxMessage) -> None:
        to: dict[str, Any] = message.payload["to"]
        text, blocks = notice_message(Notice.from_json(message.payload["notice"]), self.translate)
        if "user" in to:
            self._api(
                "chat_postMessage",
                pace=to["user"],
                channel=to["user"],
                text=text,
                blocks=blocks,
                unfurl_links=False,
            )
        elif "thread" in to:
            with Session(self.engine) as session:
                request = session.get(ContentRequest, to["thread"])
            if request is None or not request.channel_id:
                raise SendFailed("request or its channel is gone")
            if not request.card_ts:
                raise RetryLater(2, "card not posted yet")
            self._api(
                "chat_postMessage",
                pace=request.channel_id,
                channel=request.channel_id,
                thread_ts=request.card_ts,
                text=text,
                blocks=blocks,
                unfurl_links=False,
            )
        elif "channel" in to:
            self._api("chat_postMessage", pace=to["channel"], channel=to["channel"], text=text, blocks=blocks)
        else:
            raise SendFailed(f"notice without an address: {sorted(to)}")

    def _send_digest(self, message: OutboxMessage) -> None:
        channel = message.payload["to"]["channel"]
        text, blocks = digest_message(DigestPart.from_json(message.payload["digest"]), self.translate)
        self._api("chat_postMessage", pace=channel, channel=channel, text=text, blocks=blocks, unfurl_links=False)

    def _send_reply(self, message: OutboxMessage) -> None:
        to: dict[str, Any] = message.payload["to"]
        reply = Reply(
            tuple(Text.from_json(x) for x in message.payload["texts"]),
            actions=tuple(Action.from_json(a) for a in message.payload.get("actions", [])),
        )
        text, blocks = reply_message(reply, self.translate)
        if "response_url" in to:
            self._respond(to["response_url"], text=text, blocks=blocks)
        elif "ephemeral" in to:
            target = to["ephemeral"]
            self._api(
                "chat_postEphemeral",
                pace=target["channel"],
                channel=target["channel"],
                user=target["user"],
                text=text,
                blocks=blocks,
            )
        elif "user" in to:
            self._api("chat_postMessage", pace=to["user"], channel=to["user"], text=text, blocks=blocks)
        else:
            raise SendFailed(f"reply without an address: {sorted(to)}")

    def _fetch_profile(self, message: OutboxMessage) -> None:
        user_id = message.payload["user_id"]
        user = self._api("users_info", pace=None, user=user_id, include_locale=True)["user"]
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
        with transaction(self.engine) as session:
            session.execute(
                update(Member)
                .where(col(Member.workspace_id) == message.workspace_id, col(Member.user_id) == user_id)
                .values(
                    display_name=(name or "")[:200],
                    tz=user.get("tz"),
                    locale=user.get("locale"),
                    profile_fetched_at=self.clock(),
                )
            )

    # --- helpers ------------------------------------------------------------------------------------------

    def _join(self, channel: str) -> bool:
        try:
            self._api("conversations_join", pace=None, channel=channel)
        except SendFailed:
            return False
        return True

    def _tell_owner_card_failed(self, request: ContentRequest, *, reason: str) -> None:
        assert request.id is not None
        with transaction(self.engine) as session:
            owner = queries.member_by_id(session=session, workspace_id=request.workspace_id, member_id=request.owner_id)
            queries.enqueue(
                session=session,
                workspace_id=request.workspace_id,
                kind=NOTICE,
                payload={
                    "to": {"user": owner.user_id},
                    "notice": Notice(t(texts.CARD_NOT_POSTED, number=request.number, reason=reason)).to_json(),
                },
                dedupe_key=f"notice:{request.workspace_id}:card-failed:{request.id}",
                now=self.clock(),
            )

    def _pace(self, channel: str | None) -> None:
        if channel is None or self.channel_interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._last_post.get(channel, -1e9) + self.channel_interval - now
            if wait > 0:
                raise RetryLater(wait, f"pacing {channel}", count_attempt=False)
            self._last_post[channel] = now

    def _wait_out_rate_limit(self, method: str) -> None:
        with self._lock:
            until = self._paused_until.get(method)
        if until is not None:
            wait = (until - self.clock()).total_seconds()
            if wait > 0:
                raise RetryLater(wait, "ratelimited", count_attempt=False)

    def _api(self, method: str, *, pace: str | None, **kwargs: Any) -> Any:
        """Calls a Web API method; ``pace`` names the channel whose posting pace applies, if any."""
        self._wait_out_rate_limit(method)
        self._pace(pace)
        try:
            return getattr(self.client, method)(**kwargs)
        except SlackApiError as error:
            outcome = _classify(error)
            if isinstance(outcome, RetryLater) and outcome.reason == "ratelimited" and outcome.seconds:
                # Retry-After holds for the method, not only for this message: every other message waits too.
                until = self.clock() + timedelta(seconds=outcome.seconds)
                with self._lock:
                    self._paused_until[method] = max(until, self._paused_until.get(method, until))
            raise outcome from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise RetryLater(None, f"network: {error}") from None

    def _respond(self, url: str, **kwargs: Any) -> None:
        try:
            response = WebhookClient(url, timeout=10).send(response_type="ephemeral", replace_original=False, **kwargs)
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise RetryLater(None, f"network: {error}") from None
        if response.status_code == 429:
            raise RetryLater(float(response.headers.get("Retry-After", ["1"])[0]), "ratelimited", count_attempt=False)
        if response.status_code >= 500:
            raise RetryLater(None, f"response_url answered {response.status_code}")
        if response.status_code >= 400:
            raise SendFailed(f"response_url answered {response.status_code}: {response.body[:100]}")


def _classify(error: SlackApiError) -> Exception:
    response = error.response
    status = response.status_code
    code = response.get("error") if isinstance(response.data, dict) else None
    if status == 429 or code == "ratelimited":
        retry_after = response.headers.get("Retry-After") or response.headers.get("retry-after") or "1"
        if isinstance(retry_after, list):
            retry_after = retry_after[0]
        return RetryLater(float(retry_after), "ratelimited", count_attempt=False)
    if status >= 500 or code in TRANSIENT_ERRORS:
        return RetryLater(None, f"slack {status} {code or ''}".strip())
    return SendFailed(str(code or f"http {status}"))
