"""Invitations: the owner asks Cobot to invite a few colleagues whose skills match a request, fairly.

Who is asked is decided by ``choose_invitees``, a pure function over plain values:

- Only people with at least one of the request's wanted skills (normalised, see ``handlers.skills``), and never
  the owner, anyone who has (or had) a place on the request, anyone already invited to it (whatever they
  answered, so "Not this time" is final for that request), anyone who opted out with
  ``/cocreate invitations off``, or anyone asked as often as they allow already in the last 30 days: their own
  ``/cocreate asks`` number (Home: "How often Cobot may invite you") when they chose one, but never more than the
  workspace's ``monthly_ask_limit``; 0 ("never") is as good as opting out.
- "Monthly" is a rolling window of 30 days (``ASK_WINDOW``), not the calendar month: with a calendar month
  someone could be asked the whole limit on the 31st and again on the 1st; a rolling window caps every stretch
  of 30 days, and needs no time zone to say when a month starts. Every invitation counts, whatever the answer.
- Ranking, best first, one pick at a time:
  1. asked the fewest times in the last year (``FAIRNESS_WINDOW``);
  2. from a department not yet involved in the request (the owner's, the volunteers' and the invited people's
     departments are involved, and each pick makes their department involved for the next), people without a
     department in between;
  3. among those, from the department with the most people still waiting at that level, so the last ones
     of a round are not left to pair with a colleague from their own department;
  4. least recently asked, never asked first;
  5. more of the wanted skills; 6. the lower member id, so the choice is stable.
- Why counts before departments and recency: spreading the asking is the point, and only an order led by how
  often people were asked keeps it even whatever the departments look like (everyone's count stays within one
  of everyone else's). Ranked by departments first, the one SEO person in a small department is asked on nearly
  every request while colleagues in a big one wait; ranked by recency first, departments still tip the ties in
  the same direction every round. A year rather than all time, so that a newcomer is not asked at the limit for
  months to catch up with people who have been around for years. Matching skills only break ties: the skills
  filter already makes everyone relevant, and ranking by matches higher would ask the people who list the most
  skills over and over.
- ``invite_count`` people are taken per press; pressing again asks the next ones.

Invitees get a DM with **Volunteer** and **Not this time**; the owner is told each answer by DM and can list
every invitation with ``/cocreate invitations <id>``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from handlers import notify, texts
from handlers.calendar import people_text
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.requests import require_owner_or_admin
from handlers.results import Action, ActionKind, Day, Moment, Notice, Reply, Text, UserFacingError, UserRef, t
from handlers.skills import normalise_all
from handlers.volunteering import volunteer_for_request
from storage import queries
from storage.models import (
    ContentRequest,
    Invitation,
    InvitationAnswer,
    Member,
    MemberSkill,
    Volunteer,
)

ASK_WINDOW = timedelta(days=30)
FAIRNESS_WINDOW = timedelta(days=365)
BRIEF_QUOTE_LIMIT = 500  # the invitation shows the start of the brief; the card has all of it


# --- choosing whom to ask (pure) ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person who might be invited, with what the choice needs to know about them."""

    member_id: int
    skills: frozenset[str]  # normalised
    department: str | None = None
    invitations_enabled: bool = True
    ask_limit: int | None = None  # the person's own limit for ASK_WINDOW (0: never); None: the workspace's
    asks_lately: int = 0  # invitations in the last ASK_WINDOW, any answer: the monthly limit
    asks_this_year: int = 0  # invitations in the last FAIRNESS_WINDOW: who is due
    last_asked_at: datetime | None = None


@dataclass(frozen=True)
class InviteSituation:
    """The request's side: what it wants and who is already involved."""

    wanted: frozenset[str]  # normalised
    excluded: frozenset[int] = frozenset()  # owner, past and present volunteers, already invited
    involved_departments: frozenset[str] = frozenset()
    count: int = 3
    ask_limit: int = 4


@dataclass(frozen=True)
class Choice:
    member_id: int
    matching: tuple[str, ...] = field(default=())  # the wanted skills this person has


def department_key(department: str | None) -> str | None:
    """Departments compare without case or extra spaces ("Customer  Service" is "customer service")."""
    if department is None:
        return None
    key = " ".join(department.casefold().split())
    return key or None


def effective_ask_limit(own: int | None, workspace: int) -> int:
    """How often someone may be asked in ``ASK_WINDOW``: their own number can lower the workspace's, not raise it."""
    return workspace if own is None else min(own, workspace)


def eligible(candidate: Candidate, situation: InviteSituation) -> bool:
    return (
        candidate.member_id not in situation.excluded
        and candidate.invitations_enabled
        and candidate.asks_lately < effective_ask_limit(candidate.ask_limit, situation.ask_limit)
        and bool(candidate.skills & situation.wanted)
    )


def choose_invitees(candidates: Iterable[Candidate], situation: InviteSituation) -> list[Choice]:
    """Whom to invite, best first (see the module docstring for the rules)."""
    pool = [c for c in candidates if eligible(c, situation)]
    involved = {key for key in (department_key(d) for d in situation.involved_departments) if key}
    # How many people of each department wait at each level of asks: rule 3.
    waiting = Counter((department_key(c.department), c.asks_this_year) for c in pool)
    chosen: list[Choice] = []
    while pool and len(chosen) < situation.count:
        best = min(pool, key=lambda c: _rank(c, involved, waiting, situation.wanted))
        pool.remove(best)
        chosen.append(Choice(best.member_id, tuple(sorted(best.skills & situation.wanted))))
        key = department_key(best.department)
        waiting[(key, best.asks_this_year)] -= 1
        if key:
            involved.add(key)
    return chosen


def _rank(
    candidate: Candidate, involved: set[str], waiting: Counter[tuple[str | None, int]], wanted: frozenset[str]
) -> tuple[int, int, int, int, float, int, int]:
    key = department_key(candidate.department)
    department = 1 if key is None else (2 if key in involved else 0)
    asked = candidate.last_asked_at
    return (
        candidate.asks_this_year,
        department,
        -waiting[(key, candidate.asks_this_year)] if key else 0,
        0 if asked is None else 1,
        asked.timestamp() if asked is not None else 0.0,
        -len(candidate.skills & wanted),
        candidate.member_id,
    )


# --- inviting -----------------------------------------------------------------------------------------------


def invite_matching(ctx: Ctx, *, number: int) -> Reply:
    """Invite a few colleagues whose skills match the request (owner or admin)."""
    request = require_request(ctx, number, lock=True)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_INVITE)
    require_open(request)
    assert request.id is not None
    wanted = frozenset(normalise_all(request.wanted_skills, synonyms=ctx.policy.skill_synonyms))
    if not wanted:
        raise UserFacingError(t(texts.INVITE_NO_SKILLS, number=request.number))

    places = _all_places(ctx, request_id=request.id)
    invited = invitations_of(ctx, request_id=request.id)
    involved_ids = {request.owner_id} | {p.member_id for p in places} | {i.member_id for i in invited}
    involved = queries.get_members_by_ids(session=ctx.session, workspace_id=ctx.workspace_id, member_ids=involved_ids)
    situation = InviteSituation(
        wanted=wanted,
        excluded=frozenset(involved_ids),
        involved_departments=frozenset(m.department for m in involved.values() if m.department),
        count=ctx.policy.invite_count,
        ask_limit=ctx.policy.monthly_ask_limit,
    )
    candidates = _candidates(ctx, wanted=wanted)
    chosen = choose_invitees(candidates.values(), situation)
    if not chosen:
        return Reply.of(
            t(texts.INVITE_NOBODY, number=request.number, skills=", ".join(sorted(wanted)), count=situation.ask_limit)
        )

    owner = involved[request.owner_id]
    members = queries.get_members_by_ids(
        session=ctx.session, workspace_id=ctx.workspace_id, member_ids={c.member_id for c in chosen}
    )
    for choice in chosen:
        invitation = Invitation(
            workspace_id=ctx.workspace_id, request_id=request.id, member_id=choice.member_id, asked_at=ctx.now
        )
        ctx.session.add(invitation)
        ctx.session.flush()
        _send_invitation(
            ctx, invitation, request=request, owner=owner, invitee=members[choice.member_id], choice=choice
        )
    return Reply.of(
        t(
            texts.INVITE_SENT,
            people=people_text([members[c.member_id].user_id for c in chosen]),
            number=request.number,
            title=request.title,
        )
    )


def _send_invitation(
    ctx: Ctx, invitation: Invitation, *, request: ContentRequest, owner: Member, invitee: Member, choice: Choice
) -> None:
    assert invitation.id is not None
    brief = request.brief.strip()
    if len(brief) > BRIEF_QUOTE_LIMIT:
        brief = brief[: BRIEF_QUOTE_LIMIT - 1] + "…"
    value = str(invitation.id)
    notify.to_user(
        ctx,
        user_id=invitee.user_id,
        notice=Notice(
            t(
                texts.INVITATION_NOTICE,
                owner=UserRef(owner.user_id),
                number=request.number,
                title=request.title,
                deadline=Day(request.draft_deadline),
                skills=", ".join(choice.matching),
            ),
            quote=brief or None,
            actions=(
                Action(ActionKind.ACCEPT_INVITATION, value, texts.BUTTON_ACCEPT_INVITATION, "primary"),
                Action(ActionKind.DECLINE_INVITATION, value, texts.BUTTON_DECLINE_INVITATION),
            ),
        ),
        key=f"invitation:{invitation.id}",
        request=request,
    )


# --- answering ----------------------------------------------------------------------------------------------


def answer_invitation(ctx: Ctx, *, invitation_id: int, accept: bool) -> Reply:
    """The invitee's answer: **Volunteer** takes a place on the request, **Not this time** says no for good."""
    invitation = _invitation(ctx, invitation_id)
    request = queries.get_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=invitation.request_id)
    assert request is not None
    assert request.id is not None
    if invitation.member_id != ctx.actor_id:
        invitee = queries.member_by_id(
            session=ctx.session, workspace_id=ctx.workspace_id, member_id=invitation.member_id
        )
        raise UserFacingError(t(texts.INVITATION_NOT_YOURS, user=UserRef(invitee.user_id), number=request.number))
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    on_it = any(v.member_id == ctx.actor_id for v in live)
    if accept:
        if on_it:
            # They joined some other way (a command, the card): the invitation is answered all the same.
            _record(ctx, invitation, request, InvitationAnswer.VOLUNTEERED)
            return Reply.of(t(texts.INVITATION_ALREADY_ON, number=request.number))
        # Parts, a full request or a closed one are refused here exactly as on the card; the invitation then
        # stays pending (the whole transaction rolls back), and the hint says how to pick a part.
        reply = volunteer_for_request(ctx, number=request.number, via="invitation")
        _record(ctx, invitation, request, InvitationAnswer.VOLUNTEERED)
        return reply
    if on_it:
        raise UserFacingError(t(texts.INVITATION_DECLINE_AFTER_YES, number=request.number))
    if invitation.answer is InvitationAnswer.DECLINED:
        return Reply.of(t(texts.INVITATION_ALREADY_DECLINED, number=request.number))
    _record(ctx, invitation, request, InvitationAnswer.DECLINED)
    return Reply.of(t(texts.INVITATION_DECLINED, number=request.number))


def _record(ctx: Ctx, invitation: Invitation, request: ContentRequest, answer: InvitationAnswer) -> None:
    """Stores the answer and tells the owner (once per invitation and answer)."""
    if invitation.answer is answer:
        return
    invitation.answer = answer
    invitation.answered_at = ctx.now
    ctx.session.add(invitation)
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    msgid = texts.INVITATION_YES_FOR_OWNER if answer is InvitationAnswer.VOLUNTEERED else texts.INVITATION_NO_FOR_OWNER
    notify.to_user(
        ctx,
        user_id=owner.user_id,
        notice=Notice(t(msgid, user=UserRef(ctx.actor.user_id), number=request.number, title=request.title)),
        key=f"invitation:{invitation.id}:{answer.value}",
        request=request,
    )
    said = texts.SETTLED_INVITATION_YES if answer is InvitationAnswer.VOLUNTEERED else texts.SETTLED_INVITATION_NO
    notify.settle(ctx, key=f"invitation:{invitation.id}", outcome=t(said, number=request.number))


# --- looking back -------------------------------------------------------------------------------------------

ANSWER_TEXTS = {
    InvitationAnswer.PENDING: texts.ANSWER_PENDING,
    InvitationAnswer.VOLUNTEERED: texts.ANSWER_VOLUNTEERED,
    InvitationAnswer.DECLINED: texts.ANSWER_DECLINED,
}


def list_invitations(ctx: Ctx, *, number: int) -> Reply:
    """Show whom Cobot invited to a request and how they answered (owner or admin)."""
    request = require_request(ctx, number)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_INVITATIONS)
    assert request.id is not None
    invited = invitations_of(ctx, request_id=request.id)
    if not invited:
        return Reply.of(t(texts.INVITATIONS_NONE, number=request.number))
    members = queries.get_members_by_ids(
        session=ctx.session, workspace_id=ctx.workspace_id, member_ids={i.member_id for i in invited}
    )
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    on_it = {v.member_id for v in live}
    lines: list[Text] = [t(texts.INVITATIONS_HEADER, number=request.number, title=request.title, count=len(invited))]
    for invitation in invited:
        answer = invitation.answer
        if answer is InvitationAnswer.PENDING and invitation.member_id in on_it:
            answer = InvitationAnswer.VOLUNTEERED  # joined by command or on the card instead of the button
        lines.append(
            t(
                texts.INVITATION_LINE,
                user=UserRef(members[invitation.member_id].user_id),
                asked=Moment(invitation.asked_at),
                answer=t(ANSWER_TEXTS[answer]),
            )
        )
    return Reply(tuple(lines))


# --- opting out ---------------------------------------------------------------------------------------------


def set_invitations(ctx: Ctx, *, value: str) -> Reply:
    """Choose whether Cobot may invite you to requests that match your skills."""
    word = value.strip().casefold()
    if word in ("on", "til", "yes", "ja"):
        enabled = True
    elif word in ("off", "fra", "no", "nej"):
        enabled = False
    else:
        raise UserFacingError(t(texts.USAGE_INVITATIONS))
    ctx.actor.invitations_enabled = enabled
    if enabled and ctx.actor.asks_per_month == 0:
        ctx.actor.asks_per_month = None  # "on" after `/cocreate asks never`: back to the workspace's limit
    ctx.session.add(ctx.actor)
    notify.refresh_home(ctx, user_ids=[ctx.actor.user_id])
    return Reply.of(t(texts.INVITATIONS_ON if enabled else texts.INVITATIONS_OFF))


# --- lookups ------------------------------------------------------------------------------------------------
# Kept here rather than in storage.queries while the skills directory is new; they follow its conventions
# (keyword-only, always filtered by workspace).


def invitations_of(ctx: Ctx, *, request_id: int) -> Sequence[Invitation]:
    """A request's invitations, in the order they were sent."""
    return ctx.session.exec(
        select(Invitation)
        .where(Invitation.workspace_id == ctx.workspace_id, Invitation.request_id == request_id)
        .order_by(col(Invitation.id))
    ).all()


def _invitation(ctx: Ctx, invitation_id: int) -> Invitation:
    if invitation_id > 2**31 - 1:  # beyond an integer column: no such row, and SQLite could not even compare it
        raise UserFacingError(t(texts.INVITATION_NOT_FOUND))
    invitation = ctx.session.exec(
        select(Invitation).where(Invitation.workspace_id == ctx.workspace_id, Invitation.id == invitation_id)
    ).first()
    if invitation is None:
        raise UserFacingError(t(texts.INVITATION_NOT_FOUND))
    return invitation


def _all_places(ctx: Ctx, *, request_id: int) -> Sequence[Volunteer]:
    """Every place ever taken on the request, withdrawn ones too (someone who stepped back is not asked back)."""
    return ctx.session.exec(
        select(Volunteer).where(Volunteer.workspace_id == ctx.workspace_id, Volunteer.request_id == request_id)
    ).all()


def _candidates(ctx: Ctx, *, wanted: Collection[str]) -> dict[int, Candidate]:
    """Everyone with at least one of the wanted skills, with their skills, department and how often and when they
    were last asked."""
    rows = ctx.session.exec(
        select(Member, MemberSkill.skill)
        .join(MemberSkill, col(MemberSkill.member_id) == col(Member.id))
        .where(MemberSkill.workspace_id == ctx.workspace_id, col(MemberSkill.skill).in_(list(wanted)))
    ).all()
    members: dict[int, Member] = {}
    skills: dict[int, set[str]] = {}
    for member, skill in rows:
        assert member.id is not None
        members[member.id] = member
        skills.setdefault(member.id, set()).add(skill)
    if not members:
        return {}
    asked_at = col(Invitation.asked_at)
    asks = ctx.session.execute(
        sa.select(
            col(Invitation.member_id),
            sa.func.count().filter(asked_at > ctx.now - ASK_WINDOW),
            sa.func.count().filter(asked_at > ctx.now - FAIRNESS_WINDOW),
            sa.func.max(asked_at),
        )
        .where(col(Invitation.workspace_id) == ctx.workspace_id, col(Invitation.member_id).in_(list(members)))
        .group_by(col(Invitation.member_id))
    ).all()
    history = {member_id: (int(lately), int(this_year), last) for member_id, lately, this_year, last in asks}
    return {
        member_id: Candidate(
            member_id=member_id,
            skills=frozenset(skills[member_id]),
            department=member.department,
            invitations_enabled=member.invitations_enabled,
            ask_limit=member.asks_per_month,
            asks_lately=history.get(member_id, (0, 0, None))[0],
            asks_this_year=history.get(member_id, (0, 0, None))[1],
            last_asked_at=history.get(member_id, (0, 0, None))[2],
        )
        for member_id, member in members.items()
    }
