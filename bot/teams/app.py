"""Building the Teams side of Cobot: the SDK's adapter and Cobot's agent, the Bot Framework token check, the
outbox transport, and the aiohttp application that serves ``POST /api/messages`` (``cobot teams``).

Why a server of its own instead of a route in ``cobot serve``: the Agents SDK's hosting is aiohttp (asyncio),
while ``cobot serve`` is gunicorn with threaded WSGI workers for Bolt. Mounting one in the other would mean either
running an event loop inside every WSGI worker or Bolt inside aiohttp; two small processes on one database are
simpler and each is the shape its SDK documents. They share nothing but the database: each outbox sender only
claims its own platform's messages, and the follow-up scheduler is safe to run in both.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import warnings
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    AnonymousTokenProvider,
    ConnectionManager,
    Connections,
    TurnContext,
)

from bot.runtime import health
from bot.runtime.cobot import Cobot
from bot.runtime.config import TeamsAccess
from bot.runtime.metrics import CONTENT_TYPE as METRICS_CONTENT_TYPE
from bot.runtime.metrics import OutboxCollector, exposition, metrics
from bot.runtime.outbox import OutboxSender
from bot.runtime.scheduler import FollowUpScheduler
from bot.runtime.teams_directory import TeamsDirectory
from bot.teams.agent import PLATFORM, CobotAgent
from bot.teams.auth import BotFrameworkAuth, Unauthorized
from bot.teams.graph import GraphDirectory
from bot.teams.transport import TeamsConnector, TeamsTransport
from bot.web.guest import guest_aiohttp_routes
from bot.web.tracked import tracked_aiohttp_routes
from storage.trace import new_request_id, request_id

log = logging.getLogger(__name__)

MESSAGES_PATH = "/api/messages"
HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"
METRICS_PATH = "/metrics"
# Multi-tenant bot registrations get their tokens from the Bot Framework's own tenant.
BOT_FRAMEWORK_TENANT = "botframework.com"

UNAUTHENTICATED_WARNING = """\
!!! Cobot's Teams endpoint runs WITHOUT AUTHENTICATION (TEAMS_ALLOW_UNAUTHENTICATED=true) !!!
    Anyone who can reach {url} can act as any Teams user, and replies carry no token.
    This mode is for the Bot Framework Emulator and local tests only. Never expose it; in production set
    TEAMS_APP_ID and TEAMS_APP_PASSWORD and remove TEAMS_ALLOW_UNAUTHENTICATED."""


def connections_for(access: TeamsAccess, token_provider: AccessTokenProviderBase | None = None) -> Connections:
    """Where outgoing calls get their tokens: MSAL with the bot's app id and secret in production, nothing in the
    unauthenticated development mode, or a provider of the caller's choosing."""
    if token_provider is not None:
        config = AgentAuthConfiguration(client_id=access.app_id, tenant_id=access.tenant_id)
        return ConnectionManager(
            provider_factory=lambda _config: token_provider,
            connections_configurations={"SERVICE_CONNECTION": config},
        )
    if not access.authenticated:
        return ConnectionManager(
            provider_factory=lambda _config: AnonymousTokenProvider(),
            connections_configurations={"SERVICE_CONNECTION": AgentAuthConfiguration(anonymous_allowed=True)},
        )
    return MsalConnectionManager(
        connections_configurations={
            "SERVICE_CONNECTION": AgentAuthConfiguration(
                client_id=access.app_id,
                tenant_id=access.tenant_id or BOT_FRAMEWORK_TENANT,
                client_secret=access.password,
            )
        }
    )


@dataclass
class TeamsService:
    """Cobot on Teams: the core, the adapter and agent behind ``/api/messages``, the token check (None in the
    unauthenticated development mode), the outbox sender and the follow-up scheduler."""

    cobot: Cobot
    access: TeamsAccess
    adapter: CloudAdapter
    agent: CobotAgent
    auth: BotFrameworkAuth | None
    sender: OutboxSender
    connector: TeamsConnector
    scheduler: FollowUpScheduler | None = field(default=None)

    def start(self, *, with_scheduler: bool = True) -> TeamsService:
        self.sender.start()
        if with_scheduler:
            self.scheduler = FollowUpScheduler.started_for(self.cobot)
        return self

    def close(self) -> None:
        if self.scheduler is not None:
            self.scheduler.stop()
        self.cobot.close()
        self.connector.close()

    def web_app(self) -> web.Application:
        app = web.Application(client_max_size=1024**2)
        app.router.add_post(MESSAGES_PATH, self.messages)
        app.router.add_get(HEALTH_PATH, self.health)
        app.router.add_get(READY_PATH, self.ready)
        app.router.add_get(METRICS_PATH, self.metrics)
        guest_aiohttp_routes(app, self.cobot)  # /guest/<token>: a guest's page, as `cobot serve` has it
        tracked_aiohttp_routes(app, self.cobot)  # /r/<code>: a published piece's tracked link
        return app

    async def messages(self, request: web.Request) -> web.StreamResponse:
        """``POST /api/messages``: one activity, counted by type, tenant and outcome, with its answer time, and run
        under its request id (the activity's id), which the outbox rows it queues and the lines it logs carry."""
        facts = {"surface": "unparsed", "workspace": ""}
        started = time.perf_counter()
        named = request_id.set(None)
        try:
            response = await self._activity(request, facts)
        except Exception:
            _count(facts, 500, started)
            raise
        finally:
            request_id.reset(named)
        _count(facts, response.status, started)
        return response

    async def ready(self, request: web.Request) -> web.Response:
        readiness = await asyncio.to_thread(
            health.readiness, {"database": lambda: health.database_check(self.cobot.engine)}
        )
        return web.Response(status=readiness.status, body=readiness.body(), content_type="application/json")

    async def metrics(self, request: web.Request) -> web.Response:
        collector = OutboxCollector(self.cobot.engine, clock=self.cobot.clock)
        body = await asyncio.to_thread(exposition, (collector,))
        return web.Response(body=body, headers={"Content-Type": METRICS_CONTENT_TYPE})

    async def _activity(self, request: web.Request, facts: dict[str, str]) -> web.StreamResponse:
        """One activity from Teams, checked, then run by the agent."""
        # Checked in both modes: without authentication a body that is not an activity reached the SDK, which
        # failed on it with a 500 and a traceback.
        try:
            body = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            return web.json_response({"error": "not a JSON activity"}, status=400)
        problem = activity_problem(body)
        if problem is not None:
            log.warning("refused a body on %s: %s", MESSAGES_PATH, problem)
            return web.json_response({"error": "not a JSON activity"}, status=400)
        facts.update(surface=str(body["type"])[:40], workspace=_tenant_of(body))
        request_id.set(str(body.get("id") or "")[:64] or new_request_id())
        if self.auth is not None:
            try:
                identity = await self.auth.validate(request.headers.get("Authorization"), body)
            except Unauthorized as refusal:
                log.warning("refused an activity on %s: %s", MESSAGES_PATH, refusal)
                return web.json_response({"error": "unauthorized"}, status=401)
            with warnings.catch_warnings():
                # The SDK's aiohttp adapter reads the claims under this plain string key (its own middleware's).
                warnings.simplefilter("ignore", web.NotAppKeyWarning)
                request["claims_identity"] = identity
        if not _addressed(body):
            # Nothing Cobot can act on or answer in: Teams always names the conversation and the bot it writes to;
            # SDK test fixtures and tools may not. The SDK would refuse one without a conversation with a 400 and
            # fail on one without a recipient as it answers; either is a well-formed activity, so it is accepted
            # and left alone, as unhandled Slack requests are.
            log.debug("ignored a %s activity without a conversation or recipient", body["type"])
            return web.json_response(None) if body["type"] == "invoke" else web.Response(status=202)
        response = await self.adapter.process(request, self.agent)
        return response if response is not None else web.Response(status=202)

    async def health(self, request: web.Request) -> web.Response:
        mode = "authenticated" if self.access.authenticated else "UNAUTHENTICATED (development only)"
        return web.json_response({"ok": True, "teams": mode})


def _tenant_of(activity: dict[str, Any]) -> str:
    channel_data = activity.get("channelData") or {}
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    if isinstance(tenant, dict) and tenant.get("id"):
        return str(tenant["id"])[:64]
    return str((activity.get("conversation") or {}).get("tenantId") or "")[:64]


def _count(facts: dict[str, str], status: int, started: float) -> None:
    outcome = "ok" if status < 400 else "refused" if status < 500 else "error"
    found = metrics()
    found.requests.labels(
        platform="teams", surface=facts["surface"], outcome=outcome, workspace=facts["workspace"]
    ).inc()
    found.ack_seconds.labels(platform="teams", surface=facts["surface"]).observe(time.perf_counter() - started)


# Fields of an activity that the SDK reads as objects (Bot Framework's Activity schema).
_ACTIVITY_OBJECTS = ("from", "recipient", "conversation", "channelData", "relatesTo")
_ACTIVITY_TEXTS = ("type", "id", "serviceUrl", "channelId", "text", "name", "replyToId", "locale", "textFormat")


def activity_problem(body: object) -> str | None:
    """What makes ``body`` something other than a Bot Framework activity, or None when it is one."""
    if not isinstance(body, dict):
        return f"a JSON {type(body).__name__}, not an activity"
    if not isinstance(body.get("type"), str) or not body["type"]:
        return "an activity without a type"
    for key in _ACTIVITY_TEXTS:
        if body.get(key) is not None and not isinstance(body[key], str):
            return f"{key} is a {type(body[key]).__name__}, not text"
    for key in _ACTIVITY_OBJECTS:
        if body.get(key) is not None and not isinstance(body[key], dict):
            return f"{key} is a {type(body[key]).__name__}, not an object"
    for key in ("membersAdded", "membersRemoved", "attachments", "entities", "reactionsAdded", "reactionsRemoved"):
        value = body.get(key)
        if value is not None and not (isinstance(value, list) and all(isinstance(item, dict) for item in value)):
            return f"{key} is not a list of objects"
    return None


def _addressed(activity: dict[str, object]) -> bool:
    """Whether the activity names its conversation and its recipient (the bot), which answering it needs."""
    conversation, recipient = activity.get("conversation"), activity.get("recipient")
    return all(isinstance(part, dict) and bool(part.get("id")) for part in (conversation, recipient))


def build_teams_service(
    cobot: Cobot, access: TeamsAccess, *, token_provider: AccessTokenProviderBase | None = None
) -> TeamsService:
    teams = cobot.settings.behaviour.teams
    connections = connections_for(access, token_provider)
    adapter = CloudAdapter(connection_manager=connections)
    adapter.on_turn_error = _on_turn_error
    # Who and where Cobot knows on Teams: remembered by the agent, looked up by the outbox transport.
    directory = TeamsDirectory(engine=cobot.engine, clock=cobot.clock)
    agent = CobotAgent(cobot=cobot, directory=directory, bot_name=teams.app_name)
    connector = TeamsConnector(
        adapter=CloudAdapter(connection_manager=connections), app_id=access.app_id, authenticated=access.authenticated
    )
    transport = TeamsTransport(
        directory=directory,
        connector=connector,
        clock=cobot.clock,
        bot_name=teams.app_name,
        policy=cobot.policy,
        conversation_interval=cobot.settings.behaviour.outbox.channel_interval_seconds,
        translators=cobot.translators,
        graph=graph_directory(cobot, access),
    )
    sender = cobot.attach_sender({PLATFORM: transport})
    auth = (
        BotFrameworkAuth(app_id=access.app_id, metadata_url=access.openid_metadata_url)
        if access.authenticated
        else None
    )
    return TeamsService(
        cobot=cobot, access=access, adapter=adapter, agent=agent, auth=auth, sender=sender, connector=connector
    )


def graph_directory(cobot: Cobot, access: TeamsAccess) -> GraphDirectory | None:
    """Microsoft Graph for departments, when Cobot has credentials to ask it with (not in unauthenticated mode)."""
    if not access.authenticated or not access.password:
        return None
    env = cobot.settings.env
    return GraphDirectory(
        app_id=access.app_id, password=access.password, api_url=env.graph_api_url, login_url=env.graph_login_url
    )


async def _on_turn_error(context: TurnContext, error: Exception) -> None:
    # The agent answers its own errors; this only catches the SDK's (the default would post the exception text
    # into the chat).
    log.error("Teams turn failed in the SDK", exc_info=error)


def run_teams_server(service: TeamsService, *, host: str, port: int) -> None:
    """Serves ``/api/messages`` until interrupted (Ctrl-C or SIGTERM)."""
    url = f"http://{host}:{port}{MESSAGES_PATH}"
    if not service.access.authenticated:
        log.warning(UNAUTHENTICATED_WARNING.format(url=url))
        # Said once, loudly, above; the SDK would otherwise repeat "App ID is not provided" on every activity.
        logging.getLogger("microsoft_agents.hosting.core.connector.client.user_token_client").setLevel(logging.ERROR)
    log.info(
        "Cobot's Teams endpoint listening on %s (health: %s, %s; metrics: %s)",
        url,
        HEALTH_PATH,
        READY_PATH,
        METRICS_PATH,
    )

    async def started(_app: web.Application) -> None:
        service.start()

    async def stopped(_app: web.Application) -> None:
        service.close()

    app = service.web_app()
    app.on_startup.append(started)
    app.on_cleanup.append(stopped)
    web.run_app(app, host=host, port=port, print=None, access_log=None)
