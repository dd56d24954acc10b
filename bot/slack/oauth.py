"""Cobot installed through OAuth ("Add to Slack"), in any number of workspaces and Enterprise Grid orgs, instead of
with one bot token: Bolt's OAuth flow serves ``/slack/install`` and ``/slack/oauth_redirect`` and saves each
installation in Cobot's database (``bot.slack.installations``); every request is answered with its workspace's token,
and the outbox sends each message with the token of the message's workspace (``WorkspaceTokens``).

Installing makes a Cobot workspace at once (``bot.runtime.installations``): the team's (its id), or for an org-wide
install the org's (its enterprise id); each workspace of the org becomes one of its own with its first request, as
with one token.
"""

from __future__ import annotations

import html
import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC

from slack_bolt import BoltContext, BoltResponse
from slack_bolt.oauth.callback_options import CallbackOptions, FailureArgs, SuccessArgs
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot.runtime.cobot import Cobot
from bot.runtime.config import OAUTH_REDIRECT_PATH, SlackOAuthAccess
from bot.runtime.installations import Installations
from bot.slack.installations import (
    ROTATE_MINUTES_BEFORE_EXPIRY,
    InstallationAuthorize,
    InstallationRecords,
    OAuthStates,
)
from bot.slack.listeners.common import TEAM_KEY
from bot.slack.render import render
from bot.web.core import SECURITY_HEADERS
from bot.web.text import PageText
from handlers import texts
from handlers.results import t

log = logging.getLogger(__name__)

INSTALL_PATH = "/slack/install"
REDIRECT_PATH = OAUTH_REDIRECT_PATH
TOKEN_MEMORY_SECONDS = 60.0  # a reinstall's new token is used within a minute by the outbox of every worker
# Bolt's reasons for a state that does not hold: expired, used already, forged, or its cookie not sent back.
STATE_FAILURES = frozenset({"invalid_state", "invalid_browser"})


@dataclass
class OAuthInstall:
    """What the Bolt app needs for installs through OAuth: the settings of Bolt's flow, the ``authorize`` that
    finds each request's token, and the installation records themselves."""

    settings: OAuthSettings
    authorize: InstallationAuthorize
    records: InstallationRecords
    not_installed: str  # what a person in a workspace without an installation is told

    def remember_org_team(self, context: BoltContext, next: Callable[[], None]) -> None:
        """Middleware (after ``resolve_team``): a request from a workspace of an org-wide install records the
        workspace as the org's, so the messages Cobot sends there later find the org's token."""
        team = context.get(TEAM_KEY)
        if context.is_enterprise_install and context.enterprise_id and team and team != context.enterprise_id:
            self.records.installations.remember_org_team(team_id=str(team), enterprise_id=str(context.enterprise_id))
        next()


def build_oauth(
    cobot: Cobot, *, access: SlackOAuthAccess, client: WebClient, scopes: list[str], installations: Installations
) -> OAuthInstall:
    records = InstallationRecords(
        installations=installations, client_id=access.client_id, client_secret=access.client_secret, client=client
    )
    pages = InstallPages(cobot)
    settings = OAuthSettings(
        client_id=access.client_id,
        client_secret=access.client_secret,
        scopes=scopes,
        user_scopes=[],
        redirect_uri=access.redirect_uri,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        installation_store=records,
        installation_store_bot_only=True,
        token_rotation_expiration_minutes=ROTATE_MINUTES_BEFORE_EXPIRY,
        state_store=OAuthStates(installations),
        callback_options=CallbackOptions(success=pages.success, failure=pages.failure),
        logger=logging.getLogger("cobot.bolt.oauth"),
    )
    translate = cobot.translators(cobot.policy.default_language)
    public = cobot.settings.public_url
    where = f"{public}{INSTALL_PATH}" if public else translate(texts.OAUTH_INSTALL_PAGE)
    return OAuthInstall(
        settings=settings,
        authorize=InstallationAuthorize(records),
        records=records,
        not_installed=render(t(texts.OAUTH_NOT_INSTALLED, url=where), translate),
    )


@dataclass
class WorkspaceTokens:
    """The outbox's token for a Cobot workspace (by its row id), from the installation records; remembered for a
    minute, and never past the moment its token is due for refreshing."""

    records: InstallationRecords
    _tokens: dict[int, tuple[str, float]] = field(default_factory=dict)  # id → (token, monotonic time to forget)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __call__(self, workspace_id: int) -> str | None:
        now = time.monotonic()
        with self._lock:
            known = self._tokens.get(workspace_id)
        if known is not None and known[1] > now:
            return known[0]
        found = self.records.bot_for_workspace(workspace_id)
        if found is None:
            return None
        until = now + TOKEN_MEMORY_SECONDS
        expires = found.bot_token_expires_at
        if expires is not None:
            left = (expires if expires.tzinfo else expires.replace(tzinfo=UTC)).timestamp() - time.time()
            until = min(until, now + left - ROTATE_MINUTES_BEFORE_EXPIRY * 60)
        with self._lock:
            self._tokens[workspace_id] = (found.bot_token, until)
        return found.bot_token


class InstallPages:
    """The pages a person sees when Slack sends them back to ``/slack/oauth_redirect``, in the workspace's default
    language: installed, or what went wrong and how to start again."""

    def __init__(self, cobot: Cobot) -> None:
        language = cobot.policy.default_language
        self.say = PageText(translate=cobot.translators(language), language=language, timezone=cobot.policy.timezone)
        self.language = language

    def success(self, args: SuccessArgs) -> BoltResponse:
        installation = args.installation
        where = installation.team_name or installation.enterprise_name or installation.team_id or ""
        body = self.say(texts.OAUTH_INSTALLED, workspace=where)
        return self._page(self.say(texts.OAUTH_INSTALLED_TITLE), body, status=200)

    def failure(self, args: FailureArgs) -> BoltResponse:
        if args.reason in STATE_FAILURES:
            body = self.say(texts.OAUTH_STATE_EXPIRED)
        elif args.reason == "access_denied":
            body = self.say(texts.OAUTH_CANCELLED)
        else:
            log.warning("a Slack install failed: %s", args.reason)
            body = self.say(texts.OAUTH_FAILED, reason=args.reason)
        return self._page(self.say(texts.OAUTH_FAILED_TITLE), body, status=args.suggested_status_code, again=True)

    def _page(self, title: str, body: str, *, status: int, again: bool = False) -> BoltResponse:
        link = (
            f'<p><a href="{html.escape(INSTALL_PATH)}">{html.escape(self.say(texts.OAUTH_START_AGAIN))}</a></p>'
            if again
            else ""
        )
        page = (
            f'<!doctype html><html lang="{html.escape(self.language)}"><head><meta charset="utf-8">'
            f"<title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>"
            f"<p>{html.escape(body)}</p>{link}</body></html>"
        )
        headers: dict[str, str | Sequence[str]] = {
            "Content-Type": "text/html; charset=utf-8",
            "Cache-Control": "no-store",
        }
        headers.update(dict(SECURITY_HEADERS))
        return BoltResponse(status=status, body=page, headers=headers)
