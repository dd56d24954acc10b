"""``cobot doctor``: checks a deployment from the outside in and prints, for each check, ``ok`` or what to fix —
the configuration, the database (reachable, at the migration head), the Slack token (``auth.test``), the scopes
Slack granted it (``auth.test``'s ``x-oauth-scopes`` header) against the manifest's, and the digest channel
(``conversations.info``: it exists, is not archived, and Cobot is in it). Exit status 0 when all is well, 1 when
anything needs fixing. It changes nothing: no migration, no message.

Registered by ``bot.entrypoints.cli``; the admin reads its English lines in a terminal, as those of ``cobot tick``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Any

from bot.runtime.config import Settings

SLACK_APPS = "https://api.slack.com/apps"


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FIX '} {self.check}: {self.detail}"


def register(commands: Any) -> None:
    help_text = (
        "check the configuration, the database, the Slack token, its scopes and the digest channel, and print what "
        "to fix (changes nothing)"
    )
    doctor = commands.add_parser("doctor", help=help_text, description=help_text)
    doctor.set_defaults(run=run_doctor)


def run_doctor(args: argparse.Namespace, settings: Settings) -> int:
    findings = diagnose(settings)
    for finding in findings:
        print(finding.line())
    broken = [finding for finding in findings if not finding.ok]
    print("all checks passed" if not broken else f"{len(broken)} thing(s) to fix")
    return 0 if not broken else 1


def diagnose(settings: Settings) -> list[Finding]:
    from bot.entrypoints.startup import StartupError, check_slack_token, explain, safe_url

    where = str(settings.config_path) if settings.config_path else "built-in defaults (no app.yaml found)"
    findings = [Finding("configuration", True, f"valid ({where})")]
    findings.append(_database(settings, explain=explain, safe_url=safe_url))
    token = settings.env.slack_bot_token
    if token is None:
        if settings.teams_configured:
            findings.append(Finding("slack", True, "not configured (a Teams-only installation)"))
            return findings
        findings.append(
            Finding("slack token", False, f"SLACK_BOT_TOKEN is not set: install the app ({SLACK_APPS}) and set it")
        )
        return findings
    if settings.env.slack_signing_secret is None and settings.env.slack_app_token is None:
        findings.append(
            Finding(
                "slack secrets",
                False,
                "neither SLACK_SIGNING_SECRET (cobot serve) nor SLACK_APP_TOKEN (cobot socket) is set: copy the "
                f"Signing Secret from the app's Basic Information page ({SLACK_APPS})",
            )
        )
    try:
        identity = check_slack_token(token.get_secret_value(), api_url=settings.env.slack_api_url)
    except StartupError as error:
        findings.append(Finding("slack token", False, str(error)))
        return findings
    findings.append(Finding("slack token", True, f"accepted for workspace {identity.team or '?'} ({identity.team_id})"))
    findings.append(_scopes(identity.scopes, socket_mode=settings.env.slack_signing_secret is None))
    findings.append(_digest_channel(settings, token.get_secret_value(), granted=identity.scopes))
    return findings


def _database(settings: Settings, *, explain: Any, safe_url: Any) -> Finding:
    from bot.runtime.health import OK, database_check
    from storage.db import make_engine

    url = settings.env.database_url
    try:
        engine = make_engine(url, timeouts=settings.behaviour.database.timeouts())
    except Exception as error:
        line = explain(error, database_url=url)
        if line is None:
            raise
        return Finding("database", False, line)
    try:
        result = database_check(engine)
    finally:
        engine.dispose()
    if result == OK:
        return Finding("database", True, f"{safe_url(url)} answers and is at the migration head")
    return Finding("database", False, f"{safe_url(url)}: {result}")


def _scopes(granted: frozenset[str], *, socket_mode: bool) -> Finding:
    from bot.slack.manifest import build_manifest

    wanted = set(build_manifest(request_url=None, socket_mode=True)["oauth_config"]["scopes"]["bot"])
    missing = sorted(wanted - granted)
    if not granted:
        return Finding("slack scopes", False, "Slack named no scopes for the token (no x-oauth-scopes header)")
    if missing:
        how = "cobot manifest --socket" if socket_mode else "cobot manifest --url https://<your host>/slack/events"
        return Finding(
            "slack scopes",
            False,
            f"the token lacks {', '.join(missing)}: update the app's manifest with `{how}` at {SLACK_APPS}, then "
            "reinstall the app to the workspace so Slack grants them",
        )
    return Finding("slack scopes", True, f"all {len(wanted)} scopes of the manifest are granted")


def _digest_channel(settings: Settings, token: str, *, granted: frozenset[str]) -> Finding:
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    channel = settings.behaviour.digest.channel
    if not channel:
        return Finding("digest channel", True, "none set (digest.channel in app.yaml): no weekly digest is posted")
    if "channels:read" not in granted:
        return Finding("digest channel", False, f"{channel}: cannot be checked without the channels:read scope")
    client = WebClient(token=token, base_url=settings.env.slack_api_url, timeout=10, retry_handlers=[])
    try:
        found = client.conversations_info(channel=channel)["channel"]
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else error.response.status_code
        if code == "channel_not_found":
            return Finding(
                "digest channel",
                False,
                f"{channel} does not exist or is private: set digest.channel in app.yaml to a public channel's id "
                "(C…, in the channel's details in Slack)",
            )
        return Finding("digest channel", False, f"{channel}: Slack's conversations.info answered {code}")
    except Exception as error:  # the token check just passed, so this is a passing network failure
        return Finding("digest channel", False, f"{channel}: Slack did not answer ({type(error).__name__})")
    name = f"#{found.get('name')}" if found.get("name") else channel
    if found.get("is_archived"):
        return Finding("digest channel", False, f"{name} ({channel}) is archived: unarchive it or pick another")
    if not found.get("is_member"):
        return Finding(
            "digest channel",
            True,
            f"{name} ({channel}) exists; Cobot is not in it yet and joins it with the first digest",
        )
    return Finding("digest channel", True, f"{name} ({channel}) exists and Cobot is in it")
