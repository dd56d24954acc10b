"""Teams scenario harness: Cobot's real Teams endpoint (``/api/messages`` on aiohttp, the Agents SDK's
``CloudAdapter``) on a loopback port, talking to the fake Bot Framework connector.

Tests POST activities over real HTTP, shaped as Teams sends them (message activities with mention entities,
``conversationUpdate`` on install, ``invoke adaptiveCard/action`` for Action.Execute, a message with ``value`` for
Action.Submit, ``invoke task/fetch``/``task/submit`` for dialogs). Their ``serviceUrl`` is the fake connector, so
every reply, card post, card update and proactive DM the SDK makes lands there; the database is checked directly.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from aiohttp import web
from microsoft_agents.hosting.core import AccessTokenProviderBase, AgentAuthConfiguration
from sqlmodel import Session, col, select

from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings
from bot.teams.app import TeamsService, build_teams_service
from bot.teams.cards import INPUT_ID
from fake_connector import FakeConnector, FakeIdentity, Message
from handlers.messages import MAIL_KINDS
from harness import MovingClock, Response
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.models import ContentRequest, Member, OutboxMessage, Workspace

APP_ID = "00000000-0000-4000-8000-0000000000b0"
BOT_ID = f"28:{APP_ID}"
TENANT = "11111111-2222-4333-8444-555555555555"
TEAM_ID = "19:team-contoso-marketing@thread.tacv2"
CHANNEL = "19:channel-marketing-0001@thread.tacv2"
CHANNEL_NAME = "Marketing"


@dataclass(frozen=True)
class User:
    teams_id: str
    aad: str
    name: str

    @property
    def personal(self) -> str:
        """The id of this person's 1:1 chat with Cobot (the fake connector names created chats the same way)."""
        return f"a:personal-{self.teams_id}"


OWNER = User("29:1owner-mette", "aaaaaaaa-0000-4000-8000-000000000001", "Mette Ørsted")
ANNA = User("29:1anna", "aaaaaaaa-0000-4000-8000-000000000002", "Anna Bæk")
BO = User("29:1bo", "aaaaaaaa-0000-4000-8000-000000000003", "Bo Åkesson")
CARL = User("29:1carl", "aaaaaaaa-0000-4000-8000-000000000004", "Carl")
PEOPLE = (OWNER, ANNA, BO, CARL)


class StaticTokenProvider(AccessTokenProviderBase):
    """Hands the SDK a fixed bearer token for its calls to the connector: MSAL's job in production, which needs
    Entra ID and cannot be pointed at loopback."""

    def __init__(self, token: str) -> None:
        self.token = token

    @property
    def configuration(self) -> AgentAuthConfiguration:
        return AgentAuthConfiguration(client_id=APP_ID)

    async def get_access_token(self, resource_url: str, scopes: list[str], force_refresh: bool = False) -> str:
        return self.token

    def get_token_credential(self) -> Any:
        raise NotImplementedError

    async def acquire_token_on_behalf_of(self, scopes: list[str], user_assertion: str) -> str:
        raise NotImplementedError

    async def get_agentic_application_token(self, tenant_id: str, agent_app_instance_id: str) -> str | None:
        raise NotImplementedError

    async def get_agentic_instance_token(self, tenant_id: str, agent_app_instance_id: str) -> tuple[str, str]:
        raise NotImplementedError

    async def get_agentic_user_token(
        self, tenant_id: str, agent_app_instance_id: str, agentic_user_id: str, scopes: list[str]
    ) -> str | None:
        raise NotImplementedError


@dataclass
class TeamsScenario:
    fake: FakeConnector
    service: TeamsService
    base_url: str
    clock: MovingClock
    identity: FakeIdentity | None
    _loop: asyncio.AbstractEventLoop
    _runner: web.AppRunner
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    tenant: str = TENANT
    set_up: int = 0  # connector calls made while setting a test up

    @property
    def engine(self) -> sa.Engine:
        return self.service.cobot.engine

    # --- raw HTTP ---------------------------------------------------------------------------------------

    def post(self, activity: dict[str, Any], *, authorization: str | None = None) -> Response:
        """POSTs one activity to /api/messages. With an identity, a valid token is added unless one is given
        (``authorization=""`` sends none)."""
        headers = {"Content-Type": "application/json"}
        if authorization is None and self.identity is not None:
            token = self.identity.token(audience=APP_ID, service_url=self.fake.url)
            authorization = f"Bearer {token}"
        if authorization:
            headers["Authorization"] = authorization
        request = urllib.request.Request(
            self.base_url + "/api/messages", data=json.dumps(activity).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return Response(response.status, response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            return Response(error.code, error.read().decode("utf-8"))

    # --- activities as Teams sends them -----------------------------------------------------------------

    def _envelope(self, *, user: User, conversation: str, kind: str, **fields: Any) -> dict[str, Any]:
        activity_id = f"18000{next(self._ids):08d}"  # unlike the fake connector's message ids (17…)
        conversation_type = "personal" if conversation.startswith("a:") else "channel"
        envelope: dict[str, Any] = {
            "id": activity_id,
            "timestamp": "2026-11-23T08:00:00.000Z",
            "serviceUrl": self.fake.url,
            "channelId": "msteams",
            "from": {"id": user.teams_id, "name": user.name, "aadObjectId": user.aad},
            "conversation": {
                "id": conversation,
                "conversationType": conversation_type,
                "tenantId": self.tenant,
                **({"isGroup": True} if conversation_type == "channel" else {}),
            },
            "recipient": {"id": BOT_ID, "name": "Cobot"},
            "entities": [{"type": "clientInfo", "locale": "en-US", "country": "DK", "timezone": "Europe/Copenhagen"}],
            "channelData": {"tenant": {"id": self.tenant}},
            "locale": "en-US",
            **fields,
        }
        envelope["type"] = kind
        if conversation_type == "channel":
            envelope["channelData"].update(
                teamsChannelId=conversation.split(";")[0],
                teamsTeamId=TEAM_ID,
                channel={"id": conversation.split(";")[0]},
                team={"id": TEAM_ID},
            )
        return envelope

    def install_in_team(self, *, by: User = OWNER, channel_name: str = CHANNEL_NAME) -> Response:
        """Cobot is added to the team: Teams says so in the team's channel, with the bot among membersAdded."""
        activity = self._envelope(
            user=by, conversation=CHANNEL, kind="conversationUpdate", membersAdded=[{"id": BOT_ID}]
        )
        activity["channelData"].update(eventType="teamMemberAdded", channel={"id": CHANNEL, "name": channel_name})
        return self.post(activity)

    def install_personal(self, user: User) -> Response:
        activity = self._envelope(
            user=user, conversation=user.personal, kind="conversationUpdate", membersAdded=[{"id": BOT_ID}]
        )
        return self.post(activity)

    def say(
        self,
        text: str,
        *,
        user: User,
        in_channel: bool = False,
        thread: str | None = None,
        mention: tuple[User, ...] = (),
        attachments: list[dict[str, Any]] | None = None,
        mention_bot: bool | None = None,
    ) -> Response:
        """A message as Teams sends it: in the user's 1:1 chat, or (``in_channel``) in the channel, starting a new
        thread or (``thread``) replying in one; ``@Cobot`` first in a channel unless ``mention_bot`` is False.
        ``@Name`` of people in ``mention`` becomes Teams' ``<at>Name</at>`` with a mention entity."""
        entities: list[dict[str, Any]] = []
        body = text
        for person in mention:
            body = body.replace(f"@{person.name}", f"<at>{person.name}</at>")
            entities.append(
                {
                    "type": "mention",
                    "text": f"<at>{person.name}</at>",
                    "mentioned": {"id": person.teams_id, "name": person.name},
                }
            )
        if mention_bot if mention_bot is not None else (in_channel or thread is not None):
            body = f"<at>Cobot</at> {body}"
            entities.insert(
                0, {"type": "mention", "text": "<at>Cobot</at>", "mentioned": {"id": BOT_ID, "name": "Cobot"}}
            )
        if in_channel or thread is not None:
            conversation = f"{CHANNEL};messageid={thread}" if thread else CHANNEL
        else:
            conversation = user.personal
        activity = self._envelope(user=user, conversation=conversation, kind="message", text=body, textFormat="plain")
        if not thread and in_channel:
            # A new post in a channel starts its own thread: its conversation id names the post itself.
            activity["conversation"]["id"] = f"{CHANNEL};messageid={activity['id']}"
        activity["entities"] = entities + activity["entities"]
        if attachments:
            activity["attachments"] = attachments
        if thread:
            activity["replyToId"] = thread
        return self.post(activity)

    def command(self, text: str, *, user: User, in_channel: bool = False, **kwargs: Any) -> str:
        """Runs a command and returns the text of Cobot's answer (a message or a card) in that conversation."""
        before = len(self.fake.all_messages())
        response = self.say(text, user=user, in_channel=in_channel, **kwargs)
        assert response.status in (200, 202), response
        answers = [
            m
            for m in self.fake.all_messages()[before:]
            if m.activity.get("replyToId") or m.conversation == user.personal
        ]
        assert answers, f"Cobot did not answer {text!r}"
        return visible_text(answers[-1])

    def execute(self, message: Message, title: str, *, user: User, inputs: dict[str, str] | None = None) -> Response:
        """Presses an Action.Execute button (by its title) on a message the fake holds: an adaptiveCard/action
        invoke, answered in the HTTP response."""
        action = find_action(message, title)
        assert action["type"] == "Action.Execute", action
        conversation = self._conversation_of(message)
        activity = self._envelope(
            user=user,
            conversation=conversation,
            kind="invoke",
            name="adaptiveCard/action",
            value={
                "action": {
                    "type": "Action.Execute",
                    "verb": action["verb"],
                    "data": {**action["data"], **(inputs or {})},
                },
                "trigger": "manual",
            },
            replyToId=message.id,
        )
        return self.post(activity)

    def submit(self, message: Message, title: str, *, user: User, inputs: dict[str, str] | None = None) -> Response:
        """Presses a button the Action.Submit way (a client without Universal Actions uses the fallback): a
        message activity whose value is the button's data merged with the card's inputs."""
        action = find_action(message, title)
        data = action["fallback"]["data"] if action["type"] == "Action.Execute" else action["data"]
        activity = self._envelope(
            user=user,
            conversation=self._conversation_of(message),
            kind="message",
            value={**data, **(inputs or {})},
            replyToId=message.id,
        )
        return self.post(activity)

    def open_dialog(self, message: Message, title: str, *, user: User) -> Response:
        action = find_action(message, title)
        assert action["data"]["msteams"]["type"] == "task/fetch", action
        activity = self._envelope(
            user=user,
            conversation=self._conversation_of(message),
            kind="invoke",
            name="task/fetch",
            value={"data": action["data"], "context": {"theme": "default"}},
            replyToId=message.id,
        )
        return self.post(activity)

    def submit_dialog(
        self,
        dialog: dict[str, Any],
        *,
        user: User,
        conversation: str,
        typed: str | None = None,
        inputs: dict[str, str] | None = None,
    ) -> Response:
        """Fills in the dialog (its one field ``typed``, or ``inputs`` by id) and presses its button: an invoke
        task/submit whose data carries the inputs, as Teams merges them."""
        card = dialog["task"]["value"]["card"]["content"]
        [send] = card["actions"]
        filled = {INPUT_ID: typed} if typed is not None else dict(inputs or {})
        activity = self._envelope(
            user=user,
            conversation=conversation,
            kind="invoke",
            name="task/submit",
            value={"data": {**send["data"], **filled}, "context": {"theme": "default"}},
        )
        return self.post(activity)

    def _conversation_of(self, message: Message) -> str:
        if message.thread:
            return f"{message.conversation};messageid={message.thread}"
        if message.conversation.startswith("19:"):
            return f"{message.conversation};messageid={message.id}"
        return message.conversation

    # --- what people see ----------------------------------------------------------------------------------

    def card(self, number: int) -> Message:
        request = self.request(number)
        assert request.card_ts, f"#{number} has no card yet"
        return self.fake.message(request.card_ts)

    def thread(self, number: int) -> list[Message]:
        request = self.request(number)
        return self.fake.messages(CHANNEL, thread=request.card_ts)

    def dms(self, user: User) -> list[Message]:
        return self.fake.messages(user.personal)

    # --- database and outbox ------------------------------------------------------------------------------

    @contextmanager
    def session(self) -> Iterator[Session]:
        with Session(self.engine) as session:
            yield session

    def request(self, number: int) -> ContentRequest:
        with self.session() as session:
            return session.exec(
                select(ContentRequest)
                .join(Workspace, col(Workspace.id) == col(ContentRequest.workspace_id))
                .where(Workspace.platform == "teams", Workspace.external_id == self.tenant)
                .where(ContentRequest.number == number)
            ).one()

    def member(self, user: User) -> Member:
        with self.session() as session:
            return session.exec(
                select(Member)
                .join(Workspace, col(Workspace.id) == col(Member.workspace_id))
                .where(Workspace.platform == "teams", Member.user_id == user.aad)
            ).one()

    def settle(self, timeout: float = 10.0) -> None:
        """Waits until no Teams outbox message is due (deferred ones with a later time stay)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.session() as session:
                pending = session.execute(
                    sa.select(sa.func.count())
                    .select_from(OutboxMessage)
                    .join(Workspace, col(Workspace.id) == col(OutboxMessage.workspace_id))
                    .where(
                        col(Workspace.platform) == "teams",
                        col(OutboxMessage.sent_at).is_(None),
                        col(OutboxMessage.failed_at).is_(None),
                        col(OutboxMessage.not_before) <= self.clock() + timedelta(seconds=3),
                        # E-mail waits for a sender that can send it; without SMTP the Teams sender leaves it alone.
                        col(OutboxMessage.kind).not_in(sorted(MAIL_KINDS if self.service.sender.mail is None else ())),
                    )
                ).scalar_one()
            if pending == 0:
                return
            self.service.sender.wake()
            time.sleep(0.02)
        raise AssertionError(f"outbox did not settle within {timeout} s")

    def close(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self.service.close()
        self.fake.stop()
        if self.identity is not None:
            self.identity.stop()


def find_action(message: Message, title: str) -> dict[str, Any]:
    card = message.card
    assert card is not None, f"message {message.id} has no card"
    for action in all_actions(card):
        if action.get("title") == title:
            return action
    raise AssertionError(f"no button {title!r} on message {message.id}: {[a.get('title') for a in all_actions(card)]}")


def all_actions(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "actions" and isinstance(value, list):
                found.extend(a for a in value if isinstance(a, dict))
            elif key != "fallback":
                found.extend(all_actions(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(all_actions(item))
    return found


def visible_text(message: Message) -> str:
    """What a reader sees of a message: its text, or every TextBlock of its card, joined by newlines."""
    card = message.card
    if card is None:
        return message.text
    return "\n".join(_texts(card))


def card_text(card: dict[str, Any]) -> str:
    return "\n".join(_texts(card))


def _texts(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "TextBlock":
            found.append(str(node.get("text", "")))
        for key, value in node.items():
            if key not in ("actions", "msteams"):
                found.extend(_texts(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_texts(item))
    return found


def start_teams(
    database_url: str,
    *,
    behaviour: dict[str, Any] | None = None,
    authenticated: bool = False,
    tenant: str = TENANT,
    environment: dict[str, Any] | None = None,
) -> TeamsScenario:
    fake = FakeConnector().start()
    for person in PEOPLE:
        fake.add_member(person.teams_id, name=person.name, aad_object_id=person.aad)
    identity = FakeIdentity().start() if authenticated else None
    raw = {"outbox": {"channel_interval_seconds": 0}, **(behaviour or {})}
    env: dict[str, Any] = {"database_url": database_url}
    if authenticated:
        assert identity is not None
        env.update(
            teams_app_id=APP_ID,
            teams_app_password="test-client-secret",
            teams_openid_metadata_url=identity.metadata_url,
        )
    else:
        env.update(teams_allow_unauthenticated=True, teams_app_id=APP_ID)
    env.update(environment or {})
    settings = Settings(behaviour=Behaviour.model_validate(raw), env=Environment.model_validate(env))
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    clock = MovingClock()
    cobot = create_app(settings, clock=clock, engine=engine)
    service = build_teams_service(
        cobot,
        settings.require_teams(),
        token_provider=StaticTokenProvider("outbound-test-token") if authenticated else None,
    )
    service.sender.idle_seconds = 0.05
    service.start(with_scheduler=False)  # tests run follow-up passes themselves, on the moving clock

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True, name="teams-endpoint").start()
    runner = web.AppRunner(service.web_app(), access_log=None)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))

    async def serve() -> None:
        await runner.setup()
        await web.SockSite(runner, sock).start()

    asyncio.run_coroutine_threadsafe(serve(), loop).result(10)
    return TeamsScenario(
        fake=fake,
        service=service,
        base_url=f"http://127.0.0.1:{sock.getsockname()[1]}",
        clock=clock,
        identity=identity,
        _loop=loop,
        _runner=runner,
        tenant=tenant,
    )
