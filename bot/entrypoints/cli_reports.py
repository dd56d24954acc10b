"""The admin commands for reports, content plans and the calendar feed: ``cobot export``, ``cobot import`` and
``cobot calendar-url``. Each works on one workspace: ``--workspace <external id>``, else the only (Slack)
workspace in the database.

Registered by ``bot.entrypoints.cli``; everything heavy is imported when a command runs, not when the parser is built.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.exports.plaintext import plain
from bot.runtime.config import Settings
from handlers import texts
from handlers.results import Text, t
from storage.clock import utcnow

if TYPE_CHECKING:
    from handlers.context import Scope

RunCommand = Callable[[argparse.Namespace, Settings], int]


def register(commands: Any) -> None:
    """Adds ``export``, ``import`` and ``calendar-url`` to the ``cobot`` command's subparsers."""
    export = _command(
        commands,
        "export",
        run_export,
        "write a report (report.xlsx: requests, contributions, calendar, summary, yield, departments, silo map) "
        "or the calendar feed (calendar.ics: draft deadlines and booked slots)",
    )
    export.add_argument("file", type=Path, help="where to write: a name ending in .xlsx or .ics")
    export.add_argument(
        "--from",
        dest="start",
        type=_day,
        help="requests posted (yield: pieces published) from this day on (YYYY-MM-DD)",
    )
    export.add_argument(
        "--to", dest="end", type=_day, help="requests posted (yield: pieces published) up to this day (YYYY-MM-DD)"
    )
    _workspace_option(export)

    plan = _command(
        commands,
        "import",
        run_import,
        "import a content plan (.xlsx: requests and publishing slots), or with `import results` the figures of "
        "published pieces (.csv or .xlsx: url or request, date, one column per metric); a file with any problem "
        "imports nothing",
    )
    plan.add_argument(
        "kind",
        nargs="?",
        choices=("plan", "results"),
        default="plan",
        help="what the file holds: a content plan (the default) or results",
    )
    plan.add_argument("file", type=Path, help="the file to import (or, with --template, the plan template to write)")
    plan.add_argument("--template", action="store_true", help="write an empty plan with an example row instead")
    plan.add_argument("--dry-run", action="store_true", help="check the file and show what would be added")
    plan.add_argument(
        "--as",
        dest="actor",
        help="Slack user id of who adds the slots whose row names nobody (default: the first admin in app.yaml)",
    )
    _workspace_option(plan)

    feed = _command(
        commands,
        "calendar-url",
        run_calendar_url,
        "make a new secret address of the calendar feed that `cobot serve` serves and print it; only a fingerprint "
        "is kept, so each run makes another (earlier ones work until they expire, a year on)",
    )
    feed.add_argument(
        "--rotate", action="store_true", help="also revoke the feed's older addresses: they stop working at once"
    )
    feed.add_argument(
        "--person", metavar="USER_ID", help="make one person's own feed (their deadlines and slots), e.g. U0123"
    )
    feed.add_argument(
        "--base-url",
        type=_base_url,
        metavar="URL",
        help="the public address of `cobot serve`, e.g. https://cobot.example.com: print the whole address",
    )
    _workspace_option(feed)


def _command(commands: Any, name: str, run: RunCommand, help_text: str) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(run=run)
    return sub


def _workspace_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", help="the workspace's external id, e.g. Slack's T0123 (default: the only one)")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; write it as YYYY-MM-DD") from None


def _base_url(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/?#\"<>\\]+(/[^\s?#\"<>\\]*)?", value):
        raise argparse.ArgumentTypeError(f"{value!r} is not a web address like https://cobot.example.com")
    return value.rstrip("/")


class _Refusal(Exception):
    def __init__(self, text: Text) -> None:
        super().__init__(text.msgid)
        self.text = text


def _say(text: Text, settings: Settings, *, stream: Any = None) -> None:
    from zoneinfo import ZoneInfo

    from bot.runtime.cobot import build_translators

    timezone = ZoneInfo(settings.behaviour.timezone)
    translate = build_translators(settings)(settings.behaviour.languages.default)  # the workspace's language
    print(plain(text, translate, timezone=timezone), file=stream or sys.stdout)


def import_in_workspace(
    args: argparse.Namespace,
    settings: Settings,
    *,
    command: str,
    work: Callable[[Scope], Any],
    rejected: type[Exception],
) -> Any:
    """Runs an import's ``work`` in the workspace ``--workspace`` names (the database migrated first): a dry run
    only reads, a real one is one transaction, so a refusal anywhere leaves nothing behind. What ``work`` returned,
    or None when the import was refused (``_Refusal``, or ``rejected`` with its ``header`` and ``problems``), which
    has been said on stderr."""
    from sqlmodel import Session

    from bot.runtime.cobot import create_app
    from handlers.context import Scope
    from storage.db import read_only, transaction
    from storage.migrate import upgrade_to_head

    if (missing := missing_database(settings, command=command)) is not None:
        print(missing, file=sys.stderr)
        return None
    cobot = create_app(settings)
    try:
        upgrade_to_head(cobot.engine)
        with Session(read_only(cobot.engine)) if args.dry_run else transaction(cobot.engine) as session:
            workspace = _workspace(session, args.workspace)
            return work(Scope(session=session, workspace=workspace, policy=cobot.policy, now=utcnow()))
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
    except rejected as error:
        _say(error.header, settings, stream=sys.stderr)  # type: ignore[attr-defined]
        for problem in error.problems:  # type: ignore[attr-defined]
            _say(problem, settings, stream=sys.stderr)
    finally:
        cobot.close()
    return None


def _workspace(session: Any, wanted: str | None) -> Any:
    """The workspace to work on: the one named, else the only Slack one (else the only one at all)."""
    from sqlmodel import col, select

    from storage.models import Platform, Workspace

    everything = list(session.exec(select(Workspace).order_by(col(Workspace.id))).all())
    names = ", ".join(f"{w.external_id} ({w.platform})" for w in everything) or "—"
    if wanted is not None:
        matches = [w for w in everything if w.external_id == wanted]
        if len(matches) != 1:
            raise _Refusal(
                t(
                    texts.WORKSPACE_UNKNOWN if not matches else texts.WORKSPACE_SEVERAL,
                    workspace=wanted,
                    workspaces=names,
                )
            )
        return matches[0]
    candidates = [w for w in everything if w.platform == Platform.SLACK] or everything
    if not candidates:
        raise _Refusal(t(texts.WORKSPACE_NONE))
    if len(candidates) > 1:
        raise _Refusal(t(texts.WORKSPACE_SEVERAL, workspaces=names))
    return candidates[0]


def missing_database(settings: Settings, *, command: str) -> str | None:
    """The one-line refusal when ``DATABASE_URL`` names a SQLite file that does not exist, else None. Opening it
    would create an empty database, and a report of nothing would hide the mistyped path."""
    from sqlalchemy.engine import make_url

    url = make_url(settings.env.database_url)
    name = url.database
    if url.get_backend_name() != "sqlite" or not name or name == ":memory:" or url.query.get("mode") == "memory":
        return None
    path = Path(name).expanduser()
    if path.exists():
        return None
    return (
        f"cobot {command}: there is no database at {path}; set DATABASE_URL to Cobot's database (nothing was changed)"
    )


@contextmanager
def _atomic_file(target: Path) -> Iterator[Path]:
    """A temporary file next to ``target`` that replaces it only when writing succeeded, so a failed or
    interrupted export never leaves half a file behind."""
    directory = target.resolve().parent
    handle, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    os.close(handle)
    temporary = Path(name)
    try:
        yield temporary
        temporary.replace(target)
    finally:
        temporary.unlink(missing_ok=True)


def run_export(args: argparse.Namespace, settings: Settings) -> int:
    from sqlmodel import Session

    from bot.exports.excel.report import write_report
    from bot.exports.ics import calendar_for
    from bot.runtime.cobot import create_app
    from handlers.context import Scope
    from handlers.reports import Period, Report, ReportOrder
    from storage.db import read_only
    from storage.migrate import upgrade_to_head

    target: Path = args.file
    kind = target.suffix.lower()
    if kind not in (".xlsx", ".ics"):
        _say(t(texts.EXPORT_UNKNOWN_KIND, file=str(target)), settings, stream=sys.stderr)
        return 2
    if args.start is not None and args.end is not None and args.start > args.end:
        print(f"cobot export: --from {args.start} is after --to {args.end}", file=sys.stderr)
        return 2
    if not target.resolve().parent.is_dir():
        print(f"cobot export: {target.parent} is not a folder", file=sys.stderr)
        return 2
    if (missing := missing_database(settings, command="export")) is not None:
        print(missing, file=sys.stderr)
        return 1
    cobot = create_app(settings)
    translate = cobot.translators(cobot.policy.default_language)  # the file speaks the workspace's language
    try:
        upgrade_to_head(cobot.engine)
        # One read-only transaction: a consistent snapshot that never holds SQLite's write lock while it streams.
        with Session(read_only(cobot.engine)) as session:
            scope = Scope(
                session=session, workspace=_workspace(session, args.workspace), policy=cobot.policy, now=utcnow()
            )
            with _atomic_file(target) as temporary:
                if kind == ".ics":
                    body, events = calendar_for(scope, translate=translate)
                    temporary.write_bytes(body)
                    done = t(texts.EXPORT_CALENDAR_DONE, file=str(target), count=events)
                else:
                    period = Period(args.start, args.end)
                    stats = write_report(Report(scope, ReportOrder(period=period)), temporary, translate=translate)
                    done = t(
                        texts.EXPORT_REPORT_DONE,
                        file=str(target),
                        requests=t(texts.COUNT_REQUESTS, count=stats.requests),
                        rows=t(texts.COUNT_CONTRIBUTIONS, count=stats.contributions),
                        slots=t(texts.COUNT_SLOTS, count=stats.slots),
                        period=period.label(),
                    )
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    finally:
        cobot.close()
    _say(done, settings)
    return 0


def run_import(args: argparse.Namespace, settings: Settings) -> int:
    from zoneinfo import ZoneInfo

    from bot.exports.excel.plan import PlanFileError, read_plan, write_template
    from bot.runtime.cobot import build_policy, build_translators
    from bot.runtime.i18n import SUPPORTED
    from bot.slack.mentions import as_mention as slack_mention
    from handlers.plan_import import PlanRejected, import_plan

    if args.kind == "results":
        from bot.entrypoints.cli_results import run_import_results

        return run_import_results(args, settings)
    target: Path = args.file
    # The template speaks the workspace's language; a filled-in plan may use the headers of any language.
    translators = build_translators(settings)
    policy = build_policy(settings)
    own = translators(policy.default_language)
    if args.template:
        today = utcnow().astimezone(ZoneInfo(settings.behaviour.timezone)).date()
        write_template(target, today=today, translate=own, formats=settings.behaviour.requests.formats)
        _say(t(texts.TEMPLATE_WRITTEN, file=str(target)), settings)
        return 0
    try:
        data = target.read_bytes()
    except OSError as error:
        print(f"cobot import: cannot read {target}: {error.strerror or error}", file=sys.stderr)
        return 1
    try:
        plan = read_plan(
            data, file_name=target.name, translators=[own, *(translators(language) for language in SUPPORTED)]
        )
    except PlanFileError as unreadable:
        _say(unreadable.text, settings, stream=sys.stderr)
        return 1
    actor = args.actor or next(iter(settings.behaviour.permissions.admins), None)

    def load(scope: Scope) -> Any:
        # The platform's own way of writing someone Cobot has not met yet (Slack: a bare member id, U0123).
        mention = slack_mention if scope.workspace.platform == "slack" else None
        return import_plan(scope, plan, actor_user_id=actor, dry_run=args.dry_run, as_mention=mention)

    result = import_in_workspace(args, settings, command="import", work=load, rejected=PlanRejected)
    if result is None:
        return 1
    for line in result.lines:
        _say(line, settings)
    _say(result.summary, settings)
    return 0


def run_calendar_url(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime.cobot import create_app
    from handlers.context import Scope
    from handlers.feeds import new_feed_address
    from handlers.results import Day
    from storage import queries
    from storage.db import transaction
    from storage.migrate import upgrade_to_head

    if (missing := missing_database(settings, command="calendar-url")) is not None:
        print(missing, file=sys.stderr)
        return 1
    cobot = create_app(settings)
    try:
        upgrade_to_head(cobot.engine)
        with transaction(cobot.engine) as session:
            workspace = _workspace(session, args.workspace)
            scope = Scope(session=session, workspace=workspace, policy=cobot.policy, now=utcnow())
            member = None
            if args.person is not None:
                member = queries.get_member(session=session, workspace_id=scope.workspace_id, user_id=args.person)
                if member is None:
                    raise _Refusal(
                        t(texts.CALENDAR_PERSON_UNKNOWN, person=args.person, workspace=workspace.external_id)
                    )
            address = new_feed_address(scope, member=member, rotate=args.rotate)
            name = workspace.external_id
            person = args.person if member is None else (member.display_name or member.email or member.user_id)
            expires = Day(address.expires_at.astimezone(cobot.policy.timezone).date())
    except _Refusal as refusal:
        _say(refusal.text, settings, stream=sys.stderr)
        return 1
    finally:
        cobot.close()
    shown = f"{args.base_url}{address.path}" if args.base_url else address.path
    if member is None:
        _say(t(texts.CALENDAR_URL, workspace=name, address=shown), settings)
    else:
        _say(t(texts.CALENDAR_URL_PERSONAL, person=person, workspace=name, address=shown), settings)
    _say(t(texts.CALENDAR_URL_NEW, expires=expires), settings)
    if not args.base_url:
        _say(t(texts.CALENDAR_URL_HOST, path=address.path), settings)
    if args.rotate:
        _say(t(texts.CALENDAR_URL_ROTATED), settings)
    return 0
