"""Seeding workspaces for the benchmarks with bulk INSERTs (SQLAlchemy Core executemany, explicit ids), fast
enough for 100k requests and a million volunteers, on SQLite and PostgreSQL alike.

Two shapes:

- ``seed_history``: a workspace that has been used for a long time. Its *active* part is the same at every size
  (about 300 open requests with their volunteers and drafts, 40 approved ones with booked slots, the same 5,000
  people), and its *history* grows with the size: published and closed requests (30 a day), each with its
  volunteers, drafts, booking and sent outbox messages. An operation whose time grows with the size reads
  history it does not need: a scan, where an index would do.
- ``seed_serve``: a workspace for the ack benchmark: many open requests with room for many volunteers, spread
  over a few channels, cards already posted, and people whose profiles are known (so no ``users.info``).

Everything is deterministic (a seeded ``random.Random``).
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import Engine

from storage.models import (
    ContentRequest,
    Draft,
    Member,
    MemberSkill,
    OutboxMessage,
    RequestStatus,
    ReviewState,
    SlotBooking,
    Volunteer,
    VolunteerState,
    Workspace,
)

CHUNK = 5000
COPENHAGEN = ZoneInfo("Europe/Copenhagen")
SKILLS = [
    "seo", "video", "writing", "design", "analytics", "ppc", "email", "social", "podcast", "photo",
    "sales", "support", "legal", "finance", "hr", "data", "ux", "events", "pr", "translation",
]  # fmt: skip


def _chunks(rows: Iterable[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def insert(engine: Engine, model: Any, rows: Iterable[dict[str, Any]]) -> int:
    table = model.__table__
    if engine.dialect.name == "postgresql":
        return _copy(engine, table, rows)
    count = 0
    with engine.begin() as connection:
        for batch in _chunks(rows):
            connection.execute(table.insert(), batch)
            count += len(batch)
    return count


def _copy(engine: Engine, table: sa.Table, rows: Iterable[dict[str, Any]]) -> int:
    """PostgreSQL's COPY: executemany of millions of rows takes minutes there."""
    from psycopg.types.json import Json

    def value(item: Any) -> Any:
        if isinstance(item, Enum):
            return item.value
        if isinstance(item, dict | list):
            return Json(item)
        return item

    iterator = iter(rows)
    first = next(iterator, None)
    if first is None:
        return 0
    columns = list(first)
    names = ", ".join(f'"{name}"' for name in columns)
    count = 0
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor, cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in itertools.chain([first], iterator):
                copy.write_row([value(row[name]) for name in columns])
                count += 1
        raw.commit()
    finally:
        raw.close()
    return count


def reset_sequences(engine: Engine) -> None:
    """After explicit ids, PostgreSQL's sequences must continue after them (SQLite needs nothing)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in (Workspace, Member, ContentRequest, Volunteer, Draft, SlotBooking, OutboxMessage):
            name = table.__table__.name
            connection.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f'COALESCE((SELECT MAX(id) FROM "{name}"), 1))'
                )
            )
        connection.execute(sa.text("ANALYZE"))


def analyze(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(sa.text("ANALYZE"))


def _member_rows(workspace_id: int, count: int, now: datetime, rng: random.Random) -> Iterator[dict[str, Any]]:
    for index in range(count):
        yield {
            "id": index + 1,
            "workspace_id": workspace_id,
            "user_id": f"U9{index:06d}",
            "display_name": f"Person {index}",
            "tz": "Europe/Copenhagen",
            "locale": "en-US",
            "department": f"dept{index % 12}",
            "profile_fetched_at": now,
            "reminders_enabled": True,
            "listed_in_digest": rng.random() > 0.05,
            "invitations_enabled": True,
            "created_at": now - timedelta(days=400),
        }


@dataclass(frozen=True)
class HistorySeed:
    workspace_id: int
    requests: int
    volunteers: int
    drafts: int
    outbox: int
    members: int
    open_requests: int
    person: str
    """A colleague with an ordinary share of the work (places on open requests and a long history)."""
    owner: str
    """An owner with open requests and drafts waiting for review."""
    now: datetime


def seed_history(
    engine: Engine,
    *,
    requests: int,
    volunteers_per_request: float = 10.0,
    members: int = 5000,
    active_open: int = 300,
    active_approved: int = 40,
    per_day: int = 30,
    now: datetime,
    seed: int = 7,
) -> HistorySeed:
    """A workspace with ``requests`` requests (``active_open`` open and ``active_approved`` approved now, the rest
    published or closed in the past, ``per_day`` a day) and about ``volunteers_per_request`` volunteers each."""
    rng = random.Random(seed)
    today = now.astimezone(COPENHAGEN).date()
    with engine.begin() as connection:
        workspace_id = connection.execute(
            sa.insert(Workspace.__table__).values(
                platform="slack", external_id="T0GROWTH", name="growth", last_request_number=requests, created_at=now
            )
        ).inserted_primary_key[0]
    insert(engine, Member, _member_rows(workspace_id, members, now, rng))
    owners = list(range(1, members // 10 + 1))  # one in ten people posts requests
    skill_rows = []
    for member_id in range(1, members + 1):
        for skill in rng.sample(SKILLS, rng.randint(0, 3)):
            skill_rows.append({"member_id": member_id, "skill": skill, "workspace_id": workspace_id})
    insert(engine, MemberSkill, skill_rows)

    history = requests - active_open - active_approved
    request_rows: list[dict[str, Any]] = []
    kinds: list[RequestStatus] = []
    for index in range(requests):
        number = index + 1
        if index < history:
            # Oldest first: request `index` had its deadline (history - index) / per_day days ago.
            days_ago = (history - index) // per_day + 3
            deadline = today - timedelta(days=days_ago)
            status = RequestStatus.PUBLISHED if rng.random() < 0.6 else RequestStatus.CLOSED
        elif index < history + active_approved:
            deadline = today - timedelta(days=rng.randint(1, 20))
            status = RequestStatus.APPROVED
        else:
            deadline = today + timedelta(days=rng.randint(-10, 60))
            status = RequestStatus.OPEN
        created = datetime.combine(deadline - timedelta(days=21), time(9), tzinfo=UTC)
        published_at = (
            datetime.combine(deadline + timedelta(days=rng.randint(1, 3)), time(10), tzinfo=UTC)
            if status is RequestStatus.PUBLISHED
            else None
        )
        request_rows.append(
            {
                "id": number,
                "workspace_id": workspace_id,
                "number": number,
                "title": f"Request {number}: ten tips about {rng.choice(SKILLS)}",
                "brief": "",
                "format": rng.choice(["post", "article", "video", None]),
                "wanted_skills": rng.sample(SKILLS, rng.randint(0, 2)),
                "volunteers_needed": rng.randint(2, 12),
                "draft_deadline": deadline,
                "owner_id": rng.choice(owners),
                "channel_id": f"C0CHAN{number % 8}",
                "card_ts": f"1700000000.{number:06d}",
                "status": status,
                "published_url": f"https://example.com/p/{number}" if published_at else None,
                "published_at": published_at,
                "created_at": created,
                "updated_at": published_at or created,
            }
        )
        kinds.append(status)
    insert(engine, ContentRequest, request_rows)

    volunteer_rows: list[dict[str, Any]] = []
    draft_rows: list[dict[str, Any]] = []
    volunteer_id = 0
    draft_id = 0
    for row, status in zip(request_rows, kinds, strict=True):
        count = max(1, round(rng.gauss(volunteers_per_request, 2.5)))
        taken = rng.sample(range(1, members + 1), count)
        created = row["created_at"]
        for position, member_id in enumerate(taken):
            volunteer_id += 1
            roll = rng.random()
            if status is RequestStatus.OPEN:
                state = (
                    VolunteerState.WITHDRAWN
                    if roll < 0.08
                    else (VolunteerState.WAITLISTED if position >= row["volunteers_needed"] else VolunteerState.ACTIVE)
                )
                review = rng.choices(
                    [ReviewState.NO_DRAFT, ReviewState.SUBMITTED, ReviewState.CHANGES_REQUESTED, ReviewState.APPROVED],
                    [60, 20, 10, 10],
                )[0]
            elif status is RequestStatus.CLOSED:
                # Closing a request leaves its places as they were: history holds every review state.
                state = VolunteerState.WITHDRAWN if roll < 0.1 else VolunteerState.ACTIVE
                review = rng.choices(
                    [ReviewState.NO_DRAFT, ReviewState.SUBMITTED, ReviewState.CHANGES_REQUESTED, ReviewState.APPROVED],
                    [40, 15, 10, 35],
                )[0]
            else:  # published or approved: every place that stayed got approved
                state = VolunteerState.WITHDRAWN if roll < 0.1 else VolunteerState.ACTIVE
                review = ReviewState.APPROVED
            if state is VolunteerState.WAITLISTED or state is VolunteerState.WITHDRAWN:
                review = ReviewState.NO_DRAFT
            volunteer_rows.append(
                {
                    "id": volunteer_id,
                    "workspace_id": workspace_id,
                    "request_id": row["id"],
                    "part_id": None,
                    "member_id": member_id,
                    "state": state,
                    "review_state": review,
                    "via": "button",
                    "due_date": row["draft_deadline"] + timedelta(days=7) if rng.random() < 0.02 else None,
                    "created_at": created + timedelta(hours=position + 1),
                    "withdrawn_at": created + timedelta(days=2) if state is VolunteerState.WITHDRAWN else None,
                }
            )
            versions = {ReviewState.NO_DRAFT: 0, ReviewState.SUBMITTED: 1, ReviewState.APPROVED: 1}.get(review, 2)
            if review is ReviewState.SUBMITTED and rng.random() < 0.3:
                versions = 2
            for version in range(1, versions + 1):
                draft_id += 1
                if status is RequestStatus.OPEN:
                    handed_in = now - timedelta(hours=rng.randint(1, 24 * 12))
                else:
                    handed_in = datetime.combine(row["draft_deadline"], time(12), tzinfo=UTC) - timedelta(
                        days=versions - version
                    )
                draft_rows.append(
                    {
                        "id": draft_id,
                        "workspace_id": workspace_id,
                        "request_id": row["id"],
                        "volunteer_id": volunteer_id,
                        "member_id": member_id,
                        "version": version,
                        "url": f"https://docs.example.com/{draft_id}",
                        "text": None,
                        "source": "thread",
                        "created_at": handed_in,
                    }
                )
    insert(engine, Volunteer, volunteer_rows)
    insert(engine, Draft, draft_rows)

    booking_rows: list[dict[str, Any]] = []
    for row, status in zip(request_rows, kinds, strict=True):
        if status is RequestStatus.APPROVED:
            starts = now + timedelta(hours=2 + len(booking_rows) * 7)
        elif status is RequestStatus.PUBLISHED and row["published_at"] is not None:
            starts = row["published_at"]
        else:
            continue
        booking_rows.append(
            {
                "id": len(booking_rows) + 1,
                "workspace_id": workspace_id,
                "request_id": row["id"],
                "slot_name": f"Slot{row['id'] % 5}",
                "starts_at": starts + timedelta(seconds=row["id"]),  # one piece per slot occurrence
                "booked_by_id": row["owner_id"],
                "created_at": row["created_at"],
            }
        )
    insert(engine, SlotBooking, booking_rows)

    outbox_rows = _sent_outbox(workspace_id, request_rows, volunteer_rows)
    outbox = insert(engine, OutboxMessage, outbox_rows)
    reset_sequences(engine)
    analyze(engine)

    open_ids = {r["id"] for r, s in zip(request_rows, kinds, strict=True) if s is RequestStatus.OPEN}
    places: dict[int, int] = {}
    for v in volunteer_rows:
        if v["request_id"] in open_ids and v["state"] is VolunteerState.ACTIVE:
            places[v["member_id"]] = places.get(v["member_id"], 0) + 1
    person = sorted(places, key=lambda m: (places[m], m))[len(places) // 2]  # the median helper
    waiting: dict[int, int] = {}
    for v in volunteer_rows:
        if v["request_id"] in open_ids and v["review_state"] is ReviewState.SUBMITTED:
            owner_id = request_rows[v["request_id"] - 1]["owner_id"]
            waiting[owner_id] = waiting.get(owner_id, 0) + 1
    owner = max(waiting, key=lambda m: (waiting[m], -m)) if waiting else owners[0]
    return HistorySeed(
        workspace_id=workspace_id,
        requests=requests,
        volunteers=len(volunteer_rows),
        drafts=len(draft_rows),
        outbox=outbox,
        members=members,
        open_requests=len(open_ids),
        person=f"U9{person - 1:06d}",
        owner=f"U9{owner - 1:06d}",
        now=now,
    )


def _sent_outbox(
    workspace_id: int, requests: Sequence[dict[str, Any]], volunteers: Sequence[dict[str, Any]]
) -> Iterator[dict[str, Any]]:
    """What years of use leave in the outbox: each request's card post and updates, and every volunteer's
    reminders and replies, all sent long ago."""
    sent = 0
    for row in requests:
        at = row["created_at"]
        for _ in range(3):
            sent += 1
            yield _sent(workspace_id, sent, f"card:{row['id']}:{uuid.UUID(int=sent).hex}", "card", at, row["id"])
    for v in volunteers:
        at = v["created_at"]
        sent += 1
        yield _sent(workspace_id, sent, f"remind:draft:{v['id']}:{at.date().isoformat()}:d1", "notice", at, None)
        sent += 1
        yield _sent(workspace_id, sent, f"reply:{workspace_id}:action:{v['id']}", "reply", at, None)


def _sent(workspace_id: int, id_: int, key: str, kind: str, at: datetime, request_id: int | None) -> dict[str, Any]:
    return {
        "id": id_,
        "workspace_id": workspace_id,
        "dedupe_key": key,
        "kind": kind,
        "request_id": request_id,
        "sequence_key": f"card:{request_id}" if request_id else None,
        "payload": {},
        "not_before": at,
        "attempts": 0,
        "sent_at": at + timedelta(seconds=1),
        "created_at": at,
    }


# --- the ack benchmark's workspace ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ServeSeed:
    team: str
    numbers: list[int]
    users: list[str]
    channels: list[str]


def seed_serve(
    engine: Engine,
    *,
    team: str,
    requests: int = 2000,
    members: int = 5000,
    channels: int = 10,
    capacity: int = 50,
    now: datetime,
    seed: int = 11,
) -> ServeSeed:
    """Open requests (room for ``capacity`` volunteers each, two already there) whose cards are posted in
    ``channels`` channels, and ``members`` people Cobot knows."""
    rng = random.Random(seed)
    today = now.astimezone(COPENHAGEN).date()
    with engine.begin() as connection:
        workspace_id = connection.execute(
            sa.insert(Workspace.__table__).values(
                platform="slack", external_id=team, name="bench", last_request_number=requests, created_at=now
            )
        ).inserted_primary_key[0]
    insert(engine, Member, _member_rows(workspace_id, members, now, rng))
    channel_ids = [f"C0BENCH{index:02d}" for index in range(channels)]
    rows = []
    for index in range(requests):
        number = index + 1
        rows.append(
            {
                "id": number,
                "workspace_id": workspace_id,
                "number": number,
                "title": f"Guide {number}: ten tips about {rng.choice(SKILLS)}",
                "brief": "",
                "format": "article",
                "wanted_skills": rng.sample(SKILLS, 2),
                "volunteers_needed": capacity,
                "draft_deadline": today + timedelta(days=14 + index % 60),
                "owner_id": members - (index % 50),  # the last 50 people own the requests
                "channel_id": channel_ids[index % channels],
                "card_ts": f"1700000000.{number:06d}",
                "status": RequestStatus.OPEN,
                "created_at": now - timedelta(days=3),
                "updated_at": now - timedelta(days=3),
            }
        )
    insert(engine, ContentRequest, rows)
    volunteers = []
    for index in range(requests):
        for offset in range(2):
            volunteers.append(
                {
                    "id": len(volunteers) + 1,
                    "workspace_id": workspace_id,
                    "request_id": index + 1,
                    "member_id": members - 100 - (2 * index + offset) % 400,
                    "state": VolunteerState.ACTIVE,
                    "review_state": ReviewState.NO_DRAFT,
                    "via": "command",
                    "created_at": now - timedelta(days=2),
                }
            )
    insert(engine, Volunteer, volunteers)
    reset_sequences(engine)
    analyze(engine)
    # Load-generator users come from the first members; the seeded volunteers and owners are the last ones.
    return ServeSeed(
        team=team,
        numbers=[r["number"] for r in rows],
        users=[f"U9{index:06d}" for index in range(members - 500)],
        channels=channel_ids,
    )


def monday_after(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)
