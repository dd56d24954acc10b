"""Who acts: finding (or, for a first contact, creating) the workspace and the person behind a request, and the
context a handler then runs in. A person Cobot meets for the first time gets their profile looked up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session

from handlers import notify
from handlers.context import Ctx, Policy
from handlers.departments import PROFILE, take_directory, take_import
from handlers.results import Reply
from storage import queries
from storage.models import Member


def find_context(
    *,
    session: Session,
    platform: str,
    workspace_external_id: str,
    user_id: str,
    policy: Policy,
    now: datetime,
    display_name: str = "",
    channel_id: str | None = None,
) -> Ctx | None:
    """The context of a person Cobot knows already, found without writing anything; None when ``open_context``
    has something to write (a new workspace or person, a display name to fill in)."""
    workspace = queries.find_workspace(session=session, platform=platform, external_id=workspace_external_id)
    if workspace is None or workspace.id is None:
        return None
    member = queries.get_member(session=session, workspace_id=workspace.id, user_id=user_id)
    if member is None or (display_name and not member.display_name):
        return None
    return Ctx(session=session, workspace=workspace, actor=member, policy=policy, now=now, channel_id=channel_id)


@dataclass(frozen=True)
class Profile:
    """What a platform said about a person Cobot meets for the first time, asked before answering them, so the
    first answer is already in their language and time zone."""

    display_name: str = ""
    tz: str | None = None
    locale: str | None = None
    email: str | None = None
    # From the profile's department field, title or directory (``handlers.departments``); None: not asked.
    department: str | None = None
    title: str | None = None
    department_source: str = PROFILE


def open_context(
    *,
    session: Session,
    platform: str,
    workspace_external_id: str,
    user_id: str,
    policy: Policy,
    now: datetime,
    display_name: str = "",
    channel_id: str | None = None,
    asks_profile: bool = False,
) -> Ctx:
    """Finds or creates the workspace and the acting member. A new member's profile is fetched later through the
    outbox, unless the adapter ``asks_profile`` itself right after (``take_profile``, or ``fetch_profile_later``
    when the platform did not answer)."""
    workspace = queries.get_or_create_workspace(
        session=session, platform=platform, external_id=workspace_external_id, now=now
    )
    assert workspace.id is not None
    member, created = queries.get_or_create_member(
        session=session, workspace_id=workspace.id, user_id=user_id, now=now, display_name=display_name
    )
    ctx = Ctx(session=session, workspace=workspace, actor=member, policy=policy, now=now, channel_id=channel_id)
    if created and not asks_profile:
        notify.fetch_profile(ctx, user_id=user_id)
    return ctx


def fetch_profile_later(ctx: Ctx) -> Reply:
    """The platform did not give a newcomer's profile at once: the outbox asks for it."""
    notify.fetch_profile(ctx, user_id=ctx.actor.user_id)
    return Reply(())


def take_profile(
    *, session: Session, workspace_id: int, user_id: str, profile: Profile, now: datetime
) -> Member | None:
    """Stores the profile of someone Cobot just met, asked for before answering them, and calls off the look-up
    queued when they were met. Their language, from the locale, is then known for this first answer."""
    member = queries.get_member(session=session, workspace_id=workspace_id, user_id=user_id)
    if member is None:
        return None
    member.display_name = (profile.display_name or member.display_name)[:200]
    member.tz, member.locale = profile.tz, profile.locale
    member.email = (profile.email or "").strip()[:254] or None
    member.profile_fetched_at = now
    take_directory(member, department=profile.department, title=profile.title, source=profile.department_source)
    session.add(member)
    return member


def set_profile(ctx: Ctx, *, department: str | None = None, tz: str | None = None) -> Reply:
    """Sets the acting person's department and time zone, as a directory would (the console's demo team).
    Nothing is said: this is set up, not a conversation. ``tz`` must be an IANA zone name such as
    ``Europe/Copenhagen``, since reminders are scheduled by it."""
    if tz is not None:
        try:
            ZoneInfo(tz)
        except (ValueError, ZoneInfoNotFoundError):
            raise ValueError(f"{tz!r} is not a time zone name") from None
        ctx.actor.tz = tz
    if department is not None:
        take_import(ctx.actor, department=department, platform=ctx.workspace.platform)
    ctx.session.add(ctx.actor)
    return Reply(())
