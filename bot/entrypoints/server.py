"""``cobot serve``: the WSGI app under gunicorn (threaded workers that read a request whole before a thread takes
it, ``bot.entrypoints.worker``), one Cobot per worker process.

Each worker builds its own engine and outbox sender after the fork (``load`` runs in the worker), so no database
connection crosses a fork; the database rows' claims keep several senders from sending anything twice.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from bot.entrypoints.startup import check_slack_token
from bot.runtime import metrics
from bot.runtime.cobot import create_app
from bot.runtime.config import Settings, SlackOAuthAccess
from bot.slack.app import EVENTS_PATH, HEALTH_PATH, METRICS_PATH, READY_PATH, build_slack_service, operations
from bot.slack.oauth import INSTALL_PATH
from bot.web.guest import guest_wsgi_app, is_guest_path
from bot.web.tracked import is_tracked_path, tracked_wsgi_app
from storage.db import make_engine
from storage.migrate import upgrade_to_head

log = logging.getLogger("cobot.server")


NOT_CONNECTED = """\
Cobot is running on http://{host}:{port} with its database ready, but it is not connected to Slack yet:
  1. cobot manifest --url https://<your public URL>/slack/events > manifest.yaml
     and create the app from that manifest at https://api.slack.com/apps ("From an app manifest").
  2. Install it to your workspace, then set SLACK_BOT_TOKEN (xoxb-…) and SLACK_SIGNING_SECRET in the environment.
  3. Start Cobot again: cobot serve. No public URL? Use Socket Mode: cobot manifest --socket, then cobot socket."""


WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def not_connected(guests: WSGIApp | None, tracked: WSGIApp | None = None) -> WSGIApp:
    """``not_connected_app`` that also serves the guests' pages and the tracked links: guests and readers need no
    Slack, only the database."""

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = str(environ.get("PATH_INFO") or "")
        if guests is not None and is_guest_path(path):
            return guests(environ, start_response)
        if tracked is not None and is_tracked_path(path):
            return tracked(environ, start_response)
        return not_connected_app(environ, start_response)

    return application


def not_connected_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """``/healthz`` passes and ``/readyz`` says Slack is not connected; Slack's endpoint explains that the Slack
    secrets are missing."""
    path = environ.get("PATH_INFO")
    if path == HEALTH_PATH:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b'{"ok": true, "slack": "not connected"}']
    if path in (READY_PATH, METRICS_PATH):
        return operations(str(path), start_response, ready=None)
    start_response("503 Service Unavailable", [("Content-Type", "application/json")])
    return [b'{"ok": false, "error": "not_connected", "missing": ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]}']


class CobotServer(BaseApplication):  # type: ignore[misc]
    def __init__(
        self,
        settings: Settings,
        *,
        token: str | None,
        signing_secret: str | None,
        options: dict[str, Any],
        oauth: SlackOAuthAccess | None = None,
        token_checked: bool = False,
    ) -> None:
        self.settings = settings
        self.token = token
        self.oauth = oauth
        self.token_checked = token_checked  # the arbiter's auth.test accepted it: workers need not ask again
        self.signing_secret = signing_secret
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        if self.oauth is not None:
            service = build_slack_service(
                create_app(self.settings), token=None, signing_secret=self.oauth.signing_secret, oauth=self.oauth
            ).start()
        elif self.token is None or self.signing_secret is None:
            # No Slack yet, but guests' links (and the owner's downloads of their files) still work.
            cobot = create_app(self.settings)
            return not_connected(guest_wsgi_app(cobot), tracked_wsgi_app(cobot))
        else:
            service = build_slack_service(
                create_app(self.settings), token=self.token, signing_secret=self.signing_secret
            )
            if self.token_checked:
                service.token_status = "ok"
            service.start()
        # Everything built so far lives as long as the worker: kept out of the garbage collector's full passes,
        # which otherwise scanned it all (about 50 ms with every thread of the worker stopped, several times a
        # minute under load: the slowest 1 % of acknowledgements, bench/bench_serve.py).
        gc.freeze()
        return service.wsgi()


def serve(
    settings: Settings,
    *,
    token: str | None,
    signing_secret: str | None,
    host: str,
    port: int,
    workers: int,
    threads: int,
    oauth: SlackOAuthAccess | None = None,
) -> int:
    engine = make_engine(settings.env.database_url)  # migrations: the default, longer statement timeout
    try:
        upgrade_to_head(engine)
    finally:
        engine.dispose()
    if token is not None:
        identity = check_slack_token(token, api_url=settings.env.slack_api_url)  # a wrong token stops the start
        log.info("Slack accepts the bot token: workspace %s (%s)", identity.team or "?", identity.team_id)
    own_metrics_dir = None
    if not metrics.multiprocess():
        # Every worker counts into files here, so that any worker's /metrics reports all of them.
        own_metrics_dir = tempfile.mkdtemp(prefix="cobot-metrics-")
    metrics.use_multiprocess_dir(Path(own_metrics_dir or os.environ[metrics.MULTIPROC_ENV]))
    if oauth is not None:
        log.info("Slack installs through OAuth: Add to Slack at http://%s:%d%s", host, port, INSTALL_PATH)
    elif token is None:
        log.warning(NOT_CONNECTED.format(host=host, port=port))
    if settings.teams_configured:
        log.info("Teams settings found: Teams is served by its own process, `cobot teams` (README, 'Microsoft Teams')")
    log.info(
        "Cobot listening on http://%s:%d%s (health: /healthz, /readyz; metrics: /metrics), %d workers × %d threads",
        host,
        port,
        EVENTS_PATH,
        workers,
        threads,
    )
    try:
        _run(
            settings,
            token=token,
            signing_secret=signing_secret,
            oauth=oauth,
            bind=f"{host}:{port}",
            workers=workers,
            threads=threads,
        )
    finally:
        if own_metrics_dir is not None:
            shutil.rmtree(own_metrics_dir, ignore_errors=True)
    return 0


class CobotLogger(glogging.Logger):  # type: ignore[misc]
    """gunicorn's logger, writing through Cobot's own handler: one format (LOG_FORMAT) and no secrets."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for logger in (self.error_log, self.access_log):
            for handler in list(logger.handlers):
                logger.removeHandler(handler)
            logger.propagate = True


def _child_exit(_server: Any, worker: Any) -> None:
    metrics.mark_worker_dead(worker.pid)


def _run(
    settings: Settings,
    *,
    token: str | None,
    signing_secret: str | None,
    oauth: SlackOAuthAccess | None,
    bind: str,
    workers: int,
    threads: int,
) -> None:
    CobotServer(
        settings,
        token=token,
        signing_secret=signing_secret,
        oauth=oauth,
        token_checked=token is not None,
        options={
            "bind": bind,
            "workers": workers,
            "threads": threads,
            "worker_class": "bot.entrypoints.worker.BufferingThreadWorker",  # gthread; slow clients hold no thread
            "timeout": 30,
            "graceful_timeout": 10,
            "accesslog": None,
            "loglevel": "info",
            "logger_class": CobotLogger,
            "child_exit": _child_exit,
        },
    ).run()
