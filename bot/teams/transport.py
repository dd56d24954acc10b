"""Delivering outbox messages to Teams through the Bot Framework connector, with the Microsoft 365 Agents SDK.

Every delivery is proactive: ``CloudAdapter.continue_conversation`` with the conversation reference Cobot stored
when it was added to (or spoken to in) the conversation, and the turn's connector client posts or updates the
message at the reference's ``serviceUrl``. DMs go to the person's 1:1 chat with Cobot; when there is none yet,
Cobot opens one (the connector's "create conversation", allowed for members of a team Cobot is in).

Teams' answers map to the sender's outcomes: 429 waits for ``Retry-After`` (or backs off) and holds the whole
conversation meanwhile; 412, 502, 504 and other 5xx, timeouts and network trouble back off and retry; any other
4xx (the conversation is gone, Cobot was removed, the message is malformed) fails the message for good. Posts
into one conversation are paced, about one a second, within this process.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime, timedelta
from typing import Any, TypeVar, cast

import aiohttp
from microsoft_agents.activity import Activity, ConversationParameters, ConversationReference
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, ConnectorClientBase, TurnContext
from sqlalchemy import Engine, update
from sqlmodel import Session, col

from bot.runtime.outbox import RetryLater, SendFailed
from bot.teams import cards, store
from bot.teams.render import Person, TeamsRenderer, Translate, identity
from handlers import texts
from handlers.cards import build_card
from handlers.context import Policy
from handlers.messages import CardRefresh, DigestMessage, LateReply, NoticeMessage, ProfileLookup
from handlers.results import Action, DigestPart, Notice, Reply, Text, t
from storage import queries
from storage.db import transaction
from storage.models import ContentRequest, Member, OutboxMessage, TeamsConversation

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRIED_STATUSES = {429, 412, 502, 504}
CALL_TIMEOUT_SECONDS = 30
IGNORED_KINDS = {"home"}  # Slack's App Home has no Teams counterpart


class TeamsConnector:
    """Runs the SDK's (async) proactive calls for the (threaded) outbox sender, on an event loop of its own."""

    def __init__(self, *, adapter: ChannelServiceAdapter, app_id: str, authenticated: bool) -> None:
        self.adapter = adapter
        self.app_id = app_id
        self.authenticated = authenticated
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def run(self, work: Coroutine[Any, Any, T]) -> T:
        loop = self._running_loop()
        future = asyncio.run_coroutine_threadsafe(work, loop)
        try:
            return future.result(CALL_TIMEOUT_SECONDS)
        except TimeoutError:
            future.cancel()  # a call that gave up must not land later, after its retry
            raise

    def close(self) -> None:
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is not None and thread is not None:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(5)
            loop.close()

    def _running_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="teams-connector", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    # --- the calls ------------------------------------------------------------------------------------------

    async def _with_client(
        self, reference: dict[str, Any], work: Callable[[ConnectorClientBase, ConversationReference], Awaitable[T]]
    ) -> T:
        """Runs ``work`` with an authenticated connector client for the reference's conversation."""
        ref = ConversationReference.model_validate(reference)
        results: list[T] = []
        failures: list[Exception] = []

        async def callback(context: TurnContext) -> None:
            client = connector_client(context)
            assert client is not None, "the adapter made no connector client"
            try:
                results.append(await work(client, ref))
            except Exception as error:  # raised below, outside the SDK's pipeline (which would post it in the chat)
                failures.append(error)

        continuation = ref.get_continuation_activity()
        if self.authenticated:
            await self.adapter.continue_conversation(self.app_id, continuation, callback)
        else:
            # Local development without credentials: no token is asked for or sent.
            await self.adapter.continue_conversation_with_claims(ClaimsIdentity(), continuation, callback)
        if failures:
            raise failures[0]
        return results[0]

    def post(self, reference: dict[str, Any], activity: dict[str, Any], *, conversation_id: str | None = None) -> str:
        """Posts ``activity`` to the reference's conversation (or to ``conversation_id``, e.g. a channel thread);
        returns the new message's id."""

        async def work(client: ConnectorClientBase, ref: ConversationReference) -> str:
            message = Activity.model_validate(activity)
            message.apply_conversation_reference(ref)
            target = conversation_id or ref.conversation.id
            message.conversation = message.conversation.model_copy(update={"id": target})
            response = await client.conversations.send_to_conversation(target, message)
            return str(response.id or "")

        return self.run(self._with_client(reference, work))

    def update(self, reference: dict[str, Any], activity_id: str, activity: dict[str, Any]) -> None:
        async def work(client: ConnectorClientBase, ref: ConversationReference) -> None:
            message = Activity.model_validate({**activity, "id": activity_id})
            message.apply_conversation_reference(ref)
            message.id = activity_id
            await client.conversations.update_activity(ref.conversation.id, activity_id, message)

        self.run(self._with_client(reference, work))

    def open_personal(self, reference: dict[str, Any], *, teams_id: str, tenant_id: str | None) -> dict[str, Any]:
        """Opens (or finds) the 1:1 chat between Cobot and ``teams_id``; returns its conversation reference."""

        async def work(client: ConnectorClientBase, ref: ConversationReference) -> dict[str, Any]:
            parameters = ConversationParameters.model_validate(
                {
                    "isGroup": False,
                    "bot": ref.agent.model_dump(by_alias=True, exclude_none=True) if ref.agent else None,
                    "members": [{"id": teams_id}],
                    "tenantId": tenant_id,
                    "channelData": {"tenant": {"id": tenant_id}} if tenant_id else None,
                }
            )
            created = await client.conversations.create_conversation(parameters)
            personal = ref.model_copy(
                update={
                    "conversation": ref.conversation.model_copy(
                        update={"id": created.id, "conversation_type": store.PERSONAL, "is_group": False}
                    ),
                    "service_url": created.service_url or ref.service_url,
                    "user": None,
                    "activity_id": None,
                }
            )
            dumped: dict[str, Any] = personal.model_dump(by_alias=True, exclude_none=True, mode="json")
            return dumped

        return self.run(self._with_client(reference, work))


class TeamsTransport:
    def __init__(
        self,
        *,
        engine: Engine,
        connector: TeamsConnector,
        clock: Callable[[], datetime],
        bot_name: str,
        policy: Policy,
        conversation_interval: float = 1.0,
        translators: Callable[[str], Translate] = lambda language: identity,
    ) -> None:
        self.engine = engine
        self.connector = connector
        self.clock = clock
        self.bot_name = bot_name
        self.policy = policy
        self.conversation_interval = conversation_interval
        self.translators = translators
        self._last_post: dict[str, float] = {}
        self._paused_until: dict[str, datetime] = {}  # conversation → end of its Retry-After
        self._lock = threading.Lock()

    def send(self, message: OutboxMessage) -> None:
        handlers: dict[str, Callable[[OutboxMessage], None]] = {
            CardRefresh.kind: self._send_card,
            DigestMessage.kind: self._send_digest,
            NoticeMessage.kind: self._send_notice,
            LateReply.kind: self._send_reply,
            ProfileLookup.kind: self._fill_profile,
        }
        if message.kind in IGNORED_KINDS:
            return
        handler = handlers.get(message.kind)
        if handler is None:
            raise SendFailed(f"unknown outbox kind {message.kind!r}")
        handler(message)

    # --- kinds ----------------------------------------------------------------------------------------------

    def _send_card(self, message: OutboxMessage) -> None:
        with Session(self.engine) as session:
            request = session.get(ContentRequest, message.payload["request_id"])
            if request is None:
                raise SendFailed("request no longer exists")
            view = build_card(session, request)
            conversation = (
                store.get_conversation(session=session, workspace_id=request.workspace_id, key=request.channel_id)
                if request.channel_id
                else None
            )
        if conversation is None:
            self._tell_owner_card_failed(request, reason="Cobot is not in that conversation")
            raise SendFailed("the request's conversation is unknown to Cobot")
        r = self._renderer(message.workspace_id, conversation, self.policy.language_of_channel(conversation.key))
        activity = cards.card_message(cards.request_card(view, r), summary=cards.card_summary(view, r))
        if request.card_ts:
            self._call(
                conversation.key, lambda: self.connector.update(conversation.reference, request.card_ts or "", activity)
            )
            return
        card_id = self._call(conversation.key, lambda: self.connector.post(conversation.reference, activity))
        with transaction(self.engine) as session:
            queries.set_card_message(
                session=session, request_id=request.id or 0, channel_id=conversation.key, ts=card_id
            )

    def _send_notice(self, message: OutboxMessage) -> None:
        notice = Notice.from_json(message.payload["notice"])
        self._deliver(
            message, message.payload["to"], lambda r: _card_activity(cards.notice_card(notice, r), r, notice.text)
        )

    def _send_digest(self, message: OutboxMessage) -> None:
        part = DigestPart.from_json(message.payload["digest"])
        heading = part.lines[0].text if part.lines else Text(texts.DIGEST_TITLE)
        self._deliver(message, message.payload["to"], lambda r: _card_activity(cards.digest_card(part, r), r, heading))

    def _send_reply(self, message: OutboxMessage) -> None:
        reply = Reply(
            tuple(Text.from_json(x) for x in message.payload["texts"]),
            actions=tuple(Action.from_json(a) for a in message.payload.get("actions", [])),
        )
        language = message.payload.get("language")
        self._deliver(message, message.payload["to"], lambda r: cards.reply_message(reply, r), language=language)

    def _fill_profile(self, message: OutboxMessage) -> None:
        """Teams tells Cobot a person's name with every activity, and their time zone and locale with most; what it
        knows already is all a profile look-up needs."""
        user_id = message.payload["user_id"]
        with Session(self.engine) as session:
            user = store.get_user(session=session, workspace_id=message.workspace_id, user_id=user_id)
        with transaction(self.engine) as session:
            values: dict[str, Any] = {"profile_fetched_at": self.clock()}
            session.execute(
                update(Member)
                .where(col(Member.workspace_id) == message.workspace_id, col(Member.user_id) == user_id)
                .values(**values)
            )
            if user is not None and user.name:
                session.execute(
                    update(Member)
                    .where(
                        col(Member.workspace_id) == message.workspace_id,
                        col(Member.user_id) == user_id,
                        col(Member.display_name) == "",
                    )
                    .values(display_name=user.name[:200])
                )

    # --- addresses ------------------------------------------------------------------------------------------

    def _deliver(
        self,
        message: OutboxMessage,
        to: dict[str, Any],
        build: Callable[[TeamsRenderer], dict[str, Any]],
        *,
        language: str | None = None,
    ) -> None:
        """Posts what ``build`` makes for the conversation that ``to`` names (a person, a thread, a channel), in
        the reader's language: the person's own, or the channel's."""
        workspace_id = message.workspace_id
        conversation_id: str | None = None
        conversation: TeamsConversation | None
        if "user" in to:
            conversation = self._personal(workspace_id, str(to["user"]))
            if language is None:
                with Session(self.engine) as session:
                    member = queries.get_member(session=session, workspace_id=workspace_id, user_id=str(to["user"]))
                language = self.policy.language_of(member)
        elif "thread" in to:
            with Session(self.engine) as session:
                request = session.get(ContentRequest, to["thread"])
                if request is None or not request.channel_id:
                    raise SendFailed("request or its conversation is gone")
                conversation = store.get_conversation(
                    session=session, workspace_id=workspace_id, key=request.channel_id
                )
            if conversation is None:
                raise SendFailed("the request's conversation is unknown to Cobot")
            if not request.card_ts:
                raise RetryLater(2, "card not posted yet")
            if conversation.conversation_type == store.CHANNEL:
                conversation_id = store.in_thread(conversation.conversation_id, request.card_ts)
        elif "conversation" in to:
            conversation = self._conversation(workspace_id, str(to["conversation"]))
            if to.get("thread") and conversation.conversation_type == store.CHANNEL:
                conversation_id = store.in_thread(conversation.conversation_id, str(to["thread"]))
        elif "channel" in to:
            conversation = self._conversation(workspace_id, str(to["channel"]))
        else:
            raise SendFailed(f"no address: {sorted(to)}")
        assert conversation is not None
        language = language or self.policy.language_of_channel(conversation.key)
        activity = build(self._renderer(workspace_id, conversation, language))
        self._call(
            conversation.key,
            lambda: self.connector.post(conversation.reference, activity, conversation_id=conversation_id),
        )

    def _conversation(self, workspace_id: int, name_or_key: str) -> TeamsConversation:
        with Session(self.engine) as session:
            found = store.find_channel(session=session, workspace_id=workspace_id, name_or_key=name_or_key)
        if found is None:
            raise SendFailed(f"Cobot has not been added to a Teams conversation or channel named {name_or_key!r}")
        return found

    def _personal(self, workspace_id: int, user_id: str) -> TeamsConversation:
        with Session(self.engine) as session:
            found = store.personal_conversation(session=session, workspace_id=workspace_id, user_id=user_id)
            if found is not None:
                return found
            user = store.get_user(session=session, workspace_id=workspace_id, user_id=user_id)
            known = store.latest_conversation(session=session, workspace_id=workspace_id)
        if user is None or known is None:
            raise SendFailed("Cobot has no chat with this person and cannot open one (it never met them in Teams)")
        tenant = (known.reference.get("conversation") or {}).get("tenantId")
        reference = self._call(
            known.key, lambda: self.connector.open_personal(known.reference, teams_id=user.teams_id, tenant_id=tenant)
        )
        with transaction(self.engine) as session:
            return store.remember_conversation(
                session=session,
                workspace_id=workspace_id,
                reference=reference,
                conversation_type=store.PERSONAL,
                user_id=user_id,
                now=self.clock(),
            )

    # --- rendering ------------------------------------------------------------------------------------------

    def _renderer(self, workspace_id: int, conversation: TeamsConversation, language: str) -> TeamsRenderer:
        prefix = "" if conversation.conversation_type == store.PERSONAL else f"@{self.bot_name} "
        known: dict[str, Person | None] = {}

        def people(user_id: str) -> Person | None:
            if user_id not in known:
                with Session(self.engine) as session:
                    found = store.people(session=session, workspace_id=workspace_id, user_ids=[user_id])
                known[user_id] = Person(*found[user_id]) if user_id in found else None
            return known[user_id]

        return TeamsRenderer(
            translate=self.translators(language), people=people, command_prefix=prefix, timezone=self.policy.timezone
        )

    # --- calling Teams --------------------------------------------------------------------------------------

    def _call(self, conversation: str, call: Callable[[], T]) -> T:
        """Runs one connector call for ``conversation``, paced, with Teams' answers turned into outcomes."""
        self._wait_out_rate_limit(conversation)
        self._pace(conversation)
        try:
            return call()
        except aiohttp.ClientResponseError as error:
            outcome = classify(error.status, error.headers.get("Retry-After") if error.headers else None)
            if error.status == 429 and isinstance(outcome, RetryLater) and outcome.seconds:
                # Teams throttles per conversation: nothing else goes there before Retry-After has passed.
                until = self.clock() + timedelta(seconds=outcome.seconds)
                with self._lock:
                    self._paused_until[conversation] = max(until, self._paused_until.get(conversation, until))
            raise outcome from None
        except (aiohttp.ClientError, TimeoutError, ConnectionError, OSError) as error:
            raise RetryLater(None, f"network: {type(error).__name__}: {error}") from None
        finally:
            self._posted(conversation)

    def _posted(self, conversation: str) -> None:
        """The next post into ``conversation`` waits an interval from when this one ended, not began: Teams counts
        posts as they arrive, and a post slowed on its way would otherwise arrive close to the next."""
        if self.conversation_interval <= 0:
            return
        with self._lock:
            self._last_post[conversation] = max(self._last_post.get(conversation, -1e9), time.monotonic())

    def _pace(self, conversation: str) -> None:
        if self.conversation_interval <= 0:
            return
        with self._lock:
            now = time.monotonic()
            wait = self._last_post.get(conversation, -1e9) + self.conversation_interval - now
            if wait > 0:
                raise RetryLater(wait, f"pacing {conversation}", count_attempt=False)
            self._last_post[conversation] = now

    def _wait_out_rate_limit(self, conversation: str) -> None:
        with self._lock:
            until = self._paused_until.get(conversation)
        if until is not None:
            wait = (until - self.clock()).total_seconds()
            if wait > 0:
                raise RetryLater(wait, "throttled by Teams", count_attempt=False)

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


def connector_client(context: TurnContext) -> ConnectorClientBase | None:
    """The authenticated connector client the adapter made for this turn (its ``serviceUrl``'s connector)."""
    # The SDK keys its services by type; ConnectorClientBase is a Protocol, which mypy will not take as a key.
    client: ConnectorClientBase | None = context.services.get(cast(Any, ConnectorClientBase))
    return client


def classify(status: int, retry_after: str | None) -> RetryLater | SendFailed:
    """Teams' HTTP status → the sender's outcome. 429 never counts as a failed attempt: it is Teams asking for
    patience, not something going wrong."""
    seconds = _seconds(retry_after)
    if status == 429:
        return RetryLater(seconds, "throttled by Teams (429)", count_attempt=False)
    if status in RETRIED_STATUSES or status >= 500:
        return RetryLater(seconds, f"Teams answered {status}")
    return SendFailed(f"Teams answered {status}")


def _seconds(retry_after: str | None) -> float | None:
    try:
        return float(retry_after) if retry_after else None
    except ValueError:
        return None  # an HTTP date instead of seconds: back off instead


def _card_activity(card: dict[str, Any], r: TeamsRenderer, summary: Text) -> dict[str, Any]:
    return cards.card_message(card, summary=r.plain(summary))
