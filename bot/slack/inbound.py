"""The gate in front of Bolt on Slack's HTTP endpoint: the signature is checked on the raw body before anything
parses it, and a signed body whose shape Slack never sends is answered 400 before Bolt reads it.

Bolt parses the body (and reads ids out of it) while it builds its request, before its own signature check runs:
an unsigned body that is not JSON ended there as a 500 with a traceback, and so did a signed one whose ``user`` was
a number or whose ``actions`` list was empty. Here every request is answered: 401 unsigned or stale, 400 with one
WARNING line for a body that is not one of Slack's shapes, and Bolt gets the rest, unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import json
import logging
import time
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlsplit

log = logging.getLogger(__name__)

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

SIGNATURE_WINDOW_SECONDS = 5 * 60  # Slack's: an older timestamp is a replayed request
MAX_BODY_BYTES = 1_000_000  # Slack's largest payloads (a modal's state) stay far below this

# Fields Bolt or Cobot's listeners read as objects (or ids), and what each may be.
_OBJECT_OR_ID = ("user", "team", "channel", "enterprise")
_OBJECT = ("view", "container", "message", "previous_message", "item", "function_data", "assistant_thread")
_TEXT = (
    "type",
    "team_id",
    "user_id",
    "channel_id",
    "enterprise_id",
    "callback_id",
    "trigger_id",
    "response_url",
    "thread_ts",
    "ts",
    "command",
    "private_metadata",
    "action_id",
    "block_id",
    "value",
    "reaction",
    "subtype",
    "tab",
    "bot_id",
    "user_team",
    "event_id",
)
_LIST_OF_OBJECTS = ("authorizations", "response_urls", "files", "selected_options")
# Objects whose own fields are checked too (a message's blocks, say, are Slack's to shape and Bolt's to ignore).
_CHECKED_INSIDE = frozenset(_OBJECT_OR_ID + _OBJECT + ("event", "selected_option", "values"))
_PLAIN_TEXT_AT = frozenset({"body", "body.event", "body.event.message"})  # elsewhere "text" is a text object


# Interactions a person makes: Slack always says who (``user.id``), and Cobot acts as that person.
_PERSONAL_INTERACTIONS = frozenset(
    {"block_actions", "view_submission", "view_closed", "shortcut", "message_action", "block_suggestion"}
)


class MalformedRequest(ValueError):
    """A signed body that is not one of the shapes Slack sends."""


def parse_body(text: str, content_type: str) -> dict[str, Any]:
    """The body as Bolt will parse it (JSON, ``payload=<json>`` or form fields), or ``MalformedRequest``."""
    try:
        if content_type == "application/json" or text.startswith("{"):
            parsed: Any = json.loads(text) if text else {}
        else:
            fields = dict(parse_qsl(text, keep_blank_values=True))
            parsed = json.loads(fields["payload"]) if "payload" in text and "payload" in fields else fields
    except ValueError as error:
        raise MalformedRequest(f"not JSON ({error.__class__.__name__})") from None
    if not isinstance(parsed, dict):
        raise MalformedRequest(f"a JSON {type(parsed).__name__}, not an object")
    return parsed


def check_shape(node: Any, *, where: str = "body", web_hosts: frozenset[str] = frozenset()) -> None:
    """Raises ``MalformedRequest`` where a field Bolt or Cobot reads has a type Slack never sends there."""
    if not isinstance(node, dict):
        raise MalformedRequest(f"{where} is not an object")
    for key, value in node.items():
        if value is None:
            continue
        path = f"{where}.{key}"
        if key in _OBJECT_OR_ID and not isinstance(value, dict | str):
            raise MalformedRequest(f"{path} is a {type(value).__name__}")
        if key in _OBJECT and not isinstance(value, dict):
            raise MalformedRequest(f"{path} is not an object")
        texts = key in _TEXT or (key == "text" and where in _PLAIN_TEXT_AT)
        if texts and not isinstance(value, str) and not (key == "ts" and isinstance(value, int | float)):
            raise MalformedRequest(f"{path} is a {type(value).__name__}, not text")
        if key in _LIST_OF_OBJECTS and not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
            raise MalformedRequest(f"{path} is not a list of objects")
        if isinstance(value, dict) and key in _CHECKED_INSIDE:
            check_shape(value, where=path, web_hosts=web_hosts)
        elif key in _LIST_OF_OBJECTS:
            for index, item in enumerate(value):
                check_shape(item, where=f"{path}[{index}]", web_hosts=web_hosts)
    if where == "body":
        _check_kind(node, web_hosts=web_hosts)


def _check_kind(body: dict[str, Any], *, web_hosts: frozenset[str]) -> None:
    kind = body.get("type")
    if kind == "event_callback" and not (isinstance(body.get("event"), dict) and body["event"].get("type")):
        raise MalformedRequest("an event_callback without an event type")
    if "event" in body and not isinstance(body["event"], dict):
        raise MalformedRequest("body.event is not an object")
    urls = [body.get("response_url")] + [u.get("response_url") for u in body.get("response_urls") or []]
    for url in urls:
        if url is not None and not _is_slack_address(url, web_hosts=web_hosts):
            raise MalformedRequest("a response_url that is not one of Slack's addresses")
    if kind in _PERSONAL_INTERACTIONS:
        user = body.get("user")
        if not (isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]):
            raise MalformedRequest(f"{kind} without the user who acted")
    if "command" in body and not (isinstance(body.get("user_id"), str) and body["user_id"]):
        raise MalformedRequest("a slash command without the user who typed it")
    if kind == "interactive_message" and "callback_id" in body:  # Bolt reads its first action
        legacy = body.get("actions")
        if not (isinstance(legacy, list) and legacy and all(isinstance(a, dict) for a in legacy)):
            raise MalformedRequest("interactive_message without actions")
    if kind == "workflow_step_edit" and "callback_id" in body and not isinstance(body.get("workflow_step"), dict):
        raise MalformedRequest("workflow_step_edit without a workflow_step")
    if kind == "block_actions":
        actions = body.get("actions")
        if not (isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)):
            raise MalformedRequest("block_actions without actions")
        if not all(isinstance(a.get("action_id"), str) for a in actions):
            raise MalformedRequest("an action without an action_id")
        for action in actions:
            check_shape(action, where="body.actions[]")
    if kind in ("view_submission", "view_closed"):
        view = body.get("view")
        if not (
            isinstance(view, dict) and isinstance(view.get("type"), str) and isinstance(view.get("callback_id"), str)
        ):
            raise MalformedRequest(f"{kind} without a view with a type and a callback_id")
        if view["type"] == "workflow_step" and not isinstance(body.get("workflow_step"), dict):
            raise MalformedRequest("a workflow_step view without its workflow_step")
    view = body.get("view")
    if isinstance(view, dict):
        if not isinstance(view.get("state") or {}, dict):
            raise MalformedRequest("body.view.state is not an object")  # a legacy dialog's state is text
        values = (view.get("state") or {}).get("values")
        if values is not None and not (
            isinstance(values, dict)
            and all(isinstance(b, dict) and all(isinstance(e, dict) for e in b.values()) for b in values.values())
        ):
            raise MalformedRequest("body.view.state.values is not blocks of elements")
        for block in (values or {}).values():
            for element in block.values():
                picked = element.get("selected_date")
                if picked is not None:
                    try:
                        date.fromisoformat(str(picked))
                    except ValueError:
                        raise MalformedRequest("a selected_date that is not a date") from None
    if isinstance(body.get("actions"), list):
        for action in body["actions"]:
            if not isinstance(action, dict):
                raise MalformedRequest("an action that is not an object")


def _is_slack_address(url: Any, *, web_hosts: frozenset[str]) -> bool:
    """Slack's response_urls are on slack.com (hooks.slack.com); ``web_hosts`` adds the host of SLACK_API_URL, where
    a Slack stand-in answers. Cobot posts late replies to these addresses, so no other host is taken."""
    if not isinstance(url, str):
        return False
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and (host == "slack.com" or host.endswith(".slack.com")):
        return True
    return parts.scheme in ("https", "http") and host in web_hosts


def signature_is_valid(
    raw: bytes, *, timestamp: str | None, signature: str | None, secret: str, now: float | None = None
) -> bool:
    """Slack's check, on the bytes as they came (``slack_sdk``'s verifier decodes them first, and fails on bytes
    that are not UTF-8): HMAC-SHA256 of ``v0:{timestamp}:{body}``, the timestamp within five minutes."""
    if not timestamp or not signature or not timestamp.isdecimal():
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > SIGNATURE_WINDOW_SECONDS:
        return False
    expected = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return hmac.compare_digest("v0=" + expected, signature)


def _answer(start_response: Callable[..., Any], status: str, error: str) -> Iterable[bytes]:
    body = json.dumps({"error": error}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def signed_requests_only(
    slack: WsgiApp, *, path: str, signing_secret: str | None, api_url: str | None = None
) -> WsgiApp:
    """Wraps Bolt's WSGI handler: the signature is checked on the raw body, then the body's shape; Bolt gets the
    same bytes (and checks the signature once more itself). ``signing_secret`` None (Socket Mode) checks shapes
    only. ``api_url`` is SLACK_API_URL: response_urls on its host are Slack's too."""
    web_hosts = frozenset({(urlsplit(api_url).hostname or "").lower()} - {""}) if api_url else frozenset()

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") != path:
            return slack(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return _answer(start_response, "400 Bad Request", "invalid content length")
        if length < 0 or length > MAX_BODY_BYTES:
            return _answer(start_response, "413 Content Too Large", "request too large")
        raw = environ["wsgi.input"].read(length) if length else b""
        if signing_secret and not signature_is_valid(
            raw,
            timestamp=environ.get("HTTP_X_SLACK_REQUEST_TIMESTAMP"),
            signature=environ.get("HTTP_X_SLACK_SIGNATURE"),
            secret=signing_secret,
        ):
            return _answer(start_response, "401 Unauthorized", "invalid request")
        content_type = str(environ.get("CONTENT_TYPE") or "").split(";")[0].strip().lower()
        try:
            text = raw.decode("utf-8")
            check_shape(parse_body(text, content_type), web_hosts=web_hosts)
        except UnicodeDecodeError:
            log.warning("a signed Slack request whose body is not UTF-8 was refused")
            return _answer(start_response, "400 Bad Request", "malformed request")
        except MalformedRequest as problem:
            log.warning("a signed Slack request was refused: %s", problem)
            return _answer(start_response, "400 Bad Request", "malformed request")
        environ["wsgi.input"] = io.BytesIO(raw)
        environ["CONTENT_LENGTH"] = str(len(raw))
        return slack(environ, start_response)

    return application
