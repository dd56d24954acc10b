"""A fake Bot Framework connector (the Teams side of a bot's conversation) served over real HTTP on loopback.

Test activities carry this server's URL as their ``serviceUrl``, so the unmodified Microsoft 365 Agents SDK sends
every reply, proactive message and card update here, exactly as it would to ``smba.trafficmanager.net`` in
production. The fake answers like the connector does:

* ``POST /v3/conversations/{id}/activities`` (and ``…/activities/{replyToId}``) posts a message and answers
  ``{"id": …}``. Posting to ``19:…@thread.tacv2`` starts a new thread in the channel; posting to
  ``19:…@thread.tacv2;messageid=123`` replies in the thread of message 123, as Teams does.
* ``PUT /v3/conversations/{id}/activities/{activityId}`` replaces a posted message (a card updated in place).
* ``POST /v3/conversations`` creates a 1:1 conversation with a member (how a bot opens a DM proactively).
* ``GET /v3/conversations/{id}/members/{memberId}`` answers a member's profile.

It records every request (with its ``Authorization`` header), keeps the messages with their edits, and can answer
the next matching requests with 429 (+ ``Retry-After``), 412, 502 or any other status on demand.

Alongside it, :class:`FakeIdentity` plays login.botframework.com: it holds an RSA key made in the test, serves the
OpenID metadata and the JWKS on loopback, and signs Bot Framework tokens (or deliberately broken ones).
"""

from __future__ import annotations

import functools
import itertools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import unquote, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

__all__ = ["Call", "FakeConnector", "FakeIdentity", "Message"]

_ACTIVITIES = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/activities(?:/(?P<activity>[^/]+))?/?$")
_MEMBER = re.compile(r"^/v3/conversations/(?P<conversation>[^/]+)/members/(?P<member>[^/]+)/?$")


@dataclass(frozen=True)
class Call:
    """One request the fake received."""

    verb: str
    path: str
    body: dict[str, Any]
    authorization: str | None
    at: float
    status: int


@dataclass
class Message:
    """A message as Teams keeps it: where it lives, and its latest content (after every update)."""

    id: str
    conversation: str  # the conversation it was posted to, e.g. "19:x@thread.tacv2" or "a:personal-…"
    thread: str | None  # the id of the thread's first message, for replies in a channel thread
    activity: dict[str, Any]
    updates: int = 0

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")

    @property
    def card(self) -> dict[str, Any] | None:
        for attachment in self.activity.get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                return cast(dict[str, Any], attachment["content"])
        return None


@dataclass(frozen=True)
class _Failure:
    status: int
    retry_after: float | None
    matches: Callable[[str, str], bool]


@dataclass
class _Member:
    id: str
    name: str
    aad_object_id: str


@dataclass
class FakeConnector:
    members: dict[str, _Member] = field(default_factory=dict)
    _calls: list[Call] = field(default_factory=list)
    _messages: list[Message] = field(default_factory=list)
    _failures: list[_Failure] = field(default_factory=list)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_700_000_000_001))
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _server: ThreadingHTTPServer | None = None

    # --- lifecycle ------------------------------------------------------------------------------------

    def start(self) -> FakeConnector:
        self._server = _Server(self)
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """The ``serviceUrl`` test activities carry."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    # --- set-up ---------------------------------------------------------------------------------------

    def add_member(self, teams_id: str, *, name: str, aad_object_id: str) -> None:
        self.members[teams_id] = _Member(teams_id, name, aad_object_id)

    def fail_next(
        self,
        status: int,
        *,
        times: int = 1,
        retry_after: float | None = None,
        verb: str | None = None,
        path_contains: str = "",
    ) -> None:
        """Answers the next ``times`` matching requests with ``status`` (and ``Retry-After`` if given)."""

        def matches(request_verb: str, path: str) -> bool:
            return (verb is None or verb == request_verb) and path_contains in path

        with self._lock:
            self._failures.extend(_Failure(status, retry_after, matches) for _ in range(times))

    # --- what happened --------------------------------------------------------------------------------

    def calls(self, verb: str | None = None, *, ok: bool | None = None) -> list[Call]:
        with self._lock:
            return [
                c for c in self._calls if (verb is None or c.verb == verb) and (ok is None or (c.status < 300) == ok)
            ]

    def messages(self, conversation: str, *, thread: str | None = None) -> list[Message]:
        """Messages in a conversation (top level), or in one thread of a channel, oldest first."""
        with self._lock:
            return [m for m in self._messages if m.conversation == conversation and m.thread == thread]

    def message(self, message_id: str) -> Message:
        with self._lock:
            for message in self._messages:
                if message.id == message_id:
                    return message
        raise AssertionError(f"no message {message_id}")

    def all_messages(self) -> list[Message]:
        with self._lock:
            return list(self._messages)

    def wait_for(self, predicate: Callable[[FakeConnector], bool], timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        with self._lock:
            while not predicate(self):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError("the connector did not receive what the test waited for")
                self._lock.wait(min(remaining, 0.05))

    # --- answering ------------------------------------------------------------------------------------

    def _answer(
        self, verb: str, path: str, body: dict[str, Any], authorization: str | None
    ) -> tuple[int, Any, dict[str, str]]:
        with self._lock:
            failure = next((f for f in self._failures if f.matches(verb, path)), None)
            if failure is not None:
                self._failures.remove(failure)
                headers = {"Retry-After": f"{failure.retry_after:g}"} if failure.retry_after is not None else {}
                error = {"error": {"code": f"HTTP{failure.status}", "message": "injected by the test"}}
                return self._record(verb, path, body, authorization, failure.status, error, headers)
            status, answer = self._route(verb, path, body)
            return self._record(verb, path, body, authorization, status, answer, {})

    def _record(
        self,
        verb: str,
        path: str,
        body: dict[str, Any],
        authorization: str | None,
        status: int,
        answer: Any,
        headers: dict[str, str],
    ) -> tuple[int, Any, dict[str, str]]:
        self._calls.append(Call(verb, path, body, authorization, time.monotonic(), status))
        self._lock.notify_all()
        return status, answer, headers

    def _route(self, verb: str, path: str, body: dict[str, Any]) -> tuple[int, Any]:
        found = _ACTIVITIES.match(path)
        if found and verb == "POST":
            conversation, _, root = unquote(found["conversation"]).partition(";messageid=")
            message = Message(str(next(self._ids)), conversation, root or None, body)
            self._messages.append(message)
            return 201, {"id": message.id}
        if found and verb == "PUT" and found["activity"]:
            message_id = unquote(found["activity"])
            for message in self._messages:
                if message.id == message_id:
                    message.activity = body
                    message.updates += 1
                    return 200, {"id": message_id}
            return 404, {"error": {"code": "ActivityNotFoundInConversation", "message": "Unknown activity"}}
        if path.rstrip("/") == "/v3/conversations" and verb == "POST":
            members = body.get("members") or []
            if len(members) != 1 or members[0].get("id") not in self.members:
                return 403, {"error": {"code": "BotNotInConversationRoster", "message": "unknown member"}}
            return 201, {"id": f"a:personal-{members[0]['id']}", "serviceUrl": self.url}
        member = _MEMBER.match(path)
        if member and verb == "GET":
            known = self.members.get(unquote(member["member"]))
            if known is None:
                return 404, {"error": {"code": "MemberNotFoundInConversation", "message": "unknown member"}}
            return 200, {"id": known.id, "name": known.name, "aadObjectId": known.aad_object_id}
        return 404, {"error": {"code": "NotFound", "message": f"{verb} {path}"}}


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeConnector) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeConnector/1.0"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _dispatch(self, verb: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw) if raw.strip() else {}
        fake = cast(_Server, self.server).fake
        status, answer, headers = fake._answer(verb, urlsplit(self.path).path, body, self.headers.get("Authorization"))
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)


# --- the identity side: OpenID metadata, keys, and tokens ---------------------------------------------------------

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


@functools.cache
def _test_keys() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    """Two RSA keys made once per test run: the identity's own, and a stranger's with the same key id."""
    return (
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
        rsa.generate_private_key(public_exponent=65537, key_size=2048),
    )


class FakeIdentity:
    """login.botframework.com on loopback: an RSA key of the test's own, its JWKS and the OpenID metadata that
    points at it, and tokens signed with it (or with a stranger's key, for the tests that must fail)."""

    def __init__(self) -> None:
        self.key, self.stranger = _test_keys()
        self.kid = "test-key-1"
        self.metadata_requests = 0
        self.key_requests = 0
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> FakeIdentity:
        identity = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.startswith("/v1/.well-known/openidconfiguration"):
                    identity.metadata_requests += 1
                    answer: dict[str, Any] = {
                        "issuer": BOT_FRAMEWORK_ISSUER,
                        "jwks_uri": f"{identity.base_url}/v1/.well-known/keys",
                        "id_token_signing_alg_values_supported": ["RS256"],
                    }
                elif self.path.startswith("/v1/.well-known/keys"):
                    identity.key_requests += 1
                    public = json.loads(RSAAlgorithm.to_jwk(identity.key.public_key()))
                    answer = {"keys": [{**public, "kid": identity.kid, "use": "sig", "endorsements": ["msteams"]}]}
                else:
                    self.send_error(404)
                    return
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def metadata_url(self) -> str:
        return f"{self.base_url}/v1/.well-known/openidconfiguration"

    def token(
        self,
        *,
        audience: str,
        service_url: str,
        issuer: str = BOT_FRAMEWORK_ISSUER,
        expires_in: float = 3600,
        not_before_in: float = -60,
        signed_by_stranger: bool = False,
        kid: str | None = None,
    ) -> str:
        """A Bot Framework channel token as Teams sends it in ``Authorization: Bearer …``."""
        now = time.time()
        claims = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": service_url,
            "nbf": int(now + not_before_in),
            "exp": int(now + expires_in),
            "iat": int(now - 60),
            "jti": uuid.uuid4().hex,
        }
        key = self.stranger if signed_by_stranger else self.key
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid or self.kid})
