"""Volunteering: take a place on a request or one of its parts, wait in line when it is full, step back.

A place's capacity is the part's ``capacity``, or the request's ``volunteers_needed`` when it has no parts.
Extra volunteers wait in line (by join order) and the first in line moves up when a holder withdraws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers import notify, texts
from handlers.cards import require_open, require_request
from handlers.context import Ctx, Scope
from handlers.results import Day, Notice, Reply, UserFacingError, UserRef, t
from storage import queries
from storage.models import ContentRequest, RequestPart, RequestStatus, ReviewState, Volunteer, VolunteerState


def volunteer_for_request(ctx: Ctx, *, number: int, part: str | None = None, via: str = "command") -> Reply:
    """Volunteer for a request, or for one of its parts by number or name."""
    request = require_request(ctx, number, lock=True)
    require_open(request)
    assert request.id is not None
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    mine = next((v for v in live if v.member_id == ctx.actor_id), None)
    if mine is not None:
        if mine.state is VolunteerState.WAITLISTED:
            line = [v for v in live if v.state is VolunteerState.WAITLISTED and v.part_id == mine.part_id]
            position = [v.id for v in line].index(mine.id) + 1
            raise UserFacingError(t(texts.ALREADY_WAITING, number=number, position=position))
        raise UserFacingError(t(texts.ALREADY_VOLUNTEERED, number=number))

    taken = take_place(ctx, request=request, member_id=ctx.actor_id, part=part, via=via, live=live)
    place, chosen = taken.place, taken.part
    notify.refresh_card(ctx, request)
    if place.state is VolunteerState.WAITLISTED:
        return Reply.of(t(texts.WAITLISTED, number=number, position=taken.position))
    if chosen is not None:
        return Reply.of(
            t(
                texts.VOLUNTEERED_PART,
                position=chosen.position,
                part=chosen.name,
                number=number,
                title=request.title,
                deadline=Day(request.draft_deadline),
            )
        )
    return Reply.of(t(texts.VOLUNTEERED, number=number, title=request.title, deadline=Day(request.draft_deadline)))


@dataclass(frozen=True)
class TakenPlace:
    """A place just taken: the row, the part it is on (None for a request without parts), and, for a place in the
    waiting line, its number in that line (0 for a place held)."""

    place: Volunteer
    part: RequestPart | None
    position: int


def take_place(
    ctx: Ctx,
    *,
    request: ContentRequest,
    member_id: int,
    part: str | None,
    via: str,
    live: Sequence[Volunteer],
) -> TakenPlace:
    """Give ``member_id`` a place on ``request`` (locked, open, and not yet theirs) or on its part named ``part``:
    held while the place has room, else in its waiting line. Shared by everyone who volunteers, however they do it
    (a command, a button, a ✋, an owner inviting a guest)."""
    assert request.id is not None
    parts = queries.parts_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    chosen = _choose_part(request, parts, part, live)
    capacity = chosen.capacity if chosen is not None else request.volunteers_needed
    same_place = [v for v in live if v.part_id == (chosen.id if chosen else None)]
    holders = sum(1 for v in same_place if v.state is VolunteerState.ACTIVE)
    state = VolunteerState.ACTIVE if holders < capacity else VolunteerState.WAITLISTED
    place = Volunteer(
        workspace_id=ctx.workspace_id,
        request_id=request.id,
        part_id=chosen.id if chosen else None,
        member_id=member_id,
        state=state,
        via=via,
        created_at=ctx.now,
    )
    ctx.session.add(place)
    position = 0
    if state is VolunteerState.WAITLISTED:
        position = sum(1 for v in same_place if v.state is VolunteerState.WAITLISTED) + 1
    return TakenPlace(place, chosen, position)


def withdraw_from_request(ctx: Ctx, *, number: int, via: str = "command") -> Reply:
    """Step back from a request (or leave its waiting line); the next person in line moves up."""
    request = require_request(ctx, number, lock=True)
    assert request.id is not None
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    mine = next((v for v in live if v.member_id == ctx.actor_id), None)
    if mine is None:
        if queries.has_withdrawn(
            session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id, member_id=ctx.actor_id
        ):
            raise UserFacingError(t(texts.ALREADY_WITHDRAWN, number=number))
        raise UserFacingError(t(texts.NOT_A_VOLUNTEER, number=number))
    if via == "reaction" and mine.via != "reaction":
        # Taking back a ✋ only gives up a place that the ✋ took; a place taken by command or button stays.
        return Reply(())
    if via == "reaction" and mine.review_state is not ReviewState.NO_DRAFT:
        # Taking back a reaction is too easy to do by accident to throw away a handed-in draft.
        owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
        raise UserFacingError(t(texts.CANNOT_WITHDRAW_AFTER_DRAFT, number=number, owner=UserRef(owner.user_id)))
    was_active = mine.state is VolunteerState.ACTIVE
    mine.state = VolunteerState.WITHDRAWN
    mine.withdrawn_at = ctx.now
    ctx.session.add(mine)
    notify.cancel_reminders(ctx, volunteer_id=mine.id)
    if was_active and request.status is RequestStatus.OPEN:  # a closed or approved request takes no drafts
        promote_next(ctx, request, [v for v in live if v.part_id == mine.part_id and v.id != mine.id])
    notify.refresh_card(ctx, request)
    return Reply.of(t(texts.WITHDRAWN if was_active else texts.LEFT_WAITLIST, number=number))


def _choose_part(
    request: ContentRequest, parts: Sequence[RequestPart], wanted: str | None, live: Sequence[Volunteer]
) -> RequestPart | None:
    if not parts:
        if wanted:
            raise UserFacingError(t(texts.REQUEST_HAS_NO_PARTS, number=request.number))
        return None
    if not wanted:
        if len(parts) == 1:
            return parts[0]
        raise UserFacingError(t(texts.PART_REQUIRED, number=request.number, parts=_part_list(parts, live)))
    wanted = wanted.strip().lstrip("#")
    if wanted.isdecimal():
        found = next((p for p in parts if p.position == int(wanted)), None)
    else:
        folded = wanted.casefold()
        exact = [p for p in parts if p.name.casefold() == folded]
        partial = [p for p in parts if folded in p.name.casefold()]
        found = exact[0] if exact else (partial[0] if len(partial) == 1 else None)
    if found is None:
        raise UserFacingError(
            t(texts.PART_NOT_FOUND, number=request.number, value=wanted, parts=_part_list(parts, live))
        )
    return found


def _part_list(parts: Sequence[RequestPart], live: Sequence[Volunteer]) -> str:
    def mark(part: RequestPart) -> str:
        held = sum(1 for v in live if v.part_id == part.id and v.state is VolunteerState.ACTIVE)
        return "" if held < part.capacity else " (full)"

    return ", ".join(f"{p.position}. {p.name}{mark(p)}" for p in parts)


def promote_next(ctx: Scope, request: ContentRequest, same_place: list[Volunteer]) -> None:
    """The first in line for the place that just came free (``same_place``: the other live places of the same part,
    or of the request) moves up and is told."""
    waiting = [v for v in same_place if v.state is VolunteerState.WAITLISTED]
    if not waiting:
        return
    promoted = waiting[0]
    promoted.state = VolunteerState.ACTIVE
    ctx.session.add(promoted)
    member = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=promoted.member_id)
    notify.to_user(
        ctx,
        user_id=member.user_id,
        notice=Notice(
            t(
                texts.PROMOTED_NOTICE,
                number=request.number,
                title=request.title,
                deadline=Day(request.draft_deadline),
            )
        ),
        key=f"promoted:{promoted.id}",
        request=request,
    )
