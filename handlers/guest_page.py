"""What a guest can see and do on their web page (``/guest/<token>``, served by ``bot.web``): the request they were
invited to, their own versions and the owner's feedback on them, and the few things they can do — accept or
decline, hand in a draft (text, link or file), ask for more time, step back, choose language and time zone.

Every action is the colleagues' own handler run as the guest (``submit_draft``, ``ask_for_more_time``,
``withdraw_from_request``), so the owner gets the same DM with Approve / Request changes, the card and the waiting
line move the same way, and only what has no chat counterpart lives here. A guest's link opens exactly one
request, and the view holds only that request and the guest's own versions: never another contributor, their
drafts or their e-mail address.

Files are kept in the database (``GuestFile``), not on disk: ``cobot serve`` runs several worker processes, and
may run on several hosts, which all reach the one database but share no disk; a row is written in the same
transaction as its draft, so a failed hand-in leaves no stray file and a backup of the database holds the files
the drafts refer to. ``guests.uploads.max_bytes`` (10 MB by default) keeps the rows a size databases handle well.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from handlers import notify, texts
from handlers.context import Ctx
from handlers.drafts import DRAFT_TEXT_LIMIT, DraftContent, submit_draft
from handlers.extensions import ask_for_more_time
from handlers.guest_files import KINDS, detect, safe_file_name
from handlers.guests import guest_name
from handlers.results import Notice, Reply, UserFacingError, t
from handlers.signoff import SignOffForm, sign_off, signoff_form, withdraw_consent
from handlers.volunteering import withdraw_from_request
from storage import queries
from storage.models import (
    ContentRequest,
    Decision,
    GuestFile,
    GuestLink,
    Member,
    RequestStatus,
    ReviewState,
    Volunteer,
    VolunteerState,
)

SOURCE = "guest_page"  # Draft.source of what a guest hands in on their page
FILE_ID_PREFIX = "guest-file:"  # Draft.file_id of a guest's upload: no platform's file id has this form
DOWNLOAD_PREFIX = "/guest/files/"
LINK_LIMIT = 2000  # Draft.url's width

# What every page action gets besides the context: the guest's link. Adapters (the web page, the console's
# ``:guest``) only pass it on from ``resolve_link``; what it holds is the core's business.
PageLink: TypeAlias = GuestLink


class GuestPageError(UserFacingError):
    """Bad input on the page: shown above the forms, with nothing changed."""


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: its name as the guest's computer called it, and its bytes."""

    file_name: str
    data: bytes


@dataclass(frozen=True)
class UploadRules:
    max_bytes: int
    types: tuple[str, ...]

    @property
    def max_megabytes(self) -> int:
        return max(1, self.max_bytes // (1024 * 1024))


@dataclass(frozen=True)
class FeedbackView:
    approved: bool
    feedback: str
    at: datetime


@dataclass(frozen=True)
class VersionView:
    version: int
    at: datetime
    text: str | None
    url: str | None
    file_name: str | None
    file_size: int | None
    reviews: tuple[FeedbackView, ...]


@dataclass(frozen=True)
class GuestPageView:
    """Everything the page shows, and nothing about anyone but the guest and the owner's name."""

    title: str
    brief: str
    format: str | None
    part: str | None
    deadline: date
    owner_name: str
    owner_user_id: str  # for refusals that name the owner ("… until {owner} has answered")
    guest_name: str
    language: str
    timezone: str
    state: str  # "invited", "waiting", "drafting", "withdrawn", "closed"
    review_state: ReviewState
    position: int | None  # in the waiting line
    versions: tuple[VersionView, ...]
    pending_extension: date | None

    @property
    def may_hand_in(self) -> bool:
        return self.state == "drafting" and self.review_state is not ReviewState.APPROVED


# --- reading ------------------------------------------------------------------------------------------------------


def _request(ctx: Ctx, link: GuestLink) -> ContentRequest:
    request = queries.get_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=link.request_id)
    assert request is not None  # a link's request is never deleted
    return request


def _place(ctx: Ctx, link: GuestLink) -> Volunteer | None:
    return queries.latest_place(
        session=ctx.session, workspace_id=ctx.workspace_id, request_id=link.request_id, member_id=link.member_id
    )


def _state(ctx: Ctx, link: GuestLink, request: ContentRequest, place: Volunteer | None) -> str:
    if place is None or place.state is VolunteerState.WITHDRAWN:
        return "withdrawn"
    if request.status is not RequestStatus.OPEN:
        return "closed"
    accepted = queries.guest_accepted(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        request_id=link.request_id,
        member_id=link.member_id,
        since=place.created_at,
    )
    if not accepted:
        return "invited"
    return "waiting" if place.state is VolunteerState.WAITLISTED else "drafting"


def guest_page(ctx: Ctx, *, link: GuestLink) -> GuestPageView:
    """What the guest's page shows now."""
    request = _request(ctx, link)
    assert request.id is not None
    place = _place(ctx, link)
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    part = None
    if place is not None and place.part_id is not None:
        parts = queries.parts_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
        part = next((p.name for p in parts if p.id == place.part_id), None)
    position = None
    if place is not None and place.state is VolunteerState.WAITLISTED:
        live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
        line = [v.id for v in live if v.state is VolunteerState.WAITLISTED and v.part_id == place.part_id]
        position = line.index(place.id) + 1 if place.id in line else None
    drafts = queries.drafts_of_member(
        session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id, member_id=ctx.actor_id
    )
    reviews = queries.reviews_of_drafts(
        session=ctx.session, workspace_id=ctx.workspace_id, draft_ids=[d.id for d in drafts if d.id is not None]
    )
    file_ids = [file_id for d in drafts if (file_id := _guest_file_id(d.file_id)) is not None]
    sizes = queries.guest_file_sizes(session=ctx.session, workspace_id=ctx.workspace_id, file_ids=file_ids)
    versions = tuple(
        VersionView(
            version=d.version,
            at=d.created_at,
            text=d.text,
            url=d.url,
            file_name=d.file_name,
            file_size=sizes.get(_guest_file_id(d.file_id) or 0),
            reviews=tuple(
                FeedbackView(r.decision is Decision.APPROVED, r.feedback, r.created_at)
                for r in reviews
                if r.draft_id == d.id
            ),
        )
        for d in drafts
    )
    pending = (
        queries.pending_extension(session=ctx.session, workspace_id=ctx.workspace_id, volunteer_id=place.id)
        if place is not None and place.id is not None
        else None
    )
    return GuestPageView(
        title=request.title,
        brief=request.brief,
        format=request.format,
        part=part,
        deadline=(place.due_date if place is not None and place.due_date else request.draft_deadline),
        owner_name=owner.display_name or "",
        owner_user_id=owner.user_id,
        guest_name=ctx.actor.display_name,
        language=ctx.policy.language_of(ctx.actor),
        timezone=guest_timezone(ctx),
        state=_state(ctx, link, request, place),
        review_state=place.review_state if place is not None else ReviewState.NO_DRAFT,
        position=position,
        versions=versions,
        pending_extension=pending.proposed_date if pending is not None else None,
    )


def guest_timezone(ctx: Ctx) -> str:
    """The guest's time zone: their own choice, else the inviter's (copied at invitation), else the workspace's."""
    return ctx.actor.tz or str(ctx.policy.timezone)


def _guest_file_id(file_id: str | None) -> int | None:
    if file_id is None or not file_id.startswith(FILE_ID_PREFIX):
        return None
    tail = file_id.removeprefix(FILE_ID_PREFIX)
    return int(tail) if tail.isdecimal() else None


# --- acting -------------------------------------------------------------------------------------------------------


def _require_state(ctx: Ctx, link: GuestLink, *wanted: str) -> tuple[ContentRequest, Volunteer]:
    request = _request(ctx, link)
    place = _place(ctx, link)
    if _state(ctx, link, request, place) not in wanted or place is None:
        raise GuestPageError(t(texts.PAGE_NOT_NOW))
    return request, place


def accept_invitation(ctx: Ctx, *, link: GuestLink) -> Reply:
    """The guest says yes: the page offers the draft forms from now on."""
    _require_state(ctx, link, "invited")
    link.accepted_at = ctx.now
    ctx.session.add(link)
    return Reply.of(t(texts.PAGE_DONE_ACCEPTED))


def decline_invitation(ctx: Ctx, *, link: GuestLink) -> Reply:
    """The guest says no: their place is freed for the next in line, as a withdrawal frees it, and the owner is
    told in chat."""
    request, _ = _require_state(ctx, link, "invited")
    withdraw_from_request(ctx, number=request.number, via=SOURCE)
    _tell_owner(ctx, request, texts.GUEST_DECLINED_FOR_OWNER, key=f"guest:{link.id}:declined")
    return Reply.of(t(texts.PAGE_DONE_DECLINED))


def step_back(ctx: Ctx, *, link: GuestLink) -> Reply:
    """The guest who accepted steps back after all; the owner is told in chat."""
    request, _ = _require_state(ctx, link, "waiting", "drafting")
    withdraw_from_request(ctx, number=request.number, via=SOURCE)
    _tell_owner(ctx, request, texts.GUEST_WITHDREW_FOR_OWNER, key=f"guest:{link.id}:withdrew")
    return Reply.of(t(texts.PAGE_DONE_WITHDRAWN))


def _tell_owner(ctx: Ctx, request: ContentRequest, text: str, *, key: str) -> None:
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    notify.to_user(
        ctx,
        user_id=owner.user_id,
        notice=Notice(t(text, guest=guest_name(ctx.actor), number=request.number, title=request.title)),
        key=key,
        request=request,
    )


def hand_in_text(ctx: Ctx, *, link: GuestLink, text: str) -> Reply:
    """A draft written on the page: kept as text, shown to the owner as a quote (never as markup)."""
    request, _ = _require_drafting(ctx, link)
    cleaned = text.replace("\r\n", "\n").strip()
    if not cleaned:
        raise GuestPageError(t(texts.PAGE_EMPTY_TEXT))
    if len(cleaned) > DRAFT_TEXT_LIMIT:
        raise GuestPageError(t(texts.PAGE_TEXT_TOO_LONG, length=len(cleaned), limit=DRAFT_TEXT_LIMIT))
    return _submitted(ctx, request, DraftContent(text=cleaned))


def hand_in_link(ctx: Ctx, *, link: GuestLink, url: str) -> Reply:
    """A link to a draft kept elsewhere (a shared document)."""
    request, _ = _require_drafting(ctx, link)
    cleaned = url.strip()
    content = DraftContent(text=cleaned)
    if len(cleaned) > LINK_LIMIT or not content.is_only_a_link:
        raise GuestPageError(t(texts.PAGE_BAD_LINK))
    return _submitted(ctx, request, content)


def hand_in_file(ctx: Ctx, *, link: GuestLink, upload: Upload | None, rules: UploadRules) -> Reply:
    """An uploaded file: checked by size and by content, kept in the database, and offered to the owner through
    an unguessable download link in their DM."""
    request, _ = _require_drafting(ctx, link)
    assert request.id is not None
    if upload is None or not upload.data:
        raise GuestPageError(t(texts.PAGE_NO_FILE))
    if len(upload.data) > rules.max_bytes:
        size = f"{len(upload.data) / (1024 * 1024):.1f}"
        raise GuestPageError(t(texts.PAGE_FILE_TOO_BIG, size=size, limit=rules.max_megabytes))
    found = detect(upload.data, file_name=upload.file_name, allowed=rules.types)
    if found is None:
        raise GuestPageError(t(texts.PAGE_FILE_WRONG_KIND, types=allowed_types(rules)))
    name = safe_file_name(upload.file_name, kind=found.kind)
    stored = queries.add_guest_file(
        session=ctx.session,
        guest_file=GuestFile(
            workspace_id=ctx.workspace_id,
            member_id=ctx.actor_id,
            request_id=request.id,
            download_token=secrets.token_urlsafe(32),
            file_name=name,
            content_type=found.content_type,
            size=len(upload.data),
            sha256=hashlib.sha256(upload.data).hexdigest(),
            content=upload.data,
            created_at=ctx.now,
        ),
    )
    return _submitted(
        ctx,
        request,
        DraftContent(
            file_id=f"{FILE_ID_PREFIX}{stored.id}",
            file_name=name,
            file_url=download_url(ctx.policy.public_url, stored.download_token),
        ),
    )


def allowed_types(rules: UploadRules) -> str:
    return ", ".join(KINDS[kind][1].lstrip(".") for kind in rules.types)


def download_url(public_url: str | None, download_token: str) -> str:
    """Where the owner opens a guest's file: under the public URL when there is one (else only the path)."""
    return (public_url or "").rstrip("/") + DOWNLOAD_PREFIX + download_token


def _require_drafting(ctx: Ctx, link: GuestLink) -> tuple[ContentRequest, Volunteer]:
    request, place = _require_state(ctx, link, "drafting")
    if place.review_state is ReviewState.APPROVED:
        raise GuestPageError(t(texts.PAGE_NOT_NOW))
    return request, place


def _submitted(ctx: Ctx, request: ContentRequest, content: DraftContent) -> Reply:
    submit_draft(ctx, number=request.number, content=content, source=SOURCE)
    place = _place_of_actor(ctx, request)
    latest = queries.latest_draft(session=ctx.session, workspace_id=ctx.workspace_id, volunteer_id=place.id or 0)
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    version = latest.version if latest is not None else 1
    return Reply.of(t(texts.PAGE_DONE_DRAFT, version=version, owner=owner.display_name))


def _place_of_actor(ctx: Ctx, request: ContentRequest) -> Volunteer:
    assert request.id is not None
    place = queries.latest_place(
        session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id, member_id=ctx.actor_id
    )
    assert place is not None
    return place


def ask_more_time(ctx: Ctx, *, link: GuestLink, proposed: str) -> Reply:
    """The guest picks a later day; the owner decides in chat with Accept / Decline, as for a colleague."""
    request, _ = _require_drafting(ctx, link)
    value = proposed.strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise GuestPageError(t(texts.PAGE_BAD_DATE, value=value[:40] or "—")) from None
    ask_for_more_time(ctx, number=request.number, proposed=day)
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    return Reply.of(t(texts.PAGE_DONE_MORE_TIME, owner=owner.display_name))


def choose_settings(ctx: Ctx, *, link: GuestLink, language: str, timezone: str) -> Reply:
    """The page's language (and the guest's e-mails') and the time zone their times are shown in."""
    if language not in ctx.policy.languages:
        raise GuestPageError(t(texts.PAGE_BAD_LANGUAGE))
    zone = timezone.strip()
    if zone not in timezone_choices():
        raise GuestPageError(t(texts.PAGE_BAD_TIMEZONE, value=zone[:64] or "—"))
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise GuestPageError(t(texts.PAGE_BAD_TIMEZONE, value=zone[:64])) from None
    member: Member = ctx.actor
    member.language = language
    member.tz = zone
    ctx.session.add(member)
    return Reply.of(t(texts.PAGE_DONE_SETTINGS))


_ZONES: tuple[str, ...] = ()


def timezone_choices() -> tuple[str, ...]:
    """The time zones a guest can pick, by their IANA names, sorted (read once)."""
    global _ZONES
    if not _ZONES:
        named = {z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/"))}
        _ZONES = tuple(sorted(named | {"UTC"}))
    return _ZONES


# --- sign-off -------------------------------------------------------------------------------------------------


def signoff_on_page(ctx: Ctx, *, link: GuestLink) -> SignOffForm | None:
    """The sign-off form for the guest's approved version (``handlers.signoff``: the same as colleagues get in
    chat), or None while there is nothing to sign off (not approved yet, published, closed)."""
    request = _request(ctx, link)
    try:
        return signoff_form(ctx, number=request.number)
    except UserFacingError:
        return None


def sign_off_on_page(
    ctx: Ctx, *, link: GuestLink, draft_id: str, content_hash: str, byline: str, bio: str, places: Sequence[str]
) -> Reply:
    """The guest's sign-off, from the page's form: the version and hash it showed, the byline, bio and places."""
    _request(ctx, link)
    if not draft_id.isdecimal():
        raise GuestPageError(t(texts.PAGE_FORM_EXPIRED))
    return sign_off(ctx, draft_id=int(draft_id), content_hash=content_hash, byline=byline, bio=bio, places=places)


def withdraw_consent_on_page(ctx: Ctx, *, link: GuestLink) -> Reply:
    """The guest takes back their sign-off before the request is published."""
    return withdraw_consent(ctx, number=_request(ctx, link).number)
