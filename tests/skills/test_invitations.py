"""Invitations with the handlers called directly on a real migrated database: whom "Invite matching colleagues"
asks and whom it leaves out, the invitee's two buttons, what the owner is told, the owner's overview, opting
out, and fairness over many requests (SQLite and PostgreSQL for the core flow)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from factories import NOW, OWNER, notices_to, posted_request, row_counts, run_as, snapshot, volunteer
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from bot.runtime.config import DEFAULT_SKILL_SYNONYMS
from handlers import texts
from handlers.actions import press
from handlers.context import Ctx, Policy
from handlers.invitations import (
    ASK_WINDOW,
    answer_invitation,
    invite_matching,
    list_invitations,
    set_invitations,
)
from handlers.preferences import MAX_ASKS_PER_MONTH, set_ask_limit
from handlers.requests import close_request
from handlers.results import ActionKind, Moment, Notice, Reply, Text, UserFacingError, UserRef, t
from handlers.skills import add_skills
from storage.db import transaction
from storage.models import ContentRequest, Invitation, InvitationAnswer, Member, Workspace

ANNA, BO, CARL, DINA, EVA, FRED, GUS = "U0ANNA", "U0BO", "U0CARL", "U0DINA", "U0EVA", "U0FRED", "U0GUS"
ADMIN = "U0ADMIN"
SYNONYMS = tuple(sorted(DEFAULT_SKILL_SYNONYMS.items()))


def policy(**fields: Any) -> Policy:
    return Policy(skill_synonyms=SYNONYMS, admins=frozenset({ADMIN}), **fields)


POLICY = policy()


def act(
    engine: Engine, user: str, action: Callable[[Ctx], Reply], *, pol: Policy = POLICY, now: datetime = NOW
) -> Reply:
    return run_as(engine, user, action, policy=pol, now=now)


def refused(engine: Engine, user: str, action: Callable[[Ctx], Reply], *, pol: Policy = POLICY) -> Text:
    with pytest.raises(UserFacingError) as caught:
        act(engine, user, action, pol=pol)
    return caught.value.text


def person(engine: Engine, user: str, department: str | None, *skills: str) -> None:
    """A colleague with a department (set by hand: it comes from profiles, not commands) and skills."""
    act(engine, user, lambda ctx: add_skills(ctx, skills=skills) if skills else Reply(()))
    with transaction(engine) as session:
        member = session.exec(select(Member).where(Member.user_id == user)).one()
        member.department = department
        session.add(member)


def invite(number: int, *, pol: Policy = POLICY, now: datetime = NOW, user: str = OWNER) -> Callable[[Engine], Reply]:
    return lambda engine: act(engine, user, lambda ctx: invite_matching(ctx, number=number), pol=pol, now=now)


def answer(engine: Engine, user: str, invitation_id: int, *, accept: bool) -> Reply:
    return act(engine, user, lambda ctx: answer_invitation(ctx, invitation_id=invitation_id, accept=accept))


def invitations(engine: Engine) -> list[tuple[str, int, InvitationAnswer]]:
    """(invitee, request number, answer) for every invitation, oldest first."""
    with Session(engine) as session:
        rows = session.exec(select(Invitation).order_by(col(Invitation.id))).all()
        users = {m.id: m.user_id for m in session.exec(select(Member)).all()}
        numbers = {r.id: r.number for r in session.exec(select(ContentRequest)).all()}
        return [(users[i.member_id], numbers[i.request_id], i.answer) for i in rows]


def invitation_id(engine: Engine, user: str, number: int) -> int:
    with Session(engine) as session:
        row = session.exec(
            select(Invitation)
            .join(Member, col(Member.id) == col(Invitation.member_id))
            .join(ContentRequest, col(ContentRequest.id) == col(Invitation.request_id))
            .where(Member.user_id == user, ContentRequest.number == number)
        ).one()
        assert row.id is not None
        return row.id


def invited_people(reply: Reply) -> list[str]:
    people = reply.texts[0].params["people"]
    assert isinstance(people, Text)
    return [p.user_id for p in people.params.values() if isinstance(p, UserRef)]


def dms(engine: Engine, user: str) -> list[Notice]:
    return [Notice.from_json(m.payload["notice"]) for m in notices_to(engine, user)]


# --- whom it asks ------------------------------------------------------------------------------------------


def test_invite_asks_matching_colleagues_and_leaves_out_owner_volunteers_opted_out_and_over_the_limit(
    any_engine: Engine,
) -> None:
    engine = any_engine
    person(engine, OWNER, "marketing", "SEO")  # the owner knows SEO too: never invited to their own request
    person(engine, ANNA, "sales", "seo")  # volunteers first
    person(engine, BO, "sales", "seo")  # opted out
    person(engine, CARL, "support", "søgemaskineoptimering")  # a synonym of seo
    person(engine, DINA, "finance", "seo")  # asked 4 times in the last 30 days
    person(engine, EVA, "support", "video")  # no matching skill
    person(engine, FRED, None, "SEO ")
    person(engine, GUS, "finance", "seo")  # asked 4 times, but longer than 30 days ago
    act(engine, BO, lambda ctx: set_invitations(ctx, value="off"))
    for user, days_ago in ((DINA, 29), (GUS, 31)):
        for _ in range(4):
            earlier = posted_request(engine, owner=EVA, skills=("seo",), policy=POLICY)
            _ask_by_hand(engine, user, earlier, asked_at=NOW - timedelta(days=days_ago))
    number = posted_request(engine, title="Ten SEO tips", skills=("Search Engine Optimisation", "PPC"), policy=POLICY)
    volunteer(engine, ANNA, number)

    reply = invite(number, pol=policy(invite_count=10))(engine)

    assert set(invited_people(reply)) == {CARL, FRED, GUS}
    assert reply.texts == (
        t(texts.INVITE_SENT, people=reply.texts[0].params["people"], number=number, title="Ten SEO tips"),
    )
    for user in (OWNER, ANNA, BO, DINA, EVA):
        assert not any(n.text.msgid == texts.INVITATION_NOTICE for n in dms(engine, user)), user
    [notice] = dms(engine, CARL)
    invite_id = str(invitation_id(engine, CARL, number))
    assert notice.text == t(
        texts.INVITATION_NOTICE,
        owner=UserRef(OWNER),
        number=number,
        title="Ten SEO tips",
        deadline=notice.text.params["deadline"],
        skills="seo",
    )
    assert [(a.kind, a.value, a.label) for a in notice.actions] == [
        (ActionKind.ACCEPT_INVITATION, invite_id, texts.BUTTON_ACCEPT_INVITATION),
        (ActionKind.DECLINE_INVITATION, invite_id, texts.BUTTON_DECLINE_INVITATION),
    ]
    assert [(u, a) for u, n, a in invitations(engine) if n == number] == [
        (u, InvitationAnswer.PENDING) for u in invited_people(reply)
    ]


def _ask_by_hand(engine: Engine, user: str, number: int, *, asked_at: datetime) -> None:
    """An invitation from the past (the clock cannot run backwards through the handlers)."""
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace)).one()
        member = session.exec(select(Member).where(Member.user_id == user)).one()
        request = session.exec(select(ContentRequest).where(ContentRequest.number == number)).one()
        assert workspace.id and member.id and request.id
        session.add(
            Invitation(workspace_id=workspace.id, request_id=request.id, member_id=member.id, asked_at=asked_at)
        )


def test_invite_asks_the_configured_number_and_pressing_again_asks_the_next_ones(engine: Engine) -> None:
    for user, department in ((ANNA, "sales"), (BO, "sales"), (CARL, "support"), (DINA, "finance"), (FRED, None)):
        person(engine, user, department, "seo")
    number = posted_request(engine, skills=("seo",), policy=POLICY)
    pol = policy(invite_count=2)

    first = invite(number, pol=pol)(engine)
    second = invite(number, pol=pol)(engine)
    third = invite(number, pol=pol)(engine)
    fourth = invite(number, pol=pol)(engine)

    # one from each department first, then the person without one, then the involved department again
    assert invited_people(first) == [ANNA, CARL]
    assert invited_people(second) == [DINA, FRED]
    assert invited_people(third) == [BO]
    assert fourth.texts == (t(texts.INVITE_NOBODY, number=number, skills="seo", count=4),)
    assert not fourth.refusal


def test_volunteer_button_takes_a_place_and_tells_the_owner_once(any_engine: Engine) -> None:
    engine = any_engine
    person(engine, ANNA, "sales", "seo")
    number = posted_request(engine, title="Ten SEO tips", skills=("seo",), policy=POLICY)
    invite(number)(engine)
    invite_id = invitation_id(engine, ANNA, number)

    reply = act(engine, ANNA, lambda ctx: press(ctx, ActionKind.ACCEPT_INVITATION, str(invite_id)))

    assert reply.texts[0].msgid == texts.VOLUNTEERED
    snap = snapshot(engine, number)
    assert [(p.via, p.state.value) for p in snap.places] == [("invitation", "active")]
    assert invitations(engine) == [(ANNA, number, InvitationAnswer.VOLUNTEERED)]
    told = [n.text for n in dms(engine, OWNER)]
    assert told == [t(texts.INVITATION_YES_FOR_OWNER, user=UserRef(ANNA), number=number, title="Ten SEO tips")]

    again = act(engine, ANNA, lambda ctx: press(ctx, ActionKind.ACCEPT_INVITATION, str(invite_id)))
    assert again.texts == (t(texts.INVITATION_ALREADY_ON, number=number),)
    no = refused(engine, ANNA, lambda ctx: press(ctx, ActionKind.DECLINE_INVITATION, str(invite_id)))
    assert no == t(texts.INVITATION_DECLINE_AFTER_YES, number=number)
    assert len(dms(engine, OWNER)) == 1


def test_not_this_time_is_final_for_that_request_and_the_owner_is_told(any_engine: Engine) -> None:
    engine = any_engine
    person(engine, ANNA, "sales", "seo")
    person(engine, BO, "support", "seo")
    number = posted_request(engine, title="Ten SEO tips", skills=("seo",), policy=POLICY)
    invite(number, pol=policy(invite_count=1))(engine)
    invite_id = invitation_id(engine, ANNA, number)

    reply = answer(engine, ANNA, invite_id, accept=False)

    assert reply.texts == (t(texts.INVITATION_DECLINED, number=number),)
    assert [n.text for n in dms(engine, OWNER)] == [
        t(texts.INVITATION_NO_FOR_OWNER, user=UserRef(ANNA), number=number, title="Ten SEO tips")
    ]
    assert answer(engine, ANNA, invite_id, accept=False).texts == (t(texts.INVITATION_ALREADY_DECLINED, number=number),)
    assert len(dms(engine, OWNER)) == 1

    later = invite(number, now=NOW + timedelta(days=40))(engine)
    assert invited_people(later) == [BO]
    assert invite(number, now=NOW + timedelta(days=80))(engine).texts[0].msgid == texts.INVITE_NOBODY
    assert [u for u, _, _ in invitations(engine)] == [ANNA, BO]

    # Changing one's mind is still possible: the old button volunteers them and the owner hears it.
    assert answer(engine, ANNA, invite_id, accept=True).texts[0].msgid == texts.VOLUNTEERED
    assert dms(engine, OWNER)[-1].text.msgid == texts.INVITATION_YES_FOR_OWNER


def test_a_request_with_parts_asks_the_invitee_to_pick_one_and_the_invitation_stays_open(engine: Engine) -> None:
    person(engine, ANNA, "sales", "seo")
    number = posted_request(engine, skills=("seo",), parts=("Intro", "Tips"), policy=POLICY)
    invite(number)(engine)
    invite_id = invitation_id(engine, ANNA, number)
    before = row_counts(engine)

    refusal = refused(engine, ANNA, lambda ctx: answer_invitation(ctx, invitation_id=invite_id, accept=True))

    assert refusal.msgid == texts.PART_REQUIRED
    assert row_counts(engine) == before
    assert invitations(engine) == [(ANNA, number, InvitationAnswer.PENDING)]

    volunteer(engine, ANNA, number, "2")  # as the hint says
    overview = act(engine, OWNER, lambda ctx: list_invitations(ctx, number=number))
    assert overview.texts[1].params["answer"] == t(texts.ANSWER_VOLUNTEERED)


def test_only_the_invitee_can_answer_and_unknown_invitations_are_refused(engine: Engine) -> None:
    person(engine, ANNA, "sales", "seo")
    number = posted_request(engine, skills=("seo",), policy=POLICY)
    invite(number)(engine)
    invite_id = invitation_id(engine, ANNA, number)
    before = row_counts(engine)

    assert refused(engine, BO, lambda ctx: answer_invitation(ctx, invitation_id=invite_id, accept=True)) == t(
        texts.INVITATION_NOT_YOURS, user=UserRef(ANNA), number=number
    )
    for bad in (invite_id + 1000, 2**40):
        assert refused(engine, ANNA, lambda ctx, bad=bad: answer_invitation(ctx, invitation_id=bad, accept=True)) == t(
            texts.INVITATION_NOT_FOUND
        )
    assert refused(engine, ANNA, lambda ctx: press(ctx, ActionKind.DECLINE_INVITATION, "x1")) == t(
        texts.BAD_ID, value="x1"
    )
    # another workspace cannot see it
    with pytest.raises(UserFacingError) as caught:
        run_as(engine, ANNA, lambda ctx: answer_invitation(ctx, invitation_id=invite_id, accept=False), workspace="T2")
    assert caught.value.text == t(texts.INVITATION_NOT_FOUND)
    # press (INVITE_MATCHING) refuses what the command refuses
    assert refused(engine, BO, lambda ctx: press(ctx, ActionKind.INVITE_MATCHING, str(number))) == t(
        texts.ONLY_OWNER_INVITE, owner=UserRef(OWNER), number=number
    )
    assert row_counts(engine) == before


def test_invite_refuses_politely_and_changes_nothing(engine: Engine) -> None:
    person(engine, ANNA, "sales", "seo")
    no_skills = posted_request(engine, skills=(), policy=POLICY)
    with_skills = posted_request(engine, skills=("seo",), policy=POLICY)
    closed = posted_request(engine, skills=("seo",), policy=POLICY)
    act(engine, OWNER, lambda ctx: close_request(ctx, number=closed))
    before = row_counts(engine)

    assert refused(engine, OWNER, lambda ctx: invite_matching(ctx, number=no_skills)) == t(
        texts.INVITE_NO_SKILLS, number=no_skills
    )
    assert refused(engine, BO, lambda ctx: invite_matching(ctx, number=with_skills)) == t(
        texts.ONLY_OWNER_INVITE, owner=UserRef(OWNER), number=with_skills
    )
    assert refused(engine, OWNER, lambda ctx: invite_matching(ctx, number=closed)).msgid == texts.REQUEST_NOT_OPEN
    assert refused(engine, OWNER, lambda ctx: invite_matching(ctx, number=99)) == t(texts.REQUEST_NOT_FOUND, number=99)
    assert row_counts(engine) == before

    # an admin may invite for someone else's request
    assert invited_people(invite(with_skills, user=ADMIN)(engine)) == [ANNA]


def test_the_owner_sees_who_was_asked_and_how_they_answered(engine: Engine) -> None:
    for user, department in ((ANNA, "sales"), (BO, "support"), (CARL, "finance")):
        person(engine, user, department, "seo")
    number = posted_request(engine, title="Ten SEO tips", skills=("seo",), policy=POLICY)
    assert act(engine, OWNER, lambda ctx: list_invitations(ctx, number=number)).texts == (
        t(texts.INVITATIONS_NONE, number=number),
    )
    invite(number)(engine)
    answer(engine, ANNA, invitation_id(engine, ANNA, number), accept=True)
    answer(engine, BO, invitation_id(engine, BO, number), accept=False)

    overview = act(engine, OWNER, lambda ctx: list_invitations(ctx, number=number))

    assert overview.texts == (
        t(texts.INVITATIONS_HEADER, number=number, title="Ten SEO tips", count=3),
        t(texts.INVITATION_LINE, user=UserRef(ANNA), asked=Moment(NOW), answer=t(texts.ANSWER_VOLUNTEERED)),
        t(texts.INVITATION_LINE, user=UserRef(BO), asked=Moment(NOW), answer=t(texts.ANSWER_DECLINED)),
        t(texts.INVITATION_LINE, user=UserRef(CARL), asked=Moment(NOW), answer=t(texts.ANSWER_PENDING)),
    )
    assert refused(engine, CARL, lambda ctx: list_invitations(ctx, number=number)) == t(
        texts.ONLY_OWNER_INVITATIONS, owner=UserRef(OWNER), number=number
    )


def test_opting_out_and_back_in(engine: Engine) -> None:
    person(engine, ANNA, "sales", "seo")
    assert act(engine, ANNA, lambda ctx: set_invitations(ctx, value="fra")).texts == (t(texts.INVITATIONS_OFF),)
    number = posted_request(engine, skills=("seo",), policy=POLICY)
    assert invite(number)(engine).texts[0].msgid == texts.INVITE_NOBODY
    assert act(engine, ANNA, lambda ctx: set_invitations(ctx, value="ON")).texts == (t(texts.INVITATIONS_ON),)
    assert invited_people(invite(number)(engine)) == [ANNA]
    assert refused(engine, ANNA, lambda ctx: set_invitations(ctx, value="maybe")) == t(texts.USAGE_INVITATIONS)


def test_a_person_asked_once_a_month_is_not_asked_again_within_the_month_while_others_are(engine: Engine) -> None:
    person(engine, ANNA, "sales", "seo")
    person(engine, BO, "support", "seo")
    person(engine, CARL, "finance", "seo")
    assert act(engine, ANNA, lambda ctx: set_ask_limit(ctx, value="1")).texts == (t(texts.ASKS_SET, count=1),)
    assert act(engine, CARL, lambda ctx: set_ask_limit(ctx, value="never")).texts == (t(texts.ASKS_NEVER),)
    pol = policy(invite_count=3)
    asked = []
    for day in (0, 10, 20, 31):
        now = NOW + timedelta(days=day)
        number = posted_request(
            engine, skills=("seo",), deadline=(now + timedelta(days=14)).date(), now=now, policy=pol
        )
        asked.append(sorted(invited_people(invite(number, pol=pol, now=now)(engine))))

    # Anna once in the month and again after it, Bo every time, Carl never.
    assert asked == [[ANNA, BO], [BO], [BO], [ANNA, BO]]
    assert CARL not in {user for user, _, _ in invitations(engine)}


def test_the_ask_setting_is_checked_and_refused_politely(engine: Engine) -> None:
    person(engine, ANNA, "sales", "seo")
    act(engine, ANNA, lambda ctx: set_invitations(ctx, value="off"))
    for bad in ("-1", "21", "1000000", "2.5", "often", ""):
        assert refused(engine, ANNA, lambda ctx, bad=bad: set_ask_limit(ctx, value=bad)) == t(
            texts.USAGE_ASKS, max=MAX_ASKS_PER_MONTH
        )
    with Session(engine) as session:
        anna = session.exec(select(Member).where(Member.user_id == ANNA)).one()
        assert (anna.asks_per_month, anna.invitations_enabled) == (None, False)  # nothing was written

    # More than the workspace allows is accepted but changes nothing, and the reply says so.
    assert act(engine, ANNA, lambda ctx: set_ask_limit(ctx, value="9")).texts == (t(texts.ASKS_CAPPED, count=4),)
    assert act(engine, ANNA, lambda ctx: set_ask_limit(ctx, value="Standard")).texts == (
        t(texts.ASKS_DEFAULT, count=4),
    )
    # "never" and back on with `/cocreate invitations on`: the workspace's limit again, not never.
    act(engine, ANNA, lambda ctx: press(ctx, ActionKind.SET_ASKS, "0"))
    act(engine, ANNA, lambda ctx: set_invitations(ctx, value="on"))
    number = posted_request(engine, skills=("seo",), policy=POLICY)
    assert invited_people(invite(number)(engine)) == [ANNA]


# --- fairness over many requests -------------------------------------------------------------------------------

SEO_PEOPLE = {
    "U0S1": "sales",
    "U0S2": "sales",
    "U0S3": "sales",
    "U0P1": "support",
    "U0P2": "support",
    "U0P3": "support",
    "U0F1": "finance",
    "U0F2": "finance",
}


def _asks(engine: Engine) -> dict[str, list[datetime]]:
    with Session(engine) as session:
        users = {m.id: m.user_id for m in session.exec(select(Member)).all()}
        asked: dict[str, list[datetime]] = {user: [] for user in SEO_PEOPLE}
        for row in session.exec(select(Invitation)).all():
            asked[users[row.member_id]].append(row.asked_at)
        return asked


def test_thirty_requests_spread_the_asking_evenly_across_people_and_departments(engine: Engine) -> None:
    """30 requests for SEO, one every third day, 8 SEO people in 3 departments, two invitations each and nobody
    answering: everyone is asked 7 or 8 times, never more than 4 times in any 30 days, and every round asks two
    people from different departments (none of them the owner's)."""
    person(engine, OWNER, "marketing")
    for user, department in SEO_PEOPLE.items():
        person(engine, user, department, "SEO")
    pol = policy(invite_count=2, monthly_ask_limit=4)
    rounds: list[list[str]] = []
    for n in range(30):
        now = NOW + timedelta(days=3 * n)
        number = posted_request(
            engine, skills=("Søgemaskineoptimering",), deadline=(now + timedelta(days=14)).date(), now=now, policy=pol
        )
        rounds.append(invited_people(invite(number, pol=pol, now=now)(engine)))

    asked = _asks(engine)
    counts = {user: len(times) for user, times in asked.items()}
    assert sum(counts.values()) == 60
    assert max(counts.values()) - min(counts.values()) <= 1, counts
    for times in asked.values():
        for start in times:
            assert sum(1 for at in times if start <= at < start + ASK_WINDOW) <= 4
    assert all(len(chosen) == 2 and SEO_PEOPLE[chosen[0]] != SEO_PEOPLE[chosen[1]] for chosen in rounds), rounds


def test_a_burst_of_requests_stops_at_the_monthly_limit_for_everyone(engine: Engine) -> None:
    for user, department in SEO_PEOPLE.items():
        person(engine, user, department, "seo")
    pol = policy(invite_count=3, monthly_ask_limit=2)
    replies = []
    for n in range(8):
        now = NOW + timedelta(hours=n)
        number = posted_request(engine, skills=("seo",), now=now, policy=pol)
        replies.append(invite(number, pol=pol, now=now)(engine))

    assert {user: len(times) for user, times in _asks(engine).items()} == dict.fromkeys(SEO_PEOPLE, 2)
    assert [len(invited_people(r)) if r.texts[0].msgid == texts.INVITE_SENT else 0 for r in replies] == [
        3,
        3,
        3,
        3,
        3,
        1,
        0,
        0,
    ]
    # 30 days after the first asks, people can be asked again
    later = NOW + ASK_WINDOW + timedelta(days=1)
    number = posted_request(
        engine, skills=("seo",), deadline=(later + timedelta(days=14)).date(), now=later, policy=pol
    )
    assert len(invited_people(invite(number, pol=pol, now=later)(engine))) == 3
