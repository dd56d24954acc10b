"""Delivering outbox messages through the Slack Web API.

Maps each outbox kind (see ``handlers.notify``) to Web API calls, and Slack's answers to the sender's outcomes:
429 and ``ratelimited`` wait for ``Retry-After``, and no message calls that method again before it has passed; 5xx,
timeouts and Slack's transient errors back off; errors that will never go away (channel gone, bot removed, invalid
blocks) fail the message for good. Posts into one channel are paced (about one a second, as ``chat.postMessage``
allows) within this process, and all posts are spread to ``outbox.posts_per_minute``, or, when that is 0, to the
rate a workspace-wide 429 showed Slack allows (see ``SlackTransport._learn_pace``).
"""

from __future__ import annotations

import logging
import threading
import time
import urllib.error
from collections import deque
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from bot.runtime.outbox import RetryLater, SendFailed
from bot.slack.blocks import card_fallback, digest_message, home_view, notice_message, reply_message, request_card
from bot.slack.render import Translate, identity
from handlers import texts
from handlers.cards import build_card
from handlers.context import Policy, Scope
from handlers.home import build_home
from handlers.messages import CardRefresh, DigestMessage, HomeRefresh, LateReply, NoticeMessage, ProfileLookup
from handlers.results import Action, DigestPart, Notice, Reply, Text, t
from storage import queries
from storage.db import reader, transaction
from storage.models import ContentRequest, Member, OutboxMessage, Workspace

log = logging.getLogger(__name__)

# What Slack counts against a workspace's posting limit (and paces per channel).
POSTING_METHODS = frozenset({"chat_postMessage", "chat_postEphemeral", "chat_update"})
TRANSIENT_ERRORS = {"internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited"}

# Learning a pace from a 429 (when ``outbox.posts_per_minute`` is 0). Slack counts its workspace limits per minute:
# the posts of the last minute are what a 429 can be blamed on.
PACE_HISTORY_SECONDS = 60.0
# A 429 after fewer posts than this, or teaching a pace under one post a second (Slack allows that much into every
# single channel), was about one channel or someone else's posts: it teaches nothing about the workspace's rate.
PACE_MIN_POSTS = 20
PACE_MIN_RATE = 1.0
# A learned pace holds this long after the 429 that taught it, then Cobot posts as fast as Slack answers again
# (until the next 429): a one-off 429 does not slow the workspace for good.
PACE_MEMORY_SECONDS = 600.0
# Retry-After comes rounded up to whole seconds: on average the window frees this much sooner than it says.
RETRY_AFTER_ROUNDING = 0.5


class SlackTransport:
    def __init__(
        self,
        *,
        engine: Engine,
        client: WebClient,
        clock: Callable[[], datetime],
        channel_interval: float = 1.0,
        posts_per_minute: int = 0,
        translators: Callable[[str], Translate] = lambda language: identity,
        policy: Policy | None = None,
    ) -> None:
        self.engine = engine
        self.policy = policy or Policy()
        self.client = client
        self.clock = clock
        self.channel_interval = channel_interval
        self.post_interval = 60.0 / posts_per_minute if posts_per_minute > 0 else 0.0
        self._next_post_at = 0.0  # monotonic: when the next post may go, at ``posts_per_minute`` or the learned pace
        self._recent_posts: deque[float] = deque()  # monotonic times of the posts Slack accepted, the last minute's
        self._learned_interval = 0.0  # seconds between posts that the last workspace-wide 429 taught (0: none)
        self._learned_at = -1e9  # monotonic time of that 429
        self.translators = translators
        self._last_post: dict[str, float] = {}
        # Channel → {outbox message id → its turn (monotonic time)}: messages that wait for a paced channel.
        self._turns: dict[str, dict[int, float]] = {}
        self._sending = threading.local()  # the id of the message this thread is sending
        self._paused_until: dict[str, datetime] = {}  # Web API method → end of its Retry-After
        self._lock = threading.Lock()

    def send(self, message: OutboxMessage) -> None:
        handlers: dict[str, Callable[[OutboxMessage], None]] = {
            CardRefresh.kind: self._send_card,
            DigestMessage.kind: self._send_digest,
            HomeRefresh.kind: self._publish_home,
            NoticeMessage.kind: self._send_notice,
            LateReply.kind: self._send_reply,
            ProfileLookup.kind: self._fetch_profile,
        }
        handler = handlers.get(message.kind)
        if handler is None:
            raise SendFailed(f"unknown outbox kind {message.kind!r}")
        self._sending.id = message.id
        handler(message)

    # --- kinds --------------------------------------------------------------------------------------------

    def _send_card(self, message: OutboxMessage) -> None:
        with Session(reader(self.engine)) as session:
            request = session.get(ContentRequest, message.payload["request_id"])
            if request is None:
                raise SendFailed("request no longer exists")
            self._not_yet(request.channel_id, "chat_update" if request.card_ts else "chat_postMessage")
            view = build_card(session, request)
        translate = self.translators(self.policy.language_of_channel(request.channel_id))
        blocks = request_card(view, translate)
        text = card_fallback(view, translate)
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
        self._not_yet(to.get("user") or to.get("channel"), "chat_postMessage")
        notice = Notice.from_json(message.payload["notice"])
        text, blocks = notice_message(notice, self.translators(self._language_for(message, to)))
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
            with Session(reader(self.engine)) as session:
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

    def _publish_home(self, message: OutboxMessage) -> None:
        user_id = message.payload["user_id"]
        with Session(reader(self.engine)) as session:
            workspace = session.get(Workspace, message.workspace_id)
            member = queries.get_member(session=session, workspace_id=message.workspace_id, user_id=user_id)
            if workspace is None or member is None:
                raise SendFailed("member no longer known")
            scope = Scope(session=session, workspace=workspace, policy=self.policy, now=self.clock())
            translate = self.translators(self.policy.language_of(member))
            view = home_view(build_home(scope, member, pages=message.payload.get("pages") or {}), translate)
        self._api("views_publish", pace=None, user_id=user_id, view=view)

    def _send_digest(self, message: OutboxMessage) -> None:
        channel = message.payload["to"]["channel"]
        self._not_yet(channel, "chat_postMessage")
        translate = self.translators(self.policy.language_of_channel(channel))
        text, blocks = digest_message(DigestPart.from_json(message.payload["digest"]), translate)
        self._api("chat_postMessage", pace=channel, channel=channel, text=text, blocks=blocks, unfurl_links=False)

    def _send_reply(self, message: OutboxMessage) -> None:
        to: dict[str, Any] = message.payload["to"]
        reply = Reply(
            tuple(Text.from_json(x) for x in message.payload["texts"]),
            actions=tuple(Action.from_json(a) for a in message.payload.get("actions", [])),
        )
        language = message.payload.get("language") or self.policy.default_language
        text, blocks = reply_message(reply, self.translators(language))
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

    def _language_for(self, message: OutboxMessage, to: dict[str, Any]) -> str:
        """A DM speaks its recipient's language; a post in a channel or thread speaks the channel's."""
        if "user" in to:
            with Session(reader(self.engine)) as session:
                member = queries.get_member(session=session, workspace_id=message.workspace_id, user_id=to["user"])
            return self.policy.language_of(member)
        if "thread" in to:
            with Session(reader(self.engine)) as session:
                request = session.get(ContentRequest, to["thread"])
            return self.policy.language_of_channel(request.channel_id if request else None)
        return self.policy.language_of_channel(to.get("channel"))

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
                    # Only with the users:read.email scope; content plans may name request owners by e-mail.
                    email=(str(profile.get("email") or "").strip()[:254] or None),
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
                kind=NoticeMessage.kind,
                payload={
                    "to": {"user": owner.user_id},
                    "notice": Notice(t(texts.CARD_NOT_POSTED, number=request.number, reason=reason)).to_json(),
                },
                dedupe_key=f"notice:{request.workspace_id}:card-failed:{request.id}",
                now=self.clock(),
            )

    def _not_yet(self, channel: str | None, method: str) -> None:
        """Raises what ``_api`` would for a channel still being paced or a method still under Retry-After, without
        taking the channel's turn: such a message is put back before its card or text is built. With many card
        refreshes waiting for one busy channel, building each card only to put it back cost more than anything
        else the sender did (bench/bench_serve.py)."""
        self._wait_out_rate_limit(method)
        if channel is None or self.channel_interval <= 0:
            return
        with self._lock:
            wait = self._turn_wait(channel, time.monotonic())
        if wait > 0:
            raise RetryLater(wait, f"pacing {channel}", count_attempt=False)

    def _pace(self, channel: str | None) -> None:
        if channel is None or self.channel_interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._turn_wait(channel, now)
            if wait > 0:
                raise RetryLater(wait, f"pacing {channel}", count_attempt=False)
            self._turns.get(channel, {}).pop(getattr(self._sending, "id", None) or 0, None)
            self._last_post[channel] = now

    def _turn_wait(self, channel: str, now: float) -> float:
        """Seconds until the message being sent may post to ``channel`` (call with the lock held). Messages that
        find it busy wait in line, each for its own turn one interval after the one before: they come back one
        at a time, instead of all together after every post, when one went and every other one was claimed and
        put back again (the sender's writes then kept people's requests waiting: bench/bench_serve.py)."""
        line = self._turns.setdefault(channel, {})
        for waiting, due in list(line.items()):
            if due < now - 2 * self.channel_interval - 5:
                del line[waiting]  # it did not come back (sent by another process, cancelled): it holds no turn
        free_at = self._last_post.get(channel, -1e9) + self.channel_interval
        message_id = getattr(self._sending, "id", None) or 0
        if message_id not in line:
            if free_at <= now and not line:
                return 0.0
            line[message_id] = max([free_at, *(due + self.channel_interval for due in line.values())])
        return max(line[message_id], free_at) - now

    def _spread_posts(self) -> None:
        """Waits for the next post's moment at ``posts_per_minute`` (or the learned pace). Only the sender's thread
        posts, and a wait is a fraction of a second: it sleeps rather than putting the message back (a claim and a
        write each time)."""
        with self._lock:
            now = time.monotonic()
            interval = self._post_interval(now)
            if interval <= 0:
                return
            at = max(now, self._next_post_at)
            self._next_post_at = at + interval
        if at > now:
            time.sleep(at - now)

    def _post_interval(self, now: float) -> float:
        """Seconds between posts: the configured pace, else a learned one still remembered (call with the lock)."""
        if self.post_interval > 0:
            return self.post_interval
        if self._learned_interval > 0 and now - self._learned_at < PACE_MEMORY_SECONDS:
            return self._learned_interval
        return 0.0

    def _posted(self, now: float) -> None:
        with self._lock:
            self._recent_posts.append(now)
            while self._recent_posts[0] < now - PACE_HISTORY_SECONDS:
                self._recent_posts.popleft()

    def _learn_pace(self, retry_after: float, now: float) -> None:
        """Learns from a posting 429 the rate Slack allows this workspace, and spreads the next posts to it.

        Without ``posts_per_minute`` Cobot posts as fast as Slack answers, so a big fan-out meets the workspace
        limit: N posts in E seconds filled Slack's window, and Retry-After R says when the first of them leaves it,
        so the window is about E + R long and holds N posts. Waiting out R and bursting again would fill it as
        quickly, and posts into a paced channel (one a second) would only get their turns in the short bursts;
        spread at N / (E + R) a second instead, the window stays about full and those posts go in between
        (bench/bench_fanout.py). Retry-After is rounded up to whole seconds, so the window is up to a second
        shorter than E + R: half a second is taken off, the rate is right on average, and when it is a little
        too fast the next 429 (a short one, the window being nearly free) teaches it again. Which post opened
        the window is not known, so each recent one is tried and the highest rate taken: posts long before a
        burst do not slow it.
        """
        if self.post_interval > 0:
            return  # the configured pace stays as it is
        with self._lock:
            posts = list(self._recent_posts)
            rate = 0.0
            for index in range(len(posts) - PACE_MIN_POSTS + 1):
                window = max(now - posts[index] + retry_after - RETRY_AFTER_ROUNDING, RETRY_AFTER_ROUNDING)
                rate = max(rate, (len(posts) - index) / window)
            if rate < PACE_MIN_RATE:
                return
            self._learned_interval = 1.0 / rate
            self._learned_at = now
        log.info("posting 429 (Retry-After %g s): spreading posts to %.0f a minute", retry_after, 60 * rate)

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
        if method in POSTING_METHODS:
            self._spread_posts()
        try:
            response = getattr(self.client, method)(**kwargs)
        except SlackApiError as error:
            outcome = _classify(error)
            if isinstance(outcome, RetryLater) and outcome.reason == "ratelimited" and outcome.seconds:
                # Retry-After holds for the method, not only for this message: every other message waits too.
                until = self.clock() + timedelta(seconds=outcome.seconds)
                with self._lock:
                    self._paused_until[method] = max(until, self._paused_until.get(method, until))
                if method in POSTING_METHODS:
                    self._learn_pace(outcome.seconds, time.monotonic())
            raise outcome from None
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise RetryLater(None, f"network: {error}") from None
        if method in POSTING_METHODS:
            self._posted(time.monotonic())
        return response

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
