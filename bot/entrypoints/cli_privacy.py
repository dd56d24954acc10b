"""``cobot export-person`` and ``cobot purge-workspace``: what Cobot holds about one person, as JSON
(``handlers.person_export``), and deleting a whole workspace by hand (``storage.purge``), which the tick otherwise
does ``retention.uninstalled_days`` after Cobot was uninstalled.

``export-person`` finds the person as `cobot forget` does (e-mail address without case, or platform user id;
``--workspace`` when they are known in several) and writes the JSON to stdout, or to ``--out`` (readable by its
owner only, since it is personal data). ``purge-workspace <id>`` shows how many rows each table holds for the
workspace; ``--dry-run`` stops there, otherwise it asks first unless ``--yes`` and then deletes them all. Unknown
people or workspaces are answered politely with exit code 1, and nothing changes.

Registered by ``bot.entrypoints.cli``; everything heavy is imported when the command runs.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.entrypoints.cli_erasure import _find
from bot.entrypoints.cli_reports import _Refusal, _say, missing_database
from bot.runtime.config import Settings
from handlers import texts
from handlers.results import t
from storage.clock import utcnow

EXPORT_HELP = (
    "write what Cobot holds about one person (profile, preferences, skills, invitations, places, drafts, sign-offs, "
    "results they recorded, messages naming them) as JSON"
)
PURGE_HELP = (
    "delete one workspace and everything Cobot holds for it (the tick does this retention.uninstalled_days after "
    "Cobot was uninstalled); --dry-run lists what would go, per table"
)


def register(commands: Any) -> None:
    """Adds ``export-person`` and ``purge-workspace`` to the ``cobot`` command's subparsers."""
    export: argparse.ArgumentParser = commands.add_parser("export-person", help=EXPORT_HELP, description=EXPORT_HELP)
    export.set_defaults(run=run_export_person)
    export.add_argument("person", help="their e-mail address, or their platform user id (e.g. Slack's U0123ABC)")
    export.add_argument(
        "--workspace", help="the workspace's external id, e.g. Slack's T0123 (needed when they are in several)"
    )
    export.add_argument("--out", type=Path, help="write the JSON to this file instead of stdout")

    purge: argparse.ArgumentParser = commands.add_parser("purge-workspace", help=PURGE_HELP, description=PURGE_HELP)
    purge.set_defaults(run=run_purge_workspace)
    purge.add_argument("workspace", help="the workspace's external id, e.g. Slack's T0123")
    purge.add_argument("--platform", help="slack, teams or console (needed when several platforms use that id)")
    purge.add_argument("--dry-run", action="store_true", help="only list what would be deleted; change nothing")
    purge.add_argument("--yes", action="store_true", help="delete without asking first")


def run_export_person(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime.cobot import create_app
    from handlers.person_export import person_export
    from storage.db import read_only
    from storage.migrate import upgrade_to_head

    if (missing := missing_database(settings, command="export-person")) is not None:
        print(missing, file=sys.stderr)
        return 1
    cobot = create_app(settings)
    try:
        upgrade_to_head(cobot.engine)
        from sqlmodel import Session

        with Session(read_only(cobot.engine)) as session:
            member, workspace = _find(session, args.person.strip(), args.workspace)
            exported = person_export(session=session, workspace=workspace, member=member, now=utcnow())
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    finally:
        cobot.close()
    document = json.dumps(exported, ensure_ascii=False, indent=2) + "\n"
    out: Path | None = args.out
    if out is None:
        sys.stdout.write(document)
        return 0
    try:
        # Personal data: readable by whoever ran the command, nobody else.
        descriptor = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as file:
            file.write(document)
    except OSError as error:
        _say(t(texts.EXPORT_PERSON_CANNOT_WRITE, path=str(out), reason=error.strerror or str(error)), settings)
        return 1
    _say(
        t(texts.EXPORT_PERSON_WRITTEN, user_id=member.user_id, workspace=workspace.external_id, path=str(out)), settings
    )
    return 0


def run_purge_workspace(args: argparse.Namespace, settings: Settings, *, ask: Callable[[str], str] = input) -> int:
    from sqlmodel import Session

    from bot.runtime.cobot import create_app
    from storage import purge
    from storage.db import transaction
    from storage.migrate import upgrade_to_head

    if (missing := missing_database(settings, command="purge-workspace")) is not None:
        print(missing, file=sys.stderr)
        return 1
    cobot = create_app(settings)
    translate = cobot.translators(cobot.policy.default_language)
    try:
        upgrade_to_head(cobot.engine)
        with Session(cobot.engine) as session:
            workspace = _workspace(session, args.workspace.strip(), args.platform)
            assert workspace.id is not None
            counts = purge.workspace_rows(session=session, workspace_id=workspace.id)
        label = f"{workspace.platform} {workspace.external_id}" + (f" ({workspace.name})" if workspace.name else "")
        heading = texts.PURGE_DRY_RUN_HEADING if args.dry_run else texts.PURGE_HEADING
        _say(t(heading, workspace=label), settings)
        for table, count in counts.items():
            _say(t(texts.PURGE_LINE, table=table, count=count), settings)
        if workspace.inactive_since is None:
            _say(t(texts.PURGE_STILL_INSTALLED, workspace=workspace.external_id), settings)
        if args.dry_run:
            _say(t(texts.PURGE_NOTHING_DELETED), settings)
            return 0
        if not args.yes:
            try:
                answer = ask(translate(texts.PURGE_CONFIRM))
            except EOFError:  # no terminal to answer in (a script without --yes)
                answer = ""
            if answer.strip().casefold() not in ("yes", "y", "ja", "j"):
                _say(t(texts.PURGE_NOTHING_DELETED), settings)
                return 1
        with transaction(cobot.engine) as session:
            deleted = purge.purge_workspace(session=session, workspace_id=workspace.id)
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    finally:
        cobot.close()
    _say(t(texts.PURGE_DONE, workspace=workspace.external_id, count=sum(deleted.values())), settings)
    return 0


def _workspace(session: Any, external_id: str, platform: str | None) -> Any:
    from sqlmodel import col, select

    from storage.models import Workspace

    query = select(Workspace).where(col(Workspace.external_id) == external_id)
    if platform:
        query = query.where(col(Workspace.platform) == platform.strip().casefold())
    found = list(session.exec(query.order_by(col(Workspace.id))).all())
    if not found:
        raise _Refusal(t(texts.PURGE_UNKNOWN, workspace=external_id or "''"))
    if len(found) > 1:
        platforms = ", ".join(w.platform for w in found)
        raise _Refusal(t(texts.PURGE_SEVERAL_PLATFORMS, workspace=external_id, platforms=platforms))
    return found[0]
