"""A published piece's card on every surface shows its tracked link and its figures so far (``outcome_text``), in
English and Danish: Slack's blocks, Teams' Adaptive Card and the console."""

from __future__ import annotations

import json
from datetime import date
from zoneinfo import ZoneInfo

from bot.console.render import ConsoleRenderer, Style
from bot.runtime.i18n import translator
from bot.slack.blocks import request_card as slack_card
from bot.teams.cards import request_card as teams_card
from bot.teams.render import TeamsRenderer
from handlers.outcomes import Outcome, outcome_text
from handlers.results import CardView
from storage.models import RequestStatus

LINK = "https://cobot.example.com/r/Ab3_x-9QzK"


def published(**changes: object) -> CardView:
    fields: dict[str, object] = {
        "number": 4,
        "title": "Ten SEO tips",
        "brief": "",
        "format": "post",
        "skills": (),
        "deadline": date(2026, 12, 10),
        "status": RequestStatus.PUBLISHED,
        "owner": "U0OWNER",
        "needed": 1,
        "holders": (),
        "waiting": (),
        "parts": (),
        "published_url": "https://www.linkedin.com/posts/seo",
        "tracked_url": LINK,
        "figures": outcome_text(Outcome(metrics={"views": 1200}, link_clicks=86)),
    }
    fields.update(changes)
    return CardView(**fields)  # type: ignore[arg-type]


def test_slack_shows_the_link_and_the_figures_line() -> None:
    shown = json.dumps(slack_card(published()), ensure_ascii=False)
    assert f"*Tracked link* <{LINK}>" in shown
    assert "*So far* 86 clicks on its Cobot link · 1200 views" in shown
    danish = json.dumps(slack_card(published(), translator("da")), ensure_ascii=False)
    assert f"*Sporet link* <{LINK}>" in danish and "*Indtil videre* 86" in danish


def test_teams_shows_the_link_and_the_figures_line() -> None:
    shown = json.dumps(teams_card(published(), TeamsRenderer()), ensure_ascii=False)
    assert LINK in shown and "86 clicks on its Cobot link · 1200 views" in shown
    danish = json.dumps(teams_card(published(), TeamsRenderer(translate=translator("da"))), ensure_ascii=False)
    assert "Sporet link" in danish and "Indtil videre" in danish


def test_the_console_shows_the_link_and_the_figures_line() -> None:
    renderer = ConsoleRenderer(names=str, timezone=ZoneInfo("Europe/Copenhagen"), style=Style(color=False))
    shown = "\n".join(renderer.card(published()))
    assert f"Tracked link {LINK}" in shown and "So far 86 clicks on its Cobot link · 1200 views" in shown


def test_a_card_without_link_or_figures_shows_neither_line() -> None:
    shown = json.dumps(slack_card(published(tracked_url=None, figures=None)), ensure_ascii=False)
    assert "Tracked link" not in shown and "So far" not in shown
