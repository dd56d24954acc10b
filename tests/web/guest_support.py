"""Test support for the guest's page: a guest invited through the real Slack app (a signed `/cocreate guest`), the
token their e-mail would carry (made by ``link_for_email``, as the e-mail transport makes it), and a small HTTP client
that talks to the real loopback server without following redirects, reading the page's forms as a browser would."""

from __future__ import annotations

import atexit
import html
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from aiosmtpd.controller import Controller
from smtp_server import free_port
from sqlmodel import Session, col, select

from bot.runtime.cobot import Cobot
from handlers.context import Scope
from handlers.guests import link_for_email
from harness import SlackScenario
from storage.models import GuestLink, Member, Workspace

OWNER = "U0OWNER"
_SERVER: list[Controller] = []


def smtp_environment() -> dict[str, str]:
    """E-mail set up for guests: a real SMTP server on loopback, one for the test process, which takes every
    invitation (these tests read the link from the database; tests/mail reads the e-mails themselves)."""
    if not _SERVER:
        controller = Controller(_Accept(), hostname="127.0.0.1", port=free_port())
        controller.start()
        atexit.register(controller.stop)
        _SERVER.append(controller)
    return {"smtp_url": f"smtp://127.0.0.1:{_SERVER[0].port}"}


class _Accept:
    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        return "250 Message accepted for delivery"


PUBLIC_URL = "https://cobot.example.com"


def guest_behaviour(**guests: Any) -> dict[str, Any]:
    """app.yaml for guests' pages at ``PUBLIC_URL``; the rate limits out of the way unless a test sets them (a test
    posts more forms in a second than a person does in a minute)."""
    page = {"requests_per_minute_per_link": 1000, "requests_per_minute_per_address": 10_000, **guests.pop("page", {})}
    return {"server": {"public_url": PUBLIC_URL}, "guests": {"page": page, **guests}}


def invite(
    scenario: SlackScenario, number: int, *, email: str = "anne@example.com", name: str = "Anne Holm", part: str = ""
) -> str:
    """Invites a guest by the owner's command and returns the token of the link their e-mail carries."""
    reply = scenario.command_reply(f'guest {number} {email} {part} name:"{name}"'.replace("  ", " "), user=OWNER)
    assert "nvited" in reply or "in line" in reply or "already on" in reply, reply
    return sent_token(scenario, email=email)


def sent_token(scenario: SlackScenario, *, email: str = "anne@example.com") -> str:
    return token_for(scenario.service.cobot, email=email)


def token_for(cobot: Cobot, *, email: str = "anne@example.com") -> str:
    """The token of the guest's newest live link, made afresh as the e-mail transport makes it when it sends."""
    with cobot.transaction() as session:
        guest = session.exec(select(Member).where(col(Member.is_guest), Member.email == email)).one()
        link = session.exec(
            select(GuestLink)
            .where(GuestLink.member_id == guest.id, col(GuestLink.revoked_at).is_(None), col(GuestLink.invitation))
            .order_by(col(GuestLink.id).desc())
        ).first()
        assert link is not None and link.id is not None
        workspace = session.get(Workspace, link.workspace_id)
        assert workspace is not None
        scope = Scope(session=session, workspace=workspace, policy=cobot.policy, now=cobot.clock())
        token = link_for_email(scope, member_id=link.member_id, request_id=link.request_id, standing_link_id=link.id)
    assert token is not None
    return token


def guest_member(scenario: SlackScenario, email: str = "anne@example.com") -> Member:
    with Session(scenario.engine) as session:
        return session.exec(select(Member).where(col(Member.is_guest), Member.email == email)).one()


@dataclass
class Page:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def raw(self) -> str:
        """The HTML as sent."""
        return self.body.decode("utf-8", errors="replace")

    @property
    def text(self) -> str:
        """The HTML with its character references read (``&#39;`` is ``'``), for what a reader sees."""
        return html.unescape(self.raw)

    def forms(self) -> dict[str, dict[str, str]]:
        """Each form's action → its hidden fields."""
        reader = _Forms()
        reader.feed(self.raw)
        return reader.forms

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: dict[str, dict[str, str]] = {}
        self._current: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._current = found.get("action", "")
            self.forms[self._current] = {}
        elif tag == "input" and self._current is not None and found.get("type") == "hidden":
            self.forms[self._current][found.get("name", "")] = found.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class GuestClient:
    """HTTP to the page as a browser without JavaScript sends it: GETs, and POSTs of the page's own forms."""

    base_url: str
    headers: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, *, body: bytes | None = None, content_type: str | None = None) -> Page:
        headers = dict(self.headers)
        if content_type:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(self.base_url + path, data=body, method=method, headers=headers)
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(request, timeout=20) as response:
                return Page(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
        except urllib.error.HTTPError as error:
            return Page(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, fields: dict[str, str]) -> Page:
        body = urllib.parse.urlencode(fields).encode()
        return self.request("POST", path, body=body, content_type="application/x-www-form-urlencoded")

    def upload(self, path: str, fields: dict[str, str], *, file_name: str, data: bytes, kind: str) -> Page:
        boundary = "----cobot" + uuid.uuid4().hex
        parts: list[bytes] = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
            f"Content-Type: {kind}\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            "POST", path, body=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
        )

    def submit(self, token: str, action: str, fields: dict[str, str] | None = None) -> Page:
        """Posts the page's form for ``action`` with its own form token, as pressing its button does."""
        page = self.get(f"/guest/{token}")
        assert page.status == 200, page.text
        form = page.forms()[f"/guest/{token}/{action}"]
        return self.post(f"/guest/{token}/{action}", {**form, **(fields or {})})

    def submit_file(self, token: str, *, file_name: str, data: bytes, kind: str = "application/octet-stream") -> Page:
        page = self.get(f"/guest/{token}")
        form = page.forms()[f"/guest/{token}/file"]
        return self.upload(f"/guest/{token}/file", form, file_name=file_name, data=data, kind=kind)


def client(scenario: SlackScenario) -> GuestClient:
    return GuestClient(scenario.base_url)
