"""What Cobot holds about one person, as plain JSON-ready data (`cobot export-person`): the answer to a request to see
one's data, and what `cobot forget` would then erase or keep.

Everything is read from the member's workspace only, by the member's id (and, for what Teams told Cobot, by their user
id): their profile and preferences, skills, the requests they own, their places, drafts, requests for more time,
invitations, sign-offs, the reviews of their drafts and those they gave, figures they recorded, slots and bookings they
made, publications they forced, guest links and files, calendar feed addresses, and the messages Cobot sent or queued
that name them. Secrets are left out (hashes of link tokens, form keys, a guest file's download token and bytes): they
say nothing about the person and would open things.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Any

from sqlmodel import Session, SQLModel, col, select

from storage import queries
from storage.models import (
    CalendarFeed,
    ContentRequest,
    Draft,
    ExtensionRequest,
    GuestFile,
    GuestLink,
    Invitation,
    Member,
    PieceResult,
    PublicationOverride,
    PublishingSlot,
    Review,
    SignOff,
    SlotBooking,
    TeamsConversation,
    TeamsUser,
    Volunteer,
    Workspace,
)

FORMAT = 1
# Columns never exported: ids of other rows are replaced by request numbers, secrets left out.
LEFT_OUT = frozenset(
    {"id", "workspace_id", "token_hash", "form_secret", "download_token", "content", "claim_token", "reference"}
)
# Request ids become the request's number under these names.
RENAMED = {"request_id": "request", "derived_from_id": "derived_from"}
PREFERENCES = ("reminders_enabled", "listed_in_digest", "invitations_enabled", "asks_per_month")


def person_export(*, session: Session, workspace: Workspace, member: Member, now: datetime) -> dict[str, Any]:
    """Everything Cobot holds about ``member`` (see the module's docstring), ready for ``json.dumps``."""
    assert member.id is not None
    assert workspace.id is not None
    workspace_id, member_id = workspace.id, member.id
    numbers = _RequestNumbers(session, workspace_id)

    def rows(model: Any, condition: Any) -> list[dict[str, Any]]:
        found = session.exec(
            select(model).where(col(model.workspace_id) == workspace_id, condition).order_by(col(model.id))
        ).all()
        return [numbers.plain(row) for row in found]

    profile = {key: value for key, value in numbers.plain(member).items() if key not in PREFERENCES}
    volunteer_ids = list(
        session.exec(
            select(Volunteer.id).where(Volunteer.workspace_id == workspace_id, Volunteer.member_id == member_id)
        ).all()
    )
    draft_ids = list(
        session.exec(select(Draft.id).where(Draft.workspace_id == workspace_id, Draft.member_id == member_id)).all()
    )
    needles = [member.user_id] + ([member.email] if member.email else [])
    messages = [
        {
            "kind": row.kind,
            "request": numbers.of(row.request_id),
            "queued_at": _plain(row.created_at),
            "sent_at": _plain(row.sent_at),
            "failed_at": _plain(row.failed_at),
        }
        for row in queries.outbox_mentioning(session=session, workspace_id=workspace_id, needles=needles)
    ]
    return {
        "format": FORMAT,
        "exported_at": _plain(now),
        "workspace": {"platform": workspace.platform, "id": workspace.external_id, "name": workspace.name},
        "profile": profile,
        "preferences": {key: getattr(member, key) for key in PREFERENCES},
        "skills": queries.skills_of_member(session=session, workspace_id=workspace_id, member_id=member_id),
        "requests_owned": rows(ContentRequest, col(ContentRequest.owner_id) == member_id),
        "places": rows(Volunteer, col(Volunteer.member_id) == member_id),
        "drafts": rows(Draft, col(Draft.member_id) == member_id),
        "extension_requests": rows(ExtensionRequest, col(ExtensionRequest.volunteer_id).in_(volunteer_ids)),
        "invitations": rows(Invitation, col(Invitation.member_id) == member_id),
        "sign_offs": rows(SignOff, col(SignOff.member_id) == member_id),
        "reviews_received": rows(Review, col(Review.draft_id).in_(draft_ids)),
        "reviews_given": rows(Review, col(Review.reviewer_id) == member_id),
        "results_recorded": rows(PieceResult, col(PieceResult.recorded_by_id) == member_id),
        "slots_created": rows(PublishingSlot, col(PublishingSlot.created_by_id) == member_id),
        "bookings_made": rows(SlotBooking, col(SlotBooking.booked_by_id) == member_id),
        "publications_forced": rows(PublicationOverride, col(PublicationOverride.forced_by_id) == member_id),
        "guest_links": rows(GuestLink, col(GuestLink.member_id) == member_id),
        "guest_files": rows(GuestFile, col(GuestFile.member_id) == member_id),
        "calendar_feeds": rows(CalendarFeed, col(CalendarFeed.member_id) == member_id),
        "teams": {
            "ids": rows(TeamsUser, col(TeamsUser.user_id) == member.user_id),
            "chats": rows(TeamsConversation, col(TeamsConversation.user_id) == member.user_id),
        },
        "messages": messages,
    }


class _RequestNumbers:
    """Request ids shown as the numbers people know (#12), looked up once."""

    def __init__(self, session: Session, workspace_id: int) -> None:
        self._numbers = dict(
            session.exec(
                select(ContentRequest.id, ContentRequest.number).where(ContentRequest.workspace_id == workspace_id)
            ).all()
        )

    def of(self, request_id: int | None) -> int | None:
        return None if request_id is None else self._numbers.get(request_id)

    def plain(self, row: SQLModel) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in row.model_dump().items():
            if key in LEFT_OUT:
                continue
            if key in RENAMED:
                out[RENAMED[key]] = self.of(value)
                continue
            out[key] = _plain(value)
        return out


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value
