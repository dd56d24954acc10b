"""The publishing calendar: recurring slots from ``app.yaml`` and one-off slots added by command, booking an
approved request into a slot (a slot holds one piece), marking it published, and deriving the next variant.

A recurring slot's occurrences are computed, not stored; only bookings (and one-off slots) are rows. A slot is
named by people as ``<name> <YYYY-MM-DD>`` (plus ``HH:MM`` when it runs twice that day), in the workspace's time
zone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select

from handlers import notify, texts, tracking
from handlers.cards import STATUS_TEXTS, require_request
from handlers.context import Ctx, Scope
from handlers.dates import format_moment
from handlers.parsing import is_clock_time, parse_day, parse_time, split_trailing_day, within_horizon
from handlers.requests import (
    NewRequest,
    RequestPrefill,
    create_request,
    post_request_from_form,
    require_owner_or_admin,
)
from handlers.results import (
    Action,
    ActionKind,
    Link,
    Moment,
    Notice,
    Param,
    Reply,
    Text,
    UserFacingError,
    UserRef,
    is_forgotten_user_id,
    t,
)
from handlers.schedule import at_local, occurrences, slot_trigger
from handlers.signoff import missing_sign_offs, missing_text
from storage import queries
from storage.models import ContentRequest, Draft, PublishingSlot, RequestStatus, SlotBooking

SLOT_NAME_LIMIT = 60
LIST_DAYS = 21
FREE_SLOT_BUTTONS = 10


@dataclass(frozen=True)
class SlotOccurrence:
    name: str
    starts_at: datetime  # UTC
    booking: SlotBooking | None = None
    request: ContentRequest | None = None


def slot_occurrences(scope: Scope, *, start: datetime, end: datetime) -> list[SlotOccurrence]:
    """Every slot occurrence in [start, end), recurring and one-off, with its booking if it has one."""
    found: dict[tuple[str, datetime], SlotOccurrence] = {}
    for slot in scope.policy.follow_up.slots:
        for fire in occurrences(slot_trigger(slot, scope.policy.timezone), start=start, end=end):
            found[(slot.name, fire)] = SlotOccurrence(slot.name, fire)
    one_offs = scope.session.exec(
        select(PublishingSlot).where(
            PublishingSlot.workspace_id == scope.workspace_id,
            col(PublishingSlot.starts_at) >= start,
            col(PublishingSlot.starts_at) < end,
        )
    ).all()
    for row in one_offs:
        moment = row.starts_at.astimezone(UTC)
        found[(row.name, moment)] = SlotOccurrence(row.name, moment)
    bookings = scope.session.exec(
        select(SlotBooking, ContentRequest)
        .join(ContentRequest, col(ContentRequest.id) == col(SlotBooking.request_id))
        .where(
            SlotBooking.workspace_id == scope.workspace_id,
            col(SlotBooking.starts_at) >= start,
            col(SlotBooking.starts_at) < end,
        )
    ).all()
    for booking, request in bookings:
        moment = booking.starts_at.astimezone(UTC)
        # A booking stays visible even if its recurring slot was later removed from app.yaml.
        found[(booking.slot_name, moment)] = SlotOccurrence(booking.slot_name, moment, booking, request)
    return sorted(found.values(), key=lambda o: (o.starts_at, o.name))


def slot_ref(scope: Scope, occurrence: SlotOccurrence) -> str:
    """How a person names this occurrence in `/cocreate book`: name and local day (and time if needed)."""
    local = occurrence.starts_at.astimezone(scope.policy.timezone)
    day = local.date()
    same_day = [
        o
        for o in slot_occurrences(
            scope,
            start=at_local(day, time(0, 0), scope.policy.timezone),
            end=at_local(day + timedelta(days=1), time(0, 0), scope.policy.timezone),
        )
        if o.name.casefold() == occurrence.name.casefold()
    ]
    ref = f"{occurrence.name} {day.isoformat()}"
    return ref + (f" {local.strftime('%H:%M')}" if len(same_day) > 1 else "")


def list_slots(ctx: Ctx) -> Reply:
    """Show the coming publishing slots, free and booked."""
    coming = slot_occurrences(ctx, start=ctx.now, end=ctx.now + timedelta(days=LIST_DAYS))
    if not coming:
        example = (ctx.today() + timedelta(days=7)).isoformat()
        return Reply.of(t(texts.SLOTS_EMPTY, days=LIST_DAYS, example=example))
    lines = [t(texts.SLOTS_HEADER, days=LIST_DAYS)]
    for occurrence in coming:
        if occurrence.request is not None:
            lines.append(
                t(
                    texts.SLOT_BOOKED,
                    when=Moment(occurrence.starts_at),
                    slot=occurrence.name,
                    number=occurrence.request.number,
                    title=occurrence.request.title,
                )
            )
        else:
            lines.append(
                t(
                    texts.SLOT_FREE,
                    when=Moment(occurrence.starts_at),
                    slot=occurrence.name,
                    ref=slot_ref(ctx, occurrence),
                )
            )
    return Reply(tuple(lines))


def add_slot(ctx: Ctx, *, name: str, day: str, at: str) -> Reply:
    """Add a one-off publishing slot (anyone who may post requests)."""
    example = (ctx.today() + timedelta(days=7)).isoformat()
    name = name.strip()
    if not ctx.policy.may_create(ctx.actor.user_id):
        raise UserFacingError(t(texts.NOT_ALLOWED_TO_CREATE, admins=", ".join(sorted(ctx.policy.admins)) or "—"))
    if not name:
        raise UserFacingError(t(texts.USAGE_SLOT_ADD, example=example))
    if len(name) > SLOT_NAME_LIMIT:
        raise UserFacingError(t(texts.SLOT_NAME_TOO_LONG, limit=SLOT_NAME_LIMIT))
    on = within_horizon(parse_day(day, today=ctx.today(), example=example), today=ctx.today())
    moment = at_local(on, parse_time(at), ctx.policy.timezone)
    if moment <= ctx.now:
        raise UserFacingError(t(texts.SLOT_IN_PAST))
    existing = [
        o
        for o in slot_occurrences(ctx, start=moment, end=moment + timedelta(minutes=1))
        if o.name.casefold() == name.casefold()
    ]
    if existing:
        raise UserFacingError(t(texts.SLOT_EXISTS, slot=name, when=Moment(moment)))
    ctx.session.add(
        PublishingSlot(
            workspace_id=ctx.workspace_id, name=name, starts_at=moment, created_by_id=ctx.actor_id, created_at=ctx.now
        )
    )
    return Reply.of(t(texts.SLOT_ADDED, slot=name, when=Moment(moment)))


def book_slot(ctx: Ctx, *, number: int, slot: str) -> Reply:
    """Book an approved request into a publishing slot: `<slot name> <day> [HH:MM]`, the day as
    ``handlers.parsing.parse_day`` reads it (owner or admin)."""
    example = (ctx.today() + timedelta(days=7)).isoformat()
    words = slot.split()
    at: time | None = None
    if words and is_clock_time(words[-1]):
        at = parse_time(words.pop())
    if len(words) < 2:
        raise UserFacingError(t(texts.USAGE_BOOK, example=example))
    name_words, day_text = split_trailing_day(words, today=ctx.today())
    try:
        day = within_horizon(parse_day(day_text, today=ctx.today(), example=example), today=ctx.today())
    except UserFacingError:
        if any(c.isdigit() for c in day_text):
            raise  # a day mistyped: its own hint
        raise UserFacingError(t(texts.USAGE_BOOK, example=example)) from None
    name = " ".join(name_words)
    tz = ctx.policy.timezone
    candidates = [
        o
        for o in slot_occurrences(
            ctx, start=at_local(day, time(0, 0), tz), end=at_local(day + timedelta(days=1), time(0, 0), tz)
        )
        if o.name.casefold() == name.casefold()
        and (at is None or o.starts_at.astimezone(tz).time().replace(second=0, microsecond=0) == at)
    ]
    if not candidates:
        raise UserFacingError(t(texts.SLOT_NOT_FOUND, slot=name, day=day.isoformat()))
    if len(candidates) > 1:
        raise UserFacingError(
            t(texts.SLOT_AMBIGUOUS, slot=name, day=day.isoformat(), number=number, ref=f"{name} {day}")
        )
    return _book(ctx, number=number, occurrence=candidates[0])


def book_from_button(ctx: Ctx, *, value: str) -> Reply:
    """The Book button under a free slot: ``<number>|<slot name>|<ISO start>``."""
    number_text, name, start = [*value.split("|", 2), "", ""][:3]
    try:
        moment = datetime.fromisoformat(start).astimezone(UTC)
    except (ValueError, OverflowError):
        raise UserFacingError(t(texts.USAGE_BOOK, example=ctx.today().isoformat())) from None
    within_horizon(moment.date(), today=ctx.today())
    matches = [o for o in slot_occurrences(ctx, start=moment, end=moment + timedelta(minutes=1)) if o.name == name]
    if not matches or not number_text.isdigit():
        raise UserFacingError(t(texts.SLOT_NOT_FOUND, slot=name, day=moment.date().isoformat()))
    return _book(ctx, number=int(number_text), occurrence=matches[0])


def book_planned(ctx: Ctx, *, number: int, slot_name: str, starts_at: datetime) -> Reply:
    """Book the slot a content plan names for a request the plan has just posted: as `/cocreate book` books, but
    ahead of approval, since a plan reserves its slots in advance (the reminders to publish wait for approval)."""
    moment = starts_at.astimezone(UTC)
    matches = [
        o
        for o in slot_occurrences(ctx, start=moment, end=moment + timedelta(minutes=1))
        if o.name.casefold() == slot_name.casefold()
    ]
    if not matches:
        day = moment.astimezone(ctx.policy.timezone).date().isoformat()
        raise UserFacingError(t(texts.SLOT_NOT_FOUND, slot=slot_name, day=day))
    return _book(ctx, number=number, occurrence=matches[0], approved_only=False)


def free_slots(ctx: Ctx, *, number: int) -> Reply:
    """The next free slots, each with a Book button (offered when a request is approved)."""
    request = require_request(ctx, number)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_BOOK)
    horizon = ctx.policy.follow_up.slot_horizon_days
    free = [
        o for o in slot_occurrences(ctx, start=ctx.now, end=ctx.now + timedelta(days=horizon)) if o.booking is None
    ][:FREE_SLOT_BUTTONS]
    if not free:
        return Reply.of(t(texts.NO_FREE_SLOTS, count=horizon))
    actions = tuple(
        Action(
            ActionKind.BOOK_SLOT,
            f"{number}|{o.name}|{o.starts_at.isoformat()}",
            Text("{slot} · {when}", {"slot": o.name, "when": _local(ctx, o.starts_at)}),
        )
        for o in free
    )
    return Reply(texts=(t(texts.FREE_SLOTS_HEADER, number=number),), actions=actions)


def _book(ctx: Ctx, *, number: int, occurrence: SlotOccurrence, approved_only: bool = True) -> Reply:
    request = require_request(ctx, number, lock=True)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_BOOK)
    if approved_only and request.status is not RequestStatus.APPROVED:
        raise UserFacingError(t(texts.NOT_APPROVED_YET, number=number, status=t(STATUS_TEXTS[request.status])))
    if occurrence.starts_at <= ctx.now:
        raise UserFacingError(t(texts.SLOT_IN_PAST))
    when = Moment(occurrence.starts_at)
    if occurrence.request is not None:
        if occurrence.request.id == request.id:
            return Reply.of(t(texts.BOOKED, number=number, title=request.title, slot=occurrence.name, when=when))
        raise UserFacingError(t(texts.SLOT_TAKEN, slot=occurrence.name, when=when, taken=occurrence.request.number))
    assert request.id is not None
    existing = queries.booking_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    try:
        with ctx.session.begin_nested():
            if existing is not None:
                existing.slot_name = occurrence.name
                existing.starts_at = occurrence.starts_at
                ctx.session.add(existing)
            else:
                ctx.session.add(
                    SlotBooking(
                        workspace_id=ctx.workspace_id,
                        request_id=request.id,
                        slot_name=occurrence.name,
                        starts_at=occurrence.starts_at,
                        booked_by_id=ctx.actor_id,
                        created_at=ctx.now,
                    )
                )
    except IntegrityError:  # booked by someone else a moment ago
        raise UserFacingError(t(texts.SLOT_TAKEN, slot=occurrence.name, when=when, taken="?")) from None
    notify.refresh_card(ctx, request)  # the card shows the slot it is booked into
    template = texts.REBOOKED if existing is not None else texts.BOOKED
    notify.settle(
        ctx,
        key=f"request:{request.id}:approved",
        outcome=t(texts.SETTLED_BOOKED, user=UserRef(ctx.actor.user_id), slot=occurrence.name, when=when),
    )
    return Reply.of(t(template, number=number, title=request.title, slot=occurrence.name, when=when))


FORCE_REASON_LIMIT = 500


def mark_published(ctx: Ctx, *, number: int, url: str, force_reason: str | None = None) -> Reply:
    """Mark a request published at a URL (owner or admin); everyone who helped is thanked in its thread. While a
    contributor has not signed off their approved version (or withdrew their consent), it is refused, naming them,
    unless ``force_reason`` says why it is published anyway: the reason, who forced it and whose sign-off was
    missing are recorded, and those contributors are told."""
    request = require_request(ctx, number, lock=True)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_PUBLISHED)
    url = url.strip()
    if not re.match(r"^https?://\S+$", url, re.IGNORECASE):
        raise UserFacingError(t(texts.BAD_URL, value=url[:60] or "—"))
    if request.status is RequestStatus.PUBLISHED:
        raise UserFacingError(t(texts.ALREADY_PUBLISHED, number=number))
    if request.status is RequestStatus.CLOSED:
        raise UserFacingError(t(texts.REQUEST_NOT_OPEN, number=number, status=t(STATUS_TEXTS[request.status])))
    missing = missing_sign_offs(ctx, request)
    reason = " ".join((force_reason or "").split())
    if missing and force_reason is None:
        raise UserFacingError(
            t(texts.PUBLISH_MISSING_SIGNOFFS, number=number, people=missing_text(missing), url=url[:2000])
        )
    if force_reason is not None and not reason:
        raise UserFacingError(t(texts.FORCE_REASON_MISSING, number=number))
    if len(reason) > FORCE_REASON_LIMIT:
        raise UserFacingError(t(texts.FORCE_REASON_TOO_LONG, length=len(reason), limit=FORCE_REASON_LIMIT))
    assert request.id is not None
    if missing:
        queries.add_publication_override(
            session=ctx.session,
            workspace_id=ctx.workspace_id,
            request_id=request.id,
            forced_by_id=ctx.actor_id,
            reason=reason,
            missing_member_ids=[m.member.id for m in missing if m.member.id is not None],
            now=ctx.now,
        )
        for item in missing:
            notify.to_user(
                ctx,
                user_id=item.member.user_id,
                notice=Notice(
                    t(
                        texts.PUBLISHED_WITHOUT_YOU_NOTICE,
                        owner=UserRef(ctx.actor.user_id),
                        number=number,
                        title=request.title,
                        reason=reason,
                    )
                ),
                key=f"published:{request.id}:without:{item.member.id}",
                request=request,
            )
    request.status = RequestStatus.PUBLISHED
    request.published_url = url[:2000]
    request.published_at = ctx.now
    request.updated_at = ctx.now
    ctx.session.add(request)
    helpers = contributors(ctx, request)
    text = (
        t(texts.PUBLISHED_THANKS, number=number, title=request.title, url=url, people=people_text(helpers))
        if helpers
        else t(texts.PUBLISHED_THANKS_NOBODY, number=number, title=request.title, url=url)
    )
    notify.to_thread(
        ctx,
        request=request,
        notice=Notice(text, actions=(Action(ActionKind.DERIVE, str(number), texts.BUTTON_DERIVE),)),
        key=f"published:{request.id}",
    )
    assert request.id is not None
    booking = queries.booking_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    if booking is not None:  # published early: the "remember to publish" reminders have done their job
        queries.cancel_pending(
            session=ctx.session, workspace_id=ctx.workspace_id, key_prefix=f"remind:slot:{booking.id}:", now=ctx.now
        )
    link = tracking.create_link(ctx, request)
    notify.refresh_card(ctx, request)
    confirm = t(texts.PUBLISHED_FORCED_CONFIRM if missing else texts.PUBLISHED_CONFIRM, number=number)
    shared = tracking.link_url(ctx.policy.public_url, link.code) if link is not None else None
    if shared is None:
        return Reply.of(confirm)
    return Reply.of(confirm, t(texts.PUBLISHED_TRACKED_LINK, number=number, url=Link(shared)))


def contributors(scope: Scope, request: ContentRequest) -> list[str]:
    """User ids of everyone who handed in a draft for the request, in the order they first did."""
    rows = scope.session.exec(
        select(Draft.member_id)
        .where(Draft.workspace_id == scope.workspace_id, Draft.request_id == request.id)
        .order_by(col(Draft.id))
    ).all()
    ordered = list(dict.fromkeys(rows))
    members = queries.get_members_by_ids(
        session=scope.session, workspace_id=scope.workspace_id, member_ids=set(ordered)
    )
    return [members[m].user_id for m in ordered if m in members]


def derive_hint(ctx: Ctx, *, number: int) -> Reply:
    """What to type to derive the next variant of a request."""
    require_request(ctx, number)
    return Reply.of(t(texts.DERIVE_HINT, number=number))


def derive_prefill(ctx: Ctx, *, number: int) -> RequestPrefill:
    """A form for the next variant of a request, starting from the original's brief, skills and format."""
    origin = require_request(ctx, number)
    return RequestPrefill(
        title=origin.title,
        brief=origin.brief,
        format=origin.format,
        skills=tuple(origin.wanted_skills),
        publish_target=origin.publish_target,
        derived_from=origin.number,
    )


def derive_request(ctx: Ctx, *, number: int, new: NewRequest, from_form: bool = False) -> Reply:
    """Post a new request built on an earlier one (post → article → video); brief, skills and format are kept
    unless given anew."""
    origin = require_request(ctx, number)
    derived = NewRequest(
        title=new.title,
        deadline=new.deadline,
        brief=new.brief or origin.brief,
        format=new.format or origin.format,
        skills=new.skills or tuple(origin.wanted_skills),
        needs=new.needs,
        parts=new.parts,
        publish_target=new.publish_target or origin.publish_target,
        derived_from=origin.number,
    )
    if from_form and ctx.channel_id:
        return post_request_from_form(ctx, derived, channel_id=ctx.channel_id)
    return create_request(ctx, derived, channel_id=ctx.channel_id)


def people_text(user_ids: list[str]) -> Text:
    """A list of mentions as one parameter: each is a ``UserRef`` so every adapter shows names its own way. People
    whose data was erased come last, once: "@Anna, 2 former contributors"."""
    named = [u for u in user_ids if not is_forgotten_user_id(u)]
    forgotten = [u for u in user_ids if is_forgotten_user_id(u)]
    names: dict[str, Param] = {f"p{i}": UserRef(u) for i, u in enumerate(named)}
    if len(forgotten) == 1:
        names["former"] = UserRef(forgotten[0])
    elif forgotten:
        names["former"] = Text(texts.FORMER_CONTRIBUTORS, {"count": len(forgotten)})
    return Text(", ".join("{" + key + "}" for key in names), names)


def _local(ctx: Ctx, moment: datetime) -> str:
    # A button label is plain text everywhere (Slack shows no date token there), so the core writes the moment,
    # in the one format the renderers use for a ``Moment``, for the reader who asked.
    return format_moment(moment, language=ctx.policy.language_of(ctx.actor), timezone=ctx.policy.timezone)
