"""The guest's web page: ``/guest/<token>`` and its forms, and the owner's download of a guest's file. Built on the
neutral core (``bot.web.core``), served by ``cobot serve`` (WSGI) and ``cobot teams`` (aiohttp) alike.

Routes (``GuestPages.router``):
  GET  /guest/<token>                   the page (``?done=<what>`` says what the last form did)
  POST /guest/<token>/<action>          accept, decline, withdraw, text, link, file, more-time, settings
  GET  /guest/files/<download token>    a guest's file, for the owner (attachment, nosniff)
  GET  /guest/static/page.css           the page's only stylesheet

How it keeps guests safe:
- A wrong, expired or revoked token gets the same page, with 404, whatever exists behind it
  (``handlers.guests.resolve_link`` answers None alike).
- Every form carries a token that is HMAC-SHA256 over the link's id and the form's name, keyed with a random
  secret of that link (``guest_link.form_secret``, made when the page is first shown, kept in the database, never in
  a file or the environment); a post without the right one changes nothing and gets 403. No cookie is needed, so
  the page works with cookies and JavaScript off.
- Each request is counted per link and per client address (``guests.page`` in app.yaml) before anything is read
  from or written to the database; past the limit the answer is 429 and nothing changes.
- Every answer carries the core's strict Content-Security-Policy, no framing, nosniff and no Referer.
- Templates are Jinja2 with autoescaping on; what a person typed (title, brief, drafts, feedback, file names) is
  only ever text.

Extending it: a form on the page is ``pages.add_form(name, action, done=texts.X)`` (its form token, route and
POST-redirect-GET come with it; add the ``<form>`` to ``page.html`` with ``token(name)``). A route that is no page
form, such as the e-mail's one-click unsubscribe (RFC 8058: the mail client posts without any form token, and the
token in the URL is the authority), is ``pages.router.add("POST", rf"/guest/{TOKEN_PATTERN}/unsubscribe", handler)``
with ``handler(request, groups) -> WebResponse`` using ``pages.as_guest(groups["token"], fn)``, which runs ``fn(ctx,
link)`` as the guest in one transaction, or raises ``NotFound`` for a token that opens nothing (answer it with
``pages.not_found(request)``).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Mapping
from importlib.resources import files
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jinja2 import Environment, PackageLoader, select_autoescape
from sqlmodel import Session

from bot.runtime.cobot import Cobot
from bot.web.core import (
    Form,
    Router,
    SlidingWindow,
    WebRequest,
    WebResponse,
    html,
    redirect,
)
from bot.web.text import PageText
from bot.web.wsgi import WSGIApp, wsgi_app
from handlers import guest_page, texts
from handlers.context import Ctx
from handlers.drafts import DRAFT_TEXT_LIMIT
from handlers.erasure import erase_myself
from handlers.guest_files import KINDS
from handlers.guests import STOP_REMINDERS_SUFFIX, live_link, resolve_link, stop_reminders
from handlers.results import Reply, Text, UserFacingError
from storage import queries
from storage.db import reader
from storage.models import ContentRequest, GuestLink, Member, Workspace

if TYPE_CHECKING:
    from aiohttp import web

log = logging.getLogger(__name__)

PREFIX = "/guest"
TOKEN_PATTERN = r"(?P<token>[A-Za-z0-9_\-]{1,200})"
# A form's action: runs as the guest, in the transaction that resolved their link; a ``UserFacingError`` it raises
# rolls everything back and is shown on the page instead. What it returns is not used.
FormAction = Callable[[Ctx, GuestLink, Form], object]
FORM_OVERHEAD = 256 * 1024  # what a multipart body holds besides the file: boundaries, headers, the other fields
LANGUAGE_NAMES = {"en": "English", "da": "Dansk"}
T = TypeVar("T")


def guest_page_url(public_url: str, token: str) -> str:
    """The address of a guest's page, as their e-mail gives it: ``{PUBLIC_URL}/guest/<token>``."""
    return public_url.rstrip("/") + guest_path(token)


def guest_path(token: str) -> str:
    return f"{PREFIX}/{token}"


def is_guest_path(path: str) -> bool:
    """Whether a server should hand ``path`` to the guest pages (everything under ``/guest/``)."""
    return path == PREFIX or path.startswith(PREFIX + "/")


def guest_wsgi_app(cobot: Cobot) -> WSGIApp:
    """The guest pages as a WSGI app, for ``cobot serve`` to mount by path (``is_guest_path``)."""
    pages = GuestPages(cobot)
    return wsgi_app(pages, max_body=pages.max_body)


def guest_aiohttp_routes(app: web.Application, cobot: Cobot) -> None:
    """Adds the guest pages to an aiohttp app (``cobot teams``)."""
    from bot.web.aio import aiohttp_handler  # aiohttp only where it serves: `cobot serve` never loads it

    pages = GuestPages(cobot)
    handle = aiohttp_handler(pages, max_body=pages.max_body)
    app.router.add_route("*", PREFIX, handle)
    app.router.add_route("*", PREFIX + "/{tail:.*}", handle)


class NotFound(Exception):
    """The token opens nothing: the caller answers with the one not-found page."""


class _Forbidden(Exception):
    """A form without its right form token."""


class GuestPages:
    """The guest's page for one Cobot (its engine, policy, clock and translations)."""

    def __init__(self, cobot: Cobot) -> None:
        self.cobot = cobot
        settings = cobot.settings.behaviour.guests
        self.rules = guest_page.UploadRules(max_bytes=settings.uploads.max_bytes, types=tuple(settings.uploads.types))
        self.max_body = self.rules.max_bytes + FORM_OVERHEAD
        self.per_link = SlidingWindow(limit=settings.page.requests_per_minute_per_link)
        self.per_address = SlidingWindow(limit=settings.page.requests_per_minute_per_address)
        self.templates = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.stylesheet = files("bot.web").joinpath("static/page.css").read_bytes()
        self.router = Router(prefix=PREFIX, not_found=self.not_found)
        self.router.add("GET", r"/guest/static/page\.css", self._css)
        self.router.add("GET", r"/guest/files/(?P<download>[A-Za-z0-9_\-]{1,200})", self._download)
        self.router.add("GET", rf"/guest/{TOKEN_PATTERN}", self._page)
        # The e-mails' one-click stop for reminders (RFC 8058): a mail client posts it without any form token, so
        # the link's token is the authority, as it is for the page. A GET only asks: mail scanners open links.
        self.router.add("GET", rf"/guest/{TOKEN_PATTERN}{STOP_REMINDERS_SUFFIX}", self._ask_stop_reminders)
        self.router.add("POST", rf"/guest/{TOKEN_PATTERN}{STOP_REMINDERS_SUFFIX}", self._stop_reminders)
        self.forms: dict[str, FormAction] = {}
        self.done: dict[str, str] = {}  # ``?done=<form>`` → the message id shown after that form
        pages = guest_page
        self.add_form(
            "accept", lambda ctx, link, form: pages.accept_invitation(ctx, link=link), done=texts.PAGE_DONE_ACCEPTED
        )
        self.add_form(
            "decline", lambda ctx, link, form: pages.decline_invitation(ctx, link=link), done=texts.PAGE_DONE_DECLINED
        )
        self.add_form(
            "withdraw", lambda ctx, link, form: pages.step_back(ctx, link=link), done=texts.PAGE_DONE_WITHDRAWN
        )
        self.add_form(
            "text",
            lambda ctx, link, form: pages.hand_in_text(ctx, link=link, text=form.get("text")),
            done=texts.PAGE_DONE_DRAFT,
        )
        self.add_form(
            "link",
            lambda ctx, link, form: pages.hand_in_link(ctx, link=link, url=form.get("link")),
            done=texts.PAGE_DONE_DRAFT,
        )
        self.add_form("file", self._hand_in_file, done=texts.PAGE_DONE_DRAFT)
        self.add_form(
            "more-time",
            lambda ctx, link, form: pages.ask_more_time(ctx, link=link, proposed=form.get("date")),
            done=texts.PAGE_DONE_MORE_TIME,
        )
        self.add_form(
            "signoff",
            lambda ctx, link, form: pages.sign_off_on_page(
                ctx,
                link=link,
                draft_id=form.get("draft"),
                content_hash=form.get("hash"),
                byline=form.get("byline"),
                bio=form.get("bio"),
                places=form.get_all("places"),
            ),
            done=texts.PAGE_DONE_SIGNED_OFF,
        )
        self.add_form(
            "withdraw-consent",
            lambda ctx, link, form: pages.withdraw_consent_on_page(ctx, link=link),
            done=texts.PAGE_DONE_CONSENT_WITHDRAWN,
        )
        # Erasing ends the link itself, so its answer is a page of its own, not the page it would redirect to.
        self.forms["erase"] = lambda ctx, link, form: erase_myself(ctx)
        self.router.add("POST", rf"/guest/{TOKEN_PATTERN}/erase", self._erase)
        self.add_form(
            "settings",
            lambda ctx, link, form: pages.choose_settings(
                ctx, link=link, language=form.get("language"), timezone=form.get("timezone")
            ),
            done=texts.PAGE_DONE_SETTINGS,
        )

    def add_form(self, name: str, action: FormAction, *, done: str) -> None:
        """A form the page posts to ``/guest/<token>/<name>``. Its form token is checked before ``action`` runs;
        the answer is POST-redirect-GET to ``/guest/<token>?done=<name>``, which shows the text ``done`` (a message
        id; ``{version}`` and ``{owner}`` are filled in); the template finds the form's token as ``forms[name]``."""
        self.forms[name] = action
        self.done[name] = done
        self.router.add("POST", rf"/guest/{TOKEN_PATTERN}/(?P<action>{re.escape(name)})", self._post)

    def __call__(self, request: WebRequest) -> WebResponse:
        return self.router(request)

    # --- plumbing -------------------------------------------------------------------------------------------------

    def _limited(self, request: WebRequest, key: str | None) -> WebResponse | None:
        """429 when this client address or this link asked too often in the last minute; None to go on."""
        if not self.per_address.allow(request.client or "unknown") or (
            key is not None and not self.per_link.allow(hashlib.sha256(key.encode()).hexdigest())
        ):
            response = self._message(texts.PAGE_TOO_MANY, status=429, language=self.cobot.policy.default_language)
            response.headers.append(("Retry-After", "60"))
            return response
        return None

    def as_guest(self, token: str, action: Callable[[Ctx, GuestLink], T]) -> T:
        """Runs ``action`` as the guest whose link ``token`` is, in one transaction; ``NotFound`` when it opens
        nothing. Anything the action raises rolls everything back."""
        policy = self.cobot.policy
        with self.cobot.transaction() as session:
            link = resolve_link(session, token, self.cobot.clock(), open_within_days=policy.guest_open_within_days)
            if link is None:
                raise NotFound
            workspace = session.get(Workspace, link.workspace_id)
            member = session.get(Member, link.member_id)
            if workspace is None or member is None or not member.is_guest:
                raise NotFound
            ctx = Ctx(session=session, workspace=workspace, policy=policy, now=self.cobot.clock(), actor=member)
            return action(ctx, link)

    def _say(self, language: str, timezone: ZoneInfo, names: Mapping[str, str] | None = None) -> PageText:
        return PageText(translate=self.cobot.translators(language), language=language, timezone=timezone, names=names)

    def _render(self, template: str, *, status: int = 200, **values: Any) -> WebResponse:
        return html(self.templates.get_template(template).render(texts=texts, **values), status=status)

    def _message(self, text: str, *, status: int, language: str, back: str | None = None, **params: Any) -> WebResponse:
        say = self._say(language, self.cobot.policy.timezone)
        title = texts.PAGE_NOT_FOUND_TITLE if status == 404 else None
        return self._render(
            "message.html", status=status, say=say, language=language, title=title, text=say(text, **params), back=back
        )

    def not_found(self, request: WebRequest) -> WebResponse:
        # The one answer for every token that opens nothing, and for any path under /guest that is no route.
        return self._message(texts.PAGE_NOT_FOUND, status=404, language=self.cobot.policy.default_language)

    @staticmethod
    def form_token(link: GuestLink, form: str) -> str:
        assert link.id is not None
        assert link.form_secret is not None
        return hmac.new(link.form_secret.encode(), f"{link.id}:{form}".encode(), hashlib.sha256).hexdigest()

    # --- routes ---------------------------------------------------------------------------------------------------

    def _css(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        return WebResponse(
            200,
            self.stylesheet,
            [("Content-Type", "text/css; charset=utf-8"), ("Cache-Control", "public, max-age=3600")],
        )

    def _page(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        token = groups["token"]
        limited = self._limited(request, token)
        if limited is not None:
            return limited
        done = self.done.get(request.query.get("done", ""))
        try:
            return self.as_guest(token, lambda ctx, link: self._show(ctx, link, token=token, done=done))
        except NotFound:
            return self.not_found(request)

    def _show(
        self,
        ctx: Ctx,
        link: GuestLink,
        *,
        token: str,
        done: str | None = None,
        problem: Text | None = None,
        status: int = 200,
        kept: Mapping[str, str] | None = None,
    ) -> WebResponse:
        if link.form_secret is None:
            link.form_secret = secrets.token_hex(32)
            ctx.session.add(link)
        view = guest_page.guest_page(ctx, link=link)
        try:
            zone = ZoneInfo(view.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = ctx.policy.timezone
        say = self._say(view.language, zone, names={view.owner_user_id: view.owner_name})
        done_text = None
        if done is not None:
            latest = view.versions[-1].version if view.versions else 1
            done_text = say(done, version=latest, owner=view.owner_name)
        forms = {name: self.form_token(link, name) for name in self.forms}
        return self._render(
            "page.html",
            status=status,
            say=say,
            view=view,
            language=view.language,
            base=guest_path(token),
            forms=forms,
            done=done_text,
            problem=say(problem) if problem is not None else None,
            kept=kept or {},
            deadline=say.day(view.deadline),
            pending=say.day(view.pending_extension) if view.pending_extension else None,
            today=ctx.today().isoformat(),
            text_limit=DRAFT_TEXT_LIMIT,
            types=guest_page.allowed_types(self.rules),
            accept=",".join(KINDS[kind][1] for kind in self.rules.types),
            max_mb=self.rules.max_megabytes,
            languages=[(code, LANGUAGE_NAMES.get(code, code)) for code in ctx.policy.languages],
            zones=guest_page.timezone_choices(),
            signoff=guest_page.signoff_on_page(ctx, link=link),
        )

    def _post(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        token, action = groups["token"], groups["action"]
        limited = self._limited(request, token)
        if limited is not None:
            return limited
        if request.body_too_large:
            return self._message(
                texts.PAGE_TOO_LARGE,
                status=413,
                language=self.cobot.policy.default_language,
                back=guest_path(token),
                limit=self.rules.max_megabytes,
            )
        form = request.form()
        kept = {name: form.get(name) for name in ("text", "link", "date", "byline", "bio") if form.get(name)}
        try:
            self.as_guest(token, lambda ctx, link: self._act(ctx, link, action=action, form=form))
        except NotFound:
            return self.not_found(request)
        except _Forbidden:
            language = self._guest_language(token)
            return self._message(texts.PAGE_FORM_EXPIRED, status=403, language=language, back=guest_path(token))
        except UserFacingError as refusal:
            # Everything the action wrote was rolled back; the page shows what was wrong, with what was typed kept.
            problem = refusal.text
            try:
                return self.as_guest(
                    token,
                    lambda ctx, link: self._show(ctx, link, token=token, problem=problem, status=400, kept=kept),
                )
            except NotFound:
                return self.not_found(request)
        self.cobot.wake_sender()
        return redirect(f"{guest_path(token)}?done={action}")

    def _ask_stop_reminders(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        token = groups["token"]
        limited = self._limited(request, token)
        if limited is not None:
            return limited
        with self.cobot.transaction() as session:
            found = self._stop_reminders_page(session, token)
        if found is None:
            return self.not_found(request)
        language, title, _ = found
        say = self._say(language, self.cobot.policy.timezone)
        return self._render(
            "unsubscribe.html",
            say=say,
            language=language,
            title=title,
            action=guest_path(token) + STOP_REMINDERS_SUFFIX,
        )

    def _stop_reminders(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        token = groups["token"]
        limited = self._limited(request, token)
        if limited is not None:
            return limited
        with self.cobot.transaction() as session:
            found = self._stop_reminders_page(session, token)
            if found is None:
                return self.not_found(request)
            language, title, link = found
            stop_reminders(session, link, self.cobot.clock())
        return self._message(
            texts.PAGE_REMINDERS_STOPPED, status=200, language=language, back=guest_path(token), title=title
        )

    def _stop_reminders_page(self, session: Session, token: str) -> tuple[str, str, GuestLink] | None:
        """The language of a live link's guest, its request's title and the link; None for a token that opens
        nothing."""
        link = live_link(session, token, self.cobot.clock())
        if link is None:
            return None
        member = session.get(Member, link.member_id)
        request = session.get(ContentRequest, link.request_id)
        if member is None or request is None:
            return None
        return self.cobot.policy.language_of(member), request.title, link

    def _erase(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        token = groups["token"]
        limited = self._limited(request, token)
        if limited is not None:
            return limited
        form = request.form()
        language = self._guest_language(token)
        try:
            reply = self.as_guest(token, lambda ctx, link: self._act(ctx, link, action="erase", form=form))
        except NotFound:
            return self.not_found(request)
        except _Forbidden:
            return self._message(texts.PAGE_FORM_EXPIRED, status=403, language=language, back=guest_path(token))
        except UserFacingError as refusal:
            say = self._say(language, self.cobot.policy.timezone)
            return self._render(
                "message.html", status=400, say=say, language=language, title=None, text=say(refusal.text), back=None
            )
        self.cobot.wake_sender()
        assert isinstance(reply, Reply)
        say = self._say(reply.language or language, self.cobot.policy.timezone)
        text = " ".join(say(line) for line in reply.texts)
        return self._render(
            "message.html", say=say, language=reply.language or language, title=None, text=text, back=None
        )

    def _guest_language(self, token: str) -> str:
        try:
            return self.as_guest(token, lambda ctx, link: ctx.policy.language_of(ctx.actor))
        except NotFound:
            return self.cobot.policy.default_language

    def _act(self, ctx: Ctx, link: GuestLink, *, action: str, form: Form) -> object:
        """Runs the form's action once its form token is right."""
        sent = form.get("form_token")
        if link.form_secret is None or not hmac.compare_digest(sent.encode(), self.form_token(link, action).encode()):
            raise _Forbidden
        return self.forms[action](ctx, link, form)

    def _hand_in_file(self, ctx: Ctx, link: GuestLink, form: Form) -> Reply:
        uploaded = form.files.get("file")
        upload = guest_page.Upload(uploaded.file_name, uploaded.data) if uploaded is not None else None
        return guest_page.hand_in_file(ctx, link=link, upload=upload, rules=self.rules)

    def _download(self, request: WebRequest, groups: Mapping[str, str]) -> WebResponse:
        """A guest's file, for the owner who follows the link in their DM: always as an attachment, with the type
        Cobot found it to be, never one a browser would run."""
        token = groups["download"]
        limited = self._limited(request, "file:" + token)
        if limited is not None:
            return limited
        with Session(reader(self.cobot.engine)) as session:  # a read: on SQLite it never waits for the write lock
            found = queries.guest_file_by_token(session=session, download_token=token)
            if found is None or not hmac.compare_digest(found.download_token.encode(), token.encode()):
                return self.not_found(request)
            name, kind, content = found.file_name, found.content_type, bytes(found.content)
        ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\' else "_" for c in name)
        return WebResponse(
            200,
            content,
            [
                ("Content-Type", kind),
                ("Content-Disposition", f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"),
                ("Cache-Control", "private, no-store"),
                ("Content-Security-Policy", "default-src 'none'; sandbox"),
            ],
        )
