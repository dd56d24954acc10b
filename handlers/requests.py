"""Content requests: post one, look at one or all, see your own, close one."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from handlers import notify, texts
from handlers.cards import STATUS_TEXTS, booking_phrase, build_card, owner_actions, require_request, shown_status
from handlers.context import Ctx
from handlers.parsing import within_horizon
from handlers.results import ChannelRef, Day, Notice, Param, Reply, Text, UserFacingError, UserRef, t
from storage import queries
from storage.models import ContentRequest, RequestPart, RequestStatus, ReviewState, VolunteerState

TITLE_LIMIT = 120  # leaves room for "#12345 " inside Slack's 150-character header
BRIEF_LIMIT = 2500  # one section of at most 3000 characters, with room for the card's other lines
FORMAT_LIMIT = 40
PART_NAME_LIMIT = 70  # a select option's text may be at most 75 characters
PARTS_LIMIT = 40
NEEDS_LIMIT = 50
PAGE_SIZE = 15
MINE_LIMIT = 25

STATE_TEXTS = {
    ReviewState.NO_DRAFT: texts.STATE_NO_DRAFT,
    ReviewState.SUBMITTED: texts.STATE_SUBMITTED,
    ReviewState.CHANGES_REQUESTED: texts.STATE_CHANGES_REQUESTED,
    ReviewState.APPROVED: texts.STATE_APPROVED,
}


@dataclass(frozen=True)
class NewRequest:
    title: str
    deadline: date
    brief: str = ""
    format: str | None = None
    skills: tuple[str, ...] = ()
    needs: int | None = None
    parts: tuple[str, ...] = field(default_factory=tuple)
    publish_target: str | None = None
    derived_from: int | None = None


@dataclass(frozen=True)
class RequestPrefill:
    """What a form for a new request starts with: empty, copied from a request to derive from, or taken from a
    conversation."""

    title: str = ""
    brief: str = ""
    format: str | None = None
    skills: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()
    needs: int | None = None
    deadline: date | None = None
    publish_target: str | None = None
    derived_from: int | None = None


def prefill_from_message(text: str, *, link: str | None) -> RequestPrefill:
    """A form pre-filled from a Slack message: its first line as the title, the message as the brief, and a link
    back to the conversation it came from."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    title = lines[0] if lines else ""
    if len(title) > TITLE_LIMIT:
        title = title[: TITLE_LIMIT - 1].rstrip() + "…"
    brief = text.strip()
    if link:
        brief = f"{brief}\n\n{link}".strip()
    return RequestPrefill(title=title, brief=brief[:BRIEF_LIMIT])


class Field(StrEnum):
    """The parts of a request a form asks for; problems name the field they belong to."""

    TITLE = "title"
    BRIEF = "brief"
    FORMAT = "format"
    NEEDS = "needs"
    PARTS = "parts"
    DEADLINE = "deadline"


def request_problems(ctx: Ctx, new: NewRequest) -> list[tuple[Field, Text]]:
    """Every problem with ``new``, each with the field it belongs to, in the order a form shows its fields."""
    problems: list[tuple[Field, Text]] = []
    if not new.title.strip():
        problems.append((Field.TITLE, t(texts.MISSING_TITLE)))
    elif len(new.title) > TITLE_LIMIT:
        problems.append((Field.TITLE, t(texts.TITLE_TOO_LONG, length=len(new.title), limit=TITLE_LIMIT)))
    if len(new.brief) > BRIEF_LIMIT:
        problems.append((Field.BRIEF, t(texts.BRIEF_TOO_LONG, length=len(new.brief), limit=BRIEF_LIMIT)))
    if new.format is not None and (len(new.format) > FORMAT_LIMIT or not new.format.strip()):
        problems.append((Field.FORMAT, t(texts.BAD_FORMAT, limit=FORMAT_LIMIT)))
    if new.needs is not None and not 1 <= new.needs <= NEEDS_LIMIT:
        problems.append((Field.NEEDS, t(texts.BAD_NEEDS, limit=NEEDS_LIMIT)))
    if len(new.parts) > PARTS_LIMIT:
        problems.append((Field.PARTS, t(texts.TOO_MANY_PARTS, limit=PARTS_LIMIT, count=len(new.parts))))
    elif any(len(p) > PART_NAME_LIMIT for p in new.parts):
        problems.append((Field.PARTS, t(texts.PART_NAME_TOO_LONG, limit=PART_NAME_LIMIT)))
    if new.deadline < ctx.today():
        example = (ctx.today() + timedelta(days=14)).isoformat()
        problems.append((Field.DEADLINE, t(texts.DATE_IN_PAST, value=new.deadline.isoformat(), example=example)))
    else:
        try:
            within_horizon(new.deadline, today=ctx.today())
        except UserFacingError as too_far:
            problems.append((Field.DEADLINE, too_far.text))
    return problems


def validate_new_request(ctx: Ctx, new: NewRequest) -> None:
    """Raises a polite error for the first problem in ``new`` (forms show them all: ``request_problems``)."""
    problems = request_problems(ctx, new)
    if problems:
        raise UserFacingError(problems[0][1])


def create_request(ctx: Ctx, new: NewRequest, *, channel_id: str | None) -> Reply:
    """Post a content request to a channel."""
    request = _create(ctx, new, channel_id=channel_id)
    created = t(texts.REQUEST_CREATED, number=request.number, title=request.title, deadline=Day(request.draft_deadline))
    return Reply((created,), actions=owner_actions(ctx, request))


def post_request_from_form(ctx: Ctx, new: NewRequest, *, channel_id: str) -> Reply:
    """Post a request filled in on a form; the confirmation names the channel, since the form is not in it."""
    request = _create(ctx, new, channel_id=channel_id)
    posted = t(
        texts.REQUEST_POSTED_DM,
        number=request.number,
        title=request.title,
        channel=ChannelRef(channel_id),
        deadline=Day(request.draft_deadline),
    )
    return Reply((posted,), actions=owner_actions(ctx, request))


def _within_hourly_limit(ctx: Ctx) -> None:
    """One person may post ``requests_per_hour`` requests in an hour (app.yaml ``limits``): a script or a stuck key
    must not fill a channel with cards."""
    limit = ctx.policy.requests_per_hour
    if limit <= 0:
        return
    posted = queries.requests_posted_since(
        session=ctx.session, workspace_id=ctx.workspace_id, owner_id=ctx.actor_id, since=ctx.now - timedelta(hours=1)
    )
    if posted >= limit:
        raise UserFacingError(t(texts.TOO_MANY_REQUESTS, count=limit))


def _create(ctx: Ctx, new: NewRequest, *, channel_id: str | None) -> ContentRequest:
    if not ctx.policy.may_create(ctx.actor.user_id):
        admins = ", ".join(sorted(ctx.policy.admins)) or "your Cobot admin"
        raise UserFacingError(t(texts.NOT_ALLOWED_TO_CREATE, admins=admins))
    _within_hourly_limit(ctx)
    validate_new_request(ctx, new)
    derived_from_id = None
    if new.derived_from is not None:
        derived_from_id = require_request(ctx, new.derived_from).id
    request = ContentRequest(
        workspace_id=ctx.workspace_id,
        number=queries.allocate_request_number(session=ctx.session, workspace_id=ctx.workspace_id),
        title=new.title.strip(),
        brief=new.brief.strip(),
        format=new.format,
        wanted_skills=list(new.skills),
        volunteers_needed=new.needs or max(ctx.policy.default_volunteers_needed, 1),
        draft_deadline=new.deadline,
        publish_target=new.publish_target,
        owner_id=ctx.actor_id,
        channel_id=channel_id,
        status=RequestStatus.OPEN,
        derived_from_id=derived_from_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.session.add(request)
    ctx.session.flush()
    assert request.id is not None
    for position, name in enumerate(new.parts, start=1):
        ctx.session.add(RequestPart(workspace_id=ctx.workspace_id, request_id=request.id, position=position, name=name))
    notify.refresh_card(ctx, request)
    return request


def show_request(ctx: Ctx, *, number: int) -> Reply:
    """Show one request's card to the actor."""
    request = require_request(ctx, number)
    return Reply(
        (),
        build_card(ctx.session, request, invites_guests=ctx.policy.email_configured, public_url=ctx.policy.public_url),
        actions=owner_actions(ctx, request),
    )


def list_open_requests(ctx: Ctx, *, page: int = 1) -> Reply:
    """List the requests that are open for volunteers, soonest deadline first."""
    total = queries.count_open_requests(session=ctx.session, workspace_id=ctx.workspace_id)
    if total == 0:
        return Reply.of(t(texts.LIST_EMPTY))
    pages = math.ceil(total / PAGE_SIZE)
    if not 1 <= page <= pages:
        raise UserFacingError(t(texts.LIST_PAGE_EMPTY, page=page, pages=pages))
    rows = queries.list_open_requests(
        session=ctx.session, workspace_id=ctx.workspace_id, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )
    taken = queries.count_active_places(
        session=ctx.session, workspace_id=ctx.workspace_id, request_ids=[r.id for r in rows if r.id is not None]
    )
    capacities = queries.capacities_of_requests(session=ctx.session, workspace_id=ctx.workspace_id, requests=rows)
    lines = [t(texts.LIST_HEADER, count=total)]
    for request in rows:
        assert request.id is not None
        lines.append(
            t(
                texts.LIST_ITEM,
                number=request.number,
                title=request.title,
                deadline=Day(request.draft_deadline),
                filled=taken[request.id],
                needed=capacities[request.id],
            )
        )
    if page < pages:
        lines.append(t(texts.LIST_MORE, page=page, pages=pages, next=page + 1))
    return Reply(tuple(lines))


def my_requests(ctx: Ctx) -> Reply:
    """Show the requests you own and the ones you help with."""
    owned = queries.requests_owned_by(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        member_id=ctx.actor_id,
        statuses=[RequestStatus.OPEN, RequestStatus.APPROVED],
        limit=MINE_LIMIT,
    )
    helping = queries.places_of_member(
        session=ctx.session, workspace_id=ctx.workspace_id, member_id=ctx.actor_id, limit=MINE_LIMIT
    )
    if not owned and not helping:
        return Reply.of(t(texts.MINE_EMPTY))
    bookings = queries.bookings_of_requests(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        request_ids=[r.id for r in [*owned, *(request for _, request in helping)] if r.id is not None],
    )
    lines: list[Text] = []
    if owned:
        waiting = queries.count_waiting_reviews(
            session=ctx.session, workspace_id=ctx.workspace_id, request_ids=[r.id for r in owned if r.id]
        )
        lines.append(t(texts.MINE_OWNED_HEADER))
        for r in owned:
            booking = bookings.get(r.id or 0)
            lines.append(
                t(
                    texts.MINE_ITEM_OWNED,
                    number=r.number,
                    title=r.title,
                    status=booking_phrase(r.status, booking) if booking else shown_status(r.status, booked=False),
                    deadline=Day(r.draft_deadline),
                    waiting=waiting.get(r.id or 0, 0),
                )
            )
    if helping:
        lines.append(t(texts.MINE_HELPING_HEADER))
        for place, request in helping:
            state = (
                t(texts.STATE_WAITLISTED)
                if place.state is VolunteerState.WAITLISTED
                else t(STATE_TEXTS[place.review_state])
            )
            booking = bookings.get(request.id or 0)
            item: dict[str, Param] = {
                "number": request.number,
                "title": request.title,
                "state": state,
                "deadline": Day(request.draft_deadline),
            }
            if booking is None:
                lines.append(t(texts.MINE_ITEM_HELPING, **item))
            else:
                lines.append(t(texts.MINE_ITEM_HELPING_BOOKED, **item, booking=booking_phrase(request.status, booking)))
    return Reply(tuple(lines))


def close_request(ctx: Ctx, *, number: int) -> Reply:
    """Close a request (owner or admin): no more volunteers or drafts."""
    request = require_request(ctx, number, lock=True)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_CLOSE)
    if request.status in (RequestStatus.CLOSED, RequestStatus.PUBLISHED):
        raise UserFacingError(t(texts.ALREADY_CLOSED, number=request.number, status=t(STATUS_TEXTS[request.status])))
    request.status = RequestStatus.CLOSED
    request.updated_at = ctx.now
    ctx.session.add(request)
    assert request.id is not None
    queries.release_booking(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id, now=ctx.now)
    # A closed request takes no more drafts, so its guests' links (``handlers.guests``) end with it.
    queries.revoke_guest_links(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id, now=ctx.now)
    for place in queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id):
        notify.cancel_reminders(ctx, volunteer_id=place.id)
        if place.state is VolunteerState.ACTIVE and place.member_id != ctx.actor_id:
            member = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=place.member_id)
            notify.to_user(
                ctx,
                user_id=member.user_id,
                notice=Notice(
                    t(
                        texts.REQUEST_CLOSED_NOTICE,
                        owner=UserRef(ctx.actor.user_id),
                        number=request.number,
                        title=request.title,
                    )
                ),
                key=f"closed:{request.id}:{place.id}",
                request=request,
            )
    notify.refresh_card(ctx, request)
    return Reply.of(t(texts.REQUEST_CLOSED, number=request.number))


def require_owner_or_admin(ctx: Ctx, request: ContentRequest, *, refusal: str) -> None:
    """Refuses anyone but the request's owner or an admin; ``refusal`` (a ``texts.ONLY_OWNER_*`` text) names what
    they tried, so the answer says "can close #3", not "can do that"."""
    if request.owner_id != ctx.actor_id and not ctx.is_admin():
        owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
        raise UserFacingError(t(refusal, owner=UserRef(owner.user_id), number=request.number))
