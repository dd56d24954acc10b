"""``cobot forget <e-mail or user id>``: erase one person's personal data (``handlers.erasure.forget_member``).

The person is found by e-mail address (without case) or platform user id, in any workspace; when they are known in
more than one, ``--workspace`` picks it. The command shows what will be erased, asks before erasing unless
``--yes``, and prints what was done. What it shows is exactly what it then does: the erasure is first run and
rolled back to see what it touches, so the preview holds no write lock while it waits for an answer, then run again
for real. Someone unknown is answered politely with exit code 1, and nothing changes.

Registered by ``bot.entrypoints.cli``; everything heavy is imported when the command runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from bot.entrypoints.cli_reports import _Refusal, _say, missing_database
from bot.runtime.config import Settings
from handlers import texts
from handlers.results import t
from storage.clock import utcnow

FORGET_HELP = (
    "erase one person's personal data (name, e-mail address, time zone, skills, invitations, links, unsent messages "
    "to them); what they contributed stays, credited to 'a former contributor'"
)


def register(commands: Any) -> None:
    """Adds ``forget`` to the ``cobot`` command's subparsers."""
    forget: argparse.ArgumentParser = commands.add_parser("forget", help=FORGET_HELP, description=FORGET_HELP)
    forget.set_defaults(run=run_forget)
    forget.add_argument("person", help="their e-mail address, or their platform user id (e.g. Slack's U0123ABC)")
    forget.add_argument(
        "--workspace", help="the workspace's external id, e.g. Slack's T0123 (needed when they are in several)"
    )
    forget.add_argument("--yes", action="store_true", help="erase without asking first")


def run_forget(args: argparse.Namespace, settings: Settings, *, ask: Callable[[str], str] = input) -> int:
    from bot.runtime.cobot import create_app
    from handlers.context import Scope
    from handlers.erasure import forget_member
    from handlers.results import UserFacingError
    from storage.db import transaction
    from storage.migrate import upgrade_to_head

    if (missing := missing_database(settings, command="forget")) is not None:
        print(missing, file=sys.stderr)
        return 1
    person: str = args.person.strip()
    cobot = create_app(settings)
    translate = cobot.translators(cobot.policy.default_language)
    try:
        upgrade_to_head(cobot.engine)
        with transaction(cobot.engine) as session:
            member, workspace = _find(session, person, args.workspace)
        if member.forgotten_at is not None:
            day = member.forgotten_at.date().isoformat()
            _say(t(texts.FORGET_ALREADY, person=person, day=day), settings)
            return 0
        member_id = member.id
        # The preview: the erasure itself, rolled back, so it shows exactly what the real one will do.
        with transaction(cobot.engine) as session:
            scope = Scope(session=session, workspace=workspace, policy=cobot.policy, now=utcnow())
            preview = forget_member(scope, member_id=member_id)
            session.rollback()
        heading = texts.FORGET_PREVIEW_GUEST if preview.guest else texts.FORGET_PREVIEW
        name = preview.name or preview.email or preview.user_id
        _say(t(heading, name=name, user_id=preview.user_id, workspace=workspace.external_id), settings)
        for line in preview.lines():
            _say(line, settings)
        _say(t(texts.FORGET_LINE_KEPT), settings)
        if not args.yes:
            try:
                answer = ask(translate(texts.FORGET_CONFIRM))
            except EOFError:  # no terminal to answer in (a script without --yes)
                answer = ""
            if answer.strip().casefold() not in ("yes", "y", "ja", "j"):
                _say(t(texts.FORGET_CANCELLED), settings)
                return 1
        with transaction(cobot.engine) as session:
            scope = Scope(session=session, workspace=workspace, policy=cobot.policy, now=utcnow())
            done = forget_member(scope, member_id=member_id)
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    except UserFacingError as refusal:  # forgotten by someone else between the preview and the answer
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    finally:
        cobot.close()
    _say(t(texts.FORGET_DONE, user_id=done.user_id, workspace=workspace.external_id), settings)
    # app.yaml is the operator's file, not Cobot's to rewrite: it is only pointed out.
    named_in = [
        name
        for name, ids in (("permissions.admins", cobot.policy.admins), ("permissions.creators", cobot.policy.creators))
        if ids is not None and done.user_id in ids
    ]
    if named_in:
        _say(t(texts.FORGET_STILL_IN_CONFIG, user_id=done.user_id, settings=", ".join(named_in)), settings)
    return 0


def _find(session: Any, person: str, wanted_workspace: str | None) -> tuple[Any, Any]:
    """The member ``person`` names (an e-mail address or a user id) and their workspace, or a refusal saying why
    not: nobody, several workspaces (without ``--workspace``), or several people in one."""
    from sqlmodel import col, select

    from storage import queries
    from storage.models import Workspace

    if not person:
        raise _Refusal(t(texts.FORGET_UNKNOWN, person="''"))
    found = list(queries.members_by_email_or_user_id(session=session, person=person))
    ids = {m.workspace_id for m in found}
    workspaces = {w.id: w for w in session.exec(select(Workspace).where(col(Workspace.id).in_(ids))).all()}
    if wanted_workspace is not None:
        found = [m for m in found if workspaces[m.workspace_id].external_id == wanted_workspace]
    if not found:
        raise _Refusal(t(texts.FORGET_UNKNOWN, person=person))
    if len({m.workspace_id for m in found}) > 1:
        names = ", ".join(sorted({workspaces[m.workspace_id].external_id for m in found}))
        raise _Refusal(t(texts.FORGET_SEVERAL_WORKSPACES, person=person, workspaces=names))
    if len(found) > 1:
        # An exact user id wins over an address that several share (a colleague and a guest, say).
        exact = [m for m in found if m.user_id == person]
        if len(exact) != 1:
            people = ", ".join(m.user_id for m in found)
            workspace = workspaces[found[0].workspace_id].external_id
            raise _Refusal(t(texts.FORGET_SEVERAL_PEOPLE, person=person, workspace=workspace, people=people))
        found = exact
    member = found[0]
    return member, workspaces[member.workspace_id]
