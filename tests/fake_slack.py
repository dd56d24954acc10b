"""A fake Slack Web API served over real HTTP on loopback, for tests.

Tests point an unmodified ``slack_sdk.WebClient(base_url=fake.api_url)`` (or a
Bolt app built on one) at a :class:`FakeSlack` instance.  Going through real
HTTP instead of mocking ``slack_sdk`` means the tests exercise the SDK's actual
request encoding, error handling (``SlackApiError`` on 429/5xx) and file upload
flow, so a passing test says something about production behaviour.

Besides answering like Slack does, the fake:

* records every request as a :class:`Call` (also rejected ones, with
  ``ok=False``) and lets tests block until calls arrive (:meth:`FakeSlack.wait_for`);
* stores posted messages, applying ``chat.update`` edits (:meth:`FakeSlack.messages`);
* enforces the Block Kit limits Slack enforces, so oversized messages fail in
  tests rather than in production;
* can inject failures (:meth:`FakeSlack.fail_next`), simulate a bot that is not
  in a channel, and simulate Slack's posting rate limits;
* hands out response URLs and file upload URLs that live on the same server;
* plays Slack's side of the OAuth install (:meth:`FakeSlack.register_oauth_app`, :meth:`FakeSlack.authorization_code`):
  ``oauth.v2.access`` exchanges a code for a workspace's or a whole Enterprise Grid org's bot token, and with token
  rotation hands out expiring tokens and refreshes them (``grant_type=refresh_token``); every token it issued is
  accepted by the Web API until it expires (``token_expired``), and ``auth.test`` describes it;
* lets a test share a file as a person would (:meth:`FakeSlack.share_file`): ``files.info`` then describes it
  and its ``url_private_download`` serves its bytes, like Slack's, only with ``Authorization: Bearer <token>``
  (without it, Slack answers its HTML sign-in page, and so does the fake).

Everything is stdlib; one server per test is cheap (it binds an ephemeral port).
"""

from __future__ import annotations

import base64
import contextlib
import copy
import hashlib
import json
import math
import mimetypes
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = ["Call", "FakeSlack"]

BOT_ID = "B0001"
APP_ID = "A0001"

# Keys whose form-encoded values Slack itself parses as JSON.  ``files`` is only
# JSON for files.completeUploadExternal, so it is handled per method.
_JSON_PARAM_KEYS = ("blocks", "attachments", "view", "metadata")

# Methods Slack throttles with its special per-channel posting limit.
_RATE_LIMITED_METHODS = frozenset({"chat.postMessage", "chat.postEphemeral", "chat.update"})

# Block Kit limits, as documented at https://docs.slack.dev/reference/block-kit
MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_MESSAGE_TEXT = 40_000
MAX_SECTION_TEXT = 3000
MAX_SECTION_FIELD_TEXT = 2000
MAX_SECTION_FIELDS = 10
MAX_HEADER_TEXT = 150
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_BUTTON_URL = 3000
MAX_ACTION_ID = 255
MAX_BLOCK_ID = 255
MAX_ACTIONS_ELEMENTS = 25
MAX_CONTEXT_ELEMENTS = 10
MAX_MODAL_TITLE = 24
MAX_MODAL_BUTTON_TEXT = 24
MAX_PRIVATE_METADATA = 3000
MAX_CALLBACK_ID = 255

# Slack-looking ts values; a counter keeps them unique and strictly increasing
# even when many messages are posted within one clock tick.
_TS_BASE_MICROS = 1_700_000_000_000_100
_TS_STEP_MICROS = 100

# Short so that stop() (which waits for the serve loop to notice) stays fast.
_POLL_INTERVAL = 0.02


@dataclass(frozen=True)
class Call:
    """One request received by the fake."""

    method: str
    """API method (``chat.postMessage``), or ``response_url`` / ``file_upload``."""
    params: dict[str, Any]
    """Query string merged with the form or JSON body; JSON-valued keys decoded."""
    token: str | None
    """Bearer token from the Authorization header, else the ``token`` param."""
    at: float
    """``time.monotonic()`` when the request was received."""
    ok: bool = True
    """False when the fake rejected the request (Slack error, 429, 5xx, ...)."""


@dataclass
class _Reply:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)
    ok: bool = True


@dataclass(frozen=True)
class _Failure:
    status: int
    retry_after: int
    error: str | None
    body: str | None = None  # answered as it is (e.g. a proxy's HTML page or a JSON answer cut short)


@dataclass
class _Grant:
    """A bot token the fake issued through ``oauth.v2.access``: whose it is, and until when it works."""

    team_id: str | None
    team_name: str
    enterprise_id: str | None
    enterprise_name: str
    is_enterprise_install: bool
    installer: str
    rotating: bool
    expires_in: int | None
    refreshed_expires_in: int = 12 * 3600
    expires_at: float | None = None  # time.time(); None: never expires


@dataclass
class _User:
    user_id: str
    name: str
    real_name: str | None
    tz: str
    locale: str
    email: str | None
    title: str = ""
    fields: dict[str, str] = field(default_factory=dict)  # custom profile field id → value


class _BadRequestError(Exception):
    """A request body the fake cannot parse; answered like Slack's invalid_json."""


Handler = Callable[[dict[str, Any]], _Reply]


def _always(_call: Call) -> bool:
    return True


# --------------------------------------------------------------------------
# Reply helpers


def _json_reply(obj: dict[str, Any], *, status: int = 200, headers: dict[str, str] | None = None) -> _Reply:
    return _Reply(
        status=status,
        body=json.dumps(obj).encode("utf-8"),
        content_type="application/json; charset=utf-8",
        headers=dict(headers or {}),
        ok=status == 200 and bool(obj.get("ok")),
    )


def _ok(fields: dict[str, Any] | None = None) -> _Reply:
    return _json_reply({"ok": True, **(fields or {})})


def _err(error: str, extra: dict[str, Any] | None = None) -> _Reply:
    return _json_reply({"ok": False, "error": error, **(extra or {})})


def _text_reply(status: int, text: str) -> _Reply:
    return _Reply(
        status=status,
        body=text.encode("utf-8"),
        content_type="text/plain; charset=utf-8",
        ok=status == 200,
    )


def _rate_limited(retry_after: int, error: str = "ratelimited") -> _Reply:
    return _json_reply(
        {"ok": False, "error": error},
        status=429,
        headers={"Retry-After": str(retry_after)},
    )


def _blocks_error(errors: list[str]) -> _Reply:
    # Slack reports both shapes depending on method/version; clients and
    # humans debugging a failing test benefit from the pointers either way.
    return _err(
        "invalid_blocks",
        {"errors": errors, "response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}},
    )


def _arguments_error(errors: list[str]) -> _Reply:
    return _err(
        "invalid_arguments",
        {"response_metadata": {"messages": [f"[ERROR] {e}" for e in errors]}},
    )


# --------------------------------------------------------------------------
# Request parsing


def _form_to_dict(encoded: str) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, values in parse_qs(encoded, keep_blank_values=True).items():
        result[key] = values[0] if len(values) == 1 else values
    return result


def _decode_json_values(params: dict[str, Any], keys: tuple[str, ...]) -> None:
    for key in keys:
        value = params.get(key)
        if isinstance(value, str):
            # On failure the raw string stays, so validation rejects it like Slack would.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    stripped = body.strip()
    if not stripped:
        return {}
    # Sniff rather than trust Content-Type: slack_sdk has shipped versions that
    # send a JSON content type with a form body, and Slack copes with both.
    if stripped.startswith(b"{"):
        try:
            parsed = json.loads(stripped.decode("utf-8"))
        except ValueError as exc:
            raise _BadRequestError("invalid_json") from exc
        if not isinstance(parsed, dict):
            raise _BadRequestError("invalid_json")
        return cast(dict[str, Any], parsed)
    if content_type.startswith("multipart/"):
        # Only the legacy files.upload uses multipart; the fake does not model it.
        return {}
    try:
        return _form_to_dict(stripped.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise _BadRequestError("invalid_form_data") from exc


def _basic_credentials(headers: Message) -> tuple[str, str] | None:
    """The client id and secret of ``Authorization: Basic``, as slack_sdk sends them to ``oauth.v2.access``."""
    auth = headers.get("Authorization")
    if not auth or not auth.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(auth[len("basic ") :].strip()).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    client_id, _, secret = decoded.partition(":")
    return client_id, secret


def _bearer_token(headers: Message) -> str | None:
    auth = headers.get("Authorization")
    if auth and auth.lower().startswith("bearer "):
        return auth[len("bearer ") :].strip() or None
    return None


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value)
    return text or None


# --------------------------------------------------------------------------
# Block Kit validation (returns Slack-style error strings with JSON pointers)


def _text_object_errors(obj: Any, max_len: int, pointer: str) -> list[str]:
    if not isinstance(obj, dict) or not isinstance(obj.get("type"), str):
        return [f"must be a text object with a type [json-pointer:{pointer}]"]
    text = obj.get("text")
    if not isinstance(text, str):
        return [f"missing required field: text [json-pointer:{pointer}/text]"]
    if len(text) > max_len:
        return [f"must be less than {max_len + 1} characters [json-pointer:{pointer}/text]"]
    return []


def _max_len_error(value: Any, max_len: int, pointer: str) -> list[str]:
    if value is not None and len(str(value)) > max_len:
        return [f"must be less than {max_len + 1} characters [json-pointer:{pointer}]"]
    return []


def _button_errors(node: Any, pointer: str) -> list[str]:
    # Buttons hide in section accessories, actions elements and inputs alike,
    # so walk the whole block instead of enumerating the places they may sit.
    errors: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "button":
            errors += _text_object_errors(node.get("text"), MAX_BUTTON_TEXT, f"{pointer}/text")
            errors += _max_len_error(node.get("value"), MAX_BUTTON_VALUE, f"{pointer}/value")
            errors += _max_len_error(node.get("url"), MAX_BUTTON_URL, f"{pointer}/url")
            errors += _max_len_error(node.get("action_id"), MAX_ACTION_ID, f"{pointer}/action_id")
        for key, child in node.items():
            if isinstance(child, (dict, list)):
                errors += _button_errors(child, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, child in enumerate(node):
            errors += _button_errors(child, f"{pointer}/{index}")
    return errors


def _elements_limit_error(block: dict[str, Any], limit: int, pointer: str) -> list[str]:
    elements = block.get("elements")
    if not isinstance(elements, list):
        return [f"must be an array [json-pointer:{pointer}/elements]"]
    if len(elements) > limit:
        return [f"no more than {limit} items allowed [json-pointer:{pointer}/elements]"]
    return []


def _section_errors(block: dict[str, Any], pointer: str) -> list[str]:
    text = block.get("text")
    fields = block.get("fields")
    if text is None and fields is None:
        return [f"must provide text or fields [json-pointer:{pointer}]"]
    errors: list[str] = []
    if text is not None:
        errors += _text_object_errors(text, MAX_SECTION_TEXT, f"{pointer}/text")
    if fields is not None:
        if not isinstance(fields, list):
            return [*errors, f"must be an array [json-pointer:{pointer}/fields]"]
        if len(fields) > MAX_SECTION_FIELDS:
            errors.append(f"no more than {MAX_SECTION_FIELDS} items allowed [json-pointer:{pointer}/fields]")
        for index, item in enumerate(fields):
            errors += _text_object_errors(item, MAX_SECTION_FIELD_TEXT, f"{pointer}/fields/{index}")
    return errors


def block_errors(blocks: Any, *, limit: int, pointer: str = "/blocks") -> list[str]:
    """Slack-style error messages for a ``blocks`` array; empty when valid."""
    if not isinstance(blocks, list):
        return [f"must be an array of blocks [json-pointer:{pointer}]"]
    errors: list[str] = []
    if len(blocks) > limit:
        errors.append(f"no more than {limit} items allowed [json-pointer:{pointer}]")
    seen_block_ids: set[str] = set()
    for index, block in enumerate(blocks):
        where = f"{pointer}/{index}"
        if not isinstance(block, dict) or not isinstance(block.get("type"), str):
            errors.append(f"missing required field: type [json-pointer:{where}]")
            continue
        block_id = block.get("block_id")
        if block_id is not None:
            errors += _max_len_error(block_id, MAX_BLOCK_ID, f"{where}/block_id")
            if str(block_id) in seen_block_ids:
                errors.append(f"duplicate block_id [json-pointer:{where}/block_id]")
            seen_block_ids.add(str(block_id))
        kind = block["type"]
        if kind == "section":
            errors += _section_errors(block, where)
        elif kind == "header":
            errors += _text_object_errors(block.get("text"), MAX_HEADER_TEXT, f"{where}/text")
        elif kind == "actions":
            errors += _elements_limit_error(block, MAX_ACTIONS_ELEMENTS, where)
        elif kind == "context":
            errors += _elements_limit_error(block, MAX_CONTEXT_ELEMENTS, where)
        errors += _button_errors(block, where)
        errors += _duplicate_action_id_errors(block, where)
    return errors


DUPLICATE_ACTION_ID = "duplicate action_id in block"


def _duplicate_action_id_errors(block: dict[str, Any], pointer: str) -> list[str]:
    """Slack wants every action_id unique within a block (its elements, its accessory, an input's element)."""
    elements: list[tuple[str, Any]] = [
        (f"{pointer}/elements/{i}", e) for i, e in enumerate(block.get("elements") or [])
    ]
    for key in ("accessory", "element"):
        if isinstance(block.get(key), dict):
            elements.append((f"{pointer}/{key}", block[key]))
    seen: set[str] = set()
    errors: list[str] = []
    for where, element in elements:
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id is None:
            continue
        if str(action_id) in seen:
            errors.append(f"{DUPLICATE_ACTION_ID} [json-pointer:{where}/action_id]")
        seen.add(str(action_id))
    return errors


def view_errors(view: Any) -> list[str]:
    """Slack-style error messages for a modal/home ``view`` object; empty when valid."""
    if not isinstance(view, dict) or not isinstance(view.get("type"), str):
        return ["must be a view object with a type [json-pointer:/view]"]
    errors: list[str] = []
    if view["type"] == "modal":
        if "title" not in view:
            errors.append("missing required field: title [json-pointer:/view/title]")
        else:
            errors += _text_object_errors(view["title"], MAX_MODAL_TITLE, "/view/title")
        for key in ("submit", "close"):
            if key in view:
                errors += _text_object_errors(view[key], MAX_MODAL_BUTTON_TEXT, f"/view/{key}")
    errors += _max_len_error(view.get("private_metadata"), MAX_PRIVATE_METADATA, "/view/private_metadata")
    errors += _max_len_error(view.get("callback_id"), MAX_CALLBACK_ID, "/view/callback_id")
    errors += block_errors(view.get("blocks"), limit=MAX_VIEW_BLOCKS, pointer="/view/blocks")
    return errors


# --------------------------------------------------------------------------
# HTTP plumbing


class _Server(ThreadingHTTPServer):
    # Daemon threads so a test that forgets stop() cannot hang interpreter exit.
    daemon_threads = True

    def __init__(self, fake: FakeSlack) -> None:
        self.fake = fake
        super().__init__(("127.0.0.1", 0), _RequestHandler)


class _RequestHandler(BaseHTTPRequestHandler):
    server_version = "FakeSlack/1.0"

    def do_GET(self) -> None:
        self._dispatch("GET")

    def do_POST(self) -> None:
        self._dispatch("POST")

    def do_PUT(self) -> None:
        self._dispatch("PUT")

    def log_message(self, format: str, *args: Any) -> None:
        # Per-request stderr lines would drown pytest output.
        pass

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            # aiohttp-based clients (AsyncWebClient) may stream chunked bodies.
            chunks: list[bytes] = []
            while True:
                size_line = self.rfile.readline().split(b";", 1)[0].strip()
                size = int(size_line or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _dispatch(self, verb: str) -> None:
        fake = cast(_Server, self.server).fake
        try:
            body = self._read_body()
            reply = fake._handle_http(verb, self.path, self.headers, body)
        except Exception as exc:
            # A fake must always answer; a dropped connection would hang the client.
            reply = _text_reply(500, f"fake_slack internal error: {exc!r}")
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(reply.body)


# --------------------------------------------------------------------------
# The fake


class FakeSlack:
    """A loopback HTTP server that behaves like the parts of Slack Cobot uses.

    All state is guarded by one condition variable.  Requests are handled while
    holding it: handlers are cheap, serialising them rules out races between
    e.g. rate-limit accounting and message storage, and recording a call can
    wake :meth:`wait_for` directly instead of it polling.
    """

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        team_id: str = "T0001",
        bot_user_id: str = "UBOT",
    ) -> None:
        self.bot_token = bot_token
        self.team_id = team_id
        self.bot_user_id = bot_user_id

        self._cond = threading.Condition()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

        self._calls: list[Call] = []
        self._messages: list[dict[str, Any]] = []
        self._ephemerals: list[dict[str, Any]] = []
        self._users: dict[str, _User] = {}
        self._views: dict[str, dict[str, Any]] = {}
        self._view_ids_by_external: dict[str, str] = {}
        self._home_view_ids: dict[str, str] = {}
        self._file_meta: dict[str, dict[str, Any]] = {}
        self._file_bytes: dict[str, bytes] = {}
        self._response_urls: set[str] = set()
        self._failures: dict[str, deque[_Failure]] = {}
        self._not_joined: set[str] = set()
        self._profile_fields: list[dict[str, Any]] = []  # the workspace's custom profile fields (team.profile.get)
        # The scopes granted to the bot token, which auth.test names in its x-oauth-scopes header as Slack does
        # (None: every scope Cobot's manifest asks for), and the channels conversations.info knows.
        self.granted_scopes: list[str] | None = None
        self.channels: dict[str, dict[str, Any]] = {}

        self._ts_counter = 0
        self._id_counter = 0

        self._oauth_apps: dict[str, str] = {}  # client id → client secret
        self._codes: dict[str, _Grant] = {}  # authorization codes not yet exchanged
        self._grants: dict[str, _Grant] = {}  # bot tokens issued through oauth.v2.access
        self._refresh_tokens: dict[str, _Grant] = {}

        self._channel_interval: float | None = None
        self._channel_capacity = 2.0
        self._channel_buckets: dict[str, tuple[float, float]] = {}
        self._workspace_limit: int | None = None  # posts per window
        self._workspace_window_seconds = 60.0
        self._workspace_window: deque[float] = deque()
        self._rejected_count = 0

        self._handlers: dict[str, Handler] = {
            "auth.test": self._auth_test,
            "conversations.info": self._conversations_info,
            "chat.postMessage": self._chat_post_message,
            "chat.update": self._chat_update,
            "chat.postEphemeral": self._chat_post_ephemeral,
            "chat.getPermalink": self._chat_get_permalink,
            "conversations.join": self._conversations_join,
            "conversations.open": self._conversations_open,
            "users.info": self._users_info,
            "users.profile.get": self._users_profile_get,
            "team.profile.get": self._team_profile_get,
            "views.open": self._views_open,
            "views.push": self._views_push,
            "views.update": self._views_update,
            "views.publish": self._views_publish,
            "reactions.add": self._reactions_add,
            "files.getUploadURLExternal": self._files_get_upload_url_external,
            "files.completeUploadExternal": self._files_complete_upload_external,
            "files.info": self._files_info,
        }

    # ---- lifecycle -------------------------------------------------------

    def start(self) -> FakeSlack:
        """Bind an ephemeral loopback port and serve in a daemon thread."""
        if self._server is not None:
            raise RuntimeError("FakeSlack already started")
        server = _Server(self)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _POLL_INTERVAL},
            name=f"FakeSlack:{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        """Stop serving and release the port; safe to call twice."""
        server, thread = self._server, self._thread
        self._server, self._thread = None, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack not started; call start() first")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` without a trailing slash."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        """Value for ``WebClient(base_url=...)``; the trailing slash matters to slack_sdk."""
        return f"{self.base_url}/api/"

    def response_url(self) -> str:
        """A fresh response URL on this server, as found in interaction payloads."""
        with self._cond:
            self._id_counter += 1
            url = f"{self.base_url}/actions/{self.team_id}/{self._id_counter}/fake"
            self._response_urls.add(url)
            return url

    # ---- inspection ------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Snapshot of every recorded call, oldest first."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if c.method == method]

    def wait_for(
        self,
        method: str,
        predicate: Callable[[Call], bool] = _always,
        *,
        count: int = 1,
        timeout: float = 5.0,
    ) -> list[Call]:
        """Block until ``count`` calls to ``method`` satisfy ``predicate``.

        Returns all matching calls (at least ``count``).  Rejected attempts are
        recorded too; pass ``lambda c: c.ok`` to wait for accepted ones only.
        """
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matching = [c for c in self._calls if c.method == method and predicate(c)]
                if len(matching) >= count:
                    return matching
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"timed out after {timeout}s waiting for {count} matching call(s) to "
                        f"{method!r}; got {len(matching)}. {self._describe_calls_locked()}"
                    )
                self._cond.wait(remaining)

    def assert_no_call(
        self,
        method: str,
        predicate: Callable[[Call], bool] = _always,
        *,
        within: float = 0.3,
    ) -> None:
        """Assert that no matching call has happened, nor happens within ``within`` s."""
        deadline = time.monotonic() + within
        with self._cond:
            while True:
                matching = [c for c in self._calls if c.method == method and predicate(c)]
                if matching:
                    raise AssertionError(
                        f"expected no matching call to {method!r}, got {len(matching)}: "
                        f"{[c.params for c in matching]!r}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(remaining)

    def _describe_calls_locked(self) -> str:
        if not self._calls:
            return "No calls were recorded."
        seen = ", ".join(f"{c.method}{'' if c.ok else '(rejected)'}" for c in self._calls)
        return f"Methods seen so far: {seen}"

    def messages(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Copies of stored (non-ephemeral) messages, with chat.update edits applied."""
        with self._cond:
            wanted = self._normalize_channel(channel) if channel is not None else None
            return [copy.deepcopy(m) for m in self._messages if wanted is None or m["channel"] == wanted]

    def ephemeral_messages(self, channel: str | None = None, *, user: str | None = None) -> list[dict[str, Any]]:
        """Copies of messages sent with chat.postEphemeral (Slack does not store these)."""
        with self._cond:
            wanted = self._normalize_channel(channel) if channel is not None else None
            return [
                copy.deepcopy(m)
                for m in self._ephemerals
                if (wanted is None or m["channel"] == wanted) and (user is None or m["user"] == user)
            ]

    @property
    def uploaded_files(self) -> dict[str, bytes]:
        """file_id -> bytes received on that file's upload URL."""
        with self._cond:
            return dict(self._file_bytes)

    def file_info(self, file_id: str) -> dict[str, Any] | None:
        """Metadata of an upload: filename, length, title, channel_id, thread_ts, ..."""
        with self._cond:
            meta = self._file_meta.get(file_id)
            return copy.deepcopy(meta) if meta is not None else None

    def get_view(self, view_id: str) -> dict[str, Any] | None:
        """The current state of a view opened/pushed/updated/published via the fake."""
        with self._cond:
            view = self._views.get(view_id)
            return copy.deepcopy(view) if view is not None else None

    def home_view(self, user_id: str) -> dict[str, Any] | None:
        """The App Home view last published for ``user_id``."""
        with self._cond:
            view_id = self._home_view_ids.get(user_id)
            return copy.deepcopy(self._views[view_id]) if view_id is not None else None

    @property
    def rejected_count(self) -> int:
        """Calls rejected with 429 by :meth:`set_rate_limits` (not by :meth:`fail_next`)."""
        with self._cond:
            return self._rejected_count

    def reset(self) -> None:
        """Forget recorded calls, the rejection count and rate-limit history.

        Configuration (users, failures, limits, not-joined channels) and stored
        messages/files/views are kept.
        """
        with self._cond:
            self._calls.clear()
            self._rejected_count = 0
            self._channel_buckets.clear()
            self._workspace_window.clear()

    # ---- OAuth installs -----------------------------------------------------

    def register_oauth_app(self, client_id: str, client_secret: str) -> None:
        """The app's credentials, which ``oauth.v2.access`` checks (``invalid_client_id``, ``bad_client_secret``)."""
        with self._cond:
            self._oauth_apps[client_id] = client_secret

    def authorization_code(
        self,
        *,
        team_id: str | None = None,
        team_name: str = "",
        enterprise_id: str | None = None,
        enterprise_name: str = "",
        org_wide: bool = False,
        installer: str = "U0ADMIN",
        expires_in: int | None = None,
        refreshed_expires_in: int = 12 * 3600,
    ) -> str:
        """The ``code`` Slack puts on the redirect URL once someone approved the install: for one workspace
        (``team_id``, maybe inside ``enterprise_id``), or with ``org_wide`` for a whole Enterprise Grid org (no team).
        ``expires_in`` (seconds) is token rotation: the token expires and comes with a refresh token; the tokens
        that refresh it live ``refreshed_expires_in`` (Slack's 12 hours)."""
        if org_wide and (enterprise_id is None or team_id is not None):
            raise ValueError("an org-wide install names its enterprise and no team")
        if not org_wide and team_id is None:
            raise ValueError("a workspace install names its team")
        grant = _Grant(
            team_id=team_id,
            team_name=team_name,
            enterprise_id=enterprise_id,
            enterprise_name=enterprise_name,
            is_enterprise_install=org_wide,
            installer=installer,
            rotating=expires_in is not None,
            expires_in=expires_in,
            refreshed_expires_in=refreshed_expires_in,
        )
        with self._cond:
            code = f"{self._next_id('code').lower()}.{time.time_ns()}"
            self._codes[code] = grant
        return code

    def issued_tokens(self) -> list[str]:
        """Every bot token ``oauth.v2.access`` handed out, oldest first (refreshed ones included)."""
        with self._cond:
            return list(self._grants)

    def expire_token(self, token: str) -> None:
        """Makes an issued token expire now, as a rotating token does when nobody refreshed it in time."""
        with self._cond:
            self._grants[token].expires_at = time.time()

    # ---- files people share ------------------------------------------------

    def share_file(
        self,
        user: str,
        *,
        name: str,
        content: bytes,
        comment: str = "",
        channel: str | None = None,
    ) -> dict[str, Any]:
        """A person shares a file (in their DM with the bot unless ``channel`` is given): the file is stored,
        and the ``message`` event (subtype ``file_share``) that Slack would send for it is returned."""
        channel_id = channel or f"D{user}"
        with self._cond:
            file_id = self._next_id("F")
            ts = self._next_ts()
            filetype = name.rsplit(".", 1)[-1].lower() if "." in name else "binary"
            self._file_bytes[file_id] = content
            self._file_meta[file_id] = {
                "id": file_id,
                "created": int(float(ts)),
                "name": name,
                "filename": name,
                "title": name,
                "mimetype": mimetypes.guess_type(name)[0] or "application/octet-stream",
                "filetype": filetype,
                "user": user,
                "size": len(content),
                "url_private": f"{self.base_url}/files-pri/{self.team_id}-{file_id}/{name}",
                "url_private_download": f"{self.base_url}/files-pri/{self.team_id}-{file_id}/download/{name}",
                "completed": True,
                "channels": [channel_id],
                "shared_by_person": True,
            }
            listed = _file_object(self._file_meta[file_id])
        return {
            "type": "message",
            "subtype": "file_share",
            "channel": channel_id,
            "channel_type": "im" if channel_id.startswith("D") else "channel",
            "user": user,
            "text": comment,
            "ts": ts,
            "event_ts": ts,
            "upload": True,
            "files": [listed],
        }

    # ---- configuration ---------------------------------------------------

    def add_user(
        self,
        user_id: str,
        *,
        name: str,
        real_name: str | None = None,
        tz: str = "Europe/Copenhagen",
        locale: str = "en-US",
        email: str | None = None,
        title: str = "",
        fields: dict[str, str] | None = None,
    ) -> None:
        """A member of the workspace; ``fields`` their values of custom profile fields, by field id. Adding
        someone again replaces them, as a profile edit does."""
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            # Fail at setup time, not with a confusing 500 inside users.info.
            raise ValueError(f"unknown time zone {tz!r}") from exc
        with self._cond:
            self._users[user_id] = _User(user_id, name, real_name, tz, locale, email, title, dict(fields or {}))

    def add_profile_field(self, field_id: str, label: str, *, hint: str = "", is_hidden: bool = False) -> None:
        """A custom profile field an admin defined for the workspace (Slack ids look like ``Xf06054AAA``)."""
        with self._cond:
            self._profile_fields.append(
                {
                    "id": field_id,
                    "ordering": len(self._profile_fields),
                    "label": label,
                    "hint": hint,
                    "type": "text",
                    "possible_values": None,
                    "options": None,
                    "is_hidden": is_hidden,
                }
            )

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        times: int = 1,
        retry_after: int = 1,
        error: str | None = None,
        body: str | None = None,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail with HTTP ``status``.

        429 answers ``Retry-After`` plus ``{"ok": false, "error": "ratelimited"}``;
        5xx answers ``upstream error`` as text/plain; 200 needs ``error`` and
        answers ``{"ok": false, "error": error}``.  ``method`` may also be
        ``response_url``, ``file_upload`` or ``file_download``.  Failures are injected before auth
        and rate limiting, so the very next call is the one that fails.  ``body``
        answers that text as it is with ``status`` (a proxy's error page, a JSON
        answer cut short); 429 answers also carry ``Retry-After``.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        if status == 200 and error is None and body is None:
            raise ValueError("status=200 needs an error code to answer with")
        with self._cond:
            queue = self._failures.setdefault(method, deque())
            queue.extend(_Failure(status, retry_after, error, body) for _ in range(times))

    def set_channel_not_joined(self, channel: str) -> None:
        """chat.postMessage to ``channel`` fails with not_in_channel until it is joined."""
        with self._cond:
            self._not_joined.add(channel)

    def set_rate_limits(
        self,
        *,
        per_channel_per_second: float | None = None,
        workspace_per_minute: int | None = None,
        per_channel_burst: int = 1,
        workspace_window_seconds: float = 60.0,
    ) -> None:
        """Throttle chat.postMessage/postEphemeral/update like Slack; ``None`` disables.

        Per channel is a token bucket refilling one message every
        ``1/per_channel_per_second`` seconds, holding ``1 + per_channel_burst``
        tokens (so by default two back-to-back messages pass, the third is
        rejected).  The workspace limit is a sliding 60 s window; a shorter
        ``workspace_window_seconds`` keeps a test short, the limit scaled with it
        (``workspace_per_minute`` stays a rate).  Rejected calls answer 429 with
        ``Retry-After`` = ceil(seconds until the call would pass) and do not
        consume quota.
        """
        if per_channel_per_second is not None and per_channel_per_second <= 0:
            raise ValueError("per_channel_per_second must be > 0")
        if workspace_per_minute is not None and workspace_per_minute < 1:
            raise ValueError("workspace_per_minute must be >= 1")
        if per_channel_burst < 0:
            raise ValueError("per_channel_burst must be >= 0")
        if workspace_window_seconds <= 0:
            raise ValueError("workspace_window_seconds must be > 0")
        with self._cond:
            self._channel_interval = 1.0 / per_channel_per_second if per_channel_per_second is not None else None
            self._channel_capacity = 1.0 + per_channel_burst
            self._workspace_limit = (
                None
                if workspace_per_minute is None
                else max(1, round(workspace_per_minute * workspace_window_seconds / 60.0))
            )
            self._workspace_window_seconds = workspace_window_seconds
            self._channel_buckets.clear()
            self._workspace_window.clear()

    # ---- request handling ------------------------------------------------

    def _handle_http(self, verb: str, raw_path: str, headers: Message, body: bytes) -> _Reply:
        received = time.monotonic()
        split = urlsplit(raw_path)
        if split.path.startswith("/api/"):
            return self._handle_api(split.path[len("/api/") :], split.query, headers, body, received)
        url = f"{self.base_url}{split.path}"
        if split.path.startswith("/actions/") and verb == "POST":
            return self._handle_response_url(url, headers, body, received)
        if split.path.startswith("/upload/") and verb in ("POST", "PUT"):
            return self._handle_upload(url, split.path[len("/upload/") :], headers, body, received)
        if split.path.startswith("/files-pri/") and verb == "GET":
            return self._handle_download(url, split.path[len("/files-pri/") :], headers, received)
        return _text_reply(404, "not found")

    def _record_locked(self, call: Call) -> None:
        self._calls.append(call)
        self._cond.notify_all()

    def _take_failure_locked(self, method: str) -> _Reply | None:
        queue = self._failures.get(method)
        if not queue:
            return None
        failure = queue.popleft()
        if failure.body is not None:
            reply = _text_reply(failure.status, failure.body)
            reply.ok = False
            if failure.status == 429:
                reply.headers["Retry-After"] = str(failure.retry_after)
            return reply
        if failure.status == 429:
            return _rate_limited(failure.retry_after, failure.error or "ratelimited")
        if 500 <= failure.status < 600:
            return _text_reply(failure.status, "upstream error")
        if failure.status == 200:
            return _err(failure.error or "fatal_error")
        return _json_reply(
            {"ok": False, "error": failure.error or f"http_{failure.status}"},
            status=failure.status,
        )

    def _handle_api(self, method: str, query: str, headers: Message, body: bytes, received: float) -> _Reply:
        params = _form_to_dict(query)
        parse_error: str | None = None
        try:
            params.update(_parse_body(headers.get("Content-Type", ""), body))
        except _BadRequestError as exc:
            parse_error = str(exc)
        keys = _JSON_PARAM_KEYS + (("files",) if method == "files.completeUploadExternal" else ())
        _decode_json_values(params, keys)
        param_token = params.pop("token", None)
        token = _bearer_token(headers) or _str_or_none(param_token)

        with self._cond:
            if parse_error is not None:
                reply = _err(parse_error)
            elif method == "oauth.v2.access":
                reply = self._take_failure_locked(method) or self._oauth_v2_access(params, _basic_credentials(headers))
            else:
                reply = self._api_locked(method, copy.deepcopy(params), token)
            self._record_locked(Call(method, params, token, received, ok=reply.ok))
        return reply

    def _api_locked(self, method: str, params: dict[str, Any], token: str | None) -> _Reply:
        failure = self._take_failure_locked(method)
        if failure is not None:
            return failure
        if token is None:
            return _err("not_authed")
        if token != self.bot_token:
            grant = self._grants.get(token)
            if grant is None:
                return _err("invalid_auth")
            if grant.expires_at is not None and time.time() >= grant.expires_at:
                return _err("token_expired")
        if method == "auth.test":
            return self._auth_test(params, token=token)
        handler = self._handlers.get(method)
        if handler is None:
            return _err("unknown_method")
        if method in _RATE_LIMITED_METHODS:
            channel = _str_or_none(params.get("channel"))
            if channel is not None:
                limited = self._check_rate_limit_locked(self._normalize_channel(channel))
                if limited is not None:
                    return limited
        return handler(params)

    def _check_rate_limit_locked(self, channel: str) -> _Reply | None:
        now = time.monotonic()
        wait = 0.0
        tokens = 0.0
        interval = self._channel_interval
        if interval is not None:
            stored_tokens, last = self._channel_buckets.get(channel, (self._channel_capacity, now))
            tokens = min(self._channel_capacity, stored_tokens + (now - last) / interval)
            # Epsilon: a client pacing itself exactly at the limit must pass.
            if tokens < 1.0 - 1e-9:
                wait = max(wait, (1.0 - tokens) * interval)
        limit = self._workspace_limit
        if limit is not None:
            window = self._workspace_window
            span = self._workspace_window_seconds
            while window and window[0] <= now - span:
                window.popleft()
            if len(window) >= limit:
                wait = max(wait, window[0] + span - now)
        if wait > 0:
            self._rejected_count += 1
            return _rate_limited(max(1, math.ceil(wait)))
        if interval is not None:
            self._channel_buckets[channel] = (tokens - 1.0, now)
        if limit is not None:
            self._workspace_window.append(now)
        return None

    def _handle_response_url(self, url: str, headers: Message, body: bytes, received: float) -> _Reply:
        try:
            params = _parse_body(headers.get("Content-Type", ""), body)
        except _BadRequestError:
            params = {"_raw": body.decode("utf-8", "replace")}
        # Legacy form-encoded posts wrap the JSON in a "payload" field.
        if set(params) == {"payload"} and isinstance(params["payload"], str):
            with contextlib.suppress(ValueError, TypeError):
                params = dict(json.loads(params["payload"]))
        _decode_json_values(params, _JSON_PARAM_KEYS)
        params["_url"] = url
        with self._cond:
            reply = self._take_failure_locked("response_url")
            if reply is None:
                reply = _ok() if url in self._response_urls else _text_reply(404, "no_service")
            self._record_locked(Call("response_url", params, _bearer_token(headers), received, ok=reply.ok))
        return reply

    def _handle_upload(self, url: str, file_id: str, headers: Message, body: bytes, received: float) -> _Reply:
        params: dict[str, Any] = {"_bytes": len(body), "_url": url, "_file_id": file_id}
        with self._cond:
            reply = self._take_failure_locked("file_upload")
            if reply is None:
                if file_id in self._file_meta:
                    self._file_bytes[file_id] = body
                    self._file_meta[file_id]["size"] = len(body)
                    reply = _text_reply(200, f"OK - {len(body)}")
                else:
                    reply = _text_reply(404, "file_not_found")
            self._record_locked(Call("file_upload", params, _bearer_token(headers), received, ok=reply.ok))
        return reply

    def _handle_download(self, url: str, rest: str, headers: Message, received: float) -> _Reply:
        """``url_private(_download)``: ``<team>-<file id>/[download/]<name>``, the bytes for the bot token only."""
        file_id = rest.split("/", 1)[0].removeprefix(f"{self.team_id}-")
        token = _bearer_token(headers)
        with self._cond:
            reply = self._take_failure_locked("file_download")
            if reply is None:
                content = self._file_bytes.get(file_id)
                if token != self.bot_token:
                    # Slack, too, answers a request without the token with its sign-in page, not an error.
                    reply = _Reply(200, b"<!DOCTYPE html><html><body>Sign in to Slack</body></html>", "text/html")
                elif content is None:
                    reply = _text_reply(404, "file_not_found")
                else:
                    mimetype = self._file_meta.get(file_id, {}).get("mimetype") or "application/octet-stream"
                    reply = _Reply(200, content, str(mimetype))
            params = {"_url": url, "_file_id": file_id}
            self._record_locked(Call("file_download", params, token, received, ok=reply.ok))
        return reply

    # ---- id helpers (call with the lock held) ----------------------------

    def _next_ts(self) -> str:
        micros = _TS_BASE_MICROS + self._ts_counter * _TS_STEP_MICROS
        self._ts_counter += 1
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_id(self, prefix: str) -> str:
        self._id_counter += 1
        return f"{prefix}{self._id_counter:09d}"

    @staticmethod
    def _normalize_channel(channel: str) -> str:
        # Posting to a user ID opens (or reuses) the DM with them; keep it stable
        # so tests can predict the DM channel from the user ID.
        if channel[:1] in ("U", "W"):
            return f"D{channel}"
        return channel

    # ---- Web API methods ---------------------------------------------------

    def _auth_test(self, params: dict[str, Any], *, token: str | None = None) -> _Reply:
        grant = self._grants.get(token or "")
        if grant is not None:
            # An org-wide token belongs to the org: Slack names the enterprise, and no single workspace.
            reply = _ok(
                {
                    "url": f"https://{(grant.team_id or grant.enterprise_id or '').lower()}.fake.slack/",
                    "team": grant.team_name or grant.enterprise_name,
                    "user": "cobot",
                    "team_id": grant.team_id or grant.enterprise_id,
                    "user_id": self.bot_user_id,
                    "bot_id": BOT_ID,
                    "enterprise_id": grant.enterprise_id,
                    "is_enterprise_install": grant.is_enterprise_install,
                }
            )
        else:
            reply = _ok(
                {
                    "url": "https://fake.slack/",
                    "team": "Fake Team",
                    "user": "cobot",
                    "team_id": self.team_id,
                    "user_id": self.bot_user_id,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            )
        scopes = self.granted_scopes
        if scopes is None:
            from bot.slack.manifest import build_manifest

            scopes = build_manifest(request_url=None, socket_mode=True)["oauth_config"]["scopes"]["bot"]
        reply.headers["x-oauth-scopes"] = ",".join(scopes)
        return reply

    def add_channel(self, channel_id: str, *, name: str, is_member: bool = True, is_archived: bool = False) -> None:
        """A channel ``conversations.info`` knows (any other id is ``channel_not_found``)."""
        with self._cond:
            self.channels[channel_id] = {
                "id": channel_id,
                "name": name,
                "is_channel": True,
                "is_member": is_member,
                "is_archived": is_archived,
            }

    def _conversations_info(self, params: dict[str, Any]) -> _Reply:
        scopes = self.granted_scopes
        if scopes is not None and "channels:read" not in scopes:
            return _err("missing_scope", {"needed": "channels:read", "provided": ",".join(scopes)})
        found = self.channels.get(str(params.get("channel") or ""))
        if found is None:
            return _err("channel_not_found")
        return _ok({"channel": dict(found)})

    def _oauth_v2_access(self, params: dict[str, Any], credentials: tuple[str, str] | None) -> _Reply:
        """Slack's answer to ``oauth.v2.access``: a code exchanged (``grant_type`` authorization_code, the
        default) or a rotating token refreshed (``grant_type=refresh_token``), as Slack documents them."""
        client_id, secret = credentials or (
            str(params.get("client_id") or ""),
            str(params.get("client_secret") or ""),
        )
        if client_id not in self._oauth_apps:
            return _err("invalid_client_id")
        if self._oauth_apps[client_id] != secret:
            return _err("bad_client_secret")
        if params.get("grant_type") == "refresh_token":
            refreshed = self._refresh_tokens.pop(str(params.get("refresh_token") or ""), None)
            if refreshed is None:
                return _err("invalid_refresh_token")
            grant = replace(refreshed, expires_in=refreshed.refreshed_expires_in)
        else:
            grant = self._codes.pop(str(params.get("code") or ""), None)
            if grant is None:
                return _err("invalid_code")
        issued = copy.copy(grant)
        prefix = "xoxe.xoxb-1-" if grant.rotating else "xoxb-"
        token = f"{prefix}{self._next_id('').lower()}-{time.time_ns()}"
        answer: dict[str, Any] = {
            "access_token": token,
            "token_type": "bot",
            "scope": "commands,chat:write,users:read",
            "bot_user_id": self.bot_user_id,
            "app_id": APP_ID,
            "team": {"id": grant.team_id, "name": grant.team_name} if grant.team_id else None,
            "enterprise": ({"id": grant.enterprise_id, "name": grant.enterprise_name} if grant.enterprise_id else None),
            "is_enterprise_install": grant.is_enterprise_install,
            "authed_user": {"id": grant.installer},
        }
        if grant.rotating and grant.expires_in is not None:
            refresh = f"xoxe-1-{self._next_id('').lower()}-{time.time_ns()}"
            issued.expires_at = time.time() + grant.expires_in
            self._refresh_tokens[refresh] = grant
            answer.update(expires_in=grant.expires_in, refresh_token=refresh)
        self._grants[token] = issued
        return _ok(answer)

    def _message_content_error(self, params: dict[str, Any]) -> _Reply | None:
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_MESSAGE_TEXT:
            return _err("msg_too_long")
        if "blocks" in params:
            errors = block_errors(params["blocks"], limit=MAX_MESSAGE_BLOCKS)
            if errors:
                return _blocks_error(errors)
        has_text = text is not None and str(text) != ""
        has_blocks = bool(params.get("blocks"))
        has_attachments = bool(params.get("attachments"))
        if not (has_text or has_blocks or has_attachments):
            return _err("no_text")
        return None

    def _chat_post_message(self, params: dict[str, Any]) -> _Reply:
        raw_channel = _str_or_none(params.get("channel"))
        if raw_channel is None:
            return _err("channel_not_found")
        channel = self._normalize_channel(raw_channel)
        content_error = self._message_content_error(params)
        if content_error is not None:
            return content_error
        if raw_channel in self._not_joined or channel in self._not_joined:
            return _err("not_in_channel")
        message: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "ts": self._next_ts(),
            "text": str(params.get("text") or ""),
            "blocks": params.get("blocks") or [],
            "thread_ts": _str_or_none(params.get("thread_ts")),
            "user": self.bot_user_id,
            "bot_id": BOT_ID,
            "app_id": APP_ID,
            "team": self.team_id,
        }
        for key in ("attachments", "metadata"):
            if params.get(key):
                message[key] = params[key]
        if _truthy(params.get("reply_broadcast")):
            message["reply_broadcast"] = True
        self._messages.append(message)
        return _ok({"channel": channel, "ts": message["ts"], "message": _public(message)})

    def _chat_update(self, params: dict[str, Any]) -> _Reply:
        raw_channel = _str_or_none(params.get("channel"))
        ts = _str_or_none(params.get("ts"))
        if raw_channel is None:
            return _err("channel_not_found")
        channel = self._normalize_channel(raw_channel)
        message = next((m for m in self._messages if m["channel"] == channel and m["ts"] == ts), None)
        if message is None:
            return _err("message_not_found")
        content_error = self._message_content_error(params)
        if content_error is not None:
            return content_error
        # Slack keeps fields the update omits (e.g. blocks when only text is sent).
        if "text" in params:
            message["text"] = str(params["text"] or "")
        for key in ("blocks", "attachments", "metadata"):
            if key in params:
                message[key] = params[key]
        message["edited"] = {"user": self.bot_user_id, "ts": self._next_ts()}
        return _ok(
            {
                "channel": channel,
                "ts": message["ts"],
                "text": message["text"],
                "message": _public(message),
            }
        )

    def _chat_post_ephemeral(self, params: dict[str, Any]) -> _Reply:
        raw_channel = _str_or_none(params.get("channel"))
        if raw_channel is None:
            return _err("channel_not_found")
        user = _str_or_none(params.get("user"))
        if user is None:
            return _err("user_not_found")
        content_error = self._message_content_error(params)
        if content_error is not None:
            return content_error
        ts = self._next_ts()
        self._ephemerals.append(
            {
                "type": "message",
                "channel": self._normalize_channel(raw_channel),
                "user": user,
                "ts": ts,
                "text": str(params.get("text") or ""),
                "blocks": params.get("blocks") or [],
                "thread_ts": _str_or_none(params.get("thread_ts")),
                "bot_id": BOT_ID,
            }
        )
        return _ok({"message_ts": ts})

    def _chat_get_permalink(self, params: dict[str, Any]) -> _Reply:
        channel = _str_or_none(params.get("channel"))
        message_ts = _str_or_none(params.get("message_ts"))
        if channel is None:
            return _err("channel_not_found")
        if message_ts is None:
            return _err("message_not_found")
        channel = self._normalize_channel(channel)
        return _ok(
            {
                "channel": channel,
                "permalink": f"https://fake.slack/archives/{channel}/p{message_ts.replace('.', '')}",
            }
        )

    def _conversations_join(self, params: dict[str, Any]) -> _Reply:
        channel = _str_or_none(params.get("channel"))
        if channel is None:
            return _err("channel_not_found")
        self._not_joined.discard(channel)
        return _ok({"channel": {"id": channel, "is_channel": True, "is_member": True}})

    def _conversations_open(self, params: dict[str, Any]) -> _Reply:
        existing = _str_or_none(params.get("channel"))
        if existing is not None:
            return _ok({"channel": {"id": existing}, "already_open": True})
        users = [u for u in str(params.get("users") or "").split(",") if u.strip()]
        if not users:
            return _err("users_list_not_supplied")
        if len(users) == 1:
            channel_id = f"D{users[0].strip()}"
        else:
            digest = hashlib.sha1(",".join(sorted(u.strip() for u in users)).encode()).hexdigest()
            channel_id = f"G{digest[:10].upper()}"
        return _ok({"channel": {"id": channel_id}})

    def _users_info(self, params: dict[str, Any]) -> _Reply:
        user = self._users.get(str(params.get("user") or ""))
        if user is None:
            return _err("user_not_found")
        real_name = user.real_name or user.name
        offset = datetime.now(ZoneInfo(user.tz)).utcoffset()
        profile: dict[str, Any] = {
            "display_name": user.name,
            "display_name_normalized": user.name,
            "real_name": real_name,
            "real_name_normalized": real_name,
        }
        if user.email is not None:
            profile["email"] = user.email
        profile["title"] = user.title
        obj: dict[str, Any] = {
            "id": user.user_id,
            "team_id": self.team_id,
            "name": user.name,
            "real_name": real_name,
            "deleted": False,
            "is_bot": False,
            "tz": user.tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": profile,
        }
        if _truthy(params.get("include_locale")):
            obj["locale"] = user.locale
        return _ok({"user": obj})

    def _users_profile_get(self, params: dict[str, Any]) -> _Reply:
        """As https://api.slack.com/methods/users.profile.get documents it: custom fields come keyed by field id,
        each as ``{"value": …, "alt": …}``, and ``fields`` is null for someone who filled in none."""
        user = self._users.get(str(params.get("user") or ""))
        if user is None:
            return _err("user_not_found")
        real_name = user.real_name or user.name
        first, _, last = real_name.partition(" ")
        profile: dict[str, Any] = {
            "title": user.title,
            "phone": "",
            "skype": "",
            "real_name": real_name,
            "real_name_normalized": real_name,
            "display_name": user.name,
            "display_name_normalized": user.name,
            "fields": {key: {"value": value, "alt": ""} for key, value in user.fields.items()} or None,
            "status_text": "",
            "status_emoji": "",
            "status_expiration": 0,
            "avatar_hash": "ge3b51ca72de",
            "first_name": first,
            "last_name": last,
        }
        if user.email is not None:
            profile["email"] = user.email
        return _ok({"profile": profile})

    def _team_profile_get(self, params: dict[str, Any]) -> _Reply:
        """As https://api.slack.com/methods/team.profile.get documents it: the field definitions, with ids."""
        visibility = str(params.get("visibility") or "all")
        fields = [
            dict(f)
            for f in self._profile_fields
            if visibility == "all" or bool(f["is_hidden"]) == (visibility == "hidden")
        ]
        return _ok({"profile": {"fields": fields}})

    def _store_view(
        self, view: dict[str, Any], *, view_id: str | None, root_view_id: str | None = None
    ) -> dict[str, Any]:
        previous = self._views.get(view_id) if view_id is not None else None
        new_id = view_id or self._next_id("V")
        stored: dict[str, Any] = {
            **view,
            "id": new_id,
            "team_id": self.team_id,
            "app_id": APP_ID,
            "bot_id": BOT_ID,
            "hash": f"{time.time():.6f}.{self._next_id('h')}",
            "state": {"values": {}},
            "private_metadata": view.get("private_metadata", ""),
            "callback_id": view.get("callback_id", ""),
            "external_id": view.get("external_id", ""),
            "root_view_id": (previous or {}).get("root_view_id") or root_view_id or new_id,
            "previous_view_id": None,
        }
        self._views[new_id] = stored
        if stored["external_id"]:
            self._view_ids_by_external[str(stored["external_id"])] = new_id
        return copy.deepcopy(stored)

    def _view_from_params(self, params: dict[str, Any]) -> tuple[dict[str, Any] | None, _Reply | None]:
        view = params.get("view")
        if view is None:
            return None, _arguments_error(["missing required field: view [json-pointer:/view]"])
        errors = view_errors(view)
        if any(DUPLICATE_ACTION_ID in e for e in errors):
            return None, _blocks_error(errors)  # Slack names the blocks for this one, in a view as in a message
        if errors:
            return None, _arguments_error(errors)
        return cast(dict[str, Any], view), None

    def _trigger_error(self, params: dict[str, Any]) -> _Reply | None:
        trigger_id = _str_or_none(params.get("trigger_id"))
        if trigger_id is None and _str_or_none(params.get("interactivity_pointer")) is None:
            return _arguments_error(["missing required field: trigger_id"])
        if trigger_id == "expired":
            return _err("expired_trigger_id")
        return None

    def _views_open(self, params: dict[str, Any]) -> _Reply:
        trigger_error = self._trigger_error(params)
        if trigger_error is not None:
            return trigger_error
        view, error = self._view_from_params(params)
        if error is not None or view is None:
            return error or _err("invalid_arguments")
        return _ok({"view": self._store_view(view, view_id=None)})

    def _views_push(self, params: dict[str, Any]) -> _Reply:
        trigger_error = self._trigger_error(params)
        if trigger_error is not None:
            return trigger_error
        view, error = self._view_from_params(params)
        if error is not None or view is None:
            return error or _err("invalid_arguments")
        return _ok({"view": self._store_view(view, view_id=None)})

    def _views_update(self, params: dict[str, Any]) -> _Reply:
        view_id = _str_or_none(params.get("view_id"))
        external_id = _str_or_none(params.get("external_id"))
        if view_id is None and external_id is None:
            return _arguments_error(["must provide view_id or external_id"])
        if view_id is None and external_id is not None:
            # external_id only exists if the app set it via this fake, so an
            # unknown one is a real bug; unknown view_ids are accepted because
            # tests commonly fabricate interaction payloads with made-up IDs.
            view_id = self._view_ids_by_external.get(external_id)
            if view_id is None:
                return _err("not_found")
        view, error = self._view_from_params(params)
        if error is not None or view is None:
            return error or _err("invalid_arguments")
        return _ok({"view": self._store_view(view, view_id=view_id)})

    def _views_publish(self, params: dict[str, Any]) -> _Reply:
        user_id = _str_or_none(params.get("user_id"))
        if user_id is None:
            return _arguments_error(["missing required field: user_id"])
        view, error = self._view_from_params(params)
        if error is not None or view is None:
            return error or _err("invalid_arguments")
        # Slack keeps one App Home view per user and reuses its ID.
        stored = self._store_view(view, view_id=self._home_view_ids.get(user_id))
        self._home_view_ids[user_id] = stored["id"]
        return _ok({"view": stored})

    def _reactions_add(self, params: dict[str, Any]) -> _Reply:
        return _ok()

    def _files_get_upload_url_external(self, params: dict[str, Any]) -> _Reply:
        filename = _str_or_none(params.get("filename"))
        try:
            length = int(params.get("length") or 0)
        except (TypeError, ValueError):
            length = 0
        if filename is None or length <= 0:
            return _arguments_error(["filename and a positive length are required"])
        file_id = self._next_id("F")
        self._file_meta[file_id] = {
            "id": file_id,
            "filename": filename,
            "length": length,
            "alt_txt": params.get("alt_txt"),
            "snippet_type": params.get("snippet_type"),
            "completed": False,
        }
        return _ok({"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id})

    def _files_info(self, params: dict[str, Any]) -> _Reply:
        file_id = _str_or_none(params.get("file"))
        meta = self._file_meta.get(file_id or "")
        if meta is None or not meta.get("completed"):
            return _err("file_not_found")
        return _ok({"file": _file_object(meta)})

    def _files_complete_upload_external(self, params: dict[str, Any]) -> _Reply:
        files = params.get("files")
        if not isinstance(files, list) or not files:
            return _arguments_error(["files must be a non-empty JSON array"])
        completed: list[dict[str, Any]] = []
        for entry in files:
            file_id = entry.get("id") if isinstance(entry, dict) else None
            # Slack refuses to complete a file whose bytes never arrived.
            if file_id not in self._file_bytes:
                return _err("file_not_found")
            meta = self._file_meta[file_id]
            meta.update(
                {
                    "completed": True,
                    "title": entry.get("title") or meta["filename"],
                    "channel_id": _str_or_none(params.get("channel_id")),
                    "channels": _str_or_none(params.get("channels")),
                    "thread_ts": _str_or_none(params.get("thread_ts")),
                    "initial_comment": _str_or_none(params.get("initial_comment")),
                }
            )
            completed.append(
                {
                    "id": file_id,
                    "name": meta["filename"],
                    "title": meta["title"],
                    "size": len(self._file_bytes[file_id]),
                    "mimetype": mimetypes.guess_type(meta["filename"])[0] or "application/octet-stream",
                    "url_private": f"https://fake.slack/files/{file_id}/{meta['filename']}",
                    "permalink": f"https://fake.slack/files/{self.bot_user_id}/{file_id}",
                }
            )
        return _ok({"files": completed})


def _file_object(meta: dict[str, Any]) -> dict[str, Any]:
    """A file as files.info describes it (the fake's bookkeeping left out)."""
    return {k: copy.deepcopy(v) for k, v in meta.items() if k not in ("completed", "shared_by_person", "length")}


def _public(message: dict[str, Any]) -> dict[str, Any]:
    # Slack's "message" in responses has no channel key and omits absent fields.
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "channel" and v is not None}
