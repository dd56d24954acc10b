"""The console's simulated workspace: channels with their messages and threads, DMs, ephemeral replies, and the
buttons shown on them (numbered, so ``:press 3`` presses one).

``ConsoleTransport`` is the console's outbox transport: it is to the console what ``SlackTransport`` is to Slack.
Each delivery is kept in the world and handed to the console to print.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from bot.console.render import ConsoleRenderer
from bot.runtime.delivery import (
    CardPosted,
    NoticePosted,
    Outcome,
    PostCard,
    PostText,
    Prepared,
    SendFailed,
    UpdateNotice,
)
from handlers.cards import card_actions
from handlers.messages import (
    CardRefresh,
    Channel,
    DigestMessage,
    Ephemeral,
    LateReply,
    NoticeMessage,
    NoticeSettled,
    Person,
)
from handlers.results import Action, DigestPart, Notice, Reply


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
    posted: dict[str, Delivery] = field(default_factory=dict)  # DMs with buttons, by their ts, to update in place
    guest_tokens: dict[str, str] = field(default_factory=dict)  # a guest's address → the link of their latest e-mail
    _next_ts: int = 1
    _buttons_made: int = 0  # numbers are never reused, even once a DM's buttons are gone

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
            self._buttons_made += 1
            button = Button(self._buttons_made, action, label, shown_to, number, batch)
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
    # The console knows its people (no profile look-ups), and `/cocreate mine` is its personal page (no Home).
    delivers = frozenset({CardRefresh.kind, NoticeMessage.kind, LateReply.kind, DigestMessage.kind, NoticeSettled.kind})

    def __init__(self, *, world: World, renderer: ConsoleRenderer) -> None:
        self.world = world
        self.renderer = renderer

    def hold(self, destination: str | None, *, message_id: int, update: bool = False) -> None:
        """The console is never busy."""

    def send(self, delivery: Prepared) -> Outcome:
        language = delivery.language
        match delivery:
            case PostCard():
                return self._card(delivery)
            case PostText(content=Notice() as notice):
                shown = self._show(
                    delivery, self.renderer.notice(notice, language), notice.actions, delivery.request_number
                )
                if notice.actions and isinstance(delivery.to, Person):
                    ts = self.world.new_ts()
                    self.world.posted[ts] = shown
                    return NoticePosted(channel_id=f"DM:{delivery.to.user_id}", ts=ts)
            case UpdateNotice(ts=ts, notice=notice):
                self._update(ts, self.renderer.notice(notice, language))
            case PostText(content=Reply() as reply):
                lines = [line for text in reply.texts for line in self.renderer.text(text, language).splitlines()]
                self._show(delivery, lines, reply.actions, delivery.request_number)
            case PostText(content=DigestPart() as part):
                # Each line's button sits on that line, as it does beside the line in Slack.
                lines = []
                for line in part.lines:
                    text = self.renderer.text(line.text, language)
                    if line.action is not None:
                        [button] = self.world.add_buttons(
                            (line.action,), renderer=self.renderer, shown_to=None, number=None, language=language
                        )
                        text += "  " + self.renderer.style.button(f"[{button.number}] {button.label}")
                    lines.extend(text.splitlines())  # a line with results under it stays indented as one
                self._show(delivery, lines, (), None)
            case _:
                raise SendFailed(f"the console cannot show {type(delivery).__name__}")
        return None

    def _card(self, card: PostCard) -> Outcome:
        view, language = card.view, card.language
        buttons = self.world.add_buttons(
            card_actions(view), renderer=self.renderer, shown_to=None, number=view.number, language=language
        )
        self.world.deliver(
            Delivery(
                where=card.channel_id,
                lines=self.renderer.card(view, language),
                buttons=buttons,
                edited=card.posted is not None,
            )
        )
        return None if card.posted else CardPosted(channel_id=card.channel_id, ts=self.world.new_ts())

    def _update(self, ts: str, lines: list[str]) -> None:
        """Shows a DM again as it now reads, without its buttons (which no longer answer to ``:press``)."""
        shown = self.world.posted.pop(ts, None)
        if shown is None:
            raise SendFailed("the console no longer has that message")
        for button in shown.buttons:
            self.world.buttons.pop(button.number, None)
        self.world.deliver(Delivery(shown.where, lines, recipient=shown.recipient, edited=True))

    def _show(self, delivery: PostText, lines: list[str], actions: tuple[Action, ...], number: int | None) -> Delivery:
        """Shows a message where its destination is; its buttons act on request ``number`` (if any)."""
        language = delivery.language

        def buttons(shown_to: str | None) -> list[Button]:
            return self.world.add_buttons(
                actions, renderer=self.renderer, shown_to=shown_to, number=number, language=language
            )

        match delivery.to:
            case Person(user_id=user):
                name = self.world.names.get(user, user)
                shown = Delivery(f"DM → @{name}", lines, buttons(user), recipient=user)
            case Ephemeral(user_id=user):
                shown = Delivery(f"only @{self.world.names.get(user, user)}", lines, buttons(user))
            case Channel(channel_id=channel, thread=thread) if thread:
                shown = Delivery(f"{channel} › #{number}", lines, buttons(None))
            case Channel(channel_id=channel):
                shown = Delivery(channel, lines, buttons(None))
            case _:
                raise SendFailed(f"the console has no place for {delivery.to!r}")
        self.world.deliver(shown)
        return shown
