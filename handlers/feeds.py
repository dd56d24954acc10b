"""The calendar feeds: what a subscribed calendar shows, and the secret addresses that give access to it.

A workspace's feed holds the draft deadlines of requests still in the works (neither published nor closed) and
every booked publishing slot; a person's own feed holds their deadlines (requests they own, and requests they have
a place on, by their own due date when the owner gave them more time) and the slots booked for requests they own or
contributed to. Both keep a quarter of history. ``bot.exports.ics`` writes the events as an .ics file.

An address is ``/calendar/<token>.ics`` with an unguessable token (``<workspace id>.<secret>``). Only its SHA-256 is
stored (``calendar_feed``), so an address can be shown once, when it is made, and never again; it works for
``FEED_LIFETIME`` unless it is revoked sooner. An unknown, expired or revoked token are all simply "no feed".
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from uuid import uuid4

import sqlalchemy as sa
from sqlmodel import Session, col, select

from handlers import notify, texts
from handlers.context import Ctx, Scope
from handlers.results import Day, Notice, Param, Reply, Text, t
from handlers.schedule import at_local
from storage.models import (
    CalendarFeed,
    ContentRequest,
    Draft,
    Member,
    RequestStatus,
    SlotBooking,
    Volunteer,
    VolunteerState,
    Workspace,
)

FEED_PAST_DAYS = 90  # the calendar feed keeps this much history, so subscribers still see last quarter
FEED_LIFETIME = timedelta(days=365)  # how long a feed address works; then a new one must be made
PATH_PREFIX = "/calendar/"
# A request whose work is done: its deadline leaves the feed (a published one's booked slot stays).
_DEADLINE_DONE = (RequestStatus.CLOSED, RequestStatus.PUBLISHED)
_TOKEN = re.compile(r"^\d{1,10}\.[A-Za-z0-9_\-]{16,128}$")


@dataclass(frozen=True)
class FeedEvent:
    """One entry of the calendar feed: an all-day event (``day``) or one at a moment (``starts_at``, UTC)."""

    uid: str
    summary: Text
    description: Text
    day: date | None = None
    starts_at: datetime | None = None
    modified: datetime | None = None
    url: str | None = None


@dataclass(frozen=True)
class FeedAccess:
    """What a valid address opens: a workspace's feed, or (``member``) one person's own."""

    workspace: Workspace
    member: Member | None = None


@dataclass(frozen=True)
class FeedAddress:
    """A feed address just made: its token (shown now, never again) and when it stops working."""

    token: str
    expires_at: datetime

    @property
    def path(self) -> str:
        return feed_path(self.token)


def feed_path(token: str) -> str:
    return f"{PATH_PREFIX}{token}.ics"


def person_name(member: Member) -> Param:
    """How a feed names someone: their name, else (no profile yet) their e-mail, else "a colleague" — never a raw
    platform id, which means nothing in a calendar. Someone whose data was erased is "a former contributor"."""
    if member.forgotten_at is not None:
        return t(texts.FORMER_CONTRIBUTOR)
    return member.display_name or member.email or t(texts.FEED_SOMEONE)


# --- what a feed shows --------------------------------------------------------------------------------------------


def feed_events(scope: Scope, *, member: Member | None = None) -> list[FeedEvent]:
    """The workspace's feed, or ``member``'s own: deadlines first (by day), then booked slots (by time)."""
    since = scope.today() - timedelta(days=FEED_PAST_DAYS)
    domain = f"{scope.workspace.platform}-{scope.workspace.external_id}.cobot"
    events = [
        FeedEvent(
            uid=f"deadline-{request.id}@{domain}",
            summary=t(texts.FEED_DEADLINE, number=request.number, title=request.title),
            description=(
                t(texts.FEED_DESCRIPTION_CARD, owner=person_name(owner), url=request.card_url)
                if request.card_url
                else t(texts.FEED_DESCRIPTION, owner=person_name(owner))
            ),
            day=day,
            modified=request.updated_at,
            url=request.card_url,
        )
        for request, owner, day in _deadlines(scope, since=since, member=member)
    ]
    bookings = (
        select(SlotBooking, ContentRequest, Member)
        .join(ContentRequest, col(ContentRequest.id) == col(SlotBooking.request_id))
        .join(Member, col(Member.id) == col(ContentRequest.owner_id))
        .where(
            SlotBooking.workspace_id == scope.workspace_id,
            col(SlotBooking.starts_at) >= at_local(since, time(0, 0), scope.policy.timezone),
        )
        .order_by(col(SlotBooking.starts_at))
    )
    if member is not None:
        bookings = bookings.where(
            sa.or_(
                col(ContentRequest.owner_id) == member.id,
                col(ContentRequest.id).in_(_contributed_to(scope.workspace_id, member)),
            )
        )
    for booking, request, owner in scope.session.exec(bookings).all():
        events.append(
            FeedEvent(
                uid=f"slot-{booking.id}@{domain}",
                summary=t(texts.FEED_SLOT, slot=booking.slot_name, number=request.number, title=request.title),
                description=t(texts.FEED_DESCRIPTION, owner=person_name(owner)),
                starts_at=booking.starts_at.astimezone(UTC),
                modified=booking.created_at,
                url=request.published_url,
            )
        )
    return events


def _deadlines(scope: Scope, *, since: date, member: Member | None) -> list[tuple[ContentRequest, Member, date]]:
    """(request, owner, day) of the deadlines the feed shows, by day and number."""
    live = (
        ContentRequest.workspace_id == scope.workspace_id,
        col(ContentRequest.status).not_in(_DEADLINE_DONE),
    )
    owned = (
        select(ContentRequest, Member)
        .join(Member, col(Member.id) == col(ContentRequest.owner_id))
        .where(*live, col(ContentRequest.draft_deadline) >= since)
    )
    if member is None:
        found = [(request, owner, request.draft_deadline) for request, owner in scope.session.exec(owned).all()]
    else:
        found = [
            (request, owner, request.draft_deadline)
            for request, owner in scope.session.exec(owned.where(ContentRequest.owner_id == member.id)).all()
        ]
        mine = {request.id for request, _, _ in found}
        # A place on someone else's request: the day the owner expects *this* person's draft.
        places = scope.session.exec(
            select(ContentRequest, Member, col(Volunteer.due_date))
            .join(Volunteer, col(Volunteer.request_id) == col(ContentRequest.id))
            .join(Member, col(Member.id) == col(ContentRequest.owner_id))
            .where(
                *live,
                Volunteer.workspace_id == scope.workspace_id,
                Volunteer.member_id == member.id,
                Volunteer.state == VolunteerState.ACTIVE,
            )
        ).all()
        found += [
            (request, owner, due or request.draft_deadline)
            for request, owner, due in places
            if request.id not in mine and (due or request.draft_deadline) >= since
        ]
    return sorted(found, key=lambda item: (item[2], item[0].number))


def _contributed_to(workspace_id: int, member: Member) -> sa.Select[tuple[int]]:
    """Ids of the requests ``member`` helps with: a place they hold now, or a draft they handed in (even if they
    withdrew later, the piece has their work in it)."""
    holding = sa.select(col(Volunteer.request_id)).where(
        col(Volunteer.workspace_id) == workspace_id,
        col(Volunteer.member_id) == member.id,
        col(Volunteer.state) == VolunteerState.ACTIVE,
    )
    drafted = (
        sa.select(col(Volunteer.request_id))
        .join(Draft, col(Draft.volunteer_id) == col(Volunteer.id))
        .where(col(Volunteer.workspace_id) == workspace_id, col(Volunteer.member_id) == member.id)
    )
    return holding.union(drafted)  # type: ignore[return-value]


# --- addresses ----------------------------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_address(scope: Scope, *, member: Member | None = None, rotate: bool = False) -> FeedAddress:
    """A new address for the workspace's feed, or ``member``'s own; with ``rotate`` every older address of the same
    feed stops working at once. Older addresses otherwise keep working until they expire."""
    if rotate:
        same_feed = (
            col(CalendarFeed.member_id).is_(None) if member is None else col(CalendarFeed.member_id) == member.id
        )
        scope.session.execute(
            sa.update(CalendarFeed)
            .where(
                col(CalendarFeed.workspace_id) == scope.workspace_id,
                same_feed,
                col(CalendarFeed.revoked_at).is_(None),
            )
            .values(revoked_at=scope.now)
        )
    token = f"{scope.workspace_id}.{secrets.token_urlsafe(32)}"
    feed = CalendarFeed(
        workspace_id=scope.workspace_id,
        member_id=None if member is None else member.id,
        token_hash=_hash(token),
        created_at=scope.now,
        expires_at=scope.now + FEED_LIFETIME,
    )
    scope.session.add(feed)
    scope.session.flush()
    return FeedAddress(token=token, expires_at=feed.expires_at)


def calendar_token(scope: Scope, *, member: Member | None = None, rotate: bool = False) -> str:
    """A new token for the workspace's feed (or ``member``'s own); see ``new_feed_address``."""
    return new_feed_address(scope, member=member, rotate=rotate).token


def feed_for_token(session: Session, token: str, *, now: datetime) -> FeedAccess | None:
    """The feed ``token`` opens at ``now``, or None when it is unknown, expired or revoked. The token is looked up
    by its hash, so nothing about the stored secrets can be learned from how long a wrong one takes."""
    if not _TOKEN.match(token):
        return None
    feed = session.exec(
        select(CalendarFeed).where(
            CalendarFeed.token_hash == _hash(token),
            col(CalendarFeed.revoked_at).is_(None),
            col(CalendarFeed.expires_at) > now,
        )
    ).first()
    if feed is None or token.partition(".")[0] != str(feed.workspace_id):
        return None
    workspace = session.get(Workspace, feed.workspace_id)
    if workspace is None:
        return None
    if feed.member_id is None:
        return FeedAccess(workspace=workspace)
    member = session.get(Member, feed.member_id)
    return None if member is None or member.workspace_id != workspace.id else FeedAccess(workspace, member)


def workspace_for_calendar_token(session: Session, token: str, *, now: datetime | None = None) -> Workspace | None:
    """The workspace whose feed (or one of whose people's feeds) ``token`` opens now, or None."""
    access = feed_for_token(session, token, now=now or datetime.now(UTC))
    return None if access is None else access.workspace


# --- asked for in chat --------------------------------------------------------------------------------------------


def personal_feed_url(ctx: Ctx) -> Reply:
    """Your own calendar feed: your deadlines and the slots booked for your requests, as an address to subscribe to
    (the whole address when app.yaml names Cobot's public URL, else the path on its server)."""
    address = new_feed_address(ctx, member=ctx.actor)
    local_day = address.expires_at.astimezone(ctx.policy.timezone).date()
    if ctx.policy.public_url:
        url = ctx.policy.public_url.rstrip("/") + address.path
        return Reply.of(t(texts.PERSONAL_FEED_FULL_URL, url=url, expires=Day(local_day)))
    return Reply.of(t(texts.PERSONAL_FEED_URL, path=address.path, expires=Day(local_day)))


def send_personal_feed_url(ctx: Ctx) -> Reply:
    """`/cocreate calendar`: your personal feed's address, sent in a direct message, since anyone with the address
    can read the calendar (a reply in a Teams channel would show it to the channel)."""
    made = personal_feed_url(ctx)
    notify.to_user(
        ctx, user_id=ctx.actor.user_id, notice=Notice(made.texts[0]), key=f"calendar:{ctx.actor.user_id}:{uuid4().hex}"
    )
    return Reply.of(t(texts.PERSONAL_FEED_SENT))
