"""The web core under WSGI (``cobot serve``'s gunicorn, the tests' loopback server): an environ becomes a
``WebRequest``, a ``WebResponse`` becomes the status, headers and body."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

from bot.web.core import WebRequest, WebResponse

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_DRAIN_LIMIT = 64 * 1024 * 1024  # past this an oversized body is not read to its end: the connection is closed
_CHUNK = 64 * 1024


def request_from_environ(environ: dict[str, Any], *, max_body: int) -> WebRequest:
    """The request in ``environ``. A body longer than ``max_body`` is read and thrown away (up to a limit), so the
    browser still gets the polite answer instead of a broken connection, and is marked ``body_too_large``."""
    # PEP 3333: PATH_INFO arrives as latin-1 text holding the raw bytes; the path itself is UTF-8.
    raw_path = str(environ.get("PATH_INFO") or "/")
    try:
        path = raw_path.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        path = raw_path
    query = {name: values[0] for name, values in parse_qs(str(environ.get("QUERY_STRING") or "")).items()}
    headers = {
        key[5:].replace("_", "-").lower(): str(value) for key, value in environ.items() if key.startswith("HTTP_")
    }
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = str(environ["CONTENT_TYPE"])
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    stream = environ.get("wsgi.input")
    body, too_large = b"", False
    if stream is not None and length > 0:
        if length > max_body:
            too_large = True
            left = min(length, _DRAIN_LIMIT)
            while left > 0:
                chunk = stream.read(min(_CHUNK, left))
                if not chunk:
                    break
                left -= len(chunk)
        else:
            body = stream.read(length)
    return WebRequest(
        method=str(environ.get("REQUEST_METHOD") or "GET").upper(),
        path=path,
        query=query,
        headers=headers,
        body=body,
        client=str(environ.get("REMOTE_ADDR") or ""),
        body_too_large=too_large,
    )


def wsgi_app(handler: Callable[[WebRequest], WebResponse], *, max_body: int) -> WSGIApp:
    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response = handler(request_from_environ(environ, max_body=max_body))
        headers = [*response.headers, ("Content-Length", str(len(response.body)))]
        start_response(response.status_line, headers)
        return [response.body]

    return application
