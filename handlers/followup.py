"""Follow-ups nobody asks for: draft reminders, overdue notices, review nudges, warnings about requests without
enough volunteers and empty publishing slots, reminders before booked slots, and the weekly digest.

``run_follow_ups`` is one pass for one workspace at one moment. It computes what is due *from the database*
(deadlines, offsets, bookings) and queues each message with a dedupe key that names the occasion (e.g.
``remind:draft:<volunteer>:<due date>:d3``), so a pass can run any number of times, in any number of processes,
after any downtime: each message is queued once. Only the latest applicable reminder of a series is sent (after
downtime, "3 days before" is skipped when "1 day before" is already due), and DMs wait for the recipient's
working hours in their own time zone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlmodel import col, select

from handlers import texts
from handlers.calendar import SlotOccurrence, slot_occurrences, slot_ref
from handlers.context import Scope
from handlers.digest import build_digest, digest_due_at
from handlers.guests import release_unopened
from handlers.messages import Address, Channel, DigestMessage, NoticeMessage, Person, RequestThread
from handlers.outcomes import outcome_text, outcomes_of
from handlers.results import (
    Action,
    ActionKind,
    Day,
    Link,
    Moment,
    Notice,
    Param,
    Text,
    UserRef,
    is_forgotten_user_id,
    t,
)
from handlers.schedule import at_local, next_working_moment
from storage import queries
from storage.models import (
    ContentRequest,
    Draft,
    Member,
    OutboxMessage,
    RequestStatus,
    ReviewState,
    SlotBooking,
    Volunteer,
    VolunteerState,
)

OVERDUE_LOOK_BACK = timedelta(days=14)  # an overdue reminder older than this no longer helps anyone
# How long a reminder that could not go out stays worth sending: an overdue one, and an owner's review nudge.
OVERDUE_USEFUL_FOR = timedelta(days=3)
# An empty slot that starts sooner than this after the warning arrives is not worth a warning: too late to fill.
EMPTY_SLOT_MIN_NOTICE = timedelta(hours=12)
NUDGE_USEFUL_FOR = timedelta(days=7)


@dataclass
class FollowUpReport:
    """What one pass queued (or, in a dry run, would have queued), by kind of follow-up."""

    queued: list[queries.NewMessage] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        return Counter(_kind_of(m.dedupe_key) for m in self.queued)


def _kind_of(key: str) -> str:
    """``remind:draft:…`` → ``remind:draft``; ``digest:<time>:<part>`` → ``digest``."""
    first, _, rest = key.partition(":")
    return f"{first}:{rest.split(':', 1)[0]}" if first in ("remind", "warn", "nudge", "overdue") else first


def run_follow_ups(scope: Scope) -> FollowUpReport:
    """Queues every follow-up that is due now in this workspace and was not queued before."""
    # First, before anyone is reminded: guests who never opened their invitation give their place back.
    release_unopened(scope)
    planned = [
        *_draft_reminders(scope),
        *_review_nudges(scope),
        *_unfilled_warnings(scope),
        *_slot_reminders(scope),
        *_empty_slot_warnings(scope),
        *_results_back(scope),
        *_digest(scope),
    ]
    # Posts into channels and threads are queued before the DMs (a stable sort: each kind keeps its order). Slack
    # takes about one post a second per channel, so a channel's posts take longest to go out; queued behind a
    # thousand DMs they only started once those were sent (bench/bench_fanout.py).
    planned.sort(key=lambda message: "user" in message.payload.get("to", {}))
    # Nobody whose personal data was erased is reminded or nudged (their places were given up, but a request they
    # own, or a draft of theirs, can still be due).
    planned = [m for m in planned if not is_forgotten_user_id(str(m.payload.get("to", {}).get("user", "")))]
    added = queries.enqueue_many(
        session=scope.session, workspace_id=scope.workspace_id, messages=planned, now=scope.now
    )
    return FollowUpReport(queued=added)


# --- helpers ------------------------------------------------------------------------------------------------


def member_zone(scope: Scope, member: Member) -> ZoneInfo:
    """The member's own time zone (from their Slack profile), else the workspace's."""
    return _zone(scope, member.tz)


def _zone(scope: Scope, tz: str | None) -> ZoneInfo:
    if tz:
        try:
            return ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return scope.policy.timezone


def _dm(
    scope: Scope,
    *,
    key: str,
    to: Member,
    notice: Notice,
    request_id: int | None,
    not_after: datetime | None = None,
    expires_at: datetime | None = None,
) -> queries.NewMessage:
    """A DM queued for the recipient's next working moment (but never later than ``not_after``), dropped unsent
    after ``expires_at``."""
    return queries.NewMessage(
        dedupe_key=key,
        kind=NoticeMessage.kind,
        request_id=request_id,
        payload=NoticeMessage(Person(to.user_id), notice).to_json(),
        not_before=_dm_time(scope, to=to, not_after=not_after),
        expires_at=expires_at,
    )


def _dm_time(scope: Scope, *, to: Member, not_after: datetime | None = None) -> datetime:
    """When a DM queued now reaches ``to``: at their next working moment, but never later than ``not_after``."""
    when = _arrival(scope, member_zone(scope, to))
    return scope.now if not_after is not None and when > not_after else when


def _arrival(scope: Scope, tz: ZoneInfo) -> datetime:
    """When a DM queued now reaches someone in ``tz``: at their next working moment."""
    return next_working_moment(scope.now, tz, scope.policy.follow_up.working_hours)


def _post(
    scope: Scope,
    *,
    key: str,
    to: Address,
    notice: Notice,
    request_id: int | None,
    expires_at: datetime | None = None,
) -> queries.NewMessage:
    return queries.NewMessage(
        dedupe_key=key,
        kind=NoticeMessage.kind,
        request_id=request_id,
        payload=NoticeMessage(to, notice).to_json(),
        not_before=scope.now,
        expires_at=expires_at,
    )


def _members(scope: Scope, ids: set[int]) -> dict[int, Member]:
    return queries.get_members_by_ids(session=scope.session, workspace_id=scope.workspace_id, member_ids=ids)


# --- draft reminders ----------------------------------------------------------------------------------------


def _draft_reminders(scope: Scope) -> Iterator[queries.NewMessage]:
    follow = scope.policy.follow_up
    if not follow.draft_days_before and not follow.overdue_reminder:
        return
    today = scope.today()
    window_start = today - OVERDUE_LOOK_BACK - timedelta(days=1)
    window_end = today + timedelta(days=max(follow.draft_days_before, default=0) + 1)
    places = _places_due_between(scope, window_start, window_end)
    zones = _zones(scope, {place.member_id for place in places})
    due_now = list(_current_reminders(scope, places, zones))
    # Almost every tick finds the reminders due that an earlier tick queued: the schedule is worked out from a few
    # plain columns, their keys are looked up in one query, and only what is not queued yet is loaded and built
    # (``enqueue_many`` would drop the rest), which keeps the tick that runs every minute cheap.
    queued = queries.queued_keys(
        session=scope.session,
        workspace_id=scope.workspace_id,
        keys=[key for reminder in due_now for key in (reminder.key, reminder.owner_key)],
    )
    to_build = [
        reminder
        for reminder in due_now
        if (reminder.place.reminded and reminder.key not in queued)
        or (reminder.label == "overdue" and reminder.owner_key not in queued)
    ]
    if not to_build:
        return
    people = _members(scope, {r.place.member_id for r in to_build} | {r.place.owner_id for r in to_build})
    requests = queries.get_requests_by_ids(
        session=scope.session, workspace_id=scope.workspace_id, request_ids={r.place.request_id for r in to_build}
    )
    for reminder in to_build:
        place, due = reminder.place, reminder.due
        request, member, owner = requests[place.request_id], people[place.member_id], people[place.owner_id]
        if member.reminders_enabled and place.reminded and reminder.key not in queued:
            yield _dm(
                scope,
                key=reminder.key,
                to=member,
                notice=_draft_reminder_notice(
                    request,
                    due=due,
                    label=reminder.label,
                    owner=owner.user_id,
                    # Counted from the day it arrives (a reminder held over a weekend says so correctly).
                    days_left=(due - _dm_time(scope, to=member).astimezone(member_zone(scope, member)).date()).days,
                ),
                request_id=request.id,
                expires_at=reminder.expires_at,
            )
        if reminder.label == "overdue" and reminder.owner_key not in queued:
            yield _dm(
                scope,
                key=reminder.owner_key,
                to=owner,
                notice=Notice(
                    t(
                        texts.OWNER_OVERDUE,
                        user=UserRef(member.user_id),
                        number=request.number,
                        title=request.title,
                        deadline=Day(due),
                    )
                ),
                request_id=request.id,
                expires_at=reminder.expires_at,
            )


@dataclass(frozen=True)
class _Place:
    """The columns of a place that its reminder schedule depends on."""

    id: int
    request_id: int
    member_id: int
    owner_id: int
    due: date  # the person's own due date, else the request's draft deadline
    reminded: bool = True  # False once reminders about this place were stopped (a guest's one-click stop)


@dataclass(frozen=True)
class _DueReminder:
    place: _Place
    label: str  # "d3", "d1", "overdue"
    expires_at: datetime  # when the next reminder is due (or the deadline has passed): this one is stale then

    @property
    def due(self) -> date:
        return self.place.due

    @property
    def key(self) -> str:
        return f"remind:draft:{self.place.id}:{self.due.isoformat()}:{self.label}"

    @property
    def owner_key(self) -> str:
        return f"overdue:owner:{self.place.id}:{self.due.isoformat()}"


def _zones(scope: Scope, member_ids: set[int]) -> dict[int, ZoneInfo]:
    """Each member's time zone (``member_zone``), read without loading the members."""
    rows = queries.time_zones_of_members(session=scope.session, workspace_id=scope.workspace_id, member_ids=member_ids)
    return {member_id: _zone(scope, tz) for member_id, tz in rows.items()}


def _current_reminders(scope: Scope, places: Sequence[_Place], zones: dict[int, ZoneInfo]) -> Iterator[_DueReminder]:
    """The places whose latest reminder is due now (and not stale or about to be overtaken by the next one).
    Which one that is depends only on the due date and the time zone, which hundreds of places share: each pair
    is worked out once."""
    labels: dict[tuple[date, ZoneInfo], tuple[str, datetime] | None] = {}
    for place in places:
        step = (place.due, zones.get(place.member_id, scope.policy.timezone))
        if step not in labels:
            labels[step] = _latest_reminder(scope, *step)
        found = labels[step]
        if found is not None:
            yield _DueReminder(place=place, label=found[0], expires_at=found[1])


def _latest_reminder(scope: Scope, due: date, tz: ZoneInfo) -> tuple[str, datetime] | None:
    """The label of the reminder for a draft due on ``due`` (to someone in ``tz``) that is due now, if any, and when
    it stops being useful: when the next one is due, else when the deadline has passed (an overdue reminder: a few
    days later)."""
    follow = scope.policy.follow_up
    start = follow.working_hours.start
    series: list[tuple[str, datetime]] = [
        (f"d{days}", at_local(due - timedelta(days=days), start, tz))
        for days in sorted(set(follow.draft_days_before), reverse=True)
    ]
    if follow.overdue_reminder:
        series.append(("overdue", at_local(due + timedelta(days=1), start, tz)))
    current = [(label, moment) for label, moment in series if moment <= scope.now]
    if not current:
        return None
    label, moment = current[-1]  # only the latest one: earlier ones are stale after downtime
    if label == "overdue" and scope.now - moment > OVERDUE_LOOK_BACK:
        return None
    if len(current) < len(series) and series[len(current)][1] <= _arrival(scope, tz):
        return None  # held past the next reminder's time (a weekend): it would arrive stale, next to that one
    if len(current) < len(series):
        return label, series[len(current)][1]
    if label == "overdue":  # useful for a few days from when it arrives (Monday, for one due on Friday evening)
        return label, max(moment, _arrival(scope, tz)) + OVERDUE_USEFUL_FOR
    return label, at_local(due + timedelta(days=1), time(0, 0), tz)


def _draft_reminder_notice(request: ContentRequest, *, due: date, label: str, owner: str, days_left: int) -> Notice:
    common: dict[str, Param] = {
        "number": request.number,
        "title": request.title,
        "deadline": Day(due),
        "owner": UserRef(owner),
    }
    if label == "overdue":
        text = Text(texts.REMINDER_DRAFT_OVERDUE, common)
    elif days_left <= 0:
        text = Text(texts.REMINDER_DRAFT_TODAY, common)
    elif days_left == 1:
        text = Text(texts.REMINDER_DRAFT_TOMORROW, common)
    else:
        text = Text(texts.REMINDER_DRAFT_SOON, {**common, "days": days_left})
    number = str(request.number)
    return Notice(
        text,
        actions=(
            Action(ActionKind.SUBMIT_DRAFT, number, texts.BUTTON_SUBMIT, "primary"),
            Action(ActionKind.NEED_MORE_TIME, number, texts.BUTTON_NEED_TIME),
            Action(ActionKind.WITHDRAW, number, texts.BUTTON_WITHDRAW),
        ),
    )


def _places_due_between(scope: Scope, start: date, end: date) -> list[_Place]:
    """Active volunteers without a draft on open requests whose (personal or request) deadline is in range.
    Two index-backed queries: by the request's deadline, and by a personal due date."""
    base = (
        sa.select(
            col(Volunteer.id),
            col(Volunteer.request_id),
            col(Volunteer.member_id),
            col(ContentRequest.owner_id),
            col(Volunteer.due_date),
            col(ContentRequest.draft_deadline),
            col(Volunteer.reminders_stopped_at),
        )
        .join(ContentRequest, col(ContentRequest.id) == col(Volunteer.request_id))
        .where(
            col(Volunteer.workspace_id) == scope.workspace_id,
            col(ContentRequest.workspace_id) == scope.workspace_id,
            col(ContentRequest.status) == RequestStatus.OPEN,
            col(Volunteer.state) == VolunteerState.ACTIVE,
            col(Volunteer.review_state) == ReviewState.NO_DRAFT,
        )
    )
    by_request = scope.session.execute(
        base.where(
            col(Volunteer.due_date).is_(None),
            col(ContentRequest.draft_deadline) >= start,
            col(ContentRequest.draft_deadline) <= end,
        )
    ).all()
    by_person = scope.session.execute(
        base.where(col(Volunteer.due_date) >= start, col(Volunteer.due_date) <= end)
    ).all()
    return [
        _Place(
            id=place_id,
            request_id=request_id,
            member_id=member_id,
            owner_id=owner_id,
            due=own or deadline,
            reminded=stopped is None,
        )
        for place_id, request_id, member_id, owner_id, own, deadline, stopped in [*by_request, *by_person]
    ]


# --- owner nudges and warnings ------------------------------------------------------------------------------


def _review_nudges(scope: Scope) -> Iterator[queries.NewMessage]:
    hours = scope.policy.follow_up.review_nudge_hours
    if hours <= 0:
        return
    limit = scope.now - timedelta(hours=hours)
    latest = sa.orm.aliased(Draft)
    # All in one query: the latest draft of every active volunteer whose draft waits on an open request, handed
    # in before ``limit`` and not nudged about yet (its nudge's dedupe key is not in the outbox). The tick that
    # runs every minute thus loads and builds nothing that ``enqueue_many`` would only drop.
    overdue = scope.session.exec(
        select(Volunteer, ContentRequest, Draft)
        .join(ContentRequest, col(ContentRequest.id) == col(Volunteer.request_id))
        .join(Draft, col(Draft.volunteer_id) == col(Volunteer.id))
        .where(
            Volunteer.workspace_id == scope.workspace_id,
            Volunteer.review_state == ReviewState.SUBMITTED,
            Volunteer.state == VolunteerState.ACTIVE,
            ContentRequest.workspace_id == scope.workspace_id,  # so the open requests come from their index
            ContentRequest.status == RequestStatus.OPEN,
            col(Draft.id)
            == sa.select(sa.func.max(col(latest.id)))
            .where(col(latest.workspace_id) == scope.workspace_id, col(latest.volunteer_id) == col(Volunteer.id))
            .scalar_subquery(),
            col(Draft.created_at) <= limit,
            ~sa.exists().where(
                col(OutboxMessage.workspace_id) == scope.workspace_id,
                col(OutboxMessage.dedupe_key) == sa.literal("nudge:review:") + sa.cast(col(Draft.id), sa.String),
            ),
        )
    ).all()
    if not overdue:
        return
    people = _members(scope, {v.member_id for v, _, _ in overdue} | {r.owner_id for _, r, _ in overdue})
    for place, request, draft in overdue:
        waited = int((scope.now - draft.created_at).total_seconds() // 3600)
        yield _dm(
            scope,
            key=f"nudge:review:{draft.id}",
            to=people[request.owner_id],
            notice=Notice(
                t(
                    texts.OWNER_REVIEW_NUDGE,
                    user=UserRef(people[place.member_id].user_id),
                    version=draft.version,
                    number=request.number,
                    title=request.title,
                    hours=waited,
                    count=waited,
                ),
                quote=draft.text,
                link=draft.url,
                actions=(
                    Action(ActionKind.APPROVE_DRAFT, str(draft.id), texts.BUTTON_APPROVE, "primary"),
                    Action(ActionKind.REQUEST_CHANGES, str(draft.id), texts.BUTTON_CHANGES),
                ),
            ),
            request_id=request.id,
            expires_at=scope.now + NUDGE_USEFUL_FOR,
        )


def _unfilled_warnings(scope: Scope) -> Iterator[queries.NewMessage]:
    days = scope.policy.follow_up.unfilled_warning_days
    if days <= 0:
        return
    today = scope.today()
    requests = scope.session.exec(
        select(ContentRequest).where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.OPEN,
            col(ContentRequest.draft_deadline) >= today,
            col(ContentRequest.draft_deadline) <= today + timedelta(days=days),
            col(ContentRequest.card_ts).is_not(None),
        )
    ).all()
    if not requests:
        return
    capacity = queries.capacities_of_requests(session=scope.session, workspace_id=scope.workspace_id, requests=requests)
    taken = queries.count_active_places(
        session=scope.session, workspace_id=scope.workspace_id, request_ids=[r.id for r in requests if r.id]
    )
    for request in requests:
        assert request.id is not None
        missing = capacity[request.id] - taken[request.id]
        if missing <= 0:
            continue
        yield _post(
            scope,
            key=f"warn:unfilled:{request.id}:{request.draft_deadline.isoformat()}",
            to=RequestThread(request.id),
            notice=Notice(
                t(
                    texts.UNFILLED_WARNING,
                    number=request.number,
                    title=request.title,
                    missing=missing,
                    deadline=Day(request.draft_deadline),
                )
            ),
            request_id=request.id,
            expires_at=at_local(request.draft_deadline + timedelta(days=1), time(0, 0), scope.policy.timezone),
        )


# --- publishing calendar ------------------------------------------------------------------------------------


def _slot_reminders(scope: Scope) -> Iterator[queries.NewMessage]:
    hours = sorted(set(scope.policy.follow_up.slot_hours_before), reverse=True)
    if not hours:
        return
    bookings = scope.session.exec(
        select(SlotBooking, ContentRequest)
        .join(ContentRequest, col(ContentRequest.id) == col(SlotBooking.request_id))
        .where(
            SlotBooking.workspace_id == scope.workspace_id,
            col(SlotBooking.starts_at) > scope.now,
            col(SlotBooking.starts_at) <= scope.now + timedelta(hours=hours[0]),
            ContentRequest.status == RequestStatus.APPROVED,
        )
    ).all()
    people = _members(scope, {r.owner_id for _, r in bookings})
    for booking, request in bookings:
        starts = booking.starts_at.astimezone(UTC)
        current = [h for h in hours if starts - timedelta(hours=h) <= scope.now]
        if not current:
            continue
        latest = current[-1]
        owner, not_after = people[request.owner_id], starts - timedelta(minutes=5)
        if len(current) < len(hours) and starts - timedelta(hours=hours[len(current)]) <= _dm_time(
            scope, to=owner, not_after=not_after
        ):
            continue  # held until the next reminder's time anyway: that one is sent instead of both
        yield _dm(
            scope,
            key=f"remind:slot:{booking.id}:{starts.isoformat()}:{latest}h",
            to=owner,
            notice=Notice(
                t(
                    texts.SLOT_REMINDER,
                    number=request.number,
                    title=request.title,
                    slot=booking.slot_name,
                    when=Moment(starts),
                )
            ),
            request_id=request.id,
            not_after=not_after,
            expires_at=starts,
        )


def _empty_slot_warnings(scope: Scope) -> Iterator[queries.NewMessage]:
    """At most one warning a day per channel (or admin) that lists the empty slots of the coming days not named in
    an earlier warning. A slot is named once; one that starts within ``EMPTY_SLOT_MIN_NOTICE`` of the warning's
    arrival is left out, as nobody can fill it in time."""
    follow = scope.policy.follow_up
    if follow.empty_slot_warning_days <= 0:
        return
    now = scope.now
    arrives = _arrival(scope, scope.policy.timezone)
    coming = slot_occurrences(
        scope, start=arrives + EMPTY_SLOT_MIN_NOTICE, end=scope.now + timedelta(days=follow.empty_slot_warning_days)
    )
    empty = [o for o in coming if o.booking is None]
    if not empty:
        return
    targets: list[Channel | Member] = (
        [Channel(follow.digest_channel)] if follow.digest_channel else list(_admin_members(scope))
    )
    day = scope.today().isoformat()
    daily = {_target_name(target): f"warn:emptyslot:{_target_name(target)}:{day}" for target in targets}
    queued = queries.queued_keys(session=scope.session, workspace_id=scope.workspace_id, keys=list(daily.values()))
    targets = [target for target in targets if daily[_target_name(target)] not in queued]
    if not targets:
        return
    marks = {
        (_target_name(target), o): f"emptyslot:{_target_name(target)}:{o.name}:{o.starts_at.isoformat()}"
        for target in targets
        for o in empty
    }
    named = queries.seen_events(session=scope.session, workspace_id=scope.workspace_id, event_ids=list(marks.values()))
    for target in targets:
        name = _target_name(target)
        new = [o for o in empty if marks[(name, o)] not in named]
        if not new:
            continue
        for occurrence in new:
            mark = marks[(name, occurrence)]
            queries.record_event_once(session=scope.session, workspace_id=scope.workspace_id, event_id=mark, now=now)
        notice = Notice(_empty_slots_text(scope, new))
        expires = new[-1].starts_at
        if isinstance(target, Member):
            yield _dm(scope, key=daily[name], to=target, notice=notice, request_id=None, expires_at=expires)
        else:
            yield queries.NewMessage(
                dedupe_key=daily[name],
                kind=NoticeMessage.kind,
                request_id=None,
                payload=NoticeMessage(target, notice).to_json(),
                not_before=arrives,
                expires_at=expires,
            )


def _target_name(target: Channel | Member) -> str:
    return target.user_id if isinstance(target, Member) else target.channel_id


def _empty_slots_text(scope: Scope, slots: Sequence[SlotOccurrence]) -> Text:
    """One slot in a sentence; several as a list, each with the words that book it."""
    if len(slots) == 1:
        [only] = slots
        return t(texts.EMPTY_SLOT_WARNING, slot=only.name, when=Moment(only.starts_at), ref=slot_ref(scope, only))
    lines: Text = t(texts.EMPTY_SLOTS_WARNING, count=len(slots))
    for occurrence in slots:
        line = t(
            texts.EMPTY_SLOTS_LINE,
            slot=occurrence.name,
            when=Moment(occurrence.starts_at),
            ref=slot_ref(scope, occurrence),
        )
        lines = t(texts.LINES, above=lines, below=line)
    return lines


def _admin_members(scope: Scope) -> list[Member]:
    if not scope.policy.admins:
        return []
    return list(
        scope.session.exec(
            select(Member).where(
                Member.workspace_id == scope.workspace_id, col(Member.user_id).in_(sorted(scope.policy.admins))
            )
        ).all()
    )


# --- results back to the people who helped -----------------------------------------------------------------

# A note about a piece published longer ago than its day plus this is not sent any more: after a long downtime, or
# when the notes are first switched on, people do not get thanked for last year's work all at once.
RESULTS_BACK_LOOK_BACK = timedelta(days=14)


def _results_back(scope: Scope) -> Iterator[queries.NewMessage]:
    """``results_back_days`` after a piece was published, everyone who handed in a draft for it (but its owner,
    and those who turned the notes off) is thanked with where it was published and what it earned so far. Each
    note has its own dedupe key (``results:<request>:<member>``), so it is queued once, whichever pass gets there."""
    days = scope.policy.follow_up.results_back_days
    if days <= 0:
        return
    due_before = scope.now - timedelta(days=days)
    pieces = scope.session.exec(
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.PUBLISHED,
            col(ContentRequest.published_at) <= due_before,
            col(ContentRequest.published_at) > due_before - RESULTS_BACK_LOOK_BACK,
        )
        .order_by(col(ContentRequest.published_at))
    ).all()
    if not pieces:
        return
    helpers = scope.session.execute(
        sa.select(col(Draft.request_id), col(Draft.member_id))
        .where(
            col(Draft.workspace_id) == scope.workspace_id,
            col(Draft.request_id).in_([piece.id for piece in pieces]),
        )
        .distinct()
    ).all()
    by_id = {piece.id: piece for piece in pieces}
    notes = {
        f"results:{request_id}:{member_id}": (request_id, member_id)
        for request_id, member_id in helpers
        if member_id != by_id[request_id].owner_id
    }
    keys = list(notes)
    # A note once queued is in the outbox; one left out (its helper had turned the notes off) is recorded as an
    # event, so turning them on again later does not bring a late note about that piece.
    done = queries.queued_keys(session=scope.session, workspace_id=scope.workspace_id, keys=keys)
    done |= queries.seen_events(session=scope.session, workspace_id=scope.workspace_id, event_ids=keys)
    notes = {key: note for key, note in notes.items() if key not in done}
    if not notes:
        return
    people = _members(scope, {member_id for _, member_id in notes.values()})
    outcomes = outcomes_of(
        session=scope.session, workspace_id=scope.workspace_id, request_ids={r for r, _ in notes.values()}
    )
    for key, (request_id, member_id) in sorted(notes.items(), key=lambda item: item[1]):
        member, piece = people.get(member_id), by_id[request_id]
        if member is None or member.forgotten_at is not None:
            continue
        if not member.results_notes_enabled:
            queries.record_event_once(
                session=scope.session, workspace_id=scope.workspace_id, event_id=key, now=scope.now
            )
            continue
        assert piece.published_at is not None
        results = outcome_text(outcomes[request_id])
        params: dict[str, Param] = {
            "title": piece.title,
            "url": Link(piece.published_url or ""),
            "count": max(1, (scope.now - piece.published_at).days),
        }
        if results is None:
            text = Text(texts.RESULTS_NOTE_NOTHING_COUNTED, params)
        else:
            text = Text(texts.RESULTS_NOTE, {**params, "results": results})
        yield _dm(
            scope,
            key=key,
            to=member,
            notice=Notice(text),
            # A guest's e-mail tells of the request it is about, with its draft deadline: past and beside the point
            # in a thank-you. Without one the e-mail is the note alone.
            request_id=None if member.is_guest else request_id,
            expires_at=scope.now + NUDGE_USEFUL_FOR,
        )


# --- digest -------------------------------------------------------------------------------------------------


def _digest(scope: Scope) -> Iterator[queries.NewMessage]:
    channel = scope.policy.follow_up.digest_channel
    if not channel:
        return
    due_at = digest_due_at(scope)
    if due_at is None:
        return
    occasion = f"digest:{due_at.isoformat()}:"
    queued = scope.session.exec(
        select(OutboxMessage.id).where(
            OutboxMessage.workspace_id == scope.workspace_id,
            col(OutboxMessage.dedupe_key).startswith(occasion, autoescape=True),
        )
    ).first()
    if queued is not None:  # this week's digest went out; one that grew since must not get a late "continued"
        return
    for index, part in enumerate(build_digest(scope)):
        yield queries.NewMessage(
            dedupe_key=f"{occasion}{index}",
            kind=DigestMessage.kind,
            payload=DigestMessage(Channel(channel), part).to_json(),
            not_before=scope.now,
            # "This week" is this week's: a digest that could not go out on its day is not posted days later.
            expires_at=at_local(scope.today() + timedelta(days=1), time(0, 0), scope.policy.timezone),
        )
