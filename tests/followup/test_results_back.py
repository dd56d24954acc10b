"""Scenario tests for the note that brings a published piece's results back to the people who helped make it:
sent once, `results_back.after_days` after publishing, in the helper's working hours and language, with the
piece's figures (or thanks alone when nothing was counted); not to the owner, nor to anyone who turned the notes
off; to a guest by e-mail through a real SMTP server.

The harness clock starts on Monday 2026-11-23 08:00 UTC (09:00 in Copenhagen).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from followup_support import ANNA, METTE, OWNER, dm_texts, figures, move_to, outbox, sign_off, tick, utc, wake
from smtp_server import Server, StartServer
from web.guest_support import GuestClient

from bot.runtime.config import ConfigError, load_settings
from bot.slack import ids
from harness import SlackScenario

THANKS = "Thank you for helping make"
TAK = "Tak, fordi du var med til at lave"
URL = "https://blog.example.com/seo"


def published_piece(slack: SlackScenario, *helpers: str, title: str = "Ten SEO tips") -> int:
    """A request that ``helpers`` each handed in a draft for, approved, signed off and published at ``URL``."""
    number = slack.create(title, due="2026-12-10", extra=f"needs:{len(helpers)}")
    for helper in helpers:
        assert "Thank you!" in slack.command_reply(f"volunteer {number}", user=helper)
        assert "Got it" in slack.command_reply(f"submit {number} https://docs.example.com/{helper}", user=helper)
        assert "Approved" in slack.command_reply(f"approve {number} <@{helper}|x>", user=OWNER)
        sign_off(slack, number, helper=helper)
    assert "Marked" in slack.command_reply(f"published {number} {URL}", user=OWNER)
    slack.settle()
    return number


def notes(slack: SlackScenario, user: str) -> list[str]:
    return dm_texts(slack, user, THANKS) + dm_texts(slack, user, TAK)


def test_every_helper_hears_once_a_week_later_what_the_piece_earned_and_the_owner_does_not(
    slack: SlackScenario,
) -> None:
    number = published_piece(slack, METTE, ANNA)
    assert "Fra nu af skriver jeg til dig på dansk" in slack.command_reply("language da", user=ANNA)
    figures(slack, number, views=1200, leads=3)

    move_to(slack, utc(2026, 11, 30, 7, 55))  # six days and 23 hours later: not yet
    tick(slack)
    assert notes(slack, METTE) == [] and notes(slack, ANNA) == []
    assert outbox(slack, "results:") == []

    move_to(slack, utc(2026, 11, 30, 8, 5))  # a week later, 09:05 in Copenhagen
    for _ in range(3):
        tick(slack)
    move_to(slack, utc(2026, 12, 3, 8, 0))  # and days later: still the one note each
    tick(slack)

    [note] = notes(slack, METTE)
    assert note.startswith("Thank you for helping make *Ten SEO tips*! It was published 7 days ago:")
    assert URL in note
    assert note.endswith("So far it has earned 1200 views · 3 leads.")
    [dansk] = notes(slack, ANNA)
    assert dansk.startswith("Tak, fordi du var med til at lave *Ten SEO tips*! Det blev udgivet for 7 dage siden:")
    assert dansk.endswith("Indtil nu er det blevet til 1200 visninger · 3 kundeemner.")
    assert notes(slack, OWNER) == []
    assert len(outbox(slack, "results:")) == 2


def test_with_nothing_counted_the_note_still_thanks_and_says_where(slack: SlackScenario) -> None:
    published_piece(slack, METTE)
    move_to(slack, utc(2026, 11, 30, 8, 5))
    tick(slack)
    [note] = notes(slack, METTE)
    assert URL in note
    assert "Nothing has been counted for it yet, but it is out there thanks to you." in note
    assert "So far" not in note


def test_who_turned_the_notes_off_gets_none_and_can_turn_them_on_again(slack: SlackScenario) -> None:
    reply = slack.command_reply("resultsnotes off", user=ANNA)
    assert "You won't get notes about what the pieces you helped make earned." in reply
    usage = slack.command_reply("resultatnoter maybe", user=METTE)
    assert usage == "Try `/cocreate resultsnotes off` or `/cocreate resultsnotes on`."
    assert not slack.member(ANNA).results_notes_enabled
    first = published_piece(slack, METTE, ANNA)
    move_to(slack, utc(2026, 11, 30, 8, 5))
    tick(slack)
    assert len(notes(slack, METTE)) == 1
    assert notes(slack, ANNA) == []

    # Turned on again (by the Danish name), Anna hears about the next piece.
    assert "you'll hear what it earned" in slack.command_reply("resultatnoter on", user=ANNA)
    assert first == 1
    published_piece(slack, ANNA, title="Case study")
    move_to(slack, utc(2026, 12, 7, 8, 10))
    tick(slack)
    [note] = notes(slack, ANNA)
    assert "*Case study*" in note


def test_a_note_due_after_working_hours_waits_for_the_next_morning(slack: SlackScenario) -> None:
    move_to(slack, utc(2026, 11, 23, 16, 30))  # Monday 17:30 in Copenhagen
    published_piece(slack, METTE)
    move_to(slack, utc(2026, 11, 30, 16, 31))  # a week later, after hours
    tick(slack)
    assert notes(slack, METTE) == []
    [queued] = outbox(slack, "results:")
    assert queued.not_before == utc(2026, 12, 1, 8, 0)  # Tuesday 09:00 in Copenhagen

    move_to(slack, utc(2026, 12, 1, 8, 0) + timedelta(seconds=1))
    wake(slack)
    assert len(notes(slack, METTE)) == 1


def test_a_piece_published_long_ago_brings_no_note(slack: SlackScenario) -> None:
    published_piece(slack, METTE)
    move_to(slack, utc(2026, 12, 28, 8, 5))  # five weeks later: the first pass since (a long downtime)
    tick(slack)
    assert notes(slack, METTE) == [] and outbox(slack, "results:") == []


def test_after_days_comes_from_app_yaml_and_zero_sends_none(make_slack: Callable[..., SlackScenario]) -> None:
    slack = make_slack(behaviour={"results_back": {"after_days": 2}})
    published_piece(slack, METTE)
    move_to(slack, utc(2026, 11, 25, 8, 5))
    tick(slack)
    [note] = notes(slack, METTE)
    assert "It was published 2 days ago" in note

    off = make_slack(behaviour={"results_back": {"after_days": 0}})
    published_piece(off, METTE)
    move_to(off, utc(2026, 12, 1, 8, 5))
    tick(off)
    assert notes(off, METTE) == []


@pytest.mark.parametrize("value", ["-1", "400", "weekly"])
def test_a_wrong_after_days_is_refused_at_start_naming_the_setting(tmp_path: Path, value: str) -> None:
    config = tmp_path / "app.yaml"
    config.write_text(f"results_back:\n  after_days: {value}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"results_back\.after_days"):
        load_settings(config, environ={})


# --- a guest hears by e-mail ------------------------------------------------------------------------------------

PUBLIC_URL = "https://cobot.example.com"
PAGE_LINK = re.compile(re.escape(PUBLIC_URL) + r"(/guest/[A-Za-z0-9_\-]{43})\b")


def _mails(server: Server, count: int) -> list[EmailMessage]:
    deadline = time.monotonic() + 10
    while len(server.recorder.received) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(server.recorder.received) >= count, [r.message()["Subject"] for r in server.recorder.received]
    return [received.message() for received in server.recorder.received]


def _plain(mail: EmailMessage) -> str:
    part = mail.get_body(preferencelist=("plain",))
    assert part is not None
    return str(part.get_content()).replace("\r\n", "\n")


def test_a_guest_who_helped_gets_the_note_by_e_mail(
    make_slack: Callable[..., SlackScenario], smtp_server: StartServer
) -> None:
    server = smtp_server()
    slack = make_slack(
        environment={"smtp_url": f"smtp://127.0.0.1:{server.port}", "public_url": PUBLIC_URL},
        behaviour={"guests": {"sender": {"address": "cobot@cobot.example.com"}}},
    )
    number = slack.create("Ti tips til lokal SEO", due="2026-12-11")
    assert "Invited Anne Holm (guest)" in slack.command_reply(
        f'guest {number} anne@kunde.example.org name:"Anne Holm"', user=OWNER
    )
    slack.settle()
    [invitation] = _mails(server, 1)
    found = PAGE_LINK.search(_plain(invitation))
    assert found is not None
    page = found.group(1)
    browser = GuestClient(slack.base_url)
    for action, fields in (("accept", {}), ("text", {"text": "Tip 1: skriv til mennesker."})):
        form = browser.get(page).forms()[f"{page}/{action}"]
        assert browser.post(f"{page}/{action}", {**form, **fields}).status == 303
    slack.settle()
    assert "Marked" in slack.command_reply(f'published {number} {URL} force:"the guest is on holiday"', user=OWNER)
    slack.settle()
    figures(slack, number, views=40)
    before = len(_mails(server, 1))

    move_to(slack, utc(2026, 11, 30, 8, 5))
    for _ in range(2):
        tick(slack)
    mails = _mails(server, before + 1)
    [note] = [m for m in mails if THANKS in _plain(m)]
    assert note["To"] == "Anne Holm <anne@kunde.example.org>"
    assert note["Subject"].startswith("Thank you for helping make Ti tips til lokal SEO!")
    body = _plain(note)
    assert "It was published 7 days ago" in body and URL in body
    assert "So far it has earned 40 views." in body
    time.sleep(0.3)
    assert len([m for m in _mails(server, before + 1) if THANKS in _plain(m)]) == 1


# --- App Home -----------------------------------------------------------------------------------------------------


def _home_views(slack: SlackScenario, user: str) -> list[dict[str, Any]]:
    return [c.params["view"] for c in slack.fake.calls_to("views.publish") if c.ok and c.params["user_id"] == user]


def _toggle(view: dict[str, Any]) -> tuple[str, str]:
    """The results notes' line on Home, and the value its button sets."""
    [(text, value)] = [
        (block["text"]["text"], block["accessory"]["value"])
        for block in view["blocks"]
        if block.get("accessory", {}).get("action_id") == ids.SET_RESULTS_NOTES
    ]
    return text, value


def test_the_notes_are_turned_off_and_on_from_app_home(slack: SlackScenario) -> None:
    event = {"type": "app_home_opened", "user": ANNA, "channel": "D0HOME", "tab": "home", "event_ts": "1700000000.1"}
    assert slack.event(event).status == 200
    slack.settle()
    assert _toggle(_home_views(slack, ANNA)[-1]) == ("You hear what the pieces you helped make earned.", "off")

    assert slack.click(ids.SET_RESULTS_NOTES, "off", user=ANNA, channel="D0HOME").status == 200
    slack.settle()
    assert slack.member(ANNA).results_notes_enabled is False
    assert _toggle(_home_views(slack, ANNA)[-1]) == (
        "You get no notes about what the pieces you helped make earned.",
        "on",
    )
    published_piece(slack, ANNA)
    move_to(slack, utc(2026, 11, 30, 8, 5))
    tick(slack)
    assert notes(slack, ANNA) == []

    assert slack.click(ids.SET_RESULTS_NOTES, "on", user=ANNA, channel="D0HOME").status == 200
    slack.settle()
    assert slack.member(ANNA).results_notes_enabled is True
