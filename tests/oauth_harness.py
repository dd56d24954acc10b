"""The scenario harness with Cobot installed through OAuth: no bot token, the app's client id and secret, and the fake
Slack playing Slack's side of "Add to Slack" (``FakeSlack.authorization_code``, ``oauth.v2.access``).

``install`` walks the browser's part over real HTTP: ``GET /slack/install`` (which sets the state cookie and links
to Slack's authorize page), then Slack's redirect back to ``/slack/oauth_redirect`` with a code and that state.
"""

from __future__ import annotations

import html
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from typing import Any
from wsgiref.simple_server import make_server

from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings
from bot.slack.app import build_slack_service
from fake_slack import FakeSlack
from harness import SIGNING_SECRET, MovingClock, SlackScenario, _QuietHandler, _ThreadingWSGIServer
from storage.db import make_engine
from storage.migrate import upgrade_to_head

CLIENT_ID = "1111111111.2222222222"
CLIENT_SECRET = "fake-client-secret-0123456789"
STATE_COOKIE = "slack-app-oauth-state"
PEOPLE = (("U0OWNER", "Mette Ørsted"), ("U0METTE", "mette"), ("U0ANNA", "Anna Æbelø"))


@dataclass
class Page:
    status: int
    headers: Message
    text: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def browse(url: str, *, cookie: str | None = None) -> Page:
    """A GET as a browser makes it (with the cookie it was given), redirects not followed."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return Page(response.status, response.headers, response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return Page(error.code, error.headers, error.read().decode("utf-8"))


def start_oauth_scenario(database_url: str, *, public_url: str | None = None) -> SlackScenario:
    fake = FakeSlack(bot_token="xoxb-not-the-one-token-mode-uses").start()
    fake.register_oauth_app(CLIENT_ID, CLIENT_SECRET)
    for user, name in PEOPLE:
        fake.add_user(user, name=name.split()[0].lower(), real_name=name)
    env: dict[str, Any] = {
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "database_url": database_url,
    }
    if public_url:
        env["public_url"] = public_url
    settings = Settings(
        behaviour=Behaviour.model_validate({"outbox": {"channel_interval_seconds": 0}}),
        env=Environment.model_validate(env),
    )
    assert settings.slack_oauth_configured
    engine = make_engine(database_url)
    upgrade_to_head(engine)
    clock = MovingClock()
    cobot = create_app(settings, clock=clock, engine=engine)
    access = settings.require_slack_oauth()
    service = build_slack_service(cobot, token=None, signing_secret=access.signing_secret, oauth=access)
    service.sender.idle_seconds = 0.05
    service.start(with_scheduler=False)
    server = make_server("127.0.0.1", 0, service.wsgi(), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True, name="oauth-scenario-http").start()
    return SlackScenario(
        fake=fake, service=service, base_url=f"http://127.0.0.1:{server.server_port}", clock=clock, _server=server
    )


def begin_install(slack: SlackScenario) -> tuple[str, str]:
    """``GET /slack/install``: the state on the page's "Add to Slack" link, and the cookie the browser keeps."""
    page = browse(slack.base_url + "/slack/install")
    assert page.status == 200, page
    cookie = page.headers.get("Set-Cookie", "")
    assert cookie.startswith(f"{STATE_COOKIE}="), cookie
    return authorize_query(page.text)["state"][0], cookie.split(";", 1)[0]


def authorize_query(page: str) -> dict[str, list[str]]:
    """The query of the install page's link to Slack's authorize page."""
    link = re.search(r'href="(https://slack\.com/oauth/v2/authorize\?[^"]+)"', page)
    assert link is not None, page
    return urllib.parse.parse_qs(urllib.parse.urlsplit(html.unescape(link.group(1))).query)


def finish_install(slack: SlackScenario, *, code: str, state: str, cookie: str | None) -> Page:
    """Slack's redirect back to Cobot once the installer approved."""
    query = urllib.parse.urlencode({"code": code, "state": state})
    return browse(f"{slack.base_url}/slack/oauth_redirect?{query}", cookie=cookie)


def install(slack: SlackScenario, **code: Any) -> Page:
    """The whole install, with ``code`` passed to ``FakeSlack.authorization_code`` (a team, or an org)."""
    state, cookie = begin_install(slack)
    page = finish_install(slack, code=slack.fake.authorization_code(**code), state=state, cookie=cookie)
    assert page.status == 200, page
    return page
