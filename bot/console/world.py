"""The console's simulated workspace: channels with their messages and threads, DMs, ephemeral replies, and the
buttons shown on them (numbered, so ``:press 3`` presses one).

``ConsoleTransport`` is the console's outbox transport: it is to the console what ``SlackTransport`` is to Slack.
Each delivery is kept in the world and handed to the console to print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from bot.console.render import ConsoleRenderer
from bot.runtime.outbox import SendFailed
from handlers.cards import build_card, card_actions
from handlers.context import Policy
from handlers.messages import CardRefresh, DigestMessage, HomeRefresh, LateReply, NoticeMessage, ProfileLookup
from handlers.results import Action, DigestPart, Notice, Reply, Text
from storage import queries
from storage.db import transaction
from storage.models import ContentRequest, OutboxMessage


@dataclass
class Button:
    number: int
    action: Action
    label: str
    shown_to: str | None  # a user id for DMs and ephemeral replies; None when everyone in a channel sees it
    request_number: int | None
    batch: int = 0  # buttons shown together on one message share a batch


@dataclass
class Delivery:
    """One thing that appeared in the workspace: where, what, and the buttons under it."""

    where: str  # "#marketing", "#marketing › #12", "DM → @Anna", "only @Anna"
    lines: list[str]
    buttons: list[Button] = field(default_factory=list)
    recipient: str | None = None  # user id for DMs
    edited: bool = False
    author: str = "Cobot"


@dataclass
class World:
    names: dict[str, str]  # user id → display name
    deliveries: list[Delivery] = field(default_factory=list)
    buttons: dict[int, Button] = field(default_factory=dict)
    listeners: list[Callable[[Delivery], None]] = field(default_factory=list)
    _next_ts: int = 1

    def new_ts(self) -> str:
        self._next_ts += 1
        return f"{self._next_ts}.000000"

    def add_buttons(
        self,
        actions: tuple[Action, ...],
        *,
        renderer: ConsoleRenderer,
        shown_to: str | None,
        number: int | None,
        language: str | None = None,
    ) -> list[Button]:
        made = []
        batch = max((b.batch for b in self.buttons.values()), default=0) + 1
        for action in actions:
            label = renderer.label(action, language)
            button = Button(len(self.buttons) + 1, action, label, shown_to, number, batch)
            self.buttons[button.number] = button
            made.append(button)
        return made

    def deliver(self, delivery: Delivery) -> None:
        self.deliveries.append(delivery)
        for listener in self.listeners:
            listener(delivery)

    def dms_of(self, user_id: str) -> list[Delivery]:
        return [d for d in self.deliveries if d.recipient == user_id]


class ConsoleTransport:
    def __init__(
        self,
        *,
        engine: Engine,
        world: World,
        renderer: ConsoleRenderer,
        clock: Callable[[], datetime],
        policy: Policy | None = None,
    ) -> None:
        self.engine = engine
        self.world = world
        self.renderer = renderer
        self.clock = clock
        self.policy = policy or Policy()

    def send(self, message: OutboxMessage) -> None:
        if message.kind in (ProfileLookup.kind, HomeRefresh.kind):
            return  # the console knows its people, and /cocreate mine is its personal page
        number = self._number_of(message.request_id)
        if message.kind == CardRefresh.kind:
            self._card(message)
            return
        to = message.payload["to"]
        language = message.payload.get("language") or self._language_for(message.workspace_id, to)
        if message.kind == NoticeMessage.kind:
            notice = Notice.from_json(message.payload["notice"])
            self._show(to, self.renderer.notice(notice, language), notice.actions, number, language)
        elif message.kind == LateReply.kind:
            reply = Reply(
                tuple(Text.from_json(x) for x in message.payload["texts"]),
                actions=tuple(Action.from_json(a) for a in message.payload.get("actions", [])),
            )
            lines = [line for text in reply.texts for line in self.renderer.text(text, language).splitlines()]
            self._show(to, lines, reply.actions, number, language)
        elif message.kind == DigestMessage.kind:
            # Each line's button sits on that line, as it does beside the line in Slack.
            part = DigestPart.from_json(message.payload["digest"])
            lines = []
            for line in part.lines:
                text = self.renderer.text(line.text, language)
                if line.action is not None:
                    [button] = self.world.add_buttons(
                        (line.action,), renderer=self.renderer, shown_to=None, number=None, language=language
                    )
                    text += "  " + self.renderer.style.button(f"[{button.number}] {button.label}")
                lines.append(text)
            self._show(to, lines, (), None, language)
        else:
            raise SendFailed(f"unknown outbox kind {message.kind!r}")

    def _language_for(self, workspace_id: int, to: dict[str, Any]) -> str:
        """DMs and replies speak their reader's language; posts in a channel or thread speak the channel's."""
        user = to.get("user") or (to.get("ephemeral") or {}).get("user")
        with Session(self.engine) as session:
            if user:
                member = queries.get_member(session=session, workspace_id=workspace_id, user_id=str(user))
                return self.policy.language_of(member)
            if "thread" in to:
                request = session.get(ContentRequest, to["thread"])
                return self.policy.language_of_channel(request.channel_id if request else None)
        return self.policy.language_of_channel(to.get("channel"))

    def _card(self, message: OutboxMessage) -> None:
        with Session(self.engine) as session:
            request = session.get(ContentRequest, message.payload["request_id"])
            if request is None or not request.channel_id:
                raise SendFailed("request or its channel is gone")
            view = build_card(session, request)
        language = self.policy.language_of_channel(request.channel_id)
        buttons = self.world.add_buttons(
            card_actions(view), renderer=self.renderer, shown_to=None, number=view.number, language=language
        )
        edited = request.card_ts is not None
        if not edited:
            with transaction(self.engine) as session:
                queries.set_card_message(
                    session=session, request_id=request.id or 0, channel_id=request.channel_id, ts=self.world.new_ts()
                )
        self.world.deliver(
            Delivery(where=request.channel_id, lines=self.renderer.card(view, language), buttons=buttons, edited=edited)
        )

    def _show(
        self, to: dict[str, Any], lines: list[str], actions: tuple[Action, ...], number: int | None, language: str
    ) -> None:
        if "user" in to:
            user = str(to["user"])
            buttons = self.world.add_buttons(
                actions, renderer=self.renderer, shown_to=user, number=number, language=language
            )
            self.world.deliver(Delivery(f"DM → @{self.world.names.get(user, user)}", lines, buttons, recipient=user))
        elif "ephemeral" in to:
            user = str(to["ephemeral"]["user"])
            buttons = self.world.add_buttons(
                actions, renderer=self.renderer, shown_to=user, number=number, language=language
            )
            self.world.deliver(Delivery(f"only @{self.world.names.get(user, user)}", lines, buttons))
        elif "thread" in to:
            with Session(self.engine) as session:
                request = session.get(ContentRequest, to["thread"])
            if request is None or not request.channel_id:
                raise SendFailed("request or its channel is gone")
            buttons = self.world.add_buttons(
                actions, renderer=self.renderer, shown_to=None, number=request.number, language=language
            )
            self.world.deliver(Delivery(f"{request.channel_id} › #{request.number}", lines, buttons))
        elif "channel" in to:
            buttons = self.world.add_buttons(
                actions, renderer=self.renderer, shown_to=None, number=number, language=language
            )
            self.world.deliver(Delivery(str(to["channel"]), lines, buttons))
        else:
            raise SendFailed(f"no address: {sorted(to)}")

    def _number_of(self, request_id: int | None) -> int | None:
        if request_id is None:
            return None
        with Session(self.engine) as session:
            request = session.get(ContentRequest, request_id)
        return request.number if request else None
