"""Unit tests for how a guest shows on a request's card (Slack blocks, Teams, the console) and in `/cocreate show`:
by name with "(guest)", escaped like any user text, never as a mention, so a name like ``<!channel>`` pings nobody."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from factories import OWNER, ctx_for, posted_request, run_as
from sqlalchemy import Engine
from sqlmodel import Session

from bot.console.render import ConsoleRenderer, Style
from bot.runtime.i18n import translator
from bot.slack.blocks import request_card
from bot.teams.cards import request_card as teams_card
from bot.teams.render import TeamsRenderer
from handlers.cards import build_card
from handlers.context import Policy
from handlers.guests import invite_guest
from handlers.requests import show_request
from handlers.results import CardView
from storage import queries

MAIL = Policy(email_configured=True)
NASTY = "<!channel> & <@U0BOSS> *Anne*"


def _invite(engine: Engine, number: int, *, email: str = "anne@example.com", name: str = NASTY) -> None:
    run_as(engine, OWNER, lambda ctx: invite_guest(ctx, number=number, email=email, name=name), policy=MAIL)


def _view(engine: Engine, number: int) -> CardView:
    with Session(engine) as session:
        ctx = ctx_for(session, OWNER)
        request = queries.get_request_by_number(session=session, workspace_id=ctx.workspace_id, number=number)
        assert request is not None
        return build_card(session, request)


def test_a_guest_on_the_slack_card_is_named_escaped_and_mentions_nobody(engine: Engine) -> None:
    number = posted_request(engine, needs=1)
    _invite(engine, number)
    _invite(engine, number, email="bo@example.com", name="Bo Berg")  # waits in line

    blocks = json.dumps(request_card(_view(engine, number)), ensure_ascii=False)

    assert "&lt;!channel&gt; &amp; &lt;@U0BOSS&gt; *Anne* (guest) ⏳" in blocks
    assert "⌛ Bo Berg (guest)" in blocks
    assert "<!channel>" not in blocks and "<@U0BOSS>" not in blocks and "<@guest:" not in blocks
    assert f"<@{OWNER}>" in blocks  # colleagues are still mentioned


def test_a_guest_on_a_danish_slack_card_and_on_teams_and_the_console(engine: Engine) -> None:
    number = posted_request(engine, parts=["Intro", "Tips"])
    run_as(
        engine,
        OWNER,
        lambda ctx: invite_guest(ctx, number=number, email="anne@example.com", part="2", name="Anne Holm"),
        policy=MAIL,
    )
    view = _view(engine, number)

    danish = json.dumps(request_card(view, translator("da")), ensure_ascii=False)
    assert "Anne Holm (gæst) ⏳" in danish and "<@guest:" not in danish
    teams = json.dumps(teams_card(view, TeamsRenderer()), ensure_ascii=False)
    assert "Anne Holm (guest)" in teams and "guest:" not in teams.replace("(guest)", "")
    console = ConsoleRenderer(
        names=str, timezone=ZoneInfo("Europe/Copenhagen"), style=Style(color=False), translators=translator
    )
    assert any("Anne Holm (guest) ⏳" in line for line in console.card(view, "en"))


def test_show_gives_the_card_with_the_guest(engine: Engine) -> None:
    number = posted_request(engine)
    _invite(engine, number, name="Anne Holm")

    reply = run_as(engine, OWNER, lambda ctx: show_request(ctx, number=number))

    assert reply.card is not None
    [holder] = reply.card.holders
    assert reply.card.guests == {holder.user_id: "Anne Holm"}
    assert "Anne Holm (guest)" in json.dumps(request_card(reply.card), ensure_ascii=False)
