"""Delivering outbox messages through the Slack Web API.

Maps each prepared message (``bot.runtime.delivery``) to Web API calls, and Slack's answers to the sender's outcomes:
429 and ``ratelimited`` wait for ``Retry-After``, and no message calls that method again before it has passed; 5xx,
timeouts and Slack's transient errors back off; errors that will never go away (channel gone, bot removed, invalid
blocks) fail the message for good. Posts into one channel are paced (about one a second, as ``chat.postMessage``
allows) within this process, and all posts are spread to ``outbox.posts_per_minute``, or, when that is 0, to the
rate a workspace-wide 429 showed Slack allows (see ``SlackTransport._learn_pace``).
"""

from __future__ import annotations

import logging
import re
import threading
import time
import urllib.error
from collections import deque
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.runtime.delivery import (
    CardPosted,
    Destination,
    FetchProfile,
    NoticePosted,
    Outcome,
    PostCard,
    PostText,
    Prepared,
    ProfileFound,
    PublishHome,
    RetryLater,
    SendFailed,
    UpdateNotice,
    WorkspaceLost,
)
from bot.runtime.pacing import Pacer
from bot.slack.blocks import card_fallback, digest_message, home_view, notice_message, reply_message, request_card
from bot.slack.profiles import SlackProfiles
from bot.slack.render import Translate, identity
from handlers.messages import (
    CardRefresh,
    Channel,
    DigestMessage,
    Ephemeral,
    HomeRefresh,
    InteractionUrl,
    LateReply,
    NoticeMessage,
    NoticeSettled,
    Person,
    ProfileLookup,
)
from handlers.results import DigestPart, Notice, Reply

log = logging.getLogger(__name__)

# What Slack counts against a workspace's posting limit (and paces per channel).
POSTING_METHODS = frozenset({"chat_postMessage", "chat_postEphemeral", "chat_update"})
# Slack's error codes are snake_case words; slack_sdk puts its own sentence there for a body that is not JSON.
SLACK_ERROR_CODE = re.compile(r"[a-z][a-z0-9_]*")
# Answers that mean Cobot lost the whole workspace, not one channel: its token was revoked or the app removed.
WORKSPACE_LOST_ERRORS = {"invalid_auth", "account_inactive", "token_revoked", "not_authed", "team_disabled"}
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
    delivers = frozenset(
        {
            CardRefresh.kind,
            DigestMessage.kind,
            HomeRefresh.kind,
            NoticeMessage.kind,
            NoticeSettled.kind,
            LateReply.kind,
            ProfileLookup.kind,
        }
    )

    def __init__(
        self,
        *,
        client: WebClient,
        clock: Callable[[], datetime],
        channel_interval: float = 1.0,
        posts_per_minute: int = 0,
        translators: Callable[[str], Translate] = lambda language: identity,
        profiles: SlackProfiles | None = None,
        tokens: Callable[[int], str | None] | None = None,
    ) -> None:
        self.client = client
        self.profiles = profiles or SlackProfiles(None)  # departments from profiles, as app.yaml's profiles: says
        # Installs through OAuth: each workspace's token (by workspace row id) instead of the client's one token.
        self.tokens = tokens
        self._clients: dict[str, WebClient] = {}
        self.clock = clock
        self.post_interval = 60.0 / posts_per_minute if posts_per_minute > 0 else 0.0
        self._next_post_at = 0.0  # monotonic: when the next post may go, at ``posts_per_minute`` or the learned pace
        self._recent_posts: deque[float] = deque()  # monotonic times of the posts Slack accepted, the last minute's
        self._learned_interval = 0.0  # seconds between posts that the last workspace-wide 429 taught (0: none)
        self._learned_at = -1e9  # monotonic time of that 429
        self.translators = translators
        # Channels (and DMs) one post a second; Web API methods paused while Slack's Retry-After holds.
        self.pacer = Pacer(interval=channel_interval, clock=clock)
        self._sending = threading.local()  # the id of the message this thread is sending
        self._lock = threading.Lock()

    def hold(self, destination: str | None, *, message_id: int, update: bool = False) -> None:
        """Raises what ``_api`` would for a channel still being paced or a method still under Retry-After, without
        taking the channel's turn: such a message is put back before its card or text is built. With many card
        refreshes waiting for one busy channel, building each card only to put it back cost more than anything
        else the sender did (bench/bench_serve.py)."""
        self.pacer.check_pause("chat_update" if update else "chat_postMessage", "ratelimited")
        self.pacer.check(destination, message_id)

    def send(self, delivery: Prepared) -> Outcome:
        self._sending.id = delivery.message_id
        self._sending.client = self._client_for(delivery.workspace_id)
        match delivery:
            case PostCard():
                return self._send_card(delivery)
            case PostText(content=Notice() as notice):
                text, blocks = notice_message(notice, self.translators(delivery.language))
                response = self._post(delivery.to, text=text, blocks=blocks, unfurl_links=False)
                if notice.actions and isinstance(delivery.to, Person) and response is not None:
                    return NoticePosted(channel_id=str(response["channel"]), ts=str(response["ts"]))
            case UpdateNotice(channel_id=channel_id, ts=ts, notice=notice):
                text, blocks = notice_message(notice, self.translators(delivery.language))
                self._api("chat_update", pace=channel_id, channel=channel_id, ts=ts, text=text, blocks=blocks)
            case PostText(content=Reply() as reply):
                text, blocks = reply_message(reply, self.translators(delivery.language))
                self._post(delivery.to, text=text, blocks=blocks)
            case PostText(content=DigestPart() as part):
                text, blocks = digest_message(part, self.translators(delivery.language))
                self._post(delivery.to, text=text, blocks=blocks, unfurl_links=False)
            case PublishHome(user_id=user_id, view=view):
                self._api(
                    "views_publish",
                    pace=None,
                    user_id=user_id,
                    view=home_view(view, self.translators(delivery.language)),
                )
            case FetchProfile(user_id=user_id):
                return self._fetch_profile(user_id)
        return None

    # --- kinds --------------------------------------------------------------------------------------------

    def _send_card(self, card: PostCard) -> Outcome:
        translate = self.translators(card.language)
        blocks = request_card(card.view, translate)
        text = card_fallback(card.view, translate)
        if card.posted:
            self._api(
                "chat_update", pace=card.channel_id, channel=card.channel_id, ts=card.posted, text=text, blocks=blocks
            )
            return None
        post = {"channel": card.channel_id, "text": text, "blocks": blocks, "unfurl_links": False}
        try:
            response = self._api("chat_postMessage", pace=card.channel_id, **post)
        except SendFailed as failure:
            if str(failure) != "not_in_channel" or not self._join(card.channel_id):
                raise
            # The first post did not land, so the retry takes no new turn: paced, it was put back, came back to a
            # channel still not joined, and joined and was put back again, for ever. A second not_in_channel
            # fails it for good (and the owner is told).
            response = self._api("chat_postMessage", pace=None, **post)
        channel, ts = str(response["channel"]), str(response["ts"])
        return CardPosted(channel_id=channel, ts=ts, url=self._permalink(channel, ts))

    def _permalink(self, channel: str, ts: str) -> str | None:
        """The card's web link, or None: the card is posted already, so a failed look-up (a 429, an error, the
        network) must not fail the message, which would post the card again."""
        try:
            response = self._api("chat_getPermalink", pace=None, channel=channel, message_ts=ts)
        except (RetryLater, SendFailed) as failure:
            log.warning("no permalink for card %s in %s: %s", ts, channel, failure)
            return None
        link = response.get("permalink")
        return str(link) if isinstance(link, str) and link else None

    def _post(self, to: Destination, **message: Any) -> Any:
        """A message for one destination: a DM, a post or thread reply in a channel, an answer only one person in a
        channel sees, or an answer through an interaction's response_url. Slack's answer to a post (its channel and
        ts), None for the others."""
        match to:
            case Person(user_id=user_id):
                return self._api("chat_postMessage", pace=user_id, channel=user_id, **message)
            case Channel(channel_id=channel_id, thread=thread):
                extra = {"thread_ts": thread} if thread else {}
                return self._api("chat_postMessage", pace=channel_id, channel=channel_id, **extra, **message)
            case Ephemeral(channel_id=channel_id, user_id=user_id):
                message.pop("unfurl_links", None)
                self._api("chat_postEphemeral", pace=channel_id, channel=channel_id, user=user_id, **message)
            case InteractionUrl(url=url):
                message.pop("unfurl_links", None)
                self._respond(url, **message)

    def _fetch_profile(self, user_id: str) -> ProfileFound:
        user = self._api("users_info", pace=None, user=user_id, include_locale=True)["user"]
        profile = user.get("profile") or {}
        name = profile.get("display_name") or profile.get("real_name") or user.get("real_name") or user.get("name")
        directory = self.profiles.read(self.client, user)
        return ProfileFound(
            department=directory.department,
            title=directory.title,
            display_name=name or "",
            tz=user.get("tz"),
            locale=user.get("locale"),
            # Only with the users:read.email scope; content plans may name request owners by e-mail.
            email=str(profile.get("email") or "") or None,
        )

    # --- helpers ------------------------------------------------------------------------------------------

    def _client_for(self, workspace_id: int) -> WebClient:
        """The client with the workspace's token (one client per token); the one client with a single token."""
        if self.tokens is None:
            return self.client
        token = self.tokens(workspace_id)
        if token is None:
            raise WorkspaceLost("not_installed")  # never installed, or the installation is gone
        with self._lock:
            client = self._clients.get(token)
            if client is None:
                if len(self._clients) > 1000:  # rotated tokens pile up: start again rather than keep them all
                    self._clients.clear()
                client = self._clients[token] = WebClient(
                    token=token, base_url=self.client.base_url, timeout=self.client.timeout
                )
        return client

    def _message_id(self) -> int:
        return getattr(self._sending, "id", None) or 0

    def _join(self, channel: str) -> bool:
        try:
            self._api("conversations_join", pace=None, channel=channel)
        except SendFailed:
            return False
        return True

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

    def _api(self, method: str, *, pace: str | None, **kwargs: Any) -> Any:
        """Calls a Web API method; ``pace`` names the channel whose posting pace applies, if any."""
        self.pacer.check_pause(method, "ratelimited")
        self.pacer.take_turn(pace, self._message_id())
        if method in POSTING_METHODS:
            self._spread_posts()
        try:
            response = getattr(getattr(self._sending, "client", None) or self.client, method)(**kwargs)
        except SlackApiError as error:
            outcome = _classify(error)
            if isinstance(outcome, RetryLater) and outcome.reason == "ratelimited" and outcome.seconds:
                # Retry-After holds for the method, not only for this message: every other message waits too.
                self.pacer.pause(method, outcome.seconds)
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
            raise RetryLater(retry_after_seconds(response.headers), "ratelimited", count_attempt=False)
        if response.status_code >= 500:
            raise RetryLater(None, f"response_url answered {response.status_code}")
        if response.status_code >= 400:
            raise SendFailed(f"response_url answered {response.status_code}: {response.body[:100]}")


def retry_after_seconds(headers: Mapping[str, Any]) -> float:
    """A ``Retry-After`` header's seconds (1 when it is missing or not a number). Depending on the client, header
    values come as strings or as lists of strings."""
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if isinstance(value, list | tuple):
        value = value[0] if value else None
    try:
        return max(float(str(value).strip()), 0.0) if value is not None else 1.0
    except ValueError:
        return 1.0  # an HTTP date instead of seconds: a second, then Slack says again


def _classify(error: SlackApiError) -> Exception:
    """Slack's answer → the sender's outcome. Only a definite Slack error code (``channel_not_found``,
    ``not_in_channel``, ``invalid_blocks``…) fails a message for good; an answer that is not Slack's JSON at all (a
    proxy's error page, a body cut short) is a hiccup on the way, retried like a 5xx."""
    response = error.response
    status = response.status_code
    code = response.get("error") if isinstance(response.data, dict) else None
    if status == 429 or code == "ratelimited":
        return RetryLater(retry_after_seconds(response.headers), "ratelimited", count_attempt=False)
    if status >= 500 or code in TRANSIENT_ERRORS:
        return RetryLater(None, f"slack {status} {code or ''}".strip())
    if not isinstance(code, str) or not SLACK_ERROR_CODE.fullmatch(code):
        return RetryLater(None, f"slack {status}: not a Slack answer")
    if code in WORKSPACE_LOST_ERRORS:
        return WorkspaceLost(code)
    return SendFailed(code)
