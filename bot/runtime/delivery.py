"""The step every outbox message takes before and after its transport: made ready to send, and its outcome recorded.

A transport (Slack, Teams, the console) only renders and talks to its platform. Everything that needs the database
happens here, once for all of them: the queued message is decoded (``handlers.messages``), a card refresh gets its
``CardView`` and the place it was posted, a DM its recipient's language, a thread reply the channel and message of
its request's card, a Home refresh the member's page. After sending, what the platform answered is written back: a
card's new message id, a profile's name and time zone. A card that can never be posted is reported to its owner
here too, whichever platform failed.

Guests (people outside the company, ``handlers.guests``) have no chat account: whatever is addressed to one — their
invitation, a reminder, the owner's decision — becomes a ``SendEmail`` for the e-mail transport, and chat texts
that mention one name them instead ("Anne Holm (guest)"), since a platform would show the bare id. The link an
e-mail carries is made just before it is sent (``with_page_link``), in a transaction of its own.

Transports see only the ``Delivery`` values below and return an outcome; none of them opens a session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Protocol, TypeAlias

from sqlalchemy import Engine, update
from sqlmodel import Session, col

from handlers import texts, workspaces
from handlers.cards import build_card
from handlers.context import Policy, Scope
from handlers.departments import take_directory
from handlers.guests import (
    guest_name,
    is_guest_user_id,
    link_for_email,
    named_notice,
    named_reply,
    named_text,
)
from handlers.home import HomeView, build_home
from handlers.messages import (
    CardRefresh,
    Channel,
    DigestMessage,
    Ephemeral,
    GuestInvitation,
    HomeRefresh,
    InteractionUrl,
    LateReply,
    NoticeMessage,
    NoticeSettled,
    OutgoingMessage,
    Person,
    ProfileLookup,
    RequestThread,
    decode,
    for_someone_forgotten,
)
from handlers.results import (
    CardView,
    ChannelRef,
    DigestPart,
    Notice,
    Param,
    Reply,
    Text,
    UserRef,
    t,
)
from storage import queries
from storage.db import reader, transaction
from storage.models import ContentRequest, Member, OutboxMessage, RequestPart, VolunteerState, Workspace

log = logging.getLogger(__name__)


class RetryLater(Exception):
    """Try again later: after ``seconds`` (a Retry-After), or, when None, after an exponential backoff."""

    def __init__(self, seconds: float | None, reason: str, *, count_attempt: bool = True) -> None:
        super().__init__(reason)
        self.seconds = None if seconds is None else max(seconds, 0.0)
        self.reason = reason
        self.count_attempt = count_attempt


class MailRetryLater(RetryLater):
    """A mail server's trouble that passes (a 4xx reply, no connection): retried on e-mail's own schedule, which
    is longer than a chat platform's, as mail servers are down for hours where a chat API is down for seconds."""


class SendFailed(Exception):
    """The message can never be delivered; it is marked failed and not retried."""


class WorkspaceLost(SendFailed):
    """The platform no longer lets Cobot into the workspace at all (its token was revoked, the app uninstalled):
    nothing more is sent there until it is back (``handlers.workspaces``)."""


# Where a message goes once its request's thread is resolved: a thread reply is a ``Channel`` with a thread.
Destination: TypeAlias = Person | Channel | Ephemeral | InteractionUrl


@dataclass(frozen=True)
class Delivery:
    """What every prepared message carries: its outbox row, its workspace, and the language its reader reads."""

    message_id: int
    workspace_id: int
    language: str


@dataclass(frozen=True)
class PostCard(Delivery):
    """Post a request's card into its channel, or update it where it was posted (``posted`` is its message id)."""

    channel_id: str
    posted: str | None
    view: CardView


@dataclass(frozen=True)
class PostText(Delivery):
    """A notice, a late reply or a digest part, for one destination. ``request_number`` names the request it is
    about, if any (the console shows it beside buttons)."""

    to: Destination
    content: Notice | Reply | DigestPart
    request_number: int | None = None


@dataclass(frozen=True)
class UpdateNotice(Delivery):
    """Rewrite a DM where it was posted (``channel_id``/``ts``, as its transport reported them), its buttons
    replaced by what was done: ``notice.settled``."""

    channel_id: str
    ts: str
    notice: Notice


@dataclass(frozen=True)
class PublishHome(Delivery):
    """Show a member their own page (Slack's App Home)."""

    user_id: str
    view: HomeView


@dataclass(frozen=True)
class FetchProfile(Delivery):
    """Look up a member's profile on their platform."""

    user_id: str


@dataclass(frozen=True)
class MailAbout:
    """What an e-mail to a guest tells of the request it is about (the owner's address is its Reply-To)."""

    request_id: int
    number: int
    title: str
    brief: str
    format: str | None
    part: str | None  # the part the guest's place is on
    deadline: date  # the guest's own, if the owner moved it
    owner_name: str
    owner_email: str | None
    waiting: bool = False  # the guest waits in line for a place


@dataclass(frozen=True)
class SendEmail(Delivery):
    """An e-mail to a guest: their invitation (``content`` None) or a notice or late reply. ``seed`` names the
    e-mail stably (its ``Message-ID``). ``token`` is the guest's new page link, set by ``with_page_link`` just
    before sending; None when the guest no longer has a standing on the request (the e-mail then has no link)."""

    member_id: int
    to_address: str
    to_name: str
    timezone: str
    seed: str
    about: MailAbout | None
    content: Notice | Reply | None
    standing_link_id: int | None = None  # the invitation's own link: no e-mail once it was revoked
    token: str | None = None
    link_expires: datetime | None = None


Prepared: TypeAlias = PostCard | PostText | UpdateNotice | PublishHome | FetchProfile | SendEmail


@dataclass(frozen=True)
class CardPosted:
    """A card was posted for the first time: where, its message id, and a web link to it if the platform gave one
    (Slack's permalink), for calendars and other places outside the chat."""

    channel_id: str
    ts: str
    url: str | None = None


@dataclass(frozen=True)
class NoticePosted:
    """A DM with buttons was posted: the conversation and message id to update it by once they are used."""

    channel_id: str
    ts: str


@dataclass(frozen=True)
class ProfileFound:
    """What a platform knows of a person. ``None`` fields are left as they are; with ``fill_only`` the name only
    fills an empty one (Teams names people in every activity, which Cobot stored already)."""

    display_name: str | None = None
    tz: str | None = None
    locale: str | None = None
    email: str | None = None
    fill_only: bool = False
    # The department and title the profile gives (None: not asked), and where from: "profile" or "graph".
    department: str | None = None
    title: str | None = None
    department_source: str = "profile"


Outcome: TypeAlias = CardPosted | NoticePosted | ProfileFound | None


class Transport(Protocol):
    """One platform's delivery. ``delivers``: the message kinds it has a use for; the others are skipped (e.g. App
    Home refreshes on platforms without such a page). ``hold`` raises ``RetryLater`` before anything is built when
    the destination (a channel id or a user id) or the method is still being paced."""

    delivers: frozenset[str]

    def hold(self, destination: str | None, *, message_id: int, update: bool = False) -> None: ...

    def send(self, delivery: Prepared) -> Outcome: ...


def prepare(
    session: Session,
    row: OutboxMessage,
    message: OutgoingMessage,
    *,
    policy: Policy,
    now: datetime,
    hold: Callable[[str | None], None],
    hold_update: Callable[[str | None], None],
) -> Prepared | None:
    """The message ready for its transport, or None when there is nothing left to send (a DM to update that was
    never posted). ``hold``/``hold_update`` are the transport's pacing checks for a post and an update, asked before
    anything costly is built."""
    assert row.id is not None
    base = {"message_id": row.id, "workspace_id": row.workspace_id}
    if for_someone_forgotten(message):
        # Erasure drops what was queued for a person; this catches anything that slipped in around it.
        log.info("outbox %s: not sent, its recipient's personal data was erased", row.id)
        return None
    match message:
        case GuestInvitation(link_id=link_id, member_id=member_id, request_id=request_id):
            guest = session.get(Member, member_id)
            if guest is None or guest.workspace_id != row.workspace_id:
                return None
            return _email(session, row, guest, request_id, None, policy=policy, standing_link_id=link_id)
        case (
            NoticeMessage(to=Person(user_id=user_id), notice=content)
            | LateReply(to=Person(user_id=user_id), reply=content)
        ) if is_guest_user_id(user_id):
            guest = queries.get_member(session=session, workspace_id=row.workspace_id, user_id=user_id)
            if guest is None:
                return None
            return _email(session, row, guest, row.request_id, content, policy=policy)
    message = _guests_named(session, row.workspace_id, message)
    match message:
        case CardRefresh(request_id=request_id):
            request = _request(session, row.workspace_id, request_id)
            if request is None:
                raise SendFailed("request no longer exists")
            if not request.channel_id:
                raise SendFailed("request has no channel")
            (hold_update if request.card_ts else hold)(request.channel_id)
            return PostCard(
                **base,
                language=policy.language_of_channel(request.channel_id),
                channel_id=request.channel_id,
                posted=request.card_ts,
                view=build_card(session, request, invites_guests=policy.email_configured, public_url=policy.public_url),
            )
        case NoticeMessage(to=to, notice=notice):
            destination, number = _destination(session, row, to, hold)
            language = _language(session, row.workspace_id, destination, policy, None)
            return PostText(**base, language=language, to=destination, content=notice, request_number=number)
        case LateReply(to=to, reply=reply, language=chosen):
            destination, number = _destination(session, row, to, hold)
            language = _language(session, row.workspace_id, destination, policy, chosen)
            return PostText(**base, language=language, to=destination, content=reply, request_number=number)
        case DigestMessage(to=to, part=part):
            hold(to.channel_id)
            return PostText(**base, language=policy.language_of_channel(to.channel_id), to=to, content=part)
        case HomeRefresh(user_id=user_id, pages=pages):
            workspace = session.get(Workspace, row.workspace_id)
            member = queries.get_member(session=session, workspace_id=row.workspace_id, user_id=user_id)
            if workspace is None or member is None:
                raise SendFailed("member no longer known")
            scope = Scope(session=session, workspace=workspace, policy=policy, now=now)
            view = build_home(scope, member, pages=dict(pages))
            return PublishHome(**base, language=policy.language_of(member), user_id=user_id, view=view)
        case ProfileLookup(user_id=user_id):
            return FetchProfile(**base, language=policy.default_language, user_id=user_id)
        case NoticeSettled(notice_key=notice_key, outcome=outcome):
            return _settled(session, row, notice_key, outcome, policy=policy, hold_update=hold_update, base=base)
    raise AssertionError(f"unhandled message {message!r}")


def _email(
    session: Session,
    row: OutboxMessage,
    guest: Member,
    request_id: int | None,
    content: Notice | Reply | None,
    *,
    policy: Policy,
    standing_link_id: int | None = None,
) -> SendEmail | None:
    """The e-mail to ``guest``, or None when there is no one to send it to any more (their address was erased)."""
    assert row.id is not None
    assert guest.id is not None
    if not guest.email:
        log.info("outbox %s: not sent, guest %s has no e-mail address (any more)", row.id, guest.id)
        return None
    request = _request(session, row.workspace_id, request_id) if request_id is not None else None
    about = _about(session, request, guest) if request is not None else None
    # An e-mail mentions nobody: everyone it names, colleague or guest, is written out by name.
    if isinstance(content, Notice):
        content = named_notice(session, row.workspace_id, content, everyone=True)
    elif isinstance(content, Reply):
        content = named_reply(session, row.workspace_id, content, everyone=True)
    return SendEmail(
        message_id=row.id,
        workspace_id=row.workspace_id,
        language=policy.language_of(guest),
        member_id=guest.id,
        to_address=guest.email,
        to_name=guest.display_name,
        timezone=guest.tz or policy.timezone.key,
        # The outbox row names the e-mail: sent again after a crash, it carries the same Message-ID.
        seed=f"outbox:{row.workspace_id}:{row.id}",
        about=about,
        content=content,
        standing_link_id=standing_link_id,
    )


def _about(session: Session, request: ContentRequest, guest: Member) -> MailAbout:
    assert request.id is not None
    owner = queries.member_by_id(session=session, workspace_id=request.workspace_id, member_id=request.owner_id)
    live = queries.live_volunteers(session=session, workspace_id=request.workspace_id, request_id=request.id)
    place = next((v for v in live if v.member_id == guest.id), None)
    part = session.get(RequestPart, place.part_id) if place is not None and place.part_id is not None else None
    return MailAbout(
        request_id=request.id,
        number=request.number,
        title=request.title,
        brief=request.brief,
        format=request.format,
        part=part.name if part is not None else None,
        deadline=(place.due_date if place is not None and place.due_date else request.draft_deadline),
        owner_name=owner.display_name or owner.user_id,
        owner_email=owner.email,
        waiting=place is not None and place.state is VolunteerState.WAITLISTED,
    )


def with_page_link(engine: Engine, email: SendEmail, *, policy: Policy, now: datetime) -> SendEmail | None:
    """``email`` with a new link to the guest's page, made and stored (as its hash) now, just before sending. A
    send that fails after this leaves an unused link behind, which ends on its own; one sent twice gives two
    working links. Without a standing on the request any more (it closed, the guest was invited anew) a notice
    goes without a link, and an invitation not at all (None): a newer one is on its way."""
    if email.about is None:
        return email
    with transaction(engine) as session:
        workspace = session.get(Workspace, email.workspace_id)
        if workspace is None:
            return None
        scope = Scope(session=session, workspace=workspace, policy=policy, now=now)
        token = link_for_email(
            scope, member_id=email.member_id, request_id=email.about.request_id, standing_link_id=email.standing_link_id
        )
    if token is None:
        return None if email.content is None else email
    return replace(email, token=token, link_expires=now + timedelta(days=policy.guest_link_days))


def _guests_named(session: Session, workspace_id: int, message: OutgoingMessage) -> OutgoingMessage:
    """A chat message with the guests it mentions named instead."""
    match message:
        case NoticeMessage(notice=notice):
            return replace(message, notice=named_notice(session, workspace_id, notice))
        case LateReply(reply=reply):
            return replace(message, reply=named_reply(session, workspace_id, reply))
        case DigestMessage(part=part):
            lines = tuple(replace(line, text=named_text(session, workspace_id, line.text)) for line in part.lines)
            return replace(message, part=DigestPart(lines))
    return message


def _settled(
    session: Session,
    row: OutboxMessage,
    notice_key: str,
    outcome: Text,
    *,
    policy: Policy,
    hold_update: Callable[[str | None], None],
    base: dict[str, int],
) -> UpdateNotice | None:
    """The DM queued under ``notice_key`` as it reads once settled, for the place it was posted. A DM still waiting
    to go out is waited for (a command can settle it within seconds of it being queued); one that failed, expired,
    or went out before Cobot recorded where DMs land, is left alone."""
    original = queries.queued_message(session=session, workspace_id=row.workspace_id, dedupe_key=notice_key)
    if original is None or original.failed_at is not None:
        return None
    if original.sent_at is None:
        raise RetryLater(2, "the DM it updates is not sent yet", count_attempt=False)
    if not original.posted_channel or not original.posted_ts:
        return None
    message = decode(original.kind, original.payload)
    if not isinstance(message, NoticeMessage) or not isinstance(message.to, Person):
        return None
    hold_update(original.posted_channel)
    member = queries.get_member(session=session, workspace_id=row.workspace_id, user_id=message.to.user_id)
    return UpdateNotice(
        **base,
        language=policy.language_of(member),
        channel_id=original.posted_channel,
        ts=original.posted_ts,
        notice=named_notice(session, row.workspace_id, message.notice.settle(outcome)),
    )


def _request(session: Session, workspace_id: int, request_id: int) -> ContentRequest | None:
    request = session.get(ContentRequest, request_id)
    return request if request is not None and request.workspace_id == workspace_id else None


def _destination(
    session: Session, row: OutboxMessage, to: object, hold: Callable[[str | None], None]
) -> tuple[Destination, int | None]:
    """The address with a request's thread resolved to its card's channel and message, and the request's number."""
    number = None
    if row.request_id is not None:
        about = _request(session, row.workspace_id, row.request_id)
        number = about.number if about is not None else None
    if isinstance(to, RequestThread):
        request = _request(session, row.workspace_id, to.request_id)
        if request is None or not request.channel_id:
            raise SendFailed("request or its channel is gone")
        if not request.card_ts:
            raise RetryLater(2, "card not posted yet")
        hold(request.channel_id)
        return Channel(request.channel_id, thread=request.card_ts), request.number
    if isinstance(to, Person):
        hold(to.user_id)
    elif isinstance(to, Channel | Ephemeral):
        hold(to.channel_id)
    if isinstance(to, Person | Channel | Ephemeral | InteractionUrl):
        return to, number
    raise SendFailed(f"not an address: {to!r}")


def _language(session: Session, workspace_id: int, to: Destination, policy: Policy, chosen: str | None) -> str:
    """A late reply speaks the language it was written in; anything else speaks its reader's: a DM (or an answer only
    one person sees) their own, a post in a channel or thread the channel's."""
    if chosen:
        return chosen
    if isinstance(to, Person | Ephemeral):
        member = queries.get_member(session=session, workspace_id=workspace_id, user_id=to.user_id)
        return policy.language_of(member)
    if isinstance(to, Channel):
        return policy.language_of_channel(to.channel_id)
    return policy.default_language


def record(engine: Engine, row: OutboxMessage, outcome: Outcome, *, now: datetime) -> None:
    """Writes back what the platform answered."""
    match outcome:
        case CardPosted(channel_id=channel_id, ts=ts, url=url):
            message = decode(row.kind, row.payload)
            assert isinstance(message, CardRefresh)
            with transaction(engine) as session:
                queries.set_card_message(
                    session=session, request_id=message.request_id, channel_id=channel_id, ts=ts, url=url
                )
        case NoticePosted(channel_id=channel_id, ts=ts):
            assert row.id is not None
            with transaction(engine) as session:
                queries.set_posted(session=session, message_id=row.id, channel=channel_id, ts=ts)
        case ProfileFound() as found:
            message = decode(row.kind, row.payload)
            assert isinstance(message, ProfileLookup)
            _record_profile(engine, row.workspace_id, message.user_id, found, now=now)
        case None:
            pass


def _record_profile(engine: Engine, workspace_id: int, user_id: str, found: ProfileFound, *, now: datetime) -> None:
    person = (col(Member.workspace_id) == workspace_id, col(Member.user_id) == user_id)
    values: dict[str, object] = {"profile_fetched_at": now}
    if not found.fill_only:
        values.update(
            display_name=(found.display_name or "")[:200],
            tz=found.tz,
            locale=found.locale,
            email=(found.email or "").strip()[:254] or None,
        )
    with transaction(engine) as session:
        session.execute(update(Member).where(*person).values(**values))
        if found.fill_only and found.display_name:
            session.execute(
                update(Member)
                .where(*person, col(Member.display_name) == "")
                .values(display_name=found.display_name[:200])
            )
        if found.department is not None or found.title is not None:
            member = queries.get_member(session=session, workspace_id=workspace_id, user_id=user_id)
            if member is not None:
                take_directory(member, department=found.department, title=found.title, source=found.department_source)
                session.add(member)


def tell_owner_not_delivered(engine: Engine, row: OutboxMessage, *, reason: str, now: datetime) -> None:
    """A message about a request that Cobot gave up on is reported to the request's owner, whatever the platform:
    its card ("Posted request #1 here" was the owner's answer) or a notice for someone else. Once per message."""
    try:
        message = decode(row.kind, row.payload)
    except ValueError:
        return
    request_id = message.request_id if isinstance(message, CardRefresh | GuestInvitation) else row.request_id
    if request_id is None or not isinstance(message, CardRefresh | NoticeMessage | GuestInvitation):
        return
    with transaction(engine) as session:
        request = _request(session, row.workspace_id, request_id)
        if request is None:
            return
        owner = queries.member_by_id(session=session, workspace_id=row.workspace_id, member_id=request.owner_id)
        guest = _guest_of(session, row.workspace_id, message)
        if guest is not None:
            # An e-mail: the owner hears whom it was for and where it went, so they can check the address.
            text = t(
                texts.GUEST_EMAIL_NOT_DELIVERED,
                guest=guest_name(guest),
                email=guest.email or "",
                number=request.number,
                reason=reason,
            )
            key = f"notice:{row.workspace_id}:not-delivered:{row.id}"
        elif isinstance(message, GuestInvitation):
            return
        elif isinstance(message, CardRefresh):
            if request.card_ts:
                return  # an update of a card people have seen: the next change updates it again
            text = t(texts.CARD_NOT_POSTED, number=request.number, reason=reason)
            key = f"notice:{row.workspace_id}:card-failed:{request.id}"
        else:
            if message.to == Person(owner.user_id):
                return  # the owner's own notice: telling them by the same way would fail the same
            where: Param = t(texts.WHERE_THREAD)
            if isinstance(message.to, Person | Ephemeral):
                where = UserRef(message.to.user_id)
            elif isinstance(message.to, Channel):
                where = ChannelRef(message.to.channel_id)
            text = t(texts.NOTICE_NOT_DELIVERED, number=request.number, where=where, reason=reason)
            key = f"notice:{row.workspace_id}:not-delivered:{row.id}"
        queries.enqueue(
            session=session,
            workspace_id=row.workspace_id,
            kind=NoticeMessage.kind,
            payload=NoticeMessage(Person(owner.user_id), Notice(text)).to_json(),
            dedupe_key=key,
            now=now,
        )


def _guest_of(session: Session, workspace_id: int, message: OutgoingMessage) -> Member | None:
    """The guest an e-mail was for, if ``message`` was one."""
    if isinstance(message, GuestInvitation):
        guest = session.get(Member, message.member_id)
        return guest if guest is not None and guest.workspace_id == workspace_id else None
    if isinstance(message, NoticeMessage) and isinstance(message.to, Person) and is_guest_user_id(message.to.user_id):
        return queries.get_member(session=session, workspace_id=workspace_id, user_id=message.to.user_id)
    return None


def workspace_lost(engine: Engine, workspace_id: int, *, reason: str, now: datetime) -> int:
    """Stops all sending to the workspace; returns how many queued messages were given up with it."""
    with transaction(engine) as session:
        return workspaces.deactivate(session=session, workspace_id=workspace_id, reason=reason, now=now)


def read_session(engine: Engine) -> Session:
    """A session for preparing messages: reads only, so on SQLite it never waits for the write lock."""
    return Session(reader(engine))
