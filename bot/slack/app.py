"""Building the Slack side of Cobot: the Bolt app, its outbox transport, and the WSGI application.

Bolt runs with ``process_before_response=True``: each listener acknowledges from the request thread itself. In
Bolt's default mode the request thread instead polls every 10 ms for the acknowledgement from a worker thread,
which costs about 30 ms a request under load. Listeners therefore keep their work short (one local transaction)
and leave everything that talks to Slack to the outbox sender or to lazy listeners.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.exports.ics import PATH_PREFIX as CALENDAR_PREFIX
from bot.exports.ics import calendar_app
from bot.runtime.cobot import Cobot
from bot.runtime.config import SlackOAuthAccess
from bot.runtime.installations import Installations
from bot.runtime.outbox import OutboxSender
from bot.runtime.scheduler import FollowUpScheduler
from bot.slack.inbound import signed_requests_only
from bot.slack.listeners import register_all
from bot.slack.listeners.common import PLATFORM, resolve_team
from bot.slack.manifest import bot_scopes
from bot.slack.oauth import OAuthInstall, WorkspaceTokens, build_oauth
from bot.slack.profiles import SlackProfiles
from bot.slack.render import render
from bot.slack.transport import SlackTransport
from bot.web.guest import guest_wsgi_app, is_guest_path
from bot.web.tracked import is_tracked_path, tracked_wsgi_app
from handlers import texts
from handlers.results import t
from storage.db import is_unavailable

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


def build_client(cobot: Cobot, *, token: str | None) -> WebClient:
    return WebClient(token=token, base_url=cobot.settings.env.slack_api_url, timeout=10)


def build_bolt_app(
    cobot: Cobot,
    *,
    client: WebClient,
    signing_secret: str | None,
    profiles: SlackProfiles | None = None,
    oauth: OAuthInstall | None = None,
) -> App:
    """The Bolt app with every listener registered. ``signing_secret`` None is for Socket Mode only; ``oauth``:
    installs through OAuth (``bot.slack.oauth``), each request answered with its workspace's token."""
    installs: dict[str, Any] = {}
    if oauth is not None:
        installs = {
            "oauth_settings": oauth.settings,
            "authorize": oauth.authorize,
            "user_facing_authorize_error_message": oauth.not_installed,
        }
    app = App(
        client=client,
        signing_secret=signing_secret,
        process_before_response=True,
        token_verification_enabled=False,  # no auth.test at start-up; the first request resolves the bot id
        request_verification_enabled=signing_secret is not None,
        logger=logging.getLogger("cobot.bolt"),
        # A genuine request no listener takes (another app's shortcut, a button of an old card, an event Cobot
        # does not use) reaches the error handler below, which acknowledges it; Bolt alone would answer 404 and
        # log a warning, and Slack would show the person an error or count the event as failed.
        raise_error_for_unhandled_request=True,
        **installs,
    )

    readers = profiles or SlackProfiles(cobot.settings.behaviour.profiles)

    def provide_cobot(context: BoltContext, next: Callable[[], None]) -> None:
        context["cobot"] = cobot
        context["profiles"] = readers
        next()

    app.use(provide_cobot)
    app.use(resolve_team)  # the same team for events, commands and buttons (org-wide installs)
    if oauth is not None:
        app.use(oauth.remember_org_team)
    app.error(handle_unexpected_error)
    register_all(app)
    return app


def acknowledge_unhandled(body: dict[str, Any]) -> BoltResponse:
    """The answer to a genuine, signed request that no listener takes: acknowledged and otherwise ignored. An
    options request (``block_suggestion``, legacy ``dialog_suggestion``) gets an empty list, the only answer
    Slack accepts there."""
    kind = body.get("type") or body.get("command") or "request"
    event = body.get("event")
    if isinstance(event, dict) and event.get("type"):
        kind = f"{kind}/{event['type']}"
    log.debug("ignored a request Cobot has no listener for: %s", kind)
    if body.get("type") in ("block_suggestion", "dialog_suggestion"):
        return BoltResponse(status=200, body=json.dumps({"options": []}), headers={"content-type": "application/json"})
    return BoltResponse(status=200, body="")


def handle_unexpected_error(error: Exception, body: dict[str, Any], logger: logging.Logger) -> BoltResponse:
    """The one place unexpected errors end: logged with an id, and the person told that id (never a traceback)."""
    if isinstance(error, BoltUnhandledRequestError):
        return acknowledge_unhandled(body)
    error_id = uuid.uuid4().hex[:8]
    kind = body.get("command") or body.get("type") or (body.get("event") or {}).get("type") or "request"
    if is_unavailable(error):  # the database did not answer in time: nothing was changed, and it is not a bug
        logger.error("error %s while handling %s: the database does not answer (%s)", error_id, kind, error)
        message = render(t(texts.DATABASE_UNAVAILABLE))
    else:
        logger.error("error %s while handling %s", error_id, kind, exc_info=error)
        message = render(t(texts.UNEXPECTED_ERROR, error_id=error_id))
    if body.get("command"):
        return BoltResponse(
            status=200,
            body=json.dumps({"response_type": "ephemeral", "text": message}),
            headers={"content-type": "application/json"},
        )
    if body.get("type") == "event_callback":
        return BoltResponse(status=500, body="")  # Slack retries the event; the retry may well succeed
    if body.get("response_url"):
        try:
            WebhookClient(body["response_url"], timeout=5).send(
                text=message, response_type="ephemeral", replace_original=False
            )
        except Exception:  # telling the user is best effort here; the error itself is already logged
            logger.warning("could not tell the user about error %s", error_id)
    if body.get("type") == "view_submission":
        return BoltResponse(
            status=200,
            body=json.dumps(
                {
                    "response_action": "errors",
                    "errors": {
                        block: message[:300] for block in (body.get("view", {}).get("state", {}).get("values") or {})
                    },
                }
            ),
            headers={"content-type": "application/json"},
        )
    return BoltResponse(status=200, body="")


@dataclass
class SlackService:
    """Cobot on Slack: the core, the Bolt app, the outbox sender that delivers through the Web API, and the
    follow-up scheduler."""

    cobot: Cobot
    bolt: App
    sender: OutboxSender
    scheduler: FollowUpScheduler | None = None
    signing_secret: str | None = None

    def start(self, *, with_scheduler: bool = True) -> SlackService:
        self.sender.start()
        if with_scheduler:
            self.scheduler = FollowUpScheduler.started_for(self.cobot)
        if self.cobot.has_inactive_workspaces(platform=PLATFORM):
            # In the background: a slow or unreachable Slack must not hold up the start.
            threading.Thread(target=self.token_works, name="slack-token-check", daemon=True).start()
        return self

    def token_works(self) -> bool:
        """Asks Slack (``auth.test``) whether the bot token works; if it does, a workspace Cobot had stopped sending
        to (uninstalled, token revoked) is active again: it was installed anew or given a new token."""
        if self.bolt.client.token is None:
            return False  # installs through OAuth: an install saved again resumes its workspace (bot.slack.oauth)
        try:
            found = self.bolt.client.auth_test()
        except Exception as error:  # any failure only means "not known to work"; sending stays as it is
            log.warning("the Slack token could not be checked (%s)", type(error).__name__)
            return False
        for workspace in {found.get("team_id"), found.get("enterprise_id")} - {None, ""}:
            if self.cobot.workspace_back(platform=PLATFORM, workspace=str(workspace)):
                log.info("the token works for %s again: sending there resumes", workspace)
        return True

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        self.cobot.close()

    def wsgi(self) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
        slack = signed_requests_only(
            SlackRequestHandler(self.bolt, path=EVENTS_PATH),
            path=EVENTS_PATH,
            signing_secret=self.signing_secret,
            api_url=self.cobot.settings.env.slack_api_url,
        )
        calendar = calendar_app(self.cobot)  # GET /calendar/<secret token>.ics: the feed calendars subscribe to
        guests = guest_wsgi_app(self.cobot)  # /guest/<token>: the page of a guest, someone without a chat account
        tracked = tracked_wsgi_app(self.cobot)  # /r/<code>: a published piece's tracked link

        def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
                if not self.cobot.database_answers():
                    start_response("503 Service Unavailable", [("Content-Type", "application/json")])
                    return [b'{"ok": false, "error": "database_unavailable"}']
                start_response("200 OK", [("Content-Type", "application/json")])
                return [b'{"ok": true}']
            path = str(environ.get("PATH_INFO") or "")
            if path.startswith(CALENDAR_PREFIX):
                return calendar(environ, start_response)
            if is_guest_path(path):
                return guests(environ, start_response)
            if is_tracked_path(path):
                return tracked(environ, start_response)
            return slack(environ, start_response)

        return application


def build_slack_service(
    cobot: Cobot, *, token: str | None, signing_secret: str | None, oauth: SlackOAuthAccess | None = None
) -> SlackService:
    """Cobot on Slack with one bot token (``token``), or installed through OAuth (``oauth``, no token)."""
    client = build_client(cobot, token=token)
    profiles = SlackProfiles(cobot.settings.behaviour.profiles)
    install = None
    tokens = None
    if oauth is not None:
        installations = Installations(engine=cobot.engine, clock=cobot.clock)
        install = build_oauth(cobot, access=oauth, client=client, scopes=bot_scopes(), installations=installations)
        tokens = WorkspaceTokens(records=install.records)
    transport = SlackTransport(
        client=client,
        clock=cobot.clock,
        channel_interval=cobot.settings.behaviour.outbox.channel_interval_seconds,
        posts_per_minute=cobot.settings.behaviour.outbox.posts_per_minute,
        translators=cobot.translators,
        profiles=profiles,
        tokens=tokens,
    )
    sender = cobot.attach_sender({"slack": transport})
    return SlackService(
        cobot=cobot,
        bolt=build_bolt_app(cobot, client=client, signing_secret=signing_secret, profiles=profiles, oauth=install),
        sender=sender,
        signing_secret=signing_secret,
    )
