"""Snapshots of requests for rendering: a request card, and the shared lookups that handlers start from."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlmodel import Session

from handlers import texts, tracking
from handlers.context import Ctx
from handlers.outcomes import outcome_text, outcomes_of
from handlers.results import (
    Action,
    ActionKind,
    BookingView,
    CardView,
    Holder,
    Link,
    Moment,
    PartView,
    Text,
    UserFacingError,
    UserRef,
    t,
)
from storage import queries
from storage.models import ContentRequest, RequestStatus, ReviewState, SlotBooking, Volunteer, VolunteerState

STATUS_TEXTS = {
    RequestStatus.OPEN: texts.STATUS_OPEN,
    RequestStatus.APPROVED: texts.STATUS_APPROVED,
    RequestStatus.PUBLISHED: texts.STATUS_PUBLISHED,
    RequestStatus.CLOSED: texts.STATUS_CLOSED,
}

# How far each holder of a place has got, beside their name on every platform's card.
STATE_MARKS = {
    ReviewState.NO_DRAFT: "⏳",
    ReviewState.SUBMITTED: "📝",
    ReviewState.CHANGES_REQUESTED: "✏️",
    ReviewState.APPROVED: "✅",
}
WAITING_MARK = "⌛"  # before the waiting line, and after a full part in a part menu

# Request numbers are 32-bit integer columns: a bigger number names no request, and SQLite cannot even compare a
# number beyond 64 bits (OverflowError), so such input is answered as "no such request" without a query.
MAX_REQUEST_NUMBER = 2**31 - 1


def require_request(ctx: Ctx, number: int, *, lock: bool = False) -> ContentRequest:
    """The request #number in the actor's workspace, or a polite refusal. ``lock`` serialises changes to its
    places (PostgreSQL row lock; SQLite transactions are already serial)."""
    if number > MAX_REQUEST_NUMBER:
        raise UserFacingError(t(texts.REQUEST_NOT_FOUND, number=number))
    request = queries.get_request_by_number(
        session=ctx.session, workspace_id=ctx.workspace_id, number=number, lock=lock
    )
    if request is None:
        raise UserFacingError(t(texts.REQUEST_NOT_FOUND, number=number))
    return request


def require_open(request: ContentRequest) -> None:
    if request.status is not RequestStatus.OPEN:
        raise UserFacingError(t(texts.REQUEST_NOT_OPEN, number=request.number, status=t(STATUS_TEXTS[request.status])))


def build_card(
    session: Session, request: ContentRequest, *, invites_guests: bool = False, public_url: str | None = None
) -> CardView:
    """The card of ``request`` as it stands; ``invites_guests`` when Cobot can e-mail guests (``Policy
    .email_configured``), so the card offers "Invite someone outside". A published piece's card shows its tracked
    link (at ``public_url``) and its figures so far."""
    assert request.id is not None
    parts = queries.parts_of_request(session=session, workspace_id=request.workspace_id, request_id=request.id)
    volunteers = queries.live_volunteers(session=session, workspace_id=request.workspace_id, request_id=request.id)
    members = queries.get_members_by_ids(
        session=session,
        workspace_id=request.workspace_id,
        member_ids={v.member_id for v in volunteers} | {request.owner_id},
    )

    def holders(rows: list[Volunteer]) -> tuple[Holder, ...]:
        return tuple(
            Holder(members[v.member_id].user_id, v.review_state) for v in rows if v.state is VolunteerState.ACTIVE
        )

    def waiting(rows: list[Volunteer]) -> tuple[str, ...]:
        return tuple(members[v.member_id].user_id for v in rows if v.state is VolunteerState.WAITLISTED)

    part_views = tuple(
        PartView(
            position=p.position,
            name=p.name,
            capacity=p.capacity,
            holders=holders([v for v in volunteers if v.part_id == p.id]),
            waiting=waiting([v for v in volunteers if v.part_id == p.id]),
        )
        for p in parts
    )
    derived_from = None
    if request.derived_from_id is not None:
        origin = queries.get_request(
            session=session, workspace_id=request.workspace_id, request_id=request.derived_from_id
        )
        derived_from = origin.number if origin else None
    booking = queries.booking_of_request(session=session, workspace_id=request.workspace_id, request_id=request.id)
    return CardView(
        number=request.number,
        title=request.title,
        brief=request.brief,
        format=request.format,
        skills=tuple(request.wanted_skills),
        deadline=request.draft_deadline,
        status=request.status,
        owner=members[request.owner_id].user_id,
        needed=request.volunteers_needed,
        holders=holders(list(volunteers)) if not parts else (),
        waiting=waiting(list(volunteers)) if not parts else (),
        parts=part_views,
        publish_target=request.publish_target,
        derived_from=derived_from,
        booking=BookingView(booking.slot_name, booking.starts_at) if booking is not None else None,
        published_url=request.published_url if request.status is RequestStatus.PUBLISHED else None,
        guests={m.user_id: m.display_name for m in members.values() if m.is_guest and m.forgotten_at is None},
        invites_guests=invites_guests,
        **_published_figures(session, request, public_url=public_url),
    )


def _published_figures(session: Session, request: ContentRequest, *, public_url: str | None) -> dict[str, Any]:
    if request.status is not RequestStatus.PUBLISHED:
        return {}
    assert request.id is not None
    link = tracking.link_of(session, workspace_id=request.workspace_id, request_id=request.id)
    outcome = outcomes_of(session=session, workspace_id=request.workspace_id, request_ids=[request.id])[request.id]
    return {
        "tracked_url": tracking.link_url(public_url, link.code) if link is not None else None,
        "figures": outcome_text(outcome),
    }


def shown_status(status: RequestStatus, *, booked: bool) -> Text:
    """A request's status as people see it. An approved request with a publishing slot is shown as "booked";
    the stored status stays approved, since booking is a row of its own (``SlotBooking``) that can be moved or
    released, and every check that asks "approved?" (booking again, publishing) must keep working."""
    if booked and status is RequestStatus.APPROVED:
        return t(texts.STATUS_BOOKED)
    return t(STATUS_TEXTS[status])


def status_facts(view: CardView) -> list[Text]:
    """Where the request stands, as every platform's card shows it: its status (once it is no longer open), the
    publishing slot it is booked into (until it is published), and the address it was published at."""
    facts: list[Text] = []
    if not view.is_open:
        facts.append(t(texts.CARD_STATUS, status=shown_status(view.status, booked=view.booking is not None)))
    if view.booking is not None and view.status is not RequestStatus.PUBLISHED:
        facts.append(t(texts.CARD_SLOT, slot=view.booking.slot, when=Moment(view.booking.starts_at)))
    if view.published_url:
        facts.append(t(texts.CARD_PUBLISHED_AT, url=Link(view.published_url)))
    if view.tracked_url:
        facts.append(t(texts.CARD_TRACKED_LINK, url=Link(view.tracked_url)))
    if view.figures is not None:
        facts.append(t(texts.CARD_FIGURES, figures=view.figures))
    return facts


def booking_phrase(status: RequestStatus, booking: SlotBooking) -> Text:
    """The status of a booked request in one phrase, for lists with no room for a slot line of its own: "booked
    for *LinkedIn* Tue 1 Dec 10:00" (or "open, booked for …" while drafts are still wanted)."""
    template = texts.OPEN_BOOKED_FOR if status is RequestStatus.OPEN else texts.BOOKED_FOR
    return t(template, slot=booking.slot_name, when=Moment(booking.starts_at))


def people_line(
    holders: tuple[Holder, ...],
    waiting: tuple[str, ...],
    *,
    mention: Callable[[str], str],
    render: Callable[[Text], str],
    guests: Mapping[str, str] | None = None,
) -> str:
    """Who holds a place (with how far they have got) and who waits, as every platform's card shows it; the
    platform says how a person is named (``mention``) and how a text is shown (``render``). Guests (``CardView
    .guests``) are named by their name as a text, escaped like any other, since no platform could mention them."""
    if not holders and not waiting:
        return render(Text(texts.CARD_NOBODY_YET))
    known = guests or {}

    def name(user_id: str) -> str:
        stand_in = UserRef(user_id).stand_in
        if stand_in is not None:
            return render(stand_in)
        if user_id in known:
            shown = t(texts.GUEST_NAME, name=known[user_id]) if known[user_id] else t(texts.GUEST_UNNAMED)
            return render(shown)
        return mention(user_id)

    line = " ".join(f"{name(h.user_id)} {STATE_MARKS[h.review_state]}" for h in holders)
    if waiting:
        line += f"  ·  {WAITING_MARK} " + ", ".join(name(u) for u in waiting)
    return line.strip()


def part_line(
    part: PartView,
    *,
    mention: Callable[[str], str],
    render: Callable[[Text], str],
    guests: Mapping[str, str] | None = None,
) -> str:
    """One part of a request on its card: "2. *SEO* (1/2) @Anna ⏳  ·  ⌛ @Bo"."""
    head = render(
        t(texts.CARD_PART_LINE, position=part.position, name=part.name, count=len(part.holders), capacity=part.capacity)
    )
    return f"{head} {people_line(part.holders, part.waiting, mention=mention, render=render, guests=guests)}"


def part_choice_label(part: PartView) -> str:
    """A part in a part menu (Slack's select, Teams' choice set); the card lists the part in full."""
    return f"{part.position}. {part.name}"


def card_actions(view: CardView, *, part_menu: bool = False) -> tuple[Action, ...]:
    """The buttons of an open request's card, the same on every platform: one Volunteer button per part (or one
    for the request), then Submit draft and Withdraw.

    Platforms with menus (Slack, Teams) pass ``part_menu``: the parts are then picked from a menu beside one
    Volunteer action (value: the request number; the menu's choice, "12:3", replaces it when a part is picked).
    Inviting matching colleagues is the owner's: ``owner_actions``, shown to the owner only, never on the card
    everyone sees. "Invite someone outside" (``ActionKind.INVITE_GUEST``) is the owner's too, but it is on the card,
    last, when Cobot can e-mail guests (``CardView.invites_guests``): a channel's card looks the same to everyone,
    so a platform with a menu for secondary actions puts it there (Slack's overflow menu, Teams' "…"), and anyone
    else who picks it is refused before any form opens. A published piece's card has one button, "Add results"
    (``ActionKind.ADD_RESULTS``), which is its owner's in the same way."""
    if view.status is RequestStatus.PUBLISHED:  # the owner's, as "Invite someone outside": others are refused
        return (Action(ActionKind.ADD_RESULTS, str(view.number), texts.BUTTON_ADD_RESULTS),)
    if not view.is_open:
        return ()
    number = str(view.number)
    volunteer: tuple[Action, ...]
    if view.parts and not part_menu:
        volunteer = tuple(
            Action(
                ActionKind.VOLUNTEER,
                f"{view.number}:{p.position}",
                Text(texts.BUTTON_VOLUNTEER_PART, {"position": p.position, "part": p.name}),
            )
            for p in view.parts
        )
    else:
        volunteer = (Action(ActionKind.VOLUNTEER, number, texts.BUTTON_VOLUNTEER, "primary"),)
    guest = (Action(ActionKind.INVITE_GUEST, number, texts.BUTTON_INVITE_GUEST),) if view.invites_guests else ()
    return (
        *volunteer,
        Action(ActionKind.SUBMIT_DRAFT, number, texts.BUTTON_SUBMIT),
        Action(ActionKind.WITHDRAW, number, texts.BUTTON_WITHDRAW),
        *guest,
    )


def owner_actions(ctx: Ctx, request: ContentRequest) -> tuple[Action, ...]:
    """Buttons for the request's owner (or an admin) only, shown in answers to them: "Invite matching
    colleagues" while the request is open and names skills."""
    if request.status is not RequestStatus.OPEN or not request.wanted_skills:
        return ()
    if request.owner_id != ctx.actor_id and not ctx.is_admin():
        return ()
    return (Action(ActionKind.INVITE_MATCHING, str(request.number), texts.BUTTON_INVITE),)
