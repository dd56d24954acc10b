"""Snapshots of requests for rendering: a request card, and the shared lookups that handlers start from."""

from __future__ import annotations

from sqlmodel import Session

from handlers import texts
from handlers.context import Ctx
from handlers.results import Action, ActionKind, CardView, Holder, PartView, Text, UserFacingError, t
from storage import queries
from storage.models import ContentRequest, RequestStatus, Volunteer, VolunteerState

STATUS_TEXTS = {
    RequestStatus.OPEN: texts.STATUS_OPEN,
    RequestStatus.APPROVED: texts.STATUS_APPROVED,
    RequestStatus.PUBLISHED: texts.STATUS_PUBLISHED,
    RequestStatus.CLOSED: texts.STATUS_CLOSED,
}

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


def build_card(session: Session, request: ContentRequest) -> CardView:
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
    )


def card_actions(view: CardView) -> tuple[Action, ...]:
    """The buttons of an open request's card, for platforms without menus: one Volunteer button per part (or
    one for the request), then Submit draft and Withdraw. (Slack shows parts in a menu instead.)"""
    if not view.is_open:
        return ()
    number = str(view.number)
    volunteer: tuple[Action, ...]
    if view.parts:
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
    invite = (Action(ActionKind.INVITE_MATCHING, number, texts.BUTTON_INVITE),) if view.skills else ()
    return (
        *volunteer,
        Action(ActionKind.SUBMIT_DRAFT, number, texts.BUTTON_SUBMIT),
        Action(ActionKind.WITHDRAW, number, texts.BUTTON_WITHDRAW),
        *invite,
    )
