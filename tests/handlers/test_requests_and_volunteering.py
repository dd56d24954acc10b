"""Posting requests and volunteering, with the handlers called directly on a real migrated database: request
numbers, who may post, deadlines in the workspace's time zone, places and waiting lines (also per part), closing,
the outbox rows each change queues, and refusals that leave the database exactly as it was."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from factories import (
    NOW,
    OWNER,
    MutableClock,
    ctx_for,
    new_request,
    notices_to,
    outbox,
    posted_request,
    row_counts,
    run_as,
    snapshot,
    submit,
    volunteer,
    withdraw,
)
from sqlalchemy import Engine

from bot.runtime.cobot import create_app
from bot.runtime.config import Settings
from bot.runtime.outbox import OutboxSender
from handlers import texts
from handlers.context import Ctx, Policy
from handlers.requests import (
    NewRequest,
    close_request,
    create_request,
    list_open_requests,
    my_requests,
)
from handlers.results import Day, Notice, Reply, Text, UserFacingError, UserRef
from handlers.volunteering import volunteer_for_request, withdraw_from_request
from storage.db import transaction
from storage.models import RequestStatus, VolunteerState

ANNA, BO, CARL, DINA, EVA = "U0ANNA", "U0BO", "U0CARL", "U0DINA", "U0EVA"
ADMIN = "U0ADMIN"


def refused(
    engine: Engine,
    user_id: str,
    action: Callable[[Ctx], Reply],
    *,
    policy: Policy | None = None,
    now: datetime = NOW,
) -> Text:
    with pytest.raises(UserFacingError) as caught:
        run_as(engine, user_id, action, policy=policy, now=now)
    return caught.value.text


def close(number: int) -> Callable[[Ctx], Reply]:
    return lambda ctx: close_request(ctx, number=number)


def join(number: int, part: str | None = None) -> Callable[[Ctx], Reply]:
    return lambda ctx: volunteer_for_request(ctx, number=number, part=part)


def leave(number: int, *, via: str = "command") -> Callable[[Ctx], Reply]:
    return lambda ctx: withdraw_from_request(ctx, number=number, via=via)


# --- posting ---------------------------------------------------------------------------------------------


def test_request_numbers_start_at_one_in_each_workspace_and_never_repeat(any_engine: Engine) -> None:
    with transaction(any_engine) as session:
        reply = create_request(
            ctx_for(session, OWNER), NewRequest(title="Ten SEO tips", deadline=date(2026, 12, 10)), channel_id="C1"
        )
    assert reply.texts[0].msgid == texts.REQUEST_CREATED
    assert dict(reply.texts[0].params) == {"number": 1, "title": "Ten SEO tips", "deadline": Day(date(2026, 12, 10))}

    with ThreadPoolExecutor(max_workers=6) as pool:  # people posting at the same moment get distinct numbers
        numbers = sorted(pool.map(lambda _: posted_request(any_engine), range(6)))
    assert numbers == [2, 3, 4, 5, 6, 7]
    assert posted_request(any_engine, workspace="T2") == 1
    assert posted_request(any_engine) == 8


def test_title_and_brief_are_stored_trimmed_and_shown_on_the_card(engine: Engine) -> None:
    number = posted_request(
        engine, title="  Ten SEO tips  ", brief="  Write for beginners.  ", skills=("SEO", "writing")
    )
    card = snapshot(engine, number).card
    assert (card.title, card.brief, card.skills, card.owner) == (
        "Ten SEO tips",
        "Write for beginners.",
        ("SEO", "writing"),
        OWNER,
    )
    assert card.status is RequestStatus.OPEN


def test_only_listed_creators_and_admins_may_post_when_creators_are_limited(engine: Engine) -> None:
    policy = Policy(creators=frozenset({"U0MARKETER"}), admins=frozenset({ADMIN, "U0BOSS"}))
    post = lambda ctx: create_request(ctx, NewRequest("Ten tips", date(2026, 12, 10)), channel_id="C1")  # noqa: E731
    text = refused(engine, ANNA, post, policy=policy)
    assert text.msgid == texts.NOT_ALLOWED_TO_CREATE
    assert text.params["admins"] == "U0ADMIN, U0BOSS"
    assert run_as(engine, "U0MARKETER", post, policy=policy).texts[0].params["number"] == 1
    assert run_as(engine, ADMIN, post, policy=policy).texts[0].params["number"] == 2
    # Without admins the refusal still says whom to ask.
    text = refused(engine, ANNA, post, policy=Policy(creators=frozenset()))
    assert text.params["admins"] == "your Cobot admin"


COPENHAGEN = Policy(timezone=ZoneInfo("Europe/Copenhagen"))


@pytest.mark.parametrize(
    ("now", "policy", "deadline", "allowed"),
    [
        # 22:30 UTC on 30 November is 23:30 in Copenhagen: still the 30th there.
        (datetime(2026, 11, 30, 22, 30, tzinfo=UTC), COPENHAGEN, date(2026, 11, 30), True),
        # 23:30 UTC on 30 November is already 1 December in Copenhagen: the 30th has passed.
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), COPENHAGEN, date(2026, 11, 30), False),
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), COPENHAGEN, date(2026, 12, 1), True),
        # The same moment in a workspace on UTC is still the 30th.
        (datetime(2026, 11, 30, 23, 30, tzinfo=UTC), Policy(timezone=ZoneInfo("UTC")), date(2026, 11, 30), True),
        (NOW, COPENHAGEN, date(2026, 11, 22), False),
    ],
    ids=["late on the 30th", "just past midnight: the 30th is gone", "just past midnight: the 1st", "UTC", "yesterday"],
)
def test_a_deadline_from_today_on_in_the_workspace_time_zone_is_accepted(
    engine: Engine, now: datetime, policy: Policy, deadline: date, allowed: bool
) -> None:
    post = lambda ctx: create_request(ctx, NewRequest("Ten tips", deadline), channel_id="C1")  # noqa: E731
    if allowed:
        assert run_as(engine, OWNER, post, now=now, policy=policy).texts[0].msgid == texts.REQUEST_CREATED
    else:
        text = refused(engine, OWNER, post, now=now, policy=policy)
        assert (text.msgid, text.params["value"]) == (texts.DATE_IN_PAST, deadline.isoformat())
        assert row_counts(engine)["content_request"] == 0


@pytest.mark.parametrize(
    ("new", "msgid"),
    [
        (NewRequest("   ", date(2026, 12, 10)), texts.MISSING_TITLE),
        (NewRequest("x" * 121, date(2026, 12, 10)), texts.TITLE_TOO_LONG),
        (NewRequest("ok", date(2026, 12, 10), brief="b" * 2501), texts.BRIEF_TOO_LONG),
        (NewRequest("ok", date(2026, 12, 10), format="   "), texts.BAD_FORMAT),
        (NewRequest("ok", date(2026, 12, 10), format="f" * 41), texts.BAD_FORMAT),
        (NewRequest("ok", date(2026, 12, 10), needs=0), texts.BAD_NEEDS),
        (NewRequest("ok", date(2026, 12, 10), needs=51), texts.BAD_NEEDS),
        (NewRequest("ok", date(2026, 12, 10), parts=tuple(f"p{i}" for i in range(41))), texts.TOO_MANY_PARTS),
        (NewRequest("ok", date(2026, 12, 10), parts=("fine", "p" * 71)), texts.PART_NAME_TOO_LONG),
        (NewRequest("ok", date(2026, 12, 10), derived_from=99), texts.REQUEST_NOT_FOUND),
    ],
    ids=[
        "blank title",
        "long title",
        "long brief",
        "blank format",
        "long format",
        "needs 0",
        "needs 51",
        "41 parts",
        "long part name",
        "unknown origin",
    ],
)
def test_a_request_that_breaks_a_limit_is_refused_and_nothing_is_posted(
    engine: Engine, new: NewRequest, msgid: str
) -> None:
    text = refused(engine, OWNER, lambda ctx: create_request(ctx, new, channel_id="C1"))
    assert text.msgid == msgid
    assert outbox(engine) == []
    assert posted_request(engine) == 1  # the refused attempt used up no number


def test_the_limits_themselves_are_allowed(engine: Engine) -> None:
    new = NewRequest(
        "x" * 120,
        date(2026, 12, 10),
        brief="b" * 2500,
        format="f" * 40,
        needs=50,
        parts=tuple(f"{i:02d}" + "p" * 68 for i in range(40)),
    )
    assert run_as(engine, OWNER, lambda ctx: create_request(ctx, new, channel_id="C1")).texts[0].params["number"] == 1
    assert len(snapshot(engine, 1).card.parts) == 40


def test_needs_sets_the_places_and_the_policy_default_applies_without_it(engine: Engine) -> None:
    three = posted_request(engine, needs=3)
    default = posted_request(engine, policy=Policy(default_volunteers_needed=2))
    assert snapshot(engine, three).card.needed == 3
    assert snapshot(engine, default).card.needed == 2
    for user in (ANNA, BO, CARL, DINA):
        volunteer(engine, user, three)
    card = snapshot(engine, three).card
    assert [h.user_id for h in card.holders] == [ANNA, BO, CARL]
    assert card.waiting == (DINA,)


# --- places and waiting lines -----------------------------------------------------------------------------


def test_places_fill_in_order_then_people_wait_in_line_and_move_up_in_order(any_engine: Engine) -> None:
    number = posted_request(any_engine, needs=2)
    replies = [volunteer(any_engine, user, number) for user in (ANNA, BO, CARL, DINA)]
    assert [r.texts[0].msgid for r in replies] == [
        texts.VOLUNTEERED,
        texts.VOLUNTEERED,
        texts.WAITLISTED,
        texts.WAITLISTED,
    ]
    assert [r.texts[0].params.get("position") for r in replies[2:]] == [1, 2]
    card = snapshot(any_engine, number).card
    assert [h.user_id for h in card.holders] == [ANNA, BO]
    assert card.waiting == (CARL, DINA)

    again = refused(any_engine, DINA, join(number))
    assert (again.msgid, again.params["position"]) == (texts.ALREADY_WAITING, 2)
    assert refused(any_engine, ANNA, join(number)).msgid == texts.ALREADY_VOLUNTEERED

    assert withdraw(any_engine, ANNA, number).texts[0].msgid == texts.WITHDRAWN
    card = snapshot(any_engine, number).card
    assert [h.user_id for h in card.holders] == [BO, CARL]
    assert card.waiting == (DINA,)
    (promoted,) = notices_to(any_engine, CARL)
    notice = Notice.from_json(promoted.payload["notice"])
    assert notice.text.msgid == texts.PROMOTED_NOTICE
    assert notice.text.params["number"] == number
    assert promoted.request_id == snapshot(any_engine, number).request.id
    assert notices_to(any_engine, DINA) == []
    assert refused(any_engine, DINA, join(number)).params["position"] == 1

    withdraw(any_engine, BO, number)
    card = snapshot(any_engine, number).card
    assert [h.user_id for h in card.holders] == [CARL, DINA]
    assert card.waiting == ()
    assert len(notices_to(any_engine, DINA)) == 1


def test_leaving_the_line_promotes_nobody_and_the_next_in_line_moves_up_a_number(engine: Engine) -> None:
    number = posted_request(engine)
    for user in (ANNA, BO, CARL):
        volunteer(engine, user, number)
    assert withdraw(engine, BO, number).texts[0].msgid == texts.LEFT_WAITLIST
    card = snapshot(engine, number).card
    assert [h.user_id for h in card.holders] == [ANNA]
    assert card.waiting == (CARL,)
    assert refused(engine, CARL, join(number)).params["position"] == 1
    assert notices_to(engine, CARL) == []


def test_stepping_back_twice_or_without_a_place_gets_a_polite_answer(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    withdraw(engine, ANNA, number)
    assert refused(engine, ANNA, leave(number)).msgid == texts.ALREADY_WITHDRAWN
    assert refused(engine, BO, leave(number)).msgid == texts.NOT_A_VOLUNTEER
    assert refused(engine, BO, join(99)).msgid == texts.REQUEST_NOT_FOUND
    # Coming back after stepping back is fine, at the end of the line.
    volunteer(engine, BO, number)
    assert volunteer(engine, ANNA, number).texts[0].msgid == texts.WAITLISTED
    assert snapshot(engine, number).card.waiting == (ANNA,)


def test_taking_back_a_reaction_does_not_throw_away_a_handed_in_draft(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number, via="reaction")
    submit(engine, ANNA, number)
    text = refused(engine, ANNA, leave(number, via="reaction"))
    assert (text.msgid, text.params["owner"]) == (texts.CANNOT_WITHDRAW_AFTER_DRAFT, UserRef(OWNER))
    assert withdraw(engine, ANNA, number, via="command").texts[0].msgid == texts.WITHDRAWN


PARTS = ("E-mail marketing", "Content marketing", "SEO", "SEO for shops", "Analytics")


def test_parts_are_picked_by_number_by_name_or_by_a_unique_piece_of_a_name(engine: Engine) -> None:
    number = posted_request(engine, title="E-book", parts=PARTS)
    by_number = volunteer(engine, ANNA, number, "2").texts[0]
    assert by_number.msgid == texts.VOLUNTEERED_PART
    assert (by_number.params["position"], by_number.params["part"]) == (2, "Content marketing")
    assert volunteer(engine, BO, number, "#3").texts[0].params["part"] == "SEO"
    # "seo" names part 3 exactly, although "SEO for shops" contains it too; part 3 is taken, so CARL waits.
    assert volunteer(engine, CARL, number, "seo").texts[0].msgid == texts.WAITLISTED
    assert volunteer(engine, DINA, number, "shops").texts[0].params["part"] == "SEO for shops"

    ambiguous = refused(engine, EVA, join(number, "marketing"))
    assert ambiguous.msgid == texts.PART_NOT_FOUND
    assert ambiguous.params["value"] == "marketing"
    assert ambiguous.params["parts"] == (
        "1. E-mail marketing, 2. Content marketing (full), 3. SEO (full), 4. SEO for shops (full), 5. Analytics"
    )
    assert refused(engine, EVA, join(number, "9")).msgid == texts.PART_NOT_FOUND
    assert refused(engine, EVA, join(number, "²")).msgid == texts.PART_NOT_FOUND
    required = refused(engine, EVA, join(number))
    assert required.msgid == texts.PART_REQUIRED
    assert "5. Analytics" in str(required.params["parts"])
    assert volunteer(engine, EVA, number, "ANALYTICS").texts[0].params["position"] == 5

    parts = snapshot(engine, number).card.parts
    assert [(p.name, [h.user_id for h in p.holders], p.waiting) for p in parts] == [
        ("E-mail marketing", [], ()),
        ("Content marketing", [ANNA], ()),
        ("SEO", [BO], (CARL,)),
        ("SEO for shops", [DINA], ()),
        ("Analytics", [EVA], ()),
    ]
    # A place opening on one part goes to whoever waits for that part.
    withdraw(engine, BO, number)
    seo = snapshot(engine, number).card.parts[2]
    assert ([h.user_id for h in seo.holders], seo.waiting) == ([CARL], ())
    assert len(notices_to(engine, CARL)) == 1


def test_a_request_without_parts_refuses_a_part_and_a_single_part_needs_no_choice(engine: Engine) -> None:
    plain_request = posted_request(engine)
    single = posted_request(engine, parts=("Everything",))
    assert refused(engine, ANNA, join(plain_request, "1")).msgid == texts.REQUEST_HAS_NO_PARTS
    assert volunteer(engine, ANNA, single).texts[0].params["part"] == "Everything"


# --- lists ------------------------------------------------------------------------------------------------


def test_list_shows_open_requests_soonest_deadline_first_with_their_places(engine: Engine) -> None:
    later = posted_request(engine, title="Later", deadline=date(2026, 12, 20), needs=2)
    sooner = posted_request(engine, title="Sooner", deadline=date(2026, 12, 1), parts=("A", "B"))
    closed = posted_request(engine, title="Closed")
    run_as(engine, OWNER, close(closed))
    volunteer(engine, ANNA, later)
    reply = run_as(engine, BO, lambda ctx: list_open_requests(ctx))
    header, *items = reply.texts
    assert (header.msgid, header.params["count"]) == (texts.LIST_HEADER, 2)
    assert [(i.params["number"], i.params["filled"], i.params["needed"]) for i in items] == [
        (sooner, 0, 2),
        (later, 1, 2),
    ]
    assert refused(engine, BO, lambda ctx: list_open_requests(ctx, page=2)).msgid == texts.LIST_PAGE_EMPTY


def test_mine_shows_what_you_own_and_where_you_wait(engine: Engine) -> None:
    number = posted_request(engine, title="Ten tips")
    volunteer(engine, ANNA, number)
    volunteer(engine, BO, number)
    assert run_as(engine, CARL, my_requests).texts[0].msgid == texts.MINE_EMPTY
    owned = run_as(engine, OWNER, my_requests).texts
    assert [t.msgid for t in owned] == [texts.MINE_OWNED_HEADER, texts.MINE_ITEM_OWNED]
    helping = run_as(engine, BO, my_requests).texts
    assert helping[1].params["state"] == Text(texts.STATE_WAITLISTED)


# --- closing ----------------------------------------------------------------------------------------------


def test_closing_is_for_the_owner_who_is_not_told_about_their_own_close(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    volunteer(engine, OWNER, number)  # the owner helps on their own request too
    volunteer(engine, ANNA, number)

    only_owner = refused(engine, ANNA, close(number))
    assert (only_owner.msgid, only_owner.params["owner"]) == (texts.ONLY_OWNER_CLOSE, UserRef(OWNER))
    assert snapshot(engine, number).card.status is RequestStatus.OPEN
    assert run_as(engine, OWNER, close(number)).texts[0].msgid == texts.REQUEST_CLOSED

    assert snapshot(engine, number).card.status is RequestStatus.CLOSED
    (closed_notice,) = notices_to(engine, ANNA)
    assert Notice.from_json(closed_notice.payload["notice"]).text.params["owner"] == UserRef(OWNER)
    assert notices_to(engine, OWNER) == []


def test_closing_notifies_every_active_volunteer_but_not_the_waiting_ones(engine: Engine) -> None:
    number = posted_request(engine, needs=2)
    for user in (ANNA, BO, CARL):
        volunteer(engine, user, number)
    run_as(engine, OWNER, close(number))
    told = {
        m.payload["to"]["user"]
        for m in outbox(engine, kind="notice")
        if Notice.from_json(m.payload["notice"]).text.msgid == texts.REQUEST_CLOSED_NOTICE
    }
    assert told == {ANNA, BO}
    closed = refused(engine, DINA, join(number))
    assert (closed.msgid, closed.params["status"]) == (texts.REQUEST_NOT_OPEN, Text(texts.STATUS_CLOSED))
    assert refused(engine, OWNER, close(number)).msgid == texts.ALREADY_CLOSED


def test_an_admin_may_close_someone_elses_request(engine: Engine) -> None:
    number = posted_request(engine)
    policy = Policy(admins=frozenset({ADMIN}))
    assert run_as(engine, ADMIN, close(number), policy=policy).texts[0].msgid == texts.REQUEST_CLOSED


def test_stepping_back_from_a_closed_request_offers_nobody_the_place(engine: Engine) -> None:
    number = posted_request(engine)
    volunteer(engine, ANNA, number)
    volunteer(engine, BO, number)
    run_as(engine, OWNER, close(number))
    withdraw(engine, ANNA, number)
    # BO must not be told "a place opened up and it's yours" on a request that takes no drafts.
    assert notices_to(engine, BO) == []
    assert [p.state for p in snapshot(engine, number).places] == [VolunteerState.WITHDRAWN, VolunteerState.WAITLISTED]


# --- outbox -----------------------------------------------------------------------------------------------


def test_each_change_queues_the_expected_outbox_rows_and_one_card_refresh_waits_for_many(engine: Engine) -> None:
    number = posted_request(engine, needs=1)
    request_id = snapshot(engine, number).request.id
    for user in (ANNA, BO):
        volunteer(engine, user, number)
    withdraw(engine, ANNA, number)  # BO moves up

    rows = outbox(engine)
    workspace_id = rows[0].workspace_id
    assert [(m.kind, m.dedupe_key) for m in rows if m.kind != "card"] == [
        ("profile", f"profile:{workspace_id}:{OWNER}"),
        ("profile", f"profile:{workspace_id}:{ANNA}"),
        ("profile", f"profile:{workspace_id}:{BO}"),
        ("notice", f"notice:{workspace_id}:promoted:{snapshot(engine, number).places[1].id}"),
    ]
    cards = [m for m in rows if m.kind == "card"]
    assert len(cards) == 1, "changes while a refresh waits ride along with it"
    assert cards[0].dedupe_key.startswith(f"card:{request_id}:")
    assert cards[0].payload == {"request_id": request_id}
    assert cards[0].request_id == request_id

    # Once a sender has claimed the refresh, it may already be rendering: a new change needs a new refresh.
    clock = MutableClock()
    claimed = OutboxSender(engine=engine, transports={}, clock=clock)._claim(50)
    assert cards[0].id in {m.id for m in claimed}
    volunteer(engine, CARL, number)
    cards = outbox(engine, kind="card")
    assert len(cards) == 2
    assert cards[0].dedupe_key != cards[1].dedupe_key


def test_a_refusal_leaves_the_database_exactly_as_it_was(engine: Engine) -> None:
    number = posted_request(engine, parts=("Intro", "Tips"))
    volunteer(engine, ANNA, number, "1")
    before = row_counts(engine)
    # A newcomer's first action would create their member row and a profile look-up: both must roll back.

    def take_part_two_then_a_missing_part() -> None:
        with transaction(engine) as session:
            ctx = ctx_for(session, "U0NEWBIE")
            volunteer_for_request(ctx, number=number, part="2")
            volunteer_for_request(ctx, number=number, part="Outro")

    with pytest.raises(UserFacingError):
        take_part_two_then_a_missing_part()
    assert row_counts(engine) == before
    assert [h.user_id for h in snapshot(engine, number).card.parts[1].holders] == []

    # The same through the composition root an adapter uses: a refused reply, and nothing written.
    cobot = create_app(Settings(), engine=engine, clock=lambda: NOW)
    reply = cobot.act(
        lambda ctx: create_request(ctx, NewRequest("Old news", date(2020, 1, 1)), channel_id="C1"),
        platform="slack",
        workspace="T1",
        user_id="U0SOMEONE",
    )
    assert reply.refusal
    assert reply.texts[0].msgid == texts.DATE_IN_PAST
    assert row_counts(engine) == before


def test_new_request_factory_posts_through_the_handler(engine: Engine) -> None:
    with transaction(engine) as session:
        request = new_request(ctx_for(session, OWNER), parts=("A",))
    assert request.number == 1
    assert snapshot(engine, 1).card.parts[0].name == "A"


def test_taking_back_a_reaction_leaves_a_place_taken_by_command_alone(engine: Engine) -> None:
    """Someone who volunteered by command and also reacted with ✋ keeps their place when the ✋ goes."""
    number = posted_request(engine)
    volunteer(engine, ANNA, number, via="command")
    assert withdraw(engine, ANNA, number, via="reaction").texts == ()
    assert refused(engine, ANNA, join(number)).msgid == texts.ALREADY_VOLUNTEERED
