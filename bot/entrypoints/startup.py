"""What every ``cobot`` command checks before it settles down to work, and how a start that cannot work ends: with
one line that says what is wrong and what to set, and a non-zero exit, never a traceback.

``explain`` turns the errors an admin causes (a database that does not answer or is missing, a ``DATABASE_URL``
that is no database URL) into such a line; ``check_slack_token`` asks Slack (``auth.test``) whether the bot token
works, so that a wrong token or a wrong ``SLACK_API_URL`` stops the start instead of every later message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import make_url

from bot.runtime.logs import redactor

EXAMPLE_URLS = "sqlite:///data/cobot.db or postgresql+psycopg://cobot:password@db.example.com/cobot"
TOKEN_HINT = (
    "copy the Bot User OAuth Token (xoxb-…) from the app's OAuth & Permissions page at https://api.slack.com/apps"
)
TOKEN_REJECTED = ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired")


class StartupError(Exception):
    """A start that cannot work; the message is the one line the admin sees."""


@dataclass(frozen=True)
class SlackIdentity:
    """What ``auth.test`` says of the bot token: the workspace, the bot, and the scopes granted to it."""

    team_id: str
    team: str
    user_id: str
    scopes: frozenset[str] = field(default_factory=frozenset)


def safe_url(url: str) -> str:
    """``url`` without its password, fit for a message."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # not a URL at all: still hide anything that looks like a password in it
        return redactor().redact(url)


def explain(error: BaseException, *, database_url: str) -> str | None:
    """The one line for an error an admin can fix, or None for anything else (a bug: let it show)."""
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

    if isinstance(error, StartupError):
        return str(error)
    if isinstance(error, (ArgumentError, NoSuchModuleError)):
        return f"DATABASE_URL={safe_url(database_url)!s} is not a database URL Cobot can use: e.g. {EXAMPLE_URLS}"
    if isinstance(error, (OperationalError, DBAPIError)):
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        first = redactor().redact(reason[0] if reason else type(error).__name__)
        return (
            f"the database at DATABASE_URL={safe_url(database_url)} does not answer ({first}); check that it runs, "
            "that the URL names the right host, port and database, and that the folder of a SQLite file exists"
        )
    return None


def slack_identity(client: WebClient) -> SlackIdentity:
    """Asks Slack who the token is (``auth.test``); ``StartupError`` when the token or the API URL is wrong."""
    api_url = client.base_url
    try:
        answer = client.auth_test()
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else None
        if error.response.status_code != 200 or "non-JSON" in str(code or ""):
            code = None  # slack_sdk's own words for an answer that is no Web API's
        if code in TOKEN_REJECTED:
            raise StartupError(f"SLACK_BOT_TOKEN: Slack does not accept it ({code}); {TOKEN_HINT}") from None
        if code:
            raise StartupError(f"SLACK_BOT_TOKEN: Slack's auth.test answered {code}; {TOKEN_HINT}") from None
        raise StartupError(
            f"SLACK_API_URL={api_url}: what answers there is not Slack's Web API (HTTP {error.response.status_code}); "
            "leave SLACK_API_URL unset for https://slack.com/api/"
        ) from None
    except Exception as error:  # no connection, DNS, TLS, a timeout: the URL (or the network) is wrong
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise StartupError(
            f"SLACK_API_URL={api_url}: Slack's Web API does not answer there ({redactor().redact(reason)}); leave "
            "SLACK_API_URL unset for https://slack.com/api/, or check the network and proxy"
        ) from None
    headers = {str(name).lower(): value for name, value in (answer.headers or {}).items()}
    scopes = str(headers.get("x-oauth-scopes") or "")
    return SlackIdentity(
        team_id=str(answer.get("team_id") or ""),
        team=str(answer.get("team") or ""),
        user_id=str(answer.get("user_id") or ""),
        scopes=frozenset(scope.strip() for scope in scopes.split(",") if scope.strip()),
    )


def check_slack_token(token: str, *, api_url: str, timeout: int = 10) -> SlackIdentity:
    """``slack_identity`` with a client of its own: asked once, without retries, and without slack_sdk's own
    error lines (the one line of ``StartupError`` says it all)."""
    quiet = logging.getLogger("cobot.startup.slack_sdk")
    quiet.setLevel(logging.CRITICAL)
    quiet.propagate = False
    return slack_identity(WebClient(token=token, base_url=api_url, timeout=timeout, logger=quiet, retry_handlers=[]))
