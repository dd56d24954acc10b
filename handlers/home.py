"""A person's own page (Slack's App Home tab): the places they hold and their drafts, the requests they own and
what waits for them there, open calls that match their skills, and their settings.

Each section is a page of at most ``PAGE`` items with the total, so a platform can page through it within its
limits (Slack: 100 blocks per Home view).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import col, select

from handlers import texts
from handlers.cards import STATUS_TEXTS
from handlers.context import Scope
from handlers.departments import source_text
from handlers.requests import STATE_TEXTS
from handlers.results import Action, ActionKind, Day, Text, UserRef, t
from storage.models import (
    ContentRequest,
    Draft,
    Member,
    MemberSkill,
    RequestPart,
    RequestStatus,
    ReviewState,
    Volunteer,
    VolunteerState,
)

PAGE = 6


class Section:
    PLACES = "places"
    OWNED = "owned"
    MATCHING = "matching"


@dataclass(frozen=True)
class HomeItem:
    text: Text
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True)
class HomePage:
    section: str
    items: tuple[HomeItem, ...]
    page: int
    pages: int
    total: int
    empty: str = ""  # the msgid shown when the section has nothing (it may depend on the other sections)


ASK_CHOICES = (1, 2, 4)  # the numbers Home offers besides "never" and the default; `/cocreate asks` takes any


@dataclass(frozen=True)
class HomeSettings:
    skills: tuple[str, ...]
    reminders: bool
    recognition: bool
    language: str
    asks_per_month: int | None  # the person's own limit (0: never, also after `invitations off`)
    ask_limit: int  # the workspace's
    results_notes: bool = True  # whether the person hears what the pieces they helped make earned

    department: str | None = None  # the one that counts (``handlers.departments``)
    department_source: Text | None = None  # where it came from, as shown
    own_department: bool = False  # chosen by the person (so a button can go back to the profile's)

    @property
    def ask_choice(self) -> str:
        """The value of the chosen option of ``ask_choices``."""
        if self.asks_per_month is None:
            return "default"
        return "never" if self.asks_per_month == 0 else str(self.asks_per_month)

    def ask_choices(self) -> tuple[tuple[str, Text], ...]:
        """How often Cobot may invite the person, as (value for ``ActionKind.SET_ASKS``, label): the workspace's
        default, never, and the numbers below the default (numbers above it would change nothing), with the
        person's own number whatever it is."""
        own = {self.asks_per_month} if self.asks_per_month else set()
        numbers = sorted({n for n in ASK_CHOICES if n < self.ask_limit} | own)
        return (
            ("default", t(texts.ASKS_CHOICE_DEFAULT, limit=self.ask_limit)),
            ("never", t(texts.ASKS_CHOICE_NEVER)),
            *((str(n), t(texts.ASKS_CHOICE_TIMES, count=n)) for n in numbers),
        )


@dataclass(frozen=True)
class HomeView:
    user_id: str
    places: HomePage
    owned: HomePage
    matching: HomePage
    settings: HomeSettings
    pages: dict[str, int] = field(default_factory=dict)


def build_home(scope: Scope, member: Member, *, pages: dict[str, int] | None = None) -> HomeView:
    """Everything on ``member``'s page, with each section at the page asked for (1 if not)."""
    pages = pages or {}
    matching = _page(Section.MATCHING, _matching(scope, member), pages, empty=texts.HOME_MATCHING_EMPTY)
    # Pointing to "the open calls below" only makes sense when there are some.
    no_places = texts.HOME_PLACES_EMPTY if matching.total else texts.HOME_PLACES_EMPTY_NO_CALLS
    return HomeView(
        user_id=member.user_id,
        places=_page(Section.PLACES, _places(scope, member), pages, empty=no_places),
        owned=_page(Section.OWNED, _owned(scope, member), pages, empty=texts.HOME_OWNED_EMPTY),
        matching=matching,
        settings=HomeSettings(
            skills=tuple(_skills_of(scope, member)),
            reminders=member.reminders_enabled,
            recognition=member.listed_in_digest,
            language=scope.policy.language_of(member),
            asks_per_month=member.asks_per_month if member.invitations_enabled else 0,
            ask_limit=scope.policy.monthly_ask_limit,
            results_notes=member.results_notes_enabled,
            department=member.department,
            department_source=source_text(member.department_source) if member.department else None,
            own_department=bool(member.department_self),
        ),
        pages=dict(pages),
    )


def _page(section: str, items: list[HomeItem], asked: dict[str, int], *, empty: str) -> HomePage:
    pages = max(1, -(-len(items) // PAGE))
    page = min(max(asked.get(section, 1), 1), pages)
    return HomePage(section, tuple(items[(page - 1) * PAGE : page * PAGE]), page, pages, len(items), empty)


def _places(scope: Scope, member: Member) -> list[HomeItem]:
    rows = scope.session.exec(
        select(Volunteer, ContentRequest)
        .join(ContentRequest, col(ContentRequest.id) == col(Volunteer.request_id))
        .where(
            Volunteer.workspace_id == scope.workspace_id,
            Volunteer.member_id == member.id,
            Volunteer.state != VolunteerState.WITHDRAWN,
            ContentRequest.status == RequestStatus.OPEN,
        )
        .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
    ).all()
    part_names = _part_names(scope, [v.part_id for v, _ in rows if v.part_id is not None])
    items = []
    for place, request in rows:
        number = str(request.number)
        due = place.due_date or request.draft_deadline
        state = (
            t(texts.STATE_WAITLISTED)
            if place.state is VolunteerState.WAITLISTED
            else t(STATE_TEXTS[place.review_state])
        )
        part = part_names.get(place.part_id or 0)
        text = (
            t(
                texts.HOME_PLACE_PART,
                number=request.number,
                title=request.title,
                part=part,
                deadline=Day(due),
                state=state,
            )
            if part
            else t(texts.HOME_PLACE, number=request.number, title=request.title, deadline=Day(due), state=state)
        )
        if place.state is VolunteerState.WAITLISTED:
            actions: tuple[Action, ...] = (Action(ActionKind.WITHDRAW, number, texts.BUTTON_LEAVE_LINE),)
        else:
            actions = (
                Action(ActionKind.SUBMIT_DRAFT, number, texts.BUTTON_SUBMIT, "primary"),
                Action(ActionKind.NEED_MORE_TIME, number, texts.BUTTON_NEED_TIME),
                Action(ActionKind.WITHDRAW, number, texts.BUTTON_WITHDRAW),
            )
        items.append(HomeItem(text, actions))
    return items


def _owned(scope: Scope, member: Member) -> list[HomeItem]:
    requests = scope.session.exec(
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.owner_id == member.id,
            col(ContentRequest.status).in_([RequestStatus.OPEN, RequestStatus.APPROVED]),
        )
        .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
    ).all()
    waiting = _waiting_drafts(scope, [r.id for r in requests if r.id is not None])
    items = []
    for request in requests:
        number = str(request.number)
        drafts = waiting.get(request.id or 0, [])
        items.append(
            HomeItem(
                t(
                    texts.HOME_OWNED_ITEM,
                    number=request.number,
                    title=request.title,
                    status=t(STATUS_TEXTS[request.status]),
                    deadline=Day(request.draft_deadline),
                    waiting=len(drafts),
                ),
                (Action(ActionKind.SHOW_FREE_SLOTS, number, texts.BUTTON_BOOK, "primary"),)
                if request.status is RequestStatus.APPROVED
                else (),
            )
        )
        for draft, author in drafts:
            items.append(
                HomeItem(
                    t(
                        texts.HOME_WAITING_DRAFT,
                        user=UserRef(author.user_id),
                        version=draft.version,
                        number=request.number,
                    ),
                    (
                        Action(ActionKind.APPROVE_DRAFT, str(draft.id), texts.BUTTON_APPROVE, "primary"),
                        Action(ActionKind.REQUEST_CHANGES, str(draft.id), texts.BUTTON_CHANGES),
                    ),
                )
            )
    return items


def _waiting_drafts(scope: Scope, request_ids: list[int]) -> dict[int, list[tuple[Draft, Member]]]:
    """The latest draft of every active volunteer whose draft waits for review, per request."""
    if not request_ids:
        return {}
    latest = (
        sa.select(sa.func.max(col(Draft.id)))
        .join(Volunteer, col(Volunteer.id) == col(Draft.volunteer_id))
        .where(
            col(Draft.workspace_id) == scope.workspace_id,
            col(Draft.request_id).in_(request_ids),
            col(Volunteer.review_state) == ReviewState.SUBMITTED,
            col(Volunteer.state) == VolunteerState.ACTIVE,
        )
        .group_by(col(Draft.volunteer_id))
    )
    rows = scope.session.exec(
        select(Draft, Member).join(Member, col(Member.id) == col(Draft.member_id)).where(col(Draft.id).in_(latest))
    ).all()
    result: dict[int, list[tuple[Draft, Member]]] = {}
    for draft, author in sorted(rows, key=lambda row: row[0].id or 0):
        result.setdefault(draft.request_id, []).append((draft, author))
    return result


def _matching(scope: Scope, member: Member) -> list[HomeItem]:
    """Open requests wanting a skill the member has, that they neither own nor help with yet."""
    mine = {s.casefold() for s in _skills_of(scope, member)}
    if not mine:
        return []
    involved = set(
        scope.session.exec(
            select(Volunteer.request_id).where(
                Volunteer.workspace_id == scope.workspace_id,
                Volunteer.member_id == member.id,
                Volunteer.state != VolunteerState.WITHDRAWN,
            )
        ).all()
    )
    candidates = scope.session.exec(
        select(ContentRequest)
        .where(
            ContentRequest.workspace_id == scope.workspace_id,
            ContentRequest.status == RequestStatus.OPEN,
            ContentRequest.owner_id != member.id,
            col(ContentRequest.draft_deadline) >= scope.today(),
        )
        .order_by(col(ContentRequest.draft_deadline), col(ContentRequest.number))
        .limit(200)
    ).all()
    items = []
    for request in candidates:
        wanted = {s.casefold() for s in request.wanted_skills}
        common = sorted(wanted & mine)
        if not common or request.id in involved:
            continue
        items.append(
            HomeItem(
                t(
                    texts.HOME_MATCHING_ITEM,
                    number=request.number,
                    title=request.title,
                    skills=", ".join(common),
                    deadline=Day(request.draft_deadline),
                ),
                (Action(ActionKind.VOLUNTEER, str(request.number), texts.BUTTON_VOLUNTEER, "primary"),),
            )
        )
    return items


def _skills_of(scope: Scope, member: Member) -> list[str]:
    return list(
        scope.session.exec(
            select(MemberSkill.skill)
            .where(MemberSkill.workspace_id == scope.workspace_id, MemberSkill.member_id == member.id)
            .order_by(col(MemberSkill.skill))
        ).all()
    )


def _part_names(scope: Scope, part_ids: list[int]) -> dict[int, str]:
    if not part_ids:
        return {}
    rows = scope.session.exec(
        select(RequestPart).where(RequestPart.workspace_id == scope.workspace_id, col(RequestPart.id).in_(part_ids))
    ).all()
    return {p.id: f"{p.position}. {p.name}" for p in rows if p.id is not None}
