"""Reviews: the owner (or an admin) approves a volunteer's latest draft or asks for changes.

Nobody reviews their own draft. A request becomes approved when every place is filled by an approved
contribution; the owner is then told it is time to publish.
"""

from __future__ import annotations

from handlers import notify, texts
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.guests import is_guest_user_id
from handlers.requests import require_owner_or_admin
from handlers.results import Action, ActionKind, Notice, Reply, UserFacingError, UserRef, t
from storage import queries
from storage.models import (
    ContentRequest,
    Decision,
    Draft,
    RequestStatus,
    Review,
    ReviewState,
    Volunteer,
    VolunteerState,
)

FEEDBACK_LIMIT = 2800


def approve_draft(ctx: Ctx, *, number: int, user_id: str, draft_id: int | None = None) -> Reply:
    """Approve a volunteer's latest draft (owner or admin)."""
    request, place, draft = _reviewable(
        ctx, number=number, user_id=user_id, draft_id=draft_id, refusal=texts.ONLY_OWNER_APPROVE
    )
    if place.review_state is ReviewState.APPROVED:
        raise UserFacingError(t(texts.ALREADY_APPROVED, user=UserRef(user_id), number=number))
    _record(ctx, draft=draft, place=place, decision=Decision.APPROVED, feedback="")
    _ask_for_sign_off(ctx, request=request, place=place, draft=draft, user_id=user_id)
    notify.settle(
        ctx, key=f"draft:{draft.id}:owner", outcome=t(texts.SETTLED_APPROVED, user=UserRef(ctx.actor.user_id))
    )
    _maybe_complete(ctx, request)
    notify.refresh_card(ctx, request)
    return Reply.of(t(texts.APPROVED_CONFIRM, user=UserRef(user_id), version=draft.version, number=number))


def _ask_for_sign_off(ctx: Ctx, *, request: ContentRequest, place: Volunteer, draft: Draft, user_id: str) -> None:
    """The contributor is told of the approval and asked to sign off this version (``handlers.signoff``): a
    colleague with a Sign off button, a guest on their page (no chat reaches them). The approval DMs of earlier
    versions say a newer one is the one to sign off."""
    assert place.id is not None
    owner = UserRef(ctx.actor.user_id)
    if is_guest_user_id(user_id):
        notice = Notice(t(texts.APPROVED_NOTICE, owner=owner, number=request.number, title=request.title))
    else:
        notice = Notice(
            t(
                texts.APPROVED_NOTICE_SIGN_OFF,
                owner=owner,
                number=request.number,
                title=request.title,
                version=draft.version,
            ),
            actions=(Action(ActionKind.SIGN_OFF, str(draft.id), texts.BUTTON_SIGN_OFF, "primary"),),
        )
    notify.to_user(ctx, user_id=user_id, notice=notice, key=f"review:{draft.id}:approved", request=request)
    versions = queries.drafts_of_volunteer(session=ctx.session, workspace_id=ctx.workspace_id, volunteer_id=place.id)
    for earlier in versions:
        if earlier.id != draft.id:
            notify.settle(
                ctx, key=f"review:{earlier.id}:approved", outcome=t(texts.SETTLED_NEWER_APPROVED, version=draft.version)
            )


def request_changes(ctx: Ctx, *, number: int, user_id: str, feedback: str, draft_id: int | None = None) -> Reply:
    """Ask a volunteer to change their latest draft, saying what should change (owner or admin)."""
    feedback = feedback.strip()
    if not feedback:
        raise UserFacingError(t(texts.FEEDBACK_MISSING))
    if len(feedback) > FEEDBACK_LIMIT:
        raise UserFacingError(t(texts.FEEDBACK_TOO_LONG, limit=FEEDBACK_LIMIT))
    request, place, draft = _reviewable(
        ctx, number=number, user_id=user_id, draft_id=draft_id, refusal=texts.ONLY_OWNER_CHANGES
    )
    if place.review_state is ReviewState.APPROVED:
        raise UserFacingError(t(texts.ALREADY_APPROVED, user=UserRef(user_id), number=number))
    _record(ctx, draft=draft, place=place, decision=Decision.CHANGES_REQUESTED, feedback=feedback)
    notify.to_user(
        ctx,
        user_id=user_id,
        notice=Notice(
            t(texts.CHANGES_NOTICE, owner=UserRef(ctx.actor.user_id), number=number, title=request.title),
            quote=feedback,
        ),
        key=f"review:{draft.id}:changes",
        request=request,
    )
    notify.settle(ctx, key=f"draft:{draft.id}:owner", outcome=t(texts.SETTLED_CHANGES, user=UserRef(ctx.actor.user_id)))
    notify.refresh_card(ctx, request)
    return Reply.of(t(texts.CHANGES_CONFIRM, user=UserRef(user_id), number=number))


def draft_request_number(ctx: Ctx, *, draft_id: int) -> tuple[int, str]:
    """The request number and author of a draft, for buttons that carry only the draft id."""
    draft = queries.get_draft(session=ctx.session, workspace_id=ctx.workspace_id, draft_id=draft_id)
    if draft is None:
        raise UserFacingError(t(texts.DRAFT_NOT_FOUND))
    request = queries.get_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=draft.request_id)
    author = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=draft.member_id)
    assert request is not None
    return request.number, author.user_id


def _reviewable(
    ctx: Ctx, *, number: int, user_id: str, draft_id: int | None, refusal: str
) -> tuple[ContentRequest, Volunteer, Draft]:
    request = require_request(ctx, number, lock=True)
    require_owner_or_admin(ctx, request, refusal=refusal)
    require_open(request)
    if user_id == ctx.actor.user_id:
        raise UserFacingError(t(texts.NO_SELF_APPROVAL))
    assert request.id is not None
    target = queries.get_member(session=ctx.session, workspace_id=ctx.workspace_id, user_id=user_id)
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    place = next(
        (v for v in live if target is not None and v.member_id == target.id and v.state is VolunteerState.ACTIVE),
        None,
    )
    if place is None or place.id is None:
        raise UserFacingError(t(texts.VOLUNTEER_NOT_FOUND, user=UserRef(user_id), number=number))
    draft = queries.latest_draft(session=ctx.session, workspace_id=ctx.workspace_id, volunteer_id=place.id)
    if draft is None:
        raise UserFacingError(t(texts.NO_DRAFT_YET, user=UserRef(user_id), number=number))
    if draft_id is not None and draft.id != draft_id:
        # A button on an older version was pressed after a newer version came in.
        raise UserFacingError(t(texts.ALREADY_REVIEWED, number=number))
    return request, place, draft


def _record(ctx: Ctx, *, draft: Draft, place: Volunteer, decision: Decision, feedback: str) -> None:
    assert draft.id is not None
    ctx.session.add(
        Review(
            workspace_id=ctx.workspace_id,
            draft_id=draft.id,
            reviewer_id=ctx.actor_id,
            decision=decision,
            feedback=feedback,
            created_at=ctx.now,
        )
    )
    place.review_state = ReviewState.APPROVED if decision is Decision.APPROVED else ReviewState.CHANGES_REQUESTED
    ctx.session.add(place)
    ctx.session.flush()


def _maybe_complete(ctx: Ctx, request: ContentRequest) -> None:
    """Marks the request approved once every place holds an approved contribution."""
    assert request.id is not None
    active = [
        v
        for v in queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
        if v.state is VolunteerState.ACTIVE
    ]
    if not active or any(v.review_state is not ReviewState.APPROVED for v in active):
        return
    parts = queries.parts_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    if parts:
        if any(sum(1 for v in active if v.part_id == p.id) < p.capacity for p in parts):
            return
    elif len(active) < request.volunteers_needed:
        return
    request.status = RequestStatus.APPROVED
    request.updated_at = ctx.now
    ctx.session.add(request)
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    notify.to_user(
        ctx,
        user_id=owner.user_id,
        notice=Notice(
            t(texts.REQUEST_APPROVED_NOTICE, number=request.number, title=request.title),
            actions=(Action(ActionKind.SHOW_FREE_SLOTS, str(request.number), texts.BUTTON_BOOK, "primary"),),
        ),
        key=f"request:{request.id}:approved",
        request=request,
    )
