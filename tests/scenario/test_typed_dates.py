"""Days typed the way people say them: `/cocreate new … due:fredag`, `extend 1 17/12`, a slot added for
"i morgen" — each posted with the day meant and the understood day echoed back; and the Book buttons under free
slots show a moment exactly as `/cocreate slots` does, in the reader's language.

The harness clock starts Monday 2026-11-23 09:00 in Copenhagen.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

import pytest
from factories import posted_request, run_as
from sqlalchemy import Engine

from bot.console.render import ConsoleRenderer, Style
from bot.runtime.i18n import translator
from bot.teams.render import TeamsRenderer
from handlers.calendar import add_slot, free_slots, list_slots
from handlers.context import Policy
from handlers.results import Text
from harness import SlackScenario

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("fredag", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ('"i morgen"', date(2026, 11, 24)),
        ("i-morgen", date(2026, 11, 24)),
        ("“4. dec.”", date(2026, 12, 4)),
        ("4/12", date(2026, 12, 4)),
        ("2026-12-04", date(2026, 12, 4)),
    ],
)
def test_new_posts_with_the_deadline_meant_and_echoes_it(slack: SlackScenario, typed: str, meant: date) -> None:
    reply = slack.command_reply(f"new Ten SEO tips due:{typed}", user="U0OWNER")
    assert reply.startswith("Posted request #1 *Ten SEO tips* here. Draft deadline: <!date^")
    assert reply.endswith(f"|{meant.isoformat()}>.")  # the day understood, as Slack shows it to each reader
    assert slack.request(1).draft_deadline == meant


def test_a_day_that_is_no_day_gets_the_hint_with_the_forms(slack: SlackScenario) -> None:
    reply = slack.command_reply("new Ten SEO tips due:someday", user="U0OWNER")
    assert "`someday` is not a date I understand" in reply
    assert "tomorrow or friday" in reply


def test_extend_reads_a_day_first_date_and_echoes_it(slack: SlackScenario) -> None:
    number = slack.create("Ten SEO tips", due="2026-12-10")
    assert "Thank you!" in slack.command_reply(f"volunteer {number}", user="U0METTE")
    reply = slack.command_reply(f"extend {number} 17/12", user="U0METTE")
    assert reply.startswith("I've asked <@U0OWNER> whether you can hand in #1 by <!date^")
    assert "|2026-12-17>" in reply


@pytest.mark.parametrize(("language", "shown"), [("en", "Tue 24 Nov 10:00"), ("da", "tirs. 24. nov. 10:00")])
def test_the_book_buttons_show_a_slot_as_the_slots_list_does(engine: Engine, language: str, shown: str) -> None:
    policy = Policy(timezone=COPENHAGEN, default_language=language)
    number = posted_request(engine, policy=policy)
    added = run_as(engine, "U0OWNER", lambda ctx: add_slot(ctx, name="Blog", day="i morgen", at="10:00"), policy=policy)
    listing = run_as(engine, "U0OWNER", list_slots, policy=policy)
    offered = run_as(engine, "U0OWNER", lambda ctx: free_slots(ctx, number=number), policy=policy)
    label = offered.actions[0].label
    assert isinstance(label, Text)

    console = ConsoleRenderer(names=str, timezone=COPENHAGEN, style=Style(color=False))
    teams = TeamsRenderer(translate=translator(language), timezone=COPENHAGEN)
    renders: list[Callable[[Text], str]] = [
        lambda text: console.text(text, language),
        lambda text: teams.render(text, "message").text,
        teams.plain,
    ]
    for render in renders:
        assert shown in render(added.texts[0])  # "i morgen" understood as Tuesday 24 November, and echoed
        assert shown in render(listing.texts[1])
        assert render(label) == f"Blog · {shown}"
