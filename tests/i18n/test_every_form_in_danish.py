"""Every form Cobot shows, on every surface, is all Danish for a Danish colleague (issue 14.23): no English label,
placeholder, hint, button, title, option or pre-filled value is left.

Each surface is driven end to end as its users drive it, once for Danish colleagues (a da-DK Slack locale, or
`language da` on Teams and in the console; the channel set to Danish in app.yaml) and once for English ones:
Slack through the whole Bolt app against the fake Web API (the modals ``views.open`` gets, the Home tab, the card,
the free slots to book), Teams through its real endpoint against the fake connector (dialogs, the forms sent as
cards to clients without dialogs, the new-request offer and dialog, the card), and the console in process (the
question a button's form asks, and how it explains the form in a script).

The forms of buttons come from the core's registry (``handlers.actions.FORMS``): each is looked for among the
buttons Cobot has shown the two colleagues, so a new one is opened, and checked, on every surface without a change
here; the tests also count what they opened against the registry and against the modals the Slack app listens for.

A string is English when it is, or contains, a phrase of an English message id whose Danish translation differs
(``handlers/texts.py`` against the Danish catalog), or one of a few words no Danish form has ("Cancel", " the ").
"""

from __future__ import annotations

import io
import json
import re
import urllib.parse
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Literal

import pytest

from bot.console import open_console
from bot.console.world import Button
from bot.runtime.config import load_settings
from bot.runtime.i18n import catalog
from bot.runtime.scheduler import run_tick
from bot.slack import ids
from bot.slack.listeners import register_all
from bot.teams import cards
from fake_connector import Message
from fake_slack import view_errors
from handlers.actions import FORMS
from handlers.results import ActionKind
from harness import CHANNEL as SLACK_CHANNEL
from harness import SlackScenario, start_scenario
from teams_harness import ANNA, OWNER, TeamsScenario, User, all_actions, start_teams
from teams_harness import CHANNEL as TEAMS_CHANNEL

Surface = Literal["slack", "teams", "console"]
SURFACES: tuple[Surface, ...] = ("slack", "teams", "console")
Shown = dict[str, list[str]]  # a form → every string it shows

# How each surface shows the form of a button from the registry, and the forms that are no button's.
BUTTON_FORMS: dict[Surface, tuple[str, ...]] = {
    "slack": ("modal",),
    "teams": ("dialog", "card for a client without dialogs"),
    "console": ("question", "explained in a script"),
}
OTHER_FORMS: dict[Surface, tuple[str, ...]] = {
    "slack": (
        "new request",
        "derive (command)",
        "derive (button)",
        "from a message (shortcut)",
        "pick a part (card)",
        "book a slot",
        "settings (Home)",
        "sign off (modal)",
        "invite someone outside",
        "results of a published piece",
    ),
    "teams": ("new request offer", "new request dialog", "pick a part (card)", "book a slot", "invite someone outside"),
    "console": ("new request",),
}


def button_form(kind: ActionKind, how: str) -> str:
    return f"{kind.value}: {how}"


def expected_forms(surface: Surface) -> list[str]:
    return [button_form(kind, how) for kind in FORMS for how in BUTTON_FORMS[surface]] + list(OTHER_FORMS[surface])


# --- what counts as English ------------------------------------------------------------------------------------------

# Words of English no Danish form shows, whatever the message ids say.
COMMON_ENGLISH = (" the ", "Submit", "Cancel", "Choose", "Your ", " by ")

# What a form may show that is neither English nor Danish: Slack's tokens (mentions, dates, links), entities,
# commands and their options in backticks (the same in every language), Teams' date functions, addresses.
NOT_WORDS = re.compile(r"<[^<>]*>|&[a-z]+;|`[^`]*`|“[^”]*”|\{\{[^}]*\}\}|https?://\S+")


def english_phrases() -> dict[str, re.Pattern[str]]:
    """The phrases of every English message id whose Danish differs: the whole id when it is one word ("Cancel"),
    else each run of two or more words between its placeholders and markup ("Request changes", "due"). A phrase
    the Danish catalog uses too (a name, a loanword) is left out."""
    danish = catalog("da")
    every_danish = "\n".join(danish.values())
    found: dict[str, re.Pattern[str]] = {}
    for msgid, translation in danish.items():
        if translation == msgid:
            continue
        for piece in re.split(r"\{\w+\}|`[^`]*`|\*|(?<!\w)_|_(?!\w)|\n|[·:;()—–•→↳…›‹/]", msgid):
            phrase = piece.strip(" .,!?'\"#@-")
            words = re.findall(r"[A-Za-z]+", phrase)
            if not words or (len(words) < 2 and phrase != msgid.strip(" .,!?")):
                continue
            pattern = re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)")
            if not pattern.search(every_danish):
                found[phrase] = pattern
    return found


ENGLISH = english_phrases()


def english_in(strings: Iterable[str]) -> list[str]:
    """Each string with the English it has, as ``'…': 'phrase'``."""
    problems = []
    for shown in strings:
        words = NOT_WORDS.sub(" ", shown)
        hits = [phrase for phrase, pattern in ENGLISH.items() if pattern.search(words)]
        hits += [word.strip() for word in COMMON_ENGLISH if word in f" {words} "]
        if hits:
            problems.append(f"{shown!r}: {', '.join(repr(h) for h in dict.fromkeys(hits))}")
    return problems


def test_the_english_detector_knows_english_from_danish() -> None:
    """The check itself: the English of the forms is caught, their Danish and people's own words are not."""
    assert english_in(["Cancel", "Post the request in"]) == [
        "'Cancel': 'Cancel'",
        "'Post the request in': 'Post', 'Post the request in', 'the'",
    ]
    english = ["Request changes", "Ask for more time", "From a conversation in Slack: https://fake.slack/x/p1", "Send"]
    assert [bool(english_in([text])) for text in english] == [True, True, True, False]  # "Send" is Danish too
    danish = ["Annuller", "Bed om ændringer", "Slå opgaven op i", "Fra en samtale i Slack: <https://x.dk|x>"]
    assert english_in([*danish, "Ti tips til søgeord", "Mette Ørsted", "`/cocreate new`", "<@U0EJER>", "Format"]) == []


# --- collecting what a form shows ------------------------------------------------------------------------------------


def slack_strings(node: Any) -> list[str]:
    """Every string a person sees in Block Kit: text objects (titles, buttons, labels, placeholders, hints,
    options, sections) and pre-filled inputs, and a message's notification text."""
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("text"), str):  # a plain_text or mrkdwn object, or a message's fallback text
            found.append(node["text"])
        for key, value in node.items():
            if key == "initial_value" and isinstance(value, str):
                found.append(value)
            elif key not in ("text", "private_metadata", "value", "action_id", "block_id", "callback_id"):
                found.extend(slack_strings(value))
        if isinstance(node.get("text"), dict):
            found.extend(slack_strings(node["text"]))
    elif isinstance(node, list):
        for item in node:
            found.extend(slack_strings(item))
    return [text for text in found if text.strip()]


TEAMS_VISIBLE = ("title", "text", "label", "placeholder", "errorMessage", "summary")
# Whose "value" is shown: a pre-filled input, the message a dialog closes with, the answer to a pressed button.
SHOWN_VALUES = ("Input.", "message", "application/vnd.microsoft.activity.message")


def teams_strings(node: Any) -> list[str]:
    """Every string a person sees of a Teams activity, card or dialog: titles (the dialog's, buttons', choices'),
    texts, input labels, placeholders and error messages, pre-filled input values, the notification summary."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            shown = key in TEAMS_VISIBLE or (key == "value" and str(node.get("type")).startswith(SHOWN_VALUES))
            if shown and isinstance(value, str):
                found.append(value)
            elif key not in ("data", "verb", "id", "mentioned", "$schema"):
                found.extend(teams_strings(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(teams_strings(item))
    return [text for text in found if text.strip()]


# --- the colleagues and their workspace ------------------------------------------------------------------------------

LOCALES = {"da": "da-DK", "en": "en-US"}
SLOTS = [
    {"name": "LinkedIn", "weekdays": ["tue", "thu"], "time": "10:00"},
    {"name": "Nyhedsbrev", "day": "1st mon", "time": "09:00"},
]
# Titles, names and slots are the workspace's own words: Danish in both runs, so only Cobot's words differ.
REQUESTS = (
    'new Ti tips til søgeord due:2026-12-10 parts:"Indledning; Tips"',
    "new Kundecase: Jensen due:2026-12-10",
    "new Video: Jensen fortæller due:2026-12-10",
)


def behaviour(language: str, channel: str) -> dict[str, Any]:
    return {
        "timezone": "Europe/Copenhagen",
        "publishing": {"slots": SLOTS},
        "languages": {"channels": {channel: language}},
    }


# --- Slack -----------------------------------------------------------------------------------------------------------

SLACK_OWNER, SLACK_HELPER = "U0EJER", "U0SOFIE"


class Registrations:
    """Takes the place of the Bolt app in ``register_all`` and keeps the callback ids of the views (modals) it is
    told to listen for; every other registration is let through unrecorded."""

    def __init__(self) -> None:
        self.views: set[str] = set()

    def view(self, callback_id: str) -> Callable[..., None]:
        self.views.add(callback_id)
        return lambda *args, **kwargs: None

    def __getattr__(self, name: str) -> Callable[..., Callable[..., None]]:
        return lambda *args, **kwargs: lambda *a, **k: None


def slack_views_listened_for() -> set[str]:
    registrations = Registrations()
    register_all(registrations)  # type: ignore[arg-type]
    return registrations.views


def slack_command(slack: SlackScenario, text: str, *, user: str) -> None:
    response = slack.command(text, user=user)
    assert response.status == 200, response
    slack.settle()


def opened_view(slack: SlackScenario, open_it: Callable[[], Any]) -> dict[str, Any]:
    """The modal Cobot opens (``views.open``) when ``open_it`` runs; Slack would accept it."""
    before = len([c for c in slack.fake.calls_to("views.open") if c.ok])
    open_it()
    call = slack.fake.wait_for("views.open", lambda c: c.ok, count=before + 1)[before]
    view: dict[str, Any] = call.params["view"]
    assert view_errors(view) == []
    return view


def open_home(slack: SlackScenario, user: str) -> dict[str, Any]:
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home", "event_ts": "1.000001"}
    assert slack.event(event).status == 200
    slack.settle()
    views = [c.params["view"] for c in slack.fake.calls_to("views.publish") if c.ok and c.params["user_id"] == user]
    assert views, f"no Home tab was published for {user}"
    return views[-1]


def slack_button(homes: dict[str, dict[str, Any]], kind: ActionKind) -> tuple[str, str]:
    """Who is offered a button of ``kind`` on their Home tab, and its value."""
    wanted = ids.action_id(kind)
    for user, home in homes.items():
        for block in home["blocks"]:
            for element in [*block.get("elements", []), block.get("accessory") or {}]:
                if str(element.get("action_id", "")).split(ids.SUFFIX_SEPARATOR)[0] == wanted:
                    return user, str(element["value"])
    raise AssertionError(f"no Home tab offers a {kind.value} button: how does a person open its form?")


def slack_dm_button(slack: SlackScenario, user: str, kind: ActionKind) -> str:
    """The value of the latest button of ``kind`` in Cobot's DMs to ``user``."""
    for message in reversed(slack.fake.messages(user)):
        for block in message.get("blocks") or []:
            for element in block.get("elements", []) if block["type"] == "actions" else []:
                if element.get("action_id") == ids.action_id(kind):
                    return str(element["value"])
    raise AssertionError(f"no DM to {user} offers a {kind.value} button")


def shortcut_body(slack: SlackScenario) -> bytes:
    data = {
        "type": "message_action",
        "callback_id": ids.FROM_MESSAGE_SHORTCUT,
        "trigger_id": "trigger-shortcut",
        "team": {"id": "T0001", "domain": "cobot-test"},
        "user": {"id": SLACK_OWNER, "username": "mette", "name": "mette", "team_id": "T0001"},
        "channel": {"id": "C0SUPPORT", "name": "support"},
        "message_ts": "1700000000.000900",
        "message": {
            "type": "message",
            "user": SLACK_HELPER,
            "ts": "1700000000.000900",
            "text": "Kunderne spørger tit om fragt til Grønland\nKan vi skrive en FAQ om det?",
        },
        "response_url": slack.fake.response_url(),
        "token": "legacy",
        "api_app_id": "A0COBOT",
    }
    return urllib.parse.urlencode({"payload": json.dumps(data)}).encode()


# E-mail set up, so cards offer "Invite someone outside" (nothing here sends any).
MAIL = {"smtp_url": "smtp://127.0.0.1:9", "public_url": "https://cobot.example.com"}


def render_slack(language: str, database_url: str) -> Shown:
    slack = start_scenario(database_url, behaviour=behaviour(language, SLACK_CHANNEL), environment=MAIL)
    try:
        for user, name, real_name in ((SLACK_OWNER, "mette", "Mette Ørsted"), (SLACK_HELPER, "sofie", "Sofie Ærø")):
            slack.fake.add_user(user, name=name, real_name=real_name, locale=LOCALES[language])
        for request in REQUESTS:
            slack_command(slack, request, user=SLACK_OWNER)
        slack_command(slack, "volunteer 1 1", user=SLACK_HELPER)
        for number in (2, 3):
            slack_command(slack, f"volunteer {number}", user=SLACK_HELPER)
            slack_command(slack, f"submit {number} https://docs.example.com/sofie-{number}", user=SLACK_HELPER)
        slack_command(slack, f"approve 3 <@{SLACK_HELPER}|sofie>", user=SLACK_OWNER)

        shown: Shown = {"pick a part (card)": slack_strings(slack.card(1))}
        homes = {user: open_home(slack, user) for user in (SLACK_HELPER, SLACK_OWNER)}
        shown["settings (Home)"] = slack_strings(homes[SLACK_HELPER])
        for kind in FORMS:
            user, value = slack_button(homes, kind)
            view = opened_view(slack, partial(slack.click, ids.action_id(kind), value, user=user))
            assert view["callback_id"] == ids.view_id(kind)
            shown[button_form(kind, "modal")] = slack_strings(view)

        # The helper's approval DM carries Sign off, whose modal is a form of its own (``handlers.signoff``).
        value = slack_dm_button(slack, SLACK_HELPER, ActionKind.SIGN_OFF)
        view = opened_view(slack, partial(slack.click, ids.SIGN_OFF, value, user=SLACK_HELPER))
        shown["sign off (modal)"] = slack_strings(view)

        user, value = slack_button(homes, ActionKind.SHOW_FREE_SLOTS)
        answered = len(slack.fake.calls_to("response_url"))
        assert slack.click(ids.SHOW_FREE_SLOTS, value, user=user).status == 200
        answer = slack.fake.wait_for("response_url", count=answered + 1)[answered].params
        shown["book a slot"] = slack_strings(answer)

        shown["new request"] = slack_strings(opened_view(slack, lambda: slack.command("new", user=SLACK_OWNER)))
        derive = opened_view(slack, lambda: slack.command("derive 1", user=SLACK_OWNER))
        shown["derive (command)"] = slack_strings(derive)
        derive = opened_view(slack, lambda: slack.click(ids.DERIVE, "1", user=SLACK_OWNER))
        shown["derive (button)"] = slack_strings(derive)
        body = shortcut_body(slack)
        prefilled = opened_view(slack, lambda: slack.post(body, content_type="application/x-www-form-urlencoded"))
        shown["from a message (shortcut)"] = slack_strings(prefilled)
        guest = opened_view(slack, lambda: slack.click(ids.INVITE_GUEST, selected="1", user=SLACK_OWNER))
        shown["invite someone outside"] = slack_strings(guest)
        slack_command(slack, 'published 2 https://blog.example.com/jensen force:"demo"', user=SLACK_OWNER)
        results = opened_view(slack, lambda: slack.click(ids.ADD_RESULTS, "2", user=SLACK_OWNER))
        shown["results of a published piece"] = slack_strings(results)

        opened = {call.params["view"]["callback_id"] for call in slack.fake.calls_to("views.open") if call.ok}
        assert opened == slack_views_listened_for(), "a modal the app listens for was not opened here"
        return shown
    finally:
        slack.close()


# --- Teams -----------------------------------------------------------------------------------------------------------


def teams_action(message: Message, kind: ActionKind) -> dict[str, Any] | None:
    if message.card is None:
        return None
    return next((a for a in all_actions(message.card) if a.get("data", {}).get(cards.DATA_KEY) == kind.value), None)


def teams_button(teams: TeamsScenario, kind: ActionKind) -> tuple[User, Message, dict[str, Any]]:
    """The latest 1:1 message that offers a button of ``kind``, whose reader it is, and the button."""
    for user in (ANNA, OWNER):
        for message in reversed(teams.dms(user)):
            action = teams_action(message, kind)
            if action is not None:
                return user, message, action
    raise AssertionError(f"no 1:1 message offers a {kind.value} button: how does a person open its form?")


def new_messages(teams: TeamsScenario, before: int) -> list[Message]:
    teams.settle()
    return teams.fake.all_messages()[before:]


def render_teams(language: str, database_url: str) -> Shown:
    teams = start_teams(database_url, behaviour=behaviour(language, TEAMS_CHANNEL), environment=MAIL)
    try:
        teams.install_in_team()
        for person in (OWNER, ANNA):
            teams.install_personal(person)
            teams.command(f"language {language}", user=person)
        for request in REQUESTS:
            teams.command(request, user=OWNER, in_channel=True)
        teams.command("volunteer 1 1", user=ANNA)
        for number in (2, 3):
            teams.command(f"volunteer {number}", user=ANNA)
            teams.command(f"submit {number} https://docs.example.com/anna-{number}", user=ANNA)
        teams.settle()
        review = next(m for m in reversed(teams.dms(OWNER)) if teams_action(m, ActionKind.APPROVE_DRAFT))
        approve = teams_action(review, ActionKind.APPROVE_DRAFT)
        assert approve is not None and teams.execute(review, approve["title"], user=OWNER).status == 200
        # Three days before the deadline Anna, with no draft for her part of #1, is reminded: "Need more time".
        teams.clock.advance(datetime(2026, 12, 7, 8, 30, tzinfo=UTC) - teams.clock())
        run_tick(teams.service.cobot)
        teams.settle()

        shown: Shown = {"pick a part (card)": teams_strings(teams.card(1).activity)}
        for kind in FORMS:
            user, message, action = teams_button(teams, kind)
            dialog = teams.open_dialog(message, action["title"], user=user)
            assert dialog.status == 200, dialog
            shown[button_form(kind, "dialog")] = teams_strings(dialog.json())
            before = len(teams.fake.all_messages())
            assert teams.submit(message, action["title"], user=user).status == 202
            [form] = [m for m in new_messages(teams, before) if teams_action(m, kind)]
            shown[button_form(kind, "card for a client without dialogs")] = teams_strings(form.activity)

        user, message, action = teams_button(teams, ActionKind.SHOW_FREE_SLOTS)
        before = len(teams.fake.all_messages())
        pressed = teams.execute(message, action["title"], user=user)
        assert pressed.status == 200, pressed
        [slots] = [m for m in new_messages(teams, before) if teams_action(m, ActionKind.BOOK_SLOT)]
        shown["book a slot"] = teams_strings(slots.activity) + teams_strings(pressed.json())

        # In the owner's 1:1 chat, which has no language of its own: the owner's is the one to use.
        before = len(teams.fake.all_messages())
        assert teams.say("new", user=OWNER).status in (200, 202)
        [offer] = [m for m in new_messages(teams, before) if m.conversation == OWNER.personal]
        shown["new request offer"] = teams_strings(offer.activity)
        [open_form] = all_actions(offer.card)
        dialog = teams.open_dialog(offer, open_form["title"], user=OWNER)
        assert dialog.status == 200, dialog
        shown["new request dialog"] = teams_strings(dialog.json())
        invite = teams_action(teams.card(1), ActionKind.INVITE_GUEST)
        assert invite is not None, "the card offers no Invite someone outside"
        dialog = teams.open_dialog(teams.card(1), invite["title"], user=OWNER)
        assert dialog.status == 200 and "card" in dialog.json()["task"]["value"], dialog
        shown["invite someone outside"] = teams_strings(dialog.json())
        return shown
    finally:
        teams.close()


# --- the console -----------------------------------------------------------------------------------------------------


FRAME = re.compile(r"^\[(?!\d+\])[^\]]*\] .*:$")  # "[DM → @Anne Bæk] Cobot:", not "[12] Submit draft …"


CONSOLE_COLLEAGUES = ("mette", "anne")  # the two who chose the language; the demo's others keep theirs


def console_button(buttons: Iterable[Button], kind: ActionKind) -> Button:
    """The latest button of ``kind`` shown to one of the two colleagues (in a DM, or an answer to them)."""
    found = [b for b in buttons if b.action.kind is kind and b.shown_to in CONSOLE_COLLEAGUES]
    assert found, f"the console showed nobody a {kind.value} button: how does a person open its form?"
    return found[-1]


def render_console(language: str, database_url: str) -> Shown:
    out = io.StringIO()
    asked: list[str] = []

    def ask(prompt: str) -> None:
        asked.append(prompt)
        return None  # nothing typed: the console then says how to give the text in a script

    def typed(line: str) -> list[str]:
        """What the console answers to ``line``: its lines, without the console's own frame ("[only @Anne]")."""
        start = len(out.getvalue())
        assert console.handle(line)
        lines = out.getvalue()[start:].splitlines()
        return [line.strip() for line in lines if line.strip() and not FRAME.match(line)]

    settings = load_settings(None, {})
    with open_console(settings, demo=True, database=database_url, start=None, out=out, ask=ask) as console:
        for line in (
            ":as mette",
            f"/cocreate language {language}",
            ":as anne",
            f"/cocreate language {language}",
            "/cocreate submit 2 https://docs.example.com/anne/v2",  # Mette is asked to review it
            ":time 2026-12-15 09:00",  # Anne is reminded of her chapter of #1
        ):
            typed(line)
        shown: Shown = {}
        for kind in FORMS:
            button = console_button(console.world.buttons.values(), kind)
            typed(f":as {button.shown_to}")
            asked.clear()
            explained = typed(f":press {button.number}")
            assert len(asked) == 1, asked
            shown[button_form(kind, "question")] = [asked[0].removesuffix("> ")]
            shown[button_form(kind, "explained in a script")] = explained
        typed(":as mette")
        shown["new request"] = typed("/cocreate new")
        return shown


# --- the tests -------------------------------------------------------------------------------------------------------

RENDER: dict[Surface, Callable[[str, str], Shown]] = {
    "slack": render_slack,
    "teams": render_teams,
    "console": render_console,
}


@pytest.fixture(scope="module", params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Surface:
    value: Surface = request.param
    return value


@pytest.fixture(scope="module")
def rendered(surface: Surface, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Shown]:
    """Every form of ``surface``, in Danish and in English: language → form → its strings."""
    forms = {}
    for language in ("da", "en"):
        folder: Path = tmp_path_factory.mktemp(f"{surface}-{language}")
        forms[language] = RENDER[surface](language, f"sqlite:///{folder}/cobot.db")
    return forms


def test_every_form_in_the_registry_is_rendered(surface: Surface, rendered: dict[str, Shown]) -> None:
    for language, shown in rendered.items():
        assert sorted(shown) == sorted(expected_forms(surface)), language
        per_button = [form for form in shown if form.split(":")[0] in {kind.value for kind in FORMS}]
        assert len(per_button) == len(FORMS) * len(BUTTON_FORMS[surface]), per_button
        empty = [form for form, strings in shown.items() if not strings]
        assert not empty, f"{surface} ({language}) shows nothing of {empty}"


def test_no_english_is_left_in_a_danish_form(surface: Surface, rendered: dict[str, Shown]) -> None:
    problems = [
        f"{surface} · {form}:\n    " + "\n    ".join(found)
        for form, strings in rendered["da"].items()
        if (found := english_in(strings))
    ]
    assert not problems, "English in the Danish forms:\n" + "\n".join(problems)


def test_the_english_forms_are_not_the_danish_ones(surface: Surface, rendered: dict[str, Shown]) -> None:
    same = [form for form, strings in rendered["da"].items() if strings == rendered["en"][form]]
    assert not same, f"{surface}: these forms are the same in Danish and English: {same}"
    untranslated = [form for form, strings in rendered["en"].items() if not english_in(strings)]
    assert not untranslated, f"{surface}: the English forms show none of Cobot's English: {untranslated}"
