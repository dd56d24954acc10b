"""Drafts: a volunteer hands in a version (a link, a text, or a file), and the owner is asked to review it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers import notify, texts
from handlers.cards import require_open, require_request
from handlers.context import Ctx
from handlers.guests import person
from handlers.results import Action, ActionKind, Notice, Param, Reply, Text, UserFacingError, UserRef, t
from storage import queries
from storage.models import ContentRequest, Draft, ReviewState, Volunteer, VolunteerState

DRAFT_TEXT_LIMIT = 2800  # shown to the owner as one quoted section (at most 3000 characters)
_URL = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)


@dataclass(frozen=True)
class DraftContent:
    text: str = ""
    file_id: str | None = None
    file_name: str | None = None
    # Where the owner opens the file, when the platform has no file of its own to show (a guest's upload).
    file_url: str | None = None

    @property
    def url(self) -> str | None:
        found = _URL.search(self.text)
        return found.group(0).rstrip(".,;:!?)") if found else None

    @property
    def is_only_a_link(self) -> bool:
        return self.url is not None and self.text.strip().rstrip(".,;:!?)") == self.url

    @property
    def counts_as_draft(self) -> bool:
        """A thread reply is a draft only when it carries a link or a file; other chatter is left alone."""
        return self.url is not None or self.file_id is not None


def _new_draft_text(ctx: Ctx, *, request: ContentRequest, place: Volunteer, draft: Draft) -> Text:
    """What the owner is told about a new draft: on a request with parts, which part it is for, since each part
    has its own author and the owner reviews them one by one."""
    common: dict[str, Param] = {
        "user": person(ctx.actor),
        "version": draft.version,
        "number": request.number,
        "title": request.title,
    }
    if place.part_id is not None and request.id is not None:
        parts = queries.parts_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
        part = next((p for p in parts if p.id == place.part_id), None)
        if part is not None:
            return Text(texts.NEW_DRAFT_FOR_OWNER_PART, {**common, "position": part.position, "part": part.name})
    return Text(texts.NEW_DRAFT_FOR_OWNER, common)


def submit_draft(ctx: Ctx, *, number: int, content: DraftContent, source: str = "command") -> Reply:
    """Hand in a new version of your draft for a request."""
    request = require_request(ctx, number, lock=True)
    require_open(request)
    assert request.id is not None
    text = content.text.strip()
    if not text and content.file_id is None:
        raise UserFacingError(t(texts.EMPTY_DRAFT, number=number))
    if len(text) > DRAFT_TEXT_LIMIT:
        raise UserFacingError(t(texts.DRAFT_TOO_LONG, length=len(text)))
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    place = next((v for v in live if v.member_id == ctx.actor_id), None)
    if place is None:
        raise UserFacingError(t(texts.NOT_A_VOLUNTEER, number=number))
    if place.state is VolunteerState.WAITLISTED:
        raise UserFacingError(t(texts.NOT_HOLDING_PLACE, number=number))
    assert place.id is not None
    previous = queries.latest_draft(session=ctx.session, workspace_id=ctx.workspace_id, volunteer_id=place.id)
    draft = Draft(
        workspace_id=ctx.workspace_id,
        request_id=request.id,
        volunteer_id=place.id,
        member_id=ctx.actor_id,
        version=(previous.version + 1) if previous else 1,
        url=content.url,
        text=None if content.is_only_a_link else (text or None),
        file_id=content.file_id,
        file_name=content.file_name,
        source=source,
        created_at=ctx.now,
    )
    ctx.session.add(draft)
    waiting = previous is not None and place.review_state is ReviewState.SUBMITTED
    place.review_state = ReviewState.SUBMITTED
    ctx.session.add(place)
    ctx.session.flush()
    notify.cancel_reminders(ctx, volunteer_id=place.id)
    if waiting and previous is not None:  # its Approve button would only say a newer version came in
        notify.settle(
            ctx, key=f"draft:{previous.id}:owner", outcome=t(texts.SETTLED_NEWER_VERSION, version=draft.version)
        )
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    if owner.id != ctx.actor_id:  # an owner drafting on their own request needs no note to themselves
        notify.to_user(
            ctx,
            user_id=owner.user_id,
            notice=Notice(
                _new_draft_text(ctx, request=request, place=place, draft=draft),
                quote=draft.text,
                link=draft.url or content.file_url,
                actions=(
                    Action(ActionKind.APPROVE_DRAFT, str(draft.id), texts.BUTTON_APPROVE, "primary"),
                    Action(ActionKind.REQUEST_CHANGES, str(draft.id), texts.BUTTON_CHANGES),
                ),
            ),
            key=f"draft:{draft.id}:owner",
            request=request,
        )
    if source == "thread":
        notify.to_thread(
            ctx,
            request=request,
            notice=Notice(
                t(
                    texts.DRAFT_IN_THREAD,
                    user=UserRef(ctx.actor.user_id),
                    version=draft.version,
                    owner=UserRef(owner.user_id),
                )
            ),
            key=f"draft:{draft.id}:thread",
        )
    notify.refresh_card(ctx, request)
    return Reply.of(t(texts.DRAFT_RECEIVED, version=draft.version, number=number, owner=UserRef(owner.user_id)))


def reply_in_thread(ctx: Ctx, *, request: ContentRequest, content: DraftContent) -> Reply | None:
    """A reply in a request's thread becomes a new draft version when it carries a link or a file and comes from
    someone holding a place; anything else is conversation, and None says so (nothing was done)."""
    assert request.id is not None
    if not content.counts_as_draft:
        return None
    place = next(
        (
            v
            for v in queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
            if v.member_id == ctx.actor_id
        ),
        None,
    )
    if place is None or place.state is not VolunteerState.ACTIVE:
        return None  # a link shared by someone who is not drafting: conversation, not a draft
    submit_draft(ctx, number=request.number, content=content, source="thread")
    return Reply(())  # the confirmation goes to the thread, where everyone sees it
