"""Keyword-only query functions. Each takes the session and the workspace it works in, and filters by it.

Functions here read and write rows; they make no decisions about who may do what (that is ``handlers/``).

The statements that every request runs are built once, at import, with bound parameters (``_p``): building a
``select(...).where(...)`` and working out its cache key costs ~0.2 ms of CPU each time, about twice what running
it on SQLite costs (``bench/profile_requests.py`` measures the per-request cost).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import (
    CalendarFeed,
    ContentRequest,
    Draft,
    ExtensionRequest,
    ExtensionStatus,
    GuestFile,
    GuestLink,
    Member,
    MemberSkill,
    OutboxMessage,
    ProcessedEvent,
    PublicationOverride,
    RequestPart,
    RequestStatus,
    Review,
    ReviewState,
    SignOff,
    SlotBooking,
    TeamsConversation,
    TeamsUser,
    Volunteer,
    VolunteerState,
    Workspace,
)
from storage.trace import traced

_p = sa.bindparam


def _one_of(column: Any, name: str, item: sa.types.TypeEngine[Any]) -> dict[str, sa.ColumnElement[bool]]:
    """``column IN (...)`` for each dialect, with the list bound as ``name``. SQLite expands it into one placeholder
    per item. PostgreSQL takes it as one array (``= ANY(:name)``): with the tick's ~450 keys, psycopg converting
    that many placeholders, and SQLAlchemy rendering them, cost more than running the query
    (``bench/profile_tick.py``)."""
    return {
        "sqlite": column.in_(_p(name, expanding=True)),
        "postgresql": column == sa.any_(_p(name, type_=sa.ARRAY(item))),
    }


def _dialect(session: Session) -> str:
    return "sqlite" if session.get_bind().dialect.name == "sqlite" else "postgresql"


# --- workspaces and members --------------------------------------------------------------------------------

_WORKSPACE = select(Workspace).where(Workspace.platform == _p("platform"), Workspace.external_id == _p("external_id"))
_MEMBER = select(Member).where(Member.workspace_id == _p("workspace_id"), Member.user_id == _p("user_id"))
_MEMBER_BY_ID = select(Member).where(Member.workspace_id == _p("workspace_id"), Member.id == _p("member_id"))
_MEMBERS_BY_IDS = select(Member).where(
    Member.workspace_id == _p("workspace_id"), col(Member.id).in_(_p("member_ids", expanding=True))
)


def find_workspace(*, session: Session, platform: str, external_id: str) -> Workspace | None:
    return session.exec(_WORKSPACE, params={"platform": platform, "external_id": external_id}).first()


def get_or_create_workspace(*, session: Session, platform: str, external_id: str, now: datetime) -> Workspace:
    found = find_workspace(session=session, platform=platform, external_id=external_id)
    if found is not None:
        return found
    workspace = Workspace(platform=platform, external_id=external_id, created_at=now)
    try:
        with session.begin_nested():
            session.add(workspace)
    except IntegrityError:  # created concurrently by another request: use that one
        return session.exec(
            select(Workspace).where(Workspace.platform == platform, Workspace.external_id == external_id)
        ).one()
    return workspace


def get_member(*, session: Session, workspace_id: int, user_id: str) -> Member | None:
    return session.exec(_MEMBER, params={"workspace_id": workspace_id, "user_id": user_id}).first()


def get_or_create_member(
    *, session: Session, workspace_id: int, user_id: str, now: datetime, display_name: str = ""
) -> tuple[Member, bool]:
    """The member with ``user_id``, and whether it was created just now."""
    found = get_member(session=session, workspace_id=workspace_id, user_id=user_id)
    if found is not None:
        if display_name and not found.display_name:
            found.display_name = display_name
            session.add(found)
        return found, False
    member = Member(workspace_id=workspace_id, user_id=user_id, display_name=display_name, created_at=now)
    try:
        with session.begin_nested():
            session.add(member)
    except IntegrityError:
        found = get_member(session=session, workspace_id=workspace_id, user_id=user_id)
        assert found is not None
        return found, False
    return member, True


def known_skills(*, session: Session, workspace_id: int, limit: int = 100) -> list[str]:
    """The skills people in the workspace have said they have, for forms to offer."""
    rows = session.exec(
        select(MemberSkill.skill)
        .where(MemberSkill.workspace_id == workspace_id)
        .distinct()
        .order_by(col(MemberSkill.skill))
        .limit(limit)
    ).all()
    return list(rows)


def find_members_by_name(*, session: Session, workspace_id: int, name: str) -> Sequence[Member]:
    lowered = name.casefold()
    members = session.exec(select(Member).where(Member.workspace_id == workspace_id)).all()
    return [m for m in members if m.display_name.casefold() == lowered]


def member_by_id(*, session: Session, workspace_id: int, member_id: int) -> Member:
    """A member known to exist (referenced by a row of this workspace)."""
    return session.exec(_MEMBER_BY_ID, params={"workspace_id": workspace_id, "member_id": member_id}).one()


def get_members_by_ids(*, session: Session, workspace_id: int, member_ids: set[int]) -> dict[int, Member]:
    if not member_ids:
        return {}
    rows = session.exec(_MEMBERS_BY_IDS, params={"workspace_id": workspace_id, "member_ids": list(member_ids)}).all()
    return {m.id: m for m in rows if m.id is not None}


_TIME_ZONES = {
    dialect: sa.select(col(Member.id), col(Member.tz)).where(col(Member.workspace_id) == _p("workspace_id"), member)
    for dialect, member in _one_of(col(Member.id), "member_ids", sa.Integer()).items()
}


def time_zones_of_members(*, session: Session, workspace_id: int, member_ids: set[int]) -> dict[int, str | None]:
    if not member_ids:
        return {}
    params = {"workspace_id": workspace_id, "member_ids": list(member_ids)}
    return {int(member_id): tz for member_id, tz in session.execute(_TIME_ZONES[_dialect(session)], params).all()}


# --- requests ----------------------------------------------------------------------------------------------


def requests_posted_since(*, session: Session, workspace_id: int, owner_id: int, since: datetime) -> int:
    """How many requests ``owner_id`` posted in this workspace since ``since``."""
    return int(
        session.exec(
            select(sa.func.count())
            .select_from(ContentRequest)
            .where(
                ContentRequest.workspace_id == workspace_id,
                ContentRequest.owner_id == owner_id,
                col(ContentRequest.created_at) >= since,
            )
        ).one()
    )


def allocate_request_number(*, session: Session, workspace_id: int) -> int:
    """The next #number in this workspace; the row lock makes concurrent allocations distinct."""
    number = session.execute(
        sa.update(Workspace)
        .where(col(Workspace.id) == workspace_id)
        .values(last_request_number=Workspace.last_request_number + 1)
        .returning(col(Workspace.last_request_number))
    ).scalar_one()
    return int(number)


_REQUEST_BY_NUMBER = select(ContentRequest).where(
    ContentRequest.workspace_id == _p("workspace_id"), ContentRequest.number == _p("number")
)
# FOR UPDATE on PostgreSQL; SQLAlchemy leaves it out on SQLite, whose writers are serial anyway
_REQUEST_BY_NUMBER_LOCKED = _REQUEST_BY_NUMBER.with_for_update()
_REQUEST = select(ContentRequest).where(
    ContentRequest.workspace_id == _p("workspace_id"), ContentRequest.id == _p("request_id")
)


def get_request_by_number(
    *, session: Session, workspace_id: int, number: int, lock: bool = False
) -> ContentRequest | None:
    query = _REQUEST_BY_NUMBER_LOCKED if lock else _REQUEST_BY_NUMBER
    return session.exec(query, params={"workspace_id": workspace_id, "number": number}).first()


def get_request(*, session: Session, workspace_id: int, request_id: int) -> ContentRequest | None:
    return session.exec(_REQUEST, params={"workspace_id": workspace_id, "request_id": request_id}).first()


_REQUESTS_BY_IDS = select(ContentRequest).where(
    ContentRequest.workspace_id == _p("workspace_id"), col(ContentRequest.id).in_(_p("request_ids", expanding=True))
)


def get_requests_by_ids(*, session: Session, workspace_id: int, request_ids: set[int]) -> dict[int, ContentRequest]:
    if not request_ids:
        return {}
    params = {"workspace_id": workspace_id, "request_ids": list(request_ids)}
    return {r.id: r for r in session.exec(_REQUESTS_BY_IDS, params=params).all() if r.id is not None}


def get_request_by_card(*, session: Session, workspace_id: int, channel_id: str, card_ts: str) -> ContentRequest | None:
    return session.exec(
        select(ContentRequest).where(
            ContentRequest.workspace_id == workspace_id,
            ContentRequest.channel_id == channel_id,
            ContentRequest.card_ts == card_ts,
        )
    ).first()


def set_card_message(*, session: Session, request_id: int, channel_id: str, ts: str, url: str | None = None) -> None:
    """Records where a request's card was posted (and its web link, if any); a card already recorded is left as
    it is."""
    link = url if url and len(url) <= 500 and url.startswith(("https://", "http://")) else None
    session.execute(
        sa.update(ContentRequest)
        .where(col(ContentRequest.id) == request_id, col(ContentRequest.card_ts).is_(None))
        .values(card_ts=ts, channel_id=channel_id, card_url=link)
    )


_COUNT_OPEN = (
    sa.select(sa.func.count())
    .select_from(ContentRequest)
    .where(col(ContentRequest.workspace_id) == _p("workspace_id"), col(ContentRequest.status) == RequestStatus.OPEN)
)
_OPEN_PAGE = (
    select(ContentRequest)
    .where(ContentRequest.workspace_id == _p("workspace_id"), ContentRequest.status == RequestStatus.OPEN)
    .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
    .limit(_p("limit", type_=sa.Integer))
    .offset(_p("offset", type_=sa.Integer))
)


def count_open_requests(*, session: Session, workspace_id: int) -> int:
    return int(session.execute(_COUNT_OPEN, {"workspace_id": workspace_id}).scalar_one())


def list_open_requests(*, session: Session, workspace_id: int, limit: int, offset: int = 0) -> Sequence[ContentRequest]:
    return session.exec(_OPEN_PAGE, params={"workspace_id": workspace_id, "limit": limit, "offset": offset}).all()


def requests_owned_by(
    *, session: Session, workspace_id: int, member_id: int, statuses: Sequence[RequestStatus], limit: int
) -> Sequence[ContentRequest]:
    return session.exec(
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == workspace_id,
            ContentRequest.owner_id == member_id,
            col(ContentRequest.status).in_(statuses),
        )
        .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
        .limit(limit)
    ).all()


def places_of_member(
    *, session: Session, workspace_id: int, member_id: int, limit: int
) -> Sequence[tuple[Volunteer, ContentRequest]]:
    rows = session.exec(
        select(Volunteer, ContentRequest)
        .join(ContentRequest, col(ContentRequest.id) == col(Volunteer.request_id))
        .where(
            Volunteer.workspace_id == workspace_id,
            Volunteer.member_id == member_id,
            Volunteer.state != VolunteerState.WITHDRAWN,
            col(ContentRequest.status).in_([RequestStatus.OPEN, RequestStatus.APPROVED]),
        )
        .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
        .limit(limit)
    ).all()
    return [(v, r) for v, r in rows]


_CAPACITIES = (
    sa.select(col(RequestPart.request_id), sa.func.sum(col(RequestPart.capacity)))
    .where(
        col(RequestPart.workspace_id) == _p("workspace_id"),
        col(RequestPart.request_id).in_(_p("request_ids", expanding=True)),
    )
    .group_by(col(RequestPart.request_id))
)


def capacities_of_requests(
    *, session: Session, workspace_id: int, requests: Sequence[ContentRequest]
) -> dict[int, int]:
    """How many places each request has: the sum of its parts' capacities, else its ``volunteers_needed``."""
    result = {r.id: r.volunteers_needed for r in requests if r.id is not None}
    if not result:
        return result
    rows = session.execute(_CAPACITIES, {"workspace_id": workspace_id, "request_ids": list(result)}).all()
    for request_id, capacity in rows:
        result[int(request_id)] = int(capacity)
    return result


_PARTS = (
    select(RequestPart)
    .where(RequestPart.workspace_id == _p("workspace_id"), RequestPart.request_id == _p("request_id"))
    .order_by(col(RequestPart.position))
)
_LIVE_VOLUNTEERS = (
    select(Volunteer)
    .where(
        Volunteer.workspace_id == _p("workspace_id"),
        Volunteer.request_id == _p("request_id"),
        Volunteer.state != VolunteerState.WITHDRAWN,
    )
    .order_by(col(Volunteer.id))
)
_LIVE_VOLUNTEERS_OF_MANY = (
    select(Volunteer)
    .where(
        Volunteer.workspace_id == _p("workspace_id"),
        col(Volunteer.request_id).in_(_p("request_ids", expanding=True)),
        Volunteer.state != VolunteerState.WITHDRAWN,
    )
    .order_by(col(Volunteer.id))
)


def parts_of_request(*, session: Session, workspace_id: int, request_id: int) -> Sequence[RequestPart]:
    return session.exec(_PARTS, params={"workspace_id": workspace_id, "request_id": request_id}).all()


def live_volunteers(*, session: Session, workspace_id: int, request_id: int) -> Sequence[Volunteer]:
    """Active and waitlisted volunteers of a request, in the order they joined."""
    return session.exec(_LIVE_VOLUNTEERS, params={"workspace_id": workspace_id, "request_id": request_id}).all()


def live_volunteers_for_requests(
    *, session: Session, workspace_id: int, request_ids: Sequence[int]
) -> dict[int, list[Volunteer]]:
    result: dict[int, list[Volunteer]] = {rid: [] for rid in request_ids}
    if not request_ids:
        return result
    rows = session.exec(
        _LIVE_VOLUNTEERS_OF_MANY, params={"workspace_id": workspace_id, "request_ids": list(request_ids)}
    ).all()
    for row in rows:
        result[row.request_id].append(row)
    return result


_ACTIVE_COUNTS = (
    sa.select(col(Volunteer.request_id), sa.func.count())
    .where(
        col(Volunteer.workspace_id) == _p("workspace_id"),
        col(Volunteer.request_id).in_(_p("request_ids", expanding=True)),
        col(Volunteer.state) == VolunteerState.ACTIVE,
    )
    .group_by(col(Volunteer.request_id))
)


def count_active_places(*, session: Session, workspace_id: int, request_ids: Sequence[int]) -> dict[int, int]:
    """How many places of each request are taken (waiting lists not counted); 0 for a request with none."""
    result = dict.fromkeys(request_ids, 0)
    if request_ids:
        params = {"workspace_id": workspace_id, "request_ids": list(request_ids)}
        result.update({int(rid): int(n) for rid, n in session.execute(_ACTIVE_COUNTS, params).all()})
    return result


def count_waiting_reviews(*, session: Session, workspace_id: int, request_ids: Sequence[int]) -> dict[int, int]:
    if not request_ids:
        return {}
    rows = session.execute(
        sa.select(col(Volunteer.request_id), sa.func.count())
        .where(
            col(Volunteer.workspace_id) == workspace_id,
            col(Volunteer.request_id).in_(request_ids),
            col(Volunteer.state) == VolunteerState.ACTIVE,
            col(Volunteer.review_state) == ReviewState.SUBMITTED,
        )
        .group_by(col(Volunteer.request_id))
    ).all()
    return {int(rid): int(n) for rid, n in rows}


def has_withdrawn(*, session: Session, workspace_id: int, request_id: int, member_id: int) -> bool:
    found = session.exec(
        select(Volunteer.id).where(
            Volunteer.workspace_id == workspace_id,
            Volunteer.request_id == request_id,
            Volunteer.member_id == member_id,
            Volunteer.state == VolunteerState.WITHDRAWN,
        )
    ).first()
    return found is not None


def latest_draft(*, session: Session, workspace_id: int, volunteer_id: int) -> Draft | None:
    return session.exec(
        select(Draft)
        .where(Draft.workspace_id == workspace_id, Draft.volunteer_id == volunteer_id)
        .order_by(col(Draft.version).desc())
        .limit(1)
    ).first()


def get_draft(*, session: Session, workspace_id: int, draft_id: int) -> Draft | None:
    return session.exec(select(Draft).where(Draft.workspace_id == workspace_id, Draft.id == draft_id)).first()


def get_volunteer(*, session: Session, workspace_id: int, volunteer_id: int) -> Volunteer | None:
    return session.exec(
        select(Volunteer).where(Volunteer.workspace_id == workspace_id, Volunteer.id == volunteer_id)
    ).first()


# --- events and outbox -------------------------------------------------------------------------------------


def record_event_once(*, session: Session, workspace_id: int, event_id: str, now: datetime) -> bool:
    """True the first time an event id is seen in this workspace; False for a retry of the same event."""
    try:
        with session.begin_nested():
            session.add(ProcessedEvent(workspace_id=workspace_id, event_id=event_id, received_at=now))
    except IntegrityError:
        return False
    return True


def seen_events(*, session: Session, workspace_id: int, event_ids: Sequence[str]) -> set[str]:
    """Those of ``event_ids`` recorded before in this workspace (``record_event_once``)."""
    found: set[str] = set()
    for start in range(0, len(event_ids), 500):  # SQLite's limit on placeholders in one statement
        chunk = list(event_ids[start : start + 500])
        found.update(
            session.exec(
                select(ProcessedEvent.event_id).where(
                    ProcessedEvent.workspace_id == workspace_id, col(ProcessedEvent.event_id).in_(chunk)
                )
            ).all()
        )
    return found


def _enqueue_statement(insert: Any) -> Any:
    columns = OutboxMessage.__table__.c  # type: ignore[attr-defined]
    names = (
        "workspace_id",
        "dedupe_key",
        "kind",
        "request_id",
        "sequence_key",
        "payload",
        "not_before",
        "expires_at",
        "created_at",
    )
    return (
        insert(OutboxMessage)
        .values(attempts=0, **{name: _p(name, type_=columns[name].type) for name in names})
        .on_conflict_do_nothing(index_elements=["workspace_id", "dedupe_key"])
        .returning(col(OutboxMessage.id))
    )


_ENQUEUE = {"sqlite": _enqueue_statement(sqlite_insert), "postgresql": _enqueue_statement(postgresql_insert)}


def enqueue(
    *,
    session: Session,
    workspace_id: int,
    kind: str,
    payload: dict[str, Any],
    dedupe_key: str,
    now: datetime,
    request_id: int | None = None,
    sequence_key: str | None = None,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
) -> bool:
    """Adds an outgoing message unless one with the same dedupe key exists; True when added. One statement, an
    INSERT that does nothing on a duplicate key: a look-up, a savepoint and an INSERT cost four round trips to
    PostgreSQL on every card refresh and reply."""
    statement = _ENQUEUE[_dialect(session)]
    added = session.execute(
        statement,
        {
            "workspace_id": workspace_id,
            "dedupe_key": dedupe_key,
            "kind": kind,
            "request_id": request_id,
            "sequence_key": sequence_key,
            "payload": traced(payload),
            "not_before": not_before or now,
            "expires_at": expires_at,
            "created_at": now,
        },
    ).first()
    return added is not None


@dataclass(frozen=True)
class NewMessage:
    """An outbox message to add unless its dedupe key was used before (see ``enqueue_many``)."""

    dedupe_key: str
    kind: str
    payload: dict[str, Any]
    not_before: datetime
    request_id: int | None = None
    sequence_key: str | None = None
    expires_at: datetime | None = None  # dropped unsent after this


def enqueue_many(
    *, session: Session, workspace_id: int, messages: Sequence[NewMessage], now: datetime
) -> list[NewMessage]:
    """Adds the messages whose dedupe keys are new in this workspace and returns those. One statement per chunk
    with ``ON CONFLICT DO NOTHING`` (SQLite and PostgreSQL alike), so concurrent ticks in several processes
    each add a message at most once, without anyone failing."""
    added: list[NewMessage] = []
    by_key = {m.dedupe_key: m for m in messages}
    keys = list(by_key)
    insert = sqlite_insert if _dialect(session) == "sqlite" else postgresql_insert
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        # Nearly every key a tick plans was queued by an earlier tick: look them up through the unique index
        # first, so a tick that finds nothing new runs no INSERT (the conflict clause still settles a race with
        # another process).
        queued = queued_keys(session=session, workspace_id=workspace_id, keys=chunk)
        chunk = [key for key in chunk if key not in queued]
        if not chunk:
            continue
        rows = [
            {
                "workspace_id": workspace_id,
                "dedupe_key": key,
                "kind": by_key[key].kind,
                "request_id": by_key[key].request_id,
                "sequence_key": by_key[key].sequence_key,
                "payload": traced(by_key[key].payload),
                "not_before": by_key[key].not_before,
                "expires_at": by_key[key].expires_at,
                "attempts": 0,
                "created_at": now,
            }
            for key in chunk
        ]
        # One statement for every chunk, with the rows as parameters (SQLAlchemy sends them as multi-row
        # INSERTs): compiled once and cached, where a statement with the rows in it was compiled on every tick.
        table = OutboxMessage.metadata.tables[OutboxMessage.__tablename__]
        statement = (
            insert(table)
            .on_conflict_do_nothing(index_elements=["workspace_id", "dedupe_key"])
            .returning(table.c.dedupe_key)
        )
        added.extend(by_key[key] for key in session.execute(statement, rows).scalars())
    return added


_QUEUED_KEYS = {
    dialect: sa.select(col(OutboxMessage.dedupe_key)).where(col(OutboxMessage.workspace_id) == _p("workspace_id"), key)
    for dialect, key in _one_of(col(OutboxMessage.dedupe_key), "keys", sa.String()).items()
}


def queued_keys(*, session: Session, workspace_id: int, keys: Sequence[str]) -> set[str]:
    """Those of ``keys`` that were queued before in this workspace (sent or not): their messages exist already."""
    found: set[str] = set()
    statement = _QUEUED_KEYS[_dialect(session)]
    for start in range(0, len(keys), 500):  # SQLite's limit on placeholders in one statement
        params = {"workspace_id": workspace_id, "keys": list(keys[start : start + 500])}
        found.update(session.execute(statement, params).scalars())
    return found


def queued_message(*, session: Session, workspace_id: int, dedupe_key: str) -> OutboxMessage | None:
    """The message queued under ``dedupe_key`` in this workspace, sent or not (a look-up by the unique key)."""
    return session.exec(
        select(OutboxMessage).where(
            col(OutboxMessage.workspace_id) == workspace_id, col(OutboxMessage.dedupe_key) == dedupe_key
        )
    ).first()


def set_posted(*, session: Session, message_id: int, channel: str, ts: str) -> None:
    """Records where a message landed on its platform (a DM with buttons, to be updated once they are used)."""
    session.execute(
        sa.update(OutboxMessage)
        .where(col(OutboxMessage.id) == message_id)
        .values(posted_channel=channel[:64], posted_ts=ts[:128])
    )


def cancel_pending(*, session: Session, workspace_id: int, key_prefix: str, now: datetime) -> int:
    """Marks unsent, unclaimed messages whose key starts with ``key_prefix`` as cancelled (e.g. reminders for a
    draft that came in); returns how many."""
    result = session.execute(
        sa.update(OutboxMessage)
        .where(
            col(OutboxMessage.workspace_id) == workspace_id,
            col(OutboxMessage.dedupe_key).startswith(key_prefix, autoescape=True),
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.failed_at).is_(None),
            sa.or_(col(OutboxMessage.claimed_until).is_(None), col(OutboxMessage.claimed_until) < now),
        )
        .values(failed_at=now, last_error="cancelled: no longer relevant")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


_BOOKING = select(SlotBooking).where(
    SlotBooking.workspace_id == _p("workspace_id"), SlotBooking.request_id == _p("request_id")
)
_BOOKINGS_OF_MANY = select(SlotBooking).where(
    SlotBooking.workspace_id == _p("workspace_id"), col(SlotBooking.request_id).in_(_p("request_ids", expanding=True))
)


def booking_of_request(*, session: Session, workspace_id: int, request_id: int) -> SlotBooking | None:
    """The publishing slot the request is booked into, if any (a request holds at most one)."""
    return session.exec(_BOOKING, params={"workspace_id": workspace_id, "request_id": request_id}).first()


def bookings_of_requests(*, session: Session, workspace_id: int, request_ids: Sequence[int]) -> dict[int, SlotBooking]:
    """The booking of each of these requests that has one, by request id."""
    if not request_ids:
        return {}
    rows = session.exec(
        _BOOKINGS_OF_MANY, params={"workspace_id": workspace_id, "request_ids": list(request_ids)}
    ).all()
    return {b.request_id: b for b in rows}


def release_booking(*, session: Session, workspace_id: int, request_id: int, now: datetime) -> None:
    """Frees the publishing slot a request was booked into, and cancels the reminders queued for it."""
    booking = booking_of_request(session=session, workspace_id=workspace_id, request_id=request_id)
    if booking is None:
        return
    cancel_pending(session=session, workspace_id=workspace_id, key_prefix=f"remind:slot:{booking.id}:", now=now)
    session.delete(booking)


def card_sequence(request_id: int) -> str:
    """The sequence key of everything posted to a request's channel: its card, then its thread replies."""
    return f"card:{request_id}"


def has_sequence(*, session: Session, workspace_id: int, sequence_key: str) -> bool:
    """Whether any message with this sequence key was ever queued in the workspace."""
    found = session.exec(
        select(OutboxMessage.id)
        .where(OutboxMessage.workspace_id == workspace_id, OutboxMessage.sequence_key == sequence_key)
        .limit(1)
    ).first()
    return found is not None


_USED_SEQUENCES = (
    sa.select(col(OutboxMessage.sequence_key))
    .where(
        col(OutboxMessage.workspace_id) == _p("workspace_id"),
        col(OutboxMessage.sequence_key).in_(_p("keys", expanding=True)),
    )
    .distinct()
)


_AUDIENCE = (
    sa.select(col(Member.user_id))
    .where(
        col(Member.workspace_id) == _p("workspace_id"),
        sa.or_(
            col(Member.id) == _p("owner_id"),
            col(Member.id).in_(
                sa.select(col(Volunteer.member_id)).where(
                    col(Volunteer.workspace_id) == _p("workspace_id"),
                    col(Volunteer.request_id) == _p("request_id"),
                    col(Volunteer.state) != VolunteerState.WITHDRAWN,
                )
            ),
        ),
    )
    .order_by(col(Member.user_id))
)


def people_of_request(*, session: Session, workspace_id: int, request_id: int, owner_id: int) -> list[str]:
    """The user ids of a request's owner and of everyone holding or waiting for a place on it, sorted."""
    params = {"workspace_id": workspace_id, "request_id": request_id, "owner_id": owner_id}
    return list(session.execute(_AUDIENCE, params).scalars())


def used_sequences(*, session: Session, workspace_id: int, sequence_keys: Sequence[str]) -> set[str]:
    """Those of ``sequence_keys`` with any message ever queued in the workspace (``has_sequence`` for many)."""
    if not sequence_keys:
        return set()
    return set(session.execute(_USED_SEQUENCES, {"workspace_id": workspace_id, "keys": list(sequence_keys)}).scalars())


def pending_in_sequence(*, session: Session, workspace_id: int, sequence_key: str) -> bool:
    """Whether an unclaimed, unsent message with this sequence key waits (a new change can ride along with it)."""
    found = session.exec(
        select(OutboxMessage.id)
        .where(
            OutboxMessage.workspace_id == workspace_id,
            OutboxMessage.sequence_key == sequence_key,
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.failed_at).is_(None),
            col(OutboxMessage.claimed_until).is_(None),
        )
        .limit(1)
    ).first()
    return found is not None


_PENDING_CARD = select(OutboxMessage).where(
    OutboxMessage.workspace_id == _p("workspace_id"),
    OutboxMessage.kind == "card",
    col(OutboxMessage.sent_at).is_(None),
    col(OutboxMessage.failed_at).is_(None),
    col(OutboxMessage.claimed_until).is_(None),
    OutboxMessage.request_id == _p("request_id"),
)


def pending_card_refresh(*, session: Session, workspace_id: int, request_id: int) -> OutboxMessage | None:
    """An unclaimed, unsent card refresh for this request, which a new change can ride along with."""
    return session.exec(_PENDING_CARD, params={"workspace_id": workspace_id, "request_id": request_id}).first()


# --- guests -------------------------------------------------------------------------------------------------------


def member_by_email(*, session: Session, workspace_id: int, email: str) -> Member | None:
    """The member of the workspace with this e-mail address (compared without case), guests first: a guest
    invited twice is one member, and a colleague whose profile has the address is found too."""
    rows = session.exec(
        select(Member)
        .where(Member.workspace_id == workspace_id, sa.func.lower(col(Member.email)) == email.casefold())
        .order_by(col(Member.is_guest).desc(), col(Member.id))
    ).all()
    return rows[0] if rows else None


def create_guest(
    *,
    session: Session,
    workspace_id: int,
    user_id: str,
    email: str,
    display_name: str,
    language: str | None,
    tz: str | None,
    now: datetime,
) -> Member:
    guest = Member(
        workspace_id=workspace_id,
        user_id=user_id,
        email=email,
        display_name=display_name,
        language=language,
        tz=tz,
        is_guest=True,
        # A guest has no chat profile to look up, and is never asked about other requests.
        profile_fetched_at=now,
        invitations_enabled=False,
        listed_in_digest=False,
        created_at=now,
    )
    session.add(guest)
    session.flush()
    return guest


def add_guest_link(
    *,
    session: Session,
    workspace_id: int,
    member_id: int,
    request_id: int,
    token_hash: str,
    now: datetime,
    expires_at: datetime,
    invitation: bool = False,
) -> GuestLink:
    link = GuestLink(
        workspace_id=workspace_id,
        member_id=member_id,
        request_id=request_id,
        token_hash=token_hash,
        created_at=now,
        expires_at=expires_at,
        invitation=invitation,
    )
    session.add(link)
    session.flush()
    return link


def get_guest_link(*, session: Session, workspace_id: int, link_id: int) -> GuestLink | None:
    return session.exec(
        select(GuestLink).where(GuestLink.workspace_id == workspace_id, GuestLink.id == link_id)
    ).first()


def live_guest_link_by_hash(*, session: Session, token_hash: str, now: datetime) -> GuestLink | None:
    """The link with this token hash if it is neither revoked nor expired. Not per workspace: a token is all a
    guest has, and it says which workspace it belongs to."""
    return session.exec(
        select(GuestLink).where(
            GuestLink.token_hash == token_hash,
            col(GuestLink.revoked_at).is_(None),
            col(GuestLink.expires_at) > now,
        )
    ).first()


def has_live_guest_link(*, session: Session, workspace_id: int, member_id: int, request_id: int, now: datetime) -> bool:
    """Whether the guest has a link to the request that is neither revoked nor expired: their standing on it."""
    found = session.exec(
        select(GuestLink.id).where(
            GuestLink.workspace_id == workspace_id,
            GuestLink.member_id == member_id,
            GuestLink.request_id == request_id,
            col(GuestLink.revoked_at).is_(None),
            col(GuestLink.expires_at) > now,
        )
    ).first()
    return found is not None


def stop_place_reminders(*, session: Session, workspace_id: int, request_id: int, member_id: int, now: datetime) -> int:
    """Stops draft reminders on the member's live place on the request; how many places it changed (0 or 1)."""
    result = session.execute(
        sa.update(Volunteer)
        .where(
            col(Volunteer.workspace_id) == workspace_id,
            col(Volunteer.request_id) == request_id,
            col(Volunteer.member_id) == member_id,
            col(Volunteer.state) != VolunteerState.WITHDRAWN,
            col(Volunteer.reminders_stopped_at).is_(None),
        )
        .values(reminders_stopped_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def unopened_guest_places(*, session: Session, workspace_id: int, invited_before: datetime) -> Sequence[Volunteer]:
    """Live places of guests on open requests who were last invited before ``invited_before`` and have opened
    none of their links to the request since, nor handed in anything."""
    link = sa.orm.aliased(GuestLink)
    same = (
        col(link.workspace_id) == col(Volunteer.workspace_id),
        col(link.member_id) == col(Volunteer.member_id),
        col(link.request_id) == col(Volunteer.request_id),
    )
    opened = sa.select(col(link.id)).where(*same, col(link.last_used_at).is_not(None)).exists()
    last_invited = sa.select(sa.func.max(col(link.created_at))).where(*same, col(link.invitation)).scalar_subquery()
    return session.exec(
        select(Volunteer)
        .join(Member, col(Member.id) == col(Volunteer.member_id))
        .join(ContentRequest, col(ContentRequest.id) == col(Volunteer.request_id))
        .where(
            col(Volunteer.workspace_id) == workspace_id,
            col(Member.is_guest),
            col(ContentRequest.status) == RequestStatus.OPEN,
            col(Volunteer.state).in_([VolunteerState.ACTIVE, VolunteerState.WAITLISTED]),
            col(Volunteer.review_state) == ReviewState.NO_DRAFT,
            ~opened,
            last_invited <= invited_before,
        )
        .order_by(col(Volunteer.id))
    ).all()


def withdraw_place(*, session: Session, place: Volunteer, now: datetime) -> bool:
    """Withdraws the place if it is still as it was read (live); False when someone else changed it first."""
    result = session.execute(
        sa.update(Volunteer)
        .where(col(Volunteer.id) == place.id, col(Volunteer.state) == place.state)
        .values(state=VolunteerState.WITHDRAWN, withdrawn_at=now)
    )
    return bool(getattr(result, "rowcount", 0))


def revoke_guest_links(
    *,
    session: Session,
    workspace_id: int,
    now: datetime,
    request_id: int | None = None,
    member_id: int | None = None,
) -> int:
    """Ends every live link of the request, of the member, or of the member on the request; how many ended."""
    if request_id is None and member_id is None:
        raise ValueError("name the request or the member whose links end")
    conditions = [col(GuestLink.workspace_id) == workspace_id, col(GuestLink.revoked_at).is_(None)]
    if request_id is not None:
        conditions.append(col(GuestLink.request_id) == request_id)
    if member_id is not None:
        conditions.append(col(GuestLink.member_id) == member_id)
    result = session.execute(sa.update(GuestLink).where(*conditions).values(revoked_at=now))
    return int(getattr(result, "rowcount", 0) or 0)


# --- erasure ------------------------------------------------------------------------------------------------------


def lock_member(*, session: Session, workspace_id: int, member_id: int) -> Member | None:
    """The member, locked against a second erasure of them running at the same time (PostgreSQL; SQLite's
    transactions are serial already)."""
    return session.exec(
        select(Member).where(Member.workspace_id == workspace_id, Member.id == member_id).with_for_update()
    ).first()


def members_by_email_or_user_id(*, session: Session, person: str) -> Sequence[Member]:
    """Everyone, in any workspace, whose e-mail address (without case) or platform user id is ``person``: the
    people `cobot forget` may mean. An admin's command, so it looks across workspaces on purpose."""
    return session.exec(
        select(Member)
        .where(sa.or_(sa.func.lower(col(Member.email)) == person.casefold(), col(Member.user_id) == person))
        .order_by(col(Member.workspace_id), col(Member.id))
    ).all()


def skills_of_member(*, session: Session, workspace_id: int, member_id: int) -> list[str]:
    return list(
        session.exec(
            select(MemberSkill.skill).where(
                MemberSkill.workspace_id == workspace_id, MemberSkill.member_id == member_id
            )
        ).all()
    )


def delete_skills_of_member(*, session: Session, workspace_id: int, member_id: int) -> None:
    session.execute(
        sa.delete(MemberSkill).where(
            col(MemberSkill.workspace_id) == workspace_id, col(MemberSkill.member_id) == member_id
        )
    )


def others_in_department(*, session: Session, workspace_id: int, member_id: int, department: str) -> bool:
    """Whether anyone else (not forgotten) in the workspace has this department."""
    found = session.exec(
        select(Member.id)
        .where(
            Member.workspace_id == workspace_id,
            Member.id != member_id,
            Member.department == department,
            col(Member.forgotten_at).is_(None),
        )
        .limit(1)
    ).first()
    return found is not None


def revoke_calendar_feeds_of_member(*, session: Session, workspace_id: int, member_id: int, now: datetime) -> int:
    """Ends every live address of the member's own calendar feed; how many ended."""
    result = session.execute(
        sa.update(CalendarFeed)
        .where(
            col(CalendarFeed.workspace_id) == workspace_id,
            col(CalendarFeed.member_id) == member_id,
            col(CalendarFeed.revoked_at).is_(None),
        )
        .values(revoked_at=now)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def delete_teams_person(*, session: Session, workspace_id: int, user_id: str) -> None:
    """Forgets what Teams told Cobot about a person: their Teams id and name, and the 1:1 chat with them."""
    session.execute(
        sa.delete(TeamsUser).where(col(TeamsUser.workspace_id) == workspace_id, col(TeamsUser.user_id) == user_id)
    )
    session.execute(
        sa.delete(TeamsConversation).where(
            col(TeamsConversation.workspace_id) == workspace_id, col(TeamsConversation.user_id) == user_id
        )
    )


def places_of_member_everywhere(*, session: Session, workspace_id: int, member_id: int) -> Sequence[Volunteer]:
    """Every place the member has or had, on any request, oldest first."""
    return session.exec(
        select(Volunteer)
        .where(Volunteer.workspace_id == workspace_id, Volunteer.member_id == member_id)
        .order_by(col(Volunteer.id))
    ).all()


def outbox_mentioning(*, session: Session, workspace_id: int, needles: Sequence[str]) -> Sequence[OutboxMessage]:
    """Outbox rows of the workspace (sent or not) whose payload or keys contain any of ``needles`` (compared
    without case): the messages that may name a person being erased."""
    text = sa.func.lower(sa.cast(col(OutboxMessage.payload), sa.Text))
    conditions = []
    for needle in needles:
        lowered = needle.casefold()
        conditions += [
            text.contains(lowered, autoescape=True),
            sa.func.lower(col(OutboxMessage.dedupe_key)).contains(lowered, autoescape=True),
            sa.func.lower(sa.func.coalesce(col(OutboxMessage.sequence_key), "")).contains(lowered, autoescape=True),
        ]
    if not conditions:
        return []
    return session.exec(
        select(OutboxMessage)
        .where(OutboxMessage.workspace_id == workspace_id, sa.or_(*conditions))
        .order_by(col(OutboxMessage.id))
    ).all()


def unsent_of_kinds(*, session: Session, workspace_id: int, kinds: Sequence[str]) -> Sequence[OutboxMessage]:
    """Unsent outbox rows of these kinds (guest e-mails, DM updates): few at any time."""
    return session.exec(
        select(OutboxMessage).where(
            OutboxMessage.workspace_id == workspace_id,
            col(OutboxMessage.kind).in_(list(kinds)),
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.failed_at).is_(None),
        )
    ).all()


@dataclass(frozen=True)
class GuestRequestEnd:
    """A guest whose address is kept, with one request they took part in: its status and when it passed."""

    member_id: int
    status: RequestStatus
    published_at: datetime | None
    updated_at: datetime


def guests_with_addresses_and_their_requests(*, session: Session, workspace_id: int) -> list[GuestRequestEnd]:
    """For every guest of the workspace who still has an e-mail address (and was not forgotten), each request they
    had a place on or a link to. A guest with neither is not listed."""
    guests = (
        sa.select(col(Member.id))
        .where(
            col(Member.workspace_id) == workspace_id,
            col(Member.is_guest).is_(True),
            col(Member.email).is_not(None),
            col(Member.forgotten_at).is_(None),
        )
        .scalar_subquery()
    )
    related = sa.union(
        sa.select(col(Volunteer.member_id).label("member_id"), col(Volunteer.request_id).label("request_id")).where(
            col(Volunteer.workspace_id) == workspace_id, col(Volunteer.member_id).in_(guests)
        ),
        sa.select(col(GuestLink.member_id).label("member_id"), col(GuestLink.request_id).label("request_id")).where(
            col(GuestLink.workspace_id) == workspace_id, col(GuestLink.member_id).in_(guests)
        ),
    ).subquery()
    rows = session.execute(
        sa.select(
            related.c.member_id,
            col(ContentRequest.status),
            col(ContentRequest.published_at),
            col(ContentRequest.updated_at),
        ).join(ContentRequest, col(ContentRequest.id) == related.c.request_id)
    ).all()
    return [GuestRequestEnd(m, RequestStatus(s), p, u) for m, s, p, u in rows]


# --- the guest's page -------------------------------------------------------------------------------------------


def latest_place(*, session: Session, workspace_id: int, request_id: int, member_id: int) -> Volunteer | None:
    """A person's newest place on a request, live or withdrawn: the guest's page shows a step back as such."""
    return session.exec(
        select(Volunteer)
        .where(
            Volunteer.workspace_id == workspace_id,
            Volunteer.request_id == request_id,
            Volunteer.member_id == member_id,
        )
        .order_by(col(Volunteer.id).desc())
        .limit(1)
    ).first()


def guest_accepted(*, session: Session, workspace_id: int, request_id: int, member_id: int, since: datetime) -> bool:
    """Whether the guest accepted the request, on any of their links to it (inviting again makes a new link), at
    or after ``since`` (when their place was taken: a yes given before they declined is no yes to a new place)."""
    found = session.exec(
        select(GuestLink.id).where(
            GuestLink.workspace_id == workspace_id,
            GuestLink.request_id == request_id,
            GuestLink.member_id == member_id,
            col(GuestLink.accepted_at) >= since,
        )
    ).first()
    return found is not None


def drafts_of_member(*, session: Session, workspace_id: int, request_id: int, member_id: int) -> Sequence[Draft]:
    """Every version a person handed in for a request, oldest first (across places, should they have joined
    twice)."""
    return session.exec(
        select(Draft)
        .where(Draft.workspace_id == workspace_id, Draft.request_id == request_id, Draft.member_id == member_id)
        .order_by(col(Draft.created_at), col(Draft.id))
    ).all()


def reviews_of_drafts(*, session: Session, workspace_id: int, draft_ids: Sequence[int]) -> Sequence[Review]:
    if not draft_ids:
        return []
    return session.exec(
        select(Review)
        .where(Review.workspace_id == workspace_id, col(Review.draft_id).in_(list(draft_ids)))
        .order_by(col(Review.created_at), col(Review.id))
    ).all()


def pending_extension(*, session: Session, workspace_id: int, volunteer_id: int) -> ExtensionRequest | None:
    return session.exec(
        select(ExtensionRequest).where(
            ExtensionRequest.workspace_id == workspace_id,
            ExtensionRequest.volunteer_id == volunteer_id,
            ExtensionRequest.status == ExtensionStatus.PENDING,
        )
    ).first()


def add_guest_file(*, session: Session, guest_file: GuestFile) -> GuestFile:
    session.add(guest_file)
    session.flush()
    return guest_file


def guest_file_by_token(*, session: Session, download_token: str) -> GuestFile | None:
    """The file a download link names. Not per workspace: the link is all the owner's browser has."""
    return session.exec(select(GuestFile).where(GuestFile.download_token == download_token)).first()


def guest_file_sizes(*, session: Session, workspace_id: int, file_ids: Sequence[int]) -> dict[int, int]:
    """File id → size, without reading the files' content."""
    if not file_ids:
        return {}
    rows = session.exec(
        select(GuestFile.id, GuestFile.size).where(
            GuestFile.workspace_id == workspace_id, col(GuestFile.id).in_(list(file_ids))
        )
    ).all()
    return {int(file_id): int(size) for file_id, size in rows if file_id is not None}


def drafts_of_volunteer(*, session: Session, workspace_id: int, volunteer_id: int) -> Sequence[Draft]:
    """Every version a volunteer handed in, oldest first."""
    return session.exec(
        select(Draft)
        .where(Draft.workspace_id == workspace_id, Draft.volunteer_id == volunteer_id)
        .order_by(col(Draft.version))
    ).all()


def add_sign_off(
    *,
    session: Session,
    workspace_id: int,
    request_id: int,
    draft_id: int,
    member_id: int,
    version: int,
    content_hash: str,
    byline: str,
    bio: str,
    places: Sequence[str],
    now: datetime,
) -> SignOff:
    """Records a sign-off of one draft version; an earlier one of the same person stays as history."""
    row = SignOff(
        workspace_id=workspace_id,
        request_id=request_id,
        draft_id=draft_id,
        member_id=member_id,
        version=version,
        content_hash=content_hash,
        byline=byline,
        bio=bio,
        places=list(places),
        signed_at=now,
    )
    session.add(row)
    session.flush()
    return row


def latest_sign_offs(
    *, session: Session, workspace_id: int, request_ids: Sequence[int]
) -> dict[tuple[int, int], SignOff]:
    """Each person's latest sign-off on each of these requests, by (request id, member id): the one that counts."""
    if not request_ids:
        return {}
    rows = session.exec(
        select(SignOff)
        .where(SignOff.workspace_id == workspace_id, col(SignOff.request_id).in_(list(request_ids)))
        .order_by(col(SignOff.id))
    ).all()
    return {(row.request_id, row.member_id): row for row in rows}  # later rows replace earlier ones


def withdraw_sign_off(*, session: Session, sign_off: SignOff, now: datetime) -> None:
    sign_off.withdrawn_at = now
    session.add(sign_off)
    session.flush()


def add_publication_override(
    *,
    session: Session,
    workspace_id: int,
    request_id: int,
    forced_by_id: int,
    reason: str,
    missing_member_ids: Sequence[int],
    now: datetime,
) -> PublicationOverride:
    row = PublicationOverride(
        workspace_id=workspace_id,
        request_id=request_id,
        forced_by_id=forced_by_id,
        reason=reason,
        missing_member_ids=list(missing_member_ids),
        created_at=now,
    )
    session.add(row)
    session.flush()
    return row


def publication_overrides(
    *, session: Session, workspace_id: int, request_ids: Sequence[int]
) -> dict[int, PublicationOverride]:
    """The reason each of these requests was published without every sign-off, for those that were."""
    if not request_ids:
        return {}
    rows = session.exec(
        select(PublicationOverride).where(
            PublicationOverride.workspace_id == workspace_id,
            col(PublicationOverride.request_id).in_(list(request_ids)),
        )
    ).all()
    return {row.request_id: row for row in rows}
