"""The guest's page behind ``cobot serve`` without Slack secrets: its not-connected app still serves guests' links,
while Slack's endpoint says what is missing. (``cobot teams``' aiohttp app: tests/teams/test_teams_guest_page.py.)"""

from __future__ import annotations

import threading
from pathlib import Path
from wsgiref.simple_server import make_server

from factories import OWNER as OWNER_ID
from factories import posted_request, run_as
from guest_support import GuestClient, guest_behaviour, smtp_environment, token_for
from sqlmodel import Session, select

from bot.entrypoints.server import CobotServer
from bot.runtime.cobot import create_app
from bot.runtime.config import Behaviour, Environment, Settings
from handlers.context import Policy
from handlers.guests import invite_guest
from harness import _QuietHandler, _ThreadingWSGIServer
from storage.db import make_engine
from storage.migrate import upgrade_to_head
from storage.models import Draft


def test_serve_without_slack_secrets_still_serves_guests_links(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cobot.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    settings = Settings(
        behaviour=Behaviour.model_validate(guest_behaviour()),
        env=Environment.model_validate({"database_url": url, **smtp_environment()}),
    )
    number = posted_request(engine)
    run_as(
        engine,
        OWNER_ID,
        lambda ctx: invite_guest(ctx, number=number, email="anne@example.com", name="Anne Holm"),
        policy=Policy(email_configured=True),
    )
    cobot = create_app(settings)
    token = token_for(cobot)
    cobot.close()

    app = CobotServer(settings, token=None, signing_secret=None, options={}).load()
    server = make_server("127.0.0.1", 0, app, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        page = GuestClient(f"http://127.0.0.1:{server.server_port}")
        opened = page.get(f"/guest/{token}")
        assert opened.status == 200 and "Ten SEO tips" in opened.text
        assert page.submit(token, "accept").status == 303
        assert page.get("/guest/" + "z" * 43).status == 404
        assert page.get("/healthz").status == 200
        slack = page.post("/slack/events", {})
        assert slack.status == 503 and "SLACK_BOT_TOKEN" in slack.text
    finally:
        server.shutdown()
        server.server_close()
    with Session(engine) as session:
        assert session.exec(select(Draft)).all() == []
    engine.dispose()
