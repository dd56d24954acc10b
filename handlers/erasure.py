"""Erasure: a person's personal data goes, what they contributed stays, credited to "a former contributor".

``forget_member`` erases one member in the caller's transaction: their name, e-mail address, time zone, locale and
language, skills, department (when nobody else has it, so it would name them), the invitations Cobot sent them (whom
it asked about what, and how they answered), the byline and bio of their sign-offs, their calendar feeds and guest
links, what Teams told Cobot about them, and every message to them that has not been sent. The outbox's history is
scrubbed too: a message that named them by id, by address or (a guest) by name names "a former contributor" instead.
Their places on open requests with no draft handed in yet are given up as if they had withdrawn (the next in line
moves up, the owner is told), since nobody can remind them any more; drafts, reviews, places with a draft (which the
owner can still review), places on finished requests and the counts in reports stay as they were.

The member row itself stays, so every draft and place keeps pointing at someone; ``forgotten_at`` marks it and its
``user_id`` becomes ``forgotten:<random>``. That id names nobody on any platform, and ``UserRef.stand_in``
(``handlers.results``) shows it as "a former contributor" everywhere people are named. It also means that a
colleague who uses Cobot again later is met as someone new: a new member row under their platform id, with a new
profile look-up and their own page, while their old contributions stay anonymous. Nothing links the two.

A guest erases themselves from their page (``erase_myself``); anyone can be erased with ``cobot forget``. And
``apply_retention``, run by every tick, deletes a guest's e-mail address ``guests.retention_days`` after the last
request they took part in was published (or closed); their name stays as the credit for what they did.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from handlers import notify, texts
from handlers.context import Ctx, Scope
from handlers.messages import MAIL_KINDS, NoticeSettled
from handlers.results import FORGOTTEN_PREFIX, Notice, Reply, Text, UserFacingError, t
from handlers.volunteering import promote_next
from storage import queries
from storage.models import (
    ContentRequest,
    Invitation,
    Member,
    OutboxMessage,
    RequestStatus,
    ReviewState,
    SignOff,
    VolunteerState,
)

ERASED_ERROR = "dropped: its recipient's personal data was erased"
# Statuses of a request a guest still takes part in: their address is kept until none is left.
LIVE_STATUSES = frozenset({RequestStatus.OPEN, RequestStatus.APPROVED})
OWNED_CARDS = 5000  # the cards of an owner's requests shown again after their erasure, soonest deadline first


def new_forgotten_user_id() -> str:
    return FORGOTTEN_PREFIX + secrets.token_hex(8)


@dataclass(frozen=True)
class Forgotten:
    """What ``forget_member`` erased, for whoever asked to see it (`cobot forget` prints it)."""

    member_id: int
    user_id: str  # the id they had (the platform's, or guest:…)
    new_user_id: str  # forgotten:…
    name: str
    email: str | None
    guest: bool
    skills: int
    department: str | None  # the department erased with them (None: they had none, or others share it)
    links_revoked: int
    feeds_revoked: int
    messages_dropped: int
    places_given_up: tuple[int, ...]  # numbers of the open requests they had a place on
    invitations: int = 0  # invitations to requests Cobot had sent them, deleted

    def lines(self) -> list[Text]:
        """One line per kind of thing erased, as `cobot forget` shows them."""
        lines = [t(texts.FORGET_LINE_PROFILE)]
        if self.skills:
            lines.append(t(texts.FORGET_LINE_SKILLS, count=self.skills))
        if self.department:
            lines.append(t(texts.FORGET_LINE_DEPARTMENT, department=self.department))
        if self.invitations:
            lines.append(t(texts.FORGET_LINE_INVITATIONS, count=self.invitations))
        if self.links_revoked:
            lines.append(t(texts.FORGET_LINE_LINKS, count=self.links_revoked))
        if self.feeds_revoked:
            lines.append(t(texts.FORGET_LINE_FEEDS, count=self.feeds_revoked))
        if self.messages_dropped:
            lines.append(t(texts.FORGET_LINE_MESSAGES, count=self.messages_dropped))
        if self.places_given_up:
            lines.append(t(texts.FORGET_LINE_PLACES, count=len(self.places_given_up)))
        return lines


def forget_member(scope: Scope, *, member_id: int) -> Forgotten:
    """Erases the personal data of one member of the scope's workspace (see the module's docstring); the caller
    commits. A member forgotten before is refused, with nothing changed."""
    return _forget(scope, member_id=member_id, by_themselves=False)


def erase_myself(ctx: Ctx) -> Reply:
    """A guest erases their own personal data from their page: their places on open requests are given up (the
    next in line moves up), each owner is told that a guest erased their data (never who), and nothing is sent
    to them again."""
    if not ctx.actor.is_guest or ctx.actor.forgotten_at is not None:
        raise UserFacingError(t(texts.ERASE_ONLY_GUESTS))
    language = ctx.policy.language_of(ctx.actor)  # the answer is in the language they had, which goes with them
    _forget(ctx, member_id=ctx.actor_id, by_themselves=True)
    return Reply((t(texts.ERASED_YOURSELF),), language=language)


def _forget(scope: Scope, *, member_id: int, by_themselves: bool) -> Forgotten:
    session, workspace_id = scope.session, scope.workspace_id
    member = queries.lock_member(session=session, workspace_id=workspace_id, member_id=member_id)
    if member is None:
        raise ValueError(f"no member {member_id} in workspace {workspace_id}")
    if member.forgotten_at is not None:
        raise UserFacingError(
            t(texts.FORGET_ALREADY, person=member.user_id, day=member.forgotten_at.date().isoformat())
        )
    old_user_id, email, name = member.user_id, member.email, member.display_name
    new_user_id = new_forgotten_user_id()

    # Places first, while the member still has their id: giving one up promotes the next in line.
    given_up = _give_up_places(scope, member, by_themselves=by_themselves)

    skills = queries.skills_of_member(session=session, workspace_id=workspace_id, member_id=member_id)
    queries.delete_skills_of_member(session=session, workspace_id=workspace_id, member_id=member_id)
    department = member.department
    if department and queries.others_in_department(
        session=session, workspace_id=workspace_id, member_id=member_id, department=department
    ):
        department = None  # a department others share names a team, not this person: their counts keep it
    links = queries.revoke_guest_links(session=session, workspace_id=workspace_id, member_id=member_id, now=scope.now)
    feeds = queries.revoke_calendar_feeds_of_member(
        session=session, workspace_id=workspace_id, member_id=member_id, now=scope.now
    )
    queries.delete_teams_person(session=session, workspace_id=workspace_id, user_id=old_user_id)
    invitations = _delete_invitations(session, workspace_id=workspace_id, member_id=member_id)
    _blank_sign_offs(session, workspace_id=workspace_id, member_id=member_id)
    dropped = _scrub_outbox(
        scope,
        member_id=member_id,
        old_user_id=old_user_id,
        new_user_id=new_user_id,
        email=email,
        guest_name=name if member.is_guest else None,
    )

    member.user_id = new_user_id
    member.display_name = ""
    member.email = None
    member.tz = member.locale = member.language = None
    if department is not None:
        member.department = member.department_source = None
    # What each source said, and the job title, are the person's; the counted department above is the team's.
    member.department_self = member.department_profile = member.department_import = member.title = None
    # Nothing is ever looked up about, sent to, or asked of them again. Whether the digest may thank them stays as
    # they chose: it thanks "a former contributor".
    member.profile_fetched_at = scope.now
    member.reminders_enabled = member.invitations_enabled = False
    member.asks_per_month = 0
    member.forgotten_at = scope.now
    session.add(member)
    session.flush()

    # Every card they appear on shows "a former contributor" from now on.
    for request in _requests_naming(scope, member_id=member_id):
        notify.refresh_card(scope, request)
    return Forgotten(
        member_id=member_id,
        user_id=old_user_id,
        new_user_id=new_user_id,
        name=name,
        email=email,
        guest=member.is_guest,
        skills=len(skills),
        department=department,
        links_revoked=links,
        feeds_revoked=feeds,
        messages_dropped=dropped,
        places_given_up=tuple(r.number for r in given_up),
        invitations=invitations,
    )


def _delete_invitations(session: Any, *, workspace_id: int, member_id: int) -> int:
    """Deletes whom Cobot asked about what, and how they answered. A forgotten person is never asked again
    (``invitations_enabled`` is off), so the rows that kept them from being asked twice have nothing left to do;
    a place they took after an invitation stays, as a place."""
    result = session.execute(
        sa.delete(Invitation).where(
            col(Invitation.workspace_id) == workspace_id, col(Invitation.member_id) == member_id
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _blank_sign_offs(session: Any, *, workspace_id: int, member_id: int) -> None:
    """The byline and bio they signed off under name them; the sign-off itself (which version, where it may be
    published, when) stays, so a published piece keeps its record of consent."""
    session.execute(
        sa.update(SignOff)
        .where(col(SignOff.workspace_id) == workspace_id, col(SignOff.member_id) == member_id)
        .values(byline="", bio="")
    )


def _give_up_places(scope: Scope, member: Member, *, by_themselves: bool) -> list[ContentRequest]:
    """Withdraws the member's live places on open requests that have no draft yet, as withdrawing does, and tells
    each owner; a guest erasing themselves also tells the owners of the other requests they have a place on."""
    assert member.id is not None
    session, workspace_id = scope.session, scope.workspace_id
    places = [
        p
        for p in queries.places_of_member_everywhere(session=session, workspace_id=workspace_id, member_id=member.id)
        if p.state is not VolunteerState.WITHDRAWN
    ]
    requests = queries.get_requests_by_ids(
        session=session, workspace_id=workspace_id, request_ids={p.request_id for p in places}
    )
    given_up: list[ContentRequest] = []
    for place in places:
        request = requests[place.request_id]
        assert request.id is not None
        # A place with a draft handed in is a contribution: it stays, so the draft can still be reviewed and counts.
        freed = request.status is RequestStatus.OPEN and place.review_state is ReviewState.NO_DRAFT
        if freed:
            was_active = place.state is VolunteerState.ACTIVE
            place.state = VolunteerState.WITHDRAWN
            place.withdrawn_at = scope.now
            session.add(place)
            notify.cancel_reminders(scope, volunteer_id=place.id)
            if was_active:
                live = queries.live_volunteers(session=session, workspace_id=workspace_id, request_id=request.id)
                promote_next(scope, request, [v for v in live if v.part_id == place.part_id and v.id != place.id])
            given_up.append(request)
        if request.owner_id == member.id:
            continue
        if by_themselves:
            template = texts.GUEST_ERASED_PLACE_FREED if freed else texts.GUEST_ERASED
        elif freed:
            template = texts.PERSON_ERASED_PLACE_FREED
        else:
            continue
        owner = queries.member_by_id(session=session, workspace_id=workspace_id, member_id=request.owner_id)
        if owner.forgotten_at is None:
            notify.to_user(
                scope,
                user_id=owner.user_id,
                notice=Notice(t(template, number=request.number, title=request.title)),
                key=f"erased:{place.id}",
                request=request,
            )
    return given_up


def _requests_naming(scope: Scope, *, member_id: int) -> list[ContentRequest]:
    """The requests whose cards name the member: those they own or have (had) a live place on."""
    session, workspace_id = scope.session, scope.workspace_id
    ids = {
        p.request_id
        for p in queries.places_of_member_everywhere(session=session, workspace_id=workspace_id, member_id=member_id)
    }
    owned = queries.requests_owned_by(
        session=session, workspace_id=workspace_id, member_id=member_id, statuses=list(RequestStatus), limit=OWNED_CARDS
    )
    ids |= {r.id for r in owned if r.id is not None}
    found = queries.get_requests_by_ids(session=session, workspace_id=workspace_id, request_ids=ids)
    return [found[i] for i in sorted(found)]


# --- the outbox ---------------------------------------------------------------------------------------------------


def _scrub_outbox(
    scope: Scope,
    *,
    member_id: int,
    old_user_id: str,
    new_user_id: str,
    email: str | None,
    guest_name: str | None,
) -> int:
    """Drops every unsent message to the person, and rewrites every other message (sent or not) that names them, so
    the outbox keeps nothing that identifies them; how many were dropped.

    A message to them is a DM or ephemeral answer to their user id, their page or profile look-up, a guest's
    e-mail, and an update of a DM that went to them. Elsewhere their id becomes the forgotten id (shown as "a former
    contributor"), their address is cut out, and a guest's name becomes "a former contributor". Keys change too, so
    that a colleague who comes back is not taken for the person they were (a profile look-up already done, a page
    already opened). A message a sender holds right now goes out as it is: it was on its way before the erasure."""
    session, workspace_id, now = scope.session, scope.workspace_id, scope.now
    needles = [old_user_id] + ([email] if email else [])
    rows = list(queries.outbox_mentioning(session=session, workspace_id=workspace_id, needles=needles))
    mail = queries.unsent_of_kinds(session=session, workspace_id=workspace_id, kinds=[*MAIL_KINDS, NoticeSettled.kind])
    seen = {row.id for row in rows}
    rows += [row for row in mail if row.id not in seen]

    to_them = {row.dedupe_key for row in rows if _addressed_to(row, old_user_id=old_user_id, member_id=member_id)}
    dropped = 0
    for row in rows:
        addressed = row.dedupe_key in to_them or (
            row.kind == NoticeSettled.kind and str(row.payload.get("notice_key")) in to_them
        )
        if addressed and row.sent_at is None and row.failed_at is None and not _held(row, now):
            row.failed_at = now
            row.last_error = ERASED_ERROR
            dropped += 1
        row.payload = _scrubbed(row.payload, old=old_user_id, new=new_user_id, email=email, guest_name=guest_name)
        row.dedupe_key = _rekeyed(row.dedupe_key, old=old_user_id, new=new_user_id)
        if row.sequence_key is not None:
            row.sequence_key = _rekeyed(row.sequence_key, old=old_user_id, new=new_user_id)
        session.add(row)
    session.flush()
    return dropped


def _held(row: OutboxMessage, now: datetime) -> bool:
    return row.claimed_until is not None and row.claimed_until >= now


def _addressed_to(row: OutboxMessage, *, old_user_id: str, member_id: int) -> bool:
    payload = row.payload
    to = payload.get("to")
    if isinstance(to, dict):
        if to.get("user") == old_user_id:
            return True
        ephemeral = to.get("ephemeral")
        if isinstance(ephemeral, dict) and ephemeral.get("user") == old_user_id:
            return True
    if row.kind in ("home", "profile") and payload.get("user_id") == old_user_id:
        return True
    return row.kind in MAIL_KINDS and payload.get("member_id") == member_id


def _scrubbed(value: Any, *, old: str, new: str, email: str | None, guest_name: str | None) -> Any:
    if isinstance(value, dict):
        if guest_name and value.get("msgid") == texts.GUEST_NAME:
            params = value.get("params")
            if isinstance(params, dict) and params.get("name") == guest_name:
                return Text(texts.FORMER_CONTRIBUTOR).to_json()
        return {
            key: new
            if key in ("user", "user_id") and item == old
            else _scrubbed(item, old=old, new=new, email=email, guest_name=guest_name)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrubbed(item, old=old, new=new, email=email, guest_name=guest_name) for item in value]
    if isinstance(value, str) and email and email.casefold() in value.casefold():
        return re.sub(re.escape(email), "", value, flags=re.IGNORECASE)
    return value


def _rekeyed(key: str, *, old: str, new: str) -> str:
    """``key`` with ``old`` replaced wherever it is a whole part of it (keys are parts joined by colons), so that
    erasing "anna" leaves "annabelle" alone."""
    return re.sub(rf"(?<![^:]){re.escape(old)}(?![^:])", new, key)


# --- retention of guests' addresses -------------------------------------------------------------------------------


def apply_retention(scope: Scope) -> int:
    """Deletes the e-mail address of every guest whose requests have all passed (published, or closed) at least
    ``guest_retention_days`` ago; how many were deleted. A guest on a request that is still open or approved keeps
    theirs. A name that was only the address's first half goes with it (the guest is then shown as "a guest"); a
    name the owner gave stays, as the credit for what they did. Their links end and their unsent e-mails are
    dropped, since there is nowhere to send them.

    Computed from the database alone, so every tick may run it, in any number of processes: an address already
    deleted is not looked at again, and two processes deleting the same one at once write the same thing."""
    days = scope.policy.guest_retention_days
    if not days:
        return 0
    cutoff = scope.now - timedelta(days=days)
    ends: dict[int, list[datetime | None]] = {}
    for row in queries.guests_with_addresses_and_their_requests(session=scope.session, workspace_id=scope.workspace_id):
        passed = None if row.status in LIVE_STATUSES else (row.published_at or row.updated_at)
        ends.setdefault(row.member_id, []).append(passed)
    due = sorted(
        member_id
        for member_id, passed in ends.items()
        if all(p is not None for p in passed) and max(p for p in passed if p is not None) <= cutoff
    )
    for member_id in due:
        _drop_address(scope, member_id=member_id)
    return len(due)


def _drop_address(scope: Scope, *, member_id: int) -> None:
    session, workspace_id = scope.session, scope.workspace_id
    guest = queries.lock_member(session=session, workspace_id=workspace_id, member_id=member_id)
    if guest is None or guest.email is None or guest.forgotten_at is not None:
        return  # another process got there first
    email = guest.email
    queries.revoke_guest_links(session=session, workspace_id=workspace_id, member_id=member_id, now=scope.now)
    for row in queries.unsent_of_kinds(session=session, workspace_id=workspace_id, kinds=sorted(MAIL_KINDS)):
        if row.payload.get("member_id") == member_id and not _held(row, scope.now):
            row.failed_at = scope.now
            row.last_error = "dropped: the guest's e-mail address was deleted (guests.retention_days)"
            session.add(row)
    for row in queries.outbox_mentioning(session=session, workspace_id=workspace_id, needles=[email]):
        row.payload = _scrubbed(row.payload, old="", new="", email=email, guest_name=None)
        session.add(row)
    if guest.display_name.casefold() == email.partition("@")[0].casefold():
        guest.display_name = ""
    guest.email = None
    session.add(guest)
    session.flush()
