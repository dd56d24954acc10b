"""Storage tests for ``storage.queries`` on migrated databases: workspace isolation, idempotent events and
outbox, one live volunteer place per person, and request numbers that stay distinct under concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage import queries
from storage.db import transaction
from storage.models import (
    ContentRequest,
    Member,
    OutboxMessage,
    ProcessedEvent,
    RequestStatus,
    ReviewState,
    Volunteer,
    VolunteerState,
    Workspace,
)

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)  # aware UTC, as storage.clock keeps time


# --- test data ----------------------------------------------------------------------------------------------------


def _workspace(session: Session, external_id: str) -> Workspace:
    workspace = queries.get_or_create_workspace(session=session, platform="slack", external_id=external_id, now=NOW)
    session.flush()
    return workspace


def _member(session: Session, workspace: Workspace, user_id: str) -> Member:
    assert workspace.id is not None
    member, _created = queries.get_or_create_member(
        session=session, workspace_id=workspace.id, user_id=user_id, now=NOW, display_name=user_id
    )
    session.flush()
    return member


def _request(
    session: Session,
    workspace: Workspace,
    owner: Member,
    *,
    status: RequestStatus = RequestStatus.OPEN,
    card: tuple[str, str] | None = None,
) -> ContentRequest:
    assert workspace.id is not None
    assert owner.id is not None
    number = queries.allocate_request_number(session=session, workspace_id=workspace.id)
    request = ContentRequest(
        workspace_id=workspace.id,
        number=number,
        title=f"Request {number} of {workspace.external_id}",
        draft_deadline=date(2026, 2, number),
        owner_id=owner.id,
        channel_id=card[0] if card else None,
        card_ts=card[1] if card else None,
        status=status,
        created_at=NOW,
        updated_at=NOW,
    )
    session.add(request)
    session.flush()
    return request


def _volunteer(
    session: Session,
    request: ContentRequest,
    member: Member,
    *,
    state: VolunteerState = VolunteerState.ACTIVE,
) -> Volunteer:
    assert request.id is not None
    assert member.id is not None
    volunteer = Volunteer(
        workspace_id=request.workspace_id,
        review_state=ReviewState.NO_DRAFT,
        request_id=request.id,
        member_id=member.id,
        state=state,
        created_at=NOW,
    )
    session.add(volunteer)
    session.flush()
    return volunteer


def _id_of(workspace: Workspace) -> int:
    assert workspace.id is not None
    return workspace.id


# --- workspace isolation ------------------------------------------------------------------------------------------


def test_queries_for_one_workspace_never_return_another_workspaces_rows(engine: Engine) -> None:
    # The same channel and message ts in both workspaces: only the workspace tells the two cards apart.
    card = ("C0SHARED", "1767600000.000100")
    with transaction(engine) as session:
        team_a, team_b = _workspace(session, "TA"), _workspace(session, "TB")
        a_id, b_id = _id_of(team_a), _id_of(team_b)
        # Enterprise Grid shares user ids across workspaces, so the same user id exists in both.
        alice_a, alice_b = _member(session, team_a, "U_ALICE"), _member(session, team_b, "U_ALICE")
        bob_b = _member(session, team_b, "U_BOB")

        a1 = _request(session, team_a, alice_a, card=card)
        a2 = _request(session, team_a, alice_a)
        b1 = _request(session, team_b, alice_b, card=card)
        b2 = _request(session, team_b, alice_b, status=RequestStatus.CLOSED)
        _request(session, team_b, alice_b, status=RequestStatus.CLOSED)
        _volunteer(session, a1, alice_a)
        _volunteer(session, b1, alice_b)
        _volunteer(session, b1, bob_b)

    assert (a1.number, a2.number, b1.number) == (1, 2, 1)

    with transaction(engine) as session:
        found = queries.get_request_by_number(session=session, workspace_id=a_id, number=1)
        assert found is not None
        assert found.id == a1.id
        found = queries.get_request_by_number(session=session, workspace_id=a_id, number=2)
        assert found is not None
        assert found.id == a2.id
        assert queries.get_request_by_number(session=session, workspace_id=a_id, number=3) is None  # only B has #3
        found = queries.get_request_by_number(session=session, workspace_id=b_id, number=1)
        assert found is not None
        assert found.id == b1.id
        found = queries.get_request_by_number(session=session, workspace_id=b_id, number=2)
        assert found is not None
        assert found.id == b2.id

        assert [r.id for r in queries.list_open_requests(session=session, workspace_id=a_id, limit=10)] == [
            a1.id,
            a2.id,
        ]
        assert [r.id for r in queries.list_open_requests(session=session, workspace_id=b_id, limit=10)] == [b1.id]
        assert queries.count_open_requests(session=session, workspace_id=a_id) == 2
        assert queries.count_open_requests(session=session, workspace_id=b_id) == 1

        found = queries.get_request_by_card(session=session, workspace_id=a_id, channel_id=card[0], card_ts=card[1])
        assert found is not None
        assert found.id == a1.id
        found = queries.get_request_by_card(session=session, workspace_id=b_id, channel_id=card[0], card_ts=card[1])
        assert found is not None
        assert found.id == b1.id

        member = queries.get_member(session=session, workspace_id=a_id, user_id="U_ALICE")
        assert member is not None
        assert member.id == alice_a.id
        assert queries.get_member(session=session, workspace_id=a_id, user_id="U_BOB") is None

        assert b1.id is not None
        assert a1.id is not None
        assert [v.member_id for v in queries.live_volunteers(session=session, workspace_id=a_id, request_id=a1.id)] == [
            alice_a.id
        ]
        assert queries.live_volunteers(session=session, workspace_id=a_id, request_id=b1.id) == []
        assert len(queries.live_volunteers(session=session, workspace_id=b_id, request_id=b1.id)) == 2


def test_request_numbers_count_per_workspace(engine: Engine) -> None:
    with transaction(engine) as session:
        a_id, b_id = _id_of(_workspace(session, "TA")), _id_of(_workspace(session, "TB"))
        numbers = [
            queries.allocate_request_number(session=session, workspace_id=a_id),
            queries.allocate_request_number(session=session, workspace_id=b_id),
            queries.allocate_request_number(session=session, workspace_id=a_id),
        ]
    assert numbers == [1, 1, 2]
    with transaction(engine) as session:
        assert queries.allocate_request_number(session=session, workspace_id=b_id) == 2


# --- idempotency --------------------------------------------------------------------------------------------------


def test_record_event_once_is_true_only_the_first_time_per_workspace(any_engine: Engine) -> None:
    with transaction(any_engine) as session:
        a_id, b_id = _id_of(_workspace(session, "TA")), _id_of(_workspace(session, "TB"))
        assert queries.record_event_once(session=session, workspace_id=a_id, event_id="Ev1", now=NOW) is True
        # A refused duplicate must leave the transaction usable (a savepoint, not an aborted transaction).
        assert queries.record_event_once(session=session, workspace_id=a_id, event_id="Ev1", now=NOW) is False
        assert queries.record_event_once(session=session, workspace_id=b_id, event_id="Ev1", now=NOW) is True

    with transaction(any_engine) as session:  # a retry arriving later, in a new transaction
        assert queries.record_event_once(session=session, workspace_id=a_id, event_id="Ev1", now=NOW) is False
        assert queries.record_event_once(session=session, workspace_id=a_id, event_id="Ev2", now=NOW) is True

    with transaction(any_engine) as session:
        rows = session.exec(select(ProcessedEvent.workspace_id, ProcessedEvent.event_id)).all()
    assert sorted(rows) == sorted([(a_id, "Ev1"), (b_id, "Ev1"), (a_id, "Ev2")])


def test_enqueue_with_the_same_dedupe_key_adds_one_row(any_engine: Engine) -> None:
    with transaction(any_engine) as session:
        workspace_id = _id_of(_workspace(session, "TA"))
        assert queries.enqueue(
            session=session,
            workspace_id=workspace_id,
            kind="dm",
            payload={"n": 1},
            dedupe_key="dm:1",
            now=NOW,
        )
        assert not queries.enqueue(
            session=session,
            workspace_id=workspace_id,
            kind="dm",
            payload={"n": 2},
            dedupe_key="dm:1",
            now=NOW,
        )
    with transaction(any_engine) as session:
        assert not queries.enqueue(
            session=session,
            workspace_id=workspace_id,
            kind="dm",
            payload={"n": 3},
            dedupe_key="dm:1",
            now=NOW,
        )

    with transaction(any_engine) as session:
        rows = session.exec(select(OutboxMessage)).all()
    assert [(r.dedupe_key, r.payload, r.not_before) for r in rows] == [("dm:1", {"n": 1}, NOW)]


def test_a_tick_sized_batch_queues_only_what_this_workspace_has_not_queued_before(any_engine: Engine) -> None:
    """The every-minute tick plans hundreds of reminders and relies on the key look-up (one array parameter on
    PostgreSQL, chunks of expanded placeholders on SQLite) to drop those queued before: none may be sent twice,
    and another workspace's identical keys must not hide one."""
    with transaction(any_engine) as session:
        a_id = _id_of(_workspace(session, "TA"))
        b_id = _id_of(_workspace(session, "TB"))
        queries.enqueue_many(
            session=session,
            workspace_id=a_id,
            messages=[_reminder(n) for n in range(0, 1200, 2)],  # every even one went out earlier
            now=NOW,
        )
        queries.enqueue_many(session=session, workspace_id=b_id, messages=[_reminder(1)], now=NOW)

    with transaction(any_engine) as session:
        added = queries.enqueue_many(
            session=session, workspace_id=a_id, messages=[_reminder(n) for n in range(1200)], now=NOW
        )
    assert [m.dedupe_key for m in added] == [f"remind:draft:{n}:æøå" for n in range(1, 1200, 2)]

    with transaction(any_engine) as session:
        keys = session.exec(select(OutboxMessage.dedupe_key).where(OutboxMessage.workspace_id == a_id)).all()
        queued = queries.queued_keys(session=session, workspace_id=b_id, keys=[f"remind:draft:{n}:æøå" for n in (0, 1)])
    assert sorted(keys) == sorted(f"remind:draft:{n}:æøå" for n in range(1200))
    assert queued == {"remind:draft:1:æøå"}


def test_time_zones_are_read_for_the_asked_members_of_this_workspace_only(any_engine: Engine) -> None:
    with transaction(any_engine) as session:
        a, b = _workspace(session, "TA"), _workspace(session, "TB")
        people = [_member(session, a, f"U{n}") for n in range(3)]
        stranger = _member(session, b, "U9")
        people[0].tz, people[1].tz, stranger.tz = "Europe/Copenhagen", "America/Nuuk", "Asia/Tokyo"
        session.flush()
        ids = {m.id for m in [*people, stranger] if m.id is not None}
        zones = queries.time_zones_of_members(session=session, workspace_id=_id_of(a), member_ids=ids)
    assert zones == {people[0].id: "Europe/Copenhagen", people[1].id: "America/Nuuk", people[2].id: None}


def _reminder(n: int) -> queries.NewMessage:
    return queries.NewMessage(
        dedupe_key=f"remind:draft:{n}:æøå", kind="notice", payload={"to": {"user": f"U{n}"}}, not_before=NOW
    )


# --- one live place per person per request ------------------------------------------------------------------------


def test_a_member_may_volunteer_again_after_withdrawing_but_holds_one_live_place(any_engine: Engine) -> None:
    with transaction(any_engine) as session:
        workspace = _workspace(session, "TA")
        owner, carol = _member(session, workspace, "U_OWNER"), _member(session, workspace, "U_CAROL")
        request = _request(session, workspace, owner)
        first = _volunteer(session, request, carol)

    def withdraw(volunteer: Volunteer) -> None:
        with transaction(any_engine) as session:
            volunteer.state = VolunteerState.WITHDRAWN
            volunteer.withdrawn_at = NOW
            session.add(volunteer)

    withdraw(first)
    with transaction(any_engine) as session:
        second = _volunteer(session, request, carol)

    with pytest.raises(IntegrityError), transaction(any_engine) as session:
        _volunteer(session, request, carol, state=VolunteerState.WAITLISTED)

    withdraw(second)
    with transaction(any_engine) as session:
        _volunteer(session, request, carol, state=VolunteerState.WAITLISTED)

    with transaction(any_engine) as session:
        states = session.exec(
            select(Volunteer.state).where(Volunteer.member_id == carol.id).order_by(col(Volunteer.id))
        ).all()
    assert states == [VolunteerState.WITHDRAWN, VolunteerState.WITHDRAWN, VolunteerState.WAITLISTED]


# --- concurrency --------------------------------------------------------------------------------------------------


def test_concurrent_request_number_allocations_are_distinct(any_engine: Engine) -> None:
    threads, per_thread = 2, 20
    with transaction(any_engine) as session:
        workspace_id = _id_of(_workspace(session, "TA"))
    start = threading.Barrier(threads)

    def allocate_many() -> list[int]:
        start.wait()
        numbers = []
        for _ in range(per_thread):
            with transaction(any_engine) as session:
                # Read before writing, as handlers do: a deferred SQLite transaction would fail here with
                # "database is locked" once the other thread commits; BEGIN IMMEDIATE makes it wait instead.
                session.exec(select(Workspace).where(Workspace.id == workspace_id)).one()
                numbers.append(queries.allocate_request_number(session=session, workspace_id=workspace_id))
        return numbers

    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = [future.result(timeout=60) for future in [pool.submit(allocate_many) for _ in range(threads)]]

    allocated = [number for numbers in results for number in numbers]
    assert sorted(allocated) == list(range(1, threads * per_thread + 1))
    assert all(numbers == sorted(numbers) for numbers in results)
    with any_engine.connect() as connection:
        last = connection.execute(
            sa.select(col(Workspace.last_request_number)).where(col(Workspace.id) == workspace_id)
        ).scalar_one()
    assert last == threads * per_thread
