"""Guests: people outside the company (no Slack or Teams account) whom a request's owner invites by e-mail.

A guest is a ``Member`` of the workspace with ``is_guest`` set and a ``user_id`` of ``guest:<random>``, which no
platform id can equal (Slack's and Teams' ids have no colon). Everything that works by member id — places, waiting
lines, drafts, reviews, reminders — therefore works for guests as it does for colleagues. The owner's
``/cocreate guest`` gives the guest a place exactly as volunteering does (``handlers.volunteering.take_place``,
``via="guest"``), and the guest reaches the request through a personal link.

A link is a ``GuestLink`` row holding the SHA-256 of a random token (``secrets.token_urlsafe(32)``, 256 bits); the
token itself is stored nowhere. The invitation in the outbox (``handlers.messages.GuestInvitation``) names a link,
not a token: a token queued in the outbox would sit in the database in plain text until sent, and linger in
backups after. The invitation's link is the guest's standing on the request, and the token made with it is thrown
away, so it opens nothing. Every e-mail to the guest about the request — the invitation, a reminder, the owner's
decision — gets a link of its own when it is sent (``link_for_email``), which works as long as the guest's standing
does, so the only copy of a working token is the e-mail that carries it. An e-mail sent again after a crash brings
a second link and leaves the first working, so whichever copy a mail client shows opens the page. A link works for
``guests.link_days`` (app.yaml) after it was sent, stops working after ``guests.open_within_days`` if it was never
opened, and ends when it is revoked: all of a guest's links on a request end with a new invitation of the same
guest to it, or with the request's closing. ``resolve_link`` answers None alike for a wrong, expired or revoked
token. Pages live under ``PAGE_PREFIX`` (``page_path``), served by ``cobot serve`` at ``PUBLIC_URL``.

Without e-mail (``SMTP_URL`` unset) nobody can get a link, so ``/cocreate guest`` says so and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from handlers import notify, texts
from handlers.cards import require_open, require_request
from handlers.context import Ctx, Scope
from handlers.messages import GuestInvitation
from handlers.parsing import email_address
from handlers.preferences import language_code
from handlers.requests import require_owner_or_admin
from handlers.results import Notice, Param, Reply, Text, UserFacingError, UserRef, t
from handlers.volunteering import promote_next, take_place
from storage import queries
from storage.models import ContentRequest, GuestLink, Member, RequestStatus, Volunteer, VolunteerState

GUEST_PREFIX = "guest:"
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 bits, 43 characters
# What a token can look like; anything else is refused before it is hashed and looked up.
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{32,128}$")
NAME_LIMIT = 100
PAGE_PREFIX = "/guest/"
STOP_REMINDERS_SUFFIX = "/unsubscribe"  # after a page's path: the one-click stop for reminders in the e-mails


def is_guest_user_id(user_id: str) -> bool:
    return user_id.startswith(GUEST_PREFIX)


def new_guest_user_id() -> str:
    """A user id for a new guest that can never be a platform's id (none has a colon)."""
    return GUEST_PREFIX + secrets.token_hex(8)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_name(member: Member) -> Text:
    """A guest as every surface names them: "Anne Holm (guest)", "Anne Holm (gæst)"; "a guest" once their name
    went with their address (``guests.retention_days``), and "a former contributor" once they were forgotten."""
    if member.forgotten_at is not None:
        return t(texts.FORMER_CONTRIBUTOR)
    name = member.display_name or (member.email or "").partition("@")[0]
    return t(texts.GUEST_NAME, name=name) if name else t(texts.GUEST_UNNAMED)


def person(member: Member) -> Text | UserRef:
    """A member as a notice to someone else names them: a colleague as a mention, a guest (whom no platform
    knows, so a mention would show a broken id) by name."""
    return guest_name(member) if member.is_guest else UserRef(member.user_id)


# --- links --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    link: GuestLink
    token: str  # shown once (in the e-mail); only its hash is kept


def issue_link(scope: Scope, *, member_id: int, request_id: int, invitation: bool = False) -> IssuedLink:
    """A new link for the guest to the request, working for ``guest_link_days``; ``invitation``: the one an
    invitation makes (the guest's standing), not one for an e-mail."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = queries.add_guest_link(
        session=scope.session,
        workspace_id=scope.workspace_id,
        member_id=member_id,
        request_id=request_id,
        token_hash=hash_token(token),
        now=scope.now,
        expires_at=scope.now + timedelta(days=scope.policy.guest_link_days),
        invitation=invitation,
    )
    return IssuedLink(link, token)


def link_for_email(scope: Scope, *, member_id: int, request_id: int, standing_link_id: int | None = None) -> str | None:
    """A token for a new link of the guest to the request, for the e-mail about to carry it; None when the guest
    has no standing there any more (every link of theirs on the request revoked or expired, or, with
    ``standing_link_id``, that one: an invitation whose request closed or that a newer invitation replaced)."""
    if standing_link_id is not None:
        standing = queries.get_guest_link(
            session=scope.session, workspace_id=scope.workspace_id, link_id=standing_link_id
        )
        if standing is None or standing.revoked_at is not None or standing.expires_at <= scope.now:
            return None
        if (standing.member_id, standing.request_id) != (member_id, request_id):
            return None
    elif not queries.has_live_guest_link(
        session=scope.session,
        workspace_id=scope.workspace_id,
        member_id=member_id,
        request_id=request_id,
        now=scope.now,
    ):
        return None
    return issue_link(scope, member_id=member_id, request_id=request_id).token


def page_path(token: str) -> str:
    """Where a token's page is, below ``PUBLIC_URL``."""
    return PAGE_PREFIX + token


def resolve_link(session: Session, token: str, now: datetime, *, open_within_days: int = 7) -> GuestLink | None:
    """The link ``token`` opens at ``now`` (and it is marked used), or None — the same None for a token that is
    wrong, expired, revoked, or was never opened within ``open_within_days``. The token is looked up by its hash,
    so how long a wrong one takes tells nothing about the stored ones."""
    if not _TOKEN.match(token):
        return None
    link = queries.live_guest_link_by_hash(session=session, token_hash=hash_token(token), now=now)
    if link is None:
        return None
    if link.last_used_at is None and now >= link.created_at + timedelta(days=open_within_days):
        return None
    link.last_used_at = now
    session.add(link)
    return link


def live_link(session: Session, token: str, now: datetime) -> GuestLink | None:
    """The live link ``token`` names, opened or not: the e-mails' one-click stop works before the page was ever
    opened, since a mail client's unsubscribe button never opens it. None for a token that opens nothing."""
    if not _TOKEN.match(token):
        return None
    return queries.live_guest_link_by_hash(session=session, token_hash=hash_token(token), now=now)


def stop_reminders(session: Session, link: GuestLink, now: datetime) -> None:
    """The one-click stop in a reminder e-mail (``List-Unsubscribe``, RFC 8058): no more draft reminders to the
    link's guest about its request (the owner still hears when the draft is late). Pressing it twice changes
    nothing more."""
    queries.stop_place_reminders(
        session=session, workspace_id=link.workspace_id, request_id=link.request_id, member_id=link.member_id, now=now
    )


def revoke_links(scope: Scope, *, request_id: int | None = None, member_id: int | None = None) -> int:
    """Ends the live links of a request, of a guest, or of a guest on a request; how many ended."""
    return queries.revoke_guest_links(
        session=scope.session,
        workspace_id=scope.workspace_id,
        now=scope.now,
        request_id=request_id,
        member_id=member_id,
    )


# --- invitations nobody opens -------------------------------------------------------------------------------------


def release_unopened(scope: Scope) -> int:
    """Guests who opened none of their links within ``guests.open_within_days`` of their (latest) invitation give
    their place back: the next in line moves up, their links end, and the owner is told, who may invite them again.
    Run by every follow-up pass; a place is released once, whichever process gets to it first. How many were."""
    invited_before = scope.now - timedelta(days=scope.policy.guest_open_within_days)
    released = 0
    for place in queries.unopened_guest_places(
        session=scope.session, workspace_id=scope.workspace_id, invited_before=invited_before
    ):
        request = scope.session.get(ContentRequest, place.request_id)
        guest = scope.session.get(Member, place.member_id)
        assert request is not None
        assert guest is not None
        moved_up = _give_up_place(scope, request=request, place=place)
        if moved_up is None:
            continue  # another pass (or the guest, declining) got there first
        owner = queries.member_by_id(session=scope.session, workspace_id=scope.workspace_id, member_id=request.owner_id)
        text = texts.GUEST_NEVER_OPENED_MOVED_UP if moved_up else texts.GUEST_NEVER_OPENED
        notify.to_user(
            scope,
            user_id=owner.user_id,
            notice=Notice(
                Text(
                    text,
                    {
                        "guest": guest_name(guest),
                        "number": request.number,
                        "title": request.title,
                        "count": scope.policy.guest_open_within_days,
                    },
                )
            ),
            key=f"guest-unopened:{place.id}",
            request=request,
        )
        released += 1
    return released


def _give_up_place(scope: Scope, *, request: ContentRequest, place: Volunteer) -> bool | None:
    """A guest's place given up for them (never opened, taken off): withdrawn if still as it was read, its
    reminders cancelled, the guest's links to the request ended, the next in line moved up, the card refreshed.
    Whether someone moved up; None when someone else changed the place first."""
    assert place.id is not None
    assert request.id is not None
    was_active = place.state is VolunteerState.ACTIVE
    if not queries.withdraw_place(session=scope.session, place=place, now=scope.now):
        return None
    notify.cancel_reminders(scope, volunteer_id=place.id)
    revoke_links(scope, request_id=request.id, member_id=place.member_id)
    moved_up = False
    if was_active and request.status is RequestStatus.OPEN:
        live = queries.live_volunteers(session=scope.session, workspace_id=scope.workspace_id, request_id=request.id)
        same_place = [v for v in live if v.part_id == place.part_id and v.id != place.id]
        moved_up = any(v.state is VolunteerState.WAITLISTED for v in same_place)
        promote_next(scope, request, same_place)
    notify.refresh_card(scope, request)
    return moved_up


# --- the owner's command ------------------------------------------------------------------------------------------


def invite_guest(
    ctx: Ctx,
    *,
    number: int,
    email: str,
    part: str | None = None,
    name: str | None = None,
    language: str | None = None,
) -> Reply:
    """Invite someone outside the company to a request (or one of its parts) by e-mail (owner or admin), in the
    language the owner chose for them (``language``: "da", "en", "dansk", …) or else the owner's own."""
    address = email_address(email)
    if address is None:
        raise UserFacingError(t(texts.BAD_EMAIL, value=email[:80]))
    chosen = None
    if language is not None:
        chosen = language_code(language, languages=ctx.policy.languages)
        if chosen is None:
            raise UserFacingError(t(texts.BAD_GUEST_LANGUAGE, value=language[:40]))
    request = require_request(ctx, number, lock=True)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_GUEST)
    require_open(request)
    if not ctx.policy.email_configured:
        raise UserFacingError(t(texts.GUEST_EMAIL_NOT_SET_UP))
    assert request.id is not None

    guest = queries.member_by_email(session=ctx.session, workspace_id=ctx.workspace_id, email=address)
    if guest is not None and not guest.is_guest:
        raise UserFacingError(t(texts.GUEST_IS_COLLEAGUE, email=address, person=UserRef(guest.user_id)))
    if guest is None:
        try:
            with ctx.session.begin_nested():
                guest = queries.create_guest(
                    session=ctx.session,
                    workspace_id=ctx.workspace_id,
                    user_id=new_guest_user_id(),
                    email=address,
                    display_name=(name or address.partition("@")[0])[:NAME_LIMIT],
                    # Their e-mails and page speak the language the owner chose for them, else that of whoever
                    # invited them, in the inviter's time zone, until the guest says otherwise.
                    language=chosen or ctx.policy.language_of(ctx.actor),
                    tz=ctx.actor.tz,
                    now=ctx.now,
                )
        except IntegrityError:  # the same address invited a moment ago, from another press or process
            guest = queries.member_by_email(session=ctx.session, workspace_id=ctx.workspace_id, email=address)
            if guest is None or not guest.is_guest:
                raise
    else:
        if name and name != guest.display_name:
            guest.display_name = name[:NAME_LIMIT]
        if chosen is not None:  # the owner says which language this guest reads; without it theirs stays
            guest.language = chosen
        ctx.session.add(guest)
    assert guest.id is not None

    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    existing = next((v for v in live if v.member_id == guest.id), None)
    named = guest_name(guest)
    if existing is not None:
        # The owner asks again (the e-mail got lost): the place stays, the old link ends, a new one goes out.
        revoke_links(ctx, request_id=request.id, member_id=guest.id)
        _send_link(ctx, guest_id=guest.id, request_id=request.id)
        return Reply.of(t(texts.GUEST_REINVITED, guest=named, number=number, email=address))

    taken = take_place(ctx, request=request, member_id=guest.id, part=part, via="guest", live=live)
    _send_link(ctx, guest_id=guest.id, request_id=request.id)
    notify.refresh_card(ctx, request)
    if taken.place.state is VolunteerState.WAITLISTED:
        return Reply.of(
            t(texts.GUEST_INVITED_WAITLISTED, guest=named, number=number, position=taken.position, email=address)
        )
    if taken.part is not None:
        return Reply.of(
            t(
                texts.GUEST_INVITED_PART,
                guest=named,
                position=taken.part.position,
                part=taken.part.name,
                number=number,
                title=request.title,
                email=address,
            )
        )
    return Reply.of(t(texts.GUEST_INVITED, guest=named, number=number, title=request.title, email=address))


def remove_guest(ctx: Ctx, *, number: int, email: str) -> Reply:
    """Take a guest off a request (owner or admin): their place goes to the next in line and their links stop
    working; they are told by e-mail."""
    address = email_address(email)
    if address is None:
        raise UserFacingError(t(texts.BAD_EMAIL, value=email[:80]))
    request = require_request(ctx, number, lock=True)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_GUEST)
    assert request.id is not None
    guest = queries.member_by_email(session=ctx.session, workspace_id=ctx.workspace_id, email=address)
    live = queries.live_volunteers(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    place = next((v for v in live if guest is not None and v.member_id == guest.id), None)
    if guest is None or not guest.is_guest or place is None:
        raise UserFacingError(t(texts.GUEST_NOT_ON_REQUEST, email=address, number=number))
    if _give_up_place(ctx, request=request, place=place) is None:
        raise UserFacingError(t(texts.GUEST_NOT_ON_REQUEST, email=address, number=number))
    # The goodbye goes once the links are gone, so it carries none.
    owner = queries.member_by_id(session=ctx.session, workspace_id=ctx.workspace_id, member_id=request.owner_id)
    notify.to_user(
        ctx,
        user_id=guest.user_id,
        notice=Notice(t(texts.GUEST_REMOVED_NOTICE, owner=UserRef(owner.user_id), title=request.title)),
        key=f"guest-removed:{place.id}",
        request=request,
    )
    return Reply.of(t(texts.GUEST_REMOVED, guest=guest_name(guest), number=number))


def _send_link(ctx: Ctx, *, guest_id: int, request_id: int) -> None:
    # The token made here is thrown away on purpose (see the module's docstring): the e-mail gets a fresh one.
    link = issue_link(ctx, member_id=guest_id, request_id=request_id, invitation=True).link
    assert link.id is not None
    notify.queue(
        ctx,
        GuestInvitation(link_id=link.id, member_id=guest_id, request_id=request_id),
        key=f"guest_invitation:{link.id}",
        request_id=request_id,
    )


# --- guests where chat texts name people --------------------------------------------------------------------------


def user_ids_in(text: Text) -> set[str]:
    """The people a text mentions (as ``UserRef``), however deep in its parameters."""
    found: set[str] = set()
    for value in text.params.values():
        if isinstance(value, UserRef):
            found.add(value.user_id)
        elif isinstance(value, Text):
            found |= user_ids_in(value)
    return found


def guest_ids_in(text: Text) -> set[str]:
    """The guests a text mentions."""
    return {user_id for user_id in user_ids_in(text) if is_guest_user_id(user_id)}


def name_people(text: Text, names: Mapping[str, Param]) -> Text:
    """``text`` with each person in ``names`` (user id → how to name them) named instead of mentioned: a chat
    platform cannot mention a guest, who has no account there, and would show the bare id; an e-mail can mention
    nobody."""
    if not names:
        return text
    params: dict[str, Param] = {}
    for key, value in text.params.items():
        if isinstance(value, UserRef) and value.user_id in names:
            params[key] = names[value.user_id]
        elif isinstance(value, Text):
            params[key] = name_people(value, names)
        else:
            params[key] = value
    return replace(text, params=params)


def named_text(session: Session, workspace_id: int, text: Text, *, everyone: bool = False) -> Text:
    """``text`` with the guests it mentions named instead, or, with ``everyone``, all the people it mentions."""
    ids = user_ids_in(text) if everyone else guest_ids_in(text)
    if not ids:
        return text
    names: dict[str, Param] = {}
    for user_id in sorted(ids):
        if UserRef(user_id).stand_in is not None:
            continue  # someone forgotten: every renderer shows their stand-in
        member = queries.get_member(session=session, workspace_id=workspace_id, user_id=user_id)
        if member is not None:
            names[user_id] = guest_name(member) if member.is_guest else (member.display_name or user_id)
    return name_people(text, names)


def named_notice(session: Session, workspace_id: int, notice: Notice, *, everyone: bool = False) -> Notice:
    """``named_text`` for a notice's text and what became of it."""
    settled = notice.settled and named_text(session, workspace_id, notice.settled, everyone=everyone)
    return replace(notice, text=named_text(session, workspace_id, notice.text, everyone=everyone), settled=settled)


def named_reply(session: Session, workspace_id: int, reply: Reply, *, everyone: bool = False) -> Reply:
    """``named_text`` for each text of a reply (its card names guests already: ``CardView.guests``)."""
    return replace(
        reply, texts=tuple(named_text(session, workspace_id, text, everyone=everyone) for text in reply.texts)
    )


# --- the owner's form (the card's "Invite someone outside") -------------------------------------------------------


class GuestField(StrEnum):
    EMAIL = "email"
    NAME = "name"
    PART = "part"
    LANGUAGE = "language"


# The languages a guest can be written to in, each named in itself (as the Home tab's language button is), so the
# owner finds the guest's language whichever language the form is shown in; not texts to translate.
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}


@dataclass(frozen=True)
class GuestFormPrompt:
    """What the owner's form shows: the request, its parts to pick from (none when it has none), the languages
    to choose (code, the language's own name for itself) and the one chosen at first, the owner's own."""

    number: int
    title: str
    parts: tuple[tuple[int, str], ...]  # (position, name)
    languages: tuple[tuple[str, str], ...]
    language: str

    @property
    def hint(self) -> Text:
        return t(texts.GUEST_FORM_HINT, number=self.number, title=self.title)


@dataclass(frozen=True)
class GuestForm:
    """What the owner filled in, as typed: checked by ``guest_form_problems`` and ``invite_guest``."""

    email: str
    name: str = ""
    part: str = ""  # a part's position, "" for the whole request
    language: str = ""


def open_guest_form(ctx: Ctx, *, number: int) -> GuestFormPrompt:
    """The form behind the card's "Invite someone outside", or a refusal before it opens: only the owner or an
    admin, only while the request is open, and only when Cobot can send e-mail."""
    request = require_request(ctx, number)
    require_owner_or_admin(ctx, request, refusal=texts.ONLY_OWNER_GUEST)
    require_open(request)
    if not ctx.policy.email_configured:
        raise UserFacingError(t(texts.GUEST_EMAIL_NOT_SET_UP))
    assert request.id is not None
    parts = queries.parts_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    languages = tuple((code, LANGUAGE_NAMES[code]) for code in ctx.policy.languages if code in LANGUAGE_NAMES)
    return GuestFormPrompt(
        number=request.number,
        title=request.title,
        parts=tuple((p.position, p.name) for p in parts),
        languages=languages,
        language=ctx.policy.language_of(ctx.actor),
    )


def guest_form_problems(ctx: Ctx, form: GuestForm, *, number: int) -> list[tuple[GuestField, Text]]:
    """What is wrong with the form for request #number, beside the field it concerns; an empty list when
    ``invite_guest`` may run (which still refuses what the form cannot know: not the owner, a closed request)."""
    problems: list[tuple[GuestField, Text]] = []
    typed = form.email.strip()
    address = email_address(typed) if typed else None
    if not typed:
        problems.append((GuestField.EMAIL, t(texts.GUEST_FORM_NO_EMAIL)))
    elif address is None:
        problems.append((GuestField.EMAIL, t(texts.GUEST_FORM_BAD_EMAIL, value=typed[:80])))
    else:
        known = queries.member_by_email(session=ctx.session, workspace_id=ctx.workspace_id, email=address)
        if known is not None and not known.is_guest:
            # A form's error is plain text, where a mention would show as a bare id: the colleague is named.
            person = known.display_name or UserRef(known.user_id)
            problems.append((GuestField.EMAIL, t(texts.GUEST_IS_COLLEAGUE, email=address, person=person)))
    request = queries.get_request_by_number(session=ctx.session, workspace_id=ctx.workspace_id, number=number)
    if (
        request is not None
        and request.id is not None
        and not form.part.strip()
        and queries.parts_of_request(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id)
    ):
        problems.append((GuestField.PART, t(texts.GUEST_FORM_NO_PART)))
    if form.language and language_code(form.language, languages=ctx.policy.languages) is None:
        problems.append((GuestField.LANGUAGE, t(texts.BAD_GUEST_LANGUAGE, value=form.language[:40])))
    return problems


def invite_from_form(ctx: Ctx, *, number: int, form: GuestForm) -> Reply:
    """The owner's form, submitted: the same invitation as `/cocreate guest` (``invite_guest``), with its answer."""
    return invite_guest(
        ctx,
        number=number,
        email=form.email.strip(),
        part=form.part.strip() or None,
        name=" ".join(form.name.split()) or None,
        language=form.language or None,
    )


def guest_command_hint(ctx: Ctx, *, number: int) -> Reply:
    """ "Invite someone outside" where no form can open (the console, a Teams client without dialogs): after the
    same checks as the form, the command that does it."""
    prompt = open_guest_form(ctx, number=number)
    return Reply.of(t(texts.GUEST_FORM_BY_COMMAND, number=prompt.number))
