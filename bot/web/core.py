"""A small web core that knows no server: a ``WebRequest`` in (method, path, query, headers, body, client address),
a ``WebResponse`` out (status, headers, body), and a ``Router`` that sends a method and a path pattern to a
handler. ``bot.web.wsgi`` serves it under gunicorn (``cobot serve``), ``bot.web.aio`` under aiohttp
(``cobot teams``), so the guest's page is one piece of code behind both.

Every response leaves with the same strict security headers (``SECURITY_HEADERS``): a Content-Security-Policy that
allows nothing but the page's own stylesheet and forms, no framing, no sniffing, and no Referer — a guest's token
is in the URL, and a link they follow on the page must not carry it to another site.

To add a route: ``router.add("POST", r"/guest/(?P<token>[A-Za-z0-9_-]+)/unsubscribe", handler)``; the handler gets
the request and the match's named groups and returns a ``WebResponse``.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from email.parser import BytesParser
from email.policy import HTTP
from urllib.parse import parse_qs

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("Content-Security-Policy", CSP),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
)
HTML = "text/html; charset=utf-8"
REASONS = {
    200: "OK",
    302: "Found",
    303: "See Other",
    400: "Bad Request",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    413: "Content Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
}


@dataclass(frozen=True)
class UploadedFile:
    file_name: str
    data: bytes


@dataclass(frozen=True)
class Form:
    """A posted form: its fields (the first value of each), every value of a field that has several (checkboxes),
    and its files."""

    fields: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, UploadedFile] = field(default_factory=dict)
    lists: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, name: str, default: str = "") -> str:
        return self.fields.get(name, default)

    def get_all(self, name: str) -> tuple[str, ...]:
        """Every value sent for ``name``, in order (the ticked checkboxes of a group); none when it was not sent."""
        return self.lists.get(name, (self.fields[name],) if name in self.fields else ())


@dataclass(frozen=True)
class WebRequest:
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)  # first value of each parameter
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    body: bytes = b""
    client: str = ""
    # The body was longer than the adapter takes (``max_body``): ``body`` is then empty and the handler says so.
    body_too_large: bool = False

    def form(self) -> Form:
        """The body as a form, urlencoded or multipart; an empty form for anything else or anything broken."""
        kind = self.headers.get("content-type", "")
        if kind.startswith("application/x-www-form-urlencoded"):
            try:
                text = self.body.decode("utf-8")
            except UnicodeDecodeError:
                return Form()
            try:
                parsed = parse_qs(text, keep_blank_values=True, max_num_fields=50)
            except ValueError:  # more fields than any of Cobot's forms has
                return Form()
            return Form(
                {name: values[0] for name, values in parsed.items()},
                lists={name: tuple(values) for name, values in parsed.items()},
            )
        if kind.startswith("multipart/form-data"):
            return _multipart(kind, self.body)
        return Form()


def _multipart(content_type: str, body: bytes) -> Form:
    # The standard library's MIME parser reads multipart/form-data as the MIME it is, with the header prepended.
    try:
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
        )
    except (UnicodeEncodeError, ValueError):
        return Form()
    if not message.is_multipart():
        return Form()
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    parts = message.get_payload()
    if not isinstance(parts, list):
        return Form()
    for part in parts[:50]:
        if not isinstance(part, Message):
            continue
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str) or name in fields or name in files:
            continue
        payload = part.get_payload(decode=True)
        data = payload if isinstance(payload, bytes) else b""
        file_name = part.get_filename()
        if file_name is not None:
            files[name] = UploadedFile(file_name=str(file_name), data=data)
        else:
            fields[name] = data.decode("utf-8", errors="replace")
    return Form(fields, files)


@dataclass
class WebResponse:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)

    @property
    def status_line(self) -> str:
        return f"{self.status} {REASONS.get(self.status, 'Unknown')}"

    def with_security_headers(self) -> WebResponse:
        present = {name.lower() for name, _ in self.headers}
        extra = [(name, value) for name, value in SECURITY_HEADERS if name.lower() not in present]
        return WebResponse(self.status, self.body, [*self.headers, *extra])


def html(body: str, *, status: int = 200) -> WebResponse:
    # Pages carry a token in their URL and a guest's own drafts: no cache keeps them.
    return WebResponse(status, body.encode("utf-8"), [("Content-Type", HTML), ("Cache-Control", "no-store")])


def redirect(location: str) -> WebResponse:
    """POST-redirect-GET: the answer to a form is the page again, so reloading it posts nothing twice."""
    return WebResponse(303, b"", [("Location", location), ("Cache-Control", "no-store")])


Handler = Callable[[WebRequest, Mapping[str, str]], WebResponse]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler


class Router:
    """Method and path → handler. A path no route knows gets ``not_found``; a known path with another method
    gets 405. Every answer carries ``SECURITY_HEADERS``."""

    def __init__(self, *, prefix: str, not_found: Callable[[WebRequest], WebResponse]) -> None:
        self.prefix = prefix  # the adapters send only paths under it here
        self.routes: list[Route] = []
        self.not_found = not_found

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        self.routes.append(Route(method.upper(), re.compile(pattern + r"\Z"), handler))

    def handles(self, path: str) -> bool:
        return path == self.prefix or path.startswith(self.prefix + "/")

    def __call__(self, request: WebRequest) -> WebResponse:
        allowed: list[str] = []
        for route in self.routes:
            found = route.pattern.match(request.path)
            if found is None:
                continue
            if route.method == request.method or (route.method == "GET" and request.method == "HEAD"):
                response = route.handler(request, found.groupdict())
                if request.method == "HEAD":
                    response = WebResponse(response.status, b"", response.headers)
                return response.with_security_headers()
            allowed.append(route.method)
        if allowed:
            answer = self.not_found(request)
            answer = WebResponse(405, answer.body, [*answer.headers, ("Allow", ", ".join(sorted(set(allowed))))])
            return answer.with_security_headers()
        return self.not_found(request).with_security_headers()


class SlidingWindow:
    """At most ``limit`` events per key in any ``seconds``, counted in this process (each worker counts its own).
    Keys are forgotten when their window empties; past ``max_keys`` the oldest are dropped, so a flood of
    addresses cannot grow it without bound."""

    def __init__(
        self, *, limit: int, seconds: float = 60.0, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limit = limit
        self.seconds = seconds
        self.max_keys = max_keys
        self.clock = clock
        self._events: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self._lock:
            events = self._events.get(key)
            if events is None:
                if len(self._events) >= self.max_keys:
                    for stale in list(self._events)[: self.max_keys // 10 or 1]:
                        del self._events[stale]
                events = self._events[key] = deque()
            while events and events[0] <= now - self.seconds:
                events.popleft()
            if len(events) >= self.limit:
                return False
            events.append(now)
            return True
