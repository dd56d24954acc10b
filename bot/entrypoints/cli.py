"""The ``cobot`` command line: serve Slack over HTTP or Socket Mode, migrate the database, print the manifest."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.entrypoints import cli_analytics, cli_doctor, cli_erasure, cli_privacy, cli_reports
from bot.runtime.config import DEFAULT_DATABASE_URL, ConfigError, Settings, load_settings
from storage.clock import utcnow

log = logging.getLogger("cobot")

MANIFEST_URL_HINT = "pass --url https://<your host>/slack/events (or --socket for Socket Mode)"
# How long `cobot tick` waits for messages held back for a moment (a channel's next pacing turn) before it exits.
TICK_WAITS_UP_TO = 10.0

DESCRIPTION = """\
Cobot recruits colleagues as co-creators of content, in Slack.

Behaviour comes from app.yaml (--config, $COBOT_CONFIG, ./app.yaml, else built-in defaults).
Secrets and deployment come from the environment: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (HTTP mode),
SLACK_APP_TOKEN (Socket Mode), SLACK_API_URL (default https://slack.com/api/), DATABASE_URL
(default sqlite:///data/cobot.db); for Microsoft Teams TEAMS_APP_ID, TEAMS_APP_PASSWORD, TEAMS_TENANT_ID
(see README, "Microsoft Teams"); PLAUSIBLE_API_KEY for app.yaml's analytics: server (README, "Analytics").
"""


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from bot.entrypoints.startup import explain
    from bot.runtime import logs

    try:
        # One format for Cobot, gunicorn and the libraries (LOG_FORMAT=json: a JSON object a line); no secrets.
        logs.configure(fmt=logs.log_format())
        settings = load_settings(args.config)
        logs.redactor().add(logs.settings_secrets(settings.env))
        result: int = args.run(args, settings)
        return result
    except (ConfigError, logs.LogFormatError) as error:
        print(f"cobot: {error}", file=sys.stderr)
        return 2
    except Exception as error:
        line = explain(error, database_url=os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL)
        if line is None:
            raise
        print(f"cobot: {line}", file=sys.stderr)
        return 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cobot", description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--config", type=Path, default=None, help="path to app.yaml")
    parser.add_argument("--version", action="version", version=f"cobot {_version()}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    serve = _command(
        commands,
        "serve",
        run_serve,
        "serve Slack's HTTP endpoint /slack/events (and GET /healthz) with gunicorn",
    )
    serve.add_argument("--host", help="address to bind (default from app.yaml server.host: 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default from app.yaml server.port: 3000)")
    serve.add_argument("--workers", type=int, help="worker processes (default from app.yaml: 2)")
    serve.add_argument("--threads", type=int, help="threads per worker (default from app.yaml: 4)")

    console = _command(
        commands,
        "console",
        run_console_command,
        "try Cobot in the terminal: a simulated workspace on the same handlers, no Slack account needed",
    )
    console.add_argument("--demo", action="store_true", help="start with a demo team, requests and slots")
    console.add_argument(
        "--db",
        type=_database,
        help="keep the workspace in this database: a file (demo.db) or a URL (default: a fresh temporary SQLite)",
    )
    console.add_argument("--now", type=_moment, help="start the simulated clock here (ISO-8601)")
    console.add_argument(
        "--files",
        type=Path,
        metavar="DIR",
        help="where `/cocreate report` writes its Excel file (default: a new temporary folder, kept)",
    )

    _command(commands, "socket", run_socket, "connect to Slack in Socket Mode (no public URL needed)")
    _command(commands, "migrate", run_migrate, "upgrade the database schema to the latest version")

    tick = _command(
        commands,
        "tick",
        run_tick_command,
        "queue and send the reminders, nudges, warnings and digest that are due now, and delete what "
        "guests.retention_days and retention: have run out for (cron-friendly; it waits a few seconds for posts "
        "paced behind one another in a channel)",
    )
    tick.add_argument(
        "--at", type=_moment, help="run the pass as if it were this ISO-8601 time, e.g. 2026-12-07T09:00+01:00"
    )
    tick.add_argument("--dry-run", action="store_true", help="only show what would be queued; change nothing")

    manifest = _command(commands, "manifest", run_manifest, "print the Slack app manifest (YAML)")
    manifest.add_argument("--url", help="public URL of /slack/events (HTTP mode)")
    manifest.add_argument("--socket", action="store_true", help="manifest for Socket Mode instead of HTTP")
    manifest.add_argument(
        "--oauth",
        action="store_true",
        help="for installs through OAuth: redirect URL, token rotation, org-wide installs (the default when "
        "SLACK_CLIENT_ID is set without SLACK_BOT_TOKEN)",
    )

    teams = _command(
        commands,
        "teams",
        run_teams,
        "serve the Microsoft Teams bot endpoint POST /api/messages (and GET /healthz) with the Agents SDK",
    )
    teams.add_argument("--host", help="address to bind (default from app.yaml teams.host: 127.0.0.1)")
    teams.add_argument("--port", type=int, help="port (default from app.yaml teams.port: 3978)")
    teams_manifest = _command(
        commands, "teams-manifest", run_teams_manifest, "write the Teams app package (manifest.json and icons, zipped)"
    )
    teams_manifest.add_argument("--out", type=Path, default=Path("cobot-teams.zip"), help="the zip to write")
    teams_manifest.add_argument("--app-id", help="the bot's app id (default: $TEAMS_APP_ID)")
    cli_reports.register(commands)  # export, import, calendar-url
    cli_erasure.register(commands)  # forget
    cli_privacy.register(commands)  # export-person, purge-workspace
    cli_analytics.register(commands)  # analytics poll
    cli_doctor.register(commands)  # doctor
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cobot")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _command(
    commands: Any, name: str, run: Callable[[argparse.Namespace, Settings], int], help_text: str
) -> argparse.ArgumentParser:
    sub: argparse.ArgumentParser = commands.add_parser(name, help=help_text, description=help_text)
    sub.set_defaults(run=run)
    return sub


def run_migrate(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import make_engine
    from storage.migrate import current_revision, upgrade_to_head

    engine = make_engine(settings.env.database_url)
    upgrade_to_head(engine)
    print(f"database at revision {current_revision(engine)}")
    engine.dispose()
    return 0


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not an ISO-8601 time, e.g. 2026-12-07T09:00+01:00") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class _RunningFrom:
    """A clock that reads ``start`` when first asked and runs at real speed from there (`cobot tick --at`), so
    waiting out a pacing turn moves it on."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.started: datetime | None = None

    def __call__(self) -> datetime:
        now = utcnow()
        if self.started is None:
            self.started = now
        return self.start + (now - self.started)


def _database(value: str) -> str:
    """A database URL, or a plain path taken as a SQLite file (``demo.db`` → ``sqlite:////…/demo.db``)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if "://" not in value:
        return f"sqlite:///{Path(value).expanduser().resolve()}"
    try:
        make_url(value).get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError):
        raise argparse.ArgumentTypeError(
            f"{value!r} is neither a file name nor a database URL such as sqlite:///demo.db"
        ) from None
    return value


def run_tick_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime.cobot import create_app
    from bot.runtime.scheduler import run_tick
    from bot.slack.app import build_slack_service
    from storage.migrate import upgrade_to_head

    at: datetime | None = args.at
    # Slack's token is needed unless this is a Teams-only installation; Teams messages go out when it is set up.
    # Installs through OAuth send with each workspace's own token (README, "Installing through OAuth").
    oauth = settings.require_slack_oauth() if settings.slack_oauth_configured and not args.dry_run else None
    slack = oauth is None and (settings.env.slack_bot_token is not None or not settings.teams_configured)
    token = None if args.dry_run or not slack else settings.require_slack_http_token()
    access = settings.require_teams() if settings.teams_configured and not args.dry_run else None
    # With --at, the clock starts there and runs at real speed, so waiting out a pacing turn moves it on.
    cobot = create_app(settings, clock=_RunningFrom(at) if at is not None else utcnow)
    upgrade_to_head(cobot.engine)
    service = build_slack_service(cobot, token=token, signing_secret=None, oauth=oauth) if token or oauth else None
    teams = None
    if access is not None:
        from bot.teams.app import build_teams_service

        teams = build_teams_service(cobot, access)
    try:
        summary = run_tick(cobot, dry_run=args.dry_run)
        verb = "would queue" if args.dry_run else "queued"
        print(f"{summary.at.isoformat()}: {verb} {summary.total} message(s) in {summary.workspaces} workspace(s)")
        for kind, count in sorted(summary.queued.items()):
            print(f"  {kind}: {count}")
        if summary.addresses_erased:
            verb = "would delete" if args.dry_run else "deleted"
            print(f"{verb} {summary.addresses_erased} guest e-mail address(es) (guests.retention_days)")
        if summary.workspaces_purged:
            verb = "would delete" if args.dry_run else "deleted"
            print(f"{verb} {len(summary.workspaces_purged)} uninstalled workspace(s) (retention.uninstalled_days)")
        for name, sender in (
            ("Slack", service.sender if service else None),
            ("Teams", teams.sender if teams else None),
        ):
            if sender is not None:
                sent = sender.drain_until_idle(wait_up_to=TICK_WAITS_UP_TO)
                print(f"{name}: sent {sent} message(s) now; anything deferred (working hours, rate limits) goes later")
    finally:
        if teams is not None:
            teams.connector.close()
        cobot.close()
    return 0


def run_console_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.console import run_console

    # Keep the conversation readable: the console reports problems itself, so only warnings reach the terminal.
    logging.getLogger().setLevel(logging.WARNING)
    return run_console(settings, demo=args.demo, database=args.db, start=args.now, files=args.files)


def run_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from bot.slack.manifest import manifest_yaml

    if not args.socket:
        # Slack sends commands, events and interactions to this URL, and it must be the app's own: a placeholder
        # host would make a manifest that Slack accepts but that can never reach Cobot.
        if not args.url:
            raise ConfigError(f"the manifest needs Cobot's public URL in HTTP mode: {MANIFEST_URL_HINT}")
        if not args.url.startswith("https://"):
            raise ConfigError(f"--url {args.url}: Slack only sends to HTTPS; {MANIFEST_URL_HINT}")
    profiles = settings.behaviour.profiles
    fields = profiles is not None and profiles.department_field is not None
    oauth = args.oauth or (settings.slack_oauth_configured and not args.socket)
    if oauth and args.socket:
        raise ConfigError("--oauth needs HTTP mode: Socket Mode runs with one bot token (README, 'Socket Mode')")
    sys.stdout.write(manifest_yaml(request_url=args.url, socket_mode=args.socket, oauth=oauth, profile_fields=fields))
    return 0


def run_teams(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runtime.cobot import create_app
    from bot.teams.app import build_teams_service, run_teams_server
    from storage.migrate import upgrade_to_head

    access = settings.require_teams()
    cobot = create_app(settings)
    upgrade_to_head(cobot.engine)
    teams = settings.behaviour.teams
    run_teams_server(build_teams_service(cobot, access), host=args.host or teams.host, port=args.port or teams.port)
    return 0


def run_teams_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from pydantic import ValidationError

    from bot.runtime.config import Environment
    from bot.teams.manifest import write_package

    app_id = args.app_id or settings.env.teams_app_id
    if not app_id:
        raise ConfigError("the Teams app package needs the bot's app id: set TEAMS_APP_ID or pass --app-id")
    try:
        app_id = Environment.model_validate({"teams_app_id": app_id}).teams_app_id or app_id
    except ValidationError as error:
        raise ConfigError(f"--app-id: {error.errors()[0]['msg'].removeprefix('Value error, ')}") from None
    path = write_package(args.out, settings.behaviour.teams, app_id=app_id)
    print(f"wrote {path}: upload it in Teams (Apps → Manage your apps → Upload an app)")
    return 0


def run_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.entrypoints.server import serve

    # SLACK_CLIENT_ID without a bot token: installs through OAuth (README, "Installing through OAuth").
    oauth = settings.require_slack_oauth() if settings.slack_oauth_configured else None
    connected = settings.env.slack_bot_token is not None or settings.env.slack_signing_secret is not None
    # Neither secret set: a local start without Slack. One of them set: a misconfiguration, refused below.
    token, secret = settings.require_slack_http() if connected and oauth is None else (None, None)
    server = settings.behaviour.server
    return serve(
        settings,
        token=token,
        signing_secret=secret,
        oauth=oauth,
        host=args.host or server.host,
        port=args.port or server.port,
        workers=args.workers or server.workers,
        threads=args.threads or server.threads,
    )


def run_socket(args: argparse.Namespace, settings: Settings) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    from bot.entrypoints.startup import check_slack_token
    from bot.runtime.cobot import create_app
    from bot.slack.app import build_slack_service
    from storage.migrate import upgrade_to_head

    token, app_token = settings.require_slack_socket()
    check_slack_token(token, api_url=settings.env.slack_api_url)  # a wrong token stops the start, in one line
    cobot = create_app(settings)
    upgrade_to_head(cobot.engine)
    service = build_slack_service(cobot, token=token, signing_secret=None).start()
    try:
        SocketModeHandler(service.bolt, app_token).start()  # type: ignore[no-untyped-call]
    finally:
        service.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
