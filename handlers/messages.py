"""What leaves Cobot, typed: the outbox's messages and the addresses they go to.

Every outbox row holds one of the message classes below as JSON (``to_json`` when queued, ``decode`` when sent),
so the handlers that queue a message and the transports that deliver it share one definition of its shape. The
JSON is the one earlier versions wrote, so rows queued before an upgrade are still delivered after it.

Addresses say *whom* a message is for in Cobot's terms: a person, a channel (or a thread in it), the thread of a
request's card, one person inside a channel (an ephemeral answer), or the link an interaction came with (Slack's
``response_url``). Each transport turns an address into its platform's conversation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeAlias

from handlers.results import Action, DigestPart, Notice, Reply, Text, is_forgotten_user_id

# --- addresses ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """A person's direct messages with Cobot."""

    user_id: str

    def to_json(self) -> dict[str, Any]:
        return {"user": self.user_id}


@dataclass(frozen=True)
class Channel:
    """A channel (its id; on Teams also its name), or with ``thread`` the thread under one of its messages."""

    channel_id: str
    thread: str | None = None

    def to_json(self) -> dict[str, Any]:
        if self.thread:
            return {"conversation": self.channel_id, "thread": self.thread}
        return {"channel": self.channel_id}


@dataclass(frozen=True)
class RequestThread:
    """The thread under a request's card, wherever the card was posted (known once it is)."""

    request_id: int

    def to_json(self) -> dict[str, Any]:
        return {"thread": self.request_id}


@dataclass(frozen=True)
class Ephemeral:
    """A message in a channel that only one person sees."""

    channel_id: str
    user_id: str

    def to_json(self) -> dict[str, Any]:
        return {"ephemeral": {"channel": self.channel_id, "user": self.user_id}}


@dataclass(frozen=True)
class InteractionUrl:
    """The link an interaction came with, for answering it later (Slack's ``response_url``)."""

    url: str

    def to_json(self) -> dict[str, Any]:
        return {"response_url": self.url}


Address: TypeAlias = Person | Channel | RequestThread | Ephemeral | InteractionUrl


def address_from_json(data: Mapping[str, Any]) -> Address:
    if "user" in data:
        return Person(str(data["user"]))
    if "conversation" in data:
        return Channel(str(data["conversation"]), str(data["thread"]) if data.get("thread") else None)
    if "thread" in data:
        return RequestThread(int(data["thread"]))
    if "channel" in data:
        return Channel(str(data["channel"]))
    if "ephemeral" in data:
        return Ephemeral(str(data["ephemeral"]["channel"]), str(data["ephemeral"]["user"]))
    if "response_url" in data:
        return InteractionUrl(str(data["response_url"]))
    raise ValueError(f"not an address: {sorted(data)}")


# --- messages -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardRefresh:
    """Post the request's card, or update it in place where it was posted. The card is rendered from the database
    when it is sent, so changes made while a refresh waits ride along with it."""

    kind: ClassVar[str] = "card"
    request_id: int

    def to_json(self) -> dict[str, Any]:
        return {"request_id": self.request_id}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> CardRefresh:
        return cls(int(data["request_id"]))


@dataclass(frozen=True)
class NoticeMessage:
    """A message to someone other than the actor: a DM, a thread reply, a channel post."""

    kind: ClassVar[str] = "notice"
    to: Address
    notice: Notice

    def to_json(self) -> dict[str, Any]:
        return {"to": self.to.to_json(), "notice": self.notice.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NoticeMessage:
        return cls(address_from_json(data["to"]), Notice.from_json(data["notice"]))


@dataclass(frozen=True)
class LateReply:
    """An answer to the actor that goes out after the acknowledgement, in the actor's language."""

    kind: ClassVar[str] = "reply"
    to: Address
    reply: Reply
    language: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "to": self.to.to_json(),
            "texts": [text.to_json() for text in self.reply.texts],
            "actions": [action.to_json() for action in self.reply.actions],
            "language": self.language,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> LateReply:
        reply = Reply(
            tuple(Text.from_json(text) for text in data["texts"]),
            actions=tuple(Action.from_json(action) for action in data.get("actions", [])),
        )
        return cls(address_from_json(data["to"]), reply, data.get("language"))


@dataclass(frozen=True)
class DigestMessage:
    """One message of the weekly digest."""

    kind: ClassVar[str] = "digest"
    to: Channel
    part: DigestPart

    def to_json(self) -> dict[str, Any]:
        return {"to": self.to.to_json(), "digest": self.part.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> DigestMessage:
        to = address_from_json(data["to"])
        if not isinstance(to, Channel):
            raise ValueError("a digest goes to a channel")
        return cls(to, DigestPart.from_json(data["digest"]))


@dataclass(frozen=True)
class HomeRefresh:
    """Show a member's own page again (Slack's App Home), at these pages of its lists; platforms without such a
    page drop it."""

    kind: ClassVar[str] = "home"
    user_id: str
    pages: Mapping[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id, "pages": dict(self.pages)}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> HomeRefresh:
        return cls(str(data["user_id"]), {str(k): int(v) for k, v in (data.get("pages") or {}).items()})


@dataclass(frozen=True)
class ProfileLookup:
    """Look up a member's display name, time zone and locale on their platform."""

    kind: ClassVar[str] = "profile"
    user_id: str

    def to_json(self) -> dict[str, Any]:
        return {"user_id": self.user_id}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProfileLookup:
        return cls(str(data["user_id"]))


@dataclass(frozen=True)
class NoticeSettled:
    """A DM whose buttons were used, updated where it was posted to say what was done and by whom (its buttons
    gone). ``notice_key`` is the outbox key of the DM; one that was never posted has nothing to update."""

    kind: ClassVar[str] = "settle"
    notice_key: str
    outcome: Text

    def to_json(self) -> dict[str, Any]:
        return {"notice_key": self.notice_key, "outcome": self.outcome.to_json()}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> NoticeSettled:
        return cls(str(data["notice_key"]), Text.from_json(data["outcome"]))


@dataclass(frozen=True)
class GuestInvitation:
    """An e-mail to a guest (``handlers.guests``) with their personal link to a request.

    The message names the guest's link (``GuestLink`` id), never its token: a token in the outbox would open the
    request to anyone who can read the database. The e-mail gets a link and token of its own when it is sent
    (``handlers.guests.link_for_email``), so the only copy of a working token is the e-mail itself."""

    kind: ClassVar[str] = "guest_invitation"
    link_id: int
    member_id: int
    request_id: int

    def to_json(self) -> dict[str, Any]:
        return {"link_id": self.link_id, "member_id": self.member_id, "request_id": self.request_id}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> GuestInvitation:
        return cls(int(data["link_id"]), int(data["member_id"]), int(data["request_id"]))


OutgoingMessage: TypeAlias = (
    CardRefresh
    | NoticeMessage
    | LateReply
    | DigestMessage
    | HomeRefresh
    | ProfileLookup
    | NoticeSettled
    | GuestInvitation
)

MESSAGE_CLASSES: dict[str, type[OutgoingMessage]] = {
    cls.kind: cls
    for cls in (
        CardRefresh,
        NoticeMessage,
        LateReply,
        DigestMessage,
        HomeRefresh,
        ProfileLookup,
        NoticeSettled,
        GuestInvitation,
    )
}
# Kinds that only an e-mail transport sends. Unlike a chat message that a platform has no use for (skipped and
# marked sent), such a message waits unsent until a sender with a transport that delivers it drains the outbox.
MAIL_KINDS: frozenset[str] = frozenset({GuestInvitation.kind})


def for_someone_forgotten(message: OutgoingMessage) -> bool:
    """Whether the message is for a person whose personal data was erased (``handlers.erasure``): a DM or an
    ephemeral answer to them, their page, a look-up of their profile. Such a message is never queued or sent."""
    if isinstance(message, NoticeMessage | LateReply) and isinstance(message.to, Person | Ephemeral):
        return is_forgotten_user_id(message.to.user_id)
    if isinstance(message, HomeRefresh | ProfileLookup):
        return is_forgotten_user_id(message.user_id)
    return False


def decode(kind: str, payload: Mapping[str, Any]) -> OutgoingMessage:
    """The message an outbox row holds; ``ValueError`` for a kind or payload Cobot does not know."""
    cls = MESSAGE_CLASSES.get(kind)
    if cls is None:
        raise ValueError(f"unknown outbox kind {kind!r}")
    try:
        return cls.from_json(payload)
    except (KeyError, TypeError) as error:
        raise ValueError(f"malformed {kind} payload: {error!r}") from None
