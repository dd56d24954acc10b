"""More time: a volunteer proposes a later date for their draft; the owner accepts or declines with one click.

Accepting sets the volunteer's own due date, so reminders follow it: reminder keys carry the due date, and the
ones already queued for the old date are cancelled.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from handlers import notify, texts
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.guests import person
from handlers.parsing import within_horizon
from handlers.requests import require_owner_or_admin
from handlers.results import Action, ActionKind, Day, Notice, Reply, UserFacingError, UserRef, t
from storage import queries
from storage.models import ExtensionRequest, ExtensionStatus, VolunteerState


def ask_for_more_time(ctx: Ctx, *, number: int, proposed: date) -> Reply:
    """Ask the request's owner to move your draft deadline to a later day."""
    request = require_request(ctx, number, lock=True)
    require_open(request)
    assert request.id is not None
    place = next(
        (
            v
            for v in queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
            if v.member_id == ctx.actor_id
        ),
        None,
    )
    if place is None or place.state is not VolunteerState.ACTIVE:
        raise UserFacingError(t(texts.NOT_A_VOLUNTEER, number=number))
    current = place.due_date or request.draft_deadline
    if proposed <= current or proposed < ctx.today():
        raise UserFacingError(t(texts.EXTENSION_NOT_LATER, value=proposed.isoformat(), deadline=Day(current)))
    within_horizon(proposed, today=ctx.today())
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    pending = ctx.session.exec(
        select(ExtensionRequest).where(
            ExtensionRequest.workspace_id == ctx.workspace_id,
            ExtensionRequest.volunteer_id == place.id,
            ExtensionRequest.status == ExtensionStatus.PENDING,
        )
    ).first()
    if pending is not None:
        raise UserFacingError(t(texts.EXTENSION_PENDING, owner=UserRef(owner.user_id), number=number))
    extension = ExtensionRequest(
        workspace_id=ctx.workspace_id,
        request_id=request.id,
        volunteer_id=place.id or 0,
        proposed_date=proposed,
        created_at=ctx.now,
    )
    ctx.session.add(extension)
    ctx.session.flush()
    notify.to_user(
        ctx,
        user_id=owner.user_id,
        notice=Notice(
            t(
                texts.EXTENSION_FOR_OWNER,
                user=person(ctx.actor),
                number=number,
                title=request.title,
                proposed=Day(proposed),
                deadline=Day(current),
            ),
            actions=(
                Action(ActionKind.ACCEPT_EXTENSION, str(extension.id), texts.BUTTON_ACCEPT, "primary"),
                Action(ActionKind.DECLINE_EXTENSION, str(extension.id), texts.BUTTON_DECLINE),
            ),
        ),
        key=f"extension:{extension.id}:owner",
        request=request,
    )
    return Reply.of(t(texts.EXTENSION_ASKED, owner=UserRef(owner.user_id), number=number, proposed=Day(proposed)))


def decide_extension(ctx: Ctx, *, extension_id: int, accept: bool) -> Reply:
    """Accept or decline a request for more time (owner or admin)."""
    extension = ctx.session.exec(
        select(ExtensionRequest).where(
            ExtensionRequest.workspace_id == ctx.workspace_id, ExtensionRequest.id == extension_id
        )
    ).first()
    if extension is None or extension.status is not ExtensionStatus.PENDING:
        raise UserFacingError(t(texts.EXTENSION_GONE))
    request = queries.get_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=extension.request_id)
    assert request is not None
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_EXTEND)
    place = queries.get_volunteer(
        session=ctx.session, workspace_id=ctx.workspace_id, volunteer_id=extension.volunteer_id
    )
    assert place is not None
    person = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=place.member_id)
    old_due = place.due_date or request.draft_deadline
    extension.status = ExtensionStatus.ACCEPTED if accept else ExtensionStatus.DECLINED
    extension.decided_at = ctx.now
    ctx.session.add(extension)
    if accept:
        place.due_date = extension.proposed_date
        ctx.session.add(place)
        queries.cancel_pending(
            session=ctx.session, workspace_id=ctx.workspace_id, key_prefix=f"remind:draft:{place.id}:", now=ctx.now
        )
        notice = t(
            texts.EXTENSION_ACCEPTED,
            owner=UserRef(ctx.actor.user_id),
            number=request.number,
            title=request.title,
            proposed=Day(extension.proposed_date),
        )
        reply = t(
            texts.EXTENSION_DECIDED,
            user=UserRef(person.user_id),
            number=request.number,
            proposed=Day(extension.proposed_date),
        )
    else:
        notice = t(
            texts.EXTENSION_DECLINED,
            owner=UserRef(ctx.actor.user_id),
            number=request.number,
            title=request.title,
            deadline=Day(old_due),
        )
        reply = t(
            texts.EXTENSION_DECLINE_CONFIRM, user=UserRef(person.user_id), number=request.number, deadline=Day(old_due)
        )
    notify.to_user(
        ctx, user_id=person.user_id, notice=Notice(notice), key=f"extension:{extension.id}:decided", request=request
    )
    decider = UserRef(ctx.actor.user_id)
    settled = (
        t(texts.SETTLED_EXTENSION_ACCEPTED, user=decider, proposed=Day(extension.proposed_date))
        if accept
        else t(texts.SETTLED_EXTENSION_DECLINED, user=decider, deadline=Day(old_due))
    )
    notify.settle(ctx, key=f"extension:{extension.id}:owner", outcome=settled)
    return Reply.of(reply)


def default_proposal(ctx: Ctx, *, number: int) -> date:
    """The date a "Need more time" form starts at: a week after the current deadline (the actor's own, if the
    owner already moved it)."""
    request = require_request(ctx, number)
    assert request.id is not None
    place = next(
        (
            v
            for v in queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
            if v.member_id == ctx.actor_id
        ),
        None,
    )
    deadline = (place.due_date if place is not None else None) or request.draft_deadline
    return max(deadline, ctx.today()) + timedelta(days=7)
