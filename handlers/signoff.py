"""Sign-off and consent: once the owner approves a contribution, its contributor confirms the approved version —
the byline to publish it under, a one-line bio, and where it may be published — and may withdraw that consent
until the request is published. Publishing with a contribution not signed off is refused unless the owner gives a
reason (``handlers.calendar.mark_published``), which is recorded.

A sign-off is bound to one draft version and the SHA-256 of its content (``draft_hash``), so a newer version
approved later needs a sign-off of its own, and a form opened on an older version is refused when sent. What may be
chosen as places (``publish_places``) is what the request plans: the slot it is booked into and its publishing
target; a request with neither offers the workspace's recurring slots. Every surface calls the same functions:
chat buttons open a form (``signoff_form`` says what it shows), `/cocreate signoff` signs with the defaults, and
a guest's web page does either, run through ``Cobot.act`` as the guest member.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from handlers import notify, texts
from handlers.cards import STATUS_TEXTS, require_request
from handlers.context import Ctx, Scope
from handlers.guests import guest_name
from handlers.results import Notice, Param, Reply, Text, UserFacingError, UserRef, t
from storage import queries
from storage.models import ContentRequest, Draft, Member, RequestStatus, ReviewState, SignOff, Volunteer, VolunteerState

BYLINE_LIMIT = 100
BIO_LIMIT = 200
SIGNABLE = (RequestStatus.OPEN, RequestStatus.APPROVED)
# Slack's checkboxes hold at most 10 options; a request plans at most two places, so only the fallback (the
# workspace's recurring slots) can reach it.
PLACES_LIMIT = 10


def draft_hash(draft: Draft) -> str:
    """The hex SHA-256 of what a draft version says: the UTF-8 bytes of the JSON object
    ``{"file_id": …, "file_name": …, "text": …, "url": …}`` with keys sorted, no spaces (separators ``,`` and
    ``:``), non-ASCII characters written as themselves, and an absent field as ``""``. Drafts never change once
    handed in; the hash lets anyone holding a sign-off check that it confirms exactly this content."""
    content = {
        "file_id": draft.file_id or "",
        "file_name": draft.file_name or "",
        "text": draft.text or "",
        "url": draft.url or "",
    }
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# --- where it may be published -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishPlace:
    """A place a contribution may be published: ``key`` is stable (stored in the sign-off), ``label`` is what a
    person sees (a slot's name as configured or typed: untrusted text, escaped by each surface)."""

    key: str
    label: str


def publish_places(scope: Scope, request: ContentRequest) -> tuple[PublishPlace, ...]:
    """The places a contributor may choose: the request's booked slot and its publishing target; a request that
    plans neither offers the workspace's recurring slots (``publishing.slots`` in app.yaml), the first
    ``PLACES_LIMIT`` of them."""
    assert request.id is not None
    places: dict[str, PublishPlace] = {}
    booking = queries.booking_of_request(session=scope.session, workspace_id=scope.workspace_id, request_id=request.id)
    if booking is not None:
        places[f"slot:{booking.slot_name}"] = PublishPlace(f"slot:{booking.slot_name}", booking.slot_name)
    target = (request.publish_target or "").strip()
    # A content plan's target names the slot it also booked ("LinkedIn 2026-12-08 10:00"): one place, not two.
    if target and not (booking is not None and target.casefold().startswith(booking.slot_name.casefold())):
        slot_names = {slot.name.casefold(): slot.name for slot in scope.policy.follow_up.slots}
        key = f"slot:{slot_names[target.casefold()]}" if target.casefold() in slot_names else f"target:{target}"
        places.setdefault(key, PublishPlace(key, key.partition(":")[2]))
    if not places:
        for slot in scope.policy.follow_up.slots:
            places.setdefault(f"slot:{slot.name}", PublishPlace(f"slot:{slot.name}", slot.name))
    return tuple(places.values())[:PLACES_LIMIT]


# --- what a form shows -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignOffForm:
    """What a sign-off form shows and starts with: the approved version (its content, version and hash), the
    byline and bio to start from (the person's last sign-off on the request, else their display name and no bio),
    and the places to choose from with those chosen before (all of them the first time)."""

    number: int
    title: str
    owner_user_id: str
    draft_id: int
    version: int
    content_hash: str
    text: str | None
    url: str | None
    file_name: str | None
    byline: str
    bio: str
    places: tuple[PublishPlace, ...]
    chosen: tuple[str, ...]
    signed: bool  # this version is signed off already (the form then changes the byline, bio or places)


class SignOffField(StrEnum):
    """The fields of the sign-off form; problems name the one they belong to."""

    BYLINE = "byline"
    BIO = "bio"
    PLACES = "places"


def signoff_form(ctx: Ctx, *, number: int | None = None, draft_id: int | None = None) -> SignOffForm:
    """What the actor's sign-off form for request #number (or for the draft a button carries) shows, or a polite
    refusal when there is nothing of theirs to sign off: no approved version, a newer one approved since, the
    request published or closed."""
    if draft_id is None and number is None:
        raise ValueError("name the request or the draft")
    request, _, draft = _approved_version(ctx, number=number, draft_id=draft_id)
    assert request.id is not None
    assert draft.id is not None
    places = publish_places(ctx, request)
    last = queries.latest_sign_offs(session=ctx.session, workspace_id=ctx.workspace_id, request_ids=[request.id]).get(
        (request.id, ctx.actor_id)
    )
    offered = {p.key for p in places}
    chosen = tuple(k for k in last.places if k in offered) if last is not None else ()
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    return SignOffForm(
        number=request.number,
        title=request.title,
        owner_user_id=owner.user_id,
        draft_id=draft.id,
        version=draft.version,
        content_hash=draft_hash(draft),
        text=draft.text,
        url=draft.url,
        file_name=draft.file_name,
        byline=last.byline if last is not None else default_byline(ctx.actor),
        bio=last.bio if last is not None else "",
        places=places,
        chosen=chosen or tuple(p.key for p in places),
        signed=_counts(last, draft),
    )


def default_byline(member: Member) -> str:
    """The name a contribution is published under unless its contributor says otherwise."""
    return one_line(member.display_name)[:BYLINE_LIMIT]


def one_line(value: str) -> str:
    return " ".join(value.split())


def signoff_problems(
    *, byline: str, bio: str, places: Sequence[str], offered: Sequence[PublishPlace], number: int
) -> list[tuple[SignOffField, Text]]:
    """Every problem with what was typed and chosen, each with its field, in the order a form shows them."""
    problems: list[tuple[SignOffField, Text]] = []
    byline, bio = one_line(byline), one_line(bio)
    if not byline:
        problems.append((SignOffField.BYLINE, t(texts.BYLINE_MISSING, number=number)))
    elif len(byline) > BYLINE_LIMIT:
        problems.append((SignOffField.BYLINE, t(texts.BYLINE_TOO_LONG, length=len(byline), limit=BYLINE_LIMIT)))
    if len(bio) > BIO_LIMIT:
        problems.append((SignOffField.BIO, t(texts.BIO_TOO_LONG, length=len(bio), limit=BIO_LIMIT)))
    keys = {p.key for p in offered}
    if any(key not in keys for key in places):
        problems.append((SignOffField.PLACES, t(texts.PLACES_UNKNOWN, number=number)))
    elif offered and not places:
        problems.append((SignOffField.PLACES, t(texts.PLACES_NONE_CHOSEN)))
    return problems


# --- signing off and withdrawing --------------------------------------------------------------------------------


def sign_off(ctx: Ctx, *, draft_id: int, content_hash: str, byline: str, bio: str, places: Sequence[str]) -> Reply:
    """Confirm the approved version of your contribution: the byline and one-line bio to publish it under, and
    the places (``PublishPlace.key``) where it may be published. ``content_hash`` is the one the form showed
    (``SignOffForm.content_hash``): a version approved since then is refused, not signed off unseen."""
    request, _, draft = _approved_version(ctx, draft_id=draft_id)
    assert request.id is not None
    assert draft.id is not None
    if content_hash.strip().casefold() != draft_hash(draft):
        raise UserFacingError(t(texts.SIGNOFF_CHANGED, version=draft.version, number=request.number))
    offered = publish_places(ctx, request)
    problems = signoff_problems(byline=byline, bio=bio, places=places, offered=offered, number=request.number)
    if problems:
        raise UserFacingError(problems[0][1])
    chosen = [p.key for p in offered if p.key in set(places)]  # in the order offered, each once
    row = queries.add_sign_off(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        request_id=request.id,
        draft_id=draft.id,
        member_id=ctx.actor_id,
        version=draft.version,
        content_hash=content_hash.strip().casefold(),
        byline=one_line(byline),
        bio=one_line(bio),
        places=chosen,
        now=ctx.now,
    )
    notify.settle(ctx, key=f"review:{draft.id}:approved", outcome=t(texts.SETTLED_SIGNED_OFF, version=draft.version))
    if request.status is RequestStatus.APPROVED and not missing_sign_offs(ctx, request):
        owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
        notify.to_user(
            ctx,
            user_id=owner.user_id,
            notice=Notice(t(texts.ALL_SIGNED_OFF_NOTICE, number=request.number, title=request.title)),
            key=f"signoff:{row.id}:all",
            request=request,
        )
    labels = {p.key: p.label for p in offered}
    common: dict[str, Param] = {"version": draft.version, "number": request.number, "byline": row.byline}
    if not chosen:
        return Reply.of(t(texts.SIGNOFF_DONE_NO_PLACES, **common))
    return Reply.of(t(texts.SIGNOFF_DONE, **common, places=", ".join(labels[k] for k in chosen)))


def sign_off_request(ctx: Ctx, *, number: int, byline: str | None = None, bio: str | None = None) -> Reply:
    """Sign off the approved version of your contribution to #number by command: the byline and bio given, else
    those of your last sign-off (or your display name); every planned place, or those you chose before."""
    form = signoff_form(ctx, number=number)
    return sign_off(
        ctx,
        draft_id=form.draft_id,
        content_hash=form.content_hash,
        byline=form.byline if byline is None else byline,
        bio=form.bio if bio is None else bio,
        places=form.chosen,
    )


def withdraw_consent(ctx: Ctx, *, number: int) -> Reply:
    """Take back your sign-off of #number before it is published; it can't be published without it until you
    sign off again (or its owner publishes anyway, giving a reason)."""
    request = require_request(ctx, number, lock=True)
    assert request.id is not None
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    if request.status is RequestStatus.PUBLISHED:
        raise UserFacingError(t(texts.WITHDRAW_CONSENT_PUBLISHED, number=number, owner=UserRef(owner.user_id)))
    last = queries.latest_sign_offs(session=ctx.session, workspace_id=ctx.workspace_id, request_ids=[request.id]).get(
        (request.id, ctx.actor_id)
    )
    if last is None:
        raise UserFacingError(t(texts.WITHDRAW_CONSENT_NOTHING, number=number))
    if last.withdrawn_at is not None:
        raise UserFacingError(t(texts.WITHDRAW_CONSENT_ALREADY, number=number))
    queries.withdraw_sign_off(session=ctx.session, sign_off=last, now=ctx.now)
    # The approval DM said "You signed off"; now it says the consent is withdrawn, and how to give it again.
    notify.settle(
        ctx, key=f"review:{last.draft_id}:approved", outcome=t(texts.SETTLED_CONSENT_WITHDRAWN, number=number)
    )
    if owner.id != ctx.actor_id and request.status is not RequestStatus.CLOSED:
        notify.to_user(
            ctx,
            user_id=owner.user_id,
            notice=Notice(
                t(texts.CONSENT_WITHDRAWN_NOTICE, user=person_param(ctx.actor), number=number, title=request.title)
            ),
            key=f"signoff:{last.id}:withdrawn",
            request=request,
        )
    return Reply.of(t(texts.WITHDRAW_CONSENT_DONE, number=number))


def signoff_hint(ctx: Ctx, *, draft_id: int) -> Reply:
    """The Sign off button where no form can be shown: what to type instead, for the version it was made for."""
    form = signoff_form(ctx, draft_id=draft_id)
    return Reply.of(t(texts.SIGNOFF_HINT_COMMAND, version=form.version, number=form.number))


# --- who is missing -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Missing:
    """A contributor whose approved version is not signed off: never signed, signed an older version, or withdrew
    their consent."""

    member: Member
    withdrawn: bool


def missing_sign_offs(scope: Scope, request: ContentRequest) -> list[Missing]:
    """Everyone holding a place on the request who handed in a draft, and whose latest version is not approved
    and signed off with consent standing, in the order their places were taken."""
    assert request.id is not None
    places = [
        v
        for v in queries.live_volunteers(session=scope.session, workspace_id=scope.workspace_id, request_id=request.id)
        if v.state is VolunteerState.ACTIVE
    ]
    signed = queries.latest_sign_offs(session=scope.session, workspace_id=scope.workspace_id, request_ids=[request.id])
    members = queries.get_members_by_ids(
        session=scope.session, workspace_id=scope.workspace_id, member_ids={v.member_id for v in places}
    )
    missing: list[Missing] = []
    for place in sorted(places, key=lambda v: v.id or 0):
        assert place.id is not None
        draft = queries.latest_draft(session=scope.session, workspace_id=scope.workspace_id, volunteer_id=place.id)
        if draft is None:
            continue  # nothing of theirs goes out
        last = signed.get((request.id, place.member_id))
        if place.review_state is ReviewState.APPROVED and _counts(last, draft):
            continue
        missing.append(Missing(members[place.member_id], withdrawn=last is not None and last.withdrawn_at is not None))
    return missing


def person_param(member: Member) -> Param:
    """A person as a text parameter: a mention for a colleague, "Anne Holm (guest)" for a guest, whom no platform
    can mention."""
    return guest_name(member) if member.is_guest else UserRef(member.user_id)


def missing_text(missing: Sequence[Missing]) -> Text:
    """The people missing, as one parameter: "@Anna, @Bo (consent withdrawn)"."""
    params: dict[str, Param] = {}
    for i, item in enumerate(missing):
        person = person_param(item.member)
        params[f"p{i}"] = t(texts.PERSON_CONSENT_WITHDRAWN, person=person) if item.withdrawn else person
    return Text(", ".join("{" + key + "}" for key in params), params)


# --- shared -----------------------------------------------------------------------------------------------------


def _counts(last: SignOff | None, draft: Draft) -> bool:
    """Whether ``last`` signs off exactly this draft version, with consent standing."""
    return (
        last is not None
        and last.withdrawn_at is None
        and last.draft_id == draft.id
        and last.content_hash == draft_hash(draft)
    )


def _approved_version(
    ctx: Ctx, *, number: int | None = None, draft_id: int | None = None
) -> tuple[ContentRequest, Volunteer, Draft]:
    """The actor's place on the request and its latest draft, which must be approved; else a polite refusal
    saying why (and, for a draft that is not the latest, which version to sign off instead)."""
    given: Draft | None = None
    if draft_id is not None:
        given = queries.get_draft(session=ctx.session, workspace_id=ctx.workspace_id, draft_id=draft_id)
        if given is None:
            raise UserFacingError(t(texts.DRAFT_NOT_FOUND))
        if given.member_id != ctx.actor_id:
            raise UserFacingError(t(texts.SIGNOFF_NOT_YOURS))
        found = queries.get_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=given.request_id)
        assert found is not None
        number = found.number
    assert number is not None
    request = require_request(ctx, number, lock=True)
    assert request.id is not None
    if request.status not in SIGNABLE:
        raise UserFacingError(
            t(texts.SIGNOFF_REQUEST_DONE, number=request.number, status=t(STATUS_TEXTS[request.status]))
        )
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    place = next((v for v in live if v.member_id == ctx.actor_id and v.state is VolunteerState.ACTIVE), None)
    if place is None or place.id is None:
        raise UserFacingError(t(texts.SIGNOFF_NO_PLACE, number=request.number))
    latest = queries.latest_draft(session=ctx.session, workspace_id=ctx.workspace_id, volunteer_id=place.id)
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    if latest is None or place.review_state is not ReviewState.APPROVED:
        raise UserFacingError(t(texts.SIGNOFF_NOT_APPROVED, number=request.number, owner=UserRef(owner.user_id)))
    if given is not None and given.id != latest.id:
        raise UserFacingError(t(texts.SIGNOFF_NEWER_VERSION, version=given.version, number=request.number))
    return request, place, latest
