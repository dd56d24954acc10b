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
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any, TypeVar, cast

import aiohttp
from microsoft_agents.activity import Activity, ConversationParameters, ConversationReference
from microsoft_agents.hosting.core import ChannelServiceAdapter, ClaimsIdentity, ConnectorClientBase, TurnContext

from bot.runtime.delivery import (
    CardPosted,
    FetchProfile,
    NoticePosted,
    Outcome,
    PostCard,
    PostText,
    Prepared,
    ProfileFound,
    RetryLater,
    SendFailed,
    UpdateNotice,
)
from bot.runtime.pacing import Pacer
from bot.runtime.teams_directory import KnownConversation, SeenConversation, TeamsDirectory
from bot.teams import cards, ids
from bot.teams.graph import GraphDirectory
from bot.teams.render import Person as Mentionable
from bot.teams.render import TeamsRenderer, Translate, identity
from handlers import texts
from handlers.context import Policy
from handlers.messages import (
    CardRefresh,
    Channel,
    DigestMessage,
    LateReply,
    NoticeMessage,
    NoticeSettled,
    Person,
    ProfileLookup,
)
from handlers.results import DigestPart, Notice, Reply, Text

log = logging.getLogger(__name__)

T = TypeVar("T")

RETRIED_STATUSES = {429, 412, 502, 504}
CALL_TIMEOUT_SECONDS = 30


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
                        update={"id": created.id, "conversation_type": ids.PERSONAL, "is_group": False}
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
    # Slack's App Home has no Teams counterpart.
    delivers = frozenset(
        {
            CardRefresh.kind,
            DigestMessage.kind,
            NoticeMessage.kind,
            NoticeSettled.kind,
            LateReply.kind,
            ProfileLookup.kind,
        }
    )

    def __init__(
        self,
        *,
        directory: TeamsDirectory,
        connector: TeamsConnector,
        clock: Callable[[], datetime],
        bot_name: str,
        policy: Policy,
        conversation_interval: float = 1.0,
        translators: Callable[[str], Translate] = lambda language: identity,
        graph: GraphDirectory | None = None,
    ) -> None:
        self.directory = directory
        self.graph = graph  # departments and job titles from Microsoft Graph, where the app may read them
        self.connector = connector
        self.clock = clock
        self.bot_name = bot_name
        self.policy = policy
        self.translators = translators
        # Teams throttles per conversation: one post a second, counted from when a post ended, and nothing while a
        # 429's Retry-After holds.
        self.pacer = Pacer(interval=conversation_interval, clock=clock, from_end=True)
        self._sending = threading.local()

    def hold(self, destination: str | None, *, message_id: int, update: bool = False) -> None:
        """Teams paces by conversation, which is only known once the destination is looked up: see ``_call``."""

    def send(self, delivery: Prepared) -> Outcome:
        self._sending.id = delivery.message_id
        match delivery:
            case PostCard():
                return self._send_card(delivery)
            case PostText(content=Notice() as notice):
                posted = self._deliver(delivery, lambda r: _card_activity(cards.notice_card(notice, r), r, notice.text))
                if notice.actions and isinstance(delivery.to, Person):
                    return NoticePosted(channel_id=posted[0], ts=posted[1])
            case UpdateNotice():
                self._update_notice(delivery)
            case PostText(content=Reply() as reply):
                self._deliver(delivery, lambda r: cards.reply_message(reply, r))
            case PostText(content=DigestPart() as part):
                heading = part.lines[0].text if part.lines else Text(texts.DIGEST_TITLE)
                self._deliver(delivery, lambda r: _card_activity(cards.digest_card(part, r), r, heading))
            case FetchProfile(user_id=user_id):
                return self._known_profile(delivery.workspace_id, user_id)
            case _:
                raise SendFailed(f"Teams has no place for {type(delivery).__name__}")
        return None

    # --- kinds ----------------------------------------------------------------------------------------------

    def _send_card(self, card: PostCard) -> Outcome:
        conversation = self.directory.conversation(workspace_id=card.workspace_id, key=card.channel_id)
        if conversation is None:
            raise SendFailed("Cobot is not in that conversation")
        r = self._renderer(card.workspace_id, conversation, card.language)
        activity = cards.card_message(cards.request_card(card.view, r), summary=cards.card_summary(card.view, r))
        if card.posted:
            posted = card.posted
            self._call(conversation.key, lambda: self.connector.update(conversation.reference, posted, activity))
            return None
        card_id = self._call(conversation.key, lambda: self.connector.post(conversation.reference, activity))
        return CardPosted(channel_id=conversation.key, ts=card_id)

    def _known_profile(self, workspace_id: int, user_id: str) -> ProfileFound:
        """Teams tells Cobot a person's name with every activity, and their time zone and locale with most; what it
        knows already is all a profile look-up needs, but for the department and job title, which Graph gives."""
        user = self.directory.user(workspace_id=workspace_id, user_id=user_id)
        tenant = self.directory.tenant(workspace_id=workspace_id) if self.graph is not None else None
        found = self.graph.profile(tenant=tenant, user_id=user_id) if self.graph is not None and tenant else None
        return ProfileFound(
            display_name=user.name if user is not None else None,
            fill_only=True,
            department=found.department if found is not None else None,
            title=found.title if found is not None else None,
            department_source="graph",
        )

    # --- addresses ------------------------------------------------------------------------------------------

    def _update_notice(self, delivery: UpdateNotice) -> None:
        """Refreshes a DM's card in the person's 1:1 chat, where it was posted."""
        conversation = self.directory.conversation(workspace_id=delivery.workspace_id, key=delivery.channel_id)
        if conversation is None:
            raise SendFailed("Cobot is no longer in that chat")
        r = self._renderer(delivery.workspace_id, conversation, delivery.language)
        activity = _card_activity(cards.notice_card(delivery.notice, r), r, delivery.notice.text)
        self._call(conversation.key, lambda: self.connector.update(conversation.reference, delivery.ts, activity))

    def _deliver(self, delivery: PostText, build: Callable[[TeamsRenderer], dict[str, Any]]) -> tuple[str, str]:
        """Posts what ``build`` makes into the conversation ``delivery.to`` names (a person's 1:1 chat, a channel
        or a thread in it), in the reader's language; returns the conversation's key and the new message's id."""
        workspace_id = delivery.workspace_id
        conversation_id: str | None = None
        language = delivery.language
        match delivery.to:
            case Person(user_id=user_id):
                conversation = self._personal(workspace_id, user_id)
            case Channel(channel_id=key, thread=thread):
                conversation = self._conversation(workspace_id, key)
                if thread and conversation.conversation_type == ids.CHANNEL:
                    conversation_id = ids.in_thread(conversation.conversation_id, thread)
                if conversation.key != key and isinstance(delivery.content, Notice | DigestPart):
                    # A channel named by its name (digest.channel: Marketing) speaks the language set for its id.
                    language = self.policy.language_of_channel(conversation.key)
            case _:
                raise SendFailed(f"Teams has no place for {delivery.to!r}")
        activity = build(self._renderer(workspace_id, conversation, language))
        posted = self._call(
            conversation.key,
            lambda: self.connector.post(conversation.reference, activity, conversation_id=conversation_id),
        )
        return conversation.key, posted

    def _conversation(self, workspace_id: int, name_or_key: str) -> KnownConversation:
        found = self.directory.find_channel(
            workspace_id=workspace_id, key=ids.conversation_key(name_or_key), name=name_or_key
        )
        if found is None:
            raise SendFailed(f"Cobot has not been added to a Teams conversation or channel named {name_or_key!r}")
        return found

    def _personal(self, workspace_id: int, user_id: str) -> KnownConversation:
        found = self.directory.personal_conversation(workspace_id=workspace_id, user_id=user_id)
        if found is not None:
            return found
        user = self.directory.user(workspace_id=workspace_id, user_id=user_id)
        known = self.directory.latest_conversation(workspace_id=workspace_id)
        if user is None or known is None:
            raise SendFailed("Cobot has no chat with this person and cannot open one (it never met them in Teams)")
        tenant = (known.reference.get("conversation") or {}).get("tenantId")
        reference = self._call(
            known.key, lambda: self.connector.open_personal(known.reference, teams_id=user.teams_id, tenant_id=tenant)
        )
        stored = ids.stored_reference(reference, conversation_type=ids.PERSONAL)
        conversation_id = str(stored["conversation"]["id"])
        opened = SeenConversation(
            key=ids.conversation_key(conversation_id),
            conversation_id=conversation_id,
            conversation_type=ids.PERSONAL,
            reference=stored,
            user_id=user_id,
        )
        return self.directory.store_conversation(workspace_id=workspace_id, conversation=opened)

    # --- rendering ------------------------------------------------------------------------------------------

    def _renderer(self, workspace_id: int, conversation: KnownConversation, language: str) -> TeamsRenderer:
        prefix = "" if conversation.conversation_type == ids.PERSONAL else f"@{self.bot_name} "
        known: dict[str, Mentionable | None] = {}

        def people(user_id: str) -> Mentionable | None:
            if user_id not in known:
                found = self.directory.people(workspace_id=workspace_id, user_ids=[user_id])
                known[user_id] = Mentionable(*found[user_id]) if user_id in found else None
            return known[user_id]

        return TeamsRenderer(
            translate=self.translators(language), people=people, command_prefix=prefix, timezone=self.policy.timezone
        )

    # --- calling Teams --------------------------------------------------------------------------------------

    def _call(self, conversation: str, call: Callable[[], T]) -> T:
        """Runs one connector call for ``conversation``, paced, with Teams' answers turned into outcomes."""
        self.pacer.check_pause(conversation, "throttled by Teams")
        self.pacer.take_turn(conversation, getattr(self._sending, "id", None) or 0)
        try:
            return call()
        except aiohttp.ClientResponseError as error:
            outcome = classify(error.status, error.headers.get("Retry-After") if error.headers else None)
            if error.status == 429 and isinstance(outcome, RetryLater) and outcome.seconds:
                # Teams throttles per conversation: nothing else goes there before Retry-After has passed.
                self.pacer.pause(conversation, outcome.seconds)
            raise outcome from None
        except (aiohttp.ClientError, TimeoutError, ConnectionError, OSError) as error:
            raise RetryLater(None, f"network: {type(error).__name__}: {error}") from None
        finally:
            self.pacer.finished(conversation)


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
