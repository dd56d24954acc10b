"""``GET /r/<code>``: a published piece's tracked link on ``cobot serve`` (and ``cobot teams``). It answers 302 to the
piece with its UTM parameters and counts the reader (``handlers.tracking.follow_link``); a code that names no link
gets a polite 404 page.

The reader's address is the TCP peer's, or, with app.yaml's ``tracking.trust_forwarded_for`` behind a reverse
proxy, the last address in ``X-Forwarded-For`` (the one the proxy itself added: earlier ones are whatever the
client sent). It is only ever hashed. The redirect is never cached (``no-store``), so a reader's second visit comes
back here and is recognised as a repeat instead of vanishing into a browser cache.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, select_autoescape

from bot.runtime.cobot import Cobot
from bot.web.core import Router, SlidingWindow, WebRequest, WebResponse, html
from bot.web.text import PageText
from bot.web.wsgi import WSGIApp, wsgi_app
from handlers import texts, tracking

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

PREFIX = "/r"
# Clicks counted per client address and minute in this process; beyond it readers are still sent on, uncounted,
# so one script cannot inflate a piece's figures (it can still pose as new readers, which no counter can tell).
COUNTED_PER_MINUTE_PER_ADDRESS = 30


def is_tracked_path(path: str) -> bool:
    return path.startswith(PREFIX + "/")


def tracked_wsgi_app(cobot: Cobot) -> WSGIApp:
    """The tracked links as a WSGI app, for ``cobot serve`` to mount by path (``is_tracked_path``)."""
    return wsgi_app(TrackedLinks(cobot), max_body=0)


def tracked_aiohttp_routes(app: web.Application, cobot: Cobot) -> None:
    """Adds the tracked links to an aiohttp app (``cobot teams``)."""
    from bot.web.aio import aiohttp_handler

    app.router.add_route("*", PREFIX + "/{tail:.*}", aiohttp_handler(TrackedLinks(cobot), max_body=0))


class TrackedLinks:
    def __init__(self, cobot: Cobot) -> None:
        self.cobot = cobot
        self.trust_forwarded_for = cobot.settings.behaviour.tracking.trust_forwarded_for
        self.per_address = SlidingWindow(limit=COUNTED_PER_MINUTE_PER_ADDRESS)
        self.templates = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
        )
        self.router = Router(prefix=PREFIX, not_found=self.not_found)
        self.router.add("GET", rf"{PREFIX}/(?P<code>{tracking.CODE_PATTERN})", self._follow)
        self._secret: bytes | None = None
        self._secret_lock = threading.Lock()

    def __call__(self, request: WebRequest) -> WebResponse:
        return self.router(request)

    def client_of(self, request: WebRequest) -> str:
        if self.trust_forwarded_for:
            forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",")]
            if forwarded and forwarded[-1]:
                return forwarded[-1]
        return request.client

    def secret(self) -> bytes:
        with self._secret_lock:
            if self._secret is None:
                configured = self.cobot.settings.env.cobot_tracking_secret
                with self.cobot.transaction() as session:
                    self._secret = tracking.tracking_secret(
                        session,
                        configured=configured.get_secret_value() if configured is not None else None,
                        now=self.cobot.clock(),
                    )
            return self._secret

    def _follow(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        client = self.client_of(request)
        user_agent = request.headers.get("user-agent", "")
        counting = request.method == "GET" and tracking.is_reader(user_agent)
        secret = self.secret()
        with self.cobot.transaction() as session:
            followed = tracking.follow_link(
                session,
                code=groups["code"],
                method=request.method,
                client=client,
                user_agent=user_agent,
                now=self.cobot.clock(),
                timezone=self.cobot.policy.timezone,
                secret=secret,
                may_count=not counting or self.per_address.allow(client or "unknown"),
            )
        if followed is None:
            return self.not_found(request)
        return WebResponse(
            302, b"", [("Location", followed.target_url), ("Cache-Control", "no-store"), ("X-Robots-Tag", "noindex")]
        )

    def not_found(self, request: WebRequest) -> WebResponse:
        language = self.cobot.policy.default_language
        say = PageText(
            translate=self.cobot.translators(language), language=language, timezone=self.cobot.policy.timezone
        )
        page = self.templates.get_template("message.html").render(
            texts=texts,
            say=say,
            language=language,
            title=texts.TRACKED_NOT_FOUND_TITLE,
            text=say(texts.TRACKED_NOT_FOUND),
            back=None,
        )
        return html(page, status=404)
