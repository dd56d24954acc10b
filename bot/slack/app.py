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
import time
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.error import BoltUnhandledRequestError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.exports.ics import PATH_PREFIX as CALENDAR_PREFIX
from bot.exports.ics import calendar_app
from bot.runtime import health
from bot.runtime.cobot import Cobot
from bot.runtime.config import SlackOAuthAccess
from bot.runtime.installations import Installations
from bot.runtime.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.runtime.metrics import OutboxCollector, exposition, metrics
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
from storage.trace import new_request_id, request_id

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH, READY_PATH, METRICS_PATH = "/healthz", "/readyz", "/metrics"
# Slack's answers to auth.test that mean the token itself is wrong, not that Slack is having a bad moment.
TOKEN_REJECTED = ("invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "no_permission")

# What the request in hand turned out to be (filled by ``observe_request`` and the error handler, read by the WSGI
# wrapper that counts it): Bolt runs every listener in the request's own thread (process_before_response).
_request_facts: ContextVar[dict[str, str] | None] = ContextVar("cobot_slack_request", default=None)
_UNUSED_TOKEN = "`token` will be unused"


class _DropUnusedTokenWarning(logging.Filter):
    """Bolt warns that ``SLACK_BOT_TOKEN`` "will be unused" on every start, because Cobot hands it a client made with
    that very token: true, and nothing to act on."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _UNUSED_TOKEN not in record.getMessage()


def surface_of(body: dict[str, Any]) -> str:
    """Which of Slack's surfaces a request came from, for the metrics."""
    if body.get("command"):
        return "command"
    kind = str(body.get("type") or "")
    return {
        "event_callback": "event",
        "block_actions": "action",
        "interactive_message": "action",
        "view_submission": "view",
        "view_closed": "view",
        "shortcut": "shortcut",
        "message_action": "shortcut",
        "block_suggestion": "options",
        "dialog_suggestion": "options",
        "url_verification": "url_verification",
    }.get(kind, "other")


def observe_request(body: dict[str, Any], next: Callable[[], None]) -> None:
    """Bolt middleware: names the request (Slack's ``event_id`` for an event, a new id for anything else) for the
    logs and the outbox rows it queues, and notes its surface and workspace for the metrics."""
    facts = _request_facts.get()
    rid = str(body.get("event_id") or "") or new_request_id()
    team = body.get("team_id") or body.get("enterprise_id") or ""
    if not team and isinstance(body.get("team"), dict):
        team = body["team"].get("id") or ""
    if facts is not None:
        facts.update(surface=surface_of(body), workspace=str(team), request_id=rid)
    # Left set: Bolt runs the listeners after the middleware has returned (``next`` only lets it go on). The WSGI
    # wrapper (``counted``) restores the thread's previous value once the request is answered; in Socket Mode the
    # next request sets its own.
    request_id.set(rid)
    next()


def _note_outcome(outcome: str) -> None:
    facts = _request_facts.get()
    if facts is not None:
        facts["outcome"] = outcome


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("cobot.bolt")
    if not any(isinstance(existing, _DropUnusedTokenWarning) for existing in logger.filters):
        logger.addFilter(_DropUnusedTokenWarning())
    return logger


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
        logger=_bolt_logger(),
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

    app.use(observe_request)
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
        _note_outcome("database_unavailable")
        logger.error("error %s while handling %s: the database does not answer (%s)", error_id, kind, error)
        message = render(t(texts.DATABASE_UNAVAILABLE))
    else:
        _note_outcome("error")
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
    # What Slack said of the bot token (``check_token``): ``ok``, or why not; None until asked.
    token_status: str | None = None

    def start(self, *, with_scheduler: bool = True) -> SlackService:
        self.sender.start()
        if with_scheduler:
            self.scheduler = FollowUpScheduler.started_for(self.cobot)
        if self.cobot.has_inactive_workspaces(platform=PLATFORM):
            # In the background: a slow or unreachable Slack must not hold up the start.
            threading.Thread(target=self.token_works, name="slack-token-check", daemon=True).start()
        return self

    def check_token(self) -> str:
        """Asks Slack once whether the bot token works (``auth.test``) and remembers the answer for ``/readyz``: a
        token Slack rejects stays rejected until it is replaced, which needs a restart; a Slack that did not
        answer is asked again next time."""
        if self.token_status is not None:
            return self.token_status
        if self.bolt.client.token is None:
            # Installs through OAuth: no one token to check; each installation's is checked as it is used.
            return health.OK
        status = token_status(self.bolt.client)
        if not status.startswith(health.UNVERIFIED):
            self.token_status = status
        return status

    def readiness(self) -> health.Readiness:
        return health.readiness(
            {"database": lambda: health.database_check(self.cobot.engine), "slack_token": self.check_token}
        )

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

        outbox = OutboxCollector(self.cobot.engine, clock=self.cobot.clock)

        def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            path = str(environ.get("PATH_INFO") or "")
            if path in OPERATIONS_PATHS and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
                return operations(path, start_response, ready=self.readiness, collectors=(outbox,))
            if path.startswith(CALENDAR_PREFIX):
                return calendar(environ, start_response)
            if is_guest_path(path):
                return guests(environ, start_response)
            if is_tracked_path(path):
                return tracked(environ, start_response)
            return counted(slack, environ, start_response)

        return application


OPERATIONS_PATHS = (HEALTH_PATH, READY_PATH, METRICS_PATH)


def operations(
    path: str,
    start_response: Callable[..., Any],
    *,
    ready: Callable[[], health.Readiness] | None,
    collectors: Iterable[OutboxCollector] = (),
) -> Iterable[bytes]:
    """``/healthz`` (the process answers), ``/readyz`` (``ready`` says; without it, not connected to Slack) and
    ``/metrics``."""
    if path == METRICS_PATH:
        body = exposition(collectors)
        start_response("200 OK", [("Content-Type", METRICS_CONTENT_TYPE), ("Content-Length", str(len(body)))])
        return [body]
    if path == HEALTH_PATH:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [health.HEALTHY]
    readiness = ready() if ready is not None else health.Readiness({"slack": "not connected: set SLACK_BOT_TOKEN"})
    status = "200 OK" if readiness.ready else "503 Service Unavailable"
    start_response(status, [("Content-Type", "application/json")])
    return [readiness.body()]


def counted(
    slack: Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]],
    environ: dict[str, Any],
    start_response: Callable[..., Any],
) -> Iterable[bytes]:
    """Runs a request to Slack's endpoint and counts it: by surface, workspace and outcome, with its answer time."""
    facts: dict[str, str] = {}
    statuses: list[str] = []

    def noting_start_response(status: str, headers: list[tuple[str, str]], *rest: Any) -> Any:
        statuses.append(status)
        return start_response(status, headers, *rest)

    token = _request_facts.set(facts)
    named = request_id.set(None)
    started = time.perf_counter()
    try:
        body = list(slack(environ, noting_start_response))
    finally:
        request_id.reset(named)
        _request_facts.reset(token)
    took = time.perf_counter() - started
    code = int(statuses[0].split()[0]) if statuses else 500
    outcome = facts.get("outcome") or ("ok" if code < 400 else "refused" if code < 500 else "error")
    surface = facts.get("surface", "unsigned" if code in (401, 403) else "other")
    found = metrics()
    found.requests.labels(
        platform="slack", surface=surface, outcome=outcome, workspace=facts.get("workspace", "")
    ).inc()
    found.ack_seconds.labels(platform="slack", surface=surface).observe(took)
    return body


def token_status(client: WebClient) -> str:
    """``ok`` when Slack accepts the client's token (``auth.test``); otherwise what Slack said, or that it did not
    answer (``health.UNVERIFIED``)."""
    try:
        client.auth_test()
    except SlackApiError as error:
        code = str(error.response.get("error") or error.response.status_code)
        if code in TOKEN_REJECTED:
            return f"rejected by Slack ({code}): set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…)"
        return f"{health.UNVERIFIED}: Slack answered {code}"
    except Exception as error:  # a network failure: not the token's fault
        return f"{health.UNVERIFIED}: Slack did not answer ({type(error).__name__})"
    return health.OK


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
