"""Test support for tracked links: a reader's HTTP client that talks to the real loopback server without following
the redirect, so a test sees where the link leads and the server sees exactly one request per click."""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from sqlmodel import select

from harness import SlackScenario
from storage.models import TrackedLink

PUBLIC_URL = "https://cobot.example.com"
OWNER = "U0OWNER"
BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari"
OTHER_BROWSER = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0"


@dataclass(frozen=True)
class Answer:
    status: int
    location: str | None
    text: str
    headers: Any


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def open_link(
    base_url: str, path: str, *, agent: str = BROWSER, method: str = "GET", headers: dict[str, str] | None = None
) -> Answer:
    request = urllib.request.Request(base_url + path, method=method, headers={"User-Agent": agent, **(headers or {})})
    try:
        with _OPENER.open(request, timeout=10) as response:
            return Answer(response.status, response.headers.get("Location"), response.read().decode(), response.headers)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.headers.get("Location"), error.read().decode(), error.headers)


def publish(slack: SlackScenario, url: str, *, title: str = "Ten SEO tips") -> tuple[int, str]:
    """A request published at ``url`` by its owner; its number and its tracked link's path."""
    number = slack.create(title)
    reply = slack.command_reply(f"published {number} {url}", user=OWNER)
    assert f"Marked #{number} published" in reply, reply
    return number, path_of(slack, number)


def path_of(slack: SlackScenario, number: int) -> str:
    request = slack.request(number)
    with slack.session() as session:
        link = session.exec(select(TrackedLink).where(TrackedLink.request_id == request.id)).one()
    return "/r/" + link.code
