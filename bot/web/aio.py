"""The web core under aiohttp (``cobot teams``): the request is read here (the body up to ``max_body``), the core
runs in a worker thread, since it waits on the database, and its ``WebResponse`` goes back as an aiohttp one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.web.core import WebRequest, WebResponse

_CHUNK = 64 * 1024
_DRAIN_LIMIT = 64 * 1024 * 1024


async def request_from_aiohttp(request: web.Request, *, max_body: int) -> WebRequest:
    body = bytearray()
    too_large = request.content_length is not None and request.content_length > max_body
    drained = 0
    while True:
        chunk = await request.content.read(_CHUNK)
        if not chunk:
            break
        if too_large or len(body) + len(chunk) > max_body:
            # Read on (to a limit) and throw away, so the browser gets the polite answer, not a reset.
            too_large = True
            body.clear()
            drained += len(chunk)
            if drained > _DRAIN_LIMIT:
                break
            continue
        body.extend(chunk)
    peer = request.remote or ""
    return WebRequest(
        method=request.method.upper(),
        path=request.path,
        query={name: request.query.getone(name) for name in request.query},
        headers={name.lower(): value for name, value in request.headers.items()},
        body=bytes(body),
        client=peer,
        body_too_large=too_large,
    )


def aiohttp_handler(
    handler: Callable[[WebRequest], WebResponse], *, max_body: int
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handle(request: web.Request) -> web.Response:
        incoming = await request_from_aiohttp(request, max_body=max_body)
        response = await asyncio.to_thread(handler, incoming)
        answer = web.Response(status=response.status, body=response.body)
        for name, value in response.headers:
            answer.headers.add(name, value)
        return answer

    return handle
