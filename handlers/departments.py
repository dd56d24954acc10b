"""Which department (and title) a person has, and where it came from. Up to three sources speak: the person
themselves (`/cocreate department`, App Home), their profile (a Slack profile field or title, Microsoft Graph on
Teams), and an import. The person's own choice wins, then the profile, then the import: a profile is kept current
by the directory, an import is a snapshot, and someone who says where they work knows best. The winner is stored
as ``Member.department``, the one reports and invitations count, with ``Member.department_source`` naming it;
``/cocreate whoami`` shows all of them, so an admin can see why someone counts where they do."""

from __future__ import annotations

import unicodedata

from sqlmodel import Session

from handlers import notify, texts
from handlers.context import Ctx
from handlers.results import Reply, Text, UserFacingError, t
from storage import queries
from storage.models import Member

DEPARTMENT_LIMIT = 100  # the columns' width
TITLE_LIMIT = 200
SELF, PROFILE, GRAPH, IMPORT = "self", "profile", "graph", "import"
CLEAR_WORDS = ("clear", "ryd")


def clean(value: str | None, *, limit: int) -> str | None:
    """A department or title as stored: one line, single spaces, no control characters, at most ``limit``
    characters (a profile's longer value is cut; a person's own is refused instead, see ``set_own_department``)."""
    if value is None:
        return None
    text = "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in value)
    return " ".join(text.split())[:limit] or None


def settle(member: Member, *, profile_source: str = PROFILE) -> None:
    """Makes ``member.department`` the winner of its sources. A department written before the sources were kept
    apart (by an older import, or straight into the database) counts as an import, so it is never lost."""
    if member.department_source is None and member.department and not member.department_import:
        member.department_import = member.department
    if member.department_self:
        member.department, member.department_source = member.department_self, SELF
    elif member.department_profile:
        member.department, member.department_source = member.department_profile, profile_source
    elif member.department_import:
        member.department, member.department_source = member.department_import, IMPORT
    else:
        member.department, member.department_source = None, None


def take_directory(member: Member, *, department: str | None, title: str | None, source: str) -> None:
    """What a profile says of the person (Slack: ``source`` "profile"; Teams: "graph"). ``None`` leaves that
    value as it is (the profile was not asked for it); an empty text clears it (the profile has none)."""
    if title is not None:
        member.title = clean(title, limit=TITLE_LIMIT)
    if department is not None:
        member.department_profile = clean(department, limit=DEPARTMENT_LIMIT)
        settle(member, profile_source=source)


def _known(*, session: Session, platform: str, workspace_external_id: str, user_id: str) -> Member | None:
    workspace = queries.find_workspace(session=session, platform=platform, external_id=workspace_external_id)
    if workspace is None or workspace.id is None:
        return None
    member = queries.get_member(session=session, workspace_id=workspace.id, user_id=user_id)
    return None if member is None or member.forgotten_at is not None else member


def is_known(*, session: Session, platform: str, workspace_external_id: str, user_id: str) -> bool:
    """Whether Cobot has met this person (a profile change of anyone else is none of its business)."""
    return (
        _known(session=session, platform=platform, workspace_external_id=workspace_external_id, user_id=user_id)
        is not None
    )


def refresh_known(
    *,
    session: Session,
    platform: str,
    workspace_external_id: str,
    user_id: str,
    department: str | None,
    title: str | None,
    source: str,
) -> bool:
    """A known person's profile changed: their department and title as it says now (``take_directory``)."""
    member = _known(session=session, platform=platform, workspace_external_id=workspace_external_id, user_id=user_id)
    if member is None:
        return False
    take_directory(member, department=department, title=title, source=source)
    session.add(member)
    return True


def take_import(member: Member, *, department: str | None, platform: str) -> None:
    """A department an import (or the console's demo directory) gives; the person's own choice still wins."""
    member.department_import = clean(department, limit=DEPARTMENT_LIMIT)
    settle(member, profile_source=_profile_source(member, platform=platform))


def set_own_department(ctx: Ctx, *, value: str) -> Reply:
    """Say which department you work in (it counts in reports); `clear` goes back to your profile's."""
    member = ctx.actor
    if value.strip().casefold() in CLEAR_WORDS:
        if not member.department_self:
            return Reply.of(t(texts.DEPARTMENT_NOT_OWN))
        member.department_self = None
        settle(member, profile_source=_profile_source(member, platform=ctx.workspace.platform))
        ctx.session.add(member)
        notify.refresh_home(ctx, user_ids=[member.user_id])
        if member.department is None:
            return Reply.of(t(texts.DEPARTMENT_CLEARED_NONE))
        return Reply.of(
            t(texts.DEPARTMENT_CLEARED, department=member.department, source=source_text(member.department_source))
        )
    one_line = " ".join(value.split())
    if not one_line:
        raise UserFacingError(t(texts.USAGE_DEPARTMENT))
    if len(one_line) > DEPARTMENT_LIMIT:
        raise UserFacingError(t(texts.DEPARTMENT_TOO_LONG, limit=DEPARTMENT_LIMIT, length=str(len(one_line))))
    department = clean(one_line, limit=DEPARTMENT_LIMIT)
    if department is None:
        raise UserFacingError(t(texts.USAGE_DEPARTMENT))
    member.department_self = department
    settle(member, profile_source=_profile_source(member, platform=ctx.workspace.platform))
    ctx.session.add(member)
    notify.refresh_home(ctx, user_ids=[member.user_id])
    return Reply.of(t(texts.DEPARTMENT_SET, department=department))


def whoami(ctx: Ctx) -> Reply:
    """Who Cobot thinks you are: name, department and title, and what each source says."""
    member = ctx.actor
    profile_source = _profile_source(member, platform=ctx.workspace.platform)
    department = (
        t(texts.WHOAMI_DEPARTMENT, department=member.department, source=source_text(member.department_source))
        if member.department
        else t(texts.WHOAMI_NO_DEPARTMENT)
    )
    title = t(texts.WHOAMI_TITLE, title=member.title) if member.title else t(texts.WHOAMI_NO_TITLE)
    lines: list[Text] = [
        t(texts.WHOAMI_NAME, name=member.display_name or member.user_id),
        department,
        title,
        t(texts.WHOAMI_SOURCES),
    ]
    for source, value in (
        (SELF, member.department_self),
        (profile_source, member.department_profile),
        (IMPORT, member.department_import),
    ):
        shown = source_text(source)
        if value and member.department_source == source:
            lines.append(t(texts.WHOAMI_SOURCE_WINS, source=shown, department=value))
        elif value:
            lines.append(t(texts.WHOAMI_SOURCE, source=shown, department=value))
        else:
            lines.append(t(texts.WHOAMI_SOURCE_EMPTY, source=shown))
    lines.append(t(texts.WHOAMI_ORDER))
    joined = lines[0]
    for line in lines[1:]:
        joined = t(texts.LINES, above=joined, below=line)
    return Reply.of(joined)


def _profile_source(member: Member, *, platform: str | None = None) -> str:
    if member.department_source in (PROFILE, GRAPH):
        return member.department_source
    return GRAPH if platform == "teams" else PROFILE


def source_text(source: str | None) -> Text:
    """Where a department came from, as the person reads it ("your Slack profile")."""
    return t(
        {
            SELF: texts.DEPARTMENT_SOURCE_SELF,
            PROFILE: texts.DEPARTMENT_SOURCE_PROFILE,
            GRAPH: texts.DEPARTMENT_SOURCE_GRAPH,
        }.get(source or "", texts.DEPARTMENT_SOURCE_IMPORT)
    )
