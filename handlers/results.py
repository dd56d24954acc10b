"""The plain values that handlers return and that adapters render: texts, actions, replies and card snapshots.

A ``Text`` is a message id from ``handlers.texts`` plus parameters. Parameters are untrusted user text, numbers,
user references, days, moments or links; each adapter decides how to show them (Slack escapes text and turns a
``UserRef`` into ``<@U…>`` and a ``Day`` into a date token; the console prints names). Handlers never build
platform markup.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeAlias

from handlers import texts
from handlers.texts import Plural
from storage.models import RequestStatus, ReviewState

# The user id of a person whose personal data was erased (``handlers.erasure``): no platform id has a colon, so it
# names nobody on any platform, and a colleague who comes back later is met as someone new.
FORGOTTEN_PREFIX = "forgotten:"


def is_forgotten_user_id(user_id: str) -> bool:
    return user_id.startswith(FORGOTTEN_PREFIX)


@dataclass(frozen=True)
class UserRef:
    """A person, shown as a mention; someone forgotten as "a former contributor" (``stand_in``)."""

    user_id: str

    @property
    def stand_in(self) -> Text | None:
        """What every adapter shows instead of a mention, or None to mention the person. This is the one place that
        decides how a forgotten person is named — on cards, in threads, DMs, the digest, App Home and exports — so no
        surface can name them or ping the account they had."""
        return Text(texts.FORMER_CONTRIBUTOR) if is_forgotten_user_id(self.user_id) else None


@dataclass(frozen=True)
class ChannelRef:
    """A channel, shown as a link to it."""

    channel_id: str


@dataclass(frozen=True)
class Day:
    """A calendar day, shown in the reader's own format."""

    value: date


@dataclass(frozen=True)
class Moment:
    """A date and time (aware), shown in the reader's own time zone and format."""

    value: datetime


@dataclass(frozen=True)
class Link:
    """A web address someone gave (where a piece was published), shown as a link that opens it. The address is
    untrusted: each adapter escapes it, and shows anything but an http(s) address as text."""

    url: str

    @property
    def opens(self) -> bool:
        """Whether the address may be shown as a link: http(s) and no whitespace; anything else stays text."""
        return _WEB_ADDRESS.fullmatch(self.url) is not None


_WEB_ADDRESS = re.compile(r"https?://\S+", re.IGNORECASE)

Param: TypeAlias = "str | int | UserRef | ChannelRef | Day | Moment | Link | Text"


@dataclass(frozen=True)
class Text:
    """A message id and its parameters. A text with plural forms (``texts.NP_``) also carries its plural id, so it
    keeps it through the outbox's JSON, and its ``count`` parameter picks the form when it is rendered."""

    msgid: str
    params: Mapping[str, Param] = field(default_factory=dict)
    plural: str | None = None

    def __post_init__(self) -> None:
        if self.plural is None and isinstance(self.msgid, Plural):
            object.__setattr__(self, "plural", self.msgid.plural)
        if self.plural is not None and not isinstance(self.params.get("count"), int):
            raise ValueError(f"a text with plural forms needs a whole number as its count: {self.msgid!r}")

    @property
    def count(self) -> int | None:
        """The number that picks the plural form (None for a text without plural forms)."""
        count = self.params.get("count") if self.plural is not None else None
        return count if isinstance(count, int) else None

    def template(self, translate: Callable[[str], str]) -> str:
        """The template to fill in, in the reader's language and, for a text with plural forms, in the form its
        count calls for. A translator with ``ngettext`` (``bot.runtime.i18n.Translator``) knows its language's
        rule; any other lookup (the English identity of tests and exports) gets English's: one is singular."""
        count = self.count
        if self.plural is None or count is None:
            return translate(self.msgid)
        ngettext = getattr(translate, "ngettext", None)
        if callable(ngettext):
            return str(ngettext(self.msgid, self.plural, count))
        return translate(self.msgid if count == 1 else self.plural)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"msgid": self.msgid, "params": {k: _param_to_json(v) for k, v in self.params.items()}}
        if self.plural is not None:
            data["plural"] = self.plural
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Text:
        params = {k: _param_from_json(v) for k, v in data.get("params", {}).items()}
        return cls(data["msgid"], params, data.get("plural"))


def as_sentence(text: Text, template: str, shown: str) -> str:
    """``shown`` (``text`` rendered from its ``template``) with its first letter capitalised when the text opens
    with a person shown by a stand-in: "A former contributor handed in…", "En tidligere bidragyder har…". Renderers
    apply it to a whole text only, never to one inside another, which may stand mid-sentence."""
    if template.startswith("{"):
        value = text.params.get(template[1 : template.find("}")])
        if isinstance(value, UserRef) and value.stand_in is not None:
            return shown[:1].upper() + shown[1:]
    return shown


def t(msgid: str, **params: Param) -> Text:
    return Text(msgid, params)


def _param_to_json(value: Param) -> Any:
    if isinstance(value, UserRef):
        return {"user": value.user_id}
    if isinstance(value, ChannelRef):
        return {"channel": value.channel_id}
    if isinstance(value, Day):
        return {"day": value.value.isoformat()}
    if isinstance(value, Moment):
        return {"moment": value.value.isoformat()}
    if isinstance(value, Link):
        return {"link": value.url}
    if isinstance(value, Text):
        return {"text": value.to_json()}
    return value


def _param_from_json(value: Any) -> Param:
    if isinstance(value, dict):
        if "user" in value:
            return UserRef(str(value["user"]))
        if "channel" in value:
            return ChannelRef(str(value["channel"]))
        if "day" in value:
            return Day(date.fromisoformat(value["day"]))
        if "moment" in value:
            return Moment(datetime.fromisoformat(value["moment"]))
        if "link" in value:
            return Link(str(value["link"]))
        if "text" in value:
            return Text.from_json(value["text"])
    if isinstance(value, (str, int)):
        return value
    raise ValueError(f"not a text parameter: {value!r}")


class UserFacingError(Exception):
    """Bad input or a refused action: the user sees ``text`` (with a hint on what to do instead), nothing is
    written."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.msgid)
        self.text = text


class ActionKind(StrEnum):
    VOLUNTEER = "volunteer"
    WITHDRAW = "withdraw"
    SUBMIT_DRAFT = "submit_draft"
    APPROVE_DRAFT = "approve_draft"
    REQUEST_CHANGES = "request_changes"
    NEED_MORE_TIME = "need_more_time"  # value: request number
    ACCEPT_EXTENSION = "accept_extension"  # value: extension request id
    DECLINE_EXTENSION = "decline_extension"
    SHOW_FREE_SLOTS = "show_free_slots"  # value: request number
    BOOK_SLOT = "book_slot"  # value: "<number>|<slot name>|<ISO start>"
    DERIVE = "derive"  # value: request number
    SET_REMINDERS = "set_reminders"  # value: "on" or "off"
    SET_RECOGNITION = "set_recognition"  # value: "on" or "off"
    SET_RESULTS_NOTES = "set_results_notes"  # value: "on" or "off"
    SET_LANGUAGE = "set_language"  # value: "en" or "da"
    SET_ASKS = "set_asks"  # value: "never", "default" or a number of invitations a month
    SET_DEPARTMENT = "set_department"  # value: a department as typed, or "clear" (``handlers.departments``)
    INVITE_MATCHING = "invite_matching"  # value: request number
    ACCEPT_INVITATION = "accept_invitation"  # value: invitation id
    DECLINE_INVITATION = "decline_invitation"  # value: invitation id
    SIGN_OFF = "sign_off"  # value: draft id (the approved version); opens the sign-off form where there is one
    INVITE_GUEST = "invite_guest"  # value: request number; the owner's form (``handlers.guests.open_guest_form``)
    ADD_RESULTS = "add_results"  # value: request number; the owner's form (``handlers.figures.open_results_form``)


@dataclass(frozen=True)
class Action:
    """A button: what it does, the id it acts on (request number, draft id, …) and its label (a message id, or a
    ``Text`` for labels with parameters)."""

    kind: ActionKind
    value: str
    label: str | Text
    style: str | None = None  # "primary" or "danger"

    def to_json(self) -> dict[str, Any]:
        label = self.label.to_json() if isinstance(self.label, Text) else self.label
        return {"kind": self.kind.value, "value": self.value, "label": label, "style": self.style}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Action:
        label = data["label"]
        return cls(
            ActionKind(data["kind"]),
            str(data["value"]),
            Text.from_json(label) if isinstance(label, dict) else str(label),
            data.get("style"),
        )


@dataclass(frozen=True)
class Notice:
    """A message to someone other than the actor: a DM, a thread reply or a channel post."""

    text: Text
    quote: str | None = None  # untrusted content shown verbatim as a quote (a draft, feedback)
    link: str | None = None  # a URL to show (a draft's link)
    actions: tuple[Action, ...] = ()
    # What became of a notice whose buttons were used ("Approved by @Mia"): shown in place of its buttons.
    settled: Text | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text.to_json(),
            "quote": self.quote,
            "link": self.link,
            "actions": [a.to_json() for a in self.actions],
        }
        if self.settled is not None:
            data["settled"] = self.settled.to_json()
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Notice:
        settled = data.get("settled")
        return cls(
            Text.from_json(data["text"]),
            data.get("quote"),
            data.get("link"),
            tuple(Action.from_json(a) for a in data.get("actions", [])),
            Text.from_json(settled) if settled is not None else None,
        )

    def settle(self, outcome: Text) -> Notice:
        """This notice as it reads once its buttons have been used: the same text, ``outcome`` instead of them."""
        return replace(self, actions=(), settled=outcome)


@dataclass(frozen=True)
class Holder:
    user_id: str
    review_state: ReviewState


@dataclass(frozen=True)
class PartView:
    position: int
    name: str
    capacity: int
    holders: tuple[Holder, ...]
    waiting: tuple[str, ...]

    @property
    def is_full(self) -> bool:
        return len(self.holders) >= self.capacity


@dataclass(frozen=True)
class BookingView:
    """The publishing slot a request is booked into: the slot's name and when it starts (aware, UTC)."""

    slot: str
    starts_at: datetime


@dataclass(frozen=True)
class CardView:
    """Everything a request card shows, read from the database at one moment."""

    number: int
    title: str
    brief: str
    format: str | None
    skills: tuple[str, ...]
    deadline: date
    status: RequestStatus
    owner: str
    needed: int
    holders: tuple[Holder, ...]  # for requests without parts
    waiting: tuple[str, ...]  # for requests without parts
    parts: tuple[PartView, ...]
    publish_target: str | None = None
    derived_from: int | None = None
    booking: BookingView | None = None
    published_url: str | None = None
    # Guests among the people named (user id → display name): shown by name, "Anne Holm (guest)", never as a
    # mention, since no platform knows them.
    guests: Mapping[str, str] = field(default_factory=dict)
    # Whether Cobot can e-mail guests (SMTP_URL and PUBLIC_URL set): only then does the card offer its owner
    # "Invite someone outside".
    invites_guests: bool = False
    # A published piece's tracked link (``handlers.tracking``), and its figures so far as one line
    # (``handlers.outcomes.outcome_text``).
    tracked_url: str | None = None
    figures: Text | None = None

    @property
    def is_open(self) -> bool:
        return self.status is RequestStatus.OPEN

    @property
    def volunteer_count(self) -> int:
        if self.parts:
            return sum(len(p.holders) for p in self.parts)
        return len(self.holders)

    @property
    def waiting_count(self) -> int:
        if self.parts:
            return sum(len(p.waiting) for p in self.parts)
        return len(self.waiting)


@dataclass(frozen=True)
class Reply:
    """What the actor sees in answer to their own action (ephemeral on Slack)."""

    texts: tuple[Text, ...]
    card: CardView | None = None
    refusal: bool = False  # the action was refused (bad input, not allowed); nothing was changed
    actions: tuple[Action, ...] = ()  # buttons shown under the texts
    language: str | None = None  # the actor's language, set by whoever ran the handler for them

    @classmethod
    def of(cls, *texts: Text, card: CardView | None = None) -> Reply:
        return cls(tuple(texts), card)

    @classmethod
    def refused(cls, text: Text, *, language: str | None = None) -> Reply:
        return cls((text,), refusal=True, language=language)


@dataclass(frozen=True)
class DigestLine:
    """A line of the weekly digest: a heading or an item, with the button that goes beside it."""

    text: Text
    action: Action | None = None
    heading: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text.to_json(),
            "action": self.action.to_json() if self.action else None,
            "heading": self.heading,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DigestLine:
        action = data.get("action")
        return cls(Text.from_json(data["text"]), Action.from_json(action) if action else None, bool(data["heading"]))


@dataclass(frozen=True)
class DigestPart:
    """One message of the digest (a long digest is split into several)."""

    lines: tuple[DigestLine, ...]

    def to_json(self) -> dict[str, Any]:
        return {"lines": [line.to_json() for line in self.lines]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DigestPart:
        return cls(tuple(DigestLine.from_json(line) for line in data["lines"]))
