"""Guests: people outside the company (no Slack or Teams account) whom a request's owner invites by e-mail.

A guest is a ``Member`` of the workspace with ``is_guest`` set and a ``user_id`` of ``guest:<random>``, which no
platform id can equal (Slack's and Teams' ids have no colon). Everything that works by member id — places, waiting
lines, drafts, reviews, reminders — therefore works for guests as it does for colleagues. The owner's
``/cocreate guest`` gives the guest a place exactly as volunteering does (``handlers.volunteering.take_place``,
``via="guest"``), and the guest reaches the request through a personal link.

A link is a ``GuestLink`` row holding the SHA-256 of a random token (``secrets.token_urlsafe(32)``, 256 bits); the
token itself is stored nowhere. The invitation in the outbox (``handlers.messages.GuestInvitation``) names the link,
not a token: a token queued in the outbox would sit in the database in plain text until sent, and linger in
backups after. Instead the e-mail transport calls ``rotate_link`` when it sends, which gives the link a fresh token
(and a fresh lifetime) and returns it for the e-mail, so the only copy of a working token is the e-mail itself. Until
then the link holds the hash of a token that was thrown away, so it opens nothing. A link works for
``guests.link_days`` (app.yaml) after its token was made, stops working after ``guests.open_within_days`` if it was
never opened, and ends when it is revoked: by a new invitation of the same guest to the same request, or by
closing the request. ``resolve_link`` answers None alike for a wrong, expired or revoked token.

Without e-mail (``SMTP_URL`` unset) nobody can get a link, so ``/cocreate guest`` says so and changes nothing.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from handlers import notify, texts
from handlers.cards import require_open, require_request
from handlers.context import Ctx, Scope
from handlers.messages import GuestInvitation
from handlers.parsing import email_address
from handlers.requests import require_owner_or_admin
from handlers.results import Reply, Text, UserFacingError, UserRef, t
from handlers.volunteering import take_place
from storage import queries
from storage.models import GuestLink, Member, VolunteerState

GUEST_PREFIX = "guest:"
TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 256 bits, 43 characters
# What a token can look like; anything else is refused before it is hashed and looked up.
_TOKEN = re.compile(r"^[A-Za-z0-9_\-]{32,128}$")
NAME_LIMIT = 100


def is_guest_user_id(user_id: str) -> bool:
    return user_id.startswith(GUEST_PREFIX)


def new_guest_user_id() -> str:
    """A user id for a new guest that can never be a platform's id (none has a colon)."""
    return GUEST_PREFIX + secrets.token_hex(8)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def guest_name(member: Member) -> Text:
    """A guest as every surface names them: "Anne Holm (guest)", "Anne Holm (gæst)"."""
    return t(texts.GUEST_NAME, name=member.display_name or (member.email or "").partition("@")[0])


def person(member: Member) -> Text | UserRef:
    """A member as a notice to someone else names them: a colleague as a mention, a guest (whom no platform
    knows, so a mention would show a broken id) by name."""
    return guest_name(member) if member.is_guest else UserRef(member.user_id)


# --- links --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedLink:
    link: GuestLink
    token: str  # shown once (in the e-mail); only its hash is kept


def issue_link(scope: Scope, *, member_id: int, request_id: int) -> IssuedLink:
    """A new link for the guest to the request, working for ``guest_link_days``."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = queries.add_guest_link(
        session=scope.session,
        workspace_id=scope.workspace_id,
        member_id=member_id,
        request_id=request_id,
        token_hash=hash_token(token),
        now=scope.now,
        expires_at=scope.now + timedelta(days=scope.policy.guest_link_days),
    )
    return IssuedLink(link, token)


def rotate_link(scope: Scope, *, link_id: int) -> str | None:
    """A fresh token for a live link, for the e-mail that carries it; the link's earlier token stops working, and
    its lifetime starts again. None when the link was revoked (its request closed, a newer invitation sent) or
    is no longer known: then there is nothing to send."""
    link = queries.get_guest_link(session=scope.session, workspace_id=scope.workspace_id, link_id=link_id)
    if link is None or link.revoked_at is not None:
        return None
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link.token_hash = hash_token(token)
    link.created_at = scope.now
    link.expires_at = scope.now + timedelta(days=scope.policy.guest_link_days)
    link.last_used_at = None
    scope.session.add(link)
    scope.session.flush()
    return token


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


def revoke_links(scope: Scope, *, request_id: int | None = None, member_id: int | None = None) -> int:
    """Ends the live links of a request, of a guest, or of a guest on a request; how many ended."""
    return queries.revoke_guest_links(
        session=scope.session,
        workspace_id=scope.workspace_id,
        now=scope.now,
        request_id=request_id,
        member_id=member_id,
    )


# --- the owner's command ------------------------------------------------------------------------------------------


def invite_guest(ctx: Ctx, *, number: int, email: str, part: str | None = None, name: str | None = None) -> Reply:
    """Invite someone outside the company to a request (or one of its parts) by e-mail (owner or admin)."""
    address = email_address(email)
    if address is None:
        raise UserFacingError(t(texts.BAD_EMAIL, value=email[:80]))
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
                    # Their e-mails and page speak the language of whoever invited them, in their time zone,
                    # until the guest says otherwise.
                    language=ctx.policy.language_of(ctx.actor),
                    tz=ctx.actor.tz,
                    now=ctx.now,
                )
        except IntegrityError:  # the same address invited a moment ago, from another press or process
            guest = queries.member_by_email(session=ctx.session, workspace_id=ctx.workspace_id, email=address)
            if guest is None or not guest.is_guest:
                raise
    elif name and name != guest.display_name:
        guest.display_name = name[:NAME_LIMIT]
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


def _send_link(ctx: Ctx, *, guest_id: int, request_id: int) -> None:
    # The token made here is thrown away on purpose (see the module's docstring): the e-mail gets a fresh one.
    link = issue_link(ctx, member_id=guest_id, request_id=request_id).link
    assert link.id is not None
    notify.queue(
        ctx,
        GuestInvitation(link_id=link.id, member_id=guest_id, request_id=request_id),
        key=f"guest_invitation:{link.id}",
        request_id=request_id,
    )
